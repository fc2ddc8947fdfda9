"""The ledger's 当初 posting (zeimu.services.shuno_tosho, issues 17 and 23): the same
期別 and 調定 as ``chotei_post_many`` of the same items — ids, 納付番号 and entry order
included — or the same refusal, and two towns apart."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from juminkiroku.tests.factories import family, household_tennyu
from tenants.accesslog.services import Actor
from tenants.db import connection
from zeimu.models import Chotei, ChoteiKind, Kibetsu, Zeimoku
from zeimu.services.shuno import (
    ChoteiItem,
    ShunoRefused,
    _nofu_bango,
    chotei_post,
    chotei_post_many,
    nofu_bango_valid,
)
from zeimu.services.shuno_tosho import chotei_post_tosho, nofu_bango_many

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="test")
ON = date(2025, 6, 1)


@pytest.fixture
def payers(in_alpha: Any) -> list[int]:
    _, atenas = household_tennyu("hayama", members=family(), ido_date=date(2020, 4, 1))
    return [a.pk for a in atenas[:2]]


def _rows(atenas: list[int], spec: list[tuple[int, int, int, int]]) -> list[Any]:
    """(which 期別, amount, which ref, which taxpayer) → ToshoRow tuples."""
    return [
        (f"k{i}", atenas[who], 2025, i + 1, f"第{i + 1}期", date(2025, 6 + i, 28), yen, f"r{ref}")
        for i, yen, ref, who in spec
    ]


def _items(rows: list[Any], *, reason: str = "") -> list[ChoteiItem]:
    return [
        ChoteiItem(
            zeimoku=Zeimoku.JUMINZEI, key=key, atena_id=atena, nendo=nendo, ki=ki,
            ki_label=label, nouki=nouki, amount=amount, ref=ref, on=ON, reason=reason,
        )
        for key, atena, nendo, ki, label, nouki, amount, ref in rows
    ]  # fmt: skip


def _state() -> list[tuple[Any, ...]]:
    """Every 調定 entry in the order written and every 期別 by id, all columns but the
    timestamps."""
    return [
        *Chotei.objects.order_by("pk").values_list(
            "kibetsu_id", "kind", "amount", "on", "reason", "ref", "created_by"
        ),
        *Kibetsu.objects.order_by("pk").values_list(
            "pk", "zeimoku", "key", "atena_id", "hojin_bango", "nendo", "ki", "ki_label",
            "nouki", "nofu_bango",
        ),
    ]  # fmt: skip


def _run_from(base: int, fn: Any) -> tuple[Any, list[tuple[Any, ...]]]:
    """``fn`` from the sequence at ``base``, in a savepoint rolled back afterwards: its
    answer (or the refusal's message) and the ledger it left."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('zeimu_kibetsu', 'id'), %s, false)", [base]
        )
    with transaction.atomic():
        try:
            result = fn()
        except ShunoRefused as exc:
            result = str(exc)
        state = _state()
        transaction.set_rollback(True)
    return result, state


SPEC = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=5),  # which 期別 (repeats: twice in a batch)
        st.integers(min_value=0, max_value=50_000),  # the amount
        st.integers(min_value=0, max_value=8),  # which ref (repeats: posted before)
        st.integers(min_value=0, max_value=1),  # which taxpayer (a mismatch is refused)
    ),
    max_size=10,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(before=SPEC, batch=SPEC)
