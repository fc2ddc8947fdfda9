"""異動: 仮登録 → 本登録 by a second clerk, history, as-of queries, 取消, locks."""

from __future__ import annotations

from datetime import date

import pytest

from juminkiroku.codes import IdoJiyu, IdoStatus, JuminJotai, Zokugara
from juminkiroku.models import Atena, AtenaRireki, Ido, IdoTarget, RenkeiChange
from juminkiroku.selectors.asof import household_on, population_on, resident_on, residents_on
from juminkiroku.services.ido import (
    IdoError,
    PersonChange,
    ido_approve,
    ido_bulk_approve,
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
    shibo_then_cancel,
    tenkyo,
    tenshutsu,
)
from tenants.accesslog.models import AccessLog
from tenants.atena_bango import is_valid_number
from tenants.events.models import DomainEvent

pytestmark = pytest.mark.django_db


def test_kari_is_invisible_until_hon(in_alpha):
    ido, _ = household_tennyu("hayama", members=family(), approve_it=False)
    assert ido.status == IdoStatus.KARI
    assert Atena.objects.count() == 0
    assert residents_on(date(2020, 4, 1)).count() == 0
    approve(ido, reviewer="hayama-shinsa")
    atenas = list(Atena.objects.order_by("setai_order"))
    assert len(atenas) == 3
    assert all(is_valid_number(a.atena_no) for a in atenas)
    setai = atenas[0].setai
    assert setai is not None and is_valid_number(setai.setai_no)
    assert {a.setai_id for a in atenas} == {atenas[0].setai_id}
    assert atenas[0].kana_key == "ヤマタタロ"  # 標準仕様書 2.1.2 fold
    assert population_on(date(2020, 4, 1)) == 3
    assert population_on(date(2020, 3, 31)) == 0
    ev = DomainEvent.objects.get(name="juminkiroku.tennyu")
    assert sorted(ev.payload["atena_ids"]) == sorted(a.pk for a in atenas)
    assert RenkeiChange.objects.count() == 3


def test_same_clerk_cannot_approve_and_viewer_cannot_either(in_alpha):
    ido, _ = household_tennyu("hayama", approve_it=False)
    with pytest.raises(IdoError, match="別の職員"):
        ido_approve(ido_id=ido.pk, actor=actor_for("hayama-clerk"))
    with pytest.raises(IdoError, match="権限"):
        ido_approve(ido_id=ido.pk, actor=actor_for("hayama-viewer"))
    assert Atena.objects.count() == 0


def test_as_of_around_moves_in_and_out(in_alpha):
    _, (head, wife, child) = household_tennyu("hayama", members=family(), ido_date=date(2020, 4, 1))
    # 転居 on 2023-06-10, 転出 of the child on 2024-12-20 (before 賦課期日 2025-01-01).
    tenkyo([head, wife, child], ido_date=date(2023, 6, 10), todoke_date=date(2023, 6, 12))
    tenshutsu(child, ido_date=date(2024, 12, 20), todoke_date=date(2024, 12, 10))

    before, after = resident_on(head.pk, date(2023, 6, 9)), resident_on(head.pk, date(2023, 6, 10))
    assert before is not None and before.jusho == "神奈川県三浦郡葉山町堀内"
    assert after is not None and after.jusho == "神奈川県三浦郡葉山町一色"
    assert resident_on(child.pk, date(2024, 12, 19)) is not None
    assert resident_on(child.pk, date(2024, 12, 20)) is None
    assert resident_on(child.pk, date(2025, 1, 1)) is None
    assert population_on(date(2025, 1, 1)) == 2
    assert head.setai_id is not None
    assert [r.atena_id for r in household_on(head.setai_id, date(2024, 1, 1))] == [
        head.pk,
        wife.pk,
        child.pk,
    ]
    child.refresh_from_db()
    assert child.jotai == JuminJotai.TENSHUTSU and child.is_johyo
    assert AtenaRireki.objects.filter(atena=head).count() == 2  # nothing overwritten


def test_one_pending_ido_per_person(in_alpha):
    _, (head,) = household_tennyu("hayama")
    ido_enter(
        jiyu=IdoJiyu.TENKYO,
        ido_date=date(2024, 1, 5),
        todoke_date=date(2024, 1, 5),
        changes=[PersonChange(head.pk, {"jusho": "葉山町一色"})],
        actor=actor_for("hayama-clerk"),
    )
    with pytest.raises(IdoError, match="異動入力中"):
        ido_enter(
            jiyu=IdoJiyu.SHOKKEN_SHUSEI,
            ido_date=date(2024, 1, 6),
            todoke_date=None,
            changes=[PersonChange(head.pk, {"katagaki": "101号室"})],
            actor=actor_for("hayama-shinsa"),
        )


def test_torikeshi_restores_previous_version(in_alpha):
    _, (head,) = household_tennyu("hayama")
    shibo = ido_enter(
        jiyu=IdoJiyu.SHIBO,
        ido_date=date(2024, 3, 3),
        todoke_date=date(2024, 3, 4),
        changes=[PersonChange(head.pk, {})],
        actor=actor_for("hayama-clerk"),
    )
    approve(shibo, reviewer="hayama-shinsa")
    head.refresh_from_db()
    assert head.jotai == JuminJotai.SHIBO
    cancel = ido_cancel_enter(
        cancels_id=shibo.pk,
        ido_date=date(2024, 3, 10),
        note="別人の死亡届",
        actor=actor_for("hayama-clerk"),
    )
    approve(cancel, reviewer="hayama-shinsa")
    head.refresh_from_db()
    assert head.jotai == JuminJotai.JUMIN
    assert resident_on(head.pk, date(2024, 5, 1)) is not None
    shibo.refresh_from_db()
    assert shibo.status == IdoStatus.TORIKESHI
    assert AtenaRireki.objects.filter(atena=head, superseded=True).count() == 2


