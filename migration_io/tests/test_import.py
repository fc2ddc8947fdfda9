"""Import of the 中間標準レイアウト (issue 19 item 2): a bundle exported from 葉山町 (written
with 寒川町's 団体コード) is imported into 寒川町, whose registry is empty; every item is
checked, the registry's rules across files are applied, and the load is all or nothing.
葉山町 is never touched."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from juminkiroku.public import (
    HeldSet,
    atena_resolve,
    held_ranges,
    household_on,
    registry_is_empty,
    residents_on,
)
from juminkiroku.public import IkoStaging as Staging
from migration_io.importer.report import ERROR, WARNING, Report
from migration_io.importer.roundtrip import export_to_dir
from migration_io.importer.run import Source, import_run
from migration_io.layout import layout_load
from migration_io.tests.test_export import _hayama_registry
from tenants.accesslog.models import AccessAction, AccessLog
from tenants.accesslog.services import Actor
from tenants.checkdigits import kojin_bango_check_digit
from tenants.db import connection
from tenants.events.models import DomainEvent

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="tester")
LAYOUT = "jumin_kihon_daicho"
SETS: tuple[HeldSet, ...] = ("persons", "versions", "idos", "households")


def _counts() -> dict[str, int]:
    return {s: sum(r.count for r in held_ranges(s, 10**6)) for s in SETS}


def _source(path: Path) -> Source:
    return Source(open=lambda: path.open("rb"), size=path.stat().st_size)


def _bundle(alpha: Any, beta: Any, tmp_path: Path, fmt: str = "csv", **kw: Any) -> Path:
    """葉山町's registry as a bundle addressed to 寒川町 (its 団体コード in every record)."""
    connection.set_tenant(alpha.municipality)
    if registry_is_empty():
        _hayama_registry()
    directory = tmp_path / f"bundle_{fmt}"
    directory.mkdir(exist_ok=True)
    export_to_dir(
        layout_load(LAYOUT),
        directory,
        formats=(fmt,),
        encoding=kw.get("encoding", "utf-8-sig"),
        dantai_code=beta.municipality.dantai_code,
        actor=ACTOR,
    )
    return directory


def _import(town: Any, directory: Path, fmt: str = "csv", **kw: Any) -> Report:
    connection.set_tenant(town.municipality)
    layout = layout_load(LAYOUT)
    sources = {}
    for f in layout.files:
        path = directory / f"{f.id}.{fmt}"
        if path.exists():
            sources[f.id] = _source(path)
    return import_run(
        layout=layout,
        sources=sources,
        fmt=fmt,
        encoding=kw.get("encoding", "utf-8-sig"),
        dantai_code=town.municipality.dantai_code,
        dry_run=kw.get("dry_run", False),
        actor=ACTOR,
    )


def _rows(path: Path, encoding: str = "utf-8-sig") -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode(encoding))))


