"""The 収納 ledger's batch posting and check digit as they were before the COPY path
(zeimu.services.shuno at 8db58ba, copied verbatim but for the names): the references the
tests pin the fast paths to (zeimu/tests/test_shuno.py)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction

from tenants.accesslog.services import Actor
from zeimu.models import ChoteiKind, Zeimoku
from zeimu.services.shuno import (
    TAXPAYER_ONE,
    ZEIMOKU_NO,
    ChoteiItem,
    Posted,
    ShunoRefused,
    _actor_name,
)


def luhn_digit_loop(digits: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def _nofu_bango_old(zeimoku: str, nendo: int, pk: int) -> str:
    head = f"{ZEIMOKU_NO[Zeimoku(zeimoku)]}{nendo % 100:02d}{pk:015d}"
    return head + luhn_digit_loop(head)


def chotei_post_many_arrays(items: Iterable[ChoteiItem], *, actor: Actor) -> list[Posted]:
    """``chotei_post`` for many 期別 at once, with the same outcome as posting the items one
    after the other in their order (tested against that loop), in six statements whatever
    their number: the existing 期別 of the keys (locked), their held sums, the refs already
    posted, ids for the new 期別 from the sequence, then one INSERT of 期別 and one of 調定
    (arrays unnested). The difference is worked out in Python item by item, so two items
    on one 期別 in a batch behave as two posts. All or nothing: a refused item (the Japanese
    message of ``chotei_post``) writes nothing of the batch. ≈1,000 items in a job's chunk
    are one round of these statements; callers with many more cut them in batches."""
    items = list(items)
    for it in items:
        if it.zeimoku not in Zeimoku.values:
            raise ShunoRefused("税目が正しくありません。")
        if (it.atena_id is None) == (not it.hojin_bango):
            raise ShunoRefused(TAXPAYER_ONE)
        if it.amount < 0:
            raise ShunoRefused("調定額に負の金額は指定できません。")
    if not items:
        return []
    who = _actor_name(actor)
    with transaction.atomic(), connection.cursor() as cur:
        keys = list(dict.fromkeys((it.zeimoku, it.key) for it in items))
        cur.execute(
            "SELECT k.id, k.zeimoku, k.key, k.atena_id, k.hojin_bango, k.nofu_bango "
            "FROM zeimu_kibetsu k "
            "JOIN unnest(%s::text[], %s::text[]) AS u(z, k) ON k.zeimoku = u.z AND k.key = u.k "
            "ORDER BY k.id FOR UPDATE OF k",
            [[z for z, _ in keys], [k for _, k in keys]],
        )
        # (zeimoku, key) -> [id, (atena_id, hojin_bango), nofu_bango, held, has_chotei]
        state: dict[tuple[str, str], list[Any]] = {
            (z, k): [pk, (atena, hojin), nb, 0, False]
            for pk, z, k, atena, hojin, nb in cur.fetchall()
        }
        if state:
            cur.execute(
                "SELECT kibetsu_id, SUM(amount) FROM zeimu_chotei "
                "WHERE kibetsu_id = ANY(%s::bigint[]) GROUP BY kibetsu_id",
                [[acc[0] for acc in state.values()]],
            )
            held = {int(kid): int(total) for kid, total in cur.fetchall()}
            for acc in state.values():
                if acc[0] in held:
                    acc[3], acc[4] = held[acc[0]], True
        cur.execute(
            "SELECT ref FROM zeimu_chotei WHERE ref = ANY(%s::text[])",
            [list({it.ref for it in items})],
        )
        refs = {r for (r,) in cur.fetchall()}
        fresh = [zk for zk in keys if zk not in state]
        new_ids: list[int] = []
        if fresh:
            cur.execute(
                "SELECT nextval(pg_get_serial_sequence('zeimu_kibetsu', 'id')) "
                "FROM generate_series(1, %s)",
                [len(fresh)],
            )
            new_ids = [int(pk) for (pk,) in cur.fetchall()]
        kib_rows: list[tuple[Any, ...]] = []
        chotei_rows: list[tuple[Any, ...]] = []
        out: list[Posted] = []
        ids = iter(new_ids)
        for it in items:
            zk = (it.zeimoku, it.key)
            s: list[Any] | None = state.get(zk)
            if s is None:
                pk = next(ids)
                taxpayer = (it.atena_id, it.hojin_bango)
                s = state[zk] = [pk, taxpayer, _nofu_bango_old(it.zeimoku, it.nendo, pk), 0, False]
                kib_rows.append(
                    (pk, it.atena_id, it.hojin_bango, it.zeimoku, it.nendo, it.ki, it.ki_label,
                     it.nouki, s[2], it.key)
                )  # fmt: skip
            elif s[1] != (it.atena_id, it.hojin_bango):
                raise ShunoRefused("この期別は別の納税義務者の調定です。")
            pk, _, nofu_bango, held_sum, has_chotei = s
            delta = it.amount - held_sum
            if it.ref in refs or (delta == 0 and has_chotei):
                out.append(Posted(pk, nofu_bango, held_sum, False))
                continue
            if not has_chotei:
                kind = ChoteiKind.TOSHO
            elif it.genmen:
                if delta > 0:
                    raise ShunoRefused("減免で調定額を増やすことはできません。")
                kind = ChoteiKind.GENMEN
            else:
                kind = ChoteiKind.ZOGAKU if delta > 0 else ChoteiKind.GENGAKU
            chotei_rows.append((pk, kind.value, delta, it.on, it.reason[:200], it.ref))
            refs.add(it.ref)
            s[3], s[4] = it.amount, True
            out.append(Posted(pk, nofu_bango, it.amount, True))
        if kib_rows:
            cols = list(zip(*kib_rows, strict=True))
            cur.execute(
                "INSERT INTO zeimu_kibetsu (id, atena_id, hojin_bango, zeimoku, nendo, ki, "
                "ki_label, nouki, nofu_bango, key, created_at) SELECT u.*, now() FROM unnest("
                "%s::bigint[], %s::bigint[], %s::text[], %s::text[], %s::int[], %s::int[], "
                "%s::text[], %s::date[], "
                "%s::text[], %s::text[]) AS u",
                [list(c) for c in cols],
            )
        if chotei_rows:
            cols = list(zip(*chotei_rows, strict=True))
            cur.execute(
                'INSERT INTO zeimu_chotei (kibetsu_id, kind, amount, "on", reason, ref, '
                "created_by, created_at) SELECT u.*, %s, now() FROM unnest(%s::bigint[], "
                "%s::text[], %s::bigint[], %s::date[], %s::text[], %s::text[]) AS u",
                [who, *[list(c) for c in cols]],
            )
    return out
