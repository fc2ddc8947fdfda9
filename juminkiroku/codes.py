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
    JUTOGAI = "9", "住登外"


class AtenaKubun(models.TextChoices):
    """宛名区分: a resident (住登者) or a person the town deals with who is not (住登外者)."""

    JUTOSHA = "1", "住登者"
    JUTOGAI = "2", "住登外者"


class Sex(models.TextChoices):
    MALE = "1", "男"
    FEMALE = "2", "女"


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
    IKO = "K99", "データ移行"
    # 消除
    TENSHUTSU = "S01", "転出"
    KOKUGAI_TENSHUTSU = "S02", "国外転出"
    SHIBO = "S03", "死亡"
    SHOKKEN_SHOJO = "S04", "職権消除"
    # 修正
    TENKYO = "M01", "転居"
    SETAI_BUNRI = "M02", "世帯分離"
    SETAI_GAPPEI = "M03", "世帯合併"
    SETAI_HENKO = "M04", "世帯変更"
    SETAINUSHI_HENKO = "M05", "世帯主変更"
    KYUJI_TSUSHO = "M06", "旧氏・通称の記載・変更・削除"
    SHOKKEN_SHUSEI = "M07", "職権修正"
    GOKI_SHUSEI = "M08", "誤記修正"
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
}


class IdoStatus(models.TextChoices):
    KARI = "kari", "仮登録"
    HON = "hon", "本登録"
    KYAKKA = "kyakka", "差戻し・破棄"
    TORIKESHI = "torikeshi", "取消済"


class Zokugara(models.TextChoices):
    """続柄 to the 世帯主 (標準仕様書 1.1.11; the common codes)."""

    HONNIN = "01", "世帯主"
    TSUMA = "02", "妻"
    OTTO = "03", "夫"
    KO = "04", "子"
    CHICHI = "05", "父"
    HAHA = "06", "母"
    MAGO = "07", "孫"
    SOFU = "08", "祖父"
    SOBO = "09", "祖母"
    ANI = "10", "兄"
    ANE = "11", "姉"
    OTOTO = "12", "弟"
    IMOTO = "13", "妹"
    KO_NO_TSUMA = "14", "子の妻"
    KO_NO_OTTO = "15", "子の夫"
    TSUMA_NO_CHICHI = "16", "妻の父"
    TSUMA_NO_HAHA = "17", "妻の母"
    OTTO_NO_CHICHI = "18", "夫の父"
    OTTO_NO_HAHA = "19", "夫の母"
    DOKYONIN = "20", "同居人"
    SHINZOKU = "21", "親族"
    MITODOKE_TSUMA = "22", "妻（未届）"
    MITODOKE_OTTO = "23", "夫（未届）"


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
