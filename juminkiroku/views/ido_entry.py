"""The 異動 entry form's helpers for htmx: one more 異動者 block (「世帯員を追加」), and the
check of one field as the clerk leaves it, answering the messages the 仮登録 itself would
give (the same cleaning: ``juminkiroku.services.ido.fields.clean_fields``).

Neither reads the registry: a block is empty, a check looks only at what was typed.
"""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import escape
from django.views.decorators.http import require_GET, require_POST

from juminkiroku.codes import IDO_GROUP_OF, KOKUSEKI_IDO, IdoGroup, IdoJiyu
from juminkiroku.services.ido import FIELD_LABELS
from juminkiroku.services.ido.enter import REQUIRED_NEW
from juminkiroku.services.ido.fields import clean_fields
from juminkiroku.views.ido import (
    COMMON_FIELDS,
    DATE_INPUTS,
    GYOMU,
    MAX_NEW_PERSONS,
    NEW_PERSON_FIELDS,
    PER_PERSON_FIELDS,
    REQUIRED_COMMON,
    _post_label,
    new_person_fields,
)
from tenants.access import gyomu_view
from tenants.accesslog.reads import no_personal_data
from tenants.models import RoleLevel
from tenants.text import text_errors
from tenants.textguard import checks_own_text
from tenants.wareki import parse_wareki

DATE_LABELS = {"ido_date": "異動日", "todoke_date": "届出日"}


def _entry_jiyu(jiyu: str) -> str:
    if jiyu not in IdoJiyu.values or jiyu in (IdoJiyu.TORIKESHI, IdoJiyu.IKO):
        raise Http404
    return jiyu


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # an empty block of the form
@require_GET
def ido_member_block(request: HttpRequest, jiyu: str) -> HttpResponse:
    """異動者 ``n`` (empty, its first field focused) and the button for ``n + 1``."""
    _entry_jiyu(jiyu)
    if IDO_GROUP_OF[jiyu] != IdoGroup.KISAI or jiyu in KOKUSEKI_IDO:
        raise Http404
    try:
        n = int(request.GET.get("n", ""))
    except ValueError:
        raise Http404 from None
    if not 1 <= n <= MAX_NEW_PERSONS:
        raise Http404
    new_main, new_more = new_person_fields(jiyu)
    return TemplateResponse(
        request,
        "juminkiroku/ido/_member_added.html",
        {
            "i": n,
            "jiyu": jiyu,
            "focus_first": True,
            "new_main": new_main,
            "new_more": new_more,
            "values": {},
            "candidates": {},
            "field_errors": {},
            "open_more": set(),
            "next_n": n + 1 if n < MAX_NEW_PERSONS else None,
            "check_url": reverse("jk_ido_check", args=[jiyu]),
        },
    )


def _date_messages(key: str, text: str, jiyu: str, today: date) -> list[str]:
    label = DATE_LABELS[key]
    if not text:
        return ["異動日を入力してください。"] if key == "ido_date" else []
    try:
        day = parse_wareki(text)
    except ValueError:
        return [f"{label}は 2024-04-01 か 令和6年4月1日 の形で入力してください。"]
    # 標準仕様書 4.0.3: a future 異動日 only for a 転出 (国外転出 included).
    if day > today and (
        key == "todoke_date" or jiyu not in (IdoJiyu.TENSHUTSU, IdoJiyu.KOKUGAI_TENSHUTSU)
    ):
        return [f"{label}に未来の日付は指定できません。"]
    return []


def field_messages(jiyu: str, key: str, value: str, ido_date_text: str = "") -> list[str]:
    """The messages for one field of the 異動 form, as the clerk leaves it."""
    text = value.strip()
    today = timezone.localdate()
    if key in DATE_LABELS:
        return _date_messages(key, text, jiyu, today)
    prefix, _, name = key.partition("-")
    is_kisai = IDO_GROUP_OF[jiyu] == IdoGroup.KISAI and jiyu not in KOKUSEKI_IDO
    person = ""
    if prefix == "c":
        allowed = COMMON_FIELDS.get(jiyu, [])
        required = REQUIRED_COMMON.get(jiyu, ())
    elif prefix[:1] == "n" and prefix[1:].isdigit() and is_kisai:
        allowed, required = NEW_PERSON_FIELDS, REQUIRED_NEW
        person = f"{int(prefix[1:])}人目: "
    elif prefix[:1] == "m" and prefix[1:].isdigit() and not is_kisai:
        allowed, required = PER_PERSON_FIELDS.get(jiyu, []), ()
    else:
        return []
    if name not in allowed:
        return []
    label = FIELD_LABELS[name]
    if not text:
        return [f"{person}{label}を入力してください。"] if name in required else []
    errors: dict[str, list[str]] = {}
    if name in DATE_INPUTS:
        try:
            day = parse_wareki(text)
        except ValueError:
            return [f"{label}は 2024-04-01 か 令和6年4月1日 の形で入力してください。"]
        if name == "birth_date":
            if day > today:
                return [f"{person}{label}に未来の日付は指定できません。"]
            try:
                ido_date = parse_wareki(ido_date_text.strip()) if ido_date_text.strip() else None
            except ValueError:
                ido_date = None
            if ido_date is not None and day > ido_date:
                return [f"{person}生年月日が異動日より後です。"]
        text = day.isoformat()
    clean_fields({name: text}, "", errors)
    return [
        f"{person}{m}" if person and not m.startswith(person) else m for m in errors.get(name, [])
    ]


@checks_own_text  # text_errors below, naming the field in Japanese
@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # answers only messages about what was typed
@require_POST
def ido_field_check(request: HttpRequest, jiyu: str) -> HttpResponse:
    """The messages for the field being left, as text for the error beside it; empty
    when it is fine. htmx posts the whole form and names the field left in
    ``HX-Trigger-Name``; without it, the first field posted other than the 異動日."""
    _entry_jiyu(jiyu)
    refused = text_errors(request.POST, label=_post_label)
    keys = [k for k in request.POST if k != "csrfmiddlewaretoken"]
    key = request.headers.get("HX-Trigger-Name") or next(
        (k for k in keys if k != "ido_date"), "ido_date" if "ido_date" in keys else ""
    )
    if key in refused:
        messages = refused[key]
    elif key:
        messages = field_messages(
            jiyu, key, request.POST.get(key, ""), request.POST.get("ido_date", "")
        )
    else:
        messages = []
    return HttpResponse(escape(" ".join(messages)), content_type="text/html; charset=utf-8")


urlpatterns = [
    path("ido/new/<str:jiyu>/member/", ido_member_block, name="jk_ido_member"),
    path("ido/new/<str:jiyu>/check/", ido_field_check, name="jk_ido_check"),
]
