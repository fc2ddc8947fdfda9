"""The transport to the 団体内統合宛名システム: JSON over HTTP, one request per record.

The same three outcomes as the CS link (juminkiroku.cs.client), kept apart because the
sender treats them differently: an answer, a refusal of the record (``TogoRejected``:
sending it again changes nothing until someone corrects it) and a transport failure
(``TogoUnreachable``: kept and sent again later with backoff). Nothing personal goes into
an exception message or a log: only the system's own code and reason text.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings


class TogoError(Exception):
    pass


class TogoNotConfigured(TogoError):
    def __init__(self) -> None:
        super().__init__("団体内統合宛名システムの接続先が設定されていません。")


class TogoUnreachable(TogoError):
    """No answer (connection refused, timeout, 5xx)."""


class TogoRejected(TogoError):
    def __init__(self, code: str, reason: str) -> None:
        self.code = code
        self.reason = reason
        super().__init__(f"{code} {reason}".strip())


def togo_url() -> str:
    return str(getattr(settings, "JC_TOGO_URL", "") or "").rstrip("/")


def togo_call(path: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST ``body`` to the 統合宛名 system at ``path``; the answer's JSON object."""
    base = togo_url()
    if not base.startswith(("http://", "https://")):
        raise TogoNotConfigured()
    request = urllib.request.Request(  # noqa: S310 - the configured URL (http/https only)
        f"{base}{path}",
        data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    timeout = float(getattr(settings, "JC_TOGO_TIMEOUT_SECONDS", 10))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            answer = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        if exc.code == 422:
            try:
                refusal = json.loads(exc.read().decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                refusal = {}
            raise TogoRejected(
                str(refusal.get("code", "E999"))[:10],
                str(refusal.get("reason", "統合宛名システムが受け付けませんでした。"))[:150],
            ) from None
        raise TogoUnreachable(
            f"団体内統合宛名システムが応答しませんでした（HTTP {exc.code}）。"
        ) from None
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError):
        raise TogoUnreachable("団体内統合宛名システムに接続できませんでした。") from None
    except ValueError:
        raise TogoUnreachable("団体内統合宛名システムの応答を読み取れませんでした。") from None
    if not isinstance(answer, dict):
        raise TogoUnreachable("団体内統合宛名システムの応答を読み取れませんでした。")
    return answer
