"""交付・返還 of the 資格確認書 and the 資格情報のお知らせ (国民健康保険法第9条): every card
printed is an issue recorded with the terms printed on it (``kokuho.models.ShikakuKofu``),
at the counter (:func:`shikaku_kofu_issue`, one durable transaction with its access row)
and in the mass print (:func:`kofu_for_job`, inside the chunk's fenced transaction, once
per job, 資格 and 帳票). :func:`shikaku_kofu_henkan` records a card's return.

The terms: :func:`kofu_terms` — 有効期限 and 一部負担金の割合 by ``kokuho.rules.kofu``, the
70歳以上の所得区分 from ``kokuho.selectors.kyufu.household_kubun`` (所得 through
``zeimu.public``), the 保険者番号 from the town's parameter (refused when unset).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from juminkiroku.public import person_identities
from kokuho.gyomu import KOKUHO_SHIKAKU
from kokuho.models import KofuForm, KofuRiyu, Shikaku, ShikakuKofu
from kokuho.rules.kofu import futan_wariai, hokensha_bango_error, yuko_kigen
from kokuho.rules.kyufu import is_koreisha
from kokuho.selectors.kyufu import household_kubun, kyufu_parameters
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.params.services import ParameterMissing, param_value
from tenants.wareki import fiscal_year_of

SCREEN = "kokuho.shikaku_kofu"
RECORD_TYPE = "kokuho.ShikakuKofu"


class KofuRefused(ValueError):
    """A card that cannot be issued or returned; the message is for the screen."""


@dataclass(frozen=True)
class KofuParams:
    koshin_tsuki: int
    koki_nenrei: int
    koreisha_nenrei: int
    wariai: dict[str, int]
    hokensha_bango: str


@dataclass(frozen=True)
class Terms:
    yuko_kigen: date | None
    futan_wariai: int | None


def kofu_params(kofu_date: date) -> KofuParams:
    """The parameters of a card issued on ``kofu_date``; refused without a 保険者番号."""
    fy = fiscal_year_of(kofu_date)
    try:
        bango = param_value("kokuho.shikaku.hokensha_bango", fy)
    except ParameterMissing:
        bango = None
    error = hokensha_bango_error(bango)
    if error:
        raise KofuRefused(error)
    wariai = param_value("kokuho.shikaku.ichibu_futan_wariai", fy)
    return KofuParams(
        koshin_tsuki=int(param_value("kokuho.shikaku.kakuninsho_koshin_tsuki", fy)),
        koki_nenrei=int(param_value("kokuho.shikaku.koki_nenrei", fy)),
        koreisha_nenrei=int(param_value("kokuho.kyufu.koreisha_nenrei", fy)),
        wariai={k: int(v) for k, v in wariai.items()},
        hokensha_bango=str(bango).strip(),
    )


def kofu_terms(
    form: str, periods: Sequence[Shikaku], *, kofu_date: date, params: KofuParams
) -> dict[int, Terms | str]:
    """資格 id → the terms of its card, or the reason it cannot be printed (words). The
    所得区分 is read (household_kubun) only for those 70 or over."""
    persons = person_identities(s.atena_id for s in periods)
    genekinami = frozenset(
        k for k, _ in kyufu_parameters(kofu_date.year, kofu_date.month).genekinami
    )
    out: dict[int, Terms | str] = {}
    for s in periods:
        person = persons.get(s.atena_id)
        if person is None:
            out[s.pk] = "その方は見つかりません。"
            continue
        birth = person.birth_date
        kubun: str | None = None
        if is_koreisha(birth, kofu_date.year, kofu_date.month, params.koreisha_nenrei):
            hk = household_kubun(s.atena_id, kofu_date.year, kofu_date.month, day=kofu_date)
            kubun = hk.result.over70 if hk else None
        try:
            wariai = futan_wariai(
                birth, kofu_date, kubun, koreisha_nenrei=params.koreisha_nenrei,
                genekinami=genekinami, wariai=params.wariai,
            )  # fmt: skip
        except ValueError as exc:
            out[s.pk] = str(exc)
            continue
        kigen = yuko_kigen(
            kofu_date,
            birth,
            koshin_tsuki=params.koshin_tsuki,
            koki_nenrei=params.koki_nenrei,
            koreisha_nenrei=params.koreisha_nenrei,
            kakuninsho=form == KofuForm.KAKUNINSHO,
        )
        out[s.pk] = Terms(yuko_kigen=kigen, futan_wariai=wariai)
    return out


def _row(
    s: Shikaku, form: str, riyu: str, kofu_date: date, t: Terms, params: KofuParams,
    created_by: str, job_id: int | None = None,
) -> ShikakuKofu:  # fmt: skip
    return ShikakuKofu(
        atena_id=s.atena_id,
        shikaku=s,
        form=form,
        riyu=riyu,
        kofu_date=kofu_date,
        yuko_kigen=t.yuko_kigen,
        futan_wariai=t.futan_wariai,
        hokensha_bango=params.hokensha_bango,
        job_id=job_id,
        created_by=created_by,
    )


def shikaku_kofu_issue(
    *, shikaku_id: int, form: str, riyu: str, kofu_date: date, actor: Actor
) -> ShikakuKofu:
    """Issue one card at the counter: the 資格 must be open and cover ``kofu_date``; a
    再交付 needs an earlier issue of the same 帳票 for the same 資格."""
    if form not in KofuForm.values:
        raise KofuRefused("帳票は 資格確認書・資格情報のお知らせ から選んでください。")
    if riyu not in KofuRiyu.values:
        raise KofuRefused("交付理由を選んでください。")
    params = kofu_params(kofu_date)
    with transaction.atomic(durable=True):
        s = Shikaku.objects.select_for_update().filter(pk=shikaku_id).first()
        if s is None or not s.is_open:
            raise KofuRefused(
                "資格のある期間にだけ交付できます（喪失・取消の資格には交付できません）。"
            )
        if kofu_date < s.shutoku_date:
            raise KofuRefused("交付日が資格取得日より前です。")
        earlier = ShikakuKofu.objects.filter(shikaku=s, form=form).exists()
        if riyu == KofuRiyu.SAIKOFU and not earlier:
            raise KofuRefused("再交付は、同じ帳票を前に交付した記録がある場合だけ選べます。")
        t = kofu_terms(form, [s], kofu_date=kofu_date, params=params)[s.pk]
        if isinstance(t, str):
            raise KofuRefused(t)
        row = _row(s, form, riyu, kofu_date, t, params, actor.username)
        row.save()
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=KOKUHO_SHIKAKU,
            screen=SCREEN,
            record_type=RECORD_TYPE,
            record_id=row.pk,
            detail={"atena_ids": [s.atena_id], "form": form, "riyu": riyu},
        )
        return row


def shikaku_kofu_henkan(*, kofu_id: int, henkan_date: date, actor: Actor) -> ShikakuKofu:
    """Record that an issued card came back on ``henkan_date``."""
    with transaction.atomic(durable=True):
        row = ShikakuKofu.objects.select_for_update().filter(pk=kofu_id).first()
        if row is None:
            raise KofuRefused("その交付の記録はありません。")
        if row.henkan_date is not None:
            raise KofuRefused("この帳票はすでに返還を記録しています。")
        if henkan_date < row.kofu_date:
            raise KofuRefused("返還日が交付日より前です。")
        row.henkan_date = henkan_date
        row.henkan_by = actor.username
        row.save(update_fields=["henkan_date", "henkan_by"])
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=KOKUHO_SHIKAKU,
            screen=SCREEN,
            record_type=RECORD_TYPE,
            record_id=row.pk,
            detail={"atena_ids": [row.atena_id], "henkan": henkan_date.isoformat()},
        )
        return row


def kofu_for_job(
    *, job_id: int, form: str, periods: Sequence[Shikaku], kofu_date: date, created_by: str
) -> tuple[list[ShikakuKofu], dict[int, str]]:
    """The issues of a mass-print chunk, in the order of ``periods``, written once per
    (job, 資格, 帳票) inside the caller's transaction (the chunk's fence): a chunk run
    again reads back the rows of its first run and prints the same cards. Returns the
    issues and, by 資格 id, the reasons of those that could not be issued (一斉更新)."""
    params = kofu_params(kofu_date)
    ids = [s.pk for s in periods]
    done = {
        r.shikaku_id: r
        for r in ShikakuKofu.objects.filter(job_id=job_id, form=form, shikaku_id__in=ids)
    }
    todo = [s for s in periods if s.pk not in done]
    terms = kofu_terms(form, todo, kofu_date=kofu_date, params=params) if todo else {}
    refused = {k: v for k, v in terms.items() if isinstance(v, str)}
    new = [
        _row(s, form, KofuRiyu.ISSEI_KOSHIN, kofu_date, t, params, created_by, job_id)
        for s in todo
        if isinstance(t := terms[s.pk], Terms)
    ]
    ShikakuKofu.objects.bulk_create(new)
    done.update({r.shikaku_id: r for r in new})
    return [done[i] for i in ids if i in done], refused
