"""CSV取込 (標準仕様書 10.8): a 転出証明書, 住民異動届, 交付申請書 or 券面事項 CSV fills the
screen for the clerk to confirm; nothing is registered or issued by the upload, and a
town's file never reaches the other town's people."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from juminkiroku.codes import Sex, Zokugara
from juminkiroku.csvin.layouts import IDO_TODOKE, KENMEN, TENSHUTSU_SHOMEI
from juminkiroku.csvin.reader import read_csv
from juminkiroku.models import Atena, Ido, ShomeiKofu
from juminkiroku.tests.certhelpers import set_ninshosha
from juminkiroku.tests.factories import family, household_tennyu, person_fields
from juminkiroku.views import csvin as csvin_views
from tenants.accesslog.models import AccessLog
from tenants.checkdigits import juminhyo_code_check_digit, kojin_bango_check_digit
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db


def bango(first11: str) -> str:
    return first11 + str(kojin_bango_check_digit(first11))


def jcode(first10: str) -> str:
    return first10 + str(juminhyo_code_check_digit(first10))


KB_TARO = bango("12345678901")
KB_HANAKO = bango("23456789012")
DATE_MESSAGE = "日付として読めません（例: 昭和55年5月5日、S55.5.5、1980-05-05）。"

TENSHUTSU_HEADER = (
    "氏名,氏名フリガナ,生年月日,性別,続柄,住所,郵便番号,転出先,転出の予定年月日,"
    "住民票コード,個人番号"
)
TENSHUTSU_ROWS = [
    "川崎　一郎,かわさき　いちろう,昭和55年5月5日,男,世帯主,"
    "神奈川県川崎市川崎区宮本町1番地,210-0004,"
    f"神奈川県三浦郡葉山町堀内2135番地,令和6年4月1日,{jcode('1234567890')},{bango('34567890123')}",
    "川崎　花子,ｶﾜｻｷ ﾊﾅｺ,S57.7.7,女,妻,神奈川県川崎市川崎区宮本町1番地,210-0004,"
    "神奈川県三浦郡葉山町堀内2135番地,令和6年4月1日,,",
]


def csv_file(lines: list[str], *, name: str = "todoke.csv", encoding: str = "utf-8-sig"):
    return SimpleUploadedFile(name, ("\r\n".join(lines) + "\r\n").encode(encoding), "text/csv")


def upload(client, url, layout, lines, *, encoding="auto", header=True, file_encoding="utf-8-sig"):
    data = {
        "layout": layout,
        "encoding": encoding,
        "file": csv_file(lines, encoding=file_encoding),
    }
    if header:
        data["header"] = "on"
    return client.post(url, data)


@pytest.fixture
def residents(alpha, beta):
    """葉山町 the 山田 household (太郎 with a 個人番号); 寒川町 nobody of that name."""
    connection.set_tenant(alpha.municipality)
    set_ninshosha()
    members = family()
    members[0]["kojin_bango"] = KB_TARO
    members[1]["kojin_bango"] = KB_HANAKO
    _, atenas = household_tennyu("hayama", members=members)
    connection.set_tenant(beta.municipality)
    set_ninshosha()
    household_tennyu(
        "samukawa",
        members=[person_fields(shimei="寒川　次郎", jusho="神奈川県高座郡寒川町宮山")],
    )
    connection.set_schema_to_public()
    return atenas


# --- the reader -------------------------------------------------------------------------


def test_reader_checks_every_cell_and_names_file_line_and_item():
    # given: a 住民異動届 with one good line and four bad ones
    header = ",".join(i.label for i in IDO_TODOKE.items[:14])
    good = "2024-04-03,令和6年4月1日,転入,240-0112,葉山町堀内,,,,,,葉山　一郎,,昭和55年5月5日,男"
    lines = [
        header,
        good,
        "2024-04-03,令和6年4月1日,転入,240-0112,葉山町堀内,,,,,,葉山\x00二郎,,昭和55年5月5日,男",
        "2024-04-03,令和6年13月1日,転入,240-0112,葉山町堀内,,,,,,葉山　三郎,,平成31年5月1日,不明",
        "2024-04-03,令和6年4月1日,引越,2400,葉山町堀内,,,,,,葉山　四郎,やまだ1,昭和55年5月5日,男",
    ]
    # when
    read = read_csv(
        io.BytesIO("\n".join(lines).encode()),
        layout=IDO_TODOKE,
        file_name="todoke.csv",
        encoding="auto",
        header=True,
    )
    # then: every problem, by line and item, none of the cells' text
    assert [str(e) for e in read.errors] == [
        "todoke.csv 3行目「氏名」: 氏名に使えない制御文字（U+0000 NUL）が含まれています。",
        f"todoke.csv 4行目「異動日」: {DATE_MESSAGE}",
        f"todoke.csv 4行目「生年月日」: {DATE_MESSAGE}",
        "todoke.csv 4行目「性別」: 次のいずれかで書いてください: 男、女、男性、女性。",
        "todoke.csv 5行目「異動事由」: 次のいずれかで書いてください: 転入、国外転入、転居、転出。",
        "todoke.csv 5行目「郵便番号」: 郵便番号は7桁の数字にしてください（例: 240-0112）。",
        "todoke.csv 5行目「氏名フリガナ」: フリガナはカタカナで書いてください。",
    ]
    assert not read.ok and len(read.records) == 1


def test_reader_check_digits_cp932_and_no_header():
    # given: a 転出証明書 in Shift_JIS without a header, in the layout's order
    items = len(TENSHUTSU_SHOMEI.items)
    cells = [
        "髙橋　一郎",
        "タカハシ　イチロウ",
        "S55.5.5",
        "1",
        "",
        "01",
        "",
        "",
        "川崎市川崎区宮本町1",
    ]
    cells += ["", "", jcode("1234567890"), bango("12345678901"), "葉山町堀内", "R6.4.1"]
    bad = list(cells)
    bad[11] = "12345678901"  # 住民票コード whose check digit is wrong
    bad[12] = "123456789012"  # 個人番号 whose check digit is wrong
    data = ("\r\n".join([",".join(cells), ",".join(bad)]) + "\r\n").encode("cp932")
    # when
    read = read_csv(
        io.BytesIO(data), layout=TENSHUTSU_SHOMEI, file_name="t.csv", encoding="cp932", header=False
    )
    # then
    assert len(cells) < items  # trailing optional items may be left out
    assert read.records[0]["shimei"] == "髙橋　一郎"  # cp932 only, kept as written
    assert read.records[0]["sex"] == Sex.MALE and read.records[0]["zokugara"] == Zokugara.HONNIN
    assert read.records[0]["birth_date"].isoformat() == "1980-05-05"
    assert [(e.line, e.item) for e in read.errors] == [(2, "住民票コード"), (2, "個人番号")]
    # the same bytes refused as UTF-8, naming the line
    utf = read_csv(
        io.BytesIO(data), layout=TENSHUTSU_SHOMEI, file_name="t.csv", encoding="utf-8", header=False
    )
    assert [str(e) for e in utf.errors] == [
        "t.csv 1行目: UTF-8として読めない文字があります。文字コードを確かめてください。"
    ]


def test_reader_refuses_unknown_and_missing_header_names():
    read = read_csv(
        io.BytesIO("氏名,住所,生年月日,性別,マイナンバー\n".encode()),
        layout=KENMEN,
        file_name="card.csv",
        encoding="auto",
        header=True,
    )
    assert [str(e) for e in read.errors] == [
        "card.csv 1行目: 見出しの5列目は個人番号カードの券面事項の項目名ではありません。"
    ]


# --- 異動入力 -----------------------------------------------------------------------------


def test_tenshutsu_shomei_csv_fills_the_tennyu_form_and_registers_nothing(residents, login, alpha):
    # given
    clerk = login("hayama-clerk", ALPHA_HOST)
    assert "/juminkiroku/ido/csv/" in clerk.get("/juminkiroku/ido/new/").content.decode()
    # when: a household's 転出証明書, in Shift_JIS
    r = upload(
        clerk,
        "/juminkiroku/ido/csv/",
        "tenshutsu_shomei",
        [TENSHUTSU_HEADER, *TENSHUTSU_ROWS],
        file_encoding="cp932",
    )
    # then: the 転入 form, filled, posting to the entry form; nothing written
    assert r.status_code == 200, r.content.decode()[-2000:]
    page = r.content.decode()
    assert 'action="/juminkiroku/ido/new/K01/"' in page
    assert "まだ登録されていません" in page and "転出の予定年月日: 令和6年4月1日" in page
    values = r.context["values"]
    assert values["n1-shimei"] == "川崎　一郎" and values["n2-shimei"] == "川崎　花子"
    assert values["n1-shimei_kana"] == "カワサキ　イチロウ"
    assert values["n2-shimei_kana"] == "カワサキ　ハナコ"
    assert (
        values["n1-birth_date"] == "昭和55年5月5日" and values["n2-birth_date"] == "昭和57年7月7日"
    )
    assert values["n1-sex"] == "1" and values["n2-zokugara"] == "02"
    assert values["n1-juminhyo_code"] and values["n1-kojin_bango"]
    assert values["c-tennyu_mae_jusho"] == "神奈川県川崎市川崎区宮本町1番地"
    assert values["c-tennyu_mae_postal_code"] == "2100004"
    assert values["c-jusho"] == "神奈川県三浦郡葉山町堀内2135番地"
    connection.set_tenant(alpha.municipality)
    assert Ido.objects.count() == 1  # the fixture's 転入 only
    log = AccessLog.objects.get(screen="異動入力（CSV取込）")
    assert log.detail["layout"] == "tenshutsu_shomei" and log.detail["lines"] == 2
    assert "川崎" not in str(log.detail)
    connection.set_schema_to_public()
    # when: the clerk checks, types the 異動日 and confirms → a 仮登録, never a 本登録
    confirmed = {k: v for k, v in values.items()}
    confirmed["ido_date"] = "令和6年4月2日"
    r = clerk.post("/juminkiroku/ido/new/K01/", confirmed)
    assert r.status_code == 302, r.content.decode()[-3000:]
    connection.set_tenant(alpha.municipality)
    ido = Ido.objects.order_by("-pk")[0]
    assert ido.status == "kari" and len(ido.payload["persons"]) == 2
    assert not Atena.objects.filter(shimei="川崎　一郎").exists()


def test_errors_by_line_and_item_and_nothing_read_into_the_form(residents, login, alpha):
    clerk = login("hayama-clerk", ALPHA_HOST)
    bad = TENSHUTSU_ROWS[1].replace("S57.7.7", "昭和57年2月30日")
    r = upload(
        clerk,
        "/juminkiroku/ido/csv/",
        "tenshutsu_shomei",
        [TENSHUTSU_HEADER, TENSHUTSU_ROWS[0], bad],
    )
    assert r.status_code == 400
    page = r.content.decode()
    assert "todoke.csv 3行目「生年月日」: 日付として読めません" in page
    assert "何も取り込んでいません" in page and "川崎　一郎" not in page
    connection.set_tenant(alpha.municipality)
    assert AccessLog.objects.get(screen="異動入力（CSV取込）").detail["errors"] == 1


def test_ido_todoke_tenkyo_ticks_its_persons_and_the_other_town_finds_none(
    residents, login, alpha, beta
):
    taro, hanako, _ = residents
    header = "届出日,異動日,異動事由,郵便番号,住所,番地,宛名番号,氏名,生年月日,性別"
    lines = [
        header,
        f"令和6年5月1日,令和6年4月28日,転居,240-0111,神奈川県三浦郡葉山町一色,1番地,{taro.atena_no},"
        "山田　太郎,昭和55年5月5日,男",
        f"令和6年5月1日,令和6年4月28日,転居,240-0111,神奈川県三浦郡葉山町一色,1番地,{hanako.atena_no},"
        "山田　花子,昭和57年7月7日,女",
    ]
    clerk = login("hayama-clerk", ALPHA_HOST)
    r = upload(clerk, "/juminkiroku/ido/csv/", "ido_todoke", lines)
    assert r.status_code == 200, r.content.decode()[-2000:]
    values = r.context["values"]
    assert f'action="/juminkiroku/ido/new/S03/?atena={taro.pk}"' in r.content.decode() or (
        r.context["form_action"].endswith(f"?atena={taro.pk}")
    )
    ticked = {k for k, v in values.items() if k.startswith("sel-") and v == "on"}
    assert ticked == {f"sel-{taro.pk}", f"sel-{hanako.pk}"}  # not the child
    assert values["c-jusho"] == "神奈川県三浦郡葉山町一色" and values["c-postal_code"] == "2400111"
    assert values["ido_date"] == "令和6年4月28日"
    connection.set_tenant(alpha.municipality)
    log = AccessLog.objects.get(screen="異動入力（CSV取込）")
    assert set(log.detail["atena_ids"]) == {a.pk for a in residents}
    connection.set_schema_to_public()
    # the same file in 寒川町: 葉山町's 宛名番号 name nobody there
    other = login("samukawa-clerk", BETA_HOST)
    r = upload(other, "/juminkiroku/ido/csv/", "ido_todoke", lines)
    assert r.status_code == 400
    page = r.content.decode()
    assert "2行目「宛名番号」: 転居・転出は、この町の住民の宛名番号を書いてください。" in page
    assert "山田" not in page.split("csv-upload")[0]


def test_viewer_may_not_upload_and_a_large_file_is_stopped(residents, login, monkeypatch):
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert viewer.get("/juminkiroku/ido/csv/").status_code == 403
    assert viewer.get("/juminkiroku/shomei/csv/").status_code == 403
    monkeypatch.setattr(csvin_views, "MAX_UPLOAD_BYTES", 100)
    clerk = login("hayama-clerk", ALPHA_HOST)
    r = upload(
        clerk, "/juminkiroku/ido/csv/", "tenshutsu_shomei", [TENSHUTSU_HEADER, *TENSHUTSU_ROWS]
    )
    assert r.status_code == 400
    assert "ファイルが大きすぎます（上限 1MB）" in r.content.decode()


# --- 証明書の発行 ---------------------------------------------------------------------------

REQUEST = ["住民票の写し", "個人票", "2", "要", "不要"]
SHINSEI_HEADER = (
    "請求者の種別,宛名番号,氏名,生年月日,性別,住所,証明書の種類,様式,通数,世帯主・続柄,本籍・筆頭者"
)


def test_kofu_shinsei_csv_fills_the_request_by_4joho_and_then_issues(residents, login, alpha, beta):
    taro, _hanako, child = residents
    lines = [
        SHINSEI_HEADER,
        ",".join(
            [
                "本人",
                "",
                "山田 太郎",
                "昭和55年5月5日",
                "男",
                "神奈川県三浦郡葉山町堀内2135番地",
                *REQUEST,
            ]
        ),
        ",".join(["本人", child.atena_no, "", "", "", "", *REQUEST]),
    ]
    clerk = login("hayama-clerk", ALPHA_HOST)
    assert "/juminkiroku/shomei/csv/" in clerk.get("/juminkiroku/shomei/").content.decode()
    r = upload(clerk, "/juminkiroku/shomei/csv/", "kofu_shinsei", lines)
    assert r.status_code == 200, r.content.decode()[-2000:]
    form = r.context["form"]
    assert form.initial["atena_no"] == taro.atena_no
    assert form.initial["kind"] == "juminhyo" and form.initial["layout"] == "kojin"
    assert form.initial["copies"] == 2 and form.initial["seikyusha"] == "honnin"
    assert form.initial["setainushi"] is True and form.initial["honseki"] is False
    assert r.context["chosen"] == {taro.pk, child.pk}
    assert 'action="/juminkiroku/shomei/"' in r.content.decode()
    connection.set_tenant(alpha.municipality)
    assert ShomeiKofu.objects.count() == 0  # nothing issued by the upload
    connection.set_schema_to_public()
    # the clerk confirms: the certificate is issued by the ordinary screen
    r = clerk.post(
        "/juminkiroku/shomei/",
        {
            "atena_no": taro.atena_no,
            "members": [str(taro.pk), str(child.pk)],
            "kind": "juminhyo",
            "layout": "kojin",
            "copies": "2",
            "seikyusha": "honnin",
            "setainushi": "on",
            "issue": "1",
        },
    )
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    # 寒川町: the same 申請書 names nobody there
    other = login("samukawa-clerk", BETA_HOST)
    r = upload(other, "/juminkiroku/shomei/csv/", "kofu_shinsei", lines)
    assert r.status_code == 400
    page = r.content.decode()
    assert "2行目「4情報」: 氏名・生年月日・性別・住所が一致する方はいません。" in page
    assert "3行目「宛名番号」: この宛名番号の方はいません。" in page


def test_kenmen_csv_finds_the_holder_and_shows_the_differences(residents, login, alpha):
    taro = residents[0]
    header = "氏名,住所,生年月日,性別,旧氏,通称,個人番号"
    card = f"山田　太郎,神奈川県三浦郡葉山町一色1番地,昭和55年5月5日,男,,,{KB_TARO}"
    clerk = login("hayama-clerk", ALPHA_HOST)
    r = upload(clerk, "/juminkiroku/shomei/csv/", "kenmen", [header, card])
    assert r.status_code == 200, r.content.decode()[-2000:]
    result = r.context["kenmen"]
    assert result["person"].pk == taro.pk and result["by"] == "個人番号"
    same = {d.label: d.same for d in result["rows"]}
    assert same == {
        "氏名": True,
        "住所": False,
        "生年月日": True,
        "性別": True,
        "旧氏": True,
        "通称": True,
        "個人番号": True,
    }
    page = r.content.decode()
    assert "券面事項と住民記録に違いがあります" in page and KB_TARO not in page
    connection.set_tenant(alpha.municipality)
    log = AccessLog.objects.get(screen="証明書発行（CSV取込）")
    assert log.record_id == str(taro.pk) and not log.mynumber_viewed
    connection.set_schema_to_public()
    # the card at the registry's own address agrees on every item
    card_same = card.replace("一色1番地", "堀内2135番地")
    r = upload(clerk, "/juminkiroku/shomei/csv/", "kenmen", [header, card_same])
    assert r.context["kenmen"]["all_same"] is True


def test_kenmen_of_one_town_is_not_found_in_the_other(residents, login):
    header = "氏名,住所,生年月日,性別,旧氏,通称,個人番号"
    card = f"山田　太郎,神奈川県三浦郡葉山町堀内2135番地,昭和55年5月5日,男,,,{KB_TARO}"
    other = login("samukawa-clerk", BETA_HOST)
    r = upload(other, "/juminkiroku/shomei/csv/", "kenmen", [header, card])
    assert r.status_code == 400
    assert "個人番号・4情報のどちらでも一致する方はいません。" in r.content.decode()
    assert "kenmen-table" not in r.content.decode()


def test_ido_todoke_tennyu_of_a_household_and_tenshutsu_fill_their_forms(residents, login, alpha):
    taro = residents[0]
    header = (
        "届出日,異動日,異動事由,郵便番号,住所,番地,従前の住所,氏名,生年月日,性別,続柄,国籍・地域"
    )
    common = "R6.4.3,R6.4.1,転入,240-0112,神奈川県三浦郡葉山町堀内,10番地,東京都港区芝公園1丁目"
    lines = [
        header,
        f"{common},鈴木　一郎,平成2年2月2日,男,世帯主,",
        f"{common},スミス　メアリー,1991-03-03,女,妻,アメリカ合衆国",
    ]
    clerk = login("hayama-clerk", ALPHA_HOST)
    r = upload(clerk, "/juminkiroku/ido/csv/", "ido_todoke", lines, header=True)
    assert r.status_code == 200, r.content.decode()[-2000:]
    values = r.context["values"]
    assert r.context["form_action"] == "/juminkiroku/ido/new/K01/"
    assert values["ido_date"] == "令和6年4月1日" and values["todoke_date"] == "令和6年4月3日"
    assert (
        values["c-banchi"] == "10番地" and values["c-tennyu_mae_jusho"] == "東京都港区芝公園1丁目"
    )
    assert values["n1-shubetsu"] == "1" and values["n2-shubetsu"] == "2"
    assert values["n2-kokuseki"] == "アメリカ合衆国" and values["n2-birth_date"] == "平成3年3月3日"
    assert [r.context["new_rows"][0], r.context["new_rows"][-1]] == [1, 2]
    # a 転出 of one resident: the 届's new address is the 転出先
    tenshutsu = [
        "届出日,異動日,異動事由,郵便番号,住所,番地,宛名番号,氏名,生年月日,性別",
        f"R6.4.3,R6.4.10,転出,100-0001,東京都千代田区千代田,1番,{taro.atena_no},"
        "山田　太郎,昭和55年5月5日,男",
    ]
    r = upload(clerk, "/juminkiroku/ido/csv/", "ido_todoke", tenshutsu)
    assert r.status_code == 200, r.content.decode()[-2000:]
    values = r.context["values"]
    assert values["c-tenshutsu_saki_jusho"] == "東京都千代田区千代田1番"
    assert values["c-tenshutsu_saki_postal_code"] == "1000001"
    assert {k for k, v in values.items() if k.startswith("sel-") and v == "on"} == {
        f"sel-{taro.pk}"
    }
    # a 宛名番号 whose person is not the one the 届 names is refused
    wrong = [tenshutsu[0], tenshutsu[1].replace("昭和55年5月5日", "昭和56年5月5日")]
    r = upload(clerk, "/juminkiroku/ido/csv/", "ido_todoke", wrong)
    assert r.status_code == 400
    assert "2行目「宛名番号」: 宛名番号の方と氏名・生年月日が一致しません。" in r.content.decode()
    connection.set_tenant(alpha.municipality)
    assert Ido.objects.count() == 1  # the fixture's 転入 only: nothing entered
