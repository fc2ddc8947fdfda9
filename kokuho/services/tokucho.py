"""The 特別徴収 judgment of one household's current 賦課 (kokuho.rules.tokucho), entered by
a clerk: durable, with an access-log row. The 介護保険料 and the 年金額 are the clerk's
inputs (kokuho may not import kaigo; the 日本年金機構's file is not read)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from django.db import transaction

from kokuho.gyomu import KOKUHO_FUKA
from kokuho.models import KokuhoFuka, Tokucho
from kokuho.rules.tokucho import (
    TokuchoMember,
    TokuchoParameters,
    tokucho_judge,
    tokucho_kibetsu,
)
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.params.services import param_value


class TokuchoRefused(Exception):
    """A judgment that cannot be made (a 賦課 that is not current, figures out of range)."""


def members_of(fuka: KokuhoFuka) -> list[TokuchoMember]:
    """The household's members as the 賦課 kept them (insured: a period in the 年度)."""
    facts = fuka.detail.get("input") or {}
    head = int(facts.get("setainushi") or fuka.nozei_gimusha_id)
    return [
        TokuchoMember(
            birth_date=date.fromisoformat(m["birth"]),
            insured=bool(m.get("periods")),
            setainushi=int(m["atena_id"]) == head,
        )
        for m in facts.get("members", [])
    ]


def tokucho_hantei_save(
    *,
    fuka_id: int,
    nenkin_gaku: int,
    kaigo_hokenryo: int,
    kari_gaku: int,
    koza_moushide: bool,
    moushide_date: date | None,
    actor: Actor,
) -> Tokucho:
    if min(nenkin_gaku, kaigo_hokenryo, kari_gaku) < 0:
        raise TokuchoRefused("金額は0円以上で入力してください。")
    if koza_moushide and moushide_date is None:
        raise TokuchoRefused("口座振替の申出日を入力してください。")
    with transaction.atomic(durable=True):
        fuka = KokuhoFuka.objects.select_for_update().filter(pk=fuka_id).first()
        if fuka is None or not fuka.is_current:
            raise TokuchoRefused("現在の賦課でないため判定できません。")
        p = TokuchoParameters.load(fuka.fiscal_year, param_value)
        hantei = tokucho_judge(
            fiscal_year=fuka.fiscal_year,
            kijun_date=fuka.kijun_date,
            members=members_of(fuka),
            nenkin_gaku=nenkin_gaku,
            nengaku=fuka.nengaku,
            kaigo_hokenryo=kaigo_hokenryo,
            koza_moushide=koza_moushide,
            p=p,
        )
        kibetsu = (
            [asdict(k) for k in tokucho_kibetsu(fuka.nengaku, kari_gaku, p)] if hantei.gaito else []
        )
        row = Tokucho.objects.create(
            fuka=fuka,
            nenkin_gaku=nenkin_gaku,
            kaigo_hokenryo=kaigo_hokenryo,
            kari_gaku=kari_gaku,
            koza_moushide=koza_moushide,
            moushide_date=moushide_date,
            gaito=hantei.gaito,
            reasons=list(hantei.reasons),
            kibetsu=kibetsu,
            created_by=actor.username,
        )
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=KOKUHO_FUKA,
            screen="kokuho.fuka_tokucho",
            record_type="kokuho.Tokucho",
            record_id=row.pk,
            detail={"atena_ids": [fuka.nozei_gimusha_id], "fuka_id": fuka.pk},
        )
    return row
