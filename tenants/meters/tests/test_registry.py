"""The meter registry: modules' declared meters are found; codes are unique."""

from __future__ import annotations

from datetime import date

import pytest

from tenants.meters.registry import (
    Meter,
    MeterDeclarationError,
    all_meters,
    get_meter,
    register,
    unregister,
)
from tenants.modules.registry import all_modules


def _zero(start: date, end: date) -> int:
    return 0


def test_declared_meters_modules_are_loaded():
    # every module that declares meters= contributes at least one meter of its own 業務
    codes = {m.code for m in all_meters()}
    assert "api_calls" in codes  # the platform's own
    for spec in all_modules():
        if spec.meters:
            assert any(m.gyomu in spec.gyomu for m in all_meters()), spec.app


def test_meters_are_typed_declarations_with_label_and_unit():
    for meter in all_meters():
        assert meter.label and meter.unit, meter.code
        assert meter.display == f"{meter.label}（{meter.unit}）"
    api = get_meter("api_calls")
    assert api is not None and (api.label, api.unit, api.gyomu) == ("API利用回数", "回", "platform")


def test_a_code_registered_twice_is_refused():
    register(Meter(code="test_twice", label="一", unit="件", gyomu="platform", compute=_zero))
    try:
        with pytest.raises(MeterDeclarationError):
            register(
                Meter(code="test_twice", label="二", unit="件", gyomu="platform", compute=_zero)
            )
    finally:
        unregister("test_twice")


@pytest.mark.parametrize("code", ["", "Upper", "months:x", "住民"])
def test_malformed_codes_are_refused(code):
    with pytest.raises(MeterDeclarationError):
        register(Meter(code=code, label="x", unit="件", gyomu="platform", compute=_zero))
