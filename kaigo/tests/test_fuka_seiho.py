"""生活保護 in the 第1号保険料 (介護保険法施行令第39条第1項第1号ロ): a 被保護者 is at the
第1段階 from the month that holds the 保護開始日 up to the month before the one holding the
廃止日 (kaigo.rules.hokenryo_hogo); the 本算定 reads it from 福祉's public face, a 保護開始
or 廃止 after the 本算定 corrects the year once through the 更正 path (a new version, with
history), a redelivered event changes nothing, and 寒川町 is never touched. The 負担割合 and
the 負担限度額 read the same fact instead of a typed flag."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from fukushi.tests.factories import haishi, kaishi
from kaigo.fuka_jobs import HONSANTEI
from kaigo.models import FukaKoseiCause, FukaSantei, GendogakuStatus, KaigoFuka, KaigoKoseiKoho
from kaigo.rules.hokenryo_hogo import hihogo_months
from kaigo.services.futan import futan_hantei, futan_params, futan_prepare, futan_taishosha
from kaigo.services.futan_gendogaku import gendogaku_hantei_run, gendogaku_shinsei
from kaigo.tests.fuka_helpers import ACTOR, alone, hikazei, run_job, set_table
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.events.models import Delivery, DeliveryStatus, DomainEvent
from tenants.events.tasks import deliver_event
from zeimu.tests.factories import kazei_set

pytestmark = pytest.mark.django_db

FY = 2026
OWED = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)


@pytest.mark.parametrize(
    ("kikan", "months"),
    [
        # 開始 on the last day of September: September is at the 第1段階
        ([(date(2026, 9, 30), None)], (9, 10, 11, 12, 1, 2, 3)),
        # 開始 on the first or the 15th of October: from October
        ([(date(2026, 10, 1), None)], (10, 11, 12, 1, 2, 3)),
        ([(date(2026, 10, 15), None)], (10, 11, 12, 1, 2, 3)),
        # 廃止 on 1 January (no 保護 in January): up to December
        ([(date(2026, 10, 15), date(2027, 1, 1))], (10, 11, 12)),
        # 廃止 on 31 December: December is the month of 廃止, back to the 段階 of the 賦課期日
        ([(date(2026, 10, 15), date(2026, 12, 31))], (10, 11)),
        # 保護 since before the 年度, 廃止 after it: the whole year
        ([(date(2020, 5, 1), date(2027, 4, 1))], OWED),
        # 廃止 before the 年度: nothing; two periods: both
        ([(date(2020, 5, 1), date(2026, 4, 1))], ()),
        ([(date(2026, 4, 1), date(2026, 6, 1)), (date(2027, 3, 1), None)], (4, 5, 3)),
    ],
)
def test_months_at_dai1_by_hogo(kikan: list[tuple[date, date | None]], months: tuple[int, ...]):
    assert hihogo_months(OWED, FY, kikan) == months


def test_hogo_months_only_among_the_months_owed():
    # a person insured from September (turning 65) under 保護 since 2025
    assert hihogo_months(OWED[5:], FY, [(date(2025, 1, 1), None)]) == OWED[5:]


def _redeliver(name: str, subscriber: str) -> None:
    event = DomainEvent.objects.get(name=name)
    delivery = Delivery.objects.get(event=event, subscriber=subscriber)
    assert delivery.status == DeliveryStatus.DONE
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.PENDING)
    deliver_event.apply(args=[event.pk, subscriber])


def _versions(atena_id: int) -> list[tuple[int, str, bool, int, int, str]]:
    return [
        (f.version, f.santei, f.is_current, f.dankai, f.hokenryo, f.cause)
        for f in KaigoFuka.objects.filter(fiscal_year=FY, atena_id=atena_id).order_by("version")
    ]


def test_honsantei_puts_hihogosha_at_dai1_by_month(alpha, beta, django_capture_on_commit_callbacks):
    cap = django_capture_on_commit_callbacks
    # given 寒川町 with a 非課税 person, not 被保護
    connection.set_tenant(beta.municipality)
    set_table()
    other = alone(cap, "寒川　太郎", "サムカワ　タロウ", "1950-04-10", town="samukawa")
    hikazei(other.pk, FY, 1_000_000)
    # and in 葉山町: A 課税 (第6段階) under 保護 from the 賦課期日, B 非課税 (第2段階: 100万円 of
    # pension, over 82.65万円) whose 保護 began on 31 May, C the same with 保護 from 1 June
    connection.set_tenant(alpha.municipality)
    set_table()
    a = alone(cap, "保護　継続", "ホゴ　ケイゾク", "1945-04-10")
    b = alone(cap, "保護　五月", "ホゴ　ゴガツ", "1946-04-10")
    c = alone(cap, "保護　六月", "ホゴ　ロクガツ", "1947-04-10")
    kazei_set(a.pk, FY, sonota=1_000_000)
    hikazei(b.pk, FY, 1_000_000)
    hikazei(c.pk, FY, 1_000_000)
    kaishi(cap, [a], day=date(2026, 4, 1))
    kaishi(cap, [b], day=date(2026, 5, 31))
    kaishi(cap, [c], day=date(2026, 6, 1))
    # when the 本算定 of 令和8年度 runs
    assert run_job(cap, HONSANTEI, fiscal_year=FY, kijun_date="2026-07-01").status == "succeeded"
    # then A is at the 第1段階 the whole year (島田市: 17,100円)
    fa = KaigoFuka.objects.get(atena_id=a.pk)
    assert (fa.dankai, fa.hokenryo, fa.tsukisu) == (1, 17_100, 12)
    assert fa.detail["result"]["riyu"] == "生活保護の被保護者"
    assert fa.detail["input"]["seiho_months"] == list(OWED)
    # B: April at the 第2段階 (26,100 × 1/12 = 2,175), May to March at the 第1段階
    # (17,100 × 11/12 = 15,675): 17,850円
    fb = KaigoFuka.objects.get(atena_id=b.pk)
    assert (fb.dankai, fb.hokenryo) == (1, 2_175 + 15_675)
    assert [
        (p["dankai"], p["months"], p["hokenryo"]) for p in fb.detail["result"]["tsukiwari"]
    ] == [
        (2, [4], 2_175),
        (1, [5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3], 15_675),
    ]
    assert sum(k["amount"] for k in fb.kibetsu) == 17_850
    # C: April and May at the 第2段階 (4,350), June on at the 第1段階 (14,250)
    fc = KaigoFuka.objects.get(atena_id=c.pk)
    assert (fc.dankai, fc.hokenryo) == (1, 4_350 + 14_250)
    # 寒川町: its own person at the 第2段階, and none of 葉山町's 保護 read
    connection.set_tenant(beta.municipality)
    assert not KaigoFuka.objects.exists()
    assert run_job(cap, HONSANTEI, fiscal_year=FY).status == "succeeded"
    fo = KaigoFuka.objects.get()
    assert (fo.atena_id, fo.dankai, fo.hokenryo) == (other.pk, 2, 26_100)
    assert "seiho_months" not in fo.detail["input"]


def test_kaishi_and_haishi_after_honsantei_correct_once_with_history(
    alpha, beta, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    # given both towns assessed for 令和8年度, a 第2段階 person in each
    connection.set_tenant(beta.municipality)
    set_table()
    other = alone(cap, "寒川　太郎", "サムカワ　タロウ", "1950-04-10", town="samukawa")
    hikazei(other.pk, FY, 1_000_000)
    run_job(cap, HONSANTEI, fiscal_year=FY, kijun_date="2026-07-01")
    connection.set_tenant(alpha.municipality)
    set_table()
    p = alone(cap, "保護　開始", "ホゴ　カイシ", "1950-04-10")
    hikazei(p.pk, FY, 1_000_000)
    run_job(cap, HONSANTEI, fiscal_year=FY, kijun_date="2026-07-01")
    assert _versions(p.pk) == [(1, FukaSantei.HON, True, 2, 26_100, "")]
    # when 葉山町's 福祉 decides 保護開始 on 15 October (delivered on the 20th)
    with time_machine.travel(date(2026, 10, 20)):
        k = kaishi(cap, [p], day=date(2026, 10, 15))
    # then the year is corrected once: April–September at the 第2段階 (13,050),
    # October–March at the 第1段階 (8,550)
    assert _versions(p.pk) == [
        (1, FukaSantei.HON, False, 2, 26_100, ""),
        (2, FukaSantei.KOSEI, True, 1, 21_600, FukaKoseiCause.SEIHO),
    ]
    v2 = KaigoFuka.objects.get(atena_id=p.pk, version=2)
    assert v2.reason == "生活保護の保護開始（福祉の決定）による職権更正"
    assert v2.created_by == "system:kaigo_seiho"
    assert KaigoFuka.objects.get(atena_id=p.pk, version=1).superseded_by_id == v2.pk
    assert sum(x["amount"] for x in v2.kibetsu) == 21_600
    koho = KaigoKoseiKoho.objects.get(atena_id=p.pk)
    assert (koho.status, koho.applied_id, koho.hokenryo_before) == ("applied", v2.pk, 26_100)
    assert {c["kind"] for c in koho.changes} == {"seiho"}
    assert AccessLog.objects.filter(
        screen="kaigo.fuka_kosei", record_id=str(v2.pk), username="system:kaigo_seiho"
    ).exists()
    # delivered again: nothing more
    _redeliver("fukushi.seiho_kaishi", "kaigo.subscribers.fuka_kosei_on_seiho_kaishi")
    assert len(_versions(p.pk)) == 2
    assert KaigoKoseiKoho.objects.count() == 1
    # when 保護 ends on 10 January: October–December at the 第1段階 (4,275), the other
    # nine months at the 第2段階 (19,575)
    with time_machine.travel(date(2027, 1, 15)):
        haishi(cap, k.case_id, day=date(2027, 1, 10))
    assert _versions(p.pk)[-1] == (3, FukaSantei.KOSEI, True, 2, 23_850, FukaKoseiCause.SEIHO)
    _redeliver("fukushi.seiho_haishi", "kaigo.subscribers.fuka_kosei_on_seiho_haishi")
    assert len(_versions(p.pk)) == 3
    assert KaigoFuka.objects.filter(atena_id=p.pk, is_current=True).count() == 1
    # 寒川町's 賦課 was not touched
    connection.set_tenant(beta.municipality)
    assert _versions(other.pk) == [(1, FukaSantei.HON, True, 2, 26_100, "")]
    assert not KaigoKoseiKoho.objects.exists()


def test_futan_and_gendogaku_read_hogo_not_a_typed_flag(
    alpha, beta, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    # (the 保護 of these tests begins in 令和8年度: 福祉's 経過的加算 table is the one of
    # 令和8年4月 only)
    # given a 課税 person with high income (3割 by income) under 保護 in 葉山町, and the
    # same kind of person not under 保護 in 寒川町
    connection.set_tenant(beta.municipality)
    q = alone(cap, "寒川　課税", "サムカワ　カゼイ", "1950-04-10", town="samukawa")
    for fy in (2025, 2026):
        kazei_set(q.pk, fy, sonota=4_000_000, nenkin=1_000_000, nenkin_shunyu=2_100_000)
    connection.set_tenant(alpha.municipality)
    p = alone(cap, "保護　課税", "ホゴ　カゼイ", "1950-04-10")
    for fy in (2025, 2026):
        kazei_set(p.pk, fy, sonota=4_000_000, nenkin=1_000_000, nenkin_shunyu=2_100_000)
    kaishi(cap, [p], day=date(2026, 5, 1))
    # when the 負担割合 of 令和8年8月〜 is judged
    params = futan_params(2026)
    (prep,) = futan_prepare(2026, futan_taishosha(2026, date(2026, 8, 1)))
    # then 1割 as a 被保護者
    r = futan_hantei(prep, params)
    assert (r.wari, r.riyu) == (1, "生活保護の被保護者")
    # and the 負担限度額 申請 (no 生活保護 box any more) is judged 第1段階 with no savings test
    n = gendogaku_shinsei(atena_id=p.pk, shinsei_date=date(2026, 7, 1), yochokin=50_000_000,
                          actor=ACTOR)  # fmt: skip
    n = gendogaku_hantei_run(nintei_id=n.pk, actor=ACTOR)
    assert (n.status, n.dankai, n.seikatsu_hogo) == (GendogakuStatus.HANTEI, "dai1", True)
    # 寒川町's person is judged by income: 3割, and no 段階 for 50,000,000円 of savings
    connection.set_tenant(beta.municipality)
    (prep,) = futan_prepare(2026, futan_taishosha(2026, date(2026, 8, 1)))
    assert futan_hantei(prep, futan_params(2026)).wari == 3
    m = gendogaku_shinsei(atena_id=q.pk, shinsei_date=date(2026, 7, 1), yochokin=50_000_000,
                          actor=ACTOR)  # fmt: skip
    m = gendogaku_hantei_run(nintei_id=m.pk, actor=ACTOR)
    assert (m.dankai, m.seikatsu_hogo) == ("", False)
