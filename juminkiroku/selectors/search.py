"""住民検索 (標準仕様書 2.1): one selector behind the staff screen and the API.

Criteria come from a POST body only (never a URL). Every criterion except 住所 is
answered by an index of ``Atena``:

* カナ氏名: ``kana_key`` (text_pattern_ops) prefix; spaces do not count, so
  "やまだ たろう" is the prefix "ヤマダタロウ". Only when that finds nobody, a name typed
  with a space is read loosely: the part before the space starts the surname and the
  part after it follows somewhere later ("やま た" → ``^ヤマ.*タ``), the index narrowing
  to the first part (see ``atena_search``). A given name alone is not offered:
  ``kana_key`` has no word boundary, so no index could answer it (that would need a
  second key column for the given name).
* 漢字氏名: ``name_key`` prefix, the same way.
* 生年月日: exact date, 西暦 or 和暦 (``tenants.wareki.parse_wareki``).
* 宛名番号 / 住民票コード: exact.
* 住所: a contains-match over 住所 + 番地 + 方書 (no index: a secondary filter; alone it
  scans the town, a few hundred thousand rows at most).
* 性別 only narrows another criterion.
* 基本検索 (標準仕様書 2.1.3) also by 個人番号 and 在留カード番号 (exact, indexed; a search
  by 個人番号 is marked ``by: kojin_bango`` in the access log, never its value), 世帯番号
  (exact, through the unique index of 世帯), and 旧氏・通称 (kanji or カナ, prefix; no
  index: a secondary filter like 住所). 消除事由 only narrows another criterion and
  implies 除票を含む.

Only current residents are searched unless ``include_johyo`` (除票・住登外を含む).
Results are ordered by reading (in the index's order, see ``PatternOpsOrder``), date of
birth and id; the count stops at ``COUNT_LIMIT``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Exists, F, OrderBy, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Concat, Replace

from juminkiroku.codes import (
    AtenaKubun,
    IdoJiyu,
    JuminJotai,
    Sex,
    YokushiLevel,
    YokushiProcess,
    Zokugara,
)
from juminkiroku.models import Atena, AtenaRireki, Yokushi
from juminkiroku.rules.kana import kana_key, name_key
from juminkiroku.selectors.yokushi import active_yokushi_q
from tenants.wareki import parse_wareki

PAGE_SIZE = 20
# A search is a way to find someone, not to list the town: past this many hits the count
# stops ("1,000件超") and the clerk is asked to narrow the criteria.
COUNT_LIMIT = 1000
# What a result row shows (and sorts by); the rest of the record is not loaded.
RESULT_COLUMNS = (
    "atena_no",
    "kubun",
    "jotai",
    "shimei",
    "shimei_kana",
    "kana_key",
    "birth_date",
    "birth_date_fusho",
    "shubetsu",
    "sex",
    "jusho",
    "banchi",
    "katagaki",
    "setai",
)
MAX_TEXT = 100

# The criteria that select rows by themselves; 性別 and the 除票 switch only narrow.
PRIMARY_KINDS = (
    "kana",
    "name",
    "birth_date",
    "address",
    "atena_no",
    "juminhyo_code",
    "kojin_bango",
    "zairyu_card_no",
    "setai_no",
    "kyuuji",
    "tsusho",
    "birth_range",
    "jusho_code",
    "katagaki",
    "minyuryoku",
)
# 2.1.3 「データ未入力項目についても検索できること」: the items one may ask to be empty.
MINYURYOKU = {
    "shimei_kana": "氏名フリガナ",
    "juminhyo_code": "住民票コード",
    "kojin_bango": "個人番号",
    "postal_code": "郵便番号",
    "jusho_code": "住所コード",
    "katagaki": "方書",
    "honseki": "本籍",
}
# 氏名・カナの一致の方法 (2.1.2 文字列一致検索（完全一致・部分一致）).
MATCH_MODES = {"prefix": "前方一致", "exact": "完全一致", "contains": "部分一致（名のみも可）"}
_EXACT_KINDS = ("atena_no", "kojin_bango", "setai_no", "zairyu_card_no")
# 消除事由 (2.1.3 当該住民票を消除した事由): the 異動事由 that write a 除票.
SHOJO_JIYU = (
    IdoJiyu.TENSHUTSU,
    IdoJiyu.KOKUGAI_TENSHUTSU,
    IdoJiyu.SHIBO,
    IdoJiyu.SHOKKEN_SHOJO,
)
_SPACE_RE = re.compile(r"[\s\u3000]+")


class CriteriaError(ValueError):
    """Criteria that cannot be searched; ``errors`` maps a field to Japanese messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(m for ms in errors.values() for m in ms))


