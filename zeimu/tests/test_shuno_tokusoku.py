"""督促 (issue 18 item 6): the job writes one 督促 per 期別 unpaid after its 納期限 (指定期限 =
発付日 + 10日, the town's 督促手数料), prints the 督促状 on the shared print path (read back),
flags one sent after the 20 days with a warning, is idempotent (a second job and a chunk run
again write nothing twice), and 葉山町's job never reaches 寒川町's 期別 (nor the other way)."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from django.core.files.storage import default_storage
from pypdf import PdfReader

from juminkiroku.tests.factories import family, household_tennyu
from tenants.accesslog.models import AccessAction, AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.jobs.models import Job, JobFile, JobLogLine, JobStatus
from tenants.jobs.registry import get_kind
from tenants.jobs.services import job_start
from tenants.params.tenant.services import municipal_parameter_set
from zeimu.models import Kibetsu, Tokusoku, Zeimoku
from zeimu.services.shuno import TESURYO_KEY, chotei_post, madoguchi_nofu
from zeimu.services.shuno_tokusoku import tokusoku_candidates, tokusoku_issue_many
from zeimu.shuno_tokusoku_jobs import TOKUSOKU
from zeimu.tests.factories import grant_beta_shuno

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="tester")


def post(atena_id: int, key: str, amount: int, nouki: date, *, ki: int = 1) -> Any:
    return chotei_post(
        zeimoku=Zeimoku.JUMINZEI,
        key=key,
        atena_id=atena_id,
        nendo=2025,
        ki=ki,
        ki_label=f"第{ki}期",
        nouki=nouki,
        amount=amount,
        ref=f"{key}:tosho",
        on=date(2025, 6, 1),
        actor=ACTOR,
    )


def read(f: JobFile) -> bytes:
    with default_storage.open(f.path, "rb") as fh:
        return bytes(fh.read())


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)


def run(params: dict[str, Any], capture: Any) -> Job:
    with capture(execute=True):
        job = job_start(kind=TOKUSOKU, params=params, actor=ACTOR)
    job.refresh_from_db()
    return job


@pytest.fixture
def hayama(in_alpha: Any) -> dict[str, Any]:
    """A taxpayer with: 第1期 unpaid (65,000, 納期限 2025-06-30), 第2期 paid in full at the
    窓口, 第3期 not yet due (2099); and a second person's 第1期 part paid (40,000 of 50,000)."""
    _, (head, wife, *_) = household_tennyu("hayama", members=family(), ido_date=date(2020, 4, 1))
    unpaid = post(head.pk, "h1", 65_000, date(2025, 6, 30))
    paid = post(head.pk, "h2", 30_000, date(2025, 6, 30), ki=2)
    future = post(head.pk, "h3", 30_000, date(2099, 8, 31), ki=3)
    part = post(wife.pk, "w1", 50_000, date(2025, 6, 30))
    madoguchi_nofu(
        nofu_bango=paid.nofu_bango, amount=30_000, shuno_date=date(2025, 6, 20), actor=ACTOR
    )
    madoguchi_nofu(
        nofu_bango=part.nofu_bango, amount=40_000, shuno_date=date(2025, 7, 1), actor=ACTOR
    )
    return {"head": head, "wife": wife, "unpaid": unpaid, "paid": paid, "future": future,
            "part": part}  # fmt: skip


