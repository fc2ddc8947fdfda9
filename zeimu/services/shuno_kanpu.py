"""還付 (issue 18 item 3): a 期別's 過誤納 is first 充当 to the same taxpayer's debts
(地方税法第17条の2: ``zeimu.services.shuno.juto_apply``, oldest 納期限 first), and what is
left is paid back with its 還付加算金 (第17条の4; ``zeimu.rules.shuno_kanpu``).

``kanpu_decide`` does both in one transaction and writes: the 充当 entries, a ``Shuno`` of
kind 還付 (− the amount) on the 期別 — which brings it back to zero, so the ledger still
balances to the yen — and the ``Kanpu`` decision with the 加算金 and how it was counted.
``kanpu_notices`` / ``kanpu_render`` print the 還付通知書 on the shared print path.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Q, Sum

from juminkiroku.public import AddressBlock, address_blocks
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.params.services import param_value
from tenants.printing.engine import render
from tenants.wareki import format_nendo, format_wareki
from zeimu.forms.notices import Issuer, Notice, postal, yen
from zeimu.gyomu import SHUNO_KANRI
from zeimu.models import (
    Chotei,
    Hojin,
    JutoKasan,
    JutoTsuchi,
    Kanpu,
    KanpuJiyu,
    Kibetsu,
    Nofu,
    ShiharaiHoho,
    Shuno,
    ShunoKind,
)
from zeimu.rules.shuno_kanpu import (
    Part,
    juto_tekijo,
    kagono_hassei,
    kasankin_calculate,
    split_parts,
)
from zeimu.rules.shuno_koza import SHUMOKU, Account, account_errors
from zeimu.services.shuno import Juto, ShunoRefused, balances, juto_apply

TEMPLATE = "zeimu/shuno_kanpu_tsuchi.typ"


@dataclass(frozen=True)
class KanpuOutcome:
    juto: list[Juto]
    kanpu: Kanpu | None  # None: 充当 took the whole 過誤納


def kagono_kibetsu(*, on: date | None = None) -> list[tuple[Kibetsu, int]]:
    """Every 期別 of a person (宛名) with a 過誤納 (balance below zero), oldest 納期限 first,
    with the amount. A corporation's 期別 (法人番号) is not refunded here yet: 充当 and
    還付 go by 宛名 (not built for corporations)."""
    f = Q() if on is None else Q(on__lte=on)
    chotei = Kibetsu.objects.annotate(
        c=Sum("chotei__amount", filter=f if on is None else Q(chotei__on__lte=on))
    ).values_list("pk", "c")
    paid = dict(
        Shuno.objects.filter(f)
        .values("kibetsu_id")
        .annotate(s=Sum("amount"))
        .values_list("kibetsu_id", "s")
    )
    over = {pk: int(paid[pk]) - int(c or 0) for pk, c in chotei if pk in paid}
    over = {pk: v for pk, v in over.items() if v > 0}
    kibs = Kibetsu.objects.filter(pk__in=over, atena__isnull=False).order_by(
        "nouki", "atena_id", "pk"
    )
    return [(k, over[k.pk]) for k in kibs]


def kanpu_decide(
    *,
    kibetsu_id: int,
    kettei_date: date,
    shiharai_hoho: str,
    shiharai_date: date,
    jiyu: str,
    actor: Actor,
    jiyu_date: date | None = None,
    seikyu_date: date | None = None,
    account: Account | None = None,
) -> KanpuOutcome:
    """充当 then 還付 of the 過誤納 of one 期別, decided on ``kettei_date`` (the 支出決定日:
    the last day bearing 還付加算金)."""
    if shiharai_hoho not in ShiharaiHoho.values:
        raise ShunoRefused("支払方法が正しくありません。")
    if shiharai_date < kettei_date:
        raise ShunoRefused("支払日は還付決定日以後の日を指定してください。")
    if shiharai_hoho == ShiharaiHoho.KOZA:
        if account is None:
            raise ShunoRefused("口座振込には振込先の口座を指定してください。")
        errors = account_errors(account)
        if errors:
            raise ShunoRefused(errors[0][1])
    out, _ = _decide(
        kibetsu_id=kibetsu_id, kettei_date=kettei_date, shiharai_hoho=shiharai_hoho,
        shiharai_date=shiharai_date, jiyu=jiyu, actor=actor, jiyu_date=jiyu_date,
        seikyu_date=seikyu_date, account=account, with_kanpu=True,
    )  # fmt: skip
    return out


def juto_decide(
    *,
    kibetsu_id: int,
    juto_date: date,
    jiyu: str,
    actor: Actor,
    jiyu_date: date | None = None,
    seikyu_date: date | None = None,
) -> JutoTsuchi:
    """充当 only (the 充当 screen): the 過誤納 of one 期別 goes to the same taxpayer's debts,
    本税 first and then their 延滞金 (地方税法第17条の2第1項・第3項), on ``juto_date``; what is
    left stays 過誤納 (for a later 還付). The 還付加算金 of each part 充当 (第17条の4, to its
    充当適状日) is recorded to be paid. Writes the decision the 充当通知書 (第5項) prints."""
    _, tsuchi = _decide(
        kibetsu_id=kibetsu_id, kettei_date=juto_date, shiharai_hoho="", shiharai_date=juto_date,
        jiyu=jiyu, actor=actor, jiyu_date=jiyu_date, seikyu_date=seikyu_date, account=None,
        with_kanpu=False,
    )  # fmt: skip
    assert tsuchi is not None
    return tsuchi


def _decide(
    *,
    kibetsu_id: int,
    kettei_date: date,
    shiharai_hoho: str,
    shiharai_date: date,
    jiyu: str,
    actor: Actor,
    jiyu_date: date | None,
    seikyu_date: date | None,
    account: Account | None,
    with_kanpu: bool,
) -> tuple[KanpuOutcome, JutoTsuchi | None]:
    if jiyu not in KanpuJiyu.values:
        raise ShunoRefused("過誤納の事由が正しくありません。")
    who = actor.username or actor.api_client or "system"
    with transaction.atomic():
        kib = Kibetsu.objects.select_for_update().filter(pk=kibetsu_id).first()
        if kib is None:
            raise ShunoRefused("この期別はありません。")
        # the taxpayer: a person, or a corporation by its 法人番号 (法人住民税・事業所税)
        atena_id, hojin_bango = kib.atena_id, kib.hojin_bango
        # the day the 過誤納 arose, from the entries before this decision's 充当
        changes = [
            (d, int(a))
            for d, a in Chotei.objects.filter(kibetsu=kib, on__lte=kettei_date).values_list(
                "on", "amount"
            )
        ] + [
            (d, -int(a))
            for d, a in Shuno.objects.filter(kibetsu=kib, on__lte=kettei_date).values_list(
                "on", "amount"
            )
        ]
        hassei = kagono_hassei(changes, on=kettei_date)
        moved = juto_apply(
            atena_id=atena_id,
            hojin_bango=hojin_bango,
            on=kettei_date,
            actor=actor,
            from_kibetsu_id=kib.pk,
            entaikin=True,
        )
        over = -balances([kib.pk], on=kettei_date)[kib.pk].zan
        if not with_kanpu and not moved:
            raise ShunoRefused("充当できる過誤納金か、充当先の未納（同じ納税義務者）がありません。")
        if over <= 0 and not moved:
            raise ShunoRefused("この期別に還付する過誤納金はありません。")
        nokori = max(over, 0)
        if not with_kanpu:
            over = 0  # what is left stays 過誤納: no 還付 part
        payments = list(
            Shuno.objects.filter(
                kibetsu=kib,
                # money received: a payment, a 充当 in, a 換価・配当
                kind__in=[ShunoKind.NOFU, ShunoKind.JUTO_IN, ShunoKind.SHOBUN],
                on__lte=kettei_date,
            ).values_list("on", "amount")
        )
        nouki = dict(
            Kibetsu.objects.filter(pk__in=[m.to_kibetsu_id for m in moved]).values_list(
                "pk", "nouki"
            )
        )
        try:
            kanpu_parts_, *juto_parts = split_parts(
                [(d, int(a)) for d, a in payments],
                [max(over, 0)] + [m.amount for m in moved],
                jiyu=jiyu,
                jiyu_date=jiyu_date,
                seikyu_date=seikyu_date,
            )
            result = kasankin_calculate(
                parts=kanpu_parts_, kettei_date=kettei_date, lookup=param_value
            )
            juto_kasan = []
            for m, parts_m in zip(moved, juto_parts, strict=True):
                assert hassei is not None  # moved: the 期別 was overpaid on the day
                due = nouki[m.to_kibetsu_id]
                tekijo = max(hassei, due)
                end = juto_tekijo(hassei=hassei, nouki=due, juto_date=kettei_date)
                r = kasankin_calculate(parts=parts_m, kettei_date=end, lookup=param_value)
                juto_kasan.append((m, parts_m, tekijo, r.kasankin))
        except ValueError as exc:
            raise ShunoRefused(str(exc)) from exc
        kanpu = None
        if over > 0:
            kanpu = _kanpu_write(
                kib=kib, atena_id=atena_id, hojin_bango=hojin_bango, over=over,
                kettei_date=kettei_date,
                shiharai_hoho=shiharai_hoho, shiharai_date=shiharai_date, jiyu=jiyu,
                jiyu_date=jiyu_date, seikyu_date=seikyu_date, account=account, parts=kanpu_parts_,
                kasankin=result.kasankin, who=who,
            )  # fmt: skip
        tsuchi = None
        if not with_kanpu:
            tsuchi = JutoTsuchi.objects.create(
                atena_id=atena_id, hojin_bango=hojin_bango, from_kibetsu=kib,
                juto_date=kettei_date, jiyu=jiyu,
                amount=sum(m.amount for m in moved if not m.entaikin),
                entaikin=sum(m.amount for m in moved if m.entaikin),
                kasankin=sum(k for *_, k in juto_kasan), nokori=nokori, created_by=who,
            )  # fmt: skip
        for m, parts_m, tekijo, kasankin in juto_kasan:
            assert hassei is not None  # a 充当 was made: the 期別 was overpaid
            JutoKasan.objects.create(
                tsuchi=tsuchi,
                juto_id=m.out_id,
                from_kibetsu_id=m.from_kibetsu_id,
                to_kibetsu_id=m.to_kibetsu_id,
                atena_id=atena_id,
                hojin_bango=hojin_bango,
                kanpu=kanpu,
                juto_date=kettei_date,
                hassei_date=hassei,
                tekijo_date=tekijo,
                amount=m.amount,
                jiyu=jiyu,
                kasan_detail=[
                    {"kisanbi": p.kisanbi.isoformat(), "amount": p.amount} for p in parts_m
                ],
                kasankin=kasankin,
                created_by=who,
            )
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=SHUNO_KANRI,
            screen="還付の決定" if with_kanpu else "過誤納金の充当",
            record_type=(
                "zeimu.Kanpu" if kanpu else "zeimu.JutoTsuchi" if tsuchi else "zeimu.Kibetsu"
            ),
            record_id=kanpu.pk if kanpu else tsuchi.pk if tsuchi else kib.pk,
            detail={
                "kibetsu_id": kib.pk,
                "atena_id": kib.atena_id,
                "juto": len(moved),
                "juto_kasankin": sum(k for *_, k in juto_kasan),
            },
        )
    return KanpuOutcome(moved, kanpu), tsuchi


def _kanpu_write(
    *,
    kib: Kibetsu,
    atena_id: int | None,
    hojin_bango: str,
    over: int,
    kettei_date: date,
    shiharai_hoho: str,
    shiharai_date: date,
    jiyu: str,
    jiyu_date: date | None,
    seikyu_date: date | None,
    account: Account | None,
    parts: list[Part],
    kasankin: int,
    who: str,
) -> Kanpu:
    entry = Shuno.objects.create(
        kibetsu=kib, kind=ShunoKind.KANPU, amount=-over, on=kettei_date, created_by=who
    )
    a = account if shiharai_hoho == ShiharaiHoho.KOZA else None
    kanpu = Kanpu.objects.create(
        kibetsu=kib,
        atena_id=atena_id,
        hojin_bango=hojin_bango,
        shuno=entry,
        kettei_date=kettei_date,
        shiharai_hoho=shiharai_hoho,
        shiharai_date=shiharai_date,
        amount=over,
        kasankin=kasankin,
        jiyu=jiyu,
        jiyu_date=jiyu_date,
        seikyu_date=seikyu_date,
        kasan_detail=[{"kisanbi": p.kisanbi.isoformat(), "amount": p.amount} for p in parts],
        kinyu_kikan=a.kinyu_kikan if a else "",
        shiten=a.shiten if a else "",
        yokin_shumoku=a.yokin_shumoku if a else "",
        koza_bango=a.koza_bango if a else "",
        meigi_kana=a.meigi_kana if a else "",
        created_by=who,
    )
    return kanpu


def kanpu_parts(kanpu: Kanpu) -> list[Part]:
    return [Part(date.fromisoformat(p["kisanbi"]), int(p["amount"])) for p in kanpu.kasan_detail]


def kanpu_bango(k: Kanpu) -> str:
    return f"K{k.kettei_date.year}-{k.pk:08d}"


def _payees(rows: Sequence[Kanpu | JutoTsuchi]) -> dict[tuple[int | None, str], AddressBlock]:
    """The address block of each row's taxpayer: a person's from the resident register (one
    query), a corporation's from the 法人 register of this town (名称・本店所在地, by 法人番号)."""
    people = address_blocks(r.atena_id for r in rows if r.atena_id is not None)
    bango = {r.hojin_bango for r in rows if r.atena_id is None}
    corps = {h.hojin_bango: h for h in Hojin.objects.filter(hojin_bango__in=bango)}
    out: dict[tuple[int | None, str], AddressBlock] = {}
    for r in rows:
        if r.atena_id is not None:
            out[r.atena_id, r.hojin_bango] = people[r.atena_id]
            continue
        h = corps.get(r.hojin_bango)
        out[None, r.hojin_bango] = AddressBlock(
            atena_id=0,
            atena_no="",
            postal_code=h.postal_code if h else "",
            jusho=h.shozaichi if h else "",
            katagaki="",
            shimei=h.meisho if h else f"法人番号 {r.hojin_bango}",
        )
    return out


