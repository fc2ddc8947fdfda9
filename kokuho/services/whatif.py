"""Writes of the 税率の試算: a scenario (its values checked against the law), and a run
(the job over the whole town). Nothing here touches an assessment or a 資格."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from kokuho.models import WhatifScenario
from kokuho.services.whatif_params import values_check
from kokuho.whatif_job import KIND, WHATIF_GYOMU
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.jobs.models import Job
from tenants.jobs.services import job_start

__all__ = ["whatif_run_start", "whatif_scenario_create"]

RECORD_TYPE = "kokuho.WhatifScenario"


def whatif_scenario_create(
    *,
    name: str,
    nendo: int,
    genko_nendo: int,
    shotoku_nendo: int,
    values: Mapping[str, Any],
    note: str = "",
    copied_from: WhatifScenario | None = None,
    actor: Actor,
) -> WhatifScenario:
    """A new scenario; its values are checked first (``WhatifValuesError`` with a message
    per wrong value, nothing written)."""
    clean = values_check(values, nendo)
    if not name.strip():
        raise ValueError("試算名を入力してください。")
    with transaction.atomic(durable=True):
        scenario = WhatifScenario.objects.create(
            name=name.strip(),
            nendo=nendo,
            genko_nendo=genko_nendo,
            shotoku_nendo=shotoku_nendo,
            values=clean,
            note=note,
            copied_from=copied_from,
            created_by=actor.username or actor.api_client,
        )
        access_record(
            action=AccessAction.CREATE,
            actor=actor,
            gyomu=WHATIF_GYOMU,
            screen="kokuho.whatif_new",
            record_type=RECORD_TYPE,
            record_id=scenario.pk,
            detail={"copied_from": copied_from.pk if copied_from else None},
        )
    return scenario


def whatif_run_start(*, scenario: WhatifScenario, actor: Actor) -> Job:
    """Start the job over the whole town (``job_start``: its own durable transaction and
    access-log row; refused with a Japanese message when the comparison cannot be made)."""
    return job_start(kind=KIND, params={"scenario_id": scenario.pk}, actor=actor)
