"""交付の記録 of the 資格確認書 and the 資格情報のお知らせ (国民健康保険法第9条, since
2 December 2024): every issue — at the counter one at a time or in a mass print job —
and every return, per person and 資格 period.

A row is the card as it was printed: its 交付日, 有効期限, the 一部負担割合 of a 70–74歳
insured and the 保険者番号 are kept as printed, so a reprint of the same issue prints the
same card, and a later change of the town's parameters or of the person's 所得区分 gives
a new issue (交付理由 記載事項変更), not a silently different old one.

A mass print writes its rows inside each chunk's fenced transaction, keyed by (job,
資格, 帳票): a chunk that runs again after a killed worker finds them and writes nothing.
"""

from __future__ import annotations

from django.db import models

from kokuho.models.shikaku import Shikaku


class KofuForm(models.TextChoices):
    KAKUNINSHO = "kakuninsho", "資格確認書"
    OSHIRASE = "oshirase", "資格情報のお知らせ"


class KofuRiyu(models.TextChoices):
    ISSEI_KOSHIN = "issei_koshin", "一斉更新"
    SHIKAKU_SHUTOKU = "shikaku_shutoku", "資格取得"
    KISAI_HENKO = "kisai_henko", "記載事項変更"
    SAIKOFU = "saikofu", "再交付"


class ShikakuKofu(models.Model):
    """One issue of a 資格確認書 or 資格情報のお知らせ to one insured person, and its
    return (返還日) when the card comes back."""

    atena_id = models.BigIntegerField("宛名ID")
    shikaku = models.ForeignKey(
        Shikaku, verbose_name="資格", on_delete=models.PROTECT, related_name="kofu"
    )
    form = models.CharField("帳票", max_length=12, choices=KofuForm.choices)
    riyu = models.CharField("交付理由", max_length=16, choices=KofuRiyu.choices)
    kofu_date = models.DateField("交付日")
    #: the 資格確認書's; the お知らせ has none
    yuko_kigen = models.DateField("有効期限", null=True, blank=True)
    #: percent, printed for a 70–74歳 insured only (国民健康保険法第42条第1項第3号・第4号)
    futan_wariai = models.PositiveSmallIntegerField("一部負担金の割合（％）", null=True, blank=True)
    hokensha_bango = models.CharField("保険者番号", max_length=8)
    #: the mass print job that issued it; None at the counter
    job_id = models.BigIntegerField("一括印刷のジョブID", null=True, blank=True)
    henkan_date = models.DateField("返還日", null=True, blank=True)
    henkan_by = models.CharField("返還の受付者", max_length=150, blank=True)
    created_by = models.CharField("交付者", max_length=150)
    created_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "資格確認書等の交付"
        verbose_name_plural = "資格確認書等の交付"
        constraints = [
            # a mass-print chunk run again issues nothing twice
            models.UniqueConstraint(
                fields=["job_id", "shikaku", "form"],
                condition=models.Q(job_id__isnull=False),
                name="kokuho_kofu_once_per_job",
            ),
        ]
        indexes = [
            models.Index(fields=["atena_id", "kofu_date"], name="kokuho_kofu_atena_idx"),
            models.Index(fields=["kofu_date"], name="kokuho_kofu_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_form_display()}の交付 {self.pk}（宛名ID {self.atena_id}）"
