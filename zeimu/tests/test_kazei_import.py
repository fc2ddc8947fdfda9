"""課税資料 CSV import: all rows or none, every error by file, line and field."""

from __future__ import annotations

import hashlib
import io
from datetime import date

import pytest

from juminkiroku.tests.factories import family, household_tennyu
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.atena_bango import number_with_check_digit
from tenants.db import connection
from zeimu.models import KyuyoHokoku, NenkinHokoku, Shinkoku, ShiryoImport
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


def test_kyuyo_premium_breakdown_columns_are_optional_and_stored(people):
    head, wife, _ = people
    content = _csv(
        KYUYO_HEADER + ",新生命保険料の金額,介護医療保険料の金額,旧個人年金保険料の金額",
        f"{head.atena_no},2024,0001234567,株式会社葉山,5200000,760000,40000,0,特別徴収,"
        "96000,24000,",
        f"{wife.atena_no},2024,0009999999,葉山商店,1030000,,,,普通徴収,,,100000",
    )
    kazei_import(kind="kyuyo", file_name="kyuyo_uchiwake.csv", content=content, actor=CLERK)
    rows = {r.atena_id: r for r in KyuyoHokoku.objects.all()}
    assert (rows[head.pk].seimei_ippan_shin, rows[head.pk].seimei_kaigo_iryo) == (96_000, 24_000)
    assert rows[wife.pk].seimei_nenkin_kyu == 100_000 and rows[wife.pk].seimei_ippan_kyu == 0


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
    # a new row before a stored one: the INSERT writes the first, meets the second, and
    # the whole file is undone with the stored row's line named
    new = row.replace("0001234567", "0007654321")
    with pytest.raises(ImportRejected) as exc3:
        kazei_import(
            kind="kyuyo", file_name="c.csv", content=_csv(KYUYO_HEADER, new, row), actor=CLERK
        )
    assert [(e.line, "既に取り込まれています" in e.message) for e in exc3.value.errors] == [
        (3, True)
    ]
    assert KyuyoHokoku.objects.count() == 1 and ShiryoImport.objects.count() == 1


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


# --- 住民税申告・確定申告 (layout ``shinkoku``) --------------------------------------------

SHINKOKU_HEADER = (
    "宛名番号,所得年,申告の種類,給与収入,営業等・農業収入,営業等・農業の必要経費,社会保険料,"
    "一般の生命保険料（新）,障害者区分,寡婦・ひとり親,勤労学生,"
    "配偶者の続柄,配偶者の年齢,配偶者の合計所得金額,配偶者の障害者区分,"
    "親族1_続柄,親族1_年齢,親族1_合計所得金額,親族1_同居老親等,親族1_障害者区分,"
    "親族2_続柄,親族2_年齢,親族2_合計所得金額,親族2_同居老親等,親族2_障害者区分"
)


def test_shinkoku_rows_become_one_shinkoku_each_with_spouse_and_relatives(people):
    # given
    head, wife, child = people
    content = _csv(
        SHINKOKU_HEADER,
        f'{head.atena_no},2024,確定申告,"5,200,000",,,１２０，０００,80000,,,,'
        "妻,45,0,なし,,,,,,子,17,0,,特別障害者",
        f"{wife.atena_no},2024,住民税申告,,1000000,400000,,,,ひとり親（母）,,,,,,"
        "母,78,-50000,該当,同居特別障害者,,,,,",
    )
    # when
    result = kazei_import(kind="shinkoku", file_name="s.csv", content=content, actor=CLERK)
    # then
    assert (result.rows, result.replaced) == (2, 0)
    rows = {s.atena_id: s for s in Shinkoku.objects.all()}
    h = rows[head.pk]
    assert (h.kind, h.kyuyo_shunyu, h.shakai_hokenryo, h.seimei_ippan_shin) == (
        "kakutei",
        5_200_000,
        120_000,
        80_000,
    )
    assert h.haigusha == {"age": 45, "gokei_shotoku": 0, "shogai": "なし", "zokugara": "妻"}
    # the empty group 親族1 is no one: 親族2 becomes the first relative
    assert h.shinzoku == [
        {"age": 17, "gokei_shotoku": 0, "dokyo_roshin": False, "shogai": "特別障害者",
         "zokugara": "子"}
    ]  # fmt: skip
    assert h.entered_by == "hayama-clerk" and h.shiryo_id == result.shiryo.pk
    w = rows[wife.pk]
    assert (w.kind, w.sonota_shotoku, w.kafu_hitorioya, w.haigusha) == (
        "juminzei",
        600_000,
        "ひとり親（母）",
        None,
    )
    assert w.shinzoku == [
        {"age": 78, "gokei_shotoku": -50_000, "dokyo_roshin": True, "shogai": "同居特別障害者",
         "zokugara": "母"}
    ]  # fmt: skip
    assert child.pk not in rows
    assert ShiryoImport.objects.get().kind == "shinkoku"


