"""The allocation engine: split a pool of yen among members by a rule.

``allocate(pool_yen, members, rule, rounding_unit_yen=1)`` returns an
:class:`Allocation` whose :class:`Share` s are whole yen and, for pool-splitting
rules, sum exactly to the pool.  Exact shares are computed with Fractions and
rounded by :func:`billing.rules.rounding.round_shares` (floor to the rounding
unit, remainder by largest remainder; ties: larger exact share, then
``member_id`` ascending; odd yen below the unit one yen at a time in the same
order).  Two settings of the pool change that (:class:`billing.rules.rounding.Rounding`):
``remainder_method="truncate"`` floors every share and hands out nothing (the
shortfall is ``Allocation.shortfall_yen``, carried by the consortium), and
``tie_break`` orders equal remainders.  Each share carries the figures it used
(``basis``) and the arithmetic in Japanese (``steps``) for the statement (負担金算定書).

Pure Python: no Django here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from billing.rules.definitions import (
    POOL_RULE_TYPES,
    Jinkowari,
    Kintowari,
    Kobetsu,
    Metered,
    Mix,
    PoolRule,
    Rule,
    Teigen,
    TeigenCurve,
    rule_label,
)
from billing.rules.numbers import (
    Number,
    figure_label,
    figure_unit,
    fmt_exact,
    fmt_number,
    fmt_ratio,
    fmt_yen,
    require_yen,
    to_fraction,
)
from billing.rules.rounding import (
    LARGEST_REMAINDER,
    TIE_POPULATION,
    TIE_SHARE,
    Rounding,
    apportion,
    floor_to_unit,
    round_shares,
)

__all__ = ["Allocation", "Member", "Share", "allocate", "describe_rule", "sum_allocations"]


@dataclass(frozen=True)
class Member:
    """A member (構成団体) with its basis figures, e.g.
    ``Member("143014", {"population": 32823}, name="葉山町")``."""

    member_id: str
    figures: Mapping[str, Number] = field(default_factory=dict)
    name: str = ""

    @property
    def display_name(self) -> str:
        return self.name or self.member_id

    def figure(self, figure: str, label: str | None = None) -> Fraction:
        what = f"{self.display_name}の{figure_label(figure, label)}"
        if figure not in self.figures:
            raise ValueError(f"{what}が指定されていません")
        value = to_fraction(self.figures[figure], what)
        if value < 0:
            raise ValueError(f"{what}に負の値は指定できません: {self.figures[figure]!r}")
        return value


@dataclass(frozen=True)
class Share:
    """One member's amount with the figures and arithmetic behind it."""

    member_id: str
    name: str
    amount_yen: int
    exact_yen: Fraction  # before rounding (for Mix: pool × Σ weight × ratio)
    basis: Mapping[str, Number]
    steps: tuple[str, ...]


@dataclass(frozen=True)
class Allocation:
    """The result of :func:`allocate`; shares are in the members' input order."""

    rule: Rule
    description: str
    pool_yen: int  # for Metered / Teigen without pool: the sum of the charges
    pool_given: bool
    rounding_unit_yen: int
    shares: tuple[Share, ...]
    notes: tuple[str, ...] = ()  # pool-level arithmetic (sub-pools of a Mix)
    remainder_method: str = LARGEST_REMAINDER
    tie_break: str = TIE_SHARE
    # Pool − Σ shares when the remainder is truncated (carried by the consortium).
    shortfall_yen: int = 0

    def amounts(self) -> dict[str, int]:
        return {s.member_id: s.amount_yen for s in self.shares}

    def share(self, member_id: str) -> Share:
        for s in self.shares:
            if s.member_id == member_id:
                return s
        raise KeyError(member_id)

    @property
    def total_yen(self) -> int:
        return sum(s.amount_yen for s in self.shares)

    def __iter__(self) -> Iterator[Share]:
        return iter(self.shares)


def sum_allocations(*allocations: Allocation) -> dict[str, int]:
    """Per-member totals over several allocations (組合運営費 + システム利用料 + …)."""
    totals: dict[str, int] = {}
    for allocation in allocations:
        for s in allocation.shares:
            totals[s.member_id] = totals.get(s.member_id, 0) + s.amount_yen
    return totals


