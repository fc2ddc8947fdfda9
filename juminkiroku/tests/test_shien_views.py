"""支援措置 on every path (標準仕様書 1.1.16, 2.2.4, 3.1, 3.3, 3.4, 9.2): the
registration and 支援対象者照会 screens, the person and household screens, search, the
API, certificates, the 抑止対象者一覧 CSV; two towns each time."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest
from django.utils import timezone

from juminkiroku.models import ShienSochi, Yokushi
from juminkiroku.selectors.search import criteria_from_data, search_page
from juminkiroku.services.yokushi import Heisha, Kagaisha, ShienInput, shien_sochi_register
from juminkiroku.tests.factories import actor_for, family, household_tennyu, tenshutsu
from juminkiroku.tests.test_api_search import key_client
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db


@pytest.fixture
def yamada(alpha):
    connection.set_tenant(alpha.municipality)
    _, people = household_tennyu("hayama", members=family())
    connection.set_schema_to_public()
    return people


def _shien(town, head, wife, child, *, start=None):
    connection.set_tenant(town.municipality)
    start = start or timezone.localdate()
    shien = shien_sochi_register(
        atena_id=wife.pk, start_date=start, moshide_date=min(start, timezone.localdate()),
        note="", actor=actor_for("hayama-shinsa"),
        extra=ShienInput(
            heisha=[Heisha(atena_id=child.pk, kankei="子")],
            kagaisha=[Kagaisha(shimei="山田　太郎", atena_id=head.pk, jusho="葉山町一色")],
        ),
    ).shien  # fmt: skip
    connection.set_schema_to_public()
    return shien


def test_register_through_the_screen_then_shien_page_for_the_responsible_only(login, alpha, yamada):
    head, wife, child = yamada
    shinsa = login("hayama-shinsa", ALPHA_HOST)
    r = shinsa.post(
        "/juminkiroku/yokushi/",
        {"kind": "shien", "atena_no": wife.atena_no, "kari": "on", "start_date": "令和6年4月1日",
         "moshide_date": "令和6年4月1日", "renrakusaki": "090-1111-2222",
         "jimu_kofu": "on", "heisha_atena_no": child.atena_no, "heisha_kankei": "子",
         "kagaisha_shimei": "山田　太郎", "kagaisha_atena_no": head.atena_no,
         "kagaisha_sonota": "勤務先は横浜市", "yokushi_jusho": "現住所及び前住所",
         "tosho_uketsuke": "東京都新宿区", "tenso_uketsuke_date": "令和6年3月29日"},
    )  # fmt: skip
    connection.set_tenant(alpha.municipality)
    shien = ShienSochi.objects.get()
    connection.set_schema_to_public()
    assert r.status_code == 302 and r["Location"].endswith(f"/juminkiroku/shien/{shien.pk}/")
    page = shinsa.get(f"/juminkiroku/shien/{shien.pk}/").content.decode()
    assert "仮支援措置期間中" in page and "勤務先は横浜市" in page and "090-1111-2222" in page
    assert "住民票の写し等の交付" in page and "住民基本台帳の閲覧" not in page
    assert child.atena_no in page
    assert "現住所及び前住所" in page and "東京都新宿区" in page and "令和6年3月29日" in page
    # Confirm the need: the one-year period starts.
    shinsa.post(f"/juminkiroku/shien/{shien.pk}/", {"act": "kakutei", "day": "令和6年4月10日"})
    connection.set_tenant(alpha.municipality)
    shien.refresh_from_db()
    assert not shien.kari and shien.end_date == date(2025, 4, 9)
    connection.set_schema_to_public()
    # A clerk without the 抑止 grants is refused (logged as denied); the other town: 404.
    clerk = login("hayama-clerk", ALPHA_HOST)
    refused = clerk.get(f"/juminkiroku/shien/{shien.pk}/")
    assert refused.status_code == 403 and "勤務先" not in refused.content.decode()
    connection.set_tenant(alpha.municipality)
    assert AccessLog.objects.filter(record_type="shien_sochi", action="denied").exists()
    connection.set_schema_to_public()
    other = login("samukawa-shinsa", BETA_HOST)
    assert other.get(f"/juminkiroku/shien/{shien.pk}/").status_code == 404
    assert (
        other.post(
            f"/juminkiroku/shien/{shien.pk}/", {"act": "end", "reason": "moshide"}
        ).status_code
        == 404
    )
    connection.set_tenant(alpha.municipality)
    assert ShienSochi.objects.get().ended_at is None
    connection.set_schema_to_public()
    # Ending through the screen (no need found, the 申出者 told) releases the locks.
    shinsa.post(
        f"/juminkiroku/shien/{shien.pk}/", {"act": "end", "reason": "fuyo", "day": "令和6年4月15日"}
    )
    connection.set_tenant(alpha.municipality)
    ended = ShienSochi.objects.get()
    assert ended.end_reason == "fuyo" and ended.fuyo_renraku_date == date(2024, 4, 15)
    assert not Yokushi.objects.filter(released_at__isnull=True).exists()


def test_register_refuses_bad_input_in_japanese_and_writes_nothing(login, alpha, yamada):
    _, wife, _ = yamada
    shinsa = login("hayama-shinsa", ALPHA_HOST)
    for bad, message in (
        ({"renrakusaki": "090\x00"}, "制御文字"),
        (
            {"heisha_atena_no": "9999999999", "heisha_kankei": "子"},
            "宛名番号に該当する人がいません",
        ),
        ({"kagaisha_atena_no": wife.atena_no}, "加害者の氏名"),
        ({"start_date": "あした"}, "日付"),
    ):
        r = shinsa.post(
            "/juminkiroku/yokushi/",
            {"kind": "shien", "atena_no": wife.atena_no, **bad},
            follow=True,
        )
        assert message in r.content.decode(), bad
    connection.set_tenant(alpha.municipality)
    assert ShienSochi.objects.count() == 0 and Yokushi.objects.count() == 0


def test_person_screens_show_the_shien_and_its_alerts(login, alpha, yamada):
    """2.2.4 and 3.4: 支援措置期間中 shown with a link; 1か月以内 / 期間終了 alerts; the
    加害者's record flagged."""
    head, wife, child = yamada
    today = timezone.localdate()
    # Started almost a year ago: its end falls within the month.
    shien = _shien(alpha, head, wife, child, start=today - timedelta(days=350))
    shinsa = login("hayama-shinsa", ALPHA_HOST)
    for person in (wife, child):
        page = shinsa.get(f"/juminkiroku/persons/{person.pk}/").content.decode()
        assert f"/juminkiroku/shien/{shien.pk}/" in page and "支援措置期間中" in page
        assert "1か月以内に支援措置の期間が終了します" in page
    assert "加害者として登録" in shinsa.get(f"/juminkiroku/persons/{head.pk}/").content.decode()
    assert "加害者として登録" not in shinsa.get(f"/juminkiroku/persons/{wife.pk}/").content.decode()
    # The end passes without an extension: still protected, and the screens say so.
    shinsa.post(
        f"/juminkiroku/shien/{shien.pk}/",
        {"act": "correct", "day": (today - timedelta(days=1)).isoformat()},
    )
    page = shinsa.get(f"/juminkiroku/persons/{child.pk}/").content.decode()
    assert "支援措置の期間が終了しています" in page and "支援措置期間中" in page
    home = shinsa.get("/juminkiroku/yokushi/").content.decode()
    assert 'data-testid="shien-past-end"' in home and "終了日経過" in home
    other = login("samukawa-shinsa", BETA_HOST)
    assert other.get(f"/juminkiroku/persons/{wife.pk}/").status_code == 404


