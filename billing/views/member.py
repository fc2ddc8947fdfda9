"""A member town's own statements, on its own host. Other members' figures are not
addressable here: the municipality is always the host's own."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from billing.models import AllocationRun
from billing.selectors import statement_for
from billing.views.portal import statement_response
from tenants.access import gyomu_view
from tenants.accesslog.reads import no_personal_data
from tenants.models import RoleLevel
from tenants.modules.spec import PLATFORM
from tenants.selectors.current import current_municipality


@gyomu_view(PLATFORM, level=RoleLevel.ADMIN)
@no_personal_data  # the town's own 負担金
def my_statements(request: HttpRequest) -> HttpResponse:
    member = current_municipality()
    runs = AllocationRun.objects.filter(consortium_id=member.consortium_id)[:20]
    latest = statement_for(run=runs[0], municipality=member) if runs else None
    return render(request, "billing/my_statements.html", {"runs": runs, "latest": latest})


@gyomu_view(PLATFORM, level=RoleLevel.ADMIN)
@no_personal_data
def my_statement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    member = current_municipality()
    run = get_object_or_404(AllocationRun, pk=pk, consortium_id=member.consortium_id)
    return statement_response(run, member)
