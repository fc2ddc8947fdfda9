"""Demo 特別障害者手当・障害児福祉手当・特別児童扶養手当 (shares ours, see
fukushi/demo_shogai_teate.py): cases only for holders of the heaviest 手帳 (特別障害者手当 /
障害児福祉手当, one in two) and for children with 身体1〜3級・療育A1〜B1 (特別児童扶養手当,
claimed by the 世帯主), each through the services (請求 then 認定); loaded once; its own town
only."""

from __future__ import annotations

import io
from datetime import date

import pytest

from fukushi.demo_shogai_teate import load
from fukushi.models import ShogaiTeate, ShogaiTeateJotai, TechoKind
from fukushi.services.shogai import TechoInput, techo_kofu
from juminkiroku.tests.factories import household_tennyu, person_fields
from tenants.accesslog.services import Actor
from tenants.db import connection

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="test-teate-demo")


def _techo(atena_id: int, kind: str, tokyu: str) -> None:
    techo_kofu(
        TechoInput(
            atena_id=atena_id, kind=kind, techo_bango=f"D{atena_id}", tokyu=tokyu,
            kofu_date=date(2024, 4, 1), bui=("kashi",) if kind == TechoKind.SHINTAI else (),
        ),
        actor=ACTOR,
    )  # fmt: skip


def test_demo_cases_for_qualifying_holders_once_in_its_own_town(alpha, beta):
    connection.set_tenant(alpha.municipality)
    heavy: list[int] = []
    for i in range(8):
        _, (a,) = household_tennyu(
            "hayama",
            members=[
                person_fields(
                    shimei=f"重度{i}　太郎",
                    shimei_kana=f"ジユウド{chr(0x30A2 + 2 * i)}　タロウ",
                    birth_date=f"19{60 + i}-03-0{1 + i % 9}",
                )
            ],
        )
        _techo(a.pk, TechoKind.SHINTAI, "1")
        heavy.append(a.pk)
    _, (light,) = household_tennyu(
        "hayama", members=[person_fields(shimei="軽度　花子", shimei_kana="ケイド　ハナコ")]
    )
    _techo(light.pk, TechoKind.SHINTAI, "4")
    _, (head, child) = household_tennyu(
        "hayama",
        members=[
            person_fields(shimei="親　一", shimei_kana="オヤ　ハジメ"),
            person_fields(shimei="親　子", shimei_kana="オヤ　コ", birth_date="2015-06-01",
                          zokugara="04", setai_order=2),
        ],
    )  # fmt: skip
    _techo(child.pk, TechoKind.RYOIKU, "B1")
    out = io.StringIO()
    load(out)
    cases = list(ShogaiTeate.objects.all())
    assert all(c.jotai == ShogaiTeateJotai.NINTEI for c in cases)
    tokusho = {c.atena_id for c in cases if c.teate == "tokubetsu_shogaisha"}
    assert tokusho <= set(heavy) and 0 < len(tokusho) < len(heavy)  # one in two, by hash
    (tj,) = [c for c in cases if c.teate == "tokubetsu_jido_fuyo"]
    assert (tj.atena_id, tj.taisho_atena_id, tj.kyu) == (head.pk, child.pk, "2")
    assert light.pk not in {c.atena_id for c in cases}
    assert all(c.rireki.count() == 2 for c in cases)  # 請求 and 認定, through the services
    assert f"障害者・障害児の手当 {len(cases)}件" in out.getvalue()
    load(io.StringIO())
    assert ShogaiTeate.objects.count() == len(cases)
    connection.set_tenant(beta.municipality)
    assert not ShogaiTeate.objects.exists()
    connection.set_schema_to_public()
