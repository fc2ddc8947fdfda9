"""通知書の発行履歴: 住民異動届受理通知 (標準仕様書 4.1.0.3), 職権記載等通知書 (4.2.0.1) and
the notice of a 成年被後見人's 転出 to the town moved to (9.4), 世帯主変更依頼通知書 and
世帯主変更通知書 (4.0.5); the 成年被後見人 setting.

A notice is printed from an approved 異動 on the day or later ("処理日に限らず、後日でも
発行できること", 4.1.0.3); every print is a row, so a later reprint shows what was sent.
"""

from __future__ import annotations

from django.db import models


class TsuchiKind(models.TextChoices):
    JURI = "juri", "住民異動届受理通知"
    SHOKKEN = "shokken", "職権記載等通知書"
    KOKEN = "koken", "成年被後見人の転出通知書"
    IRAI = "irai", "世帯主変更依頼通知書"
    HENKO = "henko", "世帯主変更通知書"
    KIROKUSHO = "kirokusho", "職権記録書"


class TsuchiAtesaki(models.TextChoices):
    """Whom a 受理通知 goes to (4.1.0.3): the 届出人 at the address before the move, or
    the moved person at the new address when there was no address before (出生, 国外転入)."""

    TODOKENIN_MAE = "todokenin_mae", "異動前住所の届出人"
    IDOSHA_GO = "idosha_go", "異動後住所の異動者"
    KISAISHA = "kisaisha", "記載等に係る者"
    TENNYUCHI = "tennyuchi", "転入地の市区町村長"
    SETAIIN = "setaiin", "最上位の世帯員"
    CHONAI = "chonai", "庁内（記録）"


class TsuchiHakko(models.Model):
    kind = models.CharField("通知書の種類", max_length=10, choices=TsuchiKind.choices)
    ido = models.ForeignKey(
        "juminkiroku.Ido",
        verbose_name="異動",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # 世帯主変更依頼通知書 (4.0.5) is of a household, not of a 異動.
    setai = models.ForeignKey(
        "juminkiroku.Setai",
        verbose_name="世帯",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    atena_ids = models.JSONField("対象者（宛名ID）", default=list)
    atesaki = models.CharField("宛先", max_length=15, choices=TsuchiAtesaki.choices)
    todokenin_shimei = models.CharField("届出人氏名", max_length=100, blank=True)
    pages = models.PositiveIntegerField("頁数", default=1)
    issued_at = models.DateTimeField("発行日時", auto_now_add=True, db_index=True)
    issued_by_id = models.BigIntegerField("発行者ID", null=True, blank=True)
    issued_by = models.CharField("発行者", max_length=150)
    terminal = models.CharField("端末", max_length=100, blank=True)

    class Meta:
        verbose_name = "通知書の発行履歴"
        verbose_name_plural = "通知書の発行履歴"
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind}:{self.ido_id}"


class SeinenHikokennin(models.Model):
    """成年被後見人の設定 (標準仕様書 9.4): a person the town records as under 後見, so that
    their 転出 can be notified to the town they move to. Ended, never deleted."""

    atena = models.ForeignKey(
        "juminkiroku.Atena",
        verbose_name="成年被後見人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    kaishi_date = models.DateField("後見開始の審判の確定日")
    note = models.CharField("備考", max_length=200, blank=True)
    created_by = models.CharField("設定者", max_length=150)
    created_at = models.DateTimeField("設定日時", auto_now_add=True)
    ended_at = models.DateTimeField("解除日時", null=True, blank=True)
    ended_by = models.CharField("解除者", max_length=150, blank=True)

    class Meta:
        verbose_name = "成年被後見人"
        verbose_name_plural = "成年被後見人"
        constraints = [
            models.UniqueConstraint(
                fields=["atena"],
                condition=models.Q(ended_at__isnull=True),
                name="koken_one_active_per_person",
            )
        ]

    def __str__(self) -> str:
        return str(self.atena_id)


class ShokkenMoshide(models.Model):
    """申出を受けた職権記載等 (標準仕様書 4.2.0.5): marks a 職権記載・消除・修正 as made on a
    person's 申出, with the 申出日."""

    ido = models.OneToOneField(
        "juminkiroku.Ido", verbose_name="異動", on_delete=models.PROTECT, related_name="+"
    )
    moshide_date = models.DateField("申出日")
    created_by = models.CharField("記録者", max_length=150)
    created_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "職権記載等の申出"
        verbose_name_plural = "職権記載等の申出"

    def __str__(self) -> str:
        return str(self.ido_id)
