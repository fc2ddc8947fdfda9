"""Benchmarks of the platform, one command each: ``python -m bench NAME [options]``.

Each benchmark creates its own database (``jcloud_bench``) on the PostgreSQL server of
DATABASE_URL, prints a table, writes ``bench/out/NAME.json`` and drops the database
unless ``--keep``. docs/benchmarks.md has the figures measured so far.
"""

from __future__ import annotations

# name -> (module under bench/, one-line description)
BENCHMARKS: dict[str, tuple[str, str]] = {
    "provision": (
        "bench.provision",
        "municipality_provision ×N (template clone) vs plain django-tenants create_schema",
    ),
    "towns": (
        "bench.bench_towns",
        "180 towns provisioned in one batch (per ten: flat?) and a loop visiting every town",
    ),
    "migrate": (
        "bench.migrate",
        "migrate_schemas over N tenants: no-op and a one-column migration, both executors",
    ),
    "residents": (
        "bench.residents",
        "synthetic residents (default 380,000) generated and loaded with COPY into one town",
    ),
    "fuka": (
        "bench.fuka",
        "当初賦課 of the 380,000-person town (read, calculate, write) with 1 and 2 processes",
    ),
    "kokuho_fuka": (
        "bench.kokuho_fuka",
        "国保税 本算定 of the 380,000-person town (plan, calculate, write) with 1 and 2 processes",
    ),
    "kotei": (
        "bench.kotei",
        "固定資産税 当初賦課 over a synthetic 課税台帳 (土地・家屋), 1 and 2 processes",
    ),
    "engine": (
        "bench.engine",
        "個人住民税 engine + JSON per person (no database); --dump for the differential check",
    ),
    "notices": (
        "bench.notices",
        "納税通知書 mass print: 20,000 synthetic notices, 1,000 a PDF (Typst), 1 and 2 processes",
    ),
    "shuno_koza": (
        "bench.shuno_koza",
        "口座振替結果ファイル 100,000 lines (one bad) into the 収納 ledger; re-import refused",
    ),
    "kazei_import": (
        "bench.kazei_import",
        "課税資料 CSV of 450,000 rows through the screen and the API as a job: rows/s, peak RSS",
    ),
    "whatif": (
        "bench.whatif",
        "国保税 税率の試算 over the 380,000-person town (both rate sets), 1 and 2 processes",
    ),
    "migration_io": (
        "bench.migration_io",
        "中間標準レイアウト: export, import with full validation (CSV, XML), round trip; RSS",
    ),
    "lookup": (
        "bench.lookup",
        "person lookup GET 100/s and kana search POST 50/s under gunicorn, open loop, p50/p95/p99",
    ),
    "soak": (
        "bench.soak",
        "10-minute soak on gunicorn + Celery: searches, certificates, API, 当初賦課, mass print",
    ),
    "kaigo_fuka": (
        "bench.kaigo_fuka",
        "介護保険料 本算定 of the 380,000-person town (plan, calculate, write), 1 and 2 processes",
    ),
    "backup": (
        "bench.bench_backup",
        "town backup of the 380,000-person town: dump, then restore into a new schema + verify",
    ),
    "pdfmem": (
        "bench.pdfmem",
        "住民票の写し via shomei_issue in 4 threads of one process: RSS, malloc, tracemalloc",
    ),
    "jidoteate": (
        "bench.bench_jidoteate",
        "児童手当 bimonthly payment run (one INSERT … SELECT + 全銀協 file), 380,000 persons",
    ),
}
