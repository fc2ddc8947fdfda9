"""人口統計: every table sums to population_on and is one aggregate query."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection as dj_connection
from django.test.utils import CaptureQueriesContext

from juminkiroku.codes import JuminShubetsu, Sex, Zokugara
from juminkiroku.models import Chiku
from juminkiroku.selectors.asof import population_on
from juminkiroku.selectors.tokei import by_age_group, by_chiku, by_shubetsu, setaisu, tokei_on
from juminkiroku.tests.factories import family, household_tennyu, person_fields
from tenants.api.authentication import apiclient_create
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db

DAY = date(2025, 1, 1)


def build_town() -> None:
    Chiku.objects.create(code="01", name="堀内")
    household_tennyu("hayama", members=family())  # 1980, 1982, 2010-04-01; no chiku
    foreign = dict(
        shubetsu=JuminShubetsu.GAIKOKUJIN,
        alpha_name="GARCIA MARIA",
        kokuseki="ブラジル",
        zairyu_shikaku="定住者",
    )
    household_tennyu(
        "hayama",
        members=[
            person_fields(shimei="混合　世帯主", birth_date="1990-01-02", chiku_code="01"),
            person_fields(
                shimei="混合　配偶者",
                birth_date="1995-06-01",
                sex=Sex.FEMALE,
                zokugara=Zokugara.TSUMA,
                setai_order=2,
                chiku_code="01",
                **foreign,
            ),
        ],
    )
    household_tennyu(
        "hayama",
        members=[
            person_fields(
                shimei="外国　単身",
                birth_date="1925-01-01",
                sex=Sex.FEMALE,
                chiku_code="01",
                **foreign,
            )
        ],
    )


def test_tables_sum_to_population(in_alpha):
    build_town()
    total = population_on(DAY)
    assert total == 6
    for rows in (by_age_group(DAY), by_chiku(DAY), by_shubetsu(DAY)):
        assert sum(r.total for r in rows) == total
    ages = {r.key: (r.male, r.female) for r in by_age_group(DAY)}
    # Born 1990-01-02: the birthday is the day after 1 Jan 2025, so 35 already (35〜39).
    assert ages["35"] == (1, 0)
    assert ages["40"] == (1, 1)  # 1980-05-05 → 44, 1982-07-07 → 42
    assert ages["100"] == (0, 1)  # born 1925-01-01 → 100
    assert ages["10"] == (1, 0)  # born 2010-04-01 → 14
    shubetsu = {r.key: r.total for r in by_shubetsu(DAY)}
    assert shubetsu == {JuminShubetsu.NIHONJIN: 4, JuminShubetsu.GAIKOKUJIN: 2}
    chiku = {r.key: (r.label, r.total) for r in by_chiku(DAY)}
    assert chiku == {"": ("（地区未設定）", 3), "01": ("堀内", 3)}
    s = setaisu(DAY)
    assert (s.total, s.nihonjin_only, s.gaikokujin_only, s.fukusu) == (3, 1, 1, 1)
    assert tokei_on(date(2020, 3, 31)).population == 0


def test_each_table_is_one_query(in_alpha):
    build_town()
    for fn in (by_age_group, by_chiku, by_shubetsu, setaisu):
        with CaptureQueriesContext(dj_connection) as ctx:
            fn(DAY)
        real = [q for q in ctx.captured_queries if not q["sql"].startswith("SET search_path")]
        # by_chiku also reads the (small) 地区 table for the names.
        assert len(real) == (2 if fn is by_chiku else 1), fn.__name__


def test_screen_csv_api_and_walls(alpha, beta, login):
    client = login("hayama-viewer", ALPHA_HOST)
    other = login("samukawa-viewer", BETA_HOST)
    connection.set_tenant(alpha.municipality)
    build_town()
    r = client.post("/juminkiroku/tokei/", {"day": "令和7年1月1日"})
    assert r.status_code == 200
    assert 'data-testid="population">6<' in r.content.decode()
    r = client.post("/juminkiroku/tokei/", {"day": "2025-01-01", "csv": "1"})
    lines = r.content.decode("utf-8").splitlines()
    assert lines[0] == "\ufeff区分,男,女,計"
    assert "世帯数,,,3" in lines
    assert lines.count("計,3,3,6") == 3
    _, key = apiclient_create(
        municipality=alpha.municipality, name="統計", scopes=["juminkiroku:read"]
    )
    from django.test import Client

    api = Client(HTTP_HOST=ALPHA_HOST, HTTP_AUTHORIZATION=f"Bearer {key}")
    r = api.post(
        "/api/v1/juminkiroku/tokei/", {"date": "2025-01-01"}, content_type="application/json"
    )
    assert r.status_code == 200, r.content
    assert r.json()["population"] == 6 and r.json()["setai"]["fukusu"] == 1
    assert "混合" not in r.content.decode()
    # 葉山町's key does not open 寒川町; 寒川町's staff see only their own (empty) town.
    wrong = Client(HTTP_HOST=BETA_HOST, HTTP_AUTHORIZATION=f"Bearer {key}")
    r = wrong.post(
        "/api/v1/juminkiroku/tokei/", {"date": "2025-01-01"}, content_type="application/json"
    )
    assert r.status_code == 401
    r = other.post("/juminkiroku/tokei/", {"day": "2025-01-01"})
    assert 'data-testid="population">0<' in r.content.decode()
    connection.set_tenant(beta.municipality)
    assert population_on(DAY) == 0 and setaisu(DAY).total == 0


def test_csv_download_uses_the_platform_writer_in_the_chosen_encoding(alpha, beta, login):
    # given: the same screen in both towns
    client = login("hayama-viewer", ALPHA_HOST)
    other = login("samukawa-viewer", BETA_HOST)
    connection.set_tenant(alpha.municipality)
    build_town()
    form = {"day": "R7.1.1", "csv": "1"}
    # when
    sjis = client.post("/juminkiroku/tokei/", {**form, "encoding": "cp932"})
    utf8 = client.post("/juminkiroku/tokei/", form)  # no choice posted: UTF-8 with BOM
    beta_sjis = other.post("/juminkiroku/tokei/", {**form, "encoding": "cp932"})
    # then
    assert sjis["Content-Type"] == "text/csv; charset=Shift_JIS"
    lines = sjis.content.decode("cp932").splitlines()
    assert lines[0] == "区分,男,女,計" and "世帯数,,,3" in lines
    assert utf8.content.decode("utf-8").splitlines()[0] == "\ufeff区分,男,女,計"
    # 寒川町 counts its own residents only (none)
    assert "世帯数,,,0" in beta_sjis.content.decode("cp932").splitlines()
    page = client.get("/juminkiroku/tokei/").content.decode()
    assert "Shift_JIS（cp932" in page and 'value="utf-8-sig"' in page
