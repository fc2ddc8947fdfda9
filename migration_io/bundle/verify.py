"""Verifying an exit bundle: the signature of ``bundle.json`` with a trusted public key,
then every file it lists against its size and SHA-256, then files it does not list.

The bundle is a ZIP (as downloaded) or a folder (unpacked); in either, ``bundle.json``
sits at the top or in one folder. The trusted key is the one given (``--public-key``,
the PEM the platform publishes) or, on the platform itself, its own key; the key inside
the bundle is only compared with it, never trusted. Every difference is named: the file,
and what differs (missing, size, SHA-256, not listed, signature, key).
"""

from __future__ import annotations

import base64
import binascii
import json
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, Any

from migration_io.bundle.keys import key_id
from migration_io.bundle.sign import BUNDLE, FORMAT, PUBLIC_KEY, SIGNATURE, file_digest

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


@dataclass(frozen=True)
class Finding:
    name: str
    problem: str

    def __str__(self) -> str:
        return f"{self.name}: {self.problem}"


@dataclass
class VerifyReport:
    findings: list[Finding] = field(default_factory=list)
    body: dict[str, Any] = field(default_factory=dict)
    files_checked: int = 0
    signature_ok: bool = False

    @property
    def ok(self) -> bool:
        return self.signature_ok and not self.findings

    def add(self, name: str, problem: str) -> None:
        self.findings.append(Finding(name, problem))


class _Source:
    """The bundle's files by name, from a ZIP or a folder."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip = zipfile.ZipFile(path) if path.is_file() else None
        names = self._all()
        tops = sorted(
            {n.rsplit("/", 1)[0] if "/" in n else "" for n in names if _leaf(n) == BUNDLE}
        )
        self.prefix = f"{tops[0]}/" if tops and tops[0] else ""

    def _all(self) -> list[str]:
        if self.zip is not None:
            return [n for n in self.zip.namelist() if not n.endswith("/")]
        return [p.relative_to(self.path).as_posix() for p in self.path.rglob("*") if p.is_file()]

    def names(self) -> set[str]:
        return {n[len(self.prefix) :] for n in self._all() if n.startswith(self.prefix)}

    @contextmanager
    def open(self, name: str) -> Iterator[IO[bytes]]:
        if self.zip is not None:
            with self.zip.open(self.prefix + name) as handle:
                yield handle
        else:
            with (self.path / (self.prefix + name)).open("rb") as handle:
                yield handle

    def read(self, name: str) -> bytes:
        with self.open(name) as handle:
            return handle.read()

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


def _leaf(name: str) -> str:
    return name.rsplit("/", 1)[-1]


def _safe(name: Any) -> bool:
    if not isinstance(name, str) or not name or "\\" in name:
        return False
    parts = PurePosixPath(name).parts
    return len(parts) == 1 and parts[0] not in {".", ".."}


def bundle_verify(path: Path, *, trusted: Ed25519PublicKey) -> VerifyReport:
    """Check the bundle at ``path`` against the ``trusted`` public key."""
    report = VerifyReport()
    try:
        source = _Source(path)
    except (OSError, zipfile.BadZipFile):
        report.add(str(path.name), "ZIPファイルとして読めません。")
        return report
    try:
        _verify(source, trusted, report)
    finally:
        source.close()
    return report


def _verify(source: _Source, trusted: Ed25519PublicKey, report: VerifyReport) -> None:
    from cryptography.exceptions import InvalidSignature

    present = source.names()
    for needed in (BUNDLE, SIGNATURE):
        if needed not in present:
            report.add(needed, "ありません（署名付きバンドルではありません）。")
    if report.findings:
        return
    data = source.read(BUNDLE)
    try:
        body = json.loads(data.decode("utf-8"))
        if not isinstance(body, dict) or not isinstance(body.get("files"), list):
            raise ValueError
    except ValueError:
        report.add(BUNDLE, "JSONとして読めません。")
        return
    report.body = body
    if body.get("format") != FORMAT:
        report.add(BUNDLE, f"形式 {body.get('format')!r} はこの検証の対象外です（{FORMAT}）。")
    # the signature, with the trusted key; the key the bundle names is only compared
    trusted_id = key_id(trusted)
    named_id = str((body.get("public_key") or {}).get("key_id", ""))
    if named_id != trusted_id:
        report.add(
            SIGNATURE,
            f"署名した鍵（鍵ID {named_id or '不明'}）が"
            f"照合に使う公開鍵（鍵ID {trusted_id}）と違います。",
        )
    try:
        signature = base64.b64decode(source.read(SIGNATURE).strip(), validate=True)
        trusted.verify(signature, data)
    except (InvalidSignature, binascii.Error, ValueError):
        if named_id == trusted_id:
            report.add(BUNDLE, "署名が一致しません。署名の後に bundle.json が変更されています。")
        else:
            report.add(SIGNATURE, "照合に使う公開鍵では署名を確かめられません。")
    else:
        report.signature_ok = True
    # every file it lists
    listed: set[str] = set()
    for entry in body["files"]:
        name = entry.get("name") if isinstance(entry, dict) else None
        if not _safe(name):
            report.add(str(name), "ファイル名が不正です。")
            continue
        assert isinstance(name, str)
        listed.add(name)
        if name not in present:
            report.add(name, "ありません。")
            continue
        with source.open(name) as handle:
            sha, size = file_digest(handle)
        report.files_checked += 1
        if size != entry.get("bytes"):
            report.add(
                name, f"サイズが違います（記載 {entry.get('bytes')} バイト、実際 {size} バイト）。"
            )
        if sha != entry.get("sha256"):
            report.add(name, f"SHA-256 が違います（記載 {entry.get('sha256')}、実際 {sha}）。")
    for name in sorted(present - listed - {BUNDLE, SIGNATURE, PUBLIC_KEY}):
        report.add(name, "bundle.json に記載のないファイルです。")
