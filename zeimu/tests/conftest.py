"""Fixtures of the 個人住民税 tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

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
