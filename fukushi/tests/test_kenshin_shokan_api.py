"""Read-only APIs of 健康管理（健診・がん検診） and 心身障害者医療 償還 (KK-12, SG-19): the grant
wall (a clerk without the grant, and an unknown id, get 404), the purpose in ``X-Purpose``
(400 without it, kept on the access-log row), paging, and two towns (each sees only its own).

The figures are the records the tests enter (no law figure is computed here): the 償還 of
葉山町 follows test_shinshin_shokan.py's test town rule (自己負担 less 1,000円 once per 月
per 医療機関)."""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.models import TechoKind
from fukushi.services.shinshin import shinshin_kofu
from fukushi.services.shinshin_shokan import ShokanInput, shokan_uketsuke
from fukushi.tests.test_kenshin_services import couple, record
from fukushi.tests.test_shinshin import ACTOR, AUG, HAYAMA, SAMUKAWA, criteria, person, techo
from fukushi.tests.test_shinshin_shokan import rule
from tenants import zengin
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from zeimu.tests.factories import kazei

pytestmark = pytest.mark.django_db

KENKO = "/api/v1/fukushi/kenko-kanri"
SHOGAI = "/api/v1/fukushi/shogaisha-fukushi"
KOZA = zengin.Account(
    kinyu_kikan="0005", shiten="001", yokin_shumoku="1", koza_bango="1234567",
    meigi_kana="ｼﾖｳｶﾝ ｲﾁﾛｳ",
)  # fmt: skip


