"""心身障害者医療 償還 (refund) claims (issue 21 item 2): the 受給者 paid the 保険診療の
自己負担 at the counter and brings the receipt (医療機関, 診療年月, 自己負担額); the refund is
the town's rule (``fukushi.shinshin.shokan_hoshiki``: the whole 自己負担, or the 自己負担 less
the town's 一部負担金 once per 月 per 医療機関); the 決定 or 却下; the decided claims paid in a
run with its 全銀 総合振込 file, as the 子ども医療 償還 are (fukushi/services/iryo.py). Every
write is in the 受給者's history and the access log.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Sum

from fukushi.gyomu import SHINSHIN_SHOGAISHA_IRYO
from fukushi.models import (
    ShinshinJukyusha,
    ShinshinRireki,
    ShinshinShiharai,
    ShinshinShokan,
    ShinshinShokanJotai,
)
from fukushi.rules.shogai_techo import ICHIBU, ZENGAKU, shinshin_shokan_gaku
from fukushi.services.furikomi import seal_run
from tenants import zengin
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.params.services import ParameterMissing, param_value
from tenants.params.settable import unset_message
from tenants.wareki import fiscal_year_of, format_wareki

__all__ = [
    "ShokanInput",
    "ShokanRefused",
    "shinshin_shiharai_file",
    "shokan_kettei",
    "shokan_shiharai",
    "shokan_uketsuke",
]

RECORD_TYPE = "fukushi.ShinshinJukyusha"
P = "fukushi.shinshin."
#: ``fukushi.shinshin.shokan_hoshiki`` (a choice the settings screen stores as a number)
HOSHIKI = {1: ZENGAKU, 2: ICHIBU}


class ShokanRefused(Exception):
    """A write the rules refuse; ``errors`` are (field, Japanese message)."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(m for _, m in errors))
        self.errors = errors


def _param(name: str, nendo: int) -> Any:
    key = f"{P}{name}"
    try:
        return param_value(key, nendo)
    except ParameterMissing as exc:
        raise ShokanRefused(
            [
                (
                    "",
                    unset_message(key),
                )
            ]
        ) from exc


def _log(action: str, screen: str, actor: Actor, j: ShinshinJukyusha) -> None:
    access_record(
        actor=actor,
        action=action,
        gyomu=SHINSHIN_SHOGAISHA_IRYO,
        screen=screen,
        record_type=RECORD_TYPE,
        record_id=j.pk,
        detail={"atena_ids": [j.atena_id]},
    )


def _rireki(j: ShinshinJukyusha, kind: str, naiyo: str, actor: Actor) -> None:
    ShinshinRireki.objects.create(
        jukyusha=j, kind=kind, naiyo=naiyo[:300], created_by=actor.username
    )


@dataclasses.dataclass(frozen=True)
class ShokanInput:
    shinryo_tsuki: date
    iryo_kikan: str
    jiko_futan: int
    account: zengin.Account


def shokan_uketsuke(
    *, jukyusha: ShinshinJukyusha, data: ShokanInput, actor: Actor
) -> ShinshinShokan:
    """Receive a claim. The 診療年月 must fall in the certificate's 有効期間 (a month the
    certificate covers at least one day of); the amount is the town's rule for that 年度."""
    month = data.shinryo_tsuki.replace(day=1)
    errors: list[tuple[str, str]] = []
    if not (jukyusha.yuko_kaishi.replace(day=1) <= month <= jukyusha.yuko_shuryo):
        errors.append(
            (
                "shinryo_tsuki",
                "診療年月が受給者証の有効期間（"
                f"{format_wareki(jukyusha.yuko_kaishi)}から{format_wareki(jukyusha.yuko_shuryo)}"
                "まで）の外です。",
            )
        )
    if data.jiko_futan <= 0:
        errors.append(("jiko_futan", "保険診療の自己負担額を入力してください。"))
    if not data.iryo_kikan.strip():
        errors.append(("iryo_kikan", "医療機関を入力してください。"))
    errors += zengin.account_errors(data.account)
    if errors:
        raise ShokanRefused(errors)
    nendo = fiscal_year_of(month)
    hoshiki = HOSHIKI[int(_param("shokan_hoshiki", nendo))]
    futan = int(_param("ichibu_futan", nendo)) if hoshiki == ICHIBU else 0
    with transaction.atomic(durable=True):
        j = ShinshinJukyusha.objects.select_for_update().get(pk=jukyusha.pk)
        sude_ni = (
            ShinshinShokan.objects.filter(
                jukyusha=j, shinryo_tsuki=month, iryo_kikan=data.iryo_kikan.strip()
            )
            .exclude(jotai=ShinshinShokanJotai.KYAKKA)
            .aggregate(s=Sum("ichibu_futan"))["s"]
            or 0
        )
        bears, gaku = shinshin_shokan_gaku(
            jiko_futan=data.jiko_futan, hoshiki=hoshiki, ichibu_futan=futan, sude_ni=sude_ni
        )
        a = data.account
        c = ShinshinShokan.objects.create(
            jukyusha=j,
            shinryo_tsuki=month,
            iryo_kikan=data.iryo_kikan.strip(),
            jiko_futan=data.jiko_futan,
            ichibu_futan=bears,
            shikyu_gaku=gaku,
            jotai=ShinshinShokanJotai.UKETSUKE,
            kinyu_kikan=a.kinyu_kikan,
            shiten=a.shiten,
            yokin_shumoku=a.yokin_shumoku,
            koza_bango=a.koza_bango,
            meigi_kana=a.meigi_kana,
            created_by=actor.username,
        )
        _rireki(
            j,
            "shokan",
            f"償還の申請（{c.iryo_kikan}、{format_wareki(month).removesuffix('1日')}分、"
            f"自己負担額 {c.jiko_futan:,}円、支給額 {gaku:,}円）",
            actor,
        )
        _log(AccessAction.CREATE, "fukushi.shinshin_shokan", actor, j)
    return c


