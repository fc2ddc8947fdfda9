"""特別障害者手当・障害児福祉手当・特別児童扶養手当: the 再認定 (有期認定) notice — 診断書提出の
案内 — and the 支払通知書 of a payment run, one page per case, on the shared print path
(``tenants.printing.engine``) with the one-page notice layout of the 認定通知書
(``fukushi/shogai_teate_tsuchi.typ``: title, 文例, rows, 教示).

Both are 案内, not 処分: no 教示 is printed. The account is masked to its last 3 digits (the
notice goes by post), as the 児童手当 支払通知書 does. The official 様式 was not at hand: the
wording and placement are ours. A mass print is one PDF rendered in the request (a town's
手当 受給者 are hundreds, not tens of thousands: Typst prints ~600 pages/s batched here, see
STACK-NOTES), not a print job: the job files screen knows no 手帳 grant.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from fukushi.models import (
    ShogaiTeate,
    ShogaiTeateJotai,
    ShogaiTeateKind,
    ShogaiTeateShiharai,
)
from fukushi.services.shogai_teate import add_months, wareki_month
from juminkiroku.public import address_blocks, person_identities
from tenants.labels import postal
from tenants.printing.engine import render
from tenants.printing.yearly import issuer_name
from tenants.wareki import format_wareki
from tenants.zengin import SHUMOKU

TEMPLATE = "fukushi/shogai_teate_tsuchi.typ"

__all__ = [
    "Annai",
    "annai_render",
    "kigen_default",
    "koza_masked",
    "sainintei_items",
    "sainintei_list",
    "shiharai_tsuchi_items",
]


@dataclass
class Annai:
    """One printed page: what the template prints and the persons it names."""

    item: dict[str, Any]
    atena_ids: list[int] = field(default_factory=list)
    teate_id: int = 0


def koza_masked(t: ShogaiTeate) -> str:
    shumoku = SHUMOKU.get(t.yokin_shumoku, "")
    return f"金融機関 {t.kinyu_kikan} 支店 {t.shiten} {shumoku} ****{t.koza_bango[-3:]}"


def _pages(
    rows: Sequence[tuple[ShogaiTeate, str, str, list[list[str]]]], tsuchi_date: date
) -> list[Annai]:
    ids = {a for t, *_ in rows for a in (t.atena_id, t.taisho_atena_id)}
    people, blocks = person_identities(ids), address_blocks(ids)
    out: list[Annai] = []
    for t, title, bunrei, table in rows:
        p, b = people.get(t.atena_id), blocks.get(t.atena_id)
        out.append(
            Annai(
                item={
                    "title": title,
                    "bunrei": bunrei,
                    "rows": table,
                    "name": p.shimei if p else "",
                    "postal": postal(b.postal_code) if b else "",
                    "address": (b.jusho + (" " + b.katagaki if b.katagaki else "")) if b else "",
                    "tsuchi_date": format_wareki(tsuchi_date),
                    "kyoji": "",
                },
                atena_ids=sorted({t.atena_id, t.taisho_atena_id}),
                teate_id=t.pk,
            )
        )
    return out


def _taisho(t: ShogaiTeate, people: dict[int, Any]) -> str:
    p = people.get(t.taisho_atena_id)
    return p.shimei if p else ""


# --- 再認定 (有期認定) ----------------------------------------------------------------------


def sainintei_list(tsuki: date) -> list[ShogaiTeate]:
    """The 認定 whose 再認定の時期 falls in the month of ``tsuki``, by that day and 証書番号."""
    first = tsuki.replace(day=1)
    return list(
        ShogaiTeate.objects.filter(
            jotai=ShogaiTeateJotai.NINTEI,
            sainintei_date__gte=first,
            sainintei_date__lt=add_months(first, 1),
        ).order_by("sainintei_date", "shosho_bango", "pk")
    )


def kigen_default(t: ShogaiTeate) -> date:
    """The 診断書's 提出期限 unless the clerk chooses another: the last day of the month of
    the 再認定の時期 (our choice; the town may set its own on the screen)."""
    assert t.sainintei_date is not None
    return add_months(t.sainintei_date.replace(day=1), 1) - timedelta(days=1)


def sainintei_items(
    rows: Sequence[ShogaiTeate], *, tsuchi_date: date, kigen: date | None = None
) -> list[Annai]:
    """The 再認定 notice of each case (those without a 再認定の時期 are skipped)."""
    rows = [t for t in rows if t.sainintei_date is not None]
    people = person_identities({t.taisho_atena_id for t in rows})
    pages: list[tuple[ShogaiTeate, str, str, list[list[str]]]] = []
    for t in rows:
        assert t.sainintei_date is not None
        name = ShogaiTeateKind(t.teate).label
        due = kigen or kigen_default(t)
        bunrei = (
            f"あなたの{name}の認定は、障害の程度を改めて確認する時期（再認定の時期）が"
            f"定められています。引き続き手当を受けるため、所定の様式の診断書を"
            f"{format_wareki(due)}までに提出してください。"
        )
        table = [
            ["証書番号", t.shosho_bango],
            ["対象の方", _taisho(t, people)],
            ["再認定の時期", format_wareki(t.sainintei_date)],
            ["前回の診断書の作成日", format_wareki(t.shindansho_date) if t.shindansho_date else ""],
            ["提出するもの", "診断書（所定の様式）"],
            ["提出期限", format_wareki(due)],
        ]
        pages.append((t, f"{name} 再認定のための診断書提出のご案内", bunrei, table))
    return _pages(pages, tsuchi_date)


# --- 支払通知書 ---------------------------------------------------------------------------


def shiharai_tsuchi_items(run: ShogaiTeateShiharai) -> list[Annai]:
    """The 支払通知書 of every case the run paid, by 証書番号: the months, the amount, the
    支払日 and the masked account (three queries and the registry reads)."""
    months: dict[int, list[tuple[date, int]]] = {}
    for teate_id, tsuki, gaku in run.tsuki.order_by("tsuki").values_list(
        "teate_id", "tsuki", "gaku"
    ):
        months.setdefault(teate_id, []).append((tsuki, gaku))
    cases = list(ShogaiTeate.objects.filter(pk__in=list(months)).order_by("shosho_bango", "pk"))
    people = person_identities({t.taisho_atena_id for t in cases})
    pages: list[tuple[ShogaiTeate, str, str, list[list[str]]]] = []
    for t in cases:
        name = ShogaiTeateKind(t.teate).label
        paid = months[t.pk]
        total = sum(g for _, g in paid)
        table = [
            ["証書番号", t.shosho_bango],
            ["対象の方", _taisho(t, people)],
            ["支払う月分", "・".join(wareki_month(m) for m, _ in paid)],
            ["月ごとの額", "・".join(f"{g:,}円" for _, g in paid)],
            ["支払額", f"{total:,}円"],
            ["支払日", format_wareki(run.shiharai_date)],
            ["振込先", koza_masked(t)],
        ]
        bunrei = (
            f"{wareki_month(run.shiharai_tsuki)}の支払として、{name}を次のとおりお支払いします。"
        )
        pages.append((t, f"{name} 支払通知書", bunrei, table))
    return _pages(pages, run.shiharai_date)


def annai_render(title: str, pages: Sequence[Annai]) -> bytes:
    return render(
        TEMPLATE,
        common={"title": title, "issuer": issuer_name()},
        items=[p.item for p in pages],
    )
