"""子ども医療費助成・ひとり親家庭等医療費助成 writes: 受給者証の交付, 一斉更新, the end on a
転出 or death, 償還 claims (受付・審査) and their payment with the 全銀 総合振込 file.

The town's age range, income limit and 一部負担 are its parameters (fukushi/params/iryo.yaml,
settable per town); a town that has not set them cannot issue, and says which is missing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Sum

from fukushi.gyomu import HITORIOYA_IRYO, NYUYOJI_IRYO
from fukushi.models import (
    FuyoJotai,
    FuyoJukyusha,
    IryoJotai,
    IryoJukyusha,
    IryoRireki,
    IryoShiharai,
    IryoShokan,
    IryoShokanJotai,
)
from fukushi.rules.iryo import nenrei_shuryo, shokan_gaku, yuko_kikan
from fukushi.services.furikomi import seal_run
from juminkiroku import public as juminkiroku_public
from tenants import zengin
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.params.services import ParameterMissing, param_value
from tenants.params.settable import unset_message
from tenants.wareki import fiscal_year_of, format_wareki
from zeimu import public as zeimu_public

__all__ = [
    "IryoRefused",
    "ichibu_futan_of",
    "ikkatsu_koshin",
    "iryo_shiharai_file",
    "iryo_shikkaku_apply",
    "jukyushasho_kofu",
    "koshin_kaishi",
    "shokan_shiharai",
    "shokan_shinsa",
    "shokan_uketsuke",
]

RECORD_TYPE = "fukushi.IryoJukyusha"
P = "fukushi.iryo."
_PART = {NYUYOJI_IRYO: "nyuyoji", HITORIOYA_IRYO: "hitorioya"}


class IryoRefused(Exception):
    """A write the rules refuse; ``errors`` are (field, Japanese message)."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(m for _, m in errors))
        self.errors = errors


def _param(gyomu: str, name: str, nendo: int) -> Any:
    key = f"{P}{_PART[gyomu]}.{name}" if name != "koshin_tsuki" else f"{P}koshin_tsuki"
    try:
        return param_value(key, nendo)
    except ParameterMissing as exc:
        raise IryoRefused(
            [
                (
                    "",
                    unset_message(key),
                )
            ]
        ) from exc


def ichibu_futan_of(gyomu: str, nendo: int) -> int:
    """The town's 一部負担金 per claim (0 when none, or not set)."""
    try:
        return int(_param(gyomu, "ichibu_futan", nendo))
    except IryoRefused:
        return 0


def _rireki(
    j: IryoJukyusha, kind: str, naiyo: str, actor: Actor, event_id: int | None = None
) -> None:
    IryoRireki.objects.create(
        jukyusha=j, kind=kind, naiyo=naiyo, event_id=event_id, created_by=actor.username
    )


def _log(
    action: str, screen: str, actor: Actor, gyomu: str, record_id: Any = "", count: int = 1
) -> None:
    access_record(
        action=action,
        actor=actor,
        gyomu=gyomu,
        screen=screen,
        record_type=RECORD_TYPE,
        record_id=record_id,
        record_count=count,
    )


@dataclass(frozen=True)
class Shikaku:
    """Whether a person qualifies from ``kaishi``, and until when."""

    ok: bool
    shuryo: date | None
    reasons: tuple[str, ...]


