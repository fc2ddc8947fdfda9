"""ひとり親世帯等・在宅障害児（者）のいる世帯・要保護世帯の保育料の軽減 (0〜2歳).

The rule (子ども・子育て支援法施行令第4条、平成27年内閣府告示第49号): a household recognised as
ひとり親世帯等 whose 市町村民税所得割額 is under 77,101円 pays for the 第1子 the reduced amount
(非課税世帯並み) and nothing for the 第2子以降; a 要保護世帯 pays nothing. The definition and the
77,101円 line: https://www.pref.tottori.lg.jp/35197.htm ; 第1子 非課税世帯並み・第2子以降 無料:
https://isahayakosodate.jp/service/03_nursery/2016051200182.html . A municipality's published
table with ひとり親世帯等 columns, the reduced rows ending at 「所得割課税額77,101円未満」 and the
next row (97,000円未満) with one amount for every household: 熊本県山都町
(http://www.town.kumamoto-yamato.lg.jp/life/pub/Detail.aspx?c_id=46&id=6&pg=1&type=list).

The reduced 第1子 amount (9,000円) is the national figure held in fukushi/params/hoiku.yaml,
marked 未確認 there; the tests check the mechanism at the boundary with that figure.
"""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.models.hoiku import HoikuKeigenNintei, HoikuryoGetsugaku
from fukushi.rules import hoiku as rules
from fukushi.services.hoiku import (
    HoikuRefused,
    KeigenInput,
    NinteiInput,
    keigen_end,
    keigen_register,
    nintei_register,
    nyusho_register,
    shisetsu_register,
)
from fukushi.services.hoiku_ryo import hoikuryo_compute
from juminkiroku.tests import factories as jk
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.params.tenant.services import municipal_parameter_set
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.tests.factories import kazei

CLERK = Actor(user_id=None, username="hayama-clerk")
ADMIN = Actor(user_id=None, username="hayama-admin")
ELDER = date(2023, 5, 1)  # 2歳児クラス in 令和7年度
YOUNGER = date(2024, 5, 10)  # 1歳児クラス
NATIONAL = rules.HitorioyaRule(
    under=77_101,
    bands=(rules.HitorioyaBand(48_600, 9_000, 9_000), rules.HitorioyaBand(77_101, 9_000, 9_000)),
)
TABLE = rules.kaiso_table(
    [
        {"no": 1, "label": "生活保護", "kind": "seiho", "hyojun": 0, "tanjikan": 0},
        {"no": 2, "label": "非課税", "kind": "hikazei", "hyojun": 0, "tanjikan": 0},
        {"no": 3, "label": "48,600円未満", "kind": "kazei", "under": 48_600, "hyojun": 19_500,
         "tanjikan": 19_300},
        {"no": 4, "label": "97,000円未満", "kind": "kazei", "under": 97_000, "hyojun": 30_000,
         "tanjikan": 29_600},
        {"no": 5, "label": "97,000円以上", "kind": "kazei", "under": None, "hyojun": 44_500,
         "tanjikan": 43_900},
    ]
)  # fmt: skip


def _fee(shotokuwari: int, order: int, keigen: rules.Keigen | None, *, rule=NATIONAL) -> int:
    return rules.fee(
        rules.FeeInput(
            birth=YOUNGER,
            month=date(2025, 7, 1),
            hitsuyoryo=rules.Hitsuyoryo.HYOJUN,
            setai=rules.Setai(seiho=False, hikazei=False, shotokuwari=shotokuwari),
            order=order,
            keigen=keigen,
        ),
        table=TABLE,
        mushoka_sai=3,
        dai2_percent=50,
        dai3_percent=0,
        hitorioya=rule,
    ).amount


def test_the_77101_boundary_first_and_second_child():
    """所得割 77,100円 (under 77,101円): 第1子 9,000円, 第2子 0円; at 77,101円 the ordinary
    第4階層 fee 30,000円 and the 第2子 half (15,000円), as 山都町's table has one amount for
    every household from 77,101円."""
    hitori = rules.Keigen.HITORIOYA
    assert _fee(77_100, 1, hitori) == 9_000
    assert _fee(77_100, 2, hitori) == 0
    assert _fee(77_100, 3, hitori) == 0
    assert _fee(77_101, 1, hitori) == 30_000
    assert _fee(77_101, 2, hitori) == 15_000
    # the first band (所得割 under 48,600円: 第3階層 19,500円) → 9,000円
    assert _fee(48_599, 1, rules.Keigen.ZAITAKU_SHOGAI) == 9_000
    # no 認定: the registry alone (one parent in the 世帯) changes nothing
    assert _fee(77_100, 1, None) == 30_000
    assert _fee(77_100, 2, None) == 15_000
    # 要保護世帯: 0 whatever the 所得割
    assert _fee(200_000, 1, rules.Keigen.YOHOGO) == 0
    # a town that extends the line to 97,000円 (its own 条例): the last band's amount
    wider = rules.HitorioyaRule(under=97_000, bands=NATIONAL.bands)
    assert _fee(77_101, 1, hitori, rule=wider) == 9_000
    assert _fee(96_999, 1, hitori, rule=wider) == 9_000
    assert _fee(97_000, 1, hitori, rule=wider) == 44_500  # 第5階層, not reduced


