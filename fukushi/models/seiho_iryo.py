"""医療要否意見書 (医療扶助の要否の確認): the register of 依頼 → 回答 → 決定 that leads to the
医療券 (生活保護法第15条・第34条; 生活保護法による医療扶助運営要領, 昭和36年9月30日社発第727号
厚生省社会局長通知, 第3「医療扶助の申請から決定まで」 — its text was not read here: the steps
are those the 指定医療機関の手引き of 神戸市・札幌市・大阪府 and 姫路市's page describe).

- 依頼: the 福祉事務所 sends the 意見書 to a 指定医療機関 for one 世帯員 (新規 or 継続, 入院 or
  入院外).
- 回答: the 機関's doctor returns it: 要 or 否, the 傷病名 and the expected months of care.
- 決定: the 実施機関 decides 要 (from which month to which month 医療扶助 is given at that
  機関) or 否. A 要 decision lets the 医療券 be issued for its months; the monthly bulk issue
  (``fukushi.services.seiho_ken.seiho_ken_ikkatsu``) does not carry a 医療券 over past the
  last month of the person's latest decision at that 機関, nor after a 否: a 継続 意見書 is
  asked for first.

A row is never deleted; each step fills its own fields once (a wrong 回答 is answered by a
new 依頼).
"""

from __future__ import annotations

from django.db import models

from fukushi.models.seiho import SeihoCase
from fukushi.models.seiho_henkan import SeihoKen, SeihoKikan


class NyuinKubun(models.TextChoices):
    NYUINGAI = "nyuingai", "入院外"
    NYUIN = "nyuin", "入院"


class YohiKekka(models.TextChoices):
    YO = "yo", "要"
    HI = "hi", "否"


class SeihoIryoYohi(models.Model):
    case = models.ForeignKey(
        SeihoCase, verbose_name="ケース", on_delete=models.PROTECT, related_name="iryo_yohis"
    )
    atena_id = models.BigIntegerField("対象の世帯員（宛名ID）", db_index=True)
    kikan = models.ForeignKey(
        SeihoKikan, verbose_name="指定医療機関", on_delete=models.PROTECT, related_name="+"
    )
    nyuin = models.CharField("入院・入院外", max_length=10, choices=NyuinKubun.choices)
    keizoku = models.BooleanField("継続", default=False)
    # 依頼
    irai_date = models.DateField("依頼日")
    irai_actor = models.CharField("依頼した職員", max_length=150)
    # 回答 (the doctor's opinion)
    kaito_date = models.DateField("回答の受付日", null=True, blank=True)
    iken = models.CharField(
        "医療機関の意見", max_length=4, choices=YohiKekka.choices, blank=True, default=""
    )
    shobyo = models.CharField("傷病名", max_length=100, blank=True, default="")
    mikomi_tsuki = models.PositiveSmallIntegerField("診療見込期間（月数）", null=True, blank=True)
    kaito_actor = models.CharField("回答を受け付けた職員", max_length=150, blank=True, default="")
    # 決定 (the 実施機関)
    kettei_date = models.DateField("決定日", null=True, blank=True)
    kettei = models.CharField(
        "要否の決定", max_length=4, choices=YohiKekka.choices, blank=True, default=""
    )
    kikan_from = models.DateField("医療扶助の始期（月の1日）", null=True, blank=True)
    kikan_to = models.DateField("医療扶助の終期（月の1日）", null=True, blank=True)
    kettei_riyu = models.CharField("決定の理由", max_length=200, blank=True, default="")
    kettei_actor = models.CharField("決定した職員", max_length=150, blank=True, default="")
    # the 医療券 issued with the 決定 (its first month), if the clerk asked for it
    ken = models.ForeignKey(
        SeihoKen,
        verbose_name="決定とともに発行した医療券",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "医療要否意見書"
        verbose_name_plural = "医療要否意見書"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kettei="")
                | models.Q(kettei="hi")
                | models.Q(kikan_from__isnull=False, kikan_to__isnull=False),
                name="fukushi_seiho_yohi_yo_has_kikan",
            )
        ]

    def __str__(self) -> str:
        return f"医療要否意見書 {self.pk}（ケース {self.case_id}）"

    @property
    def jotai(self) -> str:
        """The step reached, in words."""
        if self.kettei:
            return f"決定（{self.get_kettei_display()}）"
        if self.kaito_date:
            return "回答あり（決定待ち）"
        return "依頼中（回答待ち）"
