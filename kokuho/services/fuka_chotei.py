"""国民健康保険税 into the 収納 ledger (issue 18 item 1), through
``zeimu.public.chotei_post_many`` (a 更正; a 本算定 over a 仮算定) and ``chotei_post_tosho``
(the 本算定 chunk's households with no earlier version: its 当初 post, set-based).

The 納税義務者 is the 世帯主 (擬制世帯主 included: 地方税法第703条の4), so each 期 of a
household's current 賦課 is posted under the key
``kokuhozei:<年度>:<世帯 id>:<世帯主の宛名 id>:<期>`` with the ref
``kokuho_fuka:<賦課 id>:<世帯主>:<期>``. A new version (本算定 over a 仮算定, a 更正) states
the new amounts; when the 世帯主 changed, the former 世帯主's 期 are stated 0 and every 期
goes to the new one (what the former one paid stays on his 期別 as 過誤納, for 充当 or
還付: the split of a year between two 世帯主 is not modelled). The 本算定 job posts from its
chunk, in the chunk's transaction (a re-run chunk posts the same refs: nothing new).
Only the 普通徴収 期 are posted here: a 賦課 collected from the pension (kokuho.services.
tokucho) has pension months beside them (``kind`` "kari"/"hon"), which the insurer withholds
and pays; they reach the ledger when its 特別徴収結果 reports them withheld (kokuho.services.
tokucho_kekka, key ``…:tokucho:<月>``, 期 101–106 named 特別徴収・仮徴収／本徴収). A 期
of the replaced version that is no longer a 普通徴収 期 is stated 0.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from django.db import connection

from kokuho.models import KokuhoFuka
from kokuho.rules.tokucho_kibetsu import is_tokucho
from tenants.accesslog.services import Actor
from zeimu.public import (
    ChoteiItem,
    ChoteiPosted,
    ToshoRow,
    Zeimoku,
    chotei_post_many,
    chotei_post_tosho,
)


def _item(fuka_id: int, fy: int, setai: int, gimusha: int, k: dict[str, Any], amount: int,
          on: date) -> ChoteiItem:  # fmt: skip
    n = int(k["ki"])
    return ChoteiItem(
        zeimoku=Zeimoku.KOKUHOZEI,
        key=f"kokuhozei:{fy}:{setai}:{gimusha}:{n}",
        atena_id=gimusha,
        nendo=fy,
        ki=n,
        ki_label=str(k["label"])[:20],
        nouki=date.fromisoformat(k["due"]),
        amount=amount,
        ref=f"kokuho_fuka:{fuka_id}:{gimusha}:{n}",
        on=on,
    )


class _Fuka(Protocol):
    """What the posting reads of a 賦課 row (a ``KokuhoFuka`` or a ``_Row``)."""

    @property
    def pk(self) -> Any: ...
    @property
    def fiscal_year(self) -> int: ...
    @property
    def setai_id(self) -> int: ...
    @property
    def nozei_gimusha_id(self) -> int: ...
    @property
    def kibetsu(self) -> Any: ...


@dataclass(frozen=True)
class _Row:
    pk: int
    fiscal_year: int
    setai_id: int
    nozei_gimusha_id: int
    kibetsu: list[dict[str, Any]]


def kokuho_chotei_items(rows: Iterable[_Fuka], before: dict[int, _Fuka], *,
                        on: date) -> list[ChoteiItem]:  # fmt: skip
    """Items of current 賦課 rows; ``before`` maps a row's id to the version it replaced."""
    items: list[ChoteiItem] = []
    for row in rows:
        fy, setai, gimusha = row.fiscal_year, row.setai_id, row.nozei_gimusha_id
        now = {int(k["ki"]): k for k in row.kibetsu or [] if not is_tokucho(k)}
        if not gimusha:  # no 世帯主 known (cannot happen for a household of the registry)
            continue
        for k in now.values():
            items.append(_item(row.pk, fy, setai, gimusha, k, int(k["amount"]), on))
        old = before.get(row.pk)
        if old is None:
            continue
        for k in old.kibetsu or []:
            if is_tokucho(k):
                continue
            if old.nozei_gimusha_id and (
                old.nozei_gimusha_id != gimusha or int(k["ki"]) not in now
            ):
                items.append(_item(row.pk, fy, setai, old.nozei_gimusha_id, k, 0, on))
    return items


