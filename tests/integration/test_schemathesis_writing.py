"""The schemathesis runs that write (test_schemathesis.py's module docstring says what
every run checks): 葉山町's document with a key holding every scope of a town made for
this module, and the portal's document with that town's consortium office logged in.

They are a file of their own because ``make test`` runs whole files per worker
(``--dist loadfile``): the writing run is the longest of the schemathesis runs (every
phase over every operation of the town's document), and beside the reading and
credential-less runs in one file it made that file the longest single piece of work of a
worker. Split, the two files can go to both workers. The town of its own is made once for
both runs here (module fixtures), as before.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tenants.api.authentication import apiclient_create
from tenants.checkdigits import dantai_code_check_digit
from tenants.db import connection
from tenants.models import ApiClient, Consortium, Municipality, StaffUser
from tests.integration.test_schemathesis import ALL_PHASES, _st, _summary, browser_login
from tests.personas import PERSONA_PASSWORD, PORTAL_HOST, alpha_modules


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


def _office_session(web_server: Any, town: OwnTown) -> tuple[str, str]:
    """The consortium office of the town of its own, logged in on the portal."""
    return browser_login(web_server, PORTAL_HOST, town.office.username, town.office_totp)


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
