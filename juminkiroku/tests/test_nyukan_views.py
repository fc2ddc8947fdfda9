"""The screens of 標準仕様書 4.5.1/4.5.2 (entry), 4.5.6, 4.5.7 and 4.1.4.3, in two towns."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from juminkiroku.codes import IdoJiyu, IdoStatus, ZairyuKubun
from juminkiroku.models import Atena, Ido, JijitsujoSetainushi, NyukanTsuchi, ShichosonTsuchi
from juminkiroku.tests.factories import approve, household_tennyu
from juminkiroku.tests.test_nyukan import csv_file, ido_of, register, sid
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db

NOTICE = "2024-05-01,2024-04-25,shikaku,AB12345678CD,,,,永住者,,,,,"
UNMATCHED = "2024-04-01,2024-03-25,kubun,,NOBODY X,1990-01-01,2,,,,,,4"


def test_4_5_1_the_entry_screen_offers_the_kubun_in_words(login, alpha):
    clerk = login("hayama-clerk", ALPHA_HOST)
    for jiyu in (IdoJiyu.HO30_46_TENNYU, IdoJiyu.HO30_47_TODOKE):
        html = clerk.get(f"/juminkiroku/ido/new/{jiyu.value}/").content.decode()
        assert jiyu.label in html
        assert "法第30条の45区分" in html and "仮滞在許可者" in html


def test_4_5_6_upload_list_kakunin_and_manual_torikomi(login, alpha):
    connection.set_tenant(alpha.municipality)
    person = register("hayama")
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    upload = SimpleUploadedFile("tsuchi.csv", csv_file(NOTICE, UNMATCHED), "text/csv")
    r = clerk.post("/juminkiroku/nyukan/upload/", {"file": upload}, follow=True)
    page = r.content.decode()
    assert "2件を受け付けました。1件を異動として仮登録し" in page
    assert "NOBODY X" in page and "該当する外国人住民が見つかりません" in page
    connection.set_tenant(alpha.municipality)
    done = NyukanTsuchi.objects.get(kind="shikaku")
    waiting = NyukanTsuchi.objects.get(kind="kubun")
    connection.set_schema_to_public()
    # While its 仮登録 waits, a second notice of the person is refused (one at a time).
    r = clerk.post(
        f"/juminkiroku/nyukan/{waiting.pk}/torikomi/", {"atena_no": person.atena_no}, follow=True
    )
    assert "異動入力中" in r.content.decode()
    html = clerk.get(f"/juminkiroku/nyukan/{done.pk}/").content.decode()
    assert "処理結果確認票" in html and "技術・人文知識・国際業務" in html and "永住者" in html
    # 手動取込 of the unmatched notice, naming the person by 宛名番号.
    r = clerk.post(f"/juminkiroku/nyukan/{waiting.pk}/torikomi/", {"atena_no": "999999999"})
    assert r.status_code == 302
    connection.set_tenant(alpha.municipality)
    assert NyukanTsuchi.objects.get(pk=waiting.pk).ido_id is None
    approve(ido_of(done), reviewer="hayama-shinsa")
    connection.set_schema_to_public()
    r = clerk.post(
        f"/juminkiroku/nyukan/{waiting.pk}/torikomi/", {"atena_no": person.atena_no}, follow=True
    )
    html = r.content.decode()
    assert "仮登録しました" in html and "仮滞在許可者" in html  # the 確認票 after it
    connection.set_tenant(alpha.municipality)
    ido = ido_of(NyukanTsuchi.objects.get(pk=waiting.pk))
    assert ido.status == IdoStatus.KARI and ido.payload["persons"][0]["fields"] == {
        "zairyu_kubun": ZairyuKubun.KARITAIZAI
    }
    assert AccessLog.objects.filter(screen="出入国在留管理庁長官通知 未取込一覧").exists()
    assert AccessLog.objects.filter(screen="処理結果確認票").exists()


def test_4_5_6_a_bad_file_is_refused_in_japanese(login, alpha):
    clerk = login("hayama-clerk", ALPHA_HOST)
    upload = SimpleUploadedFile("x.csv", b"a,b\r\n", "text/csv")
    r = clerk.post("/juminkiroku/nyukan/upload/", {"file": upload}, follow=True)
    assert "見出しが取込レイアウトと一致しません" in r.content.decode()
    r = clerk.post("/juminkiroku/nyukan/upload/", {}, follow=True)
    assert "ファイルを選択してください" in r.content.decode()


def test_4_5_6_a_viewer_cannot_upload(login, alpha):
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert viewer.get("/juminkiroku/nyukan/").status_code == 200
    upload = SimpleUploadedFile("tsuchi.csv", csv_file(NOTICE), "text/csv")
    assert viewer.post("/juminkiroku/nyukan/upload/", {"file": upload}).status_code in (403, 404)
    connection.set_tenant(alpha.municipality)
    assert not NyukanTsuchi.objects.exists()


def test_4_5_6_and_4_5_7_other_town_sees_nothing(login, alpha, beta):
    connection.set_tenant(alpha.municipality)
    register("hayama")
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    upload = SimpleUploadedFile("tsuchi.csv", csv_file(UNMATCHED), "text/csv")
    clerk.post("/juminkiroku/nyukan/upload/", {"file": upload})
    clerk.post("/juminkiroku/nyukan/shichoson/collect/")
    connection.set_tenant(alpha.municipality)
    tsuchi = NyukanTsuchi.objects.get()
    person = Atena.objects.get(alpha_name="SMITH JOHN")
    assert ShichosonTsuchi.objects.count() == 1
    connection.set_schema_to_public()
    html = clerk.get("/juminkiroku/nyukan/shichoson/").content.decode()
    assert "法第30条の46転入" in html and "住基法・入管法" in html
    other = login("samukawa-clerk", BETA_HOST)
    assert "NOBODY" not in other.get("/juminkiroku/nyukan/").content.decode()
    assert "スミス" not in other.get("/juminkiroku/nyukan/shichoson/").content.decode()
    r = other.post(f"/juminkiroku/nyukan/{tsuchi.pk}/torikomi/", {"atena_no": person.atena_no})
    assert r.status_code == 302
    connection.set_tenant(alpha.municipality)
    assert NyukanTsuchi.objects.get().ido_id is None
    connection.set_tenant(beta.municipality)
    assert not NyukanTsuchi.objects.exists() and not Ido.objects.exists()


def test_4_1_4_3_screen_records_the_name_and_other_town_gets_404(login, alpha, beta):
    connection.set_tenant(alpha.municipality)
    _, (head,) = household_tennyu("hayama")
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    url = f"/juminkiroku/setai/{sid(head)}/jijitsujo/"
    assert "記録はありません" in clerk.get(url).content.decode()
    r = clerk.post(url, {"shimei": "ジョンソン　マイク", "riyu": "在日米軍"}, follow=True)
    assert "ジョンソン　マイク（在日米軍）" in r.content.decode()
    r = clerk.post(url, {"shimei": "あ" * 101})
    assert r.status_code == 400 and "100文字以内" in r.content.decode()
    assert (
        f"/juminkiroku/setai/{sid(head)}/jijitsujo/"
        in clerk.get(f"/juminkiroku/persons/{head.pk}/").content.decode()
    )
    other = login("samukawa-clerk", BETA_HOST)
    connection.set_tenant(beta.municipality)
    has_residents = Atena.objects.filter(setai_id=sid(head)).exists()
    connection.set_schema_to_public()
    if not has_residents:
        assert other.get(url).status_code == 404
        assert other.post(url, {"shimei": "X"}).status_code == 404
    connection.set_tenant(beta.municipality)
    assert not JijitsujoSetainushi.objects.filter(shimei="ジョンソン　マイク").exists()
    connection.set_tenant(alpha.municipality)
    assert JijitsujoSetainushi.objects.get().shimei == "ジョンソン　マイク"


def test_4_5_6_and_4_5_7_screens_log_the_persons_shown_and_404_elsewhere(login, alpha, beta):
    connection.set_tenant(alpha.municipality)
    person = register("hayama")
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    clerk.post(
        "/juminkiroku/nyukan/upload/",
        {"file": SimpleUploadedFile("t.csv", csv_file(NOTICE), "text/csv")},
    )
    clerk.post("/juminkiroku/nyukan/shichoson/collect/")
    connection.set_tenant(alpha.municipality)
    tsuchi = NyukanTsuchi.objects.get()
    before = AccessLog.objects.count()
    connection.set_schema_to_public()
    assert clerk.get(f"/juminkiroku/nyukan/{tsuchi.pk}/").status_code == 200
    assert clerk.get("/juminkiroku/nyukan/shichoson/").status_code == 200
    assert clerk.get(f"/juminkiroku/setai/{sid(person)}/jijitsujo/").status_code == 200
    connection.set_tenant(alpha.municipality)
    rows = list(AccessLog.objects.order_by("id")[before:])
    assert [(r.screen, r.record_type) for r in rows] == [
        ("処理結果確認票", "atena"),
        ("市町村通知 未送信一覧", "atena"),
        ("事実上の世帯主", "setai"),
    ]
    assert rows[0].detail["atena_ids"] == [person.pk]
    assert rows[1].detail["atena_ids"] == [person.pk]
    assert rows[2].record_id == str(sid(person))
    before = AccessLog.objects.count()
    connection.set_schema_to_public()
    other = login("samukawa-clerk", BETA_HOST)
    connection.set_tenant(beta.municipality)
    beta_before = AccessLog.objects.count()
    connection.set_schema_to_public()
    assert other.get(f"/juminkiroku/nyukan/{tsuchi.pk}/").status_code == 404
    assert "スミス" not in other.get("/juminkiroku/nyukan/shichoson/").content.decode()
    connection.set_tenant(beta.municipality)
    assert AccessLog.objects.count() == beta_before  # an empty list writes no row
    connection.set_tenant(alpha.municipality)
    assert AccessLog.objects.count() == before


def test_4_5_6_the_kakunin_hyo_prints_and_is_logged(login, alpha, beta):
    from tenants.testing.pdf import pdf_pages

    connection.set_tenant(alpha.municipality)
    register("hayama")
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    clerk.post(
        "/juminkiroku/nyukan/upload/",
        {"file": SimpleUploadedFile("t.csv", csv_file(NOTICE), "text/csv")},
    )
    connection.set_tenant(alpha.municipality)
    tsuchi = NyukanTsuchi.objects.get()
    connection.set_schema_to_public()
    r = clerk.get(f"/juminkiroku/nyukan/{tsuchi.pk}/pdf/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = "".join(pdf_pages(r.content))
    assert "処理結果確認票" in text and "永住者" in text and "技術・人文知識・国際業務" in text
    connection.set_tenant(alpha.municipality)
    row = AccessLog.objects.get(action="print", screen="処理結果確認票")
    assert row.record_type == "nyukan_tsuchi" and row.record_id == str(tsuchi.pk)
    connection.set_schema_to_public()
    other = login("samukawa-clerk", BETA_HOST)
    assert other.get(f"/juminkiroku/nyukan/{tsuchi.pk}/pdf/").status_code == 404
