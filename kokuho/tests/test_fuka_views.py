"""The 国保税 賦課 screens, notices and 試算 API in two towns: the menu starts the 本算定,
the results show totals per 区分, one household's 賦課 shows every figure (access-logged),
its 納税通知書 / 変更通知書 as PDF read back, the 更正 applied from the candidate list, the
mass print of notices, the 試算 screen and API (400/422) — and 寒川町 reaching none of it."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.core.files.storage import default_storage

from juminkiroku.tests.factories import family
from kokuho.fuka_jobs import HONSANTEI
from kokuho.fuka_printjobs import NOTICE_PRINT
from kokuho.models import KokuhoFuka, KoseiKoho
from kokuho.tests.factories import shibo, tennyu
from kokuho.tests.fuka_helpers import run_job, set_rates
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.jobs.models import JobFile, JobStatus
from tenants.testing.pdf import pdf_pages
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.tests.factories import kazei

pytestmark = pytest.mark.django_db

FY = 2025
TENNYU = date(2020, 4, 1)


@pytest.fixture
def assessed(alpha, beta, django_capture_on_commit_callbacks):
    """葉山町: the 山田 household assessed for 令和7年度; 寒川町: rates only."""
    capture = django_capture_on_commit_callbacks
    connection.set_tenant(beta.municipality)
    set_rates()
    connection.set_tenant(alpha.municipality)
    set_rates()
    _, (head, wife, child) = tennyu(capture, members=family(), day=TENNYU)
    kazei(head.pk, FY, kyuyo=3_000_000)
    kazei(wife.pk, FY)
    run_job(capture, HONSANTEI, fiscal_year=FY, kijun_date="2025-07-01")
    fuka = KokuhoFuka.objects.get()
    connection.set_schema_to_public()
    return {"head": head, "wife": wife, "child": child, "fuka": fuka}


def _in(town, fn):
    connection.set_tenant(town.municipality)
    try:
        return fn()
    finally:
        connection.set_schema_to_public()


def test_results_detail_and_notice_pdf_with_every_figure(world, login, assessed):
    fuka = assessed["fuka"]
    clerk = login("hayama-clerk", ALPHA_HOST)
    page = clerk.get(f"/kokuho/fuka/{FY}/kekka/").content.decode()
    assert "令和7年度 国民健康保険税 賦課の結果" in page
    assert "医療分（基礎課税額）" in page and f"{fuka.iryo:,}円" in page
    assert f"{fuka.nengaku:,}円" in page and "山田　太郎" in page
    page = clerk.get(f"/kokuho/fuka/detail/{fuka.pk}/").content.decode()
    assert "判定所得" in page and "課税限度額" in page and "第1期" in page
    assert f"年税額 {fuka.nengaku:,}円" in page  # the rules' explanation line
    r = clerk.get(f"/kokuho/fuka/detail/{fuka.pk}/tsuchi.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = "".join(pdf_pages(r.content))
    assert "令和7年度国民健康保険税納税通知書" in text
    assert "山田太郎様" in text and "軽減判定所得3,000,000円" in text
    assert f"年税額{fuka.nengaku:,}円" in text and "第9期" in text
    assert "課税限度額660,000円" in text  # 医療分, 令和7年度
    # each read logged with the people shown
    rows = _in(
        world.alpha,
        lambda: list(AccessLog.objects.filter(gyomu="kokuho_fuka").values_list("screen", "action")),
    )
    assert ("kokuho.fuka_kekka", "read") in rows
    assert ("kokuho.fuka_detail", "read") in rows
    assert ("kokuho.fuka_tsuchi_pdf", "print") in rows
    # 寒川町: no such 賦課, no results
    other = login("samukawa-clerk", BETA_HOST)
    assert other.get(f"/kokuho/fuka/detail/{fuka.pk}/").status_code == 404
    assert other.get(f"/kokuho/fuka/detail/{fuka.pk}/tsuchi.pdf").status_code == 404
    assert "山田" not in other.get(f"/kokuho/fuka/{FY}/kekka/").content.decode()
    # a viewer reads but may not print or start jobs
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert viewer.get(f"/kokuho/fuka/detail/{fuka.pk}/tsuchi.pdf").status_code == 403
    assert viewer.post("/kokuho/fuka/", {"action": "sweep", "fiscal_year": FY}).status_code == 403


def test_kosei_from_the_screen_and_the_henko_tsuchi(
    world, login, assessed, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    connection.set_tenant(world.alpha.municipality)
    shibo(capture, assessed["wife"], day=date(2025, 8, 20))
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    with capture(execute=True):
        r = clerk.post(
            "/kokuho/fuka/", {"action": "sweep", "fiscal_year": FY, "kijun_date": "令和8年3月31日"}
        )
    assert r.status_code == 302 and r["Location"].startswith("/jobs/")
    koho = _in(world.alpha, lambda: KoseiKoho.objects.get())
    page = clerk.get(f"/kokuho/fuka/{FY}/kosei/").content.decode()
    assert "資格の異動" in page and "山田　太郎" in page
    logged = _in(world.alpha, lambda: AccessLog.objects.get(screen="kokuho.fuka_kosei"))
    assert logged.detail["atena_ids"] == [assessed["head"].pk]
    r = clerk.post(f"/kokuho/fuka/kosei/{koho.pk}/apply/", {"reason": "妻の死亡"})
    assert r.status_code == 302
    new = _in(world.alpha, lambda: KokuhoFuka.objects.get(is_current=True))
    assert new.version == 2 and new.reason == "妻の死亡"
    text = "".join(pdf_pages(clerk.get(f"/kokuho/fuka/detail/{new.pk}/tsuchi.pdf").content))
    assert "令和7年度国民健康保険税変更通知書" in text and "変更前" in text and "差額" in text
    assert "妻の死亡" in text
    # 寒川町 cannot apply 葉山町's candidate (none by that id there)
    other = login("samukawa-clerk", BETA_HOST)
    assert other.post(f"/kokuho/fuka/kosei/{koho.pk}/apply/", {"reason": "x"}).status_code == 404


def test_mass_print_of_notices_reads_back(world, assessed, django_capture_on_commit_callbacks):
    connection.set_tenant(world.alpha.municipality)
    job = run_job(
        django_capture_on_commit_callbacks, NOTICE_PRINT,
        fiscal_year=FY, form="tsuchi", tsuchi_date="2025-07-10",
    )  # fmt: skip
    assert job.status == JobStatus.SUCCEEDED and job.total == 1
    files = {f.name: f for f in JobFile.objects.filter(job=job)}
    pdf = next(f for n, f in files.items() if n.endswith(".pdf"))
    with default_storage.open(pdf.path, "rb") as h:
        text = "".join(pdf_pages(h.read()))
    assert "令和7年7月10日" in text and "山田太郎様" in text and "国民健康保険税納税通知書" in text
    csv_file = next(f for n, f in files.items() if n.endswith(".csv"))
    with default_storage.open(csv_file.path, "rb") as h:
        data = h.read().decode("utf-8-sig")
    assert "通知書番号" in data and str(assessed["fuka"].nengaku) in data
    for f in files.values():
        default_storage.delete(f.path)
    connection.set_tenant(world.beta.municipality)
    job = run_job(django_capture_on_commit_callbacks, NOTICE_PRINT, fiscal_year=FY, form="tsuchi")
    assert job.total == 0


SHISAN: dict[str, Any] = {
    "fiscal_year": 2025,
    "members": [
        {"birth_date": "1980-05-05", "setainushi": True, "kyuyo": 3_000_000},
        {"birth_date": "1982-07-07"},
    ],
}


def test_shisan_api_and_screen(world, login, assessed):
    clerk = login("hayama-clerk", ALPHA_HOST)
    r = clerk.post(
        "/api/v1/kokuho/fuka/shisan/", json.dumps(SHISAN), content_type="application/json"
    )
    assert r.status_code == 200, r.content
    body = r.json()
    iryo = body["result"]["kubun"][0]
    # 2,570,000 × 7% + 30,000 × 2 + 20,000
    assert iryo["kubun"] == "iryo" and iryo["zeigaku"] == 179_900 + 60_000 + 20_000
    assert body["result"]["keigen"]["wari"] == 0 and body["result"]["lines"]
    # 400: not what the document allows
    bad = {**SHISAN, "members": [{"birth_date": "昭和55年", "kyuyo": -1}]}
    assert (
        clerk.post(
            "/api/v1/kokuho/fuka/shisan/", json.dumps(bad), content_type="application/json"
        ).status_code
        == 400
    )
    # 422: two 世帯主, a 喪失日 outside the 年度
    two = {**SHISAN, "members": [{**m, "setainushi": True} for m in SHISAN["members"]]}
    r = clerk.post("/api/v1/kokuho/fuka/shisan/", json.dumps(two), content_type="application/json")
    assert r.status_code == 422 and "世帯主" in r.content.decode()
    late = {**SHISAN, "members": [{**SHISAN["members"][0], "soshitsu_date": "2027-01-01"}]}
    r = clerk.post("/api/v1/kokuho/fuka/shisan/", json.dumps(late), content_type="application/json")
    assert r.status_code == 422
    # nothing saved
    assert _in(world.alpha, lambda: KokuhoFuka.objects.count()) == 1
    # the screen
    page = clerk.post(
        "/kokuho/fuka/shisan/",
        {
            "fiscal_year": 2025, "m-TOTAL_FORMS": 4, "m-INITIAL_FORMS": 0,
            "m-0-birth_date": "昭和55年5月5日", "m-0-setainushi": "on", "m-0-insured": "on",
            "m-0-kyuyo": 3000000,
        },
    ).content.decode()  # fmt: skip
    assert "年税額" in page and "362,700円" in page
    # 寒川町 has its own rates (same here) and its own answer; 422 in a town without rates
    connection.set_tenant(world.beta.municipality)
    from tenants.params.tenant.models import MunicipalParameter

    MunicipalParameter.objects.filter(key__startswith="kokuho.hokenzei.iryo").delete()
    connection.set_schema_to_public()
    other = login("samukawa-clerk", BETA_HOST)
    r = other.post(
        "/api/v1/kokuho/fuka/shisan/", json.dumps(SHISAN), content_type="application/json"
    )
    assert r.status_code == 422 and "税率" in r.content.decode()


def test_meters_count_assessed_households_and_printed_notices_per_town(
    world, assessed, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from kokuho.meters import fuka_setai_between, fuka_tsuchi_printed_between

    today = timezone.localdate()
    connection.set_tenant(world.alpha.municipality)
    assert fuka_setai_between(today, today) == 1
    job = run_job(django_capture_on_commit_callbacks, NOTICE_PRINT, fiscal_year=FY, form="tsuchi")
    for f in JobFile.objects.filter(job=job):
        default_storage.delete(f.path)
    assert fuka_tsuchi_printed_between(today, today) == 1
    connection.set_tenant(world.beta.municipality)
    assert fuka_setai_between(today, today) == 0
    assert fuka_tsuchi_printed_between(today, today) == 0
