"""住所辞書 maintenance (標準仕様書 1.3.3: 住所情報は職員でも容易に修正できること).

Staff add and correct the town's own dictionary rows (住所コード, 郵便番号, 町字, フリガナ,
地区). Each write is one transaction with its access-log row; a refused write changes
nothing. The persons' addresses are not touched: a dictionary row is what the clerks pick
from, not a reference the 住民票 follows (changing the addresses of residents is the
住所一括変更 of 9.7).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models import Chiku, JushoJisho
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.checkdigits import normalise_postal_code
from tenants.text import text_problem

_DIGITS = re.compile(r"[0-9]{1,20}")
_KANA = re.compile(r"[ァ-ヴー・　 ]*")


class JishoError(Exception):
    """A refused write. ``errors`` maps a field (or "__all__") to Japanese messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(m for ms in errors.values() for m in ms))


@dataclass(frozen=True)
class JishoInput:
    jusho_code: str
    postal_code: str
    name: str
    kana: str = ""
    chiku_code: str = ""


def _clean(data: JishoInput) -> dict[str, object]:
    errors: dict[str, list[str]] = {}
    labels = {
        "jusho_code": "住所コード",
        "postal_code": "郵便番号",
        "name": "町字",
        "kana": "フリガナ",
    }
    for key, label in labels.items():
        problem = text_problem(getattr(data, key), label=label)
        if problem:
            errors.setdefault(key, []).append(problem)
    if errors:
        raise JishoError(errors)
    code = data.jusho_code.strip()
    if not _DIGITS.fullmatch(code):
        errors.setdefault("jusho_code", []).append("住所コードは20桁以内の数字で入力してください。")
    postal = ""
    try:
        postal = normalise_postal_code(data.postal_code)
    except ValueError:
        errors.setdefault("postal_code", []).append(
            "郵便番号は7桁の数字（例: 240-0112）で入力してください。"
        )
    name = data.name.strip()
    if not name:
        errors.setdefault("name", []).append("町字を入力してください。")
    elif len(name) > 120:
        errors.setdefault("name", []).append("町字は120文字以内で入力してください。")
    kana = data.kana.strip()
    if not _KANA.fullmatch(kana) or len(kana) > 200:
        errors.setdefault("kana", []).append(
            "フリガナは全角カタカナ200文字以内で入力してください。"
        )
    chiku = None
    if data.chiku_code:
        chiku = Chiku.objects.filter(code=data.chiku_code).first()
        if chiku is None:
            errors.setdefault("chiku_code", []).append("地区が見つかりません。")
    if errors:
        raise JishoError(errors)
    return {"jusho_code": code, "postal_code": postal, "name": name, "kana": kana, "chiku": chiku}


def jisho_save(*, data: JishoInput, actor: Actor, pk: int | None = None) -> JushoJisho:
    """Add a 住所辞書 row (``pk`` None) or correct one."""
    values = _clean(data)
    try:
        with transaction.atomic(durable=True):
            if pk is None:
                row = JushoJisho.objects.create(**values)
                action = AccessAction.CREATE
            else:
                found = JushoJisho.objects.select_for_update().filter(pk=pk).first()
                if found is None:
                    raise JishoError({"__all__": ["住所辞書の行が見つかりません。"]})
                for key, value in values.items():
                    setattr(found, key, value)
                found.save()
                row = found
                action = AccessAction.UPDATE
            access_record(
                actor=actor,
                action=action,
                gyomu=JUMINKIROKU,
                screen="住所辞書",
                record_type="jusho_jisho",
                record_id=row.pk,
            )
    except IntegrityError as exc:
        raise JishoError({"jusho_code": ["この住所コードは既に登録されています。"]}) from exc
    return row


def chiku_save(*, code: str, name: str, actor: Actor, pk: int | None = None) -> Chiku:
    """Add a 地区 (``pk`` None) or rename one (標準仕様書 1.3.5). Its code is kept once given:
    persons and dictionary rows refer to it."""
    errors: dict[str, list[str]] = {}
    for key, value, label in (("code", code, "地区コード"), ("name", name, "地区名")):
        problem = text_problem(value, label=label)
        if problem:
            errors.setdefault(key, []).append(problem)
    if errors:
        raise JishoError(errors)
    code, name = code.strip(), name.strip()
    if pk is None and not re.fullmatch(r"[0-9A-Za-z]{1,10}", code):
        errors.setdefault("code", []).append("地区コードは10桁以内の英数字で入力してください。")
    if not name or len(name) > 60:
        errors.setdefault("name", []).append("地区名を60文字以内で入力してください。")
    if errors:
        raise JishoError(errors)
    try:
        with transaction.atomic(durable=True):
            if pk is None:
                chiku = Chiku.objects.create(code=code, name=name)
                action = AccessAction.CREATE
            else:
                found = Chiku.objects.select_for_update().filter(pk=pk).first()
                if found is None:
                    raise JishoError({"__all__": ["地区が見つかりません。"]})
                found.name = name
                found.save(update_fields=["name"])
                chiku = found
                action = AccessAction.UPDATE
            access_record(
                actor=actor,
                action=action,
                gyomu=JUMINKIROKU,
                screen="地区",
                record_type="chiku",
                record_id=chiku.pk,
            )
    except IntegrityError as exc:
        raise JishoError({"code": ["この地区コードは既に登録されています。"]}) from exc
    return chiku
