"""The 延滞金's 除算期間 through the ledger (地方税法第321条の2第3項・第4項; docs/standard/shuno.md
S-7): a 更正 posted as due to a 所得税 修正申告・更正 carries its 通知日, and the 延滞金 — one
期別 (``entaikin_of``), many (``entaikin_many``, the 催告書's), the 試算 screen and API — leaves
out the 除算期間; 寒川町 reaches none of it.

No published worked example was found (searched 2026-12-07); the figures are worked by hand in
zeimu/tests/test_rules_entaikin.py::test_josan_ko3_leaves_out_the_days_after_a_year_until_the_notice
(2,600円 with the 除算期間, 3,400円 without)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from juminkiroku.tests.factories import family, household_tennyu
from tenants.accesslog.services import Actor
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.models import Chotei, Zeimoku
from zeimu.public import chotei_post
from zeimu.services.shuno import ShunoRefused, entaikin_many, entaikin_of, madoguchi_nofu

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="test")


def test_the_josan_through_the_ledger_the_screen_and_the_api(
    world: Any, login: Any, alpha: Any, beta: Any
) -> None:
    from zeimu.tests.test_shuno_tokusoku import grant_beta_shuno
    from zeimu.tests.test_shuno_tokusoku_views import _key

    connection.set_tenant(alpha.municipality)
    _, (head, *_) = household_tennyu("hayama", members=family(), ido_date=date(2020, 4, 1))
    kw: dict[str, Any] = dict(
        zeimoku=Zeimoku.JUMINZEI,
        key="r6:1",
        atena_id=head.pk,
        nendo=2024,
        ki=1,
        ki_label="第1期",
        nouki=date(2024, 7, 1),
        actor=ACTOR,
    )
    p = chotei_post(**kw, amount=50_000, ref="r6:1:t", on=date(2024, 6, 1))
    madoguchi_nofu(nofu_bango=p.nofu_bango, amount=50_000, shuno_date=date(2024, 7, 1),
                   actor=ACTOR)  # fmt: skip
    # a 所得税 修正申告 raises the tax by 30,000円, posted on 10月10日 and notified on 10月15日
    chotei_post(**kw, amount=80_000, ref="r6:1:shusei", on=date(2025, 10, 10),
                shotoku_kiin=True, tsuchi_date=date(2025, 10, 15))  # fmt: skip
    c = Chotei.objects.get(ref="r6:1:shusei")
    assert (c.amount, c.shotoku_kiin, c.tsuchi_date) == (30_000, True, date(2025, 10, 15))
    paid_on = date(2025, 11, 14)
    r = entaikin_of(p.kibetsu_id, paid_on=paid_on)
    assert (r.total_raw, r.entaikin) == (2_662, 2_600)
    assert [(s.start, s.end, s.josan) for s in r.segments if s.josan] == [
        (date(2025, 7, 2), date(2025, 10, 15), 30_000)
    ]
    assert entaikin_many([p.kibetsu_id], paid_on=paid_on)[p.kibetsu_id] == r
    # a 更正 of the town's own: the whole period bears 延滞金 (3,420 → 3,400円)
    other = chotei_post(**{**kw, "key": "r6:1b"}, amount=50_000, ref="b:t", on=date(2024, 6, 1))
    madoguchi_nofu(nofu_bango=other.nofu_bango, amount=50_000, shuno_date=date(2024, 7, 1),
                   actor=ACTOR)  # fmt: skip
    chotei_post(**{**kw, "key": "r6:1b"}, amount=80_000, ref="b:k", on=date(2025, 10, 15))
    assert entaikin_of(other.kibetsu_id, paid_on=paid_on).entaikin == 3_400
    # refused: the basis on another 税目, a 通知日 before the 調定日
    with pytest.raises(ShunoRefused, match="個人住民税（普通徴収）の期別だけ"):
        chotei_post(**{**kw, "zeimoku": Zeimoku.KOKUHOZEI, "key": "k"}, amount=1, ref="k",
                    on=date(2025, 1, 1), shotoku_kiin=True)  # fmt: skip
    with pytest.raises(ShunoRefused, match="通知日は調定日以後"):
        chotei_post(**kw, amount=90_000, ref="r6:1:x", on=date(2025, 12, 1),
                    shotoku_kiin=True, tsuchi_date=date(2025, 11, 30))  # fmt: skip
    connection.set_schema_to_public()

    # the 試算 screen shows the excluded tax and says why
    clerk = login("hayama-clerk", ALPHA_HOST)
    page = clerk.post(
        "/zeimu/shuno/entaikin/", {"nofu_bango": p.nofu_bango, "paid_on": "令和7年11月14日"}
    ).content.decode()
    assert "除算期間で除く税額" in page and "30,000円" in page and "2,600円" in page
    assert "令和7年7月2日〜令和7年10月15日" in page and "第321条の2" in page
    # the API gives the same segments with the tax left out
    api = _key(alpha, ALPHA_HOST, ["shuno_kanri:read"])
    body = api.post(
        "/api/v1/zeimu/shuno/entaikin/",
        {"nofu_bango": p.nofu_bango, "paid_on": "2025-11-14"},
        content_type="application/json",
        HTTP_X_PURPOSE="延滞金の案内",
    ).json()
    assert body["entaikin"] == 2_600
    assert [(s["start"], s["josan"], s["amount"]) for s in body["segments"]][3] == (
        "2025-07-02",
        30_000,
        0,
    )
    # 寒川町 (with 収納管理) does not know 葉山町's 納付番号
    grant_beta_shuno()
    sam = login("samukawa-clerk", BETA_HOST)
    page = sam.post(
        "/zeimu/shuno/entaikin/", {"nofu_bango": p.nofu_bango, "paid_on": "令和7年11月14日"}
    ).content.decode()
    assert "この納付番号の期別はありません" in page and "2,600円" not in page
    beta_api = _key(beta, BETA_HOST, ["shuno_kanri:read"])
    r404 = beta_api.post(
        "/api/v1/zeimu/shuno/entaikin/",
        {"nofu_bango": p.nofu_bango, "paid_on": "2025-11-14"},
        content_type="application/json",
        HTTP_X_PURPOSE="延滞金の案内",
    )
    assert r404.status_code == 404
