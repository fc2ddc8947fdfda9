"""健診 (がん検診・特定健診): the 年度's table of fukushi/params/kenshin.yaml read as data, a
person's age at the 年度's 基準日, who is 対象 for which 検診 and method in a 年度, and the
checks on a 受診記録 (pure: no database; the services pass the tables in).

Ages (年齢計算ニ関スル法律): a person is N years old from the day before the N-th birthday
(満N歳に達する日); ``nenrei_kijun: nendomatsu`` counts the age on the 年度's last day (3月31日).
受診間隔 ``interval: n`` counts 年度: a person who had the 検診 in one of the last n-1 年度
before this one (or in this one) is not 対象 this 年度 (the reading the YAML marks 未確認).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

TOKUTEI = "tokutei"  # 特定健康診査 (a 検診種別 of its own beside the がん検診)
TOKUTEI_NAME = "特定健康診査"
TOKUTEI_METHOD = "kihon"
TOKUTEI_METHOD_NAME = "特定健康診査（基本的な健診の項目）"


@dataclass(frozen=True)
class Method:
    code: str
    name: str
    age_from: int
    age_to: int | None
    interval: int
    town_param: str = ""
    replaced_by: str = ""


@dataclass(frozen=True)
class Kenshin:
    code: str
    name: str
    sex: str  # "" or "F"
    methods: tuple[Method, ...]

    def method(self, code: str) -> Method | None:
        return next((m for m in self.methods if m.code == code), None)


def gan_table_of(value: Mapping[str, Any]) -> dict[str, Kenshin]:
    """The YAML value of ``fukushi.kenko.kenshin.gan`` for a 年度 as 検診 by code."""
    out: dict[str, Kenshin] = {}
    for k in value["kenshin"]:
        methods = tuple(
            Method(
                code=str(m["code"]),
                name=str(m["name"]),
                age_from=int(m["age_from"]),
                age_to=int(m["age_to"]) if m.get("age_to") is not None else None,
                interval=int(m["interval"]),
                town_param=str(m.get("town_param", "")),
                replaced_by=str(m.get("replaced_by", "")),
            )
            for m in k["methods"]
        )
        out[str(k["code"])] = Kenshin(
            str(k["code"]), str(k["name"]), str(k.get("sex", "")), methods
        )
    return out


def tokutei_of(value: Mapping[str, Any]) -> Kenshin:
    """The 特定健康診査 as a 検診 with one method (``fukushi.kenko.kenshin.tokutei``)."""
    m = Method(
        TOKUTEI_METHOD,
        TOKUTEI_METHOD_NAME,
        int(value["age_from"]),
        int(value["age_to"]),
        int(value["interval"]),
    )
    return Kenshin(TOKUTEI, TOKUTEI_NAME, "", (m,))


def nendo_of(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def nendo_matsu(nendo: int) -> date:
    return date(nendo + 1, 3, 31)


def age_on(birth: date, day: date) -> int:
    """満年齢 on ``day``: N from the day before the N-th birthday (年齢計算ニ関スル法律;
    one born 2月29日 is a year older on 2月28日 of a common year)."""
    nxt = day + timedelta(days=1)
    years = nxt.year - birth.year
    if (nxt.month, nxt.day) < (birth.month, birth.day):
        years -= 1
    return years


def nendo_age(birth: date, nendo: int) -> int:
    """The age counted for 年度 ``nendo`` (its last day, 3月31日)."""
    return age_on(birth, nendo_matsu(nendo))


def methods_for(kenshin: Kenshin, age: int, sex: str, adopted: Iterable[str] = ()) -> list[Method]:
    """The methods of ``kenshin`` a person of ``age`` (counted for the 年度) and ``sex``
    ("男"/"女") may have. A method with ``town_param`` counts only when the town adopted it
    (``adopted``: the town_param keys whose value is 1); where it does and covers the age,
    the method it replaces (``replaced_by``) does not."""
    if kenshin.sex == "F" and sex != "女":
        return []
    adopted = set(adopted)
    ok = [
        m
        for m in kenshin.methods
        if age >= m.age_from
        and (m.age_to is None or age <= m.age_to)
        and (not m.town_param or m.town_param in adopted)
    ]
    codes = {m.code for m in ok}
    return [m for m in ok if not (m.replaced_by and m.replaced_by in codes)]


def is_due(methods: list[Method], nendo: int, jushin_nendos: Iterable[int]) -> bool:
    """Whether a person whose methods are ``methods`` is 対象 in ``nendo`` given the 年度 of
    their 受診 in force: some method's interval has passed since the last one (a 受診 in
    this 年度 itself also ends it)."""
    last = max((n for n in jushin_nendos if n <= nendo), default=None)
    if not methods:
        return False
    if last is None:
        return True
    return any(nendo - last >= m.interval for m in methods)


def jushin_errors(
    kenshin: Kenshin,
    method: str,
    day: date,
    birth: date,
    sex: str,
    adopted: Iterable[str] = (),
    *,
    today: date,
) -> list[str]:
    """What is wrong with recording a 受診 of ``kenshin`` by ``method`` on ``day`` for a
    person born ``birth``. Japanese, naming no one."""
    errors: list[str] = []
    if day > today:
        errors.append("受診日が未来の日付です。")
    if day < birth:
        errors.append("受診日が生年月日より前です。")
        return errors
    m = kenshin.method(method)
    if m is None:
        errors.append(f"{kenshin.name}の方法が正しくありません。")
        return errors
    if kenshin.sex == "F" and sex != "女":
        errors.append(f"{kenshin.name}の対象は女性です。")
        return errors
    nendo = nendo_of(day)
    if m not in methods_for(kenshin, nendo_age(birth, nendo), sex, adopted):
        errors.append(f"受診日の年度の年齢では{m.name}の対象ではありません。")
    return errors
