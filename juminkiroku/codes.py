"""Code lists of the 住民記録システム標準仕様書 used across the app.

Stored values are short ASCII codes; the labels are what staff read. The grouping of
異動事由 into 記載 / 消除 / 修正 / 取消 follows 標準仕様書 1.2.2 (異動事由).
"""

from __future__ import annotations

from django.db import models


class JuminShubetsu(models.TextChoices):
    """住民種別 (1.1.1, 1.1.2)."""

    NIHONJIN = "1", "日本人住民"
    GAIKOKUJIN = "2", "外国人住民"


class JuminJotai(models.TextChoices):
    """住民状態. Anything but JUMIN is a 除票 (or a 住登外 record)."""

    JUMIN = "1", "住民"
    TENSHUTSU = "2", "転出"
    KOKUGAI_TENSHUTSU = "3", "国外転出"
    SHIBO = "4", "死亡"
    SHOKKEN_SHOJO = "5", "職権消除"
    # 標準仕様書 9.3: a 除票 moved to the 除票用データベース (juminkiroku.models.johyo). The
    # 宛名 row stays as the key other modules hold, its personal items cleared.
    IKOZUMI = "8", "除票移行済"
    JUTOGAI = "9", "住登外"


class AtenaKubun(models.TextChoices):
    """宛名区分: a resident (住登者) or a person the town deals with who is not (住登外者)."""

    JUTOSHA = "1", "住登者"
    JUTOGAI = "2", "住登外者"


class Sex(models.TextChoices):
    MALE = "1", "男"
    FEMALE = "2", "女"


class ZairyuKubun(models.TextChoices):
    """The 外国人住民 of 住民基本台帳法 第30条の45 (its table; 標準仕様書 1.1.2 外国人住民
    の区分). 経過滞在者 are the two last rows: 出生による / 国籍喪失による."""

    CHUCHOKI = "1", "中長期在留者"
    TOKUBETSU_EIJU = "2", "特別永住者"
    ICHIJI_HIGO = "3", "一時庇護許可者"
    KARITAIZAI = "4", "仮滞在許可者"
    KEIKA_SHUSSEI = "5", "出生による経過滞在者"
    KEIKA_SOSHITSU = "6", "国籍喪失による経過滞在者"


# 法第30条の46 / 第30条の47 (4.5.1, 4.5.2) name these four; 経過滞在者 come by 出生 or 国籍喪失.
HO30_46_KUBUN = frozenset(
    {
        ZairyuKubun.CHUCHOKI.value,
        ZairyuKubun.TOKUBETSU_EIJU.value,
        ZairyuKubun.ICHIJI_HIGO.value,
        ZairyuKubun.KARITAIZAI.value,
    }
)


class IdoGroup(models.TextChoices):
    KISAI = "kisai", "記載"
    SHOJO = "shojo", "消除"
    SHUSEI = "shusei", "修正"
    TORIKESHI = "torikeshi", "取消"


