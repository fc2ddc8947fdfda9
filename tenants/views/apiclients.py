"""A town administrator issues and revokes API keys for the town's external systems."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tenants.access import gyomu_view
from tenants.accesslog.reads import no_personal_data
from tenants.accesslog.services import access_record
from tenants.api.authentication import apiclient_create
from tenants.models import ApiClient, RoleLevel
from tenants.modules.spec import PLATFORM
from tenants.selectors.current import current_municipality
from tenants.selectors.gyomu import subscribed_gyomu


def _scope_choices(request: HttpRequest) -> list[tuple[str, str]]:
    choices = [("platform:read", "共通基盤 参照（業務一覧・処理状況）")]
    for gyomu in subscribed_gyomu(municipality=current_municipality(), on=timezone.localdate()):
        choices.append((f"{gyomu.code}:read", f"{gyomu.name} 参照"))
        choices.append((f"{gyomu.code}:write", f"{gyomu.name} 更新"))
    return choices


class ApiClientForm(forms.Form):
    name = forms.CharField(label="システム名", max_length=100)
    scopes = forms.MultipleChoiceField(label="許可する操作", widget=forms.CheckboxSelectMultiple)


@gyomu_view(PLATFORM, level=RoleLevel.ADMIN, write_level=RoleLevel.ADMIN)
@no_personal_data  # systems and their scopes
@require_http_methods(["GET", "POST"])
def apiclient_list(request: HttpRequest) -> HttpResponse:
    municipality = current_municipality()
    form = ApiClientForm(request.POST or None)
    form.fields["scopes"].choices = _scope_choices(request)  # type: ignore[attr-defined]
    new_key = None
    if request.method == "POST" and "deactivate" in request.POST:
        client = get_object_or_404(
            ApiClient, pk=request.POST["deactivate"], municipality=municipality
        )
        with transaction.atomic(durable=True):
            ApiClient.objects.filter(pk=client.pk).update(is_active=False)
            access_record(
                request=request,
                action="update",
                gyomu=PLATFORM,
                screen="apiclient_deactivate",
                record_type="api_client",
                record_id=client.pk,
            )
        messages.success(request, f"{client.name} のAPIキーを無効にしました。")
        form = ApiClientForm()
        form.fields["scopes"].choices = _scope_choices(request)  # type: ignore[attr-defined]
    elif request.method == "POST" and form.is_valid():
        if ApiClient.objects.filter(
            municipality=municipality, name=form.cleaned_data["name"]
        ).exists():
            form.add_error("name", "このシステム名は登録済みです。")
        else:
            with transaction.atomic(durable=True):
                client, new_key = apiclient_create(
                    municipality=municipality,
                    name=form.cleaned_data["name"],
                    scopes=form.cleaned_data["scopes"],
                )
                access_record(
                    request=request,
                    action="create",
                    gyomu=PLATFORM,
                    screen="apiclient_create",
                    record_type="api_client",
                    record_id=client.pk,
                )
    clients = ApiClient.objects.filter(municipality=municipality).order_by("-is_active", "name")
    return render(
        request,
        "tenants/apiclients.html",
        {"form": form, "clients": clients, "new_key": new_key},
    )
