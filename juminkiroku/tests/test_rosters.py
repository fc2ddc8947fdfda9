"""選挙人名簿 (公職選挙法 第9条, 第21条) and 学齢簿 (学校教育法施行令 第1条, 第2条)."""

from __future__ import annotations

from datetime import date

import pytest

from juminkiroku.codes import IdoJiyu, JuminShubetsu, Sex, Zokugara
from juminkiroku.models import Atena, Chiku
from juminkiroku.selectors.gakurei import gakurei_children, gakurei_counts
from juminkiroku.selectors.senkyo import senkyo_counts, senkyo_eligible
from juminkiroku.services.ido import PersonChange, ido_enter
from juminkiroku.tests.factories import actor_for, approve, household_tennyu, person_fields
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db

KIJUN = date(2025, 9, 1)


def one(shimei: str, *, on: date = date(2020, 4, 1), todoke: date | None = None, **fields) -> Atena:
    ido = ido_enter(
        jiyu=IdoJiyu.TENNYU,
        ido_date=on,
        todoke_date=todoke or on,
        # Everyone here shares the reading and birth date of person_fields: each is
        # another person than the 除票 before (標準仕様書 4.1.1.2's alert, confirmed).
        changes=[PersonChange(None, person_fields(shimei=shimei, **fields), confirmed_new=True)],
        setai_mode="new",
        actor=actor_for("hayama-clerk"),
    )
    approve(ido, reviewer="hayama-shinsa")
    return Atena.objects.get(rireki__ido=ido)


def move(jiyu: str, atena: Atena, on: date, fields: dict, **kwargs) -> None:
    ido = ido_enter(
        jiyu=jiyu,
        ido_date=on,
        todoke_date=on,
        changes=[PersonChange(atena.pk, fields)],
        actor=actor_for("hayama-clerk"),
        **kwargs,
    )
    approve(ido, reviewer="hayama-shinsa")


def build_electorate() -> dict[str, Atena]:
    p: dict[str, Atena] = {}
    p["eve"] = one("前日　到達", birth_date="2007-09-02", chiku_code="01")  # 18 on D+1
    p["young"] = one("未満　一日", birth_date="2007-09-03", chiku_code="01")
    p["adult"] = one("成人　花子", birth_date="1970-01-01", sex=Sex.FEMALE, chiku_code="02")
    p["foreign"] = one(
        "外国　人",
        birth_date="1980-01-01",
        shubetsu=JuminShubetsu.GAIKOKUJIN,
        alpha_name="SMITH JOHN",
        kokuseki="アメリカ合衆国",
        zairyu_shikaku="永住者",
        chiku_code="01",
    )
    p["two_months"] = one("二月　前", on=date(2025, 7, 1), chiku_code="01")
    p["three_months"] = one("三月　前", on=date(2025, 6, 1), chiku_code="02")
    # Moved in before the cut-off but notified after it: the 届出日 counts (第21条).
    p["late_todoke"] = one("届出　遅", on=date(2025, 5, 28), todoke=date(2025, 6, 3))
    p["tenkyo"] = one("転居　済", chiku_code="01")
    move(IdoJiyu.TENKYO, p["tenkyo"], date(2025, 8, 1), {"jusho": "葉山町一色", "chiku_code": "02"})
    p["tenshutsu"] = one("転出　済")
    move(
        IdoJiyu.TENSHUTSU,
        p["tenshutsu"],
        date(2025, 8, 15),
        {"tenshutsu_saki_jusho": "東京都新宿区西新宿二丁目8番1号"},
    )
    p["shibo"] = one("死亡　済")
    move(IdoJiyu.SHIBO, p["shibo"], date(2025, 3, 3), {})
    # Left in 2024 and came back two months before D: a new run of residence.
    p["back"] = one("再転入　者")
    move(
        IdoJiyu.TENSHUTSU,
        p["back"],
        date(2024, 12, 1),
        {"tenshutsu_saki_jusho": "東京都千代田区霞が関二丁目1番2号"},
    )
    move(
        IdoJiyu.TENNYU,
        p["back"],
        date(2025, 7, 15),
        {"tennyu_mae_jusho": "東京都千代田区霞が関二丁目1番2号", "zokugara": Zokugara.HONNIN},
        setai_mode="new",
    )
    return p


