"""The access log's hash chain (issue 22 item 2): sealing, verification, the anchor,
retention with archive, two towns, two sealers at once.

No test relies on ids or sequence numbers starting anywhere (the session's towns already
hold rows, and xdist runs other files' tests before these): each asserts relative to
the head it reads first.
"""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connections, transaction
from django.utils import timezone

from tenants.accesslog.chain import (
    GENESIS,
    ChainBroken,
    FindingKind,
    accesslog_seal,
    accesslog_verify,
)
from tenants.accesslog.models import AccessLog, AccessLogLink, AccessLogPurge
from tenants.accesslog.retention import (
    PurgeRefused,
    accesslog_purge,
    archive_check,
    retention_cutoff,
    retention_years,
)
from tenants.accesslog.services import Actor, access_record
from tenants.db import connection
from tenants.models import AccessLogAnchor


def _log(n: int, who: str = "chain") -> list[int]:
    return [
        access_record(
            actor=Actor(user_id=None, username=f"{who}{i}"),
            action="read",
            record_type="person",
            record_id=1000 + i,
            detail={"b": 2, "a": [1, "二"]},
        ).pk
        for i in range(n)
    ]


def _sql(statement: str, params: list[Any]) -> None:
    """What someone with database rights could do: bypass the append-only triggers."""
    schema = connection.schema_name
    with connection.cursor() as cursor:
        for table in ("accesslog_accesslog", "accesslog_accessloglink"):
            cursor.execute(f'ALTER TABLE "{schema}"."{table}" DISABLE TRIGGER USER')
        cursor.execute(statement, params)
        for table in ("accesslog_accesslog", "accesslog_accessloglink"):
            cursor.execute(f'ALTER TABLE "{schema}"."{table}" ENABLE TRIGGER USER')


def _lines(path: Any) -> list[str]:
    with gzip.open(path, "rt") as fh:
        return fh.read().splitlines()


def _anchor() -> AccessLogAnchor:
    return AccessLogAnchor.objects.get(schema_name=connection.schema_name)


def test_a_second_seal_continues_from_the_first_head(in_alpha):
    # given: rows sealed once (whatever the town held before is sealed too)
    _log(3)
    first = accesslog_seal()
    head = AccessLogLink.objects.get(seq=first.head_seq)
    # when: more rows, sealed again
    ids = _log(2)
    second = accesslog_seal()
    # then: exactly the new rows, numbered on from the first head, chained to its hash
    assert second.sealed == 2
    assert second.head_seq == first.head_seq + 2
    links = list(AccessLogLink.objects.filter(seq__gt=first.head_seq).order_by("seq"))
    assert [k.log_id for k in links] == ids
    row = AccessLog.objects.filter(pk=ids[0]).values().get()
    from tenants.accesslog.chain import canonical_values, link_hash

    assert links[0].row_hash == link_hash(head.row_hash, canonical_values(row))
    anchor = _anchor()
    assert (anchor.head_seq, anchor.head_hash) == (second.head_seq, links[-1].row_hash)
    assert accesslog_seal().sealed == 0
    assert accesslog_verify().ok


def test_an_edited_row_is_named_with_what_differs(in_alpha):
    # given
    ids = _log(3)
    accesslog_seal()
    # when: a row changed directly in SQL, triggers bypassed
    _sql(
        "UPDATE accesslog_accesslog SET username = %s, purpose = %s WHERE id = %s",
        ["x", "y", ids[1]],
    )
    result = accesslog_verify()
    # then: that row, by id, and the two fields
    assert [(f.kind, f.log_id, f.fields) for f in result.findings] == [
        (FindingKind.ALTERED, ids[1], ("username", "purpose"))
    ]
    assert f"アクセスログID {ids[1]}" in result.findings[0].message
    assert "職員・利用目的が封印時と異なります" in result.findings[0].message
    anchor = _anchor()
    assert anchor.verified_ok is False
    assert anchor.findings[0]["log_id"] == ids[1]


