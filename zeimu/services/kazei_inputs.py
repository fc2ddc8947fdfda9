"""From stored 課税資料 to the calculation's inputs (名寄せ).

One person's :class:`~zeimu.rules.JuminzeiInput` for a fiscal year is built from
- the 給与支払報告書 of the income year (給与収入 and 社会保険料 summed over employers, and the
  年末調整's 生命保険料 premiums (「生命保険料の金額の内訳」) and 地震保険料の控除額; the 所得税
  控除額 of 地震保険料 is the premium up to 50,000円, which gives the 住民税 deduction exactly
  unless part of it was 旧長期損害保険料),
- the 公的年金等支払報告書 (収入 and 社会保険料 summed over payers),
- the 住民税申告 / 確定申告, if any: its 給与・年金 replace the reports' totals when given
  (the 申告 is the later, complete statement), and it adds other income, deductions,
  配偶者・親族 and the personal 区分. Its insurance premiums are used when it has any;
  otherwise those of the 年末調整 are kept.

The JSON of 配偶者 and 親族 stored on :class:`~zeimu.models.Shinkoku` has this shape:
    haigusha: {"age": 45, "gokei_shotoku": 0, "shogai": "なし", "zokugara": "妻"}
    shinzoku: [{"age": 17, "gokei_shotoku": 0, "dokyo_roshin": false,
                "shogai": "なし", "zokugara": "子"}, ...]
``age`` is the age on 31 December of the income year; ``zokugara`` is only shown.
:func:`haigusha_from_json` / :func:`shinzoku_from_json` validate it with Japanese messages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, LiteralString

from psycopg import sql

from tenants.age import age_on
from tenants.jobs.bulk import raw_cursor
from tenants.params.services import ParameterMissing, param_value
from zeimu.models import KyuyoHokoku, NenkinHokoku, Shinkoku
from zeimu.rules.inputs import (
    Haigusha,
    JuminzeiInput,
    KafuHitorioya,
    SeimeiHokenryo,
    Shinzoku,
    Shogai,
)
from zeimu.services.common import KYUCHI_KEY, SHITEI_TOSHI_KEY

__all__ = [
    "InvalidKazeiData",
    "KazeiTotals",
    "TownSettings",
    "haigusha_from_json",
    "input_for",
    "kazei_totals",
    "shinzoku_from_json",
    "town_settings",
]


class InvalidKazeiData(ValueError):
    """Stored or entered 課税資料 that the calculation cannot take (message in Japanese)."""


@dataclass(frozen=True)
class TownSettings:
    fiscal_year: int
    kyuchi: int
    shitei_toshi: bool
    seinen: int


def town_settings(fiscal_year: int) -> TownSettings:
    """The town's settings the calculation needs (raises ParameterMissing for 級地)."""
    try:
        shitei = bool(param_value(SHITEI_TOSHI_KEY, fiscal_year))
    except ParameterMissing:
        shitei = False
    return TownSettings(
        fiscal_year=fiscal_year,
        kyuchi=int(param_value(KYUCHI_KEY, fiscal_year)),
        shitei_toshi=shitei,
        seinen=int(param_value("minpo.seinen_nenrei", fiscal_year)),
    )


@dataclass(frozen=True)
class KazeiTotals:
    """What the reports say of one person for one income year."""

    kyuyo_shunyu: int = 0
    kyuyo_hoken: int = 0
    nenkin_shunyu: int = 0
    nenkin_hoken: int = 0
    has_kyuyo: bool = False
    has_nenkin: bool = False
    #: the employer of the largest salary paid with 特別徴収 ("" if none)
    tokucho_shitei_no: str = ""
    tokucho_employer_name: str = ""
    #: 年金特別徴収の対象 (a payer's report says so)
    nenkin_tokucho: bool = False
    #: premiums of the 給与支払報告書's 「生命保険料の金額の内訳」 (年末調整), summed
    seimei: SeimeiHokenryo | None = None
    #: 地震保険料の控除額 (所得税) of the reports: the premium up to 50,000円
    jishin: int = 0


