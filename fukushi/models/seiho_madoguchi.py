"""窓口払 and 追給 of the monthly 保護費 (SH-17, 生活保護法第31条).

- ``SeihoMadoguchi``: a month in which a case with an account is paid at the 窓口 in cash
  (e.g. the caseworker needs to meet the household); it is set before the month's run.
  A case without an account is always paid at the 窓口.
- ``SeihoTsuikyu``: a 追加支給 for a month whose run was already made: a 保護変更 raising the
  month's 保護費 (a 変更 inside the month, or one decided after the run) is paid the
  difference for the days it is in force, once per decision.
- A 保護開始 (or 再開) decided after the month's run has no line in it: the month's 保護費 of
  its days is paid as a 追給 (``TsuikyuShubetsu.KAISHI``), in each month whose run was made,
  once per decision and run.
- A 追給 may carry the 徴収 of 生活保護法第78条の2 (``chosei``): ``amount`` is what is paid.
- The 受領 (receipt) of what is paid at the 窓口 is recorded on the line (``Juryo``): the
  day, who received it (世帯主・世帯員・代理人, no name kept) and the clerk who handed it over.
"""

from __future__ import annotations

from django.db import models

from fukushi.models.seiho import Juryo, JuryoSha, SeihoCase, SeihoKettei, SeihoShikyu

__all__ = ["Juryo", "JuryoSha", "SeihoMadoguchi", "SeihoTsuikyu", "TsuikyuShubetsu"]


class SeihoMadoguchi(models.Model):
    case = models.ForeignKey(
        SeihoCase, verbose_name="ケース", on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField("支給月（1日）")
    riyu = models.CharField("窓口払とする理由", max_length=200)
    actor = models.CharField("指定した職員", max_length=150)
    created_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "保護費の窓口払の指定"
        verbose_name_plural = "保護費の窓口払の指定"
        constraints = [
            models.UniqueConstraint(fields=["case", "month"], name="fukushi_seiho_madoguchi_once")
        ]

    def __str__(self) -> str:
        return f"窓口払の指定 {self.pk}"


class TsuikyuShubetsu(models.TextChoices):
    HENKO = "henko", "保護変更の差額"
    KAISHI = "kaishi", "支給の作成後に決定した保護の月分"


class SeihoTsuikyu(Juryo):
    shikyu = models.ForeignKey(
        SeihoShikyu, verbose_name="その月の支給", on_delete=models.PROTECT, related_name="tsuikyus"
    )
    case = models.ForeignKey(
        SeihoCase, verbose_name="ケース", on_delete=models.PROTECT, related_name="+"
    )
    # one 追給 per decision and month's run: made again it finds it and pays nothing more
    # (a 開始 decided after two runs is paid in both months)
    kettei = models.ForeignKey(
        SeihoKettei, verbose_name="追給の根拠の決定", on_delete=models.PROTECT, related_name="+"
    )
    shubetsu = models.CharField(
        "追給の種類", max_length=10, choices=TsuikyuShubetsu.choices, default=TsuikyuShubetsu.HENKO
    )
    mae_hogohi = models.PositiveIntegerField("変更前の保護費（月額）")
    ato_hogohi = models.PositiveIntegerField("変更後の保護費（月額）")
    nissu = models.PositiveSmallIntegerField("対象の日数")
    # what is paid out: the 追給 less ``chosei``
    amount = models.PositiveIntegerField("支給額")
    # 生活保護法第78条の2: the 徴収金 taken from this 追給 on the household's 申出
    chosei = models.PositiveIntegerField("追給から徴収した額（法第78条の2）", default=0)
    uchiwake = models.CharField("計算の内訳", max_length=200)
    furikomi = models.BooleanField("口座振込")
    shikyu_date = models.DateField("支給日")
    actor = models.CharField("作成者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "保護費の追給"
        verbose_name_plural = "保護費の追給"
        constraints = [
            models.UniqueConstraint(
                fields=["kettei", "shikyu"], name="fukushi_seiho_tsuikyu_once_per_run"
            )
        ]

    def __str__(self) -> str:
        return f"追給 {self.pk}"