def _unit_text(unit: int) -> str:
    return f"{unit:,}円"


TIE_TEXT = {
    TIE_POPULATION: "同じ端数は人口の多い団体を優先",
    "dantai_code": "同じ端数は団体コード順",
}


def rounding_text(rounding: Rounding) -> str:
    """``1,000円単位`` / ``1,000円未満切り捨て（端数は組合負担）`` / ``1円単位、同じ端数は
    団体コード順``: how a pool-splitting rule's shares are rounded."""
    unit = _unit_text(rounding.unit)
    if rounding.truncates:
        return f"{unit}未満切り捨て、端数は組合負担"
    tie = TIE_TEXT.get(rounding.tie_break)
    return f"{unit}単位、{tie}" if tie else f"{unit}単位"


def describe_rule(
    rule: Rule,
    *,
    rounding_unit_yen: int = 1,
    pool_given: bool = True,
    names: Mapping[str, str] | None = None,
    remainder_method: str = LARGEST_REMAINDER,
    tie_break: str = TIE_SHARE,
) -> str:
    """The rule in Japanese, e.g. ``"均等割:人口割 = 4:6（合算比率で端数処理、1円単位）"``."""
    unit = _unit_text(rounding_unit_yen)
    rounded = rounding_text(Rounding(rounding_unit_yen, remainder_method, tie_break))
    if isinstance(rule, Mix):
        point = (
            "合算比率で端数処理" if rule.rounding_point == "combined" else "構成要素ごとに端数処理"
        )
        return f"{rule.describe()}（{point}、{rounded}）"
    if isinstance(rule, Metered):
        return rule.describe(f"{unit}未満切り捨て")
    if isinstance(rule, Teigen):
        if pool_given:
            return rule.describe(f"この基準額の比率で按分、{rounded}")
        return rule.describe(f"{unit}未満切り捨て")
    if isinstance(rule, TeigenCurve):
        return rule.describe(rounded)
    if isinstance(rule, Kobetsu):
        who = (names or {}).get(rule.member_id, rule.member_id)
        return f"個別負担（{who}が全額負担）"
    return f"{rule.name()}（{rounded}）"


# --- evaluation of the leaf rules ---------------------------------------------------


@dataclass
class _Leaf:
    name: str
    weights: list[Fraction]
    total: Fraction
    exprs: list[str]  # "32,823 / 304,003"
    pre: list[list[str]]  # lines shown before the share line


def _require_total(total: Fraction, figure: str, rule_name: str) -> None:
    if total == 0:
        raise ValueError(f"{figure_label(figure)}の合計が0のため{rule_name}で按分できません")


def _evaluate(rule: PoolRule, members: Sequence[Member]) -> _Leaf:
    n = len(members)
    if isinstance(rule, Kintowari):
        return _Leaf(
            rule.name(), [Fraction(1)] * n, Fraction(n), [f"1 / {n:,}"] * n, [[] for _ in members]
        )
    if isinstance(rule, Jinkowari):
        values = [m.figure(rule.figure, rule.label) for m in members]
        total = sum(values, Fraction(0))
        if total == 0:
            raise ValueError(f"{rule.figure_label()}の合計が0のため{rule.name()}で按分できません")
        exprs = [f"{fmt_number(m.figures[rule.figure])} / {fmt_exact(total)}" for m in members]
        return _Leaf(rule.name(), values, total, exprs, [[] for _ in members])
    if isinstance(rule, Teigen):
        quantities = [m.figure(rule.figure) for m in members]
        _require_total(sum(quantities, Fraction(0)), rule.figure, rule.name())
        charges = [rule.charge(q) for q in quantities]
        total = sum(charges, Fraction(0))
        if total == 0:
            raise ValueError("逓減方式の基準額の合計が0のため按分できません")
        pre = [
            [f"逓減方式（基準額）: {_tier_text(rule, q)} = {fmt_exact(c)}円"]
            for q, c in zip(quantities, charges, strict=True)
        ]
        exprs = [f"{fmt_exact(c)} / {fmt_exact(total)}" for c in charges]
        return _Leaf(rule.name(), charges, total, exprs, pre)
    if isinstance(rule, TeigenCurve):
        quantities = [m.figure(rule.figure) for m in members]
        _require_total(sum(quantities, Fraction(0)), rule.figure, rule.name())
        weights = [rule.weight(q) for q in quantities]
        total = sum(weights, Fraction(0))
        pre = [
            [
                f"逓減曲線（基準値）: {fmt_number(m.figures[rule.figure])}^"
                f"{rule.exponent_text()} = {fmt_exact(w)}"
            ]
            for m, w in zip(members, weights, strict=True)
        ]
        exprs = [f"{fmt_exact(w)} / {fmt_exact(total)}" for w in weights]
        return _Leaf(rule.name(), weights, total, exprs, pre)
    if isinstance(rule, Kobetsu):
        ids = [m.member_id for m in members]
        if rule.member_id not in ids:
            raise ValueError(f"個別負担の対象団体 {rule.member_id} が団体一覧にありません")
        weights = [Fraction(1 if i == rule.member_id else 0) for i in ids]
        exprs = ["1（全額）" if w else "0（対象外）" for w in weights]
        return _Leaf(rule.name(), weights, Fraction(1), exprs, [[] for _ in members])
    raise TypeError(f"按分ルールではありません: {rule!r}")


