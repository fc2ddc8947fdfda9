"""転出 in two phases (標準仕様書 1.1.5, 4.1.3): the 予定 recorded at 本登録, the 除票 on
the 転出予定日 or the earlier 転入日 of a 転入通知; the 転入通知 received; the 転出証明書
issued.

A ``Tenshutsu`` row is written per person by the 本登録 of a 転出 (S01) or 国外転出 (S02).
While it is ``yotei`` the person stays on the registry (住民, searchable, certifiable);
``juminkiroku.services.tenshutsu`` turns it into a 除票 and marks it ``kakutei``. The
予定 items (転出予定日, 転出先住所（予定）) are never overwritten: the 確定 items of a
転入通知 are kept beside them (標準仕様書 4.1.3.1.1).
"""

from __future__ import annotations

from django.db import models


class TenshutsuStatus(models.TextChoices):
    YOTEI = "yotei", "転出予定"
    KAKUTEI = "kakutei", "転出確定（除票）"
    TORIKESHI = "torikeshi", "取消"


class TennyuTsuchiSource(models.TextChoices):
    CS = "cs", "住基ネット（CS）"
    PAPER = "paper", "書面"


class TenshutsuShomeiKind(models.TextChoices):
    SHOMEI = "shomei", "転出証明書"
    JUNZURU = "junzuru", "転出証明書に準ずる証明書"


class Tenshutsu(models.Model):
    ido = models.ForeignKey(
        "juminkiroku.Ido", verbose_name="転出の異動", on_delete=models.PROTECT, related_name="+"
    )
    atena = models.ForeignKey(
        "juminkiroku.Atena", verbose_name="転出者", on_delete=models.PROTECT, related_name="+"
    )
    jiyu = models.CharField("異動事由", max_length=3)
    status = models.CharField(
        "状態", max_length=10, choices=TenshutsuStatus.choices, default=TenshutsuStatus.YOTEI
    )
    yotei_date = models.DateField("転出予定日")
    todoke_date = models.DateField("届出日", null=True, blank=True)
    # 届出が転出日から14日を経過: 職権で記載 (標準仕様書 4.1.3.0.1).
    shokken = models.BooleanField("職権による記載", default=False)
    yotei_jusho = models.CharField("転出先住所（予定）", max_length=200)
    yotei_postal_code = models.CharField("転出先住所（予定）の郵便番号", max_length=7, blank=True)
    shojo_date = models.DateField("除票となった日", null=True, blank=True)
    kakutei_at = models.DateTimeField("転出確定の処理日時", null=True, blank=True)
    johyo_rireki = models.ForeignKey(
        "juminkiroku.AtenaRireki",
        verbose_name="除票の版",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # 転入通知 (標準仕様書 4.1.3.1.1): kept beside the 予定, never over it.
    kakutei_jusho = models.CharField("転出先住所（確定）", max_length=200, blank=True)
    kakutei_postal_code = models.CharField("転出先住所（確定）の郵便番号", max_length=7, blank=True)
    kakutei_tenshutsu_date = models.DateField("転出年月日（確定）", null=True, blank=True)
    tsuchi_date = models.DateField("転入通知年月日", null=True, blank=True)
    created_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "転出"
        verbose_name_plural = "転出"
        constraints = [
            models.UniqueConstraint(fields=["ido", "atena"], name="tenshutsu_one_per_ido_person")
        ]
        indexes = [
            models.Index(
                fields=["yotei_date"],
                name="tenshutsu_due_idx",
                condition=models.Q(status="yotei"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.ido_id}:{self.atena_id}"


class TennyuTsuchi(models.Model):
    """転入通知 received (住民基本台帳法 第9条第1項) from the CS or on paper."""

    atena = models.ForeignKey(
        "juminkiroku.Atena", verbose_name="転出者", on_delete=models.PROTECT, related_name="+"
    )
    tenshutsu = models.ForeignKey(
        Tenshutsu,
        verbose_name="対応する転出",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tsuchi",
    )
    tennyu_date = models.DateField("転入日")
    tennyu_jusho = models.CharField("転入先住所", max_length=200)
    tennyu_postal_code = models.CharField("転入先住所の郵便番号", max_length=7, blank=True)
    source = models.CharField("受信元", max_length=5, choices=TennyuTsuchiSource.choices)
    received_on = models.DateField("転入通知年月日")
    date_differs = models.BooleanField("転出予定日と転入日の相違", default=False)
    made_johyo = models.BooleanField("この通知により除票とした", default=False)
    shojo_corrected = models.BooleanField("この通知により消除日を転入日に改めた", default=False)
    recorded_by = models.CharField("入力者", max_length=150)
    recorded_at = models.DateTimeField("入力日時", auto_now_add=True)

    class Meta:
        verbose_name = "転入通知"
        verbose_name_plural = "転入通知"

    def __str__(self) -> str:
        return f"{self.atena_id} {self.tennyu_date}"


class TenshutsuShomei(models.Model):
    """転出証明書 (住民基本台帳法施行令 第23条) as issued: the items printed are kept, so a
    再交付 prints the state of the first issue (標準仕様書 4.1.3.0.3)."""

    tenshutsu = models.ForeignKey(
        Tenshutsu, verbose_name="転出", on_delete=models.PROTECT, related_name="shomei"
    )
    hakko_no = models.CharField("発行番号", max_length=20, unique=True)
    kind = models.CharField("種類", max_length=10, choices=TenshutsuShomeiKind.choices)
    saikofu_of = models.ForeignKey(
        "self",
        verbose_name="再交付の元の証明書",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    items = models.JSONField("記載事項（交付時）", default=dict)
    issued_at = models.DateTimeField("発行日時", auto_now_add=True)
    issued_by_id = models.BigIntegerField("発行者ID", null=True, blank=True)
    issued_by = models.CharField("発行者", max_length=150)
    terminal = models.CharField("端末", max_length=100, blank=True)

    class Meta:
        verbose_name = "転出証明書の交付"
        verbose_name_plural = "転出証明書の交付"
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.hakko_no
