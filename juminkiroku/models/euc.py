"""EUC抽出条件 (標準仕様書 10.1): an extraction a clerk defines once and runs again.

Only the definition is stored (its name, the conditions over the data source's items and
the columns to output); never a result. The items are the keys of
``juminkiroku.selectors.euc.KOMOKU``.
"""

from __future__ import annotations

from django.db import models


class EucChushutsu(models.Model):
    """One saved extraction of this town (the schema is the town)."""

    class Hani(models.TextChoices):
        JUMIN = "jumin", "住民のみ"
        ALL = "all", "除票・住登外を含む"

    class Ketsugo(models.TextChoices):
        ALL = "all", "すべての条件を満たす（かつ）"
        ANY = "any", "いずれかの条件を満たす（または）"

    name = models.CharField("抽出名", max_length=60, unique=True)
    hani = models.CharField("対象", max_length=8, choices=Hani.choices, default=Hani.JUMIN)
    ketsugo = models.CharField(
        "条件の組み合わせ", max_length=4, choices=Ketsugo.choices, default=Ketsugo.ALL
    )
    # [{"komoku": key, "enzan": op, "atai": text}, ...]
    joken = models.JSONField("抽出条件", default=list)
    # [key, ...] in output order
    retsu = models.JSONField("出力項目", default=list)
    created_by = models.CharField("作成者", max_length=150, blank=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "EUC抽出条件"
        verbose_name_plural = "EUC抽出条件"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
