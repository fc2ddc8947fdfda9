"""Reading assessments: lists, one person's history, 特別徴収義務者 and their employees."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max, QuerySet, Sum

from juminkiroku.models import Atena
from zeimu.models import Fuka, FukaStatus


def fuka_current(fiscal_year: int, *, status: str = "", shitei_no: str = "") -> QuerySet[Fuka]:
    """Current assessments of a year, in 宛名番号 order."""
    qs = Fuka.objects.filter(fiscal_year=fiscal_year, is_current=True)
    if status:
        qs = qs.filter(status=status)
    if shitei_no:
        qs = qs.filter(tokucho_shitei_no=shitei_no, kyuyo_tokucho_gaku__gt=0)
    return qs.select_related("atena").order_by("atena__atena_no")


def fuka_of_person(atena_no: str, fiscal_year: int) -> Fuka | None:
    atena = Atena.objects.filter(atena_no=atena_no.strip()).only("pk").first()
    if atena is None:
        return None
    return (
        Fuka.objects.filter(atena_id=atena.pk, fiscal_year=fiscal_year, is_current=True)
        .select_related("atena")
        .first()
    )


def fuka_history(fuka: Fuka) -> list[Fuka]:
    """Every assessment of the same person and year, oldest first (当初 then each 更正)."""
    return list(
        Fuka.objects.filter(fiscal_year=fuka.fiscal_year, atena_id=fuka.atena_id).order_by(
            "computed_at", "id"
        )
    )


def status_counts(fiscal_year: int) -> dict[str, int]:
    counts = dict(
        Fuka.objects.filter(fiscal_year=fiscal_year, is_current=True)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {s: counts.get(s, 0) for s in FukaStatus.values}


def tokucho_employers(fiscal_year: int) -> list[dict[str, Any]]:
    """特別徴収義務者 of a year with their number of employees and total per year."""
    rows = (
        Fuka.objects.filter(fiscal_year=fiscal_year, is_current=True, kyuyo_tokucho_gaku__gt=0)
        .exclude(tokucho_shitei_no="")
        .values("tokucho_shitei_no")
        .annotate(
            n=Count("id"),
            total=Sum("kyuyo_tokucho_gaku"),
            name=Max("tokucho_employer_name"),
        )
        .order_by("tokucho_shitei_no")
    )
    return [dict(r) for r in rows]


def monthly_totals(rows: list[Fuka]) -> list[int]:
    """The twelve monthly amounts (June–May) an employer pays in, summed over employees."""
    totals = [0] * 12
    for f in rows:
        for i, item in enumerate(f.kibetsu.get("kyuyo", [])):
            totals[i] += int(item["amount"])
    return totals
