"""Registry data through 住民記録's real services (``juminkiroku.tests.factories``), with
its events delivered to kaigo (the on-commit callbacks run, as the worker would)."""

from __future__ import annotations

from datetime import date
from typing import Any

from juminkiroku.tests import factories as jk
from kaigo.models import Shikaku

#: a couple already 65 and over, and their son of 45
ELDERS = [
    jk.person_fields(
        shimei="高橋　一郎", shimei_kana="タカハシ　イチロウ", birth_date="1950-06-15"
    ),
    jk.person_fields(
        shimei="高橋　和子",
        shimei_kana="タカハシ　カズコ",
        birth_date="1952-02-29",
        sex=jk.Sex.FEMALE,
        zokugara=jk.Zokugara.TSUMA,
        setai_order=2,
    ),
    jk.person_fields(
        shimei="高橋　健太",
        shimei_kana="タカハシ　ケンタ",
        birth_date="1980-11-03",
        zokugara=jk.Zokugara.KO,
        setai_order=3,
    ),
]


def elders(surname: str = "高橋", kana: str = "タカハシ") -> list[dict[str, Any]]:
    return [
        {
            **m,
            "shimei": m["shimei"].replace("高橋", surname),
            "shimei_kana": m["shimei_kana"].replace("タカハシ", kana),
        }
        for m in ELDERS
    ]


def tennyu(
    capture: Any, town: str = "hayama", *, members: list[dict[str, Any]], day: date
) -> tuple[Any, list[Any]]:
    with capture(execute=True):
        return jk.household_tennyu(town, members=members, ido_date=day)


def shibo(capture: Any, atena: Any, *, day: date, town: str = "hayama") -> Any:
    with capture(execute=True):
        return jk.shibo(atena, ido_date=day, town_slug=town)


def tenshutsu(capture: Any, atena: Any, *, day: date, town: str = "hayama") -> Any:
    with capture(execute=True):
        return jk.tenshutsu(atena, ido_date=day, todoke_date=day, town_slug=town)


def torikeshi(capture: Any, ido: Any, *, day: date, town: str = "hayama") -> Any:
    with capture(execute=True):
        return jk.torikeshi(ido, ido_date=day, town_slug=town)


def periods(atena: Any) -> list[tuple[str, date, str, date | None, str, bool]]:
    return [
        (s.kubun, s.shutoku_date, s.shutoku_jiyu, s.soshitsu_date, s.soshitsu_jiyu, s.torikeshi)
        for s in Shikaku.objects.filter(atena_id=atena.pk).order_by("id")
    ]
