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
