"""The one place 国保 資格 changes: 取得, 喪失, their 取消, 世帯異動, 特定同一世帯所属者.

These functions write inside the caller's transaction: an event subscriber's (the
delivery of a registry event is one transaction, ``tenants.events.tasks``) or a screen
service's durable block (``kokuho.services.todoke``), or the daily job's
(``kokuho.services.koki``). Each change writes a ``ShikakuRireki`` row (what, why, which
異動 or 届出, who) and an access-log row in that same transaction.

Exactly once: a period opened by a registry 異動 carries its ``shutoku_ido_id`` (unique
per person) and a period closed by one its ``soshitsu_ido_id``; an event delivered again
finds them and writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Max

from juminkiroku.public import (
    Resident,
    household_on,
    households_of,
    residents_among,
    zairyu_among,
)
from kokuho.gyomu import KOKUHO_SHIKAKU
from kokuho.models import (
    KokuhoSetai,
    RirekiKind,
    Seiho,
    Shaho,
    Shikaku,
    ShikakuRireki,
    ShutokuJiyu,
    SoshitsuJiyu,
    TokuteiDoitsu,
)
from kokuho.rules.shikaku import (
    ShikakuParameters,
    gaikokujin_jogai_reason,
    is_koki_on,
    soshitsu_date,
)
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record

RECORD_TYPE = "kokuho.Shikaku"
#: why a 特定同一世帯所属者 stopped being one (the history's 事由)
TOKUTEI_END_HANARETA = "世帯を離れた"
TOKUTEI_END_SETAINUSHI = "世帯主が変わった"
TOKUTEI_END_KOKUHO_NASHI = "世帯に国保の被保険者がいなくなった"
SCREEN_EVENT = "kokuho.renkei"


@dataclass(frozen=True)
class Cause:
    """What caused a change: a registry event (its 異動 and outbox ids), a 届出 (its
    date), the daily job or the initial data, and who."""

    kind: str
    actor: Actor
    ido_id: int | None = None
    event_id: int | None = None
    todoke_date: date | None = None
    screen: str = SCREEN_EVENT
    note: str = ""


def rireki_write(
    *,
    shikaku: Shikaku | None,
    atena_id: int,
    kind: str,
    jiyu: str,
    effective: date,
    cause: Cause,
    setai_id: int | None = None,
    note: str = "",
) -> ShikakuRireki:
    row = ShikakuRireki.objects.create(
        atena_id=atena_id,
        shikaku=shikaku,
        kind=kind,
        jiyu=jiyu,
        effective_date=effective,
        cause_kind=cause.kind,
        ido_id=cause.ido_id,
        event_id=cause.event_id,
        todoke_date=cause.todoke_date,
        setai_id=setai_id,
        actor=cause.actor.username,
        note=(note or cause.note)[:200],
    )
    access_record(
        actor=cause.actor,
        action=AccessAction.CREATE if kind == RirekiKind.SHUTOKU else AccessAction.UPDATE,
        gyomu=KOKUHO_SHIKAKU,
        screen=cause.screen,
        record_type=RECORD_TYPE,
        record_id=shikaku.pk if shikaku else "",
        detail={
            "atena_ids": [atena_id],
            "kind": kind,
            "ido_id": cause.ido_id,
            "event_id": cause.event_id,
        },
    )
    return row


# --- who may be insured ---------------------------------------------------------------


def not_insurable_reason(
    atena_id: int, birth_date: date, day: date, params: ShikakuParameters
) -> str:
    """Why the person cannot acquire 国保 on ``day`` ("" when they can): 後期高齢者医療,
    社会保険 or 生活保護 on that day, or the 在留資格 of a 外国人住民 (国民健康保険法第6条、
    施行規則第1条)."""
    if is_koki_on(birth_date, day, params):
        return "後期高齢者医療の対象"
    jogai = jogai_reason_on(atena_id, day, params)
    if jogai:
        return jogai
    if (
        Shaho.objects.filter(atena_id=atena_id, kanyu_date__lte=day)
        .exclude(ridatsu_date__lte=day)
        .exists()
    ):
        return "社会保険に加入中"
    if (
        Seiho.objects.filter(atena_id=atena_id, kaishi_date__lte=day)
        .exclude(haishi_date__lte=day)
        .exists()
    ):
        return "生活保護を受給中"
    return ""


def jogai_reason_on(atena_id: int, day: date, params: ShikakuParameters) -> str:
    """The 適用除外 of a 外国人住民 by the 在留資格 the registry holds on ``day`` ("" when
    none, or when the person did not live here that day)."""
    z = zairyu_among([atena_id], day).get(atena_id)
    if z is None:
        return ""
    return gaikokujin_jogai_reason(
        gaikokujin=z.gaikokujin, zairyu_shikaku=z.zairyu_shikaku, params=params
    )


def insured_among(atena_ids: Iterable[int], day: date) -> set[int]:
    """Which of ``atena_ids`` hold 国保 on ``day`` (one query)."""
    ids = list(set(atena_ids))
    if not ids:
        return set()
    rows = (
        Shikaku.objects.filter(atena_id__in=ids, torikeshi=False, shutoku_date__lte=day)
        .exclude(soshitsu_date__lte=day)
        .values_list("atena_id", flat=True)
    )
    return set(rows)


def open_shikaku(atena_id: int) -> Shikaku | None:
    return (
        Shikaku.objects.select_for_update()
        .filter(atena_id=atena_id, soshitsu_date__isnull=True, torikeshi=False)
        .first()
    )


def kokuho_setai_ensure(setai_id: int) -> KokuhoSetai:
    """The 国保世帯 of a registry household, created with the next 番号 on first use."""
    found = KokuhoSetai.objects.filter(setai_id=setai_id).first()
    if found is not None:
        return found
    return KokuhoSetai.objects.create(setai_id=setai_id, bango=bango_after(0))


def bango_after(offset: int) -> str:
    """The 番号 ``offset + 1`` places after the highest given so far (7 digits)."""
    last = KokuhoSetai.objects.aggregate(m=Max("bango"))["m"]
    return f"{int(last or 0) + offset + 1:07d}"


def _edaban(setai_id: int | None) -> int:
    if setai_id is None:
        return 1
    return int(Shikaku.objects.filter(setai_id=setai_id).aggregate(m=Max("edaban"))["m"] or 0) + 1


# --- 取得 and 喪失 ---------------------------------------------------------------------


def shutoku(
    *,
    atena_id: int,
    setai_id: int | None,
    day: date,
    jiyu: str,
    cause: Cause,
) -> Shikaku:
    """Open a period from ``day``. The caller checked the person may be insured."""
    if setai_id is not None:
        kokuho_setai_ensure(setai_id)
    shikaku = Shikaku.objects.create(
        atena_id=atena_id,
        setai_id=setai_id,
        edaban=_edaban(setai_id),
        shutoku_date=day,
        shutoku_jiyu=jiyu,
        shutoku_ido_id=cause.ido_id,
        todoke_date=cause.todoke_date,
    )
    rireki_write(
        shikaku=shikaku,
        atena_id=atena_id,
        kind=RirekiKind.SHUTOKU,
        jiyu=ShutokuJiyu(jiyu).label,
        effective=day,
        cause=cause,
        setai_id=setai_id,
    )
    return shikaku


def soshitsu(*, shikaku: Shikaku, day: date, jiyu: str, cause: Cause) -> Shikaku:
    """Close an open period on ``day`` (its 喪失日). A 喪失日 on or before the 取得日
    means the person never held 国保 on any day: the 取得 is void (e.g. 社会保険 joined
    or 生活保護 begun before the 転入, reported late)."""
    voidable = (SoshitsuJiyu.SHAHO_KANYU, SoshitsuJiyu.SEIHO_KAISHI)
    if day <= shikaku.shutoku_date and jiyu in voidable:
        shikaku.torikeshi = True
        shikaku.soshitsu_date = shikaku.shutoku_date
        shikaku.soshitsu_jiyu = jiyu
        shikaku.save(update_fields=["torikeshi", "soshitsu_date", "soshitsu_jiyu", "updated_at"])
        rireki_write(
            shikaku=shikaku,
            atena_id=shikaku.atena_id,
            kind=RirekiKind.SHUTOKU_MUKO,
            jiyu=SoshitsuJiyu(jiyu).label,
            effective=shikaku.shutoku_date,
            cause=cause,
        )
        return shikaku
    shikaku.soshitsu_date = max(day, shikaku.shutoku_date)
    shikaku.soshitsu_jiyu = jiyu
    shikaku.soshitsu_ido_id = cause.ido_id
    shikaku.save(update_fields=["soshitsu_date", "soshitsu_jiyu", "soshitsu_ido_id", "updated_at"])
    rireki_write(
        shikaku=shikaku,
        atena_id=shikaku.atena_id,
        kind=RirekiKind.SOSHITSU,
        jiyu=SoshitsuJiyu(jiyu).label,
        effective=shikaku.soshitsu_date,
        cause=cause,
    )
    tokutei_end_if_none_insured(
        atena_id=shikaku.atena_id,
        setai_id=shikaku.setai_id,
        day=shikaku.soshitsu_date,
        cause=cause,
    )
    return shikaku


# --- from the registry's events ----------------------------------------------------------


def kisai_apply(
    *,
    atena_ids: Iterable[int],
    setai_id: int | None,
    day: date,
    jiyu: str,
    cause: Cause,
) -> list[Shikaku]:
    """転入・出生 (and the other 記載): 取得 on ``day`` for each person who may be insured
    and has no period yet from this 異動.

    A newborn (出生) is taken to be a dependant of the parents' insurance unless someone
    in the household holds 国保 on the day: then the child joins the 国保世帯. The 社会保険
    a person brings at 転入 is entered as a 届出 (社会保険加入, with its date: the 取得 is
    then void or ended, 遡及); until then the 転入 makes them insured.
    """
    ids = list(dict.fromkeys(atena_ids))
    if cause.ido_id is not None:
        done = set(
            Shikaku.objects.filter(atena_id__in=ids, shutoku_ido_id=cause.ido_id).values_list(
                "atena_id", flat=True
            )
        )
        ids = [a for a in ids if a not in done]
    if not ids:
        return []
    params = ShikakuParameters.for_date(day)
    residents: dict[int, Resident] = residents_among(ids, day)
    household_insured = False
    if jiyu == ShutokuJiyu.SHUSSEI:
        members = households_of(ids, day)
        others = {m.atena_id for ms in members.values() for m in ms} - set(ids)
        household_insured = bool(insured_among(others, day))
    made: list[Shikaku] = []
    for atena_id in ids:
        resident = residents.get(atena_id)
        if resident is None:
            continue  # not living here on the day (a later 取消, a 住登外)
        if jiyu == ShutokuJiyu.SHUSSEI and not household_insured:
            continue
        if open_shikaku(atena_id) is not None:
            continue
        if not_insurable_reason(atena_id, resident.birth_date, day, params):
            continue
        made.append(
            shutoku(
                atena_id=atena_id,
                setai_id=resident.setai_id or setai_id,
                day=day,
                jiyu=jiyu,
                cause=cause,
            )
        )
    return made


def shojo_apply(
    *, atena_ids: Iterable[int], jiyu_date: date, jiyu: str, cause: Cause
) -> list[Shikaku]:
    """死亡・転出確定・職権消除: 喪失 on the day after ``jiyu_date`` (国民健康保険法第8条).

    A period already closed by this 異動 is left alone, unless the registry moved the
    date (a 転入通知 with an earlier 転入日 republishes 転出確定): then its 喪失日 moves
    and the history says so. Also ends the persons' 特定同一世帯所属者.
    """
    params = ShikakuParameters.for_date(jiyu_date)
    day = soshitsu_date(jiyu, jiyu_date, params)
    changed: list[Shikaku] = []
    for atena_id in dict.fromkeys(atena_ids):
        tokutei_end(atena_id=atena_id, day=jiyu_date, cause=cause)
        if cause.ido_id is not None:
            earlier = (
                Shikaku.objects.select_for_update()
                .filter(atena_id=atena_id, soshitsu_ido_id=cause.ido_id, torikeshi=False)
                .first()
            )
            if earlier is not None:
                if earlier.soshitsu_date != day:
                    old = earlier.soshitsu_date
                    earlier.soshitsu_date = max(day, earlier.shutoku_date)
                    earlier.save(update_fields=["soshitsu_date", "updated_at"])
                    rireki_write(
                        shikaku=earlier,
                        atena_id=atena_id,
                        kind=RirekiKind.SOSHITSU_HENKO,
                        jiyu=SoshitsuJiyu(jiyu).label,
                        effective=earlier.soshitsu_date,
                        cause=cause,
                        note=f"変更前の喪失日 {old.isoformat() if old else ''}",
                    )
                    changed.append(earlier)
                continue
        current = open_shikaku(atena_id)
        if current is None:
            continue
        changed.append(soshitsu(shikaku=current, day=day, jiyu=jiyu, cause=cause))
    return changed


def zairyu_henko_apply(*, atena_ids: Iterable[int], day: date, cause: Cause) -> list[Shikaku]:
    """The registry changed a person's 在留資格 (a 職権修正 from the 長官通知, 住基法第30条の50)
    or made them a 日本人住民 (帰化・国籍取得) on ``day``:

    - now excluded (施行規則第1条) and insured → 喪失 the day after (国保法第8条第1項);
    - no longer excluded, not insured, and excluded the day before → 取得 on ``day``
      (国保法第7条: 第6条各号に該当しなくなった日), unless another cause keeps them out.

    Keyed on the 異動 (``soshitsu_ido_id`` / ``shutoku_ido_id``): a redelivery writes
    nothing."""
    params = ShikakuParameters.for_date(day)
    before = day - timedelta(days=1)
    changed: list[Shikaku] = []
    for atena_id in dict.fromkeys(atena_ids):
        if cause.ido_id is not None and (
            Shikaku.objects.filter(atena_id=atena_id, soshitsu_ido_id=cause.ido_id).exists()
            or Shikaku.objects.filter(atena_id=atena_id, shutoku_ido_id=cause.ido_id).exists()
        ):
            continue
        reason = jogai_reason_on(atena_id, day, params)
        current = open_shikaku(atena_id)
        if reason:
            if current is not None:
                changed.append(
                    soshitsu(
                        shikaku=current,
                        day=soshitsu_date(SoshitsuJiyu.TEKIYO_JOGAI, day, params),
                        jiyu=SoshitsuJiyu.TEKIYO_JOGAI,
                        cause=cause,
                    )
                )
            continue
        if current is not None or not jogai_reason_on(atena_id, before, params):
            continue
        resident = residents_among([atena_id], day).get(atena_id)
        if resident is None or not_insurable_reason(atena_id, resident.birth_date, day, params):
            continue
        changed.append(
            shutoku(
                atena_id=atena_id,
                setai_id=resident.setai_id,
                day=day,
                jiyu=ShutokuJiyu.JOGAI_KAISHO,
                cause=cause,
            )
        )
    return changed


def setai_ido_apply(
    *, atena_ids: Iterable[int], after_setai_ids: Iterable[int], day: date, cause: Cause
) -> int:
    """世帯分離・合併・変更・転居: the insured persons who moved get their new 国保世帯
    (its 記号番号) and a history row; a 特定同一世帯所属者 who left the household is one no
    longer. Keyed on the 異動: a redelivery writes nothing."""
    ids = list(dict.fromkeys(atena_ids))
    if (
        cause.ido_id is not None
        and ShikakuRireki.objects.filter(
            ido_id=cause.ido_id, kind=RirekiKind.SETAI_IDO, atena_id__in=ids
        ).exists()
    ):
        return 0
    insured = insured_among(ids, day)
    residents = residents_among(ids, day)
    for setai_id in after_setai_ids:
        if any(residents.get(a) and residents[a].setai_id == setai_id for a in insured):
            kokuho_setai_ensure(setai_id)
    n = 0
    for atena_id in ids:
        resident = residents.get(atena_id)
        open_tokutei = TokuteiDoitsu.objects.filter(
            atena_id=atena_id, end_date__isnull=True
        ).first()
        if open_tokutei is not None and (
            resident is None or resident.setai_id != open_tokutei.setai_id
        ):
            tokutei_end(atena_id=atena_id, day=day, cause=cause)
        if atena_id not in insured:
            continue
        rireki_write(
            shikaku=Shikaku.objects.filter(
                atena_id=atena_id, soshitsu_date__isnull=True, torikeshi=False
            ).first(),
            atena_id=atena_id,
            kind=RirekiKind.SETAI_IDO,
            jiyu="世帯の異動",
            effective=day,
            cause=cause,
            setai_id=resident.setai_id if resident else None,
        )
        n += 1
    return n


def torikeshi_apply(*, atena_ids: Iterable[int], cancelled_ido_id: int, cause: Cause) -> int:
    """取消 of a registry 異動: the periods it opened are cancelled, the periods it closed
    are open again (when the person has no other open period), the 特定同一世帯所属者 it
    ended is one again. Returns how many periods changed; a second delivery changes none."""
    ids = list(dict.fromkeys(atena_ids))
    n = 0
    for s in Shikaku.objects.select_for_update().filter(
        atena_id__in=ids, shutoku_ido_id=cancelled_ido_id, torikeshi=False
    ):
        s.torikeshi = True
        s.save(update_fields=["torikeshi", "updated_at"])
        rireki_write(
            shikaku=s,
            atena_id=s.atena_id,
            kind=RirekiKind.SHUTOKU_TORIKESHI,
            jiyu="住民記録の異動の取消",
            effective=s.shutoku_date,
            cause=cause,
        )
        n += 1
    for s in Shikaku.objects.select_for_update().filter(
        atena_id__in=ids, soshitsu_ido_id=cancelled_ido_id, torikeshi=False
    ):
        if Shikaku.objects.filter(
            atena_id=s.atena_id, soshitsu_date__isnull=True, torikeshi=False
        ).exists():
            continue  # insured again since (e.g. a later 転入): leave the closed one
        old = s.soshitsu_date
        s.soshitsu_date = None
        s.soshitsu_jiyu = ""
        s.soshitsu_ido_id = None
        s.save(update_fields=["soshitsu_date", "soshitsu_jiyu", "soshitsu_ido_id", "updated_at"])
        rireki_write(
            shikaku=s,
            atena_id=s.atena_id,
            kind=RirekiKind.SOSHITSU_TORIKESHI,
            jiyu="住民記録の異動の取消",
            effective=old or s.shutoku_date,
            cause=cause,
        )
        n += 1
    for t in TokuteiDoitsu.objects.filter(atena_id__in=ids, end_ido_id=cancelled_ido_id):
        if TokuteiDoitsu.objects.filter(atena_id=t.atena_id, end_date__isnull=True).exists():
            continue
        t.end_date = None
        t.end_ido_id = None
        t.save(update_fields=["end_date", "end_ido_id"])
        rireki_write(
            shikaku=None,
            atena_id=t.atena_id,
            kind=RirekiKind.TOKUTEI_DOITSU,
            jiyu="住民記録の異動の取消",
            effective=t.start_date,
            cause=cause,
            setai_id=t.setai_id,
        )
    return n


# --- 特定同一世帯所属者 -----------------------------------------------------------------


def tokutei_start(*, atena_id: int, setai_id: int, day: date, cause: Cause) -> None:
    if TokuteiDoitsu.objects.filter(atena_id=atena_id, end_date__isnull=True).exists():
        return
    TokuteiDoitsu.objects.create(atena_id=atena_id, setai_id=setai_id, start_date=day)
    rireki_write(
        shikaku=None,
        atena_id=atena_id,
        kind=RirekiKind.TOKUTEI_DOITSU,
        jiyu=SoshitsuJiyu.KOKI.label,
        effective=day,
        cause=cause,
        setai_id=setai_id,
    )


def tokutei_end(
    *, atena_id: int, day: date, cause: Cause, jiyu: str = TOKUTEI_END_HANARETA
) -> None:
    row = TokuteiDoitsu.objects.filter(atena_id=atena_id, end_date__isnull=True).first()
    if row is None:
        return
    row.end_date = day
    row.end_ido_id = cause.ido_id
    row.save(update_fields=["end_date", "end_ido_id"])
    rireki_write(
        shikaku=None,
        atena_id=atena_id,
        kind=RirekiKind.TOKUTEI_DOITSU_END,
        jiyu=jiyu,
        effective=day,
        cause=cause,
        setai_id=row.setai_id,
    )


def tokutei_end_if_none_insured(
    *, atena_id: int, setai_id: int | None, day: date, cause: Cause
) -> int:
    """The household has no 国保 被保険者 left on ``day`` (the last one's 喪失日): its
    特定同一世帯所属者 are ones no longer, from that day (the 平等割's 特定世帯 needs a 国保
    世帯 to belong to). The household is the period's and the one the person lived in the
    day before. Returns how many ended."""
    before = residents_among([atena_id], day - timedelta(days=1)).get(atena_id)
    setai_ids = {x for x in (setai_id, before.setai_id if before else None) if x}
    n = 0
    for sid in setai_ids:
        rows = list(TokuteiDoitsu.objects.filter(setai_id=sid, end_date__isnull=True))
        if not rows:
            continue
        if insured_among((m.atena_id for m in household_on(sid, day)), day):
            continue
        for t in rows:
            tokutei_end(atena_id=t.atena_id, day=day, cause=cause, jiyu=TOKUTEI_END_KOKUHO_NASHI)
            n += 1
    return n


def tokutei_end_on_setainushi_henko(*, setai_ids: Iterable[int], day: date, cause: Cause) -> int:
    """世帯主変更: the 特定同一世帯所属者 of these households are ones no longer from the
    異動日 (the status follows the 世帯主 they shared a 国保世帯 with when they moved to
    後期). Only open rows end: a redelivery finds none."""
    n = 0
    for t in TokuteiDoitsu.objects.filter(setai_id__in=list(setai_ids), end_date__isnull=True):
        tokutei_end(atena_id=t.atena_id, day=day, cause=cause, jiyu=TOKUTEI_END_SETAINUSHI)
        n += 1
    return n
