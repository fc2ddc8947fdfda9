"""Soak test: staff searches, certificate issues and API lookups against a real gunicorn
and a real Celery worker for a bounded time, while a 当初賦課 and mass prints run.

``python -m bench soak --minutes 10`` (``make soak``; ``--minutes 1`` for a short run).
A consortium of ``--towns`` towns (default 3) with ``--population`` synthetic residents
each (default 3,000; ``juminkiroku.synth``) and synthetic 課税資料 (``zeimu.synth``) is
built in its own database. gunicorn (production settings, DEBUG off) and a prefork
Celery worker on a queue of its own serve it on loopback. For the duration:

- ``--clients`` client threads, each one staff member of one town logged in through the
  two-step login (password, then the TOTP code), loop over: a 住民検索 on the screen
  (POST, a kana reading), an API person lookup (a key with ``juminkiroku:read``) and a
  住民票の写し issued on the screen (the PDF), with ``--think`` seconds between requests;
- the first town's 当初賦課 is started as a job through the API once, at a tenth of the
  run; the second town (assessed during set-up) prints its 納税通知書 as a mass-print job
  from a fifth of the run on, again ``--print-interval`` seconds after each one ends.

The report: per kind, requests, throughput and p50/p95/p99 latency; each batch's
duration and end state; every error (a status other than the expected one, a wrong
content type, an exception, a failed job) listed by kind and reason (never a URL or a
body: no personal data); the RSS of every gunicorn and Celery process at the start of
the measured run, half-way and at its end, with the delta per process, and its peak from
a sample every second: gunicorn recycles a worker after ``max_requests``
(config/gunicorn_conf.py, ``--max-requests``), and a recycled worker is a new pid, listed
as started (and ended) during the run, with the count per role in ``replaced``; the
machine's load average during the run (it is shared).

``run_soak`` (the load) and ``towns_prepare`` (the data) are also what
tests/integration/test_soak_smoke.py runs for ~15 s against the test servers.
"""

from __future__ import annotations

import contextlib
import math
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.common import (
    REPO,
    database_drop,
    database_recreate,
    django_setup,
    kanagawa_common_modules,
    machine_info,
    now_iso,
    platform_prepare,
    print_machine,
    print_table,
    server_url,
    url_with_database,
    write_json,
)

KINDS = ("search", "certificate", "api_lookup")
#: how often each kind is picked by a client (a counter clerk searches more than prints)
KIND_WEIGHTS = {"search": 5, "certificate": 1, "api_lookup": 4}
KIND_LABELS = {
    "search": "住民検索（画面）",
    "certificate": "住民票の写し（画面・PDF）",
    "api_lookup": "個人照会（API）",
}
FISCAL_YEAR = 2025
RESIDENTS_ON = date(2025, 10, 1)
DEFAULT_DATABASE = "jcloud_bench_soak"
SUBDOMAIN_PREFIX = "soak"
DANTAI_CODE_START = 14960
STARTUP_TIMEOUT = 90.0
REQUEST_TIMEOUT = 60.0
#: gunicorn closes a kept-alive connection after ``--keep-alive`` seconds idle (2 by
#: default). A client that sends on such a connection just as the server closes it gets
#: a reset that the server never saw as a request. Clients (browsers, proxies) keep their
#: own idle limit below the server's; ours drops pooled connections idle for longer.
CLIENT_IDLE_LIMIT = 1.0
MAX_LISTED_ERRORS = 200
TOSHO_KIND = "zeimu_tosho_fuka"
PRINT_KIND = "zeimu_notice_print"


# --- the consortium -------------------------------------------------------------------


@dataclass
class Staff:
    username: str
    password: str
    totp_secret: str


@dataclass
class TownTarget:
    """What the load needs to know of one town (no personal data beyond ids and the
    synthetic readings typed into the search)."""

    name: str
    host: str
    schema: str
    staff: list[Staff]
    lookup_key: str
    batch_key: str
    people: list[tuple[int, str]]  # (宛名 id, 宛名番号) of residents open to 照会
    readings: list[str]  # search inputs, typed as a clerk types them


