"""tenants.textguard (issue 12, item 3): query parameters and URL path arguments holding a
control character are a 400 before any view, on every URL of a town host; so are
url-encoded and JSON bodies holding NUL or another C0 control, unless the view checks its
own text. Views read these by hand, and a NUL reaching PostgreSQL was a 500
(``/api/v1/zeimu/tokucho/%00/2024/``, the 抑止 screen's 宛名番号)."""

from __future__ import annotations

import pytest

from juminkiroku.models import Yokushi
from tenants.db import connection
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


def test_nul_in_a_form_read_by_hand_is_refused_and_nothing_written(world, login):
    # given the 抑止 screen, which reads request.POST by hand
    client = login("hayama-admin", ALPHA_HOST)
    # when a 宛名番号 with a NUL is posted
    r = client.post(
        "/juminkiroku/yokushi/",
        {"kind": "yokushi", "atena_no": "0000000010\x00", "reason": "申出", "level": "error"},
    )
    # then a 400 names the field, and neither town has a 抑止
    assert r.status_code == 400
    assert "入力項目「atena_no」に使えない制御文字（U+0000 NUL）" in r.content.decode()
    for town in (world.alpha, world.beta):
        connection.set_tenant(town.municipality)
        assert Yokushi.objects.count() == 0
    connection.set_schema_to_public()


def test_json_bodies_are_guarded_and_line_breaks_are_left_to_the_field(world, login):
    client = login("hayama-admin", ALPHA_HOST)
    r = client.post(
        "/api/v1/zeimu/fuka/1/kosei/",
        {"reason": "更正\x00", "nested": {"a": ["\x1b"]}},
        content_type="application/json",
    )
    assert r.status_code == 400
    assert r.json() == {
        "reason": ["入力項目「reason」に使えない制御文字（U+0000 NUL）が含まれています。"],
        "nested": ["入力項目「nested」に使えない制御文字（U+001B ESC）が含まれています。"],
    }
    # TAB and LF pass the guard (a textarea may hold them): the view's field decides
    r = client.post(
        "/api/v1/zeimu/fuka/1/kosei/", {"reason": "更正\n理由"}, content_type="application/json"
    )
    assert r.status_code != 400 or "改行" in r.content.decode()
