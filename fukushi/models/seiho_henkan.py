"""生活保護: 返還金・徴収金 (法第63条・第78条) and 医療券・調剤券・介護券 (issue 21).

- ``SeihoHenkan``: one 決定 of a 返還金 (法第63条: 資力があるのに保護を受けた; the amount is
  what the 実施機関 decides within the 保護金品 received, 控除 allowed) or a 徴収金 (法第78条
  第1項: 不正受給; the 費用 plus up to 100分の40 of it). Never edited: a changed amount or
  schedule is a new 決定 of the same ``root`` (``kind`` 変更), whose 分割納付 期別 state the
  new amounts to the 収納 ledger under the same keys (the ledger writes the difference).
- ``SeihoKikan``: a 指定医療機関・指定薬局・指定介護機関 the clerk enters (its code and name),
  as data.
- ``SeihoKen``: one 医療券・調剤券・介護券 issued for a 世帯員 of a case, a 暦月 (医療券は暦月を
  単位として発行: 「生活保護法による医療券等の記載要領」平成11年8月27日社援保第41号) and a 機関;
  one per (case, person, month, 機関, 券の種類) unless marked 再発行.
"""

from __future__ import annotations

from django.db import models

from fukushi.models.seiho import SeihoCase


class HenkanHo(models.TextChoices):
    """The article the 決定 rests on."""

    HENKAN_63 = "h63", "返還金（生活保護法第63条）"
    #: 第63条's amount collected under 第77条の2 (急迫の場合等において資力があるにもかかわらず
    #: 保護を受けた: 国税徴収の例, 平成30年10月1日から, 保護費 paid from that day only)
    HENKAN_77 = "h77", "返還金（生活保護法第63条・第77条の2による徴収金）"
    CHOSHU_78 = "c78", "徴収金（生活保護法第78条第1項）"


class HenkanKind(models.TextChoices):
    KETTEI = "kettei", "決定"
    HENKO = "henko", "変更"


