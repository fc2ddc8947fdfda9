"""賦課: one person's 個人住民税 for one fiscal year, with every intermediate figure.

At most one row per (年度, 宛名) is current (partial unique index); a 更正 writes a new row
and marks the previous one superseded, so the history of a bill is never lost. The
当初賦課 batch writes with ON CONFLICT DO NOTHING on that index, which makes a chunk that
runs twice (a killed worker, a retry) write nothing the second time.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from tenants.fields import JSONTextField
from zeimu.rules.naiyaku import naiyaku_expand


class NaiyakuField(JSONTextField):
    """The 内訳 as JSON text, read in its object form whichever way it was stored: the
    当初賦課 writes the compact form (``zeimu.rules.naiyaku``: the values without their field
    names, ≈ half the bytes), a 更正 and rows written before the object form."""

    description = "計算の内訳（JSONテキスト）"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return naiyaku_expand(super().from_db_value(value, expression, connection))

    def to_python(self, value: Any) -> Any:
        return naiyaku_expand(super().to_python(value))


class FukaStatus(models.TextChoices):
    KAZEI = "kazei", "課税"
    HIKAZEI = "hikazei", "非課税"
    MISHINKOKU = "mishinkoku", "未申告（課税資料なし）"


class FukaKind(models.TextChoices):
    TOSHO = "tosho", "当初賦課"
    KOSEI = "kosei", "更正"


class KoseiKiin(models.TextChoices):
    """Why a 更正 was made, as far as the 延滞金 is concerned (地方税法第321条の2第3項・第4項):
    a 更正 due to a 所得税 修正申告 or 更正 has a 除算期間; a 特定修正申告・特定更正 (偽り・不正,
    or after a 決定: 同条第3項かっこ書) has none."""

    NASHI = "", "所得税の修正申告・更正によらない"
    SHUSEI = "shotoku_shusei", "所得税の修正申告"
    KOSEI = "shotoku_kosei", "所得税の更正（税務署長の更正）"
    TOKUTEI = "shotoku_tokutei", "所得税の特定修正申告・特定更正（偽り・不正、決定の後）"

    @classmethod
    def josan(cls, value: str) -> bool:
        """Whether a 更正 for this reason bears a 除算期間."""
        return value in (cls.SHUSEI, cls.KOSEI)


class Fuka(models.Model):
    fiscal_year = models.PositiveSmallIntegerField("年度")
    # (no index of its own: fuka_atena_idx (atena, fiscal_year) serves every lookup by
    # person, and one index less is ≈ 4 µs less for each row the 当初賦課 writes)
    atena = models.ForeignKey(
        "juminkiroku.Atena",
        verbose_name="納税義務者",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    kind = models.CharField("賦課区分", max_length=10, choices=FukaKind.choices)
    status = models.CharField("課税状況", max_length=12, choices=FukaStatus.choices)
    job_id = models.BigIntegerField("処理ID", null=True, blank=True)
    is_current = models.BooleanField("現在の賦課", default=True)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name="更正後",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_index=False,  # (the partial fuka_superseded_idx: only 更正 rows have one)
    )
    gokei_shotoku = models.BigIntegerField("合計所得金額", default=0)
    kazei_shotoku = models.BigIntegerField("課税総所得金額", default=0)
    # The 所得 other modules read through zeimu.public (国保, 介護, 福祉), copied out of the
    # 内訳 (detail.result) by every writer so a batch reads plain columns, not JSON paths.
    kyuyo_shotoku = models.BigIntegerField("給与所得（所得金額調整控除後）", default=0)
    nenkin_shotoku = models.BigIntegerField("公的年金等に係る雑所得", default=0)
    sonota_shotoku = models.BigIntegerField("その他の所得", default=0)
    nenkin_shunyu = models.BigIntegerField("公的年金等の収入金額", default=0)
    #: 分離課税の長期・短期譲渡所得の金額（特別控除前、合計所得金額に含まれる）と、その
    #: 特別控除額 (介護保険料・国保税 read them through zeimu.public)
    joto_shotoku = models.BigIntegerField("長期・短期譲渡所得の金額（特別控除前）", default=0)
    joto_tokubetsu_kojo = models.BigIntegerField("長期・短期譲渡所得の特別控除額", default=0)
    shotokuwari_shichoson = models.BigIntegerField("市町村民税所得割", default=0)
    shotokuwari_dofuken = models.BigIntegerField("道府県民税所得割", default=0)
    kintowari_shichoson = models.BigIntegerField("市町村民税均等割", default=0)
    kintowari_dofuken = models.BigIntegerField("道府県民税均等割", default=0)
    shinrin_kankyozei = models.BigIntegerField("森林環境税", default=0)
    gokei_zeigaku = models.BigIntegerField("年税額（合計）", default=0)
    # 徴収方法ごとの年税額 (zeimu.rules.choshu): their sum is gokei_zeigaku.
    futsu_choshu_gaku = models.BigIntegerField("普通徴収税額", default=0)
    kyuyo_tokucho_gaku = models.BigIntegerField("給与特別徴収税額", default=0)
    nenkin_tokucho_gaku = models.BigIntegerField("年金特別徴収税額", default=0)
    #: 給与特別徴収の特別徴収義務者 (the employer of the largest salary with 特別徴収)
    tokucho_shitei_no = models.CharField("特別徴収義務者指定番号", max_length=20, blank=True)
    tokucho_employer_name = models.CharField("特別徴収義務者", max_length=100, blank=True)
    #: 期別: {"futsu": [...], "kyuyo": [...], "nenkin": [...]}, each item
    #: {"due", "label", "amount"} (due as ISO date; zeimu.rules.choshu). JSON text since
    #: zeimu 0031 (jsonb parsed ≈ 640 bytes on every 当初賦課 insert; only the 収納
    #: ledger's posting reads it in SQL, casting the 普通徴収 rows' to jsonb).
    kibetsu = JSONTextField("期別税額", default=dict)
    # Every intermediate figure and the explanation lines (zeimu.rules), for the clerk:
    # read whole, never searched in SQL, so kept as JSON text (tenants.fields; jsonb
    # would parse it on every insert), and by the 当初賦課 in the compact form (≈ 1.9 KB
    # a person instead of ≈ 3.9 KB; zeimu.rules.naiyaku), read back as the object form.
    detail = NaiyakuField("計算の内訳", default=dict)
    reason = models.CharField("更正の理由", max_length=200, blank=True)
    #: a 更正 due to a 所得税 修正申告・更正 (KoseiKiin) and the day its 通知 went out: the
    #: ledger's 除算期間 run to that day (zeimu.rules.entaikin.josan_periods)
    kosei_kiin = models.CharField(
        "更正の原因", max_length=16, choices=KoseiKiin.choices, blank=True, default="",
        db_default="",
    )  # fmt: skip
    kosei_tsuchi_date = models.DateField("更正の通知日", null=True, blank=True)
    created_by = models.CharField("処理者", max_length=150, blank=True)
    computed_at = models.DateTimeField("計算日時", auto_now_add=True)

    class Meta:
        verbose_name = "個人住民税の賦課"
        verbose_name_plural = "個人住民税の賦課"
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "atena"],
                condition=models.Q(is_current=True),
                name="fuka_one_current",
            )
        ]
        indexes = [
            models.Index(fields=["fiscal_year", "status"], name="fuka_year_status_idx"),
            models.Index(
                fields=["fiscal_year", "tokucho_shitei_no"],
                condition=models.Q(is_current=True) & ~models.Q(tokucho_shitei_no=""),
                name="fuka_tokucho_idx",
            ),
            models.Index(fields=["atena", "fiscal_year"], name="fuka_atena_idx"),
            models.Index(
                fields=["superseded_by"],
                condition=models.Q(superseded_by__isnull=False),
                name="fuka_superseded_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year} {self.atena_id}"
