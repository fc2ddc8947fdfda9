"""納付書 (issue 18 item 5): one slip per 期別 with a balance, for any 税目 of the ledger,
with the コンビニ収納 barcode (GS1-128, zeimu.rules.conveni) when the town has a
コンビニ収納 contract (its 請求書発行企業コード is set) and the amount is within the
代行業者's limit (``zeimu.shuno.conveni.gendogaku``, 30万円).

The 期別's slips go on A4 pages three to a page (cut along the dotted lines), one
taxpayer's slips together, starting on a new page; the mass print (``NofushoJob``) and the
single print from the taxpayer's ledger page call :func:`nofusho_render` on the same data.
Each printed slip is written down (``NofushoHakko``): the 再発行区分 in the barcode is the
number of slips of the 期別 printed before (0–9, 9 after that), as the guideline's field
means it.

Not built: the 地方税統一QRコード (eL-QR). Its layout is set by 地方税共同機構's
「地方税統一QRコード仕様」, which could not be found here; a slip therefore carries no eL-QR and
no eL番号 (docs/standard/shuno.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from django.db.models import Count

from juminkiroku.public import AddressBlock, address_blocks
from tenants.params.services import ParameterMissing, param_value
from tenants.printing.engine import render
from tenants.wareki import fiscal_year_of, format_nendo, format_wareki
from zeimu.forms.notices import Issuer, Notice, postal, yen
from zeimu.models import Hojin, Kibetsu, NofushoHakko, Zeimoku
from zeimu.rules.conveni import BarcodeError, make, modules
from zeimu.services.shuno import balances

TEMPLATE = "zeimu/nofusho.typ"
FORM = "nofusho"
_K = "zeimu.shuno.conveni."
SLIPS_PER_PAGE = 3

#: a 税 is owed by its 納税者; a 保険料 (介護・後期高齢者医療) or the 保育所保育料 by its
#: 納付義務者 (the slip names the payer by the word that fits)
_NOFU_GIMUSHA = frozenset({Zeimoku.KAIGO, Zeimoku.KOKI, Zeimoku.HOIKURYO})

PRINT_DATA_HEADER = [
    "ファイル名",
    "開始頁",
    "頁数",
    "帳票",
    "宛名番号",
    "郵便番号",
    "住所",
    "方書",
    "宛名",
    "枚数",
    "納付番号（;区切り）",
    "納付額（;区切り）",
]


def _conveni_settings(on: date) -> tuple[str | None, int, int]:
    """(企業コード or None, 上限額, 使用期限の日数) of the town for ``on``'s 年度."""
    nendo = fiscal_year_of(on)
    try:
        code: str | None = str(param_value(_K + "kigyo_code", nendo))
    except ParameterMissing:
        code = None
    return (
        code,
        int(param_value(_K + "gendogaku", nendo)),
        int(param_value(_K + "shiyo_kigen_nissu", nendo)),
    )


def nofusho_candidates(
    *,
    on: date,
    zeimoku: str | None = None,
    nendo: int | None = None,
    ki: int | None = None,
    atena_id: int | None = None,
) -> list[int]:
    """Ids of the 期別 with a balance on ``on`` (narrowed by 税目, 年度, 期 or taxpayer),
    in 宛名 order. A corporation's 期別 (法人住民税・事業所税, kept by 法人番号) is left out:
    the corporations' mass print is its own job (:func:`hojin_nofusho_candidates`,
    ``zeimu.shuno_nofusho_jobs.HojinNofushoJob``), one 期別 from the corporation's ledger
    page (``zeimu.views.shuno_hojin.shuno_hojin_nofusho_pdf``)."""
    qs = Kibetsu.objects.filter(atena__isnull=False)
    if atena_id is not None:
        qs = qs.filter(atena_id=atena_id)
    if zeimoku:
        qs = qs.filter(zeimoku=zeimoku)
    if nendo:
        qs = qs.filter(nendo=nendo)
    if ki:
        qs = qs.filter(ki=ki)
    ids = list(qs.order_by("atena_id", "zeimoku", "nendo", "ki", "pk").values_list("pk", flat=True))
    bal = balances(ids, on=on)
    return [i for i in ids if bal[i].zan > 0]