class IdoJiyu(models.TextChoices):
    """異動事由 (標準仕様書 1.2.2). The first two letters give the group."""

    # 記載
    TENNYU = "K01", "転入"
    KOKUGAI_TENNYU = "K02", "国外転入"
    SHUSSEI = "K03", "出生"
    SHOKKEN_KISAI = "K04", "職権記載"
    # 帰化・国籍取得 (4.5.3, 4.5.4) and 国籍喪失 (4.5.5): one 異動 of a resident on file that
    # closes the 住民票 of one 住民種別 and writes the other, keeping the 宛名番号.
    KIKA = "K05", "帰化"
    KOKUSEKI_SHUTOKU = "K06", "国籍取得"
    KOKUSEKI_SOSHITSU = "K07", "国籍喪失"
    JUSHO_SETTEI = "K08", "住所設定"  # 4.2.1.1
    MITODOKE_TENNYU = "K09", "未届転入"  # 4.1.1.4, 4.2.1.1
    # 4.5.1, 4.5.2: a foreign resident who sets an address on landing (法第30条の46) or one
    # with an address who becomes a 法第30条の45 person (法第30条の47); 転入前住所 may be blank.
    HO30_46_TENNYU = "K46", "法第30条の46転入"
    HO30_47_TODOKE = "K47", "法第30条の47届出"
    IKO = "K99", "データ移行"
    # 消除
    TENSHUTSU = "S01", "転出"
    KOKUGAI_TENSHUTSU = "S02", "国外転出"
    SHIBO = "S03", "死亡"
    SHOKKEN_SHOJO = "S04", "職権消除"
    SHISSO = "S05", "失踪（職権消除）"  # 4.2.2.2: on the 本籍地's 法第9条第2項 notice
    # 修正
    TENKYO = "M01", "転居"
    SETAI_BUNRI = "M02", "世帯分離"
    SETAI_GAPPEI = "M03", "世帯合併"
    SETAI_HENKO = "M04", "世帯変更"
    SETAINUSHI_HENKO = "M05", "世帯主変更"
    KYUJI_TSUSHO = "M06", "旧氏・通称の記載・変更・削除"
    SHOKKEN_SHUSEI = "M07", "職権修正"
    GOKI_SHUSEI = "M08", "誤記修正"
    KEIBI_SHUSEI = "M09", "軽微な修正"  # 4.2.3.2 (規則第11条第3項第2号)
    KOJIN_BANGO_HENKO = "M10", "個人番号の変更請求"
    KOJIN_BANGO_SHOKKEN_SHUSEI = "M11", "個人番号の職権修正"
    KOJIN_BANGO_SHOKKEN_KISAI = "M12", "個人番号の職権記載"
    JUMINHYO_CODE_HENKO = "M13", "住民票コードの変更請求"
    JUMINHYO_CODE_SHOKKEN_KISAI = "M14", "住民票コードの職権記載"
    KAISEI = "M15", "改製"  # 1.1.4: by hand, at any time; the earlier versions are 改製原住民票
    SAISEI = "M16", "再製"
    # 取消
    TORIKESHI = "T01", "異動の取消し"


IDO_GROUP_OF: dict[str, str] = {
    **{j.value: IdoGroup.KISAI for j in IdoJiyu if j.value.startswith("K")},
    **{j.value: IdoGroup.SHOJO for j in IdoJiyu if j.value.startswith("S")},
    **{j.value: IdoGroup.SHUSEI for j in IdoJiyu if j.value.startswith("M")},
    IdoJiyu.TORIKESHI.value: IdoGroup.TORIKESHI,
}

# The 住民状態 a 消除 leaves behind.
SHOJO_JOTAI: dict[str, str] = {
    IdoJiyu.TENSHUTSU.value: JuminJotai.TENSHUTSU,
    IdoJiyu.KOKUGAI_TENSHUTSU.value: JuminJotai.KOKUGAI_TENSHUTSU,
    IdoJiyu.SHIBO.value: JuminJotai.SHIBO,
    IdoJiyu.SHOKKEN_SHOJO.value: JuminJotai.SHOKKEN_SHOJO,
    IdoJiyu.SHISSO.value: JuminJotai.SHOKKEN_SHOJO,
}

# 記載 of a person already a resident: the 住民種別 changes (4.5.3–4.5.5), and the
# 住民種別 it leaves behind.
KOKUSEKI_IDO: dict[str, str] = {
    IdoJiyu.KIKA.value: JuminShubetsu.NIHONJIN,
    IdoJiyu.KOKUSEKI_SHUTOKU.value: JuminShubetsu.NIHONJIN,
    IdoJiyu.KOKUSEKI_SOSHITSU.value: JuminShubetsu.GAIKOKUJIN,
}

# The only items each 番号・改製 異動 may change (none for 改製・再製).
BANGO_IDO: dict[str, str] = {
    IdoJiyu.KOJIN_BANGO_HENKO.value: "kojin_bango",
    IdoJiyu.KOJIN_BANGO_SHOKKEN_SHUSEI.value: "kojin_bango",
    IdoJiyu.KOJIN_BANGO_SHOKKEN_KISAI.value: "kojin_bango",
    IdoJiyu.JUMINHYO_CODE_HENKO.value: "juminhyo_code",
    IdoJiyu.JUMINHYO_CODE_SHOKKEN_KISAI.value: "juminhyo_code",
}
# 職権記載 of a number the person did not have yet (the others change one they have).
BANGO_KISAI = {
    IdoJiyu.KOJIN_BANGO_SHOKKEN_KISAI.value,
    IdoJiyu.JUMINHYO_CODE_SHOKKEN_KISAI.value,
}
KAISEI_IDO = {IdoJiyu.KAISEI.value, IdoJiyu.SAISEI.value}

