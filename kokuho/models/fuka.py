"""国民健康保険税の賦課: one row per 国保世帯 (a registry household), 年度 and version.

- The 納税義務者 is the household's 世帯主 on the 算定基準日, insured or not (擬制世帯主,
  地方税法第703条の4).
- Every figure the rules return (``kokuho.rules.hokenzei``) is kept in ``detail`` (JSON:
  the input, the 軽減判定, each 区分's member lines and monthly amounts, the explanation
  lines); what is searched or summed is a column: each 区分's tax, the 軽減割合, the
  判定所得, the 年税額.
- History: at most one version per (年度, 世帯) is current (partial unique index). A
  仮算定 is version 1, the 本算定 that follows it the next, every 更正 a new version with its
  reason and cause; the old version is never edited, only pointed at its successor.
- ``input_hash`` fingerprints the input (members, their 資格 months, 所得): the 更正 sweep
  compares it with the input rebuilt from today's data and lists the households whose
  input changed as 更正候補 (``KoseiKoho``), which a clerk applies.
"""

from __future__ import annotations

from django.db import models

from kokuho.models.koki import ChoshuHoho
from tenants.fields import JSONTextField


class Santei(models.TextChoices):
    KARI = "kari", "仮算定"
    HON = "hon", "本算定"
    KOSEI = "kosei", "更正"


class KoseiCause(models.TextChoices):
    SHIKAKU = "shikaku", "資格の異動"
    SHOTOKU = "shotoku", "所得の更正・申告"
    SHIKAKU_SHOTOKU = "shikaku_shotoku", "資格の異動と所得の更正"
    SETAI = "setai", "世帯の異動（世帯主・世帯員）"
    SHINKI = "shinki", "新たに国保世帯になった"
    SHOMETSU = "shometsu", "国保の被保険者がいなくなった"
    #: the 期別 re-cut for 特別徴収 (the 年税額 unchanged: kokuho.services.tokucho)
    TOKUCHO = "tokucho", "特別徴収の開始"
    #: 特別徴収 stopped (依頼 不能, 各種異動, 減額更正, 口座振替の申出): 普通徴収 for the rest
    TOKUCHO_CHUSHI = "tokucho_chushi", "特別徴収の中止（普通徴収へ）"


class KoseiStatus(models.TextChoices):
    OPEN = "open", "未処理"
    APPLIED = "applied", "更正済み"
    DISMISSED = "dismissed", "更正しない"


class KokuhoFuka(models.Model):
    fiscal_year = models.PositiveSmallIntegerField("年度")
    setai_id = models.BigIntegerField("世帯ID（住民記録）")
    version = models.PositiveSmallIntegerField("版")
    santei = models.CharField("算定区分", max_length=8, choices=Santei.choices)
    is_current = models.BooleanField("現在の賦課", default=True)
    superseded_by = models.ForeignKey(
        "self", verbose_name="次の版", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    nozei_gimusha_id = models.BigIntegerField("納税義務者（世帯主）の宛名ID")
    gisei = models.BooleanField("擬制世帯主", default=False)
    kijun_date = models.DateField("算定基準日")
    job_id = models.BigIntegerField("処理ID", null=True, blank=True)
    hihokensha_su = models.PositiveSmallIntegerField("被保険者数", default=0)
    keigen_wari = models.PositiveSmallIntegerField("法定軽減（割）", default=0)
    hantei_shotoku = models.BigIntegerField("軽減判定所得", default=0)
    iryo = models.BigIntegerField("医療分", default=0)
    shien = models.BigIntegerField("後期高齢者支援金等分", default=0)
    kaigo = models.BigIntegerField("介護納付金分", default=0)
    kodomo = models.BigIntegerField("子ども・子育て支援納付金分", default=0)
    nengaku = models.BigIntegerField("年税額", default=0)
    #: 過納: levied in 期 already due beyond the new 年税額 (a 更正 that lowers the tax)
    kanou = models.BigIntegerField("過納額", default=0)
    #: 特別徴収: the 世帯主's pension (with 普通徴収 期 beside it for what is not withheld)
    choshu_hoho = models.CharField(
        "徴収方法", max_length=10, choices=ChoshuHoho.choices, default=ChoshuHoho.FUTSU,
        db_default=ChoshuHoho.FUTSU,
    )  # fmt: skip
    #: [{"ki", "label", "month", "due", "due_nominal", "amount", "before"?, "sagaku"?,
    #: "kind"?}]: "kind" is "kari"/"hon" for a 特別徴収 期 (ki 101–106, the pension months),
    #: "futsu" or absent for a 普通徴収 期
    kibetsu = models.JSONField("期別税額", default=list)
    # read whole, never searched in SQL: JSON text (no jsonb parse of ≈ 3.7 KB a household
    # on every insert of the 本算定; tenants.fields), lz4 (kokuho 0008)
    detail = JSONTextField("計算の内訳", default=dict)
    input_hash = models.CharField("入力の指紋", max_length=64)
    reason = models.CharField("更正の理由", max_length=200, blank=True)
    cause = models.CharField("更正の原因", max_length=20, choices=KoseiCause.choices, blank=True)
    created_by = models.CharField("処理者", max_length=150, blank=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "国保税の賦課"
        verbose_name_plural = "国保税の賦課"
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "setai_id"],
                condition=models.Q(is_current=True),
                name="kokuho_fuka_one_current",
            ),
            models.UniqueConstraint(
                fields=["fiscal_year", "setai_id", "version"], name="kokuho_fuka_version"
            ),
        ]
        indexes = [
            models.Index(fields=["fiscal_year", "santei"], name="kokuho_fuka_year_idx"),
            models.Index(fields=["nozei_gimusha_id", "fiscal_year"], name="kokuho_fuka_gimu_idx"),
            models.Index(fields=["job_id"], name="kokuho_fuka_job_idx"),
        ]

    def __str__(self) -> str:
        return f"国保税の賦課 {self.pk}（{self.get_santei_display()} 第{self.version}版）"


