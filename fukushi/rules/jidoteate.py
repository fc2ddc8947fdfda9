"""児童手当 (児童手当法): the month rules and the monthly amount, as pure functions over the
law's data (``fukushi/params/jidoteate.yaml``, key ``fukushi.jidoteate.seido``).

The allowance is paid by the month (第8条). Which rules apply to a month is the 制度 in
force for that month: a 年度's value is a list of 制度 each used "from" a month, so 令和6年9月分
is computed with the rules before the 令和6年10月 reform and 10月分 with the reformed ones.

Ages follow 年齢計算ニ関スル法律 (``tenants.age``): "N歳に達した日以後の最初の3月31日" is the
March 31 of the school year in which the day before the N-th birthday falls, plus one; a
child born on 4月1日 reaches N on 3月31日 and that day itself is the end. The 3歳未満 band
runs to the month of the 3rd birthday (浜松市 FAQ: 「誕生日の月の分までは15,000円」).

第3子以降 (birth order) counts, oldest first, the children within the 制度's counting range
(改正前: every child up to 18歳の年度末 the parent 養育; 改正後: also those from 19 to 22歳の
年度末 for whom the parent bears 監護に相当する世話・生計費の負担, ``kanshu``).

The payment run (``fukushi.services.jidoteate_shiharai``) computes the same amounts in one
SQL statement from ``seido_sql_row``; tests hold the two to the same answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from tenants.age import school_year_of
from tenants.params.services import ParameterMissing, param_value

SEIDO_KEY = "fukushi.jidoteate.seido"
SHOTOKU_KOJO_KEY = "fukushi.jidoteate.shotoku_kojo"
#: a band limit that never holds (an unused third band in the SQL row)
NEVER = -100


class SeidoMissing(LookupError):
    """No 制度 data for the month (a clean refusal on screens and in the API)."""


class ShotokuKubun(StrEnum):
    """改正前's 所得制限 class of the 受給者 (改正後 every 受給者 is IKA)."""

    IKA = "ika"  # 所得制限限度額未満
    TOKUREI = "tokurei"  # 所得制限限度額以上・所得上限限度額未満（特例給付）
    JOGEN = "jogen"  # 所得上限限度額以上（支給なし）


SHOTOKU_KUBUN_LABELS = {
    ShotokuKubun.IKA: "所得制限限度額未満",
    ShotokuKubun.TOKUREI: "所得制限限度額以上（特例給付）",
    ShotokuKubun.JOGEN: "所得上限限度額以上（支給なし）",
}


@dataclass(frozen=True)
class Kubun:
    until: int | None  # None: 3歳の誕生月まで; N: N歳到達後最初の3月31日の月まで
    dai1: int  # 第1子・第2子
    dai3: int  # 第3子以降


@dataclass(frozen=True)
class Seido:
    start: date  # the first month (day 1) the 制度 applies to
    name: str
    santei_nenrei: int
    shikyu_nenrei: int
    kubun: tuple[Kubun, ...]
    tokurei: int | None
    gendogaku: tuple[tuple[int, ...], int] | None  # (0〜5人, 6人目からの加算)
    jogengaku: tuple[tuple[int, ...], int] | None
    shiharai_tsuki: tuple[int, ...]
    shiharai_tsukisu: int


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def fiscal_year_of(month: date) -> int:
    return month.year if month.month >= 4 else month.year - 1


def _table(raw: Any) -> tuple[tuple[int, ...], int] | None:
    if raw is None:
        return None
    return tuple(int(g) for g in raw["gaku"]), int(raw["kasan"])


def _seido(raw: dict[str, Any]) -> Seido:
    y, m = (int(p) for p in str(raw["from"]).split("-"))
    return Seido(
        start=date(y, m, 1),
        name=str(raw["name"]),
        santei_nenrei=int(raw["santei_nenrei"]),
        shikyu_nenrei=int(raw["shikyu_nenrei"]),
        kubun=tuple(
            Kubun(
                until=None if k["until"] == "sansai" else int(k["until"]),
                dai1=int(k["dai1"]),
                dai3=int(k["dai3"]),
            )
            for k in raw["kubun"]
        ),
        tokurei=None if raw.get("tokurei") is None else int(raw["tokurei"]),
        gendogaku=_table(raw.get("gendogaku")),
        jogengaku=_table(raw.get("jogengaku")),
        shiharai_tsuki=tuple(int(t) for t in raw["shiharai"]["tsuki"]),
        shiharai_tsukisu=int(raw["shiharai"]["tsukisu"]),
    )


