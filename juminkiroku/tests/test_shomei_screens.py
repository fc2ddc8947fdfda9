"""Screens and API of the standard's certificate features: 公印・認証者 master (1.3.7,
1.3.9), 記載事項証明書 and 公用 from the issue screen (5.1, 5.7), 交付履歴照会 with search
and paging (1.3.8, 2.2.2); two towns never see each other's."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from juminkiroku.models import Koin, Ninshosha, ShomeiKofu
from juminkiroku.tests.certhelpers import png_bytes, set_ninshosha
from juminkiroku.tests.factories import family, household_tennyu
from tenants.db import connection
from tenants.testing.pdf import pdf_pages
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db


@pytest.fixture
def yamada(alpha, beta):
    connection.set_tenant(alpha.municipality)
    set_ninshosha()
    _, atenas = household_tennyu("hayama", members=family())
    connection.set_tenant(beta.municipality)
    set_ninshosha()
    connection.set_schema_to_public()
    return atenas


def issue_post(atena_no: str, members, **extra):
    data = {
        "atena_no": atena_no,
        "members": [str(m) for m in members],
        "kind": "juminhyo",
        "layout": "kojin",
        "copies": "1",
        "seikyusha": "honnin",
        "issue": "1",
    }
    data.update(extra)
    return data


def test_admin_registers_seal_and_certifier_viewer_only_looks_other_town_sees_none(
    yamada, login, alpha, beta
):
    admin = login("hayama-admin", ALPHA_HOST)
    page = admin.get("/juminkiroku/koin/")
    assert page.status_code == 200 and "公印の登録" in page.content.decode()
    # when: the admin registers a deputy and a 証明書専用印
    r = admin.post(
        "/juminkiroku/koin/",
        {
            "ninshosha": "1",
            "n-kubun": "dairi",
            "n-shokumei": "葉山町長職務代理者　副町長",
            "n-shimei": "代理　二郎",
            "n-valid_from": "令和7年4月1日",
            "n-valid_to": "令和7年4月30日",
        },
    )
    assert r.status_code == 302, r.content.decode()[:300]
    r = admin.post(
        "/juminkiroku/koin/",
        {
            "koin": "1",
            "k-kind": "shomei",
            "k-valid_from": "令和7年4月1日",
            "k-mongon": "この印は黒色です",
            "k-image": SimpleUploadedFile("k.png", png_bytes((90, 90)), "image/png"),
        },
    )
    assert r.status_code == 302, r.content.decode()[:300]
    listing = admin.get("/juminkiroku/koin/").content.decode()
    assert "代理　二郎" in listing and "<td>この印は黒色です</td>" in listing
    assert "証明書専用印" in listing and "data:image/png" in listing
    # bad input: a clear message, nothing written
    r = admin.post(
        "/juminkiroku/koin/",
        {
            "koin": "1",
            "k-kind": "chocho",
            "k-valid_from": "令和7年4月1日",
            "k-image": SimpleUploadedFile("k.gif", b"GIF89a", "image/gif"),
        },
    )
    assert r.status_code == 400 and "PNG形式" in r.content.decode()
    # a viewer looks but cannot register
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert "公印の登録" not in viewer.get("/juminkiroku/koin/").content.decode()
    r = viewer.post(
        "/juminkiroku/koin/",
        {"ninshosha": "1", "n-kubun": "chocho", "n-shokumei": "x", "n-shimei": "y"},
    )
    assert r.status_code == 403
    connection.set_tenant(alpha.municipality)
    assert Ninshosha.objects.count() == 1 and Koin.objects.count() == 2  # + set_ninshosha's
    # the other town sees none of it
    samukawa = login("samukawa-admin", BETA_HOST)
    other = samukawa.get("/juminkiroku/koin/").content.decode()
    assert "代理　二郎" not in other and "<td>この印は黒色です</td>" not in other
    connection.set_tenant(beta.municipality)
    assert not Ninshosha.objects.exists() and Koin.objects.count() == 1


def test_issue_screen_kisai_and_koyo(yamada, login, alpha):
    head, wife, _ = yamada
    client = login("hayama-clerk", ALPHA_HOST)
    r = client.post(
        "/juminkiroku/shomei/",
        issue_post(
            head.atena_no,
            [head.pk, wife.pk],
            kind="kisai",
            kisai_items=["shimei", "jusho"],
            seikyusha="koyo",
            koyo_kikan="横浜地方法務局",
            koyo_mokuteki="登記事務",
            kofu_basho="一色支所",
            copies="2",
        ),
    )
    assert r.status_code == 200, r.content.decode()[:800]
    pages = pdf_pages(r.content)
    text = "".join(pages)
    assert "住民票記載事項証明書" in text and "公用" in pages[0]
    assert "氏名山田太郎" in text and "生年月日" not in text
    connection.set_tenant(alpha.municipality)
    kofu = ShomeiKofu.objects.get(hakko_no=r["X-Hakko-No"])
    assert kofu.kind == "kisai" and kofu.kofu_basho == "一色支所" and len(kofu.hakko_nos) == 2
    assert kofu.koyo_kikan == "横浜地方法務局"
    assert "一色支所" not in text  # 5.5 【実装しない機能】: the place of issue is not printed
    # a 公用 request without its office: a clear message, nothing issued
    connection.set_schema_to_public()
    r = client.post(
        "/juminkiroku/shomei/",
        issue_post(head.atena_no, [head.pk], seikyusha="koyo"),
    )
    assert r.status_code == 400 and "請求した機関と請求の目的" in r.content.decode()
    connection.set_tenant(alpha.municipality)
    assert ShomeiKofu.objects.count() == 1


def test_history_search_by_the_items_of_1_3_8_and_paging(yamada, login, alpha, beta):
    head = yamada[0]
    client = login("hayama-clerk", ALPHA_HOST)
    for basho in ("本庁窓口", "一色支所", "一色支所"):
        r = client.post(
            "/juminkiroku/shomei/", issue_post(head.atena_no, [head.pk], kofu_basho=basho)
        )
        assert r.status_code == 200
    connection.set_tenant(alpha.municipality)
    keys = list(ShomeiKofu.objects.order_by("id").values_list("hakko_no", flat=True))
    # 55 more rows to page through
    ShomeiKofu.objects.bulk_create(
        ShomeiKofu(hakko_no=f"20000101-{n:07d}", kind="juminhyo", issued_by="x")
        for n in range(9_000_000, 9_000_055)
    )
    connection.set_schema_to_public()
    # by 交付場所
    found = client.post("/juminkiroku/kofu/", {"kofu_basho": "一色"}).content.decode()
    assert keys[1] in found and keys[2] in found and keys[0] not in found
    # by the serial alone, by terminal and user, by person
    serial = str(int(keys[0].split("-")[1]))
    found = client.post("/juminkiroku/kofu/", {"hakko_no": serial}).content.decode()
    assert keys[0] in found and keys[1] not in found and "1件" in found
    found = client.post(
        "/juminkiroku/kofu/", {"terminal": "no-such-terminal", "issued_by": "hayama-clerk"}
    ).content.decode()
    assert "該当する交付履歴はありません" in found
    found = client.post("/juminkiroku/kofu/", {"atena_no": head.atena_no}).content.decode()
    assert all(k in found for k in keys) and "3件" in found
    # paging: 58 rows, 50 a page
    first = client.post("/juminkiroku/kofu/", {}).content.decode()
    assert "58件（1 / 2ページ）" in first and 'value="2"' in first
    second = client.post("/juminkiroku/kofu/", {"page": "2"}).content.decode()
    assert "58件（2 / 2ページ）" in second
    # newest first: the three issued above come last (lowest ids), on page 2
    assert keys[0] in second and keys[0] not in first
    # the other town: none of it
    other = login("samukawa-clerk", BETA_HOST)
    assert "58件" not in other.post("/juminkiroku/kofu/", {}).content.decode()
    assert keys[0] not in other.post("/juminkiroku/kofu/", {"hakko_no": serial}).content.decode()


def test_api_kisai_omit_and_history_filters(yamada, login, alpha):
    head = yamada[0]
    client = login("hayama-clerk", ALPHA_HOST)
    r = client.post(
        "/api/v1/juminkiroku/certificates/",
        {
            "kind": "kisai",
            "atena_ids": [head.pk],
            "seikyusha": "honnin",
            "kisai_items": ["shimei", "birth_date"],
            "koin": False,
            "kofu_basho": "本庁窓口",
            "copies": 2,
        },
        content_type="application/json",
    )
    assert r.status_code == 200, r.content[:300]
    text = "".join(pdf_pages(r.content))
    assert "住民票記載事項証明書" in text and "公印省略" in text and "住所" not in text
    rows = client.get("/api/v1/juminkiroku/certificates/history/", {"kofu_basho": "本庁"}).json()
    assert rows["count"] == 1 and len(rows["results"][0]["hakko_nos"]) == 2
    assert rows["results"][0]["ninshosha"].startswith("神奈川県葉山町長")
    none = client.get("/api/v1/juminkiroku/certificates/history/", {"kofu_basho": "支所"}).json()
    assert none["count"] == 0
    bad = client.post(
        "/api/v1/juminkiroku/certificates/",
        {"kind": "kisai", "atena_ids": [head.pk], "seikyusha": "honnin", "kisai_items": []},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "1つ以上" in bad.json()["detail"]


def test_the_towns_default_items_are_checked_on_the_issue_screen(yamada, login, alpha):
    """5.1: the default of each optional item is the town's choice (parameter)."""
    from tenants.params.tenant.models import MunicipalParameter

    head = yamada[0]
    client = login("hayama-clerk", ALPHA_HOST)
    body = client.post(
        "/juminkiroku/shomei/", {"atena_no": head.atena_no, "lookup": "1"}
    ).content.decode()
    assert 'name="setainushi" id="id_setainushi" checked' not in body
    connection.set_tenant(alpha.municipality)
    MunicipalParameter.objects.create(
        key="juminkiroku.shomei_default_items",
        fiscal_year_from=2000,
        value={"setainushi": True, "kojin_bango": True},
        source="テスト",
        created_by="test",
    )
    connection.set_schema_to_public()
    body = client.post(
        "/juminkiroku/shomei/", {"atena_no": head.atena_no, "lookup": "1"}
    ).content.decode()
    assert 'name="setainushi" id="id_setainushi" checked' in body
    assert 'name="kojin_bango" id="id_kojin_bango" checked' not in body  # never by default


def test_a_foreign_residents_dates_show_in_seireki_on_the_screens(alpha, login):
    """1.1.9: 生年月日 and 在留期間の満了日 of a foreign resident in 西暦 on screens too."""
    from juminkiroku.codes import JuminShubetsu
    from juminkiroku.tests.factories import person_fields

    connection.set_tenant(alpha.municipality)
    _, (person,) = household_tennyu(
        "hayama",
        members=[
            person_fields(
                shimei="ＺＨＡＮＧ　ＹＵＬＩＮ",
                shubetsu=JuminShubetsu.GAIKOKUJIN,
                alpha_name="ZHANG YULIN",
                kokuseki="中国",
                zairyu_shikaku="永住者",
                zairyu_kikan_to="2030-01-15",
                birth_date="1991-02-03",
                honseki="",
                hittosha="",
            )
        ],
    )
    connection.set_schema_to_public()
    client = login("hayama-clerk", ALPHA_HOST)
    body = client.get(f"/juminkiroku/persons/{person.pk}/").content.decode()
    assert "1991年2月3日" in body and "2030年1月15日" in body
    assert "平成3年" not in body and "令和12年" not in body
    assert "令和2年4月1日" in body  # 住民となった日: 和暦
