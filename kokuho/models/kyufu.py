"""国民健康保険の給付 (basic): 限度額適用認定, and the 給付 a household applies for —
高額療養費, 出産育児一時金, 葬祭費 — from 申請 to 決定 to 支払.

- ``GendoNintei``: one 限度額適用（・標準負担額減額）認定 of a person: 申請, the 所得区分
  judged from ``zeimu.public`` on that day (with every figure in ``detail``), 交付 with its
  有効期間 (to 7月31日: the 所得 year changes in August), or 却下.
- ``Kyufu``: one application of a household (世帯 id, 申請者 and 対象者 as 宛名 ids), its
  inputs, the 決定 (amount and every intermediate figure in ``detail``), and its 支払
  (``Shiharai``: one payment list per 支払日).
- ``KogakuFutan``: the 一部負担金 entered for a 高額療養費 application, one row per
  person × 医療機関 × 入院/外来 × 医科/歯科 of the 診療月.
- ``KyufuRireki``: append-only history of every act (申請, 判定, 交付, 決定, 支払) with
  who did it; an access-log row is written beside it in the same transaction.

Persons and households are ids of 住民記録 (read through ``juminkiroku.public``).
"""

from __future__ import annotations

from django.db import models


class NinteiStatus(models.TextChoices):
    HANTEI = "hantei", "判定済（交付待ち）"
    KOFU = "kofu", "交付済"
    KYAKKA = "kyakka", "却下"


class KyufuKind(models.TextChoices):
    KOGAKU = "kogaku", "高額療養費"
    SHUSSAN = "shussan", "出産育児一時金"
    SOSAI = "sosai", "葬祭費"


class KyufuStatus(models.TextChoices):
    SHINSEI = "shinsei", "申請受付"
    KETTEI = "kettei", "支給決定"
    FUSHIKYU = "fushikyu", "不支給決定"
    SHIHARAI = "shiharai", "支払済"


class KozaShubetsu(models.TextChoices):
    FUTSU = "1", "普通"
    TOZA = "2", "当座"


class GendoNintei(models.Model):
    atena_id = models.BigIntegerField("宛名ID")
    setai_id = models.BigIntegerField("世帯ID", null=True, blank=True)
    shinsei_date = models.DateField("申請日")
    nendo = models.PositiveSmallIntegerField("所得の年度")
    kubun = models.CharField("所得区分", max_length=8, blank=True)
    koreisha = models.BooleanField("70歳以上", default=False)
    status = models.CharField("状態", max_length=8, choices=NinteiStatus.choices)
    kyakka_riyu = models.CharField("却下の理由", max_length=200, blank=True)
    kofu_date = models.DateField("交付日", null=True, blank=True)
    yuko_from = models.DateField("適用開始日", null=True, blank=True)
    yuko_to = models.DateField("有効期限", null=True, blank=True)
    detail = models.JSONField("判定の内訳", default=dict)
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "限度額適用認定"
        verbose_name_plural = "限度額適用認定"
        indexes = [
            models.Index(fields=["atena_id", "shinsei_date"], name="kokuho_nintei_atena_idx")
        ]

    def __str__(self) -> str:
        return f"限度額適用認定 {self.pk}"


class KijunShunyu(models.Model):
    """基準収入額適用の申請: a household judged 現役並み whose 70歳以上 insured declare their
    収入; when under the bases (``gaito``) the household is 一般 from ``tekiyo_from`` to
    ``tekiyo_to`` (the end of the 所得's year, 7月31日)."""

    setai_id = models.BigIntegerField("世帯ID")
    atena_id = models.BigIntegerField("申請者の宛名ID")
    shinsei_date = models.DateField("申請日")
    nendo = models.PositiveSmallIntegerField("所得の年度")
    #: {宛名ID: 収入} of the 70歳以上 insured
    shunyu = models.JSONField("70歳以上の被保険者の収入")
    #: 収入 of 旧国保被保険者 (moved to 後期高齢者医療), one each
    kyu_shunyu = models.JSONField("旧国保被保険者の収入", default=list)
    gaito = models.BooleanField("基準収入額に該当")
    tekiyo_from = models.DateField("適用開始日", null=True, blank=True)
    tekiyo_to = models.DateField("適用終了日", null=True, blank=True)
    detail = models.JSONField("判定の内訳", default=dict)
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "基準収入額適用"
        verbose_name_plural = "基準収入額適用"
        indexes = [models.Index(fields=["setai_id", "tekiyo_from"], name="kokuho_kijun_setai_idx")]

    def __str__(self) -> str:
        return f"基準収入額適用 {self.pk}"


class Shiharai(models.Model):
    """One payment list: every decided 給付 paid on ``shiharai_date``."""

    shiharai_date = models.DateField("支払日")
    kensu = models.PositiveIntegerField("件数")
    gokei = models.BigIntegerField("支払額の合計")
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    #: the 振込依頼人 (kokuho.furikomi.*) the first 全銀 file of the list was written with:
    #: the same list writes the same file again, whatever the settings say later
    irainin = models.JSONField("振込依頼人", null=True, blank=True)

    class Meta:
        verbose_name = "給付の支払"
        verbose_name_plural = "給付の支払"

    def __str__(self) -> str:
        return f"給付の支払 {self.pk}"


