"""国民年金, the town's part (国民年金法第12条: 第1号被保険者の届出は市町村長に; issue 15
item 6). The 日本年金機構 keeps the records and decides; the town takes the 届 and
申請 at its counter, checks them against its registry and its 所得 (税務), and sends them
on (``NenkinHokoku``: one 報告 file, 連番 per town, each 届・申請 in exactly one file).

- ``NenkinTodoke``: 第1号被保険者の資格取得・喪失・種別変更 届, with its 該当日 and 届出日.
- ``NenkinShinsei``: 免除・納付猶予・学生納付特例 申請, with the 前年所得 of 本人, 配偶者 and
  世帯主 read from ``zeimu.public`` and the town's 判定 by the law's 所得基準 per 年度
  (``kokuho/params/kokumin_nenkin.yaml``, ``kokuho.rules.nenkin``).
"""

from __future__ import annotations

from django.db import models


class TodokeKind(models.TextChoices):
    SHUTOKU = "shutoku", "資格取得"
    SOSHITSU = "soshitsu", "資格喪失"
    SHUBETSU = "shubetsu", "種別変更"


class TodokeJiyu(models.TextChoices):
    NENREI_20 = "nenrei_20", "20歳到達"
    TAISHOKU = "taishoku", "厚生年金・共済の資格喪失（退職）"
    FUYO_HAZURE = "fuyo_hazure", "第3号被保険者でなくなった（扶養から外れた）"
    KAIGAI_TENNYU = "kaigai_tennyu", "海外からの転入"
    NENREI_60 = "nenrei_60", "60歳到達"
    SHIBO = "shibo", "死亡"
    KAIGAI_TENSHUTSU = "kaigai_tenshutsu", "海外への転出"
    KOSEI_KANYU = "kosei_kanyu", "厚生年金・共済に加入（第2号へ）"
    FUYO_NARU = "fuyo_naru", "第3号被保険者になった（扶養に入った）"
    SONOTA = "sonota", "その他"


class Shubetsu(models.TextChoices):
    DAI1 = "1", "第1号被保険者"
    DAI2 = "2", "第2号被保険者"
    DAI3 = "3", "第3号被保険者"
    NASHI = "0", "被保険者でない"


class NenkinHokoku(models.Model):
    """One 報告 file sent to the 日本年金機構 (年金事務所)."""

    seq = models.PositiveIntegerField("連番", unique=True)
    rows = models.PositiveIntegerField("件数")
    path = models.CharField("保存先", max_length=300)
    encoding = models.CharField("文字コード", max_length=16)
    sha256 = models.CharField("SHA-256", max_length=64)
    created_by = models.CharField("作成者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "国民年金の報告ファイル"
        verbose_name_plural = "国民年金の報告ファイル"

    def __str__(self) -> str:
        return f"報告ファイル 第{self.seq}号"


class NenkinTodoke(models.Model):
    atena_id = models.BigIntegerField("宛名ID")
    kind = models.CharField("届の種類", max_length=10, choices=TodokeKind.choices)
    jiyu = models.CharField("事由", max_length=20, choices=TodokeJiyu.choices)
    gaito_date = models.DateField("該当年月日")
    todoke_date = models.DateField("届出日")
    shubetsu_mae = models.CharField("変更前の種別", max_length=1, choices=Shubetsu.choices)
    shubetsu_go = models.CharField("変更後の種別", max_length=1, choices=Shubetsu.choices)
    kiso_nenkin_bango = models.CharField("基礎年金番号", max_length=10, blank=True)
    hokoku = models.ForeignKey(
        NenkinHokoku,
        verbose_name="報告したファイル",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="todoke",
    )
    created_by = models.CharField("受付者", max_length=150)
    created_at = models.DateTimeField("受付日時", auto_now_add=True)

    class Meta:
        verbose_name = "国民年金の届"
        verbose_name_plural = "国民年金の届"
        indexes = [models.Index(fields=["atena_id", "gaito_date"], name="kokuho_nenkin_todoke_idx")]

    def __str__(self) -> str:
        return f"国民年金の届 {self.pk}"


class ShinseiKind(models.TextChoices):
    MENJO = "menjo", "保険料免除（全額・一部）"
    NOFU_YUYO = "nofu_yuyo", "納付猶予"
    GAKUSEI = "gakusei", "学生納付特例"


class Hantei(models.TextChoices):
    ZENGAKU = "zengaku", "全額免除に該当"
    SANBUN_YON = "sanbun_yon", "4分の3免除に該当"
    HANGAKU = "hangaku", "半額免除に該当"
    YONBUN_ICHI = "yonbun_ichi", "4分の1免除に該当"
    YUYO = "yuyo", "納付猶予に該当"
    GAKUSEI = "gakusei", "学生納付特例に該当"
    HIGAITO = "higaito", "所得基準を超える（非該当）"
    FUMEI = "fumei", "所得が不明（未申告・賦課なし）"


class NenkinShinsei(models.Model):
    atena_id = models.BigIntegerField("宛名ID")
    kind = models.CharField("申請の種類", max_length=10, choices=ShinseiKind.choices)
    nendo = models.PositiveSmallIntegerField("年度（7月から翌年6月まで）")
    shinsei_date = models.DateField("申請日")
    haigusha_atena_id = models.BigIntegerField("配偶者の宛名ID", null=True, blank=True)
    setainushi_atena_id = models.BigIntegerField("世帯主の宛名ID", null=True, blank=True)
    #: per role (honnin / haigusha / setainushi): 宛名 id, 合計所得金額, 課税状況, 扶養 and
    #: 控除 entered, the thresholds computed — every figure the 判定 used
    shotoku = models.JSONField("所得と基準額")
    hantei = models.CharField("町の所得審査の結果", max_length=12, choices=Hantei.choices)
    hokoku = models.ForeignKey(
        NenkinHokoku,
        verbose_name="報告したファイル",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shinsei",
    )
    created_by = models.CharField("受付者", max_length=150)
    created_at = models.DateTimeField("受付日時", auto_now_add=True)

    class Meta:
        verbose_name = "国民年金の免除等の申請"
        verbose_name_plural = "国民年金の免除等の申請"
        indexes = [models.Index(fields=["atena_id", "nendo"], name="kokuho_nenkin_shinsei_idx")]

    def __str__(self) -> str:
        return f"国民年金の免除等の申請 {self.pk}"
