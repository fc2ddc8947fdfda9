"""老齢福祉年金の受給 (国民年金法附則第32条 etc.; 介護保険法施行令第39条第1項第1号イ): no
module of the product holds it and no national file brings it, so the clerk enters it from
the person's 年金証書 (or 支給額変更通知書). Rows are never deleted: an end is a 終了日, a
mistaken entry is 取消 (kept, no longer read), and every change is a history row."""

from __future__ import annotations

from django.db import models


class RoreiKakunin(models.TextChoices):
    """How the 受給 was confirmed (the document the clerk saw)."""

    SHOSHO = "shosho", "年金証書"
    TSUCHI = "tsuchi", "年金決定通知書・支給額変更通知書"
    SONOTA = "sonota", "その他の書類（備考に記載）"


class RoreiRirekiKind(models.TextChoices):
    TOROKU = "toroku", "登録"
    SHURYO = "shuryo", "受給終了"
    TORIKESHI = "torikeshi", "取消（誤登録）"


class RoreiFukushiNenkin(models.Model):
    atena_id = models.BigIntegerField("宛名ID", db_index=True)
    kaishi_date = models.DateField("受給開始日")
    shuryo_date = models.DateField("受給終了日（最後に受給した日）", null=True, blank=True)
    kakunin = models.CharField("確認方法", max_length=8, choices=RoreiKakunin.choices)
    shorui = models.CharField("確認した書類（記号番号・備考）", max_length=100, blank=True)
    torikeshi = models.BooleanField("取消済み（誤登録）", default=False)
    created_by = models.CharField("登録者", max_length=150)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "老齢福祉年金の受給"
        verbose_name_plural = "老齢福祉年金の受給"
        ordering = ["atena_id", "kaishi_date", "id"]

    def __str__(self) -> str:
        return f"老齢福祉年金の受給 {self.pk}（宛名ID {self.atena_id}）"


class RoreiFukushiNenkinRireki(models.Model):
    record = models.ForeignKey(
        RoreiFukushiNenkin,
        verbose_name="老齢福祉年金の受給",
        on_delete=models.PROTECT,
        related_name="rireki",
    )
    kind = models.CharField("操作", max_length=10, choices=RoreiRirekiKind.choices)
    kaishi_date = models.DateField("受給開始日（操作後）")
    shuryo_date = models.DateField("受給終了日（操作後）", null=True, blank=True)
    riyu = models.CharField("理由", max_length=200, blank=True)
    actor = models.CharField("操作者", max_length=150)
    created_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "老齢福祉年金の受給の履歴"
        verbose_name_plural = "老齢福祉年金の受給の履歴"
        ordering = ["record_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"老齢福祉年金の受給の履歴 {self.pk}"
