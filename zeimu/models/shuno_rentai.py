"""A 督促状 or 納付書 sent to a 連帯納付義務者 (issue 15 item 2): who it went to, for which
期別 of whose premium, on what grounds. The amount stays on the insured's 期別 (a payment
by the 連帯納付義務者 is a payment of that 期別); this row is the history."""

from __future__ import annotations

from django.db import models


class RentaiHakkoKind(models.TextChoices):
    TOKUSOKU = "tokusoku", "督促状"
    NOFUSHO = "nofusho", "納付書"


class RentaiHakko(models.Model):
    kibetsu = models.ForeignKey(
        "zeimu.Kibetsu", verbose_name="期別", on_delete=models.PROTECT, related_name="+"
    )
    rentai_atena = models.ForeignKey(
        "juminkiroku.Atena",
        verbose_name="連帯納付義務者",
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField("帳票", max_length=10, choices=RentaiHakkoKind.choices)
    hakko_date = models.DateField("発行日")
    zan = models.BigIntegerField("発行時の未納額")
    #: the grounds as the levying module judged them on the 期別's 納期限 (「世帯主（…）」)
    konkyo = models.CharField("連帯納付義務の根拠", max_length=200)
    #: their 続柄 on that day, in words
    zokugara = models.CharField("続柄", max_length=50, blank=True)
    #: a spouse taken from 父・母 by inference, confirmed by the clerk (戸籍) before issue
    suitei_kakunin = models.BooleanField("推定の確認（戸籍）", default=False)
    #: 督促状: the 指定期限
    shitei_kigen = models.DateField("指定期限", null=True, blank=True)
    #: 納付書: the slip written for the 期別 (its 再発行区分 and barcode)
    nofusho = models.ForeignKey(
        "zeimu.NofushoHakko",
        verbose_name="納付書の発行",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "連帯納付義務者への督促状・納付書"
        verbose_name_plural = "連帯納付義務者への督促状・納付書"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.hakko_date}"
