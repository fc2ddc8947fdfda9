"""Which 異動 a user or a system may see.

One rule (written once, here): a 本登録 and everything after it is visible to everyone
who has the module; a 仮登録 only to the clerk who entered it and to reviewers (Kengen
``ido_approve``). An API client is a system, never a reviewer: it sees the 仮登録 it
entered itself, recorded as ``entered_by = "api:<client name>"``. To everyone else a
仮登録 does not exist (the screens and the API answer 404).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from juminkiroku.codes import IdoStatus
from juminkiroku.grants import Kengen
from juminkiroku.models import Ido
from tenants.grants.selectors import has_grant


def api_entered_by(client_name: str) -> str:
    """How a 異動 entered through the API records its author."""
    return f"api:{client_name}"


def idos_visible_to(*, user_id: int | None, api_client_name: str | None = None) -> QuerySet[Ido]:
    """The 異動 a staff user (``user_id``) or an API client (``api_client_name``) may see."""
    qs = Ido.objects.all()
    decided = ~Q(status=IdoStatus.KARI)
    if api_client_name is not None:
        return qs.filter(decided | Q(entered_by=api_entered_by(api_client_name)))
    if user_id is None:
        return qs.filter(decided)
    if has_grant(user_id, Kengen.IDO_APPROVE):
        return qs
    return qs.filter(decided | Q(entered_by_id=user_id))
