"""住民記録's public face: the one module other apps may import from juminkiroku.

Plain typed values in and out (ids, dates, frozen dataclasses), never a queryset to be
filtered further or a model instance, so the registry's tables can change without
another module noticing. Everything else in juminkiroku is private (the import-linter
contracts in pyproject.toml enforce it).

- **Finding a person by 宛名番号** (:func:`atena_resolve`, :func:`atena_resolve_many`)
  applies the registry's 照会 checks (標準仕様書 3.1, 3.4): an active 照会抑止 (error) on
  the person or their household refuses the lookup; a 照会アラート or an active 支援措置
  lets it through with a warning for the screen. This is the only lookup by number other
  modules have; they never query the person index themselves.
- **Residents and households as of a date** (賦課期日, 基準日): :func:`resident_ids_on`,
  :func:`residents_on` (a range of 宛名 ids: one query per batch chunk),
  :func:`residents_among`, :func:`household_on`, :func:`households_of`,
  :func:`population_on`; :func:`zairyu_among` adds the 住民種別 and 在留資格 of that day.
- **Everything held, for a hand-over** (標準仕様書 10.6: the 中間標準レイアウト export of
  ``migration_io``): :func:`held_ranges` cuts a set (住登者, 住民票の版, 異動, 世帯) into id
  ranges in one query, :func:`held_read` reads one range in one query as
  :class:`HeldRecord` values; :data:`HELD_ITEMS` names every item each set holds, so the
  layout can prove it left nothing out. The receiving side, :func:`iko_begin`
  (初期データ移行 into an empty town: staged by COPY, checked by the registry's own
  rules, loaded set-based with the access log and the event ``juminkiroku.iko_load``),
  takes the same sets and item names.
- **Address blocks for printing** (:func:`address_blocks`) and **identity for forms**
  (:func:`person_identities`): by 宛名 id, one query for any number of people. They take
  ids the caller already holds on its own rows (an assessment, a 資格); they are not a
  way to search the registry. A 除票 moved to the 除票用データベース (標準仕様書 9.3) keeps
  its 宛名 id and number; these answer for it from there, as the registry had it.

Functions used by batches are set-based: one query per call whatever the number of ids.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.db import connection
from django.db.models import Q
from django.utils import timezone
from psycopg import sql

from juminkiroku import gyomu
from juminkiroku.codes import (
    AtenaKubun,
    JuminJotai,
    JuminShubetsu,
    Sex,
    YokushiLevel,
    YokushiProcess,
    Zokugara,
)
from juminkiroku.grants import Kengen
from juminkiroku.models import Atena, Yokushi
from juminkiroku.rules.zokugara import zokugara_label
from juminkiroku.selectors import asof, johyo
from juminkiroku.selectors.euc import hidden_q
from juminkiroku.selectors.iko import ITEMS_OF as HELD_ITEMS
from juminkiroku.selectors.iko import (
    HeldItem,
    HeldRecord,
    HeldSet,
    IdRange,
    held_ranges,
    held_read,
)
from juminkiroku.selectors.yokushi import held_yokushi_q, shien_covered_ids
from juminkiroku.services.iko_load import (
    IkoPartWriter,
    IkoProblem,
    IkoRefused,
    IkoResult,
    IkoStaging,
    iko_begin,
    registry_is_empty,
)

__all__ = [
    "GYOMU",
    "HELD_ITEMS",
    "KENGEN_EUC",
    "KENGEN_KOJIN_BANGO",
    "MESSAGE_ALERT",
    "MESSAGE_NOT_FOUND",
    "MESSAGE_REFUSED",
    "MESSAGE_SHIEN",
    "AddressBlock",
    "AtenaLookup",
    "HeldItem",
    "HeldRecord",
    "HeldSet",
    "IdRange",
    "IkoPartWriter",
    "IkoProblem",
    "IkoRefused",
    "IkoResult",
    "IkoStaging",
    "LookupStatus",
    "PersonIdentity",
    "Resident",
    "Zairyu",
    "address_blocks",
    "atena_resolve",
    "atena_resolve_many",
    "euc_hidden_atena_nos",
    "held_ranges",
    "held_read",
    "household_on",
    "households_of",
    "iko_begin",
    "person_identities",
    "person_identity",
    "population_on",
    "registry_is_empty",
    "resident_ids_on",
    "residents_among",
    "residents_on",
    "zairyu_among",
    "zokugara_label",
]

#: the 業務 code of 住民基本台帳, for a module that works on its data in its name (the
#: hand-over export declares its screens and job under it)
GYOMU = gyomu.JUMINKIROKU

#: the grant of EUC抽出 (標準仕様書 10.1, 10.3) and of 個人番号の表示, for a module that offers
#: an extraction of this module's data (migration_io's EUC over the 中間標準レイアウト)
KENGEN_EUC: str = Kengen.EUC.value
KENGEN_KOJIN_BANGO: str = Kengen.KOJIN_BANGO_VIEW.value

MESSAGE_NOT_FOUND = "この宛名番号の人はこの団体にいません。"
MESSAGE_REFUSED = "照会抑止が設定されています。"
MESSAGE_ALERT = "照会アラートが設定されています。本人確認などを行ったうえで処理してください。"
MESSAGE_SHIEN = "支援措置の対象者です。住所等を第三者に知らせないでください。"


# --- 宛名番号 → person, with the 照会 checks ---------------------------------------------


class LookupStatus(StrEnum):
    FOUND = "found"
    NOT_FOUND = "not_found"
    REFUSED = "refused"  # an active 照会抑止 (error) on the person or the household


@dataclass(frozen=True)
class AtenaLookup:
    """The answer to "who is 宛名番号 N" after the 照会 checks.

    ``atena_id`` is set when the person exists, also when refused: the caller writes the
    refusal to the access log with it, and must show nothing but ``message``.
    ``alert`` (照会アラート) and ``shien`` (支援措置) come with FOUND only; ``message`` then
    holds the warnings to show beside the person (empty when there are none).
    """

    status: LookupStatus
    atena_id: int | None = None
    alert: bool = False
    shien: bool = False
    message: str = ""

    @property
    def found(self) -> bool:
        return self.status is LookupStatus.FOUND


def _normalise_atena_no(value: str) -> str:
    return (value or "").strip()


def atena_resolve_many(atena_nos: Iterable[str]) -> dict[str, AtenaLookup]:
    """Each 宛名番号 (as given, stripped) → its lookup. Three queries for any number of
    numbers: the persons, their active 照会 locks, their active 支援措置."""
    numbers = {_normalise_atena_no(n) for n in atena_nos} - {""}
    if not numbers:
        return {}
    persons = dict(
        (no, (pk, setai_id))
        for no, pk, setai_id in Atena.objects.filter(atena_no__in=numbers).values_list(
            "atena_no", "pk", "setai_id"
        )
    )
    ids = [pk for pk, _ in persons.values()]
    setai_ids = {s for _, s in persons.values() if s}
    error: set[tuple[str, int]] = set()
    alert: set[tuple[str, int]] = set()
    if ids:
        target = Q(atena_id__in=ids)
        if setai_ids:
            target |= Q(setai_id__in=setai_ids)
        for atena_id, setai_id, level in Yokushi.objects.filter(
            held_yokushi_q(), target, process=YokushiProcess.SHOKAI
        ).values_list("atena_id", "setai_id", "level"):
            key = ("a", atena_id) if atena_id else ("s", setai_id)
            (error if level == YokushiLevel.ERROR else alert).add(key)
    today = timezone.localdate()
    shien = shien_covered_ids(ids, today)  # 申出者 and 併せて支援を求める者 (3.4)
    out: dict[str, AtenaLookup] = {}
    for no in numbers:
        if no not in persons:
            out[no] = AtenaLookup(LookupStatus.NOT_FOUND, message=MESSAGE_NOT_FOUND)
            continue
        pk, setai_id = persons[no]
        keys = {("a", pk), ("s", setai_id)} if setai_id else {("a", pk)}
        if keys & error:
            out[no] = AtenaLookup(LookupStatus.REFUSED, atena_id=pk, message=MESSAGE_REFUSED)
            continue
        is_alert, is_shien = bool(keys & alert), pk in shien
        notes = [m for flag, m in ((is_alert, MESSAGE_ALERT), (is_shien, MESSAGE_SHIEN)) if flag]
        out[no] = AtenaLookup(
            LookupStatus.FOUND,
            atena_id=pk,
            alert=is_alert,
            shien=is_shien,
            message="".join(notes),
        )
    return out


def atena_match_staged(*, table: str, number_column: str, id_column: str) -> None:
    """Fill ``id_column`` of the caller's temporary table ``table`` with the 宛名 id of the
    宛名番号 in ``number_column`` (left NULL where no person has that number), in one
    set-based statement: a bulk import stages its rows, then matches them all at once
    (450,000 rows in about a second) instead of asking per batch.

    For files whose rows attach to a person whatever that person's 照会抑止 or 支援措置
    (a 給与支払報告書 must reach its taxpayer; attaching it shows nothing of them). A
    screen or API that shows a person uses :func:`atena_resolve`."""
    with connection.cursor() as cur:
        cur.execute(
            sql.SQL(
                "UPDATE pg_temp.{} AS s SET {} = a.id FROM {} AS a WHERE a.atena_no = s.{}"
            ).format(
                sql.Identifier(table),
                sql.Identifier(id_column),
                sql.Identifier(Atena._meta.db_table),
                sql.Identifier(number_column),
            )
        )


def atena_number_index() -> dict[str, int]:
    """Every 宛名番号 of the town → its 宛名 id, in one query. For a bulk import that matches
    a file's rows as it reads them (a dictionary lookup a row, while the database writes
    the rows before): ≈ 0.3 s and ≈ 60 MB for a town of 380,000 records, the same whatever
    the size of the file. Numbers only, nothing that names a person; like
    :func:`atena_match_staged`, for rows that attach to a person whatever their 照会抑止."""
    with connection.cursor() as cur:
        cur.execute(
            sql.SQL("SELECT atena_no, id FROM {}").format(sql.Identifier(Atena._meta.db_table))
        )
        return dict(cur.fetchall())


def atena_resolve(atena_no: str) -> AtenaLookup:
    """One 宛名番号 → found / not found / refused by a 照会抑止 (see :class:`AtenaLookup`)."""
    no = _normalise_atena_no(atena_no)
    if not no:
        return AtenaLookup(LookupStatus.NOT_FOUND, message=MESSAGE_NOT_FOUND)
    return atena_resolve_many([no])[no]


# --- residents and households on a date ---------------------------------------------------


@dataclass(frozen=True)
class Resident:
    """A person living in the town on ``on`` (their 住民票 version of that day)."""

    atena_id: int
    setai_id: int | None
    birth_date: date
    is_setainushi: bool
    on: date
    #: 続柄 to the 世帯主 as stored (標準仕様書 1.1.11, a chain of codes: ``juminkiroku.codes``)
    zokugara: str = ""


_RESIDENT_COLUMNS = ("atena_id", "setai_id", "birth_date", "zokugara")


def _residents(rows: Iterable[tuple[int, int | None, date, str]], day: date) -> list[Resident]:
    return [
        Resident(
            atena_id=a,
            setai_id=s,
            birth_date=b,
            is_setainushi=z == Zokugara.HONNIN,
            on=day,
            zokugara=z or "",
        )
        for a, s, b, z in rows
    ]


def resident_ids_on(day: date) -> list[int]:
    """The 宛名 ids of everyone living in the town on ``day``, ascending (to plan chunks)."""
    return list(asof.residents_on(day).order_by("atena_id").values_list("atena_id", flat=True))


def residents_on(
    day: date, *, first_id: int | None = None, last_id: int | None = None
) -> list[Resident]:
    """Residents on ``day`` whose 宛名 id is in [first_id, last_id] (open ends when None),
    by 宛名 id: one query, for a batch chunk."""
    qs = asof.residents_on(day)
    if first_id is not None:
        qs = qs.filter(atena_id__gte=first_id)
    if last_id is not None:
        qs = qs.filter(atena_id__lte=last_id)
    return _residents(qs.order_by("atena_id").values_list(*_RESIDENT_COLUMNS), day)


def residents_among(atena_ids: Iterable[int], day: date) -> dict[int, Resident]:
    """Which of ``atena_ids`` lived in the town on ``day`` (absent: they did not)."""
    ids = list(set(atena_ids))
    if not ids:
        return {}
    rows = asof.residents_on(day).filter(atena_id__in=ids).values_list(*_RESIDENT_COLUMNS)
    return {r.atena_id: r for r in _residents(rows, day)}


def household_on(setai_id: int, day: date) -> list[Resident]:
    """The members of household ``setai_id`` on ``day``, 世帯主 first (世帯内の並び順)."""
    rows = (
        asof.residents_on(day)
        .filter(setai_id=setai_id)
        .order_by("setai_order", "atena_id")
        .values_list(*_RESIDENT_COLUMNS)
    )
    return _residents(rows, day)


def households_of(atena_ids: Iterable[int], day: date) -> dict[int, list[Resident]]:
    """For each of ``atena_ids`` living in the town on ``day``: every member of their
    household on that day (themselves included), 世帯主 first. One query: the persons
    themselves, then the members of their households (each household once)."""
    ids = list(set(atena_ids))
    if not ids:
        return {}
    # the as-of conditions are asof.residents_on's own, taken as SQL; PostgreSQL pulls
    # the subqueries up, so each arm is an index lookup (by 宛名 id, by 世帯)
    base, base_params = (
        asof.residents_on(day).values_list(*_RESIDENT_COLUMNS, "setai_order").query
    ).sql_with_params()
    query = f"""
        SELECT 0, o.* FROM ({base}) o WHERE o.atena_id = ANY(%s::bigint[])
        UNION ALL
        SELECT 1, m.* FROM ({base}) m
        WHERE m.setai_id IN (SELECT s.setai_id FROM ({base}) s WHERE s.atena_id = ANY(%s::bigint[]))
        ORDER BY 1, 3, 6, 2
    """  # noqa: S608  (no value in the text: every value is a parameter)
    with connection.cursor() as cur:
        cur.execute(query, [*base_params, ids, *base_params, *base_params, ids])
        rows = cur.fetchall()
    own: dict[int, Resident] = {}
    members: dict[int, list[Resident]] = {}
    for arm, a, setai_id, birth, zokugara, _order in rows:
        r = Resident(
            atena_id=a,
            setai_id=setai_id,
            birth_date=birth,
            is_setainushi=zokugara == Zokugara.HONNIN,
            on=day,
            zokugara=zokugara or "",
        )
        if arm == 0:
            own[a] = r
        else:
            members.setdefault(setai_id, []).append(r)
    return {pk: members.get(r.setai_id, [r]) if r.setai_id else [r] for pk, r in own.items()}


@dataclass(frozen=True)
class Zairyu:
    """A resident's 住民種別 and 在留 items on ``on`` (their 住民票 version of that day):
    what 国保 needs to judge the 適用除外 of 外国人住民 (国民健康保険法施行規則第1条).
    No name, no card number."""

    atena_id: int
    gaikokujin: bool  # 外国人住民 (住民基本台帳法第30条の45)
    zairyu_kubun: str  # 法第30条の45区分 code ("" for 日本人住民)
    zairyu_shikaku: str  # 在留資格 as the registry holds it ("" for 日本人住民)
    zairyu_kikan_to: date | None  # 在留期間の満了日
    on: date


def zairyu_among(atena_ids: Iterable[int], day: date) -> dict[int, Zairyu]:
    """Which of ``atena_ids`` lived in the town on ``day``, with their 住民種別 and 在留資格
    of that day (absent: they did not live here). One query."""
    ids = list(set(atena_ids))
    if not ids:
        return {}
    rows = (
        asof.residents_on(day)
        .filter(atena_id__in=ids)
        .values_list("atena_id", "shubetsu", "zairyu_kubun", "zairyu_shikaku", "zairyu_kikan_to")
    )
    return {
        a: Zairyu(
            atena_id=a,
            gaikokujin=shubetsu == JuminShubetsu.GAIKOKUJIN,
            zairyu_kubun=kubun or "",
            zairyu_shikaku=shikaku or "",
            zairyu_kikan_to=kikan_to,
            on=day,
        )
        for a, shubetsu, kubun, shikaku, kikan_to in rows
    }


def population_on(day: date) -> int:
    """住民基本台帳人口 on ``day``."""
    return asof.population_on(day)


# --- printing and forms ----------------------------------------------------------------


@dataclass(frozen=True)
class AddressBlock:
    """What goes on an envelope or the address window of a notice.

    The current registered address; for a person who has left the town (転出, 国外転出)
    the 転出先 known to the registry, with no 郵便番号 (a notice of a tax assessed by this
    town on 1 January still goes to them, 地方税法第294条).
    """

    atena_id: int
    atena_no: str
    postal_code: str  # 7 digits or ""
    jusho: str  # 住所 + 番地
    katagaki: str  # 方書
    shimei: str


@dataclass(frozen=True)
class PersonIdentity:
    """A person as a form names them."""

    atena_id: int
    atena_no: str
    shimei: str
    shimei_kana: str
    birth_date: date
    sex: str  # 男 / 女
    is_resident: bool  # a resident now (not a 除票 or 住登外者)


_ADDRESS_COLUMNS = (
    "pk",
    "atena_no",
    "postal_code",
    "jusho",
    "banchi",
    "katagaki",
    "shimei",
    "shojo_date",
    "tenshutsu_saki_jusho",
)


def address_blocks(atena_ids: Iterable[int]) -> dict[int, AddressBlock]:
    """宛名 id → the address block to print; one query. Unknown ids are absent."""
    ids = list(set(atena_ids))
    if not ids:
        return {}
    out: dict[int, AddressBlock] = {}
    rows = list(Atena.objects.filter(pk__in=ids).values_list(*_ADDRESS_COLUMNS, "jotai"))
    moved = johyo.restore_many(r[0] for r in rows if r[-1] == JuminJotai.IKOZUMI)
    for pk, no, postal, jusho, banchi, katagaki, shimei, shojo, saki, _ in rows:
        if pk in moved:  # a 除票 in the 除票用データベース: as the registry had it (9.3)
            a = moved[pk].atena
            postal, jusho, banchi, katagaki, shimei = (
                a.postal_code, a.jusho, a.banchi, a.katagaki, a.shimei
            )  # fmt: skip
            shojo, saki = a.shojo_date, a.tenshutsu_saki_jusho
        if shojo and saki:
            out[pk] = AddressBlock(pk, no, "", saki, "", shimei)
        else:
            out[pk] = AddressBlock(pk, no, postal, f"{jusho}{banchi}", katagaki, shimei)
    return out


def person_identities(atena_ids: Iterable[int]) -> dict[int, PersonIdentity]:
    """宛名 id → identity for a form or a screen header; one query. Unknown ids are absent."""
    ids = list(set(atena_ids))
    if not ids:
        return {}
    labels = dict(Sex.choices)
    rows = list(
        Atena.objects.filter(pk__in=ids).values_list(
            "pk", "atena_no", "shimei", "shimei_kana", "birth_date", "sex", "kubun", "jotai"
        )
    )
    # a 除票 in the 除票用データベース answers from there (標準仕様書 9.3): one more query
    moved = johyo.restore_many(r[0] for r in rows if r[-1] == JuminJotai.IKOZUMI)
    out: dict[int, PersonIdentity] = {}
    for pk, no, shimei, kana, birth, sex, kubun, jotai in rows:
        if pk in moved:
            a = moved[pk].atena
            shimei, kana, birth, sex = a.shimei, a.shimei_kana, a.birth_date, a.sex
        out[pk] = PersonIdentity(
            atena_id=pk,
            atena_no=no,
            shimei=shimei,
            shimei_kana=kana,
            birth_date=birth,
            sex=str(labels.get(sex, "")),
            is_resident=kubun == AtenaKubun.JUTOSHA and jotai == JuminJotai.JUMIN,
        )
    return out


def person_identity(atena_id: int) -> PersonIdentity | None:
    return person_identities([atena_id]).get(atena_id)


# --- who an extraction never shows ------------------------------------------------------


def euc_hidden_atena_nos(today: date) -> frozenset[str]:
    """The 宛名番号 of the persons an extraction (EUC) never shows on ``today``: an active
    照会抑止 (error) on the person or the household (標準仕様書 3.1), the 申出者 and
    併せて支援を求める者 of an active 支援措置 (3.4). One query."""
    return frozenset(Atena.objects.filter(hidden_q(today)).values_list("atena_no", flat=True))
