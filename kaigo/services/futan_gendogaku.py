"""負担限度額認定 (補足給付): 申請 → 判定 → 決定 (認定 or 却下), each a durable write with its
history row and access-log row.

- 申請 (:func:`gendogaku_shinsei`) records what the 申請書 declares: 預貯金等 (本人 and
  配偶者), 非課税年金 (遺族・障害年金) that no 住民税 record holds, the 配偶者 and whether they
  are 課税 (a 配偶者 in another household is not visible to this town's household).
  生活保護 and 老齢福祉年金 are not declared: the 判定 reads them on the 申請日 (福祉's
  ``fukushi.public.hihogosha_on``; the clerk's 老齢福祉年金 records, kaigo.services.rorei) and
  keeps what it read on the 申請.
- 判定 (:func:`gendogaku_hantei_run`) reads the household's 課税状況 and 本人's 所得 of the
  年度's 住民税 (``zeimu.public``; the household on the 申請日) and applies the pure rule
  (``kaigo.rules.futan_gendogaku``). A household with a member whose 課税状況 is unknown
  (未申告) is not 世帯全員非課税.
- 決定 (:func:`gendogaku_kettei`): 認定 when the 判定 found a 段階, from the first day of the
  month of the 申請 to the end of the 適用期間 (7月31日) (介護保険法施行規則第83条の6: the
  month of the 申請; number not checked), else 却下. One 認定 a person and 年度.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from django.db import IntegrityError, transaction

from fukushi import public as fukushi_public
from kaigo.gyomu import KAIGO_HOKEN
from kaigo.models import GendogakuNintei, GendogakuRireki, GendogakuStatus
from kaigo.public import DAI1, hihokensha_on
from kaigo.rules.futan_gendogaku import (
    GendogakuInput,
    gendogaku_hantei,
    gendogaku_parameters_from_lookup,
)
from kaigo.services.futan import kikan, nendo_of
from kaigo.services.rorei import rorei_jukyu_on, rorei_kikan_many
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.params.services import ParameterMissing, param_value
from zeimu import public as zeimu_public

RECORD_TYPE = "kaigo.GendogakuNintei"


class GendogakuRefused(Exception):
    """A request the rules refuse; the message is Japanese, for the clerk."""


def _log(nintei: GendogakuNintei, action: str, actor: Actor, screen: str, note: str = "") -> None:
    GendogakuRireki.objects.create(
        nintei=nintei, status=nintei.status, note=note[:200], actor=actor.username
    )
    access_record(
        actor=actor,
        action=action,
        gyomu=KAIGO_HOKEN,
        screen=screen,
        record_type=RECORD_TYPE,
        record_id=nintei.pk,
        detail={"atena_id": nintei.atena_id, "status": nintei.status},
    )


def gendogaku_shinsei(
    *,
    atena_id: int,
    shinsei_date: date,
    yochokin: int,
    hikazei_nenkin_shunyu: int = 0,
    haigusha: bool = False,
    haigusha_kazei: bool = False,
    actor: Actor,
) -> GendogakuNintei:
    if min(yochokin, hikazei_nenkin_shunyu) < 0:
        raise GendogakuRefused("金額に負の値は使えません。")
    if haigusha_kazei and not haigusha:
        raise GendogakuRefused("配偶者がいないときは「配偶者が課税」を選べません。")
    on = hihokensha_on([atena_id], shinsei_date).get(atena_id)
    if on is None:
        raise GendogakuRefused("申請日にこの方は介護保険の被保険者ではありません。")
    with transaction.atomic(durable=True):
        nintei = GendogakuNintei.objects.create(
            atena_id=atena_id,
            nendo=nendo_of(shinsei_date),
            shinsei_date=shinsei_date,
            kubun=on.kubun,
            yochokin=yochokin,
            hikazei_nenkin_shunyu=hikazei_nenkin_shunyu,
            haigusha=haigusha,
            haigusha_kazei=haigusha_kazei,
        )
        _log(nintei, AccessAction.CREATE, actor, "kaigo.gendogaku_shinsei", "申請を受け付けました")
    return nintei


def gendogaku_hantei_run(*, nintei_id: int, actor: Actor) -> GendogakuNintei:
    with transaction.atomic(durable=True):
        nintei = GendogakuNintei.objects.select_for_update().get(pk=nintei_id)
        if nintei.status not in (GendogakuStatus.SHINSEI, GendogakuStatus.HANTEI):
            raise GendogakuRefused("決定済みの申請は判定し直せません。")
        try:
            params = gendogaku_parameters_from_lookup(param_value, nintei.nendo)
        except (ParameterMissing, LookupError, ValueError, TypeError) as exc:
            raise GendogakuRefused("この年度の負担限度額の基準（法令の値）がありません。") from exc
        h = zeimu_public.household_kazei(nintei.atena_id, nintei.nendo, on=nintei.shinsei_date)
        honnin = zeimu_public.person_kazei(nintei.atena_id, nintei.nendo)
        setai_hikazei = (
            h.zenin_hikazei
            if h is not None
            else honnin is not None and honnin.jokyo is zeimu_public.KazeiJokyo.HIKAZEI
        )
        nintei.seikatsu_hogo = nintei.atena_id in fukushi_public.hihogosha_on(
            [nintei.atena_id], nintei.shinsei_date
        )
        nintei.rorei_fukushi_nenkin = rorei_jukyu_on(
            rorei_kikan_many([nintei.atena_id]).get(nintei.atena_id, ()), nintei.shinsei_date
        )
        s = honnin.shotoku if honnin else None
        kazei_nenkin = s.nenkin_shunyu if s else 0
        sonota = max(0, s.gokei_shotoku - s.nenkin_shotoku) if s else 0
        inp = GendogakuInput(
            fiscal_year=nintei.nendo,
            setai_hikazei=setai_hikazei,
            kazei_nenkin_shunyu=kazei_nenkin,
            hikazei_nenkin_shunyu=nintei.hikazei_nenkin_shunyu,
            sonota_gokei_shotoku=sonota,
            yochokin=nintei.yochokin,
            haigusha=nintei.haigusha,
            haigusha_kazei=nintei.haigusha_kazei,
            seikatsu_hogo=nintei.seikatsu_hogo,
            rorei_fukushi_nenkin=nintei.rorei_fukushi_nenkin,
            dai2go=nintei.kubun != DAI1,
        )
        r = gendogaku_hantei(inp, params)
        nintei.status = GendogakuStatus.HANTEI
        nintei.setai_hikazei = setai_hikazei
        nintei.kazei_nenkin_shunyu = kazei_nenkin
        nintei.sonota_gokei_shotoku = sonota
        nintei.dankai = r.dankai or ""
        nintei.riyu = r.riyu[:200]
        nintei.hantei_result = asdict(r) | {"input": asdict(inp)}
        nintei.save()
        _log(nintei, AccessAction.UPDATE, actor, "kaigo.gendogaku_hantei", r.riyu)
    return nintei


def gendogaku_kettei(*, nintei_id: int, kettei_date: date, actor: Actor) -> GendogakuNintei:
    """認定 when the 判定 found a 段階, else 却下."""
    try:
        with transaction.atomic(durable=True):
            nintei = GendogakuNintei.objects.select_for_update().get(pk=nintei_id)
            if nintei.status != GendogakuStatus.HANTEI:
                raise GendogakuRefused("判定が済んだ申請だけを決定できます。")
            if kettei_date < nintei.shinsei_date:
                raise GendogakuRefused("決定日が申請日より前です。")
            nintei.kettei_date = kettei_date
            if nintei.dankai:
                _, end = kikan(nintei.nendo)
                nintei.status = GendogakuStatus.NINTEI
                nintei.tekiyo_start = nintei.shinsei_date.replace(day=1)
                nintei.tekiyo_end = end
                note = "認定しました"
            else:
                nintei.status = GendogakuStatus.KYAKKA
                note = f"却下しました：{nintei.riyu}"
            nintei.save()
            _log(nintei, AccessAction.UPDATE, actor, "kaigo.gendogaku_kettei", note)
    except IntegrityError as exc:
        raise GendogakuRefused("この方はこの年度の負担限度額認定を既に受けています。") from exc
    return nintei


def gendogaku_of(atena_id: int) -> list[GendogakuNintei]:
    return list(GendogakuNintei.objects.filter(atena_id=atena_id).order_by("-shinsei_date", "-id"))
