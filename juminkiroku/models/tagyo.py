"""他業務の登録情報 (標準仕様書 7.2.2) kept by 住民記録, and the files it took in (7.2.1).

* ``TagyoJoho`` — one current row per person and 業務 (選挙人名簿, 国保, 後期高齢者医療,
  介護保険, 国民年金, 児童手当): exactly the items 7.2.2 lists (tenants.tagyo.KIND_ITEMS),
  who registered them (出所: the outside system, a file, a clerk) and when. Systems
  outside the product send them (API, file); a module of the product answers at display
  time instead (tenants.tagyo providers) and needs no row here. The card item is not
  stored: it is read from ``CardJokyo`` (7.1.1.3).
* ``TagyoJohoRireki`` — every change of a row: before and after, by whom, from which
  system, why (a clerk's correction carries a reason). Nothing is overwritten unseen.
* ``TagyoTorikomi`` — one file taken from a town's drop folder: its SHA-256 (a file taken
  in once is not applied again), lines, outcome and the errors by line and item.

Fields the standard's 【実装しない機能】 names (投票権, 登録・抹消年月日, 投票区, 事由,
被保険者証の記号番号・番号, 米穀の配給) do not exist here, on purpose
(juminkiroku/tests/test_tagyo_absent.py).
"""

from __future__ import annotations

from django.db import models

from tenants import tagyo


class TagyoKind(models.TextChoices):
    SENKYO = tagyo.SENKYO, tagyo.KIND_LABELS[tagyo.SENKYO]
    KOKUHO = tagyo.KOKUHO, tagyo.KIND_LABELS[tagyo.KOKUHO]
    KOKI = tagyo.KOKI, tagyo.KIND_LABELS[tagyo.KOKI]
    KAIGO = tagyo.KAIGO, tagyo.KIND_LABELS[tagyo.KAIGO]
    NENKIN = tagyo.NENKIN, tagyo.KIND_LABELS[tagyo.NENKIN]
    JIDO_TEATE = tagyo.JIDO_TEATE, tagyo.KIND_LABELS[tagyo.JIDO_TEATE]


class NenkinShubetsu(models.TextChoices):
    DAI1 = "1", tagyo.NENKIN_SHUBETSU["1"]
    DAI2 = "2", tagyo.NENKIN_SHUBETSU["2"]
    DAI3 = "3", tagyo.NENKIN_SHUBETSU["3"]
    NINI = "4", tagyo.NENKIN_SHUBETSU["4"]


class TagyoKubun(models.TextChoices):
    """How the row reached us."""

    API = "api", "他システム（API）"
    FILE = "file", "他システム（ファイル連携）"
    SHOKUIN = "shokuin", "職員の入力"


class TagyoItems(models.Model):
    """The items of 7.2.2, shared by the current row and its history."""

    gaito = models.BooleanField("該当の有無", null=True, blank=True)
    shutoku_date = models.DateField("資格取得年月日", null=True, blank=True)
    soshitsu_date = models.DateField("資格喪失年月日", null=True, blank=True)
    kiso_nenkin_no = models.CharField("基礎年金番号", max_length=10, blank=True)
    nenkin_shubetsu = models.CharField(
        "被保険者種別", max_length=1, choices=NenkinShubetsu.choices, blank=True
    )
    shubetsu_henko_date = models.DateField("種別変更年月日", null=True, blank=True)
    kaishi_ym = models.DateField("受給開始年月", null=True, blank=True)
    shuryo_ym = models.DateField("受給終了年月", null=True, blank=True)

    class Meta:
        abstract = True


class TagyoJoho(TagyoItems):
    atena = models.ForeignKey(
        "juminkiroku.Atena", verbose_name="宛名", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("業務", max_length=16, choices=TagyoKind.choices)
    shutsusho = models.CharField("出所（システム）", max_length=100)
    kubun = models.CharField("登録の経路", max_length=8, choices=TagyoKubun.choices)
    updated_at = models.DateTimeField("更新日時")
    updated_by = models.CharField("更新者", max_length=150)

    class Meta:
        verbose_name = "他業務の登録情報"
        verbose_name_plural = "他業務の登録情報"
        constraints = [
            models.UniqueConstraint(fields=["atena", "kind"], name="tagyo_joho_one"),
        ]

    def __str__(self) -> str:
        return f"{self.atena_id}:{self.kind}"


class TagyoJohoRireki(models.Model):
    """One change of a ``TagyoJoho``: the items before and after (JSON of item → value,
    dates ISO), in the change's own transaction."""

    joho = models.ForeignKey(
        TagyoJoho, verbose_name="他業務の登録情報", on_delete=models.PROTECT, related_name="+"
    )
    atena = models.ForeignKey(
        "juminkiroku.Atena", verbose_name="宛名", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("業務", max_length=16, choices=TagyoKind.choices)
    before = models.JSONField("変更前", default=dict)
    after = models.JSONField("変更後", default=dict)
    shutsusho = models.CharField("出所（システム）", max_length=100)
    kubun = models.CharField("登録の経路", max_length=8, choices=TagyoKubun.choices)
    reason = models.CharField("理由", max_length=200, blank=True)
    torikomi = models.ForeignKey(
        "juminkiroku.TagyoTorikomi",
        verbose_name="取込ファイル",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField("変更日時")
    changed_by = models.CharField("変更者", max_length=150)

    class Meta:
        verbose_name = "他業務の登録情報の履歴"
        verbose_name_plural = "他業務の登録情報の履歴"
        indexes = [models.Index(fields=["atena", "kind"], name="tagyo_rireki_atena_idx")]

    def __str__(self) -> str:
        return f"{self.atena_id}:{self.kind}:{self.pk}"


class TorikomiStatus(models.TextChoices):
    DONE = "done", "取込済"
    REJECTED = "rejected", "エラーのため取り込みませんでした"
    DUPLICATE = "duplicate", "取込済のファイルと同じ内容のため取り込みませんでした"


class TagyoTorikomi(models.Model):
    file_name = models.CharField("ファイル名", max_length=200)
    sha256 = models.CharField("ファイルのハッシュ値", max_length=64, db_index=True)
    status = models.CharField("結果", max_length=10, choices=TorikomiStatus.choices)
    rows = models.PositiveIntegerField("データ行数", default=0)
    changed = models.PositiveIntegerField("更新件数", default=0)
    # [{"line": 3, "item": "資格取得年月日", "message": "…"}]: no cell value, ever.
    errors = models.JSONField("エラー", default=list)
    taken_at = models.DateTimeField("取込日時", auto_now_add=True)

    class Meta:
        verbose_name = "他業務連携ファイルの取込"
        verbose_name_plural = "他業務連携ファイルの取込"
        ordering = ["-id"]
        constraints = [
            # A file's content is applied once, whoever races to take it in.
            models.UniqueConstraint(
                fields=["sha256"],
                condition=models.Q(status="done"),
                name="tagyo_torikomi_once",
            ),
        ]

    def __str__(self) -> str:
        return self.file_name