def test_search_and_api_flag_the_applicant_and_the_heisha(world, alpha, yamada):
    head, wife, child = yamada
    _shien(alpha, head, wife, child)
    connection.set_tenant(alpha.municipality)
    rows = {r.atena.pk: r for r in search_page(criteria_from_data({"kana": "やまだ"})).rows}
    assert rows[wife.pk].alert and rows[child.pk].alert and not rows[head.pk].alert
    connection.set_schema_to_public()
    api = key_client(alpha, ALPHA_HOST)
    for person, flagged in ((wife, True), (child, True), (head, False)):
        data = api.get(f"/api/v1/juminkiroku/persons/{person.pk}/").json()
        assert data["shien_sochi"] is flagged
    found = api.post(
        "/api/v1/juminkiroku/search/", json.dumps({"kana": "やまだ"}),
        content_type="application/json",
    ).json()  # fmt: skip
    assert "山田" in json.dumps(found, ensure_ascii=False)
    # The other town's key does not reach these persons.
    beta_api = key_client(world.beta, BETA_HOST)
    assert beta_api.get(f"/api/v1/juminkiroku/persons/{wife.pk}/").status_code == 404


def test_certificate_screen_refuses_the_heisha(login, alpha, yamada):
    head, wife, child = yamada
    _shien(alpha, head, wife, child)
    clerk = login("hayama-clerk", ALPHA_HOST)
    r = clerk.post(
        "/juminkiroku/shomei/",
        {"atena_no": child.atena_no, "kind": "juminhyo", "seikyusha": "daisansha", "copies": "1"},
        follow=True,
    )
    assert "発行抑止" in r.content.decode() or "第三者" in r.content.decode()
    connection.set_tenant(alpha.municipality)
    from juminkiroku.models import ShomeiKofu

    assert ShomeiKofu.objects.count() == 0


