"""児童扶養手当: the 未支払の手当 of a 受給者 who died (請求 by the child who was 監護等児童,
決定, paid by a run to the claimant's account), and the 過払 found after a 資格喪失 entered
late (the 返還金 決定, owed back to the town: kept here as the module's own 債権, see
``fukushi.services.fuyoteate_kabarai`` for why not in the 収納 ledger).
"""

from __future__ import annotations

from django.db import models

from fukushi.models.furikomi import FurikomiKoza
from fukushi.models.fuyoteate import FuyoJukyusha, FuyoShiharai

__all__ = [
    "FuyoKabarai",
    "FuyoKabaraiBunno",
    "FuyoKabaraiBunnoJotai",
    "FuyoKabaraiBunnoKi",
    "FuyoKabaraiJotai",
    "FuyoKabaraiTokusoku",
    "FuyoKabaraiTsuki",
    "FuyoMishikyu",
    "FuyoMishikyuKettei",
]


class FuyoMishikyuKettei(models.TextChoices):
    SEIKYU = "seikyu", "請求受付（未決定）"
    SHIKYU = "shikyu", "支給決定"
    FUSHIKYU = "fushikyu", "不支給決定"


class FuyoMishikyu(FurikomiKoza):
    """A claim for the 手当 a 受給者 who died was owed and not paid (未支払の手当), by a
    child who was their 監護等児童; decided (支給 or 不支給) and, when 支給, paid by
    ``shiharai`` to the claimant's account. ``tsuki`` holds each month and its amount as
    decided: [{"month": "YYYY-MM-01", "gaku": n}]."""

    jukyusha = models.ForeignKey(
        FuyoJukyusha,
        on_delete=models.PROTECT,
        related_name="mishikyu",
        verbose_name="死亡した受給者",
    )
    seikyusha_atena_id = models.BigIntegerField("請求者の宛名ID")
    seikyu_date = models.DateField("請求日")
    tsuki = models.JSONField("未支払の月と額")
    gaku = models.PositiveIntegerField("未支払の手当の額（円）")
    kettei = models.CharField(
        "決定", max_length=10, choices=FuyoMishikyuKettei.choices, default=FuyoMishikyuKettei.SEIKYU
    )
    kettei_date = models.DateField("決定日", null=True, blank=True)
    fushikyu_riyu = models.CharField("不支給の理由", max_length=200, blank=True)
    shiharai = models.ForeignKey(
        FuyoShiharai,
        on_delete=models.PROTECT,
        related_name="mishikyu",
        null=True,
        blank=True,
        verbose_name="支払った支払",
    )
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "児童扶養手当 未支払の手当"
        constraints = [
            # one claim of a deceased 受給者 at a time (a 不支給 leaves room for another)
            models.UniqueConstraint(
                fields=["jukyusha"],
                condition=~models.Q(kettei="fushikyu"),
                name="fuyo_mishikyu_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"児童扶養手当 未支払の手当 {self.pk}"


class FuyoKabaraiJotai(models.TextChoices):
    MINO = "mino", "未納"
    KANNO = "kanno", "完納"


class FuyoKabarai(models.Model):
    """A 返還金 決定: the 手当 paid for months after the end of the entitlement (the
    喪失 entered after the run paid them), owed back by the former 受給者 by ``nouki``."""

    jukyusha = models.ForeignKey(
        FuyoJukyusha, on_delete=models.PROTECT, related_name="kabarai", verbose_name="受給者"
    )
    kettei_date = models.DateField("決定日")
    gaku = models.PositiveIntegerField("返還金の額（円）")
    nouki = models.DateField("納期限")
    nofu_gaku = models.PositiveIntegerField("納付済額（円）", default=0)
    jotai = models.CharField(
        "状態", max_length=8, choices=FuyoKabaraiJotai.choices, default=FuyoKabaraiJotai.MINO
    )
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "児童扶養手当 返還金"

    def __str__(self) -> str:
        return f"児童扶養手当 返還金 {self.pk}"


class FuyoKabaraiTsuki(models.Model):
    """One month overpaid, with the amount the run paid for it; a month is owed back once."""

    kabarai = models.ForeignKey(
        FuyoKabarai, on_delete=models.PROTECT, related_name="tsuki", verbose_name="返還金"
    )
    jukyusha = models.ForeignKey(
        FuyoJukyusha, on_delete=models.PROTECT, related_name="+", verbose_name="受給者"
    )
    month = models.DateField("過払の手当の月（月の初日）")
    gaku = models.PositiveIntegerField("その月に支払った額（円）")
    shiharai = models.ForeignKey(
        FuyoShiharai, on_delete=models.PROTECT, related_name="+", verbose_name="支払った支払"
    )

    class Meta:
        verbose_name = "児童扶養手当 返還金の月"
        constraints = [
            models.UniqueConstraint(fields=["jukyusha", "month"], name="fuyo_kabarai_month_once")
        ]

    def __str__(self) -> str:
        return f"児童扶養手当 返還金の月 {self.pk}"


class FuyoKabaraiTokusoku(models.Model):
    """The 督促 of a 返還金 not paid by its 納期限 (a 私債権: 地方自治法施行令第171条, 期限を
    指定して督促): its 督促日, the 指定期限 and the 残額 it asked for. One per 返還金 (a
    reprint prints this row again); ``job_id`` names the mass-print job that made it."""

    kabarai = models.OneToOneField(
        FuyoKabarai, on_delete=models.PROTECT, related_name="tokusoku", verbose_name="返還金"
    )
    tokusoku_date = models.DateField("督促日")
    shitei_kigen = models.DateField("指定期限")
    zan = models.PositiveIntegerField("督促した残額（円）")
    job_id = models.BigIntegerField("一括印刷のジョブ", null=True, blank=True)
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "児童扶養手当 返還金の督促"

    def __str__(self) -> str:
        return f"児童扶養手当 返還金の督促 {self.pk}"


class FuyoKabaraiBunnoJotai(models.TextChoices):
    KEIZOKU = "keizoku", "分割納付中"
    KANRYO = "kanryo", "完了"
    TORIKESHI = "torikeshi", "取消"


class FuyoKabaraiBunno(models.Model):
    """A 分割納付 plan of a 返還金 (履行延期の特約, 地方自治法施行令第171条の6): the 残額 at
    the 申出 split into ``kaisu`` monthly 回. At most one plan 分割納付中 per 返還金; a plan
    cancelled (不履行) makes the rest due at once (``FuyoKabarai.nouki`` becomes the 取消日;
    the 納期限 before the plan is kept in ``moto_nouki``)."""

    kabarai = models.ForeignKey(
        FuyoKabarai, on_delete=models.PROTECT, related_name="bunno", verbose_name="返還金"
    )
    moushide_date = models.DateField("申出日")
    zan = models.PositiveIntegerField("分割した残額（円）")
    kaisu = models.PositiveSmallIntegerField("回数")
    maikai_gaku = models.PositiveIntegerField("毎回の額（円）")
    shokai_nouki = models.DateField("初回の納期限")
    moto_nouki = models.DateField("分割前の納期限")
    jotai = models.CharField(
        "状態",
        max_length=10,
        choices=FuyoKabaraiBunnoJotai.choices,
        default=FuyoKabaraiBunnoJotai.KEIZOKU,
    )
    torikeshi_date = models.DateField("取消日", null=True, blank=True)
    torikeshi_riyu = models.CharField("取消の理由", max_length=200, blank=True)
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "児童扶養手当 返還金の分割納付"
        constraints = [
            models.UniqueConstraint(
                fields=["kabarai"],
                condition=models.Q(jotai="keizoku"),
                name="fuyo_kabarai_bunno_one_keizoku",
            )
        ]

    def __str__(self) -> str:
        return f"児童扶養手当 返還金の分割納付 {self.pk}"


class FuyoKabaraiBunnoKi(models.Model):
    """One 回 of a 分割納付 plan: its amount, 納期限 and what payments were put to it (in
    回 order)."""

    bunno = models.ForeignKey(
        FuyoKabaraiBunno, on_delete=models.PROTECT, related_name="ki", verbose_name="分割納付"
    )
    kai = models.PositiveSmallIntegerField("回")
    gaku = models.PositiveIntegerField("納付額（円）")
    nouki = models.DateField("納期限")
    nofu_gaku = models.PositiveIntegerField("納付済額（円）", default=0)

    class Meta:
        verbose_name = "児童扶養手当 返還金の分割納付の回"
        ordering = ["kai"]
        constraints = [
            models.UniqueConstraint(fields=["bunno", "kai"], name="fuyo_kabarai_bunno_kai_once")
        ]

    def __str__(self) -> str:
        return f"児童扶養手当 返還金の分割納付の回 {self.pk}"
