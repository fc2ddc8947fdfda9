"""児童扶養手当 返還金の分割納付 (the module's own 私債権, see
``fukushi.services.fuyoteate_kabarai``): a plan of monthly 回 made on the debtor's 申出, the
納付書 of each 回, payments put to the 回 in order, the 不履行 (a 回 not paid in full by its
納期限) listed, and the plan cancelled on a 不履行 — the rest then due at once and the 督促
(``fukushi.services.fuyoteate_kabarai_tokusoku``) possible.

Law and the towns' rules followed:
- 地方自治法第240条第3項 and 施行令第171条の6第1項: the 長 may make a 履行延期の特約 when the
  debtor cannot pay the whole at once (第2号), and may then split the amount and set a
  履行期限 for each part; 第2項: also after the 履行期限. A 私債権's 特約 is an agreement (the
  申出 and the town's acceptance), not a 処分.
- the towns' 要綱 for this very 返還金: 隠岐の島町「児童扶養手当過誤払返還金債権管理要綱」第4条
  (履行延期の特約 under 施行令第171条の6)
  https://www.town.okinoshima.shimane.jp/reiki/reiki_honbun/r074RG00000653.html ;
  常陸大宮市「児童扶養手当の過誤払等による返納金等に関する事務取扱要綱」第4条 (分割納付の申出,
  5年以内, 誓約書)
  https://www.city.hitachiomiya.lg.jp/reiki_int/reiki_honbun/r064RG00001621.html ;
  港区「児童扶養手当過誤払金収納管理要領」第4条 (5年を限度に月賦・半年賦・年賦)
  http://www.city.minato.tokyo.jp/reiki/reiki_honbun/g104RG00001276.html .
  The number of 回 is capped by the town's ``fukushi.fuyoteate.kabarai.bunno_max_kaisu``
  (既定 60 = 5年 of monthly 回). Only monthly 回 are built (半年賦・年賦 are not).
- the cancellation on a 不履行 making the rest due at once is the 期限の利益喪失 clause the
  分納誓約 usually carries (our reading of the practice; the clause of a named town's 様式
  was not read here: 未確認). Nothing is charged for the delay (遅延損害金 not built).

Each write: one durable transaction, its history row and its access-log row; a PDF is a
PRINT access row; refused input writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import F, QuerySet

from fukushi.gyomu import JIDO_FUYO_TEATE
from fukushi.models import (
    FuyoKabarai,
    FuyoKabaraiBunno,
    FuyoKabaraiBunnoJotai,
    FuyoKabaraiBunnoKi,
    FuyoKabaraiJotai,
    FuyoRireki,
)
from fukushi.rules.fuyoteate import nendo_of_month
from fukushi.rules.fuyoteate_bunno import bunno_errors, bunno_plan
from fukushi.services.fuyoteate import FuyoteateRefused
from fukushi.services.fuyoteate_kabarai_tokusoku import nofusho_items, nofusho_render
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.holidays import next_business_day
from tenants.params.services import param_value
from tenants.wareki import format_wareki

__all__ = [
    "Furikou",
    "bunno_allocate",
    "bunno_keizoku",
    "bunno_moushide",
    "bunno_nofusho",
    "bunno_torikeshi",
    "furikou_ki",
    "furikou_list",
    "max_kaisu",
]

RECORD_TYPE = "fukushi.FuyoJukyusha"
SCREEN = "fukushi.fuyoteate_kabarai_bunno"


def max_kaisu(on: date) -> int:
    """The town's cap on the number of monthly 回 (``bunno_max_kaisu``) for a 申出 on ``on``."""
    return int(
        param_value("fukushi.fuyoteate.kabarai.bunno_max_kaisu", nendo_of_month(on.year, on.month))
    )


def _shift(day: date) -> date:
    return next_business_day(day, inclusive=True)


def bunno_keizoku(kabarai: FuyoKabarai) -> FuyoKabaraiBunno | None:
    """The plan 分割納付中 of ``kabarai``, if any."""
    return FuyoKabaraiBunno.objects.filter(
        kabarai=kabarai, jotai=FuyoKabaraiBunnoJotai.KEIZOKU
    ).first()


