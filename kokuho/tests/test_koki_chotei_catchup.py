"""Catch-up posting of 後期高齢者医療保険料 to the 収納 ledger (job and command
``koki_chotei_catchup``): 保険料 rows imported while the import did not post (as before the
ledger posting existed, or a post that failed) reach the ledger once — the job run twice,
and the command after it, post nothing more; a 更正 imported the same way is posted as
the difference (the ledger's 減額更正), not as a second 調定; 特別徴収 months still wait for
the pension insurer's result; each town's job posts its own rows only.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

from kokuho.models import KokiKibetsu
from kokuho.services import koki_hokenryo
from kokuho.services.koki_chotei import CATCHUP_JOB, CATCHUP_SCREEN, ChoteiCount, catchup_ids
from kokuho.tests.test_koki_hokenryo import _accept, _couple
from kokuho.tests.test_koki_shuno import FY, _entries, _file, _koki
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.jobs.models import Job, JobStatus
from tenants.jobs.services import job_start

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="tester")


@pytest.fixture
def no_posting(monkeypatch: Any) -> None:
    """The import as it was before it posted to the ledger."""
    monkeypatch.setattr(koki_hokenryo, "koki_chotei_post", lambda *a, **k: ChoteiCount())


def _run(capture: Any) -> Job:
    with capture(execute=True):
        job = job_start(kind=CATCHUP_JOB, params={"on": "2025-07-01"}, actor=ACTOR)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.status
    return job


def _command(capture: Any, town: Any) -> None:
    """``manage.py koki_chotei_catchup --schema …``; the job's chunks (sent on commit)
    run in the town's schema, as a worker runs them."""
    connection.set_schema_to_public()
    out = io.StringIO()
    with capture() as sent:
        call_command("koki_chotei_catchup", schema=town.municipality.schema_name, stdout=out)
    assert "を登録しました" in out.getvalue()
    connection.set_tenant(town.municipality)
    with capture(execute=True):
        for callback in sent:
            callback()
    job = Job.objects.filter(kind=CATCHUP_JOB).latest("id")
    assert job.status == JobStatus.SUCCEEDED and job.started_by_name == "koki_chotei_catchup"


def test_catchup_posts_what_the_import_did_not_once_in_each_town(
    world: Any, no_posting: None, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(world.beta.municipality)
    b_husband, b_wife = _couple(cap, "samukawa")
    _accept(cap, _file(b_husband, b_wife, h_bango="87654321", w_bango="98765432"))
    connection.set_tenant(world.alpha.municipality)
    husband, wife = _couple(cap)
    _accept(cap, _file(husband, wife, h_bango="12345678", w_bango="23456789"))
    # given: 花子's three 普通徴収 期 are stored but not on the ledger
    assert _koki(wife.pk) == [] and len(catchup_ids()) == 1
    assert not KokiKibetsu.objects.exclude(nofu_bango="").exists()
    # when 葉山町 runs the catch-up job
    job = _run(cap)
    # then each 期 is one 期別 of the ledger, owed by her, with its number on her row
    assert job.total == 1
    assert _koki(wife.pk) == [(f"第{k}期", 14000, 0, 14000) for k in (1, 2, 3)]
    assert _entries(f"koki:{FY}:{wife.pk}:futsu:3") == [("tosho", 14000)]
    numbers = set(
        KokiKibetsu.objects.filter(hokenryo__atena_id=wife.pk).values_list("nofu_bango", flat=True)
    )
    assert len(numbers) == 3 and "" not in numbers
    # and 太郎's 特別徴収 months still wait for the pension insurer's result
    assert _koki(husband.pk) == []
    log = AccessLog.objects.get(screen=CATCHUP_SCREEN)
    assert log.detail["atena_ids"] == [wife.pk] and log.detail["written"] == 3
    # when it runs again, and the command after it: nothing is selected, nothing written
    assert _run(cap).total == 0
    _command(cap, world.alpha)
    assert _entries(f"koki:{FY}:{wife.pk}:futsu:3") == [("tosho", 14000)]
    assert _koki(wife.pk) == [(f"第{k}期", 14000, 0, 14000) for k in (1, 2, 3)]
    assert AccessLog.objects.filter(screen=CATCHUP_SCREEN).count() == 1
    assert Job.objects.filter(kind=CATCHUP_JOB).count() == 3
    # when the 広域連合's 更正 (3期 9,000円) is imported the same way, then caught up
    _accept(
        cap, _file(husband, wife, h_bango="12345678", w_bango="23456789", wife_ki3=9000),
        name="kosei.csv",
    )  # fmt: skip
    assert len(catchup_ids()) == 1
    _run(cap)
    # then the 3期 keeps its 期別 with a 減額更正 entry; the others unchanged
    assert _entries(f"koki:{FY}:{wife.pk}:futsu:3") == [("tosho", 14000), ("gengaku", -5000)]
    assert _entries(f"koki:{FY}:{wife.pk}:futsu:1") == [("tosho", 14000)]
    assert _koki(wife.pk)[2] == ("第3期", 9000, 0, 9000)
    assert catchup_ids() == []
    # and 寒川町's rows were not touched by 葉山町's jobs: its own job posts them
    connection.set_tenant(world.beta.municipality)
    assert _koki(b_wife.pk) == [] and len(catchup_ids()) == 1
    _command(cap, world.beta)  # this time by the command
    assert _koki(b_wife.pk) == [(f"第{k}期", 14000, 0, 14000) for k in (1, 2, 3)]
    assert _run(cap).total == 0
    assert _entries(f"koki:{FY}:{b_wife.pk}:futsu:1") == [("tosho", 14000)]


def test_the_access_log_shows_the_catchup_in_words() -> None:
    from tenants.labels import word_for

    assert word_for(CATCHUP_SCREEN) == "後期高齢者医療保険料の収納簿への登録（未登録分）"
    assert word_for(f"job:{CATCHUP_JOB}") == (
        "バッチ処理「後期高齢者医療 保険料の収納簿への登録（未登録分）」"
    )
