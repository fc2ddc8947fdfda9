"""Provisioning a member municipality: schema, host, subscriptions, networks, first
administrator, in one call. Measured in bench/provision.py (target ≤ 2 s). And dropping
one: its rows, its schema, then its files."""

from __future__ import annotations

import functools
import logging
import time
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django_tenants.utils import schema_context

from tenants.checkdigits import is_valid_dantai_code
from tenants.db import connection
from tenants.media import town_media_folder, town_media_remove
from tenants.models import (
    Consortium,
    Domain,
    Gyomu,
    Membership,
    MembershipRole,
    Municipality,
    MunicipalityStatus,
    NetworkRange,
    RoleLevel,
    StaffUser,
    Subscription,
)
from tenants.modules.spec import PLATFORM
from tenants.netutil import parse_cidr
from tenants.services.schema_template import (
    schema_create_from_template,
    schema_template_refresh,
)

logger = logging.getLogger(__name__)


@dataclass
class ProvisionResult:
    municipality: Municipality
    admin: StaffUser | None
    admin_password: str | None
    totp_secret: str | None
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)


def _validate_slug(slug: str) -> None:
    if not slug.isascii() or not slug.replace("-", "").isalnum() or not slug[:1].isalpha():
        raise ValidationError({"subdomain": "サブドメインは英字で始まる半角英数字としてください。"})
    if len(slug) > 40:
        raise ValidationError({"subdomain": "サブドメインは40文字以内としてください。"})


def municipality_provision(
    *,
    consortium: Consortium,
    dantai_code: str,
    name: str,
    name_kana: str,
    prefecture: str,
    population: int,
    population_date: date | None,
    population_source: str = "",
    go_live: date | None,
    subdomain: str,
    gyomu_codes: list[str],
    networks: list[str],
    admin_username: str | None,
    admin_display_name: str = "",
    acting_user: StaffUser | None,
    status: str = MunicipalityStatus.PREPARING,
) -> ProvisionResult:
    """Create a municipality with its own schema, ready for staff to log in.

    All-or-nothing: validation first, then the public rows and the schema in one
    transaction (PostgreSQL DDL is transactional), so a failure leaves nothing behind.
    """
    started = time.perf_counter()
    timings: dict[str, float] = {}
    if not is_valid_dantai_code(dantai_code):
        raise ValidationError(
            {"dantai_code": "全国地方公共団体コードの検査数字が正しくありません。"}
        )
    _validate_slug(subdomain)
    cidrs = [str(parse_cidr(c)) for c in networks]
    gyomu = list(Gyomu.objects.filter(code__in=gyomu_codes))
    unknown = set(gyomu_codes) - {g.code for g in gyomu}
    if unknown:
        raise ValidationError({"gyomu": f"業務コードが不明です: {', '.join(sorted(unknown))}"})
    if Municipality.objects.filter(dantai_code=dantai_code).exists():
        raise ValidationError({"dantai_code": "この団体コードは登録済みです。"})
    schema_name = f"m{dantai_code}"
    host = f"{subdomain}.{settings.JC_BASE_DOMAIN}"
    if Domain.objects.filter(domain=host).exists():
        raise ValidationError({"subdomain": "このサブドメインは使用されています。"})

    start_month = (go_live or date.today()).replace(day=1)  # noqa: DTZ011 - a month, not a time
    admin: StaffUser | None = None
    password: str | None = None
    secret: str | None = None
    # A template rebuilt after a deploy is committed before the town's transaction opens:
    # the clone reads the template's DDL with pg_dump, another session
    # (tenants.services.schema_template).
    if not transaction.get_connection().in_atomic_block:
        schema_template_refresh()
    with transaction.atomic():
        municipality = Municipality(
            schema_name=schema_name,
            consortium=consortium,
            dantai_code=dantai_code,
            name=name,
            name_kana=name_kana,
            prefecture=prefecture,
            population=population,
            population_date=population_date,
            population_source=population_source,
            go_live=go_live,
            status=status,
        )
        municipality.full_clean()
        municipality.save()
        Domain.objects.create(domain=host, tenant=municipality, is_primary=True)
        Subscription.objects.bulk_create(
            Subscription(municipality=municipality, gyomu=g, start_month=start_month) for g in gyomu
        )
        NetworkRange.objects.bulk_create(
            NetworkRange(municipality=municipality, cidr=c, kind="lgwan", label="初期登録")
            for c in cidrs
        )
        timings["public_rows"] = time.perf_counter() - started
        t = time.perf_counter()
        schema_create_from_template(schema_name)
        timings["schema"] = time.perf_counter() - t
        if admin_username:
            from tenants.services.staff import staff_create

            admin, password, secret = staff_create(
                username=admin_username,
                display_name=admin_display_name or f"{name}管理者",
                home_municipality=municipality,
                acting_user=acting_user,
            )
            membership = Membership.objects.create(
                user=admin,
                municipality=municipality,
                valid_from=municipality.created_at,
                is_tenant_admin=True,
                reason="団体登録時の初期管理者",
                granted_by=acting_user,
            )
            MembershipRole.objects.bulk_create(
                MembershipRole(membership=membership, gyomu=g, level=RoleLevel.ADMIN) for g in gyomu
            )
        with schema_context(schema_name):
            from tenants.accesslog.services import Actor, access_record

            access_record(
                actor=Actor(
                    user_id=acting_user.pk if acting_user else None,
                    username=acting_user.get_username() if acting_user else "system",
                ),
                action="create",
                gyomu=PLATFORM,
                screen="municipality_provision",
                record_type="municipality",
                record_id=dantai_code,
            )
    seconds = time.perf_counter() - started
    timings["total"] = seconds
    logger.info("provisioned schema %s in %.2f s", schema_name, seconds)
    connection.set_schema_to_public()
    return ProvisionResult(municipality, admin, password, secret, seconds, timings)


def municipality_drop(*, municipality: Municipality, acting_user: StaffUser | None) -> None:
    """Drop a municipality: its row (domains, subscriptions, networks, memberships and
    keys go with it), its schema and, once that has committed, its files
    (``MEDIA_ROOT/<schema>/``, :func:`tenants.media.town_media_remove`).

    The files go only after the commit: a drop rolled back (here or by an outer
    transaction) leaves the town whole, files included. A leftover folder would otherwise
    greet the next town given the same schema name (``m`` + 団体コード) with the old town's
    files. The checks on the folder (a direct child of MEDIA_ROOT, not a link) run before
    anything is dropped. Staff whose home is the town must be removed or moved first
    (their row protects the town). For a town that leaves the consortium, export its exit
    bundle first (``migration_io``): nothing of it remains here afterwards.
    """
    schema = municipality.schema_name
    town_media_folder(schema)  # refuses a folder that is not the town's own, before the drop
    connection.set_schema_to_public()
    with transaction.atomic():
        town = Municipality.objects.select_for_update().get(pk=municipality.pk)
        town.delete(force_drop=True)
        transaction.on_commit(functools.partial(town_media_remove, schema))
    logger.info(
        "dropped schema %s (by %s)", schema, acting_user.get_username() if acting_user else "system"
    )
