"""住所辞書 maintenance by staff (標準仕様書 1.3.3): list, search, add, correct."""

from __future__ import annotations

import pytest

from juminkiroku.models import Chiku, JushoJisho
from juminkiroku.services.jisho import JishoError, JishoInput, jisho_save
from juminkiroku.tests.factories import actor_for
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db


def test_save_checks_every_item_and_writes_nothing_when_refused(in_alpha):
    Chiku.objects.create(code="01", name="堀内")
    clerk = actor_for("hayama-clerk")
    row = jisho_save(
        data=JishoInput("14301001001", "〒240-0112", "堀内", "ホリウチ", "01"), actor=clerk
    )
    assert (row.postal_code, row.chiku.code if row.chiku else "") == ("2400112", "01")
    with pytest.raises(JishoError) as exc:
        jisho_save(data=JishoInput("1430A", "24-01", "", "ほりうち", "99"), actor=clerk)
    assert set(exc.value.errors) == {"jusho_code", "postal_code", "name", "kana", "chiku_code"}
    with pytest.raises(JishoError) as exc:
        jisho_save(data=JishoInput("14301001001", "2400111", "一色"), actor=clerk)
    assert "既に登録されています" in exc.value.errors["jusho_code"][0]
    with pytest.raises(JishoError) as exc:
        jisho_save(data=JishoInput("14301001002", "2400111", "一\x00色"), actor=clerk)
    assert "name" in exc.value.errors
    assert JushoJisho.objects.count() == 1
    fixed = jisho_save(
        data=JishoInput("14301001001", "2400112", "堀内（旧）", "ホリウチ"), actor=clerk, pk=row.pk
    )
    assert fixed.name == "堀内（旧）" and fixed.chiku is None
    logged = AccessLog.objects.filter(record_type="jusho_jisho").values_list("action", flat=True)
    assert sorted(logged) == ["create", "update"]


def test_screens_for_clerks_viewers_and_the_other_town(alpha, beta, login):
    clerk = login("hayama-clerk", ALPHA_HOST)
    r = clerk.post(
        "/juminkiroku/jisho/new/",
        {
            "jusho_code": "14301002001",
            "postal_code": "240-0111",
            "name": "一色",
            "kana": "イッシキ",
        },
    )
    assert r.status_code == 302
    r = clerk.post("/juminkiroku/jisho/", {"q": "イッ"})
    assert "一色" in r.content.decode() and "〒240-0111" in r.content.decode()
    r = clerk.post("/juminkiroku/jisho/", {"q": "2400"})
    assert 'data-testid="jisho-count">1件' in r.content.decode()
    connection.set_tenant(alpha.municipality)
    pk = JushoJisho.objects.get(jusho_code="14301002001").pk
    connection.set_schema_to_public()
    r = clerk.post(
        f"/juminkiroku/jisho/{pk}/",
        {"jusho_code": "14301002001", "postal_code": "2400111", "name": "一色", "kana": "いっしき"},
    )
    assert "全角カタカナ" in r.content.decode()
    r = clerk.post(
        "/juminkiroku/jisho/new/",
        {"jusho_code": "14301002001", "postal_code": "2400111", "name": "一色二"},
    )
    assert "既に登録されています" in r.content.decode()
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert viewer.get("/juminkiroku/jisho/").status_code == 200
    assert viewer.get("/juminkiroku/jisho/new/").status_code == 403
    # 寒川町 neither sees nor corrects 葉山町's dictionary.
    other = login("samukawa-clerk", BETA_HOST)
    assert "一色" not in other.get("/juminkiroku/jisho/").content.decode()
    assert other.get(f"/juminkiroku/jisho/{pk}/").status_code == 404
    r = other.post(
        f"/juminkiroku/jisho/{pk}/",
        {"jusho_code": "1", "postal_code": "2530000", "name": "寒川"},
    )
    assert r.status_code == 404
    connection.set_tenant(alpha.municipality)
    assert JushoJisho.objects.get(pk=pk).name == "一色"
    connection.set_tenant(beta.municipality)
    assert not JushoJisho.objects.exists()


def test_chiku_add_rename_errors_and_walls(alpha, beta, login):
    clerk = login("hayama-clerk", ALPHA_HOST)
    assert (
        clerk.post("/juminkiroku/jisho/chiku/", {"code": "01", "name": "堀内"}).status_code == 302
    )
    r = clerk.post("/juminkiroku/jisho/chiku/", {"code": "01", "name": "一色"})
    assert "この地区コードは既に登録されています。" in r.content.decode()
    r = clerk.post("/juminkiroku/jisho/chiku/", {"code": "0-1", "name": "一色"})
    assert "英数字" in r.content.decode()
    connection.set_tenant(alpha.municipality)
    pk = Chiku.objects.get(code="01").pk
    connection.set_schema_to_public()
    assert (
        clerk.post("/juminkiroku/jisho/chiku/", {"pk": pk, "name": "堀内地区"}).status_code == 302
    )
    html = clerk.get("/juminkiroku/jisho/chiku/").content.decode()
    assert "堀内地区" in html
    # The new 地区 is offered in the dictionary form.
    assert "堀内地区" in clerk.get("/juminkiroku/jisho/new/").content.decode()
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert viewer.get("/juminkiroku/jisho/chiku/").status_code == 200
    assert viewer.post("/juminkiroku/jisho/chiku/", {"code": "02", "name": "x"}).status_code == 403
    other = login("samukawa-clerk", BETA_HOST)
    assert "堀内" not in other.get("/juminkiroku/jisho/chiku/").content.decode()
    r = other.post("/juminkiroku/jisho/chiku/", {"pk": pk, "name": "寒川"})
    connection.set_tenant(alpha.municipality)
    assert Chiku.objects.get(pk=pk).name == "堀内地区"
    assert sorted(
        AccessLog.objects.filter(record_type="chiku").values_list("action", flat=True)
    ) == ["create", "update"]
    connection.set_tenant(beta.municipality)
    assert not Chiku.objects.exists()
