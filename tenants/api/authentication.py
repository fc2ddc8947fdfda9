"""API credentials for external systems: ``Authorization: Bearer jc_<prefix>.<secret>``.

A client belongs to one municipality and authenticates only on that municipality's
host; its key is stored as a SHA-256 hash."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from tenants.db import connection
from tenants.models import ApiClient, Municipality


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def apiclient_create(
    *, municipality: Municipality, name: str, scopes: list[str]
) -> tuple[ApiClient, str]:
    """Create a client; returns it and the full key, shown once."""
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    client = ApiClient.objects.create(
        municipality=municipality,
        name=name,
        key_prefix=prefix,
        key_hash=_hash(secret),
        scopes=scopes,
    )
    return client, f"jc_{prefix}.{secret}"


LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiClientAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header.startswith(f"{self.keyword} jc_"):
            return None
        token = header[len(self.keyword) + 1 :].strip()
        try:
            prefix, secret = token[3:].split(".", 1)
        except ValueError as exc:
            raise exceptions.AuthenticationFailed("APIキーの形式が正しくありません。") from exc
        client = ApiClient.objects.filter(key_prefix=prefix, is_active=True).first()
        if client is None or not secrets.compare_digest(client.key_hash, _hash(secret)):
            raise exceptions.AuthenticationFailed("APIキーが正しくありません。")
        tenant = getattr(connection, "tenant", None)
        if tenant is None or getattr(tenant, "pk", None) != client.municipality_id:
            raise exceptions.AuthenticationFailed("このAPIキーはこの団体では使用できません。")
        now = timezone.now()
        # "Last used" is for the administrator's list, not an audit trail (the access log
        # is): one UPDATE a minute per key, not one per request.
        if client.last_used_at is None or now - client.last_used_at >= LAST_USED_RESOLUTION:
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        request._request.api_client = client  # type: ignore[attr-defined]
        return (ApiClientUser(client), client)

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class ApiClientUser:
    """Stands in for request.user when an external system calls."""

    is_authenticated = True
    is_anonymous = False
    pk = None

    def __init__(self, client: ApiClient) -> None:
        self.client = client

    def get_username(self) -> str:
        return ""

    def __str__(self) -> str:
        return f"api:{self.client.name}"
