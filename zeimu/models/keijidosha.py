"""軽自動車税（種別割）: the vehicles, their 異動 (登録・名義変更・廃車), 減免 decisions and the
assessment per 年度.

- :class:`KeiSharyo` holds what does not change (標識番号, 車台番号, 種別, 初度検査年月, 燃料,
  被けん引車, グリーン化特例の区分). Who holds it is never a field: it is the history of
  :class:`KeiIdo` rows (登録, 名義変更, 廃車, each with its 異動日 and the day it was
  recorded), so the holder on any 4月1日 is a query and a late 廃車 can be put in the past.
  Owner and user are persons of the person index (``juminkiroku.Atena``: residents and
  住登外者 alike); with 所有権留保 the user is taxed.
- :class:`KeiGenmen` is a 減免 decision (決定 or 取消) per vehicle and 年度 with its reason;
  the latest row counts, earlier rows stay as history.
- :class:`KeiFuka` is the assessment of one vehicle for one 年度, with the taxpayer, the
  rate applied and why, and the 納付番号 the 収納 ledger gave. At most one row per (年度,
  車両) is current (partial unique index): 更正 and 減免 write a new version and point the
  old one at it; the 当初 job writes with ON CONFLICT DO NOTHING on the index.
"""

from __future__ import annotations

from django.db import models


class KeiShubetsu(models.TextChoices):
    """種別 (地方税法第463条の15). The codes are the keys of the rates in
    ``zeimu/params/keijidosha.yaml`` (``zeimu.rules.keijidosha.SHUBETSU``)."""

    GENTSUKI_50 = "gentsuki_50", "原動機付自転車（50cc以下）"
    GENTSUKI_90 = "gentsuki_90", "原動機付自転車（90cc以下）"
    GENTSUKI_125 = "gentsuki_125", "原動機付自転車（125cc以下）"
    MINICAR = "minicar", "ミニカー"
    NIRIN_KEI = "nirin_kei", "二輪の軽自動車（250cc以下）"
    NIRIN_KOGATA = "nirin_kogata", "二輪の小型自動車（250cc超）"
    KOTOKU_NOKO = "kotoku_noko", "小型特殊自動車（農耕作業用）"
    KOTOKU_SONOTA = "kotoku_sonota", "小型特殊自動車（その他）"
    SANRIN = "sanrin", "三輪の軽自動車"
    JOYO_EIGYO = "joyo_eigyo", "四輪 乗用 営業用"
    JOYO_JIKA = "joyo_jika", "四輪 乗用 自家用"
    KAMOTSU_EIGYO = "kamotsu_eigyo", "四輪 貨物 営業用"
    KAMOTSU_JIKA = "kamotsu_jika", "四輪 貨物 自家用"


class KeiNenryo(models.TextChoices):
    GASOLINE = "gasoline", "ガソリン"
    DIESEL = "diesel", "軽油"
    HYBRID = "hybrid", "ガソリン・電力併用（ハイブリッド）"
    DENKI = "denki", "電気"
    TENNEN_GAS = "tennen_gas", "天然ガス"
    METHANOL = "methanol", "メタノール"
    KONGO_METHANOL = "kongo_methanol", "混合メタノール"
    SONOTA = "sonota", "その他"


class KeiGreenKubun(models.TextChoices):
    NASHI = "", "該当なし"
    DENKI_TENNEN = "denki_tennen", "電気・天然ガス（排出ガス基準適合）"
    NENPI_90 = "nenpi_90", "令和12年度燃費基準90%達成（営業用乗用）"
    NENPI_70 = "nenpi_70", "令和12年度燃費基準70%達成（営業用乗用）"


class KeiSharyo(models.Model):
    hyoshiki_bango = models.CharField("標識番号", max_length=30)
    shadai_bango = models.CharField("車台番号", max_length=30, blank=True)
    shamei = models.CharField("車名", max_length=40, blank=True)
    shubetsu = models.CharField("種別", max_length=20, choices=KeiShubetsu.choices)
    #: the 1st of the month of the 初度検査 (三輪・四輪 and 二輪の小型自動車 have one)
    shodo_kensa = models.DateField("初度検査年月", null=True, blank=True)
    nenryo = models.CharField(
        "燃料", max_length=20, choices=KeiNenryo.choices, default=KeiNenryo.GASOLINE
    )
    hikennin = models.BooleanField("被けん引車", default=False)
    green_kubun = models.CharField(
        "グリーン化特例の区分", max_length=20, choices=KeiGreenKubun.choices, blank=True, default=""
    )
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "軽自動車等"
        verbose_name_plural = "軽自動車等"
        indexes = [
            models.Index(fields=["hyoshiki_bango"], name="kei_sharyo_hyoshiki_idx"),
            models.Index(fields=["shadai_bango"], name="kei_sharyo_shadai_idx"),
        ]

    def __str__(self) -> str:
        return f"軽自動車等 {self.pk}"


class KeiIdoKind(models.TextChoices):
    TOROKU = "toroku", "登録（新規・転入）"
    MEIGI = "meigi", "名義変更"
    HAISHA = "haisha", "廃車（抹消・転出）"


