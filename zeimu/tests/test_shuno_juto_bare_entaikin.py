"""A bare ``juto_apply`` (no ``entaikin``) that pays off a 本税 after its 納期限 posts its
延滞金, as an ordinary payment does (zeimu.services.shuno.juto_apply; docs/standard/shuno.md
S-5, S-7b).

Figures: 豊橋市「延滞金について」(www.city.toyohashi.lg.jp, menuid=10874): 65,000円, 納期限 令和3年
5月31日, paid 令和4年1月31日 → 3,400円. Here the 65,000円 is paid by a 充当 of a 過誤納 that arose
on 令和4年1月31日 (a second payment of another 期別 that day): the 充当適状日 is the later of
the 納期限 and the day the 過誤納 arose (地方税法第17条の2第4項, 施行令第6条の14), 令和4年1月31日,
so the 延滞金 is the published 3,400円.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from juminkiroku.tests.factories import family, household_tennyu
from tenants.accesslog.services import Actor
from tenants.db import connection
from zeimu.models import Chotei, ChoteiKind, Kibetsu, Zeimoku
from zeimu.services.shuno import (
    ENTAIKIN_KEY,
    balances,
    chotei_post,
    juto_apply,
    madoguchi_nofu,
)

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="tester")
PAID = date(2022, 1, 31)


def post(atena_id: int, key: str, amount: int, nouki: date, ki: int) -> Any:
    return chotei_post(
        zeimoku=Zeimoku.KOTEIZEI, key=key, atena_id=atena_id, nendo=2021, ki=ki,
        ki_label=f"第{ki}期", nouki=nouki, amount=amount, ref=f"{key}:tosho",
        on=date(2021, 4, 1), actor=ACTOR,
    )  # fmt: skip


def setup_town(code: str, overpaid: int) -> tuple[Any, Any]:
    """A 本税 of 65,000円 due 令和3年5月31日 left unpaid, and a 第2期 paid twice on
    令和4年1月31日 (``overpaid`` 過誤納)."""
    _, (h, *_) = household_tennyu(code, members=family(), ido_date=date(2015, 4, 1))
    honzei = post(h.pk, f"{code}1", 65_000, date(2021, 5, 31), 1)
    other = post(h.pk, f"{code}2", 10_000, date(2021, 7, 31), 2)
    madoguchi_nofu(nofu_bango=other.nofu_bango, amount=10_000, shuno_date=date(2021, 7, 30),
                   actor=ACTOR)  # fmt: skip
    madoguchi_nofu(nofu_bango=other.nofu_bango, amount=overpaid, shuno_date=PAID, actor=ACTOR)
    return h, honzei


def test_a_bare_juto_that_pays_off_a_late_honzei_fixes_its_entaikin(alpha: Any, beta: Any) -> None:
    # given: 葉山町's 本税 and exactly 65,000円 overpaid on 令和4年1月31日
    connection.set_tenant(alpha.municipality)
    h, honzei = setup_town("hayama", 65_000)
    # when: a bare 充当 on that day
    moved = juto_apply(atena_id=h.pk, on=PAID, actor=ACTOR)
    # then: the 本税 is paid off and its 延滞金 is posted on its own 期別, owed
    assert [(m.to_kibetsu_id, m.amount, m.entaikin) for m in moved] == [
        (honzei.kibetsu_id, 65_000, False)
    ]
    ent = Kibetsu.objects.get(key=f"{ENTAIKIN_KEY}{honzei.kibetsu_id}")
    assert [(c.kind, c.amount, c.on) for c in Chotei.objects.filter(kibetsu=ent)] == [
        (ChoteiKind.TOSHO, 3_400, PAID)
    ]
    assert balances([honzei.kibetsu_id])[honzei.kibetsu_id].zan == 0
    assert balances([ent.pk])[ent.pk].zan == 3_400
    # a second call finds nothing and writes nothing
    assert juto_apply(atena_id=h.pk, on=PAID, actor=ACTOR) == []
    assert Chotei.objects.filter(kibetsu=ent).count() == 1
    # the 延滞金 is collected as any other: paid at the 窓口 by its own 納付番号
    madoguchi_nofu(nofu_bango=ent.nofu_bango, amount=3_400, shuno_date=date(2022, 2, 10),
                   actor=ACTOR)  # fmt: skip
    assert balances([ent.pk])[ent.pk].zan == 0
    # 寒川町: 70,000円 overpaid; the bare 充当 leaves 5,000円 過誤納 and the 3,400円 owed, the
    # 充当 with ``entaikin`` then moves 3,400円 of it to the 延滞金 (第17条の2第3項)
    connection.set_tenant(beta.municipality)
    assert not Kibetsu.objects.filter(key__startswith=ENTAIKIN_KEY).exists()
    hb, honzei_b = setup_town("samukawa", 70_000)
    juto_apply(atena_id=hb.pk, on=PAID, actor=ACTOR)
    ent_b = Kibetsu.objects.get(key=f"{ENTAIKIN_KEY}{honzei_b.kibetsu_id}")
    assert balances([ent_b.pk])[ent_b.pk].zan == 3_400
    moved = juto_apply(atena_id=hb.pk, on=PAID, actor=ACTOR, entaikin=True)
    assert [(m.to_kibetsu_id, m.amount, m.entaikin) for m in moved] == [(ent_b.pk, 3_400, True)]
    assert balances([ent_b.pk])[ent_b.pk].zan == 0
    # 葉山町 sees none of it
    connection.set_tenant(alpha.municipality)
    assert list(Kibetsu.objects.filter(key__startswith=ENTAIKIN_KEY)) == [ent]


def test_a_bare_juto_in_time_posts_nothing(in_alpha: Any) -> None:
    _, (h, *_) = household_tennyu("hayama", members=family(), ido_date=date(2015, 4, 1))
    honzei = post(h.pk, "t1", 65_000, date(2021, 5, 31), 1)
    other = post(h.pk, "t2", 10_000, date(2021, 4, 30), 2)
    madoguchi_nofu(nofu_bango=other.nofu_bango, amount=75_000, shuno_date=date(2021, 4, 30),
                   actor=ACTOR)  # fmt: skip
    # the 充当適状日 is the 本税's 納期限 (the 過誤納 arose before it): no day late
    juto_apply(atena_id=h.pk, on=PAID, actor=ACTOR)
    assert balances([honzei.kibetsu_id])[honzei.kibetsu_id].zan == 0
    assert not Kibetsu.objects.filter(key__startswith=ENTAIKIN_KEY).exists()
