"""児童扶養手当 writes: the 認定, the 現況届, the end of an entitlement on a 転出 or a death,
and the payment run (支払) with its 全銀 総合振込 file.

Every write is one durable transaction with its history row (``FuyoRireki``) and its
access-log row; 所得 are read only through ``zeimu.public``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import models, transaction

from fukushi.gyomu import JIDO_FUYO_TEATE
from fukushi.models import (
    FuyoGenkyoJotai,
    FuyoGenkyoTodoke,
    FuyoJotai,
    FuyoJukyusha,
    FuyoMiharai,
    FuyoMishikyu,
    FuyoMishikyuKettei,
    FuyoRireki,
    FuyoSashitome,
    FuyoShiharai,
    FuyoShiharaiMeisai,
    FuyoShikkakuJiyu,
)
from fukushi.rules.fuyoteate import (
    FuyoteateInput,
    FuyoteateMiteigi,
    FuyoteateResult,
    Jukyusha,
    fuyoteate_calculate,
    shotoku_nendo_of_month,
)
from fukushi.rules.fuyoteate_gimusha import ichibu_teishi_kaishi
from fukushi.services.furikomi import seal_run
from fukushi.services.fuyoteate_gimusha import gimusha_of
from tenants import zengin
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.params.services import param_value
from tenants.wareki import format_wareki
from zeimu import public as zeimu_public

__all__ = [
    "SHIHARAI_TSUKI",
    "FuyoteateRefused",
    "genkyo_nen_of",
    "genkyo_todoke_record",
    "ichibu_teishi_of",
    "jukyusha_nintei",
    "month_amount",
    "month_result",
    "nenkin_getsugaku_of",
    "shiharai_file",
    "shiharai_run",
    "shikkaku_apply",
]

RECORD_TYPE = "fukushi.FuyoJukyusha"
#: 支払期月 (法第7条第3項): 1・3・5・7・9・11月, each for the two months before it
SHIHARAI_TSUKI = (1, 3, 5, 7, 9, 11)


class FuyoteateRefused(Exception):
    """A write the rules refuse; ``errors`` are (field, Japanese message)."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(m for _, m in errors))
        self.errors = errors


def _first(d: date) -> date:
    return d.replace(day=1)


