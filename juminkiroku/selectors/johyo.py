"""Reads of the 除票用データベース (標準仕様書 9.3): a moved 除票 rebuilt from its snapshot.

``restore`` gives back the 宛名 and its versions as the registry held them at the move, as
unsaved model instances, so the screens and the certificate path (除票の写し, 除票記載事項
証明書) use the same code for a moved person as for one still in the registry. Reading
them is reading personal data: the views that show them declare it (access log).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import models
from django.db.models import Q

from juminkiroku.codes import JuminJotai
from juminkiroku.models import Atena, AtenaRireki, Ido, JohyoArchive
from juminkiroku.rules.kana import kana_key, name_key


@dataclass
class Restored:
    """A moved 除票: the 宛名 and every version of its 住民票 as at the move."""

    atena: Atena
    versions: list[AtenaRireki]  # valid_from, id order; superseded ones included
    head_name: str
    archive: JohyoArchive

    def standing(self) -> list[AtenaRireki]:
        return [v for v in self.versions if not v.superseded]


def _instance(model: type[models.Model], row: dict[str, Any]) -> Any:
    values = {}
    for f in model._meta.concrete_fields:
        if f.attname in row:
            values[f.attname] = f.to_python(row[f.attname])
    return model(**values)


def _restore(archive: JohyoArchive) -> Restored:
    snap = archive.snapshot
    atena: Atena = _instance(Atena, snap["atena"])
    ido = {int(k): v for k, v in snap.get("ido", {}).items()}
    versions: list[AtenaRireki] = []
    for row in snap["rows"].get(AtenaRireki._meta.label_lower, []):
        v: AtenaRireki = _instance(AtenaRireki, row)
        info = ido.get(v.ido_id, {})
        # The 異動 the version names (the 異動 rows stay in the registry, but the version
        # is read from the snapshot alone): number and 事由, what the 写し prints.
        v.ido = Ido(pk=v.ido_id, ido_no=info.get("ido_no", ""), jiyu=info.get("jiyu", ""))
        versions.append(v)
    versions.sort(key=lambda v: (v.valid_from, v.pk or 0))
    restored = Restored(atena, versions, str(snap.get("head_name", "")), archive)
    # The certificate path (forms.sheets.build_sheets) takes the versions and the 世帯主
    # from here instead of the registry, which no longer holds them.
    atena.archived = restored  # type: ignore[attr-defined]
    return restored


def restore_many(atena_ids: Iterable[int]) -> dict[int, Restored]:
    """宛名 id → the moved 除票; one query. Ids not moved are absent."""
    ids = list(set(atena_ids))
    if not ids:
        return {}
    return {a.atena_id: _restore(a) for a in JohyoArchive.objects.filter(atena_id__in=ids)}


def restore(atena_id: int) -> Restored | None:
    return restore_many([atena_id]).get(atena_id)


def is_moved(atena: Atena) -> bool:
    return atena.jotai == JuminJotai.IKOZUMI


def with_restored(persons: list[Atena]) -> list[Atena]:
    """The list with each moved 宛名 replaced by its restored self (one query)."""
    moved = restore_many(p.pk for p in persons if is_moved(p))
    return [moved[p.pk].atena if p.pk in moved else p for p in persons]


def archive_ids_matching(
    *,
    kana: str = "",
    name: str = "",
    birth_date: date | None = None,
    birth_range: tuple[date, date] | None = None,
    atena_no: str = "",
    juminhyo_code: str = "",
    sex: str = "",
) -> Any:
    """The 宛名 ids of moved 除票 matching the criteria the archive keeps keys for (カナ・
    漢字氏名 prefix, 生年月日, 宛名番号, 住民票コード, 性別); a subquery. No criterion: none."""
    q = Q()
    if kana:
        q &= Q(kana_key__startswith=kana_key(kana))
    if name:
        q &= Q(name_key__startswith=name_key(name))
    if birth_date:
        q &= Q(birth_date=birth_date)
    if birth_range:
        q &= Q(birth_date__range=birth_range)
    if atena_no:
        q &= Q(atena_no=atena_no)
    if juminhyo_code:
        q &= Q(juminhyo_code=juminhyo_code)
    if not q:
        return JohyoArchive.objects.none().values("atena_id")
    if sex:
        q &= Q(sex=sex)
    return JohyoArchive.objects.filter(q).values("atena_id")
