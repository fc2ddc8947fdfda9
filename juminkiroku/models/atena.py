"""The person index (宛名) and the resident record with its full history.

``Atena`` holds one row per person the town deals with and carries the *current*
state (what a search or a screen shows). ``AtenaRireki`` holds every version of the
住民票 as it was between two 異動: ``valid_from`` (inclusive) to ``valid_to``
(exclusive, NULL while current). A correction never edits a version: it marks it
``superseded`` and writes the corrected copy, so "who lived here on date D" is one
indexed range query over the versions that are not superseded.
"""

from __future__ import annotations

from django.db import models

from juminkiroku.codes import AtenaKubun, JuminJotai, JuminShubetsu, Sex, ZairyuKubun, Zokugara


class Setai(models.Model):
    """世帯. Members, head and address live on the members' versions."""

    setai_no = models.CharField("世帯番号", max_length=10, unique=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "世帯"
        verbose_name_plural = "世帯"

    def __str__(self) -> str:
        return self.setai_no


class ZokugaraField(models.CharField):
    """続柄 (標準仕様書 1.1.11): a chain of up to four two-digit terms, read in words by
    ``juminkiroku.rules.zokugara``; ``tenants.labels.field_display`` asks it how a value reads."""

    def display_value(self, value: str) -> str:
        from juminkiroku.rules.zokugara import zokugara_label

        return zokugara_label(str(value)) if value else ""


class PersonFields(models.Model):
    """The items of a 住民票 (標準仕様書 1.1.1 / 1.1.2) shared by the index and its history."""

    kubun = models.CharField(
        "宛名区分", max_length=1, choices=AtenaKubun.choices, default=AtenaKubun.JUTOSHA
    )
    shubetsu = models.CharField(
        "住民種別", max_length=1, choices=JuminShubetsu.choices, default=JuminShubetsu.NIHONJIN
    )
    jotai = models.CharField(
        "住民状態", max_length=1, choices=JuminJotai.choices, default=JuminJotai.JUMIN
    )
    # 氏名
    shimei = models.CharField("氏名", max_length=100)
    shimei_kana = models.CharField("氏名フリガナ", max_length=200, blank=True)
    kana_kakunin = models.BooleanField("フリガナ確認", default=False)
    kyuuji = models.CharField("旧氏", max_length=50, blank=True)
    kyuuji_kana = models.CharField("旧氏フリガナ", max_length=100, blank=True)
    # 外国人住民
    alpha_name = models.CharField("氏名（アルファベット）", max_length=200, blank=True)
    tsusho = models.CharField("通称", max_length=100, blank=True)
    tsusho_kana = models.CharField("通称フリガナ", max_length=200, blank=True)
    kokuseki = models.CharField("国籍・地域", max_length=60, blank=True)
    zairyu_shikaku = models.CharField("在留資格", max_length=60, blank=True)
    zairyu_kikan_to = models.DateField("在留期間の満了日", null=True, blank=True)
    zairyu_card_no = models.CharField("在留カード等番号", max_length=12, blank=True)
    # 法第30条の45 区分 (標準仕様書 1.1.2; juminkiroku.codes.ZairyuKubun), blank for 日本人住民.
    zairyu_kubun = models.CharField(
        "法第30条の45区分", max_length=1, choices=ZairyuKubun.choices, blank=True
    )
    # 基本
    birth_date = models.DateField("生年月日")
    sex = models.CharField("性別", max_length=1, choices=Sex.choices)
    # 住所
    postal_code = models.CharField("郵便番号", max_length=7, blank=True)
    jusho_code = models.CharField("住所コード", max_length=20, blank=True)
    jusho = models.CharField("住所", max_length=200, blank=True)
    banchi = models.CharField("番地", max_length=60, blank=True)
    katagaki = models.CharField("方書", max_length=120, blank=True)
    chiku_code = models.CharField("地区コード", max_length=10, blank=True)
    # 世帯
    setai = models.ForeignKey(
        Setai,
        verbose_name="世帯",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # 1.1.11: a chain of up to four two-digit terms (juminkiroku.rules.zokugara).
    zokugara = ZokugaraField("続柄", max_length=8, blank=True)
    setai_order = models.PositiveSmallIntegerField("世帯内の並び順", default=1)
    # 本籍 (日本人住民)
    honseki = models.CharField("本籍", max_length=200, blank=True)
    hittosha = models.CharField("筆頭者", max_length=100, blank=True)
    # 日付
    jumin_date = models.DateField("住民となった日", null=True, blank=True)
    jutei_date = models.DateField("住所を定めた日", null=True, blank=True)
    todoke_date = models.DateField("届出日", null=True, blank=True)
    tennyu_mae_jusho = models.CharField("転入前住所", max_length=200, blank=True)
    tennyu_mae_postal_code = models.CharField("転入前住所の郵便番号", max_length=7, blank=True)
    tenshutsu_saki_jusho = models.CharField("転出先住所", max_length=200, blank=True)
    # 標準仕様書 1.1.17: the 転出先住所（予定）'s postal code (its 確定 one: models.tenshutsu).
    tenshutsu_saki_postal_code = models.CharField("転出先住所の郵便番号", max_length=7, blank=True)
    shojo_date = models.DateField("消除日（事由の生じた日）", null=True, blank=True)
    shojo_jiyu = models.CharField("消除事由", max_length=3, blank=True)
    # 番号
    juminhyo_code = models.CharField("住民票コード", max_length=11, blank=True)
    kojin_bango = models.CharField("個人番号", max_length=12, blank=True)
    # --- 不詳日 (標準仕様書 1.1.8): the text of a date not known exactly or not on the
    # calendar, shown instead of the DateField beside it, which stays for computation
    # (juminkiroku.rules.fusho). Empty for an ordinary day.
    birth_date_fusho = models.CharField("生年月日（不詳日）", max_length=40, blank=True)
    jumin_date_fusho = models.CharField("住民となった日（不詳日）", max_length=40, blank=True)
    jutei_date_fusho = models.CharField("住所を定めた日（不詳日）", max_length=40, blank=True)
    shojo_date_fusho = models.CharField("消除日（不詳日）", max_length=40, blank=True)
    # --- end 不詳日
    # --- フリガナ確認 (標準仕様書 1.1.18): one flag per 氏名 (kana_kakunin above), 旧氏 and
    # 通称: whether the reading was confirmed with the person.
    kyuuji_kana_kakunin = models.BooleanField("旧氏フリガナ確認", default=False)
    tsusho_kana_kakunin = models.BooleanField("通称フリガナ確認", default=False)
    # --- end フリガナ確認

    class Meta:
        abstract = True

    def get_zokugara_display(self) -> str:
        from juminkiroku.rules.zokugara import zokugara_label

        return zokugara_label(self.zokugara) if self.zokugara else ""

    @property
    def is_setainushi(self) -> bool:
        return self.zokugara == Zokugara.HONNIN

    @property
    def is_johyo(self) -> bool:
        return self.kubun == AtenaKubun.JUTOSHA and self.jotai != JuminJotai.JUMIN

    def kojin_bango_masked(self) -> str:
        return "************" if self.kojin_bango else ""


PERSON_FIELD_NAMES: tuple[str, ...] = tuple(f.attname for f in PersonFields._meta.local_fields)
"""Column attribute names of PersonFields (``setai_id`` for the household)."""


class Atena(PersonFields):
    """宛名: the current state of one person. Other modules key on ``Atena.pk``."""

    atena_no = models.CharField("宛名番号", max_length=10, unique=True)
    # Normalised search keys (juminkiroku.rules.kana), maintained by the services.
    kana_key = models.CharField("検索用カナ", max_length=200, blank=True)
    name_key = models.CharField("検索用氏名", max_length=100, blank=True)
    version = models.PositiveIntegerField("版", default=1)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "宛名"
        verbose_name_plural = "宛名"
        indexes = [
            models.Index(
                fields=["kana_key"], name="atena_kana_key_idx", opclasses=["text_pattern_ops"]
            ),
            models.Index(
                fields=["name_key"], name="atena_name_key_idx", opclasses=["text_pattern_ops"]
            ),
            models.Index(fields=["birth_date"], name="atena_birth_idx"),
            # (no index on setai alone here: the foreign key's own index is that btree;
            # a second one, atena_setai_idx, cost every insert and bulk load; issue 23)
            # 住民票コード and 個人番号 are only ever looked up exactly (=, IN), never
            # ordered or ranged: their indexes compare bytes (pattern ops: equality and
            # prefix LIKE), as kana_key's, instead of the database's collation, whose
            # comparisons made each build 2-3 times as costly (the residents load rebuilds
            # both after its COPY; issue 23).
            models.Index(
                fields=["juminhyo_code"], name="atena_jcode_idx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["jusho_code"], name="atena_jusho_code_idx"),
            # 基本検索 (標準仕様書 2.1.3) by 個人番号 and 在留カード番号: exact, indexed.
            models.Index(
                fields=["kojin_bango"],
                name="atena_kojin_bango_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["zairyu_card_no"], name="atena_zairyu_card_idx"),
        ]

    def __str__(self) -> str:
        return self.atena_no


class AtenaRireki(PersonFields):
    """One version of a person's 住民票, valid on [valid_from, valid_to)."""

    # No index of its own: ``rireki_atena_idx`` (atena_id, valid_from) serves every lookup
    # by atena_id (its leading column); the single-column copy only cost inserts and loads.
    atena = models.ForeignKey(
        Atena,
        verbose_name="宛名",
        on_delete=models.PROTECT,
        related_name="rireki",
        db_index=False,
    )
    valid_from = models.DateField("有効開始日（異動日）")
    valid_to = models.DateField("有効終了日（次の異動日）", null=True, blank=True)
    ido = models.ForeignKey(
        "juminkiroku.Ido", verbose_name="作成した異動", on_delete=models.PROTECT, related_name="+"
    )
    closed_by = models.ForeignKey(
        "juminkiroku.Ido",
        verbose_name="終了させた異動",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # rireki_closed_by_idx (partial) below
    )
    superseded = models.BooleanField("訂正・取消により無効", default=False)
    superseded_by = models.ForeignKey(
        "juminkiroku.Ido",
        verbose_name="無効にした異動",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # rireki_superseded_by_idx (partial) below
    )
    # A 取消 that reopens an earlier version writes a copy of it (``ido`` = the 取消) and
    # points the copy here at the version it stands for, so that a later 取消 of the
    # earlier 異動 finds the copy too (juminkiroku.selectors.rireki.versions_standing_for).
    reopens = models.ForeignKey(
        "self",
        verbose_name="取消により戻した版",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # rireki_reopens_idx (partial) below
    )
    recorded_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "住民票の履歴"
        verbose_name_plural = "住民票の履歴"
        indexes = [
            models.Index(
                fields=["valid_from", "valid_to"],
                name="rireki_asof_idx",
                condition=models.Q(superseded=False),
            ),
            models.Index(fields=["atena", "valid_from"], name="rireki_atena_idx"),
            models.Index(
                fields=["setai", "valid_from"],
                name="rireki_setai_idx",
                condition=models.Q(superseded=False),
            ),
            # The three links to a later 異動 / version are NULL in nearly every version (a
            # version is closed, superseded or a reopening copy only after an 異動): their
            # indexes hold only the rows that have one. Every lookup is by equality (or IN)
            # on the column, and the foreign keys' own checks (deleting an 異動 or a
            # version) are equalities too, which imply IS NOT NULL, so the planner uses
            # them as it used the full ones (juminkiroku/tests/test_rireki_partial_indexes.py);
            # a load no longer builds two indexes of NULLs per version (issue 23).
            models.Index(
                fields=["closed_by"],
                name="rireki_closed_by_idx",
                condition=models.Q(closed_by__isnull=False),
            ),
            models.Index(
                fields=["superseded_by"],
                name="rireki_superseded_by_idx",
                condition=models.Q(superseded_by__isnull=False),
            ),
            models.Index(
                fields=["reopens"],
                name="rireki_reopens_idx",
                condition=models.Q(reopens__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="rireki_valid_range",
            ),
            # At most one open version per person.
            models.UniqueConstraint(
                fields=["atena"],
                condition=models.Q(valid_to__isnull=True, superseded=False),
                name="rireki_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.atena_id} {self.valid_from}–{self.valid_to or ''}"
