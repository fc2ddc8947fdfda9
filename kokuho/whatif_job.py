"""The 税率の試算 job: every 国保世帯 of the 年度 under the town's current rates (現行) and
under the scenario's (試算), in one job, so the comparison is like for like.

- ``plan`` fixes the run (``WhatifRun``: both rate sets as they are now, the notes) and the
  households (``kokuho.selectors.whatif.whatif_plan``), 1,000 a chunk in 世帯 id order, each
  chunk naming its households and their 資格 periods, so a chunk run again reads the same.
- ``run_chunk`` builds the rules' inputs (registry, 資格, 所得 from ``zeimu.public``: a few
  queries a chunk), computes both sides with ``kokuho.rules.hokenzei.hokenzei_calculate``
  and replaces the chunk's rows of ``WhatifSetai`` (delete by run and chunk, then COPY), in
  the framework's fenced transaction: a killed chunk leaves nothing, a re-run the same rows.
- ``finish`` adds up in SQL over the run's rows: totals per 区分 side by side, households
  and insured, the 軽減 counts and the distribution of the change per household in bands.

It writes nothing but the what-if's own tables (and the job's rows).
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from psycopg import sql

from kokuho.gyomu import KOKUHO_SHIKAKU
from kokuho.models import WhatifRun, WhatifScenario, WhatifSetai
from kokuho.rules.hokenzei import hokenzei_calculate
from kokuho.rules.hokenzei_params import KUBUN_LABELS, HokenzeiParameters
from kokuho.selectors.whatif import whatif_inputs, whatif_plan
from kokuho.services.whatif_params import baseline_values, kubun_of, side_parameters
from tenants.jobs.models import Job, JobChunk, JobLogLine
from tenants.jobs.registry import ChunkResult, register
from tenants.wareki import format_nendo

#: the what-if's 業務: 国保 has one implemented 業務 today; the screens and the job ask
#: its 管理 role (the 賦課 業務, when it ships, is where this belongs)
WHATIF_GYOMU = KOKUHO_SHIKAKU
KIND = "kokuho_whatif"
KUBUN = tuple(KUBUN_LABELS)  # iryo, shien, kaigo, kodomo: the row's columns
#: bands of the change per household (試算 − 現行, 円): the lower bounds of 1円以上,
#: 5,000円以上 … on either side; a presentation choice, not a law value
BAND_EDGES = (1, 5_000, 10_000, 20_000, 50_000)
COLUMNS = (
    "run_id", "chunk_index", "setai_id", "hihokensha_su", "keigen_wari",
    *(f"genko_{k}" for k in KUBUN), "genko_nengaku",
    *(f"shisan_{k}" for k in KUBUN), "shisan_nengaku",
)  # fmt: skip


def _run_of(job: Job) -> WhatifRun:
    return WhatifRun.objects.select_related("scenario").get(job_id=job.pk)


#: (schema, run id) → both sides' parameters: a run's values are fixed at its start, so a
#: worker builds them once per run, not once per chunk (≈0.3 s of queries each time)
_SIDES: dict[tuple[str, int], tuple[HokenzeiParameters, HokenzeiParameters]] = {}


def _sides(run: WhatifRun) -> tuple[HokenzeiParameters, HokenzeiParameters]:
    key = (str(getattr(connection, "schema_name", "")), run.pk)
    found = _SIDES.get(key)
    if found is None:
        if len(_SIDES) > 16:
            _SIDES.clear()
        nendo = run.scenario.nendo
        found = _SIDES[key] = (
            side_parameters(run.baseline_values, nendo),
            side_parameters(run.scenario_values, nendo),
        )
    return found


def _amounts(result: Any) -> tuple[list[int], int]:
    by = {k.kubun: k.zeigaku for k in result.kubun}
    return [by.get(k, 0) for k in KUBUN], int(result.nengaku)


class WhatifJob:
    code = KIND
    gyomu = WHATIF_GYOMU
    title = "国保税 税率の試算（全世帯）"
    chunk_setai = 1000

    def result_url(self, job: Job) -> str:
        run = WhatifRun.objects.filter(job_id=job.pk).first()
        return reverse("kokuho_whatif_run", kwargs={"pk": run.pk}) if run else ""

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        try:
            scenario = WhatifScenario.objects.get(pk=int(params["scenario_id"]))
        except (KeyError, TypeError, ValueError, WhatifScenario.DoesNotExist) as exc:
            raise ValueError("試算が見つかりません。") from exc
        values, _ = baseline_values(scenario.genko_nendo, scenario.nendo)
        if not any(v for k, v in values.items() if k.endswith((".shotokuwari", ".kintowari"))):
            raise ValueError(
                f"{format_nendo(scenario.genko_nendo)}の現行の税率（所得割・均等割）が"
                "設定されていないため比較できません。設定の「条例で定める値」で登録してください。"
            )
        try:
            side_parameters(scenario.values, scenario.nendo)
            side_parameters(values, scenario.nendo)
        except (LookupError, ValueError, TypeError) as exc:
            raise ValueError(
                f"{format_nendo(scenario.nendo)}の国民健康保険税の法定の値が揃っていません。"
            ) from exc
        return {"scenario_id": scenario.pk}

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        scenario = WhatifScenario.objects.get(pk=int(job.params["scenario_id"]))
        baseline, notes = baseline_values(scenario.genko_nendo, scenario.nendo)
        planned, unplaced = whatif_plan(scenario.nendo)
        if unplaced:
            notes.append(
                f"資格のある{unplaced:,}人は、その日の住民記録に世帯がないため含めていません。"
            )
        WhatifRun.objects.create(
            scenario=scenario,
            job_id=job.pk,
            scenario_values=dict(scenario.values),
            baseline_values=baseline,
            notes=notes,
            started_by=job.started_by_name,
        )
        chunks: list[tuple[dict[str, Any], int]] = []
        for i in range(0, len(planned), self.chunk_setai):
            part = planned[i : i + self.chunk_setai]
            chunks.append(
                ({"setai": [[p.setai_id, [list(x) for x in p.periods]] for p in part]}, len(part))
            )
        return chunks

    def run_chunk(self, job: Job, chunk: JobChunk) -> ChunkResult:
        run = _run_of(job)
        nendo = run.scenario.nendo
        genko, shisan = _sides(run)
        inputs, gone = whatif_inputs(
            chunk.params["setai"], nendo=nendo, shotoku_nendo=run.scenario.shotoku_nendo
        )
        rows = []
        for s in inputs:
            a = hokenzei_calculate(s.input, genko)
            b = hokenzei_calculate(s.input, shisan)
            a_kubun, a_total = _amounts(a)
            b_kubun, b_total = _amounts(b)
            rows.append(
                (run.pk, chunk.index, s.setai_id, s.hihokensha_su, a.keigen.wari,
                 *a_kubun, a_total, *b_kubun, b_total)
            )  # fmt: skip
        WhatifSetai.objects.filter(run=run, chunk_index=chunk.index).delete()
        _copy_rows(rows)
        if gone:
            JobLogLine.objects.create(
                job=job,
                message=(
                    f"処理単位{chunk.index + 1}: 計画の後に取り消された資格{gone}件は"
                    "含めていません。"
                ),
            )
        return ChunkResult(done=chunk.size)

    def finish(self, job: Job) -> None:
        run = _run_of(job)
        run.result = aggregate(run.pk, kubun_of(run.scenario.nendo))
        run.finished_at = timezone.now()
        run.save(update_fields=["result", "finished_at"])
        t = run.result["total"]
        JobLogLine.objects.create(
            job=job,
            message=(
                f"試算の結果: {run.result['households']:,}世帯、年税額の合計 "
                f"現行 {t['genko']:,}円 → 試算 {t['shisan']:,}円"
                f"（差 {t['shisan'] - t['genko']:+,}円）"
            ),
        )


def _copy_rows(rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    cols = sql.SQL(", ").join(sql.Identifier(c) for c in COLUMNS)
    with transaction.atomic(), connection.connection.cursor() as cur:
        stmt = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(WhatifSetai._meta.db_table), cols
        )
        with cur.copy(stmt) as copy:
            for row in rows:
                copy.write_row(row)


def _bands() -> list[dict[str, Any]]:
    """The bands, most decreased first: (sign, index of the edge) as width_bucket gives."""

    def word(v: int) -> str:
        return f"{v // 10_000}万円" if v % 10_000 == 0 else f"{v:,}円"

    edges = list(BAND_EDGES)
    out: list[dict[str, Any]] = []
    for sign in (-1, 1):
        side = "減少" if sign < 0 else "増加"
        labels = []
        for i, lo in enumerate(edges, start=1):
            hi = edges[i] if i < len(edges) else None
            text = f"{word(lo)}以上" + (f"{word(hi)}未満" if hi else "")
            labels.append({"sign": sign, "bucket": i, "label": f"{text}の{side}"})
        out.extend(reversed(labels) if sign < 0 else labels)
        if sign < 0:
            out.append({"sign": 0, "bucket": 0, "label": "変わらない"})
    return out


def aggregate(run_id: int, kubun: list[str]) -> dict[str, Any]:
    """The run's totals and distribution, in SQL over its rows (two statements)."""
    table = sql.Identifier(WhatifSetai._meta.db_table)
    sums = sql.SQL(", ").join(
        sql.SQL("COALESCE(SUM({}), 0)").format(sql.Identifier(c)) for c in COLUMNS[3:]
    )
    with connection.cursor() as cur:
        cur.execute(
            sql.SQL(
                "SELECT COUNT(*), {}, "
                "COUNT(*) FILTER (WHERE shisan_nengaku > genko_nengaku), "
                "COUNT(*) FILTER (WHERE shisan_nengaku < genko_nengaku), "
                "COALESCE(MAX(shisan_nengaku - genko_nengaku), 0), "
                "COALESCE(MIN(shisan_nengaku - genko_nengaku), 0) "
                "FROM {} WHERE run_id = %s"
            )
            .format(sums, table)
            .as_string(connection.connection),
            [run_id],
        )
        row = cur.fetchone()
        cur.execute(
            sql.SQL(
                "SELECT SIGN(d)::int, WIDTH_BUCKET(ABS(d), %s::bigint[]), COUNT(*), SUM(d) "
                "FROM (SELECT shisan_nengaku - genko_nengaku AS d FROM {} WHERE run_id = %s) x "
                "GROUP BY 1, 2"
            )
            .format(table)
            .as_string(connection.connection),
            [list(BAND_EDGES), run_id],
        )
        counts = {(int(s), int(b)): (int(n), int(t)) for s, b, n, t in cur.fetchall()}
        cur.execute(
            sql.SQL(
                "SELECT keigen_wari, COUNT(*) FROM {} WHERE run_id = %s GROUP BY 1 ORDER BY 1 DESC"
            )
            .format(table)
            .as_string(connection.connection),
            [run_id],
        )
        keigen = [{"wari": int(w), "count": int(n)} for w, n in cur.fetchall()]
    assert row is not None
    households, hihokensha, _wari_sum, *rest = row
    n = len(KUBUN)
    genko = [int(v) for v in rest[:n]]
    genko_total = int(rest[n])
    shisan = [int(v) for v in rest[n + 1 : 2 * n + 1]]
    shisan_total = int(rest[2 * n + 1])
    up, down, max_up, max_down = (int(v) for v in rest[2 * n + 2 :])
    bands = []
    for b in _bands():
        count, total = counts.get((b["sign"], b["bucket"]), (0, 0))
        bands.append({**b, "count": count, "sum": total})
    return {
        "households": int(households),
        "hihokensha": int(hihokensha),
        "kubun": [
            {"kubun": k, "label": KUBUN_LABELS[k], "genko": g, "shisan": s}
            for k, g, s in zip(KUBUN, genko, shisan, strict=True)
            if k in kubun
        ],
        "total": {"genko": genko_total, "shisan": shisan_total},
        "up": up,
        "down": down,
        "same": int(households) - up - down,
        "max_up": max_up,
        "max_down": max_down,
        "bands": bands,
        "keigen": keigen,
    }


register(WhatifJob())
