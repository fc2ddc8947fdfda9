"""The linkage feed: one row per person per applied 異動, in commit order.

Rows are written in the 本登録 transaction under an advisory lock, so ``seq`` values
become visible in increasing order and a consumer that keeps the last ``seq`` it read
never misses a change nor reads one twice.
"""

from __future__ import annotations

from django.db import models


class RenkeiChange(models.Model):
    seq = models.BigAutoField("連携番号", primary_key=True)
    atena = models.ForeignKey(
        "juminkiroku.Atena", verbose_name="宛名", on_delete=models.PROTECT, related_name="+"
    )
    ido = models.ForeignKey(
        "juminkiroku.Ido", verbose_name="異動", on_delete=models.PROTECT, related_name="+"
    )
    rireki = models.ForeignKey(
        "juminkiroku.AtenaRireki",
        verbose_name="履歴",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    jiyu = models.CharField("異動事由", max_length=3)
    ido_date = models.DateField("異動日")
    at = models.DateTimeField("本登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "連携異動"
        verbose_name_plural = "連携異動"
        ordering = ["seq"]

    def __str__(self) -> str:
        return str(self.seq)
