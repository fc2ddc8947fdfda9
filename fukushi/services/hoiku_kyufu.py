"""施設型給付費・地域型保育給付費 (子ども・子育て支援法第27条・第29条): per 施設 and month, for
each child enrolled in the month, the 公定価格 of the child's クラス年齢 and 保育必要量 (2号・3号)
or 教育標準時間 (1号) less the 利用者負担, and the 給付費 of the 施設 as the sum. It is paid
once its 請求 is judged 一致 (``hoiku_kyufu_seikyu``, ``hoiku_kyufu_shiharai``: the payment
recorded, the 全銀 file and the 支払通知書 made from it).

The 公定価格 is **entered data** (``HoikuKoteiKakaku``: what the town has for the 施設 from
the 内閣府's 基本分単価 and 加算), not computed from the 加算 tables here.

- 利用者負担: for a 2号・3号 child the 保育料 of that month already computed
  (``HoikuryoGetsugaku``, prorated by the town's own 日割 rule when it has one); a child who
  entered during the month in a town whose 保育料 has no 日割 owes nothing that month (the
  fee starts the next month). For a 1号 child (満3歳以上, 教育) 0: the 無償化 of 令和元年10月
  (子ども・子育て支援法第30条の4・施行令第4条; fukushi/params/hoiku.yaml
  ``fukushi.hoiku.mushoka_sai``); a 1号 month before 2019-10 is refused (not built).
- 月の途中の入所・退所: the 公定価格 is prorated by the 開所日 enrolled, at most
  ``fukushi.hoiku.kyufuhi.hiwari_bunbo`` (25) and divided by it, 1円未満切捨て. The 内閣府's
  own rule for the 日割 of the 公定価格 was not read here: the divisor and the rounding are
  our choice, taken from the towns' 保育料 rules (未確認; see fukushi/params/hoiku.yaml).

"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Q

from fukushi.gyomu import KODOMO_KOSODATE
from fukushi.models import (
    Hitsuyoryo,
    HoikuKoteiKakaku,
    HoikuNyusho,
    HoikuryoGetsugaku,
    HoikuShisetsu,
    HoikuShisetsuKoza,
    NinteiKubun,
)
from fukushi.rules.hoiku import class_age
from fukushi.rules.hoiku_hiwari import HiwariHoho, enrolled_days, is_kaishobi
from fukushi.services.hoiku_ryo import hiwari_params
from juminkiroku.public import person_identities
from tenants import zengin
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.holidays import is_holiday, is_nenmatsu_nenshi
from tenants.params.services import param_value
from tenants.wareki import fiscal_year_of

__all__ = [
    "KyufuhiRefused",
    "ShisetsuKyufu",
    "kotei_kakaku_set",
    "kyufuhi_of_month",
    "shisetsu_koza_set",
]

SCREEN = "fukushi.hoiku_kyufuhi"


class KyufuhiRefused(Exception):
    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(m for _, m in errors))
        self.errors = errors


MUSHOKA_FROM = date(2019, 10, 1)  # 幼児教育・保育の無償化 (令和元年10月)


def _kaishobi(d: date) -> bool:
    return is_kaishobi(d, is_holiday=is_holiday, is_nenmatsu=is_nenmatsu_nenshi)


@dataclass(frozen=True)
class KyufuLine:
    atena_id: int
    class_age: int
    hitsuyoryo: str  # 保育標準時間 / 保育短時間 / 教育標準時間（1号）
    kotei: int  # the 公定価格 of the month (after the 日割)
    futan: int
    kyufu: int
    kotei_getsugaku: int = 0  # the 公定価格 (月額) before the 日割
    nissu: int | None = None  # 開所日 enrolled (counted up to ``bunbo``) when prorated
    bunbo: int | None = None


@dataclass
class ShisetsuKyufu:
    shisetsu: HoikuShisetsu
    lines: list[KyufuLine] = field(default_factory=list)
    tochu: int = 0  # children entering or leaving during the month (their lines prorated)

    @property
    def total(self) -> int:
        return sum(ln.kyufu for ln in self.lines)


def kotei_kakaku_set(
    *, shisetsu: HoikuShisetsu, nendo: int, class_age: int, hyojun: int, tanjikan: int,
    actor: Actor, kyoiku: int | None = None,
) -> HoikuKoteiKakaku:  # fmt: skip
    """Enter (or correct) the 公定価格 of a 施設 for a 年度 and クラス年齢 (``kyoiku``: that of
    a 1号 child, 教育標準時間, for a クラス of 2 (満3歳) and over)."""
    errors: list[tuple[str, str]] = []
    if not 0 <= class_age <= 5:
        errors.append(("class_age", "クラス年齢は0〜5歳で入力してください。"))
    if hyojun < 1 or tanjikan < 1 or (kyoiku is not None and kyoiku < 1):
        errors.append(("hyojun", "公定価格は1円以上で入力してください。"))
    if kyoiku is not None and class_age < 2:
        errors.append(("kyoiku", "1号（教育標準時間）の公定価格は2歳児（満3歳）クラス以上です。"))
    if errors:
        raise KyufuhiRefused(errors)
    with transaction.atomic(durable=True):
        row, _ = HoikuKoteiKakaku.objects.update_or_create(
            shisetsu=shisetsu, nendo=nendo, class_age=class_age,
            defaults={"hyojun": hyojun, "tanjikan": tanjikan, "kyoiku": kyoiku,
                      "created_by": actor.username},
        )  # fmt: skip
        access_record(
            action=AccessAction.UPDATE, actor=actor, gyomu=KODOMO_KOSODATE, screen=SCREEN,
            record_type="fukushi.HoikuKoteiKakaku", record_id=row.pk,
        )  # fmt: skip
    return row


def shisetsu_koza_set(
    *, shisetsu: HoikuShisetsu, account: zengin.Account, actor: Actor
) -> HoikuShisetsuKoza:
    errors = zengin.account_errors(account)
    if errors:
        raise KyufuhiRefused(errors)
    with transaction.atomic(durable=True):
        row, _ = HoikuShisetsuKoza.objects.update_or_create(
            shisetsu=shisetsu,
            defaults={
                "kinyu_kikan": account.kinyu_kikan, "shiten": account.shiten,
                "yokin_shumoku": account.yokin_shumoku, "koza_bango": account.koza_bango,
                "meigi_kana": account.meigi_kana, "created_by": actor.username,
            },
        )  # fmt: skip
        access_record(
            action=AccessAction.UPDATE, actor=actor, gyomu=KODOMO_KOSODATE, screen=SCREEN,
            record_type="fukushi.HoikuShisetsuKoza", record_id=row.pk,
        )  # fmt: skip
    return row


def kyufuhi_of_month(month: date, *, actor: Actor) -> list[ShisetsuKyufu]:
    """The 給付費 of ``month`` per 施設 (by 施設番号), each child's line by 宛名 id; refused
    with the 施設 and クラス named when a 公定価格 or a child's 保育料 is missing. Logged as
    one read of the children listed."""
    first = month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    nendo = fiscal_year_of(first)
    enrolled = list(
        HoikuNyusho.objects.filter(start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .select_related("shisetsu", "nintei")
        .order_by("shisetsu__code", "atena_id")
    )
    people = person_identities({n.atena_id for n in enrolled})
    prices = {(p.shisetsu_id, p.class_age): p for p in HoikuKoteiKakaku.objects.filter(nendo=nendo)}
    fees = dict(HoikuryoGetsugaku.objects.filter(month=first).values_list("atena_id", "amount"))
    bunbo = int(param_value("fukushi.hoiku.kyufuhi.hiwari_bunbo", nendo))
    fee_hiwari = hiwari_params(nendo).hoho != HiwariHoho.NASHI
    out: dict[int, ShisetsuKyufu] = {}
    errors: list[tuple[str, str]] = []
    for n in enrolled:
        s = out.setdefault(n.shisetsu_id, ShisetsuKyufu(n.shisetsu))
        tochu = n.start_date > first or (n.end_date is not None and n.end_date < last)
        person = people.get(n.atena_id)
        if person is None:
            errors.append(("", f"{n.shisetsu.name}：子どもの生年月日を住民記録から読めません。"))
            continue
        age = class_age(person.birth_date, nendo)
        price = prices.get((n.shisetsu_id, age))
        ichigo = n.nintei.kubun == NinteiKubun.ICHI
        if price is None or (ichigo and price.kyoiku is None):
            kind = "1号（教育標準時間）の" if ichigo else ""
            errors.append(
                ("", f"{n.shisetsu.name}：{age}歳児クラスの{kind}公定価格が登録されていません。")
            )
            continue
        if ichigo:
            if first < MUSHOKA_FROM:
                errors.append(
                    (
                        "",
                        f"{n.shisetsu.name}：無償化（令和元年10月）前の1号の利用者負担は計算しません。",
                    )
                )
                continue
            label, getsugaku, futan = "教育標準時間（1号）", int(price.kyoiku or 0), 0
        else:
            entered = n.start_date > first
            if n.atena_id in fees:
                futan = int(fees[n.atena_id])
            elif entered and not fee_hiwari:
                futan = 0  # no 日割 of the fee: it starts the month after the entry
            else:
                errors.append(
                    (
                        "",
                        f"{n.shisetsu.name}：{age}歳児クラスの子どもの保育料が計算されていません。",
                    )
                )
                continue
            hyojun = n.nintei.hitsuyoryo != Hitsuyoryo.TANJIKAN
            label = "保育標準時間" if hyojun else "保育短時間"
            getsugaku = price.hyojun if hyojun else price.tanjikan
        nissu: int | None = None
        kotei = getsugaku
        if tochu:
            s.tochu += 1
            days = enrolled_days(first, [(n.start_date, n.end_date)])
            nissu = min(sum(1 for d in days if _kaishobi(d)), bunbo)
            kotei = getsugaku * nissu // bunbo
        s.lines.append(
            KyufuLine(n.atena_id, age, label, kotei, futan, max(0, kotei - futan),
                      kotei_getsugaku=getsugaku, nissu=nissu,
                      bunbo=bunbo if nissu is not None else None)
        )  # fmt: skip
    if errors:
        raise KyufuhiRefused(list(dict.fromkeys(errors)))
    access_record(
        action=AccessAction.READ, actor=actor, gyomu=KODOMO_KOSODATE, screen=SCREEN,
        record_type="atena", record_count=len(enrolled),
        detail={"atena_ids": [n.atena_id for n in enrolled]},
    )  # fmt: skip
    return list(out.values())