def test_yokushi_taishosha_csv(login, alpha, beta, yamada):
    """9.2: 抑止対象者一覧, through the platform's CSV writer; the other town's is its own."""
    head, wife, child = yamada
    _shien(alpha, head, wife, child)
    shinsa = login("hayama-shinsa", ALPHA_HOST)
    r = shinsa.get("/juminkiroku/yokushi/csv/")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["対象", "宛名番号", "世帯番号"]
    numbers = {row[1] for row in rows[1:]}
    assert numbers == {head.atena_no, wife.atena_no, child.atena_no}
    assert len(rows) == 6  # header + 2 locks each for wife and child + 1 alert for head
    connection.set_tenant(alpha.municipality)
    log = AccessLog.objects.filter(action="export", screen="抑止対象者一覧CSV").get()
    assert log.record_count == 5
    connection.set_schema_to_public()
    assert login("hayama-clerk", ALPHA_HOST).get("/juminkiroku/yokushi/csv/").status_code == 403
    other = login("samukawa-shinsa", BETA_HOST).get("/juminkiroku/yokushi/csv/")
    assert (
        other.status_code == 200
        and len(list(csv.reader(io.StringIO(other.content.decode("utf-8-sig"))))) == 1
    )


def test_33_household_screen_lists_removed_members(
    login, alpha, yamada, django_capture_on_commit_callbacks
):
    head, wife, child = yamada
    connection.set_tenant(alpha.municipality)
    tenshutsu(child, ido_date=date(2024, 6, 1), todoke_date=date(2024, 5, 25))
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    page = clerk.get(f"/juminkiroku/setai/{head.setai_id}/").content.decode()
    removed = page[page.index('data-testid="setai-removed"') :]
    assert child.shimei in removed and "転出" in removed and wife.shimei not in removed
    other = login("samukawa-clerk", BETA_HOST)
    assert other.get(f"/juminkiroku/setai/{head.setai_id}/").status_code == 404


def test_shuryo_tsuchi_pdf_for_the_ending_list(login, alpha, yamada):
    """3.4: the 支援措置期間終了通知 (20.5.1) is printed before the end, from the list of
    those ending within a month; one page per 申出者, logged as a print; refusals."""
    from tenants.testing.pdf import pdf_pages

    head, wife, child = yamada
    today = timezone.localdate()
    shien = _shien(alpha, head, wife, child, start=today - timedelta(days=350))
    shinsa = login("hayama-shinsa", ALPHA_HOST)
    home = shinsa.get("/juminkiroku/yokushi/").content.decode()
    assert f'name="shien" value="{shien.pk}"' in home  # date-driven: it is on the list
    r = shinsa.post("/juminkiroku/shien/tsuchi/", {"shien": [str(shien.pk)]})
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    (page,) = pdf_pages(r.content)
    assert "支援措置期間終了のお知らせ" in page and "山田花子様" in page
    connection.set_tenant(alpha.municipality)
    assert AccessLog.objects.filter(
        action="print", record_type="shien_sochi", record_id=str(shien.pk)
    ).exists()
    connection.set_schema_to_public()
    # Without the grant, or from the other town: no PDF.
    clerk = login("hayama-clerk", ALPHA_HOST)
    refused = clerk.post("/juminkiroku/shien/tsuchi/", {"shien": [str(shien.pk)]})
    assert refused.status_code == 302
    other = login("samukawa-shinsa", BETA_HOST)
    r = other.post("/juminkiroku/shien/tsuchi/", {"shien": [str(shien.pk)]}, follow=True)
    assert "application/pdf" not in r["Content-Type"] and "終了または延長済み" in r.content.decode()
