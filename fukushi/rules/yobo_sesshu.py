"""定期の予防接種: the schedule of fukushi/params/yobo_sesshu.yaml read as data, each dose's
対象期間 for a birth date, the checks on a 接種記録, and where a person stands for a vaccine on
a reference date (pure: no database; the services pass the 年度's table in).

Age words (年齢計算ニ関スル法律・民法第143条; the YAML's header says the same):
``age_from {months: N}`` is in from the N-month 応当日 (the day with the birth date's day
number); ``age_to {months: N}`` ("生後N月に至るまで", "N歳未満") is in up to the day before
that 応当日. A month without the day (born 1月31日, one month on) takes the day after that
month's last day as the 応当日.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    TAISHO = "taisho"  # 対象（接種できる・標準的な接種期間内か、標準の定めがない）
    HYOJUN_KEIKA = "hyojun_keika"  # 未接種（標準期間経過）
    KIGEN_GIRE = "kigen_gire"  # 期限切れ（対象年齢を過ぎた）


STATUS_LABELS = {
    Status.TAISHO: "接種対象",
    Status.HYOJUN_KEIKA: "未接種（標準期間経過）",
    Status.KIGEN_GIRE: "期限切れ",
}


@dataclass(frozen=True)
class Age:
    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0

    @classmethod
    def of(cls, raw: Mapping[str, Any] | None) -> Age | None:
        if raw is None:
            return None
        return cls(
            years=int(raw.get("years", 0)),
            months=int(raw.get("months", 0)),
            weeks=int(raw.get("weeks", 0)),
            days=int(raw.get("days", 0)),
        )


@dataclass(frozen=True)
class Interval:
    days: int = 0
    months: int = 0
    after: int | None = None  # the dose it counts from (None: the one before)

    def label(self) -> str:
        return f"{self.months}か月" if self.months else f"{self.days}日"


@dataclass(frozen=True)
class Dose:
    no: int
    label: str
    window: str  # age / shugaku_mae / nendo / annual
    age_from: Age | None
    age_to: Age | None
    standard_from: Age | None
    standard_to: Age | None
    interval: Interval | None


@dataclass(frozen=True)
class Vaccine:
    code: str
    name: str
    rui: str  # A / B (予防接種法第2条第2項・第3項)
    sex: str  # "" or "F"
    doses: tuple[Dose, ...]
    also_counts: str = ""  # a vaccine whose doses this one's doses also are (五種混合 → ヒブ)
    unconfirmed: bool = False

    def dose(self, no: int) -> Dose | None:
        return next((d for d in self.doses if d.no == no), None)

    @property
    def annual(self) -> bool:
        return bool(self.doses) and self.doses[0].window == "annual"


def schedule_of(value: Mapping[str, Any]) -> dict[str, Vaccine]:
    """The YAML value (``fukushi.kenko.yobo_sesshu.teiki`` of a 年度) as vaccines by code."""
    out: dict[str, Vaccine] = {}
    for v in value["vaccines"]:
        doses = []
        for d in v["doses"]:
            iv = d.get("interval")
            doses.append(
                Dose(
                    no=int(d["kai"]),
                    label=str(d["label"]),
                    window=str(d.get("window", "age")),
                    age_from=Age.of(d.get("age_from")),
                    age_to=Age.of(d.get("age_to")),
                    standard_from=Age.of(d.get("standard_from")),
                    standard_to=Age.of(d.get("standard_to")),
                    interval=Interval(
                        days=int(iv.get("days", 0)),
                        months=int(iv.get("months", 0)),
                        after=int(iv["after"]) if "after" in iv else None,
                    )
                    if iv
                    else None,
                )
            )
        out[str(v["code"])] = Vaccine(
            code=str(v["code"]),
            name=str(v["name"]),
            rui=str(v["rui"]),
            sex=str(v.get("sex", "")),
            doses=tuple(sorted(doses, key=lambda x: x.no)),
            also_counts=str(v.get("also_counts", "")),
            unconfirmed=bool(v.get("unconfirmed", False)),
        )
    return out


# --- dates -----------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The 応当日 ``months`` on; a month without the day gives the day after its last day."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    last = calendar.monthrange(year, month)[1]
    if day.day > last:
        return date(year, month, last) + timedelta(days=1)
    return date(year, month, day.day)


def reached(birth: date, age: Age) -> date:
    """The first day a person born on ``birth`` is of ``age`` (its 応当日)."""
    return add_months(birth, age.years * 12 + age.months) + timedelta(days=age.weeks * 7 + age.days)


def fiscal_year(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def shugaku_date(birth: date) -> date:
    """小学校就学の始期: the first 学年の初め (4月1日) after the day after the day the child
    turns 6 (学校教育法第17条第1項; 満6歳に達する日 = the day before the 6th birthday)."""
    turns_six = add_months(birth, 72) - timedelta(days=1)
    start = turns_six + timedelta(days=1)
    april = date(start.year, 4, 1)
    return april if start <= april else date(start.year + 1, 4, 1)


def window(birth: date, dose: Dose) -> tuple[date, date | None]:
    """The first and last day ``dose`` may be given as a 定期接種 (last None: no end)."""
    if dose.window == "shugaku_mae":
        s = shugaku_date(birth)
        return date(s.year - 1, 4, 1), s - timedelta(days=1)
    if dose.window == "nendo":
        assert dose.age_from is not None and dose.age_to is not None
        # 「N歳となる日」= the day before the N-th birthday
        first = reached(birth, dose.age_from) - timedelta(days=1)
        last = reached(birth, dose.age_to) - timedelta(days=1)
        return date(fiscal_year(first), 4, 1), date(fiscal_year(last) + 1, 3, 31)
    start = reached(birth, dose.age_from) if dose.age_from else birth
    end = reached(birth, dose.age_to) - timedelta(days=1) if dose.age_to else None
    return start, end


def standard_end(birth: date, dose: Dose) -> date | None:
    if dose.window != "age" or dose.standard_to is None:
        return None
    return reached(birth, dose.standard_to) - timedelta(days=1)


def earliest_after(dose: Dose, given: Mapping[int, date]) -> date | None:
    """The first day the minimum interval allows ``dose`` after the doses ``given``."""
    if dose.interval is None:
        return None
    ref_no = dose.interval.after if dose.interval.after is not None else dose.no - 1
    prev = given.get(ref_no)
    if prev is None:
        return None
    return add_months(prev, dose.interval.months) + timedelta(days=dose.interval.days)


# --- a 接種記録's checks -----------------------------------------------------------------------


def record_errors(
    vaccine: Vaccine,
    dose_no: int,
    day: date,
    birth: date,
    given: Mapping[int, date],
    *,
    teiki: bool,
) -> list[str]:
    """What is wrong with recording dose ``dose_no`` of ``vaccine`` on ``day`` for a person
    born ``birth`` who already has the doses ``given`` (回 → 接種日). Japanese, no names."""
    errors: list[str] = []
    if day < birth:
        errors.append("接種日が生年月日より前です。")
        return errors
    if vaccine.annual:
        if any(fiscal_year(d) == fiscal_year(day) for d in given.values()):
            errors.append(f"{vaccine.name}は同じ年度に既に接種の記録があります。")
        return errors
    dose = vaccine.dose(dose_no)
    if dose is None:
        n = len(vaccine.doses)
        errors.append(f"{vaccine.name}の定期接種は{n}回までです（{dose_no}回目は登録できません）。")
        return errors
    if dose_no in given:
        errors.append(f"{vaccine.name}の{dose.label}は既に記録があります。")
    for earlier in vaccine.doses:
        if earlier.no < dose_no and earlier.no in given and given[earlier.no] > day:
            errors.append(f"{earlier.label}の接種日より前の日付です。")
            break
    if dose.interval is not None:
        ref_no = dose.interval.after if dose.interval.after is not None else dose_no - 1
        prev = given.get(ref_no)
        ok = earliest_after(dose, given)
        if prev is not None and ok is not None and day < ok:
            ref = vaccine.dose(ref_no)
            name = ref.label if ref else f"{ref_no}回目"
            errors.append(
                f"{name}からの間隔が{dose.interval.label()}に満たない日付です"
                "（接種間隔が最短間隔より短い）。"
            )
    if teiki:
        first, last = window(birth, dose)
        if day < first or (last is not None and day > last):
            errors.append(
                f"接種日が{dose.label}の定期接種の対象年齢の外です（任意接種として登録してください）。"
            )
    return errors


# --- where a person stands -----------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    vaccine: str
    dose_no: int
    dose_label: str
    status: Status
    first: date
    last: date | None


def due_for(
    vaccine: Vaccine,
    birth: date,
    sex: str,
    given: Sequence[date] | Mapping[int, date],
    on: date,
) -> Due | None:
    """The dose of ``vaccine`` a person is due (or overdue) for on ``on``, if any.

    ``given``: for an annual vaccine the dates given, else 回 → 接種日. The next dose is
    the lowest 回 not given; before its window (or before the minimum interval after the
    dose before) nothing is due. Past the window's end it is 期限切れ; within it but past
    the 標準的な接種期間 it is 未接種（標準期間経過）; else 接種対象.
    """
    if vaccine.sex == "F" and sex != "女":
        return None
    if vaccine.annual:
        dose = vaccine.doses[0]
        start = reached(birth, dose.age_from) if dose.age_from else birth
        dates = given.values() if isinstance(given, Mapping) else given
        if on < start or any(fiscal_year(d) == fiscal_year(on) for d in dates):
            return None
        return Due(vaccine.code, dose.no, dose.label, Status.TAISHO, start, None)
    done = dict(given) if isinstance(given, Mapping) else {}
    for dose in vaccine.doses:
        if dose.no in done:
            continue
        first, last = window(birth, dose)
        if on < first:
            return None
        ok = earliest_after(dose, done)
        if last is not None and on > last:
            if any(_open_later(vaccine, dose.no, birth, on)):
                continue  # e.g. ヒブ 初回2・3回目 past 1歳: not given, the 追加 still is
            return Due(vaccine.code, dose.no, dose.label, Status.KIGEN_GIRE, first, last)
        if ok is not None and on < ok:
            return None
        std = standard_end(birth, dose)
        status = Status.HYOJUN_KEIKA if std is not None and on > std else Status.TAISHO
        return Due(vaccine.code, dose.no, dose.label, status, first, last)
    return None


def _open_later(vaccine: Vaccine, no: int, birth: date, on: date) -> list[bool]:
    out = []
    for later in vaccine.doses:
        if later.no > no:
            _, last = window(birth, later)
            out.append(last is None or on <= last)
    return out
