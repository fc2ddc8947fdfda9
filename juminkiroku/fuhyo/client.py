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

from typing import Any

from juminkiroku.linkhttp import LinkError, LinkRejected, LinkUnreachable, Peer, link_post


class FuhyoError(LinkError):
    pass


class FuhyoNotConfigured(FuhyoError):
    def __init__(self, message: str = "戸籍附票システムの接続先が設定されていません。") -> None:
        super().__init__(message)


class FuhyoUnreachable(FuhyoError, LinkUnreachable):
    """The 戸籍附票システム did not answer (connection refused, timeout, 5xx)."""


class FuhyoRejected(FuhyoError, LinkRejected):
    """The 戸籍附票システム answered and refused the record (its code and reason, in Japanese)."""


PEER = Peer(
    name="戸籍附票システム",
    url_setting="JC_FUHYO_URL",
    timeout_setting="JC_FUHYO_TIMEOUT_SECONDS",
    refused="戸籍附票システムが受け付けませんでした。",
    not_configured=FuhyoNotConfigured,
    unreachable=FuhyoUnreachable,
    rejected=FuhyoRejected,
)


def fuhyo_url() -> str:
    return PEER.url()


def fuhyo_call(path: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST ``body`` to the 附票システム at ``path``; the answer's JSON object."""
    return link_post(PEER, path, body)
