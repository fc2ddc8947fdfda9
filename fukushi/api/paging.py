"""Paging of fukushi's read-only list APIs in the platform's one page shape
(``tenants/api/pages.py``: ``{"count", "page", "results"}``): ``page`` (1…) and ``page_size``
(1…MAX) from the query; a page past the end is 404 as in the other lists."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, TypeVar

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request

T = TypeVar("T")

PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
#: the highest page number asked for (a page past the end is 404 before that)
MAX_PAGE = 10**6

PARAMETERS = [
    OpenApiParameter(
        "page",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
        description="ページ（1から）",
    ),
    OpenApiParameter(
        "page_size",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": PAGE_SIZE},
        description=f"1ページの件数（既定{PAGE_SIZE}、最大{MAX_PAGE_SIZE}）",
    ),
]


def _int(request: Request, name: str, default: int, high: int) -> int:
    raw = request.query_params.get(name, "")
    if raw == "":
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= high:
        raise ValidationError({name: [f"{name} は1から{high:,}までの整数で指定してください。"]})
    return int(raw)


def page_of(
    request: Request, rows: Sequence[T] | QuerySet[Any, T]
) -> tuple[list[T], dict[str, Any]]:
    """The page asked for and the page's ``count`` and ``page``; a queryset is counted and
    sliced in the database (two queries). Page 1 of nothing is empty; a later page past the
    end is 404."""
    size = _int(request, "page_size", PAGE_SIZE, MAX_PAGE_SIZE)
    page = _int(request, "page", 1, MAX_PAGE)
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    start = (page - 1) * size
    if page > 1 and start >= count:
        raise NotFound("そのページはありません。")
    return list(rows[start : start + size]), {"count": count, "page": page}


def shokan_filtered(request: Request, qs: QuerySet[Any], jotai_values: Sequence[str]) -> Any:
    """A 償還 list narrowed by ``shinryo_tsuki`` (any day of the month) and ``jotai`` (one of
    ``jotai_values``), newest 診療月 first; a bad value refused by name in Japanese."""
    tsuki = request.query_params.get("shinryo_tsuki", "")
    if tsuki:
        try:
            qs = qs.filter(shinryo_tsuki=date.fromisoformat(tsuki).replace(day=1))
        except ValueError:
            raise ValidationError(
                {"shinryo_tsuki": ["診療月（YYYY-MM-DD）を指定してください。"]}
            ) from None
    jotai = request.query_params.get("jotai", "")
    if jotai:
        if jotai not in jotai_values:
            raise ValidationError({"jotai": ["状態が正しくありません。"]})
        qs = qs.filter(jotai=jotai)
    return qs.order_by("-shinryo_tsuki", "pk")


def shokan_parameters(jotai: Any, tsuki_label: str) -> list[OpenApiParameter]:
    """The 診療月 and 状態 query parameters of a 償還 list (``jotai``: its TextChoices)."""
    return [
        OpenApiParameter(
            "shinryo_tsuki", OpenApiTypes.DATE, description=f"{tsuki_label}（その月の1日）"
        ),
        OpenApiParameter(
            "jotai",
            OpenApiTypes.STR,
            enum=jotai.values,
            description="状態（" + "・".join(jotai.labels) + "）",
        ),
    ]


#: the years a date of fukushi's write and run APIs may fall in (the 年度 values are
#: registered for these; a date outside is refused in Japanese, never a server error)
FIRST_YEAR, LAST_YEAR = 2000, 2100


def dates_in_range(values: dict[str, Any], *names: str) -> None:
    """Refuse (422) any of ``names`` in ``values`` dated outside FIRST_YEAR…LAST_YEAR."""
    from tenants.api.rules import RuleRefused

    bad = {
        name: [f"{FIRST_YEAR}年から{LAST_YEAR}年までの日付で指定してください。"]
        for name in names
        if values.get(name) is not None and not FIRST_YEAR <= values[name].year <= LAST_YEAR
    }
    if bad:
        raise RuleRefused(bad)