def _ids(atena_id: int | None) -> list[int]:
    """The persons a notice names (for the access log): none for a corporation."""
    return [] if atena_id is None else [atena_id]


def kanpu_notices(rows: Iterable[Kanpu]) -> list[Notice]:
    """The 還付通知書 of ``rows`` (期別 loaded); one query for the addresses."""
    rows = list(rows)
    blocks = _payees(rows)
    juto: dict[int, list[JutoKasan]] = {}
    for j in JutoKasan.objects.filter(kanpu__in=rows).order_by("pk"):
        juto.setdefault(j.kanpu_id or 0, []).append(j)
    out: list[Notice] = []
    for k in rows:
        kib = k.kibetsu
        jk = juto.get(k.pk, [])
        juto_kasankin = sum(j.kasankin for j in jk)
        b = blocks[k.atena_id, k.hojin_bango]
        first = min((p.kisanbi for p in kanpu_parts(k)), default=None)
        if k.shiharai_hoho == ShiharaiHoho.KOZA:
            how = (
                f"口座振込（金融機関 {k.kinyu_kikan}・支店 {k.shiten}・"
                f"{SHUMOKU.get(k.yokin_shumoku, '')}・口座番号 {k.koza_bango[:3]}****）"
            )
        else:
            how = "窓口でお支払いします（本通知書と本人確認書類をお持ちください）"
        item = {
            "postal": postal(b.postal_code),
            "address": b.jusho,
            "katagaki": b.katagaki,
            "name": b.shimei,
            "atena_no": b.atena_no,
            "bango": kanpu_bango(k),
            "hakko": format_wareki(k.kettei_date),
            "rows": [
                ["税目", kib.get_zeimoku_display()],
                ["年度・期別", f"{format_nendo(kib.nendo)} {kib.ki_label}"],
                ["過誤納の事由", k.get_jiyu_display()],
                ["還付金", yen(k.amount) + "円"],
                [
                    "還付加算金",
                    yen(k.kasankin) + "円"
                    + (f"（{format_wareki(first)}から{format_wareki(k.kettei_date)}まで）"
                       if first and k.kasankin else ""),
                ],
                *([
                    ["充当した額", yen(sum(j.amount for j in jk)) + "円"
                     + f"（{len(jk)}件、未納の税額へ）"],
                    ["充当分の還付加算金", yen(juto_kasankin) + "円（充当適状日まで）"],
                ] if jk else []),
                ["還付額の合計", yen(k.amount + k.kasankin + juto_kasankin) + "円"],
                ["支払方法", how],
                ["支払日", format_wareki(k.shiharai_date)],
            ],
        }  # fmt: skip
        csv = [
            "還付通知書",
            kanpu_bango(k),
            b.atena_no,
            k.amount,
            k.kasankin + juto_kasankin,
            k.kettei_date.isoformat(),
            k.shiharai_date.isoformat(),
        ]
        out.append(Notice(item=item, csv=csv, atena_ids=_ids(k.atena_id)))
    return out


