"""国保税 本算定 onto the ledger's set-based 当初 post (issues 15, 16, 23): a household's
first 賦課 of the year goes through ``chotei_post_tosho``, a 本算定 over a 仮算定 through
``chotei_post_many``, and the ledger is what the former single ``chotei_post_many`` of
every item wrote (the same 期別, 納付番号 and 調定 entries); a chunk run again writes
nothing twice; 寒川町's ledger is untouched by 葉山町's job."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.db import transaction

from juminkiroku.tests.factories import person_fields
from kokuho.fuka_jobs import HONSANTEI
from kokuho.services import fuka_chotei
from kokuho.services.fuka_chotei import _Row, kokuho_chotei_items, kokuho_tosho_rows
from kokuho.tests.factories import tennyu
from kokuho.tests.fuka_helpers import ACTOR, run_job, set_rates
from tenants.db import connection
from tenants.jobs.models import JobStatus
from tenants.jobs.registry import get_kind
from tenants.jobs.services import job_start
from zeimu.public import ChoteiPosted, chotei_post_many
from zeimu.tests.factories import kazei

pytestmark = pytest.mark.django_db

FY = 2025
ON = date(2025, 7, 1)


#: every 期別 and 調定 entry of 国保税 (ids and the 賦課 id in the ref masked: they differ
#: between two runs), and whether each 納付番号 carries its 期別's id
_LEDGER = """
    SELECT k.key, k.atena_id, k.nendo, k.ki, k.ki_label, k.nouki, left(k.nofu_bango, 4),
        k.nofu_bango = zeimu_nofu_ok.nb, c.kind, c.amount, c."on", c.reason, c.created_by,
        regexp_replace(c.ref, ':[0-9]+:', ':#:')
    FROM zeimu_kibetsu k
    LEFT JOIN zeimu_chotei c ON c.kibetsu_id = k.id
    CROSS JOIN LATERAL (SELECT left(k.nofu_bango, 4) || lpad(k.id::text, 15, '0')
        || right(k.nofu_bango, 1) AS nb) AS zeimu_nofu_ok
    WHERE k.zeimoku = 'kokuhozei'
    ORDER BY k.key, 14, c.amount
"""


_FORGET = """
    DELETE FROM zeimu_chotei WHERE kibetsu_id IN
        (SELECT id FROM zeimu_kibetsu WHERE zeimoku = 'kokuhozei' AND nendo = %s);
    DELETE FROM zeimu_kibetsu WHERE zeimoku = 'kokuhozei' AND nendo = %s;
    DELETE FROM kokuho_kokuhofuka WHERE fiscal_year = %s;
