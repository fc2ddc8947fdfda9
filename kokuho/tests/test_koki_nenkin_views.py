"""The 後期高齢者医療 and 国民年金 screens in two towns: lookup by 宛名番号 (POST), a
person's page with words and 和暦 (logged), the 障害認定, the 異動 file and its download
(logged), the 保険料 upload and its errors, the 届 and 申請 and the 報告 file — and 寒川町
reaching none of 葉山町's people or files; a 閲覧者 cannot write."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from juminkiroku.tests.factories import family
from kokuho.models import KokiIdoFile, KokiShikaku, NenkinHokoku, NenkinShinsei, NenkinTodoke
from kokuho.tests.factories import tennyu
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.tests.factories import kazei_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def yamada(alpha, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    members = family()
    members[0]["birth_date"] = "1955-06-01"  # 70: may be certified for 後期
    people = tennyu(django_capture_on_commit_callbacks, members=members, day=date(2020, 4, 1))[1]
    connection.set_schema_to_public()
    return people


def _in(town, fn):
    connection.set_tenant(town.municipality)
    try:
        return fn()
    finally:
        connection.set_schema_to_public()


def test_koki_screens_in_two_towns(world, login, yamada, django_capture_on_commit_callbacks):
    head, wife, _child = yamada
    clerk = login("hayama-clerk", ALPHA_HOST)
    # the entry and the lookup by 宛名番号 (POST)
    assert clerk.get("/kokuho/entry/koki_koreisha_iryo/").status_code == 302
    page = clerk.get("/kokuho/koki/").content.decode()
    assert "後期高齢者医療（町の事務）" in page
    r = clerk.post("/kokuho/koki/", {"atena_no": head.atena_no})
    assert r.status_code == 302 and r["Location"] == f"/kokuho/koki/person/{head.pk}/"
    # the 障害認定 on the person's page
    r = clerk.post(
        f"/kokuho/koki/person/{head.pk}/shogai/",
        {"nintei_date": "令和7年10月1日", "shinsei_date": "R7.9.1"},
    )
    assert r.status_code == 302
    page = clerk.get(f"/kokuho/koki/person/{head.pk}/").content.decode()
    assert "障害認定（65歳以上75歳未満）" in page and "令和7年10月1日" in page
    assert _in(world.alpha, lambda: AccessLog.objects.filter(screen="kokuho.koki_person").exists())
    # the 異動 file: made on the screen, downloaded and logged
    r = clerk.post("/kokuho/koki/ido/", {"encoding": "utf-8-sig"})
    assert r.status_code == 302
    page = clerk.get("/kokuho/koki/ido/").content.decode()
    assert "第1号" in page and "まだ送っていない異動：0件" in page
    f = _in(world.alpha, lambda: KokiIdoFile.objects.get(seq=1))
    r = clerk.get(f"/kokuho/koki/ido/{f.pk}/download/")
    assert r.status_code == 200 and head.atena_no in r.content.decode("utf-8-sig")
    row = _in(
        world.alpha,
        lambda: AccessLog.objects.filter(screen="kokuho.koki_ido_download").latest("id"),
    )
    assert row.action == "export" and row.detail["atena_ids"] == [head.pk]
    # the 保険料 upload: a bad file shows its errors by line and item, nothing written
    bad = "被保険者番号,宛名番号,年度,年額,徴収方法,期,納期限,期別額\n" + (
        f"1234567,{head.atena_no},2025,100,2,1,2025-07-31,100\n"
    )
    with django_capture_on_commit_callbacks(execute=True):  # the job runs after commit
        r = clerk.post(
            "/kokuho/koki/hokenryo/",
            {"file": SimpleUploadedFile("h.csv", bad.encode("utf-8-sig")), "encoding": "utf-8-sig"},
        )
    assert r.status_code == 302
    page = clerk.get(r["Location"]).content.decode()
    assert "誤りあり" in page and "2行目" in page and "被保険者番号" in page
    # a 閲覧者 sees the person but cannot certify
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert viewer.get(f"/kokuho/koki/person/{wife.pk}/").status_code == 200
    r = viewer.post(
        f"/kokuho/koki/person/{wife.pk}/shogai/",
        {"nintei_date": "令和7年10月1日", "shinsei_date": "R7.9.1"},
    )
    assert r.status_code == 403
    # 寒川町: no such person nor file, and the lookup finds nobody
    other = login("samukawa-clerk", BETA_HOST)
    assert other.get(f"/kokuho/koki/person/{head.pk}/").status_code == 404
    assert other.get(f"/kokuho/koki/ido/{f.pk}/download/").status_code == 404
    r = other.post("/kokuho/koki/", {"atena_no": head.atena_no})
    assert r.status_code == 200 and "山田" not in r.content.decode()
    assert "第1号" not in other.get("/kokuho/koki/ido/").content.decode()
    assert _in(world.beta, lambda: not KokiShikaku.objects.exists())


def test_nenkin_screens_in_two_towns(world, login, yamada):
    head, wife, _child = yamada
    _in(world.alpha, lambda: kazei_set(wife.pk, 2025, sonota=0, status="hikazei"))
    _in(world.alpha, lambda: kazei_set(head.pk, 2025, sonota=1_300_000))
    clerk = login("hayama-clerk", ALPHA_HOST)
    r = clerk.post("/kokuho/nenkin/", {"atena_no": wife.atena_no})
    assert r["Location"] == f"/kokuho/nenkin/person/{wife.pk}/"
    # a 種別変更 届 with its 届出日
    r = clerk.post(
        f"/kokuho/nenkin/person/{wife.pk}/todoke/",
        {
            "kind": "shubetsu",
            "jiyu": "fuyo_hazure",
            "shubetsu_mae": "3",
            "shubetsu_go": "1",
            "gaito_date": "令和7年9月1日",
            "todoke_date": "令和7年9月10日",
            "kiso_nenkin_bango": "",
        },
    )
    assert r.status_code == 302
    # a 免除 申請 with the husband as 配偶者 (two dependants)
    r = clerk.post(
        f"/kokuho/nenkin/person/{wife.pk}/shinsei/",
        {
            "kind": "menjo",
            "nendo": "2025",
            "shinsei_date": "令和7年9月10日",
            "haigusha_atena_no": head.atena_no,
            "haigusha_ippan": "2",
        },
    )
    assert r.status_code == 302
    page = clerk.get(f"/kokuho/nenkin/person/{wife.pk}/").content.decode()
    assert "第1号被保険者" in page and "令和7年9月1日" in page and "令和7年度" in page
    assert "全額免除に該当" in page and "1,300,000円" in page and "1,370,000円" in page
    row = _in(
        world.alpha, lambda: AccessLog.objects.filter(screen="kokuho.nenkin_person").latest("id")
    )
    assert row.detail.get("related_atena_ids") == [head.pk]
    # the 報告 file
    r = clerk.post("/kokuho/nenkin/hokoku/", {"encoding": "utf-8-sig"})
    assert r.status_code == 302
    f = _in(world.alpha, lambda: NenkinHokoku.objects.get(seq=1))
    r = clerk.get(f"/kokuho/nenkin/hokoku/{f.pk}/download/")
    assert r.status_code == 200 and "全額免除に該当" in r.content.decode("utf-8-sig")
    # 寒川町: nothing of 葉山町's, and its own 届 for 葉山町's person is refused (404)
    other = login("samukawa-clerk", BETA_HOST)
    assert other.get(f"/kokuho/nenkin/person/{wife.pk}/").status_code == 404
    assert other.get(f"/kokuho/nenkin/hokoku/{f.pk}/download/").status_code == 404
    r = other.post(
        f"/kokuho/nenkin/person/{wife.pk}/todoke/",
        {"kind": "shutoku", "jiyu": "nenrei_20", "shubetsu_mae": "0", "shubetsu_go": "1",
         "gaito_date": "令和7年9月1日", "todoke_date": "令和7年9月1日"},
    )  # fmt: skip
    assert r.status_code == 404
    assert _in(world.beta, lambda: not NenkinTodoke.objects.exists())
    assert _in(world.beta, lambda: not NenkinShinsei.objects.exists())