@dataclass(frozen=True)
class SearchCriteria:
    kana: str = ""
    name: str = ""
    birth_date: date | None = None
    birth_range: tuple[date, date] | None = None  # a year or a month of birth (2.1.3)
    birth_text: str = ""  # as typed, for the 検索履歴
    address: str = ""
    atena_no: str = ""
    juminhyo_code: str = ""
    kojin_bango: str = ""
    zairyu_card_no: str = ""
    setai_no: str = ""
    kyuuji: str = ""
    tsusho: str = ""
    sex: str = ""
    shojo_jiyu: str = ""
    include_johyo: bool = False
    include_rireki: bool = False  # 氏名・住所を過去の履歴からも検索 (2.1.3)
    zokugara: str = ""  # narrows
    jusho_code: str = ""
    katagaki: str = ""
    minyuryoku: str = ""  # an item left empty (2.1.3 データ未入力項目の検索)
    match: str = "prefix"  # 氏名・カナ: prefix 前方一致, exact 完全一致, contains 部分一致 (2.1.2)

    def kinds(self) -> list[str]:
        """The kinds of criteria used (for the access log: kinds, never values)."""
        used = [k for k in PRIMARY_KINDS if getattr(self, k)]
        if self.sex:
            used.append("sex")
        if self.shojo_jiyu:
            used.append("shojo_jiyu")
        if self.zokugara:
            used.append("zokugara")
        if self.include_johyo:
            used.append("include_johyo")
        if self.include_rireki:
            used.append("include_rireki")
        if self.match != "prefix":
            used.append("match")
        return used


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip()


def _truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in {"1", "true", "on", "yes"}


def parse_birth_date(text: str) -> date:
    """西暦 ("1980-05-05") or 和暦 ("昭和55年5月5日", "S55.5.5"); ValueError in Japanese."""
    return parse_wareki(text)


_YEAR_MONTH = re.compile(
    r"(?:(?P<era>明治|大正|昭和|平成|令和|[明大昭平令]|[MTSHR])(?P<ey>元|\d{1,2})|(?P<sy>\d{4}))"
    r"年(?:(?P<m>\d{1,2})月)?"
)


def parse_birth_part(text: str) -> tuple[date, date]:
    """A year or a year and month of birth (2.1.3 項目内部分検索: "昭和55年", "1980年5月"),
    西暦 or 和暦, as the first and last day it covers; ValueError in Japanese."""
    m = _YEAR_MONTH.fullmatch(re.sub(r"\s+", "", text))
    if not m:
        raise ValueError(
            "生年月日は 昭和55年5月5日、S55.5.5、1980-05-05、または 昭和55年・昭和55年5月 の形で"
            "入力してください。"
        )
    if m.group("sy"):
        year = int(m.group("sy"))
    else:
        first = parse_wareki(f"{m.group('era')}{m.group('ey')}年12月31日")
        year = first.year
    month = int(m.group("m")) if m.group("m") else None
    if month is not None and not 1 <= month <= 12:
        raise ValueError("月は1から12までで入力してください。")
    if month is None:
        return date(year, 1, 1), date(year, 12, 31)
    last = (date(year + (month == 12), month % 12 + 1, 1)).toordinal() - 1
    return date(year, month, 1), date.fromordinal(last)