def test_the_job_sends_one_tokusoku_per_unpaid_kibetsu_and_prints_it(
    hayama: Any, job_cleanup: list[Job], django_capture_on_commit_callbacks: Any
) -> None:
    # given: the town's 条例 sets a 督促手数料 of 100円
    municipal_parameter_set(
        key="zeimu.shuno.tokusoku.tesuryo",
        fiscal_year=2025,
        value_text="100",
        reason="町税条例第X条（テスト）",
        actor=ACTOR,
    )
    # when: 督促 of every 期別 due, sent on 15 July 2025 (15 days after the 納期限)
    job = run({"hakko_date": "2025-07-15"}, django_capture_on_commit_callbacks)
    job_cleanup.append(job)
    # then: the unpaid and the part-paid 第1期; not the paid one nor the one not yet due.
    # 指定期限: 「督促状を発した日から起算して10日を経過した日」(地方税法第331条第1項第1号) is
    # the 11th day, 発付日 + 10 (みずき法律事務所 "税金の督促状の納期限は10日後?": 4月7日 → 4月17日)
    assert job.status == JobStatus.SUCCEEDED, [c.error for c in job.chunks.all()]
    rows = {t.kibetsu_id: t for t in Tokusoku.objects.all()}
    assert set(rows) == {hayama["unpaid"].kibetsu_id, hayama["part"].kibetsu_id}
    t = rows[hayama["unpaid"].kibetsu_id]
    assert (t.hakko_date, t.shitei_kigen, t.zan, t.tesuryo, t.late) == (
        date(2025, 7, 15), date(2025, 7, 25), 65_000, 100, False,
    )  # fmt: skip
    assert rows[hayama["part"].kibetsu_id].zan == 10_000
    # the 督促状, read back from the job's PDF
    pdf = JobFile.objects.get(job=job, name=f"tokusoku_{job.pk}_0001_tokusoku.pdf")
    text = pdf_text(read(pdf))
    assert len(PdfReader(io.BytesIO(read(pdf))).pages) == 2
    assert "督促状" in text and "65,000円" in text and "10,000円" in text
    assert "令和7年7月25日" in text and "令和7年7月15日" in text and "令和7年6月30日" in text
    assert hayama["unpaid"].nofu_bango in text and "65,100円" in text
    # the print-data CSV for the print house
    data = read(JobFile.objects.get(job=job, name=f"tokusoku_{job.pk}_print_data.csv"))
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert lines[0][:5] == ["ファイル名", "開始頁", "頁数", "帳票", "督促番号"]
    assert [r[15] for r in lines[1:]] == ["65000", "10000"]  # 未納額
    # one PRINT row naming both people
    printed = AccessLog.objects.get(action=AccessAction.PRINT, screen=f"job:{TOKUSOKU}")
    assert sorted(printed.detail["atena_ids"]) == sorted([hayama["head"].pk, hayama["wife"].pk])

    # a second job of the same day finds nothing left
    again = run({"hakko_date": "2025-07-15"}, django_capture_on_commit_callbacks)
    job_cleanup.append(again)
    assert again.status == JobStatus.SUCCEEDED and again.total == 0
    assert Tokusoku.objects.count() == 2

    # kill-safe: the chunk delivered again prints the same 督促 and writes none
    kind = get_kind(TOKUSOKU)
    assert kind is not None
    chunk = job.chunks.get()
    kind.run_chunk(job, chunk)
    assert Tokusoku.objects.count() == 2
    assert pdf_text(read(JobFile.objects.get(job=job, name=pdf.name))) == text
    _the_fee_is_a_receivable_on_the_ledger(hayama, django_capture_on_commit_callbacks)


def _the_fee_is_a_receivable_on_the_ledger(hayama: Any, capture: Any) -> None:
    """S-11: each 督促's 100円 is the 調定 of its own 期別 under the tax's 税目, once however
    often the chunk runs; it is on the taxpayer's ledger, paid like any 期別, bears no 延滞金
    and gets no 督促 of its own."""
    from zeimu.models import Chotei, ChoteiKind, Kibetsu
    from zeimu.services.shuno import TESURYO_KEY, entaikin_of, taxpayer_balances

    fees = Kibetsu.objects.filter(key__startswith=TESURYO_KEY).order_by("pk")
    by_tokusoku = {int(k.key.removeprefix(TESURYO_KEY)): k for k in fees}
    assert set(by_tokusoku) == set(Tokusoku.objects.values_list("pk", flat=True))
    t = Tokusoku.objects.get(kibetsu_id=hayama["unpaid"].kibetsu_id)
    fee = by_tokusoku[t.pk]
    assert (fee.zeimoku, fee.atena_id, fee.nendo, fee.ki_label, fee.nouki) == (
        Zeimoku.JUMINZEI, hayama["head"].pk, 2025, "督促手数料", date(2025, 7, 25))  # fmt: skip
    assert list(
        Chotei.objects.filter(kibetsu__in=fees).values_list("kind", "amount", "on", "ref")
    ) == [(ChoteiKind.TOSHO, 100, date(2025, 7, 15), f"tokusoku:{pk}:tesuryo")
          for pk in sorted(by_tokusoku)]  # fmt: skip
    # the taxpayer's ledger shows it beside the tax
    mine = {k.pk: b.zan for k, b in taxpayer_balances(hayama["head"].pk)}
    assert mine[fee.pk] == 100 and mine[hayama["unpaid"].kibetsu_id] == 65_000
    # no 延滞金 on the fee, no 督促 of it once its 納期限 (the 指定期限) is past
    assert entaikin_of(fee.pk, paid_on=date(2026, 3, 31)).entaikin == 0
    assert fee.pk not in tokusoku_candidates(hakko_date=date(2025, 9, 1))
    assert entaikin_of(hayama["unpaid"].kibetsu_id, paid_on=date(2026, 3, 31)).entaikin > 0
    # paid at the 窓口 with its own 納付番号
    madoguchi_nofu(nofu_bango=fee.nofu_bango, amount=100, shuno_date=date(2025, 7, 20),
                   actor=ACTOR)  # fmt: skip
    assert {k.pk: b.zan for k, b in taxpayer_balances(hayama["head"].pk)}[fee.pk] == 0


