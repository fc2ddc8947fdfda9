"""The one door for 国保 給付 writes: 限度額適用認定 (申請・判定 → 交付), 高額療養費,
出産育児一時金 and 葬祭費 (申請 → 決定), and the 支払 of what was decided.

Each function is one durable transaction that writes its ``KyufuRireki`` row (what, who)
and an access-log row (the persons' ids) beside the change. The 所得区分 is judged from
``zeimu.public`` (``kokuho.selectors.kyufu``); the amounts by the pure rules
(``kokuho.rules.kyufu``). A refusal raises :class:`KyufuRefused` (Japanese, naming no
person) and writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

import jaconv
from django.db import IntegrityError, transaction

from juminkiroku.public import person_identity, residents_among
from kokuho.gyomu import KOKUHO_KYUFU
from kokuho.models import (
    GendoNintei,
    KijunShunyu,
    KogakuFutan,
    Kyufu,
    KyufuKind,
    KyufuRireki,
    KyufuStatus,
    NinteiStatus,
    Shiharai,
)
from kokuho.rules.kyufu import (
    KUBUN_LABELS,
    Futan,
    GendoMissing,
    is_koreisha,
    kijun_shunyu_gaito,
    kogaku_calculate,
    shussan_calculate,
    tasukai_applies,
    tokurei75_applies,
)
from kokuho.rules.shikaku import ShikakuParameters, birthday_at
from kokuho.selectors.kyufu import (
    household_kubun,
    insured_in_month,
    kogaku_paid_months,
    kyufu_parameters,
)
from kokuho.services.shikaku import insured_among
from tenants import zengin
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.furikomi import irainin_of
from tenants.params.services import ParameterMissing, param_value
from tenants.wareki import fiscal_year_of

SCREEN = "kokuho.kyufu"

#: 70歳以上 in these 区分 need no 認定証: the 資格確認書 (or マイナ保険証) already carries
#: the limit (一般, 現役並みⅢ); every 区分 of those under 70 needs one.
NINTEI_FUYO = frozenset({"ippan", "gen3"})


class KyufuRefused(ValueError):
    """What the rules refuse; the message is Japanese and names no person."""


@dataclass(frozen=True)
class Furikomi:
    """振込先 as entered: the names for the screens and the notice, the 全銀 codes for the
    bank file."""

    kinyu_kikan: str = ""
    shiten: str = ""
    koza_shubetsu: str = ""
    koza_bango: str = ""
    koza_meigi: str = ""
    kinyu_kikan_code: str = ""
    shiten_code: str = ""


def zengin_account(f: Furikomi | Kyufu) -> zengin.Account:
    """The account as the 総合振込 file carries it; the 名義 in half-width カナ (the screen
    takes full-width as the clerk types it)."""
    return zengin.Account(
        kinyu_kikan=f.kinyu_kikan_code,
        shiten=f.shiten_code,
        yokin_shumoku=f.koza_shubetsu,
        koza_bango=f.koza_bango,
        meigi_kana=jaconv.z2h(f.koza_meigi, kana=True, ascii=True, digit=True),
    )


def furikomi_errors(f: Furikomi) -> list[tuple[str, str]]:
    """(field, message) of an account that the bank file could not carry. No account at all
    is allowed (paid at the 窓口); an account given needs its 全銀 codes."""
    if not any((f.kinyu_kikan_code, f.shiten_code, f.koza_bango)):
        return []
    names = {
        "kinyu_kikan": "kinyu_kikan_code",
        "shiten": "shiten_code",
        "yokin_shumoku": "koza_shubetsu",
        "meigi_kana": "koza_meigi",
    }
    return [(names.get(k, k), m) for k, m in zengin.account_errors(zengin_account(f))]


@dataclass(frozen=True)
class FutanLine:
    atena_id: int
    iryokikan: str
    nyuin: bool
    shika: bool
    ichibu_futan: int
    iryohi: int


def _log(
    *,
    action: str,
    actor: Actor,
    atena_ids: Sequence[int],
    kyufu: Kyufu | None = None,
    nintei: GendoNintei | None = None,
    note: str = "",
    access: str = AccessAction.UPDATE,
) -> None:
    KyufuRireki.objects.create(
        kyufu=kyufu, nintei=nintei, action=action, actor=actor.username, note=note[:200]
    )
    record_type, record_id = (
        ("kokuho.Kyufu", kyufu.pk) if kyufu else ("kokuho.GendoNintei", nintei.pk if nintei else "")
    )
    access_record(
        actor=actor,
        action=access,
        gyomu=KOKUHO_KYUFU,
        screen=SCREEN,
        record_type=record_type,
        record_id=record_id,
        detail={"atena_ids": sorted(set(atena_ids)), "kyufu_action": action},
    )


def _jiko(start: date, shinsei_date: date) -> None:
    """Refuse an application made after the right expired (国民健康保険法第110条)."""
    years = int(param_value("kokuho.kyufu.jiko_nensu", fiscal_year_of(start)))
    try:
        limit = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        limit = date(start.year + years, 3, 1)
    if shinsei_date >= limit:
        raise KyufuRefused(f"時効（{years}年）を過ぎた申請です。")


def _person_day(atena_id: int, day: date) -> Any:
    resident = residents_among([atena_id], day).get(atena_id)
    if resident is None:
        raise KyufuRefused("その日に町の住民ではありません。")
    return resident


# --- 限度額適用認定 -------------------------------------------------------------------------


def gendo_nintei_shinsei(*, atena_id: int, shinsei_date: date, actor: Actor) -> GendoNintei:
    """申請 and 判定: the 区分 of the person's household for the 申請月, from the 所得 of
    ``zeimu.public``. A 70歳以上 person in 一般・現役並みⅢ needs no 認定証: recorded as 却下
    with that reason."""
    with transaction.atomic(durable=True):
        resident = _person_day(atena_id, shinsei_date)
        if not insured_among([atena_id], shinsei_date):
            raise KyufuRefused("申請日に国保の資格がありません。")
        y, m = shinsei_date.year, shinsei_date.month
        try:
            hk = household_kubun(atena_id, y, m, day=shinsei_date)
        except (ParameterMissing, LookupError) as exc:
            raise KyufuRefused(f"判定に必要な法令の値がありません（{exc}）。") from exc
        assert hk is not None
        koreisha = atena_id in hk.koreisha_ids
        kubun = hk.kubun_of(atena_id)
        if kubun is None:
            raise KyufuRefused(
                "70歳以上の被保険者に所得の申告がない方がいるため、所得区分を判定できません。"
            )
        status, riyu = NinteiStatus.HANTEI, ""
        if koreisha and kubun in NINTEI_FUYO:
            status = NinteiStatus.KYAKKA
            riyu = (
                "この区分では資格確認書（またはマイナ保険証）で限度額が適用されるため、"
                "認定証は不要です。"
            )
        row = GendoNintei.objects.create(
            atena_id=atena_id,
            setai_id=resident.setai_id,
            shinsei_date=shinsei_date,
            nendo=hk.result.nendo,
            kubun=kubun,
            koreisha=koreisha,
            status=status,
            kyakka_riyu=riyu,
            detail={
                "lines": list(hk.result.lines),
                "kubun_label": KUBUN_LABELS[kubun],
                "insured": list(hk.insured_ids),
                "members": list(hk.member_ids),
            },
            created_by=actor.username,
        )
        _log(
            action="申請・判定" if status == NinteiStatus.HANTEI else "申請・却下",
            actor=actor,
            atena_ids=[atena_id, *hk.member_ids],
            nintei=row,
            access=AccessAction.CREATE,
        )
        return row


def nintei_yuko(row: GendoNintei, birth: date) -> tuple[date, date]:
    """適用開始日 (the first day of the 申請月) and 有効期限 (the 31 July before the
    所得 year next changes; the day before the 75th birthday when that comes first:
    後期高齢者医療 from the birthday)."""
    p = kyufu_parameters(row.shinsei_date.year, row.shinsei_date.month)
    start = row.shinsei_date.replace(day=1)
    k = p.kirikae_tsuki
    year = row.shinsei_date.year + (1 if row.shinsei_date.month >= k else 0)
    end = date(year, k, 1) - timedelta(days=1)
    koki = birthday_at(birth, ShikakuParameters.for_date(row.shinsei_date).koki_nenrei)
    return start, min(end, koki - timedelta(days=1))


def kijun_shunyu_shinsei(
    *,
    atena_id: int,
    shinsei_date: date,
    shunyu: Mapping[int, int],
    kyu_shunyu: Sequence[int] = (),
    actor: Actor,
) -> KijunShunyu:
    """基準収入額適用の申請 of the household ``atena_id`` lives in: judged from the 収入
    declared for each of its 70歳以上 insured (``shunyu``, every one of them and only them)
    and of its 旧国保被保険者 (``kyu_shunyu``). When under the bases the household is 一般
    from the month after the 申請 (未確認: 新城市 says so for 後期高齢者医療) to the 31 July
    before the 所得's year next changes."""
    with transaction.atomic(durable=True):
        resident = _person_day(atena_id, shinsei_date)
        nxt = (shinsei_date.replace(day=28) + timedelta(days=4)).replace(day=1)
        try:
            hk = household_kubun(atena_id, nxt.year, nxt.month, day=shinsei_date)
        except (ParameterMissing, LookupError) as exc:
            raise KyufuRefused(f"判定に必要な法令の値がありません（{exc}）。") from exc
        assert hk is not None
        p = hk.params
        if not hk.koreisha_ids:
            raise KyufuRefused("この世帯には70歳以上の国保の被保険者がいません。")
        if hk.result.over70 not in {k for k, _ in p.genekinami}:
            label = KUBUN_LABELS.get(hk.result.over70 or "", "判定できない")
            raise KyufuRefused(
                f"この世帯は現役並み所得者ではありません（{label}）。申請は要りません。"
            )
        if set(shunyu) != set(hk.koreisha_ids):
            raise KyufuRefused("70歳以上の被保険者全員の収入を、それぞれ入力してください。")
        try:
            gaito, line = kijun_shunyu_gaito(
                [int(shunyu[i]) for i in hk.koreisha_ids], [int(v) for v in kyu_shunyu], p
            )
        except ValueError as exc:
            raise KyufuRefused(str(exc)) from exc
        k = p.kirikae_tsuki
        year = nxt.year + (1 if nxt.month >= k else 0)
        row = KijunShunyu.objects.create(
            setai_id=resident.setai_id,
            atena_id=atena_id,
            shinsei_date=shinsei_date,
            nendo=hk.result.nendo,
            shunyu={str(i): int(shunyu[i]) for i in hk.koreisha_ids},
            kyu_shunyu=[int(v) for v in kyu_shunyu],
            gaito=gaito,
            tekiyo_from=nxt if gaito else None,
            tekiyo_to=date(year, k, 1) - timedelta(days=1) if gaito else None,
            detail={"lines": [*hk.result.lines, line], "kubun_before": hk.result.over70},
            created_by=actor.username,
        )
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=KOKUHO_KYUFU,
            screen=SCREEN,
            record_type="kokuho.KijunShunyu",
            record_id=row.pk,
            detail={"atena_ids": sorted({atena_id, *hk.member_ids}), "gaito": gaito},
        )
        return row