#: the 税目 kept by 法人番号 (a corporation's 期別 have no 宛名)
HOJIN_ZEIMOKU = (Zeimoku.HOJINZEI, Zeimoku.JIGYOSHOZEI)


def hojin_nofusho_candidates(
    *,
    on: date,
    zeimoku: str | None = None,
    nendo: int | None = None,
    ki: int | None = None,
    nouki: date | None = None,
) -> list[int]:
    """Ids of the corporations' 期別 (kept by 法人番号, no 宛名) with a balance on ``on``,
    narrowed by 税目, 年度, 期 and 納期限, in 法人番号 order (a corporation's 期別
    together): the mass print of the corporations' 納付書."""
    qs = Kibetsu.objects.filter(atena__isnull=True).exclude(hojin_bango="")
    if zeimoku:
        qs = qs.filter(zeimoku=zeimoku)
    if nendo:
        qs = qs.filter(nendo=nendo)
    if ki:
        qs = qs.filter(ki=ki)
    if nouki:
        qs = qs.filter(nouki=nouki)
    ids = list(
        qs.order_by("hojin_bango", "zeimoku", "nendo", "ki", "pk").values_list("pk", flat=True)
    )
    bal = balances(ids, on=on)
    return [i for i in ids if bal[i].zan > 0]


def nofusho_issue(
    kibetsu_ids: Sequence[int], *, hakko_date: date, job_id: int | None, created_by: str
) -> list[NofushoHakko]:
    """Write one slip per 期別 of ``kibetsu_ids`` with a balance on ``hakko_date`` (for a
    job: those this job wrote before are answered again, not written twice), in order."""
    ids = list(kibetsu_ids)
    if job_id is not None:
        done = {
            h.kibetsu_id: h for h in NofushoHakko.objects.filter(job_id=job_id, kibetsu_id__in=ids)
        }
    else:
        done = {}
    todo = [i for i in ids if i not in done]
    bal = balances(todo, on=hakko_date)
    kibs = Kibetsu.objects.in_bulk(todo)
    before = dict(
        NofushoHakko.objects.filter(kibetsu_id__in=todo)
        .values("kibetsu_id")
        .annotate(n=Count("pk"))
        .values_list("kibetsu_id", "n")
    )
    code, gendogaku, nissu = _conveni_settings(hakko_date)
    rows: list[NofushoHakko] = []
    for i in todo:
        if i not in kibs or bal[i].zan <= 0:
            continue
        k, amount = kibs[i], bal[i].zan
        saihakko = min(9, before.get(i, 0))
        kigen = max(k.nouki, hakko_date) + timedelta(days=nissu)
        barcode, reason = "", ""
        if code is None:
            reason = "コンビニ収納の契約なし（請求書発行企業コード未設定）"
        elif amount > gendogaku:
            reason = f"納付額が{yen(gendogaku)}円を超えるためコンビニでは納付できません"
        else:
            try:
                barcode = make(
                    kigyo_code=code,
                    nofu_bango=k.nofu_bango,
                    saihakko=saihakko,
                    kigen=kigen,
                    amount=amount,
                ).data
            except BarcodeError as exc:
                reason = str(exc)[:100]
        rows.append(
            NofushoHakko(
                kibetsu_id=i,
                hakko_date=hakko_date,
                amount=amount,
                saihakko=saihakko,
                barcode=barcode,
                conveni_kigen=kigen if barcode else None,
                no_barcode_reason=reason,
                job_id=job_id,
                created_by=created_by,
            )
        )
    NofushoHakko.objects.bulk_create(rows)
    by_kib = {**done, **{r.kibetsu_id: r for r in rows}}
    out = [by_kib[i] for i in ids if i in by_kib]
    kib_of = Kibetsu.objects.in_bulk([h.kibetsu_id for h in out])
    for h in out:
        h.kibetsu = kib_of[h.kibetsu_id]
    return out


