"""The コンビニ収納 barcode (GS1-128, 標準料金代理収納) of a 納付書, and reading it back.

**Source.** 一般財団法人流通システム開発センター「GS1-128による標準料金代理収納ガイドライン」
(the guideline itself is distributed from dsri.jp and could not be read here); its item list
as restated by 日立「EUR システム設計ガイド 4.4.6 GS1-128(UCC/EAN-128)バーコード」
(https://itpfdoc.hitachi.co.jp/manuals/3021/3021701210/EUDS0050.HTM) and by
mint-s.jp「バーコード(その3)」(2024-03). 44 digits, fixed:

======  ==========================================================  ======
桁       項目                                                          桁数
======  ==========================================================  ======
1–2     アプリケーション識別子 (AI) ``91``                                2
3–8     請求書発行企業コード (GS1事業者コード7桁の先頭「4」を除く6桁)          6
9–29    自由使用欄 (21桁、足りなければ後ろを「0」で埋める)                   21
30      再発行区分 (再発行の回数)                                        1
31–36   支払期限日 YYMMDD (西暦下2桁) — the town's コンビニ使用期限           6
37      印紙フラグ (0 不要, 1 要)                                        1
38–43   支払金額 (6桁、円)                                              6
44      チェックデジット                                                 1
======  ==========================================================  ======

**Ours inside the 自由使用欄.** The 期別's 納付番号 (20 digits, with its own check digit:
``zeimu.services.shuno.nofu_bango_valid``) then one ``0``: a read barcode names its 期別
by the same number the 口座振替 and 窓口 use.

**チェックデジット.** モジュラス10・ウェイト3・1 over the first 43 digits, weight 3 on the
rightmost (as JAN/ITF: barcode-net.com「モジュラス10/ウェイト3」). The restatements above
name the field but not the algorithm; the guideline's own text of it could not be read here
— *未照合*. A wrong algorithm would make every store refuse the barcode at once, so the
first live print of a town is to be checked with its 収納代行業者's test reader before use.

**印紙フラグ.** A receipt for a tax paid to a local government is not a taxable document
(印紙税法 第5条第2号・別表第二: 国・地方公共団体の作成する文書 are 非課税; the store
issues the 領収証書 as the town's agent), so ours is always 0.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

from barcode.codex import Gs1_128

AI = "91"
LENGTH = 44


class BarcodeError(ValueError):
    """A barcode that cannot be made or read; the message is Japanese."""


def check_digit(digits43: str) -> str:
    """モジュラス10・ウェイト3・1, weight 3 on the rightmost digit."""
    total = 0
    for i, ch in enumerate(reversed(digits43)):
        total += int(ch) * (3 if i % 2 == 0 else 1)
    return str((10 - total % 10) % 10)


@dataclass(frozen=True)
class ConveniBarcode:
    kigyo_code: str
    nofu_bango: str
    saihakko: int
    kigen: date
    amount: int
    inshi: bool = False

    @property
    def data(self) -> str:
        """The 44 digits (without the parentheses of the human-readable line)."""
        head = (
            f"{AI}{self.kigyo_code}{self.nofu_bango}0{self.saihakko}"
            f"{self.kigen:%y%m%d}{1 if self.inshi else 0}{self.amount:06d}"
        )
        return head + check_digit(head)

    @property
    def human(self) -> str:
        """The line printed under the bars: (91) and the fields spaced for reading aloud."""
        d = self.data
        return f"({d[:2]}) {d[2:8]}-{d[8:29]}-{d[29]}-{d[30:36]}-{d[36]}-{d[37:43]}-{d[43]}"


def make(
    *, kigyo_code: int | str, nofu_bango: str, saihakko: int, kigen: date, amount: int
) -> ConveniBarcode:
    """The barcode of one 納付書; BarcodeError when it cannot carry these values."""
    code = str(kigyo_code)
    if len(code) != 6 or not code.isdigit():
        raise BarcodeError("請求書発行企業コードは6桁の数字です。")
    if len(nofu_bango) != 20 or not nofu_bango.isdigit():
        raise BarcodeError("納付番号は20桁の数字です。")
    if not 0 <= saihakko <= 9:
        raise BarcodeError("再発行区分は0から9までです。")
    if not 1 <= amount <= 999_999:
        raise BarcodeError("コンビニ収納の金額欄は1円以上999,999円以下です。")
    if not 2000 <= kigen.year <= 2099:
        raise BarcodeError("支払期限日は西暦2000年から2099年までです。")
    return ConveniBarcode(code, nofu_bango, saihakko, kigen, amount)


def parse(text: str) -> ConveniBarcode:
    """A barcode as a store read it (44 digits; the parentheses, spaces and hyphens of the
    printed line are allowed); BarcodeError naming what is wrong."""
    d = "".join(ch for ch in text if ch not in "() -")
    if len(d) != LENGTH or not (d.isascii() and d.isdigit()):
        raise BarcodeError("バーコードは44桁の数字です。")
    if d[:2] != AI:
        raise BarcodeError("アプリケーション識別子が「91」（料金代理収納）ではありません。")
    if check_digit(d[:43]) != d[43]:
        raise BarcodeError(
            "チェックデジットが合いません（読取りの誤りか、別の帳票のバーコードです）。"
        )
    try:
        kigen = date(2000 + int(d[30:32]), int(d[32:34]), int(d[34:36]))
    except ValueError:
        raise BarcodeError("支払期限日が日付ではありません。") from None
    return ConveniBarcode(
        kigyo_code=d[2:8],
        nofu_bango=d[8:28],
        saihakko=int(d[29]),
        kigen=kigen,
        amount=int(d[37:43]),
        inshi=d[36] == "1",
    )


def modules(data: str) -> list[int]:
    """The bar and space widths (in modules, starting with a bar) of the GS1-128 symbol
    of ``data``: Code 128 set C with FNC1 after the start character (python-barcode's
    encoder), for the print template to draw as rectangles."""
    pattern = Gs1_128(data).build()[0]
    widths: list[int] = []
    run = 1
    for prev, ch in itertools.pairwise(pattern):
        if ch == prev:
            run += 1
        else:
            widths.append(run)
            run = 1
    widths.append(run)
    return widths
