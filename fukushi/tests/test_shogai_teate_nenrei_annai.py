"""障害児福祉手当・特別児童扶養手当 end when the child reaches 20 (the list, the end once, the
payment run's pre-step), the 再認定 (有期認定) 案内 (list, single and mass PDF read back) and
the 支払通知書 of a payment run (mass PDF read back), behind the 手帳 grant, purpose-logged,
two towns.

The month rule: the child reaches 20 on the day before the 20th birthday (年齢計算ニ関スル
法律, 民法第143条: tenants/age.py) and 支給 ends with the month of that day (法第5条の2第1項,
「手当を支給すべき事由が消滅した日の属する月で終わる」, worded as 児童扶養手当法第7条第1項);
no ministry page stating the month was found (未確認, fukushi/rules/shogai_teate.py). Amounts:
障害児福祉手当 令和7年度 16,100円 (月形町 https://www.town.tsukigata.hokkaido.jp/page/1702.html),
特別障害者手当 29,590円 and 特別児童扶養手当 2級 37,830円 as in test_shogai_teate_cases.py.
"""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.models import ShogaiTeate, ShogaiTeateJotai, ShogaiTeateRireki
from fukushi.printjobs_shogai_teate_annai import sainintei_list
from fukushi.services.shogai_teate import (
    SeikyuInput,
    shiharai_run,
    teate_hantei_of,
    teate_nintei,
    teate_seikyu,
)
from fukushi.services.shogai_teate_nenrei import nenrei_taisho, teate_nenrei_shuryo
from fukushi.tests.test_shogai_teate_cases import (
    ACCOUNT,
    ACTOR,
    BASE,
    IRAININ,
    adult,
    fam,
    tokujifu,
    tokusho,
)
from juminkiroku.tests.factories import family, household_tennyu
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.testing.pdf import pdf_pages
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.tests.factories import kazei

pytestmark = pytest.mark.django_db


def shoji(town: str, shimei: str, birth: str, seikyu: date = date(2025, 4, 10)) -> ShogaiTeate:
    """A 障害児福祉手当 認定 of a child born on ``birth`` (paid from the month after)."""
    c = adult(town, shimei=shimei, birth=birth)
    t = teate_seikyu(SeikyuInput("shogaiji_fukushi", c.pk, c.pk, seikyu, ACCOUNT), actor=ACTOR)
    return teate_nintei(
        pk=t.pk, kettei_date=seikyu, shogai_teido="別表第1の該当", shindansho_date=seikyu,
        sainintei_date=None, actor=ACTOR,
    )  # fmt: skip


def tokujifu_of_child(town: str, surname: str, child_birth: str) -> ShogaiTeate:
    members = family(surname)
    members[2]["birth_date"] = child_birth
    _, (_taro, hanako, child) = household_tennyu(town, members=members, ido_date=date(2020, 4, 1))
    return tokujifu(hanako.pk, child.pk, seikyu=date(2025, 6, 15))


# --- 20歳到達 -------------------------------------------------------------------------------


