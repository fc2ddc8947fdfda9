"""証明書の交付履歴 (標準仕様書 1.3.8). Every issue is a row; a voided one (処分) stays."""

from __future__ import annotations

from django.db import models

from juminkiroku.codes import Seikyusha, ShomeiKind, ShomeiLayout


class ShomeiKofu(models.Model):
    hakko_no = models.CharField("発行番号", max_length=20, unique=True)
    kind = models.CharField("証明書の種類", max_length=10, choices=ShomeiKind.choices)
    layout = models.CharField("様式", max_length=10, choices=ShomeiLayout.choices, blank=True)
    atena_ids = models.JSONField("対象者（宛名ID）", default=list)
    setai = models.ForeignKey(
        "juminkiroku.Setai",
        verbose_name="世帯",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Which optional items were printed (世帯主・続柄, 本籍・筆頭者, 住民票コード, 個人番号, 履歴).
    items = models.JSONField("記載事項", default=dict)
    copies = models.PositiveSmallIntegerField("通数", default=1)
    pages = models.PositiveIntegerField("頁数", default=1)
    kojin_bango_printed = models.BooleanField("個人番号の記載", default=False)
    seikyusha = models.CharField(
        "請求者", max_length=10, choices=Seikyusha.choices, default=Seikyusha.HONNIN
    )
    issued_at = models.DateTimeField("発行日時", auto_now_add=True, db_index=True)
    issued_by_id = models.BigIntegerField("発行者ID", null=True, blank=True)
    issued_by = models.CharField("発行者", max_length=150)
    terminal = models.CharField("端末", max_length=100, blank=True)
    voided_at = models.DateTimeField("処分日時", null=True, blank=True)
    voided_by = models.CharField("処分者", max_length=150, blank=True)
    void_reason = models.CharField("処分理由", max_length=200, blank=True)

    class Meta:
        verbose_name = "証明書交付履歴"
        verbose_name_plural = "証明書交付履歴"
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.hakko_no
