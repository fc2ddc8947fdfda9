"""The 業務 code 介護保険 implements: a row of tenants/data/gyomu_catalogue.json.

Use this name, never the bare string: the code is written once, here. The catalogue has
one row for 介護保険 (資格・賦課・認定・給付 as one module); what ships today is 資格 (issue 16
item 1) and the 第1号保険料 rules beside it; 賦課 jobs, 認定 and 給付 come later.
"""

KAIGO_HOKEN = "kaigo_hoken"  # 介護保険

ALL = (KAIGO_HOKEN,)
