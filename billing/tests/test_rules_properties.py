"""Property tests for billing.rules (hypothesis; no Django, no database)."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from billing.rules import (
    GuaranteeInfeasible,
    Jinkowari,
    Kintowari,
    Kobetsu,
    Member,
    Mix,
    PoolRule,
    Teigen,
    TeigenCurve,
    allocate,
    apply_savings_guarantee,
    split_installments,
)

TIERS = Teigen([(1_000, 500), (20_000, 300), (100_000, 120), (None, 40)])

ids = st.text(alphabet="abcxyz01", min_size=1, max_size=4)
populations = st.integers(min_value=0, max_value=3_000_000)
pools = st.integers(min_value=0, max_value=10**11)
units = st.sampled_from([1, 10, 1_000])


@st.composite
def member_lists(draw: st.DrawFn, min_size: int = 1, max_size: int = 15) -> list[Member]:
    keys = draw(st.lists(ids, min_size=min_size, max_size=max_size, unique=True))
    pops = draw(st.lists(populations, min_size=len(keys), max_size=len(keys)))
    if sum(pops) == 0:
        pops[0] = draw(st.integers(min_value=1, max_value=3_000_000))
    return [Member(k, {"population": p}) for k, p in zip(keys, pops, strict=True)]


def simple_rules(members: list[Member]) -> st.SearchStrategy[PoolRule]:
    return st.one_of(
        st.just(Kintowari()),
        st.just(Jinkowari()),
        st.just(TIERS),
        st.just(TeigenCurve()),
        st.sampled_from([Kobetsu(m.member_id) for m in members]),
    )


weights = st.integers(min_value=0, max_value=20)


@st.composite
def rules_for(draw: st.DrawFn, members: list[Member]) -> PoolRule:
    if draw(st.booleans()):
        return draw(simple_rules(members))
    parts = draw(
        st.lists(st.tuples(weights, simple_rules(members)), min_size=1, max_size=4).filter(
            lambda ps: sum(w for w, _ in ps) > 0
        )
    )
    if draw(st.booleans()):
        return Mix(parts, rounding_point="per_component")
    return Mix(parts)


@st.composite
def monotone_rules(draw: st.DrawFn) -> PoolRule:
    """Rules whose exact share strictly increases with population (combined rounding)."""
    return draw(
        st.one_of(
            st.just(Jinkowari()),
            st.just(TIERS),
            st.just(TeigenCurve()),
            st.tuples(st.integers(1, 20), st.integers(1, 20)).map(
                lambda w: Mix([(w[0], Kintowari()), (w[1], Jinkowari())])
            ),
        )
    )


@settings(max_examples=300, deadline=None)
@given(data=st.data(), pool=pools, unit=units)
def test_shares_sum_to_the_pool(data: st.DataObject, pool: int, unit: int) -> None:
    members = data.draw(member_lists())
    rule = data.draw(rules_for(members))
    amounts = allocate(pool, members, rule, rounding_unit_yen=unit).amounts()
    assert sum(amounts.values()) == pool
    assert all(a >= 0 for a in amounts.values())
    if pool % unit == 0:
        assert all(a % unit == 0 for a in amounts.values())


@settings(max_examples=300, deadline=None)
@given(data=st.data(), pool=pools, unit=units)
def test_combined_share_is_within_one_unit_of_exact(
    data: st.DataObject, pool: int, unit: int
) -> None:
    assume(pool % unit == 0)
    members = data.draw(member_lists())
    rule = data.draw(simple_rules(members))
    for share in allocate(pool, members, rule, rounding_unit_yen=unit):
        assert abs(share.amount_yen - share.exact_yen) < unit


@settings(max_examples=300, deadline=None)
@given(data=st.data(), pool=pools, unit=units, rule=monotone_rules())
def test_larger_population_never_pays_less(
    data: st.DataObject, pool: int, unit: int, rule: PoolRule
) -> None:
    members = data.draw(member_lists(min_size=2))
    amounts = allocate(pool, members, rule, rounding_unit_yen=unit).amounts()
    for a in members:
        for b in members:
            if a.figures["population"] > b.figures["population"]:
                assert amounts[a.member_id] >= amounts[b.member_id]


@settings(max_examples=300, deadline=None)
@given(data=st.data(), pool=pools, unit=units)
def test_permuting_members_changes_nothing(data: st.DataObject, pool: int, unit: int) -> None:
    members = data.draw(member_lists())
    rule = data.draw(rules_for(members))
    shuffled = data.draw(st.permutations(members))
    first = allocate(pool, members, rule, rounding_unit_yen=unit).amounts()
    second = allocate(pool, shuffled, rule, rounding_unit_yen=unit).amounts()
    assert first == second
    assert list(second) == [m.member_id for m in shuffled]  # input order kept


@settings(max_examples=300, deadline=None)
@given(data=st.data(), pool=pools, unit=units, population=st.integers(0, 3_000_000))
def test_equal_population_members_differ_by_at_most_one_unit(
    data: st.DataObject, pool: int, unit: int, population: int
) -> None:
    members = data.draw(member_lists(min_size=2))
    twins = [Member(m.member_id, {"population": population}) for m in members[:2]]
    members = twins + members[2:]
    assume(sum(m.figures["population"] for m in members) > 0)
    rule = data.draw(st.one_of(monotone_rules(), st.just(Kintowari())))
    amounts = allocate(pool, members, rule, rounding_unit_yen=unit).amounts()
    assert abs(amounts[twins[0].member_id] - amounts[twins[1].member_id]) <= unit


@settings(max_examples=200, deadline=None)
@given(data=st.data(), pool=pools, unit=units, population=st.integers(0, 3_000_000))
def test_per_component_twins_differ_by_at_most_one_unit_per_component(
    data: st.DataObject, pool: int, unit: int, population: int
) -> None:
    # per-component rounding may hand the same twin the tie in every component
    members = data.draw(member_lists(min_size=2))
    twins = [Member(m.member_id, {"population": population}) for m in members[:2]]
    members = twins + members[2:]
    assume(sum(m.figures["population"] for m in members) > 0)
    rule = Mix([(4, Kintowari()), (6, Jinkowari())], rounding_point="per_component")
    amounts = allocate(pool, members, rule, rounding_unit_yen=unit).amounts()
    assert abs(amounts[twins[0].member_id] - amounts[twins[1].member_id]) <= 2 * unit


@st.composite
def guarantee_inputs(draw: st.DrawFn) -> tuple[dict[str, int], dict[str, int], Fraction]:
    keys = draw(st.lists(ids, min_size=1, max_size=12, unique=True))
    shares = {k: draw(st.integers(0, 10**9)) for k in keys}
    with_former = draw(st.lists(st.sampled_from(keys), unique=True, max_size=len(keys)))
    former = {k: draw(st.integers(0, 2 * 10**9)) for k in with_former}
    saving = draw(st.fractions(min_value=0, max_value=Fraction(9, 10), max_denominator=100))
    return shares, former, saving


@settings(max_examples=400, deadline=None)
@given(inputs=guarantee_inputs())
def test_guarantee_respects_caps_and_preserves_the_total(
    inputs: tuple[dict[str, int], dict[str, int], Fraction],
) -> None:
    shares, former, saving = inputs
    total = sum(shares.values())
    try:
        result = apply_savings_guarantee(shares, former, saving)
    except GuaranteeInfeasible as error:
        # only when every member is capped and the caps cannot cover the total
        assert set(former) == set(shares)
        assert error.cap_total_yen < total
        assert error.shortfall_yen == total - error.cap_total_yen
        return
    assert sum(result.amounts.values()) == total
    assert set(result.amounts) == set(shares)
    for k, cap in result.caps.items():
        assert result.amounts[k] <= cap
        assert cap == (former[k] * (1 - saving)).__floor__()
    for k in shares:
        assert result.amounts[k] >= 0
        if k not in result.capped:
            # members that are not held at a cap never pay less than before
            assert result.amounts[k] >= shares[k]
        elif shares[k] > result.caps[k]:
            assert result.amounts[k] == result.caps[k]


@given(amount=st.integers(0, 10**10), n=st.integers(1, 24), unit=units)
def test_installments_sum_to_the_amount(amount: int, n: int, unit: int) -> None:
    for remainder in ("first", "last"):
        parts = split_installments(amount, n, remainder=remainder, unit_yen=unit)
        assert len(parts) == n
        assert sum(parts) == amount
        assert all(p >= 0 for p in parts)
