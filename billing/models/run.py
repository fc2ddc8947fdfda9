from django.db import models

from billing.models.base import ConsortiumYear


class AllocationRun(ConsortiumYear):
    """One allocation, kept with its complete inputs so it can be reproduced exactly."""

    run_by = models.ForeignKey(
        "tenants.StaffUser", verbose_name="実行者", on_delete=models.PROTECT, related_name="+"
    )
    run_at = models.DateTimeField("実行日時", auto_now_add=True)
    # Pools with their rules, each member's figures, former costs and the guarantee rate.
    inputs = models.JSONField("入力")
    total_yen = models.BigIntegerField("合計（円）")

    class Meta:
        verbose_name = "按分結果"
        verbose_name_plural = "按分結果"
        ordering = ["-run_at", "-id"]

    def __str__(self) -> str:
        return f"{self.fiscal_year}年度 按分 #{self.pk}"


class AllocationShare(models.Model):
    run = models.ForeignKey(
        AllocationRun, verbose_name="按分結果", on_delete=models.CASCADE, related_name="shares"
    )
    municipality = models.ForeignKey(
        "tenants.Municipality", verbose_name="構成団体", on_delete=models.PROTECT, related_name="+"
    )
    pool_name = models.CharField("費目", max_length=100)
    rule_description = models.CharField("按分方法", max_length=300)
    amount_yen = models.BigIntegerField("負担額（円）")
    basis = models.JSONField("算定基礎", default=dict)
    steps = models.JSONField("計算過程", default=list)

    class Meta:
        verbose_name = "負担額"
        verbose_name_plural = "負担額"
        ordering = ["run", "municipality__dantai_code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "municipality", "pool_name"], name="share_unique_pool"
            )
        ]

    def __str__(self) -> str:
        return f"{self.pool_name} {self.amount_yen}"
