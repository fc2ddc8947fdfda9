"""Test data of 税務 that other apps' tests may use (the contracts let a test import
``<app>.tests.factories``, never ``zeimu.models``).

``kazei_set`` writes one current 個人住民税 assessment row for a person and year, shaped
as the 当初賦課 stores it, so ``zeimu.public`` answers with those figures. It is a test
fixture, not a calculation: the caller states the figures.
"""

from __future__ import annotations

from zeimu.models import Fuka, FukaKind, FukaStatus


def kazei_set(
    atena_id: int,
    fiscal_year: int,
    *,
    status: str = "kazei",
    kyuyo: int = 0,
    nenkin: int = 0,
    sonota: int = 0,
    kazei_shotoku: int = 0,
    nenkin_shunyu: int = 0,
    shotokuwari: int = 0,
    kintowari: int = 0,
) -> Fuka:
    """``status``: "kazei" (課税), "hikazei" (非課税) or "mishinkoku" (未申告)."""
    stored = FukaStatus(status)
    if status == "kazei" and not shotokuwari and not kintowari:
        shotokuwari, kintowari = 10_000, 5_000
    Fuka.objects.filter(atena_id=atena_id, fiscal_year=fiscal_year, is_current=True).update(
        is_current=False
    )
    return Fuka.objects.create(
        fiscal_year=fiscal_year,
        atena_id=atena_id,
        kind=FukaKind.TOSHO,
        status=stored,
        is_current=True,
        gokei_shotoku=kyuyo + nenkin + sonota,
        shotokuwari_shichoson=shotokuwari * 6 // 10,
        shotokuwari_dofuken=shotokuwari - shotokuwari * 6 // 10,
        kintowari_shichoson=kintowari * 3 // 4,
        kintowari_dofuken=kintowari - kintowari * 3 // 4,
        detail={
            "result": {
                "kyuyo_shotoku_after_chosei": kyuyo,
                "nenkin": {"shotoku": nenkin, "shunyu": nenkin_shunyu},
                "sonota_shotoku": sonota,
                "kazei_shotoku": kazei_shotoku,
            }
        },
    )