#: The reports' totals of many people in one query: 給与 summed per person, the
#: 特別徴収義務者 (the employer paying the largest salary with 特別徴収; ties: the smaller
#: 指定番号, so the choice is stable), 年金 summed per person and whether any payer says
#: 特別徴収.
_TOTALS_SQL: LiteralString = """
    WITH k AS (
        SELECT atena_id, sum(shiharai_kingaku)::bigint AS shunyu,
               sum(shakai_hoken)::bigint AS hoken, sum(jishin_hoken_kojo)::bigint AS jishin,
               sum(seimei_ippan_shin)::bigint AS s1, sum(seimei_ippan_kyu)::bigint AS s2,
               sum(seimei_kaigo_iryo)::bigint AS s3, sum(seimei_nenkin_shin)::bigint AS s4,
               sum(seimei_nenkin_kyu)::bigint AS s5
        FROM {kyuyo} WHERE shotoku_year = %(year)b AND atena_id = ANY(%(ids)b)
        GROUP BY atena_id
    ), e AS (
        SELECT DISTINCT ON (atena_id) atena_id, employer_no, employer_name
        FROM {kyuyo}
        WHERE shotoku_year = %(year)b AND atena_id = ANY(%(ids)b) AND tokubetsu_choshu
        ORDER BY atena_id, shiharai_kingaku DESC, employer_no
    ), n AS (
        SELECT atena_id, sum(shiharai_kingaku)::bigint AS shunyu,
               sum(shakai_hoken)::bigint AS hoken, bool_or(tokubetsu_choshu) AS toku
        FROM {nenkin} WHERE shotoku_year = %(year)b AND atena_id = ANY(%(ids)b)
        GROUP BY atena_id
    )
    SELECT coalesce(k.atena_id, n.atena_id), k.atena_id IS NOT NULL, k.shunyu, k.hoken,
           k.jishin, k.s1, k.s2, k.s3, k.s4, k.s5, n.atena_id IS NOT NULL,
           n.shunyu, n.hoken, n.toku, e.employer_no, e.employer_name
    FROM k FULL JOIN n ON n.atena_id = k.atena_id
    LEFT JOIN e ON e.atena_id = coalesce(k.atena_id, n.atena_id)
"""


def kazei_totals(atena_ids: Iterable[int], income_year: int) -> dict[int, KazeiTotals]:
    """Report totals for many people in one query (the batch calls this per chunk)."""
    ids = list(atena_ids)
    query = sql.SQL(_TOTALS_SQL).format(
        kyuyo=sql.Identifier(KyuyoHokoku._meta.db_table),
        nenkin=sql.Identifier(NenkinHokoku._meta.db_table),
    )
    with raw_cursor() as cur:
        cur.execute(query, {"year": income_year, "ids": ids})
        found = cur.fetchall()
    out: dict[int, KazeiTotals] = {}
    for (atena_id, has_k, k_shunyu, k_hoken, jishin, s1, s2, s3, s4, s5, has_n, n_shunyu,
         n_hoken, toku, no, name) in found:  # fmt: skip
        seimei = (
            SeimeiHokenryo(
                ippan_shin=s1, ippan_kyu=s2, kaigo_iryo=s3, nenkin_shin=s4, nenkin_kyu=s5
            )
            if has_k and (s1 or s2 or s3 or s4 or s5)
            else None
        )
        out[atena_id] = KazeiTotals(
            kyuyo_shunyu=k_shunyu if has_k else 0,
            kyuyo_hoken=k_hoken if has_k else 0,
            nenkin_shunyu=n_shunyu if has_n else 0,
            nenkin_hoken=n_hoken if has_n else 0,
            has_kyuyo=has_k,
            has_nenkin=has_n,
            tokucho_shitei_no=no or "",
            tokucho_employer_name=name or "",
            nenkin_tokucho=bool(toku),
            seimei=seimei,
            jishin=jishin if has_k else 0,
        )
    return out