def gendo_nintei_kofu(*, nintei_id: int, kofu_date: date, actor: Actor) -> GendoNintei:
    """交付: the 認定証 with its 有効期間 (printed by ``kokuho.forms.kyufu``)."""
    with transaction.atomic(durable=True):
        row = GendoNintei.objects.select_for_update().filter(pk=nintei_id).first()
        if row is None:
            raise KyufuRefused("その認定はありません。")
        if row.status != NinteiStatus.HANTEI:
            raise KyufuRefused("判定済みで交付前の認定だけを交付できます。")
        if kofu_date < row.shinsei_date:
            raise KyufuRefused("交付日が申請日より前です。")
        person = person_identity(row.atena_id)
        if person is None:
            raise KyufuRefused("その方は見つかりません。")
        row.yuko_from, row.yuko_to = nintei_yuko(row, person.birth_date)
        row.kofu_date = kofu_date
        row.status = NinteiStatus.KOFU
        row.save(update_fields=["yuko_from", "yuko_to", "kofu_date", "status"])
        _log(action="交付", actor=actor, atena_ids=[row.atena_id], nintei=row)
        return row


# --- 申請 ------------------------------------------------------------------------------------


def _furikomi(f: Furikomi) -> dict[str, str]:
    bad = furikomi_errors(f)
    if bad:
        raise KyufuRefused("振込先: " + " ".join(m for _, m in bad))
    return asdict(f)


