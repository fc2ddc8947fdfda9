"""Reads and checks behind the office's billing inputs: the billed members, the figures
a rule may name (the official population, every meter of tenants.meters, the months of
each module, the office's own figures), and the validation of a pool's rule and
rounding. No writes: :mod:`billing.services.pools` and
:mod:`billing.services.member_values` write.

Invalid input raises :class:`django.core.exceptions.ValidationError` with Japanese
messages keyed by field (``rule``, ``amount_yen``, ``key`` …).
"""

from __future__ import annotations

import re
from decimal import InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from billing.models import CostPool, MemberFigure, RemainderMethod, TieBreak
from billing.rules import Jinkowari, Kobetsu, Metered, Mix, Rule, Teigen, TeigenCurve, describe_rule
from billing.rules.codec import rule_from_json
from billing.rules.numbers import figure_label
from billing.services.meters import counted_figures
from tenants.models import Consortium, Gyomu, Municipality, MunicipalityStatus, Subscription
from tenants.wareki import format_nendo

ROUNDING_UNITS = (1, 10, 100, 1000)
FISCAL_YEAR_MIN, FISCAL_YEAR_MAX = 2000, 2100
MONTHS_PREFIX = "months:"
FIGURE_KEY = re.compile(r"^[a-z][a-z0-9_]{0,49}$")


# --- reads used by the validation and the screens -------------------------------------


def consortium_members(*, consortium: Consortium) -> list[Municipality]:
    """The members that are billed (withdrawn members are not), by 団体コード."""
    return list(
        Municipality.objects.filter(consortium=consortium)
        .exclude(status=MunicipalityStatus.WITHDRAWN)
        .order_by("dantai_code")
    )


def figures_available(*, consortium: Consortium, fiscal_year: int) -> dict[str, set[str]]:
    """Figure key → the 団体コード of the members that will have it in a run of that
    year: the counted figures for everyone, ``months:<業務コード>`` for everyone when any
    member subscribes to that module, and the office-entered figures of that year."""
    members = consortium_members(consortium=consortium)
    codes = {m.dantai_code for m in members}
    # The official population and every meter (billing.services.meters).
    out: dict[str, set[str]] = {key: set(codes) for key in counted_figures()}
    # A module any member uses is a figure of every member (0 months for the others;
    # billing.services.allocation.member_figures).
    for gyomu in Subscription.objects.filter(municipality__in=members).values_list(
        "gyomu__code", flat=True
    ):
        out[f"{MONTHS_PREFIX}{gyomu}"] = set(codes)
    for code, key in MemberFigure.objects.filter(
        consortium=consortium, fiscal_year=fiscal_year, municipality__in=members
    ).values_list("municipality__dantai_code", "key"):
        out.setdefault(key, set()).add(code)
    return out


def figure_display(key: str, gyomu_names: dict[str, str] | None = None) -> str:
    """``staff`` → ``職員数``; ``months:juminkiroku`` → ``使用月数（住民記録）``."""
    if key.startswith(MONTHS_PREFIX):
        code = key[len(MONTHS_PREFIX) :]
        names = gyomu_names if gyomu_names is not None else _gyomu_names([code])
        return f"{figure_label('months')}（{names.get(code, code)}）"
    return figure_label(key)


def _gyomu_names(codes: list[str]) -> dict[str, str]:
    return dict(Gyomu.objects.filter(code__in=codes).values_list("code", "name"))


# --- rule validation ------------------------------------------------------------------


def rule_references(rule: Rule) -> tuple[list[str], list[str]]:
    """(figures used, members named by 個別負担) in a rule."""
    if isinstance(rule, Mix):
        figures: list[str] = []
        members: list[str] = []
        for _, part in rule.parts:
            f, m = rule_references(part)
            figures.extend(x for x in f if x not in figures)
            members.extend(x for x in m if x not in members)
        return figures, members
    if isinstance(rule, Jinkowari | Teigen | TeigenCurve | Metered):
        return [rule.figure], []
    if isinstance(rule, Kobetsu):
        return [], [rule.member_id]
    return [], []


def _has_float(data: Any) -> bool:
    if isinstance(data, float):
        return True
    if isinstance(data, dict):
        return any(_has_float(v) for v in data.values())
    if isinstance(data, list | tuple):
        return any(_has_float(v) for v in data)
    return False


def rule_parse(data: Any) -> Rule:
    """The rule for stored JSON, or ValidationError on ``rule`` (shape only)."""
    if not isinstance(data, dict):
        raise ValidationError({"rule": "按分ルールは JSON のオブジェクトで指定してください。"})
    if _has_float(data):
        raise ValidationError(
            {
                "rule": "按分ルールに小数は数値で指定できません。"
                '文字列で指定してください（例: "0.05"）。'
            }
        )
    try:
        return rule_from_json(data)
    except (KeyError, IndexError) as exc:
        raise ValidationError(
            {"rule": f"按分ルールに必要な項目がありません: {exc.args[0] if exc.args else ''}"}
        ) from exc
    except (ValueError, TypeError, InvalidOperation, AttributeError) as exc:
        message = str(exc) if str(exc) else "形式が正しくありません"
        raise ValidationError({"rule": f"按分ルールが正しくありません: {message}"}) from exc


