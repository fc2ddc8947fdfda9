from __future__ import annotations

from tenants.db import connection
from tenants.models import Municipality


def current_municipality() -> Municipality:
    """The municipality whose schema the connection is in. Inside a request or a
    TenantTask that is the tenant object itself; inside ``schema_context`` it is looked
    up by schema name. Raises in the public schema: no code may guess a tenant."""
    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, Municipality):
        return tenant
    if connection.schema_name == "public":
        raise RuntimeError("no municipality: the connection is in the public schema")
    return Municipality.objects.get(schema_name=connection.schema_name)
