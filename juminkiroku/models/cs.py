"""住基ネット: our side of the CS (コミュニケーションサーバ) link (標準仕様書 7.1.1, 7.1.2, 4.3).

* ``CsRenkei`` — one row per town: the cursor over the linkage feed (``RenkeiChange.seq``)
  up to which outbound records were made, the cursor of inbound messages, the 空き番 alert
  threshold (4.3.1, set by the town) and the last error, so the queue screen can say why
  nothing moves.
* ``CsSoshin`` — one outbound record (本人確認情報, 転出証明書情報) in the CS's item order
  (juminkiroku.cs.layout). Made from a feed row exactly once (unique ``renkei_seq`` +
  ``kind``), sent in ``id`` order per person; a record the CS refuses holds that person's
  later records until the clerk re-sends or withdraws it (7.1.1.1).
* ``JuminhyoCodeAki`` — 住民票コード 空き番 received from the CS (4.3.1), drawn at random.
* ``CsJushin`` — one inbound message (転入通知, 転出証明書情報, カード管理状況), stored as
  received before it is applied (4.1.3.1.2, 4.1.1.3, 7.1.1.3).
* ``CardJokyo`` — the person's card status as the CS last reported it (7.1.1.3).
* ``CsSeigo`` / ``CsSeigoSa`` — a 整合性確認 run and the differences it found (7.1.1.2).
"""

from __future__ import annotations

from django.db import models


class CsRenkei(models.Model):
    """The town's link state (a single row, ``pk=1``)."""

    soshin_after = models.BigIntegerField("送信データ作成済みの連携番号", default=0)
    jushin_after = models.BigIntegerField("受信済みの電文番号", default=0)
    kofu_after = models.BigIntegerField("受付済みのコンビニ交付要求番号", default=0)
    aki_alert_threshold = models.PositiveIntegerField(
        "住民票コード空き番の警告件数",
        default=100,
        help_text="空き番がこの件数を下回ると画面に警告を表示します（標準仕様書 4.3.1）。",
    )
    shudo = models.BooleanField(
        "手動連携中",
        default=False,
        help_text="手動連携中は定期送信を止め、職員の「今すぐ連携する」でのみ送信します（7.1.1.1）。",
    )
    last_error = models.CharField("直近の連携エラー", max_length=200, blank=True)
    last_error_at = models.DateTimeField("直近の連携エラー日時", null=True, blank=True)
    last_sent_at = models.DateTimeField("直近の送信日時", null=True, blank=True)

    class Meta:
        verbose_name = "住基ネット連携状態"
        verbose_name_plural = "住基ネット連携状態"

    def __str__(self) -> str:
        return str(self.soshin_after)


class SoshinKind(models.TextChoices):
    HONNIN = "honnin", "本人確認情報"
    TENSHUTSU_SHOMEI = "tenshutsu", "転出証明書情報"
    SOFUSAKI = "sofusaki", "送付先情報"


class SoshinStatus(models.TextChoices):
    PENDING = "pending", "送信待ち"
    RETRY = "retry", "再送待ち（CSに接続できませんでした）"
    SENT = "sent", "送信済"
    REJECTED = "rejected", "CSがエラーとしました"
    WITHDRAWN = "withdrawn", "送信取りやめ"


OPEN_STATUSES = (SoshinStatus.PENDING, SoshinStatus.RETRY, SoshinStatus.REJECTED)


