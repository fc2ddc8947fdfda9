"""A town's 外字 and what each was decided to be in 文字情報基盤 (MJ): tenant schema.

A 外字 arrives as the private-use code point (U+E000–U+F8FF) the old system's files carry,
with the vendor's own code for it, and a glyph image (PNG, re-encoded) or a description.
A decision names one MJ文字図形名 and stores the characters that draw it (UCS and its
IVS); every decision, and every undoing of one, is a ``GaijiKettei`` row (who, when, why),
never overwritten. The table holds no personal data: a glyph is not a person.
"""

from __future__ import annotations

from django.db import models


class Gaiji(models.Model):
    vendor = models.CharField("移行元システム", max_length=60)
    pua = models.PositiveIntegerField("私用領域の符号位置")  # U+E000–U+F8FF as an int
    kyu_code = models.CharField("移行元の文字コード", max_length=20, blank=True)
    setsumei = models.CharField("字形の説明", max_length=200, blank=True)
    glyph_png = models.BinaryField("字形画像（PNG）", null=True, blank=True)
    mj = models.CharField("MJ文字図形名", max_length=8, blank=True)
    moji = models.CharField("対応する文字（UCS・IVS）", max_length=8, blank=True)
    created_by = models.CharField("登録者", max_length=150)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    decided_by = models.CharField("決定者", max_length=150, blank=True)
    decided_at = models.DateTimeField("決定日時", null=True, blank=True)

    class Meta:
        verbose_name = "外字"
        verbose_name_plural = "外字"
        ordering = ["vendor", "pua"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "pua"], name="mio_gaiji_vendor_pua"),
            models.CheckConstraint(
                condition=models.Q(pua__gte=0xE000, pua__lte=0xF8FF), name="mio_gaiji_pua_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vendor} U+{self.pua:04X}"

    @property
    def pua_code(self) -> str:
        return f"U+{self.pua:04X}"

    @property
    def decided(self) -> bool:
        return bool(self.mj)


class GaijiKettei(models.Model):
    """One decision on a 外字 (or its undoing: ``mj`` empty), kept for ever."""

    gaiji = models.ForeignKey(
        Gaiji, verbose_name="外字", on_delete=models.PROTECT, related_name="kettei"
    )
    mj = models.CharField("MJ文字図形名", max_length=8, blank=True)
    moji = models.CharField("対応する文字（UCS・IVS）", max_length=8, blank=True)
    riyu = models.CharField("理由", max_length=200, blank=True)
    actor = models.CharField("決定者", max_length=150)
    at = models.DateTimeField("決定日時", auto_now_add=True)

    class Meta:
        verbose_name = "外字の対応決定"
        verbose_name_plural = "外字の対応決定"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.gaiji} → {self.mj or '未決定'}"
