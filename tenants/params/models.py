"""National, law-driven values per fiscal year (public schema), loaded from the
versioned data files in tenants/params/data/ and in each module's ``params_dir``. A
municipality's own 条例 values live in its schema (tenants.params.tenant) and take
precedence for that municipality."""

from django.db import models
from django.db.models import F, Q


class LawParameter(models.Model):
    key = models.CharField("キー", max_length=100)
    fiscal_year_from = models.PositiveSmallIntegerField("適用開始年度")
    fiscal_year_to = models.PositiveSmallIntegerField("適用終了年度", null=True, blank=True)
    value = models.JSONField("値")
    unit = models.CharField("単位", max_length=20, blank=True)
    label = models.CharField("名称", max_length=200)
    source = models.CharField("根拠法令", max_length=300)
    dataset = models.CharField("データファイル", max_length=100)
    dataset_version = models.PositiveIntegerField("データ版")

    class Meta:
        verbose_name = "法令パラメータ"
        verbose_name_plural = "法令パラメータ"
        ordering = ["key", "fiscal_year_from"]
        constraints = [
            models.UniqueConstraint(fields=["key", "fiscal_year_from"], name="lawparam_unique"),
            models.CheckConstraint(
                condition=Q(fiscal_year_to__isnull=True)
                | Q(fiscal_year_to__gte=F("fiscal_year_from")),
                name="lawparam_years_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.fiscal_year_from}-)"
