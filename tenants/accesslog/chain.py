"""The access log's hash chain: sealing, verification (issue 22 item 2).

Each sealed row gets a link (AccessLogLink) whose hash is
``sha256(previous link's hash + canonical text of the row)``; the chain starts at the
town's base (64 zeros, or the last purged hash) and its head is copied to the public
schema (tenants.models.AccessLogAnchor) in the same transaction. So:

- an edited row no longer hashes to its link: named, with the fields whose digest
  differs;
- a deleted row leaves its link without a row: named by its id (a gap);
- deleted links leave a hole in the sequence numbers: named by their seq;
- a deleted tail (rows and links) ends the chain before the anchor's head: detected,
  since the anchor is outside the town's schema;
- links rewritten to match edited rows end on a head that is not the anchor's.

Writing a log row stays one INSERT (tenants.accesslog.services.access_record): the
periodic job ``accesslog_seal_task`` seals what was written since, in batches, under a
transaction-scoped advisory lock per town, so two sealers never fork the chain (the
second waits and continues from the first one's head).

Which rows are new: those with no link, looked for among rows above the highest row
sealed ``SEAL_LOOKBACK`` ago. A row committed later than rows written after it (a long
transaction) is still sealed, in commit order; the chain's order is the seal order
(``seq``), not the row id. A row older than the look-back that was never sealed is
reported by the verification as unsealed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from tenants.accesslog.models import AccessLog, AccessLogLink
from tenants.db import connection
from tenants.models import AccessLogAnchor

GENESIS = "0" * 64
#: rows sealed in one transaction. Hashing and digesting 5,000 rows took 2.6 s of CPU
#: on the 2-core development machine at load average 16 (2026-12-06); the database work
#: (one SELECT, one bulk INSERT) is small beside it.
SEAL_BATCH = 5_000
#: how far back the sealer looks for rows committed late (see the module docstring)
SEAL_LOOKBACK = timedelta(hours=24)
#: advisory lock class (ASCII "JCLG"); the second key is hashtext(schema name)
LOCK_CLASS = 0x4A434C47
VERIFY_CHUNK = 5_000
#: findings kept on the anchor (the command prints them all)
FINDINGS_KEPT = 50

#: the fields sealed, in the canonical order (every column of the row)
FIELDS: tuple[str, ...] = (
    "id",
    "at",
    "user_id",
    "username",
    "is_support",
    "api_client",
    "ip_address",
    "terminal",
    "action",
    "gyomu",
    "screen",
    "record_type",
    "record_id",
    "purpose",
    "mynumber_viewed",
    "record_count",
    "detail",
)


def _plain(name: str, value: Any) -> Any:
    if name == "at" and isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    return value


def canonical_values(row: Mapping[str, Any]) -> dict[str, Any]:
    """The row's fields as JSON-able values (time in UTC with microseconds)."""
    return {name: _plain(name, row[name]) for name in FIELDS}


def canonical_text(values: dict[str, Any]) -> str:
    """One line of JSON, keys in FIELDS order, no spaces, non-ASCII as is; nested
    objects (``detail``) with sorted keys, so jsonb's own key order does not matter."""
    return json.dumps(
        [[name, values[name]] for name in FIELDS],
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    )


def link_hash(previous: str, values: dict[str, Any]) -> str:
    return hashlib.sha256((previous + canonical_text(values)).encode()).hexdigest()


def field_digests(values: dict[str, Any]) -> dict[str, str]:
    """A short digest of each field (diagnostic: which fields of a changed row differ)."""
    return {
        name: hashlib.sha256(
            json.dumps(values[name], ensure_ascii=False, sort_keys=True).encode()
        ).hexdigest()[:16]
        for name in FIELDS
    }


def _lock(schema_name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [LOCK_CLASS, schema_name])


def _anchor_for_update(schema_name: str) -> AccessLogAnchor:
    anchor, _ = AccessLogAnchor.objects.get_or_create(schema_name=schema_name)
    return AccessLogAnchor.objects.select_for_update().get(pk=anchor.pk)


class ChainBroken(RuntimeError):
    """The town's chain does not end where its anchor says: sealing on top would hide a
    truncated tail, so the sealer refuses until someone looks (accesslog_verify)."""


