"""Loading and reading law-driven values per fiscal year."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from tenants.db import connection
from tenants.params.models import LawParameter

DATA_DIR = Path(__file__).resolve().parent / "data"


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


def law_parameters_load(*, data_dir: Path = DATA_DIR) -> int:
    """Replace the national values with the content of the data files, atomically.

    Idempotent: running it twice leaves the same rows. Returns the number of rows.
    """
    rows: list[LawParameter] = []
    for path in sorted(data_dir.glob("*.yaml")):
        rows.extend(_rows_from_file(path))
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
