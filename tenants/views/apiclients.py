"""A town administrator issues and revokes API keys for the town's external systems."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tenants.access import gyomu_view
from tenants.accesslog.reads import no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.text import TextField
from tenants.models import ApiClient, RoleLevel
from tenants.models.apiclient import KOJIN_BANGO_ACTION
from tenants.modules.registry import extra_api_scopes, kojin_bango_api_gyomu
from tenants.modules.spec import PLATFORM
from tenants.selectors.current import current_municipality
from tenants.selectors.gyomu import subscribed_gyomu
from tenants.services.apiclient import ApiClientRefused, apiclient_deactivate, apiclient_issue


def _scope_choices(request: HttpRequest) -> list[tuple[str, str]]:
    choices = [("platform:read", "共通基盤 参照（業務一覧・処理状況）")]
    with_bango = kojin_bango_api_gyomu()
    extra: dict[str, list[tuple[str, str]]] = {}
    for code, action, label in extra_api_scopes():
        extra.setdefault(code, []).append((f"{code}:{action}", label))
    for gyomu in subscribed_gyomu(municipality=current_municipality(), on=timezone.localdate()):
        choices.append((f"{gyomu.code}:read", f"{gyomu.name} 参照"))
        choices.append((f"{gyomu.code}:write", f"{gyomu.name} 更新"))
        if gyomu.code in with_bango:
            # Asked for on its own: read and write never include a 個人番号.
            choices.append(
                (
                    f"{gyomu.code}:{KOJIN_BANGO_ACTION}",
                    f"{gyomu.name} 個人番号の取得"
                    "（参照または更新と併せて指定。取得のたびに記録されます）",
                )
            )
        choices.extend(extra.get(gyomu.code, []))
    return choices


def _scope_words(scopes: list[str], choices: list[tuple[str, str]]) -> list[str]:
    """The words of each scope for the list; a scope no longer offered (the town left the
    module) keeps its code so that the administrator can still see and revoke it."""
    words = dict(choices)
    return [words.get(s, s).split("（")[0] for s in scopes]


class ApiClientForm(forms.Form):
    name = TextField(label="システム名", max_length=100)
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
        try:
            client = apiclient_deactivate(
                municipality=municipality,
                client_id=int(request.POST["deactivate"]),
                actor=actor_from_request(request),
            )
        except (ApiClient.DoesNotExist, ValueError) as exc:
            raise Http404 from exc
        messages.success(request, f"{client.name} のAPIキーを無効にしました。")
        form = ApiClientForm()
        form.fields["scopes"].choices = _scope_choices(request)  # type: ignore[attr-defined]
    elif request.method == "POST" and form.is_valid():
        try:
            _, new_key = apiclient_issue(
                municipality=municipality,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                actor=actor_from_request(request),
            )
        except ApiClientRefused as exc:
            form.add_error(exc.field, str(exc))
    choices = _scope_choices(request)
    clients = list(
        ApiClient.objects.filter(municipality=municipality).order_by("-is_active", "name")
    )
    rows = [(c, _scope_words(c.scopes, choices)) for c in clients]
    return render(
        request,
        "tenants/apiclients.html",
        {"form": form, "rows": rows, "new_key": new_key},
    )
