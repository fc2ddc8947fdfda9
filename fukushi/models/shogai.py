"""障害者手帳 (身体・療育・精神) per person and the 心身障害者医療 受給者証 (issue 21 items 1–2).

要配慮個人情報: only staff holding the grant ``fukushi.grants_shogai.SHOGAI_TECHO`` read them,
each read logged with the clerk's purpose (fukushi/views/shogai.py). Persons are 宛名 ids of
住民記録; nothing here copies a name.

- ``ShogaiTecho``: one 手帳 of one kind of one person; its current 等級/程度, 部位 (身体),
  有効期限 (精神) and state. At most one open (有効) 手帳 per person and kind.
- ``ShogaiTechoRireki``: every 交付・再交付・等級変更・更新・返還・失効・転出 with its date,
  reason and the 等級/有効期限 before and after; never edited (the 手帳's history). A
  registry 異動 is written at most once per 手帳 (``ido_id`` unique with the 手帳).
- ``ShinshinJukyusha`` / ``ShinshinRireki``: a 心身障害者医療 受給者証 issued from the 手帳
  facts, for one certificate year, and its history.
"""

from __future__ import annotations

from django.db import models

from fukushi.models.furikomi import FurikomiKoza, FurikomiRun
from fukushi.models.rireki import JukyushaRirekiBase

__all__ = [
    "ShinshinJotai",
    "ShinshinJukyusha",
    "ShinshinKoshinKekka",
    "ShinshinRireki",
    "ShinshinShiharai",
    "ShinshinShokan",
    "ShinshinShokanJotai",
    "ShogaiTecho",
    "ShogaiTechoRireki",
    "TechoJotai",
    "TechoKind",
    "TechoRirekiKind",
]


class TechoKind(models.TextChoices):
    SHINTAI = "shintai", "身体障害者手帳"
    RYOIKU = "ryoiku", "療育手帳"
    SEISHIN = "seishin", "精神障害者保健福祉手帳"


class TechoJotai(models.TextChoices):
    YUKO = "yuko", "有効"
    HENKAN = "henkan", "返還"
    SHIKKO = "shikko", "失効（死亡）"
    TENSHUTSU = "tenshutsu", "転出"


class TechoRirekiKind(models.TextChoices):
    KOFU = "kofu", "交付"
    SAIKOFU = "saikofu", "再交付"
    TOKYU_HENKO = "tokyu_henko", "等級変更"
    KOSHIN = "koshin", "更新（有効期限の延長）"
    HENKAN = "henkan", "返還"
    SHIKKO = "shikko", "失効（死亡）"
    TENSHUTSU = "tenshutsu", "転出"


