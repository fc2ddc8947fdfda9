"""軽自動車税（種別割）: the vehicle ledger's writes (登録, 異動, 減免), the assessment (the 当初
job and 更正 share it) and the posting of each assessment to the 収納 ledger.

:class:`KeiYear` reads the year's law and 条例 values once; :func:`holders_on` answers who
holds each vehicle on the 賦課期日 in one query; :func:`assess_many` builds the unsaved
:class:`~zeimu.models.KeiFuka` rows of a list of vehicles with three queries.
:func:`kei_kosei` recomputes one vehicle's year from the ledger as it is now (a 廃車 or a
名義変更 recorded late, a 減免 decided) and posts the difference to the 収納 ledger; the old
version stays, pointing at its successor.

The holder on 4月1日 (our reading of the 賦課期日, not checked against a published
example): a 登録 or 名義変更 dated on or before 4月1日 counts, a 廃車 only when dated on or
before 3月31日 (a vehicle 廃車 on 4月1日 was held at the start of the 賦課期日).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.fields import json_text
from tenants.jobs.bulk import copy_insert
from tenants.params.services import param_value
from zeimu.gyomu import KEI_JIDOSHAZEI
from zeimu.models import (
    KeiFuka,
    KeiFukaKind,
    KeiGenmen,
    KeiGenmenKind,
    KeiGenmenStatus,
    KeiGreenKubun,
    KeiIdo,
    KeiIdoKind,
    KeiNenryo,
    KeiSharyo,
    KeiShubetsu,
    Zeimoku,
)
from zeimu.rules.keijidosha import (
    SANRIN_YONRIN,
    KeiParams,
    KeiResult,
    SharyoInput,
    kei_compute,
    kei_kibetsu,
)
from zeimu.services.common import kosei_nouki_problem
from zeimu.services.shuno import ChoteiItem, Posted, chotei_post_many

__all__ = [
    "RECORD_TYPE",
    "SHARYO",
    "KeiRefused",
    "KeiYear",
    "assess_many",
    "copy_in",
    "holders_on",
    "kei_chotei_post",
    "kei_genmen_decide",
    "kei_ido_record",
    "kei_kosei",
    "kei_sharyo_register",
    "kei_shisan",
]

GYOMU = KEI_JIDOSHAZEI
RECORD_TYPE = "zeimu.KeiFuka"
SHARYO = "zeimu.KeiSharyo"


NO_LAW_YEAR = "この年度の軽自動車税の法令の値（グリーン化特例など）が登録されていません。"


class KeiRefused(Exception):
    """A write that may not be made; the message is Japanese, for the clerk."""


@dataclass(frozen=True)
class KeiYear:
    fiscal_year: int
    params: KeiParams

    @classmethod
    def build(cls, fiscal_year: int) -> KeiYear:
        return cls(fiscal_year, KeiParams.build(fiscal_year, param_value))

    @property
    def fuka_kijitsu(self) -> date:
        return self.params.fuka_kijitsu


# --- the vehicle ledger ------------------------------------------------------------------


def _text(value: str, label: str, max_length: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise KeiRefused(f"{label}を入力してください。")
    if len(value) > max_length:
        raise KeiRefused(f"{label}は{max_length}文字以内で入力してください。")
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        raise KeiRefused(f"{label}に制御文字は使えません。")
    return value


def _vehicle_checks(shubetsu: str, shodo_kensa: date | None, nenryo: str, green: str) -> None:
    if shubetsu not in KeiShubetsu.values:
        raise KeiRefused("種別を選んでください。")
    if nenryo not in KeiNenryo.values:
        raise KeiRefused("燃料を選んでください。")
    if green not in KeiGreenKubun.values:
        raise KeiRefused("グリーン化特例の区分が正しくありません。")
    if shubetsu in SANRIN_YONRIN and shodo_kensa is None:
        raise KeiRefused("三輪・四輪の軽自動車は初度検査年月を入力してください。")
    if green and shubetsu not in SANRIN_YONRIN:
        raise KeiRefused("グリーン化特例は三輪以上の軽自動車にだけ適用されます。")


def _holder_checks(
    shoyusha_atena_id: int | None, shiyosha_atena_id: int | None, shoyuken_ryuho: bool
) -> None:
    if shoyusha_atena_id is None:
        raise KeiRefused("所有者を指定してください。")
    if shoyuken_ryuho and shiyosha_atena_id is None:
        raise KeiRefused("所有権留保のときは使用者を指定してください（使用者に課税します）。")


def kei_sharyo_register(
    *,
    hyoshiki_bango: str,
    shadai_bango: str,
    shamei: str = "",
    shubetsu: str,
    shodo_kensa: date | None,
    nenryo: str,
    hikennin: bool = False,
    green_kubun: str = "",
    toroku_date: date,
    todoke_date: date | None = None,
    shoyusha_atena_id: int | None,
    shiyosha_atena_id: int | None = None,
    shoyuken_ryuho: bool = False,
    actor: Actor,
) -> KeiSharyo:
    """A vehicle and its 登録 (新規・転入) with the owner and the user."""
    hyoshiki_bango = _text(hyoshiki_bango, "標識番号", 30)
    shadai_bango = _text(shadai_bango, "車台番号", 30, required=False)
    shamei = _text(shamei, "車名", 40, required=False)
    _vehicle_checks(shubetsu, shodo_kensa, nenryo, green_kubun)
    _holder_checks(shoyusha_atena_id, shiyosha_atena_id, shoyuken_ryuho)
    if shodo_kensa is not None:
        shodo_kensa = shodo_kensa.replace(day=1)
        if shodo_kensa > toroku_date:
            raise KeiRefused("初度検査年月が登録日より後になっています。")
    with transaction.atomic(durable=True):
        active = KeiSharyo.objects.filter(hyoshiki_bango=hyoshiki_bango).exclude(
            pk__in=KeiIdo.objects.filter(kind=KeiIdoKind.HAISHA).values("sharyo_id")
        )
        if active.exists():
            raise KeiRefused("この標識番号の車両が廃車されずに登録されています。")
        sharyo = KeiSharyo.objects.create(
            hyoshiki_bango=hyoshiki_bango,
            shadai_bango=shadai_bango,
            shamei=shamei,
            shubetsu=shubetsu,
            shodo_kensa=shodo_kensa,
            nenryo=nenryo,
            hikennin=hikennin,
            green_kubun=green_kubun,
        )
        KeiIdo.objects.create(
            sharyo=sharyo,
            kind=KeiIdoKind.TOROKU,
            ido_date=toroku_date,
            todoke_date=todoke_date or toroku_date,
            shoyusha_id=shoyusha_atena_id,
            shiyosha_id=shiyosha_atena_id or shoyusha_atena_id,
            shoyuken_ryuho=shoyuken_ryuho,
            created_by=actor.username,
        )
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=GYOMU,
            screen="zeimu.kei_daicho",
            record_type=SHARYO,
            record_id=sharyo.pk,
            detail={"atena_ids": sorted({shoyusha_atena_id or 0, shiyosha_atena_id or 0} - {0})},
        )
    return sharyo


def kei_ido_record(
    *,
    sharyo_id: int,
    kind: str,
    ido_date: date,
    todoke_date: date | None = None,
    shoyusha_atena_id: int | None = None,
    shiyosha_atena_id: int | None = None,
    shoyuken_ryuho: bool = False,
    reason: str = "",
    actor: Actor,
) -> KeiIdo:
    """A 名義変更 or a 廃車, dated when it happened (possibly in the past: a late report).
    A vehicle 廃車 takes no further 異動; a date before the 登録 is refused."""
    reason = _text(reason, "事由・備考", 200, required=False)
    if kind not in (KeiIdoKind.MEIGI, KeiIdoKind.HAISHA):
        raise KeiRefused("異動の種類は名義変更か廃車を選んでください。")
    if kind == KeiIdoKind.MEIGI:
        _holder_checks(shoyusha_atena_id, shiyosha_atena_id, shoyuken_ryuho)
    with transaction.atomic(durable=True):
        sharyo = KeiSharyo.objects.select_for_update().filter(pk=sharyo_id).first()
        if sharyo is None:
            raise KeiRefused("車両が見つかりません。")
        history = list(sharyo.ido.order_by("ido_date", "id"))
        if any(i.kind == KeiIdoKind.HAISHA for i in history):
            raise KeiRefused("廃車済みの車両です。")
        if history and ido_date < history[0].ido_date:
            raise KeiRefused("異動日が登録日より前です。")
        if history and ido_date < history[-1].ido_date:
            raise KeiRefused("異動日が直前の異動より前です。")
        ido = KeiIdo.objects.create(
            sharyo=sharyo,
            kind=kind,
            ido_date=ido_date,
            todoke_date=todoke_date or timezone.localdate(),
            shoyusha_id=shoyusha_atena_id if kind == KeiIdoKind.MEIGI else None,
            shiyosha_id=(shiyosha_atena_id or shoyusha_atena_id)
            if kind == KeiIdoKind.MEIGI
            else None,
            shoyuken_ryuho=shoyuken_ryuho if kind == KeiIdoKind.MEIGI else False,
            reason=reason,
            created_by=actor.username,
        )
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=GYOMU,
            screen="zeimu.kei_ido",
            record_type=SHARYO,
            record_id=sharyo.pk,
            detail={"ido_id": ido.pk, "kind": kind},
        )
    return ido


def kei_genmen_decide(
    *,
    sharyo_id: int,
    fiscal_year: int,
    kind: str,
    torikeshi: bool = False,
    decided_on: date,
    reason: str,
    actor: Actor,
) -> KeiGenmen:
    """Record a 減免 decision (or its 取消) for a vehicle and 年度. When the year is assessed
    already, the assessment is corrected in the same transaction (a new version, the
    difference posted to the 収納 ledger as a 減免)."""
    reason = _text(reason, "理由", 200)
    if kind not in KeiGenmenKind.values:
        raise KeiRefused("減免の事由を選んでください。")
    with transaction.atomic(durable=True):
        sharyo = KeiSharyo.objects.select_for_update().filter(pk=sharyo_id).first()
        if sharyo is None:
            raise KeiRefused("車両が見つかりません。")
        last = sharyo.genmen.filter(fiscal_year=fiscal_year).order_by("-id").first()
        active = last is not None and last.status == KeiGenmenStatus.KETTEI
        if torikeshi and not active:
            raise KeiRefused("この年度の減免は決定されていません。")
        if not torikeshi and active:
            raise KeiRefused("この年度の減免は決定済みです。")
        row = KeiGenmen.objects.create(
            sharyo=sharyo,
            fiscal_year=fiscal_year,
            kind=kind,
            status=KeiGenmenStatus.TORIKESHI if torikeshi else KeiGenmenStatus.KETTEI,
            decided_on=decided_on,
            reason=reason,
            created_by=actor.username,
        )
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=GYOMU,
            screen="zeimu.kei_genmen",
            record_type=SHARYO,
            record_id=sharyo.pk,
            detail={"genmen_id": row.pk, "fiscal_year": fiscal_year},
        )
        current = KeiFuka.objects.filter(
            sharyo_id=sharyo_id, fiscal_year=fiscal_year, is_current=True
        ).first()
        if current is not None:
            _kosei(
                current,
                reason=("減免の取消: " if torikeshi else "減免: ") + reason,
                kind=KeiFukaKind.GENMEN,
                actor=actor,
            )
    return row


# --- the holder on the 賦課期日 and the assessment ----------------------------------------


def holders_on(sharyo_ids: Sequence[int], kijitsu: date) -> dict[int, int | None]:
    """車両 id → the 宛名 id taxed on ``kijitsu`` (None: 廃車 by then); a vehicle not yet
    registered is absent. One query (the latest counting 異動 of each vehicle)."""
    ids = list(sharyo_ids)
    if not ids:
        return {}
    with connection.cursor() as cur:
        cur.execute(
            "SELECT DISTINCT ON (sharyo_id) sharyo_id, kind, shoyusha_id, shiyosha_id, "
            "shoyuken_ryuho FROM zeimu_keiido WHERE sharyo_id = ANY(%s) "
            "AND ((kind <> %s AND ido_date <= %s) OR (kind = %s AND ido_date < %s)) "
            "ORDER BY sharyo_id, ido_date DESC, id DESC",
            [ids, KeiIdoKind.HAISHA, kijitsu, KeiIdoKind.HAISHA, kijitsu],
        )
        out: dict[int, int | None] = {}
        for sid, kind, owner, user, ryuho in cur.fetchall():
            out[int(sid)] = None if kind == KeiIdoKind.HAISHA else (user if ryuho else owner)
    return out


def _input(s: KeiSharyo) -> SharyoInput:
    return SharyoInput(
        shubetsu=s.shubetsu,
        shodo_kensa=s.shodo_kensa,
        nenryo=s.nenryo,
        hikennin=s.hikennin,
        green_kubun=s.green_kubun,
    )


def _genmen_active(sharyo_ids: Sequence[int], fiscal_year: int) -> dict[int, KeiGenmen]:
    """車両 id → its 減免 decision in force for the year (one query)."""
    out: dict[int, KeiGenmen] = {}
    for g in KeiGenmen.objects.filter(
        sharyo_id__in=list(sharyo_ids), fiscal_year=fiscal_year
    ).order_by("sharyo_id", "id"):
        out[g.sharyo_id] = g
    return {k: g for k, g in out.items() if g.status == KeiGenmenStatus.KETTEI}


def _row(
    year: KeiYear, s: KeiSharyo, holder: int, genmen: KeiGenmen | None, *, job_id: int | None
) -> KeiFuka:
    r: KeiResult = kei_compute(_input(s), year.params)
    lines = list(r.lines)
    genmen_gaku = 0
    if genmen is not None:
        genmen_gaku = r.zeigaku
        lines.append(f"減免（{genmen.get_kind_display()}）: 全額 {r.zeigaku:,}円")
    nengaku = r.zeigaku - genmen_gaku
    return KeiFuka(
        fiscal_year=year.fiscal_year,
        sharyo_id=s.pk,
        nozeisha_id=holder,
        kind=KeiFukaKind.TOSHO,
        job_id=job_id,
        shubetsu=s.shubetsu,
        kubun=r.kubun,
        kubun_label=r.kubun_label,
        zeigaku=r.zeigaku,
        genmen_gaku=genmen_gaku,
        nengaku=nengaku,
        kibetsu=kei_kibetsu(nengaku, year.params),
        lines=lines,
    )


def assess_many(year: KeiYear, sharyo_ids: Sequence[int], *, job_id: int | None) -> list[KeiFuka]:
    """Unsaved assessments of the vehicles held by someone on the 賦課期日 (3 queries).
    A vehicle not registered yet or 廃車 before the 賦課期日 gets no row."""
    ids = list(sharyo_ids)
    holders = holders_on(ids, year.fuka_kijitsu)
    genmen = _genmen_active(ids, year.fiscal_year)
    rows = []
    for s in KeiSharyo.objects.filter(pk__in=[i for i, h in holders.items() if h]).order_by("pk"):
        holder = holders[s.pk]
        assert holder is not None
        rows.append(_row(year, s, holder, genmen.get(s.pk), job_id=job_id))
    return rows


COLUMNS = [
    "fiscal_year", "sharyo_id", "nozeisha_id", "kind", "version", "is_current", "job_id",
    "shubetsu", "kubun", "kubun_label", "zeigaku", "genmen_gaku", "nengaku", "kibetsu", "lines",
    "nofu_bango", "reason", "created_by", "computed_at",
]  # fmt: skip


def copy_in(rows: list[KeiFuka], created_by: str) -> int:
    """COPY the rows through staging, then INSERT … ON CONFLICT DO NOTHING on the
    one-current index (tenants.jobs.bulk): a vehicle assessed already (a chunk run again)
    is skipped."""
    if not rows:
        return 0
    now = timezone.now()
    return copy_insert(
        KeiFuka._meta.db_table,
        COLUMNS,
        (
            (r.fiscal_year, r.sharyo_id, r.nozeisha_id, r.kind, 1, True, r.job_id,
             r.shubetsu, r.kubun, r.kubun_label, r.zeigaku, r.genmen_gaku, r.nengaku,
             json_text(r.kibetsu), json_text(r.lines), "", "", created_by, now)
            for r in rows
        ),
        on_conflict="(fiscal_year, sharyo_id) WHERE is_current DO NOTHING",
    )  # fmt: skip


# --- the 収納 ledger -----------------------------------------------------------------------


def _key(fiscal_year: int, sharyo_id: int, atena_id: int) -> str:
    return f"keijidosha:{fiscal_year}:{sharyo_id}:{atena_id}"


def _items(
    rows: Iterable[tuple[int, int, int, int, list[dict[str, Any]]]],
    *,
    on: date,
    genmen: bool,
    kosei_nouki: date | None = None,
) -> list[ChoteiItem]:
    """Ledger items of assessments given as (id, 年度, 車両 id, 宛名 id, 期別 JSON); one 期.
    The key names the taxpayer, so a 更正 that changes the taxpayer states the old one's
    期 as 0 (see :func:`kei_chotei_post`)."""
    items = []
    for fuka_id, fy, sharyo_id, atena_id, kibetsu in rows:
        k = kibetsu[0]
        items.append(
            ChoteiItem(
                zeimoku=Zeimoku.KEIJIDOSHA,
                key=_key(fy, sharyo_id, atena_id),
                atena_id=atena_id,
                nendo=fy,
                ki=1,
                ki_label=str(k["label"])[:20],
                nouki=date.fromisoformat(k["due"]),
                amount=int(k["amount"]),
                ref=f"keifuka:{fuka_id}",
                on=on,
                genmen=genmen,
                kosei_nouki=kosei_nouki,
            )
        )
    return items


def _store_nofu_bango(posted: dict[int, Posted]) -> None:
    if not posted:
        return
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE zeimu_keifuka f SET nofu_bango = u.nb FROM unnest(%s::bigint[], %s::text[]) "
            "AS u(id, nb) WHERE f.id = u.id AND f.nofu_bango <> u.nb",
            [list(posted), [p.nofu_bango for p in posted.values()]],
        )


def kei_chotei_post(
    *, job_id: int, sharyo_ids: Sequence[int], fiscal_year: int, on: date, actor: Actor
) -> int:
    """Post the current assessments the job wrote for these vehicles (one query, then
    ``chotei_post_many``) and store each 納付番号 on its row. A chunk run again posts the
    same refs: the ledger writes nothing."""
    rows = list(
        KeiFuka.objects.filter(
            job_id=job_id, fiscal_year=fiscal_year, is_current=True, sharyo_id__in=list(sharyo_ids)
        ).values_list("pk", "fiscal_year", "sharyo_id", "nozeisha_id", "kibetsu")
    )
    out = chotei_post_many(_items(rows, on=on, genmen=False), actor=actor)
    _store_nofu_bango({r[0]: p for r, p in zip(rows, out, strict=True)})
    return len(rows)


# --- 更正 --------------------------------------------------------------------------------


def _version(fiscal_year: int, sharyo_id: int) -> int:
    return (
        KeiFuka.objects.filter(fiscal_year=fiscal_year, sharyo_id=sharyo_id).aggregate(
            v=Max("version")
        )["v"]
        or 0
    ) + 1


def _kosei(old: KeiFuka | None, *, reason: str, kind: str, actor: Actor, sharyo_id: int = 0,
           fiscal_year: int = 0, kosei_nouki: date | None = None) -> KeiFuka | None:  # fmt: skip
    """The year of ``old``'s vehicle assessed again; the new version saved and posted.
    Returns None when nothing changed. Runs inside the caller's transaction. A 更正
    (``kind`` 更正) checks ``kosei_nouki`` — the 納期限 of its notice — against the change
    (``_kosei_nouki_check``) and posts it with the increase."""
    fy = old.fiscal_year if old else fiscal_year
    sid = old.sharyo_id if old else sharyo_id
    try:
        year = KeiYear.build(fy)
    except LookupError as exc:  # a 年度 without law data (a typed 年度 from the API)
        raise KeiRefused(NO_LAW_YEAR) from exc
    rows = assess_many(year, [sid], job_id=None)
    today = timezone.localdate()
    if rows:
        new = rows[0]
    elif old is not None:
        # not held on the 賦課期日 after all (a 廃車 recorded late): the year's tax is 0
        new = KeiFuka(
            fiscal_year=fy,
            sharyo_id=sid,
            nozeisha_id=old.nozeisha_id,
            shubetsu=old.shubetsu,
            kubun="none",
            kubun_label="課税なし（賦課期日に所有なし）",
            zeigaku=0,
            genmen_gaku=0,
            nengaku=0,
            kibetsu=kei_kibetsu(0, year.params),
            lines=["賦課期日（4月1日）に所有していないため課税しません"],
        )
    else:
        raise KeiRefused("この年度の賦課期日に所有者がいない車両です。")
    if old is not None and (
        old.nozeisha_id,
        old.zeigaku,
        old.genmen_gaku,
        old.nengaku,
        old.kubun,
    ) == (new.nozeisha_id, new.zeigaku, new.genmen_gaku, new.nengaku, new.kubun):
        return None
    if kind == KeiFukaKind.KOSEI:
        _kosei_nouki_check(old, new, kosei_nouki, today)
    new.kind = kind
    new.reason = reason[:200]
    new.kosei_nouki = kosei_nouki
    new.created_by = actor.username
    new.version = _version(fy, sid)
    if old is not None:
        old.is_current = False
        old.save(update_fields=["is_current"])
    new.is_current = True
    new.save()
    items = _items(
        [(new.pk, fy, sid, new.nozeisha_id, new.kibetsu)],
        on=today,
        genmen=kind == KeiFukaKind.GENMEN and (old is None or new.nengaku <= old.nengaku),
        kosei_nouki=kosei_nouki,
    )
    if old is not None and old.nozeisha_id != new.nozeisha_id:
        # the taxpayer changed (a 名義変更 before 4月1日 recorded late): the former one's 期
        # is stated 0 and the new one's is posted in full
        items += _items(
            [(new.pk, fy, sid, old.nozeisha_id, kei_kibetsu(0, year.params))],
            on=today,
            genmen=False,
        )
        items[-1] = replace(items[-1], ref=f"keifuka:{new.pk}:mae")
    posted = chotei_post_many(items, actor=actor)
    new.nofu_bango = posted[0].nofu_bango
    new.save(update_fields=["nofu_bango"])
    if old is not None:
        old.superseded_by = new
        old.save(update_fields=["superseded_by"])
    access_record(
        actor=actor,
        action=AccessAction.UPDATE if old else AccessAction.CREATE,
        gyomu=GYOMU,
        screen="zeimu.kei_kosei",
        record_type=RECORD_TYPE,
        record_id=new.pk,
        detail={"previous": old.pk if old else None, "sharyo_id": sid},
    )
    return new


def _kosei_nouki_check(
    old: KeiFuka | None, new: KeiFuka, kosei_nouki: date | None, today: date
) -> None:
    """A 更正 raising a taxpayer's tax needs its notice's 納期限, any other takes none
    (``zeimu.services.common.kosei_nouki_problem``). A first assessment or a year given to
    another taxpayer (a 名義変更 before the 賦課期日 recorded late) raises the new taxpayer's
    from nothing: the ledger's new 期別 is due by that 納期限."""
    same = old is not None and old.nozeisha_id == new.nozeisha_id
    problem = kosei_nouki_problem(
        before=old.nengaku if old is not None and same else 0,
        after=new.nengaku,
        kosei_nouki=kosei_nouki,
        on=today,
    )
    if problem:
        raise KeiRefused(problem)