def _slip(h: NofushoHakko) -> dict[str, Any]:
    k = h.kibetsu
    slip: dict[str, Any] = {
        "zeimoku": k.get_zeimoku_display(),
        "payer": "納付義務者" if k.zeimoku in _NOFU_GIMUSHA else "納税者",
        "nendo_ki": f"{format_nendo(k.nendo)} {k.ki_label}",
        "nouki": format_wareki(k.nouki),
        "nofu_bango": k.nofu_bango,
        "amount": yen(h.amount),
        "hakko": format_wareki(h.hakko_date),
        "saihakko": "再発行" if h.saihakko else "",
        "bars": [],
        "human": "",
        "conveni_kigen": "",
        "no_barcode": h.no_barcode_reason,
    }
    if h.barcode:
        slip["bars"] = modules(h.barcode)
        d = h.barcode
        slip["human"] = f"(91){d[2:8]}-{d[8:29]}-{d[29]}-{d[30:36]}-{d[36]}-{d[37:43]}-{d[43]}"
        slip["conveni_kigen"] = format_wareki(h.conveni_kigen) if h.conveni_kigen else ""
    return slip


def _corporations(numbers: Iterable[str]) -> dict[str, AddressBlock]:
    """A corporation's block from the town's 法人 register (名称・本店所在地, by 法人番号);
    the 宛名番号 line carries its 法人番号 (a corporation has no 宛名)."""
    bango = set(numbers)
    corps = {h.hojin_bango: h for h in Hojin.objects.filter(hojin_bango__in=bango)}
    out: dict[str, AddressBlock] = {}
    for b in bango:
        h = corps.get(b)
        out[b] = AddressBlock(
            atena_id=0,
            atena_no=f"法人番号 {b}",
            postal_code=h.postal_code if h else "",
            jusho=h.shozaichi if h else "",
            katagaki="",
            shimei=h.meisho if h else f"法人番号 {b}",
        )
    return out


def nofusho_notices(rows: Iterable[NofushoHakko]) -> list[Notice]:
    """The 納付書 of ``rows`` (with their 期別 loaded), one Notice per taxpayer — a person
    by 宛名, a corporation (法人住民税・事業所税) by 法人番号 — in the order the taxpayers
    first appear; one query for the persons' addresses, one for the corporations'."""
    rows = list(rows)
    per: dict[tuple[int, str], list[NofushoHakko]] = defaultdict(list)
    for h in rows:
        per[h.kibetsu.atena_id or 0, h.kibetsu.hojin_bango].append(h)
    people = address_blocks(a for a, _ in per if a)
    corps = _corporations(b for a, b in per if not a)
    out = []
    for (atena_id, bango), slips in per.items():
        b = people[atena_id] if atena_id else corps[bango]
        item = {
            "postal": postal(b.postal_code),
            "address": b.jusho,
            "katagaki": b.katagaki,
            "name": b.shimei,
            "atena_no": b.atena_no,
            "slips": [_slip(h) for h in slips],
        }
        pages = -(-len(slips) // SLIPS_PER_PAGE)
        csv = [
            "納付書",
            b.atena_no,
            b.postal_code,
            b.jusho,
            b.katagaki,
            b.shimei,
            len(slips),
            ";".join(h.kibetsu.nofu_bango for h in slips),
            ";".join(str(h.amount) for h in slips),
        ]
        out.append(
            Notice(item=item, csv=csv, pages=pages, atena_ids=[atena_id] if atena_id else [])
        )
    return out


def nofusho_render(notices: Sequence[Notice], *, issuer: Issuer) -> bytes:
    """納付書 (three slips to an A4 page). Mass print and single print both call this."""
    return render(
        TEMPLATE,
        common={
            "title": "納付書",
            "issuer": issuer.title,
            "town": issuer.name,
            "note": (
                "金融機関・役場の窓口、またはバーコードのある納付書はコンビニエンスストアで"
                "納付できます（コンビニでは使用期限までの現金払いに限ります）。納期限を過ぎると"
                "延滞金が加算されることがあります。"
            ),
        },
        items=[n.item for n in notices],
    )