def test_shinkoku_replaces_the_stored_one_and_says_how_many(people):
    # given a 申告 entered earlier for the head (same row id must survive)
    head, wife, _ = people
    old = Shinkoku.objects.create(
        atena_id=head.pk, shotoku_year=2024, kind="juminzei", jigyo_shunyu=9, entered_by="x"
    )
    Shinkoku.objects.create(atena_id=head.pk, shotoku_year=2023, kind="juminzei")
    content = _csv(
        "宛名番号,所得年,申告の種類,給与収入",
        f"{head.atena_no},2024,確定申告,3000000",
        f"{wife.atena_no},2024,住民税申告,0",
    )
    # when
    result = kazei_import(kind="shinkoku", file_name="fix.csv", content=content, actor=CLERK)
    # then
    assert (result.rows, result.replaced) == (2, 1)
    new = Shinkoku.objects.get(atena_id=head.pk, shotoku_year=2024)
    assert new.pk == old.pk
    assert (new.kind, new.kyuyo_shunyu, new.jigyo_shunyu) == ("kakutei", 3_000_000, 0)
    assert new.shiryo_id == result.shiryo.pk and new.entered_by == "hayama-clerk"
    assert Shinkoku.objects.filter(atena_id=head.pk, shotoku_year=2023).exists()
    assert Shinkoku.objects.count() == 3
    log = AccessLog.objects.get(screen="住民税申告・確定申告の取込")
    assert log.detail == {"replaced": 1} and log.record_count == 2


def test_shinkoku_errors_by_line_and_field_and_nothing_written(people):
    # given
    head, wife, child = people
    Shinkoku.objects.create(atena_id=head.pk, shotoku_year=2024, kind="juminzei", jigyo_shunyu=9)
    content = _csv(
        SHINKOKU_HEADER,
        # 2: spouse without an age; 本人 cannot be 同居特別障害者
        f"{head.atena_no},2024,確定申告,1,,,,,同居特別障害者,,,妻,,0,なし,,,,,,,,,,",
        # 3: unknown 申告の種類, a relative's 障害者区分 not on the list, 勤労学生 not 該当/非該当
        f"{wife.atena_no},2024,修正申告,,,,,,,,はい,,,,,子,5,0,,重度,,,,,",
        # 4: the same person and year again
        f"{wife.atena_no},2024,住民税申告,,,,,,,,,,,,,,,,,,,,,,",
        # 5: age out of range, a loss written as text
        f"{child.atena_no},2024,住民税申告,,,,,,,,,,,,,子,200,赤字,,,,,,,",
    )
    # when
    with pytest.raises(ImportRejected) as exc:
        kazei_import(kind="shinkoku", file_name="s.csv", content=content, actor=CLERK)
    # then
    found = {(e.line, e.field): e.message for e in exc.value.errors}
    assert found[(2, "配偶者の年齢")] == "配偶者の欄に記入があるときは、年齢が必須です。"
    assert "同居特別障害者" not in found[(2, "障害者区分")]
    assert (3, "申告の種類") in found and (3, "親族1_障害者区分") in found
    assert found[(3, "勤労学生")] == "「該当」「非該当」「○」のいずれかを入力してください。"
    assert found[(4, "")] == "3行目と同じ人・年の資料が重複しています。"
    assert found[(5, "親族1_年齢")] == "年齢は0〜150の整数で入力してください。"
    assert found[(5, "親族1_合計所得金額")].startswith("整数（円）で入力してください。")
    assert Shinkoku.objects.get().jigyo_shunyu == 9  # the stored one is untouched
    assert ShiryoImport.objects.count() == 0


def test_shinkoku_header_misspelt_or_missing_is_refused(people):
    head, _, _ = people
    content = _csv("宛名番号,所得年,配偶者年齢", f"{head.atena_no},2024,40")
    with pytest.raises(ImportRejected) as exc:
        kazei_import(kind="shinkoku", file_name="h.csv", content=content, actor=CLERK)
    found = {(e.line, e.field): e.message for e in exc.value.errors}
    assert found == {
        (1, "申告の種類"): "見出しにこの列がありません。",
        (1, "配偶者年齢"): "この様式にない列名です。",
    }


