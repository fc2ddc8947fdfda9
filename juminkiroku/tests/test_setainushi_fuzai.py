"""世帯主 (標準仕様書 1.1.10) and 世帯主不在となる場合 (4.0.4)."""

from __future__ import annotations

from datetime import date

import pytest

from juminkiroku import events
from juminkiroku.codes import IdoJiyu, JuminJotai, Zokugara
from juminkiroku.models import Atena, Ido, RenkeiChange
from juminkiroku.public import household_on
from juminkiroku.selectors.setainushi import setainushi_fuzai
from juminkiroku.services.ido import IdoError, PersonChange, ido_cancel_enter, ido_enter
from juminkiroku.tests.factories import actor_for, approve, family, household_tennyu
from tenants.db import connection
from tenants.events.models import DomainEvent

pytestmark = pytest.mark.django_db

D = date(2024, 6, 1)


def shibo(atena: Atena, *, ok: bool = False, town: str = "hayama") -> Ido:
    return ido_enter(
        jiyu=IdoJiyu.SHIBO,
        ido_date=D,
        todoke_date=D,
        changes=[PersonChange(atena.pk, {})],
        setainushi_fuzai_ok=ok,
        actor=actor_for(f"{town}-clerk"),
    )


def test_one_member_left_becomes_setainushi_in_the_same_ido(in_alpha):
    _, (head, wife) = household_tennyu("hayama", members=family()[:2])
    ido = shibo(head)
    assert ido.payload["setainushi_shokken"] == [wife.pk]
    assert ido.targets.count() == 2  # the wife is locked by the 仮登録 too
    approve(ido, reviewer="hayama-shinsa")
    wife.refresh_from_db()
    assert wife.zokugara == Zokugara.HONNIN and wife.jotai == JuminJotai.JUMIN
    names = list(
        DomainEvent.objects.filter(payload__ido_id=ido.pk)
        .order_by("id")
        .values_list("name", flat=True)
    )
    assert names == [events.SHIBO.name, events.SETAINUSHI_HENKO.name]
    ev = DomainEvent.objects.get(name=events.SETAINUSHI_HENKO.name, payload__ido_id=ido.pk)
    assert ev.payload["after_setainushi_ids"] == [wife.pk]
    assert ev.payload["before_setainushi_ids"] == []
    assert RenkeiChange.objects.filter(ido=ido).count() == 2
    assert setainushi_fuzai() == []
    # Its 取消 restores both: the head alive and head, the wife 妻 again.
    cancel = ido_cancel_enter(
        cancels_id=ido.pk, ido_date=D, note="別人の死亡届", actor=actor_for("hayama-clerk")
    )
    approve(cancel, reviewer="hayama-shinsa")
    wife.refresh_from_db()
    head.refresh_from_db()
    assert (head.zokugara, head.jotai, wife.zokugara) == (
        Zokugara.HONNIN,
        JuminJotai.JUMIN,
        Zokugara.TSUMA,
    )
    ev = DomainEvent.objects.get(name=events.TORIKESHI.name, payload__ido_id=cancel.pk)
    assert events.SETAINUSHI_HENKO.name in ev.payload["undoes"]


def test_two_or_more_left_alert_then_setainushi_fuzai_allowed(in_alpha):
    _, (head, wife, child) = household_tennyu("hayama", members=family())
    with pytest.raises(IdoError) as exc:
        shibo(head)
    assert "setainushi_fuzai" in exc.value.errors
    assert "世帯主変更" in str(exc.value)
    assert Ido.objects.filter(jiyu=IdoJiyu.SHIBO).count() == 0
    ido = approve(shibo(head, ok=True), reviewer="hayama-shinsa")
    assert ido.payload["setainushi_fuzai"] == [head.setai_id]
    (fuzai,) = setainushi_fuzai()
    assert fuzai.setai_id == head.setai_id
    assert fuzai.member_ids == (wife.pk, child.pk)
    assert (fuzai.ido_id, fuzai.ido_date) == (ido.pk, D)
    # 1.1.10: the household still reaches other systems, with no 世帯主.
    rows = household_on(head.setai_id, D)
    assert sorted(r.atena_id for r in rows) == sorted([wife.pk, child.pk])
    assert not any(r.is_setainushi for r in rows)
    # Others of the household can still have their 異動 (4.0.4).
    tenkyo = ido_enter(
        jiyu=IdoJiyu.TENKYO,
        ido_date=D,
        todoke_date=D,
        changes=[PersonChange(child.pk, {"jusho": "神奈川県三浦郡葉山町一色"})],
        actor=actor_for("hayama-clerk"),
    )
    approve(tenkyo, reviewer="hayama-shinsa")
    # A 世帯主変更 ends it.
    approve(
        ido_enter(
            jiyu=IdoJiyu.SETAINUSHI_HENKO,
            ido_date=D,
            todoke_date=D,
            changes=[PersonChange(wife.pk, {"zokugara": Zokugara.HONNIN})],
            actor=actor_for("hayama-clerk"),
        ),
        reviewer="hayama-shinsa",
    )
    assert setainushi_fuzai() == []


def test_walls_setainushi_fuzai_is_per_town(alpha, beta):
    connection.set_tenant(alpha.municipality)
    _, (head, _, _) = household_tennyu("hayama", members=family())
    approve(shibo(head, ok=True), reviewer="hayama-shinsa")
    assert len(setainushi_fuzai()) == 1
    connection.set_tenant(beta.municipality)
    assert setainushi_fuzai() == []
    with pytest.raises(IdoError, match="見つかりません"):
        shibo(head, ok=True, town="samukawa")


def test_a_household_never_gets_two_setainushi(alpha, beta):
    from juminkiroku.tests.factories import person_fields

    connection.set_tenant(alpha.municipality)
    _, (head, wife, child) = household_tennyu("hayama", members=family())

    def henko(changes: list[PersonChange]) -> Ido:
        return ido_enter(
            jiyu=IdoJiyu.SETAINUSHI_HENKO,
            ido_date=D,
            todoke_date=D,
            changes=changes,
            actor=actor_for("hayama-clerk"),
        )

    with pytest.raises(IdoError, match="世帯主が2人"):
        henko([PersonChange(wife.pk, {"zokugara": Zokugara.HONNIN})])
    # a new person entering the household as 世帯主 is refused the same way
    with pytest.raises(IdoError, match="世帯主が2人"):
        ido_enter(
            jiyu=IdoJiyu.TENNYU,
            ido_date=D,
            todoke_date=D,
            changes=[
                PersonChange(None, person_fields(shimei="別人　一", shimei_kana="ベツジン　ハジメ"))
            ],
            setai_mode="existing",
            setai_id=head.setai_id,
            actor=actor_for("hayama-clerk"),
        )
    assert Ido.objects.count() == 1  # the 転入 of the family only
    approve(
        henko(
            [
                PersonChange(head.pk, {"zokugara": Zokugara.OTTO}),
                PersonChange(wife.pk, {"zokugara": Zokugara.HONNIN}),
            ]
        ),
        reviewer="hayama-shinsa",
    )
    wife.refresh_from_db()
    assert wife.zokugara == Zokugara.HONNIN
    connection.set_tenant(beta.municipality)
    with pytest.raises(IdoError, match="見つかりません"):
        ido_enter(
            jiyu=IdoJiyu.SETAINUSHI_HENKO,
            ido_date=D,
            todoke_date=D,
            changes=[PersonChange(child.pk, {"zokugara": Zokugara.HONNIN})],
            actor=actor_for("samukawa-clerk"),
        )
