"""固定資産税・都市計画税: the ledger's writes, the assessment (当初 job and 更正 share it),
更正 and 減免.

:class:`KoteiYear` reads the year's law and 条例 values once; :func:`assess_many` builds
the unsaved :class:`~zeimu.models.KoteiFuka` rows of a list of 納税義務者 with a fixed
number of queries (their parcels and houses with this year's 価格, last year's 課税明細 for
the 前年度課税標準額). :func:`kotei_kosei` recomputes one 納税義務者 from the ledger as it is
now; :func:`kotei_genmen` records a 減免 (a reason and an amount) as a new version. Both
keep the previous version, marked superseded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import orjson
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.fields import json_text
from tenants.jobs.bulk import copy_insert, raw_cursor
from tenants.params.services import param_value
from zeimu.gyomu import KOTEI_SHISANZEI
from zeimu.models import (
    Chimoku,
    KaokuKozo,
    KaokuShurui,
    KoteiFuka,
    KoteiFukaKind,
    KoteiKaoku,
    KoteiKaokuKakaku,
    KoteiKyoyusha,
    KoteiNozeisha,
    KoteiTochi,
    KoteiTochiKakaku,
    NozeishaKind,
    YochiKubun,
    is_chukoso,
)
from zeimu.rules.kotei import (
    KaokuInput,
    KoteiParams,
    TochiInput,
    kaoku_compute,
    kotei_kibetsu,
    nozeisha_compute,
    tochi_compute,
)
from zeimu.rules.kotei_shokyaku import ShisanResult
from zeimu.services.common import kosei_nouki_problem
from zeimu.services.kotei_chotei import kotei_chotei_post_kosei
from zeimu.services.kotei_shokyaku import shokyaku_results

__all__ = [
    "RECORD_TYPE",
    "KoteiRefused",
    "KoteiYear",
    "assess_many",
    "assess_rows",
    "copy_in",
    "kotei_genmen",
    "kotei_kaoku_register",
    "kotei_kosei",
    "kotei_nozeisha_register",
    "kotei_tochi_register",
]

GYOMU = KOTEI_SHISANZEI
RECORD_TYPE = "zeimu.KoteiFuka"


class KoteiRefused(Exception):
    """A write that may not be made; the message is Japanese, for the clerk."""


# --- the ledger ------------------------------------------------------------------------


def kotei_nozeisha_register(
    *, owners: Sequence[tuple[int, int, int]], daihyo_atena_id: int, actor: Actor
) -> KoteiNozeisha:
    """The 納税義務者 of ``owners`` ((宛名 id, 持分 分子, 分母), …): the existing one with
    exactly these owners, else a new one. The 持分 must add up to 1."""
    ids = sorted({a for a, _, _ in owners})
    if not ids or len(ids) != len(owners):
        raise KoteiRefused("所有者を重複なく1人以上指定してください。")
    if daihyo_atena_id not in ids:
        raise KoteiRefused("代表者は所有者の中から選んでください。")
    from fractions import Fraction

    if sum(Fraction(n, d) for _, n, d in owners) != 1:
        raise KoteiRefused("持分の合計が1になりません。")
    with transaction.atomic(durable=True):
        for cand in KoteiNozeisha.objects.filter(owners__atena_id=ids[0]).distinct():
            if sorted(cand.owners.values_list("atena_id", flat=True)) == ids:
                return cand
        nozeisha = KoteiNozeisha.objects.create(
            kind=NozeishaKind.TANDOKU if len(ids) == 1 else NozeishaKind.KYOYU,
            daihyo_id=daihyo_atena_id,
        )
        KoteiKyoyusha.objects.bulk_create(
            KoteiKyoyusha(
                nozeisha=nozeisha,
                atena_id=a,
                mochibun_bunshi=n,
                mochibun_bunbo=d,
                is_daihyo=a == daihyo_atena_id,
            )
            for a, n, d in owners
        )
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=GYOMU,
            screen="zeimu.kotei_daicho",
            record_type="zeimu.KoteiNozeisha",
            record_id=nozeisha.pk,
            detail={"atena_ids": ids},
        )
    return nozeisha


def kotei_tochi_register(
    *, nozeisha: KoteiNozeisha, kakaku: dict[int, int], actor: Actor, **fields: Any
) -> KoteiTochi:
    """A parcel and its 価格 by 年度 ({fiscal_year: 価格}); ``fields`` are the model's
    (shozai, chiban, toki_chimoku, genkyo_chimoku, chiseki, yochi_kubun, jutaku_kosu,
    shigaika)."""
    with transaction.atomic(durable=True):
        tochi = KoteiTochi.objects.create(nozeisha=nozeisha, **fields)
        KoteiTochiKakaku.objects.bulk_create(
            KoteiTochiKakaku(tochi=tochi, fiscal_year=fy, kakaku=v) for fy, v in kakaku.items()
        )
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=GYOMU,
            screen="zeimu.kotei_daicho",
            record_type="zeimu.KoteiTochi",
            record_id=tochi.pk,
        )
    return tochi


def kotei_kaoku_register(
    *, nozeisha: KoteiNozeisha, kakaku: dict[int, int], actor: Actor, **fields: Any
) -> KoteiKaoku:
    with transaction.atomic(durable=True):
        kaoku = KoteiKaoku.objects.create(nozeisha=nozeisha, **fields)
        KoteiKaokuKakaku.objects.bulk_create(
            KoteiKaokuKakaku(kaoku=kaoku, fiscal_year=fy, kakaku=v) for fy, v in kakaku.items()
        )
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=GYOMU,
            screen="zeimu.kotei_daicho",
            record_type="zeimu.KoteiKaoku",
            record_id=kaoku.pk,
        )
    return kaoku


# --- assessment ------------------------------------------------------------------------


@dataclass(frozen=True)
class KoteiYear:
    fiscal_year: int
    params: KoteiParams

    @classmethod
    def build(cls, fiscal_year: int) -> KoteiYear:
        return cls(fiscal_year, KoteiParams.build(fiscal_year, param_value))

    @property
    def fuka_kijitsu(self) -> date:
        """賦課期日 (地方税法第359条)."""
        return date(self.fiscal_year, 1, 1)


def _previous_hyojun(nozeisha_ids: Sequence[int], fiscal_year: int) -> dict[int, tuple[int, int]]:
    """tochi id → (固定, 都計) 課税標準額 of last year's current assessments (one query)."""
    out: dict[int, tuple[int, int]] = {}
    with raw_cursor() as cur:
        cur.execute(
            "SELECT meisai FROM zeimu_koteifuka"
            " WHERE fiscal_year = %s AND is_current AND nozeisha_id = ANY(%s)",
            [fiscal_year - 1, list(nozeisha_ids)],
        )
        rows = [orjson.loads(text) for (text,) in cur.fetchall()]
    for meisai in rows:
        for t in meisai.get("tochi", []):
            out[int(t["tochi_id"])] = (int(t["hyojun_kotei"]), int(t["hyojun_toshi"]))
    return out


