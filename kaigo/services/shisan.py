"""介護保険の試算 (issue 16 item 6): one person's 第1号保険料 (段階, 年額, 月割) and 負担割合 from
figures typed in, with the town's 条例 values of the 年度 and the law's thresholds — the same
rules the 賦課 and the 負担割合 判定 use (``kaigo.rules``). Nothing is read from the registry or
the tax records and nothing is saved; the answer carries every figure the rules return.

The 年度 is the 保険料's (4月〜3月) and the 負担割合's (8月〜7月) alike: both are judged on the
所得 of the year before it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from kaigo.rules.hokenryo import HokenryoInput, HokenryoResult, Nenkin, Shotoku, hokenryo_calculate
from kaigo.rules.hokenryo_futan import FutanInput, FutanMember, FutanResult, futan_wariai_hantei
from kaigo.rules.hokenryo_params import parameters_for
from kaigo.services.futan import futan_params
from tenants.params.services import ParameterMissing
from tenants.wareki import format_nendo

#: the most 第1号被保険者 besides 本人 a household may be typed with
MAX_MEMBERS = 9


class ShisanRefused(Exception):
    """Well-formed input the rules refuse; ``errors`` are Japanese, for the clerk."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class ShisanShotoku:
    """The 前年's 所得 of one person, as typed."""

    gokei_shotoku: int = 0
    joto_tokubetsu_kojo: int = 0
    nenkin_shotoku: int = 0
    kyuyo_shotoku: int = 0
    #: 課税年金収入額 (老齢年金の収入; 障害・遺族年金は含めない)
    kazei_nenkin_shunyu: int = 0

    def rules(self) -> Shotoku:
        return Shotoku(
            gokei_shotoku=self.gokei_shotoku,
            joto_tokubetsu_kojo=self.joto_tokubetsu_kojo,
            nenkin_shotoku=self.nenkin_shotoku,
            kyuyo_shotoku=self.kyuyo_shotoku,
            nenkin=(Nenkin("rorei", self.kazei_nenkin_shunyu),) if self.kazei_nenkin_shunyu else (),
        )


@dataclass(frozen=True)
class ShisanInput:
    fiscal_year: int
    shotoku: ShisanShotoku
    honnin_kazei: bool
    setai_kazei: bool
    dai1go: bool = True
    seikatsu_hogo: bool = False
    rorei_fukushi_nenkin: bool = False
    shutoku_date: date | None = None
    soshitsu_date: date | None = None
    #: the other 第1号被保険者 of the household
    setai_dai1go: tuple[ShisanShotoku, ...] = ()


@dataclass(frozen=True)
class ShisanResult:
    #: None for a 第2号被保険者 (their premium is collected with the 医療保険)
    hokenryo: HokenryoResult | None
    futan: FutanResult


def shisan(inp: ShisanInput) -> ShisanResult:
    errors: list[str] = []
    fy = inp.fiscal_year
    if inp.honnin_kazei and not inp.setai_kazei:
        errors.append("本人が課税のときは世帯も課税です。")
    if inp.shotoku.joto_tokubetsu_kojo > inp.shotoku.gokei_shotoku:
        errors.append("譲渡所得の特別控除額が合計所得金額を超えています。")
    if inp.shotoku.nenkin_shotoku + inp.shotoku.kyuyo_shotoku > inp.shotoku.gokei_shotoku:
        errors.append("年金所得と給与所得の合計が合計所得金額を超えています。")
    first, last = date(fy, 4, 1), date(fy + 1, 3, 31)
    if inp.shutoku_date and not first <= inp.shutoku_date <= last:
        errors.append(f"資格取得日が{format_nendo(fy)}の中にありません。")
    if inp.soshitsu_date and not first < inp.soshitsu_date <= date(fy + 1, 4, 1):
        errors.append(f"資格喪失日が{format_nendo(fy)}の中にありません。")
    if inp.shutoku_date and inp.soshitsu_date and inp.soshitsu_date <= inp.shutoku_date:
        errors.append("資格喪失日が資格取得日より前です。")
    if len(inp.setai_dai1go) > MAX_MEMBERS:
        errors.append(f"世帯の第1号被保険者は{MAX_MEMBERS}人までです。")
    hparams = None
    if inp.dai1go:
        try:
            hparams = parameters_for(fy)
        except (ParameterMissing, LookupError, ValueError, TypeError):
            errors.append(
                f"{format_nendo(fy)}の介護保険料の基準額（条例で定める値）が設定されていません。"
            )
    try:
        fparams = futan_params(fy)
    except (ParameterMissing, LookupError, ValueError, TypeError):
        errors.append(f"{format_nendo(fy)}の負担割合の基準（法令の値）がありません。")
    if errors:
        raise ShisanRefused(errors)
    hokenryo = None
    if hparams is not None:
        hokenryo = hokenryo_calculate(
            HokenryoInput(
                fiscal_year=fy,
                shotoku=inp.shotoku.rules(),
                honnin_kazei=inp.honnin_kazei,
                setai_kazei=inp.setai_kazei,
                seikatsu_hogo=inp.seikatsu_hogo,
                rorei_fukushi_nenkin=inp.rorei_fukushi_nenkin,
                shutoku_date=inp.shutoku_date,
                soshitsu_date=inp.soshitsu_date,
            ),
            hparams,
        )
    futan = futan_wariai_hantei(
        FutanInput(
            fiscal_year=fy,
            shotoku=inp.shotoku.rules(),
            honnin_kazei=inp.honnin_kazei,
            dai1go=inp.dai1go,
            seikatsu_hogo=inp.seikatsu_hogo,
            setai_dai1go=tuple(FutanMember(shotoku=m.rules()) for m in inp.setai_dai1go),
        ),
        fparams,
    )
    return ShisanResult(hokenryo=hokenryo, futan=futan)


def jsonable(value: Any) -> Any:
    """Frozen dataclasses as JSON values (Fraction → "a/b", date → ISO)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if isinstance(value, HokenryoResult):
            out["dankai"] = value.dankai
        return out
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, date):
        return value.isoformat()
    return value


def shisan_json(inp: ShisanInput, result: ShisanResult) -> dict[str, Any]:
    return {"input": jsonable(inp), "result": jsonable(result)}
