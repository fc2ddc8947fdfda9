"""The grant that opens 生活保護 cases (要配慮個人情報), declared in fukushi/module.py.

The 業務 role (閲覧/更新/管理 on 生活保護) decides which screens a person may use; this
grant decides whether they may learn anything of a case at all. Without it every case
screen and API answers 404, searches and lists show nothing, and no count is shown.
"""

SEIHO_CASE = "seiho_case"
SEIHO_CASE_LABEL = "生活保護ケースの閲覧・決定（要配慮個人情報）"
