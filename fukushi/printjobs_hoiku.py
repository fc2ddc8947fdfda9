"""保育料（利用者負担額）決定通知書 on the shared print path (Typst, tenants.printing.engine):
one page per child and 年度 with the fee of every month computed (``HoikuryoGetsugaku``),
addressed to the 保護者. The placement is ours; no national 様式 was found.
"""

from __future__ import annotations

from datetime import date

from fukushi.models.hoiku import Hitsuyoryo, HoikuNyusho, HoikuryoGetsugaku, NinteiKubun
from juminkiroku.public import address_blocks, person_identities
from tenants.labels import postal
from tenants.printing.engine import render
from tenants.wareki import format_nendo, format_wareki

TEMPLATE = "fukushi/hoiku_ryo_tsuchi.typ"
FORM_LABEL = "保育料（利用者負担額）決定通知書"


def _yen(n: int) -> str:
    return f"{n:,}円"


def hoikuryo_tsuchi_render(
    *, atena_id: int, nendo: int, issuer: str, hakko_date: date
) -> bytes | None:
    """The notice of one child's fees of ``nendo``, or None when nothing was computed or
    the child or the 保護者 is not in the registry."""
    rows = list(
        HoikuryoGetsugaku.objects.filter(atena_id=atena_id, nendo=nendo)
        .select_related("nintei")
        .order_by("month")
    )
    if not rows:
        return None
    nintei = rows[-1].nintei
    people = person_identities([atena_id, nintei.hogosha_atena_id])
    block = address_blocks([nintei.hogosha_atena_id]).get(nintei.hogosha_atena_id)
    child, parent = people.get(atena_id), people.get(nintei.hogosha_atena_id)
    if child is None or parent is None or block is None:
        return None
    nyusho = (
        HoikuNyusho.objects.filter(atena_id=atena_id, start_date__lte=rows[-1].month)
        .select_related("shisetsu")
        .order_by("-start_date")
        .first()
    )
    item = {
        "postal": postal(block.postal_code),
        "address": block.jusho,
        "katagaki": block.katagaki,
        "hogosha": parent.shimei,
        "child": child.shimei,
        "atena_no": child.atena_no,
        "birth": format_wareki(child.birth_date),
        "nendo": format_nendo(nendo),
        "kubun": NinteiKubun(nintei.kubun).label,
        "hitsuyoryo": Hitsuyoryo(nintei.hitsuyoryo).label if nintei.hitsuyoryo else "―",
        "shisetsu": nyusho.shisetsu.name if nyusho else "―",
        "months": [
            {
                "month": f"{g.month.month}月",
                "kaiso": (
                    "無償化の対象"
                    if g.mushoka
                    else f"第{g.kaiso_no}階層 {g.kaiso_label}（{format_nendo(g.kazei_nendo)}）"
                ),
                "kijun": _yen(g.kijun),
                "tashi": f"第{g.tashi_order}子",
                "amount": _yen(g.amount),
            }
            for g in rows
        ],
    }
    return render(
        TEMPLATE,
        common={"title": FORM_LABEL, "issuer": issuer, "hakko": format_wareki(hakko_date)},
        items=[item],
    )