def _tier_text(rule: Teigen, quantity: Fraction) -> str:
    unit = figure_unit(rule.figure)
    terms = [
        f"{fmt_exact(people)}{unit} × {fmt_exact(price)}円"
        for people, price in rule.tier_terms(quantity)
    ]
    return " + ".join(terms) if terms else "0"


def _flatten(rule: PoolRule, factor: Fraction = Fraction(1)) -> list[tuple[Fraction, PoolRule]]:
    if not isinstance(rule, Mix):
        return [(factor, rule)]
    leaves: list[tuple[Fraction, PoolRule]] = []
    for weight, (_, part) in zip(rule.normalised_weights(), rule.parts, strict=True):
        assert not isinstance(part, Metered)  # refused by Mix itself
        leaves.extend(_flatten(part, factor * weight))
    return leaves


def _figures_used(rule: Rule) -> list[str]:
    if isinstance(rule, Mix):
        found: list[str] = []
        for _, part in rule.parts:
            found.extend(f for f in _figures_used(part) if f not in found)
        return found
    if isinstance(rule, Jinkowari | Teigen | TeigenCurve | Metered):
        return [rule.figure]
    return []


def _adjustment(amount: int, exact: Fraction, rounding: Rounding) -> str:
    if rounding.truncates:
        return f"（{_unit_text(rounding.unit)}未満切り捨て）" if amount != exact else ""
    extra = amount - floor_to_unit(exact, rounding.unit)
    return f"（端数配分 +{extra:,}円）" if extra else ""


def _pool_text(pool: Fraction | int) -> str:
    """A (sub-)pool: whole yen as ``1,234円``; a truncating Mix's exact sub-pool as is."""
    return fmt_yen(pool) if isinstance(pool, int) else f"{fmt_exact(pool)}円"


# --- pool splitting ---------------------------------------------------------------------


@dataclass
class _Split:
    amounts: list[int]
    steps: list[list[str]]
    notes: list[str]


def _exact_shares(pool: int, members: Sequence[Member], rule: PoolRule) -> list[Fraction]:
    exact = [Fraction(0)] * len(members)
    for weight, leaf in _flatten(rule):
        ev = _evaluate(leaf, members)
        for i, w in enumerate(ev.weights):
            exact[i] += pool * weight * w / ev.total
    return exact


