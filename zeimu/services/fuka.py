"""賦課: assessing people from their stored 課税資料 (the 当初賦課 batch and 更正 share it).

:class:`YearContext` reads everything that is the same for every person of a fiscal year
once (law parameters, the town's settings, the 納期); :func:`assess_many` then builds the
unsaved :class:`~zeimu.models.Fuka` rows of a list of people with a handful of queries.
:func:`kosei` re-assesses one person from the current data and keeps the history: the
previous assessment stays, marked superseded by the new one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, LiteralString

from django.db import transaction
from django.utils import timezone
from psycopg import sql

from juminkiroku.public import person_identity
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.age import age_on
from tenants.fields import json_text
from tenants.jobs.bulk import raw_cursor
from tenants.params.services import param_value
from zeimu.gyomu import KOJIN_JUMINZEI
from zeimu.models import Fuka, FukaKind, FukaStatus, KoseiKiin
from zeimu.rules.choshu import ChoshuCalendar, choshu_bunkatsu, kibetsu_text
from zeimu.rules.juminzei import juminzei_compute
from zeimu.rules.naiyaku import naiyaku_expand, naiyaku_text
from zeimu.rules.parameters import Parameters, parameters_for
from zeimu.services.fuka_chotei import juminzei_chotei_post_kosei
from zeimu.services.kazei_inputs import (
    InvalidKazeiData,
    TownSettings,
    input_for,
    kazei_totals,
    shinkoku_for,
    town_settings,
)

__all__ = [
    "FUKA_COLUMNS", "FUKA_FIGURES", "KoseiRefused", "YearContext", "assess_many", "assess_rows",
    "kosei",
]  # fmt: skip

GYOMU = KOJIN_JUMINZEI

#: The figures that make a bill: a 更正 that changes none of them is refused.
FUKA_FIGURES = (
    "status", "gokei_shotoku", "joto_tokubetsu_kojo", "kazei_shotoku", "shotokuwari_shichoson",
    "shotokuwari_dofuken", "kintowari_shichoson", "kintowari_dofuken", "shinrin_kankyozei",
    "gokei_zeigaku", "futsu_choshu_gaku", "kyuyo_tokucho_gaku", "nenkin_tokucho_gaku",
    "tokucho_shitei_no",
)  # fmt: skip


@dataclass(frozen=True)
class YearContext:
    fiscal_year: int
    params: Parameters
    settings: TownSettings
    calendar: ChoshuCalendar

    @classmethod
    def build(cls, fiscal_year: int) -> YearContext:
        return cls(
            fiscal_year=fiscal_year,
            params=parameters_for(fiscal_year),
            settings=town_settings(fiscal_year),
            calendar=ChoshuCalendar.build(fiscal_year, param_value),
        )

    @property
    def kijun(self) -> date:
        """賦課期日 (地方税法第318条)."""
        return date(self.fiscal_year, 1, 1)


#: The columns the batch writes, in the order of :func:`assess_rows`'s tuples.
FUKA_COLUMNS = (
    "fiscal_year", "atena_id", "kind", "status", "job_id", "is_current", "gokei_shotoku",
    "kazei_shotoku", "kyuyo_shotoku", "nenkin_shotoku", "sonota_shotoku", "nenkin_shunyu",
    "shotokuwari_shichoson", "shotokuwari_dofuken", "kintowari_shichoson",
    "kintowari_dofuken", "shinrin_kankyozei", "gokei_zeigaku", "futsu_choshu_gaku",
    "kyuyo_tokucho_gaku", "nenkin_tokucho_gaku", "tokucho_shitei_no", "tokucho_employer_name",
    "kibetsu", "detail", "reason", "created_by", "computed_at", "joto_shotoku",
    "joto_tokubetsu_kojo",
)  # fmt: skip

_NENKIN_PREV_SQL: LiteralString = """
    SELECT atena_id, nenkin_tokucho_gaku FROM {table}
    WHERE fiscal_year = %b AND is_current AND nenkin_tokucho_gaku > 0 AND atena_id = ANY(%b)