def test_an_edited_json_detail_is_named(in_alpha):
    ids = _log(1)
    accesslog_seal()
    _sql(
        "UPDATE accesslog_accesslog SET detail = %s::jsonb WHERE id = %s",
        ['{"a": [1, "二"], "b": 3}', ids[0]],
    )
    result = accesslog_verify()
    assert [(f.log_id, f.fields) for f in result.findings] == [(ids[0], ("detail",))]


def test_jsonb_key_order_does_not_count_as_a_change(in_alpha):
    ids = _log(1)
    accesslog_seal()
    # the same object written with its keys the other way round
    _sql(
        "UPDATE accesslog_accesslog SET detail = %s::jsonb WHERE id = %s",
        ['{"b": 2, "a": [1, "二"]}', ids[0]],
    )
    assert accesslog_verify().ok


def test_a_deleted_row_is_named_as_a_gap(in_alpha):
    ids = _log(3)
    accesslog_seal()
    _sql("DELETE FROM accesslog_accesslog WHERE id = %s", [ids[1]])
    result = accesslog_verify()
    assert [(f.kind, f.log_id) for f in result.findings] == [(FindingKind.DELETED, ids[1])]
    assert "削除されています" in result.findings[0].message


def test_deleted_links_in_the_middle_are_named_by_seq(in_alpha):
    ids = _log(3)
    head = accesslog_seal().head_seq
    middle = AccessLogLink.objects.get(log_id=ids[1]).seq
    _sql("DELETE FROM accesslog_accessloglink WHERE seq = %s", [middle])
    _sql("DELETE FROM accesslog_accesslog WHERE id = %s", [ids[1]])
    result = accesslog_verify()
    assert [(f.kind, f.seq) for f in result.findings] == [(FindingKind.LINKS_MISSING, middle)]
    assert middle == head - 1


def test_a_truncated_tail_is_detected_against_the_anchor_and_not_sealed_over(in_alpha):
    # given
    ids = _log(3)
    head = accesslog_seal().head_seq
    # when: the last two rows and their links deleted: the town's own tables agree
    _sql("DELETE FROM accesslog_accessloglink WHERE log_id = ANY(%s)", [ids[1:]])
    _sql("DELETE FROM accesslog_accesslog WHERE id = ANY(%s)", [ids[1:]])
    # then: only the anchor in the public schema tells
    result = accesslog_verify()
    assert [(f.kind, f.seq) for f in result.findings] == [(FindingKind.TRUNCATED, head - 1)]
    assert f"連番{head - 1}〜{head}" in result.findings[0].message
    _log(1)
    with pytest.raises(ChainBroken):
        accesslog_seal()


def test_links_rewritten_to_match_an_edit_still_end_on_a_foreign_head(in_alpha):
    # given: a row edited and its link (and digests) recomputed by whoever edited it
    ids = _log(2)
    accesslog_seal()
    _sql("UPDATE accesslog_accesslog SET username = 'x' WHERE id = %s", [ids[1]])
    from tenants.accesslog.chain import canonical_values, field_digests, link_hash

    link = AccessLogLink.objects.get(log_id=ids[1])
    previous = AccessLogLink.objects.get(seq=link.seq - 1).row_hash
    values = canonical_values(AccessLog.objects.filter(pk=ids[1]).values().get())
    _sql(
        "UPDATE accesslog_accessloglink SET row_hash = %s, digests = %s::jsonb WHERE seq = %s",
        [link_hash(previous, values), json.dumps(field_digests(values)), link.seq],
    )
    # then
    result = accesslog_verify()
    assert [f.kind for f in result.findings] == [FindingKind.HEAD_MISMATCH]


def test_the_database_refuses_changes_to_the_chain(in_alpha):
    _log(1)
    head = accesslog_seal().head_seq
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogLink.objects.filter(seq=head).update(row_hash=GENESIS)
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogLink.objects.filter(seq=head).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.filter(pk=AccessLogLink.objects.get(seq=head).log_id).delete()


