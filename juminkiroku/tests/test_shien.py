"""支援措置 to the standard (標準仕様書 1.1.16, 3.1, 3.4): 併せて支援を求める者, 加害者,
仮支援措置, 終了日の修正, 終了 by a clerk, locks that never lapse by date, the switch to
仮支援措置 on 転出, and the walls between towns."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from juminkiroku.codes import Seikyusha, ShienEndReason, ShomeiKind, YokushiLevel, YokushiProcess
from juminkiroku.models import ShienSochi, Yokushi
from juminkiroku.selectors.yokushi import (
    kagaisha_of,
    shien_alerts,
    shien_covered_ids,
    shien_past_end,
    shien_status_of,
    yokushi_blocking,
    yokushi_taishosha,
)
from juminkiroku.services.ido import IdoError
from juminkiroku.services.shomei import ShomeiError, shomei_precheck
from juminkiroku.services.yokushi import (
    Heisha,
    Kagaisha,
    ShienInput,
    YokushiError,
    shien_sochi_correct_end,
    shien_sochi_end,
    shien_sochi_extend,
    shien_sochi_kakutei,
    shien_sochi_register,
    yokushi_set,
)
from juminkiroku.tests.factories import (
    actor_for,
    family,
    household_tennyu,
    person_fields,
    tenkyo,
    tenshutsu,
)
from tenants.db import connection

pytestmark = pytest.mark.django_db


def _family():
    _, people = household_tennyu("hayama", members=family())
    _, (other,) = household_tennyu("hayama", members=[person_fields(shimei="鈴木　一郎")])
    return people, other


def _register(victim, *, heisha=(), kagaisha=(), kari=False, start=date(2024, 3, 1), **kw):
    return shien_sochi_register(
        atena_id=victim.pk,
        start_date=start,
        moshide_date=min(start, timezone.localdate()),
        note="",
        kari=kari,
        extra=ShienInput(renrakusaki="090-0000-0000", heisha=heisha, kagaisha=kagaisha),
        actor=actor_for("hayama-shinsa"),
        **kw,
    )


def test_31_a_lock_past_its_end_date_keeps_blocking_until_released(in_alpha):
    """3.1: 抑止の終了日を経過しても、抑止は自動的に終了しない."""
    _, (head,) = household_tennyu("hayama")
    y = yokushi_set(
        process=YokushiProcess.IDO, level=YokushiLevel.ERROR, reason="調査中",
        start_date=date(2024, 1, 1), end_date=date(2024, 1, 31), atena_id=head.pk,
        actor=actor_for("hayama-shinsa"),
    )  # fmt: skip
    assert [b.pk for b in yokushi_blocking(atena_ids=[head.pk], setai_ids=[], process="ido")] == [
        y.pk
    ]
    with pytest.raises(IdoError, match="異動抑止"):
        tenkyo([head], ido_date=date(2024, 2, 1), todoke_date=date(2024, 2, 1))
    (row,) = yokushi_taishosha()
    assert row.yokushi.pk == y.pk and row.past_end


def test_34_heisha_and_kagaisha_are_locked_and_third_party_requests_refused(in_alpha):
    (head, wife, child), other = _family()
    result = _register(
        wife,
        heisha=[Heisha(atena_id=child.pk, kankei="子")],
        kagaisha=[Kagaisha(shimei="山田　太郎", atena_id=head.pk, sex="男")],
    )
    locks = {(y.atena_id, y.process, y.level) for y in result.yokushi}
    assert locks == {
        (wife.pk, "hakko", "error"),
        (wife.pk, "shokai", "alert"),
        (child.pk, "hakko", "error"),
        (child.pk, "shokai", "alert"),
        (head.pk, "hakko", "alert"),
    }
    assert shien_covered_ids([head.pk, wife.pk, child.pk, other.pk], date(2024, 6, 1)) == {
        wife.pk,
        child.pk,
    }
    assert kagaisha_of(head.pk) and not kagaisha_of(other.pk)
    # 発行 is an error for the 併せて支援を求める者 too.
    with pytest.raises(ShomeiError, match="発行抑止"):
        shomei_precheck(
            kind=ShomeiKind.JUMINHYO, atena_ids=[child.pk], setai_id=None,
            seikyusha=Seikyusha.DAISANSHA,
        )  # fmt: skip
    # After 審査 the clerk lifts the error; a 第三者 is still refused for the protected.
    for y in Yokushi.objects.filter(atena=child, process="hakko"):
        y.released_at = timezone.now()
        y.save()
    with pytest.raises(ShomeiError, match="第三者"):
        shomei_precheck(
            kind=ShomeiKind.JUMINHYO, atena_ids=[child.pk], setai_id=None,
            seikyusha=Seikyusha.DAISANSHA,
        )  # fmt: skip
    # The 加害者's own record carries a 発行 alert.
    check = shomei_precheck(
        kind=ShomeiKind.JUMINHYO, atena_ids=[head.pk], setai_id=None, seikyusha=Seikyusha.HONNIN
    )
    assert check.codes == ["alert"]


def test_34_bad_input_is_refused_and_nothing_is_written(in_alpha):
    (_head, wife, child), _ = _family()
    with pytest.raises(YokushiError, match="関係"):
        _register(wife, heisha=[Heisha(atena_id=child.pk, kankei=" ")])
    with pytest.raises(YokushiError, match="加害者として指定"):
        _register(wife, kagaisha=[Kagaisha(shimei="x", atena_id=wife.pk)])
    with pytest.raises(YokushiError, match="加害者の氏名"):
        _register(wife, kagaisha=[Kagaisha(shimei="")])
    with pytest.raises(YokushiError, match="支援終了日"):
        _register(wife, end_date=date(2024, 2, 1))
    with pytest.raises(YokushiError, match="抑止の設定"):
        shien_sochi_register(
            atena_id=wife.pk, start_date=date(2024, 3, 1), moshide_date=date(2024, 3, 1),
            note="", actor=actor_for("hayama-clerk"),
        )  # fmt: skip
    assert ShienSochi.objects.count() == 0 and Yokushi.objects.count() == 0


def test_34_kari_then_kakutei_runs_one_year_and_end_date_can_be_corrected(in_alpha):
    (_, wife, _), _ = _family()
    kari = _register(wife, kari=True, start=date(2024, 4, 1)).shien
    assert kari.kari and kari.kari_start_date == date(2024, 4, 1)
    (status,) = shien_status_of(wife.pk, date(2024, 4, 2))
    assert status.kari and status.role == "申出者"
    assert yokushi_blocking(atena_ids=[wife.pk], setai_ids=[], process="hakko")
    with pytest.raises(YokushiError, match="仮支援措置の開始日以降"):
        shien_sochi_kakutei(
            shien_id=kari.pk, start_date=date(2024, 3, 1), actor=actor_for("hayama-shinsa")
        )
    hon = shien_sochi_kakutei(
        shien_id=kari.pk, start_date=date(2024, 4, 20), actor=actor_for("hayama-shinsa")
    )
    # 3.4's example: a start of 4月1日 ends 3月31日 the next year; here 4月20日 → 4月19日.
    assert not hon.kari and hon.end_date == date(2025, 4, 19)
    with pytest.raises(YokushiError, match="仮支援措置ではありません"):
        shien_sochi_kakutei(
            shien_id=kari.pk, start_date=date(2024, 4, 20), actor=actor_for("hayama-shinsa")
        )
    fixed = shien_sochi_correct_end(
        shien_id=hon.pk, end_date=date(2025, 3, 31), actor=actor_for("hayama-shinsa")
    )
    assert fixed.end_date == date(2025, 3, 31)
    assert set(fixed.yokushi.values_list("end_date", flat=True)) == {date(2025, 3, 31)}


def test_34_past_end_keeps_protecting_alerts_and_only_a_clerk_ends_it(in_alpha):
    (_, wife, child), _ = _family()
    shien = _register(wife, heisha=[Heisha(atena_id=child.pk, kankei="子")]).shien
    assert shien.end_date == date(2025, 2, 28)
    # Within the last month: the alert; past the end without extension: the other alert.
    assert "1か月以内" in shien_alerts([shien], date(2025, 2, 10))[0]
    assert shien_alerts([shien], date(2024, 6, 1)) == []
    day_after = date(2025, 3, 1)
    assert "期間が終了" in shien_alerts([shien], day_after)[0]
    assert shien_past_end(day_after) == [shien]
    assert shien_covered_ids([wife.pk, child.pk], day_after) == {wife.pk, child.pk}
    # Ending needs the 解除 grant and a reason.
    with pytest.raises(YokushiError, match="抑止の解除"):
        shien_sochi_end(shien_id=shien.pk, reason="kikan", actor=actor_for("hayama-clerk"))
    with pytest.raises(YokushiError, match="理由"):
        shien_sochi_end(shien_id=shien.pk, reason="x", actor=actor_for("hayama-shinsa"))
    ended = shien_sochi_end(
        shien_id=shien.pk, reason=ShienEndReason.KIKAN, actor=actor_for("hayama-shinsa")
    )
    assert ended.ended_by == "hayama-shinsa"
    assert shien_covered_ids([wife.pk, child.pk], day_after) == set()
    assert yokushi_blocking(atena_ids=[wife.pk, child.pk], setai_ids=[], process="hakko") == []
    with pytest.raises(YokushiError, match="既に終了"):
        shien_sochi_end(shien_id=shien.pk, reason="kikan", actor=actor_for("hayama-shinsa"))


def test_34_extension_carries_the_persons_and_leaves_no_gap(in_alpha):
    (head, wife, child), _ = _family()
    shien = _register(
        wife, heisha=[Heisha(atena_id=child.pk, kankei="子")],
        kagaisha=[Kagaisha(shimei="山田　太郎", atena_id=head.pk)],
    ).shien  # fmt: skip
    ext = shien_sochi_extend(
        shien_id=shien.pk, moshide_date=date(2025, 2, 1), actor=actor_for("hayama-shinsa"),
        today=date(2025, 2, 1),
    )  # fmt: skip
    new = ext.shien
    assert (new.start_date, new.end_date) == (date(2025, 3, 1), date(2026, 2, 28))
    assert list(new.heisha.values_list("atena_id", "kankei")) == [(child.pk, "子")]
    assert list(new.kagaisha.values_list("atena_id", flat=True)) == [head.pk]
    # The old locks are released, the new ones start on the day of the extension.
    assert not shien.yokushi.filter(released_at__isnull=True).exists()
    assert {y.start_date for y in ext.yokushi} == {date(2025, 2, 1)}
    assert yokushi_blocking(atena_ids=[child.pk], setai_ids=[], process="hakko")
    with pytest.raises(YokushiError, match="延長後"):
        shien_sochi_end(shien_id=shien.pk, reason="moshide", actor=actor_for("hayama-shinsa"))


def test_34_tenshutsu_switches_to_kari_as_zenjusho_and_keeps_the_locks(
    in_alpha, django_capture_on_commit_callbacks
):
    """3.4: 転出しても支援措置が終了しないよう、前住所地市区町村として仮支援措置に自動で切替."""
    (head, wife, _), _ = _family()
    shien = _register(wife).shien
    other = _register(head).shien
    with django_capture_on_commit_callbacks(execute=True):
        tenshutsu(wife, ido_date=date(2024, 6, 1), todoke_date=date(2024, 5, 25))
    other.refresh_from_db()
    assert not other.kari  # only the person who moved out
    shien.refresh_from_db()
    assert shien.kari and shien.kari_start_date == date(2024, 6, 1)
    assert shien.tosho_uketsuke == connection.tenant.name
    assert shien.tenso_saki and shien.tenso_date == date(2024, 6, 1)
    assert shien.ended_at is None
    assert yokushi_blocking(atena_ids=[wife.pk], setai_ids=[], process="hakko")


def test_34_a_future_tenshutsu_switches_at_the_johyo_not_before(
    in_alpha, django_capture_on_commit_callbacks
):
    """3.4 with 1.1.5: until the 転出予定日 the person is still a 住民 here and the 支援措置
    stays as it is; it switches to 仮支援措置 at the 転出確定, from the 除票 date."""
    from django.utils import timezone

    from juminkiroku.services.tenshutsu import tenshutsu_kakutei_due

    (_, wife, _), _ = _family()
    shien = _register(wife).shien
    yotei = timezone.localdate() + timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        tenshutsu(wife, ido_date=yotei, todoke_date=timezone.localdate())
    shien.refresh_from_db()
    assert not shien.kari
    with django_capture_on_commit_callbacks(execute=True):
        tenshutsu_kakutei_due(today=yotei)
    shien.refresh_from_db()
    assert shien.kari and shien.kari_start_date == yotei
    assert yokushi_blocking(atena_ids=[wife.pk], setai_ids=[], process="hakko")


def test_walls_shien_of_one_town_is_invisible_and_untouchable_in_the_other(alpha, beta):
    connection.set_tenant(alpha.municipality)
    (_, wife, child), _ = _family()
    shien = _register(wife, heisha=[Heisha(atena_id=child.pk, kankei="子")]).shien
    connection.set_tenant(beta.municipality)
    assert shien_covered_ids([wife.pk, child.pk], date(2024, 6, 1)) == set()
    assert yokushi_taishosha() == [] and shien_past_end(date(2026, 1, 1)) == []
    with pytest.raises(ShienSochi.DoesNotExist):
        shien_sochi_end(shien_id=shien.pk, reason="moshide", actor=actor_for("samukawa-shinsa"))
    with pytest.raises(YokushiError, match="見つかりません"):
        shien_sochi_register(
            atena_id=wife.pk, start_date=date(2024, 3, 1), moshide_date=date(2024, 3, 1),
            note="", actor=actor_for("samukawa-shinsa"),
        )  # fmt: skip
    connection.set_tenant(alpha.municipality)
    assert ShienSochi.objects.get().ended_at is None


def test_31_other_modules_see_no_temp_unlock_and_the_heisha_as_protected(in_alpha):
    """3.1: a 一時解除 is not passed on to other systems; 3.4: the 併せて支援を求める者
    is a 支援対象者 for them too (juminkiroku.public, used by every other module)."""
    from juminkiroku.public import LookupStatus, atena_resolve_many
    from juminkiroku.services.yokushi import yokushi_temp_unlock

    (head, wife, child), _ = _family()
    _register(wife, heisha=[Heisha(atena_id=child.pk, kankei="子")])
    y = yokushi_set(
        process="shokai", level="error", reason="調査中", start_date=date(2024, 1, 1),
        end_date=date(2024, 1, 31), atena_id=head.pk, actor=actor_for("hayama-shinsa"),
    )  # fmt: skip
    yokushi_temp_unlock(yokushi_id=y.pk, actor=actor_for("hayama-shinsa"), minutes=30)
    # The screens of this town honour the unlock ...
    assert yokushi_blocking(atena_ids=[head.pk], setai_ids=[], process="shokai") == []
    found = atena_resolve_many([head.atena_no, wife.atena_no, child.atena_no])
    # ... other modules still see the lock (its 終了日 passed long ago: 3.1, still held).
    assert found[head.atena_no].status is LookupStatus.REFUSED
    assert found[wife.atena_no].shien and found[child.atena_no].shien
