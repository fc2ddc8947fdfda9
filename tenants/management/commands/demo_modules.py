"""Loads every module's demo data, in the modules' declared order (``make demo``).

Each module names its own demo command in its ``module.py`` (``ModuleSpec.demo``); the
platform runs them after its own ``load_demo`` has created the consortium and towns."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from tenants.modules.registry import demo_commands


class Command(BaseCommand):
    help = "各業務モジュールのデモデータを登録する（module.py の宣言順）"

    def handle(self, *args: Any, **options: Any) -> None:
        for spec, command in demo_commands():
            self.stdout.write(f"==> {spec.verbose_name}: {command}")
            call_command(command, stdout=self.stdout, stderr=self.stderr)
