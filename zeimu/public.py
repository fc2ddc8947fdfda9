"""税務's public face: 所得, 合計所得金額 and 課税状況 for 国保, 介護, 福祉 and the rest.

The one module other apps may import from zeimu. Plain typed values in and out, never a
queryset or a model instance. Built on the current 個人住民税 assessment of a fiscal year
(``zeimu.models.Fuka``, one current row per person and year): the 所得 are those of the
year before the fiscal year (令和7年度 → 令和6年中の所得), as 国保税 and 介護保険料 use them.

課税状況 of a person (:class:`KazeiJokyo`):

- 課税: 所得割 is charged (with or without 均等割);
- 均等割のみ: assessed, no 所得割, 均等割 charged (介護保険料 段階 and 福祉 fees tell these
  apart from 課税);
- 非課税: assessed as 非課税 (地方税法第295条, 非課税限度額);
- 未申告: a resident of 1 January with no 課税資料 (no report, no 申告).

A person with no assessment of the year in this town (not a resident on 1 January, or the
当初賦課 has not run) is simply absent from the answers; a household lists them in
``unassessed``. Reading these figures is a read of personal data: the calling view logs it
(tenants.accesslog), as for any other read.

Batch callers use the ``*_many`` forms: one query for any number of people (households:
two).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from django.db import connection

from juminkiroku import public as juminkiroku_public
from zeimu import shuno_nofusho_jobs as _nofusho_jobs
from zeimu.models import FukaStatus
from zeimu.models.shuno import Zeimoku
from zeimu.services import shuno as _shuno
from zeimu.services import shuno_tokucho as _tokucho
from zeimu.services import shuno_tosho as _tosho
from zeimu.services.shuno import ChoteiItem, ShunoRefused
from zeimu.services.shuno import Getsuji as ShunoGetsuji
from zeimu.services.shuno import Posted as ChoteiPosted
from zeimu.services.shuno_tokucho import TokuchoNofu, TokuchoPosted
from zeimu.services.shuno_tosho import ToshoRow

#: the 納付書 job's kind (``tenants.jobs.services.job_start(kind=NOFUSHO_JOB, params=…)``):
#: a module whose fee the ledger carries prints its 納付書 through it (params ``zeimoku``,
#: ``nendo``, ``ki``, ``hakko_date``)
NOFUSHO_JOB: str = _nofusho_jobs.NOFUSHO

__all__ = [
    "NOFUSHO_JOB",
    "ChoteiItem",
    "ChoteiPosted",
    "HouseholdKazei",
    "KazeiJokyo",
    "KibetsuZan",
    "PersonKazei",
    "Shotoku",
    "ShunoGetsuji",
    "ShunoRefused",
    "TokuchoNofu",
    "TokuchoPosted",
    "ToshoRow",
    "Zeimoku",
    "chotei_post",
    "chotei_post_many",
    "chotei_post_tosho",
    "hogohi_choshu_post",
    "household_kazei",
    "household_kazei_many",
    "kibetsu_zan",
    "person_kazei",
    "person_kazei_many",
    "shuno_getsuji",
    "tokucho_nofu_post",
]


class KazeiJokyo(StrEnum):
    KAZEI = "kazei"
    KINTOWARI_NOMI = "kintowari_nomi"
    HIKAZEI = "hikazei"
    MISHINKOKU = "mishinkoku"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    KazeiJokyo.KAZEI: "課税",
    KazeiJokyo.KINTOWARI_NOMI: "均等割のみ課税",
    KazeiJokyo.HIKAZEI: "非課税",
    KazeiJokyo.MISHINKOKU: "未申告",
}

# A household is as taxed as its most taxed member; 未申告 ranks above 非課税 because an
# unknown income cannot count as 非課税 (e.g. for 世帯全員非課税 in 介護保険料).
_RANK = {
    KazeiJokyo.KAZEI: 3,
    KazeiJokyo.KINTOWARI_NOMI: 2,
    KazeiJokyo.MISHINKOKU: 1,
    KazeiJokyo.HIKAZEI: 0,
}


@dataclass(frozen=True)
class Shotoku:
    """所得 of the year before the fiscal year (円)."""

    kyuyo_shotoku: int  # 給与所得（所得金額調整控除後）
    nenkin_shotoku: int  # 公的年金等に係る雑所得
    sonota_shotoku: int  # その他の所得
    gokei_shotoku: int  # 合計所得金額（分離課税の長期・短期譲渡所得は特別控除前で含む）
    kazei_shotoku: int = 0  # 課税総所得金額（国保 70歳以上の現役並み所得の判定）
    nenkin_shunyu: int = 0  # 公的年金等の収入金額（国保・介護の低所得の判定）
    #: 分離課税の長期・短期譲渡所得の金額（土地・建物等、特別控除前; gokei_shotoku に含まれる）
    joto_shotoku: int = 0
    #: その特別控除額（租税特別措置法第33条の4・第34条〜第35条の2、第36条の限度の後）:
    #: 介護保険料の段階（介護保険法施行令第38条第4項ほか）は合計所得金額からこれを引いて判定する
    joto_tokubetsu_kojo: int = 0


@dataclass(frozen=True)
class PersonKazei:
    atena_id: int
    fiscal_year: int
    jokyo: KazeiJokyo
    shotoku: Shotoku
    shotokuwari: int  # 所得割（市町村民税＋道府県民税）
    kintowari: int  # 均等割（市町村民税＋道府県民税）
    # 市町村民税の所得割だけ（保育料の階層はこの額で決める：子ども・子育て支援法施行令第4条）
    shotokuwari_shichoson: int = 0

    @property
    def gokei_shotoku(self) -> int:
        return self.shotoku.gokei_shotoku


@dataclass(frozen=True)
class HouseholdKazei:
    """A household on ``on`` (members as the registry had them that day) and the
    assessments of ``fiscal_year`` of its members."""

    setai_id: int | None  # None: a person with no household in the registry on that day
    fiscal_year: int
    on: date
    members: tuple[PersonKazei, ...]  # assessed members, 世帯主 first
    unassessed: tuple[int, ...]  # 宛名 ids of members without an assessment of the year

    @property
    def gokei_shotoku(self) -> int:
        """Σ 合計所得金額 of the assessed members."""
        return sum(m.gokei_shotoku for m in self.members)

    @property
    def jokyo(self) -> KazeiJokyo:
        """The most taxed member's 課税状況; 未申告 when someone is unassessed and nobody
        is taxed."""
        ranks = [_RANK[m.jokyo] for m in self.members]
        if self.unassessed:
            ranks.append(_RANK[KazeiJokyo.MISHINKOKU])
        best = max(ranks, default=_RANK[KazeiJokyo.MISHINKOKU])
        return next(j for j, r in _RANK.items() if r == best)

    @property
    def zenin_hikazei(self) -> bool:
        """世帯全員が非課税: every member assessed, and assessed 非課税."""
        return not self.unassessed and all(m.jokyo is KazeiJokyo.HIKAZEI for m in self.members)


#: what person_kazei_many reads: plain columns of the current 賦課 (the 所得 are copied out
#: of the 内訳 by every writer of the row, zeimu/migrations/0010_fuka_shotoku.py)
_PERSON_SQL = """
    SELECT atena_id, status, gokei_shotoku,
           shotokuwari_shichoson + shotokuwari_dofuken,
           kintowari_shichoson + kintowari_dofuken,
           kyuyo_shotoku, nenkin_shotoku, sonota_shotoku, kazei_shotoku, nenkin_shunyu,
           shotokuwari_shichoson, joto_shotoku, joto_tokubetsu_kojo
    FROM zeimu_fuka
    WHERE fiscal_year = %s AND is_current AND atena_id = ANY(%s::bigint[])
