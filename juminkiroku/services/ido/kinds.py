"""The checks of the 異動 kinds 標準仕様書 chapter 4 adds to a 仮登録 (used by ``enter``):

- 再転入者 (4.1.1.2): a new 宛名 refused or alerted when a 除票・住登外 宛名 matches
- 帰化・国籍取得・国籍喪失 (4.5.3–4.5.5): the person on file, the items of the new kind
- 番号の変更・職権記載, 軽微な修正 (4.2.3.2), 改製・再製 (1.1.4): what each may change
- 世帯主 (1.1.10): at most one per household; 世帯主不在 (4.0.4) when the 世帯主 leaves
"""

from __future__ import annotations

from datetime import date
from typing import Any

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
    Zokugara,
)
from juminkiroku.models import Atena
from juminkiroku.services.ido.fields import FIELD_LABELS

# 帰化・国籍取得 write a Japanese 住民票 (4.5.3, 4.5.4): its 氏名 and 本籍・筆頭者 are new.
REQUIRED_KIKA = ("shimei", "shimei_kana", "honseki", "hittosha")
# 国籍喪失 writes a foreign resident's (4.5.5); a 経過滞在者 has no 在留資格 yet.
REQUIRED_SOSHITSU = ("alpha_name", "kokuseki")


def check_one_setainushi(
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


def check_saitennyu(
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


def check_kokuseki(
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


def check_shusei_kind(
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
