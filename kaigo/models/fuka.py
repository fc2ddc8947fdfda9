"""第1号保険料の賦課: one row per 第1号被保険者 (宛名 id), 年度 and version.

- Every figure of ``kaigo.rules.hokenryo.hokenryo_calculate`` is kept in ``detail`` (the
  input — 本人・世帯の課税状況, 合計所得金額, 課税年金収入, the months — and the result:
  段階 with its reason, 基準額, 割合, 軽減前の年額, 公費軽減額, 年額, 月数, 保険料); what
  is searched or summed is a column.
- History: at most one current version per (年度, 宛名) (partial unique index). The 本算定
  is version 1, every 更正 the next with its reason and cause; an old version is never
  edited beyond being pointed at its successor.
- ``input_hash`` fingerprints the input: the 更正 sweep compares it with the input rebuilt
  from today's data and lists the persons whose input changed as ``KaigoKoseiKoho``.
- ``TokuchoTaisho``: a person the pension insurer reported as 特別徴収対象者 for a 年度
  (年金 ≥ 18万円), imported from the 特別徴収対象者の通知 file (``kaigo.services.
  fuka_tokucho``).
"""

from __future__ import annotations

from django.db import models

from tenants.fields import JSONTextField


class FukaSantei(models.TextChoices):
    HON = "hon", "本算定"
    KOSEI = "kosei", "更正"


class FukaKoseiCause(models.TextChoices):
    SHIKAKU = "shikaku", "資格の異動"
    SHOTOKU = "shotoku", "所得・課税状況の更正"
    SHIKAKU_SHOTOKU = "shikaku_shotoku", "資格の異動と所得の更正"
    SETAI = "setai", "世帯の課税状況の異動"
    SHINKI = "shinki", "新たに第1号被保険者になった"
    SHOMETSU = "shometsu", "年度内の資格がなくなった"
    SEIHO = "seiho", "生活保護の開始・廃止"
    ROREI = "rorei", "老齢福祉年金の受給"
    #: the pension insurer will not (依頼処理結果 不能) or no longer (各種異動) withhold
    TOKUCHO_CHUSHI = "tokucho_chushi", "特別徴収の中止（普通徴収へ）"


class FukaKoseiStatus(models.TextChoices):
    OPEN = "open", "未処理"
    APPLIED = "applied", "更正済み"
    DISMISSED = "dismissed", "更正しない"


class ChoshuHoho(models.TextChoices):
    FUTSU = "futsu", "普通徴収"
    TOKUCHO = "tokucho", "特別徴収"


class KaigoFuka(models.Model):
    fiscal_year = models.PositiveSmallIntegerField("年度")
    atena_id = models.BigIntegerField("宛名ID")
    hihokensha_no = models.CharField("被保険者番号", max_length=10, blank=True)
    version = models.PositiveSmallIntegerField("版")
    santei = models.CharField("算定区分", max_length=8, choices=FukaSantei.choices)
    is_current = models.BooleanField("現在の賦課", default=True)
    superseded_by = models.ForeignKey(
        "self", verbose_name="次の版", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    kijun_date = models.DateField("算定基準日")
    job_id = models.BigIntegerField("処理ID", null=True, blank=True)
    dankai = models.PositiveSmallIntegerField("所得段階")
    kijungaku = models.BigIntegerField("基準額")
    #: the 割合 as "a/b" (Fraction), after the 公費軽減
    ritsu = models.CharField("保険料率（軽減後）", max_length=20)
    gokei_shotoku = models.BigIntegerField("合計所得金額", default=0)
    kazei_nenkin_shunyu = models.BigIntegerField("課税年金収入額", default=0)
    honnin_jokyo = models.CharField("本人の課税状況", max_length=16, blank=True)
    setai_kazei = models.BooleanField("世帯に課税者あり", default=False)
    nengaku = models.BigIntegerField("年額保険料", default=0)
    keigengaku = models.BigIntegerField("公費軽減額", default=0)
    tsukisu = models.PositiveSmallIntegerField("賦課月数", default=12)
    hokenryo = models.BigIntegerField("保険料額", default=0)
    choshu_hoho = models.CharField("徴収方法", max_length=8, choices=ChoshuHoho.choices)
    kanou = models.BigIntegerField("過誤納額", default=0)
    #: [{"ki", "label", "kind", "month", "due", "amount", "before"?, "sagaku"?}]
    kibetsu = models.JSONField("期別保険料", default=list)
    # read whole (the 更正候補 sweep casts it to jsonb to read its input): JSON text, no
    # jsonb parse on every insert of the 本算定 (tenants.fields), lz4 (kaigo 0005)
    detail = JSONTextField("計算の内訳", default=dict)
    input_hash = models.CharField("入力の指紋", max_length=64)
    reason = models.CharField("更正の理由", max_length=200, blank=True)
    cause = models.CharField(
        "更正の原因", max_length=20, choices=FukaKoseiCause.choices, blank=True
    )
    created_by = models.CharField("処理者", max_length=150, blank=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "介護保険料の賦課"
        verbose_name_plural = "介護保険料の賦課"
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "atena_id"],
                condition=models.Q(is_current=True),
                name="kaigo_fuka_one_current",
            ),
            models.UniqueConstraint(
                fields=["fiscal_year", "atena_id", "version"], name="kaigo_fuka_version"
            ),
        ]
        indexes = [
            models.Index(fields=["fiscal_year", "santei"], name="kaigo_fuka_year_idx"),
            models.Index(fields=["atena_id", "fiscal_year"], name="kaigo_fuka_atena_idx"),
            models.Index(fields=["job_id"], name="kaigo_fuka_job_idx"),
        ]

    def __str__(self) -> str:
        return f"介護保険料の賦課 {self.pk}（{self.get_santei_display()} 第{self.version}版）"


