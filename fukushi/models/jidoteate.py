"""児童手当: the 受給者 (one 認定 per row), the children of the 認定, the history of every
change, the clerks' queue of candidates (a birth in the registry), and the payment runs.

Persons are 宛名 ids (juminkiroku's person index); names are read through
``juminkiroku.public`` when shown. Months are stored as the first day of the month.
"""

from __future__ import annotations

from django.db import models

__all__ = [
    "JidoteateChosei",
    "JidoteateJido",
    "JidoteateJukyusha",
    "JidoteateKouho",
    "JidoteateKyakka",
    "JidoteateRireki",
    "JidoteateSashitome",
    "JidoteateShiharai",
    "JidoteateShiharaiMeisai",
    "JukyushaStatus",
    "KouhoStatus",
    "KyakkaRiyu",
    "MeisaiKind",
    "RirekiKind",
    "SashitomeRiyu",
    "ShiharaiKubun",
    "ShiharaiStatus",
    "ShometsuJiyu",
    "ShotokuKubunChoice",
]


class JukyushaStatus(models.TextChoices):
    NINTEI = "nintei", "認定"
    SHOMETSU = "shometsu", "消滅"


class ShometsuJiyu(models.TextChoices):
    TENSHUTSU = "tenshutsu", "転出"
    SHIBO = "shibo", "死亡"
    JIDO_NASHI = "jido_nashi", "支給対象児童がいなくなった"
    KOUMUIN = "koumuin", "公務員になった"
    SONOTA = "sonota", "その他（届出）"


class ShotokuKubunChoice(models.TextChoices):
    IKA = "ika", "所得制限限度額未満"
    TOKUREI = "tokurei", "所得制限限度額以上（特例給付）"
    JOGEN = "jogen", "所得上限限度額以上（支給なし）"


