"""The manifest of a town backup: what was dumped, with counts and checksums."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

FORMAT = "jc-town-backup/1"
MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.sha256"
TABLES_DIR = "tables"
FILES_DIR = "files"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is Japanese and names no
    personal data."""


@dataclass(frozen=True)
class TableEntry:
    name: str
    columns: list[str]
    rows: int
    bytes: int
    sha256: str

    @property
    def file(self) -> str:
        return f"{TABLES_DIR}/{self.name}.copy"


@dataclass(frozen=True)
class SequenceEntry:
    name: str
    last_value: int
    is_called: bool


@dataclass(frozen=True)
class FileEntry:
    path: str  # relative to the town's media folder, "/"-separated
    bytes: int
    sha256: str


@dataclass
class Manifest:
    schema: str
    dantai_code: str
    town_name: str
    taken_at: str  # ISO time of the snapshot (the database's now() in it)
    migrations: list[list[str]]  # [app, name], sorted: the schema version
    tables: list[TableEntry] = field(default_factory=list)
    sequences: list[SequenceEntry] = field(default_factory=list)
    files: list[FileEntry] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    format: str = FORMAT

    @property
    def total_rows(self) -> int:
        return sum(t.rows for t in self.tables)

    @property
    def total_bytes(self) -> int:
        return sum(t.bytes for t in self.tables) + sum(f.bytes for f in self.files)

    def to_json(self) -> bytes:
        return (
            json.dumps(asdict(self), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        ).encode()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Manifest:
        if data.get("format") != FORMAT:
            raise BackupError(f"バックアップの形式が違います（{data.get('format')!r}）。")
        return cls(
            schema=data["schema"],
            dantai_code=data["dantai_code"],
            town_name=data["town_name"],
            taken_at=data["taken_at"],
            migrations=[list(m) for m in data["migrations"]],
            tables=[TableEntry(**t) for t in data["tables"]],
            sequences=[SequenceEntry(**s) for s in data["sequences"]],
            files=[FileEntry(**f) for f in data["files"]],
            seconds=dict(data.get("seconds", {})),
        )


def manifest_write(directory: Path, manifest: Manifest) -> None:
    body = manifest.to_json()
    (directory / MANIFEST).write_bytes(body)
    (directory / MANIFEST_SUM).write_text(hashlib.sha256(body).hexdigest() + "\n")


def manifest_read(directory: Path) -> Manifest:
    """The manifest of a backup, refused when it is missing or its checksum differs."""
    path = directory / MANIFEST
    if not path.is_file():
        raise BackupError(f"{directory} にマニフェスト（{MANIFEST}）がありません。")
    body = path.read_bytes()
    try:
        expected = (directory / MANIFEST_SUM).read_text().strip()
    except FileNotFoundError:
        raise BackupError(f"{directory} にマニフェストのチェックサムがありません。") from None
    if hashlib.sha256(body).hexdigest() != expected:
        raise BackupError(
            f"{directory} のマニフェストがチェックサムと一致しません（改変または破損）。"
        )
    return Manifest.from_dict(json.loads(body))
