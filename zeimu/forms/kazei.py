"""Entry forms for 課税資料 (給与支払報告書・公的年金等支払報告書・申告).

Amounts are read as the CSV import reads them (commas, 全角 digits, a trailing 円); the
申告's 配偶者 and 親族 become the JSON the model stores, checked by the same validators
the calculation uses (zeimu.services.kazei_inputs).
"""

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from collections.abc import Callable
from typing import Any

from django import forms
from django.utils import timezone

from tenants.forms.text import TextField
from tenants.wareki import format_nendo, format_wareki_year
from zeimu.models import ShinkokuKind
from zeimu.models.kazei import TOKUREI_CHOICES
from zeimu.rules.inputs import KafuHitorioya, Shogai
from zeimu.services.kazei_inputs import InvalidKazeiData, haigusha_from_json, shinzoku_from_json
from zeimu.services.kazei_layouts import (
    KIND_CHOICES,
    SHINKOKU_AMOUNTS,
    SHINKOKU_TOKUREI,
    SHINZOKU_MAX,
    joto_errors,
    normalize,
    parse_signed_yen,
    parse_yen,
)

#: Largest CSV accepted from the screen and the API (a 380,000-person town's 給与支払報告書
#: is about 30 MB; a larger file goes through ``manage.py import_kazei``).
MAX_UPLOAD_BYTES = 40 * 1024 * 1024
MAX_UPLOAD_LABEL = "40MB"

_NUMERIC = {"inputmode": "numeric", "autocomplete": "off"}


def too_large_message() -> str:
    return (
        f"ファイルが大きすぎます（上限 {MAX_UPLOAD_LABEL}）。"
        "ファイルを分けて取り込むか、システム担当に一括取込（import_kazei）を依頼してください。"
    )


class _TextNumberField(forms.Field, metaclass=ABCMeta):
    """A number typed as text (全角, commas): parsed here, not by the browser. Each kind
    (YenField, AgeField) says how to read the text in :meth:`parse`."""

    max_chars = 20

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        attrs = {**_NUMERIC, "maxlength": self.max_chars, **kwargs.pop("attrs", {})}
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        text = "" if value is None else str(value).strip()
        if not text:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return self.empty()
        if len(text) > self.max_chars:
            raise forms.ValidationError(f"{self.max_chars}文字以内で入力してください。")
        return self.parse(text)

    def validate(self, value: Any) -> None:
        """``required`` is checked on the text in to_python (0 is a value)."""

    def empty(self) -> Any:
        return None

    @abstractmethod
    def parse(self, text: str) -> Any: ...