class KoseiKoho(models.Model):
    """A household whose input changed since its current 賦課: found by the sweep, applied
    (a new version) or set aside by a clerk. One open candidate per current 賦課: a sweep
    run again replaces it."""

    fiscal_year = models.PositiveSmallIntegerField("年度")
    setai_id = models.BigIntegerField("世帯ID（住民記録）")
    fuka = models.ForeignKey(
        KokuhoFuka, verbose_name="現在の賦課", on_delete=models.PROTECT, null=True, blank=True,
        related_name="koho",
    )  # fmt: skip
    cause = models.CharField("原因", max_length=20, choices=KoseiCause.choices)
    status = models.CharField(
        "状態", max_length=10, choices=KoseiStatus.choices, default=KoseiStatus.OPEN
    )
    nengaku_before = models.BigIntegerField("更正前の年税額", default=0)
    nengaku_after = models.BigIntegerField("更正後の年税額", default=0)
    #: the recomputed assessment (same shape as KokuhoFuka.detail) and its fingerprint
    detail = models.JSONField("再計算の内訳", default=dict)
    input_hash = models.CharField("入力の指紋", max_length=64)
    changes = models.JSONField("変わった入力", default=list)
    job_id = models.BigIntegerField("処理ID", null=True, blank=True)
    found_at = models.DateTimeField("検出日時", auto_now=True)
    applied = models.ForeignKey(
        KokuhoFuka, verbose_name="更正後の賦課", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    decided_by = models.CharField("処理者", max_length=150, blank=True)
    decided_at = models.DateTimeField("処理日時", null=True, blank=True)

    class Meta:
        verbose_name = "国保税の更正候補"
        verbose_name_plural = "国保税の更正候補"
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "setai_id"],
                condition=models.Q(status="open"),
                name="kokuho_koho_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"国保税の更正候補 {self.pk}"

    @property
    def sagaku(self) -> int:
        return self.nengaku_after - self.nengaku_before


class KariSource(models.TextChoices):
    ZENNENDO = "zennendo", "前年度2月の本徴収額"
    NYURYOKU = "nyuryoku", "入力（前年度の特別徴収がない）"


class NenkinSource(models.TextChoices):
    TSUCHI = "tsuchi", "特別徴収対象者の通知"
    NYURYOKU = "nyuryoku", "入力（通知に該当する行がない）"


class KaigoSource(models.TextChoices):
    KAIGO = "kaigo", "介護保険の賦課"
    NYURYOKU = "nyuryoku", "入力（介護保険の賦課がない）"


