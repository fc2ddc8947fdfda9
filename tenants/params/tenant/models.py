from django.db import models
from django.db.models import F, Q


class MunicipalParameter(models.Model):
    """A value this municipality sets by its own 条例 (e.g. a 超過課税 rate)."""

    key = models.CharField("キー", max_length=100)
    fiscal_year_from = models.PositiveSmallIntegerField("適用開始年度")
    fiscal_year_to = models.PositiveSmallIntegerField("適用終了年度", null=True, blank=True)
    value = models.JSONField("値")
    source = models.CharField("根拠（条例名・条項）", max_length=300)
    created_by = models.CharField("登録者", max_length=150)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "団体別パラメータ"
        verbose_name_plural = "団体別パラメータ"
        ordering = ["key", "fiscal_year_from"]
        constraints = [
            models.UniqueConstraint(fields=["key", "fiscal_year_from"], name="muniparam_unique"),
            models.CheckConstraint(
                condition=Q(fiscal_year_to__isnull=True)
                | Q(fiscal_year_to__gte=F("fiscal_year_from")),
                name="muniparam_years_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.fiscal_year_from}-)"


class MunicipalParameterChange(models.Model):
    """One change of a 条例 value by the town's administrator (the audit trail the
    parameter screen shows): who, when, for which 年度 onward, old and new value, and
    the 条例 or reason given."""

    key = models.CharField("キー", max_length=100)
    fiscal_year = models.PositiveSmallIntegerField("適用開始年度")
    # null: there was no town value (the law's value applied).
    old_value = models.JSONField("変更前の値", null=True, blank=True)
    new_value = models.JSONField("変更後の値")
    reason = models.CharField("根拠（条例名・条項）・理由", max_length=300)
    changed_by = models.CharField("変更者", max_length=150)
    changed_at = models.DateTimeField("変更日時", auto_now_add=True)

    class Meta:
        verbose_name = "団体別パラメータの変更履歴"
        verbose_name_plural = "団体別パラメータの変更履歴"
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["key", "changed_at"], name="muniparam_change_key_idx")]

    def __str__(self) -> str:
        return f"{self.key} {self.fiscal_year} ({self.changed_at:%Y-%m-%d})"
