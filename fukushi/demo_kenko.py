"""Demo 健康管理 records for one town (run inside its schema; ``fukushi_demo`` runs it when
the town uses 健康管理): 予防接種 for the children and 健診 (がん検診・特定健康診査) 受診 for
the adults.

予防接種: each child under 16 gets each 定期接種 dose of the schedule on a day a little after
the dose's first day (the 標準的な接種期間's start, or the minimum interval after the dose
before), checked by the same rules a clerk's entry is (``record_errors``) and only when that
day has passed; so most children are up to date for their age. One child in about ten
(``MIKAN_PERCENT``) has skipped one vaccine: the due list shows them as 未接種（標準期間経過）
or 期限切れ. 予防接種 of adults (インフルエンザ・高齢者の肺炎球菌) are not made.

健診: in this 年度 and the one before, about ``JUSHIN_PERCENT`` of those 対象 for a 検診
had it (a demo choice near the national がん検診 受診率 of 市町村 検診; not a cited figure),
most 異常なし, a few 要精密検査 (half of them with a 精密検査 result) or 要医療.

Choices by a hash of カナ氏名 and 生年月日 (never database ids, which differ between runs).
Rows are written in bulk (the checks run on each before); one access-log row per kind says
what the loader wrote and how many. A town that has any 健康管理 record is left alone.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from fukushi.gyomu import KENKO_KANRI
from fukushi.models import (
    KekkaKubun,
    KenshinJushin,
    SeimitsuKekka,
    SesshuKubun,
    YoboSesshu,
)
from fukushi.rules import kenshin as kr
from fukushi.rules import yobo_sesshu as yr
from fukushi.services import kenshin as ks
from fukushi.services import yobo_sesshu as ys
from juminkiroku.public import person_identities, residents_on
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record

ACTOR = Actor(user_id=None, username="load_kenko_demo")
CHILD_YEARS = 16
MIKAN_PERCENT = 10
JUSHIN_PERCENT = 35
KIKAN = ("町立診療所", "葉山こどもクリニック", "湘南検診センター", "なぎさ内科")


def _h(*parts: object) -> int:
    return int(hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:12], 16)


def load(stdout: Any) -> None:
    if YoboSesshu.objects.exists() or KenshinJushin.objects.exists():
        return
    today = timezone.localdate()
    residents = residents_on(today)
    if not residents:
        return
    people = {r.atena_id: r.birth_date for r in residents}
    ids = person_identities(people)
    sesshu = _sesshu(today, people, ids)
    jushin = _kenshin(today, people, ids)
    stdout.write(f"予防接種の記録 {sesshu:,}件、健診の受診記録 {jushin:,}件\n")


def _sesshu(today: date, people: dict[int, date], ids: dict[int, Any]) -> int:
    tables: dict[int, dict[str, yr.Vaccine]] = {}

    def table(nendo: int) -> dict[str, yr.Vaccine]:
        if nendo not in tables:
            try:
                tables[nendo] = ys.schedule(nendo)
            except LookupError:
                tables[nendo] = {}
        return tables[nendo]

    current = table(yr.fiscal_year(today))
    rows: list[YoboSesshu] = []
    for atena_id, birth in people.items():
        if yr.fiscal_year(today) - birth.year > CHILD_YEARS or atena_id not in ids:
            continue
        p = ids[atena_id]
        key = (p.shimei_kana, birth.isoformat())
        skipped = ""
        if _h(*key, "mikan") % 100 < MIKAN_PERCENT:
            codes = sorted(c for c, v in current.items() if not v.annual)
            skipped = codes[_h(*key, "which") % len(codes)] if codes else ""
        order = sorted(current, key=lambda c: 0 if current[c].also_counts else 1)
        covered: set[str] = set()
        for code in order:
            v = current[code]
            if v.annual or code == skipped or code in covered:
                continue
            if v.sex == "F" and p.sex != "女":
                continue
            given: dict[int, date] = {}
            for dose in v.doses:
                first, last = yr.window(birth, dose)
                start = yr.reached(birth, dose.standard_from) if dose.standard_from else first
                ok = yr.earliest_after(dose, given)
                day = max(d for d in (first, start, ok) if d is not None)
                day += timedelta(days=_h(*key, code, dose.no) % 21)
                if day > today or (last is not None and day > last):
                    break
                that = table(yr.fiscal_year(day)).get(code)
                if that is None or yr.record_errors(that, dose.no, day, birth, given, teiki=True):
                    break
                given[dose.no] = day
                rows.append(
                    YoboSesshu(
                        atena_id=atena_id,
                        vaccine=code,
                        dose_no=dose.no,
                        sesshu_date=day,
                        kubun=SesshuKubun.TEIKI,
                        lot_no=f"D{_h(code, day) % 100000:05d}",
                        iryo_kikan=KIKAN[_h(*key) % 2],
                        created_by=ACTOR.username,
                    )
                )
            if given and v.also_counts:
                covered.add(v.also_counts)
    YoboSesshu.objects.bulk_create(rows, batch_size=2000)
    _note(ys.RECORD_TYPE, ys.SCREEN, len(rows))
    return len(rows)


def _kenshin(today: date, people: dict[int, date], ids: dict[int, Any]) -> int:
    this = kr.nendo_of(today)
    rows: list[KenshinJushin] = []
    for nendo in (this - 1, this):
        try:
            kinds = ks.table(nendo)
        except LookupError:
            continue
        town = ks.adopted(nendo)
        ref = min(today, date(nendo + 1, 3, 31))
        kokuho = ks.kokuho_on(people, ref)
        for atena_id, birth in people.items():
            p = ids.get(atena_id)
            if p is None:
                continue
            age = kr.nendo_age(birth, nendo)
            for code, k in kinds.items():
                if code == kr.TOKUTEI and atena_id not in kokuho:
                    continue
                methods = kr.methods_for(k, age, p.sex, town)
                key = (p.shimei_kana, birth.isoformat(), code, nendo)
                if not methods or _h(*key) % 100 >= JUSHIN_PERCENT:
                    continue
                m = methods[_h(*key, "m") % len(methods)]
                day = date(nendo, 5, 15) + timedelta(days=_h(*key, "d") % 240)
                if day > today or day < birth:
                    continue
                if kr.jushin_errors(k, m.code, day, birth, p.sex, town, today=today):
                    continue
                roll = _h(*key, "k") % 100
                kekka = (
                    KekkaKubun.YO_SEIMITSU
                    if roll < 7
                    else KekkaKubun.YO_IRYO
                    if roll < 10
                    else KekkaKubun.KEIKA_KANSATSU
                    if roll < 20
                    else KekkaKubun.IJO_NASHI
                )
                row = KenshinJushin(
                    atena_id=atena_id,
                    kenshin=code,
                    method=m.code,
                    jushin_date=day,
                    kekka=kekka,
                    iryo_kikan=KIKAN[2 + _h(*key) % 2],
                    created_by=ACTOR.username,
                )
                later = day + timedelta(days=30)
                if kekka == KekkaKubun.YO_SEIMITSU and roll % 2 == 0 and later <= today:
                    row.seimitsu_date = later
                    row.seimitsu_kekka = (
                        SeimitsuKekka.IJO_NASHI if roll < 4 else SeimitsuKekka.GAN_IGAI
                    )
                    row.seimitsu_kikan = "町立病院"
                rows.append(row)
    KenshinJushin.objects.bulk_create(rows, batch_size=2000)
    _note(ks.RECORD_TYPE, ks.SCREEN, len(rows))
    return len(rows)


def _note(record_type: str, screen: str, count: int) -> None:
    if count:
        access_record(
            action=AccessAction.CREATE,
            actor=ACTOR,
            gyomu=KENKO_KANRI,
            screen=screen,
            record_type=record_type,
            purpose="デモデータの作成",
            record_count=count,
        )
