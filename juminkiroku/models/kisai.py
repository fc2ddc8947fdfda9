"""Free text kept per person: 統合記載欄 (標準仕様書 1.1.14) and メモ (1.1.15).

One row per entry, one ``KisaiRireki`` row per act on it (作成・修正・削除), so every
version stays readable (1.1.15: メモの修正・削除について履歴管理). A deletion only marks
the entry; nothing is removed.

* 留意事項 (B類型, 1.1.14): tied to the 異動 and the item of it that it explains
  (``ido`` + ``koumoku``), written into the 統合記載欄 with that 異動's history.
* 備考 (C類型): kept apart from the 異動 history, written into the 統合記載欄 as 備考.
* メモ (1.1.15): any note about the person; never on a certificate (the certificate path
  reads ``juminkiroku.selectors.kisai.togo_kisai_lines``, which cannot return one).

The 異動履歴 (A類型) is not stored here: it is written from ``AtenaRireki``.
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.db import models


class KisaiShurui(models.TextChoices):
    RYUI = "B", "留意事項"
    BIKO = "C", "備考"
    MEMO = "M", "メモ"


class KisaiSosa(models.TextChoices):
    SAKUSEI = "create", "作成"
    SHUSEI = "update", "修正"
    SAKUJO = "delete", "削除"


class Kisai(models.Model):
    """One 留意事項, 備考 or メモ of one person; its text is the latest version."""

    atena = models.ForeignKey(
        "juminkiroku.Atena", verbose_name="対象者", on_delete=models.PROTECT, related_name="+"
    )
    shurui = models.CharField("種類", max_length=1, choices=KisaiShurui.choices)
    ido = models.ForeignKey(
        "juminkiroku.Ido",
        verbose_name="関係する異動",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    koumoku = models.CharField("関係する異動項目", max_length=40, blank=True)
    body = models.CharField("内容", max_length=500)
    version = models.PositiveIntegerField("版", default=1)
    created_by = models.CharField("入力者", max_length=150)
    created_at = models.DateTimeField("入力日時", auto_now_add=True)
    updated_by = models.CharField("最終更新者", max_length=150)
    updated_at = models.DateTimeField("最終更新日時")
    deleted = models.BooleanField("削除済み", default=False)

    class Meta:
        verbose_name = "統合記載欄・メモ"
        verbose_name_plural = "統合記載欄・メモ"
        indexes = [models.Index(fields=["atena", "shurui"], name="kisai_atena_idx")]
        constraints = [
            # Only a 留意事項 is tied to a 異動 (1.1.14).
            models.CheckConstraint(
                condition=models.Q(shurui="B") | models.Q(ido__isnull=True, koumoku=""),
                name="kisai_only_ryui_has_ido",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_shurui_display()} {self.pk}"

    @property
    def koumoku_label(self) -> str:
        """The 異動項目 in words (the verbose name of the 住民票 item)."""
        from juminkiroku.models.atena import Atena

        if not self.koumoku:
            return ""
        try:
            return str(getattr(Atena._meta.get_field(self.koumoku), "verbose_name", ""))
        except FieldDoesNotExist:  # an item no longer in the model: show nothing rather than a code
            return ""


class KisaiRireki(models.Model):
    """One act on an entry, with the text as it stood after it (削除: as it was)."""

    kisai = models.ForeignKey(
        Kisai, verbose_name="記載", on_delete=models.PROTECT, related_name="rireki"
    )
    version = models.PositiveIntegerField("版")
    sosa = models.CharField("操作", max_length=10, choices=KisaiSosa.choices)
    body = models.CharField("内容", max_length=500)
    user_id = models.IntegerField("ユーザID", null=True, blank=True)
    username = models.CharField("操作者", max_length=150)
    at = models.DateTimeField("日時")

    class Meta:
        verbose_name = "統合記載欄・メモの履歴"
        verbose_name_plural = "統合記載欄・メモの履歴"
        constraints = [
            models.UniqueConstraint(fields=["kisai", "version"], name="kisai_rireki_version"),
        ]

    def __str__(self) -> str:
        return f"{self.kisai_id} v{self.version} {self.sosa}"
