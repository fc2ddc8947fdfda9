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
from zeimu.models import Kanpu, Shuno, ShunoKind, Zeimoku
from zeimu.rules.shuno_kanpu import (
    GONO,
    KOSEI,
    KOSEI_SEIKYU,
    SHOTOKUZEI,
    Part,
    kasankin_calculate,
    kisanbi,
    months_passed,
    parts_of,
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


# --- through the ledger ----------------------------------------------------------------------


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
