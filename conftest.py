"""Test set-up shared by every app.

django-tenants has no official pytest support (STACK-NOTES): the test database gets
two municipalities once per session (葉山町 and 寒川町, real codes), committed, with
the personas every access test uses; each test then runs in a transaction that is
rolled back. Tests that need committed data (a real worker, a real web server) use
``committed`` and clean up what they made (the access log cannot be cleaned: it is
append-only, so those tests only assert on rows they can tell apart).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pyotp
import pytest
from hypothesis import HealthCheck, settings

from tenants.db import connection
from tests.personas import PERSONA_PASSWORD, Personas, Town, build_world

# The property tests' examples are checked, not timed: on a loaded CI machine input
# generation and single examples can be slow without anything being wrong (a 2-core machine
# running two test workers and the services). Tests that set their own @settings keep them.
#
# `make test` (and so CI) draws the same examples on every run (``derandomize``: seeded by
# each test's name): a run is reproducible, and a landing is never refused by an example
# no one asked for. Exploring is a separate act: ``JC_HYPOTHESIS_EXPLORE=1`` draws new random
# examples; what it finds is fixed and pinned with ``@example`` (see zeimu/tests/test_shuno.py).
settings.register_profile(
    "jc",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=os.environ.get("JC_HYPOTHESIS_EXPLORE") != "1",
)
settings.load_profile("jc")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        name = connection.settings_dict["NAME"]
        if not str(name).startswith("test_"):
            raise RuntimeError(f"refusing to build the test world in {name!r}: not a test database")
        build_world()
    yield


@pytest.fixture(autouse=True)
def _back_to_public() -> Iterator[None]:
    yield
    connection.set_schema_to_public()


@pytest.fixture
def world(db: None) -> Personas:
    from tests.personas import load_world

    return load_world()


@pytest.fixture
def alpha(world: Personas) -> Town:
    return world.alpha


@pytest.fixture
def beta(world: Personas) -> Town:
    return world.beta


@pytest.fixture
def in_alpha(alpha: Town) -> Iterator[Town]:
    """The connection inside 葉山町's schema for the test (services run in a town)."""
    connection.set_tenant(alpha.municipality)
    yield alpha
    connection.set_schema_to_public()


@pytest.fixture
def in_beta(beta: Town) -> Iterator[Town]:
    connection.set_tenant(beta.municipality)
    yield beta
    connection.set_schema_to_public()


@dataclass
class LoggedIn:
    client: Any
    host: str


def totp_now(secret: str) -> str:
    return pyotp.TOTP(secret).now()


@pytest.fixture
def login(client: Any) -> Any:
    """``login(username, host)`` logs a persona in through both steps and returns
    the client, bound to that host."""
    from django.test import Client

    def do(username: str, host: str) -> Client:
        c = Client(HTTP_HOST=host)
        r1 = c.post("/login/", {"username": username, "password": PERSONA_PASSWORD})
        assert r1.status_code == 302, r1.content.decode()[:500]
        from tenants.models import StaffUser

        secret = StaffUser.objects.get(username=username).totp_secret
        r2 = c.post("/login/totp/", {"code": totp_now(secret)})
        assert r2.status_code == 302, r2.content.decode()[:500]
        connection.set_schema_to_public()
        return c

    return do


@pytest.fixture
def job_cleanup() -> Iterator[list[Any]]:
    """A list a test appends its file-writing jobs to; their stored files are removed after
    the test (``tenants.testing.jobs.delete_job_files``)."""
    from tenants.testing.jobs import delete_job_files

    jobs: list[Any] = []
    yield jobs
    delete_job_files(jobs)
