"""抑止 (標準仕様書 3.1) and 支援措置 (3.4): set, release, temporary unlock, extension.

Each act needs its own grant (Kengen): 設定 ``yokushi_lock``, 解除 ``yokushi_unlock``,
一時解除 ``yokushi_temp_unlock``. A temporary unlock carries its end time; the selectors
treat the lock as active again once it passes, so nothing has to run to re-lock.

支援措置 runs one year from its start (事務処理要領: 支援の期間は1年): the end date is the
day before the same date a year later. An extension can be asked from one month before
the end; the staff screens alert during that last month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from juminkiroku.codes import YokushiLevel, YokushiProcess
from juminkiroku.grants import Kengen
from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models import Atena, Setai, ShienSochi, Yokushi
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.grants.selectors import has_grant

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


def shien_sochi_register(
    *, atena_id: int, start_date: date, moshide_date: date, note: str, actor: Actor
) -> ShienResult:
    """支援措置: one year; locks 発行 (error: third-party requests are refused at issue) and
    照会 (alert) for the person."""
    _require(actor, Kengen.YOKUSHI_LOCK)
    if not Atena.objects.filter(pk=atena_id).exists():
        raise YokushiError("支援対象者が見つかりません。")
    if moshide_date > timezone.localdate():
        raise YokushiError("申出日に未来の日付は指定できません。")
    end = _one_year_end(start_date)
    with transaction.atomic(durable=True):
        shien = ShienSochi.objects.create(
            atena_id=atena_id,
            start_date=start_date,
            end_date=end,
            moshide_date=moshide_date,
            note=note.strip()[:200],
            created_by=actor.username,
        )
        locks = _shien_locks(shien, actor)
        _log(actor, "支援措置登録", "shien_sochi", shien.pk)
    return ShienResult(shien, locks)


def _shien_locks(shien: ShienSochi, actor: Actor) -> list[Yokushi]:
    return [
        Yokushi.objects.create(
            atena_id=shien.atena_id,
            process=process,
            level=level,
            start_date=shien.start_date,
            end_date=shien.end_date,
            reason="支援措置",
            shien_sochi=shien,
            created_by=actor.username,
        )
        for process, level in (
            (YokushiProcess.HAKKO, YokushiLevel.ERROR),
            (YokushiProcess.SHOKAI, YokushiLevel.ALERT),
        )
    ]


def extension_opens_on(shien: ShienSochi) -> date:
    """The first day an extension may be asked: one month before the end date."""
    month = shien.end_date.month - 1 or 12
    year = shien.end_date.year - (1 if shien.end_date.month == 1 else 0)
    day = min(shien.end_date.day, 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)
    return date(year, month, day)


def shien_sochi_extend(
    *, shien_id: int, moshide_date: date, actor: Actor, today: date | None = None
) -> ShienResult:
    _require(actor, Kengen.YOKUSHI_LOCK)
    today = today or timezone.localdate()
    with transaction.atomic(durable=True):
        shien = ShienSochi.objects.select_for_update().get(pk=shien_id)
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
            created_by=actor.username,
        )
        locks = _shien_locks(new, actor)
        _log(actor, "支援措置延長", "shien_sochi", new.pk)
    return ShienResult(new, locks)