def _add_months(d: date, n: int) -> date:
    m = d.year * 12 + d.month - 1 + n
    return date(m // 12, m % 12 + 1, 1)


def _wareki_month(d: date) -> str:
    return format_wareki(d).split("月")[0] + "月"


def _rireki(
    j: FuyoJukyusha, kind: str, naiyo: str, actor: Actor, event_id: int | None = None
) -> None:
    FuyoRireki.objects.create(
        jukyusha=j, kind=kind, naiyo=naiyo, event_id=event_id, created_by=actor.username
    )


def jukyusha_nintei(
    *,
    atena_id: int,
    seikyu_date: date,
    jido_su: int,
    fuyo_shinzoku: int,
    account: zengin.Account,
    rojin: int = 0,
    tokutei: int = 0,
    yoikuhi: int = 0,
    fubo: bool = True,
    yoken_gaito_date: date | None = None,
    sansai_date: date | None = None,
    actor: Actor,
) -> FuyoJukyusha:
    """認定 (法第6条): 支給 from the month after the 認定請求 (法第7条第1項)."""
    errors = zengin.account_errors(account)
    if jido_su < 1:
        errors.append(("jido_su", "対象児童の数は1人以上です。"))
    if yoken_gaito_date is not None and yoken_gaito_date > seikyu_date:
        errors.append(("yoken_gaito_date", "支給要件に該当した日が認定請求日より後です。"))
    if rojin + tokutei > fuyo_shinzoku:
        errors.append(("fuyo_shinzoku", "老人・特定扶養親族の数が扶養親族等の数を超えています。"))
    with transaction.atomic(durable=True):
        if FuyoJukyusha.objects.filter(atena_id=atena_id, jotai=FuyoJotai.JUKYU).exists():
            errors.append(("atena_id", "この人はすでに児童扶養手当を受給中です。"))
        if errors:
            raise FuyoteateRefused(errors)
        j = FuyoJukyusha.objects.create(
            atena_id=atena_id,
            jukyusha_bango="",
            seikyu_date=seikyu_date,
            shikyu_kaishi=_add_months(_first(seikyu_date), 1),
            jotai=FuyoJotai.JUKYU,
            jido_su=jido_su,
            fuyo_shinzoku=fuyo_shinzoku,
            rojin=rojin,
            tokutei=tokutei,
            yoikuhi=yoikuhi,
            fubo=fubo,
            yoken_gaito_date=yoken_gaito_date,
            sansai_date=sansai_date,
            kinyu_kikan=account.kinyu_kikan,
            shiten=account.shiten,
            yokin_shumoku=account.yokin_shumoku,
            koza_bango=account.koza_bango,
            meigi_kana=account.meigi_kana,
            created_by=actor.username,
        )
        j.jukyusha_bango = f"{j.pk:08d}"
        j.save(update_fields=["jukyusha_bango"])
        _rireki(j, "nintei", f"認定（{_wareki_month(j.shikyu_kaishi)}分から）", actor)
        access_record(
            action=AccessAction.CREATE,
            actor=actor,
            gyomu=JIDO_FUYO_TEATE,
            screen="fukushi.fuyoteate_nintei",
            record_type=RECORD_TYPE,
            record_id=j.pk,
        )
    return j


def shikkaku_apply(
    *,
    atena_ids: Iterable[int],
    day: date,
    jiyu: FuyoShikkakuJiyu,
    ido_id: int,
    event_id: int,
    actor: Actor,
) -> int:
    """The end of the entitlement of each 受給者 among ``atena_ids`` on a 転出 or a death
    on ``day``: 支給 ends with the month in which the 事由 occurred (法第7条第1項).

    Exactly once: a redelivered event finds the 認定 already ended by the same 異動 and
    changes nothing; a 転出確定 republished with another 除票 date for the same 異動 moves
    the end (history row). Runs in the delivery's transaction. Returns the rows changed.
    """
    ids = list(atena_ids)
    last = _first(day)
    changed = 0
    rows = FuyoJukyusha.objects.select_for_update().filter(atena_id__in=ids)
    for j in rows.filter(jotai=FuyoJotai.JUKYU):
        j.jotai = FuyoJotai.SHIKKAKU
        j.shikkaku_jiyu = jiyu
        j.shikkaku_date = day
        j.shikkaku_ido_id = ido_id
        j.shikyu_shuryo = max(last, _add_months(j.shikyu_kaishi, -1))
        j.save()
        _rireki(
            j, "shikkaku", f"{jiyu.label}により{_wareki_month(last)}分で支給終了", actor, event_id
        )
        changed += 1
    for j in rows.filter(jotai=FuyoJotai.SHIKKAKU, shikkaku_ido_id=ido_id).exclude(
        shikkaku_date=day
    ):
        j.shikkaku_date = day
        j.shikyu_shuryo = max(last, _add_months(j.shikyu_kaishi, -1))
        j.save(update_fields=["shikkaku_date", "shikyu_shuryo"])
        _rireki(
            j, "shikkaku", f"喪失事由の日の訂正：{_wareki_month(last)}分で支給終了", actor, event_id
        )
        changed += 1
    if changed:
        access_record(
            action=AccessAction.UPDATE,
            actor=actor,
            gyomu=JIDO_FUYO_TEATE,
            screen="fukushi.fuyoteate_shikkaku",
            record_type=RECORD_TYPE,
            record_count=changed,
        )
    return changed


def ichibu_teishi_of(j: FuyoJukyusha, month: date) -> bool:
    """Is half of ``month``'s amount stopped (法第13条の3第1項)? Only for a 父又は母, from
    the month :func:`ichibu_teishi_kaishi` gives, unless an 適用除外事由届出 covers the
    month (法第13条の3第2項)."""
    if not j.fubo:
        return False
    start = ichibu_teishi_kaishi(
        shikyu_kaishi=j.shikyu_kaishi, yoken_gaito=j.yoken_gaito_date, sansai=j.sansai_date
    )
    if month < start:
        return False
    # .all(): the payment run prefetches them (one query for the run, not one a month)
    return not any(t.kikan_from <= month <= t.kikan_to for t in j.tekiyo_jogai.all())


def nenkin_getsugaku_of(j: FuyoJukyusha, month: date) -> int:
    """The monthly amount of the 公的年金等 (法第13条の2) entered for ``month``: the sum of
    every entry whose months cover it."""
    # .all(): the payment run prefetches them
    return sum(
        n.getsugaku
        for n in j.nenkin.all()
        if n.kaishi <= month and (n.shuryo is None or month <= n.shuryo)
    )


def _calc(j: FuyoJukyusha, year: int, month: int, *, day: date | None = None) -> FuyoteateResult:
    """The month's amount from the 受給者's 所得 of the month's 所得年度 (zeimu.public), the
    扶養義務者 of the household on ``day`` (default: the month's first day) and the
    一部支給停止 of the month."""
    shotoku_nendo = shotoku_nendo_of_month(year, month)
    kazei = zeimu_public.person_kazei(j.atena_id, shotoku_nendo)
    if kazei is None:
        raise FuyoteateRefused(
            [
                (
                    "shotoku",
                    f"{year}年{month}月分の判定に使う所得の資料（住民税の賦課）がありません。",
                )
            ]
        )
    s = kazei.shotoku
    first = date(year, month, 1)
    inp = FuyoteateInput(
        year=year,
        month=month,
        jido_su=j.jido_su,
        jukyusha=Jukyusha(
            kyuyo_shotoku=s.kyuyo_shotoku,
            nenkin_shotoku=s.nenkin_shotoku,
            sonota_shotoku=s.sonota_shotoku,
            yoikuhi=j.yoikuhi,
            fuyo_shinzoku=j.fuyo_shinzoku,
            rojin=j.rojin,
            tokutei=j.tokutei,
            fubo=j.fubo,
        ),
        fuyo_gimusha=gimusha_of(j, shotoku_nendo, day or first),
        ichibu_teishi=ichibu_teishi_of(j, first),
        nenkin_getsugaku=nenkin_getsugaku_of(j, first),
    )
    try:
        return fuyoteate_calculate(inp, param_value)
    except FuyoteateMiteigi as exc:
        raise FuyoteateRefused([("nendo", str(exc))]) from exc


def _in_period(j: FuyoJukyusha, month: date) -> bool:
    return month >= j.shikyu_kaishi and (j.shikyu_shuryo is None or month <= j.shikyu_shuryo)


def month_result(j: FuyoJukyusha, month: date) -> FuyoteateResult | None:
    """The judgement of one month (None outside the 支給 period)."""
    if not _in_period(j, month):
        return None
    return _calc(j, month.year, month.month)


def month_amount(j: FuyoJukyusha, month: date) -> int:
    """The amount of one month (0 outside the 支給 period)."""
    r = month_result(j, month)
    return 0 if r is None else r.getsugaku


def genkyo_nen_of(month: date) -> int:
    """The 現況届 (August of the year returned) whose 届 decides ``month``: 11月分〜翌年10月分
    (施行規則第4条; 法第15条: without it they are withheld)."""
    return month.year if month.month >= 11 else month.year - 1


def genkyo_todoke_record(
    *, jukyusha: FuyoJukyusha, nen: int, uketsuke_date: date, actor: Actor
) -> FuyoGenkyoTodoke:
    """現況届 of August ``nen`` received on ``uketsuke_date``: the 所得 of the year before
    (受給者 and 扶養義務者 of the household that day) decide 11月分 onward. Fills in the
    未提出 record the 案内 job opened (lifting the 差止 of 法第15条 for later runs), or
    makes one for a 受給者 the job did not reach."""
    if jukyusha.jotai != FuyoJotai.JUKYU:
        raise FuyoteateRefused([("jukyusha", "受給中でない人の現況届は受け付けられません。")])
    if uketsuke_date.year not in (nen, nen + 1):
        raise FuyoteateRefused([("uketsuke_date", "受付日が届出の年と合いません。")])
    r = _calc(jukyusha, nen, 11, day=uketsuke_date)
    values = {
        "jotai": FuyoGenkyoJotai.TEISHUTSU,
        "uketsuke_date": uketsuke_date,
        "shotoku_nendo": r.shotoku_nendo,
        "shotokugaku": r.shotokugaku,
        "zenbu_gendo": r.zenbu_gendo,
        "ichibu_gendo": r.ichibu_gendo,
        "gimusha": [
            {"label": label, "shotoku": sg[0], "gendo": sg[1]}
            for label, sg in zip(r.gimusha_labels, r.gimusha, strict=True)
        ],
        "hantei": r.hantei.value,
        "getsugaku": r.getsugaku,
    }
    with transaction.atomic(durable=True):
        g = FuyoGenkyoTodoke.objects.select_for_update().filter(jukyusha=jukyusha, nen=nen).first()
        if g is not None and g.jotai == FuyoGenkyoJotai.TEISHUTSU:
            raise FuyoteateRefused([("nen", f"{nen}年の現況届はすでに受け付けています。")])
        if g is None:
            g = FuyoGenkyoTodoke(jukyusha=jukyusha, nen=nen, created_by=actor.username)
        for k, v in values.items():
            setattr(g, k, v)
        g.save()
        teishi = f"（一部支給停止 −{r.teishi_gaku:,}円）" if r.teishi_gaku else ""
        _rireki(
            jukyusha,
            "genkyo",
            f"現況届（{format_wareki(uketsuke_date)}受付）："
            f"{r.hantei.label} 11月分 {r.getsugaku:,}円{teishi}",
            actor,
        )
        access_record(
            action=AccessAction.CREATE,
            actor=actor,
            gyomu=JIDO_FUYO_TEATE,
            screen="fukushi.fuyoteate_genkyo",
            record_type=RECORD_TYPE,
            record_id=jukyusha.pk,
        )
    return g


@dataclass(frozen=True)
class ShiharaiOutcome:
    shiharai: FuyoShiharai
    refused: tuple[tuple[int, str], ...]  # (受給者 id, reason) left out of the run


def shiharai_run(
    *, shiharai_tsuki: date, shiharai_date: date, irainin: zengin.Irainin, actor: Actor
) -> ShiharaiOutcome:
    """The payment of one 支払月 (奇数月) for the two months before it, for every 受給者
    whose 支給 period covers one of them. One run per 支払月 (a second is refused).

    差止 (法第15条, 施行規則第4条): a month of 11月分〜翌年10月分 whose 現況届 the 案内 job
    opened and nobody has received is not paid; it is recorded (``FuyoSashitome``) and
    paid, with the amount of the 届's judgement, by the first run after the 届."""
    if shiharai_tsuki.day != 1 or shiharai_tsuki.month not in SHIHARAI_TSUKI:
        raise FuyoteateRefused([("shiharai_tsuki", "支払月は1・3・5・7・9・11月のいずれかです。")])
    bad = zengin.irainin_errors(irainin)
    if bad:
        raise FuyoteateRefused(bad)
    m1, m2 = _add_months(shiharai_tsuki, -2), _add_months(shiharai_tsuki, -1)
    pending: dict[int, list[FuyoSashitome]] = {}
    for st in FuyoSashitome.objects.filter(kaijo_shiharai__isnull=True, month__lt=m1).order_by(
        "month"
    ):
        pending.setdefault(st.jukyusha_id, []).append(st)
    miharai: dict[int, list[FuyoMiharai]] = {}
    for mh in FuyoMiharai.objects.filter(shiharai__isnull=True).order_by("month"):
        miharai.setdefault(mh.jukyusha_id, []).append(mh)
    candidates = (
        FuyoJukyusha.objects.filter(
            models.Q(shikyu_kaishi__lte=m2) & ~models.Q(shikyu_shuryo__lt=m1)
            | models.Q(pk__in=list(pending))
            | models.Q(pk__in=list(miharai))
        )
        # a 受給者 who died is paid no more: what was owed goes to the child who claims
        # it (未支払の手当, fukushi.services.fuyoteate_mishikyu), paid below
        .exclude(shikkaku_jiyu=FuyoShikkakuJiyu.SHIBO)
        .prefetch_related("tekiyo_jogai", "nenkin")
        .order_by("pk")
    )
    miteishutsu = set(
        FuyoGenkyoTodoke.objects.filter(jotai=FuyoGenkyoJotai.MITEISHUTSU).values_list(
            "jukyusha_id", "nen"
        )
    )
    # (受給者, 前々月分, 前月分, 差止解除分, months withheld now, 差止 paid now with amounts)
    lines: list[
        tuple[FuyoJukyusha, int, int, int, list[date], list[tuple[FuyoSashitome, int]]]
    ] = []
    refused: list[tuple[int, str]] = []
    for j in candidates:
        withheld = [
            m for m in (m1, m2) if (j.pk, genkyo_nen_of(m)) in miteishutsu and _in_period(j, m)
        ]
        released = [
            st for st in pending.get(j.pk, []) if (j.pk, genkyo_nen_of(st.month)) not in miteishutsu
        ]
        try:
            a1 = 0 if m1 in withheld else month_amount(j, m1)
            a2 = 0 if m2 in withheld else month_amount(j, m2)
            paid = [(st, month_amount(j, st.month)) for st in released]
        except FuyoteateRefused as exc:
            refused.append((j.pk, str(exc)))
            continue
        # 未払分の請求 accepted within the 時効 (its amount fixed when it was accepted)
        kaijo = sum(a for _, a in paid) + sum(mh.gaku for mh in miharai.get(j.pk, []))
        if a1 + a2 + kaijo > 0 or withheld or paid:
            lines.append((j, a1, a2, kaijo, withheld, paid))
    with transaction.atomic(durable=True):
        if FuyoShiharai.objects.filter(shiharai_tsuki=shiharai_tsuki).exists():
            raise FuyoteateRefused([("shiharai_tsuki", "この支払月の支払はすでに作成しています。")])
        paying = [x for x in lines if x[1] + x[2] + x[3] > 0]
        # 未支払の手当 decided 支給 and not yet paid: to the claimant's account
        mishikyu = list(
            FuyoMishikyu.objects.select_for_update()
            .filter(kettei=FuyoMishikyuKettei.SHIKYU, shiharai__isnull=True)
            .order_by("pk")
        )
        run = FuyoShiharai.objects.create(
            shiharai_tsuki=shiharai_tsuki,
            shiharai_date=shiharai_date,
            kensu=len(paying) + len(mishikyu),
            gokei=sum(a1 + a2 + k for _, a1, a2, k, _, _ in paying)
            + sum(ms.gaku for ms in mishikyu),
            irainin=dataclasses.asdict(irainin),
            furikomi_sha256="",
            created_by=actor.username,
        )
        FuyoShiharaiMeisai.objects.bulk_create(
            FuyoShiharaiMeisai(
                shiharai=run, jukyusha=j, tsuki1=a1, tsuki2=a2, kaijo=k, gaku=a1 + a2 + k
            )
            for j, a1, a2, k, _, _ in paying
        )
        history: list[FuyoRireki] = []
        for j, a1, a2, k, withheld, paid in lines:
            if a1 + a2 + k:
                history.append(
                    FuyoRireki(
                        jukyusha=j,
                        kind="shiharai",
                        naiyo=f"{_wareki_month(shiharai_tsuki)}支払 {a1 + a2 + k:,}円",
                        created_by=actor.username,
                    )
                )
            for m in withheld:
                FuyoSashitome.objects.create(jukyusha=j, month=m, shiharai=run)
                history.append(
                    FuyoRireki(
                        jukyusha=j,
                        kind="sashitome",
                        naiyo=f"{_wareki_month(shiharai_tsuki)}支払：現況届が未提出のため"
                        f"{_wareki_month(m)}分を差止（法第15条）",
                        created_by=actor.username,
                    )
                )
            for st, amount in paid:
                st.kaijo_shiharai = run
                st.kaijo_gaku = amount
                st.save(update_fields=["kaijo_shiharai", "kaijo_gaku"])
                history.append(
                    FuyoRireki(
                        jukyusha=j,
                        kind="kaijo",
                        naiyo=f"{_wareki_month(shiharai_tsuki)}支払：差止を解除し"
                        f"{_wareki_month(st.month)}分 {amount:,}円を支払",
                        created_by=actor.username,
                    )
                )
        paid_miharai = [
            mh for j, *_ in paying for mh in miharai.get(j.pk, []) if mh.shiharai_id is None
        ]
        for mh in paid_miharai:
            mh.shiharai = run
            history.append(
                FuyoRireki(
                    jukyusha_id=mh.jukyusha_id,
                    kind="miharai",
                    naiyo=f"{_wareki_month(shiharai_tsuki)}支払：未払分の請求"
                    f"{_wareki_month(mh.month)}分 {mh.gaku:,}円を支払",
                    created_by=actor.username,
                )
            )
        FuyoMiharai.objects.bulk_update(paid_miharai, ["shiharai"])
        for ms in mishikyu:
            ms.shiharai = run
            history.append(
                FuyoRireki(
                    jukyusha_id=ms.jukyusha_id,
                    kind="mishikyu",
                    naiyo=f"{_wareki_month(shiharai_tsuki)}支払：未支払の手当 {ms.gaku:,}円を"
                    "請求者に支払",
                    created_by=actor.username,
                )
            )
        FuyoMishikyu.objects.bulk_update(mishikyu, ["shiharai"])
        FuyoRireki.objects.bulk_create(history)
        seal_run(
            run,
            shiharai_file,
            actor=actor,
            gyomu=JIDO_FUYO_TEATE,
            screen="fukushi.fuyoteate_shiharai",
            count=len(lines),
        )
    return ShiharaiOutcome(shiharai=run, refused=tuple(refused))


def shiharai_file(run: FuyoShiharai) -> bytes:
    """The run's 全銀 総合振込 file (種別21), one line per 明細, then one per 未支払の手当 paid
    (to the claimant's account), 顧客コード1 = 証書番号; the 依頼人 as the run recorded it, so
    the file is the same every time it is taken."""
    irainin = zengin.Irainin(**run.irainin)
    meisai = run.meisai.select_related("jukyusha").order_by("jukyusha__jukyusha_bango")
    lines = [
        zengin.FurikomiLine(
            account=zengin.Account(
                m.jukyusha.kinyu_kikan,
                m.jukyusha.shiten,
                m.jukyusha.yokin_shumoku,
                m.jukyusha.koza_bango,
                m.jukyusha.meigi_kana,
            ),
            amount=m.gaku,
            customer1=m.jukyusha.jukyusha_bango,
        )
        for m in meisai
    ]
    lines += [
        zengin.FurikomiLine(
            account=zengin.Account(
                ms.kinyu_kikan, ms.shiten, ms.yokin_shumoku, ms.koza_bango, ms.meigi_kana
            ),
            amount=ms.gaku,
            customer1=ms.jukyusha.jukyusha_bango,
        )
        for ms in run.mishikyu.select_related("jukyusha").order_by("pk")
    ]
    return zengin.sogo_furikomi_file(irainin=irainin, torikumi=run.shiharai_date, lines=lines)
