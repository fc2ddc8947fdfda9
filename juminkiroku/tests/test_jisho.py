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
