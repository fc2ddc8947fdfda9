"""Editing a municipality's network allow-list (consortium office)."""

from __future__ import annotations

from django.db import transaction
from django_tenants.utils import schema_context

from tenants.accesslog.services import Actor, access_record
from tenants.models import Municipality, NetworkRange, StaffUser
from tenants.modules.spec import PLATFORM
from tenants.netutil import parse_cidr


class NetworkError(ValueError):
    pass


def _log(municipality: Municipality, acting_user: StaffUser, action: str, cidr: str) -> None:
    with schema_context(municipality.schema_name):
        access_record(
            actor=Actor(user_id=acting_user.pk, username=acting_user.get_username()),
            action=action,
            gyomu=PLATFORM,
            screen="network_range",
            record_type="network_range",
            record_id=cidr,
        )


def network_range_add(
    *, municipality: Municipality, cidr: str, kind: str, label: str, acting_user: StaffUser
) -> NetworkRange:
    network = str(parse_cidr(cidr))
    if network in {"0.0.0.0/0", "::/0"}:
        raise NetworkError("すべてのアドレスを許可する指定はできません。")
    if NetworkRange.objects.filter(municipality=municipality, cidr=network).exists():
        raise NetworkError("このネットワークは登録済みです。")
    with transaction.atomic(durable=True):
        row = NetworkRange.objects.create(
            municipality=municipality, cidr=network, kind=kind, label=label[:100]
        )
        _log(municipality, acting_user, "create", network)
    return row


def network_range_remove(*, network_range: NetworkRange, acting_user: StaffUser) -> None:
    municipality = network_range.municipality
    if NetworkRange.objects.filter(municipality=municipality).count() <= 1:
        raise NetworkError("最後の接続元は削除できません（誰も接続できなくなります）。")
    with transaction.atomic(durable=True):
        cidr = network_range.cidr
        network_range.delete()
        _log(municipality, acting_user, "delete", cidr)
