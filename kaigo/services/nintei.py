"""要介護認定の手続: 申請 (新規, 更新, 区分変更), 認定調査, 主治医意見書, 介護認定審査会,
認定 (決定), 延期の通知, 取下げ・却下. Each step is one durable transaction that checks the
step comes in its order, moves the 申請's state, and writes its history row
(``NinteiRireki``: who, when) and an access-log row.

A 第2号 who is not yet insured here is registered through ``kaigo.services.todoke.
dai2_register`` (its own durable transaction) just before the 申請 is written: everything
the 申請 needs is checked first, so a refusal writes neither.

Messages are Japanese and name no person.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from juminkiroku.public import residents_among
from kaigo.gyomu import KAIGO_HOKEN
from kaigo.models import (
    OPEN_STATUSES,
    Kubun,
    Nintei,
    NinteiRireki,
    NinteiShinsei,
    RirekiStep,
    ShinseiKubun,
    ShinseiStatus,
    YokaigoKubun,
)
from kaigo.rules.nintei import (
    NinteiParameters,
    NinteiRuleError,
    koshin_shinsei_kaishi,
    nintei_start,
    yuko_end,
)
from kaigo.rules.shikaku import ShikakuParameters, is_dai2_age_on
from kaigo.selectors.nintei import nintei_in_effect
from kaigo.selectors.shikaku import periods_on
from kaigo.services.todoke import TodokeRefused, dai2_register
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.wareki import format_wareki

RECORD_TYPE = "kaigo.NinteiShinsei"
SCREEN = "kaigo.nintei"


class NinteiRefused(ValueError):
    """A step the rules or the order of the procedure refuse; Japanese, names no person."""


def rireki_add(
    *, shinsei: NinteiShinsei, step: str, day: date, actor: Actor, note: str = ""
) -> NinteiRireki:
    row = NinteiRireki.objects.create(
        shinsei=shinsei,
        atena_id=shinsei.atena_id,
        step=step,
        status_after=shinsei.status,
        effective_date=day,
        note=note[:200],
        actor=actor.username,
    )
    access_record(
        actor=actor,
        action=AccessAction.CREATE if step == RirekiStep.SHINSEI else AccessAction.UPDATE,
        gyomu=KAIGO_HOKEN,
        screen=SCREEN,
        record_type=RECORD_TYPE,
        record_id=shinsei.pk,
        detail={"atena_ids": [shinsei.atena_id], "step": step},
    )
    return row


def _locked(shinsei_id: int) -> NinteiShinsei:
    row = NinteiShinsei.objects.select_for_update().filter(pk=shinsei_id).first()
    if row is None:
        raise NinteiRefused("その申請は見つかりません。")
    return row


def _open(row: NinteiShinsei) -> None:
    if row.status not in OPEN_STATUSES:
        raise NinteiRefused(
            f"この申請は「{ShinseiStatus(row.status).label}」です。手続を続けることはできません。"
        )


def _not_before(day: date, earlier: date | None, what: str, than: str) -> None:
    if earlier is not None and day < earlier:
        raise NinteiRefused(f"{what}が{than}（{format_wareki(earlier)}）より前です。")


def _not_future(day: date, what: str) -> None:
    if day > timezone.localdate():
        raise NinteiRefused(f"{what}が未来の日付です。")


# --- 申請 --------------------------------------------------------------------------------


def shinsei_register(
    *,
    atena_id: int,
    shinsei_kubun: str,
    shinsei_date: date,
    daiko: str,
    daikosha_name: str = "",
    tokutei_shippei: str = "",
    iryo_hoken: str = "",
    actor: Actor,
) -> NinteiShinsei:
    """An application (介護保険法第27条第1項 新規, 第28条第2項 更新, 第29条第1項 区分変更).

    第1号: insured on the 申請日. 第2号 (40–64): one of the 16 特定疾病 is required; a person
    not yet insured is registered as 第2号 from the 申請日 (``dai2_register``) with their
    医療保険. 更新 needs a 認定 whose period ends within 60 days (施行規則第39条);
    区分変更 a 認定 in effect; 新規 none."""
    _not_future(shinsei_date, "申請日")
    if daiko != "honnin" and not daikosha_name.strip():
        raise NinteiRefused("代行して申請した方の名称（事業者名・続柄など）を入力してください。")
    resident = residents_among([atena_id], shinsei_date).get(atena_id)
    if resident is None:
        raise NinteiRefused("申請日に町の住民ではありません。")
    if NinteiShinsei.objects.filter(atena_id=atena_id, status__in=OPEN_STATUSES).exists():
        raise NinteiRefused(
            "この方には手続中の申請があります。取下げ・却下または認定の後に申請してください。"
        )
    period = periods_on(shinsei_date).filter(atena_id=atena_id).first()
    needs_dai2 = False
    if period is None:
        shikaku_params = ShikakuParameters.for_date(shinsei_date)
        if not is_dai2_age_on(resident.birth_date, shinsei_date, shikaku_params):
            raise NinteiRefused("申請日に介護保険の資格がありません。")
        needs_dai2 = True
        if not iryo_hoken:
            raise NinteiRefused("第2号被保険者の申請です。加入している医療保険を選んでください。")
    kubun = Kubun.DAI2 if needs_dai2 else period.kubun  # type: ignore[union-attr]
    if kubun == Kubun.DAI2 and not tokutei_shippei:
        raise NinteiRefused("第2号被保険者の申請には特定疾病（16疾病のいずれか）が必要です。")
    if kubun == Kubun.DAI1 and tokutei_shippei:
        raise NinteiRefused("第1号被保険者の申請に特定疾病は入力しません。")
    current = nintei_in_effect(atena_id, shinsei_date)
    params = NinteiParameters.for_date(shinsei_date)
    mae: Nintei | None = None
    if shinsei_kubun == ShinseiKubun.SHINKI:
        if current is not None:
            raise NinteiRefused(
                "申請日に有効な認定があります。更新申請または区分変更申請にしてください。"
            )
    else:
        if current is None:
            raise NinteiRefused(
                f"{ShinseiKubun(shinsei_kubun).label}は申請日に有効な認定がある方の申請です。新規申請にしてください。"
            )
        mae = current
        if shinsei_kubun == ShinseiKubun.KOSHIN:
            assert current.yuko_end is not None
            first = koshin_shinsei_kaishi(current.yuko_end, params)
            if shinsei_date < first:
                raise NinteiRefused(
                    f"更新申請は有効期間の終了日の{params.koshin_shinsei_kaishi_nissu}日前"
                    f"（{format_wareki(first)}）から受け付けます。"
                )
    if needs_dai2:
        try:
            dai2_register(
                atena_id=atena_id, iryo_hoken=iryo_hoken, shinsei_date=shinsei_date, actor=actor
            )
        except TodokeRefused as exc:
            raise NinteiRefused(str(exc)) from exc
    with transaction.atomic(durable=True):
        if NinteiShinsei.objects.filter(atena_id=atena_id, status__in=OPEN_STATUSES).exists():
            raise NinteiRefused("この方には手続中の申請があります。")
        row = NinteiShinsei.objects.create(
            atena_id=atena_id,
            shinsei_kubun=shinsei_kubun,
            shinsei_date=shinsei_date,
            hihokensha_kubun=kubun,
            tokutei_shippei=tokutei_shippei,
            daiko=daiko,
            daikosha_name=daikosha_name.strip(),
            mae_nintei=mae,
        )
        rireki_add(
            shinsei=row,
            step=RirekiStep.SHINSEI,
            day=shinsei_date,
            actor=actor,
            note=ShinseiKubun(shinsei_kubun).label,
        )
        return row


# --- 認定調査・主治医意見書 ------------------------------------------------------------------


def _ready(row: NinteiShinsei) -> None:
    """Both the 調査 and the 意見書 in: the 申請 waits for the 審査会."""
    if row.chosa_date and row.ikensho_juryo_date and row.status == ShinseiStatus.UKETSUKE:
        row.status = ShinseiStatus.SHINSA_MACHI


def _before_shinsakai(row: NinteiShinsei) -> None:
    _open(row)
    if row.status == ShinseiStatus.HANTEI:
        raise NinteiRefused("審査会の判定の後です。調査・意見書は変更できません。")


def chosa_record(
    *,
    shinsei_id: int,
    chosa_date: date,
    chosain: str,
    chosa_kekka: str = "",
    ichiji_hantei: str = "",
    actor: Actor,
) -> NinteiShinsei:
    """認定調査の結果 (法第27条第2項): the day, who surveyed, the 基本調査 as entered and
    the 一次判定 as the 厚生労働省's software gave it (not computed here)."""
    _not_future(chosa_date, "調査日")
    with transaction.atomic(durable=True):
        row = _locked(shinsei_id)
        _before_shinsakai(row)
        _not_before(chosa_date, row.shinsei_date, "調査日", "申請日")
        row.chosa_date = chosa_date
        row.chosain = chosain.strip()
        row.chosa_kekka = chosa_kekka
        row.ichiji_hantei = ichiji_hantei
        _ready(row)
        row.save()
        rireki_add(
            shinsei=row, step=RirekiStep.CHOSA, day=chosa_date, actor=actor, note=row.chosain
        )
        return row


