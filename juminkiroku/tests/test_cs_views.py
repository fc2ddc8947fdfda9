"""The 住基ネット screens: queue, actions, person screen card status, 住民票コード通知票 PDF
(標準仕様書 7.1.1.1, 7.1.1.3, 4.3.3, 4.1.1.3), two towns."""

from __future__ import annotations

from datetime import date

import pytest

from juminkiroku.cs.bango import juminhyo_code_aki_fetch
from juminkiroku.cs.common import SYSTEM_ACTOR
from juminkiroku.cs.soshin import cs_soshin_make, cs_soshin_send
from juminkiroku.models import CardJokyo, CsSoshin, Ido, JuminhyoCodeAki
from juminkiroku.models.cs import SoshinStatus
from juminkiroku.tests.cshelpers import control, cs_fixture  # noqa: F401 - fixture
from juminkiroku.tests.factories import actor_for, household_tennyu, person_fields, tenshutsu
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.testing.pdf import pdf_pages
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db


def person_with_code(town: str = "hayama"):
    juminhyo_code_aki_fetch(count=3, actor=actor_for(f"{town}-clerk"))
    _, (person,) = household_tennyu(town, members=[person_fields()])
    cs_soshin_make(actor=SYSTEM_ACTOR)
    cs_soshin_send(actor=SYSTEM_ACTOR)
    person.refresh_from_db()
    return person


