"""児童手当 payment run per 支払月: the payment lines in ONE ``INSERT … SELECT`` (every
受給者 × month × child ranked and priced in SQL from the 制度 of each month), then the
全銀協 総合振込 file streamed record by record (``tenants.zengin``).

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
from django.utils import timezone

from fukushi.gyomu import JIDO_TEATE
from fukushi.models import JidoteateShiharai, JidoteateShiharaiMeisai, ShiharaiStatus
from fukushi.rules import jidoteate as rules
from fukushi.services.furikomi import irainin_values
from fukushi.services.jidoteate import JidoteateRefused
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.zengin import Account, FurikomiLine, Irainin, irainin_errors, sogo_furikomi_records

SCREEN = "fukushi.jidoteate.shiharai"
NO_IRAININ = "振込依頼人の設定（設定 > 条例で定める値 fukushi.furikomi.*）がありません。"

#: one statement: months (with their 制度) × 受給者 × children, ranked per 受給者 and month
#: among the children counted (第3子以降), priced by band, summed per 受給者 and month.
#: nendomatsu(N) = 3月 of (school year of the day before birth) + N + 1 = base + N years.
_LINES_SQL = """
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
    WHERE NOT j.koumuin AND date_trunc('month', d.birth_date) <= m.month
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
INSERT INTO fukushi_jidoteateshiharaimeisai (shiharai_id, jukyusha_id, month, jido_count, amount)
SELECT %s, jukyusha_id, month, count(*), sum(amount)
FROM priced
WHERE amount > 0
GROUP BY jukyusha_id, month
"""


def _months_values(months: tuple[date, ...]) -> tuple[str, list[Any]]:
    rows = [rules.seido_sql_row(m) for m in months]
    one = "(%s::date, %s::int, %s::int, %s::int, " + ", ".join(["%s::int"] * 9) + ")"
    return ", ".join([one] * len(rows)), [v for r in rows for v in r]


@transaction.atomic(durable=True)
def shiharai_keisan(*, shiharai_month: date, actor: Actor) -> JidoteateShiharai:
    """Compute (or recompute) the payment lines of ``shiharai_month``."""
    p = rules.month_start(shiharai_month)
    try:
        months = rules.covered_months(p)
    except rules.SeidoMissing as exc:
        raise JidoteateRefused({"shiharai_month": str(exc)}) from exc
    if not months:
        raise JidoteateRefused(
            {"shiharai_month": f"{p.year}年{p.month}月は児童手当の支払月ではありません。"}
        )
    run, _ = JidoteateShiharai.objects.select_for_update().get_or_create(
        shiharai_month=p,
        defaults={
            "status": ShiharaiStatus.KEISAN,
            "computed_at": timezone.now(),
            "computed_by": actor.username,
        },
    )
    if run.status == ShiharaiStatus.KAKUTEI:
        raise JidoteateRefused(
            {"shiharai_month": "この支払月は振込データを作成済み（確定）のため再計算できません。"}
        )
    JidoteateShiharaiMeisai.objects.filter(shiharai=run).delete()
    values, params = _months_values(months)
    with connection.cursor() as cur:
        cur.execute(_LINES_SQL.format(values=values), [*params, run.pk])
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
        detail={"shiharai_month": p.isoformat()},
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
    run.save(update_fields=["status", "torikumi_date", "furikomi_path"])
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