@dataclass(frozen=True)
class SealResult:
    sealed: int
    head_seq: int


def accesslog_seal(*, batch: int = SEAL_BATCH, max_batches: int = 100) -> SealResult:
    """Seal the current town's unsealed rows (oldest id first), ``batch`` rows per
    transaction. Idempotent; run by beat every minute and safe to run concurrently."""
    schema_name = connection.schema_name
    if schema_name == "public":
        raise RuntimeError("accesslog_seal called outside a municipality schema")
    sealed = 0
    head_seq = 0
    for _ in range(max_batches):
        with transaction.atomic():
            _lock(schema_name)
            anchor = _anchor_for_update(schema_name)
            last = AccessLogLink.objects.order_by("-seq").values_list("seq", "row_hash").first()
            head_seq, head_hash = last if last else (anchor.base_seq, anchor.base_hash)
            if (head_seq, head_hash) != (anchor.head_seq, anchor.head_hash):
                raise ChainBroken(
                    f"{schema_name}: chain ends at #{head_seq}, anchor at #{anchor.head_seq}"
                )
            now = timezone.now()
            floor = (
                AccessLogLink.objects.filter(sealed_at__lt=now - SEAL_LOOKBACK)
                .order_by("-sealed_at", "-seq")
                .values_list("log_id", flat=True)
                .first()
            ) or 0
            rows = list(
                AccessLog.objects.filter(id__gt=floor)
                .exclude(id__in=AccessLogLink.objects.filter(log_id__gt=floor).values("log_id"))
                .order_by("id")
                .values(*FIELDS)[:batch]
            )
            if not rows:
                break
            links = []
            for row in rows:
                values = canonical_values(row)
                head_hash = link_hash(head_hash, values)
                head_seq += 1
                links.append(
                    AccessLogLink(
                        seq=head_seq,
                        log_id=row["id"],
                        row_hash=head_hash,
                        digests=field_digests(values),
                        sealed_at=now,
                    )
                )
            AccessLogLink.objects.bulk_create(links)
            anchor.head_seq, anchor.head_hash, anchor.sealed_at = head_seq, head_hash, now
            anchor.save(update_fields=["head_seq", "head_hash", "sealed_at"])
            sealed += len(rows)
            if len(rows) < batch:
                break
    return SealResult(sealed=sealed, head_seq=head_seq)


# --- verification -----------------------------------------------------------------------


class FindingKind:
    ALTERED = "altered"
    DELETED = "deleted"
    LINKS_MISSING = "links_missing"
    TRUNCATED = "truncated"
    BEYOND_ANCHOR = "beyond_anchor"
    HEAD_MISMATCH = "head_mismatch"
    UNSEALED = "unsealed"


FINDING_WORDS = {
    FindingKind.ALTERED: "内容の改変",
    FindingKind.DELETED: "行の削除（欠番）",
    FindingKind.LINKS_MISSING: "封印記録の欠落",
    FindingKind.TRUNCATED: "末尾の削除",
    FindingKind.BEYOND_ANCHOR: "台帳外の封印記録",
    FindingKind.HEAD_MISMATCH: "末尾ハッシュの不一致",
    FindingKind.UNSEALED: "未封印の行",
}


def _field_words(names: list[str]) -> str:
    meta = AccessLog._meta
    return "・".join(
        "ID" if n == "id" else str(getattr(meta.get_field(n), "verbose_name", n)) for n in names
    )


@dataclass(frozen=True)
class Finding:
    kind: str
    message: str  # Japanese; ids, sequence numbers and field names only
    log_id: int | None = None
    seq: int | None = None
    fields: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "message": self.message,
            "log_id": self.log_id,
            "seq": self.seq,
            "fields": list(self.fields),
        }


@dataclass
class VerifyResult:
    schema_name: str
    checked: int = 0
    base_seq: int = 0
    head_seq: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


def _links_after(seq: int) -> Iterator[list[AccessLogLink]]:
    while True:
        chunk = list(AccessLogLink.objects.filter(seq__gt=seq).order_by("seq")[:VERIFY_CHUNK])
        if not chunk:
            return
        yield chunk
        seq = chunk[-1].seq