def test_electoral_roll_rules(in_alpha):
    Chiku.objects.create(code="01", name="堀内")
    Chiku.objects.create(code="02", name="一色")
    p = build_electorate()
    found = set(senkyo_eligible(KIJUN).values_list("atena_id", flat=True))
    expected = {p[k].pk for k in ("eve", "adult", "three_months", "tenkyo")}
    assert found == expected
    # The 18th birthday eve: on the day before the 基準日 the person is still 17.
    assert p["eve"].pk not in set(
        senkyo_eligible(date(2025, 8, 31)).values_list("atena_id", flat=True)
    )
    # 転出 takes effect on its date: still registered on the day before.
    assert p["tenshutsu"].pk in set(
        senkyo_eligible(date(2025, 8, 14)).values_list("atena_id", flat=True)
    )
    # The run of the person who came back starts on the new 転入.
    back = senkyo_eligible(date(2025, 10, 15)).get(atena_id=p["back"].pk)
    assert back.renzoku_from == date(2025, 7, 15)
    tenkyo = senkyo_eligible(KIJUN).get(atena_id=p["tenkyo"].pk)
    assert tenkyo.renzoku_from == date(2020, 4, 1)
    counts = {c.chiku_code: (c.chiku_name, c.male, c.female) for c in senkyo_counts(KIJUN)}
    assert counts == {"01": ("堀内", 1, 0), "02": ("一色", 2, 1)}


def test_senkyo_screen_csv_and_walls(alpha, beta, login):
    client = login("hayama-viewer", ALPHA_HOST)
    other = login("samukawa-viewer", BETA_HOST)
    connection.set_tenant(alpha.municipality)
    p = build_electorate()
    r = client.get("/juminkiroku/senkyo/")
    assert r.status_code == 200 and "autofocus" in r.content.decode()
    r = client.post("/juminkiroku/senkyo/", {"kijun_date": "R7.9.1"})
    html = r.content.decode()
    assert r.status_code == 200
    assert 'data-testid="senkyo-total">4<' in html
    assert "前日　到達" in html and "未満　一日" not in html
    r = client.post("/juminkiroku/senkyo/", {"kijun_date": "2025-09-01", "csv": "1"})
    body = r.content.decode("utf-8")
    assert r["Content-Type"].startswith("text/csv")
    assert body.startswith("\ufeff地区コード,宛名番号,氏名")
    numbers = {line.split(",")[1] for line in body.strip().splitlines()[1:]}
    assert numbers == {p[k].atena_no for k in ("eve", "adult", "three_months", "tenkyo")}
    connection.set_tenant(alpha.municipality)
    logs = AccessLog.objects.filter(gyomu="senkyo")
    assert logs.filter(action="search", record_count=4).exists()
    assert logs.filter(action="export", record_count=4).exists()
    # 寒川町 sees none of 葉山町's electors, on screen, in the CSV and in its selectors.
    r = other.post("/juminkiroku/senkyo/", {"kijun_date": "2025-09-01"})
    assert 'data-testid="senkyo-total">0<' in r.content.decode()
    r = other.post("/juminkiroku/senkyo/", {"kijun_date": "2025-09-01", "csv": "1"})
    assert len(r.content.decode("utf-8").strip().splitlines()) == 1
    connection.set_tenant(beta.municipality)
    assert senkyo_eligible(KIJUN).count() == 0


def test_senkyo_api_counts_only(alpha, beta, login):
    client = login("hayama-viewer", ALPHA_HOST)
    connection.set_tenant(alpha.municipality)
    build_electorate()
    r = client.post(
        "/api/v1/juminkiroku/senkyo/", {"kijun_date": "2025-09-01"}, content_type="application/json"
    )
    assert r.status_code == 200, r.content
    data = r.json()
    assert data["total"] == 4
    assert "前日" not in r.content.decode()
    other = login("samukawa-viewer", BETA_HOST)
    r = other.post(
        "/api/v1/juminkiroku/senkyo/", {"kijun_date": "2025-09-01"}, content_type="application/json"
    )
    assert r.json()["total"] == 0


def children_household() -> list[Atena]:
    def child(name: str, birth: str, order: int, **kw) -> dict:
        return person_fields(
            shimei=f"学齢　{name}",
            shimei_kana=f"ガクレイ　{name}",
            birth_date=birth,
            zokugara=Zokugara.KO,
            setai_order=order,
            **kw,
        )

    members = [
        person_fields(shimei="学齢　保護者", birth_date="1975-01-01"),
        child("イチ", "2018-04-02", 2),  # 小1 in 2025 (oldest of the class)
        child("ニ", "2018-04-01", 3, sex=Sex.FEMALE),  # 小2 in 2025 (youngest of the class)
        child("サン", "2019-04-01", 4),  # 小1 in 2025
        child("ヨン", "2019-04-02", 5),  # not yet: 小1 in 2026
        child("ゴ", "2010-04-02", 6),  # 中3 in 2025
        child("ロク", "2010-04-01", 7),  # left 中学校 in March 2025
    ]
    _, atenas = household_tennyu("hayama", members=members, ido_date=date(2020, 4, 1))
    return atenas