def test_children_reaching_20_end_once_to_the_month_they_reach_it(alpha, beta):
    # given 寒川町: a child who reached 20 on 令和8年2月28日 (born 平成18年3月1日)
    connection.set_tenant(beta.municipality)
    b = shoji("samukawa", "寒川　到達", "2006-03-01")
    for fy in (2024, 2025):
        kazei(b.atena_id, fy, kyuyo=0)
    # and 葉山町: 障害児福祉手当 of a child born 平成18年4月2日 (20 on 令和8年4月1日), another
    # born 平成18年5月2日 (20 on 令和8年5月1日); 特別児童扶養手当 of a child born 平成18年4月1日
    # (20 on 令和8年3月31日); a 特別障害者手当 (an adult: never ended here)
    connection.set_tenant(alpha.municipality)
    april = shoji("hayama", "四月　二日", "2006-04-02")
    may = shoji("hayama", "五月　二日", "2006-05-02")
    toku = tokujifu_of_child("hayama", "到達", "2006-04-01")
    adult_case = tokusho(adult("hayama").pk)
    kazei(april.atena_id, 2025, kyuyo=0)
    # the month of reaching 20 is still paid, the next is not
    assert teate_hantei_of(april, date(2026, 4, 1)).result.kekka == "支給"
    h = teate_hantei_of(april, date(2026, 5, 1))
    assert h.result.riyu == ("20歳以上のため障害児福祉手当の対象ではありません",)

    # when the list is read on 令和8年4月30日: by the day they reach 20, the May child not yet
    listed = nenrei_taisho(date(2026, 4, 30))
    assert [(n.teate_id, n.totatsu_bi, n.saishu_tsuki) for n in listed] == [
        (toku.pk, date(2026, 3, 31), date(2026, 3, 1)),
        (april.pk, date(2026, 4, 1), date(2026, 4, 1)),
    ]
    assert listed[1].annai == "特別障害者手当は、改めて認定請求（診断書の提出）が必要です。"
    assert listed[0].annai == ""
    assert ShogaiTeate.objects.filter(jotai=ShogaiTeateJotai.NINTEI).count() == 4  # reads only
    ended = teate_nenrei_shuryo(kijun=date(2026, 4, 30), actor=ACTOR)

    # then both end with 20歳到達, paid to that month, each with one history row
    assert [n.teate_id for n in ended] == [toku.pk, april.pk]
    for case, month in ((toku, date(2026, 3, 1)), (april, date(2026, 4, 1))):
        case.refresh_from_db()
        assert (case.jotai, case.shikkaku_jiyu, case.shikyu_shuryo) == (
            ShogaiTeateJotai.SHIKKAKU, "nenrei", month,
        )  # fmt: skip
    assert april.shikkaku_date == date(2026, 4, 1)
    last = april.rireki.order_by("pk").last()
    assert last is not None and last.naiyo == (
        "資格喪失：20歳到達（令和8年4月1日）令和8年4月分で支給終了。"
        "特別障害者手当は、改めて認定請求（診断書の提出）が必要です。"
    )
    assert (
        toku.rireki.order_by("pk")
        .last()
        .naiyo.startswith(  # type: ignore[union-attr]
            "資格喪失：対象の児童が20歳到達（令和8年3月31日）令和8年3月分で支給終了"
        )
    )
    assert AccessLog.objects.filter(
        record_type="fukushi.ShogaiTeate", screen="fukushi.shogai_teate", action="update",
        record_id__in=[str(toku.pk), str(april.pk)], detail__kind="nenrei",
    ).count() == 2  # fmt: skip
    # run again: nothing more
    rows = ShogaiTeateRireki.objects.count()
    assert teate_nenrei_shuryo(kijun=date(2026, 4, 30), actor=ACTOR) == []
    assert ShogaiTeateRireki.objects.count() == rows
    for case in (may, adult_case):
        case.refresh_from_db()
        assert case.jotai == ShogaiTeateJotai.NINTEI
    # 寒川町's child was not touched by 葉山町's run
    connection.set_tenant(beta.municipality)
    b.refresh_from_db()
    assert b.jotai == ShogaiTeateJotai.NINTEI

    # when 寒川町 makes its 令和8年5月 payment, the pre-step ends its child first
    out = shiharai_run(
        shiharai_tsuki=date(2026, 5, 1), shiharai_date=date(2026, 5, 11), irainin=IRAININ,
        actor=ACTOR,
    )  # fmt: skip
    # then the case ends with 令和8年2月 and the run pays 令和7年5月〜令和8年2月 (late months
    # included), nothing after
    assert [n.teate_id for n in out.nenrei] == [b.pk]
    b.refresh_from_db()
    assert (b.jotai, b.shikyu_shuryo) == (ShogaiTeateJotai.SHIKKAKU, date(2026, 2, 1))
    months = list(b.shiharai.order_by("tsuki").values_list("tsuki", flat=True))
    assert months[0] == date(2025, 5, 1) and months[-1] == date(2026, 2, 1)
    assert (out.shiharai.kensu, out.shiharai.gokei) == (1, 16_100 * 10)
    connection.set_tenant(alpha.municipality)
    may.refresh_from_db()
    assert may.jotai == ShogaiTeateJotai.NINTEI
    connection.set_schema_to_public()


