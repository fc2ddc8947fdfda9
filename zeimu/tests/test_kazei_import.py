"""課税資料 CSV import: all rows or none, every error by file, line and field."""

from __future__ import annotations

from datetime import date

import pytest

from juminkiroku.tests.factories import family, household_tennyu
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from zeimu.models import KyuyoHokoku, NenkinHokoku, ShiryoImport
from zeimu.services.kazei_import import ImportRejected, kazei_import

pytestmark = pytest.mark.django_db

KYUYO_HEADER = (
    "宛名番号,所得年,特別徴収義務者指定番号,特別徴収義務者名,支払金額,社会保険料等の金額,"
    "生命保険料の控除額,地震保険料の控除額,徴収区分"
)
CLERK = Actor(user_id=1, username="hayama-clerk")


def _csv(*lines: str) -> bytes:
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture
def people(in_alpha):
    _, atenas = household_tennyu("hayama", members=family(), ido_date=date(2020, 4, 1))
    return atenas


def test_valid_file_is_imported_whole(people):
    head, wife, _ = people
    content = _csv(
        KYUYO_HEADER,
        f'{head.atena_no},2024,0001234567,株式会社葉山,"5,200,000",760000,40000,5000,特別徴収',
        f"{wife.atena_no},2024,0009999999,葉山商店,１０３００００,,,,普通徴収",
    )
    result = kazei_import(kind="kyuyo", file_name="kyuyo_2024.csv", content=content, actor=CLERK)
    assert result.rows == 2
    rows = {r.atena_id: r for r in KyuyoHokoku.objects.all()}
    assert rows[head.pk].shiharai_kingaku == 5_200_000 and rows[head.pk].tokubetsu_choshu
    assert rows[wife.pk].shiharai_kingaku == 1_030_000 and not rows[wife.pk].tokubetsu_choshu
    log = AccessLog.objects.get(screen="給与支払報告書の取込")
    assert log.record_count == 2 and log.record_id == str(result.shiryo.pk)


def test_one_bad_row_rejects_the_file_with_line_and_field(people):
    head, wife, child = people
    content = _csv(
        KYUYO_HEADER,
        f"{head.atena_no},2024,0001234567,株式会社葉山,5200000,760000,0,0,特別徴収",
        f"{wife.atena_no},2024,0009999999,葉山商店,-5,,,,普通徴収",
        "0000000010,2024,0009999999,葉山商店,100,,,,普通徴収",
        f"{child.atena_no},1999,0009999999,葉山商店,100,,,,月払い",
    )
    with pytest.raises(ImportRejected) as exc:
        kazei_import(kind="kyuyo", file_name="bad.csv", content=content, actor=CLERK)
    found = {(e.line, e.field) for e in exc.value.errors}
    assert (3, "支払金額") in found
    assert (4, "宛名番号") in found  # check digit
    assert (5, "所得年") in found and (5, "徴収区分") in found
    assert any(str(e).startswith("bad.csv 3行目「支払金額」: ") for e in exc.value.errors)
    assert KyuyoHokoku.objects.count() == 0 and ShiryoImport.objects.count() == 0


def test_duplicates_in_file_and_in_database_and_same_file_twice(people):
    head, _, _ = people
    row = f"{head.atena_no},2024,0001234567,株式会社葉山,5200000,0,0,0,特別徴収"
    with pytest.raises(ImportRejected) as exc:
        kazei_import(
            kind="kyuyo", file_name="dup.csv", content=_csv(KYUYO_HEADER, row, row), actor=CLERK
        )
    assert any(e.line == 3 and "2行目と同じ" in e.message for e in exc.value.errors)
    kazei_import(kind="kyuyo", file_name="a.csv", content=_csv(KYUYO_HEADER, row), actor=CLERK)
    with pytest.raises(ImportRejected) as again:
        kazei_import(kind="kyuyo", file_name="a.csv", content=_csv(KYUYO_HEADER, row), actor=CLERK)
    assert again.value.errors[0].message == "このファイルは取り込み済みです。"
    other = _csv(KYUYO_HEADER, row, "")
    with pytest.raises(ImportRejected) as exc2:
        kazei_import(kind="kyuyo", file_name="b.csv", content=other, actor=CLERK)
    assert "既に取り込まれています" in exc2.value.errors[0].message
    assert KyuyoHokoku.objects.count() == 1


def test_missing_header_and_pension_layout(people):
    head, _, _ = people
    with pytest.raises(ImportRejected) as exc:
        kazei_import(kind="kyuyo", file_name="h.csv", content=_csv("宛名番号,所得年"), actor=CLERK)
    assert {e.field for e in exc.value.errors} >= {"支払金額", "徴収区分"}
    content = _csv(
        "宛名番号,所得年,支払者番号,支払者名,支払金額,社会保険料等の金額,年金特別徴収",
        f"{head.atena_no},2024,NP0001,日本年金機構,2400000,120000,対象",
    )
    kazei_import(kind="nenkin", file_name="nenkin.csv", content=content, actor=CLERK)
    assert NenkinHokoku.objects.get().shiharai_kingaku == 2_400_000


def test_walls_a_town_cannot_import_for_the_other_towns_people(alpha, beta):
    connection.set_tenant(alpha.municipality)
    _, (head, *_rest) = household_tennyu("hayama", members=family())
    connection.set_tenant(beta.municipality)
    content = _csv(KYUYO_HEADER, f"{head.atena_no},2024,1,X社,100,,,,特別徴収")
    with pytest.raises(ImportRejected) as exc:
        kazei_import(kind="kyuyo", file_name="x.csv", content=content, actor=CLERK)
    assert exc.value.errors[0].field == "宛名番号"
    assert KyuyoHokoku.objects.count() == 0
    connection.set_tenant(alpha.municipality)
    assert KyuyoHokoku.objects.count() == 0


def test_command_reports_errors_and_imports(people, tmp_path, capsys):
    from django.core.management import CommandError, call_command

    head, _, _ = people
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv(KYUYO_HEADER, f"{head.atena_no},2024,1,X社,abc,,,,特別徴収"))
    with pytest.raises(CommandError, match="1件の誤り"):
        call_command("import_kazei", "--schema", "m143014", "--kind", "kyuyo", str(bad))
    assert "bad.csv 2行目「支払金額」" in capsys.readouterr().err
    good = tmp_path / "good.csv"
    good.write_bytes(_csv(KYUYO_HEADER, f"{head.atena_no},2024,1,X社,100000,,,,特別徴収"))
    call_command("import_kazei", "--schema", "m143014", "--kind", "kyuyo", str(good))
    assert "1件を取り込みました" in capsys.readouterr().out
