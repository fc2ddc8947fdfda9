"""団体内統合宛名システムへの送信 (標準仕様書 7.1.2.3) and the file linkage to the other
業務 (地域情報プラットフォーム, 7.2.1), both read from the linkage feed (``RenkeiChange``).

* ``TogoRenkei`` — one row per town: the cursor over the feed up to which 統合宛名 records
  were made, the last error and the last send, so the queue screen can say why nothing moves.
* ``TogoSoshin`` — one record for the 統合宛名 system (juminkiroku.togo.layout): made from a
  feed row exactly once (unique ``renkei_seq``), or by a 突合 for a person whose record
  there differs (unique (``totsugo``, ``atena``)); sent in ``id`` order per person.
* ``TogoTotsugo`` / ``TogoTotsugoSa`` — a 突合 (reconciliation) run with the 統合宛名 system
  and the differences it found.
* ``PfRenkei`` / ``PfFile`` — the file linkage: the town's cursor and each file written,
  numbered without gaps (``file_no``), with the feed range it holds.
"""

from __future__ import annotations

from django.db import models


class TogoRenkei(models.Model):
    """The town's 統合宛名 link state (a single row, ``pk=1``)."""

    soshin_after = models.BigIntegerField("送信データ作成済みの連携番号", default=0)
    last_error = models.CharField("直近の連携エラー", max_length=200, blank=True)
    last_error_at = models.DateTimeField("直近の連携エラー日時", null=True, blank=True)
    last_sent_at = models.DateTimeField("直近の送信日時", null=True, blank=True)

    class Meta:
        verbose_name = "統合宛名連携状態"
        verbose_name_plural = "統合宛名連携状態"

    def __str__(self) -> str:
        return str(self.soshin_after)


class TogoStatus(models.TextChoices):
    PENDING = "pending", "送信待ち"
    RETRY = "retry", "再送待ち（統合宛名システムに接続できませんでした）"
    SENT = "sent", "送信済"
    REJECTED = "rejected", "統合宛名システムがエラーとしました"
    WITHDRAWN = "withdrawn", "送信取りやめ"


TOGO_OPEN_STATUSES = (TogoStatus.PENDING, TogoStatus.RETRY, TogoStatus.REJECTED)


class TogoSoshin(models.Model):
    renkei_seq = models.BigIntegerField("連携番号", null=True, blank=True, unique=True)
    totsugo = models.ForeignKey(
        "juminkiroku.TogoTotsugo",
        verbose_name="突合",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    atena = models.ForeignKey(
        "juminkiroku.Atena", verbose_name="宛名", on_delete=models.PROTECT, related_name="+"
    )
    jiyu = models.CharField("異動事由", max_length=3, blank=True)
    ido_date = models.DateField("異動日", null=True, blank=True)
    record = models.JSONField("送信データ（項目順）")
    status = models.CharField(
        "状態", max_length=10, choices=TogoStatus.choices, default=TogoStatus.PENDING
    )
    attempts = models.PositiveIntegerField("送信回数", default=0)
    next_try_at = models.DateTimeField("次回送信日時", null=True, blank=True)
    reason = models.CharField("エラー理由", max_length=200, blank=True)
    uketsuke_no = models.CharField("受付番号", max_length=20, blank=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    sent_at = models.DateTimeField("送信日時", null=True, blank=True)

    class Meta:
        verbose_name = "統合宛名送信データ"
        verbose_name_plural = "統合宛名送信データ"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["totsugo", "atena"], name="togo_soshin_totsugo_once"),
        ]
        indexes = [
            models.Index(
                fields=["atena", "id"],
                name="togo_soshin_open_idx",
                condition=models.Q(status__in=["pending", "retry", "rejected"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.renkei_seq}:{self.atena_id}"


class TogoTotsugo(models.Model):
    """One 突合 with the 統合宛名 system: every resident's record compared with what it holds."""

    started_at = models.DateTimeField("実行日時", auto_now_add=True)
    compared = models.PositiveIntegerField("照合件数", default=0)
    differences = models.PositiveIntegerField("相違件数", default=0)
    queued = models.PositiveIntegerField("再送信した件数", default=0)

    class Meta:
        verbose_name = "統合宛名突合"
        verbose_name_plural = "統合宛名突合"
        ordering = ["-id"]

    def __str__(self) -> str:
        return str(self.pk)


class TogoSaKind(models.TextChoices):
    TOHO_NOMI = "toho", "当システムにのみあり"
    TOGO_NOMI = "togo", "統合宛名システムにのみあり"
    SOI = "soi", "項目が相違"


class TogoTotsugoSa(models.Model):
    totsugo = models.ForeignKey(
        TogoTotsugo, verbose_name="突合", on_delete=models.CASCADE, related_name="sa"
    )
    kind = models.CharField("相違の種類", max_length=4, choices=TogoSaKind.choices)
    atena = models.ForeignKey(
        "juminkiroku.Atena",
        verbose_name="宛名",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    atena_no = models.CharField("宛名番号", max_length=10, blank=True)
    items = models.JSONField("相違した項目", default=list)

    class Meta:
        verbose_name = "統合宛名突合の相違"
        verbose_name_plural = "統合宛名突合の相違"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.totsugo_id}:{self.kind}"


class PfRenkei(models.Model):
    """The town's file-linkage state (a single row, ``pk=1``): the feed cursor up to which
    changes were put in a file, and the number of the last file."""

    after = models.BigIntegerField("ファイル作成済みの連携番号", default=0)
    last_file_no = models.PositiveIntegerField("直近のファイル連番", default=0)
    last_error = models.CharField("直近のエラー", max_length=200, blank=True)
    last_error_at = models.DateTimeField("直近のエラー日時", null=True, blank=True)

    class Meta:
        verbose_name = "他業務連携ファイルの状態"
        verbose_name_plural = "他業務連携ファイルの状態"

    def __str__(self) -> str:
        return str(self.after)


class PfFileStatus(models.TextChoices):
    PLANNED = "planned", "作成中"
    WRITTEN = "written", "作成済"


class PfFile(models.Model):
    """One file of the linkage: the feed rows ``from_seq`` < seq ≤ ``to_seq``, planned in
    one transaction with the cursor and written after it (complete or absent)."""

    file_no = models.PositiveIntegerField("ファイル連番", unique=True)
    from_seq = models.BigIntegerField("開始連携番号（この番号の次から）")
    to_seq = models.BigIntegerField("終了連携番号")
    count = models.PositiveIntegerField("件数")
    name = models.CharField("ファイル名", max_length=80)
    status = models.CharField(
        "状態", max_length=8, choices=PfFileStatus.choices, default=PfFileStatus.PLANNED
    )
    planned_at = models.DateTimeField("作成開始日時", auto_now_add=True)
    written_at = models.DateTimeField("作成日時", null=True, blank=True)

    class Meta:
        verbose_name = "他業務連携ファイル"
        verbose_name_plural = "他業務連携ファイル"
        ordering = ["-file_no"]

    def __str__(self) -> str:
        return self.name
