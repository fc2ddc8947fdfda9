"""異動: 仮登録 (enter), 本登録 (apply after a second clerk's review), 差戻し, 取消.

The registry changes only in ``ido_approve``. Everything before it is a proposal in
``Ido.payload``; everything after it is history that is closed or superseded, never
edited or deleted (see juminkiroku.models.atena).

Payload shape (JSON)::

    {"persons": [{"atena_id": 12 | null, "fields": {<PersonFields name>: value}}],
     "setai": {"mode": "keep" | "new" | "existing", "setai_id": 34 | null},
     "acknowledged_alerts": [<yokushi id>, ...]}

Dates in ``fields`` are ISO strings. ``atena_id`` null means a person new to the town.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from juminkiroku.codes import (
    IDO_GROUP_OF,
    SHOJO_JOTAI,
    AtenaKubun,
    IdoGroup,
    IdoJiyu,
    IdoStatus,
    JuminJotai,
    JuminShubetsu,
    Sex,
    YokushiLevel,
    YokushiProcess,
    Zokugara,
)
from juminkiroku.grants import Kengen
from juminkiroku.models import (
    PERSON_FIELD_NAMES,
    Atena,
    AtenaRireki,
    Ido,
    IdoTarget,
    RenkeiChange,
    Setai,
)
from juminkiroku.rules.kana import kana_key, name_key
from juminkiroku.services.numbering import next_atena_no, next_ido_no, next_setai_no
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.checkdigits import is_valid_juminhyo_code, is_valid_kojin_bango, normalise_postal_code
from tenants.events.services import event_publish

GYOMU = "juminkiroku"
EVENT_HONROKU = "juminkiroku.ido_honroku"
# One advisory lock per schema serialises 本登録, so the feed's seq commits in order.
_HONROKU_LOCK_KEY = 0x4A554D494E  # "JUMIN"

DATE_FIELDS = {
    "birth_date",
    "zairyu_kikan_to",
    "jumin_date",
    "jutei_date",
    "todoke_date",
    "shojo_date",
}
# Set by the service from the 異動 itself, never typed in.
SERVICE_FIELDS = {"kubun", "jotai", "setai_id", "shojo_date", "shojo_jiyu"}
EDITABLE_FIELDS = set(PERSON_FIELD_NAMES) - SERVICE_FIELDS

FIELD_LABELS: dict[str, str] = {
    f.attname: str(f.verbose_name) for f in Atena._meta.concrete_fields if hasattr(f, "attname")
}


class IdoError(Exception):
    """A refused 異動. ``errors`` maps a field (or "__all__") to Japanese messages."""

    def __init__(self, errors: dict[str, list[str]] | str) -> None:
        if isinstance(errors, str):
            errors = {"__all__": [errors]}
        self.errors = errors
        super().__init__("; ".join(m for ms in errors.values() for m in ms))


@dataclass
class PersonChange:
    atena_id: int | None
    fields: dict[str, Any] = field(default_factory=dict)


# --- validation --------------------------------------------------------------------


def _clean_fields(raw: dict[str, Any], prefix: str, errors: dict[str, list[str]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in raw.items():
        key = f"{prefix}{name}"
        if name not in EDITABLE_FIELDS:
            errors.setdefault(key, []).append(f"「{name}」はこの画面では変更できない項目です。")
            continue
        if name in DATE_FIELDS:
            if value in (None, ""):
                out[name] = None
                continue
            try:
                out[name] = date.fromisoformat(str(value)).isoformat()
            except ValueError:
                errors.setdefault(key, []).append(f"{FIELD_LABELS[name]}の日付が正しくありません。")
            continue
        if name == "kana_kakunin":
            out[name] = bool(value)
            continue
        if name == "setai_order":
            try:
                out[name] = int(value)
            except (TypeError, ValueError):
                errors.setdefault(key, []).append("並び順は数字で入力してください。")
            continue
        text = "" if value is None else str(value).strip()
        if name == "postal_code" and text:
            try:
                text = normalise_postal_code(text)
            except ValueError as exc:
                errors.setdefault(key, []).append(str(exc).split(":")[0] + "。")
                continue
        if name == "juminhyo_code" and text and not is_valid_juminhyo_code(text):
            errors.setdefault(key, []).append("住民票コードの検査数字が一致しません（11桁）。")
            continue
        if name == "kojin_bango" and text and not is_valid_kojin_bango(text):
            errors.setdefault(key, []).append("個人番号の検査用数字が一致しません（12桁）。")
            continue
        if name == "sex" and text not in Sex.values:
            errors.setdefault(key, []).append("性別を選択してください。")
            continue
        if name == "shubetsu" and text not in JuminShubetsu.values:
            errors.setdefault(key, []).append("住民種別を選択してください。")
            continue
        if name == "zokugara" and text and text not in Zokugara.values:
            errors.setdefault(key, []).append("続柄が正しくありません。")
            continue
        max_length = getattr(Atena._meta.get_field(name), "max_length", None)
        if max_length and len(text) > max_length:
            errors.setdefault(key, []).append(
                f"{FIELD_LABELS[name]}は{max_length}文字以内で入力してください。"
            )
            continue
        out[name] = text
    return out


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


REQUIRED_NEW = ("shimei", "shimei_kana", "birth_date", "sex", "jusho", "zokugara")
REQUIRED_FOREIGN = ("alpha_name", "kokuseki", "zairyu_shikaku")


def _validate(
    jiyu: str,
    ido_date: date,
    todoke_date: date | None,
    changes: list[PersonChange],
    setai_mode: str,
    setai_id: int | None,
) -> tuple[dict[str, Any], list[Atena]]:
    errors: dict[str, list[str]] = {}
    group = IDO_GROUP_OF.get(jiyu)
    if group is None or jiyu == IdoJiyu.TORIKESHI:
        raise IdoError({"jiyu": ["異動事由が正しくありません。"]})
    if not changes:
        raise IdoError("異動者を1人以上指定してください。")
    today = timezone.localdate()
    if todoke_date is not None and todoke_date > today:
        errors.setdefault("todoke_date", []).append("届出日に未来の日付は指定できません。")
    if jiyu != IdoJiyu.TENSHUTSU and ido_date > today:
        # 転出 alone is recorded on the 転出予定日 (標準仕様書 4.1.3).
        errors.setdefault("ido_date", []).append("異動日に未来の日付は指定できません。")
    if setai_mode not in ("keep", "new", "existing"):
        errors.setdefault("setai", []).append("異動先世帯の指定が正しくありません。")
    if setai_mode == "existing" and (
        setai_id is None or not Setai.objects.filter(pk=setai_id).exists()
    ):
        errors.setdefault("setai", []).append("異動先の世帯が見つかりません。")

    ids = [c.atena_id for c in changes if c.atena_id is not None]
    if len(ids) != len(set(ids)):
        errors.setdefault("__all__", []).append("同じ人が二度指定されています。")
    existing = {a.pk: a for a in Atena.objects.filter(pk__in=ids)}
    persons: list[dict[str, Any]] = []
    for i, change in enumerate(changes):
        prefix = f"persons.{i}."
        cleaned = _clean_fields(change.fields, prefix, errors)
        current = existing.get(change.atena_id) if change.atena_id is not None else None
        if change.atena_id is not None and current is None:
            errors.setdefault(prefix + "atena_id", []).append("指定された宛名が見つかりません。")
            continue
        merged = {n: _iso(getattr(current, n)) for n in PERSON_FIELD_NAMES} if current else {}
        merged.update(cleaned)
        label = f"{i + 1}人目: "
        if group == IdoGroup.KISAI:
            if (
                current is not None
                and current.kubun == AtenaKubun.JUTOSHA
                and (current.jotai == JuminJotai.JUMIN)
            ):
                errors.setdefault(prefix + "atena_id", []).append(
                    label + "既に住民です。記載の異動はできません。"
                )
            for name in REQUIRED_NEW:
                if not merged.get(name):
                    errors.setdefault(prefix + name, []).append(
                        label + f"{FIELD_LABELS[name]}を入力してください。"
                    )
            if merged.get("shubetsu") == JuminShubetsu.GAIKOKUJIN:
                for name in REQUIRED_FOREIGN:
                    if not merged.get(name):
                        errors.setdefault(prefix + name, []).append(
                            label + f"外国人住民は{FIELD_LABELS[name]}を入力してください。"
                        )
            if jiyu == IdoJiyu.SHUSSEI and merged.get("birth_date") != ido_date.isoformat():
                errors.setdefault(prefix + "birth_date", []).append(
                    label + "出生の異動日は生年月日と同じ日にしてください。"
                )
            if jiyu == IdoJiyu.TENNYU and not merged.get("tennyu_mae_jusho"):
                errors.setdefault(prefix + "tennyu_mae_jusho", []).append(
                    label + "転入前住所を入力してください。"
                )
        else:
            if current is None:
                errors.setdefault(prefix + "atena_id", []).append(
                    label + "既存の住民を指定してください。"
                )
                continue
            if current.kubun != AtenaKubun.JUTOSHA or current.jotai != JuminJotai.JUMIN:
                errors.setdefault(prefix + "atena_id", []).append(
                    label + "住民ではない（除票・住登外の）人には、この異動はできません。"
                )
            if jiyu == IdoJiyu.TENSHUTSU and not merged.get("tenshutsu_saki_jusho"):
                errors.setdefault(prefix + "tenshutsu_saki_jusho", []).append(
                    label + "転出先住所を入力してください。"
                )
            if jiyu == IdoJiyu.TENKYO and not cleaned.get("jusho"):
                errors.setdefault(prefix + "jusho", []).append(
                    label + "新しい住所を入力してください。"
                )
            if jiyu in (IdoJiyu.SETAI_BUNRI, IdoJiyu.SETAI_GAPPEI, IdoJiyu.SETAI_HENKO) and (
                "zokugara" not in cleaned
            ):
                errors.setdefault(prefix + "zokugara", []).append(
                    label + "異動先世帯での続柄を入力してください。"
                )
        birth = merged.get("birth_date")
        if birth and birth > ido_date.isoformat() and group != IdoGroup.SHOJO:
            errors.setdefault(prefix + "birth_date", []).append(
                label + "生年月日が異動日より後です。"
            )
        persons.append({"atena_id": change.atena_id, "fields": cleaned})

    if jiyu == IdoJiyu.SETAI_BUNRI and setai_mode != "new":
        errors.setdefault("setai", []).append("世帯分離では新しい世帯を作成します。")
    if jiyu in (IdoJiyu.SETAI_GAPPEI, IdoJiyu.SETAI_HENKO) and setai_mode != "existing":
        errors.setdefault("setai", []).append("異動先の世帯を指定してください。")
    if group == IdoGroup.KISAI and setai_mode == "keep":
        errors.setdefault("setai", []).append("新しい世帯か、既存の世帯を指定してください。")
    if setai_mode == "new":
        heads = [p for p in persons if p["fields"].get("zokugara") == Zokugara.HONNIN]
        if len(heads) != 1:
            errors.setdefault("setai", []).append(
                "新しい世帯には世帯主（続柄「世帯主」）を1人指定してください。"
            )
    if errors:
        raise IdoError(errors)
    payload = {
        "persons": persons,
        "setai": {"mode": setai_mode, "setai_id": setai_id},
    }
    return payload, list(existing.values())


# --- 仮登録 -----------------------------------------------------------------------


def ido_enter(
    *,
    jiyu: str,
    ido_date: date,
    todoke_date: date | None,
    changes: list[PersonChange],
    actor: Actor,
    setai_mode: str = "keep",
    setai_id: int | None = None,
    note: str = "",
    acknowledged_alerts: list[int] | None = None,
) -> Ido:
    """Enter a 異動 as 仮登録. Nothing in the registry changes until ``ido_approve``."""
    from juminkiroku.selectors.yokushi import yokushi_blocking

    payload, targets = _validate(jiyu, ido_date, todoke_date, changes, setai_mode, setai_id)
    setai_ids = {a.setai_id for a in targets if a.setai_id} | ({setai_id} if setai_id else set())
    found = yokushi_blocking(
        atena_ids=[a.pk for a in targets], setai_ids=list(setai_ids), process=YokushiProcess.IDO
    )
    errors = [y for y in found if y.level == YokushiLevel.ERROR]
    if errors:
        raise IdoError(
            "異動抑止が設定されている住民が含まれています。抑止の解除または一時解除が必要です。"
        )
    alerts = sorted(y.pk for y in found)
    if alerts and sorted(acknowledged_alerts or []) != alerts:
        raise IdoError(
            {"alerts": ["異動アラートが設定されています。内容を確認のうえ再度登録してください。"]}
        )
    payload["acknowledged_alerts"] = alerts
    try:
        with transaction.atomic(durable=True):
            ido = Ido.objects.create(
                ido_no=next_ido_no(),
                jiyu=jiyu,
                ido_date=ido_date,
                todoke_date=todoke_date,
                payload=payload,
                note=note,
                entered_by_id=actor.user_id,
                entered_by=actor.username,
                entered_terminal=actor.terminal,
                setai_id=setai_id if setai_mode == "existing" else None,
            )
            busy = IdoTarget.objects.filter(atena__in=targets, pending=True).select_related("ido")
            if busy:
                raise IdoError(_busy_message(busy[0].ido))
            IdoTarget.objects.bulk_create(IdoTarget(ido=ido, atena=a) for a in targets)
            access_record(
                actor=actor,
                action=AccessAction.CREATE,
                gyomu=GYOMU,
                screen="異動入力（仮登録）",
                record_type="ido",
                record_id=ido.pk,
                record_count=max(1, len(targets)),
                detail={"jiyu": jiyu, "atena_ids": [a.pk for a in targets]},
            )
    except IntegrityError as exc:
        if "ido_one_pending_per_person" in str(exc):
            raise IdoError(
                "この住民は他の職員が異動入力中です（仮登録の本登録・差戻し後に入力してください）。"
            ) from exc
        raise
    return ido


def _busy_message(ido: Ido) -> str:
    return (
        f"この住民は他の職員が異動入力中です（異動番号 {ido.ido_no}、入力者 {ido.entered_by}）。"
        "仮登録の本登録・差戻し後に入力してください。"
    )


# --- 本登録 -----------------------------------------------------------------------


def can_approve(*, actor: Actor, ido: Ido) -> bool:
    from tenants.grants.selectors import has_grant

    return (
        actor.user_id is not None
        and actor.user_id != ido.entered_by_id
        and has_grant(actor.user_id, Kengen.IDO_APPROVE)
    )


def _snapshot(obj: Atena | AtenaRireki) -> dict[str, Any]:
    return {n: getattr(obj, n) for n in PERSON_FIELD_NAMES}


def _as_python(fields: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (date.fromisoformat(v) if k in DATE_FIELDS and isinstance(v, str) and v else v)
        for k, v in fields.items()
    }


def _write_atena(atena: Atena, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(atena, name, value)
    atena.kana_key = kana_key(atena.shimei_kana)
    atena.name_key = name_key(atena.shimei)
    atena.version += 1
    atena.save()


def ido_approve(*, ido_id: int, actor: Actor) -> Ido:
    """本登録: apply a 仮登録 to the registry, by a clerk other than the one who entered it."""
    with transaction.atomic(durable=True):
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [_HONROKU_LOCK_KEY])
        ido = Ido.objects.select_for_update().get(pk=ido_id)
        if ido.status != IdoStatus.KARI:
            raise IdoError(f"この異動は{ido.get_status_display()}です。本登録できません。")
        if not can_approve(actor=actor, ido=ido):
            if actor.user_id == ido.entered_by_id:
                raise IdoError("入力した職員とは別の職員が審査・本登録してください。")
            raise IdoError("本登録（審査）の権限がありません。")
        touched = _apply_torikeshi(ido) if ido.jiyu == IdoJiyu.TORIKESHI else _apply(ido)
        ido.status = IdoStatus.HON
        ido.approved_by_id = actor.user_id
        ido.approved_by = actor.username
        ido.approved_at = timezone.now()
        ido.save(update_fields=["status", "approved_by_id", "approved_by", "approved_at"])
        IdoTarget.objects.filter(ido=ido).update(pending=False)
        RenkeiChange.objects.bulk_create(
            RenkeiChange(atena_id=a, ido=ido, rireki_id=r, jiyu=ido.jiyu, ido_date=ido.ido_date)
            for a, r in touched
        )
        atena_ids = [a for a, _ in touched]
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=GYOMU,
            screen="異動本登録",
            record_type="ido",
            record_id=ido.pk,
            record_count=len(atena_ids),
            detail={"jiyu": ido.jiyu, "atena_ids": atena_ids},
        )
        event_publish(
            name=EVENT_HONROKU,
            payload={
                "ido_id": ido.pk,
                "jiyu": ido.jiyu,
                "group": str(IDO_GROUP_OF[ido.jiyu]),
                "ido_date": ido.ido_date.isoformat(),
                "atena_ids": atena_ids,
            },
            acting_user_id=actor.user_id,
        )
    return ido


def _apply(ido: Ido) -> list[tuple[int, int | None]]:
    group = IDO_GROUP_OF[ido.jiyu]
    setai_info = ido.payload.get("setai", {})
    mode = setai_info.get("mode", "keep")
    target_setai: Setai | None = None
    if mode == "new":
        target_setai = Setai.objects.create(setai_no=next_setai_no())
        ido.setai = target_setai
        ido.save(update_fields=["setai"])
    elif mode == "existing":
        target_setai = Setai.objects.get(pk=setai_info["setai_id"])
    touched: list[tuple[int, int | None]] = []
    for person in ido.payload["persons"]:
        fields = _as_python(person["fields"])
        atena_id = person["atena_id"]
        atena = Atena.objects.select_for_update().get(pk=atena_id) if atena_id is not None else None
        values = _snapshot(atena) if atena is not None else {}
        values.update(fields)
        if target_setai is not None:
            values["setai_id"] = target_setai.pk
        if group == IdoGroup.KISAI:
            values["kubun"] = AtenaKubun.JUTOSHA
            values["jotai"] = JuminJotai.JUMIN
            values["shojo_date"] = None
            values["shojo_jiyu"] = ""
            values["tenshutsu_saki_jusho"] = ""
            # A 再転入 starts a new residence: the old 住民となった日 does not carry over.
            values["jumin_date"] = fields.get("jumin_date") or ido.ido_date
            values["jutei_date"] = fields.get("jutei_date") or ido.ido_date
            values["todoke_date"] = ido.todoke_date
        elif group == IdoGroup.SHOJO:
            values["jotai"] = SHOJO_JOTAI[ido.jiyu]
            values["shojo_date"] = ido.ido_date
            values["shojo_jiyu"] = ido.jiyu
            values["todoke_date"] = ido.todoke_date or values.get("todoke_date")
        elif ido.jiyu == IdoJiyu.TENKYO:
            values["jutei_date"] = fields.get("jutei_date") or ido.ido_date
            values["todoke_date"] = ido.todoke_date
        if atena is None:
            atena = Atena(atena_no=next_atena_no(), version=0, **_defaults(values))
            _write_atena(atena, values)
            rireki = _open_version(atena, values, ido)
        else:
            rireki = _next_version(atena, values, ido)
            _write_atena(atena, values)
        touched.append((atena.pk, rireki.pk))
    return touched


def _defaults(values: dict[str, Any]) -> dict[str, Any]:
    return {"shimei": values.get("shimei", ""), "birth_date": values.get("birth_date")}


def _open_version(atena: Atena, values: dict[str, Any], ido: Ido) -> AtenaRireki:
    return AtenaRireki.objects.create(
        atena=atena, valid_from=ido.ido_date, valid_to=None, ido=ido, **values
    )


def _next_version(atena: Atena, values: dict[str, Any], ido: Ido) -> AtenaRireki:
    current = (
        AtenaRireki.objects.select_for_update()
        .filter(atena=atena, valid_to__isnull=True, superseded=False)
        .first()
    )
    if current is None:  # a 住登外 person becoming a resident
        return _open_version(atena, values, ido)
    if ido.ido_date < current.valid_from:
        raise IdoError(
            f"異動日（{ido.ido_date:%Y-%m-%d}）が直前の異動日（{current.valid_from:%Y-%m-%d}）より前です。"
            "先に後の異動を取り消してください。"
        )
    if ido.jiyu == IdoJiyu.GOKI_SHUSEI:
        # 誤記修正: the version was wrong from its start; replace it, keep the wrong one.
        current.superseded = True
        current.superseded_by = ido
        current.save(update_fields=["superseded", "superseded_by"])
        return AtenaRireki.objects.create(
            atena=atena, valid_from=current.valid_from, valid_to=None, ido=ido, **values
        )
    current.valid_to = ido.ido_date
    current.closed_by = ido
    current.save(update_fields=["valid_to", "closed_by"])
    return _open_version(atena, values, ido)


# --- 取消 -------------------------------------------------------------------------


def ido_cancel_enter(*, cancels_id: int, ido_date: date, note: str, actor: Actor) -> Ido:
    """異動の取消し (標準仕様書 4.6): entered as 仮登録 like any other 異動."""
    target = Ido.objects.filter(pk=cancels_id).first()
    if target is None or target.status != IdoStatus.HON:
        raise IdoError("取り消せるのは本登録済みの異動だけです。")
    if target.jiyu == IdoJiyu.TORIKESHI:
        raise IdoError("取消しの異動は取り消せません。新たな異動として入力してください。")
    if not note.strip():
        raise IdoError({"note": ["取消しの理由を入力してください。"]})
    atena_ids = list(
        AtenaRireki.objects.filter(ido=target, superseded=False).values_list("atena_id", flat=True)
    )
    later = AtenaRireki.objects.filter(
        atena_id__in=atena_ids, superseded=False, ido__id__gt=target.pk
    ).exclude(ido=target)
    if later.exists():
        raise IdoError(
            "この異動の後に別の異動が本登録されています。後の異動から順に取り消してください。"
        )
    try:
        with transaction.atomic(durable=True):
            ido = Ido.objects.create(
                ido_no=next_ido_no(),
                jiyu=IdoJiyu.TORIKESHI,
                ido_date=ido_date,
                todoke_date=None,
                payload={"cancels": target.pk},
                note=note.strip()[:200],
                entered_by_id=actor.user_id,
                entered_by=actor.username,
                entered_terminal=actor.terminal,
                cancels=target,
            )
            IdoTarget.objects.bulk_create(IdoTarget(ido=ido, atena_id=a) for a in atena_ids)
            access_record(
                actor=actor,
                action=AccessAction.CREATE,
                gyomu=GYOMU,
                screen="異動取消（仮登録）",
                record_type="ido",
                record_id=ido.pk,
                record_count=max(1, len(atena_ids)),
                detail={"cancels": target.pk},
            )
    except IntegrityError as exc:
        raise IdoError("対象の住民は他の職員が異動入力中です。") from exc
    return ido


def _apply_torikeshi(ido: Ido) -> list[tuple[int, int | None]]:
    target = ido.cancels
    assert target is not None
    if target.status != IdoStatus.HON:
        raise IdoError("取消し対象の異動が本登録の状態ではありません。")
    touched: list[tuple[int, int | None]] = []
    for version in AtenaRireki.objects.select_for_update().filter(ido=target, superseded=False):
        if version.valid_to is not None:
            raise IdoError(
                "この異動の後に別の異動が本登録されています。後の異動から取り消してください。"
            )
        version.superseded = True
        version.superseded_by = ido
        version.save(update_fields=["superseded", "superseded_by"])
        atena = Atena.objects.select_for_update().get(pk=version.atena_id)
        previous = (
            AtenaRireki.objects.filter(atena=atena, closed_by=target, superseded=False)
            .order_by("-valid_from")
            .first()
        )
        if target.jiyu == IdoJiyu.GOKI_SHUSEI:
            previous = (
                AtenaRireki.objects.filter(atena=atena, superseded_by=target)
                .order_by("-id")
                .first()
            )
        if previous is not None:
            values = _snapshot(previous)
            reopened = AtenaRireki.objects.create(
                atena=atena,
                valid_from=previous.valid_from,
                valid_to=None,
                ido=ido,
                **values,
            )
            if not previous.superseded:
                previous.superseded = True
                previous.superseded_by = ido
                previous.save(update_fields=["superseded", "superseded_by"])
            _write_atena(atena, values)
            touched.append((atena.pk, reopened.pk))
        else:
            # The cancelled 異動 created this person: they never were a resident.
            values = _snapshot(version)
            values.update(kubun=AtenaKubun.JUTOGAI, jotai=JuminJotai.JUTOGAI, setai_id=None)
            _write_atena(atena, values)
            touched.append((atena.pk, None))
    target.status = IdoStatus.TORIKESHI
    target.save(update_fields=["status"])
    return touched


# --- 差戻し and 一括本登録 -----------------------------------------------------------


def ido_reject(*, ido_id: int, reason: str, actor: Actor) -> Ido:
    """差戻し・破棄: the 仮登録 is closed unapplied and its persons are free again."""
    if not reason.strip():
        raise IdoError({"reason": ["差戻しの理由を入力してください。"]})
    with transaction.atomic(durable=True):
        ido = Ido.objects.select_for_update().get(pk=ido_id)
        if ido.status != IdoStatus.KARI:
            raise IdoError("仮登録の異動だけを差し戻せます。")
        if actor.user_id != ido.entered_by_id and not can_approve(actor=actor, ido=ido):
            raise IdoError("差戻しの権限がありません。")
        ido.status = IdoStatus.KYAKKA
        ido.rejected_reason = reason.strip()[:200]
        ido.save(update_fields=["status", "rejected_reason"])
        IdoTarget.objects.filter(ido=ido).update(pending=False)
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=GYOMU,
            screen="異動差戻し",
            record_type="ido",
            record_id=ido.pk,
        )
    return ido


@dataclass
class BulkResult:
    approved: list[int]
    refused: dict[int, str]


def ido_bulk_approve(*, ido_ids: list[int], actor: Actor) -> BulkResult:
    """一括本登録, each 異動 in its own transaction, at most JC_IDO_BULK_LIMIT at once."""
    limit = int(settings.JC_IDO_BULK_LIMIT)
    if len(ido_ids) > limit:
        raise IdoError(f"一括本登録は{limit}件までです（指定 {len(ido_ids)} 件）。")
    result = BulkResult(approved=[], refused={})
    for ido_id in ido_ids:
        try:
            ido_approve(ido_id=ido_id, actor=actor)
        except IdoError as exc:
            result.refused[ido_id] = str(exc)
        except Ido.DoesNotExist:
            result.refused[ido_id] = "異動が見つかりません。"
        else:
            result.approved.append(ido_id)
    return result
