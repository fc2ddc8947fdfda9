"""Staff accounts: public schema, one login for several towns.

A Membership gives a person access to one municipality (optionally for a limited
time, e.g. 災害時の応援職員 from another member town); MembershipRole gives a level
per module. Consortium-office users use the portal on the public host.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class RoleLevel(models.IntegerChoices):
    READ = 1, "閲覧"
    WRITE = 2, "更新"
    ADMIN = 3, "管理"


class StaffUser(AbstractUser):
    display_name = models.CharField("表示名", max_length=50, blank=True)
    home_municipality = models.ForeignKey(
        "tenants.Municipality",
        verbose_name="所属団体",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    consortium_office = models.ForeignKey(
        "tenants.Consortium",
        verbose_name="事務局として所属する共同利用団体",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="office_staff",
    )
    # Base32 TOTP secret (RFC 6238). Empty until the user enrols; login requires it.
    totp_secret = models.CharField("二要素認証シークレット", max_length=64, blank=True)
    totp_last_step = models.BigIntegerField("最後に使用したTOTP時刻ステップ", default=0)
    failed_logins = models.PositiveIntegerField("連続ログイン失敗回数", default=0)
    locked_until = models.DateTimeField("ロック解除日時", null=True, blank=True)

    class Meta:
        verbose_name = "職員アカウント"
        verbose_name_plural = "職員アカウント"

    def __str__(self) -> str:
        return self.display_name or self.username

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now


class Membership(models.Model):
    user = models.ForeignKey(
        StaffUser, verbose_name="職員", on_delete=models.CASCADE, related_name="memberships"
    )
    municipality = models.ForeignKey(
        "tenants.Municipality",
        verbose_name="構成団体",
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    is_support = models.BooleanField(
        "応援職員", default=False, help_text="他団体の職員が期間を限って業務を支援する"
    )
    reason = models.CharField("付与理由", max_length=200, blank=True)
    valid_from = models.DateTimeField("有効開始")
    valid_until = models.DateTimeField("有効期限", null=True, blank=True)
    is_tenant_admin = models.BooleanField("団体管理者", default=False)
    granted_by = models.ForeignKey(
        StaffUser,
        verbose_name="付与者",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "団体への所属"
        verbose_name_plural = "団体への所属"
        constraints = [
            models.UniqueConstraint(fields=["user", "municipality"], name="membership_unique"),
            models.CheckConstraint(
                condition=Q(is_support=False) | Q(valid_until__isnull=False),
                name="support_membership_has_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.municipality}"

    def is_valid_at(self, now: datetime) -> bool:
        return self.valid_from <= now and (self.valid_until is None or now < self.valid_until)


class MembershipRole(models.Model):
    membership = models.ForeignKey(
        Membership, verbose_name="所属", on_delete=models.CASCADE, related_name="roles"
    )
    gyomu = models.ForeignKey(
        "tenants.Gyomu", verbose_name="業務", on_delete=models.CASCADE, related_name="+"
    )
    level = models.PositiveSmallIntegerField("権限", choices=RoleLevel.choices)

    class Meta:
        verbose_name = "業務権限"
        verbose_name_plural = "業務権限"
        constraints = [
            models.UniqueConstraint(fields=["membership", "gyomu"], name="role_unique_gyomu")
        ]

    def __str__(self) -> str:
        return f"{self.membership_id}:{self.gyomu_id}={self.level}"