def test_one_towns_tampering_shows_only_in_its_own_check(alpha, beta):
    # given: both towns sealed; a row of 葉山町 edited
    connection.set_tenant(beta.municipality)
    _log(1, "beta")
    accesslog_seal()
    connection.set_tenant(alpha.municipality)
    ids = _log(1, "alpha")
    accesslog_seal()
    _sql("UPDATE accesslog_accesslog SET username = 'x' WHERE id = %s", [ids[0]])
    # then
    assert [f.log_id for f in accesslog_verify().findings] == [ids[0]]
    connection.set_tenant(beta.municipality)
    assert accesslog_verify().ok
    anchors = AccessLogAnchor.objects.filter(schema_name__in=[alpha.schema, beta.schema])
    assert {a.schema_name: a.verified_ok for a in anchors} == {
        alpha.schema: False,
        beta.schema: True,
    }


def test_the_command_names_the_row_and_fails(alpha, beta):
    connection.set_tenant(alpha.municipality)
    ids = _log(1)
    accesslog_seal()
    _sql("UPDATE accesslog_accesslog SET record_id = '9' WHERE id = %s", [ids[0]])
    connection.set_schema_to_public()
    out = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("accesslog_verify", stdout=out)
    assert failed.value.returncode == 1
    text = out.getvalue()
    assert f"[内容の改変] アクセスログID {ids[0]}" in text
    assert "対象IDが封印時と異なります" in text
    assert f"{beta.municipality.dantai_code} {beta.municipality.name}: 正常" in text


# --- retention -------------------------------------------------------------------------


def test_retention_is_five_years_unless_the_town_sets_it(in_alpha):
    from tenants.params.tenant.models import MunicipalParameter

    assert retention_years(date(2026, 4, 1)) == 5
    MunicipalParameter.objects.create(
        key="platform.accesslog.hozon_nensu", fiscal_year_from=2026, value=7, source="規程"
    )
    assert retention_years(date(2026, 4, 1)) == 7
    assert retention_years(date(2026, 3, 31)) == 5  # 令和7年度: still the default


def test_retention_cutoff_is_the_same_day_years_back():
    assert retention_cutoff(date(2026, 12, 6), 5).date() == date(2021, 12, 6)
    assert retention_cutoff(date(2028, 2, 29), 5).date() == date(2023, 2, 28)


@pytest.fixture
def archive_dir(settings: Any, tmp_path: Any) -> Any:
    settings.JC_ACCESSLOG_ARCHIVE_DIR = tmp_path
    return tmp_path


def test_purge_archives_then_deletes_and_the_chain_stays_verifiable(in_alpha, archive_dir):
    # given: old rows sealed, then a newer one
    old = _log(3, "old")
    accesslog_seal()
    cutoff = timezone.now()
    young = _log(1, "young")
    head = accesslog_seal().head_seq
    # when
    result = accesslog_purge(before=cutoff)
    # then: everything up to the young row is archived and gone; the young row stays
    assert result.last_seq == head - 1
    assert not AccessLog.objects.filter(pk__in=old).exists()
    assert AccessLog.objects.filter(pk__in=young).count() == 1
    assert AccessLogLink.objects.order_by("seq").first().seq == head  # type: ignore[union-attr]
    anchor = _anchor()
    assert (anchor.base_seq, anchor.purged_through_seq) == (head - 1, head - 1)
    assert anchor.base_hash == json.loads(_lines(result.archive)[-1])["hash"]
    assert accesslog_verify().ok
    # the archive: a manifest with its checksum, and a chain that recomputes
    assert result.archive is not None
    manifest = result.archive.with_name(result.archive.name + ".sha256").read_text()
    assert manifest == f"{result.archive_sha256}  {result.archive.name}\n"
    count, last = archive_check(result.archive)
    assert (count, last) == (result.purged, anchor.base_hash)
    rows = [json.loads(x) for x in _lines(result.archive)[1:]]
    assert [r["row"]["id"] for r in rows][-3:] == old
    purge = AccessLogPurge.objects.get()
    assert (purge.retention_years, purge.row_count) == (5, result.purged)
    # and tampering after the purge is still found
    _sql("UPDATE accesslog_accesslog SET username = 'x' WHERE id = %s", [young[0]])
    assert [f.log_id for f in accesslog_verify().findings] == young
    # the database still refuses deleting rows the purge has not reached
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.filter(pk=young[0]).delete()