def test_kenshin_api_grant_purpose_paging_and_two_towns(
    alpha, beta, login, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(alpha.municipality)
    husband, wife = couple("hayama", cap)
    record(husband.pk, "i", "xsen", date(2025, 6, 10), kekka="yo_seimitsu")
    connection.set_tenant(beta.municipality)
    (b, _) = couple("samukawa", cap, surname="寒川")
    connection.set_schema_to_public()
    kiroku = f"{KENKO}/persons/{husband.pk}/kenshin/"
    taisho = f"{KENKO}/kenshin/taisho/?kijunbi=2025-06-01"
    for who in ("hayama-clerk", "hayama-viewer"):
        c = login(who, alpha.host)
        assert c.get(kiroku, HTTP_X_PURPOSE="x").status_code == 404
        assert c.get(taisho, HTTP_X_PURPOSE="x").status_code == 404
    c = login("hayama-shinsa", alpha.host)
    assert c.get(kiroku).status_code == 400  # no purpose
    nobody = f"{KENKO}/persons/{husband.pk + 10**6}/kenshin/"
    assert c.get(nobody, HTTP_X_PURPOSE="x").status_code == 404
    r = c.get(kiroku, HTTP_X_PURPOSE="精密検査の受診勧奨")
    assert r.status_code == 200
    (row,) = r.json()["kiroku"]
    assert (row["kenshin"], row["jushin_date"], row["kekka"], row["torikeshi"]) == (
        "胃がん検診", "2025-06-10", "要精密検査", False,
    )  # fmt: skip
    # the list, paged: 1 a page, the 2 residents of the couple among the 対象
    r = c.get(taisho + "&page_size=1&page=1", HTTP_X_PURPOSE="受診勧奨の準備")
    body = r.json()
    assert r.status_code == 200 and body["page"] == 1 and len(body["results"]) == 1
    assert body["count"] >= 2
    seen = set()
    for p in range(1, body["count"] + 1):
        page = c.get(taisho + f"&page_size=1&page={p}", HTTP_X_PURPOSE="受診勧奨の準備").json()
        seen |= {x["atena_id"] for x in page["results"]}
    past = taisho + f"&page_size=1&page={body['count'] + 1}"
    assert c.get(past, HTTP_X_PURPOSE="x").status_code == 404
    assert {husband.pk, wife.pk} <= seen
    assert c.get(taisho + "&page_size=0", HTTP_X_PURPOSE="x").status_code == 400
    i_rows = c.get(taisho + "&kenshin=i&mijushin=1", HTTP_X_PURPOSE="x").json()["results"]
    assert husband.pk not in {x["atena_id"] for x in i_rows}  # he was seen this 年度
    connection.set_tenant(alpha.municipality)
    got = set(
        AccessLog.objects.filter(username="hayama-shinsa", record_type="fukushi.KenshinJushin")
        .values_list("screen", "purpose")
    )  # fmt: skip
    assert ("api.fukushi.kenshin_kiroku", "精密検査の受診勧奨") in got
    assert ("api.fukushi.kenshin_taisho", "受診勧奨の準備") in got
    # 寒川町's 審査者: 葉山町's person is not found
    connection.set_schema_to_public()
    cb = login("samukawa-shinsa", beta.host)
    r = cb.get(kiroku, HTTP_X_PURPOSE="確認")  # the same id may name its own resident
    assert r.status_code == 404 or r.json() == {"kiroku": []}
    # its own 夫 (ids are per town) has no 受診: 葉山町's record does not count there
    r = cb.get(taisho + "&kenshin=i&mijushin=1", HTTP_X_PURPOSE="確認")
    assert b.pk in {x["atena_id"] for x in r.json()["results"]}


def test_shinshin_shokan_api_grant_purpose_paging_and_two_towns(alpha, beta, login):
    connection.set_tenant(alpha.municipality)
    criteria(HAYAMA)
    rule("2", 1000)
    a = person("hayama", shimei="償還　一郎")
    techo(a.pk, TechoKind.SHINTAI, "1")
    kazei(a.pk, 2025, sonota=0)
    j = shinshin_kofu(atena_id=a.pk, kaishi=AUG, actor=ACTOR)
    for day, kikan, futan in (
        (date(2025, 9, 3), "葉山病院", 3000),
        (date(2025, 9, 20), "葉山病院", 2500),
        (date(2025, 10, 2), "逗葉クリニック", 800),
    ):
        shokan_uketsuke(
            jukyusha=j,
            data=ShokanInput(shinryo_tsuki=day, iryo_kikan=kikan, jiko_futan=futan, account=KOZA),
            actor=ACTOR,
        )
    connection.set_tenant(beta.municipality)
    criteria(SAMUKAWA)
    rule("1")
    b = person("samukawa", shimei="寒川　償還")
    techo(b.pk, TechoKind.SHINTAI, "3")
    jb = shinshin_kofu(atena_id=b.pk, kaishi=AUG, actor=ACTOR)
    shokan_uketsuke(
        jukyusha=jb,
        data=ShokanInput(
            shinryo_tsuki=date(2025, 9, 1), iryo_kikan="寒川病院", jiko_futan=4000, account=KOZA
        ),
        actor=ACTOR,
    )
    connection.set_schema_to_public()
    one = f"{SHOGAI}/shinshin/{j.pk}/shokan/"
    ichiran = f"{SHOGAI}/shinshin/shokan/"
    for who in ("hayama-clerk", "hayama-viewer"):
        c = login(who, alpha.host)
        assert c.get(one, HTTP_X_PURPOSE="x").status_code == 404
        assert c.get(ichiran, HTTP_X_PURPOSE="x").status_code == 404
    s = login("hayama-shinsa", alpha.host)
    assert s.get(one).status_code == 400
    assert s.get(f"{SHOGAI}/shinshin/{j.pk + 999}/shokan/", HTTP_X_PURPOSE="x").status_code == 404
    r = s.get(one, HTTP_X_PURPOSE="償還の照会")
    assert r.status_code == 200
    rows = r.json()["shokan"]
    assert [(x["shinryo_tsuki"], x["iryo_kikan"], x["ichibu_futan"], x["shikyu_gaku"],
             x["jotai"]) for x in rows] == [
        ("2025-10-01", "逗葉クリニック", 800, 0, "受付"),
        ("2025-09-01", "葉山病院", 0, 2500, "受付"),
        ("2025-09-01", "葉山病院", 1000, 2000, "受付"),
    ]  # fmt: skip
    assert "koza_bango" not in rows[0] and "meigi_kana" not in rows[0]
    r = s.get(ichiran + "?shinryo_tsuki=2025-09-01&page_size=1&page=2", HTTP_X_PURPOSE="審査")
    body = r.json()
    assert (body["count"], body["page"], len(body["results"])) == (2, 2, 1)
    assert body["results"][0]["iryo_kikan"] == "葉山病院"
    assert s.get(ichiran + "?jotai=x", HTTP_X_PURPOSE="審査").status_code == 400
    assert s.get(ichiran + "?jotai=kettei", HTTP_X_PURPOSE="審査").json()["count"] == 0
    connection.set_tenant(alpha.municipality)
    got = set(
        AccessLog.objects.filter(
            username="hayama-shinsa", screen__startswith="api.fukushi.shinshin_shokan"
        ).values_list("screen", "purpose")
    )
    assert got == {
        ("api.fukushi.shinshin_shokan", "償還の照会"),
        ("api.fukushi.shinshin_shokan_ichiran", "審査"),
    }
    # 寒川町: its own claim only; 葉山町's 受給者 is not found
    connection.set_schema_to_public()
    sb = login("samukawa-shinsa", beta.host)
    r = sb.get(one, HTTP_X_PURPOSE="確認")  # the same id may name its own 受給者
    assert r.status_code == 404 or [x["iryo_kikan"] for x in r.json()["shokan"]] == ["寒川病院"]
    body = sb.get(ichiran, HTTP_X_PURPOSE="確認").json()
    assert [x["iryo_kikan"] for x in body["results"]] == ["寒川病院"]
