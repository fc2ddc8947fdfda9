"""No personal data in any log (issue 12, item 4; the scrubbing is tenants/logging.py,
tested here on the 住民記録 screens, whose data it protects).

Database errors are provoked with a resident's name and 個人番号 in them — through the
real 転入 screen (a CHECK violation: PostgreSQL's "Failing row contains (…)"), through
its 本登録 (a unique violation: "Key (kojin_bango)=(…)"), and through a Celery task run
eagerly (a NUL in a JSON payload: PostgreSQL's CONTEXT quotes the JSON) — and every log
record is then searched: every logger (caplog on the root, a capturing handler on each
logger that does not propagate), every attribute of every record, the output of every
handler configured by settings.LOGGING, each configured formatter applied to every
record, the ADMINS mail and the debug page.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from celery import shared_task
from django.core import mail
from django.core.signals import got_request_exception
from django.db import connection as dj_connection
from django.test import Client

from juminkiroku.models import Ido
from juminkiroku.tests.factories import household_tennyu, person_fields
from tenants.checkdigits import kojin_bango_check_digit
from tenants.db import connection
from tests.personas import ALPHA_HOST, PERSONA_PASSWORD

pytestmark = pytest.mark.django_db

NAME = "葉山　一郎"
KOJIN_BANGO = "31415926535" + str(kojin_bango_check_digit("31415926535"))
NAME_IN_JSON = json.dumps(NAME)[1:-1]  # as Django's JSONField sends it: \\u8449\\u5c71…
KOJIN_BANGO_SPACED = f"{KOJIN_BANGO[:4]}-{KOJIN_BANGO[4:8]}-{KOJIN_BANGO[8:]}"
SECRETS = (NAME, NAME_IN_JSON, "一郎", "イチロウ", KOJIN_BANGO, KOJIN_BANGO_SPACED)

TENNYU_FORM = {
    "ido_date": "令和6年4月1日",
    "todoke_date": "2024-04-03",
    "setai_mode": "new",
    "c-postal_code": "240-0112",
    "c-jusho": "神奈川県三浦郡葉山町堀内",
    "c-banchi": "2135番地",
    "c-tennyu_mae_jusho": "東京都千代田区霞が関二丁目1番2号",
    "n1-shimei": NAME,
    "n1-shimei_kana": "ハヤマ　イチロウ",
    "n1-birth_date": "昭和55年5月5日",
    "n1-sex": "1",
    "n1-shubetsu": "1",
    "n1-zokugara": "01",
    "n1-kojin_bango": KOJIN_BANGO,
}

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def _text_of(value: Any, depth: int = 0) -> str:
    """Everything a record attribute could show: nested containers, exception chains."""
    if depth > 6:
        return ""
    if isinstance(value, BaseException):
        parts = [str(value), repr(value.args)]
        for linked in (value.__cause__, value.__context__):
            if linked is not None:
                parts.append(_text_of(linked, depth + 1))
        return "\n".join(parts)
    if isinstance(value, dict):
        return "\n".join(_text_of(k, depth + 1) + _text_of(v, depth + 1) for k, v in value.items())
    if isinstance(value, list | tuple | set):
        return "\n".join(_text_of(v, depth + 1) for v in value)
    return str(value)


def _record_text(record: logging.LogRecord) -> str:
    parts = [record.getMessage(), str(record.msg), _text_of(record.args), record.exc_text or ""]
    if record.exc_info:
        parts.append(_text_of(record.exc_info[1]))
    for key, value in vars(record).items():
        if key not in _STANDARD or key == "args":
            parts.append(_text_of(value))
    return "\n".join(parts)


def _configured_handlers() -> list[logging.Handler]:
    """Every handler attached to a logger, except pytest's own capturing handlers."""
    loggers: list[logging.Logger] = [logging.getLogger()]
    loggers += [
        lg for lg in logging.Logger.manager.loggerDict.values() if isinstance(lg, logging.Logger)
    ]
    found: dict[int, logging.Handler] = {}
    for lg in loggers:
        for h in lg.handlers:
            if type(h).__module__.startswith("_pytest") or isinstance(h, _Capture):
                continue
            found[id(h)] = h
    return list(found.values())


