"""Who certifies a certificate and with which seal (標準仕様書 1.3.7, 1.3.9, 5.6).

``certifier_for(day, …)`` picks the 認証者 registered for the issue date (switching to a
職務代理者 by itself during the deputy's period), falls back to the town's parameter
``juminkiroku.ninshosha`` or the mayor recorded on the municipality while the master is
empty, prefixes the prefecture to the 職名, and adds the 電子公印 of the chosen kind, or
「公印省略」 when the clerk leaves the seal out. Used by every certificate of the module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from juminkiroku.codes import KoinKind, NinshoshaKubun
from juminkiroku.selectors.koin import koin_for, ninshosha_for
from tenants.params.services import ParameterMissing, param_value
from tenants.selectors.current import current_municipality
from tenants.wareki import fiscal_year_of

NINSHOSHA_KEY = "juminkiroku.ninshosha"
KOIN_SHORYAKU = "公印省略"


class NinshoError(Exception):
    """No certifier or seal for the day; the message is for the clerk."""


@dataclass(frozen=True)
class Certifier:
    """Who certifies and with which seal (1.3.7, 1.3.9, 5.6)."""

    shokumei: str
    shimei: str
    koin_id: int | None
    koin_png: bytes
    mongon: str

    @property
    def label(self) -> str:
        return f"{self.shokumei}　{self.shimei}"


def certifier_for(
    day: date, *, ninshosha_kubun: str = "", koin: bool = True, koin_kind: str = ""
) -> Certifier:
    """The 認証者 and 公印 printed on a certificate issued on ``day``. ``ninshosha_kubun``
    "" switches automatically to a 職務代理者 registered for the day (1.3.9); the seal
    defaults to the certifier's own (市区町村長印 / 職務代理者印); ``koin=False`` prints
    「公印省略」 instead (5.6). The 職名 starts with the prefecture's name (5.6)."""
    if ninshosha_kubun and ninshosha_kubun not in NinshoshaKubun.values:
        raise NinshoError("認証者の区分が正しくありません。")
    if koin_kind and koin_kind not in KoinKind.values:
        raise NinshoError("公印の種類が正しくありません。")
    found = ninshosha_for(day, ninshosha_kubun or None)
    if found is None:
        if ninshosha_kubun == NinshoshaKubun.DAIRI:
            raise NinshoError("この日に有効な職務代理者が登録されていません。")
        kubun: str = NinshoshaKubun.CHOCHO
        shokumei, shimei = ninshosha()
    else:
        kubun, shokumei, shimei = found.kubun, found.shokumei, found.shimei
    prefecture = current_municipality().prefecture
    if prefecture and not shokumei.startswith(prefecture):
        shokumei = prefecture + shokumei
    if not koin:
        return Certifier(shokumei, shimei, None, b"", KOIN_SHORYAKU)
    kind = koin_kind or (KoinKind.DAIRI if kubun == NinshoshaKubun.DAIRI else KoinKind.CHOCHO)
    seal = koin_for(day, kind)
    if seal is None:
        raise NinshoError(
            f"この日に使える公印（{KoinKind(kind).label}）が登録されていません。"
            "「公印・認証者」で登録するか、公印を省略して発行してください。"
        )
    return Certifier(shokumei, shimei, seal.koin_id, seal.png, seal.mongon)


def ninshosha() -> tuple[str, str]:
    """(職名, 氏名) of the certifier: the municipality's parameter ``juminkiroku.ninshosha``
    (a name, or {"shokumei": ..., "shimei": ...} for e.g. a 職務代理者), else the mayor
    recorded on the municipality; refused when neither is set."""
    town = current_municipality()
    default_title = f"{town.name}長"
    today = timezone.localdate()
    try:
        value: Any = param_value(NINSHOSHA_KEY, fiscal_year_of(today))
    except ParameterMissing:
        value = None
    if isinstance(value, dict) and str(value.get("shimei", "")).strip():
        title = str(value.get("shokumei") or default_title).strip()
        return title, str(value["shimei"]).strip()
    if isinstance(value, str) and value.strip():
        return default_title, value.strip()
    if town.mayor_name.strip():
        return default_title, town.mayor_name.strip()
    raise NinshoError(
        "認証者（首長の職氏名）が設定されていません。"
        f"団体別パラメータ「{NINSHOSHA_KEY}」に町長の氏名を登録してください。"
    )
