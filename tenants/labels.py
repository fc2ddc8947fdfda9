"""Words for what a screen shows (STYLE.md, "Screens"): a coded value by its label, a date
in 和暦, a 年度 as 令和N年度, a postal code with its hyphen, money with commas and 円, a
ratio as a percentage, and an internal name (a 業務 code, a job kind, an access-log screen
or record type, a system actor) as the words a clerk reads.

Every function takes what is stored and returns text; none raises on a value it does not
know (a screen must render), but an unknown internal name is returned unchanged so that
the screen scan (tests/test_words_on_screens.py) finds it and someone gives it words.
The template filters are in ``tenants.templatetags.jp``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache
from typing import Any

from django.db import models
from django.utils import timezone

from tenants.modules.spec import PLATFORM
from tenants.wareki import format_nendo, format_wareki, format_wareki_year

__all__ = [
    "SYSTEM_ACTORS",
    "WordBook",
    "actor_words",
    "field_display",
    "nendo",
    "nendo_choices",
    "percent",
    "postal",
    "wareki_date",
    "word_for",
    "yen",
]

# --- plain values --------------------------------------------------------------------------


def wareki_date(value: Any) -> str:
    """A date (or an ISO date string, as a 異動's payload stores it) in 和暦; a datetime
    in local time. Text that is not a date comes back unchanged."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    elif isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            return value
    if not isinstance(value, date):
        return str(value)
    try:
        return format_wareki(value)
    except ValueError:  # before 明治6年 (lunisolar calendar): the date as it is
        return f"{value.year}年{value.month}月{value.day}日"


def wareki_month(value: Any) -> str:
    """A month (stored as its first day: a go-live or subscription month) as 令和8年4月;
    元年 for the first year of an era."""
    text = wareki_date(value)
    return text[: text.index("月") + 1] if "月" in text and "年" in text else text


def wareki_year(value: Any) -> str:
    """A calendar year (a 所得年) as 令和6年; anything else unchanged."""
    if value in (None, ""):
        return ""
    try:
        return format_wareki_year(int(value))
    except (TypeError, ValueError):
        return str(value)


def nendo(value: Any) -> str:
    """A 年度 (its starting 西暦 year, as stored) as 令和N年度; anything else unchanged."""
    if value in (None, ""):
        return ""
    try:
        return format_nendo(int(value))
    except (TypeError, ValueError):
        return str(value)


def nendo_choices(years: range | list[int]) -> list[tuple[int, str]]:
    """Choices of a 年度 select: the stored 西暦 year, shown as 令和7年度（2025）."""
    return [(y, f"{format_nendo(y)}（{y}）") for y in years]


_POSTAL = re.compile(r"^(\d{3})-?(\d{4})$")


def postal(value: Any, *, mark: bool = True) -> str:
    """2400112 → 〒240-0112 (``mark=False``: 240-0112). Anything else unchanged."""
    text = "" if value is None else str(value).strip()
    m = _POSTAL.match(text)
    if m is None:
        return text
    return f"{'〒' if mark else ''}{m[1]}-{m[2]}"


def yen(value: Any) -> str:
    """1234567 → 1,234,567円; negative amounts keep their sign (−1,000円)."""
    if value in (None, ""):
        return ""
    try:
        amount = int(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return str(value)
    sign = "−" if amount < 0 else ""
    return f"{sign}{abs(amount):,}円"


def percent(value: Any, places: int = 1) -> str:
    """A ratio stored as a fraction (0.3, Decimal("0.25"), Fraction(1, 3)) as 30%; trailing
    zeros dropped (0.3 → 30%, 0.125 → 12.5%)."""
    if value in (None, ""):
        return ""
    try:
        ratio = Fraction(str(value)) if not isinstance(value, Fraction) else value
    except (ValueError, ZeroDivisionError):
        return str(value)
    scaled = round(Decimal(ratio.numerator) * 100 / Decimal(ratio.denominator), places)
    text = f"{scaled:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


# --- a model field's stored value ----------------------------------------------------------


def field_display(model: type[models.Model], name: str, value: Any) -> str:
    """The stored ``value`` of ``model.name`` as a screen shows it: a choice by its label,
    a date in 和暦, a 郵便番号 with its hyphen, a yes/no field as あり/なし."""
    if value in (None, ""):
        return ""
    try:
        f = model._meta.get_field(name)
    except Exception:
        return str(value)
    # A field whose values are composed (a 続柄 chain) says itself how it reads.
    display_value = getattr(f, "display_value", None)
    if callable(display_value):
        return str(display_value(value))
    if getattr(f, "choices", None):
        labels = {str(code): str(label) for code, label in f.flatchoices}  # type: ignore[union-attr]
        return labels.get(str(value), str(value))
    if isinstance(f, models.DateField | models.DateTimeField):
        return wareki_date(value)
    if isinstance(f, models.BooleanField):
        return "あり" if value in (True, "on", "true", "1", 1) else "なし"
    if name == "postal_code" or str(getattr(f, "verbose_name", "")) == "郵便番号":
        return postal(value, mark=False)
    return str(value)


# --- internal names ------------------------------------------------------------------------

# Names of actors that are not staff: rows written by a loader, a batch or the platform.
SYSTEM_ACTORS: dict[str, str] = {
    "demo-setup": "システム（初期データ）",
    "watchdog": "システム（処理の監視）",
    "batch": "システム（バッチ処理）",
}

# The platform's own identifiers as the access log and the jobs record them.
PLATFORM_WORDS: dict[str, str] = {
    PLATFORM: "共通基盤",
    # screens and functions
    "login": "ログイン",
    "logout": "ログアウト",
    "login_password": "ログイン（パスワード）",
    "login_password_elsewhere": "ログイン（別団体のパスワード）",
    "login_totp": "ログイン（確認コード）",
    "support_membership_grant": "応援職員の登録",
    "municipality_provision": "団体の登録",
    "apiclient_create": "連携システム（APIキー）の発行",
    "apiclient_deactivate": "連携システム（APIキー）の停止",
    "network_range": "接続元ネットワーク",
    "job_file_download": "バッチ処理の結果ファイル",
    "town_backup": "団体のバックアップ",
    "town_restore": "団体のバックアップの復元",
    "town_restore_drill": "復元訓練",
    # SLA figures: the kind of a timed request (tenants.models.sla.RequestKind)
    "screen": "画面",
    # record types
    "api_client": "連携システム",
    "host": "接続先",
    "job": "バッチ処理",
    "job_chunk": "バッチ処理の単位",
    "job_file": "バッチ処理の結果ファイル",
    "membership": "所属・権限",
    "municipal_parameter": "条例で定める値",
    "municipality": "団体",
    "staff": "職員",
    "grant": "操作権限",
}


@lru_cache(maxsize=1)
def _module_words() -> dict[str, str]:
    from tenants.modules.registry import all_modules

    out: dict[str, str] = {}
    for spec in all_modules():
        out.update(spec.words)
    return out


def _gyomu_names() -> dict[str, str]:
    """The catalogue (public schema, a few dozen rows), cached like the other platform
    rows every request reads."""
    from tenants.models import Gyomu
    from tenants.platform_cache import cached

    return cached("gyomu-names", lambda: dict(Gyomu.objects.values_list("code", "name")))


def _job_title(kind: str) -> str | None:
    from tenants.jobs.registry import autoload, get_kind

    autoload()
    found = get_kind(kind)
    return None if found is None else str(found.title)


def word_for(identifier: Any) -> str:
    """An internal name as words: a 業務 code → its name (kojin_juminzei → 個人住民税), a job
    kind (``job:zeimu_tosho_fuka`` or the bare kind) → its title, an API view → 「API（…）」,
    a module's or the platform's screen or record type → its declared words. Japanese text
    (most screens log their title) and unknown names come back unchanged."""
    text = "" if identifier is None else str(identifier)
    if not text or not text.isascii():
        return text
    if text in PLATFORM_WORDS:
        return PLATFORM_WORDS[text]
    words = _module_words()
    if text in words:
        return words[text]
    if text in SYSTEM_ACTORS:
        return SYSTEM_ACTORS[text]
    names = _gyomu_names()
    if text in names:
        return names[text]
    kind = text.removeprefix("job:")
    title = _job_title(kind)
    if title is not None:
        return f"バッチ処理「{title}」" if text.startswith("job:") else title
    if text.startswith("api."):
        inner = word_for(text.removeprefix("api."))
        return f"API（{inner}）" if inner != text.removeprefix("api.") else "API（連携システム）"
    if re.fullmatch(r"[A-Z]\w*(View|ViewSet|API)", text):  # an API view logs its class name
        return "API（連携システム）"
    return text


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class WordBook:
    """``word_for`` and ``actor_words`` remembered for one page or one export chunk: a list
    of 50 access-log rows names the same few 業務 and screens, read once."""

    def __init__(self) -> None:
        self._words: dict[str, str] = {}
        self._actors: dict[str, str] = {}

    def word(self, identifier: Any) -> str:
        key = "" if identifier is None else str(identifier)
        if key not in self._words:
            self._words[key] = word_for(key)
        return self._words[key]

    def actor(self, username: Any) -> str:
        key = "" if username is None else str(username)
        if key not in self._actors:
            self._actors[key] = actor_words(key)
        return self._actors[key]

    def access_row(self, row: Any) -> dict[str, str]:
        """The words of one access-log row: who, 業務, screen and record type."""
        return {
            "who": self.actor(row.username) if row.username else str(row.api_client or ""),
            "gyomu": self.word(row.gyomu),
            "screen": self.word(row.screen),
            "record_type": self.word(row.record_type),
            # some records are named by a day (人口統計 of 2026-04-01): shown in 和暦
            "record_id": wareki_date(row.record_id)
            if _ISO_DAY.match(row.record_id or "")
            else str(row.record_id or ""),
        }


def actor_words(username: Any) -> str:
    """A 実行者 / 入力者 as a clerk reads it: staff by their login name, system actors
    (``demo-setup``, ``system:…``, a loader) as 「システム（…）」."""
    text = "" if username is None else str(username)
    if text in SYSTEM_ACTORS:
        return SYSTEM_ACTORS[text]
    if text.startswith("system:"):
        inner = word_for(text.removeprefix("system:"))
        return f"システム（{inner}）" if inner != text.removeprefix("system:") else "システム"
    words = _module_words()
    if text in words:
        return words[text]
    return text
