"""医療券・調剤券・介護券 (医療扶助・介護扶助: 生活保護法第15条・第15条の2, 現物給付 by a
指定医療機関・指定介護機関, 法第34条・第34条の2) and the 指定機関 the clerk enters.

A 券 is for one 世帯員, one 暦月 (「医療券は暦月を単位として発行する」: 生活保護法による医療券等
の記載要領, 平成11年8月27日社援保第41号, https://www.mhlw.go.jp/web/t_doc?dataId=00ta8480)
and one 機関; the same case, person, month, 機関 and kind get one 券 unless the clerk marks
a 再発行 (with its reason): the unique constraint makes a second ordinary issue, or a bulk
run made twice, write nothing.

- 公費負担者番号: the town's 8-digit number (``fukushi.seiho.kohi_futansha_no``, 記載要領
  一(三)); refused until it is set.
- 受給者番号: 6 digits + a check digit (記載要領 一(四)); the 記載要領 says not to use a
  number fixed per person, so each 券 gets its own serial (its row id). The check digit is
  computed as the 保険者番号's (from the right ×2, ×1, digits summed, 10 − last digit):
  that the 記載要領 uses the same rule is 未確認.
- 本人支払額: the income the case has beyond its 最低生活費 (the decision in force on the
  first day of 保護 in the month: 収入認定額 − 最低生活費, when above 0) is paid by the
  person to the 機関 (医療扶助・介護扶助 cover the rest). It is put on the month's first 券
  of the case; the clerk may enter another figure (e.g. to split it between 医療 and 介護).
  A 再発行 carries the figure of the 券 it replaces.
  The source of this reading (医療扶助運営要領) was not read: 未確認.
- Bulk issue for a month: every 券 of the previous month is issued again for the month when
  its case still receives 保護 that month with the 扶助, the person is still a 世帯員 and no
  such 券 exists yet (継続の医療券), and — for a 医療券 — the 医療要否意見書 register does
  not stop it (``fukushi.services.seiho_iryo.yohi_allows``: past the months of the latest
  要否 決定 at that 機関, or after a 否, a 継続 意見書 is asked for first). New 機関 or
  persons are issued from the case screen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction

from fukushi.gyomu import SEIKATSU_HOGO
from fukushi.models import (
    Fujo,
    KenShubetsu,
    KikanShubetsu,
    SeihoCase,
    SeihoKen,
    SeihoKettei,
    SeihoKikan,
)
from fukushi.services.seiho import SeihoRefused, hogo_days
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.params.services import ParameterMissing, param_value
from tenants.wareki import fiscal_year_of

RECORD_TYPE = "fukushi.SeihoCase"
SCREEN = "fukushi.seiho_ken"
SCREEN_KIKAN = "fukushi.seiho_kikan"

#: the 機関 a 券 goes to, and the 扶助 the case must receive
KIKAN_OF = {
    KenShubetsu.IRYO: KikanShubetsu.IRYO,
    KenShubetsu.CHOZAI: KikanShubetsu.YAKKYOKU,
    KenShubetsu.KAIGO: KikanShubetsu.KAIGO,
}
FUJO_OF = {
    KenShubetsu.IRYO: Fujo.IRYO,
    KenShubetsu.CHOZAI: Fujo.IRYO,
    KenShubetsu.KAIGO: Fujo.KAIGO,
}
_CODE = re.compile(r"\d{10}")
_KOHI = re.compile(r"12\d{6}")


def check_digit(digits: str) -> str:
    """From the right: ×2, ×1, … ; the digits of each product summed; 10 − the last digit
    of the total (0 when it is 0). The 保険者番号's rule; for the 受給者番号 未確認."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        p = int(ch) * (2 if i % 2 == 0 else 1)
        total += p // 10 + p % 10
    return str((10 - total % 10) % 10)


def kohi_futansha_no(day: date) -> str:
    try:
        value = str(param_value("fukushi.seiho.kohi_futansha_no", fiscal_year_of(day)) or "")
    except ParameterMissing:
        value = ""
    if not _KOHI.fullmatch(value):
        raise SeihoRefused(
            "公費負担者番号（12で始まる8桁）が設定されていません。"
            "設定の「条例で定める値」で福祉事務所の番号を設定してください。"
        )
    return value


# --- 指定機関 ---------------------------------------------------------------------------------


