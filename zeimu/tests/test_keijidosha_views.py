"""軽自動車税 screens and API: search by 標識番号 and by owner (POST), a vehicle with its
history, registration, 廃車 and 更正, 減免 from the screen, the notice one at a time and the
mass print, the results and the 当初 job, the 試算 (screen and API, nothing saved); every
read logged; 寒川町 gets 404 on all of it; 閲覧者 cannot write."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.storage import default_storage

from juminkiroku.tests.factories import family, household_tennyu, jutogai
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.jobs.models import JobFile, JobStatus
from tenants.testing.pdf import pdf_pages, squash
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.models import Chotei, KeiFuka, KeiIdo, KeiSharyo, Kibetsu, Zeimoku
from zeimu.tests.keijidosha_helpers import FY, run_tosho, sharyo

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(alpha, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    _, (head, wife, _child) = household_tennyu(
        "hayama", members=family(), ido_date=date(2015, 4, 1)
    )
    far = jutogai(shimei="遠方　花子", kana="エンポウ　ハナコ")
    old = sharyo(head.pk, "湘南 580 あ 12-34", shodo=(2013, 3), toroku=date(2013, 3, 20))
    ev = sharyo(
        far.pk,
        "湘南 580 え 2-22",
        shodo=(2025, 9),
        toroku=date(2025, 9, 1),
        nenryo="denki",
        green_kubun="denki_tennen",
    )
    run_tosho(django_capture_on_commit_callbacks)
    data = {
        "head": head,
        "wife": wife,
        "far": far,
        "old": old,
        "ev": ev,
        "fuka": KeiFuka.objects.get(sharyo=old),
    }
    connection.set_schema_to_public()
    return data


def _rows(alpha, screen: str) -> list[AccessLog]:
    connection.set_tenant(alpha.municipality)
    rows = list(AccessLog.objects.filter(screen=screen).order_by("id"))
    connection.set_schema_to_public()
    return rows


def test_search_by_plate_and_by_owner_then_the_vehicle(login, alpha, ledger):
    clerk = login("hayama-clerk", ALPHA_HOST)
    page = clerk.post("/zeimu/kei/", {"hyoshiki_bango": "湘南 580"}).content.decode()
    assert "検索結果（2台）" in page and "山田　太郎" in page and "四輪 乗用 自家用" in page
    page = clerk.post("/zeimu/kei/", {"atena_no": ledger["far"].atena_no}).content.decode()
    assert "検索結果（1台）" in page and "湘南 580 え 2-22" in page and "（住登外・転出）" in page
    rows = _rows(alpha, "zeimu.kei_search")
    assert [r.detail["atena_ids"] for r in rows] == [
        sorted([ledger["head"].pk, ledger["far"].pk]),
        [ledger["far"].pk],
    ]
    assert ledger["far"].atena_no not in str(rows[1].detail)
    # the vehicle: history, the 令和8年度 重課, its 納付番号, in 和暦
    page = clerk.get(f"/zeimu/kei/sharyo/{ledger['old'].pk}/").content.decode()
    assert "重課（13年経過）" in page and "12,900円" in page and "平成25年3月1日" in page
    assert ledger["fuka"].nofu_bango in page and "令和8年度" in page
    assert _rows(alpha, "zeimu.kei_sharyo")[-1].detail["atena_ids"] == [ledger["head"].pk]


def test_register_haisha_kosei_and_genmen_from_the_screens(login, alpha, ledger):
    clerk = login("hayama-clerk", ALPHA_HOST)
    # a new vehicle of the wife (四輪 貨物 自家用)
    r = clerk.post(
        "/zeimu/kei/sharyo/new/",
        {
            "hyoshiki_bango": "湘南 480 か 5-55",
            "shadai_bango": "DA17V-123456",
            "shubetsu": "kamotsu_jika",
            "shodo_kensa": "令和2年2月1日",
            "nenryo": "gasoline",
            "green_kubun": "",
            "toroku_date": "令和2年2月5日",
            "shoyusha_no": ledger["wife"].atena_no,
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    connection.set_tenant(alpha.municipality)
    new = KeiSharyo.objects.get(hyoshiki_bango="湘南 480 か 5-55")
    connection.set_schema_to_public()
    # a control character is refused by the platform's text guard, nothing written
    r = clerk.post(
        "/zeimu/kei/sharyo/new/",
        {
            "hyoshiki_bango": "湘南\x07",
            "shubetsu": "gentsuki_50",
            "nenryo": "gasoline",
            "toroku_date": "令和2年2月5日",
            "shoyusha_no": ledger["wife"].atena_no,
        },
    )
    assert r.status_code == 400
    # the 13-year-old car was 廃車 on 3月25日, reported late: 廃車, then 更正 to 0
    r = clerk.post(
        f"/zeimu/kei/sharyo/{ledger['old'].pk}/ido/",
        {"kind": "haisha", "ido_date": "令和8年3月25日", "reason": "解体"},
    )
    assert r.status_code == 302
    page = clerk.post(
        f"/zeimu/kei/sharyo/{ledger['old'].pk}/kosei/",
        {"fiscal_year": str(FY), "reason": "廃車の届出遅れ"},
        follow=True,
    ).content.decode()
    assert "更正しました" in page and "課税なし（賦課期日に所有なし）" in page and "更正前" in page
    # 減免 of the EV (身体障害者等) from the screen
    page = clerk.post(
        f"/zeimu/kei/sharyo/{ledger['ev'].pk}/genmen/",
        {
            "fiscal_year": str(FY),
            "kind": "shintai",
            "decided_on": "令和8年5月10日",
            "reason": "町税条例第90条第1項",
        },
        follow=True,
    ).content.decode()
    assert "減免の決定を記録しました" in page and "身体障害者等" in page
    connection.set_tenant(alpha.municipality)
    assert KeiIdo.objects.filter(sharyo=new).count() == 1
    assert KeiSharyo.objects.count() == 3
    ev = KeiFuka.objects.get(sharyo=ledger["ev"], is_current=True)
    assert (ev.nengaku, ev.genmen_gaku) == (0, 2_700)
    kib = Kibetsu.objects.get(nofu_bango=ledger["fuka"].nofu_bango)
    assert sum(Chotei.objects.filter(kibetsu=kib).values_list("amount", flat=True)) == 0
    connection.set_schema_to_public()
    # the 閲覧者 cannot write
    viewer = login("hayama-viewer", ALPHA_HOST)
    r = viewer.post(f"/zeimu/kei/sharyo/{ledger['ev'].pk}/kosei/", {"fiscal_year": str(FY)})
    assert r.status_code == 403
    assert viewer.get("/zeimu/kei/sharyo/new/").status_code == 403


def test_notice_results_and_mass_print(login, alpha, ledger, django_capture_on_commit_callbacks):
    clerk = login("hayama-clerk", ALPHA_HOST)
    r = clerk.get(f"/zeimu/kei/fuka/{ledger['fuka'].pk}/notice.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = squash(" ".join(pdf_pages(r.content)))
    assert "軽自動車税（種別割）納税通知書" in text and "12,900" in text
    assert ledger["fuka"].nofu_bango in text and "山田太郎様" in text
    printed = _rows(alpha, "zeimu.kei_notice_pdf")
    assert printed[-1].action == "print" and printed[-1].detail["atena_ids"] == [ledger["head"].pk]
    page = clerk.get(f"/zeimu/kei/fuka/?fiscal_year={FY}").content.decode()
    assert "車両 2台（うち課税 2台）、年税額 15,600円" in page
    with django_capture_on_commit_callbacks(execute=True):
        r = clerk.post(
            "/zeimu/kei/print/",
            {
                "fiscal_year": str(FY),
                "tsuchi_date": "令和8年5月1日",
                "print_data_encoding": "utf-8-sig",
            },
        )
    assert r.status_code == 302, r.content.decode()[:2000]
    connection.set_tenant(alpha.municipality)
    files = list(JobFile.objects.filter(job__kind="zeimu_kei_notice_print").order_by("name"))
    assert [f.name.endswith(".pdf") for f in files] == [True, False]
    assert files[0].job.status == JobStatus.SUCCEEDED
    with default_storage.open(files[1].path, "rb") as fh:
        csv_text = fh.read().decode("utf-8-sig")
    assert "軽自動車税（種別割）納税通知書" in csv_text and ledger["fuka"].nofu_bango in csv_text
    connection.set_schema_to_public()
    # the 当初賦課 from the screen again adds nothing
    with django_capture_on_commit_callbacks(execute=True):
        r = clerk.post("/zeimu/kei/tosho/", {"fiscal_year": str(FY)})
    assert r.status_code == 302 and r["Location"].startswith("/jobs/")
    connection.set_tenant(alpha.municipality)
    assert KeiFuka.objects.count() == 2
    assert Kibetsu.objects.filter(zeimoku=Zeimoku.KEIJIDOSHA).count() == 2
    connection.set_schema_to_public()


def test_shisan_screen_and_api_save_nothing(login, alpha):
    clerk = login("hayama-clerk", ALPHA_HOST)
    page = clerk.post(
        "/zeimu/kei/shisan/",
        {
            "fiscal_year": "2026",
            "shubetsu": "joyo_jika",
            "shodo_kensa": "平成25年3月1日",
            "nenryo": "gasoline",
            "green_kubun": "",
        },
    ).content.decode()
    assert "重課（13年経過）" in page and "12,900円" in page
    page = clerk.post(
        "/zeimu/kei/shisan/",
        {"fiscal_year": "2026", "shubetsu": "joyo_jika", "nenryo": "gasoline"},
    ).content.decode()
    assert "初度検査年月を入力してください" in page
    from django.test import Client

    from tenants.api.authentication import apiclient_create

    _, key = apiclient_create(
        municipality=alpha.municipality, name="試算", scopes=["kei_jidoshazei:read"]
    )
    api = Client(HTTP_HOST=ALPHA_HOST, HTTP_AUTHORIZATION=f"Bearer {key}")
    r = api.post(
        "/api/v1/zeimu/kei/shisan/",
        {"fiscal_year": 2026, "shubetsu": "joyo_jika", "shodo_kensa": "2013-04-01"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["zeigaku"] == 7_200 and r.json()["kubun"] == "kyu"
    r = api.post(
        "/api/v1/zeimu/kei/shisan/",
        {"fiscal_year": 2023, "shubetsu": "joyo_jika", "shodo_kensa": "2013-04-01"},
        content_type="application/json",
    )
    assert r.status_code == 422
    connection.set_tenant(alpha.municipality)
    assert not KeiFuka.objects.exists() and not KeiSharyo.objects.exists()
    connection.set_schema_to_public()


def _key(town, host: str, scopes: list[str]):
    from django.test import Client

    from tenants.api.authentication import apiclient_create

    _, key = apiclient_create(municipality=town.municipality, name="軽自動車連携", scopes=scopes)
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {key}")


def test_api_lookup_and_vehicle_logged_and_walled(alpha, beta, ledger):
    api = _key(alpha, ALPHA_HOST, ["kei_jidoshazei:read"])
    r = api.post(
        "/api/v1/zeimu/kei/lookup/",
        {"atena_no": ledger["head"].atena_no, "fiscal_year": FY},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert [x["hyoshiki_bango"] for x in body["results"]] == ["湘南 580 あ 12-34"]
    assert body["results"][0]["fuka"]["nengaku"] == 12_900
    r = api.get(f"/api/v1/zeimu/kei/sharyo/{ledger['ev'].pk}/")
    assert r.status_code == 200
    assert r.json()["fuka"][0]["kubun"] == "green" and r.json()["shodo_kensa"] == "2025-09"
    logged = _rows(alpha, "api.zeimu.kei_lookup") + _rows(alpha, "api.zeimu.kei_sharyo")
    assert [row.detail["atena_ids"] for row in logged] == [
        [ledger["head"].pk],
        [ledger["far"].pk],
    ]
    # 寒川町's key reaches nothing of 葉山町's
    other = _key(beta, BETA_HOST, ["juminkiroku:read"])
    assert other.get(f"/api/v1/zeimu/kei/sharyo/{ledger['ev'].pk}/").status_code in (403, 404)
    r = other.post(
        "/api/v1/zeimu/kei/lookup/",
        {"atena_no": ledger["head"].atena_no, "fiscal_year": FY},
        content_type="application/json",
    )
    assert r.status_code in (403, 404) and "results" not in r.json()


def test_samukawa_gets_404_everywhere(login, ledger):
    other = login("samukawa-clerk", BETA_HOST)
    pk = ledger["old"].pk
    for url in (
        "/zeimu/kei/",
        "/zeimu/kei/sharyo/new/",
        f"/zeimu/kei/sharyo/{pk}/",
        f"/zeimu/kei/fuka/{ledger['fuka'].pk}/notice.pdf",
        "/zeimu/kei/fuka/",
        "/zeimu/kei/tosho/",
        "/zeimu/kei/print/",
        "/zeimu/kei/shisan/",
    ):
        assert other.get(url).status_code == 404, url
    assert other.post("/zeimu/kei/", {"hyoshiki_bango": "湘南"}).status_code == 404
    assert other.post(f"/zeimu/kei/sharyo/{pk}/kosei/", {"fiscal_year": "2026"}).status_code == 404
