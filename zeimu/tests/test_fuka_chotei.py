"""個人住民税's 調定 in the 収納 ledger (issue 18 item 1): the 当初賦課 job posts each
current assessment's 普通徴収 期別, a re-run chunk posts nothing new, a 更正 writes the
difference; 特別徴収 is not posted; the other town sees none of it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from juminkiroku.tests.factories import family, household_tennyu
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.jobs.models import JobStatus
from tenants.jobs.registry import get_kind
from tenants.jobs.services import job_start
from tenants.params.tenant.models import MunicipalParameter
from zeimu.models import Chotei, ChoteiKind, Fuka, Kibetsu, KyuyoHokoku, Shinkoku, Zeimoku
from zeimu.services.fuka import kosei

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="tester")


def _town(capture: Any, *, wife_pay: int) -> dict[str, Any]:
    MunicipalParameter.objects.create(
        key="zeimu.kojin_juminzei.kyuchi", fiscal_year_from=2020, value=2, source="テスト",
        created_by="test",
    )  # fmt: skip
    _, (head, wife, child) = household_tennyu("hayama", members=family(), ido_date=date(2020, 4, 1))
    for atena, pay, toku in ((head, 5_200_000, True), (wife, wife_pay, False)):
        KyuyoHokoku.objects.create(
            atena_id=atena.pk, shotoku_year=2024, employer_no=f"E{atena.pk}",
            employer_name="株式会社葉山", shiharai_kingaku=pay, shakai_hoken=0,
            tokubetsu_choshu=toku,
        )  # fmt: skip
    with capture(execute=True):
        job = job_start(kind="zeimu_tosho_fuka", params={"fiscal_year": 2025}, actor=ACTOR)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, [c.error for c in job.chunks.all()]
    return {"job": job, "head": head, "wife": wife, "child": child}


def _ledger(atena_id: int) -> list[tuple[str, int, int]]:
    return [
        (k.key, k.ki, int(sum(c.amount for c in k.chotei.all())))
        for k in Kibetsu.objects.filter(atena_id=atena_id).order_by("ki")
    ]


def test_tosho_posts_futsu_kibetsu_once_and_kosei_the_difference(
    alpha: Any, beta: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given 葉山町's 当初賦課: the husband by his employer (特別徴収), the wife 普通徴収
    connection.set_tenant(alpha.municipality)
    town = _town(django_capture_on_commit_callbacks, wife_pay=1_500_000)
    wife = Fuka.objects.get(atena_id=town["wife"].pk, is_current=True)
    futsu = wife.kibetsu["futsu"]
    # then her 普通徴収 期別 are in the ledger under the 個人住民税, as the 賦課 says
    assert _ledger(town["wife"].pk) == [
        (f"juminzei:2025:{town['wife'].pk}:{n}", n, k["amount"])
        for n, k in enumerate(futsu, start=1)
    ]
    assert sum(a for *_, a in _ledger(town["wife"].pk)) == wife.futsu_choshu_gaku > 0
    kib = Kibetsu.objects.get(key=f"juminzei:2025:{town['wife'].pk}:1")
    assert (kib.zeimoku, kib.nouki.isoformat(), kib.ki_label) == (
        Zeimoku.JUMINZEI, futsu[0]["due"], futsu[0]["label"],
    )  # fmt: skip
    assert set(Chotei.objects.values_list("kind", flat=True)) == {ChoteiKind.TOSHO}
    assert Chotei.objects.filter(ref=f"fuka:{wife.pk}:1").exists()
    # 特別徴収 (the employer pays) and 未申告 are no 期別 of the taxpayer
    assert _ledger(town["head"].pk) == [] and _ledger(town["child"].pk) == []
    # when a chunk is delivered again, nothing new is written
    kind = get_kind("zeimu_tosho_fuka")
    assert kind is not None
    count = Chotei.objects.count()
    for chunk in town["job"].chunks.all():
        kind.run_chunk(town["job"], chunk)
    assert Chotei.objects.count() == count
    # when a 申告 lowers her tax and the clerk makes the 更正
    Shinkoku.objects.create(
        atena_id=town["wife"].pk, shotoku_year=2024, kind="juminzei", seimei_ippan_shin=80_000,
        shinzoku=[{"age": 17, "gokei_shotoku": 0, "zokugara": "子"}],
    )  # fmt: skip
    new = kosei(fuka_id=wife.pk, reason="住民税申告の受付", actor=ACTOR)
    # then the ledger holds the new amounts, the differences as 減額更正 entries
    assert [a for *_, a in _ledger(town["wife"].pk)] == [k["amount"] for k in new.kibetsu["futsu"]]
    assert sum(a for *_, a in _ledger(town["wife"].pk)) == new.futsu_choshu_gaku
    assert set(
        Chotei.objects.filter(ref__startswith=f"fuka:{new.pk}:").values_list("kind", flat=True)
    ) <= {ChoteiKind.GENGAKU}
    assert Chotei.objects.filter(kind=ChoteiKind.GENGAKU).exists()
    # and 寒川町 sees none of it
    connection.set_tenant(beta.municipality)
    assert not Kibetsu.objects.exists() and not Chotei.objects.exists()
