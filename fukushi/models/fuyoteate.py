"""児童扶養手当: 受給者 (the 認定 and its end), the history of every change, the 現況届 of each
year, and the payment runs (支払) with their lines.

The 受給者 is a 宛名 of 住民記録 (``atena_id``); names and addresses are read through
``juminkiroku.public`` when shown. Amounts are decided by ``fukushi.rules.fuyoteate``.
"""

from __future__ import annotations

from django.db import models

from fukushi.models.furikomi import FurikomiKoza
from fukushi.models.rireki import JukyushaRirekiBase

__all__ = [
    "FuyoGenkyoJotai",
    "FuyoGenkyoTodoke",
    "FuyoGimushaShuki",
    "FuyoHantei",
    "FuyoJotai",
    "FuyoJukyusha",
    "FuyoMiharai",
    "FuyoNenkin",
    "FuyoNenkinShurui",
    "FuyoRireki",
    "FuyoSashitome",
    "FuyoShiharai",
    "FuyoShiharaiMeisai",
    "FuyoShikkakuJiyu",
    "FuyoTekiyoJogai",
    "FuyoTekiyoJogaiJiyu",
]


class FuyoJotai(models.TextChoices):
    JUKYU = "jukyu", "受給中"
    SHIKKAKU = "shikkaku", "資格喪失"


class FuyoShikkakuJiyu(models.TextChoices):
    TENSHUTSU = "tenshutsu", "転出"
    SHIBO = "shibo", "死亡"
    # entered by the clerk (資格喪失届, 法第6条・第4条第2項の事由)
    KONIN = "konin", "婚姻（事実上の婚姻関係を含む）"
    KANGO = "kango", "対象児童を監護（養育）しなくなった"
    SONOTA = "sonota", "その他の支給要件の消滅"


