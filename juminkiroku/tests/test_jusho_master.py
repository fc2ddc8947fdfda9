"""住居表示・地番 (標準仕様書 1.3.2), 方書 (1.3.4) masters and the candidates of the 異動 form:
方書入力補助 (4.0.7) and 本籍入力補助 (4.0.6)."""

from __future__ import annotations

from datetime import date

import pytest

from juminkiroku.models import Banchi, JushoJisho, Katagaki
from juminkiroku.rules.bango import bango_codes, narabi_key
from juminkiroku.selectors.jusho_kouho import katagaki_kouho
from juminkiroku.services.jisho import JishoError
from juminkiroku.services.jusho_master import (
    BanchiInput,
    KatagakiInput,
    banchi_save,
    katagaki_save,
)
from juminkiroku.tests.factories import actor_for, family, household_tennyu
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db


def test_bango_codes_read_numbers_in_every_script():
    """1.3.2: 番地・枝番・部屋番号 as numbers, so 2番 sorts before 10番."""
    assert bango_codes("1丁目2番3号") == (1, 2, 3)
    assert bango_codes("123番地の4") == (123, 4)
    assert bango_codes("ハイツ葉山１０１号室") == (101,)
    assert bango_codes("二百三十五番地") == (235,)
    assert bango_codes("一〇一号") == (101,)
    assert bango_codes("字無番地") == ()
    texts = ["10番地", "2番地の3", "2番地", "2番地の10"]
    assert sorted(texts, key=narabi_key) == ["2番地", "2番地の3", "2番地の10", "10番地"]
    assert narabi_key("2番地", "コーポ201号") < narabi_key("2番地", "コーポ1001号")


def _jisho(code: str = "0010001", name: str = "堀内") -> JushoJisho:
    return JushoJisho.objects.create(jusho_code=code, postal_code="2400112", name=name)


def test_banchi_save_codes_validity_errors_and_log(in_alpha):
    clerk = actor_for("hayama-clerk")
    jisho = _jisho()
    ten = banchi_save(jisho=jisho, data=BanchiInput("chiban", "10番地"), actor=clerk)
    two = banchi_save(jisho=jisho, data=BanchiInput("jukyo", "2番3号"), actor=clerk)
    assert (two.banchi_no, two.edaban_no, two.go_no) == (2, 3, None)
    assert list(Banchi.objects.filter(jisho=jisho)) == [two, ten]  # numeric order
    with pytest.raises(JishoError) as exc:
        banchi_save(
            jisho=jisho,
            data=BanchiInput("x", "無番地", date(2026, 4, 1), date(2026, 3, 1)),
            actor=clerk,
        )
    assert set(exc.value.errors) == {"kubun", "hyoki", "valid_to"}
    with pytest.raises(JishoError) as exc:
        banchi_save(jisho=jisho, data=BanchiInput("chiban", "10番地"), actor=clerk)
    assert "既にこの町字に登録" in exc.value.errors["hyoki"][0]
    with pytest.raises(JishoError):
        banchi_save(jisho=jisho, data=BanchiInput("chiban", "1\x07番地"), actor=clerk)
    assert Banchi.objects.count() == 2
    # A 住居表示 実施 ends the 地番: corrected with an 有効終了日, not deleted.
    ended = banchi_save(
        jisho=jisho,
        data=BanchiInput("chiban", "10番地", None, date(2026, 3, 31)),
        actor=clerk,
        pk=ten.pk,
    )
    assert ended.valid_to == date(2026, 3, 31)
    # 住居表示の実施: the 地番 names the 住居表示 that replaced it (and must be ended).
    new_jisho = _jisho("0010003", "堀内一丁目")
    banchi_save(jisho=new_jisho, data=BanchiInput("jukyo", "2番3号"), actor=clerk)
    with pytest.raises(JishoError) as exc:
        banchi_save(
            jisho=jisho,
            data=BanchiInput("chiban", "10番地", None, None, "0010003", "2番3号"),
            actor=clerk,
            pk=ten.pk,
        )
    assert set(exc.value.errors) == {"valid_to"}
    with pytest.raises(JishoError) as exc:
        banchi_save(
            jisho=jisho,
            data=BanchiInput("chiban", "10番地", None, date(2026, 3, 31), "0010003", "9番"),
            actor=clerk,
            pk=ten.pk,
        )
    assert "見つかりません" in exc.value.errors["ato_hyoki"][0]
    linked = banchi_save(
        jisho=jisho,
        data=BanchiInput("chiban", "10番地", None, date(2026, 3, 31), "0010003", "2番3号"),
        actor=clerk,
        pk=ten.pk,
    )
    assert linked.ato is not None and linked.ato.jisho == new_jisho
    other = _jisho("0010002", "一色")
    with pytest.raises(JishoError):  # a row stays under its own 町字
        banchi_save(jisho=other, data=BanchiInput("chiban", "10番地"), actor=clerk, pk=ten.pk)
    logged = AccessLog.objects.filter(record_type="banchi").values_list("action", flat=True)
    assert sorted(logged) == ["create", "create", "create", "update", "update"]


