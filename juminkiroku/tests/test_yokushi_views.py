"""抑止 screen: set by a grant holder, temporary unlock, walls between towns."""

from __future__ import annotations

import pytest

from juminkiroku.models import Yokushi
from juminkiroku.tests.factories import household_tennyu
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db


def test_set_and_temp_unlock_through_the_screen(login, alpha):
    connection.set_tenant(alpha.municipality)
    _, (head,) = household_tennyu("hayama")
    connection.set_schema_to_public()
    shinsa = login("hayama-shinsa", ALPHA_HOST)
    r = shinsa.post(
        "/juminkiroku/yokushi/",
        {"kind": "yokushi", "target": "atena", "atena_no": head.atena_no, "process": "hakko",
         "level": "error", "reason": "本人確認の申出", "start_date": "令和6年1月1日"},
    )  # fmt: skip
    assert r.status_code == 302
    page = shinsa.get("/juminkiroku/yokushi/").content.decode()
    assert "本人確認の申出" in page and "抑止中" in page
    connection.set_tenant(alpha.municipality)
    y = Yokushi.objects.get()
    connection.set_schema_to_public()
    shinsa.post(f"/juminkiroku/yokushi/{y.pk}/", {"act": "temp"})
    assert "一時解除中" in shinsa.get("/juminkiroku/yokushi/").content.decode()
    # A clerk without the grants sees the list but no buttons, and cannot act.
    clerk = login("hayama-clerk", ALPHA_HOST)
    assert "一時解除</button>" not in clerk.get("/juminkiroku/yokushi/").content.decode()
    clerk.post(f"/juminkiroku/yokushi/{y.pk}/", {"act": "release"})
    connection.set_tenant(alpha.municipality)
    assert Yokushi.objects.get().released_at is None
    connection.set_schema_to_public()
    # The other town cannot see or touch it.
    other = login("samukawa-shinsa", BETA_HOST)
    assert "本人確認の申出" not in other.get("/juminkiroku/yokushi/").content.decode()
    assert other.post(f"/juminkiroku/yokushi/{y.pk}/", {"act": "release"}).status_code == 404


def test_jutogai_registration(login, alpha):
    from juminkiroku.models import Atena

    clerk = login("hayama-clerk", ALPHA_HOST)
    r = clerk.post(
        "/juminkiroku/jutogai/new/",
        {"shimei": "町外　所有者", "shimei_kana": "チョウガイ　ショユウシャ",
         "birth_date": "昭和40年1月2日", "jusho": "東京都港区芝公園四丁目2番8号"},
    )  # fmt: skip
    assert r.status_code == 302, r.content.decode()[-2000:]
    connection.set_tenant(alpha.municipality)
    a = Atena.objects.get()
    assert (a.kubun, a.jotai, a.rireki.count()) == ("2", "9", 0)
    connection.set_schema_to_public()
    other = login("samukawa-clerk", BETA_HOST)
    assert other.post("/juminkiroku/jutogai/new/", {"shimei": ""}).status_code == 200
    connection.set_tenant(alpha.municipality)
    assert Atena.objects.count() == 1
