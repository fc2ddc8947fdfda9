"""The demo command's set-up: every 住民記録 grant for each town's administrator, through
the platform's grant service (audited), in each town's own schema."""

from __future__ import annotations

from django.core.management import call_command
from django_tenants.utils import schema_context

from juminkiroku.grants import Kengen
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.grants.selectors import grants_of
from tenants.grants.services import grants_set
from tenants.models import StaffUser


def test_demo_gives_the_town_admins_every_juminkiroku_grant(world):
    # given: both administrators without grants
    admins = {
        town.schema: StaffUser.objects.get(username=f"{slug}-admin").pk
        for town, slug in ((world.alpha, "hayama"), (world.beta, "samukawa"))
    }
    for schema, user_id in admins.items():
        with schema_context(schema):
            grants_set(user_id=user_id, codes=[], actor=Actor(None, "test"))
    # when
    call_command("juminkiroku_demo", no_residents=True)
    # then
    for schema, user_id in admins.items():
        with schema_context(schema):
            assert grants_of(user_id) == set(Kengen.values)
            assert AccessLog.objects.filter(
                username="demo-setup", screen="権限付与", record_id=str(user_id)
            ).count() == len(Kengen.values)
            # a drawn 公印 so certificates print (標準仕様書 5.6), once per town
            from juminkiroku.models import Koin

            assert Koin.objects.filter(kind="chocho", registered_by="demo-setup").count() == 1
