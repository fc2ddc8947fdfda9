"""交付履歴 (標準仕様書 1.3.8): the one door that records an issued certificate.

Every certificate of 住民記録 (住民票の写し and 記載事項証明書 here; 転出証明書 and the other
forms 1.3.8 lists, by their own services) records its issue with
:func:`shomei_kofu_record`, in the transaction that logs the print: 交付年月日時, 交付場所,
交付対象者, 種別, 記載事項, 枚数, one 発行番号 per copy (5.5), 端末名 and ユーザID; the 処分
is :func:`juminkiroku.services.shomei.shomei_void`. Rows are never deleted (1.3.8
【実装しない機能】: no deletion within the town's retention period).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from juminkiroku.codes import Seikyusha, ShomeiKind
from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models import ShomeiKofu
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record


def shomei_kofu_record(
    *,
    kind: str,
    screen: str,
    hakko_nos: list[str],
    atena_ids: list[int],
    pages: int,
    actor: Actor,
    gyomu: str = JUMINKIROKU,
    layout: str = "",
    setai_id: int | None = None,
    items: dict[str, Any] | None = None,
    kojin_bango_printed: bool = False,
    seikyusha: str = Seikyusha.HONNIN,
    koyo_kikan: str = "",
    koyo_mokuteki: str = "",
    kofu_basho: str = "",
    ninshosha: str = "",
    koin_id: int | None = None,
) -> ShomeiKofu:
    """Record one issue (``hakko_nos``: one key per copy, from ``next_hakko_no``) and log
    the print (印刷) in one transaction. ``pages`` is the page count of one copy."""
    if kind not in ShomeiKind.values:
        raise ValueError(f"unknown certificate kind {kind!r}")
    if not hakko_nos or len(set(hakko_nos)) != len(hakko_nos):
        raise ValueError("one distinct 発行番号 per copy is required")
    with transaction.atomic(durable=True):
        kofu = ShomeiKofu.objects.create(
            hakko_no=hakko_nos[0],
            hakko_nos=list(hakko_nos),
            kind=kind,
            layout=layout,
            atena_ids=list(atena_ids),
            setai_id=setai_id,
            items=items or {},
            copies=len(hakko_nos),
            pages=pages,
            kojin_bango_printed=kojin_bango_printed,
            seikyusha=seikyusha,
            koyo_kikan=koyo_kikan[:100],
            koyo_mokuteki=koyo_mokuteki[:200],
            kofu_basho=kofu_basho.strip()[:50],
            ninshosha=ninshosha[:150],
            koin_id=koin_id,
            issued_by_id=actor.user_id,
            issued_by=actor.username or f"api:{actor.api_client}",
            terminal=actor.terminal,
        )
        access_record(
            actor=actor,
            action=AccessAction.PRINT,
            gyomu=gyomu,
            screen=screen,
            record_type="shomei_kofu",
            record_id=kofu.pk,
            mynumber_viewed=kojin_bango_printed,
            record_count=len(atena_ids),
            detail={
                "pages": pages,
                "hakko_no": hakko_nos[0],
                "hakko_nos": list(hakko_nos),
                "kojin_bango_printed": kojin_bango_printed,
                "copies": len(hakko_nos),
                "atena_ids": list(atena_ids),
                "koyo": seikyusha == Seikyusha.KOYO,
            },
        )
    return kofu
