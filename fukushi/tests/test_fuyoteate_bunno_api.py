"""REST API of 児童扶養手当 返還金の分割納付 (JF-… rows of docs/standard/jido_fuyo_teate.md) in two
towns (葉山町 = alpha, 寒川町 = beta): the plan made on the 申出 (POST), payments put to the 回
in order (POST), the list (状態, 不履行 today) and one plan with its 回; refused input is 422
or 400 in Japanese and writes nothing; a 閲覧者 may not write (403); 葉山町 reaches none of
寒川町's plans or 返還金 (404) and lists none of them.

Figures as test_fuyoteate_kabarai_bunno.py: 寒川町's 返還金 93,380円 in 10 回 of 9,400円 (the
last 8,780円), 初回 2026-01-31 (土) → 2月2日; every 納期限 is before today (the tests run after
2026-11-02), so every 回 not paid in full is 不履行."""

from __future__ import annotations

import pytest

from fukushi.models import FuyoKabarai, FuyoKabaraiBunno
from fukushi.tests.test_fuyoteate_kabarai_bunno import (
    NOUKI,
    towns,  # noqa: F401  (the fixture)
)
from fukushi.tests.test_fuyoteate_kabarai_tokusoku import _in
from tenants.accesslog.models import AccessLog
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db

API = "/api/v1/fukushi/jido-fuyo-teate/henkankin/"
FORM = {"moushide_date": "2025-12-10", "kaisu": 10, "maikai_gaku": 9_400,
        "shokai_nouki": "2026-01-31"}  # fmt: skip


def test_bunno_api_plan_payments_list_and_two_towns(world, towns, login):  # noqa: F811
    k, a = towns["b"], towns["a"]
    other = login("samukawa-clerk", BETA_HOST)
    url = f"{API}{k.pk}/bunno/"
    # refused: the amounts short (422, the field named), a 回数 missing (400), a date far
    # outside the years the 年度 values cover (422) — nothing written
    r = other.post(url, {**FORM, "maikai_gaku": 9_000}, content_type="application/json")
    assert r.status_code == 422 and "足りません" in str(r.json())
    r = other.post(url, {**FORM, "kaisu": None}, content_type="application/json")
    assert r.status_code == 400 and "kaisu" in r.json()
    r = other.post(url, {**FORM, "moushide_date": "1900-01-01"}, content_type="application/json")
    assert r.status_code == 422 and "2000年から2100年" in str(r.json())
    assert _in(world.beta, lambda: FuyoKabaraiBunno.objects.count()) == 0
    # the plan
    r = other.post(url, FORM, content_type="application/json")
    assert r.status_code == 201, r.content
    plan = r.json()
    assert (plan["id"], plan["kabarai_id"], plan["zan"], plan["jotai_label"]) == (
        101, k.pk, 93_380, "分割納付中")  # fmt: skip
    assert [(x["kai"], x["gaku"], x["nouki"]) for x in plan["ki"]] == [
        (i + 1, 9_400 if i < 9 else 8_780, d.isoformat()) for i, d in enumerate(NOUKI)
    ]
    r = other.post(url, FORM, content_type="application/json")
    assert r.status_code == 422 and "分割納付中です" in str(r.json())
    # payments: 第1回 in full, then 5,000円 of 第2回; more than the 残額 is refused
    nofu = f"{API}{k.pk}/nofu/"
    r = other.post(nofu, {"gaku": 9_400, "nofu_date": "2026-01-30"},
                   content_type="application/json")  # fmt: skip
    assert r.status_code == 200 and r.json()["zangaku"] == 83_980
    r = other.post(nofu, {"gaku": 5_000, "nofu_date": "2026-03-01"},
                   content_type="application/json")  # fmt: skip
    body = r.json()
    assert (body["nofu_gaku"], body["jotai_label"]) == (14_400, "未納")
    assert [x["nofu_gaku"] for x in body["bunno"]["ki"]][:3] == [9_400, 5_000, 0]
    r = other.post(nofu, {"gaku": 100_000, "nofu_date": "2026-03-02"},
                   content_type="application/json")  # fmt: skip
    assert r.status_code == 422 and "残額（78,980円）を超えています" in str(r.json())
    r = other.post(nofu, {"gaku": 1, "nofu_date": "2025-11-01"}, content_type="application/json")
    assert r.status_code == 422 and "決定日より前" in str(r.json())
    assert _in(world.beta, lambda: FuyoKabarai.objects.get().nofu_gaku) == 14_400
    # the list and one plan: every 回 past due and not paid in full is 不履行
    body = other.get(f"{API}bunno/").json()
    assert body["count"] == 1 and body["results"][0]["furikou_gaku"] == 93_380 - 14_400
    assert other.get(f"{API}bunno/?furikou=true").json()["count"] == 1
    assert other.get(f"{API}bunno/?jotai=kanryo").json()["count"] == 0
    assert other.get(f"{API}bunno/?jotai=x").status_code == 400
    assert other.get(f"{API}bunno/?furikou=x").status_code == 400
    assert other.get(f"{API}bunno/?page=2").status_code == 404
    one = other.get(f"{API}bunno/101/").json()
    assert [x["furikou"] for x in one["ki"]] == [False] + [True] * 9
    assert one["henkankin_zangaku"] == 78_980
    assert other.get(f"{API}bunno/{2**63}/").status_code == 404
    logged = AccessLog.objects.filter(username="samukawa-clerk")
    screens = _in(world.beta, lambda: set(logged.values_list("screen", flat=True)))
    assert {"api.fukushi.fuyoteate_bunno_list", "api.fukushi.fuyoteate_bunno_detail",
            "fukushi.fuyoteate_kabarai_bunno", "fukushi.fuyoteate_kabarai"} <= screens  # fmt: skip
    # 葉山町: none of 寒川町's plans or 返還金; its 閲覧者 may write nothing
    clerk = login("hayama-clerk", ALPHA_HOST)
    assert clerk.get(f"{API}bunno/101/").status_code == 404
    assert clerk.get(f"{API}bunno/").json()["count"] == 0
    assert clerk.post(url, FORM, content_type="application/json").status_code == 404
    r = clerk.post(nofu, {"gaku": 1, "nofu_date": "2026-03-01"}, content_type="application/json")
    assert r.status_code == 404
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert viewer.get(f"{API}bunno/").status_code == 200
    r = viewer.post(f"{API}{a.pk}/bunno/", FORM, content_type="application/json")
    assert r.status_code == 403
    assert _in(world.alpha, lambda: FuyoKabaraiBunno.objects.count()) == 0
    assert _in(world.beta, lambda: FuyoKabarai.objects.get().nofu_gaku) == 14_400


