"""異動 screens: a clerk enters a 転入, a second clerk approves it; 仮登録 stays hidden."""

from __future__ import annotations

import pytest

from juminkiroku.models import Atena, Ido
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db

TENNYU_FORM = {
    "ido_date": "令和6年4月1日",
    "todoke_date": "2024-04-03",
    "setai_mode": "new",
    "c-postal_code": "240-0112",
    "c-jusho": "神奈川県三浦郡葉山町堀内",
    "c-banchi": "2135番地",
    "c-tennyu_mae_jusho": "東京都千代田区霞が関二丁目1番2号",
    "n1-shimei": "葉山　一郎",
    "n1-shimei_kana": "ハヤマ　イチロウ",
    "n1-birth_date": "昭和55年5月5日",
    "n1-sex": "1",
    "n1-shubetsu": "1",
    "n1-zokugara": "01",
    "n2-shimei": "葉山　花子",
    "n2-shimei_kana": "ハヤマ　ハナコ",
    "n2-birth_date": "1982-07-07",
    "n2-sex": "2",
    "n2-shubetsu": "1",
    "n2-zokugara": "02",
}


def _enter(login):
    clerk = login("hayama-clerk", ALPHA_HOST)
    r = clerk.post("/juminkiroku/ido/new/K01/", TENNYU_FORM)
    assert r.status_code == 302, r.content.decode()[-3000:]
    ido_pk = int(r["Location"].rstrip("/").split("/")[-1])
    return clerk, ido_pk


def test_clerk_enters_reviewer_approves(login, alpha):
    clerk, ido_pk = _enter(login)
    connection.set_tenant(alpha.municipality)
    assert Atena.objects.count() == 0
    connection.set_schema_to_public()
    # The author sees it; a 閲覧者 does not even know it exists.
    assert clerk.get(f"/juminkiroku/ido/{ido_pk}/").status_code == 200
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert viewer.get(f"/juminkiroku/ido/{ido_pk}/").status_code == 404
    listing = viewer.get("/juminkiroku/ido/").content.decode()
    assert f"/juminkiroku/ido/{ido_pk}/" not in listing and "該当する異動はありません" in listing
    # The author cannot approve their own entry.
    clerk.post(f"/juminkiroku/ido/{ido_pk}/approve/")
    connection.set_tenant(alpha.municipality)
    assert Ido.objects.get(pk=ido_pk).status == "kari"
    connection.set_schema_to_public()
    shinsa = login("hayama-shinsa", ALPHA_HOST)
    page = shinsa.get(f"/juminkiroku/ido/{ido_pk}/").content.decode()
    assert "本登録する" in page and "葉山　一郎" in page
    r = shinsa.post(f"/juminkiroku/ido/{ido_pk}/approve/")
    assert r.status_code == 302
    connection.set_tenant(alpha.municipality)
    people = list(Atena.objects.order_by("setai_order"))
    assert [p.shimei for p in people] == ["葉山　一郎", "葉山　花子"]
    assert people[0].birth_date.isoformat() == "1980-05-05"
    assert people[0].postal_code == "2400112"
    assert AccessLog.objects.filter(screen="異動本登録", record_id=str(ido_pk)).count() == 1
    connection.set_schema_to_public()
    done = clerk.get(f"/juminkiroku/ido/{ido_pk}/").content.decode()
    assert "本登録" in done and "registered-person" in done


def test_form_errors_are_shown_and_nothing_saved(login, alpha):
    clerk = login("hayama-clerk", ALPHA_HOST)
    bad = dict(TENNYU_FORM, **{"n1-kojin_bango": "123456789012", "ido_date": "令和6年13月1日"})
    r = clerk.post("/juminkiroku/ido/new/K01/", bad)
    assert r.status_code == 200
    body = r.content.decode()
    assert "異動日は 2024-04-01 か 令和6年4月1日 の形で入力してください。" in body
    connection.set_tenant(alpha.municipality)
    assert Ido.objects.count() == 0


def test_other_town_cannot_see_or_approve(login, alpha):
    _, ido_pk = _enter(login)
    other = login("samukawa-shinsa", BETA_HOST)
    assert other.get(f"/juminkiroku/ido/{ido_pk}/").status_code == 404
    assert other.post(f"/juminkiroku/ido/{ido_pk}/approve/").status_code == 404
    connection.set_tenant(alpha.municipality)
    assert Ido.objects.get(pk=ido_pk).status == "kari"


def test_viewer_cannot_open_entry_form(login):
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert viewer.get("/juminkiroku/ido/new/K01/").status_code == 403


def test_module_page_links_to_the_first_screen(login):
    clerk = login("hayama-clerk", ALPHA_HOST)
    page = clerk.get("/m/juminkiroku/").content.decode()
    assert 'href="/juminkiroku/entry/juminkiroku/"' in page
    r = clerk.get("/juminkiroku/entry/juminkiroku/")
    assert r.status_code == 302 and r["Location"] == "/juminkiroku/"
