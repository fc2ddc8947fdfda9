"""A new town's schema, replayed from the template's DDL (tenants.services.schema_template),
is the migrated template again: tables, columns, defaults, identities, indexes,
constraints, sequences and their positions, triggers, functions, grants, comments and the
migration records (issue 22, item 6; the speed is bench/bench_towns.py's, not asserted)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.db import transaction

from tenants.db import connection
from tenants.services import schema_template
from tenants.services.schema_template import (
    TEMPLATE_SCHEMA,
    TemplateNotDumpable,
    schema_create_from_template,
    template_script,
)
from tenants.testing.schemas import (
    canonical_in_list,
    schema_signature,
    signature_differences,
)


def _rows_by_table(schema: str) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind = 'r' ORDER BY 1",
            [schema],
        )
        tables = [r[0] for r in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}"')
            counts[table] = cursor.fetchone()[0]
    return {t: n for t, n in counts.items() if n}


@pytest.fixture
def fresh_script() -> Iterator[None]:
    """The template's script read again for the test, and again after it."""
    schema_template._script_cache.clear()
    yield
    schema_template._script_cache.clear()


def test_three_clones_are_the_migrated_template_and_take_nothing_from_a_town(
    world: Any, fresh_script: None
) -> None:
    # given: the template (migrate_schemas ran on it) and 葉山町 with rows of its own
    template = schema_signature(TEMPLATE_SCHEMA)
    assert len([r for r in template["relations"] if r[1] == "r"]) > 100
    assert template["migration_records"] and template["triggers"]
    hayama = world.alpha.municipality.schema_name
    hayama_rows = _rows_by_table(hayama)
    samukawa_rows = _rows_by_table(world.beta.municipality.schema_name)
    assert set(hayama_rows) - {"django_migrations"}  # 葉山町 has data of its own
    # when: three towns' schemas are cloned
    for name in ("m900001", "m900002", "m900003"):
        schema_create_from_template(name)
        # then: each is the template, object for object
        assert signature_differences(template, schema_signature(name)) == []
        # and holds the migration records only, nothing of 葉山町 or 寒川町
        assert _rows_by_table(name) == {"django_migrations": len(template["migration_records"])}
    assert _rows_by_table(hayama) == hayama_rows
    assert _rows_by_table(world.beta.municipality.schema_name) == samukawa_rows


CHANGES = [
    ('DROP INDEX "{s}".atena_birth_idx', "indexes"),
    ('DROP TRIGGER accesslog_no_truncate ON "{s}".accesslog_accesslog', "triggers"),
    ("ALTER TABLE \"{s}\".jobs_job ALTER COLUMN kind SET DEFAULT 'x'", "columns"),
    ('ALTER TABLE "{s}".jobs_job ALTER COLUMN kind DROP NOT NULL', "columns"),
    ("SELECT setval('\"{s}\".juminkiroku_atena_no_seq', 41)", "sequence_positions"),
    ('ALTER SEQUENCE "{s}".juminkiroku_atena_no_seq INCREMENT BY 2', "sequences"),
    ('GRANT SELECT ON "{s}".jobs_job TO PUBLIC', "relations"),
    ("COMMENT ON TABLE \"{s}\".jobs_job IS 'x'", "relations"),
    ("CREATE FUNCTION \"{s}\".jc_probe() RETURNS int LANGUAGE sql AS 'SELECT 1'", "functions"),
    ('ALTER TABLE "{s}".jobs_job DROP CONSTRAINT jobs_job_pkey CASCADE', "constraints"),
    ('DELETE FROM "{s}".django_migrations WHERE id = 1', "migration_records"),
    ('GRANT USAGE ON SCHEMA "{s}" TO PUBLIC', "schema"),
]


def test_the_comparison_sees_each_kind_of_difference(db: None, fresh_script: None) -> None:
    # given: a clone, identical to the template
    schema_create_from_template("m900004")
    template = schema_signature(TEMPLATE_SCHEMA)
    assert signature_differences(template, schema_signature("m900004")) == []
    for change, kind in CHANGES:
        # when: one object of the clone is changed (undone before the next)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(change.format(s="m900004"))
            # then: the comparison names it
            differences = signature_differences(template, schema_signature("m900004"))
            assert any(line.startswith(f"{kind}: ") for line in differences), change
            transaction.set_rollback(True)