def criteria_from_data(data: Mapping[str, Any]) -> SearchCriteria:
    """Build criteria from a POST body (form or JSON); raises CriteriaError."""
    errors: dict[str, list[str]] = {}
    raw: dict[str, str] = {
        k: _text(data, k)
        for k in (
            "kana",
            "name",
            "birth_date",
            "address",
            "atena_no",
            "juminhyo_code",
            "kojin_bango",
            "zairyu_card_no",
            "setai_no",
            "kyuuji",
            "tsusho",
            "sex",
            "shojo_jiyu",
            "zokugara",
            "jusho_code",
            "katagaki",
            "minyuryoku",
        )
    }
    for key, value in raw.items():
        if len(value) > MAX_TEXT:
            errors.setdefault(key, []).append(f"{MAX_TEXT}文字以内で入力してください。")
    birth: date | None = None
    birth_range: tuple[date, date] | None = None
    if raw["birth_date"]:
        try:
            birth = parse_birth_date(raw["birth_date"])
        except ValueError as exc:
            try:
                birth_range = parse_birth_part(raw["birth_date"])
            except ValueError:
                errors.setdefault("birth_date", []).append(str(exc))
    if raw["zokugara"] and raw["zokugara"] not in Zokugara.values:
        errors.setdefault("zokugara", []).append("続柄の指定が正しくありません。")
    if raw["minyuryoku"] and raw["minyuryoku"] not in MINYURYOKU:
        errors.setdefault("minyuryoku", []).append("未入力の項目の指定が正しくありません。")
    atena_no = raw["atena_no"].replace("-", "")
    if atena_no and not atena_no.isdigit():
        errors.setdefault("atena_no", []).append("宛名番号は数字で入力してください。")
    jcode = raw["juminhyo_code"].replace("-", "")
    if jcode and not (jcode.isdigit() and len(jcode) == 11):
        errors.setdefault("juminhyo_code", []).append(
            "住民票コードは11桁の数字で入力してください。"
        )
    kojin = raw["kojin_bango"].replace("-", "")
    if kojin and not (kojin.isdigit() and len(kojin) == 12):
        errors.setdefault("kojin_bango", []).append("個人番号は12桁の数字で入力してください。")
    card = raw["zairyu_card_no"].replace("-", "").upper()
    if card and not (card.isalnum() and len(card) == 12):
        errors.setdefault("zairyu_card_no", []).append(
            "在留カード等番号は英数字12桁で入力してください。"
        )
    setai_no = raw["setai_no"].replace("-", "")
    if setai_no and not setai_no.isdigit():
        errors.setdefault("setai_no", []).append("世帯番号は数字で入力してください。")
    if raw["shojo_jiyu"] and raw["shojo_jiyu"] not in SHOJO_JIYU:
        errors.setdefault("shojo_jiyu", []).append("消除事由の指定が正しくありません。")
    for key, label in (("kyuuji", "旧氏"), ("tsusho", "通称")):
        if raw[key] and not name_key(raw[key]):
            errors.setdefault(key, []).append(f"{label}を入力してください。")
    if raw["sex"] and raw["sex"] not in Sex.values:
        errors.setdefault("sex", []).append("性別の指定が正しくありません。")
    match = _text(data, "match") or "prefix"
    if match not in MATCH_MODES:
        errors.setdefault("match", []).append("一致の方法の指定が正しくありません。")
    kana = raw["kana"]
    if kana and not kana_key(kana):
        errors.setdefault("kana", []).append("カナ氏名を入力してください。")
    if raw["name"] and not name_key(raw["name"]):
        errors.setdefault("name", []).append("氏名を入力してください。")
    criteria = SearchCriteria(
        kana=kana,
        name=raw["name"],
        birth_date=birth,
        birth_range=birth_range,
        birth_text=raw["birth_date"],
        zokugara=raw["zokugara"],
        jusho_code=raw["jusho_code"],
        katagaki=raw["katagaki"],
        minyuryoku=raw["minyuryoku"],
        address=raw["address"],
        atena_no=atena_no,
        juminhyo_code=jcode,
        kojin_bango=kojin,
        zairyu_card_no=card,
        setai_no=setai_no,
        kyuuji=raw["kyuuji"],
        tsusho=raw["tsusho"],
        sex=raw["sex"],
        shojo_jiyu=raw["shojo_jiyu"],
        include_johyo=_truthy(data.get("include_johyo")) or bool(raw["shojo_jiyu"]),
        include_rireki=_truthy(data.get("include_rireki")),
        match=match,
    )
    if not errors:
        used = [k for k in PRIMARY_KINDS if getattr(criteria, k)]
        if not used:
            errors.setdefault("__all__", []).append(
                "検索条件（カナ氏名、氏名、生年月日、住所、住所コード、方書、宛名番号、"
                "住民票コード、個人番号、在留カード等番号、世帯番号、旧氏、通称、未入力の項目の"
                "いずれか）を入力してください。"
            )
    if errors:
        raise CriteriaError(errors)
    return criteria


