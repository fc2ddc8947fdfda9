"""住民基本台帳の一部の写しの閲覧 (標準仕様書 9.5; 住民基本台帳法 第11条・第11条の2).

A request is recorded first (who asks, for what purpose, which part of the registry),
approved by another member of staff, and only then printed: the 閲覧用写し holds 氏名,
生年月日, 性別 and 住所 only (法第11条第1項), never a person under a 支援措置.
"""

from __future__ import annotations

from django.db import models


class EtsuranSeikyushaKubun(models.TextChoices):
    KIKAN = "kikan", "国又は地方公共団体の機関（法第11条）"
    KOJIN_HOJIN = "kojin_hojin", "個人又は法人（法第11条の2）"


class EtsuranStatus(models.TextChoices):
    SHINSEI = "shinsei", "審査待ち"
    SHONIN = "shonin", "承認"
    KYAKKA = "kyakka", "不承認"


class EtsuranJunjo(models.TextChoices):
    """Order of the list. 住所順 keeps households apart only by address; ランダム順位 is
    the standard's example of a condition (9.5) that shows no household at all."""

    JUSHO = "jusho", "住所順"
    RANDOM = "random", "ランダム順位"


class EtsuranSeikyu(models.Model):
    seikyusha_kubun = models.CharField(
        "請求者の区分", max_length=12, choices=EtsuranSeikyushaKubun.choices
    )
    seikyusha_shimei = models.CharField("請求者（機関名・氏名・法人名）", max_length=100)
    seikyusha_jusho = models.CharField("請求者の住所・所在地", max_length=200)
    mokuteki = models.CharField("利用の目的", max_length=400)
    # 抽出条件
    jusho_prefix = models.CharField("対象の住所（前方一致）", max_length=200)
    birth_from = models.DateField("生年月日（から）", null=True, blank=True)
    birth_to = models.DateField("生年月日（まで）", null=True, blank=True)
    sex = models.CharField("性別", max_length=1, blank=True)
    junjo = models.CharField(
        "並び順", max_length=10, choices=EtsuranJunjo.choices, default=EtsuranJunjo.JUSHO
    )
    random_seed = models.BigIntegerField("ランダム順位の種", default=0)
    status = models.CharField(
        "状態", max_length=10, choices=EtsuranStatus.choices, default=EtsuranStatus.SHINSEI
    )
    entered_by_id = models.BigIntegerField("受付者ID", null=True, blank=True)
    entered_by = models.CharField("受付者", max_length=150)
    entered_at = models.DateTimeField("受付日時", auto_now_add=True)
    decided_by_id = models.BigIntegerField("審査者ID", null=True, blank=True)
    decided_by = models.CharField("審査者", max_length=150, blank=True)
    decided_at = models.DateTimeField("審査日時", null=True, blank=True)
    decision_note = models.CharField("審査の理由", max_length=200, blank=True)
    printed_count = models.PositiveIntegerField("出力件数", null=True, blank=True)
    printed_at = models.DateTimeField("出力日時", null=True, blank=True)

    class Meta:
        verbose_name = "閲覧の請求"
        verbose_name_plural = "閲覧の請求"
        ordering = ["-entered_at", "-id"]

    def __str__(self) -> str:
        return str(self.pk)
