"""請求書: the PDF's content, installments and due dates, and who may fetch which."""

from __future__ import annotations

import re
import subprocess
from datetime import date

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import set_urlconf

from billing.models import AllocationRun
from billing.rules import split_installments
from billing.services.allocation import allocation_run
from billing.services.invoices import (
    InvoiceError,
    Schedule,
    installment_schedule,
    invoice_number,
)
from billing.tests.factories import unei_pool
from tenants.models import Consortium, StaffUser
from tests.personas import ALPHA_HOST, BETA_HOST, PERSONA_PASSWORD, PORTAL_HOST

INSTALLMENT_LINE = re.compile(r"第(\d+)期\s+(.+?)\s+([\d,]+)円")


def _run(world, *, fiscal_year: int = 2025, amount: int = 10_000_001) -> AllocationRun:
    unei_pool(world.consortium, amount, fiscal_year=fiscal_year)
    return allocation_run(
        consortium=world.consortium,
        fiscal_year=fiscal_year,
        acting_user=StaffUser.objects.get(username="office"),
    )


def _pdftotext(response, tmp_path) -> str:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "seikyusho.pdf"
    path.write_bytes(response.content)
    done = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    )
    return done.stdout


def _installments(text: str) -> list[tuple[int, str, int]]:
    return [
        (int(m[1]), m[2], int(m[3].replace(",", "")))
        for line in text.splitlines()
        if (m := INSTALLMENT_LINE.search(line))
    ]


def _total(run: AllocationRun, code: str) -> int:
    return sum(s.amount_yen for s in run.shares.filter(municipality__dantai_code=code))


# -- due dates and amounts (no request) ------------------------------------------------


def test_quarterly_due_dates_move_off_a_saturday():
    # given: 2026-01-31 is a Saturday
    assert date(2026, 1, 31).weekday() == 5
    # when
    parts = installment_schedule(total_yen=1_000_003, fiscal_year=2025, schedule="quarterly")
    # then
    assert [p.nominal_due for p in parts] == [
        date(2025, 4, 30),
        date(2025, 7, 31),
        date(2025, 10, 31),
        date(2026, 1, 31),
    ]
    assert [p.due for p in parts] == [
        date(2025, 4, 30),
        date(2025, 7, 31),
        date(2025, 10, 31),
        date(2026, 2, 2),
    ]
    assert [p.moved for p in parts] == [False, False, False, True]
    assert [p.amount_yen for p in parts] == [250_003, 250_000, 250_000, 250_000]


def test_monthly_due_dates_skip_weekends_and_the_year_end_closing():
    parts = installment_schedule(total_yen=1_200_011, fiscal_year=2025, schedule="monthly")
    due = {p.nominal_due: p.due for p in parts}
    assert len(parts) == 12
    assert sum(p.amount_yen for p in parts) == 1_200_011
    assert parts[0].amount_yen == 100_011 and {p.amount_yen for p in parts[1:]} == {100_000}
    assert due[date(2025, 5, 31)] == date(2025, 6, 2)  # Saturday
    assert due[date(2025, 8, 31)] == date(2025, 9, 1)  # Sunday
    assert due[date(2025, 12, 31)] == date(2026, 1, 5)  # 年末年始, then a Sunday
    assert due[date(2026, 3, 31)] == date(2026, 3, 31)  # a Tuesday stays


def test_lump_sum_due_on_a_holiday_moves_past_the_golden_week():
    # 2019-04-30 was a 国民の休日, 5/1–5/6 holidays (即位の日 …)
    (only,) = installment_schedule(total_yen=5, fiscal_year=2019, schedule="lump")
    assert only.nominal_due == date(2019, 4, 30)
    assert only.due == date(2019, 5, 7)
    assert only.due_wareki == "令和元年5月7日"


def test_a_due_date_outside_the_holiday_data_is_a_clear_error():
    # the fourth quarterly due date of 2027年度 is in January 2028 (no data yet)
    with pytest.raises(InvoiceError, match="祝日データ"):
        installment_schedule(total_yen=100, fiscal_year=2027, schedule="quarterly")
    with pytest.raises(InvoiceError, match="支払方法"):
        installment_schedule(total_yen=100, fiscal_year=2025, schedule="weekly")


# -- the PDF ---------------------------------------------------------------------------


def test_office_prints_a_quarterly_invoice(world, login, tmp_path):
    run = _run(world)
    office = login("office", PORTAL_HOST)
    total = _total(run, "143014")
    # when
    text = _pdftotext(
        office.get(f"/billing/runs/{run.pk}/143014/seikyusho.pdf?schedule=quarterly"), tmp_path
    )
    flat = "".join(text.split())
    # then: who to whom, which year, how much
    assert "請求書" in flat
    assert "葉山町長様" in flat
    assert "寒川町" not in flat
    assert world.consortium.name in flat
    assert "組合管理者" in flat
    assert invoice_number(run=run, dantai_code="143014") in flat
    assert f"2025-{run.pk:06d}-143014" in flat
    assert "令和7年度" in flat
    assert f"{total:,}円" in flat
    assert "組合運営費" in flat
    # the four installments sum exactly to the total, the odd yen on the first
    rows = _installments(text)
    assert [r[0] for r in rows] == [1, 2, 3, 4]
    assert [r[2] for r in rows] == split_installments(total, 4)
    assert sum(r[2] for r in rows) == total
    assert [r[1].split("（")[0] for r in rows] == [
        "令和7年4月30日",
        "令和7年7月31日",
        "令和7年10月31日",
        "令和8年2月2日",
    ]
    assert "令和8年1月31日が閉庁日のため" in flat