def _split(text: str, fold: Any) -> tuple[str, str]:
    """("やまだ たろう", kana_key) → ("ヤマダ", "タロウ"); no space → (whole, "")."""
    text = text.strip()
    if not text:
        return "", ""
    parts = _SPACE_RE.split(text, maxsplit=1)
    if len(parts) == 1:
        return fold(text), ""
    return fold(parts[0]), fold(parts[1])


def _name_q(column: str, text: str, fold: Any, *, loose: bool, match: str = "prefix") -> Q:
    head, tail = _split(text, fold)
    if match == "exact":
        return Q(**{column: head + tail})
    if match == "contains":
        # 部分一致 (2.1.2), which also finds a 名 alone: no index answers it, so it scans
        # the town's index rows (a few hundred thousand short strings at most).
        return Q(**{f"{column}__contains": head + tail})
    if head and tail and loose:
        return Q(**{f"{column}__startswith": head}) & Q(
            **{f"{column}__regex": f"^{re.escape(head)}.*{re.escape(tail)}"}
        )
    return Q(**{f"{column}__startswith": head + tail})


def has_split_name(criteria: SearchCriteria) -> bool:
    """Whether a name was typed as 氏 and 名 (with a space), so a loose search exists."""
    return any(
        all(_split(getattr(criteria, key), fold))
        for key, fold in (("kana", kana_key), ("name", name_key))
    )


def _other_name_q(column: str, text: str) -> Q:
    """旧氏 / 通称 typed in kanji or in kana: a prefix of the name or of its reading, with
    spaces ignored (2.1.2). Full-width spaces are stored, so both forms are tried."""
    typed = unicodedata.normalize("NFKC", text).strip()
    kata = "".join(
        chr(ord(c) + 0x60) if 0x3041 <= ord(c) <= 0x3096 else c for c in _SPACE_RE.sub("", typed)
    )
    return (
        Q(**{f"{column}__startswith": typed})
        | Q(**{f"{column}__startswith": _SPACE_RE.sub("\u3000", typed)})
        | Q(**{f"{column}_kana__startswith": kata})
    )


def _plain_kana(text: str) -> str:
    """A reading as stored in a version (katakana, no spaces), without the fuzzy fold: the
    versions carry no search key."""
    s = _SPACE_RE.sub("", unicodedata.normalize("NFKC", text))
    return "".join(chr(ord(c) + 0x60) if 0x3041 <= ord(c) <= 0x3096 else c for c in s)


def _rireki_exists(what: str, needle: str, *, prefix: bool) -> Exists:
    """A past version of the person (2.1.3: 氏名及び住所は過去履歴を含めて検索) whose name,
    reading or address matches. No index answers it: only with ``include_rireki``, and
    narrowed by the other criteria where there are some."""
    versions = AtenaRireki.objects.filter(atena_id=OuterRef("pk"), superseded=False)
    if what == "address":
        column: Any = Concat("jusho", "banchi", "katagaki")
    else:
        column = Replace(Replace(F(what), Value("\u3000"), Value("")), Value(" "), Value(""))
    versions = versions.annotate(_v=column)
    lookup = "_v__startswith" if prefix else "_v__contains"
    return Exists(versions.filter(**{lookup: needle}))


def _address_key(text: str) -> str:
    return _SPACE_RE.sub("", unicodedata.normalize("NFKC", text))


