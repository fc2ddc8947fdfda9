"""統合記載欄 (標準仕様書 1.1.14: 留意事項 B類型, 備考 C類型) and メモ (1.1.15): write, correct,
delete. Each act is one transaction that writes the new version, its history row
(``KisaiRireki``: who by user id and name, when) and the access log. A deletion marks the
entry and keeps every version.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models import (
    PERSON_FIELD_NAMES,
    Atena,
    Kisai,
    KisaiRireki,
    KisaiShurui,
    KisaiSosa,
)
from juminkiroku.selectors.kisai import ido_ids_of_person
from juminkiroku.services.ido.fields import FIELD_LABELS
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.text import text_problem

GYOMU = JUMINKIROKU
MAX_BODY = 500
SCREEN = {
    KisaiShurui.RYUI: "統合記載欄",
    KisaiShurui.BIKO: "統合記載欄",
    KisaiShurui.MEMO: "メモ",
}
# The items a 留意事項 can be tied to: the items of a 住民票 (1.1.1 / 1.1.2).
KOUMOKU_CHOICES: list[tuple[str, str]] = [
    (n, FIELD_LABELS[n]) for n in PERSON_FIELD_NAMES if n in FIELD_LABELS and n != "setai_id"
]


class KisaiError(ValueError):
    """A refused act; ``errors`` maps a field (or "__all__") to Japanese messages."""

    def __init__(self, errors: dict[str, list[str]] | str) -> None:
        if isinstance(errors, str):
            errors = {"__all__": [errors]}
        self.errors = errors
        super().__init__("; ".join(m for ms in errors.values() for m in ms))


def _clean_body(body: str) -> str:
    text = (body or "").strip()
    if not text:
        raise KisaiError({"body": ["内容を入力してください。"]})
    if len(text) > MAX_BODY:
        raise KisaiError({"body": [f"内容は{MAX_BODY}文字以内で入力してください。"]})
    problem = text_problem(text, label="内容")
    if problem is not None:
        raise KisaiError({"body": [problem]})
    return text


def _history(kisai: Kisai, sosa: str, actor: Actor) -> None:
    KisaiRireki.objects.create(
        kisai=kisai,
        version=kisai.version,
        sosa=sosa,
        body=kisai.body,
        user_id=actor.user_id,
        username=actor.username,
        at=kisai.updated_at,
    )


def _log(kisai: Kisai, action: str, actor: Actor) -> None:
    # The kind of entry and its ids only: the text is personal data and never logged.
    access_record(
        actor=actor,
        action=action,
        gyomu=GYOMU,
        screen=SCREEN[KisaiShurui(kisai.shurui)],
        record_type="atena",
        record_id=kisai.atena_id,
        detail={"kisai_id": kisai.pk, "shurui": kisai.shurui, "version": kisai.version},
    )


def kisai_create(
    *,
    atena_id: int,
    shurui: str,
    body: str,
    actor: Actor,
    ido_id: int | None = None,
    koumoku: str = "",
) -> Kisai:
    """Write a 留意事項 (tied to a 異動 of the person and one of its items), a 備考 or a
    メモ."""
    if shurui not in KisaiShurui.values:
        raise KisaiError({"shurui": ["種類を選択してください。"]})
    text = _clean_body(body)
    if shurui == KisaiShurui.RYUI:
        if ido_id is None:
            raise KisaiError({"ido_id": ["留意事項は関係する異動を選択してください。"]})
        if koumoku not in dict(KOUMOKU_CHOICES):
            raise KisaiError({"koumoku": ["関係する異動項目を選択してください。"]})
    elif ido_id is not None or koumoku:
        raise KisaiError("異動と紐付けられるのは留意事項だけです。")
    with transaction.atomic(durable=True):
        if not Atena.objects.filter(pk=atena_id).exists():
            raise KisaiError("対象者が見つかりません。")
        if ido_id is not None and ido_id not in ido_ids_of_person(atena_id):
            raise KisaiError({"ido_id": ["この人の異動ではありません。"]})
        now = timezone.now()
        kisai = Kisai.objects.create(
            atena_id=atena_id,
            shurui=shurui,
            ido_id=ido_id,
            koumoku=koumoku,
            body=text,
            created_by=actor.username,
            updated_by=actor.username,
            updated_at=now,
        )
        _history(kisai, KisaiSosa.SAKUSEI, actor)
        _log(kisai, AccessAction.CREATE, actor)
    return kisai


def _locked(kisai_id: int, atena_id: int, version: int) -> Kisai:
    kisai = Kisai.objects.select_for_update().filter(pk=kisai_id, atena_id=atena_id).first()
    if kisai is None or kisai.deleted:
        raise KisaiError("対象の記載が見つかりません（削除済みの可能性があります）。")
    if kisai.version != version:
        raise KisaiError("他の職員が先に更新しました。画面を開き直してから操作してください。")
    return kisai


def kisai_update(*, kisai_id: int, atena_id: int, version: int, body: str, actor: Actor) -> Kisai:
    """Correct the text; the earlier version stays in the history."""
    text = _clean_body(body)
    with transaction.atomic(durable=True):
        kisai = _locked(kisai_id, atena_id, version)
        if text == kisai.body:
            raise KisaiError({"body": ["内容が変わっていません。"]})
        kisai.body = text
        kisai.version += 1
        kisai.updated_by = actor.username
        kisai.updated_at = timezone.now()
        kisai.save(update_fields=["body", "version", "updated_by", "updated_at"])
        _history(kisai, KisaiSosa.SHUSEI, actor)
        _log(kisai, AccessAction.UPDATE, actor)
    return kisai


def kisai_delete(*, kisai_id: int, atena_id: int, version: int, actor: Actor) -> Kisai:
    """Mark the entry deleted; its versions stay readable in the history."""
    with transaction.atomic(durable=True):
        kisai = _locked(kisai_id, atena_id, version)
        kisai.deleted = True
        kisai.version += 1
        kisai.updated_by = actor.username
        kisai.updated_at = timezone.now()
        kisai.save(update_fields=["deleted", "version", "updated_by", "updated_at"])
        _history(kisai, KisaiSosa.SAKUJO, actor)
        _log(kisai, AccessAction.DELETE, actor)
    return kisai
