"""Every menu link opens (issue 13, "Broken or misleading"): for a town's 管理者, every link
in a navigation menu of every screen reached from the menus, and every module page's
「…の画面を開く」, answers 200. A link to a screen the town does not subscribe to (学齢簿 in
the 住民記録 menu of a town without 学齢簿 answered 404) must not be shown at all.

And a page that does not exist is the product's Japanese page, never Django's.
"""

from __future__ import annotations

from collections import deque
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from lxml import html

from tenants.models import Subscription
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db

# Menus: the <nav> elements of a page, and the module page's link to its first screen.
MENU_LINKS = "//nav//a[@href] | //a[@data-testid='module-entry'][@href]"


def _menu_links(body: bytes) -> list[str]:
    tree = html.fromstring(body)
    out = []
    for a in tree.xpath(MENU_LINKS):
        href = a.get("href", "")
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue  # only this host's pages
        out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def walk_menus(client: Any) -> dict[str, int]:
    """GET ``/`` and every menu link found on the pages reached from it (following
    redirects), breadth first. Returns each link with its final status."""
    seen: dict[str, int] = {}
    queue = deque(["/"])
    while queue:
        path = queue.popleft()
        if path in seen:
            continue
        response = client.get(path, follow=True)
        seen[path] = response.status_code
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            queue.extend(p for p in _menu_links(response.content) if p not in seen)
    return seen


def _end_subscription(town: Any, code: str) -> None:
    """The town stops using ``code``: its last month was the previous one (inside the
    test's transaction, rolled back after)."""
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    Subscription.objects.filter(municipality=town.municipality, gyomu__code=code).update(
        end_month=last_month
    )


@pytest.mark.parametrize(
    ("username", "host"), [("hayama-admin", ALPHA_HOST), ("samukawa-admin", BETA_HOST)]
)
def test_every_menu_link_of_every_module_opens_for_the_administrator(world, login, username, host):
    # given the town's 管理者 (every module of the town at 管理, the platform at 管理)
    client = login(username, host)
    # when every menu link is followed
    seen = walk_menus(client)
    # then each one answers 200, and the walk reached the modules' own menus
    broken = {p: s for p, s in seen.items() if s != 200}
    assert not broken, broken
    assert "/juminkiroku/ido/new/" in seen and "/juminkiroku/gakurei/" in seen
    assert len(seen) > 20, sorted(seen)


def test_a_town_without_gakureibo_is_not_offered_it_in_the_juminkiroku_menu(world, login):
    # given 寒川町 keeps 住民記録 but no longer uses 学齢簿
    _end_subscription(world.beta, "gakureibo")
    client = login("samukawa-admin", BETA_HOST)
    # when its 管理者 follows every menu link
    seen = walk_menus(client)
    # then none answers 404: 学齢簿 is not in the menu at all, the rest of 住民記録 is
    assert {p: s for p, s in seen.items() if s != 200} == {}
    assert "/juminkiroku/gakurei/" not in seen
    assert "/juminkiroku/senkyo/" in seen and "/juminkiroku/ido/" in seen
    # and 葉山町, which still uses it, is offered it
    alpha = login("hayama-admin", ALPHA_HOST)
    body = alpha.get("/juminkiroku/").content.decode()
    assert 'href="/juminkiroku/gakurei/"' in body


def test_a_viewer_is_not_offered_juminkiroku_screens_above_his_level(world, login):
    # given 閲覧者 of 葉山町 (read only): the 異動入力 screen needs 更新
    client = login("hayama-viewer", ALPHA_HOST)
    # when the 住民記録 menu is followed
    body = client.get("/juminkiroku/").content
    links = [p for p in _menu_links(body) if p.startswith("/juminkiroku/")]
    # then every link in it opens for him, and 異動入力 is not among them
    assert {p: client.get(p, follow=True).status_code for p in links} == dict.fromkeys(links, 200)
    assert "/juminkiroku/ido/new/" not in links and "/juminkiroku/ido/" in links


@pytest.mark.parametrize("host", [ALPHA_HOST, BETA_HOST, "localhost", "127.0.0.1"])
def test_a_missing_page_is_the_products_japanese_page(world, login, host, settings):
    # given a logged-in user (or none, on the portal) and DEBUG off as in the demo
    settings.DEBUG = False
    if host in ("localhost", "127.0.0.1"):  # the portal; a host the platform does not serve
        from django.test import Client

        client = Client(HTTP_HOST=host)
    else:
        client = login("hayama-admin" if host == ALPHA_HOST else "samukawa-admin", host)
    # when a page that does not exist is asked for
    response = client.get("/no-such-page/")
    # then the answer is the Japanese 404 page
    body = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="ja">' in body and "ページが見つかりません" in body
    assert "Page not found" not in body and "Django" not in body
    # in the product's look: its stylesheet and icon (a missing icon is a console error)
    assert "css/app.css" in body and "favicon.svg" in body


def test_a_module_page_offers_its_first_screen_only_when_it_opens(world, login):
    """宛名・住登外管理's first screen asks for more than a 閲覧者 holds: its module page
    offered it all the same and it answered 403. Every entry offered now opens."""
    import re

    for username in ("hayama-viewer", "hayama-clerk"):
        client = login(username, ALPHA_HOST)
        for code in ("atena_kanri", "juminkiroku", "kojin_juminzei"):
            page = client.get(f"/m/{code}/")
            if page.status_code != 200:
                continue
            entry = re.search(r'href="([^"]+)" data-testid="module-entry"', page.content.decode())
            if entry is not None:
                opened = client.get(entry.group(1), follow=True)
                assert opened.status_code == 200, (username, code)