# labels by code, looked up once (get_FOO_display costs ≈ 0.1 ms a call, four per taxpayer)
_CHIMOKU = {k: str(v) for k, v in Chimoku.choices}
_KUBUN = {k: str(v) for k, v in YochiKubun.choices}
_SHURUI = {k: str(v) for k, v in KaokuShurui.choices}
_KOZO = {k: str(v) for k, v in KaokuKozo.choices}


@dataclass(frozen=True, slots=True)
class _Tochi:
    """A parcel as the assessment reads it (one row of the chunk's query, no model)."""

    pk: int
    shozai: str
    chiban: str
    genkyo_chimoku: str
    chiseki: Decimal
    yochi_kubun: str
    jutaku_kosu: int
    shigaika: bool


@dataclass(frozen=True, slots=True)
class _TochiKakaku:
    kakaku: int
    zennen_kotei: int | None
    zennen_toshi: int | None


@dataclass(frozen=True, slots=True)
class _Kaoku:
    """A house as the assessment reads it."""

    pk: int
    shozai: str
    kaoku_bango: str
    shurui: str
    kozo: str
    yuka_menseki: Decimal
    kyoju_menseki: Decimal
    kosu: int
    shinchiku_date: date
    chukoso: bool
    choki_yuryo: bool
    kashiya_kyodo: bool
    shigaika: bool


