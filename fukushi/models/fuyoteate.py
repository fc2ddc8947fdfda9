"""児童扶養手当: 受給者 (the 認定 and its end), the history of every change, the 現況届 of each
year, and the payment runs (支払) with their lines.

The 受給者 is a 宛名 of 住民記録 (``atena_id``); names and addresses are read through
``juminkiroku.public`` when shown. Amounts are decided by ``fukushi.rules.fuyoteate``.
"""

from __future__ import annotations

from django.db import models

from fukushi.models.rireki import JukyushaRirekiBase

__all__ = [
    "FuyoGenkyoTodoke",
    "FuyoHantei",
    "FuyoJotai",
    "FuyoJukyusha",
    "FuyoRireki",
    "FuyoShiharai",
    "FuyoShiharaiMeisai",
    "FuyoShikkakuJiyu",
]


class FuyoJotai(models.TextChoices):
    JUKYU = "jukyu", "受給中"
    SHIKKAKU = "shikkaku", "資格喪失"


class FuyoShikkakuJiyu(models.TextChoices):
    TENSHUTSU = "tenshutsu", "転出"
    SHIBO = "shibo", "死亡"


class FuyoJukyusha(models.Model):
    """One 認定 of 児童扶養手当 (法第6条): from the month after the 認定請求 until the month the
    entitlement ends (法第7条)."""

    atena_id = models.BigIntegerField("受給者の宛名ID", db_index=True)
    jukyusha_bango = models.CharField("証書番号", max_length=12)
    seikyu_date = models.DateField("認定請求日")
    shikyu_kaishi = models.DateField("支給開始月（月の初日）")
    shikyu_shuryo = models.DateField("支給終了月（月の初日）", null=True, blank=True)
    jotai = models.CharField("状態", max_length=16, choices=FuyoJotai.choices)
    shikkaku_jiyu = models.CharField(
        "喪失事由", max_length=16, choices=FuyoShikkakuJiyu.choices, blank=True, default=""
    )
    shikkaku_date = models.DateField("喪失事由の日", null=True, blank=True)
    shikkaku_ido_id = models.BigIntegerField("喪失の異動ID", null=True, blank=True)
    jido_su = models.PositiveSmallIntegerField("対象児童の数")
    fuyo_shinzoku = models.PositiveSmallIntegerField("扶養親族等の数")
    rojin = models.PositiveSmallIntegerField("老人扶養親族等の数", default=0)
    tokutei = models.PositiveSmallIntegerField("特定扶養親族等の数", default=0)
    yoikuhi = models.PositiveIntegerField("養育費の年額（円）", default=0)
    fubo = models.BooleanField("父又は母", default=True)
    kinyu_kikan = models.CharField("金融機関コード", max_length=4)
    shiten = models.CharField("支店コード", max_length=3)
    yokin_shumoku = models.CharField("預金種目", max_length=1)
    koza_bango = models.CharField("口座番号", max_length=7)
    meigi_kana = models.CharField("口座名義（半角カナ）", max_length=30)
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "児童扶養手当 受給者"
        constraints = [
            models.UniqueConstraint(fields=["jukyusha_bango"], name="fuyo_jukyusha_bango_uniq"),
            # one open 認定 per person
            models.UniqueConstraint(
                fields=["atena_id"],
                condition=models.Q(jotai="jukyu"),
                name="fuyo_jukyusha_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"児童扶養手当 受給者 {self.jukyusha_bango}"


class FuyoRireki(JukyushaRirekiBase):
    """Every change of a 受給者, in order (認定, 現況届, 喪失, 支払)."""

    jukyusha = models.ForeignKey(
        FuyoJukyusha, on_delete=models.PROTECT, related_name="rireki", verbose_name="受給者"
    )

    class Meta(JukyushaRirekiBase.Meta):
        verbose_name = "児童扶養手当 履歴"

    def __str__(self) -> str:
        return f"児童扶養手当 履歴 {self.pk}"


class FuyoHantei(models.TextChoices):
    ZENBU = "zenbu", "全部支給"
    ICHIBU = "ichibu", "一部支給"
    TEISHI = "teishi", "全部支給停止"


class FuyoGenkyoTodoke(models.Model):
    """現況届 (施行規則第4条: every August): the 所得 of the 前年 decide 11月分 to 翌年10月分."""

    jukyusha = models.ForeignKey(
        FuyoJukyusha, on_delete=models.PROTECT, related_name="genkyo", verbose_name="受給者"
    )
    nen = models.PositiveSmallIntegerField("届出の年（8月）")
    uketsuke_date = models.DateField("受付日")
    shotoku_nendo = models.PositiveSmallIntegerField("所得の年度（住民税）")
    shotokugaku = models.BigIntegerField("所得額")
    zenbu_gendo = models.BigIntegerField("全部支給の限度額")
    ichibu_gendo = models.BigIntegerField("一部支給の限度額")
    hantei = models.CharField("判定", max_length=8, choices=FuyoHantei.choices)
    getsugaku = models.PositiveIntegerField("11月分の月額（円）")
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "児童扶養手当 現況届"
        constraints = [
            models.UniqueConstraint(fields=["jukyusha", "nen"], name="fuyo_genkyo_once_a_year")
        ]

    def __str__(self) -> str:
        return f"児童扶養手当 現況届 {self.nen}"


class FuyoShiharai(models.Model):
    """A payment run of one 支払月 (奇数月) for the two months before it."""

    shiharai_tsuki = models.DateField("支払月（月の初日）", unique=True)
    shiharai_date = models.DateField("支払日")
    kensu = models.PositiveIntegerField("件数")
    gokei = models.BigIntegerField("合計額（円）")
    irainin = models.JSONField("振込依頼人（コード・名・仕向銀行・支店・預金種目・口座番号）")
    furikomi_sha256 = models.CharField("総合振込ファイルの SHA-256", max_length=64)
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "児童扶養手当 支払"

    def __str__(self) -> str:
        return f"児童扶養手当 支払 {self.shiharai_tsuki:%Y-%m}"


class FuyoShiharaiMeisai(models.Model):
    shiharai = models.ForeignKey(
        FuyoShiharai, on_delete=models.PROTECT, related_name="meisai", verbose_name="支払"
    )
    jukyusha = models.ForeignKey(
        FuyoJukyusha, on_delete=models.PROTECT, related_name="shiharai", verbose_name="受給者"
    )
    tsuki1 = models.PositiveIntegerField("前々月分（円）")
    tsuki2 = models.PositiveIntegerField("前月分（円）")
    gaku = models.PositiveIntegerField("支払額（円）")

    class Meta:
        verbose_name = "児童扶養手当 支払明細"
        constraints = [
            models.UniqueConstraint(fields=["shiharai", "jukyusha"], name="fuyo_meisai_once")
        ]

    def __str__(self) -> str:
        return f"児童扶養手当 支払明細 {self.pk}"
