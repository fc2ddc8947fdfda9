"""住民記録 in headless Chromium against gunicorn and a real worker: a clerk records a
転入 of a new household, a second clerk (審査者) approves it in another browser, and the
first clerk prints the household's 住民票の写し, whose text is read back from the PDF."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from juminkiroku.tests.certhelpers import set_ninshosha
from tenants.db import connection
from tenants.models import Municipality, StaffUser
from tenants.testing.pdf import pdf_pages, squash
from tests.integration.cleanup import login_state, login_state_restore, truncate_tables
from tests.integration.pdf_capture import keep_pdf, wait_for
from tests.integration.test_browser import (  # noqa: F401  (fixtures)
    _log_in,
    _orm_beside_playwright,
    browser,
)
from tests.personas import ALPHA_HOST

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from tests.integration.conftest import CeleryWorker, WebServer

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("committed")]

SCREENSHOT = "/tmp/jc-browser-juminkiroku.png"


@pytest.fixture
def hayama_clerks(committed: None) -> Iterator[tuple[StaffUser, StaffUser]]:
    """担当者 and 審査者 of 葉山町. Their second-factor state is put back afterwards, and
    the registry rows this test commits are removed (the access log stays: append-only)."""
    users = [StaffUser.objects.get(username=u) for u in ("hayama-clerk", "hayama-shinsa")]
    saved = login_state(users)
    town = Municipality.objects.get(dantai_code="143014")
    connection.set_tenant(town)
    set_ninshosha()
    connection.set_schema_to_public()
    yield users[0], users[1]
    login_state_restore(users, saved)
    # (the personas' grants live in grants_grant: setup of the whole run, kept)
    truncate_tables(town.schema_name, "juminkiroku_")
    from tenants.params.tenant.models import MunicipalParameter

    connection.set_tenant(town)
    MunicipalParameter.objects.filter(key="juminkiroku.ninshosha").delete()
    connection.set_schema_to_public()


def _context_page(chromium: Browser) -> Page:
    context = chromium.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
    context.set_default_timeout(15_000)
    return context.new_page()


def test_tennyu_is_approved_by_a_second_clerk_and_printed(
    celery_worker: CeleryWorker,
    web_server: WebServer,
    hayama_clerks: tuple[StaffUser, StaffUser],
    browser: Browser,  # noqa: F811
) -> None:
    from playwright.sync_api import expect

    clerk_user, reviewer_user = hayama_clerks
    base = web_server.url(ALPHA_HOST).rstrip("/")
    clerk = _context_page(browser)
    reviewer = _context_page(browser)
    try:
        # given: the clerk logged in, on the 異動入力 screen of 住民記録
        _log_in(clerk, base, clerk_user)
        clerk.goto(f"{base}/juminkiroku/")
        clerk.get_by_role("navigation", name="住民記録メニュー").get_by_role(
            "link", name="異動入力"
        ).click()
        clerk.get_by_test_id("jiyu-K01").click()
        expect(clerk.get_by_role("heading", level=1)).to_contain_text("転入")

        # when: a new household of two is typed in, dates in 和暦 and 西暦
        form = clerk.get_by_test_id("ido-form")
        values = {
            "ido_date": "令和6年4月1日",
            "todoke_date": "2024-04-03",
            "c-postal_code": "240-0112",
            "c-jusho": "神奈川県三浦郡葉山町堀内",
            "c-banchi": "2135番地",
            "c-tennyu_mae_jusho": "東京都千代田区霞が関二丁目1番2号",
            "n1-shimei": "森戸　健一",
            "n1-shimei_kana": "モリト　ケンイチ",
            "n1-birth_date": "昭和55年5月5日",
            "n1-honseki": "神奈川県三浦郡葉山町堀内2135番地",
            "n1-hittosha": "森戸　健一",
            "n2-shimei": "森戸　美咲",
            "n2-shimei_kana": "モリト　ミサキ",
            "n2-birth_date": "1983-11-20",
        }
        # (the second 異動者 block is added on the screen: 「世帯員を追加」)
        form.get_by_test_id("add-member").click()
        expect(form.locator('[name="n2-shimei"]')).to_be_focused()
        for name, value in values.items():
            form.locator(f'[name="{name}"]').fill(value)
        for name, value in {
            "n1-sex": "1",
            "n1-shubetsu": "1",
            "n1-zokugara": "01",
            "n2-sex": "2",
            "n2-shubetsu": "1",
            "n2-zokugara": "02",
        }.items():
            form.locator(f'[name="{name}"]').select_option(value)
        clerk.get_by_test_id("ido-submit").click()

        # then: a 仮登録, which the clerk cannot approve alone
        expect(clerk).to_have_url(re.compile(rf"^{re.escape(base)}/juminkiroku/ido/\d+/$"))
        expect(clerk.get_by_test_id("ido-status")).to_have_text("仮登録")
        expect(clerk.get_by_test_id("approve")).to_have_count(0)
        ido_url = clerk.url

        # when: the 審査者 opens the queue in another browser and approves it
        _log_in(reviewer, base, reviewer_user)
        reviewer.goto(f"{base}/juminkiroku/ido/")
        queue = reviewer.get_by_test_id("ido-list")
        queue.get_by_role("link").first.click()
        expect(reviewer).to_have_url(ido_url)
        expect(reviewer.get_by_text("森戸　健一").first).to_be_visible()
        reviewer.get_by_test_id("approve").click()
        expect(reviewer.get_by_test_id("ido-status")).to_have_text("本登録")

        # then: the clerk sees the two new residents with their 宛名番号
        clerk.goto(ido_url)
        expect(clerk.get_by_test_id("ido-status")).to_have_text("本登録")
        people = clerk.get_by_test_id("registered-person")
        expect(people).to_have_count(2)
        head_text = people.first.inner_text()
        atena_no = re.search(r"宛名番号 (\d{10})", head_text)
        assert atena_no is not None, head_text

        # when: the clerk prints the household's 住民票の写し with 世帯主・続柄 and 本籍
        clerk.get_by_role("navigation", name="住民記録メニュー").get_by_role(
            "link", name="証明書発行"
        ).click()
        clerk.get_by_label("宛名番号").fill(atena_no[1])
        clerk.get_by_role("button", name=re.compile("対象者を表示")).click()
        clerk.get_by_label("世帯主・続柄").check()
        clerk.get_by_label("本籍・筆頭者").check()
        clerk.screenshot(path=SCREENSHOT, full_page=True)
        captured: dict[str, Any] = {}
        keep_pdf(clerk, r".*/juminkiroku/shomei/$", captured, post_only=True)
        app_url = clerk.url
        with clerk.context.expect_page() as new_tab:
            clerk.get_by_role("button", name=re.compile("発行")).click()
        wait_for(clerk, captured, "body")
        # (the PDF opened in a new tab; the app stays where it was)
        assert new_tab.value is not clerk and clerk.url == app_url
        hakko_no = captured["headers"]["x-hakko-no"]
        pages = pdf_pages(captured["body"])

        # then: the PDF reads back with both names, 和暦 dates, the 続柄 and 本籍 asked
        # for, no 個人番号 or 住民票コード, and the 認証文 on its last page only
        text = squash("".join(pages))
        for expected in (
            "住民票",
            "森戸健一",
            "森戸美咲",
            "昭和55年5月5日",
            "令和6年4月1日",
            "世帯主",
            "妻",
            "神奈川県三浦郡葉山町堀内2135番地",
            hakko_no.split("-")[1],  # the serial of the 発行番号 (標準仕様書 5.5)
        ):
            assert expected in text, expected
        assert "個人番号" not in text and "住民票コード" not in text
        assert "相違ないことを証明する" in squash(pages[-1])
        assert all("相違ないことを証明する" not in squash(p) for p in pages[:-1])
    finally:
        clerk.context.close()
        reviewer.context.close()