#: the chunk's current rows by one probe of the one-current index per household (a
#: LATERAL subquery with a LIMIT is not flattened): not the job's rows so far filtered by
#: the chunk's ids, which grew with every chunk (docs/profiles/ledger.md)
_CHUNK_ROWS = """
    SELECT n.id, n.fiscal_year, n.setai_id, n.nozei_gimusha_id, n.kibetsu::text,
        o.id, o.nozei_gimusha_id, o.kibetsu::text
    FROM unnest(%s::bigint[]) AS u(setai_id)
    CROSS JOIN LATERAL (
        SELECT id, fiscal_year, setai_id, nozei_gimusha_id, kibetsu FROM kokuho_kokuhofuka
        WHERE fiscal_year = %s AND setai_id = u.setai_id AND is_current AND job_id = %s
        LIMIT 1
    ) AS n
    LEFT JOIN kokuho_kokuhofuka o ON o.superseded_by_id = n.id
    ORDER BY n.id
"""


def kokuho_tosho_rows(rows: Iterable[_Fuka]) -> list[ToshoRow]:
    """The 当初 post of 賦課 rows that replaced nothing: what ``kokuho_chotei_items`` gives
    for them with an empty ``before``, as ``chotei_post_tosho``'s plain tuples."""
    out: list[ToshoRow] = []
    add = out.append
    for row in rows:
        fy, setai, gimusha = row.fiscal_year, row.setai_id, row.nozei_gimusha_id
        if not gimusha:  # (as kokuho_chotei_items: no 世帯主, nothing posted)
            continue
        key, ref = f"kokuhozei:{fy}:{setai}:{gimusha}:", f"kokuho_fuka:{row.pk}:{gimusha}:"
        now = {int(k["ki"]): k for k in row.kibetsu or [] if not is_tokucho(k)}
        for n, k in now.items():
            add(
                (f"{key}{n}", gimusha, fy, n, str(k["label"])[:20],
                 date.fromisoformat(k["due"]), int(k["amount"]), f"{ref}{n}")
            )  # fmt: skip
    return out


def kokuho_chotei_post_chunk(
    *, job_id: int, fiscal_year: int, setai_ids: list[int], on: date, actor: Actor
) -> int:
    """Post the current 賦課 a job wrote for these households (one plain query for the
    rows and the versions they replaced, then the ledger's handful) and return the
    entries written. A household's first 賦課 of the year (no version replaced) goes
    through ``chotei_post_tosho``, a 本算定 over a 仮算定 through ``chotei_post_many``:
    their keys differ (the 世帯 is in the key), so the two calls touch different 期別 and
    the ledger is what one ``chotei_post_many`` of all the items would write (tested)."""
    first: list[_Row] = []
    again: list[_Row] = []
    before: dict[int, _Fuka] = {}
    with connection.cursor() as cur:
        cur.execute(_CHUNK_ROWS, [list(setai_ids), fiscal_year, job_id])
        for pk, fy, setai, gimusha, kib, old_pk, old_gimusha, old_kib in cur.fetchall():
            row = _Row(pk, fy, setai, gimusha, json.loads(kib))
            if old_pk is None:
                first.append(row)
            else:
                again.append(row)
                before[pk] = _Row(old_pk, fy, setai, old_gimusha, json.loads(old_kib))
    n = chotei_post_tosho(
        zeimoku=Zeimoku.KOKUHOZEI, rows=kokuho_tosho_rows(first), on=on, actor=actor
    )
    if again:
        posted = chotei_post_many(kokuho_chotei_items(again, before, on=on), actor=actor)
        n += sum(1 for p in posted if p.written)
    return n


def kokuho_chotei_post_kosei(
    *, new: KokuhoFuka, old: KokuhoFuka | None, on: date, actor: Actor
) -> list[ChoteiPosted]:
    items = kokuho_chotei_items([new], {new.pk: old} if old else {}, on=on)
    return chotei_post_many(items, actor=actor)
