"""施設型給付費・地域型保育給付費 (子ども・子育て支援法第27条・第29条): the 公定価格 a town
enters per 施設, 年度, クラス年齢 and 保育必要量 or 教育標準時間 (1号; entered data: not computed
from the 内閣府's 加算 tables), and the 施設's account the 給付費 is paid to."""

from __future__ import annotations

from django.db import models

from fukushi.models.furikomi import FurikomiKoza
from fukushi.models.hoiku import HoikuShisetsu
from fukushi.models.rireki import JukyushaRirekiBase

__all__ = [
    "HoikuKoteiKakaku",
    "HoikuKyufuhiHenno",
    "HoikuKyufuhiHennoJotai",
    "HoikuKyufuhiHennoRireki",
    "HoikuKyufuhiHennoTokusoku",
    "HoikuKyufuhiKagoChosei",
    "HoikuKyufuhiSeikyu",
    "HoikuKyufuhiShiharai",
    "HoikuShisetsuKoza",
    "KyufuhiSeikyuJotai",
]


class HoikuKoteiKakaku(models.Model):
    """The 公定価格 (月額, per child) of one 施設 for one 年度 and クラス年齢, as the town
    entered it from the 施設's 公定価格 (基本分単価 and its 加算, computed outside)."""

    shisetsu = models.ForeignKey(
        HoikuShisetsu, on_delete=models.PROTECT, related_name="kotei_kakaku", verbose_name="施設"
    )
    nendo = models.IntegerField("年度")
    class_age = models.IntegerField("クラス年齢（4月1日の年齢）")
    hyojun = models.PositiveIntegerField("保育標準時間の公定価格（月額・円）")
    tanjikan = models.PositiveIntegerField("保育短時間の公定価格（月額・円）")
    kyoiku = models.PositiveIntegerField(
        "1号（教育標準時間）の公定価格（月額・円）", null=True, blank=True
    )
    created_by = models.CharField("登録者", max_length=150)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "公定価格（施設・年度・クラス年齢）"
        constraints = [
            models.UniqueConstraint(
                fields=["shisetsu", "nendo", "class_age"], name="hoiku_kotei_kakaku_once"
            )
        ]

    def __str__(self) -> str:
        return f"公定価格 {self.pk}"


class HoikuShisetsuKoza(FurikomiKoza):
    """The account of a 施設 the 給付費 is paid to (全銀 総合振込)."""

    shisetsu = models.OneToOneField(
        HoikuShisetsu, on_delete=models.PROTECT, related_name="koza", verbose_name="施設"
    )
    created_by = models.CharField("登録者", max_length=150)

    class Meta:
        verbose_name = "施設の口座（給付費の支払先）"

    def __str__(self) -> str:
        return f"施設の口座 {self.pk}"


class KyufuhiSeikyuJotai(models.TextChoices):
    UKETSUKE = "uketsuke", "受付（未審査）"
    ITCHI = "itchi", "審査済（一致）"
    SAI = "sai", "審査済（差異あり）"


class HoikuKyufuhiSeikyu(models.Model):
    """A 施設's 請求 of the 給付費 of a month (its 実績報告: the children it cared for and the
    amount it claims), received by the town, and its 審査 against the town's own 算定
    (``kyufuhi_of_month``): 一致 when the number of children and the amount both agree, else
    差異あり with the 差額. One 請求 per 施設 and month; a 請求 not yet 一致 may be corrected
    (received again), which returns it to 受付."""

    shisetsu = models.ForeignKey(
        HoikuShisetsu, on_delete=models.PROTECT, related_name="kyufuhi_seikyu", verbose_name="施設"
    )
    month = models.DateField("給付費の月（月の初日）")
    uketsuke_date = models.DateField("受付日")
    seikyu_ninzu = models.PositiveIntegerField("請求の児童数")
    seikyu_gaku = models.PositiveIntegerField("請求額（円）")
    jotai = models.CharField(
        "状態",
        max_length=10,
        choices=KyufuhiSeikyuJotai.choices,
        default=KyufuhiSeikyuJotai.UKETSUKE,
    )
    shinsa_date = models.DateField("審査日", null=True, blank=True)
    santei_ninzu = models.PositiveIntegerField("算定の児童数", null=True, blank=True)
    santei_gaku = models.PositiveIntegerField("算定額（円）", null=True, blank=True)
    sagaku = models.IntegerField("差額（請求額−算定額、円）", null=True, blank=True)
    created_by = models.CharField("受付者", max_length=150)
    created_at = models.DateTimeField("受付日時", auto_now=True)

    class Meta:
        verbose_name = "施設型給付費の請求（実績報告）"
        constraints = [
            models.UniqueConstraint(fields=["shisetsu", "month"], name="hoiku_kyufuhi_seikyu_once")
        ]

    def __str__(self) -> str:
        return f"施設型給付費の請求 {self.pk}"


