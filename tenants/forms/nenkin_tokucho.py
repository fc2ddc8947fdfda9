"""The upload form of the pension insurers' notices that come back (依頼処理結果・特別徴収
結果・各種異動, read by ``tenants.nenkin_tokucho``), one for every module that collects a
premium from a pension (介護保険料, 国保税)."""

from __future__ import annotations

from typing import Any

from django import forms

from tenants.forms.nendo import NendoField
from tenants.nenkin_tokucho import NoticeKind

#: the largest notice file accepted (a town's notices are far smaller)
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class TokuchoKekkaForm(forms.Form):
    kind = forms.ChoiceField(
        label="通知の種類",
        choices=[(k.value, k.label) for k in NoticeKind],
        widget=forms.RadioSelect,
    )
    fiscal_year = NendoField()
    file = forms.FileField(label="通知のファイル（CSV、当社定義の様式）")

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if f.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("ファイルが大きすぎます（50MBまで）。")
        return f