def _demo_seal() -> bytes:
    """A plain square seal for the synthetic towns' certificates (no real seal)."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (120, 120), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((4, 4, 115, 115), outline="black", width=6)
    draw.line((60, 16, 60, 104), fill="black", width=4)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def _to_hiragana(text: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)


def _samples(seed: int, n: int) -> tuple[list[tuple[int, str]], list[str]]:
    """Residents to look up and certify (not under 照会抑止: those answer 403 by design)
    and kana readings to search for, from the current town."""
    from juminkiroku.models import Atena
    from juminkiroku.selectors.search import shokai_flags_for

    rows = list(
        Atena.objects.filter(jotai="1", kubun="1")
        .order_by("id")
        .values_list("id", "atena_no", "setai_id", "shimei_kana")
    )
    rng = random.Random(seed)
    picked = rng.sample(rows, min(n, len(rows)))
    flags = shokai_flags_for([(pk, setai) for pk, _, setai, _ in picked])
    picked = [r for r in picked if r[0] not in flags.error and r[0] not in flags.alert]
    people = [(pk, atena_no) for pk, atena_no, _, _ in picked]
    readings = []
    for *_, kana in picked:
        parts = kana.replace("\u3000", " ").split()
        if parts:
            readings.append(_to_hiragana(parts[0] if rng.random() < 0.2 else " ".join(parts[:2])))
    return people, readings


def _assess_inline(actor_name: str) -> int:
    """The current town's 当初賦課, run in this process chunk by chunk (set-up only: the
    town whose notices are printed during the run). Returns the people assessed."""
    from django.db import transaction

    from tenants.jobs.models import Job, JobChunk, JobStatus
    from tenants.jobs.registry import get_kind

    kind = get_kind(TOSHO_KIND)
    assert kind is not None
    job = Job.objects.create(
        kind=kind.code,
        gyomu=kind.gyomu,
        title=kind.title,
        params=kind.validate({"fiscal_year": FISCAL_YEAR}),
        started_by_name=actor_name,
    )
    done = 0
    for i, (params, size) in enumerate(kind.plan(job)):
        chunk = JobChunk.objects.create(job=job, index=i, params=params, size=size)
        with transaction.atomic():
            done += kind.run_chunk(job, chunk).done
    kind.finish(job)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED, total=done, done=done)
    return done


def towns_prepare(
    consortium: Any,
    *,
    towns: int,
    population: int,
    staff_per_town: int,
    seed: int,
    modules: list[str],
    subdomain_prefix: str = SUBDOMAIN_PREFIX,
    dantai_start: int = DANTAI_CODE_START,
    base_domain: str = "localhost",
    progress: bool = True,
) -> list[TownTarget]:
    """Provision ``towns`` towns in ``consortium`` (committed), each with residents, 課税
    資料, a 認証者 and 公印, staff with TOTP and two API keys; the second town's 当初賦課 is
    done here so its notices can be printed during the run. Needs law parameters loaded."""
    from bench.common import dantai_codes
    from juminkiroku.codes import KoinKind
    from juminkiroku.services.koin import koin_register
    from juminkiroku.synth.load import residents_load
    from tenants.accesslog.services import Actor
    from tenants.api.authentication import apiclient_create
    from tenants.db import connection
    from tenants.models import RoleLevel
    from tenants.params.tenant.models import MunicipalParameter
    from tenants.services.municipality import municipality_provision
    from tenants.services.staff import membership_grant, staff_create
    from zeimu.synth import tax_data_load

    if towns < 2:
        raise ValueError("the soak needs two towns or more (one assesses, one prints)")
    setup = Actor(user_id=None, username="soak-setup")
    targets = []
    codes = list(dantai_codes(towns, start=dantai_start))
    for i, code in enumerate(codes):
        slug = f"{subdomain_prefix}{i + 1}"
        t = time.perf_counter()
        town = municipality_provision(
            consortium=consortium,
            dantai_code=code,
            name=f"負荷試験町{i + 1}",
            name_kana=f"ふかしけんまち{i + 1}",
            prefecture="神奈川県",
            population=population,
            population_date=None,
            go_live=date(2011, 10, 1),
            subdomain=slug,
            gyomu_codes=modules,
            networks=["127.0.0.0/8", "::1/128"],
            admin_username=None,
            acting_user=None,
            status="active",
        ).municipality
        staff = []
        for j in range(staff_per_town):
            password = secrets.token_urlsafe(16)
            user, _, totp_secret = staff_create(
                username=f"{slug}-clerk{j + 1}",
                display_name=f"負荷試験担当者{j + 1}",
                home_municipality=town,
                password=password,
                acting_user=None,
            )
            membership_grant(
                user=user,
                municipality=town,
                roles={m: RoleLevel.WRITE for m in modules},
                acting_user=None,
            )
            staff.append(Staff(user.username, password, totp_secret))
        _, lookup_key = apiclient_create(
            municipality=town, name="負荷試験（照会）", scopes=["juminkiroku:read"]
        )
        _, batch_key = apiclient_create(
            municipality=town,
            name="負荷試験（バッチ）",
            scopes=["platform:read", "kojin_juminzei:read", "kojin_juminzei:write"],
        )
        connection.set_tenant(town)
        residents_load(population=population, seed=seed + i, on=RESIDENTS_ON, analyze=True)
        MunicipalParameter.objects.create(
            key="juminkiroku.ninshosha",
            fiscal_year_from=2000,
            value={"shimei": "見本　太郎"},
            source="負荷試験用の架空の町長名",
            created_by="soak-setup",
        )
        koin_register(
            kind=KoinKind.CHOCHO,
            image_png=_demo_seal(),
            valid_from=date(2000, 1, 1),
            mongon="この印は黒色です",
            actor=setup,
        )
        MunicipalParameter.objects.create(
            key="zeimu.kojin_juminzei.kyuchi",
            fiscal_year_from=2000,
            value=2,
            source="負荷試験用の仮の級地（実在の町の級地ではない）",
            created_by="soak-setup",
        )
        tax_data_load(income_year=FISCAL_YEAR - 1, seed=seed + i)
        assessed = _assess_inline("soak-setup") if i == 1 else 0
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        people, readings = _samples(seed + i, 500)
        connection.set_schema_to_public()
        targets.append(
            TownTarget(
                name=town.name,
                host=f"{slug}.{base_domain}",
                schema=town.schema_name,
                staff=staff,
                lookup_key=lookup_key,
                batch_key=batch_key,
                people=people,
                readings=readings,
            )
        )
        if progress:
            print(
                f"[soak] {town.name} ({slug}): {population:,} residents, {len(staff)} staff"
                + (f", 当初賦課 of {assessed:,} people for the print" if assessed else "")
                + f" in {time.perf_counter() - t:.1f} s",
                flush=True,
            )
    return targets


# --- memory ---------------------------------------------------------------------------


def _rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def rss_snapshot(roots: dict[str, int]) -> dict[int, tuple[str, int]]:
    """pid -> (role, RSS KiB) of each root process (``{"gunicorn": pid, ...}``) and of its
    children (gunicorn's workers, the Celery pool)."""
    out: dict[int, tuple[str, int]] = {}
    for name, pid in roots.items():
        for role, p in [(f"{name} main", pid), *((f"{name} child", c) for c in _children(pid))]:
            rss = _rss_kib(p)
            if rss is not None:
                out[p] = (role, rss)
    return out


@dataclass
class ProcessSeen:
    role: str
    first_s: float
    last_s: float
    first_kib: int
    last_kib: int
    peak_kib: int


class ProcessWatch:
    """Every process of the trees, sampled every ``interval`` s in a thread of its own: a
    worker that gunicorn recycles (``max_requests``) or a Celery pool child that is
    replaced is a new pid, and one that lived between two of the three snapshots (start,
    half-way, end) would otherwise be missed."""

    def __init__(self, roots: dict[str, int], t0: float, interval: float = 1.0) -> None:
        self.roots, self.t0, self.interval = roots, t0, interval
        self.seen: dict[int, ProcessSeen] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="soak-processes", daemon=True)

    def sample(self, snapshot: dict[int, tuple[str, int]] | None = None) -> None:
        at = time.perf_counter() - self.t0
        for pid, (role, kib) in (snapshot or rss_snapshot(self.roots)).items():
            p = self.seen.get(pid)
            if p is None:
                self.seen[pid] = ProcessSeen(role, at, at, kib, kib, kib)
            else:
                p.last_s, p.last_kib, p.peak_kib = at, kib, max(p.peak_kib, kib)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def memory_rows(
    start: dict[int, tuple[str, int]],
    mid: dict[int, tuple[str, int]],
    end: dict[int, tuple[str, int]],
    seen: dict[int, ProcessSeen] | None = None,
) -> list[dict[str, Any]]:
    """One row a process seen during the run (RSS in KiB): at the start or the end, or
    (``seen``, from a ProcessWatch) only in between. ``rss_peak_kib`` is the highest of
    the samples; a process not there at the start or at the end says so in ``note``."""
    seen = seen or {}
    rows = []
    for pid in sorted(set(start) | set(end) | set(seen)):
        role = (start.get(pid) or end.get(pid) or (seen[pid].role, 0))[0]
        a = start[pid][1] if pid in start else None
        b = end[pid][1] if pid in end else None
        samples = [x[pid][1] for x in (start, mid, end) if pid in x]
        if pid in seen:
            samples.append(seen[pid].peak_kib)
        note = ""
        if a is None and b is None:
            note = "started and ended during the run (recycled)"
        elif a is None:
            note = "started during the run (a replaced pool child or worker)"
        elif b is None:
            note = "ended during the run (replaced)"
        rows.append(
            {
                "role": role,
                "pid": pid,
                "rss_start_kib": a,
                "rss_mid_kib": mid[pid][1] if pid in mid else None,
                "rss_end_kib": b,
                "rss_peak_kib": max(samples),
                "delta_kib": (b - a) if a is not None and b is not None else None,
                "first_seen_s": round(seen[pid].first_s, 1) if pid in seen else None,
                "last_seen_s": round(seen[pid].last_s, 1) if pid in seen else None,
                "note": note,
            }
        )
    return rows


