"""Giving and revoking fine-grained grants: the only writers of ``Grant``.

Each call runs in its own durable transaction and writes, in that transaction, an
access-log row (who gave or took which grant from whom) and, on revocation, the
``GrantRevocation`` history row.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.grants.models import Grant, GrantRevocation
from tenants.grants.selectors import is_town_staff
from tenants.modules.registry import all_grants
from tenants.modules.spec import PLATFORM


class GrantError(ValueError):
    """A grant change that was refused; the message is shown to the user."""


def _check(*, user_id: int, code: str) -> None:
    if code not in all_grants():
        raise GrantError("登録されていない権限です。")
    if not is_town_staff(user_id=user_id):
        raise GrantError("この団体の職員ではありません。")


def grant_give(*, user_id: int, code: str, actor: Actor) -> Grant:
    """Give ``code`` to the user (a staff member of the current town). Giving a grant
    the user already holds changes nothing and writes no audit row."""
    _check(user_id=user_id, code=code)
    with transaction.atomic(durable=True):
        grant, created = Grant.objects.get_or_create(
            user_id=user_id, code=code, defaults={"granted_by": actor.username}
        )
        if created:
            access_record(
                actor=actor,
                action=AccessAction.UPDATE,
                gyomu=PLATFORM,
                screen="権限付与",
                record_type="staff",
                record_id=user_id,
                detail={"grant": code},
            )
    return grant


def grant_revoke(*, user_id: int, code: str, actor: Actor) -> bool:
    """Take ``code`` back; False when the user did not hold it (nothing written)."""
    if code not in all_grants():
        raise GrantError("登録されていない権限です。")
    with transaction.atomic(durable=True):
        grant = Grant.objects.select_for_update().filter(user_id=user_id, code=code).first()
        if grant is None:
            return False
        GrantRevocation.objects.create(
            user_id=user_id,
            code=code,
            granted_by=grant.granted_by,
            granted_at=grant.granted_at,
            revoked_by=actor.username,
            revoked_at=timezone.now(),
        )
        grant.delete()
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=PLATFORM,
            screen="権限取消",
            record_type="staff",
            record_id=user_id,
            detail={"grant": code},
        )
    return True
