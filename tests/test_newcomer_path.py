"""A newcomer's path through the demo (issue 13, item 5): the code for the second login
step is printed by the README's commands from a plain shell, even when the demo's private
servers run on other ports; `make demo` ends with the URLs and the login steps, the
setup's output in a log; the README names the ports; docs/demo.md hard-codes none.

The commands are run for real: a private PostgreSQL and Redis started by bin/services in
a data directory of their own, and bin/demo itself in a copy of bin/ whose .venv holds
stand-ins for python, celery and gunicorn (the real demo load takes minutes)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
HAS_PG = bool(shutil.which("initdb") or list(Path("/usr/lib/postgresql").glob("*/bin/initdb")))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _plain_shell_env(**extra: str) -> dict[str, str]:
    """What a fresh login shell has: no DATABASE_URL, REDIS_URL, PG_PORT, REDIS_PORT,
    JC_DEMO or DJANGO_SETTINGS_MODULE."""
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "USER") if k in os.environ}
    env.update(extra)
    return env


def _readme_totp_commands() -> list[str]:
    """The shell lines of the README that print a login code."""
    blocks = re.findall(r"```sh\n(.*?)```", README, flags=re.S)
    lines = [line.split("  #")[0].strip() for b in blocks for line in b.splitlines()]
    return [line for line in lines if "totp" in line]


@pytest.fixture
def demo_services(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The checkout's private servers, started as `PG_PORT=… REDIS_PORT=… make demo` would
    (ports other than the defaults), with the demo's 葉山町 管理者 in the database."""
    data_dir = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(JC_DATA_DIR=str(data_dir), PG_PORT=str(_free_port()), REDIS_PORT=str(_free_port()))
    services = str(ROOT / "bin" / "services")
    started = subprocess.run(
        [services, "start"], env=env, timeout=180, capture_output=True, text=True, check=True
    )
    urls = dict(re.findall(r"export (\w+)=(\S+)", started.stdout))
    try:
        django = {**env, **urls, "DJANGO_SETTINGS_MODULE": "config.settings.dev", "JC_DEMO": "1"}
        py = [sys.executable, "manage.py"]
        subprocess.run(
            [*py, "migrate_schemas", "--shared", "-v", "0"],
            env=django,
            cwd=ROOT,
            timeout=300,
            check=True,
            capture_output=True,
        )
        create = (
            "from tenants.management.commands.load_demo import demo_totp_secret as s;"
            "from tenants.services.staff import staff_create;"
            "staff_create(username='hayama-admin', display_name='葉山町 情報担当',"
            " totp_secret=s('hayama-admin'), acting_user=None)"
        )
        subprocess.run(
            [*py, "shell", "-c", create],
            env=django,
            cwd=ROOT,
            timeout=120,
            check=True,
            capture_output=True,
        )
        yield {"JC_DATA_DIR": str(data_dir), **urls}
    finally:
        subprocess.run([services, "stop"], env=env, timeout=120, capture_output=True)


def test_the_readme_shows_the_login_code_commands():
    commands = _readme_totp_commands()
    assert "make totp STAFF=hayama-admin" in commands
    assert any("manage.py totp_now hayama-admin" in c for c in commands), commands


@pytest.mark.skipif(not HAS_PG, reason="no PostgreSQL server binaries on this machine")
def test_the_readme_login_code_commands_work_from_a_plain_shell(demo_services):
    # given the demo's servers on ports other than the defaults, and a fresh shell that
    # knows none of them (only where the checkout keeps its data: JC_DATA_DIR stands in
    # for the checkout's .data/)
    from tenants.management.commands.load_demo import demo_totp_secret

    totp = pyotp.TOTP(demo_totp_secret("hayama-admin"))
    env = _plain_shell_env(JC_DATA_DIR=demo_services["JC_DATA_DIR"])
    for command in _readme_totp_commands():
        # when the README's command is typed
        r = subprocess.run(
            ["bash", "-c", command], env=env, cwd=ROOT, timeout=180, capture_output=True, text=True
        )
        # then it prints hayama-admin's current code, read from the demo's database
        assert r.returncode == 0, (command, r.stdout, r.stderr)
        code = r.stdout.strip().splitlines()[-1]
        assert re.fullmatch(r"\d{6}", code), (command, r.stdout)
        assert totp.verify(code, valid_window=1), command