def test_katagaki_save_and_candidates_by_address(in_alpha):
    clerk = actor_for("hayama-clerk")
    jisho = _jisho()
    b2 = banchi_save(jisho=jisho, data=BanchiInput("chiban", "2135番地"), actor=clerk)
    b3 = banchi_save(jisho=jisho, data=BanchiInput("chiban", "2136番地"), actor=clerk)
    haitsu = katagaki_save(
        jisho=jisho, data=KatagakiInput("ハイツ堀内", "ハイツホリウチ", b2.pk), actor=clerk
    )
    katagaki_save(jisho=jisho, data=KatagakiInput("堀内寮", "", b3.pk), actor=clerk)
    town = katagaki_save(jisho=jisho, data=KatagakiInput("町営住宅", ""), actor=clerk)
    katagaki_save(
        jisho=jisho,
        data=KatagakiInput("旧コーポ", "", b2.pk, None, date(2020, 1, 1)),
        actor=clerk,
    )
    with pytest.raises(JishoError) as exc:
        katagaki_save(jisho=jisho, data=KatagakiInput("町営住宅", ""), actor=clerk)
    assert "既にこの住所に登録" in exc.value.errors["name"][0]
    other = _jisho("0010002", "一色")
    with pytest.raises(JishoError) as exc:  # a 番地 of another 町字
        katagaki_save(jisho=other, data=KatagakiInput("x", "ｴｯｸｽ", b2.pk), actor=clerk)
    assert set(exc.value.errors) == {"kana", "banchi"}
    assert Katagaki.objects.count() == 4
    on = date(2026, 4, 1)
    # 4.0.7: the 方書 of the 番地 typed (by its text or its numbers), then the 町字's own;
    # an ended one is not offered.
    found = katagaki_kouho(jusho_code="0010001", jusho="", banchi="2135番地", on=on)
    assert found == [haitsu, town]
    found = katagaki_kouho(
        jusho_code="", jusho="神奈川県三浦郡葉山町堀内", banchi="２１３５", on=on
    )
    assert found == [haitsu, town]
    assert katagaki_kouho(jusho_code="0010002", jusho="", banchi="2135番地", on=on) == []
    assert katagaki_kouho(jusho_code="", jusho="", banchi="", on=on) == []


def _setup_alpha(alpha):
    connection.set_tenant(alpha.municipality)
    clerk = actor_for("hayama-clerk")
    jisho = _jisho()
    b = banchi_save(jisho=jisho, data=BanchiInput("chiban", "2135番地"), actor=clerk)
    katagaki_save(jisho=jisho, data=KatagakiInput("ハイツ堀内", "", b.pk), actor=clerk)
    connection.set_schema_to_public()
    return jisho.pk, b.pk


