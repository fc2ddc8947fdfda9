"""What a clerk may type into a 異動, and how it is cleaned before it is stored.

Shared by 異動入力 (``enter``) and 住登外者の登録 (``juminkiroku.services.jutogai``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from juminkiroku import gyomu
from juminkiroku.codes import JuminShubetsu, Sex, ZairyuKubun
from juminkiroku.models import PERSON_FIELD_NAMES, Atena
from juminkiroku.rules.fusho import FUSHO_FIELDS, parse_fusho
from juminkiroku.rules.zokugara import parse_zokugara
from tenants.checkdigits import is_valid_juminhyo_code, is_valid_kojin_bango, normalise_postal_code
from tenants.text import text_problem

GYOMU = gyomu.JUMINKIROKU

DATE_FIELDS = {
    "birth_date",
    "zairyu_kikan_to",
    "jumin_date",
    "jutei_date",
    "todoke_date",
    "shojo_date",
}
# 標準仕様書 1.1.17: 住所, 転入前住所, 転出先住所（予定） (the 確定 one: models.tenshutsu).
POSTAL_FIELDS = {"postal_code", "tennyu_mae_postal_code", "tenshutsu_saki_postal_code"}
# Set by the service from the 異動 itself, never typed in.
SERVICE_FIELDS = {"kubun", "jotai", "setai_id", "shojo_date", "shojo_jiyu"}
# フリガナ確認 of 氏名, 旧氏 and 通称 (標準仕様書 1.1.18).
KAKUNIN_FIELDS = {"kana_kakunin", "kyuuji_kana_kakunin", "tsusho_kana_kakunin"}
_DATE_OF_FUSHO = {text: day for day, text in FUSHO_FIELDS.items()}
EDITABLE_FIELDS = set(PERSON_FIELD_NAMES) - SERVICE_FIELDS

FIELD_LABELS: dict[str, str] = {
    f.attname: str(f.verbose_name) for f in Atena._meta.concrete_fields if hasattr(f, "attname")
}


class IdoError(Exception):
    """A refused 異動. ``errors`` maps a field (or "__all__") to Japanese messages."""

    def __init__(self, errors: dict[str, list[str]] | str) -> None:
        if isinstance(errors, str):
            errors = {"__all__": [errors]}
        self.errors = errors
        super().__init__("; ".join(m for ms in errors.values() for m in ms))


def clean_fields(raw: dict[str, Any], prefix: str, errors: dict[str, list[str]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in raw.items():
        key = f"{prefix}{name}"
        if name not in EDITABLE_FIELDS:
            errors.setdefault(key, []).append(f"「{name}」はこの画面では変更できない項目です。")
            continue
        # No item of a 住民票 is multi-line; NUL would reach the jsonb payload (a 500).
        if isinstance(value, str):
            problem = text_problem(value, label=FIELD_LABELS[name])
            if problem is not None:
                errors.setdefault(key, []).append(problem)
                continue
        if name in DATE_FIELDS:
            if value in (None, ""):
                out[name] = None
                continue
            try:
                out[name] = date.fromisoformat(str(value)).isoformat()
            except ValueError:
                errors.setdefault(key, []).append(f"{FIELD_LABELS[name]}の日付が正しくありません。")
            continue
        if name in _DATE_OF_FUSHO:
            text = "" if value is None else str(value).strip()
            if not text:
                out[name] = ""
                continue
            try:
                fusho = parse_fusho(text)
            except ValueError as exc:
                errors.setdefault(key, []).append(f"{FIELD_LABELS[name]}: {exc}")
                continue
            out[name] = fusho.text
            day = _DATE_OF_FUSHO[name]
            if fusho.internal is not None and not raw.get(day) and day not in SERVICE_FIELDS:
                # 1.1.8: the date is kept internally too; typed, it wins over this one.
                # (The 消除日 is the 異動日 of the 消除: only its 不詳 form is typed.)
                out[day] = fusho.internal.isoformat()
            continue
        if name in KAKUNIN_FIELDS:
            out[name] = bool(value)
            continue
        if name == "setai_order":
            try:
                out[name] = int(value)
            except (TypeError, ValueError):
                errors.setdefault(key, []).append("並び順は数字で入力してください。")
            continue
        text = "" if value is None else str(value).strip()
        if name in POSTAL_FIELDS and text:
            try:
                text = normalise_postal_code(text)
            except ValueError as exc:
                errors.setdefault(key, []).append(str(exc).split(":")[0] + "。")
                continue
        if name == "juminhyo_code" and text and not is_valid_juminhyo_code(text):
            errors.setdefault(key, []).append("住民票コードの検査数字が一致しません（11桁）。")
            continue
        if name == "kojin_bango" and text and not is_valid_kojin_bango(text):
            errors.setdefault(key, []).append("個人番号の検査用数字が一致しません（12桁）。")
            continue
        if name == "sex" and text not in Sex.values:
            errors.setdefault(key, []).append("性別を選択してください。")
            continue
        if name == "shubetsu" and text not in JuminShubetsu.values:
            errors.setdefault(key, []).append("住民種別を選択してください。")
            continue
        if name == "zairyu_kubun" and text and text not in ZairyuKubun.values:
            errors.setdefault(key, []).append("法第30条の45区分を選択してください。")
            continue
        if name == "zokugara" and text:
            try:
                text = parse_zokugara(text)  # 標準仕様書 1.1.11
            except ValueError as exc:
                errors.setdefault(key, []).append(str(exc))
                continue
        max_length = getattr(Atena._meta.get_field(name), "max_length", None)
        if max_length and len(text) > max_length:
            errors.setdefault(key, []).append(
                f"{FIELD_LABELS[name]}は{max_length}文字以内で入力してください。"
            )
            continue
        out[name] = text
    return out


def check_free_text(value: str, *, key: str, label: str) -> None:
    """A 備考 or a reason given to a 異動 service: refused (IdoError) if it holds a control
    character. They are single-line inputs on every screen."""
    problem = text_problem(value, label=label)
    if problem is not None:
        raise IdoError({key: [problem]})


def iso_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value
