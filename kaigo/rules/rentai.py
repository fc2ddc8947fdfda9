"""連帯納付義務 of the 第1号被保険者's 介護保険料 collected by 普通徴収 (pure).

介護保険法第132条 (普通徴収に係る保険料の納付義務; text as quoted by Wikibooks,
http://ja.wikibooks.org/wiki/介護保険法第132条, not checked against e-Gov):

- 第1項: the 第1号被保険者 pays their own premium collected by 普通徴収;
- 第2項: the 世帯主 is jointly liable for the premium of a 第1号被保険者 *belonging to the
  household* (当該世帯に属する第一号被保険者);
- 第3項: one spouse is jointly liable for the premium of the other, a 第1号被保険者.

Both bind only 普通徴収 (a premium withheld from a pension is nobody else's); the ledger
holds only the 普通徴収 期 of 介護保険料 (``kaigo.services.fuka_chotei``). The article is
worded as 高齢者の医療の確保に関する法律第108条 is, so the judgment from the registry is the
platform's (``tenants.rentai_rule``: 世帯主, spouse by 続柄, 父・母 taken as spouses by
inference, what is 未確認); this module names the grounds with 第132条.
"""

from __future__ import annotations

from tenants.rentai_rule import Konkyo

KONKYO_SETAINUSHI = "世帯主（介護保険法第132条第2項）"
KONKYO_HAIGUSHA = "配偶者（同法第132条第3項）"
KONKYO_HAIGUSHA_SUITEI = "配偶者と推定（同法第132条第3項。続柄が父・母のため、戸籍で確認が必要）"
KAIGO_KONKYO = Konkyo(KONKYO_SETAINUSHI, KONKYO_HAIGUSHA, KONKYO_HAIGUSHA_SUITEI)
