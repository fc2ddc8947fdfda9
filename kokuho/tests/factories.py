"""Registry data through 住民記録's real services, with its events delivered to kokuho
(the on-commit callbacks run, as the worker would run them)."""

from __future__ import annotations

from datetime import date
from typing import Any

from juminkiroku.codes import IdoJiyu, Zokugara
from juminkiroku.models import Atena, Ido
from juminkiroku.services.ido import PersonChange, ido_enter
from juminkiroku.tests.factories import actor_for, approve, household_tennyu, person_fields
from kokuho.models import Shikaku


def tennyu(
    capture: Any, town: str = "hayama", *, members: list[dict[str, Any]], day: date
) -> tuple[Ido, list[Atena]]:
    with capture(execute=True):
        return household_tennyu(town, members=members, ido_date=day)


def shibo(capture: Any, atena: Atena, *, day: date, town: str = "hayama") -> Ido:
    with capture(execute=True):
        ido = ido_enter(
            jiyu=IdoJiyu.SHIBO,
            ido_date=day,
            todoke_date=day,
            changes=[PersonChange(atena.pk, {})],
            setainushi_fuzai_ok=True,
            actor=actor_for(f"{town}-clerk"),
        )
        return approve(ido, reviewer=f"{town}-shinsa")


def shussei(
    capture: Any, setai_id: int, *, day: date, town: str = "hayama", **fields: Any
) -> Atena:
    with capture(execute=True):
        ido = ido_enter(
            jiyu=IdoJiyu.SHUSSEI,
            ido_date=day,
            todoke_date=day,
            changes=[
                PersonChange(
                    atena_id=None,
                    fields=person_fields(
                        **{
                            "shimei": "山田　次郎",
                            "shimei_kana": "ヤマダ　ジロウ",
                            "birth_date": day.isoformat(),
                            "zokugara": Zokugara.KO,
                            "setai_order": 9,
                            "tennyu_mae_jusho": "",
                            **fields,
                        }
                    ),
                )
            ],
            setai_mode="existing",
            setai_id=setai_id,
            actor=actor_for(f"{town}-clerk"),
        )
        approve(ido, reviewer=f"{town}-shinsa")
    return Atena.objects.filter(rireki__ido=ido).distinct().get()


def periods(atena: Atena) -> list[tuple[date, str, date | None, str, bool]]:
    return [
        (s.shutoku_date, s.shutoku_jiyu, s.soshitsu_date, s.soshitsu_jiyu, s.torikeshi)
        for s in Shikaku.objects.filter(atena_id=atena.pk).order_by("id")
    ]