def ikensho_irai(
    *, shinsei_id: int, irai_date: date, ishi_name: str, iryo_kikan: str, actor: Actor
) -> NinteiShinsei:
    """主治医意見書の依頼 (法第27条第3項)."""
    _not_future(irai_date, "依頼日")
    with transaction.atomic(durable=True):
        row = _locked(shinsei_id)
        _before_shinsakai(row)
        _not_before(irai_date, row.shinsei_date, "依頼日", "申請日")
        row.ikensho_irai_date = irai_date
        row.ishi_name = ishi_name.strip()
        row.iryo_kikan = iryo_kikan.strip()
        row.save()
        rireki_add(
            shinsei=row,
            step=RirekiStep.IKENSHO_IRAI,
            day=irai_date,
            actor=actor,
            note=f"{row.iryo_kikan} {row.ishi_name}".strip(),
        )
        return row


def ikensho_juryo(*, shinsei_id: int, juryo_date: date, actor: Actor) -> NinteiShinsei:
    """主治医意見書の受領: after its 依頼."""
    _not_future(juryo_date, "受領日")
    with transaction.atomic(durable=True):
        row = _locked(shinsei_id)
        _before_shinsakai(row)
        if row.ikensho_irai_date is None:
            raise NinteiRefused("主治医意見書の依頼を先に登録してください。")
        _not_before(juryo_date, row.ikensho_irai_date, "受領日", "依頼日")
        row.ikensho_juryo_date = juryo_date
        _ready(row)
        row.save()
        rireki_add(shinsei=row, step=RirekiStep.IKENSHO_JURYO, day=juryo_date, actor=actor)
        return row


