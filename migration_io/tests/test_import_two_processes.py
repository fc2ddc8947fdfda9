"""The import's files read by two processes (issue 19, the import rate): a forked child
checks part of the files into COPY text while the importing process checks and COPYs
the rest (``importer.run._read_two``). The same bundle must give the same report (every
finding, in the same order, the same counts) and the same registry as one process, and a
child that fails must leave the town unchanged. 葉山町 (alpha) is never touched."""

from __future__ import annotations

import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from juminkiroku.public import registry_is_empty
from migration_io.importer import run as run_module
from migration_io.importer.roundtrip import RoundtripResult, compare_dirs, export_to_dir
from migration_io.layout import layout_load
from migration_io.tests.test_import import (
    ACTOR,
    LAYOUT,
    _assert_nothing_loaded,
    _bundle,
    _counts,
    _errors,
    _import,
)
from tenants.accesslog.models import AccessAction, AccessLog
from tenants.db import connection

pytestmark = pytest.mark.django_db


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Which reading path each import took ("two" or "one")."""
    taken: list[str] = []
    two = run_module._read_two

    def spy(*args: Any, **kwargs: Any) -> int:
        taken.append("two")
        return two(*args, **kwargs)

    monkeypatch.setattr(run_module, "_read_two", spy)
    return taken


def _report_dict(report: Any) -> dict[str, Any]:
    return {
        "findings": [asdict(f) for f in report.findings],
        "truncated": report.truncated,
        "counts": report.counts,
        "errors": report.errors,
        "summary": report.summary,
    }


@pytest.mark.parametrize("fmt", ["csv", "xml"])
def test_two_processes_load_what_one_process_loads_and_the_other_town_is_untouched(
    alpha, beta, tmp_path, settings, reads, fmt
):
    # given: 葉山町's registry as a bundle for 寒川町; files of any size go to two processes
    directory = _bundle(alpha, beta, tmp_path, fmt)
    connection.set_tenant(alpha.municipality)
    hayama_before = _counts()
    hayama_log = AccessLog.objects.count()
    settings.JC_MIGRATION_IMPORT_TWO_PROCESSES_BYTES = 0
    # when
    report = _import(beta, directory, fmt)
    # then: the two-process path ran and loaded everything
    assert reads == ["two"]
    assert _errors(report) == [] and report.loaded, report.findings
    assert report.counts["JUMIN"] == 5
    connection.set_tenant(beta.municipality)
    assert _counts() == hayama_before
    assert AccessLog.objects.filter(action=AccessAction.CREATE, record_type="atena").count() == 1
    # exported again, item by item the bundle it came from
    again = tmp_path / f"again_{fmt}"
    again.mkdir()
    layout = layout_load(LAYOUT)
    export_to_dir(
        layout,
        again,
        formats=(fmt,),
        encoding="utf-8-sig",
        dantai_code=beta.municipality.dantai_code,
        actor=ACTOR,
    )
    result = RoundtripResult(formats=(fmt,))
    compare_dirs(layout, directory, again, fmt=fmt, encoding="utf-8-sig", result=result)
    assert result.items_compared[fmt] > 0 and result.difference_count == 0, result.differences
    # and 葉山町 is as it was
    connection.set_tenant(alpha.municipality)
    assert _counts() == hayama_before
    assert AccessLog.objects.count() == hayama_log


@pytest.mark.parametrize("fmt", ["csv", "xml"])
def test_two_processes_report_every_finding_in_the_order_one_process_does(
    alpha, beta, tmp_path, settings, reads, fmt
):
    # given: 葉山町's bundle with 葉山町's 団体コード, sent to 寒川町: an error in every
    # record of every file, so both processes' files have findings
    directory = _bundle(alpha, alpha, tmp_path, fmt)
    settings.JC_MIGRATION_IMPORT_TWO_PROCESSES_BYTES = -1
    one = _import(beta, directory, fmt)
    settings.JC_MIGRATION_IMPORT_TWO_PROCESSES_BYTES = 0
    # when
    two = _import(beta, directory, fmt)
    # then: the same report, finding for finding
    assert reads == ["two"]
    assert len({f.file for f in two.findings}) >= 4
    assert _report_dict(two) == _report_dict(one)
    _assert_nothing_loaded(beta, two)


def test_the_findings_past_the_limit_are_counted_as_one_process_counts_them(
    alpha, beta, tmp_path, settings, reads, monkeypatch
):
    # given: a report that keeps 3 findings, errors in every file
    directory = _bundle(alpha, alpha, tmp_path)
    monkeypatch.setattr("migration_io.importer.report.MAX_FINDINGS", 3)
    settings.JC_MIGRATION_IMPORT_TWO_PROCESSES_BYTES = -1
    one = _import(beta, directory)
    settings.JC_MIGRATION_IMPORT_TWO_PROCESSES_BYTES = 0
    # when
    two = _import(beta, directory)
    # then
    assert reads == ["two"]
    assert len(two.findings) == 3 and two.truncated and two.errors > 3
    assert _report_dict(two) == _report_dict(one)


def test_a_reading_child_that_fails_leaves_the_town_unchanged(
    alpha, beta, tmp_path, settings, reads, monkeypatch
):
    # given: reading fails in the child process only
    directory = _bundle(alpha, beta, tmp_path)
    settings.JC_MIGRATION_IMPORT_TWO_PROCESSES_BYTES = 0
    parent = os.getpid()
    check_file = run_module._check_file

    def failing_in_child(*args: Any, **kwargs: Any) -> int:
        if os.getpid() != parent:
            raise MemoryError
        return check_file(*args, **kwargs)

    monkeypatch.setattr(run_module, "_check_file", failing_in_child)
    # when
    with pytest.raises(RuntimeError, match="MemoryError"):
        _import(beta, directory)
    # then: nothing of it is left
    assert reads == ["two"]
    connection.set_tenant(beta.municipality)
    assert registry_is_empty()


def test_small_files_are_read_by_one_process(alpha, beta, tmp_path, reads):
    # given: the default limit (megabytes) and a bundle of a few kilobytes
    directory = _bundle(alpha, beta, tmp_path)
    total = sum(p.stat().st_size for p in Path(directory).iterdir())
    from django.conf import settings as django_settings

    assert total < django_settings.JC_MIGRATION_IMPORT_TWO_PROCESSES_BYTES
    # when
    report = _import(beta, directory)
    # then
    assert report.loaded and reads == []
