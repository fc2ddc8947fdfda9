"""不納欠損の一部取消 (zeimu.services.shuno_kesson; docs/standard/shuno.md S-28): a payment
dated before the duty ended, entered after the 不納欠損 (bank data late), takes back the part
of the 欠損 it paid, on every payment path; only a true overpayment stays 過誤納."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from juminkiroku.tests.factories import family, household_tennyu
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from zeimu.models import (
    KeikaKind,
    Kesson,
    KessonTorikeshi,
    Shuno,
    ShunoKind,
    TainoKeika,
    Zeimoku,
)
from zeimu.services.shuno import balances, chotei_post, madoguchi_nofu
from zeimu.services.shuno_conveni import conveni_import
from zeimu.services.shuno_files import koza_kekka_import
from zeimu.services.shuno_kesson import kesson_genzai
from zeimu.services.shuno_taino import (
    haito_apply,
    kesson_apply_many,
    shobun_create,
    teishi_create,
    teishi_sokuji,
)
from zeimu.services.shuno_tokucho import TokuchoNofu, tokucho_nofu_post
from zeimu.tests.test_shuno import zengin_file
from zeimu.tests.test_shuno_conveni import barcode_of, conveni_file, set_kigyo

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="kesson-test")
KESSON_DAY = date(2026, 10, 2)
TODAY = date(2026, 10, 5)


def _kibetsu(atena_id: int, n: int, amount: int = 10_000) -> Any:
    return chotei_post(
        zeimoku=Zeimoku.JUMINZEI,
        key=f"kesson-test:{n}",
        atena_id=atena_id,
        nendo=2026,
        ki=1,
        ki_label="第1期",
        nouki=date(2026, 4, 30),
        amount=amount,
        ref=f"kesson-test:{n}:tosho",
        on=date(2026, 4, 1),
        actor=ACTOR,
    )


def _struck(atena_id: int, kibetsu_ids: list[int]) -> dict[int, Kesson]:
    """即時消滅 on KESSON_DAY, then the 不納欠損 of each 期別 on that day."""
    t = teishi_create(atena_id=atena_id, kibetsu_ids=kibetsu_ids, reason="muzaisan",
                      teishi_date=KESSON_DAY, memo="", actor=ACTOR)  # fmt: skip
    teishi_sokuji(teishi_id=t.pk, on=KESSON_DAY, memo="", actor=ACTOR)
    done = kesson_apply_many(kibetsu_ids, kijun=KESSON_DAY, job_id=None, actor=ACTOR)
    return {k.kibetsu_id: k for k in done}


def zan(kid: int, on: date | None = None) -> int:
    return balances([kid], on=on)[kid].zan


def test_a_late_payment_takes_back_the_kesson_on_every_path(in_alpha: Any) -> None:
    # given 葉山町 struck off five 期別 of 10,000円 on 2026-10-02 (即時消滅 that day)
    _, (p, *_) = household_tennyu("hayama", members=family(), ido_date=date(2020, 4, 1))
    ks = [_kibetsu(p.pk, n) for n in range(6)]
    kids = [k.kibetsu_id for k in ks]
    kesson = _struck(p.pk, kids)
    assert [kesson[i].amount for i in kids] == [10_000] * 6
    assert all(zan(i) == 0 for i in kids)

    # 窓口: 4,000円 paid on 7/1, entered now: the 欠損 is 6,000円, the 期別 owes nothing
    madoguchi_nofu(nofu_bango=ks[0].nofu_bango, amount=4_000, shuno_date=date(2026, 7, 1),
                   actor=ACTOR)  # fmt: skip
    (t0,) = KessonTorikeshi.objects.filter(kesson=kesson[kids[0]])
    assert t0.amount == 4_000 and kesson_genzai(kesson[kids[0]]) == 6_000
    assert (t0.ledger.kind, t0.ledger.amount, t0.ledger.on) == (
        ShunoKind.KESSON_TORIKESHI, -4_000, KESSON_DAY)  # fmt: skip
    assert zan(kids[0]) == 0 and zan(kids[0], on=date(2026, 7, 1)) == 6_000
    # the 欠損 itself is never edited: its row and its ledger entry stay as written
    assert Kesson.objects.get(pk=kesson[kids[0]].pk).amount == 10_000
    assert Shuno.objects.get(pk=kesson[kids[0]].shuno_id).amount == 10_000
    # 9,000円 more paid on 7/5: 6,000円 takes the rest of the 欠損 back, 3,000円 is 過誤納
    madoguchi_nofu(nofu_bango=ks[0].nofu_bango, amount=9_000, shuno_date=date(2026, 7, 5),
                   actor=ACTOR)  # fmt: skip
    assert kesson_genzai(kesson[kids[0]]) == 0 and zan(kids[0]) == -3_000
    assert list(
        KessonTorikeshi.objects.filter(kesson=kesson[kids[0]]).order_by("pk")
        .values_list("amount", flat=True)
    ) == [4_000, 6_000]  # fmt: skip

    # a payment dated on or after the day the duty ended is 過誤納: the 欠損 stands
    madoguchi_nofu(nofu_bango=ks[1].nofu_bango, amount=1_000, shuno_date=KESSON_DAY,
                   actor=ACTOR)  # fmt: skip
    assert not KessonTorikeshi.objects.filter(kesson=kesson[kids[1]]).exists()
    assert zan(kids[1]) == -1_000

    # 口座振替 result file: 10,000円 drawn on 6/27 → the whole 欠損 taken back
    r = koza_kekka_import(data=zengin_file([(ks[2].nofu_bango, 10_000, "0")]), name="f.dat",
                          actor=ACTOR, today=TODAY)  # fmt: skip
    assert r.matched == 1
    assert kesson_genzai(kesson[kids[2]]) == 0 and zan(kids[2]) == 0

    # 特別徴収 result: 2,500円 withheld on 8/15
    tokucho_nofu_post(zeimoku=Zeimoku.JUMINZEI, name="t.csv", sha256="a" * 64,
                      items=[TokuchoNofu(line=1, key="kesson-test:3", amount=2_500,
                                         shuno_date=date(2026, 8, 15))],
                      actor=ACTOR)  # fmt: skip
    assert kesson_genzai(kesson[kids[3]]) == 7_500 and zan(kids[3]) == 0

    # コンビニ 速報 of a sale on 6/12, then the store voids it: the 取消 is put back
    set_kigyo()
    sale = ("0", "20260612", "1015", "0001234", "0000000042", barcode_of(ks[4].nofu_bango, 3_000))
    conveni_import(data=conveni_file("1", [sale]), name="s.dat", actor=ACTOR, today=TODAY)
    assert kesson_genzai(kesson[kids[4]]) == 7_000 and zan(kids[4]) == 0
    conveni_import(data=conveni_file("1", [("1", *sale[1:])]), name="s2.dat", actor=ACTOR,
                   today=TODAY)  # fmt: skip
    assert kesson_genzai(kesson[kids[4]]) == 10_000 and zan(kids[4]) == 0
    assert list(
        KessonTorikeshi.objects.filter(kesson=kesson[kids[4]]).order_by("pk")
        .values_list("amount", flat=True)
    ) == [3_000, -3_000]  # fmt: skip

    # 換価・配当 received on 9/1 from a 交付要求 of 8/1
    s = shobun_create(atena_id=p.pk, kind="kofu", zaisan="fudosan", shobun_date=date(2026, 8, 1),
                      amount=10_000, kibetsu_ids=[kids[5]], memo="", actor=ACTOR)  # fmt: skip
    haito_apply(shobun_id=s.pk, on=date(2026, 9, 1), amount=5_000, actor=ACTOR)
    assert kesson_genzai(kesson[kids[5]]) == 5_000 and zan(kids[5]) == 0

    # the case shows each 欠損 with what was taken back
    from zeimu.services.shuno_taino import case_detail

    detail = case_detail(p.pk, on=TODAY)
    back = {k.kibetsu_id: k.torikeshi_sum for k in detail.kesson}  # type: ignore[attr-defined]
    assert [back[i] for i in kids] == [10_000, 0, 10_000, 2_500, 0, 5_000]
    # each 取消 is in the case's history and the access log; nothing is written twice
    keika = TainoKeika.objects.filter(case__atena_id=p.pk, kind=KeikaKind.KESSON_TORIKESHI)
    assert keika.count() == KessonTorikeshi.objects.count() == 7
    logs = AccessLog.objects.filter(username="kesson-test", screen="不納欠損の一部取消",
                                    record_type="atena", record_id=str(p.pk))  # fmt: skip
    assert logs.count() == 7
    from zeimu.services.shuno_kesson import kesson_teisei

    assert kesson_teisei(kids, actor=ACTOR) == []


def test_two_towns_each_correct_only_their_own_kesson(alpha: Any, beta: Any) -> None:
    # given each town struck off a 期別 with the same key (their ids and 納付番号 may match)
    connection.set_tenant(alpha.municipality)
    _, (pa, *_) = household_tennyu("hayama", members=family(), ido_date=date(2020, 4, 1))
    a = _kibetsu(pa.pk, 0)
    ka = _struck(pa.pk, [a.kibetsu_id])[a.kibetsu_id]
    connection.set_tenant(beta.municipality)
    _, (pb, *_) = household_tennyu("samukawa", members=family(), ido_date=date(2020, 4, 1))
    b = _kibetsu(pb.pk, 0, amount=20_000)
    kb = _struck(pb.pk, [b.kibetsu_id])[b.kibetsu_id]
    # when 寒川町 receives a late payment for its own 期別
    madoguchi_nofu(nofu_bango=b.nofu_bango, amount=8_000, shuno_date=date(2026, 7, 1),
                   actor=ACTOR)  # fmt: skip
    # then only its 欠損 is corrected
    assert kesson_genzai(kb) == 12_000 and zan(b.kibetsu_id) == 0
    connection.set_tenant(alpha.municipality)
    assert not KessonTorikeshi.objects.exists()
    assert kesson_genzai(Kesson.objects.get(pk=ka.pk)) == 10_000 and zan(a.kibetsu_id) == 0
    assert not TainoKeika.objects.filter(kind=KeikaKind.KESSON_TORIKESHI).exists()
    # and 葉山町's own late payment corrects its own, leaving 寒川町's as it was
    madoguchi_nofu(nofu_bango=a.nofu_bango, amount=1_000, shuno_date=date(2026, 7, 1),
                   actor=ACTOR)  # fmt: skip
    assert kesson_genzai(Kesson.objects.get(pk=ka.pk)) == 9_000
    connection.set_tenant(beta.municipality)
    assert list(KessonTorikeshi.objects.values_list("amount", flat=True)) == [8_000]
    connection.set_schema_to_public()


def test_the_2026_12_07_example_ends_with_only_the_true_overpayment_refunded(
    in_alpha: Any,
) -> None:
    """The property test's example of 2026-12-07, spelled out: a 期別 of 131円 struck off on
    10/2, then 249円 paid on 7/1 entered after it: the 欠損 is taken back whole (131円), the
    還付 of 7/2 pays back 118円, and the 期別 ends at 0 (before this fix 131円 stayed 過誤納)."""
    from zeimu.services.shuno_kanpu import kanpu_decide

    _, (p, *_) = household_tennyu("hayama", members=family(), ido_date=date(2020, 4, 1))
    k = _kibetsu(p.pk, 0, amount=131)
    kesson = _struck(p.pk, [k.kibetsu_id])[k.kibetsu_id]
    madoguchi_nofu(nofu_bango=k.nofu_bango, amount=249, shuno_date=date(2026, 7, 1), actor=ACTOR)
    assert kesson_genzai(kesson) == 0 and zan(k.kibetsu_id) == -118
    out = kanpu_decide(kibetsu_id=k.kibetsu_id, kettei_date=date(2026, 7, 2),
                       shiharai_hoho="madoguchi", shiharai_date=date(2026, 7, 10), jiyu="kosei",
                       actor=ACTOR)  # fmt: skip
    assert out.kanpu is not None and out.kanpu.amount == 118
    assert zan(k.kibetsu_id) == 0
