"""過誤納 of a corporation (法人住民税, keyed by its 法人番号) is 充当 to that corporation's own
unpaid 期別 — never to a person's, nor to another town's 期別 of the same 法人番号 — with the
延滞金 of the 本税 it pays off (地方税法第17条の2第1項・第3項), the rest refunded; the 還付通知書
names the corporation (docs/standard/shuno.md S-5).

Figures by hand, 令和7年 2.4%・8.7% (zeimu/params/shuno.yaml): the old 期別 50,000円 (納期限
令和7年5月31日) is 充当 on its 充当適状日 令和7年12月1日 (the day the 過誤納 arose, a 減額 of
that day): 50,000×2.4%×30/365 = 98; 50,000×8.7%×154/365 = 1,835 → 1,933 → 1,900円.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from pypdf import PdfReader

from juminkiroku.tests.factories import family, household_tennyu
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from zeimu.forms.notices import Issuer
from zeimu.models import Hojin, Kanpu, Kibetsu, Zeimoku
from zeimu.rules.shuno_kanpu import KOSEI
from zeimu.services.shuno import (
    ENTAIKIN_KEY,
    ShunoRefused,
    balances,
    chotei_post,
    juto_apply,
    madoguchi_nofu,
)
from zeimu.services.shuno_kanpu import (
    juto_decide,
    juto_notices,
    juto_render,
    kanpu_decide,
    kanpu_notices,
    kanpu_render,
)

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="tester")
BANGO = "1234567890123"


def hojin_post(key: str, amount: int, nouki: date, ref: str, on: date) -> Any:
    return chotei_post(zeimoku=Zeimoku.HOJINZEI, key=key, atena_id=None, hojin_bango=BANGO,
                       nendo=2025, ki=1, ki_label="確定申告分", nouki=nouki, amount=amount,
                       ref=ref, on=on, actor=ACTOR)  # fmt: skip


def _town() -> dict[str, Any]:
    """The corporation's old unpaid 期別, its overpaid one (paid, then lowered on 12/1), and a
    person of the same town with an older unpaid 期別."""
    Hojin.objects.create(hojin_bango=BANGO, meisho="株式会社葉山商事", postal_code="2400192",
                         shozaichi="神奈川県三浦郡葉山町一色1番地", kessan_tsuki=3)  # fmt: skip
    _, (person, *_) = household_tennyu("hayama", members=family(), ido_date=date(2015, 4, 1))
    p = chotei_post(zeimoku=Zeimoku.JUMINZEI, key="p1", atena_id=person.pk, nendo=2025, ki=1,
                    ki_label="第1期", nouki=date(2025, 4, 30), amount=30_000, ref="p1:t",
                    on=date(2025, 4, 1), actor=ACTOR)  # fmt: skip
    old = hojin_post("h:old", 50_000, date(2025, 5, 31), "h:old:t", date(2025, 5, 1))
    over = hojin_post("h:new", 300_000, date(2025, 8, 31), "h:new:t", date(2025, 8, 1))
    madoguchi_nofu(nofu_bango=over.nofu_bango, amount=300_000, shuno_date=date(2025, 8, 29),
                   actor=ACTOR)  # fmt: skip
    hojin_post("h:new", 200_000, date(2025, 8, 31), "h:new:k", date(2025, 12, 1))
    return {"person": person, "p": p, "old": old, "over": over}


def zan(posted: Any) -> int:
    return balances([posted.kibetsu_id])[posted.kibetsu_id].zan


def test_kanpu_of_a_corporation_juto_its_own_debt_and_its_entaikin(in_alpha: Any) -> None:
    t = _town()
    out = kanpu_decide(kibetsu_id=t["over"].kibetsu_id, kettei_date=date(2026, 2, 27),
                       shiharai_hoho="madoguchi", shiharai_date=date(2026, 3, 10), jiyu=KOSEI,
                       actor=ACTOR)  # fmt: skip
    # the corporation's old 本税, then its 延滞金 to the 充当適状日 (12/1): 1,900円
    ent = Kibetsu.objects.get(key=f"{ENTAIKIN_KEY}{t['old'].kibetsu_id}")
    assert ent.hojin_bango == BANGO and ent.atena_id is None
    assert [(j.to_kibetsu_id, j.amount, j.entaikin) for j in out.juto] == [
        (t["old"].kibetsu_id, 50_000, False),
        (ent.pk, 1_900, True),
    ]
    # the rest refunded to the corporation; the person's debt untouched
    k = out.kanpu
    assert k is not None and k.amount == 100_000 - 51_900
    assert (k.atena_id, k.hojin_bango) == (None, BANGO)
    assert zan(t["old"]) == 0 and zan(t["over"]) == 0 and zan(t["p"]) == 30_000
    assert balances([ent.pk])[ent.pk].zan == 0
    assert AccessLog.objects.filter(screen="過誤納金の充当", record_type="hojin",
                                    record_id=BANGO).exists()  # fmt: skip
    # the 還付通知書 names the corporation, read back
    pdf = kanpu_render(kanpu_notices([k]), issuer=Issuer("葉山町", "神奈川県"))
    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
    for want in ("過誤納金還付通知書", "株式会社葉山商事", "葉山町一色1番地", "48,100円",
                 "充当した額"):  # fmt: skip
        assert want in text, want
    # a second decision finds nothing
    with pytest.raises(ShunoRefused):
        kanpu_decide(kibetsu_id=t["over"].kibetsu_id, kettei_date=date(2026, 2, 27),
                     shiharai_hoho="madoguchi", shiharai_date=date(2026, 3, 10), jiyu=KOSEI,
                     actor=ACTOR)  # fmt: skip


def test_juto_decision_of_a_corporation_and_its_notice(in_alpha: Any) -> None:
    t = _town()
    tsuchi = juto_decide(kibetsu_id=t["over"].kibetsu_id, juto_date=date(2026, 2, 27),
                         jiyu=KOSEI, actor=ACTOR)  # fmt: skip
    assert (tsuchi.atena_id, tsuchi.hojin_bango) == (None, BANGO)
    assert (tsuchi.amount, tsuchi.entaikin, tsuchi.nokori) == (50_000, 1_900, 48_100)
    assert zan(t["over"]) == -48_100 and zan(t["p"]) == 30_000
    assert not Kanpu.objects.exists()
    pdf = juto_render(juto_notices([tsuchi]), issuer=Issuer("葉山町", "神奈川県"))
    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "株式会社葉山商事" in text and "50,000円" in text and "1,900円" in text


def test_a_person_and_a_corporation_never_share_a_juto(in_alpha: Any) -> None:
    t = _town()
    # the person's 過誤納 (paid twice) goes to the person's debts only
    madoguchi_nofu(nofu_bango=t["p"].nofu_bango, amount=60_000, shuno_date=date(2025, 4, 30),
                   actor=ACTOR)  # fmt: skip
    moved = juto_apply(atena_id=t["person"].pk, on=date(2026, 1, 5), actor=ACTOR)
    assert moved == [] and zan(t["old"]) == 50_000
    # the corporation by its 法人番号: its own old 期別 only
    moved = juto_apply(hojin_bango=BANGO, on=date(2026, 1, 5), actor=ACTOR)
    assert [(m.to_kibetsu_id, m.amount) for m in moved] == [(t["old"].kibetsu_id, 50_000)]
    assert zan(t["p"]) == -30_000
    with pytest.raises(ShunoRefused, match="宛名か法人番号のどちらか一方"):
        juto_apply(atena_id=t["person"].pk, hojin_bango=BANGO, on=date(2026, 1, 5), actor=ACTOR)


def test_two_towns_keep_the_same_corporations_ledgers_apart(alpha: Any, beta: Any) -> None:
    # 寒川町 has an unpaid 期別 of the same corporation (an office there too)
    connection.set_tenant(beta.municipality)
    theirs = hojin_post("s:old", 40_000, date(2025, 5, 31), "s:old:t", date(2025, 5, 1))
    connection.set_tenant(alpha.municipality)
    t = _town()
    out = kanpu_decide(kibetsu_id=t["over"].kibetsu_id, kettei_date=date(2026, 2, 27),
                       shiharai_hoho="madoguchi", shiharai_date=date(2026, 3, 10), jiyu=KOSEI,
                       actor=ACTOR)  # fmt: skip
    assert {j.to_kibetsu_id for j in out.juto} <= set(
        Kibetsu.objects.filter(hojin_bango=BANGO).values_list("pk", flat=True)
    )
    connection.set_tenant(beta.municipality)
    assert zan(theirs) == 40_000
    assert not Kanpu.objects.exists()
    assert not Kibetsu.objects.filter(key__startswith=ENTAIKIN_KEY).exists()
    # and 寒川町's own 充当 finds nothing to move (no 過誤納 there)
    assert juto_apply(hojin_bango=BANGO, on=date(2026, 2, 27), actor=ACTOR) == []
