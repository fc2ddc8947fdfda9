"""The 収納 ledger's 当初 posting (issues 17 and 23): a job's chunk states the 期別 of
taxpayers who have none of that 税目 and 年度 yet, which is all a 当初賦課 does unless it
runs again. ``chotei_post_tosho`` writes them set-based and falls back to the general
``chotei_post_many`` for anything else, with the same result either way.

Why a second path: in the 固定資産税 当初賦課 the general path was ≈ 57 % of the database
server's work and a third of a chunk's Python (docs/benchmarks.md, 2026-12-07): the items
staged into a temporary table row by row, the existing 期別 and refs looked up through it,
the decisions staged again, then two ``INSERT … SELECT``. For a 当初 chunk every lookup
finds nothing. Here the rows (plain tuples, no ``ChoteiItem`` each) are COPYed straight
into ``zeimu_kibetsu`` and ``zeimu_chotei`` as text the code writes itself, in a savepoint;
the unique constraints on the key, the 納付番号 and the ref are the check that nothing was
there. When one of them refuses a row (a chunk run again after the assessment was kept, a
key posted earlier, twice the same key in a call), the savepoint is rolled back and the
rows go through ``chotei_post_many``, which decides item by item (増額・減額更正, nothing
for a ref posted before, the refusal of another taxpayer's 期別).

Identical result: for such a batch ``chotei_post_many`` would give each item a new 期別 —
ids from the same ``nextval`` over ``generate_series`` in item order, the same 納付番号 —
and a 当初 調定 of the whole amount, inserted in item order; that is what is written here
(tested against it, ``zeimu/tests/test_shuno_tosho.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date

import psycopg
from django.db import IntegrityError, connection, transaction

from tenants.accesslog.services import Actor
from zeimu.models import ChoteiKind, Zeimoku
from zeimu.services.shuno import (
    NEW_KIBETSU_IDS,
    TAXPAYER_ONE,
    ChoteiItem,
    ShunoRefused,
    _actor_name,
    _nofu_bango_head,
    chotei_post_many,
)

__all__ = ["ToshoRow", "chotei_post_tosho", "nofu_bango_many"]

#: one 期別 of a 当初 post: (key, 宛名 id, 年度, 期, 期の名称, 納期限, 調定額, ref)
ToshoRow = tuple[str, int, int, int, str, date, int, str]

#: the unique constraints whose refusal means "not a plain 当初 batch" (zeimu.models.shuno)
_OURS = {"zeimu_kibetsu_key", "zeimu_kibetsu_nofu_bango", "zeimu_chotei_ref"}


def _luhn_tables() -> tuple[list[int], list[int], list[int]]:
    """Luhn sums of three digits: at positions 0–2 from the right (doubled, plain,
    doubled), at 3–5 (plain, doubled, plain); and of one digit doubled."""
    dbl = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9]
    even = [dbl[n % 10] + (n // 10) % 10 + dbl[n // 100] for n in range(1000)]
    odd = [n % 10 + dbl[(n // 10) % 10] + n // 100 for n in range(1000)]
    return even, odd, dbl


_EVEN, _ODD, _DBL = _luhn_tables()


def _luhn_sum(digits: str) -> int:
    """The Luhn sum (before ``10 - sum % 10``) of ``digits``, rightmost doubled."""
    backwards = digits[::-1]
    return sum(_DBL[int(d)] for d in backwards[::2]) + sum(int(d) for d in backwards[1::2])


def nofu_bango_many(zeimoku: str, nendo: int, ids: Sequence[int]) -> list[str]:
    """The 納付番号 of new 期別 ``ids`` (``shuno._nofu_bango`` for each, tested against it):
    the head's part of the Luhn sum once, each id's by table look-ups of three digits at a
    time instead of a string walk per digit (a 当初 chunk numbers ≈ 5,000–9,000)."""
    head = _nofu_bango_head(zeimoku, nendo)
    # the head's digits sit left of the id's 15 (positions 15–18 from the right)
    head_sum = _luhn_sum(head + "0" * 15)
    even, odd = _EVEN, _ODD
    out = []
    for pk in ids:
        if pk >= 10**15:  # (a 15-digit id field: shuno._nofu_bango_of would write more)
            raise ValueError("期別の番号が納付番号の桁数を超えています。")
        s = (
            head_sum
            + even[pk % 1000]
            + odd[pk // 1000 % 1000]
            + even[pk // 1000000 % 1000]
            + odd[pk // 1000000000 % 1000]
            + even[pk // 1000000000000]
        )
        out.append(f"{head}{pk:015d}{(10 - s % 10) % 10}")
    return out


#: characters COPY's text format escapes (and what they become)
_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: str) -> str:
    return value.translate(_COPY_ESCAPES)


def _as_is(value: str) -> str:
    return value


def chotei_post_tosho(
    *,
    zeimoku: str,
    rows: Iterable[ToshoRow],
    on: date,
    actor: Actor,
    reason: str = "",
) -> int:
    """Post the 期別 of ``rows`` (``ToshoRow``: each one 宛名's 期 of ``zeimoku``) as
    ``chotei_post_many`` would post the same items — with ``on`` and ``reason`` for every
    one — and return how many 調定 entries were written. The usual 当初 batch (no key
    and no ref of it in the ledger yet, none twice) is written set-based; any other goes
    through ``chotei_post_many`` (module docstring). All or nothing; the refusals and their
    Japanese messages are ``chotei_post``'s."""
    rows = rows if isinstance(rows, list) else list(rows)
    if zeimoku not in Zeimoku.values:
        raise ShunoRefused("税目が正しくありません。")
    if not rows:
        return 0
    for row in rows:
        if row[1] is None:
            raise ShunoRefused(TAXPAYER_ONE)
        if row[6] < 0:
            raise ShunoRefused("調定額に負の金額は指定できません。")
    who = _actor_name(actor)
    with transaction.atomic():
        try:
            with transaction.atomic():  # the savepoint a refusing constraint rolls back
                _copy_straight(zeimoku, rows, on=on, reason=reason[:200], who=who)
            return len(rows)
        except (IntegrityError, psycopg.errors.UniqueViolation) as exc:
            if _constraint_of(exc) not in _OURS:
                raise
        items = [
            ChoteiItem(
                zeimoku=zeimoku, key=key, atena_id=atena_id, nendo=nendo, ki=ki,
                ki_label=ki_label, nouki=nouki, amount=amount, ref=ref, on=on, reason=reason,
            )
            for key, atena_id, nendo, ki, ki_label, nouki, amount, ref in rows
        ]  # fmt: skip
        return sum(1 for p in chotei_post_many(items, actor=actor) if p.written)


def _constraint_of(exc: Exception) -> str | None:
    cause = exc if isinstance(exc, psycopg.Error) else exc.__cause__
    diag = getattr(cause, "diag", None)
    return getattr(diag, "constraint_name", None)


def _copy_straight(zeimoku: str, rows: list[ToshoRow], *, on: date, reason: str, who: str) -> None:
    """New 期別 for ``rows`` with their 当初 調定: ids from the sequence (one statement), the
    納付番号 by ``nofu_bango_many``, then one COPY into each table of text lines written
    here (psycopg's ``write_row`` adapts every value of every row: ≈ 0.6 s for 90,000
    rows in the 固定資産税 profile)."""
    with connection.cursor() as cur:
        cur.execute(NEW_KIBETSU_IDS, [len(rows)])
        got = cur.fetchall()
        ids = [int(pk) for pk, _ in got]
        now = got[0][1]
        texts = [r[0] for r in rows] + [r[4] for r in rows] + [r[7] for r in rows]
        esc = _copy_text if _COPY_SPECIAL.search("".join([reason, who, *texts])) else _as_is
        years = {row[2] for row in rows}
        if len(years) == 1:  # (a job's chunk: one 年度)
            bango = nofu_bango_many(zeimoku, years.pop(), ids)
        else:
            bango = [
                nofu_bango_many(zeimoku, r[2], [pk])[0] for pk, r in zip(ids, rows, strict=True)
            ]
        kibetsu = "".join(
            f"{pk}\t{atena_id}\t\t{zeimoku}\t{nendo}\t{ki}\t{esc(label)}\t{nouki.isoformat()}"
            f"\t{nb}\t{esc(key)}\t{now}\n"
            for pk, nb, (key, atena_id, nendo, ki, label, nouki, _, _) in zip(
                ids, bango, rows, strict=True
            )
        )
        tail = f"\t{on.isoformat()}\t{esc(reason)}\t"
        end = f"\t{esc(who)}\t{now}\n"
        kind = ChoteiKind.TOSHO.value
        chotei = "".join(
            f"{pk}\t{kind}\t{row[6]}{tail}{esc(row[7])}{end}"
            for pk, row in zip(ids, rows, strict=True)
        )
        raw = cur.cursor  # psycopg's own cursor, for COPY
        with raw.copy(
            "COPY zeimu_kibetsu (id, atena_id, hojin_bango, zeimoku, nendo, ki, ki_label, "
            "nouki, nofu_bango, key, created_at) FROM STDIN"
        ) as copy:
            copy.write(kibetsu)
        with raw.copy(
            'COPY zeimu_chotei (kibetsu_id, kind, amount, "on", reason, ref, created_by, '
            "created_at) FROM STDIN"
        ) as copy:
            copy.write(chotei)