def seiho_kikan_add(*, shubetsu: str, code: str, name: str, jusho: str, actor: Actor) -> SeihoKikan:
    if shubetsu not in KikanShubetsu.values:
        raise SeihoRefused("機関の種別を選んでください。")
    if not _CODE.fullmatch(code):
        raise SeihoRefused("医療機関コード・事業所番号は10桁の数字で入力してください。")
    if not name.strip():
        raise SeihoRefused("機関の名称を入力してください。")
    with transaction.atomic(durable=True):
        if SeihoKikan.objects.filter(shubetsu=shubetsu, code=code).exists():
            raise SeihoRefused("同じ種別・番号の機関がすでに登録されています。")
        k = SeihoKikan.objects.create(
            shubetsu=shubetsu, code=code, name=name.strip(), jusho=jusho.strip()
        )
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=SEIKATSU_HOGO,
            screen=SCREEN_KIKAN,
            record_type="fukushi.SeihoKikan",
            record_id=k.pk,
        )
        return k


# --- 券 ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Honnin:
    gaku: int
    konkyo: str


def honnin_shiharai_of(case: SeihoCase, month: date, ketteis: list[SeihoKettei]) -> Honnin:
    """The 本人支払額 the case's decision gives for ``month`` (see the module's words)."""
    days = hogo_days(ketteis, month)
    if not days:
        return Honnin(0, "")
    in_force = [k for k in ketteis if k.tekiyo_date <= days[0]]
    k = max(in_force, key=lambda x: (x.tekiyo_date, x.pk))
    over = k.shunyu_nintei - k.saitei_seikatsuhi
    if over <= 0:
        return Honnin(0, "")
    return Honnin(
        over,
        f"収入認定額 {k.shunyu_nintei:,}円 − 最低生活費 {k.saitei_seikatsuhi:,}円 ＝ {over:,}円",
    )


def _issue(
    *,
    case: SeihoCase,
    ketteis: list[SeihoKettei],
    atena_id: int,
    shubetsu: str,
    month: date,
    kikan: SeihoKikan,
    kofu_date: date,
    honnin_shiharai: int | None,
    saihakko: bool,
    saihakko_riyu: str,
    ikkatsu: bool,
    kohi: str,
    actor: Actor,
) -> SeihoKen:
    ken = KenShubetsu(shubetsu)
    if kikan.shubetsu != KIKAN_OF[ken]:
        raise SeihoRefused(f"{ken.label}は{KikanShubetsu(KIKAN_OF[ken]).label}あてに発行します。")
    if FUJO_OF[ken] not in case.fujo:
        raise SeihoRefused(f"このケースは{Fujo(FUJO_OF[ken]).label}を受けていません。")
    if not hogo_days(ketteis, month):
        raise SeihoRefused(f"{month.year}年{month.month}月にこのケースは保護を受けていません。")
    end = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    member = (
        case.members.filter(atena_id=atena_id, from_date__lte=end)
        .exclude(to_date__lte=month)
        .exists()
    )
    if not member:
        raise SeihoRefused("その月にこのケースの世帯員でない方です。")
    if saihakko and not saihakko_riyu.strip():
        raise SeihoRefused("再発行の理由を入力してください。")
    same = SeihoKen.objects.filter(
        case=case, atena_id=atena_id, month=month, kikan=kikan, shubetsu=shubetsu
    )
    if not saihakko and same.filter(saihakko=False).exists():
        raise SeihoRefused(
            "同じ月・同じ機関の券がすでに発行されています。もう一度出すときは再発行にしてください。"
        )
    if saihakko and not same.exists():
        raise SeihoRefused("再発行する元の券がありません。")
    if honnin_shiharai is None and saihakko:
        # a 再発行 carries the 本人支払額 of the 券 it replaces
        src = same.order_by("-pk").first()
        h = Honnin(src.honnin_shiharai, src.honnin_konkyo) if src else Honnin(0, "")
    elif honnin_shiharai is None:
        first = not SeihoKen.objects.filter(case=case, month=month).exists()
        h = honnin_shiharai_of(case, month, ketteis) if first else Honnin(0, "")
    else:
        if honnin_shiharai < 0:
            raise SeihoRefused("本人支払額に負の金額は入力できません。")
        h = Honnin(honnin_shiharai, "担当者の入力")
    try:
        with transaction.atomic():
            row = SeihoKen.objects.create(
                case=case,
                shubetsu=shubetsu,
                atena_id=atena_id,
                month=month,
                kikan=kikan,
                kohi_futansha_no=kohi,
                jukyusha_no="",
                honnin_shiharai=h.gaku,
                honnin_konkyo=h.konkyo,
                kofu_date=kofu_date,
                saihakko=saihakko,
                saihakko_riyu=saihakko_riyu.strip()[:200],
                ikkatsu=ikkatsu,
                actor=actor.username or actor.api_client or "system",
            )
    except IntegrityError as exc:  # a concurrent issue of the same 券
        raise SeihoRefused("同じ月・同じ機関の券がすでに発行されています。") from exc
    serial = f"{row.pk % 1_000_000:06d}"
    row.jukyusha_no = serial + check_digit(serial)
    row.save(update_fields=["jukyusha_no"])
    return row


