"""What goes on a 住民票の写し / 除票の写し / 記載事項証明書 / 印鑑登録証明書: rows of
(label, value), built here so the templates only lay them out. Optional items (世帯主・続柄,
本籍・筆頭者, 住民票コード, 個人番号, 履歴) appear only when the options ask for them
(標準仕様書 5.1); a foreign resident's own items can be omitted on request (5.1); dates
print in 和暦 except a foreign resident's 生年月日 and 在留期間の満了日, in 西暦 (1.1.9);
フリガナ follows the name in brackets (5.3, our choice: printed once confirmed); the 方書
is always printed with the address unless a 記載事項証明書 is asked without it (5.4).

A value too long for its box even at the smallest size is marked ``overflow`` here; the
service prints it to the limit or blank (5.8, the town's parameter) and lists it whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from juminkiroku.codes import IdoJiyu, JuminShubetsu
from juminkiroku.forms.fit import BOXES, TextTooLong, fit_class, text_width
from juminkiroku.models import Atena, AtenaRireki, PersonFields
from tenants.wareki import format_wareki

NINSHO_JUMINHYO = "この写しは、住民票の原本と相違ないことを証明する。"
NINSHO_JOHYO = "この写しは、除票の原本と相違ないことを証明する。"
NINSHO_INKAN = "この写しは、登録されている印影と相違ないことを証明する。"
NINSHO_KISAI = "上記のとおり住民票に記載されていることを証明する。"
NINSHO_JOHYO_KISAI = "上記のとおり除票に記載されていることを証明する。"

#: A foreign resident's items that may be omitted on request (標準仕様書 5.1).
GAIKOKU_ITEMS: dict[str, str] = {
    "kokuseki": "国籍・地域",
    "zairyu_kubun": "法第30条の45に規定する区分",
    "zairyu_shikaku": "在留資格",
    "zairyu_kikan": "在留期間の満了日",
    "zairyu_card_no": "在留カード等番号",
    "tsusho": "通称",
}

#: What a 住民票記載事項証明書 can certify, in the printed order (標準仕様書 5.1, 5.4).
KISAI_ITEMS: dict[str, str] = {
    "shimei": "氏名",
    "birth_date": "生年月日",
    "sex": "性別",
    "jusho": "住所",
    "setainushi": "世帯主の氏名と続柄",
    "jumin_date": "住民となった日",
    "jutei_date": "住所を定めた日",
    "tennyu_mae": "転入前住所",
    "honseki": "本籍と筆頭者",
    "juminhyo_code": "住民票コード",
    "kojin_bango": "個人番号",
    "shojo": "消除事由・消除日（除票）",
}


@dataclass(frozen=True)
class SheetOptions:
    setainushi: bool = False  # 世帯主・続柄
    honseki: bool = False  # 本籍・筆頭者
    juminhyo_code: bool = False
    kojin_bango: bool = False
    rireki: bool = False
    omit_gaikoku: frozenset[str] = frozenset()  # GAIKOKU_ITEMS keys not to print
    furigana: bool = True  # 5.3: the town's choice (parameter juminkiroku.shomei_furigana)

    def as_items(self) -> dict[str, object]:
        out: dict[str, object] = {
            "setainushi": self.setainushi,
            "honseki": self.honseki,
            "juminhyo_code": self.juminhyo_code,
            "kojin_bango": self.kojin_bango,
            "rireki": self.rireki,
        }
        if self.omit_gaikoku:
            out["omit_gaikoku"] = sorted(self.omit_gaikoku)
        return out


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    css: str = ""
    box: str = ""
    overflow: bool = False


@dataclass(frozen=True)
class HistoryRow:
    ido_date: str
    jiyu: str
    shimei: str
    shimei_css: str
    address: str
    address_css: str
    zokugara: str
    overflow: tuple[str, ...] = ()  # labels of the cells that do not fit


@dataclass
class PersonSheet:
    atena_id: int
    rows: list[Row]
    history: list[HistoryRow] = field(default_factory=list)


@dataclass(frozen=True)
class Ninsho:
    text: str
    date: str
    shokumei: str
    shimei: str
    koin_uri: str = ""  # the 電子公印 as a PNG data URI, or "" (5.6)
    mongon: str = ""  # 「公印省略」「この印は黒色です」… (5.6)


def wareki(d: date | None) -> str:
    return format_wareki(d) if d else ""


def seireki(d: date | None) -> str:
    """西暦: a foreign resident's 生年月日 and 在留期間の満了日 (標準仕様書 1.1.9)."""
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def is_foreign(p: PersonFields) -> bool:
    return p.shubetsu == JuminShubetsu.GAIKOKUJIN


def birth_date_text(p: PersonFields) -> str:
    """生年月日 as 1.1.9 prints it: 西暦 for a foreign resident, 和暦 otherwise."""
    return seireki(p.birth_date) if is_foreign(p) else wareki(p.birth_date)


def with_kana(value: str, kana: str, opts: SheetOptions, confirmed: bool) -> str:
    """5.3: カタカナ in brackets after the item, when the town prints it and it is confirmed."""
    if opts.furigana and confirmed and kana.strip():
        return f"{value}　（{kana.strip()}）"
    return value


