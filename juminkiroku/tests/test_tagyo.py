"""他業務照会 (標準仕様書 7.2.2) and the API half of 他業務連携 (7.2.1): the store with its
history, the API with its own scope and its 422s, the 「他業務」 screen (words, 和暦,
出所, 更新日時, an access-logged read), a clerk's correction with a reason, the card item
from the CS status, and the wall between 葉山町 and 寒川町."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from juminkiroku.models import CardJokyo, TagyoJoho, TagyoJohoRireki
from juminkiroku.models.cs import CardJotai, CardShurui
from juminkiroku.models.tagyo import TagyoKubun
from juminkiroku.services.tagyo import TagyoError, tagyo_set
from juminkiroku.tests.factories import actor_for, household_tennyu, person_fields
from tenants.accesslog.models import AccessLog
from tenants.api.authentication import apiclient_create
from tenants.atena_bango import number_with_check_digit
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db

URL = "/api/v1/juminkiroku/tagyo/"


def api(town, scopes: list[str], host: str = ALPHA_HOST, name: str = "国保システム") -> Client:
    _, key = apiclient_create(municipality=town.municipality, name=name, scopes=scopes)
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {key}")


def person(town: str):
    _, (p,) = household_tennyu(town, members=[person_fields()])
    return p


def test_api_registers_items_keeps_history_and_a_resend_changes_nothing(alpha):
    # given a resident of 葉山町 and a 国保 system holding the tagyo scope
    connection.set_tenant(alpha.municipality)
    p = person("hayama")
    client = api(alpha, ["juminkiroku:tagyo"])
    body = {
        "atena_no": p.atena_no,
        "kind": "kokuho",
        "gaito": True,
        "shutoku_date": "2024-04-01",
    }
    # when it sends the items, then the same again, then a 喪失
    first = client.post(URL, body, content_type="application/json")
    again = client.post(URL, body, content_type="application/json")
    lost = client.post(
        URL,
        {**body, "gaito": False, "soshitsu_date": "2025-03-31"},
        content_type="application/json",
    )
    # then the row holds the latest, and the history the two changes only
    assert first.status_code == 200, first.content
    assert first.json()["changed"] is True
    assert again.json()["changed"] is False
    assert lost.json()["soshitsu_date"] == "2025-03-31"
    connection.set_tenant(alpha.municipality)
    row = TagyoJoho.objects.get(atena=p, kind="kokuho")
    assert (row.gaito, row.shutoku_date, row.soshitsu_date) == (
        False,
        date(2024, 4, 1),
        date(2025, 3, 31),
    )
    assert (row.shutsusho, row.kubun, row.updated_by) == ("国保システム", "api", "国保システム")
    hist = list(TagyoJohoRireki.objects.filter(atena=p).order_by("id"))
    assert [h.after["gaito"] for h in hist] == [True, False]
    assert hist[1].before["shutoku_date"] == "2024-04-01"
    logs = AccessLog.objects.filter(screen="他業務情報の登録", record_id=str(p.pk))
    assert logs.count() == 2
    assert all(log.api_client == "国保システム" for log in logs)


def test_api_refuses_by_rule_with_422_and_writes_nothing(alpha):
    connection.set_tenant(alpha.municipality)
    p = person("hayama")
    client = api(alpha, ["juminkiroku:tagyo"])
    cases = [
        ({"atena_no": p.atena_no[:-1] + str((int(p.atena_no[-1]) + 1) % 10)}, "atena_no"),
        ({"atena_no": number_with_check_digit(99_999_999)}, "atena_no"),  # nobody
        ({"kind": "jido_teate_jukyu", "gaito": True}, "gaito"),  # not an item of 児童手当
        ({"shutoku_date": "2024-04-01", "soshitsu_date": "2024-03-31"}, "soshitsu_date"),
        ({"kind": "nenkin", "shubetsu_henko_date": "2024-04-01"}, "nenkin_shubetsu"),
        ({"kind": "jido_teate_jukyu", "kaishi_ym": "2024-06", "shuryo_ym": "2024-05"}, "shuryo_ym"),
    ]
    for change, field in cases:
        body = {"atena_no": p.atena_no, "kind": "kokuho", **change}
        r = client.post(URL, body, content_type="application/json")
        assert r.status_code == 422, (change, r.content)
        assert field in r.json(), (change, r.json())
    # a value the document forbids is 400, not 422
    bad = client.post(
        URL,
        {"atena_no": p.atena_no, "kind": "nenkin", "kiso_nenkin_no": "12345"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    connection.set_tenant(alpha.municipality)
    assert not TagyoJoho.objects.exists()
    assert not TagyoJohoRireki.objects.exists()


def test_the_scope_is_its_own_and_towns_are_walls(alpha, beta):
    # given a resident in each town
    connection.set_tenant(alpha.municipality)
    p_alpha = person("hayama")
    connection.set_tenant(beta.municipality)
    p_beta = person("samukawa")
    body = {"atena_no": p_alpha.atena_no, "kind": "kaigo", "gaito": True}
    # when a key with read and write but not tagyo sends, and 寒川町's key sends 葉山町's number
    writer = api(alpha, ["juminkiroku:read", "juminkiroku:write"], name="記録システム")
    refused = writer.post(URL, body, content_type="application/json")
    samukawa = api(beta, ["juminkiroku:tagyo"], host=BETA_HOST)
    other_town = samukawa.post(URL, body, content_type="application/json")
    alpha_key_on_beta = Client(
        HTTP_HOST=BETA_HOST,
        HTTP_AUTHORIZATION=writer.defaults["HTTP_AUTHORIZATION"],
    ).post(URL, body, content_type="application/json")
    # then nothing is written anywhere
    assert refused.status_code == 403
    assert alpha_key_on_beta.status_code in (401, 403)
    connection.set_tenant(alpha.municipality)
    assert not TagyoJoho.objects.exists()
    connection.set_tenant(beta.municipality)
    rows = list(TagyoJoho.objects.values_list("atena_id", flat=True))
    if p_beta.atena_no == p_alpha.atena_no:
        # numbers are per town: the same number is 寒川町's own person there
        assert (other_town.status_code, rows) == (200, [p_beta.pk])
    else:
        assert (other_town.status_code, rows) == (422, [])


def test_screen_shows_words_wareki_source_and_time_and_logs_the_read(alpha, beta, login):
    # given 葉山町 data from the 年金 system and a card reported by the CS
    connection.set_tenant(alpha.municipality)
    p = person("hayama")
    tagyo_set(
        atena_id=p.pk,
        kind="nenkin",
        values={
            "gaito": True,
            "kiso_nenkin_no": "1234567890",
            "nenkin_shubetsu": "3",
            "shubetsu_henko_date": date(2023, 10, 1),
            "shutoku_date": date(2019, 5, 1),
        },
        shutsusho="国民年金システム",
        kubun=TagyoKubun.FILE,
        actor=actor_for("hayama-clerk"),
    )
    tagyo_set(
        atena_id=p.pk,
        kind="jido_teate_jukyu",
        values={"kaishi_ym": date(2024, 6, 1)},
        shutsusho="児童手当システム",
        kubun=TagyoKubun.API,
        actor=actor_for("hayama-clerk"),
    )
    CardJokyo.objects.create(atena=p, shurui=CardShurui.KOJIN_BANGO, jotai=CardJotai.KOFU)
    # when the clerk opens the person's 他業務 tab
    client = login("hayama-clerk", ALPHA_HOST)
    detail = client.get(f"/juminkiroku/persons/{p.pk}/").content.decode()
    r = client.get(f"/juminkiroku/persons/{p.pk}/tagyo/")
    page = r.content.decode()
    # then every item is in words and 和暦, with its source and time
    assert f'href="/juminkiroku/persons/{p.pk}/tagyo/"' in detail
    assert r.status_code == 200
    for text in (
        "国民年金",
        "第3号被保険者",
        "令和5年10月1日",
        "令和元年5月1日",
        "1234567890",
        "国民年金システム",
        "他システム（ファイル連携）",
        "受給開始年月",
        "令和6年6月",
        "児童手当システム",
        "住基ネット（CSのカード管理状況）",
        "カードの保有の有無",
        "連携された情報はありません。",  # 選挙人名簿: nothing sent yet
    ):
        assert text in page, text
    assert "2023-10-01" not in page
    connection.set_tenant(alpha.municipality)
    read = AccessLog.objects.filter(screen="他業務照会").latest("id")
    assert (read.action, read.record_id) == ("read", str(p.pk))
    assert set(read.detail["tagyo_kinds"]) == {"nenkin", "jido_teate_jukyu", "card"}
    # and 寒川町's clerk cannot open 葉山町's person
    other = login("samukawa-clerk", BETA_HOST).get(f"/juminkiroku/persons/{p.pk}/tagyo/")
    assert other.status_code == 404 or "国民年金システム" not in other.content.decode()


def test_clerk_corrects_with_a_reason_the_viewer_cannot(alpha, login):
    connection.set_tenant(alpha.municipality)
    p = person("hayama")
    tagyo_set(
        atena_id=p.pk,
        kind="senkyo_meibo",
        values={"gaito": False},
        shutsusho="選挙システム",
        kubun=TagyoKubun.API,
        actor=actor_for("hayama-clerk"),
    )
    url = f"/juminkiroku/persons/{p.pk}/tagyo/update/"
    form = {"kind": "senkyo_meibo", "gaito": "1", "reason": "選挙管理委員会に確認し登録済み"}
    # when the viewer tries, and the clerk without a reason, then with one
    viewer = login("hayama-viewer", ALPHA_HOST).post(url, form)
    clerk = login("hayama-clerk", ALPHA_HOST)
    no_reason = clerk.post(url, {**form, "reason": ""}, follow=True)
    done = clerk.post(url, form, follow=True)
    # then only the reasoned correction is written, with its history
    assert viewer.status_code == 403
    assert "修正の理由" in no_reason.content.decode()
    assert "修正しました" in done.content.decode()
    assert "選挙管理委員会に確認し登録済み" in done.content.decode()
    connection.set_tenant(alpha.municipality)
    row = TagyoJoho.objects.get(atena=p, kind="senkyo_meibo")
    assert (row.gaito, row.kubun) == (True, "shokuin")
    last = TagyoJohoRireki.objects.filter(atena=p).latest("id")
    assert (last.before["gaito"], last.after["gaito"], last.reason) == (
        False,
        True,
        "選挙管理委員会に確認し登録済み",
    )
    assert last.changed_by == "hayama-clerk"
    with pytest.raises(TagyoError):
        tagyo_set(
            atena_id=p.pk,
            kind="senkyo_meibo",
            values={"gaito": True},
            shutsusho="住民記録",
            kubun=TagyoKubun.SHOKUIN,
            actor=actor_for("hayama-clerk"),
        )


def test_the_api_key_screen_offers_the_tagyo_scope_and_the_key_works(alpha, login):
    from tenants.models import ApiClient

    # given the town administrator on the API-key screen
    admin = login("hayama-admin", ALPHA_HOST)
    page = admin.get("/settings/api-clients/").content.decode()
    # when a key is issued with the scope alone
    admin.post(
        "/settings/api-clients/", {"name": "介護保険システム", "scopes": ["juminkiroku:tagyo"]}
    )
    # then the screen offered it in words, and the key holds it and nothing else
    assert 'value="juminkiroku:tagyo"' in page and "他業務情報の登録" in page
    client = ApiClient.objects.get(name="介護保険システム")
    assert client.scopes == ["juminkiroku:tagyo"]
    assert not client.has_scope("juminkiroku", "read")
