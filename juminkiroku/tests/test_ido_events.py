"""Each 本登録 publishes, once and through the outbox, the event of its kind of 異動."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from juminkiroku import events
from juminkiroku.codes import IdoJiyu, Sex, Zokugara
from juminkiroku.models import Atena, Ido
from juminkiroku.services.ido import (
    IdoError,
    PersonChange,
    ido_approve,
    ido_cancel_enter,
    ido_enter,
    ido_reject,
)
from juminkiroku.tests.factories import (
    actor_for,
    approve,
    family,
    household_tennyu,
    person_fields,
    tenkyo,
    tenshutsu,
)
from tenants.db import connection
from tenants.events.contracts import ReceivedEvent
from tenants.events.models import Delivery, DomainEvent
from tenants.events.registry import subscribe, subscriber_id, unsubscribe

pytestmark = pytest.mark.django_db

D = date(2025, 5, 10)
DS = D.isoformat()


def published(ido: Ido) -> list[tuple[str, dict[str, Any]]]:
    rows = DomainEvent.objects.filter(payload__ido_id=ido.pk).order_by("id")
    return [(e.name, e.payload) for e in rows]


def enter_approve(
    jiyu: str,
    changes: list[PersonChange],
    *,
    setai_mode: str = "keep",
    setai_id: int | None = None,
    todoke_date: date | None = D,
) -> Ido:
    ido = ido_enter(
        jiyu=jiyu,
        ido_date=D,
        todoke_date=todoke_date,
        changes=changes,
        setai_mode=setai_mode,
        setai_id=setai_id,
        actor=actor_for("hayama-clerk"),
    )
    return approve(ido, reviewer="hayama-shinsa")


def common(ido: Ido, atena_ids: list[int], *, todoke: str | None = DS) -> dict[str, Any]:
    return {
        "ido_id": ido.pk,
        "jiyu": ido.jiyu,
        "ido_date": ido.ido_date.isoformat(),
        "todoke_date": todoke,
        "atena_ids": atena_ids,
    }


@pytest.fixture
def yamada(in_alpha) -> list[Atena]:
    _, atenas = household_tennyu("hayama", members=family())
    return atenas


def new_person(atena_ids_before: set[int]) -> Atena:
    return Atena.objects.exclude(pk__in=atena_ids_before).get()


# --- 記載 -----------------------------------------------------------------------------


def test_tennyu_publishes_tennyu_once(in_alpha):
    # given / when
    ido, (head, wife, child) = household_tennyu("hayama", members=family())
    # then
    assert published(ido) == [
        (
            "juminkiroku.tennyu",
            {
                **common(ido, [head.pk, wife.pk, child.pk], todoke="2020-04-01"),
                "setai_id": head.setai_id,
            },
        )
    ]
    # and: a second 本登録 of the same 異動 is refused and publishes nothing more
    with pytest.raises(IdoError):
        approve(ido, reviewer="hayama-shinsa")
    assert len(published(ido)) == 1


@pytest.mark.parametrize(
    ("jiyu", "name"),
    [
        (IdoJiyu.KOKUGAI_TENNYU, "juminkiroku.kokugai_tennyu"),
        (IdoJiyu.SHOKKEN_KISAI, "juminkiroku.shokken_kisai"),
    ],
)
def test_kokugai_tennyu_and_shokken_kisai(in_alpha, jiyu, name):
    fields = person_fields(shimei="鈴木　一", shimei_kana="スズキ　ハジメ")
    ido = enter_approve(jiyu, [PersonChange(None, fields)], setai_mode="new")
    person = Atena.objects.get()
    ido.refresh_from_db()
    assert published(ido) == [(name, {**common(ido, [person.pk]), "setai_id": ido.setai_id})]
    assert person.setai_id == ido.setai_id


def test_shussei_into_the_parents_household(yamada):
    head = yamada[0]
    fields = person_fields(
        shimei="山田　二郎", shimei_kana="ヤマダ　ジロウ", birth_date=DS, zokugara=Zokugara.KO
    )
    ido = enter_approve(
        IdoJiyu.SHUSSEI,
        [PersonChange(None, {**fields, "setai_order": 4})],
        setai_mode="existing",
        setai_id=head.setai_id,
    )
    baby = new_person({a.pk for a in yamada})
    assert published(ido) == [
        ("juminkiroku.shussei", {**common(ido, [baby.pk]), "setai_id": head.setai_id})
    ]


# --- 消除 -----------------------------------------------------------------------------


def test_tenshutsu_publishes_tenshutsu_yotei(yamada):
    # A 転出 whose 予定日 has passed is a 除票 at once: 予定 then 確定 (標準仕様書 1.1.5).
    child = yamada[2]
    ido = tenshutsu(child, ido_date=D, todoke_date=date(2025, 5, 1))
    assert published(ido) == [
        (
            "juminkiroku.tenshutsu_yotei",
            {**common(ido, [child.pk], todoke="2025-05-01"), "setai_ids": [child.setai_id]},
        ),
        (
            "juminkiroku.tenshutsu_kakutei",
            {
                "ido_id": ido.pk,
                "jiyu": "S01",
                "shojo_date": DS,
                "yotei_date": DS,
                "atena_ids": [child.pk],
                "setai_ids": [child.setai_id],
            },
        ),
    ]


@pytest.mark.parametrize(
    ("jiyu", "name", "fields"),
    [
        (
            IdoJiyu.KOKUGAI_TENSHUTSU,
            "juminkiroku.kokugai_tenshutsu",
            {"tenshutsu_saki_jusho": "アメリカ合衆国"},
        ),
        (IdoJiyu.SHIBO, "juminkiroku.shibo", {}),
        (IdoJiyu.SHOKKEN_SHOJO, "juminkiroku.shokken_shojo", {}),
    ],
)
def test_shojo_publishes_its_event(yamada, jiyu, name, fields):
    # The wife: the 世帯主's leaving has its own rule (4.0.4, test_setainushi_fuzai.py).
    wife = yamada[1]
    ido = enter_approve(jiyu, [PersonChange(wife.pk, fields)])
    assert published(ido)[0] == (name, {**common(ido, [wife.pk]), "setai_ids": [wife.setai_id]})
    # A 国外転出 dated in the past is a 除票 at once: its 転出確定 follows.
    kakutei = [n for n, _ in published(ido)[1:]]
    assert kakutei == (
        ["juminkiroku.tenshutsu_kakutei"] if jiyu == IdoJiyu.KOKUGAI_TENSHUTSU else []
    )


# --- 修正 -----------------------------------------------------------------------------


def test_tenkyo_keeps_the_household(yamada):
    ido = tenkyo(yamada, ido_date=D, todoke_date=D)
    setai = [yamada[0].setai_id]
    assert published(ido) == [
        (
            "juminkiroku.tenkyo",
            {
                **common(ido, [a.pk for a in yamada]),
                "before_setai_ids": setai,
                "after_setai_ids": setai,
            },
        )
    ]


def test_setai_bunri_names_the_new_household(yamada):
    child = yamada[2]
    ido = enter_approve(
        IdoJiyu.SETAI_BUNRI,
        [PersonChange(child.pk, {"zokugara": Zokugara.HONNIN, "setai_order": 1})],
        setai_mode="new",
    )
    ido.refresh_from_db()
    assert ido.setai_id not in (None, child.setai_id)
    assert published(ido) == [
        (
            "juminkiroku.setai_bunri",
            {
                **common(ido, [child.pk]),
                "before_setai_ids": [child.setai_id],
                "after_setai_ids": [ido.setai_id],
            },
        )
    ]


@pytest.mark.parametrize(
    ("jiyu", "name"),
    [
        (IdoJiyu.SETAI_GAPPEI, "juminkiroku.setai_gappei"),
        (IdoJiyu.SETAI_HENKO, "juminkiroku.setai_henko"),
    ],
)
def test_setai_gappei_and_henko_name_both_households(yamada, jiyu, name):
    _, (sato,) = household_tennyu("hayama", members=[person_fields(shimei="佐藤　健")])
    target = yamada[0].setai_id
    ido = enter_approve(
        jiyu,
        [PersonChange(sato.pk, {"zokugara": Zokugara.DOKYONIN, "setai_order": 4})],
        setai_mode="existing",
        setai_id=target,
    )
    assert published(ido) == [
        (
            name,
            {
                **common(ido, [sato.pk]),
                "before_setai_ids": [sato.setai_id],
                "after_setai_ids": [target],
            },
        )
    ]


def test_setainushi_henko_names_the_old_and_new_head(yamada):
    head, wife, _ = yamada
    ido = enter_approve(
        IdoJiyu.SETAINUSHI_HENKO,
        [
            PersonChange(head.pk, {"zokugara": Zokugara.OTTO, "setai_order": 2}),
            PersonChange(wife.pk, {"zokugara": Zokugara.HONNIN, "setai_order": 1}),
        ],
    )
    assert published(ido) == [
        (
            "juminkiroku.setainushi_henko",
            {
                **common(ido, [head.pk, wife.pk]),
                "setai_ids": [head.setai_id],
                "before_setainushi_ids": [head.pk],
                "after_setainushi_ids": [wife.pk],
            },
        )
    ]


def test_shokken_shusei_of_name_and_birth_date(yamada):
    head = yamada[0]
    ido = enter_approve(
        IdoJiyu.SHOKKEN_SHUSEI,
        [
            PersonChange(
                head.pk,
                {
                    "shimei": "山田　太朗",
                    "shimei_kana": "ヤマダ　タロウ",  # unchanged
                    "birth_date": "1980-05-06",
                },
            )
        ],
        todoke_date=None,
    )
    base = common(ido, [head.pk], todoke=None)
    assert published(ido) == [
        ("juminkiroku.kisai_shusei", {**base, "items": ["birth_date", "shimei"]}),
        ("juminkiroku.shimei_henko", base),
        ("juminkiroku.seinengappi_henko", base),
    ]


def test_goki_shusei_of_sex_and_kyuji_tsusho(yamada):
    _, wife, child = yamada
    goki = enter_approve(IdoJiyu.GOKI_SHUSEI, [PersonChange(child.pk, {"sex": Sex.FEMALE})])
    kyuji = enter_approve(
        IdoJiyu.KYUJI_TSUSHO,
        [PersonChange(wife.pk, {"kyuuji": "佐藤", "kyuuji_kana": "サトウ"})],
    )
    assert published(goki) == [
        ("juminkiroku.kisai_shusei", {**common(goki, [child.pk]), "items": ["sex"]}),
        ("juminkiroku.seibetsu_henko", common(goki, [child.pk])),
    ]
    assert published(kyuji) == [
        (
            "juminkiroku.kisai_shusei",
            {**common(kyuji, [wife.pk]), "items": ["kyuuji", "kyuuji_kana"]},
        )
    ]


# --- 取消 -----------------------------------------------------------------------------


def cancel(target: Ido) -> Ido:
    ido = ido_cancel_enter(
        cancels_id=target.pk, ido_date=D, note="入力誤り", actor=actor_for("hayama-clerk")
    )
    return approve(ido, reviewer="hayama-shinsa")


def test_torikeshi_names_what_it_undoes(yamada):
    # given: a 職権修正 that published three events
    head = yamada[0]
    shusei = enter_approve(
        IdoJiyu.SHOKKEN_SHUSEI,
        [PersonChange(head.pk, {"shimei": "山田　太朗", "birth_date": "1980-05-06"})],
    )
    # when
    ido = cancel(shusei)
    # then: one event, naming the cancelled 異動 and every event it had published
    assert published(ido) == [
        (
            "juminkiroku.torikeshi",
            {
                "ido_id": ido.pk,
                "jiyu": IdoJiyu.TORIKESHI,
                "ido_date": DS,
                "atena_ids": [head.pk],
                "cancelled_ido_id": shusei.pk,
                "cancelled_jiyu": IdoJiyu.SHOKKEN_SHUSEI,
                "undoes": [
                    "juminkiroku.kisai_shusei",
                    "juminkiroku.shimei_henko",
                    "juminkiroku.seinengappi_henko",
                ],
            },
        )
    ]
    assert [name for name, _ in published(shusei)] == published(ido)[0][1]["undoes"]
    assert DomainEvent.objects.filter(payload__cancelled_ido_id=shusei.pk).count() == 1


def test_torikeshi_of_a_shibo_and_of_a_tennyu(in_alpha):
    tennyu, atenas = household_tennyu("hayama", members=family())
    _, others = household_tennyu("hayama", members=[person_fields(shimei="佐藤　健")])
    shibo = enter_approve(IdoJiyu.SHIBO, [PersonChange(others[0].pk, {})])
    undo_shibo = cancel(shibo)
    undo_tennyu = cancel(tennyu)
    assert published(undo_shibo)[0][1]["undoes"] == ["juminkiroku.shibo"]
    assert published(undo_shibo)[0][1]["atena_ids"] == [others[0].pk]
    assert published(undo_tennyu)[0][1]["undoes"] == ["juminkiroku.tennyu"]
    assert published(undo_tennyu)[0][1]["atena_ids"] == [a.pk for a in atenas]


# --- what publishes nothing, and the contract as a whole ----------------------------------


def test_kari_and_rejected_publish_nothing(yamada):
    before = DomainEvent.objects.count()
    ido = ido_enter(
        jiyu=IdoJiyu.SHIBO,
        ido_date=D,
        todoke_date=D,
        changes=[PersonChange(yamada[1].pk, {})],
        actor=actor_for("hayama-clerk"),
    )
    with pytest.raises(IdoError):
        ido_approve(ido_id=ido.pk, actor=actor_for("hayama-clerk"))  # the author
    ido_reject(ido_id=ido.pk, reason="届出の誤り", actor=actor_for("hayama-shinsa"))
    assert DomainEvent.objects.count() == before


def test_every_ido_jiyu_has_its_event_and_payloads_hold_no_personal_data(yamada):
    assert set(events.EVENT_OF_JIYU) == set(IdoJiyu.values)
    wife = yamada[1]
    tenkyo(yamada, ido_date=D, todoke_date=D)
    enter_approve(IdoJiyu.SHOKKEN_SHUSEI, [PersonChange(wife.pk, {"shimei": "山田　華子"})])
    texts = [str(e.payload) for e in DomainEvent.objects.all()]
    assert len(texts) == 4  # 転入, 転居, 職権修正 (記載修正) and its 氏名の変更
    for person in Atena.objects.all():
        for value in (person.shimei, person.shimei_kana, person.jusho, person.banchi):
            assert not any(value in text for text in texts)


def test_a_subscriber_sees_only_its_own_towns_events(
    alpha, beta, django_capture_on_commit_callbacks
):
    seen: list[tuple[str, int, tuple[int, ...]]] = []

    def on_tennyu(event: ReceivedEvent[events.KisaiPayload]) -> None:
        seen.append((connection.schema_name, event.payload.ido_id, event.payload.atena_ids))

    subscribe(events.TENNYU)(on_tennyu)
    try:
        # given: two 転入 in 葉山町, one in 寒川町, each delivered after commit
        connection.set_tenant(alpha.municipality)
        with django_capture_on_commit_callbacks(execute=True):
            household_tennyu("hayama")
            ido_a, (person_a,) = household_tennyu("hayama", members=[person_fields()])
        connection.set_tenant(beta.municipality)
        with django_capture_on_commit_callbacks(execute=True):
            ido_b, (person_b,) = household_tennyu("samukawa")
        # then: 寒川町's outbox and deliveries hold its own event only
        beta_events = list(DomainEvent.objects.values_list("name", "payload__ido_id"))
        # (other modules subscribe to 転入 too: this probe's deliveries)
        beta_deliveries = list(
            Delivery.objects.filter(subscriber=subscriber_id(on_tennyu)).values_list(
                "event__payload__ido_id", flat=True
            )
        )
    finally:
        unsubscribe(events.TENNYU, on_tennyu)
        connection.set_schema_to_public()
    assert ido_a.pk != ido_b.pk
    assert beta_events == [("juminkiroku.tennyu", ido_b.pk)]
    assert beta_deliveries == [ido_b.pk]
    assert seen[1:] == [
        (alpha.schema, ido_a.pk, (person_a.pk,)),
        (beta.schema, ido_b.pk, (person_b.pk,)),
    ]


@pytest.mark.parametrize("jiyu", [IdoJiyu.SETAI_GAPPEI, IdoJiyu.SETAI_HENKO])
def test_setai_gappei_and_henko_refuse_an_address_change(yamada, jiyu):
    """標準仕様書 4.1.4.1【実装しない機能】: a 世帯合併 or 世帯変更 carries no address change
    (on the screen or through the API): a move is a 転居, entered first."""
    from juminkiroku.services.ido import IdoError, ido_enter
    from juminkiroku.tests.factories import actor_for

    _, (sato,) = household_tennyu("hayama", members=[person_fields(shimei="佐藤　健")])
    with pytest.raises(IdoError) as refused:
        ido_enter(
            jiyu=jiyu,
            ido_date=date(2025, 5, 1),
            todoke_date=date(2025, 5, 1),
            changes=[
                PersonChange(
                    sato.pk,
                    {"zokugara": Zokugara.DOKYONIN, "jusho": "神奈川県三浦郡葉山町一色"},
                )
            ],
            setai_mode="existing",
            setai_id=yamada[0].setai_id,
            actor=actor_for("hayama-clerk"),
        )
    assert "住所を変更できません" in str(refused.value.errors)