def test_command_imports_shinkoku_and_reports_replacements(people, tmp_path, capsys):
    from django.core.management import call_command

    head, _, _ = people
    Shinkoku.objects.create(atena_id=head.pk, shotoku_year=2024, kind="juminzei")
    f = tmp_path / "shinkoku.csv"
    f.write_bytes(_csv("宛名番号,所得年,申告の種類", f"{head.atena_no},2024,確定申告"))
    call_command("import_kazei", "--schema", "m143014", "--kind", "shinkoku", str(f))
    out = capsys.readouterr().out
    assert "1件を取り込みました" in out and "うち1件は既にあった申告を置き換えました" in out


def test_the_documented_shinkoku_example_imports(people):
    # given the example of docs/kazei_csv.md, with this town's numbers
    from pathlib import Path

    head, wife, _ = people
    doc = (Path(__file__).resolve().parents[2] / "docs" / "kazei_csv.md").read_text("utf-8")
    example = doc.split("```csv\n", 1)[1].split("```", 1)[0]
    example = example.replace("0000000019", head.atena_no).replace("0000000027", wife.atena_no)
    # when
    result = kazei_import(
        kind="shinkoku", file_name="doc.csv", content=example.encode("utf-8"), actor=CLERK
    )
    # then
    assert result.rows == 2
    h = Shinkoku.objects.get(atena_id=head.pk)
    assert (h.kyuyo_shunyu, h.iryohi_kojo) == (5_200_000, 120_000)
    assert h.haigusha == {"age": 45, "gokei_shotoku": 0, "shogai": "なし", "zokugara": "妻"}
    assert [(s["zokugara"], s["age"], s["dokyo_roshin"]) for s in h.shinzoku] == [
        ("子", 17, False),
        ("母", 78, True),
    ]


@pytest.mark.parametrize(
    ("cell", "field"),
    [
        ("株式会社\x00葉山", "特別徴収義務者名"),
        ("株式会社\x1a葉山", "特別徴収義務者名"),
        ('"株式会社\n葉山"', "特別徴収義務者名"),
        ("株式会社\t葉山", "特別徴収義務者名"),
    ],
)
def test_control_characters_in_a_cell_reject_the_file_by_file_line_and_field(
    people, beta, cell, field
):
    # given a file whose third line has a control character in one cell (NUL was a 500)
    head, wife, _ = people
    content = _csv(
        KYUYO_HEADER,
        f"{head.atena_no},2024,0001234567,株式会社葉山,5200000,760000,0,0,特別徴収",
        f"{wife.atena_no},2024,0009999999,{cell},1030000,,,,普通徴収",
    )
    # when it is imported
    with pytest.raises(ImportRejected) as exc:
        kazei_import(kind="kyuyo", file_name="ctl.csv", content=content, actor=CLERK)
    # then the file is refused naming file, line and field, and nothing is written anywhere
    assert [(e.file, e.line, e.field) for e in exc.value.errors] == [("ctl.csv", 3, field)]
    assert "制御文字" in exc.value.errors[0].message or "改行" in exc.value.errors[0].message
    assert KyuyoHokoku.objects.count() == 0 and ShiryoImport.objects.count() == 0
    connection.set_tenant(beta.municipality)
    assert KyuyoHokoku.objects.count() == 0 and ShiryoImport.objects.count() == 0


def test_control_characters_in_the_header_or_an_extra_cell_are_reported(people):
    head, _, _ = people
    content = _csv(
        KYUYO_HEADER + ",メモ\x00",
        f"{head.atena_no},2024,0001234567,株式会社葉山,5200000,760000,0,0,特別徴収,\x07",
    )
    with pytest.raises(ImportRejected) as exc:
        kazei_import(kind="kyuyo", file_name="h.csv", content=content, actor=CLERK)
    assert ("h.csv", 1) in {(e.file, e.line) for e in exc.value.errors}
    assert KyuyoHokoku.objects.count() == 0 and ShiryoImport.objects.count() == 0


