"""Reads of 統合記載欄 (1.1.14) and メモ (1.1.15) entries (juminkiroku.models.kisai)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from juminkiroku.models import AtenaRireki, Ido, Kisai, KisaiRireki, KisaiShurui


def ido_ids_of_person(atena_id: int) -> set[int]:
    """The 異動 that wrote or ended a version of the person's 住民票."""
    rows = AtenaRireki.objects.filter(atena_id=atena_id).values_list("ido_id", "closed_by_id")
    return {i for pair in rows for i in pair if i is not None}


def idos_of_person(atena_id: int, *, limit: int = 50) -> list[Ido]:
    """Those 異動, newest first (what a 留意事項 may be tied to, 1.1.14)."""
    ids = ido_ids_of_person(atena_id)
    return list(Ido.objects.filter(Q(pk__in=ids)).order_by("-ido_date", "-id")[:limit])


def kisai_of_person(atena_id: int, *, shurui: tuple[str, ...]) -> list[Kisai]:
    """The standing entries of these kinds, oldest first, with their 異動."""
    return list(
        Kisai.objects.filter(atena_id=atena_id, shurui__in=shurui, deleted=False)
        .select_related("ido")
        .order_by("created_at", "id")
    )


def kisai_history(atena_id: int, *, shurui: tuple[str, ...]) -> list[KisaiRireki]:
    """Every act on the person's entries of these kinds (deleted ones included), newest
    first."""
    return list(
        KisaiRireki.objects.filter(kisai__atena_id=atena_id, kisai__shurui__in=shurui)
        .select_related("kisai")
        .order_by("-at", "-id")
    )


@dataclass(frozen=True)
class TogoKisaiLine:
    """One 留意事項 or 備考 for the 統合記載欄 of a certificate (plain values)."""

    shurui: str  # "留意事項" / "備考"
    ido_id: int | None
    ido_date: date | None
    koumoku: str  # field name of the 異動項目 (留意事項 only)
    body: str


def togo_kisai_lines(atena_id: int) -> list[TogoKisaiLine]:
    """The 留意事項 (B類型) and 備考 (C類型) of a person for the 統合記載欄 (1.1.14), in the
    order they were written. Never a メモ: 1.1.15 keeps memos off every certificate."""
    return [
        TogoKisaiLine(
            shurui=KisaiShurui(k.shurui).label,
            ido_id=k.ido_id,
            ido_date=k.ido.ido_date if k.ido else None,
            koumoku=k.koumoku,
            body=k.body,
        )
        for k in kisai_of_person(atena_id, shurui=(KisaiShurui.RYUI, KisaiShurui.BIKO))
    ]
