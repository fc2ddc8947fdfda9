"""児童扶養手当の試算: the rules over figures typed in (a screen and the API), with the law
values of the month's 年度. Nothing is read from the registry and nothing is saved."""

from __future__ import annotations

from typing import Any

from fukushi.rules.fuyoteate import (
    FuyoGimusha,
    FuyoteateInput,
    FuyoteateMiteigi,
    FuyoteateResult,
    Jukyusha,
    ShotokuKojo,
    fuyoteate_calculate,
)
from tenants.params.services import param_value
from tenants.wareki import format_nendo

__all__ = ["ShisanRefused", "fuyoteate_shisan", "shisan_json"]

_KOJO_FIELDS = (
    "shogaisha",
    "tokubetsu_shogaisha",
    "kinro_gakusei",
    "kafu",
    "hitorioya",
    "zasson",
    "iryohi",
    "shokibo_kyosai",
    "haigusha_tokubetsu",
)


class ShisanRefused(Exception):
    """Well-formed input the rules refuse; ``errors`` are Japanese, for the clerk."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def _kojo(data: dict[str, Any]) -> ShotokuKojo:
    return ShotokuKojo(**{k: data[k] for k in _KOJO_FIELDS if k in data})


def fuyoteate_shisan(data: dict[str, Any]) -> FuyoteateResult:
    """``data``: the API serializer's validated data (the screen builds the same shape)."""
    j = data["jukyusha"]
    jukyusha = Jukyusha(
        kyuyo_shotoku=j.get("kyuyo_shotoku", 0),
        nenkin_shotoku=j.get("nenkin_shotoku", 0),
        sonota_shotoku=j.get("sonota_shotoku", 0),
        yoikuhi=j.get("yoikuhi", 0),
        fuyo_shinzoku=j.get("fuyo_shinzoku", 0),
        rojin=j.get("rojin", 0),
        tokutei=j.get("tokutei", 0),
        fubo=j.get("fubo", True),
        kojo=_kojo(j),
    )
    gimusha = tuple(
        FuyoGimusha(
            kyuyo_shotoku=g.get("kyuyo_shotoku", 0),
            nenkin_shotoku=g.get("nenkin_shotoku", 0),
            sonota_shotoku=g.get("sonota_shotoku", 0),
            fuyo_shinzoku=g.get("fuyo_shinzoku", 0),
            rojin=g.get("rojin", 0),
            kojo=_kojo(g),
        )
        for g in data.get("fuyo_gimusha", [])
    )
    errors = []
    if jukyusha.rojin + jukyusha.tokutei > jukyusha.fuyo_shinzoku:
        errors.append("老人扶養親族と特定扶養親族の数の合計が扶養親族等の数を超えています。")
    for i, g in enumerate(gimusha, start=1):
        if g.rojin > g.fuyo_shinzoku:
            errors.append(f"扶養義務者等{i}の老人扶養親族の数が扶養親族等の数を超えています。")
    if errors:
        raise ShisanRefused(errors)
    inp = FuyoteateInput(
        year=data["year"],
        month=data["month"],
        jido_su=data["jido_su"],
        jukyusha=jukyusha,
        fuyo_gimusha=gimusha,
        ichibu_teishi=bool(data.get("ichibu_teishi", False)),
        nenkin_getsugaku=int(data.get("nenkin_getsugaku", 0) or 0),
    )
    try:
        return fuyoteate_calculate(inp, param_value)
    except FuyoteateMiteigi as exc:
        raise ShisanRefused([str(exc)]) from exc


def shisan_json(r: FuyoteateResult) -> dict[str, Any]:
    return {
        "nendo": r.nendo,
        "nendo_label": format_nendo(r.nendo),
        "shotoku_nendo": r.shotoku_nendo,
        "shotokugaku": r.shotokugaku,
        "shotoku_lines": [{"label": ln.label, "amount": ln.amount} for ln in r.shotoku_lines],
        "zenbu_gendo": r.zenbu_gendo,
        "ichibu_gendo": r.ichibu_gendo,
        "fuyo_gimusha": [{"shotokugaku": s, "gendo": g} for s, g in r.gimusha],
        "hantei": r.hantei.value,
        "hantei_label": r.hantei.label,
        "hontai": r.hontai,
        "kasan": list(r.kasan),
        "getsugaku": r.getsugaku,
        "teishi_gaku": r.teishi_gaku,
        "heikyu_gaku": r.heikyu_gaku,
        "lines": list(r.lines),
        "unconfirmed": list(r.unconfirmed),
    }
