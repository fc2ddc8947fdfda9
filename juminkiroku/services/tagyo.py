"""Writes of 他業務の登録情報 (標準仕様書 7.2.2「照会でき、管理できること」).

``tagyo_set`` registers one person's items of one 業務 — sent by another system (API),
read from its file (juminkiroku.tagyo_renkei) or corrected by a clerk with a reason — in
one durable transaction with its history row and its access-log row. The items sent
replace the 業務's items (an item left out becomes empty: the sending system's record
is the truth, 7.2.2「最新の登録情報」); sending the same items again changes nothing and
writes nothing, so a repeated call or file is harmless.

``tagyo_check`` holds the rules (which items a 業務 has, 基礎年金番号 of 10 digits, a
喪失 not before its 取得, …); the API answers its refusals with 422.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models import Atena, TagyoJoho, TagyoJohoRireki, TagyoTorikomi
from juminkiroku.models.tagyo import TagyoKubun
from juminkiroku.rules.tagyo import tagyo_check
from tenants import tagyo
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.text import text_problem

SCREEN = "他業務情報の登録"


class TagyoError(Exception):
    """Refused: messages by item (``kind``, ``atena``, an item name, ``__all__``)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(m for ms in errors.values() for m in ms))
        self.errors = errors


@dataclass(frozen=True)
class TagyoSetResult:
    joho_id: int
    changed: bool


def as_json(items: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in items.items()}


def _current(joho: TagyoJoho | None) -> dict[str, Any]:
    if joho is None:
        return {}
    return {item: getattr(joho, item) for item in tagyo.ITEMS}


def apply_in_transaction(
    *,
    atena_id: int,
    kind: str,
    clean: Mapping[str, Any],
    shutsusho: str,
    kubun: str,
    reason: str,
    actor: Actor,
    torikomi: TagyoTorikomi | None = None,
) -> TagyoSetResult:
    """Write checked items (``tagyo_check``) inside the caller's transaction; no access
    log (the caller writes it). Locks the row so two senders cannot interleave."""
    joho = TagyoJoho.objects.select_for_update().filter(atena_id=atena_id, kind=kind).first()
    before = _current(joho)
    if joho is not None and before == dict(clean) and joho.shutsusho == shutsusho:
        return TagyoSetResult(joho_id=joho.pk, changed=False)
    now = timezone.now()
    who = actor.api_client or actor.username
    if joho is None:
        joho = TagyoJoho(atena_id=atena_id, kind=kind)
    for item, value in clean.items():
        setattr(joho, item, value)
    joho.shutsusho = shutsusho[:100]
    joho.kubun = kubun
    joho.updated_at = now
    joho.updated_by = who[:150]
    joho.save()
    TagyoJohoRireki.objects.create(
        joho=joho,
        atena_id=atena_id,
        kind=kind,
        before=as_json(before),
        after=as_json(clean),
        shutsusho=shutsusho[:100],
        kubun=kubun,
        reason=reason[:200],
        torikomi=torikomi,
        changed_at=now,
        changed_by=who[:150],
    )
    return TagyoSetResult(joho_id=joho.pk, changed=True)


def tagyo_set(
    *,
    atena_id: int,
    kind: str,
    values: Mapping[str, Any],
    shutsusho: str,
    kubun: str,
    actor: Actor,
    reason: str = "",
) -> TagyoSetResult:
    """Register one person's items of one 業務. A clerk's correction (``kubun`` 職員の入力)
    needs a reason. Raises ``TagyoError``; nothing is written then."""
    clean, errors = tagyo_check(kind, values)
    if kubun not in TagyoKubun.values:
        raise ValueError(f"unknown kubun {kubun!r}")
    if kubun == TagyoKubun.SHOKUIN and not reason.strip():
        errors.setdefault("reason", []).append("修正の理由を入力してください。")
    for label, text in (("出所（システム）", shutsusho), ("理由", reason)):
        problem = text_problem(text, label=label)
        if problem is not None:
            errors.setdefault("__all__", []).append(problem)
    if not shutsusho.strip():
        errors.setdefault("__all__", []).append("出所（システム）がありません。")
    if errors:
        raise TagyoError(errors)
    with transaction.atomic(durable=True):
        if not Atena.objects.filter(pk=atena_id).exists():
            raise TagyoError({"atena": ["該当する宛名がありません。"]})
        result = apply_in_transaction(
            atena_id=atena_id,
            kind=kind,
            clean=clean,
            shutsusho=shutsusho.strip(),
            kubun=kubun,
            reason=reason.strip(),
            actor=actor,
        )
        if result.changed:
            access_record(
                actor=actor,
                action=AccessAction.UPDATE,
                gyomu=JUMINKIROKU,
                screen=SCREEN,
                record_type="atena",
                record_id=atena_id,
                detail={"tagyo_kind": kind, "kubun": kubun, "tagyo_joho_id": result.joho_id},
            )
    return result
