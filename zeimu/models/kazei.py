"""課税資料: the tax base data of one person for one income year (所得年).

Amounts are whole yen as printed on the forms (収入, not 所得): the calculation
(zeimu.rules) derives 所得 and 控除 from them. A person is referenced only through the
person index (juminkiroku.Atena). Each row remembers the import it came from.
"""

from __future__ import annotations

from django.db import models

from zeimu.rules.bunri import TOKUREI_LABELS

#: the kinds of 譲渡所得の特別控除 a 申告 may claim ("" = none)
TOKUREI_CHOICES = [(t.value, label) for t, label in TOKUREI_LABELS.items()]

#: the constraint that refuses one file imported twice (services.kazei_import names it)
SAME_FILE_CONSTRAINT = "zeimu_shiryoimport_same_file"


class ShiryoImportStatus(models.TextChoices):
    QUEUED = "queued", "受付済（取込待ち）"
    RUNNING = "running", "取込中"
    DONE = "done", "取込済"
    REJECTED = "rejected", "誤りあり（登録なし）"


class ShiryoImport(models.Model):
    """One import file: all its rows or none of them (services.kazei_import).

    An upload is stored and imported by a job (``zeimu_kazei_import``): the row exists from
    the upload on, with the job's progress; a file with errors ends 誤りあり with its errors
    (file, line, field, message) and nothing of it registered, and the same file may then
    be uploaded again (after the registry was corrected, say)."""

    kind = models.CharField("資料の種類", max_length=20)
    file_name = models.CharField("ファイル名", max_length=200)
    sha256 = models.CharField("ファイルのハッシュ", max_length=64)
    status = models.CharField(
        "状態", max_length=10, choices=ShiryoImportStatus.choices, default=ShiryoImportStatus.DONE
    )
    #: the job that imports an uploaded file (none for the command line's direct import)
    job = models.ForeignKey(
        "jobs.Job", verbose_name="処理", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    rows = models.PositiveIntegerField("件数", default=0)
    #: rows that replaced a stored 申告 of the same person and year (``shinkoku`` only)
    replaced = models.PositiveIntegerField("置き換えた件数", default=0)
    #: a rejected file's errors: [{"file", "line", "field", "message"}] (never a name)
    errors = models.JSONField("誤り", default=list, blank=True)
    errors_truncated = models.BooleanField("誤りの一部を省略", default=False)
    imported_by = models.CharField("取込者", max_length=150)
    imported_at = models.DateTimeField("取込日時", auto_now_add=True)

    class Meta:
        verbose_name = "課税資料の取込"
        verbose_name_plural = "課税資料の取込"
        ordering = ["-imported_at", "-id"]
        constraints = [
            # two identical uploads at the same moment: one import, the other refused
            # (the schema is the town's, so this is per town); a file refused for its
            # errors does not count
            models.UniqueConstraint(
                fields=["kind", "sha256"],
                condition=~models.Q(status="rejected"),
                name=SAME_FILE_CONSTRAINT,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"


class KyuyoHokoku(models.Model):
    """給与支払報告書（個人別明細書）: one per employer and employee and year."""

    atena = models.ForeignKey(
        "juminkiroku.Atena", verbose_name="宛名", on_delete=models.PROTECT, related_name="+"
    )
    shotoku_year = models.PositiveSmallIntegerField("所得年")
    employer_no = models.CharField("特別徴収義務者指定番号", max_length=20)
    employer_name = models.CharField("特別徴収義務者（支払者）", max_length=100)
    shiharai_kingaku = models.PositiveBigIntegerField("支払金額（給与収入）")
    shakai_hoken = models.PositiveBigIntegerField("社会保険料等の金額", default=0)
    seimei_hoken_kojo = models.PositiveBigIntegerField("生命保険料の控除額（所得税）", default=0)
    jishin_hoken_kojo = models.PositiveBigIntegerField("地震保険料の控除額（所得税）", default=0)
    # 「生命保険料の金額の内訳」 (premiums paid, printed since 平成24年分): the 住民税
    # deduction is computed from these, not from the 所得税 控除額 above.
    seimei_ippan_shin = models.PositiveBigIntegerField("新生命保険料の金額", default=0)
    seimei_ippan_kyu = models.PositiveBigIntegerField("旧生命保険料の金額", default=0)
    seimei_kaigo_iryo = models.PositiveBigIntegerField("介護医療保険料の金額", default=0)
    seimei_nenkin_shin = models.PositiveBigIntegerField("新個人年金保険料の金額", default=0)
    seimei_nenkin_kyu = models.PositiveBigIntegerField("旧個人年金保険料の金額", default=0)
    tokubetsu_choshu = models.BooleanField("特別徴収", default=True)
    shiryo = models.ForeignKey(
        ShiryoImport, verbose_name="取込", on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "給与支払報告書"
        verbose_name_plural = "給与支払報告書"
        constraints = [
            models.UniqueConstraint(
                fields=["atena", "shotoku_year", "employer_no"], name="kyuyo_one_per_employer"
            )
        ]
        indexes = [models.Index(fields=["shotoku_year", "atena"], name="kyuyo_year_idx")]

    def __str__(self) -> str:
        return f"{self.shotoku_year} {self.employer_no}"


class NenkinHokoku(models.Model):
    """公的年金等支払報告書: one per payer and recipient and year."""

    atena = models.ForeignKey(
        "juminkiroku.Atena", verbose_name="宛名", on_delete=models.PROTECT, related_name="+"
    )
    shotoku_year = models.PositiveSmallIntegerField("所得年")
    payer_no = models.CharField("支払者番号", max_length=20)
    payer_name = models.CharField("支払者", max_length=100)
    shiharai_kingaku = models.PositiveBigIntegerField("支払金額（公的年金等の収入）")
    shakai_hoken = models.PositiveBigIntegerField("社会保険料等の金額", default=0)
    tokubetsu_choshu = models.BooleanField("年金特別徴収の対象", default=False)
    shiryo = models.ForeignKey(
        ShiryoImport, verbose_name="取込", on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "公的年金等支払報告書"
        verbose_name_plural = "公的年金等支払報告書"
        constraints = [
            models.UniqueConstraint(
                fields=["atena", "shotoku_year", "payer_no"], name="nenkin_one_per_payer"
            )
        ]
        indexes = [models.Index(fields=["shotoku_year", "atena"], name="nenkin_year_idx")]

    def __str__(self) -> str:
        return f"{self.shotoku_year} {self.payer_no}"


class ShinkokuKind(models.TextChoices):
    JUMINZEI = "juminzei", "住民税申告"
    KAKUTEI = "kakutei", "確定申告"


class Shinkoku(models.Model):
    """住民税申告書 / 確定申告書 (第二表の住民税に関する事項を含む): one per person and year.

    Income other than 給与・公的年金等 is entered as 収入 and 必要経費 per kind; 給与・年金
    written on the 申告書 (``kyuyo_shunyu``/``nenkin_shunyu``) replace the totals of the
    支払報告書 for that person (名寄せ: the 申告 is the later, complete statement).
    配偶者 and 親族 are JSON lists of the figures the form asks for (see
    zeimu.services.kazei_inputs for their shape and validation)."""

    atena = models.ForeignKey(
        "juminkiroku.Atena", verbose_name="宛名", on_delete=models.PROTECT, related_name="+"
    )
    shotoku_year = models.PositiveSmallIntegerField("所得年")
    kind = models.CharField("申告の種類", max_length=10, choices=ShinkokuKind.choices)
    kyuyo_shunyu = models.PositiveBigIntegerField("給与収入（申告書記載）", default=0)
    nenkin_shunyu = models.PositiveBigIntegerField("公的年金等収入（申告書記載）", default=0)
    jigyo_shunyu = models.PositiveBigIntegerField("営業等・農業収入", default=0)
    jigyo_keihi = models.PositiveBigIntegerField("営業等・農業の必要経費", default=0)
    fudosan_shunyu = models.PositiveBigIntegerField("不動産収入", default=0)
    fudosan_keihi = models.PositiveBigIntegerField("不動産の必要経費", default=0)
    zatsu_shunyu = models.PositiveBigIntegerField("雑収入（公的年金等以外）", default=0)
    zatsu_keihi = models.PositiveBigIntegerField("雑の必要経費", default=0)
    shakai_hokenryo = models.PositiveBigIntegerField("社会保険料（本人が支払った分）", default=0)
    shokibo_kyosai = models.PositiveBigIntegerField("小規模企業共済等掛金", default=0)
    seimei_ippan_shin = models.PositiveBigIntegerField("一般の生命保険料（新）", default=0)
    seimei_ippan_kyu = models.PositiveBigIntegerField("一般の生命保険料（旧）", default=0)
    seimei_kaigo_iryo = models.PositiveBigIntegerField("介護医療保険料", default=0)
    seimei_nenkin_shin = models.PositiveBigIntegerField("個人年金保険料（新）", default=0)
    seimei_nenkin_kyu = models.PositiveBigIntegerField("個人年金保険料（旧）", default=0)
    jishin_hokenryo = models.PositiveBigIntegerField("地震保険料", default=0)
    kyu_choki_songai_hokenryo = models.PositiveBigIntegerField("旧長期損害保険料", default=0)
    iryohi_kojo = models.PositiveBigIntegerField("医療費控除額", default=0)
    # 分離課税の土地・建物等の譲渡所得（申告書第三表）: 一般の長期・短期それぞれの収入金額、
    # 取得費・譲渡費用、特別控除の種類（zeimu.rules.bunri.Tokurei）と申告の特別控除額
    choki_joto_shunyu = models.PositiveBigIntegerField("長期譲渡（一般）の収入金額", default=0)
    choki_joto_keihi = models.PositiveBigIntegerField(
        "長期譲渡（一般）の取得費・譲渡費用", default=0
    )
    choki_tokurei = models.CharField(
        "長期譲渡の特別控除の種類", max_length=30, blank=True, choices=TOKUREI_CHOICES
    )
    choki_tokubetsu_kojo = models.PositiveBigIntegerField("長期譲渡の特別控除額（申告）", default=0)
    tanki_joto_shunyu = models.PositiveBigIntegerField("短期譲渡（一般）の収入金額", default=0)
    tanki_joto_keihi = models.PositiveBigIntegerField(
        "短期譲渡（一般）の取得費・譲渡費用", default=0
    )
    tanki_tokurei = models.CharField(
        "短期譲渡の特別控除の種類", max_length=30, blank=True, choices=TOKUREI_CHOICES
    )
    tanki_tokubetsu_kojo = models.PositiveBigIntegerField("短期譲渡の特別控除額（申告）", default=0)
    haigusha = models.JSONField("配偶者", null=True, blank=True)
    shinzoku = models.JSONField("扶養親族等", default=list, blank=True)
    shogai = models.CharField("障害者の区分", max_length=12, default="なし")
    kafu_hitorioya = models.CharField("寡婦・ひとり親", max_length=12, default="なし")
    kinro_gakusei = models.BooleanField("勤労学生", default=False)
    seikatsu_fujo = models.BooleanField("生活扶助を受けている", default=False)
    futsu_choshu_kibo = models.BooleanField(
        "給与・年金以外の所得に係る税額を普通徴収とする", default=False
    )
    shiryo = models.ForeignKey(
        ShiryoImport, verbose_name="取込", on_delete=models.PROTECT, null=True, related_name="+"
    )
    entered_by = models.CharField("入力者", max_length=150, blank=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "住民税申告・確定申告"
        verbose_name_plural = "住民税申告・確定申告"
        constraints = [
            models.UniqueConstraint(fields=["atena", "shotoku_year"], name="shinkoku_one_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.shotoku_year} {self.get_kind_display()}"

    @property
    def sonota_shotoku(self) -> int:
        """事業・不動産・雑（公的年金等以外）の所得金額の合計 (a loss may offset)."""
        return (
            int(self.jigyo_shunyu) - int(self.jigyo_keihi)
            + int(self.fudosan_shunyu) - int(self.fudosan_keihi)
            + max(int(self.zatsu_shunyu) - int(self.zatsu_keihi), 0)
        )  # fmt: skip

    @property
    def choki_joto_shotoku(self) -> int:
        """長期譲渡所得（一般）の金額, 特別控除前 (a loss counts as 0: 租税特別措置法第31条)."""
        return max(int(self.choki_joto_shunyu) - int(self.choki_joto_keihi), 0)

    @property
    def tanki_joto_shotoku(self) -> int:
        """短期譲渡所得（一般）の金額, 特別控除前 (a loss counts as 0: 租税特別措置法第32条)."""
        return max(int(self.tanki_joto_shunyu) - int(self.tanki_joto_keihi), 0)
