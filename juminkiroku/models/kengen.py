"""Fine-grained 住民記録 permissions beyond the module role level (標準仕様書 10.3).

The module role (閲覧/更新/管理) decides the screens; these grants decide the acts the
standard asks to separate: 抑止の設定, 解除, 一時解除, and 個人番号の表示.
"""

from __future__ import annotations

from django.db import models


class Kengen(models.TextChoices):
    YOKUSHI_LOCK = "yokushi_lock", "抑止の設定"
    YOKUSHI_UNLOCK = "yokushi_unlock", "抑止の解除"
    YOKUSHI_TEMP_UNLOCK = "yokushi_temp_unlock", "抑止の一時解除"
    KOJIN_BANGO_VIEW = "kojin_bango_view", "個人番号の表示"
    IDO_APPROVE = "ido_approve", "異動の本登録（審査）"


class KengenGrant(models.Model):
    user_id = models.BigIntegerField("職員ID")
    kengen = models.CharField("権限", max_length=30, choices=Kengen.choices)
    granted_by = models.CharField("付与者", max_length=150)
    granted_at = models.DateTimeField("付与日時", auto_now_add=True)

    class Meta:
        verbose_name = "住民記録の操作権限"
        verbose_name_plural = "住民記録の操作権限"
        constraints = [
            models.UniqueConstraint(fields=["user_id", "kengen"], name="kengen_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.kengen}"
