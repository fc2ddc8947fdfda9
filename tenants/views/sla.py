"""SLA figures: the consortium office's monthly screen (portal) and the data centre's
Prometheus endpoint (/metrics on the portal host)."""

from __future__ import annotations

import hmac
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe

from tenants.access import portal_view
from tenants.accesslog.reads import NO_PERSONAL_DATA
from tenants.labels import wareki_month
from tenants.models import AccessLogAnchor, Municipality, MunicipalityStatus, StaffUser
from tenants.models.sla import ActiveUsersWindow, Component, HealthProbe, ResponseTimeBucket
from tenants.modules.spec import PLATFORM
from tenants.netutil import client_ip, in_networks, parse_cidr
from tenants.sla.chart import availability_svg
from tenants.sla.figures import availability, targets, town_figures_for_all_municipalities
from tenants.sla.metrics import BOUNDS_MS, merged


def _months(today: date, count: int = 12) -> list[date]:
    out, month = [], today.replace(day=1)
    for _ in range(count):
        out.append(month)
        month = (month.replace(day=1) - timedelta(days=1)).replace(day=1)
    return out


@portal_view()
def portal_sla(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, StaffUser)
    months = _months(timezone.localdate())
    chosen = request.GET.get("month", "")
    month = next((m for m in months if f"{m:%Y-%m}" == chosen), months[0])
    goal = targets(month)
    components = availability(month)
    web = next(c for c in components if c.component == Component.WEB)
    chart = availability_svg(
        web.daily,
        lower=goal.kadoritsu_kagen,
        target=goal.kadoritsu_mokuhyo,
        title=f"{wareki_month(month)}の日ごとの稼働率（ウェブ）",
    )
    return render(
        request,
        "portal/sla.html",
        {
            "consortium": user.consortium_office,
            "month": month,
            "months": [(f"{m:%Y-%m}", wareki_month(m)) for m in months],
            "chosen": f"{month:%Y-%m}",
            "goal": goal,
            "components": components,
            "chart": mark_safe(chart),  # noqa: S308 - built from numbers and escaped text
            "towns": town_figures_for_all_municipalities(user.consortium_office_id or 0, month),
            "bounds": BOUNDS_MS,
        },
    )


def _allowed(request: HttpRequest) -> bool:
    address = client_ip(request)
    networks = [parse_cidr(c) for c in settings.JC_METRICS_NETWORKS]
    if address is None or not in_networks(address, networks):
        return False
    token = settings.JC_METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(given.encode(), token.encode())
    return True


def _line(name: str, labels: dict[str, str], value: object) -> str:
    inner = ",".join(f'{k}="{v}"' for k, v in labels.items())
    return f"{name}{{{inner}}} {value}" if inner else f"{name} {value}"


def prometheus_text() -> str:
    """The data centre's view: components, this month's availability and response-time
    histogram per kind, and per town (団体コード) its request count, its latest active
    users and whether its access-log chain verified. No personal data; labels bounded by
    the components, two kinds, the histogram's bounds and the member towns."""
    now = timezone.now()
    month = timezone.localdate().replace(day=1)
    out: list[str] = []

    def head(name: str, kind: str, text: str) -> None:
        out.append(f"# HELP {name} {text}")
        out.append(f"# TYPE {name} {kind}")

    latest = HealthProbe.objects.aggregate(m=Max("minute"))["m"]
    head("jc_component_up", "gauge", "Latest probe of each component (1 up, 0 down).")
    for component, _ in Component.choices:
        up = (
            HealthProbe.objects.filter(minute=latest, component=component, up=True).exists()
            if latest is not None and (now - latest).total_seconds() < 180
            else False
        )
        out.append(_line("jc_component_up", {"component": component}, int(up)))
    head("jc_availability_ratio", "gauge", "Availability of the month so far (0..1).")
    for fig in availability(month, now=now):
        if fig.percent is not None:
            out.append(
                _line("jc_availability_ratio", {"component": fig.component}, fig.percent / 100)
            )
    rows = list(ResponseTimeBucket.objects.filter(month=month))
    head(
        "jc_http_request_duration_ms",
        "histogram",
        "Response times this month in ms, by kind (screen or api).",
    )
    for kind in ("screen", "api"):
        counts = merged([r for r in rows if r.kind == kind])
        total_ms = sum(r.sum_ms for r in rows if r.kind == kind)
        running = 0
        for bound, count in zip((*BOUNDS_MS, "+Inf"), counts, strict=True):
            running += count
            out.append(
                _line(
                    "jc_http_request_duration_ms_bucket", {"kind": kind, "le": str(bound)}, running
                )
            )
        out.append(_line("jc_http_request_duration_ms_sum", {"kind": kind}, total_ms))
        out.append(_line("jc_http_request_duration_ms_count", {"kind": kind}, running))
    towns = dict(
        Municipality.objects.exclude(status=MunicipalityStatus.WITHDRAWN).values_list(
            "schema_name", "dantai_code"
        )
    )
    head("jc_town_requests", "gauge", "Requests of the month so far per town (団体コード).")
    per_town: dict[str, int] = {}
    for r in rows:
        per_town[r.schema_name] = per_town.get(r.schema_name, 0) + r.total
    for schema_name, code in sorted(towns.items(), key=lambda x: x[1]):
        out.append(_line("jc_town_requests", {"town": code}, per_town.get(schema_name, 0)))
    head("jc_town_active_users", "gauge", "Signed-in users in the town's latest 5-minute window.")
    for schema_name, code in sorted(towns.items(), key=lambda x: x[1]):
        last = (
            ActiveUsersWindow.objects.filter(schema_name=schema_name)
            .order_by("-start")
            .values_list("users", flat=True)
            .first()
        )
        out.append(_line("jc_town_active_users", {"town": code}, last or 0))
    head("jc_accesslog_chain_ok", "gauge", "Last access-log chain verification (1 ok, 0 not).")
    verified = dict(
        AccessLogAnchor.objects.filter(verified_ok__isnull=False).values_list(
            "schema_name", "verified_ok"
        )
    )
    for schema_name, code in sorted(towns.items(), key=lambda x: x[1]):
        if schema_name in verified:
            out.append(
                _line("jc_accesslog_chain_ok", {"town": code}, int(bool(verified[schema_name])))
            )
    return "\n".join(out) + "\n"


def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text format for the data centre's monitoring; only from
    JC_METRICS_NETWORKS, and with JC_METRICS_TOKEN when one is set (else 404: the
    endpoint does not announce itself)."""
    if not _allowed(request):
        raise Http404
    return HttpResponse(prometheus_text(), content_type="text/plain; version=0.0.4; charset=utf-8")


metrics.gyomu_code = PLATFORM  # type: ignore[attr-defined]
metrics.login_exempt = True  # type: ignore[attr-defined]
metrics.portal = True  # type: ignore[attr-defined]
metrics.access_reads = NO_PERSONAL_DATA  # type: ignore[attr-defined]
