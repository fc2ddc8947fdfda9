"""Test data of 税務 for other apps' tests (the one zeimu module they may import besides
``zeimu.public``): an assessment row as the 当初賦課 would leave it, read back through
``zeimu.public``."""

from __future__ import annotations

from zeimu.models import Fuka, FukaKind, FukaStatus


def fuka_create(
    atena_id: int,
    fiscal_year: int,
    *,
    gokei_shotoku: int,
    status: str = FukaStatus.KAZEI,
    shotokuwari: int = 0,
    kintowari: int = 0,
    kyuyo_shotoku: int = 0,
    nenkin_shotoku: int = 0,
    sonota_shotoku: int = 0,
) -> Fuka:
    """One current assessment of ``fiscal_year`` for a person (所得 of the year before)."""
    return Fuka.objects.create(
        fiscal_year=fiscal_year,
        atena_id=atena_id,
        kind=FukaKind.TOSHO,
        status=status,
        is_current=True,
        gokei_shotoku=gokei_shotoku,
        shotokuwari_shichoson=shotokuwari * 6 // 10,
        shotokuwari_dofuken=shotokuwari - shotokuwari * 6 // 10,
        kintowari_shichoson=kintowari * 3 // 4,
        kintowari_dofuken=kintowari - kintowari * 3 // 4,
        detail={
            "result": {
                "kyuyo_shotoku_after_chosei": kyuyo_shotoku,
                "nenkin": {"shotoku": nenkin_shotoku},
                "sonota_shotoku": sonota_shotoku,
            }
        },
    )