def test_monthly_invoice_has_twelve_installments_summing_to_the_total(world, login, tmp_path):
    run = _run(world, amount=12_345_679)
    office = login("office", PORTAL_HOST)
    total = _total(run, "143219")
    text = _pdftotext(
        office.get(f"/billing/runs/{run.pk}/143219/seikyusho.pdf?schedule=monthly"), tmp_path
    )
    rows = _installments(text)
    assert [r[0] for r in rows] == list(range(1, 13))
    assert sum(r[2] for r in rows) == total
    assert [r[2] for r in rows] == split_installments(total, 12)
    assert rows[8][1].startswith("令和8年1月5日")  # 12/31 → after the year-end closing
    flat = "".join(text.split())
    assert "寒川町長様" in flat and "葉山町" not in flat
    assert "毎月（12回）" in flat


def test_default_is_a_lump_sum_and_a_bad_schedule_is_refused(world, login, tmp_path):
    run = _run(world)
    office = login("office", PORTAL_HOST)
    total = _total(run, "143014")
    # when
    text = _pdftotext(office.get(f"/billing/runs/{run.pk}/143014/seikyusho.pdf"), tmp_path)
    bad = office.get(f"/billing/runs/{run.pk}/143014/seikyusho.pdf?schedule=weekly")
    # then
    assert _installments(text) == [(1, "令和7年4月30日", total)]
    assert "一括" in text
    assert bad.status_code == 400
    assert "支払方法" in bad.content.decode()


def test_missing_holiday_data_is_reported_not_guessed(world, login):
    run = _run(world, fiscal_year=2027)
    office = login("office", PORTAL_HOST)
    # when
    quarterly = office.get(f"/billing/runs/{run.pk}/143014/seikyusho.pdf?schedule=quarterly")
    lump = office.get(f"/billing/runs/{run.pk}/143014/seikyusho.pdf?schedule=lump")
    # then
    assert quarterly.status_code == 400
    assert "祝日データ" in quarterly.content.decode()
    assert lump.status_code == 200


# -- walls -----------------------------------------------------------------------------


def test_each_member_fetches_only_its_own_invoice(world, login, tmp_path):
    run = _run(world)
    hayama = login("hayama-admin", ALPHA_HOST)
    samukawa = login("samukawa-admin", BETA_HOST)
    # when
    own = "".join(
        _pdftotext(
            samukawa.get(f"/billing/{run.pk}/seikyusho.pdf?schedule=quarterly"), tmp_path
        ).split()
    )
    theirs_by_office_url = samukawa.get(f"/billing/runs/{run.pk}/143014/seikyusho.pdf")
    hayama_own = "".join(
        _pdftotext(hayama.get(f"/billing/{run.pk}/seikyusho.pdf"), tmp_path).split()
    )
    # then
    assert "寒川町長様" in own and "葉山町" not in own
    assert f"{_total(run, '143219'):,}円" in own
    assert theirs_by_office_url.status_code == 404
    assert "葉山町長様" in hayama_own and "寒川町" not in hayama_own


def test_member_invoice_needs_a_town_admin_and_a_run_of_its_own_consortium(world, login):
    run = _run(world)
    other = Consortium.objects.create(name="別組合", kind="kyogikai")
    foreign = AllocationRun.objects.create(
        consortium=other,
        fiscal_year=2025,
        run_by=StaffUser.objects.get(username="office"),
        inputs={},
        total_yen=0,
    )
    clerk = login("samukawa-clerk", BETA_HOST)
    admin = login("samukawa-admin", BETA_HOST)
    # then
    assert clerk.get(f"/billing/{run.pk}/seikyusho.pdf").status_code == 403
    assert admin.get(f"/billing/{foreign.pk}/seikyusho.pdf").status_code == 404


def test_office_invoice_screens_are_portal_and_own_consortium_only(world, login):
    from tenants.services.staff import staff_create

    run = _run(world)
    other = Consortium.objects.create(name="別組合", kind="kyogikai")
    staff_create(
        username="other-office",
        display_name="別事務局",
        consortium_office=other,
        password=PERSONA_PASSWORD,
        acting_user=None,
    )
    url = f"/billing/runs/{run.pk}/143014/seikyusho.pdf"
    # then
    assert Client(HTTP_HOST=PORTAL_HOST).get(url).status_code == 302
    assert login("other-office", PORTAL_HOST).get(url).status_code == 404
    assert login("hayama-admin", ALPHA_HOST).get(url).status_code == 404


def test_schedule_pickers_offer_every_schedule_and_point_at_the_pdf(world):
    run = _run(world)
    set_urlconf("config.urls_public")  # the office's picker is on the portal
    try:
        office_html = render_to_string(
            "billing/invoices/_picker.html", {"run": run, "member": world.alpha.municipality}
        )
    finally:
        set_urlconf(None)
    member_html = render_to_string("billing/invoices/_my_picker.html", {"run": run})
    for html in (office_html, member_html):
        options = re.findall(r'<option value="(\w+)"[^>]*>([^<]+)</option>', html)
        assert options == [(s.value, s.label) for s in Schedule]
    assert f'action="/billing/runs/{run.pk}/143014/seikyusho.pdf"' in office_html
    assert f'action="/billing/{run.pk}/seikyusho.pdf"' in member_html
