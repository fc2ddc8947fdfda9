"""Issue 18 item 1: the modules post their 調定 to the one 収納 ledger. A household assessed
for 個人住民税 (当初賦課), 国保税 (本算定) and 介護保険料 (本算定) shows the three 税目 on the
taxpayer's ledger screen; a 国保税 更正 and a 介護保険料 更正 write their differences; a job
run again posts nothing new; 寒川町 sees none of it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from juminkiroku.tests.factories import family
from kaigo.fuka_jobs import HONSANTEI as KAIGO_HONSANTEI
from kaigo.models import KaigoFuka
from kaigo.tests.factories import elders, tennyu
from kaigo.tests.fuka_helpers import set_table
from kokuho.fuka_jobs import HONSANTEI as KOKUHO_HONSANTEI
from kokuho.models import KokuhoFuka
from kokuho.tests.fuka_helpers import run_job, set_rates
from tenants.db import connection
from tenants.jobs.models import JobStatus
from tenants.params.tenant.models import MunicipalParameter
from tests.personas import ALPHA_HOST
from zeimu.models import Chotei, ChoteiKind, Fuka, Kibetsu, KyuyoHokoku, Zeimoku

pytestmark = pytest.mark.django_db

FY = 2025


def _assess_all(cap: Any) -> None:
    for kind in ("zeimu_tosho_fuka", KOKUHO_HONSANTEI, KAIGO_HONSANTEI):
        params: dict[str, Any] = {"fiscal_year": FY}
        if kind != "zeimu_tosho_fuka":
            params["kijun_date"] = "2025-07-01"
        job = run_job(cap, kind, **params)
        assert job.status == JobStatus.SUCCEEDED, (kind, [c.error for c in job.chunks.all()])


def _sums(atena_id: int) -> dict[str, int]:
    out: dict[str, int] = {}
    for k in Kibetsu.objects.filter(atena_id=atena_id).prefetch_related("chotei"):
        out[k.zeimoku] = out.get(k.zeimoku, 0) + sum(c.amount for c in k.chotei.all())
    return out


def test_three_modules_post_and_the_ledger_screen_shows_them(
    world: Any, login: Any, alpha: Any, beta: Any, django_capture_on_commit_callbacks: Any
) -> None:
    cap = django_capture_on_commit_callbacks
    # given 寒川町 with a household of its own, assessed for 国保税
    connection.set_tenant(beta.municipality)
    set_rates()
    tennyu(cap, "samukawa", members=family("佐藤", "サトウ"), day=date(2020, 4, 1))
    job = run_job(cap, KOKUHO_HONSANTEI, fiscal_year=FY, kijun_date="2025-07-01")
    assert job.status == JobStatus.SUCCEEDED
    samukawa_kibetsu = set(Kibetsu.objects.values_list("nofu_bango", flat=True))
    # and in 葉山町 an elderly couple with their son: the husband (世帯主, 75 in June) earns a
    # salary paid without 特別徴収, the wife a small one, the son's employer withholds his
    connection.set_tenant(alpha.municipality)
    set_rates()
    set_table()
    MunicipalParameter.objects.create(
        key="zeimu.kojin_juminzei.kyuchi", fiscal_year_from=2020, value=2, source="テスト",
        created_by="test",
    )  # fmt: skip
    _, (husband, wife, son) = tennyu(cap, members=elders(), day=date(2020, 4, 1))
    for atena, pay, toku in ((husband, 4_000_000, False), (wife, 900_000, False),
                             (son, 3_000_000, True)):  # fmt: skip
        KyuyoHokoku.objects.create(
            atena_id=atena.pk, shotoku_year=FY - 1, employer_no=f"E{atena.pk}",
            employer_name="株式会社葉山", shiharai_kingaku=pay, shakai_hoken=0,
            tokubetsu_choshu=toku,
        )  # fmt: skip
    # when 住民税, 国保税 and 介護保険料 are assessed
    _assess_all(cap)
    # then the ledger holds each module's 調定 as its 賦課 says
    juminzei = Fuka.objects.get(atena_id=husband.pk, is_current=True)
    kokuho = KokuhoFuka.objects.get(setai_id=husband.setai_id, is_current=True)
    kaigo = KaigoFuka.objects.get(atena_id=husband.pk, is_current=True)
    assert kokuho.nozei_gimusha_id == husband.pk
    assert kaigo.choshu_hoho == "futsu"
    assert _sums(husband.pk) == {
        Zeimoku.JUMINZEI: juminzei.futsu_choshu_gaku,
        Zeimoku.KOKUHOZEI: kokuho.nengaku,
        Zeimoku.KAIGO: kaigo.hokenryo,
    }
    assert juminzei.futsu_choshu_gaku > 0 and kokuho.nengaku > 0 and kaigo.hokenryo > 0
    # the son's 住民税 is withheld by his employer: not his 期別; 国保税 is the 世帯主's
    assert Zeimoku.JUMINZEI not in _sums(son.pk) and Zeimoku.KOKUHOZEI not in _sums(son.pk)
    assert Zeimoku.KAIGO in _sums(wife.pk)
    # when every job is run again, nothing new is written
    entries = Chotei.objects.count()
    _assess_all(cap)
    assert Chotei.objects.count() == entries
    assert set(Chotei.objects.values_list("kind", flat=True)) == {ChoteiKind.TOSHO}
    # and the taxpayer's ledger screen shows the three 税目
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    page = clerk.get(f"/zeimu/shuno/nozeisha/{husband.pk}/").content.decode()
    for label in ("個人住民税（普通徴収）", "国民健康保険税", "介護保険料"):
        assert label in page
    # 寒川町 holds its own household's 国保税 only, never 葉山町's
    connection.set_tenant(beta.municipality)
    assert set(Kibetsu.objects.values_list("nofu_bango", flat=True)) == samukawa_kibetsu
    assert set(Kibetsu.objects.values_list("zeimoku", flat=True)) == {Zeimoku.KOKUHOZEI}