class KaigoKoseiKoho(models.Model):
    """A person whose input changed since their current 賦課: found by the sweep, applied
    (a new version) or set aside by a clerk. One open candidate per person and 年度."""

    fiscal_year = models.PositiveSmallIntegerField("年度")
    atena_id = models.BigIntegerField("宛名ID")
    fuka = models.ForeignKey(
        KaigoFuka, verbose_name="現在の賦課", on_delete=models.PROTECT, null=True, blank=True,
        related_name="koho",
    )  # fmt: skip
    cause = models.CharField("原因", max_length=20, choices=FukaKoseiCause.choices)
    status = models.CharField(
        "状態", max_length=10, choices=FukaKoseiStatus.choices, default=FukaKoseiStatus.OPEN
    )
    hokenryo_before = models.BigIntegerField("更正前の保険料額", default=0)
    hokenryo_after = models.BigIntegerField("更正後の保険料額", default=0)
    detail = models.JSONField("再計算の内訳", default=dict)
    input_hash = models.CharField("入力の指紋", max_length=64, blank=True)
    changes = models.JSONField("変わった入力", default=list)
    job_id = models.BigIntegerField("処理ID", null=True, blank=True)
    found_at = models.DateTimeField("検出日時", auto_now=True)
    applied = models.ForeignKey(
        KaigoFuka, verbose_name="更正後の賦課", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    decided_by = models.CharField("処理者", max_length=150, blank=True)
    decided_at = models.DateTimeField("処理日時", null=True, blank=True)

    class Meta:
        verbose_name = "介護保険料の更正候補"
        verbose_name_plural = "介護保険料の更正候補"
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "atena_id"],
                condition=models.Q(status="open"),
                name="kaigo_koho_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"介護保険料の更正候補 {self.pk}"

    @property
    def sagaku(self) -> int:
        return self.hokenryo_after - self.hokenryo_before


class TokuchoTaisho(models.Model):
    """特別徴収対象者 of a 年度 as the pension insurer reported them (one row per person and
    年度; a later file replaces the row)."""

    fiscal_year = models.PositiveSmallIntegerField("年度")
    atena_id = models.BigIntegerField("宛名ID")
    nenkin_hokensha = models.CharField("年金保険者コード", max_length=3)
    kiso_nenkin_no = models.CharField("基礎年金番号", max_length=10)
    nenkin_code = models.CharField("年金コード", max_length=4)
    nenkin_gaku = models.BigIntegerField("年金額（年額）")
    tsuchi_month = models.PositiveSmallIntegerField("通知月")
    file_name = models.CharField("取込ファイル", max_length=100)
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("取込日時", auto_now_add=True)
    #: the 特別徴収依頼処理結果: "" not yet, "0" 受理, "1" 不能 (tenants.nenkin_tokucho)
    irai_kekka = models.CharField("依頼処理結果", max_length=1, blank=True, default="")
    #: from this day the insurer does not withhold (依頼 不能, or a 各種異動); None: it does
    chushi_date = models.DateField("特別徴収の中止日", null=True, blank=True)
    chushi_riyu = models.CharField("中止の理由", max_length=100, blank=True, default="")

    class Meta:
        verbose_name = "特別徴収対象者"
        verbose_name_plural = "特別徴収対象者"
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "atena_id"], name="kaigo_tokucho_one_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"特別徴収対象者 {self.pk}"


class TokuchoFileKind(models.TextChoices):
    IRAI_KEKKA = "irai_kekka", "特別徴収依頼処理結果の通知"
    CHOSHU_KEKKA = "choshu_kekka", "特別徴収結果の通知"
    IDO = "ido", "各種異動の通知"


class TokuchoFile(models.Model):
    """A notice file from the pension insurers as it was imported (kaigo.services.
    fuka_tokucho_kekka): its hash makes a second import of the same file a refusal; the
    lines that could not be used are kept by line, field and reason (no personal data)."""

    kind = models.CharField("通知の種類", max_length=16, choices=TokuchoFileKind.choices)
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
        verbose_name = "特別徴収の通知ファイル"
        verbose_name_plural = "特別徴収の通知ファイル"
        constraints = [
            models.UniqueConstraint(fields=["kind", "sha256"], name="kaigo_tokucho_file_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"
