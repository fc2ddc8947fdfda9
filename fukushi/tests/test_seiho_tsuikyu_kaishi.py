"""SH-17 (開始 after the run) and SH-68 (第78条の2 from a 追給).

A 保護開始 decided after the month's payment run — and after the next month's — is paid as a
追給 in each month, once: the 日割 of the 開始 month (the run's own figure) and the whole
next month; made again, nothing twice; the 追給's 全銀協 file carries it; the 保護決定通知書
(PDF read back) states the 追給. A 再開 decided after the run is paid the same way, and a
household's 第78条の2 申出 takes its monthly amount from it (posted to the 収納 ledger); a
追給 paid in a month whose line already took the 申出's amount takes nothing. 寒川町 sees
and pays nothing of 葉山町's; a clerk without the grant gets 404.

Figures: 高齢単身（65歳）1級地-1, 令和8年7・8月: 76,880円 a month = 31 × 2,480円
(test_seiho_cases.py::test_monthly_payment_file_and_notice; test_seiho_hiwari.py proves the
日割 2,480円 × 日数). No published worked example of a 追給 for a 開始 decided after the run
was found: the figures are the 日割 rule's (SH-25, its rounding 未確認). The 上限 10,000円 is
this test's town value (the ministry's 目安 was not found: 未確認).
"""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.models import (
    HenkanHo,
    SeihoCase,
    SeihoChosei,
    SeihoKettei,
    SeihoShikyuLine,
    SeihoTsuikyu,
    TsuikyuShubetsu,
)
from fukushi.printjobs_seiho import tsuchi_render
from fukushi.services.seiho import (
    MemberInput,
    Setai,
    seiho_kaishi,
    seiho_saikai,
    seiho_shikyu_make,
    seiho_teishi,
)
from fukushi.services.seiho_chosei import seiho_chosei_moshide
from fukushi.services.seiho_henkan import seiho_henkan_kettei
from fukushi.services.seiho_madoguchi import tsuikyu_furikomi_file, tsuikyu_make
from fukushi.tests.factories import ACTOR, kaishi
from fukushi.tests.test_seiho_cases import BASE, JUNE, _irainin, household
from fukushi.tests.test_seiho_chosei import _jogen, _shuno
from fukushi.tests.test_seiho_henkan import _input
from fukushi.tests.test_seiho_madoguchi import _henko
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.testing.pdf import pdf_pages, squash
from tenants.zengin import read_sogo_furikomi

pytestmark = pytest.mark.django_db

JULY, AUGUST, SEPTEMBER = date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1)
SETAI = Setai(kyuchi="1-1", toki_ku="6")


def _account(case_id: int) -> None:
    SeihoCase.objects.filter(pk=case_id).update(
        kinyu_kikan="0009", shiten="123", yokin_shumoku="1", koza_bango=f"{6000000 + case_id:07d}",
        meigi_kana="ﾂｲｷﾕｳ ｲﾁ",
    )  # fmt: skip


def _late_kaishi(cap, atena, *, kaishi_date: date, kettei_date: date) -> SeihoKettei:
    with cap(execute=True):
        k = seiho_kaishi(
            nushi_atena_id=atena.pk,
            members=[MemberInput(atena_id=atena.pk)],
            setai=SETAI,
            fujo=["seikatsu"],
            kaishi_date=kaishi_date,
            kettei_date=kettei_date,
            riyu="生活困窮（申請日から）",
            actor=ACTOR,
        )
    _account(k.case_id)
    return k


