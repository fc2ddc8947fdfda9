"""口座振替 (issue 18 item 4): the account checks and the 全銀協 依頼 records. Pure.

**Account.** 金融機関コード 4 digits, 支店コード 3, 口座番号 7 (全銀協 fixed-length fields),
預金種目 1 普通 / 2 当座 / 4 貯蓄 / 9 その他, 名義 in the 全銀 character set: half-width upper
カナ with ﾞ ﾟ, A–Z, 0–9, space and ( ) - . / ｢ ｣ \\ — no small kana (ｧ ｨ … ｯ), no ｰ, no
comma (jinjer ヘルプ「口座名義(フリガナ)で使用できる文字」, citing 全国銀行協会の取り決め; the
持続化給付金 申請's message 「口座名義は半角カナ大文字、半角大文字英数、半角スペース、
゙゚-()./「」\\のみ可能です。」).
A full-width or lower-case entry is refused with the reason, not converted: a 名義 that does
not match the bank's is a 振替不能 (code 2/9) later.

**依頼 file** (全銀協 預金口座振替 依頼データ, 種別コード 91, コード区分 0 = JIS/cp932, records of
120 bytes each followed by CR+LF), the layout ``zeimu.services.shuno_files`` reads back:

- ヘッダー: 区分 1, 種別 91, コード区分 0, 委託者コード N10, 委託者名 C40, 引落日 MMDD, 取引銀行
  番号 N4, 取引銀行名 C15, 取引支店番号 N3, 取引支店名 C15, 預金種目 N1, 口座番号 N7, ダミー C17;
- データ: 区分 2, 引落銀行番号 N4, 銀行名 C15, 支店番号 N3, 支店名 C15, ダミー C4, 預金種目 N1,
  口座番号 N7, 預金者名 C30, 引落金額 N10, 新規コード N1, 顧客番号 C20 (our 納付番号), 振替結果
  コード N1 (0 in a 依頼), ダミー C8;
- トレーラー: 区分 8, 合計件数 N6, 合計金額 N12, 振替済件数・金額, 振替不能件数・金額 (0 in a 依頼),
  ダミー C65; エンド: 区分 9, ダミー C119.

Bank and branch names are left blank (spaces): the product holds no bank master, and the
codes are what the banks process. The town's own account in the header (取引支店・種目・口座) is
zeros: it is agreed with each bank outside the file (not held here).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

# The account checks and the field encoders are the platform's (one 全銀 character set and
# one set of messages for every module that pays or collects).
from tenants.zengin import (
    MEIGI_RE,
    RECORD,
    SHUMOKU,
    Account,
    account_errors,
)
from tenants.zengin import field as _field
from tenants.zengin import num as _num

__all__ = [
    "MEIGI_RE",
    "RECORD",
    "SHUMOKU",
    "UKETSUKE_COLUMNS",
    "Account",
    "IraiLine",
    "account_errors",
    "irai_file",
]


@dataclass(frozen=True)
class IraiLine:
    account: Account
    amount: int
    kokyaku: str  # 顧客番号 = the 期別's 納付番号 (20 digits)


def irai_file(
    *,
    itakusha_code: str,
    itakusha_mei: str,
    furikae_date: date,
    bank: str,
    lines: Sequence[IraiLine],
) -> bytes:
    """The 依頼 file of one 引落日 and one 引落銀行 (see the module)."""
    head = (
        b"191" + b"0" + _num(itakusha_code, 10) + _field(itakusha_mei, 40)
        + furikae_date.strftime("%m%d").encode("ascii") + _num(bank, 4) + _field("", 15)
        + b"000" + _field("", 15) + b"0" + b"0000000" + _field("", 17)
    )  # fmt: skip
    recs = [head]
    for ln in lines:
        a = ln.account
        recs.append(
            b"2" + _num(a.kinyu_kikan, 4) + _field("", 15) + _num(a.shiten, 3) + _field("", 15)
            + _field("", 4) + _num(a.yokin_shumoku, 1) + _num(a.koza_bango, 7)
            + _field(a.meigi_kana, 30) + _num(ln.amount, 10) + b"0" + _num(ln.kokyaku, 20)
            + b"0" + _field("", 8)
        )  # fmt: skip
    total = sum(ln.amount for ln in lines)
    recs.append(
        b"8" + _num(len(lines), 6) + _num(total, 12) + _num(0, 6) + _num(0, 12) + _num(0, 6)
        + _num(0, 12) + _field("", 65)
    )  # fmt: skip
    recs.append(b"9" + _field("", 119))
    for r in recs:
        assert len(r) == RECORD, len(r)
    return b"".join(r + b"\r\n" for r in recs)


# --- 口座振替受付結果 (the bank's answer to a registration) ------------------------------------

#: The 口座振替受付結果 file as this product reads it. No national layout was found for the
#: banks' online 口座振替受付 (Pay-easy 口座振替受付サービス) results, so this is ours, documented
#: in docs/standard/shuno.md: CSV (cp932 or UTF-8), a header line with these names, one
#: registration a line; 受付結果 0 = 受付済 (registered), anything else = not registered
#: (the line is reported, nothing written for it).
UKETSUKE_COLUMNS = [
    "宛名番号",
    "税目",
    "金融機関コード",
    "支店コード",
    "預金種目",
    "口座番号",
    "口座名義",
    "振替開始日",
    "受付結果",
]
