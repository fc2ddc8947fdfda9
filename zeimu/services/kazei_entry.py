"""課税資料の個別入力: the staff screens' and the API's one door for writes, and the 試算
of one person from their stored (or just entered) 課税資料, saving nothing.

Every write runs in one transaction with its access-log row (create / update / delete,
with record ids only). A 申告 remembers who entered it last (``entered_by``); who
created, changed or deleted a 支払報告書 is in the access log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, models, transaction

from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.params.services import ParameterMissing
from tenants.wareki import format_nendo
from zeimu.gyomu import KOJIN_JUMINZEI
from zeimu.models import KyuyoHokoku, NenkinHokoku, Shinkoku
from zeimu.rules.inputs import JuminzeiInput
from zeimu.rules.juminzei import JuminzeiResult, juminzei_compute
from zeimu.rules.parameters import parameters_for
from zeimu.services.common import KYUCHI_KEY
from zeimu.services.kazei_inputs import (
    InvalidKazeiData,
    KazeiTotals,
    input_for,
    kazei_totals,
    town_settings,
)

GYOMU = KOJIN_JUMINZEI

__all__ = [
    "KazeiEntryError",
    "ShisanPreview",
    "kazei_shisan",
    "kyuyo_delete",
    "kyuyo_save",
    "nenkin_delete",
    "nenkin_save",
    "shinkoku_delete",
    "shinkoku_save",
]


class KazeiEntryError(ValueError):
    """A write or a 試算 that cannot be done (message in Japanese, for the clerk)."""


@dataclass(frozen=True)
class _Kind:
    model: type[models.Model]
    record_type: str
    screen: str
    duplicate: str


KYUYO = _Kind(
    KyuyoHokoku,
    "kyuyo_hokoku",
    "給与支払報告書の入力",
    "この人のこの年の、同じ特別徴収義務者指定番号の給与支払報告書が既にあります。",
)
NENKIN = _Kind(
    NenkinHokoku,
    "nenkin_hokoku",
    "公的年金等支払報告書の入力",
    "この人のこの年の、同じ支払者番号の公的年金等支払報告書が既にあります。",
)
SHINKOKU = _Kind(
    Shinkoku,
    "shinkoku",
    "住民税申告・確定申告の入力",
    "この人のこの年の申告は既に登録されています。",
)


def _save(
    kind: _Kind,
    *,
    atena_id: int,
    shotoku_year: int,
    data: dict[str, Any],
    actor: Actor,
    pk: int | None,
) -> Any:
    model: Any = kind.model
    try:
        with transaction.atomic(durable=True):
            if pk is None:
                obj = model(atena_id=atena_id, shotoku_year=shotoku_year, **data)
                if kind is SHINKOKU:
                    obj.entered_by = actor.username[:150]
                obj.save(force_insert=True)
                action = AccessAction.CREATE
            else:
                obj = model.objects.select_for_update().get(
                    pk=pk, atena_id=atena_id, shotoku_year=shotoku_year
                )
                for name, value in data.items():
                    setattr(obj, name, value)
                if kind is SHINKOKU:
                    obj.entered_by = actor.username[:150]
                obj.save()
                action = AccessAction.UPDATE
            access_record(
                actor=actor,
                action=action,
                gyomu=GYOMU,
                screen=kind.screen,
                record_type=kind.record_type,
                record_id=obj.pk,
                detail={"atena_id": atena_id, "shotoku_year": shotoku_year},
            )
    except IntegrityError as exc:  # the unique constraint: a concurrent or duplicate entry
        raise KazeiEntryError(kind.duplicate) from exc
    return obj


def _delete(kind: _Kind, *, pk: int, actor: Actor) -> None:
    model: Any = kind.model
    with transaction.atomic(durable=True):
        obj = model.objects.select_for_update().get(pk=pk)
        detail = {"atena_id": obj.atena_id, "shotoku_year": obj.shotoku_year}
        obj.delete()
        access_record(
            actor=actor,
            action=AccessAction.DELETE,
            gyomu=GYOMU,
            screen=kind.screen,
            record_type=kind.record_type,
            record_id=pk,
            detail=detail,
        )


def kyuyo_save(
    *,
    atena_id: int,
    shotoku_year: int,
    data: dict[str, Any],
    actor: Actor,
    pk: int | None = None,
) -> KyuyoHokoku:
    """Create (``pk=None``) or change one 給与支払報告書 of this person and year."""
    obj: KyuyoHokoku = _save(
        KYUYO, atena_id=atena_id, shotoku_year=shotoku_year, data=data, actor=actor, pk=pk
    )
    return obj


def kyuyo_delete(*, pk: int, actor: Actor) -> None:
    _delete(KYUYO, pk=pk, actor=actor)


def nenkin_save(
    *,
    atena_id: int,
    shotoku_year: int,
    data: dict[str, Any],
    actor: Actor,
    pk: int | None = None,
) -> NenkinHokoku:
    obj: NenkinHokoku = _save(
        NENKIN, atena_id=atena_id, shotoku_year=shotoku_year, data=data, actor=actor, pk=pk
    )
    return obj


def nenkin_delete(*, pk: int, actor: Actor) -> None:
    _delete(NENKIN, pk=pk, actor=actor)


def shinkoku_save(
    *,
    atena_id: int,
    shotoku_year: int,
    data: dict[str, Any],
    actor: Actor,
    pk: int | None = None,
) -> Shinkoku:
    """Create or change the person's 申告 for the year (one per person and year)."""
    obj: Shinkoku = _save(
        SHINKOKU, atena_id=atena_id, shotoku_year=shotoku_year, data=data, actor=actor, pk=pk
    )
    return obj


def shinkoku_delete(*, pk: int, actor: Actor) -> None:
    _delete(SHINKOKU, pk=pk, actor=actor)


# --- 試算 ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ShisanPreview:
    fiscal_year: int
    input: JuminzeiInput
    result: JuminzeiResult
    totals: KazeiTotals | None
    has_data: bool


def kazei_shisan(
    *, atena_id: int, birth_date: date, shotoku_year: int, shinkoku: Shinkoku | None
) -> ShisanPreview:
    """The 年度 (所得年 + 1) tax from the stored 支払報告書 and the given 申告 (the stored one,
    or one just entered and not saved), as the 当初賦課 would compute it. Writes nothing."""
    fiscal_year = shotoku_year + 1
    label = format_nendo(fiscal_year)
    try:
        params = parameters_for(fiscal_year)
    except (ParameterMissing, LookupError, ValueError) as exc:
        raise KazeiEntryError(
            f"{label}の税率・控除額が登録されていないため、試算できません。"
        ) from exc
    try:
        settings = town_settings(fiscal_year)
    except ParameterMissing as exc:
        raise KazeiEntryError(
            f"この団体の{label}の級地（{KYUCHI_KEY}）が設定されていないため、試算できません。"
        ) from exc
    totals = kazei_totals([atena_id], shotoku_year).get(atena_id)
    try:
        x = input_for(birth_date=birth_date, settings=settings, totals=totals, shinkoku=shinkoku)
        result = juminzei_compute(x, params)
    except InvalidKazeiData as exc:
        raise KazeiEntryError(f"申告の内容で計算できません: {exc}") from exc
    return ShisanPreview(
        fiscal_year=fiscal_year,
        input=x,
        result=result,
        totals=totals,
        has_data=totals is not None or shinkoku is not None,
    )