def atena_search(criteria: SearchCriteria, *, loose: bool = False) -> QuerySet[Atena]:
    """The matching persons, ordered by reading, date of birth and id.

    A name typed as 氏 and 名 is one prefix of the whole name ("やまだ たろう" =
    "ヤマダタロウ…"), answered by the index alone. ``loose`` reads the 氏 as the start
    of the surname and the 名 as coming anywhere after it ("やま た" finds ヤマダ タロウ):
    the index narrows to the 氏 and a pattern filters those rows, which for a common
    surname is tens of thousands of rows, so ``search_page`` uses it only when the
    prefix found nobody."""
    qs = Atena.objects.all()
    if not criteria.include_johyo:
        qs = qs.filter(kubun=AtenaKubun.JUTOSHA, jotai=JuminJotai.JUMIN)
    if criteria.atena_no:
        qs = qs.filter(atena_no=criteria.atena_no)
    if criteria.juminhyo_code:
        qs = qs.filter(juminhyo_code=criteria.juminhyo_code)
    if criteria.birth_date:
        qs = qs.filter(birth_date=criteria.birth_date)
    if criteria.birth_range:
        qs = qs.filter(birth_date__range=criteria.birth_range)
    if criteria.jusho_code:
        qs = qs.filter(jusho_code=criteria.jusho_code)
    if criteria.katagaki:
        qs = qs.filter(katagaki__contains=criteria.katagaki)
    if criteria.zokugara:
        qs = qs.filter(zokugara=criteria.zokugara)
    if criteria.minyuryoku:
        qs = qs.filter(**{criteria.minyuryoku: ""})
    if criteria.kana:
        q = _name_q("kana_key", criteria.kana, kana_key, loose=loose, match=criteria.match)
        if criteria.include_rireki:
            q |= Q(_rireki_exists("shimei_kana", _plain_kana(criteria.kana), prefix=True))
        qs = qs.filter(q)
    if criteria.name:
        q = _name_q("name_key", criteria.name, name_key, loose=loose, match=criteria.match)
        if criteria.include_rireki:
            q |= Q(_rireki_exists("shimei", name_key(criteria.name), prefix=True))
        qs = qs.filter(q)
    if criteria.kojin_bango:
        qs = qs.filter(kojin_bango=criteria.kojin_bango)
    if criteria.zairyu_card_no:
        qs = qs.filter(zairyu_card_no=criteria.zairyu_card_no)
    if criteria.setai_no:
        qs = qs.filter(setai__setai_no=criteria.setai_no)
    if criteria.kyuuji:
        qs = qs.filter(_other_name_q("kyuuji", criteria.kyuuji))
    if criteria.tsusho:
        qs = qs.filter(_other_name_q("tsusho", criteria.tsusho))
    if criteria.shojo_jiyu:
        qs = qs.filter(shojo_jiyu=criteria.shojo_jiyu)
    if criteria.sex:
        qs = qs.filter(sex=criteria.sex)
    if criteria.address:
        needle = _address_key(criteria.address)
        q = Q(_addr__contains=needle) | Q(jusho__contains=criteria.address)
        if criteria.include_rireki:
            q |= Q(_rireki_exists("address", needle, prefix=False))
        qs = qs.annotate(_addr=Concat("jusho", "banchi", "katagaki")).filter(q)
    if criteria.include_johyo and not loose:
        moved = _moved_matching(criteria)
        if moved is not None:
            qs = qs | Atena.objects.filter(pk__in=moved)
    return qs.order_by(PatternOpsOrder(F("kana_key")), "birth_date", "id")


# The criteria the 除票用データベース keeps keys for (標準仕様書 9.3); a search using any
# other criterion finds no moved 除票 (their 住所・個人番号… are in the snapshot only).
_ARCHIVE_KINDS = {"kana", "name", "birth_date", "birth_range", "atena_no", "juminhyo_code"}
_ARCHIVE_NARROWS = {"sex", "include_johyo", "include_rireki"}


def _moved_matching(criteria: SearchCriteria) -> Any:
    """The moved 除票 a 「除票・住登外を含む」 search finds (a subquery of 宛名 ids), or
    None when the criteria ask for something the archive has no key for."""
    from juminkiroku.selectors.johyo import archive_ids_matching

    used = set(criteria.kinds())
    if not used & _ARCHIVE_KINDS or used - _ARCHIVE_KINDS - _ARCHIVE_NARROWS:
        return None
    if criteria.match != "prefix" or criteria.zokugara or criteria.minyuryoku:
        return None
    if criteria.jusho_code or criteria.katagaki:
        return None
    return archive_ids_matching(
        kana=criteria.kana,
        name=criteria.name,
        birth_date=criteria.birth_date,
        birth_range=criteria.birth_range,
        atena_no=criteria.atena_no,
        juminhyo_code=criteria.juminhyo_code,
        sex=criteria.sex,
    )


class PatternOpsOrder(OrderBy):
    """``ORDER BY <column> USING ~<~``: the order of a ``text_pattern_ops`` index.

    The database collation (C.UTF-8 here, ICU/ja_JP elsewhere) is not the byte order
    the search index keeps, so a plain ``ORDER BY kana_key`` makes PostgreSQL fetch and
    sort *every* match of a common surname (15,000 高橋 in a town of 380,000) to show
    twenty. Ordered by the index's own operator, it walks the index and stops after the
    page. For katakana the byte order is the 五十音 order of the code points. (The
    repeated column in the collation's order changes nothing, since equal bytes are
    equal in any collation; it gives Django's compiler the ASC it looks for.)"""

    template = "%(expression)s USING ~<~, %(expression)s %(ordering)s"


