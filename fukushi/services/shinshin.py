"""心身障害者医療（重度障害者医療）受給者証 (issue 21 item 2): eligibility from the person's
障害者手帳 under the town's criteria, the 交付, the end on a death or 転出, and the 試算.

The town's criteria are its parameters (fukushi/params/shogai_techo.yaml, keys
``fukushi.shinshin.*``: the 身体 等級, the 療育 程度, the 精神 等級, the age limit for new
applicants, the income limit on 本人's 合計所得金額); a town that has not set them cannot
issue and is told which is missing. The income is read through ``zeimu.public`` as 子ども医療
does (fukushi/services/iryo.py), for the 住民税 年度 of the certificate year. The certificate
year and its end are ``fukushi.rules.iryo.yuko_kikan`` (the 医療費助成 受給者証 shape), not
past the 有効期限 of a 精神 手帳 that is its 根拠.

Not reused: the 医療費助成 table (IryoJukyusha) itself, whose screens are open to every holder
of the 業務 role; a 心身障害者医療 受給者証 tells of a disability and is behind the grant
``SHOGAI_TECHO``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction

from fukushi.gyomu import SHINSHIN_SHOGAISHA_IRYO
from fukushi.models import (
    ShinshinJotai,
    ShinshinJukyusha,
    ShinshinKoshinKekka,
    ShinshinRireki,
    ShogaiTecho,
    TechoJotai,
    TechoKind,
)
from fukushi.rules.iryo import yuko_kikan
from fukushi.rules.shogai_techo import (
    KIND_LABELS,
    ShinshinKijun,
    ShinshinResult,
    TechoFact,
    parse_teido,
    shinshin_hantei,
)
from juminkiroku import public as juminkiroku_public
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.params.services import ParameterMissing, param_value
from tenants.params.settable import unset_message
from tenants.wareki import fiscal_year_of, format_wareki
from zeimu import public as zeimu_public

__all__ = [
    "ShinshinRefused",
    "koshin_apply",
    "koshin_kaishi",
    "koshin_targets",
    "shinshin_check",
    "shinshin_kijun",
    "shinshin_kofu",
    "shinshin_koshin",
    "shinshin_shikkaku_apply",
    "shinshin_shisan",
]

RECORD_TYPE = "fukushi.ShinshinJukyusha"
P = "fukushi.shinshin."
#: the order a 根拠 is chosen in when several 手帳 qualify
KIND_ORDER = {TechoKind.SHINTAI: 0, TechoKind.RYOIKU: 1, TechoKind.SEISHIN: 2}


class ShinshinRefused(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def _param(name: str, day: date) -> Any:
    key = f"{P}{name}"
    try:
        return param_value(key, fiscal_year_of(day))
    except ParameterMissing as exc:
        raise ShinshinRefused([unset_message(key)]) from exc


def shinshin_kijun(day: date) -> ShinshinKijun:
    return ShinshinKijun(
        shintai_tokyu=int(_param("shintai_tokyu", day)),
        ryoiku_teido=tuple(parse_teido(str(_param("ryoiku_teido", day)))),
        seishin_tokyu=int(_param("seishin_tokyu", day)),
        shinki_nenrei_seigen=int(_param("shinki_nenrei_seigen", day)),
        shotoku_seigen=int(_param("shotoku_seigen", day)),
    )


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _shotoku_nendo(kaishi: date) -> int:
    """The 住民税 年度 whose 所得 the certificate year reads (前年の所得, as 子ども医療)."""
    koshin = int(_param("koshin_tsuki", kaishi))
    return kaishi.year if kaishi.month >= koshin else kaishi.year - 1


def _valid_techo(atena_id: int, on: date) -> list[ShogaiTecho]:
    techos = [
        t
        for t in ShogaiTecho.objects.filter(atena_id=atena_id, jotai=TechoJotai.YUKO)
        if t.kofu_date <= on and (t.yuko_kigen is None or t.yuko_kigen >= on)
    ]
    return sorted(techos, key=lambda t: (KIND_ORDER[TechoKind(t.kind)], t.tokyu))


@dataclass(frozen=True)
class Check:
    result: ShinshinResult
    techo: ShogaiTecho | None
    shuryo: date | None


def shinshin_check(*, atena_id: int, kaishi: date) -> Check:
    """Whether the person qualifies from ``kaishi`` (reads, writes nothing)."""
    kijun = shinshin_kijun(kaishi)
    person = juminkiroku_public.person_identity(atena_id)
    if person is None:
        raise ShinshinRefused(["その方は住民記録にいません。"])
    techos = _valid_techo(atena_id, kaishi)
    kazei = (
        zeimu_public.person_kazei(atena_id, _shotoku_nendo(kaishi))
        if kijun.shotoku_seigen
        else None
    )
    result = shinshin_hantei(
        techo=[TechoFact(t.kind, t.tokyu) for t in techos],
        kijun=kijun,
        age=_age(person.birth_date, kaishi),
        shinki=not ShinshinJukyusha.objects.filter(atena_id=atena_id).exists(),
        gokei_shotoku=kazei.gokei_shotoku if kazei is not None else None,
    )
    if not person.is_resident:
        result = ShinshinResult(
            False, result.konkyo, ("この町の住民ではありません。", *result.reasons)
        )
    techo = next(
        (
            t
            for t in techos
            if result.konkyo and (t.kind, t.tokyu) == (result.konkyo.kind, result.konkyo.tokyu)
        ),
        None,
    )
    shuryo = None
    if techo is not None:
        _, shuryo = yuko_kikan(kaishi, int(_param("koshin_tsuki", kaishi)), techo.yuko_kigen)
    return Check(result, techo, shuryo)


def _konkyo(t: ShogaiTecho) -> str:
    tokyu = f"{t.tokyu}級" if t.kind != TechoKind.RYOIKU else t.tokyu
    return f"{KIND_LABELS[t.kind]} {tokyu}"


def _rireki(
    j: ShinshinJukyusha, kind: str, naiyo: str, actor: Actor, event_id: int | None = None
) -> None:
    ShinshinRireki.objects.create(
        jukyusha=j, kind=kind, naiyo=naiyo[:300], event_id=event_id, created_by=actor.username
    )


def shinshin_kofu(*, atena_id: int, kaishi: date, actor: Actor) -> ShinshinJukyusha:
    """受給者証の交付 from ``kaishi`` to the end of the certificate year (not past the
    根拠 精神 手帳's 有効期限); refused with the reasons in Japanese."""
    with transaction.atomic(durable=True):
        c = shinshin_check(atena_id=atena_id, kaishi=kaishi)
        errors = list(c.result.reasons)
        if ShinshinJukyusha.objects.filter(atena_id=atena_id, jotai=ShinshinJotai.YUKO).exists():
            errors.append("この方の受給者証はすでに交付しています。")
        if errors or c.techo is None or c.shuryo is None:
            raise ShinshinRefused(errors or ["対象になりません。"])
        j = ShinshinJukyusha.objects.create(
            atena_id=atena_id,
            jukyusha_bango=f"T{atena_id:011d}"[-12:],
            techo=c.techo,
            konkyo=_konkyo(c.techo),
            yuko_kaishi=kaishi,
            yuko_shuryo=c.shuryo,
            jotai=ShinshinJotai.YUKO,
            created_by=actor.username,
        )
        j.jukyusha_bango = f"{j.pk:08d}"
        j.save(update_fields=["jukyusha_bango"])
        _rireki(
            j,
            "kofu",
            f"交付（{j.konkyo}、{format_wareki(kaishi)}から{format_wareki(c.shuryo)}まで）",
            actor,
        )
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=SHINSHIN_SHOGAISHA_IRYO,
            screen="fukushi.shinshin_kofu",
            record_type=RECORD_TYPE,
            record_id=j.pk,
            detail={"atena_ids": [atena_id]},
        )
    return j


