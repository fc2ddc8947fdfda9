"""分離課税の譲渡所得 (land and buildings) as kokuho reads it from zeimu.public: the 国保税
所得割 and the 高額療養費 所得区分 take it after its 特別控除, the 国保税 軽減判定 before it
(``kokuho.rules.hokenzei_inputs.Shotoku.hantei_chosei``: the 判定 uses the figures before
the 譲渡所得の特別控除), and the 基礎控除 tier the 合計所得金額."""

from __future__ import annotations

from datetime import date

from kokuho.selectors.fuka import _shotoku
from kokuho.selectors.kyufu import _income
from zeimu import public as zp


def _kazei(joto: int, kojo: int) -> zp.PersonKazei:
    return zp.PersonKazei(
        atena_id=1,
        fiscal_year=2025,
        jokyo=zp.KazeiJokyo.KAZEI,
        shotoku=zp.Shotoku(
            kyuyo_shotoku=1_000_000,
            nenkin_shotoku=0,
            sonota_shotoku=200_000,
            gokei_shotoku=1_200_000 + joto,
            joto_shotoku=joto,
            joto_tokubetsu_kojo=kojo,
        ),
        shotokuwari=0,
        kintowari=0,
    )


def test_hokenzei_takes_the_joto_after_its_kojo_and_the_hantei_before():
    # a 長期譲渡 of 35,000,000 with the 居住用 30,000,000 控除: 5,000,000 in the 所得割 base,
    # 35,000,000 in the 軽減判定, the 合計所得金額 36,200,000 for the 基礎控除 tier
    s = _shotoku(_kazei(35_000_000, 30_000_000), date(1970, 1, 1), 2025, 16)
    assert (s.kyuyo, s.sonota, s.hantei_chosei, s.gokei_shotoku) == (
        1_000_000,
        200_000 + 5_000_000,
        30_000_000,
        36_200_000,
    )
    assert s.sogaku == 6_200_000
    # without a sale nothing changes
    s = _shotoku(_kazei(0, 0), date(1970, 1, 1), 2025, 16)
    assert (s.sonota, s.hantei_chosei, s.gokei_shotoku) == (200_000, 0, 1_200_000)


def test_kyufu_kubun_takes_the_joto_after_its_kojo():
    income = _income(_kazei(35_000_000, 30_000_000))
    assert income is not None
    assert (income.sonota, income.gokei, income.sogaku) == (5_200_000, 36_200_000, 6_200_000)
