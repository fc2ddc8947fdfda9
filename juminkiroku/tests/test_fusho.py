"""不詳日 and non-calendar dates (標準仕様書 1.1.8 年月日の管理, 1.1.9 年月日の表示)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from juminkiroku.codes import JuminShubetsu
from juminkiroku.models import Atena, AtenaRireki, Ido
from juminkiroku.rules.fusho import display_date, parse_fusho
from juminkiroku.services.ido import IdoError
from juminkiroku.tests.factories import household_tennyu, person_fields

# --- the rule -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "text", "internal"),
    [
        # the 不詳日入力一覧 of 1.1.8, line by line
        ("令和2年頃", "令和2年頃", date(2020, 1, 1)),
        ("令和2年3月頃", "令和2年3月頃", date(2020, 3, 1)),
        ("令和2年3月4日頃", "令和2年3月4日頃", date(2020, 3, 4)),
        ("推定令和2年3月4日", "推定令和2年3月4日", date(2020, 3, 4)),
        ("推定令和2年3月", "推定令和2年3月", date(2020, 3, 1)),
        ("令和2年春", "令和2年春", date(2020, 1, 1)),
        ("令和2年3月上旬", "令和2年3月上旬", date(2020, 3, 1)),
        ("令和2年3月中旬頃", "令和2年3月中旬頃", date(2020, 3, 1)),
        ("年月日不詳", "年月日不詳", None),
        ("令和2年 月日不詳", "令和2年月日不詳", date(2020, 1, 1)),
        ("令和2年12月 日不詳", "令和2年12月日不詳", date(2020, 12, 1)),
        ("令和2年12月1日から12月5日頃までの間", "令和2年12月1日から12月5日頃までの間",
         date(2020, 12, 1)),
        ("令和2年12月推定1日から5日までの間", "令和2年12月推定1日から5日までの間",
         date(2020, 12, 1)),
        ("令和2年12月1日頃から5日頃までの間", "令和2年12月1日頃から5日頃までの間",
         date(2020, 12, 1)),
        # 全角数字, 元年, 西暦
        ("昭和５５年頃", "昭和55年頃", date(1980, 1, 1)),
        ("令和元年5月頃", "令和元年5月頃", date(2019, 5, 1)),
        ("1980年頃", "1980年頃", date(1980, 1, 1)),
        # days not on the calendar, and the old era on the day of an era change
        ("平成3年2月29日", "平成3年2月29日", date(1991, 2, 28)),
        ("令和3年4月31日", "令和3年4月31日", date(2021, 4, 30)),
        ("明治45年7月30日", "明治45年7月30日", date(1912, 7, 30)),
        ("大正15年12月25日", "大正15年12月25日", date(1926, 12, 25)),
    ],
)  # fmt: skip
def test_parse_fusho_accepts_the_list_of_1_1_8(typed, text, internal):
    fusho = parse_fusho(typed)
    assert (fusho.text, fusho.internal) == (text, internal)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("令和2年3月4日", "日付の欄に入力"),  # an ordinary day belongs in the date field
        ("大正元年7月30日", "日付の欄に入力"),
        ("そのうち", "不詳日は"),
        ("（株）令和2年頃", "不詳日は"),
        ("令和2年13月頃", "月は1から12"),
        ("昭和65年頃", "昭和65年はありません"),
    ],
)
def test_parse_fusho_refuses_in_japanese(typed, message):
    with pytest.raises(ValueError, match=message):
        parse_fusho(typed)


def test_display_date_follows_1_1_9():
    nihonjin = SimpleNamespace(
        shubetsu=JuminShubetsu.NIHONJIN, birth_date=date(1980, 5, 5), birth_date_fusho=""
    )
    gaikokujin = SimpleNamespace(
        shubetsu=JuminShubetsu.GAIKOKUJIN,
        birth_date=date(1980, 5, 5),
        birth_date_fusho="",
        zairyu_kikan_to=date(2027, 3, 31),
        jumin_date=date(2020, 4, 1),
        jumin_date_fusho="",
    )
    assert display_date(nihonjin, "birth_date") == "昭和55年5月5日"
    assert display_date(gaikokujin, "birth_date") == "1980年5月5日"
    assert display_date(gaikokujin, "zairyu_kikan_to") == "2027年3月31日"
    assert display_date(gaikokujin, "jumin_date") == "令和2年4月1日"
    nihonjin.birth_date_fusho = "昭和55年頃"
    assert display_date(nihonjin, "birth_date") == "昭和55年頃"
    assert display_date(SimpleNamespace(jutei_date=None, jutei_date_fusho=""), "jutei_date") == ""


# --- through the 異動 service (記載 by 転入) ---------------------------------------------

pytestmark = pytest.mark.django_db


def test_fusho_birth_date_is_stored_with_its_internal_date_and_shown(in_alpha):
    # given a 転入 whose 生年月日 is known to the month only
    fields = person_fields(birth_date="", birth_date_fusho="推定昭和55年5月")
    # when it is entered and approved
    _, (person,) = household_tennyu("hayama", members=[fields])
    # then the text is kept, the date is there for computation, and both are in history
    person.refresh_from_db()
    assert person.birth_date_fusho == "推定昭和55年5月"
    assert person.birth_date == date(1980, 5, 1)
    assert display_date(person, "birth_date") == "推定昭和55年5月"
    rireki = AtenaRireki.objects.get(atena=person)
    assert (rireki.birth_date, rireki.birth_date_fusho) == (date(1980, 5, 1), "推定昭和55年5月")


def test_typed_date_wins_and_nenbi_fusho_needs_one(in_alpha):
    fields = person_fields(birth_date="1980-07-07", birth_date_fusho="年月日不詳")
    _, (person,) = household_tennyu("hayama", members=[fields])
    assert (person.birth_date, display_date(person, "birth_date")) == (
        date(1980, 7, 7),
        "年月日不詳",
    )
    with pytest.raises(IdoError) as caught:
        household_tennyu(
            "hayama",
            members=[
                person_fields(shimei="川田　一", birth_date="", birth_date_fusho="年月日不詳")
            ],
        )
    assert "生年月日を入力してください" in str(caught.value)


def test_bad_fusho_is_refused_and_nothing_is_saved(in_alpha):
    before = Ido.objects.count()
    with pytest.raises(IdoError) as caught:
        household_tennyu("hayama", members=[person_fields(birth_date_fusho="昔")])
    assert "生年月日（不詳日）" in str(caught.value)
    assert Ido.objects.count() == before
    assert Atena.objects.count() == 0


def test_fusho_of_one_town_is_not_in_the_other(alpha, beta):
    from tenants.db import connection

    connection.set_tenant(alpha.municipality)
    household_tennyu("hayama", members=[person_fields(birth_date_fusho="昭和55年頃")])
    assert Atena.objects.filter(birth_date_fusho="昭和55年頃").count() == 1
    connection.set_tenant(beta.municipality)
    assert Atena.objects.filter(birth_date_fusho="昭和55年頃").count() == 0


# --- through the entry screen -----------------------------------------------------------


def test_entry_screen_takes_a_fusho_birth_date(login, alpha):
    from juminkiroku.tests.test_ido_views import TENNYU_FORM
    from tenants.db import connection
    from tests.personas import ALPHA_HOST

    form = {**TENNYU_FORM, "n2-birth_date_fusho": "昭和57年7月中旬頃"}
    clerk = login("hayama-clerk", ALPHA_HOST)
    r = clerk.post("/juminkiroku/ido/new/K01/", form)
    assert r.status_code == 302, r.content.decode()[-2000:]
    bad = clerk.post(
        "/juminkiroku/ido/new/K01/",
        {**TENNYU_FORM, "n1-shimei": "別人", "n2-birth_date_fusho": "いつか"},
    )
    assert "不詳日は" in bad.content.decode()
    ido_pk = int(r["Location"].rstrip("/").split("/")[-1])
    login("hayama-shinsa", ALPHA_HOST).post(f"/juminkiroku/ido/{ido_pk}/approve/")
    connection.set_tenant(alpha.municipality)
    hanako = Atena.objects.get(shimei="葉山　花子")
    assert (hanako.birth_date, hanako.birth_date_fusho) == (date(1982, 7, 7), "昭和57年7月中旬頃")
    connection.set_schema_to_public()
    page = login("hayama-viewer", ALPHA_HOST).get(f"/juminkiroku/persons/{hanako.pk}/")
    assert "昭和57年7月中旬頃" in page.content.decode()
