"""国保税 更正: a death in the registry ends 国保 the next day (the event) and the sweep
lists the household as a 更正候補 with the right months; a 所得 更正 in 税務 does too; the
clerk applies it as a new version with the 期別 差額, never an edit; 寒川町 sees none of it."""

from __future__ import annotations

from datetime import date

import pytest

from juminkiroku.tests.factories import family
from kokuho.fuka_jobs import HONSANTEI, KOSEI_SWEEP
from kokuho.models import KokuhoFuka, KoseiCause, KoseiKoho, KoseiStatus, Santei
from kokuho.services.fuka import KoseiRefused, kosei_apply, kosei_dismiss
from kokuho.tests.factories import shibo, tennyu
from kokuho.tests.fuka_helpers import ACTOR, run_job, set_rates
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from zeimu.public import Zeimoku, kibetsu_zan
from zeimu.tests.factories import kazei, kazei_kosei

pytestmark = pytest.mark.django_db

FY = 2025
TENNYU = date(2020, 4, 1)


def _months(koho: KoseiKoho, atena_id: int, kubun: str = "iryo") -> list[int]:
    k = next(x for x in koho.detail["result"]["kubun"] if x["kubun"] == kubun)
    return next(m["months"] for m in k["members"] if m["key"] == str(atena_id))


