"""Login is bound to a host: attempts on a host where the account has no membership do
not lock it, answer like any wrong password, are logged where they happened and shown
to the account's own town; the second step finishes on the host of the first; host
names match whatever their case."""

from __future__ import annotations

import re
from typing import Any

import pyotp
import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.accesslog.models import AccessLog
from tenants.models import StaffUser
from tests.personas import ALPHA_HOST, BETA_HOST, PERSONA_PASSWORD, PORTAL_HOST

WRONG = "wrong-password-123"


def _attempt(host: str, username: str, password: str = WRONG) -> Any:
    return Client(HTTP_HOST=host).post("/login/", {"username": username, "password": password})


def _error(response: Any) -> str:
    found = re.search(r'<p class="errorlist" role="alert">(.*?)</p>', response.content.decode())
    return found.group(1) if found else ""


def _rows(schema: str, **filters: Any) -> list[AccessLog]:
    with schema_context(schema):
        return list(AccessLog.objects.filter(**filters).order_by("id"))


@pytest.mark.parametrize("host", [BETA_HOST, PORTAL_HOST])
def test_wrong_passwords_on_a_foreign_host_do_not_lock_the_account(world, settings, login, host):
    # given: hayama-viewer works in 葉山町 only (no membership in 寒川町, not office staff)
    settings.JC_LOGIN_MAX_FAILURES = 3
    # when: more wrong passwords than the limit, on the other host
    for _ in range(5):
        _attempt(host, "hayama-viewer")
    # then: nothing counted; the account still logs in at home
    user = StaffUser.objects.get(username="hayama-viewer")
    assert user.failed_logins == 0
    assert user.locked_until is None
    client = login("hayama-viewer", ALPHA_HOST)
    assert client.get("/").status_code == 200


def test_wrong_passwords_at_home_still_lock(world, settings):
    settings.JC_LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        _attempt(ALPHA_HOST, "hayama-viewer")
    assert StaffUser.objects.get(username="hayama-viewer").is_locked(timezone.now())


def test_unknown_locked_foreign_and_wrong_look_the_same(world, settings):
    # given: hayama-shinsa is locked (right password from now on)
    settings.JC_LOGIN_MAX_FAILURES = 2
    for _ in range(2):
        _attempt(ALPHA_HOST, "hayama-shinsa")
    assert StaffUser.objects.get(username="hayama-shinsa").is_locked(timezone.now())
    # when
    answers = {
        "wrong password": _attempt(ALPHA_HOST, "hayama-viewer"),
        "unknown account": _attempt(ALPHA_HOST, "nobody-here", PERSONA_PASSWORD),
        "locked account, right password": _attempt(ALPHA_HOST, "hayama-shinsa", PERSONA_PASSWORD),
        "other town, right password": _attempt(BETA_HOST, "hayama-clerk", PERSONA_PASSWORD),
        "town staff on the portal": _attempt(PORTAL_HOST, "hayama-clerk", PERSONA_PASSWORD),
    }
    # then: one status, one message
    assert {r.status_code for r in answers.values()} == {200}
    messages = {name: _error(r) for name, r in answers.items()}
    assert len(set(messages.values())) == 1, messages
    assert messages["wrong password"].startswith("ユーザーIDまたはパスワードが正しくありません。")


@pytest.mark.parametrize(
    ("username", "host", "password"),
    [
        ("nobody-here", ALPHA_HOST, WRONG),
        ("hayama-clerk", BETA_HOST, PERSONA_PASSWORD),
        ("hayama-clerk", PORTAL_HOST, PERSONA_PASSWORD),
        ("hayama-shinsa", ALPHA_HOST, PERSONA_PASSWORD),
    ],
)
def test_every_refusal_checks_a_password_hash(
    world, settings, monkeypatch, username, host, password
):
    """Comparable timing: no answer comes back without hashing what was typed."""
    settings.JC_LOGIN_MAX_FAILURES = 2
    for _ in range(2):
        _attempt(ALPHA_HOST, "hayama-shinsa")
    calls: list[str] = []
    real_encode = MD5PasswordHasher.encode

    def counting_encode(self: Any, pw: str, salt: str) -> str:
        calls.append("hash")
        return real_encode(self, pw, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counting_encode)
    _attempt(host, username, password)
    assert calls, f"{username}@{host} answered without a hash check"


