"""EUC機能 (標準仕様書 10.1): the data source, the conditions and the run of a saved
extraction (``EucChushutsu``).

The data source is virtual (10.1 allows 「仮想的なデータソース」): the items of a 住民票 held
in ``Atena`` — 住民, and with 「除票・住登外を含む」 also 除票 and 住登外者 — and the
個人番号カードの交付状況 (``CardJokyo``), under the names
a clerk knows (the 中間標準レイアウト's データ項目名称 where they match), with their codes
shown as words. Conditions compare an item with a value (=, !=, 以上, 以下, 含む, 空欄 …);
年齢 is computed on the day of the run (a function over 生年月日).

Persons never extracted (3.1, 3.4): a person or household under an active 照会抑止
(error), and the 申出者 and 併せて支援を求める者 of an active 支援措置; an extraction's list,
CSV and count go to staff who are not the 支援措置 desk. 個人番号 is an item only for the
holders of the 個人番号の表示 grant (10.3), as a column and as a condition.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from juminkiroku.codes import (
    AtenaKubun,
    IdoJiyu,
    JuminJotai,
    JuminShubetsu,
    Sex,
    YokushiLevel,
    YokushiProcess,
)
from juminkiroku.models import (
    Atena,
    CardJokyo,
    EucChushutsu,
    ShienHeisha,
    ShienSochi,
    Yokushi,
)
from juminkiroku.models.cs import CardJotai, CardShurui
from juminkiroku.selectors.yokushi import active_yokushi_q
from tenants.age import age_on, latest_birth_for_age
from tenants.wareki import format_wareki, parse_wareki

PAGE_SIZE = 50
MAX_JOKEN = 8
MAX_ROWS = 100_000  # one CSV; larger extractions are split by their conditions


@dataclass(frozen=True)
class Komoku:
    """One item of the data source."""

    key: str
    label: str
    kind: str  # "text", "date", "code", "age"
    path: str = ""
    choices: Mapping[str, str] = field(default_factory=dict)
    kojin_bango: bool = False


def _k(key: str, label: str, kind: str = "text", **kw: Any) -> Komoku:
    return Komoku(key, label, kind, path=kw.pop("path", key), **kw)


KOMOKU: dict[str, Komoku] = {
    k.key: k
    for k in (
        _k("atena_no", "宛名番号"),
        _k("setai_no", "世帯番号", path="setai__setai_no"),
        _k("shimei", "氏名"),
        _k("shimei_kana", "氏名フリガナ"),
        _k("kyuuji", "旧氏"),
        _k("tsusho", "通称"),
        _k("alpha_name", "氏名（アルファベット）"),
        _k("birth_date", "生年月日", "date"),
        _k("age", "年齢（抽出日現在）", "age", path="birth_date"),
        _k("sex", "性別", "code", choices=dict(Sex.choices)),
        _k("shubetsu", "住民種別", "code", choices=dict(JuminShubetsu.choices)),
        _k("jotai", "住民状態", "code", choices=dict(JuminJotai.choices)),
        _k("kubun", "宛名区分", "code", choices=dict(AtenaKubun.choices)),
        _k("postal_code", "郵便番号"),
        _k("jusho", "住所"),
        _k("banchi", "番地"),
        _k("katagaki", "方書"),
        _k("chiku_code", "地区コード"),
        _k("honseki", "本籍"),
        _k("hittosha", "筆頭者"),
        _k("jumin_date", "住民となった年月日", "date"),
        _k("jutei_date", "住所を定めた年月日", "date"),
        _k("todoke_date", "届出年月日", "date"),
        _k("tennyu_mae_jusho", "転入前住所"),
        _k("tenshutsu_saki_jusho", "転出先住所"),
        _k("shojo_date", "消除年月日", "date"),
        _k("shojo_jiyu", "消除事由", "code", choices=dict(IdoJiyu.choices)),
        _k("kokuseki", "国籍・地域"),
        _k("zairyu_shikaku", "在留資格"),
        _k("zairyu_kikan_to", "在留期間の満了の日", "date"),
        _k("zairyu_card_no", "在留カード等番号"),
        _k("juminhyo_code", "住民票コード"),
        _k("kojin_bango", "個人番号", kojin_bango=True),
        # Not in the 中間標準レイアウト but managed here (10.1: e.g. 個人番号カードの発行状況).
        _k("card_jotai", "個人番号カードの交付状況", "code", choices=dict(CardJotai.choices)),
    )
}

ENZAN: dict[str, str] = {
    "eq": "と等しい（=）",
    "ne": "と等しくない（!=）",
    "contains": "を含む",
    "startswith": "で始まる",
    "gte": "以上・以後（>=）",
    "lte": "以下・以前（<=）",
    "gt": "より大きい・より後（>）",
    "lt": "より小さい・より前（<）",
    "empty": "が空欄",
    "notempty": "が空欄でない",
}

ENZAN_OF_KIND: dict[str, tuple[str, ...]] = {
    "text": ("eq", "ne", "contains", "startswith", "empty", "notempty"),
    "date": ("eq", "ne", "gte", "lte", "gt", "lt", "empty", "notempty"),
    "code": ("eq", "ne"),
    "age": ("eq", "gte", "lte", "gt", "lt"),
}
NO_VALUE = ("empty", "notempty")


class JokenError(ValueError):
    """A condition that cannot be run; the message is for the clerk (Japanese)."""


@dataclass(frozen=True)
class Joken:
    komoku: str
    enzan: str
    atai: str = ""


def komoku_for(*, kojin_bango: bool) -> list[Komoku]:
    """The items this clerk may use (個人番号 only with its grant)."""
    return [k for k in KOMOKU.values() if kojin_bango or not k.kojin_bango]


def _code_value(k: Komoku, atai: str) -> str:
    for code, label in k.choices.items():
        if atai in (code, label):
            return code
    raise JokenError(
        f"「{k.label}」には {'、'.join(k.choices.values())} のいずれかを指定してください。"
    )


def _age_q(enzan: str, years: int, today: date) -> Q:
    def at_least(n: int) -> Q:
        return Q(birth_date__lte=latest_birth_for_age(n, today))

    if enzan == "gte":
        return at_least(years)
    if enzan == "gt":
        return at_least(years + 1)
    if enzan == "lte":
        return ~at_least(years + 1)
    if enzan == "lt":
        return ~at_least(years)
    return at_least(years) & ~at_least(years + 1)  # eq


def joken_q(j: Joken, *, kojin_bango: bool, today: date) -> Q:
    """The filter of one condition, or :class:`JokenError`."""
    k = KOMOKU.get(j.komoku)
    if k is None or (k.kojin_bango and not kojin_bango):
        raise JokenError("指定できない項目です。")
    if j.enzan not in ENZAN_OF_KIND[k.kind]:
        raise JokenError(f"「{k.label}」に「{ENZAN.get(j.enzan, j.enzan)}」は指定できません。")
    atai = j.atai.strip()
    if j.enzan in NO_VALUE:
        blank = Q(**{f"{k.path}__isnull": True})
        if k.kind == "text":
            blank |= Q(**{k.path: ""})
        return blank if j.enzan == "empty" else ~blank
    if not atai:
        raise JokenError(f"「{k.label}」の条件の値を入力してください。")
    value: Any = atai
    if k.kind == "age":
        if not atai.isdigit() or int(atai) > 150:
            raise JokenError("年齢は0から150までの数字で入力してください。")
        return _age_q(j.enzan, int(atai), today)
    if k.kind == "date":
        try:
            value = parse_wareki(atai)
        except ValueError as exc:
            raise JokenError(f"「{k.label}」の日付が読めません（例: 令和7年4月1日）。") from exc
    elif k.kind == "code":
        value = _code_value(k, atai)
    lookup = {"eq": "", "ne": "", "contains": "__contains", "startswith": "__startswith"}
    lookup.update(gte="__gte", lte="__lte", gt="__gt", lt="__lt")
    q = Q(**{f"{k.path}{lookup[j.enzan]}": value})
    return ~q if j.enzan == "ne" else q


def hidden_q(today: date) -> Q:
    """Persons an extraction never shows (3.1 照会抑止, 3.4 支援措置)."""
    locked = Yokushi.objects.filter(
        active_yokushi_q(),
        Q(atena_id=OuterRef("pk")) | Q(setai_id=OuterRef("setai_id")),
        process=YokushiProcess.SHOKAI,
        level=YokushiLevel.ERROR,
    )
    active = Q(start_date__lte=today, end_date__gte=today, ended_at__isnull=True)
    shien = ShienSochi.objects.filter(active, atena_id=OuterRef("pk"))
    heisha = ShienHeisha.objects.filter(
        atena_id=OuterRef("pk"),
        shien__start_date__lte=today,
        shien__end_date__gte=today,
        shien__ended_at__isnull=True,
    )
    return Q(Exists(locked)) | Q(Exists(shien)) | Q(Exists(heisha))


def joken_of(defn: EucChushutsu) -> list[Joken]:
    return [
        Joken(str(j.get("komoku", "")), str(j.get("enzan", "")), str(j.get("atai", "")))
        for j in defn.joken
    ]


def extract(defn: EucChushutsu, *, kojin_bango: bool, today: date | None = None) -> QuerySet[Atena]:
    """The persons of a saved extraction, in 宛名番号 order (:class:`JokenError` if a
    condition cannot run, e.g. a 個人番号 condition for a clerk without the grant)."""
    today = today or timezone.localdate()
    card = CardJokyo.objects.filter(atena_id=OuterRef("pk"), shurui=CardShurui.KOJIN_BANGO)
    qs = Atena.objects.annotate(
        card_jotai=Coalesce(Subquery(card.values("jotai")[:1]), Value(CardJotai.NASHI))
    )
    if defn.hani == EucChushutsu.Hani.JUMIN:
        qs = qs.filter(kubun=AtenaKubun.JUTOSHA, jotai=JuminJotai.JUMIN)
    parts = [joken_q(j, kojin_bango=kojin_bango, today=today) for j in joken_of(defn)]
    if parts:
        combined = parts[0]
        for q in parts[1:]:
            combined = combined & q if defn.ketsugo == EucChushutsu.Ketsugo.ALL else combined | q
        qs = qs.filter(combined)
    return qs.exclude(hidden_q(today)).select_related("setai").order_by("atena_no")


def columns_of(defn: EucChushutsu, *, kojin_bango: bool) -> list[Komoku]:
    """The output columns this clerk may see (個人番号 dropped without the grant)."""
    return [
        KOMOKU[key]
        for key in defn.retsu
        if key in KOMOKU and (kojin_bango or not KOMOKU[key].kojin_bango)
    ]


def cell(p: Atena, k: Komoku, today: date, *, wareki: bool = True) -> str:
    """One item of a person as the clerk reads it: codes as words, dates in 和暦 on the
    screen (ISO in the CSV)."""
    if k.key == "age":
        return str(age_on(p.birth_date, today))
    if k.key == "setai_no":
        return p.setai.setai_no if p.setai else ""
    value = getattr(p, k.key)
    if value is None:
        return ""
    if k.kind == "code":
        return str(k.choices.get(value, value))
    if isinstance(value, date):
        if not wareki:
            return value.isoformat()
        try:
            return format_wareki(value)
        except ValueError:  # before 明治6年 (no 和暦 by arithmetic)
            return value.isoformat()
    return str(value)


def rows(persons: Iterable[Atena], cols: list[Komoku], today: date, *, wareki: bool) -> Any:
    for p in persons:
        yield [cell(p, k, today, wareki=wareki) for k in cols]