class YenField(_TextNumberField):
    """An amount in whole yen; empty is 0. ``signed`` allows a loss (先頭に -)."""

    def __init__(self, *, signed: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.parser: Callable[[str], int] = parse_signed_yen if signed else parse_yen

    def empty(self) -> int:
        return 0

    def parse(self, text: str) -> int:
        try:
            return self.parser(text)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def prepare_value(self, value: Any) -> Any:
        return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else value


class AgeField(_TextNumberField):
    """年齢 (0–150); empty is None. 全角 digits accepted."""

    max_chars = 5

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(attrs={"size": 4}, **kwargs)

    def parse(self, text: str) -> int:
        s = normalize(text).replace("歳", "")
        if not s.isdigit() or int(s) > 150:
            raise forms.ValidationError("年齢は0〜150の整数で入力してください。")
        return int(s)


def _year_choices() -> list[tuple[int, str]]:
    this_year = timezone.localdate().year
    return [
        (y, f"{format_wareki_year(y)}分（{format_nendo(y + 1)}課税）")
        for y in range(this_year, 1999, -1)
    ]


class LookupForm(forms.Form):
    """Find a person by 宛名番号 (posted, never in the URL)."""

    atena_no = TextField(
        label="宛名番号",
        max_length=12,
        widget=forms.TextInput(attrs={**_NUMERIC, "autofocus": True}),
        error_messages={"required": "宛名番号を入力してください。"},
    )
    shotoku_year = forms.TypedChoiceField(label="所得年", coerce=int, choices=_year_choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["shotoku_year"].initial = timezone.localdate().year - 1

    def clean_atena_no(self) -> str:
        s = normalize(self.cleaned_data["atena_no"]).replace("-", "")
        if not s.isdigit() or len(s) != 10:
            raise forms.ValidationError("宛名番号は10桁の数字で入力してください。")
        return s


class KyuyoForm(forms.Form):
    employer_no = TextField(label="特別徴収義務者指定番号", max_length=20)
    employer_name = TextField(label="特別徴収義務者（支払者）の名称", max_length=100)
    shiharai_kingaku = YenField(label="支払金額（円）", required=True)
    shakai_hoken = YenField(label="社会保険料等の金額（円）")
    seimei_hoken_kojo = YenField(label="生命保険料の控除額（所得税、円）")
    jishin_hoken_kojo = YenField(label="地震保険料の控除額（所得税、円）")
    seimei_ippan_shin = YenField(label="新生命保険料の金額（円）")
    seimei_ippan_kyu = YenField(label="旧生命保険料の金額（円）")
    seimei_kaigo_iryo = YenField(label="介護医療保険料の金額（円）")
    seimei_nenkin_shin = YenField(label="新個人年金保険料の金額（円）")
    seimei_nenkin_kyu = YenField(label="旧個人年金保険料の金額（円）")
    tokubetsu_choshu = forms.TypedChoiceField(
        label="徴収区分",
        coerce=lambda v: v == "1",
        choices=[("1", "特別徴収"), ("0", "普通徴収")],
        initial="1",
    )

    def clean_employer_no(self) -> str:
        return normalize(self.cleaned_data["employer_no"])


class NenkinForm(forms.Form):
    payer_no = TextField(label="支払者番号", max_length=20)
    payer_name = TextField(label="支払者の名称", max_length=100)
    shiharai_kingaku = YenField(label="支払金額（公的年金等の収入、円）", required=True)
    shakai_hoken = YenField(label="社会保険料等の金額（円）")
    tokubetsu_choshu = forms.TypedChoiceField(
        label="年金特別徴収",
        coerce=lambda v: v == "1",
        choices=[("0", "対象外"), ("1", "対象")],
        initial="0",
    )

    def clean_payer_no(self) -> str:
        return normalize(self.cleaned_data["payer_no"])


def bool_initial(value: bool) -> str:
    """The initial value of the 徴収区分 choices above for a stored boolean."""
    return "1" if value else "0"


_SHOGAI_HONNIN = [(s.value, s.value) for s in Shogai if s is not Shogai.DOKYO_TOKUBETSU]
_SHOGAI_KAZOKU = [(s.value, s.value) for s in Shogai]


class ShinkokuForm(forms.Form):
    """住民税申告・確定申告. 配偶者 (blank = none) and ``SHINZOKU_MAX`` rows of 扶養親族等."""

    kind = forms.ChoiceField(label="申告の種類", choices=ShinkokuKind.choices)
    shogai = forms.ChoiceField(label="本人の障害者区分", choices=_SHOGAI_HONNIN, initial="なし")
    kafu_hitorioya = forms.ChoiceField(
        label="寡婦・ひとり親", choices=[(k.value, k.value) for k in KafuHitorioya], initial="なし"
    )
    kinro_gakusei = forms.BooleanField(label="勤労学生", required=False)
    seikatsu_fujo = forms.BooleanField(label="生活扶助を受けている", required=False)
    futsu_choshu_kibo = forms.BooleanField(
        label="給与・年金以外の所得に係る税額を普通徴収とする", required=False
    )
    choki_tokurei = forms.ChoiceField(
        label="長期譲渡の特別控除の種類", choices=TOKUREI_CHOICES, required=False
    )
    tanki_tokurei = forms.ChoiceField(
        label="短期譲渡の特別控除の種類", choices=TOKUREI_CHOICES, required=False
    )
    haigusha_zokugara = TextField(label="配偶者の続柄", max_length=20, required=False)
    haigusha_age = AgeField(label="配偶者の年齢（12月31日現在）")
    haigusha_gokei_shotoku = YenField(label="配偶者の合計所得金額（円）", signed=True)
    haigusha_shogai = forms.ChoiceField(
        label="配偶者の障害者区分", choices=_SHOGAI_KAZOKU, initial="なし"
    )

    #: the 申告書's amount fields in its order (CSV column name as the label)
    amount_names = [attr for _, attr in SHINKOKU_AMOUNTS]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for label, attr in SHINKOKU_AMOUNTS:
            self.fields[attr] = YenField(label=f"{label}（円）")
        for i in range(1, SHINZOKU_MAX + 1):
            self.fields[f"shinzoku_{i}_zokugara"] = TextField(
                label=f"親族{i} 続柄",
                max_length=20,
                required=False,
                widget=forms.TextInput(attrs={"size": 6}),
            )
            self.fields[f"shinzoku_{i}_age"] = AgeField(label=f"親族{i} 年齢")
            self.fields[f"shinzoku_{i}_gokei_shotoku"] = YenField(
                label=f"親族{i} 合計所得金額", signed=True
            )
            self.fields[f"shinzoku_{i}_dokyo_roshin"] = forms.BooleanField(
                label=f"親族{i} 同居老親等", required=False
            )
            self.fields[f"shinzoku_{i}_shogai"] = forms.ChoiceField(
                label=f"親族{i} 障害者区分", choices=_SHOGAI_KAZOKU, initial="なし"
            )

    # --- for the template --------------------------------------------------------

    def amount_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.amount_names]

    def haigusha_fields(self) -> list[forms.BoundField]:
        return [self[f"haigusha_{k}"] for k in ("zokugara", "age", "gokei_shotoku", "shogai")]

    def shinzoku_rows(self) -> list[tuple[int, list[forms.BoundField]]]:
        parts = ("zokugara", "age", "gokei_shotoku", "dokyo_roshin", "shogai")
        return [(i, [self[f"shinzoku_{i}_{p}"] for p in parts]) for i in range(1, SHINZOKU_MAX + 1)]

    # --- to and from the model ---------------------------------------------------

    @classmethod
    def initial_from(cls, shinkoku: Any) -> dict[str, Any]:
        data: dict[str, Any] = {
            name: getattr(shinkoku, name)
            for name in (
                "kind",
                "shogai",
                "kafu_hitorioya",
                "kinro_gakusei",
                "seikatsu_fujo",
                "futsu_choshu_kibo",
                "choki_tokurei",
                "tanki_tokurei",
                *cls.amount_names,
            )
        }
        h = shinkoku.haigusha or {}
        if h:
            data.update(
                haigusha_zokugara=h.get("zokugara", ""),
                haigusha_age=h.get("age"),
                haigusha_gokei_shotoku=h.get("gokei_shotoku", 0),
                haigusha_shogai=h.get("shogai") or "なし",
            )
        for i, member in enumerate(shinkoku.shinzoku or [], start=1):
            if i > SHINZOKU_MAX:
                break
            data.update(
                {
                    f"shinzoku_{i}_zokugara": member.get("zokugara", ""),
                    f"shinzoku_{i}_age": member.get("age"),
                    f"shinzoku_{i}_gokei_shotoku": member.get("gokei_shotoku", 0),
                    f"shinzoku_{i}_dokyo_roshin": bool(member.get("dokyo_roshin")),
                    f"shinzoku_{i}_shogai": member.get("shogai") or "なし",
                }
            )
        return data

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        haigusha = self._member("haigusha", "配偶者")
        shinzoku = []
        for i in range(1, SHINZOKU_MAX + 1):
            member = self._member(f"shinzoku_{i}", f"親族{i}")
            if member is not None:
                shinzoku.append(member)
        if self.errors:
            return d
        for column, message in joto_errors(d):
            attr = next(a for c, a, _ in SHINKOKU_TOKUREI if c == column)
            self.add_error(attr, message)
        try:
            haigusha_from_json(haigusha)
        except InvalidKazeiData as exc:
            self.add_error(None, str(exc))
        try:
            shinzoku_from_json(shinzoku)
        except InvalidKazeiData as exc:
            self.add_error(None, str(exc))
        d["haigusha"] = haigusha
        d["shinzoku"] = shinzoku
        return d

    def _member(self, prefix: str, what: str) -> dict[str, Any] | None:
        d = self.cleaned_data
        keys = ("zokugara", "age", "gokei_shotoku", "dokyo_roshin", "shogai")
        values = {k: d.get(f"{prefix}_{k}") for k in keys if f"{prefix}_{k}" in self.fields}
        if not any(v not in (None, "", 0, False, Shogai.NASHI.value) for v in values.values()):
            return None
        if values.get("age") is None:
            if f"{prefix}_age" not in self.errors:
                self.add_error(f"{prefix}_age", f"{what}の欄に記入があるときは、年齢が必須です。")
            return None
        member = {
            "age": values["age"],
            "gokei_shotoku": values.get("gokei_shotoku") or 0,
            "shogai": values.get("shogai") or Shogai.NASHI.value,
            "zokugara": values.get("zokugara") or "",
        }
        if "dokyo_roshin" in values:
            member["dokyo_roshin"] = bool(values["dokyo_roshin"])
        return member

    def model_data(self) -> dict[str, Any]:
        """The Shinkoku fields (for shinkoku_save or an unsaved 試算)."""
        d = self.cleaned_data
        return {
            "kind": d["kind"],
            "shogai": d["shogai"],
            "kafu_hitorioya": d["kafu_hitorioya"],
            "kinro_gakusei": d["kinro_gakusei"],
            "seikatsu_fujo": d["seikatsu_fujo"],
            "futsu_choshu_kibo": d["futsu_choshu_kibo"],
            "choki_tokurei": d.get("choki_tokurei") or "",
            "tanki_tokurei": d.get("tanki_tokurei") or "",
            **{name: d[name] for name in self.amount_names},
            "haigusha": d["haigusha"],
            "shinzoku": d["shinzoku"],
        }


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label="資料の種類", choices=KIND_CHOICES)
    file = forms.FileField(
        label="CSVファイル（UTF-8）",
        error_messages={
            "required": "取り込むファイルを選んでください。",
            "empty": "ファイルが空です。",
        },
    )

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if f.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(too_large_message())
        return f


class DeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label="削除することを確認しました",
        error_messages={"required": "削除するときは、確認の欄にチェックを入れてください。"},
    )


__all__ = [
    "MAX_UPLOAD_BYTES",
    "AgeField",
    "DeleteForm",
    "ImportForm",
    "KyuyoForm",
    "LookupForm",
    "NenkinForm",
    "ShinkokuForm",
    "YenField",
    "bool_initial",
    "too_large_message",
]