def kanpu_render(notices: Sequence[Notice], *, issuer: Issuer) -> bytes:
    """還付通知書 (one A4 page each)."""
    return render(
        TEMPLATE,
        common={
            "title": "過誤納金還付通知書",
            "issuer": issuer.title,
            "lead": (
                "あなたが納付された税額に過誤納がありましたので、地方税法第17条の規定により"
                "下記のとおり還付します（未納の税額には地方税法第17条の2の規定により充当しました）。"
            ),
            "note": (
                "還付加算金は地方税法第17条の4の規定により計算しました（過誤納金の1,000円未満の端数"
                "及び加算金の100円未満の端数は切り捨て、加算金が1,000円未満のときは加算されません）。"
            ),
            "contact": f"お問い合わせ　{issuer.name}役場 税務担当（収納）",
        },
        items=[n.item for n in notices],
    )


# --- 充当通知書 (地方税法第17条の2第5項) ------------------------------------------------------


def juto_bango(t: JutoTsuchi) -> str:
    return f"J{t.juto_date.year}-{t.pk:08d}"


def juto_notices(rows: Iterable[JutoTsuchi]) -> list[Notice]:
    """The 充当通知書 of ``rows`` (過誤納の期別 loaded); two queries for the moves and one for
    the addresses."""
    rows = list(rows)
    blocks = _payees(rows)
    moves: dict[int, list[JutoKasan]] = {}
    for j in JutoKasan.objects.filter(tsuchi__in=rows).select_related("to_kibetsu").order_by("pk"):
        moves.setdefault(j.tsuchi_id or 0, []).append(j)
    out: list[Notice] = []
    for t in rows:
        kib = t.from_kibetsu
        b = blocks[t.atena_id, t.hojin_bango]
        lines = [
            [
                "充当先",
                f"{j.to_kibetsu.get_zeimoku_display()} {format_nendo(j.to_kibetsu.nendo)} "
                f"{j.to_kibetsu.ki_label}（納期限 {format_wareki(j.to_kibetsu.nouki)}）"
                f" {yen(j.amount)}円",
            ]
            for j in moves.get(t.pk, [])
        ]
        item = {
            "postal": postal(b.postal_code),
            "address": b.jusho,
            "katagaki": b.katagaki,
            "name": b.shimei,
            "atena_no": b.atena_no,
            "bango": juto_bango(t),
            "hakko": format_wareki(t.juto_date),
            "rows": [
                ["過誤納の税目", kib.get_zeimoku_display()],
                ["年度・期別", f"{format_nendo(kib.nendo)} {kib.ki_label}"],
                ["過誤納の事由", t.get_jiyu_display()],
                ["充当日", format_wareki(t.juto_date)],
                *lines,
                ["充当額（本税）", yen(t.amount) + "円"],
                ["充当額（延滞金）", yen(t.entaikin) + "円"],
                ["充当分の還付加算金", yen(t.kasankin) + "円（後日お支払いします）"],
                ["残りの過誤納額", yen(t.nokori) + "円"],
            ],
        }
        csv = [
            "充当通知書",
            juto_bango(t),
            b.atena_no,
            t.amount,
            t.entaikin,
            t.kasankin,
            t.juto_date.isoformat(),
        ]
        out.append(Notice(item=item, csv=csv, atena_ids=_ids(t.atena_id)))
    return out


