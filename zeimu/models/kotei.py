"""固定資産課税台帳（土地・家屋）and the 固定資産税・都市計画税 assessment.

- :class:`KoteiNozeisha` is the 納税義務者 of a set of property: one person, or the
  共有者 of jointly owned property together (連帯納税義務, 地方税法第10条の2), who get one
  notice addressed to their 代表者. 名寄帳 and 免税点 are per 納税義務者. Owners are
  persons of the person index (``juminkiroku.Atena``: residents and 住登外者 alike).
- :class:`KoteiTochi` / :class:`KoteiKaoku` hold what does not change by year (所在, 地番,
  地目, 地積; 家屋番号, 種類, 構造, 床面積, 建築年月日); the 価格 of each 年度 (and, for land
  taken over from a former system, the 前年度課税標準額) is a row of
  :class:`KoteiTochiKakaku` / :class:`KoteiKaokuKakaku`.
- :class:`KoteiFuka` is the assessment of one 納税義務者 and 年度, every figure kept and
  the 課税明細 (per parcel and house) in ``meisai``. At most one row per (年度, 納税義務者)
  is current (partial unique index): 更正 and 減免 write a new version and point the old
  one at it, so the history stays; the 当初 job writes with ON CONFLICT DO NOTHING on the
  index, so a chunk run twice writes nothing the second time.
"""

from __future__ import annotations

from django.db import models

from tenants.fields import JSONTextField


class NozeishaKind(models.TextChoices):
    TANDOKU = "tandoku", "単独所有"
    KYOYU = "kyoyu", "共有"


