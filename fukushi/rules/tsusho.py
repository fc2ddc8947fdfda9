"""障害児通所支援 (児童福祉法): the 利用者負担 区分 and 上限月額 of the 保護者の属する世帯, and the
幼児教育・保育の無償化 period. Pure functions: the figures arrive as arguments (the service reads
zeimu's public face, the registry's household and fukushi's 生活保護 records), the law's values as
the year's parameters (fukushi/params/tsusho.yaml).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

__all__ = [
    "KUBUN_LABELS",
    "Futan",
    "Setaiin",
    "Tashi",
    "enchou_kikan",
    "futan_kubun",
    "mushoka_from",
    "mushoka_kikan",
    "riyosha_futan",
    "seinen_kikan",
    "shikyu_ryo_errors",
    "tashi_keigen",
]

SEIHO = "seiho"
TEISHOTOKU = "teishotoku"
IPPAN1 = "ippan1"
IPPAN2 = "ippan2"

KUBUN_LABELS = {
    SEIHO: "生活保護",
    TEISHOTOKU: "低所得（市町村民税非課税世帯）",
    IPPAN1: "一般1（市町村民税課税世帯・所得割28万円未満）",
    IPPAN2: "一般2",
}


@dataclass(frozen=True)
class Setaiin:
    """One member of the 保護者の属する世帯 as the 判定 read them: a label (保護者, 世帯員 and
    the 宛名番号 is not used: no number in the evidence), 課税 (None: no assessment found) and the
    市町村民税 所得割 (円)."""

    label: str
    kazei: bool | None
    shotokuwari: int


@dataclass(frozen=True)
class Futan:
    kubun: str
    jogen: int
    riyu: tuple[str, ...]

    @property
    def label(self) -> str:
        return KUBUN_LABELS[self.kubun]


def futan_kubun(
    *, hihogo: bool, members: list[Setaiin], jogen: dict[str, int], ippan1_miman: int
) -> Futan:
    """障害児通所支援の 負担上限月額 (児童福祉法施行令第24条の12): 生活保護 and 市町村民税非課税世帯
    0円, 課税世帯で所得割の合計が ``ippan1_miman`` 未満 一般1, else 一般2. Raises ValueError when a
    member's assessment is missing (an unknown income is not 非課税)."""
    if hihogo:
        return Futan(SEIHO, int(jogen[SEIHO]), ("保護者の世帯は生活保護を受けている",))
    missing = [m.label for m in members if m.kazei is None]
    if missing:
        raise ValueError(f"{'・'.join(missing)}の市町村民税の課税状況がありません。")
    riyu = [
        f"{m.label}: {'課税' if m.kazei else '非課税'}（市町村民税所得割 {m.shotokuwari:,}円）"
        for m in members
    ]
    if not any(m.kazei for m in members):
        return Futan(TEISHOTOKU, int(jogen[TEISHOTOKU]), (*riyu, "世帯全員が市町村民税非課税"))
    total = sum(m.shotokuwari for m in members)
    riyu.append(f"所得割の合計 {total:,}円（一般1 は {ippan1_miman:,}円未満）")
    if total < ippan1_miman:
        return Futan(IPPAN1, int(jogen[IPPAN1]), tuple(riyu))
    return Futan(IPPAN2, int(jogen[IPPAN2]), tuple(riyu))


def mushoka_kikan(birth: date) -> tuple[date, date]:
    """The 無償化 period of a child born on ``birth``: from the first 4月1日 after the child has
    reached 満3歳, for 3 years (to the 3月31日 before 小学校就学).

    By 年齢計算ニ関スル法律 a child reaches an age at the end of the day before the birthday: a
    child born on 4月1日 is 満3歳 at the end of 3月31日, so their first 4月1日 is that very
    day (the same 学年 as those born from the previous 4月2日); a child born on 4月2日 is 満3歳
    at the end of 4月1日 and waits a year."""
    year = birth.year + 3 if (birth.month, birth.day) <= (4, 1) else birth.year + 4
    return date(year, 4, 1), date(year + 3, 3, 31)


def mushoka_from(birth: date, shiko: date) -> tuple[date, date] | None:
    """The part of the child's 無償化 period from the law's 施行日 ``shiko`` (令和元年10月1日):
    None when the period ended before it."""
    kaishi, shuryo = mushoka_kikan(birth)
    if shuryo < shiko:
        return None
    return max(kaishi, shiko), shuryo


