"""要介護認定: the 申請 (新規, 更新, 区分変更) and its steps — 認定調査, 主治医意見書,
介護認定審査会, 認定 — each a state with its history, and the resulting 認定 with its
要介護状態区分 and 有効期間.

- ``NinteiShinsei`` is one application of one person (宛名 id). At most one is open per
  person (partial unique index). It moves 受付 → (認定調査 and 主治医意見書, either order)
  → 審査会待ち → 審査判定済 → 認定済, or ends as 取下げ / 却下. Never deleted.
- ``Nintei`` is the decision (認定・非該当), with its 有効期間; a 認定 ended early (区分変更,
  資格喪失) keeps its dates and records when and why it stopped (``shuryo_date``).
- ``NinteiRireki`` is append-only: every step with who and when.
- ``KoshinYokoku`` remembers when the daily job first found a 認定 near its end without
  a 更新申請 (kaigo.services.nintei_yokoku).

The code values of 要介護状態区分 and 申請区分 are the ones vendors' 介護 systems exchange
(see ``kaigo.rules.nintei`` for the sources and what is not confirmed).
"""

from __future__ import annotations

from django.db import models


class ShinseiKubun(models.TextChoices):
    """申請区分（申請時）. Codes as in vendors' 介護 enumerations (1 新規, 2 更新, 3 区分変更)."""

    SHINKI = "1", "新規申請"
    KOSHIN = "2", "更新申請"
    KUBUN_HENKO = "3", "区分変更申請"


class YokaigoKubun(models.TextChoices):
    """要介護状態区分 (介護保険法第7条, 要介護認定等基準時間の分類に関する省令). The codes
    are those of the 要介護状態区分コード exchanged with the 国保連 (01, 12, 13, 21–25)."""

    HIGAITO = "01", "非該当"
    YOSHIEN1 = "12", "要支援1"
    YOSHIEN2 = "13", "要支援2"
    YOKAIGO1 = "21", "要介護1"
    YOKAIGO2 = "22", "要介護2"
    YOKAIGO3 = "23", "要介護3"
    YOKAIGO4 = "24", "要介護4"
    YOKAIGO5 = "25", "要介護5"


class TokuteiShippei(models.TextChoices):
    """The 16 特定疾病 of a 第2号被保険者 (介護保険法第7条第3項第2号, 介護保険法施行令第2条
    第1号〜第16号, in the order of the 号). The codes are the 号 numbers (ours)."""

    GAN = (
        "01",
        "がん（医師が一般に認められている医学的知見に基づき"
        "回復の見込みがない状態に至ったと判断したもの）",
    )
    RA = "02", "関節リウマチ"
    ALS = "03", "筋萎縮性側索硬化症"
    KOJUJIN = "04", "後縦靱帯骨化症"
    KOTSUSOSHO = "05", "骨折を伴う骨粗鬆症"
    NINCHISHO = "06", "初老期における認知症"
    PARKINSON = "07", "進行性核上性麻痺、大脳皮質基底核変性症及びパーキンソン病"
    SHONOU = "08", "脊髄小脳変性症"
    KYOSAKU = "09", "脊柱管狭窄症"
    SORO = "10", "早老症"
    TAKEITO = "11", "多系統萎縮症"
    TONYO = "12", "糖尿病性神経障害、糖尿病性腎症及び糖尿病性網膜症"
    NOKEKKAN = "13", "脳血管疾患"
    HEISOKU = "14", "閉塞性動脈硬化症"
    COPD = "15", "慢性閉塞性肺疾患"
    HENKEI = "16", "両側の膝関節又は股関節に著しい変形を伴う変形性関節症"


class Daiko(models.TextChoices):
    """Who made the 申請 for the person (介護保険法第27条第1項後段: 指定居宅介護支援事業者,
    地域包括支援センター, 介護保険施設 may make it on their behalf; family and 成年後見人
    as the person's agents)."""

    HONNIN = "honnin", "本人"
    KAZOKU = "kazoku", "家族"
    HOKATSU = "hokatsu", "地域包括支援センター"
    KYOTAKU = "kyotaku", "指定居宅介護支援事業者"
    SHISETSU = "shisetsu", "介護保険施設"
    KOKENNIN = "kokennin", "成年後見人"
    SONOTA = "sonota", "その他"


