"""住居表示・地番 (標準仕様書 1.3.2) and 方書 (1.3.4): per-town masters under the 住所辞書.

A ``Banchi`` is one place an address may be set on: a 住居表示 (「1番2号」), a 地番
(「123番地4」), a 特殊地番 or a 区画整理 block, under one 町字 of the 住所辞書. Its 番地・枝番・号
are kept as numbers (1.3.2: 数値によりコード管理) so lists sort 2 before 10. A ``Katagaki``
is a building (アパート, マンション, 寮) tied to the 町字 and, when known, to its 番地
(1.3.4: 住所に応じた方書が紐付けられていること). Both carry a validity (有効開始日・有効終了日):
a 住居表示 実施 ends the old 地番 rather than deleting it.
"""

from __future__ import annotations

from django.db import models

from juminkiroku.models.jisho import JushoJisho


class BanchiKubun(models.TextChoices):
    JUKYO_HYOJI = "jukyo", "住居表示"
    CHIBAN = "chiban", "地番"
    TOKUSHU = "tokushu", "特殊地番"
    KUKAKU = "kukaku", "区画整理"


class Banchi(models.Model):
    jisho = models.ForeignKey(JushoJisho, verbose_name="町字", on_delete=models.PROTECT)
    kubun = models.CharField("区分", max_length=10, choices=BanchiKubun.choices)
    hyoki = models.CharField("番地表記", max_length=60)
    banchi_no = models.PositiveIntegerField("番地コード", null=True, blank=True)
    edaban_no = models.PositiveIntegerField("枝番コード", null=True, blank=True)
    go_no = models.PositiveIntegerField("号コード", null=True, blank=True)
    valid_from = models.DateField("有効開始日", null=True, blank=True)
    valid_to = models.DateField("有効終了日", null=True, blank=True)
    # The 住居表示 (or 区画整理 block) that replaced this 地番 when it ended.
    ato = models.ForeignKey(
        "self",
        verbose_name="実施後の番地",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mae",
    )

    class Meta:
        verbose_name = "住居表示・地番"
        verbose_name_plural = "住居表示・地番"
        ordering = ["jisho_id", "banchi_no", "edaban_no", "go_no", "hyoki"]
        constraints = [
            models.UniqueConstraint(fields=["jisho", "hyoki"], name="banchi_jisho_hyoki_uniq")
        ]

    def __str__(self) -> str:
        return self.hyoki


class Katagaki(models.Model):
    jisho = models.ForeignKey(JushoJisho, verbose_name="町字", on_delete=models.PROTECT)
    banchi = models.ForeignKey(
        Banchi, verbose_name="番地", on_delete=models.PROTECT, null=True, blank=True
    )
    name = models.CharField("方書", max_length=120)
    kana = models.CharField("方書フリガナ", max_length=200, blank=True)
    valid_from = models.DateField("有効開始日", null=True, blank=True)
    valid_to = models.DateField("有効終了日", null=True, blank=True)

    class Meta:
        verbose_name = "方書"
        verbose_name_plural = "方書"
        ordering = ["jisho_id", "kana", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["jisho", "banchi", "name"], name="katagaki_place_name_uniq"
            )
        ]

    def __str__(self) -> str:
        return self.name
