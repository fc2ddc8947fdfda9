"""Fine-grained grants (操作権限) of a town's staff, in the town's own schema.

A module's role level (閲覧/更新/管理) decides which screens a user reaches; a grant
decides an act the standards ask to keep apart from the role (本登録の審査, 抑止の解除,
個人番号の表示 …). Modules declare their grant codes in ``module.py`` (``GrantDecl``);
the services refuse any other code, so the column carries no ``choices``.

Rows are written only through ``tenants.grants.services``; a revoked grant leaves a
``GrantRevocation`` row behind, so who held what, and when, stays answerable.
"""

from django.db import models
from django.utils import timezone


class Grant(models.Model):
    user_id = models.BigIntegerField("職員ID")
    code = models.CharField("権限", max_length=60)
    granted_by = models.CharField("付与者", max_length=150)
    granted_at = models.DateTimeField("付与日時", default=timezone.now)

    class Meta:
        verbose_name = "操作権限"
        verbose_name_plural = "操作権限"
        ordering = ["user_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["user_id", "code"], name="grant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.code}"


class GrantRevocation(models.Model):
    """A grant that was held and taken back (the history of ``Grant``)."""

    user_id = models.BigIntegerField("職員ID")
    code = models.CharField("権限", max_length=60)
    granted_by = models.CharField("付与者", max_length=150)
    granted_at = models.DateTimeField("付与日時")
    revoked_by = models.CharField("取消者", max_length=150)
    revoked_at = models.DateTimeField("取消日時", default=timezone.now)

    class Meta:
        verbose_name = "操作権限の取消履歴"
        verbose_name_plural = "操作権限の取消履歴"
        ordering = ["-revoked_at", "-id"]
        indexes = [models.Index(fields=["user_id", "revoked_at"], name="grantrev_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.code} (取消)"
