"""Job state lives in the municipality's own schema (never in a shared result backend:
STACK-NOTES), so progress, logs and result files are walled like every other record."""

from django.db import models


class JobStatus(models.TextChoices):
    QUEUED = "queued", "待機中"
    RUNNING = "running", "実行中"
    SUCCEEDED = "succeeded", "正常終了"
    FAILED = "failed", "異常終了"
    CANCELLED = "cancelled", "中止"


class Job(models.Model):
    kind = models.CharField("処理種別", max_length=60)
    gyomu = models.CharField("業務", max_length=40)
    title = models.CharField("処理名", max_length=100)
    params = models.JSONField("パラメータ", default=dict)
    status = models.CharField(
        "状態", max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    started_by_id = models.BigIntegerField("実行者ID", null=True, blank=True)
    started_by_name = models.CharField("実行者", max_length=150, blank=True)
    total = models.PositiveIntegerField("対象件数", default=0)
    done = models.PositiveIntegerField("処理済件数", default=0)
    failed = models.PositiveIntegerField("エラー件数", default=0)
    cancel_requested = models.BooleanField("中止要求", default=False)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    started_at = models.DateTimeField("開始日時", null=True, blank=True)
    finished_at = models.DateTimeField("終了日時", null=True, blank=True)

    class Meta:
        verbose_name = "バッチ処理"
        verbose_name_plural = "バッチ処理"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} #{self.pk}"

    #: rows done by chunks still running (their heartbeat writes it; set by the selector
    #: ``tenants.selectors.jobs.with_progress``): counted in the job's only when they end
    in_flight: int = 0

    @property
    def done_so_far(self) -> int:
        return self.done + self.in_flight

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        return min(100, (self.done_so_far + self.failed) * 100 // self.total)

    @property
    def is_finished(self) -> bool:
        return self.status in {JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED}


class ChunkStatus(models.TextChoices):
    PENDING = "pending", "未処理"
    RUNNING = "running", "実行中"
    DONE = "done", "完了"
    FAILED = "failed", "失敗"
    CANCELLED = "cancelled", "中止"


class JobChunk(models.Model):
    job = models.ForeignKey(
        Job, verbose_name="処理", on_delete=models.CASCADE, related_name="chunks"
    )
    index = models.PositiveIntegerField("番号")
    params = models.JSONField("範囲", default=dict)
    size = models.PositiveIntegerField("件数", default=0)
    status = models.CharField(
        "状態", max_length=10, choices=ChunkStatus.choices, default=ChunkStatus.PENDING
    )
    attempts = models.PositiveIntegerField("試行回数", default=0)
    done = models.PositiveIntegerField("処理済件数", default=0)
    failed = models.PositiveIntegerField("エラー件数", default=0)
    error = models.TextField("エラー", blank=True)
    #: when the last attempt began
    started_at = models.DateTimeField("開始日時", null=True, blank=True)
    #: the last sign of life of the running attempt, stamped by a thread beside the work
    #: (tenants/jobs/heartbeat.py) with the database's clock; the watchdog sends a chunk
    #: again when it is older than JC_JOB_DEAD_AFTER_SECONDS
    heartbeat_at = models.DateTimeField("生存確認日時", null=True, blank=True)
    #: which sending of the chunk is current: each time it is sent again this goes up, and
    #: a message of an earlier sending (the broker giving back a dead worker's message
    #: after its visibility timeout) is dropped
    dispatch = models.PositiveIntegerField("送信番号", default=1)
    finished_at = models.DateTimeField("終了日時", null=True, blank=True)
    #: what the kind's ``run_chunk`` counted (``ChunkResult.counts``: name → number), for
    #: its ``finish`` to add up (``tenants.selectors.jobs.job_chunk_counts``) instead of
    #: reading the job's rows again. Written with the DONE mark in the chunk's own
    #: transaction, so a chunk that runs again replaces its counts, never adds them twice.
    #: NULL: the kind counts nothing (or the chunk is not done).
    counts = models.JSONField("集計", null=True, blank=True)

    class Meta:
        verbose_name = "処理単位"
        verbose_name_plural = "処理単位"
        ordering = ["job", "index"]
        constraints = [
            models.UniqueConstraint(fields=["job", "index"], name="jobchunk_unique_index")
        ]
        indexes = [
            # the watchdog's query, every JC_JOB_WATCHDOG_SECONDS in every schema: only
            # running chunks are in this index, so it stays as small as the work in hand
            models.Index(
                fields=["heartbeat_at"],
                condition=models.Q(status="running"),
                name="jobchunk_running_heartbeat",
            )
        ]

    def __str__(self) -> str:
        return f"{self.job_id}/{self.index} ({self.status})"


class JobLogLine(models.Model):
    job = models.ForeignKey(Job, verbose_name="処理", on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField("日時", auto_now_add=True)
    level = models.CharField("レベル", max_length=10, default="info")
    message = models.CharField("メッセージ", max_length=500)

    class Meta:
        verbose_name = "処理ログ"
        verbose_name_plural = "処理ログ"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.message


class JobFile(models.Model):
    job = models.ForeignKey(
        Job, verbose_name="処理", on_delete=models.CASCADE, related_name="files"
    )
    name = models.CharField("ファイル名", max_length=200)
    path = models.CharField("保存先", max_length=300)
    content_type = models.CharField("種類", max_length=100, default="application/octet-stream")
    size = models.PositiveBigIntegerField("サイズ", default=0)
    contains_personal_data = models.BooleanField("個人情報を含む", default=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "処理結果ファイル"
        verbose_name_plural = "処理結果ファイル"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name
