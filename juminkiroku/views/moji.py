"""文字コード照会 (標準仕様書 2.2.3): type or paste characters, see them enlarged with their
codes. The text comes in a POST body (it is often a name), is not stored and not logged."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.rules.moji import MAX_CHARS, moji_info
from tenants.access import gyomu_view
from tenants.accesslog.reads import no_personal_data
from tenants.forms.text import TextField
from tenants.models import RoleLevel
from tenants.textguard import checks_own_text


class MojiForm(forms.Form):
    text = TextField(
        label="照会する文字",
        max_length=MAX_CHARS,
        help_text=f"{MAX_CHARS}文字まで。氏名などを貼り付けると1文字ずつ表示します",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )


@checks_own_text  # MojiForm.text is a TextField, naming the field in Japanese
@gyomu_view(JUMINKIROKU, write_level=RoleLevel.READ)  # nothing is written
@no_personal_data  # shows back only what was typed, from no record
@require_http_methods(["GET", "POST"])
@never_cache
def moji(request: HttpRequest) -> HttpResponse:
    form = MojiForm(request.POST if request.method == "POST" else None)
    chars = moji_info(form.cleaned_data["text"]) if form.is_bound and form.is_valid() else []
    return TemplateResponse(
        request, "juminkiroku/moji.html", {"form": form, "chars": chars, "asked": form.is_bound}
    )


urlpatterns: list[URLPattern] = [path("moji/", moji, name="jk_moji")]