def replacements(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Per role: processes at the start, started during the run, ended during the run."""
    out: dict[str, dict[str, int]] = {}
    for row in rows:
        r = out.setdefault(row["role"], {"at_start": 0, "started": 0, "ended": 0})
        r["at_start"] += row["rss_start_kib"] is not None
        r["started"] += row["rss_start_kib"] is None
        r["ended"] += row["rss_end_kib"] is None
    return out


# --- the load -------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    at: float  # seconds from the start of the measured run
    seconds: float
    ok: bool


@dataclass
class Recorder:
    t0: float
    samples: list[Sample] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, started: float, ended: float, problem: str | None) -> None:
        with self.lock:
            self.samples.append(Sample(kind, started - self.t0, ended - started, problem is None))
            if problem is not None:
                self.errors.append(
                    {"kind": kind, "at_s": round(started - self.t0, 1), "reason": problem}
                )

    def error(self, kind: str, problem: str) -> None:
        with self.lock:
            self.errors.append(
                {"kind": kind, "at_s": round(time.perf_counter() - self.t0, 1), "reason": problem}
            )


def _exception_classes(exc: BaseException) -> str:
    """The class of the exception and of its causes ("ConnectionError <
    ProtocolError < RemoteDisconnected"): what went wrong, without the message (which
    may carry a URL)."""
    names: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and len(names) < 5:
        seen.add(id(current))
        names.append(type(current).__name__)
        inner = next((a for a in current.args if isinstance(a, BaseException)), None)
        current = inner or current.__cause__ or current.__context__
    return " < ".join(names)


class Client:
    """One staff member of one town, with a logged-in session and the town's lookup key."""

    def __init__(self, port: int, town: TownTarget, staff: Staff, rng: random.Random) -> None:
        import requests

        self.base = f"http://127.0.0.1:{port}"
        self.town = town
        self.staff = staff
        self.rng = rng
        self.http = requests.Session()
        self.http.headers["Host"] = f"{town.host}:{port}"
        self.api = requests.Session()
        self._last_used: dict[int, float] = {}
        self.api.headers.update(
            {
                "Host": f"{town.host}:{port}",
                "Authorization": f"Bearer {town.lookup_key}",
                "X-Purpose": "soak-test",
            }
        )

    def _fresh(self, session: Any) -> Any:
        """The session, its pooled connections dropped if they were idle longer than
        ``CLIENT_IDLE_LIMIT`` (the cookies and headers stay)."""
        now = time.monotonic()
        last = self._last_used.get(id(session))
        if last is not None and now - last > CLIENT_IDLE_LIMIT:
            for adapter in session.adapters.values():
                adapter.close()  # its pools are made again on the next request
        self._last_used[id(session)] = now
        return session

    def _csrf(self) -> str:
        return str(self.http.cookies.get("csrftoken") or "")

    def login(self) -> None:
        """Password, then the current TOTP code, as the login screens ask."""
        import pyotp

        page = self.http.get(f"{self.base}/login/", timeout=REQUEST_TIMEOUT)
        if page.status_code != 200:
            raise RuntimeError(f"the login page answered {page.status_code}")
        step1 = self.http.post(
            f"{self.base}/login/",
            data={
                "username": self.staff.username,
                "password": self.staff.password,
                "csrfmiddlewaretoken": self._csrf(),
            },
            allow_redirects=False,
            timeout=REQUEST_TIMEOUT,
        )
        if step1.status_code != 302:
            raise RuntimeError(f"login step 1 answered {step1.status_code}")
        step2 = self.http.post(
            f"{self.base}/login/totp/",
            data={
                "code": pyotp.TOTP(self.staff.totp_secret).now(),
                "csrfmiddlewaretoken": self._csrf(),
            },
            allow_redirects=False,
            timeout=REQUEST_TIMEOUT,
        )
        if step2.status_code != 302 or not self.http.cookies.get("sessionid"):
            raise RuntimeError(f"login step 2 answered {step2.status_code}")

    def search(self) -> str | None:
        response = self._fresh(self.http).post(
            f"{self.base}/juminkiroku/",  # 住民検索 is the module's first screen
            data={
                "kana": self.rng.choice(self.town.readings),
                "match": "prefix",
                "csrfmiddlewaretoken": self._csrf(),
            },
            allow_redirects=False,
            timeout=REQUEST_TIMEOUT,
        )
        if response.status_code != 200:
            return f"HTTP {response.status_code}"
        if not response.headers.get("Content-Type", "").startswith("text/html"):
            return "not an HTML page"
        return None

    def certificate(self) -> str | None:
        pk, atena_no = self.rng.choice(self.town.people)
        response = self._fresh(self.http).post(
            f"{self.base}/juminkiroku/shomei/",
            data={
                "atena_no": atena_no,
                "kind": "juminhyo",
                "layout": "renki",
                "setainushi": "on",
                "members": str(pk),
                "copies": "1",
                "seikyusha": "honnin",
                "koin": "1",
                "kofu_basho": "本庁窓口",
                "confirm": "on",
                "issue": "1",
                "csrfmiddlewaretoken": self._csrf(),
            },
            allow_redirects=False,
            timeout=REQUEST_TIMEOUT,
        )
        if response.status_code != 200:
            return f"HTTP {response.status_code}"
        if response.headers.get("Content-Type") != "application/pdf":
            return "no PDF (the screen answered a page)"
        if not response.content.startswith(b"%PDF"):
            return "not a PDF body"
        return None

    def api_lookup(self) -> str | None:
        pk, _ = self.rng.choice(self.town.people)
        response = self._fresh(self.api).get(
            f"{self.base}/api/v1/juminkiroku/persons/{pk}/", timeout=REQUEST_TIMEOUT
        )
        if response.status_code != 200:
            return f"HTTP {response.status_code}"
        if response.json().get("person", {}).get("atena_id") != pk:
            return "another person answered"
        return None

    def one(self, kind: str) -> str | None:
        try:
            problem: str | None = getattr(self, kind)()
        except Exception as exc:  # any exception is an error of the run, listed by class
            problem = f"exception {_exception_classes(exc)}"
        return problem


@dataclass
class Batch:
    kind: str
    town: str
    job_id: int | None = None
    status: str = "not started"
    started_at_s: float | None = None
    seconds: float | None = None
    done: int | None = None
    total: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _batch_headers(town: TownTarget, port: int) -> dict[str, str]:
    return {"Host": f"{town.host}:{port}", "Authorization": f"Bearer {town.batch_key}"}


def _job_start(port: int, town: TownTarget, kind: str) -> tuple[int | None, str | None]:
    import requests

    params: dict[str, Any] = {"fiscal_year": FISCAL_YEAR}
    response = requests.post(
        f"http://127.0.0.1:{port}/api/v1/jobs/",
        json={"kind": kind, "params": params},
        headers=_batch_headers(town, port),
        timeout=REQUEST_TIMEOUT,
    )
    if response.status_code != 201:
        return None, f"starting {kind}: HTTP {response.status_code}"
    return int(response.json()["id"]), None


def _job_wait(
    port: int,
    town: TownTarget,
    batch: Batch,
    job_id: int,
    deadline: float,
    stop: threading.Event | None,
) -> None:
    import requests

    started = time.perf_counter()
    while True:
        try:
            response = requests.get(
                f"http://127.0.0.1:{port}/api/v1/jobs/{job_id}/",
                headers={
                    "Host": f"{town.host}:{port}",
                    "Authorization": f"Bearer {town.batch_key}",
                },
                timeout=REQUEST_TIMEOUT,
            )
            body = response.json() if response.status_code == 200 else {}
        except Exception as exc:
            batch.status = f"polling failed: {type(exc).__name__}"
            return
        if response.status_code != 200:
            batch.status = f"polling answered HTTP {response.status_code}"
            return
        batch.status = str(body.get("status"))
        batch.done, batch.total = body.get("done"), body.get("total")
        if batch.status in ("succeeded", "failed", "cancelled"):
            batch.seconds = round(time.perf_counter() - started, 1)
            return
        if time.perf_counter() > deadline:
            batch.status = f"still {batch.status} at the deadline"
            return
        (stop or threading.Event()).wait(1.0)


def _batches(
    port: int,
    targets: list[TownTarget],
    rec: Recorder,
    out: list[Batch],
    *,
    seconds: float,
    print_interval: float,
    end: threading.Event,
    batch_timeout: float,
) -> None:
    """The 当初賦課 of the first town once, at a tenth of the run; the second town's
    notice print from a fifth on, again ``print_interval`` s after each one ends, while
    the run lasts. A job not ended well is an error."""

    def run_one(kind: str, town: TownTarget) -> None:
        batch = Batch(kind=kind, town=town.name)
        out.append(batch)
        batch.started_at_s = round(time.perf_counter() - rec.t0, 1)
        job_id, problem = _job_start(port, town, kind)
        if problem is not None or job_id is None:
            batch.status = problem or "no job id"
            rec.error(f"batch {kind}", batch.status)
            return
        batch.job_id = job_id
        _job_wait(port, town, batch, job_id, time.perf_counter() + batch_timeout, None)
        if batch.status != "succeeded":
            rec.error(f"batch {kind}", f"job ended {batch.status}")

    def tosho_once() -> None:
        if not end.wait(seconds * 0.1):
            run_one(TOSHO_KIND, targets[0])

    tosho = threading.Thread(target=tosho_once, name="soak-tosho")
    tosho.start()
    if not end.wait(seconds * 0.2):
        while True:
            run_one(PRINT_KIND, targets[1])
            if end.wait(print_interval):
                break
    tosho.join()


def _client_loop(
    client: Client, rec: Recorder, end: threading.Event, think: float, kinds: list[str]
) -> None:
    while not end.is_set():
        kind = client.rng.choice(kinds)
        started = time.perf_counter()
        problem = client.one(kind)
        rec.add(kind, started, time.perf_counter(), problem)
        if think > 0:
            end.wait(client.rng.uniform(0.5 * think, 1.5 * think))


def percentile(ordered: list[float], p: float) -> float | None:
    """Nearest-rank percentile of an ascending list."""
    if not ordered:
        return None
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def kind_summary(samples: list[Sample], seconds: float) -> dict[str, dict[str, Any]]:
    out = {}
    for kind in KINDS:
        mine = [s for s in samples if s.kind == kind]
        lat = sorted(s.seconds * 1000 for s in mine if s.ok)

        def ms(v: float | None) -> float | None:
            return None if v is None else round(v, 1)

        out[kind] = {
            "requests": len(mine),
            "ok": sum(1 for s in mine if s.ok),
            "errors": sum(1 for s in mine if not s.ok),
            "per_second": round(len(mine) / seconds, 2) if seconds else 0.0,
            "p50_ms": ms(percentile(lat, 50)),
            "p95_ms": ms(percentile(lat, 95)),
            "p99_ms": ms(percentile(lat, 99)),
            "max_ms": ms(lat[-1] if lat else None),
        }
    return out


def run_soak(
    *,
    port: int,
    targets: list[TownTarget],
    seconds: float,
    clients: int,
    think: float,
    processes: dict[str, int],
    seed: int = 1,
    print_interval: float = 30.0,
    batch_timeout: float = 600.0,
    mix: dict[str, int] | None = None,
) -> dict[str, Any]:
    """The load for ``seconds`` against the server on ``port``; ``processes`` names the
    root pids whose trees' RSS is taken (``{"gunicorn": …, "celery": …}``). Returns the
    report (see the module docstring); it raises nothing for a failed request: every
    failure is in ``errors``."""
    if len(targets) < 2:
        raise ValueError("run_soak needs two towns or more")
    weights = mix or KIND_WEIGHTS
    kinds = [k for k in KINDS for _ in range(weights.get(k, 0))]
    if not kinds:
        raise ValueError("the mix names no kind")
    pool: list[Client] = []
    for i in range(clients):
        town = targets[i % len(targets)]
        staff = town.staff[(i // len(targets)) % len(town.staff)]
        pool.append(Client(port, town, staff, random.Random(seed * 7919 + i)))
    if len({(c.town.host, c.staff.username) for c in pool}) < len(pool):
        raise ValueError("each client needs a staff member of its own (TOTP codes are one-time)")
    warm = Recorder(t0=time.perf_counter())

    def warm_up(c: Client) -> None:
        try:
            c.login()
        except Exception as exc:
            warm.error("login", f"{c.town.name}: {exc}")
            return
        for kind in KINDS:  # the server has served each kind before measuring
            started = time.perf_counter()
            warm.add(kind, started, time.perf_counter(), c.one(kind))

    warmers = [threading.Thread(target=warm_up, args=(c,)) for c in pool]
    for t in warmers:
        t.start()
    # one mass print before measuring: a pool child's first Typst document loads the fonts
    warm_print = Batch(kind=PRINT_KIND, town=targets[1].name)
    job_id, problem = _job_start(port, targets[1], PRINT_KIND)
    if job_id is not None:
        warm_print.job_id = job_id
        _job_wait(port, targets[1], warm_print, job_id, time.perf_counter() + batch_timeout, None)
    if problem is not None or warm_print.status != "succeeded":
        warm.error(f"batch {PRINT_KIND}", problem or f"job ended {warm_print.status}")
    for t in warmers:
        t.join()
    mem_start = rss_snapshot(processes)
    load_start = os.getloadavg()
    rec = Recorder(t0=time.perf_counter())
    watch = ProcessWatch(processes, rec.t0)
    watch.sample(mem_start)
    watch.start()
    rec.errors.extend({**e, "kind": f"warm-up {e['kind']}"} for e in warm.errors)
    end = threading.Event()
    batches: list[Batch] = []
    threads = [
        threading.Thread(
            target=_client_loop, args=(c, rec, end, think, kinds), name=f"soak-client-{i}"
        )
        for i, c in enumerate(pool)
        if c.http.cookies.get("sessionid")
    ]
    batch_thread = threading.Thread(
        target=_batches,
        args=(port, targets, rec, batches),
        kwargs={
            "seconds": seconds,
            "print_interval": print_interval,
            "end": end,
            "batch_timeout": batch_timeout,
        },
        name="soak-batches",
    )
    for t in threads:
        t.start()
    batch_thread.start()
    # the machine's 1-minute load average every 10 s (a shared machine: what else ran)
    loads: list[float] = []
    mem_mid: dict[int, tuple[str, int]] | None = None
    deadline = rec.t0 + seconds
    while (left := deadline - time.perf_counter()) > 0:
        if mem_mid is None and left <= seconds / 2:
            mem_mid = rss_snapshot(processes)
        loads.append(os.getloadavg()[0])
        time.sleep(min(10.0, left, max(0.0, left - seconds / 2) or left))
    end.set()
    if mem_mid is None:
        mem_mid = rss_snapshot(processes)
    for t in threads:
        t.join()
    measured = time.perf_counter() - rec.t0
    batch_thread.join()  # a job still running is followed to its end (batch_timeout)
    watch.stop()
    mem_end = rss_snapshot(processes)
    watch.sample(mem_end)
    errors = rec.errors
    memory = memory_rows(mem_start, mem_mid, mem_end, watch.seen)
    return {
        "seconds": round(measured, 1),
        "clients": len(pool),
        "think_s": think,
        "mix": weights,
        "towns": [t.name for t in targets],
        "kinds": kind_summary(rec.samples, measured),
        "batches": [b.as_dict() for b in batches],
        "error_count": len(errors),
        "errors": errors[:MAX_LISTED_ERRORS],
        "memory": memory,
        "replaced": replacements(memory),
        "warm_up_print_seconds": warm_print.seconds,
        "loadavg_start": [round(x, 2) for x in load_start],
        "loadavg_end": [round(x, 2) for x in os.getloadavg()],
        "loadavg_1min_during": {
            "mean": round(sum(loads) / len(loads), 2) if loads else None,
            "max": round(max(loads), 2) if loads else None,
            "samples": len(loads),
        },
    }


def print_report(report: dict[str, Any]) -> None:
    rows = [
        [
            KIND_LABELS[k],
            r["requests"],
            f"{r['per_second']:.1f}",
            r["p50_ms"],
            r["p95_ms"],
            r["p99_ms"],
            r["max_ms"],
            r["errors"],
        ]
        for k, r in report["kinds"].items()
    ]
    print_table(
        f"{report['seconds']:.0f} s, {report['clients']} clients, think {report['think_s']} s",
        ["kind", "requests", "per s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors"],
        rows,
    )
    print_table(
        "batches",
        ["job", "town", "started s", "status", "seconds", "done/total"],
        [
            [
                b["kind"],
                b["town"],
                b["started_at_s"],
                b["status"],
                b["seconds"],
                f"{b['done']}/{b['total']}",
            ]
            for b in report["batches"]
        ],
    )
    print_table(
        "memory (RSS KiB)",
        ["process", "pid", "start", "middle", "end", "peak", "delta", ""],
        [
            [
                m["role"],
                m["pid"],
                m["rss_start_kib"],
                m["rss_mid_kib"],
                m["rss_end_kib"],
                m["rss_peak_kib"],
                m["delta_kib"],
                m["note"],
            ]
            for m in report["memory"]
        ],
    )
    for role, r in report["replaced"].items():
        if r["started"] or r["ended"]:
            print(
                f"{role}: {r['at_start']} at the start, {r['started']} started and "
                f"{r['ended']} ended during the run (recycled: see 'peak', not 'delta')"
            )
    during = report["loadavg_1min_during"]
    print(
        f"\nload average: start {report['loadavg_start']}, end {report['loadavg_end']}, "
        f"1-minute during the run mean {during['mean']} max {during['max']}"
    )
    print(f"\nerrors: {report['error_count']}")
    for e in report["errors"]:
        print(f"  {e['at_s']:>7} s  {e['kind']}: {e['reason']}")


# --- the servers ----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(argv: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    log = log_path.open("wb")
    try:
        return subprocess.Popen(
            argv,
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    finally:
        log.close()


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _wait_healthy(process: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
    import requests
    from django.conf import settings

    host = {"Host": f"{settings.JC_BASE_DOMAIN}:{port}"}

    deadline = time.monotonic() + STARTUP_TIMEOUT
    while True:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited:\n{log_path.read_text(errors='replace')[-3000:]}")
        with contextlib.suppress(requests.RequestException):
            if (
                requests.get(
                    f"http://127.0.0.1:{port}/healthz", headers=host, timeout=2
                ).status_code
                == 200
            ):
                return
        if time.monotonic() > deadline:
            raise SystemExit(f"gunicorn did not answer in {STARTUP_TIMEOUT:.0f} s")
        time.sleep(0.3)


def _wait_worker(process: subprocess.Popen[bytes], hostname: str, log_path: Path) -> None:
    from config.celery import app

    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not app.control.ping(destination=[hostname], timeout=1.0):
        if process.poll() is not None:
            raise SystemExit(f"celery exited:\n{log_path.read_text(errors='replace')[-3000:]}")
        if time.monotonic() > deadline:
            raise SystemExit(f"the celery worker did not answer in {STARTUP_TIMEOUT:.0f} s")


def _forget_queue(queue: str) -> None:
    import redis
    from django.conf import settings

    with contextlib.suppress(redis.RedisError):
        client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
        keys = list(client.scan_iter(match=f"*{queue}*"))
        if keys:
            client.delete(*keys)


# --- the command ----------------------------------------------------------------------


def _raise_on_signal(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)


def soak(args: Any) -> dict[str, Any]:
    """Recreate the database, build the towns, start gunicorn and the worker, run."""
    server = server_url()
    database_url = url_with_database(server, args.database)
    record: dict[str, Any] = {"benchmark": "soak", "started_at": now_iso()}
    print(f"[soak] recreating database {args.database} on {urlsplit(server).hostname}")
    database_recreate(server, args.database)
    work = Path(tempfile.mkdtemp(prefix="bench-soak-"))
    services: list[subprocess.Popen[bytes]] = []
    queue = f"soak-{uuid.uuid4().hex[:12]}"
    try:
        django_setup(database_url)
        from django.conf import settings

        from tenants.params.services import law_parameters_load

        record["machine"] = machine_info()
        print_machine(record["machine"])
        t = time.perf_counter()
        consortium, _ = platform_prepare()
        law_parameters_load()
        staff_per_town = max(1, math.ceil(args.clients / args.towns))
        targets = towns_prepare(
            consortium,
            towns=args.towns,
            population=args.population,
            staff_per_town=staff_per_town,
            seed=args.seed,
            modules=kanagawa_common_modules(),
            base_domain=str(settings.JC_BASE_DOMAIN),
        )
        record["setup_seconds"] = round(time.perf_counter() - t, 1)
        from django.db import connections

        connections.close_all()
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
        env.update(
            DATABASE_URL=database_url,
            DJANGO_SETTINGS_MODULE="config.settings.prod",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(40),
            JC_HTTPS="0",
            JC_DB_CONN_MAX_AGE="600",
            JC_LOG_LEVEL="WARNING",
            JC_CELERY_QUEUE=queue,
            JC_MEDIA_ROOT=str(work / "media"),
            PYTHONPATH=str(REPO),
            PYTHONUNBUFFERED="1",
        )
        bin_dir = Path(sys.executable).parent
        # production settings serve hashed static names from the manifest (as bin/demo)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=REPO,
            env=env,
            check=True,
        )
        hostname = f"{queue}@{socket.gethostname()}"
        worker_log = work / "celery.log"
        worker = _start(
            [
                str(bin_dir / "celery"), "-A", "config", "worker", "--pool=prefork",
                f"--concurrency={args.worker_concurrency}", "-Q", queue, "-n", hostname,
                "-l", "warning", "--without-gossip", "--without-mingle",
            ],
            env,
            worker_log,
        )  # fmt: skip
        services.append(worker)
        port = _free_port()
        web_log = work / "gunicorn.log"
        web = _start(
            [
                str(bin_dir / "gunicorn"), "config.wsgi:application",
                "-c", str(REPO / "config" / "gunicorn_conf.py"), "-b", f"127.0.0.1:{port}",
                "-w", str(args.web_workers), "--threads", str(args.web_threads),
                "--keep-alive", "30", "--timeout", "120",
                *(["--max-requests", str(args.max_requests)] if args.max_requests is not None
                  else []),
            ],
            {**env, **({"MALLOC_ARENA_MAX": args.malloc_arena_max}
                       if args.malloc_arena_max else {})},
            web_log,
        )  # fmt: skip
        services.append(web)
        _wait_worker(worker, hostname, worker_log)
        _wait_healthy(web, port, web_log)
        print(
            f"[soak] gunicorn {args.web_workers}×{args.web_threads} threads on port {port}, "
            f"celery worker ×{args.worker_concurrency}; {args.minutes:g} min, "
            f"{args.clients} clients",
            flush=True,
        )
        report = run_soak(
            port=port,
            targets=targets,
            seconds=args.minutes * 60,
            clients=args.clients,
            think=args.think,
            processes={"gunicorn": web.pid, "celery": worker.pid},
            seed=args.seed,
            print_interval=args.print_interval,
            mix=_mix(args.mix),
        )
        record["params"] = {
            "minutes": args.minutes,
            "towns": args.towns,
            "population": args.population,
            "clients": args.clients,
            "think": args.think,
            "web_workers": args.web_workers,
            "web_threads": args.web_threads,
            "worker_concurrency": args.worker_concurrency,
            "print_interval": args.print_interval,
            "max_requests": args.max_requests,
            "malloc_arena_max": args.malloc_arena_max,
            "mix": args.mix,
            "seed": args.seed,
        }
        record["report"] = report
        print_report(report)
        record["finished_at"] = now_iso()
    finally:
        for process in reversed(services):
            _stop(process)
        from django.db import connections

        connections.close_all()
        if services:
            _forget_queue(queue)
        shutil.rmtree(work, ignore_errors=True)
        if args.keep:
            print(f"[soak] kept database {args.database} (--keep)")
        else:
            database_drop(server, args.database)
            print(f"[soak] dropped database {args.database}")
    path = write_json(args.output, record)
    print(f"[soak] wrote {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")
    return record


def _mix(text: str) -> dict[str, int]:
    out = {}
    for part in text.split(","):
        kind, _, weight = part.partition("=")
        if kind.strip() not in KINDS or not weight.strip().isdigit():
            raise SystemExit(f"--mix: {part!r} is not KIND=WEIGHT with KIND in {', '.join(KINDS)}")
        out[kind.strip()] = int(weight)
    return out


def parser() -> Any:
    import argparse

    p = argparse.ArgumentParser(
        prog="python -m bench soak", description=__doc__.splitlines()[0] if __doc__ else ""
    )
    p.add_argument("--minutes", type=float, default=10.0, help="measured run (default 10)")
    p.add_argument("--towns", type=int, default=3, help="towns of the consortium (default 3)")
    p.add_argument("--population", type=int, default=3000, help="residents a town (3000)")
    p.add_argument("--clients", type=int, default=8, help="staff client threads (default 8)")
    p.add_argument("--think", type=float, default=0.2, help="mean pause a request (0.2 s)")
    p.add_argument("--web-workers", type=int, default=2, help="gunicorn workers (default 2)")
    p.add_argument("--web-threads", type=int, default=4, help="threads a worker (default 4)")
    p.add_argument("--worker-concurrency", type=int, default=2, help="celery pool (default 2)")
    p.add_argument(
        "--max-requests",
        type=int,
        default=None,
        help="gunicorn --max-requests (default: config/gunicorn_conf.py's; 0 = never recycle)",
    )
    p.add_argument(
        "--malloc-arena-max",
        default="",
        help="MALLOC_ARENA_MAX for gunicorn (default: unset, as the environment has it)",
    )
    p.add_argument(
        "--print-interval", type=float, default=30.0, help="pause between mass prints (30 s)"
    )
    p.add_argument(
        "--mix",
        default=",".join(f"{k}={w}" for k, w in KIND_WEIGHTS.items()),
        help="weights of the kinds (default %(default)s)",
    )
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--database", default=DEFAULT_DATABASE, help=f"default {DEFAULT_DATABASE}")
    p.add_argument("--keep", action="store_true", help="keep the database afterwards")
    p.add_argument("--output", default="soak", help="bench/out/<OUTPUT>.json")
    return p


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    if args.towns < 2 or args.population < 50 or args.clients < 1 or args.minutes <= 0:
        raise SystemExit("need --towns ≥ 2, --population ≥ 50, --clients ≥ 1, --minutes > 0")
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("REDIS_URL is not set: run through bin/with-services (make soak)")
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _raise_on_signal)
    record = soak(args)
    return 0 if record["report"]["error_count"] == 0 else 1
