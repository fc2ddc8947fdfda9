"""Transactional outbox of domain events, in each municipality's own schema.

An event row is written in the same transaction as the change it reports; after
commit each subscriber gets a Delivery row and a Celery task. A subscriber that
fails is retried; one that succeeded is never run twice for the same event.
"""

from django.db import models


class DomainEvent(models.Model):
    name = models.CharField("イベント名", max_length=100, db_index=True)
    # Ids and codes only (e.g. the 宛名番号 of the person who moved): never names.
    payload = models.JSONField("内容", default=dict)
    occurred_at = models.DateTimeField("発生日時", auto_now_add=True)
    published_by = models.BigIntegerField("発生させた職員ID", null=True, blank=True)

    class Meta:
        verbose_name = "ドメインイベント"
        verbose_name_plural = "ドメインイベント"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name}#{self.pk}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "未処理"
    DONE = "done", "完了"
    FAILED = "failed", "失敗"


class Delivery(models.Model):
    event = models.ForeignKey(
        DomainEvent, verbose_name="イベント", on_delete=models.PROTECT, related_name="deliveries"
    )
    subscriber = models.CharField("購読者", max_length=200)
    status = models.CharField(
        "状態", max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField("試行回数", default=0)
    last_error = models.TextField("最後のエラー", blank=True)
    done_at = models.DateTimeField("完了日時", null=True, blank=True)

    class Meta:
        verbose_name = "イベント配信"
        verbose_name_plural = "イベント配信"
        constraints = [
            models.UniqueConstraint(fields=["event", "subscriber"], name="delivery_unique")
        ]

    def __str__(self) -> str:
        return f"{self.event_id}→{self.subscriber} ({self.status})"
