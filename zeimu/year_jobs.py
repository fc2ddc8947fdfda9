"""What the yearly 当初賦課 jobs of 固定資産税 and 軽自動車税 share: the 年度 parameter checked
against the year's law values, and one job per town and 年度 at a time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tenants.jobs.models import Job
from tenants.jobs.services import refuse_if_running
from tenants.params.services import ParameterMissing
from tenants.wareki import format_nendo


def fiscal_year_validated(
    params: dict[str, Any], build: Callable[[int], object], missing: str
) -> dict[str, Any]:
    """``{"fiscal_year": …}`` when the year's law values build (``build``), else a Japanese
    ValueError: 「<年度>の<missing>が登録されていません。」"""
    try:
        fy = int(params["fiscal_year"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError("年度を指定してください。") from exc
    try:
        build(fy)
    except (ParameterMissing, LookupError, ValueError, TypeError) as exc:
        raise ValueError(f"{format_nendo(fy)}の{missing}が登録されていません。") from exc
    return {"fiscal_year": fy}


def one_job_a_year(job: Job, *, kind: str, what: str) -> int:
    """The job's 年度, after making sure no other job ``kind`` of the same 年度 is queued or
    running in this town; JobRefused 「<年度>の<what>が実行中です。」 otherwise."""
    fy = int(job.params["fiscal_year"])
    refuse_if_running(
        job, kinds=[kind], param="fiscal_year", message=f"{format_nendo(fy)}の{what}が実行中です。"
    )
    return fy
