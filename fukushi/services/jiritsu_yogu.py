"""補装具費 (障害者総合支援法第76条) and 日常生活用具 (地域生活支援事業, 法第77条第1項第6号):
申請 → 決定 (基準額, 利用者負担額 = min(1割, 負担上限月額の残り), 給付額) or 却下 → 支払 in a
run with its 全銀 総合振込 file (代理受領: to the vendor's account; 償還: to the person's).

補装具: 負担上限月額 生活保護・低所得 0円, 一般 37,200円; 本人 or 配偶者 with a 市町村民税
所得割 of 46万円 or more: not paid (the 決定 is a 却下 stating the figure). The 基準額 is the
告示's amount for the 種目 as the 更生相談所 judged it, entered by the clerk.
日常生活用具: the 品目 and 基準額 are the town's 要綱 (``fukushi.jiritsu.nichijo_yogu``); the
負担上限月額 is that of the 障害福祉サービス (this product's reading of the brief: a town whose
要綱 differs is not served yet).

The 上限月額 is per month: what the person already bears for the same kind in the month of the
決定 is counted against it. Every write is in the access log; refused input writes nothing.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from django.db import transaction
from django.db.models import Sum

from fukushi.gyomu import SHOGAISHA_FUKUSHI
from fukushi.models.jiritsu import YoguHoho, YoguJotai, YoguKind, YoguKyufu, YoguShiharai
from fukushi.public import hihogosha_on
from fukushi.rules.jiritsu import TAISHOGAI, Futan, hosogu_futan, kyufu_gaku, parse_yogu
from fukushi.services.furikomi import seal_run
from fukushi.services.jiritsu import JiritsuRefused, futan_hantei, param, setaiin_of
from juminkiroku import public as juminkiroku_public
from tenants import zengin
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.wareki import format_wareki

__all__ = [
    "YoguInput",
    "nichijo_yogu",
    "yogu_furikomi_file",
    "yogu_futan",
    "yogu_kettei",
    "yogu_shiharai",
    "yogu_shinsei",
]

RECORD_TYPE = "fukushi.YoguKyufu"


def nichijo_yogu(day: date) -> dict[str, int]:
    try:
        return parse_yogu(str(param("nichijo_yogu", day)))
    except ValueError as exc:
        raise JiritsuRefused([("hinmoku", str(exc))]) from exc


def _log(action: str, screen: str, actor: Actor, y: YoguKyufu) -> None:
    access_record(
        actor=actor,
        action=action,
        gyomu=SHOGAISHA_FUKUSHI,
        screen=screen,
        record_type=RECORD_TYPE,
        record_id=y.pk,
        detail={"atena_ids": [y.atena_id]},
    )


@dataclasses.dataclass(frozen=True)
class YoguInput:
    atena_id: int
    kind: str
    hinmoku: str
    shinsei_date: date
    gyosha: str
    kakaku: int
    #: 補装具: the 告示's 基準額 (entered); 日常生活用具: None (the town's list)
    kijun_gaku: int | None
    hoho: str
    account: zengin.Account
    haigusha_atena_id: int | None = None


def yogu_shinsei(data: YoguInput, *, actor: Actor) -> YoguKyufu:
    errors: list[tuple[str, str]] = []
    if juminkiroku_public.person_identity(data.atena_id) is None:
        errors.append(("atena_no", "その方は住民記録にいません。"))
    if data.kind not in YoguKind.values:
        errors.append(("kind", "種類を選んでください。"))
    if data.hoho not in YoguHoho.values:
        errors.append(("hoho", "支給の方法を選んでください。"))
    if not data.hinmoku.strip():
        errors.append(("hinmoku", "品目を入力してください。"))
    if not data.gyosha.strip():
        errors.append(("gyosha", "事業者を入力してください。"))
    if data.kakaku <= 0:
        errors.append(("kakaku", "見積額を入力してください。"))
    kijun = data.kijun_gaku
    if data.kind == YoguKind.NICHIJO:
        yogu = nichijo_yogu(data.shinsei_date)
        if data.hinmoku.strip() not in yogu:
            errors.append(("hinmoku", "その品目は町の日常生活用具の要綱にありません。"))
        else:
            kijun = yogu[data.hinmoku.strip()]
    elif kijun is None or kijun <= 0:
        errors.append(("kijun_gaku", "補装具の基準額（告示の額）を入力してください。"))
    errors += zengin.account_errors(data.account)
    if errors:
        raise JiritsuRefused(errors)
    assert kijun is not None
    a = data.account
    with transaction.atomic(durable=True):
        y = YoguKyufu.objects.create(
            atena_id=data.atena_id,
            kind=data.kind,
            hinmoku=data.hinmoku.strip(),
            shinsei_date=data.shinsei_date,
            gyosha=data.gyosha.strip(),
            kakaku=data.kakaku,
            kijun_gaku=kijun,
            haigusha_atena_id=data.haigusha_atena_id,
            hoho=data.hoho,
            kinyu_kikan=a.kinyu_kikan,
            shiten=a.shiten,
            yokin_shumoku=a.yokin_shumoku,
            koza_bango=a.koza_bango,
            meigi_kana=a.meigi_kana,
            jotai=YoguJotai.SHINSEI,
            created_by=actor.username,
        )
        _log(AccessAction.CREATE, "fukushi.jiritsu_yogu", actor, y)
    return y


def yogu_futan(y: YoguKyufu, day: date) -> Futan:
    """The 区分 and 上限月額 that apply to ``y`` on ``day`` with every figure used."""
    if y.kind == YoguKind.NICHIJO:
        return futan_hantei(
            atena_id=y.atena_id, haigusha_atena_id=y.haigusha_atena_id, day=day, nyusho=False
        )
    hihogo = y.atena_id in hihogosha_on([y.atena_id], day)
    nendo, members = setaiin_of(y.atena_id, y.haigusha_atena_id, day)
    try:
        f = hosogu_futan(
            hihogo=hihogo,
            members=members,
            jogen={str(k): int(v) for k, v in dict(param("hosogu_jogen", day)).items()},
            taishogai_ijo=int(param("hosogu_taishogai_shotokuwari", day)),
        )
    except ValueError as exc:
        raise JiritsuRefused([("", f"{nendo}年度の{exc}（税務で確かめてください）")]) from exc
    return f if hihogo else Futan(f.kubun, f.jogen, (f"{nendo}年度の市町村民税", *f.riyu))


def yogu_kettei(*, pk: int, kettei_date: date, shikyu: bool, riyu: str, actor: Actor) -> YoguKyufu:
    """決定: 支給 with the 負担額 and 給付額, or 却下 with its reason. A 補装具 for a household
    with a 所得割 of 46万円 or more is decided as a 却下 stating the figure."""
    with transaction.atomic(durable=True):
        y = YoguKyufu.objects.select_for_update().filter(pk=pk).first()
        if y is None:
            raise JiritsuRefused([("", "その申請は見つかりません。")])
        if y.jotai != YoguJotai.SHINSEI:
            raise JiritsuRefused([("", "この申請はすでに決定しています。")])
        if kettei_date < y.shinsei_date:
            raise JiritsuRefused([("kettei_date", "決定日が申請日より前です。")])
        if not shikyu:
            if not riyu.strip():
                raise JiritsuRefused([("riyu", "却下の理由を入力してください。")])
            y.jotai = YoguJotai.KYAKKA
            y.kyakka_riyu = riyu.strip()[:200]
        else:
            f = yogu_futan(y, kettei_date)
            y.futan_kubun = f.kubun
            y.futan_jogen = f.jogen
            y.futan_konkyo = list(f.riyu)
            if f.kubun == TAISHOGAI:
                y.jotai = YoguJotai.KYAKKA
                y.kyakka_riyu = f.label
            else:
                assert f.jogen is not None
                sude_ni = (
                    YoguKyufu.objects.filter(
                        atena_id=y.atena_id,
                        kind=y.kind,
                        jotai__in=[YoguJotai.KETTEI, YoguJotai.SHIHARAI],
                        kettei_date__year=kettei_date.year,
                        kettei_date__month=kettei_date.month,
                    )
                    .exclude(pk=y.pk)
                    .aggregate(s=Sum("futan_gaku"))["s"]
                    or 0
                )
                nokori = max(f.jogen - sude_ni, 0)
                hiyo, futan, gaku = kyufu_gaku(
                    kijun_gaku=y.kijun_gaku, kakaku=y.kakaku, jogen=nokori
                )
                if sude_ni:
                    y.futan_konkyo = [
                        *y.futan_konkyo,
                        f"同じ月にすでに負担した額 {sude_ni:,}円（上限の残り {nokori:,}円）",
                    ]
                y.hiyo, y.futan_gaku, y.kyufu_gaku = hiyo, futan, gaku
                y.jotai = YoguJotai.KETTEI
        y.kettei_date = kettei_date
        y.save()
        _log(AccessAction.UPDATE, "fukushi.jiritsu_yogu_kettei", actor, y)
    return y


def yogu_shiharai(*, shiharai_date: date, irainin: zengin.Irainin, actor: Actor) -> YoguShiharai:
    """Pay every decided, unpaid 給付 in one run (one 振込 line per 給付)."""
    bad = zengin.irainin_errors(irainin)
    if bad:
        raise JiritsuRefused(bad)
    with transaction.atomic(durable=True):
        ids = list(
            YoguKyufu.objects.select_for_update()
            .filter(jotai=YoguJotai.KETTEI, shiharai__isnull=True, kyufu_gaku__gt=0)
            .values_list("pk", flat=True)
        )
        if not ids:
            raise JiritsuRefused([("", "支払う給付（支給決定済）がありません。")])
        run = YoguShiharai.objects.create(
            shiharai_date=shiharai_date,
            kensu=0,
            gokei=0,
            irainin=dataclasses.asdict(irainin),
            furikomi_sha256="",
            created_by=actor.username,
        )
        YoguKyufu.objects.filter(pk__in=ids).update(shiharai=run, jotai=YoguJotai.SHIHARAI)
        seal_run(
            run,
            yogu_furikomi_file,
            actor=actor,
            gyomu=SHOGAISHA_FUKUSHI,
            screen="fukushi.jiritsu_yogu_shiharai",
            lines=_lines(run),
        )
    return run


def _lines(run: YoguShiharai) -> list[zengin.FurikomiLine]:
    return [
        zengin.FurikomiLine(
            account=zengin.Account(
                y.kinyu_kikan, y.shiten, y.yokin_shumoku, y.koza_bango, y.meigi_kana
            ),
            amount=y.kyufu_gaku,
            customer1=f"{y.pk:010d}",
        )
        for y in YoguKyufu.objects.filter(shiharai=run).order_by("pk")
    ]


def yogu_furikomi_file(run: YoguShiharai) -> bytes:
    """The run's 全銀 総合振込 file: one line per 給付, 顧客コード1 = the 給付's number."""
    return zengin.sogo_furikomi_file(
        irainin=zengin.Irainin(**run.irainin), torikumi=run.shiharai_date, lines=_lines(run)
    )


def kettei_words(y: YoguKyufu) -> str:
    if y.jotai == YoguJotai.KYAKKA:
        return f"却下（{y.kyakka_riyu}）"
    return (
        f"{y.get_kind_display()} {y.hinmoku}：基準額 {y.kijun_gaku:,}円、見積額 {y.kakaku:,}円、"
        f"利用者負担額 {y.futan_gaku:,}円、給付額 {y.kyufu_gaku:,}円"
        + (f"（{format_wareki(y.kettei_date)}決定）" if y.kettei_date else "")
    )
