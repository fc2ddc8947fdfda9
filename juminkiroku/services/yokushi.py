"""抑止 (標準仕様書 3.1) and 支援措置 (3.4): set, release, temporary unlock, extension.

Each act needs its own grant (Kengen): 設定 ``yokushi_lock``, 解除 ``yokushi_unlock``,
一時解除 ``yokushi_temp_unlock``. A temporary unlock carries its end time; the selectors
treat the lock as active again once it passes, so nothing has to run to re-lock.

支援措置 runs one year from its start (3.4: 期間は1年): the end date is the day before
the same date a year later, and may be corrected (``end_date``). An extension can be
asked from one month before the end; the staff screens alert during that last month and
once the end has passed. Nothing ends by itself (3.1): a clerk ends a 支援措置 with
``shien_sochi_end`` (申出, 期間経過, 必要性なし), which releases its locks.

仮支援措置 (3.4): registered at the 申出 before the need is confirmed
(``kari=True``; ``shien_sochi_kakutei`` then starts the one-year period), and switched to
automatically when the 支援対象者 moves out (``shien_after_tenshutsu``: the town keeps the
措置 as 前住所地市区町村 so nothing lapses during the 転出・転入).

The 支援対象者 and every 併せて支援を求める者 get a 発行 error and a 照会 alert; a
加害者 who lives in this town gets a 発行 alert on their own record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from juminkiroku import events
from juminkiroku.codes import ShienEndReason, YokushiLevel, YokushiProcess
from juminkiroku.grants import Kengen
from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models import Atena, Setai, ShienHeisha, ShienKagaisha, ShienSochi, Yokushi
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.events.services import event_publish
from tenants.grants.selectors import has_grant
from tenants.pdf import RenderedPdf, render_pdf
from tenants.selectors.current import current_municipality
from tenants.wareki import format_wareki

GYOMU = JUMINKIROKU


class YokushiError(Exception):
    pass


def _require(actor: Actor, kengen: str) -> None:
    if not has_grant(actor.user_id, kengen):
        raise YokushiError(f"「{Kengen(kengen).label}」の権限がありません。")


def _one_year_end(start: date) -> date:
    try:
        anniversary = start.replace(year=start.year + 1)
    except ValueError:  # 2月29日 start: the anniversary is 3月1日
        anniversary = date(start.year + 1, 3, 1)
    return anniversary - timedelta(days=1)


def _log(actor: Actor, screen: str, record_type: str, record_id: int) -> None:
    access_record(
        actor=actor,
        action=AccessAction.UPDATE,
        gyomu=GYOMU,
        screen=screen,
        record_type=record_type,
        record_id=record_id,
    )


def _publish(locks: Sequence[Yokushi], actor: Actor, *, settei: bool) -> None:
    """標準仕様書 3.2: every 抑止 set or lifted goes to the other systems of the town as a
    domain event (ids and codes only), in the transaction that changed it."""
    if not locks:
        return
    event_publish(
        event=events.YOKUSHI_SETTEI if settei else events.YOKUSHI_KAIJO,
        payload=events.YokushiPayload(
            yokushi_ids=tuple(y.pk for y in locks),
            atena_ids=tuple(sorted({y.atena_id for y in locks if y.atena_id})),
            setai_ids=tuple(sorted({y.setai_id for y in locks if y.setai_id})),
            processes=tuple(sorted({y.process for y in locks})),
            shien_sochi=any(y.shien_sochi_id for y in locks),
            start_date=min(y.start_date for y in locks) if settei else None,
        ),
        acting_user_id=actor.user_id,
    )


def yokushi_set(
    *,
    process: str,
    level: str,
    reason: str,
    start_date: date,
    end_date: date | None,
    actor: Actor,
    atena_id: int | None = None,
    setai_id: int | None = None,
) -> Yokushi:
    _require(actor, Kengen.YOKUSHI_LOCK)
    if (atena_id is None) == (setai_id is None):
        raise YokushiError("対象は個人または世帯のどちらか一方を指定してください。")
    if process not in YokushiProcess.values or level not in YokushiLevel.values:
        raise YokushiError("抑止する処理と区分を選択してください。")
    if not reason.strip():
        raise YokushiError("抑止の理由を入力してください。")
    if end_date is not None and end_date < start_date:
        raise YokushiError("終了日は開始日以降の日付を指定してください。")
    if atena_id is not None and not Atena.objects.filter(pk=atena_id).exists():
        raise YokushiError("対象者が見つかりません。")
    if setai_id is not None and not Setai.objects.filter(pk=setai_id).exists():
        raise YokushiError("対象世帯が見つかりません。")
    with transaction.atomic(durable=True):
        y = Yokushi.objects.create(
            atena_id=atena_id,
            setai_id=setai_id,
            process=process,
            level=level,
            start_date=start_date,
            end_date=end_date,
            reason=reason.strip()[:200],
            created_by=actor.username,
        )
        _log(actor, "抑止設定", "yokushi", y.pk)
        _publish([y], actor, settei=True)
    return y


def yokushi_release(*, yokushi_id: int, actor: Actor) -> Yokushi:
    _require(actor, Kengen.YOKUSHI_UNLOCK)
    with transaction.atomic(durable=True):
        y = Yokushi.objects.select_for_update().get(pk=yokushi_id)
        if y.released_at is not None:
            raise YokushiError("この抑止は既に解除されています。")
        y.released_at = timezone.now()
        y.released_by = actor.username
        y.save(update_fields=["released_at", "released_by"])
        _log(actor, "抑止解除", "yokushi", y.pk)
        _publish([y], actor, settei=False)
    return y


def yokushi_temp_unlock(*, yokushi_id: int, actor: Actor, minutes: int | None = None) -> Yokushi:
    """一時解除: the lock is lifted until ``now + minutes`` and then applies again by itself."""
    _require(actor, Kengen.YOKUSHI_TEMP_UNLOCK)
    span = minutes or int(settings.JC_YOKUSHI_TEMP_UNLOCK_MINUTES)
    if not 0 < span <= 24 * 60:
        raise YokushiError("一時解除の時間は1分から24時間までです。")
    with transaction.atomic(durable=True):
        y = Yokushi.objects.select_for_update().get(pk=yokushi_id)
        if y.released_at is not None:
            raise YokushiError("この抑止は既に解除されています。")
        y.temp_unlock_until = timezone.now() + timedelta(minutes=span)
        y.temp_unlock_by = actor.username
        y.save(update_fields=["temp_unlock_until", "temp_unlock_by"])
        _log(actor, "抑止一時解除", "yokushi", y.pk)
    return y


@dataclass(frozen=True)
class ShienResult:
    shien: ShienSochi
    yokushi: list[Yokushi]


@dataclass(frozen=True)
class Heisha:
    """A person asking for support along with the 申出者 (by their 宛名 in this town)."""

    atena_id: int
    kankei: str


@dataclass(frozen=True)
class Kagaisha:
    """A 加害者: ``atena_id`` only when they live in this town."""

    shimei: str
    atena_id: int | None = None
    birth_date: date | None = None
    sex: str = ""
    jusho: str = ""
    sonota: str = ""


@dataclass(frozen=True)
class ShienJimu:
    """支援を求められている事務 (1.1.16)."""

    etsuran: bool = True
    kofu: bool = True
    fuhyo: bool = True


@dataclass(frozen=True)
class ShienInput:
    renrakusaki: str = ""
    yokushi_jusho: str = ""
    tosho_uketsuke: str = ""  # set when this town receives a forwarded 申出書
    tenso_uketsuke_date: date | None = None
    jimu: ShienJimu = field(default_factory=ShienJimu)
    heisha: Sequence[Heisha] = ()
    kagaisha: Sequence[Kagaisha] = ()


def _clean(text: str, limit: int) -> str:
    return text.strip()[:limit]


def _validate_people(atena_id: int, extra: ShienInput) -> None:
    if not Atena.objects.filter(pk=atena_id).exists():
        raise YokushiError("支援対象者が見つかりません。")
    seen = {atena_id}
    for h in extra.heisha:
        if h.atena_id in seen:
            raise YokushiError("同じ方が重ねて指定されています。")
        seen.add(h.atena_id)
        if not Atena.objects.filter(pk=h.atena_id).exists():
            raise YokushiError("併せて支援を求める方が見つかりません。")
        if not h.kankei.strip():
            raise YokushiError("併せて支援を求める方の申出者との関係を入力してください。")
    for k in extra.kagaisha:
        if not k.shimei.strip():
            raise YokushiError("加害者の氏名を入力してください。")
        if k.atena_id is not None:
            if k.atena_id in seen:
                raise YokushiError("支援対象者を加害者として指定することはできません。")
            if not Atena.objects.filter(pk=k.atena_id).exists():
                raise YokushiError("加害者の宛名が見つかりません。")


def shien_sochi_register(
    *,
    atena_id: int,
    start_date: date,
    moshide_date: date,
    note: str,
    actor: Actor,
    end_date: date | None = None,
    kari: bool = False,
    extra: ShienInput | None = None,
) -> ShienResult:
    """Registers a 支援措置 (3.4) or, with ``kari``, a 仮支援措置 from ``start_date``.
    The end is one year on unless ``end_date`` corrects it. Locks 発行 (error: requests
    are refused unless a clerk lifts it after 審査) and 照会 (alert) for the 申出者 and
    each 併せて支援を求める者; a 加害者 living here gets a 発行 alert."""
    _require(actor, Kengen.YOKUSHI_LOCK)
    extra = extra or ShienInput()
    _validate_people(atena_id, extra)
    if moshide_date > timezone.localdate():
        raise YokushiError("申出日に未来の日付は指定できません。")
    end = end_date or _one_year_end(start_date)
    if end < start_date:
        raise YokushiError("支援終了日は支援開始日以降の日付を指定してください。")
    with transaction.atomic(durable=True):
        shien = ShienSochi.objects.create(
            atena_id=atena_id,
            start_date=start_date,
            end_date=end,
            moshide_date=moshide_date,
            note=_clean(note, 200),
            renrakusaki=_clean(extra.renrakusaki, 200),
            yokushi_jusho=_clean(extra.yokushi_jusho, 300),
            tosho_uketsuke=_clean(extra.tosho_uketsuke, 100),
            tenso_uketsuke_date=extra.tenso_uketsuke_date,
            jimu_etsuran=extra.jimu.etsuran,
            jimu_kofu=extra.jimu.kofu,
            jimu_fuhyo=extra.jimu.fuhyo,
            kari=kari,
            kari_start_date=start_date if kari else None,
            created_by=actor.username,
        )
        for h in extra.heisha:
            ShienHeisha.objects.create(
                shien=shien, atena_id=h.atena_id, kankei=_clean(h.kankei, 50)
            )
        for k in extra.kagaisha:
            ShienKagaisha.objects.create(
                shien=shien,
                shimei=_clean(k.shimei, 100),
                atena_id=k.atena_id,
                birth_date=k.birth_date,
                sex=_clean(k.sex, 10),
                jusho=_clean(k.jusho, 200),
                sonota=_clean(k.sonota, 200),
            )
        locks = _shien_locks(shien, actor, start=start_date)
        _log(actor, "仮支援措置登録" if kari else "支援措置登録", "shien_sochi", shien.pk)
    return ShienResult(shien, locks)


def _shien_locks(shien: ShienSochi, actor: Actor, *, start: date) -> list[Yokushi]:
    """The locks of a 支援措置. Their 終了日 is the 支援終了日 for display only: locks do not
    end by themselves (3.1); ``shien_sochi_end`` releases them."""
    protected = [shien.atena_id, *shien.heisha.values_list("atena_id", flat=True)]
    rows = [
        (atena_id, process, level, "支援措置")
        for atena_id in protected
        for process, level in (
            (YokushiProcess.HAKKO, YokushiLevel.ERROR),
            (YokushiProcess.SHOKAI, YokushiLevel.ALERT),
        )
    ]
    rows += [
        (k_id, YokushiProcess.HAKKO, YokushiLevel.ALERT, "支援措置の加害者")
        for k_id in shien.kagaisha.filter(atena__isnull=False).values_list("atena_id", flat=True)
    ]
    locks = [
        Yokushi.objects.create(
            atena_id=atena_id,
            process=process,
            level=level,
            start_date=start,
            end_date=shien.end_date,
            reason=reason,
            shien_sochi=shien,
            created_by=actor.username,
        )
        for atena_id, process, level, reason in rows
    ]
    _publish(locks, actor, settei=True)
    return locks


def _release_locks(shien: ShienSochi, actor: Actor) -> None:
    locks = list(shien.yokushi.select_for_update().filter(released_at__isnull=True))
    shien.yokushi.filter(pk__in=[y.pk for y in locks]).update(
        released_at=timezone.now(), released_by=actor.username
    )
    _publish(locks, actor, settei=False)


def extension_opens_on(shien: ShienSochi) -> date:
    """The first day an extension may be asked: one month before the end date."""
    month = shien.end_date.month - 1 or 12
    year = shien.end_date.year - (1 if shien.end_date.month == 1 else 0)
    day = min(shien.end_date.day, 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)
    return date(year, month, day)


def shien_sochi_extend(
    *, shien_id: int, moshide_date: date, actor: Actor, today: date | None = None
) -> ShienResult:
    """延長 (3.4): from one month before the end; one year from the day after the end.
    The new 措置 carries the same persons; its locks start today and the old ones are
    released in the same transaction, so protection never has a gap."""
    _require(actor, Kengen.YOKUSHI_LOCK)
    today = today or timezone.localdate()
    with transaction.atomic(durable=True):
        shien = ShienSochi.objects.select_for_update().get(pk=shien_id)
        if shien.ended_at is not None:
            raise YokushiError("この支援措置は終了しています。")
        if shien.extensions.exists():
            raise YokushiError("この支援措置は既に延長されています。")
        if today < extension_opens_on(shien):
            raise YokushiError(
                f"延長の申出は終了日の1か月前（{extension_opens_on(shien):%Y-%m-%d}）から受け付けます。"
            )
        if today > shien.end_date:
            raise YokushiError("支援期間が終了しています。新たに支援措置を登録してください。")
        start = shien.end_date + timedelta(days=1)
        new = ShienSochi.objects.create(
            atena_id=shien.atena_id,
            start_date=start,
            end_date=_one_year_end(start),
            extended_from=shien,
            moshide_date=moshide_date,
            note=shien.note,
            renrakusaki=shien.renrakusaki,
            yokushi_jusho=shien.yokushi_jusho,
            jimu_etsuran=shien.jimu_etsuran,
            jimu_kofu=shien.jimu_kofu,
            jimu_fuhyo=shien.jimu_fuhyo,
            created_by=actor.username,
        )
        for h in shien.heisha.all():
            ShienHeisha.objects.create(shien=new, atena_id=h.atena_id, kankei=h.kankei)
        for k in shien.kagaisha.all():
            k.pk = None
            k.shien = new
            k.save()
        _release_locks(shien, actor)
        locks = _shien_locks(new, actor, start=min(today, start))
        _log(actor, "支援措置延長", "shien_sochi", new.pk)
    return ShienResult(new, locks)


def shien_sochi_kakutei(*, shien_id: int, start_date: date, actor: Actor) -> ShienSochi:
    """仮支援措置 → 支援措置 once the need is confirmed (3.4): the one-year period runs
    from ``start_date``; the locks stay (no gap)."""
    _require(actor, Kengen.YOKUSHI_LOCK)
    with transaction.atomic(durable=True):
        shien = ShienSochi.objects.select_for_update().get(pk=shien_id)
        if shien.ended_at is not None:
            raise YokushiError("この支援措置は終了しています。")
        if not shien.kari:
            raise YokushiError("仮支援措置ではありません。")
        if shien.kari_start_date and start_date < shien.kari_start_date:
            raise YokushiError("支援開始日は仮支援措置の開始日以降の日付を指定してください。")
        shien.kari = False
        shien.start_date = start_date
        shien.end_date = _one_year_end(start_date)
        shien.save(update_fields=["kari", "start_date", "end_date"])
        shien.yokushi.filter(released_at__isnull=True).update(end_date=shien.end_date)
        _log(actor, "支援措置開始", "shien_sochi", shien.pk)
    return shien


def shien_sochi_correct_end(*, shien_id: int, end_date: date, actor: Actor) -> ShienSochi:
    """Corrects the 支援終了日 set automatically (3.4: 必要に応じて修正)."""
    _require(actor, Kengen.YOKUSHI_LOCK)
    with transaction.atomic(durable=True):
        shien = ShienSochi.objects.select_for_update().get(pk=shien_id)
        if shien.ended_at is not None:
            raise YokushiError("この支援措置は終了しています。")
        if end_date < shien.start_date:
            raise YokushiError("支援終了日は支援開始日以降の日付を指定してください。")
        shien.end_date = end_date
        shien.save(update_fields=["end_date"])
        shien.yokushi.filter(released_at__isnull=True).update(end_date=end_date)
        _log(actor, "支援終了日修正", "shien_sochi", shien.pk)
    return shien


def shien_sochi_end(
    *, shien_id: int, reason: str, actor: Actor, renraku_date: date | None = None
) -> ShienSochi:
    """Ends a 支援措置 (3.4: 申出, 期間経過で延長なし, 必要性なし) and releases its locks.
    Needs the 解除 grant: ending is what lifts the 発行 error. For 必要性なし the day the
    申出者 was told is kept (1.1.16, 支援の必要性がないことを確認したときの連絡年月日)."""
    _require(actor, Kengen.YOKUSHI_UNLOCK)
    if reason not in ShienEndReason.values:
        raise YokushiError("終了の理由を選択してください。")
    if renraku_date is not None and renraku_date > timezone.localdate():
        raise YokushiError("連絡年月日に未来の日付は指定できません。")
    with transaction.atomic(durable=True):
        shien = ShienSochi.objects.select_for_update().get(pk=shien_id)
        if shien.ended_at is not None:
            raise YokushiError("この支援措置は既に終了しています。")
        if shien.extensions.filter(ended_at__isnull=True).exists():
            raise YokushiError("延長後の支援措置を終了してください。")
        shien.ended_at = timezone.now()
        shien.ended_by = actor.username
        shien.end_reason = reason
        if reason == ShienEndReason.FUYO and renraku_date is not None:
            shien.fuyo_renraku_date = renraku_date
        shien.save(update_fields=["ended_at", "ended_by", "end_reason", "fuyo_renraku_date"])
        _release_locks(shien, actor)
        _log(actor, "支援措置終了", "shien_sochi", shien.pk)
    return shien


def shien_after_tenshutsu(*, atena_ids: Sequence[int], ido_date: date, actor: Actor) -> int:
    """A 支援対象者 (申出者) moved out: the 措置 switches automatically to 仮支援措置 kept
    by this town as 前住所地市区町村 (3.4), with the 転出先 as 転送先 (1.1.16), so it does
    not end during the 転出・転入. The locks stay. Returns how many were switched."""
    town = current_municipality()
    switched = 0
    with transaction.atomic():
        current = ShienSochi.objects.filter(
            atena_id__in=list(atena_ids), ended_at__isnull=True, extensions__isnull=True
        ).values_list("pk", flat=True)
        for shien in ShienSochi.objects.select_for_update().filter(pk__in=list(current)):
            saki = Atena.objects.filter(pk=shien.atena_id).values_list(
                "tenshutsu_saki_jusho", flat=True
            )[0]
            shien.kari = True
            shien.kari_start_date = ido_date
            shien.tosho_uketsuke = town.name[:100]
            shien.tenso_saki = saki[:200]
            shien.tenso_date = ido_date
            shien.save(
                update_fields=[
                    "kari",
                    "kari_start_date",
                    "tosho_uketsuke",
                    "tenso_saki",
                    "tenso_date",
                ]
            )
            _log(actor, "支援措置転出切替", "shien_sochi", shien.pk)
            switched += 1
    return switched


@dataclass(frozen=True)
class TsuchiRow:
    shimei: str
    start: str
    end: str
    opens: str


def shien_shuryo_tsuchi(
    *, shien_ids: Sequence[int], actor: Actor, today: date | None = None
) -> RenderedPdf:
    """支援措置期間終了通知 (3.4, printed before the end as 20.5.1 asks): one page per
    申出者 of the given 支援措置, each still in force and not extended. The print is
    logged per 支援措置."""
    _require(actor, Kengen.YOKUSHI_LOCK)
    today = today or timezone.localdate()
    wanted = list(dict.fromkeys(shien_ids))
    if not wanted:
        raise YokushiError("通知を出力する支援措置を選択してください。")
    found = list(
        ShienSochi.objects.filter(pk__in=wanted, ended_at__isnull=True, extensions__isnull=True)
        .select_related("atena")
        .order_by("end_date", "id")
    )
    if len(found) != len(wanted):
        raise YokushiError("終了または延長済みの支援措置が含まれています。")
    rows = [
        TsuchiRow(
            shimei=s.atena.shimei,
            start=format_wareki(s.start_date),
            end=format_wareki(s.end_date),
            opens=format_wareki(extension_opens_on(s)),
        )
        for s in found
    ]
    rendered = render_pdf(
        "juminkiroku/forms/shien_tsuchi.html",
        {"notices": rows, "today": format_wareki(today), "town_name": current_municipality().name},
    )
    with transaction.atomic(durable=True):
        for s in found:
            access_record(
                actor=actor,
                action=AccessAction.PRINT,
                gyomu=GYOMU,
                screen="支援措置期間終了通知",
                record_type="shien_sochi",
                record_id=s.pk,
            )
    return rendered
