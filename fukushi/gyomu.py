"""The 業務 codes 福祉・子ども implements: rows of tenants/data/gyomu_catalogue.json.

Use these names, never the bare strings: each code is written once, here. Issue 20 builds
the 子ども side (児童手当, 児童扶養手当, 保育, 子ども医療・ひとり親医療); issue 21 the
障害者福祉・心身障害者医療・生活保護・健康管理 side.
"""

JIDO_TEATE = "jido_teate"  # 児童手当
JIDO_FUYO_TEATE = "jido_fuyo_teate"  # 児童扶養手当
KODOMO_KOSODATE = "kodomo_kosodate"  # 子ども・子育て支援（保育の認定・入所）
HOIKURYO = "hoikuryo"  # 保育料
NYUYOJI_IRYO = "nyuyoji_iryo"  # 乳幼児医療（子ども医療費助成）
HITORIOYA_IRYO = "hitorioya_iryo"  # ひとり親家庭等医療
SEIKATSU_HOGO = "seikatsu_hogo"  # 生活保護 (issue 21 item 3)
SHOGAISHA_FUKUSHI = "shogaisha_fukushi"  # 障害者福祉（障害者手帳） (issue 21 item 1)
SHINSHIN_SHOGAISHA_IRYO = "shinshin_shogaisha_iryo"  # 心身障害者医療 (issue 21 item 2)
KENKO_KANRI = "kenko_kanri"  # 健康管理（予防接種） (issue 21 item 4)

# 子ども・子育て (issue 20)
KODOMO = (JIDO_TEATE, JIDO_FUYO_TEATE, KODOMO_KOSODATE, HOIKURYO, NYUYOJI_IRYO, HITORIOYA_IRYO)

# 障害者福祉・生活保護 (issue 21)
SHOGAI = (SEIKATSU_HOGO, SHOGAISHA_FUKUSHI, SHINSHIN_SHOGAISHA_IRYO, KENKO_KANRI)

ALL = KODOMO + SHOGAI
