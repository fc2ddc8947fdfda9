"""児童扶養手当 返還金 (the module's own 私債権): its 納付書 for the 残額 and the 督促 of one
not paid by its 納期限 (地方自治法施行令第171条, 期限を指定して督促), in two towns (葉山町 =
alpha, 寒川町 = beta): each town's 督促 job records and prints only its own 返還金, the PDFs
are read back, refused input writes nothing.

Figures (as test_fuyoteate_mishikyu_kabarai.py): 佐藤花子 (寒川町) 全部支給 46,690円 and 山田花子
(葉山町) 一部支給 40,260円 a month (令和7年度); both married on 2025-08-15, reported on 11月20日
after the 11月 run paid 9月分・10月分: 返還金 93,380円 and 80,520円, decided 2025-11-25, 納期限
2025-12-25 (決定日 + 30日, ``fukushi.fuyoteate.kabarai.nouki_nissu``, 未確認).

The 指定期限 is the 督促日 + 10日 (``fukushi.fuyoteate.kabarai.tokusoku_shitei_nissu``, as
御所市私債権管理条例施行規則第3条第2項「書面を発する日から起算して10日以内」
https://www.city.gose.nara.jp/html/reiki_int/reiki_honbun/k409RG00001137.html ), moved to the
next 開庁日: 督促 2026-01-05 → 2026-01-15 (木); 督促 2026-01-02 → 2026-01-12 is 成人の日 →
2026-01-13. A 督促 after the 納期限 only (常陸太田市 事務処理要項 第4条「納入期限を過ぎても
未納であるときは、督促状を作成し」
https://www.city.hitachiota.ibaraki.jp/data/reiki/reiki_honbun/e012RG00000596.html ).
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from fukushi.models import (
    FuyoJukyusha,
    FuyoKabarai,
    FuyoKabaraiTokusoku,
    FuyoRireki,
    FuyoShikkakuJiyu,
)
from fukushi.printjobs_fuyoteate_kabarai import KIND
from fukushi.services.fuyoteate import FuyoteateRefused, jukyusha_nintei, shiharai_run
from fukushi.services.fuyoteate_kabarai import kabarai_kettei, kabarai_nofu
from fukushi.services.fuyoteate_kabarai_tokusoku import (
    kabarai_nofusho,
    kabarai_tokusoku,
    shitei_kigen_of,
    tokusoku_pdf,
    tokusoku_taisho,
)
from fukushi.services.fuyoteate_shikkaku import shikkaku_todoke
from juminkiroku.tests import factories as jk
from juminkiroku.tests.factories import family
from tenants import zengin
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.jobs.models import JobStatus
from tenants.jobs.services import job_start
from tenants.testing.pdf import pdf_pages
from tenants.wareki import format_wareki
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.tests.factories import kazei

pytestmark = pytest.mark.django_db

ACCOUNT = zengin.Account("0001", "001", "1", "1234567", "ﾔﾏﾀﾞ ﾊﾅｺ")
IRAININ = zengin.Irainin("1234567890", "ﾊﾔﾏﾏﾁ", "0009", "123", "1", "7654321")
A_CLERK = Actor(user_id=None, username="hayama-clerk")
B_CLERK = Actor(user_id=None, username="samukawa-clerk")
SEP, NOV = date(2025, 9, 1), date(2025, 11, 1)


def _run(tsuki: date, actor):
    return shiharai_run(
        shiharai_tsuki=tsuki, shiharai_date=tsuki.replace(day=11), irainin=IRAININ, actor=actor
    ).shiharai


def _kabarai(town, slug: str, sei: str, kana: str, kyuyo: int, actor, capture) -> FuyoKabarai:
    """A 受給者 from 令和7年7月分, paid by the 9月 and 11月 runs, married on 2025-08-15 and
    reported on 11月20日; the 返還金 of 9月分・10月分 decided on 2025-11-25."""
    connection.set_tenant(town.municipality)
    if slug == "samukawa":  # 寒川町's ids differ from 葉山町's, so a URL of one is not the other's
        with connection.cursor() as cur:
            for table in ("fukushi_fuyojukyusha", "fukushi_fuyokabarai"):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), 100)")
    with capture(execute=True):
        _, (_h, wife, _c) = jk.household_tennyu(
            slug, members=family(sei, kana), ido_date=date(2020, 4, 1)
        )
    kazei(wife.pk, 2024, kyuyo=kyuyo)
    kazei(wife.pk, 2025, kyuyo=kyuyo)
    j = jukyusha_nintei(
        atena_id=wife.pk, seikyu_date=date(2025, 6, 1), jido_su=1, fuyo_shinzoku=1,
        account=ACCOUNT, actor=actor,
    )  # fmt: skip
    _run(SEP, actor)
    _run(NOV, actor)
    shikkaku_todoke(jukyusha=j, jiyu=FuyoShikkakuJiyu.KONIN, jiyu_date=date(2025, 8, 15),
                    today=date(2025, 11, 20), actor=actor)  # fmt: skip
    j = FuyoJukyusha.objects.get(pk=j.pk)
    return kabarai_kettei(jukyusha=j, kettei_date=date(2025, 11, 25), actor=actor)


@pytest.fixture
def towns(world, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    b = _kabarai(world.beta, "samukawa", "佐藤", "サトウ", 1_000_000, B_CLERK, capture)
    a = _kabarai(world.alpha, "hayama", "山田", "ヤマダ", 1_500_000, A_CLERK, capture)
    connection.set_schema_to_public()
    return {"a": a, "b": b}


def _job(capture, tokusoku_date: date, actor):
    with capture(execute=True):
        job = job_start(kind=KIND, params={"tokusoku_date": tokusoku_date.isoformat()},
                        actor=actor)  # fmt: skip
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, [c.error for c in job.chunks.all()]
    pages: list[str] = []
    csv_rows: list[str] = []
    for f in job.files.all():
        with default_storage.open(f.path, "rb") as fh:
            body = fh.read()
        if f.name.endswith(".pdf"):
            pages += pdf_pages(body)
        else:
            csv_rows += body.decode("utf-8-sig").splitlines()
        default_storage.delete(f.path)
    return job, pages, csv_rows


def test_the_shitei_kigen_is_ten_days_on_moved_to_the_next_kaichobi(world):
    connection.set_tenant(world.beta.municipality)
    assert shitei_kigen_of(date(2026, 1, 5)) == date(2026, 1, 15)
    # 2026-01-12 is 成人の日: the 期限 moves to 1月13日
    assert shitei_kigen_of(date(2026, 1, 2)) == date(2026, 1, 13)


def test_nofusho_for_the_zan_read_back_and_refused_when_kanno(world, towns):
    connection.set_tenant(world.beta.municipality)
    k = FuyoKabarai.objects.get()
    assert (k.gaku, k.nouki) == (93_380, date(2025, 12, 25))
    # the 納付書: three slips on one page, the 残額 and the 納期限
    (page,) = pdf_pages(kabarai_nofusho(kabarai=k, hakko_date=date(2025, 11, 26), actor=B_CLERK))
    assert "児童扶養手当返還金納付書（領収証書）" in page
    assert "納付書（納付書）" in page and "納付書（領収済通知書）" in page
    assert page.count("佐藤花子様") == 3 and "山田" not in page
    assert "令和7年9月分〜令和7年10月分" in page
    assert "93,380円0円93,380円令和7年12月25日" in page
    # after a payment of 50,000円 the 納付書 asks for the rest
    k = kabarai_nofu(kabarai=k, gaku=50_000, nofu_date=date(2025, 12, 1), actor=B_CLERK)
    (page,) = pdf_pages(kabarai_nofusho(kabarai=k, hakko_date=date(2025, 12, 2), actor=B_CLERK))
    assert "93,380円50,000円43,380円令和7年12月25日" in page
    assert FuyoRireki.objects.filter(kind="kabarai_nofusho").count() == 2
    assert AccessLog.objects.filter(screen="fukushi.fuyoteate_kabarai_nofusho",
                                    action="print").count() == 2  # fmt: skip
    # 完納: no 納付書 (nothing written)
    k = kabarai_nofu(kabarai=k, gaku=43_380, nofu_date=date(2025, 12, 20), actor=B_CLERK)
    with pytest.raises(FuyoteateRefused, match="完納した返還金の納付書"):
        kabarai_nofusho(kabarai=k, hakko_date=date(2025, 12, 21), actor=B_CLERK)
    assert FuyoRireki.objects.filter(kind="kabarai_nofusho").count() == 2
    # 葉山町: its own 返還金 only (80,520円), nothing of 佐藤's
    connection.set_tenant(world.alpha.municipality)
    (k_a,) = FuyoKabarai.objects.all()
    (page,) = pdf_pages(kabarai_nofusho(kabarai=k_a, hakko_date=date(2025, 11, 26), actor=A_CLERK))
    assert "山田花子様" in page and "80,520円0円80,520円" in page and "佐藤" not in page
    assert FuyoRireki.objects.filter(kind="kabarai_nofusho").count() == 1


def test_tokusoku_only_after_the_nouki_once_and_single_print(world, towns):
    connection.set_tenant(world.beta.municipality)
    k = FuyoKabarai.objects.get()
    # on the 納期限 itself: not yet 督促 (refused, nothing written)
    with pytest.raises(FuyoteateRefused, match="納期限（令和7年12月25日）を過ぎていない"):
        kabarai_tokusoku(kabarai=k, tokusoku_date=date(2025, 12, 25), actor=B_CLERK)
    assert list(tokusoku_taisho(date(2025, 12, 25))) == []
    assert list(tokusoku_taisho(date(2025, 12, 26))) == [k]
    assert FuyoKabaraiTokusoku.objects.count() == 0
    # a part paid: the 督促 asks for the 未納 43,380円 by 令和8年1月15日
    kabarai_nofu(kabarai=k, gaku=50_000, nofu_date=date(2025, 12, 1), actor=B_CLERK)
    t = kabarai_tokusoku(kabarai=k, tokusoku_date=date(2026, 1, 5), actor=B_CLERK)
    assert (t.tokusoku_date, t.shitei_kigen, t.zan) == (date(2026, 1, 5), date(2026, 1, 15), 43_380)
    (page,) = pdf_pages(tokusoku_pdf(tokusoku=t, actor=B_CLERK))
    assert "児童扶養手当返還金督促状" in page and "佐藤花子様" in page
    assert "地方自治法施行令第171条" in page and "督促日令和8年1月5日" in page
    assert "未納の額43,380円" in page and "指定期限令和8年1月15日" in page
    assert "納期限令和7年12月25日" in page and "再発行" not in page
    # once: a second 督促 refused; the reprint says 再発行; the 納付書 now names the 指定期限
    with pytest.raises(FuyoteateRefused, match="督促済み"):
        kabarai_tokusoku(kabarai=k, tokusoku_date=date(2026, 1, 6), actor=B_CLERK)
    (page,) = pdf_pages(tokusoku_pdf(tokusoku=t, actor=B_CLERK, saihakko=True))
    assert "（再発行）" in page and "未納の額43,380円" in page
    (page,) = pdf_pages(kabarai_nofusho(kabarai=k, hakko_date=date(2026, 1, 6), actor=B_CLERK))
    assert "督促の指定期限" in page and "43,380円令和8年1月15日" in page
    assert FuyoRireki.objects.filter(kind="kabarai_tokusoku").count() == 1
    # 完納 after the 督促: a 完納 返還金 is no 督促 target
    k = kabarai_nofu(kabarai=k, gaku=43_380, nofu_date=date(2026, 1, 10), actor=B_CLERK)
    assert list(tokusoku_taisho(date(2026, 2, 1))) == []
    # 葉山町 sees no 督促 of 寒川町's
    connection.set_tenant(world.alpha.municipality)
    assert FuyoKabaraiTokusoku.objects.count() == 0


def test_tokusoku_job_in_two_towns_records_and_prints_its_own(
    world, towns, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    connection.set_tenant(world.alpha.municipality)
    kabarai_nofu(kabarai=FuyoKabarai.objects.get(), gaku=20_520, nofu_date=date(2025, 12, 1),
                 actor=A_CLERK)  # fmt: skip
    # 寒川町's job of 令和8年1月5日
    connection.set_tenant(world.beta.municipality)
    job, pages, rows = _job(capture, date(2026, 1, 5), B_CLERK)
    (page,) = pages
    assert "佐藤花子様" in page and "未納の額93,380円" in page and "山田" not in page
    assert "指定期限令和8年1月15日" in page
    assert rows[0].split(",")[3:] == ["帳票", "証書番号", "宛名番号", "返還金番号", "未納の額",
                                      "指定期限", "郵便番号"]  # fmt: skip
    assert len(rows) == 2 and ",93380,2026-01-15," in rows[1]
    t = FuyoKabaraiTokusoku.objects.get()
    assert (t.tokusoku_date, t.zan, t.job_id) == (date(2026, 1, 5), 93_380, job.pk)
    assert FuyoRireki.objects.filter(kind="kabarai_tokusoku").count() == 1
    # again: nothing left to 督促, nothing made twice
    _job(capture, date(2026, 1, 6), B_CLERK)
    assert FuyoKabaraiTokusoku.objects.count() == 1
    # 葉山町's job: its own 山田 with the 未納 60,000円, nothing of 佐藤's
    connection.set_tenant(world.alpha.municipality)
    job_a, pages, rows = _job(capture, date(2026, 1, 5), A_CLERK)
    (page,) = pages
    assert "山田花子様" in page and "未納の額60,000円" in page and "佐藤" not in page
    assert len(rows) == 2 and ",60000,2026-01-15," in rows[1]
    assert FuyoKabaraiTokusoku.objects.get().job_id == job_a.pk
    connection.set_tenant(world.beta.municipality)
    assert FuyoKabaraiTokusoku.objects.get().job_id == job.pk


def test_tokusoku_screens_in_two_towns(world, towns, login):
    """The screens, today (the 納期限 2025-12-25 has passed): 寒川町 lists 佐藤 as a 督促
    target, prints her 納付書 and 督促状 (the 督促 of today, then 再発行); 葉山町 lists none
    of hers and reaches none of her URLs (404); a 閲覧者 may print nothing (403)."""
    k = towns["b"]
    base = "/fukushi/jido-fuyo-teate"
    other = login("samukawa-clerk", BETA_HOST)
    page = other.get(f"{base}/henkankin/tokusoku/").content.decode()
    assert "佐藤　花子" in page and "93,380円" in page and "督促した返還金はありません" in page
    logged = AccessLog.objects.filter(screen="fukushi.fuyoteate_kabarai_tokusoku_list")
    assert _in(world.beta, lambda: logged.count()) == 1
    clerk = login("hayama-clerk", ALPHA_HOST)
    alpha_page = clerk.get(f"{base}/henkankin/tokusoku/").content.decode()
    assert "佐藤" not in alpha_page and "山田　花子" in alpha_page
    url = f"{base}/{k.jukyusha_id}/kabarai/{k.pk}/"
    assert (k.pk, k.jukyusha_id) == (101, 101)
    assert clerk.post(f"{url}nofusho/").status_code == 404
    assert clerk.post(f"{url}tokusoku/").status_code == 404
    assert clerk.get(f"{base}/{k.jukyusha_id}/kabarai/").status_code == 404
    viewer = login("hayama-viewer", ALPHA_HOST)
    a = towns["a"]
    assert viewer.post(f"{base}/{a.jukyusha_id}/kabarai/{a.pk}/tokusoku/").status_code == 403
    # the 納付書 and the 督促状 from the 受給者's 過払 page
    page = other.get(f"{base}/{k.jukyusha_id}/kabarai/").content.decode()
    assert "納付書（PDF）" in page and "督促する（督促状 PDF）" in page and "未督促" in page
    r = other.post(f"{url}nofusho/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    (text,) = pdf_pages(r.content)
    assert text.count("佐藤花子様") == 3 and "93,380円0円93,380円令和7年12月25日" in text
    r = other.post(f"{url}tokusoku/")
    (text,) = pdf_pages(r.content)
    kigen = _in(world.beta, lambda: shitei_kigen_of(timezone.localdate()))
    assert "児童扶養手当返還金督促状" in text and "未納の額93,380円" in text
    assert f"指定期限{format_wareki(kigen)}" in text and "再発行" not in text
    (text,) = pdf_pages(other.post(f"{url}tokusoku/").content)
    assert "（再発行）" in text
    assert _in(world.beta, lambda: FuyoKabaraiTokusoku.objects.count()) == 1
    page = other.get(f"{base}/henkankin/tokusoku/").content.decode()
    assert "督促の対象の返還金はありません" in page and format_wareki(kigen) in page
    page = other.get(f"{base}/{k.jukyusha_id}/kabarai/").content.decode()
    today = format_wareki(timezone.localdate())
    assert "督促状を再印刷（PDF）" in page and f"督促日 {today}" in page
    # the job from the screen: a 督促日 is needed (refused, nothing started)
    page = other.post(f"{base}/henkankin/tokusoku/", {"tokusoku_date": ""}).content.decode()
    assert "督促日" in page and _in(world.beta, lambda: FuyoKabaraiTokusoku.objects.count()) == 1
    # 葉山町's own 督促 is untouched by all of it
    assert _in(world.alpha, lambda: FuyoKabaraiTokusoku.objects.count()) == 0


def _in(town, fn):
    connection.set_tenant(town.municipality)
    try:
        return fn()
    finally:
        connection.set_schema_to_public()
