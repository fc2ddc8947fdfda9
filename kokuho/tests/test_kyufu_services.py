"""国保 給付 through its services in two towns: 限度額適用認定 (申請・判定 from
zeimu.public → 交付), 高額療養費 (申請 → 決定 with 世帯合算 and 多数回 → 支払),
出産育児一時金 and 葬祭費 — each with its history and access-log rows, and 寒川町 reaching
none of 葉山町's people or records."""

from __future__ import annotations

from datetime import date

import pytest

from juminkiroku.tests.factories import actor_for, family, person_fields
from kokuho.models import (
    GendoNintei,
    KijunShunyu,
    Kyufu,
    KyufuRireki,
    KyufuStatus,
    NinteiStatus,
    Shiharai,
)
from kokuho.selectors.kyufu import household_kubun
from kokuho.services.kyufu import (
    Furikomi,
    FutanLine,
    KyufuRefused,
    gendo_nintei_kofu,
    gendo_nintei_shinsei,
    kijun_shunyu_shinsei,
    kogaku_shinsei,
    kyufu_kettei,
    shiharai_make,
    shussan_shinsei,
    sosai_shinsei,
)
from kokuho.tests.factories import shibo, tennyu
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.params.tenant.services import municipal_parameter_set
from zeimu.tests.factories import kazei_set

pytestmark = pytest.mark.django_db

TENNYU = date(2020, 4, 1)
BANK = Furikomi(
    "葉山信用金庫",
    "本店",
    "1",
    "1234567",
    "ヤマダ　タロウ",
    kinyu_kikan_code="1234",
    shiten_code="001",
)


def _family(capture, town="hayama"):
    return tennyu(capture, town, members=family(), day=TENNYU)[1]


def _u_household(head, wife, child, fy=2025):
    # 夫 給与所得 4,000,000 (旧ただし書 3,570,000) → ウ; 妻・子 非課税
    kazei_set(head.pk, fy, kyuyo=4_000_000, kazei_shotoku=2_800_000)
    kazei_set(wife.pk, fy, status="hikazei")
    kazei_set(child.pk, fy, status="hikazei")


def test_nintei_judged_from_zeimu_then_issued_and_the_other_town_sees_nothing(
    alpha, beta, django_capture_on_commit_callbacks
):
    # given the 山田 household in 葉山町 with 令和7年度 所得 (区分ウ)
    connection.set_tenant(alpha.municipality)
    head, wife, child = _family(django_capture_on_commit_callbacks)
    _u_household(head, wife, child)
    clerk = actor_for("hayama-clerk")
    # when the wife applies on 令和7年9月10日
    row = gendo_nintei_shinsei(atena_id=wife.pk, shinsei_date=date(2025, 9, 10), actor=clerk)
    # then the household is ウ by 令和7年度 (令和6年中) 所得, 3,570,000円
    assert (row.status, row.kubun, row.nendo, row.koreisha) == ("hantei", "u", 2025, False)
    assert "基礎控除後の総所得金額等の合計 3,570,000円" in row.detail["lines"]
    # when it is issued: valid from 9月1日 to 令和8年7月31日
    row = gendo_nintei_kofu(nintei_id=row.pk, kofu_date=date(2025, 9, 10), actor=clerk)
    assert (row.status, row.yuko_from, row.yuko_to) == (
        NinteiStatus.KOFU,
        date(2025, 9, 1),
        date(2026, 7, 31),
    )
    assert [r.action for r in KyufuRireki.objects.filter(nintei=row).order_by("id")] == [
        "申請・判定",
        "交付",
    ]
    logs = AccessLog.objects.filter(record_type="kokuho.GendoNintei", record_id=str(row.pk))
    assert logs.count() == 2 and wife.pk in logs[0].detail["atena_ids"]
    # and a second 交付 is refused
    with pytest.raises(KyufuRefused):
        gendo_nintei_kofu(nintei_id=row.pk, kofu_date=date(2025, 9, 11), actor=clerk)
    # 寒川町: the person is not there, nothing of 葉山町's is visible
    connection.set_tenant(beta.municipality)
    with pytest.raises(KyufuRefused, match="住民ではありません"):
        gendo_nintei_shinsei(
            atena_id=wife.pk, shinsei_date=date(2025, 9, 10), actor=actor_for("samukawa-clerk")
        )
    assert not GendoNintei.objects.exists() and not KyufuRireki.objects.exists()


