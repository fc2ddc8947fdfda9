"""Every URL of a town host is 404 for a town that does not subscribe to the URL's 業務,
whatever the method, the role or the record asked for (ModuleGateMiddleware). Driven from
config.urls_tenant, with the keyword arguments filled generically.

寒川町 does not subscribe to 個人住民税 (tests/personas.py); for the modules both towns use,
the test ends 寒川町's subscription inside the test's transaction (rolled back after).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import resolve
from django.utils import timezone

from tenants.middleware import UNGUARDED_PATHS
from tenants.models import Subscription
from tenants.modules.spec import PLATFORM
from tests.personas import BETA_HOST
from tests.urlwalk import TENANT_URLCONF, gated, gyomu_of, sample_value, statuses, walk

pytestmark = pytest.mark.django_db

ROUTES = walk()


# The platform (top page, login, jobs, access log, API keys) is every member's, not a
# subscription: those URLs are checked with the module pages of each 業務 below.
GATED = gated(ROUTES, platform=PLATFORM)
MODULE_PAGE = next(r for r in ROUTES if "gyomu_code" in r.kwarg_names())


def test_platform_urls_are_the_platforms_own():
    platform = [r for r in ROUTES if gyomu_of(r) == PLATFORM]
    modules = {r.module.split(".")[0] for r in platform}
    assert modules <= {"tenants", "billing"}, modules  # billing: the member's own statements
    assert GATED and len(GATED) + len(platform) == len(ROUTES)


def _end_beta_subscription(world: Any, code: str) -> None:
    """寒川町 stops using ``code``: its last month was the previous one."""
    this_month = timezone.localdate().replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    Subscription.objects.filter(municipality=world.beta.municipality, gyomu__code=code).update(
        end_month=last_month
    )


@pytest.fixture
def samukawa_admin(world: Any, login: Any) -> Any:
    # 管理者 of 寒川町: every role in every module the town had, 管理 of the platform.
    return login("samukawa-admin", BETA_HOST)


@pytest.mark.parametrize("route", GATED, ids=[r.label for r in GATED])
def test_every_url_is_404_for_a_town_not_subscribed_to_its_gyomu(world, samukawa_admin, route):
    # given 寒川町 without the 業務 of the URL this month
    code = gyomu_of(route)
    _end_beta_subscription(world, code)
    assert not Subscription.objects.filter(
        municipality=world.beta.municipality, gyomu__code=code, end_month__isnull=True
    ).exists()
    path = route.path(sample_value)
    assert path not in UNGUARDED_PATHS
    assert resolve(path, urlconf=TENANT_URLCONF).func is route.callback  # the URL is this view's
    # when its administrator asks for it, in any method
    answers = statuses(samukawa_admin, path)
    # then the URL does not exist there
    assert answers == [404, 404, 404], (route.label, code, answers)


@pytest.mark.parametrize("code", ["kojin_juminzei", "juminkiroku", "senkyo"])
def test_the_module_page_is_404_for_a_town_not_subscribed(world, samukawa_admin, code):
    path = MODULE_PAGE.path(lambda r, n: sample_value(r, n, gyomu_code=code))
    if code != "kojin_juminzei":
        assert samukawa_admin.get(path).status_code == 200  # subscribed: the page is there
        _end_beta_subscription(world, code)
    assert statuses(samukawa_admin, path)[0] == 404


def test_ending_a_subscription_is_what_closes_the_urls(world, samukawa_admin):
    # A module 寒川町 uses answers (not 404) until its subscription ends: the 404s above
    # come from the subscription, not from a URL filled wrongly.
    route = next(r for r in GATED if r.name == "jk_search")
    path = route.path(sample_value)
    assert samukawa_admin.get(path).status_code == 200
    _end_beta_subscription(world, gyomu_of(route))
    assert samukawa_admin.get(path).status_code == 404
    # and a start month in the future is not a subscription either
    Subscription.objects.filter(
        municipality=world.beta.municipality, gyomu__code=gyomu_of(route)
    ).update(start_month=date(timezone.localdate().year + 1, 1, 1), end_month=None)
    assert samukawa_admin.get(path).status_code == 404
