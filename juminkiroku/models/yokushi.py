"""抑止 (標準仕様書 3.1) and DV等支援措置 (3.4) with its database (1.1.16)."""

from __future__ import annotations

from django.db import models

from juminkiroku.codes import ShienEndReason, YokushiLevel, YokushiProcess


class Yokushi(models.Model):
    """A lock on one person or one household for one process, as an error or an alert."""

    atena = models.ForeignKey(
        "juminkiroku.Atena",
        verbose_name="対象者",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="yokushi",
    )
    setai = models.ForeignKey(
        "juminkiroku.Setai",
        verbose_name="対象世帯",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="yokushi",
    )
    process = models.CharField("抑止する処理", max_length=10, choices=YokushiProcess.choices)
    level = models.CharField("区分", max_length=10, choices=YokushiLevel.choices)
    start_date = models.DateField("開始日")
    end_date = models.DateField("終了日", null=True, blank=True)
    reason = models.CharField("理由", max_length=200)
    shien_sochi = models.ForeignKey(
        "juminkiroku.ShienSochi",
        verbose_name="支援措置",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="yokushi",
    )
    temp_unlock_until = models.DateTimeField("一時解除の期限", null=True, blank=True)
    temp_unlock_by = models.CharField("一時解除者", max_length=150, blank=True)
    released_at = models.DateTimeField("解除日時", null=True, blank=True)
    released_by = models.CharField("解除者", max_length=150, blank=True)
    created_by = models.CharField("設定者", max_length=150)
    created_at = models.DateTimeField("設定日時", auto_now_add=True)

    class Meta:
        verbose_name = "抑止"
        verbose_name_plural = "抑止"
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(atena__isnull=False, setai__isnull=True)
                    | models.Q(atena__isnull=True, setai__isnull=False)
                ),
                name="yokushi_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_process_display()}抑止 #{self.pk}"


class ShienSochi(models.Model):
    """DV・ストーカー・児童虐待等の被害者への支援措置 (住民基本台帳事務処理要領 第5-10)."""

    atena = models.ForeignKey(
        "juminkiroku.Atena",
        verbose_name="支援対象者",
        on_delete=models.PROTECT,
        related_name="shien",
    )
    start_date = models.DateField("支援開始日")
    end_date = models.DateField("支援終了日")
    extended_from = models.ForeignKey(
        "self",
        verbose_name="延長元",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="extensions",
    )
    moshide_date = models.DateField("申出日")
    note = models.CharField("備考", max_length=200, blank=True)
    renrakusaki = models.CharField("連絡先", max_length=200, blank=True)
    # 支援を求められている事務 (1.1.16).
    jimu_etsuran = models.BooleanField("住民基本台帳の閲覧", default=True)
    jimu_kofu = models.BooleanField("住民票の写し等の交付", default=True)
    jimu_fuhyo = models.BooleanField("戸籍の附票の写し等の交付", default=True)
    yokushi_jusho = models.CharField("抑止対象の住所等", max_length=300, blank=True)
    # 仮支援措置 (3.4): before the need is confirmed, or as 前住所地 after a 転出.
    kari = models.BooleanField("仮支援措置", default=False)
    kari_start_date = models.DateField("仮支援措置の開始日", null=True, blank=True)
    tosho_uketsuke = models.CharField("当初受付市区町村", max_length=100, blank=True)
    # 転送情報 (1.1.16).
    tenso_saki = models.CharField("転送先市区町村", max_length=200, blank=True)
    tenso_date = models.DateField("転送年月日", null=True, blank=True)
    # As 転送受付市区町村: the forwarded 申出書 received, and the day the 申出者 was told
    # that no support was needed.
    tenso_uketsuke_date = models.DateField("転送された申出書の受付年月日", null=True, blank=True)
    fuyo_renraku_date = models.DateField("支援不要の連絡年月日", null=True, blank=True)
    ended_at = models.DateTimeField("終了処理日時", null=True, blank=True)
    ended_by = models.CharField("終了処理者", max_length=150, blank=True)
    end_reason = models.CharField(
        "終了理由", max_length=10, choices=ShienEndReason.choices, blank=True
    )
    created_by = models.CharField("登録者", max_length=150)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "支援措置"
        verbose_name_plural = "支援措置"

    def __str__(self) -> str:
        return f"支援措置 #{self.pk}"


class ShienHeisha(models.Model):
    """併せて支援措置を求める者 (1.1.16): locked like the 申出者 (3.4)."""

    shien = models.ForeignKey(
        ShienSochi, verbose_name="支援措置", on_delete=models.CASCADE, related_name="heisha"
    )
    atena = models.ForeignKey(
        "juminkiroku.Atena",
        verbose_name="併せて支援を求める者",
        on_delete=models.PROTECT,
        related_name="shien_heisha",
    )
    kankei = models.CharField("申出者との関係", max_length=50)

    class Meta:
        verbose_name = "併せて支援を求める者"
        verbose_name_plural = "併せて支援を求める者"
        constraints = [
            models.UniqueConstraint(fields=["shien", "atena"], name="shien_heisha_once"),
        ]

    def __str__(self) -> str:
        return f"併せて支援を求める者 #{self.pk}"


class ShienKagaisha(models.Model):
    """加害者 (1.1.16). ``atena`` only when the 加害者 lives in this town; that record
    then carries an alert so that a request made by the 加害者 is examined."""

    shien = models.ForeignKey(
        ShienSochi, verbose_name="支援措置", on_delete=models.CASCADE, related_name="kagaisha"
    )
    shimei = models.CharField("氏名", max_length=100)
    atena = models.ForeignKey(
        "juminkiroku.Atena",
        verbose_name="宛名",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shien_kagaisha",
    )
    birth_date = models.DateField("生年月日", null=True, blank=True)
    sex = models.CharField("性別", max_length=10, blank=True)
    jusho = models.CharField("住所", max_length=200, blank=True)
    sonota = models.CharField("その他", max_length=200, blank=True)

    class Meta:
        verbose_name = "加害者"
        verbose_name_plural = "加害者"

    def __str__(self) -> str:
        return f"加害者 #{self.pk}"
