"""固定資産税・都市計画税 当初賦課 as a job, 更正 and 減免: each 納税義務者 of 葉山町 assessed
once (共有 and 住登外 owners included); a chunk run again adds nothing; next year's
負担調整 reads this year's 課税標準; 寒川町 (without the 業務) can neither run it nor sees
anything."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import transaction

from juminkiroku.tests.factories import family, household_tennyu, jutogai
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.jobs.models import JobStatus
from tenants.jobs.registry import get_kind
from tenants.jobs.services import JobRefused, job_start
from zeimu.kotei_jobs import TOSHO
from zeimu.models import KoteiFuka, KoteiFukaKind, KoteiTochiKakaku
from zeimu.services.kotei import KoteiRefused, kotei_genmen, kotei_kosei
from zeimu.tests.kotei_helpers import ACTOR, FY, kaoku, owner, run_tosho, tochi, toshi_rate

pytestmark = pytest.mark.django_db


def _ledger(town_slug: str = "hayama") -> dict[str, Any]:
    _, (head, wife, _child) = household_tennyu(
        town_slug, members=family(), ido_date=date(2015, 4, 1)
    )
    far = jutogai(shimei="遠方　花子", kana="エンポウ　ハナコ", town_slug=town_slug)
    alone = owner(head.pk)
    # 横浜市's 設例 (市税のあらまし 令和7年度 13ページ) as this owner's parcel, and the
    # 新築住宅 of its 20ページ on it
    tochi(alone, "100番1", 18_900_600, "150", zennen=(3_119_250, 6_390_750))
    kaoku(alone, "100番1", 13_300_000, "140", built=date(2024, 7, 10))
    # 共有: the wife 2/3 and a 住登外 owner 1/3, one parcel of 商業地等
    joint = owner(wife.pk, far.pk, shares=[(2, 3), (1, 3)])
    tochi(joint, "200番", 10_000_000, "50", "shogyo", zennen=(6_500_000, 6_500_000))
    # the 住登外 owner alone: a field under the 免税点
    small = owner(far.pk)
    tochi(small, "300番", 250_000, "500", "nochi", shigaika=False)
    return {"head": head, "wife": wife, "far": far, "alone": alone, "joint": joint, "small": small}


def test_tosho_assesses_each_nozeisha_once_with_kyoyu_jutogai_and_menzeiten(
    alpha, beta, django_capture_on_commit_callbacks
):
    # given 葉山町 levies 都市計画税 at 0.3%
    connection.set_tenant(alpha.municipality)
    toshi_rate(300)
    led = _ledger()
    # when the 令和7年度 当初賦課 runs
    job = run_tosho(django_capture_on_commit_callbacks)
    # then
    errors = [c.error for c in job.chunks.all() if c.error]
    assert job.status == JobStatus.SUCCEEDED and job.total == 3, errors
    rows = {f.nozeisha_id: f for f in KoteiFuka.objects.filter(fiscal_year=FY)}
    one = rows[led["alone"].pk]
    # land 3,150,100 + house 13,300,000 = 16,450,100 → 16,450,000 × 1.4% = 230,300,
    # less the 新築住宅 減額 79,800 = 150,500; 都市計画税 (6,300,200 + 13,300,000)
    # → 19,600,000 × 0.3% = 58,800
    assert (one.kazei_hyojun_kotei, one.sanshutsu_kotei) == (16_450_000, 230_300)
    assert (one.shinchiku_genmen, one.kotei_zeigaku) == (79_800, 150_500)
    assert (one.kazei_hyojun_toshi, one.toshi_zeigaku, one.nengaku) == (19_600_000, 58_800, 209_300)
    # 4 期 (4・7・12・2月), 1,000円 units, the remainder in the first
    assert [k["amount"] for k in one.kibetsu] == [53_300, 52_000, 52_000, 52_000]
    assert one.meisai["tochi"][0]["suijun_kotei"] == "99.0%"
    assert one.meisai["kaoku"][0]["genmen_until"] == 2027
    joint = rows[led["joint"].pk]
    # 商業地等 負担水準 65%: 据置 6,500,000 → 91,000 + 19,500
    assert (joint.kotei_zeigaku, joint.toshi_zeigaku) == (91_000, 19_500)
    small = rows[led["small"].pk]
    assert small.tochi_menzei and small.nengaku == 0 and small.kibetsu[0]["amount"] == 0
    # the chunk's write is in the access log
    assert AccessLog.objects.filter(screen=f"job:{TOSHO}", record_type="zeimu.KoteiFuka").exists()
    # a chunk delivered again writes nothing new
    kind = get_kind(TOSHO)
    assert kind is not None
    for chunk in job.chunks.all():
        with transaction.atomic():
            kind.run_chunk(job, chunk)
    assert KoteiFuka.objects.filter(fiscal_year=FY).count() == 3
    # 寒川町 does not subscribe: refused, and it holds nothing of 葉山町's
    connection.set_tenant(beta.municipality)
    with pytest.raises(JobRefused):
        job_start(kind=TOSHO, params={"fiscal_year": FY}, actor=ACTOR)
    assert not KoteiFuka.objects.exists()


def test_a_killed_chunk_leaves_nothing_and_the_next_year_reads_this_years_hyojun(
    alpha, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    led = _ledger()
    kind = get_kind(TOSHO)
    assert kind is not None
    job = job_start(kind=TOSHO, params={"fiscal_year": FY}, actor=ACTOR)
    (chunk,) = list(job.chunks.all())
    with pytest.raises(RuntimeError), transaction.atomic():
        kind.run_chunk(job, chunk)
        raise RuntimeError("SIGKILL")
    assert not KoteiFuka.objects.exists()
    with transaction.atomic():
        kind.run_chunk(job, chunk)
    assert KoteiFuka.objects.count() == 3
    # 令和8年度: same 価格, no 前年度 in the ledger: the 令和7年度 課税標準 is read back
    t = led["alone"].tochi.get()
    KoteiTochiKakaku.objects.create(tochi=t, fiscal_year=FY + 1, kakaku=18_900_600)
    job2 = run_tosho(django_capture_on_commit_callbacks, FY + 1)
    assert job2.status == JobStatus.SUCCEEDED
    nxt = KoteiFuka.objects.get(fiscal_year=FY + 1)
    assert nxt.meisai["tochi"][0]["suijun_kotei"] == "100.0%"
    assert nxt.meisai["tochi"][0]["hyojun_kotei"] == 3_150_100


def test_kosei_and_genmen_keep_the_history(alpha, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    led = _ledger()
    run_tosho(django_capture_on_commit_callbacks)
    first = KoteiFuka.objects.get(nozeisha=led["joint"], fiscal_year=FY)
    with pytest.raises(KoteiRefused, match="変わりません"):
        kotei_kosei(fuka_id=first.pk, reason="再計算", actor=ACTOR)
    # the 価格 is corrected: 更正
    KoteiTochiKakaku.objects.filter(tochi__nozeisha=led["joint"]).update(kakaku=9_000_000)
    second = kotei_kosei(fuka_id=first.pk, reason="価格の修正（評価誤り）", actor=ACTOR)
    # 負担水準 72.2% > 70%: 9,000,000 × 70% = 6,300,000 → 88,200
    assert (second.kind, second.version, second.kotei_zeigaku) == (KoteiFukaKind.KOSEI, 2, 88_200)
    # 減免 of the whole 固定資産税 (a disaster): a third version, 期別 cut from the last
    third = kotei_genmen(
        fuka_id=second.pk, genmen_kotei=88_200, genmen_toshi=0, reason="災害による減免", actor=ACTOR
    )
    assert (third.kind, third.version, third.nengaku) == (KoteiFukaKind.GENMEN, 3, 0)
    assert sum(k["amount"] for k in third.kibetsu) == 0
    with pytest.raises(KoteiRefused, match="超えて"):
        kotei_genmen(fuka_id=third.pk, genmen_kotei=99_999, genmen_toshi=0, reason="x", actor=ACTOR)
    history = list(
        KoteiFuka.objects.filter(nozeisha=led["joint"], fiscal_year=FY).order_by("version")
    )
    assert [(f.version, f.is_current) for f in history] == [(1, False), (2, False), (3, True)]
    assert history[0].superseded_by_id == second.pk and history[1].superseded_by_id == third.pk
    # a refused 減免 wrote nothing
    assert KoteiFuka.objects.filter(nozeisha=led["joint"]).count() == 3
    assert AccessLog.objects.filter(screen="zeimu.kotei_genmen").count() == 1