def test_a_late_tokusoku_is_sent_flagged_and_warned(
    hayama: Any, job_cleanup: list[Job], django_capture_on_commit_callbacks: Any
) -> None:
    # when: sent on 21 July 2025, 21 days after the 納期限 of 30 June, only for that 納期限
    job = run(
        {"hakko_date": "2025-07-21", "nouki": "2025-06-30"}, django_capture_on_commit_callbacks
    )
    job_cleanup.append(job)
    # then: sent, flagged, and the job log says so (地方税法第329条第1項: 20日以内)
    assert job.status == JobStatus.SUCCEEDED
    assert set(Tokusoku.objects.values_list("late", flat=True)) == {True}
    assert Tokusoku.objects.get(kibetsu_id=hayama["unpaid"].kibetsu_id).shitei_kigen == date(
        2025, 7, 31
    )
    warning = JobLogLine.objects.get(job=job, level="warning").message
    assert "20日を過ぎて" in warning and "2件" in warning
    # the 20th day is not late
    assert not Tokusoku.objects.filter(late=False).exists()


def test_the_twentieth_day_is_in_time_and_a_payment_after_the_plan_is_not_sent(
    hayama: Any,
) -> None:
    # given: the plan of 20 July 2025 (the 20th day after 30 June)
    ids = tokusoku_candidates(hakko_date=date(2025, 7, 20))
    assert ids == [hayama["unpaid"].kibetsu_id, hayama["part"].kibetsu_id]
    assert tokusoku_candidates(hakko_date=date(2025, 6, 30)) == []  # not past the 納期限 yet
    # when: the wife pays the rest before the chunk runs
    madoguchi_nofu(
        nofu_bango=hayama["part"].nofu_bango,
        amount=10_000,
        shuno_date=date(2025, 7, 18),
        actor=ACTOR,
    )
    rows = tokusoku_issue_many(ids, hakko_date=date(2025, 7, 20), job_id=None, created_by="t")
    # then: only the unpaid 期別, in time
    assert [(r.kibetsu_id, r.late) for r in rows] == [(hayama["unpaid"].kibetsu_id, False)]


def test_a_nouki_not_yet_past_is_refused() -> None:
    kind = get_kind(TOKUSOKU)
    assert kind is not None
    with pytest.raises(ValueError, match="納期限を過ぎていない"):
        kind.validate({"hakko_date": "2025-06-30", "nouki": "2025-06-30"})
    with pytest.raises(ValueError, match="正しく指定"):
        kind.validate({"hakko_date": "2025-13-01"})


def remove_files(job: Job) -> None:
    for p in JobFile.objects.filter(job=job).values_list("path", flat=True):
        default_storage.delete(p)


def test_two_towns_each_send_their_own(
    alpha: Any, beta: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given: one unpaid 期別 in each town
    connection.set_tenant(alpha.municipality)
    _, (pa, *_) = household_tennyu("hayama", members=family(), ido_date=date(2020, 4, 1))
    a = post(pa.pk, "a1", 20_000, date(2025, 6, 30))
    grant_beta_shuno()
    connection.set_tenant(beta.municipality)
    _, (pb, *_) = household_tennyu("samukawa", members=family(), ido_date=date(2020, 4, 1))
    b = post(pb.pk, "b1", 70_000, date(2025, 6, 30))
    # when: 寒川町 runs its 督促
    job_b = run({"hakko_date": "2025-07-10"}, django_capture_on_commit_callbacks)
    # then: only its own 期別, its own PDF
    assert list(Tokusoku.objects.values_list("kibetsu_id", flat=True)) == [b.kibetsu_id]
    text = pdf_text(read(JobFile.objects.get(job=job_b, name__endswith=".pdf")))
    assert "70,000円" in text and "20,000円" not in text
    remove_files(job_b)
    # (寒川町 charges no 督促手数料: no receivable is posted)
    assert list(Kibetsu.objects.values_list("pk", flat=True)) == [b.kibetsu_id]
    # and 葉山町 still has its 期別 to send, and sends only it, with its own 100円 fee
    connection.set_tenant(alpha.municipality)
    assert not Tokusoku.objects.exists()
    municipal_parameter_set(key="zeimu.shuno.tokusoku.tesuryo", fiscal_year=2025,
                            value_text="100", reason="町税条例（テスト）", actor=ACTOR)  # fmt: skip
    job_a = run({"hakko_date": "2025-07-10"}, django_capture_on_commit_callbacks)
    assert list(Tokusoku.objects.values_list("kibetsu_id", flat=True)) == [a.kibetsu_id]
    assert Kibetsu.objects.filter(key__startswith=TESURYO_KEY, atena_id=pa.pk).count() == 1
    connection.set_tenant(beta.municipality)
    assert list(Kibetsu.objects.values_list("pk", flat=True)) == [b.kibetsu_id]
    connection.set_tenant(alpha.municipality)
    remove_files(job_a)
    assert list(Job.objects.filter(kind=TOKUSOKU).values_list("pk", flat=True)) == [job_a.pk]
    connection.set_schema_to_public()
