"""In Chromium: the town administrator registers a 公印 and a 職務代理者 on the 公印・認証者
screen, then a clerk issues a 住民票記載事項証明書 on a 公用 request, two copies; the PDF
reads back with 「公用」, the chosen items only, the deputy with the prefecture, the seal,
and a 発行番号 of its own on each copy (住民記録システム標準仕様書 1.3.7, 1.3.9, 5.1, 5.5,
5.6, 5.7). Each screen passes axe-core (no serious or critical violation) and does not
scroll sideways at 1366×768."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from juminkiroku.tests.certhelpers import png_bytes
from tenants.db import connection
from tenants.models import Municipality, StaffUser
from tenants.testing.pdf import pdf_pages
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

    from tests.integration.conftest import WebServer

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("committed")]


@pytest.fixture
def shomei_world(committed: None) -> Iterator[dict[str, Any]]:
    """葉山町's admin and clerk (second-factor state put back) and a household; the
    registry, 公印 and 認証者 rows this test commits are removed afterwards."""
    from juminkiroku.tests.factories import family, household_tennyu
    from tenants.params.tenant.models import MunicipalParameter

    users = [StaffUser.objects.get(username=u) for u in ("hayama-admin", "hayama-clerk")]
    saved = login_state(users)
    town = Municipality.objects.get(dantai_code="143014")
    connection.set_tenant(town)
    MunicipalParameter.objects.create(
        key="juminkiroku.ninshosha",
        fiscal_year_from=2000,
        value={"shimei": "葉山　守"},
        source="テスト",
        created_by="test",
    )
    _, atenas = household_tennyu("hayama", members=family())
    connection.set_schema_to_public()
    yield {"admin": users[0], "clerk": users[1], "head": atenas[0]}
    login_state_restore(users, saved)
    truncate_tables(town.schema_name, "juminkiroku_")
    connection.set_tenant(town)
    MunicipalParameter.objects.filter(key="juminkiroku.ninshosha").delete()
    connection.set_schema_to_public()


def _page(chromium: Browser) -> Page:
    context = chromium.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", viewport=VIEWPORT)
    context.set_default_timeout(15_000)
    return context.new_page()


def _checked(page: Page) -> None:
    assert axe_violations(page) == [], page.url
    assert overflow_px(page) == 0, page.url


def test_admin_registers_seal_and_deputy_then_a_koyo_kisai_prints_with_them(
    web_server: WebServer,
    shomei_world: dict[str, Any],
    browser: Browser,  # noqa: F811
) -> None:
    from playwright.sync_api import expect
    from pypdf import PdfReader

    base = web_server.url(ALPHA_HOST).rstrip("/")
    admin = _page(browser)
    clerk = _page(browser)
    try:
        # given: the administrator on 公印・認証者
        _log_in(admin, base, shomei_world["admin"])
        admin.goto(f"{base}/juminkiroku/koin/")
        expect(admin.get_by_role("heading", level=1)).to_have_text("公印・認証者")
        _checked(admin)
        # when: a 職務代理者 for a period around today, and the deputy's seal
        admin.locator('[name="n-kubun"]').select_option("dairi")
        admin.locator('[name="n-shokumei"]').fill("葉山町長職務代理者　副町長")
        admin.locator('[name="n-shimei"]').fill("代理　二郎")
        admin.locator('[name="n-valid_from"]').fill("令和2年1月1日")
        admin.locator('[name="n-valid_to"]').fill("令和32年12月31日")
        admin.get_by_role("button", name="認証者を登録").click()
        expect(admin.get_by_test_id("ninshosha-list")).to_contain_text("代理　二郎")
        admin.locator('[name="k-kind"]').select_option("dairi")
        admin.locator('[name="k-image"]').set_input_files(
            {"name": "koin.png", "mimeType": "image/png", "buffer": png_bytes((90, 90))}
        )
        admin.locator('[name="k-valid_from"]').fill("令和2年1月1日")
        admin.locator('[name="k-mongon"]').fill("この印は黒色です")
        admin.get_by_role("button", name="公印を登録").click()
        expect(admin.get_by_test_id("koin-list")).to_contain_text("職務代理者印")
        _checked(admin)

        # when: the clerk issues a 記載事項証明書 of 氏名 and 住所 on a 公用 request, 2 copies
        _log_in(clerk, base, shomei_world["clerk"])
        clerk.goto(f"{base}/juminkiroku/shomei/")
        clerk.get_by_label("宛名番号").fill(shomei_world["head"].atena_no)
        clerk.get_by_role("button", name=re.compile("対象者を表示")).click()
        _checked(clerk)
        clerk.locator('[name="kind"]').select_option("kisai")
        clerk.locator('[name="kisai_items"][value="shimei"]').check()
        clerk.locator('[name="kisai_items"][value="jusho"]').check()
        clerk.locator('[name="copies"]').fill("2")
        clerk.locator('[name="seikyusha"]').select_option("koyo")
        clerk.locator('[name="koyo_kikan"]').fill("横浜地方法務局")
        clerk.locator('[name="koyo_mokuteki"]').fill("登記事務")
        captured: dict[str, Any] = {}
        keep_pdf(clerk, r".*/juminkiroku/shomei/$", captured, post_only=True)
        with clerk.context.expect_page():
            clerk.get_by_role("button", name=re.compile("発行")).click()
        wait_for(clerk, captured, "body")

        # then: the PDF reads back as asked
        pages = pdf_pages(captured["body"])
        assert len(pages) == 2  # one page a copy
        serials = []
        for text in pages:
            for expected in (
                "公用",
                "住民票記載事項証明書",
                "氏名山田太郎",
                "山田花子",
                "住所神奈川県三浦郡葉山町堀内2135番地",
                "上記のとおり住民票に記載されていることを証明する。",
                "神奈川県葉山町長職務代理者副町長代理二郎",
                "この印は黒色です",
            ):
                assert expected in text, expected
            assert "生年月日" not in text and "本籍" not in text
            found = re.search(r"発行番号\d{8}葉山町.*?(\d{7})1/1", text)
            assert found is not None, text
            serials.append(found[1])
        assert len(set(serials)) == 2  # 5.5: a number of its own on each copy
        reader = PdfReader(io.BytesIO(captured["body"]))
        assert all(len(p.images) == 1 for p in reader.pages)  # the seal on each copy

        # and the 交付履歴 lists both copies' numbers
        clerk.goto(f"{base}/juminkiroku/kofu/")
        listing = clerk.get_by_test_id("kofu-list")
        for serial in serials:
            expect(listing).to_contain_text(serial)
        _checked(clerk)
    finally:
        admin.context.close()
        clerk.context.close()
