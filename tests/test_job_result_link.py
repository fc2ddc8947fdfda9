"""「結果を表示」 on a finished job leads to the result, never back to the job page itself
(issue 13): a kind with a result screen (当初賦課 → the year's assessments) links there;
a kind whose result is a file (アクセスログ抽出) offers the file on the job page and no
self-link."""

from __future__ import annotations

from datetime import date

import pytest
from lxml import html

from juminkiroku.tests.factories import household_tennyu
from tenants.db import connection
from tenants.params.tenant.models import MunicipalParameter
from tests.personas import ALPHA_HOST
from zeimu.models import KyuyoHokoku

pytestmark = pytest.mark.django_db


def _result_links(body: bytes) -> list[str]:
    tree = html.fromstring(body.decode())
    return [a.get("href") for a in tree.xpath("//a") if a.text_content().strip() == "結果を表示"]


def test_a_finished_tosho_fuka_links_to_its_assessments(
    login, alpha, django_capture_on_commit_callbacks
):
    # given 葉山町 with one resident and his 給与支払報告書, and the 当初賦課 of 令和7年度 run
    connection.set_tenant(alpha.municipality)
    MunicipalParameter.objects.create(
        key="zeimu.kojin_juminzei.kyuchi",
        fiscal_year_from=2020,
        value=3,
        source="テスト",
        created_by="test",
    )
    _, (head,) = household_tennyu("hayama", ido_date=date(2020, 4, 1))
    KyuyoHokoku.objects.create(
        atena_id=head.pk,
        shotoku_year=2024,
        employer_no="E1",
        employer_name="株式会社葉山",
        shiharai_kingaku=4_000_000,
    )
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    with django_capture_on_commit_callbacks(execute=True):
        job_url = clerk.post("/zeimu/tosho-fuka/", {"fiscal_year": 2025})["Location"]
    # when the finished job's page and its progress fragment are shown
    links = _result_links(clerk.get(job_url).content)
    fragment = _result_links(clerk.get(job_url + "progress/").content)
    # then 「結果を表示」 opens the assessments of 令和7年度, which list the resident
    assert links == fragment == ["/zeimu/fuka/?fiscal_year=2025"]
    result = clerk.get(links[0])
    assert result.status_code == 200
    assert head.shimei in result.content.decode()


def test_a_finished_export_offers_its_file_and_no_link_to_itself(
    world, login, django_capture_on_commit_callbacks
):
    client = login("hayama-admin", ALPHA_HOST)
    with django_capture_on_commit_callbacks(execute=True):
        job_url = client.post(
            "/jobs/new/accesslog-export/", {"date_from": "令和7年4月1日", "date_to": "R8.3.31"}
        )["Location"]
    body = client.get(job_url).content
    tree = html.fromstring(body)
    assert job_url not in [a.get("href") for a in tree.xpath("//main//a")]
    assert _result_links(body) == []
    files = [a.get("href") for a in tree.xpath("//main//a[contains(@href, '/files/')]")]
    assert len(files) == 1 and client.get(files[0]).status_code == 200