# the ORDER BY of each is the order the 明細 lists them in (所在, then 地番 / 家屋番号)
_TOCHI_SQL = """
SELECT t.nozeisha_id, t.id, t.shozai, t.chiban, t.genkyo_chimoku, t.chiseki, t.yochi_kubun,
       t.jutaku_kosu, t.shigaika, k.kakaku, k.zennen_kotei, k.zennen_toshi
  FROM zeimu_koteitochikakaku k JOIN zeimu_koteitochi t ON t.id = k.tochi_id
 WHERE k.fiscal_year = %s AND t.nozeisha_id = ANY(%s)
 ORDER BY t.shozai, t.chiban
"""
_KAOKU_SQL = """
SELECT h.nozeisha_id, h.id, h.shozai, h.kaoku_bango, h.shurui, h.kozo, h.yuka_menseki,
       h.kyoju_menseki, h.kosu, h.shinchiku_date, h.kaisu, h.choki_yuryo, h.kashiya_kyodo,
       h.shigaika, k.kakaku
  FROM zeimu_koteikaokukakaku k JOIN zeimu_koteikaoku h ON h.id = k.kaoku_id
 WHERE k.fiscal_year = %s AND h.nozeisha_id = ANY(%s)
 ORDER BY h.shozai, h.kaoku_bango
"""


def _ledger_rows(
    fiscal_year: int, ids: list[int]
) -> tuple[dict[int, list[tuple[_Tochi, _TochiKakaku]]], dict[int, list[tuple[_Kaoku, int]]]]:
    """The parcels and houses of ``ids`` priced for the year, by 納税義務者 (two queries,
    plain rows)."""
    tochi: dict[int, list[tuple[_Tochi, _TochiKakaku]]] = defaultdict(list)
    kaoku: dict[int, list[tuple[_Kaoku, int]]] = defaultdict(list)
    with raw_cursor() as cur:
        cur.execute(_TOCHI_SQL, [fiscal_year, ids])
        for (
            n,
            pk,
            shozai,
            chiban,
            chimoku,
            chiseki,
            kubun,
            kosu,
            shigaika,
            kakaku,
            zk,
            zt,
        ) in cur.fetchall():
            tochi[n].append(
                (
                    _Tochi(pk, shozai, chiban, chimoku, chiseki, kubun, kosu, shigaika),
                    _TochiKakaku(kakaku, zk, zt),
                )
            )
        cur.execute(_KAOKU_SQL, [fiscal_year, ids])
        for row in cur.fetchall():
            n, pk, shozai, bango, shurui, kozo, yuka, kyoju, kosu, built, kaisu = row[:11]
            choki, kashiya, shigaika, kakaku = row[11:]
            kaoku[n].append(
                (
                    _Kaoku(
                        pk,
                        shozai,
                        bango,
                        shurui,
                        kozo,
                        yuka,
                        kyoju,
                        kosu,
                        built,
                        is_chukoso(kaisu, kozo),
                        choki,
                        kashiya,
                        shigaika,
                    ),
                    kakaku,
                )
            )
    return tochi, kaoku


