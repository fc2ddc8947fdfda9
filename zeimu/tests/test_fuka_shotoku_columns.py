"""The 所得 columns of the 賦課 (給与所得, 年金所得, その他所得, 課税総所得金額, 年金収入) that
``zeimu.public`` reads: every writer keeps them equal to the 内訳 (``detail.result``) the
engine wrote, the migration's backfill derives them from it, and one town's rows answer
only in that town."""

from __future__ import annotations

import importlib
import json

import pytest
from django.db import connection as dj

from tenants.accesslog.services import Actor
from tenants.db import connection
from zeimu import public
from zeimu.models import Fuka, NenkinHokoku
from zeimu.services.fuka import kosei
from zeimu.tests.test_fuka_results import hayama  # noqa: F401  (fixture: 葉山町, assessed)

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="tester")
FY = 2025
COLUMNS = ("kyuyo_shotoku", "nenkin_shotoku", "sonota_shotoku", "kazei_shotoku", "nenkin_shunyu")


def _from_detail(f: Fuka) -> dict[str, int]:
    """The figures as the 内訳 holds them (0 where it holds none: a 未申告 row)."""
    r = f.detail.get("result") or {}
    nenkin = r.get("nenkin") or {}
    return {
        "kyuyo_shotoku": r.get("kyuyo_shotoku_after_chosei") or 0,
        "nenkin_shotoku": nenkin.get("shotoku") or 0,
        "sonota_shotoku": r.get("sonota_shotoku") or 0,
        "kazei_shotoku": r.get("kazei_shotoku") or 0,
        "nenkin_shunyu": nenkin.get("shunyu") or 0,
    }


def _columns(f: Fuka) -> dict[str, int]:
    return {c: getattr(f, c) for c in COLUMNS}


def test_the_batch_writes_the_columns_equal_to_its_detail(hayama):  # noqa: F811
    # given: 葉山町 assessed for 令和7年度 by the 当初賦課 job (COPY path): salary, pension,
    # a 未申告 child
    rows = list(Fuka.objects.filter(fiscal_year=FY, is_current=True))
    # then: each row's columns are its 内訳's figures
    assert len(rows) == 4
    for f in rows:
        assert _columns(f) == _from_detail(f), f.atena_id
    head = Fuka.objects.get(atena_id=hayama["head"].pk, fiscal_year=FY)
    grandpa = Fuka.objects.get(atena_id=hayama["grandpa"].pk, fiscal_year=FY)
    # 給与所得 5,500,000 − (20% + 440,000) = 3,960,000; 公的年金等 3,000,000 − 1,100,000
    assert (head.kyuyo_shotoku, head.kazei_shotoku) == (3_960_000, 2_705_000)
    assert (grandpa.nenkin_shotoku, grandpa.nenkin_shunyu) == (1_900_000, 3_000_000)
    child = Fuka.objects.get(atena_id=hayama["child"].pk, fiscal_year=FY)
    assert _columns(child) == dict.fromkeys(COLUMNS, 0)


def test_a_kosei_keeps_the_columns_in_step(hayama):  # noqa: F811
    # given: the wife (salary only) is found to have had a pension of 1,500,000 in 令和6年
    wife = Fuka.objects.get(atena_id=hayama["wife"].pk, fiscal_year=FY, is_current=True)
    assert (wife.nenkin_shotoku, wife.nenkin_shunyu) == (0, 0)
    NenkinHokoku.objects.create(
        atena_id=hayama["wife"].pk,
        shotoku_year=2024,
        payer_no="NP0002",
        payer_name="日本年金機構",
        shiharai_kingaku=1_500_000,
        shakai_hoken=0,
        tokubetsu_choshu=False,
    )
    # when
    new = kosei(fuka_id=wife.pk, reason="年金支払報告書の追加", actor=ACTOR)
    # then: the new row's columns are its own 内訳's, and zeimu.public answers with them
    new.refresh_from_db()
    assert _columns(new) == _from_detail(new)
    # under 65: 1,500,000 × 75% − 275,000 = 850,000 of 年金所得; the 給与所得 950,000 less the
    # 所得金額調整控除 for 給与 and 年金 together (10万 + 10万 − 10万 = 10万) = 850,000
    assert (wife.kyuyo_shotoku, new.kyuyo_shotoku) == (950_000, 850_000)
    assert (new.nenkin_shotoku, new.nenkin_shunyu) == (850_000, 1_500_000)
    got = public.person_kazei(hayama["wife"].pk, FY)
    assert got is not None
    assert got.shotoku == public.Shotoku(
        kyuyo_shotoku=850_000,
        nenkin_shotoku=850_000,
        sonota_shotoku=0,
        gokei_shotoku=new.gokei_shotoku,
        kazei_shotoku=new.kazei_shotoku,
        nenkin_shunyu=1_500_000,
    )


def test_the_migration_backfill_derives_the_columns_from_the_detail(hayama, beta):  # noqa: F811
    # given: the answers of zeimu.public, then the columns emptied (rows as they stood
    # before the migration added them)
    ids = [hayama[k].pk for k in ("head", "wife", "child", "grandpa")]
    before = public.person_kazei_many(ids, FY)
    Fuka.objects.update(**dict.fromkeys(COLUMNS, 0))
    # (and the 内訳 in the object form: the compact one of zeimu 0031 came later)
    with dj.cursor() as cur:
        for f in Fuka.objects.all():
            cur.execute(
                "UPDATE zeimu_fuka SET detail = %s WHERE id = %s",
                [json.dumps(f.detail, ensure_ascii=False), f.pk],
            )
    assert public.person_kazei_many(ids, FY) != before
    # when: the migration's one UPDATE
    migration = importlib.import_module("zeimu.migrations.0018_fuka_shotoku")
    with dj.cursor() as cur:
        cur.execute(migration.BACKFILL)
    # then: the same answers as before, every column equal to the 内訳
    assert public.person_kazei_many(ids, FY) == before
    for f in Fuka.objects.all():
        assert _columns(f) == _from_detail(f)
    # and another town knows none of these people
    connection.set_tenant(beta.municipality)
    assert public.person_kazei_many(ids, FY) == {}