def test_a_row_with_more_cells_than_the_header_is_refused_not_cut(people, beta):
    # given a 特別徴収義務者名 with an unquoted comma (every cell after it moves right), and
    # a row with one cell more at the end (which was silently dropped)
    head, wife, _ = people
    content = _csv(
        KYUYO_HEADER,
        f"{head.atena_no},2024,0001234567,株式会社葉山,5200000,760000,40000,5000,特別徴収",
        f"{wife.atena_no},2024,0009999999,葉山商店,本店,1030000,0,0,0,普通徴収",
        f"{head.atena_no},2024,0008888888,葉山漁協,100000,0,0,0,普通徴収,メモ",
        f"{head.atena_no},2024,0007777777,葉山農協,100000,0,0,0,普通徴収,,",
    )
    with pytest.raises(ImportRejected) as rejected:
        kazei_import(kind="kyuyo", file_name="k.csv", content=content, actor=CLERK)
    # then: reported by file, line and the first cell past the header; trailing empty
    # cells (a spreadsheet's habit) hold nothing and are not an error
    more = '見出し（9列）より多い10列があります。値の中の「,」は値全体を「"」で囲んでください。'
    assert [str(e) for e in rejected.value.errors] == [
        f"k.csv 3行目「10列目」: {more}",
        f"k.csv 4行目「10列目」: {more}",
    ]
    assert ShiryoImport.objects.count() == 0 and KyuyoHokoku.objects.count() == 0
    connection.set_tenant(beta.municipality)
    assert ShiryoImport.objects.count() == 0 and KyuyoHokoku.objects.count() == 0


class _NoWholeReads(io.BytesIO):
    """A file that refuses to be read whole: the import must stream it."""

    def read(self, size: int | None = -1) -> bytes:
        assert size is not None and size > 0, "the whole file was read at once"
        return super().read(size)

    def read1(self, size: int | None = -1, /) -> bytes:
        assert size is not None and size > 0, "the whole file was read at once"
        return super().read1(size)


def test_a_file_is_read_as_a_stream_not_whole(people):
    head, wife, _ = people
    content = _csv(
        KYUYO_HEADER,
        f"{head.atena_no},2024,0001234567,株式会社葉山,5200000,760000,40000,5000,特別徴収",
        f"{wife.atena_no},2024,0009999999,葉山商店,1030000,,,,普通徴収",
    )
    result = kazei_import(
        kind="kyuyo", file_name="s.csv", content=_NoWholeReads(content), actor=CLERK
    )
    assert result.rows == 2 and KyuyoHokoku.objects.count() == 2
    assert result.shiryo.sha256 == hashlib.sha256(content).hexdigest()
    # a bad byte in the middle is an error of its line, as before
    broken = _csv(KYUYO_HEADER) + b"\xff\xfe,2024\n"
    with pytest.raises(ImportRejected) as rejected:
        kazei_import(kind="kyuyo", file_name="b.csv", content=_NoWholeReads(broken), actor=CLERK)
    assert "UTF-8" in rejected.value.errors[0].message


def test_a_clean_report_file_goes_straight_into_the_table(people, monkeypatch):
    """給与・年金: rows are COPYed into the table as they are read (the database writes while
    the file is read); the checking path with its temporary table is not needed."""
    from zeimu.services import kazei_import as service

    def no_second_reading(*_: object, **__: object) -> None:
        raise AssertionError("a clean file was read twice")

    monkeypatch.setattr(service._Importer, "run", no_second_reading)
    head, wife, _ = people
    rows = [
        f"{head.atena_no},2024,0001234567,株式会社葉山,5200000,0,0,0,特別徴収",
        f"{wife.atena_no},2024,0001234567,株式会社葉山,3100000,0,0,0,普通徴収",
    ]
    result = kazei_import(
        kind="kyuyo", file_name="k.csv", content=_csv(KYUYO_HEADER, *rows), actor=CLERK
    )
    assert result.rows == 2
    assert sorted(KyuyoHokoku.objects.values_list("shiharai_kingaku", flat=True)) == [
        3_100_000,
        5_200_000,
    ]


def test_an_unknown_person_on_the_last_line_undoes_the_rows_copied_before(people):
    """The fast path has written the earlier rows when it meets the error: all undone, and
    the second reading names the line."""
    head, wife, _ = people
    unknown = number_with_check_digit(987_654_321)
    rows = [
        f"{head.atena_no},2024,0001234567,株式会社葉山,5200000,0,0,0,特別徴収",
        f"{wife.atena_no},2024,0001234567,株式会社葉山,3100000,0,0,0,普通徴収",
        f"{unknown},2024,0001234567,株式会社葉山,3100000,0,0,0,普通徴収",
    ]
    with pytest.raises(ImportRejected) as exc:
        kazei_import(
            kind="kyuyo", file_name="u.csv", content=_csv(KYUYO_HEADER, *rows), actor=CLERK
        )
    assert [(e.line, e.field) for e in exc.value.errors] == [(4, "宛名番号")]
    assert KyuyoHokoku.objects.count() == 0 and ShiryoImport.objects.count() == 0