@dataclass(frozen=True)
class KoshinOutcome:
    koshin: int
    shuryo: int
    reasons: tuple[tuple[int, str], ...]  # (受給者 id, why it ended)


def koshin_kaishi(nen: int) -> date:
    """The first day of the town's 更新月 of ``nen`` (the new certificate year's start);
    refused in Japanese when the criteria of that 年度 are not set."""
    kaishi = date(nen, int(_param("koshin_tsuki", date(nen, 4, 1))), 1)
    shinshin_kijun(kaishi)  # the criteria of the new 年度 must be set
    return kaishi


def koshin_targets(kaishi: date) -> list[int]:
    """The certificates still valid that end on the day before ``kaishi``, by id."""
    return list(
        ShinshinJukyusha.objects.filter(
            jotai=ShinshinJotai.YUKO, yuko_shuryo=kaishi - timedelta(days=1)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def koshin_apply(
    *, ids: Iterable[int], kaishi: date, actor: Actor, job_id: int | None = None
) -> tuple[int, int, list[tuple[int, str]]]:
    """Judge again each of ``ids`` (the caller's transaction): renewed or ended with the
    reasons, and its ``ShinshinKoshinKekka``. A certificate no longer valid or no longer
    ending the day before ``kaishi`` — already renewed or ended by a run, a chunk run again
    — is left alone. Returns (renewed, ended, [(id, reason)])."""
    old_end = kaishi - timedelta(days=1)
    done = ended = 0
    reasons: list[tuple[int, str]] = []
    rows = ShinshinJukyusha.objects.select_for_update().filter(
        pk__in=list(ids), jotai=ShinshinJotai.YUKO, yuko_shuryo=old_end
    )
    for j in rows.order_by("pk"):
        if ShinshinKoshinKekka.objects.filter(jukyusha=j, kaishi=kaishi).exists():
            continue
        c: Check | None
        why: list[str]
        try:
            c = shinshin_check(atena_id=j.atena_id, kaishi=kaishi)
            why = list(c.result.reasons)
        except ShinshinRefused as exc:
            c, why = None, exc.errors
        if c is not None and not why and c.techo is not None and c.shuryo is not None:
            j.techo = c.techo
            j.konkyo = _konkyo(c.techo)
            j.yuko_shuryo = c.shuryo
            j.save(update_fields=["techo", "konkyo", "yuko_shuryo"])
            _rireki(
                j,
                "koshin",
                f"一斉更新（{j.konkyo}、{format_wareki(kaishi)}から{format_wareki(c.shuryo)}まで）",
                actor,
            )
            ShinshinKoshinKekka.objects.create(
                jukyusha=j, kaishi=kaishi, kekka="koshin", yuko_shuryo=c.shuryo,
                konkyo=j.konkyo, job_id=job_id, created_by=actor.username,
            )  # fmt: skip
            done += 1
        else:
            text = " ".join(why) or "対象になりません。"
            j.jotai = ShinshinJotai.SHIKKAKU
            j.shikkaku_jiyu = "koshin"
            j.save(update_fields=["jotai", "shikkaku_jiyu"])
            _rireki(
                j, "shikkaku", f"一斉更新で更新しない（{format_wareki(old_end)}まで）：{text}",
                actor,
            )  # fmt: skip
            ShinshinKoshinKekka.objects.create(
                jukyusha=j, kaishi=kaishi, kekka="shuryo", yuko_shuryo=old_end,
                konkyo=j.konkyo, riyu=text[:300], job_id=job_id, created_by=actor.username,
            )  # fmt: skip
            reasons.append((j.pk, text))
            ended += 1
    return done, ended, reasons


def shinshin_koshin(*, nen: int, actor: Actor) -> KoshinOutcome:
    """一斉更新: every 受給者証 still valid that ends on the day before the town's 更新月 of
    ``nen`` is checked again on the first day of that month (the 手帳 then valid, the town's
    criteria and the 本人's income of the new 年度; not as a new applicant) and either gets
    the new certificate year (its 根拠 the 手帳 qualifying now) or ends on its date with the
    reasons. Exactly once: a second run finds none still ending on that day. A town whose
    criteria for the new 年度 are not set is refused before anything changes. The same as
    the job ``fukushi.shinshin_jobs`` (chunked) in one transaction."""
    kaishi = koshin_kaishi(nen)
    with transaction.atomic(durable=True):
        done, ended, reasons = koshin_apply(ids=koshin_targets(kaishi), kaishi=kaishi, actor=actor)
        if done or ended:
            access_record(
                actor=actor,
                action=AccessAction.JOB,
                gyomu=SHINSHIN_SHOGAISHA_IRYO,
                screen="fukushi.shinshin_koshin",
                record_type=RECORD_TYPE,
                record_count=done + ended,
                detail={"nen": nen},
            )
    return KoshinOutcome(done, ended, tuple(reasons))


def shinshin_shikkaku_apply(
    *, atena_ids: Iterable[int], day: date, jiyu: str, ido_id: int, event_id: int, actor: Actor
) -> int:
    """A death or 転出 of the 受給者: the certificate is valid to ``day`` and ends. Exactly
    once: a redelivered event finds nothing open."""
    label = {"tenshutsu": "転出", "shibo": "死亡"}[jiyu]
    changed = 0
    for j in ShinshinJukyusha.objects.select_for_update().filter(
        atena_id__in=list(atena_ids), jotai=ShinshinJotai.YUKO
    ):
        j.jotai = ShinshinJotai.SHIKKAKU
        j.shikkaku_jiyu = jiyu
        j.shikkaku_ido_id = ido_id
        j.yuko_shuryo = min(j.yuko_shuryo, max(day, j.yuko_kaishi))
        j.save()
        _rireki(j, "shikkaku", f"{label}により{format_wareki(j.yuko_shuryo)}まで", actor, event_id)
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=SHINSHIN_SHOGAISHA_IRYO,
            screen="fukushi.shinshin_renkei",
            record_type=RECORD_TYPE,
            record_id=j.pk,
            detail={"atena_ids": [j.atena_id], "ido_id": ido_id},
        )
        changed += 1
    return changed


# --- 見直し: the 根拠 手帳 changed after the certificate was issued -------------------------


def techo_change(j: ShinshinJukyusha, on: date) -> str:
    """What changed about the 受給者証's 根拠 手帳 since it was issued or last renewed, in
    words ("" when nothing did): returned or ended, past its 有効期限 on ``on``, or another
    等級 (a 等級変更 or a renewal with another 等級)."""
    t = j.techo
    if t.jotai != TechoJotai.YUKO:
        return f"根拠の手帳が{t.get_jotai_display()}になっています。"
    if t.yuko_kigen is not None and t.yuko_kigen < on:
        return f"根拠の手帳の有効期限（{format_wareki(t.yuko_kigen)}）が過ぎています。"
    if _konkyo(t) != j.konkyo:
        return f"根拠の手帳の等級が変わりました（{j.konkyo} → {_konkyo(t)}）。"
    return ""


@dataclass(frozen=True)
class Minaoshi:
    jukyusha: ShinshinJukyusha
    change: str  # what changed about the 根拠 手帳
    konkyo: str  # the 手帳 that qualifies on the day ("" when none)
    reasons: tuple[str, ...]  # why the person no longer qualifies (empty: qualifies)


def minaoshi_list(on: date) -> list[Minaoshi]:
    """Every valid 受給者証 whose 根拠 手帳 changed, judged again as on ``on`` (as a
    renewal, not a new applicant): whether another 手帳 or the new 等級 still qualifies, or
    why not. Reads only."""
    out: list[Minaoshi] = []
    rows = ShinshinJukyusha.objects.filter(jotai=ShinshinJotai.YUKO).select_related("techo")
    for j in rows.order_by("jukyusha_bango"):
        change = techo_change(j, on)
        if not change:
            continue
        try:
            c = shinshin_check(atena_id=j.atena_id, kaishi=on)
        except ShinshinRefused as exc:
            out.append(Minaoshi(j, change, "", tuple(exc.errors)))
            continue
        ok = c.techo is not None and not c.result.reasons
        konkyo = _konkyo(c.techo) if ok and c.techo is not None else ""
        out.append(Minaoshi(j, change, konkyo, () if ok else c.result.reasons or ("対象外",)))
    return out


def shinshin_minaoshi(*, pk: int, day: date, actor: Actor) -> ShinshinJukyusha:
    """見直し of one 受給者証 whose 根拠 手帳 changed, as on ``day``: when a 手帳 valid that day
    still qualifies (the new 等級, or another 手帳) it becomes the 根拠 and the certificate
    goes on (to its end, or to that 精神 手帳's 有効期限 if earlier); otherwise the certificate
    ends, valid to the day before ``day``, with the reasons. Refused (nothing written) when
    nothing changed about its 手帳, or ``day`` is outside its 有効期間."""
    with transaction.atomic(durable=True):
        j = (
            ShinshinJukyusha.objects.select_for_update()
            .select_related("techo")
            .filter(pk=pk, jotai=ShinshinJotai.YUKO)
            .first()
        )
        if j is None:
            raise ShinshinRefused(["有効な受給者証ではありません。"])
        change = techo_change(j, day)
        if not change:
            raise ShinshinRefused(["根拠の手帳は変わっていません（見直しの対象ではありません）。"])
        if not j.yuko_kaishi < day <= j.yuko_shuryo:
            raise ShinshinRefused(
                [
                    f"見直しの日は有効期間（{format_wareki(j.yuko_kaishi)}〜"
                    f"{format_wareki(j.yuko_shuryo)}）の2日目から最後の日までで指定してください。"
                ]
            )
        try:
            c: Check | None = shinshin_check(atena_id=j.atena_id, kaishi=day)
            why = list(c.result.reasons) if c is not None else []
        except ShinshinRefused as exc:
            c, why = None, exc.errors
        if c is not None and not why and c.techo is not None and c.shuryo is not None:
            before = j.konkyo
            j.techo = c.techo
            j.konkyo = _konkyo(c.techo)
            j.yuko_shuryo = min(j.yuko_shuryo, c.shuryo)
            j.save(update_fields=["techo", "konkyo", "yuko_shuryo"])
            _rireki(
                j,
                "minaoshi",
                f"見直し（{format_wareki(day)}）：{change}根拠を{before}から{j.konkyo}に変更"
                f"（{format_wareki(j.yuko_shuryo)}まで）",
                actor,
            )
        else:
            j.jotai = ShinshinJotai.SHIKKAKU
            j.shikkaku_jiyu = "minaoshi"
            j.yuko_shuryo = day - timedelta(days=1)
            j.save(update_fields=["jotai", "shikkaku_jiyu", "yuko_shuryo"])
            _rireki(
                j,
                "shikkaku",
                f"見直しにより{format_wareki(j.yuko_shuryo)}まで：{change}"
                + (" ".join(why) or "対象になりません。"),
                actor,
            )
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=SHINSHIN_SHOGAISHA_IRYO,
            screen="fukushi.shinshin_minaoshi",
            record_type=RECORD_TYPE,
            record_id=j.pk,
            detail={"atena_ids": [j.atena_id], "day": day.isoformat()},
        )
    return j


def minaoshi_soshitsu_list(kara: date, made: date) -> list[ShinshinJukyusha]:
    """The 受給者証 a 見直し ended with a 資格喪失日 (the day after the last valid day) from
    ``kara`` to ``made``, by 受給者番号: those whose 資格喪失通知書 is to be printed."""
    return list(
        ShinshinJukyusha.objects.filter(
            jotai=ShinshinJotai.SHIKKAKU,
            shikkaku_jiyu="minaoshi",
            yuko_shuryo__gte=kara - timedelta(days=1),
            yuko_shuryo__lte=made - timedelta(days=1),
        ).order_by("jukyusha_bango")
    )


def shinshin_shisan(
    *, day: date, kind: str, tokyu: str, age: int, shinki: bool, gokei_shotoku: int | None
) -> ShinshinResult:
    """The 試算: would a person with this 手帳, age and income qualify in this town on
    ``day``? Reads no person, saves nothing."""
    return shinshin_hantei(
        techo=[TechoFact(kind, tokyu)] if kind else [],
        kijun=shinshin_kijun(day),
        age=age,
        shinki=shinki,
        gokei_shotoku=gokei_shotoku,
    )
