"""The four CSV layouts of 標準仕様書 10.8, as data.

10.8 asks that a 異動 or a certificate can be prepared from CSV data of: the 転出証明書, the
住民異動届, the 交付申請書 of a 住民票の写し etc., and the 券面事項 of a 個人番号カード
(住所・氏名・旧氏・通称・生年月日・性別 and 個人番号); "任意の方法でCSV形式になったデータ"
(from an OCR, a form on the web, a card reader) is enough.

**Item order.** No official item list for these CSVs was found (searched 2026-12-06: the
public text of the 標準仕様書 (github.com/AkihiraYOSHIMOTO/jyuki-stnd, 10.8) names the four
kinds only; the QR code of the 転出証明書 (20.2.1) and the 標準様式 of the 住民異動届 were not
in the sources at hand). The orders below are ours, the closest we could define:

- 転出証明書: the items of 住民基本台帳法施行令 第23条 (referring to 法 第7条) in the order
  our own 転出証明書 prints them (``juminkiroku.services.tenshutsu_shomei``), one row per
  person on the certificate, then the 外国人住民 items of 法 第30条の45.
- 住民異動届: the order of the paper 住民異動届 as our entry screen follows it
  (``juminkiroku.views.ido``): 届出日, 異動日, 異動事由, the new address, the previous one,
  then each 異動者; one row per 異動者, the 届 items repeated on every row.
- 交付申請書: 請求者の種別, then the 対象者 (宛名番号 or the 4情報), then what is asked
  (種類, 様式, 記載事項, 通数); one row per 対象者 of one household.
- 券面事項: the card's front (氏名, 住所, 生年月日, 性別, 旧氏・通称 as 追記) and back
  (個人番号), one row.

Every layout is read with or without a header line; with one, the columns are found by
name (any order, unknown names refused, a required column may not be missing); without,
by position in the order below. UTF-8 (BOM or not) and cp932 (Shift_JIS) are read.

Values: codes are accepted as the words a person writes (男 / 女, 世帯主 / 妻 / 子の子,
住民票の写し …) and also as our codes; dates in 和暦 with the 年号 (昭和55年5月5日, S55.5.5)
or 西暦 (``tenants.wareki.parse_wareki``); 個人番号 and 住民票コード with their check digits
(``tenants.checkdigits``); every cell refused if it holds a control character
(``tenants.text``). Lengths are the registry's own (``juminkiroku.models.atena``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from juminkiroku.codes import (
    IdoJiyu,
    JuminShubetsu,
    Seikyusha,
    Sex,
    ShomeiKind,
    ShomeiLayout,
    ZairyuKubun,
)
from juminkiroku.services.shomei import MAX_COPIES


class Kind(StrEnum):
    """How a cell is read (``juminkiroku.csvin.reader``)."""

    TEXT = "text"  # as written, ends trimmed; never NFKC (a name keeps its 字形)
    KANA = "kana"  # フリガナ: 全角カタカナ (ひらがな and 半角 turned into it), spaces
    DATE = "date"  # 和暦 with 年号 or 西暦 → date
    CODE = "code"  # a word or a code of ``codes`` → our code
    FLAG = "flag"  # 要 / 不要 (有 / 無, 1 / 0, 空欄 = 不要) → bool
    COUNT = "count"  # a whole number 1..max_value
    DIGITS = "digits"  # 半角/全角 digits of a fixed length (宛名番号)
    KOJIN_BANGO = "kojin_bango"  # 12 digits, check digit (番号法施行令 第8条)
    JUMINHYO_CODE = "juminhyo_code"  # 11 digits, check digit (住基法施行規則 第1条)
    POSTAL = "postal"  # 〒 240-0112 → 2400112
    ZOKUGARA = "zokugara"  # 続柄 in words (子の子の妻) or codes (標準仕様書 1.1.11)


@dataclass(frozen=True)
class Item:
    """One column: its name on the header line, what it becomes (``key``, the registry's
    field name where there is one), how it is read, and whether it may be empty."""

    label: str
    key: str
    kind: Kind = Kind.TEXT
    max_length: int = 0
    required: bool = False
    codes: dict[str, str] = field(default_factory=dict)
    max_value: int = 0
    length: int = 0


@dataclass(frozen=True)
class Layout:
    code: str
    label: str
    items: tuple[Item, ...]
    max_rows: int
    #: a sentence for the upload screen: what one row is
    row_is: str

    def item(self, key: str) -> Item:
        return next(i for i in self.items if i.key == key)


def _labels(choices: type, *extra: tuple[str, str]) -> dict[str, str]:
    """Our codes by their words and by themselves (both accepted in a cell)."""
    out: dict[str, str] = {}
    for value, label in choices.choices:  # type: ignore[attr-defined]
        out[str(label)] = value
        out[value] = value
    out.update(dict(extra))
    return out


SEX = _labels(Sex, ("男性", Sex.MALE), ("女性", Sex.FEMALE))
SHUBETSU = _labels(
    JuminShubetsu, ("日本人", JuminShubetsu.NIHONJIN), ("外国人", JuminShubetsu.GAIKOKUJIN)
)
ZAIRYU_KUBUN = _labels(ZairyuKubun)
SEIKYUSHA = _labels(
    Seikyusha,
    ("本人", Seikyusha.HONNIN),
    ("同一世帯員", Seikyusha.HONNIN),
    ("公用", Seikyusha.KOYO),
)
SHOMEI_KIND = {
    k: v
    for k, v in _labels(ShomeiKind, ("住民票", ShomeiKind.JUMINHYO)).items()
    if v != ShomeiKind.INKAN  # 印鑑登録証明書 has its own screen (印鑑登録)
}
SHOMEI_LAYOUT = _labels(ShomeiLayout, ("世帯票", ShomeiLayout.RENKI))
#: the 異動 a 住民異動届 CSV can prepare: 記載 of new persons, and the 転居 / 転出 of
#: residents named by 宛名番号
IDO_JIYU: dict[str, str] = {
    str(IdoJiyu.TENNYU.label): IdoJiyu.TENNYU,
    str(IdoJiyu.KOKUGAI_TENNYU.label): IdoJiyu.KOKUGAI_TENNYU,
    str(IdoJiyu.TENKYO.label): IdoJiyu.TENKYO,
    str(IdoJiyu.TENSHUTSU.label): IdoJiyu.TENSHUTSU,
    IdoJiyu.TENNYU.value: IdoJiyu.TENNYU,
    IdoJiyu.KOKUGAI_TENNYU.value: IdoJiyu.KOKUGAI_TENNYU,
    IdoJiyu.TENKYO.value: IdoJiyu.TENKYO,
    IdoJiyu.TENSHUTSU.value: IdoJiyu.TENSHUTSU,
}
KISAI_JIYU = frozenset({IdoJiyu.TENNYU, IdoJiyu.KOKUGAI_TENNYU})

# The person items every layout that describes a person shares (lengths: models.atena).
SHIMEI = Item("氏名", "shimei", max_length=100, required=True)
SHIMEI_KANA = Item("氏名フリガナ", "shimei_kana", Kind.KANA, max_length=200)
BIRTH = Item("生年月日", "birth_date", Kind.DATE, required=True)
SEX_ITEM = Item("性別", "sex", Kind.CODE, required=True, codes=SEX)
HONSEKI = Item("本籍", "honseki", max_length=200)
HITTOSHA = Item("筆頭者", "hittosha", max_length=100)
JUMINHYO_CODE = Item("住民票コード", "juminhyo_code", Kind.JUMINHYO_CODE)
KOJIN_BANGO = Item("個人番号", "kojin_bango", Kind.KOJIN_BANGO)
KYUUJI = Item("旧氏", "kyuuji", max_length=50)
TSUSHO = Item("通称", "tsusho", max_length=100)
GAIKOKU = (
    Item("氏名（アルファベット）", "alpha_name", max_length=200),
    Item("国籍・地域", "kokuseki", max_length=60),
    Item("在留資格", "zairyu_shikaku", max_length=60),
    Item("在留期間の満了日", "zairyu_kikan_to", Kind.DATE),
    Item("在留カード等番号", "zairyu_card_no", max_length=12),
    Item("法第30条の45区分", "zairyu_kubun", Kind.CODE, codes=ZAIRYU_KUBUN),
)

#: the persons of one 異動 (the entry screen's own limit: juminkiroku.views.ido)
MAX_IDO_ROWS = 20

TENSHUTSU_SHOMEI = Layout(
    code="tenshutsu_shomei",
    label="転出証明書",
    row_is="1行に転出証明書の1人分（世帯で転入するときは世帯員の数だけの行）",
    max_rows=MAX_IDO_ROWS,
    items=(
        SHIMEI,
        SHIMEI_KANA,
        BIRTH,
        SEX_ITEM,
        Item("世帯主の氏名", "setainushi_shimei", max_length=100),
        Item("続柄", "zokugara", Kind.ZOKUGARA),
        HONSEKI,
        HITTOSHA,
        Item("住所", "tennyu_mae_jusho", max_length=200, required=True),
        Item("郵便番号", "tennyu_mae_postal_code", Kind.POSTAL),
        Item("住所を定めた日", "moto_jutei_date", Kind.DATE),
        JUMINHYO_CODE,
        KOJIN_BANGO,
        Item("転出先", "jusho", max_length=200, required=True),
        Item("転出の予定年月日", "tenshutsu_yotei_date", Kind.DATE, required=True),
        KYUUJI,
        TSUSHO,
        *GAIKOKU,
    ),
)

IDO_TODOKE = Layout(
    code="ido_todoke",
    label="住民異動届",
    row_is="1行に異動者1人（届出日・異動日・異動事由・住所は全員の行に同じ値）",
    max_rows=MAX_IDO_ROWS,
    items=(
        Item("届出日", "todoke_date", Kind.DATE, required=True),
        Item("異動日", "ido_date", Kind.DATE, required=True),
        Item("異動事由", "jiyu", Kind.CODE, required=True, codes=IDO_JIYU),
        Item("郵便番号", "postal_code", Kind.POSTAL),
        Item("住所", "jusho", max_length=200, required=True),
        Item("番地", "banchi", max_length=60),
        Item("方書", "katagaki", max_length=120),
        Item("従前の住所", "moto_jusho", max_length=200),
        Item("従前の郵便番号", "moto_postal_code", Kind.POSTAL),
        Item("宛名番号", "atena_no", Kind.DIGITS, length=10),
        SHIMEI,
        SHIMEI_KANA,
        BIRTH,
        SEX_ITEM,
        Item("続柄", "zokugara", Kind.ZOKUGARA),
        Item("住民種別", "shubetsu", Kind.CODE, codes=SHUBETSU),
        HONSEKI,
        HITTOSHA,
        JUMINHYO_CODE,
        KOJIN_BANGO,
        KYUUJI,
        TSUSHO,
        *GAIKOKU,
    ),
)

KOFU_SHINSEI = Layout(
    code="kofu_shinsei",
    label="証明書の交付申請書",
    row_is="1行に証明する方1人（同じ世帯の方なら複数行。請求の内容は全員の行に同じ値）",
    max_rows=MAX_IDO_ROWS,
    items=(
        Item("請求者の種別", "seikyusha", Kind.CODE, required=True, codes=SEIKYUSHA),
        Item("宛名番号", "atena_no", Kind.DIGITS, length=10),
        Item("氏名", "shimei", max_length=100),
        Item("氏名フリガナ", "shimei_kana", Kind.KANA, max_length=200),
        Item("生年月日", "birth_date", Kind.DATE),
        Item("性別", "sex", Kind.CODE, codes=SEX),
        Item("住所", "jusho", max_length=200),
        Item("証明書の種類", "kind", Kind.CODE, required=True, codes=SHOMEI_KIND),
        Item("様式", "layout", Kind.CODE, codes=SHOMEI_LAYOUT),
        Item("通数", "copies", Kind.COUNT, required=True, max_value=MAX_COPIES),
        Item("世帯主・続柄", "setainushi", Kind.FLAG),
        Item("本籍・筆頭者", "honseki", Kind.FLAG),
        Item("住民票コード", "juminhyo_code", Kind.FLAG),
        Item("個人番号", "kojin_bango", Kind.FLAG),
        Item("請求した機関", "koyo_kikan", max_length=100),
        Item("請求の目的", "koyo_mokuteki", max_length=200),
    ),
)

KENMEN = Layout(
    code="kenmen",
    label="個人番号カードの券面事項",
    row_is="1行にカード1枚",
    max_rows=1,
    items=(
        Item("氏名", "shimei", max_length=100, required=True),
        Item("住所", "jusho", max_length=400, required=True),
        Item("生年月日", "birth_date", Kind.DATE, required=True),
        Item("性別", "sex", Kind.CODE, required=True, codes=SEX),
        KYUUJI,
        TSUSHO,
        Item("個人番号", "kojin_bango", Kind.KOJIN_BANGO, required=True),
    ),
)

LAYOUTS: dict[str, Layout] = {
    layout.code: layout for layout in (TENSHUTSU_SHOMEI, IDO_TODOKE, KOFU_SHINSEI, KENMEN)
}
