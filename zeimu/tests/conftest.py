"""Fixtures of the 個人住民税 tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from juminkiroku.tests.factories import family, household_tennyu
from tenants.db import connection
from zeimu.rules import Parameters, parameters_for


@pytest.fixture
def params(world: object) -> Callable[[int], Parameters]:
    """``params(fiscal_year)``: the law parameters of a year, read once per test."""
    cache: dict[int, Parameters] = {}

    def get(fy: int) -> Parameters:
        if fy not in cache:
            cache[fy] = parameters_for(fy)
        return cache[fy]

    return get


@pytest.fixture
def people(alpha: Any) -> list[Any]:
    """A household of three in 葉山町 since 2020 (the 課税資料 tests' taxpayers)."""
    connection.set_tenant(alpha.municipality)
    _, atenas = household_tennyu("hayama", members=family(), ido_date=date(2020, 4, 1))
    connection.set_schema_to_public()
    return atenas
