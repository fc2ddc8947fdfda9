"""The 保育料 September 切替 as a job (fukushi/hoikuryo_jobs.py) and its 決定（変更）通知書, in two
towns (葉山町 = alpha, 寒川町 = beta).

Expected fees are the national table's (fukushi/params/hoiku.yaml, 子ども・子育て支援法施行令
第4条; 4〜8月は前年度、9〜3月は当年度の所得割:
https://www.city.kitakata.fukushima.jp/site/kosodate/1547.html ):
所得割 77,101円 → 第4階層 30,000円 (標準時間), after a 更正 to 120,000円 → 第5階層 44,500円;
the 第2子 half.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.storage import default_storage
from django.db import transaction

from fukushi.hoikuryo_jobs import KIRIKAE
from fukushi.models.hoiku import HoikuRireki, HoikuryoGetsugaku
from fukushi.services.hoiku import NinteiInput, nintei_register, nyusho_register, shisetsu_register
from fukushi.services.hoiku_ryo import hoikuryo_compute
from fukushi.tests.test_hoiku_keigen import _single_mother
from tenants.accesslog.models import AccessAction, AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.jobs.models import Job, JobStatus
from tenants.jobs.registry import get_kind
from tenants.jobs.services import job_start
from tenants.testing.pdf import pdf_pages
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.tests.factories import kazei, kazei_kosei

pytestmark = pytest.mark.django_db

CLERK = Actor(user_id=None, username="hayama-clerk")
ADMIN = Actor(user_id=None, username="hayama-admin")


@pytest.fixture
def family(alpha, django_capture_on_commit_callbacks):
    """葉山町: a mother with two children (3号, one 保育所), fees of 令和7年度 computed."""
    connection.set_tenant(alpha.municipality)
    mother, elder, younger = _single_mother("hayama", django_capture_on_commit_callbacks)
    shisetsu_register(
        code="H01", name="堀内保育園", shubetsu="hoikusho", teiin={1: 3, 2: 3}, nendo=2025,
        actor=ADMIN,
    )  # fmt: skip
    kazei(mother.pk, 2024, kyuyo=3_000_000, shotokuwari=128_502)  # → 77,101円
    kazei(mother.pk, 2025, kyuyo=3_000_000, shotokuwari=128_502)
    for child in (elder, younger):
        n = nintei_register(
            inp=NinteiInput(
                atena_id=child.pk, hogosha_atena_id=mother.pk, hogosha2_atena_id=None,
                kubun="3", jiyu="shuro", shuro_jikan=160,
                start_date=date(2025, 4, 1), end_date=date(2026, 3, 31),
            ),
            actor=CLERK,
        )  # fmt: skip
        nyusho_register(
            nintei_id=n.pk, shisetsu_code="H01", start_date=date(2025, 4, 1), actor=CLERK
        )
    hoikuryo_compute(nendo=2025, actor=CLERK)
    return mother, elder, younger


def _run(capture, nendo: int = 2025) -> Job:
    with capture(execute=True):
        job = job_start(kind=KIRIKAE, params={"nendo": nendo}, actor=CLERK)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, [c.error for c in job.chunks.all()]
    return job


def test_kirikae_job_recomputes_september_to_march_once(
    family, beta, django_capture_on_commit_callbacks
):
    mother, elder, younger = family
    # the new 年度's 所得割 is corrected (更正) to 120,000円 (第5階層)
    kazei_kosei(mother.pk, 2025, shotokuwari=200_000)
    job = _run(django_capture_on_commit_callbacks)
    # one chunk a month, September to March, each with its log line of counts
    assert sorted(c.params["month"] for c in job.chunks.all()) == [1, 2, 3, 9, 10, 11, 12]
    lines = [x.message for x in job.log.order_by("id")]
    assert "2025年9月分: 算定 2人、保育料が変わった子ども 2人、在籍しなくなり削除 0人" in lines
    total = "保育料が変わった月 14件（子ども 2人）、決定（変更）通知書 1世帯"
    assert any(total in x for x in lines)
    fees = {(g.atena_id, g.month.month): g.amount for g in HoikuryoGetsugaku.objects.all()}
    assert fees[(elder.pk, 8)] == 30_000 and fees[(younger.pk, 8)] == 15_000  # untouched
    assert fees[(elder.pk, 9)] == 44_500 and fees[(younger.pk, 3)] == 22_250
    # the notice: one page for the household, 和暦 months, before and after
    (pdf,) = [f for f in job.files.all() if f.name.endswith(".pdf")]
    with default_storage.open(pdf.path, "rb") as fh:
        pages = pdf_pages(fh.read())
    assert len(pages) == 1
    text = pages[0]
    assert "保育料（利用者負担額）決定（変更）通知書" in text and "森戸陽子様" in text
    assert "令和7年9月" in text and "令和8年3月" in text
    assert "30,000円" in text and "44,500円" in text and "22,250円" in text
    assert "令和7年8月" not in text
    printed = AccessLog.objects.get(screen=f"job:{KIRIKAE}", action=AccessAction.PRINT)
    assert printed.record_count == 1
    assert sorted(printed.detail["atena_ids"]) == sorted([mother.pk, elder.pk, younger.pk])
    # a chunk run again (a killed worker's retry) changes nothing
    rows_before = HoikuRireki.objects.count()
    chunk = job.chunks.get(params__month=10)
    with transaction.atomic():
        get_kind(KIRIKAE).run_chunk(job, chunk)  # type: ignore[union-attr]
    assert HoikuRireki.objects.count() == rows_before
    last = job.log.order_by("-id").values_list("message", flat=True)[0]
    assert last.startswith("2025年10月分: 算定 2人、保育料が変わった子ども 0人")
    # a second job of the 年度 changes nothing and prints nothing
    again = _run(django_capture_on_commit_callbacks)
    assert any("保育料が変わった月 0件" in x.message for x in again.log.all())
    assert not again.files.exists()
    assert {(g.atena_id, g.month.month): g.amount for g in HoikuryoGetsugaku.objects.all()} == fees
    # 寒川町: its own job finds nobody; it sees neither 葉山町's jobs nor its fees
    connection.set_tenant(beta.municipality)
    other = _run(django_capture_on_commit_callbacks)
    assert any("保育料が変わった月 0件" in x.message for x in other.log.all())
    assert Job.objects.filter(kind=KIRIKAE).count() == 1
    assert not HoikuryoGetsugaku.objects.exists() and not HoikuRireki.objects.exists()


def test_kirikae_button_starts_the_job_in_the_clerks_town(family, alpha, beta, login):
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    body = clerk.get("/fukushi/hoikuryo/?nendo=2025&month=9").content.decode()
    assert "9月の切替を開始" in body
    r = clerk.post("/fukushi/hoikuryo/kirikae/", {"kirikae-nendo": "2025"})
    assert r.status_code == 302 and "/jobs/" in r["Location"]
    other = login("samukawa-clerk", BETA_HOST)
    r = other.post("/fukushi/hoikuryo/kirikae/", {"kirikae-nendo": "2025"})
    assert r.status_code == 302
    connection.set_tenant(alpha.municipality)
    assert Job.objects.filter(kind=KIRIKAE, params__nendo=2025).count() == 1
    connection.set_tenant(beta.municipality)
    assert Job.objects.filter(kind=KIRIKAE, params__nendo=2025).count() == 1


def test_screen_compute_offers_the_notice_of_what_it_changed(family, alpha, beta, login):
    mother, _elder, _younger = family
    kazei_kosei(mother.pk, 2025, shotokuwari=200_000)  # → 120,000円: 第5階層
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    r = clerk.post("/fukushi/hoikuryo/compute/", {"nendo": "2025", "hani": "kirikae"})
    assert r.status_code == 302 and "henko=" in r["Location"]
    henko = r["Location"].split("henko=")[1]
    body = clerk.get(r["Location"]).content.decode()
    assert "決定（変更）通知書（PDF）" in body
    r = clerk.get(f"/fukushi/hoikuryo/henko-tsuchi/?henko={henko}")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    (text,) = pdf_pages(r.content)
    assert "決定（変更）通知書" in text and "森戸陽子様" in text
    assert "令和7年9月" in text and "44,500円" in text and "22,250円" in text
    # a malformed range is refused; 寒川町's clerk prints nothing of 葉山町's
    assert clerk.get("/fukushi/hoikuryo/henko-tsuchi/?henko=x").status_code == 404
    other = login("samukawa-clerk", BETA_HOST)
    assert other.get(f"/fukushi/hoikuryo/henko-tsuchi/?henko={henko}").status_code == 404
    connection.set_tenant(alpha.municipality)
    log = AccessLog.objects.get(screen="fukushi.hoikuryo_henko_tsuchi_pdf")
    assert mother.pk in log.detail["atena_ids"]
    connection.set_tenant(beta.municipality)
    assert not AccessLog.objects.filter(screen="fukushi.hoikuryo_henko_tsuchi_pdf").exists()
