"""自立支援給付 (障害者総合支援法, issue 21 item 1 of the second list): the 障害福祉サービス
支給決定 with its 障害支援区分, and the 補装具費・日常生活用具 給付.

要配慮個人情報 (心身の機能の障害): only holders of the grant ``SHOGAI_TECHO`` read them, as the
障害者手帳 (fukushi/models/shogai.py). Persons are 宛名 ids of 住民記録; no name is copied.

- ``ShienKubunNintei``: one 障害支援区分 認定 (非該当, 区分1〜6) with its 有効期間.
- ``JiritsuKettei``: one 支給決定 of one person: 申請日, 決定日, 支給決定期間, the 利用者負担
  区分 and 上限月額 with every figure used (``futan_konkyo``), state. ``JiritsuService`` rows are
  its 支給量 per service kind (replaced on a 変更: the old ones are in the history's text).
- ``JiritsuRireki``: every 申請・決定・変更・更新・取消 (who, when, reason, before → after); never
  edited.
- ``YoguKyufu``: a 補装具費 or 日常生活用具 申請 → 決定 (基準額, 負担額, 給付額) or 却下 →
  支払 (代理受領: to the vendor; 償還: to the person) in a ``YoguShiharai`` run.
"""

from __future__ import annotations

from django.db import models

from fukushi.models.furikomi import FurikomiKoza, FurikomiRun

__all__ = [
    "JiritsuJotai",
    "JiritsuKettei",
    "JiritsuRireki",
    "JiritsuService",
    "JiritsuShuryoJiyu",
    "ShienKubunNintei",
    "YoguHoho",
    "YoguJotai",
    "YoguKind",
    "YoguKyufu",
    "YoguShiharai",
]


class ShienKubunNintei(models.Model):
    atena_id = models.BigIntegerField("宛名ID", db_index=True)
    kubun = models.CharField("障害支援区分", max_length=1)  # "0" 非該当, "1".."6"
    nintei_date = models.DateField("認定日")
    yuko_kaishi = models.DateField("有効期間の開始日")
    yuko_shuryo = models.DateField("有効期間の終了日")
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "障害支援区分の認定"
        verbose_name_plural = "障害支援区分の認定"

    def __str__(self) -> str:
        return f"障害支援区分の認定 {self.pk}"


class JiritsuJotai(models.TextChoices):
    SHINSEI = "shinsei", "申請中"
    YUKO = "yuko", "支給決定"
    KYAKKA = "kyakka", "却下"
    TORIKESHI = "torikeshi", "取消"
    SHURYO = "shuryo", "終了（死亡・転出）"


class JiritsuShuryoJiyu(models.TextChoices):
    """Why a decision or 申請 ended from the registry's events (``JiritsuJotai.SHURYO``)."""

    SHIBO = "shibo", "死亡"
    TENSHUTSU = "tenshutsu", "転出"


