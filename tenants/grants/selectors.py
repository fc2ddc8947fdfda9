"""Reading fine-grained grants, and the staff they may be given to, in the current town."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from tenants.grants.models import Grant, GrantRevocation
from tenants.models import Membership, StaffUser
from tenants.modules.registry import all_grants, all_modules
from tenants.modules.spec import GrantDecl
from tenants.selectors.current import current_municipality
from tenants.selectors.gyomu import subscribed_codes


def has_grant(user_id: int | None, code: str) -> bool:
    if user_id is None:
        return False
    return Grant.objects.filter(user_id=user_id, code=code).exists()


def grants_of(user_id: int | None) -> set[str]:
    if user_id is None:
        return set()
    return set(Grant.objects.filter(user_id=user_id).values_list("code", flat=True))


@dataclass(frozen=True)
class StaffGrants:
    user_id: int
    username: str
    display_name: str
    is_support: bool
    codes: frozenset[str]


def _valid_memberships() -> Q:
    now = timezone.now()
    return Q(valid_from__lte=now) & (Q(valid_until__isnull=True) | Q(valid_until__gt=now))


def is_town_staff(*, user_id: int) -> bool:
    """Whether the user holds a membership of the current town valid now."""
    return (
        Membership.objects.filter(_valid_memberships(), municipality=current_municipality())
        .filter(user_id=user_id)
        .exists()
    )


def town_staff_grants() -> list[StaffGrants]:
    """Every staff member of the current town (membership valid now) with the grants
    held in its schema, by user name. Two queries."""
    memberships = (
        Membership.objects.filter(_valid_memberships(), municipality=current_municipality())
        .select_related("user")
        .order_by("user__username")
    )
    rows = [(m.user, m.is_support) for m in memberships]
    held: dict[int, set[str]] = {user.pk: set() for user, _ in rows}
    for uid, code in Grant.objects.filter(user_id__in=list(held)).values_list("user_id", "code"):
        held[uid].add(code)
    return [
        StaffGrants(
            user_id=user.pk,
            username=user.username,
            display_name=user.display_name,
            is_support=is_support,
            codes=frozenset(held[user.pk]),
        )
        for user, is_support in rows
    ]


@dataclass(frozen=True)
class RevokedGrant:
    label: str
    staff: str  # the staff member's display name (or user name)
    granted_by: str
    granted_at: datetime
    revoked_by: str
    revoked_at: datetime


def grant_history(*, limit: int = 50) -> list[RevokedGrant]:
    """The latest revocations in this town, newest first, with the grant's label."""
    rows = list(GrantRevocation.objects.all()[:limit])
    names = {
        u.pk: u.display_name or u.username
        for u in StaffUser.objects.filter(pk__in={r.user_id for r in rows})
    }
    labels = {code: label for code, (label, _) in all_grants().items()}
    return [
        RevokedGrant(
            label=labels.get(r.code, r.code),
            staff=names.get(r.user_id, "（削除された職員）"),
            granted_by=r.granted_by,
            granted_at=r.granted_at,
            revoked_by=r.revoked_by,
            revoked_at=r.revoked_at,
        )
        for r in rows
    ]


@dataclass(frozen=True)
class ModuleGrants:
    module: str  # the module's name (verbose_name), shown as the group heading
    grants: tuple[GrantDecl, ...]


def grants_offered() -> list[ModuleGrants]:
    """The grants a town administrator may give here: those of every module with a 業務
    the town subscribes to today, grouped by module in registry order."""
    subscribed = subscribed_codes(municipality=current_municipality(), on=timezone.localdate())
    groups = []
    for spec in all_modules():
        offered = tuple(g for g in spec.grants if g.gyomu in subscribed)
        if offered:
            groups.append(ModuleGrants(module=spec.verbose_name, grants=offered))
    return groups
