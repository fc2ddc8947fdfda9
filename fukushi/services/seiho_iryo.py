"""医療要否意見書 register (依頼 → 回答 → 決定) that leads to the 医療券 (see
``fukushi.models.seiho_iryo``; 生活保護法第15条・第34条, 生活保護法による医療扶助運営要領).

- ``yohi_irai``: the 意見書 sent to a 指定医療機関 for a 世帯員 of a case receiving 医療扶助.
- ``yohi_kaito``: the 機関's answer entered (要・否, 傷病名, 診療見込期間), once.
- ``yohi_kettei``: the 実施機関's 決定 (要: the months of 医療扶助 at that 機関; 否: the
  reason), once; with 要 the clerk may issue the first month's 医療券 in the same
  transaction (``fukushi.services.seiho_ken``).
- ``yohi_allows``: whether the person's latest 決定 at the 機関 covers a month (None when
  the register holds none: 券 issued before the register are not stopped).
- ``yohi_keizoku_due``: the 要 決定 whose last month is ``month`` with no later 依頼: the
  継続 意見書 to send (姫路市's page: 継続 入院 every 3 months, 入院外 every 6; the months
  are the 実施機関's 決定 here, not a figure of ours).

Every write is one durable transaction with its access-log row; a refusal (Japanese
``SeihoRefused``) writes nothing.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from fukushi.gyomu import SEIKATSU_HOGO
from fukushi.models import (
    Fujo,
    KenShubetsu,
    KikanShubetsu,
    NyuinKubun,
    SeihoCase,
    SeihoIryoYohi,
    SeihoKikan,
    YohiKekka,
)
from fukushi.services.seiho import SeihoRefused
from fukushi.services.seiho_ken import _issue, kohi_futansha_no
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.text import text_problem

RECORD_TYPE = "fukushi.SeihoCase"
SCREEN = "fukushi.seiho_yohi"


def _who(actor: Actor) -> str:
    return actor.username or actor.api_client or "system"


def _log(actor: Actor, case_id: int, action: str, detail: dict[str, object]) -> None:
    access_record(
        actor=actor,
        action=action,
        gyomu=SEIKATSU_HOGO,
        screen=SCREEN,
        record_type=RECORD_TYPE,
        record_id=case_id,
        detail=detail,
    )


def _locked(case_id: int, yohi_id: int) -> tuple[SeihoCase, SeihoIryoYohi]:
    case = SeihoCase.objects.select_for_update().filter(pk=case_id).first()
    if case is None:
        raise SeihoCase.DoesNotExist
    y = SeihoIryoYohi.objects.select_for_update().filter(pk=yohi_id, case=case).first()
    if y is None:
        raise SeihoRefused("医療要否意見書が見つかりません。")
    return case, y


def yohi_irai(
    *,
    case_id: int,
    atena_id: int,
    kikan_id: int,
    nyuin: str,
    keizoku: bool,
    irai_date: date,
    actor: Actor,
) -> SeihoIryoYohi:
    if nyuin not in NyuinKubun.values:
        raise SeihoRefused("入院か入院外かを選んでください。")
    with transaction.atomic(durable=True):
        case = SeihoCase.objects.select_for_update().filter(pk=case_id).first()
        if case is None:
            raise SeihoCase.DoesNotExist
        if Fujo.IRYO not in case.fujo:
            raise SeihoRefused("このケースは医療扶助を受けていません。")
        if case.haishi_date is not None and case.haishi_date <= irai_date:
            raise SeihoRefused("保護が廃止されています。")
        kikan = SeihoKikan.objects.filter(pk=kikan_id).first()
        if kikan is None or kikan.shubetsu != KikanShubetsu.IRYO:
            raise SeihoRefused("指定医療機関を選んでください。")
        member = (
            case.members.filter(atena_id=atena_id, from_date__lte=irai_date)
            .exclude(to_date__lte=irai_date)
            .exists()
        )
        if not member:
            raise SeihoRefused("依頼日にこのケースの世帯員でない方です。")
        y = SeihoIryoYohi.objects.create(
            case=case,
            atena_id=atena_id,
            kikan=kikan,
            nyuin=nyuin,
            keizoku=keizoku,
            irai_date=irai_date,
            irai_actor=_who(actor),
        )
        _log(actor, case.pk, AccessAction.CREATE, {"yohi_id": y.pk, "atena_ids": [atena_id]})
        return y


def yohi_kaito(
    *,
    case_id: int,
    yohi_id: int,
    kaito_date: date,
    iken: str,
    shobyo: str,
    mikomi_tsuki: int | None,
    actor: Actor,
) -> SeihoIryoYohi:
    if iken not in YohiKekka.values:
        raise SeihoRefused("医療機関の意見（要・否）を選んでください。")
    shobyo = shobyo.strip()
    bad = text_problem(shobyo, label="傷病名")
    if bad:
        raise SeihoRefused(bad)
    if iken == YohiKekka.YO and not shobyo:
        raise SeihoRefused("傷病名を入力してください。")
    if mikomi_tsuki is not None and not 1 <= mikomi_tsuki <= 120:
        raise SeihoRefused("診療見込期間は1〜120か月で入力してください。")
    with transaction.atomic(durable=True):
        case, y = _locked(case_id, yohi_id)
        if y.kaito_date is not None:
            raise SeihoRefused("この意見書の回答はすでに受け付けています。")
        if kaito_date < y.irai_date:
            raise SeihoRefused("回答の受付日が依頼日より前です。")
        y.kaito_date = kaito_date
        y.iken = iken
        y.shobyo = shobyo[:100]
        y.mikomi_tsuki = mikomi_tsuki
        y.kaito_actor = _who(actor)
        y.save(update_fields=["kaito_date", "iken", "shobyo", "mikomi_tsuki", "kaito_actor"])
        _log(actor, case.pk, AccessAction.UPDATE, {"yohi_id": y.pk, "step": "kaito"})
        return y


def _month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def yohi_kettei(
    *,
    case_id: int,
    yohi_id: int,
    kettei_date: date,
    kettei: str,
    kikan_from: date | None,
    kikan_to: date | None,
    riyu: str,
    actor: Actor,
    ken_kofu_date: date | None = None,
) -> SeihoIryoYohi:
    """The 決定; with 要 and ``ken_kofu_date`` the 医療券 of ``kikan_from`` is issued too."""
    if kettei not in YohiKekka.values:
        raise SeihoRefused("要否の決定（要・否）を選んでください。")
    riyu = riyu.strip()
    bad = text_problem(riyu, label="理由")
    if bad:
        raise SeihoRefused(bad)
    if kettei == YohiKekka.YO:
        if kikan_from is None or kikan_to is None:
            raise SeihoRefused("医療扶助の始期と終期（月）を入力してください。")
        kikan_from, kikan_to = kikan_from.replace(day=1), kikan_to.replace(day=1)
        if kikan_to < kikan_from:
            raise SeihoRefused("医療扶助の終期が始期より前です。")
        if _month_index(kikan_to) - _month_index(kikan_from) >= 120:
            raise SeihoRefused("医療扶助の期間が長すぎます（10年以内）。")
    else:
        if not riyu:
            raise SeihoRefused("否と決定する理由を入力してください。")
        kikan_from = kikan_to = None
        ken_kofu_date = None
    kohi = kohi_futansha_no(kikan_from) if ken_kofu_date and kikan_from else ""
    with transaction.atomic(durable=True):
        case, y = _locked(case_id, yohi_id)
        if y.kaito_date is None:
            raise SeihoRefused("医療機関の回答を受け付けてから決定してください。")
        if y.kettei:
            raise SeihoRefused("この意見書はすでに決定しています。")
        if kettei_date < y.kaito_date:
            raise SeihoRefused("決定日が回答の受付日より前です。")
        y.kettei_date = kettei_date
        y.kettei = kettei
        y.kikan_from = kikan_from
        y.kikan_to = kikan_to
        y.kettei_riyu = riyu[:200]
        y.kettei_actor = _who(actor)
        if ken_kofu_date is not None and kikan_from is not None:
            y.ken = _issue(
                case=case,
                ketteis=list(case.ketteis.all()),
                atena_id=y.atena_id,
                shubetsu=KenShubetsu.IRYO,
                month=kikan_from,
                kikan=y.kikan,
                kofu_date=ken_kofu_date,
                honnin_shiharai=None,
                saihakko=False,
                saihakko_riyu="",
                ikkatsu=False,
                kohi=kohi,
                actor=actor,
            )
        y.save()
        _log(
            actor,
            case.pk,
            AccessAction.UPDATE,
            {"yohi_id": y.pk, "step": "kettei", "ken_id": y.ken_id, "atena_ids": [y.atena_id]},
        )
        return y


def yohi_allows(case_id: int, atena_id: int, kikan_id: int, month: date) -> bool | None:
    """Whether the latest 決定 of the register for the person at the 機関 covers ``month``;
    None when there is none."""
    latest = (
        SeihoIryoYohi.objects.filter(case_id=case_id, atena_id=atena_id, kikan_id=kikan_id)
        .exclude(kettei="")
        .order_by("-kettei_date", "-pk")
        .first()
    )
    if latest is None:
        return None
    if latest.kettei != YohiKekka.YO or latest.kikan_from is None or latest.kikan_to is None:
        return False
    return latest.kikan_from <= month.replace(day=1) <= latest.kikan_to


def yohi_keizoku_due(case: SeihoCase, month: date) -> list[SeihoIryoYohi]:
    """The case's 要 決定 ending with ``month`` and not followed by a new 依頼 at the same
    機関 for the same person: the 継続 意見書 to send."""
    month = month.replace(day=1)
    rows = list(case.iryo_yohis.filter(kettei=YohiKekka.YO, kikan_to=month).select_related("kikan"))
    return [
        y
        for y in rows
        if not case.iryo_yohis.filter(
            atena_id=y.atena_id, kikan_id=y.kikan_id, pk__gt=y.pk
        ).exists()
    ]


def yohi_history(case: SeihoCase) -> list[SeihoIryoYohi]:
    return list(case.iryo_yohis.select_related("kikan", "ken").order_by("-irai_date", "-pk"))
