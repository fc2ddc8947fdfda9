"""Reads of 障害者手帳 for the screens and the API (the callers check the grant and log)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from fukushi.models import ShogaiTecho, ShogaiTechoRireki, TechoJotai, TechoKind
from fukushi.services.shogai import bui_labels
from juminkiroku.public import atena_resolve, person_identities


@dataclass(frozen=True)
class TechoRow:
    pk: int
    atena_no: str
    shimei: str
    kind: str
    techo_bango: str
    tokyu: str
    kofu_date: date
    yuko_kigen: date | None
    jotai: str


def tokyu_words(kind: str, tokyu: str) -> str:
    """身体・精神: 「2級」; 療育: the 程度 as the town names it."""
    return f"{tokyu}級" if kind in (TechoKind.SHINTAI, TechoKind.SEISHIN) else tokyu


def techo_query(
    *, atena_no: str, kind: str, techo_bango: str, include_closed: bool
) -> QuerySet[ShogaiTecho] | None:
    """The 手帳 matching the criteria; None when the 宛名番号 finds nobody (or is refused)."""
    qs = ShogaiTecho.objects.all()
    if not include_closed:
        qs = qs.filter(jotai=TechoJotai.YUKO)
    if kind:
        qs = qs.filter(kind=kind)
    if techo_bango:
        qs = qs.filter(techo_bango=techo_bango.strip())
    if atena_no:
        found = atena_resolve(atena_no)
        if found.atena_id is None or not found.found:
            return None
        qs = qs.filter(atena_id=found.atena_id)
    return qs.order_by("kind", "techo_bango", "pk")


def techo_rows(techos: list[ShogaiTecho]) -> list[TechoRow]:
    people = person_identities(t.atena_id for t in techos)
    return [
        TechoRow(
            pk=t.pk,
            atena_no=people[t.atena_id].atena_no if t.atena_id in people else "",
            shimei=people[t.atena_id].shimei if t.atena_id in people else "",
            kind=t.get_kind_display(),
            techo_bango=t.techo_bango,
            tokyu=tokyu_words(t.kind, t.tokyu),
            kofu_date=t.kofu_date,
            yuko_kigen=t.yuko_kigen,
            jotai=t.get_jotai_display(),
        )
        for t in techos
    ]


def seishin_expiring(today: date, until: date) -> list[ShogaiTecho]:
    """Valid 精神 手帳 whose 有効期限 falls from ``today`` to ``until`` (更新の案内)."""
    return list(
        ShogaiTecho.objects.filter(
            kind=TechoKind.SEISHIN,
            jotai=TechoJotai.YUKO,
            yuko_kigen__gte=today,
            yuko_kigen__lte=until,
        ).order_by("yuko_kigen", "pk")
    )


@dataclass(frozen=True)
class TechoView:
    pk: int
    atena_id: int
    atena_no: str
    shimei: str
    kind: str
    kind_code: str
    techo_bango: str
    tokyu: str
    bui: list[str]
    kofu_date: date
    yuko_kigen: date | None
    jotai: str
    shuryo_date: date | None
    rireki: list[ShogaiTechoRireki]


def techo_view(t: ShogaiTecho) -> TechoView:
    p = person_identities([t.atena_id]).get(t.atena_id)
    labels = bui_labels(t.kofu_date) if t.bui else {}
    return TechoView(
        pk=t.pk,
        atena_id=t.atena_id,
        atena_no=p.atena_no if p else "",
        shimei=p.shimei if p else "",
        kind=t.get_kind_display(),
        kind_code=t.kind,
        techo_bango=t.techo_bango,
        tokyu=tokyu_words(t.kind, t.tokyu),
        bui=[labels.get(b, b) for b in t.bui],
        kofu_date=t.kofu_date,
        yuko_kigen=t.yuko_kigen,
        jotai=t.get_jotai_display(),
        shuryo_date=t.shuryo_date,
        rireki=list(t.rireki.order_by("jiyu_date", "id")),
    )
