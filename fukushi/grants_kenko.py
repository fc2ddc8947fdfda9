"""The grant that opens 健康管理 records (予防接種: 要配慮個人情報), declared in fukushi/module.py.

Like 生活保護 (fukushi/grants_seiho.py): the 業務 role (閲覧/更新/管理 on 健康管理) decides
which screens a person may use; this grant decides whether they may learn anything of a
person's health records at all. Without it every screen and API answers 404 and no list,
count or export shows anything.
"""

KENKO_KIROKU = "kenko_kiroku"
KENKO_KIROKU_LABEL = "健康管理（予防接種の記録）の閲覧・登録（要配慮個人情報）"
