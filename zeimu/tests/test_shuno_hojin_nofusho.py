"""A corporation's 納付書 from its 収納 ledger page (zeimu/views/shuno_hojin.py
``shuno_hojin_nofusho_pdf``; docs/standard/shuno.md S-10, S-13): one chosen 期別 with a
balance, through the shared ``nofusho_issue`` (納付番号, the コンビニ barcode when the town has a
contract), the slip written down, the PDF read back, the print logged against the
corporation; refused with nothing written for a 期別 with no balance or of another taxpayer;
葉山町 and 寒川町 hold the same 法人番号 and neither prints the other's.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.params.tenant.services import municipal_parameter_set
from tenants.testing.pdf import pdf_pages, squash
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.models import Hojin, NofushoHakko, Zeimoku
from zeimu.rules.conveni import make
from zeimu.services.shuno import chotei_post, madoguchi_nofu
from zeimu.tests.factories import grant_beta_shuno

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="test")
BANGO = "9234567890123"
KIGYO = "912345"
SCREEN = "zeimu.shuno_hojin_nofusho_pdf"


def _post(key: str, amount: int, ki: int, label: str) -> Any:
    return chotei_post(zeimoku=Zeimoku.HOJINZEI, key=key, atena_id=None, hojin_bango=BANGO,
                       nendo=2026, ki=ki, ki_label=label, nouki=date(2026, 5, 31),
                       amount=amount, ref=f"{key}:t", on=date(2026, 5, 1),
                       actor=ACTOR)  # fmt: skip


def _corporation(meisho: str, shozaichi: str) -> Hojin:
    return Hojin.objects.create(hojin_bango=BANGO, meisho=meisho, postal_code="2400192",
                                shozaichi=shozaichi, kessan_tsuki=3)  # fmt: skip


@pytest.fixture
def corp(alpha: Any, beta: Any) -> dict[str, Any]:
    connection.set_tenant(alpha.municipality)
    municipal_parameter_set(key="zeimu.shuno.conveni.kigyo_code", fiscal_year=2026,
                            value_text=KIGYO, reason="収納代行契約（テスト）",
                            actor=ACTOR)  # fmt: skip
    hojin = _corporation("株式会社葉山商事", "神奈川県三浦郡葉山町一色1番地")
    owed = _post("h:owed", 52_000, 1, "確定申告分")
    paid = _post("h:paid", 30_000, 2, "予定申告分")
    madoguchi_nofu(nofu_bango=paid.nofu_bango, amount=30_000, shuno_date=date(2026, 5, 20),
                   actor=ACTOR)  # fmt: skip
    # 寒川町 holds a corporation of the same 法人番号, with a 期別 of its own
    connection.set_tenant(beta.municipality)
    theirs = _corporation("株式会社葉山商事寒川支店", "神奈川県高座郡寒川町宮山1番地")
    their_owed = _post("s:owed", 41_000, 1, "確定申告分")
    connection.set_schema_to_public()
    return {"hojin": hojin, "owed": owed, "paid": paid, "theirs": theirs, "their": their_owed}


def _slips() -> list[tuple[int, int, str]]:
    return list(NofushoHakko.objects.order_by("pk").values_list("kibetsu_id", "amount", "barcode"))


def test_the_corporations_nofusho_for_a_chosen_kibetsu(
    world: Any, login: Any, corp: dict[str, Any]
) -> None:
    clerk = login("hayama-clerk", ALPHA_HOST)
    url = f"/zeimu/shuno/hojin/{corp['hojin'].pk}/nofusho.pdf"
    # given: the page offers a 納付書 for the 期別 with a balance only
    page = clerk.get(f"/zeimu/shuno/hojin/{corp['hojin'].pk}/").content.decode()
    assert page.count("納付書を印刷（新しいタブ）") == 1
    assert f'name="kibetsu_id" value="{corp["owed"].kibetsu_id}"' in page
    # when: it is printed
    r = clerk.post(url, {"kibetsu_id": corp["owed"].kibetsu_id})
    # then: a PDF naming the corporation, its 法人番号, the 期別's 納付番号 and amount, with the
    # コンビニ barcode of that 納付番号 (使用期限 = 納期限 or today, whichever is later)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = squash(" ".join(pdf_pages(r.content)))
    assert "株式会社葉山商事様" in text and "法人番号9234567890123" in text
    assert "法人住民税" in text and "52,000円" in text
    assert corp["owed"].nofu_bango in text
    assert "寒川" not in text
    connection.set_tenant(world.alpha.municipality)
    (slip,) = NofushoHakko.objects.all()
    expected = make(kigyo_code=KIGYO, nofu_bango=corp["owed"].nofu_bango, saihakko=0,
                    kigen=max(date(2026, 5, 31), slip.hakko_date), amount=52_000).data  # fmt: skip
    assert (slip.kibetsu_id, slip.amount, slip.barcode) == (
        corp["owed"].kibetsu_id,
        52_000,
        expected,
    )
    assert expected[8:28] in text  # the 納付番号 in the human-readable line
    row = AccessLog.objects.get(screen=SCREEN)
    assert (row.action, row.record_type, row.record_id) == (
        "print",
        "zeimu.Hojin",
        str(corp["hojin"].pk),
    )
    assert row.detail["kibetsu_ids"] == [corp["owed"].kibetsu_id]
    connection.set_schema_to_public()
    # a second print is a 再発行 (its 再発行区分 1 in the barcode)
    r = clerk.post(url, {"kibetsu_id": corp["owed"].kibetsu_id})
    assert "再発行" in squash(" ".join(pdf_pages(r.content)))
    # refused, nothing written: the 期別 paid in full, an id that is no 期別 of this
    # corporation, no id at all
    for data in ({"kibetsu_id": corp["paid"].kibetsu_id}, {"kibetsu_id": "999999"}, {}):
        page = clerk.post(url, data, follow=True).content.decode()
        assert (
            "この期別には未納額がないため、納付書は発行できません。" in page
            or "その期別はこの法人の期別ではありません。" in page
        ), data
    assert (
        "未納額がない"
        in clerk.post(url, {"kibetsu_id": corp["paid"].kibetsu_id}, follow=True).content.decode()
    )
    connection.set_tenant(world.alpha.municipality)
    assert [s[1] for s in _slips()] == [52_000, 52_000]
    assert AccessLog.objects.filter(screen=SCREEN).count() == 2
    connection.set_schema_to_public()
    # the 閲覧者 may read the page but not print
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert viewer.post(url, {"kibetsu_id": corp["owed"].kibetsu_id}).status_code == 403


def test_samukawa_prints_only_its_own_corporations_kibetsu(
    world: Any, login: Any, corp: dict[str, Any]
) -> None:
    grant_beta_shuno()
    helper = login("samukawa-clerk", BETA_HOST)
    url = f"/zeimu/shuno/hojin/{corp['theirs'].pk}/nofusho.pdf"
    # 葉山町's 期別 id on 寒川町's host names 寒川町's own 期別 of that id, or none: never
    # 葉山町's figures
    r = helper.post(url, {"kibetsu_id": corp["owed"].kibetsu_id}, follow=True)
    body = r.content if r["Content-Type"] == "application/pdf" else b""
    if body:
        assert "52,000" not in squash(" ".join(pdf_pages(body)))
    else:
        assert "52,000" not in r.content.decode()
    # its own 期別: 寒川町's corporation and amount, no barcode (no contract in 寒川町)
    r = helper.post(url, {"kibetsu_id": corp["their"].kibetsu_id})
    text = squash(" ".join(pdf_pages(r.content)))
    assert "寒川支店" in text and "41,000円" in text and "52,000" not in text
    assert "コンビニ収納の契約なし" in text
    connection.set_tenant(world.beta.municipality)
    assert corp["their"].kibetsu_id in [s[0] for s in _slips()]
    assert all(s[1] == 41_000 and s[2] == "" for s in _slips())
    connection.set_tenant(world.alpha.municipality)
    assert not NofushoHakko.objects.exists()
    assert not AccessLog.objects.filter(screen=SCREEN).exists()
    connection.set_schema_to_public()
