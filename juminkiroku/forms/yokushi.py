"""Forms of the 支援措置 screens (標準仕様書 1.1.16, 3.4). Every text goes through the
platform's ``TextField`` (control characters refused with a Japanese message)."""

from __future__ import annotations

from typing import Any

from django import forms

from juminkiroku.codes import ShienEndReason
from juminkiroku.models import Atena
from juminkiroku.services.yokushi import Heisha, Kagaisha, ShienInput, ShienJimu
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField

SEX_CHOICES = [("", "不明"), ("男", "男"), ("女", "女")]


def _atena_id(atena_no: str, what: str) -> int:
    found = Atena.objects.filter(atena_no=atena_no).values_list("pk", flat=True).first()
    if found is None:
        raise forms.ValidationError(f"{what}の宛名番号に該当する人がいません。")
    return int(found)


class ShienForm(forms.Form):
    atena_no = TextField(label="支援対象者（申出者）の宛名番号", max_length=10)
    kari = forms.BooleanField(label="仮支援措置として登録する", required=False)
    start_date = WarekiDateField(label="支援開始日", required=False)
    end_date = WarekiDateField(
        label="支援終了日", required=False, help_text="空欄なら開始日から1年間（自動設定）"
    )
    moshide_date = WarekiDateField(label="申出日", required=False)
    renrakusaki = TextField(label="連絡先", max_length=200, required=False)
    yokushi_jusho = TextField(
        label="抑止対象の住所等", max_length=300, required=False, help_text="現住所・前住所・本籍等"
    )
    tosho_uketsuke = TextField(
        label="当初受付市区町村", max_length=100, required=False, help_text="転送を受けた場合のみ"
    )
    tenso_uketsuke_date = WarekiDateField(label="転送された申出書の受付年月日", required=False)
    jimu_etsuran = forms.BooleanField(label="住民基本台帳の閲覧", required=False, initial=True)
    jimu_kofu = forms.BooleanField(label="住民票の写し等の交付", required=False, initial=True)
    jimu_fuhyo = forms.BooleanField(label="戸籍の附票の写し等の交付", required=False, initial=True)
    heisha_atena_no = TextField(
        label="併せて支援を求める者の宛名番号", max_length=10, required=False
    )
    heisha_kankei = TextField(label="申出者との関係", max_length=50, required=False)
    kagaisha_shimei = TextField(label="加害者の氏名", max_length=100, required=False)
    kagaisha_atena_no = TextField(
        label="加害者の宛名番号",
        max_length=10,
        required=False,
        help_text="本町に住所がある場合のみ",
    )
    kagaisha_birth_date = WarekiDateField(label="加害者の生年月日", required=False)
    kagaisha_sex = forms.ChoiceField(label="加害者の性別", choices=SEX_CHOICES, required=False)
    kagaisha_jusho = TextField(label="加害者の住所", max_length=200, required=False)
    kagaisha_sonota = TextField(label="加害者に関するその他", max_length=200, required=False)
    note = TextField(label="備考", max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        data["atena_id"] = _atena_id(data["atena_no"].strip(), "支援対象者")
        heisha: list[Heisha] = []
        if data.get("heisha_atena_no", "").strip():
            if not data.get("heisha_kankei", "").strip():
                raise forms.ValidationError(
                    "併せて支援を求める者の申出者との関係を入力してください。"
                )
            heisha.append(
                Heisha(
                    atena_id=_atena_id(data["heisha_atena_no"].strip(), "併せて支援を求める者"),
                    kankei=data["heisha_kankei"],
                )
            )
        kagaisha: list[Kagaisha] = []
        if data.get("kagaisha_shimei", "").strip():
            k_no = data.get("kagaisha_atena_no", "").strip()
            kagaisha.append(
                Kagaisha(
                    shimei=data["kagaisha_shimei"],
                    atena_id=_atena_id(k_no, "加害者") if k_no else None,
                    birth_date=data.get("kagaisha_birth_date"),
                    sex=data.get("kagaisha_sex") or "",
                    jusho=data.get("kagaisha_jusho", ""),
                    sonota=data.get("kagaisha_sonota", ""),
                )
            )
        elif data.get("kagaisha_atena_no", "").strip():
            raise forms.ValidationError("加害者の氏名を入力してください。")
        data["extra"] = ShienInput(
            renrakusaki=data.get("renrakusaki", ""),
            yokushi_jusho=data.get("yokushi_jusho", ""),
            tosho_uketsuke=data.get("tosho_uketsuke", ""),
            tenso_uketsuke_date=data.get("tenso_uketsuke_date"),
            jimu=ShienJimu(
                etsuran=bool(data.get("jimu_etsuran")),
                kofu=bool(data.get("jimu_kofu")),
                fuhyo=bool(data.get("jimu_fuhyo")),
            ),
            heisha=heisha,
            kagaisha=kagaisha,
        )
        return data


class ShienActForm(forms.Form):
    """One act on a 支援措置: 開始 (仮→本), 終了日修正, 終了."""

    act = forms.ChoiceField(
        choices=[("kakutei", "支援措置を開始"), ("correct", "終了日を修正"), ("end", "終了")]
    )
    day = WarekiDateField(label="日付", required=False)
    reason = forms.ChoiceField(label="終了理由", choices=ShienEndReason.choices, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("act") in ("kakutei", "correct") and not data.get("day"):
            raise forms.ValidationError("日付を入力してください。")
        if data.get("act") == "end" and not data.get("reason"):
            raise forms.ValidationError("終了の理由を選択してください。")
        return data
