"""The events 住民記録 publishes (declared here, listed in docs/events.md).

Every 本登録 of a 異動 publishes, in its own transaction and through the outbox, exactly
one event for its kind (the 異動事由; ``EVENT_OF_JIYU``), plus one of
``SHIMEI_HENKO`` / ``SEINENGAPPI_HENKO`` / ``SEIBETSU_HENKO`` for each of those items it
changed for a person already on file. The 本登録 of a 取消 publishes ``TORIKESHI`` only,
naming the 異動 it undoes and the events that 異動 had published.

Payloads carry ids, codes and dates: never names, addresses or 個人番号. ``atena_ids``
are ``Atena`` ids (what other modules key persons on), ``setai_ids`` are ``Setai`` ids.
Published by ``juminkiroku.services.ido.publish``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from juminkiroku.codes import IdoJiyu
from tenants.events.contracts import EventType, declare


@dataclass(frozen=True)
class KisaiPayload:
    """記載: persons entered into the registry, all into one household."""

    ido_id: Annotated[int, "異動ID"]
    jiyu: Annotated[str, "異動事由コード（標準仕様書 1.2.2）"]
    ido_date: Annotated[date, "異動日"]
    todoke_date: Annotated[date | None, "届出日（職権によるものは空）"]
    atena_ids: Annotated[tuple[int, ...], "記載された人の宛名ID"]
    setai_id: Annotated[int, "記載された世帯の世帯ID"]


@dataclass(frozen=True)
class ShojoPayload:
    """消除: persons leaving the registry (they keep their 宛名 as a 除票)."""

    ido_id: Annotated[int, "異動ID"]
    jiyu: Annotated[str, "異動事由コード（標準仕様書 1.2.2）"]
    ido_date: Annotated[date, "異動日（転出は転出予定日）"]
    todoke_date: Annotated[date | None, "届出日（職権によるものは空）"]
    atena_ids: Annotated[tuple[int, ...], "消除された人の宛名ID"]
    setai_ids: Annotated[tuple[int, ...], "消除された人が属していた世帯の世帯ID"]


@dataclass(frozen=True)
class SetaiIdoPayload:
    """転居 and the household changes: who moved from which household(s) to which."""

    ido_id: Annotated[int, "異動ID"]
    jiyu: Annotated[str, "異動事由コード（標準仕様書 1.2.2）"]
    ido_date: Annotated[date, "異動日"]
    todoke_date: Annotated[date | None, "届出日"]
    atena_ids: Annotated[tuple[int, ...], "異動した人の宛名ID"]
    before_setai_ids: Annotated[tuple[int, ...], "異動前の世帯ID"]
    after_setai_ids: Annotated[tuple[int, ...], "異動後の世帯ID"]


@dataclass(frozen=True)
class SetainushiPayload:
    """世帯主変更 within a household."""

    ido_id: Annotated[int, "異動ID"]
    jiyu: Annotated[str, "異動事由コード（標準仕様書 1.2.2）"]
    ido_date: Annotated[date, "異動日"]
    todoke_date: Annotated[date | None, "届出日"]
    atena_ids: Annotated[tuple[int, ...], "続柄が変わった人の宛名ID"]
    setai_ids: Annotated[tuple[int, ...], "世帯ID"]
    before_setainushi_ids: Annotated[tuple[int, ...], "そのうち異動前に世帯主だった人の宛名ID"]
    after_setainushi_ids: Annotated[tuple[int, ...], "そのうち異動後に世帯主である人の宛名ID"]


@dataclass(frozen=True)
class ShuseiPayload:
    """記載事項の修正: which items changed (their field names, never their values)."""

    ido_id: Annotated[int, "異動ID"]
    jiyu: Annotated[str, "異動事由コード（標準仕様書 1.2.2）"]
    ido_date: Annotated[date, "異動日"]
    todoke_date: Annotated[date | None, "届出日"]
    atena_ids: Annotated[tuple[int, ...], "修正された人の宛名ID"]
    items: Annotated[tuple[str, ...], "変更された項目の名前（PersonFields の項目名。値は含まない）"]


@dataclass(frozen=True)
class KomokuHenkoPayload:
    """One identity item (氏名, 生年月日 or 性別) changed for these persons."""

    ido_id: Annotated[int, "異動ID"]
    jiyu: Annotated[str, "その変更を含む異動の異動事由コード"]
    ido_date: Annotated[date, "異動日"]
    todoke_date: Annotated[date | None, "届出日"]
    atena_ids: Annotated[tuple[int, ...], "その項目が変わった人の宛名ID"]


@dataclass(frozen=True)
class KokusekiPayload:
    """帰化・国籍取得・国籍喪失 (標準仕様書 4.5.3–4.5.5): the persons' 住民票 of one 住民種別 is
    closed and one of the other written, same 宛名, same household."""

    ido_id: Annotated[int, "異動ID"]
    jiyu: Annotated[str, "異動事由コード（K05 帰化、K06 国籍取得、K07 国籍喪失）"]
    ido_date: Annotated[date, "異動日（帰化・国籍取得・国籍喪失の日）"]
    todoke_date: Annotated[date | None, "届出日（職権によるものは空）"]
    atena_ids: Annotated[tuple[int, ...], "住民種別が変わった人の宛名ID"]
    setai_ids: Annotated[tuple[int, ...], "その人の世帯ID"]
    shubetsu: Annotated[str, "異動後の住民種別コード（1 日本人住民、2 外国人住民）"]


@dataclass(frozen=True)
class KaiseiPayload:
    """改製・再製 (標準仕様書 1.1.4): the 住民票 was rewritten with the same content."""

    ido_id: Annotated[int, "異動ID"]
    jiyu: Annotated[str, "異動事由コード（M15 改製、M16 再製）"]
    ido_date: Annotated[date, "改製・再製の日"]
    todoke_date: Annotated[date | None, "届出日（常に空）"]
    atena_ids: Annotated[tuple[int, ...], "住民票を改製・再製した人の宛名ID"]


@dataclass(frozen=True)
class TorikeshiPayload:
    """取消: a 本登録 undone; the registry is back to what it was before it."""

    ido_id: Annotated[int, "取消しの異動ID"]
    jiyu: Annotated[str, "異動事由コード（T01 異動の取消し）"]
    ido_date: Annotated[date, "取消しの異動日"]
    atena_ids: Annotated[tuple[int, ...], "元に戻った人の宛名ID"]
    cancelled_ido_id: Annotated[int, "取り消された異動の異動ID"]
    cancelled_jiyu: Annotated[str, "取り消された異動の異動事由コード"]
    undoes: Annotated[tuple[str, ...], "取り消された異動が発行したイベント名（これらを元に戻す）"]


@dataclass(frozen=True)
class YokushiPayload:
    """抑止 set or lifted (標準仕様書 3.2: passed on to the 宛名システム and other modules).
    A 一時解除 is never published (3.1). No reason text, no names."""

    yokushi_ids: Annotated[tuple[int, ...], "抑止ID"]
    atena_ids: Annotated[tuple[int, ...], "対象者の宛名ID（世帯の抑止では空）"]
    setai_ids: Annotated[tuple[int, ...], "対象世帯の世帯ID（個人の抑止では空）"]
    processes: Annotated[tuple[str, ...], "抑止する処理（ido 異動 / hakko 発行 / shokai 照会）"]
    shien_sochi: Annotated[bool, "支援措置による抑止か"]
    start_date: Annotated[date | None, "開始日（解除では空）"]


# --- 記載 -----------------------------------------------------------------------------

TENNYU = declare("juminkiroku.tennyu", payload=KisaiPayload, description="転入（K01）の本登録。")
KOKUGAI_TENNYU = declare(
    "juminkiroku.kokugai_tennyu",
    payload=KisaiPayload,
    description="国外からの転入（K02）の本登録。",
)
HO30_46_TENNYU = declare(
    "juminkiroku.ho30_46_tennyu",
    payload=KisaiPayload,
    description="法第30条の46転入（K46、標準仕様書 4.5.1）の本登録。",
)
HO30_47_TODOKE = declare(
    "juminkiroku.ho30_47_todoke",
    payload=KisaiPayload,
    description="法第30条の47届出（K47、標準仕様書 4.5.2）の本登録。",
)
SHUSSEI = declare("juminkiroku.shussei", payload=KisaiPayload, description="出生（K03）の本登録。")
SHOKKEN_KISAI = declare(
    "juminkiroku.shokken_kisai", payload=KisaiPayload, description="職権記載（K04）の本登録。"
)
IKO = declare(
    "juminkiroku.iko",
    payload=KisaiPayload,
    description="データ移行（K99）として入力された異動の本登録。"
    "一括の住民データ読込（synth の読込など）では発行されない。",
)


@dataclass(frozen=True)
class IkoLoadPayload:
    """初期データ移行: a former system's whole registry loaded into an empty town (the
    中間標準レイアウト import of migration_io, services.iko_load). The persons have the
    宛名 ids first_atena_id … last_atena_id; a module that keeps its own initial data
    (国保・介護 資格) may start from them."""

    first_atena_id: Annotated[int, "読み込んだ最初の宛名ID（0: 読み込んだ人なし）"]
    last_atena_id: Annotated[int, "読み込んだ最後の宛名ID（0: 読み込んだ人なし）"]
    jumin_count: Annotated[int, "読み込んだ住登者（住民・除票）の数"]
    setai_count: Annotated[int, "読み込んだ世帯の数"]


IKO_LOAD = declare(
    "juminkiroku.iko_load",
    payload=IkoLoadPayload,
    description="初期データ移行（中間標準レイアウトの移行ファイルの読込）で、空の団体に住民記録を"
    "一括して読み込んだ。個々の異動の事由別イベントは発行されない。",
)


@dataclass(frozen=True)
class TenshutsuKakuteiPayload:
    """転出確定: a 転出 or 国外転出 became a 除票 (標準仕様書 1.1.5), on ``shojo_date``."""

    ido_id: Annotated[int, "転出（国外転出）の異動ID"]
    jiyu: Annotated[str, "異動事由コード（S01 転出 / S02 国外転出）"]
    shojo_date: Annotated[date, "除票となった日（転出予定日と転入通知の転入日の早い方）"]
    yotei_date: Annotated[date, "転出予定日"]
    atena_ids: Annotated[tuple[int, ...], "除票になった人の宛名ID"]
    setai_ids: Annotated[tuple[int, ...], "その人が属していた世帯の世帯ID"]


JUSHO_SETTEI = declare(
    "juminkiroku.jusho_settei",
    payload=KisaiPayload,
    description="住所設定（K08、標準仕様書 4.2.1.1）の本登録。",
)
MITODOKE_TENNYU = declare(
    "juminkiroku.mitodoke_tennyu",
    payload=KisaiPayload,
    description="未届転入（K09、標準仕様書 4.1.1.4）の本登録。",
)
KIKA = declare(
    "juminkiroku.kika",
    payload=KokusekiPayload,
    description="帰化（K05）・国籍取得（K06）の本登録。外国人住民票を消除し、同じ宛名で日本人住民票"
    "を記載した（標準仕様書 4.5.3、4.5.4）。",
)
KOKUSEKI_SOSHITSU = declare(
    "juminkiroku.kokuseki_soshitsu",
    payload=KokusekiPayload,
    description="国籍喪失（K07）の本登録。日本人住民票を消除し、同じ宛名で外国人住民票を記載した"
    "（標準仕様書 4.5.5）。",
)

# --- 消除 -----------------------------------------------------------------------------

TENSHUTSU_YOTEI = declare(
    "juminkiroku.tenshutsu_yotei",
    payload=ShojoPayload,
    description="転出（S01）の本登録。ido_date は転出予定日。予定日が未来なら、その日まで"
    "住民のまま（除票になるのは転出確定 juminkiroku.tenshutsu_kakutei の時）。",
)
KOKUGAI_TENSHUTSU = declare(
    "juminkiroku.kokugai_tenshutsu",
    payload=ShojoPayload,
    description="国外転出（S02）の本登録。ido_date は転出予定日"
    "（未来なら、その日まで住民のまま）。",
)
TENSHUTSU_KAKUTEI = declare(
    "juminkiroku.tenshutsu_kakutei",
    payload=TenshutsuKakuteiPayload,
    description="転出確定：転出・国外転出の人が除票になった（標準仕様書 1.1.5）。"
    "転出予定日が本登録の日以前なら本登録の時に、未来なら転出予定日（またはそれより前の"
    "転入通知の転入日）に日次処理で、1人1回発行される。資格の喪失はこの shojo_date による。"
    "除票の後に届いた転入通知の転入日がそれより前なら、消除日を改めて同じ異動・同じ人に"
    "もう一度発行される（後のものが正しい消除日）。",
)
SHIBO = declare("juminkiroku.shibo", payload=ShojoPayload, description="死亡（S03）の本登録。")
SHOKKEN_SHOJO = declare(
    "juminkiroku.shokken_shojo", payload=ShojoPayload, description="職権消除（S04）の本登録。"
)

SHISSO = declare(
    "juminkiroku.shisso",
    payload=ShojoPayload,
    description="失踪による職権消除（S05、標準仕様書 4.2.2.2）の本登録。",
)

# --- 修正 -----------------------------------------------------------------------------

TENKYO = declare("juminkiroku.tenkyo", payload=SetaiIdoPayload, description="転居（M01）の本登録。")
SETAI_BUNRI = declare(
    "juminkiroku.setai_bunri",
    payload=SetaiIdoPayload,
    description="世帯分離（M02）の本登録。異動後の世帯は新しく作られた世帯。",
)
SETAI_GAPPEI = declare(
    "juminkiroku.setai_gappei", payload=SetaiIdoPayload, description="世帯合併（M03）の本登録。"
)
SETAI_HENKO = declare(
    "juminkiroku.setai_henko",
    payload=SetaiIdoPayload,
    description="世帯変更（M04、ある世帯から別の既存世帯へ）の本登録。",
)
SETAINUSHI_HENKO = declare(
    "juminkiroku.setainushi_henko",
    payload=SetainushiPayload,
    description="世帯主変更（M05）の本登録。",
)
KISAI_SHUSEI = declare(
    "juminkiroku.kisai_shusei",
    payload=ShuseiPayload,
    description="記載事項の修正（M06 旧氏・通称、M07 職権修正、M08 誤記修正）の本登録。"
    "氏名・生年月日・性別が変わったときは、そのための事項変更イベントも発行される。",
)

KEIBI_SHUSEI = declare(
    "juminkiroku.keibi_shusei",
    payload=ShuseiPayload,
    description="軽微な修正（M09、標準仕様書 4.2.3.2: 氏名・住所の文字や住居表示などの修正）"
    "の本登録。",
)
KOJIN_BANGO_HENKO = declare(
    "juminkiroku.kojin_bango_henko",
    payload=ShuseiPayload,
    description="個人番号の変更請求・職権修正・職権記載（M10〜M12）の本登録。番号そのものは含まない。",
)
JUMINHYO_CODE_HENKO = declare(
    "juminkiroku.juminhyo_code_henko",
    payload=ShuseiPayload,
    description="住民票コードの変更請求・職権記載（M13、M14）の本登録。コードそのものは含まない。",
)
KAISEI = declare(
    "juminkiroku.kaisei",
    payload=KaiseiPayload,
    description="住民票の改製（M15、標準仕様書 1.1.4）の本登録。"
    "改製前の版は改製原住民票として残る。",
)
SAISEI = declare(
    "juminkiroku.saisei",
    payload=KaiseiPayload,
    description="住民票の再製（M16）の本登録。",
)

# --- 事項の変更（異動の種類によらず、既存の人の項目が変わった本登録） -----------------

SHIMEI_HENKO = declare(
    "juminkiroku.shimei_henko",
    payload=KomokuHenkoPayload,
    description="氏名（氏名・フリガナ・ローマ字氏名）が変わった本登録。",
)
SEINENGAPPI_HENKO = declare(
    "juminkiroku.seinengappi_henko",
    payload=KomokuHenkoPayload,
    description="生年月日が変わった本登録。",
)
SEIBETSU_HENKO = declare(
    "juminkiroku.seibetsu_henko", payload=KomokuHenkoPayload, description="性別が変わった本登録。"
)

# --- 取消 -----------------------------------------------------------------------------

TORIKESHI = declare(
    "juminkiroku.torikeshi",
    payload=TorikeshiPayload,
    description="異動の取消し（T01）の本登録。取り消した異動と、その異動が発行したイベントを示す。",
)

EVENT_OF_JIYU: dict[str, EventType[Any]] = {
    IdoJiyu.TENNYU: TENNYU,
    IdoJiyu.KOKUGAI_TENNYU: KOKUGAI_TENNYU,
    IdoJiyu.HO30_46_TENNYU: HO30_46_TENNYU,
    IdoJiyu.HO30_47_TODOKE: HO30_47_TODOKE,
    IdoJiyu.SHUSSEI: SHUSSEI,
    IdoJiyu.SHOKKEN_KISAI: SHOKKEN_KISAI,
    IdoJiyu.IKO: IKO,
    IdoJiyu.KIKA: KIKA,
    IdoJiyu.KOKUSEKI_SHUTOKU: KIKA,
    IdoJiyu.KOKUSEKI_SOSHITSU: KOKUSEKI_SOSHITSU,
    IdoJiyu.JUSHO_SETTEI: JUSHO_SETTEI,
    IdoJiyu.MITODOKE_TENNYU: MITODOKE_TENNYU,
    IdoJiyu.SHISSO: SHISSO,
    IdoJiyu.KEIBI_SHUSEI: KEIBI_SHUSEI,
    IdoJiyu.KOJIN_BANGO_HENKO: KOJIN_BANGO_HENKO,
    IdoJiyu.KOJIN_BANGO_SHOKKEN_SHUSEI: KOJIN_BANGO_HENKO,
    IdoJiyu.KOJIN_BANGO_SHOKKEN_KISAI: KOJIN_BANGO_HENKO,
    IdoJiyu.JUMINHYO_CODE_HENKO: JUMINHYO_CODE_HENKO,
    IdoJiyu.JUMINHYO_CODE_SHOKKEN_KISAI: JUMINHYO_CODE_HENKO,
    IdoJiyu.KAISEI: KAISEI,
    IdoJiyu.SAISEI: SAISEI,
    IdoJiyu.TENSHUTSU: TENSHUTSU_YOTEI,
    IdoJiyu.KOKUGAI_TENSHUTSU: KOKUGAI_TENSHUTSU,
    IdoJiyu.SHIBO: SHIBO,
    IdoJiyu.SHOKKEN_SHOJO: SHOKKEN_SHOJO,
    IdoJiyu.TENKYO: TENKYO,
    IdoJiyu.SETAI_BUNRI: SETAI_BUNRI,
    IdoJiyu.SETAI_GAPPEI: SETAI_GAPPEI,
    IdoJiyu.SETAI_HENKO: SETAI_HENKO,
    IdoJiyu.SETAINUSHI_HENKO: SETAINUSHI_HENKO,
    IdoJiyu.KYUJI_TSUSHO: KISAI_SHUSEI,
    IdoJiyu.SHOKKEN_SHUSEI: KISAI_SHUSEI,
    IdoJiyu.GOKI_SHUSEI: KISAI_SHUSEI,
    IdoJiyu.TORIKESHI: TORIKESHI,
}
"""The one event each 本登録 publishes for its kind, by 異動事由 (every IdoJiyu)."""

# Identity items and the PersonFields that make them up.
KOMOKU_HENKO: tuple[tuple[EventType[KomokuHenkoPayload], tuple[str, ...]], ...] = (
    (SHIMEI_HENKO, ("shimei", "shimei_kana", "alpha_name")),
    (SEINENGAPPI_HENKO, ("birth_date",)),
    (SEIBETSU_HENKO, ("sex",)),
)

# --- 抑止（標準仕様書 3.2）---------------------------------------------------------------

YOKUSHI_SETTEI = declare(
    "juminkiroku.yokushi_settei",
    payload=YokushiPayload,
    description="抑止の設定（支援措置による抑止を含む）。宛名を使う他の業務はこれで同じ抑止をかける"
    "（標準仕様書 3.2）。",
)
YOKUSHI_KAIJO = declare(
    "juminkiroku.yokushi_kaijo",
    payload=YokushiPayload,
    description="抑止の解除（支援措置の終了による解除を含む）。一時解除は発行しない（3.1）。",
)