class ShinseiStatus(models.TextChoices):
    UKETSUKE = "uketsuke", "受付（調査・意見書待ち）"
    SHINSA_MACHI = "shinsa_machi", "審査会待ち"
    HANTEI = "hantei", "審査判定済（決定待ち）"
    KETTEI = "kettei", "認定済"
    TORISAGE = "torisage", "取下げ"
    KYAKKA = "kyakka", "却下"


OPEN_STATUSES = (ShinseiStatus.UKETSUKE, ShinseiStatus.SHINSA_MACHI, ShinseiStatus.HANTEI)


class RirekiStep(models.TextChoices):
    SHINSEI = "shinsei", "申請の受付"
    CHOSA = "chosa", "認定調査の結果"
    IKENSHO_IRAI = "ikensho_irai", "主治医意見書の依頼"
    IKENSHO_JURYO = "ikensho_juryo", "主治医意見書の受領"
    SHINSAKAI = "shinsakai", "介護認定審査会の判定"
    KETTEI = "kettei", "認定の決定"
    ENKI = "enki", "処理期間の延期の通知"
    TORISAGE = "torisage", "申請の取下げ"
    KYAKKA = "kyakka", "申請の却下"
    NINTEI_SHURYO = "nintei_shuryo", "認定の終了"


class NinteiShinsei(models.Model):
    atena_id = models.BigIntegerField("宛名ID")
    shinsei_kubun = models.CharField("申請区分", max_length=1, choices=ShinseiKubun.choices)
    shinsei_date = models.DateField("申請日")
    hihokensha_kubun = models.CharField(
        "被保険者区分", max_length=1, choices=[("1", "第1号被保険者"), ("2", "第2号被保険者")]
    )
    tokutei_shippei = models.CharField(
        "特定疾病（第2号）", max_length=2, choices=TokuteiShippei.choices, blank=True
    )
    daiko = models.CharField("申請者", max_length=10, choices=Daiko.choices)
    daikosha_name = models.CharField("申請代行者の名称", max_length=100, blank=True)
    #: the 認定 an 更新 or 区分変更 follows
    mae_nintei = models.ForeignKey(
        "kaigo.Nintei",
        verbose_name="前回の認定",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        "状態", max_length=14, choices=ShinseiStatus.choices, default=ShinseiStatus.UKETSUKE
    )
    # 認定調査 (法第27条第2項)
    chosa_date = models.DateField("調査日", null=True, blank=True)
    chosain = models.CharField("調査員", max_length=60, blank=True)
    chosa_kekka = models.TextField("基本調査の結果（入力）", blank=True)
    ichiji_hantei = models.CharField(
        "一次判定の結果（入力）", max_length=2, choices=YokaigoKubun.choices, blank=True
    )
    # 主治医意見書 (法第27条第3項)
    ikensho_irai_date = models.DateField("意見書の依頼日", null=True, blank=True)
    ikensho_juryo_date = models.DateField("意見書の受領日", null=True, blank=True)
    ishi_name = models.CharField("主治医", max_length=60, blank=True)
    iryo_kikan = models.CharField("医療機関", max_length=100, blank=True)
    # 介護認定審査会 (法第27条第4項・第5項)
    gogitai = models.CharField("合議体", max_length=40, blank=True)
    shinsakai_date = models.DateField("審査会の開催日", null=True, blank=True)
    hantei = models.CharField(
        "審査会の判定", max_length=2, choices=YokaigoKubun.choices, blank=True
    )
    yuko_months = models.PositiveSmallIntegerField("有効期間（月数）", null=True, blank=True)
    shinsakai_iken = models.TextField("審査会の意見", blank=True)
    # 処理期間 (法第27条第11項)
    enki_tsuchi_date = models.DateField("延期通知日", null=True, blank=True)
    enki_riyu = models.CharField("延期の理由", max_length=200, blank=True)
    # 取下げ・却下
    shuryo_date = models.DateField("取下げ・却下の日", null=True, blank=True)
    shuryo_riyu = models.CharField("取下げ・却下の理由", max_length=200, blank=True)
    #: the registry 異動 that ended it (death, 転出), so a redelivered event does nothing
    shuryo_ido_id = models.BigIntegerField("終了の異動ID", null=True, blank=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "要介護認定の申請"
        verbose_name_plural = "要介護認定の申請"
        constraints = [
            models.UniqueConstraint(
                fields=["atena_id"],
                condition=models.Q(status__in=["uketsuke", "shinsa_machi", "hantei"]),
                name="kaigo_nintei_shinsei_one_open",
            )
        ]
        indexes = [
            models.Index(fields=["status", "shinsei_date"], name="kaigo_shinsei_status_idx"),
            models.Index(fields=["atena_id"], name="kaigo_shinsei_atena_idx"),
        ]

    def __str__(self) -> str:
        return f"要介護認定の申請 {self.pk}（宛名ID {self.atena_id}）"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Nintei(models.Model):
    atena_id = models.BigIntegerField("宛名ID")
    shinsei = models.OneToOneField(
        NinteiShinsei, verbose_name="申請", on_delete=models.PROTECT, related_name="nintei"
    )
    yokaigo_kubun = models.CharField("要介護状態区分", max_length=2, choices=YokaigoKubun.choices)
    kettei_date = models.DateField("決定日")
    #: 認定日 (the day it takes effect): 新規・区分変更 = 申請日, 更新 = the day after the
    #: previous 有効期間 ends. Empty for 非該当.
    yuko_start = models.DateField("有効期間の開始日（認定日）", null=True, blank=True)
    yuko_end = models.DateField("有効期間の終了日", null=True, blank=True)
    shinsakai_iken = models.TextField("審査会の意見", blank=True)
    #: the first day it no longer applies when it stopped before ``yuko_end``
    shuryo_date = models.DateField("効力がなくなった日", null=True, blank=True)
    shuryo_jiyu = models.CharField("終了の事由", max_length=60, blank=True)
    shuryo_ido_id = models.BigIntegerField("終了の異動ID", null=True, blank=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "要介護認定"
        verbose_name_plural = "要介護認定"
        indexes = [
            models.Index(fields=["atena_id", "yuko_start"], name="kaigo_nintei_atena_idx"),
            models.Index(fields=["yuko_end"], name="kaigo_nintei_end_idx"),
        ]

    def __str__(self) -> str:
        return f"要介護認定 {self.pk}（宛名ID {self.atena_id}）"

    @property
    def is_gaito(self) -> bool:
        return self.yokaigo_kubun != YokaigoKubun.HIGAITO


class NinteiRireki(models.Model):
    """One step of one 申請, append-only, with who made it and when."""

    shinsei = models.ForeignKey(
        NinteiShinsei, verbose_name="申請", on_delete=models.PROTECT, related_name="rireki"
    )
    atena_id = models.BigIntegerField("宛名ID")
    step = models.CharField("手続", max_length=16, choices=RirekiStep.choices)
    status_after = models.CharField("手続後の状態", max_length=14, choices=ShinseiStatus.choices)
    effective_date = models.DateField("手続の日")
    note = models.CharField("内容", max_length=200, blank=True)
    actor = models.CharField("処理者", max_length=150)
    at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "要介護認定の手続の履歴"
        verbose_name_plural = "要介護認定の手続の履歴"
        indexes = [models.Index(fields=["shinsei", "at"], name="kaigo_nrireki_shinsei_idx")]

    def __str__(self) -> str:
        return f"{self.get_step_display()} {self.effective_date.isoformat()}"


class KoshinYokoku(models.Model):
    """A 認定 the daily job found ending within the town's N days with no 更新申請."""

    nintei = models.OneToOneField(
        Nintei, verbose_name="認定", on_delete=models.PROTECT, related_name="yokoku"
    )
    atena_id = models.BigIntegerField("宛名ID")
    yuko_end = models.DateField("有効期間の終了日")
    found_on = models.DateField("抽出日")

    class Meta:
        verbose_name = "更新申請の勧奨対象"
        verbose_name_plural = "更新申請の勧奨対象"

    def __str__(self) -> str:
        return f"更新申請の勧奨対象 {self.pk}（宛名ID {self.atena_id}）"