def seido_of(month: date) -> Seido:
    """The 制度 in force for the allowance of ``month``."""
    month = month_start(month)
    try:
        raw = param_value(SEIDO_KEY, fiscal_year_of(month))
    except ParameterMissing as exc:
        raise SeidoMissing(
            f"{fiscal_year_of(month)}年度の児童手当の制度の値が登録されていません。"
        ) from exc
    candidates = [s for s in (_seido(r) for r in raw) if s.start <= month]
    if not candidates:
        raise SeidoMissing(f"{month.year}年{month.month}月分の児童手当の制度の値がありません。")
    return max(candidates, key=lambda s: s.start)


# --- ages ------------------------------------------------------------------------------


def nendomatsu_month(birth: date, age: int) -> date:
    """The month (day 1) of the first March 31 on or after the day ``birth`` reaches
    ``age`` (the day before the birthday)."""
    return date(school_year_of(birth - timedelta(days=1)) + age + 1, 3, 1)


def sansai_month(birth: date) -> date:
    """The month of the 3rd birthday: the last month of the 3歳未満 amount."""
    return date(birth.year + 3, birth.month, 1)


@dataclass(frozen=True)
class Child:
    """A child as the 認定 holds it: birth date, and whether a child past 18歳の年度末 is
    one the parent bears 監護相当・生計費の負担 for (counted for 第3子 up to 22)."""

    birth_date: date
    kanshu: bool = False
    key: int = 0  # the caller's id, to tell twins apart and map results back


def counted(seido: Seido, child: Child, month: date) -> bool:
    """Whether ``child`` is counted for 第3子以降 in ``month``."""
    if month < month_start(child.birth_date):
        return False
    if month <= nendomatsu_month(child.birth_date, 18):
        return True
    return child.kanshu and month <= nendomatsu_month(child.birth_date, seido.santei_nenrei)


def paid(seido: Seido, child: Child, month: date) -> bool:
    """Whether ``child`` is a 支給対象児童 in ``month`` (by age)."""
    return month_start(child.birth_date) <= month and month <= nendomatsu_month(
        child.birth_date, seido.shikyu_nenrei
    )


def _kubun_amount(seido: Seido, child: Child, month: date, order: int) -> int:
    for k in seido.kubun:
        limit = (
            sansai_month(child.birth_date)
            if k.until is None
            else nendomatsu_month(child.birth_date, k.until)
        )
        if month <= limit:
            return k.dai3 if order >= 3 else k.dai1
    return 0


@dataclass(frozen=True)
class ChildAmount:
    key: int
    order: int  # 第N子 among those counted (0: not counted)
    amount: int


def month_amounts(
    children: list[Child],
    month: date,
    *,
    shotoku_kubun: ShotokuKubun = ShotokuKubun.IKA,
    seido: Seido | None = None,
) -> list[ChildAmount]:
    """Each paid child's amount for ``month`` (children not paid that month are left out)."""
    month = month_start(month)
    seido = seido or seido_of(month)
    ranked = sorted(
        (c for c in children if counted(seido, c, month)), key=lambda c: (c.birth_date, c.key)
    )
    order = {id(c): i + 1 for i, c in enumerate(ranked)}
    out: list[ChildAmount] = []
    for c in children:
        if not paid(seido, c, month):
            continue
        n = order.get(id(c), 0)
        if seido.tokurei is not None and shotoku_kubun is ShotokuKubun.TOKUREI:
            amount = seido.tokurei
        elif seido.tokurei is not None and shotoku_kubun is ShotokuKubun.JOGEN:
            amount = 0
        else:
            amount = _kubun_amount(seido, c, month, n)
        if amount:
            out.append(ChildAmount(key=c.key, order=n, amount=amount))
    return out


def month_total(
    children: list[Child], month: date, *, shotoku_kubun: ShotokuKubun = ShotokuKubun.IKA
) -> int:
    return sum(a.amount for a in month_amounts(children, month, shotoku_kubun=shotoku_kubun))


#: the dates a 試算 accepts (a birth before 1900 or a month after 2100 is no 児童手当 case,
#: and keeps the date arithmetic inside the calendar)
EARLIEST_BIRTH = date(1900, 1, 1)
LATEST_MONTH = date(2100, 12, 1)