# --- 介護認定審査会・認定 --------------------------------------------------------------------


def _same_as_before(row: NinteiShinsei, hantei: str) -> bool:
    return bool(
        row.shinsei_kubun == ShinseiKubun.KOSHIN
        and row.mae_nintei is not None
        and row.mae_nintei.yokaigo_kubun == hantei
    )


def shinsakai_record(
    *,
    shinsei_id: int,
    gogitai: str,
    kaisai_date: date,
    hantei: str,
    yuko_months: int | None,
    iken: str = "",
    actor: Actor,
) -> NinteiShinsei:
    """介護認定審査会の判定 (法第27条第4項・第5項): 合議体, 開催日, the 区分, the 有効期間
    (months; 原則 when none given) within the law's limits, and its 意見."""
    _not_future(kaisai_date, "開催日")
    with transaction.atomic(durable=True):
        row = _locked(shinsei_id)
        _open(row)
        if row.status != ShinseiStatus.SHINSA_MACHI:
            raise NinteiRefused(
                "認定調査の結果と主治医意見書の受領がそろってから審査会の判定を入力してください。"
                if row.status == ShinseiStatus.UKETSUKE
                else "この申請の審査会の判定は入力済みです。"
            )
        _not_before(kaisai_date, row.chosa_date, "開催日", "調査日")
        _not_before(kaisai_date, row.ikensho_juryo_date, "開催日", "意見書の受領日")
        months: int | None = None
        if hantei != YokaigoKubun.HIGAITO:
            params = NinteiParameters.for_date(row.shinsei_date)
            try:
                months, _ = yuko_end(
                    row.shinsei_kubun,
                    row.shinsei_date,
                    yuko_months,
                    params,
                    same_as_before=_same_as_before(row, hantei),
                )
            except NinteiRuleError as exc:
                raise NinteiRefused(str(exc)) from exc
        row.gogitai = gogitai.strip()
        row.shinsakai_date = kaisai_date
        row.hantei = hantei
        row.yuko_months = months
        row.shinsakai_iken = iken
        row.status = ShinseiStatus.HANTEI
        row.save()
        rireki_add(
            shinsei=row,
            step=RirekiStep.SHINSAKAI,
            day=kaisai_date,
            actor=actor,
            note=f"{row.gogitai} {YokaigoKubun(hantei).label}",
        )
        return row


