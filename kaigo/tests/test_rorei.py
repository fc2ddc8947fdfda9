"""老齢福祉年金の受給 (介護保険法施行令第39条第1項第1号イ): a clerk enters it on the person's
page from the 年金証書 (登録, 受給終了, 取消, each with a history row and an access-log row);
with a 世帯全員非課税 household it puts the 第1号保険料 at the 第1段階 (the 賦課期日's 受給) —
through the 本算定 and, for a year already assessed, the 更正候補 sweep and the 更正 — and the
負担限度額 判定 reads it. A viewer and 寒川町's staff change nothing."""

from __future__ import annotations

from datetime import date

import pytest

from kaigo.fuka_jobs import HONSANTEI, KOSEI_SWEEP
from kaigo.models import (
    FukaKoseiCause,
    KaigoFuka,
    KaigoKoseiKoho,
    RoreiFukushiNenkin,
    RoreiFukushiNenkinRireki,
)
from kaigo.services.fuka import kosei_apply
from kaigo.services.futan_gendogaku import gendogaku_hantei_run, gendogaku_shinsei
from kaigo.services.rorei import RoreiRefused, rorei_shuryo, rorei_toroku
from kaigo.tests.factories import elders, tennyu
from kaigo.tests.fuka_helpers import ACTOR, alone, hikazei, run_job, set_table
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tests.personas import ALPHA_HOST
from zeimu.tests.factories import kazei_set

pytestmark = pytest.mark.django_db

FY = 2025


