"""税率の試算（what-if）: "if next year's 医療分 所得割 were 7.2% and 均等割 24,000 円, what
would every household pay, and what would the town collect?" (issue 15 item 7).

- ``WhatifScenario`` is a named rate set for one 年度: a value for each rate the town sets
  by its 国民健康保険税条例 (the ``municipal`` keys of ``kokuho/params/hokenzei.yaml``:
  所得割率, 資産割率, 均等割額, 平等割額, 18歳以上均等割額, a lower 課税限度額, the 区分's
  rounding unit and how 所得割 is computed), checked against the law's ranges and caps
  when it is made (``kokuho.services.whatif``). A scenario is never edited: a change is a
  copy (``copied_from``), so every run's result names the rates it used.
- ``WhatifRun`` is one run of the what-if job over the whole town: the scenario's and the
  baseline's values as they were at the start (the baseline is the town's rates in force
  for ``genko_nendo``, its 条例 values, else the law's), and in ``result`` the totals per
  区分 side by side and the distribution of changes, written by the job's ``finish``.
- ``WhatifSetai`` is one household's figures of one run (現行 and 試算 per 区分), written by
  the chunk that computed it (keyed by run and chunk, replaced when the chunk runs again).

These tables are the what-if's only: nothing here is an assessment, and the job writes no
other table of kokuho or zeimu (``kokuho/tests/test_whatif_job.py`` checks it, byte by byte).
"""

from __future__ import annotations

from django.db import models


class WhatifScenario(models.Model):
    name = models.CharField("試算名", max_length=100)
    nendo = models.PositiveSmallIntegerField("試算する年度")
    #: the 年度 whose rates (the town's 条例 values, else the law's) are the baseline
    genko_nendo = models.PositiveSmallIntegerField("比較する現行税率の年度")
    #: the 年度 of the 個人住民税 assessments whose 所得 are used (前年中の所得)
    shotoku_nendo = models.PositiveSmallIntegerField("所得の年度（課税資料）")
    #: settable key of kokuho/params/hokenzei.yaml → value (rates as 10万分率 integers,
    #: amounts in 円); a key left out is "not levied" (資産割, 平等割) or "the law's"
    #: (課税限度額)
    values = models.JSONField("税率等", default=dict)
    note = models.CharField("メモ", max_length=200, blank=True)
    copied_from = models.ForeignKey(
        "self",
        verbose_name="複写元",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.CharField("作成者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "税率の試算"
        verbose_name_plural = "税率の試算"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"税率の試算 {self.pk}"


class WhatifRun(models.Model):
    scenario = models.ForeignKey(
        WhatifScenario, verbose_name="試算", on_delete=models.PROTECT, related_name="runs"
    )
    job_id = models.BigIntegerField("処理ID", unique=True)
    #: the values each side was computed with, fixed at the start of the run
    scenario_values = models.JSONField("試算の税率等", default=dict)
    baseline_values = models.JSONField("現行の税率等", default=dict)
    #: what the screen must say about how the figures were made (Japanese sentences)
    notes = models.JSONField("注記", default=list)
    #: totals per 区分, households, the distribution of changes (finish); None until then
    result = models.JSONField("結果", null=True, blank=True)
    started_by = models.CharField("実行者", max_length=150)
    created_at = models.DateTimeField("開始日時", auto_now_add=True)
    finished_at = models.DateTimeField("集計日時", null=True, blank=True)

    class Meta:
        verbose_name = "税率の試算の実行"
        verbose_name_plural = "税率の試算の実行"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"税率の試算の実行 {self.pk}"


class WhatifSetai(models.Model):
    """One 国保世帯's tax for the 年度 under the baseline (現行) and the scenario (試算)."""

    run = models.ForeignKey(
        WhatifRun, verbose_name="試算の実行", on_delete=models.CASCADE, related_name="setai"
    )
    chunk_index = models.PositiveIntegerField("処理単位")
    setai_id = models.BigIntegerField("世帯ID（住民記録）")
    hihokensha_su = models.PositiveSmallIntegerField("被保険者数")
    keigen_wari = models.PositiveSmallIntegerField("法定軽減（割）", default=0)
    genko_iryo = models.BigIntegerField("現行 医療分", default=0)
    genko_shien = models.BigIntegerField("現行 後期高齢者支援金等分", default=0)
    genko_kaigo = models.BigIntegerField("現行 介護納付金分", default=0)
    genko_kodomo = models.BigIntegerField("現行 子ども・子育て支援納付金分", default=0)
    genko_nengaku = models.BigIntegerField("現行 年税額", default=0)
    shisan_iryo = models.BigIntegerField("試算 医療分", default=0)
    shisan_shien = models.BigIntegerField("試算 後期高齢者支援金等分", default=0)
    shisan_kaigo = models.BigIntegerField("試算 介護納付金分", default=0)
    shisan_kodomo = models.BigIntegerField("試算 子ども・子育て支援納付金分", default=0)
    shisan_nengaku = models.BigIntegerField("試算 年税額", default=0)

    class Meta:
        verbose_name = "税率の試算の世帯別結果"
        verbose_name_plural = "税率の試算の世帯別結果"
        constraints = [
            models.UniqueConstraint(fields=["run", "setai_id"], name="kokuho_whatif_setai_once")
        ]
        indexes = [models.Index(fields=["run", "chunk_index"], name="kokuho_whatif_chunk_idx")]

    def __str__(self) -> str:
        return f"税率の試算の世帯別結果 {self.pk}"
