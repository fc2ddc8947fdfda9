"""収納: one ledger for every tax and premium (issue 18).

- ``Kibetsu`` — one 期別 of one 税目, 年度 and 納税義務者: the account that 調定 and payments
  meet on. Created the first time a module posts its 調定; never deleted.
- ``Chotei`` — an entry of 調定 on a 期別 (当初, 増額・減額更正, 減免): a signed amount, never
  edited; the 期別's 調定額 is their sum. A module states the new amount; the ledger writes
  the difference (``zeimu.services.shuno.chotei_post``), keyed so a repeated post writes
  nothing.
- ``Nofu`` — one payment as it arrived (a bank file's line, a 窓口 receipt): what was read,
  from where, and the 期別 it was matched to (or 要確認).
- ``Shuno`` — an entry of 収納 on a 期別: a payment applied (納付) or moved (充当: − on the
  overpaid 期別, + on the debt) or paid back (還付: − on the overpaid 期別, with its
  ``Kanpu`` decision and 還付加算金, zeimu.models.shuno_kanpu). Never edited.

A 期別's balance on a day is Σ 調定 − Σ 収納 of the entries dated on or before it; below zero
it is 過誤納. The sums balance to the yen by construction (tested with random sequences).
"""

from __future__ import annotations

from django.db import models


class Zeimoku(models.TextChoices):
    """税目 (and premiums) the ledger carries. The ledger imports no business module: a
    module posts under its own 税目 here."""

    JUMINZEI = "juminzei", "個人住民税（普通徴収）"
    KOTEIZEI = "koteizei", "固定資産税・都市計画税"
    KEIJIDOSHA = "keijidosha", "軽自動車税（種別割）"
    HOJINZEI = "hojinzei", "法人住民税"
    KOKUHOZEI = "kokuhozei", "国民健康保険税"
    KAIGO = "kaigo", "介護保険料"
    KOKI = "koki", "後期高齢者医療保険料"
    JIGYOSHOZEI = "jigyosho", "事業所税"
    #: the 保育所's 保育料, which the 市町村 collects (私立: 子ども・子育て支援法附則第6条第4項;
    #: 公立: as the facility's own 利用者負担); posted by fukushi.services.hoikuryo_chotei
    HOIKURYO = "hoikushoryo", "保育所保育料"
    #: 生活保護法第63条の返還金 (非強制徴収公債権: no 滞納処分; 督促 by 地方自治法第231条の3
    #: 第1項; no 延滞金 here) and 第78条の徴収金 (第78条第4項 国税徴収の例: 強制徴収公債権;
    #: no 延滞金 here), and below 第77条の2; posted by fukushi.services.seiho_henkan
    SEIHO_HENKAN = "seiho63", "生活保護法第63条返還金"
    SEIHO_CHOSHU = "seiho78", "生活保護法第78条徴収金"
    #: 第63条's amount collected under 第77条の2 (国税徴収の例: 強制徴収公債権; no 延滞金 here)
    SEIHO_HENKAN77 = "seiho77", "生活保護法第77条の2徴収金"


class ChoteiKind(models.TextChoices):
    TOSHO = "tosho", "当初調定"
    ZOGAKU = "zogaku", "増額更正"
    GENGAKU = "gengaku", "減額更正"
    GENMEN = "genmen", "減免"


class ShunoKind(models.TextChoices):
    NOFU = "nofu", "納付"
    JUTO_IN = "juto_in", "充当（受入）"
    JUTO_OUT = "juto_out", "充当（払出）"
    KANPU = "kanpu", "還付"
    #: money from a 差押's 換価 or a 交付要求's 配当 (zeimu.models.shuno_taino.Haito)
    SHOBUN = "shobun", "滞納処分（換価・配当）"
    #: 不納欠損: not money; the balance of a 期別 whose duty ended (時効, 執行停止) struck
    #: off (zeimu.models.shuno_taino.Kesson). 収入済額 in a report leaves it out.
    KESSON = "kesson", "不納欠損"
    #: a 不納欠損 reduced because a payment dated before the duty ended was entered after
    #: it (``zeimu.services.shuno_kesson``): negative, beside the 欠損 it corrects
    KESSON_TORIKESHI = "kesson_t", "不納欠損の一部取消"


