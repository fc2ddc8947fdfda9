"""Reading fine-grained grants, and the staff they may be given to, in the current town."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from tenants.grants.models import Grant, GrantRevocation
from tenants.models import Membership
from tenants.selectors.current import current_municipality


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


def grant_history(*, limit: int = 50) -> list[GrantRevocation]:
    """The latest revocations in this town, newest first."""
    return list(GrantRevocation.objects.all()[:limit])
