"""Read-only API of 子ども医療費助成・ひとり親家庭等医療費助成 償還 (IR-10): each 業務 at its own
prefix, the 業務 role as the wall (the 応援職員 of 寒川町 holding 住民記録 only is refused), the
purpose in ``X-Purpose`` (400 without it, kept on the access-log row), paging in the platform's
page shape, and 寒川町 reaching none of 葉山町's. The 償還 figure is test_iryo.py's: 3,000円 paid
at the counter less the town's 500円 (葉山町's 条例 value set by the test) → 2,500円."""

from __future__ import annotations

import pytest

from fukushi.models import IryoJukyusha
from fukushi.tests.test_iryo import K, _kofu, towns  # noqa: F401  (towns: the fixture)
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db

API = "/api/v1/fukushi"


def test_iryo_shokan_api_role_purpose_paging_and_two_towns(world, login, towns):  # noqa: F811
    child, head = towns["hayama"]["child"], towns["hayama"]["head"]
    clerk = login("hayama-clerk", ALPHA_HOST)
    assert _kofu(clerk, K, child, head).status_code == 302
    connection.set_tenant(world.alpha.municipality)
    j = IryoJukyusha.objects.get(atena_id=child.pk)
    connection.set_schema_to_public()
    for day, kikan, paid in (
        ("令和7年9月1日", "横浜市立病院", 3000),
        ("令和7年9月20日", "葉山クリニック", 400),
        ("令和7年10月2日", "横浜市立病院", 1200),
    ):
        r = clerk.post(
            f"{K}{j.pk}/shokan/", {"shinryo_tsuki": day, "iryo_kikan": kikan, "jiko_futan": paid}
        )
        assert r.status_code == 302
    one = f"{API}/kodomo-iryo/{j.pk}/shokan/"
    ichiran = f"{API}/kodomo-iryo/shokan/"
    assert clerk.get(one).status_code == 400  # no purpose
    r = clerk.get(one, HTTP_X_PURPOSE="償還の問い合わせ")
    assert r.status_code == 200
    rows = r.json()["shokan"]
    assert [(x["shinryo_tsuki"], x["iryo_kikan"], x["jiko_futan"], x["shikyu_gaku"], x["jotai"])
            for x in rows] == [
        ("2025-10-01", "横浜市立病院", 1200, 700, "受付"),
        ("2025-09-01", "葉山クリニック", 400, 0, "受付"),
        ("2025-09-01", "横浜市立病院", 3000, 2500, "受付"),
    ]  # fmt: skip
    assert "koza_bango" not in rows[0]
    # the other 業務's prefix does not open this 受給者
    r = clerk.get(f"{API}/hitorioya-iryo/{j.pk}/shokan/", HTTP_X_PURPOSE="x")
    assert r.status_code == 404
    body = clerk.get(f"{API}/hitorioya-iryo/shokan/", HTTP_X_PURPOSE="x").json()
    assert (body["count"], body["results"]) == (0, [])
    # paged: 2 claims of 9月, 1 a page
    body = clerk.get(ichiran + "?shinryo_tsuki=2025-09-01&page_size=1&page=2",
                     HTTP_X_PURPOSE="審査").json()  # fmt: skip
    assert (body["count"], body["page"], len(body["results"])) == (2, 2, 1)
    r = clerk.get(ichiran + "?shinryo_tsuki=2025-09-01&page_size=1&page=3", HTTP_X_PURPOSE="x")
    assert r.status_code == 404
    assert clerk.get(ichiran + "?jotai=x", HTTP_X_PURPOSE="x").status_code == 400
    connection.set_tenant(world.alpha.municipality)
    got = set(
        AccessLog.objects.filter(
            username="hayama-clerk", screen__startswith="api.fukushi.kodomo_iryo_shokan"
        ).values_list("screen", "purpose")
    )
    assert ("api.fukushi.kodomo_iryo_shokan", "償還の問い合わせ") in got
    assert ("api.fukushi.kodomo_iryo_shokan_ichiran", "審査") in got
    connection.set_schema_to_public()
    # 寒川町's 応援職員 in 葉山町 holds 住民記録 only: refused
    helper = login("samukawa-clerk", ALPHA_HOST)
    assert helper.get(one, HTTP_X_PURPOSE="x").status_code in (403, 404)
    assert helper.get(ichiran, HTTP_X_PURPOSE="x").status_code in (403, 404)
    # 寒川町 (its own host): none of 葉山町's claims
    other = login("samukawa-shinsa", BETA_HOST)
    assert other.get(one, HTTP_X_PURPOSE="x").status_code == 404
    assert other.get(ichiran, HTTP_X_PURPOSE="x").json()["count"] == 0
