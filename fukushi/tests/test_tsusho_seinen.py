"""障害児通所支援 ends at 18 (児童福祉法第4条: 障害児 = 満18歳に満たない者): the 給付決定期間 is cut
at 決定・更新 time to the day before the 18th birthday (年齢計算ニ関スル法律: the age is reached at
the end of that day), the cut and the asked end named in the history; an 更新 that would start
at 18 is refused and writes nothing; the other town's decision is its own.

No municipal page stating the cut was found (searched 2026-12-07): 未確認. A private page
(https://asis-youth.jp/houkagodei_nansaimade) says 児童発達支援 runs to the 18th birthday and
放課後等デイサービス usually to 高校卒業 under the 満20歳 exception (児童福祉法, article 未確認),
which this version does not decide (the clerk's own judgement, not built)."""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.models import TsushoKettei
from fukushi.rules.tsusho import seinen_kikan
from fukushi.services.tsusho import TsushoRefused, tsusho_koshin, tsusho_shinsei
from fukushi.tests.test_tsusho_services import ACTOR, WARI_240000, family, kettei
from tenants.db import connection
from zeimu.tests.factories import kazei_set

pytestmark = pytest.mark.django_db


def test_seinen_kikan_edges() -> None:
    # born 2008-03-15: 満18歳 at the end of 2026-03-14
    assert seinen_kikan(date(2008, 3, 15), date(2026, 7, 31)) == date(2026, 3, 14)
    # the asked end on that very day, or before it: unchanged
    assert seinen_kikan(date(2008, 3, 15), date(2026, 3, 14)) == date(2026, 3, 14)
    assert seinen_kikan(date(2008, 3, 15), date(2025, 12, 31)) == date(2025, 12, 31)
    # born on 4月1日: the last day under 18 is 3月31日
    assert seinen_kikan(date(2008, 4, 1), date(2026, 7, 31)) == date(2026, 3, 31)
    # born on 1月1日: the last day is the 12月31日 before
    assert seinen_kikan(date(2008, 1, 1), date(2026, 7, 31)) == date(2025, 12, 31)
    # born on 2月29日: 2月28日 of the 18th year (2026 is a common year)
    assert seinen_kikan(date(2008, 2, 29), date(2026, 7, 31)) == date(2026, 2, 28)


def _decide(town: str, birth: str, shimei: str) -> TsushoKettei:
    father, mother, child = family(town, birth, shimei=shimei)
    for nendo in (2025, 2026):
        kazei_set(father.pk, nendo, shotokuwari=WARI_240000)
        kazei_set(mother.pk, nendo, status="hikazei")
    k = tsusho_shinsei(atena_id=child.pk, hogosha_atena_id=father.pk,
                       shinsei_date=date(2025, 7, 1), actor=ACTOR)  # fmt: skip
    return kettei(k, {"hokago_day": 20})  # asked: 令和7年8月1日から令和8年7月31日まで


def test_kettei_cut_at_the_day_before_the_18th_birthday_and_koshin_refused(alpha, beta):
    connection.set_tenant(beta.municipality)
    young = _decide("samukawa", "2012-03-15", "寒川")
    connection.set_tenant(alpha.municipality)
    k = _decide("hayama", "2008-03-15", "十七")
    assert (k.kikan_kaishi, k.kikan_shuryo) == (date(2025, 8, 1), date(2026, 3, 14))
    assert k.rireki.get(kind="kettei").naiyo.startswith(
        "給付決定：放課後等デイサービス 20日/月（令和7年8月1日から令和8年3月14日まで"
        "（18歳に達する日（誕生日の前日）の令和8年3月14日までに短縮。"
        "申請された終了日は令和8年7月31日））、"
    )
    # the next period would start on the 18th birthday: refused, nothing written
    before = (k.rireki.count(), k.kikan_shuryo)
    with pytest.raises(TsushoRefused) as exc:
        tsusho_koshin(pk=k.pk, day=date(2026, 3, 1), shuryo=date(2027, 3, 31), riyu="更新",
                      actor=ACTOR)  # fmt: skip
    assert exc.value.errors == [("kaishi", "給付決定期間の開始日に18歳以上です。")]
    k.refresh_from_db()
    assert (k.rireki.count(), k.kikan_shuryo) == before

    # a child of 13: the whole asked period, no cut named; 更新 also cut when it runs past 18
    connection.set_tenant(beta.municipality)
    young.refresh_from_db()
    assert young.kikan_shuryo == date(2026, 7, 31)
    assert "短縮" not in young.rireki.get(kind="kettei").naiyo
    young = tsusho_koshin(pk=young.pk, day=date(2026, 7, 10), shuryo=date(2030, 7, 31),
                          riyu="更新", actor=ACTOR)  # fmt: skip
    assert (young.kikan_kaishi, young.kikan_shuryo) == (date(2026, 8, 1), date(2030, 3, 14))
    assert "令和12年3月14日までに短縮" in young.rireki.get(kind="koshin").naiyo
    # hayama's decision was not touched by any of it
    connection.set_tenant(alpha.municipality)
    k.refresh_from_db()
    assert (k.kikan_shuryo, k.rireki.count()) == (date(2026, 3, 14), 2)
    connection.set_schema_to_public()
