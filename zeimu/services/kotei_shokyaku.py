"""償却資産: the 申告 (償却資産申告書 with its 種類別明細書) and the 試算 of one asset.

:func:`kotei_shokyaku_shinkoku` records a business owner's 申告 for a 年度: the assets it
adds (増加) and the assets it removes (減少) — all or nothing, every bad line reported
by its number and field in Japanese (:class:`ShokyakuRefused`). :func:`shokyaku_shisan_hyoka`
values assets for a 年度 without saving anything (the 試算 screen and API, and the
assessment through :func:`shokyaku_results`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q

from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.params.services import ParameterMissing, param_value
from tenants.text import text_problem
from tenants.wareki import format_nendo, format_wareki_year
from zeimu.gyomu import KOTEI_SHISANZEI
from zeimu.models import (
    GenshoJiyu,
    KoteiNozeisha,
    KoteiShokyakuShinkoku,
    KoteiShokyakuShisan,
    ShisanShurui,
    ZokaJiyu,
)
from zeimu.rules.kotei_shokyaku import (
    ShisanInput,
    ShisanResult,
    ShokyakuParams,
    first_nendo,
    shisan_compute,
)

__all__ = [
    "PARAMS_MISSING",
    "SHINKOKU_RECORD",
    "ShokyakuLine",
    "ShokyakuRefused",
    "held_filter",
    "kotei_shokyaku_shinkoku",
    "shokyaku_line_errors",
    "shokyaku_params",
    "shokyaku_results",
    "shokyaku_shisan_hyoka",
]

GYOMU = KOTEI_SHISANZEI
SHINKOKU_RECORD = "zeimu.KoteiShokyakuShinkoku"
#: the largest 取得価額 a line may state (a BigIntegerField would hold more; no real asset
#: line of a town's 申告 comes near 1兆円, so a larger figure is a typing error)
KAKAKU_MAX = 999_999_999_999


#: what reading the year's table may raise when it is not registered (or malformed)
PARAMS_MISSING = (ParameterMissing, LookupError, TypeError, ValueError)


class ShokyakuRefused(Exception):
    """A 申告 that may not be recorded: ``errors`` are {"line", "field", "message"} (line 0:
    the 申告書 itself), in Japanese."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e["message"]) for e in errors))


@dataclass(frozen=True)
class ShokyakuLine:
    """One asset line of the 種類別明細書 (増加)."""

    shurui: int
    meisho: str
    suryo: int
    shutoku_year: int
    shutoku_month: int
    shutoku_kakaku: int
    taiyo_nensu: int
    zoka_jiyu: str = ZokaJiyu.SHINPIN
    tokurei: str = ""


def shokyaku_params(fiscal_year: int) -> ShokyakuParams:
    return ShokyakuParams.build(fiscal_year, param_value)


def held_filter(fiscal_year: int, prefix: str = "") -> Q:
    """Assets held on the 賦課期日 of ``fiscal_year``: acquired before that year, not
    declared gone in a 申告 of that year or earlier."""
    return Q(**{f"{prefix}shutoku_year__lt": fiscal_year}) & (
        Q(**{f"{prefix}gensho_nendo__isnull": True})
        | Q(**{f"{prefix}gensho_nendo__gt": fiscal_year})
    )


def shokyaku_line_errors(
    lines: Sequence[ShokyakuLine], *, fiscal_year: int, params: ShokyakuParams
) -> list[dict[str, Any]]:
    """Every problem of the lines, by line number (from 1) and field, in Japanese."""
    errors: list[dict[str, Any]] = []

    def bad(n: int, field: str, message: str) -> None:
        errors.append({"line": n, "field": field, "message": f"{n}行目: {message}"})

    for n, ln in enumerate(lines, start=1):
        if ln.shurui not in ShisanShurui.values:
            bad(n, "shurui", "資産の種類は1〜6（構築物〜工具・器具及び備品）で指定してください。")
        meisho = (ln.meisho or "").strip()
        if not meisho:
            bad(n, "meisho", "資産の名称を入力してください。")
        elif len(meisho) > 60:
            bad(n, "meisho", "資産の名称は60文字以内で入力してください。")
        elif problem := text_problem(meisho, label="資産の名称"):
            bad(n, "meisho", problem)
        if ln.suryo < 1:
            bad(n, "suryo", "数量は1以上で入力してください。")
        if not 1 <= ln.shutoku_month <= 12:
            bad(n, "shutoku_month", "取得月は1〜12で入力してください。")
        if ln.shutoku_year < 1900:
            bad(n, "shutoku_year", "取得年を正しく入力してください。")
        elif ln.shutoku_year >= fiscal_year:
            bad(
                n,
                "shutoku_year",
                f"{format_nendo(fiscal_year)}の申告の資産は"
                f"{format_wareki_year(fiscal_year - 1)}12月までの取得です"
                "（1月1日の取得は前年12月として申告してください）。",
            )
        if not 0 < ln.shutoku_kakaku <= KAKAKU_MAX:
            bad(n, "shutoku_kakaku", "取得価額は1円以上で入力してください（上限9,999億円）。")
        if ln.taiyo_nensu not in params.genka:
            lo, hi = min(params.genka), max(params.genka)
            bad(n, "taiyo_nensu", f"耐用年数は{lo}〜{hi}年で入力してください。")
        if ln.zoka_jiyu not in ZokaJiyu.values:
            bad(n, "zoka_jiyu", "増加事由を選んでください。")
        if ln.tokurei and ln.tokurei not in params.tokurei:
            bad(n, "tokurei", "課税標準の特例の区分が不明です。")
    return errors


