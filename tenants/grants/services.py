"""Giving and revoking fine-grained grants: the only writers of ``Grant``.

Each call runs in one durable transaction and writes, in it, an access-log row per grant
given or taken (who, whose, which code) and, on revocation, the ``GrantRevocation``
history row. A refused call writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.grants.models import Grant, GrantRevocation
from tenants.grants.selectors import grants_offered, is_town_staff
from tenants.modules.registry import all_grants
from tenants.modules.spec import PLATFORM


class GrantError(ValueError):
    """A grant change that was refused; the message is shown to the user."""


def _check_code(code: str, offered: set[str]) -> None:
    if code not in all_grants():
        raise GrantError("登録されていない権限です。")
    if code not in offered:
        raise GrantError("この団体が利用していない業務の権限です。")


def _offered() -> set[str]:
    return {g.code for group in grants_offered() for g in group.grants}


def _check_user(user_id: int) -> None:
    if not is_town_staff(user_id=user_id):
        raise GrantError("この団体の職員ではありません。")


def _audit(*, actor: Actor, user_id: int, code: str, screen: str) -> None:
    access_record(
        actor=actor,
        action=AccessAction.UPDATE,
        gyomu=PLATFORM,
        screen=screen,
        record_type="staff",
        record_id=user_id,
        detail={"grant": code},
    )


def _give(*, user_id: int, code: str, actor: Actor) -> tuple[Grant, bool]:
    grant, created = Grant.objects.get_or_create(
        user_id=user_id, code=code, defaults={"granted_by": actor.username}
    )
    if created:
        _audit(actor=actor, user_id=user_id, code=code, screen="権限付与")
    return grant, created


def _revoke(*, user_id: int, code: str, actor: Actor) -> bool:
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
    _audit(actor=actor, user_id=user_id, code=code, screen="権限取消")
    return True


def grant_give(*, user_id: int, code: str, actor: Actor) -> Grant:
    """Give ``code`` (declared by a module the town subscribes to) to a staff member of
    the current town. Giving a grant already held changes nothing and is not logged."""
    _check_code(code, _offered())
    _check_user(user_id)
    with transaction.atomic(durable=True):
        grant, _ = _give(user_id=user_id, code=code, actor=actor)
    return grant


def grant_revoke(*, user_id: int, code: str, actor: Actor) -> bool:
    """Take ``code`` back; False when the user did not hold it (nothing written). A
    grant can be revoked after the user's membership or the subscription ended."""
    if code not in all_grants():
        raise GrantError("登録されていない権限です。")
    with transaction.atomic(durable=True):
        return _revoke(user_id=user_id, code=code, actor=actor)


def grants_set(*, user_id: int, codes: Iterable[str], actor: Actor) -> tuple[set[str], set[str]]:
    """Make the user hold exactly ``codes`` among the grants offered in this town (grants
    of modules the town no longer uses are left alone). All or nothing; returns the codes
    (given, revoked)."""
    wanted = set(codes)
    offered = _offered()
    for code in wanted:
        _check_code(code, offered)
    _check_user(user_id)
    with transaction.atomic(durable=True):
        held = set(
            Grant.objects.select_for_update()
            .filter(user_id=user_id, code__in=offered)
            .values_list("code", flat=True)
        )
        for code in sorted(wanted - held):
            _give(user_id=user_id, code=code, actor=actor)
        for code in sorted(held - wanted):
            _revoke(user_id=user_id, code=code, actor=actor)
    return wanted - held, held - wanted
