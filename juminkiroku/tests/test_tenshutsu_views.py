"""The 転出 screens (標準仕様書 4.1.3.0.3, 4.1.3.1.1, 4.1.3.1.4): 転出証明書 printed the
same day from the 転出's screen, 再交付, the paper 転入通知, the 未着者一覧 and its
照会書; the other town sees none of it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from juminkiroku.codes import IdoJiyu, JuminJotai
from juminkiroku.models import Atena, TennyuTsuchi, Tenshutsu, TenshutsuShomei
from juminkiroku.services.ido import PersonChange, ido_enter
from juminkiroku.tests.certhelpers import set_ninshosha
from juminkiroku.tests.factories import actor_for, approve, family, household_tennyu
from tenants.db import connection
from tenants.testing.pdf import pdf_pages
from tenants.wareki import format_wareki
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db

SAKI = "東京都新宿区西新宿二丁目8番1号"


@pytest.fixture
def setup(alpha):
    connection.set_tenant(alpha.municipality)
    set_ninshosha()
    _, atenas = household_tennyu("hayama", members=family())
    child = atenas[2]
    today = timezone.localdate()
    ido = ido_enter(
        jiyu=IdoJiyu.TENSHUTSU,
        ido_date=today + timedelta(days=10),
        todoke_date=today,
        changes=[PersonChange(child.pk, {"tenshutsu_saki_jusho": SAKI})],
        actor=actor_for("hayama-clerk"),
    )
    approve(ido, reviewer="hayama-shinsa")
    t = Tenshutsu.objects.get(ido=ido)
    connection.set_schema_to_public()
    return ido, t, child


def test_the_counter_prints_the_shomei_and_reissues_it(login, alpha, setup):
    ido, t, _child = setup
    clerk = login("hayama-clerk", ALPHA_HOST)
    assert "転出の状況" in clerk.get(f"/juminkiroku/ido/{ido.pk}/").content.decode()
    page = clerk.get(f"/juminkiroku/tenshutsu/ido/{ido.pk}/").content.decode()
    assert "転出予定" in page and SAKI in page and "転出証明書を発行" in page
    r = clerk.post(f"/juminkiroku/tenshutsu/{t.pk}/shomei/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert "転出証明書" in "".join(pdf_pages(r.content))
    r2 = clerk.post(f"/juminkiroku/tenshutsu/{t.pk}/shomei/")
    assert r2.status_code == 400 and "再交付" in r2.content.decode()
    connection.set_tenant(alpha.municipality)
    first = TenshutsuShomei.objects.get()
    connection.set_schema_to_public()
    r3 = clerk.post(f"/juminkiroku/tenshutsu/shomei/{first.pk}/saikofu/")
    assert r3.status_code == 200 and "再交付" in "".join(pdf_pages(r3.content))


def test_paper_tennyu_tsuchi_through_the_screen(login, alpha, setup):
    ido, t, child = setup
    clerk = login("hayama-clerk", ALPHA_HOST)
    today = timezone.localdate()
    form = clerk.get(f"/juminkiroku/tenshutsu/{t.pk}/tsuchi/").content.decode()
    assert "転入通知の入力" in form
    bad = clerk.post(
        f"/juminkiroku/tenshutsu/{t.pk}/tsuchi/",
        {"tennyu_date": format_wareki(today + timedelta(days=1)), "tennyu_jusho": SAKI,
         "received_on": format_wareki(today)},
    )  # fmt: skip
    assert bad.status_code == 400 and "未来の日付" in bad.content.decode()
    ok = clerk.post(
        f"/juminkiroku/tenshutsu/{t.pk}/tsuchi/",
        {"tennyu_date": format_wareki(today), "tennyu_jusho": SAKI,
         "tennyu_postal_code": "160-0023", "received_on": format_wareki(today)},
    )  # fmt: skip
    assert ok.status_code == 302
    page = clerk.get(f"/juminkiroku/tenshutsu/ido/{ido.pk}/").content.decode()
    assert "転入通知年月日" in page and "転出予定日と異なります" in page
    connection.set_tenant(alpha.municipality)
    assert Atena.objects.get(pk=child.pk).jotai == JuminJotai.TENSHUTSU
    assert TennyuTsuchi.objects.get().source == "paper"


def test_mitchaku_list_and_shokaisho_on_screen(login, alpha, setup):
    _, t, _child = setup
    connection.set_tenant(alpha.municipality)
    from juminkiroku.services.tenshutsu import tenshutsu_kakutei_due

    tenshutsu_kakutei_due(today=t.yotei_date)
    # the 除票 date is in the future here, so ask for "-0 days" from a list run later:
    Tenshutsu.objects.filter(pk=t.pk).update(shojo_date=timezone.localdate() - timedelta(days=40))
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    page = clerk.get("/juminkiroku/tenshutsu/mitchaku/").content.decode()
    assert "山田　一郎" in page and "40日" in page
    assert clerk.get("/juminkiroku/tenshutsu/mitchaku/?days=x").status_code == 400
    r = clerk.post("/juminkiroku/tenshutsu/mitchaku/shokai/", {"tenshutsu": [str(t.pk)]})
    assert r.status_code == 200 and "転入通知未着照会書" in "".join(pdf_pages(r.content))


def test_other_town_gets_404_and_sees_nobody(login, setup):
    ido, t, _ = setup
    other = login("samukawa-clerk", BETA_HOST)
    assert other.get(f"/juminkiroku/tenshutsu/ido/{ido.pk}/").status_code == 404
    assert other.post(f"/juminkiroku/tenshutsu/{t.pk}/shomei/").status_code == 404
    assert other.get(f"/juminkiroku/tenshutsu/{t.pk}/tsuchi/").status_code == 404
    assert "山田" not in other.get("/juminkiroku/tenshutsu/mitchaku/").content.decode()
    r = other.post("/juminkiroku/tenshutsu/mitchaku/shokai/", {"tenshutsu": [str(t.pk)]})
    assert r.status_code == 302


def test_the_screens_log_the_persons_shown(login, alpha, setup):
    from tenants.accesslog.models import AccessLog

    ido, t, child = setup
    connection.set_tenant(alpha.municipality)
    before = AccessLog.objects.count()
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    assert clerk.get(f"/juminkiroku/tenshutsu/ido/{ido.pk}/").status_code == 200
    clerk.post(f"/juminkiroku/tenshutsu/{t.pk}/shomei/")
    connection.set_tenant(alpha.municipality)
    rows = list(AccessLog.objects.order_by("id")[before:])
    reads = [r for r in rows if r.screen == "転出の照会"]
    assert len(reads) == 1 and reads[0].record_type == "atena"
    assert reads[0].detail["atena_ids"] == [child.pk] and reads[0].username == "hayama-clerk"
    prints = [r for r in rows if r.action == "print"]
    assert [(p.record_type, p.screen) for p in prints] == [("tenshutsu_shomei", "転出証明書発行")]
    # the list with nobody on it writes no row; with someone, their id
    connection.set_schema_to_public()
    clerk.get("/juminkiroku/tenshutsu/mitchaku/")
    connection.set_tenant(alpha.municipality)
    assert not AccessLog.objects.filter(screen="転入通知未着者一覧").exists()


def test_the_form_allows_a_future_ido_date_for_tenshutsu_only(login):
    # 標準仕様書 4.0.3: 異動日 up to today, except for 転出 (国外転出 included)
    clerk = login("hayama-clerk", ALPHA_HOST)
    future = format_wareki(timezone.localdate() + timedelta(days=7))

    def check(jiyu: str, key: str) -> str:
        r = clerk.post(
            f"/juminkiroku/ido/new/{jiyu}/check/",
            {key: future},
            HTTP_HX_REQUEST="true",
            HTTP_HX_TRIGGER_NAME=key,
        )
        assert r.status_code == 200
        return str(r.content.decode())

    assert check("S01", "ido_date") == ""
    assert check("S02", "ido_date") == ""
    assert check("S03", "ido_date") == "異動日に未来の日付は指定できません。"
    assert check("S01", "todoke_date") == "届出日に未来の日付は指定できません。"


def test_the_person_page_shows_the_yotei(login, setup):
    _, t, child = setup
    clerk = login("hayama-clerk", ALPHA_HOST)
    page = clerk.get(f"/juminkiroku/persons/{child.pk}/").content.decode()
    assert "転出予定（転出予定日 " + format_wareki(t.yotei_date) in page
    assert f"/juminkiroku/tenshutsu/ido/{t.ido_id}/" in page
