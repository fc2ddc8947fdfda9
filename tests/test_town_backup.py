"""Per-town backup and restore (issue 22 item 1): the restore drill of a small demo town.

The dump and the restore work on connections of their own (several at once, in one
snapshot), so this module's town is committed: 大磯町 is provisioned for the module with
300 synthetic residents and a file, and removed at the end. 寒川町 (the session's world)
is the other town that must stay untouched.
"""

from __future__ import annotations

import filecmp
import hashlib
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

from tenants.backup.dump import files_walk, media_folder, schema_export
from tenants.backup.manifest import BackupError, manifest_read, manifest_write
from tenants.backup.pg import pg_connect, schema_present
from tenants.backup.restore import restore_verify, schema_drop, town_restore
from tenants.backup.services import town_backup
from tenants.backup.store import backup_check, generations
from tenants.db import connection

OISO = "143413"
SEED = 22


def _cleanup_town(schema: str) -> None:
    from tenants.models import Municipality
    from tenants.services.municipality import municipality_drop

    connection.set_schema_to_public()
    town = Municipality.objects.filter(schema_name=schema).first()
    if town is not None:
        municipality_drop(municipality=town, acting_user=None)  # schema, rows, files
    with pg_connect() as conn:  # (a schema left by a run that stopped half way)
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=root):
        yield root


@pytest.fixture(scope="module")
def oiso(django_db_setup: None, django_db_blocker: Any, media: Path) -> Iterator[Any]:
    """大磯町, committed: 300 synthetic residents and one file of its own."""
    from juminkiroku.synth.load import residents_load
    from tenants.models import Municipality, StaffUser
    from tenants.services.municipality import municipality_provision
    from tests.personas import load_world

    with django_db_blocker.unblock():
        world = load_world()
        office = StaffUser.objects.get(username="office")
        schema = f"m{OISO}"
        _cleanup_town(schema)
        try:
            result = municipality_provision(
                consortium=world.consortium,
                dantai_code=OISO,
                name="大磯町",
                name_kana="おおいそまち",
                prefecture="神奈川県",
                population=31550,
                population_date=None,
                go_live=date(2011, 10, 1),
                subdomain="oiso",
                gyomu_codes=["juminkiroku"],
                networks=["127.0.0.0/8"],
                admin_username=None,
                acting_user=office,
                status="active",
            )
            town = result.municipality
            connection.set_tenant(town)
            residents_load(population=300, seed=SEED, on=date(2025, 10, 1))
            connection.set_schema_to_public()
            folder = media_folder(town.schema_name) / "certificates"
            folder.mkdir(parents=True)
            (folder / "demo.pdf").write_bytes(b"%PDF-1.4 demo " + bytes(range(256)))
            other = media_folder(world.beta.schema) / "notices"
            other.mkdir(parents=True)
            (other / "samukawa.pdf").write_bytes(b"%PDF-1.4 samukawa")
            yield Municipality.objects.get(pk=town.pk)
        finally:
            for name in _scratch_schemas():
                schema_drop(name)
            _cleanup_town(schema)
            shutil.rmtree(media_folder(world.beta.schema), ignore_errors=True)
            connection.set_schema_to_public()


def _scratch_schemas() -> list[str]:
    with pg_connect() as conn:
        rows = conn.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'jc_restore%%'"
            " OR nspname LIKE 'jc_drill%%'"
        ).fetchall()
    return [r[0] for r in rows]