#: 生命保険料 fields, the same names on KyuyoHokoku and Shinkoku
SEIMEI_FIELDS = (
    "seimei_ippan_shin",
    "seimei_ippan_kyu",
    "seimei_kaigo_iryo",
    "seimei_nenkin_shin",
    "seimei_nenkin_kyu",
)


def _seimei(row: Any) -> SeimeiHokenryo | None:
    """The premiums of a report row or 申告, or None when all are 0."""
    if row is None:
        return None
    get = row.get if isinstance(row, dict) else lambda f: getattr(row, f)
    values = [int(get(f) or 0) for f in SEIMEI_FIELDS]
    if not any(values):
        return None
    ippan_shin, ippan_kyu, kaigo_iryo, nenkin_shin, nenkin_kyu = values
    return SeimeiHokenryo(
        ippan_shin=ippan_shin,
        ippan_kyu=ippan_kyu,
        kaigo_iryo=kaigo_iryo,
        nenkin_shin=nenkin_shin,
        nenkin_kyu=nenkin_kyu,
    )


_SHINKOKU_IDS_SQL: LiteralString = (
    "SELECT id FROM {table} WHERE shotoku_year = %b AND atena_id = ANY(%b)"
)


def shinkoku_for(atena_ids: Iterable[int], income_year: int) -> dict[int, Shinkoku]:
    """The 申告 of many people: which exist, one server-bound query with the ids as one
    array; then only those as model objects (most people of a chunk file none)."""
    with raw_cursor() as cur:
        cur.execute(
            sql.SQL(_SHINKOKU_IDS_SQL).format(table=sql.Identifier(Shinkoku._meta.db_table)),
            [income_year, list(atena_ids)],
        )
        found = [pk for (pk,) in cur.fetchall()]
    if not found:
        return {}
    return {s.atena_id: s for s in Shinkoku.objects.filter(pk__in=found)}


