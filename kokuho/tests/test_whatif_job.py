"""税率の試算 (issue 15 item 7): the job over the whole town computes every 国保世帯 under
the town's current rates and the scenario's with the 国保税 rules, adds them up per 区分
with the distribution of changes; a killed chunk runs again to the same rows; the real
資格 and 税務 tables are byte-identical before and after; each town sees only its own."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection as dj_connection
from django.db import transaction

from juminkiroku.tests.factories import family, person_fields
from kokuho.models import Shikaku, WhatifRun, WhatifScenario, WhatifSetai
from kokuho.rules.hokenzei import hokenzei_calculate
from kokuho.rules.hokenzei_inputs import HokenzeiInput, Member, Shotoku
from kokuho.services.whatif import whatif_run_start, whatif_scenario_create
from kokuho.services.whatif_params import WhatifValuesError, side_parameters
from kokuho.tests.factories import tennyu
from kokuho.whatif_job import KIND, WhatifJob
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.jobs.models import JobStatus
from tenants.jobs.services import JobRefused
from tenants.jobs.tasks import run_job_chunk
from tenants.params.tenant.models import MunicipalParameter
from zeimu.tests.factories import kazei

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="zaisei")
P = "kokuho.hokenzei."
FY = 2025

#: 葉山町's 条例 rates of 令和7年度 in this test (10万分率 and 円)
GENKO = {
    "iryo.shotokuwari": 7000,
    "iryo.kintowari": 30_000,
    "iryo.byodowari": 20_000,
    "shien.shotokuwari": 2000,
    "shien.kintowari": 10_000,
    "kaigo.shotokuwari": 1500,
    "kaigo.kintowari": 9_000,
}
#: "if 医療分 所得割 were 7.2% and 均等割 24,000円"
SHISAN = {**GENKO, "iryo.shotokuwari": 7200, "iryo.kintowari": 24_000}


def set_rates(rates: dict[str, int], fiscal_year: int = FY) -> None:
    for key, value in rates.items():
        MunicipalParameter.objects.create(
            key=P + key, fiscal_year_from=fiscal_year, value=value, source="テスト", created_by="t"
        )


def scenario(rates: dict[str, int], **kw: Any) -> WhatifScenario:
    return whatif_scenario_create(
        name=kw.pop("name", "医療分 7.2%・均等割24,000円"),
        nendo=kw.pop("nendo", FY),
        genko_nendo=kw.pop("genko_nendo", FY),
        shotoku_nendo=kw.pop("shotoku_nendo", FY),
        values={P + k: v for k, v in rates.items()} | {P + "rounding.kubun": 1},
        actor=ACTOR,
        **kw,
    )


def town(capture: Any, slug: str = "hayama") -> dict[str, Any]:
    """A single person of 30 with 給与所得 200万円, and a family (45, 43, 15) whose head has
    給与所得 300万円, the wife none (assessed), the child no 課税資料 (未申告)."""
    _, (single,) = tennyu(
        capture, slug, members=[person_fields(birth_date="1995-05-05")], day=date(2020, 4, 1)
    )
    _, (head, wife, child) = tennyu(
        capture, slug, members=family("鈴木", "スズキ"), day=date(2020, 4, 1)
    )
    kazei(single.pk, FY, kyuyo=2_000_000, kintowari=0)
    kazei(head.pk, FY, kyuyo=3_000_000, kintowari=0)
    kazei(wife.pk, FY, status="hikazei")
    return {"single": single, "head": head, "wife": wife, "child": child}


def run_job(capture: Any, sc: WhatifScenario) -> WhatifRun:
    with capture(execute=True):
        job = whatif_run_start(scenario=sc, actor=ACTOR)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, [c.error for c in job.chunks.all()]
    return WhatifRun.objects.get(job_id=job.pk)


def dump_real_tables() -> dict[str, str]:
    """Every row of every kokuho and zeimu table but the what-if's own, as text, ordered."""
    with dj_connection.cursor() as cur:
        cur.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = "
            "current_schema() AND table_type = 'BASE TABLE' AND (table_name LIKE 'kokuho\\_%%' "
            "OR table_name LIKE 'zeimu\\_%%') AND table_name NOT LIKE 'kokuho\\_whatif%%' "
            "ORDER BY 1"
        )
        tables = [r[0] for r in cur.fetchall()]
        out = {}
        for t in tables:
            cur.execute(
                f"SELECT COALESCE(string_agg(x::text, E'\\n' ORDER BY x::text), '') FROM \"{t}\" x"
            )
            out[t] = cur.fetchone()[0]
    return out


