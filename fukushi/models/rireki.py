"""The columns every 受給者 履歴 of 福祉 holds (児童扶養手当, 医療費助成): one abstract base, each
part adding its own foreign key to its 受給者."""

from __future__ import annotations

from django.db import models


class JukyushaRirekiBase(models.Model):
    """One change of a 受給者, in order; ``event_id`` is the registry event that caused it."""

    kind = models.CharField("種類", max_length=16)
    naiyo = models.CharField("内容", max_length=300)
    event_id = models.BigIntegerField("イベントID", null=True, blank=True)
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("日時", auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]
