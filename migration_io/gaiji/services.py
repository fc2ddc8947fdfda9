"""Writes of a town's 外字 table: registering a 外字 and deciding its MJ character.

Each runs in one durable transaction; a decision (or its undoing) writes its
``GaijiKettei`` row with it, so the history is never behind the table. Nothing here is
personal data: no access-log row is owed (the screens are marked so).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from migration_io.gaiji.glyph import GlyphRefused, glyph_clean
from migration_io.gaiji.mjtable import MJ_NAME, mj_table
from migration_io.gaiji.models import Gaiji, GaijiKettei
from tenants.accesslog.services import Actor
from tenants.text import text_problem

PUA_FIRST, PUA_LAST = 0xE000, 0xF8FF


class GaijiError(ValueError):
    """A refused write (Japanese message); nothing was written."""


def parse_pua(text: str) -> int:
    """ "U+E001", "E001" or the character itself → the code point, if private use."""
    t = text.strip()
    if len(t) == 1:
        code = ord(t)
    else:
        t = t[2:] if t.upper().startswith("U+") else t
        try:
            code = int(t, 16)
        except ValueError:
            raise GaijiError("私用領域の符号位置は U+E000 の形で入力してください。") from None
    if not PUA_FIRST <= code <= PUA_LAST:
        raise GaijiError("私用領域の符号位置は U+E000 から U+F8FF の間です。")
    return code


def _text(value: str, *, label: str, limit: int) -> str:
    problem = text_problem(value, label=label)
    if problem:
        raise GaijiError(problem)
    value = value.strip()
    if len(value) > limit:
        raise GaijiError(f"{label}は{limit}文字以内で入力してください。")
    return value


def _prepared(
    *, vendor: str, pua: int, kyu_code: str, setsumei: str, glyph: bytes | None, actor: Actor
) -> Gaiji:
    """An unsaved, checked 外字 (GaijiError or GlyphRefused)."""
    vendor = _text(vendor, label="移行元システム", limit=60)
    if not vendor:
        raise GaijiError("移行元システムを入力してください。")
    if not PUA_FIRST <= pua <= PUA_LAST:
        raise GaijiError("私用領域の符号位置は U+E000 から U+F8FF の間です。")
    kyu_code = _text(kyu_code, label="移行元の文字コード", limit=20)
    setsumei = _text(setsumei, label="字形の説明", limit=200)
    png = glyph_clean(glyph) if glyph else None
    if png is None and not setsumei:
        raise GaijiError("字形画像か字形の説明のどちらかを入れてください。")
    return Gaiji(
        vendor=vendor,
        pua=pua,
        kyu_code=kyu_code,
        setsumei=setsumei,
        glyph_png=png,
        created_by=actor.username,
    )


def gaiji_register(
    *,
    vendor: str,
    pua: int,
    kyu_code: str = "",
    setsumei: str = "",
    glyph: bytes | None = None,
    actor: Actor,
) -> Gaiji:
    """A new 外字 of ``vendor``. It needs a glyph image or a description."""
    gaiji = _prepared(
        vendor=vendor, pua=pua, kyu_code=kyu_code, setsumei=setsumei, glyph=glyph, actor=actor
    )
    try:
        with transaction.atomic(durable=True):
            gaiji.save()
            return gaiji
    except IntegrityError:
        raise GaijiError(f"{gaiji.vendor} の U+{pua:04X} はもう登録されています。") from None


@dataclass(frozen=True)
class GaijiRow:
    """One line of a vendor's 外字 list (``line`` for the messages)."""

    line: int
    pua: str
    kyu_code: str = ""
    setsumei: str = ""
    glyph: bytes | None = None


class GaijiListRefused(ValueError):
    """The list was refused whole; ``errors`` are Japanese messages by line."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


def gaiji_register_many(*, vendor: str, rows: Sequence[GaijiRow], actor: Actor) -> int:
    """A vendor's whole 外字 list, all or nothing: every line is checked first (code point,
    texts, image, a code point twice, one already registered) and any error refuses the
    list with every message; else all are written in one transaction."""
    errors: list[str] = []
    prepared: list[Gaiji] = []
    seen: dict[int, int] = {}
    for row in rows:
        try:
            gaiji = _prepared(
                vendor=vendor,
                pua=parse_pua(row.pua),
                kyu_code=row.kyu_code,
                setsumei=row.setsumei,
                glyph=row.glyph,
                actor=actor,
            )
        except (GaijiError, GlyphRefused) as exc:
            errors.append(f"{row.line}行目: {exc}")
            continue
        if gaiji.pua in seen:
            errors.append(f"{row.line}行目: {seen[gaiji.pua]}行目と同じ符号位置です。")
            continue
        seen[gaiji.pua] = row.line
        prepared.append(gaiji)
    if prepared:
        taken = set(
            Gaiji.objects.filter(vendor=prepared[0].vendor, pua__in=seen).values_list(
                "pua", flat=True
            )
        )
        errors.extend(
            f"{seen[code]}行目: U+{code:04X} はもう登録されています。" for code in sorted(taken)
        )
    if not rows:
        errors.append("外字の一覧に行がありません。")
    if errors:
        raise GaijiListRefused(errors)
    try:
        with transaction.atomic(durable=True):
            Gaiji.objects.bulk_create(prepared)
    except IntegrityError:
        raise GaijiListRefused(
            ["同時に登録された外字と重なりました。やり直してください。"]
        ) from None
    return len(prepared)


def gaiji_decide(*, gaiji_id: int, mj: str, riyu: str = "", actor: Actor) -> Gaiji:
    """Decide the MJ character of a 外字 (``mj`` empty: undo the decision, back to 未決定).
    The characters stored are the MJ table's implemented UCS and IVS."""
    riyu = _text(riyu, label="理由", limit=200)
    mj = mj.strip().upper()
    moji = ""
    if mj:
        row = mj_table().get(mj) if MJ_NAME.match(mj) else None
        if row is None:
            raise GaijiError("そのMJ文字図形名は文字情報基盤の表にありません。")
        moji = row.moji
    with transaction.atomic(durable=True):
        gaiji = Gaiji.objects.select_for_update().filter(pk=gaiji_id).first()
        if gaiji is None:
            raise GaijiError("その外字は登録されていません。")
        if gaiji.mj == mj:
            raise GaijiError("すでにその対応に決まっています。" if mj else "まだ決まっていません。")
        gaiji.mj, gaiji.moji = mj, moji
        gaiji.decided_by = actor.username if mj else ""
        gaiji.decided_at = timezone.now() if mj else None
        gaiji.save(update_fields=["mj", "moji", "decided_by", "decided_at"])
        GaijiKettei.objects.create(gaiji=gaiji, mj=mj, moji=moji, riyu=riyu, actor=actor.username)
    return gaiji
