"""出入国在留管理庁長官通知の取込 (標準仕様書 4.5.6).

A file of notices is read (``tsuchi_import``: the whole file or nothing), each notice is
matched to a 外国人住民, and a matched one becomes a 仮登録 of 職権修正 (M07) or 職権消除
(S04) through ``ido_enter``; a second clerk checks the 処理結果確認票 (``kakunin_lines``:
before and after) and does the 本登録 through the ordinary review. Notices of 特別永住者
are never taken in automatically (4.5.6); they and the unmatched ones stay on the list of
notices not yet taken in (``selectors``), for a clerk to take in by hand
(``tsuchi_torikomi`` with ``atena_id``).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from juminkiroku.codes import (
    AtenaKubun,
    IdoJiyu,
    JuminJotai,
    JuminShubetsu,
    Sex,
    ZairyuKubun,
)
from juminkiroku.models import Atena, Ido
from juminkiroku.models.nyukan import (
    SHOJO_KINDS,
    NyukanTsuchi,
    NyukanTsuchiKind,
    NyukanTsuchiStatus,
)
from juminkiroku.services.ido import IdoError, PersonChange, ido_enter
from juminkiroku.services.ido.fields import GYOMU
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.text import text_problem

# Our record layout (docs/standard/nyukan.md): the 法務省仕様 one is not public.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("tsuchi_date", "通知日"),
    ("jiyu_date", "事由の生じた日"),
    ("kind", "通知の種類"),
    ("zairyu_card_no", "在留カード等番号"),
    ("alpha_name", "氏名（アルファベット）"),
    ("birth_date", "生年月日"),
    ("sex", "性別"),
    ("new_zairyu_shikaku", "変更後の在留資格"),
    ("new_zairyu_kikan_to", "変更後の在留期間の満了日"),
    ("new_zairyu_card_no", "変更後の在留カード等番号"),
    ("new_alpha_name", "変更後の氏名（アルファベット）"),
    ("new_kokuseki", "変更後の国籍・地域"),
    ("new_zairyu_kubun", "変更後の法第30条の45区分"),
)
DATE_COLUMNS = {"tsuchi_date", "jiyu_date", "birth_date", "new_zairyu_kikan_to"}
# The 住民票 item each 変更後 column writes.
NEW_TO_FIELD = {
    "new_zairyu_shikaku": "zairyu_shikaku",
    "new_zairyu_kikan_to": "zairyu_kikan_to",
    "new_zairyu_card_no": "zairyu_card_no",
    "new_alpha_name": "alpha_name",
    "new_kokuseki": "kokuseki",
    "new_zairyu_kubun": "zairyu_kubun",
}
SCREEN = "出入国在留管理庁長官通知取込"


@dataclass(frozen=True)
class ImportResult:
    count: int
    torikomi: int
    pending: int


def parse_tsuchi_file(data: bytes) -> list[dict[str, Any]]:
    """The rows of a notice file (UTF-8, BOM allowed, a heading line of our layout).
    Raises IdoError with the line number of every bad cell."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise IdoError({"file": ["ファイルの文字コードが UTF-8 ではありません。"]}) from None
    reader = csv.reader(io.StringIO(text))
    rows = list(reader)
    if not rows or [c.strip() for c in rows[0]] != [label for _, label in COLUMNS]:
        raise IdoError({"file": ["1行目の見出しが取込レイアウトと一致しません。"]})
    errors: list[str] = []
    out: list[dict[str, Any]] = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(COLUMNS):
            errors.append(f"{line}行目: 項目の数が{len(COLUMNS)}ではありません。")
            continue
        record: dict[str, Any] = {}
        for (name, label), raw in zip(COLUMNS, row, strict=True):
            value = raw.strip()
            problem = text_problem(value, label=label)
            if problem is not None:
                errors.append(f"{line}行目: {problem}")
                continue
            if name in DATE_COLUMNS:
                if not value:
                    record[name] = None
                    continue
                try:
                    record[name] = date.fromisoformat(value)
                except ValueError:
                    errors.append(f"{line}行目: {label}の日付が正しくありません。")
                continue
            max_length = getattr(NyukanTsuchi._meta.get_field(name), "max_length", None)
            if max_length and len(value) > max_length:
                errors.append(f"{line}行目: {label}は{max_length}文字以内にしてください。")
                continue
            record[name] = value
        if errors:
            continue
        if record["kind"] not in NyukanTsuchiKind.values:
            errors.append(f"{line}行目: 通知の種類が正しくありません。")
        if record["sex"] and record["sex"] not in Sex.values:
            errors.append(f"{line}行目: 性別が正しくありません。")
        if record["new_zairyu_kubun"] and record["new_zairyu_kubun"] not in ZairyuKubun.values:
            errors.append(f"{line}行目: 変更後の法第30条の45区分が正しくありません。")
        if record["tsuchi_date"] is None or record["jiyu_date"] is None:
            errors.append(f"{line}行目: 通知日と事由の生じた日は必須です。")
        if not record["zairyu_card_no"] and not (record["alpha_name"] and record["birth_date"]):
            errors.append(
                f"{line}行目: 在留カード等番号か、氏名（アルファベット）と生年月日が必要です。"
            )
        if record["kind"] not in SHOJO_KINDS and not any(record[n] for n in NEW_TO_FIELD):
            errors.append(f"{line}行目: 変更後の項目がありません。")
        out.append(record)
    if errors:
        raise IdoError({"file": errors})
    if not out:
        raise IdoError({"file": ["取り込む通知がありません。"]})
    return out


