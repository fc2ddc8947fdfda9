"""滞納整理 (issue 18 item 6) through the ledger: the case across every 税目 with its 時効,
分納誓約 and its breach, 差押・交付要求 with 換価・配当, 執行停止 and the 不納欠損 job, the
催告 job (PDF read back), and two towns that never meet."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from pypdf import PdfReader

from juminkiroku.tests.factories import family, household_tennyu
from tenants.accesslog.models import AccessAction, AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.jobs.models import Job, JobFile, JobStatus
from tenants.jobs.registry import get_kind
from tenants.jobs.services import job_start
from tenants.params.tenant.services import municipal_parameter_set
from zeimu.models import (
    Kesson,
    KessonReason,
    Saikoku,
    Shuno,
    ShunoKind,
    TainoKeika,
    TeishiReason,
    Zeimoku,
)
from zeimu.services.shuno import ShunoRefused, balances, chotei_post, entaikin_of, madoguchi_nofu
from zeimu.services.shuno_taino import (
    bunno_create,
    bunno_ihan_list,
    bunno_schedule,
    case_detail,
    case_list,
    haito_apply,
    jiko_many,
    kosho_record,
    shobun_create,
    shobun_kaijo,
    tanto_assign,
    teishi_create,
    teishi_sokuji,
)
from zeimu.services.shuno_tokusoku import tokusoku_issue_many
from zeimu.shuno_taino_jobs import KESSON, SAIKOKU
from zeimu.tests.test_shuno_tokusoku import grant_beta_shuno, pdf_text, read, remove_files

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="tester")


def post(atena_id: int, key: str, amount: int, nouki: date, *, zeimoku: str = Zeimoku.JUMINZEI,
         nendo: int = 2020, ki: int = 1) -> Any:  # fmt: skip
    return chotei_post(zeimoku=zeimoku, key=key, atena_id=atena_id, nendo=nendo, ki=ki,
                       ki_label=f"第{ki}期", nouki=nouki, amount=amount, ref=f"{key}:t",
                       on=date(nendo, 6, 1), actor=ACTOR)  # fmt: skip


def run(kind: str, params: dict[str, Any], capture: Any) -> Job:
    with capture(execute=True):
        job = job_start(kind=kind, params=params, actor=ACTOR)
    job.refresh_from_db()
    return job


@pytest.fixture
def taxpayer(in_alpha: Any) -> dict[str, Any]:
    """A taxpayer with 住民税 令和2年度 第1期 (65,000, 納期限 2020-06-30, 督促 2020-07-15) and
    国保税 令和2年度 第1期 (40,000, 2020-07-31), both unpaid; and a neighbour who paid."""
    _, (head, wife, *_) = household_tennyu("hayama", members=family(), ido_date=date(2015, 4, 1))
    j = post(head.pk, "j1", 65_000, date(2020, 6, 30))
    k = post(head.pk, "k1", 40_000, date(2020, 7, 31), zeimoku=Zeimoku.KOKUHOZEI)
    w = post(wife.pk, "w1", 10_000, date(2020, 6, 30))
    madoguchi_nofu(nofu_bango=w.nofu_bango, amount=10_000, shuno_date=date(2020, 6, 20),
                   actor=ACTOR)  # fmt: skip
    tokusoku_issue_many([j.kibetsu_id], hakko_date=date(2020, 7, 15), job_id=None, created_by="t")
    return {"head": head, "wife": wife, "j": j, "k": k, "w": w}


def test_the_case_names_every_zeimoku_with_its_jiko_and_history(taxpayer: Any) -> None:
    head, j, k = taxpayer["head"], taxpayer["j"], taxpayer["k"]
    on = date(2024, 1, 10)
    # when: a clerk takes the case and records a call
    tanto_assign(atena_id=head.pk, user_id=7, name="収納 太郎", on=on, actor=ACTOR)
    kosho_record(atena_id=head.pk, on=on, memo="電話: 来月から分納の相談", actor=ACTOR)
    # then: both 期別 across 税目, the 督促 date, 延滞金 as the existing rule computes it
    d = case_detail(head.pk, on=on)
    assert [(x.arrear.kibetsu_id, x.arrear.zan, x.tokusoku) for x in d.lines] == [
        (j.kibetsu_id, 65_000, date(2020, 7, 15)),
        (k.kibetsu_id, 40_000, None),
    ]
    assert d.lines[0].entaikin == entaikin_of(j.kibetsu_id, paid_on=on).entaikin > 0
    # 時効: 住民税 renewed by the 督促 (指定期限 2020-07-25 → gone 2025-07-25); 国保税 5 years
    # from 2020-08-01 (no 督促) → gone 2025-08-01
    assert d.lines[0].shometsu.on == date(2025, 7, 25) and d.lines[0].shometsu.jiko.by == "督促"
    assert d.lines[1].shometsu.on == date(2025, 8, 1)
    assert [e.kind for e in d.keika] == ["tanto", "kosho"] or {e.kind for e in d.keika} == {
        "tanto", "kosho"}  # fmt: skip
    assert d.case is not None and d.case.tanto_name == "収納 太郎"
    # the list: one case for the taxpayer (the neighbour paid), filters by 税目, amount, 時効
    rows = case_list(on=on)
    assert [(r.atena_id, r.zan, r.kibetsu, r.tanto_name) for r in rows] == [
        (head.pk, 105_000, 2, "収納 太郎")
    ]
    assert case_list(on=on, zeimoku=Zeimoku.KAIGO) == []
    assert case_list(on=on, min_zan=200_000) == []
    assert case_list(on=on, jiko_months=12) == []  # 2025-07-25 is 18 months away
    assert [r.atena_id for r in case_list(on=on, jiko_months=19)] == [head.pk]
    assert [r.atena_id for r in case_list(on=on, tanto_user_id=7)] == [head.pk]
    assert case_list(on=on, tanto_user_id=8) == []
    # the writes were access-logged by id
    assert AccessLog.objects.filter(screen="zeimu.taino_kosho", record_id=str(head.pk)).exists()


def test_bunno_matches_payments_flags_a_breach_and_renews_the_jiko(taxpayer: Any) -> None:
    head, j, k = taxpayer["head"], taxpayer["j"], taxpayer["k"]
    schedule = bunno_schedule(total=105_000, kaisu=3, first=date(2024, 2, 10))
    assert schedule == [(date(2024, 2, 10), 35_000), (date(2024, 3, 10), 35_000),
                        (date(2024, 4, 10), 35_000)]  # fmt: skip
    with pytest.raises(ShunoRefused, match="足りません"):
        bunno_create(atena_id=head.pk, kibetsu_ids=[j.kibetsu_id, k.kibetsu_id],
                     seiyaku_date=date(2024, 1, 20), schedule=schedule[:2], memo="",
                     actor=ACTOR)  # fmt: skip
    with pytest.raises(ShunoRefused, match="この滞納者の期別ではない"):
        bunno_create(atena_id=head.pk, kibetsu_ids=[taxpayer["w"].kibetsu_id],
                     seiyaku_date=date(2024, 1, 20), schedule=schedule, memo="",
                     actor=ACTOR)  # fmt: skip
    b = bunno_create(atena_id=head.pk, kibetsu_ids=[j.kibetsu_id, k.kibetsu_id],
                     seiyaku_date=date(2024, 1, 20), schedule=schedule, memo="",
                     actor=ACTOR)  # fmt: skip
    # the 誓約 is 承認 (民法第152条): both 期別 renewed from 2024-01-21
    ends = jiko_many([j.kibetsu_id, k.kibetsu_id])
    assert {e.jiko.shometsu for e in ends.values()} == {date(2029, 1, 21)}
    # 1st 回 paid on time, 2nd not
    madoguchi_nofu(nofu_bango=j.nofu_bango, amount=35_000, shuno_date=date(2024, 2, 9),
                   actor=ACTOR)  # fmt: skip
    # without the town's 不履行 days nothing is listed (the value is the town's 要綱)
    assert bunno_ihan_list(on=date(2024, 4, 1)) == []
    municipal_parameter_set(key="zeimu.shuno.taino.bunno_ihan_nissu", fiscal_year=2023,
                            value_text="10", reason="滞納整理事務処理要綱（テスト）",
                            actor=ACTOR)  # fmt: skip
    assert bunno_ihan_list(on=date(2024, 3, 20)) == []  # within the 10 days
    ihan = bunno_ihan_list(on=date(2024, 3, 21))
    assert [v.bunno.pk for v in ihan] == [b.pk]
    assert [s for _, s in ihan[0].kai] == ["履行", "不履行", "期日前"]
    # 分納 does not stop 延滞金: it runs on what is owed each day
    assert entaikin_of(j.kibetsu_id, paid_on=date(2024, 3, 21)).entaikin > 0
    # a payment after the grace days does not undo the breach of that 回
    madoguchi_nofu(nofu_bango=k.nofu_bango, amount=35_000, shuno_date=date(2024, 3, 21),
                   actor=ACTOR)  # fmt: skip
    assert [s for _, s in bunno_ihan_list(on=date(2024, 3, 21))[0].kai][1] == "不履行"
    assert bunno_ihan_list(on=date(2024, 3, 20)) == []


def test_sashiosae_needs_a_tokusoku_holds_the_jiko_and_haito_is_a_shuno(taxpayer: Any) -> None:
    head, j, k = taxpayer["head"], taxpayer["j"], taxpayer["k"]
    with pytest.raises(ShunoRefused, match="督促していない期別は差し押さえできません"):
        shobun_create(atena_id=head.pk, kind="sashiosae", zaisan="yochokin",
                      shobun_date=date(2023, 5, 1), amount=105_000,
                      kibetsu_ids=[j.kibetsu_id, k.kibetsu_id], memo="", actor=ACTOR)  # fmt: skip
    s = shobun_create(atena_id=head.pk, kind="sashiosae", zaisan="yochokin",
                      shobun_date=date(2023, 5, 1), amount=65_000, kibetsu_ids=[j.kibetsu_id],
                      memo="○○銀行 普通預金", actor=ACTOR)  # fmt: skip
    kofu = shobun_create(atena_id=head.pk, kind="kofu", zaisan="fudosan",
                         shobun_date=date(2023, 6, 1), amount=40_000,
                         kibetsu_ids=[k.kibetsu_id], memo="", actor=ACTOR)  # fmt: skip
    # while in force, no 時効 completes (完成猶予)
    ends = jiko_many([j.kibetsu_id, k.kibetsu_id])
    assert ends[j.kibetsu_id].on is None and "差押中" in ends[j.kibetsu_id].jiko.yuyo
    assert ends[k.kibetsu_id].on is None and "交付要求中" in ends[k.kibetsu_id].jiko.yuyo
    # 換価: 50,000 received → 収納 of kind 滞納処分 on 第1期; more than owed is refused
    with pytest.raises(ShunoRefused, match="超えています"):
        haito_apply(shobun_id=s.pk, on=date(2023, 7, 1), amount=70_000, actor=ACTOR)
    h = haito_apply(shobun_id=s.pk, on=date(2023, 7, 1), amount=50_000, actor=ACTOR)
    assert list(Shuno.objects.filter(pk__in=h.shuno_ids).values_list("kind", "amount")) == [
        (ShunoKind.SHOBUN, 50_000)
    ]
    assert balances([j.kibetsu_id])[j.kibetsu_id].zan == 15_000
    # released: a new 5 years from the day after the 解除 (民法第148条第2項)
    shobun_kaijo(shobun_id=s.pk, on=date(2023, 7, 10), memo="換価終了", actor=ACTOR)
    shobun_kaijo(shobun_id=kofu.pk, on=date(2023, 9, 30), memo="配当なし", actor=ACTOR)
    ends = jiko_many([j.kibetsu_id, k.kibetsu_id])
    assert ends[j.kibetsu_id].on == date(2028, 7, 11)
    assert ends[k.kibetsu_id].on == date(2028, 10, 1)
    kinds = list(TainoKeika.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["sashiosae", "kofu", "haito", "kaijo", "kaijo"]


def test_teishi_sokuji_and_jiko_end_in_the_kesson_job(
    taxpayer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    head, j, k = taxpayer["head"], taxpayer["j"], taxpayer["k"]
    _, (other, *_) = household_tennyu("hayama", members=family(), ido_date=date(2015, 4, 1))
    o = post(other.pk, "o1", 30_000, date(2021, 6, 30), nendo=2021)
    t = teishi_create(atena_id=other.pk, kibetsu_ids=[o.kibetsu_id],
                      reason=TeishiReason.KONKYU, teishi_date=date(2022, 3, 15), memo="",
                      actor=ACTOR)  # fmt: skip
    with pytest.raises(ShunoRefused, match="第15条の7第1項第1号"):
        teishi_sokuji(teishi_id=t.pk, on=date(2022, 4, 1), memo="", actor=ACTOR)
    # given: on 2025-08-01 the 住民税 (gone 2025-07-25) and 国保税 (gone 2025-08-01) of the
    # head have completed their 時効; the other's 停止 of 2022-03-15 ended the duty on
    # 2025-03-16 (3 years, 第15条の7第4項), before its 時効
    job = run(KESSON, {"kijun": "2025-08-01"}, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.SUCCEEDED, [c.error for c in job.chunks.all()]
    rows = {x.kibetsu_id: x for x in Kesson.objects.all()}
    assert {kid: (x.reason, x.shometsu_date, x.amount) for kid, x in rows.items()} == {
        j.kibetsu_id: (KessonReason.JIKO, date(2025, 7, 25), 65_000),
        k.kibetsu_id: (KessonReason.JIKO, date(2025, 8, 1), 40_000),
        o.kibetsu_id: (KessonReason.TEISHI, date(2025, 3, 16), 30_000),
    }
    # the ledger balances: each struck off by one entry of kind 不納欠損
    bal = balances(rows)
    assert {b.zan for b in bal.values()} == {0}
    assert Shuno.objects.filter(kind=ShunoKind.KESSON).count() == 3
    # the list as CSV, through the platform writer; an EXPORT row names the people
    f = JobFile.objects.get(job=job, name=f"kesson_{job.pk}.csv")
    lines = list(csv.reader(io.StringIO(read(f).decode("utf-8-sig"))))
    assert lines[0][:3] == ["宛名番号", "税目", "年度"] and len(lines) == 4
    assert {r[6] for r in lines[1:]} == {KessonReason.JIKO.label, KessonReason.TEISHI.label}
    exp = AccessLog.objects.get(action=AccessAction.EXPORT, screen=f"job:{KESSON}")
    assert sorted(exp.detail["atena_ids"]) == sorted([head.pk, other.pk])
    remove_files(job)
    # a second job and a chunk run again write nothing twice
    again = run(KESSON, {"kijun": "2025-08-01"}, django_capture_on_commit_callbacks)
    assert again.total == 0 and Kesson.objects.count() == 3
    kind = get_kind(KESSON)
    assert kind is not None
    kind.run_chunk(job, job.chunks.get())
    assert Shuno.objects.filter(kind=ShunoKind.KESSON).count() == 3
    remove_files(again)


def test_the_saikoku_job_prints_each_case_once(
    taxpayer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    head = taxpayer["head"]
    job = run(SAIKOKU, {"hakko_date": "2024-01-10"}, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.SUCCEEDED, [c.error for c in job.chunks.all()]
    s = Saikoku.objects.get()
    assert (s.case.atena_id, s.zan) == (head.pk, 105_000)
    assert s.kibetsu_ids == [taxpayer["j"].kibetsu_id, taxpayer["k"].kibetsu_id]
    pdf = JobFile.objects.get(job=job, name__endswith=".pdf")
    text = pdf_text(read(pdf))
    assert len(PdfReader(io.BytesIO(read(pdf))).pages) == 1
    assert "催告書" in text and "65,000円" in text and "40,000円" in text and "105,000円" in text
    assert "国民健康保険税" in text and "令和6年1月10日" in text
    assert f"{s.entaikin:,}円" in text and s.entaikin > 0
    assert TainoKeika.objects.filter(kind="saikoku", ref_id=s.pk).count() == 1
    # recorded on the case; a 催告 withholds the 時効 (6 months) where it matters
    again = run(SAIKOKU, {"hakko_date": "2024-01-10"}, django_capture_on_commit_callbacks)
    assert again.total == 1 and Saikoku.objects.count() == 1  # planned, already sent
    kind = get_kind(SAIKOKU)
    assert kind is not None
    kind.run_chunk(job, job.chunks.get())
    assert Saikoku.objects.count() == 1
    remove_files(job)
    remove_files(again)
    # a 催告 in the last months before the 時効: completion withheld 6 months
    run(SAIKOKU, {"hakko_date": "2025-06-01", "atena_ids": [head.pk]},
        django_capture_on_commit_callbacks)  # fmt: skip
    assert jiko_many([taxpayer["k"].kibetsu_id])[taxpayer["k"].kibetsu_id].on == date(2025, 12, 2)
    for job in Job.objects.filter(kind=SAIKOKU):
        remove_files(job)


def test_two_towns_never_meet_in_taino(
    alpha: Any, beta: Any, django_capture_on_commit_callbacks: Any
) -> None:
    connection.set_tenant(alpha.municipality)
    _, (pa, *_) = household_tennyu("hayama", members=family(), ido_date=date(2015, 4, 1))
    a = post(pa.pk, "a1", 20_000, date(2019, 6, 30), nendo=2019)
    grant_beta_shuno()
    connection.set_tenant(beta.municipality)
    _, (pb, *_) = household_tennyu("samukawa", members=family(), ido_date=date(2015, 4, 1))
    b = post(pb.pk, "b1", 70_000, date(2024, 6, 30), nendo=2024)
    # 寒川町's list, 催告 and 不納欠損 see only its own
    assert [r.atena_id for r in case_list(on=date(2025, 1, 10))] == [pb.pk]
    with pytest.raises(ShunoRefused, match="この滞納者の期別ではない"):
        teishi_create(atena_id=pb.pk, kibetsu_ids=[a.kibetsu_id], reason="muzaisan",
                      teishi_date=date(2025, 1, 1), memo="", actor=ACTOR)  # fmt: skip
    job = run(SAIKOKU, {"hakko_date": "2025-01-10", "atena_ids": [pa.pk, pb.pk]},
              django_capture_on_commit_callbacks)  # fmt: skip
    assert list(Saikoku.objects.values_list("case__atena_id", flat=True)) == [pb.pk]
    text = pdf_text(read(JobFile.objects.get(job=job, name__endswith=".pdf")))
    assert "70,000円" in text and "20,000円" not in text
    remove_files(job)
    kesson = run(KESSON, {"kijun": "2025-01-10"}, django_capture_on_commit_callbacks)
    assert kesson.total == 0 and not Kesson.objects.exists()  # 葉山町's 2019 期別 is not here
    remove_files(kesson)
    # 葉山町: its 2019 期別 (gone 2024-07-01) is struck off there, and nothing of 寒川町
    connection.set_tenant(alpha.municipality)
    assert not Saikoku.objects.exists()
    ka = run(KESSON, {"kijun": "2025-01-10"}, django_capture_on_commit_callbacks)
    assert list(Kesson.objects.values_list("kibetsu_id", flat=True)) == [a.kibetsu_id]
    remove_files(ka)
    connection.set_tenant(beta.municipality)
    assert balances([b.kibetsu_id])[b.kibetsu_id].zan == 70_000
    connection.set_schema_to_public()


def test_meters_count_saikoku_printed_and_kesson_per_town(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.utils import timezone

    from tenants.meters.registry import meter_values_for_all_members

    # given: 葉山町 sends one 催告書 and strikes off one 期別 (its 2019 時効 completed)
    connection.set_tenant(world.alpha.municipality)
    _, (pa, *_) = household_tennyu("hayama", members=family(), ido_date=date(2015, 4, 1))
    post(pa.pk, "m1", 20_000, date(2019, 6, 30), nendo=2019)
    post(pa.pk, "m2", 30_000, date(2024, 6, 30), nendo=2024)
    job = run(SAIKOKU, {"hakko_date": "2025-01-10"}, django_capture_on_commit_callbacks)
    kesson = run(KESSON, {"kijun": "2025-01-10"}, django_capture_on_commit_callbacks)
    assert (job.status, kesson.status) == (JobStatus.SUCCEEDED, JobStatus.SUCCEEDED)
    remove_files(job)
    remove_files(kesson)
    connection.set_schema_to_public()
    # when the platform reads the meters of both towns
    today = timezone.localdate()
    figures = meter_values_for_all_members(
        members=[world.alpha.municipality, world.beta.municipality],
        fiscal_year=today.year if today.month >= 4 else today.year - 1,
    )
    # then: only 葉山町's
    assert (figures["143014"]["saikoku"], figures["143014"]["kesson"]) == (1, 1)
    assert (figures["143219"].get("saikoku", 0), figures["143219"].get("kesson", 0)) == (0, 0)


def test_demo_cases_in_each_town_of_their_own(world: Any) -> None:
    from zeimu.models import Bunno, Shobun, TainoCase
    from zeimu.synth.shuno_taino import taino_demo_load

    for town, slug in ((world.alpha, "hayama"), (world.beta, "samukawa")):
        connection.set_tenant(town.municipality)
        for _ in range(8):
            household_tennyu(slug, members=family(), ido_date=date(2015, 4, 1))
        assert taino_demo_load() == 3
        assert taino_demo_load() == 0  # once
        cases = set(TainoCase.objects.values_list("atena_id", flat=True))
        assert len(cases) == 3 and Saikoku.objects.count() == 3
        assert Bunno.objects.count() == 1 and Shobun.objects.count() == 2
        # every case is of this town's people, and each has arrears across two 税目
        assert [len(r.zeimoku_labels) for r in case_list(on=date(2025, 5, 1))] == [2, 2, 2]
        assert {r.atena_id for r in case_list(on=date(2025, 5, 1))} == cases
    connection.set_schema_to_public()
