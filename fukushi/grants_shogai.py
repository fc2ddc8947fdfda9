"""The grant that opens 障害者手帳 and 心身障害者医療 records (要配慮個人情報: 心身の機能の障害,
個人情報保護法施行令第2条第1号), declared in fukushi/module.py.

As for 生活保護 (fukushi/grants_seiho.py): the 業務 role decides which screens a person may
use; this grant decides whether they may learn anything of a person's 手帳 or 受給者証. Without
it every record screen and API answers 404, searches and lists show nothing, no count is shown.
"""

SHOGAI_TECHO = "shogai_techo"
SHOGAI_TECHO_LABEL = (
    "障害者福祉（手帳・手当・自立支援給付）・心身障害者医療の閲覧・登録（要配慮個人情報）"
)
