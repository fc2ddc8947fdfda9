"""Where each town's access-log hash chain is anchored, outside the town's schema.

The chain itself (tenants.accesslog.models.AccessLogLink) lives in the town's schema
beside the rows it seals; whoever can delete rows there can delete links too. The head
recorded here, in the public schema, is what a truncated tail is detected against, and
the base is where the chain starts again after a purge (the last purged row's hash).
"""

from django.db import models


class AccessLogAnchor(models.Model):
    schema_name = models.CharField("スキーマ名", max_length=63, unique=True)
    # The chain's start: seq 0 and 64 zeros until the first purge; then the last
    # purged link's seq and hash (the archive file holds the rows up to it).
    base_seq = models.BigIntegerField("起点の連番", default=0)
    base_hash = models.CharField("起点のハッシュ", max_length=64, default="0" * 64)
    head_seq = models.BigIntegerField("末尾の連番", default=0)
    head_hash = models.CharField("末尾のハッシュ", max_length=64, default="0" * 64)
    sealed_at = models.DateTimeField("最終封印日時", null=True, blank=True)
    # The database refuses DELETE of access-log rows and links whose seq is above this
    # (public.jc_accesslog_guard, tenants/accesslog/sql.py); a purge raises it first.
    purged_through_seq = models.BigIntegerField("削除済みの連番", default=0)
    verified_at = models.DateTimeField("最終検証日時", null=True, blank=True)
    verified_ok = models.BooleanField("検証結果（正常）", null=True, blank=True)
    # What the last verification found: ids, sequence numbers and field names only.
    findings = models.JSONField("検証で見つかった事項", default=list, blank=True)

    class Meta:
        db_table = "tenants_accesslog_anchor"
        verbose_name = "アクセスログの封印記録"
        verbose_name_plural = "アクセスログの封印記録"

    def __str__(self) -> str:
        return f"{self.schema_name} #{self.head_seq}"
