"""Which 住民票 versions stand for a 異動 now: what a 取消 of it must undo."""

from __future__ import annotations

from juminkiroku.models import AtenaRireki, Ido


def versions_standing_for(target: Ido) -> list[AtenaRireki]:
    """The current (not superseded) versions that carry what ``target`` wrote: its own,
    and the copies later 取消 wrote when they reopened one of its versions (a 死亡 of a
    child cancelled reopens the child's 転入 version as a copy; cancelling the 転入 then
    has to undo that copy too). Follows copies of copies."""
    found: list[AtenaRireki] = []
    frontier = list(AtenaRireki.objects.filter(ido=target).order_by("id"))
    seen: set[int] = set()
    while frontier:
        found += [v for v in frontier if not v.superseded]
        seen.update(v.pk for v in frontier)
        frontier = list(
            AtenaRireki.objects.filter(reopens__in=[v.pk for v in frontier])
            .exclude(pk__in=seen)
            .order_by("id")
        )
    return found
