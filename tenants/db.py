"""The default connection, typed with what django-tenants adds to it.

django-tenants' backend gives the connection ``schema_name``, ``tenant``,
``set_tenant`` and ``set_schema_to_public``; Django's stubs do not know them. Import
``connection`` from here wherever those are used.
"""

from __future__ import annotations

from typing import Any, Protocol, cast

from django.db import connection as _connection


class TenantConnection(Protocol):
    schema_name: str
    tenant: Any
    settings_dict: dict[str, Any]

    def set_tenant(self, tenant: Any, include_public: bool = True) -> None: ...

    def set_schema_to_public(self) -> None: ...

    def set_schema(self, schema_name: str, include_public: bool = True) -> None: ...

    def cursor(self) -> Any: ...


connection = cast(TenantConnection, _connection)
