"""催告書 (滞納整理, issue 18 item 6): one letter per taxpayer naming every 期別 in arrears
across every 税目 with the 延滞金 to the 発付日, on the shared print path.

A 催告 is written once per case and 発付日 (``Saikoku``, unique): the mass job and the
single print from the case both call ``saikoku_issue_many``; a chunk run again finds the
rows it wrote and prints them again. The 催告 withholds the 時効 for 6 months (民法第150条,
``zeimu.rules.shuno_taino``); it is not a 督促 (that is sent once, ``shuno_tokusoku``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from juminkiroku.public import address_blocks
from tenants.printing.engine import render
from tenants.wareki import format_nendo, format_wareki
from zeimu.forms.notices import Issuer, Notice, postal, yen
from zeimu.models import KeikaKind, Saikoku, TainoCase, TainoKeika
from zeimu.services.shuno import entaikin_many
from zeimu.services.shuno_taino import Arrear, arrears

TEMPLATE = "zeimu/saikoku.typ"
FORM = "saikoku"

PRINT_DATA_HEADER = [
    "ファイル名", "開始頁", "頁数", "帳票", "催告番号", "宛名番号", "郵便番号", "住所", "方書",
    "宛名", "期別数", "未納額（本税）", "延滞金", "発付日",
]  # fmt: skip


def saikoku_issue_many(
    atena_ids: Sequence[int], *, hakko_date: date, job_id: int | None, created_by: str
) -> list[Saikoku]:
    """Write the 催告 of each taxpayer still in arrears on ``hakko_date`` with none that
    day, and answer the 催告 of these taxpayers that day that belong to this job (or, with
    ``job_id`` None, that were printed singly), in the given order. Set-based: the arrears,
    延滞金, cases and rows of the whole list in a handful of queries. In the caller's
    transaction (the job's chunk)."""
    ids = list(dict.fromkeys(atena_ids))
    rows = arrears(on=hakko_date, atena_ids=ids)
    ent = entaikin_many([r.kibetsu_id for r in rows], paid_on=hakko_date)
    per: dict[int, list[Arrear]] = {}
    for r in rows:
        per.setdefault(r.atena_id, []).append(r)
    existing = set(TainoCase.objects.filter(atena_id__in=per).values_list("atena_id", flat=True))
    TainoCase.objects.bulk_create(
        [TainoCase(atena_id=a) for a in per if a not in existing], ignore_conflicts=True
    )
    cases = dict(TainoCase.objects.filter(atena_id__in=per).values_list("atena_id", "pk"))
    done = set(
        Saikoku.objects.filter(case_id__in=cases.values(), hakko_date=hakko_date).values_list(
            "case_id", flat=True
        )
    )
    new = [
        Saikoku(
            case_id=cases[a],
            hakko_date=hakko_date,
            kibetsu_ids=[r.kibetsu_id for r in items],
            zan=sum(r.zan for r in items),
            entaikin=sum(ent[r.kibetsu_id].entaikin for r in items),
            job_id=job_id,
            created_by=created_by,
        )
        for a, items in per.items()
        if cases[a] not in done
    ]
    # a concurrent writer of the same 催告 makes this fail (unique): the chunk runs again
    made = Saikoku.objects.bulk_create(new)
    TainoKeika.objects.bulk_create(
        TainoKeika(case_id=s.case_id, kind=KeikaKind.SAIKOKU, on=hakko_date,
                   memo=f"催告書 未納額 {s.zan:,}円、延滞金 {s.entaikin:,}円",
                   ref_id=s.pk, created_by=created_by)
        for s in made
        if s.pk is not None
    )  # fmt: skip
    mine = Saikoku.objects.filter(case_id__in=cases.values(), hakko_date=hakko_date)
    mine = mine.filter(job__isnull=True) if job_id is None else mine.filter(job_id=job_id)
    got = {s.case.atena_id: s for s in mine.select_related("case")}
    return [got[a] for a in ids if a in got]


def saikoku_bango(s: Saikoku) -> str:
    return f"S{s.hakko_date.year}-{s.pk:08d}"


def saikoku_notices(rows: Iterable[Saikoku]) -> list[Notice]:
    """The 催告書 of ``rows`` (with their case loaded), each listing the 期別 it names as
    they stood on its 発付日 (balances and 延滞金 read again: two queries a call)."""
    rows = list(rows)
    blocks = address_blocks(s.case.atena_id for s in rows)
    all_ids = [k for s in rows for k in s.kibetsu_ids]
    out = []
    by_day: dict[date, dict[int, Arrear]] = {}
    ent_by_day: dict[date, dict[int, int]] = {}
    for day in {s.hakko_date for s in rows}:
        by_day[day] = {a.kibetsu_id: a for a in arrears(on=day, kibetsu_ids=all_ids)}
        ent_by_day[day] = {
            k: r.entaikin for k, r in entaikin_many(list(by_day[day]), paid_on=day).items()
        }
    for s in rows:
        b = blocks[s.case.atena_id]
        lines = [by_day[s.hakko_date][k] for k in s.kibetsu_ids if k in by_day[s.hakko_date]]
        table = [
            [a.zeimoku_label, f"{format_nendo(a.nendo)} {a.ki_label}", format_wareki(a.nouki),
             yen(a.zan) + "円", yen(ent_by_day[s.hakko_date].get(a.kibetsu_id, 0)) + "円"]
            for a in lines
        ]  # fmt: skip
        item = {
            "postal": postal(b.postal_code),
            "address": b.jusho,
            "katagaki": b.katagaki,
            "name": b.shimei,
            "atena_no": b.atena_no,
            "bango": saikoku_bango(s),
            "hakko": format_wareki(s.hakko_date),
            "rows": table,
            "zan": yen(s.zan) + "円",
            "entaikin": yen(s.entaikin) + "円",
            "total": yen(s.zan + s.entaikin) + "円",
        }
        csv = ["催告書", saikoku_bango(s), b.atena_no, b.postal_code, b.jusho, b.katagaki,
               b.shimei, len(lines), s.zan, s.entaikin, s.hakko_date.isoformat()]  # fmt: skip
        out.append(Notice(item=item, csv=csv, atena_ids=[s.case.atena_id]))
    return out


def saikoku_render(notices: Sequence[Notice], *, issuer: Issuer) -> bytes:
    """催告書 (one A4 page each): mass print and single print both call this."""
    return render(
        TEMPLATE,
        common={
            "title": "催告書",
            "issuer": issuer.title,
            "lead": (
                "下記の税金等は、督促状を発付した後も納付が確認できません。至急納付してください。"
                "納付が困難な事情があるときは、必ず下記までご相談ください。"
            ),
            "note": (
                "このまま納付がない場合は、地方税法の規定により、財産（預貯金・給与・不動産等）の"
                "差押えを行うことがあります。延滞金は発付日現在の額で、納付の日までの日数に応じて"
                "増えます。既に納付された場合は行き違いですのでご容赦ください。"
            ),
            "contact": f"お問い合わせ　{issuer.name}役場 税務担当（収納）",
            "heads": ["税目", "年度・期別", "納期限", "未納額（本税）", "延滞金"],
        },
        items=[n.item for n in notices],
    )


def saikoku_single(*, atena_id: int, hakko_date: date, actor_name: str) -> Saikoku | None:
    """One 催告書 from the case screen (the same rows and rendering as the job's); None when
    the taxpayer has nothing in arrears on the day. A second call the same day answers the
    催告 already written."""
    from django.db import transaction

    with transaction.atomic(durable=True):
        rows = saikoku_issue_many(
            [atena_id], hakko_date=hakko_date, job_id=None, created_by=actor_name
        )
        if rows:
            return rows[0]
        return (
            Saikoku.objects.filter(case__atena_id=atena_id, hakko_date=hakko_date)
            .select_related("case")
            .first()
        )
