"""保育 (子ども・子育て支援): writes — 施設と定員, 支給認定, 入所申込, 利用調整, 入所・退所,
the town's tables (利用調整の指数, 保育料表), and the end of everything of a child who leaves
the town or dies (from the registry's events, exactly once, keyed on the 異動 id).

Each function is one durable transaction with a ``HoikuRireki`` row and an access-log row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q

from fukushi.gyomu import KODOMO_KOSODATE
from fukushi.models.hoiku import (
    HoikuChoseiRun,
    HoikuJiyu,
    HoikuKeigenNintei,
    HoikuKibo,
    HoikuMoshikomi,
    HoikuNintei,
    HoikuNyusho,
    HoikuRireki,
    HoikuryoGetsugaku,
    HoikuryoKaiso,
    HoikuShisetsu,
    HoikuShisu,
    HoikuTeiin,
    KeigenKind,
    KeigenKonkyo,
    MoshikomiStatus,
    NinteiKubun,
    ShisuKind,
)
from fukushi.rules import hoiku as rules
from juminkiroku.public import person_identities
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.params.services import param_value
from tenants.wareki import format_wareki
from zeimu.public import person_kazei_many

SCREEN = "fukushi.hoiku"


class HoikuRefused(ValueError):
    """A write the rules refuse; the message is Japanese and names no person."""


def _rireki(
    *, actor: Actor, action: str, atena_id: int | None, detail: dict[str, Any], riyu: str = ""
) -> None:
    HoikuRireki.objects.create(
        actor=actor.username, action=action, atena_id=atena_id, detail=detail, riyu=riyu[:200]
    )
    access_record(
        actor=actor,
        action=AccessAction.UPDATE if atena_id else AccessAction.CREATE,
        gyomu=KODOMO_KOSODATE,
        screen=SCREEN,
        record_type="fukushi.HoikuRireki",
        record_count=1 if atena_id else 0,
        detail={"atena_ids": [atena_id] if atena_id else [], "action": action},
    )


# --- 施設と定員 ---------------------------------------------------------------------------


def shisetsu_register(
    *, code: str, name: str, shubetsu: str, teiin: dict[int, int], nendo: int, actor: Actor
) -> HoikuShisetsu:
    """A facility (or its 定員 of ``nendo`` when the code exists): ``teiin`` is クラス年齢 →
    places."""
    if any(not 0 <= a <= 5 or n < 0 for a, n in teiin.items()):
        raise HoikuRefused("定員はクラス年齢0〜5歳について0以上の数で入力してください。")
    with transaction.atomic(durable=True):
        row, _ = HoikuShisetsu.objects.update_or_create(
            code=code, defaults={"name": name, "shubetsu": shubetsu}
        )
        for age, n in teiin.items():
            HoikuTeiin.objects.update_or_create(
                shisetsu=row, nendo=nendo, class_age=age, defaults={"teiin": n}
            )
        _rireki(
            actor=actor,
            action="shisetsu",
            atena_id=None,
            detail={"code": code, "nendo": nendo, "teiin": {str(a): n for a, n in teiin.items()}},
        )
    return row


# --- 支給認定 -----------------------------------------------------------------------------


@dataclass(frozen=True)
class NinteiInput:
    atena_id: int
    hogosha_atena_id: int
    kubun: str
    start_date: date
    end_date: date
    jiyu: str = ""
    shuro_jikan: int | None = None
    hitsuyoryo: str = ""  # given for 事由 other than 就労; derived for 就労
    hogosha2_atena_id: int | None = None
    seiho: bool = False
    kyodai_kasan: int = 0


def _nintei_checked(inp: NinteiInput) -> tuple[str, str]:
    """(区分, 保育必要量) after the checks; HoikuRefused with every problem."""
    ids = person_identities([inp.atena_id, inp.hogosha_atena_id])
    child = ids.get(inp.atena_id)
    if child is None or inp.hogosha_atena_id not in ids:
        raise HoikuRefused("子ども・保護者の宛名が見つかりません。")
    if inp.end_date < inp.start_date:
        raise HoikuRefused("認定期間の終期が始期より前です。")
    if not rules.shugakumae(child.birth_date, inp.start_date):
        raise HoikuRefused("小学校就学前の子どもではありません（子ども・子育て支援法第19条）。")
    hoiku = inp.kubun != NinteiKubun.ICHI
    try:
        expected = rules.kubun_for(child.birth_date, inp.start_date, hoiku=hoiku)
    except ValueError as exc:
        raise HoikuRefused("満3歳未満の子どもは1号認定を受けられません。") from exc
    if expected.value != inp.kubun:
        raise HoikuRefused(
            f"認定期間の始期の年齢では{NinteiKubun(expected.value).label}です"
            "（満3歳に達する日から2号・1号）。"
        )
    if inp.kubun == NinteiKubun.SAN:
        last = rules.sansai_tasshi_bi(child.birth_date) - timedelta(days=1)
        if inp.end_date > last:
            raise HoikuRefused(
                f"3号認定の終期は満3歳に達する日の前日（{format_wareki(last)}）までです。"
            )
    if not hoiku:
        return inp.kubun, ""
    if inp.jiyu not in HoikuJiyu.values:
        raise HoikuRefused("保育を必要とする事由を選んでください。")
    fy = rules.nendo_of(inp.start_date)
    if inp.jiyu == HoikuJiyu.SHURO:
        if inp.shuro_jikan is None:
            raise HoikuRefused("就労の場合は1か月の就労時間を入力してください。")
        kagen = int(param_value("fukushi.hoiku.shuro_kagen_jikan", fy))
        derived = rules.hitsuyoryo_for_shuro(
            inp.shuro_jikan,
            kagen=kagen,
            hyojun=int(param_value("fukushi.hoiku.hyojun_jikan_shuro", fy)),
        )
        if derived is None:
            raise HoikuRefused(
                f"1か月の就労時間が町の下限（{kagen}時間）未満です"
                "（子ども・子育て支援法施行規則第1条の5第1号）。"
            )
        return inp.kubun, derived.value
    if inp.hitsuyoryo not in ("hyojun", "tanjikan"):
        raise HoikuRefused("保育必要量（保育標準時間・保育短時間）を選んでください。")
    return inp.kubun, inp.hitsuyoryo


def nintei_register(*, inp: NinteiInput, actor: Actor) -> HoikuNintei:
    """A 支給認定 (子ども・子育て支援法第20条)."""
    kubun, hitsuyoryo = _nintei_checked(inp)
    with transaction.atomic(durable=True):
        overlap = HoikuNintei.objects.filter(
            atena_id=inp.atena_id, start_date__lte=inp.end_date, end_date__gte=inp.start_date
        ).filter(Q(shuryo_date__isnull=True) | Q(shuryo_date__gte=inp.start_date))
        if overlap.exists():
            raise HoikuRefused("この子どもには認定期間の重なる認定があります。")
        row = HoikuNintei.objects.create(
            atena_id=inp.atena_id,
            hogosha_atena_id=inp.hogosha_atena_id,
            hogosha2_atena_id=inp.hogosha2_atena_id,
            seiho=inp.seiho,
            kyodai_kasan=inp.kyodai_kasan,
            kubun=kubun,
            hitsuyoryo=hitsuyoryo,
            jiyu=inp.jiyu if kubun != NinteiKubun.ICHI else "",
            shuro_jikan=inp.shuro_jikan,
            start_date=inp.start_date,
            end_date=inp.end_date,
            created_by=actor.username,
        )
        _rireki(
            actor=actor,
            action="nintei",
            atena_id=inp.atena_id,
            detail={"nintei_id": row.pk, "kubun": kubun, "hitsuyoryo": hitsuyoryo},
            riyu="子ども・子育て支援法第20条",
        )
    return row


# --- ひとり親世帯等の認定 -------------------------------------------------------------------

#: which evidence can support which household status
KONKYO_OF = {
    KeigenKind.HITORIOYA: {KeigenKonkyo.FUYOTEATE, KeigenKonkyo.HAIGUSHA_NASHI},
    KeigenKind.ZAITAKU_SHOGAI: {
        KeigenKonkyo.SHINTAI_TECHO,
        KeigenKonkyo.RYOIKU_TECHO,
        KeigenKonkyo.SEISHIN_TECHO,
        KeigenKonkyo.TOKUBETSU_JIDO,
        KeigenKonkyo.SHOGAI_NENKIN,
    },
    KeigenKind.YOHOGO: {KeigenKonkyo.YOHOGO},
}


@dataclass(frozen=True)
class KeigenInput:
    nintei_id: int
    kind: str
    konkyo: str
    start_date: date
    end_date: date | None = None
    konkyo_note: str = ""


def keigen_register(*, inp: KeigenInput, actor: Actor) -> HoikuKeigenNintei:
    """Record that the household of a 支給認定 is recognised as ひとり親世帯等 or 要保護
    (the clerk saw the evidence ``konkyo``); the 保育料 follows at the next 算定."""
    if inp.kind not in KeigenKind.values or inp.konkyo not in KeigenKonkyo.values:
        raise HoikuRefused("世帯の区分と根拠を選んでください。")
    if KeigenKonkyo(inp.konkyo) not in KONKYO_OF[KeigenKind(inp.kind)]:
        raise HoikuRefused("その根拠では、その世帯の区分と認められません。")
    if inp.end_date is not None and inp.end_date < inp.start_date:
        raise HoikuRefused("適用の終期が始期より前です。")
    with transaction.atomic(durable=True):
        nintei = HoikuNintei.objects.filter(pk=inp.nintei_id).first()
        if nintei is None:
            raise HoikuRefused("その支給認定は見つかりません。")
        overlap = HoikuKeigenNintei.objects.filter(nintei=nintei).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=inp.start_date)
        )
        if inp.end_date is not None:
            overlap = overlap.filter(start_date__lte=inp.end_date)
        if overlap.exists():
            raise HoikuRefused("この支給認定には適用期間の重なる認定があります。")
        row = HoikuKeigenNintei.objects.create(
            nintei=nintei,
            kind=inp.kind,
            konkyo=inp.konkyo,
            konkyo_note=inp.konkyo_note[:100],
            start_date=inp.start_date,
            end_date=inp.end_date,
            created_by=actor.username,
        )
        _rireki(
            actor=actor,
            action="keigen_nintei",
            atena_id=nintei.atena_id,
            detail={"keigen_id": row.pk, "nintei_id": nintei.pk, "kind": inp.kind},
            riyu="子ども・子育て支援法施行令第4条（ひとり親世帯等の認定）",
        )
    return row


def keigen_end(*, keigen_id: int, end_date: date, actor: Actor) -> HoikuKeigenNintei:
    """End a recognition (the household is no longer ひとり親世帯等) on ``end_date``."""
    with transaction.atomic(durable=True):
        row = (
            HoikuKeigenNintei.objects.select_for_update()
            .select_related("nintei")
            .filter(pk=keigen_id)
            .first()
        )
        if row is None:
            raise HoikuRefused("その認定は見つかりません。")
        if end_date < row.start_date:
            raise HoikuRefused("適用の終期が始期より前です。")
        row.end_date = end_date
        row.save(update_fields=["end_date"])
        _rireki(
            actor=actor,
            action="keigen_shuryo",
            atena_id=row.nintei.atena_id,
            detail={"keigen_id": row.pk, "end_date": end_date.isoformat()},
            riyu="ひとり親世帯等の認定の終了",
        )
    return row


# --- 町の表 -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShisuRow:
    kind: str
    code: str
    label: str
    points: int
    jiyu: str = ""
    shuro_jikan_from: int | None = None


def shisu_table_set(*, nendo: int, rows: Sequence[ShisuRow], actor: Actor, riyu: str) -> int:
    """The town's 利用調整 table of ``nendo`` replaced by ``rows`` (基本指数 per 事由, for 就労
    by monthly hours from; 調整指数 items). Returns the number of rows."""
    codes = [r.code for r in rows]
    if len(set(codes)) != len(codes):
        raise HoikuRefused("項目番号が重なっています。")
    for r in rows:
        if r.kind not in ShisuKind.values:
            raise HoikuRefused(f"項目 {r.code}: 指数の種類が正しくありません。")
        if r.kind == ShisuKind.KIHON and r.jiyu not in HoikuJiyu.values:
            raise HoikuRefused(f"項目 {r.code}: 基本指数には事由が必要です。")
    if not riyu.strip():
        raise HoikuRefused("根拠（町の利用調整基準）を入力してください。")
    with transaction.atomic(durable=True):
        before = list(HoikuShisu.objects.filter(nendo=nendo).values("code", "points"))
        HoikuShisu.objects.filter(nendo=nendo).delete()
        HoikuShisu.objects.bulk_create(
            HoikuShisu(
                nendo=nendo,
                kind=r.kind,
                code=r.code,
                label=r.label,
                jiyu=r.jiyu if r.kind == ShisuKind.KIHON else "",
                shuro_jikan_from=r.shuro_jikan_from,
                points=r.points,
            )
            for r in rows
        )
        _rireki(
            actor=actor,
            action="shisu_table",
            atena_id=None,
            detail={"nendo": nendo, "before": before, "after": [(r.code, r.points) for r in rows]},
            riyu=riyu,
        )
    return len(rows)


def hoikuryo_table_set(
    *, nendo: int, rows: Sequence[dict[str, Any]], actor: Actor, riyu: str
) -> int:
    """The town's own 保育料 table of ``nendo`` (its 条例・規則), checked as the rules read it;
    an empty ``rows`` goes back to the national table."""
    try:
        table = rules.kaiso_table(rows) if rows else []
    except (KeyError, ValueError) as exc:
        raise HoikuRefused(f"保育料表が正しくありません：{exc}") from exc
    if not riyu.strip():
        raise HoikuRefused("根拠（町の条例・規則）を入力してください。")
    with transaction.atomic(durable=True):
        HoikuryoKaiso.objects.filter(nendo=nendo).delete()
        HoikuryoKaiso.objects.bulk_create(
            HoikuryoKaiso(
                nendo=nendo,
                no=k.no,
                label=k.label,
                kind=k.kind.value,
                under=k.under,
                hyojun=k.hyojun,
                tanjikan=k.tanjikan,
            )
            for k in table
        )
        _rireki(
            actor=actor,
            action="hoikuryo_table",
            atena_id=None,
            detail={"nendo": nendo, "rows": len(table)},
            riyu=riyu,
        )
    return len(table)


# --- 入所申込と利用調整 -------------------------------------------------------------------


def moshikomi_register(
    *,
    nintei_id: int,
    uketsuke_no: int,
    uketsuke_date: date,
    kibo_month: date,
    kibo_codes: Sequence[str],
    chosei_codes: Sequence[str] = (),
    actor: Actor,
) -> HoikuMoshikomi:
    """An 入所申込 with its 希望施設 (facility numbers, in order)."""
    if kibo_month.day != 1:
        raise HoikuRefused("入所希望月は月の1日で入力してください。")
    if not kibo_codes or len(set(kibo_codes)) != len(kibo_codes):
        raise HoikuRefused("希望施設を重ねずに1つ以上入力してください。")
    nendo = rules.nendo_of(kibo_month)
    with transaction.atomic(durable=True):
        nintei = HoikuNintei.objects.filter(pk=nintei_id).first()
        if nintei is None or nintei.kubun == NinteiKubun.ICHI:
            raise HoikuRefused("保育の認定（2号・3号）が見つかりません。")
        if not nintei.start_date <= kibo_month <= nintei.end_date or nintei.shuryo_date:
            raise HoikuRefused("入所希望月が認定期間の外です。")
        shisetsu = {s.code: s for s in HoikuShisetsu.objects.filter(code__in=kibo_codes)}
        missing = [c for c in kibo_codes if c not in shisetsu]
        if missing:
            raise HoikuRefused(f"施設番号 {'・'.join(missing)} の施設はありません。")
        known = set(
            HoikuShisu.objects.filter(nendo=nendo, kind=ShisuKind.CHOSEI).values_list(
                "code", flat=True
            )
        )
        unknown = [c for c in chosei_codes if c not in known]
        if unknown:
            raise HoikuRefused(f"調整指数の項目 {'・'.join(unknown)} はこの年度の表にありません。")
        if HoikuMoshikomi.objects.filter(nendo=nendo, uketsuke_no=uketsuke_no).exists():
            raise HoikuRefused(f"受付番号 {uketsuke_no} はこの年度に使われています。")
        row = HoikuMoshikomi.objects.create(
            nintei=nintei,
            nendo=nendo,
            uketsuke_no=uketsuke_no,
            uketsuke_date=uketsuke_date,
            kibo_month=kibo_month,
            chosei_codes=list(chosei_codes),
        )
        HoikuKibo.objects.bulk_create(
            HoikuKibo(moshikomi=row, junni=i, shisetsu=shisetsu[c])
            for i, c in enumerate(kibo_codes, start=1)
        )
        _rireki(
            actor=actor,
            action="moshikomi",
            atena_id=nintei.atena_id,
            detail={"moshikomi_id": row.pk, "uketsuke_no": uketsuke_no, "kibo": list(kibo_codes)},
        )
    return row


def kihon_shisu(table: Sequence[HoikuShisu], nintei: HoikuNintei) -> int:
    """The 基本指数 of the 認定's 事由 (for 就労, the row with the highest hours-from the
    hours reach); 0 when the table has no row for it."""
    best = 0
    for r in table:
        if r.kind != ShisuKind.KIHON or r.jiyu != nintei.jiyu:
            continue
        if r.shuro_jikan_from is not None and (nintei.shuro_jikan or 0) < r.shuro_jikan_from:
            continue
        best = max(best, r.points)
    return best


@dataclass(frozen=True)
class ChoseiResult:
    run_id: int
    taisho: int
    naitei: int
    horyu: int


def _active_on(day: date) -> Q:
    return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))


def chosei_run(*, month: date, actor: Actor) -> ChoseiResult:
    """The 利用調整 for the 入所 of ``month``: every 受付 application wishing that month is
    ranked by points (基本指数 of the 事由 + 調整指数 of its items, from the town's table of
    the 年度) and the town's tie-break rule, then given the first wished facility with a
    free place in the child's クラス; the others are 保留. The 入所 starts on ``month``.
    One transaction: a failure leaves nothing."""
    if month.day != 1:
        raise HoikuRefused("入所月は月の1日で入力してください。")
    nendo = rules.nendo_of(month)
    dosu_junjo = int(param_value("fukushi.hoiku.chosei.dosu_junjo", nendo))
    with transaction.atomic(durable=True):
        table = list(HoikuShisu.objects.filter(nendo=nendo))
        if not table:
            raise HoikuRefused("この年度の利用調整の指数表が設定されていません。")
        chosei_points = {r.code: r.points for r in table if r.kind == ShisuKind.CHOSEI}
        apps = list(
            HoikuMoshikomi.objects.select_for_update()
            .filter(kibo_month=month, status=MoshikomiStatus.UKETSUKE)
            .select_related("nintei")
            .prefetch_related("kibo__shisetsu")
        )
        births = {
            a: p.birth_date for a, p in person_identities(m.nintei.atena_id for m in apps).items()
        }
        parents = [m.nintei.hogosha_atena_id for m in apps] + [
            m.nintei.hogosha2_atena_id for m in apps if m.nintei.hogosha2_atena_id
        ]
        kazei_fy = rules.kazei_nendo(
            month, kirikae_tsuki=int(param_value("fukushi.hoiku.kirikae_tsuki", nendo))
        )
        kazei = person_kazei_many(parents, kazei_fy)
        applicants: list[rules.Applicant] = []
        points_of: dict[int, int] = {}
        for m in apps:
            n = m.nintei
            pts = kihon_shisu(table, n) + sum(chosei_points.get(c, 0) for c in m.chosei_codes)
            points_of[m.uketsuke_no] = pts
            wari = sum(
                kazei[p].shotokuwari_shichoson
                for p in (n.hogosha_atena_id, n.hogosha2_atena_id)
                if p and p in kazei
            )
            applicants.append(
                rules.Applicant(
                    key=m.uketsuke_no,
                    points=pts,
                    shotokuwari=wari,
                    birth=births[n.atena_id],
                    wishes=tuple(k.shisetsu_id for k in m.kibo.all()),
                    age_class=rules.class_age(births[n.atena_id], nendo),
                )
            )
        free: dict[tuple[int, int], int] = {
            (t.shisetsu_id, t.class_age): t.teiin for t in HoikuTeiin.objects.filter(nendo=nendo)
        }
        enrolled = list(
            HoikuNyusho.objects.filter(_active_on(month)).values_list("shisetsu_id", "atena_id")
        )
        enrolled_births = {
            a: p.birth_date for a, p in person_identities(a for _, a in enrolled).items()
        }
        for sid, aid in enrolled:
            key = (sid, rules.class_age(enrolled_births[aid], nendo))
            free[key] = free.get(key, 0) - 1
        decided = rules.chosei_assign(applicants, free, dosu_junjo=dosu_junjo)
        run = HoikuChoseiRun.objects.create(
            nendo=nendo,
            month=month,
            dosu_junjo=dosu_junjo,
            taisho=len(apps),
            naitei=sum(1 for v in decided.values() if v is not None),
            horyu=sum(1 for v in decided.values() if v is None),
            ran_by=actor.username,
        )
        for m in apps:
            chosen = decided[m.uketsuke_no]
            m.points = points_of[m.uketsuke_no]
            m.status = MoshikomiStatus.NAITEI if chosen is not None else MoshikomiStatus.HORYU
            m.save(update_fields=["points", "status"])
            if chosen is not None:
                HoikuNyusho.objects.create(
                    nintei=m.nintei,
                    atena_id=m.nintei.atena_id,
                    shisetsu_id=chosen,
                    start_date=month,
                    moshikomi=m,
                    run=run,
                )
        HoikuRireki.objects.create(
            actor=actor.username,
            action="chosei_run",
            detail={"run_id": run.pk, "month": month.isoformat(), "dosu_junjo": dosu_junjo},
            riyu="児童福祉法第24条第3項（利用調整）",
        )
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=KODOMO_KOSODATE,
            screen=SCREEN,
            record_type="fukushi.HoikuChoseiRun",
            record_id=run.pk,
            record_count=len(apps),
            detail={"atena_ids": sorted(m.nintei.atena_id for m in apps)},
        )
    return ChoseiResult(run.pk, run.taisho, run.naitei, run.horyu)


def nyusho_register(
    *, nintei_id: int, shisetsu_code: str, start_date: date, actor: Actor
) -> HoikuNyusho:
    """An 入所 entered by the clerk (outside a 利用調整 run: a transfer, a 入所 decided by
    the town directly)."""
    with transaction.atomic(durable=True):
        nintei = HoikuNintei.objects.filter(pk=nintei_id).first()
        shisetsu = HoikuShisetsu.objects.filter(code=shisetsu_code).first()
        if nintei is None or shisetsu is None:
            raise HoikuRefused("認定または施設が見つかりません。")
        if not nintei.start_date <= start_date <= nintei.end_date or (
            nintei.shuryo_date is not None and start_date > nintei.shuryo_date
        ):
            raise HoikuRefused("入所日が認定期間の外です。")
        if HoikuNyusho.objects.filter(_active_on(start_date), atena_id=nintei.atena_id).exists():
            raise HoikuRefused("この子どもはその日に別の施設に入所しています。")
        row = HoikuNyusho.objects.create(
            nintei=nintei, atena_id=nintei.atena_id, shisetsu=shisetsu, start_date=start_date
        )
        _rireki(
            actor=actor,
            action="nyusho",
            atena_id=nintei.atena_id,
            detail={"nyusho_id": row.pk, "shisetsu": shisetsu_code},
        )
    return row


def taisho_register(*, nyusho_id: int, end_date: date, riyu: str, actor: Actor) -> HoikuNyusho:
    """退所: ``end_date`` is the last day in the facility."""
    if not riyu.strip():
        raise HoikuRefused("退所の理由を入力してください。")
    with transaction.atomic(durable=True):
        row = HoikuNyusho.objects.select_for_update().filter(pk=nyusho_id).first()
        if row is None:
            raise HoikuRefused("その入所は見つかりません。")
        if row.end_date is not None:
            raise HoikuRefused("すでに退所しています。")
        if end_date < row.start_date - timedelta(days=1):
            raise HoikuRefused("退所日が入所日より前です。")
        row.end_date = end_date
        row.taisho_riyu = riyu[:40]
        row.save(update_fields=["end_date", "taisho_riyu"])
        _rireki(
            actor=actor,
            action="taisho",
            atena_id=row.atena_id,
            detail={"nyusho_id": row.pk, "end_date": end_date.isoformat()},
            riyu=riyu,
        )
    return row


# --- 転出・死亡 (from the registry's events) ----------------------------------------------


def shuryo_apply(
    *, atena_ids: Sequence[int], last_day: date, riyu: str, ido_id: int, actor: Actor
) -> tuple[int, int]:
    """A child who left the town or died: every 入所 open after ``last_day`` ends on it
    (退所) and every 認定 running after it ends on it; 保育料 of the months after it are
    removed (the fee is by the child's enrolment on the first day of the month). Keyed on
    ``ido_id``: a second delivery changes nothing. Returns (入所 ended, 認定 ended)."""
    # not durable: it runs inside the event delivery's transaction (tenants.events.tasks)
    with transaction.atomic():
        if HoikuNintei.objects.filter(shuryo_ido_id=ido_id).exists() or (
            HoikuNyusho.objects.filter(taisho_ido_id=ido_id).exists()
        ):
            return (0, 0)
        nyusho = list(
            HoikuNyusho.objects.select_for_update().filter(
                Q(end_date__isnull=True) | Q(end_date__gt=last_day), atena_id__in=atena_ids
            )
        )
        for row in nyusho:
            row.end_date = max(last_day, row.start_date - timedelta(days=1))
            row.taisho_riyu = riyu
            row.taisho_ido_id = ido_id
            row.save(update_fields=["end_date", "taisho_riyu", "taisho_ido_id"])
        nintei = list(
            HoikuNintei.objects.select_for_update().filter(
                Q(shuryo_date__isnull=True) | Q(shuryo_date__gt=last_day),
                atena_id__in=atena_ids,
                end_date__gt=last_day,
            )
        )
        for n in nintei:
            n.shuryo_date = max(last_day, n.start_date - timedelta(days=1))
            n.shuryo_riyu = riyu
            n.shuryo_ido_id = ido_id
            n.save(update_fields=["shuryo_date", "shuryo_riyu", "shuryo_ido_id"])
        removed = HoikuryoGetsugaku.objects.filter(
            atena_id__in=atena_ids, month__gt=last_day
        ).delete()[0]
        for aid in sorted({r.atena_id for r in nyusho} | {n.atena_id for n in nintei}):
            _rireki(
                actor=actor,
                action="shuryo",
                atena_id=aid,
                detail={
                    "ido_id": ido_id,
                    "last_day": last_day.isoformat(),
                    "nyusho_ids": [r.pk for r in nyusho if r.atena_id == aid],
                    "nintei_ids": [n.pk for n in nintei if n.atena_id == aid],
                    "getsugaku_removed": removed,
                },
                riyu=riyu,
            )
    return (len(nyusho), len(nintei))
