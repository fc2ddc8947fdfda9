"""特別障害者手当・障害児福祉手当・特別児童扶養手当 cases (issue 21 item 1): the 認定請求, its
認定 or 却下, the 資格喪失, the 所得制限 judged for each 所得制限年度 (8月〜翌年7月), the
payment runs and the months they paid, and the history of every change.

要配慮個人情報 (a 手当 tells of a disability): behind the grant
``fukushi.grants_shogai.SHOGAI_TECHO`` as the 手帳 are (fukushi/views/shogai_teate.py).
Persons are 宛名 ids of 住民記録; nothing here copies a name.

- ``ShogaiTeate``: one 認定請求 of one 手当 for one 対象者 (the 障害者 or 障害児; for
  特別児童扶養手当 the child, the 受給者 being the 父母 or 養育者), its 認定 (from the month
  after the 請求) with the 障害の程度 as the 認定's fact (診断書の日, 再認定の日), or its 却下.
- ``ShogaiTeateRireki``: every change, who and when; a registry 異動 is written at most once
  per case (``ido_id`` unique with the case).
- ``ShogaiTeateShotoku``: the 所得制限 judgement of one 所得制限年度, with every figure.
- ``ShogaiTeateShiharai`` / ``ShogaiTeateShiharaiTsuki``: a payment run of one 支払月 and the
  months it paid, one row per case and month (unique: a month is never paid twice).
"""

from __future__ import annotations

from django.db import models

from fukushi.models.furikomi import FurikomiKoza, FurikomiRun
from fukushi.models.rireki import JukyushaRirekiBase

__all__ = [
    "ShogaiTeate",
    "ShogaiTeateJotai",
    "ShogaiTeateKind",
    "ShogaiTeateRireki",
    "ShogaiTeateShiharai",
    "ShogaiTeateShiharaiTsuki",
    "ShogaiTeateShikkakuJiyu",
    "ShogaiTeateShotoku",
]


class ShogaiTeateKind(models.TextChoices):
    TOKUBETSU_SHOGAISHA = "tokubetsu_shogaisha", "特別障害者手当"
    SHOGAIJI_FUKUSHI = "shogaiji_fukushi", "障害児福祉手当"
    TOKUBETSU_JIDO_FUYO = "tokubetsu_jido_fuyo", "特別児童扶養手当"


class ShogaiTeateJotai(models.TextChoices):
    SEIKYU = "seikyu", "認定請求中"
    NINTEI = "nintei", "認定"
    KYAKKA = "kyakka", "却下"
    SHIKKAKU = "shikkaku", "資格喪失"


class ShogaiTeateShikkakuJiyu(models.TextChoices):
    SHIBO = "shibo", "死亡"
    TENSHUTSU = "tenshutsu", "転出"
    SHISETSU = "shisetsu", "施設入所"
    NYUIN = "nyuin", "継続して3月を超える入院"
    NENREI = "nenrei", "20歳到達"
    SONOTA = "sonota", "その他（障害の程度の非該当など）"


