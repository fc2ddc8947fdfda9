"""Staff screens: 異動入力 (仮登録), 審査・本登録, 差戻し, 取消, 一括本登録.

A 仮登録 is visible only to the clerk who entered it and to reviewers (Kengen
``ido_approve``); to everyone else it does not exist (404).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from juminkiroku.codes import (
    BANGO_IDO,
    IDO_GROUP_OF,
    KOKUSEKI_IDO,
    IdoGroup,
    IdoJiyu,
    IdoStatus,
    JuminJotai,
    JuminShubetsu,
    Sex,
    YokushiLevel,
    YokushiProcess,
    ZairyuKubun,
)
from juminkiroku.grants import Kengen
from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models import Atena, Ido, Setai
from juminkiroku.rules.koseki import todoke_date_initial
from juminkiroku.rules.zokugara import common_choices
from juminkiroku.selectors.ido import idos_visible_to
from juminkiroku.selectors.koseki import koseki_hyoji_of_setai
from juminkiroku.selectors.saitennyu import SaitennyuCandidate, saitennyu_candidates
from juminkiroku.selectors.yokushi import yokushi_blocking
from juminkiroku.services.ido import (
    FIELD_LABELS,
    IdoError,
    PersonChange,
    ido_approve,
    ido_bulk_approve,
    ido_cancel_enter,
    ido_enter,
    ido_reject,
)
from juminkiroku.services.ido.enter import REQUIRED_NEW
from juminkiroku.services.ido.fields import KAKUNIN_FIELDS
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, logs_reads, no_personal_data
from tenants.accesslog.services import access_record, actor_from_request
from tenants.grants.selectors import has_grant
from tenants.labels import field_display
from tenants.models import RoleLevel
from tenants.text import text_errors, text_problem
from tenants.textguard import checks_own_text
from tenants.wareki import format_wareki, parse_wareki

GYOMU = JUMINKIROKU
# 異動者 of one 記載, added one at a time on the screen (「世帯員を追加」).
MAX_NEW_PERSONS = 20

# Fields typed per person for a 記載 (new persons), in the order of the paper 住民異動届:
# 氏名, フリガナ, 生年月日, 性別, 続柄, then 本籍・筆頭者; the rest (旧氏・通称, 外国人住民の
# 事項, 番号) in a section the clerk opens when the 届出 has them.
NEW_PERSON_MAIN = [
    "shimei",
    "shimei_kana",
    "birth_date",
    "sex",
    "zokugara",
    "shubetsu",
    "honseki",
    "hittosha",
]
NEW_PERSON_MORE = [
    "birth_date_fusho",  # 不詳日 (標準仕様書 1.1.8), beside the date kept for computation
    "kyuuji",
    "kyuuji_kana",
    "tsusho",
    "alpha_name",
    "kokuseki",
    "zairyu_shikaku",
    "zairyu_kikan_to",
    "zairyu_card_no",
    "zairyu_kubun",
    "juminhyo_code",
    "kojin_bango",
    "setai_order",
]
NEW_PERSON_FIELDS = [*NEW_PERSON_MAIN, *NEW_PERSON_MORE]
ADDRESS_FIELDS = ["postal_code", "jusho", "banchi", "katagaki", "jusho_code"]
# 異動 made on a 届出 at the counter: their 届出日 starts as today (標準仕様書 4.1.0.2); a
# 職権 異動 has none, and the clerk may change it (a 届出 received by post).
TODOKE_TODAY: frozenset[str] = frozenset(
    {
        IdoJiyu.TENNYU,
        IdoJiyu.KOKUGAI_TENNYU,
        IdoJiyu.HO30_46_TENNYU,
        IdoJiyu.HO30_47_TODOKE,
        IdoJiyu.TENSHUTSU,
        IdoJiyu.KOKUGAI_TENSHUTSU,
        IdoJiyu.TENKYO,
        IdoJiyu.SETAI_BUNRI,
        IdoJiyu.SETAI_GAPPEI,
        IdoJiyu.SETAI_HENKO,
        IdoJiyu.SETAINUSHI_HENKO,
        IdoJiyu.KYUJI_TSUSHO,
    }
)
# Fields typed once and applied to every selected person, per 異動事由.
COMMON_FIELDS: dict[str, list[str]] = {
    IdoJiyu.TENNYU: [*ADDRESS_FIELDS, "tennyu_mae_postal_code", "tennyu_mae_jusho"],
    IdoJiyu.KOKUGAI_TENNYU: [*ADDRESS_FIELDS, "tennyu_mae_postal_code", "tennyu_mae_jusho"],
    # 4.5.1, 4.5.2: like a 国外転入; the 転入前住所 may stay blank.
    IdoJiyu.HO30_46_TENNYU: [*ADDRESS_FIELDS, "tennyu_mae_postal_code", "tennyu_mae_jusho"],
    IdoJiyu.HO30_47_TODOKE: [*ADDRESS_FIELDS, "tennyu_mae_postal_code", "tennyu_mae_jusho"],
    IdoJiyu.SHUSSEI: ADDRESS_FIELDS,
    IdoJiyu.SHOKKEN_KISAI: ADDRESS_FIELDS,
    # 標準仕様書 1.1.17: the 郵便番号 of the 転出先住所（予定） (and of the 転入前住所 above)
    IdoJiyu.TENSHUTSU: ["tenshutsu_saki_postal_code", "tenshutsu_saki_jusho"],
    IdoJiyu.KOKUGAI_TENSHUTSU: ["tenshutsu_saki_postal_code", "tenshutsu_saki_jusho"],
    IdoJiyu.TENKYO: ADDRESS_FIELDS,
    IdoJiyu.JUSHO_SETTEI: [*ADDRESS_FIELDS, "tennyu_mae_jusho"],
    IdoJiyu.MITODOKE_TENNYU: [*ADDRESS_FIELDS, "tennyu_mae_jusho"],
}
# Fields typed per selected existing person.
PER_PERSON_FIELDS: dict[str, list[str]] = {
    IdoJiyu.SETAI_BUNRI: ["zokugara", "setai_order"],
    IdoJiyu.SETAI_GAPPEI: ["zokugara", "setai_order"],
    IdoJiyu.SETAI_HENKO: ["zokugara", "setai_order"],
    IdoJiyu.SETAINUSHI_HENKO: ["zokugara", "setai_order"],
    IdoJiyu.KYUJI_TSUSHO: [
        "kyuuji",
        "kyuuji_kana",
        "kyuuji_kana_kakunin",
        "tsusho",
        "tsusho_kana",
        "tsusho_kana_kakunin",
    ],
    IdoJiyu.SHOKKEN_SHUSEI: [
        "shimei",
        "shimei_kana",
        "kana_kakunin",
        "birth_date",
        "birth_date_fusho",
        "sex",
        "honseki",
        "hittosha",
        *ADDRESS_FIELDS,
        "juminhyo_code",
        "kojin_bango",
    ],
}
PER_PERSON_FIELDS[IdoJiyu.GOKI_SHUSEI] = PER_PERSON_FIELDS[IdoJiyu.SHOKKEN_SHUSEI]
# 帰化・国籍取得 (4.5.3, 4.5.4), 国籍喪失 (4.5.5): the items of the new 住民種別.
PER_PERSON_FIELDS[IdoJiyu.KIKA] = ["shimei", "shimei_kana", "honseki", "hittosha"]
PER_PERSON_FIELDS[IdoJiyu.KOKUSEKI_SHUTOKU] = PER_PERSON_FIELDS[IdoJiyu.KIKA]
PER_PERSON_FIELDS[IdoJiyu.KOKUSEKI_SOSHITSU] = [
    "alpha_name",
    "kokuseki",
    "zairyu_shikaku",
    "zairyu_kikan_to",
    "zairyu_card_no",
    "zairyu_kubun",
]
PER_PERSON_FIELDS[IdoJiyu.KEIBI_SHUSEI] = ["shimei", "shimei_kana", *ADDRESS_FIELDS]
for _jiyu, _name in BANGO_IDO.items():
    PER_PERSON_FIELDS[_jiyu] = [_name]
SETAI_MODE: dict[str, str] = {
    IdoJiyu.SETAI_BUNRI: "new",
    IdoJiyu.SETAI_GAPPEI: "existing",
    IdoJiyu.SETAI_HENKO: "existing",
}
CHOICES: dict[str, list[tuple[str, str]]] = {
    "sex": list(Sex.choices),
    "shubetsu": list(JuminShubetsu.choices),
    "zairyu_kubun": list(ZairyuKubun.choices),
    "zokugara": common_choices(),
}
DATE_INPUTS = {"birth_date", "zairyu_kikan_to"}
# Typed once for the whole 届出 and required (REQUIRED_NEW covers the persons).
REQUIRED_COMMON: dict[str, tuple[str, ...]] = {
    IdoJiyu.TENNYU: ("jusho", "tennyu_mae_jusho"),
    IdoJiyu.KOKUGAI_TENNYU: ("jusho",),
    IdoJiyu.HO30_46_TENNYU: ("jusho",),
    IdoJiyu.HO30_47_TODOKE: ("jusho",),
    IdoJiyu.SHUSSEI: ("jusho",),
    IdoJiyu.SHOKKEN_KISAI: ("jusho",),
    IdoJiyu.TENSHUTSU: ("tenshutsu_saki_jusho",),
    IdoJiyu.JUSHO_SETTEI: ("jusho",),
    IdoJiyu.MITODOKE_TENNYU: ("jusho", "tennyu_mae_jusho"),
}


def _actor_is_reviewer(request: HttpRequest) -> bool:
    return has_grant(getattr(request.user, "pk", None), Kengen.IDO_APPROVE)


def visible_idos(request: HttpRequest) -> QuerySet[Ido]:
    """本登録 and later for everyone with the module; 仮登録 only for its author and reviewers
    (the one rule: ``juminkiroku.selectors.ido.idos_visible_to``)."""
    return idos_visible_to(user_id=request.user.pk)


def _parse_date(text: str, label: str, errors: dict[str, list[str]], key: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return parse_wareki(text)
    except ValueError:
        errors.setdefault(key, []).append(
            f"{label}は 2024-04-01 か 令和6年4月1日 の形で入力してください。"
        )
        return None


_POST_LABELS = {
    "jiyu": "異動事由",
    "atena_no": "宛名番号",
    "ido_date": "異動日",
    "todoke_date": "届出日",
    "note": "備考",
    "reason": "差戻し理由",
    "setai_mode": "世帯の指定",
    "setai_no": "異動先の世帯番号",
    "ack": "アラートの確認",
    "setainushi_fuzai": "世帯主不在の確認",
    "tokurei": "特例転出",
}
_PERSON_POST_LABELS = {"saitennyu": "再転入者の確認", "saishu_toroku_jusho": "最終登録住所地"}


def _post_label(key: str) -> str:
    """The Japanese name of a posted field: ``n2-shimei`` is 2人目の氏名, ``c-jusho`` and
    ``m<id>-jusho`` are 住所."""
    prefix, _, name = key.partition("-")
    if name in FIELD_LABELS:
        if prefix.startswith("n") and prefix[1:].isdigit():
            return f"{prefix[1:]}人目の{FIELD_LABELS[name]}"
        return FIELD_LABELS[name]
    if name in _PERSON_POST_LABELS:
        return _PERSON_POST_LABELS[name]
    return _POST_LABELS.get(key, "入力項目")


def _refused_text(
    request: HttpRequest,
    errors: dict[str, list[str]],
    label: Callable[[str], str] = _post_label,
) -> bool:
    """Refuse a post holding NUL or another control character in any field (none of this
    screen's inputs is multi-line) before anything reads it."""
    found = text_errors(request.POST, label=label)
    for key, msgs in found.items():
        errors.setdefault(key, []).extend(msgs)
    return bool(found)


def _field_spec(name: str, *, required: bool = False) -> dict[str, Any]:
    return {
        "name": name,
        "label": FIELD_LABELS.get(name, name),
        "choices": CHOICES.get(name),
        "is_bool": name in KAKUNIN_FIELDS,
        "required": required,
    }


def new_person_fields(jiyu: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The fields of one 異動者 of a 記載: those of the paper form's person block, and the
    others."""
    required = set(REQUIRED_NEW)
    main = [_field_spec(n, required=n in required) for n in NEW_PERSON_MAIN]
    return main, [_field_spec(n) for n in NEW_PERSON_MORE]


def more_open(values: dict[str, Any], errors: dict[str, Any], rows: range) -> set[int]:
    """The 異動者 whose other fields hold something typed or an error: shown opened."""
    return {
        i
        for i in rows
        for n in NEW_PERSON_MORE
        if str(values.get(f"n{i}-{n}", "")).strip() or errors.get(f"n{i}-{n}")
    }


def common_fields(jiyu: str) -> list[dict[str, Any]]:
    required = set(REQUIRED_COMMON.get(jiyu, ()))
    return [_field_spec(n, required=n in required) for n in COMMON_FIELDS.get(jiyu, [])]


def new_person_count(values: dict[str, str]) -> int:
    """How many 異動者 blocks a re-shown form has: up to the last one with anything typed."""
    last = 1
    for key, value in values.items():
        prefix, _, name = key.partition("-")
        if prefix[:1] == "n" and prefix[1:].isdigit() and name and str(value).strip():
            last = max(last, int(prefix[1:]))
    return min(last, MAX_NEW_PERSONS)


# --- 入力 -------------------------------------------------------------------------


@checks_own_text  # every posted value: _refused_text
@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # the 異動事由 to pick; a 宛名番号 typed is only looked up
@require_http_methods(["GET", "POST"])
def ido_new(request: HttpRequest) -> HttpResponse:
    """Pick the 異動事由; for changes to existing residents, name the person by 宛名番号."""
    error = ""
    refused: dict[str, list[str]] = {}
    if request.method == "POST" and _refused_text(request, refused):
        error = " ".join(m for msgs in refused.values() for m in msgs)
    elif request.method == "POST":
        jiyu = request.POST.get("jiyu", "")
        atena_no = request.POST.get("atena_no", "").strip()
        if jiyu not in IdoJiyu.values or jiyu == IdoJiyu.TORIKESHI:
            error = "異動事由を選択してください。"
        else:
            atena = Atena.objects.filter(atena_no=atena_no).first()
            if atena is None:
                error = "宛名番号に該当する住民がいません。"
            else:
                return redirect(f"/juminkiroku/ido/new/{jiyu}/?atena={atena.pk}")
    groups = []
    for group in (IdoGroup.KISAI, IdoGroup.SHOJO, IdoGroup.SHUSEI):
        items = [
            (j.value, j.label)
            for j in IdoJiyu
            if IDO_GROUP_OF[j.value] == group and j != IdoJiyu.IKO and j not in KOKUSEKI_IDO
        ]
        groups.append({"label": group.label, "code": group.value, "items": items})
    return TemplateResponse(
        request,
        "juminkiroku/ido/new.html",
        {
            "groups": groups,
            "error": error,
            "atena_pk": request.GET.get("atena", ""),
            "existing_jiyu": [
                (j.value, j.label)
                for j in IdoJiyu
                if IDO_GROUP_OF[j.value] in (IdoGroup.SHOJO, IdoGroup.SHUSEI) or j in KOKUSEKI_IDO
            ],
        },
    )


def members_for(atena: Atena) -> list[Atena]:
    if atena.setai_id is None:
        return [atena]
    return list(
        Atena.objects.filter(setai_id=atena.setai_id, jotai=JuminJotai.JUMIN).order_by(
            "setai_order", "id"
        )
    )


def _quote_honseki(
    request: HttpRequest, values: dict[str, str], new_count: int, errors: dict[str, list[str]]
) -> None:
    setai_no = values.get("setai_no", "")
    problem = text_problem(setai_no, label="世帯番号")
    if problem is not None:
        errors["setai"] = [problem]
        return
    quoted = koseki_hyoji_of_setai(setai_no)
    if quoted is None:
        errors["setai"] = ["世帯番号の世帯に、本籍の記録がある住民がいません。"]
        return
    for i in range(1, new_count + 1):
        if not values.get(f"n{i}-honseki", "").strip():
            values[f"n{i}-honseki"] = quoted.honseki
            values[f"n{i}-hittosha"] = quoted.hittosha
    access_record(
        request=request,
        action=AccessAction.READ,
        gyomu=GYOMU,
        screen="異動入力（本籍・筆頭者の引用）",
        record_type="atena",
        record_id=quoted.atena_id,
    )


@checks_own_text  # every posted value: _refused_text
@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    # The person named and their household, shown to enter the change, and for a 記載 the
    # 再転入 candidates shown (4.1.1.2); the 仮登録 itself is logged by ido_enter.
    Reads("atena", ids=lambda ctx: _shown_ids(ctx), screen="異動入力")
)
@require_http_methods(["GET", "POST"])
def ido_form(request: HttpRequest, jiyu: str) -> HttpResponse:
    if jiyu not in IdoJiyu.values or jiyu in (IdoJiyu.TORIKESHI, IdoJiyu.IKO):
        raise Http404
    group = IDO_GROUP_OF[jiyu]
    # 帰化・国籍取得・国籍喪失 are 記載 of a resident on file: entered on that person.
    is_kisai = group == IdoGroup.KISAI and jiyu not in KOKUSEKI_IDO
    base: Atena | None = None
    members: list[Atena] = []
    if not is_kisai:
        try:
            base = Atena.objects.get(pk=int(request.GET.get("atena", "")))
        except (ValueError, Atena.DoesNotExist):
            messages.error(request, "先に対象の住民を宛名番号で指定してください。")
            return redirect("/juminkiroku/ido/new/")
        members = members_for(base)
    errors: dict[str, list[str]] = {}
    values: dict[str, str] = {}
    candidates: dict[str, list[SaitennyuCandidate]] = {}
    new_count = 1
    if request.method == "POST":
        values = {k: str(v) for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        new_count = new_person_count(values)
        if "add_member" in request.POST:
            # 「世帯員を追加」 without htmx: the same form, one 異動者 more, nothing entered.
            new_count = min(new_count + 1, MAX_NEW_PERSONS)
            ido = None
        elif "quote_honseki" in request.POST:
            # 4.2.0.3: the household's 本籍・筆頭者 into every 異動者 left blank.
            ido = None
            _quote_honseki(request, values, new_count, errors)
        else:
            ido = _submit(request, jiyu, is_kisai, members, errors, candidates)
        if ido is not None:
            messages.success(
                request,
                f"仮登録しました（異動番号 {ido.ido_no}）。別の職員の審査・本登録を待っています。",
            )
            return redirect(f"/juminkiroku/ido/{ido.pk}/")
    else:
        values = entry_form_values(jiyu, base, members)
    return entry_form_page(
        request,
        jiyu,
        values=values,
        base=base,
        members=members,
        errors=errors,
        candidates=candidates,
        new_count=new_count,
    )


def entry_form_values(jiyu: str, base: Atena | None, members: list[Atena]) -> dict[str, str]:
    """The values a fresh entry form starts with (the GET of ``ido_form``): each member's
    items, the 届出日 of today, and who is ticked."""
    per_person = [_field_spec(n) for n in PER_PERSON_FIELDS.get(jiyu, [])]
    values = {
        f"m{m.pk}-{f['name']}": _initial(m, str(f["name"])) for m in members for f in per_person
    }
    if jiyu in TODOKE_TODAY:
        values["todoke_date"] = format_wareki(timezone.localdate())
    # 4.2.0.4: a 戸籍届出・通知日 starts as today (kept as the 届出日).
    elif initial := todoke_date_initial(jiyu):
        values["todoke_date"] = initial
    if base is not None:
        values[f"sel-{base.pk}"] = "on"
        if IDO_GROUP_OF[jiyu] == IdoGroup.SHOJO or jiyu == IdoJiyu.TENKYO:
            for m in members:
                values[f"sel-{m.pk}"] = "on"
    return values


def entry_form_page(
    request: HttpRequest,
    jiyu: str,
    *,
    values: dict[str, str],
    base: Atena | None,
    members: list[Atena],
    errors: dict[str, list[str]] | None = None,
    candidates: dict[str, list[SaitennyuCandidate]] | None = None,
    new_count: int = 1,
    form_action: str = "",
    extra: dict[str, Any] | None = None,
) -> TemplateResponse:
    """The 異動 entry form, as ``ido_form`` shows it; ``form_action`` sends it to
    ``ido_form`` from another screen (the CSV取込 pre-fills it: ``views.csvin``)."""
    errors = errors or {}
    candidates = candidates or {}
    group = IDO_GROUP_OF[jiyu]
    is_kisai = group == IdoGroup.KISAI and jiyu not in KOKUSEKI_IDO
    new_main, new_more = new_person_fields(jiyu)
    flat_errors = [f"{msg}" for msgs in errors.values() for msg in msgs]
    alerts = [
        y
        for y in yokushi_blocking(
            atena_ids=[m.pk for m in members],
            setai_ids=[m.setai_id for m in members if m.setai_id],
            process=YokushiProcess.IDO,
        )
        if y.level == YokushiLevel.ALERT
    ]
    return TemplateResponse(
        request,
        "juminkiroku/ido/form.html",
        {
            "jiyu": jiyu,
            "base": base,
            "jiyu_label": IdoJiyu(jiyu).label,
            "group_label": IdoGroup(group).label,
            "is_kisai": is_kisai,
            "members": members,
            "common_fields": common_fields(jiyu),
            "per_person": [_field_spec(n) for n in PER_PERSON_FIELDS.get(jiyu, [])],
            "new_main": new_main,
            "new_more": new_more,
            "new_rows": range(1, new_count + 1),
            "next_n": new_count + 1 if new_count < MAX_NEW_PERSONS else None,
            "values": values,
            "errors": flat_errors,
            "field_errors": errors,
            "check_url": reverse("jk_ido_check", args=[jiyu]),
            "open_more": more_open(values, errors, range(1, new_count + 1)),
            "setai_mode": SETAI_MODE.get(jiyu, "new" if is_kisai else "keep"),
            "needs_target_setai": SETAI_MODE.get(jiyu) == "existing",
            "alerts": alerts,
            "candidates": candidates,
            "asks_fuzai": "setainushi_fuzai" in errors or values.get("setainushi_fuzai") == "on",
            "form_action": form_action,
            **(extra or {}),
        },
    )


def _shown_ids(ctx: dict[str, Any]) -> list[int]:
    ids = [m.pk for m in ctx.get("members", [])]
    ids += [c.atena_id for cs in ctx.get("candidates", {}).values() for c in cs]
    return ids


def _block_candidates(post: Any, i: int) -> list[SaitennyuCandidate]:
    """再転入 (4.1.1.2): the 除票・住登外 宛名 matching what was typed in 異動者 ``i``."""
    birth: date | None = None
    try:
        text = post.get(f"n{i}-birth_date", "").strip()
        birth = parse_wareki(text) if text else None
    except ValueError:
        birth = None
    return saitennyu_candidates(
        shimei=post.get(f"n{i}-shimei", ""),
        shimei_kana=post.get(f"n{i}-shimei_kana", ""),
        birth_date=birth,
        sex=post.get(f"n{i}-sex", ""),
        juminhyo_code=post.get(f"n{i}-juminhyo_code", ""),
        kojin_bango=post.get(f"n{i}-kojin_bango", ""),
        zairyu_card_no=post.get(f"n{i}-zairyu_card_no", ""),
    )


def _initial(atena: Atena, name: str) -> str:
    value = getattr(atena, name, "")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "on" if value else ""
    return "" if value is None else str(value)


def _submit(
    request: HttpRequest,
    jiyu: str,
    is_kisai: bool,
    members: list[Atena],
    errors: dict[str, list[str]],
    candidates: dict[str, list[SaitennyuCandidate]] | None = None,
) -> Ido | None:
    if _refused_text(request, errors):
        return None
    post = request.POST
    ido_date = _parse_date(post.get("ido_date", ""), "異動日", errors, "ido_date")
    todoke_date = _parse_date(post.get("todoke_date", ""), "届出日", errors, "todoke_date")
    if ido_date is None and "ido_date" not in errors:
        errors["ido_date"] = ["異動日を入力してください。"]
    common: dict[str, Any] = {}
    for name in COMMON_FIELDS.get(jiyu, []):
        value = post.get(f"c-{name}", "").strip()
        if value:
            common[name] = value
    changes: list[PersonChange] = []
    # The form's prefix of each change, to show the service's errors beside their fields.
    prefixes: list[str] = []
    if is_kisai:
        for i in range(1, MAX_NEW_PERSONS + 1):
            raw = {n: post.get(f"n{i}-{n}", "").strip() for n in NEW_PERSON_FIELDS}
            if not raw["shimei"] and not raw["shimei_kana"]:
                continue
            fields: dict[str, Any] = {k: v for k, v in raw.items() if v}
            for name in DATE_INPUTS:
                if name in fields:
                    d = _parse_date(fields[name], FIELD_LABELS[name], errors, f"n{i}-{name}")
                    fields[name] = d.isoformat() if d else fields[name]
            fields.setdefault("setai_order", str(i))
            fields.update(common)
            # 再転入 (4.1.1.2): the clerk names the old 宛名 or says the person is another.
            choice = post.get(f"n{i}-saitennyu", "")
            found = _block_candidates(post, i)
            found_ids = {c.atena_id for c in found}
            if choice.isdigit() and int(choice) in found_ids:
                changes.append(PersonChange(int(choice), fields))
            elif choice == "new" and found and not any(c.match == "number" for c in found):
                changes.append(PersonChange(None, fields, confirmed_new=True))
            else:
                if found:
                    if candidates is not None:
                        candidates[str(i)] = found
                    errors.setdefault(f"n{i}-saitennyu", []).append(
                        f"{i}人目: 除票・住登外の宛名に同じ人と思われる人がいます。"
                        "再転入者ならその宛名を選んでください。"
                    )
                changes.append(PersonChange(None, fields))
            saishu = post.get(f"n{i}-saishu_toroku_jusho", "").strip()
            if saishu:
                changes[-1].saishu_toroku_jusho = saishu
            prefixes.append(f"n{i}-")
        if not changes:
            errors.setdefault("__all__", []).append("異動者の氏名を入力してください。")
    else:
        for m in members:
            if post.get(f"sel-{m.pk}") != "on":
                continue
            fields = dict(common)
            for name in PER_PERSON_FIELDS.get(jiyu, []):
                key = f"m{m.pk}-{name}"
                if name in KAKUNIN_FIELDS:
                    new_bool = post.get(key) == "on"
                    if new_bool != getattr(m, name):
                        fields[name] = new_bool
                    continue
                value = post.get(key, "").strip()
                if name in DATE_INPUTS and value:
                    d = _parse_date(value, FIELD_LABELS[name], errors, key)
                    value = d.isoformat() if d else value
                if value != _initial(m, name):
                    fields[name] = value
            changes.append(PersonChange(m.pk, fields))
            prefixes.append(f"m{m.pk}-")
        if not changes:
            errors.setdefault("__all__", []).append("異動する世帯員を選択してください。")
    setai_mode = SETAI_MODE.get(jiyu, "new" if is_kisai else "keep")
    setai_id: int | None = None
    if (is_kisai and post.get("setai_mode") == "existing") or SETAI_MODE.get(jiyu) == "existing":
        setai_mode = "existing"
        setai = Setai.objects.filter(setai_no=post.get("setai_no", "").strip()).first()
        if setai is None:
            errors.setdefault("setai", []).append("異動先の世帯番号に該当する世帯がありません。")
        else:
            setai_id = setai.pk
    if errors or ido_date is None:
        return None
    acknowledged = [int(x) for x in post.getlist("ack") if x.isdigit()]
    try:
        return ido_enter(
            jiyu=jiyu,
            ido_date=ido_date,
            todoke_date=todoke_date,
            changes=changes,
            setai_mode=setai_mode,
            setai_id=setai_id,
            note=post.get("note", "").strip()[:200],
            acknowledged_alerts=acknowledged,
            setainushi_fuzai_ok=post.get("setainushi_fuzai") == "on",
            tokurei=jiyu == IdoJiyu.TENSHUTSU and post.get("tokurei") == "on",
            actor=actor_from_request(request),
        )
    except IdoError as exc:
        for key, msgs in exc.errors.items():
            errors.setdefault(_form_key(key, jiyu, prefixes), []).extend(msgs)
        return None


def _form_key(key: str, jiyu: str, prefixes: list[str]) -> str:
    """The form field a service error names: ``persons.1.shimei`` is the second change's
    氏名 (``n2-shimei``, or ``c-jusho`` when the field is typed once for all)."""
    parts = key.split(".")
    if len(parts) == 3 and parts[0] == "persons" and parts[1].isdigit():
        index, name = int(parts[1]), parts[2]
        if name in COMMON_FIELDS.get(jiyu, []):
            return f"c-{name}"
        if index < len(prefixes):
            return prefixes[index] + name
    return key


# --- 一覧・審査 ---------------------------------------------------------------------


@gyomu_view(GYOMU)
@no_personal_data  # 異動番号, 事由, dates and head counts: no person
def ido_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", IdoStatus.KARI)
    if status not in IdoStatus.values:
        status = IdoStatus.KARI
    qs = (
        visible_idos(request)
        .filter(status=status)
        .annotate(n=Count("targets"))
        .order_by("-entered_at", "-id")
    )
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "juminkiroku/ido/list.html",
        {
            "page": page,
            "status": status,
            "statuses": IdoStatus.choices,
            "is_reviewer": _actor_is_reviewer(request),
        },
    )


def _get_visible(request: HttpRequest, pk: int) -> Ido:
    ido = visible_idos(request).filter(pk=pk).first()
    if ido is None:
        raise Http404
    return ido


_FIELD_ORDER = {name: i for i, name in enumerate(FIELD_LABELS)}


def _payload_rows(ido: Ido) -> list[dict[str, Any]]:
    persons = ido.payload.get("persons", [])
    ids = [p["atena_id"] for p in persons if p.get("atena_id")]
    current = {a.pk: a for a in Atena.objects.filter(pk__in=ids)}
    rows = []
    for p in persons:
        atena = current.get(p.get("atena_id"))
        changes = []
        # in the order of the 住民票 (the model's field order), not the order typed
        fields = sorted(p.get("fields", {}).items(), key=lambda kv: _FIELD_ORDER.get(kv[0], 999))
        for name, value in fields:
            raw_before = getattr(atena, name, "") if atena is not None else ""
            # codes, ISO dates and bare postal codes as a clerk reads them (tenants.labels)
            before = field_display(Atena, name, raw_before)
            after = field_display(Atena, name, value)
            if name == "kojin_bango" and value:
                after, before = "（変更あり・非表示）", "************" if raw_before else ""
            changes.append(
                {"label": FIELD_LABELS.get(name, name), "before": before, "after": after}
            )
        if p.get("saishu_toroku_jusho"):  # 未届転入 (4.1.1.4): data, not on the 住民票
            changes.append(
                {
                    "label": "最終登録住所地（住民票の記載事項ではない）",
                    "before": "",
                    "after": p["saishu_toroku_jusho"],
                }
            )
        rows.append({"atena": atena, "changes": changes})
    return rows


@gyomu_view(GYOMU)
@logs_reads(
    Reads(
        "ido",
        id_kwarg="pk",
        shown="ido",
        count=lambda ctx: max(1, len(ctx["rows"])),
        detail=lambda ctx: {
            "atena_ids": [r["atena"].pk for r in ctx["rows"] if r["atena"] is not None]
        },
        screen="異動内容照会",
    )
)
def ido_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ido = _get_visible(request, pk)
    rows = _payload_rows(ido)
    user_id = request.user.pk
    registered = (
        list(Atena.objects.filter(rireki__ido=ido).distinct().order_by("setai_order", "id"))
        if ido.status == IdoStatus.HON
        else []
    )
    return TemplateResponse(
        request,
        "juminkiroku/ido/detail.html",
        {
            "ido": ido,
            "rows": rows,
            "registered": registered,
            "can_approve": ido.status == IdoStatus.KARI
            and user_id != ido.entered_by_id
            and _actor_is_reviewer(request),
            "is_author": user_id == ido.entered_by_id,
            "can_cancel": ido.status == IdoStatus.HON and ido.jiyu != IdoJiyu.TORIKESHI,
            "today": timezone.localdate(),
        },
    )


@gyomu_view(GYOMU, write_level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then a redirect
@require_POST
def ido_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    ido = _get_visible(request, pk)
    try:
        ido_approve(ido_id=ido.pk, actor=actor_from_request(request))
    except IdoError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"本登録しました（異動番号 {ido.ido_no}）。")
    return redirect(f"/juminkiroku/ido/{ido.pk}/")


@checks_own_text  # every posted value: _refused_text
@gyomu_view(GYOMU, write_level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then a redirect
@require_POST
def ido_reject_view(request: HttpRequest, pk: int) -> HttpResponse:
    ido = _get_visible(request, pk)
    refused: dict[str, list[str]] = {}
    if _refused_text(request, refused):
        for msgs in refused.values():
            for msg in msgs:
                messages.error(request, msg)
        return redirect(f"/juminkiroku/ido/{ido.pk}/")
    try:
        ido_reject(
            ido_id=ido.pk, reason=request.POST.get("reason", ""), actor=actor_from_request(request)
        )
    except IdoError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"差し戻しました（異動番号 {ido.ido_no}）。")
    return redirect(f"/juminkiroku/ido/{ido.pk}/")


@checks_own_text  # every posted value: _refused_text
@gyomu_view(GYOMU, write_level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then a redirect
@require_POST
def ido_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    ido = _get_visible(request, pk)
    errors: dict[str, list[str]] = {}
    cancel_labels = {
        "ido_date": "取消日",
        "note": "取消しの理由",
        "atena": "取り消す人",
        "moshide": "申出による取消し",
        "moshide_date": "申出日",
    }
    if _refused_text(request, errors, lambda key: cancel_labels.get(key, "入力項目")):
        for msgs in errors.values():
            for msg in msgs:
                messages.error(request, msg)
        return redirect(f"/juminkiroku/ido/{ido.pk}/")
    on = _parse_date(request.POST.get("ido_date", ""), "取消日", errors, "ido_date")
    moshide = None
    if request.POST.get("moshide") == "on":
        moshide = (
            _parse_date(request.POST.get("moshide_date", ""), "申出日", errors, "moshide_date")
            or timezone.localdate()
        )
    if errors.get("moshide_date"):
        messages.error(request, errors["moshide_date"][0])
        return redirect(f"/juminkiroku/ido/{ido.pk}/")
    if on is None:
        messages.error(request, "取消日を入力してください。")
        return redirect(f"/juminkiroku/ido/{ido.pk}/")
    try:
        cancel = ido_cancel_enter(
            cancels_id=ido.pk,
            ido_date=on,
            note=request.POST.get("note", ""),
            actor=actor_from_request(request),
            # 一部の取消し (標準仕様書 4.6.0.1): the persons ticked, or everyone.
            atena_ids=[int(x) for x in request.POST.getlist("atena") if x.isdigit()] or None,
            # 申出による取消し (4.6.1.1 → 4.2.0.5): the 申出日, today unless changed.
            moshide_date=moshide,
        )
    except IdoError as exc:
        messages.error(request, str(exc))
        return redirect(f"/juminkiroku/ido/{ido.pk}/")
    messages.success(request, f"取消しを仮登録しました（異動番号 {cancel.ido_no}）。")
    return redirect(f"/juminkiroku/ido/{cancel.pk}/")


@gyomu_view(GYOMU, write_level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then a redirect
@require_POST
def ido_bulk_approve_view(request: HttpRequest) -> HttpResponse:
    ids = [int(x) for x in request.POST.getlist("ido") if x.isdigit()]
    visible = set(visible_idos(request).filter(pk__in=ids).values_list("pk", flat=True))
    try:
        result = ido_bulk_approve(
            ido_ids=[i for i in ids if i in visible], actor=actor_from_request(request)
        )
    except IdoError as exc:
        messages.error(request, str(exc))
        return redirect("/juminkiroku/ido/")
    if result.approved:
        messages.success(request, f"{len(result.approved)}件を本登録しました。")
    for ido_id, reason in result.refused.items():
        messages.error(request, f"異動ID {ido_id}: {reason}")
    return redirect("/juminkiroku/ido/")


urlpatterns = [
    path("ido/", ido_list, name="jk_ido_list"),
    path("ido/new/", ido_new, name="jk_ido_new"),
    path("ido/new/<str:jiyu>/", ido_form, name="jk_ido_form"),
    path("ido/bulk-approve/", ido_bulk_approve_view, name="jk_ido_bulk_approve"),
    path("ido/<int:pk>/", ido_detail, name="jk_ido_detail"),
    path("ido/<int:pk>/approve/", ido_approve_view, name="jk_ido_approve"),
    path("ido/<int:pk>/reject/", ido_reject_view, name="jk_ido_reject"),
    path("ido/<int:pk>/cancel/", ido_cancel_view, name="jk_ido_cancel"),
]