def accesslog_verify(*, record: bool = True) -> VerifyResult:
    """Check the current town's chain against its rows and its anchor. With ``record``
    the outcome is stored on the anchor (what the portal and the nightly job show)."""
    schema_name = connection.schema_name
    anchor = AccessLogAnchor.objects.filter(schema_name=schema_name).first()
    if anchor is None:
        anchor = AccessLogAnchor(schema_name=schema_name)
    result = VerifyResult(schema_name=schema_name, base_seq=anchor.base_seq)
    found = result.findings
    expected, previous = anchor.base_seq + 1, anchor.base_hash
    last_seq = anchor.base_seq
    for chunk in _links_after(anchor.base_seq):
        rows = {
            r["id"]: r
            for r in AccessLog.objects.filter(id__in=[link.log_id for link in chunk]).values(
                *FIELDS
            )
        }
        for link in chunk:
            # After a hole the previous hash is gone: this row is checked by its digests.
            after_hole = link.seq != expected
            if after_hole:
                found.append(
                    Finding(
                        FindingKind.LINKS_MISSING,
                        f"連番{expected}〜{link.seq - 1}の封印記録が削除されています。",
                        seq=expected,
                    )
                )
            row = rows.get(link.log_id)
            if row is None:
                found.append(
                    Finding(
                        FindingKind.DELETED,
                        f"アクセスログID {link.log_id}（連番{link.seq}）の行が削除されています。",
                        log_id=link.log_id,
                        seq=link.seq,
                    )
                )
            else:
                values = canonical_values(row)
                now = field_digests(values)
                differ = [n for n in FIELDS if link.digests.get(n) != now[n]]
                changed = differ if after_hole else link_hash(previous, values) != link.row_hash
                if changed:
                    what = (
                        f"{_field_words(differ)}が封印時と異なります"
                        if differ
                        else "前の行とのつながり（ハッシュ）が一致しません"
                    )
                    found.append(
                        Finding(
                            FindingKind.ALTERED,
                            f"アクセスログID {link.log_id}（連番{link.seq}）：{what}。",
                            log_id=link.log_id,
                            seq=link.seq,
                            fields=tuple(differ),
                        )
                    )
            result.checked += 1
            previous, expected, last_seq = link.row_hash, link.seq + 1, link.seq
    result.head_seq = last_seq
    if last_seq < anchor.head_seq:
        found.append(
            Finding(
                FindingKind.TRUNCATED,
                f"封印済みの末尾（連番{last_seq + 1}〜{anchor.head_seq}）が削除されています"
                "（台帳の末尾と一致しません）。",
                seq=last_seq + 1,
            )
        )
    elif last_seq > anchor.head_seq:
        found.append(
            Finding(
                FindingKind.BEYOND_ANCHOR,
                f"台帳の末尾（連番{anchor.head_seq}）より後に封印記録があります"
                f"（連番{anchor.head_seq + 1}〜{last_seq}）。",
                seq=anchor.head_seq + 1,
            )
        )
    elif previous != anchor.head_hash:
        found.append(
            Finding(
                FindingKind.HEAD_MISMATCH,
                f"末尾（連番{last_seq}）のハッシュが台帳の記録と一致しません"
                "（封印記録が書き換えられています）。",
                seq=last_seq,
            )
        )
    stale = timezone.now() - SEAL_LOOKBACK
    unsealed = list(
        AccessLog.objects.filter(at__lt=stale)
        .exclude(id__in=AccessLogLink.objects.values("log_id"))
        .order_by("id")
        .values_list("id", flat=True)[:10]
    )
    for log_id in unsealed:
        found.append(
            Finding(
                FindingKind.UNSEALED,
                f"アクセスログID {log_id} が封印されていません。",
                log_id=log_id,
            )
        )
    if record and anchor.pk is not None:
        AccessLogAnchor.objects.filter(pk=anchor.pk).update(
            verified_at=timezone.now(),
            verified_ok=result.ok,
            findings=[f.as_json() for f in found[:FINDINGS_KEPT]],
        )
    return result