def shikaku_hantei(*, gyomu: str, atena_id: int, hogosha_atena_id: int, kaishi: date) -> Shikaku:
    """The town's conditions: age (the child's 3月31日 after the age limit; for ひとり親 the
    parent qualifies while a child does, here: while the person is under the limit or is
    the 保護者 themselves) and income."""
    nendo = fiscal_year_of(kaishi)
    koshin = int(_param(gyomu, "koshin_tsuki", nendo))
    reasons: list[str] = []
    person = juminkiroku_public.person_identity(atena_id)
    if person is None:
        return Shikaku(False, None, ("対象者が住民記録にいません。",))
    if not person.is_resident:
        reasons.append("対象者はこの町の住民ではありません。")
    limit_end: date | None = None
    if atena_id != hogosha_atena_id:  # a child: the town's age limit
        age = int(_param(gyomu, "taisho_nenrei", nendo))
        limit_end = nenrei_shuryo(person.birth_date, age)
        if limit_end < kaishi:
            reasons.append(f"対象年齢（{age}歳に達した後の3月31日まで）を過ぎています。")
    # income: the 住民税 of the 年度 of the certificate year (前年の所得)
    shotoku_nendo = kaishi.year if kaishi.month >= koshin else kaishi.year - 1
    if gyomu == NYUYOJI_IRYO:
        seigen = int(_param(gyomu, "shotoku_seigen", nendo))
        if seigen > 0:
            kazei = zeimu_public.person_kazei(hogosha_atena_id, shotoku_nendo)
            if kazei is None:
                reasons.append("保護者の所得の資料（住民税の賦課）がありません。")
            elif kazei.gokei_shotoku > seigen:
                reasons.append(
                    f"保護者の合計所得金額 {kazei.gokei_shotoku:,}円が"
                    f"所得制限 {seigen:,}円を超えています。"
                )
    elif (
        _param(gyomu, "shotoku_seigen", nendo) == "fuyoteate"
        and not FuyoJukyusha.objects.filter(
            atena_id=hogosha_atena_id, jotai=FuyoJotai.JUKYU
        ).exists()
    ):
        reasons.append("保護者が児童扶養手当の受給者ではありません（所得制限）。")
    _, end = yuko_kikan(kaishi, koshin, limit_end)
    return Shikaku(not reasons, end, tuple(reasons))


def jukyushasho_kofu(
    *,
    gyomu: str,
    atena_id: int,
    hogosha_atena_id: int,
    kaishi: date,
    account: zengin.Account,
    actor: Actor,
) -> IryoJukyusha:
    """受給者証の交付 from ``kaishi`` to the end of the certificate year (or the age end)."""
    errors = zengin.account_errors(account)
    s = shikaku_hantei(
        gyomu=gyomu, atena_id=atena_id, hogosha_atena_id=hogosha_atena_id, kaishi=kaishi
    )
    errors += [("", r) for r in s.reasons]
    with transaction.atomic(durable=True):
        if IryoJukyusha.objects.filter(
            gyomu=gyomu, atena_id=atena_id, jotai=IryoJotai.YUKO
        ).exists():
            errors.append(("", "この人の受給者証はすでに交付しています。"))
        if errors or s.shuryo is None:
            raise IryoRefused(errors)
        j = IryoJukyusha.objects.create(
            gyomu=gyomu,
            atena_id=atena_id,
            hogosha_atena_id=hogosha_atena_id,
            jukyusha_bango="",
            yuko_kaishi=kaishi,
            yuko_shuryo=s.shuryo,
            jotai=IryoJotai.YUKO,
            kinyu_kikan=account.kinyu_kikan,
            shiten=account.shiten,
            yokin_shumoku=account.yokin_shumoku,
            koza_bango=account.koza_bango,
            meigi_kana=account.meigi_kana,
            created_by=actor.username,
        )
        j.jukyusha_bango = f"{j.pk:08d}"
        j.save(update_fields=["jukyusha_bango"])
        _rireki(
            j,
            "kofu",
            f"受給者証の交付（{format_wareki(kaishi)}〜{format_wareki(s.shuryo)}）",
            actor,
        )
        _log(AccessAction.CREATE, "fukushi.iryo_kofu", actor, gyomu, j.pk)
    return j


@dataclass(frozen=True)
class KoshinOutcome:
    koshin: int
    shuryo: int
    reasons: tuple[tuple[int, str], ...]  # (受給者 id, why it ended)


def koshin_kaishi(gyomu: str, nen: int) -> date:
    """The first day of the 更新月 of ``nen`` (the town's ``koshin_tsuki``)."""
    return date(nen, int(_param(gyomu, "koshin_tsuki", nen)), 1)


