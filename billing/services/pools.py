"""Writes for the office's billing inputs: cost pools with their rules, former costs
(現行経費) and the per-member figures the office enters (職員数 …).

Every function is keyword-only, runs in one durable transaction and takes the acting
office user. Invalid input raises :class:`django.core.exceptions.ValidationError` with
Japanese messages keyed by field (``name``, ``amount_yen``, ``rule`` …), so a form or an
API serializer can show them next to the field.

Audit: ``MemberFigure`` rows carry who entered them and when; ``AllocationRun`` keeps who
ran it with every input. ``CostPool`` and ``FormerCost`` have no audit fields and there
is no public-schema change log to write to, so changes to them are logged (ids only) on
the ``billing.audit`` logger until a change-log model exists.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from decimal import InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from billing.models import CostPool, FormerCost, MemberFigure
from billing.rules import Jinkowari, Kobetsu, Metered, Mix, Rule, Teigen, TeigenCurve
from billing.rules.codec import rule_from_json
from billing.rules.numbers import figure_label
from tenants.models import (
    Consortium,
    Gyomu,
    Municipality,
    MunicipalityStatus,
    StaffUser,
    Subscription,
)

audit = logging.getLogger("billing.audit")

ROUNDING_UNITS = (1, 10, 100, 1000)
FISCAL_YEAR_MIN, FISCAL_YEAR_MAX = 2000, 2100
#: Figures the platform counts for every member itself (see allocation.member_figures).
COUNTED_FIGURES = ("population", "population_registry", "certificates", "pages", "api_calls")
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
    out: dict[str, set[str]] = {key: set(codes) for key in COUNTED_FIGURES}
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
                f"{fiscal_year}年度の「{label}」（{key}）が登録されていません。"
                "先に団体別の数値を入力してください。"
            )
        else:
            errors.append(
                f"{fiscal_year}年度の「{label}」（{key}）が入力されていない団体があります: "
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


# --- pools ----------------------------------------------------------------------------


def _check_year(fiscal_year: Any, field_name: str = "fiscal_year") -> int:
    if (
        isinstance(fiscal_year, bool)
        or not isinstance(fiscal_year, int)
        or not FISCAL_YEAR_MIN <= fiscal_year <= FISCAL_YEAR_MAX
    ):
        raise ValidationError(
            {field_name: f"年度は{FISCAL_YEAR_MIN}〜{FISCAL_YEAR_MAX}の西暦で指定してください。"}
        )
    return fiscal_year


def _check_yen(value: Any, field_name: str, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError({field_name: f"{what}は円単位の整数で入力してください。"})
    if value < 0:
        raise ValidationError({field_name: f"{what}に負の金額は指定できません。"})
    return value


def _check_pool_fields(
    *,
    consortium: Consortium,
    fiscal_year: int,
    name: Any,
    amount_yen: Any,
    rule: Any,
    rounding_unit_yen: Any,
    exclude_pk: int | None = None,
) -> str:
    errors: dict[str, list[str]] = {}
    clean = name.strip() if isinstance(name, str) else ""
    if not clean:
        errors["name"] = ["費目を入力してください。"]
    elif len(clean) > 100:
        errors["name"] = ["費目は100文字以内で入力してください。"]
    else:
        same = CostPool.objects.filter(consortium=consortium, fiscal_year=fiscal_year, name=clean)
        if exclude_pk is not None:
            same = same.exclude(pk=exclude_pk)
        if same.exists():
            errors["name"] = [f"{fiscal_year}年度には同じ費目「{clean}」が既にあります。"]
    if rounding_unit_yen not in ROUNDING_UNITS or isinstance(rounding_unit_yen, bool):
        errors["rounding_unit_yen"] = [
            "端数処理単位は "
            + "・".join(f"{u:,}円" for u in ROUNDING_UNITS)
            + " から選んでください。"
        ]
    try:
        amount = _check_yen(amount_yen, "amount_yen", "金額")
        rule_check(consortium=consortium, fiscal_year=fiscal_year, rule=rule, amount_yen=amount)
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return clean


def costpool_create(
    *,
    consortium: Consortium,
    fiscal_year: int,
    name: str,
    amount_yen: int | None,
    rule: dict[str, Any],
    rounding_unit_yen: int = 1,
    sort: int | None = None,
    acting_user: StaffUser,
) -> CostPool:
    """Add a cost pool to a year (name unique within the year)."""
    _check_year(fiscal_year)
    with transaction.atomic(durable=True):
        clean = _check_pool_fields(
            consortium=consortium,
            fiscal_year=fiscal_year,
            name=name,
            amount_yen=amount_yen,
            rule=rule,
            rounding_unit_yen=rounding_unit_yen,
        )
        if sort is None:
            top = CostPool.objects.filter(consortium=consortium, fiscal_year=fiscal_year).aggregate(
                top=Max("sort")
            )["top"]
            sort = 0 if top is None else top + 1
        pool = CostPool.objects.create(
            consortium=consortium,
            fiscal_year=fiscal_year,
            name=clean,
            amount_yen=amount_yen,
            rule=rule,
            rounding_unit_yen=rounding_unit_yen,
            sort=sort,
        )
        audit.info("costpool %s created by user %s", pool.pk, acting_user.pk)
    return pool


def costpool_update(
    *,
    pool: CostPool,
    name: str,
    amount_yen: int | None,
    rule: dict[str, Any],
    rounding_unit_yen: int,
    sort: int | None = None,
    acting_user: StaffUser,
) -> CostPool:
    """Change a pool. Runs already made keep the inputs they used."""
    with transaction.atomic(durable=True):
        locked = CostPool.objects.select_for_update().get(pk=pool.pk)
        clean = _check_pool_fields(
            consortium=locked.consortium,
            fiscal_year=locked.fiscal_year,
            name=name,
            amount_yen=amount_yen,
            rule=rule,
            rounding_unit_yen=rounding_unit_yen,
            exclude_pk=locked.pk,
        )
        locked.name = clean
        locked.amount_yen = amount_yen
        locked.rule = rule
        locked.rounding_unit_yen = rounding_unit_yen
        if sort is not None:
            locked.sort = sort
        locked.save()
        audit.info("costpool %s updated by user %s", locked.pk, acting_user.pk)
    return locked


def costpool_delete(*, pool: CostPool, acting_user: StaffUser) -> None:
    """Remove a pool. Runs already made keep it in their inputs."""
    with transaction.atomic(durable=True):
        pk = pool.pk
        CostPool.objects.filter(pk=pk).delete()
        audit.info("costpool %s deleted by user %s", pk, acting_user.pk)


@dataclass
class CopyResult:
    copied: list[CostPool] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # names already in the target year
    warnings: list[str] = field(default_factory=list)  # figures still to enter


def costpools_copy_year(
    *, consortium: Consortium, from_year: int, acting_user: StaffUser
) -> CopyResult:
    """前年度の費用区分を複写: every pool of ``from_year`` into ``from_year + 1`` with its
    amount, rule, rounding unit and order. Pools whose name already exists in the next
    year are left alone. Figures the rules need but the next year lacks (職員数 …) are
    returned as warnings: the pools are copied, the office enters the figures next."""
    _check_year(from_year, "from_year")
    to_year = _check_year(from_year + 1, "from_year")
    result = CopyResult()
    with transaction.atomic(durable=True):
        source = list(CostPool.objects.filter(consortium=consortium, fiscal_year=from_year))
        if not source:
            raise ValidationError(
                {"from_year": f"{from_year}年度の費用区分が登録されていないため複写できません。"}
            )
        existing = set(
            CostPool.objects.filter(consortium=consortium, fiscal_year=to_year).values_list(
                "name", flat=True
            )
        )
        for pool in source:
            if pool.name in existing:
                result.skipped.append(pool.name)
                continue
            result.copied.append(
                CostPool.objects.create(
                    consortium=consortium,
                    fiscal_year=to_year,
                    name=pool.name,
                    amount_yen=pool.amount_yen,
                    rule=pool.rule,
                    rounding_unit_yen=pool.rounding_unit_yen,
                    sort=pool.sort,
                )
            )
            try:
                rule_check(
                    consortium=consortium,
                    fiscal_year=to_year,
                    rule=pool.rule,
                    amount_yen=pool.amount_yen,
                )
            except ValidationError as exc:
                result.warnings.extend(f"{pool.name}: {m}" for m in exc.messages)
        audit.info(
            "costpools of %s copied to %s (%s pools) by user %s",
            from_year,
            to_year,
            len(result.copied),
            acting_user.pk,
        )
    return result


# --- former costs and member figures --------------------------------------------------


def _check_member(consortium: Consortium, municipality: Municipality) -> None:
    if municipality.consortium_id != consortium.pk:
        raise ValidationError({"municipality": f"{municipality.name}は構成団体ではありません。"})


def check_figure_key(key: Any) -> str:
    """A key the office may enter: lower-case ASCII, not one of the counted figures."""
    if not isinstance(key, str) or not FIGURE_KEY.match(key):
        raise ValidationError(
            {
                "key": "数値の名前は英小文字で始まる英小文字・数字・_（50文字以内）で"
                "入力してください（例: staff）。"
            }
        )
    if key in COUNTED_FIGURES or key == "months":
        raise ValidationError(
            {
                "key": f"「{figure_label(key)}」（{key}）はシステムが集計する数値のため"
                "入力できません。"
            }
        )
    return key


def _former_set(
    consortium: Consortium, fiscal_year: int, municipality: Municipality, amount_yen: Any
) -> None:
    _check_member(consortium, municipality)
    amount = _check_yen(amount_yen, "amount_yen", f"{municipality.name}の現行経費")
    rows = FormerCost.objects.filter(
        consortium=consortium, fiscal_year=fiscal_year, municipality=municipality
    )
    if amount is None:
        rows.delete()
    else:
        FormerCost.objects.update_or_create(
            consortium=consortium,
            fiscal_year=fiscal_year,
            municipality=municipality,
            defaults={"amount_yen": amount},
        )


def _figure_set(
    consortium: Consortium,
    fiscal_year: int,
    municipality: Municipality,
    key: str,
    value: Any,
    source: str,
    acting_user: StaffUser,
) -> None:
    _check_member(consortium, municipality)
    check_figure_key(key)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValidationError(
            {"value": f"{municipality.name}の{figure_label(key)}は整数で入力してください。"}
        )
    if value is not None and value < 0:
        raise ValidationError(
            {"value": f"{municipality.name}の{figure_label(key)}に負の値は入力できません。"}
        )
    if len(source) > 200:
        raise ValidationError({"source": "出典は200文字以内で入力してください。"})
    rows = MemberFigure.objects.filter(
        consortium=consortium, fiscal_year=fiscal_year, municipality=municipality, key=key
    )
    if value is None:
        rows.delete()
        return
    row = rows.first()
    if row is not None and row.value == value and row.source == source:
        return  # unchanged: keep who entered it and when
    MemberFigure.objects.update_or_create(
        consortium=consortium,
        fiscal_year=fiscal_year,
        municipality=municipality,
        key=key,
        defaults={"value": value, "source": source, "entered_by": acting_user},
    )


def formercost_set(
    *,
    consortium: Consortium,
    fiscal_year: int,
    municipality: Municipality,
    amount_yen: int | None,
    acting_user: StaffUser,
) -> None:
    """Set (or, with None, clear) a member's 現行経費 for a year."""
    _check_year(fiscal_year)
    with transaction.atomic(durable=True):
        _former_set(consortium, fiscal_year, municipality, amount_yen)
        audit.info("formercost %s/%s set by user %s", fiscal_year, municipality.pk, acting_user.pk)


