"""juminkiroku.public: the lookup by 宛名番号 with the 照会 checks, residents and
households on a date, address blocks and identities — plain values, one town at a time."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from juminkiroku import public
from juminkiroku.codes import Sex, YokushiLevel, YokushiProcess, Zokugara
from juminkiroku.services.yokushi import shien_sochi_register, yokushi_set
from juminkiroku.tests.factories import (
    actor_for,
    family,
    household_tennyu,
    person_fields,
    tenshutsu,
)
from tenants.atena_bango import number_with_check_digit
from tenants.db import connection
from tenants.testing.queries import SqlCount

UNISSUED = number_with_check_digit(987_654_321)

pytestmark = pytest.mark.django_db


def _lock(level: str, *, atena_id: int | None = None, setai_id: int | None = None) -> None:
    yokushi_set(
        process=YokushiProcess.SHOKAI,
        level=level,
        reason="テスト",
        start_date=date(2024, 1, 1),
        end_date=None,
        atena_id=atena_id,
        setai_id=setai_id,
        actor=actor_for("hayama-shinsa"),
    )


def test_lookup_found_not_found_and_refused_by_a_shokai_lock(in_alpha):
    # given: two households; one person locked, the other household locked as a whole
    _, (head, wife, _child) = household_tennyu("hayama", members=family())
    _, (other,) = household_tennyu("hayama", members=[person_fields(shimei="別世帯　一")])
    _lock(YokushiLevel.ERROR, atena_id=head.pk)
    _lock(YokushiLevel.ERROR, setai_id=other.setai_id)
    # when
    found = public.atena_resolve(f" {wife.atena_no} ")
    refused = public.atena_resolve(head.atena_no)
    by_household = public.atena_resolve(other.atena_no)
    missing = public.atena_resolve(UNISSUED)
    # then
    assert found == public.AtenaLookup(public.LookupStatus.FOUND, atena_id=wife.pk)
    assert found.found and found.message == ""
    assert refused == public.AtenaLookup(
        public.LookupStatus.REFUSED, atena_id=head.pk, message="照会抑止が設定されています。"
    )
    assert by_household.status is public.LookupStatus.REFUSED
    assert missing.status is public.LookupStatus.NOT_FOUND and missing.atena_id is None
    assert missing.message == "この宛名番号の人はこの団体にいません。"
    assert public.atena_resolve("").status is public.LookupStatus.NOT_FOUND


def test_alert_and_shien_sochi_let_the_lookup_through_with_a_warning(in_alpha):
    # given: a 照会アラート on one person, a 支援措置 (which sets its own alert) on another
    _, (a,) = household_tennyu("hayama", members=[person_fields(shimei="警告　一")])
    _, (b,) = household_tennyu("hayama", members=[person_fields(shimei="支援　一")])
    _lock(YokushiLevel.ALERT, atena_id=a.pk)
    shien_sochi_register(
        atena_id=b.pk,
        start_date=timezone.localdate(),
        moshide_date=timezone.localdate(),
        note="",
        actor=actor_for("hayama-shinsa"),
    )
    # when
    out = public.atena_resolve_many([a.atena_no, b.atena_no])
    # then
    assert out[a.atena_no].found and out[a.atena_no].alert and not out[a.atena_no].shien
    assert out[a.atena_no].message == public.MESSAGE_ALERT
    assert out[b.atena_no].found and out[b.atena_no].alert and out[b.atena_no].shien
    assert out[b.atena_no].message == public.MESSAGE_ALERT + public.MESSAGE_SHIEN


def test_lookup_of_many_numbers_is_three_queries(in_alpha):
    people = [household_tennyu("hayama")[1][0] for _ in range(5)]
    with SqlCount() as qout:
        out = public.atena_resolve_many([p.atena_no for p in people] + [UNISSUED])
    assert qout.count == 3
    assert sorted(r.atena_id or 0 for r in out.values() if r.found) == sorted(p.pk for p in people)
    assert out[UNISSUED].status is public.LookupStatus.NOT_FOUND


def test_residents_and_households_on_a_date(in_alpha):
    # given: a family since 2020; a single person from 2025-02-01; the family's head moves
    # out on 2025-03-01
    _, (head, wife, child) = household_tennyu("hayama", members=family())
    _, (late,) = household_tennyu(
        "hayama", members=[person_fields(shimei="後から　来る")], ido_date=date(2025, 2, 1)
    )
    tenshutsu(head, ido_date=date(2025, 3, 1), todoke_date=date(2025, 3, 1))
    jan1, apr1 = date(2025, 1, 1), date(2025, 4, 1)
    # then
    assert public.resident_ids_on(jan1) == sorted([head.pk, wife.pk, child.pk])
    assert public.population_on(jan1) == 3 and public.population_on(apr1) == 3
    with SqlCount() as qchunk:
        chunk = public.residents_on(jan1, first_id=wife.pk, last_id=None)
    assert qchunk.count == 1
    assert [r.atena_id for r in chunk] == sorted([wife.pk, child.pk])
    assert chunk[0] == public.Resident(
        atena_id=wife.pk,
        setai_id=head.setai_id,
        birth_date=date(1982, 7, 7),
        is_setainushi=False,
        on=jan1,
        zokugara="02",  # 妻 (標準仕様書 1.1.11), for a module that reads kinship (扶養義務者)
    )
    assert set(public.residents_among([head.pk, late.pk], apr1)) == {late.pk}
    assert head.setai_id is not None
    members = public.household_on(head.setai_id, jan1)
    assert [m.atena_id for m in members] == [head.pk, wife.pk, child.pk]
    assert members[0].is_setainushi
    with SqlCount() as qhouseholds:
        households = public.households_of([child.pk, late.pk, 999_999], jan1)
    assert qhouseholds.count == 1
    assert [m.atena_id for m in households[child.pk]] == [head.pk, wife.pk, child.pk]
    assert [m.zokugara for m in households[child.pk]] == ["01", "02", "04"]
    assert set(households) == {child.pk}  # the late one did not live here on 1 January
    # the one query answers as the person and their household read one by one: on 1 April
    # the head is gone, the wife and child remain, the late one lives alone
    everyone = [head.pk, wife.pk, child.pk, late.pk]
    expected = {
        pk: public.household_on(r.setai_id, apr1) if r.setai_id else [r]
        for pk, r in public.residents_among(everyone, apr1).items()
    }
    assert public.households_of(everyone, apr1) == expected
    assert set(expected) == {wife.pk, child.pk, late.pk}
    assert [m.atena_id for m in expected[child.pk]] == [wife.pk, child.pk]


def test_address_blocks_and_identities(in_alpha):
    # given: a resident with a 方書, and one who has moved out
    _, (stay,) = household_tennyu(
        "hayama",
        members=[person_fields(katagaki="葉山ハイツ101", sex=Sex.FEMALE, zokugara=Zokugara.HONNIN)],
    )
    _, (gone,) = household_tennyu("hayama", members=[person_fields(shimei="転出　太郎")])
    tenshutsu(gone, ido_date=date(2025, 3, 1), todoke_date=date(2025, 3, 1), saki="東京都港区1")
    # when
    with SqlCount() as qblocks:
        blocks = public.address_blocks([stay.pk, gone.pk, 999_999])
    assert qblocks.count == 1
    with SqlCount() as qids:
        ids = public.person_identities([stay.pk, gone.pk])
    assert qids.count == 1
    # then
    assert blocks[stay.pk] == public.AddressBlock(
        atena_id=stay.pk,
        atena_no=stay.atena_no,
        postal_code="2400112",
        jusho="神奈川県三浦郡葉山町堀内2135番地",
        katagaki="葉山ハイツ101",
        shimei="山田　太郎",
    )
    assert (blocks[gone.pk].postal_code, blocks[gone.pk].jusho) == ("", "東京都港区1")
    assert 999_999 not in blocks
    assert ids[stay.pk] == public.PersonIdentity(
        atena_id=stay.pk,
        atena_no=stay.atena_no,
        shimei="山田　太郎",
        shimei_kana="ヤマダ　タロウ",
        birth_date=date(1980, 5, 5),
        sex="女",
        is_resident=True,
    )
    assert ids[gone.pk].sex == "男" and not ids[gone.pk].is_resident
    assert public.person_identity(999_999) is None


def test_each_town_answers_only_for_its_own_people(alpha, beta):
    # given: a person in 葉山町 only
    connection.set_tenant(alpha.municipality)
    _, (taro,) = household_tennyu("hayama")
    assert public.atena_resolve(taro.atena_no).found
    # when: 寒川町 asks for the same number and ids
    connection.set_tenant(beta.municipality)
    # then: nothing
    assert public.atena_resolve(taro.atena_no).status is public.LookupStatus.NOT_FOUND
    assert public.address_blocks([taro.pk]) == {}
    assert public.person_identities([taro.pk]) == {}
    assert public.resident_ids_on(date(2025, 1, 1)) == []
    assert public.households_of([taro.pk], date(2025, 1, 1)) == {}


def _staged(numbers: list[str]) -> tuple[list[tuple[str, int | None]], int]:
    """Stage ``numbers``, match them; the rows and the statements the match took."""
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS pg_temp.match_probe")
        cur.execute("CREATE TEMP TABLE match_probe (no varchar(10), atena_id bigint)")
        for no in numbers:
            cur.execute("INSERT INTO match_probe (no) VALUES (%s)", [no])
        with SqlCount() as count:
            public.atena_match_staged(table="match_probe", number_column="no", id_column="atena_id")
        cur.execute("SELECT no, atena_id FROM match_probe ORDER BY no")
        return list(cur.fetchall()), count.count


def test_staged_rows_are_matched_in_one_statement_and_only_in_their_town(alpha, beta):
    # given: a person in 葉山町 under a 照会抑止 (a tax report still reaches them)
    connection.set_tenant(alpha.municipality)
    _, (taro,) = household_tennyu("hayama")
    _lock(YokushiLevel.ERROR, atena_id=taro.pk)
    # when: a staged file holds their number and one no one has
    matched, statements = _staged([taro.atena_no, UNISSUED])
    # then: theirs is matched, the other left empty, in one statement
    assert sorted(matched) == sorted([(taro.atena_no, taro.pk), (UNISSUED, None)])
    assert statements == 1
    # and: 寒川町's staged copy of the same number matches no one
    connection.set_tenant(beta.municipality)
    assert _staged([taro.atena_no])[0] == [(taro.atena_no, None)]
