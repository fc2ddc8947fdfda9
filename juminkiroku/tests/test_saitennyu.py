"""再転入者 (標準仕様書 4.1.1.2): a 転入 of a person once on file finds and reuses their old
宛名 instead of making a new one — in the service, the API and the screen."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from juminkiroku import events
from juminkiroku.codes import AtenaKubun, IdoJiyu, JuminJotai
from juminkiroku.models import Atena, AtenaRireki, Ido
from juminkiroku.selectors.saitennyu import NUMBER, SANJOHO, saitennyu_candidates
from juminkiroku.services.ido import IdoError, PersonChange, ido_enter
from juminkiroku.services.jutogai import jutogai_register
from juminkiroku.tests.factories import (
    actor_for,
    approve,
    household_tennyu,
    person_fields,
    tenshutsu,
)
from tenants.accesslog.models import AccessLog
from tenants.api.authentication import apiclient_create
from tenants.db import connection
from tenants.events.models import DomainEvent
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db

BACK = date(2024, 4, 1)
KOJIN_BANGO = "123456789018"


def _left_town(*, kojin_bango: str = "") -> Atena:
    """山田太郎 moved in in 2020 and left in 2023: a 除票."""
    _, (head,) = household_tennyu("hayama")
    if kojin_bango:
        approve(
            ido_enter(
                jiyu=IdoJiyu.KOJIN_BANGO_SHOKKEN_KISAI,
                ido_date=date(2021, 1, 5),
                todoke_date=None,
                changes=[PersonChange(head.pk, {"kojin_bango": kojin_bango})],
                actor=actor_for("hayama-clerk"),
            ),
            reviewer="hayama-shinsa",
        )
    tenshutsu(head, ido_date=date(2023, 3, 1), todoke_date=date(2023, 2, 20))
    head.refresh_from_db()
    assert head.is_johyo
    return head


def _tennyu(change: PersonChange, town: str = "hayama") -> Ido:
    return ido_enter(
        jiyu=IdoJiyu.TENNYU,
        ido_date=BACK,
        todoke_date=BACK,
        changes=[change],
        setai_mode="new",
        actor=actor_for(f"{town}-clerk"),
    )


def test_saitennyu_reuses_the_old_atena(in_alpha):
    old = _left_town()
    # given: the same 3情報 typed as a new person
    with pytest.raises(IdoError) as exc:
        _tennyu(PersonChange(None, person_fields(shimei_kana="やまだ たろう")))
    assert old.atena_no in exc.value.errors["persons.0.saitennyu"][0]
    assert Ido.objects.filter(jiyu=IdoJiyu.TENNYU).count() == 1  # the 2020 one only
    (candidate,) = saitennyu_candidates(shimei_kana="ﾔﾏﾀﾞ ﾀﾛｳ", birth_date=date(1980, 5, 5), sex="1")
    assert (candidate.atena_id, candidate.match) == (old.pk, SANJOHO)
    # when: the clerk names the old 宛名, taking in what was on file and correcting it
    ido = approve(
        _tennyu(
            PersonChange(
                old.pk,
                {
                    "jusho": "神奈川県三浦郡葉山町一色",
                    "banchi": "1番地",
                    "tennyu_mae_jusho": "東京都新宿区西新宿二丁目8番1号",
                },
            )
        ),
        reviewer="hayama-shinsa",
    )
    # then: no new 宛名; the same 宛名番号 is a resident again, its 除票 kept as history
    assert Atena.objects.count() == 1
    person = Atena.objects.get()
    assert person.pk == old.pk and person.atena_no == old.atena_no
    assert (person.jotai, person.kubun) == (JuminJotai.JUMIN, AtenaKubun.JUTOSHA)
    assert person.shimei == old.shimei and person.honseki == old.honseki
    assert person.jusho == "神奈川県三浦郡葉山町一色" and person.jumin_date == BACK
    assert (person.shojo_date, person.shojo_jiyu, person.tenshutsu_saki_jusho) == (None, "", "")
    johyo = AtenaRireki.objects.get(atena=person, valid_to=BACK)
    assert johyo.jotai == JuminJotai.TENSHUTSU
    ev = DomainEvent.objects.get(name=events.TENNYU.name, payload__ido_id=ido.pk)
    assert ev.payload["atena_ids"] == [old.pk]


def test_a_number_match_refuses_a_new_atena_even_when_confirmed(in_alpha):
    old = _left_town(kojin_bango=KOJIN_BANGO)
    fields = person_fields(
        shimei="別名　太郎", shimei_kana="ベツメイ　タロウ", kojin_bango=KOJIN_BANGO
    )
    assert [(c.atena_id, c.match) for c in saitennyu_candidates(kojin_bango=KOJIN_BANGO)] == [
        (old.pk, NUMBER)
    ]
    with pytest.raises(IdoError) as exc:
        _tennyu(PersonChange(None, fields, confirmed_new=True))
    assert "再転入者として" in exc.value.errors["persons.0.atena_id"][0]
    assert Atena.objects.count() == 1


def test_another_person_with_the_same_3johos_after_confirmation(in_alpha):
    old = _left_town()
    ido = approve(
        _tennyu(PersonChange(None, person_fields(), confirmed_new=True)),
        reviewer="hayama-shinsa",
    )
    new = Atena.objects.get(rireki__ido=ido)
    assert new.pk != old.pk and Atena.objects.count() == 2


def test_a_jutogai_person_moving_in_keeps_their_atena(in_alpha):
    jutogai = jutogai_register(
        fields={
            "shimei": "鈴木　一郎",
            "shimei_kana": "スズキ　イチロウ",
            "birth_date": "1970-01-01",
            "sex": "1",
            "jusho": "東京都港区芝公園一丁目",
        },
        actor=actor_for("hayama-clerk"),
    )
    (c,) = saitennyu_candidates(shimei="鈴木 一郎", birth_date=date(1970, 1, 1), sex="1")
    assert c.atena_id == jutogai.pk and c.jotai == JuminJotai.JUTOGAI
    approve(
        _tennyu(
            PersonChange(
                jutogai.pk,
                person_fields(
                    shimei="鈴木　一郎",
                    shimei_kana="スズキ　イチロウ",
                    birth_date="1970-01-01",
                    hittosha="鈴木　一郎",
                ),
            )
        ),
        reviewer="hayama-shinsa",
    )
    person = Atena.objects.get(pk=jutogai.pk)
    assert person.kubun == AtenaKubun.JUTOSHA and person.atena_no == jutogai.atena_no
    assert Atena.objects.count() == 1


def test_walls_another_towns_johyo_is_no_candidate(alpha, beta):
    connection.set_tenant(alpha.municipality)
    old = _left_town()
    connection.set_tenant(beta.municipality)
    assert (
        saitennyu_candidates(shimei_kana="ヤマダタロウ", birth_date=date(1980, 5, 5), sex="1") == []
    )
    with pytest.raises(IdoError, match="見つかりません"):
        _tennyu(PersonChange(old.pk, {}), town="samukawa")
    # samukawa enters its own new 山田太郎 freely: hayama's 除票 is not its business.
    approve(
        _tennyu(PersonChange(None, person_fields()), town="samukawa"), reviewer="samukawa-shinsa"
    )
    assert Atena.objects.count() == 1
    connection.set_tenant(alpha.municipality)
    assert Atena.objects.get(pk=old.pk).is_johyo


# --- API ------------------------------------------------------------------------------


def _api(town, host):
    _, key = apiclient_create(
        municipality=town.municipality, name="窓口端末", scopes=["juminkiroku:write"]
    )
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {key}")


def test_api_finds_candidates_and_enters_the_saitennyu(world):
    connection.set_tenant(world.alpha.municipality)
    old = _left_town()
    connection.set_schema_to_public()
    system = _api(world.alpha, ALPHA_HOST)
    criteria = {"shimei_kana": "ヤマダ　タロウ", "birth_date": "1980-05-05", "sex": "1"}
    r = system.post(
        "/api/v1/juminkiroku/ido/saitennyu-candidates/", criteria, content_type="application/json"
    )
    assert r.status_code == 200, r.content
    assert [(c["atena_id"], c["atena_no"], c["match"]) for c in r.json()] == [
        (old.pk, old.atena_no, "sanjoho")
    ]
    assert r.json()[0]["jotai_label"] == "転出"
    # An empty body names nobody.
    r = system.post(
        "/api/v1/juminkiroku/ido/saitennyu-candidates/", {}, content_type="application/json"
    )
    assert r.status_code == 400
    body = {
        "jiyu": "K01",
        "ido_date": "2024-04-01",
        "todoke_date": "2024-04-01",
        "setai_mode": "new",
        "persons": [{"atena_id": None, "fields": person_fields()}],
    }
    r = system.post("/api/v1/juminkiroku/ido/", body, content_type="application/json")
    assert r.status_code == 422 and old.atena_no in str(r.json())
    body["persons"] = [
        {
            "atena_id": old.pk,
            "fields": {"jusho": "神奈川県三浦郡葉山町一色", "tennyu_mae_jusho": "東京都"},
        }
    ]
    r = system.post("/api/v1/juminkiroku/ido/", body, content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["atena_ids"] == [old.pk]
    # The other town's system finds nothing of hayama's.
    other = _api(world.beta, BETA_HOST)
    r = other.post(
        "/api/v1/juminkiroku/ido/saitennyu-candidates/", criteria, content_type="application/json"
    )
    assert r.status_code == 200 and r.json() == []
    connection.set_tenant(world.alpha.municipality)
    log = AccessLog.objects.filter(screen="API 再転入者照会").order_by("-id").first()
    assert log is not None and old.pk in log.detail["atena_ids"]


# --- screen ---------------------------------------------------------------------------

FORM = {
    "ido_date": "令和6年4月1日",
    "todoke_date": "2024-04-01",
    "setai_mode": "new",
    "c-jusho": "神奈川県三浦郡葉山町一色",
    "c-banchi": "1番地",
    "c-tennyu_mae_jusho": "東京都新宿区西新宿二丁目8番1号",
    "n1-shimei": "山田　太郎",
    "n1-shimei_kana": "ヤマダ　タロウ",
    "n1-birth_date": "昭和55年5月5日",
    "n1-sex": "1",
    "n1-shubetsu": "1",
    "n1-zokugara": "01",
}


def test_screen_shows_the_old_atena_and_the_clerk_picks_it(login, alpha, beta):
    connection.set_tenant(alpha.municipality)
    old = _left_town()
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    r = clerk.post("/juminkiroku/ido/new/K01/", FORM)
    assert r.status_code == 200
    page = r.content.decode()
    assert 'data-testid="saitennyu-1"' in page and old.atena_no in page
    assert "再転入者ならその宛名を選んでください" in page
    connection.set_tenant(alpha.municipality)
    assert Ido.objects.filter(status="kari").count() == 0
    connection.set_schema_to_public()
    r = clerk.post("/juminkiroku/ido/new/K01/", {**FORM, "n1-saitennyu": str(old.pk)})
    assert r.status_code == 302, r.content.decode()[-2000:]
    connection.set_tenant(alpha.municipality)
    ido = Ido.objects.get(status="kari")
    assert ido.payload["persons"][0]["atena_id"] == old.pk
    connection.set_schema_to_public()
    # samukawa's clerk typing the same person sees no candidate and enters a new one.
    other = login("samukawa-clerk", BETA_HOST)
    r = other.post("/juminkiroku/ido/new/K01/", FORM)
    assert r.status_code == 302
    assert old.atena_no not in other.get(r["Location"]).content.decode()
