"""印鑑登録 (印鑑登録証明事務処理要領)."""

from __future__ import annotations

from django.db import models

from juminkiroku.codes import InkanStatus


class InkanToroku(models.Model):
    atena = models.ForeignKey(
        "juminkiroku.Atena", verbose_name="登録者", on_delete=models.PROTECT, related_name="inkan"
    )
    card_no = models.CharField("印鑑登録証番号", max_length=12, unique=True)
    inei = models.BinaryField("印影（PNG）")
    inei_sha256 = models.CharField("印影のハッシュ", max_length=64)
    toroku_date = models.DateField("登録日")
    status = models.CharField(
        "状態", max_length=10, choices=InkanStatus.choices, default=InkanStatus.TOROKU
    )
    ended_date = models.DateField("廃止・亡失日", null=True, blank=True)
    ended_reason = models.CharField("廃止等の理由", max_length=200, blank=True)
    ended_by_ido = models.ForeignKey(
        "juminkiroku.Ido",
        verbose_name="抹消の原因となった異動",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.CharField("登録者（職員）", max_length=150)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "印鑑登録"
        verbose_name_plural = "印鑑登録"
        constraints = [
            models.UniqueConstraint(
                fields=["atena"],
                condition=models.Q(status="toroku"),
                name="inkan_one_active_per_person",
            )
        ]

    def __str__(self) -> str:
        return self.card_no
