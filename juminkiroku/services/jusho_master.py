"""住居表示・地番 (標準仕様書 1.3.2) and 方書 (1.3.4) maintenance by staff.

Like the 住所辞書 (``juminkiroku.services.jisho``), each write is one transaction with its
access-log row, and a refused write changes nothing. The numeric codes of a 番地 are read
from its 表記 (``juminkiroku.rules.bango``), so the code and the text cannot disagree. A
row is never deleted: it is ended with an 有効終了日 (a 住居表示 実施 ends the 地番 it
replaces), so what was valid on a past date stays shown. The residents' addresses are not
touched here (that is the 住所一括変更 of 9.7).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction

from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models import Banchi, BanchiKubun, JushoJisho, Katagaki
from juminkiroku.rules.bango import bango_codes
from juminkiroku.services.jisho import JishoError
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.text import text_problem

_KANA = re.compile(r"[ァ-ヴー・　 0-9０-９]*")


@dataclass(frozen=True)
class BanchiInput:
    kubun: str
    hyoki: str
    valid_from: date | None = None
    valid_to: date | None = None
    # The 番地 that replaced this one (住居表示・区画整理の実施): its 住所コード and 表記.
    ato_jusho_code: str = ""
    ato_hyoki: str = ""


@dataclass(frozen=True)
class KatagakiInput:
    name: str
    kana: str = ""
    banchi_id: int | None = None
    valid_from: date | None = None
    valid_to: date | None = None


def _validity(errors: dict[str, list[str]], start: date | None, end: date | None) -> None:
    if start and end and end < start:
        errors.setdefault("valid_to", []).append("有効終了日は有効開始日以後の日にしてください。")


def _save(
    model: type[Banchi] | type[Katagaki],
    values: dict[str, object],
    *,
    actor: Actor,
    pk: int | None,
    screen: str,
    record_type: str,
    duplicate: str,
    duplicate_field: str,
) -> Banchi | Katagaki:
    try:
        with transaction.atomic(durable=True):
            if pk is None:
                row = model.objects.create(**values)
                action = AccessAction.CREATE
            else:
                found = model.objects.select_for_update().filter(pk=pk).first()
                if found is None:
                    raise JishoError({"__all__": [f"{screen}の行が見つかりません。"]})
                if found.jisho_id != values["jisho"].pk:  # type: ignore[attr-defined]
                    raise JishoError({"__all__": ["町字は変えられません。"]})
                for key, value in values.items():
                    setattr(found, key, value)
                found.save()
                row = found
                action = AccessAction.UPDATE
            access_record(
                actor=actor,
                action=action,
                gyomu=JUMINKIROKU,
                screen=screen,
                record_type=record_type,
                record_id=row.pk,
            )
    except IntegrityError as exc:
        raise JishoError({duplicate_field: [duplicate]}) from exc
    return row


def banchi_save(
    *, jisho: JushoJisho, data: BanchiInput, actor: Actor, pk: int | None = None
) -> Banchi:
    """Add a 住居表示・地番 under ``jisho`` (``pk`` None) or correct one (1.3.2)."""
    errors: dict[str, list[str]] = {}
    problem = text_problem(data.hyoki, label="番地表記")
    if problem:
        raise JishoError({"hyoki": [problem]})
    hyoki = data.hyoki.strip()
    if data.kubun not in BanchiKubun.values:
        errors.setdefault("kubun", []).append("区分を選んでください。")
    codes = bango_codes(hyoki)
    if not hyoki or len(hyoki) > 60:
        errors.setdefault("hyoki", []).append("番地表記を60文字以内で入力してください。")
    elif not codes:
        errors.setdefault("hyoki", []).append(
            "番地表記に番地の数字がありません（例: 1番2号、123番地4）。"
        )
    _validity(errors, data.valid_from, data.valid_to)
    ato = None
    if data.ato_jusho_code.strip() or data.ato_hyoki.strip():
        ato = Banchi.objects.filter(
            jisho__jusho_code=data.ato_jusho_code.strip(), hyoki=data.ato_hyoki.strip()
        ).first()
        if ato is None:
            errors.setdefault("ato_hyoki", []).append(
                "実施後の番地が見つかりません。先に実施後の町字に番地を登録してください。"
            )
        elif ato.pk == pk:
            errors.setdefault("ato_hyoki", []).append("実施後の番地に同じ番地は指定できません。")
        elif data.valid_to is None:
            errors.setdefault("valid_to", []).append(
                "実施後の番地を指定するときは、有効終了日（実施日の前日）を入力してください。"
            )
    if errors:
        raise JishoError(errors)
    parts = [*codes[:3], None, None, None]
    row = _save(
        Banchi,
        {
            "jisho": jisho,
            "kubun": data.kubun,
            "hyoki": hyoki,
            "banchi_no": parts[0],
            "edaban_no": parts[1],
            "go_no": parts[2],
            "valid_from": data.valid_from,
            "valid_to": data.valid_to,
            "ato": ato,
        },
        actor=actor,
        pk=pk,
        screen="住居表示・地番",
        record_type="banchi",
        duplicate="この番地は既にこの町字に登録されています。",
        duplicate_field="hyoki",
    )
    assert isinstance(row, Banchi)
    return row


def katagaki_save(
    *, jisho: JushoJisho, data: KatagakiInput, actor: Actor, pk: int | None = None
) -> Katagaki:
    """Add a 方書 to ``jisho`` (and, when given, one of its 番地) or correct one (1.3.4)."""
    errors: dict[str, list[str]] = {}
    for key, label in (("name", "方書"), ("kana", "フリガナ")):
        problem = text_problem(getattr(data, key), label=label)
        if problem:
            errors.setdefault(key, []).append(problem)
    if errors:
        raise JishoError(errors)
    name, kana = data.name.strip(), data.kana.strip()
    if not name or len(name) > 120:
        errors.setdefault("name", []).append("方書を120文字以内で入力してください。")
    if not _KANA.fullmatch(kana) or len(kana) > 200:
        errors.setdefault("kana", []).append(
            "フリガナは全角カタカナ200文字以内で入力してください。"
        )
    banchi = None
    if data.banchi_id is not None:
        banchi = Banchi.objects.filter(pk=data.banchi_id, jisho=jisho).first()
        if banchi is None:
            errors.setdefault("banchi", []).append("この町字の番地から選んでください。")
    _validity(errors, data.valid_from, data.valid_to)
    if errors:
        raise JishoError(errors)
    same = Katagaki.objects.filter(jisho=jisho, banchi=banchi, name=name)
    if (same.exclude(pk=pk) if pk is not None else same).exists():
        # NULL 番地 is not caught by the unique constraint.
        raise JishoError({"name": ["この方書は既にこの住所に登録されています。"]})
    row = _save(
        Katagaki,
        {
            "jisho": jisho,
            "banchi": banchi,
            "name": name,
            "kana": kana,
            "valid_from": data.valid_from,
            "valid_to": data.valid_to,
        },
        actor=actor,
        pk=pk,
        screen="方書",
        record_type="katagaki",
        duplicate="この方書は既にこの住所に登録されています。",
        duplicate_field="name",
    )
    assert isinstance(row, Katagaki)
    return row
