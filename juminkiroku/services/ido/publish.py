"""The events a 本登録 publishes (declared in juminkiroku.events), built from what it
changed (``apply.Applied``) and written to the outbox in the 本登録's transaction.

Per 本登録: the one event of its 異動事由 (``EVENT_OF_JIYU``), then one event per
identity item (氏名・生年月日・性別) it changed for persons already on file. The 本登録 of
a 取消 publishes ``TORIKESHI`` alone, naming the events the cancelled 異動 published
(recomputed from the versions it undid, so it also holds for 異動 approved before the
events existed).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from juminkiroku import events
from juminkiroku.codes import IdoJiyu, Zokugara
from juminkiroku.models import Ido, Tenshutsu
from juminkiroku.services.ido.apply import Applied
from tenants.events.contracts import EventType
from tenants.events.services import event_publish

Publication = tuple[EventType[Any], Any]


def _ids(values: Iterable[dict[str, Any] | None], key: str = "setai_id") -> tuple[int, ...]:
    return tuple(sorted({int(v[key]) for v in values if v is not None and v.get(key)}))


def _changed(applied: Applied, names: Iterable[str]) -> list[str]:
    if applied.before is None:
        return []
    return [n for n in names if applied.before.get(n) != applied.after.get(n)]


def _komoku_henko(ido: Ido, applied: list[Applied]) -> list[Publication]:
    out: list[Publication] = []
    for event, names in events.KOMOKU_HENKO:
        who = tuple(a.atena_id for a in applied if _changed(a, names))
        if who:
            payload = events.KomokuHenkoPayload(
                ido_id=ido.pk,
                jiyu=ido.jiyu,
                ido_date=ido.ido_date,
                todoke_date=ido.todoke_date,
                atena_ids=who,
            )
            out.append((event, payload))
    return out


def kind_payload(event: EventType[Any], ido: Ido, applied: list[Applied]) -> Any:
    common: dict[str, Any] = {
        "ido_id": ido.pk,
        "jiyu": ido.jiyu,
        "ido_date": ido.ido_date,
        "todoke_date": ido.todoke_date,
        "atena_ids": tuple(a.atena_id for a in applied),
    }
    befores = [a.before for a in applied]
    afters = [a.after for a in applied]
    payload_type = event.payload
    if payload_type is events.KisaiPayload:
        (setai_id,) = _ids(afters)  # a 記載 enters everyone into one household
        return events.KisaiPayload(**common, setai_id=setai_id)
    if payload_type is events.KokusekiPayload:
        return events.KokusekiPayload(
            **common, setai_ids=_ids(afters), shubetsu=str(afters[0].get("shubetsu", ""))
        )
    if payload_type is events.KaiseiPayload:
        return events.KaiseiPayload(**common)
    if payload_type is events.ShojoPayload:
        return events.ShojoPayload(**common, setai_ids=_ids(befores))
    if payload_type is events.SetaiIdoPayload:
        return events.SetaiIdoPayload(
            **common, before_setai_ids=_ids(befores), after_setai_ids=_ids(afters)
        )
    if payload_type is events.SetainushiPayload:

        def heads(values: Sequence[dict[str, Any] | None]) -> tuple[int, ...]:
            return tuple(
                a.atena_id
                for a, v in zip(applied, values, strict=True)
                if v is not None and v.get("zokugara") == Zokugara.HONNIN
            )

        return events.SetainushiPayload(
            **common,
            setai_ids=_ids(afters),
            before_setainushi_ids=heads(befores),
            after_setainushi_ids=heads(afters),
        )
    if payload_type is events.ShuseiPayload:
        items = sorted({n for a in applied for n in _changed(a, a.after)})
        return events.ShuseiPayload(**common, items=tuple(items))
    raise AssertionError(f"no payload builder for {event.name}")


def honroku_events(ido: Ido, applied: list[Applied]) -> list[Publication]:
    """What the 本登録 of a 記載・消除・修正 publishes, in order."""
    kind = events.EVENT_OF_JIYU[ido.jiyu]
    return [(kind, kind_payload(kind, ido, applied)), *_komoku_henko(ido, applied)]


def torikeshi_events(ido: Ido, applied: list[Applied]) -> list[Publication]:
    """The 本登録 of a 取消: ``applied`` goes from the cancelled state (``before``) back
    to the restored one (``after``), the reverse of what the cancelled 異動 did."""
    target = ido.cancels
    assert target is not None
    undone = [
        Applied(a.atena_id, a.rireki_id, a.after if a.rireki_id else None, a.before or {})
        for a in applied
    ]
    undoes = [events.EVENT_OF_JIYU[target.jiyu].name]
    undoes += [event.name for event, _ in _komoku_henko(target, undone)]
    kakutei = Tenshutsu.objects.filter(ido=target, shojo_date__isnull=False).exists()
    if kakutei:
        undoes.append(events.TENSHUTSU_KAKUTEI.name)  # the 除票 it had become
    was_yotei = Tenshutsu.objects.filter(ido=target).exists() and not kakutei
    if target.payload.get("setainushi_shokken") and not was_yotei:
        # The 世帯主 made by 職権 (4.0.4); a 転出 makes it only at its 確定.
        undoes.append(events.SETAINUSHI_HENKO.name)
    payload = events.TorikeshiPayload(
        ido_id=ido.pk,
        jiyu=ido.jiyu,
        ido_date=ido.ido_date,
        atena_ids=tuple(a.atena_id for a in applied),
        cancelled_ido_id=target.pk,
        cancelled_jiyu=target.jiyu,
        undoes=tuple(undoes),
    )
    return [(events.TORIKESHI, payload)]


def publish_honroku(
    *,
    ido: Ido,
    applied: list[Applied],
    acting_user_id: int | None,
    setainushi: Sequence[Applied] = (),
) -> None:
    """Write the 本登録's events to the outbox (inside the caller's transaction).
    ``setainushi``: the member made 世帯主 by 職権 in the same 異動 (4.0.4), published as a
    世帯主変更 after the 異動's own event."""
    build = torikeshi_events if ido.jiyu == IdoJiyu.TORIKESHI else honroku_events
    out = build(ido, applied)
    if setainushi:
        out.append(
            (
                events.SETAINUSHI_HENKO,
                kind_payload(events.SETAINUSHI_HENKO, ido, list(setainushi)),
            )
        )
    for event, payload in out:
        event_publish(event=event, payload=payload, acting_user_id=acting_user_id)
