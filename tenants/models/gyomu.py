from django.db import models
from django.db.models import Q


class GyomuCategory(models.TextChoices):
    KYOTSU = "共通", "共通"
    JUMIN = "住民情報", "住民情報"
    ZEI = "税", "税"
    HOKEN_FUKUSHI = "保険医療・福祉", "保険医療・福祉"
    KYOIKU = "教育", "教育"
    KANKYO = "環境・衛生", "環境・衛生"
    NOGYO = "農業", "農業"
    JUTAKU = "公営住宅", "公営住宅"
    KIGYO = "公営企業", "公営企業"
    NAIBU = "内部事務", "内部事務"


class Gyomu(models.Model):
    """One business module (業務) of the catalogue; the catalogue is data, see
    tenants/data/gyomu_catalogue.json and the ``load_catalogue`` command."""

    code = models.SlugField("業務コード", max_length=40, unique=True)
    name = models.CharField("業務名", max_length=50)
    category = models.CharField("分類", max_length=20, choices=GyomuCategory.choices)
    app_label = models.CharField("実装アプリ", max_length=30, blank=True)
    implemented = models.BooleanField("実装済み", default=False)
    sources = models.JSONField("出典", default=list)
    kanagawa_common = models.BooleanField("神奈川17業務", default=False)
    chukan_layout_no = models.PositiveSmallIntegerField(
        "中間標準レイアウト番号", null=True, blank=True
    )
    note = models.CharField("備考", max_length=200, blank=True)
    sort = models.PositiveIntegerField("表示順", default=0)

    class Meta:
        verbose_name = "業務"
        verbose_name_plural = "業務"
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name


class Subscription(models.Model):
    """A municipality's use of one module, from one month to another (billing meters it)."""

    municipality = models.ForeignKey(
        "tenants.Municipality",
        verbose_name="構成団体",
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    gyomu = models.ForeignKey(
        Gyomu, verbose_name="業務", on_delete=models.PROTECT, related_name="subscriptions"
    )
    start_month = models.DateField("利用開始月", help_text="月の1日")
    end_month = models.DateField("利用終了月", null=True, blank=True, help_text="最終利用月の1日")
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "業務利用"
        verbose_name_plural = "業務利用"
        ordering = ["municipality", "gyomu__sort"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_month__day=1), name="subscription_start_first_of_month"
            ),
            models.CheckConstraint(
                condition=Q(end_month__isnull=True) | Q(end_month__gte=models.F("start_month")),
                name="subscription_end_after_start",
            ),
            models.UniqueConstraint(
                fields=["municipality", "gyomu", "start_month"], name="subscription_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.gyomu}"