def test_cancelling_a_tennyu_after_a_cancelled_shibo_undoes_it_for_everyone(in_alpha):
    # given: a household's 転入, then the child's 死亡 entered by mistake and cancelled
    tennyu, (head, wife, child) = household_tennyu("hayama", members=family())
    shibo_then_cancel(child)
    child.refresh_from_db()
    assert child.jotai == JuminJotai.JUMIN
    # when: the 転入 itself is cancelled (the household never moved in)
    cancel = ido_cancel_enter(
        cancels_id=tennyu.pk,
        ido_date=date(2024, 4, 1),
        note="他団体の住民の誤登録",
        actor=actor_for("hayama-clerk"),
    )
    approve(cancel, reviewer="hayama-shinsa")
    # then: nobody of the household is a resident, the child included, on any date
    assert sorted(IdoTarget.objects.filter(ido=cancel).values_list("atena_id", flat=True)) == (
        sorted([head.pk, wife.pk, child.pk])
    )
    for person in (head, wife, child):
        person.refresh_from_db()
        assert person.jotai == JuminJotai.JUTOGAI, person.pk
        assert resident_on(person.pk, date(2021, 1, 1)) is None
        assert resident_on(person.pk, date(2024, 5, 1)) is None
    # and the history keeps every version (nothing deleted)
    assert AtenaRireki.objects.filter(atena=child).count() == 3
    assert not AtenaRireki.objects.filter(atena=child, superseded=False).exists()


def test_the_migration_links_copies_written_before_the_column_existed(in_alpha):
    import importlib

    from django.db import connection as db

    # given: a cancelled 死亡 whose reopened copy has lost its link (as before 0004)
    _, (head,) = household_tennyu("hayama")
    cancel = shibo_then_cancel(head)
    copy = AtenaRireki.objects.get(atena=head, ido=cancel)
    reopened = copy.reopens_id
    assert reopened is not None
    AtenaRireki.objects.filter(pk=copy.pk).update(reopens=None)
    # when: the migration's back-fill runs in the town's schema
    backfill = importlib.import_module("juminkiroku.migrations.0004_atenarireki_reopens").BACKFILL
    with db.cursor() as cur:
        cur.execute(backfill)
    # then: the copy points at the version it reopened again, and at nothing else
    copy.refresh_from_db()
    assert copy.reopens_id == reopened
    assert AtenaRireki.objects.filter(reopens__isnull=False).count() == 1


def test_validation_messages_are_japanese_and_nothing_is_saved(in_alpha):
    bad = person_fields(shimei="", kojin_bango="123456789012", postal_code="12-34")
    with pytest.raises(IdoError) as exc:
        ido_enter(
            jiyu=IdoJiyu.TENNYU,
            ido_date=date(2024, 4, 1),
            todoke_date=date(2024, 4, 1),
            changes=[PersonChange(None, bad)],
            setai_mode="new",
            actor=actor_for("hayama-clerk"),
        )
    errors = exc.value.errors
    assert "persons.0.kojin_bango" in errors and "検査用数字" in errors["persons.0.kojin_bango"][0]
    assert "persons.0.postal_code" in errors
    assert "persons.0.shimei" in errors
    assert Ido.objects.count() == 0


def test_bulk_approve_has_a_limit(in_alpha, settings):
    settings.JC_IDO_BULK_LIMIT = 2
    idos = [
        household_tennyu("hayama", members=[person_fields(shimei=f"試験　{i}")], approve_it=False)[
            0
        ]
        for i in range(3)
    ]
    with pytest.raises(IdoError, match="2件まで"):
        ido_bulk_approve(ido_ids=[i.pk for i in idos], actor=actor_for("hayama-shinsa"))
    result = ido_bulk_approve(ido_ids=[i.pk for i in idos[:2]], actor=actor_for("hayama-shinsa"))
    assert len(result.approved) == 2 and not result.refused


def test_reject_frees_the_person(in_alpha):
    _, (head,) = household_tennyu("hayama")
    ido = ido_enter(
        jiyu=IdoJiyu.SETAINUSHI_HENKO,
        ido_date=date(2024, 1, 5),
        todoke_date=date(2024, 1, 5),
        changes=[PersonChange(head.pk, {"zokugara": Zokugara.HONNIN})],
        actor=actor_for("hayama-clerk"),
    )
    ido_reject(ido_id=ido.pk, reason="届出人の確認不足", actor=actor_for("hayama-shinsa"))
    ido_enter(
        jiyu=IdoJiyu.SHOKKEN_SHUSEI,
        ido_date=date(2024, 1, 6),
        todoke_date=None,
        changes=[PersonChange(head.pk, {"katagaki": "101号室"})],
        actor=actor_for("hayama-clerk"),
    )


def test_walls_registry_of_one_town_is_not_in_the_other(alpha, beta):
    from tenants.db import connection

    connection.set_tenant(alpha.municipality)
    household_tennyu("hayama", members=family())
    assert Atena.objects.count() == 3
    assert AccessLog.objects.filter(gyomu="juminkiroku").count() >= 2
    connection.set_tenant(beta.municipality)
    assert Atena.objects.count() == 0
    assert population_on(date(2024, 1, 1)) == 0
    # samukawa's reviewer cannot approve hayama's 仮登録 even by id.
    connection.set_tenant(alpha.municipality)
    ido, _ = household_tennyu("hayama", approve_it=False)
    connection.set_tenant(beta.municipality)
    with pytest.raises(Ido.DoesNotExist):
        ido_approve(ido_id=ido.pk, actor=actor_for("samukawa-shinsa"))
