from django.core.exceptions import ValidationError
from django.db import models
from django_tenants.models import DomainMixin, TenantMixin

from tenants.checkdigits import is_valid_dantai_code


def validate_dantai_code(value: str) -> None:
    if not is_valid_dantai_code(value):
        raise ValidationError(
            "全国地方公共団体コードは6桁で、検査数字が正しくありません。", code="dantai_code"
        )


class MunicipalityStatus(models.TextChoices):
    PREPARING = "preparing", "移行準備中"
    ACTIVE = "active", "稼働中"
    SUSPENDED = "suspended", "停止中"
    WITHDRAWN = "withdrawn", "脱退"


class Municipality(TenantMixin):
    """A member municipality: the django-tenants tenant, one PostgreSQL schema each."""

    consortium = models.ForeignKey(
        "tenants.Consortium",
        verbose_name="共同利用団体",
        on_delete=models.PROTECT,
        related_name="members",
    )
    dantai_code = models.CharField(
        "全国地方公共団体コード", max_length=6, unique=True, validators=[validate_dantai_code]
    )
    name = models.CharField("団体名", max_length=50)
    name_kana = models.CharField("団体名（かな）", max_length=100)
    prefecture = models.CharField("都道府県", max_length=10)
    population = models.PositiveIntegerField("人口（公表値）")
    population_date = models.DateField("人口基準日", null=True, blank=True)
    population_source = models.CharField("人口の出典", max_length=200, blank=True)
    go_live = models.DateField("稼働時期", null=True, blank=True, help_text="稼働月の1日")
    status = models.CharField(
        "状態",
        max_length=20,
        choices=MunicipalityStatus.choices,
        default=MunicipalityStatus.PREPARING,
    )
    mayor_title = models.CharField("首長の職名", max_length=20, default="町長")
    mayor_name = models.CharField("首長氏名", max_length=50, blank=True)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    # Schemas are created by tenants.services.municipality_provision, inside a job-like
    # flow that measures itself; never implicitly on save().
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        verbose_name = "構成団体"
        verbose_name_plural = "構成団体"
        ordering = ["dantai_code"]

    def __str__(self) -> str:
        return self.name


class Domain(DomainMixin):
    class Meta:
        verbose_name = "ホスト名"
        verbose_name_plural = "ホスト名"
