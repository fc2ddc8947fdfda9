"""The platform's 全銀協 総合振込 file (tenants.zengin): every record 120 bytes, fields where
the 全銀協 layout puts them, totals in the trailer, bad settings and accounts refused."""

from __future__ import annotations

from datetime import date

import pytest

from tenants.zengin import (
    Account,
    FurikomiLine,
    Irainin,
    account_errors,
    field,
    irainin_errors,
    num,
    read_sogo_furikomi,
    sogo_furikomi_file,
    sogo_furikomi_records,
)

TOWN = Irainin(
    code="0012345678",
    name_kana="ﾊﾔﾏﾏﾁ ｼﾞﾄﾞｳﾃｱﾃ",
    bank="0138",
    shiten="101",
    yokin_shumoku="1",
    koza_bango="0001234",
)


def _line(amount: int, koza: str, meigi: str = "ﾊﾔﾏ ﾀﾛｳ", c1: str = "123") -> FurikomiLine:
    return FurikomiLine(Account("0005", "001", "1", koza, meigi), amount, customer1=c1)


def test_header_data_trailer_end_at_the_layouts_offsets() -> None:
    data = sogo_furikomi_file(
        irainin=TOWN,
        torikumi=date(2026, 12, 10),
        lines=[_line(30000, "7654321"), _line(15000, "0000042", "ﾖｺｽｶ ﾊﾅｺ", "")],
    )
    recs = data.split(b"\r\n")
    assert recs[-1] == b""
    assert [len(r) for r in recs[:-1]] == [120] * 5
    head = recs[0]
    assert head[:4] == b"1210"
    assert head[4:14] == b"0012345678"
    assert head[54:58] == b"1210"  # 取組日 MMDD
    assert head[58:62] == b"0138" and head[77:80] == b"101" and head[96:103] == b"0001234"
    d = recs[1]
    assert d[:1] == b"2" and d[1:5] == b"0005" and d[20:23] == b"001"
    assert d[38:42] == b"0000"  # 手形交換所番号
    assert d[43:50] == b"7654321"
    assert d[50:80].decode("cp932").rstrip() == "ﾊﾔﾏ ﾀﾛｳ"
    assert d[80:90] == b"0000030000"
    assert d[91:101] == b"0000000123" and d[111:112] == b"7"
    trailer = recs[3]
    assert trailer[:19] == b"8000002000000045000"
    assert recs[4] == b"9" + b" " * 119
    back = read_sogo_furikomi(data)
    assert [r.kind for r in back] == ["header", "data", "data", "trailer", "end"]
    assert back[2].fields["meigi"] == "ﾖｺｽｶ ﾊﾅｺ" and back[2].fields["amount"] == 15000
    assert back[3].fields == {"count": 2, "total": 45000}


def test_no_lines_is_a_header_a_zero_trailer_and_the_end() -> None:
    back = read_sogo_furikomi(
        sogo_furikomi_file(irainin=TOWN, torikumi=date(2026, 2, 10), lines=[])
    )
    assert [r.kind for r in back] == ["header", "trailer", "end"]
    assert back[1].fields == {"count": 0, "total": 0}


def test_records_stream_one_by_one() -> None:
    it = sogo_furikomi_records(
        irainin=TOWN, torikumi=date(2026, 4, 10), lines=(_line(1, "0000001") for _ in range(3))
    )
    assert len(next(it)) == 122
    assert sum(1 for _ in it) == 5


@pytest.mark.parametrize(
    ("account", "field_name"),
    [
        (Account("005", "001", "1", "1234567", "ﾀﾛｳ"), "kinyu_kikan"),
        (Account("0005", "01", "1", "1234567", "ﾀﾛｳ"), "shiten"),
        (Account("0005", "001", "3", "1234567", "ﾀﾛｳ"), "yokin_shumoku"),
        (Account("0005", "001", "1", "123456", "ﾀﾛｳ"), "koza_bango"),
        (Account("0005", "001", "1", "1234567", "ﾀﾛー"), "meigi_kana"),
        (Account("0005", "001", "1", "1234567", "ｷｮｳｺ"), "meigi_kana"),  # small ｮ
        (Account("0005", "001", "1", "1234567", "たろう"), "meigi_kana"),
    ],
)
def test_an_account_outside_the_zengin_values_is_refused_by_field(
    account: Account, field_name: str
) -> None:
    errs = account_errors(account)
    assert [f for f, _ in errs] == [field_name]
    assert all(m.endswith("。") or m.endswith("）。") for _, m in errs)


def test_a_bad_town_setting_refuses_the_file_with_the_reason() -> None:
    bad = Irainin("12345", "ﾊﾔﾏﾏﾁ", "0138", "101", "1", "0001234")
    assert [f for f, _ in irainin_errors(bad)] == ["code"]
    with pytest.raises(ValueError, match="振込依頼人コード"):
        sogo_furikomi_file(irainin=bad, torikumi=date(2026, 2, 10), lines=[])


def test_amounts_that_do_not_fit_or_are_not_positive_are_refused() -> None:
    with pytest.raises(ValueError, match="10桁"):
        sogo_furikomi_file(
            irainin=TOWN, torikumi=date(2026, 2, 10), lines=[_line(10**10, "0000001")]
        )
    with pytest.raises(ValueError, match="1円以上"):
        sogo_furikomi_file(irainin=TOWN, torikumi=date(2026, 2, 10), lines=[_line(0, "0000001")])


def test_a_long_name_is_cut_on_a_character_boundary() -> None:
    assert field("ｱ" * 35, 30) == ("ｱ" * 30).encode("cp932")
    assert field("東京都", 5) == "東京".encode("cp932") + b" "
    assert num(42, 4) == b"0042"
    with pytest.raises(ValueError):
        num("12a", 3)