def test_bunno_api_torikeshi_in_two_towns(world, towns, login):  # noqa: F811
    """The cancellation of a plan on its 不履行 by the API (POST bunno/<id>/torikeshi/): before
    the first 納期限 (2026-02-02, moved from 1/31) has passed there is no 不履行 (422); no
    reason (400) or a control character in it (400); a 閲覧者 403; 葉山町 404 — nothing
    written; then cancelled on 2026-03-10 (第1回 unpaid since 2/2): 状態 取消, the 返還金's
    納期限 the 取消日 (the rest due at once), once only (422)."""
    k = towns["b"]
    other = login("samukawa-clerk", BETA_HOST)
    plan = other.post(f"{API}{k.pk}/bunno/", FORM, content_type="application/json").json()
    url = f"{API}bunno/{plan['id']}/torikeshi/"
    body = {"torikeshi_date": "2026-03-10", "riyu": "第1回の納付がない"}
    r = other.post(url, {**body, "torikeshi_date": "2026-02-02"}, content_type="application/json")
    assert r.status_code == 422 and "不履行ではありません" in str(r.json())
    r = other.post(url, {"torikeshi_date": "2026-03-10"}, content_type="application/json")
    assert r.status_code == 400 and "riyu" in r.json()
    r = other.post(url, {**body, "riyu": "a\x00b"}, content_type="application/json")
    assert r.status_code == 400
    r = other.post(url, {**body, "torikeshi_date": "1900-03-10"}, content_type="application/json")
    assert r.status_code == 422 and "2000年から2100年" in str(r.json())
    viewer = login("samukawa-viewer", BETA_HOST)
    assert viewer.post(url, body, content_type="application/json").status_code == 403
    clerk = login("hayama-clerk", ALPHA_HOST)
    assert clerk.post(url, body, content_type="application/json").status_code == 404
    got = _in(
        world.beta,
        lambda: (FuyoKabaraiBunno.objects.get().jotai, str(FuyoKabarai.objects.get().nouki)),
    )
    assert got[0] == "keizoku" and got[1] != "2026-03-10"
    # the cancellation
    r = other.post(url, body, content_type="application/json")
    assert r.status_code == 200, r.content
    out = r.json()
    assert (out["jotai_label"], out["torikeshi_date"], out["torikeshi_riyu"]) == (
        "取消", "2026-03-10", "第1回の納付がない")  # fmt: skip
    assert out["henkankin_zangaku"] == 93_380
    assert _in(world.beta, lambda: str(FuyoKabarai.objects.get().nouki)) == "2026-03-10"
    r = other.post(url, body, content_type="application/json")
    assert r.status_code == 422 and "分割納付中ではありません" in str(r.json())
    logged = AccessLog.objects.filter(screen="fukushi.fuyoteate_kabarai_bunno", action="update")
    assert _in(world.beta, lambda: logged.count()) == 1
    assert _in(world.alpha, lambda: FuyoKabaraiBunno.objects.count()) == 0
