"""基本検索 (標準仕様書 2.1.3) by 個人番号, 在留カード番号, 世帯番号, 旧氏, 通称 and 消除事由,
and あいまい検索 (2.1.2) through the selector; two towns."""

from __future__ import annotations

from datetime import date

import pytest

from juminkiroku.codes import IdoJiyu, JuminShubetsu
from juminkiroku.selectors.search import (
    CriteriaError,
    atena_search,
    criteria_from_data,
    search_log_detail,
    search_page,
)
from juminkiroku.tests.factories import household_tennyu, person_fields, tenshutsu
from tenants.checkdigits import kojin_bango_check_digit
from tenants.db import connection

pytestmark = pytest.mark.django_db

KOJIN = "12345678901"
KOJIN_BANGO = KOJIN + str(kojin_bango_check_digit(KOJIN))


def find(**data: object) -> list[str]:
    return sorted(a.shimei for a in atena_search(criteria_from_data(data)))


@pytest.fixture
def town(in_alpha):
    _, (ono,) = household_tennyu(
        "hayama",
        members=[
            person_fields(
                shimei="大野　花子",
                shimei_kana="オオノ　ハナコ",
                kyuuji="佐藤",
                kyuuji_kana="サトウ",
                kojin_bango=KOJIN_BANGO,
            )
        ],
    )
    _, (smith,) = household_tennyu(
        "hayama",
        members=[
            person_fields(
                shimei="SMITH JOHN",
                shimei_kana="スミス　ジョン",
                shubetsu=JuminShubetsu.GAIKOKUJIN,
                alpha_name="SMITH JOHN",
                kokuseki="米国",
                zairyu_shikaku="永住者",
                zairyu_card_no="AB12345678CD",
                tsusho="須美州　譲",
                tsusho_kana="スミス　ジョウ",
            )
        ],
    )
    return ono, smith


@pytest.mark.parametrize(
    "typed", ["おおの", "オウノ", "オーノ", "ｵｰﾉ", "オノ ハナコ", "おーの はなこ"]
)
def test_oono_is_found_however_the_long_vowel_is_typed(town, typed):
    assert find(kana=typed) == ["大野　花子"]


def test_by_kojin_bango_logged_by_kind_only(town):
    ono, _ = town
    criteria = criteria_from_data({"kojin_bango": KOJIN_BANGO})
    page = search_page(criteria)
    assert [r.atena.pk for r in page.rows] == [ono.pk]
    detail = search_log_detail(criteria, page)
    assert detail["by"] == "kojin_bango" and detail["kinds"] == ["kojin_bango"]
    assert KOJIN_BANGO not in str(detail)


def test_by_zairyu_card_setai_no_kyuuji_tsusho(town):
    ono, _ = town
    assert find(zairyu_card_no="ab12345678cd") == ["SMITH JOHN"]
    assert find(setai_no=ono.setai.setai_no) == ["大野　花子"]
    assert find(kyuuji="佐藤") == ["大野　花子"]
    assert find(kyuuji="さとう") == ["大野　花子"]
    assert find(tsusho="須美州 譲") == ["SMITH JOHN"]
    assert find(tsusho="スミス") == ["SMITH JOHN"]
    assert find(kyuuji="鈴木") == []


def test_by_shojo_jiyu_includes_johyo(town):
    ono, _ = town
    tenshutsu(ono, ido_date=date(2021, 4, 1), todoke_date=date(2021, 3, 20))
    assert find(kana="おおの") == []
    assert find(kana="おおの", shojo_jiyu=IdoJiyu.TENSHUTSU) == ["大野　花子"]
    assert find(kana="おおの", shojo_jiyu=IdoJiyu.SHIBO) == []


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kojin_bango": "123"}, "kojin_bango", "12桁"),
        ({"zairyu_card_no": "ABC"}, "zairyu_card_no", "英数字12桁"),
        ({"setai_no": "abc"}, "setai_no", "数字"),
        ({"kana": "やま", "shojo_jiyu": "X"}, "shojo_jiyu", "消除事由"),
    ],
)
def test_bad_criteria_are_japanese_errors(data, field, message):
    with pytest.raises(CriteriaError) as caught:
        criteria_from_data(data)
    assert message in " ".join(caught.value.errors[field])


def test_the_other_town_finds_nobody_by_these_numbers(alpha, beta):
    connection.set_tenant(alpha.municipality)
    household_tennyu("hayama", members=[person_fields(kojin_bango=KOJIN_BANGO, kyuuji="佐藤")])
    assert find(kojin_bango=KOJIN_BANGO) == ["山田　太郎"]
    connection.set_tenant(beta.municipality)
    assert find(kojin_bango=KOJIN_BANGO) == []
    assert find(kyuuji="佐藤") == []


# --- screens ----------------------------------------------------------------------------


