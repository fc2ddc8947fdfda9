"""滞納整理 (issue 18 item 6): the case of one taxpayer across every 税目 (名寄せ by 宛名).

- ``TainoCase`` — the taxpayer's case: who works it (担当者). Made the first time someone
  acts on the taxpayer (assignment, 催告, 交渉記録 …); the arrears themselves are the
  ledger's (``zeimu.models.shuno``), never copied here.
- ``TainoKeika`` — the case's history (経過記録), append-only: every act below writes one
  row in its service's transaction, with the clerk's 交渉記録 beside them.
- ``Saikoku`` — a 催告書 sent (mass job or single): one per case and 発付日.
- ``Bunno`` / ``BunnoKai`` — a 分納誓約 covering chosen 期別 and its schedule (回数, 金額,
  期日). A 誓約 is the taxpayer's 承認 of the debt (民法第152条: 時効の更新).
- ``Shobun`` — a 差押 or a 交付要求 with the property (財産の種類), its date, amount, 期別
  and 解除; ``Haito`` — money from its 換価・配当, posted to the ledger as 収納 of kind
  滞納処分.
- ``Teishi`` — a 滞納処分の執行停止 (地方税法第15条の7) on chosen 期別, its 取消
  (第15条の8) or 即時消滅 (第15条の7第5項).
- ``Kesson`` — the 不納欠損 of one 期別 (one per 期別): why (時効, 停止3年, 即時消滅), when
  the duty ended, and the ledger entry (``ShunoKind.KESSON``) that struck the balance off.
- ``KessonTorikeshi`` — a part of a 不納欠損 taken back (never an edit of the 欠損): a
  payment dated before the duty ended, entered after the 欠損 (bank data late), paid what
  the 欠損 had struck off; its ledger entry (``ShunoKind.KESSON_TORIKESHI``) is negative.
"""

from __future__ import annotations

from django.db import models


class KeikaKind(models.TextChoices):
    TANTO = "tanto", "担当者の設定"
    KOSHO = "kosho", "交渉記録"
    SAIKOKU = "saikoku", "催告"
    BUNNO = "bunno", "分納誓約"
    BUNNO_END = "bunno_end", "分納誓約の終了"
    SASHIOSAE = "sashiosae", "差押"
    KOFU_YOKYU = "kofu", "交付要求"
    KAIJO = "kaijo", "差押・交付要求の解除"
    HAITO = "haito", "換価・配当"
    TEISHI = "teishi", "執行停止"
    TEISHI_TORIKESHI = "torikeshi", "執行停止の取消"
    SOKUJI = "sokuji", "納税義務の即時消滅"
    KESSON = "kesson", "不納欠損"
    KESSON_TORIKESHI = "kesson_tk", "不納欠損の一部取消"
    RENTAI = "rentai", "連帯納付義務者への督促状・納付書"


