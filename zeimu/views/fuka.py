"""Staff screen: start the 当初賦課 batch (progress, cancel and retry on the job page)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from tenants.access import gyomu_view
from tenants.accesslog.services import actor_from_request
from tenants.jobs.services import JobRefused, job_start
from tenants.models import RoleLevel


class ToshoFukaForm(forms.Form):
    fiscal_year = forms.TypedChoiceField(
        label="年度",
        coerce=int,
        choices=[(2026, "令和8年度"), (2025, "令和7年度"), (2024, "令和6年度")],
    )


@gyomu_view("kojin_juminzei", level=RoleLevel.WRITE)
@require_http_methods(["GET", "POST"])
def tosho_fuka_start(request: HttpRequest) -> HttpResponse:
    form = ToshoFukaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = job_start(
                kind="zeimu_tosho_fuka",
                params={"fiscal_year": form.cleaned_data["fiscal_year"]},
                actor=actor_from_request(request),
            )
        except (JobRefused, ValueError) as exc:
            messages.error(request, str(exc))
        else:
            return redirect("job_detail", pk=job.pk)
    return render(request, "zeimu/tosho_fuka.html", {"form": form})


urlpatterns: list[URLPattern] = [path("tosho-fuka/", tosho_fuka_start, name="zeimu_tosho_fuka")]
