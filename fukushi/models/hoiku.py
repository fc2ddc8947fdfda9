"""保育 (子ども・子育て支援): 施設と定員, 支給認定, 入所申込と利用調整, 入所・退所, and 保育料.

- ``HoikuShisetsu`` a facility of the town; ``HoikuTeiin`` its 定員 per 年度 and クラス年齢.
- ``HoikuNintei`` one 支給認定 (子ども・子育て支援法第19条・第20条) of one child (宛名 id):
  区分, 保育必要量 and its 事由, 認定期間. Ended early (転出・死亡) it keeps its dates and
  records when and why (``shuryo_date``, ``shuryo_ido_id``).
- ``HoikuShisu`` the town's 利用調整 table (基本指数 by 事由, 調整指数 items) per 年度: rows
  the town sets on a screen, not code.
- ``HoikuMoshikomi`` an 入所申込 with its 希望施設 in order (``HoikuKibo``); ``HoikuChoseiRun``
  one 利用調整 run and what it decided.
- ``HoikuNyusho`` an 入所 (from a run or entered) and its 退所.
- ``HoikuKeigenNintei`` the clerk's record that the household of a 支給認定 is recognised as
  ひとり親世帯等 or 要保護世帯 (its 根拠, from when to when): an application fact, never read
  off the registry.
- ``HoikuryoKaiso`` the town's own 保育料 table per 年度 (absent: the national table).
- ``HoikuryoGetsugaku`` the fee of one child for one month, as last computed.
- ``HoikuRireki`` append-only history of every write (who, what, when, why).
"""

from __future__ import annotations

from django.db import models


class ShisetsuShubetsu(models.TextChoices):
    HOIKUSHO = "hoikusho", "保育所"
    KODOMOEN = "kodomoen", "認定こども園"
    SHOKIBO = "shokibo", "小規模保育事業"
    KATEITEKI = "kateiteki", "家庭的保育事業"
    YOCHIEN = "yochien", "幼稚園（新制度）"


class NinteiKubun(models.TextChoices):
    """支給認定の区分 (子ども・子育て支援法第19条第1項各号)."""

    ICHI = "1", "1号認定（満3歳以上・教育）"
    NI = "2", "2号認定（満3歳以上・保育）"
    SAN = "3", "3号認定（満3歳未満・保育）"


class Hitsuyoryo(models.TextChoices):
    HYOJUN = "hyojun", "保育標準時間"
    TANJIKAN = "tanjikan", "保育短時間"


class HoikuJiyu(models.TextChoices):
    """保育を必要とする事由 (子ども・子育て支援法施行規則第1条の5各号)."""

    SHURO = "shuro", "就労"
    NINSHIN = "ninshin", "妊娠・出産"
    SHIPPEI = "shippei", "疾病・障害"
    KAIGO = "kaigo", "同居親族等の介護・看護"
    SAIGAI = "saigai", "災害復旧"
    KYUSHOKU = "kyushoku", "求職活動"
    GAKUSHU = "gakushu", "就学"
    GYAKUTAI = "gyakutai", "虐待・DVのおそれ"
    IKUKYU = "ikukyu", "育児休業中の継続利用"
    SONOTA = "sonota", "その他市町村が認める事由"


class ShisuKind(models.TextChoices):
    KIHON = "kihon", "基本指数"
    CHOSEI = "chosei", "調整指数"


class MoshikomiStatus(models.TextChoices):
    UKETSUKE = "uketsuke", "受付（利用調整待ち）"
    NAITEI = "naitei", "入所決定"
    HORYU = "horyu", "保留"
    TORISAGE = "torisage", "取下げ"


class HoikuShisetsu(models.Model):
    code = models.CharField("施設番号", max_length=10, unique=True)
    name = models.CharField("施設名", max_length=100)
    shubetsu = models.CharField("施設の種別", max_length=12, choices=ShisetsuShubetsu.choices)
    is_active = models.BooleanField("利用中", default=True)

    class Meta:
        verbose_name = "保育施設"
        ordering = ("code",)

    def __str__(self) -> str:
        return self.name