class Kyufu(models.Model):
    kind = models.CharField("給付の種類", max_length=8, choices=KyufuKind.choices)
    status = models.CharField("状態", max_length=10, choices=KyufuStatus.choices)
    #: the 世帯主 (高額療養費) or the person who applies (出産: the insured mother or the
    #: 世帯主; 葬祭: the one who held the funeral, who may not be insured)
    shinseisha_atena_id = models.BigIntegerField("申請者の宛名ID")
    #: 高額療養費: the 世帯主; 出産: the insured person who gave birth; 葬祭: the deceased
    taishosha_atena_id = models.BigIntegerField("対象者の宛名ID")
    setai_id = models.BigIntegerField("世帯ID", null=True, blank=True)
    shinsei_date = models.DateField("申請日")
    #: 高額療養費: the first day of the 診療月; 出産: 出産日; 葬祭: 死亡日
    jiyu_date = models.DateField("事由の日")
    #: 出産育児一時金
    shussan_su = models.PositiveSmallIntegerField("出生した子の数", default=0)
    sanka_hosho = models.BooleanField("産科医療補償制度の対象", default=False)
    chokusetsu_gaku = models.BigIntegerField("直接支払制度で支払われた額", default=0)
    #: 葬祭費
    sosai_date = models.DateField("葬祭を行った日", null=True, blank=True)
    # 振込先 (personal data: shown on screens and the payment list only)
    kinyu_kikan = models.CharField("金融機関名", max_length=40, blank=True)
    shiten = models.CharField("支店名", max_length=40, blank=True)
    #: 全銀 codes of the account (the 総合振込 file carries codes, not names)
    kinyu_kikan_code = models.CharField("金融機関コード", max_length=4, blank=True)
    shiten_code = models.CharField("支店コード", max_length=3, blank=True)
    koza_shubetsu = models.CharField(
        "口座種別", max_length=1, choices=KozaShubetsu.choices, blank=True
    )
    koza_bango = models.CharField("口座番号", max_length=8, blank=True)
    koza_meigi = models.CharField("口座名義（カナ）", max_length=60, blank=True)
    kettei_date = models.DateField("決定日", null=True, blank=True)
    shikyu_gaku = models.BigIntegerField("支給額", default=0)
    fushikyu_riyu = models.CharField("不支給の理由", max_length=200, blank=True)
    detail = models.JSONField("決定の内訳", default=dict)
    shiharai = models.ForeignKey(
        Shiharai,
        verbose_name="支払",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="kyufu",
    )
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "国保の給付"
        verbose_name_plural = "国保の給付"
        indexes = [
            models.Index(fields=["setai_id", "kind", "jiyu_date"], name="kokuho_kyufu_setai_idx"),
            models.Index(fields=["status", "kind"], name="kokuho_kyufu_status_idx"),
        ]
        constraints = [
            # one 葬祭費 per deceased, one 出産育児一時金 per mother and 出産日 (a second
            # application is refused, never paid twice)
            models.UniqueConstraint(
                fields=["kind", "taishosha_atena_id", "jiyu_date"],
                condition=models.Q(kind__in=["shussan", "sosai"]),
                name="kokuho_kyufu_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"


class KogakuFutan(models.Model):
    kyufu = models.ForeignKey(
        Kyufu, verbose_name="給付", on_delete=models.PROTECT, related_name="futan"
    )
    atena_id = models.BigIntegerField("受診者の宛名ID")
    iryokikan = models.CharField("医療機関名", max_length=60)
    nyuin = models.BooleanField("入院", default=False)
    shika = models.BooleanField("歯科", default=False)
    ichibu_futan = models.BigIntegerField("一部負担金")
    iryohi = models.BigIntegerField("医療費（10割）")

    class Meta:
        verbose_name = "高額療養費の一部負担金"
        verbose_name_plural = "高額療養費の一部負担金"

    def __str__(self) -> str:
        return f"一部負担金 {self.pk}"


class KyufuRireki(models.Model):
    kyufu = models.ForeignKey(
        Kyufu, verbose_name="給付", null=True, on_delete=models.PROTECT, related_name="rireki"
    )
    nintei = models.ForeignKey(
        GendoNintei,
        verbose_name="限度額適用認定",
        null=True,
        on_delete=models.PROTECT,
        related_name="rireki",
    )
    action = models.CharField("処理", max_length=20)
    actor = models.CharField("処理者", max_length=150)
    note = models.CharField("備考", max_length=200, blank=True)
    at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "国保の給付の履歴"
        verbose_name_plural = "国保の給付の履歴"

    def __str__(self) -> str:
        return f"{self.action} {self.pk}"
