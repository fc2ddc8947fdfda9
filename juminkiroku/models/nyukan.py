"""出入国在留管理庁長官通知 (住基法 第30条の50, 標準仕様書 4.5.6) taken in, and the
市町村通知 (入管法 第61条の8の2) queued for 出入国在留管理庁 (4.5.7).

The record layout of the 法務省仕様 is not public; ours is the closest built from the
standard's items (docs/standard/nyukan.md)."""

from __future__ import annotations

from django.db import models


class NyukanTsuchiKind(models.TextChoices):
    """What a 長官通知 says changed (4.5.6). The first four correct the 住民票 (職権修正);
    the last two end it (職権消除: the person is no longer a 法第30条の45 person)."""

    ZAIRYU_SHIKAKU = "shikaku", "在留資格・在留期間の変更"
    ZAIRYU_CARD = "card", "在留カード等番号の変更"
    KOKUSEKI_SHIMEI = "shimei", "国籍・地域、氏名の変更"
    KUBUN = "kubun", "法第30条の45区分の変更"
    SHUTSUKOKU = "shutsukoku", "出国等（住民基本台帳法の対象外）"
    TORIKESHI = "torikeshi", "在留資格の取消し"


SHOJO_KINDS = frozenset({NyukanTsuchiKind.SHUTSUKOKU.value, NyukanTsuchiKind.TORIKESHI.value})


class NyukanTsuchiStatus(models.TextChoices):
    MITORIKOMI = "mitorikomi", "未取込"
    TORIKOMI = "torikomi", "取込済（異動仮登録）"
    FUICCHI = "fuicchi", "照合不可（要確認）"


class NyukanTsuchi(models.Model):
    """One 長官通知 record. Matched by 在留カード等番号, else by 氏名（アルファベット）・
    生年月日・性別; turned into a 仮登録 of 職権修正 or 職権消除 (juminkiroku.nyukan.torikomi)."""

    tsuchi_date = models.DateField("通知日")
    jiyu_date = models.DateField("事由の生じた日")
    kind = models.CharField("通知の種類", max_length=10, choices=NyukanTsuchiKind.choices)
    # Who (as the notice names them).
    zairyu_card_no = models.CharField("在留カード等番号", max_length=12, blank=True)
    alpha_name = models.CharField("氏名（アルファベット）", max_length=200, blank=True)
    birth_date = models.DateField("生年月日", null=True, blank=True)
    sex = models.CharField("性別", max_length=1, blank=True)
    # The items after the change (blank: unchanged).
    new_zairyu_shikaku = models.CharField("変更後の在留資格", max_length=60, blank=True)
    new_zairyu_kikan_to = models.DateField("変更後の在留期間の満了日", null=True, blank=True)
    new_zairyu_card_no = models.CharField("変更後の在留カード等番号", max_length=12, blank=True)
    new_alpha_name = models.CharField("変更後の氏名（アルファベット）", max_length=200, blank=True)
    new_kokuseki = models.CharField("変更後の国籍・地域", max_length=60, blank=True)
    new_zairyu_kubun = models.CharField("変更後の法第30条の45区分", max_length=1, blank=True)
    status = models.CharField(
        "取込状態",
        max_length=10,
        choices=NyukanTsuchiStatus.choices,
        default=NyukanTsuchiStatus.MITORIKOMI,
        db_index=True,
    )
    atena = models.ForeignKey(
        "juminkiroku.Atena",
        verbose_name="宛名",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    ido = models.ForeignKey(
        "juminkiroku.Ido",
        verbose_name="異動",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField("取込できない理由", max_length=200, blank=True)
    received_at = models.DateTimeField("受信日時", auto_now_add=True)

    class Meta:
        verbose_name = "出入国在留管理庁長官通知"
        verbose_name_plural = "出入国在留管理庁長官通知"
        ordering = ["tsuchi_date", "id"]

    def __str__(self) -> str:
        return f"{self.pk} {self.get_kind_display()}"


class ShichosonTsuchiKubun(models.TextChoices):
    """4.5.7 sends a 異動 of a foreign resident as 「住基法・入管法」, 「入管法」 or 「住基法」;
    「入管法」 alone (特別永住者証明書 matters) is not built (docs/standard/nyukan.md)."""

    BOTH = "both", "住基法・入管法"
    JUKI = "juki", "住基法"


class ShichosonTsuchiStatus(models.TextChoices):
    """Only 未送信 is reached: the sender (法務省仕様) is not built."""

    MISOSHIN = "misoshin", "未送信"


class ShichosonTsuchi(models.Model):
    """One 市町村通知 waiting to go to 出入国在留管理庁 (4.5.7), in 異動 order (``seq``)."""

    seq = models.BigAutoField(primary_key=True)
    ido = models.ForeignKey(
        "juminkiroku.Ido", verbose_name="異動", on_delete=models.PROTECT, related_name="+"
    )
    atena = models.ForeignKey(
        "juminkiroku.Atena", verbose_name="宛名", on_delete=models.PROTECT, related_name="+"
    )
    kubun = models.CharField("通知区分", max_length=6, choices=ShichosonTsuchiKubun.choices)
    status = models.CharField(
        "送信状態",
        max_length=10,
        choices=ShichosonTsuchiStatus.choices,
        default=ShichosonTsuchiStatus.MISOSHIN,
        db_index=True,
    )
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "市町村通知"
        verbose_name_plural = "市町村通知"
        ordering = ["seq"]
        constraints = [
            models.UniqueConstraint(fields=["ido", "atena"], name="shichoson_tsuchi_once")
        ]

    def __str__(self) -> str:
        return f"{self.seq} {self.get_kubun_display()}"
