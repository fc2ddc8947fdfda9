from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q

from tenants.models import Membership, MembershipRole, RoleLevel
from tenants.modules.spec import PLATFORM


def membership_for(*, user: Any, municipality: Any, now: datetime) -> Membership | None:
    """The user's membership in this municipality that is valid now, if any."""
    if user is None or not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(user=user, municipality=municipality, valid_from__lte=now)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        .first()
    )


def role_levels(*, membership: Membership) -> dict[str, int]:
    """Module code -> level. A tenant administrator has 管理 on the platform functions."""
    levels = dict(
        MembershipRole.objects.filter(membership=membership).values_list("gyomu__code", "level")
    )
    levels[PLATFORM] = RoleLevel.ADMIN if membership.is_tenant_admin else RoleLevel.READ
    return levels
