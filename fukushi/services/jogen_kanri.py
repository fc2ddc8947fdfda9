"""利用者負担の上限額管理 (SG-83〜SG-86) for the 障害児通所支援 (児童福祉法第21条の5の3〜) and the
障害福祉サービス (障害者総合支援法第29条) decisions.

- ``kanri_jigyosho_set``: the 上限額管理事業所 of a 受給者 from a month (a 受給者 who uses two
  or more 事業所 chooses one; the town records it on the decision and the 受給者証);
- ``jogen_kanri_kakutei``: a month's 総費用額 and 利用者負担額 per 事業所 → the 上限額管理結果
  (``fukushi.rules.jogen_kanri``) with the 上限 of the month: the decided 負担上限月額, 0 within
  the 就学前の無償化 (SG-73), the 総費用額 share lowered by the 多子軽減 (SG-80); entering a
  month again replaces its result;
- ``parse_meisai`` / ``jogen_kanri_torikomi``: the same from a CSV file, all or nothing.

The file layout is **ours** (the 国保連's 上限額管理結果票 interface was not read: 未確認).
UTF-8 CSV (a BOM allowed), the header line then one line per 事業所 and month::

    受給者証番号,サービス提供年月,事業所番号,事業所名,総費用額,利用者負担額
    0000000012,202508,1410000001,はやまキッズ,80000,8000
    0000000012,202508,1410000002,みどり療育,30000,

サービス提供年月 YYYYMM; 事業所番号 10 digits; amounts in 円; the 利用者負担額 may be empty (then
the 総費用額 × the share, up to the 上限). Errors name the file's line and field, never a person.

Every write is one durable transaction with its access-log row.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from fukushi.gyomu import SHOGAISHA_FUKUSHI
from fukushi.models.jiritsu import JiritsuJotai, JiritsuKettei
from fukushi.models.jogen_kanri import (
    JogenKanriJigyosho,
    JogenKanriKekka,
    JogenKanriMeisai,
    JogenSeido,
)
from fukushi.models.tsusho import TsushoJotai, TsushoKettei
from fukushi.rules.jogen_kanri import Getsugaku, Kanri, jogen_kanri, jogen_kanri_errors
from fukushi.services.tsusho import futan_on
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.params.services import ParameterMissing, param_value
from tenants.text import text_problem
from tenants.wareki import fiscal_year_of, format_wareki

__all__ = [
    "HEADER",
    "JogenRefused",
    "Jukyusha",
    "jogen_kanri_kakutei",
    "jogen_kanri_torikomi",
    "jukyusha_get",
    "kanri_jigyosho_on",
    "kanri_jigyosho_set",
    "kanri_words",
    "nengetsu",
    "parse_meisai",
]

HEADER = ["受給者証番号", "サービス提供年月", "事業所番号", "事業所名", "総費用額", "利用者負担額"]
MAX_LINES = 100_000
KEKKA_TYPE = "fukushi.JogenKanriKekka"
OPEN_OR_ENDED = {
    JogenSeido.TSUSHO: (TsushoJotai.YUKO, TsushoJotai.SHURYO),
    JogenSeido.JIRITSU: (JiritsuJotai.YUKO, JiritsuJotai.SHURYO),
}


class JogenRefused(Exception):
    """A write the rules refuse; ``errors`` are (field, Japanese message)."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(m for _, m in errors))
        self.errors = errors


def nengetsu(d: date) -> str:
    """A month in 和暦 (令和7年8月)."""
    words = format_wareki(d)
    return words[: words.index("月") + 1]


