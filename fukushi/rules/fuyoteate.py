"""児童扶養手当の額: 所得の計算（施行令第3条・第4条）, 全部支給・一部支給・全部停止の判定
（法第9条〜第11条、施行令第2条の4）, 一部支給の額（法第9条第2項・施行令第2条の4第7項の係数）.

Pure: the caller passes a lookup ``(key, fiscal_year) -> value`` (``param_value`` in a
town's schema, or the YAML's values in tests). Every figure comes from
``fukushi/params/fuyoteate.yaml``; a month whose 年度 has no values raises
:class:`FuyoteateMiteigi` (令和8年度 and later: the amounts were not found, and are never
assumed).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from tenants.wareki import format_nendo

__all__ = [
    "FuyoGimusha",
    "FuyoteateInput",
    "FuyoteateMiteigi",
    "FuyoteateResult",
    "Hantei",
    "Jukyusha",
    "ShotokuKojo",
    "fuyoteate_calculate",
    "nendo_of_month",
    "shotoku_nendo_of_month",
    "shotokugaku",
]

P = "fukushi.fuyoteate."
Lookup = Callable[[str, int], Any]


class FuyoteateMiteigi(LookupError):
    """The values of the month's 年度 are not in the data."""


class Hantei(StrEnum):
    ZENBU = "zenbu"
    ICHIBU = "ichibu"
    TEISHI = "teishi"

    @property
    def label(self) -> str:
        return {"zenbu": "全部支給", "ichibu": "一部支給", "teishi": "全部支給停止"}[self.value]


def nendo_of_month(year: int, month: int) -> int:
    """The 年度 of a 手当の月 (April–March)."""
    return year if month >= 4 else year - 1


def shotoku_nendo_of_month(year: int, month: int) -> int:
    """The 住民税の年度 whose 所得 (the year before) decide the month: 11月分〜翌年10月分 are
    judged on the 前年の所得 (令和6年11月分〜令和7年10月分 → 令和5年中 = 令和6年度)."""
    return year if month >= 11 else year - 1


@dataclass(frozen=True)
class ShotokuKojo:
    """The 諸控除 of 施行令第4条 one person has (counts and amounts in 円)."""

    shogaisha: int = 0  # 障害者控除の対象の数
    tokubetsu_shogaisha: int = 0  # 特別障害者控除の対象の数
    kinro_gakusei: bool = False
    kafu: bool = False  # 寡婦控除
    hitorioya: bool = False  # ひとり親控除
    zasson: int = 0  # 雑損控除の額
    iryohi: int = 0  # 医療費控除の額
    shokibo_kyosai: int = 0  # 小規模企業共済等掛金控除の額
    haigusha_tokubetsu: int = 0  # 配偶者特別控除の額


@dataclass(frozen=True)
class Jukyusha:
    """The applicant (受給資格者): 前年の所得 and 扶養親族等."""

    kyuyo_shotoku: int = 0  # 給与所得（給与所得控除後）
    nenkin_shotoku: int = 0  # 公的年金等に係る雑所得
    sonota_shotoku: int = 0  # その他の所得
    yoikuhi: int = 0  # 受け取った養育費（年額）
    fuyo_shinzoku: int = 0  # 扶養親族等の数（税法上の扶養親族と対象児童）
    rojin: int = 0  # 老人控除対象配偶者・老人扶養親族の数
    tokutei: int = 0  # 特定扶養親族・16歳以上19歳未満の控除対象扶養親族の数
    fubo: bool = True  # 父又は母（寡婦・ひとり親控除は控除しない）; False: 養育者
    kojo: ShotokuKojo = field(default_factory=ShotokuKojo)


@dataclass(frozen=True)
class FuyoGimusha:
    """A 配偶者 or 扶養義務者 living with the applicant (生計を同じくする)."""

    kyuyo_shotoku: int = 0
    nenkin_shotoku: int = 0
    sonota_shotoku: int = 0
    fuyo_shinzoku: int = 0
    rojin: int = 0  # 老人扶養親族の数
    kojo: ShotokuKojo = field(default_factory=ShotokuKojo)
    label: str = ""  # 続柄 as the screens show it (no name)


