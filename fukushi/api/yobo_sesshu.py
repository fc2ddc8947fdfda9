"""REST API of 健康管理（予防接種）: a person's 接種記録 (GET) and the due / overdue list on a
date (GET). 要配慮個人情報, as 生活保護's cases (fukushi/api/seiho.py): it answers only a staff
session holding the grant ``fukushi.grants_kenko.KENKO_KIROKU``, with the purpose in the
``X-Purpose`` header (kept on the access-log row); everyone else — an API key included —
gets 404."""

from __future__ import annotations

from datetime import date

from django.http import Http404
from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from fukushi.api.purpose import PURPOSE, purpose_of
from fukushi.grants_kenko import KENKO_KIROKU
from fukushi.gyomu import KENKO_KANRI
from fukushi.services.yobo_sesshu import due_rows, sesshu_rows
from juminkiroku.public import person_identities
from tenants.accesslog.reads import Reads, access_note
from tenants.api.permissions import TenantAPIView
from tenants.grants.selectors import has_grant

MAX_ROWS = 1000


def _wall(request: Request) -> str:
    user = request.user
    if not (
        getattr(user, "is_authenticated", False)
        and getattr(request, "api_client", None) is None
        and has_grant(user.pk, KENKO_KIROKU)
    ):
        raise Http404
    return purpose_of(request)


class SesshuHistoryView(TenantAPIView):
    gyomu_code = KENKO_KANRI
    access_reads = Reads(
        "fukushi.YoboSesshu", id_kwarg="atena_id", shown="kiroku", screen="api.fukushi.yobo_sesshu"
    )

    @extend_schema(
        parameters=[PURPOSE],
        responses={200: dict},
        summary="ある人の予防接種の記録（取消を含む履歴）。操作権限「健康管理（予防接種の記録）の閲覧・登録」を持つ職員のみ",
        operation_id="fukushi_yobo_sesshu_kiroku",
    )
    def get(self, request: Request, atena_id: int) -> Response:
        purpose = _wall(request)
        if atena_id not in person_identities([atena_id]):
            raise Http404
        rows = sesshu_rows(atena_id)
        access_note(request, purpose=purpose)
        return Response(
            {
                "kiroku": [
                    {
                        "vaccine": r.vaccine,
                        "dose_no": r.dose_no,
                        "sesshu_date": r.sesshu_date,
                        "kubun": r.get_kubun_display(),
                        "lot_no": r.lot_no,
                        "iryo_kikan": r.iryo_kikan,
                        "torikeshi": r.torikeshi_at is not None,
                    }
                    for r in rows
                ]
            }
        )


class TaishoView(TenantAPIView):
    gyomu_code = KENKO_KANRI
    access_reads = Reads(
        "fukushi.YoboSesshu",
        ids="rows[].atena_id",
        screen="api.fukushi.yobo_sesshu_taisho",
        action="search",
        shown="rows",
    )

    @extend_schema(
        parameters=[
            PURPOSE,
            OpenApiParameter("kijunbi", OpenApiTypes.DATE, required=True, description="基準日"),
            OpenApiParameter("vaccine", OpenApiTypes.STR, description="ワクチン（例 hib）"),
        ],
        responses={200: dict},
        summary="基準日の定期接種の対象者・未接種者（住民のみ、最大1,000件）",
        operation_id="fukushi_yobo_sesshu_taisho",
    )
    def get(self, request: Request) -> Response:
        purpose = _wall(request)
        try:
            kijunbi = date.fromisoformat(request.query_params.get("kijunbi", ""))
        except ValueError:
            raise ValidationError(
                {"kijunbi": ["基準日（YYYY-MM-DD）を指定してください。"]}
            ) from None
        vaccine = request.query_params.get("vaccine", "").strip()
        try:
            rows = due_rows(kijunbi, vaccines=[vaccine] if vaccine else None)
        except LookupError:
            raise ValidationError(
                {"kijunbi": ["基準日の年度の定期接種のスケジュールが登録されていません。"]}
            ) from None
        names = person_identities(r.atena_id for r in rows[:MAX_ROWS])
        access_note(request, purpose=purpose, detail={"kijunbi": kijunbi.isoformat()})
        return Response(
            {
                "count": len(rows),
                "rows": [
                    {
                        "atena_id": r.atena_id,
                        "atena_no": names[r.atena_id].atena_no if r.atena_id in names else "",
                        "vaccine": r.vaccine,
                        "dose_no": r.dose_no,
                        "status": r.status_label,
                        "first": r.first,
                        "last": r.last,
                    }
                    for r in rows[:MAX_ROWS]
                ],
            }
        )


urlpatterns: list[URLPattern] = [
    path(
        "persons/<int:atena_id>/sesshu/",
        SesshuHistoryView.as_view(),
        name="api-fukushi-yobo-sesshu-kiroku",
    ),
    path("taisho/", TaishoView.as_view(), name="api-fukushi-yobo-sesshu-taisho"),
]