def test_queue_shows_refused_record_with_reason_and_resends(cs, alpha, login):
    connection.set_tenant(alpha.municipality)
    juminhyo_code_aki_fetch(count=3, actor=actor_for("hayama-clerk"))
    _, (person,) = household_tennyu("hayama", members=[person_fields()], ido_date=date(2024, 4, 1))
    cs_soshin_make(actor=SYSTEM_ACTOR)
    person.refresh_from_db()
    control(
        cs,
        {
            "reject": {
                person.juminhyo_code: ["E501", "氏名の文字が住基ネット統一文字にありません。"]
            }
        },
    )
    cs_soshin_send(actor=SYSTEM_ACTOR)
    client = login("hayama-clerk", ALPHA_HOST)
    page = client.get("/juminkiroku/cs/").content.decode()
    assert "氏名の文字が住基ネット統一文字にありません。（E501）" in page
    assert "CSがエラーとしました" in page and "転入" in page and "令和6年4月1日" in page
    assert 'name="shimei" value="山田　太郎"' in page  # the clerk may complete it
    assert person.atena_no in page
    r = client.get("/juminkiroku/cs/jushin-errors.csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    assert "電文番号,受信日時,電文の種類,宛名番号" in r.content.decode("utf-8-sig")
    connection.set_tenant(alpha.municipality)
    assert AccessLog.objects.filter(screen="転入通知情報取込エラー一覧表").count() == 1
    row = AccessLog.objects.filter(screen="住基ネット連携").latest("id")
    assert row.detail["atena_ids"] == [person.pk]
    # 再送信 after the CS is fixed, then 今すぐ連携
    control(cs, {"reject": {person.juminhyo_code: None}})
    rec = CsSoshin.objects.get(status=SoshinStatus.REJECTED)
    r = client.post("/juminkiroku/cs/", {"act": "resend", "id": rec.pk})
    assert r.status_code == 302
    r = client.post("/juminkiroku/cs/", {"act": "sync"}, follow=True)
    assert "送信 2件" in r.content.decode()  # the 本人確認情報 and its 送付先情報
    connection.set_tenant(alpha.municipality)
    assert set(CsSoshin.objects.values_list("status", flat=True)) == {SoshinStatus.SENT}


def test_aki_fetch_from_the_screen_and_the_alert(cs, alpha, login):
    client = login("hayama-clerk", ALPHA_HOST)
    page = client.get("/juminkiroku/cs/").content.decode()
    assert "住民票コードの空き番が残り0件です" in page
    r = client.post("/juminkiroku/cs/", {"act": "aki", "count": "120"}, follow=True)
    assert "住民票コードの空き番を120件取得しました。" in r.content.decode()
    assert "残り" not in r.content.decode()
    r = client.post("/juminkiroku/cs/", {"act": "threshold", "threshold": "500"}, follow=True)
    assert "空き番の警告件数を500件にしました。" in r.content.decode()
    assert "住民票コードの空き番が残り120件です（警告件数 500件）" in r.content.decode()
    r = client.post("/juminkiroku/cs/", {"act": "threshold", "threshold": "-1"}, follow=True)
    assert "警告件数は0件から100,000件までで指定してください。" in r.content.decode()
    r = client.post("/juminkiroku/cs/", {"act": "aki", "count": "x"}, follow=True)
    assert "件数は数字で入力してください。" in r.content.decode()
    connection.set_tenant(alpha.municipality)
    assert JuminhyoCodeAki.objects.count() == 120


def test_screen_without_cs_says_so(settings, alpha, login):
    settings.JC_CS_URL = ""
    client = login("hayama-clerk", ALPHA_HOST)
    page = client.get("/juminkiroku/cs/").content.decode()
    assert "CSの接続先が設定されていません" in page


def test_person_screen_shows_card_status_in_words(cs, alpha, login):
    connection.set_tenant(alpha.municipality)
    person = person_with_code()
    CardJokyo.objects.create(atena=person, shurui="kojin", jotai="1", jotai_date=date(2024, 10, 1))
    client = login("hayama-clerk", ALPHA_HOST)
    page = client.get(f"/juminkiroku/persons/{person.pk}/").content.decode()
    assert "個人番号カード" in page and "交付済（令和6年10月1日）" in page
    assert "住基カード" in page and "CSからの情報なし" in page


def test_tsuchihyo_pdf_reads_back_and_other_town_gets_404(cs, alpha, beta, login):
    connection.set_tenant(alpha.municipality)
    person = person_with_code()
    client = login("hayama-clerk", ALPHA_HOST)
    r = client.get(f"/juminkiroku/cs/tsuchihyo/{person.pk}/shinki/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = pdf_pages(r.content)[0]
    assert "住民票コード通知票" in text and person.juminhyo_code in text
    assert "山田太郎様" in text
    r = client.get(f"/juminkiroku/cs/tsuchihyo/{person.pk}/henko/")
    assert "住民票コード変更通知票" in pdf_pages(r.content)[0]
    connection.set_tenant(alpha.municipality)
    assert AccessLog.objects.filter(screen="住民票コード通知票", action="print").count() == 1
    # 寒川町's clerk cannot print 葉山町's person
    other = login("samukawa-clerk", BETA_HOST)
    assert other.get(f"/juminkiroku/cs/tsuchihyo/{person.pk}/shinki/").status_code == 404
    # nor see 葉山町's queue
    connection.set_tenant(beta.municipality)
    assert other.get("/juminkiroku/cs/").status_code == 200
    assert person.atena_no not in other.get("/juminkiroku/cs/").content.decode()


def test_tokurei_screen_enters_the_tennyu_from_the_tenshutsu_shomei(cs, alpha, beta, login):
    connection.set_tenant(alpha.municipality)
    person = person_with_code()
    ido = tenshutsu(person, ido_date=date(2024, 9, 1), todoke_date=date(2024, 8, 20))
    Ido.objects.filter(pk=ido.pk).update(payload={**ido.payload, "tokurei": True})
    cs_soshin_make(actor=SYSTEM_ACTOR)
    cs_soshin_send(actor=SYSTEM_ACTOR)
    client = login("samukawa-clerk", BETA_HOST)
    r = client.post("/juminkiroku/cs/tokurei/", {"juminhyo_code": person.juminhyo_code})
    page = r.content.decode()
    assert 'value="山田　太郎"' in page and "令和6年9月1日" in page
    assert person.kojin_bango not in page  # the 個人番号 never reaches the browser
    # the clerk corrects the kana and adds the new address, then enters the 転入
    body = {
        "act": "enter",
        "juminhyo_code": person.juminhyo_code,
        "shimei": "山田　太郎",
        "shimei_kana": "ヤマダ　タロー",
        "birth_date": "昭和55年5月5日",
        "sex": "1",
        "tennyu_mae_jusho": "神奈川県三浦郡葉山町堀内2135番地",
        "honseki": "神奈川県三浦郡葉山町堀内2135番地",
        "hittosha": "山田　太郎",
        "postal_code": "2530196",
        "jusho": "神奈川県高座郡寒川町宮山",
        "banchi": "165番地",
        "ido_date": "令和6年9月2日",
        "todoke_date": "令和6年9月2日",
    }
    r = client.post("/juminkiroku/cs/tokurei/", body)
    assert r.status_code == 302, r.content.decode()[:2000]
    connection.set_tenant(beta.municipality)
    entered = Ido.objects.get(note="特例転入（転出証明書情報による）")
    assert entered.status == "kari" and entered.ido_date == date(2024, 9, 2)
    fields = entered.payload["persons"][0]["fields"]
    assert fields["shimei_kana"] == "ヤマダ　タロー"  # the clerk's correction
    assert fields["juminhyo_code"] == person.juminhyo_code  # from the CS
    assert fields["kojin_bango"] == person.kojin_bango  # from the CS, not the browser
    assert (fields["jusho"], fields["banchi"]) == ("神奈川県高座郡寒川町宮山", "165番地")
    assert fields["birth_date"] == "1980-05-05" and fields["zokugara"] == "01"
    assert AccessLog.objects.filter(screen="特例転入（転出証明書情報の受信）").count() == 2
    # bad input: a clear message, nothing entered
    r = client.post("/juminkiroku/cs/tokurei/", {"juminhyo_code": "1234"})
    assert "住民票コードの検査数字が一致しません（11桁）。" in r.content.decode()
    r = client.post("/juminkiroku/cs/tokurei/", {**body, "ido_date": "きのう"})
    assert "日付は 2024-09-02 か 令和6年9月2日 の形で入力してください。" in r.content.decode()
    connection.set_tenant(beta.municipality)
    assert Ido.objects.filter(note="特例転入（転出証明書情報による）").count() == 1


def test_viewer_cannot_act(cs, alpha, login):
    client = login("hayama-viewer", ALPHA_HOST)
    assert client.post("/juminkiroku/cs/", {"act": "aki", "count": "5"}).status_code == 403
    connection.set_tenant(alpha.municipality)
    assert JuminhyoCodeAki.objects.count() == 0


def test_person_screen_requests_and_kyosho(cs, alpha, beta, login):
    connection.set_tenant(alpha.municipality)
    person = person_with_code()
    client = login("hayama-clerk", ALPHA_HOST)
    r = client.post(f"/juminkiroku/cs/persons/{person.pk}/", {"act": "fugo"}, follow=True)
    page = r.content.decode()
    assert "符号の取得要求が正常に終了しました。" in page and "正常終了" in page
    r = client.post(f"/juminkiroku/cs/persons/{person.pk}/", {"act": "serial"}, follow=True)
    assert "個人番号カードが交付されていません。（E701）" in r.content.decode()
    r = client.post(
        f"/juminkiroku/cs/persons/{person.pk}/",
        {"act": "sofusaki", "jusho": "東京都港区芝公園四丁目2番8号", "postal_code": "1050011"},
        follow=True,
    )
    page = r.content.decode()
    assert "居所：東京都港区芝公園四丁目2番8号" in page and "送付先情報の送信履歴" in page
    page = client.get("/juminkiroku/cs/").content.decode()
    assert "CSの稼働状況" in page and "稼働中" in page
    # 寒川町's clerk cannot act on 葉山町's person
    other = login("samukawa-clerk", BETA_HOST)
    assert other.post(f"/juminkiroku/cs/persons/{person.pk}/", {"act": "fugo"}).status_code == 404


def test_shudo_switch_on_the_screen(cs, alpha, login):
    client = login("hayama-clerk", ALPHA_HOST)
    r = client.post("/juminkiroku/cs/", {"act": "shudo_on"}, follow=True)
    page = r.content.decode()
    assert "手動連携に切り替えました。" in page and "手動連携中です。" in page
    r = client.post("/juminkiroku/cs/", {"act": "shudo_off"}, follow=True)
    assert "自動連携に戻しました。" in r.content.decode()
