"""印鑑登録 (印鑑登録証明事務処理要領): 登録, 廃止, 亡失, and 職権抹消 after a 異動.

The 印影 is stored as the PNG the clerk scanned. It is checked to be a real PNG of a
reasonable size before it is kept: it is embedded into certificates later.
"""

from __future__ import annotations

import hashlib
import io
import struct
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from juminkiroku.codes import AtenaKubun, IdoJiyu, InkanStatus, JuminJotai
from juminkiroku.gyomu import INKAN_TOROKU
from juminkiroku.models import Atena, InkanToroku
from juminkiroku.services.numbering import next_inkan_card_no
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record

GYOMU = INKAN_TOROKU
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_INEI_BYTES = 200 * 1024
MAX_INEI_PIXELS = 2000  # per side; a 印影 scanned at 600 dpi is well under this
MIN_AGE = 15  # 印鑑登録証明事務処理要領 第2-1: 15歳未満の者は登録できない

# The 異動 after which a registration ends by itself: the person left the registry
# (印鑑登録証明事務処理要領 第2-6: 転出, 死亡, 住民票の消除).
SHOKKEN_JIYU: dict[str, str] = {
    IdoJiyu.TENSHUTSU.value: "転出による職権抹消",
    IdoJiyu.KOKUGAI_TENSHUTSU.value: "国外転出による職権抹消",
    IdoJiyu.SHIBO.value: "死亡による職権抹消",
    IdoJiyu.SHOKKEN_SHOJO.value: "住民票の職権消除による職権抹消",
    IdoJiyu.SHISSO.value: "失踪宣告（住民票の消除）による職権抹消",
}


class InkanError(Exception):
    pass


def _age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def validate_inei_png(data: bytes) -> None:
    """A PNG (signature and IHDR), at most 200 KB, decodable, of sane dimensions."""
    if not data:
        raise InkanError("印影の画像を指定してください。")
    if len(data) > MAX_INEI_BYTES:
        raise InkanError("印影の画像は200KB以下にしてください。")
    if not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR" or len(data) < 33:
        raise InkanError("印影の画像はPNG形式で指定してください。")
    width, height = struct.unpack(">II", data[16:24])
    if not (1 <= width <= MAX_INEI_PIXELS and 1 <= height <= MAX_INEI_PIXELS):
        raise InkanError(f"印影の画像は縦横{MAX_INEI_PIXELS}ピクセル以内にしてください。")
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG":
                raise InkanError("印影の画像はPNG形式で指定してください。")
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise InkanError("印影の画像が壊れているか、読み取れません。") from exc


def inkan_register(
    *, atena_id: int, image_png: bytes, actor: Actor, toroku_date: date
) -> InkanToroku:
    """印鑑登録: one active registration per resident aged 15 or over."""
    validate_inei_png(image_png)
    today = timezone.localdate()
    if toroku_date > today:
        raise InkanError("登録日に未来の日付は指定できません。")
    try:
        with transaction.atomic(durable=True):
            person = Atena.objects.select_for_update().filter(pk=atena_id).first()
            if person is None:
                raise InkanError("指定された宛名が見つかりません。")
            if person.kubun != AtenaKubun.JUTOSHA or person.jotai != JuminJotai.JUMIN:
                raise InkanError("印鑑登録ができるのは住民の方だけです。")
            if _age_on(person.birth_date, toroku_date) < MIN_AGE:
                raise InkanError("15歳未満の方は印鑑登録できません。")
            if InkanToroku.objects.filter(atena=person, status=InkanStatus.TOROKU).exists():
                raise InkanError("この方は既に印鑑登録をしています。先に廃止してください。")
            toroku = InkanToroku.objects.create(
                atena=person,
                card_no=next_inkan_card_no(),
                inei=image_png,
                inei_sha256=hashlib.sha256(image_png).hexdigest(),
                toroku_date=toroku_date,
                status=InkanStatus.TOROKU,
                created_by=actor.username or f"api:{actor.api_client}",
            )
            access_record(
                actor=actor,
                action=AccessAction.CREATE,
                gyomu=GYOMU,
                screen="印鑑登録",
                record_type=INKAN_TOROKU,
                record_id=toroku.pk,
                detail={"atena_id": person.pk},
            )
    except IntegrityError as exc:
        if "inkan_one_active_per_person" in str(exc):
            raise InkanError("この方は既に印鑑登録をしています。先に廃止してください。") from exc
        raise
    return toroku


def _end(
    *, toroku_id: int, status: str, ended_date: date, reason: str, actor: Actor, screen: str
) -> InkanToroku:
    if ended_date > timezone.localdate():
        raise InkanError("廃止・亡失の日に未来の日付は指定できません。")
    with transaction.atomic(durable=True):
        toroku = InkanToroku.objects.select_for_update().filter(pk=toroku_id).first()
        if toroku is None:
            raise InkanError("印鑑登録が見つかりません。")
        if toroku.status != InkanStatus.TOROKU:
            raise InkanError("この印鑑登録は既に廃止・亡失・抹消されています。")
        if ended_date < toroku.toroku_date:
            raise InkanError("廃止・亡失の日が登録日より前です。")
        toroku.status = status
        toroku.ended_date = ended_date
        toroku.ended_reason = reason.strip()[:200]
        toroku.save(update_fields=["status", "ended_date", "ended_reason"])
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=GYOMU,
            screen=screen,
            record_type=INKAN_TOROKU,
            record_id=toroku.pk,
            detail={"status": status},
        )
    return toroku


def inkan_haishi(
    *, toroku_id: int, actor: Actor, ended_date: date | None = None, reason: str = ""
) -> InkanToroku:
    """廃止届 (the registrant gives the registration up)."""
    return _end(
        toroku_id=toroku_id,
        status=InkanStatus.HAISHI,
        ended_date=ended_date or timezone.localdate(),
        reason=reason or "廃止届",
        actor=actor,
        screen="印鑑登録の廃止",
    )


def inkan_boshitsu(
    *, toroku_id: int, actor: Actor, ended_date: date | None = None, reason: str = ""
) -> InkanToroku:
    """亡失届 (the 印鑑登録証 was lost): the registration ends; a new one can be made."""
    return _end(
        toroku_id=toroku_id,
        status=InkanStatus.BOSHITSU,
        ended_date=ended_date or timezone.localdate(),
        reason=reason or "亡失届",
        actor=actor,
        screen="印鑑登録証の亡失",
    )


def inkan_shokken_massho(
    *, ido_id: int, jiyu: str, ido_date: date, atena_ids: list[int], actor: Actor
) -> int:
    """職権抹消 of the active registrations of the persons a 死亡・転出 本登録 removed.

    Runs inside the event delivery's transaction (no durable block of its own) and is
    idempotent: a registration already ended is left alone. Returns how many ended.
    """
    reason = SHOKKEN_JIYU.get(jiyu)
    if reason is None or not atena_ids:
        return 0
    ended = 0
    rows = InkanToroku.objects.select_for_update().filter(
        atena_id__in=atena_ids, status=InkanStatus.TOROKU
    )
    for toroku in rows:
        toroku.status = InkanStatus.SHOKKEN_MASSHO
        toroku.ended_date = ido_date
        toroku.ended_reason = reason
        toroku.ended_by_ido_id = ido_id
        toroku.save(update_fields=["status", "ended_date", "ended_reason", "ended_by_ido"])
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=GYOMU,
            screen="印鑑登録の職権抹消",
            record_type=INKAN_TOROKU,
            record_id=toroku.pk,
            detail={"ido_id": ido_id, "jiyu": jiyu},
        )
        ended += 1
    return ended
