"""Which 抑止 apply now (標準仕様書 3.1): started, not released, not temporarily
unlocked. A temporary unlock ends by itself when ``temp_unlock_until`` passes: nothing
has to run for the lock to be back. The end date does NOT end a lock: 3.1 says a lock
is not ended automatically when its 終了日 passes; it keeps applying (the screens mark
it 終了日経過) until a clerk with the grant releases it.

支援措置 (3.4) likewise stays in force past its 終了日 until a clerk ends it
(``shien_sochi_end``); the screens alert in the last month and once the end has passed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone

from juminkiroku.models import Atena, ShienSochi, Yokushi


def active_yokushi_q(*, now: object | None = None) -> Q:
    moment = now or timezone.now()
    today = timezone.localdate(moment)  # type: ignore[arg-type]
    return (
        Q(start_date__lte=today)
        & Q(released_at__isnull=True)
        & (Q(temp_unlock_until__isnull=True) | Q(temp_unlock_until__lte=moment))
    )


def held_yokushi_q() -> Q:
    """Locks as other systems see them: started and not released. A 一時解除 is not passed
    on (3.1: 一時解除は庁内各システムへ連携しない), so no other module mistakes it for a
    release."""
    return Q(start_date__lte=timezone.localdate(), released_at__isnull=True)


def temp_unlocked_q() -> Q:
    """Locks lifted for now by a 一時解除 that has not run out (shown beside the active ones)."""
    return Q(released_at__isnull=True, temp_unlock_until__gt=timezone.now())


def yokushi_blocking(
    *, atena_ids: Iterable[int], setai_ids: Iterable[int], process: str
) -> list[Yokushi]:
    atena_ids, setai_ids = list(atena_ids), list(setai_ids)
    if not atena_ids and not setai_ids:
        return []
    target = Q(atena_id__in=atena_ids) | Q(setai_id__in=setai_ids)
    return list(Yokushi.objects.filter(active_yokushi_q(), target, process=process))


def shien_in_force_q(day: date) -> Q:
    """支援措置 in force on ``day``: started (本 or 仮) and not ended by a clerk. Past its
    終了日 it stays in force (3.1, 3.4): only ``shien_sochi_end`` ends it."""
    return Q(start_date__lte=day, ended_at__isnull=True)


def shien_active_on(atena_id: int, day: date | None = None) -> ShienSochi | None:
    """The 支援措置 covering the person as 申出者 or 併せて支援を求める者."""
    day = day or timezone.localdate()
    return (
        ShienSochi.objects.filter(
            shien_in_force_q(day), Q(atena_id=atena_id) | Q(heisha__atena_id=atena_id)
        )
        .order_by("-end_date")
        .first()
    )


def shien_covered_ids(atena_ids: Iterable[int], day: date) -> set[int]:
    """Of ``atena_ids``, those a 支援措置 covers (申出者 or 併せて支援を求める者, 3.4)."""
    ids = set(atena_ids)
    if not ids:
        return set()
    pairs = ShienSochi.objects.filter(
        shien_in_force_q(day), Q(atena_id__in=ids) | Q(heisha__atena_id__in=ids)
    ).values_list("atena_id", "heisha__atena_id")  # one query
    return {i for pair in pairs for i in pair if i in ids}


def shien_in_last_month(day: date | None = None) -> list[ShienSochi]:
    """支援措置 whose end is within a month and not yet extended (the screens alert on them)."""
    day = day or timezone.localdate()
    candidates = ShienSochi.objects.filter(
        shien_in_force_q(day), end_date__gte=day, end_date__lte=day + timedelta(days=31)
    ).exclude(extensions__isnull=False)
    from juminkiroku.services.yokushi import extension_opens_on

    return [s for s in candidates.select_related("atena") if extension_opens_on(s) <= day]


def shien_past_end(day: date | None = None) -> list[ShienSochi]:
    """支援措置 whose 終了日 has passed without an extension and that no clerk has ended
    yet (3.4: the screens show that the period has ended; the locks still apply)."""
    day = day or timezone.localdate()
    return list(
        ShienSochi.objects.filter(shien_in_force_q(day), end_date__lt=day)
        .exclude(extensions__isnull=False)
        .select_related("atena")
        .order_by("end_date", "id")
    )


@dataclass
class ShienStatus:
    """What the person screens say about a 支援措置 (2.2.4, 3.4)."""

    shien: ShienSochi
    role: str  # "申出者" or "併せて支援を求める者"
    kari: bool
    ending_soon: bool
    past_end: bool


def shien_status_of(atena_id: int, day: date | None = None) -> list[ShienStatus]:
    """The 支援措置 in force that cover the person, with the alerts 3.4 asks for."""
    day = day or timezone.localdate()
    from juminkiroku.services.yokushi import extension_opens_on

    found = (
        ShienSochi.objects.filter(
            shien_in_force_q(day), Q(atena_id=atena_id) | Q(heisha__atena_id=atena_id)
        )
        .exclude(extensions__isnull=False)
        .distinct()
        .order_by("start_date", "id")
    )
    return [
        ShienStatus(
            shien=s,
            role="申出者" if s.atena_id == atena_id else "併せて支援を求める者",
            kari=s.kari,
            ending_soon=extension_opens_on(s) <= day <= s.end_date,
            past_end=s.end_date < day,
        )
        for s in found
    ]


def shien_detail(pk: int) -> ShienSochi:
    """One 支援措置 with its 申出者, 併せて支援を求める者 and 加害者 (1.1.16).
    ShienSochi.DoesNotExist outside this town."""
    return (
        ShienSochi.objects.select_related("atena", "extended_from")
        .prefetch_related("heisha__atena", "kagaisha__atena", "yokushi")
        .get(pk=pk)
    )


def kagaisha_of(atena_id: int, day: date | None = None) -> bool:
    """Whether the person is registered as 加害者 in a 支援措置 in force."""
    day = day or timezone.localdate()
    return ShienSochi.objects.filter(shien_in_force_q(day), kagaisha__atena_id=atena_id).exists()


@dataclass
class YokushiRow:
    yokushi: Yokushi
    atena: Atena | None
    past_end: bool


def yokushi_taishosha(day: date | None = None) -> list[YokushiRow]:
    """抑止対象者一覧 (標準仕様書 9.2): every lock in force or temporarily lifted, on a
    person or a household, in 宛名番号 / 世帯番号 order."""
    day = day or timezone.localdate()
    locks = (
        Yokushi.objects.filter(active_yokushi_q() | temp_unlocked_q())
        .select_related("atena", "setai", "shien_sochi")
        .order_by("atena__atena_no", "setai__setai_no", "process", "id")
    )
    return [
        YokushiRow(yokushi=y, atena=y.atena, past_end=y.end_date is not None and y.end_date < day)
        for y in locks
    ]


def shien_alerts(shien: Iterable[ShienSochi], day: date) -> list[str]:
    """The alerts 3.4 asks for on the screen that shows a 支援対象者's 住民票: the period
    ends within a month; the period has ended without an extension."""
    from juminkiroku.services.yokushi import extension_opens_on

    alerts = []
    for s in shien:
        if s.end_date < day:
            alerts.append(
                "支援措置の期間が終了しています（延長されていません）。"
                "終了または新たな支援措置の登録を判断してください。抑止は継続しています。"
            )
        elif extension_opens_on(s) <= day:
            alerts.append("1か月以内に支援措置の期間が終了します。延長の申出を確認してください。")
    return alerts
