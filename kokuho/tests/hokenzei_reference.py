"""国民健康保険税: the household's tax for one 年度, every intermediate figure returned.

Pure: :func:`hokenzei_calculate` takes a :class:`HokenzeiInput` and the 年度's
:class:`HokenzeiParameters` (law values and the town's 条例 values, see
``kokuho/params/hokenzei.yaml``) and returns a :class:`HokenzeiResult`. No database.

The rules, each with its source in the YAML:

- 区分: 医療分, 後期高齢者支援金等分, 介護納付金分 (members 40–64), and from 令和8年度
  子ども・子育て支援納付金分 (地方税法第703条の4).
- 所得割 = (総所得金額等 − 基礎控除) × 率 per insured member (旧ただし書), rounded down to
  the yen per member; 資産割 = 固定資産税額 × 率 where the town keeps it; 均等割 per insured
  member; 平等割 per household. Each 区分 is capped by its 課税限度額 (the law's, or the
  town's lower 条例 amount).
- 法定軽減 7/5/2割 of 均等割 and 平等割 by the household's 判定所得 on the 賦課期日 (4月1日,
  or the day the household's 資格 begins): 世帯主 (擬制世帯主 too), insured members and
  特定同一世帯所属者; 65歳以上 (前年12月31日) 公的年金等所得 − 15万円; 給与所得者等の数.
  No 軽減 when anyone counted has no 所得 on record (未申告).
- 未就学児: 均等割 after 軽減 × 1/2 off. 子ども分: 18歳未満 均等割 fully off, 18歳以上 pay the
  18歳以上被保険者均等割額 on top.
- 産前産後: the mother's 所得割 and 均等割 are not levied for the months from the month
  before the 出産予定月 for 4 months (多胎: 3 months before, 6 months), from 2024年1月.
- 非自発的失業者: 給与所得 × 30/100 in the 所得割 and the 判定.
- 特定世帯 平等割 × 1/2, 特定継続世帯 × 3/4 (医療分・後期分).
- 月割: a member owes a month when insured on its last day (取得月 counts, 喪失月 does not;
  75th birthday = 喪失 by law); 介護分 when 40 has been reached and 65 not yet by that day
  (年齢計算ニ関スル法律: an age is reached the day before the birthday). Each month is
  the annual-basis amount of those who owe it, capped, ÷ 12; the 区分 is the sum rounded
  down to the town's unit; the 年税額 is the sum of 区分 rounded down to 100 円.

**Where towns differ** the town chooses by 条例 value: the 区分 rounding unit, and whether
所得割 is rounded per member (成田市) or computed on the household's summed 基準所得
(伊勢崎市). **Choices of ours**: each 減額 is rounded down to the yen per member (exact
for every published example found), and a household whose membership changes in the year
is capped month by month (the 課税限度額 ÷ 12 a month).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from math import floor

from kokuho.rules.hokenzei_dates import (
    age_reached_on,
    anniversary,
    fiscal_months,
    is_before_first_march31,
    month_ends,
)
from kokuho.rules.hokenzei_inputs import (
    HokenzeiInput,
    HokenzeiResult,
    KeigenHantei,
    KeigenMember,
    KubunResult,
    Member,
    MemberLine,
)
from kokuho.rules.hokenzei_params import HokenzeiParameters, KubunRates

__all__ = [
    "age_reached_on",
    "fiscal_months",
    "hokenzei_calculate",
    "is_before_first_march31",
    "keigen_judge",
]


def _floor(value: Fraction | int) -> int:
    return floor(value)


def _mul(amount: int, rate: Fraction) -> int:
    """``amount × rate`` rounded down, in integers (amounts are never negative; building
    Fraction objects was most of the time per household)."""
    return amount * rate.numerator // rate.denominator


def _floor_to(value: Fraction | int, unit: int) -> int:
    return (floor(value) // unit) * unit


@dataclass(frozen=True)
class _Schedule:
    """Which months (0 = 4月 … 11 = 3月) a member is insured, is 介護2号, is 産前産後."""

    insured: tuple[bool, ...]
    kaigo: tuple[bool, ...]
    sanzen: tuple[bool, ...]


def _schedule(m: Member, p: HokenzeiParameters) -> _Schedule:
    ends = month_ends(p.fiscal_year)
    start = m.shutoku_date or date.min
    end = anniversary(m.birth_date, p.koki_nenrei)  # 後期高齢者医療 from the birthday
    if m.soshitsu_date is not None and m.soshitsu_date < end:
        end = m.soshitsu_date
    k_from = age_reached_on(m.birth_date, p.kaigo_from)
    k_to = age_reached_on(m.birth_date, p.kaigo_to)
    sanzen = _sanzen_months(m, p)
    fy = fiscal_months(p.fiscal_year)
    return _Schedule(
        insured=tuple(m.insured and start <= d < end for _, d in ends),
        kaigo=tuple(k_from <= d < k_to for _, d in ends),
        sanzen=tuple(ym in sanzen for ym in fy),
    )


def _insured_on(m: Member, day: date, p: HokenzeiParameters) -> bool:
    if not m.insured:
        return False
    if m.shutoku_date is not None and m.shutoku_date > day:
        return False
    end = anniversary(m.birth_date, p.koki_nenrei)  # 後期高齢者医療 from the birthday
    if m.soshitsu_date is not None and m.soshitsu_date < end:
        end = m.soshitsu_date
    return day < end


def _is_65_at_year_end(m: Member, fiscal_year: int) -> bool:
    """65歳以上 on 12月31日 of the income year (公的年金等控除 and the 判定's 15万円).

    Most towns state it so (「前年12月31日現在65歳以上」); 南関町 writes 「1月1日時点で
    65歳以上」, which differs only for people born on 1月2日: not confirmed against the
    政令's text, so the 12月31日 reading is kept."""
    return age_reached_on(m.birth_date, 65) <= date(fiscal_year - 1, 12, 31)


def _kyuyo_counted(m: Member, p: HokenzeiParameters) -> int:
    if m.hijihatsu_shitsugyo:
        return _mul(m.shotoku.kyuyo, p.hijihatsu_wariai)
    return m.shotoku.kyuyo


def _is_kyuyo_shotokusha(m: Member, p: HokenzeiParameters) -> bool:
    if m.kyuyo_shotokusha is not None:
        return m.kyuyo_shotokusha
    s = m.shotoku
    nenkin_kijun = (
        p.nenkin_shunyu_kijun_65
        if _is_65_at_year_end(m, p.fiscal_year)
        else p.nenkin_shunyu_kijun_under65
    )
    return s.kyuyo_shunyu > p.kyuyo_shunyu_kijun or s.nenkin_shunyu > nenkin_kijun


def _hantei_date(inp: HokenzeiInput) -> date:
    """4月1日, or the first 取得日 when every insured member joined later."""
    start = date(inp.fiscal_year, 4, 1)
    joins = [m.shutoku_date or start for m in inp.members if m.insured]
    return max(start, min(joins)) if joins else start


def keigen_judge(inp: HokenzeiInput, p: HokenzeiParameters) -> KeigenHantei:
    """The 法定軽減 of the household (地方税法第703条の5, 施行令第56条の89)."""
    day = _hantei_date(inp)
    counted = [
        m
        for m in inp.members
        if m.key == inp.setainushi or m.tokutei_doitsu or _insured_on(m, day, p)
    ]
    lines: list[KeigenMember] = []
    for m in counted:
        nenkin = m.shotoku.nenkin
        kojo = min(nenkin, p.nenkin_tokubetsu_kojo) if _is_65_at_year_end(m, p.fiscal_year) else 0
        shotoku = _kyuyo_counted(m, p) + nenkin - kojo + m.shotoku.sonota + m.shotoku.hantei_chosei
        lines.append(
            KeigenMember(
                key=m.key,
                hantei_shotoku=max(0, shotoku),
                nenkin_kojo=kojo,
                kyuyo_shotokusha=_is_kyuyo_shotokusha(m, p),
            )
        )
    total = sum(x.hantei_shotoku for x in lines)
    ninzu = sum(1 for m in counted if m.tokutei_doitsu or _insured_on(m, day, p))
    kyuyo_su = sum(1 for x in lines if x.kyuyo_shotokusha)
    kasan = p.keigen_kyuyo_kasan * max(0, kyuyo_su - 1)
    kijun = tuple((s.wari, p.keigen_kihon + s.per_person * ninzu + kasan) for s in p.keigen_steps)
    wari, rate, note = 0, Fraction(0), ""
    for step, (_, limit) in zip(p.keigen_steps, kijun, strict=True):
        if total <= limit:
            wari, rate = step.wari, step.rate
            break
    if wari and any(not m.shotoku.shinkoku for m in counted):
        wari, rate, note = 0, Fraction(0), "所得の申告がない人がいるため軽減していません"
    return KeigenHantei(
        hantei_date=day,
        members=tuple(lines),
        hantei_shotoku=total,
        hihokensha_su=ninzu,
        kyuyo_shotokusha_su=kyuyo_su,
        kijun=kijun,
        wari=wari,
        rate=rate,
        note=note,
    )


def _kiso_kojo(m: Member, p: HokenzeiParameters) -> int:
    gokei = m.shotoku.gokei_shotoku if m.shotoku.gokei_shotoku is not None else m.shotoku.sogaku
    for upto, amount in p.kiso_kojo:
        if upto is None or gokei <= upto:
            return amount
    return 0


def _sanzen_months(m: Member, p: HokenzeiParameters) -> set[tuple[int, int]]:
    if m.shussan_date is None or p.sanzen_sango is None:
        return set()
    before, months, t_before, t_months, effective = p.sanzen_sango
    if m.tatai:
        before, months = t_before, t_months
    index = m.shussan_date.year * 12 + (m.shussan_date.month - 1) - before
    out = set()
    for i in range(index, index + months):
        ym = (i // 12, i % 12 + 1)
        if ym >= effective:
            out.add(ym)
    return out


def _member_line(
    m: Member,
    r: KubunRates,
    k: KeigenHantei,
    p: HokenzeiParameters,
    months: tuple[int, ...],
    sanzen: tuple[int, ...],
) -> MemberLine:
    kijun = max(0, _kyuyo_counted(m, p) + m.shotoku.nenkin + m.shotoku.sonota - _kiso_kojo(m, p))
    miman18 = (
        r.kubun == "kodomo"
        and p.miman18_nenrei is not None
        and is_before_first_march31(m.birth_date, p.miman18_nenrei, p.fiscal_year)
    )
    base = r.kintowari + (0 if miman18 or r.kubun != "kodomo" else r.kintowari_18ijo)
    keigen = _mul(base, k.rate)
    after = base - keigen
    mishu = 0
    if (
        p.mishugaku_wariai is not None
        and p.mishugaku_nenrei is not None
        and is_before_first_march31(m.birth_date, p.mishugaku_nenrei, p.fiscal_year)
    ):
        mishu = _mul(after, p.mishugaku_wariai)
        after -= mishu
    m18 = 0
    if miman18 and p.miman18_wariai is not None:
        m18 = _mul(after, p.miman18_wariai)
        after -= m18
    return MemberLine(
        key=m.key,
        kijun_shotoku=kijun,
        shotokuwari=_mul(kijun, r.shotokuwari),
        shisanwari=_mul(m.koteishisanzei, r.shisanwari),
        kintowari=base,
        keigen=keigen,
        mishugaku=mishu,
        miman18=m18,
        kintowari_after=after,
        months=months,
        sanzen_months=sanzen,
    )


def _kubun(
    inp: HokenzeiInput,
    r: KubunRates,
    k: KeigenHantei,
    p: HokenzeiParameters,
    schedules: dict[str, _Schedule],
) -> KubunResult:
    ends = month_ends(p.fiscal_year)
    kaigo = r.kubun == "kaigo"
    owes: dict[str, tuple[int, ...]] = {}
    for m in inp.members:
        s = schedules[m.key]
        idx = tuple(i for i in range(12) if s.insured[i] and (not kaigo or s.kaigo[i]))
        if idx:
            owes[m.key] = idx
    lines: dict[str, MemberLine] = {}
    for m in inp.members:
        if m.key in owes:
            s = schedules[m.key]
            lines[m.key] = _member_line(
                m,
                r,
                k,
                p,
                tuple(ends[i][0] for i in owes[m.key]),
                tuple(ends[i][0] for i in owes[m.key] if s.sanzen[i]),
            )

    byodo = r.byodowari
    factor = Fraction(1)
    if r.kubun in p.tokutei_kubun and inp.tokutei_setai == "tokutei":
        factor = p.tokutei_wariai
    elif r.kubun in p.tokutei_kubun and inp.tokutei_setai == "tokutei_keizoku":
        factor = p.tokutei_keizoku_wariai
    byodo_t = _mul(byodo, factor)
    byodo_keigen = _mul(byodo_t, k.rate)
    byodo_after = byodo_t - byodo_keigen if lines else 0

    # A month's amount depends only on who owes it and who is 産前産後 in it; most
    # households have one such set for the whole year, so it is computed once.
    keys = list(owes)
    # per member, per month: None (does not owe it) or whether 産前産後 exempts it
    cols = [
        tuple(schedules[key].sanzen[i] if i in owes[key] else None for i in range(12))
        for key in keys
    ]
    by_set: dict[tuple[bool | None, ...], int] = {}
    monthly: list[tuple[int, int]] = []
    for (mo, _), who in zip(ends, zip(*cols, strict=True), strict=False):
        if all(x is None for x in who):
            continue
        amount = by_set.get(who)
        if amount is None:
            amount = byodo_after
            kijun_sum = 0
            for key, sanzen in zip(keys, who, strict=True):
                if sanzen is None:
                    continue
                line = lines[key]
                amount += line.shisanwari
                if not sanzen:
                    amount += line.kintowari_after
                    kijun_sum += line.kijun_shotoku
                    if not p.shotokuwari_setai_gassan:
                        amount += line.shotokuwari
            if p.shotokuwari_setai_gassan:
                amount += _mul(kijun_sum, r.shotokuwari)
            amount = min(amount, r.gendo)
            by_set[who] = amount
        monthly.append((mo, amount))
    tsukiwari = Fraction(sum(v for _, v in monthly), 12)
    all_lines = tuple(lines.values())
    shotokuwari_total = (
        _mul(sum(x.kijun_shotoku for x in all_lines), r.shotokuwari)
        if p.shotokuwari_setai_gassan
        else sum(x.shotokuwari for x in all_lines)
    )
    nengaku = (
        byodo_after + shotokuwari_total + sum(x.shisanwari + x.kintowari_after for x in all_lines)
    )
    return KubunResult(
        kubun=r.kubun,
        label=r.label,
        members=all_lines,
        byodowari=byodo if lines else 0,
        byodowari_tokutei=byodo - byodo_t if lines else 0,
        byodowari_keigen=byodo_keigen if lines else 0,
        byodowari_after=byodo_after,
        shotokuwari_total=shotokuwari_total,
        shisanwari_total=sum(x.shisanwari for x in all_lines),
        kintowari_total=sum(x.kintowari_after for x in all_lines),
        nengaku=nengaku,
        gendo=r.gendo,
        monthly=tuple(monthly),
        tsukiwari=tsukiwari,
        zeigaku=_floor_to(tsukiwari, p.rounding_kubun),
    )


def _yen(v: int) -> str:
    return f"{v:,}円"


def hokenzei_calculate(inp: HokenzeiInput, p: HokenzeiParameters) -> HokenzeiResult:
    """The household's 国民健康保険税 for ``inp.fiscal_year``."""
    if inp.fiscal_year != p.fiscal_year:
        raise ValueError("入力と税率の年度が異なります")
    keys = [m.key for m in inp.members]
    if len(set(keys)) != len(keys):
        raise ValueError("世帯員の key が重複しています")
    if inp.setainushi not in keys:
        raise ValueError("世帯主が世帯員に含まれていません")
    k = keigen_judge(inp, p)
    schedules = {m.key: _schedule(m, p) for m in inp.members}
    kubun = tuple(_kubun(inp, r, k, p, schedules) for r in p.kubun)
    total = sum(x.zeigaku for x in kubun)
    lines = [
        f"軽減判定所得 {_yen(k.hantei_shotoku)}（被保険者等 {k.hihokensha_su}人、"
        f"給与所得者等 {k.kyuyo_shotokusha_su}人）："
        + (f"{k.wari}割軽減" if k.wari else (k.note or "軽減なし"))
    ]
    for x in kubun:
        if not x.monthly:
            continue
        head = (
            f"{x.label}：所得割 {_yen(x.shotokuwari_total)}"
            + (f" + 資産割 {_yen(x.shisanwari_total)}" if x.shisanwari_total else "")
            + f" + 均等割 {_yen(x.kintowari_total)} + 平等割 {_yen(x.byodowari_after)}"
            + f" = {_yen(x.nengaku)}"
        )
        if x.capped:
            head += f"（課税限度額 {_yen(x.gendo)}）"
        if len(x.monthly) < 12 or any(m.sanzen_months for m in x.members):
            head += f"、月割 {len(x.monthly)}か月"
        lines.append(head + f" → {_yen(x.zeigaku)}")
    nengaku = _floor_to(total, p.rounding_zeigaku)
    lines.append(f"年税額 {_yen(nengaku)}")
    return HokenzeiResult(
        fiscal_year=inp.fiscal_year,
        keigen=k,
        kubun=kubun,
        total=total,
        nengaku=nengaku,
        lines=tuple(lines),
    )
