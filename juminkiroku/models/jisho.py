"""住所辞書 (標準仕様書 1.3.3) and 地区 (1.3.5): the town's own addresses."""

from __future__ import annotations

from django.db import models


class Chiku(models.Model):
    code = models.CharField("地区コード", max_length=10, unique=True)
    name = models.CharField("地区名", max_length=60)

    class Meta:
        verbose_name = "地区"
        verbose_name_plural = "地区"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class JushoJisho(models.Model):
    jusho_code = models.CharField("住所コード", max_length=20, unique=True)
    postal_code = models.CharField("郵便番号", max_length=7)
    name = models.CharField("町字", max_length=120)
    kana = models.CharField("町字フリガナ", max_length=200, blank=True)
    chiku = models.ForeignKey(
        Chiku, verbose_name="地区", on_delete=models.PROTECT, null=True, blank=True
    )

    class Meta:
        verbose_name = "住所辞書"
        verbose_name_plural = "住所辞書"
        ordering = ["jusho_code"]

    def __str__(self) -> str:
        return self.name
