"""国民健康保険の資格: one period of insurance per person, the 国保世帯 and the causes the
registry cannot see (社会保険, 生活保護), with the history of every change.

- ``Shikaku`` is one period [取得日, 喪失日) of one person (宛名 id). At most one period
  per person is open (partial unique index). A period is never deleted: a 取消 in the
  registry marks it cancelled (``torikeshi``) and the history says so.
- ``ShikakuRireki`` is append-only: every 取得, 喪失, 取消 and 世帯異動 with what caused
  it (a registry event, a 届出 on a screen, the daily job) and who.
- ``KokuhoSetai`` gives a registry household (世帯 id) its 国保の記号番号. Who belongs to
  the 国保世帯 on a date is derived from the registry's household on that date and the
  open periods (``kokuho.selectors.setai``), so a 世帯分離・合併 needs no copy of the
  registry's history here; the tax (国保税, next) reads the 国保世帯 per 年度/期間 from
  that selector, with the 世帯主 as 納税義務者 even when not insured (擬制世帯主).
- ``Shaho`` / ``Seiho``: periods of 被用者保険 and 生活保護 (国民健康保険法第6条), entered
  as 届出 on screens: they decide who may acquire and they end 資格.
- ``TokuteiDoitsu``: 特定同一世帯所属者 — a person who left 国保 for 後期高齢者医療 and
  stays in the household (国民健康保険法施行令第29条の7: the 平等割 軽減 of the tax).

Persons and households are kept as ids (宛名 id, 世帯 id of 住民記録): kokuho reads the
registry only through ``juminkiroku.public``.
"""

from __future__ import annotations

from django.db import models


class ShutokuJiyu(models.TextChoices):
    TENNYU = "tennyu", "転入"
    SHUSSEI = "shussei", "出生"
    SHAHO_RIDATSU = "shaho_ridatsu", "社会保険離脱"
    SEIHO_HAISHI = "seiho_haishi", "生活保護廃止"
    SONOTA = "sonota", "その他（職権）"
    JOGAI_KAISHO = "jogai_kaisho", "適用除外の解消（在留資格の変更・帰化）"


class SoshitsuJiyu(models.TextChoices):
    TENSHUTSU = "tenshutsu", "転出"
    SHIBO = "shibo", "死亡"
    SHAHO_KANYU = "shaho_kanyu", "社会保険加入"
    SEIHO_KAISHI = "seiho_kaishi", "生活保護開始"
    KOKI = "koki", "後期高齢者医療へ移行（75歳到達）"
    KOKI_SHOGAI = "koki_shogai", "後期高齢者医療へ移行（障害認定）"
    SHOKKEN = "shokken", "職権消除"
    TEKIYO_JOGAI = "tekiyo_jogai", "適用除外（在留資格）"


class RirekiKind(models.TextChoices):
    SHUTOKU = "shutoku", "資格取得"
    SOSHITSU = "soshitsu", "資格喪失"
    SOSHITSU_HENKO = "soshitsu_henko", "喪失日の変更"
    SHUTOKU_TORIKESHI = "shutoku_torikeshi", "資格取得の取消"
    SOSHITSU_TORIKESHI = "soshitsu_torikeshi", "資格喪失の取消"
    SHUTOKU_MUKO = "shutoku_muko", "資格取得の無効（遡って社会保険加入）"
    SETAI_IDO = "setai_ido", "世帯の異動"
    TOKUTEI_DOITSU = "tokutei_doitsu", "特定同一世帯所属者になった"
    TOKUTEI_DOITSU_END = "tokutei_doitsu_end", "特定同一世帯所属者でなくなった"


class CauseKind(models.TextChoices):
    EVENT = "event", "住民記録の異動"
    TODOKE = "todoke", "届出（窓口）"
    JOB = "job", "日次処理"
    IKO = "iko", "初期データ"
    SEIHO = "seiho", "生活保護の決定（福祉）"


