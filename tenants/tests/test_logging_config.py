"""The scrubbing is wired everywhere (issue 12, item 4): every handler that settings.LOGGING
configures carries the filter, records are scrubbed when created whatever handler they go
to, Celery logs through the same configuration, and the deny-list recognises a 個人番号
by its check digit."""

from __future__ import annotations

import logging

import pytest
from celery.signals import setup_logging

from tenants.checkdigits import kojin_bango_check_digit
from tenants.logging import ScrubPersonalData, scrub_text

VALID = "31415926535" + str(kojin_bango_check_digit("31415926535"))
INVALID = VALID[:-1] + str((int(VALID[-1]) + 1) % 10)


def _all_handlers() -> list[tuple[str, logging.Handler]]:
    loggers = [("root", logging.getLogger())] + [
        (name, lg)
        for name, lg in logging.Logger.manager.loggerDict.items()
        if isinstance(lg, logging.Logger)
    ]
    return [
        (name, h)
        for name, lg in loggers
        for h in lg.handlers
        # pytest's capture, and libraries' NullHandlers (which write nothing)
        if not type(h).__module__.startswith("_pytest") and not isinstance(h, logging.NullHandler)
    ]


def test_every_configured_handler_scrubs() -> None:
    handlers = _all_handlers()
    assert {type(h).__name__ for _, h in handlers} >= {"StreamHandler", "AdminEmailHandler"}
    for name, h in handlers:
        assert any(isinstance(f, ScrubPersonalData) for f in h.filters), (name, h)


def test_a_record_is_scrubbed_before_any_handler_sees_it() -> None:
    # given: a handler of our own, without any filter
    seen: list[logging.LogRecord] = []

    class Bare(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record)

    log = logging.getLogger("tests.bare")
    log.propagate = False
    log.addHandler(Bare())
    try:
        # when
        log.error("resident %s: %s", VALID, ValueError(f"DETAIL:  Key (kojin_bango)=({VALID})"))
    finally:
        log.handlers.clear()
        log.propagate = True
    # then
    assert VALID not in seen[0].getMessage()
    assert "Key (kojin_bango)=[scrubbed]" in seen[0].getMessage() or "DETAIL: [scrubbed]" in (
        seen[0].getMessage()
    )


def test_celery_logs_through_settings_logging() -> None:
    # Celery configures no logging of its own once setup_logging has a receiver
    receivers = [r() if callable(r) else r for _, r in setup_logging.receivers]
    names = [getattr(r, "__name__", "") for r in receivers]
    assert "_logging_from_django_settings" in names


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        (f"番号 {VALID} です", True),
        (f"{VALID[:4]}-{VALID[4:8]}-{VALID[8:]}", True),
        (f"{VALID[:4]} {VALID[4:8]} {VALID[8:]}", True),
        ("".join(chr(ord(c) + 0xFEE0) for c in VALID), True),  # full width
        (f"order {INVALID}", False),  # wrong check digit: not a 個人番号
        (f"id 9{VALID}", False),  # 13 digits
    ],
)
def test_kojin_bango_by_its_check_digit(text: str, scrubbed: bool) -> None:
    out = scrub_text(text)
    assert ("個人番号?" in out) is scrubbed, out


def test_database_details_in_plain_text_and_in_japanese() -> None:
    text = (
        'duplicate key value violates unique constraint "u"\n'
        "DETAIL:  Key (shimei, birth)=(葉山　一郎, 1980-05-05) already exists.\n"
        "詳細: 失敗した行は(1, 葉山　一郎)を含みます\n"
        'CONTEXT:  JSON data, line 1: {"shimei": "葉山\n'
        "LINE 1: INSERT INTO x VALUES ('葉山')\n"
    )
    out = scrub_text(text)
    assert "葉山" not in out and "一郎" not in out
    assert 'constraint "u"' in out
