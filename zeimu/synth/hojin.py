"""Synthetic corporations of a town for the demo (fictitious; 法人番号 valid by their check
digit but generated, so they may name a real corporation's number by chance — the names
and figures are invented).

Deterministic by seed. About 2.5% of the town's residents' count (a town of 30,000 gets
≈750): ≈85% 資本金等の額 1千万円以下 with up to 30 employees in the town, ≈10% 1千万〜1億,
≈4% 1億〜10億, ≈1% over 10億 (some with more than 50 employees here); ≈20% have offices in
other towns too (the 法人税割 is divided by 従業者数). Each gets one office in the town
and the 確定申告 of its 事業年度 ended in the year before ``fiscal_year``'s end (computed
by the rules), its tax posted to the 収納 ledger with one ``chotei_post_many`` call.
Rows go in with bulk_create (a town of 30,000 residents: ≈750 corporations in ≈2 s).
"""

from __future__ import annotations

import calendar
import random
from datetime import date, timedelta

from juminkiroku import public as juminkiroku_public
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.params.services import param_value
from tenants.wareki import fiscal_year_of
from zeimu.gyomu import HOJIN_JUMINZEI
from zeimu.models import Hojin, HojinJimusho, HojinShinkoku, ShinkokuKubun, Zeimoku
from zeimu.rules.hojin import (
    KAKUTEI,
    HojinParams,
    ShinkokuInput,
    hojin_bango_check_digit,
    kaishi_nendo,
    params_for,
    shinkoku_compute,
)
from zeimu.services.hojin import meisho_key
from zeimu.services.shuno import ChoteiItem, chotei_post_many

SHARE_OF_RESIDENTS = 0.025
GYOSHU = ("建設", "商事", "工業", "不動産", "運輸", "食品", "電設", "設計", "サービス", "物産")
NAMES = ("葉山", "海岸", "森戸", "一色", "堀内", "長柄", "上山口", "木古庭", "湘南", "三浦")
KIND = ("株式会社", "有限会社", "合同会社")


def _bango(rng: random.Random, used: set[str]) -> str:
    while True:
        kiso = f"{rng.randrange(1, 6)}{rng.randrange(10**11):011d}"
        bango = f"{hojin_bango_check_digit(kiso)}{kiso}"
        if bango not in used:
            used.add(bango)
            return bango


def _size(rng: random.Random) -> tuple[int, int]:
    """(資本金等の額, 町内の従業者数)."""
    x = rng.random()
    if x < 0.85:
        return rng.choice((1, 3, 5, 10)) * 1_000_000, rng.randrange(1, 31)
    if x < 0.95:
        return rng.randrange(11, 101) * 1_000_000, rng.randrange(5, 80)
    if x < 0.99:
        return rng.randrange(101, 1001) * 1_000_000, rng.randrange(10, 150)
    return rng.randrange(11, 60) * 100_000_000, rng.randrange(30, 400)


