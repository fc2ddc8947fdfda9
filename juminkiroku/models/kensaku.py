"""検索履歴 (標準仕様書 2.1.1): the criteria each staff user searched with, kept per user
in the town's own schema (so a town never sees another's), newest first, the last
``juminkiroku.services.kensaku.KEEP`` of them."""

from __future__ import annotations

from django.db import models


class KensakuRireki(models.Model):
    user_id = models.IntegerField("ユーザID")
    criteria = models.JSONField("検索条件")
    used_at = models.DateTimeField("検索日時")

    class Meta:
        verbose_name = "検索履歴"
        verbose_name_plural = "検索履歴"
        indexes = [models.Index(fields=["user_id", "-used_at"], name="kensaku_rireki_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.used_at:%Y-%m-%d %H:%M}"
