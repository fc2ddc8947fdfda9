"""応援職員: time-limited memberships across member towns, granted by the office."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.accesslog.models import AccessLog
from tenants.models import Membership, StaffUser
from tenants.services.staff import SupportGrantError, support_membership_grant
from tests.personas import BETA_HOST, PORTAL_HOST


def test_office_grants_support_membership_through_the_portal(world, login):
    # given
    office = login("office", PORTAL_HOST)
    end = timezone.localdate() + timedelta(days=14)
    # when: hayama-viewer may help 寒川町 with 住民記録 for two weeks
    response = office.post(
        "/support/",
        {
            "username": "hayama-viewer",
            "municipality": "143219",
            "gyomu": ["juminkiroku"],
            "valid_until": end.isoformat(),
            "reason": "台風被害による窓口応援",
        },
    )
    # then
    assert "応援職員として登録しました" in response.content.decode()
    membership = Membership.objects.get(
        user__username="hayama-viewer", municipality=world.beta.municipality
    )
    assert membership.is_support
    assert timezone.localtime(membership.valid_until).date() == end + timedelta(days=1)
    with schema_context(world.beta.schema):
        row = AccessLog.objects.get(screen="support_membership_grant", record_id=str(membership.pk))
    assert row.username == "office"
    with schema_context(world.alpha.schema):
        assert not AccessLog.objects.filter(
            screen="support_membership_grant", record_id=str(membership.pk)
        ).exists()
    # and the helper can work there, marked as support, 住民記録 only
    helper = login("hayama-viewer", BETA_HOST)
    page = helper.get("/").content.decode()
    assert "応援職員として操作しています" in page
    assert helper.get("/m/juminkiroku/").status_code == 200


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"gyomu_codes": ["kojin_juminzei"]}, "利用していない業務"),
        ({"valid_until_days": -1}, "現在より後"),
        ({"valid_until_days": 400}, "1年以内"),
        ({"reason": " "}, "理由"),
        ({"username": "samukawa-viewer"}, "自団体の職員"),
    ],
)
def test_invalid_support_grants_are_refused_and_write_nothing(world, kwargs, message):
    office = StaffUser.objects.get(username="office")
    before = Membership.objects.count()
    with pytest.raises(SupportGrantError, match=message):
        support_membership_grant(
            user=StaffUser.objects.get(username=kwargs.get("username", "hayama-viewer")),
            municipality=world.beta.municipality,
            gyomu_codes=kwargs.get("gyomu_codes", ["juminkiroku"]),
            valid_until=timezone.now() + timedelta(days=kwargs.get("valid_until_days", 7)),
            reason=kwargs.get("reason", "応援"),
            acting_user=office,
        )
    assert Membership.objects.count() == before


def test_support_actions_are_marked_in_the_access_log(world, login):
    # given: samukawa-clerk is 応援職員 in 葉山町 (tests/personas.py)
    from tests.personas import ALPHA_HOST

    client = login("samukawa-clerk", ALPHA_HOST)
    # when
    with schema_context(world.alpha.schema):
        from tenants.accesslog.services import actor_from_request

        request = client.get("/").wsgi_request
        actor = actor_from_request(request)
    # then
    assert actor.is_support is True
    assert actor.username == "samukawa-clerk"
