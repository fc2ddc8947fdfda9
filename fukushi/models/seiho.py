"""生活保護 cases (ケース), their members, decisions and the monthly 保護費 payments.

These are 要配慮個人情報 (個人情報保護法第2条第3項): only staff holding the grant
``fukushi.grants_seiho.SEIHO_CASE`` read them, each read logged with the clerk's purpose
(fukushi/views/seiho.py). Persons are 宛名 ids of 住民記録; nothing here copies a name.

- ``SeihoCase``: one 被保護世帯, the 級地・冬季加算の地区・住宅扶助の地域 and rent the
  最低生活費 needs, its state (保護中・停止中・廃止) and the account the 保護費 is paid to.
- ``SeihoMember``: a 世帯員 with the income the 収入認定 takes, from/to dates (history:
  a member who leaves is closed, never deleted).
- ``SeihoKettei``: every 保護開始・変更・停止・再開・廃止 decision with its dates, reason and
  the 最低生活費 / 収入認定額 / 保護費 the rules computed then (the breakdown in words);
  never edited.
- ``SeihoShikyu`` / ``SeihoShikyuLine``: a month's payment run and one line per case.
"""

from __future__ import annotations

from django.db import models


class CaseStatus(models.TextChoices):
    HOGO = "hogo", "保護中"
    TEISHI = "teishi", "停止中"
    HAISHI = "haishi", "廃止"


class KetteiKind(models.TextChoices):
    KAISHI = "kaishi", "保護開始"
    HENKO = "henko", "保護変更"
    TEISHI = "teishi", "保護停止"
    SAIKAI = "saikai", "保護再開"
    HAISHI = "haishi", "保護廃止"


class Fujo(models.TextChoices):
    """扶助の種類 (生活保護法第11条第1項)."""

    SEIKATSU = "seikatsu", "生活扶助"
    KYOIKU = "kyoiku", "教育扶助"
    JUTAKU = "jutaku", "住宅扶助"
    IRYO = "iryo", "医療扶助"
    KAIGO = "kaigo", "介護扶助"
    SHUSSAN = "shussan", "出産扶助"
    SHUGYO = "shugyo", "生業扶助"
    SOSAI = "sosai", "葬祭扶助"


class KetteiCause(models.TextChoices):
    SHOKUIN = "shokuin", "職員の決定"
    SHIBO = "shibo", "死亡（住民記録の異動）"
    TENSHUTSU = "tenshutsu", "転出（住民記録の異動）"
    IKO = "iko", "初期データ"


class SeihoCase(models.Model):
    case_no = models.CharField("ケース番号", max_length=10, unique=True)
    setai_id = models.BigIntegerField("世帯ID（住民記録）", db_index=True)
    nushi_atena_id = models.BigIntegerField("世帯主（宛名ID）")
    status = models.CharField("状態", max_length=10, choices=CaseStatus.choices)
    fujo = models.JSONField("扶助の種類", default=list)
    kyuchi = models.CharField("級地", max_length=4)
    toki_ku = models.CharField("冬季加算の地区", max_length=1)
    jutaku_chiiki = models.CharField("住宅扶助の地域", max_length=40, blank=True, default="")
    yachin = models.PositiveIntegerField("家賃（月額）", default=0)
    hitorioya = models.BooleanField("ひとり親世帯", default=False)
    kaishi_date = models.DateField("保護開始日")
    haishi_date = models.DateField("保護廃止日", null=True, blank=True)
    # 保護費の振込先 (全銀協 総合振込); blank: 窓口で支給
    kinyu_kikan = models.CharField("金融機関コード", max_length=4, blank=True, default="")
    shiten = models.CharField("支店コード", max_length=3, blank=True, default="")
    yokin_shumoku = models.CharField("預金種目", max_length=1, blank=True, default="")
    koza_bango = models.CharField("口座番号", max_length=7, blank=True, default="")
    meigi_kana = models.CharField("口座名義（カナ）", max_length=30, blank=True, default="")
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "生活保護ケース"
        verbose_name_plural = "生活保護ケース"

    def __str__(self) -> str:
        return f"生活保護ケース {self.case_no}"


