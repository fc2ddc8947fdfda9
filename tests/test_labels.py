"""tenants.labels, the jp template filters and the 年度 / percent form fields (here, not in
tenants/tests, because they are shown on a 住民記録 model: the platform imports no app)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
import time_machine
from django.template import Context, Template

from juminkiroku.models import Atena
from tenants import labels
from tenants.accesslog.models import AccessLog
from tenants.forms.nendo import NendoField, PercentField


@pytest.mark.parametrize(
    ("value", "shown"),
    [("2400112", "〒240-0112"), ("240-0112", "〒240-0112"), ("", ""), ("24011", "24011")],
)
def test_postal(value, shown):
    assert labels.postal(value) == shown


def test_postal_plain():
    assert labels.postal("2400112", mark=False) == "240-0112"


@pytest.mark.parametrize(
    ("value", "shown"),
    [(1234567, "1,234,567円"), (0, "0円"), (-1000, "−1,000円"), ("12000", "12,000円"), (None, "")],
)
def test_yen(value, shown):
    assert labels.yen(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("0.3", "30%"),
        (Decimal("0.125"), "12.5%"),
        (Fraction(1, 3), "33.3%"),
        (1, "100%"),
        (0, "0%"),
        (None, ""),
    ],
)
def test_percent(value, shown):
    assert labels.percent(value) == shown


def test_nendo_and_dates():
    assert labels.nendo(2025) == "令和7年度"
    assert labels.nendo("2019") == "令和元年度"
    assert labels.nendo(None) == ""
    assert labels.wareki_date("1980-05-05") == "昭和55年5月5日"
    assert labels.wareki_date(date(2026, 4, 1)) == "令和8年4月1日"
    assert labels.wareki_date("東京都") == "東京都"  # not a date: unchanged
    assert labels.wareki_month(date(2019, 5, 1)) == "令和元年5月"
    assert labels.wareki_month(None) == ""
    assert labels.wareki_year(2024) == "令和6年"
    assert labels.wareki_year(2019) == "令和元年"
    assert labels.wareki_year(1989) == "平成元年"
    assert labels.nendo_choices([2026, 2025]) == [
        (2026, "令和8年度（2026）"),
        (2025, "令和7年度（2025）"),
    ]


def test_field_display_uses_the_code_lists():
    assert labels.field_display(Atena, "sex", "1") == "男"
    assert labels.field_display(Atena, "shubetsu", "2") == "外国人住民"
    assert labels.field_display(Atena, "zokugara", "01") == "世帯主"
    assert labels.field_display(Atena, "birth_date", "1980-05-05") == "昭和55年5月5日"
    assert labels.field_display(Atena, "birth_date", date(1982, 7, 7)) == "昭和57年7月7日"
    assert labels.field_display(Atena, "postal_code", "2400112") == "240-0112"
    assert labels.field_display(Atena, "kana_kakunin", True) == "あり"
    assert labels.field_display(Atena, "shimei", "山田　太郎") == "山田　太郎"
    assert labels.field_display(AccessLog, "action", "login") == "ログイン"


@pytest.mark.django_db
def test_words_for_internal_names(world):
    assert labels.word_for("kojin_juminzei") == "個人住民税"
    assert labels.word_for("platform") == "共通基盤"
    assert labels.word_for("job:zeimu_tosho_fuka") == "バッチ処理「個人住民税 当初賦課」"
    assert labels.word_for("zeimu.fuka_detail") == "個人住民税 賦課の内容"  # a module's words
    assert labels.word_for("atena") == "住民（宛名）"
    assert labels.word_for("PersonDetailView") == "API（連携システム）"
    assert labels.word_for("住民照会") == "住民照会"  # Japanese: as logged
    assert labels.word_for("no_such_thing") == "no_such_thing"  # unknown: left for the scan
    assert labels.actor_words("demo-setup") == "システム（初期データ）"
    assert labels.actor_words("system:ido_honroku") == "システム（異動の本登録）"
    assert labels.actor_words("load_residents") == "システム（住民データの一括登録）"
    assert labels.actor_words("hayama-admin") == "hayama-admin"


@pytest.mark.django_db
def test_the_filters(world):
    html = Template(
        "{{ fy|nendo }} {{ pc|yubin }} {{ pc|yubin:'plain' }} {{ n|yen }} {{ r|percent }} "
        "{{ s|code_label:'juminkiroku.Atena.sex' }} {{ g|word }} {{ a|actor }} {{ d|wareki_text }}"
    ).render(
        Context(
            {
                "fy": 2025,
                "pc": "2400112",
                "n": 4452498,
                "r": "0.3",
                "s": "2",
                "g": "juminkiroku",
                "a": "demo-setup",
                "d": "2010-04-01",
            }
        )
    )
    assert html == (
        "令和7年度 〒240-0112 240-0112 4,452,498円 30% 女 住民基本台帳 "
        "システム（初期データ） 平成22年4月1日"
    )


@time_machine.travel(date(2026, 12, 5))
def test_nendo_field_offers_years_around_this_one():
    field = NendoField(before=1, after=1)
    assert list(field.choices) == [  # type: ignore[arg-type]
        (2027, "令和9年度（2027）"),
        (2026, "令和8年度（2026）"),
        (2025, "令和7年度（2025）"),
    ]
    assert field.clean("2025") == 2025
    with pytest.raises(Exception, match="年度は一覧から選んでください"):
        field.clean("1999")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("30", Decimal("0.3")), ("３０％", Decimal("0.3")), ("12.5%", Decimal("0.125")), ("", None)],
)
def test_percent_field_stores_the_fraction(typed, stored):
    assert PercentField(required=False).clean(typed) == stored


def test_percent_field_refuses_out_of_range_in_percent_words():
    with pytest.raises(Exception, match="0%以上100%未満"):
        PercentField().clean("100")
    assert PercentField(inclusive_max=True).clean("100") == Decimal("1")
    with pytest.raises(Exception, match="数字（%）"):
        PercentField().clean("abc")


def test_percent_field_shows_a_stored_fraction_as_percent():
    assert PercentField().prepare_value(Decimal("0.3")) == "30"
    assert PercentField().prepare_value("30") == "30"  # typed text as typed
