"""無作為抽出 (標準仕様書 9.6): criteria, the draw, its list, CSV and 宛名シール."""

from __future__ import annotations

import re
from datetime import date

import pytest

from juminkiroku.codes import JuminShubetsu, Sex, YokushiLevel, YokushiProcess, Zokugara
from juminkiroku.models import Atena, Chiku
from juminkiroku.selectors.chushutsu import Chushutsu, candidates, draw
from juminkiroku.services.yokushi import shien_sochi_register, yokushi_set
from juminkiroku.tests.factories import actor_for, household_tennyu, person_fields
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.testing.pdf import pdf_pages
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db


def _town() -> dict[str, Atena]:
    """葉山町: 10 residents in 地区 01 (5 men born 1980, 5 women born 2000), a foreign man
    in 地区 02, a man under a 照会抑止 and a woman with a 支援措置."""
    Chiku.objects.get_or_create(code="01", defaults={"name": "堀内"})
    Chiku.objects.get_or_create(code="02", defaults={"name": "一色"})
    people: dict[str, Atena] = {}
    for i in range(5):
        for sex, born, tag in ((Sex.MALE, "1980-05-05", "m"), (Sex.FEMALE, "2000-01-10", "f")):
            _, (p,) = household_tennyu(
                "hayama",
                members=[
                    person_fields(
                        shimei=f"試験　{tag}{i}",
                        shimei_kana=f"シケン　{tag.upper()}{i}",
                        sex=sex,
                        birth_date=born,
                        chiku_code="01",
                    )
                ],
            )
            people[f"{tag}{i}"] = p
    _, (foreign,) = household_tennyu(
        "hayama",
        members=[
            person_fields(
                shimei="リー　ウェイ",
                shimei_kana="リー　ウェイ",
                shubetsu=JuminShubetsu.GAIKOKUJIN,
                alpha_name="LI WEI",
                kokuseki="中国",
                zairyu_shikaku="留学",
                honseki="",
                hittosha="",
                chiku_code="02",
            )
        ],
    )
    _, (locked,) = household_tennyu(
        "hayama", members=[person_fields(shimei="抑止　一郎", chiku_code="01")]
    )
    yokushi_set(
        process=YokushiProcess.SHOKAI,
        level=YokushiLevel.ERROR,
        reason="調査中",
        start_date=date(2020, 1, 1),
        end_date=None,
        atena_id=locked.pk,
        actor=actor_for("hayama-shinsa"),
    )
    _, (shien,) = household_tennyu(
        "hayama",
        members=[
            person_fields(
                shimei="支援　花子",
                sex=Sex.FEMALE,
                birth_date="2000-01-10",
                zokugara=Zokugara.HONNIN,
                chiku_code="01",
            )
        ],
    )
    shien_sochi_register(
        atena_id=shien.pk,
        start_date=date.today(),
        moshide_date=date.today(),
        note="",
        actor=actor_for("hayama-shinsa"),
    )
    people.update(foreign=foreign, locked=locked, shien=shien)
    return people


def test_criteria_and_the_persons_never_drawn(in_alpha, beta):
    people = _town()
    everyone = set(candidates(Chushutsu(count=1)).values_list("pk", flat=True))
    assert people["locked"].pk not in everyone and people["shien"].pk not in everyone
    assert len(everyone) == 11
    women = draw(Chushutsu(count=3, sex=Sex.FEMALE, chiku_code="01"))
    assert len(women) == 3 and {p.sex for p in women} == {Sex.FEMALE}
    assert all(p.chiku_code == "01" for p in women)
    born = draw(Chushutsu(count=20, birth_from=date(1990, 1, 1), birth_to=date(2005, 12, 31)))
    assert {p.shimei for p in born} == {f"試験　f{i}" for i in range(5)}  # fewer than asked
    assert [p.shimei for p in draw(Chushutsu(count=5, shubetsu=JuminShubetsu.GAIKOKUJIN))] == [
        "リー　ウェイ"
    ]
    assert draw(Chushutsu(count=5, chiku_code="99")) == []
    # Random: 30 draws of 1 out of 10 do not always give the same person.
    assert len({draw(Chushutsu(count=1, chiku_code="01"))[0].pk for _ in range(30)}) > 1
    with pytest.raises(ValueError):
        draw(Chushutsu(count=0))
    connection.set_tenant(beta.municipality)
    assert draw(Chushutsu(count=50)) == []


