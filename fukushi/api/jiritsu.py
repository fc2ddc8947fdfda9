"""REST API of 自立支援給付: one 障害福祉サービスの支給決定 with its services, 負担上限月額
(and the figures used) and history (GET, read-only). 要配慮個人情報: as the 障害者手帳 API
(fukushi/api/shogai.py), only a staff session holding the grant ``SHOGAI_TECHO`` with the
purpose in ``X-Purpose``; everyone else — an API key included — gets 404 for every id."""

from __future__ import annotations

from django.http import Http404
from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from fukushi.api.purpose import PURPOSE, purpose_of
from fukushi.api.shogai import granted
from fukushi.gyomu import SHOGAISHA_FUKUSHI
from fukushi.models.jiritsu import JiritsuKettei
from fukushi.rules.jiritsu import KUBUN_LABELS, SHIEN_KUBUN
from fukushi.services.jiritsu import service_kinds, tani_words
from juminkiroku.public import person_identities
from tenants.accesslog.reads import Reads, access_note
from tenants.api.permissions import TenantAPIView


class JiritsuKetteiView(TenantAPIView):
    gyomu_code = SHOGAISHA_FUKUSHI
    access_reads = Reads(
        "fukushi.JiritsuKettei",
        id_kwarg="pk",
        shown="jukyusha_bango",
        screen="api.fukushi.jiritsu_kettei",
    )

    @extend_schema(
        parameters=[PURPOSE],
        responses={200: dict},
        summary=(
            "障害福祉サービスの支給決定（障害支援区分・サービスと支給量・支給決定期間・負担上限月額と"
            "判定に用いた値・履歴）。操作権限「障害者福祉（手帳・手当・自立支援給付）・心身障害者医療の閲覧・登録」を持つ職員のみ"
        ),
        operation_id="fukushi_jiritsu_kettei",
    )
    def get(self, request: Request, pk: int) -> Response:
        if not granted(request):
            raise Http404
        k = JiritsuKettei.objects.select_related("nintei").filter(pk=pk).first()
        if k is None:
            raise Http404
        purpose_of(request)
        access_note(request, detail={"atena_ids": [k.atena_id]})
        p = person_identities([k.atena_id]).get(k.atena_id)
        kinds = service_kinds(k.kikan_kaishi or k.shinsei_date)
        n = k.nintei
        return Response(
            {
                "jukyusha_bango": k.jukyusha_bango,
                "atena_no": p.atena_no if p else "",
                "jotai": k.get_jotai_display(),
                "shinsei_date": k.shinsei_date,
                "shien_kubun": SHIEN_KUBUN[n.kubun] if n else None,
                "shien_kubun_yuko": [n.yuko_kaishi, n.yuko_shuryo] if n else None,
                "kettei_date": k.kettei_date,
                "kikan_kaishi": k.kikan_kaishi,
                "kikan_shuryo": k.kikan_shuryo,
                "futan_kubun": KUBUN_LABELS.get(k.futan_kubun, ""),
                "futan_jogen": k.futan_jogen,
                "futan_konkyo": list(k.futan_konkyo),
                "services": [
                    {
                        "service": kinds.get(s.service, {}).get("name", s.service),
                        "shikyu_ryo": s.shikyu_ryo,
                        "tani": tani_words(str(kinds.get(s.service, {}).get("tani"))),
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
    path("jiritsu/<int:pk>/", JiritsuKetteiView.as_view(), name="api-fukushi-jiritsu-kettei"),
]
