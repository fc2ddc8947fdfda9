"""The one URL fetcher every WeasyPrint render in the project uses.

It refuses every URL except a base64 PNG ``data:`` URI (an 印影 or a logo embedded in the
HTML), so nothing a template or a value contains can make WeasyPrint read a local file or
call a host (STACK-NOTES). WeasyPrint >= 70 wants a ``URLFetcher`` instance.
"""

from __future__ import annotations

import base64
import binascii
import functools
from typing import Any

ALLOWED_DATA_PREFIX = "data:image/png;base64,"


class ExternalResourceRefused(ValueError):
    pass


def _decode_png_data_uri(url: str) -> bytes:
    if not url.startswith(ALLOWED_DATA_PREFIX):
        raise ExternalResourceRefused("外部リソースの読み込みは許可されていません")
    try:
        return base64.b64decode(url[len(ALLOWED_DATA_PREFIX) :], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ExternalResourceRefused("埋め込み画像が正しくありません") from exc


@functools.cache
def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class PngDataOnlyFetcher(URLFetcher):
        """WeasyPrint (>= 70) fetcher that decodes a base64 PNG data URI itself and
        refuses every other URL: no urllib handler (file, http, ftp) is ever reached."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            body = _decode_png_data_uri(url)
            return URLFetcherResponse(url, body, {"Content-Type": "image/png"})

    return PngDataOnlyFetcher


def png_data_only_fetcher() -> Any:
    """A new fetcher instance to pass as WeasyPrint's ``url_fetcher``."""
    return _fetcher_class()()


def refuse_external(url: str) -> Any:
    """Fetch ``url`` the way the renderer would: a PNG data URI or ExternalResourceRefused."""
    return png_data_only_fetcher().fetch(url)
