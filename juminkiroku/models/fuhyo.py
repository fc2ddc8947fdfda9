"""戸籍の附票への連携 (標準仕様書 7.2.4, 7.1.1.1; 住民基本台帳法 第19条).

* ``FuhyoRenkei`` — one row per town: the cursor over the linkage feed
  (``RenkeiChange.seq``) up to which 附票記載事項通知 were made, and the last error.
* ``FuhyoTsuchi`` — one 戸籍附票記載事項通知 (the items of 法第17条 that the 本籍地 records),
  made from a feed row exactly once (unique ``renkei_seq``) and sent in ``id`` order per
  person: 管内本籍人 to the town's own 戸籍附票システム, 管外本籍人 through the 住基ネット
  CS to the 本籍地 (法第19条第4項), or on paper when the line cannot be used (同項ただし書).
* ``FuhyoTotsugo`` — one 突合 run: every 管内本籍人's items sent in full to the 附票
  システム, with the differences it reported.
"""

from __future__ import annotations

from django.db import models


class FuhyoRenkei(models.Model):
    """The town's 附票 link state (a single row, ``pk=1``)."""

    tsuchi_after = models.BigIntegerField("通知作成済みの連携番号", default=0)
    last_error = models.CharField("直近の連携エラー", max_length=200, blank=True)
    last_error_at = models.DateTimeField("直近の連携エラー日時", null=True, blank=True)
    last_sent_at = models.DateTimeField("直近の送信日時", null=True, blank=True)

    class Meta:
        verbose_name = "戸籍附票連携状態"
        verbose_name_plural = "戸籍附票連携状態"

    def __str__(self) -> str:
        return str(self.tsuchi_after)


class FuhyoKubun(models.TextChoices):
    KANNAI = "kannai", "管内本籍（戸籍附票システムへ）"
    KANGAI = "kangai", "管外本籍（本籍地市区町村へ）"


class FuhyoStatus(models.TextChoices):
    PENDING = "pending", "未送信"
    RETRY = "retry", "再送待ち（接続できませんでした）"
    SENT = "sent", "送信済"
    REJECTED = "rejected", "エラー（相手方が受け付けませんでした）"
    PAPER = "paper", "書面で送付済"
    WITHDRAWN = "withdrawn", "送信取りやめ"


FUHYO_OPEN = (FuhyoStatus.PENDING, FuhyoStatus.RETRY, FuhyoStatus.REJECTED)


class FuhyoTsuchi(models.Model):
    renkei_seq = models.BigIntegerField("連携番号", unique=True)
    atena = models.ForeignKey(
        "juminkiroku.Atena", verbose_name="宛名", on_delete=models.PROTECT, related_name="+"
    )
    ido = models.ForeignKey(
        "juminkiroku.Ido", verbose_name="異動", on_delete=models.PROTECT, related_name="+"
    )
    jiyu = models.CharField("異動事由", max_length=3)
    ido_date = models.DateField("異動日")
    kubun = models.CharField("送付先の区分", max_length=6, choices=FuhyoKubun.choices)
    # The items of the notice (法第17条 第1号〜第7号), as they were at the 本登録.
    record = models.JSONField("通知の項目")
    status = models.CharField(
        "状態", max_length=10, choices=FuhyoStatus.choices, default=FuhyoStatus.PENDING
    )
    attempts = models.PositiveIntegerField("送信回数", default=0)
    next_try_at = models.DateTimeField("次回送信日時", null=True, blank=True)
    reason = models.CharField("エラー理由", max_length=200, blank=True)
    uketsuke_no = models.CharField("受付番号", max_length=20, blank=True)
    printed_at = models.DateTimeField("通知書の印刷日時", null=True, blank=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    sent_at = models.DateTimeField("送信日時", null=True, blank=True)

    class Meta:
        verbose_name = "戸籍附票記載事項通知"
        verbose_name_plural = "戸籍附票記載事項通知"
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["atena", "id"],
                name="fuhyo_tsuchi_open_idx",
                condition=models.Q(status__in=["pending", "retry", "rejected"]),
            ),
        ]

    def __str__(self) -> str:
        return str(self.renkei_seq)


class FuhyoTotsugo(models.Model):
    """One 突合 (full send) with the 戸籍附票システム."""

    started_at = models.DateTimeField("実行日時", auto_now_add=True)
    sent = models.PositiveIntegerField("送信件数", default=0)
    differences = models.PositiveIntegerField("相違件数", default=0)
    # [{"kind": "toho"|"fuhyo"|"soi", "atena_id": int|None, "items": [...]}]; ids and item
    # names only, never a name or an address.
    sa = models.JSONField("相違", default=list)

    class Meta:
        verbose_name = "戸籍附票との突合"
        verbose_name_plural = "戸籍附票との突合"
        ordering = ["-id"]

    def __str__(self) -> str:
        return str(self.pk)
