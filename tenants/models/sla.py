"""Figures for the SLA (issue 22 item 3), in the public schema: they are the data
centre's, per town only by the town's schema name and never about a person.

- HealthProbe: one row per minute and component, written by the probe job
  (tenants/sla/probes.py). A minute with no row is a minute nobody could probe.
- ResponseTimeBucket: a month's histogram of response times per town, kind (screen or
  API) and URL name; the middleware counts in Redis, a job folds the counts in here
  every minute (tenants/sla/metrics.py), so a request never writes a row.
- ActiveUsersWindow: distinct signed-in users per town per 5-minute window.
"""

from django.db import models


class Component(models.TextChoices):
    WEB = "web", "ウェブ"
    DB = "db", "データベース"
    REDIS = "redis", "キュー（Redis）"
    WORKER = "worker", "バッチ処理（ワーカー）"


class RequestKind(models.TextChoices):
    SCREEN = "screen", "画面"
    API = "api", "API"


class HealthProbe(models.Model):
    minute = models.DateTimeField("時刻（分）")
    component = models.CharField("構成要素", max_length=10, choices=Component.choices)
    up = models.BooleanField("稼働")
    latency_ms = models.PositiveIntegerField("応答時間（ミリ秒）", null=True, blank=True)

    class Meta:
        verbose_name = "死活監視の記録"
        verbose_name_plural = "死活監視の記録"
        constraints = [
            models.UniqueConstraint(fields=["minute", "component"], name="sla_probe_minute_uniq")
        ]
        indexes = [models.Index(fields=["component", "minute"], name="sla_probe_comp_idx")]

    def __str__(self) -> str:
        return f"{self.minute:%Y-%m-%d %H:%M} {self.component} {self.up}"


class ResponseTimeBucket(models.Model):
    month = models.DateField("月（1日）")
    schema_name = models.CharField("スキーマ名", max_length=63)
    kind = models.CharField("種別", max_length=10, choices=RequestKind.choices)
    name = models.CharField("画面・API（URL名）", max_length=150)
    # counts per upper bound (tenants.sla.metrics.BOUNDS_MS; the last is "above")
    counts = models.JSONField("件数（区間別）", default=list)
    total = models.PositiveBigIntegerField("件数", default=0)
    sum_ms = models.PositiveBigIntegerField("合計時間（ミリ秒）", default=0)

    class Meta:
        verbose_name = "応答時間の集計"
        verbose_name_plural = "応答時間の集計"
        constraints = [
            models.UniqueConstraint(
                fields=["month", "schema_name", "kind", "name"], name="sla_rt_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.schema_name} {self.name}"


class ActiveUsersWindow(models.Model):
    start = models.DateTimeField("時間帯の開始")
    schema_name = models.CharField("スキーマ名", max_length=63)
    users = models.PositiveIntegerField("同時接続利用者数")

    class Meta:
        verbose_name = "同時接続利用者数"
        verbose_name_plural = "同時接続利用者数"
        constraints = [
            models.UniqueConstraint(fields=["start", "schema_name"], name="sla_users_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d %H:%M} {self.schema_name} {self.users}"