def bunno_moushide(
    *,
    kabarai: FuyoKabarai,
    moushide_date: date,
    kaisu: int,
    maikai_gaku: int,
    shokai_nouki: date,
    actor: Actor,
) -> FuyoKabaraiBunno:
    """The 分割納付 of the 残額 of ``kabarai`` on the debtor's 申出: ``kaisu`` monthly 回 of
    ``maikai_gaku`` (the rest in the last), the first due ``shokai_nouki`` (each 納期限 on a
    closed day moved to the next 開庁日). Refused for a 完納 返還金, one already split, a 申出
    before the 決定, a 初回 before the 申出, or amounts that do not add up."""
    cap = max_kaisu(moushide_date)
    with transaction.atomic(durable=True):
        k = FuyoKabarai.objects.select_for_update().get(pk=kabarai.pk)
        zan = k.gaku - k.nofu_gaku
        errors: list[tuple[str, str]] = []
        if k.jotai != FuyoKabaraiJotai.MINO:
            errors.append(("kabarai", "完納した返還金は分割納付にできません。"))
        elif bunno_keizoku(k) is not None:
            errors.append(("kabarai", "この返還金は分割納付中です。"))
        if moushide_date < k.kettei_date:
            errors.append(("moushide_date", "申出日が返還金の決定日より前です。"))
        if shokai_nouki < moushide_date:
            errors.append(("shokai_nouki", "初回の納期限が申出日より前です。"))
        if not errors:
            errors = bunno_errors(zan, kaisu, maikai_gaku, cap)
        if errors:
            raise FuyoteateRefused(errors)
        ki = bunno_plan(zan, kaisu, maikai_gaku, shokai_nouki, _shift)
        plan = FuyoKabaraiBunno.objects.create(
            kabarai=k,
            moushide_date=moushide_date,
            zan=zan,
            kaisu=kaisu,
            maikai_gaku=maikai_gaku,
            shokai_nouki=ki[0].nouki,
            moto_nouki=k.nouki,
            created_by=actor.username,
        )
        FuyoKabaraiBunnoKi.objects.bulk_create(
            FuyoKabaraiBunnoKi(bunno=plan, kai=x.kai, gaku=x.gaku, nouki=x.nouki) for x in ki
        )
        FuyoRireki.objects.create(
            jukyusha_id=k.jukyusha_id,
            kind="kabarai_bunno",
            naiyo=f"返還金（{format_wareki(k.kettei_date)}決定）を分割納付に（申出"
            f"{format_wareki(moushide_date)}）：残額 {zan:,}円を{kaisu}回、毎回 {maikai_gaku:,}円"
            f"（最終回 {ki[-1].gaku:,}円）、初回の納期限 {format_wareki(ki[0].nouki)}",
            created_by=actor.username,
        )
        access_record(
            action=AccessAction.CREATE,
            actor=actor,
            gyomu=JIDO_FUYO_TEATE,
            screen=SCREEN,
            record_type=RECORD_TYPE,
            record_id=k.jukyusha_id,
        )
    return plan


def bunno_allocate(k: FuyoKabarai, gaku: int) -> None:
    """Put a payment of ``gaku`` (already added to ``k``) to the 回 of its plan 分割納付中, the
    earliest 回 first; the plan is 完了 once the 返還金 is 完納. Inside the caller's
    transaction, ``k`` locked."""
    plan = (
        FuyoKabaraiBunno.objects.select_for_update()
        .filter(kabarai=k, jotai=FuyoKabaraiBunnoJotai.KEIZOKU)
        .first()
    )
    if plan is None:
        return
    rest = gaku
    for ki in plan.ki.select_for_update().filter(nofu_gaku__lt=F("gaku")).order_by("kai"):
        if rest == 0:
            break
        put = min(rest, ki.gaku - ki.nofu_gaku)
        ki.nofu_gaku += put
        ki.save(update_fields=["nofu_gaku"])
        rest -= put
    if k.jotai == FuyoKabaraiJotai.KANNO:
        plan.jotai = FuyoKabaraiBunnoJotai.KANRYO
        plan.save(update_fields=["jotai"])


def furikou_ki(plan: FuyoKabaraiBunno, on_date: date) -> list[FuyoKabaraiBunnoKi]:
    """The 回 of ``plan`` not paid in full by a 納期限 before ``on_date``."""
    return list(plan.ki.filter(nouki__lt=on_date, nofu_gaku__lt=F("gaku")).order_by("kai"))


@dataclass(frozen=True)
class Furikou:
    plan: FuyoKabaraiBunno
    ki: list[FuyoKabaraiBunnoKi]  # the 回 in arrears

    @property
    def mino(self) -> int:
        return sum(x.gaku - x.nofu_gaku for x in self.ki)


def furikou_list(on_date: date) -> QuerySet[FuyoKabaraiBunno]:
    """Plans 分割納付中 with a 回 not paid in full by a 納期限 before ``on_date`` (不履行),
    the oldest missed 納期限 first."""
    late = FuyoKabaraiBunnoKi.objects.filter(nouki__lt=on_date, nofu_gaku__lt=F("gaku"))
    return (
        FuyoKabaraiBunno.objects.filter(
            jotai=FuyoKabaraiBunnoJotai.KEIZOKU, pk__in=late.values("bunno_id")
        )
        .select_related("kabarai__jukyusha")
        .order_by("shokai_nouki", "pk")
    )