def test_gakurei_grades_at_4_1_and_4_2(in_alpha):
    atenas = children_household()
    by_name = {a.shimei: a for a in atenas}
    rows = {r.shimei: r for r in gakurei_children(2025, date(2025, 4, 10))}
    assert set(rows) == {"学齢　イチ", "学齢　ニ", "学齢　サン", "学齢　ゴ"}
    assert rows["学齢　イチ"].gakunen == 1
    assert rows["学齢　ニ"].gakunen == 2
    assert rows["学齢　サン"].gakunen == 1
    assert rows["学齢　ゴ"].gakunen == 9
    assert rows["学齢　イチ"].hogosha_shimei == "学齢　保護者"
    assert rows["学齢　イチ"].hogosha_id == by_name["学齢　保護者"].pk
    counts = {c.label: (c.male, c.female) for c in gakurei_counts(2025, date(2025, 4, 10))}
    assert counts["小1"] == (2, 0) and counts["小2"] == (0, 1) and counts["中3"] == (1, 0)
    # Next year's new pupils, on 10月1日 of the year before.
    new = gakurei_children(2026, date(2025, 10, 1)).filter(gakunen=1)
    assert [r.shimei for r in new] == ["学齢　ヨン"]


def test_gakurei_screen_csv_and_walls(alpha, beta, login):
    client = login("hayama-viewer", ALPHA_HOST)
    other = login("samukawa-viewer", BETA_HOST)
    connection.set_tenant(alpha.municipality)
    children_household()
    form = {"nendo": "2025", "kijun_date": "2025-04-10", "gakunen": ""}
    r = client.post("/juminkiroku/gakurei/", form)
    html = r.content.decode()
    assert r.status_code == 200 and "学齢　イチ" in html and "学齢　ロク" not in html
    r = client.post("/juminkiroku/gakurei/", {**form, "gakunen": "9", "csv": "1"})
    lines = r.content.decode("utf-8").strip().splitlines()
    assert lines[0].startswith("\ufeff学年,宛名番号,氏名")
    assert len(lines) == 2 and lines[1].startswith("中3,") and "学齢　保護者" in lines[1]
    connection.set_tenant(alpha.municipality)
    assert AccessLog.objects.filter(gyomu="gakureibo", action="export", record_count=1).exists()
    r = other.post("/juminkiroku/gakurei/", form)
    assert "学齢　イチ" not in r.content.decode()
    connection.set_tenant(beta.municipality)
    assert gakurei_children(2025, date(2025, 4, 10)).count() == 0


def test_senkyo_csv_in_cp932_refuses_a_name_it_cannot_hold_before_sending(alpha, beta, login):
    # given: an elector named with 𠮷 (not in cp932) in 葉山町
    client = login("hayama-viewer", ALPHA_HOST)
    other = login("samukawa-viewer", BETA_HOST)
    connection.set_tenant(alpha.municipality)
    one("𠮷田　花子", birth_date="1970-01-01", chiku_code="01")
    form = {"kijun_date": "令和7年9月1日", "csv": "1"}
    # when
    refused = client.post("/juminkiroku/senkyo/", {**form, "encoding": "cp932"})
    utf8 = client.post("/juminkiroku/senkyo/", {**form, "encoding": "utf-8-sig"})
    beta_sjis = other.post("/juminkiroku/senkyo/", {**form, "encoding": "cp932"})
    # then: the screen again, with where and what (a code point), never the name
    html = refused.content.decode()
    assert refused["Content-Type"].startswith("text/html")
    assert "2行目の3列目（氏名）に Shift_JIS（cp932）で表せない文字（U+20BB7）" in html
    assert utf8.content.decode("utf-8").splitlines()[1].split(",")[2] == "𠮷田　花子"
    # 寒川町's roll is empty and encodes fine
    assert beta_sjis.content.decode("cp932").splitlines() == [
        "地区コード,宛名番号,氏名,フリガナ,生年月日,性別,住所,番地,方書,世帯番号,"
        "引き続き住所を有する起算日"
    ]