class ShogaiTeate(FurikomiKoza):
    teate = models.CharField("手当の種類", max_length=24, choices=ShogaiTeateKind.choices)
    atena_id = models.BigIntegerField("受給資格者の宛名ID", db_index=True)
    taisho_atena_id = models.BigIntegerField("障害のある方（対象者）の宛名ID", db_index=True)
    shosho_bango = models.CharField("証書番号", max_length=12, blank=True, default="")
    seikyu_date = models.DateField("認定請求日")
    jotai = models.CharField("状態", max_length=10, choices=ShogaiTeateJotai.choices)
    kettei_date = models.DateField("認定・却下の日", null=True, blank=True)
    kyakka_riyu = models.CharField("却下の理由", max_length=200, blank=True, default="")
    # 障害の程度: the 認定's fact
    shogai_teido = models.CharField("障害の程度（認定の内容）", max_length=200, blank=True)
    shindansho_date = models.DateField("診断書の作成日", null=True, blank=True)
    sainintei_date = models.DateField("再認定の時期", null=True, blank=True)
    kyu = models.CharField("障害の等級（特別児童扶養手当）", max_length=1, blank=True, default="")
    shogai_nenkin = models.BooleanField("障害を支給事由とする年金を受けられる", default=False)
    shikyu_kaishi = models.DateField("支給開始月（月の初日）", null=True, blank=True)
    shikyu_shuryo = models.DateField("支給終了月（月の初日）", null=True, blank=True)
    shikkaku_jiyu = models.CharField(
        "喪失事由", max_length=12, choices=ShogaiTeateShikkakuJiyu.choices, blank=True, default=""
    )
    shikkaku_date = models.DateField("喪失事由の日", null=True, blank=True)
    # 受給資格者's 扶養親族等 (所得税法の控除対象配偶者・扶養親族; not in 税務's public face)
    fuyo_su = models.PositiveSmallIntegerField("扶養親族等の数", default=0)
    rojin_su = models.PositiveSmallIntegerField("うち老人", default=0)
    tokutei_su = models.PositiveSmallIntegerField("うち特定", default=0)
    kojo_gaku = models.PositiveIntegerField(
        "本人の所得から差し引く諸控除（障害者控除・医療費控除など、円）", default=0
    )
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "障害者・障害児の手当"
        verbose_name_plural = "障害者・障害児の手当"
        constraints = [
            # one open 請求 or 認定 per 手当 and 対象者
            models.UniqueConstraint(
                fields=["teate", "taisho_atena_id"],
                condition=models.Q(jotai__in=["seikyu", "nintei"]),
                name="fukushi_shogai_teate_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"障害者・障害児の手当 {self.pk}"


class ShogaiTeateRireki(JukyushaRirekiBase):
    teate = models.ForeignKey(
        ShogaiTeate, on_delete=models.PROTECT, related_name="rireki", verbose_name="手当"
    )
    ido_id = models.BigIntegerField("住民記録の異動ID", null=True, blank=True)

    class Meta(JukyushaRirekiBase.Meta):
        verbose_name = "障害者・障害児の手当の履歴"
        verbose_name_plural = "障害者・障害児の手当の履歴"
        constraints = [
            models.UniqueConstraint(
                fields=["teate", "ido_id"],
                condition=models.Q(ido_id__isnull=False),
                name="fukushi_shogai_teate_rireki_ido_once",
            )
        ]

    def __str__(self) -> str:
        return f"障害者・障害児の手当の履歴 {self.pk}"


class ShogaiTeateShotoku(models.Model):
    """The 所得制限 of one 所得制限年度 (``nen``: 8月 of that year to 7月 of the next), from
    the 前年の所得 (住民税 ``nen`` 年度's assessment)."""

    teate = models.ForeignKey(
        ShogaiTeate, on_delete=models.PROTECT, related_name="shotoku", verbose_name="手当"
    )
    nen = models.PositiveSmallIntegerField("所得制限年度（8月の年）")
    kekka = models.CharField("判定", max_length=8)
    hikaku = models.JSONField("比べた所得と限度額", default=list)
    riyu = models.CharField("理由", max_length=300)
    created_by = models.CharField("処理者", max_length=150)
    updated_at = models.DateTimeField("判定日時", auto_now=True)

    class Meta:
        verbose_name = "障害者・障害児の手当の所得制限"
        verbose_name_plural = "障害者・障害児の手当の所得制限"
        constraints = [
            models.UniqueConstraint(fields=["teate", "nen"], name="fukushi_shogai_teate_shotoku")
        ]

    def __str__(self) -> str:
        return f"所得制限 {self.nen}"


class ShogaiTeateShiharai(FurikomiRun):
    """A payment run of one 支払月 (特別障害者手当・障害児福祉手当 2・5・8・11月, 特別児童扶養手当
    4・8・11月)."""

    shiharai_tsuki = models.DateField("支払月（月の初日）", unique=True)

    class Meta:
        verbose_name = "障害者・障害児の手当の支払"
        verbose_name_plural = "障害者・障害児の手当の支払"

    def __str__(self) -> str:
        return f"障害者・障害児の手当の支払 {self.shiharai_tsuki:%Y-%m}"


class ShogaiTeateShiharaiTsuki(models.Model):
    """One month of one 手当 paid by a run."""

    shiharai = models.ForeignKey(
        ShogaiTeateShiharai, on_delete=models.PROTECT, related_name="tsuki", verbose_name="支払"
    )
    teate = models.ForeignKey(
        ShogaiTeate, on_delete=models.PROTECT, related_name="shiharai", verbose_name="手当"
    )
    tsuki = models.DateField("手当の月（月の初日）")
    gaku = models.PositiveIntegerField("額（円）")

    class Meta:
        verbose_name = "障害者・障害児の手当の支払月"
        verbose_name_plural = "障害者・障害児の手当の支払月"
        constraints = [
            models.UniqueConstraint(fields=["teate", "tsuki"], name="fukushi_shogai_teate_tsuki")
        ]

    def __str__(self) -> str:
        return f"支払 {self.tsuki:%Y-%m}"