def shisan_problem(month: date, births: list[date]) -> str | None:
    """Why a 試算 of ``month`` over ``births`` cannot be made (None: it can)."""
    if month_start(month) > LATEST_MONTH:
        return "手当の月は2100年12月までで指定してください。"
    if any(b < EARLIEST_BIRTH or b > month for b in births):
        return "生年月日は1900年1月1日から手当の月までの日を指定してください。"
    return None


# --- 所得制限 (改正前) ------------------------------------------------------------------------


def _limit(table: tuple[tuple[int, ...], int], fuyo: int) -> int:
    gaku, kasan = table
    if fuyo < len(gaku):
        return gaku[fuyo]
    return gaku[-1] + kasan * (fuyo - len(gaku) + 1)


def shotoku_hantei(month: date, *, shotoku: int, fuyo_su: int) -> ShotokuKubun:
    """改正前's 所得制限 for ``month``: ``shotoku`` is the 児童手当の所得額 (所得 less the
    deductions of 施行令第3条), ``fuyo_su`` the 扶養親族等の数. 改正後: always IKA."""
    seido = seido_of(month)
    if seido.gendogaku is None:
        return ShotokuKubun.IKA
    if seido.jogengaku is not None and shotoku >= _limit(seido.jogengaku, fuyo_su):
        return ShotokuKubun.JOGEN
    if shotoku >= _limit(seido.gendogaku, fuyo_su):
        return ShotokuKubun.TOKUREI
    return ShotokuKubun.IKA


def teate_shotoku(gokei_shotoku: int, fiscal_year: int, *, other_kojo: int = 0) -> int:
    """児童手当の所得額: the 所得 less 8万円 (施行令第3条) and the other deductions given."""
    return max(0, gokei_shotoku - int(param_value(SHOTOKU_KOJO_KEY, fiscal_year)) - other_kojo)


# --- months: start, end, payment -------------------------------------------------------

#: 15日特例 (児童手当法第8条第3項): a 請求 within 15 days of the day after the birth (or
#: the 転出予定日 at the former address) counts as made in the month of that event.
TOKUREI_DAYS = 15


def shikyu_start(*, seikyu_date: date, jiyu_date: date | None = None) -> date:
    """The first month paid: the month after the 請求 (第8条第2項), or after the event's
    month when the 請求 came within 15 days of the day after the event (第8条第3項).
    Example (江戸川区 Q&A): born 4月30日, 請求 5月15日 → 5月分から; 請求 5月16日 → 6月分から."""
    month = month_start(seikyu_date)
    if jiyu_date is not None and jiyu_date < seikyu_date:
        last = jiyu_date + timedelta(days=TOKUREI_DAYS)
        if seikyu_date <= last:
            month = month_start(jiyu_date)
    return add_months(month, 1)


def shometsu_month(*, jiyu_date: date) -> date:
    """The first month no longer paid when the entitlement ends on ``jiyu_date`` (転出:
    the 転出予定日; 死亡: the day of death): paid up to the month of the event, ended
    from the next (第8条第2項「その事由が消滅した日の属する月」まで)."""
    return add_months(month_start(jiyu_date), 1)


def covered_months(shiharai_month: date) -> tuple[date, ...]:
    """The months a payment in ``shiharai_month`` pays (支払期月, 第8条第4項), or () when
    the month is no 支払月. The 制度 is that of the month before the payment: 令和6年10月
    pays 6〜9月分 (改正前), 12月 the 10・11月分 (改正後, the first bimonthly payment)."""
    p = month_start(shiharai_month)
    seido = seido_of(add_months(p, -1))
    if p.month not in seido.shiharai_tsuki:
        return ()
    return tuple(add_months(p, -i) for i in range(seido.shiharai_tsukisu, 0, -1))


def seido_sql_row(month: date) -> tuple[Any, ...]:
    """The month's 制度 as the payment run's SQL reads it: (month, santei, shikyu, tokurei,
    b1_until, b1_dai1, b1_dai3, b2…, b3…) with band limits as ages (-1: 3歳の誕生月)."""
    seido = seido_of(month)
    bands = list(seido.kubun) + [Kubun(until=NEVER, dai1=0, dai3=0)] * (3 - len(seido.kubun))
    if len(bands) > 3:
        raise ValueError("児童手当の月額の区分は3つまでです。")
    row: list[Any] = [month, seido.santei_nenrei, seido.shikyu_nenrei, seido.tokurei]
    for b in bands:
        row += [-1 if b.until is None else b.until, b.dai1, b.dai3]
    return tuple(row)