class _Capture(logging.Handler):
    def __init__(self, sink: list[logging.LogRecord]) -> None:
        super().__init__(logging.DEBUG)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(record)


@dataclass
class LogSearch:
    caplog: Any
    records: list[logging.LogRecord] = field(default_factory=list)
    streams: list[io.StringIO] = field(default_factory=list)
    handlers: list[logging.Handler] = field(default_factory=list)
    raised: list[str] = field(default_factory=list)

    def all_records(self) -> list[logging.LogRecord]:
        seen: dict[int, logging.LogRecord] = {}
        for r in [*self.caplog.records, *self.records]:
            seen[id(r)] = r
        return list(seen.values())

    def everything(self) -> str:
        """The text of every record, every configured handler's output and formatter, mail."""
        parts = [self.caplog.text]
        for record in self.all_records():
            parts.append(_record_text(record))
            for h in self.handlers:
                parts.append(h.format(record))
        parts += [s.getvalue() for s in self.streams]
        for m in mail.outbox:
            parts += [m.subject, str(m.body)]
            parts += [str(content) for content, _ in getattr(m, "alternatives", [])]
        return "\n".join(parts)

    def assert_clean(self) -> None:
        text = self.everything()
        for secret in SECRETS:
            assert secret not in text, f"{secret!r} in the logs:\n{_around(text, secret)}"


def _around(text: str, needle: str) -> str:
    i = text.find(needle)
    return text[max(0, i - 600) : i + 200]


@pytest.fixture
def logs(caplog: Any, settings: Any) -> Iterator[LogSearch]:
    """Every record and every configured handler's output while the test runs."""
    settings.ADMINS = [("情報システム担当", "admin@example.jp")]
    caplog.set_level(logging.DEBUG)
    search = LogSearch(caplog=caplog)
    search.handlers = _configured_handlers()
    assert search.handlers, "settings.LOGGING configured no handler"
    swapped: list[tuple[logging.StreamHandler, Any]] = []
    for h in search.handlers:
        if isinstance(h, logging.StreamHandler):
            stream = io.StringIO()
            swapped.append((h, h.setStream(stream)))
            search.streams.append(stream)
    capture = _Capture(search.records)
    silent = [
        lg
        for lg in logging.Logger.manager.loggerDict.values()
        if isinstance(lg, logging.Logger) and not lg.propagate
    ]
    for lg in silent:
        lg.addHandler(capture)

    def remember(sender: Any, request: Any = None, **kwargs: Any) -> None:
        import sys

        exc = sys.exc_info()[1]
        search.raised.append(_text_of(exc))

    got_request_exception.connect(remember)
    try:
        yield search
    finally:
        got_request_exception.disconnect(remember)
        for lg in silent:
            lg.removeHandler(capture)
        for h, old in swapped:
            h.setStream(old)


def _clerk(host: str = ALPHA_HOST) -> Client:
    import pyotp

    from tenants.models import StaffUser

    c = Client(HTTP_HOST=host, raise_request_exception=False)
    assert (
        c.post("/login/", {"username": "hayama-clerk", "password": PERSONA_PASSWORD}).status_code
        == 302
    )
    secret = StaffUser.objects.get(username="hayama-clerk").totp_secret
    assert c.post("/login/totp/", {"code": pyotp.TOTP(secret).now()}).status_code == 302
    connection.set_schema_to_public()
    return c


def _in_schema(schema: str, sql: str) -> None:
    with dj_connection.cursor() as cur:
        cur.execute(f'SET search_path TO "{schema}", public')
        cur.execute(sql)
    connection.set_schema_to_public()


def _entered_tennyu() -> int:
    """A 転入 of 葉山　一郎 with his 個人番号, entered on the screen by the clerk (仮登録)."""
    r = _clerk().post("/juminkiroku/ido/new/K01/", TENNYU_FORM)
    assert r.status_code == 302, r.content.decode()[-2000:]
    return int(r["Location"].rstrip("/").split("/")[-1])


def _refuse_atena_rows(schema: str) -> None:
    """New 宛名 rows refused by the database: PostgreSQL then quotes the failing row."""
    _in_schema(
        schema,
        "ALTER TABLE juminkiroku_atena ADD CONSTRAINT jc_test_refuse CHECK (false) NOT VALID",
    )


