"""住民検索: kana folding, 和暦/西暦 birth dates, paging, 除票, 照会抑止, the access log,
criteria only in POST bodies, and the wall between the two towns."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from juminkiroku.codes import Sex, YokushiLevel, YokushiProcess, Zokugara
from juminkiroku.models import Atena, Yokushi
from juminkiroku.selectors.search import (
    CriteriaError,
    SearchCriteria,
    atena_search,
    criteria_from_data,
    search_page,
)
from juminkiroku.services.ido import ido_cancel_enter
from juminkiroku.tests.factories import (
    actor_for,
    approve,
    family,
    household_tennyu,
    person_fields,
    tenshutsu,
)
from tenants.accesslog.models import AccessLog
from tenants.checkdigits import juminhyo_code_check_digit
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db


def find(**data: object) -> list[str]:
    """Names found by criteria given as a POST body would give them."""
    return [a.shimei for a in atena_search(criteria_from_data(data))]


def lock(
    atena: Atena | None = None, *, setai_id: int | None = None, level: str = "error"
) -> Yokushi:
    return Yokushi.objects.create(
        atena=atena,
        setai_id=setai_id,
        process=YokushiProcess.SHOKAI,
        level=level,
        start_date=timezone.localdate() - timedelta(days=1),
        reason="支援措置に伴う照会抑止",
        created_by="hayama-shinsa",
    )


@pytest.fixture
def yamada(in_alpha):
    _, members = household_tennyu("hayama", members=family())
    return members


# --- kana, name, dates ---------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "やまだ　たろう",
        "ヤマダタロウ",
        "ﾔﾏﾀﾞ ﾀﾛｳ",
        "ﾔﾏﾀﾞﾀﾛｳ",
        "  やまだ  たろう ",
        "ヤマダ\u3000タロウ",
        "やまだ た",
    ],
)
def test_kana_is_folded_whatever_the_clerk_types(yamada, typed):
    assert find(kana=typed) == ["山田　太郎"]


def test_small_kana_and_long_vowel(in_alpha):
    household_tennyu(
        "hayama",
        members=[person_fields(shimei="東　京子", shimei_kana="ヒガシ　キョウコ")],
    )
    for typed in ("ひがし きょうこ", "ヒガシキヨウコ", "ﾋｶﾞｼ ｷｮｳｺ", "ひがしきようこ"):
        assert find(kana=typed) == ["東　京子"], typed
    assert find(kana="ひがし きゃ") == []


def test_kana_prefix_and_given_name(yamada):
    assert len(find(kana="やま")) == 3
    assert find(kana="やまだ いち") == ["山田　一郎"]
    assert find(kana="たろう") == []  # the reading is matched from its start
    # 氏 typed in part: the prefix "ヤマハ" finds nobody, so the loose reading is used.
    assert find(kana="やま は") == []
    page = search_page(criteria_from_data({"kana": "やま は"}))
    assert [r.atena.shimei for r in page.rows] == ["山田　花子"] and page.loose
    assert not search_page(criteria_from_data({"kana": "やまだ は"})).loose
    assert search_page(criteria_from_data({"kana": "やま ぬ"})).count == 0


def test_kanji_name_prefix(yamada):
    assert len(find(name="山田")) == 3
    assert find(name="山田 一") == ["山田　一郎"]
    assert [r.atena.shimei for r in search_page(criteria_from_data({"name": "山 花"})).rows] == [
        "山田　花子"
    ]
    assert find(name="山田一郎") == ["山田　一郎"]
    assert find(name="田中") == []


@pytest.mark.parametrize(
    "typed",
    ["1980-05-05", "1980/5/5", "昭和55年5月5日", "S55.5.5", "昭55.5.5", "１９８０年５月５日"],
)
def test_birth_date_in_wareki_or_seireki(yamada, typed):
    assert find(birth_date=typed) == ["山田　太郎"]


def test_bad_birth_date_is_a_japanese_error(yamada):
    with pytest.raises(CriteriaError) as exc:
        criteria_from_data({"birth_date": "昭和65年1月1日"})
    assert "昭和" in exc.value.errors["birth_date"][0]


def test_atena_no_and_juminhyo_code_are_exact(in_alpha):
    code = "1234567890"
    jcode = code + str(juminhyo_code_check_digit(code))
    _, (head,) = household_tennyu("hayama", members=[person_fields(juminhyo_code=jcode)])
    assert find(atena_no=head.atena_no) == ["山田　太郎"]
    assert find(atena_no=head.atena_no[:-1]) == []
    assert find(juminhyo_code=jcode) == ["山田　太郎"]
    assert find(juminhyo_code=jcode[:-1] + str((int(jcode[-1]) + 1) % 10)) == []


def test_address_and_sex(yamada):
    assert len(find(address="堀内２１３５")) == 3
    assert len(find(address="葉山町堀内")) == 3
    assert find(address="一色") == []
    assert find(kana="やまだ", sex=Sex.FEMALE) == ["山田　花子"]
    with pytest.raises(CriteriaError):
        criteria_from_data({"sex": Sex.MALE})  # sex alone only narrows
    with pytest.raises(CriteriaError):
        criteria_from_data({})


def test_paging_twenty_per_page_with_total(in_alpha):
    members = [person_fields(shimei="鈴木　一", shimei_kana="スズキ　ハジメ")]
    members += [
        person_fields(
            shimei=f"鈴木　{i:02d}",
            shimei_kana=f"スズキ　コ{i:02d}",
            zokugara=Zokugara.KO,
            setai_order=i + 2,
            birth_date="2000-01-01",
        )
        for i in range(44)
    ]
    household_tennyu("hayama", members=members)
    criteria = criteria_from_data({"kana": "すずき"})
    pages = [search_page(criteria, n) for n in (1, 2, 3)]
    assert [p.count for p in pages] == [45, 45, 45]
    assert [len(p.rows) for p in pages] == [20, 20, 5]
    assert pages[2].num_pages == 3 and not pages[2].has_next and pages[2].has_previous
    seen = [r.atena for p in pages for r in p.rows]
    assert len({a.pk for a in seen}) == 45
    keys = [a.kana_key for a in seen]
    assert keys == sorted(keys) and keys[0] == "ススキコ00" and keys[-1] == "ススキハシメ"
    assert search_page(criteria, 99).page == 3  # past the end: the last page
    assert not pages[0].count_capped


def test_count_stops_at_the_limit(in_alpha, monkeypatch):
    from juminkiroku.selectors import search as selector

    household_tennyu("hayama", members=family())
    monkeypatch.setattr(selector, "COUNT_LIMIT", 2)
    page = search_page(criteria_from_data({"kana": "やまだ"}), 5, per_page=1)
    assert page.count == 2 and page.count_capped and page.num_pages == 2 and page.page == 2
    assert search_page(criteria_from_data({"kana": "やまだ た"})).count_capped is False


def test_johyo_and_jutogai_only_when_asked(in_alpha):
    _, (_head, _wife, child) = household_tennyu("hayama", members=family())
    tenshutsu(child, ido_date=date(2024, 3, 1), todoke_date=date(2024, 2, 20))
    # A 転入 that is then cancelled leaves a 住登外 record.
    tennyu, (_other,) = household_tennyu(
        "hayama", members=[person_fields(shimei="山田　次郎", shimei_kana="ヤマダ　ジロウ")]
    )
    cancel = ido_cancel_enter(
        cancels_id=tennyu.pk,
        ido_date=date(2024, 3, 2),
        note="二重入力",
        actor=actor_for("hayama-clerk"),
    )
    approve(cancel, reviewer="hayama-shinsa")
    assert set(find(kana="やまだ")) == {"山田　太郎", "山田　花子"}
    assert set(find(kana="やまだ", include_johyo="on")) == {
        "山田　太郎",
        "山田　花子",
        "山田　一郎",
        "山田　次郎",
    }


def test_shokai_yokushi_masks_rows_and_alerts_flag_them(yamada):
    head, wife, child = yamada
    lock(child)
    lock(wife, level=YokushiLevel.ALERT)
    page = search_page(criteria_from_data({"kana": "やまだ"}))
    by_id = {r.atena.pk: r for r in page.rows}
    assert by_id[child.pk].masked and not by_id[child.pk].alert
    assert by_id[wife.pk].alert and not by_id[wife.pk].masked
    assert not by_id[head.pk].masked and not by_id[head.pk].alert


def test_household_lock_masks_every_member_and_temporary_unlock_lifts_it(yamada):
    head, _, _ = yamada
    y = lock(setai_id=head.setai_id)
    page = search_page(criteria_from_data({"kana": "やまだ"}))
    assert all(r.masked for r in page.rows)
    y.temp_unlock_until = timezone.now() + timedelta(minutes=30)
    y.save()
    page = search_page(criteria_from_data({"kana": "やまだ"}))
    assert not any(r.masked for r in page.rows)


def test_criteria_kinds_never_values():
    c = SearchCriteria(kana="ヤマダ", birth_date=date(1980, 5, 5), sex="1", include_johyo=True)
    assert c.kinds() == ["kana", "birth_date", "sex", "include_johyo"]


# --- the screen ---------------------------------------------------------------------


def _search_logs(schema_town):
    connection.set_tenant(schema_town.municipality)
    rows = list(AccessLog.objects.filter(action="search", screen="住民検索").order_by("id"))
    connection.set_schema_to_public()
    return rows


def test_search_form_posts_and_a_query_string_is_refused(world, login, yamada):
    connection.set_schema_to_public()
    client = login("hayama-viewer", ALPHA_HOST)
    page = client.get("/juminkiroku/")
    html = page.content.decode()
    assert page.status_code == 200
    form = re.search(r"<form[^>]*id=\"jk-search-form\"[^>]*>", html)
    assert form and 'method="post"' in form.group(0)
    assert re.search(r"<input[^>]*name=\"kana\"[^>]*autofocus", html)
    before = len(_search_logs(world.alpha))
    refused = client.get("/juminkiroku/", {"kana": "やまだ"})
    assert refused.status_code == 400
    assert "山田" not in refused.content.decode()
    assert "URLに含めることはできません" in refused.content.decode()
    assert len(_search_logs(world.alpha)) == before


def test_search_screen_lists_results_and_logs_one_row(world, login, yamada):
    head, _wife, _child = yamada
    connection.set_tenant(world.alpha.municipality)
    Atena.objects.filter(pk=head.pk).update(kojin_bango="123456789018")
    connection.set_schema_to_public()
    client = login("hayama-viewer", ALPHA_HOST)  # 閲覧者: a search is a read
    response = client.post("/juminkiroku/", {"kana": "ﾔﾏﾀﾞ", "sex": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="hit-count">3<' in html
    assert f'href="/juminkiroku/persons/{head.pk}/"' in html
    assert "昭和55年5月5日" in html and "ヤマダ　タロウ" in html and "住民" in html
    assert "123456789018" not in html
    logs = _search_logs(world.alpha)
    assert len(logs) == 1
    log = logs[0]
    assert log.username == "hayama-viewer" and log.record_count == 3
    assert log.detail["kinds"] == ["kana"]
    assert sorted(log.detail["atena_ids"]) == sorted(a.pk for a in yamada)
    assert "ヤマダ" not in str(log.detail) and "ﾔﾏﾀﾞ" not in str(log.detail)


def test_search_by_atena_no_is_marked_in_the_log(world, login, yamada):
    head = yamada[0]
    client = login("hayama-clerk", ALPHA_HOST)
    response = client.post("/juminkiroku/", {"atena_no": head.atena_no})
    assert 'data-testid="hit-count">1<' in response.content.decode()
    log = _search_logs(world.alpha)[-1]
    assert log.detail["by"] == "atena_no" and log.detail["kinds"] == ["atena_no"]
    assert head.atena_no not in str(log.detail)


def test_paging_is_posted_too(world, login, in_alpha):
    members = [person_fields(shimei="鈴木　一", shimei_kana="スズキ　ハジメ")]
    members += [
        person_fields(
            shimei=f"鈴木　{i:02d}",
            shimei_kana=f"スズキ　コ{i:02d}",
            zokugara=Zokugara.KO,
            setai_order=i + 2,
        )
        for i in range(24)
    ]
    household_tennyu("hayama", members=members)
    connection.set_schema_to_public()
    client = login("hayama-clerk", ALPHA_HOST)
    first = client.post("/juminkiroku/", {"kana": "すずき"}).content.decode()
    assert re.search(r'<button[^>]*form="jk-search-form"[^>]*name="page"[^>]*value="2"', first)
    assert "?page=" not in first
    second = client.post("/juminkiroku/", {"kana": "すずき", "page": "2"}).content.decode()
    assert "（21〜25件目）" in second
    assert [r.detail["page"] for r in _search_logs(world.alpha)] == [1, 2]


def test_masked_row_has_no_name_and_no_link(world, login, yamada):
    _head, _wife, child = yamada
    connection.set_tenant(world.alpha.municipality)
    lock(child)
    connection.set_schema_to_public()
    client = login("hayama-clerk", ALPHA_HOST)
    html = client.post("/juminkiroku/", {"kana": "やまだ"}).content.decode()
    assert "照会抑止中" in html
    assert "山田　一郎" not in html and f"/juminkiroku/persons/{child.pk}/" not in html
    assert child.atena_no not in html  # the clerk cannot unlock, so not even the number
    log = _search_logs(world.alpha)[-1]
    assert child.pk not in log.detail["atena_ids"] and log.record_count == 3
    # The 審査者 may lift the lock for a while: they see which 宛名番号 it is.
    shinsa = login("hayama-shinsa", ALPHA_HOST).post("/juminkiroku/", {"kana": "やまだ"})
    html = shinsa.content.decode()
    assert child.atena_no in html and "山田　一郎" not in html


def test_validation_errors_are_shown_and_nothing_is_logged(world, login, yamada):
    client = login("hayama-clerk", ALPHA_HOST)
    response = client.post("/juminkiroku/", {"birth_date": "平成31年5月1日"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    response = client.post("/juminkiroku/", {})
    assert "検索条件" in response.content.decode()
    assert _search_logs(world.alpha) == []


# --- two towns ----------------------------------------------------------------------


def test_samukawa_cannot_find_hayama_residents(world, login, yamada):
    connection.set_tenant(world.beta.municipality)
    assert find(kana="やまだ") == []
    connection.set_schema_to_public()
    client = login("samukawa-viewer", BETA_HOST)
    response = client.post("/juminkiroku/", {"kana": "やまだ"})
    html = response.content.decode()
    assert 'data-testid="hit-count">0<' in html and "山田" not in html
    # The same session on 葉山町's host is not logged in there.
    other = client.post("/juminkiroku/", {"kana": "やまだ"}, HTTP_HOST=ALPHA_HOST)
    assert other.status_code == 302 and other["Location"].startswith("/login/")
    assert [r.username for r in _search_logs(world.beta)] == ["samukawa-viewer"]
    assert _search_logs(world.alpha) == []


def test_capped_count_is_said_on_screen_and_in_the_log(world, login, yamada, monkeypatch):
    from juminkiroku.selectors import search as selector

    monkeypatch.setattr(selector, "COUNT_LIMIT", 2)
    html = login("hayama-clerk", ALPHA_HOST).post("/juminkiroku/", {"kana": "やまだ"})
    text = html.content.decode()
    assert 'data-testid="hit-count">2</span>件超' in text and "絞り込んでください" in text
    log = _search_logs(world.alpha)[-1]
    assert log.record_count == 2 and log.detail["count_capped"] is True