class SeihoMember(models.Model):
    case = models.ForeignKey(
        SeihoCase, verbose_name="ケース", on_delete=models.PROTECT, related_name="members"
    )
    atena_id = models.BigIntegerField("宛名ID", db_index=True)
    from_date = models.DateField("世帯員となった日")
    to_date = models.DateField("世帯員でなくなった日", null=True, blank=True)
    shogai = models.CharField("障害者加算", max_length=10, blank=True, default="")
    shuro_shunyu = models.PositiveIntegerField("就労収入（月額）", default=0)
    shuro_keihi = models.PositiveIntegerField("就労の必要経費（月額）", default=0)
    shinki_shuro = models.BooleanField("新規就労控除の期間", default=False)
    sonota_shunyu = models.PositiveIntegerField("その他の収入（認定額・月額）", default=0)

    class Meta:
        verbose_name = "生活保護の世帯員"
        verbose_name_plural = "生活保護の世帯員"
        constraints = [
            models.UniqueConstraint(
                fields=["case", "atena_id"],
                condition=models.Q(to_date__isnull=True),
                name="fukushi_seiho_member_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"世帯員 {self.pk}（ケース {self.case_id}）"


class SeihoKettei(models.Model):
    case = models.ForeignKey(
        SeihoCase, verbose_name="ケース", on_delete=models.PROTECT, related_name="ketteis"
    )
    kind = models.CharField("決定の種類", max_length=10, choices=KetteiKind.choices)
    kettei_date = models.DateField("決定日")
    tekiyo_date = models.DateField("適用日")
    riyu = models.CharField("理由", max_length=200)
    cause = models.CharField("契機", max_length=10, choices=KetteiCause.choices)
    # the 住民記録 異動 that caused it (死亡・転出), so a redelivered event decides nothing
    ido_id = models.BigIntegerField("異動ID（住民記録）", null=True, blank=True)
    fujo = models.JSONField("扶助の種類", default=list)
    atena_ids = models.JSONField("対象の世帯員（宛名ID）", default=list)
    saitei_seikatsuhi = models.IntegerField("最低生活費", default=0)
    shunyu_nintei = models.IntegerField("収入認定額", default=0)
    hogohi = models.IntegerField("保護費（月額）", default=0)
    # the rules' breakdown: [{fujo, meisho, gaku, uchiwake}], in words
    meisai = models.JSONField("内訳", default=list)
    actor = models.CharField("決定者", max_length=150)
    created_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "生活保護の決定"
        verbose_name_plural = "生活保護の決定"
        constraints = [
            models.UniqueConstraint(
                fields=["case", "ido_id"],
                condition=models.Q(ido_id__isnull=False),
                name="fukushi_seiho_kettei_once_per_ido",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}（ケース {self.case_id}）"


class SeihoShikyu(models.Model):
    """One month's 保護費 payment run (its lines are fixed when it is made)."""

    month = models.DateField("支給月（1日）", unique=True)
    furikomi_date = models.DateField("振込指定日")
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    actor = models.CharField("作成者", max_length=150)

    class Meta:
        verbose_name = "保護費の支給"
        verbose_name_plural = "保護費の支給"

    def __str__(self) -> str:
        return f"保護費の支給 {self.month:%Y-%m}"


class JuryoSha(models.TextChoices):
    SETAINUSHI = "nushi", "世帯主"
    SETAIIN = "setaiin", "世帯員"
    DAIRININ = "dairinin", "代理人"


class Juryo(models.Model):
    """The 受領 of a 窓口払 (SH-17): blank until the household received the cash; who
    received it is a kind (世帯主・世帯員・代理人), no name is kept."""

    juryo_date = models.DateField("受領日", null=True, blank=True)
    juryo_sha = models.CharField(
        "受領した方", max_length=10, choices=JuryoSha.choices, blank=True, default=""
    )
    juryo_actor = models.CharField("渡した職員", max_length=150, blank=True, default="")
    juryo_at = models.DateTimeField("受領の記録日時", null=True, blank=True)

    class Meta:
        abstract = True


class SeihoShikyuLine(Juryo):
    shikyu = models.ForeignKey(
        SeihoShikyu, verbose_name="支給", on_delete=models.CASCADE, related_name="lines"
    )
    case = models.ForeignKey(
        SeihoCase, verbose_name="ケース", on_delete=models.PROTECT, related_name="+"
    )
    kettei = models.ForeignKey(
        SeihoKettei, verbose_name="根拠の決定", on_delete=models.PROTECT, related_name="+"
    )
    # what is paid out: the month's 保護費 less ``chosei``
    amount = models.PositiveIntegerField("支給額")
    # 生活保護法第78条の2: the 徴収金 taken from this month's 保護金品 on the household's 申出
    # (fukushi.services.seiho_chosei), posted to the 収納 ledger as a payment
    chosei = models.PositiveIntegerField("保護費から徴収した額（法第78条の2）", default=0)
    # 口座振込 when the case has an account and the month is not a 窓口払 (SeihoMadoguchi)
    furikomi = models.BooleanField("口座振込")
    # 日割 (fukushi.rules.seiho_hiwari): the days of 保護 in the month; 0 for the full month
    nissu = models.PositiveSmallIntegerField("日割の日数", default=0)
    hiwari_uchiwake = models.CharField("日割の内訳", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = "保護費の支給明細"
        verbose_name_plural = "保護費の支給明細"
        constraints = [
            models.UniqueConstraint(fields=["shikyu", "case"], name="fukushi_seiho_line_once")
        ]

    def __str__(self) -> str:
        return f"支給明細 {self.pk}"