@dataclass(frozen=True)
class FuyoteateInput:
    year: int  # the 手当の月
    month: int
    jido_su: int  # 対象児童の数
    jukyusha: Jukyusha
    fuyo_gimusha: tuple[FuyoGimusha, ...] = ()
    # 一部支給停止 (法第13条の3第1項): 5年等経過 and no 適用除外事由届出 covers the month
    ichibu_teishi: bool = False
    # 併給調整 (法第13条の2): the monthly amount of the 公的年金等 the 受給者 receives
    # (障害基礎年金等: its 子の加算部分), entered by the clerk; taken from the 手当
    nenkin_getsugaku: int = 0


@dataclass(frozen=True)
class Line:
    label: str
    amount: int


@dataclass(frozen=True)
class FuyoteateResult:
    nendo: int
    shotoku_nendo: int
    shotokugaku: int  # 受給資格者の所得額（判定に使う額）
    shotoku_lines: tuple[Line, ...]
    zenbu_gendo: int
    ichibu_gendo: int
    gimusha: tuple[tuple[int, int], ...]  # (所得額, 限度額) per 扶養義務者等
    hantei: Hantei
    hontai: int
    kasan: tuple[int, ...]  # 第2子, 第3子, …
    getsugaku: int
    lines: tuple[str, ...]
    unconfirmed: tuple[str, ...]
    teishi_gaku: int = 0  # 一部支給停止の額 (法第13条の3), already taken from getsugaku
    heikyu_gaku: int = 0  # 公的年金等との併給調整で支給しない額 (法第13条の2), already taken
    gimusha_labels: tuple[str, ...] = ()  # the 続柄 of each of ``gimusha``


def _span(value: dict[str, Any], month: int, what: str) -> dict[str, Any]:
    order = (month - 4) % 12
    chosen = None
    for item in sorted(value["kikan"], key=lambda i: (int(i["from_month"]) - 4) % 12):
        if (int(item["from_month"]) - 4) % 12 <= order:
            chosen = item
    if chosen is None:
        raise FuyoteateMiteigi(f"{what}の{month}月分の値が登録されていません")
    return chosen


def _get(lookup: Lookup, key: str, nendo: int, what: str) -> Any:
    try:
        return lookup(P + key, nendo)
    except LookupError as exc:  # ParameterMissing is a LookupError
        raise FuyoteateMiteigi(
            f"{format_nendo(nendo)}の{what}が登録されていません"
            "（公表された額を確かめられていないため計算できません）"
        ) from exc


