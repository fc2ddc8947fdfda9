from django.db import models


class ConsortiumKind(models.TextChoices):
    ICHIBU_JIMU_KUMIAI = "ichibu_jimu_kumiai", "一部事務組合"
    KOIKI_RENGO = "koiki_rengo", "広域連合"
    KYOGIKAI = "kyogikai", "協議会"
    NINI_KYOGIKAI = "nini_kyogikai", "任意協議会"
    DAIHYO_DANTAI_ITAKU = "daihyo_dantai_itaku", "代表団体委託"


class Consortium(models.Model):
    """A group of municipalities that share one installation (共同利用団体)."""

    name = models.CharField("名称", max_length=100, unique=True)
    kind = models.CharField("組織形態", max_length=30, choices=ConsortiumKind.choices)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "共同利用団体"
        verbose_name_plural = "共同利用団体"

    def __str__(self) -> str:
        return self.name