def _int(value: Any, what: str, *, negative: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidKazeiData(f"{what}は整数で入力してください。")
    if value < 0 and not negative:
        raise InvalidKazeiData(f"{what}に負の値は入力できません。")
    return value


def _shogai(value: Any, what: str, *, dokyo: bool) -> Shogai:
    try:
        s = Shogai(value or Shogai.NASHI.value)
    except ValueError as exc:
        choices = "・".join(x.value for x in Shogai if dokyo or x is not Shogai.DOKYO_TOKUBETSU)
        raise InvalidKazeiData(f"{what}の障害者区分は{choices}のいずれかです。") from exc
    if s is Shogai.DOKYO_TOKUBETSU and not dokyo:
        raise InvalidKazeiData(f"{what}に同居特別障害者は指定できません。")
    return s


def haigusha_from_json(data: Any) -> Haigusha | None:
    if data in (None, {}, ""):
        return None
    if not isinstance(data, dict):
        raise InvalidKazeiData("配偶者の内容が正しくありません。")
    return Haigusha(
        age=_int(data.get("age"), "配偶者の年齢"),
        gokei_shotoku=_int(data.get("gokei_shotoku", 0), "配偶者の合計所得金額", negative=True),
        shogai=_shogai(data.get("shogai"), "配偶者", dokyo=True),
    )


def shinzoku_from_json(data: Any) -> tuple[Shinzoku, ...]:
    if data in (None, ""):
        return ()
    if not isinstance(data, list):
        raise InvalidKazeiData("扶養親族等の内容が正しくありません。")
    out = []
    for i, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise InvalidKazeiData(f"扶養親族{i}人目の内容が正しくありません。")
        out.append(
            Shinzoku(
                age=_int(item.get("age"), f"扶養親族{i}人目の年齢"),
                gokei_shotoku=_int(
                    item.get("gokei_shotoku", 0), f"扶養親族{i}人目の合計所得金額", negative=True
                ),
                dokyo_roshin=bool(item.get("dokyo_roshin", False)),
                shogai=_shogai(item.get("shogai"), f"扶養親族{i}人目", dokyo=True),
            )
        )
    return tuple(out)


@lru_cache(maxsize=1 << 16)
def _ages(birth_date: date, fiscal_year: int, seinen: int) -> tuple[int, bool]:
    """The age on 31 December of the income year, and whether a minor on the 賦課期日:
    the same for everyone born the same day (the 当初賦課 asks ≈ 380,000 times for ≈
    36,000 birthdays)."""
    return (
        age_on(birth_date, date(fiscal_year - 1, 12, 31)),
        age_on(birth_date, date(fiscal_year, 1, 1)) < seinen,
    )


def input_for(
    *,
    birth_date: date,
    settings: TownSettings,
    totals: KazeiTotals | None,
    shinkoku: Shinkoku | None,
) -> JuminzeiInput:
    """The calculation's input for one person (名寄せ of reports and 申告)."""
    t = totals or KazeiTotals()
    kyuyo, nenkin = t.kyuyo_shunyu, t.nenkin_shunyu
    hoken = t.kyuyo_hoken + t.nenkin_hoken
    age, miseinen = _ages(birth_date, settings.fiscal_year, settings.seinen)
    common: dict[str, Any] = {
        "age": age,
        "miseinen": miseinen,
        "shitei_toshi": settings.shitei_toshi,
        "kyuchi": settings.kyuchi,
    }
    if shinkoku is None:
        # 年末調整's 生命保険料 and 地震保険料 from the 給与支払報告書
        return JuminzeiInput(
            kyuyo_shunyu=kyuyo,
            nenkin_shunyu=nenkin,
            shakai_hokenryo=hoken,
            seimei_hokenryo=t.seimei,
            jishin_hokenryo=t.jishin,
            **common,
        )
    s = shinkoku
    if s.kyuyo_shunyu:
        kyuyo = int(s.kyuyo_shunyu)
    if s.nenkin_shunyu:
        nenkin = int(s.nenkin_shunyu)
    # The 申告's premiums when it has any, else those of the 年末調整 (report).
    seimei = _seimei(s) or t.seimei
    jishin = int(s.jishin_hokenryo) or t.jishin
    try:
        kafu = KafuHitorioya(s.kafu_hitorioya or KafuHitorioya.NASHI.value)
    except ValueError as exc:
        raise InvalidKazeiData("寡婦・ひとり親の区分が正しくありません。") from exc
    try:
        return JuminzeiInput(
            kyuyo_shunyu=kyuyo,
            nenkin_shunyu=nenkin,
            sonota_shotoku=s.sonota_shotoku,
            shakai_hokenryo=hoken + int(s.shakai_hokenryo),
            shokibo_kyosai=int(s.shokibo_kyosai),
            seimei_hokenryo=seimei,
            jishin_hokenryo=jishin,
            kyu_choki_songai_hokenryo=int(s.kyu_choki_songai_hokenryo),
            iryohi_kojo=int(s.iryohi_kojo),
            haigusha=haigusha_from_json(s.haigusha),
            shinzoku=shinzoku_from_json(s.shinzoku),
            shogai=_shogai(s.shogai, "本人", dokyo=False),
            kafu_hitorioya=kafu,
            kinro_gakusei=bool(s.kinro_gakusei),
            # 勤労学生: 給与所得等以外の所得 (the 申告's other income)
            kinro_igai_shotoku=max(s.sonota_shotoku, 0)
            + s.choki_joto_shotoku
            + s.tanki_joto_shotoku,
            seikatsu_fujo=bool(s.seikatsu_fujo),
            choki_joto_shotoku=s.choki_joto_shotoku,
            choki_tokurei=s.choki_tokurei or "",
            choki_tokubetsu_kojo=int(s.choki_tokubetsu_kojo),
            tanki_joto_shotoku=s.tanki_joto_shotoku,
            tanki_tokurei=s.tanki_tokurei or "",
            tanki_tokubetsu_kojo=int(s.tanki_tokubetsu_kojo),
            **common,
        )
    except (TypeError, ValueError) as exc:
        if isinstance(exc, InvalidKazeiData):
            raise
        raise InvalidKazeiData(str(exc)) from exc