def kogaku_shinsei(
    *,
    atena_id: int,
    year: int,
    month: int,
    lines: Sequence[FutanLine],
    shinsei_date: date,
    furikomi: Furikomi,
    actor: Actor,
) -> Kyufu:
    """高額療養費 支給申請 of the household of ``atena_id`` (usually the 世帯主) for one
    診療月, with the 一部負担金 paid by its insured members."""
    first = date(year, month, 1)
    if shinsei_date < first:
        raise KyufuRefused("申請日が診療月より前です。")
    if not lines:
        raise KyufuRefused("一部負担金を1件以上入力してください。")
    next_month = (first + timedelta(days=32)).replace(day=1)
    _jiko(next_month, shinsei_date)
    with transaction.atomic(durable=True):
        day = min(shinsei_date, (next_month - timedelta(days=1)))
        resident = _person_day(atena_id, day)
        hk = household_kubun(atena_id, year, month, day=day)
        assert hk is not None
        insured = insured_in_month(list(hk.member_ids), year, month)
        for line in lines:
            if line.atena_id not in hk.member_ids:
                raise KyufuRefused("受診者はこの世帯の方から選んでください。")
            if line.atena_id not in insured:
                raise KyufuRefused("受診者がその月に国保の資格を持っていません。")
            if line.ichibu_futan <= 0 or line.iryohi < line.ichibu_futan:
                raise KyufuRefused(
                    "一部負担金は1円以上、医療費（10割）は一部負担金以上で入力してください。"
                )
        if (
            Kyufu.objects.select_for_update()
            .filter(kind=KyufuKind.KOGAKU, setai_id=resident.setai_id, jiyu_date=first)
            .exclude(status=KyufuStatus.FUSHIKYU)
            .exists()
        ):
            raise KyufuRefused("この世帯のこの診療月の高額療養費はすでに申請されています。")
        row = Kyufu.objects.create(
            kind=KyufuKind.KOGAKU,
            status=KyufuStatus.SHINSEI,
            shinseisha_atena_id=atena_id,
            taishosha_atena_id=hk.setainushi_id or atena_id,
            setai_id=resident.setai_id,
            shinsei_date=shinsei_date,
            jiyu_date=first,
            created_by=actor.username,
            **_furikomi(furikomi),
        )
        KogakuFutan.objects.bulk_create(
            KogakuFutan(
                kyufu=row,
                atena_id=line.atena_id,
                iryokikan=line.iryokikan,
                nyuin=line.nyuin,
                shika=line.shika,
                ichibu_futan=line.ichibu_futan,
                iryohi=line.iryohi,
            )
            for line in lines
        )
        _log(
            action="申請",
            actor=actor,
            atena_ids=[atena_id, *(line.atena_id for line in lines)],
            kyufu=row,
            access=AccessAction.CREATE,
        )
        return row


