"""The ``X-Purpose`` header of fukushi's APIs over 要配慮個人情報 (生活保護, 障害, 健康管理,
医療助成): every read says what it is for, and the access log keeps it."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

PURPOSE = OpenApiParameter(
    "X-Purpose",
    # at least one character that is not a space: an empty or blank purpose is refused
    {"type": "string", "minLength": 1, "pattern": "\\S"},
    location=OpenApiParameter.HEADER,
    required=True,
    description="この照会の利用目的（アクセス記録に残る。要配慮個人情報のため必須）",
)


def purpose_of(request: Request) -> str:
    """The request's purpose, refused in Japanese when it is missing or blank."""
    purpose = request.headers.get("X-Purpose", "").strip()
    if not purpose:
        raise ValidationError({"detail": "X-Purpose（利用目的）を指定してください。"})
    return purpose
