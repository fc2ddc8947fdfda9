from __future__ import annotations

from juminkiroku.models import KengenGrant


def has_kengen(user_id: int | None, kengen: str) -> bool:
    if user_id is None:
        return False
    return KengenGrant.objects.filter(user_id=user_id, kengen=kengen).exists()


def kengen_of(user_id: int | None) -> set[str]:
    if user_id is None:
        return set()
    return set(KengenGrant.objects.filter(user_id=user_id).values_list("kengen", flat=True))
