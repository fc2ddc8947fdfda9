"""後期高齢者医療, the town's part (高齢者の医療の確保に関する法律; issue 15 item 5).

The 広域連合 (the prefecture's union of towns) is the insurer: it decides the 資格 and sets
the 保険料. The town takes the 届出 and 申請 at its counter, tells the 広域連合 of every
change of its insured (資格 and the registry's items), and collects the 保険料 the
広域連合 assessed (同法第107条). So this app keeps:

- ``KokiShikaku``: one period of 後期高齢者医療 per person, as the town knows it — from the
  75th birthday (the daily job, beside 国保's ``kokuho.services.koki``) or from a
  障害認定 (65–74, 同法第50条第2号), to the day after death or leaving the town.
- ``KokiIdo``: the outbox of changes owed to the 広域連合, one row per change, written in
  the transaction that made the change, keyed so that a change is written once
  (``source_key``), and sent in exactly one ``KokiIdoFile`` (連番 per town).
- ``KokiHokenryo`` + ``KokiKibetsu``: the 保険料 the 広域連合 assessed, as imported from
  its file (``KokiHokenryoImport``): per person and 年度 the 年額 and the 期別 調定 rows
  (期, 徴収方法, 納期限, 金額), posted to the 収納 ledger (``kokuho.services.koki_chotei``;
  ``nofu_bango`` is the ledger's number of the 期別 once posted).
- ``KokiTokuchoFile``: a pension insurer's notice for the 後期 premium as imported
  (``kokuho.services.koki_tokucho_kekka``).
"""

from __future__ import annotations

from django.db import models


class KokiShutokuJiyu(models.TextChoices):
    NENREI = "nenrei", "75歳到達"
    SHOGAI = "shogai", "障害認定（65歳以上75歳未満）"
    TENNYU = "tennyu", "転入（75歳以上・障害認定済み）"


class KokiSoshitsuJiyu(models.TextChoices):
    SHIBO = "shibo", "死亡"
    TENSHUTSU = "tenshutsu", "転出"
    TORIKESHI = "torikeshi", "取消（住民記録の異動の取消）"


class KokiShikaku(models.Model):
    atena_id = models.BigIntegerField("宛名ID")
    hihokensha_bango = models.CharField("被保険者番号", max_length=8, blank=True, default="")
    shutoku_date = models.DateField("資格取得日")
    shutoku_jiyu = models.CharField("取得事由", max_length=16, choices=KokiShutokuJiyu.choices)
    #: the registry's 異動 that opened it (a 転入), so that its 取消 finds it
    shutoku_ido_id = models.BigIntegerField("取得の異動ID", null=True, blank=True)
    nintei_date = models.DateField("障害認定日", null=True, blank=True)
    todoke_date = models.DateField("届出日・申請日", null=True, blank=True)
    soshitsu_date = models.DateField("資格喪失日", null=True, blank=True)
    soshitsu_jiyu = models.CharField(
        "喪失事由", max_length=16, choices=KokiSoshitsuJiyu.choices, blank=True
    )
    #: the registry's 異動 that ended it (an event); a redelivery finds it
    soshitsu_ido_id = models.BigIntegerField("喪失の異動ID", null=True, blank=True)
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "後期高齢者医療の資格"
        verbose_name_plural = "後期高齢者医療の資格"
        constraints = [
            models.UniqueConstraint(
                fields=["atena_id"],
                condition=models.Q(soshitsu_date__isnull=True),
                name="kokuho_koki_one_open",
            )
        ]
        indexes = [models.Index(fields=["atena_id", "shutoku_date"], name="kokuho_koki_atena_idx")]

    def __str__(self) -> str:
        return f"後期高齢者医療の資格 {self.pk}（宛名ID {self.atena_id}）"

    @property
    def is_open(self) -> bool:
        return self.soshitsu_date is None