def test_master_screens_for_clerks_viewers_and_the_other_town(alpha, beta, login):
    jisho_pk, banchi_pk = _setup_alpha(alpha)
    clerk = login("hayama-clerk", ALPHA_HOST)
    r = clerk.post(f"/juminkiroku/jisho/{jisho_pk}/banchi/", {"kubun": "jukyo", "hyoki": "1番2号"})
    assert r.status_code == 302
    r = clerk.post(f"/juminkiroku/jisho/{jisho_pk}/banchi/", {"kubun": "jukyo", "hyoki": "番"})
    assert "番地の数字がありません" in r.content.decode()
    html = clerk.get(f"/juminkiroku/jisho/{jisho_pk}/banchi/").content.decode()
    assert html.index("1番2号") < html.index("2135番地") and "ハイツ堀内" in html
    r = clerk.post(
        f"/juminkiroku/jisho/banchi/{banchi_pk}/",
        {"kubun": "chiban", "hyoki": "2135番地", "valid_to": "令和8年3月31日"},
    )
    assert r.status_code == 302
    assert "令和8年3月31日" in clerk.get(f"/juminkiroku/jisho/{jisho_pk}/banchi/").content.decode()
    r = clerk.post(
        f"/juminkiroku/jisho/banchi/{banchi_pk}/",
        {
            "kubun": "chiban",
            "hyoki": "2135番地",
            "valid_to": "R8.3.31",
            "ato_jusho_code": "0010001",
            "ato_hyoki": "1番2号",
        },
    )
    assert r.status_code == 302
    html = clerk.get(f"/juminkiroku/jisho/{jisho_pk}/banchi/").content.decode()
    assert "堀内1番2号" in html
    r = clerk.post(
        f"/juminkiroku/jisho/{jisho_pk}/katagaki/new/",
        {"name": "コーポ一色", "kana": "コーポイッシキ", "banchi": str(banchi_pk)},
    )
    assert r.status_code == 302
    r = clerk.post("/juminkiroku/jisho/katagaki/", {"q": "コーポ"})
    assert "コーポ一色" in r.content.decode() and 'data-testid="katagaki-count">1件' in (
        r.content.decode()
    )
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert viewer.get(f"/juminkiroku/jisho/{jisho_pk}/banchi/").status_code == 200
    assert (
        viewer.post(
            f"/juminkiroku/jisho/{jisho_pk}/banchi/", {"kubun": "jukyo", "hyoki": "9番"}
        ).status_code
        == 403
    )
    # 寒川町 neither sees nor changes 葉山町's masters.
    other = login("samukawa-clerk", BETA_HOST)
    assert other.get(f"/juminkiroku/jisho/{jisho_pk}/banchi/").status_code == 404
    assert other.get(f"/juminkiroku/jisho/banchi/{banchi_pk}/").status_code == 404
    assert "コーポ一色" not in other.post("/juminkiroku/jisho/katagaki/", {}).content.decode()
    connection.set_tenant(alpha.municipality)
    pk = Katagaki.objects.get(name="コーポ一色").pk
    connection.set_schema_to_public()
    r = other.post(f"/juminkiroku/jisho/katagaki/{pk}/", {"name": "寒川荘"})
    assert r.status_code == 404
    connection.set_tenant(alpha.municipality)
    assert Katagaki.objects.get(pk=pk).name == "コーポ一色"
    assert Banchi.objects.count() == 2
    connection.set_tenant(beta.municipality)
    assert not Banchi.objects.exists() and not Katagaki.objects.exists()


