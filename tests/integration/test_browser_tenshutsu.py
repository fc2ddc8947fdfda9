"""A 転出 at the counter, in headless Chromium against gunicorn and a real worker
(住民記録 標準仕様書 1.1.5, 4.0.3, 4.1.3.0.3): the clerk enters a 転出 with a 転出予定日 a
week ahead, a 審査者 approves it, the clerk prints the 転出証明書 the same day (PDF read
back); until the 転出予定日 the person is still found by the default search and gets a
住民票の写し showing the 転出予定; the daily job, run as of the 転出予定日, makes the
除票 from that date and the worker ends the 印鑑登録 on it; the 住基ネット CS (the local
simulator) receives the 転出 with its 転出予定日 (標準仕様書 7.1.1.1)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from juminkiroku.tests.certhelpers import png_bytes, set_ninshosha
from juminkiroku.tests.cshelpers import cs_fixture, received  # noqa: F401  (fixture)
from tenants.db import connection
from tenants.models import Municipality, StaffUser
from tenants.testing.pdf import pdf_pages, squash
from tenants.wareki import format_wareki
from tests.integration.cleanup import login_state, login_state_restore, truncate_tables
from tests.integration.pdf_capture import keep_pdf, wait_for
from tests.integration.screens import VIEWPORT, axe_violations, overflow_px
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

SAKI = "東京都新宿区西新宿二丁目8番1号"


@pytest.fixture
def hayama_resident(committed: None) -> Iterator[dict[str, Any]]:
    """担当者 and 審査者 of 葉山町, and one resident with a 印鑑登録 (committed; the
    registry rows are removed afterwards, the access log stays: append-only)."""
    from juminkiroku.services.inkan import inkan_register
    from juminkiroku.tests.factories import actor_for, household_tennyu, person_fields

    users = [StaffUser.objects.get(username=u) for u in ("hayama-clerk", "hayama-shinsa")]
    saved = login_state(users)
    town = Municipality.objects.get(dantai_code="143014")
    connection.set_tenant(town)
    set_ninshosha()
    _, (person,) = household_tennyu(
        "hayama",
        members=[person_fields(shimei="転出　予定子", shimei_kana="テンシュツ　ヨテイコ")],
    )
    toroku = inkan_register(
        atena_id=person.pk,
        image_png=png_bytes(),
        actor=actor_for("hayama-clerk"),
        toroku_date=timezone.localdate() - timedelta(days=100),
    )
    connection.set_schema_to_public()
    yield {"clerk": users[0], "shinsa": users[1], "person": person, "inkan": toroku, "town": town}
    login_state_restore(users, saved)
    truncate_tables(town.schema_name, "juminkiroku_")
    from tenants.params.tenant.models import MunicipalParameter

    connection.set_tenant(town)
    MunicipalParameter.objects.filter(key="juminkiroku.ninshosha").delete()
    connection.set_schema_to_public()


def _context_page(chromium: Browser) -> Page:
    context = chromium.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
    context.set_default_timeout(15_000)
    return context.new_page()


def _tenshutsu_pk(town: Municipality, atena_id: int) -> int:
    from juminkiroku.models import Tenshutsu

    connection.set_tenant(town)
    pk = Tenshutsu.objects.get(atena_id=atena_id).pk
    connection.set_schema_to_public()
    return pk


def _search(page: Page, base: str) -> str:
    page.goto(f"{base}/juminkiroku/")
    page.get_by_label("氏名（漢字）").fill("転出　予定子")
    page.get_by_role("button", name="検索").click()
    return page.get_by_test_id("hit-count").inner_text()


def test_tenshutsu_at_the_counter(
    cs: Any,
    celery_worker: CeleryWorker,
    web_server: WebServer,
    hayama_resident: dict[str, Any],
    browser: Browser,  # noqa: F811
) -> None:
    from playwright.sync_api import expect

    from juminkiroku.codes import InkanStatus, JuminJotai
    from juminkiroku.models import Atena, InkanToroku

    person = hayama_resident["person"]
    town = hayama_resident["town"]
    today = timezone.localdate()
    yotei = today + timedelta(days=7)
    base = web_server.url(ALPHA_HOST).rstrip("/")
    clerk = _context_page(browser)
    reviewer = _context_page(browser)
    try:
        # given: the clerk on the 異動入力 screen, the person named by 宛名番号
        _log_in(clerk, base, hayama_resident["clerk"])
        clerk.goto(f"{base}/juminkiroku/ido/new/")
        clerk.locator('select[name="jiyu"]').select_option("S01")
        clerk.locator('input[name="atena_no"]').fill(person.atena_no)
        clerk.get_by_role("button", name="次へ").click()
        expect(clerk.get_by_role("heading", level=1)).to_contain_text("転出")

        # when: the 転出届 is typed: 届出 today, 転出予定日 a week ahead (4.0.3)
        form = clerk.get_by_test_id("ido-form")
        form.locator('[name="todoke_date"]').fill(format_wareki(today))
        form.locator('[name="ido_date"]').fill(format_wareki(yotei))
        form.locator('[name="c-tenshutsu_saki_postal_code"]').fill("160-0023")
        form.locator('[name="c-tenshutsu_saki_jusho"]').fill(SAKI)
        clerk.get_by_test_id("ido-submit").click()
        expect(clerk).to_have_url(re.compile(rf"^{re.escape(base)}/juminkiroku/ido/\d+/$"))
        expect(clerk.get_by_test_id("ido-status")).to_have_text("仮登録")
        ido_url = clerk.url

        # and a 審査者 approves it in another browser
        _log_in(reviewer, base, hayama_resident["shinsa"])
        reviewer.goto(ido_url)
        reviewer.get_by_test_id("approve").click()
        expect(reviewer.get_by_test_id("ido-status")).to_have_text("本登録")
        # and the CS link sends the 転出 with its 転出予定日 to the 住基ネット CS (7.1.1.1)
        call_command("cs_sync", "--schema", town.schema_name, "--aki", "5")
        sent = [(r["ido_jiyu"], r["ido_date"]) for r in received(cs, town.dantai_code)]
        assert ("21", f"{yotei:%Y%m%d}") in sent, sent

        # then: the clerk opens the 転出's screen: a 予定, and prints the 転出証明書 today
        clerk.goto(ido_url)
        clerk.get_by_test_id("tenshutsu-link").click()
        expect(clerk.get_by_test_id("tenshutsu-status")).to_contain_text("転出予定")
        captured: dict[str, Any] = {}
        keep_pdf(clerk, r".*/juminkiroku/tenshutsu/\d+/shomei/$", captured, post_only=True)
        with clerk.context.expect_page():
            clerk.get_by_test_id("tenshutsu-shomei").click()
        wait_for(clerk, captured, "body")
        text = squash("".join(pdf_pages(captured["body"])))
        for expected in (
            "転出証明書",
            "転出予定子",
            SAKI + "（〒160-0023）",
            "転出の予定年月日" + squash(format_wareki(yotei)),
            captured["headers"]["x-hakko-no"],
        ):
            assert expected in text, expected

        # and until the 転出予定日 the person is found by the default search …
        assert _search(clerk, base) == "1"
        # … and gets a 住民票の写し showing the 転出予定
        clerk.get_by_role("navigation", name="住民記録メニュー").get_by_role(
            "link", name="証明書発行"
        ).click()
        clerk.get_by_label("宛名番号").fill(person.atena_no)
        clerk.get_by_role("button", name=re.compile("対象者を表示")).click()
        juminhyo: dict[str, Any] = {}
        keep_pdf(clerk, r".*/juminkiroku/shomei/$", juminhyo, post_only=True)
        with clerk.context.expect_page():
            clerk.get_by_role("button", name=re.compile("発行")).click()
        wait_for(clerk, juminhyo, "body")
        text = squash("".join(pdf_pages(juminhyo["body"])))
        assert "住民票" in text and "転出予定子" in text
        assert "転出予定年月日" + squash(format_wareki(yotei)) in text
        connection.set_tenant(town)
        assert InkanToroku.objects.get(pk=hayama_resident["inkan"].pk).status == (
            InkanStatus.TOROKU
        )
        connection.set_schema_to_public()

        # when: the daily job runs as of the 転出予定日 (the date moved past it)
        call_command(
            "tenshutsu_kakutei", "--schema", town.schema_name, "--today", yotei.isoformat()
        )

        # then: a 除票 from that date; the default search no longer finds the person
        connection.set_tenant(town)
        gone = Atena.objects.get(pk=person.pk)
        assert (gone.jotai, gone.shojo_date) == (JuminJotai.TENSHUTSU, yotei)
        connection.set_schema_to_public()
        assert _search(clerk, base) == "0"
        clerk.goto(ido_url)
        clerk.get_by_test_id("tenshutsu-link").click()
        expect(clerk.get_by_test_id("tenshutsu-shojo-date")).to_have_text(format_wareki(yotei))
        # the 転出's screen with the paper 転入通知 form, and the 未着者一覧, pass the
        # screen checks (axe-core serious/critical, no sideways scroll at 1366×768)
        clerk.set_viewport_size(VIEWPORT)
        for path in (
            f"/juminkiroku/tenshutsu/{_tenshutsu_pk(town, person.pk)}/tsuchi/",
            "/juminkiroku/tenshutsu/mitchaku/",
        ):
            clerk.goto(base + path)
            assert axe_violations(clerk) == [], clerk.url
            assert overflow_px(clerk) <= 0, clerk.url
        # and the worker ends the 印鑑登録 on the 除票 date (event tenshutsu_kakutei)
        deadline = time.monotonic() + 30
        connection.set_tenant(town)
        while True:
            toroku = InkanToroku.objects.get(pk=hayama_resident["inkan"].pk)
            if toroku.status != InkanStatus.TOROKU or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert toroku.status == InkanStatus.SHOKKEN_MASSHO, celery_worker.tail()
        assert toroku.ended_date == yotei
        connection.set_schema_to_public()
    finally:
        clerk.context.close()
        reviewer.context.close()
