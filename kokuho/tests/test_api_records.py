"""The read-only API of 賦課, 給付, 後期高齢者医療 and 国民年金: POST lookups by 宛名番号, the
賦課 list by 年度 with pages, every answer access-logged with the persons shown, and
寒川町 seeing none of 葉山町's records (404 by number, empty list)."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

import pytest

from juminkiroku.tests.factories import actor_for, family
from kokuho.fuka_jobs import HONSANTEI
from kokuho.services.koki_hokenryo import koki_hokenryo_accept
from kokuho.services.koki_iryo import koki_shikaku_due
from kokuho.services.kyufu import Furikomi, kyufu_kettei, shussan_shinsei
from kokuho.services.nenkin import nenkin_todoke_register
from kokuho.tests.factories import tennyu
from kokuho.tests.fuka_helpers import ACTOR, run_job, set_rates
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.tests.factories import kazei

pytestmark = pytest.mark.django_db

TENNYU = date(2020, 4, 1)
FY = 2025
BANK = Furikomi(
    "葉山信用金庫",
    "本店",
    "1",
    "1234567",
    "ヤマダ　ハナコ",
    kinyu_kikan_code="1234",
    shiten_code="001",
)


def _post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def hayama(alpha, beta, django_capture_on_commit_callbacks):
    """葉山町: the 山田 household assessed for 令和7年度, a 出産育児一時金 decided for the wife,
    a 第1号 届 of the wife; an elderly couple in 後期 with the 広域連合's 保険料.
    寒川町: rates and a household of its own, assessed too."""
    capture = django_capture_on_commit_callbacks
    connection.set_tenant(beta.municipality)
    set_rates()
    _, (sato, *_rest) = tennyu(capture, "samukawa", members=family("佐藤", "サトウ"), day=TENNYU)
    kazei(sato.pk, FY, kyuyo=2_000_000)
    run_job(capture, HONSANTEI, fiscal_year=FY, kijun_date="2025-07-01")
    connection.set_tenant(alpha.municipality)
    set_rates()
    _, (head, wife, child) = tennyu(capture, members=family(), day=TENNYU)
    kazei(head.pk, FY, kyuyo=3_000_000)
    kazei(wife.pk, FY)
    elders = family("高齢", "コウレイ")[:2]
    elders[0]["birth_date"] = "1950-04-10"
    elders[1]["birth_date"] = "1949-08-20"
    _, (old1, _old2) = tennyu(capture, members=elders, day=TENNYU)
    koki_shikaku_due(today=date(2025, 4, 30))
    run_job(capture, HONSANTEI, fiscal_year=FY, kijun_date="2025-07-01")
    clerk = actor_for("hayama-clerk")
    row = shussan_shinsei(
        atena_id=wife.pk,
        shussan_date=date(2025, 6, 1),
        children=1,
        sanka_hosho=True,
        chokusetsu_gaku=460_000,
        shinsei_date=date(2025, 6, 20),
        furikomi=BANK,
        actor=clerk,
    )
    kyufu_kettei(kyufu_id=row.pk, kettei_date=date(2025, 6, 25), actor=clerk)
    nenkin_todoke_register(
        atena_id=wife.pk, kind="shubetsu", jiyu="fuyo_hazure", gaito_date=date(2025, 9, 1),
        todoke_date=date(2025, 9, 10), shubetsu_mae="3", shubetsu_go="1", actor=ACTOR,
    )  # fmt: skip
    text = "被保険者番号,宛名番号,年度,年額,徴収方法,期,納期限,期別額\n" + "".join(
        f"12345678,{old1.atena_no},2025,30000,2,{ki},{due},10000\n"
        for ki, due in enumerate(["2025-07-31", "2025-08-31", "2025-09-30"], start=1)
    )
    with capture(execute=True):
        koki_hokenryo_accept(
            file_name="h.csv",
            upload=io.BytesIO(text.encode("utf-8-sig")),
            encoding="utf-8-sig",
            actor=ACTOR,
        )
    connection.set_schema_to_public()
    return {"head": head, "wife": wife, "child": child, "old1": old1, "sato": sato}


def _logged(town, screen: str) -> list[AccessLog]:
    connection.set_tenant(town.municipality)
    rows = list(AccessLog.objects.filter(screen=screen).order_by("id"))
    connection.set_schema_to_public()
    return rows


def test_fuka_lookup_and_list_with_uchiwake_and_kibetsu_in_two_towns(world, login, hayama):
    head, wife = hayama["head"], hayama["wife"]
    clerk = login("hayama-clerk", ALPHA_HOST)
    # the wife's household: 年税額 with its 区分 and 期別, the 世帯主 as 納税義務者
    r = _post(clerk, "/api/v1/kokuho/fuka/lookup/", {"atena_no": wife.atena_no, "fiscal_year": FY})
    assert r.status_code == 200, r.content
    body = r.json()
    (h,) = body["households"]
    assert h["nozei_gimusha_atena_no"] == head.atena_no and h["santei"] == "hon"
    assert h["nengaku"] == sum(k["zeigaku"] for k in h["kubun"])
    assert [k["kubun"] for k in h["kubun"]][:2] == ["iryo", "shien"]
    assert sum(k["amount"] for k in h["kibetsu"]) == h["nengaku"] and len(h["kibetsu"]) == 9
    assert h["lines"] and h["lines"][-1].startswith("年税額")
    (log,) = _logged(world.alpha, "api.kokuho.fuka")
    assert sorted(log.detail["atena_ids"]) == sorted({wife.pk, head.pk})
    # a year not assessed: no household
    url = "/api/v1/kokuho/fuka/lookup/"
    r = _post(clerk, url, {"atena_no": wife.atena_no, "fiscal_year": 2024})
    assert r.status_code == 200 and r.json()["households"] == []
    # the list of 令和7年度: the 山田 household and the elderly couple's (insured until the
    # 75th birthday in April)
    r = clerk.get("/api/v1/kokuho/fuka/", {"fiscal_year": FY})
    assert r.status_code == 200
    page = r.json()
    assert (page["count"], page["pages"]) == (2, 1)
    assert {x["nozei_gimusha_atena_no"] for x in page["results"]} == {
        head.atena_no,
        hayama["old1"].atena_no,
    }
    assert clerk.get("/api/v1/kokuho/fuka/", {"fiscal_year": FY, "page": 2}).status_code == 404
    assert clerk.get("/api/v1/kokuho/fuka/", {}).status_code == 400
    # 寒川町: 葉山町's number is nobody there, or one of its own people (numbers are per
    # town) with its own household; its list holds only its own household
    beta = login("samukawa-clerk", BETA_HOST)
    sato_no = hayama["sato"].atena_no
    r = _post(beta, "/api/v1/kokuho/fuka/lookup/", {"atena_no": wife.atena_no, "fiscal_year": FY})
    assert r.status_code in (200, 404) and isinstance(r.json(), dict)
    shown = r.json().get("households", [])
    assert {x["nozei_gimusha_atena_no"] for x in shown} <= {sato_no}
    assert head.atena_no not in json.dumps(shown) or head.atena_no == sato_no
    page = beta.get("/api/v1/kokuho/fuka/", {"fiscal_year": FY}).json()
    assert [x["nozei_gimusha_atena_no"] for x in page["results"]] == [hayama["sato"].atena_no]


def test_kyufu_koki_and_nenkin_lookups_in_two_towns(world, login, hayama):
    wife, old1 = hayama["wife"], hayama["old1"]
    clerk = login("hayama-clerk", ALPHA_HOST)
    r = _post(clerk, "/api/v1/kokuho/kyufu/lookup/", {"atena_no": wife.atena_no})
    assert r.status_code == 200, r.content
    (k,) = r.json()["kyufu"]
    assert (k["kind_label"], k["status"], k["shikyu_gaku"]) == ("出産育児一時金", "kettei", 40_000)
    assert "1234567" not in r.content.decode()  # no 口座番号
    r = _post(clerk, "/api/v1/kokuho/koki/lookup/", {"atena_no": old1.atena_no})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["shikaku"][0]["shutoku_jiyu"] == "75歳到達"
    (h,) = body["hokenryo"]
    assert (h["nendo"], h["nengaku"], h["hihokensha_bango"]) == (2025, 30_000, "12345678")
    assert [x["chotei_gaku"] for x in h["kibetsu"]] == [10_000] * 3
    r = _post(clerk, "/api/v1/kokuho/nenkin/lookup/", {"atena_no": wife.atena_no})
    assert r.status_code == 200, r.content
    (t,) = r.json()["todoke"]
    assert (t["kind"], t["shubetsu_go"], t["hokoku_zumi"]) == ("種別変更", "第1号被保険者", False)
    for screen, who in (
        ("api.kokuho.kyufu", wife),
        ("api.kokuho.koki", old1),
        ("api.kokuho.nenkin", wife),
    ):
        (log,) = _logged(world.alpha, screen)
        assert log.record_id == str(who.pk)
    # a malformed body is a 400 with a dict
    r = _post(clerk, "/api/v1/kokuho/nenkin/lookup/", {"atena_no": ""})
    assert r.status_code == 400 and isinstance(r.json(), dict)
    # 寒川町 reaches none of them: the number is nobody there, or one of its own people
    # (numbers are per town) with none of 葉山町's records
    beta = login("samukawa-clerk", BETA_HOST)
    for url, who, keys in (
        ("/api/v1/kokuho/kyufu/lookup/", wife, ("kyufu", "nintei")),
        ("/api/v1/kokuho/koki/lookup/", old1, ("shikaku", "hokenryo")),
        ("/api/v1/kokuho/nenkin/lookup/", wife, ("todoke", "shinsei")),
    ):
        r = _post(beta, url, {"atena_no": who.atena_no})
        assert r.status_code in (200, 404)
        assert all(r.json().get(key, []) == [] for key in keys), url
