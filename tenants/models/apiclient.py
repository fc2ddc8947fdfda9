"""Credentials for external systems that call the tenant API."""

from __future__ import annotations

from django.db import models

# The scope action that lets a client read 個人番号 from a 業務's API: "<gyomu>:kojin_bango".
# Never implied by read or write (番号法 19条: a number is given only to 個人番号利用事務
# the town has registered the system for), asked for on its own on the administrator's
# screen, and offered only for the 業務 whose module declares ``kojin_bango_api``.
KOJIN_BANGO_ACTION = "kojin_bango"


class ApiClient(models.Model):
    municipality = models.ForeignKey(
        "tenants.Municipality",
        verbose_name="構成団体",
        on_delete=models.CASCADE,
        related_name="api_clients",
    )
    name = models.CharField("システム名", max_length=100)
    key_prefix = models.CharField("キー識別子", max_length=12, unique=True)
    # SHA-256 of the secret part; the secret is shown once at creation and never stored.
    key_hash = models.CharField("キーハッシュ", max_length=64)
    # Scopes are "<gyomu code>:<read|write|kojin_bango>", e.g. "juminkiroku:read";
    # "platform:read" covers the platform endpoints (jobs, modules). ":kojin_bango" is
    # needed, besides read or write, for any answer that carries a 個人番号.
    scopes = models.JSONField("スコープ", default=list)
    is_active = models.BooleanField("有効", default=True)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    last_used_at = models.DateTimeField("最終利用日時", null=True, blank=True)

    class Meta:
        verbose_name = "API利用システム"
        verbose_name_plural = "API利用システム"
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="apiclient_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def has_scope(self, gyomu_code: str, action: str) -> bool:
        """``write`` implies ``read``; nothing implies ``kojin_bango``."""
        wanted = f"{gyomu_code}:{action}"
        if wanted in self.scopes:
            return True
        return action == "read" and f"{gyomu_code}:write" in self.scopes

    def may_read_kojin_bango(self, gyomu_code: str) -> bool:
        return self.has_scope(gyomu_code, "read") and self.has_scope(gyomu_code, KOJIN_BANGO_ACTION)
