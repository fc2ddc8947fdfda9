from django.db import models

from billing.models.base import ConsortiumYear


class CostPool(ConsortiumYear):
    """One cost of one fiscal year (組合運営費, システム利用料 …) and how it is split."""

    name = models.CharField("費目", max_length=100)
    # None for metered pools: their total is the sum of the members' charges.
    amount_yen = models.BigIntegerField("金額（円）", null=True, blank=True)
    rule = models.JSONField("按分ルール", help_text="billing.rules.codec の形式")
    rounding_unit_yen = models.PositiveIntegerField("端数処理単位（円）", default=1)
    sort = models.PositiveIntegerField("表示順", default=0)

    class Meta:
        verbose_name = "費用区分"
        verbose_name_plural = "費用区分"
        ordering = ["consortium", "fiscal_year", "sort", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consortium", "fiscal_year", "name"], name="costpool_unique_name"
            ),
            models.CheckConstraint(
                condition=models.Q(amount_yen__isnull=True) | models.Q(amount_yen__gte=0),
                name="costpool_amount_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year}年度 {self.name}"


class FormerCost(ConsortiumYear):
    """A member's cost before joining (現行経費), for the savings guarantee."""

    municipality = models.ForeignKey(
        "tenants.Municipality", verbose_name="構成団体", on_delete=models.PROTECT, related_name="+"
    )
    amount_yen = models.BigIntegerField("現行経費（円）")

    class Meta:
        verbose_name = "現行経費"
        verbose_name_plural = "現行経費"
        constraints = [
            models.UniqueConstraint(
                fields=["consortium", "fiscal_year", "municipality"], name="formercost_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year}年度 {self.municipality_id}"