def rule_check(
    *, consortium: Consortium, fiscal_year: int, rule: Any, amount_yen: int | None
) -> Rule:
    """Parse ``rule`` and check it against the consortium's members of that year: every
    figure it uses must exist for every member, a 個別負担 must name a member, and the
    amount must fit the rule (従量制 has none; a pool-splitting rule needs one)."""
    parsed = rule_parse(rule)
    members = consortium_members(consortium=consortium)
    if not members:
        raise ValidationError({"rule": "按分の対象となる構成団体がありません。"})
    names = {m.dantai_code: m.name for m in members}
    figures, named = rule_references(parsed)
    available = figures_available(consortium=consortium, fiscal_year=fiscal_year)
    gyomu = _gyomu_names([f[len(MONTHS_PREFIX) :] for f in figures if f.startswith(MONTHS_PREFIX)])
    errors: list[str] = []
    for key in figures:
        if key == "months":
            errors.append("使用月数には業務を指定してください（例: months:juminkiroku）。")
            continue
        if key.startswith(MONTHS_PREFIX) and key[len(MONTHS_PREFIX) :] not in gyomu:
            errors.append(f"業務コード「{key[len(MONTHS_PREFIX) :]}」は業務一覧にありません。")
            continue
        missing = [names[c] for c in names if c not in available.get(key, set())]
        if not missing:
            continue
        label = figure_display(key, gyomu)
        if key.startswith(MONTHS_PREFIX):
            errors.append(
                f"{label}で按分するには全団体がその業務を利用している必要があります"
                f"（利用していない団体: {'、'.join(missing)}）。"
            )
        elif len(missing) == len(names):
            errors.append(
                f"{format_nendo(fiscal_year)}の「{label}」が登録されていません。"
                "先に団体別の数値を入力してください。"
            )
        else:
            errors.append(
                f"{format_nendo(fiscal_year)}の「{label}」が入力されていない団体があります: "
                f"{'、'.join(missing)}。"
            )
    for code in named:
        if code not in names:
            errors.append(f"個別負担の対象団体（団体コード {code}）は構成団体ではありません。")
    if errors:
        raise ValidationError({"rule": errors})
    metered = isinstance(parsed, Metered)
    if metered and amount_yen is not None:
        raise ValidationError(
            {
                "amount_yen": "従量制の費用区分では金額を空欄にしてください"
                "（負担額は単価×数量で算出されます）。"
            }
        )
    if amount_yen is None and not (metered or isinstance(parsed, Teigen)):
        raise ValidationError(
            {"amount_yen": "金額を入力してください（空欄にできるのは従量制・逓減方式のみです）。"}
        )
    return parsed


def check_rounding(*, rounding_unit_yen: Any, remainder_method: Any, tie_break: Any) -> None:
    """The pool's rounding settings: a unit of ROUNDING_UNITS, a known remainder method
    and tie-break (billing.rules.rounding)."""
    errors: dict[str, list[str]] = {}
    if rounding_unit_yen not in ROUNDING_UNITS or isinstance(rounding_unit_yen, bool):
        errors["rounding_unit_yen"] = [
            "端数処理単位は "
            + "・".join(f"{u:,}円" for u in ROUNDING_UNITS)
            + " から選んでください。"
        ]
    if remainder_method not in RemainderMethod.values:
        errors["remainder_method"] = ["端数の処理は選択肢から選んでください。"]
    if tie_break not in TieBreak.values:
        errors["tie_break"] = ["同じ端数の順位は選択肢から選んでください。"]
    if errors:
        raise ValidationError(errors)


def pool_description(pool: CostPool, names: dict[str, str]) -> str:
    """The pool's rule and rounding in Japanese, as the editor, API and run screen show it."""
    try:
        rule = rule_parse(pool.rule)
    except ValidationError:
        return "（按分ルールが正しくありません）"
    return describe_rule(
        rule,
        rounding_unit_yen=pool.rounding_unit_yen,
        pool_given=pool.amount_yen is not None,
        names=names,
        remainder_method=pool.remainder_method,
        tie_break=pool.tie_break,
    )


def check_year(fiscal_year: Any, field_name: str = "fiscal_year") -> int:
    if (
        isinstance(fiscal_year, bool)
        or not isinstance(fiscal_year, int)
        or not FISCAL_YEAR_MIN <= fiscal_year <= FISCAL_YEAR_MAX
    ):
        raise ValidationError(
            {field_name: f"年度は{FISCAL_YEAR_MIN}〜{FISCAL_YEAR_MAX}の西暦で指定してください。"}
        )
    return fiscal_year


def check_yen(value: Any, field_name: str, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError({field_name: f"{what}は円単位の整数で入力してください。"})
    if value < 0:
        raise ValidationError({field_name: f"{what}に負の金額は指定できません。"})
    return value


def check_figure_key(key: Any) -> str:
    """A key the office may enter: lower-case ASCII, not one of the counted figures."""
    if not isinstance(key, str) or not FIGURE_KEY.match(key):
        raise ValidationError(
            {
                "key": "数値の名前は英小文字で始まる英小文字・数字・_（50文字以内）で"
                "入力してください（例: staff）。"
            }
        )
    if key in counted_figures() or key == "months":
        raise ValidationError(
            {
                "key": f"「{figure_label(key)}」（{key}）はシステムが集計する数値のため"
                "入力できません。"
            }
        )
    return key