"""


def _jokyo(status: str, shotokuwari: int, kintowari: int) -> KazeiJokyo:
    if status == FukaStatus.MISHINKOKU:
        return KazeiJokyo.MISHINKOKU
    if status == FukaStatus.HIKAZEI:
        return KazeiJokyo.HIKAZEI
    if shotokuwari > 0:
        return KazeiJokyo.KAZEI
    return KazeiJokyo.KINTOWARI_NOMI if kintowari > 0 else KazeiJokyo.HIKAZEI


def person_kazei_many(atena_ids: Iterable[int], fiscal_year: int) -> dict[int, PersonKazei]:
    """宛名 id → 課税状況 and 所得 of ``fiscal_year``; one query. Absent: no assessment."""
    ids = list(set(atena_ids))
    if not ids:
        return {}
    with connection.cursor() as cur:
        cur.execute(_PERSON_SQL, [fiscal_year, ids])
        rows = cur.fetchall()
    out: dict[int, PersonKazei] = {}
    for (
        atena_id,
        status,
        gokei,
        shotokuwari,
        kintowari,
        kyuyo,
        nenkin,
        sonota,
        kazei,
        shunyu,
        shotokuwari_shichoson,
        joto_shotoku,
        joto_tokubetsu_kojo,
    ) in rows:
        out[atena_id] = PersonKazei(
            atena_id=atena_id,
            fiscal_year=fiscal_year,
            jokyo=_jokyo(status, shotokuwari, kintowari),
            shotoku=Shotoku(
                kyuyo_shotoku=kyuyo,
                nenkin_shotoku=nenkin,
                sonota_shotoku=sonota,
                gokei_shotoku=gokei,
                kazei_shotoku=kazei,
                nenkin_shunyu=shunyu,
                joto_shotoku=joto_shotoku,
                joto_tokubetsu_kojo=joto_tokubetsu_kojo,
            ),
            shotokuwari=shotokuwari,
            kintowari=kintowari,
            shotokuwari_shichoson=shotokuwari_shichoson,
        )
    return out


def person_kazei(atena_id: int, fiscal_year: int) -> PersonKazei | None:
    return person_kazei_many([atena_id], fiscal_year).get(atena_id)


def household_kazei_many(
    atena_ids: Iterable[int], fiscal_year: int, *, on: date
) -> dict[int, HouseholdKazei]:
    """For each of ``atena_ids`` living in the town on ``on``: their household of that day
    with its members' assessments of ``fiscal_year``. Two queries for any number."""
    households = juminkiroku_public.households_of(atena_ids, on)
    member_ids = {m.atena_id for members in households.values() for m in members}
    kazei = person_kazei_many(member_ids, fiscal_year)
    out: dict[int, HouseholdKazei] = {}
    for atena_id, members in households.items():
        out[atena_id] = HouseholdKazei(
            setai_id=members[0].setai_id,
            fiscal_year=fiscal_year,
            on=on,
            members=tuple(kazei[m.atena_id] for m in members if m.atena_id in kazei),
            unassessed=tuple(m.atena_id for m in members if m.atena_id not in kazei),
        )
    return out


