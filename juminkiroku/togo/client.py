"""The transport to the 団体内統合宛名システム: JSON over HTTP, one request per record.

The same three outcomes as the CS link (juminkiroku.cs.client), kept apart because the
sender treats them differently: an answer, a refusal of the record (``TogoRejected``:
sending it again changes nothing until someone corrects it) and a transport failure
(``TogoUnreachable``: kept and sent again later with backoff). Nothing personal goes into
an exception message or a log: only the system's own code and reason text.
"""

from __future__ import annotations

from typing import Any

from juminkiroku.linkhttp import LinkError, LinkRejected, LinkUnreachable, Peer, link_post


class TogoError(LinkError):
    pass


class TogoNotConfigured(TogoError):
    def __init__(
        self, message: str = "団体内統合宛名システムの接続先が設定されていません。"
    ) -> None:
        super().__init__(message)


class TogoUnreachable(TogoError, LinkUnreachable):
    """The 団体内統合宛名システム did not answer (connection refused, timeout, 5xx)."""


class TogoRejected(TogoError, LinkRejected):
    """The 統合宛名 system answered and refused the record (its code and reason)."""


PEER = Peer(
    name="団体内統合宛名システム",
    url_setting="JC_TOGO_URL",
    timeout_setting="JC_TOGO_TIMEOUT_SECONDS",
    refused="統合宛名システムが受け付けませんでした。",
    not_configured=TogoNotConfigured,
    unreachable=TogoUnreachable,
    rejected=TogoRejected,
)


def togo_url() -> str:
    return PEER.url()


def togo_call(path: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST ``body`` to the 統合宛名 system at ``path``; the answer's JSON object."""
    return link_post(PEER, path, body)
