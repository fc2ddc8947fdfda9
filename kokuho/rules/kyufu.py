"""国民健康保険の給付 (basic): 所得区分, 高額療養費, 出産育児一時金 — pure functions.

Nothing here reads the database: the service (``kokuho.services.kyufu``) gathers the
household, the 所得 from ``zeimu.public`` and the entered 一部負担金, and passes a
:class:`KyufuParameters` built by :func:`parameters_from_lookup` (every number from
``kokuho/params/kyufu.yaml`` with its source; the 基礎控除 tiers are the 国保税's own key,
``kokuho.hokenzei.kiso_kojo``, the same law).

**所得区分** (国民健康保険法施行令第29条の3):

- 70歳未満 (ア〜オ): the household is オ when its 世帯主 (also when not insured:
  擬制世帯主) and every insured member are 住民税非課税; else ア when an insured member's
  所得 is not known (未申告); else by the sum over the insured members of 基礎控除後の総所得
  金額等 (旧ただし書所得).
- 70歳以上 (from the month after the 70th birthday's eve): 低所得Ⅱ when 世帯主 and insured
  are all 非課税, 低所得Ⅰ when moreover each of them has 0円 of 所得 counting 公的年金等 at
  収入 − 80万円; else 現役並みⅢ・Ⅱ・Ⅰ by the highest 住民税 課税所得 of the 70歳以上 insured,
  except that a household with one of them born on or after 1945-01-02 whose 70歳以上
  members' 旧ただし書所得 total ≤ 210万円 is 一般; else 一般.

**高額療養費** for one household and one 診療月 (施行令第29条の2・第29条の3):

1. 70歳以上, 外来 per person (一般・低所得 only): the excess over the 外来 limit;
2. 70歳以上, 世帯: their remaining 外来 plus 入院, over the 世帯 limit;
3. the whole household, when someone under 70 has a line (person × 医療機関 × 入院/外来 ×
   医科/歯科) of 21,000円 or more: those lines plus what step 2 left, over the 70歳未満
   limit of the household's ア〜オ.

**75歳到達月の特例**: a 70歳以上 person whose 75th birthday falls in the 診療月 but not on its
first day is insured by 国保 for part of the month only; their own limits that month are the
share ``tokurei75`` (1/2) of the 本来額 — the 外来（個人） limit and, before step 2, a personal
limit on their 外来 plus 入院 (base, threshold of the 1% part and 多数回 amount each halved) —
while the 世帯 limits stay whole (蒲郡市, 全国健康保険協会; see kokuho/params/kyufu.yaml).

The 1% part is rounded to the yen, 50銭 up (施行令の定め方). 多数回該当 (3 months paid in
the 12 before) uses the lower amount; the 70歳以上 外来 (個人) payment does not count as
such a month.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

from kokuho.rules.kyufu_params import (
    Gendo,
    GendoMissing,
    GendoTable,
    KyufuParameters,
    parameters_for,
    parameters_from_lookup,
)
from tenants.wareki import format_nendo, format_wareki_year

__all__ = [
    "KUBUN_LABELS",
    "Futan",
    "Gendo",
    "GendoMissing",
    "GendoTable",
    "Income",
    "KogakuResult",
    "KubunMember",
    "KubunResult",
    "KyufuParameters",
    "ShussanResult",
    "gendo_amount",
    "is_koreisha",
    "kijun_shunyu_gaito",
    "kogaku_calculate",
    "parameters_for",
    "parameters_from_lookup",
    "shotoku_kubun",
    "shotoku_nendo",
    "shussan_calculate",
    "tasukai_applies",
    "tokurei75_applies",
]


KUBUN_LABELS: dict[str, str] = {
    "a": "ア（基礎控除後の所得 901万円超・未申告）",
    "i": "イ（基礎控除後の所得 600万円超901万円以下）",
    "u": "ウ（基礎控除後の所得 210万円超600万円以下）",
    "e": "エ（基礎控除後の所得 210万円以下）",
    "o": "オ（住民税非課税世帯）",
    "gen3": "現役並み所得者Ⅲ（課税所得690万円以上）",
    "gen2": "現役並み所得者Ⅱ（課税所得380万円以上）",
    "gen1": "現役並み所得者Ⅰ（課税所得145万円以上）",
    "ippan": "一般",
    "tei2": "低所得者Ⅱ（住民税非課税世帯）",
    "tei1": "低所得者Ⅰ（住民税非課税世帯・所得0円）",
}


def _yen(v: int) -> str:
    return f"{v:,}円"


# --- dates --------------------------------------------------------------------------------


def shotoku_nendo(year: int, month: int, kirikae_tsuki: int) -> int:
    """The 住民税 年度 whose 所得 decides the 区分 of 診療月 ``year``/``month``: 8月〜12月 use
    the 前年's 所得 (年度 = that year), 1月〜7月 the 前々年's (年度 = the year before)
    (施行令第27条の2)."""
    return year if month >= kirikae_tsuki else year - 1


def is_koreisha(birth: date, year: int, month: int, nenrei: int) -> bool:
    """70歳以上 for 診療月 ``year``/``month``: from the month after the one holding the day
    before the 70th birthday (年齢計算ニ関スル法律: one reaches an age on that day), so one
    born on the 1st counts from the birthday's own month."""
    try:
        birthday = birth.replace(year=birth.year + nenrei)
    except ValueError:  # 29 February
        birthday = date(birth.year + nenrei, 3, 1)
    reached = birthday - timedelta(days=1)
    return (year, month) > (reached.year, reached.month)