def household_kazei(atena_id: int, fiscal_year: int, *, on: date) -> HouseholdKazei | None:
    """The household of ``atena_id`` on ``on``; None when they did not live in the town."""
    return household_kazei_many([atena_id], fiscal_year, on=on).get(atena_id)


# --- the 収納 ledger (issue 18) ------------------------------------------------------------
#
# A module posts each 期別 of its 調定 here, stating the amount as it now stands, under its
# own key of the 期別 and of the change: the ledger keeps the differences as entries and
# answers with the 納付番号 to print on the 納付書. Posting the same change again writes
# nothing, so a job's chunk may run twice. The ledger imports no business module.


def chotei_post(
    *,
    zeimoku: Zeimoku,
    key: str,
    atena_id: int | None,
    nendo: int,
    ki: int,
    ki_label: str,
    nouki: date,
    amount: int,
    ref: str,
    on: date,
    actor: Any,
    genmen: bool = False,
    reason: str = "",
    hojin_bango: str = "",
    shotoku_kiin: bool = False,
    tsuchi_date: date | None = None,
    kosei_nouki: date | None = None,
) -> ChoteiPosted:
    """State one 期別's 調定額 (see above); raises ``ShunoRefused`` (Japanese) on bad input.
    The taxpayer is a person (``atena_id``) or a corporation (``hojin_bango``), never both.
    ``shotoku_kiin``/``tsuchi_date``: a 個人住民税 更正 due to a 所得税 修正申告・更正, notified
    on that day (地方税法第321条の2第3項・第4項: its 除算期間 bears no 延滞金).
    ``kosei_nouki``: the 納期限 of a 増額更正's notice (固定資産税, 軽自動車税): the increase of a
    期別 due before it bears 延滞金 from the day after it."""
    return _shuno.chotei_post(
        zeimoku=zeimoku,
        key=key,
        atena_id=atena_id,
        nendo=nendo,
        ki=ki,
        ki_label=ki_label,
        nouki=nouki,
        amount=amount,
        ref=ref,
        on=on,
        actor=actor,
        genmen=genmen,
        reason=reason,
        hojin_bango=hojin_bango,
        shotoku_kiin=shotoku_kiin,
        tsuchi_date=tsuchi_date,
        kosei_nouki=kosei_nouki,
    )


