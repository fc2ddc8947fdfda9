"""Statements: the office sees every member's; a member sees only its own."""

from __future__ import annotations

import io

from pypdf import PdfReader

from billing.models import AllocationRun
from billing.services.allocation import allocation_run
from billing.tests.factories import unei_pool
from tenants.models import StaffUser
from tests.personas import ALPHA_HOST, BETA_HOST, PORTAL_HOST


def _run(world) -> AllocationRun:
    unei_pool(world.consortium, 10_000_001)
    return allocation_run(
        consortium=world.consortium,
        fiscal_year=2025,
        acting_user=StaffUser.objects.get(username="office"),
    )


def _text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    # Whitespace is dropped: the heading is letter-spaced, and extraction splits it.
    return "".join("".join(page.extract_text() for page in reader.pages).split())


def test_office_runs_the_allocation_and_reads_a_statement_pdf(world, login):
    office = login("office", PORTAL_HOST)
    unei_pool(world.consortium, 10_000_001)
    # when
    response = office.post("/billing/", {"fiscal_year": "2025"})
    run = AllocationRun.objects.get(consortium=world.consortium)
    table = office.get(f"/billing/runs/{run.pk}/").content.decode()
    pdf = office.get(f"/billing/runs/{run.pk}/143014/statement.pdf")
    csv_text = office.get(f"/billing/runs/{run.pk}/csv/").content.decode("utf-8-sig")
    # then
    assert response.status_code == 302
    assert "葉山町" in table and "寒川町" in table
    text = _text(pdf)
    hayama = run.shares.get(municipality__dantai_code="143014").amount_yen
    assert "負担金明細書" in text
    assert "葉山町" in text
    assert f"{hayama:,}円" in text
    assert "寒川町" not in text
    rows = csv_text.splitlines()
    assert rows[0] == "団体コード,団体名,組合運営費,合計"
    assert sum(int(r.split(",")[2]) for r in rows[1:]) == 10_000_001


def test_member_sees_its_own_statement_only(world, login):
    run = _run(world)
    hayama = login("hayama-admin", ALPHA_HOST)
    samukawa = login("samukawa-admin", BETA_HOST)
    # when
    own = _text(hayama.get(f"/billing/{run.pk}/statement.pdf"))
    theirs = _text(samukawa.get(f"/billing/{run.pk}/statement.pdf"))
    # then: the same run, each host shows only its own town
    assert "葉山町" in own and "寒川町" not in own
    assert "寒川町" in theirs and "葉山町" not in theirs
    # the portal's statement URLs are not on a town host
    assert hayama.get(f"/billing/runs/{run.pk}/143219/statement.pdf").status_code == 404


def test_town_staff_cannot_use_the_office_billing_screens(world, login):
    clerk = login("hayama-clerk", ALPHA_HOST)
    assert clerk.get("/billing/").status_code == 403
    from django.test import Client

    portal = Client(HTTP_HOST=PORTAL_HOST)
    assert portal.get("/billing/").status_code == 302


def test_office_of_another_consortium_cannot_open_a_run(world, login):
    from tenants.models import Consortium
    from tenants.services.staff import staff_create
    from tests.personas import PERSONA_PASSWORD

    run = _run(world)
    other = Consortium.objects.create(name="別組合", kind="kyogikai")
    staff_create(
        username="other-office",
        display_name="別事務局",
        consortium_office=other,
        password=PERSONA_PASSWORD,
        acting_user=None,
    )
    client = login("other-office", PORTAL_HOST)
    assert client.get(f"/billing/runs/{run.pk}/").status_code == 404
    assert client.get(f"/billing/runs/{run.pk}/143014/statement.pdf").status_code == 404


def test_run_csv_in_shift_jis_and_only_for_the_office(world, login):
    # given
    run = _run(world)
    office = login("office", PORTAL_HOST)
    member = login("hayama-admin", ALPHA_HOST)
    # when
    response = office.get(f"/billing/runs/{run.pk}/csv/?encoding=cp932")
    page = office.get(f"/billing/runs/{run.pk}/").content.decode()
    # then: written by tenants.csvout in cp932, amounts as plain numbers
    assert response["Content-Type"] == "text/csv; charset=Shift_JIS"
    rows = response.content.decode("cp932").splitlines()
    assert rows[0] == "団体コード,団体名,組合運営費,合計"
    assert sum(int(r.split(",")[2]) for r in rows[1:]) == 10_000_001
    assert "?encoding=cp932" in page
    # a member's town host has no such URL
    assert member.get(f"/billing/runs/{run.pk}/csv/?encoding=cp932").status_code == 404
