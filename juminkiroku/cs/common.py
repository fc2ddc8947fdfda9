"""What the CS services share: the town's link row, its 市町村コード, the system actor."""

from __future__ import annotations

from django.utils import timezone

from juminkiroku.models import Atena, AtenaRireki, CsRenkei
from tenants.accesslog.services import Actor
from tenants.db import connection

SYSTEM_ACTOR = Actor(user_id=None, username="jukinet_cs")
"""The actor of work the link does on its own (the periodic task): the access log and
screens show it as 「システム（住基ネットCS連携）」 (juminkiroku/module.py ``words``)."""


def shichoson_code() -> str:
    """The current town's 市町村コード as the CS knows it (全国地方公共団体コード, 6 digits)."""
    tenant = connection.tenant
    code = getattr(tenant, "dantai_code", "")
    if not code:
        raise RuntimeError("the CS link runs inside a municipality schema only")
    return str(code)


def renkei_row(*, lock: bool) -> CsRenkei:
    """The town's single link row, created on first use; locked when ``lock``."""
    CsRenkei.objects.get_or_create(pk=1)
    qs = CsRenkei.objects.select_for_update() if lock else CsRenkei.objects
    return qs.get(pk=1)


def note_error(message: str) -> None:
    """Record the latest link error for the screens (7.1.1.1「CSへ連携できなかった場合の
    エラー表示」, 7.1.2.4 稼働状況); inside the caller's transaction."""
    CsRenkei.objects.get_or_create(pk=1)
    CsRenkei.objects.filter(pk=1).update(last_error=message[:200], last_error_at=timezone.now())


def fill_number(atena_id: int, field: str, value: str) -> bool:
    """Write a number the CS gave (住民票コード at 記載, 個人番号 generated for a newborn)
    into the person and their current 住民票 version, only where it is still blank.

    This completes the 記載 rather than changing it: the item was empty, so no value is
    lost from the history. A number that replaces another is a 職権修正 異動 instead
    (juminkiroku.cs.bango), reviewed and kept in the history like any change.
    """
    updated = Atena.objects.filter(pk=atena_id, **{field: ""}).update(**{field: value})
    AtenaRireki.objects.filter(
        atena_id=atena_id, valid_to__isnull=True, superseded=False, **{field: ""}
    ).update(**{field: value})
    return bool(updated)


def shudo_set(*, shudo: bool, actor: Actor) -> None:
    """Switch the town's link to 手動連携 and back (7.1.1.1)."""
    from django.db import transaction

    from juminkiroku.gyomu import JUKINET_RENKEI
    from tenants.accesslog.models import AccessAction
    from tenants.accesslog.services import access_record

    with transaction.atomic(durable=True):
        link = renkei_row(lock=True)
        link.shudo = shudo
        link.save(update_fields=["shudo"])
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=JUKINET_RENKEI,
            screen="住基ネットの手動連携",
            record_type="cs_renkei",
            detail={"shudo": shudo},
        )