def bunno_torikeshi(
    *, bunno: FuyoKabaraiBunno, torikeshi_date: date, riyu: str, actor: Actor
) -> FuyoKabaraiBunno:
    """Cancel a plan on its 不履行: the 返還金's 残額 is due at once (its 納期限 becomes the
    取消日, so the 督促 can follow from the next day). Refused without a 不履行 on
    ``torikeshi_date`` or for a plan no longer 分割納付中."""
    with transaction.atomic(durable=True):
        k = FuyoKabarai.objects.select_for_update().get(pk=bunno.kabarai_id)
        plan = FuyoKabaraiBunno.objects.select_for_update().get(pk=bunno.pk)
        errors: list[tuple[str, str]] = []
        if plan.jotai != FuyoKabaraiBunnoJotai.KEIZOKU:
            errors.append(("bunno", "分割納付中ではありません。"))
        elif not furikou_ki(plan, torikeshi_date):
            errors.append(
                (
                    "torikeshi_date",
                    "取消日に納期限を過ぎた未納の回がありません（不履行ではありません）。",
                )
            )
        if not riyu.strip():
            errors.append(("riyu", "取消の理由を入力してください。"))
        if errors:
            raise FuyoteateRefused(errors)
        late = furikou_ki(plan, torikeshi_date)
        plan.jotai = FuyoKabaraiBunnoJotai.TORIKESHI
        plan.torikeshi_date = torikeshi_date
        plan.torikeshi_riyu = riyu.strip()
        plan.save(update_fields=["jotai", "torikeshi_date", "torikeshi_riyu"])
        k.nouki = torikeshi_date
        k.save(update_fields=["nouki"])
        FuyoRireki.objects.create(
            jukyusha_id=k.jukyusha_id,
            kind="kabarai_bunno",
            naiyo=f"返還金の分割納付を取消（{format_wareki(torikeshi_date)}、第{late[0].kai}回の"
            f"不履行）：残額 {k.gaku - k.nofu_gaku:,}円を一時に納付、納期限 "
            f"{format_wareki(torikeshi_date)}",
            created_by=actor.username,
        )
        access_record(
            action=AccessAction.UPDATE,
            actor=actor,
            gyomu=JIDO_FUYO_TEATE,
            screen=SCREEN,
            record_type=RECORD_TYPE,
            record_id=k.jukyusha_id,
        )
    return plan


def bunno_nofusho(
    *, bunno: FuyoKabaraiBunno, hakko_date: date, actor: Actor, kai: int | None = None
) -> bytes:
    """The 納付書 of the 回 of a plan 分割納付中 (one page, three slips, per 回 not yet paid in
    full, or only 回 ``kai``), each for what the 回 still lacks and due by its 納期限; a
    history row and a PRINT access row. Refused when the plan is not 分割納付中 or the 回 is
    paid."""
    plan = FuyoKabaraiBunno.objects.select_related("kabarai__jukyusha").get(pk=bunno.pk)
    if plan.jotai != FuyoKabaraiBunnoJotai.KEIZOKU:
        raise FuyoteateRefused(
            [("bunno", "分割納付中ではありません（残額の納付書を作成してください）。")]
        )
    ki = [x for x in plan.ki.order_by("kai") if x.nofu_gaku < x.gaku]
    if kai is not None:
        ki = [x for x in ki if x.kai == kai]
    if not ki:
        raise FuyoteateRefused([("kai", "納付書を作成する未納の回がありません。")])
    found = nofusho_items([plan.kabarai])
    if not found:
        raise FuyoteateRefused([("kabarai", "受給者の住所・氏名を住民記録から読めません。")])
    items = [
        {
            **found[0],
            "nofu_label": f"納付額（第{x.kai}回／全{plan.kaisu}回）",
            "zan": f"{x.gaku - x.nofu_gaku:,}円",
            "kigen_label": f"第{x.kai}回の納期限",
            "kigen": format_wareki(x.nouki),
        }
        for x in ki
    ]
    pdf = nofusho_render(items, hakko_date)
    with transaction.atomic(durable=True):
        FuyoRireki.objects.create(
            jukyusha_id=plan.kabarai.jukyusha_id,
            kind="kabarai_nofusho",
            naiyo=f"分割納付の納付書を作成（{format_wareki(hakko_date)}）：第"
            + "・".join(str(x.kai) for x in ki)
            + "回",
            created_by=actor.username,
        )
        access_record(
            action=AccessAction.PRINT,
            actor=actor,
            gyomu=JIDO_FUYO_TEATE,
            screen="fukushi.fuyoteate_kabarai_nofusho",
            record_type=RECORD_TYPE,
            record_id=plan.kabarai.jukyusha_id,
        )
    return pdf
