"""The 業務 codes 国民健康保険 implements: rows of tenants/data/gyomu_catalogue.json.

Use these names, never the bare strings: a code is written once, here.
``KOKUHO_SHIKAKU`` and ``KOKUHO_FUKA`` ship (implemented); 給付, 国民年金 and
後期高齢者医療 are the catalogue's later rows of the same app (issue 15 items 4–6).
"""

KOKUHO_SHIKAKU = "kokuho_shikaku"  # 国民健康保険（資格）

ALL: tuple[str, ...] = (KOKUHO_SHIKAKU,)

KOKUHO_FUKA = "kokuho_fuka"  # 国民健康保険（賦課）: 本算定・更正・納税通知書・試算
ALL = (*ALL, KOKUHO_FUKA)
