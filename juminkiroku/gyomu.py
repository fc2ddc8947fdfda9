"""The 業務 codes 住民記録 implements: rows of tenants/data/gyomu_catalogue.json.

Use these names, never the bare strings: a code is written once, here.
"""

JUMINKIROKU = "juminkiroku"  # 住民基本台帳
ATENA_KANRI = "atena_kanri"  # 宛名・住登外管理
INKAN_TOROKU = "inkan_toroku"  # 印鑑登録
JUKINET_RENKEI = "jukinet_renkei"  # 住基ネット連携
SENKYO = "senkyo"  # 選挙人名簿管理
GAKUREIBO = "gakureibo"  # 就学（学齢簿）

ALL = (JUMINKIROKU, ATENA_KANRI, INKAN_TOROKU, JUKINET_RENKEI, SENKYO, GAKUREIBO)