class JidoteateJukyusha(models.Model):
    """One 認定 of one 受給者. A 消滅 ends it (``shikyu_end``: the first month no longer
    paid); a later 認定請求 of the same person makes a new row."""

    atena_id = models.BigIntegerField("受給者の宛名ID")
    jukyusha_no = models.CharField("受給者番号", max_length=10, unique=True)
    status = models.CharField("状態", max_length=10, choices=JukyushaStatus.choices)
    seikyu_date = models.DateField("認定請求日")
    jiyu_date = models.DateField("出生日・転出予定日（15日特例の起算日）", null=True, blank=True)
    nintei_date = models.DateField("認定日")
    shikyu_start = models.DateField("支給開始月")
    shikyu_end = models.DateField("支給終了月の翌月（消滅月）", null=True, blank=True)
    shometsu_jiyu = models.CharField(
        "消滅事由", max_length=12, choices=ShometsuJiyu.choices, blank=True
    )
    koumuin = models.BooleanField("公務員（所属庁から支給）", default=False)
    shotoku_kubun = models.CharField(
        "所得の区分（令和6年9月分まで）",
        max_length=8,
        choices=ShotokuKubunChoice.choices,
        default=ShotokuKubunChoice.IKA,
    )
    kinyu_kikan = models.CharField("金融機関コード", max_length=4, blank=True)
    shiten = models.CharField("支店コード", max_length=3, blank=True)
    yokin_shumoku = models.CharField("預金種目", max_length=1, blank=True)
    koza_bango = models.CharField("口座番号", max_length=7, blank=True)
    meigi_kana = models.CharField("口座名義（半角カナ）", max_length=30, blank=True)
    #: the first month whose amount changed after it may have been paid (a late 認定, an
    #: 額改定 or 消滅 back-dated, a 差止解除): the next run compares what is due from this
    #: month with what was paid and pays the 差額 once (or records a 返還・調整)
    sokyu_from = models.DateField("遡及して見直す最初の月", null=True, blank=True)
    sokyu_marked_at = models.DateTimeField("遡及の見直しを記録した日時", null=True, blank=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "児童手当の受給者"
        verbose_name_plural = "児童手当の受給者"
        constraints = [
            models.UniqueConstraint(
                fields=["atena_id"],
                condition=models.Q(status="nintei"),
                name="fukushi_jidoteate_one_nintei",
            )
        ]
        indexes = [models.Index(fields=["status", "shikyu_start"], name="fukushi_jt_status")]

    def __str__(self) -> str:
        return f"児童手当 受給者 {self.jukyusha_no}"


class JidoteateJido(models.Model):
    """A child of the 認定: a 支給対象 or a counted one (第3子の数え方). ``end_month`` is the
    first month no longer counted (a 額改定 that removes the child)."""

    jukyusha = models.ForeignKey(
        JidoteateJukyusha, verbose_name="受給者", on_delete=models.PROTECT, related_name="jido"
    )
    atena_id = models.BigIntegerField("児童の宛名ID", null=True, blank=True)
    birth_date = models.DateField("生年月日")
    kanshu = models.BooleanField(
        "監護相当・生計費の負担（大学生年代の子を第3子の数に入れる）", default=False
    )
    start_month = models.DateField("算定開始月")
    end_month = models.DateField("算定終了月の翌月", null=True, blank=True)

    class Meta:
        verbose_name = "児童手当の児童"
        verbose_name_plural = "児童手当の児童"
        indexes = [models.Index(fields=["jukyusha", "start_month"], name="fukushi_jt_jido")]

    def __str__(self) -> str:
        return f"児童 {self.pk}"


class RirekiKind(models.TextChoices):
    NINTEI = "nintei", "認定"
    KAITEI = "kaitei", "額改定"
    SHOMETSU = "shometsu", "消滅"
    KOUMUIN = "koumuin", "公務員の区分の変更"
    KOZA = "koza", "口座の変更"
    SASHITOME = "sashitome", "支払差止"
    KAIJO = "kaijo", "差止解除"
    TORIKESHI = "torikeshi", "異動の取消しによる復元"


class JidoteateRireki(models.Model):
    """Every change of a 認定, never edited. ``source_key`` makes an event's change happen
    once ("event:<outbox id>:<宛名 id>")."""

    jukyusha = models.ForeignKey(
        JidoteateJukyusha, verbose_name="受給者", on_delete=models.PROTECT, related_name="rireki"
    )
    kind = models.CharField("種類", max_length=10, choices=RirekiKind.choices)
    effective_month = models.DateField("適用月")
    jiyu = models.CharField("事由", max_length=200, blank=True)
    source_key = models.CharField("発生元", max_length=80, null=True, blank=True, unique=True)
    ido_id = models.BigIntegerField("住民記録の異動ID", null=True, blank=True)
    actor = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "児童手当の履歴"
        verbose_name_plural = "児童手当の履歴"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_month:%Y-%m}"


class KyakkaRiyu(models.TextChoices):
    """Why a 認定請求 is refused (却下, 児童手当法第7条: the 認定 is of a 受給資格; one who
    has none gets a 却下 in writing)."""

    SHIKAKU_NASHI = "shikaku_nashi", "受給資格なし（支給要件に該当しない）"
    TASHI_JUKYU = "tashi_jukyu", "他市町村で受給中"
    KOUMUIN = "koumuin", "公務員（所属庁に請求）"
    SHOTOKU = "shotoku", "生計を維持する程度の高い者（所得の高い方）が他にいる"
    JUSHO = "jusho", "町内に住所がない"
    SONOTA = "sonota", "その他"


