"""生活保護 cases: 保護開始・変更・停止・再開・廃止 and the monthly 保護費 (issue 21 item 3).

Every decision is one durable transaction: it writes a ``SeihoKettei`` (never edited: the
case's history), recomputes the 最低生活費 and the 収入認定 with the pure rules
(``fukushi.rules.seiho.saitei_seikatsuhi``) for the month of its 適用日, writes the
access-log row, and publishes ``fukushi.seiho_kaishi`` / ``fukushi.seiho_haishi`` for 国保
(生活保護法による保護を受けている世帯に属する者 is an 適用除外, 国民健康保険法第6条第9号).

Dates. ``kaishi_date`` is the first day of 保護; ``haishi_date`` is the first day the
household no longer receives it (国保 取得 on that day: 国民健康保険法第7条 「該当しなくなった
日から」; e.g. 広島市「国民健康保険に加入する日」: 生活保護を受けなくなった日). A death ends
保護 for the person the day after the death; a 転出 the day after the 除票 date (the day
the person no longer lives here).

The monthly amount is the rules' 保護費 for the month (冬季加算 and 期末一時扶助 change it by
month) with the members in force on its first day. A case receiving 保護 on some days of
the month only (開始・停止・再開・廃止 inside it) is paid by 日割 (``seiho_shikyu_make``,
``fukushi.rules.seiho_hiwari``; its rounding 未確認).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from fukushi import events
from fukushi.gyomu import SEIKATSU_HOGO
from fukushi.models import (
    CaseStatus,
    Fujo,
    KetteiCause,
    KetteiKind,
    SeihoCase,
    SeihoKettei,
    SeihoMadoguchi,
    SeihoMember,
    SeihoShikyu,
    SeihoShikyuLine,
)
from fukushi.rules.seiho import (
    KijunMiteigi,
    SaiteiSeikatsuhiInput,
    SaiteiSeikatsuhiResult,
    Setaiin,
    saitei_seikatsuhi,
)
from fukushi.rules.seiho_hiwari import days_in_month, hiwari
from fukushi.rules.seiho_params import KYUCHI_LABELS, parameters_for
from fukushi.services.furikomi import KEYS as FURIKOMI_KEYS
from fukushi.services.furikomi import irainin_values
from juminkiroku.public import person_identities, residents_among
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.events.services import event_publish
from tenants.wareki import fiscal_year_of
from tenants.zengin import (
    Account,
    FurikomiLine,
    Irainin,
    account_errors,
    irainin_errors,
    sogo_furikomi_file,
)

RECORD_TYPE = "fukushi.SeihoCase"
SCREEN = "fukushi.seiho_kettei"
SCREEN_EVENT = "fukushi.seiho_renkei"
SYSTEM_ACTOR_NAME = "system:fukushi_seiho"


class SeihoRefused(Exception):
    """A decision the rules or the case refuse; nothing was written."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class MemberInput:
    """One 世帯員 of a decision, with what the 収入認定 takes (月額, 円)."""

    atena_id: int
    shogai: str = ""
    shuro_shunyu: int = 0
    shuro_keihi: int = 0
    shinki_shuro: bool = False
    sonota_shunyu: int = 0
    #: 妊産婦加算の区分 of the month ("" none); 常時在宅 (冬季加算の特別基準); 介護保険料加算
    #: (普通徴収の月額). The 試算 takes them; a case does not hold them yet (no field).
    ninsanpu: str = ""
    joji_zaitaku: bool = False
    kaigo_hokenryo: int = 0


@dataclass(frozen=True)
class Setai:
    """What the 最低生活費 of a case needs beside its members."""

    kyuchi: str
    toki_ku: str
    jutaku_chiiki: str = ""
    yachin: int = 0
    hitorioya: bool = False
    #: 冬季加算の特別基準, 床面積 (㎡, None: not recorded) and the 床面積 ただし書 (試算 only)
    toki_tokubetsu: bool = False
    shomenseki: Decimal | None = None
    shomen_tadashigaki: bool = False


# --- the calculation ----------------------------------------------------------------------


