"""Both OpenAPI documents against the running application (gunicorn on the test world),
with schemathesis and a bounded number of examples per operation: no server error, and
no answer that contradicts the document (status code, content type, headers, body).

- 葉山町's document with an API key that may read every module of the town: every
  operation and method. The reading ones answer (searches and lookups by POST included);
  the writing ones are refused by scope (403, documented) and so write nothing into the
  shared test world;
- the same document with a key holding every scope (read, write, 個人番号) of a town made
  for this module (its own schema, in a consortium of its own, dropped afterwards): the
  writing operations are carried out (異動の仮登録, 証明書の発行, 処理の開始, 更正…);
- the portal's document with that consortium's office logged in (its session and CSRF
  token, as a browser has them: the portal's API takes no API key): 費用区分 are added,
  changed and deleted, 按分 run and 試算 made for that consortium only;
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
import random
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyotp
import pytest
import requests
from django.conf import settings

from tenants.api.authentication import apiclient_create
from tenants.checkdigits import dantai_code_check_digit
from tenants.db import connection
from tenants.models import ApiClient, Consortium, Municipality, StaffUser
from tests.integration.conftest import ROOT, VENV_BIN
from tests.personas import ALPHA_HOST, PERSONA_PASSWORD, PORTAL_HOST, alpha_modules

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
    return subprocess.run(
        [
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
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=cwd,  # schemathesis keeps a cache of failures in its working directory
        check=False,
    )


def _summary(result: subprocess.CompletedProcess[str]) -> str:
    return (result.stdout + result.stderr)[-8000:]


@dataclass
class OwnTown:
    """A consortium, its office and one member town made for this module only."""

    consortium: Consortium
    municipality: Municipality
    host: str
    office: StaffUser
    office_totp: str


def _unused_dantai_code() -> str:
    """A 全国地方公共団体コード with a correct 検査数字 that no town of the test world uses
    (prefecture 47, 沖縄県, from 900 on: no real code there)."""
    rng = random.Random()
    while True:
        first5 = f"47{rng.randrange(900, 1000):03d}"
        code = f"{first5}{dantai_code_check_digit(first5)}"
        if not Municipality.objects.filter(dantai_code=code).exists():
            return code


@pytest.fixture(scope="module")
def own_town(django_db_setup: None, django_db_blocker: Any) -> Iterator[OwnTown]:
    """A town of its own (its own schema, every implemented 業務) in a consortium of its
    own, so writing keys and the office's session write nothing into the shared test
    world; dropped afterwards with its schema and everything the run wrote into the
    public schema (負担金 rows of the consortium)."""
    from billing.models import AllocationRun, AllocationShare, CostPool, FormerCost, MemberFigure
    from tenants.services.municipality import municipality_drop, municipality_provision
    from tenants.services.staff import staff_create

    assert str(connection.settings_dict["NAME"]).startswith("test_")
    slug = f"st{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        consortium = Consortium.objects.create(
            name=f"スキーマ検査組合{slug}", kind="ichibu_jimu_kumiai"
        )
        office, _, office_totp = staff_create(
            username=f"{slug}-office",
            display_name="検査用事務局",
            consortium_office=consortium,
            password=PERSONA_PASSWORD,
            acting_user=None,
        )
        result = municipality_provision(
            consortium=consortium,
            dantai_code=_unused_dantai_code(),
            name="検査町",
            name_kana="けんさまち",
            prefecture="沖縄県",
            population=1000,
            population_date=None,
            go_live=None,
            subdomain=slug,
            gyomu_codes=alpha_modules(),
            networks=["127.0.0.0/8", "::1/128"],
            admin_username=None,
            acting_user=office,
            status="active",
        )
        town = result.municipality
        connection.set_schema_to_public()
    try:
        yield OwnTown(
            consortium=consortium,
            municipality=town,
            host=f"{slug}.{settings.JC_BASE_DOMAIN}",
            office=office,
            office_totp=office_totp,
        )
    finally:
        with django_db_blocker.unblock():
            connection.set_schema_to_public()
            runs = AllocationRun.objects.filter(consortium=consortium)
            AllocationShare.objects.filter(run__in=runs).delete()
            runs.delete()
            for model in (CostPool, FormerCost, MemberFigure):
                model.objects.filter(consortium=consortium).delete()
            municipality_drop(municipality=town, acting_user=None)  # schema, rows, keys, files
            StaffUser.objects.filter(consortium_office=consortium).delete()
            consortium.delete()


def _all_scopes(town: Municipality) -> list[str]:
    codes = list(town.subscriptions.values_list("gyomu__code", flat=True).distinct())
    actions = ("read", "write", "kojin_bango")
    return [
        "platform:read",
        "platform:write",
        *(f"{code}:{action}" for code in codes for action in actions),
    ]


@pytest.fixture(scope="module")
def writing_key(own_town: OwnTown, django_db_blocker: Any) -> Iterator[str]:
    """A key of the town of its own holding every scope its 業務 offer."""
    with django_db_blocker.unblock():
        client, key = apiclient_create(
            municipality=own_town.municipality,
            name="schemathesis-writer",
            scopes=_all_scopes(own_town.municipality),
        )
    yield key
    with django_db_blocker.unblock():
        ApiClient.objects.filter(pk=client.pk).delete()


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


def _office_session(web_server: Any, town: OwnTown) -> tuple[str, str]:
    """Logs the town's consortium office in on the portal through both steps, as a browser
    would (CSRF token, password, then TOTP); returns its session and CSRF cookies."""
    base = f"http://127.0.0.1:{web_server.port}"
    host = {"Host": f"{PORTAL_HOST}:{web_server.port}"}
    http = requests.Session()
    http.get(f"{base}/login/", headers=host, timeout=10)
    token = http.cookies["csrftoken"]
    form = {"username": town.office.username, "password": PERSONA_PASSWORD}
    step1 = http.post(
        f"{base}/login/",
        data={**form, "csrfmiddlewaretoken": token},
        headers=host,
        allow_redirects=False,
        timeout=10,
    )
    assert step1.status_code == 302, step1.text[:500]
    step2 = http.post(
        f"{base}/login/totp/",
        data={"code": pyotp.TOTP(town.office_totp).now(), "csrfmiddlewaretoken": token},
        headers=host,
        allow_redirects=False,
        timeout=10,
    )
    assert step2.status_code == 302, step2.text[:500]
    session, csrf = http.cookies.get("sessionid"), http.cookies.get("csrftoken")
    assert session and csrf
    return session, csrf


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


def test_the_town_document_with_a_writing_key_in_a_town_of_its_own(
    web_server: Any, own_town: OwnTown, writing_key: str, tmp_path: Path
) -> None:
    result = _st(
        "tenant.yaml",
        f"http://127.0.0.1:{web_server.port}",
        f"{own_town.host}:{web_server.port}",
        "-H",
        f"Authorization: Bearer {writing_key}",
        "--phases",
        ALL_PHASES,
        cwd=tmp_path,
    )
    assert result.returncode == 0, _summary(result)


def test_the_portal_document_with_the_office_session(
    web_server: Any, own_town: OwnTown, tmp_path: Path, django_db_blocker: Any
) -> None:
    with django_db_blocker.unblock():
        session, csrf = _office_session(web_server, own_town)
    result = _st(
        "public.yaml",
        f"http://127.0.0.1:{web_server.port}",
        f"{PORTAL_HOST}:{web_server.port}",
        "-H",
        f"Cookie: sessionid={session}; csrftoken={csrf}",
        "-H",
        f"X-CSRFToken: {csrf}",
        "--phases",
        ALL_PHASES,
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


def _staff_session(web_server: Any, username: str) -> tuple[str, str]:
    """Logs a town's clerk in through both steps, as a browser would; returns its session
    and CSRF cookies (the 障害 APIs answer a staff session holding the grant only)."""
    user = StaffUser.objects.get(username=username)
    base = f"http://127.0.0.1:{web_server.port}"
    host = {"Host": f"{ALPHA_HOST}:{web_server.port}"}
    http = requests.Session()
    http.get(f"{base}/login/", headers=host, timeout=10)
    token = http.cookies["csrftoken"]
    step1 = http.post(
        f"{base}/login/",
        data={"username": username, "password": PERSONA_PASSWORD, "csrfmiddlewaretoken": token},
        headers=host,
        allow_redirects=False,
        timeout=10,
    )
    assert step1.status_code == 302, step1.text[:500]
    step2 = http.post(
        f"{base}/login/totp/",
        data={"code": pyotp.TOTP(user.totp_secret).now(), "csrfmiddlewaretoken": token},
        headers=host,
        allow_redirects=False,
        timeout=10,
    )
    assert step2.status_code == 302, step2.text[:500]
    session, csrf = http.cookies.get("sessionid"), http.cookies.get("csrftoken")
    assert session and csrf
    return session, csrf


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
