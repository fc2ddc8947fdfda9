"""介護保険の資格: one period of insurance per person (第1号 or 第2号), the 届 the registry
cannot see (住所地特例, 他市町村住所地特例者, 適用除外施設), with the history of every change.

- ``Shikaku`` is one period [取得日, 喪失日) of one person (宛名 id) in one 区分. At most
  one period per person is open (partial unique index). A period is never deleted: a
  取消 in the registry, or a 届 that shows the person was never insured here (他市町村の
  住所地特例者), marks it cancelled (``torikeshi``) and the history says so.
- ``HihokenshaBango`` gives a person their 被保険者番号 once (10 digits), kept across
  periods: a person who leaves and comes back keeps the number.
- ``ShikakuRireki`` is append-only: every 取得, 喪失, 取消, 区分変更 and 住所地特例 with what
  caused it (a registry event, a 届 on a screen, the daily job, initial data) and who.
- ``JushochiTokurei``: our insured person placed in a facility in another town
  (介護保険法第13条): the 転出 to that town does not end 資格 while it applies.
- ``TashiJutoku``: a resident placed in one of our facilities by another town, which
  insures them (第13条): recorded here, not insured here.
- ``TekiyoJogai``: a resident in an 適用除外施設 (介護保険法施行法第11条, 施行規則第170条):
  not insured while in it.

Persons are kept as ids (宛名 id of 住民記録): kaigo reads the registry only through
``juminkiroku.public``.
"""

from __future__ import annotations

from django.db import models


class Kubun(models.TextChoices):
    DAI1 = "1", "第1号被保険者"
    DAI2 = "2", "第2号被保険者"


class ShutokuJiyu(models.TextChoices):
    TENNYU = "tennyu", "転入"
    NENREI = "nenrei", "65歳到達"
    JOGAI_TAISHO = "jogai_taisho", "適用除外施設の退所"
    JUTOKU_TAISHO = "jutoku_taisho", "住所地特例の終了（町内に住所）"
    DAI2_SHINSEI = "dai2_shinsei", "第2号被保険者（要介護認定の申請）"
    IKO = "iko", "初期データ"


class SoshitsuJiyu(models.TextChoices):
    TENSHUTSU = "tenshutsu", "転出"
    SHIBO = "shibo", "死亡"
    SHOKKEN = "shokken", "職権消除"
    TEKIYO_JOGAI = "tekiyo_jogai", "適用除外施設に入所"
    JUTOKU_TAISHO = "jutoku_taisho", "住所地特例施設の退所（他市町村に住所）"
    DAI1_IKO = "dai1_iko", "第1号被保険者へ移行（65歳到達）"


class RirekiKind(models.TextChoices):
    SHUTOKU = "shutoku", "資格取得"
    SOSHITSU = "soshitsu", "資格喪失"
    SOSHITSU_HENKO = "soshitsu_henko", "喪失日の変更"
    SHUTOKU_TORIKESHI = "shutoku_torikeshi", "資格取得の取消"
    SOSHITSU_TORIKESHI = "soshitsu_torikeshi", "資格喪失の取消"
    SHUTOKU_MUKO = "shutoku_muko", "資格取得の無効（他市町村の住所地特例者）"
    JUTOKU_KEIZOKU = "jutoku_keizoku", "住所地特例により転出後も資格継続"
    JUTOKU = "jutoku", "住所地特例の届出"
    JUTOKU_END = "jutoku_end", "住所地特例の終了"
    TASHI_JUTOKU = "tashi_jutoku", "他市町村の住所地特例者として記録"
    TASHI_JUTOKU_END = "tashi_jutoku_end", "他市町村の住所地特例者の退所"
    JOGAI = "jogai", "適用除外施設の入所"
    JOGAI_END = "jogai_end", "適用除外施設の退所"


class CauseKind(models.TextChoices):
    EVENT = "event", "住民記録の異動"
    TODOKE = "todoke", "届出（窓口）"
    JOB = "job", "日次処理"
    IKO = "iko", "初期データ"


class IryoHoken(models.TextChoices):
    """医療保険の種類 of a 第2号被保険者 (介護保険法第7条第8項の医療保険加入者)."""

    KENPO_KUMIAI = "kumiai", "健康保険（組合管掌）"
    KYOKAI = "kyokai", "全国健康保険協会（協会けんぽ）"
    KYOSAI = "kyosai", "共済組合"
    SENIN = "senin", "船員保険"
    KOKUHO = "kokuho", "国民健康保険"
    KOKUHO_KUMIAI = "kokuho_kumiai", "国民健康保険組合"