def rule_input(
    setai: Setai, members: Sequence[MemberInput], birth: dict[int, date], kijunbi: date
) -> SaiteiSeikatsuhiInput:
    return SaiteiSeikatsuhiInput(
        kijunbi=kijunbi,
        kyuchi=setai.kyuchi,
        toki_ku=setai.toki_ku,
        setaiin=tuple(
            Setaiin(
                seinengappi=birth[m.atena_id],
                shogai=m.shogai or None,
                shuro_shunyu=m.shuro_shunyu,
                shuro_keihi=m.shuro_keihi,
                shinki_shuro=m.shinki_shuro,
                sonota_shunyu=m.sonota_shunyu,
                ninsanpu=m.ninsanpu or None,
                joji_zaitaku=m.joji_zaitaku,
                kaigo_hokenryo=m.kaigo_hokenryo,
            )
            for m in members
        ),
        hitorioya=setai.hitorioya,
        yachin=setai.yachin,
        jutaku_chiiki=setai.jutaku_chiiki or None,
        toki_tokubetsu=setai.toki_tokubetsu,
        shomenseki=setai.shomenseki,
        shomen_tadashigaki=setai.shomen_tadashigaki,
    )


def compute(
    setai: Setai, members: Sequence[MemberInput], birth: dict[int, date], kijunbi: date
) -> SaiteiSeikatsuhiResult:
    """The rules' result for the month of ``kijunbi``; a Japanese SeihoRefused when the
    基準 of the month is not in the data or the input does not fit it."""
    if setai.kyuchi not in KYUCHI_LABELS:
        raise SeihoRefused("級地を選んでください。")
    try:
        params = parameters_for(fiscal_year_of(kijunbi))
    except LookupError as exc:
        raise SeihoRefused(
            f"{fiscal_year_of(kijunbi)}年度の生活保護基準が登録されていません。"
        ) from exc
    try:
        return saitei_seikatsuhi(rule_input(setai, members, birth, kijunbi), params)
    except KijunMiteigi as exc:
        raise SeihoRefused(str(exc)) from exc
    except ValueError as exc:
        raise SeihoRefused(str(exc)) from exc


def meisai_json(r: SaiteiSeikatsuhiResult) -> list[dict[str, object]]:
    return [
        {"fujo": m.fujo, "meisho": m.meisho, "gaku": m.gaku, "uchiwake": m.uchiwake}
        for m in r.meisai
    ]


def _births(atena_ids: Iterable[int]) -> dict[int, date]:
    return {i: p.birth_date for i, p in person_identities(atena_ids).items()}


def setai_of(case: SeihoCase) -> Setai:
    return Setai(
        kyuchi=case.kyuchi,
        toki_ku=case.toki_ku,
        jutaku_chiiki=case.jutaku_chiiki,
        yachin=case.yachin,
        hitorioya=case.hitorioya,
    )


def members_on(case: SeihoCase, day: date) -> list[SeihoMember]:
    return list(
        case.members.filter(from_date__lte=day)
        .exclude(to_date__lte=day)
        .order_by("from_date", "id")
    )


def member_input(m: SeihoMember) -> MemberInput:
    return MemberInput(
        atena_id=m.atena_id,
        shogai=m.shogai,
        shuro_shunyu=m.shuro_shunyu,
        shuro_keihi=m.shuro_keihi,
        shinki_shuro=m.shinki_shuro,
        sonota_shunyu=m.sonota_shunyu,
    )


# --- checks -------------------------------------------------------------------------------


def _check_fujo(fujo: Sequence[str]) -> list[str]:
    values = [f for f in dict.fromkeys(fujo) if f in Fujo.values]
    if not values:
        raise SeihoRefused("扶助の種類を一つ以上選んでください。")
    return values


def _check_account(case: SeihoCase) -> None:
    if not case.koza_bango:
        return
    acct = Account(
        case.kinyu_kikan, case.shiten, case.yokin_shumoku, case.koza_bango, case.meigi_kana
    )
    bad = account_errors(acct)
    if bad:
        raise SeihoRefused("振込先の口座: " + " ".join(m for _, m in bad))


def _check_members(members: Sequence[MemberInput], day: date, *, except_case: int | None) -> None:
    if not members:
        raise SeihoRefused("世帯員がいません。")
    ids = [m.atena_id for m in members]
    if len(set(ids)) != len(ids):
        raise SeihoRefused("同じ方が二度入っています。")
    living = residents_among(ids, day)
    missing = [i for i in ids if i not in living]
    if missing:
        raise SeihoRefused(f"適用日に町の住民でない方がいます（{len(missing)}人）。")
    others = SeihoMember.objects.filter(atena_id__in=ids, to_date__isnull=True)
    if except_case is not None:
        others = others.exclude(case_id=except_case)
    if others.exists():
        raise SeihoRefused("ほかの保護中のケースの世帯員になっている方がいます。")


