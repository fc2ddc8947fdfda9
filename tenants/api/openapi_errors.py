"""drf-spectacular post-processing: every operation documents the errors the platform
can answer before or around its view, each with its JSON body, so the OpenAPI files say
what a client really receives (schemathesis found 15 undocumented statuses).

- 401 認証が必要: no key or session, or a wrong key (every operation that takes a key;
  the portal's, session only, answers a missing session with 403);
- 403 許可されていない: a scope or role missing, an address outside the allow-list;
- 404 見つからない: a URL the town does not use (the module gate), an unknown host, an
  id that does not exist in this town;
- 400 入力の誤り: for operations that take parameters or a body (a field's messages, or
  ``detail``);
- 415 本文の形式: a body in another format than the operation reads (the API reads JSON;
  an upload reads its file);
- 422 規則により受け付けられない: the body of the 422 an operation declares
  (``tenants.api.rules``).

An operation's own description of a status (with its own body) is kept as it is."""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA = "Error"
VALIDATION_SCHEMA = "ValidationError"

COMMON = {
    "401": "認証が必要です（APIキーまたはログイン）。",
    "403": "この操作は許可されていません（スコープ・権限・接続元）。",
    "404": "存在しないか、この団体では利用できません（利用していない業務を含む）。",
}
BAD_REQUEST = "入力の誤り（項目ごとのメッセージ、または detail）。"
UNSUPPORTED = "本文の形式が対応していない（JSON で送ること。取込はファイルのアップロード）。"


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def add_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(
        ERROR_SCHEMA,
        {
            "type": "object",
            "properties": {"detail": {"type": "string", "description": "理由（日本語）"}},
            "required": ["detail"],
        },
    )
    schemas.setdefault(
        VALIDATION_SCHEMA,
        {
            "type": "object",
            "description": "項目名ごとのメッセージの配列、または detail。",
            "properties": {"detail": {"type": "string"}},
            "additionalProperties": {
                "oneOf": [
                    {"type": "array", "items": {}},
                    {"type": "object"},
                    {"type": "string"},
                ]
            },
        },
    )
    for methods in result.get("paths", {}).values():
        for method, operation in methods.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for status, text in COMMON.items():
                if status == "401" and not _takes_a_key(operation):
                    # session only (the portal): DRF answers a missing session with 403
                    continue
                _add(responses, status, text, ERROR_SCHEMA)
            if operation.get("parameters") or operation.get("requestBody"):
                _add(responses, "400", BAD_REQUEST, VALIDATION_SCHEMA)
            if operation.get("requestBody"):
                _add(responses, "415", UNSUPPORTED, ERROR_SCHEMA)
            if "422" in responses:  # declared by the view (tenants.api.rules)
                _add(responses, "422", responses["422"]["description"], VALIDATION_SCHEMA)
    return result


def _takes_a_key(operation: dict[str, Any]) -> bool:
    return any("apiKey" in requirement for requirement in operation.get("security", [{}]))


def _add(responses: dict[str, Any], status: str, text: str, schema: str) -> None:
    existing = responses.get(status)
    body = {"application/json": {"schema": _ref(schema)}}
    if existing is None:
        responses[status] = {"description": text, "content": body}
    elif "content" not in existing:
        # documented by the view without a body: the body is the platform's
        existing["content"] = body
