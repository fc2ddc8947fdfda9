"""REST API of 心身障害者医療 償還 (read-only): the claims of one 受給者 (GET) and the claims of
a 診療年月 or a 状態, paged (GET). Receiving, deciding and paying are on the screens
(fukushi/views/shinshin.py). 要配慮個人情報, as the 受給者証 API (fukushi/api/shogai.py): only a
staff session holding the grant ``SHOGAI_TECHO``, with the purpose in ``X-Purpose`` (kept on
the access-log row); everyone else — an API key included — gets 404 for every id. The
claimant's bank account is never answered."""

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
from fukushi.api.shogai import granted
from fukushi.gyomu import SHINSHIN_SHOGAISHA_IRYO
from fukushi.models import ShinshinJukyusha, ShinshinShokan, ShinshinShokanJotai
from tenants.accesslog.reads import Reads, access_note
from tenants.api.permissions import TenantAPIView


def _row(s: ShinshinShokan) -> dict[str, Any]:
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


class ShokanOfJukyushaView(TenantAPIView):
    gyomu_code = SHINSHIN_SHOGAISHA_IRYO
    access_reads = Reads(
        "fukushi.ShinshinJukyusha",
        id_kwarg="pk",
        shown="shokan",
        screen="api.fukushi.shinshin_shokan",
    )

    @extend_schema(
        parameters=[PURPOSE],
        responses={200: dict},
        summary=(
            "心身障害者医療の受給者の償還の請求（診療年月・医療機関・自己負担額・支給額・状態）。"
            "操作権限「障害者福祉（手帳・手当・自立支援給付）・心身障害者医療の閲覧・登録」を持つ職員のみ"
        ),
        operation_id="fukushi_shinshin_shokan",
    )
    def get(self, request: Request, pk: int) -> Response:
        if not granted(request):
            raise Http404
        j = ShinshinJukyusha.objects.filter(pk=pk).first()
        if j is None:
            raise Http404
        purpose_of(request)
        rows = list(
            j.shokan.select_related("jukyusha", "shiharai").order_by("-shinryo_tsuki", "-pk")
        )
        access_note(request, detail={"atena_ids": [j.atena_id]})
        return Response({"jukyusha_bango": j.jukyusha_bango, "shokan": [_row(s) for s in rows]})


class ShokanIchiranView(TenantAPIView):
    gyomu_code = SHINSHIN_SHOGAISHA_IRYO
    access_reads = Reads(
        "fukushi.ShinshinShokan",
        ids="results[].id",
        screen="api.fukushi.shinshin_shokan_ichiran",
        action="search",
        shown="results",
    )

    @extend_schema(
        parameters=[
            PURPOSE,
            *shokan_parameters(ShinshinShokanJotai, "診療年月"),
            *PAGING,
        ],
        responses={200: dict},
        summary="心身障害者医療の償還の請求の一覧（診療年月・状態で絞り込み）。ページ送り",
        operation_id="fukushi_shinshin_shokan_ichiran",
    )
    def get(self, request: Request) -> Response:
        if not granted(request):
            raise Http404
        purpose_of(request)
        qs = ShinshinShokan.objects.select_related("jukyusha", "shiharai")
        page, head = page_of(request, shokan_filtered(request, qs, ShinshinShokanJotai.values))
        access_note(
            request,
            detail={"atena_ids": sorted({s.jukyusha.atena_id for s in page})},
        )
        return Response(head | {"results": [_row(s) for s in page]})


urlpatterns: list[URLPattern] = [
    path(
        "shinshin/<int:pk>/shokan/",
        ShokanOfJukyushaView.as_view(),
        name="api-fukushi-shinshin-shokan",
    ),
    path(
        "shinshin/shokan/",
        ShokanIchiranView.as_view(),
        name="api-fukushi-shinshin-shokan-ichiran",
    ),
]
