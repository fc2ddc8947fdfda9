"""The 業務 codes 国民健康保険 implements: rows of tenants/data/gyomu_catalogue.json.

Use these names, never the bare strings: a code is written once, here. Only
``KOKUHO_SHIKAKU`` ships (implemented); 賦課, 給付, 国民年金 and 後期高齢者医療 are the
catalogue's later rows of the same app (issue 15 items 2–6).
"""

KOKUHO_SHIKAKU = "kokuho_shikaku"  # 国民健康保険（資格）
# 国民健康保険（給付）: 限度額適用認定, 高額療養費, 出産育児一時金, 葬祭費
KOKUHO_KYUFU = "kokuho_kyufu"

ALL: tuple[str, ...] = (KOKUHO_SHIKAKU, KOKUHO_KYUFU)

# issue 15 items 5–6: the town's part of 後期高齢者医療 and 国民年金 (same app)
KOKI_IRYO = "koki_koreisha_iryo"  # 後期高齢者医療
KOKUMIN_NENKIN = "kokumin_nenkin"  # 国民年金

ALL = (*ALL, KOKI_IRYO, KOKUMIN_NENKIN)