class JidoteateKyakka(models.Model):
    """A 認定請求 refused (却下): the decision and its reason as words, never edited. The
    person may claim again (a new 認定請求 makes a 受給者 row)."""

    atena_id = models.BigIntegerField("請求者の宛名ID")
    seikyu_date = models.DateField("認定請求日")
    kettei_date = models.DateField("却下の決定日")
    riyu = models.CharField("却下の理由", max_length=16, choices=KyakkaRiyu.choices)
    riyu_detail = models.CharField("理由の補足", max_length=200, blank=True)
    jido_su = models.PositiveSmallIntegerField("請求に書かれた児童の数", default=0)
    actor = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "児童手当の認定請求の却下"
        verbose_name_plural = "児童手当の認定請求の却下"
        indexes = [models.Index(fields=["atena_id"], name="fukushi_jt_kyakka_atena")]

    def __str__(self) -> str:
        return f"却下 {self.pk}"


class KouhoStatus(models.TextChoices):
    MISHORI = "mishori", "未処理"
    SEIKYU = "seikyu", "認定請求を受けた"
    TORISAGE = "torisage", "対応不要"


class JidoteateKouho(models.Model):
    """A task in the clerks' queue: a child born in the town whose household may claim
    児童手当 (a candidate, never a payment). One per birth (``source_key``)."""

    child_atena_id = models.BigIntegerField("出生した児童の宛名ID")
    setai_id = models.BigIntegerField("世帯ID", null=True, blank=True)
    birth_date = models.DateField("出生日")
    ido_id = models.BigIntegerField("住民記録の異動ID")
    #: the household member with the higher 所得 (None: a tie or none assessed — a clerk's choice)
    suggested_atena_id = models.BigIntegerField("受給者の候補の宛名ID", null=True, blank=True)
    existing_jukyusha = models.ForeignKey(
        JidoteateJukyusha,
        verbose_name="既に認定を受けている受給者（額改定の候補）",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        "状態", max_length=10, choices=KouhoStatus.choices, default=KouhoStatus.MISHORI
    )
    source_key = models.CharField("発生元", max_length=80, unique=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "児童手当の処理待ち（出生）"
        verbose_name_plural = "児童手当の処理待ち（出生）"

    def __str__(self) -> str:
        return f"処理待ち {self.pk}"


class SashitomeRiyu(models.TextChoices):
    """Why payment is withheld (児童手当法第11条: a 届出 or document not made without good
    reason; in practice also while the 受給者's whereabouts or situation are unknown)."""

    GENKYO_FUMEI = "genkyo_fumei", "現況不明"
    KYOSHO_FUMEI = "kyosho_fumei", "居所不明"
    TODOKE = "todoke", "届出・書類の未提出（児童手当法第11条）"
    SONOTA = "sonota", "その他"


class JidoteateSashitome(models.Model):
    """A 支払差止 of one 受給者 from a month: while it is not 解除, the payment runs pay no
    month from ``start_month`` on. On 解除 the withheld months are paid by the next run (or
    a 随時 run), once (``JidoteateJukyusha.sokyu_from``)."""

    jukyusha = models.ForeignKey(
        JidoteateJukyusha, verbose_name="受給者", on_delete=models.PROTECT, related_name="sashitome"
    )
    riyu = models.CharField("差止の理由", max_length=16, choices=SashitomeRiyu.choices)
    riyu_detail = models.CharField("理由の補足", max_length=200, blank=True)
    start_month = models.DateField("差止を始める月（手当の月）")
    kettei_date = models.DateField("差止の決定日")
    actor = models.CharField("差止をした人", max_length=150)
    kaijo_date = models.DateField("解除日", null=True, blank=True)
    kaijo_actor = models.CharField("解除をした人", max_length=150, blank=True)
    kaijo_riyu = models.CharField("解除の理由", max_length=200, blank=True)
    created_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "児童手当の支払差止"
        verbose_name_plural = "児童手当の支払差止"
        constraints = [
            models.UniqueConstraint(
                fields=["jukyusha"],
                condition=models.Q(kaijo_date__isnull=True),
                name="fukushi_jt_one_sashitome",
            )
        ]

    def __str__(self) -> str:
        return f"支払差止 {self.pk}"


class ShiharaiKubun(models.TextChoices):
    TEIREI = "teirei", "定例払"
    ZUIJI = "zuiji", "随時払"


class ShiharaiStatus(models.TextChoices):
    KEISAN = "keisan", "計算済"
    KAKUTEI = "kakutei", "確定（振込データ作成済）"


class JidoteateShiharai(models.Model):
    """One payment run: the 支払月 and what it paid. Recomputed in place until 確定."""

    shiharai_month = models.DateField("支払月", unique=True)
    kubun = models.CharField(
        "支払の区分", max_length=8, choices=ShiharaiKubun.choices, default=ShiharaiKubun.TEIREI
    )
    status = models.CharField("状態", max_length=10, choices=ShiharaiStatus.choices)
    jukyusha_count = models.PositiveIntegerField("受給者数", default=0)
    total = models.BigIntegerField("支払総額", default=0)
    computed_at = models.DateTimeField("計算日時")
    computed_by = models.CharField("計算した人", max_length=150)
    torikumi_date = models.DateField("振込の取組日", null=True, blank=True)
    furikomi_path = models.CharField("総合振込データのファイル", max_length=200, blank=True)
    kakutei_at = models.DateTimeField("確定日時", null=True, blank=True)

    class Meta:
        verbose_name = "児童手当の支払"
        verbose_name_plural = "児童手当の支払"

    def __str__(self) -> str:
        return f"支払 {self.shiharai_month:%Y-%m}"


class MeisaiKind(models.TextChoices):
    TSUJO = "tsujo", "今回の支払月分"
    SAGAKU = "sagaku", "差額（遡及）"
    KAIJO = "kaijo", "差止解除分"


class JidoteateShiharaiMeisai(models.Model):
    """One 受給者's allowance of one month in one payment run: the month's amount (通常), or
    for a month an earlier 確定 run paid, what was still due (差額, 差止解除分)."""

    shiharai = models.ForeignKey(
        JidoteateShiharai, verbose_name="支払", on_delete=models.CASCADE, related_name="meisai"
    )
    jukyusha = models.ForeignKey(
        JidoteateJukyusha, verbose_name="受給者", on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField("手当の月")
    jido_count = models.PositiveSmallIntegerField("支給対象児童数")
    amount = models.PositiveIntegerField("手当額")
    kind = models.CharField(
        "明細の種類", max_length=8, choices=MeisaiKind.choices, default=MeisaiKind.TSUJO
    )

    class Meta:
        verbose_name = "児童手当の支払明細"
        verbose_name_plural = "児童手当の支払明細"
        constraints = [
            models.UniqueConstraint(
                fields=["shiharai", "jukyusha", "month"], name="fukushi_jt_meisai_once"
            )
        ]

    def __str__(self) -> str:
        return f"明細 {self.month:%Y-%m}"


class JidoteateChosei(models.Model):
    """A month found overpaid by a payment run (an 額改定 that lowered, or a 消滅 that ended,
    months already paid): never a negative payment line, but this record for the clerk's
    返還請求 or 内払調整 (児童手当法第13条, unconfirmed: docs/standard/jido_teate.md).
    Replaced with the run's lines while the run is recomputed; fixed when it is 確定."""

    shiharai = models.ForeignKey(
        JidoteateShiharai,
        verbose_name="見つけた支払",
        on_delete=models.CASCADE,
        related_name="chosei",
    )
    jukyusha = models.ForeignKey(
        JidoteateJukyusha, verbose_name="受給者", on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField("手当の月")
    shiharaizumi = models.PositiveIntegerField("支払済みの額")
    tadashii = models.PositiveIntegerField("正しい額")
    amount = models.PositiveIntegerField("返還・調整の額")

    class Meta:
        verbose_name = "児童手当の返還・調整"
        verbose_name_plural = "児童手当の返還・調整"
        constraints = [
            models.UniqueConstraint(
                fields=["shiharai", "jukyusha", "month"], name="fukushi_jt_chosei_once"
            )
        ]

    def __str__(self) -> str:
        return f"返還・調整 {self.month:%Y-%m}"