def _round10(x: Decimal) -> int:
    """10円未満四捨五入."""
    return int((x / 10).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * 10


def shotokugaku(
    *,
    kyuyo_shotoku: int,
    nenkin_shotoku: int,
    sonota_shotoku: int,
    yoikuhi: int,
    kojo: ShotokuKojo,
    fubo: bool,
    params: dict[str, Any],
) -> tuple[int, tuple[Line, ...]]:
    """所得額 (施行令第3条・第4条): 所得 (給与所得・公的年金等の合計から10万円まで控除)
    + 養育費の8割 − 8万円 − 諸控除, not below 0. Returns the amount and its lines."""
    lines: list[Line] = []
    kn = kyuyo_shotoku + nenkin_shotoku
    kn_kojo = min(kn, int(params["kyuyo_nenkin"]))
    lines.append(Line("給与所得・公的年金等に係る所得", kn))
    if kn_kojo:
        lines.append(Line("給与所得・公的年金等の控除", -kn_kojo))
    if sonota_shotoku:
        lines.append(Line("その他の所得", sonota_shotoku))
    yoiku = int(
        (Decimal(yoikuhi) * Decimal(str(params["yoikuhi_wariai"]))).to_integral_value(
            rounding=ROUND_HALF_UP
        )
    )
    if yoiku:
        lines.append(Line("養育費の8割", yoiku))
    lines.append(Line("社会保険料相当額（一律）", -int(params["teigaku"])))
    deductions = [
        ("障害者控除", kojo.shogaisha * int(params["shogaisha"])),
        ("特別障害者控除", kojo.tokubetsu_shogaisha * int(params["tokubetsu_shogaisha"])),
        ("勤労学生控除", int(params["kinro_gakusei"]) if kojo.kinro_gakusei else 0),
        ("雑損控除", kojo.zasson),
        ("医療費控除", kojo.iryohi),
        ("小規模企業共済等掛金控除", kojo.shokibo_kyosai),
        ("配偶者特別控除", kojo.haigusha_tokubetsu),
    ]
    if not fubo:  # 施行令第4条: the 父又は母 deduct no 寡婦・ひとり親控除
        deductions.append(("寡婦控除", int(params["kafu"]) if kojo.kafu else 0))
        deductions.append(("ひとり親控除", int(params["hitorioya"]) if kojo.hitorioya else 0))
    for label, amount in deductions:
        if amount:
            lines.append(Line(label, -amount))
    total = max(0, sum(line.amount for line in lines))
    return total, tuple(lines)


def _ichibu(part: dict[str, Any], over: int) -> int:
    return _round10(Decimal(int(part["ichibu_max"])) - Decimal(over) * Decimal(str(part["keisu"])))


def fuyoteate_calculate(inp: FuyoteateInput, lookup: Lookup) -> FuyoteateResult:
    """The 手当月額 of one month for one applicant."""
    if not 1 <= inp.month <= 12:
        raise ValueError(f"月が正しくありません: {inp.month!r}")
    if inp.jido_su < 1:
        raise ValueError("対象児童の数は1人以上です")
    nendo = nendo_of_month(inp.year, inp.month)
    teategaku = _span(_get(lookup, "teategaku", nendo, "児童扶養手当の月額"), inp.month, "月額")
    seigen = _span(
        _get(lookup, "shotoku_seigen", nendo, "所得制限限度額"), inp.month, "所得制限限度額"
    )
    kasan = _get(lookup, "shotoku_seigen_kasan", nendo, "所得制限限度額の加算")
    kojo = _get(lookup, "kojo", nendo, "所得の計算の控除額")
    j = inp.jukyusha
    hitori = int(seigen["hitori"])
    add = j.rojin * int(kasan["rojin"]) + j.tokutei * int(kasan["tokutei"])
    zenbu_gendo = int(seigen["zenbu"]) + j.fuyo_shinzoku * hitori + add
    ichibu_gendo = int(seigen["ichibu"]) + j.fuyo_shinzoku * hitori + add
    shotoku, shotoku_lines = shotokugaku(
        kyuyo_shotoku=j.kyuyo_shotoku,
        nenkin_shotoku=j.nenkin_shotoku,
        sonota_shotoku=j.sonota_shotoku,
        yoikuhi=j.yoikuhi,
        kojo=j.kojo,
        fubo=j.fubo,
        params=kojo,
    )
    lines: list[str] = [f"受給資格者の所得額 {shotoku:,}円"]
    gimusha: list[tuple[int, int]] = []
    gimusha_over = False
    for i, g in enumerate(inp.fuyo_gimusha, start=1):
        g_shotoku, _ = shotokugaku(
            kyuyo_shotoku=g.kyuyo_shotoku,
            nenkin_shotoku=g.nenkin_shotoku,
            sonota_shotoku=g.sonota_shotoku,
            yoikuhi=0,
            kojo=g.kojo,
            fubo=False,
            params=kojo,
        )
        # 老人扶養親族: when every 扶養親族等 is one, one of them is not counted
        rojin = g.rojin - 1 if g.rojin and g.rojin >= g.fuyo_shinzoku else g.rojin
        g_gendo = (
            int(seigen["fuyo_gimusha"])
            + g.fuyo_shinzoku * hitori
            + max(0, rojin) * int(kasan["gimusha_rojin"])
        )
        gimusha.append((g_shotoku, g_gendo))
        who = g.label or f"扶養義務者等{i}"
        lines.append(f"{who} の所得額 {g_shotoku:,}円（限度額 {g_gendo:,}円）")
        if g_shotoku >= g_gendo:
            gimusha_over = True
    if gimusha_over or shotoku >= ichibu_gendo:
        hantei = Hantei.TEISHI
    elif shotoku >= zenbu_gendo:
        hantei = Hantei.ICHIBU
    else:
        hantei = Hantei.ZENBU
    parts = [teategaku["hontai"]] + [
        teategaku["kasan2"] if n == 2 else teategaku["kasan3"] for n in range(2, inp.jido_su + 1)
    ]
    over = shotoku - zenbu_gendo
    amounts: list[int] = []
    for part in parts:
        if hantei is Hantei.ZENBU:
            amounts.append(int(part["zenbu"]))
        elif hantei is Hantei.ICHIBU:
            amounts.append(_ichibu(part, over))
        else:
            amounts.append(0)
    if hantei is Hantei.ICHIBU:
        lines.append(
            f"本体 {int(teategaku['hontai']['ichibu_max']):,}円 −（{shotoku:,}円 − "
            f"{zenbu_gendo:,}円）× {teategaku['hontai']['keisu']} = {amounts[0]:,}円"
            "（10円未満四捨五入）"
        )
    lines.append(f"{hantei.label}：月額 {sum(amounts):,}円")
    unconfirmed = tuple(str(teategaku["note"]) for _ in (0,) if teategaku.get("unconfirmed"))
    teishi = 0
    zengaku = sum(amounts)
    if inp.ichibu_teishi and zengaku > 0 and inp.jukyusha.fubo:
        ts = _get(lookup, "ichibu_teishi", nendo, "一部支給停止の割合")
        teishi = _round10(Decimal(zengaku) * Decimal(str(ts["wariai"])))
        lines.append(
            f"一部支給停止（法第13条の3、5年等経過）：−{teishi:,}円 → 月額 {zengaku - teishi:,}円"
        )
        if ts.get("unconfirmed"):
            unconfirmed = (*unconfirmed, str(ts["note"]))
    heikyu = 0
    if inp.nenkin_getsugaku < 0:
        raise ValueError("公的年金等の月額は0円以上です")
    if inp.nenkin_getsugaku and zengaku - teishi > 0:
        # 法第13条の2: the part equal to the 公的年金等 is not paid (the difference is);
        # taken after the 一部支給停止 (our reading: unconfirmed in the YAML)
        hc = _get(lookup, "heikyu_chosei", nendo, "公的年金等との併給調整の値")
        heikyu = min(inp.nenkin_getsugaku, zengaku - teishi)
        lines.append(
            f"公的年金等との併給調整（法第13条の2）：年金の月額 {inp.nenkin_getsugaku:,}円 → "
            f"月額 {zengaku - teishi - heikyu:,}円"
        )
        if hc.get("unconfirmed"):
            unconfirmed = (*unconfirmed, str(hc["note"]))
    return FuyoteateResult(
        nendo=nendo,
        shotoku_nendo=shotoku_nendo_of_month(inp.year, inp.month),
        shotokugaku=shotoku,
        shotoku_lines=shotoku_lines,
        zenbu_gendo=zenbu_gendo,
        ichibu_gendo=ichibu_gendo,
        gimusha=tuple(gimusha),
        hantei=hantei,
        hontai=amounts[0],
        kasan=tuple(amounts[1:]),
        getsugaku=zengaku - teishi - heikyu,
        lines=tuple(lines),
        unconfirmed=unconfirmed,
        teishi_gaku=teishi,
        heikyu_gaku=heikyu,
        gimusha_labels=tuple(
            g.label or f"扶養義務者等{i}" for i, g in enumerate(inp.fuyo_gimusha, start=1)
        ),
    )
