"""PostgreSQL must not write failing statements, or the values in its error details, to
its own log (issue 12, item 4): by default a failed INSERT of a resident put the whole
statement, name and 個人番号 included, into the server log (STACK-NOTES).

Checked for every server we start: the embedded one (bin/services writes its settings
into the data directory), the docker-compose db service, and — for real — an embedded
server that is started, fed a failing INSERT and whose log is then searched."""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]

# What every server we start must run with (docs/operations.md says why).
REQUIRED = {
    "log_min_error_statement": "panic",
    "log_statement": "none",
    "log_error_verbosity": "terse",
    "log_min_duration_statement": "-1",
    "log_parameter_max_length": "0",
    "log_parameter_max_length_on_error": "0",
}


def _conf_values(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if "=" in line:
            key, value = (p.strip() for p in line.split("=", 1))
            values[key] = value.strip("'")
    return values


def _write_conf(data_dir: Path) -> str:
    """Run bin/services' own jc_pg_write_conf against an empty data directory."""
    pgdata = data_dir / "pg" / "data"
    pgdata.mkdir(parents=True)
    (pgdata / "postgresql.conf").write_text("# initdb's file\n")
    script = f'source "{ROOT}/bin/services"; JC_PG_OS_USER=""; jc_pg_write_conf 55999 >/dev/null'
    env = {**os.environ, "JC_DATA_DIR": str(data_dir)}
    subprocess.run(["bash", "-c", script], check=True, env=env, timeout=60)
    included = (pgdata / "postgresql.conf").read_text()
    assert "include_if_exists = 'jcloud.conf'" in included
    return (pgdata / "jcloud.conf").read_text()


def test_the_embedded_server_is_configured_not_to_log_statements_or_values(tmp_path) -> None:
    # when
    values = _conf_values(_write_conf(tmp_path))
    # then
    for key, want in REQUIRED.items():
        assert values.get(key) == want, (key, values.get(key))


def test_the_compose_db_service_runs_with_the_same_settings() -> None:
    # given
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    command = compose["services"]["db"]["command"]
    # then: postgres -c key=value for each
    options = {}
    for flag, setting in itertools.pairwise(command):
        if flag == "-c":
            key, value = setting.split("=", 1)
            options[key] = value
    for key, want in REQUIRED.items():
        assert options.get(key) == want, (key, options.get(key))


def test_the_deployment_notes_name_every_setting() -> None:
    notes = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    for key, want in REQUIRED.items():
        assert f"{key} = {want}" in notes, key


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.skipif(
    not (shutil.which("initdb") or list(Path("/usr/lib/postgresql").glob("*/bin/initdb"))),
    reason="no PostgreSQL server binaries on this machine",
)
def test_a_failing_insert_leaves_no_value_in_the_embedded_servers_log(tmp_path) -> None:
    # given: a private server started by bin/services in a data directory of its own
    data_dir = tmp_path / "data"
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PG_PORT"}}
    env.update(JC_DATA_DIR=str(data_dir), PG_PORT=str(port), REDIS_URL="redis://unused/0")
    services = str(ROOT / "bin" / "services")
    started = subprocess.run(
        [services, "start"], env=env, timeout=120, capture_output=True, text=True
    )
    # (what bin/services said, when it could not start: a busy machine, a port taken)
    assert started.returncode == 0, (started.stdout + started.stderr)[-3000:]
    try:
        psql = shutil.which("psql") or str(next(Path("/usr/lib/postgresql").glob("*/bin/psql")))
        sql = (
            "CREATE TABLE resident (shimei text NOT NULL, kojin_bango text UNIQUE,"
            " CHECK (shimei <> '')); "
            "INSERT INTO resident VALUES ('葉山　一郎', '314159265352'); "
        )
        run = [psql, "-X", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", "jcloud"]
        subprocess.run([*run, "-c", sql], check=True, env=env, timeout=60, capture_output=True)
        # when: a unique violation, a CHECK violation (failing row) and a bad JSON literal
        for failing in (
            "INSERT INTO resident VALUES ('葉山　二郎', '314159265352')",
            "INSERT INTO resident VALUES ('', '271828182845')",
            """SELECT '{"shimei": "葉山　三郎\\u0000"}'::jsonb""",
        ):
            r = subprocess.run([*run, "-c", failing], env=env, timeout=60, capture_output=True)
            assert r.returncode != 0
    finally:
        subprocess.run([services, "stop"], env=env, timeout=120, capture_output=True)
    # then: the errors are in the log, their values are not
    log = (data_dir / "log" / "postgres.log").read_text(encoding="utf-8", errors="replace")
    assert "violates unique constraint" in log and "violates check constraint" in log
    for secret in ("葉山", "一郎", "二郎", "三郎", "314159265352", "271828182845", "INSERT"):
        assert secret not in log, log
