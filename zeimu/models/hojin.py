"""法人住民税 and 事業所税: the corporations of the town, their offices and their 申告.

- :class:`Hojin` is a corporation with an office in the town, keyed by its 法人番号
  (13 digits, the first a check digit: ``zeimu.rules.hojin.hojin_bango_problem``). A
  corporation is not a person: it is not in the person index, and the 収納 ledger carries
  its 期別 under the 法人番号 (``Kibetsu.hojin_bango``).
- :class:`HojinJimusho` is one of its offices (事業所等) in the town, with the dates it was
  opened and closed (→ the months present) and its 従業者数.
- :class:`HojinShinkoku` is one 申告 of the 法人住民税 (予定・確定・修正) with what was
  entered and every figure computed; a 修正申告 points at the 申告 it corrects
  (``shusei_of``), whose 期別 it restates, so the ledger writes the difference.
- :class:`JigyoshoShinkoku` is one 申告 of the 事業所税, in a town that levies it.

Every row is written by ``zeimu.services.hojin`` / ``zeimu.services.jigyosho`` and never
edited afterwards (a correction is a new 申告).
"""

from __future__ import annotations

from django.db import models


class Hojin(models.Model):
    hojin_bango = models.CharField("法人番号", max_length=13, unique=True)
    meisho = models.CharField("名称", max_length=200)
    meisho_kana = models.CharField("名称フリガナ", max_length=200, blank=True)
    postal_code = models.CharField("郵便番号", max_length=7, blank=True)
    shozaichi = models.CharField("本店所在地", max_length=200)
    kessan_tsuki = models.PositiveSmallIntegerField("事業年度の終了月")
    shihon = models.BigIntegerField("資本金等の額", null=True, blank=True)
    #: search key (name without spaces), maintained by the service
    meisho_key = models.CharField("検索用名称", max_length=200, blank=True)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "法人"
        verbose_name_plural = "法人"
        indexes = [
            models.Index(
                fields=["meisho_key"], name="hojin_meisho_key_idx", opclasses=["text_pattern_ops"]
            )
        ]

    def __str__(self) -> str:
        return f"法人 {self.pk}"


class HojinJimusho(models.Model):
    hojin = models.ForeignKey(
        Hojin, verbose_name="法人", on_delete=models.PROTECT, related_name="jimusho"
    )
    meisho = models.CharField("事業所等の名称", max_length=200)
    shozaichi = models.CharField("所在地", max_length=200)
    kaisetsu_date = models.DateField("開設日")
    haishi_date = models.DateField("廃止日", null=True, blank=True)
    juugyosha = models.PositiveIntegerField("従業者数")
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "法人の事業所等"
        verbose_name_plural = "法人の事業所等"

    def __str__(self) -> str:
        return self.meisho


class ShinkokuKubun(models.TextChoices):
    YOTEI = "yotei", "予定申告（中間）"
    KAKUTEI = "kakutei", "確定申告"
    SHUSEI = "shusei", "修正申告"


class HojinShinkoku(models.Model):
    hojin = models.ForeignKey(
        Hojin, verbose_name="法人", on_delete=models.PROTECT, related_name="shinkoku"
    )
    kubun = models.CharField("申告区分", max_length=8, choices=ShinkokuKubun.choices)
    shusei_of = models.ForeignKey(
        "self",
        verbose_name="修正前の申告",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    juri_date = models.DateField("申告日（受理日）")
    kaishi = models.DateField("事業年度の開始日")
    shuryo = models.DateField("事業年度の終了日")
    # entered
    shihon = models.BigIntegerField("資本金等の額", null=True, blank=True)
    shihon_junbikin = models.BigIntegerField("資本金と資本準備金の合算額", null=True, blank=True)
    juugyosha_town = models.PositiveIntegerField("町内の従業者数（期末）")
    office_from = models.DateField("事務所等を有していた期間（から）")
    office_to = models.DateField("事務所等を有していた期間（まで）")
    hojinzeigaku = models.BigIntegerField("課税標準となる法人税額", default=0)
    juugyosha_all = models.PositiveIntegerField("分割基準 全従業者数", null=True, blank=True)
    juugyosha_bunkatsu = models.PositiveIntegerField(
        "分割基準 町内の従業者数", null=True, blank=True
    )
    zenki_hojinzeiwari = models.BigIntegerField("前事業年度の法人税割額", null=True, blank=True)
    zenki_months = models.PositiveSmallIntegerField("前事業年度の月数", null=True, blank=True)
    kinofu = models.BigIntegerField("既納付額", default=0)
    # computed (zeimu.rules.hojin.shinkoku_compute)
    kintowari_nengaku = models.BigIntegerField("均等割の年額")
    kintowari_months = models.PositiveSmallIntegerField("均等割の月数")
    kintowari = models.BigIntegerField("均等割額")
    kazei_hyojun = models.BigIntegerField("法人税割の課税標準", default=0)
    hojinzeiwari_rate = models.PositiveIntegerField("法人税割の税率（1,000分の1%）", default=0)
    hojinzeiwari = models.BigIntegerField("法人税割額")
    gokei = models.BigIntegerField("合計税額")
    sashihiki = models.BigIntegerField("差引税額")
    nouki = models.DateField("納期限")
    lines = models.JSONField("計算の説明", default=list)
    nofu_bango = models.CharField("納付番号", max_length=20, blank=True)
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "法人住民税の申告"
        verbose_name_plural = "法人住民税の申告"
        indexes = [models.Index(fields=["hojin", "shuryo"], name="hojin_shinkoku_period")]

    def __str__(self) -> str:
        return f"{self.get_kubun_display()} {self.pk}"


class JigyoshoShinkoku(models.Model):
    hojin = models.ForeignKey(
        Hojin, verbose_name="法人", on_delete=models.PROTECT, related_name="jigyosho_shinkoku"
    )
    shusei_of = models.ForeignKey(
        "self",
        verbose_name="修正前の申告",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    juri_date = models.DateField("申告日（受理日）")
    kaishi = models.DateField("事業年度の開始日")
    shuryo = models.DateField("事業年度の終了日")
    menseki = models.DecimalField("事業所床面積の合計（㎡）", max_digits=12, decimal_places=2)
    hikazei_menseki = models.DecimalField(
        "うち非課税の床面積（㎡）", max_digits=12, decimal_places=2, default=0
    )
    juugyosha = models.PositiveIntegerField("免税点判定の従業者数")
    kyuyo = models.BigIntegerField("従業者給与総額（課税標準）")
    shisanwari = models.BigIntegerField("資産割額")
    juugyoshawari = models.BigIntegerField("従業者割額")
    gokei = models.BigIntegerField("事業所税額")
    nouki = models.DateField("納期限")
    lines = models.JSONField("計算の説明", default=list)
    nofu_bango = models.CharField("納付番号", max_length=20, blank=True)
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "事業所税の申告"
        verbose_name_plural = "事業所税の申告"

    def __str__(self) -> str:
        return f"事業所税の申告 {self.pk}"
