"""Law-driven values per fiscal year, with per-municipality 条例 overrides."""

from __future__ import annotations

from pathlib import Path

import pytest
from django_tenants.utils import schema_context

from tenants.params.models import LawParameter
from tenants.params.services import ParameterMissing, law_parameters_load, param_value
from tenants.params.tenant.models import MunicipalParameter
from tests.personas import ALPHA_HOST, BETA_HOST


def test_national_values_by_fiscal_year(world):
    # 均等割 went from 3,000 + 500 (復興特例, to 令和5年度) to 3,000 (令和6年度 on).
    assert param_value("zeimu.kojin_juminzei.kintowari.shichoson", 2025) == 3000
    assert param_value("zeimu.kojin_juminzei.kintowari.fukko_tokurei", 2023) == 500
    assert param_value("zeimu.kojin_juminzei.kintowari.fukko_tokurei", 2024) == 0
    assert param_value("zeimu.shinrin_kankyozei", 2024) == 1000
    with pytest.raises(ParameterMissing, match="2023年度"):
        param_value("zeimu.shinrin_kankyozei", 2023)


def test_every_value_cites_its_source(world):
    assert LawParameter.objects.exists()
    assert not LawParameter.objects.filter(source="").exists()


def test_municipal_override_applies_in_its_own_town_only(world, login):
    # given: 葉山町 sets a 超過課税 均等割 from 2025 by its own 条例
    with schema_context(world.alpha.schema):
        MunicipalParameter.objects.create(
            key="zeimu.kojin_juminzei.kintowari.shichoson",
            fiscal_year_from=2025,
            value=3500,
            source="葉山町税条例（テスト）",
            created_by="test",
        )
        # when / then
        assert param_value("zeimu.kojin_juminzei.kintowari.shichoson", 2025) == 3500
        assert param_value("zeimu.kojin_juminzei.kintowari.shichoson", 2024) == 3000
    with schema_context(world.beta.schema):
        assert param_value("zeimu.kojin_juminzei.kintowari.shichoson", 2025) == 3000
    # and over the API
    alpha = login("hayama-clerk", ALPHA_HOST)
    beta = login("samukawa-clerk", BETA_HOST)
    url = "/api/v1/parameters/zeimu.kojin_juminzei.kintowari.shichoson/?fiscal_year=2025"
    assert alpha.get(url).json() == {
        "key": "zeimu.kojin_juminzei.kintowari.shichoson",
        "fiscal_year": 2025,
        "value": 3500,
        "source": "葉山町税条例（テスト）",
    }
    assert beta.get(url).json()["value"] == 3000


def test_loader_is_idempotent(world):
    first = law_parameters_load()
    second = law_parameters_load()
    assert first == second == LawParameter.objects.count()


def test_loader_refuses_overlapping_years(world, tmp_path: Path):
    (tmp_path / "bad.yaml").write_text(
        "dataset: bad\nversion: 1\nparameters:\n"
        "  - key: x\n    label: x\n    source: test\n    values:\n"
        "      - {from: 2020, value: 1}\n      - {from: 2020, to: 2021, value: 2}\n",
        encoding="utf-8",
    )
    before = LawParameter.objects.count()
    with pytest.raises(ValueError, match="重なっています"):
        law_parameters_load(data_dir=tmp_path)
    assert LawParameter.objects.count() == before
