"""The 業務 codes 税務 implements: rows of tenants/data/gyomu_catalogue.json.

Use these names, never the bare strings: a code is written once, here.
"""

KOJIN_JUMINZEI = "kojin_juminzei"  # 個人住民税
KOTEI_SHISANZEI = "kotei_shisanzei"  # 固定資産税（土地・家屋）と都市計画税
SHUNO_KANRI = "shuno_kanri"  # 収納管理 (issue 18)
KEI_JIDOSHAZEI = "kei_jidoshazei"  # 軽自動車税（種別割）

HOJIN_JUMINZEI = "hojin_juminzei"  # 法人住民税
JIGYOSHOZEI = "jigyoshozei"  # 事業所税（指定都市等のみ課税）

ALL = (
    KOJIN_JUMINZEI,
    KOTEI_SHISANZEI,
    SHUNO_KANRI,
    KEI_JIDOSHAZEI,
    HOJIN_JUMINZEI,
    JIGYOSHOZEI,
)