class KokuhoSetai(models.Model):
    """The 国保 記号・番号 of one registry household."""

    setai_id = models.BigIntegerField("世帯ID（住民記録）", unique=True)
    kigo = models.CharField("記号", max_length=8, blank=True, default="")
    bango = models.CharField("番号", max_length=8, unique=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "国保世帯"
        verbose_name_plural = "国保世帯"

    def __str__(self) -> str:
        return f"国保世帯 {self.bango}"


class Shikaku(models.Model):
    atena_id = models.BigIntegerField("宛名ID")
    setai_id = models.BigIntegerField("取得時の世帯ID", null=True, blank=True)
    edaban = models.PositiveSmallIntegerField("枝番", default=1)
    shutoku_date = models.DateField("資格取得日")
    shutoku_jiyu = models.CharField("取得事由", max_length=16, choices=ShutokuJiyu.choices)
    #: the registry's 異動 that caused the 取得 (an event), else None (届出, initial data)
    shutoku_ido_id = models.BigIntegerField("取得の異動ID", null=True, blank=True)
    soshitsu_date = models.DateField("資格喪失日", null=True, blank=True)
    soshitsu_jiyu = models.CharField(
        "喪失事由", max_length=16, choices=SoshitsuJiyu.choices, blank=True
    )
    soshitsu_ido_id = models.BigIntegerField("喪失の異動ID", null=True, blank=True)
    todoke_date = models.DateField("届出日", null=True, blank=True)
    torikeshi = models.BooleanField("取消済み", default=False)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "国保の資格"
        verbose_name_plural = "国保の資格"
        constraints = [
            models.UniqueConstraint(
                fields=["atena_id"],
                condition=models.Q(soshitsu_date__isnull=True, torikeshi=False),
                name="kokuho_shikaku_one_open",
            ),
            # A registry 異動 opens at most one period per person: a redelivered event
            # finds it and writes nothing.
            models.UniqueConstraint(
                fields=["atena_id", "shutoku_ido_id"],
                condition=models.Q(shutoku_ido_id__isnull=False),
                name="kokuho_shikaku_once_per_ido",
            ),
        ]
        indexes = [
            models.Index(fields=["atena_id", "shutoku_date"], name="kokuho_shikaku_atena_idx"),
            models.Index(
                fields=["shutoku_date"],
                condition=models.Q(soshitsu_date__isnull=True, torikeshi=False),
                name="kokuho_shikaku_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"国保の資格 {self.pk}（宛名ID {self.atena_id}）"

    @property
    def is_open(self) -> bool:
        return self.soshitsu_date is None and not self.torikeshi


class ShikakuRireki(models.Model):
    """One change of 資格, append-only, with its cause and who made it."""

    atena_id = models.BigIntegerField("宛名ID")
    shikaku = models.ForeignKey(
        Shikaku, verbose_name="資格", on_delete=models.PROTECT, related_name="rireki", null=True
    )
    kind = models.CharField("変更の種類", max_length=20, choices=RirekiKind.choices)
    jiyu = models.CharField("事由", max_length=40, blank=True)
    effective_date = models.DateField("効力の日")
    cause_kind = models.CharField("原因", max_length=10, choices=CauseKind.choices)
    ido_id = models.BigIntegerField("住民記録の異動ID", null=True, blank=True)
    event_id = models.BigIntegerField("イベントID", null=True, blank=True)
    todoke_date = models.DateField("届出日", null=True, blank=True)
    setai_id = models.BigIntegerField("世帯ID", null=True, blank=True)
    actor = models.CharField("処理者", max_length=150)
    note = models.CharField("備考", max_length=200, blank=True)
    at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "国保の資格の履歴"
        verbose_name_plural = "国保の資格の履歴"
        indexes = [models.Index(fields=["atena_id", "at"], name="kokuho_rireki_atena_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_date.isoformat()}"


class Shaho(models.Model):
    """A period in 被用者保険 (健康保険・共済・船員保険, 被扶養者を含む), from a 届出."""

    atena_id = models.BigIntegerField("宛名ID")
    kanyu_date = models.DateField("社会保険の加入日")
    ridatsu_date = models.DateField("社会保険の離脱日", null=True, blank=True)
    kanyu_todoke_date = models.DateField("加入の届出日", null=True, blank=True)
    ridatsu_todoke_date = models.DateField("離脱の届出日", null=True, blank=True)
    created_by = models.CharField("処理者", max_length=150)

    class Meta:
        verbose_name = "社会保険の加入"
        verbose_name_plural = "社会保険の加入"
        constraints = [
            models.UniqueConstraint(
                fields=["atena_id"],
                condition=models.Q(ridatsu_date__isnull=True),
                name="kokuho_shaho_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"社会保険 {self.pk}（宛名ID {self.atena_id}）"


class Seiho(models.Model):
    """A period of 生活保護 (国民健康保険法第6条第9号), entered by screen."""

    atena_id = models.BigIntegerField("宛名ID")
    kaishi_date = models.DateField("保護開始日")
    haishi_date = models.DateField("保護廃止日", null=True, blank=True)
    created_by = models.CharField("処理者", max_length=150)

    class Meta:
        verbose_name = "生活保護"
        verbose_name_plural = "生活保護"
        constraints = [
            models.UniqueConstraint(
                fields=["atena_id"],
                condition=models.Q(haishi_date__isnull=True),
                name="kokuho_seiho_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"生活保護 {self.pk}（宛名ID {self.atena_id}）"


class TokuteiDoitsu(models.Model):
    """特定同一世帯所属者: moved from 国保 to 後期高齢者医療 and still in the household."""

    atena_id = models.BigIntegerField("宛名ID")
    setai_id = models.BigIntegerField("世帯ID")
    start_date = models.DateField("該当日")
    end_date = models.DateField("非該当日", null=True, blank=True)
    end_ido_id = models.BigIntegerField("非該当にした異動ID", null=True, blank=True)

    class Meta:
        verbose_name = "特定同一世帯所属者"
        verbose_name_plural = "特定同一世帯所属者"
        constraints = [
            models.UniqueConstraint(
                fields=["atena_id"],
                condition=models.Q(end_date__isnull=True),
                name="kokuho_tokutei_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"特定同一世帯所属者 {self.pk}（宛名ID {self.atena_id}）"