def kotei_shokyaku_shinkoku(
    *,
    nozeisha_id: int,
    fiscal_year: int,
    shinkoku_date: date,
    shozai: str,
    jigyo_shumoku: str = "",
    zoka: Sequence[ShokyakuLine] = (),
    gensho: Sequence[tuple[int, str]] = (),
    actor: Actor,
) -> KoteiShokyakuShinkoku:
    """Record the 申告 of ``fiscal_year`` (a second call for the same year is a 修正申告:
    its lines are added to the same 申告). ``gensho`` is (asset id, 減少事由) of assets
    declared before. Nothing is written when anything is wrong."""
    errors: list[dict[str, Any]] = []

    def head(field: str, message: str) -> None:
        errors.append({"line": 0, "field": field, "message": message})

    try:
        params = shokyaku_params(fiscal_year)
    except PARAMS_MISSING as exc:
        raise ShokyakuRefused(
            [{"line": 0, "field": "fiscal_year",
              "message": f"{format_nendo(fiscal_year)}の減価率表が登録されていません。"}]
        ) from exc  # fmt: skip
    shozai = (shozai or "").strip()
    if not shozai:
        head("shozai", "資産の所在地を入力してください。")
    elif len(shozai) > 100:
        head("shozai", "資産の所在地は100文字以内で入力してください。")
    elif problem := text_problem(shozai, label="資産の所在地"):
        head("shozai", problem)
    jigyo_shumoku = (jigyo_shumoku or "").strip()
    if len(jigyo_shumoku) > 60:
        head("jigyo_shumoku", "事業種目は60文字以内で入力してください。")
    elif problem := text_problem(jigyo_shumoku, label="事業種目"):
        head("jigyo_shumoku", problem)
    if not (zoka or gensho):
        head("zoka", "増加または減少の資産を1件以上入力してください。")
    errors += shokyaku_line_errors(zoka, fiscal_year=fiscal_year, params=params)
    with transaction.atomic(durable=True):
        nozeisha = KoteiNozeisha.objects.select_for_update().filter(pk=nozeisha_id).first()
        if nozeisha is None:
            head("nozeisha", "納税義務者が見つかりません。")
            raise ShokyakuRefused(errors)
        gone_ids = [int(i) for i, _ in gensho]
        held = {
            a.pk: a
            for a in KoteiShokyakuShisan.objects.select_for_update().filter(
                pk__in=gone_ids, nozeisha_id=nozeisha_id
            )
        }
        for n, (shisan_id, jiyu) in enumerate(gensho, start=1):
            a = held.get(int(shisan_id))

            def gone_bad(field: str, message: str, n: int = n) -> None:
                errors.append({"line": n, "field": field, "message": f"減少{n}件目: {message}"})

            if a is None:
                gone_bad("gensho", "この納税義務者の資産ではありません。")
            elif a.gensho_nendo is not None:
                gone_bad("gensho", "既に減少を申告した資産です。")
            elif first_nendo(a.shutoku_year) > fiscal_year:
                gone_bad("gensho", "この年度にはまだ課税されていない資産です。")
            if jiyu not in GenshoJiyu.values:
                gone_bad("gensho_jiyu", "減少事由を選んでください。")
        if len(set(gone_ids)) != len(gone_ids):
            head("gensho", "同じ資産の減少が重複しています。")
        if errors:
            raise ShokyakuRefused(errors)
        shinkoku, created = KoteiShokyakuShinkoku.objects.get_or_create(
            nozeisha_id=nozeisha_id,
            fiscal_year=fiscal_year,
            defaults={
                "shinkoku_date": shinkoku_date,
                "shozai": shozai,
                "jigyo_shumoku": jigyo_shumoku,
                "created_by": actor.username,
            },
        )
        if not created:
            shinkoku.shinkoku_date = shinkoku_date
            shinkoku.shozai = shozai
            shinkoku.jigyo_shumoku = jigyo_shumoku
            shinkoku.save(update_fields=["shinkoku_date", "shozai", "jigyo_shumoku"])
        KoteiShokyakuShisan.objects.bulk_create(
            KoteiShokyakuShisan(
                nozeisha_id=nozeisha_id,
                shinkoku=shinkoku,
                shurui=ln.shurui,
                meisho=ln.meisho.strip(),
                suryo=ln.suryo,
                shutoku_year=ln.shutoku_year,
                shutoku_month=ln.shutoku_month,
                shutoku_kakaku=ln.shutoku_kakaku,
                taiyo_nensu=ln.taiyo_nensu,
                zoka_jiyu=ln.zoka_jiyu,
                tokurei=ln.tokurei,
            )
            for ln in zoka
        )
        for shisan_id, jiyu in gensho:
            a = held[int(shisan_id)]
            a.gensho_nendo = fiscal_year
            a.gensho_jiyu = jiyu
            a.save(update_fields=["gensho_nendo", "gensho_jiyu"])
        access_record(
            actor=actor,
            action=AccessAction.CREATE if created else AccessAction.UPDATE,
            gyomu=GYOMU,
            screen="zeimu.kotei_shokyaku",
            record_type=SHINKOKU_RECORD,
            record_id=shinkoku.pk,
            detail={
                "nozeisha_id": nozeisha_id,
                "fiscal_year": fiscal_year,
                "zoka": len(zoka),
                "gensho": gone_ids,
            },
        )
    return shinkoku


