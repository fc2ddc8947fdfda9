"""生活保護法第78条の2: a 徴収金 taken from the monthly 保護金品 on the 被保護者's 申出.

The law (as quoted at https://www.kmrysyk.com/entry/2018/10/01/180732): when a 被保護者, before
receiving the 保護金品 (金銭給付), asks that part of it go to a 徴収金 the town may collect
under 第77条の2第1項 or 第78条第1項, and the 実施機関 finds the household's living is not
impaired, the 徴収金 may be taken when the 保護金品 is handed over. 施行規則第22条の4 (text at
iuris.jp): the 申出 is a written 申出書 (name, address, the 徴収金 it goes to), and the amount is
decided so that the household can still keep the minimum standard of living.

Here:

- ``seiho_chosei_moshide``: the 申出 for one 徴収金 決定 chain (第77条の2 or 第78条 only: a
  第63条 返還金 alone is not a 徴収金 of 第78条の2), the monthly amount agreed, from a month
  whose payment run is not made yet. The amount must not exceed the town's monthly 上限
  (``fukushi.seiho.chosei_jogen``; the figure of the ministry's 通知 was not found: 未確認, the
  town sets it, and nothing is accepted until it does) nor reach the case's current monthly
  保護費.
- ``chosei_apply`` (from ``seiho_shikyu_make`` and from ``tsuikyu_make``, inside their
  transaction): for each 有効 申出 of the case, the amount (at most what is still owed, what
  the 申出 may still take in the month the money is handed over, and what is paid) is taken
  from the line or the 追給 and posted to the 収納 ledger as payments of the 徴収金's 期別,
  oldest 納期限 first (``zeimu.public.hogohi_choshu_post``), on the 振込指定日. Paid off → 完納.
- ``seiho_chosei_shuryo``: the 申出 withdrawn (取下げ, the household) or ended (終了, the
  実施機関), from a date, with the reason. Every change is a history row; every write an
  access-log row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from fukushi.gyomu import SEIKATSU_HOGO
from fukushi.models import (
    ChoseiStatus,
    HenkanHo,
    SeihoCase,
    SeihoChosei,
    SeihoChoseiRireki,
    SeihoHenkan,
    SeihoShikyu,
)
from fukushi.services.seiho import SeihoRefused
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.params.services import ParameterMissing, param_value
from tenants.params.settable import unset_message
from tenants.wareki import fiscal_year_of, format_wareki
from zeimu.public import ShunoRefused, hogohi_choshu_post, kibetsu_zan

RECORD_TYPE = "fukushi.SeihoCase"
SCREEN = "fukushi.seiho_chosei"
JOGEN_KEY = "fukushi.seiho.chosei_jogen"
#: the 徴収金 第78条の2 covers (第77条の2第1項・第78条第1項)
CHOSHUKIN = (HenkanHo.HENKAN_77, HenkanHo.CHOSHU_78)


@dataclass(frozen=True)
class Zan:
    """One unpaid 期 of a 徴収金 (its 納付番号 on the ledger and what is still owed)."""

    nofu_bango: str
    nouki: date
    zan: int


def _who(actor: Actor) -> str:
    return actor.username or actor.api_client or "system"


def _latest(root: SeihoHenkan) -> SeihoHenkan:
    """The chain's newest 決定 (a 変更 restates the 期別 under the same 納付番号)."""
    latest = SeihoHenkan.objects.filter(root_id=root.pk).order_by("-pk").first()
    return latest or root


def zan_of(root: SeihoHenkan) -> list[Zan]:
    """The 期 of the 徴収金 still owed, oldest 納期限 first (one ledger read)."""
    plan = _latest(root).bunkatsu
    bango = {str(b["nofu_bango"]) for b in plan}
    return [
        Zan(nofu_bango=z.nofu_bango, nouki=z.nouki, zan=z.zan)
        for z in kibetsu_zan(root.nofu_atena_id)
        if z.nofu_bango in bango and z.zan > 0
    ]


def chosei_jogen(month: date) -> int:
    """The town's monthly 上限 for ``month``'s fiscal year; Japanese refusal when unset."""
    try:
        return int(param_value(JOGEN_KEY, fiscal_year_of(month)))
    except ParameterMissing as exc:
        raise SeihoRefused(unset_message(JOGEN_KEY)) from exc


