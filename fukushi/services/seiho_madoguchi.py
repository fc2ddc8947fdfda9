"""窓口払 and 追給 of the monthly 保護費 (SH-17, 生活保護法第31条: 金銭給付, 月ごとの前渡し).

窓口払. A case without an account is paid at the 窓口; a case with one may be named for a
month (``madoguchi_shitei``, before that month's run): its line is then not in the 全銀協
file. Every 窓口 payment (the month's line or a 追給) is listed on the 窓口払 一覧 (PDF and
CSV) and its 受領 is recorded once (``juryo_kiroku``: the day, who received it as a kind,
the clerk).

追給. The run pays each case the decision of its first day of 保護 for the whole month
(``fukushi.services.seiho.seiho_shikyu_make``). A 保護変更 in force on days of a month whose
run was made — one inside the month, or one decided after the run — that raises the month's
保護費 is paid the difference for its days, once per month (``tsuikyu_make``; one
``SeihoTsuikyu`` per decision and month's run, so a 追給 made again pays nothing twice, and a
変更 decided two months late is paid in each month's run):

    追給額 = (変更後の保護費 − 変更前の保護費) × その決定の日数 ÷ その月の日数 (1円未満切上げ)

Whole month: the difference itself. The 日割 of a 変更 inside the month follows the 日割 of
開始 (``fukushi.rules.seiho_hiwari``: 生活扶助 by days); 未確認: whether the 通知 (局長通知
第10) takes 住宅扶助 by days in a 変更 month and how it rounds (ours: the whole 保護費 by
days, raised to the yen). A 変更 lowering the 保護費 is not paid back here (返還 is SH-60〜).

A 保護開始 (or 再開) decided after a month's run has no line in it: ``tsuikyu_make`` pays
that month's 保護費 of its days (the run's own figure, 日割 from the 開始日) once per run, so
a 開始 reaching back over two runs is paid by the 追給 of each. A 第78条の2 申出 is taken from
a 追給 within the 申出's monthly amount (``seiho_chosei.chosei_apply``).
Not built: a 変更 inside or after the month of such a 開始 追給 (the 追給 has no line for
``tsuikyu_plans`` to compare with: the clerk's 変更 is paid from the next month's run).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from fukushi.gyomu import SEIKATSU_HOGO
from fukushi.models import (
    JuryoSha,
    KetteiKind,
    SeihoCase,
    SeihoKettei,
    SeihoMadoguchi,
    SeihoShikyu,
    SeihoShikyuLine,
    SeihoTsuikyu,
    TsuikyuShubetsu,
)
from fukushi.rules.seiho_hiwari import days_in_month
from fukushi.services.seiho import (
    RECORD_TYPE,
    MonthPayment,
    SeihoRefused,
    _births,
    _month_end,
    compute,
    furikomi_irainin,
    member_input,
    members_on,
    month_payment,
    setai_of,
)
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.wareki import format_wareki, to_wareki
from tenants.zengin import Account, FurikomiLine, sogo_furikomi_file

SCREEN = "fukushi.seiho_madoguchi"
SCREEN_TSUIKYU = "fukushi.seiho_tsuikyu"


def _tsuki(d: date) -> str:
    """令和8年7月 (a month in 和暦)."""
    w = to_wareki(d)
    return f"{w.era}{w.year_label}年{w.month}月"


# --- 窓口払 -----------------------------------------------------------------------------------


def madoguchi_shitei(*, case_id: int, month: date, riyu: str, actor: Actor) -> SeihoMadoguchi:
    """Name ``month`` of a case with an account as a 窓口払 (before the month's run)."""
    month = month.replace(day=1)
    riyu = riyu.strip()
    if not riyu:
        raise SeihoRefused("窓口払とする理由を入力してください。")
    with transaction.atomic(durable=True):
        case = SeihoCase.objects.select_for_update().get(pk=case_id)
        if not case.koza_bango:
            raise SeihoRefused("口座のないケースは、いつも窓口払です。")
        if SeihoShikyu.objects.filter(month=month).exists():
            raise SeihoRefused(
                "この月の支給はすでに作成しています（窓口払は作成の前に指定します）。"
            )
        if case.haishi_date is not None and case.haishi_date <= month:
            raise SeihoRefused("この月は保護を廃止しています。")
        if SeihoMadoguchi.objects.filter(case=case, month=month).exists():
            raise SeihoRefused("この月はすでに窓口払に指定しています。")
        m = SeihoMadoguchi.objects.create(
            case=case, month=month, riyu=riyu[:200], actor=actor.username
        )
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=SEIKATSU_HOGO,
            screen=SCREEN,
            record_type=RECORD_TYPE,
            record_id=case.pk,
            detail={"madoguchi_id": m.pk, "month": month.isoformat()},
        )
        return m


