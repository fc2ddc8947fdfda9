"""Query parameters and URL path arguments holding a control character are a 400 before any
view, on every URL of a town host (issue 12, item 3): views read them by hand, and a NUL
reaching PostgreSQL was a 500 (``/api/v1/zeimu/tokucho/%00/2024/``)."""

from __future__ import annotations

import pytest

from tests.personas import ALPHA_HOST, BETA_HOST
from tests.urlwalk import sample_value, walk

pytestmark = pytest.mark.django_db

GET_ROUTES = walk()


@pytest.mark.parametrize("user_host", [("hayama-admin", ALPHA_HOST), ("samukawa-admin", BETA_HOST)])
def test_nul_in_a_path_argument_is_refused_not_a_database_error(world, login, user_host):
    client = login(*user_host)
    r = client.get("/api/v1/zeimu/tokucho/%00/2024/")
    assert r.status_code == 400
    assert r.json() == {"path": ["URLに使えない制御文字（U+0000 NUL）が含まれています。"]}


def test_every_url_refuses_a_control_character_in_its_query(world, login):
    client = login("hayama-admin", ALPHA_HOST)
    for route in GET_ROUTES:
        path = route.path(sample_value)
        r = client.get(path + "?page=%00&status=x")
        assert r.status_code == 400, (path, r.status_code)
        text = r.content.decode()
        assert "URLの項目「page」に使えない制御文字（U+0000 NUL）" in text, path
    api = client.get("/api/v1/juminkiroku/ido/?status=%01")
    assert api.json() == {
        "status": ["URLの項目「status」に使えない制御文字（U+0001）が含まれています。"]
    }
    assert client.get("/juminkiroku/ido/?status=%09").status_code == 400  # TAB too
