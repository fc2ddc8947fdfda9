"""The periodic task, the management command and the simulator as its own process
(標準仕様書 7.1.1.1「CSへの自動送信」, 7.1.1.2「定期的に」)."""

from __future__ import annotations

import io
import json
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.core.management import call_command

from juminkiroku.cs.tasks import cs_seigo_task, cs_sync_task
from juminkiroku.models import CsSeigo, CsSoshin, JuminhyoCodeAki
from juminkiroku.models.cs import SoshinStatus
from juminkiroku.tests.cshelpers import cs_fixture, received  # noqa: F401 - fixture
from juminkiroku.tests.factories import household_tennyu, person_fields
from tenants.db import connection

pytestmark = pytest.mark.django_db


def test_task_sends_in_the_town_it_runs_in(cs, alpha, beta):
    connection.set_tenant(alpha.municipality)
    JuminhyoCodeAki.objects.create(code="12345678903")
    household_tennyu("hayama", members=[person_fields()])
    connection.set_tenant(beta.municipality)
    household_tennyu("samukawa", members=[person_fields(shimei="寒川　二")])
    connection.set_tenant(alpha.municipality)
    totals = cs_sync_task()
    assert totals == {"made": 2, "sent": 2, "rejected": 0, "retry": 0, "received": 0, "kofu": 0}
    assert cs_sync_task() == {
        "made": 0,
        "sent": 0,
        "rejected": 0,
        "retry": 0,
        "received": 0,
        "kofu": 0,
    }
    assert [r["shimei"] for r in received(cs, alpha.municipality.dantai_code)] == ["山田　太郎"]
    assert received(cs, beta.municipality.dantai_code) == []
    assert cs_seigo_task() == CsSeigo.objects.get().pk
    assert CsSeigo.objects.get().differences == 0


def test_task_does_nothing_without_a_cs(settings, in_alpha):
    settings.JC_CS_URL = ""
    household_tennyu("hayama", members=[person_fields()])
    assert cs_sync_task() is None and cs_seigo_task() is None
    assert CsSoshin.objects.count() == 0


def test_command_fetches_aki_syncs_and_checks(cs, alpha):
    connection.set_tenant(alpha.municipality)
    household_tennyu("hayama", members=[person_fields()])
    out = io.StringIO()
    call_command(
        "cs_sync", "--schema", alpha.municipality.schema_name, "--aki", "5", "--seigo", stdout=out
    )
    text = out.getvalue()
    schema = alpha.municipality.schema_name
    assert f"{schema}: 空き番 5 件を取得" in text
    assert f"{schema}: 作成 2 送信 2 エラー 0 再送待ち 0 受信 0" in text
    assert f"{schema}: 整合性確認 1 件中 相違 0 件" in text
    connection.set_tenant(alpha.municipality)
    assert set(CsSoshin.objects.values_list("status", flat=True)) == {SoshinStatus.SENT}
    assert JuminhyoCodeAki.objects.filter(atena__isnull=True).count() == 4


def test_the_simulator_runs_as_its_own_process():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "juminkiroku.cs.simulator", "--port", str(port)],
        stdout=subprocess.PIPE,
    )
    try:
        body = json.dumps({"shichoson_code": "143014", "count": 2}).encode()
        for _ in range(100):
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/v1/juminhyo-code/aki", data=body, method="POST"
                )
                with urllib.request.urlopen(request, timeout=2) as r:
                    answer = json.loads(r.read())
                break
            except OSError:
                time.sleep(0.1)
        assert len(answer["codes"]) == 2
    finally:
        proc.terminate()
        proc.wait(timeout=10)
