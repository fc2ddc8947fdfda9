"""保育 end to end in two towns (葉山町 = alpha, 寒川町 = beta): 支給認定 with the town's 就労
下限, the 利用調整 by the town's points table and tie-break, the 保育料 of a family of two
children from 税務's 所得割 (4–8月 前年度, 9–3月 当年度: the September recompute), the
3号→2号 shift, a 転出 and a death ending 入所 and 認定 exactly once, the 決定通知書 PDF, the
試算 API and screens — and neither town seeing or changing the other's data.

Expected fees are the national table's (fukushi/params/hoiku.yaml, 子ども・子育て支援法施行令
第4条): 所得割 60,000円 → 第4階層 30,000円 (標準時間); 所得割 120,000円 → 第5階層 44,500円;
第2子 half.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from fukushi.models.hoiku import (
    HoikuMoshikomi,
    HoikuNintei,
    HoikuNyusho,
    HoikuRireki,
    HoikuryoGetsugaku,
    HoikuShisetsu,
)
from fukushi.services.hoiku import (
    HoikuRefused,
    NinteiInput,
    ShisuRow,
    chosei_run,
    moshikomi_register,
    nintei_register,
    shisetsu_register,
    shisu_table_set,
    shuryo_apply,
)
from fukushi.services.hoiku_ryo import hoikuryo_compute
from juminkiroku.tests import factories as jk
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.params.tenant.services import municipal_parameter_set
from tenants.testing.pdf import pdf_pages
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.tests.factories import kazei

pytestmark = pytest.mark.django_db

CLERK = Actor(user_id=None, username="hayama-clerk")
ADMIN = Actor(user_id=None, username="hayama-admin")
OLDER = date(2022, 6, 15)  # reaches 3 on 2025-06-14: 3号 → 2号 mid-year, free from 2026-04
YOUNGER = date(2024, 5, 10)


def _family(town: str, surname: str, kana: str, capture) -> list:
    members = [
        jk.person_fields(
            shimei=f"{surname}　太郎", shimei_kana=f"{kana}　タロウ", birth_date="1990-01-10"
        ),
        jk.person_fields(
            shimei=f"{surname}　花子",
            shimei_kana=f"{kana}　ハナコ",
            sex=jk.Sex.FEMALE,
            birth_date="1992-03-03",
            zokugara=jk.Zokugara.TSUMA,
            setai_order=2,
        ),
        jk.person_fields(
            shimei=f"{surname}　一郎",
            shimei_kana=f"{kana}　イチロウ",
            birth_date=OLDER.isoformat(),
            zokugara=jk.Zokugara.KO,
            setai_order=3,
        ),
        jk.person_fields(
            shimei=f"{surname}　二郎",
            shimei_kana=f"{kana}　ジロウ",
            birth_date=YOUNGER.isoformat(),
            zokugara=jk.Zokugara.KO,
            setai_order=4,
        ),
    ]
    with capture(execute=True):
        _, people = jk.household_tennyu(town, members=members, ido_date=date(2024, 6, 1))
    return people


def _nintei(child, father, mother, *, start: date, end: date, hours: int = 160):
    return nintei_register(
        inp=NinteiInput(
            atena_id=child.pk,
            hogosha_atena_id=father.pk,
            hogosha2_atena_id=mother.pk,
            kubun="3",
            jiyu="shuro",
            shuro_jikan=hours,
            start_date=start,
            end_date=end,
        ),
        actor=CLERK,
    )


@pytest.fixture
def hayama(alpha, django_capture_on_commit_callbacks):
    """葉山町: a family of four, both children 3号 from April 2025 at one 保育所."""
    connection.set_tenant(alpha.municipality)
    father, mother, older, younger = _family(
        "hayama", "保坂", "ホサカ", django_capture_on_commit_callbacks
    )
    shisetsu_register(
        code="H01", name="堀内保育園", shubetsu="hoikusho", teiin={0: 3, 1: 1, 2: 1}, nendo=2025,
        actor=ADMIN,
    )  # fmt: skip
    shisetsu_register(
        code="H02", name="一色保育園", shubetsu="hoikusho", teiin={1: 1, 2: 1}, nendo=2025,
        actor=ADMIN,
    )  # fmt: skip
    shisu_table_set(
        nendo=2025,
        rows=[
            ShisuRow("kihon", "K1", "就労（月160時間以上）", 100, "shuro", 160),
            ShisuRow("kihon", "K2", "就労（月64時間以上）", 60, "shuro", 64),
            ShisuRow("kihon", "K3", "求職活動", 20, "kyushoku"),
            ShisuRow("chosei", "C1", "ひとり親世帯", 20),
            ShisuRow("chosei", "C2", "兄弟姉妹が在園", 5),
        ],
        actor=ADMIN,
        riyu="葉山町保育所等利用調整基準（試験の値）",
    )
    # 令和6年度 (for 4–8月) and 令和7年度 (9–3月) 市町村民税: the factory keeps 6/10 of the
    # 所得割 as 市町村民税: 100,000 → 60,000円 (第4階層); 200,000 → 120,000円 (第5階層)
    kazei(father.pk, 2024, kyuyo=4_000_000, shotokuwari=100_000)
    kazei(mother.pk, 2024, kyuyo=900_000, shotokuwari=0)
    kazei(father.pk, 2025, kyuyo=5_500_000, shotokuwari=200_000)
    kazei(mother.pk, 2025, kyuyo=900_000, shotokuwari=0)
    return father, mother, older, younger


def test_nintei_checks_the_age_and_the_towns_working_hours(hayama, beta):
    father, mother, older, younger = hayama
    # 3号 may not run past the day before the child reaches 3 (2025-06-13 for OLDER)
    with pytest.raises(HoikuRefused, match="満3歳に達する日の前日"):
        _nintei(older, father, mother, start=date(2025, 4, 1), end=date(2026, 3, 31))
    # 50 hours a month is under the national default of 64 …
    with pytest.raises(HoikuRefused, match="64時間"):
        _nintei(younger, father, mother, start=date(2025, 4, 1), end=date(2026, 3, 31), hours=50)
    # … but 葉山町 sets 48 hours (施行規則第1条の5第1号), so 50 hours is 保育短時間
    municipal_parameter_set(
        key="fukushi.hoiku.shuro_kagen_jikan",
        fiscal_year=2025,
        value_text="48",
        reason="葉山町子ども・子育て支援法施行細則（試験の値）",
        actor=ADMIN,
    )
    n = _nintei(younger, father, mother, start=date(2025, 4, 1), end=date(2026, 3, 31), hours=50)
    assert (n.kubun, n.hitsuyoryo) == ("3", "tanjikan")
    # 寒川町 keeps the national 64 hours and has no 認定 at all
    connection.set_tenant(beta.municipality)
    assert not HoikuNintei.objects.exists()
    from tenants.params.services import param_value

    assert param_value("fukushi.hoiku.shuro_kagen_jikan", 2025) == 64


def test_chosei_fees_september_recompute_and_the_shift_to_2go(hayama, beta):
    father, mother, older, younger = hayama
    # given 3号 認定 for both (the elder's 3号 ends the day before 2025-06-14) and a 2号
    # from that day; both apply for April 2025 with H01 then H02
    n_old = _nintei(older, father, mother, start=date(2025, 4, 1), end=date(2025, 6, 13))
    n_young = _nintei(younger, father, mother, start=date(2025, 4, 1), end=date(2026, 3, 31))
    for n, no in ((n_old, 2), (n_young, 1)):
        moshikomi_register(
            nintei_id=n.pk,
            uketsuke_no=no,
            uketsuke_date=date(2025, 1, 10),
            kibo_month=date(2025, 4, 1),
            kibo_codes=["H01", "H02"],
            chosei_codes=["C2"] if no == 2 else [],
            actor=CLERK,
        )
    # when the 利用調整 runs for April 2025
    res = chosei_run(month=date(2025, 4, 1), actor=CLERK)
    # then the elder (class age 2: H01 has 1 place) and the younger (class age 0) get H01
    assert (res.taisho, res.naitei, res.horyu) == (2, 2, 0)
    placed = dict(HoikuNyusho.objects.values_list("atena_id", "shisetsu__code"))
    assert placed == {older.pk: "H01", younger.pk: "H01"}
    points = dict(HoikuMoshikomi.objects.values_list("uketsuke_no", "points"))
    assert points == {1: 100, 2: 105}
    # the elder becomes 2号 on 2025-06-14 (満3歳に達する日)
    # (the 入所 goes on: the fee follows the 認定 in force each month)
    n2 = nintei_register(
        inp=NinteiInput(
            atena_id=older.pk,
            hogosha_atena_id=father.pk,
            hogosha2_atena_id=mother.pk,
            kubun="2",
            jiyu="shuro",
            shuro_jikan=160,
            start_date=date(2025, 6, 14),
            end_date=date(2028, 3, 31),
        ),
        actor=CLERK,
    )
    assert n2.kubun == "2" and n2.hitsuyoryo == "hyojun"
    # when the fees of 令和7年度 are computed
    out = hoikuryo_compute(nendo=2025, actor=CLERK)
    assert not out.waiting
    fees = {
        (g.atena_id, g.month.month): (g.kaiso_no, g.tashi_order, g.amount)
        for g in HoikuryoGetsugaku.objects.all()
    }
    # April–August on 令和6年度 (所得割 60,000円: 第4階層 30,000円): the elder is 第1子,
    # the younger 第2子 at half
    assert fees[(older.pk, 4)] == (4, 1, 30_000)
    assert fees[(younger.pk, 4)] == (4, 2, 15_000)
    # the elder is 2号 from June but pays the 満3歳未満 fee until March (2歳児クラス)
    assert fees[(older.pk, 7)] == (4, 1, 30_000)
    # September–March on 令和7年度 (120,000円: 第5階層 44,500円)
    assert fees[(older.pk, 9)] == (5, 1, 44_500)
    assert fees[(younger.pk, 3)] == (5, 2, 22_250)
    assert len(fees) == 24
    # the September recompute after a 更正 of the 令和7年度 所得割 (to 50,000 → 30,000円)
    from zeimu.tests.factories import kazei_kosei

    kazei_kosei(father.pk, 2025, shotokuwari=50_000)
    again = hoikuryo_compute(nendo=2025, months=(9, 10, 11, 12, 1, 2, 3), actor=CLERK)
    assert (again.computed, again.changed) == (14, 14)
    g = HoikuryoGetsugaku.objects.get(atena_id=younger.pk, month=date(2025, 10, 1))
    assert (g.kaiso_no, g.amount, g.kazei_nendo) == (3, 9_750, 2025)
    # April stays as it was; each change has its history row
    assert HoikuryoGetsugaku.objects.get(atena_id=younger.pk, month=date(2025, 4, 1)).amount == (
        15_000
    )
    assert (
        HoikuRireki.objects.filter(action="hoikuryo_santei", atena_id=younger.pk).count() == 12 + 7
    )
    # the next 年度 the elder is in the 3歳児クラス: free
    kazei(father.pk, 2026, kyuyo=5_500_000, shotokuwari=200_000)
    kazei(mother.pk, 2026, kyuyo=900_000, shotokuwari=0)
    nintei_register(
        inp=NinteiInput(
            atena_id=younger.pk, hogosha_atena_id=father.pk, hogosha2_atena_id=mother.pk,
            kubun="3", jiyu="shuro", shuro_jikan=160,
            start_date=date(2026, 4, 1), end_date=date(2027, 3, 31),
        ),
        actor=CLERK,
    )  # fmt: skip
    hoikuryo_compute(nendo=2026, months=(4,), actor=CLERK)
    april = {g.atena_id: g for g in HoikuryoGetsugaku.objects.filter(month=date(2026, 4, 1))}
    assert (april[older.pk].mushoka, april[older.pk].amount) == (True, 0)
    # the younger (a new 3号 認定 for 令和8年度) is still 第2子: the elder, free, is a 就学前
    # child using a 保育所; April 2026 uses 令和7年度 (更正後 30,000円: 第3階層 19,500円) → half
    assert (april[younger.pk].kaiso_no, april[younger.pk].amount) == (3, 9_750)
    # and 寒川町 holds nothing of this
    connection.set_tenant(beta.municipality)
    assert not HoikuryoGetsugaku.objects.exists() and not HoikuNyusho.objects.exists()
    assert hoikuryo_compute(nendo=2025, actor=CLERK).computed == 0


def test_tenshutsu_and_death_end_nyusho_and_nintei_once(
    hayama, beta, django_capture_on_commit_callbacks
):
    father, mother, older, younger = hayama
    n = _nintei(younger, father, mother, start=date(2025, 4, 1), end=date(2026, 3, 31))
    HoikuNyusho.objects.create(
        nintei=n,
        atena_id=younger.pk,
        shisetsu=HoikuShisetsu.objects.get(code="H01"),
        start_date=date(2025, 4, 1),
    )
    hoikuryo_compute(nendo=2025, actor=CLERK)
    assert HoikuryoGetsugaku.objects.filter(atena_id=younger.pk).count() == 12
    # when the family moves out on 2025-10-20 (転出確定 on that day)
    with django_capture_on_commit_callbacks(execute=True):
        ido = jk.tenshutsu(younger, ido_date=date(2025, 10, 20), todoke_date=date(2025, 10, 20))
    # then the 入所 and the 認定 end on the 転出日, the fees after October are gone
    n.refresh_from_db()
    y = HoikuNyusho.objects.get(atena_id=younger.pk)
    assert (y.end_date, y.taisho_riyu, y.taisho_ido_id) == (date(2025, 10, 20), "転出", ido.pk)
    assert (n.shuryo_date, n.shuryo_riyu, n.shuryo_ido_id) == (date(2025, 10, 20), "転出", ido.pk)
    months = sorted(
        HoikuryoGetsugaku.objects.filter(atena_id=younger.pk).values_list("month", flat=True)
    )
    assert months[-1] == date(2025, 10, 1) and len(months) == 7
    # a redelivered event changes nothing
    assert shuryo_apply(
        atena_ids=[younger.pk], last_day=date(2025, 10, 20), riyu="転出", ido_id=ido.pk,
        actor=CLERK,
    ) == (0, 0)  # fmt: skip
    assert HoikuRireki.objects.filter(action="shuryo", atena_id=younger.pk).count() == 1
    # a recompute does not bring the months back
    hoikuryo_compute(nendo=2025, actor=CLERK)
    assert HoikuryoGetsugaku.objects.filter(atena_id=younger.pk).count() == 7
    # a death of the elder (no 認定) leaves everything else as it was
    with django_capture_on_commit_callbacks(execute=True):
        jk.shibo(older, ido_date=date(2025, 11, 2))
    assert HoikuRireki.objects.filter(action="shuryo").count() == 1
    connection.set_tenant(beta.municipality)
    assert not HoikuRireki.objects.exists()


def test_screens_pdf_and_shisan_api_in_two_towns(hayama, alpha, beta, login):
    father, mother, _older, younger = hayama
    n = _nintei(younger, father, mother, start=date(2025, 4, 1), end=date(2026, 3, 31))
    moshikomi_register(
        nintei_id=n.pk, uketsuke_no=7, uketsuke_date=date(2025, 1, 10),
        kibo_month=date(2025, 4, 1), kibo_codes=["H01"], actor=CLERK,
    )  # fmt: skip
    chosei_run(month=date(2025, 4, 1), actor=CLERK)
    hoikuryo_compute(nendo=2025, months=(4,), actor=CLERK)
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    # the screens show words, the figures and the child
    r = clerk.get("/fukushi/kodomo-kosodate/")
    body = r.content.decode()
    assert r.status_code == 200 and "3号認定（満3歳未満・保育）" in body and "保坂　二郎" in body
    assert (
        "堀内保育園" in clerk.get("/fukushi/kodomo-kosodate/shisetsu/?nendo=2025").content.decode()
    )
    r = clerk.get("/fukushi/kodomo-kosodate/chosei/?nendo=2025&month=4")
    assert "入所決定" in r.content.decode()
    r = clerk.get("/fukushi/hoikuryo/?nendo=2025&month=4")
    assert "30,000円" in r.content.decode() and "令和6年度" in r.content.decode()
    # the 決定通知書 reads back with the fee and the 保護者
    r = clerk.get(f"/fukushi/hoikuryo/tsuchi/{n.pk}/?nendo=2025")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = "".join(pdf_pages(r.content))
    assert "保育料（利用者負担額）決定通知書" in text and "30,000円" in text and "保坂" in text
    # the 試算 API: a one-year-old, 所得割 60,000円, 保育短時間 → 29,600円; saves nothing
    r = clerk.post(
        "/api/v1/fukushi/hoikuryo/shisan/",
        json.dumps(
            {
                "nendo": 2025, "month": 7, "birth": "2024-05-10", "hitsuyoryo": "tanjikan",
                "shotokuwari": 60_000,
            }
        ),
        content_type="application/json",
    )  # fmt: skip
    assert r.status_code == 200, r.content
    assert (r.json()["kaiso"], r.json()["amount"]) == (4, 29_600)
    # a birth after the month is refused with the platform's error body
    r = clerk.post(
        "/api/v1/fukushi/hoikuryo/shisan/",
        json.dumps({"nendo": 2025, "month": 4, "birth": "2025-06-01", "hitsuyoryo": "hyojun"}),
        content_type="application/json",
    )
    assert (r.status_code, r.json()) == (422, {"input": ["生年月日がその月より後です。"]})
    # the screen 試算 answers too
    r = clerk.post(
        "/fukushi/hoikuryo/shisan/",
        {"nendo": "2025", "month": "7", "birth": "R4.6.15", "hitsuyoryo": "hyojun",
         "shotokuwari": "397000", "kyodai1": "R2.5.1"},
    )  # fmt: skip
    assert "52,000円" in r.content.decode()  # 第8階層 104,000円, 第2子 half
    # 寒川町's clerk sees none of it and cannot print 葉山町's child
    other = login("samukawa-clerk", BETA_HOST)
    assert "保坂" not in other.get("/fukushi/kodomo-kosodate/").content.decode()
    assert other.get(f"/fukushi/hoikuryo/tsuchi/{n.pk}/?nendo=2025").status_code == 404
    # 葉山町's access log has the clerk's reads of the child; 寒川町's has no 保育 row
    connection.set_tenant(alpha.municipality)
    assert AccessLog.objects.filter(screen="fukushi.hoikuryo_tsuchi_pdf").count() == 1
    connection.set_tenant(beta.municipality)
    seen = AccessLog.objects.filter(screen__startswith="fukushi.hoiku")
    # its own list of 認定 was empty: nothing read, nothing logged (skip_empty), and
    # nothing of 葉山町's child anywhere in its log
    assert not seen.exists()
    assert not AccessLog.objects.filter(record_id=str(younger.pk)).exists()
    assert not HoikuNintei.objects.exists()