"""


def _ledger() -> list[tuple[Any, ...]]:
    with connection.cursor() as cur:
        cur.execute(_LEDGER)
        return cur.fetchall()


def _old_post_chunk(
    *, job_id: int, fiscal_year: int, setai_ids: list[int], on: date, actor: Any
) -> list[ChoteiPosted]:
    """The posting before this change: every item of the chunk in one ``chotei_post_many``."""
    rows: list[_Row] = []
    before: dict[int, Any] = {}
    with connection.cursor() as cur:
        cur.execute(fuka_chotei._CHUNK_ROWS, [list(setai_ids), fiscal_year, job_id])
        for pk, fy, setai, gimusha, kib, old_pk, old_gimusha, old_kib in cur.fetchall():
            rows.append(_Row(pk, fy, setai, gimusha, json.loads(kib)))
            if old_pk is not None:
                before[pk] = _Row(old_pk, fy, setai, old_gimusha, json.loads(old_kib))
    return chotei_post_many(kokuho_chotei_items(rows, before, on=on), actor=actor)


def _as_row(it: Any) -> tuple[Any, ...]:
    return (it.key, it.atena_id, it.nendo, it.ki, it.ki_label, it.nouki, it.amount, it.ref)


def test_tosho_rows_are_the_items_of_a_first_fuka() -> None:
    # 普通徴収 期 (with and without "kind"), pension months (仮徴収・本徴収) left out, a long
    # label cut at 20, a 0 期, and a row without 世帯主 (nothing posted)
    futsu = [
        {"ki": 1, "label": "第1期", "due": "2025-07-31", "amount": 12_000},
        {"ki": 2, "label": "第2期" * 8, "due": "2025-08-31", "amount": 0, "kind": "futsu"},
        {"ki": 101, "label": "特別徴収・仮徴収", "due": "2025-04-15", "amount": 9_000,
         "kind": "kari"},
        {"ki": 104, "label": "特別徴収・本徴収", "due": "2025-10-15", "amount": 9_000,
         "kind": "hon"},
        {"ki": 3, "label": "第3期", "due": "2025-09-30", "amount": 11_000},
    ]  # fmt: skip
    rows = [
        _Row(7, FY, 30, 31, futsu),
        _Row(8, FY, 40, 0, futsu),
        _Row(9, FY, 50, 51, []),
        _Row(10, FY, 60, 61, futsu[:1]),
    ]
    want = [_as_row(it) for it in kokuho_chotei_items(rows, {}, on=ON)]
    assert kokuho_tosho_rows(rows) == want
    assert [r[0] for r in want] == [
        "kokuhozei:2025:30:31:1", "kokuhozei:2025:30:31:2", "kokuhozei:2025:30:31:3",
        "kokuhozei:2025:60:61:1",
    ]  # fmt: skip
    assert want[1][4] == ("第2期" * 8)[:20]


def _world(capture: Any) -> tuple[Any, Any]:
    """葉山町 with 仮算定 in 2 期: A (a 賦課 of the year before: 仮算定, then 本算定 over it)
    and B (moved in after the previous 本算定: no 仮算定, a first 賦課 at the 本算定)."""
    set_rates({"kokuho.fuka.karisantei_kisu": 2})
    _, (a,) = tennyu(capture, members=[person_fields()], day=date(2020, 4, 1))
    kazei(a.pk, FY - 1, kyuyo=3_000_000)
    kazei(a.pk, FY, kyuyo=2_000_000)
    run_job(capture, HONSANTEI, fiscal_year=FY - 1, kijun_date="2024-07-01")
    _, (b,) = tennyu(
        capture,
        members=[person_fields(shimei="鈴木　花子", shimei_kana="スズキ　ハナコ")],
        day=date(2025, 1, 10),
    )
    kazei(b.pk, FY, kyuyo=4_000_000)
    return a, b


def _kari_then_hon(capture: Any) -> None:
    kari = run_job(capture, HONSANTEI, fiscal_year=FY, kijun_date="2025-04-01", santei="kari")
    hon = run_job(capture, HONSANTEI, fiscal_year=FY, kijun_date="2025-07-01")
    assert (kari.status, hon.status) == (JobStatus.SUCCEEDED, JobStatus.SUCCEEDED)


def test_the_ledger_is_what_chotei_post_many_of_every_item_wrote(
    alpha, beta, monkeypatch, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(beta.municipality)
    set_rates()
    _, (other,) = tennyu(cap, "samukawa", members=[person_fields()], day=date(2020, 4, 1))
    kazei(other.pk, FY, kyuyo=2_500_000)
    connection.set_tenant(alpha.municipality)
    a, b = _world(cap)
    # the reference: the former posting; then its 年度 is taken away again (the 賦課 and
    # the ledger's 期別 of 令和7年度: the 本算定 of the year before stays)
    with monkeypatch.context() as m:
        m.setattr("kokuho.fuka_jobs.kokuho_chotei_post_chunk", _old_post_chunk)
        _kari_then_hon(cap)
    reference = _ledger()
    with connection.cursor() as cur:
        cur.execute(_FORGET, [FY, FY, FY])
    # the two paths are both taken: B's 期 as 当初 rows, A's 本算定 as items
    seen: dict[str, list[Any]] = {"tosho": [], "many": []}
    tosho, many = fuka_chotei.chotei_post_tosho, fuka_chotei.chotei_post_many

    def spy_tosho(**kw: Any) -> int:
        seen["tosho"] += [r[0] for r in kw["rows"]]
        return tosho(**kw)

    def spy_many(items: Any, **kw: Any) -> Any:
        seen["many"] += [it.key for it in items]
        return many(items, **kw)

    monkeypatch.setattr(fuka_chotei, "chotei_post_tosho", spy_tosho)
    monkeypatch.setattr(fuka_chotei, "chotei_post_many", spy_many)
    connection.set_tenant(beta.municipality)
    beta_before = _ledger()
    connection.set_tenant(alpha.municipality)
    _kari_then_hon(cap)
    assert _ledger() == reference
    assert {k.split(":")[3] for k in seen["many"]} == {str(a.pk)}
    assert {k.split(":")[3] for k in seen["tosho"]} == {str(a.pk), str(b.pk)}  # A's 仮算定
    # every 納付番号 carries its 期別's id; B has 当初 調定 only, A 当初 then 増額 or 減額
    assert reference and all(r[7] for r in reference)
    kinds = {(r[1], r[8]) for r in reference}
    assert (b.pk, "tosho") in kinds and (b.pk, "zogaku") not in kinds
    assert any(r[1] == a.pk and r[8] in ("zogaku", "gengaku") for r in reference)
    # 寒川町's ledger is not touched by 葉山町's jobs, and its own 本算定 posts its own
    connection.set_tenant(beta.municipality)
    assert _ledger() == beta_before == []
    run_job(cap, HONSANTEI, fiscal_year=FY, kijun_date="2025-07-01")
    assert {r[1] for r in _ledger()} == {other.pk}
    connection.set_tenant(alpha.municipality)
    assert _ledger() == reference


def test_a_chunk_run_again_posts_nothing_new(alpha, django_capture_on_commit_callbacks):
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(alpha.municipality)
    set_rates()
    for shimei, kana in (("山田　一郎", "ヤマダ　イチロウ"), ("田中　次郎", "タナカ　ジロウ")):
        _, (p,) = tennyu(
            cap, members=[person_fields(shimei=shimei, shimei_kana=kana)], day=date(2020, 4, 1)
        )
        kazei(p.pk, FY, kyuyo=2_400_000)
    job = job_start(kind=HONSANTEI, params={"fiscal_year": FY, "kijun_date": "2025-06-01"},
                    actor=ACTOR)  # fmt: skip
    kind = get_kind(HONSANTEI)
    assert kind is not None
    (chunk,) = job.chunks.all()
    # killed in the middle: nothing of the chunk stays in the ledger
    with pytest.raises(RuntimeError), transaction.atomic():
        kind.run_chunk(job, chunk)
        assert _ledger()
        raise RuntimeError("SIGKILL")
    assert _ledger() == []
    with transaction.atomic():
        kind.run_chunk(job, chunk)
    first = _ledger()
    assert len({r[0] for r in first}) == len(first) > 0
    # delivered again: the 当初 post meets its own keys and falls back; nothing new
    with transaction.atomic():
        kind.run_chunk(job, chunk)
    assert _ledger() == first
    setai_ids = [int(raw[0]) for raw in chunk.params["setai"]]  # (SetaiPlan.from_json)
    n = fuka_chotei.kokuho_chotei_post_chunk(
        job_id=job.pk, fiscal_year=FY, setai_ids=setai_ids, on=ON, actor=ACTOR
    )
    assert n == 0 and _ledger() == first