class KokiIdoKind(models.TextChoices):
    SHUTOKU = "shutoku", "資格取得"
    SOSHITSU = "soshitsu", "資格喪失"
    JUSHO = "jusho", "住所の変更"
    SHIMEI = "shimei", "氏名の変更"
    SEINENGAPPI = "seinengappi", "生年月日の変更"
    SEIBETSU = "seibetsu", "性別の変更"
    SETAI = "setai", "世帯の変更"
    TORIKESHI = "torikeshi", "住民記録の異動の取消"


class KokiIdoFile(models.Model):
    """One 異動 file sent to the 広域連合: 連番 per town (its own schema), never reused."""

    seq = models.PositiveIntegerField("連番", unique=True)
    rows = models.PositiveIntegerField("件数")
    path = models.CharField("保存先", max_length=300)
    encoding = models.CharField("文字コード", max_length=16)
    sha256 = models.CharField("SHA-256", max_length=64)
    created_by = models.CharField("作成者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "後期高齢者医療の異動ファイル"
        verbose_name_plural = "後期高齢者医療の異動ファイル"

    def __str__(self) -> str:
        return f"異動ファイル 第{self.seq}号"


class KokiIdo(models.Model):
    atena_id = models.BigIntegerField("宛名ID")
    kind = models.CharField("異動の種類", max_length=16, choices=KokiIdoKind.choices)
    effective_date = models.DateField("異動日")
    jiyu = models.CharField("事由", max_length=40, blank=True)
    #: what caused it, unique: "event:<event id>:<宛名 id>", "shikaku:<id>:shutoku", …
    source_key = models.CharField("発生元", max_length=80, unique=True)
    ido_id = models.BigIntegerField("住民記録の異動ID", null=True, blank=True)
    file = models.ForeignKey(
        KokiIdoFile,
        verbose_name="送付したファイル",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="idos",
    )
    created_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "後期高齢者医療の異動（広域連合へ送るもの）"
        verbose_name_plural = "後期高齢者医療の異動（広域連合へ送るもの）"
        indexes = [
            models.Index(
                fields=["id"], condition=models.Q(file__isnull=True), name="kokuho_koki_ido_unsent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_date.isoformat()}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "受付済"
    DONE = "done", "取込済"
    REJECTED = "rejected", "誤りあり"


class KokiHokenryoImport(models.Model):
    file_name = models.CharField("ファイル名", max_length=200)
    sha256 = models.CharField("SHA-256", max_length=64)
    status = models.CharField("状態", max_length=10, choices=ImportStatus.choices)
    rows = models.PositiveIntegerField("取り込んだ行数", default=0)
    persons = models.PositiveIntegerField("取り込んだ人数", default=0)
    replaced = models.PositiveIntegerField("置き換えた人数", default=0)
    errors = models.JSONField("誤り", default=list, blank=True)
    errors_truncated = models.BooleanField("誤りの一覧を打ち切った", default=False)
    job_id = models.BigIntegerField("ジョブID", null=True, blank=True)
    imported_by = models.CharField("取り込んだ人", max_length=150)
    created_at = models.DateTimeField("受付日時", auto_now_add=True)

    class Meta:
        verbose_name = "後期高齢者医療の保険料データの取込"
        verbose_name_plural = "後期高齢者医療の保険料データの取込"
        constraints = [
            # the same file is imported once; a refused file may be sent again
            models.UniqueConstraint(
                fields=["sha256"],
                condition=~models.Q(status="rejected"),
                name="kokuho_koki_import_once",
            )
        ]

    def __str__(self) -> str:
        return f"保険料データの取込 {self.pk}"


class ChoshuHoho(models.TextChoices):
    TOKUBETSU = "tokubetsu", "特別徴収"
    FUTSU = "futsu", "普通徴収"


class KokiHokenryo(models.Model):
    """The 保険料 of one person and 年度 as the 広域連合 assessed it. A later file for the
    same person and 年度 (a 更正) makes a new row and ends this one (``is_current``)."""

    atena_id = models.BigIntegerField("宛名ID")
    hihokensha_bango = models.CharField("被保険者番号", max_length=8)
    nendo = models.PositiveSmallIntegerField("年度")
    nengaku = models.PositiveIntegerField("年額")
    choshu = models.CharField("徴収方法", max_length=20)  # 特別徴収 / 普通徴収 / 併用 (words)
    source = models.ForeignKey(
        KokiHokenryoImport, verbose_name="取込", on_delete=models.PROTECT, related_name="rows_set"
    )
    is_current = models.BooleanField("現在の値", default=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "後期高齢者医療の保険料"
        verbose_name_plural = "後期高齢者医療の保険料"
        constraints = [
            models.UniqueConstraint(
                fields=["atena_id", "nendo"],
                condition=models.Q(is_current=True),
                name="kokuho_koki_hokenryo_current",
            )
        ]

    def __str__(self) -> str:
        return f"後期高齢者医療の保険料 {self.pk}"


class KokiKibetsu(models.Model):
    """One 期別 調定: what a ledger of collection takes (年度, 期, 徴収方法, 納期限, 金額)."""

    hokenryo = models.ForeignKey(
        KokiHokenryo, verbose_name="保険料", on_delete=models.PROTECT, related_name="kibetsu"
    )
    ki = models.PositiveSmallIntegerField("期")
    choshu_hoho = models.CharField("徴収方法", max_length=10, choices=ChoshuHoho.choices)
    nokigen = models.DateField("納期限")
    chotei_gaku = models.PositiveIntegerField("調定額")
    #: the 収納 ledger's 納付番号 of this 期別 once posted (普通徴収: on import; 特別徴収:
    #: when the pension insurer's 特別徴収結果 reports the month withheld); empty before
    nofu_bango = models.CharField("納付番号", max_length=20, blank=True, default="")

    class Meta:
        verbose_name = "後期高齢者医療の保険料（期別）"
        verbose_name_plural = "後期高齢者医療の保険料（期別）"
        constraints = [
            models.UniqueConstraint(
                fields=["hokenryo", "choshu_hoho", "ki"], name="kokuho_koki_kibetsu_once"
            )
        ]

    def __str__(self) -> str:
        return f"第{self.ki}期 {self.chotei_gaku}円"


class KokiTokuchoFileKind(models.TextChoices):
    IRAI_KEKKA = "irai_kekka", "特別徴収依頼処理結果の通知"
    CHOSHU_KEKKA = "choshu_kekka", "特別徴収結果の通知"
    IDO = "ido", "各種異動の通知"


class KokiTokuchoFile(models.Model):
    """A pension insurer's notice file for the 後期高齢者医療保険料 as imported (kokuho.
    services.koki_tokucho_kekka): its hash refuses a second import of the same file; the
    lines that could not be used are kept by line, field and reason (no personal data)."""

    kind = models.CharField("通知の種類", max_length=16, choices=KokiTokuchoFileKind.choices)
    fiscal_year = models.PositiveSmallIntegerField("年度")
    name = models.CharField("ファイル名", max_length=200)
    sha256 = models.CharField("SHA-256", max_length=64)
    lines = models.PositiveIntegerField("データ行数", default=0)
    applied = models.PositiveIntegerField("反映した行数", default=0)
    errors = models.JSONField("反映しなかった行", default=list)
    #: 特別徴収結果: the 収納 ledger's file (zeimu ShunoFile id)
    shuno_file_id = models.BigIntegerField("収納ファイルID", null=True, blank=True)
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("取込日時", auto_now_add=True)

    class Meta:
        verbose_name = "後期高齢者医療保険料の特別徴収の通知ファイル"
        verbose_name_plural = "後期高齢者医療保険料の特別徴収の通知ファイル"
        constraints = [
            models.UniqueConstraint(fields=["kind", "sha256"], name="kokuho_koki_tokucho_file_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"