def nintei_kettei(*, shinsei_id: int, kettei_date: date, actor: Actor) -> Nintei:
    """認定 (or 非該当) after the 審査会. 認定日: 新規・区分変更 the 申請日, 更新 the day after
    the previous period. A 区分変更 ends the previous 認定 the day before the new one
    starts. Deciding after the 30 days is allowed (the screen flags it) — the law asks
    for a notice of delay, not a refusal to decide."""
    _not_future(kettei_date, "決定日")
    with transaction.atomic(durable=True):
        row = _locked(shinsei_id)
        _open(row)
        if row.status != ShinseiStatus.HANTEI:
            raise NinteiRefused("介護認定審査会の判定を入力してから認定を決定してください。")
        _not_before(kettei_date, row.shinsakai_date, "決定日", "審査会の開催日")
        mae = (
            Nintei.objects.select_for_update().filter(pk=row.mae_nintei_id).first()
            if row.mae_nintei_id is not None
            else None
        )
        start: date | None = None
        end: date | None = None
        if row.hantei != YokaigoKubun.HIGAITO:
            params = NinteiParameters.for_date(row.shinsei_date)
            try:
                start = nintei_start(
                    row.shinsei_kubun,
                    shinsei_date=row.shinsei_date,
                    mae_yuko_end=mae.yuko_end if mae else None,
                )
                _, end = yuko_end(
                    row.shinsei_kubun,
                    start,
                    row.yuko_months,
                    params,
                    same_as_before=_same_as_before(row, row.hantei),
                )
            except NinteiRuleError as exc:
                raise NinteiRefused(str(exc)) from exc
        nintei = Nintei.objects.create(
            atena_id=row.atena_id,
            shinsei=row,
            yokaigo_kubun=row.hantei,
            kettei_date=kettei_date,
            yuko_start=start,
            yuko_end=end,
            shinsakai_iken=row.shinsakai_iken,
        )
        if (
            row.shinsei_kubun == ShinseiKubun.KUBUN_HENKO
            and mae is not None
            and start is not None
            and mae.shuryo_date is None
        ):
            mae.shuryo_date = start
            mae.shuryo_jiyu = "区分変更の認定"
            mae.save(update_fields=["shuryo_date", "shuryo_jiyu"])
        row.status = ShinseiStatus.KETTEI
        row.save()
        label = YokaigoKubun(row.hantei).label
        note = f"{label} {format_wareki(start)}〜{format_wareki(end)}" if start and end else label
        rireki_add(shinsei=row, step=RirekiStep.KETTEI, day=kettei_date, actor=actor, note=note)
        return nintei


def enki_tsuchi(*, shinsei_id: int, tsuchi_date: date, riyu: str, actor: Actor) -> NinteiShinsei:
    """処理期間の延期の通知 (法第27条第11項ただし書): the reason and the day it was sent."""
    _not_future(tsuchi_date, "通知日")
    if not riyu.strip():
        raise NinteiRefused("延期の理由を入力してください。")
    with transaction.atomic(durable=True):
        row = _locked(shinsei_id)
        _open(row)
        _not_before(tsuchi_date, row.shinsei_date, "通知日", "申請日")
        row.enki_tsuchi_date = tsuchi_date
        row.enki_riyu = riyu.strip()
        row.save()
        rireki_add(
            shinsei=row, step=RirekiStep.ENKI, day=tsuchi_date, actor=actor, note=row.enki_riyu
        )
        return row


def shinsei_end(
    *,
    shinsei_id: int,
    kind: str,
    day: date,
    riyu: str,
    actor: Actor,
) -> NinteiShinsei:
    """取下げ (the applicant withdraws) or 却下 (refused, e.g. no longer insured)."""
    if kind not in (ShinseiStatus.TORISAGE, ShinseiStatus.KYAKKA):
        raise NinteiRefused("取下げか却下を選んでください。")
    if not riyu.strip():
        raise NinteiRefused("取下げ・却下の理由を入力してください。")
    with transaction.atomic(durable=True):
        row = _locked(shinsei_id)
        _open(row)
        _not_before(day, row.shinsei_date, "取下げ・却下の日", "申請日")
        row.status = kind
        row.shuryo_date = day
        row.shuryo_riyu = riyu.strip()
        row.save()
        rireki_add(
            shinsei=row,
            step=RirekiStep.TORISAGE if kind == ShinseiStatus.TORISAGE else RirekiStep.KYAKKA,
            day=day,
            actor=actor,
            note=row.shuryo_riyu,
        )
        return row
