"""国民年金 (the town's part): the 所得基準 of 免除・納付猶予・学生納付特例 per 年度 with
published worked examples; 第1号の届 with 届出日; a 申請 judged on the 前年所得 of 本人,
配偶者 and 世帯主 read from 税務 (``zeimu.public``); the 報告 file, each 届・申請 once, a
連番 per town."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.files.storage import default_storage

from juminkiroku.tests.factories import family
from kokuho.models import NenkinShinsei, NenkinTodoke
from kokuho.rules.nenkin import (
    MenjoParameters,
    NoParameters,
    Person,
    gakusei_hantei,
    ichibu_kijun,
    menjo_hantei,
    yuyo_hantei,
    zengaku_kijun,
)
from kokuho.services.nenkin import (
    HOKOKU_HEADER,
    Fuyo,
    NenkinRefused,
    nenkin_hokoku_make,
    nenkin_shinsei_register,
    nenkin_todoke_register,
)
from kokuho.tests.factories import tennyu
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from zeimu.tests.factories import kazei_set

pytestmark = pytest.mark.django_db

CLERK = Actor(user_id=None, username="hayama-clerk")
R7 = 2025  # 令和7年度（令和7年7月〜令和8年6月、令和6年の所得）


# --- the 所得基準 (pure) ---------------------------------------------------------------------


def test_kijun_with_published_worked_examples(world):
    # 令和3年度分から: 全額 (扶養+1)×35万+32万; 一部 88万/128万/168万 + 扶養親族等控除額 +
    # 社会保険料控除等; 学生 128万 + … (岐阜県美濃加茂市・秋田県八峰町の「国民年金保険料の
    # 免除制度」の表). Worked example (fp-otoku-money.blogspot.com 2023-01 「国民年金保険料の
    # 免除制度」): 被扶養者2人 → 全額 3×35万+32万 = 137万円, 4分の3 88万+38万×2 = 164万円.
    p = MenjoParameters.for_nendo(R7)
    two = Person(role="honnin", shotoku=0, fuyo_ippan=2)
    assert zengaku_kijun(two, p) == 1_370_000
    assert ichibu_kijun("sanbun_yon", two, p) == 1_640_000
    assert ichibu_kijun("hangaku", two, p) == 2_040_000
    assert ichibu_kijun("yonbun_ichi", two, p) == 2_440_000
    alone = Person(role="honnin", shotoku=0)
    assert zengaku_kijun(alone, p) == 670_000
    assert ichibu_kijun("gakusei", alone, p) == 1_280_000
    # 老人 48万・特定 63万 and the 社会保険料控除等 raise the 一部免除 基準
    mixed = Person(
        role="honnin", shotoku=0, fuyo_rojin=1, fuyo_tokutei=1, shakai_hoken_kojo=200_000
    )
    assert ichibu_kijun("sanbun_yon", mixed, p) == 880_000 + 480_000 + 630_000 + 200_000
    # the 基準 before 令和3年度 are not kept: refused, not guessed
    with pytest.raises(NoParameters):
        MenjoParameters.for_nendo(2020)


def test_hantei_takes_the_level_every_judged_person_is_under(world):
    p = MenjoParameters.for_nendo(R7)
    # at the boundary: 1,370,000 is 全額; one yen more is 4分の3
    honnin = Person(role="honnin", shotoku=0)
    head = Person(role="setainushi", shotoku=1_370_000, fuyo_ippan=2)
    assert menjo_hantei([honnin, head], p).hantei == "zengaku"
    head = Person(role="setainushi", shotoku=1_370_001, fuyo_ippan=2)
    result = menjo_hantei([honnin, head], p)
    assert result.hantei == "sanbun_yon"
    assert result.detail["setainushi"]["kijun_zengaku"] == 1_370_000
    assert result.detail["setainushi"]["ok_zengaku"] is False
    assert (
        menjo_hantei([honnin, Person(role="setainushi", shotoku=3_000_000)], p).hantei == "higaito"
    )
    assert menjo_hantei([honnin, Person(role="setainushi", shotoku=None)], p).hantei == "fumei"
    # 納付猶予: the 世帯主 is not judged, 本人 must be under 50
    rich_head = Person(role="setainushi", shotoku=9_000_000)
    assert yuyo_hantei([honnin, rich_head], 30, p).hantei == "yuyo"
    assert yuyo_hantei([honnin, rich_head], 50, p).hantei == "higaito"
    # 学生納付特例: 本人 only, 128万 alone
    assert gakusei_hantei(Person(role="honnin", shotoku=1_280_000), p).hantei == "gakusei"
    assert gakusei_hantei(Person(role="honnin", shotoku=1_280_001), p).hantei == "higaito"


# --- 届・申請・報告 (two towns) ------------------------------------------------------------------


@pytest.fixture
def yamada(alpha, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    return tennyu(django_capture_on_commit_callbacks, members=family(), day=date(2020, 4, 1))[1]


def test_todoke_with_todoke_date_and_the_age_of_the_first_kind(yamada, beta):
    head, wife, child = yamada
    # a 資格取得 is from 被保険者でない only
    with pytest.raises(NenkinRefused, match="資格取得"):
        nenkin_todoke_register(
            atena_id=wife.pk, kind="shutoku", jiyu="fuyo_hazure", gaito_date=date(2025, 9, 1),
            todoke_date=date(2025, 9, 10), shubetsu_mae="3", shubetsu_go="1", actor=CLERK,
        )  # fmt: skip
    t = nenkin_todoke_register(
        atena_id=wife.pk, kind="shubetsu", jiyu="fuyo_hazure", gaito_date=date(2025, 9, 1),
        todoke_date=date(2025, 9, 10), shubetsu_mae="3", shubetsu_go="1", actor=CLERK,
    )  # fmt: skip
    assert (t.gaito_date, t.todoke_date, t.get_shubetsu_go_display()) == (
        date(2025, 9, 1),
        date(2025, 9, 10),
        "第1号被保険者",
    )
    assert AccessLog.objects.filter(screen="kokuho.nenkin_todoke", record_id=str(t.pk)).exists()
    # a 15-year-old cannot become 第1号; a 届 before its 該当日 is refused
    with pytest.raises(NenkinRefused, match="20歳以上60歳未満"):
        nenkin_todoke_register(
            atena_id=child.pk, kind="shutoku", jiyu="nenrei_20", gaito_date=date(2025, 9, 1),
            todoke_date=date(2025, 9, 1), shubetsu_mae="0", shubetsu_go="1", actor=CLERK,
        )  # fmt: skip
    with pytest.raises(NenkinRefused, match="届出日より後"):
        nenkin_todoke_register(
            atena_id=head.pk, kind="soshitsu", jiyu="kosei_kanyu", gaito_date=date(2025, 9, 2),
            todoke_date=date(2025, 9, 1), shubetsu_mae="1", shubetsu_go="0", actor=CLERK,
        )  # fmt: skip
    assert NenkinTodoke.objects.count() == 1
    # 寒川町 cannot enter a 届 for 葉山町's person
    connection.set_tenant(beta.municipality)
    with pytest.raises(NenkinRefused, match="見つかりません"):
        nenkin_todoke_register(
            atena_id=wife.pk, kind="shubetsu", jiyu="fuyo_hazure", gaito_date=date(2025, 9, 1),
            todoke_date=date(2025, 9, 10), shubetsu_mae="3", shubetsu_go="1", actor=CLERK,
        )  # fmt: skip
    assert not NenkinTodoke.objects.exists()


def test_shinsei_reads_the_income_of_honnin_haigusha_and_setainushi_from_zeimu(yamada, beta):
    head, wife, _child = yamada
    # given 令和7年度 assessments (令和6年の所得): the wife none, the head 1,300,000
    kazei_set(wife.pk, R7, sonota=0, status="hikazei")
    kazei_set(head.pk, R7, sonota=1_300_000, shotokuwari=20_000, kintowari=5_000)
    # when the wife applies for 免除 with her husband (the 世帯主) as 配偶者, two dependants
    s = nenkin_shinsei_register(
        atena_id=wife.pk,
        kind="menjo",
        nendo=R7,
        shinsei_date=date(2025, 7, 10),
        haigusha_atena_id=head.pk,
        fuyo={"haigusha": Fuyo(ippan=2)},
        actor=CLERK,
    )
    # then both are judged (the 世帯主 is the 配偶者: judged once) and 全額免除 fits
    assert s.hantei == "zengaku" and s.setainushi_atena_id == head.pk
    assert set(s.shotoku) == {"honnin", "haigusha"}
    assert s.shotoku["haigusha"]["shotoku"] == 1_300_000
    assert s.shotoku["haigusha"]["kijun_zengaku"] == 1_370_000
    assert s.shotoku["honnin"]["jokyo"] == "非課税"
    log = AccessLog.objects.get(screen="kokuho.nenkin_shinsei", record_id=str(s.pk))
    assert log.detail["atena_ids"] == sorted([wife.pk, head.pk])
    # and when the head's income is not known (no assessment): 所得が不明
    s2 = nenkin_shinsei_register(
        atena_id=wife.pk, kind="menjo", nendo=2026, shinsei_date=date(2026, 7, 1),
        haigusha_atena_id=head.pk, fuyo={}, actor=CLERK,
    )  # fmt: skip
    assert s2.hantei == "fumei"
    # and 学生納付特例 looks at 本人 only
    s3 = nenkin_shinsei_register(
        atena_id=wife.pk, kind="gakusei", nendo=R7, shinsei_date=date(2025, 7, 10),
        haigusha_atena_id=None, fuyo={}, actor=CLERK,
    )  # fmt: skip
    assert s3.hantei == "gakusei" and set(s3.shotoku) == {"honnin"}
    # and a 年度 without the law's 基準 is refused
    with pytest.raises(NenkinRefused, match="所得基準"):
        nenkin_shinsei_register(
            atena_id=wife.pk, kind="menjo", nendo=2019, shinsei_date=date(2019, 7, 1),
            haigusha_atena_id=None, fuyo={}, actor=CLERK,
        )  # fmt: skip
    # 寒川町 reaches neither the person nor 葉山町's 所得
    connection.set_tenant(beta.municipality)
    with pytest.raises(NenkinRefused, match="見つかりません"):
        nenkin_shinsei_register(
            atena_id=wife.pk, kind="menjo", nendo=R7, shinsei_date=date(2025, 7, 10),
            haigusha_atena_id=None, fuyo={}, actor=CLERK,
        )  # fmt: skip
    assert not NenkinShinsei.objects.exists()


def test_hokoku_file_sends_each_todoke_and_shinsei_once_per_town(
    yamada, beta, django_capture_on_commit_callbacks
):
    head, wife, _child = yamada
    kazei_set(wife.pk, R7, sonota=0, status="hikazei")
    kazei_set(head.pk, R7, sonota=1_300_000)
    nenkin_todoke_register(
        atena_id=wife.pk, kind="shubetsu", jiyu="fuyo_hazure", gaito_date=date(2025, 9, 1),
        todoke_date=date(2025, 9, 10), shubetsu_mae="3", shubetsu_go="1",
        kiso_nenkin_bango="1234567890", actor=CLERK,
    )  # fmt: skip
    s = nenkin_shinsei_register(
        atena_id=wife.pk, kind="menjo", nendo=R7, shinsei_date=date(2025, 9, 10),
        haigusha_atena_id=head.pk, fuyo={"haigusha": Fuyo(ippan=2)}, actor=CLERK,
    )  # fmt: skip
    # when 葉山町 makes its 報告 file
    f = nenkin_hokoku_make(actor=CLERK, encoding="utf-8-sig")
    # then 第1号 holds the 届 and the 申請, with the 所得 and the town's 審査
    assert (f.seq, f.rows) == (1, 2)
    with default_storage.open(f.path, "rb") as handle:
        rows = list(csv.reader(io.StringIO(handle.read().decode("utf-8-sig"))))
    assert rows[0] == HOKOKU_HEADER
    assert [(r[3], r[4], r[6], r[7]) for r in rows[1:]] == [
        ("1", "13", wife.atena_no, "1234567890"),
        ("2", "21", wife.atena_no, "1234567890"),
    ]
    assert rows[1][15:20] == [
        "2025-09-01",
        "2025-09-10",
        "第3号被保険者でなくなった（扶養から外れた）",
        "第3号被保険者",
        "第1号被保険者",
    ]
    assert rows[2][20:] == ["2025", "0", "1300000", "", "全額免除に該当"]
    s.refresh_from_db()
    assert s.hokoku_id == f.pk
    assert AccessLog.objects.filter(action="export", screen="kokuho.nenkin_hokoku").exists()
    # and nothing is left to send
    with pytest.raises(NenkinRefused):
        nenkin_hokoku_make(actor=CLERK, encoding="utf-8-sig")
    # and 寒川町's first file is its own 第1号 with its own person only
    connection.set_tenant(beta.municipality)
    with pytest.raises(NenkinRefused):
        nenkin_hokoku_make(actor=CLERK, encoding="utf-8-sig")
    (b_head, *_rest) = tennyu(
        django_capture_on_commit_callbacks, "samukawa", members=family("佐藤", "サトウ"),
        day=date(2020, 4, 1),
    )[1]  # fmt: skip
    nenkin_todoke_register(
        atena_id=b_head.pk, kind="soshitsu", jiyu="kosei_kanyu", gaito_date=date(2025, 9, 1),
        todoke_date=date(2025, 9, 2), shubetsu_mae="1", shubetsu_go="0", actor=CLERK,
    )  # fmt: skip
    b = nenkin_hokoku_make(actor=CLERK, encoding="cp932")
    assert (b.seq, b.rows) == (1, 1)
    with default_storage.open(b.path, "rb") as handle:
        text = handle.read().decode("cp932")
    assert b_head.atena_no in text and wife.atena_no not in text and "143219" in text