class Tokucho(models.Model):
    """The 特別徴収 judgment of a household's 賦課 (地方税法第706条の2): the clerk's inputs
    (年金額 — from the imported 特別徴収対象者の通知 when it has the 世帯主's line — and the
    世帯主's 介護保険料 with whether it is 特別徴収 — from 介護保険's 賦課 when it has one,
    else typed; the 口座振替 申出; the 仮徴収 amount),
    the result with its reasons, and the 仮徴収・本徴収 split. One row per judgment; the
    latest of a 賦課 is its current one."""

    fuka = models.ForeignKey(
        KokuhoFuka, verbose_name="賦課", on_delete=models.PROTECT, related_name="tokucho"
    )
    nenkin_gaku = models.BigIntegerField("年金の年額")
    kaigo_hokenryo = models.BigIntegerField("介護保険料（年額）")
    kaigo_tokucho = models.BooleanField("介護保険料が特別徴収", default=False)
    #: where the 介護保険料 and its 徴収方法 came from (介護保険's 賦課, or typed)
    kaigo_source = models.CharField(
        "介護保険料の根拠", max_length=8, choices=KaigoSource.choices,
        default=KaigoSource.NYURYOKU,
    )  # fmt: skip
    kari_gaku = models.BigIntegerField("仮徴収額（1回）", default=0)
    koza_moushide = models.BooleanField("口座振替の申出", default=False)
    moushide_date = models.DateField("申出日", null=True, blank=True)
    #: what a pension insurer's notice line is matched on (as kaigo's TokuchoTaisho holds
    #: them): the 特別徴収対象者の通知 of the 世帯主's pension, typed by the clerk
    nenkin_hokensha = models.CharField("年金保険者コード", max_length=3, blank=True, default="")
    kiso_nenkin_no = models.CharField("基礎年金番号", max_length=10, blank=True, default="")
    nenkin_code = models.CharField("年金コード", max_length=4, blank=True, default="")
    #: where the 年金額 and the pension's ids came from (the imported 通知, or typed)
    nenkin_source = models.CharField(
        "年金額・年金の番号の根拠", max_length=8, choices=NenkinSource.choices,
        default=NenkinSource.NYURYOKU,
    )  # fmt: skip
    #: where the 仮徴収額 came from
    kari_source = models.CharField(
        "仮徴収額の根拠", max_length=8, choices=KariSource.choices, default=KariSource.NYURYOKU
    )
    gaito = models.BooleanField("特別徴収に該当")
    reasons = models.JSONField("該当しない理由", default=list)
    #: [{"month", "kubun", "amount"}] when 特別徴収 applies
    kibetsu = models.JSONField("特別徴収の期別", default=list)
    #: the 賦課 version whose 期別 were re-cut for 特別徴収 (None: 普通徴収, or not yet)
    applied = models.ForeignKey(
        KokuhoFuka, verbose_name="特別徴収の期別にした賦課", on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    irai_kekka = models.CharField("依頼処理結果", max_length=1, blank=True, default="")
    chushi_date = models.DateField("特別徴収の中止日", null=True, blank=True)
    chushi_riyu = models.CharField("中止の理由", max_length=100, blank=True, default="")
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "国保税の特別徴収の判定"
        verbose_name_plural = "国保税の特別徴収の判定"

    def __str__(self) -> str:
        return f"特別徴収の判定 {self.pk}"


class TokuchoFileKind(models.TextChoices):
    IRAI_KEKKA = "irai_kekka", "特別徴収依頼処理結果の通知"
    CHOSHU_KEKKA = "choshu_kekka", "特別徴収結果の通知"
    IDO = "ido", "各種異動の通知"
    TAISHO = "taisho", "特別徴収対象者の通知"


class TokuchoFile(models.Model):
    """A pension insurer's notice file for 国保税 as imported (kokuho.services.
    tokucho_kekka): its hash refuses a second import of the same file; the lines that could
    not be used are kept by line, field and reason (no personal data)."""

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
        verbose_name = "国保税の特別徴収の通知ファイル"
        verbose_name_plural = "国保税の特別徴収の通知ファイル"
        constraints = [
            models.UniqueConstraint(fields=["kind", "sha256"], name="kokuho_tokucho_file_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"


class TokuchoTaisho(models.Model):
    """One line of a 特別徴収対象者の通知 matched to a person (kokuho.services.
    tokucho_taisho): the pension of that person for the 年度, with its 年金額. A later file's
    line for the same person and pension replaces it."""

    fiscal_year = models.PositiveSmallIntegerField("年度")
    atena_id = models.BigIntegerField("宛名ID")
    nenkin_hokensha = models.CharField("年金保険者コード", max_length=3)
    kiso_nenkin_no = models.CharField("基礎年金番号", max_length=10)
    nenkin_code = models.CharField("年金コード", max_length=4)
    nenkin_gaku = models.BigIntegerField("年金額")
    tsuchi_month = models.PositiveSmallIntegerField("通知月")
    file = models.ForeignKey(
        TokuchoFile, verbose_name="取込ファイル", on_delete=models.PROTECT, related_name="+"
    )
    line = models.PositiveIntegerField("行")

    class Meta:
        verbose_name = "国保税の特別徴収対象者"
        verbose_name_plural = "国保税の特別徴収対象者"
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "atena_id", "kiso_nenkin_no", "nenkin_code"],
                name="kokuho_tokucho_taisho_once",
            )
        ]

    def __str__(self) -> str:
        return f"特別徴収対象者 {self.pk}"
