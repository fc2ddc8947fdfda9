"""仮登録: a 異動 is validated and stored as a proposal in ``Ido.payload``.

Nothing in the registry changes here; ``review.ido_approve`` applies it. A partial unique
index on ``IdoTarget(atena) WHERE pending`` lets one 仮登録 exist per person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from juminkiroku.codes import (
    HO30_46_KUBUN,
    IDO_GROUP_OF,
    KOKUSEKI_IDO,
    AtenaKubun,
    IdoGroup,
    IdoJiyu,
    JuminJotai,
    JuminShubetsu,
    YokushiLevel,
    YokushiProcess,
    Zokugara,
)
from juminkiroku.models import (
    PERSON_FIELD_NAMES,
    Atena,
    Ido,
    IdoTarget,
    Setai,
    Tenshutsu,
    TenshutsuStatus,
)
from juminkiroku.services.ido.fields import (
    FIELD_LABELS,
    GYOMU,
    IdoError,
    check_free_text,
    clean_fields,
    iso_value,
)
from juminkiroku.services.ido.kinds import (
    check_kokuseki,
    check_one_setainushi,
    check_saitennyu,
    check_shusei_kind,
    setainushi_after,
)
from juminkiroku.services.numbering import next_ido_no
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record


@dataclass
class PersonChange:
    """One person of a 異動. For a 記載, ``atena_id`` may name a 除票 or 住登外 宛名 (a
    再転入, 標準仕様書 4.1.1.2); ``confirmed_new`` is the clerk's word that a person whose
    3情報 match such a 宛名 is someone else. ``saishu_toroku_jusho`` is the 最終登録住所地
    of a 未届転入 (4.1.1.4: a data item, not an item of the 住民票)."""

    atena_id: int | None
    fields: dict[str, Any] = field(default_factory=dict)
    confirmed_new: bool = False
    saishu_toroku_jusho: str = ""


ADDRESS_ITEMS = ("postal_code", "jusho", "banchi", "katagaki", "jusho_code")
REQUIRED_NEW = ("shimei", "shimei_kana", "birth_date", "sex", "jusho", "zokugara")
REQUIRED_FOREIGN = ("alpha_name", "kokuseki", "zairyu_shikaku")
# What a 記載 marks the address before a 未届転入 with (4.1.1.4).
MITODOKE_MARK = "（未届）"


def _validate(
    jiyu: str,
    ido_date: date,
    todoke_date: date | None,
    changes: list[PersonChange],
    setai_mode: str,
    setai_id: int | None,
    setainushi_fuzai_ok: bool = False,
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
    if jiyu not in (IdoJiyu.TENSHUTSU, IdoJiyu.KOKUGAI_TENSHUTSU) and ido_date > today:
        # 転出 (国外転出 too) alone is recorded on the 転出予定日 (標準仕様書 4.0.3, 4.1.3.0.1);
        # it becomes a 除票 on that day (juminkiroku.services.tenshutsu).
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
    # A 除票 moved to the 除票用データベース (標準仕様書 9.3) has no 住民票 left in the registry:
    # only a 記載 (再転入) may name it, and it takes in the items as they were at the move.
    moved = {pk for pk, a in existing.items() if a.jotai == JuminJotai.IKOZUMI}
    if moved:
        from juminkiroku.selectors.johyo import with_restored

        if group != IdoGroup.KISAI or jiyu in KOKUSEKI_IDO:
            errors.setdefault("__all__", []).append(
                "除票用データベースへ移した除票の方が含まれています。再転入（記載）のほかの異動はできません。"
            )
        existing = {a.pk: a for a in with_restored(list(existing.values()))}
    # A 転出 still to come (標準仕様書 1.1.5): no other 消除 until it is cancelled.
    yotei = set(
        Tenshutsu.objects.filter(atena_id__in=ids, status=TenshutsuStatus.YOTEI).values_list(
            "atena_id", flat=True
        )
    )
    persons: list[dict[str, Any]] = []
    merged_zokugara: list[str] = []
    for i, change in enumerate(changes):
        prefix = f"persons.{i}."
        cleaned = clean_fields(change.fields, prefix, errors)
        current = existing.get(change.atena_id) if change.atena_id is not None else None
        if change.atena_id is not None and current is None:
            errors.setdefault(prefix + "atena_id", []).append("指定された宛名が見つかりません。")
            continue
        merged = {n: iso_value(getattr(current, n)) for n in PERSON_FIELD_NAMES} if current else {}
        merged.update(cleaned)
        label = f"{i + 1}人目: "
        if jiyu in KOKUSEKI_IDO:
            check_kokuseki(jiyu, current, merged, cleaned, prefix, label, errors)
        elif group == IdoGroup.KISAI:
            if current is None and not change.confirmed_new:
                check_saitennyu(merged, prefix, label, errors)
            elif current is None:
                check_saitennyu(merged, prefix, label, errors, numbers_only=True)
            if jiyu == IdoJiyu.MITODOKE_TENNYU:
                mae = str(merged.get("tennyu_mae_jusho") or "")
                if not mae:
                    errors.setdefault(prefix + "tennyu_mae_jusho", []).append(
                        label + "未届の住所のうち直近のものを転入前住所に入力してください。"
                    )
                elif not mae.endswith(MITODOKE_MARK):
                    cleaned["tennyu_mae_jusho"] = mae + MITODOKE_MARK
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
            if jiyu in (IdoJiyu.HO30_46_TENNYU, IdoJiyu.HO30_47_TODOKE):
                check_ho30_46(merged, prefix, label, errors)
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
            if group == IdoGroup.SHOJO and current.pk in yotei:
                errors.setdefault(prefix + "atena_id", []).append(
                    label + "転出予定の方です。先にその転出を取り消してください。"
                )
            check_shusei_kind(jiyu, current, cleaned, prefix, label, errors)
            if jiyu in (IdoJiyu.SETAI_GAPPEI, IdoJiyu.SETAI_HENKO):
                # 標準仕様書 4.1.4.1【実装しない機能】: no address change in these 異動 (a
                # move is a 転居, entered first).
                for name in ADDRESS_ITEMS:
                    if name in cleaned and cleaned[name] != getattr(current, name):
                        errors.setdefault(prefix + name, []).append(
                            label + "世帯合併・世帯変更では住所を変更できません。"
                            "住所が変わるときは、先に転居を入力してください。"
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
        merged_zokugara.append(str(merged.get("zokugara") or ""))
        person: dict[str, Any] = {"atena_id": change.atena_id, "fields": cleaned}
        if change.saishu_toroku_jusho.strip():
            check_free_text(
                change.saishu_toroku_jusho,
                key=prefix + "saishu_toroku_jusho",
                label="最終登録住所地",
            )
            person["saishu_toroku_jusho"] = change.saishu_toroku_jusho.strip()[:200]
        persons.append(person)

    if jiyu == IdoJiyu.SETAI_BUNRI and setai_mode != "new":
        errors.setdefault("setai", []).append("世帯分離では新しい世帯を作成します。")
    if jiyu in (IdoJiyu.SETAI_GAPPEI, IdoJiyu.SETAI_HENKO) and setai_mode != "existing":
        errors.setdefault("setai", []).append("異動先の世帯を指定してください。")
    if jiyu in KOKUSEKI_IDO:
        if setai_mode != "keep":
            errors.setdefault("setai", []).append(
                "帰化・国籍取得・国籍喪失では世帯は変わりません（世帯の異動は別に入力してください）。"
            )
    elif group == IdoGroup.KISAI and setai_mode == "keep":
        errors.setdefault("setai", []).append("新しい世帯か、既存の世帯を指定してください。")
    if setai_mode == "new":
        # A 再転入 takes its 続柄 from the 宛名 on file unless typed (merged_zokugara).
        heads = [z for z in merged_zokugara if z == Zokugara.HONNIN]
        if len(heads) != 1:
            errors.setdefault("setai", []).append(
                "新しい世帯には世帯主（続柄「世帯主」）を1人指定してください。"
            )
    elif group != IdoGroup.SHOJO and not errors:
        check_one_setainushi(persons, merged_zokugara, existing, setai_mode, setai_id, errors)
    if errors:
        raise IdoError(errors)
    payload: dict[str, Any] = {
        "persons": persons,
        "setai": {"mode": setai_mode, "setai_id": setai_id},
    }
    targets = list(existing.values())
    shokken, fuzai = setainushi_after(jiyu, targets, persons)
    if fuzai and not setainushi_fuzai_ok:
        raise IdoError(
            {
                "setainushi_fuzai": [
                    "世帯主が世帯からいなくなり、世帯員が2人以上残ります。先に世帯主変更を行って"
                    "ください。世帯主不在のまま異動するときは、その旨を確認してください。"
                ]
            }
        )
    if shokken:
        payload["setainushi_shokken"] = [a.pk for a in shokken]
        targets += shokken
    if fuzai:
        payload["setainushi_fuzai"] = fuzai
    return payload, targets


def check_ho30_46(
    merged: dict[str, Any], prefix: str, label: str, errors: dict[str, list[str]]
) -> None:
    """標準仕様書 4.5.1 / 4.5.2: 法第30条の46転入 and 法第30条の47届出 register a foreign
    resident of one of the four 区分 the articles name, like a 国外転入 (転入前住所 may be
    blank). 経過滞在者 come by 出生 (K03) or 国籍喪失 (K07) instead."""
    if merged.get("shubetsu") != JuminShubetsu.GAIKOKUJIN:
        errors.setdefault(prefix + "shubetsu", []).append(
            label + "この異動は外国人住民についてだけ入力できます。"
        )
    if merged.get("zairyu_kubun") not in HO30_46_KUBUN:
        errors.setdefault(prefix + "zairyu_kubun", []).append(
            label + "法第30条の45区分は中長期在留者・特別永住者・一時庇護許可者・"
            "仮滞在許可者のいずれかを選択してください。"
        )


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
    setainushi_fuzai_ok: bool = False,
    tokurei: bool = False,
) -> Ido:
    """Enter a 異動 as 仮登録. Nothing in the registry changes until ``ido_approve``.

    ``setainushi_fuzai_ok``: the clerk saw 4.0.4's alert (the 世帯主 leaves, two or more
    remain) and enters the 異動 leaving the household without a 世帯主.
    ``tokurei``: a 転出 under 住基法 第24条の2 (特例転出, 標準仕様書 4.1.3.0.4: the person
    holds a マイナンバーカード; no paper 転出証明書, the 転出証明書情報 goes to the CS,
    juminkiroku.cs.soshin); only for 転出 (S01)."""
    if tokurei and jiyu != IdoJiyu.TENSHUTSU:
        raise IdoError({"tokurei": ["特例転出は、転出のときだけ指定できます。"]})
    from juminkiroku.selectors.yokushi import yokushi_blocking

    check_free_text(note, key="note", label="備考")
    payload, targets = _validate(
        jiyu, ido_date, todoke_date, changes, setai_mode, setai_id, setainushi_fuzai_ok
    )
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
    if tokurei:
        payload["tokurei"] = True
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
