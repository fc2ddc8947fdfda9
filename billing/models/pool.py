from django.db import models

from billing.models.base import ConsortiumYear


class RemainderMethod(models.TextChoices):
    """How shares below the rounding unit are treated (billing.rules.rounding)."""

    LARGEST_REMAINDER = "largest_remainder", "最大剰余法で配分（負担額の合計を金額に一致させる）"
    TRUNCATE = "truncate", "単位未満を切り捨て（配分しない。不足額は組合が負担）"


class TieBreak(models.TextChoices):
    """Who goes first among equal remainders (largest-remainder method)."""

    SHARE = "share", "端数処理前の負担額が大きい団体から（同額なら団体コード順）"
    POPULATION = "population", "人口（公表値）の多い団体から（同数なら団体コード順）"
    DANTAI_CODE = "dantai_code", "団体コード順"


class CostPool(ConsortiumYear):
    """One cost of one fiscal year (組合運営費, システム利用料 …) and how it is split."""

    name = models.CharField("費目", max_length=100)
    # None for metered pools: their total is the sum of the members' charges.
    amount_yen = models.BigIntegerField("金額（円）", null=True, blank=True)
    rule = models.JSONField("按分ルール", help_text="billing.rules.codec の形式")
    rounding_unit_yen = models.PositiveIntegerField("端数処理単位（円）", default=1)
    remainder_method = models.CharField(
        "端数の処理",
        max_length=20,
        choices=RemainderMethod.choices,
        default=RemainderMethod.LARGEST_REMAINDER,
    )
    tie_break = models.CharField(
        "同じ端数の順位",
        max_length=20,
        choices=TieBreak.choices,
        default=TieBreak.SHARE,
        help_text="最大剰余法で端数が同じ団体が並んだときに、先に1単位を配分する団体の決め方",
    )
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