def match_person(tsuchi: NyukanTsuchi) -> tuple[Atena | None, str]:
    """The 外国人住民 a notice names: by 在留カード等番号, else by 氏名（アルファベット）・
    生年月日・性別. Returns (person, reason it could not be matched)."""
    residents = Atena.objects.filter(
        kubun=AtenaKubun.JUTOSHA,
        jotai=JuminJotai.JUMIN,
        shubetsu=JuminShubetsu.GAIKOKUJIN,
    )
    if tsuchi.zairyu_card_no:
        found = list(residents.filter(zairyu_card_no=tsuchi.zairyu_card_no)[:2])
    else:
        found = []
    if not found and tsuchi.alpha_name and tsuchi.birth_date:
        query = residents.filter(alpha_name=tsuchi.alpha_name, birth_date=tsuchi.birth_date)
        if tsuchi.sex:
            query = query.filter(sex=tsuchi.sex)
        found = list(query[:2])
    if not found:
        return None, "該当する外国人住民が見つかりません。"
    if len(found) > 1:
        return None, "該当する外国人住民が複数います。"
    return found[0], ""


def _changes(tsuchi: NyukanTsuchi) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for column, name in NEW_TO_FIELD.items():
        value = getattr(tsuchi, column)
        if value:
            fields[name] = value.isoformat() if isinstance(value, date) else value
    return fields


def kakunin_lines(tsuchi: NyukanTsuchi) -> list[tuple[str, str, str]]:
    """処理結果確認票 (4.5.6): (item, before, after) for each item the notice changes."""
    from juminkiroku.services.ido.fields import FIELD_LABELS

    if tsuchi.atena_id is None:
        return []
    atena = Atena.objects.get(pk=tsuchi.atena_id)
    if tsuchi.kind in SHOJO_KINDS:
        return [("住民状態", atena.get_jotai_display(), "職権消除")]
    lines = []
    for name, value in _changes(tsuchi).items():
        before = getattr(atena, name)
        if name == "zairyu_kubun":
            before = atena.get_zairyu_kubun_display()
            value = ZairyuKubun(value).label
        lines.append((FIELD_LABELS[name], str(before or ""), str(value)))
    return lines


