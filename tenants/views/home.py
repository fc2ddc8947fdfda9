from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from tenants.access import gyomu_view, opens_for
from tenants.accesslog.reads import NO_PERSONAL_DATA, no_personal_data
from tenants.db import connection
from tenants.jobs.models import Job
from tenants.models import Gyomu, RoleLevel
from tenants.modules.registry import entry_url_name
from tenants.modules.spec import PLATFORM
from tenants.selectors.gyomu import active_subscriptions


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for the load balancer and docker: checks the database, shows nothing."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


healthz.gyomu_code = PLATFORM  # type: ignore[attr-defined]
healthz.login_exempt = True  # type: ignore[attr-defined]
healthz.portal = True  # type: ignore[attr-defined]
healthz.access_reads = NO_PERSONAL_DATA  # type: ignore[attr-defined]


@gyomu_view(PLATFORM)
@no_personal_data
def home(request: HttpRequest) -> HttpResponse:
    from tenants.views.jobs import visible_jobs

    recent_jobs = visible_jobs(request)[:5]
    return render(
        request, "tenants/home.html", {"recent_jobs": recent_jobs, "today": timezone.localdate()}
    )


@gyomu_view(PLATFORM)  # the gate reads gyomu_code from the URL and checks it
@no_personal_data
def module_home(request: HttpRequest, gyomu_code: str) -> HttpResponse:
    gyomu = Gyomu.objects.filter(code=gyomu_code).first()
    if gyomu is None:
        raise Http404
    subscriptions = active_subscriptions(
        municipality=request.tenant,  # type: ignore[attr-defined]
        on=timezone.localdate(),
    ).filter(gyomu=gyomu)
    level = request.role_levels.get(gyomu_code, 0)  # type: ignore[attr-defined]
    jobs = Job.objects.filter(gyomu=gyomu_code)[:10]
    # The module declares its first screen (ModuleSpec.entries); a module still being
    # built may offer some screens, one not built yet none.
    entry_name = entry_url_name(gyomu_code)
    entry_url = reverse(entry_name) if entry_name else ""
    if entry_url and not opens_for(request, entry_url):
        entry_url = ""  # (its first screen asks more than the user's level: no 403 link)
    return render(
        request,
        "tenants/module_home.html",
        {
            "gyomu": gyomu,
            "subscriptions": subscriptions,
            "level_label": RoleLevel(level).label if level else "",
            "jobs": jobs,
            "entry_url": entry_url,
        },
    )
