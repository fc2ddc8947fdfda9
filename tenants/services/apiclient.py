"""A town administrator's writes on its external systems' API keys: issue and revoke,
each in one transaction with its access-log row."""

from __future__ import annotations

from django.db import transaction

from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.api.authentication import apiclient_create
from tenants.models import ApiClient, Municipality
from tenants.models.apiclient import KOJIN_BANGO_ACTION
from tenants.modules.spec import PLATFORM


class ApiClientRefused(ValueError):
    """A request the service refuses, with a message for the screen and the form field
    it concerns."""

    def __init__(self, message: str, *, field: str = "name") -> None:
        super().__init__(message)
        self.field = field


def apiclient_issue(
    *, municipality: Municipality, name: str, scopes: list[str], actor: Actor
) -> tuple[ApiClient, str]:
    """A new key for a system of the town; returns the client and the key, shown once.

    A "<gyomu>:kojin_bango" scope is refused without that 業務's read or write: it only
    adds the 個人番号 to answers the key may already read."""
    for scope in scopes:
        code, _, action = scope.partition(":")
        if action == KOJIN_BANGO_ACTION and not {f"{code}:read", f"{code}:write"} & set(scopes):
            raise ApiClientRefused(
                "個人番号の取得を許可するには、同じ業務の参照または更新も許可してください。",
                field="scopes",
            )
    with transaction.atomic(durable=True):
        if ApiClient.objects.filter(municipality=municipality, name=name).exists():
            raise ApiClientRefused("このシステム名は登録済みです。")
        client, key = apiclient_create(municipality=municipality, name=name, scopes=scopes)
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=PLATFORM,
            screen="apiclient_create",
            record_type="api_client",
            record_id=client.pk,
        )
    return client, key


def apiclient_deactivate(*, municipality: Municipality, client_id: int, actor: Actor) -> ApiClient:
    """Revoke a key of the town (another town's client is not found)."""
    with transaction.atomic(durable=True):
        client = (
            ApiClient.objects.select_for_update()
            .filter(pk=client_id, municipality=municipality)
            .first()
        )
        if client is None:
            raise ApiClient.DoesNotExist
        ApiClient.objects.filter(pk=client.pk).update(is_active=False)
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=PLATFORM,
            screen="apiclient_deactivate",
            record_type="api_client",
            record_id=client.pk,
        )
    return client