def _row(
    year: KoteiYear,
    nozeisha_id: int,
    tochi: Sequence[tuple[KoteiTochi | _Tochi, KoteiTochiKakaku | _TochiKakaku]],
    kaoku: Sequence[tuple[KoteiKaoku | _Kaoku, int]],
    prev: dict[int, tuple[int, int]],
    shokyaku: Sequence[tuple[dict[str, Any], ShisanResult]] = (),
) -> dict[str, Any]:
    """The fields of one 納税義務者's assessment (a ``KoteiFuka`` is made of them only where
    a model is needed: the job COPYs them as they are)."""
    p = year.params
    t_results = []
    for t, k in tochi:
        zk, zt = k.zennen_kotei, k.zennen_toshi
        if zk is None and t.pk in prev:
            zk = prev[t.pk][0]
        if zt is None and t.pk in prev and prev[t.pk][1]:
            zt = prev[t.pk][1]
        t_results.append(
            (
                t,
                tochi_compute(
                    TochiInput(
                        tochi_id=t.pk,
                        kakaku=k.kakaku,
                        chiseki=Decimal(t.chiseki),
                        kubun=t.yochi_kubun,
                        jutaku_kosu=t.jutaku_kosu,
                        shigaika=t.shigaika,
                        zennen_kotei=zk,
                        zennen_toshi=zt,
                    ),
                    p,
                ),
            )
        )
    h_results = [
        (
            h,
            kaoku_compute(
                KaokuInput(
                    kaoku_id=h.pk,
                    kakaku=v,
                    yuka_menseki=Decimal(h.yuka_menseki),
                    kyoju_menseki=Decimal(h.kyoju_menseki),
                    kosu=h.kosu,
                    shinchiku_date=h.shinchiku_date,
                    chukoso=h.chukoso,
                    choki_yuryo=h.choki_yuryo,
                    kashiya_kyodo=h.kashiya_kyodo,
                    shigaika=h.shigaika,
                ),
                p,
            ),
        )
        for h, v in kaoku
    ]
    z = nozeisha_compute(
        [r for _, r in t_results], [r for _, r in h_results], p, [r for _, r in shokyaku]
    )
    meisai = {
        "tochi": [
            {
                "tochi_id": t.pk,
                "shozai": t.shozai,
                "chiban": t.chiban,
                "chimoku": _CHIMOKU[t.genkyo_chimoku],
                "chiseki": str(t.chiseki),
                "kubun": _KUBUN[t.yochi_kubun],
                "kakaku": r.kakaku,
                "shokibo_menseki": str(r.shokibo_menseki),
                "ippan_menseki": str(r.ippan_menseki),
                "honsoku_kotei": r.honsoku_kotei,
                "honsoku_toshi": r.honsoku_toshi,
                "suijun_kotei": r.suijun_kotei,
                "suijun_toshi": r.suijun_toshi,
                "hyojun_kotei": r.hyojun_kotei,
                "hyojun_toshi": r.hyojun_toshi,
                "lines": list(r.lines),
            }
            for t, r in t_results
        ],
        "kaoku": [
            {
                "kaoku_id": h.pk,
                "shozai": h.shozai,
                "kaoku_bango": h.kaoku_bango,
                "shurui": _SHURUI[h.shurui],
                "kozo": _KOZO[h.kozo],
                "yuka_menseki": str(h.yuka_menseki),
                "shinchiku_date": h.shinchiku_date.isoformat(),
                "kakaku": r.kakaku,
                "hyojun_kotei": r.hyojun_kotei,
                "hyojun_toshi": r.hyojun_toshi,
                "genmen_until": r.genmen_until,
                "lines": list(r.lines),
            }
            for h, r in h_results
        ],
        "shokyaku": [row for row, _ in shokyaku],
    }
    return dict(
        fiscal_year=year.fiscal_year,
        nozeisha_id=nozeisha_id,
        kind=KoteiFukaKind.TOSHO,
        tochi_hyojun=z.tochi_hyojun,
        kaoku_hyojun=z.kaoku_hyojun,
        tochi_menzei=z.tochi_menzei,
        kaoku_menzei=z.kaoku_menzei,
        shokyaku_hyojun=z.shokyaku_hyojun,
        shokyaku_menzei=z.shokyaku_menzei,
        kazei_hyojun_kotei=z.kazei_hyojun_kotei,
        kazei_hyojun_toshi=z.kazei_hyojun_toshi,
        sanshutsu_kotei=z.sanshutsu_kotei,
        shinchiku_genmen=z.shinchiku_genmen,
        kotei_zeigaku=z.kotei_zeigaku,
        toshi_zeigaku=z.toshi_zeigaku,
        nengaku=z.nengaku,
        kibetsu=kotei_kibetsu(z.nengaku, p),
        meisai=meisai,
        lines=list(z.lines),
    )


def assess_rows(
    year: KoteiYear, nozeisha_ids: Sequence[int], *, job_id: int | None
) -> list[dict[str, Any]]:
    """The fields of the assessments of ``nozeisha_ids`` for the year (5 queries), as
    ``copy_in`` writes them. A 納税義務者 with no property priced or 償却資産 held for the
    year gets no row."""
    ids = list(nozeisha_ids)
    tochi, kaoku = _ledger_rows(year.fiscal_year, ids)
    prev = _previous_hyojun(ids, year.fiscal_year)
    sp = year.params.shokyaku
    assets = shokyaku_results(ids, year.fiscal_year, sp) if sp is not None else {}
    rows = []
    for n in ids:
        if not tochi.get(n) and not kaoku.get(n) and not assets.get(n):
            continue
        row = _row(year, n, tochi.get(n, []), kaoku.get(n, []), prev, assets.get(n, ()))
        row["job_id"] = job_id
        rows.append(row)
    return rows


