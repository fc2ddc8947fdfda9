"""障害者手帳 writes (issue 21 item 1): 交付・再交付・等級変更・更新（精神）・返還, and the end
of a 手帳 on a death or 転出 in the registry (item 2).

Every write is one durable transaction that changes the ``ShogaiTecho``, adds its
``ShogaiTechoRireki`` row (never edited: the history) and writes the access-log row. The
checks (``fukushi.rules.shogai_techo.techo_errors``) answer in Japanese; nothing is written
when they refuse. The 部位 codes, the 療育 程度 list and the 精神 有効期間 are parameters
(fukushi/params/shogai_techo.yaml; the 程度 list is the town's: 都道府県 name them
differently).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction

from fukushi.gyomu import SHOGAISHA_FUKUSHI
from fukushi.models import (
    ShogaiTecho,
    ShogaiTechoRireki,
    TechoJotai,
    TechoKind,
    TechoRirekiKind,
)
from fukushi.rules.shogai_techo import parse_teido, techo_errors, yuko_kigen
from juminkiroku import public as juminkiroku_public
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.params.services import ParameterMissing, param_value
from tenants.wareki import fiscal_year_of

__all__ = [
    "TechoInput",
    "TechoRefused",
    "bui_labels",
    "ryoiku_teido",
    "seishin_yuko_kigen",
    "techo_henkan",
    "techo_kofu",
    "techo_koshin",
    "techo_saikofu",
    "techo_shojo_apply",
    "techo_tokyu_henko",
]

RECORD_TYPE = "fukushi.ShogaiTecho"
SCREEN = "fukushi.shogai_techo"
SCREEN_EVENT = "fukushi.shogai_renkei"
SYSTEM_ACTOR_NAME = "system:fukushi_shogai"


class TechoRefused(Exception):
    """A write the rules refuse; ``errors`` are (field, Japanese message)."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(m for _, m in errors))
        self.errors = errors


def _param(key: str, day: date) -> Any:
    try:
        return param_value(key, fiscal_year_of(day))
    except ParameterMissing as exc:
        raise TechoRefused(
            [("", f"「{key}」の値が{fiscal_year_of(day)}年度について登録されていません。")]
        ) from exc


def bui_labels(day: date) -> dict[str, str]:
    """部位 code → its words (身体障害者福祉法施行規則別表第5号の区分)."""
    return {
        str(k): str(v) for k, v in dict(_param("fukushi.shogai.techo.shintai_bui", day)).items()
    }


def ryoiku_teido(day: date) -> list[str]:
    """The town's 療育 程度, heaviest first (its 都道府県's 要綱)."""
    return parse_teido(str(_param("fukushi.shogai.techo.ryoiku_teido", day)))


def seishin_yuko_kigen(start: date) -> date:
    return yuko_kigen(start, int(_param("fukushi.shogai.techo.seishin_yuko_nensu", start)))


@dataclass(frozen=True)
class TechoInput:
    atena_id: int
    kind: str
    techo_bango: str
    tokyu: str
    kofu_date: date
    bui: tuple[str, ...] = ()
    #: 精神: None computes it from the 交付日 (2 years, to the month end)
    yuko_kigen: date | None = None
    riyu: str = ""


def _check(
    kind: str, tokyu: str, bui: Sequence[str], kofu: date, kigen: date | None
) -> list[tuple[str, str]]:
    return techo_errors(
        kind=kind,
        tokyu=tokyu,
        bui=bui,
        kofu_date=kofu,
        yuko_kigen_date=kigen,
        bui_codes=list(bui_labels(kofu)) if kind == TechoKind.SHINTAI else [],
        ryoiku_teido=ryoiku_teido(kofu) if kind == TechoKind.RYOIKU else [],
    )


def _log(actor: Actor, action: str, techo: ShogaiTecho, screen: str, **detail: Any) -> None:
    access_record(
        actor=actor,
        action=action,
        gyomu=SHOGAISHA_FUKUSHI,
        screen=screen,
        record_type=RECORD_TYPE,
        record_id=techo.pk,
        detail={"atena_ids": [techo.atena_id], **detail},
    )