def _rireki(c: SeihoChosei, kind: str, on: date, naiyo: str, actor: Actor) -> None:
    SeihoChoseiRireki.objects.create(
        chosei=c, kind=kind, on=on, naiyo=naiyo[:300], created_by=_who(actor)
    )


def seiho_chosei_moshide(
    *,
    case_id: int,
    henkan_id: int,
    moshide_date: date,
    kaishi_month: date,
    getsugaku: int,
    actor: Actor,
) -> SeihoChosei:
    """Receive a 申出 (see the module); ``SeihoRefused`` (Japanese) writes nothing."""
    month = kaishi_month.replace(day=1)
    if getsugaku <= 0:
        raise SeihoRefused("毎月徴収する額を1円以上で入力してください。")
    if month < moshide_date.replace(day=1):
        raise SeihoRefused(
            "徴収を始める月が申出日より前です（保護金品の交付を受ける前の申出に限られます）。"
        )
    jogen = chosei_jogen(month)
    if getsugaku > jogen:
        raise SeihoRefused(
            f"毎月徴収する額が上限（月額{jogen:,}円）を超えています"
            "（徴収後も最低限度の生活を維持できる範囲に限られます）。"
        )
    with transaction.atomic(durable=True):
        case = SeihoCase.objects.select_for_update().filter(pk=case_id).first()
        if case is None:
            raise SeihoCase.DoesNotExist
        if case.haishi_date is not None and case.haishi_date <= month:
            raise SeihoRefused("保護が廃止されているため、保護費から徴収できません。")
        h = SeihoHenkan.objects.filter(pk=henkan_id, case=case).first()
        if h is None:
            raise SeihoRefused("徴収金の決定が見つかりません。")
        root: SeihoHenkan = h.root if h.root is not None else h
        if root.ho not in CHOSHUKIN:
            raise SeihoRefused(
                "保護費からの徴収（第78条の2）は第77条の2・第78条の徴収金に限られます"
                "（第63条の返還金は対象になりません）。"
            )
        if SeihoShikyu.objects.filter(month=month).exists():
            raise SeihoRefused(
                f"{format_wareki(month)}分の保護費はすでに支給を作成しています。翌月以降を指定してください。"
            )
        last = case.ketteis.order_by("-tekiyo_date", "-pk").first()
        if last is not None and getsugaku >= last.hogohi:
            raise SeihoRefused(f"毎月徴収する額が保護費の月額（{last.hogohi:,}円）以上です。")
        if SeihoChosei.objects.filter(henkan=root, status=ChoseiStatus.YUKO).exists():
            raise SeihoRefused(
                "この徴収金には有効な申出があります。取り下げてから受け付けてください。"
            )
        zan = sum(z.zan for z in zan_of(root))
        if zan <= 0:
            raise SeihoRefused("この徴収金は完納しています。")
        c = SeihoChosei.objects.create(
            case=case,
            henkan=root,
            moshide_date=moshide_date,
            kaishi_month=month,
            getsugaku=getsugaku,
            status=ChoseiStatus.YUKO,
            actor=_who(actor),
        )
        _rireki(
            c,
            "申出",
            moshide_date,
            f"{format_wareki(month)}分から毎月{getsugaku:,}円（未納 {zan:,}円）",
            actor,
        )
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=SEIKATSU_HOGO,
            screen=SCREEN,
            record_type=RECORD_TYPE,
            record_id=case.pk,
            detail={"chosei_id": c.pk, "henkan_id": root.pk, "kind": "moshide"},
        )
        return c


