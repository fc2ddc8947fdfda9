"""児童手当 payment run per 支払月: the payment lines in ONE ``INSERT … SELECT`` (every
受給者 × month × child ranked and priced in SQL from the 制度 of each month), then the
全銀協 総合振込 file streamed record by record (``tenants.zengin``).

A 支払差止 (児童手当法第11条) leaves its months out while it holds. 遡及: a change that
reaches months already paid (a late 認定, an 額改定 or 消滅 back-dated, a 差止解除) marks the
受給者 (``sokyu_from``); the next run (定例払, or a 随時払 in another month) pays what is
still due for the months earlier 確定 runs paid, once — what is due now less what those
runs paid — and records an overpayment as a 返還・調整 (``JidoteateChosei``), never as a
negative line. 確定 clears the marks the run saw.

Who is paid for month M: a 認定 (or one 消滅 later than M) whose 支給開始月 ≤ M, not a
公務員 (paid by the employer, 児童手当法第17条), with its children counted that month.
The amounts are those of ``fukushi.rules.jidoteate.month_amounts`` (tests hold the SQL
to it). The run can be recomputed until the file is made (確定); recomputing replaces the
lines of the run, so a second run changes nothing.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import date
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from fukushi.gyomu import JIDO_TEATE
from fukushi.models import (
    JidoteateChosei,
    JidoteateJukyusha,
    JidoteateShiharai,
    JidoteateShiharaiMeisai,
    ShiharaiKubun,
    ShiharaiStatus,
)
from fukushi.rules import jidoteate as rules
from fukushi.services.furikomi import irainin_values
from fukushi.services.jidoteate import JidoteateRefused
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.zengin import Account, FurikomiLine, Irainin, irainin_errors, sogo_furikomi_records

SCREEN = "fukushi.jidoteate.shiharai"
NO_IRAININ = "振込依頼人の設定（設定 > 条例で定める値 fukushi.furikomi.*）がありません。"

#: months (with their 制度) × 受給者 × children, ranked per 受給者 and month among the
#: children counted (第3子以降), priced by band: the CTE both statements below start from.
#: nendomatsu(N) = 3月 of (school year of the day before birth) + N + 1 = base + N years.
#: ``{jfilter}`` narrows the 受給者 (the 遡及 statement: those marked, from their month).
_PRICED_CTE = """
WITH m(month, santei, shikyu, tokurei, b1u, b1a, b1t, b2u, b2a, b2t, b3u, b3a, b3t) AS (
    VALUES {values}
),
c AS (
    SELECT j.id AS jukyusha_id, j.shotoku_kubun, m.*, d.id AS jido_id, d.birth_date, d.kanshu,
           make_date(
               extract(year FROM (d.birth_date - 1) - interval '3 months')::int + 1, 3, 1
           ) AS base
    FROM fukushi_jidoteatejukyusha j
    JOIN m ON j.shikyu_start <= m.month AND (j.shikyu_end IS NULL OR j.shikyu_end > m.month)
    JOIN fukushi_jidoteatejido d
      ON d.jukyusha_id = j.id AND d.start_month <= m.month
     AND (d.end_month IS NULL OR d.end_month > m.month)
    WHERE NOT j.koumuin AND date_trunc('month', d.birth_date) <= m.month {jfilter}
),
counted AS (
    SELECT c.*,
           row_number() OVER (
               PARTITION BY jukyusha_id, month ORDER BY birth_date, jido_id
           ) AS ord
    FROM c
    WHERE month <= base + make_interval(years => 18)
       OR (kanshu AND month <= base + make_interval(years => santei))
),
priced AS (
    SELECT jukyusha_id, month,
           CASE
             WHEN tokurei IS NOT NULL AND shotoku_kubun = 'tokurei' THEN tokurei
             WHEN tokurei IS NOT NULL AND shotoku_kubun = 'jogen' THEN 0
             WHEN (b1u = -1 AND month <= date_trunc('month', birth_date + interval '3 years'))
               OR (b1u >= 0 AND month <= base + make_interval(years => b1u))
               THEN CASE WHEN ord >= 3 THEN b1t ELSE b1a END
             WHEN b2u >= 0 AND month <= base + make_interval(years => b2u)
               THEN CASE WHEN ord >= 3 THEN b2t ELSE b2a END
             WHEN b3u >= 0 AND month <= base + make_interval(years => b3u)
               THEN CASE WHEN ord >= 3 THEN b3t ELSE b3a END
             ELSE 0
           END AS amount
    FROM counted
    WHERE month <= base + make_interval(years => shikyu)
)
"""

#: the run's own months (``_PRICED_CTE`` + this): one INSERT … SELECT, leaving out the
#: months withheld by a 支払差止 not yet 解除 (児童手当法第11条)
_LINES_TAIL = """
INSERT INTO fukushi_jidoteateshiharaimeisai
    (shiharai_id, jukyusha_id, month, jido_count, amount, kind)
