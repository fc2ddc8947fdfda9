"""課税資料 import benchmark (issue 12, item 5): a 給与支払報告書 CSV of 450,000 valid rows
(≈39 MB, under the 40 MB limit) imported through the screen (password and TOTP login,
then the upload form) and through the API (a key with the write scope), each as the
``zeimu_kazei_import`` job on a real Celery worker behind gunicorn, as a town runs them.

Measured per path: the upload's answer time (the request stores the file and starts the
job), the job's time from start to end, rows per second, and the peak resident memory
(VmHWM, the kernel's high-water mark) of the gunicorn worker and of the Celery worker
process that ran the job, before and after.

Targets (issue 12): peak RSS ≤ 250 MB whatever the file size; ≥ 50,000 rows/s.
"""

from __future__ import annotations

import os
import random
import re
import secrets
import signal
import subprocess
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from bench.common import REPO, base_parser, kanagawa_common_modules, print_table, run

TARGET_RSS_MB = 250
TARGET_ROWS_PER_SECOND = 50_000
PASSWORD = "bench-pass-2026"
HEADER = (
    "宛名番号,所得年,特別徴収義務者指定番号,特別徴収義務者名,支払金額,社会保険料等の金額,"
    "生命保険料の控除額,地震保険料の控除額,徴収区分\n"
)
VENV_BIN = REPO / ".venv" / "bin"


def _town(consortium: Any) -> tuple[Any, Any, str]:
    """One town on 127.0.0.1 with 個人住民税, a clerk with a TOTP secret, an API key."""
    import pyotp

    from tenants.api.authentication import apiclient_create
    from tenants.models import RoleLevel
    from tenants.services.municipality import municipality_provision
    from tenants.services.staff import membership_grant, staff_create

    modules = sorted({*kanagawa_common_modules(), "kojin_juminzei"})
    result = municipality_provision(
        consortium=consortium,
        dantai_code="143014",
        name="ベンチ町",
        name_kana="べんちまち",
        prefecture="神奈川県",
        population=150_000,
        population_date=None,
        go_live=date(2011, 10, 1),  # the modules are in use today
        subdomain="benchtown",
        gyomu_codes=modules,
        networks=["127.0.0.0/8", "::1/128"],
        admin_username="benchtown-admin",
        acting_user=None,
        status="active",
    )
    town = result.municipality
    clerk, _, _ = staff_create(
        username="bench-clerk",
        display_name="ベンチ担当者",
        home_municipality=town,
        password=PASSWORD,
        acting_user=None,
    )
    clerk.totp_secret = pyotp.random_base32()
    clerk.save(update_fields=["totp_secret"])
    membership_grant(
        user=clerk,
        municipality=town,
        roles={"kojin_juminzei": RoleLevel.WRITE},
        acting_user=None,
    )
    _, key = apiclient_create(municipality=town, name="ベンチ連携", scopes=["kojin_juminzei:write"])
    return town, clerk, key


def _numbers(town: Any, population: int) -> list[str]:
    from juminkiroku.synth.load import residents_load
    from tenants.db import connection

    connection.set_tenant(town)
    residents_load(population=population, seed=7, on=date(2025, 1, 1))
    from juminkiroku.models import Atena

    return list(Atena.objects.order_by("pk").values_list("atena_no", flat=True))


def _write_file(path: Path, numbers: list[str], rows: int, year: int) -> int:
    """``rows`` valid rows: each person paid by a few employers (one row per pair)."""
    rng = random.Random(year)
    per_person = -(-rows // len(numbers))
    written = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        for no in numbers:
            for e in range(per_person):
                if written == rows:
                    break
                pay = rng.randrange(1_000_000, 9_000_000)
                out.write(
                    f"{no},{year},{e + 1:08d},合成事業所{e + 1:04d},{pay},{pay // 7},"
                    f"{rng.choice((0, 40000, 80000))},0,{'特別徴収' if e == 0 else '普通徴収'}\n"
                )
                written += 1
    return written


def _start(name: str, argv: list[str], env: dict[str, str], logs: Path) -> subprocess.Popen[bytes]:
    log = (logs / f"{name}.log").open("wb")
    return subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=REPO)


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(entry.name))
    return kids


def _hwm_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"VmHWM:\s+(\d+) kB", status)
    return round(int(match.group(1)) / 1024, 1) if match else 0.0


