"""The 振込依頼人 part of a payment run's form, shared by the 業務 that pay by 総合振込
(児童扶養手当, 子ども医療・ひとり親医療の償還払い)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from fukushi.services.furikomi import irainin_values
from tenants import zengin
from tenants.forms.text import TextField
from tenants.wareki import fiscal_year_of


class IraininForm(forms.Form):
    """振込依頼人 of the 全銀 file; a subclass adds the run's own fields first
    (``field_order``). Prefilled from the town's bank contract (fukushi.furikomi.*,
    entered once in 設定)."""

    code = TextField(label="振込依頼人コード（10桁）", max_length=10)
    name_kana = TextField(label="振込依頼人名（半角カナ）", max_length=40)
    bank = TextField(label="仕向銀行番号（4桁）", max_length=4)
    shiten = TextField(label="仕向支店番号（3桁）", max_length=3)
    yokin_shumoku = forms.ChoiceField(
        label="預金種目（依頼人）", choices=[("1", "普通"), ("2", "当座")]
    )
    koza_bango = TextField(label="口座番号（依頼人、7桁）", max_length=7)

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("initial", irainin_values(fiscal_year_of(timezone.localdate()))[0])
        super().__init__(data, **kwargs)

    def irainin(self) -> zengin.Irainin:
        """The 振込依頼人 entered (after ``is_valid``)."""
        d = self.cleaned_data
        return zengin.Irainin(
            d["code"], d["name_kana"], d["bank"], d["shiten"], d["yokin_shumoku"], d["koza_bango"]
        )
