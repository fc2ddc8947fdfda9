"""The input of one 第1号被保険者's 保険料 for a 年度, gathered in a few queries per chunk:
資格 and months from ``kaigo.public.dai1_of_nendo``, 本人 and 世帯 課税状況 and 所得 from
``zeimu.public`` (the registry's household through zeimu's ``household_kazei_many``).

Rules of gathering (ours where the law does not say; documented in docs/standard/kaigo.md):

- The 世帯 is the household on the 賦課期日 (4月1日), or on the 資格取得日 for a person who
  becomes insured later (介護保険法第130条: 保険料は賦課期日現在の世帯で判定; 年度途中の
  取得者は取得日の世帯 — the latter is the practice of the towns read, 条文未照合).
- 本人課税 = 所得割 or 均等割 charged (``KazeiJokyo.KAZEI`` / ``KINTOWARI_NOMI``).
- 世帯課税 = 本人課税, or the household is not 全員非課税 in zeimu's sense: a member with no
  課税資料 (未申告, or no assessment in this town) does not count as 非課税. A person with
  no assessment is judged with 所得 0 in the 本人非課税・世帯課税 stages (第4段階): our rule,
  the towns' handling of 所得不明 was not confirmed (未確認). The fact is kept
  (``honnin.fumei``) and shown.
- 課税年金収入額 = zeimu's 公的年金等の収入金額 (障害・遺族年金 are 非課税 and never in it).
  長期・短期譲渡所得の特別控除 = zeimu's ``Shotoku.joto_tokubetsu_kojo`` (the 申告's 分離課税の
  譲渡所得, after the limits of 租税特別措置法第33条の4〜第36条), taken off the 合計所得金額 by
  the rule (介護保険法施行令第38条第4項ほか). It enters the facts only when not 0, so a person
  without one keeps the facts (and the hash) they had before it was read.
- 生活保護: the 保護 periods from ``fukushi.public.hihogo_kikan_many``; the months owed that
  are at the 第1段階 by 保護 (``kaigo.rules.hokenryo_hogo.hihogo_months``: from the month of
  開始 to the month before the month of 廃止) are kept as ``seiho_months``.
- 老齢福祉年金: the clerk's records (``kaigo.services.rorei``), read on the day the 世帯 is
  judged (the 賦課期日 or the 資格取得日); 第1段階 only with a 世帯全員非課税 (the rule).
- Both enter the input's facts (and so its fingerprint) only when present: a person with
  neither has the same facts, and the same hash, as before they were read.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from fukushi import public as fp
from kaigo.public import Dai1Nendo, dai1_of_nendo
from kaigo.rules.hokenryo import HokenryoInput, Nenkin, Shotoku
from kaigo.rules.hokenryo_hogo import hihogo_months
from kaigo.services.rorei import rorei_jukyu_on, rorei_kikan_many
from zeimu import public as zp

KAZEI = (zp.KazeiJokyo.KAZEI, zp.KazeiJokyo.KINTOWARI_NOMI)


def fy_start(fiscal_year: int) -> date:
    return date(fiscal_year, 4, 1)


def fy_end(fiscal_year: int) -> date:
    return date(fiscal_year + 1, 3, 31)


@dataclass(frozen=True)
class PersonInput:
    atena_id: int
    hihokensha_no: str
    inp: HokenryoInput
    #: months owed (kaigo.public), the 月割 of the 保険料
    months: tuple[int, ...]
    #: what the 賦課 was computed from, JSON (hashed, kept, shown)
    facts: dict[str, Any]
    #: of ``months``, those at the 第1段階 as a 被保護者 (生活保護)
    seiho_months: tuple[int, ...] = ()


#: ``json.dumps(x, sort_keys=True, ensure_ascii=False)``, one encoder for every call
_HASH_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False)


def input_hash(facts: dict[str, Any]) -> str:
    return hashlib.sha256(_HASH_ENCODER.encode(facts).encode()).hexdigest()


def input_text_and_hash(facts: dict[str, Any]) -> tuple[str, str]:
    """The input as JSON text (keys sorted) and its :func:`input_hash`, encoded once: the
    本算定 stores the one text in the 内訳 and hashes it."""
    text = _HASH_ENCODER.encode(facts)
    return text, hashlib.sha256(text.encode()).hexdigest()


def _kijitsu(d1: Dai1Nendo, fiscal_year: int) -> date:
    first = min(s for s, _ in d1.periods)
    return max(first, fy_start(fiscal_year))


def _person(p: zp.PersonKazei | None) -> dict[str, Any]:
    if p is None:
        return {"fumei": True, "jokyo": "", "gokei_shotoku": 0, "nenkin_shotoku": 0,
                "kyuyo_shotoku": 0, "nenkin_shunyu": 0}  # fmt: skip
    s = p.shotoku
    out: dict[str, Any] = {
        "fumei": p.jokyo is zp.KazeiJokyo.MISHINKOKU,
        "jokyo": str(p.jokyo),
        "gokei_shotoku": s.gokei_shotoku,
        "nenkin_shotoku": s.nenkin_shotoku,
        "kyuyo_shotoku": s.kyuyo_shotoku,
        "nenkin_shunyu": s.nenkin_shunyu,
    }
    if s.joto_tokubetsu_kojo:
        out["joto_tokubetsu_kojo"] = s.joto_tokubetsu_kojo
    return out


def person_inputs(fiscal_year: int, atena_ids: list[int]) -> list[PersonInput]:
    """The inputs of those of ``atena_ids`` who are 第1号 in the 年度 with a month owed."""
    dai1 = [d for d in dai1_of_nendo(fiscal_year, atena_ids) if d.months]
    by_day: dict[date, list[int]] = defaultdict(list)
    for d in dai1:
        by_day[_kijitsu(d, fiscal_year)].append(d.atena_id)
    setai: dict[int, zp.HouseholdKazei] = {}
    for day, ids in by_day.items():
        setai.update(zp.household_kazei_many(ids, fiscal_year, on=day))
    # a person's own assessment is among their household's members (same 年度): read
    # separately only for those with no household that day
    kazei = {m.atena_id: m for h in setai.values() for m in h.members}
    kazei.update(zp.person_kazei_many([d.atena_id for d in dai1 if d.atena_id not in setai],
                                      fiscal_year))  # fmt: skip
    ids = [d.atena_id for d in dai1]
    hogo = fp.hihogo_kikan_many(ids) if ids else {}
    rorei = rorei_kikan_many(ids) if ids else {}
    out: list[PersonInput] = []
    for d in sorted(dai1, key=lambda x: x.atena_id):
        p = kazei.get(d.atena_id)
        honnin = _person(p)
        honnin_kazei = p is not None and p.jokyo in KAZEI
        h = setai.get(d.atena_id)
        if h is not None:
            setai_kazei = honnin_kazei or not h.zenin_hikazei
            setai_facts: dict[str, Any] = {
                "setai_id": h.setai_id,
                "on": h.on.isoformat(),
                "jokyo": str(h.jokyo),
                "kazei_su": sum(1 for m in h.members if m.jokyo in KAZEI),
                "member_su": len(h.members) + len(h.unassessed),
                "unassessed_su": len(h.unassessed),
            }
        else:  # not in the registry that day (住所地特例 in another town's facility)
            setai_kazei = honnin_kazei or p is None or p.jokyo is zp.KazeiJokyo.MISHINKOKU
            setai_facts = {"setai_id": None, "on": _kijitsu(d, fiscal_year).isoformat()}
        nenkin = (Nenkin("rorei", honnin["nenkin_shunyu"]),) if honnin["nenkin_shunyu"] else ()
        shotoku = Shotoku(
            gokei_shotoku=max(0, honnin["gokei_shotoku"]),
            joto_tokubetsu_kojo=honnin.get("joto_tokubetsu_kojo", 0),
            nenkin_shotoku=max(0, honnin["nenkin_shotoku"]),
            kyuyo_shotoku=max(0, honnin["kyuyo_shotoku"]),
            nenkin=nenkin,
        )
        shutoku = min(s for s, _ in d.periods)
        ends = [e for _, e in d.periods]
        soshitsu = None if any(e is None for e in ends) else max(e for e in ends if e)
        seiho = hihogo_months(
            d.months, fiscal_year, [(k.kaishi, k.haishi) for k in hogo.get(d.atena_id, ())]
        )
        jukyu = rorei_jukyu_on(rorei.get(d.atena_id, ()), _kijitsu(d, fiscal_year))
        inp = HokenryoInput(
            fiscal_year=fiscal_year,
            shotoku=shotoku,
            honnin_kazei=honnin_kazei,
            setai_kazei=setai_kazei,
            rorei_fukushi_nenkin=jukyu,
            shutoku_date=shutoku if shutoku > fy_start(fiscal_year) else None,
            soshitsu_date=soshitsu,
        )
        facts = {
            "atena_id": d.atena_id,
            "periods": [[s.isoformat(), e.isoformat() if e else None] for s, e in d.periods],
            "months": list(d.months),
            "honnin": honnin,
            "honnin_kazei": honnin_kazei,
            "setai": setai_facts,
            "setai_kazei": setai_kazei,
        }
        if seiho:
            facts["seiho_months"] = list(seiho)
        if jukyu:
            facts["rorei_fukushi_nenkin"] = True
        out.append(
            PersonInput(d.atena_id, d.hihokensha_no, inp, tuple(d.months), facts, tuple(seiho))
        )
    return out


def facts_changes(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """What changed between two inputs, in words a clerk reads (kind: shikaku / shotoku /
    setai / seiho / rorei)."""
    out: list[dict[str, Any]] = []
    if old.get("periods") != new.get("periods") or old.get("months") != new.get("months"):
        out.append(
            {"kind": "shikaku", "before": len(old.get("months", [])),
             "after": len(new.get("months", [])), "label": "賦課月数"}
        )  # fmt: skip
    if old.get("honnin") != new.get("honnin") or old.get("honnin_kazei") != new.get("honnin_kazei"):
        o, n = old.get("honnin") or {}, new.get("honnin") or {}
        out.append(
            {"kind": "shotoku", "label": "本人の所得・課税状況",
             "before": o.get("gokei_shotoku"), "after": n.get("gokei_shotoku"),
             "jokyo_before": o.get("jokyo"), "jokyo_after": n.get("jokyo")}
        )  # fmt: skip
    if old.get("seiho_months", []) != new.get("seiho_months", []):
        out.append(
            {"kind": "seiho", "label": "生活保護（第1段階の月数）",
             "before": len(old.get("seiho_months", [])),
             "after": len(new.get("seiho_months", []))}
        )  # fmt: skip
    if old.get("rorei_fukushi_nenkin", False) != new.get("rorei_fukushi_nenkin", False):
        out.append(
            {"kind": "rorei", "label": "老齢福祉年金の受給",
             "before": old.get("rorei_fukushi_nenkin", False),
             "after": new.get("rorei_fukushi_nenkin", False)}
        )  # fmt: skip
    if old.get("setai_kazei") != new.get("setai_kazei"):
        out.append(
            {"kind": "setai", "label": "世帯の課税状況",
             "before": old.get("setai_kazei"), "after": new.get("setai_kazei")}
        )  # fmt: skip
    return out
