"""固定資産税 screens: 台帳 search by 地番 and by owner (POST), a parcel, a house, the 名寄帳
(screen and PDF), the 納税通知書 one at a time, 更正 and 減免 from the 名寄帳, the results
and the two jobs; every read logged; 寒川町 gets 404 on all of it; 閲覧者 cannot write."""

from __future__ import annotations

from datetime import date

import pytest

from juminkiroku.tests.factories import family, household_tennyu, jutogai
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.jobs.models import JobFile, JobStatus
from tenants.testing.pdf import pdf_pages, squash
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.models import KoteiFuka
from zeimu.tests.kotei_helpers import FY, kaoku, owner, run_tosho, tochi, toshi_rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(alpha, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    toshi_rate(300)
    _, (head, wife, _child) = household_tennyu(
        "hayama", members=family(), ido_date=date(2015, 4, 1)
    )
    far = jutogai(shimei="遠方　花子", kana="エンポウ　ハナコ")
    alone = owner(head.pk)
    t = tochi(alone, "100番1", 18_900_600, "150", zennen=(3_119_250, 6_390_750))
    h = kaoku(alone, "100番1", 13_300_000, "140", built=date(2024, 7, 10))
    joint = owner(wife.pk, far.pk, shares=[(2, 3), (1, 3)])
    tochi(joint, "200番", 10_000_000, "50", "shogyo", zennen=(6_500_000, 6_500_000))
    run_tosho(django_capture_on_commit_callbacks)
    fuka = KoteiFuka.objects.get(nozeisha=alone)
    data = {
        "head": head, "far": far, "alone": alone, "joint": joint, "tochi": t, "kaoku": h,
        "fuka": fuka,
    }  # fmt: skip
    connection.set_schema_to_public()
    return data


def _rows(alpha, screen: str) -> list[AccessLog]:
    connection.set_tenant(alpha.municipality)
    rows = list(AccessLog.objects.filter(screen=screen).order_by("id"))
    connection.set_schema_to_public()
    return rows


def test_search_by_chiban_and_by_owner_then_parcel_house_and_nayose(login, alpha, ledger):
    clerk = login("hayama-clerk", ALPHA_HOST)
    # by 地番 (前方一致): the parcel and the house of 100番1
    page = clerk.post("/zeimu/kotei/", {"chiban": "100番"}).content.decode()
    assert "検索結果（2件）" in page and "山田　太郎" in page
    # by the 住登外 owner's 宛名番号: the 共有 parcel, with both owners and their 持分
    page = clerk.post("/zeimu/kotei/", {"atena_no": ledger["far"].atena_no}).content.decode()
    assert "200番" in page and "持分1/3" in page and "（住登外・転出）" in page
    rows = _rows(alpha, "zeimu.kotei_search")
    assert [r.detail["koteinozeisha_ids"] for r in rows] == [
        [ledger["alone"].pk],
        [ledger["joint"].pk],
    ]
    assert ledger["far"].atena_no not in str(rows[1].detail)  # ids only, never the number
    # a parcel and a house
    page = clerk.get(f"/zeimu/kotei/tochi/{ledger['tochi'].pk}/").content.decode()
    assert "住宅用地（住宅 1戸）" in page and "18,900,600円" in page and "令和7年度" in page
    page = clerk.get(f"/zeimu/kotei/kaoku/{ledger['kaoku'].pk}/").content.decode()
    assert "専用住宅" in page and "令和6年7月10日" in page
    # the 名寄帳 with the year's figures, 期別 and 課税明細
    page = clerk.get(f"/zeimu/kotei/nayose/{ledger['alone'].pk}/?fiscal_year={FY}").content.decode()
    assert "150,500円" in page and "新築住宅の減額（令和9年度まで）" in page
    assert "負担水準 99.0%" in page and "令和7年4月30日" in page
    assert 'target="_blank" rel="noopener"' in page
    assert _rows(alpha, "zeimu.kotei_nayose")[-1].record_id == str(ledger["alone"].pk)


def test_nayose_and_notice_pdfs(login, alpha, ledger):
    clerk = login("hayama-clerk", ALPHA_HOST)
    r = clerk.get(f"/zeimu/kotei/nayose/{ledger['alone'].pk}/{FY}/nayose.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = squash(" ".join(pdf_pages(r.content)))
    assert "名寄帳" in text and "18,900,600" in text and "13,300,000" in text
    r = clerk.get(f"/zeimu/kotei/fuka/{ledger['fuka'].pk}/notice.pdf")
    assert r.status_code == 200
    text = squash(" ".join(pdf_pages(r.content)))
    assert "納税通知書" in text and "課税明細書" in text and "209,300" in text
    assert "山田太郎様" in text
    printed = _rows(alpha, "zeimu.kotei_notice_pdf")
    assert printed[-1].action == "print" and printed[-1].detail["atena_ids"] == [ledger["head"].pk]
    # the 閲覧者 may see the 名寄帳 but not print a notice
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert viewer.get(f"/zeimu/kotei/fuka/{ledger['fuka'].pk}/notice.pdf").status_code == 403


def test_kosei_and_genmen_from_the_screen(login, alpha, ledger):
    clerk = login("hayama-clerk", ALPHA_HOST)
    pk = ledger["fuka"].pk
    r = clerk.post(
        f"/zeimu/kotei/fuka/{pk}/genmen/",
        {"genmen_kotei": "50500", "genmen_toshi": "0", "reason": "町税条例第71条（災害）"},
    )
    assert r.status_code == 302
    connection.set_tenant(alpha.municipality)
    current = KoteiFuka.objects.get(nozeisha=ledger["alone"], is_current=True)
    assert (current.version, current.nengaku, current.reason) == (
        2,
        158_800,
        "町税条例第71条（災害）",
    )
    connection.set_schema_to_public()
    page = clerk.get(r["Location"]).content.decode()
    assert "減免を記録しました" in page and "更正前" in page
    # nothing changed in the ledger: the 更正 is refused with the reason said
    page = clerk.post(f"/zeimu/kotei/fuka/{current.pk}/kosei/", {"reason": "再計算"}, follow=True)
    assert "変わりません" in page.content.decode()
    # the 閲覧者 cannot write
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert viewer.post(f"/zeimu/kotei/fuka/{current.pk}/kosei/", {"reason": "x"}).status_code == 403


def test_results_list_and_the_jobs_from_the_screen(
    login, alpha, ledger, django_capture_on_commit_callbacks
):
    clerk = login("hayama-clerk", ALPHA_HOST)
    page = clerk.get(f"/zeimu/kotei/fuka/?fiscal_year={FY}").content.decode()
    assert "納税義務者 2人（うち課税 2人）" in page and "令和7年度" in page
    # a second 当初賦課 of the year adds nobody
    with django_capture_on_commit_callbacks(execute=True):
        r = clerk.post("/zeimu/kotei/tosho/", {"fiscal_year": str(FY)})
    assert r.status_code == 302 and r["Location"].startswith("/jobs/")
    # the mass print: one PDF for the chunk and the print-data CSV
    with django_capture_on_commit_callbacks(execute=True):
        r = clerk.post(
            "/zeimu/kotei/print/",
            {
                "fiscal_year": str(FY),
                "tsuchi_date": "令和7年4月10日",
                "print_data_encoding": "utf-8-sig",
            },
        )
    assert r.status_code == 302, r.content.decode()[:2000]
    connection.set_tenant(alpha.municipality)
    assert KoteiFuka.objects.count() == 2
    files = list(JobFile.objects.filter(job__kind="zeimu_kotei_notice_print").order_by("name"))
    assert [f.name.endswith(".pdf") for f in files] == [True, False]
    assert files[0].job.status == JobStatus.SUCCEEDED
    from django.core.files.storage import default_storage

    with default_storage.open(files[1].path, "rb") as fh:
        csv_text = fh.read().decode("utf-8-sig")
    assert "固定資産税・都市計画税 納税通知書" in csv_text and "山田　太郎" in csv_text
    assert "外1名" in csv_text  # the 共有 notice goes to the 代表者 naming the others
    connection.set_schema_to_public()


def test_samukawa_gets_404_everywhere(login, ledger):
    other = login("samukawa-clerk", BETA_HOST)
    pk = ledger["alone"].pk
    for url in (
        "/zeimu/kotei/",
        f"/zeimu/kotei/tochi/{ledger['tochi'].pk}/",
        f"/zeimu/kotei/kaoku/{ledger['kaoku'].pk}/",
        f"/zeimu/kotei/nayose/{pk}/",
        f"/zeimu/kotei/nayose/{pk}/{FY}/nayose.pdf",
        f"/zeimu/kotei/fuka/{ledger['fuka'].pk}/notice.pdf",
        "/zeimu/kotei/fuka/",
        "/zeimu/kotei/tosho/",
    ):
        assert other.get(url).status_code == 404, url
    assert other.post("/zeimu/kotei/", {"chiban": "100"}).status_code == 404


def _key(town, host: str, scopes: list[str]):
    from django.test import Client

    from tenants.api.authentication import apiclient_create

    _, key = apiclient_create(municipality=town.municipality, name="資産税連携", scopes=scopes)
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {key}")


def test_api_lookup_nayose_parcel_and_house_logged_and_walled(alpha, beta, ledger):
    api = _key(alpha, ALPHA_HOST, ["kotei_shisanzei:read"])
    # a 共有者 who lives elsewhere: the lookup by 宛名番号 (POST) finds the 共有 and her own
    r = api.post(
        "/api/v1/zeimu/kotei/nozeisha/lookup/",
        {"atena_no": ledger["far"].atena_no, "fiscal_year": FY},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert [x["nozeisha_id"] for x in body["results"]] == [ledger["joint"].pk]
    joint = body["results"][0]
    assert [o["mochibun"] for o in joint["owners"]] == [[2, 3], [1, 3]]
    assert joint["fuka"]["kotei_zeigaku"] == 91_000
    r = api.get(f"/api/v1/zeimu/kotei/nozeisha/{ledger['alone'].pk}/?fiscal_year={FY}")
    assert r.status_code == 200 and r.json()["fuka"]["nengaku"] == 209_300
    r = api.get(f"/api/v1/zeimu/kotei/tochi/{ledger['tochi'].pk}/")
    assert r.json()["kakaku"] == [
        {
            "fiscal_year": FY,
            "kakaku": 18_900_600,
            "zennen_kotei": 3_119_250,
            "zennen_toshi": 6_390_750,
        }
    ]
    r = api.get(f"/api/v1/zeimu/kotei/kaoku/{ledger['kaoku'].pk}/")
    assert r.json()["shinchiku_date"] == "2024-07-10"
    logged = _rows(alpha, "api.zeimu.kotei_nozeisha")
    assert len(logged) == 2 and logged[0].detail["koteinozeisha_ids"] == [ledger["joint"].pk]
    # 寒川町's key (no 固定資産税) reaches nothing of 葉山町's
    other = _key(beta, BETA_HOST, ["juminkiroku:read"])
    r = other.get(f"/api/v1/zeimu/kotei/tochi/{ledger['tochi'].pk}/")
    assert r.status_code in (403, 404)
    r = other.post(
        "/api/v1/zeimu/kotei/nozeisha/lookup/",
        {"atena_no": ledger["far"].atena_no, "fiscal_year": FY},
        content_type="application/json",
    )
    assert r.status_code in (403, 404) and "results" not in r.json()


def test_a_long_kazei_meisai_continues_on_a_second_page(
    login, alpha, django_capture_on_commit_callbacks
):
    # given one owner with ten parcels (the first page holds eight rows of the 課税明細)
    connection.set_tenant(alpha.municipality)
    _, (head,) = household_tennyu("hayama", ido_date=date(2015, 4, 1))
    many = owner(head.pk)
    for i in range(10):
        tochi(many, f"{500 + i}番", 1_000_000, "300", "nochi", shigaika=False)
    run_tosho(django_capture_on_commit_callbacks)
    fuka = KoteiFuka.objects.get(nozeisha=many)
    connection.set_schema_to_public()
    # when its notice is printed
    r = login("hayama-clerk", ALPHA_HOST).get(f"/zeimu/kotei/fuka/{fuka.pk}/notice.pdf")
    # then two pages: the notice with eight rows, then 「課税明細書（続き）」 with two
    pages = [squash(p) for p in pdf_pages(r.content)]
    assert len(pages) == 2
    assert "課税明細書（続き）" in pages[1] and "509番" in pages[1] and "509番" not in pages[0]
