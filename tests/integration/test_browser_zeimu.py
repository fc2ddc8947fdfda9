"""個人住民税 in headless Chromium with a real worker: a 担当者 of 葉山町 uploads a
給与支払報告書 CSV, starts the 令和7年度 当初賦課 and watches it finish, opens one taxpayer's
assessment with its explanation and 期別, and reprints the 納税通知書 (read back from the
PDF). 寒川町's clerk cannot open 葉山町's assessment or notice."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest

from juminkiroku.grants import Kengen
from juminkiroku.tests.factories import household_tennyu, person_fields
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.grants.services import grant_give
from tenants.models import Municipality, StaffUser
from tenants.testing.pdf import pdf_pages, squash
from tests.integration.cleanup import login_state, login_state_restore, truncate_tables
from tests.integration.pdf_capture import keep_pdf, wait_for
from tests.integration.test_browser import (  # noqa: F401  (fixtures)
    _log_in,
    _orm_beside_playwright,
    browser,
)
from tests.personas import ALPHA_HOST, BETA_HOST

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from tests.integration.conftest import CeleryWorker, WebServer

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("committed")]

SALARY = 4_000_000


@pytest.fixture
def hayama_taxpayer(committed: None) -> Iterator[dict[str, Any]]:
    """A resident of 葉山町 since 2020 and the town's 級地; 葉山町's clerks and 寒川町's
    clerk have their second-factor state put back, and every row committed is removed."""
    users = [StaffUser.objects.get(username=u) for u in ("hayama-clerk", "samukawa-clerk")]
    saved = login_state(users)
    town = Municipality.objects.get(dantai_code="143014")
    connection.set_tenant(town)
    from tenants.params.tenant.models import MunicipalParameter

    MunicipalParameter.objects.create(
        key="zeimu.kojin_juminzei.kyuchi",
        fiscal_year_from=2000,
        value=2,
        source="テスト",
        created_by="test",
    )
    # (the 審査者's grant is persona setup; an earlier test's clean-up may have removed it)
    shinsa = StaffUser.objects.get(username="hayama-shinsa")
    grant_give(user_id=shinsa.pk, code=Kengen.IDO_APPROVE, actor=Actor(None, "test-setup"))
    _, (person,) = household_tennyu(
        "hayama",
        members=[
            person_fields(
                shimei="葉山　納税子",
                shimei_kana="ハヤマ　ノウゼイコ",
                birth_date=date(1985, 7, 7),
            )
        ],
        ido_date=date(2020, 4, 1),
    )
    connection.set_schema_to_public()
    yield {"users": users, "atena_no": person.atena_no, "town": town}
    login_state_restore(users, saved)
    truncate_tables(town.schema_name, "juminkiroku_", "zeimu_", "jobs_")
    connection.set_tenant(town)
    MunicipalParameter.objects.filter(key="zeimu.kojin_juminzei.kyuchi").delete()
    connection.set_schema_to_public()


def _new_page(chromium: Browser) -> Page:
    context = chromium.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
    context.set_default_timeout(20_000)
    return context.new_page()


def test_clerk_imports_assesses_explains_and_reprints(
    celery_worker: CeleryWorker,
    web_server: WebServer,
    hayama_taxpayer: dict[str, Any],
    browser: Browser,  # noqa: F811
    tmp_path: Any,
) -> None:
    from playwright.sync_api import expect

    clerk_user, other_user = hayama_taxpayer["users"]
    atena_no = hayama_taxpayer["atena_no"]
    base = web_server.url(ALPHA_HOST).rstrip("/")
    beta = web_server.url(BETA_HOST).rstrip("/")
    clerk = _new_page(browser)
    other = _new_page(browser)
    try:
        # given: the clerk logged in, with a 給与支払報告書 CSV of one employee
        _log_in(clerk, base, clerk_user)
        csv_path = tmp_path / "kyuyo_2024.csv"
        csv_path.write_text(
            "宛名番号,所得年,特別徴収義務者指定番号,特別徴収義務者名,支払金額,"
            "社会保険料等の金額,生命保険料の控除額,地震保険料の控除額,徴収区分\n"
            f'{atena_no},2024,E0001,葉山ブラウザ商事,"{SALARY:,}",600000,0,0,普通徴収\n',
            encoding="utf-8",
        )

        # when: the clerk uploads it on the import screen
        clerk.goto(f"{base}/zeimu/kazei/import/")
        clerk.get_by_label("資料の種類").select_option(label="給与支払報告書")
        clerk.get_by_label("CSVファイル（UTF-8）").set_input_files(str(csv_path))
        clerk.get_by_role("button", name=re.compile("取り込む")).click()

        # then: one row imported
        expect(clerk.get_by_test_id("import-result")).to_contain_text("1件取り込みました")

        # when: the clerk starts the 令和7年度 当初賦課 and watches the job page
        clerk.goto(f"{base}/zeimu/tosho-fuka/")
        clerk.get_by_label("年度").select_option(label="令和7年度")
        clerk.get_by_role("button", name=re.compile("当初賦課を開始する")).click()
        expect(clerk).to_have_url(re.compile(rf"^{re.escape(base)}/jobs/\d+/$"))

        # then: the worker finishes it and the page says so by itself (polling)
        expect(clerk.get_by_test_id("job-status")).to_have_text("正常終了", timeout=60_000)
        expect(clerk.locator("main")).to_contain_text("課税 1人")

        # when: the clerk looks the taxpayer up by 宛名番号 (a POST) on the result list
        clerk.goto(f"{base}/zeimu/fuka/?fiscal_year=2025")
        clerk.get_by_label("宛名番号").fill(atena_no)
        clerk.get_by_role("button", name="この人の賦課を開く").click()
        expect(clerk).to_have_url(re.compile(rf"^{re.escape(base)}/zeimu/fuka/\d+/$"))
        assert atena_no not in clerk.url
        fuka_url = clerk.url

        # then: the assessment with its explanation and four 期 of 普通徴収
        expect(clerk.get_by_test_id("fuka-status")).to_have_text("課税")
        expect(clerk.get_by_test_id("fuka-explanation")).to_contain_text("給与所得")
        futsu = clerk.get_by_test_id("kibetsu-futsu")
        expect(futsu).to_contain_text("第1期")
        expect(futsu).to_contain_text("令和7年6月30日")
        total = clerk.get_by_test_id("fuka-zeigaku").get_by_role("row").last.inner_text()
        nengaku = re.search(r"([\d,]+)円", total)
        assert nengaku is not None

        # when: the clerk reprints the 納税通知書
        captured: dict[str, Any] = {}
        keep_pdf(clerk, r".*/notice\.pdf$", captured)
        clerk.get_by_role("link", name=re.compile("納税通知書を再発行")).click()
        wait_for(clerk, captured, "body")

        # then: the PDF read back has the name, the tax and the 和暦 due dates
        text = squash("".join(pdf_pages(captured["body"])))
        assert "葉山納税子" in text
        assert nengaku.group(1) in text
        assert "令和7年6月30日" in text and "令和7年度" in text

        # and: 寒川町's clerk reaches neither the assessment nor its notice
        _log_in(other, beta, other_user)
        path = fuka_url.split(base, 1)[1]
        response = other.goto(f"{beta}{path}")
        assert response is not None and response.status in (403, 404)
        seen: dict[str, Any] = {}
        keep_pdf(other, r".*/notice\.pdf$", seen)
        other.goto(f"{beta}{path}notice.pdf")
        wait_for(other, seen, "status")
        assert seen["status"] in (403, 404) and "body" not in seen
    finally:
        clerk.context.close()
        other.context.close()
