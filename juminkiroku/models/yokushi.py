"""抑止 (標準仕様書 3.1) and DV等支援措置 (3.4)."""

from __future__ import annotations

from django.db import models

from juminkiroku.codes import YokushiLevel, YokushiProcess


class Yokushi(models.Model):
    """A lock on one person or one household for one process, as an error or an alert."""

    atena = models.ForeignKey(
        "juminkiroku.Atena",
        verbose_name="対象者",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="yokushi",
    )
    setai = models.ForeignKey(
        "juminkiroku.Setai",
        verbose_name="対象世帯",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="yokushi",
    )
    process = models.CharField("抑止する処理", max_length=10, choices=YokushiProcess.choices)
    level = models.CharField("区分", max_length=10, choices=YokushiLevel.choices)
    start_date = models.DateField("開始日")
    end_date = models.DateField("終了日", null=True, blank=True)
    reason = models.CharField("理由", max_length=200)
    shien_sochi = models.ForeignKey(
        "juminkiroku.ShienSochi",
        verbose_name="支援措置",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="yokushi",
    )
    temp_unlock_until = models.DateTimeField("一時解除の期限", null=True, blank=True)
    temp_unlock_by = models.CharField("一時解除者", max_length=150, blank=True)
    released_at = models.DateTimeField("解除日時", null=True, blank=True)
    released_by = models.CharField("解除者", max_length=150, blank=True)
    created_by = models.CharField("設定者", max_length=150)
    created_at = models.DateTimeField("設定日時", auto_now_add=True)

    class Meta:
        verbose_name = "抑止"
        verbose_name_plural = "抑止"
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(atena__isnull=False, setai__isnull=True)
                    | models.Q(atena__isnull=True, setai__isnull=False)
                ),
                name="yokushi_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_process_display()}抑止 #{self.pk}"


class ShienSochi(models.Model):
    """DV・ストーカー・児童虐待等の被害者への支援措置 (住民基本台帳事務処理要領 第5-10)."""

    atena = models.ForeignKey(
        "juminkiroku.Atena",
        verbose_name="支援対象者",
        on_delete=models.PROTECT,
        related_name="shien",
    )
    start_date = models.DateField("支援開始日")
    end_date = models.DateField("支援終了日")
    extended_from = models.ForeignKey(
        "self",
        verbose_name="延長元",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="extensions",
    )
    moshide_date = models.DateField("申出日")
    note = models.CharField("備考", max_length=200, blank=True)
    ended_at = models.DateTimeField("終了処理日時", null=True, blank=True)
    created_by = models.CharField("登録者", max_length=150)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "支援措置"
        verbose_name_plural = "支援措置"

    def __str__(self) -> str:
        return f"支援措置 #{self.pk}"