def _month_end(ym: date) -> date:
    nxt = date(ym.year + ym.month // 12, ym.month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


@dataclass(frozen=True)
class Jukyusha:
    """A decision seen by the 上限額管理: its 制度 and the record."""

    seido: str
    kettei: TsushoKettei | JiritsuKettei

    @property
    def pk(self) -> int:
        return int(self.kettei.pk)

    @property
    def record_type(self) -> str:
        return f"fukushi.{type(self.kettei).__name__}"

    @property
    def atena_ids(self) -> list[int]:
        k = self.kettei
        if isinstance(k, TsushoKettei):
            return [k.atena_id, k.hogosha_atena_id]
        return [k.atena_id]

    @property
    def seido_label(self) -> str:
        return str(JogenSeido(self.seido).label)

    def in_period(self, ym: date) -> bool:
        k = self.kettei
        return bool(
            k.jotai in OPEN_OR_ENDED[JogenSeido(self.seido)]
            and k.kikan_kaishi
            and k.kikan_shuryo
            and k.kikan_kaishi <= _month_end(ym)
            and k.kikan_shuryo >= ym
        )

    def month_terms(self, ym: date) -> tuple[int, int, list[str]]:
        """(上限, share of the 総費用 in %, words) for the month ``ym``."""
        k = self.kettei
        if k.futan_jogen is None:
            raise JogenRefused([("", "負担上限月額が決まっていません。")])
        if isinstance(k, TsushoKettei):
            jogen = futan_on(k, ym)
            assert jogen is not None
            words = [f"給付決定の負担上限月額 {k.futan_jogen:,}円"]
            if jogen != k.futan_jogen:
                words.append(
                    f"就学前の無償化の期間（{format_wareki(k.mushoka_kaishi)}から"  # type: ignore[arg-type]
                    f"{format_wareki(k.mushoka_shuryo)}まで）のため負担上限月額は0円"  # type: ignore[arg-type]
                )
            if k.tashi_dai > 1:
                words.append(f"多子軽減 第{k.tashi_dai}子: 総費用額の{k.futan_ritsu}％")
            return jogen, int(k.futan_ritsu), words
        key = "fukushi.jiritsu.futan_ritsu"
        try:
            ritsu = int(param_value(key, fiscal_year_of(ym)))
        except ParameterMissing as exc:
            raise JogenRefused(
                [("", f"「{key}」の値が{fiscal_year_of(ym)}年度について登録されていません。")]
            ) from exc
        return int(k.futan_jogen), ritsu, [f"支給決定の負担上限月額 {k.futan_jogen:,}円"]


def jukyusha_get(seido: str, pk: int) -> Jukyusha:
    if seido == JogenSeido.TSUSHO:
        k: TsushoKettei | JiritsuKettei | None = TsushoKettei.objects.filter(pk=pk).first()
    elif seido == JogenSeido.JIRITSU:
        k = JiritsuKettei.objects.filter(pk=pk).first()
    else:
        k = None
    if k is None:
        raise JogenRefused([("", "支給決定が見つかりません。")])
    return Jukyusha(seido, k)


def _by_bango(seido: str, bango: str) -> Jukyusha | None:
    model: type[TsushoKettei] | type[JiritsuKettei] = (
        TsushoKettei if seido == JogenSeido.TSUSHO else JiritsuKettei
    )
    k = model.objects.filter(jukyusha_bango=bango).first()
    return Jukyusha(seido, k) if k is not None else None


def _log(
    actor: Actor, action: str, j: Jukyusha, record_type: str, pk: int, purpose: str = "", **kw: Any
) -> None:
    access_record(
        actor=actor,
        action=action,
        purpose=purpose[:200],
        gyomu=SHOGAISHA_FUKUSHI,
        screen="fukushi.jogen_kanri",
        record_type=record_type,
        record_id=pk,
        detail={"atena_ids": j.atena_ids, "seido": j.seido, "kettei_id": j.pk, **kw},
    )


def _jigyosho_errors(bango: str, mei: str) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    if len(bango) != 10 or not bango.isdigit():
        errors.append(("jigyosho_bango", "事業所番号は10桁の数字にしてください。"))
    if not mei.strip() or len(mei) > 100:
        errors.append(("jigyosho_mei", "事業所名を100文字までで入力してください。"))
    elif problem := text_problem(mei, label="事業所名"):
        errors.append(("jigyosho_mei", problem))
    return errors


def kanri_jigyosho_on(j: Jukyusha, ym: date) -> JogenKanriJigyosho | None:
    """The 上限額管理事業所 of the decision in the month ``ym`` (the latest row from it)."""
    return (
        JogenKanriJigyosho.objects.filter(seido=j.seido, kettei_id=j.pk, kaishi_ym__lte=ym)
        .order_by("-kaishi_ym")
        .first()
    )


def kanri_words(seido: str, k: TsushoKettei | JiritsuKettei, day: date) -> str:
    """The 上限額管理事業所 as the 受給者証 prints it on ``day`` (なし when none)."""
    row = kanri_jigyosho_on(Jukyusha(seido, k), day.replace(day=1))
    if row is None:
        return "なし"
    return f"{row.jigyosho_mei}（事業所番号 {row.jigyosho_bango}）{nengetsu(row.kaishi_ym)}から"


def kanri_jigyosho_set(
    *, seido: str, pk: int, kaishi: date, bango: str, mei: str, actor: Actor, purpose: str = ""
) -> JogenKanriJigyosho:
    """Record the 上限額管理事業所 of a decision from the month of ``kaishi`` (a later month's
    row takes over from that month; the same month is replaced)."""
    ym = kaishi.replace(day=1)
    bango, mei = bango.strip(), mei.strip()
    with transaction.atomic(durable=True):
        j = jukyusha_get(seido, pk)
        errors = _jigyosho_errors(bango, mei)
        if not j.in_period(ym):
            errors.append(("kaishi", f"{nengetsu(ym)}は支給決定期間に含まれていません。"))
        if errors:
            raise JogenRefused(errors)
        row, _ = JogenKanriJigyosho.objects.update_or_create(
            seido=seido,
            kettei_id=pk,
            kaishi_ym=ym,
            defaults={"jigyosho_bango": bango, "jigyosho_mei": mei, "created_by": actor.username},
        )
        _log(actor, AccessAction.UPDATE, j, j.record_type, j.pk, purpose,
             kind="jogen_kanri_jigyosho")  # fmt: skip
    return row


def _kakutei(
    j: Jukyusha, ym: date, rows: list[Getsugaku], actor: Actor, torikomi: str, purpose: str = ""
) -> JogenKanriKekka:
    if not j.in_period(ym):
        raise JogenRefused([("teikyo_ym", f"{nengetsu(ym)}は支給決定期間に含まれていません。")])
    kanri = kanri_jigyosho_on(j, ym)
    if kanri is None:
        raise JogenRefused(
            [("teikyo_ym", f"{nengetsu(ym)}の上限額管理事業所が登録されていません。")]
        )
    errors = jogen_kanri_errors(rows, kanri.jigyosho_bango)
    if errors:
        raise JogenRefused(errors)
    jogen, ritsu, words = j.month_terms(ym)
    result: Kanri = jogen_kanri(jogen=jogen, ritsu=ritsu, kanri_bango=kanri.jigyosho_bango,
                                rows=rows)  # fmt: skip
    mae = JogenKanriKekka.objects.filter(seido=j.seido, kettei_id=j.pk, teikyo_ym=ym).first()
    if mae is not None:
        # the month entered again: the new result replaces it; what it was stays in words
        words.append(
            f"作り直し（前の結果 {mae.kekka}、合計 "
            f"{sum(m.futan_kettei for m in mae.meisai.all()):,}円、"
            f"{format_wareki(mae.created_at.date())} {mae.created_by}）"
        )
        mae.delete()
    kekka = JogenKanriKekka.objects.create(
        seido=j.seido,
        kettei_id=j.pk,
        teikyo_ym=ym,
        jigyosho_bango=kanri.jigyosho_bango,
        jigyosho_mei=kanri.jigyosho_mei,
        jogen=result.jogen,
        futan_ritsu=ritsu,
        kekka=result.kekka,
        konkyo=[*words, *result.riyu],
        torikomi=torikomi[:100],
        created_by=actor.username,
    )
    JogenKanriMeisai.objects.bulk_create(
        JogenKanriMeisai(
            kekka_ref=kekka,
            junban=n,
            jigyosho_bango=r.bango,
            jigyosho_mei=r.mei,
            kanri=r.kanri,
            sohiyo=r.sohiyo,
            futan_nyuryoku=r.nyuryoku,
            futan_santei=r.santei,
            futan_kettei=r.kettei,
        )
        for n, r in enumerate(result.rows, start=1)
    )
    _log(actor, AccessAction.CREATE, j, KEKKA_TYPE, kekka.pk, purpose, kekka=result.kekka)
    return kekka


def jogen_kanri_kakutei(
    *,
    seido: str,
    pk: int,
    teikyo: date,
    rows: list[Getsugaku],
    actor: Actor,
    purpose: str = "",
) -> JogenKanriKekka:
    """The 上限額管理結果 of the month of ``teikyo`` from the rows entered on the screen or
    sent to the API (``purpose``: the 利用目的 the clerk gave, kept on the access-log row)."""
    with transaction.atomic(durable=True):
        return _kakutei(jukyusha_get(seido, pk), teikyo.replace(day=1), rows, actor, "", purpose)


@dataclass(frozen=True)
class MeisaiRow:
    gyo: int
    bango: str
    ym: date
    row: Getsugaku


def _month(text: str) -> date | None:
    if len(text) != 6 or not text.isdigit():
        return None
    y, m = int(text[:4]), int(text[4:])
    return date(y, m, 1) if 1 <= m <= 12 and y >= 2006 else None


def parse_meisai(data: bytes) -> list[MeisaiRow]:
    """The lines of a 上限額管理 file (layout in the module); JogenRefused naming every bad
    line and field."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise JogenRefused([("file", "ファイルは UTF-8 の CSV にしてください。")]) from exc
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or [c.strip() for c in rows[0]] != HEADER:
        raise JogenRefused([("file", "1行目は「" + ",".join(HEADER) + "」にしてください。")])
    if len(rows) - 1 > MAX_LINES:
        raise JogenRefused([("file", f"1つのファイルは{MAX_LINES:,}行までです。")])
    out: list[MeisaiRow] = []
    errors: list[tuple[str, str]] = []
    for no, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(HEADER):
            errors.append(("file", f"{no}行目：項目の数が{len(HEADER)}ではありません。"))
            continue
        bango, ym_s, jbango, mei, sohiyo_s, futan_s = (c.strip() for c in cells)
        ym = _month(ym_s)
        bad = []
        if not bango or len(bango) > 10 or not bango.isalnum():
            bad.append("受給者証番号")
        if ym is None:
            bad.append("サービス提供年月（YYYYMM）")
        if len(jbango) != 10 or not jbango.isdigit():
            bad.append("事業所番号（10桁の数字）")
        if not mei or len(mei) > 100 or text_problem(mei, label="事業所名"):
            bad.append("事業所名")
        if not sohiyo_s.isdigit() or int(sohiyo_s) > 100_000_000:
            bad.append("総費用額（0以上の整数）")
        if futan_s and (not futan_s.isdigit() or int(futan_s) > int(sohiyo_s or "0")):
            bad.append("利用者負担額（総費用額以下の0以上の整数）")
        if bad:
            errors.append(("file", f"{no}行目：" + "・".join(bad) + "が正しくありません。"))
            continue
        assert ym is not None
        g = Getsugaku(jbango, mei, int(sohiyo_s), int(futan_s) if futan_s else None)
        out.append(MeisaiRow(no, bango, ym, g))
    if errors:
        raise JogenRefused(errors[:50])
    if not out:
        raise JogenRefused([("file", "明細がありません。")])
    return out


def jogen_kanri_torikomi(
    *, seido: str, data: bytes, filename: str, actor: Actor, purpose: str = ""
) -> list[JogenKanriKekka]:
    """Import a file: one 上限額管理結果 per 受給者証番号 and month. Any refused group refuses the
    whole file (nothing written) with the lines it came from."""
    lines = parse_meisai(data)
    groups: dict[tuple[str, date], list[MeisaiRow]] = defaultdict(list)
    for r in lines:
        groups[(r.bango, r.ym)].append(r)
    out: list[JogenKanriKekka] = []
    errors: list[tuple[str, str]] = []
    with transaction.atomic(durable=True):
        for (bango, ym), rs in groups.items():
            where = "・".join(str(r.gyo) for r in rs) + "行目"
            j = _by_bango(seido, bango)
            if j is None:
                errors.append(
                    (
                        "file",
                        f"{where}：受給者証番号（{JogenSeido(seido).label}）が見つかりません。",
                    )
                )
                continue
            try:
                with transaction.atomic():
                    out.append(_kakutei(j, ym, [r.row for r in rs], actor, filename, purpose))
            except JogenRefused as exc:
                errors.extend(("file", f"{where}：{m}") for _, m in exc.errors)
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise JogenRefused(errors[:50])
    return out
