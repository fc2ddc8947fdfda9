"""The 戸籍附票連携 screens (標準仕様書 7.2.4): the queue with 再送信, the printed 通知書, the
突合; two towns."""

from __future__ import annotations

from datetime import date

import pytest

from juminkiroku.fuhyo.tsuchi import SYSTEM_ACTOR, fuhyo_tsuchi_make, fuhyo_tsuchi_send
from juminkiroku.models import FuhyoTotsugo, FuhyoTsuchi
from juminkiroku.models.fuhyo import FuhyoStatus
from juminkiroku.tests.cshelpers import cs_fixture  # noqa: F401 - fixture
from juminkiroku.tests.factories import household_tennyu, person_fields
from juminkiroku.tests.fuhyohelpers import fuhyo_fixture  # noqa: F401 - fixture
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.testing.pdf import pdf_pages
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db

SAMUKAWA_HONSEKI = "神奈川県高座郡寒川町宮山135番地"


def test_queue_shows_the_refusal_in_words_and_resends(fuhyo, alpha, login):
    connection.set_tenant(alpha.municipality)
    _, (person,) = household_tennyu("hayama", members=[person_fields()], ido_date=date(2024, 4, 1))
    fuhyo_tsuchi_make(actor=SYSTEM_ACTOR)
    notice = FuhyoTsuchi.objects.get()
    FuhyoTsuchi.objects.filter(pk=notice.pk).update(record={**notice.record, "sex": ""})
    fuhyo_tsuchi_send(actor=SYSTEM_ACTOR)
    client = login("hayama-clerk", ALPHA_HOST)
    page = client.get("/juminkiroku/fuhyo/").content.decode()
    assert "通知に必要な項目が記載されていません。（F101）" in page
    assert "エラー（相手方が受け付けませんでした）" in page and "令和6年4月1日" in page
    assert "管内本籍（戸籍附票システムへ）" in page and person.atena_no in page
    r = client.post("/juminkiroku/fuhyo/", {"act": "resend", "id": notice.pk})
    assert r.status_code == 302
    connection.set_tenant(alpha.municipality)
    assert FuhyoTsuchi.objects.get().status == FuhyoStatus.PENDING
    row = AccessLog.objects.filter(screen="戸籍附票連携").latest("id")
    assert row.detail["atena_ids"] == [person.pk]


def test_other_town_sees_none_of_it_and_cannot_act_on_it(fuhyo, alpha, beta, login):
    connection.set_tenant(alpha.municipality)
    household_tennyu("hayama", members=[person_fields(honseki=SAMUKAWA_HONSEKI)])
    fuhyo_tsuchi_make(actor=SYSTEM_ACTOR)
    notice = FuhyoTsuchi.objects.get()
    client = login("samukawa-clerk", BETA_HOST)
    page = client.get("/juminkiroku/fuhyo/").content.decode()
    assert "管外本籍の通知はありません。" in page and SAMUKAWA_HONSEKI not in page
    r = client.post("/juminkiroku/fuhyo/tsuchisho/", {"ids": [notice.pk], "paper": "1"})
    assert r.status_code == 302  # nothing of that id in 寒川町
    connection.set_tenant(alpha.municipality)
    notice.refresh_from_db()
    assert notice.status == FuhyoStatus.PENDING and notice.printed_at is None


def test_print_the_kangai_tsuchisho_and_run_a_totsugo(fuhyo, alpha, login, settings):
    settings.JC_CS_URL = ""
    connection.set_tenant(alpha.municipality)
    household_tennyu(
        "hayama", members=[person_fields(honseki=SAMUKAWA_HONSEKI)], ido_date=date(2024, 4, 1)
    )
    household_tennyu("hayama", members=[person_fields(shimei="鈴木　一郎")])
    fuhyo_tsuchi_make(actor=SYSTEM_ACTOR)
    fuhyo_tsuchi_send(actor=SYSTEM_ACTOR)
    kangai = FuhyoTsuchi.objects.get(kubun="kangai")
    client = login("hayama-clerk", ALPHA_HOST)
    page = client.get("/juminkiroku/fuhyo/").content.decode()
    assert SAMUKAWA_HONSEKI in page and "未印刷" in page
    r = client.post("/juminkiroku/fuhyo/tsuchisho/", {"ids": [kangai.pk], "paper": "1"})
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    (text,) = pdf_pages(r.content)
    assert "寒川町長様" in text and "住所を定めた年月日令和6年4月1日" in text
    r = client.post("/juminkiroku/fuhyo/", {"act": "totsugo"})
    assert r.status_code == 302
    page = client.get("/juminkiroku/fuhyo/").content.decode()
    assert "書面で送付済" in page
    assert "管内本籍の住民 1件を送信" in page
    connection.set_tenant(alpha.municipality)
    assert FuhyoTsuchi.objects.get(pk=kangai.pk).status == FuhyoStatus.PAPER
    assert FuhyoTotsugo.objects.get().sent == 1
    assert AccessLog.objects.filter(screen="戸籍の附票記載事項通知書").count() == 1


def test_viewer_may_not_open_the_queue(fuhyo, alpha, login):
    client = login("hayama-viewer", ALPHA_HOST)
    assert client.get("/juminkiroku/fuhyo/").status_code == 403