"""


def _nenkin_prev(atena_ids: Sequence[int], fiscal_year: int) -> dict[int, int]:
    """Last year's 年金特別徴収 amounts (for this year's 仮徴収): one query."""
    with raw_cursor() as cur:
        cur.execute(
            sql.SQL(_NENKIN_PREV_SQL).format(table=sql.Identifier(Fuka._meta.db_table)),
            [fiscal_year - 1, list(atena_ids)],
        )
        return {int(a): int(g) for a, g in cur.fetchall()}


def assess_rows(
    ctx: YearContext,
    people: Sequence[tuple[int, date]],
    *,
    kind: str = FukaKind.TOSHO,
    job_id: int | None = None,
    created_by: str = "",
    computed_at: datetime | None = None,
) -> list[tuple[Any, ...]]:
    """The assessments of ``people`` ((宛名 id, 生年月日) pairs) as rows in
    :data:`FUKA_COLUMNS` order, the 期別 and the 内訳 as JSON text (what the batch COPYs:
    no model object per person; the 内訳 in the compact form of zeimu.rules.naiyaku):
    未申告 for those without any 課税資料. The reads are one
    query per kind of 課税資料 for all of them. Raises InvalidKazeiData naming the 宛名 id
    (never the person)."""
    ids = [p[0] for p in people]
    income_year = ctx.fiscal_year - 1
    totals = kazei_totals(ids, income_year)
    shinkoku = shinkoku_for(ids, income_year)
    prev = _nenkin_prev(ids, ctx.fiscal_year)
    cal = ctx.calendar
    nenkin_birth_limit = date(ctx.fiscal_year, 4, 1)
    now = computed_at or timezone.now()
    fy = ctx.fiscal_year
    empty = json_text({})
    rows: list[tuple[Any, ...]] = []
    append = rows.append
    for atena_id, birth in people:
        t, s = totals.get(atena_id), shinkoku.get(atena_id)
        if t is None and s is None:
            append(
                (fy, atena_id, kind, FukaStatus.MISHINKOKU.value, job_id, True,
                 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "", "",
                 empty, empty, "", created_by, now, 0, 0)
            )  # fmt: skip
            continue
        try:
            data = input_for(birth_date=birth, settings=ctx.settings, totals=t, shinkoku=s)
        except InvalidKazeiData as exc:
            raise InvalidKazeiData(
                f"宛名ID {atena_id} の課税資料を計算に使えません: {exc}"
            ) from exc
        r = juminzei_compute(data, ctx.params)
        sogo = r.gokei_shotoku - r.choki_joto_shotoku - r.tanki_joto_shotoku
        shotokuwari = r.shotokuwari_shichoson + r.shotokuwari_dofuken
        kintowari = r.kintowari_shichoson + r.kintowari_dofuken + r.shinrin_kankyozei
        b = choshu_bunkatsu(
            shotokuwari=shotokuwari,
            kintowari=kintowari,
            kyuyo_shotoku=r.kyuyo_shotoku_after_chosei,
            nenkin_shotoku=r.nenkin.shotoku,
            # (分離課税の譲渡所得, after its 特別控除, counts with the その他の所得)
            sonota_shotoku=r.sonota_shotoku + r.sogo_shotoku_tou - sogo,
            kyuyo_tokucho=bool(t and t.tokucho_shitei_no),
            nenkin_tokucho=bool(
                t and t.nenkin_tokucho and age_on(birth, nenkin_birth_limit) >= cal.nenkin_age
            ),
            futsu_kibo=bool(s and s.futsu_choshu_kibo),
            nenkin_prev=prev.get(atena_id),
            calendar=cal,
        )
        if b.total != r.gokei_zeigaku:  # an invariant of choshu_bunkatsu
            raise RuntimeError(f"宛名ID {atena_id}: 徴収方法の合計が年税額と一致しません")
        append(
            (fy, atena_id, kind,
             FukaStatus.HIKAZEI.value if r.hikazei else FukaStatus.KAZEI.value,
             job_id, True, r.gokei_shotoku, r.kazei_shotoku, r.kyuyo_shotoku_after_chosei,
             r.nenkin.shotoku, r.sonota_shotoku, r.nenkin.shunyu, r.shotokuwari_shichoson,
             r.shotokuwari_dofuken, r.kintowari_shichoson, r.kintowari_dofuken,
             r.shinrin_kankyozei, r.gokei_zeigaku, b.futsu, b.kyuyo, b.nenkin,
             t.tokucho_shitei_no if t and b.kyuyo else "",
             t.tokucho_employer_name if t and b.kyuyo else "",
             kibetsu_text(b, cal),
             # (compact: the dataclasses' values without their names; the model field
             # reads it back as the object form jsonable would give)
             naiyaku_text(data, r, b),
             "", created_by, now, r.choki_joto_shotoku + r.tanki_joto_shotoku,
             r.joto_tokubetsu_kojo)
        )  # fmt: skip
    return rows


def assess_many(
    ctx: YearContext,
    people: Sequence[tuple[int, date]],
    *,
    kind: str = FukaKind.TOSHO,
    job_id: int | None = None,
    created_by: str = "",
) -> list[Fuka]:
    """Unsaved :class:`~zeimu.models.Fuka` of ``people``: the rows of :func:`assess_rows`
    as model objects (the 更正 of one person saves one)."""
    out = []
    for row in assess_rows(ctx, people, kind=kind, job_id=job_id, created_by=created_by):
        values = dict(zip(FUKA_COLUMNS, row, strict=True))
        values["kibetsu"] = json.loads(values["kibetsu"])
        values["detail"] = naiyaku_expand(json.loads(values["detail"]))
        del values["computed_at"]  # (auto_now_add: set when saved)
        out.append(Fuka(**values))
    return out


class KoseiRefused(Exception):
    """A 更正 that cannot be made (message in Japanese, for the clerk)."""


def kosei(
    *,
    fuka_id: int,
    reason: str,
    actor: Actor,
    kiin: str = "",
    tsuchi_date: date | None = None,
) -> Fuka:
    """更正: re-assess the person of the current assessment ``fuka_id`` from the data as it
    is now. The old row stays (is_current False, superseded_by the new one).

    ``kiin`` (``KoseiKiin``): a 更正 due to a 所得税 修正申告 or 更正 is posted to the ledger
    marked so, with ``tsuchi_date`` (the day the 更正 is notified; default today) as the end
    of its 除算期間 (地方税法第321条の2第3項・第4項); a 特定修正申告・特定更正 is recorded but
    has none."""
    reason = reason.strip()
    if not reason:
        raise KoseiRefused("更正の理由を入力してください。")
    if kiin not in KoseiKiin.values:
        raise KoseiRefused("更正の原因が正しくありません。")
    today = timezone.localdate()
    if tsuchi_date is not None and not KoseiKiin.josan(kiin):
        raise KoseiRefused(
            "更正の通知日は、所得税の修正申告・更正による更正のときに入力してください。"
        )
    if KoseiKiin.josan(kiin):
        tsuchi_date = tsuchi_date or today
        if tsuchi_date < today:
            raise KoseiRefused(
                "更正の通知日は今日以後の日を入力してください（通知前に更正します）。"
            )
    with transaction.atomic():
        old = Fuka.objects.select_for_update().filter(pk=fuka_id).first()
        if old is None:
            raise KoseiRefused("賦課が見つかりません。")
        if not old.is_current:
            raise KoseiRefused("この賦課はすでに更正されています。最新の賦課から更正してください。")
        person = person_identity(old.atena_id)
        if person is None:  # the FK protects the row; kept for the type checker
            raise KoseiRefused("納税義務者が住民記録に見つかりません。")
        ctx = YearContext.build(old.fiscal_year)
        try:
            (new,) = assess_many(
                ctx,
                [(old.atena_id, person.birth_date)],
                kind=FukaKind.KOSEI,
                created_by=actor.username,
            )
        except InvalidKazeiData as exc:
            raise KoseiRefused(str(exc)) from exc
        if all(getattr(new, f) == getattr(old, f) for f in FUKA_FIGURES):
            raise KoseiRefused("再計算の結果、税額・所得・徴収方法に変更はありません。")
        new.reason = reason[:200]
        new.kosei_kiin = kiin
        new.kosei_tsuchi_date = tsuchi_date
        Fuka.objects.filter(pk=old.pk).update(is_current=False)
        new.save()
        Fuka.objects.filter(pk=old.pk).update(superseded_by=new)
        # the new 普通徴収 期別 into the 収納 ledger (the difference is written there)
        juminzei_chotei_post_kosei(
            new=new,
            old=old,
            on=today,
            actor=actor,
            shotoku_kiin=KoseiKiin.josan(kiin),
            tsuchi_date=tsuchi_date,
        )
        access_record(
            action=AccessAction.UPDATE,
            actor=actor,
            gyomu=GYOMU,
            screen="zeimu.kosei",
            record_type="zeimu.Fuka",
            record_id=new.pk,
            detail={"previous": old.pk, "fiscal_year": old.fiscal_year, "kiin": kiin},
        )
    return new
