"""manage.py migration_export: a town's 住民基本台帳 in the 中間標準レイアウト (標準仕様書 10.6)
from the command line, e.g. for the hand-over at the end of a contract.

    manage.py migration_export --schema m143014 [--formats csv,xml] [--encoding cp932]
                               [--shukutai] [--wait 600] [--out /srv/handover/m143014]
    manage.py migration_export --schema m143014 --job 42 --out /srv/handover/m143014

It starts the same job as the screen (``migration_export``); the workers run it. With
``--wait`` it waits for the end (seconds) and prints the manifest's files; with ``--out``
it also copies the bundle (the files and manifest.json) into that directory, whose
checksums can be verified against the manifest with ``sha256sum``. ``--job`` copies the
bundle of an export already finished (one started on the screen, say) instead.
``--shukutai`` folds the CSV files to JIS X 0213 for a spreadsheet (「Excel 向け（縮退）」 on
the screen; the manifest records it): never for the bundle handed to the next system.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from migration_io.jobkinds import EXPORT, MANIFEST, bundle_open, manifest_of
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.jobs.models import Job, JobStatus
from tenants.jobs.services import JobRefused, job_start
from tenants.models import Municipality

COMMAND_ACTOR = Actor(user_id=None, username="mio_command", terminal="command")


class Command(BaseCommand):
    help = "住民基本台帳を中間標準レイアウトの移行ファイルとして出力する"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--schema", required=True, help="the municipality's schema name")
        parser.add_argument("--formats", default="csv,xml", help="csv, xml or csv,xml")
        parser.add_argument("--encoding", default="utf-8-sig", help="utf-8-sig or cp932 (CSV)")
        parser.add_argument(
            "--shukutai",
            action="store_true",
            help="fold the CSV text to JIS X 0213 (Excel; not for a hand-over)",
        )
        parser.add_argument("--wait", type=int, default=0, help="seconds to wait for the end")
        parser.add_argument("--out", help="copy the finished bundle into this directory")
        parser.add_argument("--job", type=int, help="an export already finished: copy it")

    def handle(self, *args: Any, **options: Any) -> None:
        town = Municipality.objects.filter(schema_name=options["schema"]).first()
        if town is None:
            raise CommandError("該当する団体がありません。")
        connection.set_tenant(town)
        try:
            self._run(options)
        finally:
            connection.set_schema_to_public()

    def _run(self, options: dict[str, Any]) -> None:
        if options.get("job"):
            done = Job.objects.filter(pk=options["job"], kind=EXPORT.code).first()
            if done is None or done.status != JobStatus.SUCCEEDED:
                raise CommandError("正常終了したその出力処理はありません。")
            self._report(done, options.get("out"))
            return
        params = {
            "formats": [f.strip() for f in options["formats"].split(",") if f.strip()],
            "encoding": options["encoding"],
            "shukutai": bool(options.get("shukutai")),
        }
        try:
            job = job_start(kind=EXPORT.code, params=params, actor=COMMAND_ACTOR)
        except (JobRefused, ValueError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"処理 #{job.pk} を登録しました。")
        deadline = time.monotonic() + options["wait"]
        job.refresh_from_db()
        while not job.is_finished and time.monotonic() < deadline:
            time.sleep(1)
            job.refresh_from_db()
        if not job.is_finished:
            if options["wait"]:
                raise CommandError(f"処理 #{job.pk} は待ち時間内に終わりませんでした。")
            return
        if job.status != JobStatus.SUCCEEDED:
            raise CommandError(f"処理 #{job.pk} は{job.get_status_display()}しました。")
        self._report(job, options.get("out"))

    def _report(self, job: Job, out: str | None) -> None:
        manifest = manifest_of(job)
        if manifest is None:
            raise CommandError("マニフェストがありません。")
        names = [f["name"] for f in manifest["files"]] + [MANIFEST]
        target = Path(out) if out else None
        if target is not None:
            target.mkdir(parents=True, exist_ok=True)
        for entry in manifest["files"]:
            self.stdout.write(f"{entry['name']}\t{entry['records']}\t{entry['sha256']}")
        if target is not None:
            for name in names:
                with bundle_open(job, name) as src, (target / name).open("wb") as dst:
                    shutil.copyfileobj(src, dst)
            self.stdout.write(f"{len(names)}個のファイルを {target} に書き出しました。")
