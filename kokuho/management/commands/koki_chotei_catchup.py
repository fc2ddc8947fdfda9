"""By hand, in one town: ``manage.py koki_chotei_catchup --schema m143014 [--date 2026-12-07]
[--wait 600]``.

Starts the job ``koki_chotei_catchup`` (the same the workers run): every current 後期高齢者
医療保険料 row whose 普通徴収 期別 are not on the 収納 ledger (imported before the ledger
posting existed, or whose posting failed) is posted once; run again, it posts nothing.
``--date`` is the 調定日 of the entries (default today). With ``--wait`` it waits for the
end (seconds) and prints the job's outcome.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kokuho.services.koki_chotei import CATCHUP_JOB
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.jobs.models import JobStatus
from tenants.jobs.services import JobRefused, job_start
from tenants.models import Municipality

COMMAND_ACTOR = Actor(user_id=None, username="koki_chotei_catchup", terminal="command")


class Command(BaseCommand):
    help = "収納簿に載っていない後期高齢者医療保険料（普通徴収）の期別を収納簿に登録する"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--schema", required=True, help="the municipality's schema name")
        parser.add_argument("--date", default="", help="調定日 (YYYY-MM-DD; default today)")
        parser.add_argument("--wait", type=int, default=0, help="seconds to wait for the end")

    def handle(self, *args: Any, **options: Any) -> None:
        town = Municipality.objects.filter(schema_name=options["schema"]).first()
        if town is None:
            raise CommandError("該当する団体がありません。")
        params: dict[str, Any] = {}
        if options["date"]:
            try:
                params["on"] = date.fromisoformat(options["date"]).isoformat()
            except ValueError:
                raise CommandError("日付は YYYY-MM-DD で指定してください。") from None
        connection.set_tenant(town)
        try:
            try:
                job = job_start(kind=CATCHUP_JOB, params=params, actor=COMMAND_ACTOR)
            except (JobRefused, ValueError) as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"処理 #{job.pk} を登録しました（{job.total:,}件）。")
            deadline = time.monotonic() + options["wait"]
            job.refresh_from_db()
            while not job.is_finished and time.monotonic() < deadline:
                time.sleep(1)
                job.refresh_from_db()
            if not options["wait"]:
                return
            if not job.is_finished:
                raise CommandError(f"処理 #{job.pk} は待ち時間内に終わりませんでした。")
            if job.status != JobStatus.SUCCEEDED:
                raise CommandError(f"処理 #{job.pk} は{job.get_status_display()}しました。")
            self.stdout.write(f"処理 #{job.pk} は正常終了しました（{job.done:,}件）。")
        finally:
            connection.set_schema_to_public()