def madoguchi_case_ids(month: date) -> set[int]:
    """The cases named 窓口払 for ``month`` (the run leaves them out of the 全銀協 file)."""
    return set(
        SeihoMadoguchi.objects.filter(month=month.replace(day=1)).values_list("case_id", flat=True)
    )


@dataclass(frozen=True)
class MadoguchiRow:
    kind: str  # "line" | "tsuikyu"
    pk: int
    case_id: int
    case_no: str
    nushi_atena_id: int
    shubetsu: str  # 保護費 / 追給 in words
    amount: int
    shikyu_date: date
    juryo_date: date | None
    juryo_sha: str
    juryo_actor: str


def madoguchi_rows(run: SeihoShikyu) -> list[MadoguchiRow]:
    """Every 窓口 payment of the run's month: the lines not paid into an account, then the
    追給 paid at the 窓口, by ケース番号."""
    sha = dict(JuryoSha.choices)
    rows = [
        MadoguchiRow(
            kind="line",
            pk=ln.pk,
            case_id=ln.case_id,
            case_no=ln.case.case_no,
            nushi_atena_id=ln.case.nushi_atena_id,
            shubetsu="保護費",
            amount=ln.amount,
            shikyu_date=run.furikomi_date,
            juryo_date=ln.juryo_date,
            juryo_sha=sha.get(ln.juryo_sha, ""),
            juryo_actor=ln.juryo_actor,
        )
        for ln in run.lines.filter(furikomi=False, amount__gt=0).select_related("case")
    ]
    rows += [
        MadoguchiRow(
            kind="tsuikyu",
            pk=t.pk,
            case_id=t.case_id,
            case_no=t.case.case_no,
            nushi_atena_id=t.case.nushi_atena_id,
            shubetsu="追給",
            amount=t.amount,
            shikyu_date=t.shikyu_date,
            juryo_date=t.juryo_date,
            juryo_sha=sha.get(t.juryo_sha, ""),
            juryo_actor=t.juryo_actor,
        )
        for t in run.tsuikyus.filter(furikomi=False).select_related("case")
    ]
    return sorted(rows, key=lambda r: (r.case_no, r.kind == "tsuikyu", r.pk))


def juryo_kiroku(
    *, run: SeihoShikyu, kind: str, pk: int, juryo_date: date, juryo_sha: str, actor: Actor
) -> MadoguchiRow:
    """Record once that the household received a 窓口 payment of ``run``'s month."""
    if juryo_sha not in JuryoSha.values:
        raise SeihoRefused("受領した方を選んでください。")
    model: type[SeihoShikyuLine] | type[SeihoTsuikyu]
    model = SeihoShikyuLine if kind == "line" else SeihoTsuikyu
    with transaction.atomic(durable=True):
        row = model.objects.select_for_update().filter(pk=pk, shikyu=run).first()
        if row is None or row.furikomi or row.amount <= 0:
            raise SeihoRefused("窓口払の明細が見つかりません。")
        if row.juryo_date is not None:
            raise SeihoRefused("この支給の受領はすでに記録しています。")
        paid_on = row.shikyu_date if isinstance(row, SeihoTsuikyu) else run.furikomi_date
        if juryo_date < paid_on:
            raise SeihoRefused("受領日が支給日より前です。")
        if juryo_date > timezone.localdate():
            raise SeihoRefused("受領日が未来の日です。")
        row.juryo_date = juryo_date
        row.juryo_sha = juryo_sha
        row.juryo_actor = actor.username
        row.juryo_at = timezone.now()
        row.save(update_fields=["juryo_date", "juryo_sha", "juryo_actor", "juryo_at"])
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=SEIKATSU_HOGO,
            screen=SCREEN,
            record_type=RECORD_TYPE,
            record_id=row.case_id,
            detail={"shikyu_id": run.pk, "juryo": kind, "id": row.pk},
        )
    return next(r for r in madoguchi_rows(run) if r.kind == kind and r.pk == pk)


# --- 追給 ----------------------------------------------------------------------------------


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