def shokan_kettei(
    *, claim: ShinshinShokan, shikyu: bool, riyu: str, actor: Actor
) -> ShinshinShokan:
    """決定: 支給 or 却下 (with its reason). Only a claim just received."""
    with transaction.atomic(durable=True):
        c = ShinshinShokan.objects.select_for_update().select_related("jukyusha").get(pk=claim.pk)
        if c.jotai != ShinshinShokanJotai.UKETSUKE:
            raise ShokanRefused([("", "この申請はすでに決定しています。")])
        if not shikyu and not riyu.strip():
            raise ShokanRefused([("riyu", "却下の理由を入力してください。")])
        c.jotai = ShinshinShokanJotai.KETTEI if shikyu else ShinshinShokanJotai.KYAKKA
        c.kyakka_riyu = "" if shikyu else riyu.strip()
        if not shikyu:
            c.ichibu_futan = 0  # a refused claim bears nothing: a later receipt bears it
        c.save(update_fields=["jotai", "kyakka_riyu", "ichibu_futan"])
        _rireki(
            c.jukyusha,
            "kettei",
            "償還の決定："
            + (f"支給 {c.shikyu_gaku:,}円" if shikyu else f"却下（{c.kyakka_riyu}）"),
            actor,
        )
        _log(AccessAction.UPDATE, "fukushi.shinshin_kettei", actor, c.jukyusha)
    return c


def shokan_shiharai(
    *, shiharai_date: date, irainin: zengin.Irainin, actor: Actor
) -> ShinshinShiharai:
    """Pay every decided, unpaid claim in one run (one 振込 line per 受給者 and account)."""
    bad = zengin.irainin_errors(irainin)
    if bad:
        raise ShokanRefused(bad)
    with transaction.atomic(durable=True):
        claims = ShinshinShokan.objects.select_for_update().filter(
            jotai=ShinshinShokanJotai.KETTEI, shiharai__isnull=True
        )
        ids = list(claims.values_list("pk", flat=True))
        if not ids:
            raise ShokanRefused([("", "支払う償還（支給決定済）がありません。")])
        run = ShinshinShiharai.objects.create(
            shiharai_date=shiharai_date,
            kensu=0,
            gokei=0,
            irainin=dataclasses.asdict(irainin),
            furikomi_sha256="",
            created_by=actor.username,
        )
        ShinshinShokan.objects.filter(pk__in=ids).update(
            shiharai=run, jotai=ShinshinShokanJotai.SHIHARAI
        )
        seal_run(
            run,
            shinshin_shiharai_file,
            actor=actor,
            gyomu=SHINSHIN_SHOGAISHA_IRYO,
            screen="fukushi.shinshin_shiharai",
            lines=_lines(run),
        )
    return run


def _lines(run: ShinshinShiharai) -> list[zengin.FurikomiLine]:
    per = (
        ShinshinShokan.objects.filter(shiharai=run)
        .values(
            "jukyusha__jukyusha_bango",
            "kinyu_kikan",
            "shiten",
            "yokin_shumoku",
            "koza_bango",
            "meigi_kana",
        )
        .annotate(s=Sum("shikyu_gaku"))
        .order_by("jukyusha__jukyusha_bango", "kinyu_kikan", "koza_bango")
    )
    return [
        zengin.FurikomiLine(
            account=zengin.Account(
                p["kinyu_kikan"], p["shiten"], p["yokin_shumoku"], p["koza_bango"], p["meigi_kana"]
            ),
            amount=p["s"],
            customer1=p["jukyusha__jukyusha_bango"],
        )
        for p in per
        if p["s"] > 0
    ]


def shinshin_shiharai_file(run: ShinshinShiharai) -> bytes:
    """The run's 全銀 総合振込 file: one line per 受給者 and account, 顧客コード1 = 受給者番号."""
    return zengin.sogo_furikomi_file(
        irainin=zengin.Irainin(**run.irainin), torikumi=run.shiharai_date, lines=_lines(run)
    )