SELECT %s, p.jukyusha_id, p.month, count(*), sum(p.amount), 'tsujo'
FROM priced p
WHERE p.amount > 0 AND NOT EXISTS (
    SELECT 1 FROM fukushi_jidoteatesashitome s
    WHERE s.jukyusha_id = p.jukyusha_id AND s.kaijo_date IS NULL AND s.start_month <= p.month
)
GROUP BY p.jukyusha_id, p.month
"""

#: 遡及 (``_PRICED_CTE`` with ``SOKYU_FILTER`` + this): for the 受給者 marked
#: (``sokyu_from``) and the months earlier 確定 runs paid, what is due now against what was
#: paid (lines of 確定 runs, less 返還・調整 already recorded): more due → one line (差額, or
#: 差止解除分 for a month withheld and never paid), unless still withheld; less → a 返還・調整
#: record, never a negative line. Params: the VALUES, run, months, run, months, run, run.
SOKYU_FILTER = "AND j.sokyu_from IS NOT NULL AND j.sokyu_from <= m.month"
_SOKYU_TAIL = """,
due AS (
    SELECT jukyusha_id, month, count(*) AS n, sum(amount) AS amount
    FROM priced WHERE amount > 0 GROUP BY jukyusha_id, month
),
paid AS (
    SELECT l.jukyusha_id, l.month, sum(l.amount) AS amount
    FROM fukushi_jidoteateshiharaimeisai l
    JOIN fukushi_jidoteateshiharai r
      ON r.id = l.shiharai_id AND r.status = 'kakutei' AND r.id <> %s
    JOIN fukushi_jidoteatejukyusha j ON j.id = l.jukyusha_id AND l.month >= j.sokyu_from
    WHERE l.month = ANY(%s::date[])
    GROUP BY l.jukyusha_id, l.month
),
back AS (
    SELECT x.jukyusha_id, x.month, sum(x.amount) AS amount
    FROM fukushi_jidoteatechosei x
    JOIN fukushi_jidoteateshiharai r
      ON r.id = x.shiharai_id AND r.status = 'kakutei' AND r.id <> %s
    JOIN fukushi_jidoteatejukyusha j ON j.id = x.jukyusha_id AND x.month >= j.sokyu_from
    WHERE x.month = ANY(%s::date[])
    GROUP BY x.jukyusha_id, x.month
),
parts AS (
    SELECT jukyusha_id, month, amount AS due, 0 AS paid, n FROM due
    UNION ALL SELECT jukyusha_id, month, 0, amount, 0 FROM paid
    UNION ALL SELECT jukyusha_id, month, 0, -amount, 0 FROM back
),
diff AS (
    SELECT jukyusha_id, month, sum(due) AS due, sum(paid) AS paid, max(n) AS n
    FROM parts GROUP BY jukyusha_id, month HAVING sum(due) <> sum(paid)
),
ins AS (
    INSERT INTO fukushi_jidoteateshiharaimeisai
        (shiharai_id, jukyusha_id, month, jido_count, amount, kind)
    SELECT %s, d.jukyusha_id, d.month, d.n, d.due - d.paid,
           CASE WHEN d.paid = 0 AND EXISTS (
                    SELECT 1 FROM fukushi_jidoteatesashitome s
                    WHERE s.jukyusha_id = d.jukyusha_id AND s.kaijo_date IS NOT NULL
                      AND s.start_month <= d.month)
                THEN 'kaijo' ELSE 'sagaku' END
    FROM diff d
    WHERE d.due > d.paid AND NOT EXISTS (
        SELECT 1 FROM fukushi_jidoteatesashitome s
        WHERE s.jukyusha_id = d.jukyusha_id AND s.kaijo_date IS NULL
          AND s.start_month <= d.month
    )
    RETURNING 1
)
INSERT INTO fukushi_jidoteatechosei
    (shiharai_id, jukyusha_id, month, shiharaizumi, tadashii, amount)
