"""負担割合 (利用者負担 1割・2割・3割) and 負担限度額認定 (補足給付) of the insured.

- ``FutanWariai``: one judgement of one person for one 年度 (8月1日〜7月31日), with every
  figure the rule compared and the input it read (``hantei_input``, fingerprinted by
  ``input_hash``). At most one current row per person and 年度 (partial unique index); a
  更正 (所得 or 世帯 changed) writes a new version pointing back at the one it replaces,
  never an edit, so the versions are the history.
- ``GendogakuNintei``: one 申請 of 負担限度額認定 and its outcome: 申請 (what the 申請書
  declares: 預貯金等, 非課税年金, 配偶者), 判定 (the 段階 from the rules with the 課税状況
  from zeimu) and 決定 (認定 with its 有効期間, or 却下). ``GendogakuRireki`` is append-only.

Persons are 宛名 ids of 住民記録 (read through ``juminkiroku.public`` only).
"""

from __future__ import annotations

from django.db import models

from kaigo.models.shikaku import Kubun


class Wari(models.IntegerChoices):
    ICHI = 1, "1割"
    NI = 2, "2割"
    SAN = 3, "3割"


class FutanJiyu(models.TextChoices):
    NENJI = "nenji", "年次判定"
    KOSEI = "kosei", "更正（所得・世帯の変更）"


class FutanWariai(models.Model):
    atena_id = models.BigIntegerField("宛名ID")
    nendo = models.PositiveSmallIntegerField("年度（8月1日からの適用期間の始まる年）")
    version = models.PositiveSmallIntegerField("版", default=1)
    is_current = models.BooleanField("現在の判定", default=True)
    kubun = models.CharField("被保険者区分", max_length=1, choices=Kubun.choices)
    wari = models.PositiveSmallIntegerField("負担割合", choices=Wari.choices)
    tekiyo_start = models.DateField("適用開始日")
    tekiyo_end = models.DateField("適用終了日")
    honnin_gokei_shotoku = models.BigIntegerField("本人の合計所得金額（判定に用いた額）")
    nenkin_sonota_gokei = models.BigIntegerField(
        "第1号被保険者の年金収入＋その他の合計所得金額の合計"
    )
    ninzu = models.PositiveSmallIntegerField("世帯の第1号被保険者の数")
    riyu = models.CharField("判定の理由", max_length=200)
    #: 本人の所得が税務にない（未申告・賦課なし）: judged on 0, and said on the screen
    shotoku_fumei = models.BooleanField("本人の所得が不明", default=False)
    jiyu = models.CharField("判定の事由", max_length=8, choices=FutanJiyu.choices)
    hantei_input = models.JSONField("判定に用いた入力")
    hantei_result = models.JSONField("判定結果（すべての数値）")
    input_hash = models.CharField("入力の指紋", max_length=64)
    job_id = models.BigIntegerField("処理ID", null=True, blank=True)
    previous = models.OneToOneField(
        "self",
        verbose_name="更正前の判定",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_version",
    )
    actor = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "介護保険の負担割合"
        verbose_name_plural = "介護保険の負担割合"
        constraints = [
            models.UniqueConstraint(
                fields=["atena_id", "nendo"],
                condition=models.Q(is_current=True),
                name="kaigo_futan_one_current",
            ),
            models.UniqueConstraint(
                fields=["atena_id", "nendo", "version"], name="kaigo_futan_version"
            ),
        ]
        indexes = [models.Index(fields=["nendo", "wari"], name="kaigo_futan_nendo_idx")]

    def __str__(self) -> str:
        return f"負担割合 {self.pk}（宛名ID {self.atena_id}、{self.nendo}）"


class GendogakuStatus(models.TextChoices):
    SHINSEI = "shinsei", "申請受付"
    HANTEI = "hantei", "判定済み"
    NINTEI = "nintei", "認定"
    KYAKKA = "kyakka", "却下"


class GendogakuNintei(models.Model):
    atena_id = models.BigIntegerField("宛名ID")
    nendo = models.PositiveSmallIntegerField("年度（8月1日からの適用期間の始まる年）")
    shinsei_date = models.DateField("申請日")
    status = models.CharField(
        "状態", max_length=8, choices=GendogakuStatus.choices, default=GendogakuStatus.SHINSEI
    )
    # --- what the 申請書 declares
    yochokin = models.BigIntegerField("預貯金等の額（配偶者の分を含む）")
    hikazei_nenkin_shunyu = models.BigIntegerField(
        "非課税年金（遺族・障害年金）の収入額", default=0
    )
    haigusha = models.BooleanField("配偶者の有無", default=False)
    haigusha_kazei = models.BooleanField("配偶者（別世帯を含む）が住民税課税", default=False)
    seikatsu_hogo = models.BooleanField("生活保護の受給", default=False)
    rorei_fukushi_nenkin = models.BooleanField("老齢福祉年金の受給", default=False)
    # --- the 判定
    kubun = models.CharField("被保険者区分", max_length=1, choices=Kubun.choices, blank=True)
    setai_hikazei = models.BooleanField("世帯全員が住民税非課税", null=True, blank=True)
    kazei_nenkin_shunyu = models.BigIntegerField("課税年金収入額", null=True, blank=True)
    sonota_gokei_shotoku = models.BigIntegerField("その他の合計所得金額", null=True, blank=True)
    dankai = models.CharField("負担限度額の段階", max_length=8, blank=True)
    riyu = models.CharField("判定の理由", max_length=200, blank=True)
    hantei_result = models.JSONField("判定結果（すべての数値）", null=True, blank=True)
    # --- the 決定
    kettei_date = models.DateField("決定日", null=True, blank=True)
    tekiyo_start = models.DateField("適用開始日", null=True, blank=True)
    tekiyo_end = models.DateField("有効期限", null=True, blank=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "介護保険負担限度額認定"
        verbose_name_plural = "介護保険負担限度額認定"
        constraints = [
            # one 認定 a person and 年度: a new 申請 after a 却下 is allowed
            models.UniqueConstraint(
                fields=["atena_id", "nendo"],
                condition=models.Q(status="nintei"),
                name="kaigo_gendogaku_one_nintei",
            ),
        ]
        indexes = [models.Index(fields=["nendo", "status"], name="kaigo_gendogaku_nendo_idx")]

    def __str__(self) -> str:
        return f"負担限度額認定 {self.pk}（宛名ID {self.atena_id}）"


class GendogakuRireki(models.Model):
    nintei = models.ForeignKey(
        GendogakuNintei,
        verbose_name="負担限度額認定",
        on_delete=models.PROTECT,
        related_name="rireki",
    )
    status = models.CharField("状態", max_length=8, choices=GendogakuStatus.choices)
    note = models.CharField("備考", max_length=200, blank=True)
    actor = models.CharField("処理者", max_length=150)
    at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "介護保険負担限度額認定の履歴"
        verbose_name_plural = "介護保険負担限度額認定の履歴"

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.pk}"
