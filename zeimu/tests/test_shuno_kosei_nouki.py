"""A 増額更正 due by its own notice's 納期限, through the ledger (zeimu.services.shuno
``chotei_post`` / ``chotei_post_many`` with ``kosei_nouki``; docs/standard/shuno.md S-7c).

The worked example is 豊橋市's (zeimu/tests/test_rules_entaikin_kosei_nouki.py): the 65,000円
added by a 更正 whose notice sets 令和3年5月31日, paid on 令和4年1月31日, bears 3,400円; counted
from the 期別's 令和3年4月30日 it would be 3,900円.
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
    KOSEI_NOUKI_BEFORE,
    KOSEI_NOUKI_ZEIMOKU_NG,
    ChoteiItem,
    ShunoRefused,
    chotei_post,
    chotei_post_many,
    entaikin_many,
    entaikin_of,
    madoguchi_nofu,
)

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="tester")
NOUKI = date(2021, 4, 30)
NOTICE = date(2021, 5, 31)
PAID = date(2022, 1, 31)


def post(atena_id: int, key: str, amount: int, ref: str, on: date, **kw: Any) -> Any:
    return chotei_post(
        zeimoku=kw.pop("zeimoku", Zeimoku.KOTEIZEI), key=key, atena_id=atena_id, nendo=2021,
        ki=1, ki_label="第1期", nouki=NOUKI, amount=amount, ref=ref, on=on, actor=ACTOR, **kw,
    )  # fmt: skip


def entaikin_entries(kibetsu_id: int) -> list[tuple[str, int]]:
    ent = Kibetsu.objects.filter(key=f"{ENTAIKIN_KEY}{kibetsu_id}").first()
    return [(str(c.kind), c.amount) for c in Chotei.objects.filter(kibetsu=ent).order_by("pk")]


def person(code: str) -> Any:
    _, (h, *_) = household_tennyu(code, members=family(), ido_date=date(2015, 4, 1))
    return h


def test_the_increase_bears_entaikin_from_its_notices_nouki(alpha: Any, beta: Any) -> None:
    # given: 葉山町's 固定資産税 第1期 100,000円 paid on time, then a 更正 +65,000円 whose notice
    # sets 令和3年5月31日
    connection.set_tenant(alpha.municipality)
    pa = person("hayama")
    k = post(pa.pk, "a", 100_000, "a:tosho", date(2021, 4, 1))
    madoguchi_nofu(nofu_bango=k.nofu_bango, amount=100_000, shuno_date=NOUKI, actor=ACTOR)
    post(pa.pk, "a", 165_000, "a:kosei", date(2021, 5, 10), kosei_nouki=NOTICE)
    entry = Chotei.objects.get(ref="a:kosei")
    assert (entry.kind, entry.amount, entry.nouki) == (ChoteiKind.ZOGAKU, 65_000, NOTICE)
    # 寒川町 the same without the notice's 納期限 (counted from the 期別's)
    connection.set_tenant(beta.municipality)
    pb = person("samukawa")
    b = post(pb.pk, "b", 100_000, "b:tosho", date(2021, 4, 1))
    madoguchi_nofu(nofu_bango=b.nofu_bango, amount=100_000, shuno_date=NOUKI, actor=ACTOR)
    post(pb.pk, "b", 165_000, "b:kosei", date(2021, 5, 10))
    assert Chotei.objects.get(ref="b:kosei").nouki is None
    # the 試算 and the 催告 path agree
    assert entaikin_of(b.kibetsu_id, paid_on=PAID).entaikin == 3_900
    assert entaikin_many([b.kibetsu_id], paid_on=PAID)[b.kibetsu_id].entaikin == 3_900
    # when: each pays the 65,000円 on 令和4年1月31日
    madoguchi_nofu(nofu_bango=b.nofu_bango, amount=65_000, shuno_date=PAID, actor=ACTOR)
    assert entaikin_entries(b.kibetsu_id) == [(ChoteiKind.TOSHO, 3_900)]
    connection.set_tenant(alpha.municipality)
    assert entaikin_of(k.kibetsu_id, paid_on=PAID).entaikin == 3_400
    assert entaikin_many([k.kibetsu_id], paid_on=PAID)[k.kibetsu_id].entaikin == 3_400
    assert not Kibetsu.objects.filter(key__startswith=ENTAIKIN_KEY).exists()
    madoguchi_nofu(nofu_bango=k.nofu_bango, amount=65_000, shuno_date=PAID, actor=ACTOR)
    # then: 葉山町 fixes 豊橋市's 3,400円, and sees nothing of 寒川町's
    assert entaikin_entries(k.kibetsu_id) == [(ChoteiKind.TOSHO, 3_400)]
    assert Kibetsu.objects.filter(key__startswith=ENTAIKIN_KEY).count() == 1
    assert not Chotei.objects.filter(ref__startswith="b:").exists()
    connection.set_tenant(beta.municipality)
    assert Kibetsu.objects.filter(key__startswith=ENTAIKIN_KEY).count() == 1
    assert not Chotei.objects.filter(ref__startswith="a:").exists()


def test_the_batch_post_keeps_the_notices_nouki_as_the_single_post_does(in_alpha: Any) -> None:
    pa = person("hayama")
    k = post(pa.pk, "m", 100_000, "m:tosho", date(2021, 4, 1))
    later = chotei_post(
        zeimoku=Zeimoku.KOTEIZEI, key="m2", atena_id=pa.pk, nendo=2021, ki=2, ki_label="第2期",
        nouki=date(2021, 7, 31), amount=100_000, ref="m2:tosho", on=date(2021, 4, 1),
        actor=ACTOR,
    )  # fmt: skip
    item = dict(zeimoku=Zeimoku.KOTEIZEI, atena_id=pa.pk, nendo=2021, on=date(2021, 5, 10),
                kosei_nouki=NOTICE)  # fmt: skip
    chotei_post_many(
        [
            ChoteiItem(key="m", ki=1, ki_label="第1期", nouki=NOUKI, amount=165_000,
                       ref="m:kosei", **item),
            # a 期 due after the notice's 納期限 keeps its own
            ChoteiItem(key="m2", ki=2, ki_label="第2期", nouki=date(2021, 7, 31),
                       amount=120_000, ref="m2:kosei", **item),
        ],
        actor=ACTOR,
    )  # fmt: skip
    assert Chotei.objects.get(ref="m:kosei").nouki == NOTICE
    assert Chotei.objects.get(ref="m2:kosei").nouki is None
    madoguchi_nofu(nofu_bango=k.nofu_bango, amount=100_000, shuno_date=NOUKI, actor=ACTOR)
    assert entaikin_of(k.kibetsu_id, paid_on=PAID).entaikin == 3_400
    assert later.kibetsu_id != k.kibetsu_id


def test_refused_for_a_juminzei_or_before_the_chotei_day_and_nothing_written(
    in_alpha: Any,
) -> None:
    pa = person("hayama")
    post(pa.pk, "r", 100_000, "r:tosho", date(2021, 4, 1), zeimoku=Zeimoku.JUMINZEI)
    # 個人住民税: 地方税法第321条の2第2項 counts its 不足税額 from each 納期限 already come
    with pytest.raises(ShunoRefused, match=KOSEI_NOUKI_ZEIMOKU_NG):
        post(pa.pk, "r", 150_000, "r:kosei", date(2021, 5, 10), zeimoku=Zeimoku.JUMINZEI,
             kosei_nouki=NOTICE)  # fmt: skip
    with pytest.raises(ShunoRefused, match=KOSEI_NOUKI_ZEIMOKU_NG):
        chotei_post_many(
            [ChoteiItem(zeimoku=Zeimoku.HOJINZEI, key="h", atena_id=None, hojin_bango="1" * 13,
                        nendo=2021, ki=1, ki_label="第1期", nouki=NOUKI, amount=1, ref="h",
                        on=date(2021, 5, 10), kosei_nouki=NOTICE)],
            actor=ACTOR,
        )  # fmt: skip
    post(pa.pk, "f", 100_000, "f:tosho", date(2021, 4, 1))
    with pytest.raises(ShunoRefused, match=KOSEI_NOUKI_BEFORE):
        post(pa.pk, "f", 150_000, "f:kosei", date(2021, 6, 10), kosei_nouki=NOTICE)
    assert not Chotei.objects.filter(ref__in=["r:kosei", "h", "f:kosei"]).exists()
    assert Chotei.objects.count() == 2


def test_a_kibetsu_a_kosei_creates_is_due_by_the_notice(in_alpha: Any) -> None:
    # given: a 更正 gives a year to a taxpayer who held nothing (its first 調定) after the
    # 期別's 納期限, by the single post and by the batch
    pa = person("hayama")
    one = post(pa.pk, "n1", 65_000, "n1:kosei", date(2021, 5, 10), kosei_nouki=NOTICE)
    (two,) = chotei_post_many(
        [ChoteiItem(zeimoku=Zeimoku.KOTEIZEI, key="n2", atena_id=pa.pk, nendo=2021, ki=1,
                    ki_label="第1期", nouki=NOUKI, amount=65_000, ref="n2:kosei",
                    on=date(2021, 5, 10), kosei_nouki=NOTICE)],
        actor=ACTOR,
    )  # fmt: skip
    # then: each 期別 is due by the notice (its entry, a 当初, keeps none of its own), and
    # bears 豊橋市's 3,400円 on 令和4年1月31日
    for p in (one, two):
        kib = Kibetsu.objects.get(pk=p.kibetsu_id)
        assert kib.nouki == NOTICE
        assert list(kib.chotei.values_list("kind", "nouki")) == [(ChoteiKind.TOSHO, None)]
        assert entaikin_of(p.kibetsu_id, paid_on=PAID).entaikin == 3_400
    # a 期別 due after the notice keeps its own
    later = chotei_post(
        zeimoku=Zeimoku.KOTEIZEI, key="n3", atena_id=pa.pk, nendo=2021, ki=2, ki_label="第2期",
        nouki=date(2021, 7, 31), amount=1_000, ref="n3:kosei", on=date(2021, 5, 10),
        actor=ACTOR, kosei_nouki=NOTICE,
    )  # fmt: skip
    assert Kibetsu.objects.get(pk=later.kibetsu_id).nouki == date(2021, 7, 31)
