"""tenants.text: which characters text input refuses, and the messages."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from rest_framework import serializers

from tenants.api.fields import TextField as ApiTextField
from tenants.forms.text import TextField as FormTextField
from tenants.text import (
    ControlCharacterError,
    NoControlCharacters,
    check_text,
    text_errors,
    text_problem,
)


@pytest.mark.parametrize("char", [chr(c) for c in [*range(0x00, 0x20), 0x7F]])
def test_every_c0_control_and_del_is_refused_in_a_single_line_field(char):
    assert text_problem(f"山田{char}太郎", label="氏名") is not None


@pytest.mark.parametrize("char", [chr(c) for c in [*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F]])
def test_multiline_allows_only_tab_lf_and_crlf(char):
    if char == "\r":
        assert text_problem("一行目\r\n二行目", label="備考", multiline=True) is None
    assert text_problem(f"一行目{char}二行目", label="備考", multiline=True) is not None


def test_clean_text_passes_and_messages_name_the_field_not_the_value():
    assert text_problem("葉山　一郎 𠮷～ー", label="氏名") is None
    assert text_problem("一行目\n\t二行目", label="備考", multiline=True) is None
    assert (
        text_problem("山田\x00太郎", label="氏名")
        == "氏名に使えない制御文字（U+0000 NUL）が含まれています。"
    )
    assert text_problem("山田\n太郎", label="氏名") == "氏名には改行やタブを入力できません。"
    with pytest.raises(ControlCharacterError) as exc:
        check_text("山田\x1b", label="氏名")
    assert "山田" not in exc.value.message and "U+001B ESC" in exc.value.message


def test_text_errors_walks_querydicts_and_nested_json():
    post = QueryDict(mutable=True)
    post.setlist("ack", ["1", "2\x00"])
    post["note"] = "a\r\nb"
    post["ok"] = "ok"
    found = text_errors(post, label={"ack": "確認"}, multiline=["note"])
    assert found == {"ack": ["確認に使えない制御文字（U+0000 NUL）が含まれています。"]}
    assert text_errors({"persons": [{"fields": {"shimei": "x\x07"}}]}) == {
        "persons": ["personsに使えない制御文字（U+0007）が含まれています。"]
    }
    assert list(text_errors({"a\x00": "x"})) == ["__all__"]


def test_form_field_names_the_field_and_replaces_djangos_english_nul_message():
    field = FormTextField(label="発行番号", required=False)
    with pytest.raises(ValidationError) as exc:
        field.clean("R6\x00")
    assert exc.value.messages == ["発行番号に使えない制御文字（U+0000 NUL）が含まれています。"]
    assert FormTextField(multiline=True).clean("a\nb") == "a\nb"


def test_serializer_field_names_the_field():
    class S(serializers.Serializer):
        note = ApiTextField(label="備考", required=False)
        hakko_no = ApiTextField(required=False)

    s = S(data={"note": "x\x00", "hakko_no": "y\x01"})
    assert not s.is_valid()
    assert s.errors["note"] == ["備考に使えない制御文字（U+0000 NUL）が含まれています。"]
    assert s.errors["hakko_no"] == ["hakko_noに使えない制御文字（U+0001）が含まれています。"]


def test_validator_deconstructs_for_migrations():
    v = NoControlCharacters(label="氏名", multiline=True)
    path, _args, kwargs = v.deconstruct()  # type: ignore[attr-defined]
    assert path == "tenants.text.NoControlCharacters"
    assert kwargs == {"label": "氏名", "multiline": True}
    assert v == NoControlCharacters(label="氏名", multiline=True)
