"""除票用データベース (住民記録システム標準仕様書 9.3).

A 除票 five years past its 消除 is moved here by the yearly job (``juminkiroku.jobkinds``):
the person's items, every version of the 住民票 and the 住民記録 rows that named the
person are frozen into one JSON snapshot, checked, and deleted from the registry tables.
The ``Atena`` row stays as the key other modules hold (宛名番号 are never reused), with
its personal items cleared and 住民状態 「除票移行済」.

These tables are the archive: nothing in the registry joins them (they hold the 宛名 id
as a plain number, not a foreign key), so the 除票用データベース could live in another
schema or database without a change to the registry. A row is kept until its
``hozon_kigen`` (住民基本台帳法施行令第34条: 150 years since 令和元年6月20日), then
purged (``services.johyo.johyo_purge``).
"""

from __future__ import annotations

from django.db import models


class JohyoArchive(models.Model):
    """One moved 除票: search keys beside the frozen snapshot."""

    atena_id = models.BigIntegerField("宛名ID", unique=True)
    atena_no = models.CharField("宛名番号", max_length=10, unique=True)
    juminhyo_code = models.CharField("住民票コード", max_length=11, blank=True, db_index=True)
    # Search keys (juminkiroku.rules.kana), as the index had them at the move.
    kana_key = models.CharField("検索用カナ", max_length=200, blank=True)
    name_key = models.CharField("検索用氏名", max_length=100, blank=True)
    birth_date = models.DateField("生年月日", db_index=True)
    sex = models.CharField("性別", max_length=1)
    shojo_date = models.DateField("消除日")
    shojo_jiyu = models.CharField("消除事由", max_length=3, blank=True)
    hozon_kigen = models.DateField("保存期限", db_index=True)
    snapshot = models.JSONField("除票の内容（移行時点）")
    snapshot_sha256 = models.CharField("内容のハッシュ値（SHA-256）", max_length=64)
    job_id = models.BigIntegerField("移行したバッチ処理", null=True, blank=True)
    moved_at = models.DateTimeField("移行日時", auto_now_add=True)
    moved_by = models.CharField("移行者", max_length=150, blank=True)

    class Meta:
        verbose_name = "除票用データベースの除票"
        verbose_name_plural = "除票用データベースの除票"
        indexes = [
            models.Index(
                fields=["kana_key"], name="johyo_kana_key_idx", opclasses=["text_pattern_ops"]
            ),
            models.Index(
                fields=["name_key"], name="johyo_name_key_idx", opclasses=["text_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return self.atena_no


class IkouKekka(models.TextChoices):
    MOVED = "moved", "移行した"
    REFUSED = "refused", "移行しなかった"


class JohyoIkouKekka(models.Model):
    """What the move job did with one candidate: moved, or kept with the reason. Keyed by
    (job, 宛名), so a chunk that runs again writes the same rows."""

    job_id = models.BigIntegerField("バッチ処理")
    atena_id = models.BigIntegerField("宛名ID")
    atena_no = models.CharField("宛名番号", max_length=10)
    kekka = models.CharField("結果", max_length=10, choices=IkouKekka.choices)
    reasons = models.JSONField("移行しなかった理由", default=list)

    class Meta:
        verbose_name = "除票移行の結果"
        verbose_name_plural = "除票移行の結果"
        constraints = [
            models.UniqueConstraint(fields=["job_id", "atena_id"], name="johyo_kekka_unique")
        ]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.atena_no}"
