"""Tenants are walls: host, session, API, jobs, modules, networks."""

from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from tenants.accesslog.services import Actor
from tenants.api.authentication import apiclient_create
from tenants.jobs.models import Job
from tenants.jobs.services import JobRefused, job_start
from tests.personas import ALPHA_HOST, BETA_HOST, PERSONA_PASSWORD, PORTAL_HOST


def test_staff_of_another_town_cannot_log_in_on_this_host(world):
    # given: samukawa-viewer has a membership in 寒川町 only
    client = Client(HTTP_HOST=ALPHA_HOST)
    # when
    response = client.post("/login/", {"username": "samukawa-viewer", "password": PERSONA_PASSWORD})
    # then
    assert response.status_code == 200
    assert "ユーザーIDまたはパスワードが正しくありません。" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_session_is_valid_only_on_the_host_that_made_it(world, login):
    # given: a session made on 寒川町's host
    client = login("samukawa-viewer", BETA_HOST)
    assert client.get("/").status_code == 200
    # when: the same cookie is presented to 葉山町's host
    response = client.get("/", HTTP_HOST=ALPHA_HOST)
    # then: not logged in there
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_unknown_host_is_404(world):
    response = Client(HTTP_HOST="nowhere.localhost").get("/login/")
    assert response.status_code == 404


def test_job_of_other_town_is_not_visible_by_ui_or_api(world, login):
    # given: a job in 寒川町
    with schema_context(world.beta.schema):
        job = Job.objects.create(kind="accesslog_export", gyomu="platform", title="寒川町の抽出")
    with schema_context(world.alpha.schema):
        alpha_has_same_pk = Job.objects.filter(pk=job.pk).exists()
    client = login("hayama-admin", ALPHA_HOST)
    # when
    page = client.get(f"/jobs/{job.pk}/")
    api = client.get(f"/api/v1/jobs/{job.pk}/")
    listing = client.get("/api/v1/jobs/")
    # then
    assert "寒川町の抽出" not in page.content.decode()
    assert "寒川町の抽出" not in api.content.decode()
    assert "寒川町の抽出" not in listing.content.decode()
    if not alpha_has_same_pk:
        assert page.status_code == 404
        assert api.status_code == 404


def test_api_key_of_one_town_is_refused_on_the_other(world):
    # given
    _, key = apiclient_create(
        municipality=world.beta.municipality, name="寒川町連携", scopes=["platform:read"]
    )
    # when
    own = Client(HTTP_HOST=BETA_HOST).get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}")
    other = Client(HTTP_HOST=ALPHA_HOST).get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}")
    # then
    assert own.status_code == 200
    assert own.json()["dantai_code"] == "143219"
    assert other.status_code == 401
    assert "この団体では使用できません" in other.content.decode()


def test_api_without_credentials_is_refused(world):
    response = Client(HTTP_HOST=ALPHA_HOST).get("/api/v1/jobs/")
    assert response.status_code in (401, 403)


def test_unsubscribed_module_is_404_in_ui_and_absent_from_menu(world, login):
    # given: 個人住民税 is subscribed by 葉山町 only
    alpha = login("hayama-admin", ALPHA_HOST)
    beta = login("samukawa-admin", BETA_HOST)
    # when / then
    assert alpha.get("/m/kojin_juminzei/").status_code == 200
    assert beta.get("/m/kojin_juminzei/").status_code == 404
    assert "個人住民税" in alpha.get("/").content.decode()
    assert "個人住民税" not in beta.get("/").content.decode()
    assert beta.get("/m/no_such_module/").status_code == 404


def test_unsubscribed_module_is_refused_by_jobs_and_api(world, counting, login):
    # given: a job kind of 個人住民税, which 寒川町 has not subscribed
    actor = Actor(user_id=None, username="test")
    # when / then: refused in 寒川町, accepted in 葉山町
    with schema_context(world.beta.schema), pytest.raises(JobRefused):
        job_start(kind="test_counting", params={"n": 5}, actor=actor)
    with schema_context(world.beta.schema):
        assert not Job.objects.filter(kind="test_counting").exists()
    with schema_context(world.alpha.schema):
        job = job_start(kind="test_counting", params={"n": 5}, actor=actor)
        assert job.total == 5
    # and over the API, even with a scope for the module
    _, key = apiclient_create(
        municipality=world.beta.municipality,
        name="寒川町税連携",
        scopes=["platform:read", "kojin_juminzei:write"],
    )
    response = Client(HTTP_HOST=BETA_HOST).post(
        "/api/v1/jobs/",
        {"kind": "test_counting", "params": {"n": 5}},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 404


def test_request_from_unlisted_network_is_403(world):
    # given: 葉山町 lists 127.0.0.0/8 and ::1 only
    client = Client(HTTP_HOST=ALPHA_HOST, REMOTE_ADDR="10.20.30.40")
    # when
    response = client.get("/login/")
    # then
    assert response.status_code == 403
    assert "許可されていないネットワーク" in response.content.decode()


def test_forwarded_for_is_ignored_unless_peer_is_a_trusted_proxy(world, settings):
    # given: a client outside the list that claims to be 127.0.0.1
    spoof = Client(HTTP_HOST=ALPHA_HOST, REMOTE_ADDR="10.20.30.40")
    # when / then: no trusted proxy configured -> the peer address decides
    assert spoof.get("/login/", HTTP_X_FORWARDED_FOR="127.0.0.1").status_code == 403
    # given: the peer is our reverse proxy
    settings.JC_TRUSTED_PROXIES = ["10.20.30.0/24"]
    via_proxy = Client(HTTP_HOST=ALPHA_HOST, REMOTE_ADDR="10.20.30.40")
    # then: the address the proxy saw decides, and a prepended lie does not help
    assert via_proxy.get("/login/", HTTP_X_FORWARDED_FOR="127.0.0.5").status_code == 200
    assert via_proxy.get("/login/", HTTP_X_FORWARDED_FOR="127.0.0.1, 192.0.2.9").status_code == 403


def test_portal_is_for_the_consortium_office_only(world, login):
    # given
    office = login("office", PORTAL_HOST)
    # when
    page = office.get("/")
    api = office.get("/api/v1/portal/municipalities/")
    # then
    assert page.status_code == 200
    assert "葉山町" in page.content.decode()
    assert [m["dantai_code"] for m in api.json()["results"]] == ["143014", "143219"]
    # and a town's clerk cannot log in on the portal at all
    client = Client(HTTP_HOST=PORTAL_HOST)
    response = client.post("/login/", {"username": "hayama-clerk", "password": PERSONA_PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_portal_does_not_serve_town_pages(world, login):
    office = login("office", PORTAL_HOST)
    assert office.get("/jobs/").status_code == 404