def test_nintei_of_a_70_year_old_ippan_is_not_needed_and_teishotoku_is_judged(
    alpha, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    members = [
        person_fields(shimei="高橋　一", shimei_kana="タカハシ　ハジメ", birth_date="1953-03-03")
    ]
    (old,) = tennyu(django_capture_on_commit_callbacks, members=members, day=TENNYU)[1]
    kazei_set(old.pk, 2025, nenkin=1_000_000, nenkin_shunyu=2_100_000, kazei_shotoku=100_000)
    clerk = actor_for("hayama-clerk")
    row = gendo_nintei_shinsei(atena_id=old.pk, shinsei_date=date(2025, 10, 1), actor=clerk)
    assert (row.status, row.kubun, row.koreisha) == ("kyakka", "ippan", True)
    assert "認定証は不要" in row.kyakka_riyu
    # 非課税 with 年金収入 80万円 only: 低所得Ⅰ, a 認定証 is judged
    kazei_set(old.pk, 2025, status="hikazei", nenkin_shunyu=800_000)
    row = gendo_nintei_shinsei(atena_id=old.pk, shinsei_date=date(2025, 10, 2), actor=clerk)
    assert (row.status, row.kubun) == ("hantei", "tei1")


def test_kogaku_applied_decided_with_tasukai_and_paid(
    alpha, beta, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    head, wife, child = _family(django_capture_on_commit_callbacks)
    _u_household(head, wife, child)
    _u_household(head, wife, child, fy=2024)
    clerk = actor_for("hayama-clerk")
    decided = []
    # given three earlier months paid (令和7年1月・3月・5月: 所得 of 令和6年度)
    for month in (1, 3, 5):
        row = kogaku_shinsei(
            atena_id=head.pk,
            year=2025,
            month=month,
            lines=[FutanLine(head.pk, "葉山病院", True, False, 300_000, 1_000_000)],
            shinsei_date=date(2025, 8, 1),
            furikomi=BANK,
            actor=clerk,
        )
        decided.append(kyufu_kettei(kyufu_id=row.pk, kettei_date=date(2025, 8, 5), actor=clerk))
    assert [r.shikyu_gaku for r in decided] == [212_570] * 3  # 厚労省の例（ウ）
    # when 令和7年9月: wife 入院 90,000 (30万), child 外来 21,000 (7万), wife 歯科 5,000
    row = kogaku_shinsei(
        atena_id=head.pk,
        year=2025,
        month=9,
        lines=[
            FutanLine(wife.pk, "葉山病院", True, False, 90_000, 300_000),
            FutanLine(child.pk, "こども医院", False, False, 21_000, 70_000),
            FutanLine(wife.pk, "歯科医院", False, True, 5_000, 16_667),
        ],
        shinsei_date=date(2025, 11, 4),
        furikomi=BANK,
        actor=clerk,
    )
    row = kyufu_kettei(kyufu_id=row.pk, kettei_date=date(2025, 11, 10), actor=clerk)
    # then 多数回該当 (3 months in the 12 before): 111,000 − 44,400 = 66,600; the 歯科
    # 5,000円 is below 21,000 and not added
    assert row.detail["tasukai"] is True
    assert row.detail["paid_months"] == ["2025-01", "2025-03", "2025-05"]
    assert [(s["futan"], s["gendo"], s["shikyu"]) for s in row.detail["steps"]] == [
        (111_000, 44_400, 66_600)
    ]
    assert (row.status, row.shikyu_gaku) == (KyufuStatus.KETTEI, 66_600)
    # a second application for the same month is refused
    with pytest.raises(KyufuRefused, match="すでに申請"):
        kogaku_shinsei(
            atena_id=wife.pk,
            year=2025,
            month=9,
            lines=[FutanLine(wife.pk, "葉山病院", True, False, 90_000, 300_000)],
            shinsei_date=date(2025, 11, 5),
            furikomi=BANK,
            actor=clerk,
        )
    # when they are paid on one list
    batch = shiharai_make(
        shiharai_date=date(2025, 11, 28), kyufu_ids=[r.pk for r in [*decided, row]], actor=clerk
    )
    assert (batch.kensu, batch.gokei) == (4, 212_570 * 3 + 66_600)
    assert set(Kyufu.objects.values_list("status", flat=True)) == {"shiharai"}
    with pytest.raises(KyufuRefused):  # nothing is paid twice
        shiharai_make(shiharai_date=date(2025, 11, 29), kyufu_ids=[row.pk], actor=clerk)
    # 寒川町 cannot decide or pay 葉山町's application: it does not exist there
    connection.set_tenant(beta.municipality)
    samukawa = actor_for("samukawa-clerk")
    with pytest.raises(KyufuRefused, match="その申請はありません"):
        kyufu_kettei(kyufu_id=row.pk, kettei_date=date(2025, 11, 10), actor=samukawa)
    with pytest.raises(KyufuRefused):
        shiharai_make(shiharai_date=date(2025, 11, 28), kyufu_ids=[row.pk], actor=samukawa)
    assert not Kyufu.objects.exists() and not Shiharai.objects.exists()


def test_kogaku_refuses_someone_outside_the_household_or_uninsured(
    alpha, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    head, _wife, _child = _family(django_capture_on_commit_callbacks)
    other = tennyu(
        django_capture_on_commit_callbacks, members=family("佐藤", "サトウ")[:1], day=TENNYU
    )[1][0]
    clerk = actor_for("hayama-clerk")
    line = FutanLine(other.pk, "葉山病院", True, False, 90_000, 300_000)
    with pytest.raises(KyufuRefused, match="この世帯の方"):
        kogaku_shinsei(
            atena_id=head.pk,
            year=2025,
            month=9,
            lines=[line],
            shinsei_date=date(2025, 11, 4),
            furikomi=BANK,
            actor=clerk,
        )
    # 時効: more than 2 years after the month following the 診療月
    with pytest.raises(KyufuRefused, match="時効"):
        kogaku_shinsei(
            atena_id=head.pk,
            year=2022,
            month=9,
            lines=[FutanLine(head.pk, "葉山病院", True, False, 90_000, 300_000)],
            shinsei_date=date(2024, 10, 1),
            furikomi=BANK,
            actor=clerk,
        )
    assert not Kyufu.objects.exists()


def test_shussan_and_sosai_decided_once_with_the_town_amount(
    alpha, beta, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    head, wife, _child = _family(django_capture_on_commit_callbacks)
    clerk = actor_for("hayama-clerk")
    # 出産育児一時金: 50万円, 直接支払制度 460,000円 → 差額 40,000円
    row = shussan_shinsei(
        atena_id=wife.pk,
        shussan_date=date(2025, 6, 1),
        children=1,
        sanka_hosho=True,
        chokusetsu_gaku=460_000,
        shinsei_date=date(2025, 6, 20),
        furikomi=BANK,
        actor=clerk,
    )
    row = kyufu_kettei(kyufu_id=row.pk, kettei_date=date(2025, 6, 25), actor=clerk)
    assert (row.shikyu_gaku, row.detail["total"], row.detail["chokusetsu"]) == (
        40_000,
        500_000,
        460_000,
    )
    with pytest.raises(KyufuRefused, match="すでに申請"):
        shussan_shinsei(
            atena_id=wife.pk,
            shussan_date=date(2025, 6, 1),
            children=1,
            sanka_hosho=True,
            chokusetsu_gaku=0,
            shinsei_date=date(2025, 6, 21),
            furikomi=BANK,
            actor=clerk,
        )
    # 葬祭費: the town has not set its 条例 amount → the 決定 is refused
    shibo(django_capture_on_commit_callbacks, head, day=date(2025, 7, 1))
    row = sosai_shinsei(
        atena_id=head.pk,
        shibo_date=date(2025, 7, 1),
        sosai_date=date(2025, 7, 5),
        shinseisha_atena_id=wife.pk,
        shinsei_date=date(2025, 7, 20),
        furikomi=BANK,
        actor=clerk,
    )
    with pytest.raises(KyufuRefused, match="条例で定める葬祭費"):
        kyufu_kettei(kyufu_id=row.pk, kettei_date=date(2025, 7, 25), actor=clerk)
    # with 葉山町's 条例 value (5万円 from 令和7年度) it is decided
    admin = actor_for("hayama-admin")
    municipal_parameter_set(
        key="kokuho.kyufu.sosai.gaku",
        fiscal_year=2025,
        value_text="50000",
        reason="葉山町国民健康保険条例",
        actor=admin,
    )
    row = kyufu_kettei(kyufu_id=row.pk, kettei_date=date(2025, 7, 25), actor=clerk)
    assert (row.status, row.shikyu_gaku) == ("kettei", 50_000)
    # 寒川町 has no 条例 value of 葉山町's, and none of its records
    connection.set_tenant(beta.municipality)
    assert not Kyufu.objects.exists()
    from tenants.params.services import ParameterMissing, param_value

    with pytest.raises(ParameterMissing):
        param_value("kokuho.kyufu.sosai.gaku", 2025)


def test_kogaku_in_the_75th_birthday_month_halves_the_persons_limit_through_the_service(
    alpha, beta, django_capture_on_commit_callbacks
):
    # 蒲郡市 (kokuho/tests/test_rules_kyufu.py): 一般 57,600 → 28,800 in the month of the
    # 75th birthday (5月15日); the same bill a month earlier is held to the 本来額.
    connection.set_tenant(alpha.municipality)
    members = [
        person_fields(shimei="鈴木　茂", shimei_kana="スズキ　シゲル", birth_date="1950-05-15")
    ]
    (old,) = tennyu(django_capture_on_commit_callbacks, members=members, day=TENNYU)[1]
    for fy in (2024, 2025):
        kazei_set(old.pk, fy, nenkin=1_000_000, nenkin_shunyu=2_100_000, kazei_shotoku=100_000)
    clerk = actor_for("hayama-clerk")
    decided = {}
    for month in (4, 5):
        row = kogaku_shinsei(
            atena_id=old.pk,
            year=2025,
            month=month,
            lines=[FutanLine(old.pk, "葉山病院", True, False, 100_000, 500_000)],
            shinsei_date=date(2025, 7, 1),
            furikomi=BANK,
            actor=clerk,
        )
        decided[month] = kyufu_kettei(kyufu_id=row.pk, kettei_date=date(2025, 7, 5), actor=clerk)
    assert decided[4].shikyu_gaku == 100_000 - 57_600
    may = decided[5]
    assert may.shikyu_gaku == 100_000 - 28_800
    first = may.detail["steps"][0]
    assert (first["label"], first["gendo"]) == (
        "75歳到達月の特例（個人）",
        28_800,
    )
    # 寒川町 has no such person: nothing of it there
    connection.set_tenant(beta.municipality)
    with pytest.raises(KyufuRefused):
        kogaku_shinsei(
            atena_id=old.pk,
            year=2025,
            month=5,
            lines=[FutanLine(old.pk, "寒川病院", True, False, 100_000, 500_000)],
            shinsei_date=date(2025, 7, 1),
            furikomi=BANK,
            actor=actor_for("samukawa-clerk"),
        )
    assert not Kyufu.objects.exists()


def _over70(atena_id: int, year: int, month: int, day: date) -> str | None:
    hk = household_kubun(atena_id, year, month, day=day)
    assert hk is not None
    return hk.result.over70


def test_kijun_shunyu_shinsei_makes_the_household_ippan_from_the_next_month(
    alpha, beta, django_capture_on_commit_callbacks
):
    # 五條市・大仙市: one 70〜74歳 insured, 収入 under 383万円 → 一般 on application
    connection.set_tenant(alpha.municipality)
    members = [
        person_fields(shimei="高橋　一", shimei_kana="タカハシ　ハジメ", birth_date="1953-03-03")
    ]
    (old,) = tennyu(django_capture_on_commit_callbacks, members=members, day=TENNYU)[1]
    # 課税所得 2,800,000 (現役並みⅠ), 旧ただし書所得 3,570,000 (over 210万: no 特例)
    kazei_set(old.pk, 2025, kyuyo=4_000_000, kazei_shotoku=2_800_000)
    clerk = actor_for("hayama-clerk")
    assert _over70(old.pk, 2025, 10, date(2025, 9, 10)) == "gen1"
    with pytest.raises(KyufuRefused, match="全員の収入"):
        kijun_shunyu_shinsei(
            atena_id=old.pk, shinsei_date=date(2025, 9, 10), shunyu={}, actor=clerk
        )
    # 3,830,000円: not under the base, recorded, the household stays 現役並み
    row = kijun_shunyu_shinsei(
        atena_id=old.pk, shinsei_date=date(2025, 9, 10), shunyu={old.pk: 3_830_000}, actor=clerk
    )
    assert (row.gaito, row.tekiyo_from) == (False, None)
    assert _over70(old.pk, 2025, 10, date(2025, 9, 10)) == "gen1"
    # 3,829,999円: 一般 from 10月 to 令和8年7月31日; 9月 stays 現役並み
    row = kijun_shunyu_shinsei(
        atena_id=old.pk, shinsei_date=date(2025, 9, 11), shunyu={old.pk: 3_829_999}, actor=clerk
    )
    assert (row.gaito, row.tekiyo_from, row.tekiyo_to) == (
        True,
        date(2025, 10, 1),
        date(2026, 7, 31),
    )
    assert _over70(old.pk, 2025, 10, date(2025, 10, 1)) == "ippan"
    assert _over70(old.pk, 2025, 9, date(2025, 9, 11)) == "gen1"
    log = AccessLog.objects.filter(record_type="kokuho.KijunShunyu", record_id=str(row.pk))
    assert log.count() == 1 and old.pk in log[0].detail["atena_ids"]
    # a second application is refused: the household is 一般 already
    with pytest.raises(KyufuRefused, match="現役並み所得者ではありません"):
        kijun_shunyu_shinsei(
            atena_id=old.pk, shinsei_date=date(2025, 10, 2), shunyu={old.pk: 1}, actor=clerk
        )
    # 寒川町: the person is not there; nothing of 葉山町's there
    connection.set_tenant(beta.municipality)
    with pytest.raises(KyufuRefused):
        kijun_shunyu_shinsei(
            atena_id=old.pk,
            shinsei_date=date(2025, 9, 11),
            shunyu={old.pk: 1},
            actor=actor_for("samukawa-clerk"),
        )
    assert not KijunShunyu.objects.exists()