class SeihoHenkan(models.Model):
    case = models.ForeignKey(
        SeihoCase, verbose_name="ケース", on_delete=models.PROTECT, related_name="henkans"
    )
    ho = models.CharField("根拠", max_length=3, choices=HenkanHo.choices)
    kind = models.CharField("決定の種類", max_length=10, choices=HenkanKind.choices)
    # the first 決定 of the chain (itself for a first 決定): the ledger keys hang on it
    root = models.ForeignKey(
        "self",
        verbose_name="最初の決定",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kettei_date = models.DateField("決定日")
    kikan_from = models.DateField("対象期間（始期）")
    kikan_to = models.DateField("対象期間（終期）")
    # the 保護金品 received in the period (法第63条: 「受けた保護金品に相当する金額の範囲内」;
    # 法第78条: 「その費用の額」)
    hogo_kingaku = models.PositiveIntegerField("対象期間に受けた保護費")
    kojo = models.PositiveIntegerField("控除額（法第63条）", default=0)
    # 法第78条第1項: the 加算 up to 100分の40 of the 徴収額; 0 for 法第63条
    kasan_ritsu = models.PositiveSmallIntegerField("加算の割合（百分率）", default=0)
    kasan = models.PositiveIntegerField("加算額（法第78条第1項）", default=0)
    honkin = models.PositiveIntegerField("返還・徴収額（加算を除く）")
    amount = models.PositiveIntegerField("決定額")
    riyu = models.CharField("理由", max_length=200)
    nofu_atena_id = models.BigIntegerField("納付義務者（宛名ID）")
    # the 分割納付 schedule: [{ki, nouki (ISO), amount, nofu_bango}], 期 1.. in order
    bunkatsu = models.JSONField("分割納付の計画", default=list)
    actor = models.CharField("決定者", max_length=150)
    created_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "生活保護の返還金・徴収金の決定"
        verbose_name_plural = "生活保護の返還金・徴収金の決定"

    def __str__(self) -> str:
        return f"{self.get_ho_display()} {self.pk}（ケース {self.case_id}）"


class KikanShubetsu(models.TextChoices):
    IRYO = "iryo", "指定医療機関"
    YAKKYOKU = "yakkyoku", "指定薬局"
    KAIGO = "kaigo", "指定介護機関"


class SeihoKikan(models.Model):
    shubetsu = models.CharField("種別", max_length=10, choices=KikanShubetsu.choices)
    # 医療機関コード (10 digits with the 都道府県) or 介護事業所番号 (10 digits)
    code = models.CharField("医療機関コード・事業所番号", max_length=10)
    name = models.CharField("名称", max_length=100)
    jusho = models.CharField("所在地", max_length=200, blank=True, default="")
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "生活保護の指定機関"
        verbose_name_plural = "生活保護の指定機関"
        constraints = [
            models.UniqueConstraint(
                fields=["shubetsu", "code"], name="fukushi_seiho_kikan_code_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_shubetsu_display()} {self.name}"


class KenShubetsu(models.TextChoices):
    IRYO = "iryo", "医療券"
    CHOZAI = "chozai", "調剤券"
    KAIGO = "kaigo", "介護券"


class SeihoKen(models.Model):
    case = models.ForeignKey(
        SeihoCase, verbose_name="ケース", on_delete=models.PROTECT, related_name="kens"
    )
    shubetsu = models.CharField("券の種類", max_length=10, choices=KenShubetsu.choices)
    atena_id = models.BigIntegerField("対象の世帯員（宛名ID）", db_index=True)
    month = models.DateField("診療・サービスの年月（1日）")
    kikan = models.ForeignKey(
        SeihoKikan, verbose_name="指定機関", on_delete=models.PROTECT, related_name="+"
    )
    kohi_futansha_no = models.CharField("公費負担者番号", max_length=8)
    jukyusha_no = models.CharField("受給者番号", max_length=7)
    honnin_shiharai = models.PositiveIntegerField("本人支払額", default=0)
    # where the 本人支払額 came from, in words (the decision's 収入認定額 − 最低生活費, or
    # the clerk's figure)
    honnin_konkyo = models.CharField("本人支払額の根拠", max_length=200, blank=True, default="")
    kofu_date = models.DateField("交付日")
    saihakko = models.BooleanField("再発行", default=False)
    saihakko_riyu = models.CharField("再発行の理由", max_length=200, blank=True, default="")
    ikkatsu = models.BooleanField("一括発行", default=False)
    actor = models.CharField("発行者", max_length=150)
    created_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "医療券・調剤券・介護券"
        verbose_name_plural = "医療券・調剤券・介護券"
        constraints = [
            models.UniqueConstraint(
                fields=["case", "atena_id", "month", "kikan", "shubetsu"],
                condition=models.Q(saihakko=False),
                name="fukushi_seiho_ken_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_shubetsu_display()} {self.pk}（ケース {self.case_id}）"


class ChoseiStatus(models.TextChoices):
    YUKO = "yuko", "有効"
    TORISAGE = "torisage", "取下げ"
    SHURYO = "shuryo", "終了"
    KANNO = "kanno", "完納"


class SeihoChosei(models.Model):
    """One 申出 of a 被保護者 (生活保護法第78条の2, 施行規則第22条の4) to have a 徴収金
    (第77条の2第1項 or 第78条第1項) taken from the monthly 保護金品: the agreed monthly amount
    from a month until it is withdrawn, ended or paid off. Its changes are ``SeihoChoseiRireki``
    rows; the amounts taken are the payment run's lines (``SeihoShikyuLine.chosei``)."""

    case = models.ForeignKey(
        SeihoCase, verbose_name="ケース", on_delete=models.PROTECT, related_name="choseis"
    )
    # the first 決定 of the 徴収金's chain (its 分割納付 期別 are read from the latest 決定)
    henkan = models.ForeignKey(
        SeihoHenkan, verbose_name="徴収金の決定", on_delete=models.PROTECT, related_name="+"
    )
    moshide_date = models.DateField("申出日")
    kaishi_month = models.DateField("徴収を始める月（1日）")
    getsugaku = models.PositiveIntegerField("毎月徴収する額")
    status = models.CharField("状態", max_length=10, choices=ChoseiStatus.choices)
    shuryo_date = models.DateField("取下げ・終了日", null=True, blank=True)
    shuryo_riyu = models.CharField("取下げ・終了の理由", max_length=200, blank=True, default="")
    actor = models.CharField("受付者", max_length=150)
    created_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "保護費からの徴収の申出（生活保護法第78条の2）"
        verbose_name_plural = "保護費からの徴収の申出（生活保護法第78条の2）"
        constraints = [
            models.UniqueConstraint(
                fields=["henkan"],
                condition=models.Q(status="yuko"),
                name="fukushi_seiho_chosei_one_yuko",
            )
        ]

    def __str__(self) -> str:
        return f"保護費からの徴収の申出 {self.pk}（ケース {self.case_id}）"


class SeihoChoseiRireki(models.Model):
    """One change of a 申出: 申出, 取下げ, 終了, 完納, or an amount taken in a month."""

    chosei = models.ForeignKey(
        SeihoChosei, verbose_name="申出", on_delete=models.PROTECT, related_name="rireki"
    )
    kind = models.CharField("種類", max_length=16)
    on = models.DateField("日付")
    naiyo = models.CharField("内容", max_length=300)
    # a 徴収: the calendar month the 保護金品 was handed over in (the monthly amount of the
    # 申出 is a limit per such month, the run's line and any 追給 together) and the amount
    choshu_month = models.DateField("徴収した月（1日）", null=True, blank=True)
    gaku = models.PositiveIntegerField("徴収した額", default=0)
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("日時", auto_now_add=True)

    class Meta:
        verbose_name = "保護費からの徴収の履歴"
        verbose_name_plural = "保護費からの徴収の履歴"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.on}"
