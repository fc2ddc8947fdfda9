"""Test helpers other apps' tests may use (国保's tests of the 生活保護 events)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fukushi.models import Fujo, SeihoKettei
from fukushi.services.seiho import MemberInput, Setai, seiho_haishi, seiho_kaishi
from tenants.accesslog.services import Actor

ACTOR = Actor(user_id=None, username="test-seiho")


def kaishi(
    capture: Any,
    atenas: list[Any],
    *,
    day: date,
    kyuchi: str = "1-1",
    toki_ku: str = "6",
    **setai: Any,
) -> SeihoKettei:
    """保護開始 of a case of ``atenas`` (the first is the 世帯主), events delivered."""
    with capture(execute=True):
        return seiho_kaishi(
            nushi_atena_id=atenas[0].pk,
            members=[MemberInput(atena_id=a.pk) for a in atenas],
            setai=Setai(kyuchi=kyuchi, toki_ku=toki_ku, **setai),
            fujo=[Fujo.SEIKATSU, Fujo.IRYO],
            kaishi_date=day,
            kettei_date=day,
            riyu="生活困窮",
            actor=ACTOR,
        )


def haishi(capture: Any, case_id: int, *, day: date) -> SeihoKettei:
    """保護廃止 (``day``: the first day without 保護), events delivered."""
    with capture(execute=True):
        return seiho_haishi(
            case_id=case_id, haishi_date=day, kettei_date=day, riyu="就労による自立", actor=ACTOR
        )
