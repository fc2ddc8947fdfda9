"""What goes on a 住民票の写し / 除票の写し / 印鑑登録証明書: rows of (label, value), built
here so the templates only lay them out. Optional items (世帯主・続柄, 本籍・筆頭者,
住民票コード, 個人番号, 履歴) appear only when the options ask for them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from juminkiroku.codes import IdoJiyu, JuminShubetsu
from juminkiroku.forms.fit import fit_class
from juminkiroku.models import Atena, AtenaRireki, PersonFields
from tenants.wareki import format_wareki

NINSHO_JUMINHYO = "この写しは、住民票の原本と相違ないことを証明する。"
NINSHO_JOHYO = "この写しは、除票の原本と相違ないことを証明する。"
NINSHO_INKAN = "この写しは、登録されている印影と相違ないことを証明する。"


@dataclass(frozen=True)
class SheetOptions:
    setainushi: bool = False  # 世帯主・続柄
    honseki: bool = False  # 本籍・筆頭者
    juminhyo_code: bool = False
    kojin_bango: bool = False
    rireki: bool = False

    def as_items(self) -> dict[str, bool]:
        return {
            "setainushi": self.setainushi,
            "honseki": self.honseki,
            "juminhyo_code": self.juminhyo_code,
            "kojin_bango": self.kojin_bango,
            "rireki": self.rireki,
        }


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    css: str = ""


@dataclass(frozen=True)
class HistoryRow:
    ido_date: str
    jiyu: str
    shimei: str
    shimei_css: str
    address: str
    address_css: str
    zokugara: str


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


def wareki(d: date | None) -> str:
    return format_wareki(d) if d else ""


def full_address(p: PersonFields) -> str:
    return f"{p.jusho}{p.banchi}"


def _css(value: str, box: str, label: str) -> str:
    return f"b-{box} {fit_class(value, box=box, label=label)}".strip()


def _row(label: str, value: str, box: str | None = None) -> Row:
    if box is None:
        return Row(label=label, value=value)
    return Row(label=label, value=value, css=_css(value, box, label))


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
    foreign = p.shubetsu == JuminShubetsu.GAIKOKUJIN
    rows.append(_row("氏名", p.shimei, "name"))
    if p.kana_kakunin and p.shimei_kana:
        rows.append(_row("フリガナ", p.shimei_kana, "kana"))
    if foreign:
        if p.alpha_name:
            rows.append(_row("氏名（アルファベット）", p.alpha_name, "alpha"))
        if p.tsusho:
            rows.append(_row("通称", p.tsusho, "name"))
    elif p.kyuuji:
        rows.append(_row("旧氏", p.kyuuji, "name"))
    rows.append(Row("生年月日", wareki(p.birth_date)))
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
        rows.append(_row("国籍・地域", p.kokuseki, "short"))
        rows.append(_row("在留資格", p.zairyu_shikaku, "short"))
        rows.append(Row("在留期間の満了日", wareki(p.zairyu_kikan_to)))
        rows.append(Row("在留カード等番号", p.zairyu_card_no))
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


def _jiyu_label(code: str) -> str:
    try:
        return str(IdoJiyu(code).label)
    except ValueError:
        return code


def history_rows(versions: Iterable[AtenaRireki], opts: SheetOptions) -> list[HistoryRow]:
    out: list[HistoryRow] = []
    for v in versions:
        address = full_address(v) + (f"　{v.katagaki}" if v.katagaki else "")
        out.append(
            HistoryRow(
                ido_date=wareki(v.valid_from),
                jiyu=_jiyu_label(v.ido.jiyu),
                shimei=v.shimei,
                shimei_css=_css(v.shimei, "h_name", "氏名（履歴）"),
                address=address,
                address_css=_css(address, "h_address", "住所（履歴）"),
                zokugara=v.get_zokugara_display() if opts.setainushi and v.zokugara else "",
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
    rows.append(Row("生年月日", wareki(p.birth_date)))
    rows.append(Row("性別", p.get_sex_display()))
    rows.extend(address_rows(p))
    return rows