def test_the_whole_town_under_both_rate_sets_with_totals_and_bands(
    alpha, beta, django_capture_on_commit_callbacks
):
    # given 葉山町 with its 令和7年度 rates, two households, and 寒川町 with its own
    connection.set_tenant(alpha.municipality)
    set_rates(GENKO)
    people = town(django_capture_on_commit_callbacks)
    sc = scenario(SHISAN)
    before = dump_real_tables()
    connection.set_tenant(beta.municipality)
    set_rates(GENKO)
    town(django_capture_on_commit_callbacks, "samukawa")
    beta_before = dump_real_tables()

    # when the finance office runs the what-if in 葉山町
    connection.set_tenant(alpha.municipality)
    run = run_job(django_capture_on_commit_callbacks, sc)

    # then the single person, worked by hand (旧ただし書 200万 − 43万 = 157万):
    # 現行 医療 157万×7% 109,900 + 均等 30,000 + 平等 20,000 = 159,900; 支援 31,400 + 10,000
    # = 41,400; 年税額 201,300. 試算 医療 113,040 + 24,000 + 20,000 = 157,040; 年税額
    # 198,440 → 198,400 (100円未満切捨て). 判定所得 200万 > 43万 + 56万: no 軽減.
    rows = {r.setai_id: r for r in WhatifSetai.objects.filter(run=run)}
    single = rows[people["single"].setai_id]
    assert (single.genko_iryo, single.genko_shien, single.genko_kaigo) == (159_900, 41_400, 0)
    assert (single.genko_nengaku, single.shisan_iryo, single.shisan_nengaku) == (
        201_300,
        157_040,
        198_400,
    )
    assert single.hihokensha_su == 1 and single.keigen_wari == 0
    # and the family is what the rules give for the same household built by hand
    p_genko = side_parameters({P + k: v for k, v in GENKO.items()} | {P + "rounding.kubun": 1}, FY)
    p_shisan = side_parameters(sc.values, FY)
    shikaku = {s.atena_id: s.pk for s in Shikaku.objects.all()}
    fam = HokenzeiInput(
        fiscal_year=FY,
        setainushi=str(shikaku[people["head"].pk]),
        members=(
            Member(
                key=str(shikaku[people["head"].pk]),
                birth_date=date(1980, 5, 5),
                shotoku=Shotoku(kyuyo=3_000_000, gokei_shotoku=3_000_000),
                shutoku_date=date(2020, 4, 1),
                kyuyo_shotokusha=True,
            ),
            Member(
                key=str(shikaku[people["wife"].pk]),
                birth_date=date(1982, 7, 7),
                shotoku=Shotoku(gokei_shotoku=0),
                shutoku_date=date(2020, 4, 1),
                kyuyo_shotokusha=False,
            ),
            Member(
                key=str(shikaku[people["child"].pk]),
                birth_date=date(2010, 4, 1),
                shotoku=Shotoku(shinkoku=False),
                shutoku_date=date(2020, 4, 1),
                kyuyo_shotokusha=False,
            ),
        ),
    )
    family_row = rows[people["head"].setai_id]
    assert family_row.hihokensha_su == 3
    assert family_row.genko_nengaku == hokenzei_calculate(fam, p_genko).nengaku
    assert family_row.shisan_nengaku == hokenzei_calculate(fam, p_shisan).nengaku
    assert family_row.genko_kaigo > 0  # 45 and 43: 介護納付金分
    # 均等割 −6,000 × 3 against 所得割 +0.2% of 257万 (+5,140): −12,860 before each side's
    # 年税額 is rounded down to 100円 (427,800 → 414,900)
    assert (family_row.genko_nengaku, family_row.shisan_nengaku) == (427_800, 414_900)

    # and the totals and the distribution, in SQL over the rows
    run.refresh_from_db()
    result: dict[str, Any] = run.result or {}
    assert result["households"] == 2 and result["hihokensha"] == 4
    assert result["total"] == {
        "genko": single.genko_nengaku + family_row.genko_nengaku,
        "shisan": single.shisan_nengaku + family_row.shisan_nengaku,
    }
    iryo = next(k for k in result["kubun"] if k["kubun"] == "iryo")
    assert iryo["genko"] == single.genko_iryo + family_row.genko_iryo
    assert [k["kubun"] for k in result["kubun"]] == ["iryo", "shien", "kaigo"]
    assert result["down"] == 2 and result["up"] == 0 and result["same"] == 0
    band = next(b for b in result["bands"] if b["label"] == "1円以上5,000円未満の減少")
    assert band["count"] >= 1 and sum(b["count"] for b in result["bands"]) == 2
    assert [b["label"] for b in result["bands"]][5] == "変わらない"

    # and nothing real changed, in either town; 寒川町 has no what-if rows
    assert dump_real_tables() == before
    connection.set_tenant(beta.municipality)
    assert dump_real_tables() == beta_before
    assert not WhatifRun.objects.exists() and not WhatifSetai.objects.exists()
    assert not WhatifScenario.objects.exists()
    # and 寒川町's own run counts only its own households (no 税務 there: all 未申告)
    sc_beta = scenario(SHISAN)
    run_beta = run_job(django_capture_on_commit_callbacks, sc_beta)
    assert (run_beta.result or {})["households"] == 2
    assert WhatifSetai.objects.filter(run=run_beta).count() == 2
    assert dump_real_tables() == beta_before
    connection.set_tenant(alpha.municipality)
    assert WhatifRun.objects.count() == 1 and WhatifSetai.objects.count() == 2


