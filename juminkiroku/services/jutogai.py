"""住登外者 (宛名管理): people the town deals with who are not its residents — owners of
property living elsewhere, taxpayers of other towns, former residents' contacts.

They get a 宛名番号 like residents but no 住民票 (no history version); if one later moves
in, the 転入 reuses the same 宛名 (標準仕様書 4.1.1.2 再転入者) through the 異動 services.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from juminkiroku.codes import AtenaKubun, JuminJotai
from juminkiroku.gyomu import ATENA_KANRI
from juminkiroku.models import Atena
from juminkiroku.rules.kana import kana_key, name_key
from juminkiroku.services.ido.fields import IdoError, clean_fields
from juminkiroku.services.numbering import next_atena_no
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record

REQUIRED = ("shimei", "shimei_kana", "jusho")


def jutogai_register(*, fields: dict[str, Any], actor: Actor) -> Atena:
    errors: dict[str, list[str]] = {}
    cleaned = clean_fields(fields, "", errors)
    for name in REQUIRED:
        if not cleaned.get(name):
            errors.setdefault(name, []).append(
                f"{getattr(Atena._meta.get_field(name), 'verbose_name', name)}を入力してください。"
            )
    if errors:
        raise IdoError(errors)
    with transaction.atomic(durable=True):
        atena = Atena(atena_no=next_atena_no(), kubun=AtenaKubun.JUTOGAI, jotai=JuminJotai.JUTOGAI)
        for name, value in cleaned.items():
            setattr(atena, name, value)
        if not atena.birth_date:
            raise IdoError({"birth_date": ["生年月日を入力してください。"]})
        atena.kana_key = kana_key(atena.shimei_kana)
        atena.name_key = name_key(atena.shimei)
        atena.save()
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=ATENA_KANRI,
            screen="住登外者登録",
            record_type="atena",
            record_id=atena.pk,
        )
    return atena
