"""Behaviour the traceability matrix (docs/standard/juminkiroku.md) relies on where no other
test pinned it: one test per claim, named after the section of the 住民記録システム標準仕様書
第3章 it supports (rows in MATRIX-ROWS-assess.md)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from juminkiroku.codes import IdoJiyu, IdoStatus, JuminJotai, JuminShubetsu, Sex, Zokugara
from juminkiroku.models import Atena, AtenaRireki, Ido
from juminkiroku.services.ido import EDITABLE_FIELDS, IdoError, PersonChange, ido_enter
from juminkiroku.tests.factories import (
    actor_for,
    approve,
    family,
    household_tennyu,
    person_fields,
)
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db


def test_1_1_12_honseki_and_hittosha_can_be_nashi_or_fumei(in_alpha, beta):
    """1.1.12: 本籍・筆頭者欄は「なし」又は「不明」と記載できる (free text, not refused)."""
    _, (nashi,) = household_tennyu(
        "hayama", members=[person_fields(honseki="なし", hittosha="なし")]
    )
    _, (fumei,) = household_tennyu(
        "hayama",
        members=[person_fields(shimei="葉山　不明", honseki="不明", hittosha="不明")],
    )
    assert (nashi.honseki, nashi.hittosha) == ("なし", "なし")
    assert (fumei.honseki, fumei.hittosha) == ("不明", "不明")
    assert AtenaRireki.objects.get(atena=nashi, valid_to__isnull=True).honseki == "なし"
    # The other town holds none of it.
    connection.set_tenant(beta.municipality)
    assert not Atena.objects.filter(honseki__in=["なし", "不明"]).exists()


def test_1_1_6_birth_date_and_address_may_not_be_blank(in_alpha):
    """1.1.6: 生年月日 and 住所 are refused blank, with Japanese messages; nothing saved."""
    with pytest.raises(IdoError) as exc:
        ido_enter(
            jiyu=IdoJiyu.TENNYU,
            ido_date=date(2024, 4, 1),
            todoke_date=date(2024, 4, 1),
            changes=[PersonChange(None, person_fields(birth_date="", jusho=""))],
            setai_mode="new",
            actor=actor_for("hayama-clerk"),
        )
    errors = exc.value.errors
    assert "生年月日を入力してください" in errors["persons.0.birth_date"][0]
    assert "住所を入力してください" in errors["persons.0.jusho"][0]
    assert Ido.objects.count() == 0


def test_1_1_13_numbers_are_given_at_hon_toroku_and_the_town_keeps_its_own(in_alpha, beta):
    """1.1.13 / 1.1.6: 宛名番号 and 世帯番号 are never blank after 本登録."""
    _, members = household_tennyu("hayama", members=family())
    assert all(a.atena_no and a.setai_id for a in members)
    connection.set_tenant(beta.municipality)
    assert not Atena.objects.filter(atena_no__in=[a.atena_no for a in members]).exists()


def test_4_1_1_1_tennyu_sets_jutei_date_to_jumin_date(in_alpha):
    """4.1.1.1: after a 転入 the 住所を定めた年月日 is the 住民となった年月日."""
    ido, (head,) = household_tennyu("hayama", ido_date=date(2021, 7, 1))
    assert head.jumin_date == head.jutei_date == date(2021, 7, 1)
    assert head.todoke_date == ido.todoke_date


def test_4_1_0_2_todoke_date_in_the_future_is_refused(in_alpha):
    """4.1.0.2: 届出日は処理当日以前の日のみ."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(IdoError) as exc:
        ido_enter(
            jiyu=IdoJiyu.TENNYU,
            ido_date=date(2024, 4, 1),
            todoke_date=tomorrow,
            changes=[PersonChange(None, person_fields())],
            setai_mode="new",
            actor=actor_for("hayama-clerk"),
        )
    assert "未来の日付" in exc.value.errors["todoke_date"][0]
    assert Ido.objects.count() == 0


def test_4_1_2_1_tenkyo_to_the_same_address_and_no_automatic_note(in_alpha, beta):
    """4.1.2.1: a 転居 to another building on the same 地番 is a 転居; the 備考
    「同一住所への転居」 is not written automatically (実装しない機能)."""
    _, (head,) = household_tennyu("hayama")
    ido = ido_enter(
        jiyu=IdoJiyu.TENKYO,
        ido_date=date(2023, 6, 1),
        todoke_date=date(2023, 6, 1),
        changes=[
            PersonChange(head.pk, {"jusho": head.jusho, "banchi": head.banchi, "katagaki": "離れ"})
        ],
        actor=actor_for("hayama-clerk"),
    )
    approve(ido, reviewer="hayama-shinsa")
    head.refresh_from_db()
    assert (head.banchi, head.katagaki) == ("2135番地", "離れ")
    versions = list(AtenaRireki.objects.filter(atena=head).order_by("valid_from"))
    assert [v.ido.jiyu for v in versions] == [IdoJiyu.TENNYU, IdoJiyu.TENKYO]
    assert Ido.objects.get(pk=ido.pk).note == ""
    connection.set_tenant(beta.municipality)
    assert not Ido.objects.filter(jiyu=IdoJiyu.TENKYO).exists()


