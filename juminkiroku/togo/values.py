"""The values of the 統合宛名 record and the file row (juminkiroku.togo.layout) from the
registry: a feed row's version, or a person's current state (for the 突合)."""

from __future__ import annotations

from typing import Any

from juminkiroku.codes import IDO_GROUP_OF, IdoGroup, JuminJotai, Zokugara
from juminkiroku.cs.layout import ymd
from juminkiroku.models import Atena, AtenaRireki, RenkeiChange
from juminkiroku.togo.layout import IDO_KUBUN_KISAI_TORIKESHI, SOSHIN_IDO, SOSHIN_TOTSUGO

IDO_KUBUN: dict[str, str] = {
    IdoGroup.KISAI: "1",
    IdoGroup.SHOJO: "2",
    IdoGroup.SHUSEI: "3",
    IdoGroup.TORIKESHI: "3",
}


def _jusho(p: Atena | AtenaRireki) -> str:
    text = f"{p.jusho}{p.banchi}"
    return f"{text}　{p.katagaki}" if p.katagaki else text


def setainushi_shimei(person: Atena | AtenaRireki) -> str:
    """The 世帯主's 氏名 (住基法 第7条第4号): the person's own for a 世帯主; otherwise the
    current 世帯主 of the household. Records are made within a minute of the 本登録, so the
    current head is the head of the version (a later 世帯主変更 is its own change)."""
    if person.zokugara == Zokugara.HONNIN:
        return person.shimei
    if not person.setai_id:
        return ""
    head = (
        Atena.objects.filter(
            setai_id=person.setai_id, zokugara=Zokugara.HONNIN, jotai=JuminJotai.JUMIN
        )
        .values_list("shimei", flat=True)
        .first()
    )
    return head or ""


def person_values(person: Atena | AtenaRireki, *, atena: Atena, setai_no: str) -> dict[str, Any]:
    """The data items of one person as ``person`` (a version, or the current state) has them."""
    return {
        "atena_no": atena.atena_no,
        "kojin_bango": person.kojin_bango or atena.kojin_bango,
        "juminhyo_code": person.juminhyo_code or atena.juminhyo_code,
        "shimei": person.shimei,
        "shimei_kana": person.shimei_kana,
        "alpha_name": person.alpha_name,
        "tsusho": person.tsusho,
        "birth_date": ymd(person.birth_date),
        "sex": person.sex,
        "postal_code": person.postal_code,
        "jusho": _jusho(person),
        "jumin_shubetsu": person.shubetsu,
        "jumin_jotai": person.jotai,
        "setai_no": setai_no,
        "setainushi_kubun": "1" if person.zokugara == Zokugara.HONNIN else "0",
        "setainushi_shimei": setainushi_shimei(person),
        "zokugara": person.zokugara,
        "jumin_date": ymd(person.jumin_date),
        "jutei_date": ymd(person.jutei_date),
        "shojo_date": ymd(person.shojo_date),
        "shojo_jiyu": person.shojo_jiyu,
    }


def change_values(change: RenkeiChange, dantai_code: str) -> dict[str, Any]:
    """The record of one feed row (a 本登録's change of one person)."""
    version = change.rireki
    person: Atena | AtenaRireki = version if version is not None else change.atena
    setai = person.setai if person.setai_id else None
    if version is None:
        kubun = IDO_KUBUN_KISAI_TORIKESHI
    else:
        kubun = IDO_KUBUN[IDO_GROUP_OF.get(change.jiyu, IdoGroup.SHUSEI)]
    return {
        "dantai_code": dantai_code,
        "renkei_no": change.seq,
        "soshin_kubun": SOSHIN_IDO,
        "ido_kubun": kubun,
        "ido_jiyu": change.jiyu,
        "ido_date": ymd(change.ido_date),
        **person_values(person, atena=change.atena, setai_no=setai.setai_no if setai else ""),
    }


def current_values(atena: Atena, dantai_code: str) -> dict[str, Any]:
    """A person's whole current record, as a 突合 sends it again."""
    setai = atena.setai if atena.setai_id else None
    return {
        "dantai_code": dantai_code,
        "renkei_no": "",
        "soshin_kubun": SOSHIN_TOTSUGO,
        "ido_kubun": "3",
        "ido_jiyu": "",
        "ido_date": "",
        **person_values(atena, atena=atena, setai_no=setai.setai_no if setai else ""),
    }