def assess_many(
    year: KoteiYear, nozeisha_ids: Sequence[int], *, job_id: int | None
) -> list[KoteiFuka]:
    """Unsaved assessments of ``nozeisha_ids`` for the year (``assess_rows`` as models)."""
    return [KoteiFuka(**row) for row in assess_rows(year, nozeisha_ids, job_id=job_id)]


COLUMNS = [
    "fiscal_year", "nozeisha_id", "kind", "version", "is_current", "job_id", "tochi_hyojun",
    "kaoku_hyojun", "tochi_menzei", "kaoku_menzei", "shokyaku_hyojun", "shokyaku_menzei",
    "kazei_hyojun_kotei", "kazei_hyojun_toshi", "sanshutsu_kotei", "shinchiku_genmen",
    "kotei_zeigaku", "toshi_zeigaku", "genmen_kotei", "genmen_toshi", "nengaku", "kibetsu",
    "meisai", "lines", "reason", "created_by", "computed_at",
]  # fmt: skip


def copy_in(rows: list[dict[str, Any]], created_by: str) -> int:
    """COPY the rows (``assess_rows``) in; a 納税義務者 assessed already (a chunk run again)
    is skipped by the one-current index (tenants.jobs.bulk.copy_insert)."""
    if not rows:
        return 0
    now = timezone.now()
    return copy_insert(
        KoteiFuka._meta.db_table,
        COLUMNS,
        (
            (r["fiscal_year"], r["nozeisha_id"], r["kind"], 1, True, r["job_id"],
             r["tochi_hyojun"], r["kaoku_hyojun"], r["tochi_menzei"], r["kaoku_menzei"],
             r["shokyaku_hyojun"], r["shokyaku_menzei"],
             r["kazei_hyojun_kotei"], r["kazei_hyojun_toshi"], r["sanshutsu_kotei"],
             r["shinchiku_genmen"], r["kotei_zeigaku"], r["toshi_zeigaku"], 0, 0, r["nengaku"],
             json_text(r["kibetsu"]), json_text(r["meisai"]), json_text(r["lines"]), "",
             created_by, now)
            for r in rows
        ),
        on_conflict="(fiscal_year, nozeisha_id) WHERE is_current DO NOTHING",
    )  # fmt: skip


# --- 更正 and 減免 -----------------------------------------------------------------------

FIGURES = (
    "tochi_hyojun", "kaoku_hyojun", "tochi_menzei", "kaoku_menzei", "shokyaku_hyojun",
    "shokyaku_menzei", "kazei_hyojun_kotei",
    "kazei_hyojun_toshi", "kotei_zeigaku", "toshi_zeigaku", "genmen_kotei", "genmen_toshi",
    "nengaku",
)  # fmt: skip


def _supersede(old: KoteiFuka, new: KoteiFuka, actor: Actor, screen: str) -> KoteiFuka:
    old.is_current = False
    old.save(update_fields=["is_current"])
    new.version = (
        KoteiFuka.objects.filter(
            fiscal_year=old.fiscal_year, nozeisha_id=old.nozeisha_id
        ).aggregate(v=Max("version"))["v"]
        or 0
    ) + 1
    new.is_current = True
    new.created_by = actor.username
    new.save()
    old.superseded_by = new
    old.save(update_fields=["superseded_by"])
    # the difference into the 収納 ledger, in this transaction (a 減免 as 減免 entries)
    kotei_chotei_post_kosei(
        new=new,
        old=old,
        daihyo_id=KoteiNozeisha.objects.values_list("daihyo_id", flat=True).get(pk=old.nozeisha_id),
        on=timezone.localdate(),
        actor=actor,
        genmen=new.kind == KoteiFukaKind.GENMEN,
    )
    access_record(
        actor=actor,
        action=AccessAction.UPDATE,
        gyomu=GYOMU,
        screen=screen,
        record_type=RECORD_TYPE,
        record_id=new.pk,
        detail={"previous": old.pk, "nozeisha_id": old.nozeisha_id},
    )
    return new


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise KoteiRefused("理由を入力してください。")
    if len(reason) > 200:
        raise KoteiRefused("理由は200文字以内で入力してください。")
    return reason


