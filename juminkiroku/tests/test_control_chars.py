"""NUL and other control characters in 異動 input and the 交付履歴 search: refused by
field with a Japanese message, nothing written in either town (issue 12, item 3).

Before the fix each NUL case answered 500 (psycopg DataError)."""

from __future__ import annotations

import pytest
from django.test import Client

from juminkiroku.models import Atena, Ido
from juminkiroku.tests.factories import person_fields
from juminkiroku.tests.test_ido_views import TENNYU_FORM
from tenants.accesslog.models import AccessLog
from tenants.api.authentication import apiclient_create
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db

API_BODY = {
    "jiyu": "K01",
    "ido_date": "2024-04-01",
    "todoke_date": "2024-04-02",
    "setai_mode": "new",
    "persons": [{"atena_id": None, "fields": person_fields()}],
}


def _system(town, host):
    _, key = apiclient_create(
        municipality=town.municipality, name="窓口端末", scopes=["juminkiroku:write"]
    )
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {key}")


def _nothing_written(world) -> None:
    for town in (world.alpha, world.beta):
        connection.set_tenant(town.municipality)
        assert Ido.objects.count() == 0
        assert Atena.objects.count() == 0
        assert not AccessLog.objects.filter(screen__contains="異動").exists()
    connection.set_schema_to_public()


@pytest.mark.parametrize(
    ("key", "value", "label"),
    [
        ("n1-shimei", "葉山\x00一郎", "1人目の氏名"),
        ("c-jusho", "神奈川県三浦郡葉山町\x01堀内", "住所"),
        ("n2-shimei_kana", "ハヤマ\tハナコ", "2人目の氏名フリガナ"),
        ("c-banchi", "2135\n番地", "番地"),
        ("note", "備考\x7f", "備考"),
    ],
)
def test_ido_screen_refuses_control_characters(world, login, key, value, label):
    # given a clerk of 葉山町 (寒川町's clerk on its own host as the other town)
    clerk = login("hayama-clerk", ALPHA_HOST)
    # when a 転入 is posted with a control character in one field
    r = clerk.post("/juminkiroku/ido/new/K01/", dict(TENNYU_FORM, **{key: value}))
    # then the form comes back with a message naming the field, and nothing is stored
    assert r.status_code == 200
    page = r.content.decode()
    assert label in page and ("制御文字" in page or "改行" in page)
    _nothing_written(world)


def test_ido_screen_refuses_nul_in_lookup_fields(world, login):
    clerk = login("hayama-clerk", ALPHA_HOST)
    r = clerk.post("/juminkiroku/ido/new/", {"jiyu": "C01", "atena_no": "00000\x0000010"})
    assert r.status_code == 200 and "宛名番号" in r.content.decode()
    form = dict(TENNYU_FORM, setai_mode="existing", setai_no="0001\x00")
    r = clerk.post("/juminkiroku/ido/new/K01/", form)
    assert r.status_code == 200 and "世帯番号" in r.content.decode()
    _nothing_written(world)


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"shimei": "山田\x00太郎"}, "persons.0.shimei"),
        ({"jusho": "葉山町\x1b[31m"}, "persons.0.jusho"),
        ({"hittosha": "山田\n太郎"}, "persons.0.hittosha"),
    ],
)
def test_ido_api_refuses_control_characters_in_person_fields(world, fields, key):
    system = _system(world.alpha, ALPHA_HOST)
    body = dict(API_BODY, persons=[{"atena_id": None, "fields": person_fields(**fields)}])
    r = system.post("/api/v1/juminkiroku/ido/", body, content_type="application/json")
    assert r.status_code == 400, r.content
    message = r.json()[key][0]
    assert "制御文字" in message or "改行" in message
    assert "山田" not in str(r.json())  # the value is not echoed
    _nothing_written(world)


def test_ido_api_refuses_control_characters_in_note_and_reject_reason(world, login):
    system = _system(world.alpha, ALPHA_HOST)
    r = system.post(
        "/api/v1/juminkiroku/ido/",
        dict(API_BODY, note="備考\x00"),
        content_type="application/json",
    )
    assert r.status_code == 400 and "備考" in r.json()["note"][0]
    _nothing_written(world)
    r = system.post("/api/v1/juminkiroku/ido/", API_BODY, content_type="application/json")
    ido_id = r.json()["id"]
    shinsa = login("hayama-shinsa", ALPHA_HOST)
    r = shinsa.post(
        f"/api/v1/juminkiroku/ido/{ido_id}/reject/",
        {"reason": "不備\x00"},
        content_type="application/json",
    )
    assert r.status_code == 400 and "制御文字" in r.json()["reason"][0]
    connection.set_tenant(world.alpha.municipality)
    assert Ido.objects.get().status == "kari"


def test_ido_screen_reject_reason_refused(world, login):
    clerk = login("hayama-clerk", ALPHA_HOST)
    r = clerk.post("/juminkiroku/ido/new/K01/", TENNYU_FORM)
    ido_pk = int(r["Location"].rstrip("/").split("/")[-1])
    shinsa = login("hayama-shinsa", ALPHA_HOST)
    r = shinsa.post(f"/juminkiroku/ido/{ido_pk}/reject/", {"reason": "不備\x00"}, follow=True)
    assert "制御文字" in r.content.decode()
    connection.set_tenant(world.alpha.municipality)
    assert Ido.objects.get().status == "kari"


def test_certificate_history_api_refuses_nul_in_query(world, login):
    for user, host in (("hayama-clerk", ALPHA_HOST), ("samukawa-clerk", BETA_HOST)):
        client = login(user, host)
        r = client.get("/api/v1/juminkiroku/certificates/history/", {"hakko_no": "R6\x00"})
        assert r.status_code == 400  # by tenants.textguard, before the view
        assert r.json() == {
            "hakko_no": ["URLの項目「hakko_no」に使えない制御文字（U+0000 NUL）が含まれています。"]
        }


def test_certificate_history_screen_refuses_control_characters(world, login):
    clerk = login("hayama-clerk", ALPHA_HOST)
    for value in ("R6\x00", "R6\x01", "R6\t1"):
        r = clerk.post("/juminkiroku/kofu/", {"hakko_no": value})
        assert r.status_code == 200
        page = r.content.decode()
        assert "発行番号" in page and ("制御文字" in page or "改行" in page)
