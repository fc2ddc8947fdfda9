"""利用者負担の上限額管理 (児童福祉法第21条の5の3〜 / 障害者総合支援法第29条, issue 21, SG-83〜):
when a 受給者 uses two or more 事業所 in a month, one of them (the 上限額管理事業所) gathers
each 事業所's 総費用額 and 利用者負担額 and allocates the 負担上限月額 among them, so that the
受給者 pays no more than the 上限 in total. The town records which 事業所 manages a 受給者
from which month (printed on the 受給者証) and the month's 上限額管理結果.

A 受給者 is either a 障害児通所支援 decision (``TsushoKettei``) or a 障害福祉サービス decision
(``JiritsuKettei``): ``seido`` says which, ``kettei_id`` is its pk (no foreign key: one table for
both). 事業所 are named by their 10-digit 事業所番号 and name (not personal data).

- ``JogenKanriJigyosho``: the 上限額管理事業所 of a decision from ``kaishi_ym`` (the month's
  first day) until the next row.
- ``JogenKanriKekka`` / ``JogenKanriMeisai``: one month's result (結果1・2・3), the 上限月額
  applied (0 within the 就学前の無償化), the share of the 総費用 (多子軽減) and each 事業所's
  総費用額, 利用者負担額 as entered, as 算定 (after 多子軽減・無償化) and after the 管理.
"""

from __future__ import annotations

from django.db import models

__all__ = [
    "JogenKanriJigyosho",
    "JogenKanriKekka",
    "JogenKanriKubun",
    "JogenKanriMeisai",
    "JogenSeido",
]


class JogenSeido(models.TextChoices):
    TSUSHO = "tsusho", "障害児通所支援"
    JIRITSU = "jiritsu", "障害福祉サービス"


class JogenKanriKubun(models.IntegerChoices):
    """The 上限額管理結果 (the words of the 上限額管理結果票)."""

    JUTO = 1, "管理事業所で利用者負担額を充当したため、他事業所の利用者負担は発生しない"
    IKA = 2, "利用者負担額の合算額が負担上限月額以下のため、調整事務は行わない"
    CHOSEI = 3, "利用者負担額の合算額が負担上限月額を超過するため、調整した"


class JogenKanriJigyosho(models.Model):
    seido = models.CharField("制度", max_length=8, choices=JogenSeido.choices)
    kettei_id = models.BigIntegerField("支給決定ID")
    kaishi_ym = models.DateField("適用開始年月（月の1日）")
    jigyosho_bango = models.CharField("事業所番号", max_length=10)
    jigyosho_mei = models.CharField("事業所名", max_length=100)
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "上限額管理事業所"
        verbose_name_plural = "上限額管理事業所"
        ordering = ["seido", "kettei_id", "kaishi_ym"]
        constraints = [
            models.UniqueConstraint(
                fields=["seido", "kettei_id", "kaishi_ym"], name="fukushi_jogen_jigyosho_1"
            )
        ]

    def __str__(self) -> str:
        return f"上限額管理事業所 {self.pk}"


class JogenKanriKekka(models.Model):
    seido = models.CharField("制度", max_length=8, choices=JogenSeido.choices)
    kettei_id = models.BigIntegerField("支給決定ID")
    teikyo_ym = models.DateField("サービス提供年月（月の1日）")
    jigyosho_bango = models.CharField("上限額管理事業所の事業所番号", max_length=10)
    jigyosho_mei = models.CharField("上限額管理事業所の名称", max_length=100)
    jogen = models.PositiveIntegerField("負担上限月額（円）")
    futan_ritsu = models.PositiveSmallIntegerField("利用者負担の割合（総費用に対する百分率）")
    kekka = models.PositiveSmallIntegerField("上限額管理結果", choices=JogenKanriKubun.choices)
    konkyo = models.JSONField("管理に用いた値", default=list, blank=True)
    torikomi = models.CharField("取込ファイル（空は画面の入力）", max_length=100, blank=True)
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "上限額管理結果"
        verbose_name_plural = "上限額管理結果"
        ordering = ["seido", "kettei_id", "teikyo_ym"]
        constraints = [
            models.UniqueConstraint(
                fields=["seido", "kettei_id", "teikyo_ym"], name="fukushi_jogen_kekka_1"
            )
        ]

    def __str__(self) -> str:
        return f"上限額管理結果 {self.pk}"


class JogenKanriMeisai(models.Model):
    kekka_ref = models.ForeignKey(
        JogenKanriKekka, on_delete=models.CASCADE, related_name="meisai", verbose_name="結果"
    )
    junban = models.PositiveSmallIntegerField("順番（管理事業所が1）")
    jigyosho_bango = models.CharField("事業所番号", max_length=10)
    jigyosho_mei = models.CharField("事業所名", max_length=100)
    kanri = models.BooleanField("上限額管理事業所", default=False)
    sohiyo = models.PositiveIntegerField("総費用額（円）")
    futan_nyuryoku = models.PositiveIntegerField(
        "利用者負担額（事業所の申出・円）", null=True, blank=True
    )
    futan_santei = models.PositiveIntegerField("利用者負担額（多子軽減・無償化の後・円）")
    futan_kettei = models.PositiveIntegerField("管理結果後利用者負担額（円）")

    class Meta:
        verbose_name = "上限額管理結果の明細"
        verbose_name_plural = "上限額管理結果の明細"
        ordering = ["kekka_ref", "junban"]
        constraints = [
            models.UniqueConstraint(
                fields=["kekka_ref", "jigyosho_bango"], name="fukushi_jogen_meisai_1"
            )
        ]

    def __str__(self) -> str:
        return f"上限額管理結果の明細 {self.pk}"