def _with_genmen(row: KoteiFuka, genmen_kotei: int, genmen_toshi: int, p: KoteiParams) -> None:
    """Apply a 減免: the year's tax less the amounts; the 期別 reduced from the last 期
    backward (a 減免 reaches the 納期 not yet come first)."""
    row.genmen_kotei, row.genmen_toshi = genmen_kotei, genmen_toshi
    row.nengaku = row.kotei_zeigaku - genmen_kotei + row.toshi_zeigaku - genmen_toshi
    full = kotei_kibetsu(row.kotei_zeigaku + row.toshi_zeigaku, p)
    cut = genmen_kotei + genmen_toshi
    for ki in reversed(full):
        take = min(cut, ki["amount"])
        ki["amount"] -= take
        cut -= take
    row.kibetsu = full


def kotei_kosei(
    *, fuka_id: int, reason: str, actor: Actor, kosei_nouki: date | None = None
) -> KoteiFuka:
    """更正: the 納税義務者's year assessed again from the ledger as it is now (a 価格 or a
    地目 corrected); a 減免 recorded before stays. ``kosei_nouki``: the 納期限 the 更正通知書
    sets for the tax added — required when the year's tax rises, refused otherwise
    (``zeimu.services.common.kosei_nouki_problem``); the ledger counts the increase's 延滞金
    from the day after it."""
    reason = _reason(reason)
    with transaction.atomic(durable=True):
        old = KoteiFuka.objects.select_for_update().get(pk=fuka_id)
        if not old.is_current:
            raise KoteiRefused("更正済みの賦課です。現在の賦課から更正してください。")
        year = KoteiYear.build(old.fiscal_year)
        rows = assess_many(year, [old.nozeisha_id], job_id=None)
        if not rows:
            raise KoteiRefused(
                "この年度の価格が登録された土地・家屋も、所有する償却資産もありません。"
            )
        new = rows[0]
        genmen_kotei = min(old.genmen_kotei, new.kotei_zeigaku)
        genmen_toshi = min(old.genmen_toshi, new.toshi_zeigaku)
        _with_genmen(new, genmen_kotei, genmen_toshi, year.params)
        if all(getattr(new, f) == getattr(old, f) for f in FIGURES):
            raise KoteiRefused("台帳の内容で計算し直しても税額・課税標準額は変わりません。")
        problem = kosei_nouki_problem(
            before=old.nengaku, after=new.nengaku, kosei_nouki=kosei_nouki,
            on=timezone.localdate(),
        )  # fmt: skip
        if problem:
            raise KoteiRefused(problem)
        new.kind = KoteiFukaKind.KOSEI
        new.reason = reason
        new.kosei_nouki = kosei_nouki
        return _supersede(old, new, actor, "zeimu.kotei_kosei")


def kotei_genmen(
    *, fuka_id: int, genmen_kotei: int, genmen_toshi: int, reason: str, actor: Actor
) -> KoteiFuka:
    """減免 (地方税法第367条・第702条の8, the town's 条例): recorded as a new version of the
    assessment with the amounts and the reason."""
    reason = _reason(reason)
    with transaction.atomic(durable=True):
        old = KoteiFuka.objects.select_for_update().get(pk=fuka_id)
        if not old.is_current:
            raise KoteiRefused("更正済みの賦課です。現在の賦課に対して減免してください。")
        if genmen_kotei < 0 or genmen_toshi < 0:
            raise KoteiRefused("減免額は0円以上で入力してください。")
        if genmen_kotei > old.kotei_zeigaku or genmen_toshi > old.toshi_zeigaku:
            raise KoteiRefused("減免額が税額を超えています。")
        if (genmen_kotei, genmen_toshi) == (old.genmen_kotei, old.genmen_toshi):
            raise KoteiRefused("減免額が変わっていません。")
        year = KoteiYear.build(old.fiscal_year)
        new = KoteiFuka(
            **{
                f.attname: getattr(old, f.attname)
                for f in KoteiFuka._meta.concrete_fields
                # (a 減免 sets no 納期限 of its own: the 期別 keep theirs)
                if f.attname
                not in {"id", "superseded_by_id", "computed_at", "job_id", "kosei_nouki"}
            }
        )
        _with_genmen(new, genmen_kotei, genmen_toshi, year.params)
        new.kind = KoteiFukaKind.GENMEN
        new.reason = reason
        new.lines = [
            *old.lines,
            f"減免 固定資産税 {genmen_kotei:,}円・都市計画税 {genmen_toshi:,}円",
        ]
        return _supersede(old, new, actor, "zeimu.kotei_genmen")