def cut_to_box(value: str, box: str) -> str:
    """The longest start of ``value`` that fits ``box`` at its smallest size (5.8 限界まで)."""
    limit = BOXES[box].smallest
    out = ""
    for ch in value:
        if text_width(out + ch) > limit:
            break
        out += ch
    return out


def full_address(p: PersonFields) -> str:
    return f"{p.jusho}{p.banchi}"


def _css(value: str, box: str, label: str) -> str:
    return f"b-{box} {fit_class(value, box=box, label=label)}".strip()


def _row(label: str, value: str, box: str | None = None) -> Row:
    if box is None:
        return Row(label=label, value=value)
    try:
        return Row(label=label, value=value, css=_css(value, box, label), box=box)
    except TextTooLong:
        return Row(label=label, value=value, css=f"b-{box} fs-xs", box=box, overflow=True)


def _cell(value: str, box: str, label: str) -> tuple[str, bool]:
    try:
        return _css(value, box, label), False
    except TextTooLong:
        return f"b-{box} fs-xs", True


def address_rows(p: PersonFields) -> list[Row]:
    rows = [_row("住所", full_address(p), "address")]
    if p.katagaki:
        rows.append(_row("方書", p.katagaki, "address"))
    return rows


def setainushi_row(head_name: str) -> Row:
    return _row("世帯主", head_name, "name")


def person_rows(
    p: Atena,
    opts: SheetOptions,
    *,
    with_address: bool,
    head_name: str | None,
    johyo: bool,
) -> list[Row]:
    """One person's items, in the order of the printed form."""
    rows: list[Row] = []
    foreign = is_foreign(p)
    omit = opts.omit_gaikoku if foreign else frozenset()
    rows.append(_row("氏名", with_kana(p.shimei, p.shimei_kana, opts, p.kana_kakunin), "name"))
    if foreign:
        if p.alpha_name:
            rows.append(_row("氏名（アルファベット）", p.alpha_name, "alpha"))
        if p.tsusho and "tsusho" not in omit:
            tsusho = with_kana(p.tsusho, p.tsusho_kana, opts, p.kana_kakunin)
            rows.append(_row("通称", tsusho, "name"))
    elif p.kyuuji:
        rows.append(_row("旧氏", with_kana(p.kyuuji, p.kyuuji_kana, opts, p.kana_kakunin), "name"))
    rows.append(Row("生年月日", birth_date_text(p)))
    rows.append(Row("性別", p.get_sex_display()))
    if with_address:
        if opts.setainushi and head_name is not None:
            rows.append(setainushi_row(head_name))
        rows.extend(address_rows(p))
    if opts.setainushi:
        rows.append(Row("続柄", p.get_zokugara_display() if p.zokugara else ""))
    rows.append(Row("住民となった日", wareki(p.jumin_date)))
    jutei = wareki(p.jutei_date)
    if p.todoke_date:
        jutei += f"（{wareki(p.todoke_date)}届出）"
    rows.append(Row("住所を定めた日", jutei))
    if p.tennyu_mae_jusho:
        rows.append(_row("転入前住所", p.tennyu_mae_jusho, "address"))
    if foreign:
        rows.extend(gaikoku_rows(p, omit))
    elif opts.honseki:
        rows.append(_row("本籍", p.honseki, "address"))
        rows.append(_row("筆頭者", p.hittosha, "name"))
    if opts.juminhyo_code:
        rows.append(Row("住民票コード", p.juminhyo_code))
    if opts.kojin_bango:
        rows.append(Row("個人番号", p.kojin_bango))
    if not johyo:
        rows.extend(tenshutsu_yotei_rows(p))
    if johyo:
        rows.append(Row("消除事由", _jiyu_label(p.shojo_jiyu)))
        rows.append(Row("消除日", wareki(p.shojo_date)))
        if p.tenshutsu_saki_jusho:
            rows.append(_row("転出先", p.tenshutsu_saki_jusho, "address"))
    return rows


def tenshutsu_yotei_rows(p: Atena) -> list[Row]:
    """A 住民 whose 転出 is still to come: the 転出予定 (標準仕様書 1.1.5: a 住民 until the
    除票, certified with it)."""
    from juminkiroku.selectors.tenshutsu import yotei_for

    t = yotei_for(p.pk)
    if t is None:
        return []
    return [
        Row("転出予定年月日", wareki(t.yotei_date)),
        _row("転出先住所（予定）", t.yotei_jusho, "address"),
    ]


def gaikoku_rows(p: PersonFields, omit: frozenset[str]) -> list[Row]:
    """A foreign resident's own items, less those omitted on request (5.1)."""
    rows: list[Row] = []
    if "kokuseki" not in omit:
        rows.append(_row("国籍・地域", p.kokuseki, "short"))
    if "zairyu_kubun" not in omit and p.zairyu_kubun:
        rows.append(_row("法第30条の45に規定する区分", p.get_zairyu_kubun_display(), "short"))
    if "zairyu_shikaku" not in omit:
        rows.append(_row("在留資格", p.zairyu_shikaku, "short"))
    if "zairyu_kikan" not in omit:
        rows.append(Row("在留期間の満了日", seireki(p.zairyu_kikan_to)))
    if "zairyu_card_no" not in omit:
        rows.append(Row("在留カード等番号", p.zairyu_card_no))
    return rows


