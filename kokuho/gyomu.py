"""The 業務 codes 国民健康保険 implements: rows of tenants/data/gyomu_catalogue.json.

Use these names, never the bare strings: a code is written once, here.
``KOKUHO_SHIKAKU`` and ``KOKUHO_FUKA`` ship (implemented); 給付, 国民年金 and
後期高齢者医療 are the catalogue's later rows of the same app (issue 15 items 4–6).
"""

KOKUHO_SHIKAKU = "kokuho_shikaku"  # 国民健康保険（資格）
# 国民健康保険（給付）: 限度額適用認定, 高額療養費, 出産育児一時金, 葬祭費
KOKUHO_KYUFU = "kokuho_kyufu"

ALL: tuple[str, ...] = (KOKUHO_SHIKAKU, KOKUHO_KYUFU)

# issue 15 items 5–6: the town's part of 後期高齢者医療 and 国民年金 (same app)
KOKI_IRYO = "koki_koreisha_iryo"  # 後期高齢者医療
KOKUMIN_NENKIN = "kokumin_nenkin"  # 国民年金

KOKUHO_FUKA = "kokuho_fuka"  # 国民健康保険（賦課）: 本算定・更正・納税通知書・試算
ALL = (*ALL, KOKI_IRYO, KOKUMIN_NENKIN, KOKUHO_FUKA)
