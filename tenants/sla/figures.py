"""The month's SLA figures as the consortium office reads them (tenants/views/sla.py)
and as /metrics exports them.

Availability per component = minutes up / minutes watched, where the watched minutes run
from the month's start (or the first probe ever recorded, if later) to the month's end
(or now); a minute without a probe row counts as down (tenants/sla/probes.py). 平均復旧
時間 = the mean length of the runs of down minutes that ended within the month.

Town figures cross towns and say so in their name: each town's job records are read in
its own schema, one town at a time; response times and users are public-schema rows
keyed by the town's schema name, filtered to the consortium's members.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_FLOOR, Decimal

from django.db.models import Max
from django.utils import timezone

from tenants.db import connection
from tenants.jobs.models import Job, JobStatus
from tenants.labels import word_for
from tenants.models import AccessLogAnchor, Municipality, MunicipalityStatus
from tenants.models.sla import (
    ActiveUsersWindow,
    Component,
    HealthProbe,
    RequestKind,
    ResponseTimeBucket,
)
from tenants.params.services import ParameterMissing, param_value
from tenants.sla.metrics import merged, month_bounds, percentile_bound
from tenants.wareki import fiscal_year_of


@dataclass(frozen=True)
class Targets:
    kadoritsu_kagen: Decimal  # percent
    kadoritsu_mokuhyo: Decimal
    fukkyu_minutes: int


def targets(month: date) -> Targets:
    fy = fiscal_year_of(month)
    return Targets(
        kadoritsu_kagen=Decimal(param_value("platform.sla.kadoritsu_kagen", fy)) / 100,
        kadoritsu_mokuhyo=Decimal(param_value("platform.sla.kadoritsu_mokuhyo", fy)) / 100,
        fukkyu_minutes=int(param_value("platform.sla.heikin_fukkyu_fun", fy)),
    )


@dataclass
class ComponentFigure:
    component: str
    label: str
    watched: int = 0  # minutes
    up: int = 0
    outages: int = 0
    down_minutes: int = 0
    daily: list[tuple[date, Decimal | None]] = field(default_factory=list)

    @property
    def percent(self) -> Decimal | None:
        if not self.watched:
            return None
        value = Decimal(self.up * 100) / Decimal(self.watched)
        return value.quantize(Decimal("0.01"), rounding=ROUND_FLOOR)

    @property
    def mttr_minutes(self) -> Decimal | None:
        if not self.outages:
            return None
        return (Decimal(self.down_minutes) / self.outages).quantize(Decimal("0.1"))


def _minutes(start: datetime, end: datetime) -> list[datetime]:
    out = []
    t = start
    while t < end:
        out.append(t)
        t += timedelta(minutes=1)
    return out


def availability(month: date, *, now: datetime | None = None) -> list[ComponentFigure]:
    """One figure per component for ``month`` (one query per component)."""
    now = now or timezone.now()
    start, end = month_bounds(month)
    first = HealthProbe.objects.order_by("minute").values_list("minute", flat=True).first()
    figures = []
    for component, label in Component.choices:
        fig = ComponentFigure(component=component, label=str(label))
        figures.append(fig)
        if first is None:
            continue
        since = max(start, first.replace(second=0, microsecond=0))
        until = min(end, now.replace(second=0, microsecond=0))
        if since >= until:
            continue
        up = set(
            HealthProbe.objects.filter(
                component=component, up=True, minute__gte=since, minute__lt=until
            ).values_list("minute", flat=True)
        )
        run = 0
        per_day: dict[date, list[int]] = {}
        for minute in _minutes(since, until):
            day = timezone.localtime(minute).date()
            counts = per_day.setdefault(day, [0, 0])
            counts[1] += 1
            fig.watched += 1
            if minute in up:
                counts[0] += 1
                fig.up += 1
                if run:
                    fig.outages += 1
                    fig.down_minutes += run
                    run = 0
            else:
                run += 1
        fig.daily = [
            (day, (Decimal(u * 100) / Decimal(w)).quantize(Decimal("0.01"), rounding=ROUND_FLOOR))
            for day, (u, w) in sorted(per_day.items())
        ]
    return figures


@dataclass(frozen=True)
class ResponseFigure:
    kind: str
    kind_label: str
    name: str
    words: str
    total: int
    mean_ms: int
    p50: int | None
    p95: int | None
    p99: int | None


@dataclass(frozen=True)
class BatchFigure:
    kind: str
    words: str
    runs: int
    failed: int
    mean_seconds: int
    max_seconds: int


@dataclass
class TownFigures:
    dantai_code: str
    name: str
    responses: list[ResponseFigure]
    peak_users: int | None
    target_users: int | None
    batches: list[BatchFigure]
    chain_ok: bool | None = None  # the access log's last chain check (None: not yet)
    chain_checked_at: datetime | None = None

    @property
    def over_users(self) -> bool:
        return (
            self.peak_users is not None
            and self.target_users is not None
            and self.peak_users > self.target_users
        )


def screen_words(view_name: str) -> str:
    """A URL name as words: its own words when the platform or a module declares them,
    else the 業務 of its namespace and 「の画面」 (the internal name never reaches the
    screen)."""
    words = word_for(view_name)
    if words != view_name:
        return words
    namespace, _, url_name = view_name.rpartition(":")
    own = word_for(url_name)
    if own != url_name:
        return own
    if namespace:
        group = word_for(namespace.split(":")[0])
        if group != namespace.split(":")[0]:
            return f"{group}の画面"
    return "共通基盤の画面"


def _responses(schema_name: str, month: date) -> list[ResponseFigure]:
    rows = ResponseTimeBucket.objects.filter(month=month, schema_name=schema_name).order_by(
        "kind", "-total", "name"
    )
    out = []
    for r in rows:
        counts = merged([r])
        out.append(
            ResponseFigure(
                kind=r.kind,
                kind_label=str(RequestKind(r.kind).label),
                name=r.name,
                words=screen_words(r.name),
                total=r.total,
                mean_ms=round(r.sum_ms / r.total) if r.total else 0,
                p50=percentile_bound(counts, 0.50),
                p95=percentile_bound(counts, 0.95),
                p99=percentile_bound(counts, 0.99),
            )
        )
    return out


def _batches(month: date) -> list[BatchFigure]:
    """The current town's jobs that ended in ``month``, by kind."""
    start, end = month_bounds(month)
    by_kind: dict[str, list[tuple[float, bool]]] = {}
    for kind, started, finished, status in Job.objects.filter(
        finished_at__gte=start, finished_at__lt=end, started_at__isnull=False
    ).values_list("kind", "started_at", "finished_at", "status"):
        if started is None or finished is None:
            continue
        seconds = (finished - started).total_seconds()
        by_kind.setdefault(kind, []).append((seconds, status == JobStatus.FAILED))
    return [
        BatchFigure(
            kind=kind,
            words=word_for(kind),
            runs=len(runs),
            failed=sum(1 for _, f in runs if f),
            mean_seconds=round(sum(s for s, _ in runs) / len(runs)),
            max_seconds=round(max(s for s, _ in runs)),
        )
        for kind, runs in sorted(by_kind.items())
    ]


