"""還付 (issue 18 item 3): a 過誤納 of a 期別 that 充当 left is paid back.

``Kanpu`` is the decision (地方税法第17条): 決定日 (= 還付のための支出を決定した日, the end of the
還付加算金 period, 第17条の4第1項), how and when it is paid (口座 or 窓口), the amount (the
期別's 過誤納 after 充当), the 還付加算金 with its 起算日 and the 事由 (第17条の4第1項第1〜4号)
that gave the 起算日. The ledger entry is a ``Shuno`` of kind 還付 (− the amount) on the 期別,
so the 期別 balances to zero again; the 還付加算金 is the town's expense, not a tax, and is
kept here only (it never touches the 期別's balance).
"""

from __future__ import annotations

from django.db import models


class KanpuJiyu(models.TextChoices):
    """過誤納の事由: it decides the 起算日 of the 還付加算金 (地方税法第17条の4第1項)."""

    KOSEI = "kosei", "更正・決定・賦課決定による過納（第1号）"
    KOSEI_SEIKYU = "seikyu", "更正の請求に基づく更正による過納（第2号）"
    SHOTOKUZEI = "shotoku", "所得税の更正・申告に基因する賦課決定による過納（第3号）"
    GONO = "gono", "誤納（第4号）"


class ShiharaiHoho(models.TextChoices):
    KOZA = "koza", "口座振込"
    MADOGUCHI = "madoguchi", "窓口払"