class HoikuTeiin(models.Model):
    shisetsu = models.ForeignKey(
        HoikuShisetsu, on_delete=models.PROTECT, related_name="teiin", verbose_name="施設"
    )
    nendo = models.IntegerField("年度")
    class_age = models.IntegerField("クラス年齢（4月1日の年齢）")
    teiin = models.IntegerField("利用定員")

    class Meta:
        verbose_name = "保育施設の定員"
        constraints = [
            models.UniqueConstraint(
                fields=("shisetsu", "nendo", "class_age"), name="hoiku_teiin_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(class_age__gte=0, class_age__lte=5, teiin__gte=0),
                name="hoiku_teiin_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class HoikuNintei(models.Model):
    atena_id = models.BigIntegerField("子どもの宛名ID", db_index=True)
    hogosha_atena_id = models.BigIntegerField("保護者の宛名ID", db_index=True)
    hogosha2_atena_id = models.BigIntegerField(
        "もう一人の保護者（父母）の宛名ID", null=True, blank=True
    )
    seiho = models.BooleanField("生活保護を受けている世帯", default=False)
    kyodai_kasan = models.IntegerField(
        "多子軽減で数える兄姉（世帯の外・18歳以上で生計を一にする子）の数", default=0
    )
    kubun = models.CharField("認定区分", max_length=1, choices=NinteiKubun.choices)
    hitsuyoryo = models.CharField(
        "保育必要量", max_length=10, choices=Hitsuyoryo.choices, blank=True
    )
    jiyu = models.CharField(
        "保育を必要とする事由", max_length=10, choices=HoikuJiyu.choices, blank=True
    )
    shuro_jikan = models.IntegerField("1か月の就労時間", null=True, blank=True)
    start_date = models.DateField("認定期間の始期")
    end_date = models.DateField("認定期間の終期")
    shuryo_date = models.DateField(
        "認定の終了日（期間の途中で終わったとき）", null=True, blank=True
    )
    shuryo_riyu = models.CharField("終了の理由", max_length=40, blank=True)
    shuryo_ido_id = models.BigIntegerField("終了させた異動のID", null=True, blank=True)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    created_by = models.CharField("登録者", max_length=150)

    class Meta:
        verbose_name = "支給認定（保育）"
        ordering = ("start_date", "id")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class HoikuShisu(models.Model):
    nendo = models.IntegerField("年度")
    kind = models.CharField("指数の種類", max_length=6, choices=ShisuKind.choices)
    code = models.CharField("項目番号", max_length=10)
    label = models.CharField("項目", max_length=100)
    jiyu = models.CharField(
        "事由（基本指数）", max_length=10, choices=HoikuJiyu.choices, blank=True
    )
    shuro_jikan_from = models.IntegerField(
        "就労時間の下限（1か月、基本指数）", null=True, blank=True
    )
    points = models.IntegerField("指数")

    class Meta:
        verbose_name = "利用調整の指数"
        ordering = ("nendo", "kind", "code")
        constraints = [
            models.UniqueConstraint(fields=("nendo", "code"), name="hoiku_shisu_unique"),
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class HoikuMoshikomi(models.Model):
    nintei = models.ForeignKey(
        HoikuNintei, on_delete=models.PROTECT, related_name="moshikomi", verbose_name="支給認定"
    )
    nendo = models.IntegerField("年度")
    uketsuke_no = models.IntegerField("受付番号")
    uketsuke_date = models.DateField("受付日")
    kibo_month = models.DateField("入所希望月（1日）")
    chosei_codes = models.JSONField("該当する調整指数の項目番号", default=list)
    status = models.CharField(
        "状況", max_length=10, choices=MoshikomiStatus.choices, default=MoshikomiStatus.UKETSUKE
    )
    points = models.IntegerField("利用調整の指数（最後の利用調整）", null=True, blank=True)

    class Meta:
        verbose_name = "入所申込"
        ordering = ("nendo", "uketsuke_no")
        constraints = [
            models.UniqueConstraint(fields=("nendo", "uketsuke_no"), name="hoiku_moshikomi_no"),
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class HoikuKibo(models.Model):
    moshikomi = models.ForeignKey(
        HoikuMoshikomi, on_delete=models.CASCADE, related_name="kibo", verbose_name="入所申込"
    )
    junni = models.IntegerField("希望順位")
    shisetsu = models.ForeignKey(HoikuShisetsu, on_delete=models.PROTECT, verbose_name="希望施設")

    class Meta:
        verbose_name = "入所希望施設"
        ordering = ("moshikomi", "junni")
        constraints = [
            models.UniqueConstraint(fields=("moshikomi", "junni"), name="hoiku_kibo_unique"),
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class HoikuChoseiRun(models.Model):
    nendo = models.IntegerField("年度")
    month = models.DateField("入所月（1日）")
    dosu_junjo = models.IntegerField("同点時の順位の規則")
    taisho = models.IntegerField("対象の申込の数")
    naitei = models.IntegerField("入所決定の数")
    horyu = models.IntegerField("保留の数")
    ran_at = models.DateTimeField("実行日時", auto_now_add=True)
    ran_by = models.CharField("実行者", max_length=150)

    class Meta:
        verbose_name = "利用調整の実行"
        ordering = ("-ran_at",)

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class HoikuNyusho(models.Model):
    nintei = models.ForeignKey(
        HoikuNintei, on_delete=models.PROTECT, related_name="nyusho", verbose_name="支給認定"
    )
    atena_id = models.BigIntegerField("子どもの宛名ID", db_index=True)
    shisetsu = models.ForeignKey(
        HoikuShisetsu, on_delete=models.PROTECT, related_name="nyusho", verbose_name="施設"
    )
    start_date = models.DateField("入所日")
    end_date = models.DateField("退所日（在籍の最後の日）", null=True, blank=True)
    taisho_riyu = models.CharField("退所の理由", max_length=40, blank=True)
    taisho_ido_id = models.BigIntegerField("退所させた異動のID", null=True, blank=True)
    moshikomi = models.ForeignKey(
        HoikuMoshikomi,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nyusho",
        verbose_name="入所申込",
    )
    run = models.ForeignKey(
        HoikuChoseiRun,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nyusho",
        verbose_name="利用調整",
    )

    class Meta:
        verbose_name = "入所"
        ordering = ("start_date", "id")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class KeigenKind(models.TextChoices):
    HITORIOYA = "hitorioya", "ひとり親世帯"
    ZAITAKU_SHOGAI = "zaitaku_shogai", "在宅障害児（者）のいる世帯"
    YOHOGO = "yohogo", "要保護世帯"


class KeigenKonkyo(models.TextChoices):
    """The evidence a clerk saw (施行令第4条・告示の「ひとり親世帯等」の各号)."""

    FUYOTEATE = "fuyoteate", "児童扶養手当の受給（証書の確認）"
    HAIGUSHA_NASHI = (
        "haigusha_nashi",
        "母子及び父子並びに寡婦福祉法の配偶者のない者（戸籍等の確認）",
    )
    SHINTAI_TECHO = "shintai_techo", "身体障害者手帳"
    RYOIKU_TECHO = "ryoiku_techo", "療育手帳"
    SEISHIN_TECHO = "seishin_techo", "精神障害者保健福祉手帳"
    TOKUBETSU_JIDO = "tokubetsu_jido", "特別児童扶養手当の受給"
    SHOGAI_NENKIN = "shogai_nenkin", "国民年金の障害基礎年金等の受給"
    YOHOGO = "yohogo", "生活保護法の要保護者と認めた"


class HoikuKeigenNintei(models.Model):
    """The household of ``nintei`` is recognised as ひとり親世帯等 (or 要保護) from
    ``start_date`` to ``end_date`` (open: until ended), on the evidence recorded."""

    nintei = models.ForeignKey(
        HoikuNintei, on_delete=models.PROTECT, related_name="keigen", verbose_name="支給認定"
    )
    kind = models.CharField("世帯の区分", max_length=16, choices=KeigenKind.choices)
    konkyo = models.CharField("根拠", max_length=16, choices=KeigenKonkyo.choices)
    konkyo_note = models.CharField("根拠の補足（証書番号など）", max_length=100, blank=True)
    start_date = models.DateField("適用の始期")
    end_date = models.DateField("適用の終期", null=True, blank=True)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    created_by = models.CharField("登録者", max_length=150)

    class Meta:
        verbose_name = "ひとり親世帯等の認定（保育料の軽減）"
        ordering = ("start_date", "id")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="hoiku_keigen_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class HoikuryoKaiso(models.Model):
    """The town's own 保育料 table (its 条例・規則), 満3歳未満, per 年度."""

    nendo = models.IntegerField("年度")
    no = models.IntegerField("階層")
    label = models.CharField("階層の区分", max_length=100)
    kind = models.CharField(
        "世帯の区分",
        max_length=8,
        choices=[("seiho", "生活保護世帯等"), ("hikazei", "非課税世帯"), ("kazei", "課税世帯")],
    )
    under = models.IntegerField("所得割額の上限（この額未満）", null=True, blank=True)
    hyojun = models.IntegerField("保育標準時間の月額")
    tanjikan = models.IntegerField("保育短時間の月額")

    class Meta:
        verbose_name = "保育料表（町村）"
        ordering = ("nendo", "no")
        constraints = [
            models.UniqueConstraint(fields=("nendo", "no"), name="hoikuryo_kaiso_unique"),
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class HoikuryoGetsugaku(models.Model):
    atena_id = models.BigIntegerField("子どもの宛名ID")
    nintei = models.ForeignKey(
        HoikuNintei, on_delete=models.PROTECT, related_name="getsugaku", verbose_name="支給認定"
    )
    nendo = models.IntegerField("年度")
    month = models.DateField("月（1日）")
    kazei_nendo = models.IntegerField("階層を決めた市町村民税の年度")
    shotokuwari = models.IntegerField("世帯の市町村民税所得割額")
    kaiso_no = models.IntegerField("階層", null=True, blank=True)
    kaiso_label = models.CharField("階層の区分", max_length=100, blank=True)
    mushoka = models.BooleanField("無償化の対象")
    tashi_order = models.IntegerField("多子軽減の順位")
    keigen = models.CharField(
        "ひとり親世帯等の軽減", max_length=16, choices=KeigenKind.choices, blank=True
    )
    kijun = models.IntegerField("保育料表の額")
    amount = models.IntegerField("保育料（月額）")
    # 日割 (fukushi.rules.hoiku_hiwari): set only for a month the child was not enrolled in
    # whole and the town's rule prorates; ``amount`` is then the prorated fee
    hiwari_mae = models.IntegerField("日割前の月額", null=True, blank=True)
    hiwari_nissu = models.IntegerField("日割の日数", null=True, blank=True)
    hiwari_bunbo = models.IntegerField("日割の基準日数", null=True, blank=True)
    computed_at = models.DateTimeField("算定日時")
    computed_by = models.CharField("算定者", max_length=150)

    class Meta:
        verbose_name = "保育料（月額）"
        ordering = ("month", "atena_id")
        constraints = [
            models.UniqueConstraint(fields=("atena_id", "month"), name="hoikuryo_getsugaku_unique"),
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class HoikuRireki(models.Model):
    """Append-only: every write of 保育 with who, when, what and why."""

    at = models.DateTimeField("日時", auto_now_add=True)
    actor = models.CharField("操作者", max_length=150)
    action = models.CharField("処理", max_length=30)
    atena_id = models.BigIntegerField("宛名ID", null=True, blank=True, db_index=True)
    detail = models.JSONField("内容", default=dict)
    riyu = models.CharField("事由・根拠", max_length=200, blank=True)

    class Meta:
        verbose_name = "保育の処理の履歴"
        ordering = ("id",)

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class HoikuryoChotei(models.Model):
    """What fukushi has stated to the 収納 ledger for one child's 保育所保育料 of one month:
    the 期別's key (child, month, the 保護者 who owes it), the 調定額 as it now stands and the
    納付番号 the ledger gave. The ledger keeps every change as its own entry; this row is
    fukushi's view of the latest, for its screens and the next posting."""

    atena_id = models.BigIntegerField("子どもの宛名ID")
    month = models.DateField("月（1日）")
    nendo = models.IntegerField("年度")
    hogosha_atena_id = models.BigIntegerField("納付する保護者の宛名ID", db_index=True)
    key = models.CharField("収納の期別の識別子", max_length=60, unique=True)
    amount = models.IntegerField("調定額")
    nofu_bango = models.CharField("納付番号", max_length=20)
    posted_at = models.DateTimeField("調定日時")
    posted_by = models.CharField("調定者", max_length=150)

    class Meta:
        verbose_name = "保育所保育料の調定"
        ordering = ("month", "atena_id")
        indexes = [models.Index(fields=("month", "atena_id"), name="hoikuryo_chotei_month")]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"