def shikyu_ryo_errors(
    services: dict[str, int], kinds: dict[str, dict[str, Any]]
) -> list[tuple[str, str]]:
    """支給量 (日/月) of each service: a known kind, 1 to 31 days; at least one service."""
    if not services:
        return [("services", "支給するサービスを1つ以上入力してください。")]
    errors: list[tuple[str, str]] = []
    for code, n in services.items():
        spec = kinds.get(code)
        if spec is None:
            errors.append(("services", "サービスの種類が正しくありません。"))
        elif not 1 <= n <= 31:
            errors.append(("services", f"{spec['name']}の支給量は1から31までで入力してください。"))
    return errors


def seinen_kikan(birth: date, shuryo: date, seinen: int = 18) -> date:
    """The end of a 給付決定期間 for a child born on ``birth``: ``shuryo``, cut to the day the
    child reaches 満``seinen``歳 when that comes first.

    A 障害児 is a child under 18 (児童福祉法第4条第1項・第2項). By 年齢計算ニ関スル法律 and 民法
    第143条 a person reaches an age at the end of the day before the birthday, so the last day
    as a 障害児 is the day before the 18th birthday; a child born on 2月29日 reaches it at the end
    of 2月28日 in a common year. The 放課後等デイサービス exception to 満20歳 (児童福祉法, article
    未確認) is the town's decision: ``enchou_kikan``, fukushi.services.tsusho_tashi."""
    if (birth.month, birth.day) == (2, 29):
        # the day before 2月29日 is 2月28日 whether or not the year is a leap year
        last = date(birth.year + seinen, 2, 28)
    else:
        last = date.fromordinal(date(birth.year + seinen, birth.month, birth.day).toordinal() - 1)
    return min(shuryo, last)


@dataclass(frozen=True)
class Tashi:
    """多子軽減 of one 障害児: which child it counts as (第N子), the share of the 総費用 the
    family bears (percent) and the words of the 判定."""

    dai: int
    ritsu: int
    riyu: tuple[str, ...]


def tashi_keigen(
    *,
    shugakumae: bool,
    shotokuwari: int,
    ani_ane: int,
    ani_ane_shugakumae: int,
    kijun: int,
    ritsu: dict[int, int],
) -> Tashi:
    """就学前の障害児通所支援の多子軽減 (児童福祉法施行令第24条ほか: 本文は未確認).

    As 吹田市 and 砥部町 state it: only a child before 小学校就学 is counted. A household
    whose 市町村民税所得割の合算額 is under ``kijun`` (77,101円: 年収約360万円未満相当) counts
    every 兄・姉 who shares the household's living (生計を同じくする, any age); above it only
    the 兄・姉 before 就学 who attend a 保育所・幼稚園・認定こども園等 or use 障害児通所支援. The
    child is 第(兄・姉の数 + 1)子; the share of the 総費用 is ``ritsu`` of that (第1子 10,
    第2子 5, 第3子以降 0: 台東区)."""
    if ani_ane < 0 or ani_ane_shugakumae < 0:
        raise ValueError("兄・姉の数は0以上で入力してください。")
    if ani_ane_shugakumae > ani_ane:
        raise ValueError("就学前の兄・姉の数が兄・姉の数より多くなっています。")
    if not shugakumae:
        return Tashi(1, ritsu[1], ("小学校就学後のため多子軽減の対象外",))
    if shotokuwari < kijun:
        dai = ani_ane + 1
        words = (
            f"市町村民税所得割の合算額 {shotokuwari:,}円（{kijun:,}円未満）: "
            f"生計を同じくする兄・姉 {ani_ane}人を数える"
        )
    else:
        dai = ani_ane_shugakumae + 1
        words = (
            f"市町村民税所得割の合算額 {shotokuwari:,}円（{kijun:,}円以上）: "
            f"保育所・幼稚園等・障害児通所支援に通う就学前の兄・姉 {ani_ane_shugakumae}人を数える"
        )
    share = ritsu[min(dai, max(ritsu))]  # the last row: 第3子以降
    return Tashi(dai, share, (words, f"第{dai}子: 利用者負担は総費用の{share}％"))


def riyosha_futan(*, sohiyo: int, ritsu: int, jogen: int) -> int:
    """A month's 利用者負担: the 総費用 × the share (1円未満切捨て, ours: 未確認), at most the
    負担上限月額."""
    return min(sohiyo * ritsu // 100, jogen)


def enchou_kikan(birth: date, shuryo: date, nenrei: int) -> date:
    """The end of a 放課後等デイサービス period the town extends to 満``nenrei``歳 (20): the asked
    end, cut to the day before the ``nenrei``th birthday (as ``seinen_kikan``)."""
    return seinen_kikan(birth, shuryo, nenrei)
