"""後期高齢者医療 資格 rules (pure; numbers from ``kokuho/params/koki_iryo.yaml`` and
``kokuho/params/kokuho_shikaku.yaml``).

- 75歳到達: 資格 from the 75th birthday (高齢者の医療の確保に関する法律第52条第1号) —
  the same day 国保 ends (``kokuho.rules.shikaku.koki_date``).
- 障害認定: 65歳以上75歳未満 with a 障害 of the degree the 政令 lists, from the day the
  広域連合 certifies it (同法第50条第2号, 第52条第2号).
- 喪失: the day after death or leaving the 広域連合's area (同法第53条第1項).
"""

from __future__ import annotations

from datetime import date, timedelta

from kokuho.rules.shikaku import ShikakuParameters, birthday_at, koki_date
from tenants.age import age_on
from tenants.params.services import param_value
from tenants.wareki import fiscal_year_of


def nenrei_koki_date(birth: date, day: date) -> date:
    """The 75th birthday (the day 後期高齢者医療 starts by age)."""
    return koki_date(birth, ShikakuParameters.for_date(day))


def shogai_nintei_problem(birth: date, nintei_date: date) -> str:
    """Why a 障害認定 on ``nintei_date`` cannot make the person insured ("" when it can)."""
    low = int(param_value("koki.shogai_nintei.nenrei_from", fiscal_year_of(nintei_date)))
    high = ShikakuParameters.for_date(nintei_date).koki_nenrei
    if nintei_date >= birthday_at(birth, high):
        return f"認定日に{high}歳以上です（年齢到達で被保険者になります）。"
    if age_on(birth, nintei_date) < low:
        return f"認定日に{low}歳未満です。障害認定は{low}歳以上{high}歳未満の方が対象です。"
    return ""


def koki_soshitsu_date(jiyu_date: date) -> date:
    """死亡・転出: the day after (同法第53条第1項: 翌日から資格を喪失する)."""
    return jiyu_date + timedelta(days=1)