class KeiIdo(models.Model):
    """One 異動 of a vehicle. A 登録 and a 名義変更 name the owner and the user; a 廃車
    names no one. Never edited: a correction is a later row with its own 異動日."""

    sharyo = models.ForeignKey(
        KeiSharyo, verbose_name="軽自動車等", on_delete=models.PROTECT, related_name="ido"
    )
    kind = models.CharField("異動の種類", max_length=10, choices=KeiIdoKind.choices)
    ido_date = models.DateField("異動日")
    todoke_date = models.DateField("届出日")
    shoyusha = models.ForeignKey(
        "juminkiroku.Atena",
        verbose_name="所有者",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    shiyosha = models.ForeignKey(
        "juminkiroku.Atena",
        verbose_name="使用者",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    shoyuken_ryuho = models.BooleanField("所有権留保", default=False)
    reason = models.CharField("事由・備考", max_length=200, blank=True)
    created_by = models.CharField("処理者", max_length=150, blank=True)
    created_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "軽自動車等の異動"
        verbose_name_plural = "軽自動車等の異動"
        indexes = [
            models.Index(fields=["sharyo", "ido_date", "id"], name="kei_ido_sharyo_idx"),
            models.Index(fields=["shoyusha"], name="kei_ido_shoyusha_idx"),
            models.Index(fields=["shiyosha"], name="kei_ido_shiyosha_idx"),
        ]

    def __str__(self) -> str:
        return f"異動 {self.pk}"

    @property
    def nozeisha_id(self) -> int | None:
        """The person taxed while this 異動 stands: the user under 所有権留保, else the
        owner; nobody after a 廃車."""
        if self.kind == KeiIdoKind.HAISHA:
            return None
        return self.shiyosha_id if self.shoyuken_ryuho else self.shoyusha_id


class KeiGenmenKind(models.TextChoices):
    SHINTAI = "shintai", "身体障害者等"
    KOEKI = "koeki", "公益のため直接専用"
    SONOTA = "sonota", "その他（条例で定める事由）"


class KeiGenmenStatus(models.TextChoices):
    KETTEI = "kettei", "減免の決定"
    TORIKESHI = "torikeshi", "減免の取消"


class KeiGenmen(models.Model):
    """A 減免 decision (the town's 条例) for one vehicle and 年度: the whole year's tax.
    The latest row of (車両, 年度) counts."""

    sharyo = models.ForeignKey(
        KeiSharyo, verbose_name="軽自動車等", on_delete=models.PROTECT, related_name="genmen"
    )
    fiscal_year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("減免の事由", max_length=10, choices=KeiGenmenKind.choices)
    status = models.CharField("決定の種類", max_length=10, choices=KeiGenmenStatus.choices)
    decided_on = models.DateField("決定日")
    reason = models.CharField("理由（条例の条項と事由）", max_length=200)
    created_by = models.CharField("処理者", max_length=150, blank=True)
    created_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "軽自動車税の減免"
        verbose_name_plural = "軽自動車税の減免"
        indexes = [
            models.Index(fields=["sharyo", "fiscal_year", "id"], name="kei_genmen_sharyo_idx")
        ]

    def __str__(self) -> str:
        return f"減免 {self.pk}"


class KeiFukaKind(models.TextChoices):
    TOSHO = "tosho", "当初賦課"
    KOSEI = "kosei", "更正"
    GENMEN = "genmen", "減免"


class KeiFuka(models.Model):
    fiscal_year = models.PositiveSmallIntegerField("年度")
    sharyo = models.ForeignKey(
        KeiSharyo, verbose_name="軽自動車等", on_delete=models.PROTECT, related_name="fuka"
    )
    nozeisha = models.ForeignKey(
        "juminkiroku.Atena", verbose_name="納税義務者", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("賦課区分", max_length=10, choices=KeiFukaKind.choices)
    version = models.PositiveSmallIntegerField("版", default=1)
    is_current = models.BooleanField("現在の賦課", default=True)
    superseded_by = models.ForeignKey(
        "self", verbose_name="更正後", on_delete=models.PROTECT, null=True, related_name="+"
    )
    job_id = models.BigIntegerField("処理ID", null=True, blank=True)
    shubetsu = models.CharField("種別", max_length=20, choices=KeiShubetsu.choices)
    #: hyojun / kyu / juka / green / none (not held on the 賦課期日)
    kubun = models.CharField("税率の区分", max_length=10)
    kubun_label = models.CharField("税率の区分（表示）", max_length=40)
    zeigaku = models.IntegerField("税額（減免前）", default=0)
    genmen_gaku = models.IntegerField("減免額", default=0)
    nengaku = models.IntegerField("年税額", default=0)
    #: [{"label", "amount", "due", "nominal"}] (zeimu.rules.keijidosha.kei_kibetsu)
    kibetsu = models.JSONField("期別税額", default=list)
    lines = models.JSONField("計算の説明", default=list)
    nofu_bango = models.CharField("納付番号", max_length=20, blank=True)
    reason = models.CharField("更正・減免の理由", max_length=200, blank=True)
    #: the 納期限 the 更正通知書 of an 増額更正 sets for the tax it adds: posted with the
    #: increase to the 収納 ledger (``Chotei.nouki``), printed on the notice
    kosei_nouki = models.DateField("更正通知書の納期限", null=True, blank=True)
    created_by = models.CharField("処理者", max_length=150, blank=True)
    computed_at = models.DateTimeField("計算日時", auto_now_add=True)

    class Meta:
        verbose_name = "軽自動車税（種別割）の賦課"
        verbose_name_plural = "軽自動車税（種別割）の賦課"
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "sharyo"],
                condition=models.Q(is_current=True),
                name="kei_fuka_one_current",
            )
        ]
        indexes = [
            models.Index(fields=["nozeisha", "fiscal_year"], name="kei_fuka_nozeisha_idx"),
            models.Index(fields=["job_id"], name="kei_fuka_job_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year} 軽自動車等{self.sharyo_id}"
