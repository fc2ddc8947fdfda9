"""健康管理: 予防接種の記録 (issue 21 item 4).

要配慮個人情報 (個人情報保護法第2条第3項・施行令第2条: 健康診断等の結果): only staff holding
the grant ``fukushi.grants_kenko.KENKO_KIROKU`` read them, each read logged with the clerk's
purpose. Persons are 宛名 ids of 住民記録; nothing here copies a name.

- ``YoboSesshu``: one dose given (vaccine code of the 年度's schedule, 回, 接種日, ロット番号,
  医療機関, 定期/任意). History: a wrong record is cancelled (取消, with its reason and
  when), never edited or deleted; the checks and the lists read only records in force.
"""

from __future__ import annotations

from django.db import models


class SesshuKubun(models.TextChoices):
    TEIKI = "teiki", "定期接種"
    NINI = "nini", "任意接種"


class YoboSesshu(models.Model):
    atena_id = models.BigIntegerField("宛名ID（住民記録）", db_index=True)
    vaccine = models.CharField("ワクチン", max_length=20)
    dose_no = models.PositiveSmallIntegerField("回")
    sesshu_date = models.DateField("接種日")
    lot_no = models.CharField("ロット番号", max_length=20, blank=True, default="")
    iryo_kikan = models.CharField("医療機関", max_length=60, blank=True, default="")
    kubun = models.CharField("定期・任意", max_length=5, choices=SesshuKubun.choices)
    torikeshi_at = models.DateTimeField("取消日時", null=True, blank=True)
    torikeshi_riyu = models.CharField("取消の理由", max_length=200, blank=True, default="")
    created_by = models.CharField("登録者", max_length=150, blank=True, default="")
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "予防接種の記録"
        verbose_name_plural = "予防接種の記録"
        indexes = [models.Index(fields=["vaccine", "atena_id"], name="fukushi_yobo_vac_atena")]
        constraints = [
            # one dose in force per person, vaccine and 回 (a cancelled one stays as history)
            models.UniqueConstraint(
                fields=["atena_id", "vaccine", "dose_no"],
                condition=models.Q(torikeshi_at__isnull=True),
                name="fukushi_yobo_one_in_force",
            ),
        ]

    def __str__(self) -> str:
        # no person in it (the record's words go into logs and admin lists)
        return f"予防接種の記録 {self.pk}"


class KekkaKubun(models.TextChoices):
    """結果区分 of a 検診 (the words on the 結果通知)."""

    IJO_NASHI = "ijo_nashi", "異常なし"
    KEIKA_KANSATSU = "keika_kansatsu", "要経過観察"
    YO_SEIMITSU = "yo_seimitsu", "要精密検査"
    YO_IRYO = "yo_iryo", "要医療"


class SeimitsuKekka(models.TextChoices):
    """精密検査の結果 (follow-up of a 要精密検査)."""

    IJO_NASHI = "ijo_nashi", "異常なし"
    GAN = "gan", "がん"
    GAN_UTAGAI = "gan_utagai", "がんの疑い・未確定"
    GAN_IGAI = "gan_igai", "がん以外の疾患"
    MIJUSHIN = "mijushin", "精密検査 未受診"


class KenshinJushin(models.Model):
    """One 受診 of a 検診 (がん検診 or 特定健康診査): 要配慮個人情報 (健康診断等の結果), the
    same wall and history as ``YoboSesshu``: cancelled (取消), never edited or deleted; the
    精密検査 follow-up of a 要精密検査 is entered on it later (each entry logged)."""

    atena_id = models.BigIntegerField("宛名ID（住民記録）", db_index=True)
    kenshin = models.CharField("検診の種類", max_length=20)
    method = models.CharField("方法", max_length=20)
    jushin_date = models.DateField("受診日")
    kekka = models.CharField("結果区分", max_length=20, choices=KekkaKubun.choices)
    iryo_kikan = models.CharField("検診機関", max_length=60, blank=True, default="")
    seimitsu_date = models.DateField("精密検査の受診日", null=True, blank=True)
    seimitsu_kikan = models.CharField("精密検査の医療機関", max_length=60, blank=True, default="")
    seimitsu_kekka = models.CharField(
        "精密検査の結果", max_length=20, choices=SeimitsuKekka.choices, blank=True, default=""
    )
    torikeshi_at = models.DateTimeField("取消日時", null=True, blank=True)
    torikeshi_riyu = models.CharField("取消の理由", max_length=200, blank=True, default="")
    created_by = models.CharField("登録者", max_length=150, blank=True, default="")
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "健診の受診記録"
        verbose_name_plural = "健診の受診記録"
        indexes = [models.Index(fields=["kenshin", "atena_id"], name="fukushi_kenshin_kind_atena")]
        constraints = [
            models.UniqueConstraint(
                fields=["atena_id", "kenshin", "jushin_date"],
                condition=models.Q(torikeshi_at__isnull=True),
                name="fukushi_kenshin_one_a_day",
            ),
        ]

    def __str__(self) -> str:
        return f"健診の受診記録 {self.pk}"
