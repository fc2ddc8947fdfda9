"""When a 本登録 owes the 本籍地 a 戸籍附票記載事項通知, and where it goes. Pure functions.

The law (住民基本台帳法):

* 第17条: the 戸籍の附票 records 一 戸籍の表示 (本籍・筆頭者), 二 氏名, 三 住所 (a 国外転出者:
  that they are one), 四 住所を定めた年月日 (a 国外転出者: the 転出の予定年月日), 五 出生の年月日,
  六 男女の別, 七 住民票コード (五〜七 since 令和元年法律第16号).
* 第19条第1項: the 住所地 市町村長, having made a 住民票の記載等 for which the 本籍地 must make a
  戸籍の附票の記載等, tells the 本籍地 市町村長 the items without delay. 第4項: by sending from
  computer to computer over a line; on paper only where the 総務省令 allows it (the line is
  broken or otherwise cannot be used).
* 標準仕様書 7.2.4: a 管内本籍人's address change goes to the town's own 戸籍附票システム
  (the 本籍地 is this town: no notice between two 市町村長 is needed, the 附票 is kept in the
  same office); 7.1.1.1: 管内・管外本籍者 notices and the 国外転出's notice are sent
  automatically, the 管外 ones through the CS (住基ネット).

What makes a notice here (``needs_tsuchi``):

* a 記載 (転入, 出生, 職権記載, 住所設定, 帰化 …) of a person with a 本籍; not the データ移行
  that loads the registry when a town arrives (no 住民票 is written then);
* a 修正 that changed an item the 住所地 decides: 住所 (``jusho``, ``banchi``), 住所を定めた日,
  本籍・筆頭者 (a 転籍 or a correction: the new 本籍地 must write the 附票), 住民票コード; and
  氏名・生年月日・性別 when the 住民票 was corrected (the 附票 follows the 住民票's items);
  the 方書 is no item of the 附票, so a change of it alone makes none;
* a 取消 that put the 住民票's items back (the version it undid differs in those items);
* the 国外転出 once it is a 除票 (7.1.1.1「国外への転出の場合における転出市区町村からの…」).
  Any other 消除 (転出 to a town in Japan: the 転入地 tells the 本籍地; 死亡 and 失踪: the
  本籍地 learns them from the 戸籍) makes none.
* none for a person without a 本籍: 外国人住民 (no 戸籍), or a 本籍 not known (blank).

``honseki_kubun``: 管内 when the 本籍 names this town: after the 都道府県 (the town's own, or
none written) comes the town's name, optionally after its 郡 (「三浦郡葉山町」). Without the
都道府県 written the rest must also begin with one of the town's 町字 (住所辞書), because
town names repeat across prefectures (府中市, 美里町). Anything else with a 本籍 is 管外.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

KANNAI = "kannai"
KANGAI = "kangai"

# 都道府県 names, in 全国地方公共団体コード order (not law-driven figures: names).
PREFECTURES = (
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
)

# The items of the 附票 (法第17条) that a change of the 住民票 passes on to the 本籍地.
TRIGGER_ITEMS = (
    "honseki",
    "hittosha",
    "shimei",
    "jusho",
    "banchi",
    "jutei_date",
    "birth_date",
    "sex",
    "juminhyo_code",
)

_SPACES = re.compile(r"[\s\u3000]+")
_GUN = re.compile(r"^[^都道府県市区町村郡\d０-９]{1,8}?郡")


def _squash(text: str) -> str:
    return _SPACES.sub("", text or "")


def honseki_kubun(
    honseki: str, *, prefecture: str, town_name: str, chomei: Iterable[str] = ()
) -> str | None:
    """``KANNAI``, ``KANGAI``, or None when there is no 本籍 to notify."""
    text = _squash(honseki)
    if not text:
        return None
    pref = next((p for p in PREFECTURES if text.startswith(p)), "")
    if pref and pref != _squash(prefecture):
        return KANGAI
    rest = text[len(pref) :]
    gun = _GUN.match(rest)
    if not rest.startswith(town_name) and gun and rest[gun.end() :].startswith(town_name):
        rest = rest[gun.end() :]
    if not rest.startswith(town_name):
        return KANGAI
    if pref:
        return KANNAI
    after = rest[len(town_name) :]
    names = sorted({_squash(c) for c in chomei if c}, key=len, reverse=True)
    return KANNAI if any(after.startswith(n) for n in names) else KANGAI


def needs_tsuchi(
    *,
    group: str,
    jiyu: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    kokugai_jotai: str,
    kokugai_jiyu: str,
    jumin_jotai: str,
    data_iko_jiyu: str,
) -> bool:
    """Whether the change from ``before`` (the version the 異動 closed; None for a 記載)
    to ``after`` owes the 本籍地 a notice. ``group`` is the 異動's group (IdoGroup value:
    ``kisai``, ``shojo``, ``shusei``, ``torikeshi``)."""
    if group == "shojo":
        return jiyu == kokugai_jiyu and after.get("jotai") == kokugai_jotai
    if after.get("jotai") != jumin_jotai or jiyu == data_iko_jiyu:
        # a 除票 (or a 取消 leaving one): the 本籍地 hears of it otherwise; a データ移行 is
        # no 住民票の記載 (the 附票 already holds the person)
        return False
    if group == "kisai":
        return True
    if before is None:
        return False  # a 取消 that undid nothing of the 住民票 (a 転出予定, say)
    return any(before.get(k) != after.get(k) for k in TRIGGER_ITEMS)
