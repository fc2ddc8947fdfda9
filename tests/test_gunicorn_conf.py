"""config/gunicorn_conf.py: the web workers are recycled (max_requests ± jitter), and every
place that starts gunicorn uses the file (docs/benchmarks.md, "2026-12-06 night: the
gunicorn memory")."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from gunicorn.config import Config

ROOT = Path(__file__).resolve().parent.parent
CONF = ROOT / "config" / "gunicorn_conf.py"


def _loaded(monkeypatch: pytest.MonkeyPatch, **env: str) -> Config:
    for name in ("JC_WEB_MAX_REQUESTS", "JC_WEB_MAX_REQUESTS_JITTER"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    cfg = Config()
    for name, value in runpy.run_path(str(CONF)).items():
        if name.startswith("_") or name in {"annotations", "os"} or callable(value):
            continue
        assert name in cfg.settings, f"{name} is not a gunicorn setting"
        cfg.set(name, value)
    return cfg


def test_the_config_recycles_workers_with_jitter(monkeypatch: pytest.MonkeyPatch) -> None:
    # when
    cfg = _loaded(monkeypatch)
    # then
    assert cfg.max_requests == 1000
    assert cfg.max_requests_jitter == 100
    assert cfg.wsgi_app == "config.wsgi:application"


def test_the_environment_can_change_the_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    # when
    cfg = _loaded(monkeypatch, JC_WEB_MAX_REQUESTS="300", JC_WEB_MAX_REQUESTS_JITTER="30")
    # then
    assert (cfg.max_requests, cfg.max_requests_jitter) == (300, 30)


@pytest.mark.parametrize(
    "path",
    [
        "docker-compose.yml",
        "Dockerfile",
        "bin/demo",
        "bench/soak.py",
        "tests/integration/conftest.py",
    ],
)
def test_every_place_that_starts_gunicorn_uses_the_config(path: str) -> None:
    text = (ROOT / path).read_text(encoding="utf-8")
    assert "gunicorn" in text
    assert "gunicorn_conf.py" in text


def test_a_worker_freezes_its_start_up_objects_and_collects_after_each_pdf(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: the hook gunicorn calls in a worker once the application is loaded
    import gc

    import tenants.pdf

    hook = runpy.run_path(str(CONF))["post_worker_init"]
    assert Config().settings["post_worker_init"].validator(hook) is hook
    monkeypatch.setattr(tenants.pdf, "_collect_after_each", False)
    calls: list[str] = []

    def collect(*args: int) -> int:
        calls.append("collect")
        return 0

    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(gc, "collect", collect)
    # when
    hook(object())
    tenants.pdf._release()
    # then: collected and frozen once at start, then a collection after a document
    assert calls == ["collect", "freeze", "collect"]
    assert tenants.pdf._collect_after_each is True


def test_outside_a_server_process_no_collection_is_forced(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    import tenants.pdf

    monkeypatch.setattr(tenants.pdf, "_collect_after_each", False)
    calls: list[str] = []

    def collect(*args: int) -> int:
        calls.append("collect")
        return 0

    monkeypatch.setattr(gc, "collect", collect)
    tenants.pdf._release()
    assert calls == []
