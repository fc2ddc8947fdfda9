"""心身障害者医療 受給者証, one card per page, on the shared print path
(``tenants.printing.engine``, Typst template ``fukushi/shinshin_jukyushasho.typ``).

The card is shown at the clinic: it carries the 受給者番号, 氏名, 生年月日 (和暦), the
有効期間 and the kind of 手帳 that is its 根拠 — not the 等級 or 部位 (the clinic needs to know
the card is valid, not the disability's detail). The official 様式 of each town was not at
hand: the placement is ours.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from fukushi.models import ShinshinJukyusha, ShinshinKoshinKekka, ShinshinRireki
from fukushi.rules.shogai_techo import KIND_LABELS
from juminkiroku.public import address_blocks, person_identities
from tenants.labels import postal
from tenants.printing.engine import render
from tenants.printing.yearly import issuer_name
from tenants.wareki import format_wareki

TEMPLATE = "fukushi/shinshin_jukyushasho.typ"
TITLE = "心身障害者医療費助成 受給者証"


def card_items(rows: Sequence[ShinshinJukyusha]) -> list[dict[str, Any]]:
    names = person_identities(j.atena_id for j in rows)
    out: list[dict[str, Any]] = []
    for j in rows:
        p = names.get(j.atena_id)
        out.append(
            {
                "bango": j.jukyusha_bango,
                "name": p.shimei if p else "",
                "birth": format_wareki(p.birth_date) if p else "",
                "kikan": f"{format_wareki(j.yuko_kaishi)}から{format_wareki(j.yuko_shuryo)}まで",
                "konkyo": KIND_LABELS[j.techo.kind],
            }
        )
    return out


def card_render(rows: Sequence[ShinshinJukyusha], *, hakko: date) -> bytes:
    return render(
        TEMPLATE,
        common={"title": TITLE, "issuer": issuer_name(), "hakko": format_wareki(hakko)},
        items=card_items(rows),
    )


# --- 資格喪失通知書 (a 見直し ended the certificate) -------------------------------------------

#: the one-page notice layout (title, 文例, rows, 教示) the 手当's 通知書 use
SOSHITSU_TEMPLATE = "fukushi/shogai_teate_tsuchi.typ"
SOSHITSU_TITLE = "心身障害者医療費助成 資格喪失通知書"
SOSHITSU_KYOJI = (
    "この処分に不服がある場合は、この処分があったことを知った日の翌日から起算して3か月以内に、"
    "審査請求をすることができます（行政不服審査法第18条）。"
)


def soshitsu_items(rows: Sequence[ShinshinJukyusha], *, tsuchi_date: date) -> list[dict[str, Any]]:
    """The 資格喪失通知書 of each certificate a 見直し ended: the 受給者番号, the 資格喪失日
    (the day after its last valid day), the reason as the 見直し recorded it, and the request
    to return the card. Others are skipped. Three queries for any number."""
    rows = [j for j in rows if j.shikkaku_jiyu == "minaoshi"]
    ids = {j.atena_id for j in rows}
    people, blocks = person_identities(ids), address_blocks(ids)
    reasons: dict[int, str] = {}
    for jid, naiyo in (
        ShinshinRireki.objects.filter(jukyusha__in=rows, kind="shikkaku")
        .order_by("created_at", "id")
        .values_list("jukyusha_id", "naiyo")
    ):
        reasons[jid] = naiyo.split("：", 1)[-1]
    out: list[dict[str, Any]] = []
    for j in rows:
        p, b = people.get(j.atena_id), blocks.get(j.atena_id)
        soshitsu = j.yuko_shuryo + timedelta(days=1)
        out.append(
            {
                "title": SOSHITSU_TITLE,
                "bunrei": (
                    "障害者手帳の変更により受給者証を見直した結果、心身障害者医療費助成の"
                    f"資格を{format_wareki(soshitsu)}に喪失しましたので通知します。"
                    f"{format_wareki(soshitsu)}以後の診療にはこの受給者証を使えません。"
                    "お手元の受給者証を返還してください。"
                ),
                "rows": [
                    ["受給者番号", j.jukyusha_bango],
                    ["生年月日", format_wareki(p.birth_date) if p else ""],
                    ["資格喪失日", format_wareki(soshitsu)],
                    ["受給者証の有効期間", f"{format_wareki(j.yuko_kaishi)}から"
                     f"{format_wareki(j.yuko_shuryo)}まで"],
                    ["喪失の理由", reasons.get(j.pk, "")],
                ],
                "name": p.shimei if p else "",
                "postal": postal(b.postal_code) if b else "",
                "address": (b.jusho + (" " + b.katagaki if b.katagaki else "")) if b else "",
                "tsuchi_date": format_wareki(tsuchi_date),
                "kyoji": SOSHITSU_KYOJI,
            }
        )  # fmt: skip
    return out


def soshitsu_render(rows: Sequence[ShinshinJukyusha], *, tsuchi_date: date) -> bytes:
    return render(
        SOSHITSU_TEMPLATE,
        common={"title": SOSHITSU_TITLE, "issuer": issuer_name()},
        items=soshitsu_items(rows, tsuchi_date=tsuchi_date),
    )


# --- 一斉更新の通知 (SG-18: the job's result) ---------------------------------------------------

KOSHIN_TITLE = "心身障害者医療費助成 受給者証の更新について（通知）"
KOSHIN_SHURYO_TITLE = "心身障害者医療費助成 受給者証を更新しないことについて（通知）"


def koshin_items(rows: Sequence[ShinshinKoshinKekka], *, tsuchi_date: date) -> list[dict[str, Any]]:
    """One notice per result of an 一斉更新: renewed (the new 有効期間; the new card is
    enclosed) or not renewed (the last valid day, the reasons, the card to return)."""
    ids = {k.jukyusha.atena_id for k in rows}
    people, blocks = person_identities(ids), address_blocks(ids)
    out: list[dict[str, Any]] = []
    for k in rows:
        j = k.jukyusha
        p, b = people.get(j.atena_id), blocks.get(j.atena_id)
        if k.kekka == "koshin":
            title = KOSHIN_TITLE
            bunrei = (
                "受給者証の一斉更新の結果、心身障害者医療費助成の受給者証を更新しましたので"
                "通知します。新しい受給者証を同封します。"
            )
            rows_ = [
                ["受給者番号", j.jukyusha_bango],
                [
                    "新しい有効期間",
                    f"{format_wareki(k.kaishi)}から{format_wareki(k.yuko_shuryo)}まで",
                ],
                ["根拠", k.konkyo],
            ]
        else:
            title = KOSHIN_SHURYO_TITLE
            bunrei = (
                "受給者証の一斉更新の結果、心身障害者医療費助成の受給者証を更新しないことと"
                f"しましたので通知します。{format_wareki(k.kaishi)}以後の診療にはこの受給者証を"
                "使えません。お手元の受給者証を返還してください。"
            )
            rows_ = [
                ["受給者番号", j.jukyusha_bango],
                ["受給者証の有効期間の終了日", format_wareki(k.yuko_shuryo)],
                ["更新しない理由", k.riyu],
            ]
        out.append(
            {
                "title": title,
                "bunrei": bunrei,
                "rows": [["生年月日", format_wareki(p.birth_date) if p else ""], *rows_],
                "name": p.shimei if p else "",
                "postal": postal(b.postal_code) if b else "",
                "address": (b.jusho + (" " + b.katagaki if b.katagaki else "")) if b else "",
                "tsuchi_date": format_wareki(tsuchi_date),
                "kyoji": SOSHITSU_KYOJI if k.kekka == "shuryo" else "",
            }
        )
    return out


def koshin_render(rows: Sequence[ShinshinKoshinKekka], *, tsuchi_date: date) -> bytes:
    return render(
        SOSHITSU_TEMPLATE,
        common={"title": KOSHIN_TITLE, "issuer": issuer_name()},
        items=koshin_items(rows, tsuchi_date=tsuchi_date),
    )
