"""資格確認書・資格情報のお知らせ: the 有効期限 rule (平川市・松野町・相模原市), the 一部負担金の
割合 of a 70–74歳 insured from the household's 所得区分 (国民健康保険法第42条; 基準収入額適用
counts), the town's 保険者番号 (refused when unset), and the record of every issue and
return — at the counter and in the mass print — in two towns, PDFs read back.

Published rules used:
- 平川市「資格確認書の有効期限」 https://www.city.hirakawa.lg.jp/fukushi/kokuho/yuukoukigen.html
  (毎年8月1日に更新、7月31日まで); 松野町「国民健康保険 資格確認書等の更新について」
  https://www.town.matsuno.ehime.jp/soshiki/6/15607.html (70歳以上のお知らせも7月31日まで、
  70歳未満のお知らせは有効期限なし、75歳になる方は誕生日の前日まで);
- 相模原市 https://www.city.sagamihara.kanagawa.jp/kurashi/1026448/kokuho/1026464/shikaku/1007842.html
  (70歳になる方は70歳の誕生月の末日まで、1日生まれは誕生月の前月の末日).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from juminkiroku.tests.factories import actor_for, family, person_fields
from kokuho.models import KofuRiyu, Shikaku, ShikakuKofu
from kokuho.rules.kofu import (
    futan_wariai,
    hokensha_bango_error,
    hokensha_bango_valid,
    kensho_bango,
    yuko_kigen,
)
from kokuho.services.kofu import KofuRefused, shikaku_kofu_issue
from kokuho.services.kyufu import kijun_shunyu_shinsei
from kokuho.tests.factories import hokensha_bango_set, tennyu
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.jobs.models import JobStatus
from tenants.jobs.services import JobRefused, job_start
from tenants.testing.jobs import read_job_file
from tenants.testing.pdf import pdf_pages
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.tests.factories import kazei_set

TENNYU = date(2020, 4, 1)
P = {"koshin_tsuki": 8, "koki_nenrei": 75, "koreisha_nenrei": 70}
W = {"ippan": 20, "genekinami": 30}
GEN = frozenset({"gen1", "gen2", "gen3"})


# --- the rules ------------------------------------------------------------------------------


def test_yuko_kigen_by_the_published_rules() -> None:
    def kigen(kofu: date, birth: date, *, kakuninsho: bool = True) -> date | None:
        return yuko_kigen(kofu, birth, kakuninsho=kakuninsho, **P)

    # 平川市・松野町: renewed on 8月1日, the card runs to the next 7月31日 (最長1年)
    assert kigen(date(2026, 8, 1), date(1980, 5, 5)) == date(2027, 7, 31)
    assert kigen(date(2027, 1, 5), date(1980, 5, 5)) == date(2027, 7, 31)
    assert kigen(date(2026, 7, 31), date(1980, 5, 5)) == date(2026, 7, 31)
    # 松野町・平川市: reaching 75 within it → the day before the 75th birthday
    assert kigen(date(2026, 8, 1), date(1952, 3, 10)) == date(2027, 3, 9)
    # 相模原市: reaching 70 within it → the end of the month of the 70th birthday…
    assert kigen(date(2026, 8, 1), date(1956, 12, 10)) == date(2026, 12, 31)
    # …and of the month before for one born on the 1st (70 is reached on 30 November)
    assert kigen(date(2026, 8, 1), date(1956, 12, 1)) == date(2026, 11, 30)
    # 松野町: the お知らせ has no 有効期限 under 70, and the card's from 70 (it prints the 割合)
    assert kigen(date(2026, 8, 1), date(1980, 5, 5), kakuninsho=False) is None
    assert kigen(date(2026, 8, 1), date(1954, 5, 5), kakuninsho=False) == date(2027, 7, 31)
    assert kigen(date(2026, 8, 1), date(1956, 12, 10), kakuninsho=False) == date(2026, 12, 31)


def test_futan_wariai_of_70_to_74_by_the_kubun() -> None:
    def wariai(birth: date, kubun: str | None, kofu: date = date(2026, 8, 1)) -> int | None:
        return futan_wariai(birth, kofu, kubun, koreisha_nenrei=70, genekinami=GEN, wariai=W)

    # 国民健康保険法第42条第1項第4号: 現役並み所得者 3割; 第3号: otherwise 2割
    assert [wariai(date(1954, 5, 5), k) for k in ("gen3", "gen2", "gen1")] == [30, 30, 30]
    assert [wariai(date(1954, 5, 5), k) for k in ("ippan", "tei2", "tei1")] == [20, 20, 20]
    # under 70 nothing is printed (the 3割 of 第1号 is not on these cards)
    assert wariai(date(1980, 5, 5), None) is None
    # from the month after the one in which 70 is reached: born 1956-08-10 → not in 8月;
    # born 1956-08-01 reached 70 on 31 July → 8月 is 2割
    assert wariai(date(1956, 8, 10), None) is None
    assert wariai(date(1956, 8, 1), "ippan") == 20
    # 70 or over and the 区分 unknown (a member without 申告): refused, not guessed
    with pytest.raises(ValueError, match="判定できません"):
        wariai(date(1954, 5, 5), None)


def test_hokensha_bango_is_six_digits_and_required() -> None:
    assert "設定されていません" in (hokensha_bango_error(None) or "")
    assert "設定されていません" in (hokensha_bango_error("  ") or "")
    assert "6桁" in (hokensha_bango_error("14030") or "")
    assert "6桁" in (hokensha_bango_error("１４０３０１") or "")
    assert "6桁" in (hokensha_bango_error("01040013") or "")  # another insurer's 8 digits
    assert hokensha_bango_error("140301") is None
    # the 6th digit must be the 検証番号: 14030 gives 1, so 140302 is a mistyped number
    assert "検証番号" in (hokensha_bango_error("140302") or "")


def test_kensho_bango_by_the_published_method_and_numbers() -> None:
    """The 厚生労働省's method (保険者番号設定要領 as quoted by
    http://www5f.biglobe.ne.jp/~h-it/mlcont/mc0124.htm): weights 2, 1, … from the last digit
    before the 検証番号, a two-digit product counted as the sum of its digits, 10 − the
    units digit of the sum, 0 for a units digit 0."""
    # the page's worked example: 33 (法別番号) 12 (千葉県) 001 → 6+3+2+2+0+0+2 = 15 → 5
    assert kensho_bango("3312001") == 5 and hokensha_bango_valid("33120015")
    # 全国健康保険協会 宮城支部 「保険者番号は 01040013」
    # (http://www.kyoukaikenpo.or.jp/shibu/miyagi/20170308001): 0+1+0+4+0+0+2 = 7 → 3
    assert kensho_bango("0104001") == 3 and hokensha_bango_valid("01040013")
    # a two-digit product counts by its digits: 14999 → 9 (18) + 9 + 9 (18) + 4 + 2 = 33 → 7
    assert kensho_bango("14999") == 7
    # a sum ending in 0 gives 0, not 10: 14040 → 0+4+0+4+2 = 10
    assert kensho_bango("14040") == 0 and hokensha_bango_valid("140400")
    # the 国保's 6 digits take the same method on 都道府県番号 + 保険者別番号 (no 法別番号)
    assert hokensha_bango_valid("149997") and hokensha_bango_valid("140301")
    # one digit mistyped anywhere is caught
    for i in range(6):
        for d in "0123456789":
            typo = "149997"[:i] + d + "149997"[i + 1 :]
            assert hokensha_bango_valid(typo) == (typo == "149997"), typo
    assert not hokensha_bango_valid("1499970") and not hokensha_bango_valid("１４９９９７")
    with pytest.raises(ValueError):
        kensho_bango("14a99")


# --- the counter, the record, the search: two towns ---------------------------------------------


def _shikaku(atena_id: int) -> Shikaku:
    return Shikaku.objects.get(atena_id=atena_id, soshitsu_date__isnull=True)


def _issue(client: Any, shikaku_id: int, form: str, riyu: str, day: str) -> Any:
    return client.post(
        f"/kokuho/shikaku/{shikaku_id}/kofu/", {"form": form, "riyu": riyu, "kofu_date": day}
    )


@pytest.mark.django_db
def test_counter_issue_reprint_return_and_search_in_two_towns(
    world: Any, login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    cap = django_capture_on_commit_callbacks
    # given 葉山町's 高橋 一 (born 1953-03-03, 73 on 1 August 2026): 課税所得 2,800,000円
    # in 令和7年中 → 現役並みⅠ for 8月 (KY-2), and 山田 (under 70)
    connection.set_tenant(world.alpha.municipality)
    old = person_fields(shimei="高橋　一", shimei_kana="タカハシ　ハジメ", birth_date="1953-03-03")
    (takahashi,) = tennyu(cap, members=[old], day=TENNYU)[1]
    kazei_set(takahashi.pk, 2026, kyuyo=4_000_000, kazei_shotoku=2_800_000)
    taro = tennyu(cap, members=family(), day=TENNYU)[1][0]
    t_shikaku, y_shikaku = _shikaku(takahashi.pk).pk, _shikaku(taro.pk).pk
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)

    # without the town's 保険者番号 nothing is issued: a message, nothing written
    r = _issue(clerk, t_shikaku, "kakuninsho", "shikaku_shutoku", "令和8年8月1日")
    assert r.status_code == 302 and r["Location"] == f"/kokuho/person/{takahashi.pk}/"
    page = clerk.get(r["Location"]).content.decode()
    assert "保険者番号が設定されていません" in page
    connection.set_tenant(world.alpha.municipality)
    assert not ShikakuKofu.objects.exists()
    hokensha_bango_set("149997")
    connection.set_schema_to_public()

    # when the clerk issues his 資格確認書 on 令和8年8月1日
    r = _issue(clerk, t_shikaku, "kakuninsho", "shikaku_shutoku", "令和8年8月1日")
    assert r.status_code == 302 and r["Location"].endswith(".pdf")
    pdf = clerk.get(r["Location"])
    (text,) = pdf_pages(pdf.content)
    # then the card says 3割, the town's number, and runs to 令和9年7月31日
    assert "国民健康保険資格確認書" in text and "高橋一" in text
    assert "一部負担金の割合3割" in text.replace(" ", "")
    assert "保険者番号149997" in text.replace(" ", "") and "令和9年7月31日" in text
    # 山田 (under 70): a お知らせ without 割合 nor 有効期限
    r = _issue(clerk, y_shikaku, "oshirase", "shikaku_shutoku", "令和8年8月1日")
    (text,) = pdf_pages(clerk.get(r["Location"]).content)
    assert "資格情報のお知らせ" in text and "山田太郎" in text
    assert "一部負担金の割合" not in text and "有効期限" not in text and "149997" in text
    # a 再交付 of a form never issued is refused
    r = _issue(clerk, t_shikaku, "oshirase", "saikofu", "令和8年8月2日")
    assert (
        "再交付は、同じ帳票を前に交付した記録がある場合だけ"
        in clerk.get(r["Location"]).content.decode()
    )

    # when 高橋 applies for 基準収入額適用 (収入 under 383万円) on 8月10日, his card issued on
    # 9月1日 (記載事項変更) says 2割: the application makes the household 一般 from 9月
    connection.set_tenant(world.alpha.municipality)
    kijun_shunyu_shinsei(
        atena_id=takahashi.pk,
        shinsei_date=date(2026, 8, 10),
        shunyu={takahashi.pk: 3_000_000},
        actor=actor_for("hayama-clerk"),
    )
    connection.set_schema_to_public()
    r = _issue(clerk, t_shikaku, "kakuninsho", "kisai_henko", "令和8年9月1日")
    (text,) = pdf_pages(clerk.get(r["Location"]).content)
    assert "一部負担金の割合2割" in text.replace(" ", "")
    # and the old card comes back on 9月3日
    connection.set_tenant(world.alpha.municipality)
    first = ShikakuKofu.objects.filter(atena_id=takahashi.pk).order_by("id").first()
    assert first is not None
    connection.set_schema_to_public()
    r = clerk.post(f"/kokuho/kofu/{first.pk}/henkan/", {"henkan_date": "令和8年9月3日"})
    assert r.status_code == 302
    r = clerk.post(f"/kokuho/kofu/{first.pk}/henkan/", {"henkan_date": "令和8年9月4日"})
    assert "すでに返還を記録しています" in clerk.get(r["Location"]).content.decode()

    connection.set_tenant(world.alpha.municipality)
    rows = list(
        ShikakuKofu.objects.order_by("id").values_list(
            "atena_id", "form", "riyu", "kofu_date", "yuko_kigen", "futan_wariai",
            "hokensha_bango", "job_id", "henkan_date",
        )
    )  # fmt: skip
    assert rows == [
        (takahashi.pk, "kakuninsho", "shikaku_shutoku", date(2026, 8, 1), date(2027, 7, 31),
         30, "149997", None, date(2026, 9, 3)),
        (taro.pk, "oshirase", "shikaku_shutoku", date(2026, 8, 1), None, None, "149997", None,
         None),
        (takahashi.pk, "kakuninsho", "kisai_henko", date(2026, 9, 1), date(2027, 7, 31), 20,
         "149997", None, None),
    ]  # fmt: skip
    # each issue and return has its access row naming the person; each print its own
    written = AccessLog.objects.filter(screen="kokuho.shikaku_kofu")
    assert sorted(a for r in written for a in r.detail["atena_ids"]) == sorted(
        [takahashi.pk, taro.pk, takahashi.pk, takahashi.pk]
    )
    printed = AccessLog.objects.filter(screen="kokuho.kofu_pdf", action="print")
    assert printed.count() == 3
    connection.set_schema_to_public()

    # the person's page lists the issues in words, with the return
    page = clerk.get(f"/kokuho/person/{takahashi.pk}/").content.decode()
    table = page[page.index('data-testid="kofu-list"') :]
    assert "記載事項変更" in table and "令和8年9月3日" in table and "3割" in table
    assert "2割" in table and "未返還" in table
    # the search: those not returned, logged by the ids on the page
    page = clerk.get("/kokuho/kofu/", {"mihenkan": "on", "form": "kakuninsho"}).content.decode()
    table = page[page.index('data-testid="kofu-list"') :]
    assert "高橋　一" in table and "山田" not in table and "令和8年9月1日" in table
    assert "令和9年7月31日" in table and "窓口" in table
    connection.set_tenant(world.alpha.municipality)
    row = AccessLog.objects.filter(screen="kokuho.kofu_list").latest("id")
    assert row.detail["atena_ids"] == [takahashi.pk]
    connection.set_schema_to_public()
    # a reversed range is refused in words
    page = clerk.get(
        "/kokuho/kofu/", {"kofu_from": "令和8年9月1日", "kofu_to": "令和8年8月1日"}
    ).content.decode()
    assert "交付日の範囲が逆です" in page
    # a 閲覧者 sees the list but may not issue, return or print
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert viewer.get("/kokuho/kofu/").status_code == 200
    assert _issue(viewer, t_shikaku, "oshirase", "saikofu", "令和8年9月5日").status_code == 403
    assert viewer.get(f"/kokuho/kofu/{first.pk}.pdf").status_code == 403

    # 寒川町 (no issue of its own yet): 葉山町's issues are not found, nor listed
    other = login("samukawa-clerk", BETA_HOST)
    assert other.get(f"/kokuho/kofu/{first.pk}.pdf").status_code == 404
    r = other.post(f"/kokuho/kofu/{first.pk}/henkan/", {"henkan_date": "令和8年9月5日"})
    assert r.status_code == 404
    page = other.get("/kokuho/kofu/").content.decode()
    assert "高橋" not in page and "交付の記録はありません。" in page
    # and it issues its own with its own number
    connection.set_tenant(world.beta.municipality)
    hokensha_bango_set("149989")
    sato = tennyu(cap, "samukawa", members=family("佐藤", "サトウ")[:1], day=TENNYU)[1][0]
    s_shikaku = _shikaku(sato.pk).pk
    connection.set_schema_to_public()
    r = _issue(other, s_shikaku, "kakuninsho", "shikaku_shutoku", "令和8年8月1日")
    (text,) = pdf_pages(other.get(r["Location"]).content)
    assert "佐藤太郎" in text and "149989" in text and "149997" not in text
    assert "高橋" not in text and "寒川町長" in text
    connection.set_tenant(world.alpha.municipality)
    assert ShikakuKofu.objects.count() == 3
    connection.set_schema_to_public()


@pytest.mark.django_db
def test_a_70_year_old_without_shinkoku_is_refused_not_guessed(
    alpha: Any, django_capture_on_commit_callbacks: Any
) -> None:
    connection.set_tenant(alpha.municipality)
    hokensha_bango_set("149997")
    old = person_fields(shimei="鈴木　二郎", shimei_kana="スズキ　ジロウ", birth_date="1954-01-20")
    (suzuki,) = tennyu(django_capture_on_commit_callbacks, members=[old], day=TENNYU)[1]
    with pytest.raises(KofuRefused, match="一部負担金の割合を判定できません"):
        shikaku_kofu_issue(
            shikaku_id=_shikaku(suzuki.pk).pk,
            form="oshirase",
            riyu=KofuRiyu.SHIKAKU_SHUTOKU,
            kofu_date=date(2026, 8, 1),
            actor=actor_for("hayama-clerk"),
        )
    assert not ShikakuKofu.objects.exists()


# --- the mass print records each issue once ----------------------------------------------------


@pytest.mark.django_db
def test_mass_print_records_each_issue_once_and_skips_the_unjudgeable(
    alpha: Any, beta: Any, job_cleanup: Any, django_capture_on_commit_callbacks: Any
) -> None:
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(beta.municipality)
    tennyu(cap, "samukawa", members=family("佐藤", "サトウ")[:2], day=TENNYU)
    connection.set_tenant(alpha.municipality)
    members = [
        person_fields(shimei="高橋　一", shimei_kana="タカハシ　ハジメ", birth_date="1953-03-03"),
    ]
    (takahashi,) = tennyu(cap, members=members, day=TENNYU)[1]
    kazei_set(takahashi.pk, 2026, nenkin=1_500_000, kazei_shotoku=500_000)  # 一般
    old = person_fields(shimei="鈴木　二郎", shimei_kana="スズキ　ジロウ", birth_date="1954-01-20")
    (suzuki,) = tennyu(cap, members=[old], day=TENNYU)[1]  # no 申告
    params = {"form": "kakuninsho", "kofu_date": "2026-08-01"}
    # without the 保険者番号 the job is not started
    with pytest.raises((JobRefused, ValueError), match="保険者番号が設定されていません"):
        job_start(kind="kokuho_shikaku_print", params=params, actor=actor_for("hayama-clerk"))
    hokensha_bango_set("149997")
    with cap(execute=True):
        job = job_start(kind="kokuho_shikaku_print", params=params, actor=actor_for("hayama-clerk"))
    job_cleanup.append(job)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert (job.total, job.done, job.failed) == (2, 1, 1)
    (pdf,) = [f for f in job.files.all() if f.name.endswith(".pdf")]
    (text,) = pdf_pages(read_job_file(pdf))
    assert "高橋一" in text and "鈴木" not in text
    assert "一部負担金の割合2割" in text.replace(" ", "") and "149997" in text
    # the one not printed is said in the job's log by reason, without a name
    warned = " ".join(job.log.values_list("message", flat=True))
    assert "1件は交付できないため印刷しませんでした" in warned
    assert "一部負担金の割合を判定できません" in warned and "鈴木" not in warned
    rows = list(ShikakuKofu.objects.values_list("atena_id", "riyu", "job_id", "futan_wariai"))
    assert rows == [(takahashi.pk, "issei_koshin", job.pk, 20)]
    # the chunk run again (a killed worker) prints the same card and records nothing twice
    from tenants.jobs.registry import get_kind

    kind = get_kind("kokuho_shikaku_print")
    assert kind is not None
    result = kind.run_chunk(job, job.chunks.get(index=0))
    assert (result.done, result.failed) == (1, 1)
    assert ShikakuKofu.objects.count() == 1
    assert suzuki.pk not in {r[0] for r in rows}
    # 寒川町 recorded nothing
    connection.set_tenant(beta.municipality)
    assert not ShikakuKofu.objects.exists()
