"""The 収納 ledger's operations (zeimu.models.shuno; issue 18).

Every operation is one transaction and writes entries only: 調定 (``chotei_post``), a
payment (``nofu_apply``: 窓口, and the bank files of ``zeimu.services.shuno_files``), and
充当 of 過誤納 to the same taxpayer's oldest debts (``juto_apply``). Balances are sums of
entries up to a day (``balances``), so any past day's position can be shown.

The ledger imports no business module: modules post through ``zeimu.public.chotei_post``
with their own key of the 期別 and of the change, and read balances back the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, Sum

from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from zeimu.gyomu import SHUNO_KANRI
from zeimu.models import (
    Chotei,
    ChoteiKind,
    Kibetsu,
    Nofu,
    NofuChannel,
    NofuStatus,
    Shuno,
    ShunoKind,
    Zeimoku,
)
from zeimu.rules.entaikin import ChoteiEntry, EntaikinResult, entaikin_by_nouki
from zeimu.services.shuno_entaikin import entaikin_kakutei
from zeimu.services.shuno_kesson import kesson_teisei

#: the first two digits of a 納付番号 (ours: no national numbering of 納付番号 exists; the
#: eL-QR code carries its own 納付番号 per 地方税共同機構's rules, issue 18 item 5)
ZEIMOKU_NO = {
    Zeimoku.JUMINZEI: "01",
    Zeimoku.KOTEIZEI: "02",
    Zeimoku.KEIJIDOSHA: "03",
    Zeimoku.HOJINZEI: "04",
    Zeimoku.KOKUHOZEI: "05",
    Zeimoku.KAIGO: "06",
    Zeimoku.KOKI: "07",
    Zeimoku.JIGYOSHOZEI: "08",
    Zeimoku.HOIKURYO: "09",
    Zeimoku.SEIHO_HENKAN: "10",
    Zeimoku.SEIHO_CHOSHU: "11",
    Zeimoku.SEIHO_HENKAN77: "12",
}


#: 税目 that bear no 延滞金 in this ledger: 生活保護法第63条の返還金 (a 延滞金 of a 非強制徴収
#: 公債権 needs the town's 条例: 地方自治法第231条の3第2項) and the 徴収金 of 第77条の2 and
#: 第78条 (国税徴収の例
#: brings the 滞納処分, not a 延滞税; whether a town charges 延滞金 on it by 条例 is 未確認)
ENTAIKIN_NASHI = frozenset({Zeimoku.SEIHO_HENKAN, Zeimoku.SEIHO_CHOSHU, Zeimoku.SEIHO_HENKAN77})

TAXPAYER_ONE = "納税義務者は宛名か法人番号のどちらか一方で指定してください。"

#: the key of a 督促手数料's 期別 starts so (``zeimu.services.shuno_tokusoku``): a receivable
#: under the 税目 of the tax it was charged for, one per 督促, bearing no 延滞金
TESURYO_KEY = "tokusoku_tesuryo:"

#: the key of a 延滞金's 期別 starts so (``juto_apply`` with ``entaikin``): the 延滞金 of a
#: 本税 a 充当 paid off, 確定 then, posted under the 税目 of its tax + the 本税's 期別 id; it
#: bears no 延滞金 itself (地方税法第20条の4の2 counts it on the 本税 only)
ENTAIKIN_KEY = "entaikin:"


#: 税目 whose 増額更正 may be due by a 納期限 of its own 更正 notice (``chotei_post``'s
#: ``kosei_nouki``): the 賦課課税 taxes collected by a 納税通知書 whose 延滞金 article counts
#: from the 納期限 of that notice — 固定資産税・都市計画税 (地方税法第369条, 第702条の8) and
#: 軽自動車税 種別割 (its 延滞金 article, 未確認 by number here). Not 個人住民税 普通徴収: its
#: 不足税額 bears 延滞金 from each 納期限 already come (第321条の2第2項, with the 除算期間 of
#: 第3項・第4項); not 法人住民税・事業所税 (申告納付: from the 法定納期限); not the 保険料 and
#: 国民健康保険税 (their 条例's or article's wording not read here: 未確認, refused).
KOSEI_NOUKI_ZEIMOKU = frozenset({Zeimoku.KOTEIZEI, Zeimoku.KEIJIDOSHA})

KOSEI_NOUKI_ZEIMOKU_NG = (
    "この税目の増額分には更正通知書の納期限を指定できません（延滞金は期別の納期限から計算します）。"
)
KOSEI_NOUKI_BEFORE = "更正通知書の納期限は調定日以後の日を指定してください。"


def _kosei_nouki_check(zeimoku: str, kosei_nouki: date | None, on: date) -> None:
    if kosei_nouki is None:
        return
    if zeimoku not in KOSEI_NOUKI_ZEIMOKU:
        raise ShunoRefused(KOSEI_NOUKI_ZEIMOKU_NG)
    if kosei_nouki < on:
        raise ShunoRefused(KOSEI_NOUKI_BEFORE)


class ShunoRefused(Exception):
    """An operation the ledger refuses; the message is Japanese, for the clerk."""


#: a digit doubled as the Luhn check does (digits of the product summed: 7 → 14 → 5)
_LUHN_DOUBLED = str.maketrans("0123456789", "0246813579")


def luhn_digit(digits: str) -> str:
    """The Luhn check digit of ``digits`` (the rightmost digit is doubled, then every
    second one to the left). String slicing and ``str.translate`` instead of a loop over
    the digits: the 本算定 jobs number every new 期別 (tested against the loop)."""
    backwards = digits[::-1]
    total = sum(map(int, backwards[::2].translate(_LUHN_DOUBLED))) + sum(map(int, backwards[1::2]))
    return str((10 - total % 10) % 10)


NOFU_BANGO_INVALID = "納付番号は20桁の数字で、検査数字が正しいものを入力してください。"


def nofu_bango_valid(text: str) -> bool:
    if len(text) != 20 or not (text.isascii() and text.isdigit()):
        return False
    return luhn_digit(text[:19]) == text[19]


def _actor_name(actor: Actor) -> str:
    return actor.username or actor.api_client or "system"


@dataclass(frozen=True)
class Posted:
    kibetsu_id: int
    nofu_bango: str
    chotei: int  # the 期別's 調定額 after the post
    written: bool  # False: the same ref was posted before (nothing written)


def chotei_post(
    *,
    zeimoku: str,
    key: str,
    atena_id: int | None,
    nendo: int,
    ki: int,
    ki_label: str,
    nouki: date,
    amount: int,
    ref: str,
    on: date,
    actor: Actor,
    genmen: bool = False,
    reason: str = "",
    hojin_bango: str = "",
    shotoku_kiin: bool = False,
    tsuchi_date: date | None = None,
    kosei_nouki: date | None = None,
) -> Posted:
    """State the 期別's 調定額 as ``amount``: the ledger writes the difference from what it
    holds as a new entry (当初, 増額更正, 減額更正 or, with ``genmen``, 減免). ``ref`` names this
    change in the poster's terms; posting it again writes nothing.

    ``shotoku_kiin``: the 更正 is due to a 所得税 修正申告・更正 (地方税法第321条の2第3項・第4項:
    個人住民税 普通徴収 only), notified on ``tsuchi_date`` (default ``on``); its 除算期間 is then
    left out of the 延滞金 (``entaikin_of``).

    ``kosei_nouki``: the 納期限 the 更正's notice sets (``KOSEI_NOUKI_ZEIMOKU`` only; not before
    ``on``). An increase of a 期別 due before it is due by it, and its 延滞金 counts from the
    day after it (``zeimu.rules.entaikin.nouki_layers``); a 期別 this post creates (the first
    調定 of its key: a first assessment, another taxpayer's year) is due by it when it is
    later (``_new_nouki``); on any other change, or a 期別 due on or after it, it is not kept
    (the 期別's own 納期限 applies)."""
    if zeimoku not in Zeimoku.values:
        raise ShunoRefused("税目が正しくありません。")
    _kosei_nouki_check(zeimoku, kosei_nouki, on)
    if shotoku_kiin and zeimoku != Zeimoku.JUMINZEI:
        raise ShunoRefused(
            "所得税の修正申告・更正に基因する更正は、個人住民税（普通徴収）の期別だけに指定できます。"
        )
    if tsuchi_date is not None and tsuchi_date < on:
        raise ShunoRefused("通知日は調定日以後の日を指定してください。")
    if (atena_id is None) == (not hojin_bango):
        raise ShunoRefused(TAXPAYER_ONE)
    if amount < 0:
        raise ShunoRefused("調定額に負の金額は指定できません。")
    with transaction.atomic():
        kib = Kibetsu.objects.select_for_update().filter(zeimoku=zeimoku, key=key).first()
        if kib is None:
            with connection.cursor() as cur:
                cur.execute("SELECT nextval(pg_get_serial_sequence('zeimu_kibetsu', 'id'))")
                pk = int(cur.fetchone()[0])
            kib = Kibetsu.objects.create(
                pk=pk,
                atena_id=atena_id,
                hojin_bango=hojin_bango,
                zeimoku=zeimoku,
                nendo=nendo,
                ki=ki,
                ki_label=ki_label,
                nouki=_new_nouki(nouki, kosei_nouki),
                nofu_bango=_nofu_bango(zeimoku, nendo, pk),
                key=key,
            )
        elif (kib.atena_id, kib.hojin_bango) != (atena_id, hojin_bango):
            raise ShunoRefused("この期別は別の納税義務者の調定です。")
        held = Chotei.objects.filter(kibetsu=kib).aggregate(s=Sum("amount"))["s"] or 0
        if Chotei.objects.filter(ref=ref).exists():
            return Posted(kib.pk, kib.nofu_bango, held, False)
        delta = amount - held
        if delta == 0 and Chotei.objects.filter(kibetsu=kib).exists():
            return Posted(kib.pk, kib.nofu_bango, held, False)
        if not Chotei.objects.filter(kibetsu=kib).exists():
            kind = ChoteiKind.TOSHO
        elif genmen:
            if delta > 0:
                raise ShunoRefused("減免で調定額を増やすことはできません。")
            kind = ChoteiKind.GENMEN
        else:
            kind = ChoteiKind.ZOGAKU if delta > 0 else ChoteiKind.GENGAKU
        if shotoku_kiin and kind not in (ChoteiKind.ZOGAKU, ChoteiKind.GENGAKU):
            raise ShunoRefused("所得税の修正申告・更正に基因するのは、増額・減額の更正だけです。")
        Chotei.objects.create(
            kibetsu=kib,
            kind=kind,
            amount=delta,
            on=on,
            reason=reason[:200],
            shotoku_kiin=shotoku_kiin,
            tsuchi_date=tsuchi_date,
            nouki=_own_nouki(kind, kib.nouki, kosei_nouki),
            ref=ref,
            created_by=_actor_name(actor),
        )
        if kind != ChoteiKind.TOSHO and not _is_entaikin(kib):
            # a 更正 changes the tax the 延滞金 is counted on, from the start
            entaikin_kakutei([(kib.pk, on)], actor=actor)
        return Posted(kib.pk, kib.nofu_bango, amount, True)


def _new_nouki(nouki: date, kosei_nouki: date | None) -> date:
    """The 納期限 of a 期別 a 更正 creates (a first assessment, another taxpayer's year, a
    期 that held nothing): the notice's when later — the whole 期別 is due by that notice."""
    return kosei_nouki if kosei_nouki is not None and kosei_nouki > nouki else nouki


def _own_nouki(kind: str, nouki: date, kosei_nouki: date | None) -> date | None:
    """The 納期限 an entry keeps: the 更正 notice's, for an increase of a 期別 due before it."""
    if kind == ChoteiKind.ZOGAKU and kosei_nouki is not None and kosei_nouki > nouki:
        return kosei_nouki
    return None


@dataclass(frozen=True)
class ChoteiItem:
    """One 期別's 調定 for ``chotei_post_many``: the arguments of ``chotei_post``."""

    zeimoku: str
    key: str
    atena_id: int | None
    nendo: int
    ki: int
    ki_label: str
    nouki: date
    amount: int
    ref: str
    on: date
    genmen: bool = False
    reason: str = ""
    #: a corporation's 期別 (法人住民税, 事業所税): its 法人番号, with ``atena_id`` None
    hojin_bango: str = ""
    #: the 納期限 of the 更正's notice (``chotei_post``'s ``kosei_nouki``)
    kosei_nouki: date | None = None


def _nofu_bango(zeimoku: str, nendo: int, pk: int) -> str:
    return _nofu_bango_of(_nofu_bango_head(zeimoku, nendo), pk)


def _nofu_bango_head(zeimoku: str, nendo: int) -> str:
    """The 税目 and 年度 digits a 納付番号 starts with."""
    return f"{ZEIMOKU_NO[Zeimoku(zeimoku)]}{nendo % 100:02d}"


def _nofu_bango_of(head: str, pk: int) -> str:
    body = f"{head}{pk:015d}"
    return body + luhn_digit(body)


#: ids for new 期別, in order: the sequence looked up once, not per id — as
#: ``nextval(pg_get_serial_sequence(…))`` over ``generate_series`` it was a catalogue
#: lookup per row, ≈ 10 µs of server CPU an id (20,000 ids 210 ms against 20 ms here)
NEW_KIBETSU_IDS = """
    WITH s AS MATERIALIZED (
        SELECT pg_get_serial_sequence('zeimu_kibetsu', 'id')::regclass AS seq, now()::text AS now
    )
    SELECT nextval(s.seq), s.now FROM s, generate_series(1, %s)
"""

#: the items of one ``chotei_post_many`` call, and what it decided for them: temporary
#: tables of the call's transaction, filled with COPY (no arrays for psycopg to adapt
#: element by element), emptied by the next call in the same transaction
_STAGE = """
    CREATE TEMP TABLE IF NOT EXISTS zeimu_chotei_in (
        i integer, zeimoku text, key text, atena_id bigint, hojin_bango text, nendo integer,
        ki integer, ki_label text, nouki date, ref text, "on" date, reason text
    ) ON COMMIT DROP;
    CREATE TEMP TABLE IF NOT EXISTS zeimu_chotei_do (
        i integer, kibetsu_id bigint, nofu_bango text, kind text, amount bigint, nouki date
    ) ON COMMIT DROP;
    DELETE FROM zeimu_chotei_in;
    DELETE FROM zeimu_chotei_do
"""

#: the existing 期別 of the items' keys, locked, with what they hold (NULL: no 調定 yet)
_HELD = """
    SELECT k.id, k.zeimoku, k.key, k.atena_id, k.hojin_bango, k.nofu_bango, k.nouki,
        (SELECT SUM(c.amount) FROM zeimu_chotei c WHERE c.kibetsu_id = k.id)
    FROM zeimu_kibetsu k
    WHERE (k.zeimoku, k.key) IN (SELECT DISTINCT zeimoku, key FROM zeimu_chotei_in)
    ORDER BY k.id FOR UPDATE OF k
"""

_REFS = """
    SELECT c.ref FROM zeimu_chotei c WHERE c.ref IN (SELECT ref FROM zeimu_chotei_in)
"""

_INSERT_KIBETSU = """
    INSERT INTO zeimu_kibetsu (id, atena_id, hojin_bango, zeimoku, nendo, ki, ki_label, nouki,
        nofu_bango, key, created_at)
    SELECT d.kibetsu_id, s.atena_id, s.hojin_bango, s.zeimoku, s.nendo, s.ki, s.ki_label,
        s.nouki, d.nofu_bango, s.key, now()
    FROM zeimu_chotei_do d JOIN zeimu_chotei_in s ON s.i = d.i
    WHERE d.nofu_bango IS NOT NULL ORDER BY d.kibetsu_id
"""

_INSERT_CHOTEI = """
    INSERT INTO zeimu_chotei (kibetsu_id, kind, amount, "on", reason, ref, created_by,
        created_at, nouki)
    SELECT d.kibetsu_id, d.kind, d.amount, s."on", s.reason, s.ref, %s, now(), d.nouki
    FROM zeimu_chotei_do d JOIN zeimu_chotei_in s ON s.i = d.i
    WHERE d.kind IS NOT NULL ORDER BY d.i
"""


def chotei_post_many(items: Iterable[ChoteiItem], *, actor: Actor) -> list[Posted]:
    """``chotei_post`` for many 期別 at once, with the same outcome as posting the items one
    after the other in their order (tested against that loop), in a fixed number of
    statements whatever their number: the items COPied into a temporary table, the
    existing 期別 of their keys (locked) with their held sums, the refs already posted,
    ids for the new 期別 from the sequence, then the decisions COPied beside them and one
    INSERT … SELECT of 期別 and one of 調定. The difference is worked out in Python item by
    item, so two items on one 期別 in a batch behave as two posts. All or nothing: a
    refused item (the Japanese message of ``chotei_post``) writes nothing of the batch.
    A job's chunk (≈1,000–10,000 items) is one round of these statements."""
    items = list(items)
    zeimoku_ok = set(Zeimoku.values)  # (``values`` builds a new list at every access)
    for it in items:
        if it.zeimoku not in zeimoku_ok:
            raise ShunoRefused("税目が正しくありません。")
        if (it.atena_id is None) == (not it.hojin_bango):
            raise ShunoRefused(TAXPAYER_ONE)
        if it.amount < 0:
            raise ShunoRefused("調定額に負の金額は指定できません。")
        _kosei_nouki_check(it.zeimoku, it.kosei_nouki, it.on)
    if not items:
        return []
    who = _actor_name(actor)
    with transaction.atomic(), connection.cursor() as cur:
        raw = cur.cursor  # psycopg's own cursor, for COPY
        cur.execute(_STAGE)
        with raw.copy(
            "COPY zeimu_chotei_in (i, zeimoku, key, atena_id, hojin_bango, nendo, ki, "
            'ki_label, nouki, ref, "on", reason) FROM STDIN'
        ) as copy:
            # (the staged 納期限 is a new 期別's: ``_new_nouki``)
            for i, it in enumerate(items):
                copy.write_row(
                    (i, it.zeimoku, it.key, it.atena_id, it.hojin_bango, it.nendo, it.ki,
                     it.ki_label, _new_nouki(it.nouki, it.kosei_nouki), it.ref, it.on,
                     it.reason[:200])
                )  # fmt: skip
        cur.execute(_HELD)
        # (zeimoku, key) -> [id, (atena_id, hojin_bango), nofu_bango, held, has_chotei, 納期限]
        state: dict[tuple[str, str], list[Any]] = {
            (z, k): [pk, (atena, hojin), nb, int(held or 0), held is not None, due]
            for pk, z, k, atena, hojin, nb, due, held in cur.fetchall()
        }
        cur.execute(_REFS)
        refs = {r for (r,) in cur.fetchall()}
        fresh = len({(it.zeimoku, it.key) for it in items} - state.keys())
        new_ids: list[int] = []
        if fresh:
            cur.execute(NEW_KIBETSU_IDS, [fresh])
            new_ids = [int(pk) for pk, _ in cur.fetchall()]
        # per item: (i, 期別 id, 納付番号 of a new 期別 or None, kind or None, difference,
        # the entry's own 納期限 or None)
        todo: list[tuple[int, int, str | None, str | None, int | None, date | None]] = []
        out: list[Posted] = []
        ids = iter(new_ids)
        heads: dict[tuple[str, int], str] = {}
        for i, it in enumerate(items):
            zk = (it.zeimoku, it.key)
            s: list[Any] | None = state.get(zk)
            new_bango: str | None = None
            if s is None:
                pk = next(ids)
                head = heads.get((it.zeimoku, it.nendo))
                if head is None:
                    head = heads[it.zeimoku, it.nendo] = _nofu_bango_head(it.zeimoku, it.nendo)
                new_bango = _nofu_bango_of(head, pk)
                s = state[zk] = [pk, (it.atena_id, it.hojin_bango), new_bango, 0, False,
                                 _new_nouki(it.nouki, it.kosei_nouki)]  # fmt: skip
            elif s[1] != (it.atena_id, it.hojin_bango):
                raise ShunoRefused("この期別は別の納税義務者の調定です。")
            pk, _, nofu_bango, held_sum, has_chotei, due = s
            delta = it.amount - held_sum
            if it.ref in refs or (delta == 0 and has_chotei):
                if new_bango is not None:
                    todo.append((i, pk, new_bango, None, None, None))
                out.append(Posted(pk, nofu_bango, held_sum, False))
                continue
            if not has_chotei:
                kind = ChoteiKind.TOSHO
            elif it.genmen:
                if delta > 0:
                    raise ShunoRefused("減免で調定額を増やすことはできません。")
                kind = ChoteiKind.GENMEN
            else:
                kind = ChoteiKind.ZOGAKU if delta > 0 else ChoteiKind.GENGAKU
            todo.append(
                (i, pk, new_bango, kind.value, delta, _own_nouki(kind, due, it.kosei_nouki))
            )
            refs.add(it.ref)
            s[3], s[4] = it.amount, True
            out.append(Posted(pk, nofu_bango, it.amount, True))
        if todo:
            with raw.copy(
                "COPY zeimu_chotei_do (i, kibetsu_id, nofu_bango, kind, amount, nouki) FROM STDIN"
            ) as copy:
                for row in todo:
                    copy.write_row(row)
            if new_ids:
                cur.execute(_INSERT_KIBETSU)
            if any(row[3] is not None for row in todo):
                cur.execute(_INSERT_CHOTEI, [who])
        # a 更正 changes the tax a 延滞金 fixed before was counted on (one query when none
        # is late)
        changed = [(pk, items[i].on) for i, pk, _, kind, _, _ in todo
                   if kind is not None and kind != ChoteiKind.TOSHO
                   and not items[i].key.startswith(ENTAIKIN_KEY)]  # fmt: skip
        if changed:
            entaikin_kakutei(changed, actor=actor)
    return out


# --- balances -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Balance:
    kibetsu_id: int
    chotei: int
    shuno: int

    @property
    def zan(self) -> int:
        """未納 (> 0) or 過誤納 (< 0)."""
        return self.chotei - self.shuno


def balances(kibetsu_ids: Iterable[int], *, on: date | None = None) -> dict[int, Balance]:
    """Each 期別's 調定 and 収納 as of ``on`` (entries dated on or before it; all when None)."""
    ids = list(kibetsu_ids)
    cf = Q(kibetsu_id__in=ids) if on is None else Q(kibetsu_id__in=ids, on__lte=on)
    chotei = dict(
        Chotei.objects.filter(cf)
        .values("kibetsu_id")
        .annotate(s=Sum("amount"))
        .values_list("kibetsu_id", "s")
    )
    shuno = dict(
        Shuno.objects.filter(cf)
        .values("kibetsu_id")
        .annotate(s=Sum("amount"))
        .values_list("kibetsu_id", "s")
    )
    return {i: Balance(i, int(chotei.get(i) or 0), int(shuno.get(i) or 0)) for i in ids}


def taxpayer_balances(
    atena_id: int | None, *, on: date | None = None, hojin_bango: str = ""
) -> list[tuple[Kibetsu, Balance]]:
    """Every 期別 of the taxpayer — a person by ``atena_id`` or a corporation by its
    ``hojin_bango`` — across every 税目, oldest 納期限 first, with its balance."""
    kibs = list(
        Kibetsu.objects.filter(_taxpayer(atena_id, hojin_bango)).order_by(
            "nouki", "zeimoku", "ki", "pk"
        )
    )
    bal = balances([k.pk for k in kibs], on=on)
    return [(k, bal[k.pk]) for k in kibs]


def _taxpayer(atena_id: int | None, hojin_bango: str) -> Q:
    """The 期別 of one taxpayer: a person (宛名) or a corporation (法人番号), never both."""
    if (atena_id is None) == (not hojin_bango):
        raise ShunoRefused(TAXPAYER_ONE)
    return Q(atena_id=atena_id) if atena_id is not None else Q(hojin_bango=hojin_bango)


@dataclass(frozen=True)
class Getsuji:
    """The money a 税目's 期別 of one 年度 and 期 took in one month (収納日's month)."""

    month: date  # the month's first day
    nendo: int
    ki: int
    amount: int


#: what is money: every 収納 entry but the 不納欠損 (and its correction), which strike a
#: balance off without money
_NOT_MONEY = (ShunoKind.KESSON, ShunoKind.KESSON_TORIKESHI)


def getsuji(zeimoku: str, *, since: date, until: date) -> list[Getsuji]:
    """Per month of 収納日 (``since``…``until`` inclusive), 年度 and 期 of the 期別: the sum of
    its 収納 entries (payments, 還付 negative, 充当 in and out, 滞納処分), 不納欠損 left out.
    One query; months with nothing are absent."""
    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT date_trunc('month', s."on")::date, k.nendo, k.ki, sum(s.amount)
            FROM zeimu_shuno s JOIN zeimu_kibetsu k ON k.id = s.kibetsu_id
            WHERE k.zeimoku = %s AND s."on" BETWEEN %s AND %s AND NOT (s.kind = ANY(%s))
            GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
            """,
            [zeimoku, since, until, [str(k) for k in _NOT_MONEY]],
        )
        return [Getsuji(m, int(n), int(ki), int(a)) for m, n, ki, a in cur.fetchall()]


# --- payments -----------------------------------------------------------------------------


def nofu_apply(
    *,
    channel: str,
    nofu_bango: str,
    amount: int,
    shuno_date: date,
    actor: Actor,
    note: str = "",
) -> Nofu:
    """One payment by its 納付番号: matched to its 期別 (収納 of the whole amount: more than
    the balance becomes 過誤納 there, for ``juto_apply``), or kept as 要確認 when the number
    names no 期別 of this town."""
    if amount <= 0:
        raise ShunoRefused("納付額は1円以上で指定してください。")
    with transaction.atomic():
        kib = Kibetsu.objects.filter(nofu_bango=nofu_bango).first()
        nofu = Nofu.objects.create(
            channel=channel,
            status=NofuStatus.KESHIKOMI if kib else NofuStatus.YOKAKUNIN,
            shuno_date=shuno_date,
            amount=amount,
            nofu_bango=nofu_bango[:20],
            kibetsu=kib,
            note=note[:100],
            created_by=_actor_name(actor),
        )
        if kib is not None:
            Shuno.objects.create(
                kibetsu=kib,
                kind=ShunoKind.NOFU,
                amount=amount,
                on=shuno_date,
                nofu=nofu,
                created_by=_actor_name(actor),
            )
            kesson_teisei([kib.pk], actor=actor)
            entaikin_kakutei([(kib.pk, shuno_date)], actor=actor)
            access_record(
                actor=actor,
                action=AccessAction.CREATE,
                gyomu=SHUNO_KANRI,
                screen="収納の消込",
                record_type="zeimu.Nofu",
                record_id=nofu.pk,
                detail={"kibetsu_id": kib.pk, "channel": channel},
            )
    return nofu


def madoguchi_nofu(*, nofu_bango: str, amount: int, shuno_date: date, actor: Actor) -> Nofu:
    """窓口 receipt: the 納付番号 must name a 期別 of this town."""
    if not nofu_bango_valid(nofu_bango):
        raise ShunoRefused(NOFU_BANGO_INVALID)
    if not Kibetsu.objects.filter(nofu_bango=nofu_bango).exists():
        raise ShunoRefused("この納付番号の期別はありません。")
    return nofu_apply(
        channel=NofuChannel.MADOGUCHI,
        nofu_bango=nofu_bango,
        amount=amount,
        shuno_date=shuno_date,
        actor=actor,
    )


def hogohi_choshu_nofu(
    *, nofu_bango: str, amount: int, shuno_date: date, actor: Actor, note: str = ""
) -> Nofu:
    """A 徴収金 taken from the 保護金品 (生活保護法第78条の2): a payment of the 期別 the
    number names, which must be one of this town's."""
    if not Kibetsu.objects.filter(nofu_bango=nofu_bango).exists():
        raise ShunoRefused("この納付番号の期別はありません。")
    return nofu_apply(
        channel=NofuChannel.HOGOHI,
        nofu_bango=nofu_bango,
        amount=amount,
        shuno_date=shuno_date,
        actor=actor,
        note=note,
    )


# --- 充当 ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Juto:
    from_kibetsu_id: int
    to_kibetsu_id: int
    amount: int
    #: the 充当（払出） entry (``Shuno``) of this move
    out_id: int = 0
    #: the move paid a 延滞金 (a 期別 of ``ENTAIKIN_KEY``), not a 本税
    entaikin: bool = False


def _is_entaikin(kib: Kibetsu) -> bool:
    return kib.key.startswith(ENTAIKIN_KEY)


def _bears_entaikin(kib: Kibetsu) -> bool:
    return not (
        kib.key.startswith(TESURYO_KEY) or _is_entaikin(kib) or kib.zeimoku in ENTAIKIN_NASHI
    )


def kagono_hassei_of(kibetsu_id: int, *, on: date) -> date | None:
    """The day the 過誤納 of a 期別 standing on ``on`` arose (施行令第6条の14), from its entries."""
    from zeimu.rules.shuno_kanpu import kagono_hassei

    changes = [
        (d, int(a))
        for d, a in Chotei.objects.filter(kibetsu_id=kibetsu_id, on__lte=on).values_list(
            "on", "amount"
        )
    ] + [
        (d, -int(a))
        for d, a in Shuno.objects.filter(kibetsu_id=kibetsu_id, on__lte=on).values_list(
            "on", "amount"
        )
    ]
    return kagono_hassei(changes, on=on)


def juto_apply(
    *,
    atena_id: int | None = None,
    on: date,
    actor: Actor,
    from_kibetsu_id: int | None = None,
    entaikin: bool = False,
    hojin_bango: str = "",
) -> list[Juto]:
    """充当 (地方税法第17条の2): each 過誤納 of the taxpayer goes to the same taxpayer's unpaid
    期別, oldest 納期限 first (the order the law's 充当 follows in the towns' practice). The
    taxpayer is a person (``atena_id``) or a corporation by its ``hojin_bango`` (法人住民税・
    事業所税: a corporation's 期別 are keyed by its 法人番号, never by a 宛名). What is
    left is 過誤納 still (for ``zeimu.services.shuno_kanpu.kanpu_decide``). With
    ``from_kibetsu_id`` only that 期別's 過誤納 moves (a 還付 decision knows the 事由 of its own
    期別 only, and the 事由 decides the 還付加算金 of the part 充当). Idempotent: a second call
    finds nothing.

    A 本税 the 充当 pays off after its 納期限 has its 延滞金 counted up to the 充当適状日 (the
    later of its 納期限 and the day the 過誤納 moved to it arose, 第4項・施行令第6条の14; the
    充当's day when that is earlier) and posted as the 調定 of a 期別 of its own (key
    ``ENTAIKIN_KEY`` + the 本税's 期別 id, 納期限 the 本税's — its 充当適状 is the 本税's,
    施行令第6条の14), with or without ``entaikin``, as an ordinary payment's is fixed
    (``zeimu.services.shuno_entaikin``). With ``entaikin`` the 延滞金 also takes the money
    (第17条の2第3項: the 過誤納金 goes first to the 本税 on which the 延滞金 is counted): every
    本税 is filled first, and what is left goes to the 延滞金 期別, oldest first. A 延滞金 the
    過誤納 does not cover (or, on a bare call, that it was not asked to) stays on the ledger as
    owed (窓口, 納付書)."""
    moved: list[Juto] = []
    who = _actor_name(actor)
    who_q = _taxpayer(atena_id, hojin_bango)
    with transaction.atomic():
        list(Kibetsu.objects.select_for_update().filter(who_q).values_list("pk"))
        rows = taxpayer_balances(atena_id, on=on, hojin_bango=hojin_bango)
        # What is owed or overpaid on ``on`` and also once every entry is counted: a 充当
        # dated before a 配当 or payment entered earlier but dated later must not fill a
        # 期別 that entry pays (it would be overpaid in the end), nor move money a later
        # 還付 already took out.
        final = balances([k.pk for k, _ in rows])
        owed = [(k, min(b.zan, final[k.pk].zan)) for k, b in rows]
        honzei: list[list[Any]] = [
            [k, zan] for k, zan in owed if zan > 0 and not (entaikin and _is_entaikin(k))
        ]
        sources: list[list[Any]] = []
        for kib, bal in rows:
            over = min(-bal.zan, -final[kib.pk].zan)
            if over > 0 and (from_kibetsu_id is None or kib.pk == from_kibetsu_id):
                sources.append([kib, over])
        into: dict[int, list[int]] = {}  # debt 期別 id -> source 期別 ids

        def fill(debts: list[list[Any]]) -> None:
            for src in sources:
                kib = src[0]
                for debt in debts:
                    if src[1] == 0:
                        break
                    if debt[1] <= 0:
                        continue
                    amount = min(src[1], debt[1])
                    out = Shuno.objects.create(
                        kibetsu=kib, kind=ShunoKind.JUTO_OUT, amount=-amount, on=on,
                        created_by=who,
                    )  # fmt: skip
                    inn = Shuno.objects.create(
                        kibetsu=debt[0], kind=ShunoKind.JUTO_IN, amount=amount, on=on,
                        pair=out, created_by=who,
                    )  # fmt: skip
                    Shuno.objects.filter(pk=out.pk).update(pair=inn)
                    debt[1] -= amount
                    src[1] -= amount
                    into.setdefault(debt[0].pk, []).append(kib.pk)
                    moved.append(
                        Juto(kib.pk, debt[0].pk, amount, out.pk, entaikin and _is_entaikin(debt[0]))
                    )

        # the day each 過誤納 arose, read before this 充当 moves it (a source it empties has
        # no 過誤納 left on ``on`` afterwards, and its 充当適状日 would fall to ``on``)
        hassei = {src[0].pk: kagono_hassei_of(src[0].pk, on=on) for src in sources}
        if sources:
            fill(honzei)
        if sources:
            # a 本税 the 充当 paid off after its 納期限 bears its 延滞金, bare call or not (as an
            # ordinary payment's is fixed: zeimu.services.shuno_entaikin)
            for debt, left in honzei:
                if left != 0 or debt.pk not in into or not _bears_entaikin(debt):
                    continue
                arose = max((hassei[i] or on) for i in into[debt.pk])
                tekijo = min(on, max(debt.nouki, arose))
                try:
                    amount = entaikin_of(debt.pk, paid_on=tekijo).entaikin
                except ValueError as exc:  # a year whose rates are not registered
                    raise ShunoRefused(str(exc)) from exc
                if amount > 0:
                    chotei_post(
                        zeimoku=debt.zeimoku, key=f"{ENTAIKIN_KEY}{debt.pk}",
                        atena_id=atena_id, hojin_bango=hojin_bango, nendo=debt.nendo, ki=debt.ki,
                        ki_label=f"延滞金（{debt.ki_label}）"[:20], nouki=debt.nouki,
                        amount=amount, ref=f"juto_entaikin:{debt.pk}", on=on, actor=actor,
                        reason=f"充当により本税が完納（充当適状日 {tekijo.isoformat()}）",
                    )  # fmt: skip
        if sources and entaikin:
            after = taxpayer_balances(atena_id, on=on, hojin_bango=hojin_bango)
            after_final = balances([k.pk for k, _ in after])
            entai: list[list[Any]] = [
                [k, min(b.zan, after_final[k.pk].zan)]
                for k, b in after
                if _is_entaikin(k) and min(b.zan, after_final[k.pk].zan) > 0
            ]
            fill(entai)
        if moved:
            access_record(
                actor=actor,
                action=AccessAction.UPDATE,
                gyomu=SHUNO_KANRI,
                screen="過誤納金の充当",
                # a corporation's 法人番号 is public (法人番号の公表): not personal data
                record_type="atena" if atena_id is not None else "hojin",
                record_id=atena_id if atena_id is not None else hojin_bango,
                detail={"juto": [[m.from_kibetsu_id, m.to_kibetsu_id, m.amount] for m in moved]},
            )
    return moved


# --- 延滞金 -------------------------------------------------------------------------------


def entaikin_of(kibetsu_id: int, *, paid_on: date) -> EntaikinResult:
    """延滞金 of one 期別 if what is owed is paid in full on ``paid_on``: the tax owed on each
    day is the 期別's 調定額 (as it stands: a 減額更正 or 減免 lowers it from the start, as the
    tax never was the higher amount) less what was received up to the day before.
    Not covered: a 増額更正 with a 納期限 of its own (post it as its own 期別)."""
    from tenants.params.services import param_value

    kib = Kibetsu.objects.get(pk=kibetsu_id)
    # a 督促手数料 bears no 延滞金, nor do the 税目 of ENTAIKIN_NASHI
    if not _bears_entaikin(kib):
        return _entaikin(kib.nouki, 0, [], paid_on, param_value)
    entries = [
        ChoteiEntry(int(a), o, k, t, n)
        for a, o, k, t, n in Chotei.objects.filter(kibetsu=kib)
        .order_by("pk")
        .values_list("amount", "on", "shotoku_kiin", "tsuchi_date", "nouki")
    ]
    by_day = (
        Shuno.objects.filter(kibetsu=kib, on__lt=paid_on)
        .values("on")
        .annotate(s=Sum("amount"))
        .order_by("on")
    )
    days = [(r["on"], int(r["s"])) for r in by_day]
    return entaikin_by_nouki(
        nouki=kib.nouki, entries=entries, by_day=days, paid_on=paid_on, lookup=param_value
    )


def _entaikin(
    nouki: date, chotei: int, by_day: list[tuple[date, int]], paid_on: date, lookup: Any
) -> EntaikinResult:
    """The 延滞金 of a tax of ``chotei`` due on ``nouki`` (a 期別 that bears none: 0)."""
    entries = [ChoteiEntry(chotei, nouki)] if chotei else []
    return entaikin_by_nouki(
        nouki=nouki, entries=entries, by_day=by_day, paid_on=paid_on, lookup=lookup
    )


def entaikin_many(kibetsu_ids: Iterable[int], *, paid_on: date) -> dict[int, EntaikinResult]:
    """``entaikin_of`` for many 期別 in three queries (their 納期限, 調定 sums and 収納 by
    day; the rates read once a year), for the batch paths (催告書)."""
    from tenants.params.services import param_value

    ids = list(kibetsu_ids)
    nouki = dict(Kibetsu.objects.filter(pk__in=ids).values_list("pk", "nouki"))
    # a 督促手数料 bears no 延滞金: its 調定 counts as nothing owed
    fees = set(
        Kibetsu.objects.filter(pk__in=ids)
        .filter(Q(key__startswith=TESURYO_KEY) | Q(key__startswith=ENTAIKIN_KEY))
        .values_list("pk", flat=True)
    ) | set(
        Kibetsu.objects.filter(pk__in=ids, zeimoku__in=ENTAIKIN_NASHI).values_list("pk", flat=True)
    )
    kiin: dict[int, list[ChoteiEntry]] = {}
    for kid, amount, on, shotoku, tsuchi, due in (
        Chotei.objects.filter(kibetsu_id__in=ids)
        .order_by("kibetsu_id", "pk")
        .values_list("kibetsu_id", "amount", "on", "shotoku_kiin", "tsuchi_date", "nouki")
    ):
        kiin.setdefault(kid, []).append(ChoteiEntry(int(amount), on, shotoku, tsuchi, due))
    by_day: dict[int, list[tuple[date, int]]] = {i: [] for i in ids}
    for kid, on, total in (
        Shuno.objects.filter(kibetsu_id__in=ids, on__lt=paid_on)
        .values("kibetsu_id", "on")
        .annotate(s=Sum("amount"))
        .order_by("kibetsu_id", "on")
        .values_list("kibetsu_id", "on", "s")
    ):
        by_day[kid].append((on, int(total)))
    cache: dict[tuple[str, int], Any] = {}

    def lookup(key: str, year: int) -> Any:
        if (key, year) not in cache:
            cache[key, year] = param_value(key, year)
        return cache[key, year]

    return {
        i: entaikin_by_nouki(
            nouki=nouki[i],
            entries=[] if i in fees else kiin.get(i, []),
            by_day=by_day[i],
            paid_on=paid_on,
            lookup=lookup,
        )
        for i in ids
        if i in nouki
    }