class CsSoshin(models.Model):
    kind = models.CharField("電文の種類", max_length=10, choices=SoshinKind.choices)
    # The feed's seq; a record the CS asked for (送付先情報 of an 更新対象者) has none and
    # takes minus the CS's message number, so it too is made once.
    renkei_seq = models.BigIntegerField("連携番号")
    atena = models.ForeignKey(
        "juminkiroku.Atena", verbose_name="宛名", on_delete=models.PROTECT, related_name="+"
    )
    ido = models.ForeignKey(
        "juminkiroku.Ido",
        verbose_name="異動",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    jiyu = models.CharField("異動事由", max_length=3)
    ido_date = models.DateField("異動日")
    record = models.JSONField("電文（項目順）")
    status = models.CharField(
        "状態", max_length=10, choices=SoshinStatus.choices, default=SoshinStatus.PENDING
    )
    attempts = models.PositiveIntegerField("送信回数", default=0)
    next_try_at = models.DateTimeField("次回送信日時", null=True, blank=True)
    reason = models.CharField("エラー理由", max_length=200, blank=True)
    uketsuke_no = models.CharField("CS受付番号", max_length=20, blank=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    sent_at = models.DateTimeField("送信日時", null=True, blank=True)

    class Meta:
        verbose_name = "CS送信電文"
        verbose_name_plural = "CS送信電文"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["renkei_seq", "kind"], name="cs_soshin_once"),
        ]
        indexes = [
            models.Index(
                fields=["atena", "id"],
                name="cs_soshin_open_idx",
                condition=models.Q(status__in=["pending", "retry", "rejected"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.renkei_seq}"


class JuminhyoCodeAki(models.Model):
    code = models.CharField("住民票コード", max_length=11, unique=True)
    received_at = models.DateTimeField("取得日時", auto_now_add=True)
    # A person may have had several (a 変更 draws a new one; the old stays used: 4.3.1).
    atena = models.ForeignKey(
        "juminkiroku.Atena",
        verbose_name="付番した宛名",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "住民票コード空き番"
        verbose_name_plural = "住民票コード空き番"
        indexes = [
            models.Index(
                fields=["id"], name="jcode_aki_free_idx", condition=models.Q(atena__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return str(self.pk)


class JushinKind(models.TextChoices):
    TENNYU_TSUCHI = "tennyu", "転入通知"
    TENSHUTSU_SHOMEI = "tenshutsu", "転出証明書情報"
    CARD = "card", "カード管理状況"
    SOFUSAKI_YOKYU = "sofusaki", "送付先情報の作成要求（更新対象者）"


class JushinStatus(models.TextChoices):
    RECEIVED = "received", "受信済（未処理）"
    APPLYING = "applying", "取込中"
    APPLIED = "applied", "取込済"
    REVIEW = "review", "要確認"
    SUPERSEDED = "superseded", "再送分により置換"
    DONE_BY_HAND = "by_hand", "職員が処理済"


class CsJushin(models.Model):
    msg_no = models.BigIntegerField("電文番号", unique=True)
    kind = models.CharField("電文の種類", max_length=10, choices=JushinKind.choices)
    juminhyo_code = models.CharField("住民票コード", max_length=11, blank=True, db_index=True)
    record = models.JSONField("電文（項目順）")
    status = models.CharField(
        "状態", max_length=10, choices=JushinStatus.choices, default=JushinStatus.RECEIVED
    )
    atena = models.ForeignKey(
        "juminkiroku.Atena",
        verbose_name="該当した宛名",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField("確認が必要な理由", max_length=200, blank=True)
    received_at = models.DateTimeField("受信日時", auto_now_add=True)
    done_at = models.DateTimeField("処理日時", null=True, blank=True)

    class Meta:
        verbose_name = "CS受信電文"
        verbose_name_plural = "CS受信電文"
        ordering = ["msg_no"]

    def __str__(self) -> str:
        return str(self.msg_no)


class CardShurui(models.TextChoices):
    KOJIN_BANGO = "kojin", "個人番号カード"
    JUKI = "juki", "住基カード"


class CardJotai(models.TextChoices):
    NASHI = "0", "未交付"
    KOFU = "1", "交付済"
    TEISHI = "2", "一時停止"
    HAISHI = "3", "廃止・返納"


class CardJokyo(models.Model):
    atena = models.ForeignKey(
        "juminkiroku.Atena", verbose_name="宛名", on_delete=models.PROTECT, related_name="+"
    )
    shurui = models.CharField("カードの種類", max_length=5, choices=CardShurui.choices)
    jotai = models.CharField("交付状況", max_length=1, choices=CardJotai.choices)
    jotai_date = models.DateField("状況の日付", null=True, blank=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "カード管理状況"
        verbose_name_plural = "カード管理状況"
        constraints = [
            models.UniqueConstraint(fields=["atena", "shurui"], name="card_jokyo_one"),
        ]

    def __str__(self) -> str:
        return f"{self.atena_id}:{self.shurui}"


class CsSeigo(models.Model):
    """One 整合性確認 run."""

    started_at = models.DateTimeField("実行日時", auto_now_add=True)
    compared = models.PositiveIntegerField("照合件数", default=0)
    differences = models.PositiveIntegerField("相違件数", default=0)

    class Meta:
        verbose_name = "整合性確認"
        verbose_name_plural = "整合性確認"
        ordering = ["-id"]

    def __str__(self) -> str:
        return str(self.pk)


class SaKind(models.TextChoices):
    TOHO_NOMI = "toho", "当システムにのみあり"
    CS_NOMI = "cs", "CSにのみあり"
    SOI = "soi", "項目が相違"


class CsSeigoSa(models.Model):
    seigo = models.ForeignKey(
        CsSeigo, verbose_name="整合性確認", on_delete=models.CASCADE, related_name="sa"
    )
    kind = models.CharField("相違の種類", max_length=4, choices=SaKind.choices)
    atena = models.ForeignKey(
        "juminkiroku.Atena",
        verbose_name="宛名",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    juminhyo_code = models.CharField("住民票コード", max_length=11, blank=True)
    items = models.JSONField("相違した項目", default=list)

    class Meta:
        verbose_name = "整合性確認の相違"
        verbose_name_plural = "整合性確認の相違"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.seigo_id}:{self.kind}"


class Sofusaki(models.Model):
    """A 居所 the clerk set as where the card and 番号 documents go, instead of the address
    (標準仕様書 7.1.1.4「現住所とは異なる居所を送付先として設定できること」)."""

    atena = models.OneToOneField(
        "juminkiroku.Atena", verbose_name="宛名", on_delete=models.PROTECT, related_name="+"
    )
    postal_code = models.CharField("送付先郵便番号", max_length=7, blank=True)
    jusho = models.CharField("送付先住所（居所）", max_length=200)
    katagaki = models.CharField("送付先方書", max_length=120, blank=True)
    set_at = models.DateTimeField("設定日時", auto_now=True)

    class Meta:
        verbose_name = "送付先（居所）"
        verbose_name_plural = "送付先（居所）"

    def __str__(self) -> str:
        return str(self.atena_id)


class YokyuKind(models.TextChoices):
    FUGO = "fugo", "符号の取得要求"
    SERIAL = "serial", "利用者証明用電子証明書のシリアル番号取得"


class YokyuStatus(models.TextChoices):
    DONE = "done", "正常終了"
    ERROR = "error", "エラー"


class CsYokyu(models.Model):
    """A request about one person answered at once by the CS (標準仕様書 7.1.2.2, 7.1.2.4),
    kept so the clerk can see that it went through, or why not."""

    kind = models.CharField("要求の種類", max_length=6, choices=YokyuKind.choices)
    atena = models.ForeignKey(
        "juminkiroku.Atena", verbose_name="宛名", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("結果", max_length=5, choices=YokyuStatus.choices)
    result = models.CharField("CSの応答（処理番号・シリアル番号）", max_length=40, blank=True)
    reason = models.CharField("エラー理由", max_length=200, blank=True)
    requested_at = models.DateTimeField("要求日時", auto_now_add=True)

    class Meta:
        verbose_name = "CSへの要求"
        verbose_name_plural = "CSへの要求"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.kind}:{self.atena_id}"


class KofuStatus(models.TextChoices):
    ISSUED = "issued", "発行済（返送待ち）"
    DELIVERED = "delivered", "交付済"
    REFUSED = "refused", "交付不可（返送待ち）"
    REFUSAL_SENT = "refusal_sent", "交付不可"


class CsKofu(models.Model):
    """One request of the 証明書交付センター (コンビニ交付, 標準仕様書 7.2.5): answered once,
    whatever happens to the reply. The PDF is kept only until the centre has it."""

    request_no = models.BigIntegerField("交付要求番号", unique=True)
    atena = models.ForeignKey(
        "juminkiroku.Atena",
        verbose_name="宛名",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField("証明書の種類", max_length=10)
    status = models.CharField("状態", max_length=12, choices=KofuStatus.choices)
    reason = models.CharField("交付できない理由", max_length=200, blank=True)
    hakko_no = models.CharField("発行番号", max_length=20, blank=True)
    pdf = models.BinaryField("証明書（返送まで保持）", blank=True, default=b"")
    created_at = models.DateTimeField("受付日時", auto_now_add=True)
    delivered_at = models.DateTimeField("返送日時", null=True, blank=True)

    class Meta:
        verbose_name = "コンビニ交付"
        verbose_name_plural = "コンビニ交付"
        ordering = ["-request_no"]

    def __str__(self) -> str:
        return str(self.request_no)