def _wait_http(url: str, host: str, deadline: float) -> None:
    import requests

    while time.monotonic() < deadline:
        try:
            if requests.get(url, headers={"Host": host}, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer")


def _login(base: str, host: str, secret: str) -> Any:
    import pyotp
    import requests

    s = requests.Session()
    s.headers["Host"] = host
    page = s.get(f"{base}/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, "no CSRF token on the login page"
    r = s.post(
        f"{base}/login/",
        data={"csrfmiddlewaretoken": token.group(1), "username": "bench-clerk",
              "password": PASSWORD},
        headers={"Referer": f"http://{host}/login/"},
    )  # fmt: skip
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', r.text)
    assert token, f"no TOTP step after the password ({r.status_code})"
    r = s.post(
        f"{base}/login/totp/",
        data={"csrfmiddlewaretoken": token.group(1), "code": pyotp.TOTP(secret).now()},
        headers={"Referer": f"http://{host}/login/totp/"},
    )
    assert "logout" in r.text or r.url.rstrip("/").endswith(base.rstrip("/")), "login failed"
    return s


def _poll(get_status: Any, timeout: float = 900) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = get_status()
        job = status.get("progress") or {}
        # the import ends with its job's chunk; the job itself a moment later (finish)
        if status["status"] in ("done", "rejected") and job.get("status") in (
            "succeeded",
            "failed",
        ):
            return status
        time.sleep(0.2)
    raise RuntimeError("the import did not end")


def _job_seconds(town: Any, import_id: int) -> tuple[float, int]:
    from tenants.db import connection
    from zeimu.models import ShiryoImport

    connection.set_tenant(town)
    shiryo = ShiryoImport.objects.select_related("job").get(pk=import_id)
    job = shiryo.job
    assert job is not None and job.started_at and job.finished_at
    return (job.finished_at - job.started_at).total_seconds(), shiryo.rows


def body(consortium: Any, record: dict[str, Any], *, rows: int, population: int) -> dict[str, Any]:
    import requests

    t = time.perf_counter()
    town, clerk, key = _town(consortium)
    numbers = _numbers(town, population)
    record["setup_seconds"] = round(time.perf_counter() - t, 1)
    work = Path(tempfile.mkdtemp(prefix="bench-kazei-"))
    files = {}
    for path_name, year in (("screen", 2024), ("api", 2023)):
        f = work / f"kyuyo_{year}.csv"
        n = _write_file(f, numbers, rows, year)
        files[path_name] = (f, n)
    record["file"] = {
        "rows": rows,
        "bytes": files["screen"][0].stat().st_size,
        "persons": len(numbers),
    }
    print(f"[kazei_import] {rows:,} rows, {record['file']['bytes'] / 1e6:.1f} MB per file")

    from django.db import connections

    connections.close_all()
    port = 18000 + os.getpid() % 1000
    env = {k: v for k, v in os.environ.items()}
    env.update(
        # as a data centre runs it (no DEBUG, no query log in memory); plain HTTP here
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(40),
        JC_HTTPS="0",
        JC_LOG_LEVEL="WARNING",
        JC_CELERY_QUEUE=f"bench-{uuid.uuid4().hex}",
        JC_MEDIA_ROOT=str(work / "media"),
        PYTHONUNBUFFERED="1",
    )
    # the screens need the static files' manifest
    subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", "collectstatic", "--noinput", "-v", "0"],
        env=env, cwd=REPO, check=True,
    )  # fmt: skip
    web = _start(
        "web",
        [str(VENV_BIN / "gunicorn"), "config.wsgi:application", "-b", f"127.0.0.1:{port}",
         "-w", "1", "--threads", "4", "--timeout", "30"],
        env, work,
    )  # fmt: skip
    worker = _start(
        "worker",
        [str(VENV_BIN / "celery"), "-A", "config", "worker", "--pool=prefork", "--concurrency=1",
         "-Q", env["JC_CELERY_QUEUE"], "-n", f"bench-{uuid.uuid4().hex[:6]}@%h",
         "--without-gossip", "--without-mingle", "-l", "warning"],
        env, work,
    )  # fmt: skip
    base, host = f"http://127.0.0.1:{port}", "benchtown.localhost"
    results: list[dict[str, Any]] = []
    try:
        _wait_http(f"{base}/healthz", host, time.monotonic() + 60)
        time.sleep(3)  # the worker's child is up
        web_pid = _children(web.pid)[0]
        worker_kids = _children(worker.pid)
        before = {"web": _hwm_mb(web_pid), "worker": max(_hwm_mb(p) for p in worker_kids)}
        # --- the screen ---
        session = _login(base, host, clerk.totp_secret)
        form = session.get(f"{base}/zeimu/kazei/import/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
        assert token, "no upload form"
        f, n = files["screen"]
        t0 = time.perf_counter()
        with f.open("rb") as fh:
            r = session.post(
                f"{base}/zeimu/kazei/import/",
                data={"csrfmiddlewaretoken": token.group(1), "kind": "kyuyo"},
                files={"file": (f.name, fh, "text/csv")},
                headers={"Referer": f"http://{host}/zeimu/kazei/import/"},
                allow_redirects=False,
            )
        answered = time.perf_counter() - t0
        assert r.status_code == 302, (r.status_code, r.text[:500])
        import_id = int(r.headers["Location"].rstrip("/").rsplit("/", 1)[1])
        api = requests.Session()
        api.headers.update({"Host": host, "Authorization": f"Bearer {key}"})

        def status(iid: int) -> dict[str, Any]:
            return api.get(f"{base}/api/v1/zeimu/kazei/imports/{iid}/").json()

        done = _poll(lambda: status(import_id))
        end_to_end = time.perf_counter() - t0
        results.append(_result("screen", done, answered, end_to_end, town, import_id, n))
        # --- the API ---
        f, n = files["api"]
        t0 = time.perf_counter()
        with f.open("rb") as fh:
            r = api.post(
                f"{base}/api/v1/zeimu/kazei/import/",
                data={"kind": "kyuyo"},
                files={"file": (f.name, fh, "text/csv")},
            )
        answered = time.perf_counter() - t0
        assert r.status_code == 202, (r.status_code, r.text[:500])
        import_id = r.json()["import_id"]
        done = _poll(lambda: status(import_id))
        end_to_end = time.perf_counter() - t0
        results.append(_result("api", done, answered, end_to_end, town, import_id, n))
        after = {"web": _hwm_mb(web_pid), "worker": max(_hwm_mb(p) for p in worker_kids)}
    finally:
        for proc in (web, worker):
            proc.send_signal(signal.SIGTERM)
        for proc in (web, worker):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    record["peak_rss_mb"] = {"before": before, "after": after}
    record["results"] = results
    print_table(
        "課税資料の取込 (給与支払報告書)",
        ["path", "rows", "answer s", "job s", "rows/s (job)", "end-to-end s", "status"],
        [[r["path"], f"{r['rows']:,}", r["answer_seconds"], r["job_seconds"],
          f"{r['rows_per_second']:,}", r["end_to_end_seconds"], r["status"]]
         for r in results],
    )  # fmt: skip
    print_table(
        "peak RSS (VmHWM), MB",
        ["process", "before", "after", f"target ≤ {TARGET_RSS_MB}"],
        [[p, before[p], after[p], "ok" if after[p] <= TARGET_RSS_MB else "OVER"]
         for p in ("web", "worker")],
    )  # fmt: skip
    return record


def _result(
    path: str,
    done: dict[str, Any],
    answered: float,
    end_to_end: float,
    town: Any,
    import_id: int,
    n: int,
) -> dict[str, Any]:
    assert done["status"] == "done", done.get("errors", [])[:5]
    seconds, stored = _job_seconds(town, import_id)
    assert stored == n == done["rows"], (stored, n, done["rows"])
    return {
        "path": path,
        "rows": n,
        "status": done["status"],
        "answer_seconds": round(answered, 2),
        "job_seconds": round(seconds, 2),
        "rows_per_second": round(n / seconds),
        "end_to_end_seconds": round(end_to_end, 2),
    }


def main(argv: list[str]) -> int:
    parser = base_parser("kazei_import", __doc__ or "")
    parser.add_argument("--rows", type=int, default=450_000, help="rows per file")
    parser.add_argument("--population", type=int, default=150_000, help="synthetic residents")
    args = parser.parse_args(argv)
    return run(
        "kazei_import",
        lambda consortium, record: body(
            consortium, record, rows=args.rows, population=args.population
        ),
        keep=args.keep,
    )