def test_kaishi_after_two_runs_is_paid_once_per_month_in_two_towns(
    alpha, beta, login, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(alpha.municipality)
    (old,) = household("hayama", [65], JUNE, surname="既存")
    (new,) = household("hayama", [65], JUNE, surname="遅開始")
    k_old = kaishi(cap, [old], day=JUNE)
    # given: the July run (made 7月1日, paid 7月3日) and the August run (paid 8月3日)
    july = seiho_shikyu_make(month=JULY, furikomi_date=date(2026, 7, 3), actor=ACTOR)
    august = seiho_shikyu_make(month=AUGUST, furikomi_date=date(2026, 8, 3), actor=ACTOR)
    assert SeihoShikyuLine.objects.filter(shikyu=july).count() == 1
    # when: a 開始 from 7月11日 (the 申請日) is decided on 8月5日, after both runs
    k_new = _late_kaishi(cap, new, kaishi_date=date(2026, 7, 11), kettei_date=date(2026, 8, 5))
    made_july = tsuikyu_make(run=july, shikyu_date=date(2026, 8, 10), actor=ACTOR)
    made_aug = tsuikyu_make(run=august, shikyu_date=date(2026, 8, 10), actor=ACTOR)
    # then: July pays 11〜31日 = 21日 × 2,480円 = 52,080円; August the whole 76,880円
    assert [(t.case_id, t.kettei_id, t.shubetsu, t.nissu, t.amount, t.chosei, t.furikomi)
            for t in made_july] == [
        (k_new.case_id, k_new.pk, TsuikyuShubetsu.KAISHI, 21, 52_080, 0, True)
    ]  # fmt: skip
    assert made_july[0].uchiwake == (
        "保護開始（令和8年7月11日から、支給の作成後に決定）："
        "生活扶助（加算を含む）76,880円×21日÷31日＝52,080円、住宅扶助 0円"
    )
    assert [(t.case_id, t.nissu, t.amount, t.uchiwake) for t in made_aug] == [
        (k_new.case_id, 31, 76_880,
         "保護開始（令和8年7月11日から、支給の作成後に決定）：令和8年8月分 1か月 76,880円")
    ]  # fmt: skip
    # made again (another day): nothing twice; the old case got no 追給
    assert tsuikyu_make(run=july, shikyu_date=date(2026, 8, 20), actor=ACTOR) == []
    assert tsuikyu_make(run=august, shikyu_date=date(2026, 8, 20), actor=ACTOR) == []
    assert SeihoTsuikyu.objects.count() == 2
    assert not SeihoTsuikyu.objects.filter(case_id=k_old.case_id).exists()
    # the 追給's 全銀協 file of 8月10日 for July carries 52,080円 to the new case's account
    _irainin(2026)
    data, ids = tsuikyu_furikomi_file(july, date(2026, 8, 10))
    assert ids == [k_new.case_id]
    body = [r.fields for r in read_sogo_furikomi(data) if r.kind == "data"]
    assert [b["amount"] for b in body] == [52_080]
    # September's run pays the case as any other
    september = seiho_shikyu_make(month=SEPTEMBER, furikomi_date=date(2026, 9, 3), actor=ACTOR)
    assert SeihoShikyuLine.objects.get(shikyu=september, case_id=k_new.case_id).amount == 76_880
    # the 保護開始決定通知書 states both 追給
    text = squash("".join(pdf_pages(tsuchi_render([SeihoKettei.objects.get(pk=k_new.pk)]))))
    for words in ("令和8年7月分の追給（令和8年8月10日支給）", "52,080円",
                  "令和8年8月分の追給（令和8年8月10日支給）", "76,880円"):  # fmt: skip
        assert squash(words) in text, words
    case_no = k_new.case.case_no

    # 寒川町: its own runs and 追給 know nothing of 葉山町's case
    connection.set_tenant(beta.municipality)
    (b,) = household("samukawa", [65], JUNE, surname="寒川")
    kaishi(cap, [b], day=JUNE)
    july_b = seiho_shikyu_make(month=JULY, furikomi_date=date(2026, 7, 3), actor=ACTOR)
    assert tsuikyu_make(run=july_b, shikyu_date=date(2026, 8, 10), actor=ACTOR) == []
    assert SeihoTsuikyu.objects.count() == 0

    # the screen: a clerk without the grant gets 404 and writes nothing; the caseworker sees
    # the kind of 追給 and the days
    connection.set_schema_to_public()
    url = f"{BASE}/shikyu/{july.pk}/tsuikyu/"
    cl = login("hayama-clerk", alpha.host)
    assert cl.get(url).status_code == 404
    assert cl.post(url, {"shikyu_date": "令和8年8月25日"}).status_code in (403, 404)
    w = login("hayama-shinsa", alpha.host)
    assert (
        w.post(f"{BASE}/shikyu/{july.pk}/mokuteki/", {"mokuteki": "追給の確認"}).status_code == 302
    )
    page = w.get(url).content.decode()
    assert case_no in page and "支給の作成後に決定した保護の月分" in page and "52,080円" in page
    connection.set_tenant(alpha.municipality)
    assert SeihoTsuikyu.objects.count() == 2
    assert AccessLog.objects.filter(
        username="hayama-shinsa", screen="fukushi.seiho_tsuikyu", purpose="追給の確認"
    ).exists()


def test_saikai_after_the_run_pays_a_tsuikyu_less_the_78_2_deduction(
    alpha, beta, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(alpha.municipality)
    _jogen(10_000)
    (s,) = household("hayama", [65], JUNE, surname="再開")
    (c,) = household("hayama", [65], JUNE, surname="変更")
    k_s = kaishi(cap, [s], day=JUNE)
    _account(k_s.case_id)
    with cap(execute=True):
        k_c = seiho_kaishi(
            nushi_atena_id=c.pk, members=[MemberInput(atena_id=c.pk, sonota_shunyu=20_000)],
            setai=SETAI, fujo=["seikatsu"], kaishi_date=JUNE, kettei_date=JUNE,
            riyu="生活困窮", actor=ACTOR,
        )  # fmt: skip
    _account(k_c.case_id)
    kettei = {"kettei_date": date(2026, 6, 20), "kikan_from": JUNE, "kikan_to": date(2026, 6, 15)}
    choshu = []
    for k in (k_s, k_c):
        # 第78条: 100,000円 + 40% = 140,000円 in 2 期 of 70,000円
        h = seiho_henkan_kettei(
            case_id=k.case_id,
            data=_input(ho=HenkanHo.CHOSHU_78, hogo_kingaku=100_000, choshu_gaku=100_000,
                        kasan_ritsu=40, kaisu=2, first_nouki=date(2026, 6, 30), **kettei),
            actor=ACTOR,
        )  # fmt: skip
        choshu.append(
            seiho_chosei_moshide(
                case_id=k.case_id,
                henkan_id=h.pk,
                moshide_date=date(2026, 6, 25),
                kaishi_month=JULY,
                getsugaku=8_000,
                actor=ACTOR,
            )
        )
    # S is stopped for the whole of July before the run; C's line pays 56,880 − 8,000
    seiho_teishi(case_id=k_s.case_id, tekiyo_date=JULY, kettei_date=date(2026, 6, 28),
                 riyu="収入の一時的な増", actor=ACTOR)  # fmt: skip
    july = seiho_shikyu_make(month=JULY, furikomi_date=date(2026, 7, 3), actor=ACTOR)
    lines = {
        ln.case_id: (ln.amount, ln.chosei) for ln in SeihoShikyuLine.objects.filter(shikyu=july)
    }
    assert lines == {k_c.case_id: (48_880, 8_000)}
    # after the run: S's 保護 is resumed from 7月21日; C's income ends from 7月17日
    saikai = seiho_saikai(case_id=k_s.case_id, tekiyo_date=date(2026, 7, 21),
                          kettei_date=date(2026, 7, 22), riyu="収入の減", actor=ACTOR)  # fmt: skip
    henko = _henko(cap, k_c, income=0, tekiyo=date(2026, 7, 17), kettei=date(2026, 7, 22))
    made = {
        t.case_id: t for t in tsuikyu_make(run=july, shikyu_date=date(2026, 7, 24), actor=ACTOR)
    }
    # S: 21〜31日 = 11日 × 2,480円 = 27,280円; the 申出 takes 8,000円 (July had no line): 19,280円
    t_s = made[k_s.case_id]
    assert (t_s.kettei_id, t_s.shubetsu, t_s.nissu, t_s.amount, t_s.chosei) == (
        saikai.pk, TsuikyuShubetsu.KAISHI, 11, 19_280, 8_000)  # fmt: skip
    assert t_s.uchiwake.startswith("保護再開（令和8年7月21日から、支給の作成後に決定）")
    # C: 20,000円 × 15日 ÷ 31日 = 9,677.4… → 9,678円; July's line already took the 申出's
    # 8,000円: nothing more is taken from the 追給
    t_c = made[k_c.case_id]
    assert (t_c.kettei_id, t_c.shubetsu, t_c.amount, t_c.chosei) == (
        henko.pk, TsuikyuShubetsu.HENKO, 9_678, 0)  # fmt: skip
    # the ledger: S's 第78条 第1期 received 8,000円 from the 追給, C's from the line
    assert ("seiho78", "第1期", 8_000, 62_000) in _shuno(s.pk)
    assert ("seiho78", "第1期", 8_000, 62_000) in _shuno(c.pk)
    cs = SeihoChosei.objects.get(pk=choshu[0].pk)
    assert [(r.kind, r.naiyo, r.choshu_month, r.gaku) for r in cs.rireki.all()][-1] == (
        "徴収", "令和8年7月1日分の追給から8,000円（残 132,000円）", JULY, 8_000)  # fmt: skip
    # the 全銀協 file of the 追給 pays the rest
    _irainin(2026)
    data, _ids = tsuikyu_furikomi_file(july, date(2026, 7, 24))
    body = [r.fields for r in read_sogo_furikomi(data) if r.kind == "data"]
    assert sorted(b["amount"] for b in body) == [9_678, 19_280]
    # the 再開 決定通知書 states the 追給 and the deduction
    text = squash("".join(pdf_pages(tsuchi_render([SeihoKettei.objects.get(pk=saikai.pk)]))))
    for words in ("令和8年7月分の追給（令和8年7月24日支給）", "27,280円",
                  "保護費からの徴収（生活保護法第78条の2）8,000円", "支給額19,280円"):  # fmt: skip
        assert squash(words) in text, words
    # August: the line takes 8,000円 again (a new month)
    august = seiho_shikyu_make(month=AUGUST, furikomi_date=date(2026, 8, 3), actor=ACTOR)
    ln = SeihoShikyuLine.objects.get(shikyu=august, case_id=k_s.case_id)
    assert (ln.amount, ln.chosei) == (68_880, 8_000)

    # 寒川町: nothing of 葉山町's 申出 or 追給
    connection.set_tenant(beta.municipality)
    assert SeihoChosei.objects.count() == 0 and SeihoTsuikyu.objects.count() == 0


def test_a_henko_decided_two_runs_late_is_paid_in_each_month_once(
    alpha, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(alpha.municipality)
    (a,) = household("hayama", [65], JUNE, surname="遅変更")
    with cap(execute=True):
        k = seiho_kaishi(
            nushi_atena_id=a.pk, members=[MemberInput(atena_id=a.pk, sonota_shunyu=20_000)],
            setai=SETAI, fujo=["seikatsu"], kaishi_date=JUNE, kettei_date=JUNE,
            riyu="生活困窮", actor=ACTOR,
        )  # fmt: skip
    july = seiho_shikyu_make(month=JULY, furikomi_date=date(2026, 7, 3), actor=ACTOR)
    august = seiho_shikyu_make(month=AUGUST, furikomi_date=date(2026, 8, 3), actor=ACTOR)
    # given: both runs paid 76,880 − 20,000 = 56,880円; the income ended on 7月1日, decided 8月5日
    assert {ln.amount for ln in SeihoShikyuLine.objects.filter(case_id=k.case_id)} == {56_880}
    henko = _henko(cap, k, income=0, tekiyo=JULY, kettei=date(2026, 8, 5))
    # when / then: each month's 追給 pays the 20,000円 of that month, once
    for run in (july, august):
        made = tsuikyu_make(run=run, shikyu_date=date(2026, 8, 10), actor=ACTOR)
        assert [(t.kettei_id, t.shubetsu, t.amount, t.nissu) for t in made] == [
            (henko.pk, TsuikyuShubetsu.HENKO, 20_000, 31)
        ]
        assert tsuikyu_make(run=run, shikyu_date=date(2026, 8, 11), actor=ACTOR) == []
    assert SeihoTsuikyu.objects.filter(case_id=k.case_id).count() == 2
