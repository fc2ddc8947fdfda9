"""子ども医療費助成（乳幼児医療）・ひとり親家庭等医療費助成: 受給者証, its history, the 償還
claims and their payment runs. One set of tables for the two 業務, each row naming its
業務 (``gyomu``); every screen and query is of one 業務."""

from __future__ import annotations

from django.db import models

from fukushi import gyomu
from fukushi.models.furikomi import FurikomiKoza, FurikomiRun
from fukushi.models.rireki import JukyushaRirekiBase

__all__ = [
    "IryoGenbutsu",
    "IryoGenbutsuMeisai",
    "IryoGyomu",
    "IryoJotai",
    "IryoJukyusha",
    "IryoRireki",
    "IryoShiharai",
    "IryoShinsaKikan",
    "IryoShokan",
    "IryoShokanJotai",
]


class IryoGyomu(models.TextChoices):
    NYUYOJI = gyomu.NYUYOJI_IRYO, "子ども医療費助成"
    HITORIOYA = gyomu.HITORIOYA_IRYO, "ひとり親家庭等医療費助成"


class IryoJotai(models.TextChoices):
    YUKO = "yuko", "有効"
    SHIKKAKU = "shikkaku", "資格喪失"


class IryoJukyusha(FurikomiKoza):
    """A 受給者証 of one person (the child, or the ひとり親) for one period."""

    gyomu = models.CharField("業務", max_length=16, choices=IryoGyomu.choices)
    atena_id = models.BigIntegerField("対象者の宛名ID", db_index=True)
    hogosha_atena_id = models.BigIntegerField("保護者の宛名ID")
    jukyusha_bango = models.CharField("受給者番号", max_length=12)
    yuko_kaishi = models.DateField("有効期間の開始日")
    yuko_shuryo = models.DateField("有効期間の終了日")
    jotai = models.CharField("状態", max_length=16, choices=IryoJotai.choices)
    shikkaku_jiyu = models.CharField("喪失事由", max_length=32, blank=True, default="")
    shikkaku_ido_id = models.BigIntegerField("喪失の異動ID", null=True, blank=True)
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "医療費助成 受給者"
        constraints = [
            models.UniqueConstraint(
                fields=["gyomu", "jukyusha_bango"], name="iryo_jukyusha_bango_uniq"
            ),
            models.UniqueConstraint(
                fields=["gyomu", "atena_id"],
                condition=models.Q(jotai="yuko"),
                name="iryo_jukyusha_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"医療費助成 受給者 {self.jukyusha_bango}"


class IryoRireki(JukyushaRirekiBase):
    jukyusha = models.ForeignKey(
        IryoJukyusha, on_delete=models.PROTECT, related_name="rireki", verbose_name="受給者"
    )

    class Meta(JukyushaRirekiBase.Meta):
        verbose_name = "医療費助成 履歴"

    def __str__(self) -> str:
        return f"医療費助成 履歴 {self.pk}"


class IryoShiharai(FurikomiRun):
    """A payment run of the approved 償還 claims of one 業務."""

    gyomu = models.CharField("業務", max_length=16, choices=IryoGyomu.choices)

    class Meta:
        verbose_name = "医療費助成 支払"

    def __str__(self) -> str:
        return f"医療費助成 支払 {self.pk}"


class IryoShokanJotai(models.TextChoices):
    UKETSUKE = "uketsuke", "受付"
    SHONIN = "shonin", "審査済（支給決定）"
    KYAKKA = "kyakka", "却下"
    SHIHARAI = "shiharai", "支払済"


class IryoShokan(models.Model):
    """A 償還 (refund) claim: paid at the counter (県外受診など), refunded after 審査."""

    jukyusha = models.ForeignKey(
        IryoJukyusha, on_delete=models.PROTECT, related_name="shokan", verbose_name="受給者"
    )
    shinryo_tsuki = models.DateField("診療月（月の初日）")
    iryo_kikan = models.CharField("医療機関", max_length=100)
    jiko_futan = models.PositiveIntegerField("窓口で支払った額（円）")
    ichibu_futan = models.PositiveIntegerField("一部負担金（円）")
    shikyu_gaku = models.PositiveIntegerField("支給額（円）")
    jotai = models.CharField("状態", max_length=16, choices=IryoShokanJotai.choices)
    kyakka_riyu = models.CharField("却下の理由", max_length=200, blank=True, default="")
    shiharai = models.ForeignKey(
        IryoShiharai,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shokan",
        verbose_name="支払",
    )
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "医療費助成 償還"

    def __str__(self) -> str:
        return f"医療費助成 償還 {self.pk}"


class IryoShinsaKikan(models.TextChoices):
    KOKUHOREN = "kokuhoren", "国民健康保険団体連合会"
    SHIHARAI_KIKIN = "shiharai_kikin", "社会保険診療報酬支払基金"


class IryoGenbutsu(models.Model):
    """A month's 現物給付 請求 of one 業務 from one 審査支払機関 (imported file), its check
    against the 受給者証, and its payment to the 機関 (who pays the 医療機関)."""

    gyomu = models.CharField("業務", max_length=16, choices=IryoGyomu.choices)
    shinsa_kikan = models.CharField("審査支払機関", max_length=16, choices=IryoShinsaKikan.choices)
    seikyu_tsuki = models.DateField("請求月（月の初日）")
    file_sha256 = models.CharField("請求ファイルの SHA-256", max_length=64)
    kensu = models.PositiveIntegerField("件数")
    henrei_kensu = models.PositiveIntegerField("返戻の件数")
    josei_gokei = models.BigIntegerField("助成額の合計（円）")
    shiharai_date = models.DateField("支払日", null=True, blank=True)
    irainin = models.JSONField("振込依頼人", null=True, blank=True)
    koza = models.JSONField("審査支払機関の口座", null=True, blank=True)
    furikomi_sha256 = models.CharField("総合振込ファイルの SHA-256", max_length=64, blank=True)
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "医療費助成 現物給付の請求"
        constraints = [
            models.UniqueConstraint(
                fields=["gyomu", "shinsa_kikan", "seikyu_tsuki"],
                name="iryo_genbutsu_once_a_month",
            )
        ]

    def __str__(self) -> str:
        return f"医療費助成 現物給付の請求 {self.pk}"


class IryoGenbutsuMeisai(models.Model):
    """One line (1件: one person, one 医療機関, one 診療月) of a 現物給付 請求: the 医療保険's
    一部負担金 the town bears less the town's own 一部負担金, or 返戻 with its reason."""

    genbutsu = models.ForeignKey(
        IryoGenbutsu, on_delete=models.PROTECT, related_name="meisai", verbose_name="請求"
    )
    gyo = models.PositiveIntegerField("行")
    jukyusha = models.ForeignKey(
        IryoJukyusha,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="genbutsu",
        verbose_name="受給者",
    )
    jukyusha_bango = models.CharField("受給者番号", max_length=12)
    shinryo_tsuki = models.DateField("診療月（月の初日）")
    kikan_code = models.CharField("医療機関コード", max_length=10)
    kikan_mei = models.CharField("医療機関名", max_length=100)
    iryohi = models.PositiveIntegerField("医療費の総額（円）")
    futan = models.PositiveIntegerField("一部負担金相当額（円）")
    ichibu_futan = models.PositiveIntegerField("町の一部負担金（円）")
    josei_gaku = models.PositiveIntegerField("助成額（円）")
    henrei_riyu = models.CharField("返戻の理由", max_length=200, blank=True)

    class Meta:
        verbose_name = "医療費助成 現物給付の明細"
        ordering = ["gyo"]

    def __str__(self) -> str:
        return f"医療費助成 現物給付の明細 {self.pk}"
