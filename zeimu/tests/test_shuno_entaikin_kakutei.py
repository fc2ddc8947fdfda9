"""延滞金 fixed by an ordinary payment (zeimu.services.shuno_entaikin; docs/standard/shuno.md
S-7b): a 本税 paid off after its 納期限 — at the 窓口, by a 金融機関 納付書 file, a コンビニ 速報
and 確報, a 口座振替 result, a 配当 — has its 延滞金 posted as a 調定 entry of the 延滞金's own
期別, shown on the ledger and the 滞納整理 case, paid by its 納付書; a part payment lowers the
base from the next day; a second import writes nothing; a voided sale takes it back; 葉山町
and 寒川町 apart.

Figures:
- 豊橋市「延滞金について」(www.city.toyohashi.lg.jp, menuid=10874): 65,000円, 納期限 令和3年5月31日,
  納付 令和4年1月31日 → 3,496円 → 延滞金 3,400円 (the published example; the rule tests are in
  zeimu/tests/test_rules_entaikin.py).
- The same 期別 paid in two parts (25,000円 on 令和3年6月10日, the rest on 令和4年1月31日): no
  published worked example of a part payment was found (searched 2026-12-07: 「延滞金 計算例
  一部納付」); worked by hand from the rule the towns publish (福岡市 FAQ3274: 滞納税額 × 割合 ×
  日数 ÷ 365, each period cut to the yen) and 国税通則法第62条第1項's 「その納付の日の翌日以後の
  期間」 for the base after a part payment (the 地方税法 article that says so for each 税目 not
  read here, 未確認): 65,000×2.5%×10/365 = 44; 40,000×2.5%×20/365 = 54;
  40,000×8.8%×184/365 = 1,774; 40,000×8.7%×31/365 = 295 → 2,167 → 2,100円.
- 令和8年 2.8%・9.1% (袋井市): 200,000円, 納期限 令和8年4月30日, 収納 令和8年6月12日:
  200,000×2.8%×31/365 = 475; 200,000×9.1%×12/365 = 598 → 1,073 → 1,000円.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from juminkiroku.tests.factories import family, household_tennyu
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from zeimu.models import Chotei, ChoteiKind, Kibetsu, Zeimoku
from zeimu.services.shuno import (
    ENTAIKIN_KEY,
    balances,
    chotei_post,
    madoguchi_nofu,
    taxpayer_balances,
)
from zeimu.services.shuno_conveni import conveni_import
from zeimu.services.shuno_files import FileRefused
from zeimu.services.shuno_kinyu import kinyu_import
from zeimu.services.shuno_nofusho import nofusho_candidates
from zeimu.tests.test_shuno_conveni import barcode_of, conveni_file, set_kigyo
from zeimu.tests.test_shuno_kinyu import kinyu_file

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="tester")


def post(atena_id: int | None, key: str, amount: int, nouki: date, **kw: Any) -> Any:
    return chotei_post(
        zeimoku=kw.pop("zeimoku", Zeimoku.KOTEIZEI),
        key=key,
        atena_id=atena_id,
        nendo=nouki.year,
        ki=1,
        ki_label="第1期",
        nouki=nouki,
        amount=amount,
        ref=f"{key}:tosho",
        on=date(nouki.year, 4, 1),
        actor=ACTOR,
        **kw,
    )


def entaikin_kib(honzei: Any) -> Kibetsu | None:
    return Kibetsu.objects.filter(key=f"{ENTAIKIN_KEY}{honzei.kibetsu_id}").first()


def entries(honzei: Any) -> list[tuple[str, int]]:
    k = entaikin_kib(honzei)
    return [(str(c.kind), c.amount) for c in Chotei.objects.filter(kibetsu=k).order_by("pk")]


@pytest.fixture
def head(in_alpha: Any) -> Any:
    _, (h, *_) = household_tennyu("hayama", members=family(), ido_date=date(2015, 4, 1))
    return h


def test_toyohashi_paid_at_the_madoguchi_fixes_3400_which_a_nofusho_collects(head: Any) -> None:
    k = post(head.pk, "t1", 65_000, date(2021, 5, 31))
    # when: paid in full at the 窓口 on 令和4年1月31日
    madoguchi_nofu(nofu_bango=k.nofu_bango, amount=65_000, shuno_date=date(2022, 1, 31),
                   actor=ACTOR)  # fmt: skip
    # then: the 延滞金 is 確定 as a 調定 entry of its own 期別, dated the day paid
    ent = entaikin_kib(k)
    assert ent is not None and ent.ki_label == "延滞金（第1期）" and ent.nouki == date(2021, 5, 31)
    assert entries(k) == [(ChoteiKind.TOSHO, 3_400)]
    assert Chotei.objects.get(kibetsu=ent).on == date(2022, 1, 31)
    # on the taxpayer's ledger and in the balance
    rows = {kib.pk: b for kib, b in taxpayer_balances(head.pk)}
    assert rows[k.kibetsu_id].zan == 0 and rows[ent.pk].zan == 3_400
    assert balances([ent.pk], on=date(2022, 1, 30))[ent.pk].zan == 0
    # collectable by the 納付書 path, then paid at the 窓口 by its own 納付番号
    assert nofusho_candidates(on=date(2022, 2, 10), atena_id=head.pk) == [ent.pk]
    madoguchi_nofu(nofu_bango=ent.nofu_bango, amount=3_400, shuno_date=date(2022, 2, 10),
                   actor=ACTOR)  # fmt: skip
    assert balances([ent.pk])[ent.pk].zan == 0
    # the 延滞金 bears no 延滞金 and nothing more is written
    assert Kibetsu.objects.filter(key__startswith=ENTAIKIN_KEY).count() == 1
    assert entries(k) == [(ChoteiKind.TOSHO, 3_400)]
    assert AccessLog.objects.filter(screen="延滞金の確定").count() == 1


def test_a_payment_in_two_parts_counts_the_lower_base_after_the_first(head: Any) -> None:
    k = post(head.pk, "t2", 65_000, date(2021, 5, 31))
    madoguchi_nofu(nofu_bango=k.nofu_bango, amount=25_000, shuno_date=date(2021, 6, 10),
                   actor=ACTOR)  # fmt: skip
    # a part paid: nothing 確定 yet (the 本税 is still owed)
    assert entaikin_kib(k) is None
    madoguchi_nofu(nofu_bango=k.nofu_bango, amount=40_000, shuno_date=date(2022, 1, 31),
                   actor=ACTOR)  # fmt: skip
    assert entries(k) == [(ChoteiKind.TOSHO, 2_100)]


def test_a_kosei_after_it_was_fixed_recounts_it_on_the_tax_as_it_stands(head: Any) -> None:
    """The 延滞金 is counted on the tax as it stands: a later 減額更正 lowers it as if the tax had
    always been the lower amount (by hand, 令和7年 2.4%・8.7%)."""
    k = post(head.pk, "g1", 600_000, date(2025, 4, 30))
    for amount, day in ((300_000, date(2025, 4, 30)), (300_000, date(2025, 7, 31))):
        madoguchi_nofu(nofu_bango=k.nofu_bango, amount=amount, shuno_date=day, actor=ACTOR)
    # 300,000×2.4%×31/365 = 611; 300,000×8.7%×61/365 = 4,361 → 4,972 → 4,900円
    assert entries(k) == [(ChoteiKind.TOSHO, 4_900)]

    def kosei(amount: int, ref: str) -> None:
        chotei_post(zeimoku=Zeimoku.KOTEIZEI, key="g1", atena_id=head.pk, nendo=2025, ki=1,
                    ki_label="第1期", nouki=date(2025, 4, 30), amount=amount, ref=ref,
                    on=date(2025, 12, 1), actor=ACTOR)  # fmt: skip

    # 500,000: 200,000 owed from 5/1 to 7/31 → 407 + 2,907 = 3,314 → 3,300円
    kosei(500_000, "g1:k1")
    assert entries(k) == [(ChoteiKind.TOSHO, 4_900), (ChoteiKind.GENGAKU, -1_600)]
    ent = entaikin_kib(k)
    assert ent is not None
    assert Chotei.objects.filter(kibetsu=ent).order_by("pk").last().on == date(2025, 12, 1)  # type: ignore[union-attr]
    # 250,000: paid off on 4/30, in time: nothing
    kosei(250_000, "g1:k2")
    assert sum(a for _, a in entries(k)) == 0
    # back to 600,000 (paid off on 7/31 still): 4,900円 again, as a new entry
    kosei(600_000, "g1:k3")
    assert sum(a for _, a in entries(k)) == 4_900 and len(entries(k)) == 4
    # a 増額 that leaves tax owed: the 延滞金 stays as it is until the rest is paid
    kosei(700_000, "g1:k4")
    assert sum(a for _, a in entries(k)) == 4_900 and len(entries(k)) == 4


def test_paid_in_time_or_under_1000_yen_writes_nothing(head: Any) -> None:
    on_time = post(head.pk, "t3", 65_000, date(2021, 5, 31))
    small = post(head.pk, "t4", 152_500, date(2025, 9, 1))  # 福岡市 FAQ3274: 299円 → none
    madoguchi_nofu(nofu_bango=on_time.nofu_bango, amount=65_000, shuno_date=date(2021, 5, 31),
                   actor=ACTOR)  # fmt: skip
    madoguchi_nofu(nofu_bango=small.nofu_bango, amount=152_500, shuno_date=date(2025, 10, 1),
                   actor=ACTOR)  # fmt: skip
    assert not Kibetsu.objects.filter(key__startswith=ENTAIKIN_KEY).exists()


def test_a_kinyu_file_fixes_it_once_and_a_second_import_writes_nothing(head: Any) -> None:
    k = post(head.pk, "t5", 65_000, date(2021, 5, 31))
    data = kinyu_file([("20220131", "0138", "001", "0000000001", k.nofu_bango, "0000065000")])
    r = kinyu_import(data=data, name="a.dat", actor=ACTOR, today=date(2022, 2, 10))
    assert r.matched == 1 and entries(k) == [(ChoteiKind.TOSHO, 3_400)]
    # the same file again: refused whole, nothing written
    with pytest.raises(FileRefused):
        kinyu_import(data=data, name="a.dat", actor=ACTOR, today=date(2022, 2, 10))
    # the same 納付書 in another file: reported, not counted twice, no second 延滞金
    again = kinyu_file([("20220131", "0138", "001", "0000000001", k.nofu_bango, "0000065000")],
                       dantai="")  # fmt: skip
    again = again.replace(b"20260619", b"20260620", 1)
    r2 = kinyu_import(data=again, name="b.dat", actor=ACTOR, today=date(2022, 2, 10))
    assert r2.matched == 0 and len(r2.errors) == 1
    assert entries(k) == [(ChoteiKind.TOSHO, 3_400)]


def sale(torikeshi: str, uke: str, nofu_bango: str, amount: int) -> tuple[str, ...]:
    return (torikeshi, "20260612", "1015", "0001234", uke, barcode_of(nofu_bango, amount))


def test_conveni_sokuho_then_kakuho_once_and_a_voided_sale_takes_it_back(head: Any) -> None:
    set_kigyo()
    k = post(head.pk, "t6", 200_000, date(2026, 4, 30))
    s = sale("0", "0000000042", k.nofu_bango, 200_000)
    conveni_import(data=conveni_file("1", [s]), name="s.dat", actor=ACTOR,
                   today=date(2026, 6, 15))  # fmt: skip
    assert entries(k) == [(ChoteiKind.TOSHO, 1_000)]
    # the 確報 of the same sale: counted once, nothing new
    conveni_import(data=conveni_file("2", [s]), name="k.dat", actor=ACTOR,
                   today=date(2026, 6, 30))  # fmt: skip
    assert entries(k) == [(ChoteiKind.TOSHO, 1_000)]
    # the store voids the sale: the 本税 is owed again and the 延滞金 is taken back by a new
    # entry (the first one is not edited)
    void = ("1", *s[1:])
    conveni_import(data=conveni_file("1", [void]), name="v.dat", actor=ACTOR,
                   today=date(2026, 6, 16))  # fmt: skip
    assert balances([k.kibetsu_id])[k.kibetsu_id].zan == 200_000
    assert entries(k) == [(ChoteiKind.TOSHO, 1_000), (ChoteiKind.GENGAKU, -1_000)]
    ent = entaikin_kib(k)
    assert ent is not None and balances([ent.pk])[ent.pk].zan == 0


def test_koza_result_on_the_nouki_bears_nothing_and_a_late_one_fixes_it_once(head: Any) -> None:
    from zeimu.services.shuno_files import koza_kekka_import
    from zeimu.tests.test_shuno import zengin_file

    due = post(head.pk, "t7", 65_000, date(2021, 5, 31))
    late = post(head.pk, "t8", 3_000_000, date(2021, 4, 30))
    data = zengin_file([(due.nofu_bango, 65_000, "0"), (late.nofu_bango, 3_000_000, "0")],
                       mmdd="0531")  # fmt: skip
    r = koza_kekka_import(data=data, name="k.txt", actor=ACTOR, today=date(2021, 6, 3))
    assert r.matched == 2
    # debited on its 納期限: none
    assert entaikin_kib(due) is None
    # a month late: 3,000,000×2.5%×31/365 = 6,369 → 6,300円
    assert entries(late) == [(ChoteiKind.TOSHO, 6_300)]
    # the same file again is refused whole and writes nothing
    with pytest.raises(FileRefused):
        koza_kekka_import(data=data, name="k.txt", actor=ACTOR, today=date(2021, 6, 3))
    assert entries(late) == [(ChoteiKind.TOSHO, 6_300)]


def test_a_corporations_tax_gets_its_entaikin_under_its_hojin_bango(in_alpha: Any) -> None:
    k = post(None, "h1", 65_000, date(2021, 5, 31), zeimoku=Zeimoku.HOJINZEI,
             hojin_bango="1234567890123")  # fmt: skip
    madoguchi_nofu(nofu_bango=k.nofu_bango, amount=65_000, shuno_date=date(2022, 1, 31),
                   actor=ACTOR)  # fmt: skip
    ent = entaikin_kib(k)
    assert ent is not None and ent.hojin_bango == "1234567890123" and ent.atena_id is None
    assert entries(k) == [(ChoteiKind.TOSHO, 3_400)]


def test_two_towns_each_fix_only_their_own(alpha: Any, beta: Any) -> None:
    connection.set_tenant(alpha.municipality)
    _, (pa, *_) = household_tennyu("hayama", members=family(), ido_date=date(2015, 4, 1))
    a = post(pa.pk, "a1", 65_000, date(2021, 5, 31))
    connection.set_tenant(beta.municipality)
    _, (pb, *_) = household_tennyu("samukawa", members=family(), ido_date=date(2015, 4, 1))
    b = post(pb.pk, "b1", 130_000, date(2021, 5, 31))
    # 寒川町 pays its own: its 延滞金 is twice 葉山町's figure less the cuts
    madoguchi_nofu(nofu_bango=b.nofu_bango, amount=130_000, shuno_date=date(2022, 1, 31),
                   actor=ACTOR)  # fmt: skip
    # 130,000×2.5%×30/365 = 267; ×8.8%×184/365 = 5,766; ×8.7%×31/365 = 960 → 6,993 → 6,900円
    assert entries(b) == [(ChoteiKind.TOSHO, 6_900)]
    assert Kibetsu.objects.filter(key__startswith=ENTAIKIN_KEY).count() == 1
    # 葉山町 sees none of it, and its own 期別 is untouched
    connection.set_tenant(alpha.municipality)
    assert not Kibetsu.objects.filter(key__startswith=ENTAIKIN_KEY).exists()
    assert balances([a.kibetsu_id])[a.kibetsu_id].zan == 65_000
    madoguchi_nofu(nofu_bango=a.nofu_bango, amount=65_000, shuno_date=date(2022, 1, 31),
                   actor=ACTOR)  # fmt: skip
    assert entries(a) == [(ChoteiKind.TOSHO, 3_400)]
    connection.set_tenant(beta.municipality)
    assert entries(b) == [(ChoteiKind.TOSHO, 6_900)]
    assert Kibetsu.objects.filter(key__startswith=ENTAIKIN_KEY).count() == 1


def test_the_ledger_and_the_taino_case_screens_show_it(world: Any, login: Any) -> None:
    from tests.personas import ALPHA_HOST

    connection.set_tenant(world.alpha.municipality)
    _, (h, *_) = household_tennyu("hayama", members=family(), ido_date=date(2015, 4, 1))
    k = post(h.pk, "s1", 65_000, date(2021, 5, 31))
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    # paid late at the 窓口 screen
    r = clerk.post("/zeimu/shuno/madoguchi/", {"nofu_bango": k.nofu_bango, "amount": "65000",
                                                "shuno_date": "令和4年1月31日"})  # fmt: skip
    assert r.status_code == 302
    ledger = clerk.get(f"/zeimu/shuno/nozeisha/{h.pk}/").content.decode()
    assert "延滞金（第1期）" in ledger and "3,400" in ledger
    case = clerk.get(f"/zeimu/shuno/taino/{h.pk}/").content.decode()
    assert "延滞金（第1期）" in case and "3,400" in case
