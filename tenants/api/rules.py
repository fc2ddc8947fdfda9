"""A request the document allows but a rule refuses: 422, not 400.

The API answers 400 when a request does not match its OpenAPI document (a type, a
pattern, a required field, a control character) and 422 when it matches but a rule that
no schema can state refuses it: a check digit, a date that does not exist or is not in
its era, a rule across fields, a limit that moves with the calendar, a rule of the
registry (an 異動 the 住民基本台帳 does not allow). The body is the same as a 400's
(messages by field, or ``detail``), and every operation that can answer it documents it.
schemathesis' ``positive_data_acceptance`` counts 422 as an answer to a well-formed
request (tests/integration/schemathesis.toml) and 400 as a document that says too little.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse
from rest_framework import status
from rest_framework.exceptions import ValidationError


class RuleRefused(ValidationError):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "規則により受け付けられません。"
    default_code = "rule"


def rule_response(description: str) -> OpenApiResponse:
    """The 422 of an operation, saying which rules; the body is added with the other
    error answers (``tenants.api.openapi_errors``)."""
    return OpenApiResponse(description=f"形式は正しいが規則により受け付けられない: {description}")
