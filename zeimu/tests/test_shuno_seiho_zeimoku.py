"""The 税目 of 生活保護's 返還金 (法第63条) and 徴収金 (法第78条) on the ledger: their
納付番号 carry their own digits and they bear no 延滞金 (``ENTAIKIN_NASHI``), while a tax
of the same amount and dates does (豊橋市's example in test_shuno.py: 65,000円 due
令和3年5月31日 paid 令和4年1月31日 bears 3,400円)."""

from __future__ import annotations

from datetime import date
from typing import Any

from zeimu.models import Zeimoku
from zeimu.services.shuno import entaikin_many, entaikin_of
from zeimu.tests.test_shuno import payer, post  # noqa: F401  (the fixture)


def test_seiho_zeimoku_bear_no_entaikin(payer: Any) -> None:  # noqa: F811
    kw = {"nendo": 2021, "nouki": date(2021, 5, 31), "on": date(2021, 4, 1)}
    tax = post(payer.pk, "t", 65_000, "t1", **kw)
    h63 = post(payer.pk, "s63", 65_000, "s1", zeimoku=Zeimoku.SEIHO_HENKAN, **kw)
    c78 = post(payer.pk, "s78", 65_000, "s2", zeimoku=Zeimoku.SEIHO_CHOSHU, **kw)
    h77 = post(payer.pk, "s77", 65_000, "s3", zeimoku=Zeimoku.SEIHO_HENKAN77, **kw)
    assert (h63.nofu_bango[:4], c78.nofu_bango[:4], h77.nofu_bango[:4]) == ("1021", "1121", "1221")
    assert entaikin_of(h77.kibetsu_id, paid_on=date(2022, 1, 31)).entaikin == 0
    paid = date(2022, 1, 31)
    assert entaikin_of(tax.kibetsu_id, paid_on=paid).entaikin == 3_400
    assert entaikin_of(h63.kibetsu_id, paid_on=paid).entaikin == 0
    assert entaikin_of(c78.kibetsu_id, paid_on=paid).entaikin == 0
    many = entaikin_many([tax.kibetsu_id, h63.kibetsu_id, c78.kibetsu_id], paid_on=paid)
    assert [many[k].entaikin for k in (tax.kibetsu_id, h63.kibetsu_id, c78.kibetsu_id)] == [
        3_400,
        0,
        0,
    ]