def _rireki(
    techo: ShogaiTecho,
    kind: str,
    day: date,
    actor: Actor,
    *,
    riyu: str = "",
    tokyu_mae: str = "",
    kigen_mae: date | None = None,
    ido_id: int | None = None,
) -> ShogaiTechoRireki:
    return ShogaiTechoRireki.objects.create(
        techo=techo,
        kind=kind,
        jiyu_date=day,
        riyu=riyu[:200],
        tokyu_mae=tokyu_mae,
        tokyu_ato=techo.tokyu,
        yuko_kigen_mae=kigen_mae,
        yuko_kigen_ato=techo.yuko_kigen,
        ido_id=ido_id,
        created_by=actor.username,
    )


def techo_kofu(data: TechoInput, *, actor: Actor) -> ShogaiTecho:
    """交付: a new 手帳 of a person who has no valid one of that kind."""
    kigen = data.yuko_kigen
    if data.kind == TechoKind.SEISHIN and kigen is None:
        kigen = seishin_yuko_kigen(data.kofu_date)
    errors = _check(data.kind, data.tokyu, data.bui, data.kofu_date, kigen)
    if not data.techo_bango.strip():
        errors.append(("techo_bango", "手帳番号を入力してください。"))
    if juminkiroku_public.person_identity(data.atena_id) is None:
        errors.append(("atena_no", "その方は住民記録にいません。"))
    with transaction.atomic(durable=True):
        if ShogaiTecho.objects.filter(
            atena_id=data.atena_id, kind=data.kind, jotai=TechoJotai.YUKO
        ).exists():
            errors.append(("kind", "この方にはこの種類の有効な手帳がすでにあります。"))
        if errors:
            raise TechoRefused(errors)
        t = ShogaiTecho.objects.create(
            atena_id=data.atena_id,
            kind=data.kind,
            techo_bango=data.techo_bango.strip(),
            tokyu=data.tokyu,
            bui=list(data.bui),
            kofu_date=data.kofu_date,
            yuko_kigen=kigen,
            jotai=TechoJotai.YUKO,
            created_by=actor.username,
        )
        _rireki(t, TechoRirekiKind.KOFU, data.kofu_date, actor, riyu=data.riyu or "新規交付")
        _log(actor, AccessAction.CREATE, t, SCREEN, kind="kofu")
    return t


def _open(pk: int) -> ShogaiTecho:
    t = ShogaiTecho.objects.select_for_update().filter(pk=pk).first()
    if t is None:
        raise TechoRefused([("", "その手帳は見つかりません。")])
    if t.jotai != TechoJotai.YUKO:
        raise TechoRefused([("", f"この手帳は{t.get_jotai_display()}のため変更できません。")])
    return t


def _not_before_last(t: ShogaiTecho, day: date) -> None:
    last = t.rireki.order_by("-jiyu_date", "-id").first()
    if last is not None and day < last.jiyu_date:
        raise TechoRefused([("jiyu_date", "直前の履歴の日付より前の日付です。")])


def techo_saikofu(*, pk: int, day: date, techo_bango: str, riyu: str, actor: Actor) -> ShogaiTecho:
    """再交付 (紛失・破損): the same 等級, a new 手帳番号 if one is given."""
    with transaction.atomic(durable=True):
        t = _open(pk)
        _not_before_last(t, day)
        if not riyu.strip():
            raise TechoRefused([("riyu", "再交付の理由を入力してください。")])
        if techo_bango.strip():
            t.techo_bango = techo_bango.strip()
            t.save(update_fields=["techo_bango", "updated_at"])
        _rireki(t, TechoRirekiKind.SAIKOFU, day, actor, riyu=riyu, tokyu_mae=t.tokyu)
        _log(actor, AccessAction.UPDATE, t, SCREEN, kind="saikofu")
    return t


def techo_tokyu_henko(
    *,
    pk: int,
    day: date,
    tokyu: str,
    bui: Sequence[str] | None,
    riyu: str,
    actor: Actor,
) -> ShogaiTecho:
    """等級変更 (障害の程度の変化: 身体 is 再認定, 精神 a 障害等級変更申請) from ``day``."""
    with transaction.atomic(durable=True):
        t = _open(pk)
        _not_before_last(t, day)
        new_bui = list(bui) if bui is not None else list(t.bui)
        errors = _check(t.kind, tokyu, new_bui, day, t.yuko_kigen)
        if tokyu == t.tokyu and new_bui == list(t.bui):
            errors.append(("tokyu", "等級（程度）も部位も変わっていません。"))
        if errors:
            raise TechoRefused(errors)
        mae = t.tokyu
        t.tokyu = tokyu
        t.bui = new_bui
        t.save(update_fields=["tokyu", "bui", "updated_at"])
        _rireki(t, TechoRirekiKind.TOKYU_HENKO, day, actor, riyu=riyu, tokyu_mae=mae)
        _log(actor, AccessAction.UPDATE, t, SCREEN, kind="tokyu_henko")
    return t