@dataclass(frozen=True)
class TsuikyuPlan:
    kettei: SeihoKettei
    mae: int
    ato: int
    nissu: int
    amount: int
    uchiwake: str


def _in_force(ordered: list[SeihoKettei], day: date) -> SeihoKettei | None:
    found = None
    for k in ordered:
        if k.tekiyo_date <= day:
            found = k
        else:
            break
    return found


def _month_figure(case: SeihoCase, k: SeihoKettei, first: date, latest: bool) -> int | None:
    """The monthly 保護費 of decision ``k`` for the month of ``first``: its own figure when
    it was decided for that month; for an earlier one, computed again for the month when it
    is still the case's last decision (the case holds its values); else unknown."""
    if k.tekiyo_date.replace(day=1) == first.replace(day=1):
        return k.hogohi
    if not latest:
        return None
    ms = members_on(case, first)
    if not ms:
        return None
    r = compute(
        setai_of(case), [member_input(m) for m in ms], _births(m.atena_id for m in ms), first
    )
    return r.hogohi


def tsuikyu_plans(line: SeihoShikyuLine, month: date) -> list[TsuikyuPlan]:
    """The 追給 owed to ``line``'s case for ``month``: one per 変更 now in force on days of
    the month after the decision the run paid (``line.kettei``), raising the 保護費."""
    case = line.case
    ordered = sorted(case.ketteis.all(), key=lambda k: (k.tekiyo_date, k.pk))
    basis = line.kettei
    later = [k for k in ordered if (k.tekiyo_date, k.pk) > (basis.tekiyo_date, basis.pk)]
    if not later:
        return []
    dim = days_in_month(month)
    days_of: dict[int, list[date]] = {}
    end = _month_end(month)
    day = month
    while day <= end:
        k = _in_force(ordered, day)
        if k is not None and k in later and k.kind == KetteiKind.HENKO:
            days_of.setdefault(k.pk, []).append(day)
        day = date.fromordinal(day.toordinal() + 1)
    plans: list[TsuikyuPlan] = []
    by_pk = {k.pk: k for k in ordered}
    for pk, days in days_of.items():
        k = by_pk[pk]
        prev = _in_force(
            [x for x in ordered if (x.tekiyo_date, x.pk) < (k.tekiyo_date, k.pk)], days[0]
        )
        if prev is None:
            continue
        if prev.pk == basis.pk and line.nissu == 0:
            mae: int | None = line.amount + line.chosei
        else:
            mae = _month_figure(case, prev, days[0], latest=False)
        ato = _month_figure(case, k, days[0], latest=k.pk == ordered[-1].pk)
        if mae is None or ato is None or ato <= mae:
            continue
        diff = ato - mae
        amount = diff if len(days) == dim else _ceil_div(diff * len(days), dim)
        uchiwake = (
            f"変更後{ato:,}円−変更前{mae:,}円＝{diff:,}円"
            if len(days) == dim
            else f"（変更後{ato:,}円−変更前{mae:,}円）×{len(days)}日÷{dim}日＝{amount:,}円"
        )
        plans.append(
            TsuikyuPlan(
                kettei=k, mae=mae, ato=ato, nissu=len(days), amount=amount, uchiwake=uchiwake
            )
        )
    return plans


def _kaishi_uchiwake(pay: MonthPayment, month: date) -> str:
    k = pay.kettei
    head = f"{k.get_kind_display()}（{format_wareki(k.tekiyo_date)}から、支給の作成後に決定）"
    if pay.nissu:
        return f"{head}：{pay.uchiwake}"[:200]
    return f"{head}：{_tsuki(month)}分 1か月 {pay.amount:,}円"[:200]


