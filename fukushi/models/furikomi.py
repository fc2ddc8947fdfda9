"""What every 福祉 payment by bank transfer keeps: the recipient's account, and the run that
paid it (one 全銀 総合振込 file, closed by fukushi.services.furikomi.seal_run).

Abstract: each 業務 keeps its own tables (its own rows, history and permissions); these
bases only say the shared columns once.
"""

from __future__ import annotations

from django.db import models

__all__: list[str] = []


class FurikomiKoza(models.Model):
    """The account a payment goes to (全銀 総合振込's 受取人 items)."""

    kinyu_kikan = models.CharField("金融機関コード", max_length=4)
    shiten = models.CharField("支店コード", max_length=3)
    yokin_shumoku = models.CharField("預金種目", max_length=1)
    koza_bango = models.CharField("口座番号", max_length=7)
    meigi_kana = models.CharField("口座名義（半角カナ）", max_length=30)

    class Meta:
        abstract = True


class FurikomiRun(models.Model):
    """A payment run: its date, 件数・合計 and the SHA-256 of its 全銀 file, sealed once."""

    shiharai_date = models.DateField("支払日")
    kensu = models.PositiveIntegerField("件数")
    gokei = models.BigIntegerField("合計額（円）")
    irainin = models.JSONField("振込依頼人")
    furikomi_sha256 = models.CharField("総合振込ファイルの SHA-256", max_length=64)
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        abstract = True
