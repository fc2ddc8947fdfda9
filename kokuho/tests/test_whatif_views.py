"""税率の試算 screens: the town's 管理者 defines a scenario (prefilled with the current
rates, or copied), starts it, sees the totals side by side, the distribution table and the
charts, and downloads the CSV; a 担当者 is refused; the other town finds nothing."""

from __future__ import annotations

import csv
import io

import pytest

from kokuho.models import WhatifRun, WhatifScenario
from kokuho.tests.test_whatif_job import FY, GENKO, set_rates, town
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db

YEARS = {"nendo": FY, "genko_nendo": FY, "shotoku_nendo": FY}


def _form(**overrides: str) -> dict[str, str]:
    data = {
        **{k: str(v) for k, v in YEARS.items()},
        "name": "医療分 7.2%",
        "kokuho__hokenzei__iryo__shotokuwari": "7.2",
        "kokuho__hokenzei__iryo__kintowari": "24000",
        "kokuho__hokenzei__iryo__byodowari": "20000",
        "kokuho__hokenzei__shien__shotokuwari": "2",
        "kokuho__hokenzei__shien__kintowari": "10000",
        "kokuho__hokenzei__kaigo__shotokuwari": "1.5",
        "kokuho__hokenzei__kaigo__kintowari": "9000",
        "kokuho__hokenzei__rounding__kubun": "1",
        "kokuho__hokenzei__shotokuwari__keisan": "1",
    }
    data.update(overrides)
    return data


def test_admin_defines_runs_and_reads_the_result_and_csv(
    alpha, beta, login, django_capture_on_commit_callbacks
):
    # given 葉山町 with its rates and two households
    connection.set_tenant(alpha.municipality)
    set_rates(GENKO)
    town(django_capture_on_commit_callbacks)
    connection.set_schema_to_public()
    admin = login("hayama-admin", ALPHA_HOST)

    # the list offers the 年度; the new form is prefilled with the town's current rates
    page = admin.get("/kokuho/whatif/").content.decode()
    assert "国保税 税率の試算" in page and "令和7年度" in page
    page = admin.get("/kokuho/whatif/new/", YEARS).content.decode()
    assert 'value="7"' in page and 'value="30000"' in page  # 医療分 7%, 均等割 30,000円
    assert "国の額（660,000円）" in page
    # a 課税限度額 above the law's is refused with the law's words, nothing written
    r = admin.post("/kokuho/whatif/new/", _form(kokuho__hokenzei__iryo__gendo_jorei="700000"))
    assert r.status_code == 200 and "国の額（660,000円）以下" in r.content.decode()
    r = admin.post("/kokuho/whatif/new/", _form(kokuho__hokenzei__iryo__shotokuwari="7.2345"))
    assert "小数第3位" in r.content.decode()
    connection.set_tenant(alpha.municipality)
    assert not WhatifScenario.objects.exists()
    connection.set_schema_to_public()

    # when the scenario is registered
    r = admin.post("/kokuho/whatif/new/", _form())
    assert r.status_code == 302, r.content.decode()[:3000]
    connection.set_tenant(alpha.municipality)
    sc = WhatifScenario.objects.get()
    assert sc.values["kokuho.hokenzei.iryo.shotokuwari"] == 7200
    connection.set_schema_to_public()
    detail = admin.get(r["Location"]).content.decode()
    assert "7.2%" in detail and "7%" in detail and "変更あり" in detail

    # and started over the whole town
    with django_capture_on_commit_callbacks(execute=True):
        r = admin.post(f"/kokuho/whatif/{sc.pk}/start/")
    assert r.status_code == 302 and r["Location"].startswith("/jobs/")
    job_page = admin.get(r["Location"]).content.decode()
    assert "国保税 税率の試算（全世帯）" in job_page and "結果を表示" in job_page
    connection.set_tenant(alpha.municipality)
    run = WhatifRun.objects.get()
    connection.set_schema_to_public()

    # then the result: totals side by side, the bands, two charts
    page = admin.get(f"/kokuho/whatif/run/{run.pk}/").content.decode()
    assert 'data-testid="whatif-households">2世帯（被保険者 4人）' in page
    assert "医療分（基礎課税額）" in page and "年税額の合計" in page
    assert "1円以上5,000円未満の減少" in page and "変わらない" in page
    assert page.count("<svg") == 2 and "年税額の増減ごとの世帯数" in page
    assert "201,300円" not in page  # no household's figure, only the town's
    # and the same figures as CSV (UTF-8 with BOM; cp932 on request)
    r = admin.get(f"/kokuho/whatif/run/{run.pk}/csv/")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0] == ["表", "項目", "現行（円）", "試算（円）", "差（円）", "世帯数"]
    total = next(row for row in rows if row[1] == "年税額の合計")
    assert total[5] == "2" and int(total[4]) < 0
    r = admin.get(f"/kokuho/whatif/run/{run.pk}/csv/", {"encoding": "cp932"})
    assert "年税額の合計".encode("cp932") in r.content

    # a copy is prefilled with the scenario's values
    page = admin.get("/kokuho/whatif/new/", {**YEARS, "copy": sc.pk}).content.decode()
    assert 'value="7.2"' in page and "（複写）" in page

    # a 担当者 (更新) may not; 寒川町's 管理者 finds none of it
    clerk = login("hayama-clerk", ALPHA_HOST)
    assert clerk.get("/kokuho/whatif/").status_code == 403
    assert clerk.post(f"/kokuho/whatif/{sc.pk}/start/").status_code == 403
    other = login("samukawa-admin", BETA_HOST)
    assert other.get(f"/kokuho/whatif/{sc.pk}/").status_code == 404
    assert other.get(f"/kokuho/whatif/run/{run.pk}/").status_code == 404
    assert other.get(f"/kokuho/whatif/run/{run.pk}/csv/").status_code == 404
    connection.set_tenant(beta.municipality)
    assert not WhatifScenario.objects.exists() and not WhatifRun.objects.exists()
    connection.set_tenant(alpha.municipality)
    assert AccessLog.objects.filter(screen="job:kokuho_whatif").count() == 1
    assert WhatifRun.objects.count() == 1


def test_the_menu_offers_it_to_the_admin_only(alpha, login):
    admin = login("hayama-admin", ALPHA_HOST).get("/kokuho/").content.decode()
    clerk = login("hayama-clerk", ALPHA_HOST).get("/kokuho/").content.decode()
    assert 'href="/kokuho/whatif/"' in admin and 'href="/kokuho/whatif/"' not in clerk