def tsuikyu_make(*, run: SeihoShikyu, shikyu_date: date, actor: Actor) -> list[SeihoTsuikyu]:
    """The 追給 of ``run``'s month not yet paid (one per decision and run: made again, it
    pays nothing twice):

    - a 変更 raising the 保護費 of a case the run paid (``tsuikyu_plans``);
    - a case the run did not pay because its 保護開始 (or 再開) was decided after the run:
      the month's 保護費 of its days, as the run would have paid it
      (``fukushi.services.seiho.month_payment``: 日割 from the 開始日). A 開始 decided
      after the runs of two months is paid by the 追給 of each month's run.

    A 徴収 the household asked for under 生活保護法第78条の2 is taken from each 追給
    (``fukushi.services.seiho_chosei.chosei_apply``, the 申出's monthly amount counted in
    the month of ``shikyu_date``); the 追給 pays the rest."""
    from fukushi.services.seiho_chosei import chosei_apply  # it imports fukushi.services.seiho

    if shikyu_date < run.furikomi_date:
        raise SeihoRefused("追給の支給日が、その月の支給日より前です。")
    month = run.month
    with transaction.atomic(durable=True):
        run = SeihoShikyu.objects.select_for_update().get(pk=run.pk)
        done = set(SeihoTsuikyu.objects.filter(shikyu=run).values_list("kettei_id", flat=True))
        madoguchi = madoguchi_case_ids(month)
        made: list[SeihoTsuikyu] = []

        def add(
            case: SeihoCase,
            *,
            kettei: SeihoKettei,
            shubetsu: str,
            mae: int,
            ato: int,
            nissu: int,
            gaku: int,
            uchiwake: str,
        ) -> None:
            chosei = chosei_apply(
                case_id=case.pk, month=month, amount=gaku, shuno_date=shikyu_date,
                actor=actor, tsuikyu=True,
            )  # fmt: skip
            made.append(
                SeihoTsuikyu.objects.create(
                    shikyu=run,
                    case=case,
                    kettei=kettei,
                    shubetsu=shubetsu,
                    mae_hogohi=mae,
                    ato_hogohi=ato,
                    nissu=nissu,
                    amount=gaku - chosei,
                    chosei=chosei,
                    uchiwake=uchiwake,
                    furikomi=bool(case.koza_bango) and case.pk not in madoguchi,
                    shikyu_date=shikyu_date,
                    actor=actor.username,
                )
            )

        lines = run.lines.select_related("case", "kettei").prefetch_related("case__ketteis")
        for ln in lines.order_by("case__case_no"):
            for p in tsuikyu_plans(ln, month):
                if p.kettei.pk in done or p.amount <= 0:
                    continue
                add(
                    ln.case,
                    kettei=p.kettei,
                    shubetsu=TsuikyuShubetsu.HENKO,
                    mae=p.mae,
                    ato=p.ato,
                    nissu=p.nissu,
                    gaku=p.amount,
                    uchiwake=p.uchiwake,
                )
        # 開始・再開 decided after the run: cases with days of 保護 in the month and no line
        unpaid = (
            SeihoCase.objects.filter(kaishi_date__lte=_month_end(month))
            .exclude(haishi_date__lte=month)
            .exclude(pk__in=run.lines.values("case_id"))
            .prefetch_related("ketteis")
            .order_by("case_no")
        )
        for case in unpaid:
            pay = month_payment(case, list(case.ketteis.all()), month)
            if pay is None or pay.kettei.pk in done:
                continue
            add(
                case,
                kettei=pay.kettei,
                shubetsu=TsuikyuShubetsu.KAISHI,
                mae=0,
                ato=pay.kettei.hogohi,
                nissu=pay.nissu or days_in_month(month),
                gaku=pay.amount,
                uchiwake=_kaishi_uchiwake(pay, month),
            )
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=SEIKATSU_HOGO,
            screen=SCREEN_TSUIKYU,
            record_type="fukushi.SeihoShikyu",
            record_id=run.pk,
            record_count=len(made),
            detail={
                "case_ids": [t.case_id for t in made],
                "chosei_case_ids": [t.case_id for t in made if t.chosei],
            },
        )
        return made


def tsuikyu_furikomi_file(run: SeihoShikyu, shikyu_date: date) -> tuple[bytes, list[int]]:
    """The 全銀協 総合振込 file of the 追給 of ``run``'s month paid on ``shikyu_date``."""
    rows = list(
        run.tsuikyus.filter(furikomi=True, shikyu_date=shikyu_date)
        .select_related("case")
        .order_by("case__case_no", "pk")
    )
    if not rows:
        raise SeihoRefused("口座振込の追給がありません。")
    data = sogo_furikomi_file(
        irainin=furikomi_irainin(shikyu_date),
        torikumi=shikyu_date,
        lines=[
            FurikomiLine(
                account=Account(
                    t.case.kinyu_kikan,
                    t.case.shiten,
                    t.case.yokin_shumoku,
                    t.case.koza_bango,
                    t.case.meigi_kana,
                ),
                amount=t.amount,
                customer1=t.case.case_no,
            )
            for t in rows
        ],
    )
    return data, [t.case_id for t in rows]