# --- 所得区分 --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Income:
    """One person's 所得 of the 年度 (from zeimu.public); all whole yen."""

    hikazei: bool
    kyuyo: int = 0
    nenkin: int = 0
    sonota: int = 0
    gokei: int = 0
    kazei_shotoku: int = 0
    nenkin_shunyu: int = 0
    #: False: 未申告 (no 課税資料): the 所得 is unknown
    shinkoku: bool = True

    @property
    def sogaku(self) -> int:
        return self.kyuyo + self.nenkin + self.sonota


@dataclass(frozen=True)
class KubunMember:
    key: Hashable
    birth_date: date
    insured: bool
    setainushi: bool
    #: None: no assessment of the 年度 in this town (not known)
    income: Income | None


@dataclass(frozen=True)
class KubunResult:
    nendo: int
    under70: str
    #: None when a 70歳以上 insured member's 所得 is unknown (cannot be judged)
    over70: str | None
    kyu_tadashigaki: int
    has_koreisha: bool
    lines: tuple[str, ...] = field(default_factory=tuple)

    @property
    def label(self) -> str:
        return KUBUN_LABELS[self.under70]


def _kiso(income: Income, p: KyufuParameters) -> int:
    for upto, amount in p.kiso_kojo:
        if upto is None or income.gokei <= upto:
            return amount
    return 0


def kyu_tadashigaki(income: Income, p: KyufuParameters) -> int:
    """基礎控除後の総所得金額等 (旧ただし書所得), never below 0."""
    return max(0, income.sogaku - _kiso(income, p))


def _known(m: KubunMember) -> bool:
    return m.income is not None and m.income.shinkoku


def _inc(m: KubunMember) -> Income:
    """The income of a member whose 所得 is known (checked by the caller)."""
    assert m.income is not None
    return m.income


def _shotoku_zero(income: Income, p: KyufuParameters) -> bool:
    """低所得Ⅰ: 所得 0円, 公的年金等 counted as 収入 − 80万円."""
    return income.kyuyo + income.sonota + max(0, income.nenkin_shunyu - p.nenkin_kojo) <= 0


def kijun_shunyu_gaito(
    shunyu: Sequence[int], kyu_shunyu: Sequence[int], p: KyufuParameters
) -> tuple[bool, str]:
    """基準収入額適用: whether the 収入 of the household's 70歳以上 insured (``shunyu``, one
    each) and of those who left for 後期高齢者医療 (``kyu_shunyu``, 旧国保被保険者) are under
    the bases, and the line that says why."""
    if not shunyu or any(v < 0 for v in (*shunyu, *kyu_shunyu)):
        raise ValueError("70歳以上の被保険者の収入（0円以上）を入力してください。")
    total = sum(shunyu)
    if len(shunyu) == 1:
        if total < p.kijun_tandoku:
            return True, f"70歳以上の被保険者1人の収入 {_yen(total)}（{_yen(p.kijun_tandoku)}未満）"
        with_kyu = total + sum(kyu_shunyu)
        if kyu_shunyu and with_kyu < p.kijun_fukusu:
            return True, (
                f"旧国保被保険者との収入の合計 {_yen(with_kyu)}（{_yen(p.kijun_fukusu)}未満）"
            )
        return False, f"70歳以上の被保険者1人の収入 {_yen(total)}（{_yen(p.kijun_tandoku)}以上）"
    if total < p.kijun_fukusu:
        return True, f"70歳以上の被保険者の収入の合計 {_yen(total)}（{_yen(p.kijun_fukusu)}未満）"
    return False, f"70歳以上の被保険者の収入の合計 {_yen(total)}（{_yen(p.kijun_fukusu)}以上）"


