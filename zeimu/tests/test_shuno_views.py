"""収納管理 screens in two towns: the lookup (POST) and the taxpayer's ledger across every
税目 with the 延滞金 of today, the 窓口 receipt, the 口座振替 result file and its report,
the 延滞金 試算 — logged, in words and 和暦; 寒川町 (no 税 業務) reaches none of it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from juminkiroku.tests.factories import family, household_tennyu
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.models import Zeimoku
from zeimu.public import chotei_post, kibetsu_zan
from zeimu.tests.test_shuno import zengin_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(alpha: Any) -> dict[str, Any]:
    connection.set_tenant(alpha.municipality)
    _, (head, *_) = household_tennyu("hayama", members=family(), ido_date=date(2020, 4, 1))
    actor = Actor(user_id=None, username="test")
    old = chotei_post(zeimoku=Zeimoku.JUMINZEI, key="r6:4", atena_id=head.pk, nendo=2024, ki=4,
                      ki_label="第4期", nouki=date(2025, 1, 31), amount=65_000, ref="r6:4:t",
                      on=date(2024, 6, 1), actor=actor)  # fmt: skip
    new = chotei_post(zeimoku=Zeimoku.KOKUHOZEI, key="k7:1", atena_id=head.pk, nendo=2025, ki=1,
                      ki_label="第1期", nouki=date(2099, 7, 31), amount=30_000, ref="k7:1:t",
                      on=date(2025, 7, 1), actor=actor)  # fmt: skip
    connection.set_schema_to_public()
    return {"head": head, "old": old, "new": new}


def test_lookup_ledger_madoguchi_file_and_entaikin(world: Any, login: Any, ledger: Any) -> None:
    clerk = login("hayama-clerk", ALPHA_HOST)
    head = ledger["head"]
    r = clerk.post("/zeimu/shuno/", {"atena_no": head.atena_no})
    assert r.status_code == 302 and r["Location"] == f"/zeimu/shuno/nozeisha/{head.pk}/"
    page = clerk.get(r["Location"]).content.decode()
    assert "個人住民税（普通徴収）" in page and "国民健康保険税" in page
    assert "令和7年1月31日" in page and "65,000" in page
    assert head.atena_no not in r["Location"]

    # 窓口: pay the 国保税 in full
    no = ledger["new"].nofu_bango
    day = "令和7年7月10日"
    r = clerk.post(
        "/zeimu/shuno/madoguchi/", {"nofu_bango": no, "amount": "30000", "shuno_date": day}
    )
    assert r.status_code == 302
    wrong = no[:19] + str((int(no[19]) + 1) % 10)
    bad = clerk.post(
        "/zeimu/shuno/madoguchi/", {"nofu_bango": wrong, "amount": "1", "shuno_date": day}
    )
    assert "検査数字" in bad.content.decode()

    # the bank's result file pays 40,000 of the old 期別 on 27 June 2025
    data = zengin_file([(ledger["old"].nofu_bango, 40_000, "0"), ("1" * 20, 5, "9")])
    r = clerk.post("/zeimu/shuno/koza-kekka/", {"file": SimpleUploadedFile("kekka.txt", data)})
    assert r.status_code == 302, r.content.decode()[:400]
    report = clerk.get(r["Location"]).content.decode()
    assert "消込" in report and "振替不能" in report
    again = clerk.post("/zeimu/shuno/koza-kekka/", {"file": SimpleUploadedFile("k2.txt", data)})
    assert "取込済み" in again.content.decode()

    connection.set_tenant(world.alpha.municipality)
    zan = {z.nofu_bango: z.zan for z in kibetsu_zan(head.pk)}
    assert zan == {ledger["old"].nofu_bango: 25_000, ledger["new"].nofu_bango: 0}
    connection.set_schema_to_public()

    # 延滞金 試算 of the old 期別 paid on 令和7年9月1日 (nothing saved)
    r = clerk.post("/zeimu/shuno/entaikin/", {"nofu_bango": ledger["old"].nofu_bango,
                                              "paid_on": "令和7年9月1日"})  # fmt: skip
    text = r.content.decode()
    assert "令和7年2月1日〜令和7年2月28日" in text and "2.4%" in text and "8.7%" in text

    connection.set_tenant(world.alpha.municipality)
    screens = set(AccessLog.objects.values_list("screen", flat=True))
    assert {"zeimu.shuno_nozeisha", "収納の消込", "口座振替結果の取込"} <= screens
    connection.set_schema_to_public()


def test_the_viewer_reads_but_cannot_receive_and_samukawa_sees_nothing(
    world: Any, login: Any, ledger: Any
) -> None:
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert viewer.get(f"/zeimu/shuno/nozeisha/{ledger['head'].pk}/").status_code == 200
    form = {"nofu_bango": ledger["new"].nofu_bango, "amount": "1", "shuno_date": "令和7年7月10日"}
    r = viewer.post("/zeimu/shuno/madoguchi/", form)
    assert r.status_code == 403
    beta = login("samukawa-clerk", BETA_HOST)
    for url in ("/zeimu/shuno/", f"/zeimu/shuno/nozeisha/{ledger['head'].pk}/",
                "/zeimu/shuno/madoguchi/", "/zeimu/shuno/entaikin/"):  # fmt: skip
        assert beta.get(url).status_code == 404, url