def _committed(statements: list[str]) -> None:
    """Run statements on a connection of their own, committed (pg_dump reads committed
    state, in another session)."""
    db = connection.settings_dict
    with psycopg.connect(
        dbname=db["NAME"],
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        autocommit=True,
    ) as other:
        other.execute("SET lock_timeout = '10s'")
        for statement in statements:
            other.execute(statement.encode())


def test_grants_functions_comments_and_sequence_positions_of_the_template_are_cloned(
    db: None, fresh_script: None
) -> None:
    # given: the template holds a grant, a function, comments and a used sequence
    t = TEMPLATE_SCHEMA
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_value, is_called FROM {t}.juminkiroku_atena_no_seq")
        last_value, is_called = cursor.fetchone()
    # (undone below, and these objects are the test's own names)
    try:
        _committed(
            [
                f"GRANT SELECT ON {t}.jobs_job TO PUBLIC",
                f"GRANT USAGE ON SCHEMA {t} TO PUBLIC",
                f"CREATE FUNCTION {t}.jc_probe(x int) RETURNS int LANGUAGE sql "
                "IMMUTABLE AS 'SELECT x + 1'",
                f"COMMENT ON TABLE {t}.jobs_job IS '業務処理'",
                f"COMMENT ON COLUMN {t}.jobs_job.kind IS '種類'",
                f"SELECT setval('{t}.juminkiroku_atena_no_seq', 41)",
            ]
        )
        template = schema_signature(TEMPLATE_SCHEMA)
        assert (
            template["functions"]
            and ("juminkiroku_atena_no_seq", 41, True) in template["sequence_positions"]
        )
        # when
        schema_create_from_template("m900005")
        # then
        clone = schema_signature("m900005")
        assert signature_differences(template, clone) == []
        assert clone["schema"][0][1] and "U/" in clone["schema"][0][1]  # USAGE to PUBLIC
        with connection.cursor() as cursor:
            cursor.execute("SELECT m900005.jc_probe(1)")
            assert cursor.fetchone() == (2,)
            cursor.execute("SELECT nextval('m900005.juminkiroku_atena_no_seq')")
            assert cursor.fetchone() == (42,)
    finally:
        _committed(
            [
                f"REVOKE SELECT ON {t}.jobs_job FROM PUBLIC",
                f"REVOKE USAGE ON SCHEMA {t} FROM PUBLIC",
                f"DROP FUNCTION IF EXISTS {t}.jc_probe(int)",
                f"COMMENT ON TABLE {t}.jobs_job IS NULL",
                f"COMMENT ON COLUMN {t}.jobs_job.kind IS NULL",
                f"SELECT setval('{t}.juminkiroku_atena_no_seq', {last_value}, {is_called})",
            ]
        )


def test_a_template_other_sessions_cannot_see_is_cloned_the_slow_way(
    db: None, fresh_script: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the template changed in this transaction, not committed (as when a deploy's
    # first provisioning rebuilds it); pg_dump, another session, sees the committed one
    template = schema_signature(TEMPLATE_SCHEMA)
    with connection.cursor() as cursor:
        cursor.execute(f"COMMENT ON SCHEMA {TEMPLATE_SCHEMA} IS 'not-committed'")
    monkeypatch.setattr(schema_template, "migrations_fingerprint", lambda: "not-committed")
    # when / then: the script is refused, not replayed
    with pytest.raises(TemplateNotDumpable, match="fingerprint"):
        template_script()
    # and the clone is still made, by django-tenants' clone_schema, in this transaction
    schema_create_from_template("m900006")
    clone = schema_signature("m900006")
    tables = {r[0] for r in template["relations"] if r[1] == "r"}
    assert {r[0] for r in clone["relations"] if r[1] == "r"} == tables
    assert clone["migration_records"] == template["migration_records"]
    # (clone_schema names some unique constraints its own way: not the template object
    # for object, one reason it is only the fallback)


def test_one_spelling_for_an_in_list() -> None:
    stored = (
        "WHERE ((status)::text = ANY ((ARRAY['pending'::character varying, "
        "'it''s'::character varying])::text[]))"
    )
    replayed = (
        "WHERE ((status)::text = ANY (ARRAY[('pending'::character varying)::text, "
        "('it''s'::character varying)::text]))"
    )
    assert canonical_in_list(stored) == replayed == canonical_in_list(replayed)
    assert canonical_in_list("WHERE (kind)::text = 'a'::text") == "WHERE (kind)::text = 'a'::text"
