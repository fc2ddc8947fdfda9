"""★ Round trip (issue 19 item 5): export a town → import into a scratch town → export
again → every item of every file equal, CSV and XML; the scratch town is gone after."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from migration_io.importer.roundtrip import roundtrip
from migration_io.layout import layout_load
from migration_io.tests.test_export import _hayama_registry
from tenants.accesslog.models import AccessAction, AccessLog
from tenants.db import connection
from tenants.models import Municipality

pytestmark = pytest.mark.django_db

LAYOUT = "jumin_kihon_daicho"


def test_a_small_town_round_trips_through_csv_and_xml_without_a_difference(alpha):
    # given: households that moved, a 除票, a 令和 birth, a 外国人住民, a formula-like 方書
    connection.set_tenant(alpha.municipality)
    _hayama_registry()
    towns = Municipality.objects.count()
    # when
    result = roundtrip(alpha.municipality, layout_load(LAYOUT), formats=("csv", "xml"))
    # then: every item of every file is the same, in both formats
    assert result.import_errors == {"csv": [], "xml": []}, result.lines()
    assert result.difference_count == 0, result.lines()
    assert result.same
    assert result.records["csv"]["JUMIN"] == 5 and result.records["xml"]["RIREKI"] > 5
    assert result.items_compared["csv"] > 500 and result.items_compared["xml"] > 500
    assert result.lines()[-1] == "結果: 差異なし（すべての項目が一致）"
    # and the scratch town is gone, schema and row
    connection.set_schema_to_public()
    assert Municipality.objects.count() == towns
    assert not Municipality.objects.filter(schema_name__startswith="mio_scratch_").exists()
    # and the source town's export is in its access log
    connection.set_tenant(alpha.municipality)
    rows = AccessLog.objects.filter(action=AccessAction.EXPORT, screen="mio_roundtrip")
    assert rows.count() == 4


def test_the_command_prints_the_report(alpha):
    connection.set_tenant(alpha.municipality)
    _hayama_registry()
    connection.set_schema_to_public()
    out = StringIO()
    call_command("migration_roundtrip", "--schema", alpha.schema, stdout=out)
    text = out.getvalue()
    assert "CSV:" in text and "XML:" in text
    assert "結果: 差異なし" in text
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'mio_scratch_%%'")
        assert cursor.fetchone()[0] == 0
