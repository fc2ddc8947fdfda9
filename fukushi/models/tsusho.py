"""障害児通所支援 (児童福祉法第6条の2の2, issue 21, SG-52): the 障害児通所給付費 支給決定
(法第21条の5の5〜第21条の5の8) of a child under 18, applied for by the 保護者.

要配慮個人情報 (心身の機能の障害): only holders of the grant ``SHOGAI_TECHO`` read them, as the
自立支援給付 (fukushi/models/jiritsu.py). Persons are 宛名 ids of 住民記録; no name is copied.

- ``TsushoKettei``: one 支給決定 of one child: the 保護者, 申請日, 決定日, 支給決定期間 (給付決定
  期間), the 利用者負担 区分 and 上限月額 judged on the 保護者の属する世帯 with every figure used
  (``futan_konkyo``), the 無償化 period (幼児教育・保育の無償化: 満3歳になって初めての4月1日から
  3年間) and the state. ``TsushoService`` rows are its 支給量 (日/月) per service kind.
- ``TsushoRireki``: every 申請・決定・変更・更新・取消・却下 (who, when, reason, before → after);
  never edited.
"""

from __future__ import annotations

from django.db import models

__all__ = ["TsushoJotai", "TsushoKettei", "TsushoRireki", "TsushoService", "TsushoShuryoJiyu"]


class TsushoJotai(models.TextChoices):
    SHINSEI = "shinsei", "申請中"
    YUKO = "yuko", "支給決定"
    KYAKKA = "kyakka", "却下"
    TORIKESHI = "torikeshi", "取消"
    SHURYO = "shuryo", "終了（死亡・転出）"


class TsushoShuryoJiyu(models.TextChoices):
    """Why the registry's event ended a decision (the child's death or 転出確定)."""

    SHIBO = "shibo", "死亡"
    TENSHUTSU = "tenshutsu", "転出"


class TsushoKettei(models.Model):
    atena_id = models.BigIntegerField("宛名ID（障害児）", db_index=True)
    hogosha_atena_id = models.BigIntegerField("保護者の宛名ID", db_index=True)
    jukyusha_bango = models.CharField("受給者証番号", max_length=10, unique=True)
    shinsei_date = models.DateField("申請日")
    kettei_date = models.DateField("決定日", null=True, blank=True)
    kikan_kaishi = models.DateField("給付決定期間の開始日", null=True, blank=True)
    kikan_shuryo = models.DateField("給付決定期間の終了日", null=True, blank=True)
    futan_kubun = models.CharField("利用者負担の区分", max_length=12, blank=True, default="")
    futan_jogen = models.PositiveIntegerField("負担上限月額（円）", null=True, blank=True)
    futan_konkyo = models.JSONField("負担上限の判定に使った値", default=list, blank=True)
    mushoka_kaishi = models.DateField("無償化の対象期間の開始日", null=True, blank=True)
    mushoka_shuryo = models.DateField("無償化の対象期間の終了日", null=True, blank=True)
    jotai = models.CharField("状態", max_length=10, choices=TsushoJotai.choices)
    shuryo_jiyu = models.CharField(
        "終了の事由", max_length=10, choices=TsushoShuryoJiyu.choices, blank=True, default=""
    )
    #: the 保護者's 死亡 or 転出 in the registry: the decision stays, the clerk judges it (another
    #: 保護者 may apply, or the family has moved) and clears the flag or ends the decision.
    yokakunin = models.CharField("職員の確認が必要な事由", max_length=200, blank=True, default="")
    # 就学前の多子軽減 (fukushi.services.tsusho_tashi): 第N子 and the share of the 総費用 (%)
    tashi_dai = models.PositiveSmallIntegerField("多子軽減の第N子", default=1)
    futan_ritsu = models.PositiveSmallIntegerField(
        "利用者負担の割合（総費用に対する百分率）", default=10
    )
    tashi_konkyo = models.JSONField("多子軽減の判定に使った値", default=list, blank=True)
    # 放課後等デイサービスの満20歳までの延長: the town's reason (empty: not extended)
    enchou_riyu = models.CharField("満20歳までの延長の理由", max_length=200, blank=True, default="")
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "障害児通所給付費の支給決定"
        verbose_name_plural = "障害児通所給付費の支給決定"
        constraints = [
            models.UniqueConstraint(
                fields=["atena_id"],
                condition=models.Q(jotai__in=["shinsei", "yuko"]),
                name="fukushi_tsusho_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"障害児通所給付費の支給決定 {self.jukyusha_bango}"


class TsushoService(models.Model):
    kettei = models.ForeignKey(
        TsushoKettei, on_delete=models.CASCADE, related_name="services", verbose_name="支給決定"
    )
    service = models.CharField("サービスの種類", max_length=32)
    shikyu_ryo = models.PositiveIntegerField("支給量（日/月）")

    class Meta:
        verbose_name = "障害児通所支援の支給量"
        verbose_name_plural = "障害児通所支援の支給量"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["kettei", "service"], name="fukushi_tsusho_service_1")
        ]

    def __str__(self) -> str:
        return f"障害児通所支援の支給量 {self.pk}"


class TsushoRireki(models.Model):
    kettei = models.ForeignKey(
        TsushoKettei, on_delete=models.PROTECT, related_name="rireki", verbose_name="支給決定"
    )
    kind = models.CharField("種類", max_length=12)
    jiyu_date = models.DateField("年月日")
    ido_id = models.BigIntegerField("住民記録の異動ID", null=True, blank=True)
    riyu = models.CharField("理由", max_length=200, blank=True, default="")
    naiyo = models.CharField("内容（変更前 → 変更後）", max_length=600)
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("日時", auto_now_add=True)

    class Meta:
        verbose_name = "障害児通所給付費の支給決定の履歴"
        verbose_name_plural = "障害児通所給付費の支給決定の履歴"
        ordering = ["created_at", "id"]
        constraints = [
            # one row per (decision, 異動): a redelivered registry event writes nothing
            models.UniqueConstraint(
                fields=["kettei", "ido_id"],
                condition=models.Q(ido_id__isnull=False),
                name="fukushi_tsusho_rireki_ido_1",
            )
        ]

    def __str__(self) -> str:
        return f"障害児通所給付費の支給決定の履歴 {self.pk}"
