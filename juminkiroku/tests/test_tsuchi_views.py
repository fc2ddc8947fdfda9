"""通知書の画面 (標準仕様書 4.1.0.3, 4.2.0.1, 9.4): from 異動番号 to the PDF; the other town
finds nothing and nothing is written there."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from juminkiroku.codes import IdoJiyu
from juminkiroku.models import SeinenHikokennin, ShokkenMoshide, TsuchiHakko
from juminkiroku.services.ido import PersonChange, ido_enter
from juminkiroku.services.tsuchi import TsuchiError, shokken_moshide_record
from juminkiroku.tests.certhelpers import set_ninshosha
from juminkiroku.tests.factories import (
    actor_for,
    approve,
    family,
    household_tennyu,
    tenshutsu,
)
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.testing.pdf import pdf_pages
from tenants.wareki import format_wareki
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db


@pytest.fixture
def tennyu(alpha, beta):
    connection.set_tenant(alpha.municipality)
    set_ninshosha()
    ido, atenas = household_tennyu("hayama", members=family())
    connection.set_tenant(beta.municipality)
    set_ninshosha()
    connection.set_schema_to_public()
    return ido, atenas


def test_juri_tsuchi_from_the_ido_screen(tennyu, login, alpha):
    ido, _ = tennyu
    client = login("hayama-clerk", ALPHA_HOST)
    detail = client.get(f"/juminkiroku/ido/{ido.pk}/").content.decode()
    assert 'data-testid="ido-tsuchi"' in detail and "住民異動届受理通知" in detail
    r = client.post(
        "/juminkiroku/tsuchi/",
        {"action": "juri", "juri-ido_no": ido.ido_no, "juri-todokenin_shimei": "山田　太郎"},
    )
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    (page,) = pdf_pages(r.content)
    assert "住民異動届受理通知" in page and "山田太郎様" in page
    connection.set_tenant(alpha.municipality)
    hakko = TsuchiHakko.objects.get()
    assert hakko.ido_id == ido.pk
    assert r["Content-Disposition"] == f'inline; filename="juri_{hakko.pk}.pdf"'


def test_errors_are_shown_in_japanese_and_nothing_is_written(tennyu, login, alpha):
    ido, _ = tennyu
    client = login("hayama-clerk", ALPHA_HOST)
    assert client.get("/juminkiroku/tsuchi/").status_code == 200
    r = client.post("/juminkiroku/tsuchi/", {"action": "juri", "juri-ido_no": ido.ido_no})
    assert r.status_code == 400 and "届出人氏名" in r.content.decode()
    r = client.post("/juminkiroku/tsuchi/", {"action": "shokken", "shokken-ido_no": ido.ido_no})
    assert r.status_code == 400 and "職権記載・職権消除・職権修正" in r.content.decode()
    r = client.post(
        "/juminkiroku/tsuchi/",
        {"action": "bulk", "bulk-date_from": "令和6年4月1日", "bulk-date_to": "令和6年4月30日"},
    )
    assert r.status_code == 400 and "期間に職権記載等の異動はありません" in r.content.decode()
    connection.set_tenant(alpha.municipality)
    assert TsuchiHakko.objects.count() == 0


def test_the_other_town_finds_no_such_ido(tennyu, login, alpha, beta):
    ido, _ = tennyu
    client = login("samukawa-clerk", BETA_HOST)
    r = client.post(
        "/juminkiroku/tsuchi/",
        {"action": "juri", "juri-ido_no": ido.ido_no, "juri-todokenin_shimei": "山田　太郎"},
    )
    assert r.status_code == 400 and "見つかりません" in r.content.decode()
    assert client.get(f"/juminkiroku/ido/{ido.pk}/").status_code == 404
    connection.set_tenant(beta.municipality)
    assert TsuchiHakko.objects.count() == 0
    assert not AccessLog.objects.filter(action="print").exists()


def test_koken_setting_and_the_tenshutsu_notice_from_the_screens(tennyu, login, alpha, beta):
    _, atenas = tennyu
    client = login("hayama-clerk", ALPHA_HOST)
    r = client.post(
        "/juminkiroku/koken/",
        {"atena_no": atenas[1].atena_no, "kaishi_date": "令和5年4月1日", "set": "1"},
    )
    assert r.status_code == 200 and "成年被後見人として設定しました" in r.content.decode()
    assert "山田" not in r.content.decode()
    other = login("samukawa-clerk", BETA_HOST)
    r = other.post(
        "/juminkiroku/koken/",
        {"atena_no": atenas[1].atena_no, "kaishi_date": "令和5年4月1日", "set": "1"},
    )
    assert r.status_code == 400 and "見つかりません" in r.content.decode()
    connection.set_tenant(alpha.municipality)
    ido = tenshutsu(atenas[1], ido_date=date(2024, 10, 1), todoke_date=date(2024, 9, 20))
    connection.set_schema_to_public()
    r = client.post("/juminkiroku/tsuchi/", {"action": "koken", "koken-ido_no": ido.ido_no})
    assert r["Content-Type"] == "application/pdf"
    assert "成年被後見人の転出通知書" in pdf_pages(r.content)[0]
    connection.set_tenant(beta.municipality)
    assert SeinenHikokennin.objects.count() == 0
    connection.set_tenant(alpha.municipality)
    assert SeinenHikokennin.objects.get().atena_id == atenas[1].pk


def test_shokken_notice_and_kirokusho_from_the_ido_screen(tennyu, login, alpha):
    _, atenas = tennyu
    connection.set_tenant(alpha.municipality)
    ido = ido_enter(
        jiyu=IdoJiyu.SHOKKEN_SHOJO,
        ido_date=date(2024, 7, 1),
        todoke_date=None,
        changes=[PersonChange(atenas[2].pk, {})],
        note="居住の実態なし",
        actor=actor_for("hayama-clerk"),
    )
    approve(ido, reviewer="hayama-shinsa")
    connection.set_schema_to_public()
    client = login("hayama-clerk", ALPHA_HOST)
    detail = client.get(f"/juminkiroku/ido/{ido.pk}/").content.decode()
    assert "職権記載等通知書" in detail and "職権記録書" in detail
    assert "住民異動届受理通知" not in detail
    r = client.post("/juminkiroku/tsuchi/", {"action": "shokken", "shokken-ido_no": ido.ido_no})
    assert "山田一郎様" in pdf_pages(r.content)[0]
    r = client.post("/juminkiroku/tsuchi/", {"action": "kirokusho", "kirokusho-ido_no": ido.ido_no})
    assert r["Content-Type"] == "application/pdf"
    assert "居住の実態なし" in "".join(pdf_pages(r.content))


def test_a_shokken_ido_is_marked_as_made_on_a_moshide(tennyu, login, alpha, beta):
    # given a 職権修正 in 仮登録 (4.2.0.5)
    _, atenas = tennyu
    connection.set_tenant(alpha.municipality)
    ido = ido_enter(
        jiyu=IdoJiyu.SHOKKEN_SHUSEI,
        ido_date=date(2024, 7, 1),
        todoke_date=None,
        changes=[PersonChange(atenas[0].pk, {"banchi": "2136番地"})],
        actor=actor_for("hayama-clerk"),
    )
    connection.set_schema_to_public()
    client = login("hayama-clerk", ALPHA_HOST)
    # then its screen offers the 申出日 with today filled in
    today = format_wareki(timezone.localdate())
    detail = client.get(f"/juminkiroku/ido/{ido.pk}/").content.decode()
    assert f'name="moshide_date" value="{today}"' in detail
    # and 寒川町 cannot mark it
    other = login("samukawa-clerk", BETA_HOST)
    r = other.post(f"/juminkiroku/ido/{ido.pk}/moshide/", {"moshide_date": "令和6年6月20日"})
    assert r.status_code == 404
    # when the clerk records the 申出
    r = client.post(f"/juminkiroku/ido/{ido.pk}/moshide/", {"moshide_date": "令和6年6月20日"})
    assert r.status_code == 302
    detail = client.get(f"/juminkiroku/ido/{ido.pk}/").content.decode()
    assert "申出を受けて行った職権記載等（申出日 令和6年6月20日）" in detail
    connection.set_tenant(alpha.municipality)
    assert ShokkenMoshide.objects.get().ido_id == ido.pk
    with pytest.raises(TsuchiError, match="既に"):
        shokken_moshide_record(
            ido_id=ido.pk, moshide_date=date(2024, 6, 20), actor=actor_for("hayama-clerk")
        )
    connection.set_tenant(beta.municipality)
    assert ShokkenMoshide.objects.count() == 0


def test_moshide_only_for_shokken_and_not_in_the_future(tennyu, alpha):
    ido, _ = tennyu
    connection.set_tenant(alpha.municipality)
    clerk = actor_for("hayama-clerk")
    with pytest.raises(TsuchiError, match="職権記載・職権消除・職権修正"):
        shokken_moshide_record(ido_id=ido.pk, moshide_date=date(2024, 1, 1), actor=clerk)
    with pytest.raises(TsuchiError, match="未来"):
        shokken_moshide_record(ido_id=ido.pk, moshide_date=date(2999, 1, 1), actor=clerk)
    assert ShokkenMoshide.objects.count() == 0