def shotoku_kubun(
    members: Sequence[KubunMember],
    year: int,
    month: int,
    p: KyufuParameters,
    *,
    kijun_shunyu: bool = False,
) -> KubunResult:
    """The household's 所得区分 for 診療月 ``year``/``month`` (members: the registry
    household with who is insured that month and each one's 所得). ``kijun_shunyu``: an
    approved 基準収入額適用 covers the month (a 現役並み household is then 一般)."""
    nendo = shotoku_nendo(year, month, p.kirikae_tsuki)
    insured = [m for m in members if m.insured]
    judged = [m for m in members if m.insured or m.setainushi]
    lines = [f"所得の年度：{format_nendo(nendo)}（{format_wareki_year(nendo - 1)}中の所得）"]
    all_hikazei = bool(judged) and all(_known(m) and _inc(m).hikazei for m in judged)
    total = sum(kyu_tadashigaki(_inc(m), p) for m in insured if _known(m))
    # --- 70歳未満
    if all_hikazei:
        under = p.hikazei
        lines.append("世帯主と国保の被保険者全員が住民税非課税")
    elif any(not _known(m) for m in insured):
        under = p.mishinkoku
        lines.append("所得の申告がない被保険者がいる（区分アとみなす）")
    else:
        under = next(k for k, over in p.tiers if over is None or total > over)
        lines.append(f"基礎控除後の総所得金額等の合計 {_yen(total)}")
    # --- 70歳以上
    koreisha = [m for m in insured if is_koreisha(m.birth_date, year, month, p.koreisha_nenrei)]
    over: str | None
    if all_hikazei:
        zero = all(_shotoku_zero(_inc(m), p) for m in judged)
        over = p.tei1 if zero else p.tei2
    elif any(not _known(m) for m in koreisha):
        over = None
        if koreisha:
            lines.append("70歳以上の被保険者に所得の申告がない方がいるため判定できない")
    else:
        top = max((_inc(m).kazei_shotoku for m in koreisha), default=0)
        over = next((k for k, ijo in p.genekinami if top >= ijo), p.ippan)
        if koreisha:
            lines.append(f"70歳以上の被保険者の課税所得（最も高い方） {_yen(top)}")
        k_total = sum(kyu_tadashigaki(_inc(m), p) for m in koreisha)
        if (
            over != p.ippan
            and any(m.birth_date >= p.tokurei_born_from for m in koreisha)
            and k_total <= p.tokurei_gendo
        ):
            over = p.ippan
            lines.append(
                f"昭和20年1月2日以降生まれの70歳以上の被保険者がいて、その基礎控除後の所得の"
                f"合計が {_yen(k_total)}（{_yen(p.tokurei_gendo)}以下）のため一般"
            )
        if over != p.ippan and kijun_shunyu:
            over = p.ippan
            lines.append("基準収入額適用の申請（収入が基準額未満）により一般")
    return KubunResult(
        nendo=nendo,
        under70=under,
        over70=over,
        kyu_tadashigaki=total,
        has_koreisha=bool(koreisha),
        lines=tuple(lines),
    )


# --- 高額療養費 -------------------------------------------------------------------------------


