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
    SHOJO_JOTAI,
    AtenaKubun,
    IdoGroup,
    IdoJiyu,
    IdoStatus,
    JuminJotai,
)
from juminkiroku.models import PERSON_FIELD_NAMES, Atena, AtenaRireki, Ido, Setai
from juminkiroku.rules.kana import kana_key, name_key
from juminkiroku.selectors.rireki import versions_standing_for
from juminkiroku.services.ido.fields import DATE_FIELDS, IdoError
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
            # A 再転入 starts a new residence: the old 住民となった日 does not carry over.
            values["jumin_date"] = fields.get("jumin_date") or ido.ido_date
            values["jutei_date"] = fields.get("jutei_date") or ido.ido_date
            values["jumin_date_fusho"] = fields.get("jumin_date_fusho", "")  # 1.1.8
            values["jutei_date_fusho"] = fields.get("jutei_date_fusho", "")
            values["todoke_date"] = ido.todoke_date
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


def apply_torikeshi(ido: Ido) -> list[Applied]:
    """Undo the 本登録 ``ido.cancels``: supersede what it wrote, reopen what it closed."""
    target = ido.cancels
    assert target is not None
    if target.status != IdoStatus.HON:
        raise IdoError("取消し対象の異動が本登録の状態ではありません。")
    touched: list[Applied] = []
    standing = [v.pk for v in versions_standing_for(target)]
    for version in AtenaRireki.objects.select_for_update().filter(pk__in=standing).order_by("id"):
        if version.valid_to is not None:
            raise IdoError(
                "この異動の後に別の異動が本登録されています。後の異動から取り消してください。"
            )
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
    target.status = IdoStatus.TORIKESHI
    target.save(update_fields=["status"])
    return touched