class ShogaiTecho(models.Model):
    atena_id = models.BigIntegerField("宛名ID", db_index=True)
    kind = models.CharField("手帳の種類", max_length=10, choices=TechoKind.choices)
    techo_bango = models.CharField("手帳番号", max_length=20)
    tokyu = models.CharField("等級・程度", max_length=10)
    bui = models.JSONField("障害の部位", default=list, blank=True)
    kofu_date = models.DateField("交付日")
    yuko_kigen = models.DateField("有効期限", null=True, blank=True)
    jotai = models.CharField("状態", max_length=10, choices=TechoJotai.choices)
    shuryo_date = models.DateField("効力を失った日", null=True, blank=True)
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "障害者手帳"
        verbose_name_plural = "障害者手帳"
        constraints = [
            models.UniqueConstraint(
                fields=["atena_id", "kind"],
                condition=models.Q(jotai="yuko"),
                name="fukushi_shogai_techo_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"障害者手帳 {self.pk}"


class ShogaiTechoRireki(models.Model):
    techo = models.ForeignKey(
        ShogaiTecho, verbose_name="手帳", on_delete=models.PROTECT, related_name="rireki"
    )
    kind = models.CharField("種類", max_length=12, choices=TechoRirekiKind.choices)
    jiyu_date = models.DateField("年月日")
    riyu = models.CharField("理由", max_length=200, blank=True, default="")
    tokyu_mae = models.CharField("変更前の等級・程度", max_length=10, blank=True, default="")
    tokyu_ato = models.CharField("変更後の等級・程度", max_length=10, blank=True, default="")
    yuko_kigen_mae = models.DateField("変更前の有効期限", null=True, blank=True)
    yuko_kigen_ato = models.DateField("変更後の有効期限", null=True, blank=True)
    ido_id = models.BigIntegerField("住民記録の異動ID", null=True, blank=True)
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("日時", auto_now_add=True)

    class Meta:
        verbose_name = "障害者手帳の履歴"
        verbose_name_plural = "障害者手帳の履歴"
        ordering = ["jiyu_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["techo", "ido_id"],
                condition=models.Q(ido_id__isnull=False),
                name="fukushi_shogai_techo_rireki_ido_once",
            )
        ]

    def __str__(self) -> str:
        return f"障害者手帳の履歴 {self.pk}"


class ShinshinJotai(models.TextChoices):
    YUKO = "yuko", "有効"
    SHIKKAKU = "shikkaku", "資格喪失"


class ShinshinJukyusha(models.Model):
    atena_id = models.BigIntegerField("宛名ID", db_index=True)
    jukyusha_bango = models.CharField("受給者番号", max_length=12, unique=True)
    techo = models.ForeignKey(
        ShogaiTecho, verbose_name="根拠の手帳", on_delete=models.PROTECT, related_name="+"
    )
    konkyo = models.CharField("根拠（手帳と等級）", max_length=60)
    yuko_kaishi = models.DateField("有効期間の開始日")
    yuko_shuryo = models.DateField("有効期間の終了日")
    jotai = models.CharField("状態", max_length=10, choices=ShinshinJotai.choices)
    shikkaku_jiyu = models.CharField("喪失事由", max_length=32, blank=True, default="")
    shikkaku_ido_id = models.BigIntegerField("喪失の異動ID", null=True, blank=True)
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "心身障害者医療 受給者"
        verbose_name_plural = "心身障害者医療 受給者"
        constraints = [
            models.UniqueConstraint(
                fields=["atena_id"],
                condition=models.Q(jotai="yuko"),
                name="fukushi_shinshin_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"心身障害者医療 受給者 {self.jukyusha_bango}"


class ShinshinRireki(JukyushaRirekiBase):
    jukyusha = models.ForeignKey(
        ShinshinJukyusha, on_delete=models.PROTECT, related_name="rireki", verbose_name="受給者"
    )

    class Meta(JukyushaRirekiBase.Meta):
        verbose_name = "心身障害者医療 履歴"
        verbose_name_plural = "心身障害者医療 履歴"

    def __str__(self) -> str:
        return f"心身障害者医療 履歴 {self.pk}"


class ShinshinKoshinKekka(models.Model):
    """What the 一斉更新 (SG-18) decided for one 受給者証 in one 更新月: renewed (the new
    period) or ended (its last day and the reasons). One per certificate and 更新月, so a
    run or a chunk made again decides nothing twice; the list and the 更新通知 read it."""

    jukyusha = models.ForeignKey(
        ShinshinJukyusha, on_delete=models.PROTECT, related_name="+", verbose_name="受給者"
    )
    kaishi = models.DateField("更新月の初日（新しい有効期間の開始日）")
    kekka = models.CharField(
        "結果", max_length=10, choices=[("koshin", "更新"), ("shuryo", "更新しない")]
    )
    yuko_shuryo = models.DateField("有効期間の終了日（更新：新しい期間、更新しない：最後の日）")
    konkyo = models.CharField("根拠（手帳と等級）", max_length=60, blank=True, default="")
    riyu = models.CharField("更新しない理由", max_length=300, blank=True, default="")
    job_id = models.BigIntegerField("ジョブID", null=True, blank=True, db_index=True)
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("日時", auto_now_add=True)

    class Meta:
        verbose_name = "心身障害者医療 一斉更新の結果"
        verbose_name_plural = "心身障害者医療 一斉更新の結果"
        constraints = [
            models.UniqueConstraint(
                fields=["jukyusha", "kaishi"], name="fukushi_shinshin_koshin_once"
            )
        ]

    def __str__(self) -> str:
        return f"一斉更新の結果 {self.pk}"


class ShinshinShiharai(FurikomiRun):
    """A payment run of the decided 心身障害者医療 償還 claims (one 全銀 総合振込 file)."""

    class Meta:
        verbose_name = "心身障害者医療 支払"
        verbose_name_plural = "心身障害者医療 支払"

    def __str__(self) -> str:
        return f"心身障害者医療 支払 {self.pk}"


class ShinshinShokanJotai(models.TextChoices):
    UKETSUKE = "uketsuke", "受付"
    KETTEI = "kettei", "支給決定"
    KYAKKA = "kyakka", "却下"
    SHIHARAI = "shiharai", "支払済"


class ShinshinShokan(FurikomiKoza):
    """A 償還 claim: the 受給者 paid the 保険診療の自己負担 at the counter (県外の医療機関など)
    and is refunded under the town's rule after the 決定."""

    jukyusha = models.ForeignKey(
        ShinshinJukyusha, on_delete=models.PROTECT, related_name="shokan", verbose_name="受給者"
    )
    shinryo_tsuki = models.DateField("診療年月（月の初日）")
    iryo_kikan = models.CharField("医療機関", max_length=100)
    jiko_futan = models.PositiveIntegerField("保険診療の自己負担額（円）")
    ichibu_futan = models.PositiveIntegerField("差し引いた一部負担金（円）")
    shikyu_gaku = models.PositiveIntegerField("支給額（円）")
    jotai = models.CharField("状態", max_length=10, choices=ShinshinShokanJotai.choices)
    kyakka_riyu = models.CharField("却下の理由", max_length=200, blank=True, default="")
    shiharai = models.ForeignKey(
        ShinshinShiharai,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shokan",
        verbose_name="支払",
    )
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "心身障害者医療 償還"
        verbose_name_plural = "心身障害者医療 償還"

    def __str__(self) -> str:
        return f"心身障害者医療 償還 {self.pk}"
