"""What other modules may ask 介護保険 (資格): plain typed values, ids in and out.

For the 第1号保険料 (the premium rules and the yearly 本算定) and 福祉: who is a
第1号被保険者 in a 年度 and for which months the premium is owed (月割 on 取得・喪失,
``kaigo.rules.shikaku.hokenryo_months``), and who is insured on a date. For 国保税's
特別徴収 judgment (through ``tenants.nenkin_tokucho.hokenryo_lookup``, as 国保 may not
import this module): a person's 介護保険料 of a 年度 and whether it is collected from the
pension (``tokucho_hokenryo``). For the 収納 ledger's 滞納 case view (through
``tenants.rentai.rentai_lookup``): the 連帯納付義務者 of a 介護保険料 期別 (``kaigo_rentai``,
介護保険法第132条第2項・第3項).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Max
from django.utils import timezone

from kaigo.models import Kubun, Shikaku, ShikakuRireki
from kaigo.rules.shikaku import ShikakuParameters, hokenryo_months, nendo_months
from kaigo.selectors.rentai import rentai_for_ledger
from kaigo.selectors.shikaku import dai1_periods_with_bango, periods_on
from tenants.nenkin_tokucho import KAIGO_HOKENRYO, TokuchoHokenryo
from tenants.tagyo import KAIGO, TagyoStatus
from tenants.wareki import format_wareki


@dataclass(frozen=True)
class Dai1Nendo:
    """A 第1号被保険者 of a 年度: their periods in it and the months the premium is owed
    (calendar month numbers in the year's order, 4 … 3)."""

    atena_id: int
    hihokensha_no: str
    periods: tuple[tuple[date, date | None], ...]
    months: tuple[int, ...]
    kijitsu_hihokensha: bool  # insured on the 賦課期日 (the 年度's first day)


@dataclass(frozen=True)
class HihokenshaOn:
    atena_id: int
    kubun: str  # "1" 第1号 / "2" 第2号
    shutoku_date: date
    soshitsu_date: date | None


def dai1_of_nendo(nendo: int, atena_ids: Iterable[int] | None = None) -> list[Dai1Nendo]:
    """Every 第1号被保険者 of ``nendo`` (by 宛名 id; restricted to ``atena_ids`` when
    given), with the months owed. One query for any number of persons (the periods with
    each person's 被保険者番号)."""
    params = ShikakuParameters.for_nendo(nendo)
    months = nendo_months(nendo, params)
    first = date(months[0][0], months[0][1] + 1, 1)
    last = date(first.year + 1, first.month, 1) - timedelta(days=1)
    rows = dai1_periods_with_bango(first, last, None if atena_ids is None else set(atena_ids))
    spans: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    numbers: dict[int, str] = {}
    for a, s, e, bango in rows:
        spans[a].append((s, e))
        numbers[a] = bango or ""
    out: list[Dai1Nendo] = []
    for a, ps in spans.items():
        owed = hokenryo_months(ps, nendo, params)
        out.append(
            Dai1Nendo(
                atena_id=a,
                hihokensha_no=numbers[a],
                periods=tuple(ps),
                months=owed,
                kijitsu_hihokensha=any(s <= first and (e is None or e > first) for s, e in ps),
            )
        )
    return out


def hihokensha_on(atena_ids: Iterable[int], day: date) -> dict[int, HihokenshaOn]:
    """Which of ``atena_ids`` are insured (第1号 or 第2号) on ``day`` (one query)."""
    rows = periods_on(day).filter(atena_id__in=list(set(atena_ids)))
    return {
        s.atena_id: HihokenshaOn(s.atena_id, s.kubun, s.shutoku_date, s.soshitsu_date) for s in rows
    }


def tokucho_hokenryo(fiscal_year: int, atena_ids: Iterable[int]) -> dict[int, TokuchoHokenryo]:
    """Each person's 第1号保険料 of ``fiscal_year`` from their current 賦課 (the 保険料額:
    after 月割 and 公費軽減, what the 年度 levies) and whether that 賦課 is collected from
    the pension (徴収方法 特別徴収). A person without a current 賦課 of the 年度 is left
    out. One query; a read for another module's judgment (its caller logs the access)."""
    from kaigo.models import ChoshuHoho, KaigoFuka

    rows = KaigoFuka.objects.filter(
        fiscal_year=fiscal_year, is_current=True, atena_id__in=sorted(set(atena_ids))
    ).values_list("atena_id", "hokenryo", "choshu_hoho", "version")
    return {
        a: TokuchoHokenryo(
            atena_id=a,
            kind=KAIGO_HOKENRYO,
            hokenryo=int(hokenryo),
            tokucho=choshu == ChoshuHoho.TOKUCHO,
            shutsusho=f"介護保険料の賦課（第{version}版）",
        )
        for a, hokenryo, choshu, version in rows
    }


#: ``ModuleSpec.rentai_providers``: 介護保険料 期別 of the ledger → their 連帯納付義務者
#: (普通徴収; 介護保険法第132条第2項・第3項), judged on each 期別's 納期限
kaigo_rentai = rentai_for_ledger

DAI1 = str(Kubun.DAI1)
DAI2 = str(Kubun.DAI2)


def tagyo_kaigo(atena_ids: Iterable[int]) -> dict[int, TagyoStatus]:
    """住民記録's 他業務 tab (標準仕様書 7.2.2, ``ModuleSpec.tagyo_providers``): for each
    person who ever held 介護保険 here, whether insured today and the dates of the latest
    period (cancelled periods left out), with the time of the last change. Two queries."""
    today = timezone.localdate()
    ids = list(set(atena_ids))
    latest: dict[int, Shikaku] = {}
    for s in Shikaku.objects.filter(atena_id__in=ids, torikeshi=False).order_by(
        "shutoku_date", "id"
    ):
        latest[s.atena_id] = s
    changed = dict(
        ShikakuRireki.objects.filter(atena_id__in=list(latest))
        .values("atena_id")
        .annotate(at=Max("at"))
        .values_list("atena_id", "at")
    )
    nintei = nintei_on(latest, today)  # the current 認定 beside the 区分 (one query)
    return {
        a: TagyoStatus(
            kind=KAIGO,
            gaito=s.shutoku_date <= today and (s.soshitsu_date is None or s.soshitsu_date > today),
            shutoku_date=s.shutoku_date,
            soshitsu_date=s.soshitsu_date,
            shutsusho=f"介護保険（{Kubun(s.kubun).label}{_nintei_words(nintei.get(a))}）",
            koshin_at=changed.get(a),
        )
        for a, s in latest.items()
    }


def _nintei_words(n: NinteiNow | None) -> str:
    if n is None or not n.in_effect or n.yuko_end is None:
        return ""
    return f"・{n.yokaigo_label} {format_wareki(n.yuko_end)}まで"


# --- 要介護認定 -----------------------------------------------------------------------------


@dataclass(frozen=True)
class NinteiNow:
    """A person's 認定 in effect on a day (else their latest decided one), as plain values."""

    atena_id: int
    yokaigo_kubun: str  # code (kaigo.models.YokaigoKubun: 01 非該当, 12 要支援1 … 25 要介護5)
    yokaigo_label: str
    yuko_start: date | None
    yuko_end: date | None
    shuryo_date: date | None
    in_effect: bool


def nintei_on(atena_ids: Iterable[int], day: date) -> dict[int, NinteiNow]:
    """The 認定 of ``atena_ids`` on ``day`` (one query for any number)."""
    from kaigo.models import YokaigoKubun
    from kaigo.selectors.nintei import nintei_current_many

    out: dict[int, NinteiNow] = {}
    for a, n in nintei_current_many(atena_ids, day).items():
        stopped = n.shuryo_date is not None and n.shuryo_date <= day
        out[a] = NinteiNow(
            atena_id=a,
            yokaigo_kubun=n.yokaigo_kubun,
            yokaigo_label=YokaigoKubun(n.yokaigo_kubun).label,
            yuko_start=n.yuko_start,
            yuko_end=n.yuko_end,
            shuryo_date=n.shuryo_date,
            in_effect=bool(
                n.is_gaito
                and n.yuko_start is not None
                and n.yuko_end is not None
                and n.yuko_start <= day <= n.yuko_end
                and not stopped
            ),
        )
    return out


@dataclass(frozen=True)
class CodeList:
    """One code list of 介護保険 for a 中間標準レイアウト import or export (migration_io)."""

    name: str
    codes: tuple[tuple[str, str], ...]  # (code, 名称)
    source: str


def nintei_code_lists() -> list[CodeList]:
    """要介護状態区分, 認定の異動事由 (申請区分（申請時）) and the 16 特定疾病, with where the
    values come from (``kaigo.rules.nintei``: the 中間標準レイアウト's own tables for 介護
    were not found; these are the values vendors' systems exchange)."""
    from kaigo.rules.nintei import (
        CODE_SOURCE,
        IDO_JIYU,
        tokutei_shippei_codes,
        yokaigo_codes,
    )

    return [
        CodeList("要介護状態区分", yokaigo_codes(), CODE_SOURCE),
        CodeList("認定の異動事由（申請区分（申請時））", IDO_JIYU, CODE_SOURCE),
        CodeList(
            "特定疾病",
            tokutei_shippei_codes(),
            "介護保険法施行令第2条第1号〜第16号（コードは号の番号。この製品の付番）",
        ),
    ]
