"""第1号保険料: the 段階 judged on 合計所得金額 less the 長期・短期譲渡所得の特別控除
(介護保険法施行令第38条第4項ほか), end to end: a 申告 with a 分離課税の長期譲渡所得 and the
居住用財産の3,000万円特別控除 (租税特別措置法第35条), assessed by zeimu's engine, read through
``zeimu.public`` by the 本算定 job; two towns.

The person (葉山町, born 1950-04-10, 74 on 31 December 2024): 公的年金等収入 2,000,000円 and a
sale of a home held over 5 years, 居住用 3,000万円 claimed. By zeimu (hand computation, see
zeimu/tests/test_rules_bunri_joto.py for the rules and their sources):
  公的年金等以外の合計所得金額 (the 譲渡所得 before 特別控除) > 2,000万円 → 公的年金等控除
  900,000円 → 雑所得 1,100,000円; 合計所得金額 = 1,100,000 + 譲渡所得; 特別控除 30,000,000円.
So 合計所得金額 − 特別控除 = 1,100,000 + (譲渡所得 − 30,000,000): for 譲渡所得 30,099,999 /
30,100,000 / 32,099,999 / 32,100,000 it is 1,199,999 / 1,200,000 / 3,199,999 / 3,200,000,
both sides of 島田市's 120万円 and 320万円 boundaries (第6/第7, 第8/第9段階 of its published
table, kaigo/tests/test_rules_hokenryo.py). Judged on the 合計所得金額 itself (31〜33百万円)
every one of them would be 第9段階.
"""

from __future__ import annotations

from datetime import date

import pytest

from kaigo.fuka_jobs import HONSANTEI
from kaigo.models import KaigoFuka
from kaigo.tests.fuka_helpers import SHIMADA_NENGAKU, alone, run_job, set_table
from tenants.db import connection
from tenants.jobs.models import JobStatus
from zeimu import public as zp
from zeimu.tests.factories import assessed_from_shinkoku

pytestmark = pytest.mark.django_db

FY = 2025
BIRTH = "1950-04-10"
KOJO = 30_000_000


def _sale(atena_id: int, joto_shotoku: int) -> None:
    assessed_from_shinkoku(
        atena_id,
        FY,
        date.fromisoformat(BIRTH),
        nenkin_shunyu=2_000_000,
        choki_joto_shunyu=joto_shotoku + 10_000_000,
        choki_joto_keihi=10_000_000,
        choki_tokurei="kyojuyo",
        choki_tokubetsu_kojo=KOJO,
    )


@pytest.mark.parametrize(
    ("joto", "kojogo", "dankai"),
    [
        (30_099_999, 1_199_999, 6),
        (30_100_000, 1_200_000, 7),
        (32_099_999, 3_199_999, 8),
        (32_100_000, 3_200_000, 9),
    ],
)
def test_stage_of_gokei_less_joto_tokubetsu_kojo_through_the_job(
    alpha, django_capture_on_commit_callbacks, joto, kojogo, dankai
):
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(alpha.municipality)
    set_table()
    p = alone(cap, "譲渡　一郎", "ジョウト　イチロウ", BIRTH)
    _sale(p.pk, joto)
    # zeimu's public face: the 合計所得金額 with the 譲渡所得 before its 特別控除, and the 控除
    k = zp.person_kazei(p.pk, FY)
    assert k is not None and k.jokyo is zp.KazeiJokyo.KAZEI
    assert k.shotoku.nenkin_shotoku == 1_100_000
    assert (k.shotoku.joto_shotoku, k.shotoku.joto_tokubetsu_kojo) == (joto, KOJO)
    assert k.gokei_shotoku == 1_100_000 + joto
    job = run_job(cap, HONSANTEI, fiscal_year=FY, kijun_date="2025-07-01")
    assert job.status == JobStatus.SUCCEEDED, [c.error for c in job.chunks.all()]
    f = KaigoFuka.objects.get(atena_id=p.pk)
    assert (f.dankai, f.hokenryo) == (dankai, SHIMADA_NENGAKU[dankai])
    assert f.gokei_shotoku == 1_100_000 + joto
    assert f.detail["input"]["honnin"]["joto_tokubetsu_kojo"] == KOJO
    assert f.detail["result"]["gokei_shotoku_kojogo"] == kojogo


def test_each_town_judges_its_own_sale(alpha, beta, django_capture_on_commit_callbacks):
    cap = django_capture_on_commit_callbacks
    # 寒川町: the same kind of sale, 譲渡所得 32,100,000 (→ 3,200,000, 第9段階)
    connection.set_tenant(beta.municipality)
    set_table()
    q = alone(cap, "寒川　譲渡", "サムカワ　ジョウト", BIRTH, town="samukawa")
    _sale(q.pk, 32_100_000)
    # 葉山町: 譲渡所得 30,100,000 (→ 1,200,000, 第7段階)
    connection.set_tenant(alpha.municipality)
    set_table()
    p = alone(cap, "葉山　譲渡", "ハヤマ　ジョウト", BIRTH)
    _sale(p.pk, 30_100_000)
    # 葉山町's face answers with 葉山町's 申告 only (the ids of the two towns may coincide)
    k = zp.person_kazei(p.pk, FY)
    assert k is not None and k.shotoku.joto_shotoku == 30_100_000
    run_job(cap, HONSANTEI, fiscal_year=FY, kijun_date="2025-07-01")
    assert list(KaigoFuka.objects.values_list("atena_id", "dankai")) == [(p.pk, 7)]
    # 寒川町: nothing of 葉山町's job; its own job judges its own 申告
    connection.set_tenant(beta.municipality)
    assert not KaigoFuka.objects.exists()
    run_job(cap, HONSANTEI, fiscal_year=FY, kijun_date="2025-07-01")
    assert list(KaigoFuka.objects.values_list("atena_id", "dankai")) == [(q.pk, 9)]
    f = KaigoFuka.objects.get()
    assert f.detail["input"]["honnin"]["joto_tokubetsu_kojo"] == KOJO
    assert f.detail["result"]["gokei_shotoku_kojogo"] == 3_200_000
