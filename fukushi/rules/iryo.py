"""子ども医療費助成・ひとり親家庭等医療費助成: the town's age limit and certificate year,
and the 償還 amount. Pure; every figure is a town parameter (fukushi/params/iryo.yaml)."""

from __future__ import annotations

from datetime import date, timedelta

__all__ = ["nenrei_shuryo", "shokan_gaku", "yuko_in_month", "yuko_kikan"]


def _birthday(birth: date, age: int) -> date:
    try:
        return birth.replace(year=birth.year + age)
    except ValueError:  # 2月29日生まれ
        return date(birth.year + age, 3, 1)


def nenrei_shuryo(birth: date, age: int) -> date:
    """The 3月31日 after the day the child reaches ``age`` (年齢計算ニ関スル法律: the day
    before the birthday): born 4月2日 → that school year; born 4月1日 → the year before."""
    reached = _birthday(birth, age) - timedelta(days=1)
    year = reached.year if reached.month <= 3 else reached.year + 1
    return date(year, 3, 31)


def yuko_kikan(kaishi: date, koshin_tsuki: int, shuryo_limit: date | None) -> tuple[date, date]:
    """The certificate's period from ``kaishi``: to the day before the next 更新月's 1日,
    not past ``shuryo_limit`` (the age end)."""
    year = kaishi.year if kaishi.month < koshin_tsuki else kaishi.year + 1
    end = date(year, koshin_tsuki, 1) - timedelta(days=1)
    if shuryo_limit is not None and shuryo_limit < end:
        end = shuryo_limit
    return kaishi, end


def shokan_gaku(jiko_futan: int, ichibu_futan: int) -> int:
    """The refund of one claim: what was paid at the counter less the town's 一部負担金."""
    return max(0, jiko_futan - ichibu_futan)


def yuko_in_month(kaishi: date, shuryo: date, month: date) -> bool:
    """Whether a 受給者証 valid from ``kaishi`` to ``shuryo`` is valid on some day of the
    診療月 ``month`` (a 請求 names the month, not the days of treatment)."""
    first = month.replace(day=1)
    nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return kaishi < nxt and shuryo >= first