def _split(
    pool: Fraction | int,
    members: Sequence[Member],
    rule: PoolRule,
    rounding: Rounding,
    ranks: list[int],
) -> _Split:
    n = len(members)
    if isinstance(rule, Mix) and rule.rounding_point == "per_component":
        weights = rule.normalised_weights()
        notes: list[str] = []
        parts: list[_Split] = []
        subs: list[Fraction | int]
        if rounding.truncates:
            # Nothing is handed out, so the sub-pools stay exact: each member's part of
            # each component is floored on its own.
            subs = [pool * w for w in weights]
        else:
            assert isinstance(pool, int)
            subs = list(apportion(pool, weights, rounding.unit))
        for w, sub, (_, part) in zip(weights, subs, rule.parts, strict=True):
            assert not isinstance(part, Metered)
            arrow = (
                ""
                if rounding.truncates
                else f" → {_pool_text(sub)}{_adjustment(int(sub), pool * w, rounding)}"
            )
            notes.append(
                f"{rule_label(part)}分: {_pool_text(pool)} × {fmt_ratio(w)} = "
                f"{fmt_exact(pool * w)}円{arrow}"
            )
            split = _split(sub, members, part, rounding, ranks)
            notes.extend(split.notes)
            parts.append(split)
        amounts = [sum(p.amounts[i] for p in parts) for i in range(n)]
        steps: list[list[str]] = []
        for i in range(n):
            lines = [line for p in parts for line in p.steps[i]]
            terms = " + ".join(fmt_yen(p.amounts[i]) for p in parts)
            lines.append(f"合計: {terms} = {fmt_yen(amounts[i])}")
            steps.append(lines)
        return _Split(amounts, steps, notes)

    leaves = [(w, _evaluate(leaf, members)) for w, leaf in _flatten(rule)]
    parts_exact = [[pool * w * ev.weights[i] / ev.total for w, ev in leaves] for i in range(n)]
    exact = [sum(p, Fraction(0)) for p in parts_exact]
    if rounding.truncates:
        amounts = [floor_to_unit(x, rounding.unit) for x in exact]
    else:
        assert isinstance(pool, int)
        amounts = round_shares(
            pool, exact, rounding.unit, ranks, share_first=rounding.tie_break == TIE_SHARE
        )
    steps = []
    for i in range(n):
        lines = [line for _, ev in leaves for line in ev.pre[i]]
        for (w, ev), exact_part in zip(leaves, parts_exact[i], strict=True):
            weight = "" if w == 1 else f" × {fmt_ratio(w)}"
            lines.append(
                f"{ev.name}: {_pool_text(pool)}{weight} × {ev.exprs[i]} = {fmt_exact(exact_part)}円"
            )
        arrow = f" → {fmt_yen(amounts[i])}{_adjustment(amounts[i], exact[i], rounding)}"
        if len(leaves) == 1:
            lines[-1] += arrow
        else:
            terms = " + ".join(f"{fmt_exact(x)}円" for x in parts_exact[i])
            lines.append(f"合計: {terms} = {fmt_exact(exact[i])}円{arrow}")
        steps.append(lines)
    return _Split(amounts, steps, [])


# --- entry point ------------------------------------------------------------------------


def _check_members(members: Sequence[Member]) -> list[Member]:
    members = list(members)
    if not members:
        raise ValueError("負担する団体が指定されていません")
    seen: set[str] = set()
    for m in members:
        if not isinstance(m, Member):
            raise TypeError(f"団体は Member で指定してください: {m!r}")
        if not isinstance(m.member_id, str) or not m.member_id:
            raise ValueError(f"団体IDは空でない文字列で指定してください: {m.member_id!r}")
        if m.member_id in seen:
            raise ValueError(f"団体ID {m.member_id} が重複しています")
        seen.add(m.member_id)
    return members