def shokyaku_shisan_hyoka(
    lines: Sequence[ShokyakuLine], *, fiscal_year: int
) -> tuple[list[ShisanResult], list[dict[str, Any]]]:
    """試算: the 評価額 and 課税標準額 of ``lines`` for ``fiscal_year``; nothing is saved.
    Answers (results, errors); with errors there are no results."""
    params = shokyaku_params(fiscal_year)
    errors = shokyaku_line_errors(lines, fiscal_year=fiscal_year, params=params)
    if errors:
        return [], errors
    return [
        shisan_compute(
            ShisanInput(
                shisan_id=n,
                shutoku_year=ln.shutoku_year,
                shutoku_kakaku=ln.shutoku_kakaku,
                taiyo_nensu=ln.taiyo_nensu,
                tokurei=ln.tokurei,
            ),
            fiscal_year,
            params,
        )
        for n, ln in enumerate(lines, start=1)
    ], []


_SHURUI = {k: str(v) for k, v in ShisanShurui.choices}


def shokyaku_results(
    nozeisha_ids: Sequence[int], fiscal_year: int, params: ShokyakuParams
) -> dict[int, list[tuple[dict[str, Any], ShisanResult]]]:
    """納税義務者 id → [(課税明細 row, result)] of the assets held on the year's 賦課期日
    (one query)."""
    out: dict[int, list[tuple[dict[str, Any], ShisanResult]]] = defaultdict(list)
    for a in (
        KoteiShokyakuShisan.objects.filter(held_filter(fiscal_year), nozeisha_id__in=nozeisha_ids)
        .order_by("nozeisha_id", "shurui", "shutoku_year", "shutoku_month", "id")
        .only(
            "nozeisha_id",
            "shurui",
            "meisho",
            "suryo",
            "shutoku_year",
            "shutoku_month",
            "shutoku_kakaku",
            "taiyo_nensu",
            "tokurei",
        )
    ):
        r = shisan_compute(
            ShisanInput(
                shisan_id=a.pk,
                shutoku_year=a.shutoku_year,
                shutoku_kakaku=a.shutoku_kakaku,
                taiyo_nensu=a.taiyo_nensu,
                tokurei=a.tokurei,
            ),
            fiscal_year,
            params,
        )
        row = {
            "shisan_id": a.pk,
            "shurui": _SHURUI[a.shurui],
            "meisho": a.meisho,
            "suryo": a.suryo,
            "shutoku": f"{a.shutoku_year}-{a.shutoku_month:02d}",
            "shutoku_kakaku": a.shutoku_kakaku,
            "taiyo_nensu": a.taiyo_nensu,
            "hyoka": r.hyoka,
            "hyojun": r.hyojun,
            "saitei": r.saitei,
            "tokurei": r.tokurei,
            "lines": list(r.lines),
        }
        out[a.nozeisha_id].append((row, r))
    return out