# 軽微な修正 (4.2.3.2) corrects only the 氏名 or the 住所 (規則第11条第3項第2号).
KEIBI_FIELDS = frozenset(
    {"shimei", "shimei_kana", "jusho", "jusho_code", "banchi", "katagaki", "postal_code"}
)

STANDARD_KUBUN: dict[str, tuple[str, ...]] = {
    IdoJiyu.TENNYU.value: ("記載:国内転入",),
    IdoJiyu.KOKUGAI_TENNYU.value: ("記載:国外転入等",),
    IdoJiyu.SHUSSEI.value: ("記載:出生",),
    IdoJiyu.SHOKKEN_KISAI.value: ("記載:職権記載",),
    IdoJiyu.KIKA.value: ("記載:職権記載（帰化等）", "消除:職権消除（帰化等）"),
    IdoJiyu.KOKUSEKI_SHUTOKU.value: ("記載:職権記載（帰化等）", "消除:職権消除（帰化等）"),
    IdoJiyu.KOKUSEKI_SOSHITSU.value: ("記載:職権記載（国籍喪失）", "消除:職権消除（国籍喪失）"),
    IdoJiyu.JUSHO_SETTEI.value: ("記載:職権記載",),
    IdoJiyu.MITODOKE_TENNYU.value: ("記載:職権記載",),
    IdoJiyu.HO30_46_TENNYU.value: ("記載:国外転入等",),
    IdoJiyu.HO30_47_TODOKE.value: ("記載:国外転入等",),
    IdoJiyu.IKO.value: ("記載:職権記載",),
    IdoJiyu.TENSHUTSU.value: ("消除:国内転出",),
    IdoJiyu.KOKUGAI_TENSHUTSU.value: ("消除:国外転出",),
    IdoJiyu.SHIBO.value: ("消除:死亡",),
    IdoJiyu.SHOKKEN_SHOJO.value: ("消除:職権消除",),
    IdoJiyu.SHISSO.value: ("消除:職権消除",),
    IdoJiyu.TENKYO.value: ("修正:転居",),
    IdoJiyu.SETAI_BUNRI.value: ("修正:世帯分離",),
    IdoJiyu.SETAI_GAPPEI.value: ("修正:世帯合併",),
    IdoJiyu.SETAI_HENKO.value: ("修正:世帯変更",),
    IdoJiyu.SETAINUSHI_HENKO.value: ("修正:世帯主変更",),
    IdoJiyu.KYUJI_TSUSHO.value: (
        "修正:旧氏の記載",
        "修正:旧氏の変更",
        "修正:旧氏の削除",
        "修正:通称の記載",
        "修正:通称の削除",
    ),
    IdoJiyu.SHOKKEN_SHUSEI.value: ("修正:職権修正",),
    IdoJiyu.GOKI_SHUSEI.value: ("修正:誤記修正",),
    IdoJiyu.KEIBI_SHUSEI.value: ("修正:軽微な修正",),
    IdoJiyu.KOJIN_BANGO_HENKO.value: ("修正:個人番号の変更請求",),
    IdoJiyu.KOJIN_BANGO_SHOKKEN_SHUSEI.value: ("修正:個人番号の職権修正",),
    IdoJiyu.KOJIN_BANGO_SHOKKEN_KISAI.value: ("修正:個人番号の職権記載",),
    IdoJiyu.JUMINHYO_CODE_HENKO.value: ("修正:住民票コードの変更請求",),
    IdoJiyu.JUMINHYO_CODE_SHOKKEN_KISAI.value: ("修正:住民票コードの職権記載",),
    IdoJiyu.KAISEI.value: ("記載:改製", "消除:改製"),
    IdoJiyu.SAISEI.value: ("記載:再製", "消除:再製"),
    # The 取消 takes the group of what it undoes: 増 (a 消除 undone), 減 (a 記載 undone),
    # 修正 (a 修正 undone); see torikeshi_kubun.
    IdoJiyu.TORIKESHI.value: (
        "記載:異動の取消し（増）",
        "消除:異動の取消し（減）",
        "修正:異動の取消し（修正）",
    ),
}
"""Our 異動事由 mapped to the classification of 標準仕様書 1.2.2 (group:区分). Every 区分 the
standard lists is reached by at least one code (juminkiroku/tests/test_ido_kinds.py)."""


