"""保育料（利用者負担額）決定通知書 on the shared print path (Typst, tenants.printing.engine):
one page per child and 年度 with the fee of every month computed (``HoikuryoGetsugaku``),
addressed to the 保護者; and the 決定（変更）通知書 of the fees a 算定 changed (the September
切替 job): one page per household (保護者) with each changed child's months, before and
after. The placement is ours; no national 様式 was found.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from fukushi.models.hoiku import (
    Hitsuyoryo,
    HoikuNyusho,
    HoikuRireki,
    HoikuryoGetsugaku,
    KeigenKind,
    NinteiKubun,
)
from juminkiroku.public import address_blocks, person_identities
from tenants.labels import postal, wareki_month
from tenants.printing.engine import render
from tenants.wareki import format_nendo, format_wareki

TEMPLATE = "fukushi/hoiku_ryo_tsuchi.typ"
FORM_LABEL = "保育料（利用者負担額）決定通知書"
HENKO_TEMPLATE = "fukushi/hoiku_ryo_henko_tsuchi.typ"
HENKO_LABEL = "保育料（利用者負担額）決定（変更）通知書"


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


@dataclass
class HenkoTsuchi:
    """One household's page: the 保護者 and the rows (child, month, before, after)."""

    hogosha_atena_id: int
    item: dict[str, object]
    atena_ids: list[int] = field(default_factory=list)


def _note(g: HoikuryoGetsugaku) -> str:
    if g.mushoka:
        return "無償化の対象"
    keigen = f"・{KeigenKind(g.keigen).label}の軽減" if g.keigen else ""
    return f"第{g.kaiso_no}階層・第{g.tashi_order}子{keigen}"


def _birth(people: dict[int, Any], aid: int) -> date:
    p = people.get(aid)
    return p.birth_date if p is not None else date.min


def henko_tsuchi(*, job_id: int | None = None, rireki_ids: Iterable[int] = ()) -> list[HenkoTsuchi]:
    """The 決定（変更）通知書 of the fees changed by a 算定: the history rows of job
    ``job_id`` (the September job) or the rows ``rireki_ids``; the fee before is the
    earliest row's ``before`` of a child and month, the fee after the one now stored.
    One notice per 保護者, households in 宛名 order; a household whose 保護者 is not in
    the registry is left out."""
    qs = HoikuRireki.objects.filter(action="hoikuryo_santei")
    qs = qs.filter(detail__job_id=job_id) if job_id is not None else qs.filter(pk__in=rireki_ids)
    before: dict[tuple[int, str], int | None] = {}
    for r in qs.order_by("id"):
        if r.atena_id is not None:
            before.setdefault((r.atena_id, str(r.detail["month"])), r.detail.get("before"))
    if not before:
        return []
    children = {aid for aid, _ in before}
    now = {
        (g.atena_id, g.month.isoformat()): g
        for g in HoikuryoGetsugaku.objects.filter(atena_id__in=children)
        .filter(month__in={date.fromisoformat(m) for _, m in before})
        .select_related("nintei")
    }
    by_parent: dict[int, list[tuple[int, str]]] = {}
    for key in sorted(before, key=lambda k: (k[1], k[0])):
        g = now.get(key)
        if g is not None and g.amount != before[key]:
            by_parent.setdefault(g.nintei.hogosha_atena_id, []).append(key)
    people = person_identities(children | set(by_parent))
    blocks = address_blocks(list(by_parent))
    out: list[HenkoTsuchi] = []
    for parent in sorted(by_parent):
        pi, block = people.get(parent), blocks.get(parent)
        if pi is None or block is None:
            continue
        keys = sorted(by_parent[parent], key=lambda k: (_birth(people, k[0]), k[0], k[1]))
        rows = []
        for aid, month in keys:
            g = now[(aid, month)]
            child = people.get(aid)
            old = before[(aid, month)]
            rows.append(
                {
                    "child": child.shimei if child else "",
                    "month": wareki_month(g.month),
                    "before": "（なし）" if old is None else _yen(old),
                    "after": _yen(g.amount),
                    "note": _note(g),
                }
            )
        nendo = now[keys[0]].nendo
        out.append(
            HenkoTsuchi(
                hogosha_atena_id=parent,
                item={
                    "postal": postal(block.postal_code),
                    "address": block.jusho,
                    "katagaki": block.katagaki,
                    "hogosha": pi.shimei,
                    "lead": (
                        f"{format_nendo(nendo)}の保育料（利用者負担額）を、市町村民税の課税の状況などに"
                        "より次のとおり変更しましたので通知します（子ども・子育て支援法施行令第4条）。"
                    ),
                    "rows": rows,
                },
                atena_ids=sorted({parent, *(k[0] for k in keys)}),
            )
        )
    return out


def henko_render(
    notices: list[HenkoTsuchi], *, issuer: str, hakko_date: date, timestamp: datetime | None = None
) -> bytes:
    return render(
        HENKO_TEMPLATE,
        common={"title": HENKO_LABEL, "issuer": issuer, "hakko": format_wareki(hakko_date)},
        items=[n.item for n in notices],
        timestamp=timestamp,
    )
