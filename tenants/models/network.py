from django.db import models


class NetworkKind(models.TextChoices):
    LGWAN = "lgwan", "LGWAN"
    PREF_WAN = "pref_wan", "県域WAN"
    VPN = "vpn", "VPN"
    DC = "dc", "データセンタ内"
    OTHER = "other", "その他"


class NetworkRange(models.Model):
    """A CIDR range from which a municipality's host may be reached."""

    municipality = models.ForeignKey(
        "tenants.Municipality",
        verbose_name="構成団体",
        on_delete=models.CASCADE,
        related_name="network_ranges",
    )
    cidr = models.CharField("CIDR", max_length=64)
    kind = models.CharField("回線種別", max_length=20, choices=NetworkKind.choices)
    label = models.CharField("名称", max_length=100, blank=True)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "接続元ネットワーク"
        verbose_name_plural = "接続元ネットワーク"
        constraints = [
            models.UniqueConstraint(fields=["municipality", "cidr"], name="network_unique_cidr")
        ]

    def __str__(self) -> str:
        return f"{self.cidr} ({self.get_kind_display()})"
