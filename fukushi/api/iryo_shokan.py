"""REST API of 子ども医療費助成 and ひとり親家庭等医療費助成 償還 (read-only): the claims of one
受給者 (GET) and the claims of a 診療月 or a 状態, paged (GET), each 業務 at its own prefix
(/api/v1/fukushi/kodomo-iryo/, /hitorioya-iryo/) as the screens are (fukushi/views/iryo.py):
no parameter chooses the 業務. Receiving, 審査 and paying are on the screens.

The wall is the 業務's own: a staff session with the 業務 role or an API key with its read
scope (``TenantAPIView``); the purpose of the read in ``X-Purpose`` is required (kept on the
access-log row). A 受給者 of the other 業務, or of another town, is 404. The bank account is
never answered."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from fukushi.api.paging import PARAMETERS as PAGING
from fukushi.api.paging import page_of, shokan_filtered, shokan_parameters
from fukushi.api.purpose import PURPOSE, purpose_of
from fukushi.gyomu import HITORIOYA_IRYO, NYUYOJI_IRYO
from fukushi.models import IryoGyomu, IryoJukyusha, IryoShokan, IryoShokanJotai
from tenants.accesslog.reads import Reads, access_note
from tenants.api.permissions import TenantAPIView


def _row(s: IryoShokan) -> dict[str, Any]:
    return {
        "id": s.pk,
        "jukyusha_bango": s.jukyusha.jukyusha_bango,
        "shinryo_tsuki": s.shinryo_tsuki,
        "iryo_kikan": s.iryo_kikan,
        "jiko_futan": s.jiko_futan,
        "ichibu_futan": s.ichibu_futan,
        "shikyu_gaku": s.shikyu_gaku,
        "jotai": s.get_jotai_display(),
        "kyakka_riyu": s.kyakka_riyu or None,
        "shiharai_date": s.shiharai.shiharai_date if s.shiharai is not None else None,
    }


def _views(code: str, prefix: str) -> list[URLPattern]:
    """The two views of the 業務 ``code`` under ``prefix`` (URL names
    ``api-fukushi-<prefix>-shokan…``, screens ``api.fukushi.<prefix with _>_shokan…``)."""
    label = IryoGyomu(code).label
    slug = prefix.replace("-", "_")

    class OneView(TenantAPIView):
        gyomu_code = code
        access_reads = Reads(
            "fukushi.IryoJukyusha",
            id_kwarg="pk",
            shown="shokan",
            screen=f"api.fukushi.{slug}_shokan",
        )

        @extend_schema(
            parameters=[PURPOSE],
            responses={200: dict},
            summary=f"{label}の受給者の償還の請求（診療月・医療機関・支払った額・支給額・状態）",
            operation_id=f"fukushi_{slug}_shokan",
        )
        def get(self, request: Request, pk: int) -> Response:
            j = IryoJukyusha.objects.filter(pk=pk, gyomu=code).first()
            if j is None:
                raise Http404
            purpose_of(request)
            rows = list(
                j.shokan.select_related("jukyusha", "shiharai").order_by("-shinryo_tsuki", "-pk")
            )
            access_note(request, detail={"atena_ids": [j.atena_id]})
            return Response({"jukyusha_bango": j.jukyusha_bango, "shokan": [_row(s) for s in rows]})

    class ListView(TenantAPIView):
        gyomu_code = code
        access_reads = Reads(
            "fukushi.IryoShokan",
            ids="results[].id",
            screen=f"api.fukushi.{slug}_shokan_ichiran",
            action="search",
            shown="results",
        )

        @extend_schema(
            parameters=[
                PURPOSE,
                *shokan_parameters(IryoShokanJotai, "診療月"),
                *PAGING,
            ],
            responses={200: dict},
            summary=f"{label}の償還の請求の一覧（診療月・状態で絞り込み）。ページ送り",
            operation_id=f"fukushi_{slug}_shokan_ichiran",
        )
        def get(self, request: Request) -> Response:
            purpose_of(request)
            qs = IryoShokan.objects.filter(jukyusha__gyomu=code).select_related(
                "jukyusha", "shiharai"
            )
            page, head = page_of(request, shokan_filtered(request, qs, IryoShokanJotai.values))
            access_note(request, detail={"atena_ids": sorted({s.jukyusha.atena_id for s in page})})
            return Response(head | {"results": [_row(s) for s in page]})

    OneView.__name__ = OneView.__qualname__ = f"{slug.title().replace('_', '')}ShokanView"
    ListView.__name__ = ListView.__qualname__ = f"{slug.title().replace('_', '')}ShokanListView"
    return [
        path(f"{prefix}/<int:pk>/shokan/", OneView.as_view(), name=f"api-fukushi-{prefix}-shokan"),
        path(f"{prefix}/shokan/", ListView.as_view(), name=f"api-fukushi-{prefix}-shokan-ichiran"),
    ]


urlpatterns: list[URLPattern] = [
    *_views(NYUYOJI_IRYO, "kodomo-iryo"),
    *_views(HITORIOYA_IRYO, "hitorioya-iryo"),
]
