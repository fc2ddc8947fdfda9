"""施設型給付費の請求（実績報告）と審査 (HK-13): each 施設 claims the 給付費 of a month — the
children it cared for and the amount — and the town checks the claim against its own 算定
(``fukushi.services.hoiku_kyufu.kyufuhi_of_month``: 公定価格 less 利用者負担 per child).

- 受付: one 請求 per 施設 and month (児童数, 請求額, 受付日); a 請求 not yet 審査済（一致）
  may be received again (a corrected 請求 from the 施設), which returns it to 受付; a 請求
  already 一致 is refused.
- 審査 (the month's run): the month's 算定 is made once; each 請求 not yet 一致 is judged
  一致 when its 児童数 and 請求額 both equal the 算定's, else 差異あり with the 差額
  (請求額 − 算定額); the 施設 with a 給付費 but no 請求 are answered (未請求), not stored.
  The 算定 refused (a 公定価格 or a child's 保育料 missing) refuses the 審査: nothing
  written.

Law: 子ども・子育て支援法第27条第5項・第29条第5項 (the 市町村 may pay the 給付費 to the 施設
on the 保護者' behalf: 法定代理受領), 第27条第6項 (the 市町村 examines the 施設's 請求
(審査) and pays it); the form of the 請求 (実績報告) and its items are the towns' own (this
one carries the 児童数 and the amount, not each child's line: 未確認 against a town's 様式).

Each write: one durable transaction and its access-log row; refused input writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from fukushi.gyomu import KODOMO_KOSODATE
from fukushi.models import (
    HoikuKyufuhiSeikyu,
    HoikuShisetsu,
    KyufuhiSeikyuJotai,
)
from fukushi.services.hoiku_kyufu import KyufuhiRefused, kyufuhi_of_month
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record

__all__ = ["MAX_GAKU", "ShinsaKekka", "seikyu_shinsa", "seikyu_uketsuke"]

SCREEN = "fukushi.hoiku_kyufuhi_seikyu"
RECORD_TYPE = "fukushi.HoikuKyufuhiSeikyu"
#: the largest amount a 施設 may claim for a month (a check on typing, not a rule of law)
MAX_GAKU = 1_000_000_000
MAX_NINZU = 10_000


def seikyu_uketsuke(
    *,
    shisetsu: HoikuShisetsu,
    month: date,
    uketsuke_date: date,
    ninzu: int,
    gaku: int,
    actor: Actor,
) -> HoikuKyufuhiSeikyu:
    """Receive (or correct) the 請求 of ``shisetsu`` for ``month``."""
    first = month.replace(day=1)
    errors: list[tuple[str, str]] = []
    if not 0 <= ninzu <= MAX_NINZU:
        errors.append(("ninzu", f"児童数は0〜{MAX_NINZU:,}人で入力してください。"))
    if not 0 <= gaku <= MAX_GAKU:
        errors.append(("gaku", f"請求額は0〜{MAX_GAKU:,}円で入力してください。"))
    if ninzu == 0 and gaku > 0:
        errors.append(("gaku", "児童数が0人の請求に請求額は入力できません。"))
    if errors:
        raise KyufuhiRefused(errors)
    with transaction.atomic(durable=True):
        row = (
            HoikuKyufuhiSeikyu.objects.select_for_update()
            .filter(shisetsu=shisetsu, month=first)
            .first()
        )
        if row is not None and row.jotai == KyufuhiSeikyuJotai.ITCHI:
            raise KyufuhiRefused(
                [
                    (
                        "shisetsu",
                        f"{shisetsu.name}：この月の請求は審査済み（一致）で、変更できません。",
                    )
                ]
            )
        action = AccessAction.UPDATE if row is not None else AccessAction.CREATE
        if row is None:
            row = HoikuKyufuhiSeikyu(shisetsu=shisetsu, month=first)
        row.uketsuke_date = uketsuke_date
        row.seikyu_ninzu = ninzu
        row.seikyu_gaku = gaku
        row.jotai = KyufuhiSeikyuJotai.UKETSUKE
        row.shinsa_date = row.santei_ninzu = row.santei_gaku = row.sagaku = None
        row.created_by = actor.username
        row.save()
        access_record(
            action=action,
            actor=actor,
            gyomu=KODOMO_KOSODATE,
            screen=SCREEN,
            record_type=RECORD_TYPE,
            record_id=row.pk,
        )
    return row


@dataclass(frozen=True)
class MiSeikyu:
    """A 施設 with a 給付費 in the month and no 請求 received."""

    shisetsu: HoikuShisetsu
    ninzu: int
    gaku: int


@dataclass(frozen=True)
class ShinsaKekka:
    month: date
    judged: list[HoikuKyufuhiSeikyu]  # the 請求 judged by this run (施設番号 order)
    mi_seikyu: list[MiSeikyu]


def seikyu_shinsa(*, month: date, shinsa_date: date, actor: Actor) -> ShinsaKekka:
    """The 審査 of every 請求 of ``month`` not yet 一致 against the month's 算定."""
    first = month.replace(day=1)
    santei = {s.shisetsu.pk: s for s in kyufuhi_of_month(first, actor=actor)}
    with transaction.atomic(durable=True):
        rows = list(
            HoikuKyufuhiSeikyu.objects.select_for_update(of=("self",))
            .filter(month=first)
            .exclude(jotai=KyufuhiSeikyuJotai.ITCHI)
            .select_related("shisetsu")
            .order_by("shisetsu__code")
        )
        if not rows:
            raise KyufuhiRefused(
                [("month", "この月に審査する請求（未審査・差異あり）はありません。")]
            )
        early = [r.shisetsu.name for r in rows if shinsa_date < r.uketsuke_date]
        if early:
            raise KyufuhiRefused(
                [("shinsa_date", f"{name}：審査日が請求の受付日より前です。") for name in early]
            )
        for r in rows:
            s = santei.get(r.shisetsu_id)
            ninzu = len(s.lines) if s is not None else 0
            gaku = s.total if s is not None else 0
            r.shinsa_date = shinsa_date
            r.santei_ninzu = ninzu
            r.santei_gaku = gaku
            r.sagaku = r.seikyu_gaku - gaku
            r.jotai = (
                KyufuhiSeikyuJotai.ITCHI
                if (r.seikyu_ninzu, r.seikyu_gaku) == (ninzu, gaku)
                else KyufuhiSeikyuJotai.SAI
            )
            r.save(
                update_fields=[
                    "shinsa_date", "santei_ninzu", "santei_gaku", "sagaku", "jotai",
                ]
            )  # fmt: skip
        access_record(
            action=AccessAction.UPDATE,
            actor=actor,
            gyomu=KODOMO_KOSODATE,
            screen=SCREEN,
            record_type=RECORD_TYPE,
            record_count=len(rows),
            detail={"month": first.isoformat()},
        )
    received = set(
        HoikuKyufuhiSeikyu.objects.filter(month=first).values_list("shisetsu_id", flat=True)
    )
    mi = [
        MiSeikyu(s.shisetsu, len(s.lines), s.total)
        for s in santei.values()
        if s.total > 0 and s.shisetsu.pk not in received
    ]
    return ShinsaKekka(first, rows, sorted(mi, key=lambda m: m.shisetsu.code))
