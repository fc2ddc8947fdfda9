"""Automatic numbers from the town's own PostgreSQL sequences (created in migration 0002).

Sequences are never rolled back, so a number is never issued twice even when the
transaction that drew it fails; gaps are allowed (the standard asks for 単純連番, not
gap-free numbering).
"""

from __future__ import annotations

from django.db import connection

from tenants.atena_bango import number_with_check_digit
from tenants.wareki import fiscal_year_of

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


def next_hakko_no(today: object) -> str:
    """発行番号 (標準仕様書 5.5): 年度 + serial, e.g. "2026-0000123"."""
    from datetime import date

    assert isinstance(today, date)
    return f"{fiscal_year_of(today)}-{_nextval(HAKKO_SEQ):07d}"