@pytest.fixture
def committed(django_db_blocker: Any, oiso: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()


def _export(schema: str, out: Path) -> Path:
    """Every table of the schema as COPY text, then its files: a byte-comparable export."""
    (out / "tables").mkdir(parents=True)
    _taken, migrations, _tables, sequences = schema_export(schema, out / "tables")
    (out / "sequences.txt").write_text(
        "".join(f"{s.name} {s.last_value} {s.is_called}\n" for s in sequences)
    )
    (out / "migrations.txt").write_text("".join(f"{a} {n}\n" for a, n in migrations))
    files = media_folder(schema)
    lines = []
    for rel in files_walk(files):
        lines.append(f"{rel} {hashlib.sha256((files / rel).read_bytes()).hexdigest()}\n")
    (out / "files.txt").write_text("".join(lines))
    return out


def _same_tree(a: Path, b: Path) -> None:
    left = sorted(p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file())
    right = sorted(p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file())
    assert left == right
    _match, mismatch, errors = filecmp.cmpfiles(a, b, left, shallow=False)
    assert mismatch == [] and errors == []


def test_restore_drill_is_byte_identical_and_leaves_the_other_town_alone(
    committed: None, oiso: Any, world: Any, tmp_path: Path
) -> None:
    beta = world.beta.schema
    before_beta = _export(beta, tmp_path / "beta-before")
    # given: a backup of 大磯町 with its second copy
    run = town_backup(oiso, root=tmp_path / "primary", second=tmp_path / "second", keep=2)
    manifest = run.manifest
    by_name = {t.name: t for t in manifest.tables}
    assert by_name["juminkiroku_atena"].rows >= 300
    assert [f.path for f in manifest.files] == ["certificates/demo.pdf"]
    assert ["juminkiroku", "0001_initial"] in manifest.migrations
    assert run.second_path is not None and backup_check(run.second_path) == []
    # when: restored into a new schema
    result = town_restore(run.path, "jc_restore_drill")
    try:
        # then: counts and checksums verified, and a re-export is byte-identical
        assert result.problems == []
        again = _export("jc_restore_drill", tmp_path / "again")
        for table in manifest.tables:
            assert (again / "tables" / f"{table.name}.copy").read_bytes() == (
                run.path / table.file
            ).read_bytes(), table.name
        original = _export(oiso.schema_name, tmp_path / "original")
        _same_tree(original / "tables", again / "tables")
        assert (original / "files.txt").read_text() == (again / "files.txt").read_text()
        assert (original / "sequences.txt").read_text() == (again / "sequences.txt").read_text()
        # and 寒川町's rows and files did not change
        _same_tree(before_beta, _export(beta, tmp_path / "beta-after"))
        # a row or a file changed after the restore is named by the verification
        with pg_connect() as conn:
            conn.execute(
                "UPDATE jc_restore_drill.juminkiroku_atena SET shimei = shimei || 'x' "
                "WHERE id = (SELECT min(id) FROM jc_restore_drill.juminkiroku_atena)"
            )
        (media_folder("jc_restore_drill") / "certificates" / "demo.pdf").write_bytes(b"x")
        assert restore_verify(result.manifest, "jc_restore_drill") == [
            "表 juminkiroku_atena の内容（チェックサム）がマニフェストと違います。",
            "ファイル certificates/demo.pdf の内容（チェックサム）がマニフェストと違います。",
        ]
    finally:
        schema_drop("jc_restore_drill")
    assert not media_folder("jc_restore_drill").exists()


def test_backup_writes_the_towns_access_log_only(
    committed: None, oiso: Any, world: Any, tmp_path: Path
) -> None:
    from django_tenants.utils import schema_context

    from tenants.accesslog.models import AccessLog

    def rows(schema: str) -> int:
        with schema_context(schema):
            return AccessLog.objects.filter(record_type="town_backup").count()

    oiso_before, beta_before = rows(oiso.schema_name), rows(world.beta.schema)
    town_backup(oiso, root=tmp_path)
    assert rows(oiso.schema_name) == oiso_before + 1
    assert rows(world.beta.schema) == beta_before
    with schema_context(oiso.schema_name):
        row = AccessLog.objects.filter(record_type="town_backup").latest("id")
    assert (row.action, row.username, row.record_id) == ("export", "system:town_backup", OISO)


def test_generations_are_kept_in_both_places(committed: None, oiso: Any, tmp_path: Path) -> None:
    primary, second = tmp_path / "primary", tmp_path / "second"
    stamps = [town_backup(oiso, root=primary, second=second, keep=2).path.name for _ in range(3)]
    assert [g.stamp for g in generations(primary, oiso.schema_name)] == stamps[:0:-1]
    assert [g.stamp for g in generations(second, oiso.schema_name)] == stamps[:0:-1]


def test_a_damaged_backup_is_refused_and_leaves_nothing(
    committed: None, oiso: Any, tmp_path: Path
) -> None:
    run = town_backup(oiso, root=tmp_path)
    path = run.path / "tables" / "juminkiroku_atena.copy"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    assert backup_check(run.path) == [
        "表 juminkiroku_atena のファイルがマニフェストと一致しません。"
    ]
    with pytest.raises(BackupError, match="juminkiroku_atena"):
        town_restore(run.path, "jc_restore_damaged")
    with pg_connect() as conn, conn.cursor() as cur:
        assert not schema_present(cur, "jc_restore_damaged")
    assert not media_folder("jc_restore_damaged").exists()
    # an edited manifest is refused before anything is done
    (run.path / "manifest.json").write_bytes(
        (run.path / "manifest.json").read_bytes().replace(b'"rows": 0', b'"rows": 1', 1)
    )
    with pytest.raises(BackupError, match="チェックサム"):
        town_restore(run.path, "jc_restore_damaged")


def test_restore_never_goes_over_an_existing_schema_or_another_version(
    committed: None, oiso: Any, world: Any, tmp_path: Path
) -> None:
    run = town_backup(oiso, root=tmp_path)
    for target in (world.beta.schema, oiso.schema_name, "public", "jc_template"):
        with pytest.raises(BackupError):
            town_restore(run.path, target)
    manifest = manifest_read(run.path)
    manifest.migrations.append(["juminkiroku", "9999_future"])
    manifest_write(run.path, manifest)
    with pytest.raises(BackupError, match="スキーマの版"):
        town_restore(run.path, "jc_restore_future")
    with pg_connect() as conn, conn.cursor() as cur:
        assert not schema_present(cur, "jc_restore_future")


def test_the_command_dumps_and_drills(committed: None, oiso: Any, tmp_path: Path) -> None:
    from io import StringIO

    out = StringIO()
    call_command("town_backup", "dump", "--town", OISO, "--root", str(tmp_path), stdout=out)
    call_command("town_backup", "drill", "--town", OISO, "--root", str(tmp_path), stdout=out)
    assert "復元訓練" in out.getvalue()
    assert _scratch_schemas() == []
    with pytest.raises(Exception, match="団体のもの"):
        call_command("town_backup", "drop", "--schema", oiso.schema_name)


def test_office_backs_up_and_drills_a_member_from_the_portal(
    world: Any, login: Any, tmp_path: Path, settings: Any
) -> None:
    from django_tenants.utils import schema_context

    from tenants.accesslog.models import AccessLog
    from tests.personas import PORTAL_HOST

    settings.JC_BACKUP_ROOT = tmp_path / "primary"
    settings.JC_BACKUP_SECOND_ROOT = str(tmp_path / "second")
    alpha, beta = world.alpha.schema, world.beta.schema
    office = login("office", PORTAL_HOST)
    url = "/members/143014/backup/"
    assert "まだバックアップはありません" in office.get(url).content.decode()
    page = office.post(url, {"action": "drill"}, follow=True).content.decode()
    assert "バックアップがまだありません" in page
    # when: a backup, then a 復元訓練
    page = office.post(url, {"action": "backup"}, follow=True).content.decode()
    assert "バックアップを実行しました" in page
    assert "令和" in page and "複写済み" in page
    page = office.post(url, {"action": "drill"}, follow=True).content.decode()
    assert "復元訓練を実行しました" in page
    assert "一致" in page and "不一致" not in page
    # then: one generation of 葉山町 in each place, none of 寒川町, no scratch schema left
    assert len(generations(tmp_path / "primary", alpha)) == 1
    assert len(generations(tmp_path / "second", alpha)) == 1
    assert generations(tmp_path / "primary", beta) == []
    assert _scratch_schemas() == []
    with schema_context(alpha):
        logged = set(
            AccessLog.objects.filter(record_type="town_backup").values_list("username", "screen")
        )
    assert logged == {("office", "town_backup"), ("office", "town_restore")}
    with schema_context(beta):
        assert not AccessLog.objects.filter(record_type="town_backup").exists()


def test_only_the_consortium_office_opens_the_backup_screen(world: Any, login: Any) -> None:
    from django.test import Client

    from tests.personas import PORTAL_HOST

    anonymous = Client(HTTP_HOST=PORTAL_HOST)
    assert anonymous.post("/members/143014/backup/", {"action": "backup"}).status_code == 302
    assert login("office", PORTAL_HOST).get("/members/999999/backup/").status_code == 404