def kei_kosei(
    *,
    sharyo_id: int,
    fiscal_year: int,
    reason: str,
    actor: Actor,
    kosei_nouki: date | None = None,
) -> KeiFuka:
    """更正: the vehicle's year assessed again from the ledger as it is now (a 廃車 or a
    名義変更 before the 賦課期日 recorded late → 減額 or a new taxpayer; a vehicle found
    registered before it → a first assessment). The difference goes to the 収納 ledger;
    an increase with ``kosei_nouki``, the 納期限 its 更正通知書 sets (required then)."""
    reason = _text(reason, "理由", 200)
    with transaction.atomic(durable=True):
        if not KeiSharyo.objects.select_for_update().filter(pk=sharyo_id).exists():
            raise KeiRefused("車両が見つかりません。")
        old = KeiFuka.objects.filter(
            sharyo_id=sharyo_id, fiscal_year=fiscal_year, is_current=True
        ).first()
        new = _kosei(
            old,
            reason=reason,
            kind=KeiFukaKind.KOSEI,
            actor=actor,
            sharyo_id=sharyo_id,
            fiscal_year=fiscal_year,
            kosei_nouki=kosei_nouki,
        )
        if new is None:
            raise KeiRefused("台帳の内容で計算し直しても納税義務者・税額は変わりません。")
    return new


# --- 試算 --------------------------------------------------------------------------------


def kei_shisan(*, fiscal_year: int, vehicle: SharyoInput) -> KeiResult:
    """A vehicle's tax for a 年度, saving nothing. Raises ``KeiRefused`` with a Japanese
    message for a year without law data or a vehicle the rules cannot take."""
    try:
        year = KeiYear.build(fiscal_year)
    except LookupError as exc:
        raise KeiRefused(NO_LAW_YEAR) from exc
    _vehicle_checks(vehicle.shubetsu, vehicle.shodo_kensa, vehicle.nenryo, vehicle.green_kubun)
    return kei_compute(vehicle, year.params)
