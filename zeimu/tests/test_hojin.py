"""法人住民税・事業所税: corporations, offices, 申告 (予定・確定・修正) posted to the 収納
ledger under the 法人番号, the screens, the API, the 試算 — and two towns apart."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.api.authentication import apiclient_create
from tenants.db import connection
from tenants.models import Gyomu, Membership, MembershipRole, RoleLevel, Subscription
from tenants.params.tenant.models import MunicipalParameter
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.models import Chotei, ChoteiKind, Hojin, HojinShinkoku, JigyoshoShinkoku, Kibetsu
from zeimu.rules.hojin import HOJIN_BANGO_CHECK_MESSAGE, HojinRefused, hojin_bango_problem
from zeimu.services.hojin import (
    hojin_jimusho_register,
    hojin_register,
    hojin_shinkoku_enter,
    jigyosho_shinkoku_enter,
    shinkoku_input,
)
from zeimu.services.shuno import entaikin_of, madoguchi_nofu

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="test")
BANGO = "7123456789012"  # check digit 7 (the published example)
BANGO_2 = "4011001098993"


def _hojin(
    bango: str = BANGO, meisho: str = "株式会社　葉山商事", shihon: int | None = 10_000_000
) -> Hojin:
    return hojin_register(
        hojin_bango=bango,
        meisho=meisho,
        meisho_kana="ハヤマショウジ",
        shozaichi="神奈川県三浦郡葉山町堀内2135",
        kessan_tsuki=3,
        shihon=shihon,
        actor=ACTOR,
    )


def _enter(h: Hojin, kubun: str, **d: Any) -> HojinShinkoku:
    base: dict[str, Any] = {
        "kaishi": date(2024, 4, 1),
        "shuryo": date(2025, 3, 31),
        "shihon": 10_000_000,
        "juugyosha_town": 50,
    }
    base.update(d)
    return hojin_shinkoku_enter(
        hojin=h,
        kubun=kubun,
        juri_date=d.pop("juri_date", date(2025, 5, 20)),
        inp=shinkoku_input(kubun, base),
        actor=ACTOR,
    )


def _entries(key_part: str) -> list[tuple[str, int]]:
    return [
        (c.kind, c.amount)
        for c in Chotei.objects.filter(kibetsu__key__contains=key_part).order_by("pk")
    ]


def test_yotei_kakutei_shusei_post_the_differences_to_the_ledger(in_alpha):
    # given a corporation (資本金1千万円ちょうど, 町内50人) with a 予定申告 on file
    h = _hojin()
    yotei = _enter(
        h,
        "yotei",
        kaishi=date(2025, 4, 1),
        shuryo=date(2026, 3, 31),
        zenki_hojinzeiwari=121_300,
        zenki_months=12,
        juri_date=date(2025, 11, 20),
    )
    assert (yotei.kintowari, yotei.hojinzeiwari, yotei.gokei) == (25_000, 60_600, 85_600)
    # when the 確定申告 (法人税額 3,157,400円, 分割 25/39) and then a 修正申告 are entered
    period = {"kaishi": date(2025, 4, 1), "shuryo": date(2026, 3, 31)}
    kakutei = _enter(
        h,
        "kakutei",
        **period,
        hojinzeigaku=3_157_400,
        juugyosha_all=39,
        juugyosha_bunkatsu=25,
        juugyosha_town=25,
        kinofu=85_600,
    )
    # 均等割 1千万円以下・50人以下 50,000円, 法人税割 2,023,000 × 6% = 121,300円
    assert (kakutei.kintowari, kakutei.hojinzeiwari, kakutei.gokei) == (50_000, 121_300, 171_300)
    assert kakutei.sashihiki == 85_700
    shusei = _enter(
        h,
        "shusei",
        **period,
        hojinzeigaku=4_000_000,
        juugyosha_all=39,
        juugyosha_bunkatsu=25,
        juugyosha_town=51,
        kinofu=171_300,
    )
    # 51人 → 50人超 120,000円; 4,000,000/39 = 102,564.10 × 25 = 2,564,102.5 → 2,564,000 × 6%
    assert (shusei.kintowari, shusei.hojinzeiwari) == (120_000, 153_800)
    assert shusei.sashihiki == 273_800 - 171_300
    assert shusei.shusei_of_id == kakutei.pk
    # then the ledger holds 期1 (予定) and 期2 (確定) under the 法人番号, no 宛名
    kibs = list(Kibetsu.objects.filter(hojin_bango=BANGO).order_by("ki"))
    assert [(k.ki_label, k.atena_id, k.zeimoku) for k in kibs] == [
        ("予定申告", None, "hojinzei"),
        ("確定申告", None, "hojinzei"),
    ]
    assert _entries(":yotei") == [(ChoteiKind.TOSHO, 85_600)]
    assert _entries(":kakutei") == [(ChoteiKind.TOSHO, 85_700), (ChoteiKind.ZOGAKU, 102_500)]
    assert kakutei.nofu_bango == shusei.nofu_bango == kibs[1].nofu_bango
    assert kibs[1].nouki == date(2026, 5, 31)
    # 延滞金 by the ledger's own rule on the 期別 posted: paid 30 days late, 188,200円 owed
    # → 188,000 × 2.8% (令和8年の前1月の割合) × 30 / 365 = 432円; under 1,000円 nothing is due
    late = entaikin_of(kibs[1].pk, paid_on=date(2026, 6, 30))
    seg = late.segments[0]
    assert (seg.start, seg.end, seg.base, seg.amount) == (
        date(2026, 6, 1),
        date(2026, 6, 30),
        188_000,
        432,
    )
    assert late.entaikin == 0
    # a 窓口 payment on the corporation's 納付番号 is matched to its 期別
    nofu = madoguchi_nofu(
        nofu_bango=kibs[0].nofu_bango, amount=85_600, shuno_date=date(2025, 11, 28), actor=ACTOR
    )
    assert nofu.kibetsu_id == kibs[0].pk


def test_refusals_write_nothing(in_alpha):
    with pytest.raises(HojinRefused, match="検査用数字"):
        _hojin(bango="8123456789012")
    assert not Hojin.objects.exists()
    h = _hojin()
    with pytest.raises(HojinRefused, match="すでに登録"):
        _hojin()
    with pytest.raises(HojinRefused, match="修正する確定申告がありません"):
        _enter(h, "shusei", hojinzeigaku=1_000_000)
    _enter(h, "kakutei", hojinzeigaku=1_000_000)
    with pytest.raises(HojinRefused, match="修正申告として入力"):
        _enter(h, "kakutei", hojinzeigaku=2_000_000)
    with pytest.raises(HojinRefused, match="修正前の申告の税額"):
        _enter(h, "shusei", hojinzeigaku=2_000_000, kinofu=1)
    assert HojinShinkoku.objects.count() == 1
    assert Kibetsu.objects.filter(hojin_bango=BANGO).count() == 1
    with pytest.raises(HojinRefused, match="廃止日は開設日より後"):
        hojin_jimusho_register(
            hojin=h,
            meisho="本社",
            shozaichi="葉山町",
            kaisetsu_date=date(2024, 4, 1),
            haishi_date=date(2024, 4, 1),
            juugyosha=3,
            actor=ACTOR,
        )


def _levy_jigyoshozei() -> None:
    MunicipalParameter.objects.create(
        key="zeimu.jigyosho.kazei_dantai",
        fiscal_year_from=2020,
        value=1,
        source="テスト事業所税条例",
        created_by="test",
    )


def test_jigyoshozei_only_where_levied_and_a_shusei_posts_the_difference(in_alpha):
    h = _hojin()
    kw: dict[str, Any] = {
        "hojin": h,
        "juri_date": date(2025, 5, 30),
        "kaishi": date(2024, 4, 1),
        "shuryo": date(2025, 3, 31),
        "actor": ACTOR,
    }
    with pytest.raises(HojinRefused, match="課税団体ではありません"):
        jigyosho_shinkoku_enter(
            **kw, menseki=Decimal(1500), hikazei_menseki=Decimal(100), juugyosha=120, kyuyo=1
        )
    assert not JigyoshoShinkoku.objects.exists()
    _levy_jigyoshozei()
    # 久留米市 設例1: 1,400㎡ × 600円 + 720,000,000円 × 0.25%
    first = jigyosho_shinkoku_enter(
        **kw,
        menseki=Decimal(1500),
        hikazei_menseki=Decimal(100),
        juugyosha=120,
        kyuyo=720_000_000,
    )
    assert first.gokei == 2_640_000
    second = jigyosho_shinkoku_enter(
        **kw, menseki=Decimal(1500), hikazei_menseki=Decimal(100), juugyosha=90, kyuyo=1
    )
    assert (second.gokei, second.shusei_of_id) == (840_000, first.pk)
    assert _entries("jigyosho:") == [
        (ChoteiKind.TOSHO, 2_640_000),
        (ChoteiKind.GENGAKU, -1_800_000),
    ]
    assert Kibetsu.objects.get(key__startswith="jigyosho:").zeimoku == "jigyosho"


# --- screens ---------------------------------------------------------------------------


def _logs(town: Any, screen: str) -> list[AccessLog]:
    connection.set_tenant(town.municipality)
    rows = list(AccessLog.objects.filter(screen=screen).order_by("id"))
    connection.set_schema_to_public()
    return rows


def test_screens_search_register_detail_shinkoku_and_shisan(world, login):
    clerk = login("hayama-clerk", ALPHA_HOST)
    # register with a wrong check digit: the Japanese message, nothing written
    form = {
        "hojin_bango": "8123456789012",
        "meisho": "株式会社 葉山商事",
        "shozaichi": "葉山町堀内",
        "kessan_tsuki": "3",
        "shihon": "10000000",
    }
    page = clerk.post("/zeimu/hojin/new/", form).content.decode()
    assert HOJIN_BANGO_CHECK_MESSAGE in page
    r = clerk.post("/zeimu/hojin/new/", {**form, "hojin_bango": BANGO})
    assert r.status_code == 302
    connection.set_tenant(world.alpha.municipality)
    h = Hojin.objects.get(hojin_bango=BANGO)
    connection.set_schema_to_public()
    # search by 名称 (spaces ignored) and by 法人番号
    page = clerk.post("/zeimu/hojin/", {"meisho": "株式会社葉山"}).content.decode()
    assert "検索結果（1件）" in page and BANGO in page
    page = clerk.post("/zeimu/hojin/", {"hojin_bango": BANGO}).content.decode()
    assert "株式会社 葉山商事" in page
    assert [r.detail["hojin_ids"] for r in _logs(world.alpha, "zeimu.hojin_search")] == [
        [h.pk],
        [h.pk],
    ]
    # an office, then a 確定申告: preview saves nothing, save posts
    r = clerk.post(
        f"/zeimu/hojin/{h.pk}/jimusho/",
        {
            "meisho": "本社",
            "shozaichi": "葉山町堀内",
            "kaisetsu_date": "令和6年7月10日",
            "juugyosha": "3",
        },
    )
    assert r.status_code == 302
    sk = {
        "kubun": "kakutei",
        "juri_date": "令和7年5月20日",
        "kaishi": "令和6年4月1日",
        "shuryo": "令和7年3月31日",
        "shihon": "10000000",
        "juugyosha_town": "3",
        "office_from": "令和6年7月10日",
        "hojinzeigaku": "1234567",
        "kinofu": "0",
    }
    page = clerk.post(
        f"/zeimu/hojin/{h.pk}/shinkoku/", {**sk, "action": "preview"}
    ).content.decode()
    assert "計算の結果（未登録）" in page and "33,300円" in page  # 50,000 × 8 / 12
    connection.set_tenant(world.alpha.municipality)
    assert not HojinShinkoku.objects.exists()
    connection.set_schema_to_public()
    r = clerk.post(f"/zeimu/hojin/{h.pk}/shinkoku/", {**sk, "action": "save"})
    assert r.status_code == 302
    page = clerk.get(f"/zeimu/hojin/{h.pk}/").content.decode()
    assert "確定申告" in page and "令和6年7月10日" in page and "74,000円" in page
    assert "107,300円" in page and "令和7年5月31日" in page
    # the 収納状況 of its 期別: 調定 107,300円, nothing paid, 年度 of the period's end
    kib = page[page.index('data-testid="hojin-kibetsu"') :]
    assert "法人住民税" in kib and "令和6年度" in kib and "107,300円" in kib and "0円" in kib
    assert "事業所税の課税団体ではありません" in page
    page = clerk.get(f"/zeimu/hojin/{h.pk}/jigyosho/").content.decode()
    assert "この団体は事業所税の課税団体ではありません" in page
    assert _logs(world.alpha, "zeimu.hojin_detail")[-1].record_id == str(h.pk)
    # 試算: nothing saved
    page = clerk.post(
        "/zeimu/hojin/shisan/",
        {
            "kaishi": "令和6年4月1日",
            "shuryo": "令和7年3月31日",
            "shihon": "10000001",
            "juugyosha_town": "51",
            "hojinzeigaku": "3157000",
            "juugyosha_all": "390",
        },
    ).content.decode()
    # 150,000 + 3,157,000/390 = 8,094.871 (3 digits: 3 decimals) × 51 = 412,838.421
    # → 412,000 × 6% = 24,720 → 24,700
    assert "合計 174,700円" in page
    connection.set_tenant(world.alpha.municipality)
    assert HojinShinkoku.objects.count() == 1
    connection.set_schema_to_public()
    # the 閲覧者 reads but cannot write
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert viewer.get(f"/zeimu/hojin/{h.pk}/").status_code == 200
    assert (
        viewer.post(f"/zeimu/hojin/{h.pk}/shinkoku/", {**sk, "action": "save"}).status_code == 403
    )


def _subscribe_beta(world: Any) -> None:
    connection.set_schema_to_public()
    for code in ("hojin_juminzei", "jigyoshozei"):
        Subscription.objects.create(
            municipality=world.beta.municipality,
            gyomu=Gyomu.objects.get(code=code),
            start_month=date(2020, 4, 1),
        )
        MembershipRole.objects.create(
            membership=Membership.objects.get(
                user__username="samukawa-clerk", municipality=world.beta.municipality
            ),
            gyomu=Gyomu.objects.get(code=code),
            level=RoleLevel.WRITE,
        )


def test_two_towns_walls_on_screens(world, login):
    connection.set_tenant(world.alpha.municipality)
    h = _hojin()
    _enter(h, "kakutei", hojinzeigaku=1_000_000)
    connection.set_schema_to_public()
    # 寒川町 without the 業務: 404 everywhere
    other = login("samukawa-clerk", BETA_HOST)
    assert other.get("/zeimu/hojin/").status_code == 404
    assert other.get(f"/zeimu/hojin/{h.pk}/").status_code == 404
    # 寒川町 with the 業務: still nothing of 葉山町's
    _subscribe_beta(world)
    assert other.get(f"/zeimu/hojin/{h.pk}/").status_code == 404
    page = other.post("/zeimu/hojin/", {"hojin_bango": BANGO}).content.decode()
    assert "検索結果（0件）" in page and "葉山商事" not in page
    r = other.post(
        f"/zeimu/hojin/{h.pk}/shinkoku/",
        {"kubun": "kakutei", "juri_date": "令和7年5月20日", "kaishi": "令和6年4月1日",
         "shuryo": "令和7年3月31日", "juugyosha_town": "1", "action": "save"},
    )  # fmt: skip
    assert r.status_code == 404
    # the same corporation may be registered in 寒川町 too (an office there): its own rows
    r = other.post(
        "/zeimu/hojin/new/",
        {"hojin_bango": BANGO, "meisho": "株式会社 葉山商事 寒川営業所", "shozaichi": "葉山町",
         "kessan_tsuki": "3"},
    )  # fmt: skip
    assert r.status_code == 302
    connection.set_tenant(world.beta.municipality)
    assert not HojinShinkoku.objects.exists()
    assert not Kibetsu.objects.filter(hojin_bango=BANGO).exists()
    connection.set_tenant(world.alpha.municipality)
    assert Kibetsu.objects.filter(hojin_bango=BANGO).count() == 1
    assert Hojin.objects.get().meisho == "株式会社　葉山商事"
    connection.set_schema_to_public()


# --- API ---------------------------------------------------------------------------------


def _key_client(town: Any, host: str, scopes: tuple[str, ...]) -> Client:
    connection.set_schema_to_public()
    _, key = apiclient_create(
        municipality=town.municipality, name="法人税務システム", scopes=list(scopes)
    )
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {key}")


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


SCOPES = ("hojin_juminzei:read", "hojin_juminzei:write", "jigyoshozei:read", "jigyoshozei:write")


def test_api_create_search_shinkoku_detail_shisan_and_wall(world):
    api = _key_client(world.alpha, ALPHA_HOST, SCOPES)
    bad = _post(api, "/api/v1/zeimu/hojin/", {"hojin_bango": "1234567890123", "meisho": "x",
                                                "shozaichi": "y", "kessan_tsuki": 3})  # fmt: skip
    # (well-formed JSON, a 法人番号 that breaks the rule: 422, as the schema says)
    assert bad.status_code == 422 and "検査用数字" in bad.content.decode()
    made = _post(
        api,
        "/api/v1/zeimu/hojin/",
        {"hojin_bango": BANGO_2, "meisho": "寒川工業株式会社", "shozaichi": "葉山町一色",
         "kessan_tsuki": 12, "shihon": 30_000_000},
    )  # fmt: skip
    assert made.status_code == 201, made.content
    pk = made.json()["hojin_id"]
    found = _post(api, "/api/v1/zeimu/hojin/search/", {"meisho": "寒川工業"}).json()
    assert [r["hojin_id"] for r in found["results"]] == [pk]
    sk = _post(
        api,
        f"/api/v1/zeimu/hojin/{pk}/shinkoku/",
        {"kubun": "kakutei", "juri_date": "2025-02-20", "kaishi": "2024-01-01",
         "shuryo": "2024-12-31", "shihon": 30_000_000, "juugyosha_town": 12,
         "hojinzeigaku": 2_500_000},
    )  # fmt: skip
    assert sk.status_code == 201, sk.content
    assert (sk.json()["kintowari"], sk.json()["hojinzeiwari"]) == (130_000, 150_000)
    again = _post(
        api,
        f"/api/v1/zeimu/hojin/{pk}/shinkoku/",
        {"kubun": "kakutei", "juri_date": "2025-02-20", "kaishi": "2024-01-01",
         "shuryo": "2024-12-31", "juugyosha_town": 12},
    )  # fmt: skip
    assert again.status_code == 422 and "修正申告" in again.content.decode()
    detail = api.get(f"/api/v1/zeimu/hojin/{pk}/").json()
    assert [s["kubun"] for s in detail["shinkoku"]] == ["kakutei"]
    refused = _post(
        api,
        f"/api/v1/zeimu/hojin/{pk}/jigyosho/",
        {"juri_date": "2025-02-20", "kaishi": "2024-01-01", "shuryo": "2024-12-31",
         "menseki": "1500", "juugyosha": 120, "kyuyo": 1},
    )  # fmt: skip
    assert refused.status_code == 422 and "課税団体ではありません" in refused.content.decode()
    shisan = _post(
        api,
        "/api/v1/zeimu/hojin/shisan/",
        {"kaishi": "2025-01-14", "shuryo": "2025-12-31", "shihon": 1_000_000,
         "juugyosha_town": 2, "hojinzeigaku": 0},
    )  # fmt: skip
    assert shisan.status_code == 200
    assert (shisan.json()["kintowari_months"], shisan.json()["gokei"]) == (11, 45_800)
    connection.set_tenant(world.alpha.municipality)
    assert HojinShinkoku.objects.count() == 1
    assert AccessLog.objects.filter(screen="api.zeimu.hojin", record_id=str(pk)).exists()
    connection.set_schema_to_public()
    # 寒川町's key, even with the 業務: 404 on 葉山町's corporation, nothing found
    _subscribe_beta(world)
    other = _key_client(world.beta, BETA_HOST, SCOPES)
    assert other.get(f"/api/v1/zeimu/hojin/{pk}/").status_code == 404
    assert _post(other, "/api/v1/zeimu/hojin/search/", {"hojin_bango": BANGO_2}).json() == {
        "results": []
    }
    gone = _post(
        other,
        f"/api/v1/zeimu/hojin/{pk}/shinkoku/",
        {"kubun": "kakutei", "juri_date": "2025-02-20", "kaishi": "2024-01-01",
         "shuryo": "2024-12-31", "juugyosha_town": 1},
    )  # fmt: skip
    assert gone.status_code == 404
    connection.set_tenant(world.beta.municipality)
    assert not HojinShinkoku.objects.exists()
    connection.set_schema_to_public()


# --- meters and demo --------------------------------------------------------------------


def test_meter_counts_the_shinkoku_of_each_town(world):
    import time_machine

    from tenants.meters.registry import meter_values_for_all_members

    connection.set_tenant(world.alpha.municipality)
    with time_machine.travel(datetime(2025, 6, 10, 10, 0, tzinfo=UTC)):
        h = _hojin()
        _enter(h, "kakutei", hojinzeigaku=1_000_000)
        _enter(h, "shusei", hojinzeigaku=2_000_000, kinofu=110_000)
    with time_machine.travel(datetime(2026, 4, 2, 10, 0, tzinfo=UTC)):
        _enter(h, "shusei", hojinzeigaku=3_000_000, kinofu=170_000)  # next 年度
    connection.set_schema_to_public()
    figures = meter_values_for_all_members(
        members=[world.alpha.municipality, world.beta.municipality], fiscal_year=2025
    )
    assert figures["143014"]["hojin_shinkoku"] == 2
    assert figures["143219"]["hojin_shinkoku"] == 0


def test_demo_corporations_are_about_2_5_percent_of_residents_and_posted(world):
    from django.core.management import call_command

    from juminkiroku.tests.factories import family, household_tennyu

    connection.set_tenant(world.alpha.municipality)
    for _ in range(140):
        household_tennyu("hayama", members=family(), ido_date=date(2020, 4, 1))
    connection.set_schema_to_public()
    call_command("zeimu_demo")
    connection.set_tenant(world.alpha.municipality)
    n = Hojin.objects.count()
    assert n == int(420 * 0.025)  # 140 households of 3
    assert HojinShinkoku.objects.filter(kubun="kakutei").count() == n
    assert Kibetsu.objects.filter(zeimoku="hojinzei").exclude(hojin_bango="").count() == n
    assert all(
        hojin_bango_problem(b) is None for b in Hojin.objects.values_list("hojin_bango", flat=True)
    )
    connection.set_tenant(world.beta.municipality)
    assert not Hojin.objects.exists()  # 寒川町 does not use 法人住民税
    connection.set_schema_to_public()


def test_ledger_takes_a_taxpayer_by_atena_or_by_hojin_bango_never_both(in_alpha):
    from zeimu.services.shuno import ChoteiItem, ShunoRefused, chotei_post_many

    def item(**kw: Any) -> ChoteiItem:
        base: dict[str, Any] = {
            "zeimoku": "hojinzei",
            "key": "hojin:test:1",
            "atena_id": None,
            "nendo": 2025,
            "ki": 1,
            "ki_label": "確定申告",
            "nouki": date(2025, 5, 31),
            "amount": 50_000,
            "ref": "test:1",
            "on": date(2025, 5, 20),
        }
        base.update(kw)
        return ChoteiItem(**base)

    with pytest.raises(ShunoRefused, match="どちらか一方"):
        chotei_post_many([item()], actor=ACTOR)
    with pytest.raises(ShunoRefused, match="どちらか一方"):
        chotei_post_many([item(atena_id=1, hojin_bango=BANGO)], actor=ACTOR)
    chotei_post_many([item(hojin_bango=BANGO)], actor=ACTOR)
    with pytest.raises(ShunoRefused, match="別の納税義務者"):
        chotei_post_many([item(hojin_bango=BANGO_2, ref="test:2")], actor=ACTOR)
    assert Kibetsu.objects.filter(key="hojin:test:1").get().hojin_bango == BANGO
    assert Chotei.objects.filter(ref__startswith="test:").count() == 1


def test_months_and_juugyosha_from_the_offices_on_file(in_alpha):
    # given a corporation whose office in the town opened on 令和6年7月10日 (国分寺市の例: 8か月)
    h = _hojin()
    hojin_jimusho_register(
        hojin=h, meisho="葉山店", shozaichi="葉山町", kaisetsu_date=date(2024, 7, 10),
        juugyosha=12, actor=ACTOR,
    )  # fmt: skip
    hojin_jimusho_register(
        hojin=h, meisho="旧倉庫", shozaichi="葉山町", kaisetsu_date=date(2020, 4, 1),
        haishi_date=date(2024, 5, 1), juugyosha=40, actor=ACTOR,
    )  # fmt: skip
    # when a 確定申告 leaves the period and the 従業者数 blank
    period = {"kaishi": date(2024, 4, 1), "shuryo": date(2025, 3, 31), "shihon": 10_000_000}
    inp = shinkoku_input("kakutei", {**period, "hojinzeigaku": 0}, h)
    # then the period runs from the 期首 (the closed 倉庫 was there in April) to the 期末 and
    # the 従業者数 is that of the office open at the end (the closed one counts 0)
    assert (inp.office_from, inp.office_to, inp.juugyosha_town) == (
        date(2024, 4, 1),
        date(2025, 3, 31),
        12,
    )
    # a corporation with only the new office: 8 months of 均等割
    h2 = _hojin(bango=BANGO_2, meisho="新設株式会社")
    hojin_jimusho_register(
        hojin=h2, meisho="本店", shozaichi="葉山町", kaisetsu_date=date(2024, 7, 10),
        juugyosha=3, actor=ACTOR,
    )  # fmt: skip
    sk = hojin_shinkoku_enter(
        hojin=h2,
        kubun="kakutei",
        juri_date=date(2025, 5, 20),
        inp=shinkoku_input("kakutei", {**period, "hojinzeigaku": 0}, h2),
        actor=ACTOR,
    )
    assert (sk.kintowari_months, sk.kintowari, sk.office_from) == (8, 33_300, date(2024, 7, 10))
    with pytest.raises(HojinRefused, match="町内の従業者数を入力してください"):
        shinkoku_input("kakutei", {**period}, _hojin(bango="7010705000725", meisho="無店舗"))
