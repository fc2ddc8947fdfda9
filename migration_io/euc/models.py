"""Saved EUC extraction definitions (issue 19 item 6): a clerk names the items, conditions,
sort order and format of an extraction to run it again later, for themselves or for every
colleague holding the EUC grant (共有). A saved definition is checked again each time it is
opened, against what the person opening it may see (個人番号 only with its grant)."""

from __future__ import annotations

from django.db import models


class EucTeigi(models.Model):
    name = models.CharField("定義の名前", max_length=50)
    #: the layout file (``migration_io.layout``'s id, e.g. ``jumin``)
    file = models.CharField("ファイル", max_length=40)
    #: ``Definition.to_params()`` and the output ``format``
    params = models.JSONField("抽出の定義")
    #: the StaffUser (public schema) who saved it; by id, as the job framework keeps it
    owner_id = models.PositiveIntegerField("作成者")
    owner_name = models.CharField("作成者名", max_length=150)
    shared = models.BooleanField("共有（EUC抽出の権限がある職員全員が使える）", default=False)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "EUC抽出の定義"
        verbose_name_plural = "EUC抽出の定義"
        constraints = [
            models.UniqueConstraint(fields=["owner_id", "name"], name="mio_euc_teigi_name"),
        ]

    def __str__(self) -> str:
        return self.name
