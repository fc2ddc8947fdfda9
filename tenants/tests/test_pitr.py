"""Whole-cluster point-in-time recovery with pgBackRest, on loopback (issue 22 item 1).

A private PostgreSQL cluster under a temporary directory archives its WAL with pgBackRest
(``archive_command = pgbackrest … archive-push``, as docs/operations.md sets up the data
centre); a full backup is taken; rows are committed, the time is noted, more rows are
committed; the cluster is restored to that time. Every row committed before the time is
there, none committed after. (Takes ≈ 15–25 s: it runs in ``make test``.)
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_BIN_CANDIDATES = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def _pg_bin() -> Path | None:
    for folder in PG_BIN_CANDIDATES:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    found = shutil.which("initdb")
    return Path(found).resolve().parent if found else None


PG_BIN = _pg_bin() or Path("/nonexistent")
PGBACKREST = shutil.which("pgbackrest")

pytestmark = pytest.mark.skipif(
    not (PG_BIN / "initdb").exists() or PGBACKREST is None,
    reason="pgbackrest or PostgreSQL binaries missing (bin/services sysdeps installs them)",
)


class Cluster:
    """A private cluster run as the ``postgres`` system user when we are root (initdb
    refuses root), reached through a Unix socket in its own directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.run_dir = root / "run"
        self.conf = root / "pgbackrest.conf"
        self.port = 50000 + os.getpid() % 10000
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            pwd.getpwnam("postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(root, "postgres", "postgres")

    def sh(self, *args: str | Path, check: bool = True) -> str:
        done = subprocess.run(
            [*self.as_user, *map(str, args)], capture_output=True, text=True, timeout=120
        )
        if check and done.returncode != 0:
            raise AssertionError(f"{args[0]} failed: {done.stdout}\n{done.stderr}")
        return done.stdout

    def sql(self, statement: str) -> str:
        return self.sh(
            PG_BIN / "psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", self.run_dir,
            "-p", str(self.port), "-U", "postgres", "-d", "postgres", "-c", statement,
        ).strip()  # fmt: skip

    def backrest(self, *args: str) -> str:
        return self.sh(PGBACKREST, f"--config={self.conf}", "--stanza=jc", *args)  # type: ignore[arg-type]

    def pg_ctl(self, *args: str) -> None:
        self.sh(PG_BIN / "pg_ctl", "-D", self.data, "-l", self.root / "postgres.log", "-w", *args)

    def init(self) -> None:
        self.sh("mkdir", "-p", self.run_dir, self.root / "repo", self.root / "log")
        self.sh(PG_BIN / "initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "--no-sync")
        self.sh(
            "sh", "-c",
            f"cat > {self.conf} <<'EOF'\n"
            "[global]\n"
            f"repo1-path={self.root / 'repo'}\n"
            "repo1-retention-full=2\n"
            f"log-path={self.root / 'log'}\n"
            f"lock-path={self.root / 'run'}\n"
            "start-fast=y\n"
            "compress-type=lz4\n"
            "[jc]\n"
            f"pg1-path={self.data}\n"
            f"pg1-port={self.port}\n"
            f"pg1-socket-path={self.run_dir}\n"
            "EOF\n"
            f"cat >> {self.data / 'postgresql.conf'} <<'EOF'\n"
            f"port = {self.port}\n"
            "listen_addresses = ''\n"
            f"unix_socket_directories = '{self.run_dir}'\n"
            "wal_level = replica\n"
            "archive_mode = on\n"
            f"archive_command = '{PGBACKREST} --config={self.conf} --stanza=jc archive-push %p'\n"
            "max_wal_senders = 3\n"
            "fsync = off\n"
            "shared_buffers = 16MB\n"
            "EOF\n",
        )  # fmt: skip
        self.pg_ctl("start")


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    # (not under pytest's tmp_path: its parents are closed to the postgres user)
    root = Path(tempfile.mkdtemp(prefix="jc-pitr-"))
    c = Cluster(root)
    try:
        c.init()
        yield c
    finally:
        c.sh(PG_BIN / "pg_ctl", "-D", c.data, "-m", "immediate", "stop", check=False)
        if os.environ.get("JC_KEEP_PITR") is None:
            shutil.rmtree(root, ignore_errors=True)


def test_point_in_time_recovery_keeps_every_row_committed_before_the_time(
    cluster: Cluster,
) -> None:
    # given: a stanza, a full backup, then rows committed before and after a noted time
    cluster.backrest("stanza-create")
    cluster.backrest("check")
    cluster.backrest("--type=full", "backup")
    cluster.sql("CREATE TABLE t (id int PRIMARY KEY, at timestamptz DEFAULT clock_timestamp())")
    cluster.sql("INSERT INTO t (id) SELECT g FROM generate_series(1, 1000) g")
    for i in range(1001, 1011):  # ten more commits, one at a time
        cluster.sql(f"INSERT INTO t (id) VALUES ({i})")
    time.sleep(1.1)
    target = cluster.sql("SELECT clock_timestamp()")
    time.sleep(1.1)
    for i in range(2001, 2011):
        cluster.sql(f"INSERT INTO t (id) VALUES ({i})")
    cluster.sql("SELECT pg_switch_wal()")
    cluster.backrest("check")  # waits until the switched WAL segment is archived
    # when: the whole cluster is restored to the noted time
    cluster.pg_ctl("-m", "fast", "stop")
    cluster.backrest("--delta", "--type=time", f"--target={target}", "--target-action=promote",
                     "restore")  # fmt: skip
    cluster.pg_ctl("start")
    # (pg_ctl returns once a hot standby takes connections, while WAL is still replayed)
    deadline = time.monotonic() + 60
    while cluster.sql("SELECT pg_is_in_recovery()") != "f":
        assert time.monotonic() < deadline, "recovery did not finish in 60 s"
        time.sleep(0.2)
    # then: every row committed before the time is there, none committed after
    count, low, high, missing = cluster.sql(
        "SELECT count(*), min(id), max(id), "
        "(SELECT count(*) FROM generate_series(1, 1010) g WHERE g NOT IN (SELECT id FROM t)) "
        "FROM t"
    ).split("|")
    assert (count, low, high, missing) == ("1010", "1", "1010", "0")
    assert cluster.sql(f"SELECT count(*) FROM t WHERE at > '{target}'") == "0"
