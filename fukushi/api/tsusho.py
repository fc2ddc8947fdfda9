"""REST API of 障害児通所支援: one 障害児通所給付費の支給決定 of a child with its services and
支給量, 給付決定期間, 負担上限月額 (and the figures used), the 無償化 period and history (GET,
read-only). 要配慮個人情報: as the 自立支援給付 API (fukushi/api/jiritsu.py), only a staff
session holding the grant ``SHOGAI_TECHO`` with the purpose in ``X-Purpose``; everyone else — an
API key included — gets 404 for every id."""

from __future__ import annotations

from django.http import Http404
from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from fukushi.api.purpose import PURPOSE, purpose_of
from fukushi.api.shogai import granted
from fukushi.gyomu import SHOGAISHA_FUKUSHI
from fukushi.models.tsusho import TsushoKettei
from fukushi.rules.tsusho import KUBUN_LABELS
from fukushi.services.tsusho import service_kinds
from juminkiroku.public import person_identities
from tenants.accesslog.reads import Reads, access_note
from tenants.api.permissions import TenantAPIView


class TsushoKetteiView(TenantAPIView):
    gyomu_code = SHOGAISHA_FUKUSHI
    access_reads = Reads(
        "fukushi.TsushoKettei",
        id_kwarg="pk",
        shown="jukyusha_bango",
        screen="api.fukushi.tsusho_kettei",
    )

    @extend_schema(
        parameters=[PURPOSE],
        responses={200: dict},
        summary=(
            "障害児通所給付費の支給決定（サービスと支給量・給付決定期間・負担上限月額と判定に用いた値・"
            "無償化の対象期間・履歴）。操作権限「障害者福祉（手帳・手当・自立支援給付）・心身障害者医療の閲覧・登録」を持つ職員のみ"
        ),
        operation_id="fukushi_tsusho_kettei",
    )
    def get(self, request: Request, pk: int) -> Response:
        if not granted(request):
            raise Http404
        k = TsushoKettei.objects.filter(pk=pk).first()
        if k is None:
            raise Http404
        purpose_of(request)
        access_note(request, detail={"atena_ids": [k.atena_id, k.hogosha_atena_id]})
        people = person_identities([k.atena_id, k.hogosha_atena_id])
        p, h = people.get(k.atena_id), people.get(k.hogosha_atena_id)
        kinds = service_kinds(k.kikan_kaishi or k.shinsei_date)
        return Response(
            {
                "jukyusha_bango": k.jukyusha_bango,
                "atena_no": p.atena_no if p else "",
                "hogosha_atena_no": h.atena_no if h else "",
                "jotai": k.get_jotai_display(),
                "shuryo_jiyu": k.get_shuryo_jiyu_display() if k.shuryo_jiyu else None,
                "yokakunin": k.yokakunin or None,
                "shinsei_date": k.shinsei_date,
                "kettei_date": k.kettei_date,
                "kikan_kaishi": k.kikan_kaishi,
                "kikan_shuryo": k.kikan_shuryo,
                "futan_kubun": KUBUN_LABELS.get(k.futan_kubun, ""),
                "futan_jogen": k.futan_jogen,
                "futan_konkyo": list(k.futan_konkyo),
                "mushoka_kaishi": k.mushoka_kaishi,
                "mushoka_shuryo": k.mushoka_shuryo,
                "services": [
                    {
                        "service": kinds.get(s.service, {}).get("name", s.service),
                        "shikyu_ryo": s.shikyu_ryo,
                        "tani": "日/月",
                    }
                    for s in k.services.order_by("id")
                ],
                "rireki": [
                    {
                        "jiyu_date": r.jiyu_date,
                        "naiyo": r.naiyo,
                        "riyu": r.riyu,
                        "created_by": r.created_by,
                    }
                    for r in k.rireki.order_by("id")
                ],
            }
        )


urlpatterns: list[URLPattern] = [
    path("tsusho/<int:pk>/", TsushoKetteiView.as_view(), name="api-fukushi-tsusho-kettei"),
]