def _next_case_no() -> str:
    last = SeihoCase.objects.aggregate(m=Max("case_no"))["m"]
    return f"{int(last or 0) + 1:06d}"


def _kettei(
    *,
    case: SeihoCase,
    kind: str,
    kettei_date: date,
    tekiyo_date: date,
    riyu: str,
    actor: Actor,
    atena_ids: Sequence[int],
    result: SaiteiSeikatsuhiResult | None,
    cause: str = KetteiCause.SHOKUIN,
    ido_id: int | None = None,
    screen: str = SCREEN,
) -> SeihoKettei:
    k = SeihoKettei.objects.create(
        case=case,
        kind=kind,
        kettei_date=kettei_date,
        tekiyo_date=tekiyo_date,
        riyu=riyu[:200],
        cause=cause,
        ido_id=ido_id,
        fujo=list(case.fujo),
        atena_ids=list(atena_ids),
        saitei_seikatsuhi=result.saitei_seikatsuhi if result else 0,
        shunyu_nintei=result.shunyu_nintei if result else 0,
        hogohi=result.hogohi if result else 0,
        meisai=meisai_json(result) if result else [],
        actor=actor.username,
    )
    access_record(
        actor=actor,
        action=AccessAction.CREATE if kind == KetteiKind.KAISHI else AccessAction.UPDATE,
        gyomu=SEIKATSU_HOGO,
        screen=screen,
        record_type=RECORD_TYPE,
        record_id=case.pk,
        detail={"kettei_id": k.pk, "kind": kind, "atena_ids": list(atena_ids)},
    )
    return k


def _publish_kaishi(
    case: SeihoCase, k: SeihoKettei, ids: Sequence[int], day: date, actor: Actor
) -> None:
    if ids:
        event_publish(
            event=events.SEIHO_KAISHI,
            payload=events.SeihoKaishiPayload(
                case_id=case.pk, kettei_id=k.pk, atena_ids=tuple(ids), kaishi_date=day
            ),
            acting_user_id=actor.user_id,
        )


def _publish_haishi(
    case: SeihoCase, k: SeihoKettei, ids: Sequence[int], day: date, actor: Actor
) -> None:
    if ids:
        event_publish(
            event=events.SEIHO_HAISHI,
            payload=events.SeihoHaishiPayload(
                case_id=case.pk, kettei_id=k.pk, atena_ids=tuple(ids), haishi_date=day
            ),
            acting_user_id=actor.user_id,
        )


def _write_members(case: SeihoCase, members: Sequence[MemberInput], day: date) -> None:
    for m in members:
        SeihoMember.objects.create(
            case=case,
            atena_id=m.atena_id,
            from_date=day,
            shogai=m.shogai,
            shuro_shunyu=m.shuro_shunyu,
            shuro_keihi=m.shuro_keihi,
            shinki_shuro=m.shinki_shuro,
            sonota_shunyu=m.sonota_shunyu,
        )


# --- decisions ----------------------------------------------------------------------------


def seiho_kaishi(
    *,
    nushi_atena_id: int,
    members: Sequence[MemberInput],
    setai: Setai,
    fujo: Sequence[str],
    kaishi_date: date,
    kettei_date: date,
    riyu: str,
    actor: Actor,
    account: Account | None = None,
    cause: str = KetteiCause.SHOKUIN,
) -> SeihoKettei:
    """保護開始: a new case with its members and the first decision."""
    with transaction.atomic(durable=True):
        if nushi_atena_id not in {m.atena_id for m in members}:
            raise SeihoRefused("世帯主が世帯員に入っていません。")
        _check_members(members, kaishi_date, except_case=None)
        ids = [m.atena_id for m in members]
        result = compute(setai, members, _births(ids), kaishi_date)
        nushi = residents_among([nushi_atena_id], kaishi_date)[nushi_atena_id]
        case = SeihoCase(
            case_no=_next_case_no(),
            setai_id=nushi.setai_id or 0,
            nushi_atena_id=nushi_atena_id,
            status=CaseStatus.HOGO,
            fujo=_check_fujo(fujo),
            kyuchi=setai.kyuchi,
            toki_ku=setai.toki_ku,
            jutaku_chiiki=setai.jutaku_chiiki,
            yachin=setai.yachin,
            hitorioya=setai.hitorioya,
            kaishi_date=kaishi_date,
        )
        if account is not None:
            case.kinyu_kikan = account.kinyu_kikan
            case.shiten = account.shiten
            case.yokin_shumoku = account.yokin_shumoku
            case.koza_bango = account.koza_bango
            case.meigi_kana = account.meigi_kana
        _check_account(case)
        case.save()
        _write_members(case, members, kaishi_date)
        k = _kettei(
            case=case,
            kind=KetteiKind.KAISHI,
            kettei_date=kettei_date,
            tekiyo_date=kaishi_date,
            riyu=riyu,
            actor=actor,
            atena_ids=ids,
            result=result,
            cause=cause,
        )
        _publish_kaishi(case, k, ids, kaishi_date, actor)
        return k


