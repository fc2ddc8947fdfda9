"""The one transport of 住民記録's links to the town's other systems (住基ネット CS,
戸籍附票システム, 団体内統合宛名システム): JSON over HTTP, one POST per record.

Three outcomes, kept apart because the senders treat them differently (標準仕様書 7.1.1.1):
an answer (``dict``), a refusal of the record by the other side (``LinkRejected``: the record
is wrong, sending it again changes nothing) and a transport failure (``LinkUnreachable``: the
other side is down or slow; the record is kept and sent again later). Each link names its
own subclasses, so a sender catches only its own peer's. Nothing personal goes into an
exception message or a log: only the other side's code and reason text.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings


class LinkError(Exception):
    pass


class LinkUnreachable(LinkError):
    """No answer (connection refused, timeout, 5xx, an answer that is not a JSON object)."""


class LinkRejected(LinkError):
    """The other side answered and refused the record (its code and reason, in Japanese)."""

    def __init__(self, code: str, reason: str) -> None:
        self.code = code
        self.reason = reason
        super().__init__(f"{code} {reason}".strip())


@dataclass(frozen=True)
class Peer:
    """One other system: its name in messages, its settings and its exception classes."""

    name: str
    url_setting: str
    timeout_setting: str
    refused: str  # the reason shown when a refusal carries none
    not_configured: type[LinkError]
    unreachable: type[LinkUnreachable]
    rejected: type[LinkRejected]

    def url(self) -> str:
        return str(getattr(settings, self.url_setting, "") or "").rstrip("/")


def link_post(
    peer: Peer, path: str, body: dict[str, Any], *, timeout: float | None = None
) -> dict[str, Any]:
    """POST ``body`` to ``peer`` at ``path``; the answer's JSON object."""
    base = peer.url()
    if not base.startswith(("http://", "https://")):
        raise peer.not_configured()
    request = urllib.request.Request(  # noqa: S310 - the configured URL (http/https only)
        f"{base}{path}",
        data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    if timeout is None:
        timeout = float(getattr(settings, peer.timeout_setting, 10))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            answer = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        if exc.code == 422:
            try:
                refusal = json.loads(exc.read().decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                refusal = {}
            raise peer.rejected(
                str(refusal.get("code", "E999"))[:10],
                str(refusal.get("reason", peer.refused))[:150],
            ) from None
        raise peer.unreachable(f"{peer.name}が応答しませんでした（HTTP {exc.code}）。") from None
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError):
        raise peer.unreachable(f"{peer.name}に接続できませんでした。") from None
    except ValueError:
        raise peer.unreachable(f"{peer.name}の応答を読み取れませんでした。") from None
    if not isinstance(answer, dict):
        raise peer.unreachable(f"{peer.name}の応答を読み取れませんでした。")
    return answer
