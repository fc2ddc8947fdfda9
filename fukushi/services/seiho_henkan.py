"""生活保護の返還金 (法第63条)・徴収金 (法第78条): the 決定 with its history and 分割納付
plan, and its 調定 on the 収納 ledger (zeimu's public face), in one durable transaction.

The ledger: one 期別 per 期 of the plan, owed by the case's 世帯主 (the 決定通知書's 宛先),
under the 税目 ``Zeimoku.SEIHO_HENKAN`` (第63条) or ``SEIHO_CHOSHU`` (第78条). The key names
the chain's first 決定, the 期 and its 納期限, so a 変更 states each 期's new amount and the
ledger writes only the difference (増額・減額更正); a 期 the new plan drops, or whose
納期限 moved, is brought to 0. The 年度 of every 期 is the fiscal year of the first 決定
(調定 at the 決定 for the whole plan; how a town books 期 falling in later years is 未確認).

Three kinds (as ameblo.jp/capybara321 lists them): 第63条 alone (e.g. an over-payment by
the office's own error: 非強制徴収公債権), 第63条 collected under 第77条の2 (the household had
means in an 急迫 case; 国税徴収の例, for 保護費 paid from 平成30年10月1日), 第78条 (不正受給;
国税徴収の例, 第78条第4項: https://tf-law.jp/column/column-766/). Each has its own 税目.

How the ledger treats them (zeimu): all get a 督促 after the 納期限 like every 期別
(第63条: 地方自治法第231条の3第1項, a 歳入 of the town; 第77条の2・第78条: 国税徴収の例);
none bears 延滞金 (``zeimu.services.shuno.
ENTAIKIN_NASHI``: a 延滞金 needs a 条例 under 地方自治法第231条の3第2項, 未確認 which towns
have one). 第63条 is a 非強制徴収公債権: a 滞納処分 (差押) of it must go through the courts;
the ledger's 滞納処分 screens do not yet refuse it (not built: listed in the report).
第78条の2 (a 徴収金 taken from the 保護費 on the household's 申出): fukushi.services.seiho_chosei.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from fukushi.gyomu import SEIKATSU_HOGO
from fukushi.models import HenkanHo, HenkanKind, SeihoCase, SeihoHenkan
from fukushi.rules.seiho_henkan import HO_77_FROM, HenkanInvalid, bunkatsu, henkan_gaku
from fukushi.services.seiho import SeihoRefused
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.params.services import param_value
from tenants.wareki import fiscal_year_of
from zeimu.public import ChoteiItem, ShunoRefused, Zeimoku, chotei_post_many

RECORD_TYPE = "fukushi.SeihoCase"
SCREEN = "fukushi.seiho_henkan"

ZEIMOKU = {
    HenkanHo.HENKAN_63: Zeimoku.SEIHO_HENKAN,
    HenkanHo.HENKAN_77: Zeimoku.SEIHO_HENKAN77,
    HenkanHo.CHOSHU_78: Zeimoku.SEIHO_CHOSHU,
}
REASON = {
    HenkanHo.HENKAN_63: "生活保護法第63条による返還金",
    HenkanHo.HENKAN_77: "生活保護法第63条・第77条の2による徴収金",
    HenkanHo.CHOSHU_78: "生活保護法第78条第1項による徴収金",
}


@dataclass(frozen=True)
class HenkanInput:
    ho: str
    kettei_date: date
    kikan_from: date
    kikan_to: date
    hogo_kingaku: int  # 対象期間に受けた保護費
    kojo: int  # 第63条の控除
    choshu_gaku: int  # 第78条の徴収する額 (加算を除く)
    kasan_ritsu: int  # 第78条の加算 (%)
    riyu: str
    kaisu: int  # 分割の回数
    first_nouki: date  # 第1期の納期限


def kasan_jogen(day: date) -> int:
    """The 上限 (%) of the 第78条 加算 for a 決定 on ``day`` (law parameter)."""
    return int(param_value("fukushi.seiho.choshu_kasan_jogen", fiscal_year_of(day)))


def _key(zeimoku: str, root_id: int, ki: int, nouki: date) -> str:
    return f"{zeimoku}:{root_id}:{ki}:{nouki:%Y%m%d}"


def seiho_henkan_kettei(
    *, case_id: int, data: HenkanInput, actor: Actor, henko_of: int | None = None
) -> SeihoHenkan:
    """決定 (or, with ``henko_of``, 変更 of the latest 決定 of a chain) of a 返還金・徴収金:
    the row, the 調定 of its plan on the 収納 ledger and the access-log row, all or nothing.
    Raises ``SeihoRefused`` (Japanese) when the input or the ledger refuses."""
    if data.ho not in HenkanHo.values:
        raise SeihoRefused("根拠（第63条・第78条）を選んでください。")
    if not data.riyu.strip():
        raise SeihoRefused("理由を入力してください。")
    if data.kikan_from > data.kikan_to:
        raise SeihoRefused("対象期間の始期が終期より後になっています。")
    if data.kikan_from > data.kettei_date:
        raise SeihoRefused("決定日が対象期間より前になっています。")
    if data.ho == HenkanHo.HENKAN_77 and data.kikan_from < HO_77_FROM:
        raise SeihoRefused(
            "第77条の2による徴収は平成30年10月1日以後に支給した保護費に限られます"
            "（それより前の分は第63条の返還金として決定してください）。"
        )
    if data.first_nouki < data.kettei_date:
        raise SeihoRefused("第1期の納期限が決定日より前になっています。")
    try:
        gaku = henkan_gaku(
            ho=data.ho,
            hogo_kingaku=data.hogo_kingaku,
            kojo=data.kojo,
            choshu_gaku=data.choshu_gaku,
            kasan_ritsu=data.kasan_ritsu,
            jogen=kasan_jogen(data.kettei_date) if data.ho == HenkanHo.CHOSHU_78 else 0,
        )
        plan = bunkatsu(amount=gaku.amount, kaisu=data.kaisu, first_nouki=data.first_nouki)
    except HenkanInvalid as exc:
        raise SeihoRefused(str(exc)) from exc
    with transaction.atomic(durable=True):
        case = SeihoCase.objects.select_for_update().filter(pk=case_id).first()
        if case is None:
            raise SeihoCase.DoesNotExist
        if data.kikan_from < case.kaishi_date:
            raise SeihoRefused("対象期間が保護開始日より前になっています。")
        prev: SeihoHenkan | None = None
        if henko_of is not None:
            prev = SeihoHenkan.objects.filter(pk=henko_of, case=case).first()
            if prev is None:
                raise SeihoRefused("変更する決定が見つかりません。")
            root_id = prev.root_id or prev.pk
            latest = SeihoHenkan.objects.filter(root_id=root_id).order_by("-pk").first()
            if latest is not None and latest.pk != prev.pk:
                raise SeihoRefused(
                    "この決定はすでに変更されています。最新の決定を変更してください。"
                )
            if prev.ho != data.ho:
                raise SeihoRefused("変更で根拠（第63条・第78条）は変えられません。")
            if data.kettei_date < prev.kettei_date:
                raise SeihoRefused("決定日が前の決定の決定日より前です。")
        h = SeihoHenkan.objects.create(
            case=case,
            ho=data.ho,
            kind=HenkanKind.HENKO if prev else HenkanKind.KETTEI,
            root=None,
            kettei_date=data.kettei_date,
            kikan_from=data.kikan_from,
            kikan_to=data.kikan_to,
            hogo_kingaku=data.hogo_kingaku,
            kojo=data.kojo,
            kasan_ritsu=data.kasan_ritsu if data.ho == HenkanHo.CHOSHU_78 else 0,
            kasan=gaku.kasan,
            honkin=gaku.honkin,
            amount=gaku.amount,
            riyu=data.riyu.strip()[:200],
            nofu_atena_id=case.nushi_atena_id,
            actor=actor.username or actor.api_client or "system",
        )
        root: SeihoHenkan = h
        if prev is not None:
            root = prev.root if prev.root is not None else prev
        h.root = root
        zeimoku = ZEIMOKU[HenkanHo(data.ho)]
        nendo = fiscal_year_of(root.kettei_date)
        items: list[ChoteiItem] = []
        keys: set[str] = set()
        for k in plan:
            key = _key(zeimoku.value, root.pk, k.ki, k.nouki)
            keys.add(key)
            items.append(
                ChoteiItem(
                    zeimoku=zeimoku.value,
                    key=key,
                    atena_id=root.nofu_atena_id,
                    nendo=nendo,
                    ki=k.ki,
                    ki_label=f"第{k.ki}期",
                    nouki=k.nouki,
                    amount=k.amount,
                    ref=f"{key}:{h.pk}:{k.amount}",
                    on=data.kettei_date,
                    reason=REASON[HenkanHo(data.ho)],
                )
            )
        for old in prev.bunkatsu if prev else []:
            key = _key(zeimoku.value, root.pk, int(old["ki"]), date.fromisoformat(old["nouki"]))
            if key not in keys:
                items.append(
                    ChoteiItem(
                        zeimoku=zeimoku.value,
                        key=key,
                        atena_id=root.nofu_atena_id,
                        nendo=nendo,
                        ki=int(old["ki"]),
                        ki_label=f"第{old['ki']}期",
                        nouki=date.fromisoformat(old["nouki"]),
                        amount=0,
                        ref=f"{key}:{h.pk}:0",
                        on=data.kettei_date,
                        reason=REASON[HenkanHo(data.ho)] + "（変更）",
                    )
                )
        try:
            posted = chotei_post_many(items, actor=actor)
        except ShunoRefused as exc:
            raise SeihoRefused(str(exc)) from exc
        h.bunkatsu = [
            {
                "ki": k.ki,
                "nouki": k.nouki.isoformat(),
                "amount": k.amount,
                "nofu_bango": p.nofu_bango,
            }
            for k, p in zip(plan, posted, strict=False)
        ]
        h.save(update_fields=["root", "bunkatsu"])
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=SEIKATSU_HOGO,
            screen=SCREEN,
            record_type=RECORD_TYPE,
            record_id=case.pk,
            detail={"henkan_id": h.pk, "ho": data.ho, "kind": h.kind, "ki": len(plan)},
        )
        return h


def henkan_history(case: SeihoCase) -> list[SeihoHenkan]:
    """The case's 返還金・徴収金 決定, newest first (every 決定 and 変更: never edited)."""
    return list(case.henkans.order_by("-kettei_date", "-pk"))
