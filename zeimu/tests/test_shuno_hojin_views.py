"""A corporation's 収納 ledger page and its API read (zeimu/views/shuno_hojin.py,
zeimu/api/shuno.py ``HojinShunoLookupView``; docs/standard/shuno.md S-20): opened by 法人番号
(POST) from the 収納管理 home; balances per 税目 and 期別 with subtotals, every entry, the
還付・充当, in words and 和暦, the read logged; the 閲覧者 reads it, 寒川町's clerk does not
reach 葉山町's corporation (screen 404, API 404) even when 寒川町 holds the same 法人番号.

Figures: the ledger of zeimu/tests/test_shuno_juto_hojin.py — 法人住民税 確定申告分 50,000円 due
令和7年5月31日 unpaid; another 300,000円 paid 令和7年8月29日 then lowered to 200,000円 on 令和7年
12月1日 (100,000円 過誤納), 充当 on 令和8年1月5日 (with the 延滞金, as a 還付 decision makes it)
to the older 50,000円 and then to its 延滞金: the 充当適状日 is 令和7年12月1日, when the 過誤納
arose; 令和7年 2.4%・8.7%: 50,000×2.4%×30/365 = 98, 50,000×8.7%×154/365 = 1,835 → 1,933 →
1,900円 — so 51,900円 moved and 48,100円 still 過誤納.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.api.authentication import apiclient_create
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.models import Hojin, Zeimoku
from zeimu.services.shuno import chotei_post, juto_apply, madoguchi_nofu
from zeimu.tests.factories import grant_beta_shuno

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="test")
BANGO = "9234567890123"
LOOKUP = "/api/v1/zeimu/shuno/hojin-lookup/"


def hojin_post(key: str, amount: int, nouki: date, ref: str, on: date) -> Any:
    return chotei_post(zeimoku=Zeimoku.HOJINZEI, key=key, atena_id=None, hojin_bango=BANGO,
                       nendo=2025, ki=1, ki_label="確定申告分", nouki=nouki, amount=amount,
                       ref=ref, on=on, actor=ACTOR)  # fmt: skip


@pytest.fixture
def corp(alpha: Any, beta: Any) -> dict[str, Any]:
    connection.set_tenant(alpha.municipality)
    hojin = Hojin.objects.create(hojin_bango=BANGO, meisho="株式会社葉山商事",
                                 postal_code="2400192", shozaichi="神奈川県三浦郡葉山町一色1番地",
                                 kessan_tsuki=3)  # fmt: skip
    old = hojin_post("h:old", 50_000, date(2025, 5, 31), "h:old:t", date(2025, 5, 1))
    over = hojin_post("h:new", 300_000, date(2025, 8, 31), "h:new:t", date(2025, 8, 1))
    madoguchi_nofu(nofu_bango=over.nofu_bango, amount=300_000, shuno_date=date(2025, 8, 29),
                   actor=ACTOR)  # fmt: skip
    hojin_post("h:new", 200_000, date(2025, 8, 31), "h:new:k", date(2025, 12, 1))
    juto_apply(hojin_bango=BANGO, on=date(2026, 1, 5), actor=ACTOR, entaikin=True)
    # 寒川町 holds a corporation of the same 法人番号 with a ledger of its own
    connection.set_tenant(beta.municipality)
    theirs = Hojin.objects.create(hojin_bango=BANGO, meisho="株式会社葉山商事寒川支店",
                                  postal_code="2530100", shozaichi="神奈川県高座郡寒川町宮山1番地",
                                  kessan_tsuki=3)  # fmt: skip
    hojin_post("s:old", 40_000, date(2025, 5, 31), "s:old:t", date(2025, 5, 1))
    connection.set_schema_to_public()
    return {"hojin": hojin, "old": old, "over": over, "theirs": theirs}


def test_the_corporations_ledger_page(world: Any, login: Any, corp: Any) -> None:
    clerk = login("hayama-clerk", ALPHA_HOST)
    home = clerk.get("/zeimu/shuno/").content.decode()
    assert "この法人の収納状況を開く" in home
    # given: the 法人番号 posted from the home (never in a URL)
    r = clerk.post("/zeimu/shuno/hojin/", {"hojin_bango": BANGO})
    assert r.status_code == 302 and r["Location"] == f"/zeimu/shuno/hojin/{corp['hojin'].pk}/"
    # when: the page is opened
    page = clerk.get(r["Location"]).content.decode()
    # then: per 税目 and 期別, in words, 和暦 and 円, with a subtotal of the 税目
    assert "株式会社葉山商事（法人番号 9234567890123）" in page
    assert "法人住民税" in page and "hojinzei" not in page
    assert "令和7年5月31日" in page and "令和7年8月31日" in page
    assert "過誤納 48,100円" in page and "延滞金（確定申告分）" in page
    assert "法人住民税 計" in page and "251,900円" in page  # 調定 50,000 + 1,900 + 200,000
    assert "未納 0円 ・ 過誤納 48,100円" in page
    # every entry: 当初調定, 減額更正, 納付, 充当（受入）, 充当（払出）
    for word in ["当初調定", "減額更正", "納付", "充当（受入）", "充当（払出）"]:
        assert word in page, word
    assert "令和7年12月1日" in page and "-100,000円" in page
    # 還付・充当: the 充当 of 令和8年1月5日, 50,000円 and 1,900円; no 還付
    assert "令和8年1月5日" in page and "還付はありません。" in page
    assert "1,900円" in page
    assert "寒川" not in page  # 寒川町's corporation of the same number is not here
    connection.set_tenant(world.alpha.municipality)
    row = AccessLog.objects.get(screen="zeimu.shuno_hojin")
    assert (row.record_type, row.record_id) == ("zeimu.Hojin", str(corp["hojin"].pk))
    connection.set_schema_to_public()
    # the 閲覧者 reads it too
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert viewer.get(r["Location"]).status_code == 200
    # refusals: a wrong check digit, a number not registered — in Japanese, nothing read
    bad = clerk.post("/zeimu/shuno/hojin/", {"hojin_bango": "2234567890123"}, follow=True)
    assert "法人番号" in bad.content.decode()
    none = clerk.post("/zeimu/shuno/hojin/", {"hojin_bango": "9111111111111"}, follow=True)
    assert "その法人番号の法人は登録されていません。" in none.content.decode()


def test_samukawa_reaches_only_its_own_corporation(world: Any, login: Any, corp: Any) -> None:
    grant_beta_shuno()
    helper = login("samukawa-clerk", BETA_HOST)
    # the id of 葉山町's corporation, on 寒川町's host: 寒川町's own row of that id, or none —
    # never 葉山町's figures
    r = helper.get(f"/zeimu/shuno/hojin/{corp['hojin'].pk}/")
    assert r.status_code in (200, 404)
    assert "300,000" not in r.content.decode() and "令和7年8月31日" not in r.content.decode()
    page = helper.get(f"/zeimu/shuno/hojin/{corp['theirs'].pk}/").content.decode()
    assert "寒川支店" in page and "40,000円" in page
    assert "300,000" not in page and "令和7年8月31日" not in page
    connection.set_tenant(world.beta.municipality)
    # one row for its own corporation; a second only when 寒川町 has a row of the other id
    # (then that row is 寒川町's own, read on 寒川町's host)
    rows = list(
        AccessLog.objects.filter(screen="zeimu.shuno_hojin").values_list("record_id", flat=True)
    )
    assert str(corp["theirs"].pk) in rows
    assert len(rows) == (2 if r.status_code == 200 else 1)
    connection.set_tenant(world.alpha.municipality)
    assert not AccessLog.objects.filter(screen="zeimu.shuno_hojin").exists()
    connection.set_schema_to_public()


def _key(town: Any, host: str) -> Client:
    _, key = apiclient_create(municipality=town.municipality, name="収納連携",
                              scopes=["shuno_kanri:read"])  # fmt: skip
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {key}")


def test_the_api_reads_the_corporations_ledger_and_is_logged(
    alpha: Any, beta: Any, corp: Any
) -> None:
    client = _key(alpha, ALPHA_HOST)
    r = client.post(LOOKUP, {"hojin_bango": BANGO}, content_type="application/json")
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["mino"], body["kagono"]) == (0, 48_100)
    assert [(k["ki_label"], k["nouki"], k["chotei"], k["zan"]) for k in body["kibetsu"]] == [
        ("確定申告分", "2025-05-31", 50_000, 0),
        ("延滞金（確定申告分）", "2025-05-31", 1_900, 0),
        ("確定申告分", "2025-08-31", 200_000, -48_100),
    ]
    assert {k["zeimoku_label"] for k in body["kibetsu"]} == {"法人住民税"}
    # the balance of a past day: before the 減額 and the 充当
    r = client.post(LOOKUP, {"hojin_bango": BANGO, "on": "2025-09-30"},
                    content_type="application/json")  # fmt: skip
    assert [k["zan"] for k in r.json()["kibetsu"]] == [50_000, 0, 0]
    connection.set_tenant(alpha.municipality)
    rows = AccessLog.objects.filter(screen="api.zeimu.shuno_hojin")
    assert rows.count() == 2 and {r.record_id for r in rows} == {str(corp["hojin"].pk)}
    connection.set_schema_to_public()
    bad = client.post(LOOKUP, {"hojin_bango": "2234567890123"}, content_type="application/json")
    assert bad.status_code == 422 and "hojin_bango" in bad.json()
    # 寒川町's key reads 寒川町's ledger only
    grant_beta_shuno()
    theirs = _key(beta, BETA_HOST).post(
        LOOKUP, {"hojin_bango": BANGO}, content_type="application/json"
    )
    assert theirs.status_code == 200
    assert [(k["chotei"], k["zan"]) for k in theirs.json()["kibetsu"]] == [(40_000, 40_000)]
