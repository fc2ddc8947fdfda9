"""Automatic numbers from the town's own PostgreSQL sequences (created in migration 0002).

Sequences are never rolled back, so a number is never issued twice even when the
transaction that drew it fails; gaps are allowed (the standard asks for 単純連番, not
gap-free numbering).
"""

from __future__ import annotations

from django.db import connection

from tenants.atena_bango import number_with_check_digit

ATENA_SEQ = "juminkiroku_atena_no_seq"
SETAI_SEQ = "juminkiroku_setai_no_seq"
IDO_SEQ = "juminkiroku_ido_no_seq"
HAKKO_SEQ = "juminkiroku_hakko_no_seq"
INKAN_SEQ = "juminkiroku_inkan_no_seq"


def _nextval(seq: str) -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT nextval(%s::regclass)", [seq])
        return int(cur.fetchone()[0])


def next_atena_no() -> str:
    return number_with_check_digit(_nextval(ATENA_SEQ))


def next_setai_no() -> str:
    return number_with_check_digit(_nextval(SETAI_SEQ))


def next_ido_no() -> str:
    return f"{_nextval(IDO_SEQ):010d}"


def next_inkan_card_no() -> str:
    return number_with_check_digit(_nextval(INKAN_SEQ))


def next_hakko_no(issued_on: object) -> str:
    """Allocate one 発行番号 (標準仕様書 5.5): the issue date and the town's serial in order
    of issue, "YYYYMMDD-NNNNNNN" (ASCII: it is also the key in 交付履歴, headers and file
    names). Call once per copy: every copy has its own. The printed form adds the town,
    terminal and page: :func:`hakko_no_text`."""
    from datetime import date

    assert isinstance(issued_on, date)
    return f"{issued_on:%Y%m%d}-{_nextval(HAKKO_SEQ):07d}"


def hakko_no_text(key: str, *, town_name: str, terminal: str = "", printer: str = "") -> str:
    """The 発行番号 as 5.5 prints it: 発行年月日 市区町村名 発行端末名 発行プリンタ番号 連番
    (the page "n/N" follows in the page header). A printer the system cannot identify (the
    browser prints) is left blank, which 5.5 allows."""
    day, _, serial = key.partition("-")
    parts = [day, town_name, terminal.strip()[:20], printer.strip()[:20], serial]
    return " ".join(p for p in parts if p)
