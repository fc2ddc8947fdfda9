"""Staff accounts and login: password, then a TOTP code (RFC 6238), with lockout."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from enum import Enum

import pyotp
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tenants.models import Consortium, Membership, MembershipRole, Municipality, StaffUser
from tenants.modules.spec import PLATFORM
from tenants.selectors.staff import membership_for

TOTP_ISSUER = "自治体クラウド"


def staff_create(
    *,
    username: str,
    display_name: str,
    home_municipality: Municipality | None = None,
    consortium_office: Consortium | None = None,
    password: str | None = None,
    totp_secret: str | None = None,
    acting_user: StaffUser | None,
) -> tuple[StaffUser, str, str]:
    """Create an account with a password and an enrolled TOTP secret.

    Returns (user, password, totp secret); both secrets are shown to the administrator
    once and are not retrievable later (only the hash and the secret for checking).
    """
    password = password or secrets.token_urlsafe(12)
    totp_secret = totp_secret or pyotp.random_base32()
    user = StaffUser(
        username=username,
        display_name=display_name,
        home_municipality=home_municipality,
        consortium_office=consortium_office,
        totp_secret=totp_secret,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    return user, password, totp_secret


def totp_uri(user: StaffUser) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(
        name=user.get_username(), issuer_name=TOTP_ISSUER
    )


class LoginOutcome(Enum):
    OK = "ok"
    BAD_CREDENTIALS = "bad"
    LOCKED = "locked"
    NO_SECOND_FACTOR = "no_totp"
    # The account exists but has no valid membership on this host (or, on the portal,
    # is not office staff): refused like a wrong password, never counted.
    NOT_HERE = "not_here"


# One answer for a wrong password, an unknown account, a locked one and one that does not
# belong on this host: the page must not tell an attacker which accounts exist, are
# locked, or work in which town. It still tells a locked-out user what to do.
LOGIN_REFUSED = (
    "ユーザーIDまたはパスワードが正しくありません。"
    "続けて失敗したアカウントは一時的にロックされます。"
    "しばらくしてから再度お試しいただくか、管理者に連絡してください。"
)
LOGIN_MESSAGES = {
    LoginOutcome.BAD_CREDENTIALS: LOGIN_REFUSED,
    LoginOutcome.LOCKED: LOGIN_REFUSED,
    LoginOutcome.NOT_HERE: LOGIN_REFUSED,
    LoginOutcome.NO_SECOND_FACTOR: "二要素認証が登録されていません。管理者に連絡してください。",
}


def _register_failure(user: StaffUser, now: datetime) -> None:
    with transaction.atomic():
        StaffUser.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
        user.refresh_from_db(fields=["failed_logins"])
        if user.failed_logins >= settings.JC_LOGIN_MAX_FAILURES:
            user.locked_until = now + timedelta(minutes=settings.JC_LOGIN_LOCK_MINUTES)
            user.failed_logins = 0
            user.save(update_fields=["locked_until", "failed_logins"])


def staff_may_log_in_at(
    *, user: StaffUser, municipality: Municipality | None, now: datetime
) -> bool:
    """May this account log in on this host? ``municipality=None`` is the consortium
    portal (office staff only); a town host needs a membership valid now."""
    if municipality is None:
        return user.consortium_office_id is not None
    return membership_for(user=user, municipality=municipality, now=now) is not None


def login_check_password(
    *,
    username: str,
    password: str,
    municipality: Municipality | None,
    now: datetime | None = None,
) -> tuple[LoginOutcome, StaffUser | None]:
    """First step, on the host of ``municipality`` (``None``: the portal).

    Only a wrong password on a host where the account may log in counts toward its
    lockout: attempts elsewhere cannot lock anyone out. Every refusal hashes what was
    typed (unknown account, foreign host, locked), so timing does not tell them apart.
    """
    now = now or timezone.now()
    user = StaffUser.objects.filter(username=username).first()
    if user is None:
        make_password(password)  # the work a real check would do
        return LoginOutcome.BAD_CREDENTIALS, None
    if not staff_may_log_in_at(user=user, municipality=municipality, now=now):
        check_password(password, user.password)  # no setter: never rehashes or saves
        return LoginOutcome.NOT_HERE, user
    if user.is_locked(now):
        check_password(password, user.password)
        return LoginOutcome.LOCKED, user
    authed = authenticate(username=username, password=password)
    if authed is None:
        _register_failure(user, now)
        return LoginOutcome.BAD_CREDENTIALS, user
    assert isinstance(authed, StaffUser)
    if not authed.totp_secret:
        return LoginOutcome.NO_SECOND_FACTOR, authed
    return LoginOutcome.OK, authed


def login_check_totp(
    *,
    user: StaffUser,
    code: str,
    municipality: Municipality | None,
    now: datetime | None = None,
) -> LoginOutcome:
    """Second step, on the host of the first (the view checks that). A code is accepted
    once (replay refused), ±1 time step of drift. A membership that ended between the
    steps refuses without counting."""
    now = now or timezone.now()
    user.refresh_from_db()
    if not staff_may_log_in_at(user=user, municipality=municipality, now=now):
        return LoginOutcome.NOT_HERE
    if user.is_locked(now):
        return LoginOutcome.LOCKED
    totp = pyotp.TOTP(user.totp_secret)
    code = code.strip().replace(" ", "")
    step_now = int(now.timestamp()) // totp.interval
    for drift in (0, -1, 1):
        step = step_now + drift
        if step > user.totp_last_step and secrets.compare_digest(
            totp.at(step * totp.interval), code
        ):
            updated = StaffUser.objects.filter(pk=user.pk, totp_last_step__lt=step).update(
                totp_last_step=step, failed_logins=0, locked_until=None, last_login=now
            )
            if updated:
                return LoginOutcome.OK
    _register_failure(user, now)
    return LoginOutcome.BAD_CREDENTIALS


def membership_grant(
    *,
    user: StaffUser,
    municipality: Municipality,
    roles: dict[str, int],
    acting_user: StaffUser | None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    is_support: bool = False,
    is_tenant_admin: bool = False,
    reason: str = "",
) -> Membership:
    """Give a user access to a municipality. A support membership (応援職員) must end."""
    from tenants.models import Gyomu

    if is_support and valid_until is None:
        raise ValueError("応援職員の所属には有効期限が必要です。")
    with transaction.atomic():
        membership = Membership.objects.create(
            user=user,
            municipality=municipality,
            valid_from=valid_from or timezone.now(),
            valid_until=valid_until,
            is_support=is_support,
            is_tenant_admin=is_tenant_admin,
            reason=reason,
            granted_by=acting_user,
        )
        gyomu = {g.code: g for g in Gyomu.objects.filter(code__in=roles)}
        MembershipRole.objects.bulk_create(
            MembershipRole(membership=membership, gyomu=gyomu[code], level=level)
            for code, level in roles.items()
            if code in gyomu
        )
    return membership


class SupportGrantError(ValueError):
    """A support membership that may not be granted; the message is for the office."""


def support_membership_grant(
    *,
    user: StaffUser,
    municipality: Municipality,
    gyomu_codes: list[str],
    valid_until: datetime,
    reason: str,
    acting_user: StaffUser,
) -> Membership:
    """Let staff of another member town work a (stricken) town's system for a while.

    The membership is marked 応援職員, must end, may only cover modules the town has
    subscribed, and is written to the town's own access log."""
    from django_tenants.utils import schema_context

    from tenants.accesslog.services import Actor, access_record
    from tenants.selectors.gyomu import subscribed_codes

    now = timezone.now()
    if valid_until <= now:
        raise SupportGrantError("有効期限は現在より後の日時を指定してください。")
    if valid_until > now + timedelta(days=366):
        raise SupportGrantError("応援職員の有効期限は1年以内としてください。")
    if user.home_municipality_id == municipality.pk:
        raise SupportGrantError("自団体の職員は応援職員として登録できません。")
    if (
        user.home_municipality is None
        or user.home_municipality.consortium_id != acting_user.consortium_office_id
        or municipality.consortium_id != acting_user.consortium_office_id
    ):
        raise SupportGrantError("同じ共同利用団体の構成団体の職員のみ登録できます。")
    if not reason.strip():
        raise SupportGrantError("応援の理由を入力してください。")
    allowed = subscribed_codes(municipality=municipality, on=now.date())
    not_subscribed = sorted(set(gyomu_codes) - allowed)
    if not gyomu_codes or not_subscribed:
        raise SupportGrantError(
            "応援先が利用していない業務は指定できません: " + "、".join(not_subscribed)
            if not_subscribed
            else "業務を1つ以上選んでください。"
        )
    if Membership.objects.filter(user=user, municipality=municipality).exists():
        raise SupportGrantError("この職員はすでにこの団体の所属を持っています。")
    with transaction.atomic(durable=True):
        membership = membership_grant(
            user=user,
            municipality=municipality,
            roles={code: 2 for code in gyomu_codes},
            acting_user=acting_user,
            valid_until=valid_until,
            is_support=True,
            reason=reason.strip()[:200],
        )
        with schema_context(municipality.schema_name):
            access_record(
                actor=Actor(user_id=acting_user.pk, username=acting_user.get_username()),
                action="create",
                gyomu=PLATFORM,
                screen="support_membership_grant",
                record_type="membership",
                record_id=membership.pk,
                detail={"support_user_id": user.pk, "until": valid_until.isoformat()},
            )
    return membership
