"""The 介護保険料 賦課 screens, notices, API and meters in two towns: the menu starts the
本算定, the results show totals per 段階, one person's 保険料 shows every figure
(access-logged), the 決定通知書 (with the 納入通知書 for 普通徴収) as PDF read back, the
更正 applied from the candidate list and its 変更通知書, the mass print in chunks, the API
lookup by POST — and 寒川町 reaching none of it."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from kaigo.fuka_jobs import HONSANTEI
from kaigo.fuka_printjobs import NOTICE_PRINT
from kaigo.models import KaigoFuka, KaigoKoseiKoho, TokuchoTaisho
from kaigo.tests.factories import elders, shibo, tennyu
from kaigo.tests.fuka_helpers import hikazei, run_job, set_table
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.jobs.models import JobFile, JobStatus
from tenants.testing.pdf import pdf_pages
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.tests.factories import kazei_set

pytestmark = pytest.mark.django_db

FY = 2025


@pytest.fixture
def assessed(alpha, beta, django_capture_on_commit_callbacks):
    """葉山町: the 高橋 couple assessed for 令和7年度 (he 特別徴収 第8段階, she 普通徴収
    第4段階); 寒川町: its table and the 佐藤 couple, not assessed."""
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(beta.municipality)
    set_table()
    tennyu(cap, "samukawa", members=elders("佐藤", "サトウ"), day=date(2020, 4, 1))
    connection.set_tenant(alpha.municipality)
    set_table()
    _, (husband, wife, _son) = tennyu(cap, members=elders(), day=date(2020, 4, 1))
    kazei_set(husband.pk, FY, sonota=2_100_000)
    hikazei(wife.pk, FY, 809_000)
    TokuchoTaisho.objects.create(
        fiscal_year=FY, atena_id=husband.pk, nenkin_hokensha="001", kiso_nenkin_no="1234567890",
        nenkin_code="1150", nenkin_gaku=2_400_000, tsuchi_month=5, file_name="t.csv",
        created_by="test",
    )  # fmt: skip
    run_job(cap, HONSANTEI, fiscal_year=FY, kijun_date="2025-07-01")
    rows = {f.atena_id: f for f in KaigoFuka.objects.all()}
    connection.set_schema_to_public()
    return {"husband": husband, "wife": wife, "h": rows[husband.pk], "w": rows[wife.pk]}


def _in(town, fn):
    connection.set_tenant(town.municipality)
    try:
        return fn()
    finally:
        connection.set_schema_to_public()


def test_results_person_and_notice_pdf_with_every_figure(world, login, assessed):
    w = assessed["w"]
    clerk = login("hayama-clerk", ALPHA_HOST)
    page = clerk.get("/kaigo/fuka/").content.decode()
    assert "介護保険料（第1号被保険者）の賦課" in page and "令和7年度" in page
    page = clerk.get(f"/kaigo/fuka/{FY}/kekka/").content.decode()
    assert "第8段階" in page and "第4段階" in page and "144,000円" in page
    assert "高橋　一郎" in page and "特別徴収" in page and "普通徴収" in page
    page = clerk.get(f"/kaigo/fuka/person/{assessed['wife'].pk}/").content.decode()
    assert "本人が住民税非課税（世帯に課税者あり）" in page and "809,000円" in page
    assert "基準額（年額）" in page and "60,000円" in page and "0.9" in page
    assert "第1期" in page and "令和7年7月31日" in page
    assert 'target="_blank" rel="noopener"' in page
    r = clerk.get(f"/kaigo/fuka/tsuchi/{w.pk}/tsuchi.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    pages = pdf_pages(r.content)
    # 普通徴収: the 決定通知書 and the 納入通知書
    assert len(pages) == 2
    assert "令和7年度介護保険料額決定通知書" in pages[0] and "高橋和子様" in pages[0]
    assert "第4段階" in pages[0] and "保険料額54,000円" in pages[0]
    assert "809,000円" in pages[0] and "基準額（年額）60,000円" in pages[0]
    assert "令和7年度介護保険料納入通知書" in pages[1] and "第9期" in pages[1]
    # 特別徴収: one page, the pension months
    text = "".join(
        pdf_pages(clerk.get(f"/kaigo/fuka/tsuchi/{assessed['h'].pk}/tsuchi.pdf").content)
    )
    assert "本徴収（10月）" in text and "納入通知書" not in text
    rows = _in(
        world.alpha,
        lambda: list(AccessLog.objects.filter(gyomu="kaigo_hoken").values_list("screen", "action")),
    )
    assert ("kaigo.fuka_kekka", "read") in rows
    assert ("kaigo.fuka_person", "read") in rows
    assert ("kaigo.fuka_tsuchi_pdf", "print") in rows
    # 寒川町: no such 賦課, no results
    other = login("samukawa-clerk", BETA_HOST)
    assert other.get(f"/kaigo/fuka/tsuchi/{w.pk}/tsuchi.pdf").status_code == 404
    assert "高橋" not in other.get(f"/kaigo/fuka/{FY}/kekka/").content.decode()
    # a viewer reads but may not print or start jobs
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert viewer.get(f"/kaigo/fuka/tsuchi/{w.pk}/tsuchi.pdf").status_code == 403
    assert viewer.post("/kaigo/fuka/", {"action": "sweep", "fiscal_year": FY}).status_code == 403


def test_api_lookup_by_post_and_by_id(world, login, assessed):
    clerk = login("hayama-clerk", ALPHA_HOST)
    r = clerk.post(
        "/api/v1/kaigo/fuka/lookup/",
        json.dumps({"atena_no": assessed["wife"].atena_no}),
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    body = r.json()
    (f,) = body["fuka"]
    assert (f["fiscal_year"], f["dankai"], f["hokenryo"], f["choshu_hoho"]) == (
        FY, 4, 54_000, "futsu",
    )  # fmt: skip
    assert f["hantei"]["nenkin_sonota_gokei"] == 809_000 and f["hantei"]["kijungaku"] == 60_000
    assert len(f["kibetsu"]) == 9 and f["months"] == [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]
    r = clerk.get(f"/api/v1/kaigo/persons/{assessed['husband'].pk}/fuka/")
    assert r.json()["fuka"][0]["choshu_hoho"] == "tokucho"
    logged = _in(world.alpha, lambda: AccessLog.objects.filter(screen="api.kaigo.fuka").count())
    assert logged == 2
    # 寒川町: the same 宛名番号 is its own resident (or nobody), never 葉山町's 賦課
    other = login("samukawa-clerk", BETA_HOST)
    r = other.post(
        "/api/v1/kaigo/fuka/lookup/",
        json.dumps({"atena_no": assessed["wife"].atena_no}),
        content_type="application/json",
    )
    assert r.status_code == 404 or r.json()["fuka"] == []
    r = other.get(f"/api/v1/kaigo/persons/{assessed['husband'].pk}/fuka/")
    assert r.status_code == 404 or r.json()["fuka"] == []


def test_kosei_from_the_screen_and_the_henko_tsuchi(
    world, login, assessed, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(world.alpha.municipality)
    shibo(cap, assessed["wife"], day=date(2025, 8, 20))
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    with cap(execute=True):
        r = clerk.post("/kaigo/fuka/", {"action": "sweep", "fiscal_year": FY})
    assert r.status_code == 302 and r["Location"].startswith("/jobs/")
    koho = _in(world.alpha, lambda: KaigoKoseiKoho.objects.get())
    page = clerk.get(f"/kaigo/fuka/{FY}/kosei/").content.decode()
    assert "資格の異動" in page and "高橋　和子" in page and "賦課月数" in page
    r = clerk.post(f"/kaigo/fuka/kosei/{koho.pk}/apply/", {"reason": "死亡"})
    assert r.status_code == 302
    new = _in(
        world.alpha, lambda: KaigoFuka.objects.get(atena_id=assessed["wife"].pk, is_current=True)
    )
    # 54,000 × 4 / 12 (4月〜7月)
    assert (new.version, new.hokenryo, new.reason) == (2, 18_000, "死亡")
    text = "".join(pdf_pages(clerk.get(f"/kaigo/fuka/tsuchi/{new.pk}/tsuchi.pdf").content))
    assert "令和7年度介護保険料額変更通知書" in text and "変更前" in text and "死亡" in text
    other = login("samukawa-clerk", BETA_HOST)
    assert other.post(f"/kaigo/fuka/kosei/{koho.pk}/apply/", {"reason": "x"}).status_code == 404


def test_mass_print_in_chunks_reads_back_and_meters(
    world, assessed, django_capture_on_commit_callbacks, monkeypatch
):
    from kaigo.fuka_printjobs import FukaNoticePrint
    from kaigo.meters import fuka_assessed_between, fuka_tsuchi_printed_between
    from tenants.jobs.registry import get_kind

    kind = get_kind(NOTICE_PRINT)
    assert isinstance(kind, FukaNoticePrint)
    monkeypatch.setattr(kind, "chunk_size", 1)
    today = timezone.localdate()
    connection.set_tenant(world.alpha.municipality)
    job = run_job(
        django_capture_on_commit_callbacks, NOTICE_PRINT,
        fiscal_year=FY, form="kettei", tsuchi_date="2025-07-10",
    )  # fmt: skip
    assert job.status == JobStatus.SUCCEEDED and (job.total, job.done) == (2, 2)
    files = {f.name: f for f in JobFile.objects.filter(job=job)}
    pdfs = sorted(n for n in files if n.endswith(".pdf"))
    assert len(pdfs) == 2
    texts = []
    for n in pdfs:
        with default_storage.open(files[n].path, "rb") as h:
            texts.append(pdf_pages(h.read()))
    assert [len(t) for t in texts] == [1, 2]  # 特別徴収 one page; 普通徴収 with 納入通知書
    assert "令和7年7月10日" in texts[0][0] and "高橋一郎様" in texts[0][0]
    assert "高橋和子様" in texts[1][0] and "納入通知書" in texts[1][1]
    data = next(f for n, f in files.items() if n.endswith(".csv"))
    with default_storage.open(data.path, "rb") as h:
        rows = list(csv.reader(io.StringIO(h.read().decode("utf-8-sig"))))
    assert rows[0][3] == "帳票" and [r[12] for r in rows[1:]] == ["特別徴収", "普通徴収"]
    for f in files.values():
        default_storage.delete(f.path)
    assert fuka_assessed_between(today, today) == 2
    assert fuka_tsuchi_printed_between(today, today) == 2
    # 寒川町: nothing to print, nothing counted
    connection.set_tenant(world.beta.municipality)
    job = run_job(django_capture_on_commit_callbacks, NOTICE_PRINT, fiscal_year=FY, form="kettei")
    assert job.total == 0
    assert fuka_assessed_between(today, today) == 0
    assert fuka_tsuchi_printed_between(today, today) == 0
