"""児童手当 遡及 on the payment lines, in two towns: a 額改定 entered after the months it
reaches were paid (a 第3子 counted late) is paid once as 差額 in the next run; a 消滅
entered late produces 返還・調整 records, never a negative line; a 認定 decided after payment
months passed gets them paid; recomputing and later runs pay nothing twice."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fukushi.models import JidoteateChosei, JidoteateShiharaiMeisai, MeisaiKind
from fukushi.services.jidoteate import JidoInput, gaku_kaitei, shometsu_register
from fukushi.services.jidoteate_shiharai import furikomi_create, shiharai_keisan
from fukushi.tests.test_jidoteate_events import CLERK, _family, _irainin, _nintei, _tennyu
from tenants.accesslog.services import Actor
from tenants.db import connection

pytestmark = pytest.mark.django_db

ADMIN = Actor(user_id=None, username="hayama-admin")


def _lines(run: Any) -> list[tuple[int, date, int, str]]:
    return sorted(
        JidoteateShiharaiMeisai.objects.filter(shiharai=run).values_list(
            "jukyusha_id", "month", "amount", "kind"
        )
    )


def test_sagaku_once_and_chosei_instead_of_negative_lines(
    alpha, beta, django_capture_on_commit_callbacks
):
    # given 葉山町: 山田 with two children (13歳・9歳: 20,000円 a month) and 鈴木 with one
    # (9歳: 10,000円), both 認定 from 令和7年4月; the 8月 run (6・7月分) is 確定
    connection.set_tenant(alpha.municipality)
    f1, _m1, a, b = _tennyu(
        django_capture_on_commit_callbacks,
        "hayama",
        _family("山田", "ヤマダ", ["2012-06-01", "2016-06-01"]),
    )
    r1 = _nintei(f1, [a, b])
    f2, _m2, c = _tennyu(
        django_capture_on_commit_callbacks, "hayama", _family("鈴木", "スズキ", ["2016-06-01"])
    )
    r2 = _nintei(f2, [c])
    f3, _m3, d = _tennyu(
        django_capture_on_commit_callbacks, "hayama", _family("田中", "タナカ", ["2020-02-02"])
    )
    _irainin(alpha, ADMIN)
    aug = shiharai_keisan(shiharai_month=date(2025, 8, 1), actor=CLERK)
    assert aug.total == 2 * 20_000 + 2 * 10_000
    furikomi_create(shiharai_id=aug.pk, torikumi=date(2025, 8, 8), actor=CLERK)
    # when, in 9月, the clerk enters 山田's 額改定届 received on 5月20日: a 21-year-old
    # student he supports (監護相当) counts, so the 9歳 becomes 第3子 (30,000円) from 6月分
    gaku_kaitei(
        jukyusha_id=r1.pk,
        actor=CLERK,
        todoke_date=date(2025, 5, 20),
        add=[JidoInput(birth_date=date(2004, 5, 10), kanshu=True)],
    )
    # and 鈴木's 消滅 (転出 on 5月31日, learned late): not due from 6月分
    shometsu_register(jukyusha_id=r2.pk, jiyu="tenshutsu", jiyu_date=date(2025, 5, 31), actor=CLERK)
    # and 田中's 認定, decided now on a 請求 of 3月10日: 4月分から
    r3 = _nintei(f3, [d])
    # then the 10月 run pays 8・9月分, 山田's 差額 of 6・7月分 (40,000 − 20,000), 田中's
    # unpaid 6・7月分; 鈴木 gets no line, negative or other, but two 返還・調整 records
    oct_ = shiharai_keisan(shiharai_month=date(2025, 10, 1), actor=CLERK)
    expected = sorted(
        [
            (r1.pk, date(2025, 6, 1), 20_000, MeisaiKind.SAGAKU),
            (r1.pk, date(2025, 7, 1), 20_000, MeisaiKind.SAGAKU),
            (r1.pk, date(2025, 8, 1), 40_000, MeisaiKind.TSUJO),
            (r1.pk, date(2025, 9, 1), 40_000, MeisaiKind.TSUJO),
            (r3.pk, date(2025, 6, 1), 10_000, MeisaiKind.SAGAKU),
            (r3.pk, date(2025, 7, 1), 10_000, MeisaiKind.SAGAKU),
            (r3.pk, date(2025, 8, 1), 10_000, MeisaiKind.TSUJO),
            (r3.pk, date(2025, 9, 1), 10_000, MeisaiKind.TSUJO),
        ]
    )
    assert _lines(oct_) == expected
    chosei = sorted(
        JidoteateChosei.objects.filter(shiharai=oct_).values_list(
            "jukyusha_id", "month", "shiharaizumi", "tadashii", "amount"
        )
    )
    assert chosei == [
        (r2.pk, date(2025, 6, 1), 10_000, 0, 10_000),
        (r2.pk, date(2025, 7, 1), 10_000, 0, 10_000),
    ]
    # recomputing gives the same lines and records (nothing doubled)
    oct_ = shiharai_keisan(shiharai_month=date(2025, 10, 1), actor=CLERK)
    assert _lines(oct_) == expected
    assert JidoteateChosei.objects.count() == 2
    assert (oct_.jukyusha_count, oct_.total) == (2, 2 * 20_000 + 2 * 40_000 + 4 * 10_000)
    furikomi_create(shiharai_id=oct_.pk, torikumi=date(2025, 10, 10), actor=CLERK)
    # and the 12月 run pays 10・11月分 only: no 差額 and no 返還・調整 a second time
    dec = shiharai_keisan(shiharai_month=date(2025, 12, 1), actor=CLERK)
    assert {k for *_, k in _lines(dec)} == {MeisaiKind.TSUJO}
    assert {m for _, m, _, _ in _lines(dec)} == {date(2025, 10, 1), date(2025, 11, 1)}
    assert not JidoteateChosei.objects.filter(shiharai=dec).exists()
    # even if a mark came again for months already settled (a recorded change of nothing)
    from fukushi.services.jidoteate import sokyu_mark

    sokyu_mark(r1.pk, date(2025, 6, 1))
    sokyu_mark(r2.pk, date(2025, 6, 1))
    dec = shiharai_keisan(shiharai_month=date(2025, 12, 1), actor=CLERK)
    assert {k for *_, k in _lines(dec)} == {MeisaiKind.TSUJO}
    assert not JidoteateChosei.objects.filter(shiharai=dec).exists()
    # 寒川町 sees none of it
    connection.set_tenant(beta.municipality)
    assert not JidoteateChosei.objects.exists()
    assert not JidoteateShiharaiMeisai.objects.exists()


def test_kakutei_out_of_order_is_refused(alpha, django_capture_on_commit_callbacks):
    # given two computed runs, the earlier not 確定
    connection.set_tenant(alpha.municipality)
    f, _m, k = _tennyu(
        django_capture_on_commit_callbacks, "hayama", _family("山田", "ヤマダ", ["2016-06-01"])
    )
    _nintei(f, [k])
    _irainin(alpha, ADMIN)
    aug = shiharai_keisan(shiharai_month=date(2025, 8, 1), actor=CLERK)
    oct_ = shiharai_keisan(shiharai_month=date(2025, 10, 1), actor=CLERK)
    # then the later cannot be 確定 first, nor after the earlier without recomputing
    from fukushi.services.jidoteate import JidoteateRefused

    with pytest.raises(JidoteateRefused, match="前の支払月が確定していません"):
        furikomi_create(shiharai_id=oct_.pk, torikumi=date(2025, 10, 10), actor=CLERK)
    furikomi_create(shiharai_id=aug.pk, torikumi=date(2025, 8, 8), actor=CLERK)
    with pytest.raises(JidoteateRefused, match="再計算してから確定してください"):
        furikomi_create(shiharai_id=oct_.pk, torikumi=date(2025, 10, 10), actor=CLERK)
    oct_ = shiharai_keisan(shiharai_month=date(2025, 10, 1), actor=CLERK)
    assert furikomi_create(shiharai_id=oct_.pk, torikumi=date(2025, 10, 10), actor=CLERK).kakutei_at
