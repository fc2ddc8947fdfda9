"""Backup operations on a municipality, with their access-log rows.

A backup reads every record of a town, so each one (and each restore or verification)
writes a row to that town's access log: 抽出 by the person or system that asked, record
type ``town_backup``. A restore's row goes to the town the backup is of, never into the
restored copy (which must stay byte-identical to the backup)."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.accesslog.services import Actor, access_record
from tenants.backup.dump import town_dump
from tenants.backup.manifest import BackupError, Manifest, manifest_read
from tenants.backup.restore import RestoreResult, schema_drop, town_restore
from tenants.backup.store import (
    backup_root,
    copy_to_second,
    generations,
    generations_prune,
    second_root,
)
from tenants.models import Municipality
from tenants.modules.spec import PLATFORM

SYSTEM_ACTOR = Actor(user_id=None, username="system:town_backup")
SCREEN = "town_backup"
DRILL_FILE = "drill.json"


def _log(municipality: Municipality, actor: Actor, screen: str, detail: dict[str, object]) -> None:
    with schema_context(municipality.schema_name):
        access_record(
            actor=actor,
            action="export",
            gyomu=PLATFORM,
            screen=screen,
            record_type="town_backup",
            record_id=municipality.dantai_code,
            detail=detail,
        )


@dataclass
class BackupRun:
    path: Path
    manifest: Manifest
    second_path: Path | None
    pruned: list[str] = field(default_factory=list)
    seconds: float = 0.0


def town_backup(
    municipality: Municipality,
    *,
    actor: Actor = SYSTEM_ACTOR,
    root: Path | None = None,
    second: Path | None = None,
    keep: int | None = None,
    jobs: int | None = None,
) -> BackupRun:
    """Dump the town, copy it to the second location (if one is configured) and keep
    ``keep`` generations in each place."""
    root = root or backup_root()
    second = second if second is not None else second_root()
    keep = keep or settings.JC_BACKUP_GENERATIONS
    started = time.perf_counter()
    _log(municipality, actor, SCREEN, {"step": "dump"})
    path, manifest = town_dump(
        schema=municipality.schema_name,
        dantai_code=municipality.dantai_code,
        town_name=municipality.name,
        root=root,
        jobs=jobs or settings.JC_BACKUP_JOBS,
    )
    pruned = generations_prune(root, municipality.schema_name, keep)
    second_path = None
    if second is not None:
        second_path = copy_to_second(path, second)
        generations_prune(second, municipality.schema_name, keep)
    return BackupRun(path, manifest, second_path, pruned, time.perf_counter() - started)


def backup_of(
    municipality: Municipality, stamp: str | None = None, *, root: Path | None = None
) -> Path:
    found = generations(root or backup_root(), municipality.schema_name)
    if stamp:
        found = [g for g in found if g.stamp == stamp]
    if not found:
        raise BackupError(f"{municipality.name}のバックアップがありません。")
    return found[0].path


def town_restore_logged(
    municipality: Municipality, backup_dir: Path, target: str, *, actor: Actor = SYSTEM_ACTOR,
    jobs: int | None = None, analyze: bool = False,
) -> RestoreResult:  # fmt: skip
    """Restore a backup of ``municipality`` into the new schema ``target`` and verify it."""
    if manifest_read(backup_dir).schema != municipality.schema_name:
        raise BackupError("このバックアップは別の団体のものです。")
    _log(municipality, actor, "town_restore", {"backup": backup_dir.name, "target": target})
    return town_restore(backup_dir, target, jobs=jobs or settings.JC_BACKUP_JOBS, analyze=analyze)


@dataclass
class DrillResult:
    backup: Path
    restore: RestoreResult
    seconds: float


def town_restore_drill(
    municipality: Municipality, *, actor: Actor = SYSTEM_ACTOR, stamp: str | None = None,
    root: Path | None = None, jobs: int | None = None,
) -> DrillResult:  # fmt: skip
    """復元訓練: restore the newest (or the named) backup into a scratch schema, verify
    counts and checksums against its manifest, then drop the scratch schema."""
    started = time.perf_counter()
    path = backup_of(municipality, stamp, root=root)
    scratch = f"jc_drill_{municipality.dantai_code}_{uuid.uuid4().hex[:8]}"
    result = town_restore_logged(municipality, path, scratch, actor=actor, jobs=jobs)
    schema_drop(scratch)
    drill = DrillResult(path, result, time.perf_counter() - started)
    drill_record(path, drill)
    return drill


def drill_record(path: Path, drill: DrillResult) -> None:
    """The last 復元訓練 of a generation, beside its manifest (shown on the portal)."""
    record = {
        "at": timezone.now().isoformat(),
        "ok": drill.restore.ok,
        "problems": len(drill.restore.problems),
        "seconds": round(drill.seconds, 1),
    }
    (path / DRILL_FILE).write_text(json.dumps(record) + "\n")


def drill_read(path: Path) -> dict[str, object] | None:
    try:
        data = json.loads((path / DRILL_FILE).read_text())
    except (FileNotFoundError, ValueError):
        return None
    return data if isinstance(data, dict) else None