def chotei_post_many(items: Iterable[ChoteiItem], *, actor: Any) -> list[ChoteiPosted]:
    """``chotei_post`` for many 期別 in a handful of statements, as if posted one by one in
    order (a job's chunk posts its 期別 with one call); all or nothing on a refusal."""
    return _shuno.chotei_post_many(items, actor=actor)


def chotei_post_tosho(
    *, zeimoku: str, rows: Iterable[ToshoRow], on: date, actor: Any, reason: str = ""
) -> int:
    """A 当初 job's chunk: ``chotei_post_many`` of plain tuples (key, 宛名 id, 年度, 期, 期の名称,
    納期限, 調定額, ref) with one ``on`` and ``reason``, set-based when none of the keys and
    refs is in the ledger yet (the usual 当初 case), item by item otherwise; the same result
    either way. Returns the entries written."""
    return _tosho.chotei_post_tosho(zeimoku=zeimoku, rows=rows, on=on, actor=actor, reason=reason)


def tokucho_nofu_post(
    *,
    zeimoku: Zeimoku,
    name: str,
    sha256: str,
    items: Iterable[TokuchoNofu],
    errors: Iterable[dict[str, object]] = (),
    actor: Any,
) -> TokuchoPosted:
    """The payments of one 特別徴収結果の通知 (the amounts a pension insurer withheld), each
    matched to the 期別 the module posted under ``TokuchoNofu.key`` (要確認 when none); the
    file is kept under ``sha256`` and the same file again is refused (``ShunoRefused``)
    with nothing written. ``errors``: the module's unreadable lines, kept with the file."""
    return _tokucho.tokucho_nofu_post(
        zeimoku=zeimoku,
        name=name,
        sha256=sha256,
        items=list(items),
        errors=list(errors),
        actor=actor,
    )


def hogohi_choshu_post(
    *, nofu_bango: str, amount: int, shuno_date: date, actor: Any, note: str = ""
) -> None:
    """Post a 徴収金 taken from the 保護金品 (生活保護法第78条の2) as a payment of the 期別 whose
    納付番号 the module holds (channel 保護費からの徴収); raises ``ShunoRefused`` (Japanese)
    when the number names no 期別 of this town or the amount is not positive."""
    _shuno.hogohi_choshu_nofu(
        nofu_bango=nofu_bango, amount=amount, shuno_date=shuno_date, actor=actor, note=note
    )


@dataclass(frozen=True)
class KibetsuZan:
    zeimoku: Zeimoku
    nendo: int
    ki_label: str
    nouki: date
    nofu_bango: str
    chotei: int
    shuno: int
    zan: int


def kibetsu_zan(atena_id: int, *, on: date | None = None) -> list[KibetsuZan]:
    """Every 期別 of the taxpayer across every 税目, oldest 納期限 first, as of ``on``."""
    return [
        KibetsuZan(
            zeimoku=Zeimoku(k.zeimoku),
            nendo=k.nendo,
            ki_label=k.ki_label,
            nouki=k.nouki,
            nofu_bango=k.nofu_bango,
            chotei=b.chotei,
            shuno=b.shuno,
            zan=b.zan,
        )
        for k, b in _shuno.taxpayer_balances(atena_id, on=on)
    ]


def shuno_getsuji(zeimoku: Zeimoku, *, since: date, until: date) -> list[ShunoGetsuji]:
    """The money the 税目's 期別 took, per month of 収納日 (``since``…``until``), 年度 and 期
    of the 期別: payments of every channel (特別徴収 included), 還付 (negative), 充当 in and
    out and 滞納処分; 不納欠損 left out (no money). Sums only: no person is named, and the
    town's own ledger only (its schema)."""
    return _shuno.getsuji(zeimoku, since=since, until=until)
