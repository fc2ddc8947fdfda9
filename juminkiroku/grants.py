"""The fine-grained grants 住民記録 declares (標準仕様書 10.3: 権限の分離).

The module role (閲覧/更新/管理) decides the screens; these grants decide the acts the
standard asks to separate: 抑止の設定, 解除, 一時解除, 個人番号の表示, the 本登録 of a
異動 by a reviewer and the EUC抽出 of 10.1. They are declared to the platform in
``juminkiroku/module.py`` and held in ``tenants.grants``; use these names, never the bare
strings.
"""

from django.db.models import TextChoices


class Kengen(TextChoices):
    YOKUSHI_LOCK = "yokushi_lock", "抑止の設定"
    YOKUSHI_UNLOCK = "yokushi_unlock", "抑止の解除"
    YOKUSHI_TEMP_UNLOCK = "yokushi_temp_unlock", "抑止の一時解除"
    KOJIN_BANGO_VIEW = "kojin_bango_view", "個人番号の表示"
    IDO_APPROVE = "ido_approve", "異動の本登録（審査）"
    EUC = "euc", "EUC抽出（条件を定めたデータ抽出）"
