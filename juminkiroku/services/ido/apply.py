"""How a 本登録 changes the registry: the current 宛名 and its history of versions.

A 異動 closes the open version (``valid_to``) and opens a new one; a 誤記修正 and a
取消 never edit a version, they mark it ``superseded`` and write the corrected copy
(see juminkiroku.models.atena). Each function returns, per person touched, the values
before and after (``Applied``), from which the feed and the events are written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from juminkiroku.codes import (
    IDO_GROUP_OF,
    KOKUSEKI_IDO,
    SHOJO_JOTAI,
    AtenaKubun,
    IdoGroup,
    IdoJiyu,
    IdoStatus,
    JuminJotai,
    JuminShubetsu,
    Zokugara,
)
from juminkiroku.models import PERSON_FIELD_NAMES, Atena, AtenaRireki, Ido, Setai
from juminkiroku.rules.kana import kana_key, name_key
from juminkiroku.selectors.rireki import versions_standing_for
from juminkiroku.services.ido.fields import DATE_FIELDS, IdoError
from juminkiroku.services.ido.rebase import Rebase, rebase_plan
from juminkiroku.services.numbering import next_atena_no, next_setai_no


@dataclass(frozen=True)
class Applied:
    """One person a 本登録 touched: the version it opened (None: the person is no longer
    on the registry) and the person's values before (None: new to the town) and after."""

    atena_id: int
    rireki_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any]


def _snapshot(obj: Atena | AtenaRireki) -> dict[str, Any]:
    return {n: getattr(obj, n) for n in PERSON_FIELD_NAMES}


def _as_python(fields: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (date.fromisoformat(v) if k in DATE_FIELDS and isinstance(v, str) and v else v)
        for k, v in fields.items()
    }


