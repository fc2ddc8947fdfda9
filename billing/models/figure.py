from django.db import models

from billing.models.base import ConsortiumYear


class MemberFigure(ConsortiumYear):
    """A basis figure the office enters for one member and year (職員数 …), used by the
    allocation rules under ``key`` next to the figures the platform counts itself."""

    municipality = models.ForeignKey(
        "tenants.Municipality", verbose_name="構成団体", on_delete=models.PROTECT, related_name="+"
    )
    key = models.CharField("数値の名前", max_length=50, help_text="例: staff（職員数）")
    value = models.BigIntegerField("値")
    source = models.CharField("出典", max_length=200, blank=True)
    entered_by = models.ForeignKey(
        "tenants.StaffUser", verbose_name="入力者", on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField("入力日時", auto_now=True)

    class Meta:
        verbose_name = "団体別の数値"
        verbose_name_plural = "団体別の数値"
        ordering = ["consortium", "fiscal_year", "key", "municipality__dantai_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["consortium", "fiscal_year", "municipality", "key"],
                name="memberfigure_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="memberfigure_value_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year}年度 {self.municipality_id} {self.key}={self.value}"
