"""納付書 (issue 18 item 5): every 納付書 the town printed for a 期別, with what it carried.

A row per printed slip: the amount and the コンビニ barcode on it (when the town has a
コンビニ収納 contract and the amount is within the limit), the barcode's 支払期限日 and its
再発行区分 (how many slips of the 期別 were printed before, 0–9). A store's payment names the
期別 by the 納付番号 inside the barcode; this table answers "which slip was that".
"""

from __future__ import annotations

from django.db import models


class NofushoHakko(models.Model):
    kibetsu = models.ForeignKey(
        "zeimu.Kibetsu", verbose_name="期別", on_delete=models.PROTECT, related_name="nofusho"
    )
    hakko_date = models.DateField("発行日")
    amount = models.BigIntegerField("納付額")
    saihakko = models.PositiveSmallIntegerField("再発行区分", default=0)
    #: the 44 digits of the コンビニ収納 barcode; empty when none was printed
    barcode = models.CharField("コンビニ収納バーコード", max_length=44, blank=True)
    conveni_kigen = models.DateField("コンビニ使用期限", null=True, blank=True)
    #: why no barcode was printed (no contract, over the limit …), for the clerk
    no_barcode_reason = models.CharField("バーコードなしの理由", max_length=100, blank=True)
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
        verbose_name = "納付書の発行"
        verbose_name_plural = "納付書の発行"
        indexes = [models.Index(fields=["barcode"], name="zeimu_nofusho_barcode")]

    def __str__(self) -> str:
        return f"納付書 {self.hakko_date} {self.amount:,}円"
