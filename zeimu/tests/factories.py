"""個人住民税 test data for other modules' tests (they may import ``zeimu.tests.factories``,
never zeimu's models): an assessment row as the 当初賦課 would leave it, with the 所得 that
``zeimu.public`` reads, and its 更正 (a new current row, the old one superseded)."""

from __future__ import annotations

from zeimu.models import Fuka, FukaKind, FukaStatus


def kazei(
    atena_id: int,
    fiscal_year: int,
    *,
    kyuyo: int = 0,
    nenkin: int = 0,
    sonota: int = 0,
    status: str = FukaStatus.KAZEI,
    shotokuwari: int = 0,
    kintowari: int = 5_000,
    kind: str = FukaKind.TOSHO,
) -> Fuka:
    """The current assessment of ``atena_id`` for ``fiscal_year`` with these 所得 (of the
    year before); 合計所得金額 is their sum."""
    return Fuka.objects.create(
        fiscal_year=fiscal_year,
        atena_id=atena_id,
        kind=kind,
        status=status,
        is_current=True,
        gokei_shotoku=kyuyo + nenkin + sonota,
        shotokuwari_shichoson=shotokuwari * 6 // 10,
        shotokuwari_dofuken=shotokuwari - shotokuwari * 6 // 10,
        kintowari_shichoson=kintowari * 3 // 5 if status == FukaStatus.KAZEI else 0,
        kintowari_dofuken=kintowari - kintowari * 3 // 5 if status == FukaStatus.KAZEI else 0,
        detail={
            "result": {
                "kyuyo_shotoku_after_chosei": kyuyo,
                "nenkin": {"shotoku": nenkin},
                "sonota_shotoku": sonota,
            }
        },
    )


def mishinkoku(atena_id: int, fiscal_year: int) -> Fuka:
    return kazei(atena_id, fiscal_year, status=FukaStatus.MISHINKOKU, kintowari=0)


def kazei_kosei(atena_id: int, fiscal_year: int, **kw: int | str) -> Fuka:
    """A 所得 更正 (or a late 申告): the current row superseded by a new one."""
    old = Fuka.objects.get(atena_id=atena_id, fiscal_year=fiscal_year, is_current=True)
    old.is_current = False
    old.save(update_fields=["is_current"])
    new = kazei(atena_id, fiscal_year, kind=FukaKind.KOSEI, **kw)  # type: ignore[arg-type]
    old.superseded_by = new
    old.save(update_fields=["superseded_by"])
    return new
