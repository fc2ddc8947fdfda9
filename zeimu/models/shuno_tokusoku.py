"""督促 (issue 18 item 6): one ``Tokusoku`` per 期別 still unpaid after its 納期限.

A 督促状 is sent once per 期別 (地方税法第329条第1項ほか: within 20 days after the 納期限);
the unique 期別 makes the 督促 job idempotent (a chunk run again writes nothing new). The
row keeps what was printed: the 発付日, the 指定期限 (発付日 + 10日, the day after which the
law orders 差押え, 第331条第1項第1号ほか), the balance and the 督促手数料 of the town's 条例,
and whether it was sent after the 20 days (``late``: sent anyway, flagged for review).
"""

from __future__ import annotations

from django.db import models


class Tokusoku(models.Model):
    kibetsu = models.OneToOneField(
        "zeimu.Kibetsu", verbose_name="期別", on_delete=models.PROTECT, related_name="tokusoku"
    )
    hakko_date = models.DateField("発付日")
    shitei_kigen = models.DateField("指定期限")
    zan = models.BigIntegerField("督促時の未納額")
    tesuryo = models.PositiveIntegerField("督促手数料", default=0)
    #: sent more than ``zeimu.shuno.tokusoku.nissu`` days after the 納期限
    late = models.BooleanField("20日超過", default=False)
    job = models.ForeignKey(
        "jobs.Job",
        verbose_name="処理",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "督促"
        verbose_name_plural = "督促"

    def __str__(self) -> str:
        return f"督促 {self.hakko_date}"
