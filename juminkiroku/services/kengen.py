"""Granting and revoking the fine-grained 住民記録 grants (KengenGrant)."""

from __future__ import annotations

from django.db import transaction

from juminkiroku.models import Kengen, KengenGrant
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record


def kengen_grant(*, user_id: int, kengen: str, actor: Actor) -> KengenGrant:
    if kengen not in Kengen.values:
        raise ValueError(f"不明な権限です: {kengen}")
    with transaction.atomic():
        grant, created = KengenGrant.objects.get_or_create(
            user_id=user_id, kengen=kengen, defaults={"granted_by": actor.username}
        )
        if created:
            access_record(
                actor=actor,
                action=AccessAction.UPDATE,
                gyomu="juminkiroku",
                screen="権限付与",
                record_type="staff",
                record_id=user_id,
                detail={"kengen": kengen},
            )
    return grant


def kengen_revoke(*, user_id: int, kengen: str, actor: Actor) -> bool:
    with transaction.atomic():
        deleted, _ = KengenGrant.objects.filter(user_id=user_id, kengen=kengen).delete()
        if deleted:
            access_record(
                actor=actor,
                action=AccessAction.UPDATE,
                gyomu="juminkiroku",
                screen="権限取消",
                record_type="staff",
                record_id=user_id,
                detail={"kengen": kengen},
            )
    return bool(deleted)
