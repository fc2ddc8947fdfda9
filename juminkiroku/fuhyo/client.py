"""The transport to the town's 戸籍附票システム: JSON over HTTP, one request per notice.

The 附票システム is another vendor's system in the same office; no national interface
layout for this link was found (the 標準仕様書 7.2.4 names the function only), so the
layout is ours (``FUHYO-KISAI-01``, juminkiroku.fuhyo.tsuchi ``ITEMS``), marked as such.
Three outcomes as for the CS (juminkiroku.cs.client): an answer, a refusal of the notice
(``FuhyoRejected``: sending it again changes nothing) and a transport failure
(``FuhyoUnreachable``: kept and sent again later). Exceptions carry the other side's code
and reason only, never personal data.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings


class FuhyoError(Exception):
    pass


class FuhyoNotConfigured(FuhyoError):
    def __init__(self, message: str = "戸籍附票システムの接続先が設定されていません。") -> None:
        super().__init__(message)


class FuhyoUnreachable(FuhyoError):
    """The 附票システム did not answer (connection refused, timeout, 5xx)."""


class FuhyoRejected(FuhyoError):
    def __init__(self, code: str, reason: str) -> None:
        self.code = code
        self.reason = reason
        super().__init__(f"{code} {reason}".strip())


def fuhyo_url() -> str:
    return str(getattr(settings, "JC_FUHYO_URL", "") or "").rstrip("/")


def fuhyo_call(path: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST ``body`` to the 附票システム at ``path``; the answer's JSON object."""
    base = fuhyo_url()
    if not base.startswith(("http://", "https://")):
        raise FuhyoNotConfigured()
    request = urllib.request.Request(  # noqa: S310 - the configured URL (http/https only)
        f"{base}{path}",
        data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    timeout = float(getattr(settings, "JC_FUHYO_TIMEOUT_SECONDS", 10))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            answer = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        if exc.code == 422:
            try:
                refusal = json.loads(exc.read().decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                refusal = {}
            raise FuhyoRejected(
                str(refusal.get("code", "E999"))[:10],
                str(refusal.get("reason", "戸籍附票システムが受け付けませんでした。"))[:150],
            ) from None
        raise FuhyoUnreachable(
            f"戸籍附票システムが応答しませんでした（HTTP {exc.code}）。"
        ) from None
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError):
        raise FuhyoUnreachable("戸籍附票システムに接続できませんでした。") from None
    except ValueError:
        raise FuhyoUnreachable("戸籍附票システムの応答を読み取れませんでした。") from None
    if not isinstance(answer, dict):
        raise FuhyoUnreachable("戸籍附票システムの応答を読み取れませんでした。")
    return answer
