"""Where backups live: generations (世代) per town, and the copy in a second location."""

from __future__ import annotations

import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from tenants.backup.dump import PARTIAL, file_copy_hashed, files_walk
from tenants.backup.manifest import MANIFEST, BackupError, Manifest, manifest_read

PARTIAL_MAX_AGE_SECONDS = 24 * 3600
STAMP = re.compile(r"^\d{8}T\d{12}$")


def backup_root() -> Path:
    return Path(settings.JC_BACKUP_ROOT)


def second_root() -> Path | None:
    value = settings.JC_BACKUP_SECOND_ROOT
    return Path(value) if value else None


@dataclass(frozen=True)
class Generation:
    path: Path
    stamp: str

    def manifest(self) -> Manifest:
        return manifest_read(self.path)


def generations(root: Path, schema: str) -> list[Generation]:
    """The complete backups of a town under ``root``, newest first (a ``.partial``
    directory is an interrupted one and is not listed)."""
    folder = root / schema
    if not folder.is_dir():
        return []
    found = [
        Generation(path, path.name)
        for path in folder.iterdir()
        if path.is_dir() and STAMP.match(path.name) and (path / MANIFEST).is_file()
    ]
    return sorted(found, key=lambda g: g.stamp, reverse=True)


def generations_prune(root: Path, schema: str, keep: int) -> list[str]:
    """Keep the newest ``keep`` generations of the town (and no interrupted ones);
    returns the stamps removed."""
    if keep < 1:
        raise BackupError("保存する世代数は1以上にしてください。")
    removed = []
    for generation in generations(root, schema)[keep:]:
        shutil.rmtree(generation.path)
        removed.append(generation.stamp)
    folder = root / schema
    if folder.is_dir():
        # an interrupted backup; a day old, so that a dump still running is left alone
        old = time.time() - PARTIAL_MAX_AGE_SECONDS
        for path in folder.iterdir():
            if path.name.endswith(PARTIAL) and path.stat().st_mtime < old:
                shutil.rmtree(path, ignore_errors=True)
    return removed


def backup_check(directory: Path) -> list[str]:
    """Check every file of a backup against its manifest (sizes and SHA-256)."""
    manifest = manifest_read(directory)
    problems = []
    for table in manifest.tables:
        path = directory / table.file
        if not path.is_file():
            problems.append(f"表 {table.name} のファイルがありません。")
            continue
        size, digest = file_copy_hashed(path, None)
        if size != table.bytes or digest != table.sha256:
            problems.append(f"表 {table.name} のファイルがマニフェストと一致しません。")
    for entry in manifest.files:
        path = directory / "files" / entry.path
        if not path.is_file():
            problems.append(f"ファイル {entry.path} がありません。")
            continue
        size, digest = file_copy_hashed(path, None)
        if size != entry.bytes or digest != entry.sha256:
            problems.append(f"ファイル {entry.path} がマニフェストと一致しません。")
    return problems


def copy_to_second(directory: Path, second: Path) -> Path:
    """Copy a complete backup to the second location (``second/<schema>/<stamp>``),
    written as ``.partial``, checked file by file against the manifest, then renamed."""
    schema = directory.parent.name
    target = second / schema / directory.name
    if target.exists():
        return target
    partial = target.with_name(target.name + PARTIAL)
    shutil.rmtree(partial, ignore_errors=True)
    partial.parent.mkdir(parents=True, exist_ok=True)
    try:
        for rel in files_walk(directory):
            out = partial / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            file_copy_hashed(directory / rel, out)
            with out.open("rb") as f:
                os.fsync(f.fileno())
        problems = backup_check(partial)
        if problems:
            raise BackupError("第二保管先への複写が一致しません: " + problems[0])
        partial.rename(target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return target
