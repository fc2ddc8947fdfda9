"""滞納整理 (issue 18 item 6): the case of a taxpayer across every 税目, and the acts on it.

Reads (set-based: a few queries for any number of 期別):

- ``arrears`` — every 期別 past its 納期限 with a balance on a day and no 不納欠損;
- ``jiko_many`` — each 期別's 時効 (``zeimu.rules.shuno_taino``: 督促, 承認 (分納誓約, part
  payments), 差押・交付要求, 催告 from the ledger and the case) and its 執行停止;
- ``case_list`` — the cases (one per taxpayer) with filters; ``case_detail`` — one case.

Writes: each act is one service, one ``transaction.atomic(durable=True)``, writing its row,
the case's 経過 (the domain audit row) and an access-log row: 担当者, 交渉記録, 分納誓約
(and its end), 差押・交付要求 (解除, 換価・配当 as 収納 of kind 滞納処分), 執行停止 (取消,
即時消滅) and 不納欠損 (``kesson_apply_many``, for the yearly job). The 催告 is written by
``saikoku_issue_many`` (job and single print), in ``zeimu.services.shuno_taino_print``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce

from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.params.services import ParameterMissing, param_value
from tenants.rentai import RENTAI_KINDS, RentaiAnswer, RentaiAsk, rentai_lookup
from tenants.wareki import fiscal_year_of
from zeimu.gyomu import SHUNO_KANRI
from zeimu.models import (
    Bunno,
    BunnoKai,
    Haito,
    KeikaKind,
    Kesson,
    KessonReason,
    Kibetsu,
    Saikoku,
    Shobun,
    ShobunKind,
    Shuno,
    ShunoKind,
    TainoCase,
    TainoKeika,
    Teishi,
    TeishiReason,
    Tokusoku,
    Zeimoku,
)
from zeimu.rules.shuno_taino import EventKind, Jiko, JikoEvent, jiko_compute, teishi_shometsu
from zeimu.services.shuno import ShunoRefused, balances
from zeimu.services.shuno_entaikin import entaikin_kakutei
from zeimu.services.shuno_kesson import kesson_teisei

_K = "zeimu.shuno."
#: 税目 whose 徴収権 is a premium's (2 years), not a tax's (5 years)
HOKENRYO = {Zeimoku.KAIGO, Zeimoku.KOKI}
#: money the taxpayer paid: a part payment is 承認; what a 分納 schedule is matched against
PAID_KINDS = (ShunoKind.NOFU, ShunoKind.JUTO_IN, ShunoKind.SHOBUN)


def _who(actor: Actor) -> str:
    return actor.username or actor.api_client or "system"


def _log(actor: Actor, action: str, screen: str, atena_id: int, detail: dict[str, Any]) -> None:
    access_record(
        actor=actor,
        action=action,
        gyomu=SHUNO_KANRI,
        screen=screen,
        record_type="atena",
        record_id=atena_id,
        detail=detail,
    )


# --- arrears and 時効 ----------------------------------------------------------------------


@dataclass(frozen=True)
class Arrear:
    kibetsu_id: int
    atena_id: int
    zeimoku: str
    nendo: int
    ki_label: str
    nouki: date
    zan: int

    @property
    def zeimoku_label(self) -> str:
        return str(Zeimoku(self.zeimoku).label)


def arrears(
    *, on: date, atena_ids: Iterable[int] | None = None, kibetsu_ids: Iterable[int] | None = None
) -> list[Arrear]:
    """Every 期別 whose 納期限 is before ``on``, with a balance above zero on ``on`` and no
    不納欠損, oldest 納期限 first (one query)."""
    where = ["k.nouki < %s", "NOT EXISTS (SELECT 1 FROM zeimu_kesson x WHERE x.kibetsu_id = k.id)"]
    args: list[Any] = [on, on, on]
    if atena_ids is not None:
        where.append("k.atena_id = ANY(%s::bigint[])")
        args.append(list(atena_ids))
    if kibetsu_ids is not None:
        where.append("k.id = ANY(%s::bigint[])")
        args.append(list(kibetsu_ids))
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id, atena_id, zeimoku, nendo, ki_label, nouki, zan FROM ("  # noqa: S608
            " SELECT k.id, k.atena_id, k.zeimoku, k.nendo, k.ki_label, k.nouki,"
            " COALESCE((SELECT SUM(c.amount) FROM zeimu_chotei c"
            '   WHERE c.kibetsu_id = k.id AND c."on" <= %s), 0)'
            " - COALESCE((SELECT SUM(s.amount) FROM zeimu_shuno s"
            '   WHERE s.kibetsu_id = k.id AND s."on" <= %s), 0) AS zan'
            " FROM zeimu_kibetsu k WHERE " + " AND ".join(where) + ") t"
            " WHERE zan > 0 ORDER BY nouki, atena_id, id",
            args,
        )
        return [Arrear(*row) for row in cur.fetchall()]


@dataclass(frozen=True)
class Shometsu:
    """When the duty of one 期別 ends, and why."""

    jiko: Jiko
    #: the active 執行停止 (not cancelled), its date and when its 3 years end
    teishi_date: date | None = None
    teishi_end: date | None = None
    sokuji: date | None = None

    @property
    def on(self) -> date | None:
        """The first day the duty no longer exists (the earliest reason), or None."""
        days = [d for d in (self.jiko.shometsu, self.teishi_end, self.sokuji) if d is not None]
        return min(days) if days else None

    @property
    def reason(self) -> str:
        on = self.on
        if on is None:
            return ""
        if on == self.sokuji:
            return KessonReason.SOKUJI
        if on == self.jiko.shometsu:
            return KessonReason.JIKO
        return KessonReason.TEISHI


def _nensu(zeimoku: str, nouki: date) -> int:
    key = "jiko.nensu_hokenryo" if zeimoku in HOKENRYO else "jiko.nensu"
    return int(param_value(_K + key, fiscal_year_of(nouki)))


def jiko_many(kibetsu_ids: Iterable[int]) -> dict[int, Shometsu]:
    """The 時効 and 執行停止 of each 期別, from its events (seven queries for any number)."""
    ids = list(kibetsu_ids)
    kibs = {k.pk: k for k in Kibetsu.objects.filter(pk__in=ids)}
    events: dict[int, list[JikoEvent]] = defaultdict(list)
    for kid, hakko, kigen in Tokusoku.objects.filter(kibetsu_id__in=ids).values_list(
        "kibetsu_id", "hakko_date", "shitei_kigen"
    ):
        events[kid].append(JikoEvent(EventKind.KOSHIN, hakko, start=kigen, label="督促"))
    for kid, seiyaku in Bunno.kibetsu.through.objects.filter(kibetsu_id__in=ids).values_list(
        "kibetsu_id", "bunno__seiyaku_date"
    ):
        events[kid].append(
            JikoEvent(EventKind.KOSHIN, seiyaku, start=seiyaku + timedelta(days=1),
                      label="分納誓約（承認）")
        )  # fmt: skip
    for kid, on in (
        Shuno.objects.filter(kibetsu_id__in=ids, kind=ShunoKind.NOFU, amount__gt=0)
        .values_list("kibetsu_id", "on")
        .distinct()
    ):
        if on > kibs[kid].nouki:
            events[kid].append(
                JikoEvent(EventKind.KOSHIN, on, start=on + timedelta(days=1),
                          label="一部納付（承認）")
            )  # fmt: skip
    for kid, kind, start, end in Shobun.kibetsu.through.objects.filter(
        kibetsu_id__in=ids
    ).values_list("kibetsu_id", "shobun__kind", "shobun__shobun_date", "shobun__kaijo_date"):
        events[kid].append(
            JikoEvent(EventKind.HOLD, start, end=end, label=str(ShobunKind(kind).label))
        )
    atena_ids = {k.atena_id for k in kibs.values() if k.atena_id is not None}
    wanted = set(ids)
    for hakko, kids in Saikoku.objects.filter(case__atena_id__in=atena_ids).values_list(
        "hakko_date", "kibetsu_ids"
    ):
        for kid in kids:
            if kid in wanted:
                events[kid].append(JikoEvent(EventKind.SAIKOKU, hakko, label="催告"))
    teishi: dict[int, tuple[date, date | None]] = {}
    for kid, tdate, sokuji in Teishi.kibetsu.through.objects.filter(
        kibetsu_id__in=ids, teishi__torikeshi_date__isnull=True
    ).values_list("kibetsu_id", "teishi__teishi_date", "teishi__sokuji_date"):
        if kid not in teishi or tdate < teishi[kid][0]:
            teishi[kid] = (tdate, sokuji)
    out: dict[int, Shometsu] = {}
    months: dict[int, int] = {}
    for kid, k in kibs.items():
        fy = fiscal_year_of(k.nouki)
        if fy not in months:
            months[fy] = int(param_value(_K + "taino.saikoku_yuyo_tsuki", max(fy, 2020)))
        jiko = jiko_compute(
            nouki=k.nouki,
            nensu=_nensu(k.zeimoku, k.nouki),
            events=events[kid],
            saikoku_months=months[fy],
        )
        t = teishi.get(kid)
        if t is None:
            out[kid] = Shometsu(jiko)
        else:
            nensu = int(param_value(_K + "taino.teishi_nensu", fiscal_year_of(t[0])))
            out[kid] = Shometsu(jiko, t[0], teishi_shometsu(t[0], nensu=nensu), t[1])
    return out


# --- the case list and one case ------------------------------------------------------------


@dataclass(frozen=True)
class CaseRow:
    atena_id: int
    case_id: int | None
    tanto_name: str
    zan: int
    kibetsu: int
    zeimoku_labels: tuple[str, ...]
    oldest_nouki: date
    #: the earliest day a 期別 of the case ends (時効, 停止3年, 即時消滅)
    shometsu: date | None


def case_list(
    *,
    on: date,
    zeimoku: str | None = None,
    min_zan: int | None = None,
    jiko_months: int | None = None,
    tanto_user_id: int | None = None,
    atena_ids: Iterable[int] | None = None,
) -> list[CaseRow]:
    """Taxpayers with arrears on ``on`` (one case each), largest balance first. Filters: a
    税目 among their arrears, a least balance, a 期別 ending within ``jiko_months`` months
    of ``on``, the 担当者."""
    rows = arrears(on=on, atena_ids=atena_ids)
    if zeimoku:
        keep = {r.atena_id for r in rows if r.zeimoku == zeimoku}
        rows = [r for r in rows if r.atena_id in keep]
    ends = jiko_many(r.kibetsu_id for r in rows)
    cases = {
        a: (pk, uid, name)
        for pk, a, uid, name in TainoCase.objects.filter(
            atena_id__in={r.atena_id for r in rows}
        ).values_list("pk", "atena_id", "tanto_user_id", "tanto_name")
    }
    by_atena: dict[int, list[Arrear]] = defaultdict(list)
    for r in rows:
        by_atena[r.atena_id].append(r)
    limit = None
    if jiko_months is not None:
        from zeimu.rules.shuno_taino import end_of_period

        limit = end_of_period(on + timedelta(days=1), months=jiko_months) + timedelta(days=1)
    out: list[CaseRow] = []
    for atena_id, items in by_atena.items():
        case = cases.get(atena_id)
        if tanto_user_id is not None and (case is None or case[1] != tanto_user_id):
            continue
        zan = sum(i.zan for i in items)
        if min_zan is not None and zan < min_zan:
            continue
        days = [d for i in items if (d := ends[i.kibetsu_id].on) is not None]
        first = min(days) if days else None
        if limit is not None and (first is None or first > limit):
            continue
        out.append(
            CaseRow(
                atena_id=atena_id,
                case_id=case[0] if case else None,
                tanto_name=case[2] if case else "",
                zan=zan,
                kibetsu=len(items),
                zeimoku_labels=tuple(dict.fromkeys(i.zeimoku_label for i in items)),
                oldest_nouki=min(i.nouki for i in items),
                shometsu=first,
            )
        )
    out.sort(key=lambda c: (-c.zan, c.atena_id))
    return out


@dataclass
class CaseLine:
    arrear: Arrear
    tokusoku: date | None
    entaikin: int
    shometsu: Shometsu


@dataclass
class BunnoView:
    bunno: Bunno
    kai: list[tuple[BunnoKai, str]]
    paid: int
    ihan: bool


@dataclass
class CaseDetail:
    atena_id: int
    case: TainoCase | None
    lines: list[CaseLine]
    keika: list[TainoKeika]
    bunno: list[BunnoView]
    shobun: list[Shobun]
    teishi: list[Teishi]
    kesson: list[Kesson] = field(default_factory=list)

    @property
    def zan(self) -> int:
        return sum(x.arrear.zan for x in self.lines)

    @property
    def entaikin(self) -> int:
        return sum(x.entaikin for x in self.lines)


def case_detail(atena_id: int, *, on: date) -> CaseDetail:
    """One taxpayer's case on ``on``: every 期別 in arrears across every 税目 with its 督促,
    延滞金 if paid on ``on`` (the existing rule), 時効 and 執行停止; the history, 分納誓約
    (with each 回's state), 差押・交付要求, 執行停止 and 不納欠損."""
    from zeimu.services.shuno import entaikin_many

    rows = arrears(on=on, atena_ids=[atena_id])
    ids = [r.kibetsu_id for r in rows]
    ends = jiko_many(ids)
    try:
        ent = {i: r.entaikin for i, r in entaikin_many(ids, paid_on=on).items()}
    except ValueError:
        ent = {}
    toku = dict(Tokusoku.objects.filter(kibetsu_id__in=ids).values_list("kibetsu_id", "hakko_date"))
    case = TainoCase.objects.filter(atena_id=atena_id).first()
    lines = [CaseLine(r, toku.get(r.kibetsu_id), ent.get(r.kibetsu_id, 0), ends[r.kibetsu_id])
             for r in rows]  # fmt: skip
    if case is None:
        return CaseDetail(atena_id, None, lines, [], [], [], [])
    bunnos = list(Bunno.objects.filter(case=case).prefetch_related("kai", "kibetsu").order_by("pk"))
    return CaseDetail(
        atena_id=atena_id,
        case=case,
        lines=lines,
        keika=list(case.keika.order_by("-on", "-pk")),
        bunno=bunno_views(bunnos, on=on),
        shobun=list(case.shobun.prefetch_related("kibetsu", "haito").order_by("-shobun_date")),
        teishi=list(case.teishi.prefetch_related("kibetsu").order_by("-teishi_date")),
        # each 欠損 with what late payments took back (``torikeshi``, 0 when none)
        kesson=list(
            Kesson.objects.filter(kibetsu__atena_id=atena_id)
            .select_related("kibetsu")
            .annotate(torikeshi_sum=Coalesce(Sum("torikeshi__amount"), 0))
        ),
    )


@dataclass(frozen=True)
class RentaiLine:
    """The 連帯納付義務者 of one 期別 in arrears, as the levying module judged them."""

    arrear: Arrear
    answer: RentaiAnswer


def rentai_lines(lines: Sequence[CaseLine]) -> list[RentaiLine]:
    """For the 期別 in arrears whose 税目 others are jointly liable for (tenants.rentai:
    後期高齢者医療保険料 普通徴収, 高齢者の医療の確保に関する法律第108条第2項・第3項;
    介護保険料 普通徴収, 介護保険法第132条第2項・第3項), who
    they are, asked of the module that levies it (a 期別 it judged and found nobody for is
    kept: the screen says so)."""
    wanted = [x.arrear for x in lines if x.arrear.zeimoku in RENTAI_KINDS]
    if not wanted:
        return []
    rows = Kibetsu.objects.filter(pk__in=[a.kibetsu_id for a in wanted]).values_list(
        "pk", "atena_id", "zeimoku", "nendo", "ki", "nouki"
    )
    by_kind: dict[str, list[RentaiAsk]] = defaultdict(list)
    for pk, atena_id, zeimoku, nendo, ki, nouki in rows:
        by_kind[zeimoku].append(RentaiAsk(pk, atena_id, nendo, ki, nouki))
    answers: dict[int, RentaiAnswer] = {}
    for kind, asks in by_kind.items():
        answers.update(rentai_lookup(kind, asks))
    out = []
    for a in wanted:
        answer = answers.get(a.kibetsu_id)
        if answer is not None:
            out.append(RentaiLine(a, answer))
    return out


# --- the case and its history --------------------------------------------------------------


def _case(atena_id: int) -> TainoCase:
    case, _ = TainoCase.objects.get_or_create(atena_id=atena_id)
    return case


def _keika(
    case: TainoCase, kind: str, on: date, memo: str, actor: Actor, ref_id: int | None = None
) -> TainoKeika:
    return TainoKeika.objects.create(
        case=case, kind=kind, on=on, memo=memo, ref_id=ref_id, created_by=_who(actor)
    )


def _own_kibetsu(atena_id: int, kibetsu_ids: Sequence[int]) -> list[Kibetsu]:
    ids = list(dict.fromkeys(kibetsu_ids))
    if not ids:
        raise ShunoRefused("期別を1つ以上選んでください。")
    kibs = list(Kibetsu.objects.filter(pk__in=ids, atena_id=atena_id).order_by("nouki", "pk"))
    if len(kibs) != len(ids):
        raise ShunoRefused("この滞納者の期別ではないものが含まれています。")
    return kibs


def tanto_assign(*, atena_id: int, user_id: int | None, name: str, on: date, actor: Actor) -> None:
    """Give the case to a staff member (None: nobody)."""
    with transaction.atomic(durable=True):
        case = _case(atena_id)
        case.tanto_user_id, case.tanto_name = user_id, name if user_id else ""
        case.save(update_fields=["tanto_user_id", "tanto_name"])
        _keika(case, KeikaKind.TANTO, on, f"担当者: {case.tanto_name or 'なし'}", actor)
        _log(actor, AccessAction.UPDATE, "zeimu.taino_tanto", atena_id, {"tanto": user_id})


def kosho_record(*, atena_id: int, on: date, memo: str, actor: Actor) -> TainoKeika:
    """A 交渉記録 (contact with the taxpayer: 来庁, 電話, 臨戸 …)."""
    if not memo.strip():
        raise ShunoRefused("交渉の内容を入力してください。")
    with transaction.atomic(durable=True):
        row = _keika(_case(atena_id), KeikaKind.KOSHO, on, memo, actor)
        _log(actor, AccessAction.CREATE, "zeimu.taino_kosho", atena_id, {"keika_id": row.pk})
    return row


# --- 分納誓約 -------------------------------------------------------------------------------


def bunno_schedule(*, total: int, kaisu: int, first: date) -> list[tuple[date, int]]:
    """``kaisu`` monthly payments from ``first`` (same day each month, the month's last day
    when it has none) adding up to ``total``; the yen that do not divide go on the first."""
    import calendar

    if kaisu < 1 or total < kaisu:
        raise ShunoRefused("分納の回数は1回以上、1回あたり1円以上にしてください。")
    each, rest = divmod(total, kaisu)
    out = []
    for n in range(kaisu):
        y, m = divmod(first.year * 12 + first.month - 1 + n, 12)
        day = min(first.day, calendar.monthrange(y, m + 1)[1])
        out.append((date(y, m + 1, day), each + (rest if n == 0 else 0)))
    return out


def bunno_create(
    *,
    atena_id: int,
    kibetsu_ids: Sequence[int],
    seiyaku_date: date,
    schedule: Sequence[tuple[date, int]],
    memo: str,
    actor: Actor,
) -> Bunno:
    """A 分納誓約 on the chosen 期別 (in arrears on the 誓約日): the schedule must cover their
    本税 and its 期日 come after the 誓約日 in order. 分納 does not stop 延滞金 (it keeps
    running on what is owed each day: ``entaikin_of``)."""
    kibs = _own_kibetsu(atena_id, kibetsu_ids)
    if not schedule:
        raise ShunoRefused("分納の計画（期日と金額）を入力してください。")
    days = [d for d, _ in schedule]
    if days != sorted(days) or len(set(days)) != len(days) or days[0] < seiyaku_date:
        raise ShunoRefused("分納の期日は誓約日以後で、重ならず古い順にしてください。")
    if any(a <= 0 for _, a in schedule):
        raise ShunoRefused("分納の金額は1円以上にしてください。")
    with transaction.atomic(durable=True):
        bal = balances([k.pk for k in kibs], on=seiyaku_date)
        zan = sum(max(0, b.zan) for b in bal.values())
        if any(bal[k.pk].zan <= 0 for k in kibs):
            raise ShunoRefused("誓約日に未納のない期別が含まれています。")
        total = sum(a for _, a in schedule)
        if total < zan:
            raise ShunoRefused(
                f"分納の合計 {total:,}円 が対象の期別の未納額 {zan:,}円 に足りません。"
            )
        case = _case(atena_id)
        bunno = Bunno.objects.create(
            case=case, seiyaku_date=seiyaku_date, memo=memo, created_by=_who(actor)
        )
        bunno.kibetsu.set(kibs)
        BunnoKai.objects.bulk_create(
            BunnoKai(bunno=bunno, kai=n + 1, kijitsu=d, amount=a)
            for n, (d, a) in enumerate(schedule)
        )
        memo_k = f"{len(schedule)}回、合計 {total:,}円（未納額 {zan:,}円）"
        _keika(case, KeikaKind.BUNNO, seiyaku_date, memo_k, actor, bunno.pk)
        _log(actor, AccessAction.CREATE, "zeimu.taino_bunno", atena_id, {"bunno_id": bunno.pk})
    return bunno


def bunno_end(*, bunno_id: int, on: date, memo: str, actor: Actor) -> None:
    with transaction.atomic(durable=True):
        bunno = Bunno.objects.select_for_update().select_related("case").get(pk=bunno_id)
        if bunno.end_date is not None:
            raise ShunoRefused("この分納誓約は終了しています。")
        bunno.end_date = on
        bunno.save(update_fields=["end_date"])
        _keika(bunno.case, KeikaKind.BUNNO_END, on, memo, actor, bunno.pk)
        _log(actor, AccessAction.UPDATE, "zeimu.taino_bunno", bunno.case.atena_id,
             {"bunno_id": bunno.pk, "end": on.isoformat()})  # fmt: skip


def ihan_nissu(on: date) -> int | None:
    """The town's 分納不履行 days (its 要綱), None when not set."""
    try:
        return int(param_value(_K + "taino.bunno_ihan_nissu", fiscal_year_of(on)))
    except ParameterMissing:
        return None


def bunno_views(bunnos: Sequence[Bunno], *, on: date) -> list[BunnoView]:
    """Each 分納誓約 matched against the payments on its 期別 since the 誓約日 (one query):
    a 回 is 履行 when the payments up to its 期日 reach the schedule's sum up to it; 不履行
    when its 期日 + the town's days has passed on ``on`` and they have not (payments made
    in those days count)."""
    ids = {k.pk for b in bunnos for k in b.kibetsu.all()}
    pays: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for kid, d, total in (
        Shuno.objects.filter(kibetsu_id__in=ids, kind__in=PAID_KINDS, on__lte=on)
        .values("kibetsu_id", "on")
        .annotate(s=Sum("amount"))
        .values_list("kibetsu_id", "on", "s")
    ):
        pays[kid].append((d, int(total)))
    grace = ihan_nissu(on)
    out = []
    for b in bunnos:
        mine = [(d, a) for k in b.kibetsu.all() for d, a in pays[k.pk] if d >= b.seiyaku_date]

        def paid_by(day: date, mine: list[tuple[date, int]] = mine) -> int:
            return sum(a for d, a in mine if d <= day)

        due = 0
        kai: list[tuple[BunnoKai, str]] = []
        ihan = False
        for k in b.kai.all():
            due += k.amount
            if paid_by(k.kijitsu) >= due:
                state = "履行"
            elif k.kijitsu >= on:
                state = "期日前"
            elif (
                grace is not None
                and k.kijitsu + timedelta(days=grace) < on
                and (paid_by(k.kijitsu + timedelta(days=grace)) < due)
            ):
                state = "不履行"
                ihan = ihan or b.end_date is None
            else:
                state = "未納（猶予日数内）" if grace is not None else "未納"
            kai.append((k, state))
        out.append(BunnoView(b, kai, paid_by(on), ihan))
    return out


def bunno_ihan_list(*, on: date) -> list[BunnoView]:
    """The 分納誓約 in force with a 回 in breach on ``on`` (three queries)."""
    bunnos = list(
        Bunno.objects.filter(end_date__isnull=True)
        .select_related("case")
        .prefetch_related("kai", "kibetsu")
        .order_by("pk")
    )
    return [v for v in bunno_views(bunnos, on=on) if v.ihan]


# --- 差押・交付要求 ----------------------------------------------------------------------------


def shobun_create(
    *,
    atena_id: int,
    kind: str,
    zaisan: str,
    shobun_date: date,
    amount: int,
    kibetsu_ids: Sequence[int],
    memo: str,
    actor: Actor,
) -> Shobun:
    """A 差押 or 交付要求 for the chosen 期別 (in arrears on its date). A 差押 needs the
    期別's 督促 first (地方税法第331条第1項ほか: 督促状の指定期限を過ぎて完納しないとき)."""
    kibs = _own_kibetsu(atena_id, kibetsu_ids)
    if amount <= 0:
        raise ShunoRefused("金額は1円以上にしてください。")
    with transaction.atomic(durable=True):
        bal = balances([k.pk for k in kibs], on=shobun_date)
        if any(bal[k.pk].zan <= 0 for k in kibs):
            raise ShunoRefused("処分日に未納のない期別が含まれています。")
        if kind == ShobunKind.SASHIOSAE:
            kigen = dict(
                Tokusoku.objects.filter(kibetsu__in=kibs).values_list("kibetsu_id", "shitei_kigen")
            )
            if any(k.pk not in kigen or kigen[k.pk] > shobun_date for k in kibs):
                raise ShunoRefused(
                    "督促状の指定期限（発付日から起算して10日を経過した日）より前の期別、"
                    "または督促していない期別は差し押さえできません。"
                )
        case = _case(atena_id)
        row = Shobun.objects.create(case=case, kind=kind, zaisan=zaisan, shobun_date=shobun_date,
                                    amount=amount, memo=memo, created_by=_who(actor))  # fmt: skip
        row.kibetsu.set(kibs)
        keika = KeikaKind.SASHIOSAE if kind == ShobunKind.SASHIOSAE else KeikaKind.KOFU_YOKYU
        _keika(case, keika, shobun_date,
               f"{row.get_zaisan_display()} {amount:,}円", actor, row.pk)  # fmt: skip
        _log(actor, AccessAction.CREATE, "zeimu.taino_shobun", atena_id, {"shobun_id": row.pk})
    return row


def shobun_kaijo(*, shobun_id: int, on: date, memo: str, actor: Actor) -> None:
    with transaction.atomic(durable=True):
        row = Shobun.objects.select_for_update().select_related("case").get(pk=shobun_id)
        if row.kaijo_date is not None:
            raise ShunoRefused("既に解除されています。")
        if on < row.shobun_date:
            raise ShunoRefused("解除日は処分日以後にしてください。")
        row.kaijo_date = on
        row.save(update_fields=["kaijo_date"])
        _keika(row.case, KeikaKind.KAIJO, on, memo, actor, row.pk)
        _log(actor, AccessAction.UPDATE, "zeimu.taino_shobun", row.case.atena_id,
             {"shobun_id": row.pk, "kaijo": on.isoformat()})  # fmt: skip


def haito_apply(*, shobun_id: int, on: date, amount: int, actor: Actor) -> Haito:
    """Money from the 換価 of a 差押 (or the 配当 of a 交付要求), applied to the 処分's 期別
    oldest 納期限 first as 収納 of kind 滞納処分. More than they owe is refused (the 残余金
    goes back to the taxpayer, not into the ledger)."""
    if amount <= 0:
        raise ShunoRefused("配当額は1円以上にしてください。")
    with transaction.atomic(durable=True):
        row = Shobun.objects.select_for_update().select_related("case").get(pk=shobun_id)
        if on < row.shobun_date:
            raise ShunoRefused("受入日は処分日以後にしてください。")
        kibs = list(row.kibetsu.order_by("nouki", "pk"))
        bal = balances([k.pk for k in kibs], on=on)
        owed = sum(max(0, b.zan) for b in bal.values())
        if amount > owed:
            raise ShunoRefused(f"配当額が対象の期別の未納額 {owed:,}円 を超えています。")
        left, written = amount, []
        for k in kibs:
            part = min(left, max(0, bal[k.pk].zan))
            if part > 0:
                written.append(Shuno.objects.create(kibetsu=k, kind=ShunoKind.SHOBUN, amount=part,
                                                    on=on, created_by=_who(actor)).pk)  # fmt: skip
                left -= part
        kesson_teisei([k.pk for k in kibs], actor=actor)
        entaikin_kakutei([(k.pk, on) for k in kibs], actor=actor)
        haito = Haito.objects.create(shobun=row, on=on, amount=amount, shuno_ids=written,
                                     created_by=_who(actor))  # fmt: skip
        _keika(row.case, KeikaKind.HAITO, on, f"{amount:,}円", actor, haito.pk)
        _log(actor, AccessAction.CREATE, "zeimu.taino_haito", row.case.atena_id,
             {"haito_id": haito.pk})  # fmt: skip
    return haito


# --- 執行停止 -------------------------------------------------------------------------------


def teishi_create(
    *,
    atena_id: int,
    kibetsu_ids: Sequence[int],
    reason: str,
    teishi_date: date,
    memo: str,
    actor: Actor,
) -> Teishi:
    """滞納処分の執行停止 (地方税法第15条の7第1項) of the chosen 期別."""
    kibs = _own_kibetsu(atena_id, kibetsu_ids)
    if reason not in TeishiReason.values:
        raise ShunoRefused("停止の理由を選んでください。")
    with transaction.atomic(durable=True):
        bal = balances([k.pk for k in kibs], on=teishi_date)
        if any(bal[k.pk].zan <= 0 for k in kibs):
            raise ShunoRefused("停止日に未納のない期別が含まれています。")
        if Teishi.kibetsu.through.objects.filter(
            kibetsu_id__in=[k.pk for k in kibs], teishi__torikeshi_date__isnull=True
        ).exists():
            raise ShunoRefused("既に執行停止中の期別が含まれています。")
        case = _case(atena_id)
        row = Teishi.objects.create(case=case, reason=reason, teishi_date=teishi_date, memo=memo,
                                    created_by=_who(actor))  # fmt: skip
        row.kibetsu.set(kibs)
        _keika(case, KeikaKind.TEISHI, teishi_date, row.get_reason_display(), actor, row.pk)
        _log(actor, AccessAction.CREATE, "zeimu.taino_teishi", atena_id, {"teishi_id": row.pk})
    return row


def teishi_torikeshi(*, teishi_id: int, on: date, memo: str, actor: Actor) -> None:
    """停止の取消 (地方税法第15条の8: 資力が回復したとき)."""
    with transaction.atomic(durable=True):
        row = Teishi.objects.select_for_update().select_related("case").get(pk=teishi_id)
        if row.torikeshi_date is not None or row.sokuji_date is not None:
            raise ShunoRefused("この執行停止は取消済みか、即時消滅しています。")
        if on < row.teishi_date:
            raise ShunoRefused("取消日は停止日以後にしてください。")
        if Kesson.objects.filter(kibetsu__in=row.kibetsu.all()).exists():
            raise ShunoRefused("不納欠損した期別の執行停止は取り消せません。")
        row.torikeshi_date = on
        row.save(update_fields=["torikeshi_date"])
        _keika(row.case, KeikaKind.TEISHI_TORIKESHI, on, memo, actor, row.pk)
        _log(actor, AccessAction.UPDATE, "zeimu.taino_teishi", row.case.atena_id,
             {"teishi_id": row.pk, "torikeshi": on.isoformat()})  # fmt: skip


def teishi_sokuji(*, teishi_id: int, on: date, memo: str, actor: Actor) -> None:
    """即時消滅 (第15条の7第5項): only for a 停止 for want of property (第1項第1号) when the tax
    clearly cannot be collected (限定承認 …); the 不納欠損 job then strikes the balance."""
    with transaction.atomic(durable=True):
        row = Teishi.objects.select_for_update().select_related("case").get(pk=teishi_id)
        if row.reason != TeishiReason.MUZAISAN:
            raise ShunoRefused(
                "即時消滅は、財産がないことによる執行停止（第15条の7第1項第1号）に限られます。"
            )
        if row.torikeshi_date is not None or row.sokuji_date is not None:
            raise ShunoRefused("この執行停止は取消済みか、即時消滅しています。")
        if on < row.teishi_date:
            raise ShunoRefused("即時消滅日は停止日以後にしてください。")
        row.sokuji_date = on
        row.save(update_fields=["sokuji_date"])
        _keika(row.case, KeikaKind.SOKUJI, on, memo, actor, row.pk)
        _log(actor, AccessAction.UPDATE, "zeimu.taino_teishi", row.case.atena_id,
             {"teishi_id": row.pk, "sokuji": on.isoformat()})  # fmt: skip


# --- 不納欠損 -------------------------------------------------------------------------------


def kesson_candidates(*, kijun: date) -> list[tuple[Arrear, Shometsu]]:
    """The 期別 in arrears on ``kijun`` whose duty has ended by then (時効, 停止3年, 即時消滅),
    oldest first."""
    rows = arrears(on=kijun)
    ends = jiko_many(r.kibetsu_id for r in rows)
    out = []
    for r in rows:
        s = ends[r.kibetsu_id]
        if s.on is not None and s.on <= kijun:
            out.append((r, s))
    return out


def kesson_apply_many(
    kibetsu_ids: Sequence[int], *, kijun: date, job_id: int | None, actor: Actor
) -> list[Kesson]:
    """不納欠損 of the given 期別 whose duty has ended by ``kijun`` and that have none yet:
    one ledger entry (``ShunoKind.KESSON``, the balance on the 基準日) and one ``Kesson``
    each. Answers the 不納欠損 of these 期別 written now or by an earlier run of the same job
    (a chunk run again writes nothing twice: one per 期別). In the caller's transaction."""
    ids = list(kibetsu_ids)
    done = set(Kesson.objects.filter(kibetsu_id__in=ids).values_list("kibetsu_id", flat=True))
    todo = [i for i in ids if i not in done]
    list(Kibetsu.objects.select_for_update().filter(pk__in=todo).values_list("pk"))
    rows = {r.kibetsu_id: r for r in arrears(on=kijun, kibetsu_ids=todo)}
    ends = jiko_many(rows)
    cases = {c.atena_id: c for c in TainoCase.objects.filter(
        atena_id__in={r.atena_id for r in rows.values()})}  # fmt: skip
    who = _who(actor)
    for kid, r in rows.items():
        s = ends[kid]
        if s.on is None or s.on > kijun:
            continue
        shuno = Shuno.objects.create(kibetsu_id=kid, kind=ShunoKind.KESSON, amount=r.zan,
                                     on=kijun, created_by=who)  # fmt: skip
        k = Kesson.objects.create(kibetsu_id=kid, reason=s.reason, shometsu_date=s.on,
                                  kesson_date=kijun, amount=r.zan, shuno=shuno, job_id=job_id,
                                  created_by=who)  # fmt: skip
        case = cases.get(r.atena_id) or cases.setdefault(r.atena_id, _case(r.atena_id))
        _keika(case, KeikaKind.KESSON, kijun,
               f"{r.zeimoku_label} {r.nendo}年度 {r.ki_label} {r.zan:,}円"
               f"（{k.get_reason_display()}）", actor, k.pk)  # fmt: skip
    mine = Kesson.objects.filter(kibetsu_id__in=ids).select_related("kibetsu")
    mine = mine.filter(job__isnull=True) if job_id is None else mine.filter(job_id=job_id)
    got = {k.kibetsu_id: k for k in mine}
    return [got[i] for i in ids if i in got]