class NofuChannel(models.TextChoices):
    MADOGUCHI = "madoguchi", "窓口"
    KOZA = "koza", "口座振替"
    CONVENI_SOKUHO = "conveni_sokuho", "コンビニ収納（速報）"
    CONVENI_KAKUHO = "conveni_kakuho", "コンビニ収納（確報）"
    ELQR = "elqr", "地方税統一QRコード"
    KINYU = "kinyu", "金融機関（納付書）"
    #: the pension insurer's 特別徴収結果の通知 (介護保険料・国保税 withheld from a pension)
    TOKUCHO = "tokucho", "特別徴収（年金保険者）"
    #: 生活保護法第78条の2: a 徴収金 the 被保護者 asked to have taken from the 保護金品 when it
    #: is paid (posted by fukushi.services.seiho_chosei in the month's payment run)
    HOGOHI = "hogohi", "保護費からの徴収（生活保護法第78条の2）"


class NofuStatus(models.TextChoices):
    KESHIKOMI = "keshikomi", "消込済"
    YOKAKUNIN = "yokakunin", "要確認"
    FUNO = "funo", "振替不能"
    #: a コンビニ 確報 line whose payment its 速報 already applied (counted once)
    KAKUHO_SUMI = "kakuho_sumi", "確報照合済"
    #: a コンビニ 速報 line cancelling an earlier 速報 (the store voided the sale)
    TORIKESHI = "torikeshi", "取消"