def _create_once(**fields: Any) -> Kyufu:
    try:
        with transaction.atomic():
            return Kyufu.objects.create(**fields)
    except IntegrityError as exc:
        raise KyufuRefused("同じ給付がすでに申請されています。") from exc


def shussan_shinsei(
    *,
    atena_id: int,
    shussan_date: date,
    children: int,
    sanka_hosho: bool,
    chokusetsu_gaku: int,
    shinsei_date: date,
    furikomi: Furikomi,
    actor: Actor,
    shinseisha_atena_id: int | None = None,
) -> Kyufu:
    """出産育児一時金 支給申請: ``atena_id`` is the insured person who gave birth (妊娠85日
    以上の出産: 死産・流産を含む); the 世帯主 may apply for her."""
    if shinsei_date < shussan_date:
        raise KyufuRefused("申請日が出産日より前です。")
    if children < 1:
        raise KyufuRefused("出生した子の数は1以上で入力してください。")
    if chokusetsu_gaku < 0:
        raise KyufuRefused("直接支払制度で支払われた額は0円以上で入力してください。")
    _jiko(shussan_date + timedelta(days=1), shinsei_date)
    with transaction.atomic(durable=True):
        resident = _person_day(atena_id, shussan_date)
        if not insured_among([atena_id], shussan_date):
            raise KyufuRefused("出産日に国保の資格がありません。")
        row = _create_once(
            kind=KyufuKind.SHUSSAN,
            status=KyufuStatus.SHINSEI,
            shinseisha_atena_id=shinseisha_atena_id or atena_id,
            taishosha_atena_id=atena_id,
            setai_id=resident.setai_id,
            shinsei_date=shinsei_date,
            jiyu_date=shussan_date,
            shussan_su=children,
            sanka_hosho=sanka_hosho,
            chokusetsu_gaku=chokusetsu_gaku,
            created_by=actor.username,
            **_furikomi(furikomi),
        )
        _log(
            action="申請",
            actor=actor,
            atena_ids=[atena_id, row.shinseisha_atena_id],
            kyufu=row,
            access=AccessAction.CREATE,
        )
        return row


