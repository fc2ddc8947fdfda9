"""EUC機能 (標準仕様書 10.1): saving an extraction and recording each run.

A definition is saved in one transaction with its access-log row; a refused one changes
nothing. Every run (the count and list on the screen, the CSV, the XML, the list or
宛名シール PDF) is one access-log row with the purpose the clerk gave, the number of
persons and their ids, and whether a 個人番号 was in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models import EucChushutsu
from juminkiroku.selectors.euc import KOMOKU, MAX_JOKEN, Joken, JokenError, joken_q
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.text import text_problem


class EucError(Exception):
    """A refused save or run. ``errors`` maps a field (or "__all__") to Japanese messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(m for ms in errors.values() for m in ms))


def _check(
    name: str, joken: Sequence[Joken], retsu: Sequence[str], *, kojin_bango: bool, today: date
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    problem = text_problem(name, label="抽出名")
    if problem:
        errors.setdefault("name", []).append(problem)
    elif not name.strip() or len(name.strip()) > 60:
        errors.setdefault("name", []).append("抽出名を60文字以内で入力してください。")
    if len(joken) > MAX_JOKEN:
        errors.setdefault("__all__", []).append(f"条件は{MAX_JOKEN}個までです。")
    for i, j in enumerate(joken, start=1):
        problem = text_problem(j.atai, label=f"条件{i}の値")
        try:
            if problem:
                raise JokenError(problem)
            joken_q(j, kojin_bango=kojin_bango, today=today)
        except JokenError as exc:
            errors.setdefault("__all__", []).append(f"条件{i}: {exc}")
    if not retsu:
        errors.setdefault("retsu", []).append("出力する項目を1つ以上選んでください。")
    for key in retsu:
        k = KOMOKU.get(key)
        if k is None or (k.kojin_bango and not kojin_bango):
            errors.setdefault("retsu", []).append("選べない出力項目が含まれています。")
            break
    return errors


def euc_save(
    *,
    name: str,
    hani: str,
    ketsugo: str,
    joken: Sequence[Joken],
    retsu: Sequence[str],
    kojin_bango: bool,
    actor: Actor,
    pk: int | None = None,
) -> EucChushutsu:
    """Save a new extraction (``pk`` None) or change one. 個人番号 as a condition or a
    column only with the 個人番号の表示 grant (``kojin_bango``)."""
    errors = _check(name, joken, retsu, kojin_bango=kojin_bango, today=timezone.localdate())
    if hani not in EucChushutsu.Hani.values or ketsugo not in EucChushutsu.Ketsugo.values:
        errors.setdefault("__all__", []).append("対象または条件の組み合わせが正しくありません。")
    if errors:
        raise EucError(errors)
    values = {
        "name": name.strip(),
        "hani": hani,
        "ketsugo": ketsugo,
        "joken": [{"komoku": j.komoku, "enzan": j.enzan, "atai": j.atai.strip()} for j in joken],
        "retsu": list(dict.fromkeys(retsu)),
    }
    try:
        with transaction.atomic(durable=True):
            if pk is None:
                row = EucChushutsu.objects.create(**values, created_by=actor.username)
                action = AccessAction.CREATE
            else:
                found = EucChushutsu.objects.select_for_update().filter(pk=pk).first()
                if found is None:
                    raise EucError({"__all__": ["抽出条件が見つかりません。"]})
                for key, value in values.items():
                    setattr(found, key, value)
                found.save()
                row, action = found, AccessAction.UPDATE
            access_record(
                actor=actor,
                action=action,
                gyomu=JUMINKIROKU,
                screen="抽出条件の保存（EUC）",
                record_type="euc_chushutsu",
                record_id=row.pk,
            )
    except IntegrityError as exc:
        raise EucError({"name": ["この抽出名は既に使われています。"]}) from exc
    return row


# How each output of a run is logged: (action, screen).
RUN_KINDS: dict[str, tuple[str, str]] = {
    "list": (AccessAction.SEARCH, "EUC抽出"),
    "csv": (AccessAction.EXPORT, "EUC抽出CSV"),
    "xml": (AccessAction.EXPORT, "EUC抽出XML"),
    "pdf": (AccessAction.PRINT, "EUC抽出（一覧PDF）"),
    "labels": (AccessAction.PRINT, "EUC抽出（宛名シール）"),
}


def euc_record_run(
    *,
    actor: Actor,
    defn: EucChushutsu,
    purpose: str,
    kind: str,
    count: int,
    ids: Sequence[int],
    page: int,
    mynumber: bool,
) -> None:
    """The access-log row of one run (10.1 output; 10.4 アクセスログ)."""
    action, screen = RUN_KINDS[kind]
    access_record(
        actor=actor,
        action=action,
        gyomu=JUMINKIROKU,
        screen=screen,
        record_type="atena",
        record_id="",
        purpose=purpose[:200],
        mynumber_viewed=mynumber,
        record_count=count,
        detail={"euc_chushutsu": defn.pk, "page": page, "atena_ids": list(ids)},
    )
