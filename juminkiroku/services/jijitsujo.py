"""事実上の世帯主 (標準仕様書 4.1.4.3): record, change or remove the name of a household's
real head who is not a 住民 (a foreigner outside 住基法 第30条の45, a facility head)."""

from __future__ import annotations

from django.db import transaction

from juminkiroku.codes import AtenaKubun, JuminJotai
from juminkiroku.models import Atena, JijitsujoSetainushi, Setai
from juminkiroku.services.ido.fields import GYOMU, IdoError
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.text import text_problem

SCREEN = "事実上の世帯主"


def jijitsujo_setainushi_set(
    *, setai_id: int, shimei: str, riyu: str = "", actor: Actor
) -> JijitsujoSetainushi | None:
    """Record the 事実上の世帯主 of a household with residents; a blank ``shimei`` removes
    it. Returns the record (None when removed)."""
    shimei, riyu = shimei.strip(), riyu.strip()
    errors: dict[str, list[str]] = {}
    for key, value, label, limit in (
        ("shimei", shimei, "事実上の世帯主の氏名", 100),
        ("riyu", riyu, "理由", 100),
    ):
        problem = text_problem(value, label=label)
        if problem is not None:
            errors.setdefault(key, []).append(problem)
        elif len(value) > limit:
            errors.setdefault(key, []).append(f"{label}は{limit}文字以内で入力してください。")
    if errors:
        raise IdoError(errors)
    if not Setai.objects.filter(pk=setai_id).exists():
        raise IdoError({"setai": ["指定された世帯が見つかりません。"]})
    if not Atena.objects.filter(
        setai_id=setai_id, kubun=AtenaKubun.JUTOSHA, jotai=JuminJotai.JUMIN
    ).exists():
        raise IdoError({"setai": ["住民のいる世帯を指定してください。"]})
    with transaction.atomic():
        if not shimei:
            JijitsujoSetainushi.objects.filter(setai_id=setai_id).delete()
            record = None
            action = AccessAction.DELETE
        else:
            record, _ = JijitsujoSetainushi.objects.update_or_create(
                setai_id=setai_id, defaults={"shimei": shimei, "riyu": riyu}
            )
            action = AccessAction.UPDATE
        access_record(
            actor=actor,
            action=action,
            gyomu=GYOMU,
            screen=SCREEN,
            record_type="setai",
            record_id=setai_id,
        )
    return record
