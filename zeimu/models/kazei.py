"""課税資料: the tax base data of one person for one income year (所得年).

Amounts are whole yen as printed on the forms (収入, not 所得): the calculation
(zeimu.rules) derives 所得 and 控除 from them. A person is referenced only through the
person index (juminkiroku.Atena). Each row remembers the import it came from.
"""

from __future__ import annotations

from django.db import models


class ShiryoImport(models.Model):
    """One accepted import file: all its rows or none of them (services.kazei_import)."""

    kind = models.CharField("資料の種類", max_length=20)
    file_name = models.CharField("ファイル名", max_length=200)
    sha256 = models.CharField("ファイルのハッシュ", max_length=64)
    rows = models.PositiveIntegerField("件数")
    imported_by = models.CharField("取込者", max_length=150)
    imported_at = models.DateTimeField("取込日時", auto_now_add=True)

    class Meta:
        verbose_name = "課税資料の取込"
        verbose_name_plural = "課税資料の取込"
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"


class KyuyoHokoku(models.Model):
    """給与支払報告書（個人別明細書）: one per employer and employee and year."""

    atena = models.ForeignKey(
        "juminkiroku.Atena", verbose_name="宛名", on_delete=models.PROTECT, related_name="+"
    )
    shotoku_year = models.PositiveSmallIntegerField("所得年")
    employer_no = models.CharField("特別徴収義務者指定番号", max_length=20)
    employer_name = models.CharField("特別徴収義務者（支払者）", max_length=100)
    shiharai_kingaku = models.PositiveBigIntegerField("支払金額（給与収入）")
    shakai_hoken = models.PositiveBigIntegerField("社会保険料等の金額", default=0)
    seimei_hoken_kojo = models.PositiveBigIntegerField("生命保険料の控除額（所得税）", default=0)
    jishin_hoken_kojo = models.PositiveBigIntegerField("地震保険料の控除額（所得税）", default=0)
    tokubetsu_choshu = models.BooleanField("特別徴収", default=True)
    shiryo = models.ForeignKey(
        ShiryoImport, verbose_name="取込", on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "給与支払報告書"
        verbose_name_plural = "給与支払報告書"
        constraints = [
            models.UniqueConstraint(
                fields=["atena", "shotoku_year", "employer_no"], name="kyuyo_one_per_employer"
            )
        ]
        indexes = [models.Index(fields=["shotoku_year", "atena"], name="kyuyo_year_idx")]

    def __str__(self) -> str:
        return f"{self.shotoku_year} {self.employer_no}"


class NenkinHokoku(models.Model):
    """公的年金等支払報告書: one per payer and recipient and year."""

    atena = models.ForeignKey(
        "juminkiroku.Atena", verbose_name="宛名", on_delete=models.PROTECT, related_name="+"
    )
    shotoku_year = models.PositiveSmallIntegerField("所得年")
    payer_no = models.CharField("支払者番号", max_length=20)
    payer_name = models.CharField("支払者", max_length=100)
    shiharai_kingaku = models.PositiveBigIntegerField("支払金額（公的年金等の収入）")
    shakai_hoken = models.PositiveBigIntegerField("社会保険料等の金額", default=0)
    tokubetsu_choshu = models.BooleanField("年金特別徴収の対象", default=False)
    shiryo = models.ForeignKey(
        ShiryoImport, verbose_name="取込", on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "公的年金等支払報告書"
        verbose_name_plural = "公的年金等支払報告書"
        constraints = [
            models.UniqueConstraint(
                fields=["atena", "shotoku_year", "payer_no"], name="nenkin_one_per_payer"
            )
        ]
        indexes = [models.Index(fields=["shotoku_year", "atena"], name="nenkin_year_idx")]

    def __str__(self) -> str:
        return f"{self.shotoku_year} {self.payer_no}"