def test_4_5_1_foreign_resident_from_abroad_without_previous_address(in_alpha):
    """4.5.1 / 4.5.2: a foreign resident is registered like a 国外転入, 転入前住所 blank."""
    fields = person_fields(
        shimei="スミス　ジョン",
        shimei_kana="スミス　ジョン",
        shubetsu=JuminShubetsu.GAIKOKUJIN,
        alpha_name="SMITH JOHN",
        kokuseki="アメリカ合衆国",
        zairyu_shikaku="技術・人文知識・国際業務",
        zairyu_kikan_to="2027-03-31",
        zairyu_card_no="AB12345678CD",
        honseki="",
        hittosha="",
        tennyu_mae_jusho="",
    )
    ido = ido_enter(
        jiyu=IdoJiyu.KOKUGAI_TENNYU,
        ido_date=date(2024, 4, 1),
        todoke_date=date(2024, 4, 1),
        changes=[PersonChange(None, fields)],
        setai_mode="new",
        actor=actor_for("hayama-clerk"),
    )
    approve(ido, reviewer="hayama-shinsa")
    person = Atena.objects.get(alpha_name="SMITH JOHN")
    assert person.shubetsu == JuminShubetsu.GAIKOKUJIN and person.jotai == JuminJotai.JUMIN
    assert person.tennyu_mae_jusho == ""
    assert person.zairyu_kikan_to == date(2027, 3, 31)


def test_4_5_1_foreign_resident_needs_the_foreign_items(in_alpha):
    """4.5.1 / 1.1.6: 国籍・地域 and 在留資格 are required of a foreign resident."""
    with pytest.raises(IdoError) as exc:
        ido_enter(
            jiyu=IdoJiyu.KOKUGAI_TENNYU,
            ido_date=date(2024, 4, 1),
            todoke_date=date(2024, 4, 1),
            changes=[PersonChange(None, person_fields(shubetsu=JuminShubetsu.GAIKOKUJIN))],
            setai_mode="new",
            actor=actor_for("hayama-clerk"),
        )
    errors = exc.value.errors
    assert {"persons.0.kokuseki", "persons.0.zairyu_shikaku", "persons.0.alpha_name"} <= set(errors)
    assert Ido.objects.count() == 0


def test_4_2_2_1_shibo_has_no_suitei_shibo_or_shibo_jiyu_items():
    """4.2.2.1: 死亡 is one 異動事由; 推定死亡 and a 死亡事由 are not items (実装しない機能)."""
    assert IdoJiyu.SHIBO.label == "死亡"
    assert not {n for n in EDITABLE_FIELDS if "shibo" in n or "suitei" in n}


def test_4_2_1_2_shussei_date_must_be_the_birth_date(in_alpha):
    """4.2.1.2: 出生 is entered with the 異動事由 出生; its 異動日 is the 生年月日."""
    _, (head,) = household_tennyu("hayama")
    baby = person_fields(
        shimei="山田　三郎",
        shimei_kana="ヤマダ　サブロウ",
        birth_date="2024-01-10",
        zokugara=Zokugara.KO,
        setai_order=2,
        tennyu_mae_jusho="",
    )
    with pytest.raises(IdoError) as exc:
        ido_enter(
            jiyu=IdoJiyu.SHUSSEI,
            ido_date=date(2024, 1, 11),
            todoke_date=date(2024, 1, 15),
            changes=[PersonChange(None, baby)],
            setai_mode="existing",
            setai_id=head.setai_id,
            actor=actor_for("hayama-clerk"),
        )
    assert "生年月日と同じ日" in exc.value.errors["persons.0.birth_date"][0]
    ido = ido_enter(
        jiyu=IdoJiyu.SHUSSEI,
        ido_date=date(2024, 1, 10),
        todoke_date=date(2024, 1, 15),
        changes=[PersonChange(None, baby)],
        setai_mode="existing",
        setai_id=head.setai_id,
        actor=actor_for("hayama-clerk"),
    )
    approve(ido, reviewer="hayama-shinsa")
    child = Atena.objects.get(shimei="山田　三郎")
    assert child.setai_id == head.setai_id and child.jumin_date == date(2024, 1, 10)


