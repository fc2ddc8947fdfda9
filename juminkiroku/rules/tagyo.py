"""The rules of 他業務の登録情報 (標準仕様書 7.2.2): which items each 業務 has, and what a
value must be. Pure: no database (juminkiroku.services.tagyo writes)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from juminkiroku.models.tagyo import NenkinShubetsu, TagyoKind
from tenants import tagyo
from tenants.text import text_problem

# 基礎年金番号: 4桁の記号と6桁の番号、計10桁 (日本年金機構「基礎年金番号通知書」の様式).
KISO_NENKIN_NO = re.compile(r"\d{10}")


def _kind_label(kind: str) -> str:
    return tagyo.KIND_LABELS.get(kind, kind)


def item_label(kind: str, item: str) -> str:
    if item == "gaito":
        return tagyo.GAITO_LABELS.get(kind, tagyo.ITEM_LABELS[item])
    return tagyo.ITEM_LABELS[item]


def tagyo_check(
    kind: str, values: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The 業務's items (every item of ``tenants.tagyo.ITEMS``, empty where not sent) and
    the refusals, by item. ``values`` holds typed values: bool/None, date/None, str."""
    errors: dict[str, list[str]] = {}
    if kind not in TagyoKind.values:
        return {}, {"kind": ["業務が正しくありません。"]}
    allowed = tagyo.KIND_ITEMS[kind]
    clean: dict[str, Any] = {}
    for item in tagyo.ITEMS:
        value = values.get(item)
        empty = value is None or value == ""
        if item not in allowed:
            if not empty:
                errors.setdefault(item, []).append(
                    f"{tagyo.ITEM_LABELS[item]}は{_kind_label(kind)}の項目ではありません。"
                )
            clean[item] = "" if item in ("kiso_nenkin_no", "nenkin_shubetsu") else None
            continue
        if item in ("kiso_nenkin_no", "nenkin_shubetsu"):
            text = "" if value is None else str(value).strip()
            problem = text_problem(text, label=item_label(kind, item))
            if problem is not None:
                errors.setdefault(item, []).append(problem)
            elif item == "kiso_nenkin_no" and text and not KISO_NENKIN_NO.fullmatch(text):
                errors.setdefault(item, []).append("基礎年金番号は10桁の数字にしてください。")
            elif item == "nenkin_shubetsu" and text and text not in NenkinShubetsu.values:
                errors.setdefault(item, []).append("被保険者種別が正しくありません。")
            clean[item] = text
        elif item == "gaito":
            if not (value is None or isinstance(value, bool)):
                errors.setdefault(item, []).append(f"{item_label(kind, item)}が正しくありません。")
            clean[item] = value if isinstance(value, bool) else None
        else:
            if not (value is None or isinstance(value, date)):
                errors.setdefault(item, []).append(f"{item_label(kind, item)}が正しくありません。")
                value = None
            if item in tagyo.MONTH_ITEMS and value is not None:
                value = value.replace(day=1)
            clean[item] = value
    if (
        clean.get("shutoku_date")
        and clean.get("soshitsu_date")
        and clean["soshitsu_date"] < clean["shutoku_date"]
    ):
        errors.setdefault("soshitsu_date", []).append(
            "資格喪失年月日が資格取得年月日より前になっています。"
        )
    kaishi, shuryo = clean.get("kaishi_ym"), clean.get("shuryo_ym")
    if kaishi and shuryo and shuryo < kaishi:
        errors.setdefault("shuryo_ym", []).append(
            "受給終了年月が受給開始年月より前になっています。"
        )
    if clean.get("shubetsu_henko_date") and not clean.get("nenkin_shubetsu"):
        errors.setdefault("nenkin_shubetsu", []).append(
            "種別変更年月日があるときは被保険者種別も指定してください。"
        )
    return clean, errors
