"""還付 (issue 18 item 3): 充当 first, then 還付 of the rest with 還付加算金 (地方税法第17条の4),
the 還付通知書 read back, and two towns apart.

No worked example with figures was found published for 還付加算金 (searched: municipal FAQ
pages, 国税庁). The expected figures below are computed by hand from the formula and the
rounding the towns publish — 立川市「還付加算金について」
(https://www.city.tachikawa.lg.jp/kurashi/zeikin/1002346/1023019.html: 過誤納金×日数×割合÷365,
基礎 1,000円未満切捨て・2,000円未満なし, 加算金 100円未満切捨て・1,000円未満なし, 令和4〜7年 0.9%),
日野市「令和8年の延滞金と還付加算金の割合が決まりました」
(https://www.city.hino.lg.jp/kurashi/zei/oshirase/1002732.html: 令和8年 1.3%, 起算日の表) —
each step written out in the test.

The part 充当 (第17条の4第1項: 還付加算金 runs to 「充当をした日（同日前に充当をするのに
適することとなつた日がある場合には、当該適することとなつた日）」 — 広島市「還付加算金の算出方法を
教えてください。(FAQID-9999)」 http://www.city.hiroshima.lg.jp/site/shizei-nouhu/2139.html
注3; the 充当適状日 is the later of the debt's 納期限 and the day the 過誤納金 arose,
地方税法施行令第6条の14 as given by 税務研究会 https://www.zeiken.co.jp/hourei/HHCHI000010/6-14.html).
No published worked example of a 充当's 還付加算金 was found either (未確認):
the figures are hand-computed the same way.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from pypdf import PdfReader

from juminkiroku.tests.factories import family, household_tennyu
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.params.services import param_value
from zeimu.forms.notices import Issuer
from zeimu.models import JutoKasan, Kanpu, Kibetsu, Shuno, ShunoKind, Zeimoku
from zeimu.rules.shuno_kanpu import (
    GONO,
    KOSEI,
    KOSEI_SEIKYU,
    SHOTOKUZEI,
    Part,
    juto_tekijo,
    kagono_hassei,
    kasankin_calculate,
    kisanbi,
    months_passed,
    parts_of,
    split_parts,
)
from zeimu.rules.shuno_koza import Account
from zeimu.services.shuno import ShunoRefused, balances, chotei_post, madoguchi_nofu
from zeimu.services.shuno_kanpu import kanpu_decide, kanpu_notices, kanpu_render

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="test")


def post(atena_id: int, key: str, amount: int, ref: str, **kw: Any) -> Any:
    return chotei_post(
        zeimoku=kw.pop("zeimoku", Zeimoku.KOTEIZEI),
        key=key,
        atena_id=atena_id,
        nendo=kw.pop("nendo", 2025),
        ki=kw.pop("ki", 1),
        ki_label=kw.pop("ki_label", "第1期"),
        nouki=kw.pop("nouki", date(2025, 4, 30)),
        amount=amount,
        ref=ref,
        on=kw.pop("on", date(2025, 4, 1)),
        actor=ACTOR,
    )


def pay(p: Any, amount: int, day: date) -> None:
    madoguchi_nofu(nofu_bango=p.nofu_bango, amount=amount, shuno_date=day, actor=ACTOR)


@pytest.fixture
def payer(in_alpha: Any) -> Any:
    _, atenas = household_tennyu("hayama", members=family(), ido_date=date(2020, 4, 1))
    return atenas[0]


# --- the rule ------------------------------------------------------------------------------


def test_kisanbi_of_each_number_of_article_17_4() -> None:
    paid = date(2025, 6, 30)
    # 第1号 更正・決定・賦課決定: 納付の日の翌日
    assert kisanbi(KOSEI, nofu_date=paid) == date(2025, 7, 1)
    # 第4号 誤納: 納付の日の翌日から起算して1月を経過する日（7月31日）の翌日
    assert kisanbi(GONO, nofu_date=paid) == date(2025, 8, 1)
    # 第2号: 請求の翌日から3月を経過する日（8月10日）と更正の翌日から1月を経過する日（10月20日）の
    # いずれか早い日の翌日
    assert kisanbi(
        KOSEI_SEIKYU, nofu_date=paid, seikyu_date=date(2025, 5, 10), jiyu_date=date(2025, 9, 20)
    ) == date(2025, 8, 11)
    # 第3号: 所得税の更正の通知の翌日から1月を経過する日（9月15日）の翌日
    assert kisanbi(SHOTOKUZEI, nofu_date=paid, jiyu_date=date(2025, 8, 15)) == date(2025, 9, 16)
    # 民法第143条: 1月31日から1月 → 2月の末日
    assert months_passed(date(2025, 1, 31), 1) == date(2025, 2, 28)
    with pytest.raises(ValueError, match="更正の請求の日"):
        kisanbi(KOSEI_SEIKYU, nofu_date=paid)


def test_kasankin_across_the_change_of_rate_and_the_roundings(world: Any) -> None:
    # 過誤納金 500,800円, 起算日 令和7年5月1日, 支出決定 令和8年2月27日.
    # 基礎 500,000円 (1,000円未満切捨て).
    # 令和7年5月1日〜12月31日 245日 × 0.9%: 500,000×0.009×245÷365 = 3,020.5… → 3,020
    # 令和8年1月1日〜2月27日   58日 × 1.3%: 500,000×0.013×58÷365  = 1,032.8… → 1,032
    # 計 4,052 → 100円未満切捨て 4,000円
    r = kasankin_calculate(
        parts=[Part(date(2025, 5, 1), 500_800)], kettei_date=date(2026, 2, 27), lookup=param_value
    )
    assert [(s.days, s.base, s.amount) for s in r.segments] == [
        (245, 500_000, 3_020),
        (58, 500_000, 1_032),
    ]
    assert (r.total_raw, r.kasankin) == (4_052, 4_000)
    # 20,000円 for 123 days at 0.9% = 60円: under 1,000円, none
    small = kasankin_calculate(
        parts=[Part(date(2025, 7, 1), 20_000)], kettei_date=date(2025, 10, 31), lookup=param_value
    )
    assert (small.total_raw, small.kasankin) == (60, 0)
    # a 過誤納 under 2,000円 bears none however long
    assert (
        kasankin_calculate(
            parts=[Part(date(2015, 1, 1), 1_999)], kettei_date=date(2025, 1, 1), lookup=param_value
        ).kasankin
        == 0
    )


def test_parts_are_taken_from_the_latest_payment_first() -> None:
    parts = parts_of(
        [(date(2025, 4, 30), 300_000), (date(2025, 7, 31), 300_000)], 500_800, jiyu=KOSEI
    )
    assert parts == [Part(date(2025, 5, 1), 200_800), Part(date(2025, 8, 1), 300_000)]
    with pytest.raises(ValueError, match="納付額を超えて"):
        parts_of([(date(2025, 4, 30), 1_000)], 2_000, jiyu=KOSEI)


def test_juto_tekijo_and_the_day_the_kagono_arose() -> None:
    # paid 4/30 (−600,000 … balance below zero only once the 調定 falls), 更正 to 0 on 9/1
    changes = [(date(2025, 4, 1), 600_000), (date(2025, 4, 30), -600_000),
               (date(2025, 9, 1), -600_000)]  # fmt: skip
    assert kagono_hassei(changes, on=date(2025, 12, 1)) == date(2025, 9, 1)
    assert kagono_hassei(changes, on=date(2025, 8, 31)) is None
    # a payment that made it whole again, then a new 過誤納: the last run counts
    again = [*changes, (date(2025, 10, 1), 600_000), (date(2025, 11, 1), -1)]
    assert kagono_hassei(again, on=date(2025, 12, 1)) == date(2025, 11, 1)
    # 充当適状日: the later of the debt's 納期限 and the day the 過誤納 arose, unless the 充当
    # itself is earlier
    h = date(2025, 9, 1)
    assert juto_tekijo(hassei=h, nouki=date(2025, 2, 28), juto_date=date(2025, 12, 1)) == h
    assert juto_tekijo(hassei=h, nouki=date(2025, 10, 31), juto_date=date(2025, 12, 1)) == date(
        2025, 10, 31
    )
    assert juto_tekijo(hassei=h, nouki=date(2026, 1, 5), juto_date=date(2025, 12, 1)) == date(
        2025, 12, 1
    )
    # the 還付 takes the latest payments, each 充当 then the latest of what is left
    uses = split_parts([(date(2025, 4, 30), 300_000), (date(2025, 7, 31), 300_000)],
                       [350_000, 200_000], jiyu=KOSEI)  # fmt: skip
    assert uses == [
        [Part(date(2025, 5, 1), 50_000), Part(date(2025, 8, 1), 300_000)],
        [Part(date(2025, 5, 1), 200_000)],
    ]


# --- through the ledger ----------------------------------------------------------------------


def test_kasankin_on_the_parts_juto_runs_to_the_juto_tekijo_date(payer: Any) -> None:
    # given: 固定資産税 令和7年度第1期 1,500,000円 paid on its 納期限 4/30, 減額更正 to 0 on 9/1
    # (the 過誤納 arises that day); two unpaid debts of the same taxpayer: 軽自動車税 due
    # 令和7年2月28日 400,000円 and 個人住民税 due 令和7年10月31日 600,000円
    a = post(payer.pk, "kei24", 400_000, "a", zeimoku=Zeimoku.KEIJIDOSHA, nendo=2024,
             nouki=date(2025, 2, 28), on=date(2024, 5, 1))  # fmt: skip
    b = post(payer.pk, "jum25:3", 600_000, "b", zeimoku=Zeimoku.JUMINZEI, ki=3,
             nouki=date(2025, 10, 31))  # fmt: skip
    k = post(payer.pk, "k25:1", 1_500_000, "t")
    pay(k, 1_500_000, date(2025, 4, 30))
    post(payer.pk, "k25:1", 0, "kosei", on=date(2025, 9, 1))
    # when: decided on 令和7年12月1日
    out = kanpu_decide(kibetsu_id=k.kibetsu_id, kettei_date=date(2025, 12, 1),
                       shiharai_hoho="madoguchi", shiharai_date=date(2025, 12, 5), jiyu=KOSEI,
                       actor=ACTOR)  # fmt: skip
    # then: 400,000 to the 軽自動車税, 600,000 to the 住民税 (本税 first, 地方税法第17条の2第3項),
    # then the 延滞金 of the 軽自動車税, paid off by the 充当 with its 充当適状日 9/1 (the 過誤納
    # arose after its 納期限 2/28): 400,000×2.4%×31÷365 = 815 (3/1〜3/31) + 400,000×8.7%×154÷365
    # = 14,683 (4/1〜9/1) = 15,498 → 15,400円; the 住民税's 充当適状日 is its 納期限: none.
    # 1,500,000 − 1,015,400 = 484,600 paid back
    ent = Kibetsu.objects.get(key=f"entaikin:{a.kibetsu_id}")
    assert (ent.zeimoku, ent.nouki, ent.ki_label) == (Zeimoku.KEIJIDOSHA, date(2025, 2, 28),
                                                      "延滞金（第1期）")  # fmt: skip
    assert [(j.to_kibetsu_id, j.amount, j.entaikin) for j in out.juto] == [
        (a.kibetsu_id, 400_000, False),
        (b.kibetsu_id, 600_000, False),
        (ent.pk, 15_400, True),
    ]
    assert out.kanpu is not None and out.kanpu.amount == 484_600
    # 起算日 令和7年5月1日 (第1号: 納付の日の翌日), 0.9% (令和7年)
    # 還付 484,600 → 484,000: 5/1〜12/1 215日: 484,000×0.009×215÷365 = 2,565.8… → 2,500円
    assert out.kanpu.kasankin == 2_500
    jk = {j.to_kibetsu_id: j for j in JutoKasan.objects.all()}
    # 軽自動車税 (due 2/28): 充当適状日 = 9/1 (the 過誤納 arose after its 納期限);
    # 5/1〜9/1 124日: 400,000×0.009×124÷365 = 1,223.0… → 1,223 → 1,200円
    ja = jk[a.kibetsu_id]
    assert (ja.hassei_date, ja.tekijo_date, ja.amount) == (
        date(2025, 9, 1),
        date(2025, 9, 1),
        400_000,
    )
    assert ja.kasankin == 1_200
    # 住民税 (due 10/31): 充当適状日 = 10/31 (its 納期限, later than 9/1);
    # 5/1〜10/31 184日: 600,000×0.009×184÷365 = 2,722.1… → 2,722 → 2,700円
    jb = jk[b.kibetsu_id]
    assert (jb.tekijo_date, jb.kasankin) == (date(2025, 10, 31), 2_700)
    assert jb.kasan_detail == [{"kisanbi": "2025-05-01", "amount": 600_000}]
    # the 延滞金's 充当適状日 is its 本税's (施行令第6条の14): 9/1; 15,000×0.009×124÷365 = 45
    # → under 1,000円: none
    je = jk[ent.pk]
    assert (je.tekijo_date, je.kasankin) == (date(2025, 9, 1), 0)
    assert ja.kanpu_id == jb.kanpu_id == je.kanpu_id == out.kanpu.pk
    # the notice: the 還付 and the 充当's 加算金, paid together (484,600 + 2,500 + 1,200 + 2,700)
    pdf = kanpu_render(kanpu_notices([out.kanpu]), issuer=Issuer("葉山町", "神奈川県"))
    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
    for want in ("充当した額", "1,015,400円", "充当分の還付加算金", "3,900円", "491,000円"):
        assert want in text, want
    # the ledger: each debt and the 延滞金 paid, the 期別 back to zero
    bal = balances([a.kibetsu_id, b.kibetsu_id, k.kibetsu_id, ent.pk])
    assert {i: v.zan for i, v in bal.items()} == {a.kibetsu_id: 0, b.kibetsu_id: 0,
                                                 k.kibetsu_id: 0, ent.pk: 0}  # fmt: skip


def test_a_juto_that_takes_everything_records_its_kasankin_without_a_kanpu(payer: Any) -> None:
    a = post(payer.pk, "kei24", 2_000_000, "a", zeimoku=Zeimoku.KEIJIDOSHA, nendo=2024,
             nouki=date(2025, 2, 28), on=date(2024, 5, 1))  # fmt: skip
    k = post(payer.pk, "k25:1", 1_500_000, "t")
    pay(k, 1_500_000, date(2025, 4, 30))
    post(payer.pk, "k25:1", 0, "kosei", on=date(2025, 9, 1))
    out = kanpu_decide(kibetsu_id=k.kibetsu_id, kettei_date=date(2025, 12, 1),
                       shiharai_hoho="madoguchi", shiharai_date=date(2025, 12, 5), jiyu=KOSEI,
                       actor=ACTOR)  # fmt: skip
    assert out.kanpu is None and [(j.to_kibetsu_id, j.amount) for j in out.juto] == [
        (a.kibetsu_id, 1_500_000)
    ]
    # 5/1〜9/1 124日: 1,500,000×0.009×124÷365 = 4,586.3… → 4,586 → 4,500円, waiting to be paid
    (jk,) = JutoKasan.objects.all()
    assert (jk.tekijo_date, jk.kasankin, jk.kanpu_id) == (date(2025, 9, 1), 4_500, None)
    assert AccessLog.objects.filter(record_type="zeimu.Kibetsu", record_id=str(k.kibetsu_id),
                                    screen="還付の決定").exists()  # fmt: skip


def test_kanpu_after_juto_with_kasankin_and_the_notice(payer: Any) -> None:
    # given: 固定資産税 第1期 600,000円 paid in two parts, then 減額更正 to 99,200円; an older
    # unpaid 期別 of 10,000円 of the same taxpayer
    old = post(payer.pk, "k24:4", 10_000, "o", nendo=2024, ki=4, nouki=date(2025, 2, 28))
    k = post(payer.pk, "k25:1", 600_000, "t")
    pay(k, 300_000, date(2025, 4, 30))
    pay(k, 300_000, date(2025, 7, 31))
    post(payer.pk, "k25:1", 99_200, "kosei", on=date(2025, 12, 1))
    # when
    out = kanpu_decide(
        kibetsu_id=k.kibetsu_id,
        kettei_date=date(2026, 2, 27),
        shiharai_hoho="koza",
        shiharai_date=date(2026, 3, 10),
        jiyu=KOSEI,
        account=Account("0138", "001", "1", "1234567", "ﾔﾏﾀﾞ ﾀﾛｳ"),
        actor=ACTOR,
    )
    # then: 10,000 to the old debt (第17条の2), 490,800 paid back
    assert [(j.to_kibetsu_id, j.amount) for j in out.juto] == [(old.kibetsu_id, 10_000)]
    kanpu = out.kanpu
    assert kanpu is not None and kanpu.amount == 490_800
    # parts: the 7月31日 payment (300,000, from 8月1日) then 190,800 of the 4月30日 one (from
    # 5月1日). 5/1–7/31 92日 base 190,000: 190,000×0.009×92÷365 = 431.0… → 431;
    # 8/1–12/31 153日 base 490,000: 490,000×0.009×153÷365 = 1,848.6… → 1,848;
    # 令和8年 58日 × 1.3%: 490,000×0.013×58÷365 = 1,012.2… → 1,012; 計 3,291 → 3,200円
    assert kanpu.kasan_detail == [
        {"kisanbi": "2025-05-01", "amount": 190_800},
        {"kisanbi": "2025-08-01", "amount": 300_000},
    ]
    assert kanpu.kasankin == 3_200
    bal = balances([k.kibetsu_id, old.kibetsu_id])
    assert bal[k.kibetsu_id].zan == 0 and bal[old.kibetsu_id].zan == 0
    entry = Shuno.objects.get(pk=kanpu.shuno_id)
    assert (entry.kind, entry.amount) == (ShunoKind.KANPU, -490_800)
    assert AccessLog.objects.filter(record_type="zeimu.Kanpu", record_id=str(kanpu.pk)).exists()
    # the 還付通知書, read back
    pdf = kanpu_render(kanpu_notices([kanpu]), issuer=Issuer("葉山町", "神奈川県"))
    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
    for want in ("過誤納金還付通知書", "490,800円", "3,200円", "494,000円", "令和8年3月10日",
                 "口座振込", "葉山町長"):  # fmt: skip
        assert want in text, want
    assert "1234567" not in text  # the account number is masked
    # a second decision finds nothing left
    with pytest.raises(ShunoRefused, match="過誤納金はありません"):
        kanpu_decide(kibetsu_id=k.kibetsu_id, kettei_date=date(2026, 2, 27),
                     shiharai_hoho="madoguchi", shiharai_date=date(2026, 3, 10), jiyu=KOSEI,
                     actor=ACTOR)  # fmt: skip


def test_refused_inputs_write_nothing(payer: Any) -> None:
    k = post(payer.pk, "a", 10_000, "a")
    pay(k, 15_000, date(2025, 4, 30))
    before = Shuno.objects.count()
    with pytest.raises(ShunoRefused, match="口座番号は7桁"):
        kanpu_decide(kibetsu_id=k.kibetsu_id, kettei_date=date(2025, 6, 1),
                     shiharai_hoho="koza", shiharai_date=date(2025, 6, 5), jiyu=KOSEI,
                     account=Account("0138", "001", "1", "12345", "ﾔﾏﾀﾞ"), actor=ACTOR)  # fmt: skip
    with pytest.raises(ShunoRefused, match="支払日は還付決定日以後"):
        kanpu_decide(kibetsu_id=k.kibetsu_id, kettei_date=date(2025, 6, 1),
                     shiharai_hoho="madoguchi", shiharai_date=date(2025, 5, 1), jiyu=KOSEI,
                     actor=ACTOR)  # fmt: skip
    assert Shuno.objects.count() == before and not Kanpu.objects.exists()


def test_two_towns_never_meet(alpha: Any, beta: Any) -> None:
    connection.set_tenant(alpha.municipality)
    _, (pa, *_) = household_tennyu("hayama", members=family(), ido_date=date(2020, 4, 1))
    k = post(pa.pk, "a", 10_000, "a")
    pay(k, 15_000, date(2025, 4, 30))
    connection.set_tenant(beta.municipality)
    # 寒川町 cannot decide a 還付 of 葉山町's 期別 (its id names nothing there)
    with pytest.raises(ShunoRefused, match="この期別はありません"):
        kanpu_decide(kibetsu_id=k.kibetsu_id, kettei_date=date(2025, 6, 1),
                     shiharai_hoho="madoguchi", shiharai_date=date(2025, 6, 5), jiyu=KOSEI,
                     actor=ACTOR)  # fmt: skip
    assert not Kanpu.objects.exists() and not Shuno.objects.exists()
    assert not JutoKasan.objects.exists()
    connection.set_tenant(alpha.municipality)
    assert balances([k.kibetsu_id])[k.kibetsu_id].zan == -5_000
    out = kanpu_decide(kibetsu_id=k.kibetsu_id, kettei_date=date(2025, 6, 1),
                       shiharai_hoho="madoguchi", shiharai_date=date(2025, 6, 5), jiyu=KOSEI,
                       actor=ACTOR)  # fmt: skip
    assert out.kanpu is not None and out.kanpu.amount == 5_000 and out.kanpu.kasankin == 0
    # the meter counts the town's own decisions
    from zeimu.meters import kanpu_between

    assert kanpu_between(date(2025, 4, 1), date(2026, 3, 31)) == 1
    assert kanpu_between(date(2025, 6, 2), date(2026, 3, 31)) == 0
    connection.set_tenant(beta.municipality)
    assert not Kanpu.objects.exists()
    assert kanpu_between(date(2025, 4, 1), date(2026, 3, 31)) == 0


def test_two_towns_each_keep_their_own_juto_kasankin(alpha: Any, beta: Any) -> None:
    # given: in 葉山町 a 過誤納 of 1,500,000円 and an older debt it is 充当 to
    connection.set_tenant(alpha.municipality)
    _, (pa, *_) = household_tennyu("hayama", members=family(), ido_date=date(2020, 4, 1))
    post(pa.pk, "kei24", 2_000_000, "a", zeimoku=Zeimoku.KEIJIDOSHA, nendo=2024,
         nouki=date(2025, 2, 28), on=date(2024, 5, 1))  # fmt: skip
    k = post(pa.pk, "k25:1", 1_500_000, "t")
    pay(k, 1_500_000, date(2025, 4, 30))
    post(pa.pk, "k25:1", 0, "kosei", on=date(2025, 9, 1))
    # 寒川町 cannot decide it (the id names nothing there), and writes nothing
    connection.set_tenant(beta.municipality)
    with pytest.raises(ShunoRefused, match="この期別はありません"):
        kanpu_decide(kibetsu_id=k.kibetsu_id, kettei_date=date(2025, 12, 1),
                     shiharai_hoho="madoguchi", shiharai_date=date(2025, 12, 5), jiyu=KOSEI,
                     actor=ACTOR)  # fmt: skip
    assert not JutoKasan.objects.exists() and not Shuno.objects.exists()
    # 葉山町 decides it: its 充当's 加算金 (4,500円) is recorded in 葉山町 only
    connection.set_tenant(alpha.municipality)
    kanpu_decide(kibetsu_id=k.kibetsu_id, kettei_date=date(2025, 12, 1),
                 shiharai_hoho="madoguchi", shiharai_date=date(2025, 12, 5), jiyu=KOSEI,
                 actor=ACTOR)  # fmt: skip
    assert list(JutoKasan.objects.values_list("kasankin", flat=True)) == [4_500]
    connection.set_tenant(beta.municipality)
    assert not JutoKasan.objects.exists()