class JiritsuKettei(models.Model):
    atena_id = models.BigIntegerField("宛名ID", db_index=True)
    jukyusha_bango = models.CharField("受給者証番号", max_length=10, unique=True)
    shinsei_date = models.DateField("申請日")
    nintei = models.ForeignKey(
        ShienKubunNintei,
        verbose_name="障害支援区分の認定",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kettei_date = models.DateField("決定日", null=True, blank=True)
    kikan_kaishi = models.DateField("支給決定期間の開始日", null=True, blank=True)
    kikan_shuryo = models.DateField("支給決定期間の終了日", null=True, blank=True)
    futan_kubun = models.CharField("利用者負担の区分", max_length=12, blank=True, default="")
    futan_jogen = models.PositiveIntegerField("負担上限月額（円）", null=True, blank=True)
    futan_konkyo = models.JSONField("負担上限の判定に使った値", default=list, blank=True)
    haigusha_atena_id = models.BigIntegerField("配偶者の宛名ID", null=True, blank=True)
    jotai = models.CharField("状態", max_length=10, choices=JiritsuJotai.choices)
    shuryo_jiyu = models.CharField(
        "終了の事由", max_length=10, choices=JiritsuShuryoJiyu.choices, blank=True, default=""
    )
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "障害福祉サービスの支給決定"
        verbose_name_plural = "障害福祉サービスの支給決定"
        constraints = [
            models.UniqueConstraint(
                fields=["atena_id"],
                condition=models.Q(jotai__in=["shinsei", "yuko"]),
                name="fukushi_jiritsu_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"障害福祉サービスの支給決定 {self.jukyusha_bango}"


class JiritsuService(models.Model):
    kettei = models.ForeignKey(
        JiritsuKettei, on_delete=models.CASCADE, related_name="services", verbose_name="支給決定"
    )
    service = models.CharField("サービスの種類", max_length=32)
    shikyu_ryo = models.PositiveIntegerField("支給量")

    class Meta:
        verbose_name = "支給決定のサービス"
        verbose_name_plural = "支給決定のサービス"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["kettei", "service"], name="fukushi_jiritsu_service_1")
        ]

    def __str__(self) -> str:
        return f"支給決定のサービス {self.pk}"


class JiritsuRireki(models.Model):
    kettei = models.ForeignKey(
        JiritsuKettei, on_delete=models.PROTECT, related_name="rireki", verbose_name="支給決定"
    )
    kind = models.CharField("種類", max_length=12)
    jiyu_date = models.DateField("年月日")
    riyu = models.CharField("理由", max_length=200, blank=True, default="")
    naiyo = models.CharField("内容（変更前 → 変更後）", max_length=600)
    #: the registry's 異動 that wrote this row (死亡・転出); one row per 異動 and decision
    ido_id = models.BigIntegerField("住民記録の異動ID", null=True, blank=True)
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("日時", auto_now_add=True)

    class Meta:
        verbose_name = "支給決定の履歴"
        verbose_name_plural = "支給決定の履歴"
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kettei", "ido_id"],
                condition=models.Q(ido_id__isnull=False),
                name="fukushi_jiritsu_rireki_ido_1",
            )
        ]

    def __str__(self) -> str:
        return f"支給決定の履歴 {self.pk}"


class YoguKind(models.TextChoices):
    HOSOGU = "hosogu", "補装具費"
    NICHIJO = "nichijo", "日常生活用具"


class YoguHoho(models.TextChoices):
    DAIRI = "dairi", "代理受領（事業者へ支払）"
    SHOKAN = "shokan", "償還（本人へ支払）"


class YoguJotai(models.TextChoices):
    SHINSEI = "shinsei", "申請中"
    KETTEI = "kettei", "支給決定"
    KYAKKA = "kyakka", "却下"
    SHIHARAI = "shiharai", "支払済"


class YoguShiharai(FurikomiRun):
    """A payment run of decided 補装具費・日常生活用具 (one 全銀 総合振込 file)."""

    class Meta:
        verbose_name = "補装具費・日常生活用具の支払"
        verbose_name_plural = "補装具費・日常生活用具の支払"

    def __str__(self) -> str:
        return f"補装具費・日常生活用具の支払 {self.pk}"


class YoguKyufu(FurikomiKoza):
    atena_id = models.BigIntegerField("宛名ID", db_index=True)
    kind = models.CharField("種類", max_length=8, choices=YoguKind.choices)
    hinmoku = models.CharField("品目", max_length=60)
    shinsei_date = models.DateField("申請日")
    gyosha = models.CharField("事業者", max_length=100)
    kakaku = models.PositiveIntegerField("見積額（円）")
    kijun_gaku = models.PositiveIntegerField("基準額（円）")
    hiyo = models.PositiveIntegerField("費用の額（基準額まで・円）", default=0)
    futan_kubun = models.CharField("利用者負担の区分", max_length=12, blank=True, default="")
    futan_jogen = models.PositiveIntegerField("負担上限月額（円）", null=True, blank=True)
    futan_gaku = models.PositiveIntegerField("利用者負担額（円）", default=0)
    kyufu_gaku = models.PositiveIntegerField("給付額（円）", default=0)
    futan_konkyo = models.JSONField("負担の判定に使った値", default=list, blank=True)
    haigusha_atena_id = models.BigIntegerField("配偶者の宛名ID", null=True, blank=True)
    hoho = models.CharField("支給の方法", max_length=8, choices=YoguHoho.choices)
    jotai = models.CharField("状態", max_length=10, choices=YoguJotai.choices)
    kettei_date = models.DateField("決定日", null=True, blank=True)
    kyakka_riyu = models.CharField("却下の理由", max_length=200, blank=True, default="")
    shiharai = models.ForeignKey(
        YoguShiharai,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="kyufu",
        verbose_name="支払",
    )
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "補装具費・日常生活用具の給付"
        verbose_name_plural = "補装具費・日常生活用具の給付"

    def __str__(self) -> str:
        return f"補装具費・日常生活用具の給付 {self.pk}"
