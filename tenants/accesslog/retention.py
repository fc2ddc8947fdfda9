"""Retention of the access log: archive, then purge, and the chain stays verifiable.

The town's retention (``platform.accesslog.hozon_nensu``, 年, settable by the town;
tenants/params/data/accesslog.yaml cites the default) decides the cut-off. The purge
takes the longest run of the chain, from its base, whose rows are all older than the
cut-off; it checks the whole chain first (a tampered chain is not purged: that would
destroy the evidence), writes the run to an archive file (gzip JSON lines: a header,
then each row with its seq and hash) with a SHA-256 manifest beside it, reads the file
back and recomputes the chain from the old base to the last hash, and only then raises
the anchor's base to the last purged link and deletes the rows and their links (the
database lets through exactly those: tenants/accesslog/sql.py).

Archive location: ``settings.JC_ACCESSLOG_ARCHIVE_DIR/<schema>/``; a data centre points
it at storage copied to the second site.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tenants.accesslog.chain import (
    FIELDS,
    _anchor_for_update,
    _lock,
    accesslog_verify,
    canonical_values,
    link_hash,
)
from tenants.accesslog.models import AccessLog, AccessLogLink, AccessLogPurge
from tenants.db import connection
from tenants.params.services import param_value
from tenants.wareki import fiscal_year_of

RETENTION_KEY = "platform.accesslog.hozon_nensu"
ARCHIVE_CHUNK = 5_000


class PurgeRefused(RuntimeError):
    """The chain has findings, or the archive did not read back: nothing was deleted."""


def retention_years(on: date) -> int:
    return int(param_value(RETENTION_KEY, fiscal_year_of(on)))


def retention_cutoff(on: date, years: int) -> datetime:
    """Rows logged before the start of this day (local time) are past retention: the
    same calendar day ``years`` years back (29 February → 28 February)."""
    try:
        day = on.replace(year=on.year - years)
    except ValueError:
        day = on.replace(year=on.year - years, day=28)
    return timezone.make_aware(datetime.combine(day, time.min))


def archive_dir() -> Path:
    return Path(settings.JC_ACCESSLOG_ARCHIVE_DIR) / connection.schema_name


@dataclass(frozen=True)
class PurgeResult:
    purged: int
    first_seq: int = 0
    last_seq: int = 0
    archive: Path | None = None
    archive_sha256: str = ""


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_archive(path: Path, *, base_seq: int, base_hash: str, last_seq: int) -> int:
    """The links base_seq+1..last_seq with their rows, as gzip JSON lines; the count."""
    tmp = path.with_suffix(path.suffix + ".part")
    count = 0
    with gzip.open(tmp, "wt", encoding="utf-8") as out:
        header = {
            "schema": connection.schema_name,
            "base_seq": base_seq,
            "base_hash": base_hash,
            "last_seq": last_seq,
            "fields": list(FIELDS),
        }
        out.write(json.dumps(header, ensure_ascii=False) + "\n")
        seq = base_seq
        while seq < last_seq:
            links = list(
                AccessLogLink.objects.filter(seq__gt=seq, seq__lte=last_seq).order_by("seq")[
                    :ARCHIVE_CHUNK
                ]
            )
            rows = {
                r["id"]: r
                for r in AccessLog.objects.filter(id__in=[k.log_id for k in links]).values(*FIELDS)
            }
            for link in links:
                line = {
                    "seq": link.seq,
                    "hash": link.row_hash,
                    "row": canonical_values(rows[link.log_id]),
                }
                out.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
                count += 1
            seq = links[-1].seq
        out.flush()
        os.fsync(out.fileno())
    tmp.rename(path)
    return count


def archive_check(path: Path, expected_sha256: str | None = None) -> tuple[int, str]:
    """Read an archive back: its checksum (against the manifest's, or the one given)
    and its chain from the header's base. Returns (rows, last hash); raises
    PurgeRefused on any difference."""
    manifest = path.with_name(path.name + ".sha256")
    if expected_sha256 is None:
        expected_sha256 = manifest.read_text(encoding="ascii").split()[0]
    if _sha256_file(path) != expected_sha256:
        raise PurgeRefused(f"{path.name}: チェックサムが一致しません")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        header = json.loads(fh.readline())
        previous, seq, count = header["base_hash"], header["base_seq"], 0
        for text in fh:
            line = json.loads(text)
            seq += 1
            if line["seq"] != seq or link_hash(previous, line["row"]) != line["hash"]:
                raise PurgeRefused(f"{path.name}: 連番{seq}でハッシュが一致しません")
            previous = line["hash"]
            count += 1
    if seq != header["last_seq"]:
        raise PurgeRefused(f"{path.name}: 連番{header['last_seq']}まで揃っていません")
    return count, previous


def accesslog_purge(*, on: date | None = None, before: datetime | None = None) -> PurgeResult:
    """Archive and purge the current town's rows past retention (``before`` overrides
    the cut-off computed from the town's retention on ``on``, default today)."""
    schema_name = connection.schema_name
    if schema_name == "public":
        raise RuntimeError("accesslog_purge called outside a municipality schema")
    on = on or timezone.localdate()
    years = retention_years(on)
    cutoff = before or retention_cutoff(on, years)
    with transaction.atomic():
        _lock(schema_name)  # no seal runs meanwhile
        anchor = _anchor_for_update(schema_name)
        checked = accesslog_verify(record=True)
        if not checked.ok:
            raise PurgeRefused(
                f"{schema_name}: 検証で{len(checked.findings)}件の問題があるため削除しません"
            )
        base_seq = anchor.base_seq
        # The first link (after the base) whose row is not yet past retention ends the run.
        young = (
            AccessLogLink.objects.filter(
                seq__gt=base_seq,
                log_id__in=AccessLog.objects.filter(at__gte=cutoff).values("id"),
            )
            .order_by("seq")
            .values_list("seq", flat=True)
            .first()
        )
        last_seq = (young - 1) if young is not None else anchor.head_seq
        if last_seq <= base_seq:
            return PurgeResult(purged=0)
        folder = archive_dir()
        folder.mkdir(parents=True, exist_ok=True)
        stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
        path = folder / f"accesslog_{schema_name}_{base_seq + 1}-{last_seq}_{stamp}.jsonl.gz"
        count = _write_archive(
            path, base_seq=base_seq, base_hash=anchor.base_hash, last_seq=last_seq
        )
        sha = _sha256_file(path)
        path.with_name(path.name + ".sha256").write_text(f"{sha}  {path.name}\n", encoding="ascii")
        read_back, last_hash = archive_check(path, sha)
        if read_back != count or read_back != last_seq - base_seq:
            raise PurgeRefused(f"{path.name}: 書き出した件数が一致しません")
        anchor.base_seq, anchor.base_hash = last_seq, last_hash
        anchor.purged_through_seq = last_seq
        anchor.save(update_fields=["base_seq", "base_hash", "purged_through_seq"])
        purged_links = AccessLogLink.objects.filter(seq__gt=base_seq, seq__lte=last_seq)
        AccessLog.objects.filter(id__in=purged_links.values("log_id")).delete()
        purged_links.delete()
        AccessLogPurge.objects.create(
            cutoff=cutoff,
            retention_years=years,
            first_seq=base_seq + 1,
            last_seq=last_seq,
            row_count=count,
            last_hash=last_hash,
            archive_name=path.name,
            archive_sha256=sha,
        )
    return PurgeResult(
        purged=count, first_seq=base_seq + 1, last_seq=last_seq, archive=path, archive_sha256=sha
    )