def test_katagaki_candidates_endpoint_and_the_entry_form(alpha, beta, login):
    _setup_alpha(alpha)
    clerk = login("hayama-clerk", ALPHA_HOST)
    form = clerk.get("/juminkiroku/ido/new/K01/").content.decode()
    assert 'list="dl-c-katagaki"' in form and 'data-testid="kouho-c-katagaki"' in form
    assert 'list="dl-n1-honseki"' in form and 'list="dl-n1-hittosha"' in form
    post = {"kouho_for": "c-katagaki", "c-jusho_code": "0010001", "c-banchi": "2135番地"}
    r = clerk.post("/juminkiroku/ido/kouho/katagaki/", post)
    assert r.status_code == 200 and 'value="ハイツ堀内"' in r.content.decode()
    assert clerk.post("/juminkiroku/ido/kouho/katagaki/", {"kouho_for": "x"}).status_code == 404
    other = login("samukawa-clerk", BETA_HOST)
    r = other.post("/juminkiroku/ido/kouho/katagaki/", post)
    assert r.status_code == 200 and "ハイツ堀内" not in r.content.decode()
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert viewer.post("/juminkiroku/ido/kouho/katagaki/", post).status_code == 403


def test_honseki_candidates_from_address_household_and_form(alpha, beta, login):
    connection.set_tenant(alpha.municipality)
    members = family()
    members[1]["honseki"] = "東京都港区芝公園四丁目2番8号"
    members[1]["hittosha"] = "佐藤　一"
    _ido, atenas = household_tennyu("hayama", members=members)
    assert atenas[0].setai is not None
    setai_no = atenas[0].setai.setai_no
    wife = atenas[1]
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    # 転入 into an existing household: 現住所, 転入前住所, the household's 本籍, and the
    # 本籍・筆頭者 typed for 異動者 1 quoted for 異動者 2.
    post = {
        "kouho_for": "n2-honseki",
        "c-jusho": "神奈川県三浦郡葉山町一色",
        "c-banchi": "100番地",
        "c-tennyu_mae_jusho": "大阪府大阪市北区1番",
        "setai_mode": "existing",
        "setai_no": setai_no,
        "n1-honseki": "京都府京都市中京区1番地",
        "n1-hittosha": "鈴木　次郎",
        "n2-honseki": "",
    }
    html = clerk.post("/juminkiroku/ido/kouho/honseki/", post).content.decode()
    assert 'value="神奈川県三浦郡葉山町一色100番地"' in html and "現住所" in html
    assert 'value="大阪府大阪市北区1番"' in html and "転入前住所" in html
    assert 'value="京都府京都市中京区1番地"' in html and "入力中の本籍" in html
    assert "世帯主の本籍" in html and "神奈川県三浦郡葉山町堀内2135番地" in html
    assert "世帯員の本籍（筆頭者 佐藤　一）" in html
    html = clerk.post(
        "/juminkiroku/ido/kouho/honseki/", {**post, "kouho_for": "n2-hittosha"}
    ).content.decode()
    assert 'value="鈴木　次郎"' in html and 'value="佐藤　一"' in html
    # A correction of an existing person (m<pk>-): that person's own address and household.
    html = clerk.post(
        "/juminkiroku/ido/kouho/honseki/", {"kouho_for": f"m{wife.pk}-honseki"}
    ).content.decode()
    assert 'value="神奈川県三浦郡葉山町堀内2135番地"' in html
    assert "東京都千代田区霞が関二丁目1番2号" in html  # 転入前住所
    connection.set_tenant(alpha.municipality)
    row = AccessLog.objects.filter(screen="本籍入力補助").order_by("-pk").first()
    assert row is not None and row.action == "read"
    assert sorted(row.detail["atena_ids"]) == sorted(a.pk for a in atenas)
    connection.set_schema_to_public()
    # 寒川町 sees nothing of 葉山町's household, by 世帯番号 or by 宛名 id.
    other = login("samukawa-clerk", BETA_HOST)
    html = other.post("/juminkiroku/ido/kouho/honseki/", post).content.decode()
    assert "2135番地" not in html and "佐藤" not in html
    r = other.post("/juminkiroku/ido/kouho/honseki/", {"kouho_for": f"m{wife.pk}-honseki"})
    assert r.status_code == 404