SELECT %s, jukyusha_id, month, paid, due, paid - due FROM diff WHERE due < paid
"""


def _months_values(months: tuple[date, ...]) -> tuple[str, list[Any]]:
    rows = [rules.seido_sql_row(m) for m in months]
    one = "(%s::date, %s::int, %s::int, %s::int, " + ", ".join(["%s::int"] * 9) + ")"
    return ", ".join([one] * len(rows)), [v for r in rows for v in r]


def _settled_months(run: JidoteateShiharai, before: date) -> list[date]:
    """The months before ``before`` that 確定 定例 runs (other than ``run``) paid, from the
    earliest month any 受給者 is marked for 遡及 (two queries; none marked: none)."""
    first = JidoteateJukyusha.objects.filter(sokyu_from__isnull=False).aggregate(
        m=Min("sokyu_from")
    )["m"]
    if first is None:
        return []
    months: set[date] = set()
    for r in JidoteateShiharai.objects.filter(
        status=ShiharaiStatus.KAKUTEI, kubun=ShiharaiKubun.TEIREI, shiharai_month__gt=first
    ).exclude(pk=run.pk):
        months.update(m for m in rules.covered_months(r.shiharai_month) if first <= m < before)
    return sorted(months)


@transaction.atomic(durable=True)
def shiharai_keisan(
    *, shiharai_month: date, actor: Actor, zuiji: bool = False
) -> JidoteateShiharai:
    """Compute (or recompute) the payment lines of ``shiharai_month``: its months (定例払),
    less the months withheld by a 支払差止; and for the 受給者 marked for 遡及, the
    差額・差止解除分 of months earlier 確定 runs paid (or their 返還・調整 records). A 随時払
    (``zuiji``, in a month that is no 支払月) pays only the latter."""
    p = rules.month_start(shiharai_month)
    try:
        months = rules.covered_months(p)
    except rules.SeidoMissing as exc:
        raise JidoteateRefused({"shiharai_month": str(exc)}) from exc
    if zuiji and months:
        raise JidoteateRefused(
            {
                "shiharai_month": f"{p.year}年{p.month}月は定例の支払月です"
                "（定例払で計算してください）。"
            }
        )
    if not zuiji and not months:
        raise JidoteateRefused(
            {"shiharai_month": f"{p.year}年{p.month}月は児童手当の支払月ではありません。"}
        )
    kubun = ShiharaiKubun.ZUIJI if zuiji else ShiharaiKubun.TEIREI
    run, _ = JidoteateShiharai.objects.select_for_update().get_or_create(
        shiharai_month=p,
        defaults={
            "kubun": kubun,
            "status": ShiharaiStatus.KEISAN,
            "computed_at": timezone.now(),
            "computed_by": actor.username,
        },
    )
    if run.kubun != kubun:
        raise JidoteateRefused(
            {"shiharai_month": f"この月は{run.get_kubun_display()}として計算済みです。"}
        )
    if run.status == ShiharaiStatus.KAKUTEI:
        raise JidoteateRefused(
            {"shiharai_month": "この支払月は振込データを作成済み（確定）のため再計算できません。"}
        )
    JidoteateShiharaiMeisai.objects.filter(shiharai=run).delete()
    JidoteateChosei.objects.filter(shiharai=run).delete()
    sokyu = _settled_months(run, months[0] if months else p)
    with connection.cursor() as cur:
        if months:
            values, params = _months_values(months)
            sql = _PRICED_CTE + _LINES_TAIL
            cur.execute(sql.format(values=values, jfilter=""), [*params, run.pk])
        if sokyu:
            values, params = _months_values(tuple(sokyu))
            sql = _PRICED_CTE + _SOKYU_TAIL
            cur.execute(
                sql.format(values=values, jfilter=SOKYU_FILTER),
                [*params, run.pk, sokyu, run.pk, sokyu, run.pk, run.pk],
            )
        cur.execute(
            "SELECT count(DISTINCT jukyusha_id), coalesce(sum(amount), 0) "
            "FROM fukushi_jidoteateshiharaimeisai WHERE shiharai_id = %s",
            [run.pk],
        )
        count, total = cur.fetchone()
    run.jukyusha_count, run.total = count, total
    run.computed_at, run.computed_by = timezone.now(), actor.username
    run.save(update_fields=["jukyusha_count", "total", "computed_at", "computed_by"])
    access_record(
        action=AccessAction.JOB,
        actor=actor,
        gyomu=JIDO_TEATE,
        screen=SCREEN,
        record_type="fukushi.JidoteateShiharai",
        record_id=run.pk,
        record_count=count,
        detail={"shiharai_month": p.isoformat(), "kubun": kubun.value},
    )
    return run


def irainin_of(fiscal_year: int) -> Irainin:
    """The town's 振込依頼人 settings (``fukushi.furikomi.*``, set by 条例/契約 values)."""
    got, missing = irainin_values(fiscal_year)
    if missing:
        raise JidoteateRefused({"furikomi": NO_IRAININ})
    irainin = Irainin(**got)
    bad = irainin_errors(irainin)
    if bad:
        raise JidoteateRefused({"furikomi": " ".join(m for _, m in bad)})
    return irainin