def sosai_shinsei(
    *,
    atena_id: int,
    shibo_date: date,
    sosai_date: date,
    shinseisha_atena_id: int,
    shinsei_date: date,
    furikomi: Furikomi,
    actor: Actor,
) -> Kyufu:
    """葬祭費 支給申請: ``atena_id`` died holding 国保; ``shinseisha_atena_id`` held the
    funeral (喪主: a 宛名 of the town, resident or not)."""
    if sosai_date < shibo_date or shinsei_date < sosai_date:
        raise KyufuRefused("死亡日・葬祭を行った日・申請日の順になるよう入力してください。")
    _jiko(sosai_date + timedelta(days=1), shinsei_date)
    with transaction.atomic(durable=True):
        # the registry ends the 住民票 on the day of death: the household of the day before
        resident = _person_day(atena_id, shibo_date - timedelta(days=1))
        if not insured_among([atena_id], shibo_date):
            raise KyufuRefused("死亡日に国保の資格がありません。")
        if person_identity(shinseisha_atena_id) is None:
            raise KyufuRefused("申請者（葬祭を行った方）が見つかりません。")
        row = _create_once(
            kind=KyufuKind.SOSAI,
            status=KyufuStatus.SHINSEI,
            shinseisha_atena_id=shinseisha_atena_id,
            taishosha_atena_id=atena_id,
            setai_id=resident.setai_id,
            shinsei_date=shinsei_date,
            jiyu_date=shibo_date,
            sosai_date=sosai_date,
            created_by=actor.username,
            **_furikomi(furikomi),
        )
        _log(
            action="申請",
            actor=actor,
            atena_ids=[atena_id, shinseisha_atena_id],
            kyufu=row,
            access=AccessAction.CREATE,
        )
        return row


# --- 決定 ------------------------------------------------------------------------------------


def _kogaku_decide(row: Kyufu) -> tuple[int, str, dict[str, Any]]:
    y, m = row.jiyu_date.year, row.jiyu_date.month
    futan_rows = list(row.futan.order_by("id"))
    day = min(row.shinsei_date, (row.jiyu_date + timedelta(days=32)).replace(day=1) - timedelta(1))
    hk = household_kubun(row.shinseisha_atena_id, y, m, day=day)
    if hk is None:
        raise KyufuRefused("申請者がその月に町の住民ではありません。")
    births = {r.atena_id: r.birth_date for r in residents_among(hk.member_ids, day).values()}
    futan = [
        Futan(
            key=f.atena_id,
            koreisha=is_koreisha(births[f.atena_id], y, m, hk.params.koreisha_nenrei),
            tokurei75=tokurei75_applies(births[f.atena_id], y, m, hk.params),
            iryokikan=f.iryokikan,
            nyuin=f.nyuin,
            shika=f.shika,
            ichibu_futan=int(f.ichibu_futan),
            iryohi=int(f.iryohi),
        )
        for f in futan_rows
    ]
    paid = kogaku_paid_months(row.setai_id, before=row.jiyu_date)
    tasukai = tasukai_applies(paid, y, m, hk.params)
    try:
        r = kogaku_calculate(
            futan,
            year=y,
            month=m,
            under70=hk.result.under70,
            over70=hk.result.over70,
            tasukai=tasukai,
            p=hk.params,
        )
    except (GendoMissing, ValueError) as exc:
        raise KyufuRefused(str(exc)) from exc
    detail = {
        "kubun_under70": hk.result.under70,
        "kubun_over70": hk.result.over70,
        "kubun_lines": list(hk.result.lines),
        "koreisha": sorted({int(str(f.key)) for f in futan if f.koreisha}),
        "tasukai": tasukai,
        "paid_months": [f"{a}-{b:02d}" for a, b in paid],
        "steps": [
            {
                "label": s.label,
                "atena_id": s.key,
                "futan": s.futan,
                "iryohi": s.iryohi,
                "gendo": s.gendo,
                "shikyu": s.shikyu,
            }
            for s in r.steps
        ],
        "excluded": [{"atena_id": k, "what": w, "amount": a} for k, w, a in r.excluded],
        "lines": list(r.lines),
        "setai_shikyu": r.setai_shikyu,
    }
    riyu = "" if r.shikyu else "自己負担額が自己負担限度額を超えていないため"
    return r.shikyu, riyu, detail