def test_4_0_8_kari_toroku_blocks_a_second_ido_and_is_not_in_the_registry(in_alpha):
    """4.0.8: while a 異動 is 仮登録 the person's record is unchanged and no other 異動 can
    be entered for them."""
    _, (head,) = household_tennyu("hayama")
    kari = ido_enter(
        jiyu=IdoJiyu.TENKYO,
        ido_date=date(2023, 6, 1),
        todoke_date=date(2023, 6, 1),
        changes=[PersonChange(head.pk, {"jusho": "神奈川県三浦郡葉山町一色", "banchi": "1番地"})],
        actor=actor_for("hayama-clerk"),
    )
    assert kari.status == IdoStatus.KARI
    head.refresh_from_db()
    assert head.banchi == "2135番地"
    with pytest.raises(IdoError, match="異動入力中"):
        ido_enter(
            jiyu=IdoJiyu.SHIBO,
            ido_date=date(2023, 7, 1),
            todoke_date=date(2023, 7, 1),
            changes=[PersonChange(head.pk, {})],
            actor=actor_for("hayama-clerk"),
        )


# Every 異動事由 a clerk can choose on the screen and the persons it needs.
FORM_JIYU = [j for j in IdoJiyu if j not in (IdoJiyu.TORIKESHI, IdoJiyu.IKO)]


def test_2_3_1_every_ido_screen_names_its_jiyu(login, alpha, beta):
    """2.3.1: the screen of a 異動 being entered shows the name of the 異動処理."""
    connection.set_tenant(alpha.municipality)
    _, (head,) = household_tennyu("hayama")
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    for jiyu in FORM_JIYU:
        query = "" if jiyu.value.startswith("K") else f"?atena={head.pk}"
        html = clerk.get(f"/juminkiroku/ido/new/{jiyu.value}/{query}").content.decode()
        h1 = html[html.index("<h1>") : html.index("</h1>")]
        assert jiyu.label in h1, jiyu
    # 寒川町's clerk cannot open a 葉山町 person's 異動.
    other = login("samukawa-clerk", BETA_HOST)
    r = other.get(f"/juminkiroku/ido/new/{IdoJiyu.TENKYO.value}/?atena={head.pk}")
    assert r.status_code in (302, 404)
    assert "山田" not in r.content.decode()


def test_1_1_1_sex_and_birth_date_are_kept_per_version(in_alpha):
    """1.2.1: every version holds every item (one row per 異動, all columns)."""
    _, (head,) = household_tennyu("hayama", members=[person_fields(sex=Sex.FEMALE)])
    version = AtenaRireki.objects.get(atena=head)
    assert (version.sex, version.birth_date, version.setai_id) == (
        Sex.FEMALE,
        date(1980, 5, 5),
        head.setai_id,
    )
    assert version.ido.jiyu == IdoJiyu.TENNYU and version.ido.approved_at is not None
    assert version.ido.entered_terminal == "T-TEST"


def test_4_1_0_1_a_newborn_moving_in_with_the_parents_is_a_tennyu(in_alpha, beta):
    """4.1.0.1: when a 転入届 and a 出生届 come together, the 異動事由 is 転入 for all."""
    baby = person_fields(
        shimei="山田　桃子",
        shimei_kana="ヤマダ　モモコ",
        sex=Sex.FEMALE,
        birth_date="2024-03-20",
        zokugara=Zokugara.KO,
        setai_order=2,
    )
    ido, (head, child) = household_tennyu(
        "hayama", members=[person_fields(), baby], ido_date=date(2024, 4, 1)
    )
    assert ido.jiyu == IdoJiyu.TENNYU
    assert AtenaRireki.objects.get(atena=child).ido_id == ido.pk
    assert child.setai_id == head.setai_id and child.birth_date == date(2024, 3, 20)
    connection.set_tenant(beta.municipality)
    assert not Atena.objects.filter(shimei="山田　桃子").exists()


def test_4_1_0_2_the_todoke_date_of_a_counter_ido_starts_as_today(login):
    """4.1.0.2: the 届出日 shows today's date for a 異動 made on a 届出; a 職権 異動 has none."""
    from django.utils import timezone

    from tenants.wareki import format_wareki
    from tests.personas import ALPHA_HOST

    client = login("hayama-clerk", ALPHA_HOST)
    today = format_wareki(timezone.localdate())
    page = client.get("/juminkiroku/ido/new/K01/").content.decode()
    assert f'name="todoke_date" value="{today}"' in page
    page = client.get("/juminkiroku/ido/new/K04/").content.decode()
    assert 'name="todoke_date" value=""' in page