def torikeshi_kubun(cancelled_jiyu: str) -> str:
    """The 1.2.2 区分 of a 取消 of ``cancelled_jiyu``: 増, 減 or 修正."""
    group = IDO_GROUP_OF[cancelled_jiyu]
    if group == IdoGroup.SHOJO:
        return "記載:異動の取消し（増）"
    if group == IdoGroup.KISAI and cancelled_jiyu not in KOKUSEKI_IDO:
        return "消除:異動の取消し（減）"
    return "修正:異動の取消し（修正）"


class IdoStatus(models.TextChoices):
    KARI = "kari", "仮登録"
    HON = "hon", "本登録"
    KYAKKA = "kyakka", "差戻し・破棄"
    TORIKESHI = "torikeshi", "取消済"


class Zokugara(models.TextChoices):
    """The terms of a 続柄 to the 世帯主 (標準仕様書 1.1.11). A stored 続柄 is one of them or a
    chain of up to four joined by 「の」 (juminkiroku.rules.zokugara: 子の子 is ``"0404"``).
    The codes 1.1.11 forbids (07 孫, 08 祖父, 09 祖母, 16–19 妻の父…夫の母, 21 親族) are gone;
    migration 0005_idokinds_zokugara rewrote stored ones."""

    HONNIN = "01", "世帯主"
    TSUMA = "02", "妻"
    OTTO = "03", "夫"
    KO = "04", "子"
    CHICHI = "05", "父"
    HAHA = "06", "母"
    ANI = "10", "兄"
    ANE = "11", "姉"
    OTOTO = "12", "弟"
    IMOTO = "13", "妹"
    KO_NO_TSUMA = "14", "子の妻"
    KO_NO_OTTO = "15", "子の夫"
    DOKYONIN = "20", "同居人"
    MITODOKE_TSUMA = "22", "妻（未届）"
    MITODOKE_OTTO = "23", "夫（未届）"
    ENKOSHA = "24", "縁故者"


class YokushiProcess(models.TextChoices):
    """What a 抑止 stops (標準仕様書 3.1)."""

    IDO = "ido", "異動"
    HAKKO = "hakko", "発行"
    SHOKAI = "shokai", "照会"


class ShienEndReason(models.TextChoices):
    """Why a 支援措置 ended (標準仕様書 3.4)."""

    MOSHIDE = "moshide", "支援対象者からの終了の申出"
    KIKAN = "kikan", "期間経過・延長なし"
    FUYO = "fuyo", "支援の必要性がなくなった"


class YokushiLevel(models.TextChoices):
    ERROR = "error", "エラー（処理不可）"
    ALERT = "alert", "アラート（確認のうえ処理可）"


class ShomeiKind(models.TextChoices):
    JUMINHYO = "juminhyo", "住民票の写し"
    JOHYO = "johyo", "除票の写し"
    INKAN = "inkan", "印鑑登録証明書"
    KISAI = "kisai", "住民票記載事項証明書"
    JOHYO_KISAI = "jo_kisai", "住民票除票記載事項証明書"


class ShomeiLayout(models.TextChoices):
    RENKI = "renki", "世帯連記式"
    KOJIN = "kojin", "個人票"


class Seikyusha(models.TextChoices):
    """Who asked for the certificate (住民基本台帳法 第12条, 第12条の2, 第12条の3)."""

    HONNIN = "honnin", "本人・同一世帯員"
    DAIRININ = "dairinin", "代理人"
    DAISANSHA = "daisansha", "第三者"
    KOYO = "koyo", "公用請求"


class InkanStatus(models.TextChoices):
    TOROKU = "toroku", "登録"
    HAISHI = "haishi", "廃止"
    BOSHITSU = "boshitsu", "亡失"
    SHOKKEN_MASSHO = "shokken", "職権抹消"


class NinshoshaKubun(models.TextChoices):
    """認証者 (標準仕様書 1.3.9): the head of the municipality or the deputy."""

    CHOCHO = "chocho", "市区町村長"
    DAIRI = "dairi", "職務代理者"


class KoinKind(models.TextChoices):
    """公印の種類 (標準仕様書 5.6). The card-face seal (カード券面用) is not printed here."""

    CHOCHO = "chocho", "市区町村長印"
    DAIRI = "dairi", "職務代理者印"
    SHOMEI = "shomei", "証明書専用印"


class MojiAfure(models.TextChoices):
    """What a certificate prints for an item that does not fit (標準仕様書 5.8)."""

    GENKAI = "genkai", "限界まで印字"
    KUHAKU = "kuhaku", "空白で印字"
