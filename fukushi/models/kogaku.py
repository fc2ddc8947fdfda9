"""高額障害福祉サービス等給付費 (障害者総合支援法第76条の2; SG-87):

- ``KogakuShinsei``: one 世帯's application for one month — the 申請者, the month, the
  合算額, the 基準額 and the 支給額 with every figure used (``konkyo``), the 決定 (支給 or 却下)
  and the account it is paid to;
- ``KogakuMeisai``: each 利用者負担 summed or left out (whose, what, from which record);
- ``KogakuShiharai``: a payment run of the decided applications (one 全銀 総合振込 file).
"""

from __future__ import annotations

from django.db import models

from fukushi.models.furikomi import FurikomiKoza, FurikomiRun

__all__ = ["KogakuJotai", "KogakuMeisai", "KogakuShiharai", "KogakuShinsei"]


class KogakuJotai(models.TextChoices):
    UKETSUKE = "uketsuke", "受付"
    KETTEI = "kettei", "支給決定"
    KYAKKA = "kyakka", "却下"
    SHIHARAI = "shiharai", "支払済"


class KogakuShiharai(FurikomiRun):
    class Meta:
        verbose_name = "高額障害福祉サービス等給付費の支払"
        verbose_name_plural = "高額障害福祉サービス等給付費の支払"

    def __str__(self) -> str:
        return f"高額障害福祉サービス等給付費の支払 {self.pk}"


class KogakuShinsei(FurikomiKoza):
    shinseisha_atena_id = models.BigIntegerField("申請者の宛名ID", db_index=True)
    taisho_ym = models.DateField("対象年月（月の1日）")
    shinsei_date = models.DateField("申請日")
    gassan = models.PositiveIntegerField("合算額（円）")
    kijungaku = models.PositiveIntegerField("世帯の基準額（円）")
    shikyu_gaku = models.PositiveIntegerField("支給額（円）")
    konkyo = models.JSONField("算定に用いた値", default=list, blank=True)
    jotai = models.CharField("状態", max_length=10, choices=KogakuJotai.choices)
    kettei_date = models.DateField("決定日", null=True, blank=True)
    kyakka_riyu = models.CharField("却下の理由", max_length=200, blank=True, default="")
    shiharai = models.ForeignKey(
        KogakuShiharai,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shinsei",
        verbose_name="支払",
    )
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "高額障害福祉サービス等給付費の申請"
        verbose_name_plural = "高額障害福祉サービス等給付費の申請"

    def __str__(self) -> str:
        return f"高額障害福祉サービス等給付費の申請 {self.pk}"


class KogakuMeisai(models.Model):
    shinsei = models.ForeignKey(
        KogakuShinsei, on_delete=models.CASCADE, related_name="meisai", verbose_name="申請"
    )
    junban = models.PositiveSmallIntegerField("順番")
    atena_id = models.BigIntegerField("利用者の宛名ID")
    kubun = models.CharField("区分", max_length=10)
    record_type = models.CharField("根拠の記録の種類", max_length=40)
    record_id = models.BigIntegerField("根拠の記録のID")
    gaku = models.PositiveIntegerField("利用者負担額（円）")
    gassan = models.BooleanField("合算した", default=True)
    naiyo = models.CharField("内容（合算しない理由を含む）", max_length=300)

    class Meta:
        verbose_name = "高額障害福祉サービス等給付費の明細"
        verbose_name_plural = "高額障害福祉サービス等給付費の明細"
        ordering = ["shinsei", "junban"]

    def __str__(self) -> str:
        return f"高額障害福祉サービス等給付費の明細 {self.pk}"