def memberfigure_set(
    *,
    consortium: Consortium,
    fiscal_year: int,
    municipality: Municipality,
    key: str,
    value: int | None,
    source: str = "",
    acting_user: StaffUser,
) -> None:
    """Set (or, with None, clear) a figure the office enters for a member and year."""
    _check_year(fiscal_year)
    with transaction.atomic(durable=True):
        try:
            _figure_set(consortium, fiscal_year, municipality, key, value, source, acting_user)
        except IntegrityError as exc:  # a concurrent insert of the same key
            raise ValidationError(
                {"value": "同時に更新されました。再度保存してください。"}
            ) from exc


def member_values_save(
    *,
    consortium: Consortium,
    fiscal_year: int,
    former_costs: dict[str, int | None],
    figures: dict[str, dict[str, int | None]],
    sources: dict[str, str] | None = None,
    acting_user: StaffUser,
) -> None:
    """Save the office's table of 現行経費 and figures in one go: ``former_costs`` by
    団体コード, ``figures`` by key then 団体コード (None clears), ``sources`` by key."""
    _check_year(fiscal_year)
    members = {m.dantai_code: m for m in consortium_members(consortium=consortium)}
    unknown = sorted(
        ({*former_costs} | {c for values in figures.values() for c in values}) - set(members)
    )
    if unknown:
        raise ValidationError(
            {"municipality": f"構成団体ではない団体コードがあります: {'、'.join(unknown)}"}
        )
    for key in figures:
        check_figure_key(key)
    with transaction.atomic(durable=True):
        for code, amount in former_costs.items():
            _former_set(consortium, fiscal_year, members[code], amount)
        for key, values in figures.items():
            source = (sources or {}).get(key, "")
            for code, value in values.items():
                _figure_set(consortium, fiscal_year, members[code], key, value, source, acting_user)
        audit.info(
            "member values of %s saved for consortium %s by user %s",
            fiscal_year,
            consortium.pk,
            acting_user.pk,
        )