def _shussan_decide(row: Kyufu) -> tuple[int, str, dict[str, Any]]:
    p = kyufu_parameters(row.jiyu_date.year, row.jiyu_date.month)
    try:
        r = shussan_calculate(
            birth=row.jiyu_date,
            children=row.shussan_su,
            sanka_hosho=row.sanka_hosho,
            chokusetsu=int(row.chokusetsu_gaku),
            p=p,
        )
    except (GendoMissing, ValueError) as exc:
        raise KyufuRefused(str(exc)) from exc
    riyu = "" if r.shikyu else "直接支払制度で医療機関に全額が支払われているため"
    detail = {
        "per_child": r.per_child,
        "children": r.children,
        "total": r.total,
        "chokusetsu": r.chokusetsu,
        "lines": list(r.lines),
    }
    return r.shikyu, riyu, detail


def _sosai_decide(row: Kyufu) -> tuple[int, str, dict[str, Any]]:
    try:
        amount = int(param_value("kokuho.kyufu.sosai.gaku", fiscal_year_of(row.jiyu_date)))
    except ParameterMissing as exc:
        raise KyufuRefused(
            "条例で定める葬祭費の額が設定されていません（設定 > 条例で定める値）。"
        ) from exc
    return amount, "", {"lines": [f"条例で定める葬祭費 {amount:,}円"]}


DECIDERS = {
    KyufuKind.KOGAKU: _kogaku_decide,
    KyufuKind.SHUSSAN: _shussan_decide,
    KyufuKind.SOSAI: _sosai_decide,
}


def kyufu_kettei(*, kyufu_id: int, kettei_date: date, actor: Actor) -> Kyufu:
    """決定: compute the amount from the stored application and decide 支給 (or 不支給
    when it is 0円), keeping every intermediate figure."""
    with transaction.atomic(durable=True):
        row = Kyufu.objects.select_for_update().filter(pk=kyufu_id).first()
        if row is None:
            raise KyufuRefused("その申請はありません。")
        if row.status != KyufuStatus.SHINSEI:
            raise KyufuRefused("申請受付中の給付だけを決定できます。")
        if kettei_date < row.shinsei_date:
            raise KyufuRefused("決定日が申請日より前です。")
        amount, riyu, detail = DECIDERS[KyufuKind(row.kind)](row)
        row.shikyu_gaku = amount
        row.fushikyu_riyu = riyu
        row.status = KyufuStatus.KETTEI if amount > 0 else KyufuStatus.FUSHIKYU
        row.kettei_date = kettei_date
        row.detail = detail
        row.save(update_fields=["shikyu_gaku", "fushikyu_riyu", "status", "kettei_date", "detail"])
        _log(
            action="支給決定" if amount else "不支給決定",
            actor=actor,
            atena_ids=[row.shinseisha_atena_id, row.taishosha_atena_id],
            kyufu=row,
            note=f"{amount:,}円",
        )
        return row


# --- 支払 ------------------------------------------------------------------------------------


