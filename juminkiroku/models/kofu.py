"""証明書の交付履歴 (標準仕様書 1.3.8), and the masters printed on every certificate:
公印 (1.3.7, 5.6) and 認証者 (1.3.9). Every issue is a row; a voided one (処分) stays."""

from __future__ import annotations

from django.db import models

from juminkiroku.codes import KoinKind, NinshoshaKubun, Seikyusha, ShomeiKind, ShomeiLayout


class ShomeiKofu(models.Model):
    # The first copy's 発行番号 key ("YYYYMMDD-NNNNNNN", ASCII: it travels in headers and
    # file names); every copy has its own, in ``hakko_nos`` (標準仕様書 5.5).
    hakko_no = models.CharField("発行番号", max_length=20, unique=True)
    hakko_nos = models.JSONField("発行番号（一部ごと）", default=list)
    kind = models.CharField("証明書の種類", max_length=10, choices=ShomeiKind.choices)
    layout = models.CharField("様式", max_length=10, choices=ShomeiLayout.choices, blank=True)
    atena_ids = models.JSONField("対象者（宛名ID）", default=list)
    setai = models.ForeignKey(
        "juminkiroku.Setai",
        verbose_name="世帯",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Which optional items were printed (世帯主・続柄, 本籍・筆頭者, 住民票コード, 個人番号, 履歴;
    # for a 記載事項証明書 the items chosen; the foreign residents' items omitted).
    items = models.JSONField("記載事項", default=dict)
    copies = models.PositiveSmallIntegerField("通数", default=1)
    pages = models.PositiveIntegerField("頁数", default=1)
    kojin_bango_printed = models.BooleanField("個人番号の記載", default=False)
    seikyusha = models.CharField(
        "請求者", max_length=10, choices=Seikyusha.choices, default=Seikyusha.HONNIN
    )
    koyo_kikan = models.CharField("公用請求の機関", max_length=100, blank=True)
    koyo_mokuteki = models.CharField("公用請求の目的", max_length=200, blank=True)
    kofu_basho = models.CharField("交付場所", max_length=50, blank=True)
    ninshosha = models.CharField("認証者", max_length=150, blank=True)
    koin = models.ForeignKey(
        "juminkiroku.Koin",
        verbose_name="印字した公印",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    issued_at = models.DateTimeField("発行日時", auto_now_add=True, db_index=True)
    issued_by_id = models.BigIntegerField("発行者ID", null=True, blank=True)
    issued_by = models.CharField("発行者", max_length=150)
    terminal = models.CharField("端末", max_length=100, blank=True)
    voided_at = models.DateTimeField("処分日時", null=True, blank=True)
    voided_by = models.CharField("処分者", max_length=150, blank=True)
    void_reason = models.CharField("処分理由", max_length=200, blank=True)

    class Meta:
        verbose_name = "証明書交付履歴"
        verbose_name_plural = "証明書交付履歴"
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.hakko_no


class Koin(models.Model):
    """電子公印 (標準仕様書 1.3.7, 5.6): one image per kind and period; the image is kept
    black (5.6: 黒色, at most 25 mm square when printed). Rows are closed, never deleted."""

    kind = models.CharField("公印の種類", max_length=10, choices=KoinKind.choices)
    image = models.BinaryField("印影画像（PNG）")
    image_sha256 = models.CharField("画像のSHA-256", max_length=64)
    mongon = models.CharField("固定文言", max_length=60, blank=True)
    valid_from = models.DateField("使用開始日")
    valid_to = models.DateField("使用終了日", null=True, blank=True)
    registered_at = models.DateTimeField("登録日時", auto_now_add=True)
    registered_by = models.CharField("登録者", max_length=150)

    class Meta:
        verbose_name = "公印"
        verbose_name_plural = "公印"
        ordering = ["kind", "-valid_from", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.valid_from}～）"


class Ninshosha(models.Model):
    """認証者 (標準仕様書 1.3.9): 職名・氏名 of the head and of the deputy, each with the
    period it holds; a deputy's period switches the certifier automatically."""

    kubun = models.CharField("区分", max_length=10, choices=NinshoshaKubun.choices)
    shokumei = models.CharField("職名", max_length=60)
    shimei = models.CharField("氏名", max_length=60)
    valid_from = models.DateField("開始日")
    valid_to = models.DateField("終了日", null=True, blank=True)
    registered_at = models.DateTimeField("登録日時", auto_now_add=True)
    registered_by = models.CharField("登録者", max_length=150)

    class Meta:
        verbose_name = "認証者"
        verbose_name_plural = "認証者"
        ordering = ["kubun", "-valid_from", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kubun_display()}（{self.valid_from}～）"