def test_the_reduction_never_raises_a_fee():
    """A town's table lower than the reduced amount stays as it is (min)."""
    cheap = rules.kaiso_table(
        [
            {"no": 1, "label": "生活保護", "kind": "seiho", "hyojun": 0, "tanjikan": 0},
            {"no": 2, "label": "非課税", "kind": "hikazei", "hyojun": 0, "tanjikan": 0},
            {"no": 3, "label": "課税", "kind": "kazei", "under": None, "hyojun": 7_000,
             "tanjikan": 6_900},
        ]
    )  # fmt: skip
    r = rules.fee(
        rules.FeeInput(
            birth=YOUNGER,
            month=date(2025, 7, 1),
            hitsuyoryo=rules.Hitsuyoryo.TANJIKAN,
            setai=rules.Setai(seiho=False, hikazei=False, shotokuwari=10_000),
            order=1,
            keigen=rules.Keigen.HITORIOYA,
        ),
        table=cheap,
        mushoka_sai=3,
        dai2_percent=50,
        dai3_percent=0,
        hitorioya=NATIONAL,
    )
    assert (r.amount, r.keigen) == (6_900, rules.Keigen.HITORIOYA)


# --- 算定 in two towns ----------------------------------------------------------------------


def _single_mother(town: str, capture) -> list:
    members = [
        jk.person_fields(
            shimei="森戸　陽子", shimei_kana="モリト　ヨウコ", sex=jk.Sex.FEMALE,
            birth_date="1993-02-02",
        ),
        jk.person_fields(
            shimei="森戸　海斗", shimei_kana="モリト　カイト", birth_date=ELDER.isoformat(),
            zokugara=jk.Zokugara.KO, setai_order=2,
        ),
        jk.person_fields(
            shimei="森戸　凪", shimei_kana="モリト　ナギ", sex=jk.Sex.FEMALE,
            birth_date=YOUNGER.isoformat(), zokugara=jk.Zokugara.KO, setai_order=3,
        ),
    ]  # fmt: skip
    with capture(execute=True):
        _, people = jk.household_tennyu(town, members=members, ido_date=date(2024, 6, 1))
    return people


@pytest.fixture
def morito(alpha, django_capture_on_commit_callbacks):
    """葉山町: a mother alone with two children (2歳児・1歳児クラス), both 3号 at one 保育所.
    Her 市町村民税所得割 is 77,100円 for 令和6年度 (April–August) and 77,101円 for 令和7年度
    (September–March): the factory keeps 6/10 of the 所得割 as 市町村民税."""
    connection.set_tenant(alpha.municipality)
    mother, elder, younger = _single_mother("hayama", django_capture_on_commit_callbacks)
    shisetsu_register(
        code="H01", name="堀内保育園", shubetsu="hoikusho", teiin={1: 3, 2: 3}, nendo=2025,
        actor=ADMIN,
    )  # fmt: skip
    kazei(mother.pk, 2024, kyuyo=3_000_000, shotokuwari=128_500)  # → 77,100円
    kazei(mother.pk, 2025, kyuyo=3_000_000, shotokuwari=128_502)  # → 77,101円
    nintei = []
    for child in (elder, younger):
        n = nintei_register(
            inp=NinteiInput(
                atena_id=child.pk, hogosha_atena_id=mother.pk, hogosha2_atena_id=None,
                kubun="3", jiyu="shuro", shuro_jikan=160,
                start_date=date(2025, 4, 1), end_date=date(2026, 3, 31),
            ),
            actor=CLERK,
        )  # fmt: skip
        nyusho_register(
            nintei_id=n.pk, shisetsu_code="H01", start_date=date(2025, 4, 1), actor=CLERK
        )
        nintei.append(n)
    return mother, elder, younger, nintei


def _fees(month: date) -> dict[int, tuple[int, str]]:
    return {g.atena_id: (g.amount, g.keigen) for g in HoikuryoGetsugaku.objects.filter(month=month)}