def _enter(tsuchi: NyukanTsuchi, atena: Atena, actor: Actor) -> Ido:
    shojo = tsuchi.kind in SHOJO_KINDS
    return ido_enter(
        jiyu=IdoJiyu.SHOKKEN_SHOJO if shojo else IdoJiyu.SHOKKEN_SHUSEI,
        ido_date=tsuchi.jiyu_date,
        todoke_date=None,
        changes=[PersonChange(atena.pk, {} if shojo else _changes(tsuchi))],
        actor=actor,
        note=f"出入国在留管理庁長官通知（{tsuchi.get_kind_display()}）",
    )


def tsuchi_import(*, data: bytes, actor: Actor) -> ImportResult:
    """Store a file of notices and take in the matched ones (not 特別永住者) as 仮登録.
    A bad file stores nothing. A notice whose 仮登録 is refused (抑止, another clerk's
    異動…) stays 未取込 with the reason."""
    rows = parse_tsuchi_file(data)
    with transaction.atomic():
        stored = [NyukanTsuchi.objects.create(**row) for row in rows]
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=GYOMU,
            screen=SCREEN,
            record_type="nyukan_tsuchi",
            record_count=len(stored),
        )
    done = 0
    for tsuchi in stored:
        atena, reason = match_person(tsuchi)
        if atena is None:
            tsuchi.status = NyukanTsuchiStatus.FUICCHI
            tsuchi.reason = reason
            tsuchi.save(update_fields=["status", "reason"])
            continue
        tsuchi.atena = atena
        if atena.zairyu_kubun == ZairyuKubun.TOKUBETSU_EIJU:
            tsuchi.reason = (
                "特別永住者の通知は自動では取り込みません。確認のうえ取り込んでください。"
            )
            tsuchi.save(update_fields=["atena", "reason"])
            continue
        tsuchi.save(update_fields=["atena"])
        if _torikomi(tsuchi, atena, actor):
            done += 1
    return ImportResult(count=len(stored), torikomi=done, pending=len(stored) - done)


def _torikomi(tsuchi: NyukanTsuchi, atena: Atena, actor: Actor) -> bool:
    try:
        ido = _enter(tsuchi, atena, actor)
    except IdoError as exc:
        tsuchi.reason = str(exc)[:200]
        tsuchi.save(update_fields=["reason"])
        return False
    tsuchi.ido = ido
    tsuchi.status = NyukanTsuchiStatus.TORIKOMI
    tsuchi.reason = ""
    tsuchi.save(update_fields=["ido", "status", "reason"])
    return True


def tsuchi_torikomi(*, tsuchi_id: int, actor: Actor, atena_id: int | None = None) -> Ido:
    """手動取込 (4.5.6): a notice not yet taken in, whatever its 通知日, becomes a 仮登録;
    ``atena_id`` names the person when the notice could not be matched."""
    tsuchi = NyukanTsuchi.objects.filter(pk=tsuchi_id).first()
    if tsuchi is None:
        raise IdoError("指定された通知が見つかりません。")
    if tsuchi.status == NyukanTsuchiStatus.TORIKOMI:
        raise IdoError("この通知は取込済です。")
    if atena_id is not None:
        atena = Atena.objects.filter(
            pk=atena_id,
            kubun=AtenaKubun.JUTOSHA,
            jotai=JuminJotai.JUMIN,
            shubetsu=JuminShubetsu.GAIKOKUJIN,
        ).first()
        if atena is None:
            raise IdoError({"atena_id": ["外国人住民として記録されている人を指定してください。"]})
    elif tsuchi.atena_id is None:
        raise IdoError({"atena_id": ["通知の対象者を指定してください。"]})
    else:
        atena = Atena.objects.get(pk=tsuchi.atena_id)
    if tsuchi.jiyu_date > timezone.localdate():
        raise IdoError("事由の生じた日が未来の日付です。")
    # ido_enter runs its own durable transaction; the notice is marked only once it stood.
    ido = _enter(tsuchi, atena, actor)
    tsuchi.atena = atena
    tsuchi.ido = ido
    tsuchi.status = NyukanTsuchiStatus.TORIKOMI
    tsuchi.reason = ""
    tsuchi.save(update_fields=["atena", "ido", "status", "reason"])
    return ido
