"""児童手当 services: the 受給者 is the parent with the higher 所得 (zeimu.public; a tie is
the clerk's choice), the birth's task suggests that parent, 額改定 adds a child from the
month after the 届出 and removes one from the month after the event, 消滅 ends the
認定 — each with its history row, nothing written when refused, and only in its own town."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fukushi.models import JidoteateJukyusha, JidoteateKouho, JidoteateRireki, RirekiKind
from fukushi.selectors.jidoteate import getsugaku, jido_of
from fukushi.services.jidoteate import (
    JidoInput,
    JidoteateRefused,
    gaku_kaitei,
    nintei_register,
    shometsu_register,
)
from fukushi.tests.test_jidoteate_events import ACCOUNT, CLERK, _family, _tennyu
from juminkiroku.tests import factories as jk
from tenants.db import connection
from zeimu.tests import factories as zf

pytestmark = pytest.mark.django_db


def _claim(parent: Any, kids: list[Any], other: Any) -> JidoteateJukyusha:
    return nintei_register(
        atena_id=parent.pk,
        seikyu_date=date(2025, 3, 10),
        jiyu_date=None,
        children=[JidoInput(birth_date=k.birth_date, atena_id=k.pk) for k in kids],
        actor=CLERK,
        other_parent_atena_id=other.pk,
        account=ACCOUNT,
    )


def test_nintei_refuses_the_parent_with_the_lower_income(
    alpha, beta, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    father, mother, kid = _tennyu(
        django_capture_on_commit_callbacks, "hayama", _family("山田", "ヤマダ", ["2016-06-01"])
    )
    # 令和6年度 (所得 of 令和5年): the mother earns more
    zf.kazei(father.pk, 2024, kyuyo=3_000_000)
    zf.kazei(mother.pk, 2024, kyuyo=4_000_000)
    with pytest.raises(JidoteateRefused) as refused:
        _claim(father, [kid], mother)
    assert "所得が高い" in refused.value.errors["atena"]
    assert not JidoteateJukyusha.objects.exists() and not JidoteateRireki.objects.exists()
    row = _claim(mother, [kid], father)
    assert (row.shikyu_start, row.jukyusha_no) == (date(2025, 4, 1), f"{row.pk:010d}")
    # a birth into the household suggests the 受給者 already paid (a 額改定)
    with django_capture_on_commit_callbacks(execute=True):
        jk.shussei(father.setai_id, ido_date=date(2025, 6, 28))
    (kouho,) = JidoteateKouho.objects.all()
    assert (kouho.suggested_atena_id, kouho.existing_jukyusha_id) == (mother.pk, row.pk)
    # 寒川町 sees none of it
    connection.set_tenant(beta.municipality)
    assert not JidoteateJukyusha.objects.exists() and not JidoteateKouho.objects.exists()


def test_a_tie_is_the_clerks_choice(alpha, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    father, mother, kid = _tennyu(
        django_capture_on_commit_callbacks, "hayama", _family("山田", "ヤマダ", ["2016-06-01"])
    )
    zf.kazei(father.pk, 2024, kyuyo=3_000_000)
    zf.kazei(mother.pk, 2024, kyuyo=3_000_000)
    assert _claim(father, [kid], mother).atena_id == father.pk


def test_kaitei_adds_from_the_next_month_and_removes_after_the_event(
    alpha, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    father, _mother, older, younger = _tennyu(
        django_capture_on_commit_callbacks,
        "hayama",
        _family("山田", "ヤマダ", ["2012-06-01", "2016-06-01"]),
    )
    row = nintei_register(
        atena_id=father.pk,
        seikyu_date=date(2025, 3, 10),
        jiyu_date=None,
        children=[JidoInput(birth_date=older.birth_date, atena_id=older.pk)],
        actor=CLERK,
        account=ACCOUNT,
    )
    # 出生 on 6月28日, 額改定の届出 on 7月10日 (within 15 days): 7月分から (15日特例)
    gaku_kaitei(
        jukyusha_id=row.pk,
        actor=CLERK,
        todoke_date=date(2025, 7, 10),
        jiyu_date=date(2025, 6, 28),
        add=[JidoInput(birth_date=date(2025, 6, 28))],
    )
    kids = jido_of([row.pk])[row.pk]
    assert getsugaku(row, kids, date(2025, 6, 1)) == 10_000
    assert getsugaku(row, kids, date(2025, 7, 1)) == 25_000
    # the older child leaves on 9月5日: 減額 from 10月分
    (old,) = [k for k in kids if k.atena_id == older.pk]
    gaku_kaitei(
        jukyusha_id=row.pk,
        actor=CLERK,
        todoke_date=date(2025, 9, 8),
        jiyu_date=date(2025, 9, 5),
        remove_jido_ids=[old.pk],
    )
    kids = jido_of([row.pk])[row.pk]
    assert getsugaku(row, kids, date(2025, 9, 1)) == 25_000
    assert getsugaku(row, kids, date(2025, 10, 1)) == 15_000
    # 消滅 (届出) on 11月20日: not paid from 12月分; a second 消滅 is refused
    shometsu_register(jukyusha_id=row.pk, jiyu="sonota", jiyu_date=date(2025, 11, 20), actor=CLERK)
    row.refresh_from_db()
    assert getsugaku(row, kids, date(2025, 11, 1)) == 15_000
    assert getsugaku(row, kids, date(2025, 12, 1)) == 0
    with pytest.raises(JidoteateRefused):
        shometsu_register(
            jukyusha_id=row.pk, jiyu="sonota", jiyu_date=date(2025, 11, 20), actor=CLERK
        )
    assert [r.kind for r in JidoteateRireki.objects.filter(jukyusha=row)] == [
        RirekiKind.NINTEI,
        RirekiKind.KAITEI,
        RirekiKind.KAITEI,
        RirekiKind.SHOMETSU,
    ]
    # younger is unused here except as a household member
    assert younger.pk


def test_demo_loader_recognises_each_household_with_children_once(
    alpha, beta, django_capture_on_commit_callbacks
):
    import io

    from fukushi.demo_jidoteate import load
    from fukushi.models import JidoteateJido

    connection.set_tenant(alpha.municipality)
    father, _mother, k1, k2, student = _tennyu(
        django_capture_on_commit_callbacks,
        "hayama",
        _family("山田", "ヤマダ", ["2012-06-01", "2016-06-01", "2005-06-01"]),
    )
    out = io.StringIO()
    load(out)
    (row,) = JidoteateJukyusha.objects.all()
    assert row.atena_id == father.pk and "1人" in out.getvalue()
    assert sorted(JidoteateJido.objects.values_list("atena_id", "kanshu")) == sorted(
        [(k1.pk, False), (k2.pk, False), (student.pk, True)]
    )
    load(out)  # a town with data is skipped
    assert JidoteateJukyusha.objects.count() == 1
    connection.set_tenant(beta.municipality)
    assert not JidoteateJukyusha.objects.exists()