class KoteiNozeisha(models.Model):
    kind = models.CharField("所有の区分", max_length=10, choices=NozeishaKind.choices)
    daihyo = models.ForeignKey(
        "juminkiroku.Atena", verbose_name="代表者", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "固定資産税の納税義務者"
        verbose_name_plural = "固定資産税の納税義務者"

    def __str__(self) -> str:
        return f"納税義務者 {self.pk}"


class KoteiKyoyusha(models.Model):
    """One owner of a 納税義務者 (a 単独所有 has one, 持分 1/1)."""

    nozeisha = models.ForeignKey(
        KoteiNozeisha, verbose_name="納税義務者", on_delete=models.CASCADE, related_name="owners"
    )
    atena = models.ForeignKey(
        "juminkiroku.Atena", verbose_name="所有者", on_delete=models.PROTECT, related_name="+"
    )
    mochibun_bunshi = models.PositiveIntegerField("持分（分子）", default=1)
    mochibun_bunbo = models.PositiveIntegerField("持分（分母）", default=1)
    is_daihyo = models.BooleanField("代表者", default=False)

    class Meta:
        verbose_name = "固定資産の所有者（共有者）"
        verbose_name_plural = "固定資産の所有者（共有者）"
        constraints = [
            models.UniqueConstraint(fields=["nozeisha", "atena"], name="kotei_kyoyusha_unique")
        ]
        indexes = [models.Index(fields=["atena"], name="kotei_kyoyusha_atena_idx")]

    def __str__(self) -> str:
        return f"所有者 {self.atena_id}（{self.mochibun_bunshi}/{self.mochibun_bunbo}）"


class Chimoku(models.TextChoices):
    TAKUCHI = "takuchi", "宅地"
    TA = "ta", "田"
    HATA = "hata", "畑"
    SANRIN = "sanrin", "山林"
    GENYA = "genya", "原野"
    ZASSHUCHI = "zasshuchi", "雑種地"
    SONOTA = "sonota", "その他"


class YochiKubun(models.TextChoices):
    JUTAKU = "jutaku", "住宅用地"
    SHOGYO = "shogyo", "商業地等"
    NOCHI = "nochi", "一般農地"
    SONOTA = "sonota", "その他（負担調整なし）"


class KoteiTochi(models.Model):
    nozeisha = models.ForeignKey(
        KoteiNozeisha, verbose_name="納税義務者", on_delete=models.PROTECT, related_name="tochi"
    )
    shozai = models.CharField("所在", max_length=100)
    chiban = models.CharField("地番", max_length=30)
    toki_chimoku = models.CharField("登記地目", max_length=12, choices=Chimoku.choices)
    genkyo_chimoku = models.CharField("現況地目", max_length=12, choices=Chimoku.choices)
    chiseki = models.DecimalField("地積（㎡）", max_digits=12, decimal_places=2)
    yochi_kubun = models.CharField("用地の区分", max_length=10, choices=YochiKubun.choices)
    jutaku_kosu = models.PositiveIntegerField("住宅の戸数", default=0)
    shigaika = models.BooleanField("都市計画税の課税区域", default=False)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "土地（固定資産課税台帳）"
        verbose_name_plural = "土地（固定資産課税台帳）"
        constraints = [
            models.UniqueConstraint(fields=["shozai", "chiban"], name="kotei_tochi_chiban_unique")
        ]
        indexes = [models.Index(fields=["chiban"], name="kotei_tochi_chiban_idx")]

    def __str__(self) -> str:
        return f"{self.shozai}{self.chiban}"


class KoteiTochiKakaku(models.Model):
    tochi = models.ForeignKey(
        KoteiTochi, verbose_name="土地", on_delete=models.CASCADE, related_name="kakaku"
    )
    fiscal_year = models.PositiveSmallIntegerField("年度")
    kakaku = models.BigIntegerField("価格（評価額）")
    #: taken over from a former system; otherwise read from last year's assessment
    zennen_kotei = models.BigIntegerField("前年度課税標準額（固定資産税）", null=True, blank=True)
    zennen_toshi = models.BigIntegerField("前年度課税標準額（都市計画税）", null=True, blank=True)

    class Meta:
        verbose_name = "土地の価格"
        verbose_name_plural = "土地の価格"
        constraints = [
            models.UniqueConstraint(
                fields=["tochi", "fiscal_year"], name="kotei_tochi_kakaku_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year} 土地{self.tochi_id}"


class KaokuShurui(models.TextChoices):
    SENYO = "senyo", "専用住宅"
    KYODO = "kyodo", "共同住宅"
    HEIYO = "heiyo", "併用住宅"
    JIMUSHO = "jimusho", "事務所・店舗"
    KOJO = "kojo", "工場・倉庫"
    FUZOKU = "fuzoku", "附属家"


class KaokuKozo(models.TextChoices):
    MOKUZO = "mokuzo", "木造"
    KEIRYO = "keiryo", "軽量鉄骨造"
    TEKKOTSU = "tekkotsu", "鉄骨造"
    RC = "rc", "鉄筋コンクリート造"
    SRC = "src", "鉄骨鉄筋コンクリート造"


_CHUKOSO_KOZO = frozenset({KaokuKozo.TEKKOTSU, KaokuKozo.RC, KaokuKozo.SRC})


def is_chukoso(kaisu: int, kozo: str) -> bool:
    """3階建以上の耐火・準耐火建築物 (附則第15条の6第2項): 鉄骨以上の構造で3階以上."""
    return kaisu >= 3 and kozo in _CHUKOSO_KOZO


class KoteiKaoku(models.Model):
    nozeisha = models.ForeignKey(
        KoteiNozeisha, verbose_name="納税義務者", on_delete=models.PROTECT, related_name="kaoku"
    )
    shozai = models.CharField("所在", max_length=100)
    kaoku_bango = models.CharField("家屋番号", max_length=30)
    shurui = models.CharField("種類", max_length=10, choices=KaokuShurui.choices)
    kozo = models.CharField("構造", max_length=10, choices=KaokuKozo.choices)
    kaisu = models.PositiveSmallIntegerField("階数", default=1)
    yuka_menseki = models.DecimalField("床面積（㎡）", max_digits=10, decimal_places=2)
    kyoju_menseki = models.DecimalField("居住部分の床面積（㎡）", max_digits=10, decimal_places=2)
    kosu = models.PositiveIntegerField("住宅の戸数", default=1)
    shinchiku_date = models.DateField("建築年月日")
    choki_yuryo = models.BooleanField("認定長期優良住宅", default=False)
    kashiya_kyodo = models.BooleanField("貸家の共同住宅", default=False)
    shigaika = models.BooleanField("都市計画税の課税区域", default=False)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "家屋（固定資産課税台帳）"
        verbose_name_plural = "家屋（固定資産課税台帳）"
        constraints = [
            models.UniqueConstraint(
                fields=["shozai", "kaoku_bango"], name="kotei_kaoku_bango_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.shozai} 家屋番号{self.kaoku_bango}"

    @property
    def chukoso(self) -> bool:
        return is_chukoso(self.kaisu, self.kozo)


class KoteiKaokuKakaku(models.Model):
    kaoku = models.ForeignKey(
        KoteiKaoku, verbose_name="家屋", on_delete=models.CASCADE, related_name="kakaku"
    )
    fiscal_year = models.PositiveSmallIntegerField("年度")
    kakaku = models.BigIntegerField("価格（評価額）")

    class Meta:
        verbose_name = "家屋の価格"
        verbose_name_plural = "家屋の価格"
        constraints = [
            models.UniqueConstraint(
                fields=["kaoku", "fiscal_year"], name="kotei_kaoku_kakaku_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year} 家屋{self.kaoku_id}"


class KoteiFukaKind(models.TextChoices):
    TOSHO = "tosho", "当初賦課"
    KOSEI = "kosei", "更正"
    GENMEN = "genmen", "減免"


class KoteiFuka(models.Model):
    fiscal_year = models.PositiveSmallIntegerField("年度")
    #: (no index of its own: kotei_fuka_nozeisha_idx starts with it)
    nozeisha = models.ForeignKey(
        KoteiNozeisha,
        verbose_name="納税義務者",
        on_delete=models.PROTECT,
        related_name="fuka",
        db_index=False,
    )
    kind = models.CharField("賦課区分", max_length=10, choices=KoteiFukaKind.choices)
    version = models.PositiveSmallIntegerField("版", default=1)
    is_current = models.BooleanField("現在の賦課", default=True)
    superseded_by = models.ForeignKey(
        "self", verbose_name="更正後", on_delete=models.PROTECT, null=True, related_name="+"
    )
    job_id = models.BigIntegerField("処理ID", null=True, blank=True)
    tochi_hyojun = models.BigIntegerField("土地の課税標準額の合計", default=0)
    kaoku_hyojun = models.BigIntegerField("家屋の課税標準額の合計", default=0)
    tochi_menzei = models.BooleanField("土地は免税点未満", default=False)
    kaoku_menzei = models.BooleanField("家屋は免税点未満", default=False)
    shokyaku_hyojun = models.BigIntegerField("償却資産の課税標準額の合計", default=0)
    shokyaku_menzei = models.BooleanField("償却資産は免税点未満", default=False)
    kazei_hyojun_kotei = models.BigIntegerField("固定資産税の課税標準額", default=0)
    kazei_hyojun_toshi = models.BigIntegerField("都市計画税の課税標準額", default=0)
    sanshutsu_kotei = models.BigIntegerField("固定資産税の算出税額", default=0)
    shinchiku_genmen = models.BigIntegerField("新築住宅の減額", default=0)
    kotei_zeigaku = models.BigIntegerField("固定資産税額", default=0)
    toshi_zeigaku = models.BigIntegerField("都市計画税額", default=0)
    genmen_kotei = models.BigIntegerField("減免額（固定資産税）", default=0)
    genmen_toshi = models.BigIntegerField("減免額（都市計画税）", default=0)
    nengaku = models.BigIntegerField("年税額", default=0)
    #: [{"label", "amount", "due", "nominal"}] (zeimu.rules.kotei.kotei_kibetsu)
    kibetsu = models.JSONField("期別税額", default=list)
    #: 課税明細: {"tochi": [...], "kaoku": [...], "shokyaku": [...]} with each object's
    #: figures and lines
    meisai = JSONTextField("課税明細", default=dict)
    lines = JSONTextField("計算の説明", default=list)
    reason = models.CharField("更正・減免の理由", max_length=200, blank=True)
    #: the 納期限 the 更正通知書 of an 増額更正 sets for the tax it adds (地方税法第364条・
    #: 第369条): posted with the increase to the 収納 ledger (``Chotei.nouki``), printed
    kosei_nouki = models.DateField("更正通知書の納期限", null=True, blank=True)
    created_by = models.CharField("処理者", max_length=150, blank=True)
    computed_at = models.DateTimeField("計算日時", auto_now_add=True)

    class Meta:
        verbose_name = "固定資産税・都市計画税の賦課"
        verbose_name_plural = "固定資産税・都市計画税の賦課"
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "nozeisha"],
                condition=models.Q(is_current=True),
                name="kotei_fuka_one_current",
            )
        ]
        indexes = [models.Index(fields=["nozeisha", "fiscal_year"], name="kotei_fuka_nozeisha_idx")]

    def __str__(self) -> str:
        return f"{self.fiscal_year} 納税義務者{self.nozeisha_id}"
