"""児童手当 支払差止 and 差止解除 on the payment lines, in two towns: the runs skip the
withheld months while the 差止 holds; on 解除 the withheld months are paid once, by a
随時払 or by the next 定例払, and never again; 寒川町 neither sees nor is touched by it."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import pytest

from fukushi.models import (
    JidoteateRireki,
    JidoteateSashitome,
    JidoteateShiharaiMeisai,
    MeisaiKind,
    RirekiKind,
)
from fukushi.services.jidoteate import JidoteateRefused
from fukushi.services.jidoteate_sashitome import sashitome_kaijo, sashitome_register
from fukushi.services.jidoteate_shiharai import furikomi_create, shiharai_keisan
from fukushi.tests.test_jidoteate_events import CLERK, _family, _irainin, _nintei, _tennyu
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db

ADMIN = Actor(user_id=None, username="hayama-admin")


def _lines(run: Any) -> list[tuple[int, date, int, str]]:
    return sorted(
        JidoteateShiharaiMeisai.objects.filter(shiharai=run).values_list(
            "jukyusha_id", "month", "amount", "kind"
        )
    )


def _kakutei(run: Any, day: date) -> Any:
    return furikomi_create(shiharai_id=run.pk, torikumi=day, actor=CLERK)


def test_withheld_months_are_skipped_then_paid_once_after_kaijo(
    alpha, beta, django_capture_on_commit_callbacks
):
    # given 葉山町: three families of one child (9歳, 10,000円 a month), 認定 from 令和7年4月
    connection.set_tenant(alpha.municipality)
    rows = []
    for name, kana in (("山田", "ヤマダ"), ("鈴木", "スズキ"), ("田中", "タナカ")):
        f, _m, k = _tennyu(
            django_capture_on_commit_callbacks, "hayama", _family(name, kana, ["2016-06-01"])
        )
        rows.append(_nintei(f, [k]))
    r1, r2, r3 = rows
    _irainin(alpha, ADMIN)
    # and 寒川町: one family, paid normally
    connection.set_tenant(beta.municipality)
    fb, _mb, kb = _tennyu(
        django_capture_on_commit_callbacks, "samukawa", _family("佐藤", "サトウ", ["2016-06-01"])
    )
    rb = _nintei(fb, [kb], actor=Actor(user_id=None, username="samukawa-clerk"))
    connection.set_tenant(alpha.municipality)
    # when the 現況 of 山田 and the 居所 of 鈴木 are unknown: withheld from 6月分
    s1 = sashitome_register(
        jukyusha_id=r1.pk,
        riyu="todoke",
        start_month=date(2025, 6, 15),
        kettei_date=date(2025, 7, 20),
        actor=CLERK,
    )
    s2 = sashitome_register(
        jukyusha_id=r2.pk,
        riyu="kyosho_fumei",
        start_month=date(2025, 6, 1),
        kettei_date=date(2025, 7, 20),
        actor=CLERK,
    )
    assert s1.start_month == date(2025, 6, 1)
    # a second 差止 of the same 受給者 is refused, nothing written
    with pytest.raises(JidoteateRefused):
        sashitome_register(
            jukyusha_id=r1.pk,
            riyu="sonota",
            riyu_detail="重ねて",
            start_month=date(2025, 7, 1),
            kettei_date=date(2025, 7, 21),
            actor=CLERK,
        )
    assert JidoteateSashitome.objects.count() == 2
    # then the 8月 run (6・7月分) pays 田中 only
    aug = shiharai_keisan(shiharai_month=date(2025, 8, 1), actor=CLERK)
    assert _lines(aug) == [
        (r3.pk, date(2025, 6, 1), 10_000, MeisaiKind.TSUJO),
        (r3.pk, date(2025, 7, 1), 10_000, MeisaiKind.TSUJO),
    ]
    _kakutei(aug, date(2025, 8, 8))
    # when 山田's 差止 is 解除 on 9月5日, a 随時払 in 9月 pays his 6・7月分 (差止解除分) only
    sashitome_kaijo(sashitome_id=s1.pk, kaijo_date=date(2025, 9, 5), actor=CLERK, riyu="届出受理")
    sep = shiharai_keisan(shiharai_month=date(2025, 9, 1), actor=CLERK, zuiji=True)
    assert _lines(sep) == [
        (r1.pk, date(2025, 6, 1), 10_000, MeisaiKind.KAIJO),
        (r1.pk, date(2025, 7, 1), 10_000, MeisaiKind.KAIJO),
    ]
    # recomputing changes nothing
    sep = shiharai_keisan(shiharai_month=date(2025, 9, 1), actor=CLERK, zuiji=True)
    assert (sep.jukyusha_count, sep.total) == (1, 20_000)
    _kakutei(sep, date(2025, 9, 12))
    # a 随時払 in a 支払月 is refused
    with pytest.raises(JidoteateRefused):
        shiharai_keisan(shiharai_month=date(2025, 10, 1), actor=CLERK, zuiji=True)
    # when 鈴木's 差止 is 解除 after the 随時払: the 10月 定例払 pays his 6・7月分 with 8・9月分
    sashitome_kaijo(sashitome_id=s2.pk, kaijo_date=date(2025, 9, 20), actor=CLERK)
    oct_ = shiharai_keisan(shiharai_month=date(2025, 10, 1), actor=CLERK)
    assert _lines(oct_) == sorted(
        [
            *[(r.pk, date(2025, m, 1), 10_000, MeisaiKind.TSUJO) for r in rows for m in (8, 9)],
            (r2.pk, date(2025, 6, 1), 10_000, MeisaiKind.KAIJO),
            (r2.pk, date(2025, 7, 1), 10_000, MeisaiKind.KAIJO),
        ]
    )
    _kakutei(oct_, date(2025, 10, 10))
    # and the 12月 run pays 10・11月分 only: no withheld month twice
    dec = shiharai_keisan(shiharai_month=date(2025, 12, 1), actor=CLERK)
    assert {(m, k) for _, m, _, k in _lines(dec)} == {
        (date(2025, 10, 1), MeisaiKind.TSUJO),
        (date(2025, 11, 1), MeisaiKind.TSUJO),
    }
    _kakutei(dec, date(2025, 12, 10))
    paid = Counter(JidoteateShiharaiMeisai.objects.values_list("jukyusha_id", "month", "amount"))
    assert set(paid.values()) == {1}  # every (受給者, month) paid exactly once
    assert {(j, m) for j, m, _ in paid} == {
        (r.pk, date(2025, m, 1)) for r in rows for m in range(6, 12)
    }
    # the history says it in words
    assert [
        r.jiyu[:4] for r in JidoteateRireki.objects.filter(jukyusha=r1).exclude(kind="nintei")
    ] == ["支払差止", "差止解除"]
    assert JidoteateRireki.objects.filter(jukyusha=r1, kind=RirekiKind.KAIJO).count() == 1
    # 寒川町: no 差止 visible, its run pays its family its two months
    connection.set_tenant(beta.municipality)
    assert not JidoteateSashitome.objects.exists()
    run_b = shiharai_keisan(shiharai_month=date(2025, 8, 1), actor=CLERK)
    assert _lines(run_b) == [
        (rb.pk, date(2025, 6, 1), 10_000, MeisaiKind.TSUJO),
        (rb.pk, date(2025, 7, 1), 10_000, MeisaiKind.TSUJO),
    ]


def test_sashitome_through_the_screen_and_not_from_another_town(
    world, login, django_capture_on_commit_callbacks
):
    connection.set_tenant(world.alpha.municipality)
    f, _m, k = _tennyu(
        django_capture_on_commit_callbacks, "hayama", _family("山田", "ヤマダ", ["2016-06-01"])
    )
    row = _nintei(f, [k])
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    other = login("samukawa-clerk", BETA_HOST)
    body = {
        "riyu": "genkyo_fumei",
        "start_month": "令和7年6月1日",
        "kettei_date": "令和7年7月20日",
    }
    # 寒川町's clerk cannot withhold 葉山町's 受給者 (no such row there)
    assert other.post(f"/fukushi/jidoteate/jukyusha/{row.pk}/sashitome/", body).status_code == 404
    r = clerk.post(f"/fukushi/jidoteate/jukyusha/{row.pk}/sashitome/", body, follow=True)
    page = r.content.decode()
    assert "支払を差し止めました（2025年6月分から）" in page
    assert "現況不明" in page and "差止中" in page and "差止を解除" in page
    connection.set_tenant(world.alpha.municipality)
    (s,) = JidoteateSashitome.objects.all()
    assert AccessLog.objects.filter(
        record_type="fukushi.JidoteateSashitome", record_id=str(s.pk)
    ).exists()
    connection.set_schema_to_public()
    r = clerk.post(
        f"/fukushi/jidoteate/sashitome/{s.pk}/kaijo/",
        {"kaijo_date": "令和7年9月5日", "kaijo_riyu": "現況を確認"},
        follow=True,
    )
    assert "差止を解除しました" in r.content.decode()
    connection.set_tenant(world.alpha.municipality)
    s.refresh_from_db()
    row.refresh_from_db()
    # marked for 遡及 from the earliest month: the 認定's own 4月 (no run 確定 yet)
    assert (s.kaijo_date, s.kaijo_actor, row.sokyu_from) == (
        date(2025, 9, 5),
        "hayama-clerk",
        date(2025, 4, 1),
    )
    connection.set_tenant(world.beta.municipality)
    assert not JidoteateSashitome.objects.exists()
