"""国民年金保険料の免除・納付猶予・学生納付特例: the 所得基準 (pure functions; the numbers
per 年度 in ``kokuho/params/kokumin_nenkin.yaml`` with their sources).

Who is judged (国民年金法第90条第1項, 第90条の2, 第90条の3; 平成26年法律第64号附則第14条):

- 免除（全額・4分の3・半額・4分の1）: 本人, 配偶者 and 世帯主, each under the 基準 of
  the level;
- 納付猶予 (50歳未満): 本人 and 配偶者, under the 全額免除 基準;
- 学生納付特例: 本人 only.

The 基準 (前年所得):

- 全額免除・納付猶予: (扶養親族等の数 + 1) × 35万円 + 32万円;
- 4分の3 / 半額 / 4分の1 免除: 88万 / 128万 / 168万円 + 扶養親族等控除額 + 社会保険料控除額等;
- 学生納付特例: 128万円 + 扶養親族等控除額 + 社会保険料控除額等.

The 所得 compared is the 合計所得金額 of the year before the 年度 as 税務 assessed it
(``zeimu.public``). The 日本年金機構 decides; this is the town's 所得審査 sent with the
申請 (the clerk sees each figure).
"""

from __future__ import annotations

from dataclasses import dataclass

from tenants.params.services import param_value

#: the 免除 levels from the largest, the first one every judged person passes wins
LEVELS = ("zengaku", "sanbun_yon", "hangaku", "yonbun_ichi")
ROLES = ("honnin", "haigusha", "setainushi")
ROLE_LABELS = {"honnin": "本人", "haigusha": "配偶者", "setainushi": "世帯主"}


class NoParameters(ValueError):
    """No 所得基準 for the 年度 (before 令和3年度: not kept)."""


@dataclass(frozen=True)
class MenjoParameters:
    zengaku_kiso: int
    zengaku_hitori: int
    ichibu_kiso: dict[str, int]
    fuyo_kojo: dict[str, int]
    yuyo_nenrei_miman: int | None

    @classmethod
    def for_nendo(cls, nendo: int) -> MenjoParameters:
        try:
            kiso = param_value("nenkin.menjo.ichibu_kiso", nendo)
            fuyo = param_value("nenkin.menjo.fuyo_kojo", nendo)
            zk = int(param_value("nenkin.menjo.zengaku_kiso", nendo))
            zh = int(param_value("nenkin.menjo.zengaku_hitori", nendo))
        except LookupError as exc:
            raise NoParameters(f"{nendo}年度の所得基準がありません。") from exc
        try:
            yuyo: int | None = int(param_value("nenkin.nofu_yuyo.nenrei_miman", nendo))
        except LookupError:
            yuyo = None  # 納付猶予 ended (令和12年6月まで)
        return cls(
            zengaku_kiso=zk,
            zengaku_hitori=zh,
            ichibu_kiso={k: int(v) for k, v in kiso.items()},
            fuyo_kojo={k: int(v) for k, v in fuyo.items()},
            yuyo_nenrei_miman=yuyo,
        )


@dataclass(frozen=True)
class Person:
    """One judged person: their 所得 (None: not known — 未申告 or no assessment) and the
    扶養親族等 and 控除 they declare."""

    role: str
    shotoku: int | None
    fuyo_ippan: int = 0
    fuyo_rojin: int = 0
    fuyo_tokutei: int = 0
    shakai_hoken_kojo: int = 0

    @property
    def fuyo_su(self) -> int:
        return self.fuyo_ippan + self.fuyo_rojin + self.fuyo_tokutei


def zengaku_kijun(p: Person, params: MenjoParameters) -> int:
    """全額免除・納付猶予の基準: (扶養親族等の数 + 1) × 35万 + 32万."""
    return (p.fuyo_su + 1) * params.zengaku_hitori + params.zengaku_kiso


def fuyo_kojo_gaku(p: Person, params: MenjoParameters) -> int:
    f = params.fuyo_kojo
    return p.fuyo_ippan * f["ippan"] + p.fuyo_rojin * f["rojin"] + p.fuyo_tokutei * f["tokutei"]


def ichibu_kijun(level: str, p: Person, params: MenjoParameters) -> int:
    """4分の3 / 半額 / 4分の1 免除, 学生納付特例の基準."""
    return params.ichibu_kiso[level] + fuyo_kojo_gaku(p, params) + p.shakai_hoken_kojo


def kijun(level: str, p: Person, params: MenjoParameters) -> int:
    return zengaku_kijun(p, params) if level == "zengaku" else ichibu_kijun(level, p, params)


@dataclass(frozen=True)
class HanteiResult:
    hantei: str  # kokuho.models.Hantei value
    #: per role: 所得, every 基準 and whether it passed — all the figures, for the screen
    detail: dict[str, dict[str, int | bool | None]]


def _detail(persons: list[Person], levels: tuple[str, ...], params: MenjoParameters) -> dict:
    out: dict[str, dict[str, int | bool | None]] = {}
    for p in persons:
        row: dict[str, int | bool | None] = {
            "shotoku": p.shotoku,
            "fuyo_su": p.fuyo_su,
            "fuyo_kojo": fuyo_kojo_gaku(p, params),
            "shakai_hoken_kojo": p.shakai_hoken_kojo,
        }
        for level in levels:
            row[f"kijun_{level}"] = kijun(level, p, params)
            row[f"ok_{level}"] = p.shotoku is not None and p.shotoku <= kijun(level, p, params)
        out[p.role] = row
    return out


def menjo_hantei(persons: list[Person], params: MenjoParameters) -> HanteiResult:
    """保険料免除: the largest level every person (本人・配偶者・世帯主) is under."""
    detail = _detail(persons, LEVELS, params)
    if any(p.shotoku is None for p in persons):
        return HanteiResult("fumei", detail)
    for level in LEVELS:
        if all(detail[p.role][f"ok_{level}"] for p in persons):
            return HanteiResult(level, detail)
    return HanteiResult("higaito", detail)


def yuyo_hantei(persons: list[Person], age: int, params: MenjoParameters) -> HanteiResult:
    """納付猶予: 本人 (under the age) and 配偶者 under the 全額免除 基準; 世帯主 not judged."""
    judged = [p for p in persons if p.role in ("honnin", "haigusha")]
    detail = _detail(judged, ("zengaku",), params)
    if params.yuyo_nenrei_miman is None or age >= params.yuyo_nenrei_miman:
        return HanteiResult("higaito", detail)
    if any(p.shotoku is None for p in judged):
        return HanteiResult("fumei", detail)
    ok = all(detail[p.role]["ok_zengaku"] for p in judged)
    return HanteiResult("yuyo" if ok else "higaito", detail)


def gakusei_hantei(honnin: Person, params: MenjoParameters) -> HanteiResult:
    """学生納付特例: 本人 only."""
    detail = _detail([honnin], ("gakusei",), params)
    if honnin.shotoku is None:
        return HanteiResult("fumei", detail)
    return HanteiResult("gakusei" if detail["honnin"]["ok_gakusei"] else "higaito", detail)
