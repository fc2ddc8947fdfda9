"""異動の取消し (標準仕様書 4.6.0.1, 4.6.1.1) of some persons of a 異動 (「全部又は一部」), and of
an older 異動 whose other persons moved on since."""

from __future__ import annotations

from datetime import date

import pytest

from juminkiroku import events
from juminkiroku.codes import AtenaKubun, IdoStatus, JuminJotai
from juminkiroku.models import Atena, Ido
from juminkiroku.services.ido import IdoError, ido_cancel_enter
from juminkiroku.tests.factories import actor_for, approve, family, household_tennyu, tenkyo
from tenants.db import connection
from tenants.events.models import DomainEvent
from tests.personas import ALPHA_HOST

pytestmark = pytest.mark.django_db

D = date(2024, 6, 1)


def cancel(ido: Ido, atena_ids: list[int] | None, town: str = "hayama") -> Ido:
    return ido_cancel_enter(
        cancels_id=ido.pk,
        ido_date=D,
        note="届出の誤り",
        atena_ids=atena_ids,
        actor=actor_for(f"{town}-clerk"),
    )


def test_cancel_one_person_of_a_tennyu_after_another_moved_on(in_alpha):
    tennyu, (head, wife, child) = household_tennyu("hayama", members=family())
    # the child moves on (a later 異動): the whole 転入 can no longer be cancelled at once
    tenkyo([child], ido_date=date(2023, 1, 10), todoke_date=date(2023, 1, 10))
    with pytest.raises(IdoError, match="後の異動"):
        cancel(tennyu, None)
    with pytest.raises(IdoError, match="後の異動"):
        cancel(tennyu, [child.pk])
    with pytest.raises(IdoError, match="対象者"):
        cancel(tennyu, [999999])
    # but the wife's part of it can
    c = cancel(tennyu, [wife.pk])
    assert c.payload["atena_ids"] == [wife.pk]
    assert list(c.targets.values_list("atena_id", flat=True)) == [wife.pk]
    approve(c, reviewer="hayama-shinsa")
    wife.refresh_from_db()
    head.refresh_from_db()
    assert (wife.kubun, wife.jotai) == (AtenaKubun.JUTOGAI, JuminJotai.JUTOGAI)
    assert head.jotai == JuminJotai.JUMIN
    tennyu.refresh_from_db()
    assert tennyu.status == IdoStatus.HON  # still standing for the head and the child
    ev = DomainEvent.objects.get(name=events.TORIKESHI.name, payload__ido_id=c.pk)
    assert ev.payload["atena_ids"] == [wife.pk]
    assert ev.payload["undoes"] == [events.TENNYU.name]
    # the wife cannot be cancelled twice; the head still can
    with pytest.raises(IdoError, match="対象者"):
        cancel(tennyu, [wife.pk])
    approve(cancel(tennyu, [head.pk]), reviewer="hayama-shinsa")
    assert Atena.objects.get(pk=head.pk).kubun == AtenaKubun.JUTOGAI


def test_cancel_one_person_of_a_tenkyo_restores_only_them(in_alpha):
    _, (head, wife, child) = household_tennyu("hayama", members=family())
    moved = tenkyo([head, wife, child], ido_date=date(2023, 1, 10), todoke_date=date(2023, 1, 10))
    approve(cancel(moved, [child.pk]), reviewer="hayama-shinsa")
    jusho = dict(Atena.objects.values_list("pk", "jusho"))
    assert jusho[child.pk] == "神奈川県三浦郡葉山町堀内"
    assert jusho[head.pk] == jusho[wife.pk] == "神奈川県三浦郡葉山町一色"
    moved.refresh_from_db()
    assert moved.status == IdoStatus.HON
    # the rest of it later: then the 異動 is 取消済
    approve(cancel(moved, None), reviewer="hayama-shinsa")
    moved.refresh_from_db()
    assert moved.status == IdoStatus.TORIKESHI
    assert set(Atena.objects.values_list("jusho", flat=True)) == {"神奈川県三浦郡葉山町堀内"}


def test_walls_and_the_screen(login, alpha, beta):
    connection.set_tenant(alpha.municipality)
    _, (head, wife, child) = household_tennyu("hayama", members=family())
    moved = tenkyo([head, wife, child], ido_date=date(2023, 1, 10), todoke_date=date(2023, 1, 10))
    connection.set_tenant(beta.municipality)
    with pytest.raises(IdoError, match="本登録済み"):
        cancel(moved, [child.pk], town="samukawa")
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    page = clerk.get(f"/juminkiroku/ido/{moved.pk}/").content.decode()
    assert page.count('data-testid="cancel-person"') == 3
    r = clerk.post(
        f"/juminkiroku/ido/{moved.pk}/cancel/",
        {"ido_date": "令和6年6月1日", "note": "届出の誤り", "atena": [str(child.pk)]},
    )
    assert r.status_code == 302
    connection.set_tenant(alpha.municipality)
    c = Ido.objects.get(cancels=moved)
    assert c.payload["atena_ids"] == [child.pk] and c.status == IdoStatus.KARI