def test_the_20_screen_lists_ends_and_stays_behind_the_grant(alpha, beta, login):
    connection.set_tenant(alpha.municipality)
    t = shoji("hayama", "画面　到達", "2006-04-02")
    connection.set_schema_to_public()
    s = login("hayama-shinsa", ALPHA_HOST)
    form = {"mokuteki": "20歳到達の確認", "kijun": "令和8年4月30日", "action": "hyoji"}
    r = s.post(f"{BASE}/nenrei/", form)
    html = r.content.decode()
    assert r.status_code == 200 and "画面　到達" in html and "令和8年4月分" in html
    assert "特別障害者手当は、改めて認定請求" in html
    connection.set_tenant(alpha.municipality)
    t.refresh_from_db()
    assert t.jotai == ShogaiTeateJotai.NINTEI  # the list writes nothing
    connection.set_schema_to_public()
    # a bad day: Japanese message, nothing written
    r = s.post(f"{BASE}/nenrei/", {**form, "kijun": "令和8年13月1日", "action": "shuryo"})
    assert r.status_code == 200 and r.context_data["results"] is None
    connection.set_tenant(alpha.municipality)
    t.refresh_from_db()
    assert t.jotai == ShogaiTeateJotai.NINTEI
    connection.set_schema_to_public()
    r = s.post(f"{BASE}/nenrei/", {**form, "action": "shuryo"})
    assert "終了した認定（1件）" in r.content.decode()
    connection.set_tenant(alpha.municipality)
    t.refresh_from_db()
    assert t.jotai == ShogaiTeateJotai.SHIKKAKU
    rows = AccessLog.objects.filter(
        screen="fukushi.shogai_teate_nenrei", username="hayama-shinsa", purpose="20歳到達の確認"
    )
    assert rows.count() == 2  # the list and the end, each with the child shown
    assert all(row.detail["shogaiteate_ids"] == [t.pk] for row in rows)
    assert all(t.atena_id in row.detail["atena_ids"] for row in rows)
    connection.set_schema_to_public()
    # without the grant: 404; 寒川町: nothing of 葉山町's
    for who in ("hayama-clerk", "hayama-viewer"):
        o = login(who, ALPHA_HOST)
        got = o.post(f"{BASE}/nenrei/", form)
        assert got.status_code in (403, 404) and "画面" not in got.content.decode()
    ob = login("samukawa-shinsa", BETA_HOST)
    r = ob.post(f"{BASE}/nenrei/", form)
    assert r.context_data["results"] == [] and "画面　到達" not in r.content.decode()


# --- 再認定 ---------------------------------------------------------------------------------


