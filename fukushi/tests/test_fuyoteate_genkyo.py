"""児童扶養手当 in two towns: the yearly 現況届 job (未提出 opened for every 受給者, the 案内
printed on the shared print path and read back), the 差止 of 11月分 and later while the
届 is missing (法第15条) and their payment after it (payment lines), the 扶養義務者 of the
household read from 住民記録 and 税務 (and entered by hand), the 一部支給停止 at its month
boundary with the 適用除外事由届出 — and 寒川町 reaching none of 葉山町's.

Amounts: 令和7年度 全部支給 46,690円, 一部支給 46,680 −（所得 − 限度額）× 0.0256619,
扶養義務者の限度額 2,360,000円 (+380,000円 a 扶養親族): fukushi/params/fuyoteate.yaml."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.storage import default_storage

from fukushi.models import (
    FuyoGenkyoJotai,
    FuyoGenkyoTodoke,
    FuyoGimushaShuki,
    FuyoJukyusha,
    FuyoRireki,
    FuyoSashitome,
    FuyoShiharaiMeisai,
    FuyoTekiyoJogai,
)
from fukushi.services.fuyoteate import jukyusha_nintei, month_amount, shiharai_run
from juminkiroku.tests import factories as jk
from juminkiroku.tests.factories import Zokugara, actor_for, family, person_fields
from tenants import zengin
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.jobs.models import Job, JobStatus
from tenants.jobs.services import job_start
from tenants.testing.pdf import pdf_pages
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.tests.factories import kazei, kazei_set

pytestmark = pytest.mark.django_db

ACCOUNT = zengin.Account("0001", "001", "1", "1234567", "ﾔﾏﾀﾞ ﾐｶ")
IRAININ = zengin.Irainin("1234567890", "ﾊﾔﾏﾏﾁ", "0009", "123", "1", "7654321")
CLERK = Actor(user_id=None, username="hayama-clerk")


def _in(town, fn):
    connection.set_tenant(town.municipality)
    try:
        return fn()
    finally:
        connection.set_schema_to_public()


def _pay(tsuki: date):
    return shiharai_run(
        shiharai_tsuki=tsuki, shiharai_date=tsuki.replace(day=11), irainin=IRAININ, actor=CLERK
    )


def _lines(run):
    return sorted(
        FuyoShiharaiMeisai.objects.filter(shiharai=run.shiharai).values_list(
            "jukyusha_id", "tsuki1", "tsuki2", "kaijo", "gaku"
        )
    )


@pytest.fixture
def mika(world, django_capture_on_commit_callbacks):
    """葉山町: 山田美香 (子 of the 世帯主 山田太郎, her father) with her child (子の子); her
    給与所得 1,500,000円 (所得額 1,320,000円 → 一部支給 40,260円 a month for 1 child);
    寒川町: 佐藤花子, 受給者 there."""
    capture = django_capture_on_commit_callbacks
    connection.set_tenant(world.beta.municipality)
    with capture(execute=True):
        _, (_h, sato, _c) = jk.household_tennyu(
            "samukawa", members=family("佐藤", "サトウ"), ido_date=date(2020, 4, 1)
        )
    for fy in (2024, 2025):
        kazei(sato.pk, fy, kyuyo=1_000_000)
    sato_j = jukyusha_nintei(
        atena_id=sato.pk, seikyu_date=date(2025, 6, 1), jido_su=1, fuyo_shinzoku=1,
        account=ACCOUNT, actor=actor_for("samukawa-clerk"),
    )  # fmt: skip
    connection.set_tenant(world.alpha.municipality)
    members = [
        person_fields(shimei="山田　太郎", shimei_kana="ヤマダ　タロウ", birth_date="1955-05-05"),
        person_fields(
            shimei="山田　美香", shimei_kana="ヤマダ　ミカ", birth_date="1988-02-02",
            sex="2", zokugara=Zokugara.KO, setai_order=2,
        ),
        person_fields(
            shimei="山田　陽斗", shimei_kana="ヤマダ　ハルト", birth_date="2016-09-09",
            zokugara=Zokugara.KO + Zokugara.KO, setai_order=3,
        ),
    ]  # fmt: skip
    with capture(execute=True):
        _, (father, daughter, _grandchild) = jk.household_tennyu(
            "hayama", members=members, ido_date=date(2017, 4, 1)
        )
    for fy in (2024, 2025):
        kazei(daughter.pk, fy, kyuyo=1_500_000)
        kazei(father.pk, fy, kyuyo=2_000_000)  # 所得 1,820,000 < 2,360,000
    connection.set_schema_to_public()
    return {"father": father, "daughter": daughter, "sato": sato, "sato_j": sato_j}


def test_genkyo_job_withholds_november_on_until_received(
    world, login, mika, django_capture_on_commit_callbacks
):
    # given 美香 受給者 from 令和7年7月分 in 葉山町
    connection.set_tenant(world.alpha.municipality)
    j = jukyusha_nintei(
        atena_id=mika["daughter"].pk, seikyu_date=date(2025, 6, 10), jido_su=1,
        fuyo_shinzoku=1, account=ACCOUNT, actor=CLERK,
    )  # fmt: skip
    # when 葉山町 runs the 現況届 job of 令和7年 (twice: the second changes nothing)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            job = job_start(
                kind="fukushi_fuyoteate_genkyo_annai",
                params={"nen": 2025, "kigen": "2025-08-29", "tsuchi_date": "2025-07-22"},
                actor=CLERK,
            )
        job.refresh_from_db()
        assert job.status == JobStatus.SUCCEEDED, [c.error for c in job.chunks.all()]
    # then one 未提出 現況届 and one history row, and the 案内 read back from the PDF
    g = FuyoGenkyoTodoke.objects.get(jukyusha=j, nen=2025)
    assert g.jotai == FuyoGenkyoJotai.MITEISHUTSU and g.uketsuke_date is None
    assert FuyoRireki.objects.filter(jukyusha=j, kind="genkyo_annai").count() == 1
    (pdf,) = [f for f in job.files.all() if f.name.endswith(".pdf")]
    with default_storage.open(pdf.path, "rb") as fh:
        (page,) = pdf_pages(fh.read())
    assert "児童扶養手当現況届のご案内" in page and "山田" in page and "美香" in page
    assert "令和7年8月29日" in page and "法第15条" in page and "佐藤" not in page
    # the 11月 支払 (9・10月分) is paid: those months belong to the 令和6年 届
    run = _pay(date(2025, 11, 1))
    assert _lines(run) == [(j.pk, 40_260, 40_260, 0, 80_520)]
    # the 1月 支払 (11・12月分) withholds both months: no line, two 差止 with history
    run = _pay(date(2026, 1, 1))
    assert _lines(run) == [] and run.shiharai.gokei == 0
    assert list(FuyoSashitome.objects.filter(jukyusha=j).values_list("month", flat=True)) == [
        date(2025, 11, 1),
        date(2025, 12, 1),
    ]
    assert FuyoRireki.objects.filter(jukyusha=j, kind="sashitome").count() == 2
    connection.set_schema_to_public()
    # the clerk records the late 届 on the screen (受付 令和8年1月20日: it is the 令和7年 one,
    # the 未提出 record of that year is filled in)
    clerk = login("hayama-clerk", ALPHA_HOST)
    page = clerk.get("/fukushi/jido-fuyo-teate/genkyo/?nen=2025").content.decode()
    assert "山田　美香" in page and "未提出" in page
    r = clerk.post(f"/fukushi/jido-fuyo-teate/{j.pk}/genkyo/", {"uketsuke_date": "令和8年1月20日"})
    assert r.status_code == 302
    g = _in(world.alpha, lambda: FuyoGenkyoTodoke.objects.get(pk=g.pk))
    assert (g.jotai, g.hantei, g.getsugaku) == (FuyoGenkyoJotai.TEISHUTSU, "ichibu", 40_260)
    assert g.uketsuke_date == date(2026, 1, 20)
    assert g.gimusha == [
        {"label": "同居の直系血族（世帯主）", "shotoku": 1_820_000, "gendo": 2_360_000},
        {"label": "同居の直系血族（世帯主の子の子）（所得の資料なし：0円で判定）",
         "shotoku": 0, "gendo": 2_360_000},
    ]  # fmt: skip
    # the 証書 (after the 届), read back from its PDF; 寒川町 cannot take it
    r = clerk.post(f"/fukushi/jido-fuyo-teate/{j.pk}/shosho/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    (page,) = pdf_pages(r.content)
    assert "児童扶養手当証書" in page and j.jukyusha_bango in page and "美香" in page
    assert "40,260円" in page and "令和7年11月分から" in page and "一部支給" in page
    other = login("samukawa-clerk", BETA_HOST)
    r = other.post(f"/fukushi/jido-fuyo-teate/{j.pk}/shosho/")
    assert r.status_code != 200 or "美香" not in pdf_pages(r.content)[0]
    assert (
        _in(world.alpha, lambda: FuyoRireki.objects.filter(jukyusha=j, kind="shosho").count()) == 1
    )
    # the 3月 支払 pays 1・2月分 and the withheld 11・12月分
    connection.set_tenant(world.alpha.municipality)
    run = _pay(date(2026, 3, 1))
    assert _lines(run) == [(j.pk, 40_260, 40_260, 80_520, 161_040)]
    assert not FuyoSashitome.objects.filter(kaijo_shiharai__isnull=True).exists()
    assert FuyoRireki.objects.filter(jukyusha=j, kind="kaijo").count() == 2
    # 寒川町: no job ran there, its 受給者 is paid 11・12月分 in its own 1月 支払
    connection.set_tenant(world.beta.municipality)
    assert not FuyoGenkyoTodoke.objects.exists() and not Job.objects.exists()
    b = _pay(date(2026, 1, 1))
    assert _lines(b) == [(mika["sato_j"].pk, 46_690, 46_690, 0, 93_380)]
    connection.set_schema_to_public()
    page = other.get("/fukushi/jido-fuyo-teate/genkyo/?nen=2025").content.decode()
    assert "山田" not in page and "0人" in page
    # and the reads were logged by id in 葉山町
    assert _in(
        world.alpha,
        lambda: AccessLog.objects.filter(screen="fukushi.fuyoteate_genkyo_list").exists(),
    )
    # a 閲覧者 may not start the job
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert (
        viewer.post(
            "/fukushi/jido-fuyo-teate/genkyo/",
            {"nen": 2025, "tsuchi_date": "令和7年7月20日", "kigen": "令和7年8月31日"},
        ).status_code
        == 403
    )


def test_fuyo_gimusha_of_the_household_and_by_hand(world, login, mika):
    # given 美香 受給者; her father's 令和7年度 所得 raised to 2,360,000 (= the limit)
    connection.set_tenant(world.alpha.municipality)
    j = jukyusha_nintei(
        atena_id=mika["daughter"].pk, seikyu_date=date(2025, 6, 10), jido_su=1,
        fuyo_shinzoku=1, account=ACCOUNT, actor=CLERK,
    )  # fmt: skip
    kazei_set(mika["father"].pk, 2025, kyuyo=2_540_000)
    # then 10月分 (令和6年度の所得) is paid and 11月分 is stopped: the 扶養義務者 is at the limit
    assert month_amount(j, date(2025, 10, 1)) == 40_260
    assert month_amount(j, date(2025, 11, 1)) == 0
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    r = clerk.post(f"/fukushi/jido-fuyo-teate/{j.pk}/genkyo/", {"uketsuke_date": "令和7年8月5日"})
    assert r.status_code == 302
    page = clerk.get(f"/fukushi/jido-fuyo-teate/{j.pk}/").content.decode()
    assert "全部支給停止" in page and "同居の直系血族（世帯主）" in page and "2,360,000円" in page
    # when the clerk enters the father by hand with his wife as 扶養親族 (limit 2,740,000)
    r = clerk.post(
        f"/fukushi/jido-fuyo-teate/{j.pk}/gimusha/",
        {"shotoku_nendo": 2025, "kankei": "父", "atena_no": mika["father"].atena_no,
         "kyuyo_shotoku": 2_540_000, "nenkin_shotoku": 0, "sonota_shotoku": 0,
         "fuyo_shinzoku": 1, "rojin": 0},
    )  # fmt: skip
    assert r.status_code == 302
    connection.set_tenant(world.alpha.municipality)
    # then his figures replace the automatic reading: 11月分 一部支給 again
    assert month_amount(j, date(2025, 11, 1)) == 40_260
    # and an 兄 living elsewhere who shares the 生計 with 所得 2,400,000 stops it again
    connection.set_schema_to_public()
    clerk.post(
        f"/fukushi/jido-fuyo-teate/{j.pk}/gimusha/",
        {"shotoku_nendo": 2025, "kankei": "兄（別居）", "kyuyo_shotoku": 2_580_000},
    )
    connection.set_tenant(world.alpha.municipality)
    assert month_amount(j, date(2025, 11, 1)) == 0
    assert FuyoGimushaShuki.objects.filter(jukyusha=j).count() == 2
    assert FuyoRireki.objects.filter(jukyusha=j, kind="gimusha").count() == 2
    # control characters are refused, nothing written
    connection.set_schema_to_public()
    clerk.post(
        f"/fukushi/jido-fuyo-teate/{j.pk}/gimusha/",
        {"shotoku_nendo": 2025, "kankei": "兄\x07", "kyuyo_shotoku": 1},
    )
    assert _in(world.alpha, lambda: FuyoGimushaShuki.objects.count()) == 2
    # 寒川町 cannot add one to 葉山町's 受給者 (its ids are its own)
    other = login("samukawa-clerk", BETA_HOST)
    other.post(
        f"/fukushi/jido-fuyo-teate/{j.pk}/gimusha/",
        {"shotoku_nendo": 2025, "kankei": "父", "kyuyo_shotoku": 9_000_000},
    )
    assert _in(world.alpha, lambda: FuyoGimushaShuki.objects.count()) == 2
    assert _in(world.beta, lambda: FuyoJukyusha.objects.get().gimusha.count()) in (0, 1)


def test_ichibu_teishi_at_the_month_boundary_and_tekiyo_jogai(world, login, mika):
    # given 美香 受給者 from 令和2年7月分, 所得 820,000円 (全部支給 46,690円)
    connection.set_tenant(world.alpha.municipality)
    kazei_set(mika["daughter"].pk, 2024, kyuyo=1_000_000)
    j = jukyusha_nintei(
        atena_id=mika["daughter"].pk, seikyu_date=date(2020, 6, 10), jido_su=1,
        fuyo_shinzoku=1, account=ACCOUNT, actor=CLERK,
    )  # fmt: skip
    # then 6月分 is whole and 7月分 half stopped: 46,690 × 1/2 = 23,345 → 23,350 stopped
    assert month_amount(j, date(2025, 6, 1)) == 46_690
    assert month_amount(j, date(2025, 7, 1)) == 23_340
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    page = clerk.get(f"/fukushi/jido-fuyo-teate/{j.pk}/").content.decode()
    assert "令和7年7月分から" in page
    # when she files the 適用除外事由届出 (就業) on 令和7年8月5日
    r = clerk.post(
        f"/fukushi/jido-fuyo-teate/{j.pk}/tekiyo-jogai/",
        {"todoke_date": "令和7年8月5日", "jiyu": "shugyo"},
    )
    assert r.status_code == 302
    connection.set_tenant(world.alpha.municipality)
    t = FuyoTekiyoJogai.objects.get(jukyusha=j)
    assert (t.kikan_from, t.kikan_to) == (date(2025, 8, 1), date(2026, 10, 1))
    # then 7月分 stays half (no 遡及) and 8月分 is whole; the 9月 支払 shows it
    run = _pay(date(2025, 9, 1))
    assert _lines(run) == [(j.pk, 23_340, 46_690, 0, 70_030)]
    assert FuyoRireki.objects.filter(jukyusha=j, kind="tekiyo_jogai").count() == 1
    connection.set_schema_to_public()
    # the 試算 shows the half stopped
    page = clerk.post(
        "/fukushi/jido-fuyo-teate/shisan/",
        {"nendo": 2025, "month": 7, "jido_su": 1, "fuyo_shinzoku": 1,
         "kyuyo_shotoku": 1000000, "ichibu_teishi": "on"},
    ).content.decode()  # fmt: skip
    assert "23,340円" in page and "一部支給停止 23,350円" in page
    # 寒川町 cannot file for 葉山町's 受給者; its own is not stopped (支給 from 令和7年7月分)
    other = login("samukawa-clerk", BETA_HOST)
    other.post(
        f"/fukushi/jido-fuyo-teate/{j.pk}/tekiyo-jogai/",
        {"todoke_date": "令和7年8月6日", "jiyu": "kyushoku"},
    )
    assert _in(world.alpha, lambda: FuyoTekiyoJogai.objects.count()) == 1
    assert _in(world.beta, lambda: month_amount(mika["sato_j"], date(2025, 7, 1))) == 46_690