def test_foreign_attempt_is_logged_where_it_happened_and_shown_at_home(world, login):
    # given
    before_alpha = _rows(world.alpha.schema, action="login_failed")[-1:]
    start = before_alpha[0].pk if before_alpha else 0
    # when: someone tries hayama-clerk's account on 寒川町's host
    _attempt(BETA_HOST, "hayama-clerk", "secret-guess-xyz")
    # then: 寒川町's log has the attempt, without the password and without a user id
    there = _rows(world.beta.schema, action="login_failed", username="hayama-clerk")
    assert there, "not logged where it happened"
    assert there[-1].user_id is None
    assert there[-1].screen == "login_password"
    # and 葉山町 (the account's town) has a row naming the host it happened on
    home = [
        r
        for r in _rows(world.alpha.schema, action="login_failed", username="hayama-clerk")
        if r.pk > start
    ]
    assert len(home) == 1
    assert home[0].screen == "login_password_elsewhere"
    assert home[0].record_id == BETA_HOST
    for row in [*there, *home]:
        assert "secret-guess-xyz" not in repr(vars(row))
    # and 葉山町's administrator sees it on the access-log screen
    admin = login("hayama-admin", ALPHA_HOST)
    page = admin.post("/audit/access-log/", {"action": "login_failed", "username": "hayama-clerk"})
    assert page.status_code == 200
    assert BETA_HOST in page.content.decode()
    # and 寒川町 gets no row of 葉山町's: its own screen shows only what happened on it
    assert not _rows(world.beta.schema, screen="login_password_elsewhere", username="hayama-clerk")


def test_a_refusal_on_the_portal_goes_to_the_application_log_without_what_was_typed(world, caplog):
    caplog.set_level("WARNING", logger="tenants.views.auth")
    _attempt(PORTAL_HOST, "hayama-clerk", "secret-guess-xyz")
    clerk = StaffUser.objects.get(username="hayama-clerk")
    assert f"reason=not_here account_id={clerk.pk}" in caplog.text
    assert "secret-guess-xyz" not in caplog.text
    assert "hayama-clerk" not in caplog.text


def test_a_typed_unknown_username_is_not_logged(world):
    # a password typed into the user-id field must not land in the log
    _attempt(ALPHA_HOST, "Pa55-typed-in-the-wrong-box")
    assert not _rows(world.alpha.schema, username="Pa55-typed-in-the-wrong-box")
    assert _rows(world.alpha.schema, action="login_failed", username="")


@pytest.mark.parametrize(
    ("username", "first_host", "second_host"),
    [
        # samukawa-clerk is 応援職員 in 葉山町 and works in 寒川町: valid on both hosts
        ("samukawa-clerk", ALPHA_HOST, BETA_HOST),
        ("office", PORTAL_HOST, ALPHA_HOST),
        ("hayama-clerk", ALPHA_HOST, PORTAL_HOST),
    ],
)
def test_second_step_finishes_on_the_host_of_the_first(world, username, first_host, second_host):
    # given: the password step done on one host
    first = Client(HTTP_HOST=first_host)
    assert (
        first.post("/login/", {"username": username, "password": PERSONA_PASSWORD}).status_code
        == 302
    )
    # when: its session cookie is presented with a valid code on another host
    other = Client(HTTP_HOST=second_host)
    other.cookies = first.cookies
    secret = StaffUser.objects.get(username=username).totp_secret
    response = other.post("/login/totp/", {"code": pyotp.TOTP(secret).now()})
    # then: not logged in there, and the pending login is gone
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert "_auth_user_id" not in other.session
    assert first.post("/login/totp/", {"code": pyotp.TOTP(secret).now()}).status_code == 302
    assert "_auth_user_id" not in first.session


@pytest.mark.parametrize("host", ["HAYAMA.localhost", "Hayama.Localhost:8000", "hayama.localhost."])
def test_host_names_match_case_insensitively(world, host):
    response = Client(HTTP_HOST=host).get("/login/")
    assert response.status_code == 200
    assert response.wsgi_request.tenant.schema_name == world.alpha.schema  # type: ignore[attr-defined]


def test_portal_host_matches_case_insensitively(world):
    response = Client(HTTP_HOST="LocalHost").get("/login/")
    assert response.status_code == 200
    assert response.wsgi_request.is_portal  # type: ignore[attr-defined]


def test_a_session_survives_a_change_of_case_in_the_host(world, login):
    client = login("hayama-clerk", ALPHA_HOST)
    response = client.get("/", HTTP_HOST="HAYAMA.LOCALHOST")
    assert response.status_code == 200
    assert "葉山町" in response.content.decode()


def test_a_membership_that_ends_between_the_steps_refuses_without_counting(world):
    # given: samukawa-clerk (応援職員 in 葉山町) passed the first step there
    from tenants.models import Membership

    client = Client(HTTP_HOST=ALPHA_HOST)
    client.post("/login/", {"username": "samukawa-clerk", "password": PERSONA_PASSWORD})
    Membership.objects.filter(
        user__username="samukawa-clerk", municipality=world.alpha.municipality
    ).update(valid_until=timezone.now())
    secret = StaffUser.objects.get(username="samukawa-clerk").totp_secret
    # when
    response = client.post("/login/totp/", {"code": pyotp.TOTP(secret).now()})
    # then
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert StaffUser.objects.get(username="samukawa-clerk").failed_logins == 0
