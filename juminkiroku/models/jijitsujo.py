"""事実上の世帯主 (標準仕様書 4.1.4.3).

A household whose real head is outside the 住民基本台帳 (a foreigner outside 法第30条の45
such as a member of the US forces or a diplomat) or a facility head (児童養護施設の施設長
等) records that person's name here; it is not a 住民 and has no 宛名. The name is printed
in the 備考 of the 統合記載欄 (C類型) of a 住民票の写し."""

from __future__ import annotations

from django.db import models


class JijitsujoSetainushi(models.Model):
    setai = models.OneToOneField(
        "juminkiroku.Setai",
        verbose_name="世帯",
        on_delete=models.PROTECT,
        related_name="jijitsujo_setainushi",
    )
    shimei = models.CharField("事実上の世帯主の氏名", max_length=100)
    riyu = models.CharField("理由", max_length=100, blank=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "事実上の世帯主"
        verbose_name_plural = "事実上の世帯主"

    def __str__(self) -> str:
        return f"{self.setai_id}"
