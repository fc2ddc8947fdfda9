"""取消 of an older 修正 (標準仕様書 4.6.0.1: the 異動 to cancel is chosen from the history,
not only the last one; the 取消 is 「履歴を上積みして、元の状態に復元」).

When a person had later 異動 after the 修正 being cancelled, their versions since are not
deleted or edited: each is superseded and written again (``reopens`` pointing at it) with
the items the cancelled 修正 changed put back to what they were before it. That is only
sound when no later 異動 changed those items again; then the 取消 is refused, and the
later 異動 must be cancelled first. A 記載 or 消除 followed by later 異動, and a 誤記修正
(which replaced a version rather than closing it), are refused as before.
"""

from __future__ import annotations

from dataclasses import dataclass

from juminkiroku.codes import IDO_GROUP_OF, IdoGroup, IdoJiyu
from juminkiroku.models import PERSON_FIELD_NAMES, AtenaRireki, Ido


@dataclass
class Rebase:
    before: AtenaRireki  # the version the cancelled 修正 closed
    cancelled: AtenaRireki  # the version it wrote
    later: list[AtenaRireki]  # the versions since, oldest first
    changed: frozenset[str]  # the items the cancelled 修正 changed


def _next(version: AtenaRireki) -> AtenaRireki | None:
    if version.valid_to is None:
        return None
    return (
        AtenaRireki.objects.filter(
            atena_id=version.atena_id,
            superseded=False,
            valid_from=version.valid_to,
            id__gt=version.pk,
        )
        .order_by("id")
        .first()
    )


def rebase_plan(target: Ido, version: AtenaRireki) -> Rebase | str:
    """How to cancel ``target`` for the person of ``version`` (its version, now closed by a
    later 異動), or why it cannot be (a Japanese message)."""
    refuse = "この異動の後に別の異動が本登録されています。後の異動から順に取り消してください。"
    if IDO_GROUP_OF[target.jiyu] != IdoGroup.SHUSEI or target.jiyu == IdoJiyu.GOKI_SHUSEI:
        return refuse
    before = (
        AtenaRireki.objects.filter(atena_id=version.atena_id, closed_by=target, superseded=False)
        .order_by("-valid_from", "-id")
        .first()
    )
    if before is None:
        return refuse
    changed = frozenset(n for n in PERSON_FIELD_NAMES if getattr(before, n) != getattr(version, n))
    later: list[AtenaRireki] = []
    previous = version
    while (nxt := _next(previous)) is not None:
        again = {n for n in changed if getattr(previous, n) != getattr(nxt, n)}
        if again:
            return (
                "この異動の後の異動で同じ項目が変わっています。"
                f"後の異動（{nxt.ido.ido_no}）から順に取り消してください。"
            )
        later.append(nxt)
        previous = nxt
    if previous.valid_to is not None:  # a gap in the history: nothing to build on
        return refuse
    return Rebase(before=before, cancelled=version, later=later, changed=changed)
