"""Demo 障害者手帳 and 心身障害者医療 受給者: about 55 per 1,000 residents hold a 手帳, 身体 most,
then 精神 and 療育 (厚生労働省「令和4年生活のしづらさなどに関する調査」: 身体 4,159千・療育
1,140千・精神 1,203千), each with its 交付 history; the 受給者証 only for holders meeting the
demo criteria; loaded once, in its own town only."""

from __future__ import annotations

import io
from datetime import date

import pytest

from fukushi.demo_shogai import load
from fukushi.models import ShinshinJukyusha, ShogaiTecho, ShogaiTechoRireki, TechoKind
from juminkiroku.tests.factories import household_tennyu, person_fields
from tenants.age import age_on
from tenants.db import connection

pytestmark = pytest.mark.django_db

AGES = (78, 52, 47, 21, 9)


def test_demo_share_mix_history_and_jukyusha_once_in_its_own_town(alpha, beta):
    connection.set_tenant(alpha.municipality)
    today = date.today()
    for h in range(40):
        household_tennyu(
            "hayama",
            members=[
                person_fields(
                    shimei=f"障害{h:02d}　{chr(0x4E00 + i)}",
                    shimei_kana=f"シヨウガイ　{chr(0x30A2 + 2 * i)}",
                    birth_date=date(today.year - age, 1 + (h % 12), 10).isoformat(),
                    setai_order=i + 1,
                    **({} if i == 0 else {"zokugara": "04"}),
                )
                for i, age in enumerate(AGES)
            ],
        )
    out = io.StringIO()
    load(out)
    techos = list(ShogaiTecho.objects.all())
    assert len(techos) == 200 * 55 // 1000  # 11 of 200 residents
    n = {k: sum(1 for t in techos if t.kind == k) for k in TechoKind}
    assert n[TechoKind.SHINTAI] > n[TechoKind.SEISHIN] >= n[TechoKind.RYOIKU] >= 1
    assert len({t.atena_id for t in techos}) == len(techos)
    assert ShogaiTechoRireki.objects.filter(kind="kofu").count() == len(techos)
    assert all(t.yuko_kigen and t.yuko_kigen >= today for t in techos if t.kind == "seishin")
    assert "障害者手帳 11件" in out.getvalue()
    # the 受給者証: the demo criteria (身体 1・2級, 療育 A1・A2, 精神 1級, new from 65 refused)
    from juminkiroku.public import person_identities

    births = {i: p.birth_date for i, p in person_identities(t.atena_id for t in techos).items()}
    kaishi = date(today.year if today.month >= 8 else today.year - 1, 8, 1)
    expected = {
        t.atena_id
        for t in techos
        if t.kofu_date <= kaishi
        and age_on(births[t.atena_id], kaishi) < 65
        and (
            (t.kind == "shintai" and int(t.tokyu) <= 2)
            or (t.kind == "ryoiku" and t.tokyu in ("A1", "A2"))
            or (t.kind == "seishin" and t.tokyu == "1")
        )
    }
    assert expected  # the demo towns must show some 受給者
    got = set(ShinshinJukyusha.objects.values_list("atena_id", flat=True))
    assert got == expected
    assert f"心身障害者医療 受給者 {len(expected)}人" in out.getvalue()
    load(io.StringIO())  # a town that has its data is left alone
    assert ShogaiTecho.objects.count() == len(techos)
    connection.set_tenant(beta.municipality)
    assert not ShogaiTecho.objects.exists() and not ShinshinJukyusha.objects.exists()
