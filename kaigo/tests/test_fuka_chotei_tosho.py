"""介護保険料 本算定 onto the ledger's set-based 当初 post (issues 15, 16, 23): the job's
``finish`` posts the 普通徴収 期 through ``chotei_post_tosho`` and the ledger is what the
former ``chotei_post_many`` wrote (the same 期別, 納付番号 and 調定 entries); a repeated
finish writes nothing; 寒川町's ledger is untouched by 葉山町's job."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from kaigo.fuka_jobs import HONSANTEI
from kaigo.models import KaigoFuka, TokuchoTaisho
from kaigo.rules.fuka_kibetsu import FUTSU
from kaigo.services import fuka_chotei
from kaigo.services.fuka_chotei import kaigo_chotei_items, kaigo_tosho_rows
from kaigo.tests.fuka_helpers import ACTOR, alone, hikazei, run_job, set_table
from tenants.db import connection
from tenants.jobs.models import JobStatus
from tenants.jobs.registry import get_kind
from zeimu.public import chotei_post_many

pytestmark = pytest.mark.django_db

FY = 2025
ON = date(2025, 7, 1)

#: every 期別 and 調定 entry of 介護保険料 (ids and the 賦課 id in the ref masked: they
#: differ between two runs), and whether each 納付番号 carries its 期別's id
_LEDGER = """
    SELECT k.key, k.atena_id, k.nendo, k.ki, k.ki_label, k.nouki, left(k.nofu_bango, 4),
        substr(k.nofu_bango, 5, 15)::bigint = k.id, c.kind, c.amount, c."on", c.reason,
        c.created_by, regexp_replace(c.ref, ':[0-9]+:', ':#:')
    FROM zeimu_kibetsu k
    LEFT JOIN zeimu_chotei c ON c.kibetsu_id = k.id
    WHERE k.zeimoku = 'kaigo'
    ORDER BY k.key, 14, c.amount
"""

_FORGET = """
    DELETE FROM zeimu_chotei WHERE kibetsu_id IN
        (SELECT id FROM zeimu_kibetsu WHERE zeimoku = 'kaigo' AND nendo = %s);
    DELETE FROM zeimu_kibetsu WHERE zeimoku = 'kaigo' AND nendo = %s;
    DELETE FROM kaigo_kaigofuka WHERE fiscal_year = %s;
