"""施設型給付費の支払 through the API (HK-13) in two towns (葉山町 = alpha, 寒川町 = beta):
the month's 全銀 file and a payment's 支払通知書 are the same bytes as the screen's, ask the
write role (or an API key's write scope) as the screen does, and are logged (EXPORT,
PRINT); the 返納 — decided, paid back (戻入), its 納入通知書 — by the screen and by the API;
寒川町 gets 404 for 葉山町's ids and lists none of them.

Figures as test_hoiku_kyufuhi_henno.py (test data): 堀内保育園 (H01) June 100,000円 paid
on 7/10, 返納 10,000円."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from fukushi.models import HoikuKyufuhiHenno, HoikuKyufuhiSeikyu, HoikuKyufuhiShiharai
from fukushi.services.hoiku_kyufu_shiharai import kyufuhi_shiharai
from fukushi.tests.test_hoiku_kyufuhi import IRAININ, JUNE
from fukushi.tests.test_hoiku_kyufuhi_shiharai import _Capture, _data, _hayama_june
from fukushi.tests.test_hoikuryo_hiwari import ADMIN
from tenants.accesslog.models import AccessLog
from tenants.api.authentication import apiclient_create
from tenants.db import connection
from tenants.testing.pdf import pdf_pages
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db

API = "/api/v1/fukushi/hoiku/kyufuhi/"
SCREEN = "/fukushi/kodomo-kosodate/kyufuhi/shiharai/"


def _key(town, host: str, name: str, scopes: list[str]) -> Client:
    _, key = apiclient_create(municipality=town.municipality, name=name, scopes=scopes)
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {key}")


def test_files_through_the_api_are_the_screens_bytes_in_two_towns(
    alpha, beta, login, django_capture_on_commit_callbacks
):
    h01, _ = _hayama_june(_Capture(alpha, beta, django_capture_on_commit_callbacks))
    (p,) = kyufuhi_shiharai(month=JUNE, shiharai_date=date(2025, 7, 10), irainin=IRAININ,
                            actor=ADMIN)  # fmt: skip
    reader = _key(alpha, ALPHA_HOST, "連携（参照）", ["kodomo_kosodate:read"])
    writer = _key(alpha, ALPHA_HOST, "連携（更新）", ["kodomo_kosodate:write"])
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    viewer = login("hayama-viewer", ALPHA_HOST)
    # the file: the screen's bytes, read back; a 閲覧者 and a read-only key are refused
    screen_file = clerk.post(f"{SCREEN}furikomi/", {"month": "2025-06"}).content
    r = clerk.get(f"{API}shiharai/furikomi/?month=2025-06-01")
    assert r.status_code == 200 and r["Content-Type"] == "application/octet-stream"
    assert r.content == screen_file
    assert _data(r.content) == [(100_000, "1111111", h01.pk)]
    assert writer.get(f"{API}shiharai/furikomi/?month=2025-06-15").content == screen_file
    assert viewer.get(f"{API}shiharai/furikomi/?month=2025-06-01").status_code == 403
    assert reader.get(f"{API}shiharai/furikomi/?month=2025-06-01").status_code == 403
    assert clerk.get(f"{API}shiharai/furikomi/").status_code == 400
    r = clerk.get(f"{API}shiharai/furikomi/?month=2025-05-01")
    assert r.status_code == 422 and "まだ支払っていません" in str(r.json())
    # the 支払通知書: the screen's bytes
    screen_pdf = clerk.post(f"{SCREEN}{p.pk}/tsuchi/", {"tsuchi_date": "令和7年7月10日"}).content
    r = clerk.get(f"{API}shiharai/{p.pk}/tsuchi/?tsuchi_date=2025-07-10")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content == screen_pdf
    assert "堀内保育園" in pdf_pages(r.content)[0]
    assert reader.get(f"{API}shiharai/{p.pk}/tsuchi/?tsuchi_date=2025-07-10").status_code == 403
    assert clerk.get(f"{API}shiharai/{p.pk}/tsuchi/").status_code == 400
    assert clerk.get(f"{API}shiharai/{2**63}/tsuchi/?tsuchi_date=2025-07-10").status_code == 404
    # 寒川町: 葉山町's payment is not found, its month has no payment
    other = login("samukawa-clerk", BETA_HOST)
    assert other.get(f"{API}shiharai/{p.pk}/tsuchi/?tsuchi_date=2025-07-10").status_code == 404
    assert other.get(f"{API}shiharai/furikomi/?month=2025-06-01").status_code == 422
    connection.set_tenant(alpha.municipality)
    logged = AccessLog.objects.filter(screen="fukushi.hoiku_kyufuhi_shiharai")
    assert [logged.filter(action=a).count() for a in ("export", "print")] == [3, 2]
    connection.set_tenant(beta.municipality)
    assert not AccessLog.objects.filter(
        screen="fukushi.hoiku_kyufuhi_shiharai", action__in=["export", "print"]
    ).exists()


def test_henno_by_the_screen_and_the_api_in_two_towns(
    alpha, beta, login, django_capture_on_commit_callbacks
):
    h01, _ = _hayama_june(_Capture(alpha, beta, django_capture_on_commit_callbacks))
    (p,) = kyufuhi_shiharai(month=JUNE, shiharai_date=date(2025, 7, 10), irainin=IRAININ,
                            actor=ADMIN)  # fmt: skip
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    viewer = login("hayama-viewer", ALPHA_HOST)
    other = login("samukawa-clerk", BETA_HOST)
    form = {"month": "2025-06", "shiharai": str(p.pk), "kettei_date": "令和7年8月1日",
            "gaku": "10000", "riyu": "公定価格の入力誤り（過払）", "kigen": "令和7年8月29日",
            "tsuchi_date": "令和7年8月4日"}  # fmt: skip
    # the screen: a 閲覧者 may not decide; a refused 返納 writes nothing; then decided
    assert viewer.post(f"{SCREEN}henno/", form).status_code == 403
    page = clerk.post(f"{SCREEN}henno/", {**form, "gaku": "100001"}, follow=True)
    assert "返納額は1〜100,000円" in page.content.decode()
    page = clerk.post(f"{SCREEN}henno/", {**form, "riyu": "誤り\x07"}, follow=True)
    assert page.status_code == 400 and "制御文字（U+0007）" in page.content.decode()
    connection.set_tenant(alpha.municipality)
    assert HoikuKyufuhiHenno.objects.count() == 0
    connection.set_schema_to_public()
    page = clerk.post(f"{SCREEN}henno/", form, follow=True).content.decode()
    assert "堀内保育園の支払の返納（10,000円）を決定しました" in page
    assert "公定価格の入力誤り（過払）" in page and "未納（納入通知済）" in page
    connection.set_tenant(alpha.municipality)
    h = HoikuKyufuhiHenno.objects.get()
    connection.set_schema_to_public()
    # the API: the same 返納 listed and shown with its history; a second one refused (422)
    listed = clerk.get(f"{API}henno/?month=2025-06-01").json()
    assert listed["count"] == 1
    row = listed["results"][0]
    assert (row["code"], row["gaku"], row["zan"], row["jotai"], row["shiharai_gaku"]) == (
        "H01", 10_000, 10_000, "mino", 100_000)  # fmt: skip
    body = {"kettei_date": "2025-08-01", "gaku": 5_000, "riyu": "重ねて",
            "kigen": "2025-08-29", "tsuchi_date": "2025-08-04"}  # fmt: skip
    r = clerk.post(f"{API}shiharai/{p.pk}/henno/", body, content_type="application/json")
    assert r.status_code == 422 and "この支払の返納は決定済み" in str(r.json())
    r = clerk.post(f"{API}shiharai/{p.pk}/henno/", {**body, "riyu": "\x00"},
                   content_type="application/json")  # fmt: skip
    assert r.status_code == 400
    assert viewer.post(f"{API}henno/{h.pk}/reinyu/", {"gaku": 1, "reinyu_date": "2025-08-20"},
                       content_type="application/json").status_code == 403  # fmt: skip
    # 戻入 6,000円 by the screen, 4,000円 by the API → 完納, the 請求 back to 受付
    page = clerk.post(f"{SCREEN}henno/{h.pk}/reinyu/",
                      {"gaku": "6000", "reinyu_date": "令和7年8月20日"}, follow=True)  # fmt: skip
    assert "戻入を記録しました（残額 4,000円）" in page.content.decode()
    r = clerk.post(f"{API}henno/{h.pk}/reinyu/", {"gaku": 4_001, "reinyu_date": "2025-08-25"},
                   content_type="application/json")  # fmt: skip
    assert r.status_code == 422 and "残額（4,000円）を超えています" in str(r.json())
    r = clerk.post(f"{API}henno/{h.pk}/reinyu/", {"gaku": 4_000, "reinyu_date": "2025-08-25"},
                   content_type="application/json")  # fmt: skip
    assert r.status_code == 200 and (r.json()["jotai"], r.json()["zan"]) == ("kanno", 0)
    detail = clerk.get(f"{API}henno/{h.pk}/").json()
    assert [x["kind"] for x in detail["rireki"]] == ["kettei", "reinyu", "reinyu"]
    paid = clerk.get(f"{API}shiharai/?month=2025-06-01").json()["results"][0]
    assert (paid["gaku"], paid["kai"], paid["henno_id"]) == (100_000, 1, h.pk)
    # the 納入通知書: the screen's bytes, read back
    screen_pdf = clerk.post(f"{SCREEN}henno/{h.pk}/tsuchi/").content
    r = clerk.get(f"{API}henno/{h.pk}/tsuchi/")
    assert r.status_code == 200 and r.content == screen_pdf
    assert "施設型給付費等返納金納入通知書" in pdf_pages(r.content)[0]
    assert viewer.get(f"{API}henno/{h.pk}/tsuchi/").status_code == 403
    connection.set_tenant(alpha.municipality)
    q = HoikuKyufuhiSeikyu.objects.get(shisetsu=h01)
    assert q.jotai == "uketsuke"
    connection.set_schema_to_public()
    # 寒川町: 404 for every id of 葉山町's, nothing listed, nothing written
    assert other.get(f"{API}henno/").json()["count"] == 0
    assert other.get(f"{API}henno/{h.pk}/").status_code == 404
    assert other.get(f"{API}henno/{h.pk}/tsuchi/").status_code == 404
    r = other.post(f"{API}henno/{h.pk}/reinyu/", {"gaku": 1, "reinyu_date": "2025-08-25"},
                   content_type="application/json")  # fmt: skip
    assert r.status_code == 404
    r = other.post(f"{API}shiharai/{p.pk}/henno/", body, content_type="application/json")
    assert r.status_code == 404
    r = other.post(f"{SCREEN}henno/{h.pk}/reinyu/", {"gaku": "1", "reinyu_date": "令和7年8月25日"})
    assert r.status_code == 404
    page = other.get(f"{SCREEN}?month=2025-06").content.decode()
    assert "この月の支払の返納はありません" in page and "公定価格の入力誤り" not in page
    connection.set_tenant(beta.municipality)
    assert HoikuKyufuhiHenno.objects.count() == 0
    assert HoikuKyufuhiShiharai.objects.count() == 0
    connection.set_tenant(alpha.municipality)
    assert HoikuKyufuhiHenno.objects.get().reinyu_gaku == 10_000
