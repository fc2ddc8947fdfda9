"""A 個人住民税 更正 due to a 所得税 修正申告 (地方税法第321条の2第3項・第4項;
docs/standard/shuno.md S-7): the clerk says so on the 更正 screen with the day the 更正 is
notified; the 増額 reaches the ledger marked ``shotoku_kiin`` with that 通知日, and the 延滞金
試算 leaves the 除算期間 out. A
特定修正申告 (偽り・不正) or a 更正 of the town's own has none; 寒川町 sees nothing of it.

No published worked example of a 除算期間 was found (docs S-7); the expectation here is the
rule itself: the part increased bears nothing from the day after one year from the day after
the 納期限 has passed (``ichinen_end``) to the 通知日."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.wareki import format_wareki
from tests.personas import ALPHA_HOST
from zeimu.models import Chotei, ChoteiKind, Fuka, Kibetsu, KoseiKiin, Shinkoku
from zeimu.rules.entaikin import ichinen_end
from zeimu.services.fuka import KoseiRefused, kosei
from zeimu.services.shuno import entaikin_of
from zeimu.tests.test_fuka_chotei import _town

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="tester")


def _shusei(atena_id: int) -> None:
    """The 所得税 修正申告 (国税連携): the same salary and a rent left out before."""
    Shinkoku.objects.create(atena_id=atena_id, shotoku_year=2024, kind="kakutei",
                            kyuyo_shunyu=1_500_000, fudosan_shunyu=900_000)  # fmt: skip


def test_the_kosei_screen_marks_the_ledger_and_the_shisan_leaves_out_the_josan(
    world: Any, login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    connection.set_tenant(world.alpha.municipality)
    town = _town(django_capture_on_commit_callbacks, wife_pay=1_500_000)
    wife = Fuka.objects.get(atena_id=town["wife"].pk, fiscal_year=2025, is_current=True)
    _shusei(town["wife"].pk)
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    url = f"/zeimu/fuka/{wife.pk}/kosei/"
    page = clerk.get(f"/zeimu/fuka/{wife.pk}/").content.decode()
    assert "更正の原因" in page and "所得税の修正申告" in page and "除算期間" in page
    today = timezone.localdate()
    tsuchi = today + timedelta(days=10)
    # refused: a 通知日 without a 所得税 reason, a 通知日 in the past — nothing changes
    r = clerk.post(url, {"reason": "修正申告", "kiin": "", "tsuchi_date": tsuchi.isoformat()},
                   follow=True)  # fmt: skip
    assert "所得税の修正申告・更正による更正のときに" in r.content.decode()
    r = clerk.post(url, {"reason": "修正申告", "kiin": KoseiKiin.SHUSEI,
                         "tsuchi_date": (today - timedelta(days=1)).isoformat()},
                   follow=True)  # fmt: skip
    assert "今日以後" in r.content.decode()
    r = clerk.post(url, {"reason": "修正\x00申告", "kiin": KoseiKiin.SHUSEI}, follow=True)
    assert "制御文字" in r.content.decode()
    connection.set_tenant(world.alpha.municipality)
    assert Fuka.objects.filter(atena_id=town["wife"].pk).count() == 1
    connection.set_schema_to_public()
    # when: the 更正 for the 修正申告, notified in ten days
    r = clerk.post(url, {"reason": "所得税の修正申告（国税連携）", "kiin": KoseiKiin.SHUSEI,
                         "tsuchi_date": format_wareki(tsuchi)})  # fmt: skip
    assert r.status_code == 302
    connection.set_tenant(world.alpha.municipality)
    new = Fuka.objects.get(atena_id=town["wife"].pk, fiscal_year=2025, is_current=True)
    assert (new.kosei_kiin, new.kosei_tsuchi_date) == (KoseiKiin.SHUSEI, tsuchi)
    # then: every 増額 of a 期別 reaches the ledger marked, with the 通知日
    rows = list(Chotei.objects.filter(ref__startswith=f"fuka:{new.pk}:").order_by("ref"))
    assert rows and all(
        (c.kind, c.shotoku_kiin, c.tsuchi_date) == (ChoteiKind.ZOGAKU, True, tsuchi) for c in rows
    )
    first = Kibetsu.objects.get(key=f"juminzei:2025:{town['wife'].pk}:1")
    increase = Chotei.objects.get(ref=f"fuka:{new.pk}:1").amount
    # and the 延滞金 if paid five days after the notice leaves the increase out from the day
    # after one year from the day after the 納期限 to the 通知日
    paid_on = tsuchi + timedelta(days=5)
    start = ichinen_end(first.nouki) + timedelta(days=1)
    r1 = entaikin_of(first.pk, paid_on=paid_on)
    josan = [(s.start, s.end, s.josan) for s in r1.segments if s.josan]
    assert josan and josan[0][0] == start and josan[-1][1] == tsuchi
    assert {j for *_, j in josan} == {increase}
    connection.set_schema_to_public()
    # the 試算 screen says so
    shisan = {"nofu_bango": first.nofu_bango, "paid_on": format_wareki(paid_on)}
    page = clerk.post("/zeimu/shuno/entaikin/", shisan).content.decode()
    assert "除算期間で除く税額" in page and f"{increase:,}円" in page and "第321条の2" in page
    assert f"{format_wareki(start)}〜" in page
    assert f"{r1.entaikin:,}円" in page


def test_a_tokutei_kosei_is_recorded_without_a_josan_and_the_other_town_sees_nothing(
    alpha: Any, beta: Any, django_capture_on_commit_callbacks: Any
) -> None:
    connection.set_tenant(alpha.municipality)
    town = _town(django_capture_on_commit_callbacks, wife_pay=1_500_000)
    wife = Fuka.objects.get(atena_id=town["wife"].pk, fiscal_year=2025, is_current=True)
    _shusei(town["wife"].pk)
    with pytest.raises(KoseiRefused, match="更正の原因"):
        kosei(fuka_id=wife.pk, reason="x", actor=ACTOR, kiin="fusei")
    new = kosei(fuka_id=wife.pk, reason="特定修正申告", actor=ACTOR, kiin=KoseiKiin.TOKUTEI)
    assert new.kosei_kiin == KoseiKiin.TOKUTEI and new.kosei_tsuchi_date is None
    rows = Chotei.objects.filter(ref__startswith=f"fuka:{new.pk}:")
    assert rows.exists() and not rows.filter(shotoku_kiin=True).exists()
    first = Kibetsu.objects.get(key=f"juminzei:2025:{town['wife'].pk}:1")
    paid_on = timezone.localdate() + timedelta(days=15)
    assert not any(s.josan for s in entaikin_of(first.pk, paid_on=paid_on).segments)
    connection.set_tenant(beta.municipality)
    assert not Chotei.objects.exists() and not Fuka.objects.exists()


def test_the_josan_reason_helper() -> None:
    assert KoseiKiin.josan(KoseiKiin.SHUSEI) and KoseiKiin.josan(KoseiKiin.KOSEI)
    assert not KoseiKiin.josan(KoseiKiin.TOKUTEI) and not KoseiKiin.josan(KoseiKiin.NASHI)


def test_the_api_kosei_takes_the_kiin_and_the_tsuchi_date(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from zeimu.tests.test_fuka_results import _key_client, _post

    connection.set_tenant(world.alpha.municipality)
    town = _town(django_capture_on_commit_callbacks, wife_pay=1_500_000)
    wife = Fuka.objects.get(atena_id=town["wife"].pk, fiscal_year=2025, is_current=True)
    _shusei(town["wife"].pk)
    api = _key_client(world.alpha, ALPHA_HOST, ("kojin_juminzei:read", "kojin_juminzei:write"))
    url = f"/api/v1/zeimu/fuka/{wife.pk}/kosei/"
    bad = _post(api, url, {"reason": "x", "kiin": "fusei"})
    assert bad.status_code == 400
    tsuchi = timezone.localdate() + timedelta(days=7)
    done = _post(api, url, {"reason": "所得税の更正（国税連携）", "kiin": KoseiKiin.KOSEI,
                            "tsuchi_date": tsuchi.isoformat()})  # fmt: skip
    assert done.status_code == 201, done.content
    body = done.json()
    assert (body["kosei_kiin"], body["kosei_tsuchi_date"]) == (KoseiKiin.KOSEI, tsuchi.isoformat())
    connection.set_tenant(world.alpha.municipality)
    rows = Chotei.objects.filter(ref__startswith=f"fuka:{body['id']}:")
    assert rows.exists() and all(c.shotoku_kiin and c.tsuchi_date == tsuchi for c in rows)
