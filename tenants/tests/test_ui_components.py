"""The platform's screen components (tenants/templatetags/ui.py, templates/ui/), the
vendored DADS tokens they stand on, and the screens moved onto them."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.template import Context, Template, TemplateSyntaxError
from lxml import html as lxml_html

STATIC = Path(settings.BASE_DIR) / "static"


def render(source: str, **context: object) -> str:
    return Template("{% load ui %}" + source).render(Context(context))


def test_breadcrumbs_link_every_level_but_the_current_page():
    # when
    out = render('{% breadcrumbs "トップ" "/" "住民記録" "/juminkiroku/" "住民検索" %}')
    # then
    doc = lxml_html.fromstring(out)
    assert doc.get("aria-label") == "パンくずリスト"
    items = doc.findall(".//li")
    assert [li.text_content() for li in items] == ["トップ", "住民記録", "住民検索"]
    assert [a.get("href") for a in doc.findall(".//a")] == ["/", "/juminkiroku/"]
    assert items[-1].get("aria-current") == "page"


def test_notice_kinds_and_roles():
    error = lxml_html.fromstring(render('{% notice "error" "保存できません" title="確認" %}'))
    info = lxml_html.fromstring(render('{% notice "info" "処理を受け付けました" %}'))
    assert error.get("class") == "notice error" and error.get("role") == "alert"
    assert error.text_content() == "確認保存できません"
    assert info.get("role") == "status"
    with pytest.raises(TemplateSyntaxError):
        render('{% notice "loud" "x" %}')


@pytest.mark.parametrize(
    ("value", "maximum", "percent"),
    [(0, 100, 0), (37, 100, 37), (3, 4, 75), (9, 4, 100), (5, 0, 0)],
)
def test_progress_bar_states_its_value(value, maximum, percent):
    bar = lxml_html.fromstring(render("{% progress v m label='取込' %}", v=value, m=maximum))
    assert bar.get("role") == "progressbar"
    assert bar.get("aria-label") == "取込"
    assert bar.get("aria-valuenow") == str(percent)
    assert bar.find("div").get("style") == f"width: {percent}%"


class _Form(forms.Form):
    shimei = forms.CharField(label="氏名", help_text="全角で入力します。")
    agree = forms.BooleanField(label="確認しました", required=False)


def test_field_puts_the_label_above_and_the_error_beside_the_input():
    # given: a form whose 氏名 is missing
    form = _Form(data={})
    assert not form.is_valid()
    # when
    out = render("{% field form.shimei %}", form=form)
    # then: label first, then the input with its error in the same row, both described
    doc = lxml_html.fromstring(out)
    assert "has-error" in doc.get("class")
    label, control, help_text = doc.getchildren()
    assert label.tag == "label" and label.get("for") == "id_shimei"
    assert label.text_content() == "氏名※必須"
    field_input, error = control.getchildren()
    assert field_input.get("aria-invalid") == "true"
    assert field_input.get("aria-describedby") == "id_shimei_helptext id_shimei_error"
    assert error.get("id") == "id_shimei_error" and "必須" in error.text_content()
    assert help_text.get("id") == "id_shimei_helptext"


def test_field_puts_a_checkbox_before_its_label():
    out = render("{% field form.agree %}", form=_Form())
    control = lxml_html.fromstring(out).find(".//div[@class='control']")
    assert [c.tag for c in control.getchildren()] == ["input", "label"]


def test_column_totals_sum_each_column_and_the_row_totals():
    rows = [
        {"cells": [1_000, 250, None], "total": 1_250},
        {"cells": [2_000, Decimal("0.5"), 7], "total": Decimal("2007.5")},
    ]
    out = render(
        '{% column_totals rows "cells" as t %}{{ t.columns|join:"," }}|{{ t.total }}', rows=rows
    )
    assert out == "3000,250.5,7|3257.5"


def test_the_dads_tokens_are_vendored_with_licence_and_version():
    tokens = (STATIC / "vendor" / "dads" / "tokens.css").read_text(encoding="utf-8")
    note = (STATIC / "vendor" / "dads" / "README.txt").read_text(encoding="utf-8")
    licence = (STATIC / "vendor" / "dads" / "LICENSE.txt").read_text(encoding="utf-8")
    assert "--color-primitive-blue-900: #0017c1;" in tokens
    assert "@digital-go-jp/design-tokens 1.1.9" in note
    assert licence.startswith("MIT License") and "デジタル庁" in licence


def test_app_css_uses_only_the_token_colours():
    # Every colour in app.css is a DADS token: no hex or rgb() literal of its own.
    css = (STATIC / "css" / "app.css").read_text(encoding="utf-8")
    body = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    assert not re.findall(r"#[0-9a-fA-F]{3,8}\b|rgba?\(", body)
    used = set(re.findall(r"var\((--color-[a-z0-9-]+)\)", body))
    tokens = (STATIC / "vendor" / "dads" / "tokens.css").read_text(encoding="utf-8")
    defined = set(re.findall(r"(--color-[a-z0-9-]+):", tokens))
    assert used and used <= defined, used - defined


class _WholeForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    encoding = forms.ChoiceField(
        label="文字コード",
        choices=[("utf-8", "UTF-8"), ("cp932", "Shift_JIS")],
        widget=forms.RadioSelect,
    )

    def clean(self):
        raise forms.ValidationError("期間が長すぎます。")


def test_form_fields_renders_errors_hidden_inputs_and_groups():
    # given: a bound form with a non-field error
    form = _WholeForm(data={"token": "t", "encoding": "utf-8"})
    assert not form.is_valid()
    # when
    doc = lxml_html.fromstring(f"<div>{render('{% form_fields form %}', form=form)}</div>")
    # then: the form's error first, as an alert; the hidden input bare; the radios grouped
    alert = doc.find("./div[@role='alert']")
    assert alert.text_content() == "期間が長すぎます。"
    assert doc.xpath("./input[@type='hidden'][@name='token']")
    assert not doc.xpath("//label[@for='id_token']")
    legend = doc.find(".//fieldset/legend")
    assert legend.text_content() == "文字コード※必須"
    assert len(doc.xpath(".//fieldset//input[@type='radio']")) == 2