@pytest.mark.django_db
def test_recognised_status_reduces_the_fee_at_the_boundary_in_one_town(morito, beta):
    _mother, elder, younger, (_n_elder, n_younger) = morito
    april, october = date(2025, 4, 1), date(2025, 10, 1)
    # one parent in the registry's 世帯 is not a 認定: ordinary fees (第4階層, 第2子 half)
    hoikuryo_compute(nendo=2025, actor=CLERK)
    assert _fees(april) == {elder.pk: (30_000, ""), younger.pk: (15_000, "")}
    # the clerk records the ひとり親世帯 認定 (児童扶養手当の証書) on the younger's 認定:
    # it is the household's, so the elder's fee follows too
    with pytest.raises(HoikuRefused, match="その根拠では"):
        keigen_register(
            inp=KeigenInput(n_younger.pk, "hitorioya", "ryoiku_techo", april), actor=CLERK
        )
    k = keigen_register(
        inp=KeigenInput(n_younger.pk, "hitorioya", "fuyoteate", april, konkyo_note="証書確認"),
        actor=CLERK,
    )
    with pytest.raises(HoikuRefused, match="重なる"):
        keigen_register(
            inp=KeigenInput(n_younger.pk, "hitorioya", "fuyoteate", october), actor=CLERK
        )
    out = hoikuryo_compute(nendo=2025, actor=CLERK)
    # April–August (77,100円 < 77,101円): 第1子 9,000円, 第2子 0円
    assert _fees(april) == {elder.pk: (9_000, "hitorioya"), younger.pk: (0, "hitorioya")}
    # September–March (77,101円): not reduced
    assert _fees(october) == {elder.pk: (30_000, ""), younger.pk: (15_000, "")}
    assert out.changed == 2 * 5
    # 葉山町 extends the line to 97,000円 from 令和7年度 (its own 条例): October reduced too
    municipal_parameter_set(
        key="fukushi.hoiku.hitorioya.under",
        fiscal_year=2025,
        value_text="97000",
        reason="葉山町保育料条例（試験の値）",
        actor=ADMIN,
    )
    hoikuryo_compute(nendo=2025, months=(9, 10, 11, 12, 1, 2, 3), actor=CLERK)
    assert _fees(october) == {elder.pk: (9_000, "hitorioya"), younger.pk: (0, "hitorioya")}
    # the 認定 ends in December: January is ordinary again
    keigen_end(keigen_id=k.pk, end_date=date(2025, 12, 31), actor=CLERK)
    hoikuryo_compute(nendo=2025, months=(1,), actor=CLERK)
    assert _fees(date(2026, 1, 1)) == {elder.pk: (30_000, ""), younger.pk: (15_000, "")}
    # 寒川町 holds none of it, and cannot record a 認定 on 葉山町's 支給認定
    connection.set_tenant(beta.municipality)
    assert not HoikuKeigenNintei.objects.exists()
    with pytest.raises(HoikuRefused, match="見つかりません"):
        keigen_register(inp=KeigenInput(n_younger.pk, "yohogo", "yohogo", april), actor=CLERK)
    assert hoikuryo_compute(nendo=2025, actor=CLERK).computed == 0


@pytest.mark.django_db
def test_keigen_screen_records_and_shows_the_status(morito, alpha, beta, login):
    *_, (n_elder, n_younger) = morito
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    r = clerk.post(
        f"/fukushi/kodomo-kosodate/nintei/{n_elder.pk}/keigen/",
        {
            f"k{n_elder.pk}-kind": "zaitaku_shogai",
            f"k{n_elder.pk}-konkyo": "shintai_techo",
            f"k{n_elder.pk}-konkyo_note": "同居の祖母",
            f"k{n_elder.pk}-start_date": "R7.4.1",
        },
    )
    assert r.status_code == 302
    body = clerk.get("/fukushi/kodomo-kosodate/").content.decode()
    assert "在宅障害児（者）のいる世帯" in body and "身体障害者手帳" in body
    assert "令和7年4月1日" in body
    # control characters are refused by the platform's text field
    r = clerk.post(
        f"/fukushi/kodomo-kosodate/nintei/{n_younger.pk}/keigen/",
        {
            f"k{n_younger.pk}-kind": "hitorioya",
            f"k{n_younger.pk}-konkyo": "fuyoteate",
            f"k{n_younger.pk}-konkyo_note": "a\x07b",
            f"k{n_younger.pk}-start_date": "R7.4.1",
        },
    )
    connection.set_tenant(alpha.municipality)
    assert HoikuKeigenNintei.objects.count() == 1
    assert AccessLog.objects.filter(detail__action="keigen_nintei").count() == 1
    # 寒川町's clerk cannot record one on 葉山町's 認定 nor see it
    connection.set_schema_to_public()
    other = login("samukawa-clerk", BETA_HOST)
    other.post(
        f"/fukushi/kodomo-kosodate/nintei/{n_younger.pk}/keigen/",
        {
            f"k{n_younger.pk}-kind": "yohogo",
            f"k{n_younger.pk}-konkyo": "yohogo",
            f"k{n_younger.pk}-start_date": "R7.4.1",
        },
    )
    assert "森戸" not in other.get("/fukushi/kodomo-kosodate/").content.decode()
    connection.set_tenant(alpha.municipality)
    assert HoikuKeigenNintei.objects.count() == 1
    connection.set_tenant(beta.municipality)
    assert not HoikuKeigenNintei.objects.exists()