class Kanpu(models.Model):
    kibetsu = models.ForeignKey(
        "zeimu.Kibetsu", verbose_name="期別", on_delete=models.PROTECT, related_name="kanpu"
    )
    #: the taxpayer: a person (宛名) or — 法人住民税・事業所税 — a corporation by its 法人番号
    #: (the 期別's own taxpayer, ``Kibetsu.atena`` / ``Kibetsu.hojin_bango``)
    atena = models.ForeignKey(
        "juminkiroku.Atena",
        verbose_name="納税義務者",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    hojin_bango = models.CharField(
        "納税義務者の法人番号", max_length=13, blank=True, default="", db_default=""
    )
    shuno = models.OneToOneField(
        "zeimu.Shuno", verbose_name="収納の記録", on_delete=models.PROTECT, related_name="+"
    )
    kettei_date = models.DateField("還付決定日（支出決定日）")
    shiharai_hoho = models.CharField("支払方法", max_length=10, choices=ShiharaiHoho.choices)
    shiharai_date = models.DateField("支払日")
    amount = models.BigIntegerField("還付金")
    kasankin = models.BigIntegerField("還付加算金")
    jiyu = models.CharField("過誤納の事由", max_length=8, choices=KanpuJiyu.choices)
    #: the date the 事由 starts from (更正の日, 所得税の更正の通知の日); none for 第1号
    jiyu_date = models.DateField("事由の日", null=True, blank=True)
    seikyu_date = models.DateField("更正の請求の日", null=True, blank=True)
    #: 起算日 and 基礎額 of each part (a 過納 made of several payments), for the notice
    kasan_detail = models.JSONField("還付加算金の計算", default=list)
    # the payee's account (口座振込); validated as the 口座振替 registrations are
    kinyu_kikan = models.CharField("金融機関コード", max_length=4, blank=True)
    shiten = models.CharField("支店コード", max_length=3, blank=True)
    yokin_shumoku = models.CharField("預金種目", max_length=1, blank=True)
    koza_bango = models.CharField("口座番号", max_length=7, blank=True)
    meigi_kana = models.CharField("口座名義（カナ）", max_length=30, blank=True)
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "還付"
        verbose_name_plural = "還付"
        indexes = [models.Index(fields=["kettei_date"], name="zeimu_kanpu_kettei")]

    def __str__(self) -> str:
        return f"還付 {self.amount:,}円"


class JutoTsuchi(models.Model):
    """A 充当 decided on the 充当 screen (地方税法第17条の2): the 過誤納 of one 期別 moved to the
    same taxpayer's debts (本税 first, then 延滞金: 第3項), with no 還付 — what is left stays
    過誤納. Its moves are the ``JutoKasan`` rows that name it; the 充当通知書 (第5項) is printed
    from it."""

    #: the taxpayer: a person (宛名) or — 法人住民税・事業所税 — a corporation by its 法人番号
    #: (the 期別's own taxpayer, ``Kibetsu.atena`` / ``Kibetsu.hojin_bango``)
    atena = models.ForeignKey(
        "juminkiroku.Atena",
        verbose_name="納税義務者",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    hojin_bango = models.CharField(
        "納税義務者の法人番号", max_length=13, blank=True, default="", db_default=""
    )
    from_kibetsu = models.ForeignKey(
        "zeimu.Kibetsu", verbose_name="過誤納の期別", on_delete=models.PROTECT, related_name="+"
    )
    juto_date = models.DateField("充当日")
    jiyu = models.CharField("過誤納の事由", max_length=8, choices=KanpuJiyu.choices)
    amount = models.BigIntegerField("充当額（本税）")
    entaikin = models.BigIntegerField("充当額（延滞金）")
    #: 還付加算金 of the parts 充当 (waiting to be paid: no 還付 in this decision)
    kasankin = models.BigIntegerField("充当分の還付加算金")
    #: the 過誤納 left on the 期別 after the 充当
    nokori = models.BigIntegerField("残りの過誤納額")
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "充当の決定"
        verbose_name_plural = "充当の決定"

    def __str__(self) -> str:
        return f"充当 {self.amount + self.entaikin:,}円"


class JutoKasan(models.Model):
    """還付加算金 on a part 充当 (地方税法第17条の4第1項): one per 充当 a 還付 decision makes
    (``zeimu.services.shuno_kanpu.kanpu_decide``), counted from the part's 起算日 to the
    充当適状日 (or the day of the 充当 when that is earlier). The 加算金 is the town's expense,
    not a tax: it never touches a 期別's balance; it is paid with the decision's 還付
    (``Kanpu``), or — when the 充当 took the whole 過誤納 — it waits here (``kanpu`` empty)."""

    juto = models.OneToOneField(
        "zeimu.Shuno", verbose_name="充当（払出）の記録", on_delete=models.PROTECT, related_name="+"
    )
    from_kibetsu = models.ForeignKey(
        "zeimu.Kibetsu", verbose_name="過誤納の期別", on_delete=models.PROTECT, related_name="+"
    )
    to_kibetsu = models.ForeignKey(
        "zeimu.Kibetsu", verbose_name="充当先の期別", on_delete=models.PROTECT, related_name="+"
    )
    #: the taxpayer: a person (宛名) or — 法人住民税・事業所税 — a corporation by its 法人番号
    #: (the 期別's own taxpayer, ``Kibetsu.atena`` / ``Kibetsu.hojin_bango``)
    atena = models.ForeignKey(
        "juminkiroku.Atena",
        verbose_name="納税義務者",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    hojin_bango = models.CharField(
        "納税義務者の法人番号", max_length=13, blank=True, default="", db_default=""
    )
    kanpu = models.ForeignKey(
        Kanpu,
        verbose_name="あわせて支払う還付",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="juto_kasan",
    )
    #: the 充当 decision of the 充当 screen this move belongs to (none: made by a 還付 decision)
    tsuchi = models.ForeignKey(
        JutoTsuchi,
        verbose_name="充当の決定",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="moves",
    )
    juto_date = models.DateField("充当日")
    hassei_date = models.DateField("過誤納金が生じた日")
    tekijo_date = models.DateField("充当適状日")
    amount = models.BigIntegerField("充当額")
    jiyu = models.CharField("過誤納の事由", max_length=8, choices=KanpuJiyu.choices)
    kasan_detail = models.JSONField("還付加算金の計算", default=list)
    kasankin = models.BigIntegerField("還付加算金")
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "充当の還付加算金"
        verbose_name_plural = "充当の還付加算金"

    def __str__(self) -> str:
        return f"充当 {self.amount:,}円（加算金 {self.kasankin:,}円）"