@dataclass
class ShokaiFlags:
    """Active 照会 locks of a set of persons (by person or by their household)."""

    error: set[int] = field(default_factory=set)
    alert: set[int] = field(default_factory=set)


def shokai_flags(persons: Sequence[Atena]) -> ShokaiFlags:
    """Which of ``persons`` have an active 照会抑止 (error) or 照会アラート."""
    return shokai_flags_for([(p.pk, p.setai_id) for p in persons])


def shokai_flags_for(pairs: list[tuple[int, int | None]]) -> ShokaiFlags:
    """One query for (atena_id, setai_id) pairs: a lock on the person or on the household."""
    flags = ShokaiFlags()
    if not pairs:
        return flags
    ids = [a for a, _ in pairs]
    by_setai: dict[int, list[int]] = {}
    for atena_id, setai_id in pairs:
        if setai_id:
            by_setai.setdefault(setai_id, []).append(atena_id)
    target = Q(atena_id__in=ids)
    if by_setai:
        target |= Q(setai_id__in=list(by_setai))
    rows = Yokushi.objects.filter(
        active_yokushi_q(), target, process=YokushiProcess.SHOKAI
    ).values_list("atena_id", "setai_id", "level")
    for atena_id, setai_id, level in rows:
        hit = [atena_id] if atena_id else by_setai.get(setai_id, [])
        (flags.error if level == YokushiLevel.ERROR else flags.alert).update(hit)
    flags.alert -= flags.error
    return flags


@dataclass
class SearchRow:
    atena: Atena
    masked: bool  # 照会抑止 (error): nothing of the person is shown
    alert: bool  # 照会アラート: shown with a warning


@dataclass
class SearchPage:
    rows: list[SearchRow]
    count: int
    page: int
    num_pages: int
    per_page: int = PAGE_SIZE
    count_capped: bool = False  # more than COUNT_LIMIT matched: only the first are paged
    loose: bool = False  # found by 氏 as a surname prefix and 名 anywhere after it

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def first_index(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.rows else 0

    @property
    def last_index(self) -> int:
        return (self.page - 1) * self.per_page + len(self.rows)


def page_number(value: Any) -> int:
    try:
        return max(1, int(str(value or "1").strip()))
    except ValueError:
        return 1


def search_page(
    criteria: SearchCriteria, page: int = 1, *, per_page: int = PAGE_SIZE
) -> SearchPage:
    """One page of results: a COUNT that stops at COUNT_LIMIT + 1, the page, and one
    query for the page's 抑止."""
    qs = atena_search(criteria)
    found = qs.order_by()[: COUNT_LIMIT + 1].count()
    loose = False
    if not found and has_split_name(criteria):
        qs = atena_search(criteria, loose=True)
        found = qs.order_by()[: COUNT_LIMIT + 1].count()
        loose = found > 0
    capped = found > COUNT_LIMIT
    count = min(found, COUNT_LIMIT)
    num_pages = max(1, -(-count // per_page))
    page = min(max(1, page), num_pages)
    start = (page - 1) * per_page
    persons = list(qs.only(*RESULT_COLUMNS)[start : start + per_page]) if count else []
    if criteria.include_johyo:
        from juminkiroku.selectors.johyo import with_restored

        persons = with_restored(persons)  # a moved 除票 shows its items from the archive
    flags = shokai_flags(persons)
    rows = [
        SearchRow(atena=p, masked=p.pk in flags.error, alert=p.pk in flags.alert) for p in persons
    ]
    return SearchPage(
        rows=rows,
        count=count,
        page=page,
        num_pages=num_pages,
        per_page=per_page,
        count_capped=capped,
        loose=loose,
    )


def search_log_detail(criteria: SearchCriteria, result: SearchPage) -> dict[str, Any]:
    """What the access log keeps of a search: the kinds of criteria (never their values),
    the page, and the ids shown on it (not those masked by 照会抑止)."""
    detail: dict[str, Any] = {
        "kinds": criteria.kinds(),
        "page": result.page,
        "atena_ids": [r.atena.pk for r in result.rows if not r.masked],
    }
    for kind in _EXACT_KINDS:
        if getattr(criteria, kind):
            detail["by"] = kind  # the kind of number searched by, never the number
            break
    if result.count_capped:
        detail["count_capped"] = True
    if result.loose:
        detail["loose"] = True
    return detail