def _round_yen(x: Fraction) -> int:
    """To the yen: under 50銭 down, 50銭 and over up (施行令の定め方)."""
    return int((x + Fraction(1, 2)) // 1)


def gendo_amount(g: Gendo, iryohi: int, *, tasukai: bool, rate: Fraction) -> int:
    """The 算定基準額 of one limit: base + (医療費 − threshold) × rate (not below base),
    or the 多数回 amount."""
    if tasukai and g.tasu is not None:
        return g.tasu
    if g.threshold is None:
        return g.base
    return g.base + _round_yen(max(0, iryohi - g.threshold) * rate)


@dataclass(frozen=True)
class Futan:
    """One 一部負担金 line of the month: person × 医療機関 × 入院/外来 × 医科/歯科."""

    key: Hashable
    koreisha: bool
    iryokikan: str
    nyuin: bool
    shika: bool
    ichibu_futan: int
    iryohi: int
    #: the person's 75歳到達月 (birthday not on the 1st): :func:`tokurei75_applies`
    tokurei75: bool = False


def tokurei75_applies(birth: date, year: int, month: int, p: KyufuParameters) -> bool:
    """The 診療月 holds the person's ``koki_nenrei``-th birthday, and not on its first day
    (born on 29 February: 1 March in a common year, as the 資格 itself)."""
    try:
        day = birth.replace(year=birth.year + p.koki_nenrei)
    except ValueError:
        day = date(birth.year + p.koki_nenrei, 3, 1)
    return (day.year, day.month) == (year, month) and day.day != 1


def _share(g: Gendo, share: Fraction) -> Gendo:
    """``g`` with every amount times ``share`` (the 特例's 2分の1). Every 本来額 of the table
    halves to whole yen; a share that does not is refused (no rounding rule is known)."""

    def part(v: int | None) -> int | None:
        if v is None:
            return None
        x = v * share
        if x.denominator != 1:
            raise ValueError(
                f"限度額 {v}円 の特例の額が1円単位になりません（端数の扱いが未確認）。"
            )
        return int(x)

    base = part(g.base)
    assert base is not None
    return Gendo(base=base, threshold=part(g.threshold), tasu=part(g.tasu), gairai=part(g.gairai))


@dataclass(frozen=True)
class Step:
    label: str
    futan: int
    iryohi: int
    gendo: int
    shikyu: int
    #: the person of a 70歳以上 外来（個人） step
    key: Hashable | None = None


@dataclass(frozen=True)
class KogakuResult:
    steps: tuple[Step, ...]
    #: lines of a person under 70 below the 合算 threshold (not counted)
    excluded: tuple[tuple[Hashable, str, int], ...]
    shikyu: int
    #: paid at the household level (counts as a month for 多数回該当)
    setai_shikyu: int
    tasukai: bool
    lines: tuple[str, ...]


def kogaku_calculate(
    futan: Sequence[Futan],
    *,
    year: int,
    month: int,
    under70: str,
    over70: str | None,
    tasukai: bool,
    p: KyufuParameters,
) -> KogakuResult:
    """高額療養費 of one household for one 診療月 (see the module's description)."""
    table = p.gendo_table(year, month)
    for f in futan:
        if f.ichibu_futan < 0 or f.iryohi < 0:
            raise ValueError("一部負担金と医療費は0円以上で入力してください。")
    old = [f for f in futan if f.koreisha]
    young = [f for f in futan if not f.koreisha]
    if old and over70 is None:
        raise ValueError("70歳以上の方の所得区分が判定できないため、計算できません。")
    steps: list[Step] = []
    lines: list[str] = []
    old_left = 0
    old_iryohi = sum(f.iryohi for f in old)
    setai_shikyu = 0
    if old:
        g70 = table.over70[over70]  # type: ignore[index]
        # 1. 外来 per person
        remaining = 0
        by_person: dict[Hashable, list[Futan]] = defaultdict(list)
        for f in old:
            by_person[f.key].append(f)
        for key, rows in by_person.items():
            gairai = sum(f.ichibu_futan for f in rows if not f.nyuin)
            nyuin = sum(f.ichibu_futan for f in rows if f.nyuin)
            tokurei = any(f.tokurei75 for f in rows)
            gp = _share(g70, p.tokurei75) if tokurei else g70
            if gp.gairai is not None and gairai > gp.gairai:
                pay = gairai - gp.gairai
                steps.append(
                    Step(
                        label="70歳以上 外来（個人）" + ("・75歳到達月の特例" if tokurei else ""),
                        key=key,
                        futan=gairai,
                        iryohi=sum(f.iryohi for f in rows if not f.nyuin),
                        gendo=gp.gairai,
                        shikyu=pay,
                    )
                )
                gairai = gp.gairai
            if tokurei:
                own = gairai + nyuin
                own_iryohi = sum(f.iryohi for f in rows)
                limit = gendo_amount(gp, own_iryohi, tasukai=tasukai, rate=table.rate)
                pay = max(0, own - limit)
                steps.append(Step("75歳到達月の特例（個人）", own, own_iryohi, limit, pay, key=key))
                gairai, nyuin = own - pay, 0
            remaining += gairai + nyuin
        # 2. 70歳以上 世帯
        limit = gendo_amount(g70, old_iryohi, tasukai=tasukai, rate=table.rate)
        pay = max(0, remaining - limit)
        steps.append(Step("70歳以上 世帯", remaining, old_iryohi, limit, pay))
        setai_shikyu += pay
        old_left = remaining - pay
    # 3. the whole household with the under-70 lines of 21,000円 or more
    groups: dict[tuple[Hashable, str, bool, bool], list[Futan]] = defaultdict(list)
    for f in young:
        groups[(f.key, f.iryokikan, f.nyuin, f.shika)].append(f)
    counted = 0
    counted_iryohi = 0
    excluded: list[tuple[Hashable, str, int]] = []
    for (key, kikan, nyuin, shika), rows in groups.items():
        amount = sum(f.ichibu_futan for f in rows)
        if amount >= p.gassan_kijun:
            counted += amount
            counted_iryohi += sum(f.iryohi for f in rows)
        else:
            kind = ("入院" if nyuin else "外来") + ("・歯科" if shika else "")
            excluded.append((key, f"{kikan}（{kind}）", amount))
    if counted:
        g = table.under70[under70]
        iryohi = counted_iryohi + old_iryohi
        total = counted + old_left
        limit = gendo_amount(g, iryohi, tasukai=tasukai, rate=table.rate)
        pay = max(0, total - limit)
        steps.append(Step("世帯合算", total, iryohi, limit, pay))
        setai_shikyu += pay
    if excluded:
        lines.append(f"70歳未満の方の{_yen(p.gassan_kijun)}未満の負担は合算の対象外")
    if any(f.tokurei75 for f in old):
        share = p.tokurei75
        lines.append(
            f"75歳到達月の特例：その方の個人単位の限度額は本来額の{share.denominator}分の"
            f"{share.numerator}（世帯の限度額は本来額）"
        )
    if tasukai:
        lines.append("多数回該当（過去12か月に3か月以上の支給）の限度額を適用")
    shikyu = sum(s.shikyu for s in steps)
    return KogakuResult(
        steps=tuple(steps),
        excluded=tuple(excluded),
        shikyu=shikyu,
        setai_shikyu=setai_shikyu,
        tasukai=tasukai,
        lines=tuple(lines),
    )


def tasukai_applies(
    paid_months: Sequence[tuple[int, int]], year: int, month: int, p: KyufuParameters
) -> bool:
    """多数回該当: within the ``tasukai_months`` months before 診療月 (that month excluded)
    高額療養費 was paid (at the household level) in ``tasukai_kaisu`` months or more."""
    index = year * 12 + month - 1
    window = {(i // 12, i % 12 + 1) for i in range(index - p.tasukai_months + 1, index)}
    return len(window & set(paid_months)) >= p.tasukai_kaisu


# --- 出産育児一時金 ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ShussanResult:
    per_child: int
    children: int
    total: int
    chokusetsu: int
    shikyu: int
    lines: tuple[str, ...]


def shussan_calculate(
    *,
    birth: date,
    children: int,
    sanka_hosho: bool,
    chokusetsu: int,
    p: KyufuParameters,
) -> ShussanResult:
    """出産育児一時金: per child (多胎 × 人数), plus the 産科医療補償制度 加算 where the birth
    was covered; what the 医療機関 already received under the 直接支払制度 (up to the
    total) is deducted, and the town pays the difference."""
    if children < 1:
        raise ValueError("出生した子の数は1以上で入力してください。")
    if chokusetsu < 0:
        raise ValueError("直接支払制度で支払われた額は0円以上で入力してください。")
    row = next(
        (
            s
            for s in p.shussan
            if s.first <= (birth.year, birth.month)
            and (s.last is None or (birth.year, birth.month) <= s.last)
        ),
        None,
    )
    if row is None:
        raise GendoMissing(
            f"{birth.year}年{birth.month}月の出産に対する出産育児一時金の額が登録されていません。"
        )
    per_child = row.kihon + (row.kasan if sanka_hosho else 0)
    total = per_child * children
    used = min(chokusetsu, total)
    kasan = f"＋産科医療補償制度の加算 {_yen(row.kasan)}" if sanka_hosho else "（加算なし）"
    lines = [f"1児につき {_yen(row.kihon)}{kasan} × {children}人 = {_yen(total)}"]
    if used:
        lines.append(f"直接支払制度で医療機関に支払われた額 {_yen(used)} を差し引く")
    return ShussanResult(
        per_child=per_child,
        children=children,
        total=total,
        chokusetsu=used,
        shikyu=total - used,
        lines=tuple(lines),
    )
