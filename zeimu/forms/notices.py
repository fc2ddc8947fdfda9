"""納税通知書（普通徴収）and 特別徴収税額決定通知書（特別徴収義務者用）: the data of each
notice, formatted for print, and the one rendering call per form.

The mass print (zeimu.printjobs) and the single reprint (zeimu.views.notices) both go
through :func:`futsu_render` / :func:`tokucho_render`, so a reprint is the page the print
house printed. Amounts get 3-digit commas and dates 和暦 here (tenants.wareki), once; the
templates only place text. Each builder also returns the row of the print-data CSV for
the 印刷・封入 contractor (:data:`PRINT_DATA_HEADER`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Q, QuerySet

from juminkiroku.public import AddressBlock, PersonIdentity, address_blocks, person_identities
from tenants.printing.engine import render
from tenants.wareki import format_nendo, format_wareki
from zeimu.models import Fuka

# found through zeimu/module.py (form_templates) by tenants.printing.engine
FUTSU_TEMPLATE = "zeimu/futsu_notice.typ"
TOKUCHO_TEMPLATE = "zeimu/tokucho_notice.typ"
#: rows of employees on one page of the 決定通知書 (A4 landscape, 7.5 pt): fixed, so the
#: page numbers on the paper and in the print-data CSV are counted the same way
TOKUCHO_ROWS_PER_PAGE = 30
#: 6月分〜翌年5月分 (地方税法第321条の5第1項)
TOKUCHO_MONTHS = [f"{(5 + i) % 12 + 1}月分" for i in range(12)]

KOJO_LABELS = [
    ("shakai_hokenryo", "社会保険料控除"),
    ("shokibo_kyosai", "小規模企業共済等掛金控除"),
    ("seimei_hoken", "生命保険料控除"),
    ("jishin_hoken", "地震保険料控除"),
    ("iryohi", "医療費控除"),
    ("shogaisha", "障害者控除"),
    ("kafu_hitorioya", "寡婦・ひとり親控除"),
    ("kinro_gakusei", "勤労学生控除"),
    ("haigusha", "配偶者控除"),
    ("haigusha_tokubetsu", "配偶者特別控除"),
    ("fuyo", "扶養控除"),
    ("tokutei_shinzoku", "特定親族特別控除"),
    ("kiso", "基礎控除"),
]

FORM_FUTSU = "futsu"
FORM_TOKUCHO = "tokucho"
FORM_LABELS = {FORM_FUTSU: "納税通知書（普通徴収）", FORM_TOKUCHO: "特別徴収税額決定通知書"}

#: The print-data CSV for the 印刷・封入 contractor (UTF-8 with BOM, CRLF), one row per
#: notice, in the order of the PDF files. Amounts are plain integers (円) and dates ISO
#: (YYYY-MM-DD), for machines; the paper shows the same figures with commas and 和暦.
PRINT_DATA_HEADER = [
    "ファイル名",  # the chunk's PDF
    "開始頁",  # first page of the notice in that PDF (1-based)
    "頁数",
    "帳票",  # 納税通知書（普通徴収） / 特別徴収税額決定通知書
    "通知書番号",
    "宛名番号",  # 普通徴収: the taxpayer
    "特別徴収義務者指定番号",  # 決定通知書: the employer
    "郵便番号",
    "住所",
    "方書",
    "宛名",  # 氏名 or the employer's name
    "人数",  # 決定通知書: employees listed
    "年税額",
    "普通徴収税額",
    *[f"第{i}期{what}" for i in range(1, 5) for what in ("税額", "納期限")],
]
FUTSU_KI_MAX = 4


def yen(value: int | None) -> str:
    return f"{int(value or 0):,}"


def _due(iso: str | None, *, style: str = "long") -> str:
    if not iso:
        return ""
    return format_wareki(date.fromisoformat(iso), style="short" if style == "short" else "long")


def postal(code: str) -> str:
    return f"〒{code[:3]}-{code[3:]}" if len(code) == 7 else (f"〒{code}" if code else "")


@dataclass(frozen=True)
class Issuer:
    """The town as the sender of a notice (tenants.models.Municipality)."""

    name: str
    prefecture: str
    mayor_name: str = ""

    @classmethod
    def of(cls, municipality: Any) -> Issuer:
        return cls(
            name=municipality.name,
            prefecture=municipality.prefecture,
            mayor_name=getattr(municipality, "mayor_name", "") or "",
        )

    @property
    def title(self) -> str:
        """発行者: 「葉山町長」 (with the mayor's name when it is registered)."""
        return f"{self.name}長" + (f"　{self.mayor_name}" if self.mayor_name else "")

    @property
    def shichoson_zei(self) -> str:
        """市町村民税 as the town calls it: 町民税, 市民税, 村民税, 特別区民税."""
        suffix = self.name[-1:]
        if suffix == "区":
            return "特別区民税"
        return f"{suffix}民税" if suffix in {"市", "町", "村"} else "市町村民税"

    @property
    def dofuken_zei(self) -> str:
        """道府県民税: 県民税, 府民税, 道民税, 都民税."""
        suffix = self.prefecture[-1:]
        return f"{suffix}民税" if suffix in {"都", "道", "府", "県"} else "道府県民税"


def kyoji(issuer: Issuer) -> str:
    """教示 of a 賦課処分 (行政不服審査法第82条第1項, 行政事件訴訟法第46条第1項)."""
    return (
        "【教示】この処分について不服がある場合は、この処分があったことを知った日の翌日から"
        f"起算して3か月以内に、{issuer.name}長に対して審査請求をすることができます。"
        "この処分の取消しの訴えは、審査請求に対する裁決があったことを知った日の翌日から起算して"
        f"6か月以内に、{issuer.name}を被告として（訴訟において{issuer.name}を代表する者は"
        f"{issuer.name}長となります。）提起することができます。"
    )


def futsu_common(*, issuer: Issuer, fiscal_year: int, tsuchi_date: date) -> dict[str, Any]:
    nendo = format_nendo(fiscal_year)
    taxes = f"{issuer.shichoson_zei}・{issuer.dofuken_zei}"
    return {
        "title": f"{nendo} {taxes}・森林環境税 納税通知書",
        "issuer": issuer.title,
        "tsuchi_date": format_wareki(tsuchi_date),
        "shichoson_label": issuer.shichoson_zei,
        "dofuken_label": issuer.dofuken_zei,
        # the year of the income (each notice says it too): a heading of the static form
        "shotoku_year": format_nendo(fiscal_year - 1)[:-1],
        "lead": (
            f"あなたの{nendo}の{taxes}（個人住民税）及び森林環境税の税額を、"
            "地方税法第319条の2の規定により次のとおり通知します。（単位：円）"
        ),
        "due_note": (
            "納期限が土曜日・日曜日・祝日・年末年始に当たるときは、翌開庁日が納期限です"
            "（地方税法第20条の5）。上の納期限は既に繰り下げた日です。"
        ),
        "kyoji": kyoji(issuer),
        "contact": f"お問い合わせ　{issuer.name}役場 税務担当",
    }


@dataclass
class Notice:
    """One notice: what the template prints and the print-data CSV row (without the
    file name and page, which the job adds)."""

    item: dict[str, Any]
    csv: list[Any]
    pages: int = 1
    atena_ids: list[int] = field(default_factory=list)


def futsu_notices(fukas: Sequence[Fuka]) -> list[Notice]:
    """The notices of ``fukas``, in their order; one query for all the address blocks."""
    blocks = address_blocks(f.atena_id for f in fukas)
    return [futsu_notice(f, address=blocks[f.atena_id]) for f in fukas]


def futsu_notice(fuka: Fuka, *, address: AddressBlock | None = None) -> Notice:
    """The 普通徴収 notice of one current assessment. ``address`` is where to mail it
    (juminkiroku.public.address_blocks: the registered address, or the 転出先 of a person
    who has left the town since 1 January, 地方税法第294条); when not given, the one a row
    of :func:`futsu_queryset` carries, else looked up."""
    block = (
        address
        or getattr(fuka, "address_block", None)
        or address_blocks([fuka.atena_id])[fuka.atena_id]
    )
    result = (fuka.detail or {}).get("result") or {}
    kojo = result.get("kojo") or {}
    kibetsu = (fuka.kibetsu or {}).get("futsu") or []
    postal_code, address_line, katagaki = block.postal_code, block.jusho, block.katagaki
    shichoson = int(fuka.shotokuwari_shichoson) + int(fuka.kintowari_shichoson)
    dofuken = int(fuka.shotokuwari_dofuken) + int(fuka.kintowari_dofuken)
    notes = []
    if fuka.kyuyo_tokucho_gaku:
        notes.append("給与からの特別徴収分は、勤務先が毎月の給与から差し引いて納入します。")
    if fuka.nenkin_tokucho_gaku:
        notes.append("年金からの特別徴収分は、年金の支払の際に差し引かれます。")
    tsuchi_no = f"{fuka.fiscal_year}-{fuka.pk:08d}"
    item = {
        "postal": postal(postal_code),
        "address": address_line,
        "katagaki": katagaki,
        "name": block.shimei,
        "atena_no": block.atena_no,
        "nendo": format_nendo(fuka.fiscal_year),
        "tsuchi_no": tsuchi_no,
        "shotoku_year": f"{format_nendo(fuka.fiscal_year - 1)[:-1]}",
        "tax": {
            "shotokuwari_shichoson": yen(fuka.shotokuwari_shichoson),
            "kintowari_shichoson": yen(fuka.kintowari_shichoson),
            "shichoson": yen(shichoson),
            "shotokuwari_dofuken": yen(fuka.shotokuwari_dofuken),
            "kintowari_dofuken": yen(fuka.kintowari_dofuken),
            "dofuken": yen(dofuken),
            "shinrin_kankyozei": yen(fuka.shinrin_kankyozei),
            "shotokuwari": yen(fuka.shotokuwari_shichoson + fuka.shotokuwari_dofuken),
            "kintowari": yen(
                fuka.kintowari_shichoson + fuka.kintowari_dofuken + fuka.shinrin_kankyozei
            ),
            "gokei": yen(fuka.gokei_zeigaku),
        },
        "income": {
            "gokei_shotoku": yen(fuka.gokei_shotoku),
            "kojo_gokei": yen(kojo.get("gokei")),
            "kazei_shotoku": yen(fuka.kazei_shotoku),
            "chosei_kojo": yen(
                int(result.get("chosei_kojo_shichoson") or 0)
                + int(result.get("chosei_kojo_dofuken") or 0)
            ),
            "kojo": [[label, yen(kojo[key])] for key, label in KOJO_LABELS if kojo.get(key)],
        },
        "choshu": {
            "futsu": yen(fuka.futsu_choshu_gaku),
            "kyuyo": yen(fuka.kyuyo_tokucho_gaku),
            "nenkin": yen(fuka.nenkin_tokucho_gaku),
            "note": "".join(notes),
        },
        "kibetsu": [
            {"label": k.get("label", ""), "due": _due(k.get("due")), "amount": yen(k.get("amount"))}
            for k in kibetsu
        ],
        "nenkin_kibetsu": [
            {
                "label": f"{k.get('label', '')}（{k.get('kind', '')}）",
                "amount": yen(k.get("amount")),
            }
            for k in (fuka.kibetsu or {}).get("nenkin") or []
        ],
        "nenkin_kagonou": yen((fuka.kibetsu or {}).get("nenkin_kagonou"))
        if (fuka.kibetsu or {}).get("nenkin_kagonou")
        else "",
    }
    ki_cells: list[Any] = []
    for i in range(FUTSU_KI_MAX):
        k = kibetsu[i] if i < len(kibetsu) else {}
        ki_cells += [k.get("amount", ""), k.get("due", "")]
    csv = [
        FORM_LABELS[FORM_FUTSU],
        tsuchi_no,
        block.atena_no,
        "",
        postal_code,
        address_line,
        katagaki,
        block.shimei,
        "",
        int(fuka.gokei_zeigaku),
        int(fuka.futsu_choshu_gaku),
        *ki_cells,
    ]
    return Notice(item=item, csv=csv, atena_ids=[fuka.atena_id])


class AddressedFukaQuerySet(QuerySet[Fuka]):
    """Assessments that, when fetched as rows, carry their taxpayer's address block
    (``fuka.address_block``, from juminkiroku.public.address_blocks): one query for the
    whole result, as ``select_related`` would, without touching 住民記録's model."""

    def _fetch_all(self) -> None:
        fresh = self._result_cache is None
        super()._fetch_all()
        rows = self._result_cache or []
        if fresh and rows and isinstance(rows[0], Fuka):
            blocks = address_blocks(f.atena_id for f in rows)
            for f in rows:
                f.address_block = blocks.get(f.atena_id)  # type: ignore[attr-defined]


def futsu_queryset(fiscal_year: int) -> QuerySet[Fuka]:
    """Current assessments with a 普通徴収 or a 年金特別徴収 part (the taxpayer is told the
    amounts either way), in 郵便番号・宛名番号 order (the order the post office wants for the
    区分郵便物 discount). Fetched rows carry their address blocks (AddressedFukaQuerySet)."""
    return (
        AddressedFukaQuerySet(model=Fuka)
        .filter(fiscal_year=fiscal_year, is_current=True)
        .filter(Q(futsu_choshu_gaku__gt=0) | Q(nenkin_tokucho_gaku__gt=0))
        # Still sorted through the Fuka → 宛名 foreign key (a join, not a Python import):
        # the print job plans its chunks from this order until it takes the mail order
        # from juminkiroku.public instead.
        .order_by("atena__postal_code", "atena__atena_no", "id")
    )


def futsu_render(
    notices: Sequence[Notice],
    *,
    issuer: Issuer,
    fiscal_year: int,
    tsuchi_date: date,
    timestamp: datetime | None = None,
) -> bytes:
    return render(
        FUTSU_TEMPLATE,
        common=futsu_common(issuer=issuer, fiscal_year=fiscal_year, tsuchi_date=tsuchi_date),
        items=[n.item for n in notices],
        timestamp=timestamp,
        static_form=True,
    )


# --- 特別徴収税額決定通知書（特別徴収義務者用） ---------------------------------------------


def tokucho_common(*, issuer: Issuer, fiscal_year: int, tsuchi_date: date) -> dict[str, Any]:
    nendo = format_nendo(fiscal_year)
    return {
        "title": f"{nendo} 給与所得等に係る{issuer.shichoson_zei}・{issuer.dofuken_zei}"
        "・森林環境税 特別徴収税額の決定通知書（特別徴収義務者用）",
        "issuer": issuer.title,
        "tsuchi_date": format_wareki(tsuchi_date),
        "months": TOKUCHO_MONTHS,
        "lead": (
            "地方税法第321条の4の規定により、次の方々の特別徴収税額を通知します。"
            "毎月の給与の支払の際に月割額を徴収し、翌月10日までに納入してください。（単位：円）"
        ),
        "due_note": (
            "納入期限が土曜日・日曜日・祝日・年末年始に当たるときは、翌開庁日が納入期限です"
            "（地方税法第20条の5）。上の納入期限は既に繰り下げた日です。"
        ),
        "kyoji": kyoji(issuer),
        "contact": f"お問い合わせ　{issuer.name}役場 税務担当",
    }


def _months(fuka: Fuka) -> list[int]:
    """The twelve monthly amounts, 6月分 first, by label (position as a fallback)."""
    items = (fuka.kibetsu or {}).get("kyuyo") or []
    by_label = {k.get("label"): int(k.get("amount") or 0) for k in items}
    if all(m in by_label for m in TOKUCHO_MONTHS):
        return [by_label[m] for m in TOKUCHO_MONTHS]
    amounts = [int(k.get("amount") or 0) for k in items][:12]
    return amounts + [0] * (12 - len(amounts))


def tokucho_notice(
    shitei_no: str,
    employees: Sequence[Fuka],
    *,
    fiscal_year: int,
    persons: Mapping[int, PersonIdentity] | None = None,
) -> Notice:
    """One employer's notice: ``employees`` are current assessments with this 指定番号,
    printed in 宛名番号 order, 30 a page, totals on the last page. ``persons`` (宛名 id →
    identity) are looked up, in one query, when not given."""
    if persons is None:
        persons = person_identities(f.atena_id for f in employees)
    employees = sorted(employees, key=lambda f: (persons[f.atena_id].atena_no, f.pk))
    name = next((f.tokucho_employer_name for f in employees if f.tokucho_employer_name), "")
    rows = []
    totals = [0] * 12
    gokei = 0
    for f in employees:
        months = _months(f)
        totals = [a + b for a, b in zip(totals, months, strict=True)]
        gokei += int(f.kyuyo_tokucho_gaku)
        rows.append(
            {
                "atena_no": persons[f.atena_id].atena_no,
                "name": persons[f.atena_id].shimei,
                "gokei": yen(f.kyuyo_tokucho_gaku),
                "months": [yen(m) for m in months],
            }
        )
    dues = [""] * 12
    for f in employees:
        items = (f.kibetsu or {}).get("kyuyo") or []
        if len(items) == 12:
            dues = [_due(k.get("due"), style="short") for k in items]
            break
    page_rows = [
        rows[i : i + TOKUCHO_ROWS_PER_PAGE] for i in range(0, len(rows), TOKUCHO_ROWS_PER_PAGE)
    ] or [[]]
    pages = [
        {
            "rows": part,
            "page_no": i + 1,
            "page_total": len(page_rows),
            "last": i == len(page_rows) - 1,
        }
        for i, part in enumerate(page_rows)
    ]
    item = {
        "shitei_no": shitei_no,
        "name": name,
        "nendo": format_nendo(fiscal_year),
        "count": str(len(rows)),
        "dues": dues,
        "totals": {"gokei": yen(gokei), "months": [yen(t) for t in totals]},
        "pages": pages,
    }
    csv = [
        FORM_LABELS[FORM_TOKUCHO],
        f"{fiscal_year}-T{shitei_no}",
        "",
        shitei_no,
        "",
        "",
        "",
        name,
        len(rows),
        gokei,
        "",
        *[""] * (2 * FUTSU_KI_MAX),
    ]
    return Notice(item=item, csv=csv, pages=len(pages), atena_ids=[f.atena_id for f in employees])


def tokucho_queryset(fiscal_year: int, shitei_nos: Iterable[str] | None = None) -> QuerySet[Fuka]:
    """Current assessments with a 給与特別徴収 part, by employer then 宛名番号."""
    qs = Fuka.objects.filter(
        fiscal_year=fiscal_year, is_current=True, kyuyo_tokucho_gaku__gt=0
    ).exclude(tokucho_shitei_no="")
    if shitei_nos is not None:
        qs = qs.filter(tokucho_shitei_no__in=list(shitei_nos))
    return qs.order_by("tokucho_shitei_no", "atena_id", "id")


def tokucho_notices(fiscal_year: int, shitei_nos: Iterable[str] | None = None) -> list[Notice]:
    groups: dict[str, list[Fuka]] = {}
    for f in tokucho_queryset(fiscal_year, shitei_nos):
        groups.setdefault(f.tokucho_shitei_no, []).append(f)
    return [
        tokucho_notice(no, rows, fiscal_year=fiscal_year) for no, rows in sorted(groups.items())
    ]


def tokucho_render(
    notices: Sequence[Notice],
    *,
    issuer: Issuer,
    fiscal_year: int,
    tsuchi_date: date,
    timestamp: datetime | None = None,
) -> bytes:
    return render(
        TOKUCHO_TEMPLATE,
        common=tokucho_common(issuer=issuer, fiscal_year=fiscal_year, tsuchi_date=tsuchi_date),
        items=[n.item for n in notices],
        timestamp=timestamp,
    )


def kosei_nouki_text(nouki: date | None) -> str:
    """The line an 増額更正's notice prints for the 納期限 of the tax it adds ("" without)."""
    if nouki is None:
        return ""
    return (
        f"更正により増えた税額の納期限　{format_wareki(nouki)}"
        "（納期限がこの日より前の期の増額分。延滞金はこの日の翌日から計算します。"
        "ほかの期は上の納期限です）"
    )
