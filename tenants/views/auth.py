"""Login in two steps (password, then TOTP), on whichever host the user is on.

Both steps happen on one host, and the session is bound to it (StaffSessionMiddleware).
Failed attempts are logged to the access log of the town where they happened, and those
against an account on a host where it has no membership also to the account's own town;
never a password, nor a user id typed that names no account."""

from __future__ import annotations

import logging

from django import forms
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_tenants.utils import schema_context

from tenants.access import gyomu_view, portal_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import no_personal_data
from tenants.accesslog.services import Actor, access_record
from tenants.db import connection
from tenants.forms.text import TextField
from tenants.middleware import canonical_host
from tenants.models import Municipality, StaffUser
from tenants.modules.spec import PLATFORM
from tenants.netutil import client_ip
from tenants.services.staff import (
    LOGIN_MESSAGES,
    LOGIN_REFUSED,
    LoginOutcome,
    login_check_password,
    login_check_totp,
)
from tenants.text import NoControlCharacters

logger = logging.getLogger(__name__)

PENDING_KEY = "jc_pending_user"
PENDING_HOST_KEY = "jc_pending_host"


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


def _host_municipality(request: HttpRequest) -> Municipality | None:
    """The town whose host this is; ``None`` on the consortium portal."""
    return None if _on_portal(request) else connection.tenant


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


def _log_refused_password(
    request: HttpRequest, outcome: LoginOutcome, user: StaffUser | None
) -> None:
    """A refused first step, in the log of the town where it happened and, when the
    account does not belong there, in the log of the account's own town.

    The row names the account only if it exists (a string typed into the user-id box
    that is no account may be a password typed into the wrong box, or a person's
    name); it carries no user id (anyone may have typed it: it is not an act of that
    account) and never what was typed as a password."""
    username = user.get_username() if user else ""
    actor = Actor(user_id=None, username=username, ip_address=client_ip(request))
    if _on_portal(request):
        # The public schema has no access log: the portal's refusals go to the
        # application log, with the account's id only.
        logger.warning(
            "portal login refused: reason=%s account_id=%s",
            outcome.value,
            user.pk if user else "-",
        )
    else:
        access_record(
            actor=actor,
            action=AccessAction.LOGIN_FAILED,
            gyomu=PLATFORM,
            screen="login_password",
            detail={"reason": outcome.value},
        )
    home = user.home_municipality if user is not None else None
    here = _host_municipality(request)
    if outcome is not LoginOutcome.NOT_HERE or home is None or (here and here.pk == home.pk):
        return
    with schema_context(home.schema_name):
        access_record(
            actor=actor,
            action=AccessAction.LOGIN_FAILED,
            gyomu=PLATFORM,
            screen="login_password_elsewhere",
            record_type="host",
            record_id=canonical_host(request),
        )


@portal_view(login_exempt=True)
@gyomu_view(PLATFORM, login_exempt=True)
@no_personal_data
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = PasswordForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        outcome, user = login_check_password(
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
            municipality=_host_municipality(request),
        )
        if outcome is LoginOutcome.OK and user is not None:
            request.session.cycle_key()
            request.session[PENDING_KEY] = user.pk
            request.session[PENDING_HOST_KEY] = canonical_host(request)
            nxt = request.POST.get("next", "")
            request.session["jc_next"] = nxt
            return redirect("login_totp")
        error = LOGIN_MESSAGES[outcome]
        if outcome is LoginOutcome.NO_SECOND_FACTOR:
            _log(request, AccessAction.LOGIN_FAILED, user, "login_password")
        else:
            _log_refused_password(request, outcome, user)
    return render(
        request,
        "tenants/login.html",
        {"form": form, "error": error, "next": request.GET.get("next", "")},
    )


def _drop_pending(request: HttpRequest) -> None:
    for key in (PENDING_KEY, PENDING_HOST_KEY, "jc_next"):
        request.session.pop(key, None)


@portal_view(login_exempt=True)
@gyomu_view(PLATFORM, login_exempt=True)
@no_personal_data
@require_http_methods(["GET", "POST"])
def login_totp_view(request: HttpRequest) -> HttpResponse:
    user_pk = request.session.get(PENDING_KEY)
    user = StaffUser.objects.filter(pk=user_pk).first() if user_pk else None
    if user is not None and request.session.get(PENDING_HOST_KEY) != canonical_host(request):
        # A first step made on another host (its cookie carried here by hand): the
        # second step finishes only where the first began. The pending login ends.
        _drop_pending(request)
        user = None
    if user is None:
        return redirect("login")
    form = TotpForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        outcome = login_check_totp(
            user=user, code=form.cleaned_data["code"], municipality=_host_municipality(request)
        )
        if outcome is LoginOutcome.OK:
            nxt = request.session.get("jc_next", "")
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session["jc_host"] = canonical_host(request)
            _drop_pending(request)
            _log(request, AccessAction.LOGIN, user, "login")
            if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts=None):
                return redirect(nxt)
            return redirect("home")
        if outcome in (LoginOutcome.LOCKED, LoginOutcome.NOT_HERE):
            _drop_pending(request)
        error = LOGIN_MESSAGES.get(outcome, LOGIN_REFUSED)
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
