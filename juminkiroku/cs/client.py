"""The transport to the CS: JSON over HTTP, one request per 電文.

Three outcomes, kept apart because the sender treats them differently (標準仕様書 7.1.1.1):
an answer (``dict``), a refusal of the record by the CS (``CsRejected``: the record is
wrong, sending it again changes nothing), and a transport failure (``CsUnreachable``: the
CS is down or slow; the record is kept and sent again later). Nothing personal goes into
an exception message or a log: only the CS's own error code and reason text.
"""

from __future__ import annotations

from typing import Any

from juminkiroku.linkhttp import LinkError, LinkRejected, LinkUnreachable, Peer, link_post


class CsError(LinkError):
    pass


class CsNotConfigured(CsError):
    def __init__(self, message: str = "CSの接続先が設定されていません。") -> None:
        super().__init__(message)


class CsUnreachable(CsError, LinkUnreachable):
    """The CS did not answer (connection refused, timeout, 5xx)."""


class CsRejected(CsError, LinkRejected):
    """The CS answered and refused the record (its code and reason, in Japanese)."""


PEER = Peer(
    name="CS",
    url_setting="JC_CS_URL",
    timeout_setting="JC_CS_TIMEOUT_SECONDS",
    refused="CSが電文を受け付けませんでした。",
    not_configured=CsNotConfigured,
    unreachable=CsUnreachable,
    rejected=CsRejected,
)


def cs_url() -> str:
    return PEER.url()


def cs_call(path: str, body: dict[str, Any], *, timeout: float | None = None) -> dict[str, Any]:
    """POST ``body`` to the CS at ``path``; the answer's JSON object."""
    return link_post(PEER, path, body, timeout=timeout)
