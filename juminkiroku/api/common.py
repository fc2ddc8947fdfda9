"""What the 住民記録 API views share: the module, the error body, the 照会抑止 refusal."""

from __future__ import annotations

from datetime import date

from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from juminkiroku import gyomu
from juminkiroku.models import Atena
from juminkiroku.selectors.person import PersonLocks, person_with_locks
from tenants.accesslog.reads import access_refusal
from tenants.api.rules import RuleRefused, rule_response
from tenants.wareki import parse_wareki

GYOMU = gyomu.JUMINKIROKU
SHOKAI_YOKUSHI_MESSAGE = "照会抑止が設定されています"


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


def person_or_404(pk: int) -> tuple[Atena, PersonLocks]:
    try:
        return person_with_locks(pk)
    except Atena.DoesNotExist as exc:
        raise NotFound("宛名が見つかりません。") from exc


def shokai_refused(request: Request, *, record_type: str, record_id: int) -> Response:
    """403 for a person or household under 照会抑止; the refusal is logged ``denied``."""
    access_refusal(request, record_type=record_type, record_id=record_id, reason="shokai_yokushi")
    return Response({"detail": SHOKAI_YOKUSHI_MESSAGE}, status=status.HTTP_403_FORBIDDEN)


# A date typed as people type it (西暦 or 和暦, full-width, several separators): whether it
# is a date, and one inside its era, no pattern says (tenants.wareki.parse_wareki).
DATE_RULE = rule_response("日付として読めない、存在しない、または元号の期間外の日付")


def parse_date(text: str, field: str) -> date:
    try:
        return parse_wareki(text)
    except ValueError as exc:
        raise RuleRefused({field: [str(exc)]}) from exc
