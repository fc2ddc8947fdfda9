"""REST API of 健康管理（健診・がん検診）: a person's 受診記録 with the 精密検査 (GET) and the
対象者・未受診者 of a 基準日's 年度, paged (GET). Read-only: recording and 取消 are on the
screens (fukushi/views/kenshin.py). 要配慮個人情報 (健康診断等の結果), as 予防接種's API
(fukushi/api/yobo_sesshu.py): only a staff session holding the grant
``fukushi.grants_kenko.KENKO_KIROKU``, with the purpose in ``X-Purpose`` (kept on the
access-log row); everyone else — an API key included — gets 404."""

from __future__ import annotations

from datetime import date

from django.http import Http404
from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from fukushi.api.paging import PARAMETERS as PAGING
from fukushi.api.paging import page_of
from fukushi.api.purpose import PURPOSE
from fukushi.api.yobo_sesshu import _wall as kenko_wall
from fukushi.gyomu import KENKO_KANRI
from fukushi.rules.kenshin import nendo_of
from fukushi.services.kenshin import jushin_rows, table, taisho_rows
from juminkiroku.public import person_identities
from tenants.accesslog.reads import Reads, access_note
from tenants.api.permissions import TenantAPIView

RECORD_TYPE = "fukushi.KenshinJushin"


class KenshinKirokuView(TenantAPIView):
    gyomu_code = KENKO_KANRI
    access_reads = Reads(
        RECORD_TYPE, id_kwarg="atena_id", shown="kiroku", screen="api.fukushi.kenshin_kiroku"
    )

    @extend_schema(
        parameters=[PURPOSE],
        responses={200: dict},
        summary=(
            "ある人の健診・がん検診の受診記録（精密検査・取消を含む履歴）。"
            "操作権限「健康管理（予防接種の記録）の閲覧・登録」を持つ職員のみ"
        ),
        operation_id="fukushi_kenshin_kiroku",
    )
    def get(self, request: Request, atena_id: int) -> Response:
        purpose = kenko_wall(request)
        if atena_id not in person_identities([atena_id]):
            raise Http404
        rows = jushin_rows(atena_id)
        names: dict[tuple[int, str], str] = {}
        for r in rows:
            key = (nendo_of(r.jushin_date), r.kenshin)
            if key not in names:
                try:
                    k = table(key[0]).get(r.kenshin)
                except LookupError:  # a 年度 whose 検診 are not loaded: the code
                    k = None
                names[key] = k.name if k else r.kenshin
        access_note(request, purpose=purpose)
        return Response(
            {
                "kiroku": [
                    {
                        "kenshin": names[(nendo_of(r.jushin_date), r.kenshin)],
                        "method": r.method,
                        "jushin_date": r.jushin_date,
                        "kekka": r.get_kekka_display(),
                        "iryo_kikan": r.iryo_kikan,
                        "seimitsu_date": r.seimitsu_date,
                        "seimitsu_kikan": r.seimitsu_kikan,
                        "seimitsu_kekka": (
                            r.get_seimitsu_kekka_display() if r.seimitsu_kekka else None
                        ),
                        "torikeshi": r.torikeshi_at is not None,
                        "torikeshi_riyu": r.torikeshi_riyu or None,
                    }
                    for r in rows
                ]
            }
        )


class KenshinTaishoView(TenantAPIView):
    gyomu_code = KENKO_KANRI
    access_reads = Reads(
        RECORD_TYPE,
        ids="results[].atena_id",
        screen="api.fukushi.kenshin_taisho",
        action="search",
        shown="results",
    )

    @extend_schema(
        parameters=[
            PURPOSE,
            OpenApiParameter("kijunbi", OpenApiTypes.DATE, required=True, description="基準日"),
            OpenApiParameter("kenshin", OpenApiTypes.STR, description="検診の種類（例 igan）"),
            OpenApiParameter("mijushin", OpenApiTypes.BOOL, description="未受診者のみ"),
            *PAGING,
        ],
        responses={200: dict},
        summary="基準日の年度の健診・がん検診の対象者（受診の有無）。ページ送り",
        operation_id="fukushi_kenshin_taisho",
    )
    def get(self, request: Request) -> Response:
        purpose = kenko_wall(request)
        try:
            kijunbi = date.fromisoformat(request.query_params.get("kijunbi", ""))
        except ValueError:
            raise ValidationError(
                {"kijunbi": ["基準日（YYYY-MM-DD）を指定してください。"]}
            ) from None
        kenshin = request.query_params.get("kenshin", "").strip()
        try:
            rows = taisho_rows(
                kijunbi,
                kenshin=[kenshin] if kenshin else None,
                mijushin_only=request.query_params.get("mijushin", "") in ("1", "true"),
            )
        except LookupError:
            raise ValidationError(
                {"kijunbi": ["基準日の年度の検診の種類・対象が登録されていません。"]}
            ) from None
        page, head = page_of(request, rows)
        names = person_identities(r.atena_id for r in page)
        access_note(request, purpose=purpose, detail={"kijunbi": kijunbi.isoformat()})
        return Response(
            head
            | {
                "results": [
                    {
                        "atena_id": r.atena_id,
                        "atena_no": names[r.atena_id].atena_no if r.atena_id in names else "",
                        "kenshin": r.kenshin_name,
                        "age": r.age,
                        "methods": r.method_names,
                        "jushin": r.jushin_label,
                        "jushin_date": r.jushin_date,
                    }
                    for r in page
                ]
            }
        )


urlpatterns: list[URLPattern] = [
    path(
        "persons/<int:atena_id>/kenshin/",
        KenshinKirokuView.as_view(),
        name="api-fukushi-kenshin-kiroku",
    ),
    path("kenshin/taisho/", KenshinTaishoView.as_view(), name="api-fukushi-kenshin-taisho"),
]