class FuyoJukyusha(FurikomiKoza):
    """One 認定 of 児童扶養手当 (法第6条): from the month after the 認定請求 until the month the
    entitlement ends (法第7条)."""

    atena_id = models.BigIntegerField("受給者の宛名ID", db_index=True)
    jukyusha_bango = models.CharField("証書番号", max_length=12)
    seikyu_date = models.DateField("認定請求日")
    shikyu_kaishi = models.DateField("支給開始月（月の初日）")
    shikyu_shuryo = models.DateField("支給終了月（月の初日）", null=True, blank=True)
    jotai = models.CharField("状態", max_length=16, choices=FuyoJotai.choices)
    shikkaku_jiyu = models.CharField(
        "喪失事由", max_length=16, choices=FuyoShikkakuJiyu.choices, blank=True, default=""
    )
    shikkaku_date = models.DateField("喪失事由の日", null=True, blank=True)
    shikkaku_ido_id = models.BigIntegerField("喪失の異動ID", null=True, blank=True)
    jido_su = models.PositiveSmallIntegerField("対象児童の数")
    fuyo_shinzoku = models.PositiveSmallIntegerField("扶養親族等の数")
    rojin = models.PositiveSmallIntegerField("老人扶養親族等の数", default=0)
    tokutei = models.PositiveSmallIntegerField("特定扶養親族等の数", default=0)
    yoikuhi = models.PositiveIntegerField("養育費の年額（円）", default=0)
    fubo = models.BooleanField("父又は母", default=True)
    # 一部支給停止 (法第13条の3): the 7年 count runs from the month of this day; the 3歳 rule
    # from the month after the day the youngest child under 3 at the 認定請求 turns 3
    yoken_gaito_date = models.DateField("支給要件に該当した日", null=True, blank=True)
    sansai_date = models.DateField(
        "認定請求時に3歳未満の児童が3歳に達する日", null=True, blank=True
    )
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "児童扶養手当 受給者"
        constraints = [
            models.UniqueConstraint(fields=["jukyusha_bango"], name="fuyo_jukyusha_bango_uniq"),
            # one open 認定 per person
            models.UniqueConstraint(
                fields=["atena_id"],
                condition=models.Q(jotai="jukyu"),
                name="fuyo_jukyusha_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"児童扶養手当 受給者 {self.jukyusha_bango}"


class FuyoRireki(JukyushaRirekiBase):
    """Every change of a 受給者, in order (認定, 現況届, 喪失, 支払)."""

    jukyusha = models.ForeignKey(
        FuyoJukyusha, on_delete=models.PROTECT, related_name="rireki", verbose_name="受給者"
    )

    class Meta(JukyushaRirekiBase.Meta):
        verbose_name = "児童扶養手当 履歴"

    def __str__(self) -> str:
        return f"児童扶養手当 履歴 {self.pk}"


class FuyoHantei(models.TextChoices):
    ZENBU = "zenbu", "全部支給"
    ICHIBU = "ichibu", "一部支給"
    TEISHI = "teishi", "全部支給停止"


class FuyoGenkyoJotai(models.TextChoices):
    MITEISHUTSU = "miteishutsu", "未提出"
    TEISHUTSU = "teishutsu", "提出済み"


class FuyoGenkyoTodoke(models.Model):
    """現況届 (施行規則第4条: every August): the 所得 of the 前年 decide 11月分 to 翌年10月分.

    Opened 未提出 for every 受給者 by the yearly 案内 job (``annai_job_id``); filled in when
    the 届 is received. While 未提出, 11月分 and later are withheld (法第15条, 差止)."""

    jukyusha = models.ForeignKey(
        FuyoJukyusha, on_delete=models.PROTECT, related_name="genkyo", verbose_name="受給者"
    )
    nen = models.PositiveSmallIntegerField("届出の年（8月）")
    jotai = models.CharField(
        "提出の状況",
        max_length=16,
        choices=FuyoGenkyoJotai.choices,
        default=FuyoGenkyoJotai.TEISHUTSU,
    )
    annai_job_id = models.BigIntegerField("案内を作成したジョブ", null=True, blank=True)
    uketsuke_date = models.DateField("受付日", null=True, blank=True)
    shotoku_nendo = models.PositiveSmallIntegerField("所得の年度（住民税）", null=True, blank=True)
    shotokugaku = models.BigIntegerField("所得額", null=True, blank=True)
    zenbu_gendo = models.BigIntegerField("全部支給の限度額", null=True, blank=True)
    ichibu_gendo = models.BigIntegerField("一部支給の限度額", null=True, blank=True)
    gimusha = models.JSONField("扶養義務者等の所得と限度額", default=list, blank=True)
    hantei = models.CharField("判定", max_length=8, choices=FuyoHantei.choices, blank=True)
    getsugaku = models.PositiveIntegerField("11月分の月額（円）", null=True, blank=True)
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "児童扶養手当 現況届"
        constraints = [
            models.UniqueConstraint(fields=["jukyusha", "nen"], name="fuyo_genkyo_once_a_year")
        ]

    def __str__(self) -> str:
        return f"児童扶養手当 現況届 {self.nen}"


class FuyoGimushaShuki(models.Model):
    """A 扶養義務者 (民法第877条第1項の直系血族・兄弟姉妹, 生計を同じくする: 法第9条の2・
    第11条) entered by hand for one 所得年度: one living elsewhere, or — with ``atena_id`` —
    a household member whose 所得 or 扶養親族 the tax data does not give (it replaces the
    automatic reading of that person)."""

    jukyusha = models.ForeignKey(
        FuyoJukyusha, on_delete=models.PROTECT, related_name="gimusha", verbose_name="受給者"
    )
    shotoku_nendo = models.PositiveSmallIntegerField("所得の年度（住民税）")
    kankei = models.CharField("受給者との続柄", max_length=20)
    atena_id = models.BigIntegerField("同じ世帯の人の宛名ID", null=True, blank=True)
    kyuyo_shotoku = models.BigIntegerField("給与所得（円）", default=0)
    nenkin_shotoku = models.BigIntegerField("公的年金等に係る所得（円）", default=0)
    sonota_shotoku = models.BigIntegerField("その他の所得（円）", default=0)
    fuyo_shinzoku = models.PositiveSmallIntegerField("扶養親族等の数", default=0)
    rojin = models.PositiveSmallIntegerField("老人扶養親族の数", default=0)
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "児童扶養手当 扶養義務者（手入力）"

    def __str__(self) -> str:
        return f"児童扶養手当 扶養義務者 {self.pk}"


class FuyoTekiyoJogaiJiyu(models.TextChoices):
    """施行令第8条 / 施行規則第3条の5 の適用除外事由."""

    SHUGYO = "shugyo", "就業している"
    KYUSHOKU = "kyushoku", "求職活動等の自立を図るための活動をしている"
    SHOGAI = "shogai", "身体上又は精神上の障害がある"
    SHIPPEI = "shippei", "負傷又は疾病等により就業することが困難である"
    KAIGO = "kaigo", "児童又は親族の介護のため就業することが困難である"


class FuyoTekiyoJogai(models.Model):
    """一部支給停止適用除外事由届出 (法第13条の3第2項): while it covers a month, the half
    of 法第13条の3第1項 is not stopped. It covers from its month to the 10月分 that ends
    the 現況届 year it was filed in (filed in August or later: the next October)."""

    jukyusha = models.ForeignKey(
        FuyoJukyusha, on_delete=models.PROTECT, related_name="tekiyo_jogai", verbose_name="受給者"
    )
    todoke_date = models.DateField("届出日")
    jiyu = models.CharField("適用除外事由", max_length=16, choices=FuyoTekiyoJogaiJiyu.choices)
    kikan_from = models.DateField("効力の始まる月（月の初日）")
    kikan_to = models.DateField("効力の終わる月（月の初日）")
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "児童扶養手当 一部支給停止適用除外事由届出"

    def __str__(self) -> str:
        return f"児童扶養手当 適用除外事由届出 {self.pk}"


class FuyoShiharai(models.Model):
    """A payment run of one 支払月 (奇数月) for the two months before it."""

    shiharai_tsuki = models.DateField("支払月（月の初日）", unique=True)
    shiharai_date = models.DateField("支払日")
    kensu = models.PositiveIntegerField("件数")
    gokei = models.BigIntegerField("合計額（円）")
    irainin = models.JSONField("振込依頼人（コード・名・仕向銀行・支店・預金種目・口座番号）")
    furikomi_sha256 = models.CharField("総合振込ファイルの SHA-256", max_length=64)
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "児童扶養手当 支払"

    def __str__(self) -> str:
        return f"児童扶養手当 支払 {self.shiharai_tsuki:%Y-%m}"


class FuyoShiharaiMeisai(models.Model):
    shiharai = models.ForeignKey(
        FuyoShiharai, on_delete=models.PROTECT, related_name="meisai", verbose_name="支払"
    )
    jukyusha = models.ForeignKey(
        FuyoJukyusha, on_delete=models.PROTECT, related_name="shiharai", verbose_name="受給者"
    )
    tsuki1 = models.PositiveIntegerField("前々月分（円）")
    tsuki2 = models.PositiveIntegerField("前月分（円）")
    kaijo = models.PositiveIntegerField("差止解除・未払請求分（円）", default=0)
    gaku = models.PositiveIntegerField("支払額（円）")

    class Meta:
        verbose_name = "児童扶養手当 支払明細"
        constraints = [
            models.UniqueConstraint(fields=["shiharai", "jukyusha"], name="fuyo_meisai_once")
        ]

    def __str__(self) -> str:
        return f"児童扶養手当 支払明細 {self.pk}"


class FuyoSashitome(models.Model):
    """A month withheld (法第15条: 現況届 未提出, 施行規則第4条) by the run of ``shiharai``;
    paid by ``kaijo_shiharai``, the first run after the 届 is received."""

    jukyusha = models.ForeignKey(
        FuyoJukyusha, on_delete=models.PROTECT, related_name="sashitome", verbose_name="受給者"
    )
    month = models.DateField("差し止めた手当の月（月の初日）")
    shiharai = models.ForeignKey(
        FuyoShiharai, on_delete=models.PROTECT, related_name="+", verbose_name="差し止めた支払"
    )
    kaijo_shiharai = models.ForeignKey(
        FuyoShiharai,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="差止を解除して支払った支払",
    )
    kaijo_gaku = models.PositiveIntegerField("解除して支払った額（円）", null=True, blank=True)

    class Meta:
        verbose_name = "児童扶養手当 支払の差止"
        constraints = [
            models.UniqueConstraint(fields=["jukyusha", "month"], name="fuyo_sashitome_once")
        ]

    def __str__(self) -> str:
        return f"児童扶養手当 差止 {self.pk}"


class FuyoNenkinShurui(models.TextChoices):
    """The kinds of 公的年金等 that 法第13条の2 adjusts against (令和3年3月分から)."""

    SHOGAI_KISO = "shogai_kiso", "障害基礎年金等（子の加算部分と調整）"
    SONOTA = "sonota", "その他の公的年金等（遺族年金・老齢年金・労災年金・障害厚生年金3級など）"


class FuyoNenkin(models.Model):
    """A 公的年金等 the 受給者 receives (法第13条の2), entered by the clerk from the 年金証書
    or 改定通知書: the monthly amount that is taken from the 手当 (for 障害基礎年金等 the
    子の加算部分 only) for the months ``kaishi``–``shuryo``."""

    jukyusha = models.ForeignKey(
        FuyoJukyusha, on_delete=models.PROTECT, related_name="nenkin", verbose_name="受給者"
    )
    shurui = models.CharField("年金の種類", max_length=16, choices=FuyoNenkinShurui.choices)
    kaishi = models.DateField("調整する最初の月（月の初日）")
    shuryo = models.DateField("調整する最後の月（月の初日）", null=True, blank=True)
    getsugaku = models.PositiveIntegerField("調整する年金の月額（円）")
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "児童扶養手当 公的年金等（併給調整）"

    def __str__(self) -> str:
        return f"児童扶養手当 公的年金等 {self.pk}"


class FuyoMiharai(models.Model):
    """A past month claimed as unpaid (未払分の請求), accepted within the 時効 of 法第22条
    and paid by ``shiharai``, the first run after the claim."""

    jukyusha = models.ForeignKey(
        FuyoJukyusha, on_delete=models.PROTECT, related_name="miharai", verbose_name="受給者"
    )
    month = models.DateField("請求された手当の月（月の初日）")
    gaku = models.PositiveIntegerField("その月の手当額（円）")
    seikyu_date = models.DateField("請求日")
    shiharai = models.ForeignKey(
        FuyoShiharai,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="支払った支払",
    )
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "児童扶養手当 未払分の請求"
        constraints = [
            models.UniqueConstraint(fields=["jukyusha", "month"], name="fuyo_miharai_once")
        ]

    def __str__(self) -> str:
        return f"児童扶養手当 未払分 {self.pk}"
