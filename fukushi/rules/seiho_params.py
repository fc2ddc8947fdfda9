"""The 保護の基準 values one calculation reads, taken from the law-parameter store for one
年度 (``fukushi/params/seiho.yaml``). Pure: the caller passes the lookup (``param_value`` in
a town's schema, or a dict in tests).

A table may hold only some of its cells (the 告示's tables could not all be read — see
``docs/standard/seikatsu_hogo.md``); a calculation that needs a missing cell raises
``KijunMiteigi`` naming it, and never assumes a value. Values marked ``unconfirmed`` in the
data carry that mark into the result, line by line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

__all__ = [
    "KYUCHI",
    "KYUCHI_LABELS",
    "NENREI_KUBUN",
    "KijunMiteigi",
    "SeihoParameters",
    "kyuchi_grade",
    "seiho_parameters_from_lookup",
]

P = "fukushi.seiho."
Lookup = Callable[[str, int], Any]

#: 級地 (保護の基準 別表第9): the six grades, best-paid first
KYUCHI = ("1-1", "1-2", "2-1", "2-2", "3-1", "3-2")
KYUCHI_LABELS = {k: f"{k[0]}級地-{k[2]}" for k in KYUCHI}

#: 第1類の年齢区分 (令和5年10月からの表): (lowest age, highest age or None, key, words)
NENREI_KUBUN: tuple[tuple[int, int | None, str, str], ...] = (
    (0, 2, "0_2", "0〜2歳"),
    (3, 5, "3_5", "3〜5歳"),
    (6, 11, "6_11", "6〜11歳"),
    (12, 17, "12_17", "12〜17歳"),
    (18, 19, "18_19", "18・19歳"),
    (20, 40, "20_40", "20〜40歳"),
    (41, 59, "41_59", "41〜59歳"),
    (60, 64, "60_64", "60〜64歳"),
    (65, 69, "65_69", "65〜69歳"),
    (70, 74, "70_74", "70〜74歳"),
    (75, None, "75_", "75歳以上"),
)


class KijunMiteigi(LookupError):
    """A cell of the 基準 the calculation needs is not in the data (not read from the 告示)."""


def kyuchi_grade(kyuchi: str) -> str:
    """ "1", "2" or "3": the 級地 grade the 加算 tables and 冬季加算 are keyed by."""
    if kyuchi not in KYUCHI:
        raise ValueError(f"級地は {', '.join(KYUCHI)} のいずれかで指定してください: {kyuchi!r}")
    return kyuchi[0]


def _spans(value: dict[str, Any], what: str) -> tuple[tuple[int, Any], ...]:
    """``kikan: [{from_month, ...}]`` → ((fiscal-month order, item), ...) sorted."""
    out = []
    for item in value["kikan"]:
        m = int(item["from_month"])
        if not 1 <= m <= 12:
            raise ValueError(f"{what}の from_month が月ではありません: {m!r}")
        out.append((_fiscal_order(m), item))
    return tuple(sorted(out, key=lambda x: x[0]))


def _fiscal_order(month: int) -> int:
    """April = 0 … March = 11: the months of a 年度 in order."""
    return (month - 4) % 12


def _for_month(spans: tuple[tuple[int, Any], ...], month: int) -> Any:
    order = _fiscal_order(month)
    chosen = None
    for start, item in spans:
        if start <= order:
            chosen = item
    if chosen is None:
        raise KijunMiteigi(f"{month}月に適用する値が登録されていません")
    return chosen


@dataclass(frozen=True)
class SeihoParameters:
    fiscal_year: int
    dai1: dict[str, dict[str, int]]
    teigenritsu: dict[int, Decimal]
    dai1_hasu: str
    dai2: dict[str, dict[str, int]]
    tokurei_spans: tuple[tuple[int, Any], ...]
    keikateki_spans: tuple[tuple[int, Any], ...]
    toki_tsuki: dict[str, tuple[int, ...]]
    #: 地区 → 世帯人員 (1〜9, "kasan") → amount (級地によらない)
    toki_kijun: dict[str, dict[str, int]]
    #: 級地 → 世帯人員 (1〜9, "kasan") → 期末一時扶助 (12月)
    kimatsu: dict[str, dict[str, int]]
    jido_yoiku_gaku: int
    boshi: dict[str, dict[str, int]]
    shogaisha: dict[str, dict[str, int]]
    #: 妊産婦加算: 級地 grade → 区分 (ninpu_6miman / ninpu_6ijo / sanpu) → amount
    ninsanpu: dict[str, dict[str, int]]
    #: 冬季加算の特別基準: the multiplier's upper bound and how the product is rounded
    toki_tokubetsu_bairitsu: Decimal
    toki_tokubetsu_hasu: str
    #: area → {label, gaku: [1人, 2人, 3〜5人, 6人, 7人以上], shomen?: [床面積別 3 buckets]}
    jutaku: dict[str, dict[str, Any]]
    #: (下限, 上限, 1人目, 2人目以降); None: the whole income
    kiso_hyo: tuple[tuple[int, int, int | None, int | None], ...]
    #: (from, step, 1人目 per step, 2人目以降 per step) above the table
    kiso_ijo: tuple[int, int, int, int]
    shinki_shuro_gaku: int
    shinki_shuro_tsukisu: int
    miseinen_gaku: int
    miseinen_miman: int
    #: parameter key → note, for every value the data marks ``unconfirmed``
    unconfirmed: dict[str, str]

    def tokurei(self, month: int) -> tuple[int, str | None]:
        """(1人当たりの特例加算, the note when the month's amount is unconfirmed)."""
        item = _for_month(self.tokurei_spans, month)
        return int(item["gaku"]), _note(item)

    def keikateki(self, month: int) -> tuple[dict[str, Any], str | None]:
        """(the month's 経過的加算 table: 級地 → 世帯人員 → 年齢区分, note when unconfirmed)."""
        item = _for_month(self.keikateki_spans, month)
        kijun: dict[str, Any] = item["kijun"]
        return kijun, _note(item)

    def kiso_kojo(self, shunyu: int, *, hitorime: bool) -> int:
        """基礎控除 of one worker's monthly 就労収入 (the first worker's column, or the others')."""
        if shunyu < 0:
            raise ValueError("就労収入が負です")
        col = 2 if hitorime else 3
        for row in self.kiso_hyo:
            if row[0] <= shunyu <= row[1]:
                v = row[col]
                return shunyu if v is None else v
        kara, kizami, h, f = self.kiso_ijo
        last = self.kiso_hyo[-1][col]
        if shunyu >= kara and last is not None:
            return last + ((shunyu - kara) // kizami + 1) * (h if hitorime else f)
        raise KijunMiteigi(f"就労収入{shunyu:,}円の基礎控除額が基礎控除額表に登録されていません")


def _note(item: dict[str, Any]) -> str | None:
    if not item.get("unconfirmed"):
        return None
    return str(item.get("note", "")) or "未確認"


def seiho_parameters_from_lookup(lookup: Lookup, fiscal_year: int) -> SeihoParameters:
    y = fiscal_year
    unconfirmed: dict[str, str] = {}

    def get(name: str) -> Any:
        v = lookup(P + name, y)
        if isinstance(v, dict) and v.get("unconfirmed"):
            unconfirmed[P + name] = str(v.get("note", ""))
        return v

    dai1 = get("dai1")
    teigen = get("teigenritsu")
    hasu = get("dai1_hasu")
    dai2 = get("dai2")
    tokurei = get("tokurei_kasan")
    keika = get("keikateki_kasan")
    toki = get("toki_kasan")
    kimatsu = get("kimatsu_ichiji_fujo")
    jido = get("jido_yoiku_kasan")
    boshi = get("boshi_kasan")
    shogai = get("shogaisha_kasan")
    ninsanpu = get("ninsanpu_kasan")
    toki_tokubetsu = get("toki_tokubetsu_kijun")
    jutaku = get("jutaku_fujo")
    kinro = get("kinro_kojo")
    if hasu["hoho"] not in ("kirisute_1en", "kirisute_1en_kiriage_10en"):
        raise ValueError(f"第1類の端数の扱いが不明です: {hasu['hoho']!r}")
    if toki_tokubetsu["hasu"] != "kiriage_10en":
        raise ValueError(f"冬季加算の特別基準の端数の扱いが不明です: {toki_tokubetsu['hasu']!r}")
    return SeihoParameters(
        fiscal_year=y,
        dai1=dai1["kijun"],
        teigenritsu={int(k): Decimal(str(v)) for k, v in teigen.items()},
        dai1_hasu=hasu["hoho"],
        dai2=dai2["kijun"],
        tokurei_spans=_spans(tokurei, "特例加算"),
        keikateki_spans=_spans(keika, "経過的加算"),
        toki_tsuki={k: tuple(int(m) for m in v) for k, v in toki["tsuki"].items()},
        toki_kijun=toki["kijun"],
        kimatsu=kimatsu["kijun"],
        jido_yoiku_gaku=int(jido["gaku"]),
        boshi=boshi["kijun"],
        shogaisha=shogai["kijun"],
        ninsanpu=ninsanpu["kijun"],
        toki_tokubetsu_bairitsu=Decimal(str(toki_tokubetsu["bairitsu"])),
        toki_tokubetsu_hasu=str(toki_tokubetsu["hasu"]),
        jutaku=jutaku["chiiki"],
        kiso_hyo=tuple(
            (int(a), int(b), None if c is None else int(c), None if d is None else int(d))
            for a, b, c, d in kinro["kiso"]["hyo"]
        ),
        kiso_ijo=(
            int(kinro["kiso"]["ijo"]["kara"]),
            int(kinro["kiso"]["ijo"]["kizami"]),
            int(kinro["kiso"]["ijo"]["hitorime"]),
            int(kinro["kiso"]["ijo"]["futarime_ijo"]),
        ),
        shinki_shuro_gaku=int(kinro["shinki_shuro"]["gaku"]),
        shinki_shuro_tsukisu=int(kinro["shinki_shuro"]["tsukisu"]),
        miseinen_gaku=int(kinro["miseinen"]["gaku"]),
        miseinen_miman=int(kinro["miseinen"]["miman"]),
        unconfirmed=unconfirmed,
    )


def parameters_for(fiscal_year: int) -> SeihoParameters:
    """The year's values through ``param_value`` (national values; no town sets these)."""
    from tenants.params.services import param_value

    return seiho_parameters_from_lookup(param_value, fiscal_year)
