"""The 団体内統合宛名連携 and 他業務連携ファイル screens (標準仕様書 7.1.2.3, 7.2.1), two towns."""

from __future__ import annotations

from datetime import date

import pytest

from juminkiroku.models import PfFile, TogoSoshin
from juminkiroku.models.togo import TogoStatus
from juminkiroku.tests.factories import household_tennyu, person_fields
from juminkiroku.tests.togohelpers import control, outbox_fixture, togo_fixture  # noqa: F401
from juminkiroku.togo.soshin import SYSTEM_ACTOR, togo_soshin_make, togo_soshin_send
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db


def test_queue_shows_the_refusal_resends_and_runs_the_totsugo(togo, alpha, beta, login):
    connection.set_tenant(alpha.municipality)
    _, (person,) = household_tennyu("hayama", ido_date=date(2024, 4, 1))
    control(togo, {"reject": {person.atena_no: ["E501", "氏名の文字が使用できません。"]}})
    togo_soshin_make(actor=SYSTEM_ACTOR)
    togo_soshin_send(actor=SYSTEM_ACTOR)
    client = login("hayama-clerk", ALPHA_HOST)
    page = client.get("/juminkiroku/togo/").content.decode()
    assert "氏名の文字が使用できません。（E501）" in page
    assert "統合宛名システムがエラーとしました" in page and "令和6年4月1日" in page
    assert person.atena_no in page and "転入" in page
    connection.set_tenant(alpha.municipality)
    row = AccessLog.objects.filter(screen="団体内統合宛名連携").latest("id")
    assert row.detail["atena_ids"] == [person.pk]
    # 寒川町's clerk sees an empty queue: not 葉山町's person
    other = login("samukawa-clerk", BETA_HOST)
    assert person.atena_no not in other.get("/juminkiroku/togo/").content.decode()
    # 再送信, then 今すぐ送信
    control(togo, {"reject": {person.atena_no: None}})
    connection.set_tenant(alpha.municipality)
    rec = TogoSoshin.objects.get(status=TogoStatus.REJECTED)
    assert other.post("/juminkiroku/togo/", {"act": "resend", "id": rec.pk}).status_code == 302
    connection.set_tenant(alpha.municipality)
    assert TogoSoshin.objects.get().status == TogoStatus.REJECTED  # 寒川町 cannot touch it
    client.post("/juminkiroku/togo/", {"act": "resend", "id": rec.pk})
    r = client.post("/juminkiroku/togo/", {"act": "sync"}, follow=True)
    assert "送信 1件" in r.content.decode()
    connection.set_tenant(alpha.municipality)
    assert TogoSoshin.objects.get().status == TogoStatus.SENT
    # 突合 from the screen
    r = client.post("/juminkiroku/togo/", {"act": "totsugo"}, follow=True)
    assert "突合を実行しました（1件中 相違 0件、再送信 0件）。" in r.content.decode()
    r = client.post("/juminkiroku/togo/", {"act": "nonsense"}, follow=True)
    assert "操作が正しくありません。" in r.content.decode()


def test_screen_without_togo_system_says_so(settings, alpha, login):
    settings.JC_TOGO_URL = ""
    client = login("hayama-clerk", ALPHA_HOST)
    assert "接続先が設定されていません" in client.get("/juminkiroku/togo/").content.decode()


def test_viewer_cannot_act(togo, alpha, login):
    connection.set_tenant(alpha.municipality)
    household_tennyu("hayama")
    client = login("hayama-viewer", ALPHA_HOST)
    assert client.post("/juminkiroku/togo/", {"act": "sync"}).status_code == 403
    assert client.post("/juminkiroku/pf/", {"act": "write"}).status_code == 403
    connection.set_tenant(alpha.municipality)
    assert TogoSoshin.objects.count() == 0


def test_pf_screen_writes_and_lists_the_files_of_its_town(outbox, alpha, beta, login):
    connection.set_tenant(alpha.municipality)
    household_tennyu("hayama", members=[person_fields()])
    client = login("hayama-clerk", ALPHA_HOST)
    assert "ファイル未作成の異動" in client.get("/juminkiroku/pf/").content.decode()
    r = client.post("/juminkiroku/pf/", {"act": "write"}, follow=True)
    page = r.content.decode()
    assert "連携ファイルを作成しました（1ファイル、1件）。" in page
    assert f"JKIDO_{alpha.municipality.dantai_code}_00000001.csv" in page and "作成済" in page
    r = client.post("/juminkiroku/pf/", {"act": "write"}, follow=True)
    assert "前回のファイル以降の異動はありません。" in r.content.decode()
    other = login("samukawa-clerk", BETA_HOST)
    assert "JKIDO_" not in other.get("/juminkiroku/pf/").content.decode()
    connection.set_tenant(beta.municipality)
    assert PfFile.objects.count() == 0
    assert not (outbox / beta.municipality.schema_name).exists()
