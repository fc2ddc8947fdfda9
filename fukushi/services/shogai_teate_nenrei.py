"""障害児福祉手当・特別児童扶養手当 end by themselves when the child reaches 20 (issue 21).

Both are for a child under 20 (法第2条: 障害児 is 20歳未満; 障害児福祉手当 法第17条). The
child reaches 20 on the day before the 20th birthday (``fukushi.rules.shogai_teate.
nenrei_totatsu_bi``) and the 支給 ends with the month of that day (法第5条の2第1項 and its
準用; the month rule is derived, 未確認 — see the rules module). Nothing else ends: the
受給資格 ceases without a 届.

``nenrei_taisho`` lists the 認定 whose child has reached (or will reach by a day) 20, for
the clerk; ``teate_nenrei_shuryo`` ends each of them once (state 認定 → 資格喪失, 喪失事由
「20歳到達」, history row, access-log row) and is also the payment run's pre-step. A
障害児福祉手当 child may go on to 特別障害者手当 only by a new 認定請求 (法第26条の2: a
different 手当 with its own 認定 of 障害の程度): the list says so; nothing is created.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from fukushi.models import (
    ShogaiTeate,
    ShogaiTeateJotai,
    ShogaiTeateKind,
    ShogaiTeateShikkakuJiyu,
)
from fukushi.rules.shogai_teate import nenrei_totatsu_bi
from fukushi.services.shogai_teate import SCREEN, _end, _log, _rireki, wareki_month
from juminkiroku import public as juminkiroku_public
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor
from tenants.wareki import format_wareki

__all__ = ["NENREI_KINDS", "NenreiTaisho", "nenrei_taisho", "teate_nenrei_shuryo"]

#: the 手当 of a child under 20
NENREI_KINDS = (ShogaiTeateKind.SHOGAIJI_FUKUSHI, ShogaiTeateKind.TOKUBETSU_JIDO_FUYO)
TOKUSHO_ANNAI = "特別障害者手当は、改めて認定請求（診断書の提出）が必要です。"


@dataclass(frozen=True)
class NenreiTaisho:
    teate_id: int
    shosho_bango: str
    teate: str
    atena_id: int
    taisho_atena_id: int
    #: the day the child reaches 20
    totatsu_bi: date
    #: the last month paid (its first day)
    saishu_tsuki: date
    #: what the clerk should do next, in words ("" when nothing)
    annai: str


def nenrei_taisho(kijun: date) -> list[NenreiTaisho]:
    """The 認定 (障害児福祉手当・特別児童扶養手当) whose child reaches 20 on or before
    ``kijun``, by the day they reach it (reads only: two queries and one registry read)."""
    cases = list(
        ShogaiTeate.objects.filter(teate__in=NENREI_KINDS, jotai=ShogaiTeateJotai.NINTEI).order_by(
            "pk"
        )
    )
    people = juminkiroku_public.person_identities({t.taisho_atena_id for t in cases})
    out: list[NenreiTaisho] = []
    for t in cases:
        p = people.get(t.taisho_atena_id)
        if p is None:
            continue
        day = nenrei_totatsu_bi(p.birth_date)
        if day > kijun:
            continue
        annai = TOKUSHO_ANNAI if t.teate == ShogaiTeateKind.SHOGAIJI_FUKUSHI else ""
        out.append(
            NenreiTaisho(
                t.pk,
                t.shosho_bango,
                t.teate,
                t.atena_id,
                t.taisho_atena_id,
                day,
                day.replace(day=1),
                annai,
            )
        )
    return sorted(out, key=lambda n: (n.totatsu_bi, n.teate_id))


def teate_nenrei_shuryo(*, kijun: date, actor: Actor) -> list[NenreiTaisho]:
    """End every 認定 of ``nenrei_taisho(kijun)``: 資格喪失 (20歳到達) on the day the child
    reached 20, 支給 to that month, a history row and an access-log row each, in one
    transaction. A case already ended is no longer 認定, so a second call ends nothing.
    Returns the cases ended now."""
    found = nenrei_taisho(kijun)
    ended: list[NenreiTaisho] = []
    with transaction.atomic(durable=True):
        locked = {
            t.pk: t
            for t in ShogaiTeate.objects.select_for_update().filter(
                pk__in=[n.teate_id for n in found], jotai=ShogaiTeateJotai.NINTEI
            )
        }
        for n in found:
            t = locked.get(n.teate_id)
            if t is None:
                continue
            _end(t, ShogaiTeateShikkakuJiyu.NENREI, n.totatsu_bi)
            assert t.shikyu_shuryo is not None
            who = "対象の児童が" if t.teate == ShogaiTeateKind.TOKUBETSU_JIDO_FUYO else ""
            _rireki(
                t,
                "soshitsu",
                f"資格喪失：{who}20歳到達（{format_wareki(n.totatsu_bi)}）"
                f"{wareki_month(t.shikyu_shuryo)}分で支給終了。{n.annai}",
                actor,
            )
            _log(actor, AccessAction.UPDATE, t, SCREEN, kind="nenrei")
            ended.append(n)
    return ended
