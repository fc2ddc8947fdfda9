"""旧氏・通称 (標準仕様書 1.1.7) and their フリガナ確認 (1.1.18)."""

from __future__ import annotations

from datetime import date

import pytest

from juminkiroku.codes import IdoJiyu, JuminJotai, JuminShubetsu
from juminkiroku.models import Atena
from juminkiroku.services.ido import PersonChange, ido_enter
from juminkiroku.tests.factories import actor_for, approve, household_tennyu, person_fields

pytestmark = pytest.mark.django_db


def _ido(jiyu: str, atena_id: int | None, fields: dict, day: date, **kw) -> None:
    ido = ido_enter(
        jiyu=jiyu,
        ido_date=day,
        todoke_date=day,
        changes=[PersonChange(atena_id, fields)],
        actor=actor_for("hayama-clerk"),
        **kw,
    )
    approve(ido, reviewer="hayama-shinsa")


def test_kyuuji_written_changed_deleted_with_its_kana_kakunin(in_alpha):
    _, (p,) = household_tennyu("hayama", members=[person_fields()])
    # 記載 on request, the reading confirmed with the person (1.1.18)
    _ido(
        IdoJiyu.KYUJI_TSUSHO,
        p.pk,
        {"kyuuji": "佐藤", "kyuuji_kana": "サトウ", "kyuuji_kana_kakunin": "on"},
        date(2021, 1, 5),
    )
    p.refresh_from_db()
    assert (p.kyuuji, p.kyuuji_kana_kakunin, p.kana_kakunin) == ("佐藤", True, False)
    # 変更, then 削除
    _ido(IdoJiyu.KYUJI_TSUSHO, p.pk, {"kyuuji": "加藤", "kyuuji_kana": "カトウ"}, date(2021, 2, 5))
    _ido(
        IdoJiyu.KYUJI_TSUSHO,
        p.pk,
        {"kyuuji": "", "kyuuji_kana": "", "kyuuji_kana_kakunin": False},
        date(2021, 3, 5),
    )
    p.refresh_from_db()
    assert (p.kyuuji, p.kyuuji_kana, p.kyuuji_kana_kakunin) == ("", "", False)
    assert list(p.rireki.order_by("valid_from").values_list("kyuuji", flat=True)) == [
        "",
        "佐藤",
        "加藤",
        "",
    ]


def test_tsusho_is_carried_over_on_return_from_abroad_to_the_same_town(in_alpha):
    # given a foreign resident with a 通称 who moves abroad
    fields = person_fields(
        shimei="SMITH JOHN",
        shimei_kana="スミス　ジョン",
        shubetsu=JuminShubetsu.GAIKOKUJIN,
        alpha_name="SMITH JOHN",
        kokuseki="米国",
        zairyu_shikaku="永住者",
        tsusho="須美州　譲",
        tsusho_kana="スミス　ジョウ",
        tsusho_kana_kakunin=True,
    )
    _, (p,) = household_tennyu("hayama", members=[fields])
    _ido(
        IdoJiyu.KOKUGAI_TENSHUTSU,
        p.pk,
        {"tenshutsu_saki_jusho": "アメリカ合衆国"},
        date(2021, 4, 1),
    )
    p.refresh_from_db()
    assert p.jotai == JuminJotai.KOKUGAI_TENSHUTSU
    # when the same person comes back to this town from abroad
    _ido(
        IdoJiyu.KOKUGAI_TENNYU,
        p.pk,
        {"jusho": "神奈川県三浦郡葉山町一色", "banchi": "2番地", "zokugara": "01"},
        date(2023, 4, 1),
        setai_mode="new",
    )
    # then the 通称 and its confirmed reading carry over (1.1.7)
    p = Atena.objects.get(pk=p.pk)
    assert p.jotai == JuminJotai.JUMIN
    assert (p.tsusho, p.tsusho_kana, p.tsusho_kana_kakunin) == (
        "須美州　譲",
        "スミス　ジョウ",
        True,
    )