class HoikuKyufuhiShiharai(models.Model):
    """The payment of a 施設's 給付費 of a month (法第27条第5項: 法定代理受領), recorded only
    for a 請求 whose 審査 is 一致: the amount paid, the 施設's account and the town as
    振込依頼人 as they were on the day, and the 支払日 (取組日). Never edited: the month's
    全銀 file and the 支払通知書 are made from these rows, so a later change of the 施設's
    account does not rewrite a payment made.

    Normally one payment per 施設 and month (``kai`` 1). A payment found wrong is not
    edited: its 返納 (``HoikuKyufuhiHenno``) is recorded, and once the 返納 is 戻入済 (完納)
    the 請求 goes back to 受付; after a new 審査 一致 the month is paid again (``kai`` 2, …)
    for the 算定額 less what stays paid (``kiharai_gaku``: earlier payments less their
    戻入).

    A payment may also be made smaller by a 過誤調整: the 未納 残額 of a 返納 of the same
    施設 (of an earlier month) deducted from it instead of a 納入 (``HoikuKyufuhiKagoChosei``).
    ``gaku`` stays the 給付費 paid for the month; ``kago_chosei_gaku`` is what was set off
    against 返納, and the bank is asked to transfer ``furikomi_gaku`` (the 全銀 file's
    amount)."""

    seikyu = models.ForeignKey(
        HoikuKyufuhiSeikyu, on_delete=models.PROTECT, related_name="shiharais", verbose_name="請求"
    )
    shisetsu = models.ForeignKey(
        HoikuShisetsu,
        on_delete=models.PROTECT,
        related_name="kyufuhi_shiharai",
        verbose_name="施設",
    )
    month = models.DateField("給付費の月（月の初日）")
    kai = models.PositiveSmallIntegerField("回（同じ施設・月の何回目の支払か）", default=1)
    shiharai_date = models.DateField("支払日（振込日）")
    ninzu = models.PositiveIntegerField("児童数")
    santei_gaku = models.PositiveIntegerField("審査の算定額（円）", null=True, blank=True)
    kiharai_gaku = models.PositiveIntegerField("既払額（返納の戻入後、円）", default=0)
    gaku = models.PositiveIntegerField("支払額（円）")
    kago_chosei_gaku = models.PositiveIntegerField("過誤調整額（返納と相殺、円）", default=0)
    koza = models.JSONField("振込先口座（支払時）")
    irainin = models.JSONField("振込依頼人（支払時）")
    created_by = models.CharField("支払処理者", max_length=150)
    created_at = models.DateTimeField("処理日時", auto_now_add=True)

    class Meta:
        verbose_name = "施設型給付費の支払"
        constraints = [
            models.UniqueConstraint(
                fields=["shisetsu", "month", "kai"], name="hoiku_kyufuhi_shiharai_kai_once"
            ),
            models.CheckConstraint(
                condition=models.Q(kago_chosei_gaku__lte=models.F("gaku")),
                name="hoiku_kyufuhi_shiharai_kago_le_gaku",
            ),
        ]

    def __str__(self) -> str:
        return f"施設型給付費の支払 {self.pk}"

    @property
    def furikomi_gaku(self) -> int:
        """振込額: the 支払額 less the 過誤調整額 (what the bank transfers)."""
        return self.gaku - self.kago_chosei_gaku


class HoikuKyufuhiHennoJotai(models.TextChoices):
    MINO = "mino", "未納（納入通知済）"
    KANNO = "kanno", "戻入済（完納）"


