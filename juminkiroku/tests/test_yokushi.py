"""抑止 and 支援措置: separate grants, error vs alert, temporary unlock that ends by itself."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from juminkiroku.codes import IdoJiyu, YokushiLevel, YokushiProcess
from juminkiroku.grants import Kengen
from juminkiroku.models import Ido
from juminkiroku.selectors.yokushi import shien_in_last_month, yokushi_blocking
from juminkiroku.services.ido import IdoError, PersonChange, ido_enter
from juminkiroku.services.yokushi import (
    YokushiError,
    shien_sochi_extend,
    shien_sochi_register,
    yokushi_release,
    yokushi_set,
    yokushi_temp_unlock,
)
from juminkiroku.tests.factories import actor_for, household_tennyu
from tenants.grants.services import grant_give

pytestmark = pytest.mark.django_db


def _tenkyo(atena_id: int, **kw):
    return ido_enter(
        jiyu=IdoJiyu.TENKYO,
        ido_date=date(2024, 2, 1),
        todoke_date=date(2024, 2, 1),
        changes=[PersonChange(atena_id, {"jusho": "神奈川県三浦郡葉山町一色"})],
        actor=actor_for("hayama-clerk"),
        **kw,
    )


def test_error_lock_refuses_ido_and_temp_unlock_expires(in_alpha):
    _, (head,) = household_tennyu("hayama")
    y = yokushi_set(
        process=YokushiProcess.IDO,
        level=YokushiLevel.ERROR,
        reason="住所調査中",
        start_date=date(2024, 1, 1),
        end_date=None,
        atena_id=head.pk,
        actor=actor_for("hayama-shinsa"),
    )
    with pytest.raises(IdoError, match="異動抑止"):
        _tenkyo(head.pk)
    assert Ido.objects.filter(jiyu=IdoJiyu.TENKYO).count() == 0
    yokushi_temp_unlock(yokushi_id=y.pk, actor=actor_for("hayama-shinsa"), minutes=30)
    assert yokushi_blocking(atena_ids=[head.pk], setai_ids=[], process=YokushiProcess.IDO) == []
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert len(yokushi_blocking(atena_ids=[head.pk], setai_ids=[], process="ido")) == 1
    _tenkyo(head.pk)  # within the 30 minutes


def test_alert_needs_acknowledgement(in_alpha):
    _, (head,) = household_tennyu("hayama")
    y = yokushi_set(
        process=YokushiProcess.IDO,
        level=YokushiLevel.ALERT,
        reason="転出予定の申出あり",
        start_date=date(2024, 1, 1),
        end_date=None,
        setai_id=head.setai_id,
        actor=actor_for("hayama-shinsa"),
    )
    with pytest.raises(IdoError, match="アラート"):
        _tenkyo(head.pk)
    ido = _tenkyo(head.pk, acknowledged_alerts=[y.pk])
    assert ido.payload["acknowledged_alerts"] == [y.pk]


def test_lock_unlock_and_temp_unlock_are_separate_grants(in_alpha):
    _, (head,) = household_tennyu("hayama")
    clerk = actor_for("hayama-clerk")
    with pytest.raises(YokushiError, match="抑止の設定"):
        yokushi_set(
            process="hakko", level="error", reason="x", start_date=date(2024, 1, 1),
            end_date=None, atena_id=head.pk, actor=clerk,
        )  # fmt: skip
    assert clerk.user_id is not None
    grant_give(user_id=clerk.user_id, code=Kengen.YOKUSHI_LOCK, actor=clerk)
    y = yokushi_set(
        process="hakko", level="error", reason="x", start_date=date(2024, 1, 1),
        end_date=None, atena_id=head.pk, actor=clerk,
    )  # fmt: skip
    with pytest.raises(YokushiError, match="一時解除"):
        yokushi_temp_unlock(yokushi_id=y.pk, actor=clerk)
    with pytest.raises(YokushiError, match="解除"):
        yokushi_release(yokushi_id=y.pk, actor=clerk)
    yokushi_release(yokushi_id=y.pk, actor=actor_for("hayama-shinsa"))
    assert yokushi_blocking(atena_ids=[head.pk], setai_ids=[], process="hakko") == []


def test_shien_sochi_one_year_extension_window_and_alert(in_alpha):
    _, (head,) = household_tennyu("hayama")
    shinsa = actor_for("hayama-shinsa")
    result = shien_sochi_register(
        atena_id=head.pk, start_date=date(2024, 3, 1), moshide_date=date(2024, 3, 1),
        note="", actor=shinsa,
    )  # fmt: skip
    assert result.shien.end_date == date(2025, 2, 28)
    assert {(y.process, y.level) for y in result.yokushi} == {
        ("hakko", "error"),
        ("shokai", "alert"),
    }
    # 3.2: the 支援措置's locks reach the other systems as one event, marked as such
    from tenants.events.models import DomainEvent

    (settei,) = DomainEvent.objects.filter(name="juminkiroku.yokushi_settei")
    assert settei.payload["shien_sochi"] is True
    assert settei.payload["processes"] == ["hakko", "shokai"]
    with pytest.raises(YokushiError, match="1か月前"):
        shien_sochi_extend(
            shien_id=result.shien.pk, moshide_date=date(2025, 1, 20), actor=shinsa,
            today=date(2025, 1, 20),
        )  # fmt: skip
    assert shien_in_last_month(date(2025, 1, 20)) == []
    assert shien_in_last_month(date(2025, 2, 1)) == [result.shien]
    ext = shien_sochi_extend(
        shien_id=result.shien.pk, moshide_date=date(2025, 2, 1), actor=shinsa,
        today=date(2025, 2, 1),
    )  # fmt: skip
    assert (ext.shien.start_date, ext.shien.end_date) == (date(2025, 3, 1), date(2026, 2, 28))
    assert shien_in_last_month(date(2025, 2, 1)) == []


def test_walls_a_lock_in_one_town_does_not_exist_in_the_other(alpha, beta):
    from tenants.db import connection

    connection.set_tenant(alpha.municipality)
    _, (head,) = household_tennyu("hayama")
    yokushi_set(
        process="ido", level="error", reason="x", start_date=date(2024, 1, 1), end_date=None,
        atena_id=head.pk, actor=actor_for("hayama-shinsa"),
    )  # fmt: skip
    connection.set_tenant(beta.municipality)
    with pytest.raises(YokushiError, match="見つかりません"):
        yokushi_set(
            process="ido", level="error", reason="x", start_date=date(2024, 1, 1),
            end_date=None, atena_id=head.pk, actor=actor_for("samukawa-shinsa"),
        )  # fmt: skip
    assert yokushi_blocking(atena_ids=[head.pk], setai_ids=[], process="ido") == []


def test_3_2_setting_and_lifting_a_lock_reach_other_systems_as_events(alpha, beta):
    """標準仕様書 3.2: 抑止 set and lifted go to the 宛名システム and the other modules as
    domain events (ids and codes only, no reason text); a 一時解除 does not (3.1); the
    events stay in the town that set the lock."""
    from tenants.db import connection
    from tenants.events.models import DomainEvent

    connection.set_tenant(alpha.municipality)
    _, (head,) = household_tennyu("hayama")
    y = yokushi_set(
        process=YokushiProcess.HAKKO,
        level=YokushiLevel.ERROR,
        reason="住所調査中",
        start_date=date(2024, 1, 1),
        end_date=None,
        atena_id=head.pk,
        actor=actor_for("hayama-shinsa"),
    )
    (settei,) = DomainEvent.objects.filter(name="juminkiroku.yokushi_settei")
    assert settei.payload["yokushi_ids"] == [y.pk] and settei.payload["atena_ids"] == [head.pk]
    assert settei.payload["processes"] == ["hakko"] and settei.payload["shien_sochi"] is False
    assert "住所調査中" not in str(settei.payload)
    yokushi_temp_unlock(yokushi_id=y.pk, actor=actor_for("hayama-shinsa"), minutes=30)
    assert not DomainEvent.objects.filter(name="juminkiroku.yokushi_kaijo").exists()
    yokushi_release(yokushi_id=y.pk, actor=actor_for("hayama-shinsa"))
    (kaijo,) = DomainEvent.objects.filter(name="juminkiroku.yokushi_kaijo")
    assert kaijo.payload["yokushi_ids"] == [y.pk]
    connection.set_tenant(beta.municipality)
    assert not DomainEvent.objects.filter(name__startswith="juminkiroku.yokushi_").exists()