def shiharai_make(*, shiharai_date: date, kyufu_ids: Sequence[int], actor: Actor) -> Shiharai:
    """A payment list: the chosen decided, unpaid 給付 are paid on ``shiharai_date``
    (the bank file is :func:`shiharai_zengin`)."""
    with transaction.atomic(durable=True):
        rows = list(
            Kyufu.objects.select_for_update()
            .filter(pk__in=list(kyufu_ids), status=KyufuStatus.KETTEI, shikyu_gaku__gt=0)
            .order_by("id")
        )
        if not rows or len(rows) != len(set(kyufu_ids)):
            raise KyufuRefused("支払えるのは支給決定済みで未払いの給付だけです。")
        if any(r.kettei_date and shiharai_date < r.kettei_date for r in rows):
            raise KyufuRefused("支払日が決定日より前の給付があります。")
        batch = Shiharai.objects.create(
            shiharai_date=shiharai_date,
            kensu=len(rows),
            gokei=sum(int(r.shikyu_gaku) for r in rows),
            created_by=actor.username,
        )
        Kyufu.objects.filter(pk__in=[r.pk for r in rows]).update(
            status=KyufuStatus.SHIHARAI, shiharai=batch
        )
        KyufuRireki.objects.bulk_create(
            KyufuRireki(kyufu=r, action="支払", actor=actor.username, note=f"支払一覧 {batch.pk}")
            for r in rows
        )
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=KOKUHO_KYUFU,
            screen="kokuho.shiharai",
            record_type="kokuho.Shiharai",
            record_id=batch.pk,
            record_count=len(rows),
            detail={
                "atena_ids": sorted({r.shinseisha_atena_id for r in rows}),
                "kyufu_ids": [r.pk for r in rows],
            },
        )
        return batch


# --- 口座振込 (全銀協 総合振込) ----------------------------------------------------------------

FURIKOMI_PREFIX = "kokuho.furikomi"
NO_IRAININ = (
    "振込依頼人（国保の給付を支払う町の口座）が設定されていません。"
    "設定 > 条例で定める値 の kokuho.furikomi（振込依頼人コード・名・仕向銀行・支店・預金種目・"
    "口座番号）を設定してください。"
)


@dataclass(frozen=True)
class ZenginFile:
    data: bytes
    kensu: int
    gokei: int
    #: 給付 of the list paid without an account (at the 窓口): not in the file
    madoguchi: int


def shiharai_zengin(batch: Shiharai) -> ZenginFile:
    """The list's 全銀 総合振込 file: one line per 給付 paid to an account, 顧客コード1 = the
    決定番号 (the 給付's id). The first file fixes the 振込依頼人 on the list, so writing it
    again gives the same bytes. Refused, naming 決定番号 and reasons, when an account cannot
    be carried (entered before the codes were asked for)."""
    rows = list(batch.kyufu.order_by("id"))
    paid = [r for r in rows if r.koza_bango or r.kinyu_kikan_code or r.shiten_code]
    bad: list[str] = []
    lines: list[zengin.FurikomiLine] = []
    for r in paid:
        account = zengin_account(r)
        errors = zengin.account_errors(account)
        if errors:
            bad.append(f"決定番号{r.pk}: " + " ".join(m for _, m in errors))
            continue
        lines.append(
            zengin.FurikomiLine(account=account, amount=int(r.shikyu_gaku), customer1=str(r.pk))
        )
    if bad:
        raise KyufuRefused("振込ファイルを作れない振込先があります。" + " ".join(bad))
    if not lines:
        raise KyufuRefused("この支払一覧には口座振込の給付がありません（すべて窓口払い）。")
    with transaction.atomic():
        locked = Shiharai.objects.select_for_update().get(pk=batch.pk)
        if locked.irainin is None:
            irainin = irainin_of(FURIKOMI_PREFIX, fiscal_year_of(locked.shiharai_date))
            if irainin is None:
                raise KyufuRefused(NO_IRAININ)
            wrong = zengin.irainin_errors(irainin)
            if wrong:
                raise KyufuRefused("振込依頼人: " + " ".join(m for _, m in wrong))
            locked.irainin = asdict(irainin)
            locked.save(update_fields=["irainin"])
        batch.irainin = locked.irainin
    data = zengin.sogo_furikomi_file(
        irainin=zengin.Irainin(**batch.irainin), torikumi=batch.shiharai_date, lines=lines
    )
    return ZenginFile(
        data=data,
        kensu=len(lines),
        gokei=sum(ln.amount for ln in lines),
        madoguchi=len(rows) - len(paid),
    )