def _cell(text: str) -> str:
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _write(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig") -> None:
    """Raw CSV as a hostile sender writes it (the platform's writer would neutralise the
    formula cells these tests need)."""
    text = "".join(",".join(_cell(c) for c in row) + "\r\n" for row in rows)
    path.write_bytes(text.encode(encoding))


def _errors(report: Report) -> list[tuple[str, int, str, str]]:
    return [(f.file, f.line, f.item, f.message) for f in report.findings if f.level == ERROR]


def _assert_nothing_loaded(beta: Any, report: Report) -> None:
    assert not report.loaded
    connection.set_tenant(beta.municipality)
    assert registry_is_empty()
    assert not AccessLog.objects.filter(action=AccessAction.CREATE, record_type="atena").exists()
    assert not DomainEvent.objects.filter(name="juminkiroku.iko_load").exists()


# --- the load -----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xml"])
def test_a_bundle_loads_into_an_empty_town_as_its_own_data_and_the_other_town_is_untouched(
    alpha, beta, tmp_path, fmt
):
    # given: 葉山町's registry as a bundle for 寒川町, whose registry is empty
    directory = _bundle(alpha, beta, tmp_path, fmt)
    connection.set_tenant(alpha.municipality)
    hayama_before = _counts()
    hayama_log = AccessLog.objects.count()
    taro = atena_resolve_no(residents_on(date(2021, 1, 1))[0].atena_id)
    # when
    report = _import(beta, directory, fmt)
    # then: everything is in 寒川町, as the registry's own data
    assert _errors(report) == [] and report.loaded, report.findings
    connection.set_tenant(beta.municipality)
    assert _counts() == hayama_before
    assert atena_resolve(taro).found
    # history: the family of three before the 転出 of one, two after
    family = residents_on(date(2021, 1, 1))
    assert len(family) == 3
    setai_id = family[0].setai_id
    assert setai_id is not None and len(household_on(setai_id, date(2023, 1, 1))) == 2
    # the access log and the event for the other modules
    row = AccessLog.objects.get(action=AccessAction.CREATE, record_type="atena")
    assert row.record_count == 5 and row.username == "tester"
    event = DomainEvent.objects.get(name="juminkiroku.iko_load")
    assert event.payload["jumin_count"] == 5
    # and 葉山町 is as it was: same records, no new access-log row
    connection.set_tenant(alpha.municipality)
    assert _counts() == hayama_before
    assert AccessLog.objects.count() == hayama_log


def atena_resolve_no(atena_id: int) -> str:
    from juminkiroku.public import person_identities

    return person_identities([atena_id])[atena_id].atena_no


_REGISTRY_TABLES = (
    "juminkiroku_atena",
    "juminkiroku_atenarireki",
    "juminkiroku_ido",
    "juminkiroku_setai",
)


def _indexes_and_keys() -> list[tuple[str, str, str]]:
    """The registry tables' indexes and foreign keys in the current town: (table, name,
    definition)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT indrelid::regclass::text, indexrelid::regclass::text,"
            " pg_get_indexdef(indexrelid) FROM pg_index"
            " WHERE indrelid = ANY(%s::text[]::regclass[])"
            " UNION ALL SELECT conrelid::regclass::text, conname,"
            " pg_get_constraintdef(oid) || CASE WHEN convalidated THEN '' ELSE ' NOT VALID' END"
            " FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::text[]::regclass[])"
            " ORDER BY 1, 2",
            [list(_REGISTRY_TABLES), list(_REGISTRY_TABLES)],
        )
        return [tuple(r) for r in cur.fetchall()]


def _foreign_key_holds(table: str, column: str, value: int) -> bool:
    """Whether a row of ``table`` pointing at ``value`` (no such row) is refused at once
    (the key checked IMMEDIATE inside a savepoint)."""
    from django.db import IntegrityError, transaction

    try:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(
                f"UPDATE {table} SET {column} = %s WHERE id = (SELECT min(id) FROM {table})",
                [value],
            )
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    except IntegrityError:
        return True
    finally:
        with connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL DEFERRED")
    return False


def test_the_load_puts_back_every_index_and_foreign_key_it_set_aside(alpha, beta, tmp_path):
    # given: 寒川町's indexes and foreign keys before the load (the load builds the
    # secondary indexes and checks the foreign keys once, after the rows are in)
    directory = _bundle(alpha, beta, tmp_path)
    connection.set_tenant(beta.municipality)
    before = _indexes_and_keys()
    assert len([r for r in before if "FOREIGN KEY" in r[2]]) == 9
    connection.set_tenant(alpha.municipality)
    hayama = _indexes_and_keys()
    # when
    report = _import(beta, directory)
    # then: the same indexes and keys, by name and definition, and the keys still bite
    assert report.loaded, report.findings
    connection.set_tenant(beta.municipality)
    assert _indexes_and_keys() == before
    assert _foreign_key_holds("juminkiroku_atena", "setai_id", 10**9)
    assert _foreign_key_holds("juminkiroku_atenarireki", "atena_id", 10**9)
    # the one-current-version index is unique again
    from django.db import IntegrityError, transaction

    with (
        pytest.raises(IntegrityError, match="rireki_one_current"),
        transaction.atomic(),
        connection.cursor() as cur,
    ):
        cur.execute(
            "CREATE TEMP TABLE twin AS SELECT * FROM juminkiroku_atenarireki"
            " WHERE valid_to IS NULL AND NOT superseded LIMIT 1"
        )
        cur.execute("UPDATE twin SET id = id + 1000000")
        cur.execute("INSERT INTO juminkiroku_atenarireki SELECT * FROM twin")
    connection.set_tenant(alpha.municipality)
    assert _indexes_and_keys() == hayama


def test_a_load_after_deferred_checks_are_queued_keeps_the_indexes_in_place(alpha, beta, tmp_path):
    # given: the transaction already has a deferred check queued on 寒川町's 世帯 table (a
    # 世帯 written and deleted), so PostgreSQL refuses to alter that table until commit
    directory = _bundle(alpha, beta, tmp_path)
    connection.set_tenant(beta.municipality)
    before = _indexes_and_keys()
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO juminkiroku_setai (setai_no, created_at) VALUES ('9999999999', now())"
        )
        cur.execute("DELETE FROM juminkiroku_setai")
    # when
    report = _import(beta, directory)
    # then: it loads all the same (rows into the tables as they are), nothing changed
    assert report.loaded and _errors(report) == [], report.findings
    connection.set_tenant(beta.municipality)
    assert _counts()["persons"] == 5
    assert _indexes_and_keys() == before


def test_a_dry_run_checks_everything_and_writes_nothing(alpha, beta, tmp_path):
    directory = _bundle(alpha, beta, tmp_path)
    report = _import(beta, directory, dry_run=True)
    assert report.errors == 0 and "試行" in report.summary
    assert report.counts["JUMIN"] == 5
    _assert_nothing_loaded(beta, report)


def test_a_town_that_has_residents_refuses_the_load(alpha, beta, tmp_path):
    # given: the bundle is 葉山町's own (its code), and 葉山町 has residents
    directory = _bundle(alpha, alpha, tmp_path)
    connection.set_tenant(alpha.municipality)
    before = _counts()
    report = _import(alpha, directory)
    assert not report.loaded and "既に住民記録" in report.summary
    assert any("既にある宛名番号" in f.message and f.line >= 2 for f in report.findings)
    connection.set_tenant(alpha.municipality)
    assert _counts() == before


def test_an_added_import_is_refused_whole_with_the_records_the_town_holds_by_line(
    alpha, beta, tmp_path
):
    # given: 葉山町's bundle loaded into 寒川町 once
    directory = _bundle(alpha, beta, tmp_path)
    assert _import(beta, directory).loaded
    connection.set_tenant(beta.municipality)
    before = _counts()
    connection.set_tenant(alpha.municipality)
    hayama = _counts()
    jumin = _rows(directory / "JUMIN.csv")
    heading = jumin[0]
    coded = [n for n, r in enumerate(jumin[1:], start=2) if r[heading.index("住民票コード")]]
    # when: the same bundle comes again (a 追加 import)
    report = _import(beta, directory)
    # then: refused as a whole, every record whose 住民票コード 寒川町 holds named by line
    assert not report.loaded and "既に住民記録" in report.summary
    held = [
        f.line
        for f in report.findings
        if f.file == "JUMIN" and f.item == "住民票コード" and "既にある住民票コード" in f.message
    ]
    assert held == coded
    numbered = [
        f.line
        for f in report.findings
        if f.file == "JUMIN" and f.item == "宛名番号" and "既にある宛名番号" in f.message
    ]
    assert numbered == list(range(2, len(jumin) + 1)) and len(numbered) >= 3
    assert any(f.file == "SETAI" and "既にある世帯番号" in f.message for f in report.findings)
    assert report.findings[-1].line == 0 and "既に住民記録" in report.findings[-1].message
    connection.set_tenant(beta.municipality)
    assert _counts() == before
    connection.set_tenant(alpha.municipality)
    assert _counts() == hayama


def test_a_load_that_fails_half_way_leaves_the_town_unchanged(alpha, beta, tmp_path, monkeypatch):
    # given: the versions cannot be written (households, 異動 and persons already were)
    directory = _bundle(alpha, beta, tmp_path)

    def broken(self: Any, cur: Any, table: str, base: dict[str, int]) -> None:
        cur.execute("SELECT 1/0")

    monkeypatch.setattr(Staging, "_insert_versions", broken)
    # when
    with pytest.raises(Exception, match="division by zero"):
        _import(beta, directory)
    # then: nothing of it is left
    connection.set_tenant(beta.municipality)
    assert registry_is_empty()
    assert not AccessLog.objects.filter(action=AccessAction.CREATE, record_type="atena").exists()


def test_a_wrong_bundle_for_the_town_is_refused_item_by_item(alpha, beta, tmp_path):
    # given: 葉山町's bundle with 葉山町's code, sent to 寒川町
    directory = _bundle(alpha, alpha, tmp_path)
    report = _import(beta, directory)
    errors = _errors(report)
    assert errors and all(e[2] == "団体コード" for e in errors)
    assert errors[0][:2] == ("JUMIN", 2)
    _assert_nothing_loaded(beta, report)


# --- hostile inputs -----------------------------------------------------------------

LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE JUMIN [\n<!ENTITY a "aaaaaaaaaa">\n'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">\n'
    "]>\n"
)
XXE = '<?xml version="1.0"?>\n<!DOCTYPE JUMIN [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'


def _xml_with_prolog(directory: Path, prolog: str, value: str) -> None:
    path = directory / "JUMIN.xml"
    text = path.read_text(encoding="utf-8")
    body = text[text.index("<JUMIN ") :]
    body = body.replace("<SHIMEI>", f"<SHIMEI>{value}", 1)
    path.write_text(prolog + body, encoding="utf-8")


@pytest.mark.parametrize(
    ("prolog", "value"),
    [(LAUGHS, "&c;"), (XXE, "&x;"), ('<?xml version="1.0"?>\n<!DOCTYPE JUMIN>\n', "")],
    ids=["billion_laughs", "xxe", "doctype"],
)
def test_an_xml_with_a_doctype_is_refused_before_any_record(alpha, beta, tmp_path, prolog, value):
    directory = _bundle(alpha, beta, tmp_path, "xml")
    _xml_with_prolog(directory, prolog, value)
    report = _import(beta, directory, "xml")
    assert (
        "JUMIN",
        0,
        "",
        "DOCTYPE（文書型宣言・実体宣言）のあるXMLは読み込みません。",
    ) in _errors(report)
    assert report.counts["JUMIN"] == 0
    assert "root:" not in str(report.to_json())  # nothing of /etc/passwd
    _assert_nothing_loaded(beta, report)


def test_an_oversized_file_is_refused_before_it_is_read(alpha, beta, tmp_path, settings):
    directory = _bundle(alpha, beta, tmp_path)
    settings.JC_MIGRATION_IMPORT_MAX_BYTES = (directory / "RIREKI.csv").stat().st_size - 1
    report = _import(beta, directory)
    (error,) = [e for e in _errors(report) if e[0] == "RIREKI"]
    assert error[1] == 0 and "大きすぎます" in error[3]
    assert report.counts == {}
    _assert_nothing_loaded(beta, report)


def test_a_broken_cp932_byte_is_reported_with_its_line(alpha, beta, tmp_path):
    directory = _bundle(alpha, beta, tmp_path, encoding="cp932")
    path = directory / "JUMIN.csv"
    lines = path.read_bytes().split(b"\r\n")
    # after the 団体コード: a lead byte 0x82 followed by 0xFF, which no cp932 trail byte is
    lines[3] = lines[3].replace(b",", b",\x82\xff", 1)
    path.write_bytes(b"\r\n".join(lines))
    report = _import(beta, directory, encoding="cp932")
    assert _errors(report) == [
        ("JUMIN", 4, "", "Shift_JIS（cp932）として読めないバイトがあります（この行の8バイト目）。")
    ]
    _assert_nothing_loaded(beta, report)


def test_a_formula_cell_is_refused_and_a_neutralised_one_is_text(alpha, beta, tmp_path):
    directory = _bundle(alpha, beta, tmp_path)
    path = directory / "JUMIN.csv"
    rows = _rows(path)
    col = rows[0].index("方書")
    assert any(r[col] == "'-101号室" for r in rows[1:])  # the export's neutralised form
    rows[2][col] = "=cmd|' /C calc'!A0"
    _write(path, rows)
    report = _import(beta, directory)
    (error,) = _errors(report)
    assert error[:3] == ("JUMIN", 3, "方書") and "数式" in error[3]
    _assert_nothing_loaded(beta, report)


def test_a_wrong_check_digit_on_line_1234_is_reported_by_line_and_item(alpha, beta, tmp_path):
    # given: a 住民情報 file of 1,300 records (one record copied under new numbers), the
    # 個人番号 on line 1,234 with a wrong check digit
    directory = _bundle(alpha, beta, tmp_path)
    path = directory / "JUMIN.csv"
    rows = _rows(path)
    header, template = rows[0], rows[1]
    atena, kojin = header.index("宛名番号"), header.index("個人番号")
    from tenants.atena_bango import number_with_check_digit

    body = []
    for n in range(1, 1300):
        row = list(template)
        row[atena] = number_with_check_digit(900000 + n)
        base = f"{700000000 + n:011d}"
        digit = kojin_bango_check_digit(base)
        row[kojin] = base + str(digit if n != 1233 else (digit + 1) % 10)
        body.append(row)
    _write(path, [header, *body])
    # when
    report = _import(beta, directory)
    # then: exactly that line and item
    assert _errors(report) == [
        ("JUMIN", 1234, "個人番号", "個人番号の検査用数字が正しくありません。")
    ]
    assert report.counts["JUMIN"] == 1299
    _assert_nothing_loaded(beta, report)


def test_a_household_whose_setainushi_is_missing_is_refused(alpha, beta, tmp_path):
    # given: the 世帯主 of the family is in none of the files about persons
    directory = _bundle(alpha, beta, tmp_path)
    rows = _rows(directory / "JUMIN.csv")
    no, zoku, jotai = (rows[0].index(h) for h in ("宛名番号", "続柄コード", "住民状態コード"))
    head_no = next(r[no] for r in rows[1:] if r[zoku] == "01" and r[jotai] == "1")
    gone: set[str] = set()
    for name in ("JUMIN", "JUMIN_DOKUJI", "RIREKI"):
        path = directory / f"{name}.csv"
        kept = _rows(path)
        col = kept[0].index("宛名番号")
        if name == "RIREKI":
            gone = {r[kept[0].index("履歴番号")] for r in kept if r[col] == head_no}
        _write(path, [r for r in kept if r[col] != head_no])
    dokuji = _rows(directory / "RIREKI_DOKUJI.csv")
    _write(directory / "RIREKI_DOKUJI.csv", [r for r in dokuji if r[0] not in gone])
    setai_rows = _rows(directory / "SETAI.csv")
    line = next(
        i
        for i, r in enumerate(setai_rows, start=1)
        if r[setai_rows[0].index("世帯主宛名番号")] == head_no
    )
    # when
    report = _import(beta, directory)
    # then: the 世帯 record names a 世帯主 who is not there, and its residents have none
    errors = _errors(report)
    assert ("SETAI", line, "世帯主宛名番号", "参照先のレコードがありません。") in errors
    assert (
        "SETAI",
        line,
        "世帯主宛名番号",
        "世帯主の宛名番号が、この世帯の住民で続柄が世帯主の人ではありません。",
    ) in errors
    assert (
        "SETAI",
        line,
        "世帯員数",
        "世帯員数が住民情報の住民の数（1人）と一致しません。",
    ) in errors
    _assert_nothing_loaded(beta, report)


def test_a_household_left_without_a_setainushi_loads_with_a_warning(alpha, beta, tmp_path):
    # given: a household of two residents, none of them 世帯主 (4.0.4 世帯主不在)
    directory = _bundle(alpha, beta, tmp_path)
    rows = _rows(directory / "SETAI.csv")
    head_col = rows[0].index("世帯主宛名番号")
    count_col = rows[0].index("世帯員数")
    target = next(r for r in rows[1:] if int(r[count_col]) >= 2)
    head_no = target[head_col]
    target[head_col] = ""
    _write(directory / "SETAI.csv", rows)
    jrows = _rows(directory / "JUMIN.csv")
    no, zoku = jrows[0].index("宛名番号"), jrows[0].index("続柄コード")
    for r in jrows[1:]:
        if r[no] == head_no:
            r[zoku] = "24"  # 縁故者
    _write(directory / "JUMIN.csv", jrows)
    # when
    report = _import(beta, directory, dry_run=True)
    # then
    assert _errors(report) == []
    warnings = [f for f in report.findings if f.level == WARNING]
    assert len(warnings) == 1 and "世帯主不在" in warnings[0].message
    assert warnings[0].file == "SETAI" and warnings[0].item == ""


def test_an_xml_finding_names_its_record_as_well_as_its_line(alpha, beta, tmp_path):
    # given: the export writes an XML file's records on one line; the third has a bad date
    directory = _bundle(alpha, beta, tmp_path, "xml")
    path = directory / "JUMIN.xml"
    text = path.read_text(encoding="utf-8")
    recs = text.split("<SEINENGAPPI>")
    recs[3] = "20251399" + recs[3][8:]
    path.write_text("<SEINENGAPPI>".join(recs), encoding="utf-8")
    # when
    report = _import(beta, directory, "xml")
    # then
    (finding,) = [f for f in report.findings if f.level == ERROR]
    assert (finding.file, finding.line, finding.record, finding.item) == ("JUMIN", 2, 3, "生年月日")
    assert finding.message == "存在しない日付です。"
    _assert_nothing_loaded(beta, report)


def test_wareki_and_code_lists_are_checked_item_by_item(alpha, beta, tmp_path):
    # given: line 2's 和暦 is one day off its 生年月日, line 3's 年号コード is not 2 digits of
    # the list, line 4's 性別 is not in its code list
    directory = _bundle(alpha, beta, tmp_path)
    rows = _rows(directory / "JUMIN.csv")
    wareki = rows[0].index("生年月日_和暦年月日")
    gengo = rows[0].index("生年月日_年号コード")
    sex = rows[0].index("性別コード")
    day = rows[1][wareki]
    rows[1][wareki] = day[:4] + f"{int(day[4:]) % 28 + 1:02d}"
    rows[2][gengo] = "4"
    rows[3][sex] = "9"
    _write(directory / "JUMIN.csv", rows)
    # when
    report = _import(beta, directory, dry_run=True)
    # then
    assert _errors(report) == [
        ("JUMIN", 2, "生年月日_和暦年月日", "和暦の日付が西暦の日付と一致しません。"),
        ("JUMIN", 3, "生年月日_年号コード", "コード一覧にないコードです。"),
        ("JUMIN", 4, "性別コード", "コード一覧にないコードです。"),
    ]
    _assert_nothing_loaded(beta, report)
