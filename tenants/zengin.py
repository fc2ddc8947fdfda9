"""全銀協 fixed-length bank files, shared by every module that pays or collects. Pure.

**Account.** 金融機関コード 4 digits, 支店コード 3, 口座番号 7 (全銀協 fixed-length fields),
預金種目 1 普通 / 2 当座 / 4 貯蓄 / 9 その他, 名義 in the 全銀 character set: half-width upper
カナ with ﾞ ﾟ, A–Z, 0–9, space and ( ) - . / ｢ ｣ \\ — no small kana (ｧ ｨ … ｯ), no ｰ, no
comma (jinjer ヘルプ「口座名義(フリガナ)で使用できる文字」, citing 全国銀行協会の取り決め; the
持続化給付金 申請's message 「口座名義は半角カナ大文字、半角大文字英数、半角スペース、
゙゚-()./「」\\のみ可能です。」).
A full-width or lower-case entry is refused with the reason, not converted: a 名義 that does
not match the bank's comes back as an error from the bank later.

**総合振込 file** (全銀協 総合振込 依頼データ, 種別コード 21, コード区分 0 = JIS/cp932; records of
120 bytes each followed by CR+LF; the layout the 全銀協 規定 gives and the banks' 総合振込
仕様書 repeat, e.g. the 三菱UFJ銀行・ゆうちょ銀行 総合振込 データレコード仕様):

- ヘッダー: データ区分 1, 種別コード 21, コード区分 0, 振込依頼人コード N10, 振込依頼人名 C40,
  取組日 MMDD, 仕向銀行番号 N4, 仕向銀行名 C15, 仕向支店番号 N3, 仕向支店名 C15, 預金種目（依頼人）
  N1, 口座番号（依頼人） N7, ダミー C17;
- データ: データ区分 2, 被仕向銀行番号 N4, 被仕向銀行名 C15, 被仕向支店番号 N3, 被仕向支店名
  C15, 手形交換所番号 N4, 預金種目 N1, 口座番号 N7, 受取人名 C30, 振込金額 N10, 新規コード N1,
  顧客コード1 N10, 顧客コード2 N10, 振込指定区分 C1, 識別表示 C1, ダミー C7;
- トレーラー: データ区分 8, 合計件数 N6, 合計金額 N12, ダミー C101;
- エンド: データ区分 9, ダミー C119.

Bank and branch names are left blank (spaces) and the 手形交換所番号 zeros: the product holds
no bank master, and the codes are what the banks process (a bank that wants names says so in
its own 仕様書; the 仕向 side — the town's own account — is a town setting). 振込指定区分 7
(電信振込) is the default; 識別表示 blank (顧客コード used as such).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

RECORD = 120
SHUMOKU = {"1": "普通", "2": "当座", "4": "貯蓄", "9": "その他"}
_KANA = "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝﾞﾟ"
MEIGI_RE = re.compile(r"[" + _KANA + r"A-Z0-9 ()\-./｢｣\\]+")
#: 振込指定区分: 7 電信振込, 8 文書振込.
SHITEI = {"7": "電信振込", "8": "文書振込"}


@dataclass(frozen=True)
class Account:
    kinyu_kikan: str
    shiten: str
    yokin_shumoku: str
    koza_bango: str
    meigi_kana: str


def account_errors(a: Account) -> list[tuple[str, str]]:
    """(field, Japanese message) for each field that is not a 全銀 value."""
    out: list[tuple[str, str]] = []

    def digits(v: str, n: int) -> bool:
        return len(v) == n and v.isascii() and v.isdigit()

    if not digits(a.kinyu_kikan, 4):
        out.append(("kinyu_kikan", "金融機関コードは4桁の数字で入力してください。"))
    if not digits(a.shiten, 3):
        out.append(("shiten", "支店コードは3桁の数字で入力してください。"))
    if a.yokin_shumoku not in SHUMOKU:
        out.append(
            ("yokin_shumoku", "預金種目は 1（普通）・2（当座）・4（貯蓄）・9（その他）です。")
        )
    if not digits(a.koza_bango, 7):
        out.append(
            ("koza_bango", "口座番号は7桁の数字で入力してください（7桁に満たないときは前に0）。")
        )
    if not a.meigi_kana.strip():
        out.append(("meigi_kana", "口座名義（半角カナ）を入力してください。"))
    elif len(a.meigi_kana) > 30:
        out.append(("meigi_kana", "口座名義は30文字以内です（濁点・半濁点も1文字）。"))
    elif not MEIGI_RE.fullmatch(a.meigi_kana):
        bad = "".join(sorted({c for c in a.meigi_kana if not MEIGI_RE.fullmatch(c)}))
        out.append(
            (
                "meigi_kana",
                f"口座名義に使えない文字があります（{bad}）。半角カナの大文字・英大文字・"
                "数字・空白と ( ) - . / だけが使えます"
                "（小さい ｬ ｭ ｮ ｯ などは大きい文字に、ｰ は使えません）。",
            )
        )
    return out


def field(text: str, length: int) -> bytes:
    """A C field: cp932, cut to ``length`` bytes on a character boundary, padded with spaces."""
    raw = text.encode("cp932")
    while len(raw) > length:
        text = text[:-1]
        raw = text.encode("cp932")
    return raw.ljust(length, b" ")


def num(value: int | str, length: int) -> bytes:
    """An N field: digits, right-aligned with zeros; a value that does not fit is refused."""
    s = str(value).rjust(length, "0")
    if len(s) != length or not s.isascii() or not s.isdigit():
        raise ValueError(f"{length}桁の数字に収まりません。")
    return s.encode("ascii")


@dataclass(frozen=True)
class Irainin:
    """The town as 振込依頼人: its 依頼人コード (agreed with the bank) and its own account."""

    code: str  # 振込依頼人コード, 10 digits
    name_kana: str  # 振込依頼人名, 全銀 characters, ≤ 40
    bank: str  # 仕向銀行番号, 4 digits
    shiten: str  # 仕向支店番号, 3 digits
    yokin_shumoku: str  # 1 普通 / 2 当座
    koza_bango: str  # 7 digits


def irainin_errors(i: Irainin) -> list[tuple[str, str]]:
    """(field, Japanese message) for each 依頼人 setting that cannot go into the header."""
    out: list[tuple[str, str]] = []
    if not (len(i.code) == 10 and i.code.isascii() and i.code.isdigit()):
        out.append(("code", "振込依頼人コードは10桁の数字です（取引銀行との契約で決まります）。"))
    if not i.name_kana.strip() or len(i.name_kana) > 40 or not MEIGI_RE.fullmatch(i.name_kana):
        out.append(("name_kana", "振込依頼人名は半角カナ・英大文字・数字で40文字以内です。"))
    out += [
        (f, m)
        for f, m in account_errors(Account(i.bank, i.shiten, i.yokin_shumoku, i.koza_bango, "X"))
        if f != "meigi_kana"
    ]
    return out


@dataclass(frozen=True)
class FurikomiLine:
    account: Account
    amount: int
    customer1: str = ""  # 顧客コード1, up to 10 digits (e.g. the 受給者番号)
    customer2: str = ""  # 顧客コード2, up to 10 digits
    shitei: str = "7"  # 振込指定区分


def _data(ln: FurikomiLine) -> bytes:
    a = ln.account
    if ln.amount <= 0:
        raise ValueError("振込金額は1円以上です。")
    if ln.shitei not in SHITEI:
        raise ValueError("振込指定区分は 7（電信）か 8（文書）です。")
    return (
        b"2" + num(a.kinyu_kikan, 4) + field("", 15) + num(a.shiten, 3) + field("", 15)
        + num(0, 4) + num(a.yokin_shumoku, 1) + num(a.koza_bango, 7)
        + field(a.meigi_kana, 30) + num(ln.amount, 10) + b"0"
        + num(ln.customer1 or 0, 10) + num(ln.customer2 or 0, 10)
        + ln.shitei.encode("ascii") + b" " + field("", 7)
    )  # fmt: skip


def sogo_furikomi_records(
    *, irainin: Irainin, torikumi: date, lines: Iterable[FurikomiLine]
) -> Iterator[bytes]:
    """The 総合振込 file of one 取組日, record by record (each 120 bytes + CR LF), streamed:
    a payment run of tens of thousands of lines never holds the file in memory."""
    bad = irainin_errors(irainin)
    if bad:
        raise ValueError(
            "振込依頼人の設定が全銀協の形式に合いません: " + " ".join(m for _, m in bad)
        )
    head = (
        b"1" + b"21" + b"0" + num(irainin.code, 10) + field(irainin.name_kana, 40)
        + torikumi.strftime("%m%d").encode("ascii") + num(irainin.bank, 4) + field("", 15)
        + num(irainin.shiten, 3) + field("", 15) + num(irainin.yokin_shumoku, 1)
        + num(irainin.koza_bango, 7) + field("", 17)
    )  # fmt: skip
    yield _checked(head)
    count = total = 0
    for ln in lines:
        yield _checked(_data(ln))
        count += 1
        total += ln.amount
    yield _checked(b"8" + num(count, 6) + num(total, 12) + field("", 101))
    yield _checked(b"9" + field("", 119))


def sogo_furikomi_file(*, irainin: Irainin, torikumi: date, lines: Iterable[FurikomiLine]) -> bytes:
    """The whole 総合振込 file as bytes (small runs and tests)."""
    return b"".join(sogo_furikomi_records(irainin=irainin, torikumi=torikumi, lines=lines))


def _checked(rec: bytes) -> bytes:
    if len(rec) != RECORD:
        raise AssertionError(f"全銀レコードが{len(rec)}バイトです（120バイトのはず）。")
    return rec + b"\r\n"


@dataclass(frozen=True)
class ReadRecord:
    kind: str  # "header" / "data" / "trailer" / "end"
    fields: dict[str, str | int]


def read_sogo_furikomi(data: bytes) -> list[ReadRecord]:
    """Read a 総合振込 file back into its fields (tests, and the clerk's check screen)."""
    out: list[ReadRecord] = []
    lines = data.split(b"\r\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for n, rec in enumerate(lines, start=1):
        if len(rec) != RECORD:
            raise ValueError(f"{n}行目: 120バイトではありません（{len(rec)}バイト）。")

        def s(a: int, b: int, rec: bytes = rec) -> str:
            return rec[a:b].decode("cp932").rstrip(" ")

        kubun = rec[:1]
        if kubun == b"1":
            out.append(
                ReadRecord(
                    "header",
                    {
                        "shubetsu": s(1, 3),
                        "code_kubun": s(3, 4),
                        "irainin_code": s(4, 14),
                        "irainin_name": s(14, 54),
                        "torikumi_mmdd": s(54, 58),
                        "bank": s(58, 62),
                        "shiten": s(77, 80),
                        "yokin_shumoku": s(95, 96),
                        "koza_bango": s(96, 103),
                    },
                )
            )
        elif kubun == b"2":
            out.append(
                ReadRecord(
                    "data",
                    {
                        "bank": s(1, 5),
                        "shiten": s(20, 23),
                        "yokin_shumoku": s(42, 43),
                        "koza_bango": s(43, 50),
                        "meigi": s(50, 80),
                        "amount": int(s(80, 90)),
                        "shinki": s(90, 91),
                        "customer1": s(91, 101),
                        "customer2": s(101, 111),
                        "shitei": s(111, 112),
                    },
                )
            )
        elif kubun == b"8":
            out.append(ReadRecord("trailer", {"count": int(s(1, 7)), "total": int(s(7, 19))}))
        elif kubun == b"9":
            out.append(ReadRecord("end", {}))
        else:
            raise ValueError(f"{n}行目: データ区分 {kubun!r} は総合振込のものではありません。")
    return out
