"""The one page shape of the API's paged lists: ``{"count", "page", "results": […]}``,
documented as such (a list documented as a plain array made generated clients fail)."""

from __future__ import annotations

from functools import cache

from rest_framework import serializers


@cache
def page_serializer(item: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """``<Item>Page``: the page of ``item`` rows, for ``extend_schema(responses=...)``."""
    name = item.__name__.removesuffix("Serializer")
    return type(
        f"{name}PageSerializer",
        (serializers.Serializer,),
        {
            "count": serializers.IntegerField(help_text="条件に合う件数（全ページ）"),
            "page": serializers.IntegerField(help_text="このページの番号（1から）"),
            "results": item(many=True),
            "__module__": item.__module__,
        },
    )
