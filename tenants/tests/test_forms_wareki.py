"""tenants.forms.wareki: the 和暦 date field every screen uses (no database)."""

from __future__ import annotations

from datetime import date

import pytest
from django import forms

from tenants.forms.wareki import WarekiDateField, WarekiDateInput


class _Form(forms.Form):
    day = WarekiDateField(label="基準日")
    until = WarekiDateField(label="終了日", required=False)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("令和7年4月1日", date(2025, 4, 1)),
        ("R7.4.1", date(2025, 4, 1)),
        ("2025-04-01", date(2025, 4, 1)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("Ｒ７．４．１", date(2025, 4, 1)),  # full-width, as an IME types it
        ("  r7/4/1 ", date(2025, 4, 1)),
    ],
)
def test_field_parses_wareki_and_seireki(typed: str, expected: date) -> None:
    # given / when
    form = _Form({"day": typed})
    # then
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == expected
    assert form.cleaned_data["until"] is None


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("令和7年2月30日", "存在しない日付です: '令和7年2月30日'"),
        ("平成31年5月1日", "'平成31年5月1日' は平成の期間外です"),
        ("令和0年4月1日", "令和0年は存在しません"),
        ("あした", "日付として解釈できません: 'あした'"),
        ("明治5年1月1日", "対応範囲外です"),
    ],
)
def test_field_errors_are_japanese(typed: str, message: str) -> None:
    # given / when
    form = _Form({"day": typed})
    # then
    assert not form.is_valid()
    assert message in form.errors["day"][0]


def test_required_field_left_empty() -> None:
    form = _Form({"day": ""})
    assert not form.is_valid()
    assert form.errors["day"] == ["この項目は必須です。"]


def test_widget_shows_a_date_in_wareki_and_typed_text_unchanged() -> None:
    # given: an initial date, then a form bound to text that does not parse
    initial = _Form(initial={"day": date(2019, 5, 1)})
    bound = _Form({"day": "R7.2.30"})
    # when
    html_initial = str(initial["day"])
    html_bound = str(bound["day"])
    # then
    assert 'value="令和元年5月1日"' in html_initial
    assert 'autocomplete="off"' in html_initial
    assert 'value="R7.2.30"' in html_bound
    assert WarekiDateInput().format_value(date(2025, 4, 1)) == "令和7年4月1日"


def test_unchanged_initial_is_not_a_change() -> None:
    field = WarekiDateField()
    assert not field.has_changed(date(2025, 4, 1), "R7.4.1")
    assert field.has_changed(date(2025, 4, 1), "R7.4.2")