def kisai_rows(
    p: Atena, chosen: Sequence[str], opts: SheetOptions, *, head_name: str, katagaki: bool
) -> list[Row]:
    """A 記載事項証明書: only the items the applicant chose (KISAI_ITEMS keys), in the
    form's order; the 方書 with the address unless its omission was asked (5.4)."""
    want = set(chosen)
    foreign = is_foreign(p)
    rows: list[Row] = []
    if "shimei" in want:
        rows.append(_row("氏名", with_kana(p.shimei, p.shimei_kana, opts, p.kana_kakunin), "name"))
        if foreign and p.alpha_name:
            rows.append(_row("氏名（アルファベット）", p.alpha_name, "alpha"))
        if foreign and p.tsusho and "tsusho" not in opts.omit_gaikoku:
            tsusho = with_kana(p.tsusho, p.tsusho_kana, opts, p.kana_kakunin)
            rows.append(_row("通称", tsusho, "name"))
        if not foreign and p.kyuuji:
            kyuuji = with_kana(p.kyuuji, p.kyuuji_kana, opts, p.kana_kakunin)
            rows.append(_row("旧氏", kyuuji, "name"))
    if "birth_date" in want:
        rows.append(Row("生年月日", birth_date_text(p)))
    if "sex" in want:
        rows.append(Row("性別", p.get_sex_display()))
    if "jusho" in want:
        rows.append(_row("住所", full_address(p), "address"))
        if katagaki and p.katagaki:
            rows.append(_row("方書", p.katagaki, "address"))
    if "setainushi" in want:
        rows.append(setainushi_row(head_name))
        rows.append(Row("続柄", p.get_zokugara_display() if p.zokugara else ""))
    if "jumin_date" in want:
        rows.append(Row("住民となった日", wareki(p.jumin_date)))
    if "jutei_date" in want:
        jutei = wareki(p.jutei_date)
        if p.todoke_date:
            jutei += f"（{wareki(p.todoke_date)}届出）"
        rows.append(Row("住所を定めた日", jutei))
    if "tennyu_mae" in want and p.tennyu_mae_jusho:
        rows.append(_row("転入前住所", p.tennyu_mae_jusho, "address"))
    if foreign:
        rows.extend(gaikoku_rows(p, opts.omit_gaikoku))
    elif "honseki" in want:
        rows.append(_row("本籍", p.honseki, "address"))
        rows.append(_row("筆頭者", p.hittosha, "name"))
    if "juminhyo_code" in want:
        rows.append(Row("住民票コード", p.juminhyo_code))
    if "kojin_bango" in want:
        rows.append(Row("個人番号", p.kojin_bango))
    if "shojo" in want:
        rows.append(Row("消除事由", _jiyu_label(p.shojo_jiyu)))
        rows.append(Row("消除日", wareki(p.shojo_date)))
    return rows


def _jiyu_label(code: str) -> str:
    try:
        return str(IdoJiyu(code).label)
    except ValueError:
        return code


def history_rows(versions: Iterable[AtenaRireki], opts: SheetOptions) -> list[HistoryRow]:
    out: list[HistoryRow] = []
    for v in versions:
        address = full_address(v) + (f"　{v.katagaki}" if v.katagaki else "")
        shimei_css, name_over = _cell(v.shimei, "h_name", "氏名（履歴）")
        address_css, address_over = _cell(address, "h_address", "住所（履歴）")
        over = (("氏名（履歴）",) if name_over else ()) + (
            ("住所（履歴）",) if address_over else ()
        )
        out.append(
            HistoryRow(
                ido_date=wareki(v.valid_from),
                jiyu=_jiyu_label(v.ido.jiyu),
                shimei=v.shimei,
                shimei_css=shimei_css,
                address=address,
                address_css=address_css,
                zokugara=v.get_zokugara_display() if opts.setainushi and v.zokugara else "",
                overflow=over,
            )
        )
    return out


def household_rows(
    members: Sequence[Atena], opts: SheetOptions, head_name: str | None
) -> list[Row]:
    """The head block of a 世帯連記式 form: the household's address (and 世帯主 if asked)."""
    first = members[0]
    rows: list[Row] = []
    if opts.setainushi and head_name is not None:
        rows.append(setainushi_row(head_name))
    rows.extend(address_rows(first))
    return rows


def inkan_rows(p: Atena) -> list[Row]:
    rows = [_row("氏名", p.shimei, "name")]
    if p.shubetsu == JuminShubetsu.GAIKOKUJIN and p.tsusho:
        rows.append(_row("通称", p.tsusho, "name"))
    rows.append(Row("生年月日", birth_date_text(p)))
    rows.append(Row("性別", p.get_sex_display()))
    rows.extend(address_rows(p))
    return rows
