"""就労自立給付金 (生活保護法第55条の4) and the 徴収金 taken from it (第78条の2第2項).

- ``shuro_kyufukin_kettei``: the 支給決定 for a case the 実施機関 ended (保護廃止 by a clerk's
  decision, not a death or a 転出) because the household no longer needs 保護 through work.
  The clerk enters the 収入充当額 of each month of the 算定 period (the month 保護 was last
  needed and the months before it); each is checked against the 収入認定額 of the decision in
  force then (it cannot be more, and a month without 保護 has none). The household's kind
  (単身・複数) is the number of members on the last day of 保護. The amount is the rule's
  (``fukushi.rules.seiho_shuro``, values ``fukushi.seiho.shuro_kyufukin``). One per case.
  With it, the household's 申出 (第78条の2第2項: before receiving the 給付金, to have part of it
  go to a 徴収金 of 第77条の2第1項 or 第78条第1項) and the amount, at most the 給付金 and what
  is still owed; a 第63条 返還金 is not such a 徴収金.
- ``shuro_kyufukin_shiharai``: the payment on a day: the 徴収金 is posted to the 収納 ledger
  as payments of its 期別, oldest 納期限 first (``zeimu.public.hogohi_choshu_post``, the same
  path as the 保護費's), at most what is owed that day; the rest is what is paid out.
- ``shuro_furikomi_file``: the 全銀協 総合振込 file of a paid 給付金 (one line, the case's account).

Every write leaves an access-log row; ``SeihoRefused`` (Japanese) writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from django.db import transaction

from fukushi.gyomu import SEIKATSU_HOGO
from fukushi.models import (
    CaseStatus,
    KetteiCause,
    KetteiKind,
    SeihoCase,
    SeihoHenkan,
    SeihoShuroKyufukin,
    ShuroStatus,
)
from fukushi.models.seiho_shuro import KyufukinChosei
from fukushi.rules.seiho_shuro import (
    Juto,
    ShuroKyufukinInvalid,
    ShuroSantei,
    santei_of,
    shuro_kyufukin,
)
from fukushi.services.seiho import SeihoRefused, furikomi_irainin, members_on
from fukushi.services.seiho_chosei import CHOSHUKIN, zan_of
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.params.services import ParameterMissing, param_value
from tenants.wareki import fiscal_year_of, format_nendo, format_wareki
from tenants.zengin import Account, FurikomiLine, account_errors, sogo_furikomi_file
from zeimu.public import ShunoRefused, hogohi_choshu_post

RECORD_TYPE = "fukushi.SeihoCase"
SCREEN = "fukushi.seiho_shuro"
KEY = "fukushi.seiho.shuro_kyufukin"


def _who(actor: Actor) -> str:
    return actor.username or actor.api_client or "system"


def wareki_month(d: date) -> str:
    """ "令和8年7月": a month in 和暦."""
    w = format_wareki(d)
    return w[: w.rindex("月") + 1]


def last_month_of(case: SeihoCase) -> date:
    """The 1st of the month in which 保護 was last needed (the day before the 廃止日)."""
    if case.haishi_date is None:
        raise SeihoRefused(
            "保護が廃止されていません（就労自立給付金は保護の廃止の際に支給します）。"
        )
    return (case.haishi_date - timedelta(days=1)).replace(day=1)


def santei_for(month: date) -> ShuroSantei:
    """The values in force for ``month``; a Japanese refusal when the year has none."""
    fy = fiscal_year_of(month)
    try:
        value = param_value(KEY, fy)
    except ParameterMissing as exc:
        raise SeihoRefused(
            f"{format_nendo(fy)}の就労自立給付金の算定の値が登録されていません"
            "（平成30年9月以前の算定は持っていません）。"
        ) from exc
    try:
        return santei_of(value, month)
    except ShuroKyufukinInvalid as exc:
        raise SeihoRefused(str(exc)) from exc


def juto_months(case: SeihoCase) -> list[date]:
    """The months of the 算定 period, oldest first."""
    last = last_month_of(case)
    n = santei_for(last).santei_tsukisu
    out = []
    for i in range(n - 1, -1, -1):
        y, m = divmod(last.year * 12 + last.month - 1 - i, 12)
        out.append(date(y, m + 1, 1))
    return out


def _check_juto(case: SeihoCase, juto: Sequence[Juto]) -> None:
    assert case.haishi_date is not None
    last_day = case.haishi_date - timedelta(days=1)
    for j in juto:
        nxt = (j.month + timedelta(days=32)).replace(day=1)
        day = min(nxt - timedelta(days=1), last_day)
        k = (
            case.ketteis.filter(tekiyo_date__lte=day)
            .exclude(kind=KetteiKind.HAISHI)
            .order_by("-tekiyo_date", "-pk")
            .first()
        )
        label = wareki_month(j.month)
        if k is None or k.kind == KetteiKind.TEISHI or day < case.kaishi_date:
            if j.gaku:
                raise SeihoRefused(f"{label}は保護を受けていない月です（収入充当額はありません）。")
            continue
        if j.gaku > k.shunyu_nintei:
            raise SeihoRefused(
                f"{label}の収入充当額が、その月の決定の収入認定額（{k.shunyu_nintei:,}円）を"
                "超えています。"
            )


def shuro_kyufukin_kettei(
    *,
    case_id: int,
    kettei_date: date,
    shuro_jiyu: str,
    juto: Sequence[Juto],
    actor: Actor,
    chosei_henkan_id: int | None = None,
    chosei_moshide_date: date | None = None,
    chosei: int = 0,
) -> SeihoShuroKyufukin:
    """The 支給決定 (see the module). ``SeihoCase.DoesNotExist`` when no such case."""
    jiyu = shuro_jiyu.strip()
    if not jiyu:
        raise SeihoRefused("保護を必要としなくなった事由（就職先・就労の状況）を入力してください。")
    if chosei < 0:
        raise SeihoRefused("給付金から徴収する額は0円以上で入力してください。")
    with transaction.atomic(durable=True):
        case = SeihoCase.objects.select_for_update().filter(pk=case_id).first()
        if case is None:
            raise SeihoCase.DoesNotExist
        if case.status != CaseStatus.HAISHI:
            raise SeihoRefused(
                "保護が廃止されていません（就労自立給付金は保護の廃止の際に支給します）。"
            )
        haishi = case.ketteis.filter(kind=KetteiKind.HAISHI).order_by("-pk").first()
        if haishi is None or haishi.cause != KetteiCause.SHOKUIN:
            raise SeihoRefused(
                "死亡・転出による廃止には支給しません（就労により保護を必要としなくなった場合に限ります）。"
            )
        if kettei_date < haishi.kettei_date:
            raise SeihoRefused("決定日が保護廃止の決定日より前です。")
        if SeihoShuroKyufukin.objects.filter(case=case).exists():
            raise SeihoRefused("このケースにはすでに就労自立給付金の決定があります。")
        last = last_month_of(case)
        santei = santei_for(last)
        assert case.haishi_date is not None
        tanshin = len(members_on(case, case.haishi_date - timedelta(days=1))) == 1
        try:
            r = shuro_kyufukin(juto=juto, last_month=last, tanshin=tanshin, santei=santei)
        except ShuroKyufukinInvalid as exc:
            raise SeihoRefused(str(exc)) from exc
        _check_juto(case, juto)
        root: SeihoHenkan | None = None
        if chosei_henkan_id is not None or chosei:
            root = chosei_check(case, chosei_henkan_id, chosei, chosei_moshide_date, r.amount)
        k = SeihoShuroKyufukin.objects.create(
            case=case,
            kettei_date=kettei_date,
            shuro_jiyu=jiyu[:200],
            tanshin=tanshin,
            juto=[{"month": j.month.isoformat(), "gaku": j.gaku} for j in juto],
            gokei=r.gokei,
            santei_ritsu=santei.santei_ritsu,
            santei=r.santei,
            amount=r.amount,
            uchiwake=r.uchiwake[:300],
            chosei_henkan=root,
            chosei_moshide_date=chosei_moshide_date if root is not None else None,
            chosei=chosei if root is not None else 0,
            status=ShuroStatus.KETTEI,
            actor=_who(actor),
        )
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=SEIKATSU_HOGO,
            screen=SCREEN,
            record_type=RECORD_TYPE,
            record_id=case.pk,
            detail={"shuro_kyufukin_id": k.pk, "kind": "kettei"},
        )
        return k


def chosei_check(
    case: SeihoCase, henkan_id: int | None, chosei: int, moshide: date | None, amount: int
) -> SeihoHenkan:
    """The 第78条の2第2項 申出 of a 給付金 of ``amount``: the 徴収金's first 決定 (Japanese
    refusals: not this case's, a 第63条 返還金, no 申出日, more than the 給付金 or what is owed)."""
    h = (
        SeihoHenkan.objects.filter(pk=henkan_id, case=case).first()
        if henkan_id is not None
        else None
    )
    if h is None:
        raise SeihoRefused("徴収金の決定が見つかりません。")
    root: SeihoHenkan = h.root if h.root is not None else h
    if root.ho not in CHOSHUKIN:
        raise SeihoRefused(
            "給付金からの徴収（第78条の2第2項）は第77条の2・第78条の徴収金に限られます"
            "（第63条の返還金は対象になりません）。"
        )
    if moshide is None:
        raise SeihoRefused("徴収の申出日を入力してください（給付金の支給を受ける前の申出）。")
    if chosei <= 0:
        raise SeihoRefused("給付金から徴収する額を1円以上で入力してください。")
    if chosei > amount:
        raise SeihoRefused(f"給付金から徴収する額が給付金の額（{amount:,}円）を超えています。")
    owed = sum(z.zan for z in zan_of(root))
    if chosei > owed:
        raise SeihoRefused(f"給付金から徴収する額が徴収金の未納額（{owed:,}円）を超えています。")
    return root


