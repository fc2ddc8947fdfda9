"""軽自動車税（種別割）当初賦課 as a job, its posting to the 収納 ledger, 更正 (a 廃車 and a
名義変更 recorded late) and 減免: each vehicle held on 4月1日 assessed once to the right
person (所有権留保 → the user; 住登外 owners included); a chunk run again adds nothing;
寒川町 can neither run it without the 業務 nor, with it, sees anything of 葉山町's."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import transaction

from juminkiroku.tests.factories import family, household_tennyu, jutogai
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.jobs.models import JobStatus
from tenants.jobs.registry import get_kind
from tenants.jobs.services import JobRefused, job_start
from tenants.models import Gyomu, Subscription
from zeimu.gyomu import KEI_JIDOSHAZEI
from zeimu.keijidosha_jobs import TOSHO
from zeimu.models import Chotei, KeiFuka, KeiFukaKind, KeiIdo, KeiSharyo, Kibetsu, Zeimoku
from zeimu.services.keijidosha import (
    KeiRefused,
    holders_on,
    kei_genmen_decide,
    kei_ido_record,
    kei_kosei,
)
from zeimu.tests.keijidosha_helpers import ACTOR, FY, run_tosho, sharyo, today

pytestmark = pytest.mark.django_db


def _ledger(town_slug: str = "hayama") -> dict[str, Any]:
    _, (head, wife, _child) = household_tennyu(
        town_slug, members=family(), ido_date=date(2015, 4, 1)
    )
    far = jutogai(shimei="遠方　花子", kana="エンポウ　ハナコ", town_slug=town_slug)
    return {
        "head": head,
        "wife": wife,
        "far": far,
        # 重課: 初度検査 平成25年3月 (松戸市's table: 令和8年度から)
        "old": sharyo(head.pk, "湘南 580 あ 12-34", shodo=(2013, 3), toroku=date(2013, 3, 20)),
        # 旧税率: 平成25年4月
        "kyu": sharyo(wife.pk, "湘南 580 い 56-78", shodo=(2013, 4), toroku=date(2013, 4, 2)),
        # 所有権留保: the dealer (a 住登外 owner) keeps the title, the head uses it and pays
        "ryuho": sharyo(
            far.pk,
            "湘南 480 う 1-11",
            "kamotsu_jika",
            (2020, 2),
            toroku=date(2020, 2, 5),
            user=head.pk,
            ryuho=True,
        ),
        # an electric car first registered in 令和7年度: グリーン化特例 75% for 令和8年度
        "ev": sharyo(
            wife.pk,
            "湘南 580 え 2-22",
            shodo=(2025, 9),
            toroku=date(2025, 9, 1),
            nenryo="denki",
            green_kubun="denki_tennen",
        ),
        # a 原付 of a 住登外 owner
        "moped": sharyo(far.pk, "葉山町 a 123", "gentsuki_50", None, toroku=date(2022, 5, 1)),
        # registered on 4月2日: not taxed for 令和8年度
        "late": sharyo(head.pk, "湘南 580 お 3-33", shodo=(2026, 4), toroku=date(2026, 4, 2)),
    }


def test_tosho_assesses_each_vehicle_held_on_april_1_and_posts_to_the_ledger(
    alpha, beta, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    led = _ledger()
    # when the 令和8年度 当初賦課 runs
    job = run_tosho(django_capture_on_commit_callbacks)
    # then
    errors = [c.error for c in job.chunks.all() if c.error]
    assert job.status == JobStatus.SUCCEEDED and job.total == 5, errors
    rows = {f.sharyo_id: f for f in KeiFuka.objects.filter(fiscal_year=FY)}
    assert led["late"].pk not in rows
    got = {
        k: (rows[led[k].pk].nozeisha_id, rows[led[k].pk].nengaku, rows[led[k].pk].kubun)
        for k in ("old", "kyu", "ryuho", "ev", "moped")
    }
    assert got == {
        "old": (led["head"].pk, 12_900, "juka"),
        "kyu": (led["wife"].pk, 7_200, "kyu"),
        "ryuho": (led["head"].pk, 5_000, "hyojun"),
        "ev": (led["wife"].pk, 2_700, "green"),
        "moped": (led["far"].pk, 2_000, "hyojun"),
    }
    # one 期 in May (令和8年5月31日 is a Sunday → 6月1日), each with its 納付番号 from the ledger
    old = rows[led["old"].pk]
    assert old.kibetsu[0]["due"] == "2026-06-01" and len(old.nofu_bango) == 20
    kib = Kibetsu.objects.get(nofu_bango=old.nofu_bango)
    assert (kib.zeimoku, kib.atena_id, kib.nendo) == (Zeimoku.KEIJIDOSHA, led["head"].pk, FY)
    assert Chotei.objects.filter(kibetsu=kib).get().amount == 12_900
    assert Kibetsu.objects.filter(zeimoku=Zeimoku.KEIJIDOSHA).count() == 5
    assert AccessLog.objects.filter(screen=f"job:{TOSHO}", record_type="zeimu.KeiFuka").exists()
    # a chunk delivered again writes nothing new, in the assessments or the ledger
    kind = get_kind(TOSHO)
    assert kind is not None
    for chunk in job.chunks.all():
        with transaction.atomic():
            kind.run_chunk(job, chunk)
    assert KeiFuka.objects.filter(fiscal_year=FY).count() == 5
    assert Chotei.objects.filter(kibetsu__zeimoku=Zeimoku.KEIJIDOSHA).count() == 5
    # a second job of the year is refused while the first runs; the finished one's rows stay
    # 寒川町 does not subscribe: refused, and it holds nothing of 葉山町's
    connection.set_tenant(beta.municipality)
    with pytest.raises(JobRefused):
        job_start(kind=TOSHO, params={"fiscal_year": FY}, actor=ACTOR)
    assert not KeiFuka.objects.exists() and not KeiSharyo.objects.exists()


def test_a_town_with_the_gyomu_sees_only_its_own_vehicles(
    alpha, beta, django_capture_on_commit_callbacks
):
    # given 寒川町 takes 軽自動車税 too, and each town has its vehicles
    Subscription.objects.create(
        municipality=beta.municipality,
        gyomu=Gyomu.objects.get(code=KEI_JIDOSHAZEI),
        start_month=date(2020, 4, 1),
    )
    connection.set_tenant(alpha.municipality)
    _ledger()
    run_tosho(django_capture_on_commit_callbacks)
    hayama_ids = set(KeiFuka.objects.values_list("sharyo_id", flat=True))
    connection.set_tenant(beta.municipality)
    _, (owner, *_rest) = household_tennyu("samukawa", members=family("佐藤", "サトウ"))
    mine = sharyo(owner.pk, "湘南 580 か 9-99")
    # when 寒川町 runs its 当初賦課
    job = run_tosho(django_capture_on_commit_callbacks)
    # then it assessed its one vehicle, and none of 葉山町's
    assert job.status == JobStatus.SUCCEEDED and job.total == 1
    assert list(KeiFuka.objects.values_list("sharyo_id", flat=True)) == [mine.pk]
    assert KeiSharyo.objects.count() == 1
    assert Kibetsu.objects.filter(zeimoku=Zeimoku.KEIJIDOSHA).count() == 1
    # and a 更正 of a 葉山町 vehicle id from 寒川町 finds nothing
    stranger = max(hayama_ids) + 1000
    with pytest.raises(KeiRefused, match="見つかりません"):
        kei_kosei(sharyo_id=stranger, fiscal_year=FY, reason="x", actor=ACTOR)


def test_late_haisha_and_meigi_henko_are_corrected_with_the_difference_posted(
    alpha, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    led = _ledger()
    run_tosho(django_capture_on_commit_callbacks)
    old = KeiFuka.objects.get(sharyo=led["old"], fiscal_year=FY)
    # the 廃車 of 3月25日 is reported in June: 減額更正 to 0
    kei_ido_record(sharyo_id=led["old"].pk, kind="haisha", ido_date=date(2026, 3, 25), actor=ACTOR)
    assert holders_on([led["old"].pk], date(2026, 4, 1)) == {led["old"].pk: None}
    new = kei_kosei(sharyo_id=led["old"].pk, fiscal_year=FY, reason="廃車の届出遅れ", actor=ACTOR)
    assert (new.kind, new.version, new.nengaku, new.kubun) == (KeiFukaKind.KOSEI, 2, 0, "none")
    old.refresh_from_db()
    assert (old.is_current, old.superseded_by_id) == (False, new.pk)
    kib = Kibetsu.objects.get(nofu_bango=old.nofu_bango)
    assert list(
        Chotei.objects.filter(kibetsu=kib).order_by("id").values_list("kind", "amount")
    ) == [
        ("tosho", 12_900),
        ("gengaku", -12_900),
    ]
    # nothing more to correct
    with pytest.raises(KeiRefused, match="変わりません"):
        kei_kosei(sharyo_id=led["old"].pk, fiscal_year=FY, reason="再計算", actor=ACTOR)
    # a 廃車 vehicle takes no further 異動
    with pytest.raises(KeiRefused, match="廃車済み"):
        kei_ido_record(
            sharyo_id=led["old"].pk, kind="haisha", ido_date=date(2026, 5, 1), actor=ACTOR
        )
    # a 名義変更 of 3月30日 (the wife's car sold to the 住登外 person) reported late: the tax
    # moves to the new owner, the wife's 期 goes to 0
    kyu = KeiFuka.objects.get(sharyo=led["kyu"], fiscal_year=FY)
    kei_ido_record(
        sharyo_id=led["kyu"].pk,
        kind="meigi",
        ido_date=date(2026, 3, 30),
        shoyusha_atena_id=led["far"].pk,
        actor=ACTOR,
    )
    # (the new owner's tax rises from nothing: its 更正通知書 sets a 納期限, required)
    notice = today() + timedelta(days=30)
    moved = kei_kosei(
        sharyo_id=led["kyu"].pk,
        fiscal_year=FY,
        reason="名義変更の届出遅れ",
        actor=ACTOR,
        kosei_nouki=notice,
    )
    assert Kibetsu.objects.get(nofu_bango=moved.nofu_bango).nouki == notice
    assert (moved.nozeisha_id, moved.nengaku) == (led["far"].pk, 7_200)
    assert moved.nofu_bango != kyu.nofu_bango
    balances = {
        k.atena_id: sum(c.amount for c in k.chotei.all())
        for k in Kibetsu.objects.filter(
            zeimoku=Zeimoku.KEIJIDOSHA, key__contains=f":{led['kyu'].pk}:"
        )
    }
    assert balances == {led["wife"].pk: 0, led["far"].pk: 7_200}
    # a 異動 dated before the one it follows is refused and writes nothing
    n = KeiIdo.objects.count()
    with pytest.raises(KeiRefused, match="直前の異動"):
        kei_ido_record(
            sharyo_id=led["kyu"].pk, kind="haisha", ido_date=date(2026, 3, 1), actor=ACTOR
        )
    assert KeiIdo.objects.count() == n


def test_genmen_decision_and_its_cancellation_keep_the_history(
    alpha, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    led = _ledger()
    # a 減免 decided before the 当初賦課 is applied by it
    kei_genmen_decide(
        sharyo_id=led["kyu"].pk, fiscal_year=FY, kind="shintai", decided_on=date(2026, 3, 1),
        reason="町税条例第90条 身体障害者等の使用", actor=ACTOR,
    )  # fmt: skip
    run_tosho(django_capture_on_commit_callbacks)
    kyu = KeiFuka.objects.get(sharyo=led["kyu"], fiscal_year=FY)
    assert (kyu.zeigaku, kyu.genmen_gaku, kyu.nengaku) == (7_200, 7_200, 0)
    # a 減免 decided after it corrects the assessment and posts a 減免 to the ledger
    kei_genmen_decide(
        sharyo_id=led["old"].pk, fiscal_year=FY, kind="koeki", decided_on=date(2026, 5, 10),
        reason="町税条例第90条 公益のため直接専用", actor=ACTOR,
    )  # fmt: skip
    g = KeiFuka.objects.get(sharyo=led["old"], fiscal_year=FY, is_current=True)
    assert (g.kind, g.version, g.nengaku, g.genmen_gaku) == (KeiFukaKind.GENMEN, 2, 0, 12_900)
    kib = Kibetsu.objects.get(nofu_bango=g.nofu_bango)
    assert list(kib.chotei.order_by("id").values_list("kind", "amount")) == [
        ("tosho", 12_900),
        ("genmen", -12_900),
    ]
    # twice is refused; its 取消 restores the tax (増額)
    with pytest.raises(KeiRefused, match="決定済み"):
        kei_genmen_decide(
            sharyo_id=led["old"].pk, fiscal_year=FY, kind="koeki", decided_on=date(2026, 5, 11),
            reason="重複", actor=ACTOR,
        )  # fmt: skip
    kei_genmen_decide(
        sharyo_id=led["old"].pk, fiscal_year=FY, kind="koeki", torikeshi=True,
        decided_on=date(2026, 6, 1), reason="用途の変更", actor=ACTOR,
    )  # fmt: skip
    h = KeiFuka.objects.get(sharyo=led["old"], fiscal_year=FY, is_current=True)
    assert (h.version, h.nengaku) == (3, 12_900)
    assert sum(kib.chotei.values_list("amount", flat=True)) == 12_900
    assert list(led["old"].genmen.order_by("id").values_list("status", flat=True)) == [
        "kettei",
        "torikeshi",
    ]


def test_register_refuses_bad_input_and_writes_nothing(alpha):
    connection.set_tenant(alpha.municipality)
    _, (head, *_r) = household_tennyu("hayama", members=family())
    with pytest.raises(KeiRefused, match="初度検査年月"):
        sharyo(head.pk, "湘南 580 き 1-1", shodo=None)
    with pytest.raises(KeiRefused, match="制御文字"):
        sharyo(head.pk, "湘南\x00580")
    with pytest.raises(KeiRefused, match="使用者"):
        sharyo(head.pk, "湘南 580 く 1-1", ryuho=True)
    with pytest.raises(KeiRefused, match="グリーン化特例"):
        sharyo(head.pk, "葉山町 b 1", "gentsuki_50", None, green_kubun="denki_tennen")
    sharyo(head.pk, "湘南 580 け 1-1")
    with pytest.raises(KeiRefused, match="廃車されずに"):
        sharyo(head.pk, "湘南 580 け 1-1")
    assert KeiSharyo.objects.count() == 1


def test_assess_many_reads_any_number_of_vehicles_in_three_queries(alpha):
    from django.db import connection as dj
    from django.test.utils import CaptureQueriesContext

    from zeimu.services.keijidosha import KeiYear, assess_many

    # given 40 vehicles of one household, some with a 減免
    connection.set_tenant(alpha.municipality)
    _, (head, wife, _c) = household_tennyu("hayama", members=family(), ido_date=date(2015, 4, 1))
    cars = [
        sharyo(
            (head if n % 2 else wife).pk,
            f"湘南 580 さ {n}-{n:02d}",
            shodo=(2005 + n % 20, 5),
            toroku=date(2005 + n % 20, 5, 10),
        )
        for n in range(40)
    ]
    for c in cars[:3]:
        kei_genmen_decide(
            sharyo_id=c.pk, fiscal_year=FY, kind="shintai", decided_on=date(2026, 3, 1),
            reason="町税条例", actor=ACTOR,
        )  # fmt: skip
    year = KeiYear.build(FY)
    # when
    with CaptureQueriesContext(dj) as ctx:
        rows = assess_many(year, [c.pk for c in cars], job_id=None)
    # then three reads (holders, 減免, vehicles), whatever the number of vehicles
    sql = [q["sql"] for q in ctx.captured_queries if "search_path" not in q["sql"]]
    assert len(sql) == 3, sql
    assert len(rows) == 40 and sum(1 for r in rows if r.genmen_gaku) == 3


def test_a_killed_chunk_leaves_nothing_in_the_assessments_or_the_ledger(alpha):
    # given the 当初 job planned over 葉山町's vehicles
    connection.set_tenant(alpha.municipality)
    _ledger()
    kind = get_kind(TOSHO)
    assert kind is not None
    job = job_start(kind=TOSHO, params={"fiscal_year": FY}, actor=ACTOR)
    (chunk,) = list(job.chunks.all())
    # when the worker dies at the end of the chunk's transaction
    with pytest.raises(RuntimeError), transaction.atomic():
        kind.run_chunk(job, chunk)
        raise RuntimeError("SIGKILL")
    # then neither an assessment nor a 調定 was kept; the chunk run again writes them once
    assert not KeiFuka.objects.exists() and not Kibetsu.objects.exists()
    with transaction.atomic():
        kind.run_chunk(job, chunk)
    assert KeiFuka.objects.count() == 5
    assert Chotei.objects.filter(kibetsu__zeimoku=Zeimoku.KEIJIDOSHA).count() == 5
    assert not KeiFuka.objects.filter(nofu_bango="").exists()


def test_holder_on_april_1_registration_that_day_counts_haisha_that_day_does_not(alpha):
    # our reading of the 賦課期日 (see zeimu/services/keijidosha.py): a 登録 on 4月1日 is held
    # on the 賦課期日; a 廃車 on 4月1日 was held at its start, one on 3月31日 was not
    connection.set_tenant(alpha.municipality)
    _, (head, wife, _c) = household_tennyu("hayama", members=family(), ido_date=date(2015, 4, 1))
    new = sharyo(head.pk, "湘南 580 た 1-01", shodo=(2026, 4), toroku=date(2026, 4, 1))
    gone_on_1st = sharyo(head.pk, "湘南 580 た 1-02", toroku=date(2020, 5, 1), shodo=(2020, 5))
    gone_on_31st = sharyo(head.pk, "湘南 580 た 1-03", toroku=date(2020, 5, 1), shodo=(2020, 5))
    sold = sharyo(head.pk, "湘南 580 た 1-04", toroku=date(2020, 5, 1), shodo=(2020, 5))
    kei_ido_record(sharyo_id=gone_on_1st.pk, kind="haisha", ido_date=date(2026, 4, 1), actor=ACTOR)
    kei_ido_record(
        sharyo_id=gone_on_31st.pk, kind="haisha", ido_date=date(2026, 3, 31), actor=ACTOR
    )
    kei_ido_record(
        sharyo_id=sold.pk, kind="meigi", ido_date=date(2026, 4, 1), shoyusha_atena_id=wife.pk,
        actor=ACTOR,
    )  # fmt: skip
    ids = [new.pk, gone_on_1st.pk, gone_on_31st.pk, sold.pk]
    assert holders_on(ids, date(2026, 4, 1)) == {
        new.pk: head.pk,
        gone_on_1st.pk: head.pk,
        gone_on_31st.pk: None,
        sold.pk: wife.pk,
    }
    # the day before, the new vehicle was not registered yet
    assert new.pk not in holders_on(ids, date(2026, 3, 31))