def allocate(
    pool_yen: int | None,
    members: Sequence[Member],
    rule: Rule,
    *,
    rounding_unit_yen: int = 1,
    remainder_method: str = LARGEST_REMAINDER,
    tie_break: str = TIE_SHARE,
) -> Allocation:
    """Allocate ``pool_yen`` among ``members`` by ``rule``.

    * pool-splitting rules (Kintowari, Jinkowari, Teigen, TeigenCurve, Kobetsu,
      Mix) need ``pool_yen`` (whole yen ≥ 0); shares sum exactly to it;
    * :class:`Metered` charges ``unit_price_yen × figure`` per member, floored to
      ``rounding_unit_yen``; ``pool_yen`` must be ``None`` (to split a fixed pool
      by usage use ``Jinkowari(figure="months")``);
    * :class:`Teigen` with ``pool_yen=None`` charges the tiered amounts
      themselves, floored to ``rounding_unit_yen``.

    For pool-splitting rules, ``remainder_method="truncate"`` floors each share to the
    unit and hands nothing out (``shortfall_yen`` = pool − Σ shares); ``tie_break``
    (``"share"``, ``"population"``, ``"dantai_code"``) orders equal remainders
    (see :mod:`billing.rules.rounding`).
    """
    members = _check_members(members)
    rounding = Rounding(rounding_unit_yen, remainder_method, tie_break)
    unit = rounding.unit
    names = {m.member_id: m.display_name for m in members}
    used = _figures_used(rule)
    basis = [{f: m.figures[f] for f in used if f in m.figures} for m in members]

    if isinstance(rule, Metered) or (isinstance(rule, Teigen) and pool_yen is None):
        if pool_yen is not None:
            raise ValueError(
                "従量制は単価×数量で負担額を算出するため、総額は指定できません"
                "（総額を使用量で按分する場合は使用量割を使ってください）"
            )
        shares = [_charge(rule, m, unit, b) for m, b in zip(members, basis, strict=True)]
        return Allocation(
            rule=rule,
            description=describe_rule(rule, rounding_unit_yen=unit, pool_given=False, names=names),
            pool_yen=sum(s.amount_yen for s in shares),
            pool_given=False,
            rounding_unit_yen=unit,
            shares=tuple(shares),
        )

    if pool_yen is None:
        raise ValueError("按分する総額を指定してください")
    pool = require_yen(pool_yen, "按分する総額")
    if not isinstance(rule, POOL_RULE_TYPES):
        raise TypeError(f"按分ルールではありません: {rule!r}")
    split = _split(pool, members, rule, rounding, _tie_ranks(members, rounding.tie_break))
    exact = _exact_shares(pool, members, rule)
    shares = [
        Share(m.member_id, m.name, a, e, b, tuple(s))
        for m, a, e, b, s in zip(members, split.amounts, exact, basis, split.steps, strict=True)
    ]
    shortfall = pool - sum(split.amounts)
    notes = list(split.notes)
    if shortfall:
        notes.append(
            f"端数切り捨てによる不足額: {fmt_yen(shortfall)}（構成団体に配分せず組合が負担）"
        )
    return Allocation(
        rule=rule,
        description=describe_rule(
            rule,
            rounding_unit_yen=unit,
            pool_given=True,
            names=names,
            remainder_method=rounding.method,
            tie_break=rounding.tie_break,
        ),
        pool_yen=pool,
        pool_given=True,
        rounding_unit_yen=unit,
        shares=tuple(shares),
        notes=tuple(notes),
        remainder_method=rounding.method,
        tie_break=rounding.tie_break,
        shortfall_yen=shortfall,
    )


def _tie_ranks(members: Sequence[Member], tie_break: str) -> list[int]:
    """Each member's rank for equal remainders, smaller first: 団体コード (member_id)
    ascending, or for ``TIE_POPULATION`` larger official population (``population``)
    first and then 団体コード."""
    if tie_break == TIE_POPULATION:
        population = [m.figure("population") for m in members]
        order = sorted(range(len(members)), key=lambda i: (-population[i], members[i].member_id))
    else:
        order = sorted(range(len(members)), key=lambda i: members[i].member_id)
    ranks = [0] * len(members)
    for rank, i in enumerate(order):
        ranks[i] = rank
    return ranks


def _charge(rule: Metered | Teigen, member: Member, unit: int, basis: dict[str, Number]) -> Share:
    quantity = member.figure(rule.figure)
    if isinstance(rule, Metered):
        exact = rule.unit_price_yen * quantity
        amount = floor_to_unit(exact, unit)
        line = (
            f"{rule.name()}: {rule.price_label()} {fmt_yen(rule.unit_price_yen)} × "
            f"{fmt_number(member.figures[rule.figure])}{figure_unit(rule.figure)} = "
            f"{fmt_exact(exact)}円 → {fmt_yen(amount)}"
        )
    else:
        exact = rule.charge(quantity)
        amount = floor_to_unit(exact, unit)
        line = f"逓減方式: {_tier_text(rule, quantity)} = {fmt_exact(exact)}円 → {fmt_yen(amount)}"
    return Share(member.member_id, member.name, amount, exact, basis, (line,))