def test_a_killed_chunk_runs_again_to_the_same_rows(alpha, django_capture_on_commit_callbacks):
    # given a planned job (chunks not sent)
    connection.set_tenant(alpha.municipality)
    set_rates(GENKO)
    town(django_capture_on_commit_callbacks)
    sc = scenario(SHISAN)
    job = whatif_run_start(scenario=sc, actor=ACTOR)
    run = WhatifRun.objects.get(job_id=job.pk)
    chunk = job.chunks.get()
    kind = WhatifJob()

    # when the worker dies after the work, before its transaction commits
    class Killed(Exception):
        pass

    with pytest.raises(Killed), transaction.atomic():
        kind.run_chunk(job, chunk)
        assert WhatifSetai.objects.filter(run=run).count() == 2
        raise Killed
    # then nothing is left of it
    assert not WhatifSetai.objects.filter(run=run).exists()
    # when it runs (twice: a message delivered again) and the job finishes
    with transaction.atomic():
        kind.run_chunk(job, chunk)
    first = sorted(
        WhatifSetai.objects.filter(run=run).values_list(
            "setai_id", "genko_nengaku", "shisan_nengaku"
        )
    )
    run_job_chunk(job.pk, chunk.pk, chunk.dispatch)
    # then the rows are the same, once each, and the job is done with its result
    again = sorted(
        WhatifSetai.objects.filter(run=run).values_list(
            "setai_id", "genko_nengaku", "shisan_nengaku"
        )
    )
    assert again == first and len(again) == 2
    job.refresh_from_db()
    run.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and (run.result or {})["households"] == 2


def test_values_are_checked_against_the_law_and_refusals_write_nothing(alpha, beta):
    connection.set_tenant(alpha.municipality)
    # a 課税限度額 above the law's, a rate above 100%, a missing 均等割
    bad = {**SHISAN, "iryo.gendo_jorei": 700_000, "shien.shotokuwari": 100_001}
    bad.pop("kaigo.kintowari")
    with pytest.raises(WhatifValuesError) as err:
        scenario(bad)
    errors = err.value.errors
    assert "国の額（660,000円）以下" in errors[P + "iryo.gendo_jorei"]
    assert "0から100000までの整数" in errors[P + "shien.shotokuwari"]
    assert errors[P + "kaigo.kintowari"] == "介護納付金分 均等割額を入力してください。"
    # a 子ども分 value is not a 令和7年度 value
    with pytest.raises(WhatifValuesError, match="町村が定める値ではありません"):
        scenario({**SHISAN, "kodomo.kintowari": 100})
    assert not WhatifScenario.objects.exists()
    # without current rates of the town the run is refused (nothing to compare with)
    sc = scenario(SHISAN)
    with pytest.raises((JobRefused, ValueError), match="現行の税率"):
        whatif_run_start(scenario=sc, actor=ACTOR)
    assert not WhatifRun.objects.exists()
    assert AccessLog.objects.filter(screen="kokuho.whatif_new", record_id=str(sc.pk)).exists()
    # the scenario of one town is not found in the other
    connection.set_tenant(beta.municipality)
    set_rates(GENKO)
    with pytest.raises((JobRefused, ValueError), match="試算が見つかりません"):
        from tenants.jobs.services import job_start

        job_start(kind=KIND, params={"scenario_id": sc.pk}, actor=ACTOR)
