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
