"""REST API of 障害者福祉: one 障害者手帳 with its history (GET). 要配慮個人情報: it answers
only a staff session holding the grant ``fukushi.grants_shogai.SHOGAI_TECHO``, with the
purpose of the read in the ``X-Purpose`` header (kept on the access-log row); everyone
else — an API key included — gets 404 for every id, existing or not."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from fukushi.grants_shogai import SHOGAI_TECHO
from fukushi.gyomu import SHOGAISHA_FUKUSHI
from fukushi.models import ShogaiTecho
from fukushi.selectors.shogai import techo_view
from tenants.accesslog.reads import Reads, access_note
from tenants.api.permissions import TenantAPIView
from tenants.grants.selectors import has_grant

PURPOSE = OpenApiParameter(
    "X-Purpose",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=True,
    description="この照会の利用目的（アクセス記録に残る。要配慮個人情報のため必須）",
)


def granted(request: Request) -> bool:
    """A staff session (not an API key) whose user holds the grant."""
    user = request.user
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(request, "api_client", None) is None
        and has_grant(user.pk, SHOGAI_TECHO)
    )


def purpose_of(request: Request) -> str:
    purpose = request.headers.get("X-Purpose", "").strip()
    if not purpose:
        raise ValidationError({"detail": "X-Purpose（利用目的）を指定してください。"})
    return purpose


class ShogaiTechoView(TenantAPIView):
    gyomu_code = SHOGAISHA_FUKUSHI
    access_reads = Reads(
        "fukushi.ShogaiTecho", id_kwarg="pk", shown="techo_bango", screen="api.fukushi.shogai_techo"
    )

    @extend_schema(
        parameters=[PURPOSE],
        responses={200: dict},
        summary="障害者手帳（等級・部位・有効期限と履歴）。操作権限「障害者手帳・心身障害者医療の閲覧・登録」を持つ職員のみ",
        operation_id="fukushi_shogai_techo",
    )
    def get(self, request: Request, pk: int) -> Response:
        if not granted(request):
            raise Http404
        t = ShogaiTecho.objects.filter(pk=pk).first()
        if t is None:
            raise Http404
        purpose_of(request)
        v = techo_view(t)
        access_note(request, detail={"atena_ids": [t.atena_id]})
        body: dict[str, Any] = {
            "atena_no": v.atena_no,
            "kind": v.kind,
            "techo_bango": v.techo_bango,
            "tokyu": v.tokyu,
            "bui": v.bui,
            "kofu_date": v.kofu_date,
            "yuko_kigen": v.yuko_kigen,
            "jotai": v.jotai,
            "shuryo_date": v.shuryo_date,
            "rireki": [
                {
                    "kind": r.get_kind_display(),
                    "jiyu_date": r.jiyu_date,
                    "tokyu_mae": r.tokyu_mae,
                    "tokyu_ato": r.tokyu_ato,
                    "yuko_kigen_mae": r.yuko_kigen_mae,
                    "yuko_kigen_ato": r.yuko_kigen_ato,
                    "riyu": r.riyu,
                }
                for r in v.rireki
            ],
        }
        return Response(body)


urlpatterns: list[URLPattern] = [
    path("techo/<int:pk>/", ShogaiTechoView.as_view(), name="api-fukushi-shogai-techo"),
]