def test_sainintei_list_and_notices_single_and_mass(alpha, beta, login):
    # given 寒川町: a 特別障害者手当 with 再認定 in 令和9年4月
    connection.set_tenant(beta.municipality)
    tokusho(adult("samukawa", shimei="寒川　再認").pk)
    # and 葉山町: two with 再認定 in 令和9年4月, one in 5月, one without
    connection.set_tenant(alpha.municipality)
    a1 = tokusho(adult("hayama", shimei="再認　一郎").pk)  # 令和9年4月1日
    a2 = tokusho(adult("hayama", shimei="再認　二郎").pk)
    c = adult("hayama", shimei="五月　三郎")
    s3 = teate_seikyu(SeikyuInput("tokubetsu_shogaisha", c.pk, c.pk, date(2025, 4, 10), ACCOUNT),
                      actor=ACTOR)  # fmt: skip
    teate_nintei(pk=s3.pk, kettei_date=date(2025, 4, 10), shogai_teido="別表第2",
                 shindansho_date=date(2025, 4, 1), sainintei_date=date(2027, 5, 10),
                 actor=ACTOR)  # fmt: skip
    _taro, hanako, ichiro = fam("hayama", surname="無期")
    tokujifu(hanako.pk, ichiro.pk)  # no 再認定
    assert [x.pk for x in sainintei_list(date(2027, 4, 20))] == [a1.pk, a2.pk]
    connection.set_schema_to_public()

    s = login("hayama-shinsa", ALPHA_HOST)
    form = {"mokuteki": "再認定の案内", "tsuki": "2027-04", "kigen": ""}
    r = s.post(f"{BASE}/sainintei/", form)
    assert [x["pk"] for x in r.context_data["results"]] == [a1.pk, a2.pk]
    html = r.content.decode()
    assert "再認　一郎" in html and "五月　三郎" not in html and 'target="_blank"' in html
    # mass: one page each, the default 提出期限 is the month's last day
    pdf = s.post(f"{BASE}/sainintei/annai.pdf", form)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    pages = pdf_pages(pdf.content)
    assert len(pages) == 2
    assert "再認一郎様" in pages[0] and "再認二郎様" in pages[1]
    for p in pages:
        assert "特別障害者手当再認定のための診断書提出のご案内" in p
        assert "令和9年4月1日" in p and "令和9年4月30日までに提出してください" in p
        assert "寒川" not in p and "五月" not in p
    # the clerk's own 提出期限
    (p1, _p2) = pdf_pages(
        s.post(f"{BASE}/sainintei/annai.pdf", {**form, "kigen": "令和9年3月15日"}).content
    )
    assert "令和9年3月15日までに提出してください" in p1
    # single, from the case (the purpose the list gave)
    (one,) = pdf_pages(s.get(f"{BASE}/{a1.pk}/sainintei.pdf").content)
    assert "再認一郎様" in one and "令和9年4月30日" in one
    # a month with none: said in words, no PDF
    r = s.post(f"{BASE}/sainintei/annai.pdf", {**form, "tsuki": "2027-06"}, follow=True)
    assert "その月に再認定の時期が来る認定はありません。" in r.content.decode()
    connection.set_tenant(alpha.municipality)
    rows = AccessLog.objects.filter(
        screen="fukushi.shogai_teate_annai_pdf", username="hayama-shinsa", action="print"
    )
    assert {row.purpose for row in rows} == {"再認定の案内"}
    mass = rows.filter(record_count=2).first()
    assert mass is not None and sorted(mass.detail["shogaiteate_ids"]) == sorted([a1.pk, a2.pk])
    connection.set_schema_to_public()
    # without the grant: 404; 寒川町: its own case only, never 葉山町's
    for who in ("hayama-clerk", "hayama-viewer"):
        o = login(who, ALPHA_HOST)
        assert o.post(f"{BASE}/sainintei/", form).status_code in (403, 404)
        assert o.post(f"{BASE}/sainintei/annai.pdf", form).status_code in (403, 404)
        assert o.get(f"{BASE}/{a1.pk}/sainintei.pdf").status_code in (403, 404)
    ob = login("samukawa-shinsa", BETA_HOST)
    r = ob.post(f"{BASE}/sainintei/", form)
    assert "再認　一郎" not in r.content.decode() and len(r.context_data["results"]) == 1
    (bp,) = pdf_pages(ob.post(f"{BASE}/sainintei/annai.pdf", form).content)
    assert "寒川再認様" in bp and "再認一郎" not in bp


# --- 支払通知書 -----------------------------------------------------------------------------


