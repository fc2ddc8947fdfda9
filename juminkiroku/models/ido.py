"""異動: one notification or ex-officio change, entered as 仮登録 and applied at 本登録.

Until 本登録 an Ido changes nothing in the registry: the proposed change lives in
``payload`` and only its author and the reviewers see it. ``IdoTarget`` names the
existing persons it touches; a partial unique index allows one pending Ido per person,
which is how two clerks are kept from editing the same resident at once.
"""

from __future__ import annotations

from django.db import models

from juminkiroku.codes import IdoJiyu, IdoStatus


class Ido(models.Model):
    ido_no = models.CharField("異動番号", max_length=12, unique=True)
    jiyu = models.CharField("異動事由", max_length=3, choices=IdoJiyu.choices)
    ido_date = models.DateField("異動日")
    todoke_date = models.DateField("届出日", null=True, blank=True)
    status = models.CharField(
        "状態", max_length=10, choices=IdoStatus.choices, default=IdoStatus.KARI, db_index=True
    )
    # The proposed change, validated by the service that built it (see services.ido).
    payload = models.JSONField("異動内容", default=dict)
    note = models.CharField("備考", max_length=200, blank=True)
    entered_by_id = models.BigIntegerField("入力者ID", null=True, blank=True)
    entered_by = models.CharField("入力者", max_length=150, blank=True)
    entered_terminal = models.CharField("入力端末", max_length=100, blank=True)
    entered_at = models.DateTimeField("入力日時", auto_now_add=True)
    approved_by_id = models.BigIntegerField("本登録者ID", null=True, blank=True)
    approved_by = models.CharField("本登録者", max_length=150, blank=True)
    approved_at = models.DateTimeField("本登録日時", null=True, blank=True)
    rejected_reason = models.CharField("差戻し理由", max_length=200, blank=True)
    cancels = models.ForeignKey(
        "self",
        verbose_name="取り消す異動",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cancelled_by",
    )
    setai = models.ForeignKey(
        "juminkiroku.Setai",
        verbose_name="異動先世帯",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "異動"
        verbose_name_plural = "異動"
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "entered_at"], name="ido_queue_idx")]

    def __str__(self) -> str:
        return f"{self.ido_no} {self.get_jiyu_display()}"


class IdoTarget(models.Model):
    ido = models.ForeignKey(Ido, on_delete=models.CASCADE, related_name="targets")
    atena = models.ForeignKey(
        "juminkiroku.Atena",
        verbose_name="宛名",
        on_delete=models.PROTECT,
        related_name="ido_targets",
    )
    pending = models.BooleanField("仮登録中", default=True)

    class Meta:
        verbose_name = "異動対象者"
        verbose_name_plural = "異動対象者"
        constraints = [
            models.UniqueConstraint(
                fields=["atena"],
                condition=models.Q(pending=True),
                name="ido_one_pending_per_person",
            ),
            models.UniqueConstraint(fields=["ido", "atena"], name="ido_target_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.ido_id}:{self.atena_id}"
