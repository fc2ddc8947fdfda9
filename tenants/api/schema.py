"""drf-spectacular description of our API key authentication."""

from typing import Any

from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)


class ApiClientAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "tenants.api.authentication.ApiClientAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "連携システム用APIキー（jc_<識別子>.<秘密>）。"
                "団体ごとに発行し、その団体のホストでのみ有効。"
            ),
        }


# What ``tenants.text`` refuses, as a pattern: C0 controls and DEL; TAB, LF and CRLF only in
# a field that allows line breaks (``multiline=True``).
SINGLE_LINE_PATTERN = "^[^\\x00-\\x1f\\x7f]*$"
MULTILINE_PATTERN = "^(?:[^\\x00-\\x08\\x0b-\\x1f\\x7f]|\\r\\n)*$"


class TextFieldSchema(OpenApiSerializerFieldExtension):
    """A ``TextField`` documents the characters it refuses (unless it has a stricter
    pattern of its own)."""

    target_class = "tenants.api.fields.TextField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        schema: dict[str, Any] = auto_schema._map_serializer_field(
            self.target, direction, bypass_extensions=True
        )
        if direction == "request" and "pattern" not in schema and "enum" not in schema:
            multiline = self.target._text_validator.multiline
            schema["pattern"] = MULTILINE_PATTERN if multiline else SINGLE_LINE_PATTERN
        return schema


FREE_JSON = "JsonWithoutControls"
_NO_PATTERN_FORMATS = {"binary", "byte", "date", "date-time", "uuid", "email", "uri", "time"}


def _textual(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    is_string = kind == "string" or (isinstance(kind, list) and "string" in kind)
    return (
        is_string
        and "pattern" not in schema
        and "enum" not in schema
        and schema.get("format") not in _NO_PATTERN_FORMATS
    )


def _request_object(schema: dict[str, Any]) -> None:
    """An object of a request body: the keys it may carry besides its own and what
    they may hold, as ``tenants.textguard`` checks them (every key and every string in
    it, at any depth)."""
    if "$ref" in schema:
        return
    is_object = schema.get("type") == "object" or "properties" in schema
    if is_object:
        schema.setdefault("propertyNames", {"pattern": SINGLE_LINE_PATTERN})
        extra = schema.get("additionalProperties")
        if extra is None or extra is True or extra == {}:
            schema["additionalProperties"] = {"$ref": f"#/components/schemas/{FREE_JSON}"}
        elif isinstance(extra, dict):
            _request_object(extra)
        for child in schema.get("properties", {}).values():
            if isinstance(child, dict):
                _request_object(child)
    items = schema.get("items")
    if isinstance(items, dict):
        _request_object(items)
    for key in ("oneOf", "anyOf", "allOf"):
        for child in schema.get(key, []):
            if isinstance(child, dict):
                _request_object(child)


def document_text_rules(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular post-processing: what ``tenants.textguard`` refuses before any view
    (a 400), in the documents: no control character in a path or query parameter, nor in
    any key or string of a JSON body, including keys a request object does not define
    (the view ignores those, the guard does not)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas[FREE_JSON] = {
        "description": (
            "任意のJSON値。文字列に制御文字（タブ・改行を除く）を、項目名に制御文字を含まないこと。"
        ),
        "pattern": MULTILINE_PATTERN,
        "items": {"$ref": f"#/components/schemas/{FREE_JSON}"},
        "propertyNames": {"pattern": SINGLE_LINE_PATTERN},
        "additionalProperties": {"$ref": f"#/components/schemas/{FREE_JSON}"},
    }
    for methods in result.get("paths", {}).values():
        for method, operation in methods.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if parameter.get("in") in {"path", "query"} and _textual(schema):
                    schema["pattern"] = SINGLE_LINE_PATTERN
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body and isinstance(body.get("schema"), dict):
                _request_object(body["schema"])
    for name, schema in schemas.items():
        if name.endswith("Request") and isinstance(schema, dict):
            _request_object(schema)
    return result
