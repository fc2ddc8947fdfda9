"""住民記録's synthetic data loader refuses to replace residents that 税務 holds data about
(the guard lives in juminkiroku.synth.load; 税務's side of it is tested here, so that
住民記録's tests need not know 税務's models)."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from juminkiroku import public as juminkiroku_public
from tenants.db import connection
from zeimu.models import KyuyoHokoku

pytestmark = pytest.mark.django_db

ON = date(2025, 10, 1)


def _load(schema: str, seed: int, *extra: str) -> None:
    call_command(
        "load_residents", "--schema", schema, "--population", "300", "--seed", str(seed),
        "--on", ON.isoformat(), *extra, stdout=StringIO(),
    )  # fmt: skip


def test_replace_is_refused_while_zeimu_holds_data_about_the_residents(alpha, beta):
    # given: 葉山町's residents, one with a 給与支払報告書; 寒川町's residents, no tax data
    _load(alpha.schema, 1)
    _load(beta.schema, 1)
    connection.set_tenant(alpha.municipality)
    person = juminkiroku_public.resident_ids_on(ON)[0]
    KyuyoHokoku.objects.create(
        atena_id=person, shotoku_year=2024, employer_no="1", employer_name="X", shiharai_kingaku=1
    )
    connection.set_schema_to_public()
    # when / then: 葉山町 is refused and keeps everything
    with pytest.raises(CommandError, match="給与支払報告書のデータが住民を参照している"):
        _load(alpha.schema, 2, "--replace")
    connection.set_tenant(alpha.municipality)
    assert juminkiroku_public.person_identity(person) is not None
    assert KyuyoHokoku.objects.count() == 1
    # and 寒川町, whose residents nobody references, may be replaced
    connection.set_schema_to_public()
    _load(beta.schema, 2, "--replace")
    connection.set_tenant(beta.municipality)
    assert juminkiroku_public.population_on(ON) > 0 and KyuyoHokoku.objects.count() == 0