def test_screen_registers_ends_and_cancels_with_history(
    world, login, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(world.alpha.municipality)
    p = alone(cap, "福祉　年金", "フクシ　ネンキン", "1910-05-01")
    connection.set_schema_to_public()
    url = f"/kaigo/person/{p.pk}/rorei/"
    form = {"kaishi_date": "昭和45年4月1日", "kakunin": "shosho", "shorui": "第1234号"}
    # a viewer and 寒川町's clerk (応援職員 of 葉山町 for 住民記録 only) are refused
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert viewer.post(url, form).status_code == 403
    helper = login("samukawa-clerk", ALPHA_HOST)
    assert helper.post(url, form).status_code == 403
    connection.set_tenant(world.alpha.municipality)
    assert not RoreiFukushiNenkin.objects.exists()
    connection.set_schema_to_public()
    # the clerk registers it; a control character in the 書類 is refused
    clerk = login("hayama-clerk", ALPHA_HOST)
    r = clerk.post(url, {**form, "shorui": "第1234号\x00"}, follow=True)
    assert "使えない制御文字" in r.content.decode()
    r = clerk.post(url, form)
    assert r.status_code == 302
    page = clerk.get(f"/kaigo/person/{p.pk}/").content.decode()
    assert "昭和45年4月1日" in page and "年金証書" in page and "受給中" in page
    connection.set_tenant(world.alpha.municipality)
    row = RoreiFukushiNenkin.objects.get()
    assert (row.atena_id, row.kaishi_date, row.shorui) == (p.pk, date(1970, 4, 1), "第1234号")
    connection.set_schema_to_public()
    # the end, then a 取消 without a reason (refused) and with one
    koshin = f"/kaigo/person/{p.pk}/rorei/koshin/"
    clerk.post(koshin, {"record": row.pk, "action": "shuryo", "shuryo_date": "令和8年3月31日"})
    r = clerk.post(koshin, {"record": row.pk, "action": "torikeshi", "riyu": ""}, follow=True)
    assert "取消の理由を入力してください。" in r.content.decode()
    clerk.post(koshin, {"record": row.pk, "action": "torikeshi", "riyu": "別人の証書"})
    connection.set_tenant(world.alpha.municipality)
    row.refresh_from_db()
    assert (row.shuryo_date, row.torikeshi) == (date(2026, 3, 31), True)
    hist = RoreiFukushiNenkinRireki.objects.filter(record=row).order_by("id")
    assert [(h.kind, h.actor) for h in hist] == [
        ("toroku", "hayama-clerk"),
        ("shuryo", "hayama-clerk"),
        ("torikeshi", "hayama-clerk"),
    ]
    logs = AccessLog.objects.filter(record_type="kaigo.RoreiFukushiNenkin", record_id=str(row.pk))
    assert logs.count() == 3
    # 寒川町 holds nothing of it
    connection.set_tenant(world.beta.municipality)
    assert not RoreiFukushiNenkin.objects.exists()
    assert not AccessLog.objects.filter(record_type="kaigo.RoreiFukushiNenkin").exists()


def test_rorei_puts_a_hikazei_household_at_dai1_through_honsantei_and_kosei(
    alpha, beta, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    # given 寒川町 with a 非課税 person (第2段階), not a 受給者
    connection.set_tenant(beta.municipality)
    set_table()
    other = alone(cap, "寒川　太郎", "サムカワ　タロウ", "1910-05-01", town="samukawa")
    hikazei(other.pk, FY, 1_000_000)
    # and in 葉山町: A alone and 非課税 (第2段階), a 受給者 from before the 賦課期日; B 非課税
    # but with a 課税 son (第5段階) and a 受給者; C alone and 非課税, whose 受給 is entered
    # after the 本算定
    connection.set_tenant(alpha.municipality)
    set_table()
    a = alone(cap, "福祉　一", "フクシ　ハジメ", "1910-05-01")
    hikazei(a.pk, FY, 1_000_000)
    _, (husband, wife, son) = tennyu(cap, members=elders(), day=date(2020, 4, 1))
    hikazei(husband.pk, FY, 1_000_000)
    hikazei(wife.pk, FY, 1_000_000)
    kazei_set(son.pk, FY, kyuyo=3_000_000)
    c = alone(cap, "福祉　三", "フクシ　サブロウ", "1910-06-01")
    hikazei(c.pk, FY, 1_000_000)
    rorei_toroku(atena_id=a.pk, kaishi_date=date(1976, 4, 1), kakunin="shosho", shorui="",
                 actor=ACTOR)  # fmt: skip
    rorei_toroku(atena_id=husband.pk, kaishi_date=date(1976, 4, 1), kakunin="tsuchi", shorui="",
                 actor=ACTOR)  # fmt: skip
    # a 受給 that ended the day before the 賦課期日 does not count
    rorei_toroku(atena_id=wife.pk, kaishi_date=date(1976, 4, 1), kakunin="shosho", shorui="",
                 actor=ACTOR)  # fmt: skip
    old = RoreiFukushiNenkin.objects.get(atena_id=wife.pk)
    rorei_shuryo(atena_id=wife.pk, record_id=old.pk, shuryo_date=date(2025, 3, 31), riyu="",
                 actor=ACTOR)  # fmt: skip
    with pytest.raises(RoreiRefused):  # overlapping 受給 refused
        rorei_toroku(atena_id=a.pk, kaishi_date=date(1990, 1, 1), kakunin="shosho", shorui="",
                     actor=ACTOR)  # fmt: skip
    # when the 本算定 of 令和7年度 runs
    run_job(cap, HONSANTEI, fiscal_year=FY, kijun_date="2025-07-01")
    got = {f.atena_id: (f.dankai, f.hokenryo) for f in KaigoFuka.objects.all()}
    # then A is at the 第1段階 (17,100), the 課税 household is not (第4段階 54,000 for
    # 100万円 of pension over 80.9万 is 第5段階 60,000), C at the 第2段階 (26,100)
    assert got[a.pk] == (1, 17_100)
    assert got[husband.pk] == (5, 60_000)
    assert got[wife.pk] == (5, 60_000)
    assert got[c.pk] == (2, 26_100)
    fa = KaigoFuka.objects.get(atena_id=a.pk)
    assert fa.detail["result"]["riyu"] == "世帯全員が住民税非課税で老齢福祉年金を受給"
    assert "rorei_fukushi_nenkin" not in KaigoFuka.objects.get(atena_id=wife.pk).detail["input"]
    # when C's 受給 (from 1976) is entered after the 本算定, the sweep and the 更正 follow
    rorei_toroku(atena_id=c.pk, kaishi_date=date(1976, 6, 1), kakunin="shosho", shorui="",
                 actor=ACTOR)  # fmt: skip
    run_job(cap, KOSEI_SWEEP, fiscal_year=FY)
    koho = KaigoKoseiKoho.objects.get(atena_id=c.pk)
    assert (koho.cause, koho.hokenryo_before, koho.hokenryo_after) == (
        FukaKoseiCause.ROREI, 26_100, 17_100,
    )  # fmt: skip
    row = kosei_apply(koho_id=koho.pk, reason="年金証書を確認", actor=ACTOR, on=date(2025, 8, 1))
    assert (row.version, row.dankai, row.hokenryo) == (2, 1, 17_100)
    # and the 負担限度額 判定 of A reads it (第1段階 up to 1,000万円 of savings)
    n = gendogaku_shinsei(atena_id=a.pk, shinsei_date=date(2025, 9, 1), yochokin=9_000_000,
                          actor=ACTOR)  # fmt: skip
    n = gendogaku_hantei_run(nintei_id=n.pk, actor=ACTOR)
    assert (n.dankai, n.rorei_fukushi_nenkin) == ("dai1", True)
    # 寒川町: its own person at the 第2段階, nothing of 葉山町's records
    connection.set_tenant(beta.municipality)
    run_job(cap, HONSANTEI, fiscal_year=FY)
    assert KaigoFuka.objects.get(atena_id=other.pk).dankai == 2
    assert not RoreiFukushiNenkin.objects.exists()