def seiho_ken_issue(
    *,
    case_id: int,
    atena_id: int,
    shubetsu: str,
    month: date,
    kikan_id: int,
    kofu_date: date,
    actor: Actor,
    honnin_shiharai: int | None = None,
    saihakko: bool = False,
    saihakko_riyu: str = "",
) -> SeihoKen:
    """Issue one 券 from the case screen (all or nothing; Japanese ``SeihoRefused``)."""
    if shubetsu not in KenShubetsu.values:
        raise SeihoRefused("券の種類を選んでください。")
    if month.day != 1:
        raise SeihoRefused("発行する月を選んでください。")
    kohi = kohi_futansha_no(month)
    with transaction.atomic(durable=True):
        case = SeihoCase.objects.select_for_update().filter(pk=case_id).first()
        if case is None:
            raise SeihoCase.DoesNotExist
        kikan = SeihoKikan.objects.filter(pk=kikan_id).first()
        if kikan is None:
            raise SeihoRefused("指定機関を選んでください。")
        row = _issue(
            case=case,
            ketteis=list(case.ketteis.all()),
            atena_id=atena_id,
            shubetsu=shubetsu,
            month=month,
            kikan=kikan,
            kofu_date=kofu_date,
            honnin_shiharai=honnin_shiharai,
            saihakko=saihakko,
            saihakko_riyu=saihakko_riyu,
            ikkatsu=False,
            kohi=kohi,
            actor=actor,
        )
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=SEIKATSU_HOGO,
            screen=SCREEN,
            record_type=RECORD_TYPE,
            record_id=case.pk,
            detail={"ken_id": row.pk, "atena_ids": [atena_id], "saihakko": saihakko},
        )
        return row


@dataclass(frozen=True)
class IkkatsuResult:
    month: date
    issued: list[int]  # the new 券's ids
    skipped: int  # last month's 券 not carried over (保護・扶助・世帯員 ended) or already issued
    # of ``skipped``: 医療券 stopped by the 医療要否意見書 register (期間の終了・否)
    yohi_stopped: int = 0


def seiho_ken_ikkatsu(*, month: date, kofu_date: date, actor: Actor) -> IkkatsuResult:
    """Bulk issue for ``month``: last month's 券 carried over (see the module's words). Run
    again, it issues nothing twice."""
    if month.day != 1:
        raise SeihoRefused("発行する月を選んでください。")
    kohi = kohi_futansha_no(month)
    prev = (month - timedelta(days=1)).replace(day=1)
    from fukushi.services.seiho_iryo import yohi_allows  # it imports this module

    issued: list[int] = []
    skipped = 0
    yohi_stopped = 0
    with transaction.atomic(durable=True):
        last = (
            SeihoKen.objects.filter(month=prev)
            .values_list("case_id", "atena_id", "kikan_id", "shubetsu")
            .distinct()
            .order_by("case_id", "atena_id", "kikan_id", "shubetsu")
        )
        cases = {
            c.pk: c
            for c in SeihoCase.objects.filter(pk__in={r[0] for r in last}).prefetch_related(
                "ketteis"
            )
        }
        kikans = SeihoKikan.objects.in_bulk({r[2] for r in last})
        for case_id, atena_id, kikan_id, shubetsu in last:
            case = cases[case_id]
            # 医療要否意見書 (医療扶助運営要領): a 医療券 is not carried past the months the
            # person's latest 要否 決定 at the 機関 gives (nor after a 否)
            if (
                shubetsu == KenShubetsu.IRYO
                and yohi_allows(case_id, atena_id, kikan_id, month) is False
            ):
                skipped += 1
                yohi_stopped += 1
                continue
            if SeihoKen.objects.filter(
                case_id=case_id,
                atena_id=atena_id,
                month=month,
                kikan_id=kikan_id,
                shubetsu=shubetsu,
                saihakko=False,
            ).exists():
                skipped += 1
                continue
            try:
                with transaction.atomic():
                    row = _issue(
                        case=case,
                        ketteis=list(case.ketteis.all()),
                        atena_id=atena_id,
                        shubetsu=shubetsu,
                        month=month,
                        kikan=kikans[kikan_id],
                        kofu_date=kofu_date,
                        honnin_shiharai=None,
                        saihakko=False,
                        saihakko_riyu="",
                        ikkatsu=True,
                        kohi=kohi,
                        actor=actor,
                    )
            except SeihoRefused:
                skipped += 1
                continue
            issued.append(row.pk)
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=SEIKATSU_HOGO,
            screen=SCREEN,
            record_type="fukushi.SeihoKen",
            record_count=len(issued),
            detail={"month": month.isoformat(), "issued": len(issued), "skipped": skipped},
        )
    return IkkatsuResult(month=month, issued=issued, skipped=skipped, yohi_stopped=yohi_stopped)
