"""Reading assessments: lists, one person's history, 特別徴収義務者 and their employees.

Who an assessment is of comes from 住民記録's public face (juminkiroku.public): the person
by 宛名番号 with the 照会抑止 applied, names and numbers by 宛名 id in one query per page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, QuerySet, Sum

from juminkiroku.public import AtenaLookup, PersonIdentity, atena_resolve, person_identities
from zeimu.models import Fuka, FukaStatus


@dataclass(frozen=True)
class FukaRow:
    """An assessment with the identity of its taxpayer (None if the registry lost them)."""

    fuka: Fuka
    person: PersonIdentity | None


def with_persons(rows: Sequence[Fuka]) -> list[FukaRow]:
    """``rows`` with their taxpayers' identities: one query for the whole list."""
    persons = person_identities(f.atena_id for f in rows)
    return [FukaRow(f, persons.get(f.atena_id)) for f in rows]


def fuka_current(fiscal_year: int, *, status: str = "", shitei_no: str = "") -> QuerySet[Fuka]:
    """Current assessments of a year, in 宛名 order (宛名 ids are issued with the
    宛名番号, both ascending)."""
    qs = Fuka.objects.filter(fiscal_year=fiscal_year, is_current=True)
    if status:
        qs = qs.filter(status=status)
    if shitei_no:
        qs = qs.filter(tokucho_shitei_no=shitei_no, kyuyo_tokucho_gaku__gt=0)
    return qs.order_by("atena_id", "id")


@dataclass(frozen=True)
class PersonFuka:
    """A lookup by 宛名番号 (found / not found / refused by 照会抑止) and, when found, the
    current assessment of the year (None: none that year)."""

    lookup: AtenaLookup
    fuka: Fuka | None


def fuka_of_person(atena_no: str, fiscal_year: int) -> PersonFuka:
    lookup = atena_resolve(atena_no)
    if not lookup.found or lookup.atena_id is None:
        return PersonFuka(lookup, None)
    fuka = Fuka.objects.filter(
        atena_id=lookup.atena_id, fiscal_year=fiscal_year, is_current=True
    ).first()
    return PersonFuka(lookup, fuka)


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
