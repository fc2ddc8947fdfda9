"""The 異動 entry form a clerk can use fast (issue 13, item 3): one 異動者 block to start,
more added one at a time (htmx, or the whole form again without it); fields in the order
of the paper 住民異動届 with their labels above them; each field checked as it is left,
with the messages the 仮登録 gives; the 仮登録's own errors beside their fields. The
keyboard-only run in Chromium is tests/integration/test_browser_ido_keyboard.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from lxml import html

from juminkiroku.models import Ido
from juminkiroku.tests.test_ido_views import TENNYU_FORM
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db

FORM = "/juminkiroku/ido/new/K01/"


def _tree(response):
    return html.fromstring(response.content.decode())


def _names(tree) -> list[str]:
    return [
        el.get("name")
        for el in tree.xpath("//form[@data-testid='ido-form']//*[self::input or self::select]")
        if el.get("type") not in ("hidden",)
    ]


def test_the_tennyu_form_starts_with_one_person_and_adds_the_next(login):
    clerk = login("hayama-clerk", ALPHA_HOST)
    tree = _tree(clerk.get(FORM))
    # one 異動者 block, no second one yet
    assert len(tree.xpath("//fieldset[@data-testid='person-1']")) == 1
    assert not tree.xpath("//*[starts-with(@name, 'n2-')]")
    (button,) = tree.xpath("//button[@data-testid='add-member']")
    assert button.get("hx-get") == "/juminkiroku/ido/new/K01/member/?n=2"
    assert button.text_content().strip() == "世帯員を追加（2人目）"
    # htmx asks for block 2: empty, its 氏名 focused, and the button for the 3rd
    block = clerk.get(button.get("hx-get"), HTTP_HX_REQUEST="true")
    fragment = html.fragment_fromstring(block.content.decode(), create_parent="div")
    first = fragment.xpath(".//fieldset[@data-testid='person-2']//input")[0]
    assert first.get("name") == "n2-shimei" and first.get("autofocus") is not None
    assert not [i for i in fragment.xpath(".//input") if i.get("value")]
    (next_button,) = fragment.xpath(".//button[@data-testid='add-member']")
    assert next_button.get("hx-get").endswith("?n=3")
    # and a 転出 (not a 記載) has no such block
    assert clerk.get("/juminkiroku/ido/new/S01/member/?n=2").status_code == 404


def test_without_htmx_the_add_button_shows_the_form_again_with_one_more(login, alpha):
    clerk = login("hayama-clerk", ALPHA_HOST)
    typed = {k: v for k, v in TENNYU_FORM.items() if not k.startswith("n2-")}
    r = clerk.post(FORM, {**typed, "add_member": "2"})
    assert r.status_code == 200
    tree = _tree(r)
    assert tree.xpath("//input[@name='n1-shimei']")[0].get("value") == "葉山　一郎"
    assert tree.xpath("//input[@name='n2-shimei']")[0].get("value") in (None, "")
    assert tree.xpath("//button[@data-testid='add-member']")[0].get("value") == "3"
    connection.set_tenant(alpha.municipality)
    assert Ido.objects.count() == 0  # nothing entered
    connection.set_schema_to_public()


def test_the_fields_follow_the_paper_form_with_labels_above(login):
    clerk = login("hayama-clerk", ALPHA_HOST)
    tree = _tree(clerk.get(FORM))
    names = _names(tree)
    order = [
        "todoke_date",
        "ido_date",
        "c-postal_code",
        "c-jusho",
        "c-banchi",
        "c-katagaki",
        "c-jusho_code",
        "c-tennyu_mae_postal_code",
        "c-tennyu_mae_jusho",
        "setai_mode",
        "setai_mode",
        "setai_no",
        "n1-shimei",
        "n1-shimei_kana",
        "n1-birth_date",
        "n1-sex",
        "n1-zokugara",
        "n1-shubetsu",
        "n1-honseki",
        "n1-hittosha",
    ]
    assert names[: len(order)] == order
    assert tree.xpath("//input[@name='todoke_date']")[0].get("autofocus") is not None
    # each field's label comes before it, tied to it by id, and an error place after it
    for field in tree.xpath("//div[@class='field']"):
        label, control = field.xpath("label")[0], field.xpath("input|select")[0]
        assert label.get("for") == control.get("id")
        assert field.index(label) < field.index(control)
    shimei = tree.xpath("//input[@name='n1-shimei']")[0]
    assert shimei.get("aria-describedby") == "err-n1-shimei"
    assert tree.xpath("//*[@id='err-n1-shimei']")[0].get("aria-live") == "polite"


def _check(client, key: str, value: str, **more: str) -> str:
    r = client.post(
        "/juminkiroku/ido/new/K01/check/",
        {key: value, **more},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TRIGGER_NAME=key,
    )
    assert r.status_code == 200
    return r.content.decode()


def test_each_field_is_checked_as_it_is_left(login):
    clerk = login("hayama-clerk", ALPHA_HOST)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert _check(clerk, "n1-shimei", "") == "1人目: 氏名を入力してください。"
    assert _check(clerk, "n2-shimei", "葉山　花子") == ""
    assert _check(clerk, "n1-birth_date", "昭和55年13月5日") == (
        "生年月日は 2024-04-01 か 令和6年4月1日 の形で入力してください。"
    )
    assert _check(clerk, "n1-birth_date", "令和6年5月1日", ido_date="令和6年4月1日") == (
        "1人目: 生年月日が異動日より後です。"
    )
    assert _check(clerk, "n1-sex", "") == "1人目: 性別を入力してください。"
    assert _check(clerk, "c-postal_code", "24-01") != ""
    assert _check(clerk, "c-postal_code", "240-0112") == ""
    assert _check(clerk, "c-tennyu_mae_jusho", "") == "転入前住所を入力してください。"
    assert _check(clerk, "ido_date", tomorrow) == "異動日に未来の日付は指定できません。"
    assert _check(clerk, "ido_date", "") == "異動日を入力してください。"
    assert _check(clerk, "n1-kojin_bango", "123456789012") == (
        "1人目: 個人番号の検査用数字が一致しません（12桁）。"
    )
    # a control character is refused with the field's Japanese name
    assert "氏名" in _check(clerk, "n1-shimei", "葉山\x00一郎")
    # a reader of the town cannot use it, and a town without 住民記録 screens… has them
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert viewer.post("/juminkiroku/ido/new/K01/check/", {"n1-shimei": ""}).status_code == 403


def test_the_entrys_own_errors_are_shown_beside_their_fields(login, alpha):
    clerk = login("hayama-clerk", ALPHA_HOST)
    form = {k: v for k, v in TENNYU_FORM.items() if k != "n2-birth_date"}
    r = clerk.post(FORM, form)
    assert r.status_code == 200
    tree = _tree(r)
    err = tree.xpath("//*[@id='err-n2-birth_date']")[0].text_content()
    assert err == "2人目: 生年月日を入力してください。"
    assert tree.xpath("//input[@name='n2-birth_date']")[0].get("aria-invalid") == "true"
    # the two blocks typed are shown again, with what was typed
    assert tree.xpath("//input[@name='n2-shimei']")[0].get("value") == "葉山　花子"


def test_two_people_entered_in_one_town_are_not_in_the_other(login, alpha, beta):
    clerk = login("hayama-clerk", ALPHA_HOST)
    assert clerk.post(FORM, TENNYU_FORM).status_code == 302
    connection.set_tenant(alpha.municipality)
    (ido,) = Ido.objects.all()
    assert len(ido.payload["persons"]) == 2
    connection.set_tenant(beta.municipality)
    assert Ido.objects.count() == 0
    connection.set_schema_to_public()
    other = login("samukawa-clerk", BETA_HOST)
    assert other.get(f"/juminkiroku/ido/{ido.pk}/").status_code == 404