_FILE_SQL = """
SELECT j.jukyusha_no, j.kinyu_kikan, j.shiten, j.yokin_shumoku, j.koza_bango, j.meigi_kana,
       sum(l.amount)
FROM fukushi_jidoteateshiharaimeisai l
JOIN fukushi_jidoteatejukyusha j ON j.id = l.jukyusha_id
WHERE l.shiharai_id = %s
GROUP BY j.id
ORDER BY j.jukyusha_no
"""


def _lines(run_id: int) -> Iterator[FurikomiLine]:
    with connection.cursor() as cur:
        cur.execute(_FILE_SQL, [run_id])
        while batch := cur.fetchmany(5000):
            for no, bank, shiten, shumoku, koza, meigi, amount in batch:
                yield FurikomiLine(
                    account=Account(bank, shiten, shumoku, koza, meigi),
                    amount=int(amount),
                    customer1=no,
                )


@transaction.atomic(durable=True)
def furikomi_create(*, shiharai_id: int, torikumi: date, actor: Actor) -> JidoteateShiharai:
    """The 全銀協 総合振込 file of a computed run, written record by record to the town's
    storage; the run becomes 確定 (no more recomputing)."""
    run = JidoteateShiharai.objects.select_for_update().get(pk=shiharai_id)
    if run.jukyusha_count == 0:
        raise JidoteateRefused({"shiharai": "支払う受給者がいません。"})
    earlier = JidoteateShiharai.objects.filter(shiharai_month__lt=run.shiharai_month)
    # the 遡及 of this run was computed against the 確定 runs before it: an earlier run not
    # yet 確定, or 確定 after this one was computed, would make it pay twice or not at all
    if earlier.filter(status=ShiharaiStatus.KEISAN, jukyusha_count__gt=0).exists():
        raise JidoteateRefused(
            {"shiharai": "前の支払月が確定していません。前の支払月から順に確定してください。"}
        )
    if earlier.filter(kakutei_at__gt=run.computed_at).exists():
        raise JidoteateRefused(
            {
                "shiharai": "前の支払月の確定より前に計算した支払です。"
                "再計算してから確定してください。"
            }
        )
    irainin = irainin_of(rules.fiscal_year_of(run.shiharai_month))
    path = f"fukushi/jidoteate/furikomi_{run.shiharai_month:%Y%m}.txt"
    with tempfile.TemporaryFile() as tmp:
        for rec in sogo_furikomi_records(irainin=irainin, torikumi=torikumi, lines=_lines(run.pk)):
            tmp.write(rec)
        tmp.seek(0)
        if default_storage.exists(path):
            default_storage.delete(path)
        saved = default_storage.save(path, File(tmp, name=path))
    run.status = ShiharaiStatus.KAKUTEI
    run.torikumi_date = torikumi
    run.furikomi_path = saved
    run.kakutei_at = timezone.now()
    run.save(update_fields=["status", "torikumi_date", "furikomi_path", "kakutei_at"])
    # the 遡及 marks this run looked at are settled by it (a mark made after it was
    # computed stays for the next run)
    JidoteateJukyusha.objects.filter(sokyu_marked_at__lte=run.computed_at).update(
        sokyu_from=None, sokyu_marked_at=None
    )
    access_record(
        action=AccessAction.EXPORT,
        actor=actor,
        gyomu=JIDO_TEATE,
        screen=SCREEN,
        record_type="fukushi.JidoteateShiharai",
        record_id=run.pk,
        record_count=run.jukyusha_count,
        detail={"shiharai_month": run.shiharai_month.isoformat()},
    )
    return run
