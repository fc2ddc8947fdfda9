"""The layouts of the 課税資料 CSV files: columns, how each cell is read and checked, and
how a row becomes the model's fields (``services.kazei_import`` reads the files).

Layouts (UTF-8, BOM allowed, first line the header with these names in any order;
amounts in yen, digits with or without commas, full-width digits accepted; a row with
more filled cells than the header is refused, never cut):

給与支払報告書 (``kyuyo``):
    宛名番号, 所得年, 特別徴収義務者指定番号, 特別徴収義務者名, 支払金額, 社会保険料等の金額,
    生命保険料の控除額, 地震保険料の控除額, 徴収区分 (特別徴収 / 普通徴収); optional (may be
    left out of the header): 新生命保険料の金額, 旧生命保険料の金額, 介護医療保険料の金額,
    新個人年金保険料の金額, 旧個人年金保険料の金額 (「生命保険料の金額の内訳」)
公的年金等支払報告書 (``nenkin``):
    宛名番号, 所得年, 支払者番号, 支払者名, 支払金額, 社会保険料等の金額,
    年金特別徴収 (対象 / 対象外)
住民税申告・確定申告 (``shinkoku``): one row per person and 所得年.
    Required columns: 宛名番号, 所得年, 申告の種類 (住民税申告 / 確定申告). Every other
    column may be left out of the header (then 0 / なし / 非該当); a header that is not
    one of the layout's names is refused, so a misspelt column never drops data silently.
    Amounts (収入・経費・保険料・控除額): see ``SHINKOKU_AMOUNTS``. 障害者区分 (なし / 障害者 /
    特別障害者), 寡婦・ひとり親 (なし / 寡婦 / ひとり親（母） / ひとり親（父）), 勤労学生,
    生活扶助, 普通徴収 (該当 / 非該当 / 空欄).
    配偶者: 配偶者の続柄, 配偶者の年齢, 配偶者の合計所得金額, 配偶者の障害者区分 (all empty =
    no spouse; otherwise 年齢 is required). 扶養親族等 1 to ``SHINZOKU_MAX``: 親族N_続柄,
    親族N_年齢, 親族N_合計所得金額, 親族N_同居老親等, 親族N_障害者区分 (a group left empty
    is no one). Ages are on 31 December of the 所得年; 合計所得金額 may be negative.
    A person's 申告 already stored for that year is **replaced** (the later 申告 is a
    correction); the result and the access-log row say how many were replaced. The same
    person and year twice in one file is an error.
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from tenants.atena_bango import is_valid_number
from zeimu.models import KyuyoHokoku, NenkinHokoku, Shinkoku, ShinkokuKind
from zeimu.rules.bunri import TOKUREI_LABELS, Tokurei, tokurei_error
from zeimu.rules.inputs import KafuHitorioya, Shogai
from zeimu.services.kazei_inputs import InvalidKazeiData, haigusha_from_json, shinzoku_from_json

#: 扶養親族等 column groups in the ``shinkoku`` layout (the 申告書 has room for about 6).
SHINZOKU_MAX = 6


@dataclass
class Column:
    name: str
    attr: str
    parse: Callable[[str], Any]
    #: the cell may not be empty
    required: bool = True
    #: the header must name this column (otherwise an absent column reads as empty cells)
    in_header: bool = True


def normalize(value: str) -> str:
    """NFKC (全角英数 → 半角, （）→ ()) and trimmed: how cells and headers are compared."""
    if value.isascii():  # NFKC leaves ASCII as it is (most cells of most files)
        return value.strip()
    return unicodedata.normalize("NFKC", value).strip()


def _text(max_length: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        value = normalize(value)
        if len(value) > max_length:
            raise ValueError(f"{max_length}文字以内にしてください。")
        return value

    return parse


def parse_yen(value: str) -> int:
    """An amount in whole yen, 0 or more: commas and full-width digits accepted, empty = 0."""
    if value.isascii() and value.isdigit():  # the common cell, at once
        return int(value)
    s = normalize(value).replace(",", "").replace("円", "")
    if s == "":
        return 0
    if not s.isdigit():
        raise ValueError("0以上の整数（円）で入力してください。")
    return int(s)


def parse_signed_yen(value: str) -> int:
    """An amount that may be negative (合計所得金額 with a loss): ``-``, ``△`` or ``▲``."""
    s = normalize(value).replace(",", "").replace("円", "")
    negative = s[:1] in ("-", "△", "▲", "−")
    digits = s[1:] if negative else s
    if s == "":
        return 0
    if not digits.isdigit():
        raise ValueError("整数（円）で入力してください。損失は先頭に「-」を付けます。")
    return -int(digits) if negative else int(digits)


def parse_age(value: str) -> int | None:
    s = normalize(value).replace("歳", "")
    if s == "":
        return None
    if not s.isdigit() or int(s) > 150:
        raise ValueError("年齢は0〜150の整数で入力してください。")
    return int(s)


_this_year: tuple[float, int] = (0.0, 0)


def this_year() -> int:
    """The current year in Japan, read again once a minute (a file of 450,000 rows asks
    for it 450,000 times)."""
    global _this_year
    now = time.monotonic()
    if now >= _this_year[0]:
        _this_year = (now + 60.0, timezone.localdate().year)
    return _this_year[1]


def _year(value: str) -> int:
    s = normalize(value)
    last = this_year()
    if not s.isdigit() or not 2000 <= int(s) <= last:
        raise ValueError(f"西暦4桁（2000〜{last}年）で入力してください。")
    return int(s)


def _choice(mapping: dict[str, Any], *, empty: Any = None) -> Callable[[str], Any]:
    """One of the words in ``mapping``; an empty cell gives ``empty`` if that is not None."""

    def parse(value: str) -> Any:
        s = normalize(value)
        if s == "" and empty is not None:
            return empty
        if s not in mapping:
            labels = [k for k in mapping if k]
            raise ValueError(f"「{'」「'.join(labels)}」のいずれかを入力してください。")
        return mapping[s]

    return parse


def _atena_no(value: str) -> str:
    s = normalize(value)
    if not is_valid_number(s):
        raise ValueError("宛名番号は10桁で、検査数字が一致する必要があります。")
    return s


#: 該当 / 非該当 (an empty cell is 非該当)
_flag = _choice({"該当": True, "非該当": False, "○": True}, empty=False)
#: The person's own 障害者区分 (同居特別障害者 is only for a spouse or relative).
_shogai_honnin = _choice(
    {normalize(s.value): s.value for s in Shogai if s is not Shogai.DOKYO_TOKUBETSU},
    empty=Shogai.NASHI.value,
)
_shogai_kazoku = _choice({normalize(s.value): s.value for s in Shogai}, empty=Shogai.NASHI.value)
_kafu = _choice(
    {normalize(k.value): k.value for k in KafuHitorioya}, empty=KafuHitorioya.NASHI.value
)

#: The 申告's amount columns: (CSV column, Shinkoku field); both the import and the entry
#: form use this list.
SHINKOKU_AMOUNTS: list[tuple[str, str]] = [
    ("給与収入", "kyuyo_shunyu"),
    ("公的年金等収入", "nenkin_shunyu"),
    ("営業等・農業収入", "jigyo_shunyu"),
    ("営業等・農業の必要経費", "jigyo_keihi"),
    ("不動産収入", "fudosan_shunyu"),
    ("不動産の必要経費", "fudosan_keihi"),
    ("雑収入", "zatsu_shunyu"),
    ("雑の必要経費", "zatsu_keihi"),
    ("社会保険料", "shakai_hokenryo"),
    ("小規模企業共済等掛金", "shokibo_kyosai"),
    ("一般の生命保険料（新）", "seimei_ippan_shin"),
    ("一般の生命保険料（旧）", "seimei_ippan_kyu"),
    ("介護医療保険料", "seimei_kaigo_iryo"),
    ("個人年金保険料（新）", "seimei_nenkin_shin"),
    ("個人年金保険料（旧）", "seimei_nenkin_kyu"),
    ("地震保険料", "jishin_hokenryo"),
    ("旧長期損害保険料", "kyu_choki_songai_hokenryo"),
    ("医療費控除額", "iryohi_kojo"),
    ("長期譲渡（一般）の収入金額", "choki_joto_shunyu"),
    ("長期譲渡（一般）の取得費・譲渡費用", "choki_joto_keihi"),
    ("長期譲渡の特別控除額", "choki_tokubetsu_kojo"),
    ("短期譲渡（一般）の収入金額", "tanki_joto_shunyu"),
    ("短期譲渡（一般）の取得費・譲渡費用", "tanki_joto_keihi"),
    ("短期譲渡の特別控除額", "tanki_tokubetsu_kojo"),
]

#: 分離課税の譲渡所得: the kind of 特別控除 of each 区分 (CSV column, Shinkoku field, what),
#: a cell holding the kind's name as the 申告書 prints it (zeimu.rules.bunri.TOKUREI_LABELS)
SHINKOKU_TOKUREI: list[tuple[str, str, str]] = [
    ("長期譲渡の特別控除の種類", "choki_tokurei", "長期譲渡所得"),
    ("短期譲渡の特別控除の種類", "tanki_tokurei", "短期譲渡所得"),
]
_tokurei = _choice(
    {normalize(label): t.value for t, label in TOKUREI_LABELS.items() if t.value},
    empty=Tokurei.NASHI.value,
)


def joto_errors(values: dict[str, Any]) -> list[tuple[str, str]]:
    """(column, message) for a 特別控除 that cannot be taken as entered (the import and
    the entry form)."""
    errors = []
    for (column, attr, what), prefix in zip(SHINKOKU_TOKUREI, ("choki", "tanki"), strict=True):
        if attr not in values:  # its cell did not parse (reported already)
            continue
        shunyu = int(values.get(f"{prefix}_joto_shunyu") or 0)
        shotoku = max(shunyu - int(values.get(f"{prefix}_joto_keihi") or 0), 0)
        message = tokurei_error(
            what, values.get(attr) or "", int(values.get(f"{prefix}_tokubetsu_kojo") or 0), shotoku
        )
        if message:
            errors.append((column, message))
    return errors


#: 配偶者 / 親族N columns: (suffix, key in the JSON, parser)
_KAZOKU_PARTS: list[tuple[str, str, Callable[[str], Any]]] = [
    ("続柄", "zokugara", _text(20)),
    ("年齢", "age", parse_age),
    ("合計所得金額", "gokei_shotoku", parse_signed_yen),
    ("障害者区分", "shogai", _shogai_kazoku),
]


def _shinkoku_columns() -> list[Column]:
    cols = [
        Column("宛名番号", "atena_no", _atena_no),
        Column("所得年", "shotoku_year", _year),
        Column("申告の種類", "kind", _choice({normalize(k.label): k.value for k in ShinkokuKind})),
    ]
    cols += [Column(n, a, parse_yen, required=False, in_header=False) for n, a in SHINKOKU_AMOUNTS]
    cols += [
        Column("障害者区分", "shogai", _shogai_honnin, required=False, in_header=False),
        Column("寡婦・ひとり親", "kafu_hitorioya", _kafu, required=False, in_header=False),
        Column("勤労学生", "kinro_gakusei", _flag, required=False, in_header=False),
        Column("生活扶助", "seikatsu_fujo", _flag, required=False, in_header=False),
        Column("普通徴収", "futsu_choshu_kibo", _flag, required=False, in_header=False),
    ]
    cols += [
        Column(n, a, _tokurei, required=False, in_header=False) for n, a, _ in SHINKOKU_TOKUREI
    ]
    for suffix, key, parse in _KAZOKU_PARTS:
        cols.append(
            Column(f"配偶者の{suffix}", f"haigusha.{key}", parse, required=False, in_header=False)
        )
    for i in range(1, SHINZOKU_MAX + 1):
        for suffix, key, parse in [
            *_KAZOKU_PARTS[:3],
            ("同居老親等", "dokyo_roshin", _flag),
            _KAZOKU_PARTS[3],
        ]:
            cols.append(
                Column(f"親族{i}_{suffix}", f"shinzoku.{i}.{key}", parse, required=False,
                       in_header=False)
            )  # fmt: skip
    return cols


def _is_blank_kazoku(member: dict[str, Any]) -> bool:
    return not any(
        v not in (None, "", 0, False, Shogai.NASHI.value)
        for v in member.values()
    )  # fmt: skip


def _assemble_shinkoku(values: dict[str, Any]) -> list[tuple[str, str]]:
    """Fold the 配偶者 / 親族N cells into the JSON the model stores, validated by the same
    functions the calculation uses. Returns (field, message) errors."""
    errors: list[tuple[str, str]] = []
    haigusha = {
        k.split(".", 1)[1]: values.pop(k) for k in list(values) if k.startswith("haigusha.")
    }
    relatives: dict[int, dict[str, Any]] = {}
    for k in [k for k in values if k.startswith("shinzoku.")]:
        _, number, key = k.split(".", 2)
        relatives.setdefault(int(number), {})[key] = values.pop(k)
    # a key absent from a group is a cell that did not parse (already reported)
    incomplete = len(haigusha) < len(_KAZOKU_PARTS) or any(
        len(m) < len(_KAZOKU_PARTS) + 1 for m in relatives.values()
    )
    if _is_blank_kazoku(haigusha):
        values["haigusha"] = None
    elif "age" not in haigusha:
        pass
    elif haigusha["age"] is None:
        errors.append(("配偶者の年齢", "配偶者の欄に記入があるときは、年齢が必須です。"))
    else:
        values["haigusha"] = {
            "age": haigusha["age"],
            "gokei_shotoku": haigusha.get("gokei_shotoku", 0),
            "shogai": haigusha.get("shogai", Shogai.NASHI.value),
            "zokugara": haigusha.get("zokugara", ""),
        }
    shinzoku: list[dict[str, Any]] = []
    for i in sorted(relatives):
        member = relatives[i]
        if _is_blank_kazoku(member):
            continue
        if "age" not in member:
            continue
        if member["age"] is None:
            errors.append((f"親族{i}_年齢", f"親族{i}の欄に記入があるときは、年齢が必須です。"))
            continue
        shinzoku.append(
            {
                "age": member["age"],
                "gokei_shotoku": member.get("gokei_shotoku", 0),
                "dokyo_roshin": bool(member.get("dokyo_roshin", False)),
                "shogai": member.get("shogai", Shogai.NASHI.value),
                "zokugara": member.get("zokugara", ""),
            }
        )
    values["shinzoku"] = shinzoku
    errors += joto_errors(values)
    if errors or incomplete:
        return errors
    try:
        haigusha_from_json(values["haigusha"])
    except InvalidKazeiData as exc:
        errors.append(("配偶者", str(exc)))
    try:
        shinzoku_from_json(shinzoku)
    except InvalidKazeiData as exc:
        errors.append(("親族", str(exc)))
    return errors


@dataclass
class Layout:
    kind: str
    label: str
    model: Any
    columns: list[Column]
    key: tuple[str, ...]
    #: how a duplicate is described: 「同じ{what}の資料が重複しています」
    key_words: str = "人・年・支払者"
    #: a row already stored under the same key is replaced (otherwise refused)
    replaces: bool = False
    #: header names that are not columns of the layout are refused
    strict_header: bool = False
    #: turns the parsed cells of one row into model fields; returns (field, message) errors
    assemble: Callable[[dict[str, Any]], list[tuple[str, str]]] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


#: 「生命保険料の金額の内訳」 of the 給与支払報告書 (optional columns)
KYUYO_SEIMEI_UCHIWAKE = [
    ("新生命保険料の金額", "seimei_ippan_shin"),
    ("旧生命保険料の金額", "seimei_ippan_kyu"),
    ("介護医療保険料の金額", "seimei_kaigo_iryo"),
    ("新個人年金保険料の金額", "seimei_nenkin_shin"),
    ("旧個人年金保険料の金額", "seimei_nenkin_kyu"),
]

LAYOUTS: dict[str, Layout] = {
    "kyuyo": Layout(
        kind="kyuyo",
        label="給与支払報告書",
        model=KyuyoHokoku,
        columns=[
            Column("宛名番号", "atena_no", _atena_no),
            Column("所得年", "shotoku_year", _year),
            Column("特別徴収義務者指定番号", "employer_no", _text(20)),
            Column("特別徴収義務者名", "employer_name", _text(100)),
            Column("支払金額", "shiharai_kingaku", parse_yen),
            Column("社会保険料等の金額", "shakai_hoken", parse_yen, required=False),
            Column("生命保険料の控除額", "seimei_hoken_kojo", parse_yen, required=False),
            Column("地震保険料の控除額", "jishin_hoken_kojo", parse_yen, required=False),
            *[
                Column(name, attr, parse_yen, required=False, in_header=False)
                for name, attr in KYUYO_SEIMEI_UCHIWAKE
            ],
            Column("徴収区分", "tokubetsu_choshu", _choice({"特別徴収": True, "普通徴収": False})),
        ],
        key=("atena_id", "shotoku_year", "employer_no"),
    ),
    "nenkin": Layout(
        kind="nenkin",
        label="公的年金等支払報告書",
        model=NenkinHokoku,
        columns=[
            Column("宛名番号", "atena_no", _atena_no),
            Column("所得年", "shotoku_year", _year),
            Column("支払者番号", "payer_no", _text(20)),
            Column("支払者名", "payer_name", _text(100)),
            Column("支払金額", "shiharai_kingaku", parse_yen),
            Column("社会保険料等の金額", "shakai_hoken", parse_yen, required=False),
            Column("年金特別徴収", "tokubetsu_choshu", _choice({"対象": True, "対象外": False})),
        ],
        key=("atena_id", "shotoku_year", "payer_no"),
    ),
    "shinkoku": Layout(
        kind="shinkoku",
        label="住民税申告・確定申告",
        model=Shinkoku,
        columns=_shinkoku_columns(),
        key=("atena_id", "shotoku_year"),
        key_words="人・年",
        replaces=True,
        strict_header=True,
        assemble=_assemble_shinkoku,
    ),
}

#: The choices a screen or the command offers (kind, label).
KIND_CHOICES: list[tuple[str, str]] = [(k, layout.label) for k, layout in LAYOUTS.items()]
