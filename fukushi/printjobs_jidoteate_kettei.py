"""児童手当 決定通知書 on the shared print path (``tenants.printing``): the 認定通知書 and the
額改定通知書 of one 履歴 row (認定・額改定), the 認定請求却下通知書 of one 却下, each as one PDF
from the person's screen, and the mass print of every 認定 (or 額改定) decided in a date
range as a print job (one PDF a chunk, the print-data CSV), as the 支払通知書 is printed
(``fukushi.printjobs_jidoteate``).

The notice states the decision (児童手当法第7条 認定, 第9条 額の改定) and, for a 却下, the
reason in words. The 教示 follows 行政不服審査法第18条第1項 (3 months) and 行政事件訴訟法
第14条第1項 (6 months); the 審査庁 is not named (docs/standard/jido_teate.md: unconfirmed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

from django.utils import timezone

from fukushi.gyomu import JIDO_TEATE
from fukushi.models import (
    JidoteateJido,
    JidoteateJukyusha,
    JidoteateKyakka,
    JidoteateRireki,
    KyakkaRiyu,
    RirekiKind,
)
from fukushi.rules import jidoteate as rules
from juminkiroku.public import address_blocks, person_identities
from tenants.csvout import DEFAULT_ENCODING, check_encoding
from tenants.jobs.models import Job, JobChunk
from tenants.jobs.registry import register
from tenants.labels import postal, wareki_month
from tenants.printing.engine import render
from tenants.printing.jobs import MassPrintJob, PrintedItem
from tenants.printing.yearly import issuer_name
from tenants.wareki import format_wareki
from tenants.zengin import SHUMOKU

TEMPLATE = "fukushi/jidoteate_kettei_tsuchi.typ"
KIND = "fukushi_jidoteate_kettei_print"
LABELS = {
    RirekiKind.NINTEI: "児童手当認定通知書",
    RirekiKind.KAITEI: "児童手当額改定通知書",
    "kyakka": "児童手当認定請求却下通知書",
}
#: the forms a mass print offers (kind of 履歴 → label)
MASS_FORMS = {RirekiKind.NINTEI.value: LABELS[RirekiKind.NINTEI], "kaitei": LABELS["kaitei"]}
PRINT_DATA_HEADER = [
    "ファイル名", "開始頁", "頁数", "帳票", "受給者番号", "宛名番号", "決定日", "郵便番号",
]  # fmt: skip
KYOJI = [
    "この決定に不服があるときは、この決定があったことを知った日の翌日から起算して3か月以内に、"
    "審査請求をすることができます（行政不服審査法第18条第1項）。",
    "この決定の取消しを求める訴えは、この決定があったことを知った日から6か月以内に、"
    "町を被告として提起することができます（行政事件訴訟法第14条第1項）。",
]


@dataclass
class KetteiTsuchi:
    item: dict[str, Any]
    csv: list[Any]
    pages: int = 1
    atena_ids: list[int] = field(default_factory=list)


def _yen(v: int) -> str:
    return f"{v:,}円"


def _kids_on(jido: list[JidoteateJido], month: date) -> list[JidoteateJido]:
    return [
        j for j in jido if j.start_month <= month and (j.end_month is None or j.end_month > month)
    ]


def _getsugaku(row: JidoteateJukyusha, jido: list[JidoteateJido], month: date) -> int:
    if month < row.shikyu_start or (row.shikyu_end and month >= row.shikyu_end):
        return 0
    kids = [rules.Child(j.birth_date, j.kanshu, j.pk) for j in _kids_on(jido, month)]
    return rules.month_total(kids, month, shotoku_kubun=rules.ShotokuKubun(row.shotoku_kubun))


def _koza(row: JidoteateJukyusha) -> str:
    if row.koumuin:
        return "公務員（所属庁から支給）"
    shumoku = SHUMOKU.get(row.yokin_shumoku, "")
    # the account's last 3 digits only: the notice goes by post
    return f"金融機関 {row.kinyu_kikan} 支店 {row.shiten} {shumoku} ****{row.koza_bango[-3:]}"


def _decided(r: JidoteateRireki) -> date:
    if r.kind == RirekiKind.NINTEI:
        return r.jukyusha.nintei_date
    return timezone.localdate(r.created_at)


def rireki_tsuchi(rows: Sequence[JidoteateRireki]) -> list[KetteiTsuchi]:
    """The 認定通知書 / 額改定通知書 of ``rows`` (履歴 of kind 認定 or 額改定) in that
    order: three queries for any number, plus the 制度 reads (cached per month)."""
    rows = [r for r in rows if r.kind in (RirekiKind.NINTEI, RirekiKind.KAITEI)]
    jido: dict[int, list[JidoteateJido]] = {}
    for jd in JidoteateJido.objects.filter(jukyusha_id__in={r.jukyusha_id for r in rows}).order_by(
        "birth_date", "id"
    ):
        jido.setdefault(jd.jukyusha_id, []).append(jd)
    atena = {r.jukyusha.atena_id for r in rows}
    kid_ids = {jd.atena_id for js in jido.values() for jd in js if jd.atena_id}
    persons = person_identities(atena | kid_ids)
    blocks = address_blocks(atena)
    out: list[KetteiTsuchi] = []
    for r in rows:
        j = r.jukyusha
        person, block = persons.get(j.atena_id), blocks.get(j.atena_id)
        if person is None or block is None:
            continue
        js = jido.get(j.pk, [])
        month = r.effective_month
        seido = rules.seido_of(month)
        kids = _kids_on(js, month)
        amounts = {
            a.key: a
            for a in rules.month_amounts(
                [rules.Child(k.birth_date, k.kanshu, k.pk) for k in kids],
                month,
                shotoku_kubun=rules.ShotokuKubun(j.shotoku_kubun),
                seido=seido,
            )
        }
        table_rows = []
        for k in kids:
            p = persons.get(k.atena_id) if k.atena_id else None
            a = amounts.get(k.pk)
            table_rows.append(
                [
                    p.shimei if p else f"{format_wareki(k.birth_date)}生まれの児童",
                    format_wareki(k.birth_date),
                    _yen(a.amount) if a else "算定のみ（支給対象外）",
                ]
            )
        after = _getsugaku(j, js, month)
        label = LABELS[RirekiKind(r.kind)]
        decided = _decided(r)
        tsuki = "・".join(f"{t}月" for t in seido.shiharai_tsuki)
        if r.kind == RirekiKind.NINTEI:
            lead = (
                "あなたの児童手当の認定請求について、次のとおり受給資格と手当の額を認定しました。"
            )
            detail = [
                ("受給者番号", j.jukyusha_no),
                ("認定請求日", format_wareki(j.seikyu_date)),
                ("支給開始月", f"{wareki_month(j.shikyu_start)}分から"),
                ("手当の月額", _yen(after)),
                ("支払月", f"{tsuki}（それぞれ前月までの{seido.shiharai_tsukisu}か月分）"),
                ("振込先", _koza(j)),
            ]
        else:
            before = _getsugaku(j, js, rules.add_months(month, -1))
            lead = "あなたの児童手当の額を、次のとおり改定しました。"
            detail = [
                ("受給者番号", j.jukyusha_no),
                ("改定の事由", r.jiyu),
                ("改定年月", f"{wareki_month(month)}分から"),
                ("改定前の月額", _yen(before)),
                ("改定後の月額", _yen(after)),
            ]
        out.append(
            KetteiTsuchi(
                item={
                    "postal": postal(block.postal_code),
                    "address": block.jusho,
                    "katagaki": block.katagaki,
                    "atesaki": person.shimei,
                    "bango": f"受給者番号　{j.jukyusha_no}",
                    "hakko": format_wareki(decided),
                    "title": label,
                    "lead": [lead],
                    "rows": [list(x) for x in detail],
                    "table": {
                        "title": f"{wareki_month(month)}分の支給対象児童と月額",
                        "header": ["児童", "生年月日", "月額"],
                        "num_from": 2,
                        "rows": table_rows,
                    },
                    "notes": [
                        "お子さんが増えたり減ったりしたとき、転出するときは、15日以内に届け出てください。",
                        *KYOJI,
                    ],
                },
                csv=[label, j.jukyusha_no, person.atena_no, decided.isoformat(), block.postal_code],
                atena_ids=[j.atena_id],
            )
        )
    return out


def kyakka_tsuchi(rows: Sequence[JidoteateKyakka]) -> list[KetteiTsuchi]:
    """The 認定請求却下通知書 of ``rows``: the reason in words (two queries)."""
    atena = {k.atena_id for k in rows}
    persons = person_identities(atena)
    blocks = address_blocks(atena)
    out: list[KetteiTsuchi] = []
    label = LABELS["kyakka"]
    for k in rows:
        person, block = persons.get(k.atena_id), blocks.get(k.atena_id)
        if person is None:
            continue
        riyu = KyakkaRiyu(k.riyu).label
        detail = [
            ("認定請求日", format_wareki(k.seikyu_date)),
            ("却下の理由", riyu),
        ]
        if k.riyu_detail:
            detail.append(("理由の補足", k.riyu_detail))
        out.append(
            KetteiTsuchi(
                item={
                    "postal": postal(block.postal_code) if block else "",
                    "address": block.jusho if block else "",
                    "katagaki": block.katagaki if block else "",
                    "atesaki": person.shimei,
                    "bango": "",
                    "hakko": format_wareki(k.kettei_date),
                    "title": label,
                    "lead": [
                        f"あなたが{format_wareki(k.seikyu_date)}に行った児童手当の認定請求は、"
                        "次の理由により却下します。"
                    ],
                    "rows": [list(x) for x in detail],
                    "table": {"title": "", "header": [], "num_from": 2, "rows": []},
                    "notes": list(KYOJI),
                },
                csv=[
                    label,
                    "",
                    person.atena_no,
                    k.kettei_date.isoformat(),
                    block.postal_code if block else "",
                ],
                atena_ids=[k.atena_id],
            )
        )
    return out


def kettei_render(notices: Sequence[KetteiTsuchi], *, timestamp: datetime | None = None) -> bytes:
    title = notices[0].item["title"] if notices else "児童手当 決定通知書"
    return render(
        TEMPLATE,
        common={"title": title, "issuer": issuer_name()},
        items=[n.item for n in notices],
        timestamp=timestamp,
    )


def mass_rireki(form: str, date_from: date, date_to: date) -> list[int]:
    """The 履歴 ids a mass print of ``form`` covers, by 受給者番号: the 認定 whose 認定日 is
    in the range, or the 額改定 recorded in the range (one query)."""
    qs = JidoteateRireki.objects.filter(kind=form)
    if form == RirekiKind.NINTEI:
        qs = qs.filter(jukyusha__nintei_date__range=(date_from, date_to))
    else:
        qs = qs.filter(created_at__date__range=(date_from, date_to))
    return list(qs.order_by("jukyusha__jukyusha_no", "id").values_list("id", flat=True))


def _iso(params: dict[str, Any], key: str, label: str) -> date:
    try:
        return date.fromisoformat(str(params.get(key) or ""))
    except ValueError as exc:
        raise ValueError(f"{label}を正しく指定してください。") from exc


class KetteiTsuchiPrint(MassPrintJob):
    code = KIND
    gyomu = JIDO_TEATE
    title = "児童手当 認定通知書・額改定通知書の一括印刷"
    chunk_size = 1000
    file_prefix = "jidoteate_kettei"
    print_data_header = PRINT_DATA_HEADER

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        form = str(params.get("form") or "")
        if form not in MASS_FORMS:
            raise ValueError("印刷する通知書（認定通知書・額改定通知書）を選んでください。")
        date_from = _iso(params, "date_from", "決定日の範囲の始め")
        date_to = _iso(params, "date_to", "決定日の範囲の終わり")
        if date_to < date_from:
            raise ValueError("決定日の範囲の終わりが始めより前です。")
        if not mass_rireki(form, date_from, date_to):
            raise ValueError("その範囲に決定した通知書はありません。")
        return {
            "form": form,
            "date_from": date_from.isoformat(),
            "date_to": date_to.isoformat(),
            "print_data_encoding": check_encoding(
                params.get("print_data_encoding") or DEFAULT_ENCODING
            ),
        }

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        p = job.params
        ids = mass_rireki(
            p["form"], date.fromisoformat(p["date_from"]), date.fromisoformat(p["date_to"])
        )
        return [
            ({"form": p["form"], "rireki_ids": ids[i : i + self.chunk_size]},
             len(ids[i : i + self.chunk_size]))
            for i in range(0, len(ids), self.chunk_size)
        ]  # fmt: skip

    def items(self, job: Job, chunk: JobChunk) -> tuple[list[KetteiTsuchi], int]:
        ids = chunk.params["rireki_ids"]
        rows = {
            r.pk: r
            for r in JidoteateRireki.objects.select_related("jukyusha").filter(
                pk__in=ids, kind=job.params["form"]
            )
        }
        made = rireki_tsuchi([rows[i] for i in ids if i in rows])
        return made, len(ids) - len(made)

    def render(self, job: Job, form: str, items: Sequence[PrintedItem]) -> bytes:
        return kettei_render(
            cast("list[KetteiTsuchi]", list(items)),
            timestamp=job.created_at or datetime.now().astimezone(),
        )


register(KetteiTsuchiPrint())