@example(before=[], batch=[(0, 100, 0, 0), (1, 0, 1, 0), (2, 3_000, 2, 1)])
@example(before=[(0, 100, 0, 0)], batch=[(1, 200, 1, 0)])
def test_tosho_writes_what_chotei_post_many_writes(
    payers: list[int],
    before: list[tuple[int, int, int, int]],
    batch: list[tuple[int, int, int, int]],
) -> None:
    """From any ledger (``before`` posted one by one), the 当初 post of a batch leaves the
    same 期別 (ids, 納付番号) and 調定 entries in the same order as ``chotei_post_many`` of
    the same items, or gives the same refusal and leaves nothing. A batch the set-based
    path cannot take (a key or ref in the ledger or twice in the batch) goes the general
    way after the refused attempt took its ids from the sequence: compared with
    ``chotei_post_many`` from that later sequence position."""
    with transaction.atomic():
        for item in _items(_rows(payers, before)):
            try:
                with transaction.atomic():
                    chotei_post(**item.__dict__, actor=ACTOR)
            except ShunoRefused:
                pass
        rows = _rows(payers, batch)
        base = (Kibetsu.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 100
        keys, refs = [r[0] for r in rows], [r[7] for r in rows]
        plain = (
            len(set(keys)) == len(keys)
            and len(set(refs)) == len(refs)
            and not Kibetsu.objects.filter(key__in=keys).exists()
            and not Chotei.objects.filter(ref__in=refs).exists()
        )
        tosho, tosho_state = _run_from(
            base,
            lambda: chotei_post_tosho(zeimoku=Zeimoku.JUMINZEI, rows=rows, on=ON, actor=ACTOR),
        )
        many, many_state = _run_from(
            base if plain or not rows else base + len(rows),
            lambda: sum(p.written for p in chotei_post_many(_items(rows), actor=ACTOR)),
        )
        assert (tosho, tosho_state) == (many, many_state)
        transaction.set_rollback(True)


@given(
    st.sampled_from([Zeimoku.JUMINZEI, Zeimoku.KOTEIZEI, Zeimoku.HOIKURYO]),
    st.integers(min_value=2000, max_value=2099),
    st.lists(st.integers(min_value=1, max_value=10**15 - 1), max_size=20),
)
@example(Zeimoku.KOTEIZEI, 2025, [1, 9, 10, 999, 1000, 123456789, 10**12, 10**15 - 1])
def test_nofu_bango_many_is_nofu_bango_of_each(zeimoku: str, nendo: int, ids: list[int]) -> None:
    got = nofu_bango_many(zeimoku, nendo, ids)
    assert got == [_nofu_bango(zeimoku, nendo, pk) for pk in ids]
    assert all(nofu_bango_valid(b) for b in got)


def test_text_that_copy_escapes_is_stored_as_given(payers: list[int]) -> None:
    # given a key, label, ref and reason with the characters COPY's text format escapes
    rows = [("k\\1\t", payers[0], 2025, 1, "第1期\\n", date(2025, 6, 30), 5_000, "r\r\n1")]
    # when
    n = chotei_post_tosho(
        zeimoku=Zeimoku.JUMINZEI, rows=rows, on=ON, actor=ACTOR, reason="理由\\t\t"
    )
    # then they come back exactly
    assert n == 1
    kib = Kibetsu.objects.get()
    assert (kib.key, kib.ki_label) == ("k\\1\t", "第1期\\n")
    assert Chotei.objects.values_list("ref", "reason", "kind").get() == (
        "r\r\n1", "理由\\t\t", ChoteiKind.TOSHO
    )  # fmt: skip


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"zeimoku": "nothing"}, "税目が正しくありません。"),
        ({"amount": -1}, "調定額に負の金額は指定できません。"),
        ({"atena": None}, "納税義務者は宛名か法人番号のどちらか一方で指定してください。"),
        ({"other_payer": True}, "この期別は別の納税義務者の調定です。"),
    ],
)
def test_a_refused_batch_writes_nothing(
    payers: list[int], change: dict[str, Any], message: str
) -> None:
    # given one 期別 of the first payer in the ledger, and a batch of three new ones
    chotei_post(**_items(_rows(payers, [(0, 100, 0, 0)]))[0].__dict__, actor=ACTOR)
    before = (Kibetsu.objects.count(), Chotei.objects.count())
    rows = _rows(payers, [(1, 100, 1, 0), (2, 200, 2, 0), (3, 300, 3, 0)])
    if "amount" in change:
        rows[2] = (*rows[2][:6], change["amount"], rows[2][7])
    if "atena" in change:
        rows[1] = (rows[1][0], change["atena"], *rows[1][2:])
    if "other_payer" in change:  # the second payer states the first one's 期別
        rows[2] = ("k0", payers[1], *rows[2][2:])
    # when / then
    with pytest.raises(ShunoRefused, match=message):
        chotei_post_tosho(
            zeimoku=change.get("zeimoku", Zeimoku.JUMINZEI), rows=rows, on=ON, actor=ACTOR
        )
    assert (Kibetsu.objects.count(), Chotei.objects.count()) == before


def test_two_towns_a_handful_of_statements_and_a_rerun_writes_nothing(
    alpha: Any, beta: Any
) -> None:
    from django.db import connection as dj
    from django.test.utils import CaptureQueriesContext

    # given 葉山町's chunk of 3,000 期別 over one household
    connection.set_tenant(alpha.municipality)
    _, members = household_tennyu("hayama", members=family(), ido_date=date(2020, 4, 1))
    rows = [
        (f"juminzei:2025:{n}", members[n % len(members)].pk, 2025, n % 4 + 1,
         f"第{n % 4 + 1}期", date(2025, 6, 30), 1_000 + n, f"fuka:{n}")
        for n in range(3_000)
    ]  # fmt: skip
    # when
    with CaptureQueriesContext(dj) as ctx:
        n = chotei_post_tosho(zeimoku=Zeimoku.JUMINZEI, rows=rows, on=ON, actor=ACTOR)
    # then one statement through Django's cursor (the ids; the two COPYs go past it)
    # besides the savepoint, whatever the number of rows
    sql = [q["sql"] for q in ctx.captured_queries]
    assert len([q for q in sql if "SAVEPOINT" not in q and "search_path" not in q]) == 1
    assert n == 3_000 and Chotei.objects.filter(kind=ChoteiKind.TOSHO).count() == 3_000
    assert sum(Chotei.objects.values_list("amount", flat=True)) == sum(
        1_000 + n for n in range(3_000)
    )
    assert all(
        nofu_bango_valid(b) and b == _nofu_bango(Zeimoku.JUMINZEI, 2025, pk)
        for pk, b in Kibetsu.objects.values_list("pk", "nofu_bango")
    )
    # the same chunk again (a re-run) writes nothing
    assert chotei_post_tosho(zeimoku=Zeimoku.JUMINZEI, rows=rows, on=ON, actor=ACTOR) == 0
    assert (Kibetsu.objects.count(), Chotei.objects.count()) == (3_000, 3_000)
    # 寒川町 sees none of it; its post of the same keys is its own 期別, set-based too
    connection.set_tenant(beta.municipality)
    assert not Kibetsu.objects.exists() and not Chotei.objects.exists()
    _, (pb, *_) = household_tennyu("samukawa", members=family(), ido_date=date(2020, 4, 1))
    mine = [(rows[0][0], pb.pk, *rows[0][2:])]
    assert chotei_post_tosho(zeimoku=Zeimoku.JUMINZEI, rows=mine, on=ON, actor=ACTOR) == 1
    assert Kibetsu.objects.get().atena_id == pb.pk
    connection.set_tenant(alpha.municipality)
    assert Kibetsu.objects.count() == 3_000
    assert Kibetsu.objects.get(key=rows[0][0]).atena_id == rows[0][1]