def juto_render(notices: Sequence[Notice], *, issuer: Issuer) -> bytes:
    """充当通知書 (one A4 page each), on the shared print path."""
    return render(
        TEMPLATE,
        common={
            "title": "過誤納金充当通知書",
            "issuer": issuer.title,
            "lead": (
                "あなたが納付された税額に過誤納がありましたので、地方税法第17条の2の規定により、"
                "下記のとおり未納の徴収金に充当しました（延滞金のある場合は本税に先に充当して"
                "います）。"
            ),
            "note": (
                "充当は、充当に適することとなった日にさかのぼって効力を生じます（地方税法第17条の2"
                "第4項）。残りの過誤納額があるときは、別に還付します。"
            ),
            "contact": f"お問い合わせ　{issuer.name}役場 税務担当（収納）",
        },
        items=[n.item for n in notices],
    )


# --- 領収証書 (窓口) ----------------------------------------------------------------------------


def ryoshu_notices(nofu: Nofu) -> list[Notice]:
    """The 領収証書 of one 窓口 receipt (matched to its 期別)."""
    kib = nofu.kibetsu
    if kib is None:
        raise ShunoRefused("期別に消し込まれていない納付の領収証書は発行できません。")
    if kib.atena_id is None:
        # a corporation's 期別 (法人住民税・事業所税): the ledger knows it by its 法人番号
        # only (it names no business module), so the receipt names it so
        name, atena_no, atena_ids = f"法人番号 {kib.hojin_bango}", "", []
    else:
        b = address_blocks([kib.atena_id])[kib.atena_id]
        name, atena_no, atena_ids = b.shimei, b.atena_no, [kib.atena_id]
    item = {
        "postal": "",
        "address": "",
        "katagaki": "",
        "name": name,
        "atena_no": atena_no,
        "bango": f"R{nofu.shuno_date.year}-{nofu.pk:08d}",
        "hakko": format_wareki(nofu.shuno_date),
        "rows": [
            ["税目", kib.get_zeimoku_display()],
            ["年度・期別", f"{format_nendo(kib.nendo)} {kib.ki_label}"],
            ["納期限", format_wareki(kib.nouki)],
            ["納付番号", kib.nofu_bango],
            ["領収金額", yen(nofu.amount) + "円"],
            ["領収日", format_wareki(nofu.shuno_date)],
        ],
    }
    return [Notice(item=item, csv=[], atena_ids=atena_ids)]


def ryoshu_render(notices: Sequence[Notice], *, issuer: Issuer) -> bytes:
    return render(
        TEMPLATE,
        common={
            "title": "領収証書",
            "issuer": issuer.title,
            "lead": "下記の金額を領収しました。",
            "note": "この領収証書は大切に保管してください。",
            "contact": f"{issuer.name}役場 税務担当（収納）",
        },
        items=[n.item for n in notices],
    )
