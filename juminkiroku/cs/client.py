"""The transport to the CS: JSON over HTTP, one request per 電文.

Three outcomes, kept apart because the sender treats them differently (標準仕様書 7.1.1.1):
an answer (``dict``), a refusal of the record by the CS (``CsRejected``: the record is
wrong, sending it again changes nothing), and a transport failure (``CsUnreachable``: the
CS is down or slow; the record is kept and sent again later). Nothing personal goes into
an exception message or a log: only the CS's own error code and reason text.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings


class CsError(Exception):
    pass


class CsNotConfigured(CsError):
    def __init__(self) -> None:
        super().__init__("CSの接続先が設定されていません。")


class CsUnreachable(CsError):
    """The CS did not answer (connection refused, timeout, 5xx)."""


class CsRejected(CsError):
    """The CS answered and refused the record (its code and reason, in Japanese)."""

    def __init__(self, code: str, reason: str) -> None:
        self.code = code
        self.reason = reason
        super().__init__(f"{code} {reason}".strip())


def cs_url() -> str:
    return str(getattr(settings, "JC_CS_URL", "") or "").rstrip("/")


def cs_call(path: str, body: dict[str, Any], *, timeout: float | None = None) -> dict[str, Any]:
    """POST ``body`` to the CS at ``path``; the answer's JSON object."""
    base = cs_url()
    if not base:
        raise CsNotConfigured()
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(  # noqa: S310 - the configured CS URL (http/https only)
        f"{base}{path}",
        data=data,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    if not request.full_url.startswith(("http://", "https://")):
        raise CsNotConfigured()
    if timeout is None:
        timeout = float(getattr(settings, "JC_CS_TIMEOUT_SECONDS", 10))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            answer = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        if exc.code == 422:
            try:
                refusal = json.loads(exc.read().decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                refusal = {}
            raise CsRejected(
                str(refusal.get("code", "E999"))[:10],
                str(refusal.get("reason", "CSが電文を受け付けませんでした。"))[:150],
            ) from None
        raise CsUnreachable(f"CSが応答しませんでした（HTTP {exc.code}）。") from None
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError):
        raise CsUnreachable("CSに接続できませんでした。") from None
    except ValueError:
        raise CsUnreachable("CSの応答を読み取れませんでした。") from None
    if not isinstance(answer, dict):
        raise CsUnreachable("CSの応答を読み取れませんでした。")
    return answer