def techo_koshin(*, pk: int, day: date, tokyu: str, riyu: str, actor: Actor) -> ShogaiTecho:
    """更新 of a 精神 手帳 (精神保健福祉法第45条第4項: 2年ごとの認定): a new 有効期限 counted
    from the day after the old one (the 等級 may change with it); the old 有効期限 stays in
    the history."""
    with transaction.atomic(durable=True):
        t = _open(pk)
        if t.kind != TechoKind.SEISHIN:
            raise TechoRefused([("", "有効期限の更新は精神障害者保健福祉手帳だけです。")])
        _not_before_last(t, day)
        assert t.yuko_kigen is not None
        mae_kigen = t.yuko_kigen
        new_kigen = seishin_yuko_kigen(mae_kigen + timedelta(days=1))
        errors = _check(t.kind, tokyu, [], t.kofu_date, new_kigen)
        if errors:
            raise TechoRefused(errors)
        mae = t.tokyu
        t.tokyu = tokyu
        t.yuko_kigen = new_kigen
        t.save(update_fields=["tokyu", "yuko_kigen", "updated_at"])
        _rireki(
            t,
            TechoRirekiKind.KOSHIN,
            day,
            actor,
            riyu=riyu or "更新",
            tokyu_mae=mae,
            kigen_mae=mae_kigen,
        )
        _log(actor, AccessAction.UPDATE, t, SCREEN, kind="koshin")
    return t


def techo_henkan(*, pk: int, day: date, riyu: str, actor: Actor) -> ShogaiTecho:
    """返還 (障害の程度が軽くなった、本人の申出): the 手帳 is no longer valid from ``day``."""
    with transaction.atomic(durable=True):
        t = _open(pk)
        _not_before_last(t, day)
        if not riyu.strip():
            raise TechoRefused([("riyu", "返還の理由を入力してください。")])
        t.jotai = TechoJotai.HENKAN
        t.shuryo_date = day
        t.save(update_fields=["jotai", "shuryo_date", "updated_at"])
        _rireki(t, TechoRirekiKind.HENKAN, day, actor, riyu=riyu, tokyu_mae=t.tokyu)
        _log(actor, AccessAction.UPDATE, t, SCREEN, kind="henkan")
    return t


def techo_shojo_apply(
    *, atena_ids: Iterable[int], day: date, cause: str, ido_id: int
) -> list[ShogaiTecho]:
    """A death (``cause`` "shikko") or 転出 ("tenshutsu") in the registry (the caller's
    transaction: an event delivery): each valid 手帳 of the persons ends on ``day``, with
    its history row keyed on the 異動, so a second delivery writes nothing."""
    actor = Actor(user_id=None, username=SYSTEM_ACTOR_NAME)
    jotai = TechoJotai.SHIKKO if cause == "shikko" else TechoJotai.TENSHUTSU
    kind = TechoRirekiKind.SHIKKO if cause == "shikko" else TechoRirekiKind.TENSHUTSU
    out: list[ShogaiTecho] = []
    for t in (
        ShogaiTecho.objects.select_for_update()
        .filter(atena_id__in=list(atena_ids), jotai=TechoJotai.YUKO)
        .order_by("pk")
    ):
        if t.rireki.filter(ido_id=ido_id).exists():
            continue
        t.jotai = jotai
        t.shuryo_date = day
        t.save(update_fields=["jotai", "shuryo_date", "updated_at"])
        _rireki(
            t,
            kind,
            day,
            actor,
            riyu="死亡（住民記録の異動）" if cause == "shikko" else "転出（住民記録の異動）",
            tokyu_mae=t.tokyu,
            ido_id=ido_id,
        )
        _log(actor, AccessAction.UPDATE, t, SCREEN_EVENT, kind=cause, ido_id=ido_id)
        out.append(t)
    return out