def seiho_chosei_shuryo(
    *, case_id: int, chosei_id: int, kind: str, on: date, riyu: str, actor: Actor
) -> SeihoChosei:
    """取下げ (``kind`` "torisage") or 終了 ("shuryo") of an 有効 申出 on ``on``: the payment
    runs made after it take nothing. ``SeihoRefused`` writes nothing."""
    if kind not in (ChoseiStatus.TORISAGE, ChoseiStatus.SHURYO):
        raise SeihoRefused("取下げか終了かを選んでください。")
    if not riyu.strip():
        raise SeihoRefused("理由を入力してください。")
    with transaction.atomic(durable=True):
        c = SeihoChosei.objects.select_for_update().filter(pk=chosei_id, case_id=case_id).first()
        if c is None:
            raise SeihoRefused("申出が見つかりません。")
        if c.status != ChoseiStatus.YUKO:
            raise SeihoRefused(f"この申出はすでに{c.get_status_display()}です。")
        if on < c.moshide_date:
            raise SeihoRefused("取下げ・終了日が申出日より前です。")
        c.status = kind
        c.shuryo_date = on
        c.shuryo_riyu = riyu.strip()[:200]
        c.save(update_fields=["status", "shuryo_date", "shuryo_riyu"])
        _rireki(c, ChoseiStatus(kind).label, on, c.shuryo_riyu, actor)
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=SEIKATSU_HOGO,
            screen=SCREEN,
            record_type=RECORD_TYPE,
            record_id=c.case_id,
            detail={"chosei_id": c.pk, "kind": kind},
        )
        return c


def chosei_apply(
    *,
    case_id: int,
    month: date,
    amount: int,
    shuno_date: date,
    actor: Actor,
    tsuikyu: bool = False,
) -> int:
    """Take the case's 有効 申出 from ``amount`` (the 保護費 of ``month`` the case is paid: the
    run's line, or a 追給 when ``tsuikyu``) and post each as payments to the ledger; returns
    the total taken. Runs inside the caller's transaction (a ledger refusal undoes it all).

    The 申出's monthly amount is a limit per calendar month in which 保護金品 are handed
    over (施行規則第22条の4第2項: the household must still live at the minimum standard): the
    run's line counts in its own month, a 追給 in the month of its 支給日, and what the same
    申出 already took in that month is deducted from the limit. A 追給 is taken only by a
    申出 made on or before its 支給日 (the 申出 comes before the 保護金品 are received) whose
    first month is not after that month. 未確認: the ministry's 通知 on counting a 追給
    against the monthly amount was not found; this reading is ours."""
    choshu_month = shuno_date.replace(day=1) if tsuikyu else month.replace(day=1)
    source = "追給" if tsuikyu else "保護費"
    taken = 0
    choseis = SeihoChosei.objects.filter(
        case_id=case_id, status=ChoseiStatus.YUKO, kaishi_month__lte=choshu_month
    ).select_related("henkan")
    if tsuikyu:
        choseis = choseis.filter(moshide_date__lte=shuno_date)
    for c in choseis.order_by("pk"):
        left = amount - taken
        if left <= 0:
            break
        already = sum(
            c.rireki.filter(kind="徴収", choshu_month=choshu_month).values_list("gaku", flat=True)
        )
        room = c.getsugaku - already
        if room <= 0:
            continue
        zans = zan_of(c.henkan)
        owed = sum(z.zan for z in zans)
        take = min(room, owed, left)
        rest = take
        for z in zans:
            if rest <= 0:
                break
            pay = min(rest, z.zan)
            try:
                hogohi_choshu_post(
                    nofu_bango=z.nofu_bango,
                    amount=pay,
                    shuno_date=shuno_date,
                    actor=actor,
                    note=f"{month:%Y%m}分{source}から徴収",
                )
            except ShunoRefused as exc:
                raise SeihoRefused(str(exc)) from exc
            rest -= pay
        if take > 0:
            SeihoChoseiRireki.objects.create(
                chosei=c,
                kind="徴収",
                on=shuno_date,
                naiyo=f"{format_wareki(month)}分の{source}から{take:,}円（残 {owed - take:,}円）",
                choshu_month=choshu_month,
                gaku=take,
                created_by=_who(actor),
            )
        taken += take
        if owed - take <= 0:
            c.status = ChoseiStatus.KANNO
            c.shuryo_date = shuno_date
            c.shuryo_riyu = "完納"
            c.save(update_fields=["status", "shuryo_date", "shuryo_riyu"])
            _rireki(c, "完納", shuno_date, "徴収金を完納しました", actor)
    return taken


def chosei_history(case: SeihoCase) -> list[SeihoChosei]:
    """The case's 申出, newest first, with their history rows."""
    return list(case.choseis.select_related("henkan").prefetch_related("rireki").order_by("-pk"))