class JutokuShisetsu(models.TextChoices):
    """住所地特例対象施設 (介護保険法第13条第1項)."""

    KAIGO_HOKEN = "kaigo_shisetsu", "介護保険施設（特別養護老人ホーム・老人保健施設・介護医療院）"
    TOKUTEI = "tokutei", "特定施設（有料老人ホーム・軽費老人ホーム・サービス付き高齢者向け住宅）"
    YOGO = "yogo", "養護老人ホーム"


class JogaiShisetsu(models.TextChoices):
    """適用除外施設 (介護保険法施行規則第170条), grouped as a clerk names them."""

    SHOGAI_SHIEN = "shogai_shien", "障害者支援施設（生活介護・施設入所支援）"
    IRYOGATA_JI = "iryogata_ji", "医療型障害児入所施設・指定医療機関"
    NOZOMI = "nozomi", "国立重度知的障害者総合施設のぞみの園"
    HANSEN = "hansen", "ハンセン病療養所"
    KYUGO = "kyugo", "救護施設（生活保護法）"
    ROSAI = "rosai", "労働者災害特別介護施設"
    RYOYO_KAIGO = "ryoyo_kaigo", "療養介護を行う病院"


class HihokenshaBango(models.Model):
    """A person's 介護保険 被保険者番号, given once."""

    atena_id = models.BigIntegerField("宛名ID", unique=True)
    bango = models.CharField("被保険者番号", max_length=10, unique=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "被保険者番号"
        verbose_name_plural = "被保険者番号"

    def __str__(self) -> str:
        return f"被保険者番号 {self.bango}"


class Shikaku(models.Model):
    atena_id = models.BigIntegerField("宛名ID")
    kubun = models.CharField("被保険者区分", max_length=1, choices=Kubun.choices)
    shutoku_date = models.DateField("資格取得日")
    shutoku_jiyu = models.CharField("取得事由", max_length=16, choices=ShutokuJiyu.choices)
    #: the registry's 異動 that caused the 取得 (an event), else None (届, job, initial data)
    shutoku_ido_id = models.BigIntegerField("取得の異動ID", null=True, blank=True)
    soshitsu_date = models.DateField("資格喪失日", null=True, blank=True)
    soshitsu_jiyu = models.CharField(
        "喪失事由", max_length=16, choices=SoshitsuJiyu.choices, blank=True
    )
    soshitsu_ido_id = models.BigIntegerField("喪失の異動ID", null=True, blank=True)
    #: 第2号: the 医療保険 the person belongs to, and the day they applied for 認定
    iryo_hoken = models.CharField(
        "医療保険の種類", max_length=16, choices=IryoHoken.choices, blank=True
    )
    shinsei_date = models.DateField("要介護認定の申請日", null=True, blank=True)
    torikeshi = models.BooleanField("取消済み", default=False)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "介護保険の資格"
        verbose_name_plural = "介護保険の資格"
        constraints = [
            models.UniqueConstraint(
                fields=["atena_id"],
                condition=models.Q(soshitsu_date__isnull=True, torikeshi=False),
                name="kaigo_shikaku_one_open",
            ),
            # A registry 異動 opens at most one period per person: a redelivered event
            # finds it and writes nothing.
            models.UniqueConstraint(
                fields=["atena_id", "shutoku_ido_id"],
                condition=models.Q(shutoku_ido_id__isnull=False),
                name="kaigo_shikaku_once_per_ido",
            ),
        ]
        indexes = [
            models.Index(fields=["atena_id", "shutoku_date"], name="kaigo_shikaku_atena_idx"),
            models.Index(fields=["kubun", "shutoku_date"], name="kaigo_shikaku_kubun_idx"),
        ]

    def __str__(self) -> str:
        return f"介護保険の資格 {self.pk}（宛名ID {self.atena_id}）"

    @property
    def is_open(self) -> bool:
        return self.soshitsu_date is None and not self.torikeshi


class ShikakuRireki(models.Model):
    """One change of 資格, append-only, with its cause and who made it."""

    atena_id = models.BigIntegerField("宛名ID")
    shikaku = models.ForeignKey(
        Shikaku, verbose_name="資格", on_delete=models.PROTECT, related_name="rireki", null=True
    )
    kind = models.CharField("変更の種類", max_length=20, choices=RirekiKind.choices)
    jiyu = models.CharField("事由", max_length=60, blank=True)
    effective_date = models.DateField("効力の日")
    cause_kind = models.CharField("原因", max_length=10, choices=CauseKind.choices)
    ido_id = models.BigIntegerField("住民記録の異動ID", null=True, blank=True)
    event_id = models.BigIntegerField("イベントID", null=True, blank=True)
    todoke_date = models.DateField("届出日", null=True, blank=True)
    actor = models.CharField("処理者", max_length=150)
    note = models.CharField("備考", max_length=200, blank=True)
    at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "介護保険の資格の履歴"
        verbose_name_plural = "介護保険の資格の履歴"
        indexes = [models.Index(fields=["atena_id", "at"], name="kaigo_rireki_atena_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_date.isoformat()}"


class JushochiTokurei(models.Model):
    """住所地特例 (介護保険法第13条): our insured person in a facility of another town."""

    atena_id = models.BigIntegerField("宛名ID")
    shisetsu_shurui = models.CharField("施設の種類", max_length=16, choices=JutokuShisetsu.choices)
    shisetsu_name = models.CharField("施設の名称", max_length=100)
    shozai_dantai_code = models.CharField("施設所在市町村の団体コード", max_length=6)
    shozai_name = models.CharField("施設所在市町村", max_length=40)
    nyusho_date = models.DateField("入所日")
    taisho_date = models.DateField("退所日", null=True, blank=True)
    todoke_date = models.DateField("届出日")
    #: the 転出 that the 住所地特例 kept from ending 資格 (set by the event)
    tenshutsu_ido_id = models.BigIntegerField("転出の異動ID", null=True, blank=True)
    created_by = models.CharField("処理者", max_length=150)

    class Meta:
        verbose_name = "住所地特例"
        verbose_name_plural = "住所地特例"
        constraints = [
            models.UniqueConstraint(
                fields=["atena_id"],
                condition=models.Q(taisho_date__isnull=True),
                name="kaigo_jutoku_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"住所地特例 {self.pk}（宛名ID {self.atena_id}）"


class TashiJutoku(models.Model):
    """他市町村の住所地特例者: a resident in one of our facilities, insured by another town."""

    atena_id = models.BigIntegerField("宛名ID")
    hokensha_dantai_code = models.CharField("保険者（市町村）の団体コード", max_length=6)
    hokensha_name = models.CharField("保険者（市町村）", max_length=40)
    shisetsu_shurui = models.CharField("施設の種類", max_length=16, choices=JutokuShisetsu.choices)
    shisetsu_name = models.CharField("施設の名称", max_length=100)
    nyusho_date = models.DateField("入所日")
    taisho_date = models.DateField("退所日", null=True, blank=True)
    created_by = models.CharField("処理者", max_length=150)

    class Meta:
        verbose_name = "他市町村の住所地特例者"
        verbose_name_plural = "他市町村の住所地特例者"
        constraints = [
            models.UniqueConstraint(
                fields=["atena_id"],
                condition=models.Q(taisho_date__isnull=True),
                name="kaigo_tashi_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"他市町村の住所地特例者 {self.pk}（宛名ID {self.atena_id}）"


class TekiyoJogai(models.Model):
    """A stay in an 適用除外施設: not insured from the 入所 to the 退所."""

    atena_id = models.BigIntegerField("宛名ID")
    shisetsu_shurui = models.CharField("施設の種類", max_length=16, choices=JogaiShisetsu.choices)
    shisetsu_name = models.CharField("施設の名称", max_length=100)
    nyusho_date = models.DateField("入所日")
    taisho_date = models.DateField("退所日", null=True, blank=True)
    created_by = models.CharField("処理者", max_length=150)

    class Meta:
        verbose_name = "適用除外施設の入所"
        verbose_name_plural = "適用除外施設の入所"
        constraints = [
            models.UniqueConstraint(
                fields=["atena_id"],
                condition=models.Q(taisho_date__isnull=True),
                name="kaigo_jogai_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"適用除外 {self.pk}（宛名ID {self.atena_id}）"