def _open_case(case_id: int) -> SeihoCase:
    case = SeihoCase.objects.select_for_update().filter(pk=case_id).first()
    if case is None:
        raise SeihoCase.DoesNotExist
    if case.status == CaseStatus.HAISHI:
        raise SeihoRefused("廃止したケースです。")
    return case


def _after_last(case: SeihoCase, day: date) -> None:
    last = case.ketteis.aggregate(m=Max("tekiyo_date"))["m"]
    if last is not None and day < last:
        raise SeihoRefused("適用日が前の決定の適用日より前です。")


def seiho_henko(
    *,
    case_id: int,
    members: Sequence[MemberInput],
    setai: Setai,
    fujo: Sequence[str],
    tekiyo_date: date,
    kettei_date: date,
    riyu: str,
    actor: Actor,
) -> SeihoKettei:
    """保護変更: the members (added, left, income changed) and the household's values from
    ``tekiyo_date``; the 最低生活費 is computed again. Members who leave no longer receive
    保護 from that day, new ones from that day (both published for 国保)."""
    with transaction.atomic(durable=True):
        case = _open_case(case_id)
        _after_last(case, tekiyo_date)
        _check_members(members, tekiyo_date, except_case=case.pk)
        if case.nushi_atena_id not in {m.atena_id for m in members}:
            raise SeihoRefused(
                "世帯主が世帯員に入っていません（世帯主が抜けるときは廃止して開始し直します）。"
            )
        ids = [m.atena_id for m in members]
        result = compute(setai, members, _births(ids), tekiyo_date)
        before = {m.atena_id: m for m in case.members.filter(to_date__isnull=True)}
        left = [i for i in before if i not in ids]
        added = [i for i in ids if i not in before]
        for m in before.values():
            if member_input(m) != next((x for x in members if x.atena_id == m.atena_id), None):
                m.to_date = tekiyo_date
                m.save(update_fields=["to_date"])
        _write_members(
            case,
            [x for x in members if x.atena_id not in before or before[x.atena_id].to_date],
            tekiyo_date,
        )
        case.fujo = _check_fujo(fujo)
        case.kyuchi, case.toki_ku = setai.kyuchi, setai.toki_ku
        case.jutaku_chiiki, case.yachin = setai.jutaku_chiiki, setai.yachin
        case.hitorioya = setai.hitorioya
        case.save()
        k = _kettei(
            case=case,
            kind=KetteiKind.HENKO,
            kettei_date=kettei_date,
            tekiyo_date=tekiyo_date,
            riyu=riyu,
            actor=actor,
            atena_ids=ids,
            result=result,
        )
        _publish_kaishi(case, k, added, tekiyo_date, actor)
        _publish_haishi(case, k, left, tekiyo_date, actor)
        return k


def seiho_teishi(
    *, case_id: int, tekiyo_date: date, kettei_date: date, riyu: str, actor: Actor
) -> SeihoKettei:
    """保護停止: no 保護費 from ``tekiyo_date`` while the case stays open (the household is
    still 被保護: 国保 does not change)."""
    with transaction.atomic(durable=True):
        case = _open_case(case_id)
        if case.status == CaseStatus.TEISHI:
            raise SeihoRefused("すでに停止中です。")
        _after_last(case, tekiyo_date)
        case.status = CaseStatus.TEISHI
        case.save(update_fields=["status", "updated_at"])
        ids = [m.atena_id for m in members_on(case, tekiyo_date)]
        return _kettei(
            case=case,
            kind=KetteiKind.TEISHI,
            kettei_date=kettei_date,
            tekiyo_date=tekiyo_date,
            riyu=riyu,
            actor=actor,
            atena_ids=ids,
            result=None,
        )


