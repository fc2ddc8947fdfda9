"""Login in two steps (password, then TOTP), on whichever host the user is on.

The session is bound to that host (StaffSessionMiddleware). Failed attempts are logged
to the municipality's access log; nothing typed by the user is logged."""

from __future__ import annotations

from django import forms
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from tenants.access import gyomu_view, portal_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import no_personal_data
from tenants.accesslog.services import Actor, access_record
from tenants.db import connection
from tenants.forms.text import TextField
from tenants.models import StaffUser
from tenants.modules.spec import PLATFORM
from tenants.netutil import client_ip
from tenants.selectors.staff import membership_for
from tenants.services.staff import (
    LOGIN_MESSAGES,
    LoginOutcome,
    login_check_password,
    login_check_totp,
)
from tenants.text import NoControlCharacters

PENDING_KEY = "jc_pending_user"


class PasswordForm(forms.Form):
    username = TextField(label="ユーザーID", max_length=150)
    password = TextField(label="パスワード", widget=forms.PasswordInput)


class TotpForm(forms.Form):
    code = forms.RegexField(
        label="確認コード（6桁）",
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        validators=[NoControlCharacters(label="確認コード")],
        error_messages={"invalid": "確認コードは6桁の数字で入力してください。"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _on_portal(request: HttpRequest) -> bool:
    return bool(getattr(request, "is_portal", False))


def _log(request: HttpRequest, action: str, user: StaffUser | None, screen: str) -> None:
    if _on_portal(request):
        return
    access_record(
        actor=Actor(
            user_id=user.pk if user else None,
            username=user.get_username() if user else "",
            ip_address=client_ip(request),
        ),
        action=action,
        gyomu=PLATFORM,
        screen=screen,
    )


def _may_use_host(request: HttpRequest, user: StaffUser) -> bool:
    if _on_portal(request):
        return user.consortium_office_id is not None
    from django.utils import timezone

    return membership_for(user=user, municipality=connection.tenant, now=timezone.now()) is not None


@portal_view(login_exempt=True)
@gyomu_view(PLATFORM, login_exempt=True)
@no_personal_data
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = PasswordForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        outcome, user = login_check_password(
            username=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        if outcome is LoginOutcome.OK and user is not None and not _may_use_host(request, user):
            outcome = LoginOutcome.BAD_CREDENTIALS
        if outcome is LoginOutcome.OK and user is not None:
            request.session.cycle_key()
            request.session[PENDING_KEY] = user.pk
            nxt = request.POST.get("next", "")
            request.session["jc_next"] = nxt
            return redirect("login_totp")
        error = LOGIN_MESSAGES[outcome]
        _log(request, AccessAction.LOGIN_FAILED, user, "login_password")
    return render(
        request,
        "tenants/login.html",
        {"form": form, "error": error, "next": request.GET.get("next", "")},
    )


@portal_view(login_exempt=True)
@gyomu_view(PLATFORM, login_exempt=True)
@no_personal_data
@require_http_methods(["GET", "POST"])
def login_totp_view(request: HttpRequest) -> HttpResponse:
    user_pk = request.session.get(PENDING_KEY)
    user = StaffUser.objects.filter(pk=user_pk).first() if user_pk else None
    if user is None:
        return redirect("login")
    form = TotpForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        outcome = login_check_totp(user=user, code=form.cleaned_data["code"])
        if outcome is LoginOutcome.OK:
            nxt = request.session.get("jc_next", "")
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session["jc_host"] = request.get_host().split(":")[0]
            request.session.pop(PENDING_KEY, None)
            _log(request, AccessAction.LOGIN, user, "login")
            if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts=None):
                return redirect(nxt)
            return redirect("home")
        if outcome is LoginOutcome.LOCKED:
            request.session.pop(PENDING_KEY, None)
        error = LOGIN_MESSAGES.get(outcome, LOGIN_MESSAGES[LoginOutcome.BAD_CREDENTIALS])
        if outcome is LoginOutcome.BAD_CREDENTIALS:
            error = "確認コードが正しくありません。"
        _log(request, AccessAction.LOGIN_FAILED, user, "login_totp")
    return render(request, "tenants/login_totp.html", {"form": form, "error": error})


@portal_view(login_exempt=True)
@gyomu_view(PLATFORM, login_exempt=True)
@no_personal_data
@require_http_methods(["POST"])
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        user = request.user
        assert isinstance(user, StaffUser)
        _log(request, AccessAction.LOGOUT, user, "logout")
    logout(request)
    return redirect("login")
