"""Record layouts exchanged with the CS: item order, formats, 異動事由 codes.

The 電文仕様 of the 既存住基システム ⇄ CS interface (J-LIS「既存住基システム改造仕様書」,
named by 標準仕様書 7.1.1.1) is not public; no copy was found (docs/standard/jukinet.md
says where we looked). These layouts are therefore the closest we can define from public
sources: the items of 本人確認情報 in the order 住民基本台帳法 第30条の6 第1項 lists them
(第7条 第1号〜第3号 氏名・出生の年月日・男女の別, 第7号 住所, 第8号の2 個人番号, 第13号
住民票コード, and the 変更情報 of 施行令 第30条の5: 異動事由 and its date), preceded by the
routing items (市町村コード, 連携番号). A record is a JSON array in exactly this order (a
positional record, as a fixed-layout 電文 is), so both sides read it by position. When the
real 電文仕様 is available, only this module and the simulator change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

HONNIN_LAYOUT = "HONNIN-01"
TENSHUTSU_LAYOUT = "TENSHUTSU-01"


@dataclass(frozen=True)
class Item:
    name: str
    label: str
    length: int  # maximum length in characters (the CS refuses longer values)


HONNIN_ITEMS: tuple[Item, ...] = (
    Item("shichoson_code", "市町村コード", 6),
    Item("renkei_no", "連携番号", 12),
    Item("ido_jiyu", "異動事由", 2),
    Item("ido_date", "異動年月日", 8),
    Item("shimei", "氏名", 100),
    Item("shimei_kana", "氏名フリガナ", 200),
    Item("birth_date", "出生の年月日", 8),
    Item("sex", "男女の別", 1),
    Item("jusho", "住所", 400),
    Item("kojin_bango", "個人番号", 12),
    Item("juminhyo_code", "住民票コード", 11),
    Item("kyu_juminhyo_code", "変更前の住民票コード", 11),
    Item("kojin_bango_seisei", "個人番号生成要求", 1),
)
"""本人確認情報 (update of one person)."""

TENSHUTSU_ITEMS: tuple[Item, ...] = (
    Item("shichoson_code", "市町村コード", 6),
    Item("renkei_no", "連携番号", 12),
    Item("juminhyo_code", "住民票コード", 11),
    Item("shimei", "氏名", 100),
    Item("shimei_kana", "氏名フリガナ", 200),
    Item("birth_date", "出生の年月日", 8),
    Item("sex", "男女の別", 1),
    Item("jusho", "住所", 400),
    Item("tenshutsu_saki_jusho", "転出先住所", 200),
    Item("tenshutsu_yotei_date", "転出予定年月日", 8),
    Item("setainushi_shimei", "世帯主の氏名", 100),
    Item("zokugara", "世帯主との続柄", 2),
    Item("honseki", "本籍", 200),
    Item("hittosha", "筆頭者", 100),
    Item("kojin_bango", "個人番号", 12),
)
"""転出証明書情報 (住民基本台帳法施行令 第24条の2 ― the items of a 転出証明書, 標準仕様書
4.1.3.0.4)."""

SOFUSAKI_LAYOUT = "SOFUSAKI-01"
SOFUSAKI_ITEMS: tuple[Item, ...] = (
    Item("shichoson_code", "市町村コード", 6),
    Item("renkei_no", "連携番号", 12),
    Item("juminhyo_code", "住民票コード", 11),
    Item("shimei", "氏名", 100),
    Item("postal_code", "送付先郵便番号", 7),
    Item("jusho", "送付先住所", 200),
    Item("katagaki", "送付先方書", 120),
    Item("kyosho", "居所区分", 1),
)
"""送付先情報 (標準仕様書 7.1.1.4): where the 個人番号カード and 番号 documents go; 居所区分
"1" when it is a 居所 the clerk set instead of the address."""

# Inbound: 転入通知 (住民基本台帳法 第9条第1項) and カード管理状況 (標準仕様書 7.1.1.3).
TENNYU_TSUCHI_LAYOUT = "TENNYU-TSUCHI-01"
CARD_LAYOUT = "CARD-01"

TENNYU_TSUCHI_ITEMS = (
    ("shichoson_code", "通知先市町村コード"),
    ("tennyu_shichoson_code", "転入地市町村コード"),
    ("juminhyo_code", "住民票コード"),
    ("tennyu_date", "転入年月日"),
    ("tennyu_jusho", "転入先住所"),
    ("tennyu_postal_code", "転入先郵便番号"),
)
SOFUSAKI_YOKYU_LAYOUT = "SOFUSAKI-YOKYU-01"
SOFUSAKI_YOKYU_ITEMS = (
    ("shichoson_code", "市町村コード"),
    ("juminhyo_code", "住民票コード"),
)
"""A person whose 送付先情報 the card management system asks for (更新対象者, 7.1.1.4)."""
CARD_ITEMS = (
    ("shichoson_code", "市町村コード"),
    ("juminhyo_code", "住民票コード"),
    ("shurui", "カードの種類"),
    ("jotai", "交付状況"),
    ("jotai_date", "状況の年月日"),
)


# 異動事由 as the CS codes them: ours (juminkiroku.codes.IdoJiyu) → CS. A 記載 is 1x,
# a 消除 2x, a 修正 3x; 取消 of a 記載 removes the person (2 9). Our choice (see above).
CS_JIYU: dict[str, str] = {
    "K01": "11",  # 転入
    "K02": "12",  # 国外転入
    "K03": "13",  # 出生
    "K04": "14",  # 職権記載
    "K99": "19",  # データ移行
    "S01": "21",  # 転出
    "S02": "22",  # 国外転出
    "S03": "23",  # 死亡
    "S04": "24",  # 職権消除
    "M01": "31",  # 転居
    "M02": "32",  # 世帯分離
    "M03": "32",  # 世帯合併
    "M04": "32",  # 世帯変更
    "M05": "32",  # 世帯主変更
    "M06": "33",  # 旧氏・通称
    "M07": "34",  # 職権修正
    "M08": "35",  # 誤記修正
    "T01": "39",  # 取消（版がある）
}
CS_JIYU_KISAI_TORIKESHI = "29"
"""A 取消 that removed the person from the registry altogether."""

CS_JIYU_LABEL: dict[str, str] = {
    "11": "転入",
    "12": "国外転入",
    "13": "出生",
    "14": "職権記載",
    "19": "データ移行",
    "21": "転出",
    "22": "国外転出",
    "23": "死亡",
    "24": "職権消除",
    "29": "記載の取消し",
    "31": "転居",
    "32": "世帯の変更",
    "33": "旧氏・通称の変更",
    "34": "職権修正",
    "35": "誤記修正",
    "39": "異動の取消し",
}


def ymd(value: date | str | None) -> str:
    """A date as the CS writes it: YYYYMMDD, "" when unknown."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return value.strftime("%Y%m%d")


def from_ymd(value: str) -> date | None:
    if not value:
        return None
    return date(int(value[0:4]), int(value[4:6]), int(value[6:8]))


def pack(items: tuple[Item, ...], values: dict[str, Any]) -> list[str]:
    """The positional record: every item in order, as text, checked for length."""
    out: list[str] = []
    for item in items:
        text = "" if values.get(item.name) is None else str(values[item.name])
        if len(text) > item.length:
            raise ValueError(f"{item.label}が長すぎます（{item.length}文字まで）。")
        out.append(text)
    return out


def unpack(items: tuple[Item, ...], record: list[str]) -> dict[str, str]:
    if len(record) != len(items):
        raise ValueError(f"電文の項目数が違います（{len(record)}／{len(items)}）。")
    return {item.name: str(value) for item, value in zip(items, record, strict=True)}
