"""償却資産 (固定資産税): the 償却資産申告書 of a business owner per 年度 and the assets of its
種類別明細書 (地方税法第383条: the owner declares the assets held on 1 January each year).

- :class:`KoteiShokyakuShinkoku` is one 申告 of a 納税義務者 (the business owner, a person
  of the person index like every owner here) for a 年度: at most one per pair; a 修正 of
  the 申告 adds and removes assets of the same row.
- :class:`KoteiShokyakuShisan` is one asset line (種類, 名称, 数量, 取得年月, 取得価額,
  耐用年数, 増加事由) declared in the 申告 that added it. A 減少 (売却, 滅失, 移動 …)
  declared in a later 申告 sets ``gensho_nendo``: the asset is taxed up to the 年度 before.
  Lines are never deleted, so every 年度's 評価 can be made again.
"""

from __future__ import annotations

from django.db import models

from zeimu.models.kotei import KoteiNozeisha


class ShisanShurui(models.IntegerChoices):
    KOCHIKUBUTSU = 1, "構築物"
    KIKAI = 2, "機械及び装置"
    SENPAKU = 3, "船舶"
    KOKUKI = 4, "航空機"
    SHARYO = 5, "車両及び運搬具"
    KIGU = 6, "工具・器具及び備品"


class ZokaJiyu(models.TextChoices):
    SHINPIN = "shinpin", "新品取得"
    CHUKO = "chuko", "中古品取得"
    IDO = "ido", "移動による受入れ"
    SONOTA = "sonota", "その他"


class GenshoJiyu(models.TextChoices):
    BAIKYAKU = "baikyaku", "売却"
    MESSHITSU = "messhitsu", "滅失"
    IDO = "ido", "移動"
    SONOTA = "sonota", "その他"


class KoteiShokyakuShinkoku(models.Model):
    nozeisha = models.ForeignKey(
        KoteiNozeisha,
        verbose_name="納税義務者（申告者）",
        on_delete=models.PROTECT,
        related_name="shokyaku_shinkoku",
    )
    fiscal_year = models.PositiveSmallIntegerField("年度")
    shinkoku_date = models.DateField("申告日")
    jigyo_shumoku = models.CharField("事業種目", max_length=60, blank=True)
    shozai = models.CharField("資産の所在地", max_length=100)
    created_by = models.CharField("処理者", max_length=150, blank=True)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "償却資産申告"
        verbose_name_plural = "償却資産申告"
        constraints = [
            models.UniqueConstraint(
                fields=["nozeisha", "fiscal_year"], name="kotei_shokyaku_shinkoku_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year} 償却資産申告 納税義務者{self.nozeisha_id}"


class KoteiShokyakuShisan(models.Model):
    nozeisha = models.ForeignKey(
        KoteiNozeisha,
        verbose_name="納税義務者",
        on_delete=models.PROTECT,
        related_name="shokyaku_shisan",
    )
    shinkoku = models.ForeignKey(
        KoteiShokyakuShinkoku,
        verbose_name="増加を申告した申告",
        on_delete=models.PROTECT,
        related_name="zoka",
    )
    shurui = models.PositiveSmallIntegerField("資産の種類", choices=ShisanShurui.choices)
    meisho = models.CharField("資産の名称", max_length=60)
    suryo = models.PositiveIntegerField("数量", default=1)
    shutoku_year = models.PositiveSmallIntegerField("取得年")
    shutoku_month = models.PositiveSmallIntegerField("取得月")
    shutoku_kakaku = models.BigIntegerField("取得価額")
    taiyo_nensu = models.PositiveSmallIntegerField("耐用年数")
    zoka_jiyu = models.CharField("増加事由", max_length=10, choices=ZokaJiyu.choices)
    tokurei = models.CharField("課税標準の特例", max_length=30, blank=True)
    gensho_nendo = models.PositiveSmallIntegerField("減少を申告した年度", null=True, blank=True)
    gensho_jiyu = models.CharField(
        "減少事由", max_length=10, choices=GenshoJiyu.choices, blank=True
    )

    class Meta:
        verbose_name = "償却資産（種類別明細）"
        verbose_name_plural = "償却資産（種類別明細）"
        indexes = [
            models.Index(fields=["nozeisha", "shutoku_year"], name="kotei_shokyaku_nozeisha_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_shurui_display()} {self.meisho}"
