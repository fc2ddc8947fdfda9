"""The allocation rules (負担金の按分ルール) as frozen dataclasses.

Pool-splitting rules divide a given total (``pool_yen``) among the members:

* :class:`Kintowari` — 均等割, equal shares.
* :class:`Jinkowari` — proportional to a per-member figure: 人口割 (default),
  職員数割 (``figure="staff"``, 徳島県の文書管理), 使用月数割
  (``figure="months"``: a fixed pool split by usage) or any named figure.
* :class:`Teigen` — 処理費逓減方式 (北海道 HARP style): a tier table of
  per-capita prices applied like a tax bracket (the first N people at price a,
  the next at price b …).  With a pool the pool is split in proportion to these
  tiered charges; without one the tiered charges are the charges.
* :class:`TeigenCurve` — smooth 逓減: weight = population ** exponent, so the
  share is ``pool × p_i^e / Σ p_j^e``.  The default exponent
  ``e = log(1.5) / log(2) ≈ 0.58496`` means twice the population pays 1.5 times
  as much (2^e = 1.5), i.e. the per-capita cost falls as ``p^(e − 1)``.
* :class:`Kobetsu` — 個別負担: the whole pool to one member.
* :class:`Mix` — weighted combination, e.g. 均等割:人口割 = 4:6 (神奈川県町村会の
  組織運営費) or 均等割5%・人口割95% (西いぶり広域連合).

:class:`Metered` (従量制) is not pool-splitting: each member is charged
``unit_price_yen × figure`` (業務別従量料金の月額単価 × 使用月数), floored to the
rounding unit, and the total is whatever those charges add up to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Literal, TypeAlias

from billing.rules.numbers import (
    Number,
    figure_label,
    fmt_number,
    fmt_percent,
    fmt_ratio,
    fmt_yen,
    to_fraction,
)

__all__ = [
    "CURVE_EXPONENT_1_5",
    "DECIMAL_PRECISION",
    "Jinkowari",
    "Kintowari",
    "Kobetsu",
    "Metered",
    "Mix",
    "PoolRule",
    "RoundingPoint",
    "Rule",
    "Teigen",
    "TeigenCurve",
    "rule_label",
]

#: Significant digits for TeigenCurve's powers (decimal arithmetic, reproducible).
DECIMAL_PRECISION = 50

with localcontext() as _ctx:
    _ctx.prec = DECIMAL_PRECISION
    #: log(1.5) / log(2): doubling the population multiplies the charge by 1.5.
    CURVE_EXPONENT_1_5: Decimal = Decimal("1.5").ln() / Decimal(2).ln()

RoundingPoint = Literal["combined", "per_component"]


def _note(note: str) -> str:
    return f"、{note}" if note else ""


@dataclass(frozen=True)
class Kintowari:
    """均等割: every member gets the same exact share."""

    def name(self) -> str:
        return "均等割"


@dataclass(frozen=True)
class Jinkowari:
    """Proportional to ``figure`` (人口割 by default; 職員数割, 使用月数割 …).

    ``label`` overrides the Japanese name of the figure (``"人口"``).
    """

    figure: str = "population"
    label: str | None = None

    def figure_label(self) -> str:
        return figure_label(self.figure, self.label)

    def name(self) -> str:
        return f"{self.figure_label()}割"


@dataclass(frozen=True)
class Metered:
    """従量制: charge = ``unit_price_yen`` × ``figure`` per member (no pool)."""

    unit_price_yen: int
    figure: str = "months"
    label: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.unit_price_yen, bool) or not isinstance(self.unit_price_yen, int):
            raise TypeError(f"単価は円単位の整数で指定してください: {self.unit_price_yen!r}")
        if self.unit_price_yen < 0:
            raise ValueError(f"単価に負の金額は指定できません: {self.unit_price_yen:,}円")

    def price_label(self) -> str:
        return "月額単価" if self.figure == "months" else "単価"

    def name(self) -> str:
        return self.label or "従量制"

    def describe(self, note: str = "") -> str:
        return (
            f"{self.name()}（{self.price_label()} {fmt_yen(self.unit_price_yen)} × "
            f"{figure_label(self.figure)}{_note(note)}）"
        )


@dataclass(frozen=True)
class Teigen:
    """処理費逓減方式: ``tiers = [(upto, per_capita_yen), …, (None, per_capita_yen)]``.

    ``upto`` is the cumulative upper bound of the tier (inclusive), strictly
    increasing, and the last tier is open (``None``).  A member's tiered charge
    is Σ (people falling in the tier × the tier's per-capita price).
    """

    tiers: Sequence[tuple[int | None, Number]]
    figure: str = "population"

    def __post_init__(self) -> None:
        tiers = tuple((upto, price) for upto, price in self.tiers)
        object.__setattr__(self, "tiers", tiers)
        if not tiers:
            raise ValueError("逓減方式の料金区分が指定されていません")
        previous = 0
        for index, (upto, price) in enumerate(tiers):
            last = index == len(tiers) - 1
            if upto is None and not last:
                raise ValueError("上限のない料金区分（None）は最後に1つだけ指定してください")
            if upto is None:
                pass
            elif last:
                raise ValueError("最後の料金区分の上限は None（上限なし）にしてください")
            elif isinstance(upto, bool) or not isinstance(upto, int) or upto <= previous:
                raise ValueError(f"料金区分の上限は昇順の正の整数で指定してください: {upto!r}")
            else:
                previous = upto
            if to_fraction(price, "1人あたりの単価") < 0:
                raise ValueError(f"1人あたりの単価に負の金額は指定できません: {price!r}")

    def tier_terms(self, quantity: Fraction) -> list[tuple[Fraction, Fraction]]:
        """(people in the tier, per-capita price) for the non-empty tiers."""
        terms: list[tuple[Fraction, Fraction]] = []
        lower = Fraction(0)
        for upto, price in self.tiers:
            upper = quantity if upto is None else min(quantity, Fraction(upto))
            if upper > lower:
                terms.append((upper - lower, to_fraction(price, "1人あたりの単価")))
            if upto is None or quantity <= upto:
                break
            lower = Fraction(upto)
        return terms

    def charge(self, quantity: Fraction) -> Fraction:
        return sum((people * price for people, price in self.tier_terms(quantity)), Fraction(0))

    def name(self) -> str:
        return "逓減方式"

    def describe(self, note: str = "") -> str:
        unit = "人" if self.figure == "population" else ""
        parts: list[str] = []
        lower = 0
        for upto, price in self.tiers:
            span = f"{lower + 1:,}{unit}〜" + (f"{upto:,}{unit}" if upto is not None else "")
            parts.append(f"{span}: {fmt_number(price)}円")
            lower = upto if upto is not None else lower
        return (
            f"逓減方式（{figure_label(self.figure)} 1{unit}あたり "
            + "、".join(parts)
            + f"{_note(note)}）"
        )


@dataclass(frozen=True)
class TeigenCurve:
    """Smooth 逓減: share ∝ figure ** exponent (0 < exponent ≤ 1).

    Powers are computed in decimal arithmetic with :data:`DECIMAL_PRECISION`
    significant digits and then used as exact Fractions, so results are
    reproducible.  A Fraction exponent is converted at that precision.
    """

    exponent: Number = CURVE_EXPONENT_1_5
    figure: str = "population"

    def __post_init__(self) -> None:
        e = to_fraction(self.exponent, "逓減曲線の指数")
        if not 0 < e <= 1:
            raise ValueError("逓減曲線の指数は0より大きく1以下で指定してください")

    def decimal_exponent(self) -> Decimal:
        if isinstance(self.exponent, Fraction):
            with localcontext() as ctx:
                ctx.prec = DECIMAL_PRECISION
                return Decimal(self.exponent.numerator) / Decimal(self.exponent.denominator)
        return Decimal(self.exponent)

    def weight(self, quantity: Fraction) -> Fraction:
        with localcontext() as ctx:
            ctx.prec = DECIMAL_PRECISION
            base = Decimal(quantity.numerator) / Decimal(quantity.denominator)
            return Fraction(base ** self.decimal_exponent())

    def exponent_text(self) -> str:
        e = self.decimal_exponent()
        text = f"{e:.5f}".rstrip("0").rstrip(".")
        return text if Decimal(text) == e else text + "…"

    def doubling_factor_text(self) -> str:
        with localcontext() as ctx:
            ctx.prec = DECIMAL_PRECISION
            factor = Decimal(2) ** self.decimal_exponent()
        return f"{factor:.3f}".rstrip("0").rstrip(".")

    def name(self) -> str:
        return "逓減曲線"

    def describe(self, note: str = "") -> str:
        name = figure_label(self.figure)
        return (
            f"逓減曲線（{name}^{self.exponent_text()}に比例: {name}が2倍で負担は"
            f"{self.doubling_factor_text()}倍{_note(note)}）"
        )


@dataclass(frozen=True)
class Kobetsu:
    """個別負担: the whole pool is charged to ``member_id``."""

    member_id: str

    def name(self) -> str:
        return "個別負担"


@dataclass(frozen=True)
class Mix:
    """Weighted combination of pool-splitting rules.

    ``parts = [(weight, rule), …]``: weights are ratios (int, Fraction or
    Decimal, ≥ 0, positive sum) normalised by their sum, so ``[(4, …), (6, …)]``
    and ``[(Decimal("0.4"), …), (Decimal("0.6"), …)]`` are the same rule.

    ``rounding_point``:

    * ``"combined"`` — each member's exact share is Σ pool × weight × ratio
      over the components (nested Mixes are flattened, their own rounding point
      is then irrelevant) and is rounded once.
    * ``"per_component"`` — the pool is first split into whole-yen sub-pools
      (pool × weight, rounded with the same largest-remainder method across the
      components: larger fractional part, then larger weight, then earlier
      component first); each sub-pool is allocated by its rule (with its own
      rounding, nested Mixes keep their rounding point) and the member's
      component amounts are summed.  The two can differ by a yen or so per
      member (see the tests).  Per-component rounding may give the same member
      the tie in every component, so members with equal figures can differ by
      up to one unit per component and a larger figure is not guaranteed to
      pay at least as much; "combined" keeps both guarantees.
    """

    parts: Sequence[tuple[Number, Rule]]
    rounding_point: RoundingPoint = "combined"

    def __post_init__(self) -> None:
        parts = tuple((weight, rule) for weight, rule in self.parts)
        object.__setattr__(self, "parts", parts)
        if not parts:
            raise ValueError("組み合わせる按分ルールが指定されていません")
        if self.rounding_point not in ("combined", "per_component"):
            raise ValueError(
                f"端数処理の時点は combined か per_component で指定してください: "
                f"{self.rounding_point!r}"
            )
        for weight, rule in parts:
            if to_fraction(weight, "割合") < 0:
                raise ValueError(f"割合に負の値は指定できません: {weight!r}")
            if isinstance(rule, Metered):
                raise ValueError("従量制（Metered）は按分ルールの組み合わせ（Mix）に含められません")
            if not isinstance(rule, POOL_RULE_TYPES):
                raise TypeError(f"按分ルールではありません: {rule!r}")
        if sum((to_fraction(w, "割合") for w, _ in parts), Fraction(0)) == 0:
            raise ValueError("割合の合計が0です")

    def normalised_weights(self) -> list[Fraction]:
        weights = [to_fraction(w, "割合") for w, _ in self.parts]
        whole = sum(weights, Fraction(0))
        return [w / whole for w in weights]

    def name(self) -> str:
        return ":".join(rule_label(rule) for _, rule in self.parts)

    def weights_text(self) -> str:
        raw = [w for w, _ in self.parts]
        if all(isinstance(w, int) for w in raw):
            return ":".join(f"{w:,}" for w in raw)
        weights = [to_fraction(w, "割合") for w in raw]
        if sum(weights, Fraction(0)) == 1:
            return ":".join(fmt_percent(w) for w in weights)
        return ":".join(fmt_ratio(w) for w in weights)

    def describe(self) -> str:
        return f"{self.name()} = {self.weights_text()}"


PoolRule: TypeAlias = Kintowari | Jinkowari | Teigen | TeigenCurve | Kobetsu | Mix
Rule: TypeAlias = PoolRule | Metered
POOL_RULE_TYPES = (Kintowari, Jinkowari, Teigen, TeigenCurve, Kobetsu, Mix)


def rule_label(rule: Rule) -> str:
    """Short Japanese name (``"人口割"``; a nested Mix in parentheses)."""
    if isinstance(rule, Mix):
        return f"（{rule.describe()}）"
    return rule.name()