def test_shiharai_tsuchi_for_each_paid_case_masked_and_two_towns(alpha, beta, login):
    connection.set_tenant(beta.municipality)
    b = adult("samukawa", shimei="寒川　支払")
    kazei(b.pk, 2024, kyuyo=1_000_000)
    tokusho(b.pk, seikyu=date(2025, 4, 10))
    brun = shiharai_run(
        shiharai_tsuki=date(2025, 8, 1), shiharai_date=date(2025, 8, 11), irainin=IRAININ,
        actor=ACTOR,
    ).shiharai  # fmt: skip
    connection.set_tenant(alpha.municipality)
    a = adult("hayama", shimei="支払　一郎")
    taro, hanako, ichiro = fam("hayama", surname="通知")
    for fy in (2024, 2025):
        kazei(a.pk, fy, kyuyo=2_000_000)
        kazei(hanako.pk, fy, kyuyo=1_000_000)
        kazei(taro.pk, fy, kyuyo=3_000_000)
    tokusho(a.pk, seikyu=date(2025, 4, 10))  # 5〜7月分
    tokujifu(hanako.pk, ichiro.pk, seikyu=date(2025, 6, 15))  # 7月分
    nothing = adult("hayama", shimei="未払　三郎")
    tokusho(nothing.pk, seikyu=date(2025, 4, 10))  # no income data: left out, no notice
    run = shiharai_run(
        shiharai_tsuki=date(2025, 8, 1), shiharai_date=date(2025, 8, 11), irainin=IRAININ,
        actor=ACTOR,
    ).shiharai  # fmt: skip
    connection.set_schema_to_public()

    s = login("hayama-shinsa", ALPHA_HOST)
    assert "支払通知書を印刷する" in s.get(f"{BASE}/shiharai/tsuchi/").content.decode()
    r = s.post(f"{BASE}/shiharai/tsuchi.pdf", {"mokuteki": "8月支払の通知", "shiharai": run.pk})
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    pages = pdf_pages(r.content)
    assert len(pages) == 2
    toku = next(p for p in pages if "特別障害者手当支払通知書" in p)
    assert "支払一郎様" in toku
    assert "支払う月分令和7年5月・令和7年6月・令和7年7月" in toku
    assert "29,590円・29,590円・29,590円" in toku and "88,770円" in toku
    assert "令和7年8月11日" in toku and "****567" in toku
    assert "1234567" not in toku  # the account number is masked
    jifu = next(p for p in pages if "特別児童扶養手当支払通知書" in p)
    assert "通知花子様" in jifu and "通知一郎" in jifu and "37,830円" in jifu
    assert not any("未払" in p or "寒川" in p for p in pages)
    # a bad choice: Japanese message, no PDF
    r = s.post(f"{BASE}/shiharai/tsuchi.pdf", {"mokuteki": "x", "shiharai": run.pk + 999},
               follow=True)  # fmt: skip
    assert not r.content.startswith(b"%PDF") and "正しく選択してください" in r.content.decode()
    connection.set_tenant(alpha.municipality)
    (row,) = AccessLog.objects.filter(
        screen="fukushi.shogai_teate_annai_pdf", username="hayama-shinsa", action="print"
    )
    assert row.purpose == "8月支払の通知" and row.record_count == 2
    assert nothing.pk not in row.detail["atena_ids"] and a.pk in row.detail["atena_ids"]
    connection.set_schema_to_public()
    # without the grant: 404
    for who in ("hayama-clerk", "hayama-viewer"):
        o = login(who, ALPHA_HOST)
        got = o.post(f"{BASE}/shiharai/tsuchi.pdf", {"mokuteki": "x", "shiharai": run.pk})
        assert got.status_code in (403, 404) and not got.content.startswith(b"%PDF")
    # 寒川町 prints its own run only
    ob = login("samukawa-shinsa", BETA_HOST)
    got = ob.post(f"{BASE}/shiharai/tsuchi.pdf", {"mokuteki": "x", "shiharai": brun.pk})
    (bp,) = pdf_pages(got.content)
    assert "寒川支払様" in bp and "支払一郎" not in bp