def chosei_post(root: SeihoHenkan, chosei: int, on: date, actor: Actor, *, note: str) -> int:
    """Post ``chosei`` (at most what is owed on ``on``) to the 徴収金's 期別, oldest 納期限
    first; returns what was taken."""
    zans = zan_of(root)
    take = min(chosei, sum(z.zan for z in zans))
    rest = take
    for z in zans:
        if rest <= 0:
            break
        pay = min(rest, z.zan)
        try:
            hogohi_choshu_post(
                nofu_bango=z.nofu_bango, amount=pay, shuno_date=on, actor=actor, note=note
            )
        except ShunoRefused as exc:
            raise SeihoRefused(str(exc)) from exc
        rest -= pay
    return take


def kyufukin_pay(k: KyufukinChosei, shiharai_date: date, actor: Actor, *, note: str) -> None:
    """Pay a decided 給付金 (就労自立・進学準備) on ``shiharai_date``, the 徴収金 taken first.

    The caller holds the row's lock; the 徴収 is posted to the ledger with ``note``.
    """
    if k.status != ShuroStatus.KETTEI:
        paid = format_wareki(k.shiharai_date or k.kettei_date)
        raise SeihoRefused(f"この給付金はすでに支払済です（{paid}）。")
    if shiharai_date < k.kettei_date:
        raise SeihoRefused("支払日が決定日より前です。")
    if k.chosei and k.chosei_henkan is not None:
        # what was owed on the day may be less than agreed (paid meanwhile): take only that
        k.chosei = chosei_post(k.chosei_henkan, k.chosei, shiharai_date, actor, note=note)
    k.status = ShuroStatus.SHIHARAI
    k.shiharai_date = shiharai_date
    k.save(update_fields=["chosei", "status", "shiharai_date"])


