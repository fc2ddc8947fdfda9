"""児童手当 支払差止 and 差止解除 (児童手当法第11条: when a 受給資格者 does not make a 届出 or
hand in documents without good reason, the payment may be withheld for the time being; in
practice also while the 受給者's 現況 or 居所 is unknown).

A 差止 holds from a month (the month of the allowance, not the 支払月): the payment runs
pay no month from it while it is not 解除 (``fukushi.services.jidoteate_shiharai``). The
解除 marks the 受給者 for 遡及 from that month, so the next run (定例払 or 随時払) pays the
withheld months once. Each write is one durable transaction with its 履歴 row and its
access-log row.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from fukushi.gyomu import JIDO_TEATE
from fukushi.models import (
    JidoteateJukyusha,
    JidoteateRireki,
    JidoteateSashitome,
    RirekiKind,
    SashitomeRiyu,
)
from fukushi.rules import jidoteate as rules
from fukushi.services.jidoteate import SCREEN, JidoteateRefused, sokyu_mark
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.labels import wareki_date, wareki_month
from tenants.text import text_problem


def _text_errors(value: str, *, field: str, label: str) -> dict[str, str]:
    if len(value) > 200:
        return {field: f"{label}は200文字以内で入力してください。"}
    problem = text_problem(value, label=label)
    return {field: problem} if problem else {}


def _log(row: JidoteateJukyusha, actor: Actor, sashitome_id: int) -> None:
    access_record(
        action=AccessAction.UPDATE,
        actor=actor,
        gyomu=JIDO_TEATE,
        screen=SCREEN,
        record_type="fukushi.JidoteateSashitome",
        record_id=sashitome_id,
        detail={"atena_ids": [row.atena_id], "jukyusha_id": row.pk},
    )


@transaction.atomic(durable=True)
def sashitome_register(
    *,
    jukyusha_id: int,
    riyu: str,
    start_month: date,
    kettei_date: date,
    actor: Actor,
    riyu_detail: str = "",
) -> JidoteateSashitome:
    """支払差止 of the 受給者 from ``start_month`` (any day of it) for ``riyu``."""
    row = JidoteateJukyusha.objects.select_for_update().get(pk=jukyusha_id)
    errors: dict[str, str] = {}
    if riyu not in SashitomeRiyu.values:
        errors["riyu"] = "差止の理由を選んでください。"
    elif riyu == SashitomeRiyu.SONOTA and not riyu_detail.strip():
        errors["riyu_detail"] = "理由が「その他」のときは、理由の補足を入力してください。"
    errors.update(_text_errors(riyu_detail, field="riyu_detail", label="理由の補足"))
    start = rules.month_start(start_month)
    if start < row.shikyu_start:
        start = row.shikyu_start
    if row.shikyu_end is not None and start >= row.shikyu_end:
        errors["start_month"] = "差止を始める月が支給の終わった後です。"
    if JidoteateSashitome.objects.filter(jukyusha=row, kaijo_date__isnull=True).exists():
        errors["jukyusha"] = "この受給者は既に支払を差し止めています（先に解除してください）。"
    if errors:
        raise JidoteateRefused(errors)
    s = JidoteateSashitome.objects.create(
        jukyusha=row,
        riyu=riyu,
        riyu_detail=riyu_detail.strip(),
        start_month=start,
        kettei_date=kettei_date,
        actor=actor.username,
    )
    JidoteateRireki.objects.create(
        jukyusha=row,
        kind=RirekiKind.SASHITOME,
        effective_month=start,
        jiyu=(
            f"支払差止（{SashitomeRiyu(riyu).label}、{wareki_date(kettei_date)}決定）: "
            f"{wareki_month(start)}分から支払わない"
        ),
        actor=actor.username,
    )
    _log(row, actor, s.pk)
    return s


@transaction.atomic(durable=True)
def sashitome_kaijo(
    *, sashitome_id: int, kaijo_date: date, actor: Actor, riyu: str = ""
) -> JidoteateSashitome:
    """差止解除: the withheld months are paid by the next run, once (the 受給者 is marked
    for 遡及 from the 差止's first month)."""
    s = (
        JidoteateSashitome.objects.select_for_update()
        .select_related("jukyusha")
        .get(pk=sashitome_id)
    )
    errors = _text_errors(riyu, field="kaijo_riyu", label="解除の理由")
    if s.kaijo_date is not None:
        errors["sashitome"] = "この差止は既に解除されています。"
    if kaijo_date < s.kettei_date:
        errors["kaijo_date"] = "解除日が差止の決定日より前です。"
    if errors:
        raise JidoteateRefused(errors)
    s.kaijo_date = kaijo_date
    s.kaijo_actor = actor.username
    s.kaijo_riyu = riyu.strip()
    s.save(update_fields=["kaijo_date", "kaijo_actor", "kaijo_riyu"])
    sokyu_mark(s.jukyusha_id, s.start_month)
    JidoteateRireki.objects.create(
        jukyusha=s.jukyusha,
        kind=RirekiKind.KAIJO,
        effective_month=s.start_month,
        jiyu=(
            f"差止解除（{wareki_date(kaijo_date)}）: 差し止めた{wareki_month(s.start_month)}分"
            "からの手当を次の支払で支払う"
        ),
        actor=actor.username,
    )
    _log(s.jukyusha, actor, s.pk)
    return s
