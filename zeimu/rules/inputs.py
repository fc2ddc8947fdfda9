"""What a clerk enters for one person's 個人住民税 (figures of the previous calendar year)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from enum import StrEnum
from operator import attrgetter
from typing import Any

from zeimu.rules.bunri import tokurei_error

__all__ = [
    "Haigusha",
    "JuminzeiInput",
    "KafuHitorioya",
    "SeimeiHokenryo",
    "Shinzoku",
    "Shogai",
]


class Shogai(StrEnum):
    NASHI = "なし"
    FUTSU = "障害者"
    TOKUBETSU = "特別障害者"
    #: 同一生計配偶者・扶養親族で、納税義務者等と同居を常況とする特別障害者
    DOKYO_TOKUBETSU = "同居特別障害者"


class KafuHitorioya(StrEnum):
    NASHI = "なし"
    KAFU = "寡婦"
    HITORIOYA_HAHA = "ひとり親（母）"
    HITORIOYA_CHICHI = "ひとり親（父）"


#: Fields that may be negative (a loss in 事業所得 etc.).
_MAY_BE_NEGATIVE = {"sonota_shotoku", "gokei_shotoku"}


#: each input dataclass's field names, read once (the 当初賦課 checks ≈ 380,000 inputs)
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
#: each input dataclass's quick check (:func:`_yen_checker`), made once
_CHECKERS: dict[type, Callable[[object], bool]] = {}


def _values(names: list[str]) -> Callable[[object], tuple[Any, ...]]:
    """The values of the fields ``names`` of an object, as a tuple (one C call)."""
    if not names:
        return lambda obj: ()
    get = attrgetter(*names)
    return get if len(names) > 1 else lambda obj: (get(obj),)


def _yen_checker(cls: type) -> Callable[[object], bool]:
    """A quick test that an object of ``cls`` passes :func:`_check_yen`'s loop: True when
    every field declared ``int`` (and not allowed to be negative) holds an int or bool ≥ 0,
    every field allowed to be negative an int, bool or a value of a type below, and every
    other field a value of those types — str, bool, None, a tuple, an enum or input
    dataclass of this module (checked when made): none is a float or a negative int.
    False sends the object through the loop, which finds what is wrong."""
    every = list(fields(cls))
    ints = [f.name for f in every if f.type in ("int", int) and f.name not in _MAY_BE_NEGATIVE]
    negative = [f.name for f in every if f.name in _MAY_BE_NEGATIVE]
    rest = [f.name for f in every if f.name not in ints and f.name not in negative]
    get_ints, get_negative, get_rest = _values(ints), _values(negative), _values(rest)
    plain = frozenset(
        {str, bool, type(None), tuple, Shogai, KafuHitorioya, SeimeiHokenryo, Haigusha, Shinzoku}
    )
    whole = frozenset({int, bool})
    signed = whole | plain

    def quick(obj: object) -> bool:
        values = get_ints(obj)
        return (
            set(map(type, values)) <= whole
            and min(values, default=0) >= 0
            and set(map(type, get_negative(obj))) <= signed
            and set(map(type, get_rest(obj))) <= plain
        )

    return quick


def _check_yen(obj: object) -> None:
    """Amounts are whole yen: float refused, negatives refused except for 所得."""
    t = type(obj)
    quick = _CHECKERS.get(t)
    if quick is None:
        quick = _CHECKERS[t] = _yen_checker(t)
    if quick(obj):
        return
    names = _FIELD_NAMES.get(t)
    if names is None:
        names = _FIELD_NAMES[t] = tuple(f.name for f in fields(obj))  # type: ignore[arg-type]
    for name in names:
        v = getattr(obj, name)
        if isinstance(v, float):
            raise TypeError(f"{name} は円単位の整数で指定してください（floatは不可）: {v!r}")
        negative = isinstance(v, int) and not isinstance(v, bool) and v < 0
        if negative and name not in _MAY_BE_NEGATIVE:
            raise ValueError(f"{name} に負の値は指定できません: {v!r}")


def _check_tokurei(what: str, shotoku: int, tokurei: str, kojo: int) -> None:
    message = tokurei_error(what, tokurei, kojo, shotoku)
    if message:
        raise ValueError(message)


@dataclass(frozen=True)
class Haigusha:
    """配偶者.  ``gokei_shotoku`` は配偶者の前年の合計所得金額、``age`` は前年12月31日現在."""

    gokei_shotoku: int
    age: int
    shogai: Shogai = Shogai.NASHI

    def __post_init__(self) -> None:
        _check_yen(self)


@dataclass(frozen=True)
class Shinzoku:
    """生計を一にする親族（配偶者以外）.  年齢は前年12月31日現在."""

    age: int
    gokei_shotoku: int = 0
    #: 同居老親等（納税義務者又は配偶者の直系尊属で同居を常況とする者）
    dokyo_roshin: bool = False
    shogai: Shogai = Shogai.NASHI

    def __post_init__(self) -> None:
        _check_yen(self)


@dataclass(frozen=True)
class SeimeiHokenryo:
    """支払った生命保険料（区分・新旧制度別）."""

    ippan_shin: int = 0
    ippan_kyu: int = 0
    kaigo_iryo: int = 0
    nenkin_shin: int = 0
    nenkin_kyu: int = 0

    def __post_init__(self) -> None:
        _check_yen(self)


@dataclass(frozen=True)
class JuminzeiInput:
    """One person's figures for a fiscal year's 個人住民税 (所得は前年分)."""

    #: 本人の前年12月31日現在の年齢（公的年金等控除の65歳判定）
    age: int
    kyuyo_shunyu: int = 0
    nenkin_shunyu: int = 0
    #: 事業・不動産・雑（公的年金等以外）など、給与・公的年金等以外の総合課税の所得金額の合計
    sonota_shotoku: int = 0
    shakai_hokenryo: int = 0
    shokibo_kyosai: int = 0
    seimei_hokenryo: SeimeiHokenryo | None = None
    #: 生命保険料控除額（住民税）を計算済みで入力する場合（seimei_hokenryo と併用不可）
    seimei_hoken_kojo: int | None = None
    jishin_hokenryo: int = 0
    kyu_choki_songai_hokenryo: int = 0
    iryohi_kojo: int = 0
    haigusha: Haigusha | None = None
    shinzoku: tuple[Shinzoku, ...] = field(default_factory=tuple)
    shogai: Shogai = Shogai.NASHI
    kafu_hitorioya: KafuHitorioya = KafuHitorioya.NASHI
    kinro_gakusei: bool = False
    #: 勤労学生の判定に使う、給与所得等以外の所得金額
    kinro_igai_shotoku: int = 0
    #: 賦課期日（1月1日）に未成年者
    miseinen: bool = False
    #: 生活保護法による生活扶助を受けている
    seikatsu_fujo: bool = False
    #: 住所が指定都市の区域内
    shitei_toshi: bool = False
    #: 非課税限度額の級地（1・2・3）
    kyuchi: int = 1
    #: 分離課税の長期譲渡所得（土地・建物等、一般）の金額: 収入金額−取得費・譲渡費用
    #: （特別控除前、損失は0）、特別控除の種類（zeimu.rules.bunri.Tokurei）と申告の控除額
    choki_joto_shotoku: int = 0
    choki_tokurei: str = ""
    choki_tokubetsu_kojo: int = 0
    #: 分離課税の短期譲渡所得（土地・建物等、一般）: 同上
    tanki_joto_shotoku: int = 0
    tanki_tokurei: str = ""
    tanki_tokubetsu_kojo: int = 0

    def __post_init__(self) -> None:
        _check_yen(self)
        if self.shogai is Shogai.DOKYO_TOKUBETSU:
            raise ValueError("本人の区分に同居特別障害者は指定できません（特別障害者を指定）")
        if self.seimei_hokenryo is not None and self.seimei_hoken_kojo is not None:
            raise ValueError("生命保険料と生命保険料控除額は、どちらか一方を指定してください")
        if self.kyuchi not in (1, 2, 3):
            raise ValueError(f"級地は1・2・3のいずれかです: {self.kyuchi}")
        # (most inputs have no 譲渡: one test each, the 当初賦課 builds ≈ 380,000)
        if self.choki_tokurei or self.choki_tokubetsu_kojo:
            _check_tokurei(
                "長期譲渡所得",
                self.choki_joto_shotoku,
                self.choki_tokurei,
                self.choki_tokubetsu_kojo,
            )
        if self.tanki_tokurei or self.tanki_tokubetsu_kojo:
            _check_tokurei(
                "短期譲渡所得",
                self.tanki_joto_shotoku,
                self.tanki_tokurei,
                self.tanki_tokubetsu_kojo,
            )
