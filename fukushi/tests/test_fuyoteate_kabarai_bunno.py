"""児童扶養手当 返還金の分割納付 (履行延期の特約, 地方自治法施行令第171条の6第1項「当該債権の
金額を適宜分割して履行期限を定めることを妨げない」), in two towns (葉山町 = alpha, 寒川町 =
beta): the plan on the 申出, the 納付書 of each 回, payments put to the 回 in order, the
不履行 listed, the plan cancelled (the rest due at once) and the 督促 then possible.

Sources of the rules: 常陸大宮市「児童扶養手当の過誤払等による返納金等に関する事務取扱要綱」
第4条 (分割納付の申出, 履行期限の翌日から5年以内)
https://www.city.hitachiomiya.lg.jp/reiki_int/reiki_honbun/r064RG00001621.html , 港区
「児童扶養手当過誤払金収納管理要領」第4条 (5年を限度, 月賦)
http://www.city.minato.tokyo.jp/reiki/reiki_honbun/g104RG00001276.html , 隠岐の島町
「児童扶養手当過誤払返還金債権管理要綱」第4条 (履行延期の特約)
https://www.town.okinoshima.shimane.jp/reiki/reiki_honbun/r074RG00000653.html .

The figures are the plan's own arithmetic (no published worked example of a plan was found):
寒川町's 返還金 93,380円 (test_fuyoteate_kabarai_tokusoku.py: 46,690円 × 9月分・10月分) in 10
回 of 9,400円 — 9 × 9,400 = 84,600, the 10th 8,780円; 初回 2026-01-31 (土) → 2月2日 (月); the
same day each month, clamped to the month's end and moved to the next 開庁日: 2月28日 (土) →
3月2日, 3月31日, 4月30日, 5月31日 (日) → 6月1日, …, 10月31日 (土) → 11月2日.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from fukushi.models import (
    FuyoKabarai,
    FuyoKabaraiBunno,
    FuyoKabaraiBunnoJotai,
    FuyoKabaraiJotai,
    FuyoKabaraiTokusoku,
    FuyoRireki,
)
from fukushi.rules.fuyoteate_bunno import bunno_errors, bunno_plan, monthly_due
from fukushi.services.fuyoteate import FuyoteateRefused
from fukushi.services.fuyoteate_kabarai import kabarai_nofu
from fukushi.services.fuyoteate_kabarai_bunno import (
    bunno_moushide,
    bunno_nofusho,
    bunno_torikeshi,
    furikou_list,
    max_kaisu,
)
from fukushi.services.fuyoteate_kabarai_tokusoku import kabarai_tokusoku, tokusoku_taisho
from fukushi.tests.test_fuyoteate_kabarai_tokusoku import _in, _kabarai
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.holidays import next_business_day
from tenants.testing.pdf import pdf_pages
from tenants.wareki import format_wareki
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db

A_CLERK = "hayama-clerk"
B_CLERK = "samukawa-clerk"

NOUKI = [
    date(2026, 2, 2),
    date(2026, 3, 2),
    date(2026, 3, 31),
    date(2026, 4, 30),
    date(2026, 6, 1),
    date(2026, 6, 30),
    date(2026, 7, 31),
    date(2026, 8, 31),
    date(2026, 9, 30),
    date(2026, 11, 2),
]


@pytest.fixture
def towns(world, django_capture_on_commit_callbacks):
    from fukushi.tests.test_fuyoteate_kabarai_tokusoku import A_CLERK as A
    from fukushi.tests.test_fuyoteate_kabarai_tokusoku import B_CLERK as B

    capture = django_capture_on_commit_callbacks
    connection.set_tenant(world.beta.municipality)
    with connection.cursor() as cur:
        cur.execute("SELECT setval(pg_get_serial_sequence('fukushi_fuyokabaraibunno', 'id'), 100)")
    b = _kabarai(world.beta, "samukawa", "佐藤", "サトウ", 1_000_000, B, capture)
    a = _kabarai(world.alpha, "hayama", "山田", "ヤマダ", 1_500_000, A, capture)
    connection.set_schema_to_public()
    return {"a": a, "b": b, "A": A, "B": B}


def _shift(d: date) -> date:
    return next_business_day(d, inclusive=True)


def test_the_plan_arithmetic_and_its_dues(world):
    connection.set_tenant(world.beta.municipality)
    assert monthly_due(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert monthly_due(date(2026, 1, 31), 13) == date(2027, 2, 28)
    plan = bunno_plan(93_380, 10, 9_400, date(2026, 1, 31), _shift)
    assert [x.gaku for x in plan] == [9_400] * 9 + [8_780]
    assert sum(x.gaku for x in plan) == 93_380
    assert [x.nouki for x in plan] == NOUKI
    assert [x.kai for x in plan] == list(range(1, 11))
    # amounts that do not add up, and the town's cap (既定 60回 = 5年)
    assert max_kaisu(date(2025, 12, 10)) == 60
    assert bunno_errors(93_380, 10, 9_400, 60) == []
    assert "足りません" in bunno_errors(93_380, 10, 9_000, 60)[0][1]
    assert "9回以内" in bunno_errors(93_380, 10, 10_400, 60)[0][1]
    assert "60回まで" in bunno_errors(93_380, 61, 1_600, 60)[0][1]
    assert "2回以上" in bunno_errors(93_380, 1, 93_380, 60)[0][1]


def test_plan_payments_in_order_furikou_torikeshi_then_tokusoku(world, towns):
    B = towns["B"]
    connection.set_tenant(world.beta.municipality)
    k = FuyoKabarai.objects.get()
    assert (k.gaku, k.nouki) == (93_380, date(2025, 12, 25))
    # refused: amounts short, 初回 before the 申出, 申出 before the 決定 (nothing written)
    with pytest.raises(FuyoteateRefused, match="足りません"):
        bunno_moushide(kabarai=k, moushide_date=date(2025, 12, 10), kaisu=10, maikai_gaku=9_000,
                       shokai_nouki=date(2026, 1, 31), actor=B)  # fmt: skip
    with pytest.raises(FuyoteateRefused, match="初回の納期限が申出日より前"):
        bunno_moushide(kabarai=k, moushide_date=date(2025, 12, 10), kaisu=10, maikai_gaku=9_400,
                       shokai_nouki=date(2025, 12, 9), actor=B)  # fmt: skip
    with pytest.raises(FuyoteateRefused, match="決定日より前"):
        bunno_moushide(kabarai=k, moushide_date=date(2025, 11, 1), kaisu=10, maikai_gaku=9_400,
                       shokai_nouki=date(2026, 1, 31), actor=B)  # fmt: skip
    assert FuyoKabaraiBunno.objects.count() == 0
    plan = bunno_moushide(kabarai=k, moushide_date=date(2025, 12, 10), kaisu=10,
                          maikai_gaku=9_400, shokai_nouki=date(2026, 1, 31), actor=B)  # fmt: skip
    assert (plan.zan, plan.shokai_nouki, plan.moto_nouki) == (
        93_380, date(2026, 2, 2), date(2025, 12, 25))  # fmt: skip
    assert [(x.kai, x.gaku, x.nouki) for x in plan.ki.all()] == [
        (i + 1, 9_400 if i < 9 else 8_780, d) for i, d in enumerate(NOUKI)
    ]
    with pytest.raises(FuyoteateRefused, match="分割納付中です"):
        bunno_moushide(kabarai=k, moushide_date=date(2025, 12, 11), kaisu=2, maikai_gaku=50_000,
                       shokai_nouki=date(2026, 1, 31), actor=B)  # fmt: skip
    # under the plan the 返還金's own 納期限 (2025-12-25) asks for no 督促
    assert list(tokusoku_taisho(date(2026, 1, 5))) == []
    with pytest.raises(FuyoteateRefused, match="分割納付中の返還金は督促しません"):
        kabarai_tokusoku(kabarai=k, tokusoku_date=date(2026, 1, 5), actor=B)
    # payments go to the 回 in order: 第1回 in full, 5,000円 of 第2回
    kabarai_nofu(kabarai=k, gaku=9_400, nofu_date=date(2026, 1, 30), actor=B)
    k = kabarai_nofu(kabarai=k, gaku=5_000, nofu_date=date(2026, 3, 1), actor=B)
    assert [x.nofu_gaku for x in plan.ki.all()][:3] == [9_400, 5_000, 0]
    assert k.nofu_gaku == 14_400 and k.jotai == FuyoKabaraiJotai.MINO
    # the 納付書 of each 回 not paid: 9 pages, 第2回 for the 4,400円 it lacks
    pages = pdf_pages(bunno_nofusho(bunno=plan, hakko_date=date(2026, 3, 1), actor=B))
    assert len(pages) == 9
    assert "納付額（第2回／全10回）第2回の納期限" in pages[0]
    assert "93,380円14,400円4,400円令和8年3月2日" in pages[0]
    assert pages[0].count("佐藤花子様") == 3 and "山田" not in pages[0]
    assert "第10回の納期限93,380円14,400円8,780円令和8年11月2日" in pages[-1]
    (page,) = pdf_pages(bunno_nofusho(bunno=plan, hakko_date=date(2026, 3, 1), actor=B, kai=3))
    assert "第3回の納期限93,380円14,400円9,400円令和8年3月31日" in page
    with pytest.raises(FuyoteateRefused, match="未納の回がありません"):
        bunno_nofusho(bunno=plan, hakko_date=date(2026, 3, 1), actor=B, kai=1)
    assert AccessLog.objects.filter(screen="fukushi.fuyoteate_kabarai_nofusho",
                                    action="print").count() == 2  # fmt: skip
    # 不履行: 第2回 unpaid after its 納期限 (not on the day itself)
    assert list(furikou_list(date(2026, 3, 2))) == []
    assert list(furikou_list(date(2026, 3, 3))) == [plan]
    # no 不履行 on 3月2日: the plan cannot be cancelled then (nothing written)
    with pytest.raises(FuyoteateRefused, match="不履行ではありません"):
        bunno_torikeshi(bunno=plan, torikeshi_date=date(2026, 3, 2), riyu="第2回未納", actor=B)
    plan = bunno_torikeshi(bunno=plan, torikeshi_date=date(2026, 3, 10), riyu="第2回未納",
                           actor=B)  # fmt: skip
    assert plan.jotai == FuyoKabaraiBunnoJotai.TORIKESHI
    k.refresh_from_db()
    assert k.nouki == date(2026, 3, 10)  # the rest due at once
    assert list(furikou_list(date(2026, 3, 11))) == []
    # the 督促 of the rest from the next day: 93,380 − 14,400 = 78,980円
    with pytest.raises(FuyoteateRefused, match="過ぎていない"):
        kabarai_tokusoku(kabarai=k, tokusoku_date=date(2026, 3, 10), actor=B)
    assert list(tokusoku_taisho(date(2026, 3, 11))) == [k]
    t = kabarai_tokusoku(kabarai=k, tokusoku_date=date(2026, 3, 11), actor=B)
    assert t.zan == 78_980
    with pytest.raises(FuyoteateRefused, match="分割納付中ではありません"):
        bunno_nofusho(bunno=plan, hakko_date=date(2026, 3, 12), actor=B)
    assert FuyoRireki.objects.filter(kind="kabarai_bunno").count() == 2
    # 葉山町 sees none of it
    connection.set_tenant(world.alpha.municipality)
    assert FuyoKabaraiBunno.objects.count() == 0
    assert list(furikou_list(date(2026, 12, 31))) == []
    assert FuyoKabaraiTokusoku.objects.count() == 0


def test_a_plan_paid_off_is_kanryo_in_its_own_town(world, towns):
    A = towns["A"]
    connection.set_tenant(world.alpha.municipality)
    k = FuyoKabarai.objects.get()
    assert k.gaku == 80_520
    plan = bunno_moushide(kabarai=k, moushide_date=date(2025, 12, 1), kaisu=2, maikai_gaku=40_260,
                          shokai_nouki=date(2025, 12, 25), actor=A)  # fmt: skip
    assert [(x.gaku, x.nouki) for x in plan.ki.all()] == [
        (40_260, date(2025, 12, 25)), (40_260, date(2026, 1, 26))]  # 1月25日は日曜  # fmt: skip
    k = kabarai_nofu(kabarai=k, gaku=50_000, nofu_date=date(2025, 12, 20), actor=A)
    assert [x.nofu_gaku for x in plan.ki.all()] == [40_260, 9_740]
    assert list(furikou_list(date(2026, 1, 27))) == [plan]
    k = kabarai_nofu(kabarai=k, gaku=30_520, nofu_date=date(2026, 1, 20), actor=A)
    plan.refresh_from_db()
    assert k.jotai == FuyoKabaraiJotai.KANNO and plan.jotai == FuyoKabaraiBunnoJotai.KANRYO
    assert list(furikou_list(date(2026, 2, 1))) == []
    with pytest.raises(FuyoteateRefused, match="完納した返還金は分割納付にできません"):
        bunno_moushide(kabarai=k, moushide_date=date(2026, 1, 21), kaisu=2, maikai_gaku=1,
                       shokai_nouki=date(2026, 1, 31), actor=A)  # fmt: skip
    # 寒川町's 返還金 is untouched: no plan, nothing paid
    connection.set_tenant(world.beta.municipality)
    assert FuyoKabaraiBunno.objects.count() == 0
    assert FuyoKabarai.objects.get().nofu_gaku == 0


def test_bunno_screens_in_two_towns(world, towns, login):
    """寒川町's clerk splits 佐藤's 返還金 on the 過払 page, prints a 回's 納付書, finds the plan
    on the 不履行 list (its 回 are past due by today) and cancels it; 葉山町 reaches none of
    it (404) and lists nothing; a 閲覧者 may write nothing (403); refused input writes
    nothing."""
    k = towns["b"]
    base = "/fukushi/jido-fuyo-teate"
    other = login(B_CLERK, BETA_HOST)
    url = f"{base}/{k.jukyusha_id}/kabarai/{k.pk}/bunno/"
    form = {"moushide_date": "令和7年12月10日", "kaisu": "10", "maikai_gaku": "9400",
            "shokai_nouki": "令和8年1月31日"}  # fmt: skip
    # refused input: the 回数 missing, or the amounts short — nothing written
    r = other.post(url, {**form, "kaisu": ""}, follow=True)
    assert "回数" in r.content.decode()
    r = other.post(url, {**form, "maikai_gaku": "9000"}, follow=True)
    assert "足りません" in r.content.decode()
    assert _in(world.beta, lambda: FuyoKabaraiBunno.objects.count()) == 0
    clerk = login(A_CLERK, ALPHA_HOST)
    assert clerk.post(url, form).status_code == 404
    viewer = login("hayama-viewer", ALPHA_HOST)
    a = towns["a"]
    assert viewer.post(f"{base}/{a.jukyusha_id}/kabarai/{a.pk}/bunno/", form).status_code == 403
    page = other.post(url, form, follow=True).content.decode()
    assert "分割納付にしました：10回、初回の納期限 令和8年2月2日" in page
    assert "第10回" in page and "8,780円" in page and "不履行（納期限を過ぎて未納）" in page
    plan = _in(world.beta, lambda: FuyoKabaraiBunno.objects.get())
    assert plan.pk == 101
    # a 回's 納付書
    r = other.post(f"{base}/{k.jukyusha_id}/bunno/{plan.pk}/nofusho/", {"kai": "2"})
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    (text,) = pdf_pages(r.content)
    assert "第2回の納期限93,380円0円9,400円令和8年3月2日" in text
    assert text.count("佐藤花子様") == 3
    assert clerk.post(f"{base}/{k.jukyusha_id}/bunno/{plan.pk}/nofusho/").status_code == 404
    # the 不履行 list: 寒川町 shows 佐藤, 葉山町 shows nothing of hers
    page = other.get(f"{base}/henkankin/furikou/").content.decode()
    assert "佐藤　花子" in page and "93,380円" in page and "第1回（納期限 令和8年2月2日）" in page
    logged = AccessLog.objects.filter(screen="fukushi.fuyoteate_kabarai_furikou")
    assert _in(world.beta, lambda: logged.count()) == 1
    alpha_page = clerk.get(f"{base}/henkankin/furikou/").content.decode()
    assert "佐藤" not in alpha_page and "不履行の分割納付はありません" in alpha_page
    # the cancellation: 葉山町 404, 閲覧者 403, a reason is needed; then the rest is due today
    torikeshi = f"{base}/{k.jukyusha_id}/bunno/{plan.pk}/torikeshi/"
    today = timezone.localdate()
    cancel = {"torikeshi_date": format_wareki(today), "riyu": "第1回から未納"}
    assert clerk.post(torikeshi, cancel).status_code == 404
    r = other.post(torikeshi, {**cancel, "riyu": ""}, follow=True)
    assert "取消の理由" in r.content.decode()
    assert _in(world.beta, lambda: FuyoKabaraiBunno.objects.get().jotai) == "keizoku"
    page = other.post(torikeshi, cancel, follow=True).content.decode()
    assert "分割納付を取り消しました" in page and "督促する（督促状 PDF）" not in page
    assert _in(world.beta, lambda: FuyoKabarai.objects.get().nouki) == today
    assert _in(world.alpha, lambda: FuyoKabaraiBunno.objects.count()) == 0