# --- bin/demo's output ------------------------------------------------------------------

FAKE_PY = """#!/bin/sh
# stands in for .venv/bin/python: a manage.py step that talks a lot
for i in $(seq 1 200); do echo "  Applying fake_app.$i_migration... OK"; done
"""
FAKE_CELERY = """#!/bin/sh
exec sleep 600
"""
FAKE_GUNICORN = """#!/bin/sh
# stands in for gunicorn: answers on the -b address
for a in "$@"; do case "$a" in 127.0.0.1:*) port="${a#127.0.0.1:}";; esac; done
exec python3 -m http.server "$port" --bind 127.0.0.1
"""


def _fake_checkout(tmp_path: Path) -> Path:
    root = tmp_path / "checkout"
    shutil.copytree(ROOT / "bin", root / "bin")
    venv = root / ".venv" / "bin"
    venv.mkdir(parents=True)
    for name, text in (("python", FAKE_PY), ("celery", FAKE_CELERY), ("gunicorn", FAKE_GUNICORN)):
        (venv / name).write_text(text)
        (venv / name).chmod(0o755)
    return root


def test_the_demo_ends_with_the_urls_and_the_login_steps(tmp_path):
    # given bin/demo in a checkout whose setup steps print 200 lines each
    root = _fake_checkout(tmp_path)
    port = _free_port()
    env = _plain_shell_env(
        PORT=str(port), DATABASE_URL="postgres://unused/x", REDIS_URL="redis://unused/0"
    )
    proc = subprocess.Popen(
        [str(root / "bin" / "demo")],
        env=env,
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        # when it has started (the block ends with the walk-through's name)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(x.startswith("Walk-through:") for x in lines):
            time.sleep(0.1)
        # the server it names answers
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise
        reader.join(timeout=5)
    lines = lines[: next((i + 1 for i, x in enumerate(lines) if x.startswith("Walk-through:")), 0)]
    text = "\n".join(lines)
    # then the terminal shows one line a step, none of their output
    assert "Applying" not in text, text
    assert len(lines) < 40, text
    # and ends with the URLs, on the port asked for, and the two login steps
    tail = "\n".join(lines[-14:])
    assert f"http://localhost:{port}/" in tail
    assert f"http://hayama.localhost:{port}/" in tail
    assert "demo-pass-2026" in tail and "make totp STAFF=hayama-admin" in tail
    assert lines[-1] == "Walk-through: docs/demo.md"
    # and the steps' output is in the setup log
    log = (root / ".data" / "log" / "demo-setup.log").read_text()
    # (five setup steps, and the 住基ネット step after the CS simulator starts)
    assert log.count("Applying fake_app") == 6 * 200


def test_the_readme_names_the_ports_with_their_defaults():
    services = (ROOT / "bin" / "services").read_text()
    demo = (ROOT / "bin" / "demo").read_text()
    for name, default, source in (
        ("PORT", "8000", demo),
        ("PG_PORT", "55432", services),
        ("REDIS_PORT", "56379", services),
    ):
        assert re.search(rf"\| `{name}` \| {default} \|", README), name
        assert default in source
    assert "PORT=8100 PG_PORT=55433 REDIS_PORT=56380 make demo" in README


def test_the_demo_guide_hard_codes_no_port_and_walks_the_town_portal_and_tax():
    guide = (ROOT / "docs" / "demo.md").read_text(encoding="utf-8")
    assert not re.search(r"localhost:\d", guide), "use PORT, not a fixed port"
    for heading in ("## 町村の画面", "## 共同利用ポータル", "## 個人住民税"):
        assert heading in guide, heading
    assert "make totp STAFF=hayama-admin" in guide
