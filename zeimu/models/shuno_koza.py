"""口座振替 (issue 18 item 4).

- ``KozaToroku`` — a taxpayer's registration for one 税目: the account (全銀 金融機関コード
  4桁, 支店コード 3桁, 預金種目, 口座番号 7桁, 名義 in 半角カナ), 開始日 and 停止日. A change of
  account is a stop of the old row and a new row, so the history stays; at most one row per
  taxpayer and 税目 is open (no 停止日).
- ``KozaIrai`` — one 口座振替依頼 file (全銀協 預金口座振替, 種別コード 91) of one 引落日 and
  one 引落銀行, written by the 依頼 job; 再振替 files say so.
- ``KozaIraiRow`` — a 期別 requested in a file: amount, registration, line. One per 期別 and
  引落日, which makes the job idempotent (a chunk run again writes the same rows).
"""

from __future__ import annotations

from django.db import models

from zeimu.models.shuno import Zeimoku


class YokinShumoku(models.TextChoices):
    """預金種目 (全銀協 code)."""

    FUTSU = "1", "普通"
    TOZA = "2", "当座"
    CHOCHIKU = "4", "貯蓄"
    SONOTA = "9", "その他"


class TorokuSource(models.TextChoices):
    PAPER = "paper", "口座振替依頼書（紙）"
    UKETSUKE = "uketsuke", "口座振替受付結果ファイル"


class KozaToroku(models.Model):
    atena = models.ForeignKey(
        "juminkiroku.Atena", verbose_name="納税義務者", on_delete=models.PROTECT, related_name="+"
    )
    zeimoku = models.CharField("税目", max_length=12, choices=Zeimoku.choices)
    kinyu_kikan = models.CharField("金融機関コード", max_length=4)
    shiten = models.CharField("支店コード", max_length=3)
    yokin_shumoku = models.CharField("預金種目", max_length=1, choices=YokinShumoku.choices)
    koza_bango = models.CharField("口座番号", max_length=7)
    meigi_kana = models.CharField("口座名義（半角カナ）", max_length=30)
    kaishi_date = models.DateField("振替開始日")
    teishi_date = models.DateField("振替停止日", null=True, blank=True)
    teishi_reason = models.CharField("停止の理由", max_length=100, blank=True)
    source = models.CharField("登録の経路", max_length=10, choices=TorokuSource.choices)
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "口座振替の登録"
        verbose_name_plural = "口座振替の登録"
        constraints = [
            models.UniqueConstraint(
                fields=["atena", "zeimoku"],
                condition=models.Q(teishi_date__isnull=True),
                name="zeimu_koza_one_open",
            ),
        ]
        indexes = [models.Index(fields=["kinyu_kikan"], name="zeimu_koza_bank")]

    def __str__(self) -> str:
        return f"口座振替 {self.kinyu_kikan}-{self.shiten}"


class KozaIrai(models.Model):
    furikae_date = models.DateField("引落日")
    nouki = models.DateField("納期限")
    kinyu_kikan = models.CharField("引落銀行", max_length=4)
    saifurikae = models.BooleanField("再振替", default=False)
    job = models.ForeignKey(
        "jobs.Job", verbose_name="処理", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file_name = models.CharField("ファイル名", max_length=200)
    lines = models.PositiveIntegerField("件数", default=0)
    amount = models.BigIntegerField("金額の計", default=0)
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "口座振替依頼"
        verbose_name_plural = "口座振替依頼"
        constraints = [
            models.UniqueConstraint(
                fields=["furikae_date", "kinyu_kikan", "saifurikae"], name="zeimu_koza_irai_one"
            ),
        ]

    def __str__(self) -> str:
        return f"口座振替依頼 {self.furikae_date} {self.kinyu_kikan}"


class KozaIraiRow(models.Model):
    irai = models.ForeignKey(
        KozaIrai, verbose_name="依頼", on_delete=models.CASCADE, related_name="rows"
    )
    kibetsu = models.ForeignKey(
        "zeimu.Kibetsu", verbose_name="期別", on_delete=models.PROTECT, related_name="+"
    )
    toroku = models.ForeignKey(
        KozaToroku, verbose_name="登録", on_delete=models.PROTECT, related_name="+"
    )
    amount = models.BigIntegerField("引落金額")
    line_no = models.PositiveIntegerField("行番号")

    class Meta:
        verbose_name = "口座振替依頼の明細"
        verbose_name_plural = "口座振替依頼の明細"
        constraints = [
            models.UniqueConstraint(fields=["irai", "kibetsu"], name="zeimu_koza_irai_row"),
        ]

    def __str__(self) -> str:
        return f"依頼 {self.line_no}行目 {self.amount:,}円"
