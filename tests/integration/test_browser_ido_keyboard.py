"""A 転入 of two people and its 本登録, with the keyboard alone (issue 13, item 3), in
headless Chromium against gunicorn and a real worker: Tab, Shift+Tab, arrow keys, Enter
and typing; no click, no fill, no select_option. The 担当者 logs in, reaches 異動入力 from
the menus, types the 届出 in the order of the paper 住民異動届 (each Tab is asserted to land
on the next field of that order), sees a wrong date refused as she leaves it, adds the
second 異動者 with Enter on 「世帯員を追加」, and enters it; the 審査者 logs in in another
browser, finds it in 異動一覧・審査 and approves it. The registry of 葉山町 then holds the
two residents in one household; 寒川町's holds nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import pyotp
import pytest

from juminkiroku.models import Atena, Ido
from tenants.db import connection
from tenants.models import Municipality, StaffUser
from tests.integration.test_browser import (  # noqa: F401  (fixtures)
    _orm_beside_playwright,
    browser,
)
from tests.integration.test_browser_juminkiroku import (  # noqa: F401  (fixture)
    _context_page,
    hayama_clerks,
)
from tests.personas import ALPHA_HOST, PERSONA_PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from tests.integration.conftest import CeleryWorker, WebServer

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("committed")]

SCREENSHOT = "/tmp/jc-browser-ido-keyboard.png"
MAX_TABS = 80

# What document.activeElement is: its name, else its data-testid, else its text.
ACTIVE = """() => {
  const e = document.activeElement;
  if (!e) return "";
  return e.getAttribute("name") || e.getAttribute("data-testid") || e.textContent.trim();
}"""


def active(page: Page) -> str:
    return str(page.evaluate(ACTIVE))


def tab_to(page: Page, target: str | re.Pattern[str]) -> None:
    """Press Tab until the focused element is ``target`` (by name, test id or text)."""
    for _ in range(MAX_TABS):
        now = active(page)
        if (now == target) if isinstance(target, str) else target.fullmatch(now):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target!r} (last: {active(page)!r})")


def log_in_by_keyboard(page: Page, base: str, user: StaffUser) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}/")  # the address typed into the browser
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    tab_to(page, "username")
    page.keyboard.type(user.username)
    page.keyboard.press("Tab")
    assert active(page) == "password"
    page.keyboard.type(PERSONA_PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{base}/login/totp/")
    tab_to(page, "code")
    page.keyboard.type(pyotp.TOTP(user.totp_secret).now())
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{base}/")


def open_from_menus(page: Page, *targets: str | re.Pattern[str]) -> None:
    """Follow links by Tab and Enter, one page after another."""
    for target in targets:
        before = page.url
        tab_to(page, target)
        page.keyboard.press("Enter")
        page.wait_for_url(_not(before))


def _not(url: str) -> Callable[[str], bool]:
    return lambda now: now != url


def type_and_tab(page: Page, name: str, text: str = "", *, arrows: int = 0) -> None:
    """On field ``name`` (asserted focused): type ``text`` over what it holds (the 届出日
    starts as today, 標準仕様書 4.1.0.2) or press ArrowDown ``arrows`` times (a select),
    then Tab to the next field."""
    assert active(page) == name, (name, active(page))
    if text:
        page.keyboard.press("Control+a")
        page.keyboard.type(text)
    for _ in range(arrows):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")


def test_a_tennyu_of_two_and_its_honroku_with_the_keyboard_alone(
    celery_worker: CeleryWorker,
    web_server: WebServer,
    hayama_clerks: tuple[StaffUser, StaffUser],  # noqa: F811
    browser: Browser,  # noqa: F811
) -> None:
    from playwright.sync_api import expect

    clerk_user, reviewer_user = hayama_clerks
    base = web_server.url(ALPHA_HOST).rstrip("/")
    clerk = _context_page(browser)
    reviewer = _context_page(browser)
    try:
        # given: the 担当者, logged in, on 住民基本台帳 → 住民記録の画面 → 異動入力 → 転入
        log_in_by_keyboard(clerk, base, clerk_user)
        open_from_menus(
            clerk, "住民基本台帳", "module-entry", "異動入力", "jiyu-K01"
        )  # (test ids: the module page's 「…の画面を開く」, the 転入 link)
        expect(clerk.get_by_role("heading", level=1)).to_contain_text("転入")

        # when: the 届出 is typed in the paper form's order; the cursor starts on 届出日
        page = clerk
        expect(page.locator("[name=todoke_date]")).to_be_focused()
        type_and_tab(page, "todoke_date", "2024-04-03")
        # a date that does not exist is refused as the field is left …
        type_and_tab(page, "ido_date", "令和6年13月1日")
        expect(page.locator("#err-ido_date")).to_have_text(
            "異動日は 2024-04-01 か 令和6年4月1日 の形で入力してください。"
        )
        # … and the message goes once it is corrected
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Control+a")
        type_and_tab(page, "ido_date", "令和6年4月1日")
        expect(page.locator("#err-ido_date")).to_have_text("")
        type_and_tab(page, "c-postal_code", "240-0112")
        type_and_tab(page, "c-jusho", "神奈川県三浦郡葉山町堀内")
        type_and_tab(page, "c-banchi", "2135番地")
        type_and_tab(page, "c-katagaki")
        type_and_tab(page, "c-jusho_code")
        type_and_tab(page, "c-tennyu_mae_postal_code", "100-0013")
        type_and_tab(page, "c-tennyu_mae_jusho", "東京都千代田区霞が関二丁目1番2号")
        type_and_tab(page, "setai_mode")  # 新しい世帯をつくる (already chosen)
        type_and_tab(page, "setai_no")
        type_and_tab(page, "n1-shimei", "森戸　健一")
        type_and_tab(page, "n1-shimei_kana", "モリト　ケンイチ")
        type_and_tab(page, "n1-birth_date", "昭和55年5月5日")
        type_and_tab(page, "n1-sex", arrows=1)  # 男
        type_and_tab(page, "n1-zokugara", arrows=1)  # 世帯主
        type_and_tab(page, "n1-shubetsu", arrows=1)  # 日本人住民
        type_and_tab(page, "n1-honseki", "神奈川県三浦郡葉山町堀内2135番地")
        type_and_tab(page, "n1-hittosha", "森戸　健一")
        # (the section of 旧氏・外国人住民の事項 stays closed: Tab passes its summary)
        tab_to(page, "add_member")
        page.keyboard.press("Enter")
        # the second 異動者 appears with the cursor in its 氏名
        expect(page.locator("[name='n2-shimei']")).to_be_focused()
        type_and_tab(page, "n2-shimei", "森戸　美咲")
        type_and_tab(page, "n2-shimei_kana", "モリト　ミサキ")
        type_and_tab(page, "n2-birth_date", "1983-11-20")
        type_and_tab(page, "n2-sex", arrows=2)  # 女
        type_and_tab(page, "n2-zokugara", arrows=2)  # 妻
        type_and_tab(page, "n2-shubetsu", arrows=1)
        assert page.locator("#err-n1-shimei").inner_text() == ""
        assert page.locator("#err-n2-birth_date").inner_text() == ""
        page.screenshot(path=SCREENSHOT, full_page=True)
        tab_to(page, "ido-submit")
        page.keyboard.press("Enter")

        # then: a 仮登録
        expect(clerk).to_have_url(re.compile(rf"^{re.escape(base)}/juminkiroku/ido/\d+/$"))
        expect(clerk.get_by_test_id("ido-status")).to_have_text("仮登録")
        ido_path = clerk.url[len(base) :]

        # when: the 審査者 finds it in 異動一覧・審査 and approves it, by keyboard
        log_in_by_keyboard(reviewer, base, reviewer_user)
        open_from_menus(reviewer, "住民基本台帳", "module-entry", "異動一覧・審査")
        ido_no = clerk.get_by_role("heading", level=1).inner_text().split("：")[0].split()[-1]
        open_from_menus(reviewer, ido_no)
        expect(reviewer).to_have_url(f"{base}{ido_path}")
        tab_to(reviewer, "approve")
        reviewer.keyboard.press("Enter")
        expect(reviewer.get_by_test_id("ido-status")).to_have_text("本登録")
    finally:
        clerk.context.close()
        reviewer.context.close()

    # then: 葉山町's registry holds both, in one new household, head and wife
    hayama = Municipality.objects.get(dantai_code="143014")
    samukawa = Municipality.objects.get(dantai_code="143219")
    connection.set_tenant(hayama)
    ido = Ido.objects.get(pk=int(ido_path.strip("/").split("/")[-1]))
    assert ido.status == "hon"
    people = {
        a.shimei: a
        for a in Atena.objects.filter(shimei__in=["森戸　健一", "森戸　美咲"], jotai="1")
    }
    assert set(people) == {"森戸　健一", "森戸　美咲"}, people
    head, wife = people["森戸　健一"], people["森戸　美咲"]
    assert head.setai_id == wife.setai_id is not None
    assert (head.zokugara, wife.zokugara) == ("01", "02")
    assert (head.sex, wife.sex) == ("1", "2")
    assert head.birth_date.isoformat() == "1980-05-05"
    assert wife.birth_date.isoformat() == "1983-11-20"
    assert head.tennyu_mae_jusho == "東京都千代田区霞が関二丁目1番2号"
    assert head.honseki == "神奈川県三浦郡葉山町堀内2135番地"
    # and 寒川町's has neither
    connection.set_tenant(samukawa)
    assert not Atena.objects.filter(shimei__in=["森戸　健一", "森戸　美咲"]).exists()
    assert not Ido.objects.filter(pk=ido.pk, jiyu="K01", payload=ido.payload).exists()
    connection.set_schema_to_public()
