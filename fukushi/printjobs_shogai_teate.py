"""特別障害者手当・障害児福祉手当・特別児童扶養手当 認定通知書 / 却下通知書 on the shared print
path (``tenants.printing.engine``, Typst template ``fukushi/shogai_teate_tsuchi.typ``): one
page for one case, addressed to the 受給資格者 (the 請求者).

The 認定通知書 says the 手当, the 証書番号, the 対象者, the 支給開始月, the monthly amount of
the first month and the 支払期月; the 却下通知書 says the reason. The 教示 (審査請求 within 3
months, 行政不服審査法第18条) is printed on both. The official 様式 was not at hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from fukushi.models import ShogaiTeate, ShogaiTeateJotai, ShogaiTeateKind
from fukushi.services.shogai_teate import SHIHARAI_TSUKI, wareki_month
from juminkiroku.public import address_blocks, person_identities
from tenants.labels import postal
from tenants.params.services import param_value
from tenants.printing.engine import render
from tenants.printing.yearly import issuer_name
from tenants.wareki import format_wareki

TEMPLATE = "fukushi/shogai_teate_tsuchi.typ"
KYOJI = (
    "この処分に不服がある場合は、この処分があったことを知った日の翌日から起算して3か月以内に、"
    "審査請求をすることができます（行政不服審査法第18条）。"
)


def _getsugaku(t: ShogaiTeate) -> str:
    assert t.shikyu_kaishi is not None
    m = t.shikyu_kaishi
    nendo = m.year if m.month >= 4 else m.year - 1
    value = param_value(f"fukushi.teate.{t.teate}.getsugaku", nendo)
    amount = int(value[t.kyu]) if isinstance(value, dict) else int(value)
    return f"{amount:,}円（{wareki_month(m)}分の額。所得制限により支給が停止される月があります）"


def tsuchi_items(rows: Sequence[ShogaiTeate], *, tsuchi_date: date) -> list[dict[str, Any]]:
    ids = {a for t in rows for a in (t.atena_id, t.taisho_atena_id)}
    people, blocks = person_identities(ids), address_blocks(ids)
    out: list[dict[str, Any]] = []
    for t in rows:
        p, b, taisho = people.get(t.atena_id), blocks.get(t.atena_id), people.get(t.taisho_atena_id)
        name = ShogaiTeateKind(t.teate).label
        if t.jotai == ShogaiTeateJotai.KYAKKA:
            title = f"{name}認定請求却下通知書"
            bunrei = (
                f"{format_wareki(t.seikyu_date)}に請求のあった{name}の認定は、"
                "次の理由により却下します。"
            )
            rows_ = [
                ["対象の方", taisho.shimei if taisho else ""],
                ["認定請求日", format_wareki(t.seikyu_date)],
                ["却下の理由", t.kyakka_riyu],
            ]
        else:
            assert t.shikyu_kaishi is not None
            title = f"{name}認定通知書"
            bunrei = (
                f"{format_wareki(t.seikyu_date)}に請求のあった{name}について、"
                "次のとおり認定しました。"
            )
            months = "・".join(f"{m}月" for m in sorted(SHIHARAI_TSUKI[t.teate]))
            rows_ = [
                ["証書番号", t.shosho_bango],
                ["対象の方", taisho.shimei if taisho else ""],
                ["支給開始月", wareki_month(t.shikyu_kaishi) + "分から"],
                ["手当の月額", _getsugaku(t)],
                ["支払期月", f"毎年{months}（それぞれ前月分まで）"],
            ]
            if t.kyu:
                rows_.insert(2, ["障害の等級", f"{t.kyu}級"])
            if t.sainintei_date:
                rows_.append(["再認定の時期", format_wareki(t.sainintei_date)])
        out.append(
            {
                "title": title,
                "bunrei": bunrei,
                "rows": rows_,
                "name": p.shimei if p else "",
                "postal": postal(b.postal_code) if b else "",
                "address": (b.jusho + (" " + b.katagaki if b.katagaki else "")) if b else "",
                "tsuchi_date": format_wareki(tsuchi_date),
                "kyoji": KYOJI,
            }
        )
    return out


def tsuchi_render(rows: Sequence[ShogaiTeate], *, tsuchi_date: date) -> bytes:
    return render(
        TEMPLATE,
        common={"title": "障害者・障害児の手当 通知書", "issuer": issuer_name()},
        items=tsuchi_items(rows, tsuchi_date=tsuchi_date),
    )