def ikkatsu_koshin(*, gyomu: str, nen: int, actor: Actor) -> KoshinOutcome:
    """一斉更新 of the certificates of ``gyomu`` ending on the day before the 更新月 of
    ``nen``: each is checked again (age, income of the new 年度) and extended one year, or
    ends on its date. Idempotent: a second run finds none still ending on that day."""
    koshin = int(_param(gyomu, "koshin_tsuki", nen))
    kaishi = date(nen, koshin, 1)
    old_end = kaishi - timedelta(days=1)
    done = ended = 0
    reasons: list[tuple[int, str]] = []
    with transaction.atomic(durable=True):
        rows = IryoJukyusha.objects.select_for_update().filter(
            gyomu=gyomu, jotai=IryoJotai.YUKO, yuko_shuryo=old_end
        )
        for j in rows.order_by("pk"):
            s = shikaku_hantei(
                gyomu=gyomu, atena_id=j.atena_id, hogosha_atena_id=j.hogosha_atena_id, kaishi=kaishi
            )
            if s.ok and s.shuryo is not None:
                j.yuko_shuryo = s.shuryo
                j.save(update_fields=["yuko_shuryo"])
                _rireki(j, "koshin", f"一斉更新（{format_wareki(s.shuryo)}まで）", actor)
                done += 1
            else:
                j.jotai = IryoJotai.SHIKKAKU
                j.shikkaku_jiyu = "koshin"
                j.save(update_fields=["jotai", "shikkaku_jiyu"])
                _rireki(j, "shikkaku", "一斉更新で更新しない：" + " ".join(s.reasons), actor)
                reasons.append((j.pk, " ".join(s.reasons)))
                ended += 1
        if done or ended:
            _log(AccessAction.JOB, "fukushi.iryo_koshin", actor, gyomu, count=done + ended)
    return KoshinOutcome(done, ended, tuple(reasons))


def iryo_shikkaku_apply(
    *,
    atena_ids: Iterable[int],
    day: date,
    jiyu: str,
    ido_id: int,
    event_id: int,
    actor: Actor,
) -> int:
    """A 転出 or death of the person covered: the certificate is valid to ``day`` and ends
    (both 業務). Exactly once: a redelivered event finds nothing open for that 異動."""
    changed = 0
    gyomus: set[str] = set()
    label = {"tenshutsu": "転出", "shibo": "死亡"}[jiyu]
    for j in IryoJukyusha.objects.select_for_update().filter(
        atena_id__in=list(atena_ids), jotai=IryoJotai.YUKO
    ):
        j.jotai = IryoJotai.SHIKKAKU
        j.shikkaku_jiyu = jiyu
        j.shikkaku_ido_id = ido_id
        j.yuko_shuryo = min(j.yuko_shuryo, max(day, j.yuko_kaishi))
        j.save()
        _rireki(j, "shikkaku", f"{label}により{format_wareki(j.yuko_shuryo)}まで", actor, event_id)
        changed += 1
        gyomus.add(j.gyomu)
    for g in sorted(gyomus):
        _log(AccessAction.UPDATE, "fukushi.iryo_shikkaku", actor, g, count=changed)
    return changed


def shokan_uketsuke(
    *, jukyusha: IryoJukyusha, shinryo_tsuki: date, iryo_kikan: str, jiko_futan: int, actor: Actor
) -> IryoShokan:
    """A 償還 claim: the 診療月 must be in the certificate's period."""
    month = shinryo_tsuki.replace(day=1)
    if not (jukyusha.yuko_kaishi.replace(day=1) <= month <= jukyusha.yuko_shuryo):
        raise IryoRefused([("shinryo_tsuki", "診療月が受給者証の有効期間の外です。")])
    if jiko_futan <= 0:
        raise IryoRefused([("jiko_futan", "窓口で支払った額を入力してください。")])
    futan = int(_param(jukyusha.gyomu, "ichibu_futan", fiscal_year_of(month)))
    with transaction.atomic(durable=True):
        c = IryoShokan.objects.create(
            jukyusha=jukyusha,
            shinryo_tsuki=month,
            iryo_kikan=iryo_kikan,
            jiko_futan=jiko_futan,
            ichibu_futan=min(futan, jiko_futan),
            shikyu_gaku=shokan_gaku(jiko_futan, futan),
            jotai=IryoShokanJotai.UKETSUKE,
            created_by=actor.username,
        )
        _rireki(jukyusha, "shokan", f"償還の申請（{iryo_kikan}、{jiko_futan:,}円）", actor)
        _log(AccessAction.CREATE, "fukushi.iryo_shokan", actor, jukyusha.gyomu, jukyusha.pk)
    return c


