"""Test data of 税務 for other apps' tests (they may import ``zeimu.tests.factories``, never
``zeimu.models``): a current 個人住民税 assessment carrying a person's 所得, as the 当初賦課
job writes it and ``zeimu.public`` reads it."""

from __future__ import annotations

from zeimu.models import Fuka, FukaKind, FukaStatus

__all__ = ["fuka_with_shotoku"]


def fuka_with_shotoku(
    atena_id: int,
    fiscal_year: int,
    *,
    kyuyo: int = 0,
    nenkin: int = 0,
    sonota: int = 0,
    status: str = FukaStatus.KAZEI,
    shotokuwari: int = 0,
    kintowari: int = 0,
) -> Fuka:
    """The person's current assessment of ``fiscal_year`` with these 所得 (給与所得 after
    所得金額調整控除, 公的年金等に係る雑所得, その他); 合計所得金額 is their sum.
    ``status="mishinkoku"`` makes a 未申告 row."""
    return Fuka.objects.create(
        fiscal_year=fiscal_year,
        atena_id=atena_id,
        kind=FukaKind.TOSHO,
        status=status,
        is_current=True,
        gokei_shotoku=kyuyo + nenkin + sonota,
        shotokuwari_shichoson=shotokuwari * 6 // 10,
        shotokuwari_dofuken=shotokuwari - shotokuwari * 6 // 10,
        kintowari_shichoson=kintowari * 3 // 4,
        kintowari_dofuken=kintowari - kintowari * 3 // 4,
        detail={
            "result": {
                "kyuyo_shotoku_after_chosei": kyuyo,
                "nenkin": {"shotoku": nenkin},
                "sonota_shotoku": sonota,
            }
        },
    )
