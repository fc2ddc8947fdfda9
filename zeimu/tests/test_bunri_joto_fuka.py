"""分離課税の譲渡所得 from the 申告 to the 賦課 and zeimu's public face: the CSV import (its
特別控除 columns and their errors by file, line and field), the 申告 form, the 当初賦課 job
writing 合計所得金額 (特別控除前) and the 特別控除 into the 賦課's columns, ``zeimu.public``
answering with them in one query, and two towns that never see each other's.

Figures (hand computation, rules and sources in test_rules_bunri_joto.py): 75歳、公的年金等
収入 2,000,000円; 長期譲渡 収入 45,000,000円・取得費等 10,000,000円 → 35,000,000円, 居住用
3,000万円 → 特別控除 30,000,000円. 公的年金等以外の合計所得金額 35,000,000円 (> 2,000万円)
→ 控除 900,000円 → 雑所得 1,100,000円; 合計所得金額 36,100,000円 (→ 基礎控除 0);
課税総所得金額 1,100,000円; 課税長期譲渡所得金額 5,000,000円 → 所得割 市 66,000＋150,000＝
216,000円・県 44,000＋100,000＝144,000円 (調整控除なし: 合計所得金額 2,500万円超).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from juminkiroku.tests.factories import household_tennyu, person_fields
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.jobs.models import JobStatus
from tenants.jobs.services import job_start
from tenants.models import Gyomu, Subscription
from tenants.testing.queries import SqlCount
from zeimu import public as zp
from zeimu.forms.kazei import ShinkokuForm
from zeimu.models import Fuka, NenkinHokoku, Shinkoku, ShiryoImport
from zeimu.services.kazei_import import ImportRejected, kazei_import
from zeimu.tests.factories import assessed_from_shinkoku

pytestmark = pytest.mark.django_db

CLERK = Actor(user_id=1, username="clerk")
HEADER = (
    "宛名番号,所得年,申告の種類,長期譲渡（一般）の収入金額,長期譲渡（一般）の取得費・譲渡費用,"
    "長期譲渡の特別控除の種類,長期譲渡の特別控除額,短期譲渡（一般）の収入金額,短期譲渡の特別控除額"
)


def _csv(*lines: str) -> bytes:
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


def _elder(town: str) -> Any:
    _, (p,) = household_tennyu(
        town,
        members=[person_fields(shimei="譲渡　太郎", birth_date=date(1949, 6, 1))],
        ido_date=date(2015, 4, 1),
    )
    return p


def _tosho(capture: Any) -> None:
    with capture(execute=True):
        job = job_start(kind="zeimu_tosho_fuka", params={"fiscal_year": 2025}, actor=CLERK)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, [c.error for c in job.chunks.all()]


def _kyuchi() -> None:
    from tenants.params.tenant.models import MunicipalParameter

    MunicipalParameter.objects.create(
        key="zeimu.kojin_juminzei.kyuchi", fiscal_year_from=2020, value=1, source="テスト",
        created_by="test",
    )  # fmt: skip


def test_import_then_tosho_writes_gokei_and_tokubetsu_kojo_two_towns(
    alpha, beta, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    # 寒川町: a resident without any sale
    connection.set_tenant(beta.municipality)
    _kyuchi()
    other = _elder("samukawa")
    NenkinHokoku.objects.create(
        atena_id=other.pk, shotoku_year=2024, payer_no="NP0001", payer_name="日本年金機構",
        shiharai_kingaku=2_000_000,
    )  # fmt: skip
    # 葉山町: the 申告 with the sale, through the CSV import
    connection.set_tenant(alpha.municipality)
    _kyuchi()
    p = _elder("hayama")
    NenkinHokoku.objects.create(
        atena_id=p.pk, shotoku_year=2024, payer_no="NP0001", payer_name="日本年金機構",
        shiharai_kingaku=2_000_000,
    )  # fmt: skip
    row = f'{p.atena_no},2024,確定申告,"45,000,000",10000000,居住用財産（措法35条）,30000000,,'
    content = _csv(HEADER, row)
    kazei_import(kind="shinkoku", file_name="joto.csv", content=content, actor=CLERK)
    s = Shinkoku.objects.get(atena_id=p.pk)
    assert (s.choki_joto_shotoku, s.choki_tokurei, s.choki_tokubetsu_kojo) == (
        35_000_000, "kyojuyo", 30_000_000,
    )  # fmt: skip
    # the 当初賦課 of 葉山町
    _tosho(cap)
    f = Fuka.objects.get(atena_id=p.pk, is_current=True)
    assert (f.gokei_shotoku, f.joto_shotoku, f.joto_tokubetsu_kojo) == (
        36_100_000, 35_000_000, 30_000_000,
    )  # fmt: skip
    assert f.kazei_shotoku == 1_100_000 and f.nenkin_shotoku == 1_100_000
    assert (f.shotokuwari_shichoson, f.shotokuwari_dofuken) == (216_000, 144_000)
    r = f.detail["result"]
    assert (r["kazei_choki_joto"], r["choki_tokubetsu_kojo"]) == (5_000_000, 30_000_000)
    # zeimu's public face, one query
    with SqlCount() as sql:
        k = zp.person_kazei_many([p.pk], 2025)[p.pk]
    assert sql.count == 1
    assert (k.gokei_shotoku, k.shotoku.joto_shotoku, k.shotoku.joto_tokubetsu_kojo) == (
        36_100_000, 35_000_000, 30_000_000,
    )  # fmt: skip
    # 寒川町 (subscribed to 個人住民税 for this test): its own 当初賦課 sees no sale and none
    # of 葉山町's 申告
    connection.set_schema_to_public()
    Subscription.objects.create(
        municipality=beta.municipality,
        gyomu=Gyomu.objects.get(code="kojin_juminzei"),
        start_month=date(2020, 4, 1),
    )
    connection.set_tenant(beta.municipality)
    assert not Shinkoku.objects.exists() and not Fuka.objects.exists()
    _tosho(cap)
    g = Fuka.objects.get(atena_id=other.pk, is_current=True)
    assert (g.gokei_shotoku, g.joto_shotoku, g.joto_tokubetsu_kojo) == (900_000, 0, 0)
    assert zp.person_kazei(other.pk, 2025).shotoku.joto_tokubetsu_kojo == 0  # type: ignore[union-attr]


def test_import_refuses_a_tokubetsu_kojo_without_its_kind_by_line_and_field(in_alpha):
    p = _elder("hayama")
    content = _csv(
        HEADER,
        f"{p.atena_no},2024,確定申告,45000000,10000000,,30000000,,",
        f"{p.atena_no},2023,確定申告,45000000,10000000,別荘,30000000,,",
        f"{p.atena_no},2022,確定申告,,,,,,5000000",
    )
    with pytest.raises(ImportRejected) as exc:
        kazei_import(kind="shinkoku", file_name="j.csv", content=content, actor=CLERK)
    found = {(e.file, e.line, e.field): e.message for e in exc.value.errors}
    assert found[("j.csv", 2, "長期譲渡の特別控除の種類")] == (
        "長期譲渡所得の特別控除額があるときは、特別控除の種類を選んでください。"
    )
    assert "のいずれかを入力してください" in found[("j.csv", 3, "長期譲渡の特別控除の種類")]
    assert found[("j.csv", 4, "短期譲渡の特別控除の種類")] == (
        "短期譲渡所得の特別控除額があるときは、特別控除の種類を選んでください。"
    )
    assert not Shinkoku.objects.exists() and not ShiryoImport.objects.exists()


def test_the_form_takes_the_kind_and_refuses_a_kojo_without_sale() -> None:
    base = {"kind": "kakutei", "shogai": "なし", "kafu_hitorioya": "なし"}
    base.update(
        {f"{who}_shogai": "なし" for who in ("haigusha", *(f"shinzoku_{i}" for i in range(1, 7)))}
    )
    ok = ShinkokuForm(
        data={**base, "choki_joto_shunyu": "45,000,000", "choki_joto_keihi": "10000000",
              "choki_tokurei": "kyojuyo", "choki_tokubetsu_kojo": "30000000"}
    )  # fmt: skip
    assert ok.is_valid(), ok.errors
    d = ok.model_data()
    assert (d["choki_joto_shunyu"], d["choki_tokurei"], d["choki_tokubetsu_kojo"]) == (
        45_000_000, "kyojuyo", 30_000_000,
    )  # fmt: skip
    bad = ShinkokuForm(data={**base, "tanki_tokurei": "shuyo", "tanki_tokubetsu_kojo": "1000000"})
    assert not bad.is_valid()
    assert bad.errors["tanki_tokurei"] == ["短期譲渡所得がないのに特別控除額が入力されています。"]


def test_factory_assessment_matches_the_job(in_alpha) -> None:
    p = _elder("hayama")
    f = assessed_from_shinkoku(
        p.pk, 2025, date(1949, 6, 1), nenkin_shunyu=2_000_000,
        choki_joto_shunyu=45_000_000, choki_joto_keihi=10_000_000,
        choki_tokurei="kyojuyo", choki_tokubetsu_kojo=30_000_000,
    )  # fmt: skip
    assert (f.gokei_shotoku, f.joto_shotoku, f.joto_tokubetsu_kojo) == (
        36_100_000, 35_000_000, 30_000_000,
    )  # fmt: skip
    assert (f.shotokuwari_shichoson, f.shotokuwari_dofuken) == (216_000, 144_000)
