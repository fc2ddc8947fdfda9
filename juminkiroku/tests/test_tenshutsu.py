"""転出 in two phases and the 転入通知 (標準仕様書 1.1.5, 4.0.3, 4.1.3.0.1, 4.1.3.1.1,
4.1.3.1.3): 住民 until the 転出予定日, 除票 from it (or from an earlier 転入日), one
``tenshutsu_kakutei`` per person, 印鑑登録 ending then, 取消 before and after."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from juminkiroku.codes import IdoJiyu, InkanStatus, JuminJotai
from juminkiroku.models import (
    Atena,
    AtenaRireki,
    Ido,
    RenkeiChange,
    TennyuTsuchi,
    Tenshutsu,
    TenshutsuStatus,
)
from juminkiroku.selectors.search import SearchCriteria, atena_search
from juminkiroku.services.ido import IdoError, PersonChange, ido_cancel_enter, ido_enter
from juminkiroku.services.inkan import inkan_register
from juminkiroku.services.tenshutsu import (
    TenshutsuError,
    receive_tennyu_tsuchi,
    tenshutsu_kakutei_due,
)
from juminkiroku.tasks import tenshutsu_kakutei_daily
from juminkiroku.tests.certhelpers import png_bytes
from juminkiroku.tests.factories import actor_for, approve, family, household_tennyu
from tenants.db import connection
from tenants.events.models import DomainEvent

pytestmark = pytest.mark.django_db

SAKI = "東京都新宿区西新宿二丁目8番1号"


@pytest.fixture
def yamada(in_alpha):
    _, atenas = household_tennyu("hayama", members=family())
    return atenas


def today() -> date:
    return timezone.localdate()


def enter_tenshutsu(
    person: Atena,
    *,
    yotei: date,
    todoke: date | None = None,
    jiyu: str = IdoJiyu.TENSHUTSU,
    saki: str = SAKI,
    town: str = "hayama",
) -> Ido:
    ido = ido_enter(
        jiyu=jiyu,
        ido_date=yotei,
        todoke_date=todoke or min(today(), yotei),
        changes=[
            PersonChange(
                person.pk, {"tenshutsu_saki_jusho": saki, "tenshutsu_saki_postal_code": "1600023"}
            )
        ],
        actor=actor_for(f"{town}-clerk"),
        setainushi_fuzai_ok=True,
    )
    return approve(ido, reviewer=f"{town}-shinsa")


def names(ido: Ido) -> list[str]:
    return list(
        DomainEvent.objects.filter(payload__ido_id=ido.pk)
        .order_by("id")
        .values_list("name", flat=True)
    )


def kakutei_events(atena_id: int) -> list[dict]:
    return [
        e.payload
        for e in DomainEvent.objects.filter(name="juminkiroku.tenshutsu_kakutei").order_by("id")
        if atena_id in e.payload["atena_ids"]
    ]


def test_future_tenshutsu_stays_jumin_until_the_yotei_date(yamada):
    # given a 転出 with a 転出予定日 ten days ahead, approved today
    child = yamada[2]
    yotei = today() + timedelta(days=10)
    ido = enter_tenshutsu(child, yotei=yotei)
    # then the person is still a 住民, found by the default search, with the 予定 recorded
    child.refresh_from_db()
    assert child.jotai == JuminJotai.JUMIN and child.shojo_date is None
    assert child.tenshutsu_saki_jusho == ""
    assert list(atena_search(SearchCriteria(name="山田　一郎"))) == [child]
    t = Tenshutsu.objects.get(ido=ido, atena=child)
    assert (t.status, t.yotei_date, t.yotei_jusho, t.yotei_postal_code) == (
        TenshutsuStatus.YOTEI,
        yotei,
        SAKI,
        "1600023",
    )
    assert names(ido) == ["juminkiroku.tenshutsu_yotei"]
    assert AtenaRireki.objects.filter(atena=child, superseded=False).count() == 1
    # when the daily job runs the day before: nothing
    assert tenshutsu_kakutei_due(today=yotei - timedelta(days=1)).done == []
    child.refresh_from_db()
    assert child.jotai == JuminJotai.JUMIN
    # when it runs on the 転出予定日: a 除票 from that date, one event
    assert tenshutsu_kakutei_due(today=yotei).done == [t.pk]
    child.refresh_from_db()
    assert (child.jotai, child.shojo_date, child.shojo_jiyu) == (
        JuminJotai.TENSHUTSU,
        yotei,
        IdoJiyu.TENSHUTSU,
    )
    assert (child.tenshutsu_saki_jusho, child.tenshutsu_saki_postal_code) == (SAKI, "1600023")
    versions = list(AtenaRireki.objects.filter(atena=child, superseded=False).order_by("id"))
    assert [(v.valid_from, v.valid_to, v.jotai) for v in versions] == [
        (date(2020, 4, 1), yotei, JuminJotai.JUMIN),
        (yotei, None, JuminJotai.TENSHUTSU),
    ]
    assert versions[1].ido_id == ido.pk and versions[0].closed_by_id == ido.pk
    assert list(atena_search(SearchCriteria(name="山田　一郎"))) == []
    assert kakutei_events(child.pk) == [
        {
            "ido_id": ido.pk,
            "jiyu": "S01",
            "shojo_date": yotei.isoformat(),
            "yotei_date": yotei.isoformat(),
            "atena_ids": [child.pk],
            "setai_ids": [child.setai_id],
        }
    ]
    assert RenkeiChange.objects.filter(ido=ido, rireki=versions[1]).count() == 1
    # when it runs again (twice the same day, and a later day): nothing more
    assert tenshutsu_kakutei_due(today=yotei).done == []
    assert tenshutsu_kakutei_due(today=yotei + timedelta(days=3)).done == []
    assert len(kakutei_events(child.pk)) == 1


def test_missed_days_are_caught_up_from_the_yotei_date(yamada):
    child = yamada[2]
    yotei = today() + timedelta(days=3)
    enter_tenshutsu(child, yotei=yotei)
    # the job did not run for a week
    done = tenshutsu_kakutei_due(today=yotei + timedelta(days=7)).done
    assert len(done) == 1
    child.refresh_from_db()
    assert child.shojo_date == yotei


def test_the_task_and_the_command_run_the_same_job(yamada, alpha):
    child, wife = yamada[2], yamada[1]
    enter_tenshutsu(child, yotei=today())  # due today: a 除票 at 本登録 already
    assert tenshutsu_kakutei_daily() == 0
    enter_tenshutsu(wife, yotei=today() + timedelta(days=2))
    call_command(
        "tenshutsu_kakutei",
        "--schema",
        alpha.municipality.schema_name,
        "--today",
        (today() + timedelta(days=2)).isoformat(),
    )
    connection.set_tenant(alpha.municipality)
    wife.refresh_from_db()
    assert wife.jotai == JuminJotai.TENSHUTSU


def test_yotei_today_or_past_is_johyo_at_honroku_and_late_todoke_is_shokken(yamada):
    # 4.1.3.0.1: 届出 more than 14 days after the 転出 → 職権
    child = yamada[2]
    ido = enter_tenshutsu(child, yotei=date(2026, 10, 1), todoke=date(2026, 10, 20))
    child.refresh_from_db()
    assert child.jotai == JuminJotai.TENSHUTSU and child.shojo_date == date(2026, 10, 1)
    t = Tenshutsu.objects.get(ido=ido)
    assert t.status == TenshutsuStatus.KAKUTEI and t.shokken is True
    assert names(ido) == ["juminkiroku.tenshutsu_yotei", "juminkiroku.tenshutsu_kakutei"]
    head = yamada[0]
    on_time = enter_tenshutsu(head, yotei=date(2026, 10, 1), todoke=date(2026, 10, 15))
    assert Tenshutsu.objects.get(ido=on_time).shokken is False


def test_future_kokugai_tenshutsu_is_two_phase_too(yamada):
    # 4.0.3: 国外転出 is a 転出: a future 異動日 is allowed
    head = yamada[0]
    yotei = today() + timedelta(days=5)
    ido = enter_tenshutsu(head, yotei=yotei, jiyu=IdoJiyu.KOKUGAI_TENSHUTSU, saki="アメリカ合衆国")
    head.refresh_from_db()
    assert head.jotai == JuminJotai.JUMIN
    assert names(ido) == ["juminkiroku.kokugai_tenshutsu"]
    tenshutsu_kakutei_due(today=yotei)
    head.refresh_from_db()
    assert head.jotai == JuminJotai.KOKUGAI_TENSHUTSU and head.shojo_date == yotei
    assert [e["jiyu"] for e in kakutei_events(head.pk)] == ["S02"]


def test_other_future_ido_is_still_refused(yamada):
    with pytest.raises(IdoError, match="未来の日付"):
        ido_enter(
            jiyu=IdoJiyu.SHIBO,
            ido_date=today() + timedelta(days=1),
            todoke_date=today(),
            changes=[PersonChange(yamada[0].pk, {})],
            actor=actor_for("hayama-clerk"),
            setainushi_fuzai_ok=True,
        )


def test_inkan_ends_at_the_johyo_not_at_the_yotei(yamada, django_capture_on_commit_callbacks):
    wife = yamada[1]
    toroku = inkan_register(
        atena_id=wife.pk,
        image_png=png_bytes(),
        actor=actor_for("hayama-clerk"),
        toroku_date=date(2021, 1, 1),
    )
    yotei = today() + timedelta(days=4)
    with django_capture_on_commit_callbacks(execute=True):
        ido = enter_tenshutsu(wife, yotei=yotei)
    toroku.refresh_from_db()
    assert toroku.status == InkanStatus.TOROKU
    with django_capture_on_commit_callbacks(execute=True):
        tenshutsu_kakutei_due(today=yotei)
    toroku.refresh_from_db()
    assert toroku.status == InkanStatus.SHOKKEN_MASSHO
    assert (toroku.ended_date, toroku.ended_by_ido_id) == (yotei, ido.pk)
    assert "転出" in toroku.ended_reason


def _cancel(ido: Ido) -> Ido:
    cancel = ido_cancel_enter(
        cancels_id=ido.pk,
        ido_date=today(),
        note="転出しないことになった",
        actor=actor_for("hayama-clerk"),
    )
    return approve(cancel, reviewer="hayama-shinsa")


def test_torikeshi_before_kakutei_withdraws_the_yotei(yamada):
    child = yamada[2]
    yotei = today() + timedelta(days=6)
    ido = enter_tenshutsu(child, yotei=yotei)
    cancel = _cancel(ido)
    t = Tenshutsu.objects.get(ido=ido)
    assert t.status == TenshutsuStatus.TORIKESHI
    event = DomainEvent.objects.get(name="juminkiroku.torikeshi", payload__ido_id=cancel.pk)
    assert event.payload["atena_ids"] == [child.pk]
    assert event.payload["undoes"] == ["juminkiroku.tenshutsu_yotei"]
    assert tenshutsu_kakutei_due(today=yotei).done == []
    child.refresh_from_db()
    assert child.jotai == JuminJotai.JUMIN
    assert kakutei_events(child.pk) == []
    # and the person may move out again later
    again = enter_tenshutsu(child, yotei=yotei + timedelta(days=1))
    assert Tenshutsu.objects.get(ido=again).status == TenshutsuStatus.YOTEI


def test_torikeshi_after_kakutei_brings_the_person_back(yamada):
    child = yamada[2]
    yotei = today() + timedelta(days=2)
    ido = enter_tenshutsu(child, yotei=yotei)
    tenshutsu_kakutei_due(today=yotei)
    cancel = _cancel(ido)
    child.refresh_from_db()
    assert child.jotai == JuminJotai.JUMIN and child.shojo_date is None
    assert Tenshutsu.objects.get(ido=ido).status == TenshutsuStatus.TORIKESHI
    event = DomainEvent.objects.get(name="juminkiroku.torikeshi", payload__ido_id=cancel.pk)
    assert event.payload["undoes"] == [
        "juminkiroku.tenshutsu_yotei",
        "juminkiroku.tenshutsu_kakutei",
    ]
    assert list(atena_search(SearchCriteria(name="山田　一郎"))) == [child]


def test_a_shojo_while_yotei_is_refused_at_entry(yamada):
    head = yamada[0]
    enter_tenshutsu(head, yotei=today() + timedelta(days=9))
    with pytest.raises(IdoError, match="転出予定の方です"):
        ido_enter(
            jiyu=IdoJiyu.TENSHUTSU,
            ido_date=today(),
            todoke_date=today(),
            changes=[PersonChange(head.pk, {"tenshutsu_saki_jusho": SAKI})],
            actor=actor_for("hayama-clerk"),
            setainushi_fuzai_ok=True,
        )
    assert Ido.objects.filter(status="kari").count() == 0


def test_a_shojo_while_yotei_is_refused_and_writes_nothing(yamada):
    head = yamada[0]
    shibo = ido_enter(
        jiyu=IdoJiyu.SHIBO,
        ido_date=today(),
        todoke_date=today(),
        changes=[PersonChange(head.pk, {})],
        actor=actor_for("hayama-clerk"),
        setainushi_fuzai_ok=True,
    )
    # a 予定 that appeared after the 仮登録 (entry refuses it already; this is the guard
    # of the 本登録 against a race): the 本登録 refuses the 消除
    other = household_tennyu("hayama")[0]
    Tenshutsu.objects.create(
        ido=other,
        atena=head,
        jiyu=IdoJiyu.TENSHUTSU,
        yotei_date=today() + timedelta(days=9),
        yotei_jusho=SAKI,
    )
    with pytest.raises(IdoError, match="転出予定の方"):
        approve(shibo, reviewer="hayama-shinsa")
    head.refresh_from_db()
    shibo.refresh_from_db()
    assert head.jotai == JuminJotai.JUMIN and shibo.status == "kari"


# --- 転入通知 ---------------------------------------------------------------------------


def _tsuchi(person: Atena, tennyu: date, **kw: Any) -> TennyuTsuchi:
    args: dict[str, Any] = {
        "atena_id": person.pk,
        "tennyu_date": tennyu,
        "tennyu_jusho": "東京都新宿区西新宿二丁目8番1号　都庁101",
        "tennyu_postal_code": "160-0023",
        "source": "paper",
        "received_on": today(),
        "actor": actor_for("hayama-clerk"),
    }
    args.update(kw)
    return receive_tennyu_tsuchi(**args)


def test_tsuchi_with_an_earlier_tennyu_date_makes_the_johyo_from_it(yamada):
    child = yamada[2]
    yotei = today() + timedelta(days=10)
    ido = enter_tenshutsu(child, yotei=yotei)
    tennyu = today() - timedelta(days=1)
    tsuchi = _tsuchi(child, tennyu)
    child.refresh_from_db()
    assert child.jotai == JuminJotai.TENSHUTSU and child.shojo_date == tennyu
    t = Tenshutsu.objects.get(ido=ido)
    # the 予定 items are kept; the 確定 ones stand beside them (4.1.3.1.1)
    assert (t.yotei_date, t.yotei_jusho) == (yotei, SAKI)
    assert (t.kakutei_tenshutsu_date, t.kakutei_postal_code, t.tsuchi_date) == (
        tennyu,
        "1600023",
        today(),
    )
    assert t.kakutei_jusho.endswith("都庁101")
    assert tsuchi.made_johyo and tsuchi.date_differs and tsuchi.tenshutsu_id == t.pk
    assert [e["shojo_date"] for e in kakutei_events(child.pk)] == [tennyu.isoformat()]
    assert tenshutsu_kakutei_due(today=yotei).done == []
    assert len(kakutei_events(child.pk)) == 1


def test_tsuchi_after_kakutei_records_and_keeps_the_johyo(yamada):
    child = yamada[2]
    ido = enter_tenshutsu(child, yotei=date(2026, 11, 1), todoke=date(2026, 10, 25))
    tsuchi = _tsuchi(child, date(2026, 11, 1), source="cs")
    child.refresh_from_db()
    assert child.shojo_date == date(2026, 11, 1)
    assert not tsuchi.made_johyo and not tsuchi.date_differs
    assert Tenshutsu.objects.get(ido=ido).tsuchi_date == today()
    with pytest.raises(TenshutsuError, match="既に受理"):
        _tsuchi(child, date(2026, 11, 1))
    assert TennyuTsuchi.objects.count() == 1


def test_tsuchi_after_kakutei_with_an_earlier_tennyu_date_moves_the_johyo(yamada):
    # 1.1.5: the earlier of the 転出予定日 and the 転入日 — the job ran first, the 通知
    # came after it with an earlier 転入日
    child = yamada[2]
    yotei = today() + timedelta(days=5)
    ido = enter_tenshutsu(child, yotei=yotei)
    tenshutsu_kakutei_due(today=yotei)
    tennyu = today() - timedelta(days=1)
    tsuchi = _tsuchi(child, tennyu, source="cs")
    assert tsuchi.shojo_corrected and not tsuchi.made_johyo and tsuchi.date_differs
    child.refresh_from_db()
    assert child.shojo_date == tennyu and child.jotai == JuminJotai.TENSHUTSU
    live = list(AtenaRireki.objects.filter(atena=child, superseded=False).order_by("valid_from"))
    assert [(v.valid_from, v.valid_to, v.jotai, v.shojo_date) for v in live] == [
        (date(2020, 4, 1), tennyu, JuminJotai.JUMIN, None),
        (tennyu, None, JuminJotai.TENSHUTSU, tennyu),
    ]
    assert AtenaRireki.objects.filter(atena=child, superseded=True).count() == 2
    assert [e["shojo_date"] for e in kakutei_events(child.pk)] == [
        yotei.isoformat(),
        tennyu.isoformat(),
    ]
    # and the 転出 can still be cancelled: the person is back as before
    _cancel(ido)
    child.refresh_from_db()
    assert child.jotai == JuminJotai.JUMIN and child.shojo_date is None
    live = list(AtenaRireki.objects.filter(atena=child, superseded=False))
    assert [(v.valid_from, v.valid_to) for v in live] == [(date(2020, 4, 1), None)]


def test_tsuchi_for_a_shokken_shojo_person_is_recorded(yamada):
    child = yamada[2]
    ido = ido_enter(
        jiyu=IdoJiyu.SHOKKEN_SHOJO,
        ido_date=date(2026, 9, 1),
        todoke_date=None,
        changes=[PersonChange(child.pk, {})],
        actor=actor_for("hayama-clerk"),
        setainushi_fuzai_ok=True,
    )
    approve(ido, reviewer="hayama-shinsa")
    tsuchi = _tsuchi(child, date(2026, 8, 20))
    assert tsuchi.tenshutsu_id is None and not tsuchi.made_johyo


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"tennyu_date_delta": 1}, "未来の日付"),
        ({"source": "fax"}, "受信元"),
        ({"tennyu_jusho": ""}, "転入先住所を入力"),
        ({"tennyu_jusho": "東京都\x00新宿区"}, "転入先住所"),
        ({"tennyu_postal_code": "12"}, "郵便番号"),
    ],
)
def test_bad_tsuchi_is_refused_and_writes_nothing(yamada, kw, message):
    child = yamada[2]
    enter_tenshutsu(child, yotei=today() + timedelta(days=3))
    delta = kw.pop("tennyu_date_delta", 0)
    with pytest.raises(TenshutsuError, match=message):
        _tsuchi(child, today() + timedelta(days=delta), **kw)
    child.refresh_from_db()
    assert child.jotai == JuminJotai.JUMIN
    assert TennyuTsuchi.objects.count() == 0
    assert Tenshutsu.objects.get(atena=child).tsuchi_date is None


def test_tsuchi_without_a_tenshutsu_is_refused(yamada):
    with pytest.raises(TenshutsuError, match="記録がありません"):
        _tsuchi(yamada[0], today())


# --- two towns ----------------------------------------------------------------------------


def test_other_town_neither_sees_nor_changes_the_tenshutsu(yamada, alpha, beta):
    child = yamada[2]
    yotei = today() + timedelta(days=2)
    enter_tenshutsu(child, yotei=yotei)
    connection.set_tenant(beta.municipality)
    # 寒川町's job finds nothing of 葉山町's, and a 転入通知 for its id finds nobody
    assert tenshutsu_kakutei_due(today=yotei).done == []
    with pytest.raises(TenshutsuError, match="見つかりません"):
        receive_tennyu_tsuchi(
            atena_id=child.pk,
            tennyu_date=today(),
            tennyu_jusho="東京都港区",
            tennyu_postal_code="",
            source="cs",
            received_on=today(),
            actor=actor_for("samukawa-clerk"),
        )
    assert Tenshutsu.objects.count() == 0 and TennyuTsuchi.objects.count() == 0
    connection.set_tenant(alpha.municipality)
    assert Tenshutsu.objects.get(atena=child).status == TenshutsuStatus.YOTEI


def test_the_member_left_behind_becomes_setainushi_at_the_kakutei(yamada):
    """標準仕様書 4.0.4 with 1.1.5: the 世帯主 and the child leave on a future 転出予定日; the
    wife stays a 世帯員 until then (no two 世帯主 while the 世帯主 is still a 住民) and is
    世帯主 from the 除票 date, with a 世帯主変更 event."""
    head, wife, child = yamada
    yotei = today() + timedelta(days=5)
    ido = ido_enter(
        jiyu=IdoJiyu.TENSHUTSU,
        ido_date=yotei,
        todoke_date=today(),
        changes=[
            PersonChange(head.pk, {"tenshutsu_saki_jusho": SAKI}),
            PersonChange(child.pk, {"tenshutsu_saki_jusho": SAKI}),
        ],
        actor=actor_for("hayama-clerk"),
    )
    assert ido.payload["setainushi_shokken"] == [wife.pk]
    approve(ido, reviewer="hayama-shinsa")
    wife.refresh_from_db()
    assert wife.zokugara == "02"
    assert not DomainEvent.objects.filter(name="juminkiroku.setainushi_henko").exists()
    tenshutsu_kakutei_due(today=yotei)
    wife.refresh_from_db()
    head.refresh_from_db()
    assert head.jotai == JuminJotai.TENSHUTSU and wife.zokugara == "01"
    assert wife.rireki.get(valid_to__isnull=True, superseded=False).valid_from == yotei
    (event,) = DomainEvent.objects.filter(name="juminkiroku.setainushi_henko")
    assert event.payload["atena_ids"] == [wife.pk]
