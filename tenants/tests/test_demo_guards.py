"""The demo without Django's debug pages (issue 12, item 4): ``bin/demo`` sets JC_DEMO=1,
which turns DEBUG off in the dev settings; ``manage.py totp_now`` asks for JC_DEMO, not
DEBUG, and is refused everywhere else, production settings included."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pyotp
import pytest
from django.core.management import CommandError, call_command

from tenants.models import StaffUser

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_totp_now_prints_the_code_in_the_demo_without_debug(world, settings) -> None:
    # given: the demo (JC_DEMO) with DEBUG off
    settings.JC_DEMO = True
    settings.DEBUG = False
    out = StringIO()
    # when
    call_command("totp_now", "hayama-clerk", stdout=out)
    # then
    secret = StaffUser.objects.get(username="hayama-clerk").totp_secret
    assert pyotp.TOTP(secret).verify(out.getvalue().strip(), valid_window=1)


def test_totp_now_is_refused_outside_the_demo_even_with_debug(world, settings) -> None:
    settings.JC_DEMO = False
    settings.DEBUG = True
    out = StringIO()
    with pytest.raises(CommandError, match="デモ環境"):
        call_command("totp_now", "hayama-clerk", stdout=out)
    assert out.getvalue() == ""


def _settings_of(module: str, **env: str) -> tuple[str, str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"JC_DEMO", "DJANGO_DEBUG"}}
    clean.update(DJANGO_SETTINGS_MODULE=module, DJANGO_SECRET_KEY="x" * 50, **env)
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.JC_DEMO, settings.DEBUG)"
    )
    r = subprocess.run(
        [sys.executable, "-c", code],
        env=clean,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    demo, debug = r.stdout.split()
    return demo, debug


def test_the_demo_runs_without_debug_and_production_never_counts_as_the_demo() -> None:
    assert _settings_of("config.settings.dev", JC_DEMO="1") == ("True", "False")
    assert _settings_of("config.settings.dev") == ("False", "True")
    assert _settings_of("config.settings.prod", JC_DEMO="1") == ("False", "False")


def test_bin_demo_sets_jc_demo_for_every_process_it_starts() -> None:
    script = (ROOT / "bin" / "demo").read_text(encoding="utf-8")
    exports = [line.strip() for line in script.splitlines() if line.startswith("export ")]
    assert "export JC_DEMO=1" in exports
    # before the first command that reads the settings
    assert script.index("export JC_DEMO=1") < script.index("manage.py migrate_schemas")
