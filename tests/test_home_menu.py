"""The town's top page and menu list the 業務 whose screens work first; those not built yet
(画面準備中) follow in a group of their own, each marked (issue 13: the demo's top page
listed 32 modules as 画面準備中 above the ones that work)."""

from __future__ import annotations

from datetime import date

import pytest
from lxml import html

from tenants.models import Gyomu, GyomuCategory, Membership, MembershipRole, RoleLevel, Subscription
from tenants.modules.registry import implemented_gyomu
from tests.personas import ALPHA_HOST

pytestmark = pytest.mark.django_db


def _subscribe_unbuilt_common_module(world) -> Gyomu:
    """葉山町 also takes a 業務 of the first category (共通) that has no screens yet, and its
    管理者 a role in it (inside the test's transaction)."""
    gyomu = Gyomu.objects.filter(category=GyomuCategory.KYOTSU, implemented=False).first()
    assert gyomu is not None and gyomu.code not in implemented_gyomu()
    town = world.alpha.municipality
    Subscription.objects.create(municipality=town, gyomu=gyomu, start_month=date(2011, 10, 1))
    membership = Membership.objects.get(user__username="hayama-admin", municipality=town)
    MembershipRole.objects.create(membership=membership, gyomu=gyomu, level=RoleLevel.ADMIN)
    return gyomu


def test_the_top_page_lists_the_working_modules_first(world, login):
    # given 葉山町 with its working modules, 国保資格 (not built) and a 共通 module not built
    unbuilt = _subscribe_unbuilt_common_module(world)
    client = login("hayama-admin", ALPHA_HOST)
    # when its 管理者 opens the top page
    tree = html.fromstring(client.get("/").content)
    main = tree.xpath("//main")[0]
    names = [a.text_content().strip() for a in main.xpath(".//a[contains(@href, '/m/')]")]
    # ready: the catalogue says its screens ship (a module may declare a 業務 before then:
    # fukushi holds its codes while its screens are built)
    ready = set(Gyomu.objects.filter(implemented=True).values_list("name", flat=True))
    assert set(Gyomu.objects.filter(implemented=True).values_list("code", flat=True)) <= (
        implemented_gyomu()
    )
    # then every working module comes before every one not built
    flags = [name in ready for name in names]
    assert flags == sorted(flags, reverse=True), names
    assert unbuilt.name in names
    # and the ones not built are together under one heading, each marked 画面準備中
    pending = main.xpath(".//section[@data-testid='menu-pending']")
    assert len(pending) == 1
    assert pending[0].xpath("h2")[0].text_content() == "画面準備中の業務"
    items = pending[0].xpath(".//li")
    assert {li.xpath("a")[0].text_content() for li in items} == set(names) - ready
    assert all("画面準備中" in li.text_content() for li in items)
    assert "画面準備中" not in "".join(
        s.text_content() for s in main.xpath(".//section[@data-testid='menu-ready']")
    )


def test_the_side_menu_lists_the_working_modules_first(world, login):
    _subscribe_unbuilt_common_module(world)
    client = login("hayama-admin", ALPHA_HOST)
    nav = html.fromstring(client.get("/jobs/").content).xpath("//nav[@aria-label='業務メニュー']")[
        0
    ]
    names = [a.text_content().strip() for a in nav.xpath(".//a[contains(@href, '/m/')]")]
    # ready: the catalogue says its screens ship (a module may declare a 業務 before then:
    # fukushi holds its codes while its screens are built)
    ready = set(Gyomu.objects.filter(implemented=True).values_list("name", flat=True))
    assert set(Gyomu.objects.filter(implemented=True).values_list("code", flat=True)) <= (
        implemented_gyomu()
    )
    flags = [name in ready for name in names]
    assert flags == sorted(flags, reverse=True), names
    assert False in flags and True in flags
