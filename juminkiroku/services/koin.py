"""公印 and 認証者 masters (標準仕様書 1.3.7, 1.3.9, 5.6): register and close.

A 公印 image is uploaded as PNG and stored black on transparent (5.6: 電子公印は黒色);
it prints at most 25 mm square (the template's box). Rows are never deleted: a change
is a new row from a date, the old one closed the day before (certificates of the past
keep naming the seal and certifier they printed).
"""

from __future__ import annotations

import hashlib
import io
from datetime import date, timedelta

from django.db import transaction

from juminkiroku.codes import KoinKind, NinshoshaKubun
from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models import Koin, Ninshosha
from juminkiroku.services.inkan import InkanError, validate_inei_png
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record


class KoinError(Exception):
    """A refused registration; the message is for the clerk."""


def _blacken(png: bytes) -> bytes:
    """Every inked pixel black, the paper transparent: the seal prints black whatever
    colour the scan had (5.6)."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as src:
        grey = src.convert("LA") if src.mode in ("LA", "RGBA", "PA", "P") else src.convert("L")
        if grey.mode == "LA":
            lum, alpha = grey.split()
        else:
            lum, alpha = grey, Image.new("L", grey.size, 255)
        ink = Image.eval(lum, lambda v: 255 if v < 200 else 0)  # dark enough = ink
        mask = Image.composite(
            ink, Image.new("L", grey.size, 0), alpha.point(lambda a: 255 if a > 127 else 0)
        )
        out = Image.new("LA", grey.size, (0, 0))
        out.paste((0, 255), mask=mask)
        buf = io.BytesIO()
        out.save(buf, format="PNG")
        return buf.getvalue()


def _check_period(valid_from: date, valid_to: date | None) -> None:
    if valid_to is not None and valid_to < valid_from:
        raise KoinError("終了日が開始日より前です。")


def koin_register(
    *,
    kind: str,
    image_png: bytes,
    valid_from: date,
    valid_to: date | None = None,
    mongon: str = "",
    actor: Actor,
) -> Koin:
    """Register a 公印 image from ``valid_from``; an open row of the same kind is closed
    the day before."""
    if kind not in KoinKind.values:
        raise KoinError("公印の種類を選択してください。")
    try:
        validate_inei_png(image_png)
    except InkanError as exc:
        raise KoinError(str(exc).replace("印影", "公印")) from exc
    _check_period(valid_from, valid_to)
    image = _blacken(image_png)
    with transaction.atomic(durable=True):
        _close_open(Koin.objects.filter(kind=kind), valid_from)
        koin = Koin.objects.create(
            kind=kind,
            image=image,
            image_sha256=hashlib.sha256(image).hexdigest(),
            mongon=mongon.strip()[:60],
            valid_from=valid_from,
            valid_to=valid_to,
            registered_by=actor.username or f"api:{actor.api_client}",
        )
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=JUMINKIROKU,
            screen="公印の登録",
            record_type="koin",
            record_id=koin.pk,
            detail={"kind": kind, "valid_from": valid_from.isoformat()},
        )
    return koin


def ninshosha_register(
    *,
    kubun: str,
    shokumei: str,
    shimei: str,
    valid_from: date,
    valid_to: date | None = None,
    actor: Actor,
) -> Ninshosha:
    """Register a certifier. The 市区町村長 runs open-ended (the previous one is closed);
    a 職務代理者 usually has a period, during which certificates switch to the deputy
    by themselves (1.3.9). A blank name is refused (1.3.9 【実装しない機能】)."""
    if kubun not in NinshoshaKubun.values:
        raise KoinError("認証者の区分を選択してください。")
    shokumei, shimei = shokumei.strip(), shimei.strip()
    if not shokumei:
        raise KoinError("職名を入力してください。")
    if not shimei:
        raise KoinError("氏名を入力してください（氏名を空欄にした認証者は登録できません）。")
    _check_period(valid_from, valid_to)
    with transaction.atomic(durable=True):
        if kubun == NinshoshaKubun.CHOCHO:
            _close_open(Ninshosha.objects.filter(kubun=kubun), valid_from)
        row = Ninshosha.objects.create(
            kubun=kubun,
            shokumei=shokumei[:60],
            shimei=shimei[:60],
            valid_from=valid_from,
            valid_to=valid_to,
            registered_by=actor.username or f"api:{actor.api_client}",
        )
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=JUMINKIROKU,
            screen="認証者の登録",
            record_type="ninshosha",
            record_id=row.pk,
            detail={"kubun": kubun, "valid_from": valid_from.isoformat()},
        )
    return row


def _close_open(qs: object, valid_from: date) -> None:
    from django.db.models import Q, QuerySet

    assert isinstance(qs, QuerySet)
    if qs.filter(valid_from__gte=valid_from).exists():
        raise KoinError("同じ種類で、この開始日以後に始まる登録が既にあります。")
    qs.select_for_update().filter(Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from)).update(
        valid_to=valid_from - timedelta(days=1)
    )