def shokan_shinsa(*, claim: IryoShokan, shonin: bool, riyu: str, actor: Actor) -> IryoShokan:
    """審査: 支給決定 or 却下 (with its reason). Only a claim just received."""
    with transaction.atomic(durable=True):
        c = IryoShokan.objects.select_for_update().get(pk=claim.pk)
        if c.jotai != IryoShokanJotai.UKETSUKE:
            raise IryoRefused([("", "この申請はすでに審査しています。")])
        if not shonin and not riyu.strip():
            raise IryoRefused([("riyu", "却下の理由を入力してください。")])
        c.jotai = IryoShokanJotai.SHONIN if shonin else IryoShokanJotai.KYAKKA
        c.kyakka_riyu = "" if shonin else riyu
        c.save(update_fields=["jotai", "kyakka_riyu"])
        _rireki(
            c.jukyusha,
            "shinsa",
            "償還の審査：" + (f"支給決定 {c.shikyu_gaku:,}円" if shonin else f"却下（{riyu}）"),
            actor,
        )
        _log(AccessAction.UPDATE, "fukushi.iryo_shinsa", actor, c.jukyusha.gyomu, c.jukyusha_id)
    return c


def shokan_shiharai(
    *, gyomu: str, shiharai_date: date, irainin: zengin.Irainin, actor: Actor
) -> IryoShiharai:
    """Pay every approved, unpaid claim of ``gyomu`` (one line per 受給者) in one run."""
    bad = zengin.irainin_errors(irainin)
    if bad:
        raise IryoRefused(bad)
    with transaction.atomic(durable=True):
        claims = IryoShokan.objects.select_for_update().filter(
            jukyusha__gyomu=gyomu, jotai=IryoShokanJotai.SHONIN, shiharai__isnull=True
        )
        ids = list(claims.values_list("pk", flat=True))
        if not ids:
            raise IryoRefused([("", "支払う償還（審査済）がありません。")])
        total = claims.aggregate(s=Sum("shikyu_gaku"))["s"] or 0
        per = (
            IryoShokan.objects.filter(pk__in=ids)
            .values("jukyusha_id")
            .annotate(s=Sum("shikyu_gaku"))
        )
        run = IryoShiharai.objects.create(
            gyomu=gyomu,
            shiharai_date=shiharai_date,
            kensu=len([p for p in per if p["s"] > 0]),
            gokei=total,
            irainin=dataclasses.asdict(irainin),
            furikomi_sha256="",
            created_by=actor.username,
        )
        IryoShokan.objects.filter(pk__in=ids).update(shiharai=run, jotai=IryoShokanJotai.SHIHARAI)
        seal_run(
            run,
            iryo_shiharai_file,
            actor=actor,
            gyomu=gyomu,
            screen="fukushi.iryo_shiharai",
        )
    return run


def iryo_shiharai_file(run: IryoShiharai) -> bytes:
    """The run's 全銀 総合振込 file: one line per 受給者, 顧客コード1 = 受給者番号."""
    per = (
        IryoShokan.objects.filter(shiharai=run)
        .values("jukyusha_id")
        .annotate(s=Sum("shikyu_gaku"))
        .order_by("jukyusha_id")
    )
    people = IryoJukyusha.objects.in_bulk([p["jukyusha_id"] for p in per])
    lines = []
    for p in per:
        if p["s"] <= 0:
            continue
        j = people[p["jukyusha_id"]]
        lines.append(
            zengin.FurikomiLine(
                account=zengin.Account(
                    j.kinyu_kikan, j.shiten, j.yokin_shumoku, j.koza_bango, j.meigi_kana
                ),
                amount=p["s"],
                customer1=j.jukyusha_bango,
            )
        )
    return zengin.sogo_furikomi_file(
        irainin=zengin.Irainin(**run.irainin), torikumi=run.shiharai_date, lines=lines
    )