def test_screen_list_labels_csv_errors_and_walls(alpha, beta, login):
    connection.set_tenant(alpha.municipality)
    people = _town()
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    criteria = {"count": "4", "sex": "1", "chiku_code": "01", "birth_from": "昭和55年1月1日"}
    html = clerk.post("/juminkiroku/chushutsu/", criteria).content.decode()
    assert 'data-testid="drawn">4<' in html
    ids = [int(x) for x in re.findall(r'name="ids" value="(\d+)"', html)]
    assert len(ids) == 4 and set(ids) <= {people[f"m{i}"].pk for i in range(5)}
    # The labels of exactly the persons drawn.
    r = clerk.post("/juminkiroku/chushutsu/", {**criteria, "ids": ids, "labels": "1"})
    assert r["Content-Type"] == "application/pdf"
    text = "".join(pdf_pages(r.content))
    drawn = [p for p in people.values() if p.pk in ids]
    assert all(p.shimei.replace("　", "") in text.replace(" ", "").replace("　", "") for p in drawn)
    assert "〒240-0112" in text and "様" in text
    # The CSV of the same persons.
    r = clerk.post("/juminkiroku/chushutsu/", {**criteria, "ids": ids, "csv": "1"})
    lines = r.content.decode("utf-8").splitlines()
    assert lines[0].lstrip("\ufeff").startswith("宛名番号,氏名,フリガナ,生年月日,性別,郵便番号")
    assert len(lines) == 5
    # A locked person's id posted by hand is not printed.
    r = clerk.post(
        "/juminkiroku/chushutsu/", {**criteria, "ids": [people["locked"].pk], "labels": "1"}
    )
    assert r["Content-Type"].startswith("text/html")
    assert "先に抽出してください" in r.content.decode()
    # Bad criteria: Japanese errors, nothing drawn.
    r = clerk.post("/juminkiroku/chushutsu/", {"count": "0"})
    assert 'data-testid="drawn"' not in r.content.decode()
    r = clerk.post(
        "/juminkiroku/chushutsu/",
        {"count": "3", "birth_from": "2005-01-01", "birth_to": "2000-01-01"},
    )
    assert "終わりを始め以後の日にしてください" in r.content.decode()
    # Logged: the list, the labels and the CSV, each with the ids; the refusal prints nothing.
    connection.set_tenant(alpha.municipality)
    rows = list(AccessLog.objects.filter(screen__startswith="無作為抽出").order_by("id"))
    assert [(r.action, r.screen) for r in rows][:3] == [
        ("search", "無作為抽出"),
        ("print", "無作為抽出（宛名シール）"),
        ("export", "無作為抽出CSV"),
    ]
    assert sorted(rows[1].detail["atena_ids"]) == sorted(ids)
    connection.set_schema_to_public()
    # A viewer may not draw; 寒川町's clerk draws from 寒川町 only and cannot print 葉山町's.
    assert (
        login("hayama-viewer", ALPHA_HOST).post("/juminkiroku/chushutsu/", criteria).status_code
        == 403
    )
    other = login("samukawa-clerk", BETA_HOST)
    mine = {"count": "4", "sex": "1"}  # 寒川町 has no 地区 01
    r = other.post("/juminkiroku/chushutsu/", mine)
    assert "条件に当てはまる住民がいません" in r.content.decode()
    r = other.post("/juminkiroku/chushutsu/", {**mine, "ids": ids, "labels": "1"})
    assert r["Content-Type"].startswith("text/html") and "試験" not in r.content.decode()
