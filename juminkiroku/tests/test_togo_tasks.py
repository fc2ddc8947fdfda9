"""The management command and the 統合宛名 simulator as its own process (7.1.2.3, 7.2.1)."""

from __future__ import annotations

import io
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from juminkiroku.models import PfFile, TogoSoshin
from juminkiroku.models.togo import TogoStatus
from juminkiroku.tests.factories import household_tennyu
from juminkiroku.tests.togohelpers import outbox_fixture, togo_fixture  # noqa: F401 - fixtures
from juminkiroku.togo.layout import TOGO_ITEMS, TOGO_LAYOUT
from tenants.db import connection

pytestmark = pytest.mark.django_db


def test_command_syncs_checks_and_writes_the_file(togo, outbox, alpha):
    connection.set_tenant(alpha.municipality)
    household_tennyu("hayama")
    out = io.StringIO()
    schema = alpha.municipality.schema_name
    call_command("togo_sync", "--schema", schema, "--totsugo", "--pf", stdout=out)
    text = out.getvalue()
    assert f"{schema}: 作成 1 変更なし 0 送信 1 エラー 0 再送待ち 0" in text
    assert f"{schema}: 突合 1 件中 相違 0 件 再送信 0 件" in text
    assert f"{schema}: 連携ファイル 1 件（異動 1 件）" in text
    connection.set_tenant(alpha.municipality)
    assert TogoSoshin.objects.get().status == TogoStatus.SENT
    assert PfFile.objects.get().count == 1
    assert (Path(outbox) / schema / PfFile.objects.get().name).is_file()
    with pytest.raises(CommandError, match="スキーマ m999999 がありません"):
        call_command("togo_sync", "--schema", "m999999")


def test_the_simulator_runs_as_its_own_process():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "juminkiroku.togo.simulator", "--port", str(port)],
        stdout=subprocess.PIPE,
    )
    try:
        record = [""] * len(TOGO_ITEMS)
        body = json.dumps({"dantai_code": "143014", "layout": TOGO_LAYOUT, "record": record})
        refusal: dict[str, str] = {}
        for _ in range(100):
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/v1/juminhyo", data=body.encode(), method="POST"
                )
                urllib.request.urlopen(request, timeout=2)
            except urllib.error.HTTPError as exc:
                refusal = json.loads(exc.read())
                break
            except OSError:
                time.sleep(0.1)
        # an empty record of another town's code is refused with a reason
        assert refusal["code"] == "E004"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_beat_sends_both_rounds_to_every_town(settings):
    from django.utils.module_loading import import_string

    for key, every in (("togo-atena-sync", 60.0), ("pf-file-round", 300.0)):
        entry = settings.CELERY_BEAT_SCHEDULE[key]
        assert entry["task"] == "tenants.tasks.dispatch_for_all_municipalities"
        assert entry["schedule"] == every
        task = import_string(entry["args"][0])
        assert task.name == entry["args"][0]  # a registered Celery task of that name
