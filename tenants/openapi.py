"""OpenAPI documents, one per URLconf (municipality host and public host)."""

from __future__ import annotations

from pathlib import Path

from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer

ROOT = Path(__file__).resolve().parent.parent / "openapi"
OPENAPI_FILES = {
    "tenant": ("config.urls_tenant", ROOT / "tenant.yaml"),
    "public": ("config.urls_public", ROOT / "public.yaml"),
}


def generate(urlconf: str) -> str:
    generator = SchemaGenerator(urlconf=urlconf)
    schema = generator.get_schema(request=None, public=True)
    return OpenApiYamlRenderer().render(schema, renderer_context={}).decode("utf-8")
