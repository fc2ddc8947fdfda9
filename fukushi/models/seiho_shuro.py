"""就労自立給付金 (生活保護法第55条の4) and the 徴収金 taken from it on the household's 申出
(第78条の2第2項). 要配慮個人情報 like every 生活保護 record: behind the grant
``fukushi.grants_seiho.SEIHO_CASE`` (fukushi/views/seiho_shuro.py)."""

from __future__ import annotations

from django.db import models

from fukushi.models.seiho import SeihoCase
from fukushi.models.seiho_henkan import SeihoHenkan


class ShuroStatus(models.TextChoices):
    KETTEI = "kettei", "支給決定"
    SHIHARAI = "shiharai", "支払済"


class KyufukinChosei(models.Model):
    """What the 就労自立給付金 and the 進学・就職準備給付金 share: the 徴収金 taken from the
    給付金 on the 申出 (生活保護法第78条の2第2項), the state of the payment and who decided."""

    kettei_date = models.DateField("決定日")
    # the 徴収金 the household asked to be paid from the 給付金
    chosei_henkan = models.ForeignKey(
        SeihoHenkan,
        verbose_name="充てる徴収金の決定",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    chosei_moshide_date = models.DateField("徴収の申出日", null=True, blank=True)
    chosei = models.PositiveIntegerField("給付金から徴収する額（法第78条の2第2項）", default=0)
    status = models.CharField("状態", max_length=10, choices=ShuroStatus.choices)
    shiharai_date = models.DateField("支払日", null=True, blank=True)
    actor = models.CharField("決定者", max_length=150)
    created_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        abstract = True

    @property
    def shikyu_gaku(self) -> int:
        """What is paid out: the 給付金 less the 徴収金 taken from it."""
        return self.amount - self.chosei  # type: ignore[attr-defined]


class SeihoShuroKyufukin(KyufukinChosei):
    """One 支給決定 of the 給付金 for a case ended by work (one per case), with the 収入充当額
    of each month the 算定 used, the figures and, when the household asked for it, the 徴収金
    (第77条の2・第78条) to be taken from it before it is paid."""

    case = models.OneToOneField(
        SeihoCase, verbose_name="ケース", on_delete=models.PROTECT, related_name="shuro_kyufukin"
    )
    shuro_jiyu = models.CharField("保護を必要としなくなった事由（就労）", max_length=200)
    tanshin = models.BooleanField("単身世帯")
    # [{"month": "YYYY-MM-01", "gaku": int}]: the 収入充当額 of each month of the 算定
    juto = models.JSONField("月ごとの収入充当額", default=list)
    gokei = models.PositiveIntegerField("収入充当額の合計")
    santei_ritsu = models.PositiveSmallIntegerField("算定率（百分率）")
    santei = models.PositiveIntegerField("算定額")
    amount = models.PositiveIntegerField("支給額")
    uchiwake = models.CharField("算定の内訳", max_length=300)

    class Meta:
        verbose_name = "就労自立給付金（生活保護法第55条の4）"
        verbose_name_plural = "就労自立給付金（生活保護法第55条の4）"

    def __str__(self) -> str:
        return f"就労自立給付金 {self.pk}（ケース {self.case_id}）"


class ShingakuKind(models.TextChoices):
    SHINGAKU = "shingaku", "進学"
    SHUSHOKU = "shushoku", "就職"


class SeihoShingakuKyufukin(KyufukinChosei):
    """One 支給決定 of the 進学・就職準備給付金 (生活保護法第55条の5) to a 世帯員 of a case
    (once per person), with the 徴収金 taken from it on the person's 申出 (第78条の2第2項)."""

    case = models.ForeignKey(
        SeihoCase, verbose_name="ケース", on_delete=models.PROTECT, related_name="shingakus"
    )
    atena_id = models.BigIntegerField("進学・就職する世帯員（宛名ID）", unique=True)
    kind = models.CharField("進学・就職", max_length=10, choices=ShingakuKind.choices)
    jitakugai = models.BooleanField("転居して通学・通勤")
    saki = models.CharField("進学先・就職先", max_length=100)
    shinsei_date = models.DateField("申請日")
    shorei_riyu = models.CharField(
        "省令で定める者に当たる理由（18歳の年度末の後）", max_length=200, blank=True, default=""
    )
    amount = models.PositiveIntegerField("支給額")
    uchiwake = models.CharField("内訳", max_length=200)

    class Meta:
        verbose_name = "進学・就職準備給付金（生活保護法第55条の5）"
        verbose_name_plural = "進学・就職準備給付金（生活保護法第55条の5）"

    def __str__(self) -> str:
        return f"進学・就職準備給付金 {self.pk}（ケース {self.case_id}）"
