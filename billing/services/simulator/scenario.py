"""What the simulator is asked: a :class:`Scenario` (a town joins, members leave, a pool's
rule or amount changes, another minimum saving), read from the API's JSON with every
shape error collected in one :class:`ScenarioError`. No database, no arithmetic."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

# The joining town's id in the scenario inputs. Real ids are 6-digit 団体コード, so it
# never collides with a member and sorts after all of them.
JOINING_MEMBER_ID = "new"

# Members' statuses in a comparison.
MEMBER = "member"
JOINING = "joining"
LEAVING = "leaving"


class ScenarioError(ValueError):
    """The scenario (or the year's data) cannot be simulated; ``errors`` are
    ``(field, Japanese message)`` pairs, ``field`` as in the JSON/form ("" = general)."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = errors
        super().__init__(" ".join(message for _, message in errors))

    def by_field(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for name, message in self.errors:
            out.setdefault(name, []).append(message)
        return out


@dataclass(frozen=True)
class Joining:
    """A town that joins: its population (used as ``population`` and as every meter that
    counts people, e.g. ``population_registry``; other meters are 0), the 業務 it uses
    from ``go_live_month`` (1–12, within the 年度 April–March) and optionally its former
    cost (現行経費) for the guarantee. ``figures`` adds or overrides any other figure
    (e.g. an office-entered 職員数)."""

    name: str
    population: int
    modules: tuple[str, ...] = ()
    go_live_month: int = 4
    former_cost_yen: int | None = None
    figures: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class PoolChange:
    """A pool's rule replaced (codec JSON) and/or its amount changed; ``None`` keeps it."""

    pool: str
    rule: dict[str, Any] | None = None
    amount_yen: int | None = None


@dataclass(frozen=True)
class Scenario:
    """What if … Every part is optional and they combine.

    ``min_saving``: the guarantee's minimum saving in the scenario ("0.3"); ``None``
    keeps today's; ``no_guarantee`` drops the guarantee."""

    join: Joining | None = None
    leave: tuple[str, ...] = ()
    pools: tuple[PoolChange, ...] = ()
    min_saving: str | None = None
    no_guarantee: bool = False

    @property
    def is_empty(self) -> bool:
        return (
            self.join is None
            and not self.leave
            and not self.pools
            and self.min_saving is None
            and not self.no_guarantee
        )

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        if self.join is not None:
            data["join"]["modules"] = list(self.join.modules)
            data["join"]["figures"] = dict(self.join.figures)
        data["leave"] = list(self.leave)
        data["pools"] = [asdict(p) for p in self.pools]
        return data

    @classmethod
    def from_json(cls, data: Any) -> Scenario:
        """Build from the API's JSON; shape errors raise :class:`ScenarioError`.
        The values themselves are checked by :func:`simulate` against the year's data."""
        errors: list[tuple[str, str]] = []
        if not isinstance(data, dict):
            raise ScenarioError([("", "試算の条件はJSONオブジェクトで指定してください。")])
        join = None
        raw_join = data.get("join")
        if raw_join is not None:
            if not isinstance(raw_join, dict):
                errors.append(("join", "加入する団体はオブジェクトで指定してください。"))
            else:
                join = _joining_from_json(raw_join, errors)
        leave: list[str] = []
        raw_leave = data.get("leave", [])
        if isinstance(raw_leave, str):
            raw_leave = [raw_leave]
        if not isinstance(raw_leave, list) or not all(isinstance(c, str) for c in raw_leave):
            errors.append(("leave", "脱退する団体は団体コードの一覧で指定してください。"))
        else:
            leave = raw_leave
        pools: list[PoolChange] = []
        raw_pools = data.get("pools", [])
        if not isinstance(raw_pools, list):
            errors.append(("pools", "費用区分の変更は一覧で指定してください。"))
        else:
            for raw in raw_pools:
                change = _pool_change_from_json(raw, errors)
                if change is not None:
                    pools.append(change)
        min_saving = data.get("min_saving")
        if min_saving is not None and not isinstance(min_saving, (str, int)):
            errors.append(("min_saving", '最低削減率は文字列（例: "0.3"）で指定してください。'))
            min_saving = None
        no_guarantee = data.get("no_guarantee", False)
        if not isinstance(no_guarantee, bool):
            errors.append(("no_guarantee", "no_guarantee は true か false で指定してください。"))
            no_guarantee = False
        if errors:
            raise ScenarioError(errors)
        return cls(
            join=join,
            leave=tuple(leave),
            pools=tuple(pools),
            min_saving=None if min_saving is None else str(min_saving),
            no_guarantee=no_guarantee,
        )


def _whole(value: Any) -> int | None:
    """An int from JSON (int or digit string), else None. Refuses bool and float."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _joining_from_json(raw: dict[str, Any], errors: list[tuple[str, str]]) -> Joining | None:
    name = raw.get("name")
    population = _whole(raw.get("population"))
    month = _whole(raw.get("go_live_month", 4))
    modules = raw.get("modules", [])
    former = raw.get("former_cost_yen")
    figures = raw.get("figures", {})
    ok = True
    if not isinstance(name, str):
        errors.append(("join.name", "加入する団体の名称を指定してください。"))
        ok = False
    if population is None:
        errors.append(("join.population", "人口は整数で指定してください。"))
        ok = False
    if month is None:
        errors.append(("join.go_live_month", "稼働開始月は1〜12の整数で指定してください。"))
        ok = False
    if not isinstance(modules, list) or not all(isinstance(m, str) for m in modules):
        errors.append(("join.modules", "利用する業務は業務コードの一覧で指定してください。"))
        ok = False
    former_yen = None
    if former is not None:
        former_yen = _whole(former)
        if former_yen is None:
            errors.append(("join.former_cost_yen", "現行経費は円単位の整数で指定してください。"))
            ok = False
    clean_figures: dict[str, int] = {}
    if not isinstance(figures, dict):
        errors.append(("join.figures", "算定基礎の数値はオブジェクトで指定してください。"))
        ok = False
    else:
        for key, value in figures.items():
            number = _whole(value)
            if number is None or number < 0:
                errors.append(
                    ("join.figures", f"算定基礎「{key}」は0以上の整数で指定してください。")
                )
                ok = False
            else:
                clean_figures[str(key)] = number
    if not ok:
        return None
    assert isinstance(name, str) and population is not None and month is not None
    return Joining(
        name=name,
        population=population,
        modules=tuple(modules),
        go_live_month=month,
        former_cost_yen=former_yen,
        figures=clean_figures,
    )


def _pool_change_from_json(raw: Any, errors: list[tuple[str, str]]) -> PoolChange | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("pool"), str):
        errors.append(("pools", "費用区分の変更には費目（pool）を指定してください。"))
        return None
    rule = raw.get("rule")
    if rule is not None and not isinstance(rule, dict):
        errors.append(
            ("pools", f"「{raw['pool']}」の按分ルールはJSONオブジェクトで指定してください。")
        )
        return None
    amount = raw.get("amount_yen")
    amount_yen = None
    if amount is not None:
        amount_yen = _whole(amount)
        if amount_yen is None:
            errors.append(("pools", f"「{raw['pool']}」の金額は円単位の整数で指定してください。"))
            return None
    return PoolChange(pool=raw["pool"], rule=rule, amount_yen=amount_yen)
