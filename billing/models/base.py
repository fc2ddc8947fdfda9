from django.db import models


class ConsortiumYear(models.Model):
    """Every billing figure belongs to one consortium and one 年度."""

    consortium = models.ForeignKey(
        "tenants.Consortium",
        verbose_name="共同利用団体",
        on_delete=models.PROTECT,
        related_name="+",
    )
    fiscal_year = models.PositiveSmallIntegerField("年度")

    class Meta:
        abstract = True