class Kibetsu(models.Model):
    #: the taxpayer: a person of the person index, or (法人住民税, 事業所税) a corporation
    #: by its 法人番号 — a national number, so the ledger still names no business module
    atena = models.ForeignKey(
        "juminkiroku.Atena",
        verbose_name="納税義務者",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        # no index of its own: zeimu_kibetsu_atena (atena, nouki) serves every lookup by
        # the taxpayer, and each index is written for every 期別 a 本算定 posts
        db_index=False,
    )
    hojin_bango = models.CharField("納税義務者の法人番号", max_length=13, blank=True)
    zeimoku = models.CharField("税目", max_length=12, choices=Zeimoku.choices)
    nendo = models.PositiveSmallIntegerField("年度")
    ki = models.PositiveSmallIntegerField("期")
    ki_label = models.CharField("期の名称", max_length=20)
    nouki = models.DateField("納期限")
    #: the 納付番号 printed on the 納付書 and used as the 口座振替 顧客番号 (20 digits)
    #: (unique by a constraint, not ``unique=True``: that would add a second index, for
    #: LIKE, which no query uses — the number is looked up whole)
    nofu_bango = models.CharField("納付番号", max_length=20)
    #: the posting module's key of this 期別, unique within the 税目
    key = models.CharField("連携キー", max_length=80)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "期別"
        verbose_name_plural = "期別"
        constraints = [
            models.UniqueConstraint(fields=["zeimoku", "key"], name="zeimu_kibetsu_key"),
            models.UniqueConstraint(fields=["nofu_bango"], name="zeimu_kibetsu_nofu_bango"),
            models.CheckConstraint(
                condition=(models.Q(atena__isnull=False) & models.Q(hojin_bango=""))
                | (models.Q(atena__isnull=True) & ~models.Q(hojin_bango="")),
                name="zeimu_kibetsu_one_taxpayer",
            ),
        ]
        indexes = [
            models.Index(fields=["atena", "nouki"], name="zeimu_kibetsu_atena"),
            models.Index(
                fields=["hojin_bango", "nouki"],
                name="zeimu_kibetsu_hojin",
                condition=~models.Q(hojin_bango=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_zeimoku_display()} {self.nendo}年度 {self.ki_label}"


class Chotei(models.Model):
    kibetsu = models.ForeignKey(
        Kibetsu, verbose_name="期別", on_delete=models.PROTECT, related_name="chotei"
    )
    kind = models.CharField("調定区分", max_length=8, choices=ChoteiKind.choices)
    amount = models.BigIntegerField("調定額（増減）")
    on = models.DateField("調定日")
    reason = models.CharField("理由", max_length=200, blank=True)
    #: 地方税法第321条の2第3項・第4項: a change due to a 所得税 修正申告・更正 (not 不正, not
    #: after a 決定) — its increase bears no 延滞金 in the 除算期間 (rules.entaikin.josan_periods)
    shotoku_kiin = models.BooleanField(
        "所得税の修正申告・更正に基因", default=False, db_default=False
    )
    #: the day the change was notified to the taxpayer (the end of the 除算期間); empty: 調定日
    tsuchi_date = models.DateField("通知日", null=True, blank=True)
    #: a 増額 due by the 納期限 of its own 更正 notice (賦課課税: 固定資産税 第369条 ほか): its
    #: 延滞金 counts from the day after this day, not the 期別's 納期限
    #: (``zeimu.rules.entaikin.nouki_layers``); empty: the 期別's 納期限
    nouki = models.DateField("増額分の納期限", null=True, blank=True)
    #: the poster's key of this change: a second post with it writes nothing
    #: (unique by a constraint, not ``unique=True``: no LIKE index, no query uses one)
    ref = models.CharField("連携番号", max_length=120)
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "調定"
        verbose_name_plural = "調定"
        constraints = [models.UniqueConstraint(fields=["ref"], name="zeimu_chotei_ref")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount:,}円"


class ShunoFile(models.Model):
    """A payment file as it was imported: its hash makes a second import a no-op."""

    channel = models.CharField("経路", max_length=16, choices=NofuChannel.choices)
    name = models.CharField("ファイル名", max_length=200)
    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    lines = models.PositiveIntegerField("行数", default=0)
    matched = models.PositiveIntegerField("消込件数", default=0)
    yokakunin = models.PositiveIntegerField("要確認件数", default=0)
    funo = models.PositiveIntegerField("振替不能件数", default=0)
    errors = models.JSONField("誤りのある行", default=list)
    amount = models.BigIntegerField("収納額の計", default=0)
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("取込日時", auto_now_add=True)

    class Meta:
        verbose_name = "収納ファイル"
        verbose_name_plural = "収納ファイル"

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.name}"


class Nofu(models.Model):
    channel = models.CharField("経路", max_length=16, choices=NofuChannel.choices)
    status = models.CharField("状態", max_length=12, choices=NofuStatus.choices)
    shuno_date = models.DateField("収納日")
    amount = models.BigIntegerField("金額")
    nofu_bango = models.CharField("納付番号（読取値）", max_length=20, blank=True)
    kibetsu = models.ForeignKey(
        Kibetsu,
        verbose_name="期別",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nofu",
    )
    file = models.ForeignKey(
        ShunoFile,
        verbose_name="ファイル",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rows",
    )
    line_no = models.PositiveIntegerField("行番号", null=True, blank=True)
    #: the channel's result code or note (振替結果コード 1 資金不足 …)
    note = models.CharField("備考", max_length=100, blank=True)
    #: コンビニ収納: the store's transaction (本部・店舗・受付番号・収納日), the same in the 速報
    #: and the 確報 of one payment
    torihiki = models.CharField(
        "取引の識別", max_length=40, blank=True, default="", db_default="", db_index=True
    )
    #: コンビニ収納 速報: confirmed by a 確報 line
    kakutei = models.BooleanField("確報で確定", default=False, db_default=False)
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "納付"
        verbose_name_plural = "納付"
        constraints = [
            models.UniqueConstraint(
                fields=["file", "line_no"],
                name="zeimu_nofu_file_line",
                condition=models.Q(file__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.shuno_date} {self.amount:,}円"


class Shuno(models.Model):
    kibetsu = models.ForeignKey(
        Kibetsu, verbose_name="期別", on_delete=models.PROTECT, related_name="shuno"
    )
    kind = models.CharField("収納区分", max_length=8, choices=ShunoKind.choices)
    amount = models.BigIntegerField("収納額（増減）")
    on = models.DateField("収納日")
    nofu = models.ForeignKey(
        Nofu, verbose_name="納付", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    #: the other side of a 充当
    pair = models.ForeignKey(
        "self",
        verbose_name="対の記録",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.CharField("処理者", max_length=150)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "収納"
        verbose_name_plural = "収納"
        indexes = [models.Index(fields=["kibetsu", "on"], name="zeimu_shuno_kibetsu_on")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount:,}円"
