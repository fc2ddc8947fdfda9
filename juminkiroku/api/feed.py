"""REST API: the linkage feed (標準仕様書 7.1 差分連携 / 7.2 一括連携), module 住基ネット連携.

``GET  /api/v1/juminkiroku/feed/changes/?after=<seq>&limit=<n≤1000>`` the changes after a
cursor (``seq`` is a counter, not personal data, so it may travel in the URL), with the
person's version as written by the 本登録, and ``next_after`` to pass next time.

``POST /api/v1/juminkiroku/feed/full/`` {"page_after_id": 0, "limit": 1000} every person's
current state, one page at a time; ``latest_seq`` is the cursor to poll changes from after
a full load.

個人番号 is sent only to an API client holding the scope ``jukinet_renkei:kojin_bango``
(never to a staff session, never implied by ``:write``); such a call is logged with
``mynumber_viewed``. Every call writes one access-log row (抽出) with the record ids.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Max
from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from juminkiroku.gyomu import JUKINET_RENKEI
from juminkiroku.models import RenkeiChange
from juminkiroku.selectors.feed import (
    FEED_MAX_LIMIT,
    FULL_PAGE_MAX,
    atena_data,
    change_data,
    changes_after,
    full_page,
)
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, access_note
from tenants.api.permissions import TenantAPIView

GYOMU = JUKINET_RENKEI


def may_receive_kojin_bango(request: Request) -> bool:
    client = getattr(request._request, "api_client", None)
    return bool(client is not None and client.may_read_kojin_bango(GYOMU))


_BANGO_NOTE = (
    "個人番号（`kojin_bango`）は、スコープ `jukinet_renkei:kojin_bango` を持つAPIキーへの"
    "応答にだけ含まれます。ないキーへの応答では項目ごと省略されます（マスクした値も返しません）。"
    "含んだ応答はアクセスログに「個人番号の閲覧」として記録されます。"
)


class ChangesQuery(serializers.Serializer):
    after = serializers.IntegerField(
        min_value=0,
        default=0,
        label="この連携番号より後",
        help_text="前回受け取った next_after（初回は0）",
    )
    limit = serializers.IntegerField(
        min_value=1,
        max_value=FEED_MAX_LIMIT,
        default=100,
        label="件数",
        help_text=f"1〜{FEED_MAX_LIMIT}件",
    )


class FullQuery(serializers.Serializer):
    page_after_id = serializers.IntegerField(min_value=0, default=0, label="この宛名IDより後")
    limit = serializers.IntegerField(
        min_value=1, max_value=FULL_PAGE_MAX, default=FULL_PAGE_MAX, label="件数"
    )


_Changes = inline_serializer(
    "RenkeiChangesResponse",
    {
        "results": serializers.ListField(child=serializers.DictField()),
        "next_after": serializers.IntegerField(),
        "has_more": serializers.BooleanField(),
    },
)
_Full = inline_serializer(
    "RenkeiFullResponse",
    {
        "results": serializers.ListField(child=serializers.DictField()),
        "next_page_after_id": serializers.IntegerField(),
        "has_more": serializers.BooleanField(),
        "latest_seq": serializers.IntegerField(),
    },
)


class FeedChangesView(TenantAPIView):
    gyomu_code = GYOMU
    access_reads = Reads(
        "atena",
        action=AccessAction.EXPORT,
        shown="results",
        count=lambda data: len(data["results"]),
        screen="連携差分の取得",
    )

    @extend_schema(
        # the query serializer documents the ranges it enforces (min/max)
        parameters=[ChangesQuery],
        responses=_Changes,
        summary="異動の差分（連携番号順）",
        description=_BANGO_NOTE,
    )
    def get(self, request: Request) -> Response:
        query = ChangesQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        after: int = query.validated_data["after"]
        limit: int = query.validated_data["limit"]
        with_bango = may_receive_kojin_bango(request)
        rows = changes_after(after, limit + 1)
        has_more = len(rows) > limit
        rows = rows[:limit]
        results: list[dict[str, Any]] = [change_data(c, with_kojin_bango=with_bango) for c in rows]
        next_after = rows[-1].seq if rows else after
        access_note(
            request,
            ids=sorted({c.atena_id for c in rows}),
            mynumber_viewed=with_bango and bool(rows),
            detail={"after": after, "next_after": next_after},
        )
        return Response({"results": results, "next_after": next_after, "has_more": has_more})


class FeedFullView(TenantAPIView):
    gyomu_code = GYOMU
    post_is_read = True
    access_reads = Reads(
        "atena",
        action=AccessAction.EXPORT,
        ids="results[].atena_id",
        count=lambda data: len(data["results"]),
        screen="全件連携の取得",
    )

    @extend_schema(
        request=FullQuery,
        responses=_Full,
        summary="全件（一括）連携の1ページ",
        description=_BANGO_NOTE,
    )
    def post(self, request: Request) -> Response:
        query = FullQuery(data=request.data)
        query.is_valid(raise_exception=True)
        after: int = query.validated_data["page_after_id"]
        limit: int = query.validated_data["limit"]
        with_bango = may_receive_kojin_bango(request)
        # Read the cursor first: a change committed while the page is read is then
        # delivered again by the changes feed rather than lost.
        latest = RenkeiChange.objects.aggregate(m=Max("seq"))["m"] or 0
        rows = full_page(after, limit + 1)
        has_more = len(rows) > limit
        rows = rows[:limit]
        next_id = rows[-1].pk if rows else after
        access_note(
            request,
            mynumber_viewed=with_bango and bool(rows),
            detail={"page_after_id": after, "next_page_after_id": next_id},
        )
        return Response(
            {
                "results": [atena_data(a, with_kojin_bango=with_bango) for a in rows],
                "next_page_after_id": next_id,
                "has_more": has_more,
                "latest_seq": latest,
            }
        )


urlpatterns = [
    path("feed/changes/", FeedChangesView.as_view(), name="juminkiroku_feed_changes"),
    path("feed/full/", FeedFullView.as_view(), name="juminkiroku_feed_full"),
]
