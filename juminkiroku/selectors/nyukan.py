"""The lists of 標準仕様書 4.5.6 / 4.5.7 (ids, kinds and states; names are shown by the
screen from the 宛名, never logged)."""

from __future__ import annotations

from django.db.models import QuerySet

from juminkiroku.models.nyukan import (
    NyukanTsuchi,
    NyukanTsuchiStatus,
    ShichosonTsuchi,
    ShichosonTsuchiStatus,
)


def tsuchi_mitorikomi() -> QuerySet[NyukanTsuchi]:
    """4.5.6: the notices not yet taken in, whatever their 通知日, oldest first."""
    return NyukanTsuchi.objects.exclude(status=NyukanTsuchiStatus.TORIKOMI).order_by(
        "tsuchi_date", "id"
    )


def shichoson_misoshin() -> QuerySet[ShichosonTsuchi]:
    """4.5.7: the 市町村通知 not sent yet, in 異動 order."""
    return ShichosonTsuchi.objects.filter(status=ShichosonTsuchiStatus.MISOSHIN).order_by("seq")
