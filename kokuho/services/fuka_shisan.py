"""国保税の試算: the rules over a hypothetical household typed in (a screen and the API),
with the town's 条例 rates of the 年度. Nothing is read from the registry and nothing is
saved; the answer carries every figure the rules return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from kokuho.rules.hokenzei import hokenzei_calculate
from kokuho.rules.hokenzei_inputs import HokenzeiInput, HokenzeiResult, Member, Shotoku
from kokuho.rules.hokenzei_params import parameters_for
from kokuho.services.fuka import jsonable
from tenants.params.services import ParameterMissing
from tenants.wareki import format_nendo


class ShisanRefused(Exception):
    """Well-formed input the rules refuse; ``errors`` are Japanese, for the clerk."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class ShisanMember:
    birth_date: date
    setainushi: bool = False
    insured: bool = True
    kyuyo: int = 0
    nenkin: int = 0
    sonota: int = 0
    shinkoku: bool = True
    shutoku_date: date | None = None
    soshitsu_date: date | None = None
    hijihatsu: bool = False
    shussan_date: date | None = None
    tatai: bool = False
    kyuyo_shotokusha: bool | None = None


def shisan(
    *, fiscal_year: int, members: list[ShisanMember], tokutei_setai: str = ""
) -> tuple[HokenzeiInput, HokenzeiResult]:
    errors: list[str] = []
    heads = [i for i, m in enumerate(members) if m.setainushi]
    if len(heads) != 1:
        errors.append("世帯主を1人だけ指定してください。")
    if not any(m.insured for m in members):
        errors.append("国保の被保険者を1人以上入力してください。")
    start, end = date(fiscal_year, 4, 1), date(fiscal_year + 1, 3, 31)
    for i, m in enumerate(members, start=1):
        for label, d in (("資格取得日", m.shutoku_date), ("資格喪失日", m.soshitsu_date)):
            # a 喪失日 of 4月1日 of the next year is the end of this one
            last = date(fiscal_year + 1, 4, 1) if label == "資格喪失日" else end
            if d is not None and not start <= d <= last:
                errors.append(f"{i}人目の{label}が{format_nendo(fiscal_year)}の中にありません。")
        if m.shutoku_date and m.soshitsu_date and m.soshitsu_date <= m.shutoku_date:
            errors.append(f"{i}人目の資格喪失日が資格取得日より前です。")
        if m.birth_date > end:
            errors.append(f"{i}人目の生年月日が年度の後です。")
    try:
        params = parameters_for(fiscal_year)
    except (ParameterMissing, LookupError, ValueError, TypeError):
        errors.append(
            f"{format_nendo(fiscal_year)}の国民健康保険税の税率（条例で定める値）が設定されていません。"
        )
    if errors:
        raise ShisanRefused(errors)
    inp = HokenzeiInput(
        fiscal_year=fiscal_year,
        members=tuple(
            Member(
                key=str(i),
                birth_date=m.birth_date,
                shotoku=Shotoku(
                    kyuyo=m.kyuyo,
                    nenkin=m.nenkin,
                    sonota=m.sonota,
                    shinkoku=m.shinkoku,
                ),
                insured=m.insured,
                shutoku_date=m.shutoku_date,
                soshitsu_date=m.soshitsu_date,
                hijihatsu_shitsugyo=m.hijihatsu,
                shussan_date=m.shussan_date,
                tatai=m.tatai,
                kyuyo_shotokusha=m.kyuyo_shotokusha
                if m.kyuyo_shotokusha is not None
                else (m.kyuyo > 0 or m.nenkin > 0),
            )
            for i, m in enumerate(members, start=1)
        ),
        setainushi=str(heads[0] + 1),
        tokutei_setai=tokutei_setai,  # type: ignore[arg-type]
    )
    return inp, hokenzei_calculate(inp, params)


def shisan_json(inp: HokenzeiInput, result: HokenzeiResult) -> dict[str, Any]:
    return {"input": jsonable(inp), "result": jsonable(result)}
