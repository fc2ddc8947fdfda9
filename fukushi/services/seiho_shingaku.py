"""進学・就職準備給付金 (生活保護法第55条の5) and the 徴収金 taken from it (第78条の2第2項).

- ``shingaku_kettei``: the 支給決定 to a 世帯員 of the case (a member on the day before the
  進学・就職's 申請 or after; once per person), the amount by the rule
  (``fukushi.rules.seiho_shingaku``, values ``fukushi.seiho.shingaku_kyufukin`` of the 申請's
  fiscal year), with the person's 申出 to have part go to a 第77条の2・第78条 徴収金.
- ``shingaku_shiharai``: the payment on a day, the 徴収金 posted to the 収納 ledger first
  (the same path as 就労自立給付金's, ``fukushi.services.seiho_shuro.chosei_post``).

Every write leaves an access-log row; ``SeihoRefused`` (Japanese) writes nothing. The payee
is the person, whose account this product does not hold: no 振込 file (窓口 or the town's
own 支出).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from fukushi.gyomu import SEIKATSU_HOGO
from fukushi.models import SeihoCase, SeihoHenkan, SeihoShingakuKyufukin, ShuroStatus
from fukushi.rules.seiho_shingaku import ShingakuInvalid, shingaku_kyufukin
from fukushi.services.seiho import SeihoRefused, _births
from fukushi.services.seiho_shuro import chosei_check, kyufukin_pay
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.params.services import ParameterMissing, param_value
from tenants.wareki import fiscal_year_of, format_nendo, format_wareki

RECORD_TYPE = "fukushi.SeihoCase"
SCREEN = "fukushi.seiho_shingaku"
KEY = "fukushi.seiho.shingaku_kyufukin"


def _who(actor: Actor) -> str:
    return actor.username or actor.api_client or "system"


def _log(actor: Actor, case_id: int, k: SeihoShingakuKyufukin, kind: str) -> None:
    access_record(
        actor=actor,
        action=AccessAction.UPDATE,
        gyomu=SEIKATSU_HOGO,
        screen=SCREEN,
        record_type=RECORD_TYPE,
        record_id=case_id,
        detail={"shingaku_id": k.pk, "kind": kind},
    )


def shingaku_kettei(
    *,
    case_id: int,
    atena_id: int,
    kind: str,
    jitakugai: bool,
    saki: str,
    shinsei_date: date,
    kettei_date: date,
    actor: Actor,
    shorei_riyu: str = "",
    chosei_henkan_id: int | None = None,
    chosei_moshide_date: date | None = None,
    chosei: int = 0,
) -> SeihoShingakuKyufukin:
    """The 支給決定 (see the module). ``SeihoCase.DoesNotExist`` when no such case."""
    if not saki.strip():
        raise SeihoRefused("進学先・就職先を入力してください。")
    if kettei_date < shinsei_date:
        raise SeihoRefused("決定日が申請日より前です。")
    fy = fiscal_year_of(shinsei_date)
    try:
        value = param_value(KEY, fy)
    except ParameterMissing as exc:
        raise SeihoRefused(
            f"{format_nendo(fy)}の進学・就職準備給付金の額が登録されていません。"
        ) from exc
    with transaction.atomic(durable=True):
        case = SeihoCase.objects.select_for_update().filter(pk=case_id).first()
        if case is None:
            raise SeihoCase.DoesNotExist
        member = (
            case.members.filter(atena_id=atena_id, from_date__lte=shinsei_date)
            .exclude(to_date__lt=shinsei_date)
            .first()
        )
        if member is None:
            raise SeihoRefused(
                f"{format_wareki(shinsei_date)}（申請日）にこのケースの世帯員ではありません。"
            )
        if SeihoShingakuKyufukin.objects.filter(atena_id=atena_id).exists():
            raise SeihoRefused("この方にはすでに進学・就職準備給付金の決定があります。")
        birth = _births([atena_id]).get(atena_id)
        if birth is None:
            raise SeihoRefused("生年月日が住民記録にありません。")
        try:
            r = shingaku_kyufukin(
                value=value,
                kind=kind,
                jitakugai=jitakugai,
                birth=birth,
                shinsei_date=shinsei_date,
                shorei_gaito=bool(shorei_riyu.strip()),
            )
        except ShingakuInvalid as exc:
            raise SeihoRefused(str(exc)) from exc
        root: SeihoHenkan | None = None
        if chosei_henkan_id is not None or chosei:
            root = chosei_check(case, chosei_henkan_id, chosei, chosei_moshide_date, r.amount)
        k = SeihoShingakuKyufukin.objects.create(
            case=case,
            atena_id=atena_id,
            kind=kind,
            jitakugai=jitakugai,
            saki=saki.strip()[:100],
            shinsei_date=shinsei_date,
            kettei_date=kettei_date,
            shorei_riyu=shorei_riyu.strip()[:200] if shinsei_date > r.nenrei_kigen else "",
            amount=r.amount,
            uchiwake=r.uchiwake,
            chosei_henkan=root,
            chosei_moshide_date=chosei_moshide_date if root is not None else None,
            chosei=chosei if root is not None else 0,
            status=ShuroStatus.KETTEI,
            actor=_who(actor),
        )
        _log(actor, case.pk, k, "kettei")
        return k


def shingaku_shiharai(
    *, case_id: int, pk: int, shiharai_date: date, actor: Actor
) -> SeihoShingakuKyufukin:
    """Pay one 給付金 on ``shiharai_date``, taking the 徴収金 first."""
    with transaction.atomic(durable=True):
        k = SeihoShingakuKyufukin.objects.select_for_update().filter(pk=pk, case_id=case_id).first()
        if k is None:
            raise SeihoRefused("進学・就職準備給付金の決定が見つかりません。")
        kyufukin_pay(k, shiharai_date, actor, note="進学・就職準備給付金から徴収")
        _log(actor, case_id, k, "shiharai")
        return k