"""


def _ledger() -> list[tuple[Any, ...]]:
    with connection.cursor() as cur:
        cur.execute(_LEDGER)
        return cur.fetchall()


def _old_post_job(*, job_id: int, fiscal_year: int, on: date, actor: Any) -> int:
    """The posting before this change: ``chotei_post_many`` of the items, 2,000 賦課 a call."""
    rows = (
        KaigoFuka.objects.filter(job_id=job_id, fiscal_year=fiscal_year, is_current=True)
        .filter(kibetsu__contains=[{"kind": FUTSU}])
        .order_by("pk")
        .values_list("pk", "fiscal_year", "atena_id", "kibetsu")
    )
    batch = [(pk, fy, a, k, None) for pk, fy, a, k in rows]
    n = 0
    for i in range(0, len(batch), fuka_chotei.BATCH):
        part = batch[i : i + fuka_chotei.BATCH]
        n += len(chotei_post_many(kaigo_chotei_items(part, on=on), actor=actor))
    return n


def _as_row(it: Any) -> tuple[Any, ...]:
    return (it.key, it.atena_id, it.nendo, it.ki, it.ki_label, it.nouki, it.amount, it.ref)


def test_tosho_rows_are_the_items_of_a_fuka_without_a_replaced_version() -> None:
    # 普通徴収 期 out of order, a 0 期, 特別徴収 months left out, a long label cut at 20
    kib = [
        {"ki": 3, "label": "第3期", "due": "2025-09-30", "amount": 6_000, "kind": FUTSU},
        {"ki": 1, "label": "第1期" * 9, "due": "2025-07-31", "amount": 6_100, "kind": FUTSU},
        {"ki": 2, "label": "第2期", "due": "2025-08-31", "amount": 0, "kind": FUTSU},
        {"ki": 10, "label": "10月", "due": "2025-10-15", "amount": 30_000, "kind": "hon",
         "month": 10},
    ]  # fmt: skip
    rows = [(11, FY, 101, kib), (12, FY, 102, kib[3:]), (13, FY, 103, kib[:1])]
    want = [_as_row(it) for it in kaigo_chotei_items([(*r, None) for r in rows], on=ON)]
    assert kaigo_tosho_rows(rows) == want
    assert [r[0] for r in want] == [
        "kaigo:2025:101:1", "kaigo:2025:101:2", "kaigo:2025:101:3", "kaigo:2025:103:3",
    ]  # fmt: skip
    assert want[0][4] == ("第1期" * 9)[:20]


def test_the_ledger_is_what_chotei_post_many_wrote_and_a_second_finish_adds_nothing(
    alpha, beta, monkeypatch, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(beta.municipality)
    set_table()
    other = alone(cap, "佐藤　一郎", "サトウ　イチロウ", "1950-05-01", town="samukawa")
    hikazei(other.pk, FY, 900_000)
    connection.set_tenant(alpha.municipality)
    set_table()
    people = [
        alone(cap, f"試験　{i}", f"シケン　{kana}", "1950-04-10")
        for i, kana in enumerate(("イチ", "ニ", "サン", "ヨン"))
    ]
    for p, nenkin in zip(people, (800_000, 1_000_000, 2_000_000, 1_500_000), strict=True):
        hikazei(p.pk, FY, nenkin)
    TokuchoTaisho.objects.create(
        fiscal_year=FY, atena_id=people[3].pk, nenkin_hokensha="001",
        kiso_nenkin_no="1234567890", nenkin_code="1150", nenkin_gaku=1_500_000,
        tsuchi_month=5, file_name="t.csv", created_by="test",
    )  # fmt: skip
    # the reference: the former posting; then its 年度 is taken away again
    with monkeypatch.context() as m:
        m.setattr(fuka_chotei, "kaigo_chotei_post_job", _old_post_job)
        job = run_job(cap, HONSANTEI, fiscal_year=FY, kijun_date="2025-07-01")
        assert job.status == JobStatus.SUCCEEDED
    reference = _ledger()
    with connection.cursor() as cur:
        cur.execute(_FORGET, [FY, FY, FY])
    assert _ledger() == []
    # the 当初 post is taken, with every 普通徴収 期 of the three
    seen: list[str] = []
    tosho = fuka_chotei.chotei_post_tosho

    def spy(**kw: Any) -> int:
        seen.extend(r[0] for r in kw["rows"])
        return tosho(**kw)

    monkeypatch.setattr(fuka_chotei, "chotei_post_tosho", spy)
    connection.set_tenant(beta.municipality)
    beta_before = _ledger()
    connection.set_tenant(alpha.municipality)
    job = run_job(cap, HONSANTEI, fiscal_year=FY, kijun_date="2025-07-01")
    assert job.status == JobStatus.SUCCEEDED
    assert _ledger() == reference
    assert sorted(seen) == sorted(r[0] for r in reference)
    assert {int(k.split(":")[2]) for k in seen} == {p.pk for p in people[:3]}
    assert all(r[7] and r[8] == "tosho" for r in reference) and len(reference) == 27
    # a second finish (the job's closing step run again): nothing new
    kind = get_kind(HONSANTEI)
    assert kind is not None
    n = fuka_chotei.kaigo_chotei_post_job(job_id=job.pk, fiscal_year=FY, on=ON, actor=ACTOR)
    assert n == 0 and _ledger() == reference
    kind.finish(job)
    assert _ledger() == reference
    # 寒川町's ledger is not touched by 葉山町's job
    connection.set_tenant(beta.municipality)
    assert _ledger() == beta_before == []