def test_death_gives_a_kosei_candidate_with_the_right_months_and_the_clerk_applies_it(
    alpha, beta, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    connection.set_tenant(beta.municipality)
    set_rates()
    tennyu(capture, "samukawa", members=family("佐藤", "サトウ"), day=TENNYU)
    connection.set_tenant(alpha.municipality)
    set_rates()
    _, (head, wife, _child) = tennyu(capture, members=family(), day=TENNYU)
    kazei(head.pk, FY, kyuyo=3_000_000)
    kazei(wife.pk, FY)
    run_job(capture, HONSANTEI, fiscal_year=FY, kijun_date="2025-07-01")
    before = KokuhoFuka.objects.get(setai_id=head.setai_id)
    assert before.nozei_gimusha_id == head.pk and before.hihokensha_su == 3
    # when the registry records the head's death on 令和7年9月10日 (国保 ends on the 11th)
    shibo(capture, head, day=date(2025, 9, 10))
    # and the sweep runs (as of the end of the 年度)
    run_job(capture, KOSEI_SWEEP, fiscal_year=FY, kijun_date="2026-03-31")
    koho = KoseiKoho.objects.get(setai_id=head.setai_id, status=KoseiStatus.OPEN)
    # then the candidate names the 資格 change: the head owes 4月〜8月 (insured at the end of
    # each)
    assert koho.cause == KoseiCause.SHIKAKU or koho.cause == KoseiCause.SETAI
    assert _months(koho, head.pk) == [4, 5, 6, 7, 8]
    assert _months(koho, wife.pk) == [*range(4, 13), 1, 2, 3]
    shikaku = next(c for c in koho.changes if c["kind"] == "shikaku")
    assert shikaku["atena_id"] == head.pk and shikaku["after"] == [[None, "2025-09-11"]]
    assert koho.nengaku_before == before.nengaku and koho.nengaku_after < before.nengaku
    # a sweep run again replaces the candidate, it does not add one
    run_job(capture, KOSEI_SWEEP, fiscal_year=FY, kijun_date="2026-03-31")
    assert KoseiKoho.objects.filter(status=KoseiStatus.OPEN).count() == 1
    # when the clerk applies it on 令和7年10月15日
    koho = KoseiKoho.objects.get(status=KoseiStatus.OPEN)
    with pytest.raises(KoseiRefused):
        kosei_apply(koho_id=koho.pk, reason="  ", actor=ACTOR)
    after = kosei_apply(koho_id=koho.pk, reason="世帯主の死亡", actor=ACTOR, on=date(2025, 10, 15))
    # then a new version; the old one is kept and points at it
    before.refresh_from_db()
    assert (after.version, after.santei, after.is_current) == (2, Santei.KOSEI, True)
    assert not before.is_current and before.superseded_by_id == after.pk
    # two members are left, so the registry has no 世帯主 until a 世帯主変更 is entered: the
    # 納税義務者 stays the one who was 世帯主 on his last day
    assert after.nozei_gimusha_id == head.pk and after.nengaku == koho.nengaku_after
    # 7月・8月・9月 (due before 10月15日) keep their amounts; the 差額 goes to 10月〜3月
    old = [k["amount"] for k in before.kibetsu]
    new = [k["amount"] for k in after.kibetsu]
    assert new[:3] == old[:3] and sum(new) == after.nengaku
    assert all(k["sagaku"] == k["amount"] - k["before"] for k in after.kibetsu)
    assert sum(k["sagaku"] for k in after.kibetsu) == after.nengaku - before.nengaku
    assert AccessLog.objects.filter(screen="kokuho.fuka_kosei", record_id=str(after.pk)).exists()

    # and the 収納 ledger (issue 18) holds the 世帯主's 期別 at the new amounts from the day of
    # the 更正, at the old ones until the day before
    def ledger(on: date | None = None) -> list[int]:
        rows = kibetsu_zan(head.pk, on=on)
        return [k.chotei for k in rows if k.zeimoku == Zeimoku.KOKUHOZEI]

    assert ledger() == new and ledger(date(2025, 10, 14)) == old
    # applied once only
    with pytest.raises(KoseiRefused):
        kosei_apply(koho_id=koho.pk, reason="二度目", actor=ACTOR)
    # and 寒川町 has no candidate and no 賦課
    connection.set_tenant(beta.municipality)
    assert not KoseiKoho.objects.exists() and not KokuhoFuka.objects.exists()


def test_a_shotoku_kosei_in_zeimu_gives_a_candidate_and_no_change_gives_none(
    alpha, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    connection.set_tenant(alpha.municipality)
    set_rates()
    _, (head, wife, _child) = tennyu(capture, members=family(), day=TENNYU)
    kazei(head.pk, FY, kyuyo=3_000_000)
    kazei(wife.pk, FY)
    run_job(capture, HONSANTEI, fiscal_year=FY, kijun_date="2025-07-01")
    # nothing changed: no candidate
    run_job(capture, KOSEI_SWEEP, fiscal_year=FY, kijun_date="2025-08-01")
    assert not KoseiKoho.objects.exists()
    # a late 申告 lowers the head's 給与所得 to 1,000,000
    kazei_kosei(head.pk, FY, kyuyo=1_000_000)
    run_job(capture, KOSEI_SWEEP, fiscal_year=FY, kijun_date="2025-08-01")
    koho = KoseiKoho.objects.get(status=KoseiStatus.OPEN)
    assert koho.cause == KoseiCause.SHOTOKU
    change = koho.changes[0]
    assert change["atena_id"] == head.pk and change["after"]["kyuyo"] == 1_000_000
    assert koho.nengaku_after < koho.nengaku_before
    # the clerk may set it aside, with a reason; the 賦課 is unchanged
    kosei_dismiss(koho_id=koho.pk, reason="確認中のため", actor=ACTOR)
    assert KokuhoFuka.objects.filter(is_current=True).get().version == 1


def test_the_daily_task_starts_the_sweep_only_where_the_year_is_assessed(
    alpha, beta, django_capture_on_commit_callbacks
):
    import time_machine

    from kokuho.tasks import fuka_kosei_daily
    from tenants.jobs.models import Job

    capture = django_capture_on_commit_callbacks
    connection.set_tenant(alpha.municipality)
    set_rates()
    _, (head, _wife, _child) = tennyu(capture, members=family(), day=TENNYU)
    kazei(head.pk, FY, kyuyo=3_000_000)
    run_job(capture, HONSANTEI, fiscal_year=FY, kijun_date="2025-07-01")
    kazei_kosei(head.pk, FY, kyuyo=2_000_000)
    with time_machine.travel(date(2025, 11, 1)), capture(execute=True):
        job_id = fuka_kosei_daily()
    assert Job.objects.get(pk=job_id).kind == KOSEI_SWEEP
    assert KoseiKoho.objects.get().cause == KoseiCause.SHOTOKU
    # 寒川町 has assessed nothing: no job
    connection.set_tenant(beta.municipality)
    with time_machine.travel(date(2025, 11, 1)):
        assert fuka_kosei_daily() == 0
    assert not Job.objects.exists()
