"""Reads of 生活保護 cases for the screens and the API (the callers check the grant and log)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, Sum

from fukushi.models import Fujo, SeihoCase, SeihoKettei, SeihoShikyu
from fukushi.rules.seiho_params import KYUCHI_LABELS
from juminkiroku.public import atena_resolve, person_identities
from tenants.params.services import param_value


def jutaku_chiiki_choices(nendo: int) -> list[tuple[str, str]]:
    """The 住宅扶助 areas the year's data holds (key, words)."""
    try:
        table = param_value("fukushi.seiho.jutaku_fujo", nendo)
    except LookupError:
        return []
    return [(k, str(v.get("label", k))) for k, v in table.get("chiiki", {}).items()]


@dataclass(frozen=True)
class CaseRow:
    pk: int
    case_no: str
    status: str
    nushi: str
    kaishi_date: date
    haishi_date: date | None
    ninzu: int


def cases_search(*, case_no: str, atena_no: str, include_haishi: bool) -> list[CaseRow]:
    qs = SeihoCase.objects.all()
    if not include_haishi:
        qs = qs.exclude(status="haishi")
    if case_no:
        qs = qs.filter(case_no=case_no.strip())
    if atena_no:
        found = atena_resolve(atena_no)
        if found.atena_id is None or not found.found:
            return []
        qs = qs.filter(members__atena_id=found.atena_id).distinct()
    cases = list(
        qs.annotate(n=Count("members", filter=Q(members__to_date__isnull=True))).order_by(
            "case_no"
        )[:200]
    )
    names = person_identities(c.nushi_atena_id for c in cases)
    return [
        CaseRow(
            pk=c.pk,
            case_no=c.case_no,
            status=c.get_status_display(),
            nushi=names[c.nushi_atena_id].shimei if c.nushi_atena_id in names else "",
            kaishi_date=c.kaishi_date,
            haishi_date=c.haishi_date,
            ninzu=int(getattr(c, "n", 0)),
        )
        for c in cases
    ]


@dataclass(frozen=True)
class MemberRow:
    atena_id: int
    atena_no: str
    shimei: str
    birth_date: date | None
    from_date: date
    to_date: date | None
    shogai: str
    shuro_shunyu: int
    sonota_shunyu: int


@dataclass(frozen=True)
class CaseView:
    case_no: str
    status: str
    kyuchi: str
    toki_ku: str
    jutaku_chiiki: str
    fujo: list[str]
    nushi: str
    members: list[MemberRow]
    ketteis: list[SeihoKettei]
    atena_ids: list[int] = field(default_factory=list)
    furikomi: str = ""


def case_view(case: SeihoCase) -> CaseView:
    from fukushi.rules.seiho import SHOGAI_LABELS, TOKI_KU_LABELS

    members = list(case.members.order_by("from_date", "id"))
    ids = sorted({m.atena_id for m in members} | {case.nushi_atena_id})
    people = person_identities(ids)
    chiiki = dict(jutaku_chiiki_choices(case.kaishi_date.year))
    rows = [
        MemberRow(
            atena_id=m.atena_id,
            atena_no=people[m.atena_id].atena_no if m.atena_id in people else "",
            shimei=people[m.atena_id].shimei if m.atena_id in people else "",
            birth_date=people[m.atena_id].birth_date if m.atena_id in people else None,
            from_date=m.from_date,
            to_date=m.to_date,
            shogai=SHOGAI_LABELS.get(m.shogai, "なし"),
            shuro_shunyu=m.shuro_shunyu,
            sonota_shunyu=m.sonota_shunyu,
        )
        for m in members
    ]
    masked = ""
    if case.koza_bango:
        masked = f"{case.kinyu_kikan}-{case.shiten} ＊＊＊＊{case.koza_bango[-3:]}"
    return CaseView(
        case_no=case.case_no,
        status=case.get_status_display(),
        kyuchi=KYUCHI_LABELS.get(case.kyuchi, ""),
        toki_ku=TOKI_KU_LABELS.get(case.toki_ku, ""),
        jutaku_chiiki=chiiki.get(case.jutaku_chiiki, "（家賃なし）")
        if case.jutaku_chiiki
        else "（家賃なし）",
        fujo=[Fujo(f).label for f in case.fujo if f in Fujo.values],
        nushi=people[case.nushi_atena_id].shimei if case.nushi_atena_id in people else "",
        members=rows,
        ketteis=list(case.ketteis.order_by("-tekiyo_date", "-id")),
        atena_ids=ids,
        furikomi=masked or "（窓口で支給）",
    )


@dataclass(frozen=True)
class LineRow:
    case_id: int
    case_no: str
    amount: int
    furikomi: bool
    #: 日割の日数 (0: the full month) and its breakdown in words
    nissu: int = 0
    hiwari_uchiwake: str = ""
    #: 生活保護法第78条の2: the 徴収金 taken from the month's 保護費 (``amount`` is the rest)
    chosei: int = 0


@dataclass(frozen=True)
class ShikyuView:
    pk: int
    month: date
    furikomi_date: date
    count: int
    total: int
    furikomi_count: int
    lines: list[LineRow]


def shikyu_view(run: SeihoShikyu, *, lines: bool) -> ShikyuView:
    agg = run.lines.aggregate(
        n=Count("id"), s=Sum("amount"), f=Count("id", filter=Q(furikomi=True))
    )
    rows = (
        [
            LineRow(
                case_id=ln.case_id,
                case_no=ln.case.case_no,
                amount=ln.amount,
                furikomi=ln.furikomi,
                nissu=ln.nissu,
                hiwari_uchiwake=ln.hiwari_uchiwake,
                chosei=ln.chosei,
            )
            for ln in run.lines.select_related("case").order_by("case__case_no")
        ]
        if lines
        else []
    )
    return ShikyuView(
        pk=run.pk,
        month=run.month,
        furikomi_date=run.furikomi_date,
        count=int(agg["n"] or 0),
        total=int(agg["s"] or 0),
        furikomi_count=int(agg["f"] or 0),
        lines=rows,
    )