def test_a_torikeshi_on_moshide_keeps_the_moshide_date(login, alpha):
    # 4.6.1.1 applies 4.2.0.5: it shows it was asked for, with the 申出日 (today by default).
    connection.set_tenant(alpha.municipality)
    _, (head, wife, child) = household_tennyu("hayama", members=family())
    moved = tenkyo([head, wife, child], ido_date=date(2023, 1, 10), todoke_date=date(2023, 1, 10))
    with pytest.raises(IdoError, match="未来"):
        ido_cancel_enter(
            cancels_id=moved.pk,
            ido_date=D,
            note="本人の申出",
            moshide_date=date(2999, 1, 1),
            actor=actor_for("hayama-clerk"),
        )
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    page = clerk.get(f"/juminkiroku/ido/{moved.pk}/").content.decode()
    assert 'name="moshide_date"' in page
    r = clerk.post(
        f"/juminkiroku/ido/{moved.pk}/cancel/",
        {"ido_date": "令和6年6月1日", "note": "本人の申出", "moshide": "on", "moshide_date": ""},
    )
    assert r.status_code == 302
    connection.set_tenant(alpha.municipality)
    c = Ido.objects.get(cancels=moved)
    from django.utils import timezone

    assert c.payload["moshide"] is True and c.todoke_date == timezone.localdate()


def _shusei(atena: Atena, on: date, fields: dict) -> Ido:
    from juminkiroku.codes import IdoJiyu
    from juminkiroku.services.ido import PersonChange, ido_enter

    ido = ido_enter(
        jiyu=IdoJiyu.SHOKKEN_SHUSEI,
        ido_date=on,
        todoke_date=None,
        changes=[PersonChange(atena.pk, fields)],
        actor=actor_for("hayama-clerk"),
    )
    return approve(ido, reviewer="hayama-shinsa")


def test_an_older_tenkyo_is_cancelled_under_a_later_shusei(alpha, beta):
    from juminkiroku.selectors.asof import resident_on

    connection.set_tenant(alpha.municipality)
    _, (head, wife, child) = household_tennyu("hayama", members=family())
    moved = tenkyo([head, wife, child], ido_date=date(2023, 1, 10), todoke_date=date(2023, 1, 10))
    later = _shusei(head, date(2024, 1, 5), {"katagaki": "101号室"})
    # when: the 転居 (not the last 異動 of the head) is cancelled for everyone
    approve(cancel(moved, None), reviewer="hayama-shinsa")
    # then: the address is back from the 転居's day on, the later 方書 kept
    head.refresh_from_db()
    assert (head.jusho, head.katagaki) == ("神奈川県三浦郡葉山町堀内", "101号室")
    mid = resident_on(head.pk, date(2023, 6, 1))
    now = resident_on(head.pk, date(2024, 2, 1))
    assert mid is not None and (mid.jusho, mid.katagaki) == ("神奈川県三浦郡葉山町堀内", "")
    assert now is not None and (now.jusho, now.katagaki) == ("神奈川県三浦郡葉山町堀内", "101号室")
    assert Atena.objects.get(pk=wife.pk).jusho == "神奈川県三浦郡葉山町堀内"
    moved.refresh_from_db()
    assert moved.status == IdoStatus.TORIKESHI
    # and the later 修正 can still be cancelled on top of it
    approve(cancel(later, None), reviewer="hayama-shinsa")
    head.refresh_from_db()
    assert (head.jusho, head.katagaki) == ("神奈川県三浦郡葉山町堀内", "")
    connection.set_tenant(beta.municipality)
    assert Atena.objects.count() == 0 and Ido.objects.count() == 0


def test_an_older_shusei_whose_items_changed_again_waits(in_alpha):
    _, (head,) = household_tennyu("hayama")
    first = _shusei(head, date(2023, 1, 5), {"katagaki": "101号室"})
    _shusei(head, date(2024, 1, 5), {"katagaki": "202号室"})
    with pytest.raises(IdoError, match="同じ項目"):
        cancel(first, None)
    assert Atena.objects.get(pk=head.pk).katagaki == "202号室"
