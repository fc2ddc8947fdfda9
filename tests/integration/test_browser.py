"""The staff UI in headless Chromium against gunicorn and a real worker: two-step
login on the town's own host, the Japanese menu, an access-log export entered in
和暦 whose progress the page follows by htmx polling, and a session that does not
cross to the other town's host."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pyotp
import pytest
from django.db import connections
from django.utils import timezone

from tenants.models import StaffUser
from tenants.wareki import format_wareki
from tests.personas import ALPHA_HOST, BETA_HOST, PERSONA_PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from tests.integration.conftest import CeleryWorker, WebServer

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("committed")]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT = "/tmp/jc-browser-job.png"
JOB_TIMEOUT_MS = 60_000


@pytest.fixture(autouse=True)
def _orm_beside_playwright(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Playwright's sync API keeps an asyncio loop in this thread, which makes Django
    refuse ORM calls (SynchronousOnlyOperation). The tests' own queries are plain
    synchronous ones, so the documented escape hatch is safe here. While that loop
    runs, Django keeps its connections per context, not per thread: the ones opened
    meanwhile are closed here, or they would keep the test database from being
    dropped at the end of the session."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    yield
    connections.close_all()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def hayama_admin(committed: None) -> Iterator[StaffUser]:
    """The admin's second-factor state is put back afterwards: a code used here must
    not make a later test's login (same 30-second step) look like a replay."""
    fields = ["totp_last_step", "failed_logins", "locked_until", "last_login"]
    user = StaffUser.objects.get(username="hayama-admin")
    saved = {f: getattr(user, f) for f in fields}
    yield user
    StaffUser.objects.filter(pk=user.pk).update(**saved)


def _log_in(page: Page, base: str, user: StaffUser) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    page.get_by_label("ユーザーID").fill(user.username)
    page.get_by_label("パスワード").fill(PERSONA_PASSWORD)
    page.get_by_role("button", name="次へ").click()
    expect(page).to_have_url(f"{base}/login/totp/")
    page.get_by_label("確認コード").fill(pyotp.TOTP(user.totp_secret).now())
    page.get_by_role("button", name="ログイン").click()
    expect(page).to_have_url(f"{base}/")


def test_admin_exports_the_access_log_and_watches_it_finish(
    celery_worker: CeleryWorker,
    web_server: WebServer,
    hayama_access_rows: int,
    hayama_admin: StaffUser,
    page: Page,
) -> None:
    from playwright.sync_api import expect

    base = web_server.url(ALPHA_HOST).rstrip("/")

    # given: the admin logged in on 葉山町's host (password, then the TOTP code)
    _log_in(page, base, hayama_admin)

    # then: the town's header and its menu in Japanese
    expect(page.get_by_test_id("town-name")).to_have_text("葉山町")
    menu = page.get_by_role("navigation", name="業務メニュー")
    expect(menu.get_by_role("heading", name="住民情報")).to_be_visible()
    expect(menu.get_by_role("link", name="住民基本台帳")).to_be_visible()

    # when: バッチ処理 → アクセスログ抽出を開始, yesterday to today typed in 和暦
    menu.get_by_role("link", name="バッチ処理").click()
    expect(page).to_have_url(f"{base}/jobs/")
    page.get_by_role("link", name="アクセスログ抽出を開始").click()
    today = timezone.localdate()
    date_from, date_to = format_wareki(today - timedelta(days=1)), format_wareki(today)
    assert date_to.startswith("令和")
    page.get_by_label("開始日").fill(date_from)
    page.get_by_label("終了日").fill(date_to)
    page.get_by_role("button", name="抽出を開始").click()

    # then: the job's page, which follows the job to the end by polling
    expect(page).to_have_url(re.compile(rf"^{re.escape(base)}/jobs/\d+/$"))
    detail_url = page.url
    navigations: list[str] = []
    polls: list[str] = []
    page.on(
        "framenavigated",
        lambda frame: navigations.append(frame.url) if frame == page.main_frame else None,
    )
    page.on(
        "request",
        lambda request: polls.append(request.url) if "/progress/" in request.url else None,
    )
    first_percent = page.get_by_test_id("job-percent").inner_text()
    first_status = page.get_by_test_id("job-status").inner_text()

    percent = page.get_by_test_id("job-percent")
    expect(percent).to_have_text("100%", timeout=JOB_TIMEOUT_MS)
    expect(page.get_by_test_id("job-status")).to_have_text("正常終了", timeout=JOB_TIMEOUT_MS)
    page.screenshot(path=SCREENSHOT, full_page=True)

    assert page.url == detail_url
    # At most the one reload of the same page that the last poll asks for (HX-Refresh),
    # so the result files and buttons appear; never another page.
    assert all(url == detail_url for url in navigations), navigations
    assert len(navigations) <= 1, navigations
    if first_status != "正常終了":
        # Rendered before the end: the fragment was polled (htmx) to reach 100%.
        assert first_percent != "100%" or first_status in {"待機中", "実行中"}
        assert polls, "the progress fragment was never polled"
    progress = page.locator("#job-progress")
    expect(progress).not_to_have_attribute("hx-get", re.compile(".+"))  # polling stopped
    counts = re.search(r"（(\d+) / (\d+)件", progress.inner_text())
    assert counts is not None
    assert counts[1] == counts[2]
    assert int(counts[2]) >= hayama_access_rows

    # and: the result file is offered on the page (reloaded by the last poll); no
    # 「結果を表示」 leads back to this same page (tests/test_job_result_link.py)
    expect(progress.get_by_role("link", name="結果を表示")).to_have_count(0)
    file_link = page.get_by_role("link", name=re.compile(r"^accesslog_.+\.csv$"))
    expect(file_link).to_be_visible()
    with page.expect_download() as download_info:
        file_link.click()
    download = download_info.value
    content = download.path().read_bytes().decode("utf-8-sig")
    assert content.startswith("日時,職員,")
    assert "integration-filler" in content


def test_session_does_not_cross_to_the_other_towns_host(
    web_server: WebServer, hayama_admin: StaffUser, page: Page
) -> None:
    from playwright.sync_api import expect

    alpha = web_server.url(ALPHA_HOST).rstrip("/")
    beta = web_server.url(BETA_HOST).rstrip("/")
    _log_in(page, alpha, hayama_admin)

    # when: the same browser goes to 寒川町's host
    page.goto(f"{beta}/")

    # then: not logged in there (cookies are host-only)
    expect(page).to_have_url(f"{beta}/login/?next=/")
    expect(page.get_by_role("button", name="次へ")).to_be_visible()

    # and: 葉山町's session cookie replayed on 寒川町's host is refused too
    cookies: list[Any] = page.context.cookies(f"{alpha}/")
    session = next(c for c in cookies if c["name"] == "sessionid")
    page.context.add_cookies([{"name": "sessionid", "value": session["value"], "url": f"{beta}/"}])
    page.goto(f"{beta}/jobs/")
    expect(page).to_have_url(f"{beta}/login/?next=/jobs/")