def test_screen_search_by_kojin_bango_logs_the_kind_and_shows_fusho(world, login, alpha):
    from juminkiroku.tests.test_search import _search_logs
    from tests.personas import ALPHA_HOST, BETA_HOST

    connection.set_tenant(alpha.municipality)
    household_tennyu(
        "hayama",
        members=[person_fields(kojin_bango=KOJIN_BANGO, birth_date_fusho="昭和55年5月上旬")],
    )
    connection.set_schema_to_public()
    client = login("hayama-clerk", ALPHA_HOST)
    html = client.post("/juminkiroku/", {"kojin_bango": KOJIN_BANGO}).content.decode()
    assert 'data-testid="hit-count">1<' in html
    assert "昭和55年5月上旬" in html  # 1.1.8: the 不詳 form, not the internal date
    log = _search_logs(world.alpha)[-1]
    assert log.detail["by"] == "kojin_bango" and KOJIN_BANGO not in str(log.detail)
    other = login("samukawa-clerk", BETA_HOST).post("/juminkiroku/", {"kojin_bango": KOJIN_BANGO})
    assert 'data-testid="hit-count">0<' in other.content.decode()


# --- 過去の氏名・住所 (2.1.3: 異動履歴の検索) ------------------------------------------


def test_past_address_and_name_are_found_only_when_asked(in_alpha):
    from juminkiroku.services.ido import PersonChange, ido_enter
    from juminkiroku.tests.factories import actor_for, approve, tenkyo

    _, (head,) = household_tennyu("hayama", members=[person_fields()])
    tenkyo([head], ido_date=date(2021, 4, 1), todoke_date=date(2021, 4, 1))
    ido = ido_enter(
        jiyu=IdoJiyu.SHOKKEN_SHUSEI,
        ido_date=date(2022, 4, 1),
        todoke_date=date(2022, 4, 1),
        changes=[PersonChange(head.pk, {"shimei": "川田　太郎", "shimei_kana": "カワダ　タロウ"})],
        actor=actor_for("hayama-clerk"),
    )
    approve(ido, reviewer="hayama-shinsa")
    assert find(address="堀内") == []
    assert find(address="堀内", include_rireki="on") == ["川田　太郎"]
    assert find(name="山田 太郎") == []
    assert find(name="山田 太郎", include_rireki="on") == ["川田　太郎"]
    assert find(kana="やまだ", include_rireki="on") == ["川田　太郎"]
    assert find(kana="かわだ") == ["川田　太郎"]


def test_past_versions_of_the_other_town_are_not_searched(alpha, beta):
    connection.set_tenant(alpha.municipality)
    household_tennyu("hayama", members=[person_fields()])
    connection.set_tenant(beta.municipality)
    assert find(address="堀内", include_rireki="on") == []


def test_exact_and_partial_match_and_given_name_alone(town):
    # 2.1.2: 文字列一致検索（完全一致・部分一致）, 名のみの検索
    assert find(kana="おおの") == ["大野　花子"]
    assert find(kana="おおの", match="exact") == []
    assert find(kana="おおの はなこ", match="exact") == ["大野　花子"]
    assert find(kana="はなこ") == []
    assert find(kana="はなこ", match="contains") == ["大野　花子"]
    assert find(name="花子", match="contains") == ["大野　花子"]
    with pytest.raises(CriteriaError):
        criteria_from_data({"kana": "はなこ", "match": "fuzzy"})


def test_year_or_month_of_birth_zokugara_jusho_code_katagaki_and_empty_items(town):
    # 2.1.3: 項目内部分検索 of the date (西暦 or 和暦), 続柄, 住所コード, 方書, 未入力の項目
    assert find(birth_date="昭和55年") == ["SMITH JOHN", "大野　花子"]
    assert find(birth_date="1980年5月") == ["SMITH JOHN", "大野　花子"]
    assert find(birth_date="昭和55年6月") == []
    assert find(kana="おおの", zokugara="01") == ["大野　花子"]
    assert find(kana="おおの", zokugara="02") == []
    assert find(jusho_code="0010001") == ["SMITH JOHN", "大野　花子"]
    assert find(katagaki="ハイツ") == []
    assert find(minyuryoku="kojin_bango") == ["SMITH JOHN"]
    with pytest.raises(CriteriaError) as caught:
        criteria_from_data({"birth_date": "昭和55年13月"})
    assert caught.value.errors["birth_date"]  # a Japanese message about the date
    with pytest.raises(CriteriaError):
        criteria_from_data({"minyuryoku": "shimei"})


def test_history_keeps_a_year_of_birth_as_typed(town):
    from juminkiroku.selectors.kensaku import kensaku_rireki_of
    from juminkiroku.services.kensaku import kensaku_rireki_record

    kensaku_rireki_record(user_id=7, criteria=criteria_from_data({"birth_date": "昭和55年"}))
    assert kensaku_rireki_of(7)[0].summary == "生年月日: 昭和55年"