def test_a_tampered_archive_fails_its_check(in_alpha, archive_dir):
    _log(2)
    accesslog_seal()
    result = accesslog_purge(before=timezone.now() + timedelta(seconds=1))
    assert result.archive is not None
    lines = _lines(result.archive)
    row = json.loads(lines[-1])
    row["row"]["username"] = "x"
    lines[-1] = json.dumps(row)
    with gzip.open(result.archive, "wt") as fh:
        fh.write("\n".join(lines) + "\n")
    with pytest.raises(PurgeRefused, match="チェックサム"):
        archive_check(result.archive)
    # a manifest recomputed to match: the chain inside still fails
    import hashlib

    sha = hashlib.sha256(result.archive.read_bytes()).hexdigest()
    with pytest.raises(PurgeRefused, match="ハッシュが一致しません"):
        archive_check(result.archive, sha)


def test_a_tampered_chain_is_not_purged(in_alpha, archive_dir):
    ids = _log(2)
    accesslog_seal()
    _sql("UPDATE accesslog_accesslog SET username = 'x' WHERE id = %s", [ids[0]])
    with pytest.raises(PurgeRefused):
        accesslog_purge(before=timezone.now() + timedelta(seconds=1))
    assert AccessLog.objects.filter(pk__in=ids).count() == 2
    assert not list(archive_dir.rglob("*.gz"))


def test_purge_in_one_town_leaves_the_other_alone(alpha, beta, archive_dir):
    connection.set_tenant(beta.municipality)
    beta_ids = _log(2, "beta")
    accesslog_seal()
    connection.set_tenant(alpha.municipality)
    _log(2, "alpha")
    accesslog_seal()
    accesslog_purge(before=timezone.now() + timedelta(seconds=1))
    assert [p.name for p in archive_dir.iterdir()] == [alpha.schema]
    connection.set_tenant(beta.municipality)
    assert AccessLog.objects.filter(pk__in=beta_ids).count() == 2
    assert accesslog_verify().ok
    assert _anchor().purged_through_seq == 0


# --- two sealers at once ---------------------------------------------------------------


@pytest.fixture
def committed(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Autocommit: each thread's connection sees what the others committed. The rows
    this leaves are append-only and sealed; later tests continue from the head."""
    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()


def test_two_sealers_racing_do_not_fork_the_chain(committed):
    # given: committed rows in 葉山町, whose chain continues from wherever it is
    from tests.personas import load_world

    schema = load_world().alpha.schema
    connection.set_schema(schema)
    accesslog_seal()
    before = _anchor().head_seq
    ids = _log(40, "race")
    connection.set_schema_to_public()
    barrier = threading.Barrier(2)
    results: list[Any] = []
    errors: list[BaseException] = []

    def sealer() -> None:
        try:
            connection.set_schema(schema)
            barrier.wait(timeout=10)
            results.append(accesslog_seal(batch=7))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sealer) for _ in range(2)]
    # when
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    # then: both finished, every row sealed once, one unbroken chain
    assert errors == []
    assert sum(r.sealed for r in results) == 40
    connection.set_schema(schema)
    links = list(AccessLogLink.objects.filter(seq__gt=before).order_by("seq"))
    assert [k.seq for k in links] == list(range(before + 1, before + 41))
    assert sorted(k.log_id for k in links) == ids
    assert _anchor().head_seq == before + 40
    assert accesslog_verify().ok