def hojin_demo_load(*, fiscal_year: int, seed: int, town_name: str, actor: Actor) -> dict[str, int]:
    rng = random.Random(seed)  # noqa: S311 (not crypto)
    population = juminkiroku_public.population_on(date(fiscal_year, 1, 1))
    n = int(population * SHARE_OF_RESIDENTS)
    used = set(Hojin.objects.values_list("hojin_bango", flat=True))
    corps: list[Hojin] = []
    plans: list[tuple[int, int, int, int | None, bool]] = []
    for _ in range(n):
        shihon, staff = _size(rng)
        kind = rng.choice(KIND)
        name = f"{kind}{rng.choice(NAMES)}{rng.choice(GYOSHU)}"
        kessan = rng.choice((3, 3, 3, 6, 9, 12, 12))
        corps.append(
            Hojin(
                hojin_bango=_bango(rng, used),
                meisho=name,
                meisho_key=meisho_key(name),
                shozaichi=f"{town_name}{rng.choice(NAMES)}{rng.randrange(1, 3000)}",
                kessan_tsuki=kessan,
                shihon=shihon,
            )
        )
        zenkoku = staff + rng.randrange(10, 500) if rng.random() < 0.2 else None
        plans.append((kessan, shihon, staff, zenkoku, rng.random() < 0.1))
    Hojin.objects.bulk_create(corps)
    jimusho: list[HojinJimusho] = []
    shinkoku: list[HojinShinkoku] = []
    params_cache: dict[int, HojinParams] = {}
    for h, (kessan, shihon, staff, zenkoku, new) in zip(corps, plans, strict=True):
        year = fiscal_year if kessan <= 3 else fiscal_year - 1
        shuryo = date(year, kessan, calendar.monthrange(year, kessan)[1])
        kaishi = date(year, 1, 1) if kessan == 12 else date(year - 1, kessan + 1, 1)
        opened = kaishi + timedelta(days=rng.randrange(30, 300)) if new else date(2010, 4, 1)
        jimusho.append(
            HojinJimusho(
                hojin=h,
                meisho="本店" if zenkoku is None else f"{town_name}営業所",
                shozaichi=h.shozaichi,
                kaisetsu_date=opened,
                juugyosha=staff,
            )
        )
        nendo = kaishi_nendo(kaishi)
        params = params_cache.get(nendo) or params_for(nendo, param_value)
        params_cache[nendo] = params
        inp = ShinkokuInput(
            kind=KAKUTEI,
            kaishi=kaishi,
            shuryo=shuryo,
            shihon=shihon,
            juugyosha_town=staff,
            office_from=max(kaishi, opened),
            office_to=shuryo,
            # ≈40% 赤字 (no 法人税: 均等割 only)
            hojinzeigaku=0
            if rng.random() < 0.4
            else rng.randrange(50_000, 2_000_000 * (1 + staff // 10)),
            juugyosha_all=zenkoku,
            juugyosha_bunkatsu=staff if zenkoku else None,
        )
        r = shinkoku_compute(inp, params)
        shinkoku.append(
            HojinShinkoku(
                hojin=h,
                kubun=ShinkokuKubun.KAKUTEI,
                juri_date=r.nouki - timedelta(days=rng.randrange(0, 20)),
                kaishi=kaishi,
                shuryo=shuryo,
                shihon=shihon,
                juugyosha_town=staff,
                office_from=inp.office_from,
                office_to=shuryo,
                hojinzeigaku=inp.hojinzeigaku,
                juugyosha_all=zenkoku,
                juugyosha_bunkatsu=inp.juugyosha_bunkatsu,
                kinofu=0,
                kintowari_nengaku=r.kintowari.nengaku,
                kintowari_months=r.kintowari.months,
                kintowari=r.kintowari.gaku,
                kazei_hyojun=r.hojinzeiwari.kazei_hyojun if r.hojinzeiwari else 0,
                hojinzeiwari_rate=r.hojinzeiwari.rate if r.hojinzeiwari else 0,
                hojinzeiwari=r.hojinzeiwari_gaku,
                gokei=r.gokei,
                sashihiki=r.sashihiki,
                nouki=r.nouki,
                lines=list(r.lines),
                created_by=actor.username,
            )
        )
    HojinJimusho.objects.bulk_create(jimusho)
    HojinShinkoku.objects.bulk_create(shinkoku)
    posted = chotei_post_many(
        [
            ChoteiItem(
                zeimoku=Zeimoku.HOJINZEI.value,
                key=f"hojin:{s.hojin_id}:{s.shuryo.isoformat()}:kakutei",
                atena_id=None,
                hojin_bango=s.hojin.hojin_bango,
                nendo=fiscal_year_of(s.shuryo),
                ki=2,
                ki_label="確定申告",
                nouki=s.nouki,
                amount=s.gokei,
                ref=f"hojin_shinkoku:{s.pk}:kakutei",
                on=s.juri_date,
                reason="確定申告",
            )
            for s in shinkoku
        ],
        actor=actor,
    )
    for s, p in zip(shinkoku, posted, strict=True):
        s.nofu_bango = p.nofu_bango
    HojinShinkoku.objects.bulk_update(shinkoku, ["nofu_bango"], batch_size=1000)
    access_record(
        actor=actor,
        action=AccessAction.CREATE,
        gyomu=HOJIN_JUMINZEI,
        screen="load_hojin_demo",
        record_type="zeimu.Hojin",
        record_count=len(corps),
    )
    return {"hojin": len(corps), "shinkoku": len(shinkoku)}
