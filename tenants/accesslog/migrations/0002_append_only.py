"""The access log refuses UPDATE, DELETE and TRUNCATE (see tenants/accesslog/sql.py)."""

from django.db import migrations


def install(apps, schema_editor):  # type: ignore[no-untyped-def]
    from tenants.accesslog.sql import install_append_only_trigger

    with schema_editor.connection.cursor() as cursor:
        install_append_only_trigger(cursor, schema_editor.connection.schema_name)


def uninstall(apps, schema_editor):  # type: ignore[no-untyped-def]
    table = f'"{schema_editor.connection.schema_name}"."accesslog_accesslog"'
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER IF EXISTS accesslog_append_only ON {table}")
        cursor.execute(f"DROP TRIGGER IF EXISTS accesslog_no_truncate ON {table}")


class Migration(migrations.Migration):
    dependencies = [("accesslog", "0001_initial")]
    operations = [migrations.RunPython(install, uninstall)]