def _approve(login: Any, ido_pk: int) -> Any:
    shinsa = login("hayama-shinsa", ALPHA_HOST)
    shinsa.raise_request_exception = False
    return shinsa.post(f"/juminkiroku/ido/{ido_pk}/approve/")


def test_a_check_violation_at_hon_toroku_logs_no_name_or_number(logs, alpha, login) -> None:
    # given: a 転入 entered on the screen, and 宛名 rows the database refuses
    ido_pk = _entered_tennyu()
    _refuse_atena_rows(alpha.municipality.schema_name)
    # when: the 審査者 approves it on the screen
    r = _approve(login, ido_pk)
    # then: a plain 500 page, and the error really carried the data (or this test proves nothing)
    assert r.status_code == 500
    assert "処理中にエラーが発生しました" in r.content.decode()
    assert any(NAME in t and KOJIN_BANGO in t for t in logs.raised), logs.raised
    assert "Failing row contains" in "".join(logs.raised)
    logs.assert_clean()
    # the log still says what failed, without the values
    text = logs.everything()
    assert "jc_test_refuse" in text and "23514" in text
    records = logs.all_records()
    assert any(r.name == "django.request" and r.levelno == logging.ERROR for r in records)
    assert len(mail.outbox) == 1


def test_a_unique_violation_at_hon_toroku_logs_no_number(logs, alpha, login) -> None:
    # given: a 転入 entered on the screen; a resident who already holds the number, and a
    # unique index on it
    ido_pk = _entered_tennyu()
    _in_schema(
        alpha.municipality.schema_name,
        "CREATE UNIQUE INDEX jc_test_kojin_bango ON juminkiroku_atena (kojin_bango) "
        "WHERE kojin_bango <> ''",
    )
    connection.set_tenant(alpha.municipality)
    holder = person_fields(shimei="先住　太郎", kojin_bango=KOJIN_BANGO)
    household_tennyu("hayama", members=[holder])
    connection.set_schema_to_public()
    logs.caplog.clear()
    # when
    r = _approve(login, ido_pk)
    # then
    assert r.status_code == 500
    assert any(KOJIN_BANGO in t and "Key (kojin_bango)" in t for t in logs.raised), logs.raised
    logs.assert_clean()
    assert "jc_test_kojin_bango" in logs.everything()


def test_the_debug_page_shows_no_name_or_number(logs, alpha, login, settings) -> None:
    # given: DEBUG on (a developer's machine), and the refusing constraint
    ido_pk = _entered_tennyu()
    _refuse_atena_rows(alpha.municipality.schema_name)
    settings.DEBUG = True
    # when
    r = _approve(login, ido_pk)
    # then: Django's technical page, without the values (exception text, POST, locals)
    assert r.status_code == 500
    page = r.content.decode()
    assert "jc_test_refuse" in page
    assert any(NAME in t for t in logs.raised)
    for secret in SECRETS:
        assert secret not in page, _around(page, secret)
    logs.assert_clean()


@shared_task(name="tests.log_scrub.write_ido")
def _write_ido(schema_name: str, shimei: str, kojin_bango: str) -> None:
    from django_tenants.utils import schema_context

    with schema_context(schema_name):
        Ido.objects.create(
            ido_no="T00000000001",
            jiyu="K01",
            ido_date="2024-04-01",
            payload={"persons": [{"shimei": shimei, "kojin_bango": kojin_bango}]},
        )


def test_a_database_error_in_a_celery_task_logs_no_name_or_number(logs, alpha) -> None:
    # given: a NUL in the name: PostgreSQL refuses the JSON and quotes it in its CONTEXT
    # when: the task runs eagerly and fails; throw=False, as a worker would log it
    result = _write_ido.apply(
        args=(alpha.municipality.schema_name, NAME + "\x00", KOJIN_BANGO), throw=False
    )
    # then: the error really carried the name (or this test proves nothing), Celery logged
    # the failure, and no record or output holds the name or the number
    assert result.state == "FAILURE"
    assert NAME_IN_JSON in _text_of(result.result), _text_of(result.result)
    failure = [r for r in logs.all_records() if r.name == "celery.app.trace"]
    assert failure, [r.name for r in logs.all_records()]
    logs.assert_clean()
    assert "22P05" in logs.everything()
