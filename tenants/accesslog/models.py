"""The tenant's append-only access log (who, what, which record, when, from where, why).

Rows are inserted only through tenants.accesslog.services.access_record. The table
refuses UPDATE, DELETE and TRUNCATE at the database level (trigger in migration 0002),
so not even a bug in the application can edit it.
"""

from django.db import models


class AccessAction(models.TextChoices):
    READ = "read", "照会"
    SEARCH = "search", "検索"
    CREATE = "create", "登録"
    UPDATE = "update", "更新"
    DELETE = "delete", "削除"
    PRINT = "print", "印刷"
    EXPORT = "export", "抽出"
    LOGIN = "login", "ログイン"
    LOGIN_FAILED = "login_failed", "ログイン失敗"
    LOGOUT = "logout", "ログアウト"
    JOB = "job", "バッチ処理"
    DENIED = "denied", "拒否"


class AccessLog(models.Model):
    at = models.DateTimeField("日時", auto_now_add=True, db_index=True)
    user_id = models.BigIntegerField("職員ID", null=True, blank=True)
    username = models.CharField("職員", max_length=150, blank=True)
    is_support = models.BooleanField("応援職員", default=False)
    api_client = models.CharField("APIシステム", max_length=100, blank=True)
    ip_address = models.GenericIPAddressField("接続元", null=True, blank=True)
    terminal = models.CharField("端末", max_length=100, blank=True)
    action = models.CharField("操作", max_length=20, choices=AccessAction.choices)
    gyomu = models.CharField("業務", max_length=40, blank=True)
    screen = models.CharField("画面・機能", max_length=100, blank=True)
    record_type = models.CharField("対象の種類", max_length=50, blank=True)
    record_id = models.CharField("対象ID", max_length=64, blank=True, db_index=True)
    purpose = models.CharField("利用目的", max_length=200, blank=True)
    mynumber_viewed = models.BooleanField("個人番号の表示", default=False)
    record_count = models.PositiveIntegerField("件数", default=1)
    # Non-personal details only (a job id, a page count, a 発行番号); never names or numbers.
    detail = models.JSONField("詳細", default=dict, blank=True)

    class Meta:
        verbose_name = "アクセスログ"
        verbose_name_plural = "アクセスログ"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["record_type", "record_id"], name="accesslog_record_idx"),
            models.Index(fields=["user_id", "at"], name="accesslog_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action}"


class AccessLogLink(models.Model):
    """One sealed row's place in the town's hash chain (tenants/accesslog/chain.py).

    ``row_hash`` = sha256(previous link's row_hash + the row's canonical text); the
    first link follows the anchor's base. ``digests`` holds a short hash of each field
    as sealed, so a verification that finds a row changed can say which fields differ
    (the digests are diagnostic only: the chain and the anchor prove the change).
    Written in batches by the sealer, so writing a log row stays one INSERT.
    """

    seq = models.BigIntegerField("連番", primary_key=True)
    log_id = models.BigIntegerField("アクセスログID", unique=True)
    row_hash = models.CharField("ハッシュ", max_length=64)
    digests = models.JSONField("項目ごとの要約値", default=dict)
    sealed_at = models.DateTimeField("封印日時", db_index=True)

    class Meta:
        verbose_name = "アクセスログの封印"
        verbose_name_plural = "アクセスログの封印"
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"#{self.seq} → {self.log_id}"


class AccessLogPurge(models.Model):
    """A purge of rows past the town's retention period, after their archive."""

    purged_at = models.DateTimeField("削除日時", auto_now_add=True)
    cutoff = models.DateTimeField("保存期限（この日時より前の行）")
    retention_years = models.PositiveSmallIntegerField("保存年数")
    first_seq = models.BigIntegerField("最初の連番")
    last_seq = models.BigIntegerField("最後の連番")
    row_count = models.PositiveIntegerField("件数")
    last_hash = models.CharField("最後のハッシュ（新しい起点）", max_length=64)
    archive_name = models.CharField("保管ファイル", max_length=200)
    archive_sha256 = models.CharField("保管ファイルのSHA-256", max_length=64)

    class Meta:
        verbose_name = "アクセスログの保存期限切れ削除"
        verbose_name_plural = "アクセスログの保存期限切れ削除"
        ordering = ["-purged_at", "-id"]

    def __str__(self) -> str:
        return f"{self.first_seq}–{self.last_seq}"
