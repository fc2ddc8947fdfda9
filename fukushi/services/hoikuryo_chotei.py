"""保育所保育料の調定: the month's fees of the children in a 保育所 stated to the 収納 ledger
(zeimu's public face), so that they are billed, paid, 督促'd and reported like every other
期別 of the town (issue 20 item 3; docs/standard/hoiku.md HK-14).

Which fees: the 市町村 collects the 保育料 of a 保育所 (私立: 子ども・子育て支援法附則第6条第4項;
公立: the town is the facility); a 認定こども園, 小規模保育 or 家庭的保育 collects its 利用者負担
itself (法第27条 の 法定代理受領), so those children's fees are computed and shown but not
posted here. The 保育所 is the one the child is enrolled in on the month's first day, the day
the fee is computed for (``hoikuryo_compute``).

One 期別 per child and month, owed by the 認定's 保護者: the key names the child, the month and
the 保護者, so a change of 保護者 is a new 期別 and the old one is brought to 0. Posting states
each amount as it now stands; the ledger writes only differences (当初, 増額, 減額), so posting
a month again after nothing changed writes nothing, and a recomputed fee is a 更正 entry, never
an edit. A child who left (no fee row any more) has the month's 期別 brought to 0.

納期限: the town's ``fukushi.hoiku.nouki_day`` of the month itself (0 = its last day; the
既定 is ours, from a town's 規則), moved to the next 開庁日 when it falls on a closed day.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fukushi.gyomu import HOIKURYO
from fukushi.models.hoiku import HoikuNyusho, HoikuryoChotei, HoikuryoGetsugaku, ShisetsuShubetsu
from fukushi.rules.hoiku import nendo_of
from fukushi.rules.hoiku_hiwari import HiwariHoho
from fukushi.services.hoiku_ryo import FISCAL_MONTHS, hiwari_params
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.holidays import next_business_day
from tenants.params.services import param_value
from zeimu.public import ChoteiItem, ShunoRefused, Zeimoku, chotei_post_many

__all__ = ["ChoteiRefused", "ChoteiResult", "hoikuryo_chotei", "nouki_of"]

SCREEN = "fukushi.hoikuryo_chotei"


class ChoteiRefused(Exception):
    """A posting refused (Japanese message); nothing is written."""


@dataclass(frozen=True)
class ChoteiResult:
    month: date
    targets: int  # children of a 保育所 with a fee that month
    written: int  # 期別 whose 調定 changed (当初, 増額, 減額)
    zeroed: int  # 期別 brought to 0 (left, or another 保護者 now owes it)
    total: int  # the month's 調定額 as it now stands (保育所 only)


def nouki_of(day: date) -> date:
    """The 納期限 of the month of ``day``."""
    d = int(param_value("fukushi.hoiku.nouki_day", nendo_of(day)))
    last = calendar.monthrange(day.year, day.month)[1]
    return next_business_day(day.replace(day=last if d == 0 else min(d, last)), inclusive=True)


def _key(child: int, day: date, hogosha: int) -> str:
    return f"hoikuryo:{child}:{day:%Y%m}:{hogosha}"


def _hoikusho_children(day: date) -> set[int]:
    """Children enrolled in a 保育所 on ``day`` (日割なし), or on some day of its month when
    the town prorates (the fee then covers the days enrolled: ``hoikuryo_compute``)."""
    if hiwari_params(nendo_of(day)).hoho == HiwariHoho.NASHI:
        until = day
    else:
        until = day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return set(
        HoikuNyusho.objects.filter(
            Q(start_date__lte=until),
            Q(end_date__isnull=True) | Q(end_date__gte=day),
            shisetsu__shubetsu=ShisetsuShubetsu.HOIKUSHO,
        ).values_list("atena_id", flat=True)
    )


def hoikuryo_chotei(*, day: date, actor: Actor) -> ChoteiResult:
    """Post the 保育所保育料 of the month of ``day`` (its first day) to the 収納 ledger, in one
    transaction with fukushi's record of it. Raises ``ChoteiRefused`` when the month has no
    fee computed, or when the ledger refuses (its message); nothing is then written."""
    if day.day != 1 or day.month not in FISCAL_MONTHS:
        raise ChoteiRefused("調定する月を選んでください。")
    fees = list(
        HoikuryoGetsugaku.objects.filter(month=day)
        .select_related("nintei")
        .only("atena_id", "amount", "nendo", "computed_at", "nintei__hogosha_atena_id")
    )
    if not fees:
        raise ChoteiRefused(
            f"{day.year}年{day.month}月分の保育料が算定されていません。先に算定してください。"
        )
    nendo = nendo_of(day)
    ki = FISCAL_MONTHS.index(day.month) + 1
    label = f"{day.month}月分"
    nouki = nouki_of(day)
    stamp = timezone.now()
    in_hoikusho = _hoikusho_children(day)
    with transaction.atomic():
        before = {
            c.key: c
            for c in HoikuryoChotei.objects.select_for_update().filter(month=day).order_by("pk")
        }
        # what each 期別 should now hold: the fee of a 保育所 child, 0 for one stated before
        # that no longer has a fee here (left, moved to another facility, another 保護者)
        now: dict[str, tuple[int, int, int, str]] = {}  # key → child, 保護者, amount, ref
        for g in fees:
            if g.atena_id not in in_hoikusho:
                continue
            hogosha = g.nintei.hogosha_atena_id
            key = _key(g.atena_id, day, hogosha)
            ref = f"{key}:{g.amount}:{g.computed_at:%Y%m%d%H%M%S%f}"
            now[key] = (g.atena_id, hogosha, g.amount, ref)
        for key, c in before.items():
            if key not in now and c.amount != 0:
                now[key] = (c.atena_id, c.hogosha_atena_id, 0, f"{key}:0:{stamp:%Y%m%d%H%M%S%f}")
        items = [
            ChoteiItem(
                zeimoku=Zeimoku.HOIKURYO.value,
                key=key,
                atena_id=hogosha,
                nendo=nendo,
                ki=ki,
                ki_label=label,
                nouki=nouki,
                amount=amount,
                ref=ref,
                on=stamp.date(),
                reason="保育所保育料（子ども・子育て支援法附則第6条第4項）",
            )
            for key, (_child, hogosha, amount, ref) in now.items()
            # a fee of 0 (無償化, 第3子, 要保護) that was never stated needs no 期別
            if amount != 0 or key in before
        ]
        try:
            posted = chotei_post_many(items, actor=actor)
        except ShunoRefused as exc:
            raise ChoteiRefused(str(exc)) from exc
        rows = []
        for item, p in zip(items, posted, strict=True):
            child, hogosha = now[item.key][0], now[item.key][1]
            rows.append(
                HoikuryoChotei(
                    atena_id=child,
                    month=day,
                    nendo=nendo,
                    hogosha_atena_id=hogosha,
                    key=item.key,
                    amount=item.amount,
                    nofu_bango=p.nofu_bango,
                    posted_at=stamp,
                    posted_by=actor.username or actor.api_client or "system",
                )
            )
        changed = [r for r, p in zip(rows, posted, strict=True) if p.written]
        HoikuryoChotei.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["key"],
            update_fields=["amount", "nofu_bango", "posted_at", "posted_by"],
        )
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=HOIKURYO,
            screen=SCREEN,
            record_type="fukushi.HoikuryoChotei",
            record_count=len(changed),
            detail={"month": day.isoformat(), "posted": len(items), "changed": len(changed)},
        )
    zeroed = sum(1 for r in changed if r.amount == 0)
    return ChoteiResult(
        month=day,
        targets=sum(1 for g in fees if g.atena_id in in_hoikusho),
        written=len(changed),
        zeroed=zeroed,
        total=sum(a for _c, _h, a, _r in now.values()),
    )
