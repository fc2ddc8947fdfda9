"""Loading and reading law-driven values per fiscal year.

The national values are YAML files: the platform's own in ``tenants/params/data/`` and
each business module's in the folder its ``module.py`` names as ``params_dir`` (e.g.
``zeimu/params/``). Keys are unique across all files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from tenants.db import connection
from tenants.params.models import LawParameter

DATA_DIR = Path(__file__).resolve().parent / "data"


def law_parameter_dirs() -> list[tuple[tuple[str, ...], Path]]:
    """(業務 codes, folder): the platform's data folder (no 業務: every town's), then
    every module's ``params_dir`` with the module's 業務 codes, in registry order."""
    from django.apps import apps

    from tenants.modules.registry import all_modules

    dirs: list[tuple[tuple[str, ...], Path]] = [((), DATA_DIR)]
    for spec in all_modules():
        if spec.params_dir:
            folder = Path(apps.get_app_config(spec.app).path) / spec.params_dir
            if not folder.is_dir():
                raise FileNotFoundError(f"{spec.app}: params_dir {spec.params_dir!r} がありません")
            dirs.append((spec.gyomu, folder))
    return dirs


def law_parameter_files() -> list[tuple[tuple[str, ...], Path]]:
    """(業務 codes of the owning module, file) for every law-parameter YAML file."""
    return [(codes, p) for codes, d in law_parameter_dirs() for p in sorted(d.glob("*.yaml"))]


class ParameterMissing(LookupError):
    pass


def _rows_from_file(path: Path) -> list[LawParameter]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    rows: list[LawParameter] = []
    for param in doc["parameters"]:
        spans = sorted(param["values"], key=lambda v: v["from"])
        for i, span in enumerate(spans):
            end = span.get("to")
            if i + 1 < len(spans) and (end is None or end >= spans[i + 1]["from"]):
                raise ValueError(f"{path.name}: {param['key']} の適用年度が重なっています")
            rows.append(
                LawParameter(
                    key=param["key"],
                    fiscal_year_from=span["from"],
                    fiscal_year_to=end,
                    value=span["value"],
                    unit=param.get("unit", ""),
                    label=param["label"],
                    source=span.get("source", param["source"]),
                    dataset=doc["dataset"],
                    dataset_version=doc["version"],
                )
            )
    return rows


def law_parameters_load(*, data_dir: Path | None = None) -> int:
    """Replace the national values with the content of the data files (those of
    ``data_dir`` alone when given), atomically.

    Idempotent: running it twice leaves the same rows. Returns the number of rows.
    """
    rows: list[LawParameter] = []
    seen: dict[str, str] = {}
    files = (
        [p for _, p in law_parameter_files()]
        if data_dir is None
        else sorted(data_dir.glob("*.yaml"))
    )
    for path in files:
        for row in _rows_from_file(path):
            if seen.setdefault(row.key, path.name) != path.name:
                raise ValueError(f"{row.key} が {seen[row.key]} と {path.name} の両方にあります")
            rows.append(row)
    with transaction.atomic():
        LawParameter.objects.all().delete()
        LawParameter.objects.bulk_create(rows)
    return len(rows)


def param_value(key: str, fiscal_year: int) -> Any:
    """The value of ``key`` for ``fiscal_year``: the municipality's own 条例 value when
    called inside its schema and one is set, else the national value."""
    if connection.schema_name != "public":
        from tenants.params.tenant.models import MunicipalParameter

        local = (
            MunicipalParameter.objects.filter(key=key, fiscal_year_from__lte=fiscal_year)
            .exclude(fiscal_year_to__lt=fiscal_year)
            .order_by("-fiscal_year_from")
            .values_list("value", flat=True)
            .first()
        )
        if local is not None:
            return local
    national = (
        LawParameter.objects.filter(key=key, fiscal_year_from__lte=fiscal_year)
        .exclude(fiscal_year_to__lt=fiscal_year)
        .order_by("-fiscal_year_from")
        .values_list("value", flat=True)
        .first()
    )
    if national is None:
        raise ParameterMissing(f"{key} の{fiscal_year}年度の値が登録されていません")
    return national


def param_values(prefix: str, fiscal_year: int) -> dict[str, Any]:
    """What ``param_value`` answers for every key starting with ``prefix`` in
    ``fiscal_year``, read in two queries (a job's chunk takes its year's values at once).
    A key absent here, or whose value is null, is for ``param_value`` to answer (or
    refuse)."""

    def latest(rows: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in (
            rows.filter(key__startswith=prefix, fiscal_year_from__lte=fiscal_year)
            .exclude(fiscal_year_to__lt=fiscal_year)
            .order_by("key", "-fiscal_year_from")
            .values_list("key", "value")
        ):
            out.setdefault(key, value)
        return {k: v for k, v in out.items() if v is not None}

    values = latest(LawParameter.objects)
    if connection.schema_name != "public":
        from tenants.params.tenant.models import MunicipalParameter

        values.update(latest(MunicipalParameter.objects))
    return values
