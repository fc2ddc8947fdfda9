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
    BANGO_IDO,
    BANGO_KISAI,
    IDO_GROUP_OF,
    KAISEI_IDO,
    KEIBI_FIELDS,
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
from juminkiroku.models import PERSON_FIELD_NAMES, Atena, Ido, IdoTarget, Setai
from juminkiroku.services.ido.fields import (
    FIELD_LABELS,
    GYOMU,
    IdoError,
    check_free_text,
    clean_fields,
    iso_value,
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


REQUIRED_NEW = ("shimei", "shimei_kana", "birth_date", "sex", "jusho", "zokugara")
REQUIRED_FOREIGN = ("alpha_name", "kokuseki", "zairyu_shikaku")
# 帰化・国籍取得 write a Japanese 住民票 (4.5.3, 4.5.4): its 氏名 and 本籍・筆頭者 are new.
REQUIRED_KIKA = ("shimei", "shimei_kana", "honseki", "hittosha")
# 国籍喪失 writes a foreign resident's (4.5.5); a 経過滞在者 has no 在留資格 yet.
REQUIRED_SOSHITSU = ("alpha_name", "kokuseki")
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
            _check_kokuseki(jiyu, current, merged, cleaned, prefix, label, errors)
        elif group == IdoGroup.KISAI:
            if current is None and not change.confirmed_new:
                _check_saitennyu(merged, prefix, label, errors)
            elif current is None:
                _check_saitennyu(merged, prefix, label, errors, numbers_only=True)
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
            _check_shusei_kind(jiyu, current, cleaned, prefix, label, errors)
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
        _check_one_setainushi(persons, merged_zokugara, existing, setai_mode, setai_id, errors)
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


def _check_one_setainushi(
    persons: list[dict[str, Any]],
    zokugara: list[str],
    existing: dict[int, Atena],
    setai_mode: str,
    setai_id: int | None,
    errors: dict[str, list[str]],
) -> None:
    """世帯主 (標準仕様書 1.1.10): a household has at most one 世帯主 after the 異動 (none
    is allowed). Counts the residents staying in each household the 異動 touches and the
    persons it puts there."""
    final: dict[int, list[int | None]] = {}
    moving: set[int] = set()
    for person, z in zip(persons, zokugara, strict=True):
        atena = existing.get(person["atena_id"]) if person["atena_id"] is not None else None
        if atena is not None:
            moving.add(atena.pk)
        target = setai_id if setai_mode == "existing" else (atena.setai_id if atena else None)
        if target is None:
            continue
        final.setdefault(target, [])
        if z == Zokugara.HONNIN:
            final[target].append(atena.pk if atena else None)
    for target, new_heads in final.items():
        staying = set(
            Atena.objects.filter(
                setai_id=target,
                kubun=AtenaKubun.JUTOSHA,
                jotai=JuminJotai.JUMIN,
                zokugara=Zokugara.HONNIN,
            )
            .exclude(pk__in=moving)
            .values_list("pk", flat=True)
        )
        if len(staying) + len(new_heads) > 1:
            errors.setdefault("setai", []).append(
                "この異動で世帯主が2人になります。今の世帯主の続柄も変更してください"
                "（世帯主変更）。"
            )


def _check_saitennyu(
    merged: dict[str, Any],
    prefix: str,
    label: str,
    errors: dict[str, list[str]],
    *,
    numbers_only: bool = False,
) -> None:
    """再転入者 (4.1.1.2): a new 宛名 is refused when a 除票 or 住登外 宛名 has the same
    number, and needs the clerk's word (``confirmed_new``) when its 3情報 match."""
    from juminkiroku.selectors.saitennyu import NUMBER, saitennyu_candidates

    birth = merged.get("birth_date")
    found = saitennyu_candidates(
        shimei=str(merged.get("shimei") or ""),
        shimei_kana=str(merged.get("shimei_kana") or ""),
        birth_date=date.fromisoformat(birth) if isinstance(birth, str) and birth else None,
        sex=str(merged.get("sex") or ""),
        juminhyo_code=str(merged.get("juminhyo_code") or ""),
        kojin_bango=str(merged.get("kojin_bango") or ""),
        zairyu_card_no=str(merged.get("zairyu_card_no") or ""),
    )
    numbers = [c for c in found if c.match == NUMBER]
    if numbers:
        errors.setdefault(prefix + "atena_id", []).append(
            label
            + f"宛名番号 {numbers[0].atena_no} の{numbers[0].jotai_label}の人と番号が一致します。"
            "再転入者として、その宛名を指定してください。"
        )
    elif found and not numbers_only:
        nos = "、".join(c.atena_no for c in found)
        errors.setdefault(prefix + "saitennyu", []).append(
            label
            + f"氏名・性別・生年月日が一致する除票・住登外の宛名があります（宛名番号 {nos}）。"
            "再転入者ならその宛名を指定し、別人なら別人であることを確認してください。"
        )


def _check_kokuseki(
    jiyu: str,
    current: Atena | None,
    merged: dict[str, Any],
    cleaned: dict[str, Any],
    prefix: str,
    label: str,
    errors: dict[str, list[str]],
) -> None:
    """帰化・国籍取得 (4.5.3, 4.5.4) of a foreign resident, 国籍喪失 (4.5.5) of a Japanese one:
    the person is on file and a resident; the items of the new 住民種別 are given."""
    to = KOKUSEKI_IDO[jiyu]
    if current is None or current.kubun != AtenaKubun.JUTOSHA or current.jotai != JuminJotai.JUMIN:
        errors.setdefault(prefix + "atena_id", []).append(
            label + "住民として記録されている人を指定してください。"
        )
        return
    if current.shubetsu == to:
        want = "外国人住民" if to == JuminShubetsu.NIHONJIN else "日本人住民"
        errors.setdefault(prefix + "atena_id", []).append(
            label + f"{IdoJiyu(jiyu).label}は{want}についてだけ入力できます。"
        )
        return
    required = REQUIRED_KIKA if to == JuminShubetsu.NIHONJIN else REQUIRED_SOSHITSU
    for name in required:
        if not merged.get(name):
            errors.setdefault(prefix + name, []).append(
                label + f"{FIELD_LABELS[name]}を入力してください。"
            )


def _check_shusei_kind(
    jiyu: str,
    current: Atena,
    cleaned: dict[str, Any],
    prefix: str,
    label: str,
    errors: dict[str, list[str]],
) -> None:
    """What the 修正 kinds of 1.2.2 may change: one number (番号の変更・職権記載), only 氏名
    or 住所 (軽微な修正, 4.2.3.2), nothing (改製・再製, 1.1.4)."""
    if jiyu in BANGO_IDO:
        name = BANGO_IDO[jiyu]
        other = sorted(set(cleaned) - {name})
        if other:
            errors.setdefault(prefix + other[0], []).append(
                label + f"{IdoJiyu(jiyu).label}では{FIELD_LABELS[name]}だけを変更できます。"
            )
        had = getattr(current, name)
        new = cleaned.get(name, "")
        if not new:
            errors.setdefault(prefix + name, []).append(
                label + f"新しい{FIELD_LABELS[name]}を入力してください。"
            )
        elif jiyu in BANGO_KISAI and had:
            errors.setdefault(prefix + name, []).append(
                label
                + f"既に{FIELD_LABELS[name]}が記載されています。変更の事由で入力してください。"
            )
        elif jiyu not in BANGO_KISAI and not had:
            errors.setdefault(prefix + name, []).append(
                label
                + f"{FIELD_LABELS[name]}が記載されていません。職権記載の事由で入力してください。"
            )
        elif new == had:
            errors.setdefault(prefix + name, []).append(
                label + f"{FIELD_LABELS[name]}が変わっていません。"
            )
    elif jiyu == IdoJiyu.KEIBI_SHUSEI:
        other = sorted(set(cleaned) - KEIBI_FIELDS)
        if other:
            errors.setdefault(prefix + other[0], []).append(
                label + "軽微な修正では氏名と住所だけを修正できます。"
            )
        if not cleaned:
            errors.setdefault(prefix + "shimei", []).append(
                label + "修正する氏名または住所を入力してください。"
            )
    elif jiyu in KAISEI_IDO and cleaned:
        errors.setdefault(prefix + sorted(cleaned)[0], []).append(
            label + f"{IdoJiyu(jiyu).label}では記載事項を変更できません（内容はそのまま写します）。"
        )


# 異動 that take persons out of their household (4.0.4 applies to them).
_LEAVING = {IdoJiyu.SETAI_BUNRI, IdoJiyu.SETAI_GAPPEI, IdoJiyu.SETAI_HENKO}


def setainushi_after(
    jiyu: str, targets: list[Atena], persons: list[dict[str, Any]]
) -> tuple[list[Atena], list[int]]:
    """世帯主不在となる場合 (標準仕様書 4.0.4, 1.1.10): when the 世帯主 leaves the household
    and one member remains, that member becomes 世帯主 by 職権 in the same 異動 (returned
    first); when two or more remain, the household is left without a 世帯主 (its id in the
    second list) once the clerk was alerted and confirmed, and 4.0.5's 世帯主変更依頼通知
    reads it from ``selectors.setainushi.setainushi_fuzai``."""
    if IDO_GROUP_OF.get(jiyu) != IdoGroup.SHOJO and jiyu not in _LEAVING:
        return [], []
    leaving = {a.pk for a in targets}
    heads = [
        a
        for a in targets
        if a.setai_id is not None
        and a.zokugara == Zokugara.HONNIN
        and a.kubun == AtenaKubun.JUTOSHA
        and a.jotai == JuminJotai.JUMIN
    ]
    shokken: list[Atena] = []
    fuzai: list[int] = []
    for head in heads:
        setai_id = head.setai_id
        assert setai_id is not None  # kept by the filter above
        remaining = list(
            Atena.objects.filter(
                setai_id=setai_id, kubun=AtenaKubun.JUTOSHA, jotai=JuminJotai.JUMIN
            )
            .exclude(pk__in=leaving)
            .order_by("setai_order", "id")
        )
        if len(remaining) == 1:
            shokken.append(remaining[0])
        elif len(remaining) >= 2:
            fuzai.append(setai_id)
    return shokken, fuzai


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
) -> Ido:
    """Enter a 異動 as 仮登録. Nothing in the registry changes until ``ido_approve``.

    ``setainushi_fuzai_ok``: the clerk saw 4.0.4's alert (the 世帯主 leaves, two or more
    remain) and enters the 異動 leaving the household without a 世帯主."""
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