def town_figures_for_all_municipalities(consortium_id: int, month: date) -> list[TownFigures]:
    """Each member of the consortium: its own rows only (keyed by its schema), its job
    records read inside its own schema, its own 同時接続数 parameter."""
    start, end = month_bounds(month)
    members = list(
        Municipality.objects.filter(consortium_id=consortium_id)
        .exclude(status=MunicipalityStatus.WITHDRAWN)
        .order_by("dantai_code")
    )
    peaks = dict(
        ActiveUsersWindow.objects.filter(
            schema_name__in=[m.schema_name for m in members], start__gte=start, start__lt=end
        )
        .values("schema_name")
        .annotate(peak=Max("users"))
        .values_list("schema_name", "peak")
    )
    anchors = {
        a.schema_name: a
        for a in AccessLogAnchor.objects.filter(schema_name__in=[m.schema_name for m in members])
    }
    out = []
    for m in members:
        connection.set_tenant(m)
        try:
            batches = _batches(month)
            try:
                target = int(param_value("platform.sla.doji_setsuzoku", fiscal_year_of(month)))
            except ParameterMissing:
                target = None
        finally:
            connection.set_schema_to_public()
        out.append(
            TownFigures(
                dantai_code=m.dantai_code,
                name=m.name,
                responses=_responses(m.schema_name, month),
                peak_users=peaks.get(m.schema_name),
                target_users=target,
                batches=batches,
                chain_ok=anchors[m.schema_name].verified_ok if m.schema_name in anchors else None,
                chain_checked_at=(
                    anchors[m.schema_name].verified_at if m.schema_name in anchors else None
                ),
            )
        )
    return out