class TainoCase(models.Model):
    atena = models.OneToOneField(
        "juminkiroku.Atena", verbose_name="滞納者", on_delete=models.PROTECT, related_name="+"
    )
    #: the staff account (public schema: no foreign key across schemas) and its name
    tanto_user_id = models.PositiveIntegerField("担当者ID", null=True, blank=True)
    tanto_name = models.CharField("担当者", max_length=150, blank=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "滞納整理の事案"
        verbose_name_plural = "滞納整理の事案"

    def __str__(self) -> str:
        return f"滞納整理 {self.pk}"


class TainoKeika(models.Model):
    case = models.ForeignKey(
        TainoCase, verbose_name="事案", on_delete=models.PROTECT, related_name="keika"
    )
    kind = models.CharField("種類", max_length=10, choices=KeikaKind.choices)
    on = models.DateField("日付")
    memo = models.TextField("内容", blank=True)
    #: the row of the act (Saikoku, Bunno, Shobun, Teishi, Kesson …) when there is one
    ref_id = models.PositiveBigIntegerField("対象の記録ID", null=True, blank=True)
    created_by = models.CharField("記録者", max_length=150)
    created_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "滞納整理の経過"
        verbose_name_plural = "滞納整理の経過"
        indexes = [models.Index(fields=["case", "on"], name="zeimu_taino_keika_case")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"


class Saikoku(models.Model):
    case = models.ForeignKey(
        TainoCase, verbose_name="事案", on_delete=models.PROTECT, related_name="saikoku"
    )
    hakko_date = models.DateField("発付日")
    #: the 期別 in arrears on the 発付日 that the letter names
    kibetsu_ids = models.JSONField("期別", default=list)
    zan = models.BigIntegerField("未納額（本税）")
    entaikin = models.BigIntegerField("延滞金（発付日現在）")
    job = models.ForeignKey(
        "jobs.Job",
        verbose_name="処理",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "催告"
        verbose_name_plural = "催告"
        constraints = [
            models.UniqueConstraint(fields=["case", "hakko_date"], name="zeimu_saikoku_one_a_day")
        ]

    def __str__(self) -> str:
        return f"催告 {self.hakko_date}"


class Bunno(models.Model):
    case = models.ForeignKey(
        TainoCase, verbose_name="事案", on_delete=models.PROTECT, related_name="bunno"
    )
    seiyaku_date = models.DateField("誓約日")
    kibetsu = models.ManyToManyField("zeimu.Kibetsu", verbose_name="対象の期別", related_name="+")
    #: ended (完納, 取消 after a breach …): no longer watched for breaches
    end_date = models.DateField("終了日", null=True, blank=True)
    memo = models.TextField("備考", blank=True)
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "分納誓約"
        verbose_name_plural = "分納誓約"

    def __str__(self) -> str:
        return f"分納誓約 {self.seiyaku_date}"


class BunnoKai(models.Model):
    bunno = models.ForeignKey(
        Bunno, verbose_name="分納誓約", on_delete=models.PROTECT, related_name="kai"
    )
    kai = models.PositiveSmallIntegerField("回")
    kijitsu = models.DateField("納付期日")
    amount = models.BigIntegerField("金額")

    class Meta:
        verbose_name = "分納の回"
        verbose_name_plural = "分納の回"
        ordering = ["bunno", "kai"]
        constraints = [
            models.UniqueConstraint(fields=["bunno", "kai"], name="zeimu_bunno_kai_unique")
        ]

    def __str__(self) -> str:
        return f"第{self.kai}回 {self.amount:,}円"


class ShobunKind(models.TextChoices):
    SASHIOSAE = "sashiosae", "差押"
    KOFU_YOKYU = "kofu", "交付要求"


class ZaisanKind(models.TextChoices):
    YOCHOKIN = "yochokin", "預貯金"
    KYUYO = "kyuyo", "給与"
    FUDOSAN = "fudosan", "不動産"
    SAIKEN = "saiken", "債権（売掛金・保険等）"
    DOSAN = "dosan", "動産"
    JIDOSHA = "jidosha", "自動車"
    SONOTA = "sonota", "その他"


class Shobun(models.Model):
    """A 差押 (滞納処分, 地方税法第331条ほか・国税徴収法の例) or a 交付要求 (国税徴収法第82条
    の例: the town claims in another's 強制換価手続)."""

    case = models.ForeignKey(
        TainoCase, verbose_name="事案", on_delete=models.PROTECT, related_name="shobun"
    )
    kind = models.CharField("処分の種類", max_length=10, choices=ShobunKind.choices)
    zaisan = models.CharField("財産の種類", max_length=10, choices=ZaisanKind.choices)
    shobun_date = models.DateField("処分日")
    amount = models.BigIntegerField("差押・交付要求の額")
    kibetsu = models.ManyToManyField("zeimu.Kibetsu", verbose_name="対象の期別", related_name="+")
    kaijo_date = models.DateField("解除日", null=True, blank=True)
    memo = models.TextField("財産の表示・備考", blank=True)
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "差押・交付要求"
        verbose_name_plural = "差押・交付要求"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.shobun_date}"


class Haito(models.Model):
    """Money received from a 差押's 換価 (or a 交付要求's 配当), applied to the 期別 of the
    処分, oldest 納期限 first, as ledger entries of kind 滞納処分."""

    shobun = models.ForeignKey(
        Shobun, verbose_name="差押・交付要求", on_delete=models.PROTECT, related_name="haito"
    )
    on = models.DateField("受入日")
    amount = models.BigIntegerField("配当額")
    #: the ledger entries written (``Shuno`` ids)
    shuno_ids = models.JSONField("収納の記録", default=list)
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "換価・配当"
        verbose_name_plural = "換価・配当"

    def __str__(self) -> str:
        return f"配当 {self.amount:,}円"


class TeishiReason(models.TextChoices):
    MUZAISAN = "muzaisan", "滞納処分をすることができる財産がない（第15条の7第1項第1号）"
    KONKYU = "konkyu", "生活を著しく窮迫させるおそれがある（同項第2号）"
    FUMEI = "fumei", "所在及び財産がともに不明（同項第3号）"


class Teishi(models.Model):
    case = models.ForeignKey(
        TainoCase, verbose_name="事案", on_delete=models.PROTECT, related_name="teishi"
    )
    reason = models.CharField("停止の理由", max_length=10, choices=TeishiReason.choices)
    teishi_date = models.DateField("停止日")
    kibetsu = models.ManyToManyField("zeimu.Kibetsu", verbose_name="対象の期別", related_name="+")
    #: 第15条の8: 停止の取消 (資力の回復): the 3 years no longer run
    torikeshi_date = models.DateField("取消日", null=True, blank=True)
    #: 第15条の7第5項: the duty ended at once (only with 第1号)
    sokuji_date = models.DateField("即時消滅日", null=True, blank=True)
    memo = models.TextField("備考", blank=True)
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "執行停止"
        verbose_name_plural = "執行停止"

    def __str__(self) -> str:
        return f"執行停止 {self.teishi_date}"


class KessonReason(models.TextChoices):
    JIKO = "jiko", "時効の完成（地方税法第18条）"
    TEISHI = "teishi", "執行停止の3年継続（第15条の7第4項）"
    SOKUJI = "sokuji", "即時消滅（第15条の7第5項）"


class Kesson(models.Model):
    kibetsu = models.OneToOneField(
        "zeimu.Kibetsu", verbose_name="期別", on_delete=models.PROTECT, related_name="kesson"
    )
    reason = models.CharField("欠損の理由", max_length=8, choices=KessonReason.choices)
    shometsu_date = models.DateField("納税義務の消滅日")
    kesson_date = models.DateField("欠損処理日")
    amount = models.BigIntegerField("欠損額")
    shuno = models.OneToOneField(
        "zeimu.Shuno", verbose_name="収納の記録", on_delete=models.PROTECT, related_name="+"
    )
    job = models.ForeignKey(
        "jobs.Job",
        verbose_name="処理",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "不納欠損"
        verbose_name_plural = "不納欠損"

    def __str__(self) -> str:
        return f"不納欠損 {self.amount:,}円"


class KessonTorikeshi(models.Model):
    """The 欠損 less ``amount`` (> 0; < 0 when a voided payment puts back what an earlier
    取消 took back). The 欠損 still in force is ``Kesson.amount`` less the sum of these."""

    kesson = models.ForeignKey(
        Kesson, verbose_name="不納欠損", on_delete=models.PROTECT, related_name="torikeshi"
    )
    amount = models.BigIntegerField("取消額")
    #: the payment entries (``Shuno`` ids) that led to it
    shuno_ids = models.JSONField("収納の記録（納付）", default=list)
    ledger = models.OneToOneField(
        "zeimu.Shuno", verbose_name="収納の記録", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "不納欠損の一部取消"
        verbose_name_plural = "不納欠損の一部取消"

    def __str__(self) -> str:
        return f"不納欠損の一部取消 {self.amount:,}円"