def shuro_kyufukin_shiharai(
    *, case_id: int, shiharai_date: date, actor: Actor
) -> SeihoShuroKyufukin:
    """Pay the case's 給付金 on ``shiharai_date``, taking the 徴収金 first (see the module)."""
    with transaction.atomic(durable=True):
        k = SeihoShuroKyufukin.objects.select_for_update().filter(case_id=case_id).first()
        if k is None:
            raise SeihoRefused("就労自立給付金の決定がありません。")
        kyufukin_pay(k, shiharai_date, actor, note="就労自立給付金から徴収")
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=SEIKATSU_HOGO,
            screen=SCREEN,
            record_type=RECORD_TYPE,
            record_id=case_id,
            detail={"shuro_kyufukin_id": k.pk, "kind": "shiharai"},
        )
        return k


def shuro_furikomi_file(k: SeihoShuroKyufukin) -> bytes:
    """The 全銀協 総合振込 file of a paid 給付金: one line to the case's account."""
    if k.status != ShuroStatus.SHIHARAI or k.shiharai_date is None:
        raise SeihoRefused("支払の前の給付金には振込ファイルを作れません。")
    if k.shikyu_gaku <= 0:
        raise SeihoRefused("徴収の後に振り込む額がありません。")
    case = k.case
    account = Account(
        case.kinyu_kikan, case.shiten, case.yokin_shumoku, case.koza_bango, case.meigi_kana
    )
    if account_errors(account):
        raise SeihoRefused("ケースに振込先の口座がありません（窓口での支給になります）。")
    return sogo_furikomi_file(
        irainin=furikomi_irainin(k.shiharai_date),
        torikumi=k.shiharai_date,
        lines=[FurikomiLine(account=account, amount=k.shikyu_gaku, customer1=case.case_no)],
    )