def _write_atena(atena: Atena, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(atena, name, value)
    atena.kana_key = kana_key(atena.shimei_kana)
    atena.name_key = name_key(atena.shimei)
    atena.version += 1
    atena.save()


def apply_ido(ido: Ido) -> list[Applied]:
    """Apply a 記載・消除・修正 as stored in ``ido.payload``."""
    group = IDO_GROUP_OF[ido.jiyu]
    setai_info = ido.payload.get("setai", {})
    mode = setai_info.get("mode", "keep")
    target_setai: Setai | None = None
    if mode == "new":
        target_setai = Setai.objects.create(setai_no=next_setai_no())
        ido.setai = target_setai
        ido.save(update_fields=["setai"])
    elif mode == "existing":
        target_setai = Setai.objects.get(pk=setai_info["setai_id"])
    touched: list[Applied] = []
    for person in ido.payload["persons"]:
        fields = _as_python(person["fields"])
        atena_id = person["atena_id"]
        atena = Atena.objects.select_for_update().get(pk=atena_id) if atena_id is not None else None
        before = _snapshot(atena) if atena is not None else None
        if atena is not None and atena.jotai == JuminJotai.IKOZUMI:
            # a 再転入 of a 除票 in the 除票用データベース (標準仕様書 9.3): the items it had
            from juminkiroku.selectors.johyo import restore

            restored = restore(atena.pk)
            if restored is not None:
                before = _snapshot(restored.atena)
        values = dict(before) if before is not None else {}
        values.update(fields)
        if target_setai is not None:
            values["setai_id"] = target_setai.pk
        if group == IdoGroup.KISAI:
            values["kubun"] = AtenaKubun.JUTOSHA
            values["jotai"] = JuminJotai.JUMIN
            values["shojo_date"] = None
            values["shojo_date_fusho"] = ""
            values["shojo_jiyu"] = ""
            values["tenshutsu_saki_jusho"] = ""
            values["tenshutsu_saki_postal_code"] = ""
            # A 再転入 starts a new residence: the old 住民となった日 does not carry over.
            values["jumin_date"] = fields.get("jumin_date") or ido.ido_date
            values["jutei_date"] = fields.get("jutei_date") or ido.ido_date
            values["jumin_date_fusho"] = fields.get("jumin_date_fusho", "")  # 1.1.8
            values["jutei_date_fusho"] = fields.get("jutei_date_fusho", "")
            values["todoke_date"] = ido.todoke_date
            if ido.jiyu in KOKUSEKI_IDO and before is not None:
                _kokuseki_values(ido.jiyu, before, fields, values)
        elif group == IdoGroup.SHOJO:
            values["jotai"] = SHOJO_JOTAI[ido.jiyu]
            values["shojo_date"] = ido.ido_date
            values["shojo_date_fusho"] = fields.get("shojo_date_fusho", "")  # 1.1.8
            values["shojo_jiyu"] = ido.jiyu
            values["todoke_date"] = ido.todoke_date or values.get("todoke_date")
        elif ido.jiyu == IdoJiyu.TENKYO:
            values["jutei_date"] = fields.get("jutei_date") or ido.ido_date
            values["jutei_date_fusho"] = fields.get("jutei_date_fusho", "")  # 1.1.8
            values["todoke_date"] = ido.todoke_date
        if atena is None:
            atena = Atena(atena_no=next_atena_no(), version=0, **_defaults(values))
            _write_atena(atena, values)
            rireki = _open_version(atena, values, ido)
        else:
            rireki = _next_version(atena, values, ido)
            _write_atena(atena, values)
        touched.append(Applied(atena.pk, rireki.pk, before, values))
    return touched


# Items only one 住民種別 has (標準仕様書 1.1.1, 1.1.2): cleared when the person changes kind.
_FOREIGN_ONLY = (
    "alpha_name",
    "tsusho",
    "tsusho_kana",
    "kokuseki",
    "zairyu_shikaku",
    "zairyu_kikan_to",
    "zairyu_card_no",
)
_JAPANESE_ONLY = ("honseki", "hittosha")


def _kokuseki_values(
    jiyu: str, before: dict[str, Any], fields: dict[str, Any], values: dict[str, Any]
) -> None:
    """帰化・国籍取得 (4.5.3, 4.5.4) and 国籍喪失 (4.5.5): the 住民票 of the other kind is
    written from the one on file, which this 異動 closes (kept as history). It takes over
    the 住所, 生年月日, 性別, 続柄, 世帯, 住所を定めた日, 住民票コード, 宛名番号 and 個人番号;
    the 住民となった日 of the new 住民票 is the day of the 異動."""
    to = KOKUSEKI_IDO[jiyu]
    values["shubetsu"] = to
    values["jutei_date"] = fields.get("jutei_date") or before.get("jutei_date")
    values["tennyu_mae_jusho"] = fields.get("tennyu_mae_jusho", "")
    cleared = _FOREIGN_ONLY if to == JuminShubetsu.NIHONJIN else _JAPANESE_ONLY
    for name in cleared:
        if name not in fields:
            values[name] = None if name == "zairyu_kikan_to" else ""


def apply_setainushi_shokken(ido: Ido) -> list[Applied]:
    """4.0.4: the one member left when the 世帯主 leaves becomes 世帯主 by 職権, in the same
    異動 (``payload["setainushi_shokken"]``, decided at 仮登録 by ``enter.setainushi_after``)."""
    touched: list[Applied] = []
    for atena_id in ido.payload.get("setainushi_shokken", []):
        atena = Atena.objects.select_for_update().get(pk=atena_id)
        if atena.jotai != JuminJotai.JUMIN or atena.kubun != AtenaKubun.JUTOSHA:
            raise IdoError("世帯主となる世帯員が住民ではなくなっています。入力し直してください。")
        before = _snapshot(atena)
        values = dict(before)
        values["zokugara"] = Zokugara.HONNIN
        values["setai_order"] = 1
        rireki = _next_version(atena, values, ido)
        _write_atena(atena, values)
        touched.append(Applied(atena.pk, rireki.pk, before, values))
    return touched


def _defaults(values: dict[str, Any]) -> dict[str, Any]:
    return {"shimei": values.get("shimei", ""), "birth_date": values.get("birth_date")}


def _open_version(atena: Atena, values: dict[str, Any], ido: Ido) -> AtenaRireki:
    return AtenaRireki.objects.create(
        atena=atena, valid_from=ido.ido_date, valid_to=None, ido=ido, **values
    )


def _next_version(atena: Atena, values: dict[str, Any], ido: Ido) -> AtenaRireki:
    current = (
        AtenaRireki.objects.select_for_update()
        .filter(atena=atena, valid_to__isnull=True, superseded=False)
        .first()
    )
    if current is None:  # a 住登外 person becoming a resident
        return _open_version(atena, values, ido)
    if ido.ido_date < current.valid_from:
        raise IdoError(
            f"異動日（{ido.ido_date:%Y-%m-%d}）が直前の異動日（{current.valid_from:%Y-%m-%d}）より前です。"
            "先に後の異動を取り消してください。"
        )
    if ido.jiyu == IdoJiyu.GOKI_SHUSEI:
        # 誤記修正: the version was wrong from its start; replace it, keep the wrong one.
        current.superseded = True
        current.superseded_by = ido
        current.save(update_fields=["superseded", "superseded_by"])
        return AtenaRireki.objects.create(
            atena=atena, valid_from=current.valid_from, valid_to=None, ido=ido, **values
        )
    current.valid_to = ido.ido_date
    current.closed_by = ido
    current.save(update_fields=["valid_to", "closed_by"])
    return _open_version(atena, values, ido)


def _apply_rebase(ido: Ido, plan: Rebase) -> Applied:
    """Cancel an older 修正 for one person (``rebase``): the version before it stands again
    up to the next 異動, and every later version is written again with the items it
    changed put back. Nothing is edited: the old versions are superseded by ``ido``."""
    atena = Atena.objects.select_for_update().get(pk=plan.cancelled.atena_id)
    before = _snapshot(atena)
    for old in (plan.before, plan.cancelled, *plan.later):
        old.superseded = True
        old.superseded_by = ido
        old.save(update_fields=["superseded", "superseded_by"])
    restore = {n: getattr(plan.before, n) for n in plan.changed}
    last = AtenaRireki.objects.create(
        atena=atena,
        valid_from=plan.before.valid_from,
        valid_to=plan.cancelled.valid_to,
        closed_by=plan.cancelled.closed_by,
        ido=ido,
        reopens=plan.before,
        **_snapshot(plan.before),
    )
    values = _snapshot(plan.before)
    for version in plan.later:
        values = {**_snapshot(version), **restore}
        last = AtenaRireki.objects.create(
            atena=atena,
            valid_from=version.valid_from,
            valid_to=version.valid_to,
            closed_by=version.closed_by,
            ido=ido,
            reopens=version,
            **values,
        )
    _write_atena(atena, values)
    return Applied(atena.pk, last.pk, before, values)


def apply_torikeshi(ido: Ido) -> list[Applied]:
    """Undo the 本登録 ``ido.cancels``: supersede what it wrote, reopen what it closed."""
    target = ido.cancels
    assert target is not None
    if target.status != IdoStatus.HON:
        raise IdoError("取消し対象の異動が本登録の状態ではありません。")
    touched: list[Applied] = []
    chosen = ido.payload.get("atena_ids")  # None: a 取消 entered before 一部取消し existed
    everyone = versions_standing_for(target)
    standing = [v.pk for v in everyone if not chosen or v.atena_id in set(chosen)]
    for version in AtenaRireki.objects.select_for_update().filter(pk__in=standing).order_by("id"):
        if version.valid_to is not None:
            # An older 修正: rebuild the versions since on top of what it replaced (rebase).
            plan = rebase_plan(target, version)
            if isinstance(plan, str):
                raise IdoError(plan)
            touched.append(_apply_rebase(ido, plan))
            continue
        version.superseded = True
        version.superseded_by = ido
        version.save(update_fields=["superseded", "superseded_by"])
        atena = Atena.objects.select_for_update().get(pk=version.atena_id)
        before = _snapshot(atena)
        previous = (
            AtenaRireki.objects.filter(atena=atena, closed_by=target, superseded=False)
            .order_by("-valid_from")
            .first()
        )
        if target.jiyu == IdoJiyu.GOKI_SHUSEI:
            previous = (
                AtenaRireki.objects.filter(atena=atena, superseded_by=target)
                .order_by("-id")
                .first()
            )
        if previous is not None:
            values = _snapshot(previous)
            reopened = AtenaRireki.objects.create(
                atena=atena,
                valid_from=previous.valid_from,
                valid_to=None,
                ido=ido,
                reopens=previous,
                **values,
            )
            if not previous.superseded:
                previous.superseded = True
                previous.superseded_by = ido
                previous.save(update_fields=["superseded", "superseded_by"])
            _write_atena(atena, values)
            touched.append(Applied(atena.pk, reopened.pk, before, values))
        else:
            # The cancelled 異動 created this person: they never were a resident.
            values = _snapshot(version)
            values.update(kubun=AtenaKubun.JUTOGAI, jotai=JuminJotai.JUTOGAI, setai_id=None)
            _write_atena(atena, values)
            touched.append(Applied(atena.pk, None, before, values))
    # 一部の取消し (4.6.0.1) leaves the 異動 standing for the others.
    if len(standing) == len(everyone):
        target.status = IdoStatus.TORIKESHI
        target.save(update_fields=["status"])
    return touched