def seiho_saikai(
    *, case_id: int, tekiyo_date: date, kettei_date: date, riyu: str, actor: Actor
) -> SeihoKettei:
    """保護再開 of a stopped case: the 最低生活費 of the 再開 month, computed again."""
    with transaction.atomic(durable=True):
        case = _open_case(case_id)
        if case.status != CaseStatus.TEISHI:
            raise SeihoRefused("停止中のケースではありません。")
        _after_last(case, tekiyo_date)
        members = [member_input(m) for m in members_on(case, tekiyo_date)]
        ids = [m.atena_id for m in members]
        result = compute(setai_of(case), members, _births(ids), tekiyo_date)
        case.status = CaseStatus.HOGO
        case.save(update_fields=["status", "updated_at"])
        return _kettei(
            case=case,
            kind=KetteiKind.SAIKAI,
            kettei_date=kettei_date,
            tekiyo_date=tekiyo_date,
            riyu=riyu,
            actor=actor,
            atena_ids=ids,
            result=result,
        )


def _haishi(
    case: SeihoCase,
    *,
    haishi_date: date,
    kettei_date: date,
    riyu: str,
    actor: Actor,
    cause: str,
    ido_id: int | None,
    screen: str,
) -> SeihoKettei:
    if haishi_date <= case.kaishi_date:
        raise SeihoRefused("廃止日は保護開始日より後の日です。")
    _after_last(case, haishi_date)
    open_members = list(case.members.filter(to_date__isnull=True))
    ids = [m.atena_id for m in open_members]
    for m in open_members:
        m.to_date = haishi_date
        m.save(update_fields=["to_date"])
    case.status = CaseStatus.HAISHI
    case.haishi_date = haishi_date
    case.save(update_fields=["status", "haishi_date", "updated_at"])
    k = _kettei(
        case=case,
        kind=KetteiKind.HAISHI,
        kettei_date=kettei_date,
        tekiyo_date=haishi_date,
        riyu=riyu,
        actor=actor,
        atena_ids=ids,
        result=None,
        cause=cause,
        ido_id=ido_id,
        screen=screen,
    )
    _publish_haishi(case, k, ids, haishi_date, actor)
    return k


def seiho_haishi(
    *, case_id: int, haishi_date: date, kettei_date: date, riyu: str, actor: Actor
) -> SeihoKettei:
    """保護廃止: every member leaves on ``haishi_date`` (the first day without 保護)."""
    with transaction.atomic(durable=True):
        case = _open_case(case_id)
        return _haishi(
            case,
            haishi_date=haishi_date,
            kettei_date=kettei_date,
            riyu=riyu,
            actor=actor,
            cause=KetteiCause.SHOKUIN,
            ido_id=None,
            screen=SCREEN,
        )


def seiho_shojo_apply(
    *, atena_ids: Iterable[int], owari: date, ido_id: int, cause: str
) -> list[SeihoKettei]:
    """A death or 転出 in the registry (the caller's transaction: an event delivery):
    the persons stop receiving 保護 on ``owari``. A case left with nobody is 廃止; a case
    that keeps members gets a 変更 without them (its 最低生活費 computed again). Keyed on
    the 異動: a second delivery writes nothing."""
    actor = Actor(user_id=None, username=SYSTEM_ACTOR_NAME)
    ids = set(atena_ids)
    riyu = "死亡" if cause == KetteiCause.SHIBO else "転出"
    out: list[SeihoKettei] = []
    case_ids = (
        SeihoMember.objects.filter(atena_id__in=ids, to_date__isnull=True)
        .values_list("case_id", flat=True)
        .distinct()
    )
    for case in SeihoCase.objects.select_for_update().filter(pk__in=list(case_ids)).order_by("pk"):
        if case.status == CaseStatus.HAISHI or case.ketteis.filter(ido_id=ido_id).exists():
            continue
        day = max(owari, case.kaishi_date + timedelta(days=1))
        open_members = list(case.members.filter(to_date__isnull=True))
        staying = [m for m in open_members if m.atena_id not in ids]
        if not staying or (case.nushi_atena_id in ids and len(staying) == 0):
            out.append(
                _haishi(
                    case,
                    haishi_date=day,
                    kettei_date=day,
                    riyu=f"世帯員全員の{riyu}",
                    actor=actor,
                    cause=cause,
                    ido_id=ido_id,
                    screen=SCREEN_EVENT,
                )
            )
            continue
        leaving = [m for m in open_members if m.atena_id in ids]
        for m in leaving:
            m.to_date = day
            m.save(update_fields=["to_date"])
        if case.nushi_atena_id in ids:
            case.nushi_atena_id = staying[0].atena_id
            case.save(update_fields=["nushi_atena_id", "updated_at"])
        members = [member_input(m) for m in staying]
        try:
            result: SaiteiSeikatsuhiResult | None = compute(
                setai_of(case), members, _births(m.atena_id for m in staying), day
            )
        except SeihoRefused:
            result = None  # the clerk decides the amount again (shown as 0 on the case)
        k = _kettei(
            case=case,
            kind=KetteiKind.HENKO,
            kettei_date=day,
            tekiyo_date=day,
            riyu=f"世帯員の{riyu}",
            actor=actor,
            atena_ids=[m.atena_id for m in staying],
            result=result,
            cause=cause,
            ido_id=ido_id,
            screen=SCREEN_EVENT,
        )
        # 国保 reacts to the death or 転出 itself; nothing to publish for the leavers
        out.append(k)
    return out


