"""償却資産 end to end: the 申告 (refused line by line, nothing written), the 当初 job values
the assets with the taxpayer's land and houses, the 免税点 of 150万, the 期別 posted to the
収納 ledger equal to the notice with its 納付番号, a re-run chunk posting nothing, a 修正申告
then 更正 posting the difference and a 減免 posting 減免 entries; screens and API with
their personas; 寒川町 sees and reaches none of it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from juminkiroku.tests.factories import family, household_tennyu
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.jobs.models import JobStatus
from tenants.jobs.registry import get_kind
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.forms.kotei_notices import kotei_notice_render, kotei_notices
from zeimu.forms.notices import Issuer
from zeimu.kotei_jobs import TOSHO
from zeimu.models import (
    Chotei,
    ChoteiKind,
    Kibetsu,
    KoteiFuka,
    KoteiNozeisha,
    KoteiShokyakuShinkoku,
    KoteiShokyakuShisan,
    Zeimoku,
)
from zeimu.services.kotei import kotei_genmen, kotei_kosei
from zeimu.services.kotei_chotei import kotei_key
from zeimu.services.kotei_shokyaku import ShokyakuLine, ShokyakuRefused, kotei_shokyaku_shinkoku
from zeimu.tests.kotei_helpers import ACTOR, FY, owner, run_tosho, tochi

pytestmark = pytest.mark.django_db

#: 箱根町's worked example (400,000円, 耐用年数5年, acquired 2016: 9th 年度 in 2025 → the
#: 5% floor 20,000円) and a machine bought in April 2024 (2,000,000円 × 0.897 = 1,794,000円)
REIZOKO = ShokyakuLine(6, "業務用冷蔵庫", 1, 2016, 5, 400_000, 5)
SEIMENKI = ShokyakuLine(2, "製麺機", 1, 2024, 4, 2_000_000, 10)


def _shinkoku(nozeisha_id: int, *lines: ShokyakuLine, **kw: Any) -> KoteiShokyakuShinkoku:
    return kotei_shokyaku_shinkoku(
        nozeisha_id=nozeisha_id,
        fiscal_year=FY,
        shinkoku_date=date(2025, 1, 31),
        shozai="葉山町堀内1番地",
        jigyo_shumoku="飲食業",
        zoka=lines,
        actor=ACTOR,
        **kw,
    )


def _ledger_sums(nozeisha_id: int) -> list[int]:
    out = []
    for n in range(1, 5):
        k = Kibetsu.objects.filter(key=kotei_key(FY, nozeisha_id, n)).first()
        out.append(sum(c.amount for c in k.chotei.all()) if k else 0)
    return out


def _world() -> dict[str, Any]:
    _, (head, wife, child) = household_tennyu("hayama", members=family(), ido_date=date(2015, 4, 1))
    shop = owner(head.pk)
    # the shop's owner also holds a small parcel: under the land 免税点 of 30万 on its own
    tochi(shop, "500番", 250_000, "300", "sonota", shigaika=False)
    _shinkoku(shop.pk, REIZOKO, SEIMENKI)
    small = owner(wife.pk)
    # 300,000円 × 0.781 (耐用年数4年, 前年中取得) = 234,300円 < 150万: 免税点未満
    _shinkoku(small.pk, ShokyakuLine(6, "パソコン", 2, 2024, 6, 300_000, 4))
    return {"head": head, "shop": shop, "small": small, "child": child}


def test_shinkoku_refused_line_by_line_writes_nothing(alpha, beta):
    connection.set_tenant(alpha.municipality)
    _, (head, *_rest) = household_tennyu("hayama", members=family(), ido_date=date(2015, 4, 1))
    shop = owner(head.pk)
    with pytest.raises(ShokyakuRefused) as refused:
        _shinkoku(
            shop.pk,
            ShokyakuLine(6, "令和7年の机", 1, 2025, 3, 50_000, 8),
            ShokyakuLine(9, "看板\x00", 1, 2020, 1, 0, 1),
        )
    got = {(e["line"], e["field"]) for e in refused.value.errors}
    assert got == {
        (1, "shutoku_year"),
        (2, "shurui"),
        (2, "meisho"),
        (2, "shutoku_kakaku"),
        (2, "taiyo_nensu"),
    }
    messages = " ".join(e["message"] for e in refused.value.errors)
    assert "1行目: 令和7年度の申告の資産は令和6年12月までの取得です" in messages
    assert "2行目: 耐用年数は2〜50年で入力してください。" in messages
    assert "制御文字（U+0000 NUL）" in messages
    assert not KoteiShokyakuShinkoku.objects.exists()
    assert not KoteiShokyakuShisan.objects.exists()
    # 寒川町 cannot reach 葉山町's 納税義務者 by its id: refused, nothing written there
    connection.set_tenant(beta.municipality)
    with pytest.raises(ShokyakuRefused, match="納税義務者が見つかりません"):
        _shinkoku(shop.pk, REIZOKO)
    assert not KoteiShokyakuShinkoku.objects.exists()


def test_tosho_values_the_assets_posts_the_kibetsu_and_prints_the_nofu_bango(
    alpha, beta, django_capture_on_commit_callbacks
):
    # given
    connection.set_tenant(alpha.municipality)
    w = _world()
    # when the 当初 job runs
    job = run_tosho(django_capture_on_commit_callbacks)
    assert job.status == JobStatus.SUCCEEDED, [c.error for c in job.chunks.all()]
    # then the shop: 20,000 (floor) + 1,794,000 = 1,814,000 ≥ 150万; the parcel is under 30万
    f = KoteiFuka.objects.get(nozeisha=w["shop"], fiscal_year=FY)
    assert (f.shokyaku_hyojun, f.shokyaku_menzei) == (1_814_000, False)
    assert f.tochi_menzei and f.kazei_hyojun_kotei == 1_814_000
    # 1,814,000 × 1.4% = 25,396 → 25,300; 期別 in 1,000円, the remainder in the first
    assert (f.kotei_zeigaku, f.toshi_zeigaku, f.nengaku) == (25_300, 0, 25_300)
    assert [k["amount"] for k in f.kibetsu] == [7_300, 6_000, 6_000, 6_000]
    by_name = {a["meisho"]: a for a in f.meisai["shokyaku"]}
    assert by_name["業務用冷蔵庫"]["hyoka"] == 20_000 and by_name["業務用冷蔵庫"]["saitei"]
    assert by_name["製麺機"]["hyoka"] == 1_794_000
    # the small one is under the 免税点: no tax, nothing in the ledger
    s = KoteiFuka.objects.get(nozeisha=w["small"], fiscal_year=FY)
    assert s.shokyaku_menzei and s.shokyaku_hyojun == 234_300 and s.nengaku == 0
    assert _ledger_sums(w["small"].pk) == [0, 0, 0, 0]
    # the ledger holds the notice's amounts, on the 代表者, as 固定資産税
    assert _ledger_sums(w["shop"].pk) == [7_300, 6_000, 6_000, 6_000]
    kib = list(Kibetsu.objects.filter(key__startswith=f"koteizei:{FY}:{w['shop'].pk}:"))
    assert {(k.zeimoku, k.atena_id) for k in kib} == {(Zeimoku.KOTEIZEI, w["head"].pk)}
    # the notice prints each 期's 納付番号, and its 課税明細書 the assets
    (notice,) = kotei_notices([KoteiFuka.objects.select_related("nozeisha").get(pk=f.pk)])
    bango = {k.ki: k.nofu_bango for k in kib}
    assert [k["nofu_bango"] for k in notice.item["kibetsu"]] == [bango[n] for n in range(1, 5)]
    assert all(len(b) == 20 for b in bango.values())
    assert bango[1] in notice.csv
    rows = [r for r in notice.item["meisai_first"] if r["kind"] == "償却"]
    assert [(r["what"], r["kakaku"], r["note"]) for r in rows] == [
        ("機械及び装置", "1,794,000", ""),
        ("工具・器具及び備品", "20,000", "最低限度（取得価額の5%）"),
    ]
    assert ["償却資産の課税標準額", "1,814,000"] in notice.item["tax"]
    pdf = kotei_notice_render(
        [notice], issuer=Issuer.of(alpha.municipality), fiscal_year=FY, tsuchi_date=date(2025, 4, 1)
    )
    assert pdf.startswith(b"%PDF")
    # a chunk delivered again posts nothing new
    entries = Chotei.objects.count()
    kind = get_kind(TOSHO)
    assert kind is not None
    for chunk in job.chunks.all():
        with transaction.atomic():
            kind.run_chunk(job, chunk)
    assert Chotei.objects.count() == entries
    # 寒川町 holds none of it
    connection.set_tenant(beta.municipality)
    assert not KoteiShokyakuShisan.objects.exists()
    assert not Kibetsu.objects.filter(zeimoku=Zeimoku.KOTEIZEI).exists()
    assert not KoteiFuka.objects.exists()


def test_shusei_shinkoku_kosei_posts_the_difference_and_genmen_posts_genmen(
    alpha, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    w = _world()
    run_tosho(django_capture_on_commit_callbacks)
    first = KoteiFuka.objects.get(nozeisha=w["shop"], fiscal_year=FY)
    # when a 修正申告 adds a sign omitted (2023年10月, 1,000,000円, 15年: 2024年度 ×0.929 =
    # 929,000, 2025年度 ×0.858 = 797,082) and the 納税義務者 is 更正
    _shinkoku(w["shop"].pk, ShokyakuLine(1, "屋外看板", 1, 2023, 10, 1_000_000, 15))
    assert KoteiShokyakuShinkoku.objects.filter(nozeisha=w["shop"]).count() == 1
    # (a rise: the 更正通知書 sets the increase's own 納期限, a month after today)
    second = kotei_kosei(
        fuka_id=first.pk,
        reason="修正申告（申告漏れの看板）",
        actor=ACTOR,
        kosei_nouki=timezone.localdate() + timedelta(days=30),
    )
    # then 1,814,000 + 797,082 = 2,611,082 → 2,611,000 × 1.4% = 36,554 → 36,500
    assert (second.shokyaku_hyojun, second.kotei_zeigaku) == (2_611_082, 36_500)
    assert [k["amount"] for k in second.kibetsu] == [9_500, 9_000, 9_000, 9_000]
    # the ledger now holds the 更正's amounts, the difference written as 増額更正
    assert _ledger_sums(w["shop"].pk) == [9_500, 9_000, 9_000, 9_000]
    zogaku = Chotei.objects.filter(
        kibetsu__key__startswith=f"koteizei:{FY}:{w['shop'].pk}:", kind=ChoteiKind.ZOGAKU
    ).order_by("kibetsu__ki")
    assert [c.amount for c in zogaku] == [2_200, 3_000, 3_000, 3_000]
    # a 減免 of 9,000円 is cut from the last 期 and posted as 減免
    third = kotei_genmen(
        fuka_id=second.pk, genmen_kotei=9_000, genmen_toshi=0, reason="被災", actor=ACTOR
    )
    assert [k["amount"] for k in third.kibetsu] == [9_500, 9_000, 9_000, 0]
    assert _ledger_sums(w["shop"].pk) == [9_500, 9_000, 9_000, 0]
    assert Chotei.objects.get(kind=ChoteiKind.GENMEN).amount == -9_000
    # next year the sign is declared sold: gone from 2026, still valued for 2025
    sign = KoteiShokyakuShisan.objects.get(meisho="屋外看板")
    kotei_shokyaku_shinkoku(
        nozeisha_id=w["shop"].pk, fiscal_year=FY + 1, shinkoku_date=date(2026, 1, 30),
        shozai="葉山町堀内1番地", gensho=[(sign.pk, "baikyaku")], actor=ACTOR,
    )  # fmt: skip
    sign.refresh_from_db()
    assert (sign.gensho_nendo, sign.gensho_jiyu) == (FY + 1, "baikyaku")
    with pytest.raises(ShokyakuRefused, match="既に減少を申告した資産です"):
        kotei_shokyaku_shinkoku(
            nozeisha_id=w["shop"].pk, fiscal_year=FY + 1, shinkoku_date=date(2026, 1, 30),
            shozai="葉山町堀内1番地", gensho=[(sign.pk, "messhitsu")], actor=ACTOR,
        )  # fmt: skip


def _key(town: Any, host: str, scopes: list[str], name: str = "資産税連携") -> Any:
    from django.test import Client

    from tenants.api.authentication import apiclient_create

    _, key = apiclient_create(municipality=town.municipality, name=name, scopes=scopes)
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {key}")


@pytest.fixture
def shop(alpha: Any, django_capture_on_commit_callbacks: Any) -> dict[str, Any]:
    connection.set_tenant(alpha.municipality)
    w = _world()
    run_tosho(django_capture_on_commit_callbacks)
    connection.set_schema_to_public()
    return w


def test_screens_entry_shisan_and_nayose(login: Any, alpha: Any, shop: dict[str, Any]) -> None:
    clerk = login("hayama-clerk", ALPHA_HOST)
    url = f"/zeimu/kotei/shokyaku/{shop['shop'].pk}/?fiscal_year={FY}"
    page = clerk.get(url).content.decode()
    assert "製麺機" in page and "1,794,000円" in page and "令和6年4月" in page
    assert "最低限度（取得価額の5%）" in page and "1,814,000円" in page
    # a 申告 through the screen: one line, with a refusal first (耐用年数 1年)
    post = {
        "fiscal_year": str(FY), "shinkoku_date": "令和7年1月31日", "shozai": "葉山町堀内1番地",
        "jigyo_shumoku": "飲食業", "z-TOTAL_FORMS": "1", "z-INITIAL_FORMS": "0",
        "z-0-shurui": "6", "z-0-meisho": "製氷機", "z-0-suryo": "1",
        "z-0-shutoku": "令和6年8月1日", "z-0-shutoku_kakaku": "600000",
        "z-0-taiyo_nensu": "1", "z-0-zoka_jiyu": "shinpin", "z-0-tokurei": "",
    }  # fmt: skip
    page = clerk.post(url, post).content.decode()
    assert "1行目: 耐用年数は2〜50年で入力してください。" in page
    r = clerk.post(url, {**post, "z-0-taiyo_nensu": "4"})
    assert r.status_code == 302
    # the 名寄帳 shows the 償却資産 total and each 期's 納付番号
    page = clerk.get(f"/zeimu/kotei/nayose/{shop['shop'].pk}/?fiscal_year={FY}").content.decode()
    assert "償却資産の課税標準額" in page and "1,814,000円" in page
    connection.set_tenant(alpha.municipality)
    assert KoteiShokyakuShisan.objects.filter(meisho="製氷機").count() == 1
    bango = Kibetsu.objects.get(key=kotei_key(FY, shop["shop"].pk, 1)).nofu_bango
    logged = (
        AccessLog.objects.filter(screen="zeimu.kotei_shokyaku", username="hayama-clerk")
        .order_by("id")
        .first()
    )
    assert logged is not None and logged.record_id == str(shop["shop"].pk)
    assert AccessLog.objects.filter(
        record_type="zeimu.KoteiShokyakuShinkoku", action="update"
    ).exists()
    connection.set_schema_to_public()
    assert bango in page
    # the 試算 screen: 箱根町's example for its 3rd 年度, nothing saved
    page = clerk.post(
        "/zeimu/kotei/shokyaku/shisan/",
        {
            "fiscal_year": "2019",
            "z-TOTAL_FORMS": "1",
            "z-INITIAL_FORMS": "0",
            "z-0-shurui": "6",
            "z-0-meisho": "冷蔵庫",
            "z-0-suryo": "1",
            "z-0-shutoku": "平成28年5月1日",
            "z-0-shutoku_kakaku": "400000",
            "z-0-taiyo_nensu": "5",
            "z-0-zoka_jiyu": "shinpin",
            "z-0-tokurei": "",
        },
    ).content.decode()
    assert "129,800円" in page
    # the 閲覧者 sees but cannot enter a 申告
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert viewer.get(url).status_code == 200
    assert viewer.post(url, {**post, "z-0-taiyo_nensu": "4"}).status_code == 403
    connection.set_tenant(alpha.municipality)
    assert KoteiShokyakuShisan.objects.filter(meisho="製氷機").count() == 1
    connection.set_schema_to_public()
    # the way in: the shop's owner by 宛名番号 (POST) finds the shop; the 閲覧者 cannot
    # register someone new, the 担当者 can (a first 申告)
    r = clerk.post("/zeimu/kotei/shokyaku/", {"atena_no": shop["head"].atena_no})
    assert r.status_code == 302 and r["Location"] == f"/zeimu/kotei/shokyaku/{shop['shop'].pk}/"
    page = viewer.post(
        "/zeimu/kotei/shokyaku/", {"atena_no": shop["child"].atena_no}, follow=True
    ).content.decode()
    assert "納税義務者として登録されていません" in page
    r = clerk.post("/zeimu/kotei/shokyaku/", {"atena_no": shop["child"].atena_no})
    assert r.status_code == 302
    connection.set_tenant(alpha.municipality)
    new = KoteiNozeisha.objects.get(owners__atena_id=shop["child"].pk)
    assert r["Location"] == f"/zeimu/kotei/shokyaku/{new.pk}/"
    assert shop["child"].atena_no not in r["Location"]
    connection.set_schema_to_public()
    # 寒川町 reaches none of it
    other = login("samukawa-clerk", BETA_HOST)
    assert other.post("/zeimu/kotei/shokyaku/", {"atena_no": "1"}).status_code == 404
    assert other.get(url).status_code == 404
    assert other.get("/zeimu/kotei/shokyaku/shisan/").status_code == 404


def test_api_shinkoku_hyoka_and_shisan(alpha: Any, beta: Any, shop: dict[str, Any]) -> None:
    api = _key(alpha, ALPHA_HOST, ["kotei_shisanzei:read", "kotei_shisanzei:write"])
    pk = shop["shop"].pk
    r = api.get(f"/api/v1/zeimu/kotei/shokyaku/nozeisha/{pk}/?fiscal_year={FY}")
    assert r.status_code == 200 and r.json()["hyojun_total"] == 1_814_000
    line = {
        "shurui": 2, "meisho": "食器洗浄機", "suryo": 1, "shutoku_year": 2024,
        "shutoku_month": 9, "shutoku_kakaku": 800_000, "taiyo_nensu": 8,
    }  # fmt: skip
    body = {"nozeisha_id": pk, "fiscal_year": FY, "shinkoku_date": "2025-01-31",
            "shozai": "葉山町堀内1番地", "zoka": [{**line, "taiyo_nensu": 99}]}  # fmt: skip
    r = api.post("/api/v1/zeimu/kotei/shokyaku/shinkoku/", body, content_type="application/json")
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "taiyo_nensu"
    body["zoka"] = [line]
    r = api.post("/api/v1/zeimu/kotei/shokyaku/shinkoku/", body, content_type="application/json")
    assert r.status_code == 201 and r.json()["nozeisha_id"] == pk
    # 試算: 800,000 × 0.875 = 700,000 (耐用年数8年, 前年中取得); nothing saved
    r = api.post(
        "/api/v1/zeimu/kotei/shokyaku/shisan/",
        {"fiscal_year": FY, "lines": [line]},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["results"][0]["hyoka"] == 700_000
    connection.set_tenant(alpha.municipality)
    assert KoteiShokyakuShisan.objects.filter(meisho="食器洗浄機").count() == 1
    assert AccessLog.objects.filter(screen="api.zeimu.kotei_shokyaku").exists()
    connection.set_schema_to_public()
    # a read-only key cannot declare
    reader = _key(alpha, ALPHA_HOST, ["kotei_shisanzei:read"], name="資産税照会")
    r = reader.post("/api/v1/zeimu/kotei/shokyaku/shinkoku/", body, content_type="application/json")
    assert r.status_code == 403
    # 寒川町's key reaches nothing of 葉山町's
    other = _key(beta, BETA_HOST, ["juminkiroku:read"])
    r = other.get(f"/api/v1/zeimu/kotei/shokyaku/nozeisha/{pk}/?fiscal_year={FY}")
    assert r.status_code in (403, 404)
    r = other.post("/api/v1/zeimu/kotei/shokyaku/shinkoku/", body, content_type="application/json")
    assert r.status_code in (403, 404)
    connection.set_tenant(alpha.municipality)
    assert KoteiShokyakuShisan.objects.filter(meisho="食器洗浄機").count() == 1
