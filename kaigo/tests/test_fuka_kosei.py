"""介護保険料 更正: the sweep finds the persons whose 所得, 課税状況 or 資格 changed after the
本算定 (and those newly 第1号), a clerk applies the candidate as a new version — the old
one kept and pointed at it, the 期 already due unchanged, the 差額 over the 期 to come —
or sets it aside; 寒川町 never sees 葉山町's candidates."""

from __future__ import annotations

from datetime import date

import pytest

from kaigo.fuka_jobs import HONSANTEI, KOSEI_SWEEP
from kaigo.models import FukaKoseiStatus, KaigoFuka, KaigoKoseiKoho
from kaigo.services.fuka import KoseiRefused, kosei_apply, kosei_dismiss
from kaigo.services.nenrei import nenrei_totatsu_due
from kaigo.tests.factories import shibo
from kaigo.tests.fuka_helpers import ACTOR, alone, hikazei, run_job, set_table
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from zeimu.public import Zeimoku, kibetsu_zan
from zeimu.tests.factories import kazei_kosei, kazei_set

pytestmark = pytest.mark.django_db

FY = 2025


def _ledger(atena_id: int, on: date | None = None) -> list[tuple[int, int]]:
    """(期, 調定額 as of ``on``) of the person's 介護保険料 期別 in the 収納 ledger."""
    rows = [k for k in kibetsu_zan(atena_id, on=on) if k.zeimoku == Zeimoku.KAIGO]
    return [(n, k.chotei) for n, k in enumerate(rows, start=1)]


def test_sweep_finds_changes_and_apply_keeps_history_and_due_ki(
    alpha, beta, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    # given 寒川町 assessed with one person
    connection.set_tenant(beta.municipality)
    set_table()
    other = alone(cap, "寒川　太郎", "サムカワ　タロウ", "1950-04-10", town="samukawa")
    hikazei(other.pk, FY, 1_000_000)
    run_job(cap, HONSANTEI, fiscal_year=FY)
    # and 葉山町: A 課税 (第6段階), B 非課税 (第2段階) who dies in 11月, C unchanged,
    # and D who turns 65 in 9月 after the 本算定
    connection.set_tenant(alpha.municipality)
    set_table()
    a = alone(cap, "所得　変", "ショトク　カワル", "1950-04-10")
    b = alone(cap, "死亡　予定", "シボウ　ヨテイ", "1945-04-10")
    c = alone(cap, "不変　様", "フヘン　サマ", "1948-04-10")
    d = alone(cap, "新規　到達", "シンキ　トウタツ", "1960-09-10")
    kazei_set(a.pk, FY, sonota=1_000_000)
    for p in (b, c, d):
        hikazei(p.pk, FY, 1_000_000)
    run_job(cap, HONSANTEI, fiscal_year=FY, kijun_date="2025-07-01")
    before_a = KaigoFuka.objects.get(atena_id=a.pk)
    assert (before_a.dankai, before_a.hokenryo) == (6, 66_000)
    assert [k["amount"] for k in before_a.kibetsu] == [7_600] + [7_300] * 8
    # when A's 所得 is corrected to 3,200,000 (第9段階), B dies on 2025-11-05, D turns 65
    kazei_kosei(a.pk, FY, sonota=3_200_000, shotokuwari=100_000)
    shibo(cap, b, day=date(2025, 11, 5))
    nenrei_totatsu_due(today=date(2025, 9, 30))
    job = run_job(cap, KOSEI_SWEEP, fiscal_year=FY)
    # then three candidates, C has none
    koho = {k.atena_id: k for k in KaigoKoseiKoho.objects.filter(status=FukaKoseiStatus.OPEN)}
    assert set(koho) == {a.pk, b.pk, d.pk}, job.log.values_list("message", flat=True)
    assert (koho[a.pk].cause, koho[a.pk].hokenryo_after) == ("shotoku", 102_000)
    # B: 4月〜10月 (喪失 11-06) = 7 months of 26,100 = 15,225
    assert (koho[b.pk].cause, koho[b.pk].hokenryo_after) == ("shikaku", 15_225)
    assert (koho[d.pk].cause, koho[d.pk].hokenryo_after) == ("shinki", 15_225)
    # a sweep run again replaces, never duplicates
    run_job(cap, KOSEI_SWEEP, fiscal_year=FY)
    assert KaigoKoseiKoho.objects.filter(status=FukaKoseiStatus.OPEN).count() == 3
    # when the clerk applies A's on 2025-10-15 (第1〜第3期 due: 7・8・9月)
    new_a = kosei_apply(
        koho_id=KaigoKoseiKoho.objects.get(atena_id=a.pk, status="open").pk,
        reason="所得の更正による",
        actor=ACTOR,
        on=date(2025, 10, 15),
    )
    # then a new version; the old one kept, pointing at it
    before_a.refresh_from_db()
    assert not before_a.is_current and before_a.superseded_by_id == new_a.pk
    assert (new_a.version, new_a.santei, new_a.cause, new_a.dankai) == (2, "kosei", "shotoku", 9)
    amounts = [k["amount"] for k in new_a.kibetsu]
    assert amounts[:3] == [7_600, 7_300, 7_300]
    # 102,000 − 22,200 = 79,800 over the 6 期 to come: 13,300 each
    assert amounts[3:] == [13_300] * 6 and sum(amounts) == 102_000
    assert new_a.kibetsu[3]["before"] == 7_300 and new_a.kibetsu[3]["sagaku"] == 6_000
    assert AccessLog.objects.filter(screen="kaigo.fuka_kosei", action="update").exists()
    # and the 収納 ledger (issue 18) holds the new amounts from the day of the 更正, the old
    # ones until the day before
    assert _ledger(a.pk) == [(n, amt) for n, amt in enumerate(amounts, start=1)]
    old_amounts = [k["amount"] for k in before_a.kibetsu]
    assert _ledger(a.pk, on=date(2025, 10, 14)) == list(enumerate(old_amounts, start=1))
    # B's 更正 on 2026-03-10 (8 期 of 2,900 due, the 2月 one moved to 3月2日) lowers the
    # 保険料 below what was due: 過誤納 23,200 − 15,225
    new_b = kosei_apply(
        koho_id=KaigoKoseiKoho.objects.get(atena_id=b.pk, status="open").pk,
        reason="死亡",
        actor=ACTOR,
        on=date(2026, 3, 10),
    )
    assert new_b.hokenryo == 15_225 and new_b.tsukisu == 7
    assert new_b.kanou == 7_975 and sum(k["amount"] for k in new_b.kibetsu) == 23_200
    assert sum(amt for _, amt in _ledger(b.pk)) == 23_200
    # D is set aside with a reason; applying it afterwards is refused
    kd = KaigoKoseiKoho.objects.get(atena_id=d.pk, status="open")
    with pytest.raises(KoseiRefused):
        kosei_dismiss(koho_id=kd.pk, reason="  ", actor=ACTOR)
    kosei_dismiss(koho_id=kd.pk, reason="翌月に一括で更正", actor=ACTOR)
    with pytest.raises(KoseiRefused, match="処理済み"):
        kosei_apply(koho_id=kd.pk, reason="x", actor=ACTOR)
    # and 寒川町 has only its own assessment, untouched, no candidate
    connection.set_tenant(beta.municipality)
    assert list(KaigoFuka.objects.values_list("atena_id", "version")) == [(other.pk, 1)]
    assert not KaigoKoseiKoho.objects.exists()