# --- the monthly payment ------------------------------------------------------------------


class ShikyuRefused(SeihoRefused):
    pass


def _month_end(month: date) -> date:
    nxt = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return nxt - timedelta(days=1)


def _paying(k: SeihoKettei | None) -> bool:
    return k is not None and k.kind not in (KetteiKind.TEISHI, KetteiKind.HAISHI)


def hogo_days(ketteis: Sequence[SeihoKettei], month: date) -> list[date]:
    """The days of ``month`` on which the case receives 保護: the decision in force that
    day (the last by 適用日) is a 開始・変更・再開, not a 停止 or 廃止."""
    ordered = sorted(ketteis, key=lambda k: (k.tekiyo_date, k.pk))
    out: list[date] = []
    day = month
    end = _month_end(month)
    while day <= end:
        in_force = None
        for k in ordered:
            if k.tekiyo_date <= day:
                in_force = k
            else:
                break
        if _paying(in_force):
            out.append(day)
        day += timedelta(days=1)
    return out


@dataclass(frozen=True)
class MonthPayment:
    """What a month's run pays a case: ``nissu`` 0 for the whole month, else the 日割 days."""

    amount: int
    nissu: int
    uchiwake: str
    kettei: SeihoKettei


def month_payment(c: SeihoCase, ketteis: list[SeihoKettei], month: date) -> MonthPayment | None:
    """The 保護費 the run of ``month`` pays ``c`` (see ``seiho_shikyu_make``); None when the
    case has no day of 保護 in the month, no member on its first day or nothing to pay.
    A 追給 of a 開始 decided after the run pays the same figure
    (``fukushi.services.seiho_madoguchi.tsuikyu_make``)."""
    days = hogo_days(ketteis, month)
    if not days:
        return None
    first = days[0]
    ms = members_on(c, first)
    if not ms:
        return None
    last = max((k for k in ketteis if k.tekiyo_date <= first), key=lambda k: (k.tekiyo_date, k.pk))
    r = compute(setai_of(c), [member_input(m) for m in ms], _births(m.atena_id for m in ms), first)
    if len(days) == days_in_month(month):
        return MonthPayment(r.hogohi, 0, "", last) if r.hogohi > 0 else None
    h = hiwari(
        seikatsu_fujo=r.seikatsu_fujo,
        kasan=r.kasan,
        jutaku_fujo=r.jutaku_fujo,
        shunyu_nintei=r.shunyu_nintei,
        nissu=len(days),
        month=month,
    )
    return MonthPayment(h.hogohi, h.nissu, h.uchiwake, last) if h.hogohi > 0 else None


