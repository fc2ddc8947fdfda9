"""Both OpenAPI documents against the running application (gunicorn on the test world),
with schemathesis and a bounded number of examples per operation: no server error, and
no answer that contradicts the document (status code, content type, headers, body).

- 葉山町's document with an API key that may read every module of the town: every
  operation and method. The reading ones answer (searches and lookups by POST included);
  the writing ones are refused by scope (403, documented) and so write nothing into the
  shared test world;
- the same document with a key holding every scope (read, write, 個人番号) of a town made
  for those runs (its own schema, in a consortium of its own, dropped afterwards): the
  writing operations are carried out (異動の仮登録, 証明書の発行, 処理の開始, 更正…);
- the portal's document with that consortium's office logged in (its session and CSRF
  token, as a browser has them: the portal's API takes no API key): 費用区分 are added,
  changed and deleted, 按分 run and 試算 made for that consortium only;
  (these two are in test_schemathesis_writing.py, so that ``--dist loadfile`` can give
  them and the runs here to different workers)
- both documents without credentials: every operation, every method, and it must be
  refused as documented (``ignored_auth``: no operation answers without credentials).

The three runs with credentials also check ``positive_data_acceptance``: a request
the document allows is not answered 400. The API answers 400 for a request that does not
match its document and 422 (documented on the operation) for one that does but that a
rule no schema states refuses (tenants/api/rules.py); schemathesis.toml beside this file
counts 422 as accepted. No operation is left out: 課税資料の取込 stores the file and starts
a job (its job, not the request, refuses a file that is not of the kind), so the request
the document allows is accepted. The jobs the writing run starts wait in this session's
queue (no worker here) and go with the town.
``negative_data_rejection`` is not run yet: tried on the writing run, it found the
serializers' type coercion (DRF reads 5 as "5" for a text field and "true" as true for a
boolean, where the document says string or boolean), which is the API's behaviour to
decide, not the document's.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pyotp
import pytest
import requests

from tenants.api.authentication import apiclient_create
from tenants.db import connection
from tenants.models import ApiClient, Municipality, StaffUser
from tests.integration.conftest import ROOT, VENV_BIN
from tests.personas import ALPHA_HOST, PERSONA_PASSWORD, PORTAL_HOST

# Checks on what the application answers (not on how strict its validation is).
ANSWER_CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
    ]
)
# The runs with credentials name no checks on the command line: schemathesis.toml beside
# this file enables the answer checks and positive_data_acceptance (a request the document
# allows is not refused as malformed), with the statuses that count as accepted.
CONFIG = Path(__file__).with_name("schemathesis.toml")
# The longest run (the writing key's, every phase over ~160 operations) takes ≈ 250 s of
# CPU; on a machine shared with other work its wall time has reached 600 s.
ST_TIMEOUT = int(os.environ.get("JC_ST_TIMEOUT", "1500"))
EXAMPLES = "5"  # per operation and phase: the suite stays fast; bench/ may run more
# The runs that may write (a town of its own, the portal) go through every phase; the
# coverage phase (boundaries, missing and wrong parameters, every enum value) is what
# reaches the views' refusals. The runs whose every write is refused (a reading key, no
# credentials) skip it: it would only try more ways of being refused.
ALL_PHASES = "examples,coverage,fuzzing"
QUICK_PHASES = "examples,fuzzing"


def _only() -> list[str]:
    """``JC_ST_OPERATIONS=op1,op2``: run only those operation ids (a helper checking its new
    operations on a loaded machine); unset, every operation is run."""
    ids = [x for x in os.environ.get("JC_ST_OPERATIONS", "").split(",") if x.strip()]
    return [arg for x in ids for arg in ("--include-operation-id", x.strip())]


def _st(
    document: str, base_url: str, host: str, *extra: str, cwd: Path
) -> subprocess.CompletedProcess[str]:
    command = [
        str(VENV_BIN / "st"),
        "--config-file",
        str(CONFIG),
        "run",
        str(ROOT / "openapi" / document),
        "--url",
        base_url,
        "-H",
        f"Host: {host}",
        "-n",
        EXAMPLES,
        "--seed",
        "20261205",
        "--request-timeout",
        "20",
        "--no-color",
        *_only(),
        *extra,
    ]
    try:
        return subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=ST_TIMEOUT,
            cwd=cwd,  # schemathesis keeps a cache of failures in its working directory
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        # Not the exception itself: its message is the command line, which holds the run's
        # credentials (an API key, a session cookie) in its -H arguments.
        raw = exc.stdout or b""
        out = raw.decode(errors="replace") if isinstance(raw, bytes) else raw
        raise AssertionError(
            f"schemathesis ran longer than {ST_TIMEOUT} s (JC_ST_TIMEOUT); its last output:\n"
            + out[-4000:]
        ) from None


def _summary(result: subprocess.CompletedProcess[str]) -> str:
    return (result.stdout + result.stderr)[-8000:]


@pytest.fixture
def reading_key(committed: None) -> Any:
    alpha = Municipality.objects.get(dantai_code="143014")
    codes = list(alpha.subscriptions.values_list("gyomu__code", flat=True).distinct())
    scopes = ["platform:read", *(f"{c}:read" for c in codes)]
    client, key = apiclient_create(
        municipality=alpha, name=f"schemathesis-{uuid.uuid4().hex[:6]}", scopes=scopes
    )
    yield key
    connection.set_schema_to_public()
    ApiClient.objects.filter(pk=client.pk).delete()


def test_the_town_document_with_a_reading_key(
    web_server: Any, reading_key: str, tmp_path: Path
) -> None:
    result = _st(
        "tenant.yaml",
        f"http://127.0.0.1:{web_server.port}",
        f"{ALPHA_HOST}:{web_server.port}",
        "-H",
        f"Authorization: Bearer {reading_key}",
        "--phases",
        QUICK_PHASES,
        cwd=tmp_path,
    )
    assert result.returncode == 0, _summary(result)


@pytest.mark.parametrize(
    ("document", "host"), [("tenant.yaml", ALPHA_HOST), ("public.yaml", PORTAL_HOST)]
)
def test_both_documents_without_credentials(
    web_server: Any, committed: None, document: str, host: str, tmp_path: Path
) -> None:
    result = _st(
        document,
        f"http://127.0.0.1:{web_server.port}",
        f"{host}:{web_server.port}",
        "--phases",
        QUICK_PHASES,
        "--checks",
        f"{ANSWER_CHECKS},ignored_auth",
        cwd=tmp_path,
    )
    assert result.returncode == 0, _summary(result)


def test_the_configuration_runs_the_answer_checks_and_acceptance() -> None:
    """The runs that name no checks run what this module says they do."""
    import tomllib

    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    enabled = {
        name
        for name, check in config["checks"].items()
        if isinstance(check, dict) and check.get("enabled")
    }
    assert config["checks"]["enabled"] is False
    assert enabled == {*ANSWER_CHECKS.split(","), "positive_data_acceptance"}


def browser_login(web_server: Any, host: str, username: str, totp_secret: str) -> tuple[str, str]:
    """Logs a staff user in on ``host`` through both steps (CSRF token, password, then
    TOTP), as a browser would; returns its session and CSRF cookies."""
    base = f"http://127.0.0.1:{web_server.port}"
    headers = {"Host": f"{host}:{web_server.port}"}
    http = requests.Session()
    http.get(f"{base}/login/", headers=headers, timeout=10)
    token = http.cookies["csrftoken"]
    step1 = http.post(
        f"{base}/login/",
        data={"username": username, "password": PERSONA_PASSWORD, "csrfmiddlewaretoken": token},
        headers=headers,
        allow_redirects=False,
        timeout=10,
    )
    assert step1.status_code == 302, step1.text[:500]
    step2 = http.post(
        f"{base}/login/totp/",
        data={"code": pyotp.TOTP(totp_secret).now(), "csrfmiddlewaretoken": token},
        headers=headers,
        allow_redirects=False,
        timeout=10,
    )
    assert step2.status_code == 302, step2.text[:500]
    session, csrf = http.cookies.get("sessionid"), http.cookies.get("csrftoken")
    assert session and csrf
    return session, csrf


def _staff_session(web_server: Any, username: str) -> tuple[str, str]:
    """A town's clerk logged in on 葉山町's host (the 障害 APIs answer a staff session
    holding the grant only)."""
    user = StaffUser.objects.get(username=username)
    return browser_login(web_server, ALPHA_HOST, username, user.totp_secret)


def test_the_jogen_kanri_operations_with_a_staff_session_holding_the_grant(
    web_server: Any, committed: None, tmp_path: Path
) -> None:
    """利用者負担の上限額管理 (fukushi/api/jogen_kanri.py) with 葉山町's 審査者, who holds the
    grant: every phase; the ids schemathesis makes up name no decision of the test world
    (404, documented), the uploads are refused by line (422) and the writes it could make
    write nothing. The clerk's second-factor state is put back afterwards."""
    fields = ["totp_last_step", "failed_logins", "locked_until", "last_login"]
    user = StaffUser.objects.get(username="hayama-shinsa")
    saved = {f: getattr(user, f) for f in fields}
    try:
        session, csrf = _staff_session(web_server, "hayama-shinsa")
        result = _st(
            "tenant.yaml",
            f"http://127.0.0.1:{web_server.port}",
            f"{ALPHA_HOST}:{web_server.port}",
            "-H",
            f"Cookie: sessionid={session}; csrftoken={csrf}",
            "-H",
            f"X-CSRFToken: {csrf}",
            "--include-path-regex",
            "jogen-kanri",
            "--phases",
            ALL_PHASES,
            cwd=tmp_path,
        )
    finally:
        StaffUser.objects.filter(pk=user.pk).update(**saved)
    assert result.returncode == 0, _summary(result)
    assert "jogen-kanri" in result.stdout
