"""Signing a finished export into an exit bundle, and streaming it as one ZIP.

``bundle_sign`` reads every file the export's manifest lists (and the manifest itself)
back from the town's storage, checks each against the SHA-256 the export recorded (a
file changed on disk since is refused, not signed), and writes beside them:

- ``bundle.json``: format, product and version, town (団体コード, 団体名), time, the export
  job, the layout(s) with their versions, every file with its records, bytes and SHA-256,
  and the public key (algorithm, id, PEM);
- ``bundle.sig``: the Ed25519 signature of ``bundle.json``'s exact bytes, base64;
- ``public_key.pem``: the public key, for the receiver's convenience. It proves nothing by
  itself (anyone can put a key in a bundle): the receiver checks against the key the
  platform publishes (the screen 「移行バンドルの署名鍵」, docs/operations.md).

Signing again replaces the three files (the time changes, nothing else). A hash pass
reads the whole bundle once (≈0.5 GB/s on this machine's disk cache; not benchmarked at
the 380,000-person scale).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import tomllib
import zipfile
from collections.abc import Iterator
from importlib import metadata
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from migration_io.bundle.keys import ALGORITHM, key_id, public_pem, signing_key
from migration_io.jobkinds import MANIFEST, bundle_open, export_dir, manifest_of
from tenants.jobs.models import Job
from tenants.selectors.current import current_municipality

FORMAT = "jichitai-cloud/exit-bundle/1"
BUNDLE = "bundle.json"
SIGNATURE = "bundle.sig"
PUBLIC_KEY = "public_key.pem"
PRODUCT = "jichitai-cloud"
_BLOCK = 1 << 20


class BundleError(RuntimeError):
    """A bundle that cannot be signed; the message is Japanese and names files only."""


def product_version() -> str:
    try:
        return metadata.version(PRODUCT)
    except metadata.PackageNotFoundError:  # pragma: no cover (a checkout not installed)
        with (settings.BASE_DIR / "pyproject.toml").open("rb") as handle:
            return str(tomllib.load(handle)["project"]["version"])


def file_digest(handle: IO[bytes]) -> tuple[str, int]:
    sha = hashlib.sha256()
    size = 0
    while block := handle.read(_BLOCK):
        sha.update(block)
        size += len(block)
    return sha.hexdigest(), size


def _store(job: Job, name: str, data: bytes) -> None:
    path = f"{export_dir(job)}/{name}"
    if default_storage.exists(path):
        default_storage.delete(path)
    default_storage.save(path, ContentFile(data))


def bundle_body(job: Job) -> dict[str, Any] | None:
    """The signed manifest of the job's bundle, or None when it is not signed."""
    path = f"{export_dir(job)}/{BUNDLE}"
    if not default_storage.exists(path):
        return None
    with default_storage.open(path, "rb") as handle:
        body: dict[str, Any] = json.loads(handle.read().decode("utf-8"))
    return body


def bundle_sign(job: Job) -> dict[str, Any]:
    """Sign the finished export ``job`` (see the module's docstring); returns the body."""
    manifest = manifest_of(job) if job.is_finished else None
    if manifest is None:
        raise BundleError("この移行ファイルの出力は完了していません。")
    files: list[dict[str, Any]] = []
    for entry in manifest["files"]:
        with bundle_open(job, entry["name"]) as handle:
            sha, size = file_digest(handle)
        if sha != entry["sha256"] or size != entry["bytes"]:
            raise BundleError(
                f"{entry['name']} が出力した時の内容と違います。もう一度出力してください。"
            )
        files.append(
            {
                "name": entry["name"],
                "title": entry["title"],
                "format": entry["format"],
                "encoding": entry["encoding"],
                "records": entry["records"],
                "bytes": size,
                "sha256": sha,
                "personal": bool(entry["personal"]),
            }
        )
    with bundle_open(job, MANIFEST) as handle:
        sha, size = file_digest(handle)
    files.append(
        {
            "name": MANIFEST,
            "title": "出力時のマニフェスト",
            "format": "json",
            "encoding": "utf-8",
            "records": None,
            "bytes": size,
            "sha256": sha,
            "personal": False,
        }
    )
    town = current_municipality()
    key = signing_key()
    public = key.public_key()
    body = {
        "format": FORMAT,
        "product": {"name": PRODUCT, "version": product_version()},
        "town": {"dantai_code": town.dantai_code, "name": town.name},
        "signed_at": timezone.localtime().isoformat(timespec="seconds"),
        "export": {
            "job": job.pk,
            "created_at": manifest["created_at"],
            "formats": manifest["formats"],
            "encoding": manifest["encoding"],
        },
        "layouts": [
            {"code": manifest["layout"], "title": manifest["title"], "version": manifest["version"]}
        ],
        "files": files,
        "public_key": {"algorithm": ALGORITHM, "key_id": key_id(public), "pem": public_pem(public)},
    }
    data = json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8")
    _store(job, BUNDLE, data)
    _store(job, SIGNATURE, base64.b64encode(key.sign(data)) + b"\n")
    _store(job, PUBLIC_KEY, public_pem(public).encode("ascii"))
    return body


def personal_records(body: dict[str, Any]) -> int:
    """The records of personal data the bundle holds (one format counted: CSV and XML
    carry the same records)."""
    formats = body["export"]["formats"]
    return sum(
        int(f["records"] or 0) for f in body["files"] if f["personal"] and f["format"] == formats[0]
    )


def bundle_folder(body: dict[str, Any]) -> str:
    return f"exit_bundle_{body['town']['dantai_code']}_{body['export']['job']}"


class _Pipe(io.RawIOBase):
    """A write-only stream whose bytes are taken out as they come (a ZIP made while it
    is sent, never stored a second time)."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        out = b"".join(self.chunks)
        self.chunks.clear()
        return out


def bundle_zip(job: Job, body: dict[str, Any]) -> Iterator[bytes]:
    """The signed bundle as one ZIP (stored, not compressed: the request stays I/O-bound),
    every file under one folder, produced while it is sent."""
    folder = bundle_folder(body)
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        names = [f["name"] for f in body["files"]] + [BUNDLE, SIGNATURE, PUBLIC_KEY]
        for name in names:
            with (
                bundle_open(job, name) as src,
                zf.open(f"{folder}/{name}", "w", force_zip64=True) as dst,
            ):
                while block := src.read(_BLOCK):
                    dst.write(block)
                    yield pipe.take()
            yield pipe.take()
    yield pipe.take()