class HoikuKyufuhiHenno(models.Model):
    """The 返納 of a payment found wrong (過払): the amount the 施設 must pay back (at most
    what was paid), why, the 返納期限 and the 納入通知 (its date), and what has come back
    (戻入). The shape of the 児童扶養手当 返還金 (``FuyoKabarai``: 決定, 納期限, 納付済額,
    未納/完納). One 返納 per payment; the payment itself is never edited."""

    shiharai = models.OneToOneField(
        HoikuKyufuhiShiharai, on_delete=models.PROTECT, related_name="henno", verbose_name="支払"
    )
    shisetsu = models.ForeignKey(
        HoikuShisetsu, on_delete=models.PROTECT, related_name="kyufuhi_henno", verbose_name="施設"
    )
    month = models.DateField("給付費の月（月の初日）")
    kettei_date = models.DateField("返納の決定日")
    gaku = models.PositiveIntegerField("返納額（円）")
    riyu = models.CharField("返納の理由", max_length=200)
    kigen = models.DateField("返納期限")
    tsuchi_date = models.DateField("納入通知日")
    # what came back: 戻入 and 過誤調整 (``HoikuKyufuhiKagoChosei``) alike
    reinyu_gaku = models.PositiveIntegerField("戻入済額（円）", default=0)
    jotai = models.CharField(
        "状態",
        max_length=8,
        choices=HoikuKyufuhiHennoJotai.choices,
        default=HoikuKyufuhiHennoJotai.MINO,
    )
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "施設型給付費の返納"

    def __str__(self) -> str:
        return f"施設型給付費の返納 {self.pk}"

    @property
    def zan(self) -> int:
        """残額 (未納): the 返納額 less what came back (戻入 and 過誤調整)."""
        return self.gaku - self.reinyu_gaku


class HoikuKyufuhiHennoRireki(JukyushaRirekiBase):
    """The history of a 返納: its 決定, each 戻入, the 納入通知書 printed (who, when, what)."""

    henno = models.ForeignKey(
        HoikuKyufuhiHenno, on_delete=models.PROTECT, related_name="rireki", verbose_name="返納"
    )

    class Meta(JukyushaRirekiBase.Meta):
        verbose_name = "施設型給付費の返納の履歴"

    def __str__(self) -> str:
        return f"施設型給付費の返納の履歴 {self.pk}"


class HoikuKyufuhiKagoChosei(models.Model):
    """A 過誤調整: ``gaku`` of the 未納 残額 of a 返納 set off against a later payment to the
    same 施設 instead of a 納入 (the 返納 counts it as 戻入; its history names the payment).
    Written with the payment, never edited."""

    shiharai = models.ForeignKey(
        HoikuKyufuhiShiharai,
        on_delete=models.PROTECT,
        related_name="kago_chosei",
        verbose_name="差し引いた支払",
    )
    henno = models.ForeignKey(
        HoikuKyufuhiHenno,
        on_delete=models.PROTECT,
        related_name="kago_chosei",
        verbose_name="調整した返納",
    )
    gaku = models.PositiveIntegerField("過誤調整額（円）")
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "施設型給付費の過誤調整（返納と支払の相殺）"
        constraints = [
            models.UniqueConstraint(
                fields=["shiharai", "henno"], name="hoiku_kyufuhi_kago_chosei_once"
            ),
            models.CheckConstraint(
                condition=models.Q(gaku__gte=1), name="hoiku_kyufuhi_kago_chosei_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"施設型給付費の過誤調整 {self.pk}"


class HoikuKyufuhiHennoTokusoku(models.Model):
    """The 督促 of a 返納 not paid back by its 返納期限 (a 私債権: 地方自治法施行令第171条,
    期限を指定して督促): the 督促日, the 指定期限 and the 未納額 it asked for. One per 返納 (a
    reprint prints this row again, marked 再発行)."""

    henno = models.OneToOneField(
        HoikuKyufuhiHenno, on_delete=models.PROTECT, related_name="tokusoku", verbose_name="返納"
    )
    tokusoku_date = models.DateField("督促日")
    shitei_kigen = models.DateField("指定期限")
    zan = models.PositiveIntegerField("督促した未納額（円）")
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "施設型給付費の返納の督促"

    def __str__(self) -> str:
        return f"施設型給付費の返納の督促 {self.pk}"