def seiho_shikyu_make(*, month: date, furikomi_date: date, actor: Actor) -> SeihoShikyu:
    """The month's payment run: one line per case receiving 保護 on any day of the month.

    A case receiving it every day of the month is paid the rules' 保護費 for the month with
    the members of the 1st. A case receiving it on some days only (開始 after the 1st,
    停止・廃止 from a day inside the month, 再開 inside it) is paid by 日割
    (``fukushi.rules.seiho_hiwari``): the month's amounts computed with the members and the
    decision of its first day of 保護, the 生活扶助 for the days of 保護. A month is made
    once; a 変更 raising the month's 保護費 after its first day of 保護 (or decided after the
    run) is paid as a 追給 (``fukushi.services.seiho_madoguchi.tsuikyu_make``; 返還 is not
    taken here). A case without an account, or named 窓口払 for the month, is paid at the 窓口.
    A case's 有効 申出 under 生活保護法第78条の2 is taken from its line and posted to the
    収納 ledger (``fukushi.services.seiho_chosei.chosei_apply``): the line pays the rest."""
    from fukushi.services.seiho_chosei import chosei_apply  # it imports this module

    month = month.replace(day=1)
    end = _month_end(month)
    with transaction.atomic(durable=True):
        if SeihoShikyu.objects.filter(month=month).exists():
            raise ShikyuRefused("この月の支給はすでに作成しています。")
        shikyu = SeihoShikyu.objects.create(
            month=month, furikomi_date=furikomi_date, actor=actor.username
        )
        cases = list(
            SeihoCase.objects.filter(kaishi_date__lte=end)
            .exclude(haishi_date__lte=month)
            .prefetch_related("ketteis")
            .order_by("case_no")
        )
        # 窓口払 named for the month (SH-17): not in the 全銀協 file though the case has an account
        madoguchi = set(
            SeihoMadoguchi.objects.filter(month=month).values_list("case_id", flat=True)
        )
        lines: list[SeihoShikyuLine] = []
        for c in cases:
            try:
                pay = month_payment(c, list(c.ketteis.all()), month)
            except SeihoRefused as exc:
                raise ShikyuRefused(f"ケース{c.case_no}: {exc.message}") from exc
            if pay is None:
                continue
            amount, nissu, uchiwake, last = pay.amount, pay.nissu, pay.uchiwake, pay.kettei
            # 生活保護法第78条の2: the 徴収金 the household asked to have taken from it
            chosei = chosei_apply(
                case_id=c.pk, month=month, amount=amount, shuno_date=furikomi_date, actor=actor
            )
            amount -= chosei
            lines.append(
                SeihoShikyuLine(
                    shikyu=shikyu,
                    case=c,
                    kettei=last,
                    amount=amount,
                    chosei=chosei,
                    furikomi=bool(c.koza_bango) and amount > 0 and c.pk not in madoguchi,
                    nissu=nissu,
                    hiwari_uchiwake=uchiwake,
                )
            )
        SeihoShikyuLine.objects.bulk_create(lines)
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=SEIKATSU_HOGO,
            screen="fukushi.seiho_shikyu",
            record_type="fukushi.SeihoShikyu",
            record_id=shikyu.pk,
            record_count=len(lines),
            detail={
                "case_ids": [ln.case_id for ln in lines],
                "chosei_case_ids": [ln.case_id for ln in lines if ln.chosei],
            },
        )
        return shikyu


def furikomi_irainin(on: date) -> Irainin:
    """The town as 振込依頼人 (its 条例で定める値 ``fukushi.furikomi.*``); a Japanese
    ShikyuRefused naming what is not set."""
    got, _ = irainin_values(fiscal_year_of(on))
    irainin = Irainin(**{f: got.get(f, "") for f in FURIKOMI_KEYS})
    bad = irainin_errors(irainin)
    if bad:
        raise ShikyuRefused(
            "総合振込の依頼人の設定が足りません（設定 > 条例で定める値）: "
            + " ".join(m for _, m in bad)
        )
    return irainin


def furikomi_lines(shikyu: SeihoShikyu) -> list[SeihoShikyuLine]:
    return list(shikyu.lines.filter(furikomi=True).select_related("case").order_by("case__case_no"))


def seiho_furikomi_file(shikyu: SeihoShikyu) -> tuple[bytes, list[int]]:
    """The 全銀協 総合振込 file of a payment run (its 口座振込 lines) and the case ids in it."""
    lines = furikomi_lines(shikyu)
    if not lines:
        raise ShikyuRefused("口座振込の明細がありません。")
    data = sogo_furikomi_file(
        irainin=furikomi_irainin(shikyu.furikomi_date),
        torikumi=shikyu.furikomi_date,
        lines=[
            FurikomiLine(
                account=Account(
                    ln.case.kinyu_kikan,
                    ln.case.shiten,
                    ln.case.yokin_shumoku,
                    ln.case.koza_bango,
                    ln.case.meigi_kana,
                ),
                amount=ln.amount,
                customer1=ln.case.case_no,
            )
            for ln in lines
        ],
    )
    return data, [ln.case_id for ln in lines]
