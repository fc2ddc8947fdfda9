"""What the 業務 that pay by 総合振込 (児童扶養手当, 子ども医療・ひとり親医療の償還払い, the 障害
福祉 payments, 生活保護, 施設型給付費) share on their screens: the 振込依頼人 part of a payment
run's form, and the download of the 全銀 file a run made."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.http import HttpResponse
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


# A download's name is made of codes, numbers and dates only: never a name, an address or a
# 個人番号 (the name reaches the browser's history and the proxy's log).
_SAFE_FILENAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def furikomi_response(data: bytes, filename: str) -> HttpResponse:
    """The 全銀 file ``data`` as a download named ``filename``.

    The EXPORT row of the access log stays declared on each view
    (``@logs_reads(Reads(..., action=AccessAction.EXPORT, id_kwarg="pk"))``, or
    ``access_note`` where the view knows the ids): the URL walk checks every view declares
    what it logs, so the declaration is where a reader looks for it."""
    if not _SAFE_FILENAME.fullmatch(filename):
        raise ValueError("a download's name holds codes, numbers and dates only")
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
