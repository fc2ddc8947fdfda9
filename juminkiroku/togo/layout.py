"""The record sent to the 団体内統合宛名システム (標準仕様書 7.1.2.3) and, column for column,
the data row of the file linkage (7.2.1): one person's 個人番号, 4情報 and 住民票関係情報.

**Layout status: ours, the closest we could define.** 7.1.2.3 asks for the 特定個人情報
「住民票関係情報」 in the データ標準レイアウト (特定個人情報データ標準レイアウト). That layout is
made by the ministries and handed to municipalities through デジタルPMO; no copy of its
item list was found in public sources (searched 2026-12-06: the docs, pages and code corpora
for 「データ標準レイアウト」「住民票関係情報」「中間サーバー 副本」; what is public says only that
it exists and how it is revised). What the law makes public is what 住民票関係情報 is:
番号法 別表第二 names the matters of 住民基本台帳法 第7条第4号 — 世帯主についてはその旨,
世帯主でない者については世帯主の氏名及び世帯主との続柄 — as 「住民票関係情報」, and the
統合宛名 system keys persons by 個人番号 with the 4情報 (氏名, 生年月日, 性別, 住所:
住基法 第30条の6 本人確認情報). So the record is: routing (団体コード, 連携番号, 区分),
the person's keys (宛名番号 of this system, 個人番号, 住民票コード), the 4情報 (with
フリガナ, 通称, アルファベット氏名 of a foreign resident), the 住民票関係情報 of 第7条第4号
(世帯番号, 世帯主区分, 世帯主の氏名, 世帯主との続柄 in the codes of 標準仕様書 1.1.11) and the
dates that say since when and until when it holds (住民となった年月日, 住所を定めた年月日,
消除年月日・消除事由). A positional record (JSON array, like juminkiroku.cs.layout): when the
official layout is at hand, only this module and the simulator change.

The 団体内統合宛名番号 the 統合宛名 system assigns is never taken in (7.1.2.3【実装しない機能】):
no answer field, model or screen holds it.
"""

from __future__ import annotations

from juminkiroku.cs.layout import Item

TOGO_LAYOUT = "TOGO-JUMINHYO-01"

ROUTING_ITEMS: tuple[Item, ...] = (
    Item("dantai_code", "団体コード", 6),
    Item("renkei_no", "連携番号", 12),
    Item("soshin_kubun", "送信区分", 1),
    Item("ido_kubun", "異動区分", 1),
    Item("ido_jiyu", "異動事由", 3),
    Item("ido_date", "異動年月日", 8),
)
DATA_ITEMS: tuple[Item, ...] = (
    Item("atena_no", "宛名番号", 10),
    Item("kojin_bango", "個人番号", 12),
    Item("juminhyo_code", "住民票コード", 11),
    Item("shimei", "氏名", 100),
    Item("shimei_kana", "氏名フリガナ", 200),
    Item("alpha_name", "氏名（アルファベット）", 200),
    Item("tsusho", "通称", 100),
    Item("birth_date", "生年月日", 8),
    Item("sex", "性別", 1),
    Item("postal_code", "郵便番号", 7),
    Item("jusho", "住所", 400),
    Item("jumin_shubetsu", "住民種別", 1),
    Item("jumin_jotai", "住民状態", 1),
    Item("setai_no", "世帯番号", 10),
    Item("setainushi_kubun", "世帯主区分", 1),
    Item("setainushi_shimei", "世帯主の氏名", 100),
    Item("zokugara", "世帯主との続柄", 8),
    Item("jumin_date", "住民となった年月日", 8),
    Item("jutei_date", "住所を定めた年月日", 8),
    Item("shojo_date", "消除年月日", 8),
    Item("shojo_jiyu", "消除事由", 3),
)
TOGO_ITEMS: tuple[Item, ...] = ROUTING_ITEMS + DATA_ITEMS
DATA_NAMES: tuple[str, ...] = tuple(i.name for i in DATA_ITEMS)
LABELS: dict[str, str] = {i.name: i.label for i in TOGO_ITEMS}

# 送信区分: a change from the feed, or a person's whole record sent again by a 突合.
SOSHIN_IDO = "1"
SOSHIN_TOTSUGO = "2"
# 異動区分: 1 記載 / 2 消除 / 3 修正 (a 取消 too) / 4 the 取消 of a 記載 (removes the person).
IDO_KUBUN_KISAI_TORIKESHI = "4"
