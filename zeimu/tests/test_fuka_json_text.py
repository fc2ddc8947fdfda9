"""The 当初賦課 writes each person's 内訳 with ``tenants.fields.json_text`` straight from
the calculation's dataclasses (orjson, issue 23). It must be the JSON the screens, the API
and the 更正 always had: ``jsonable`` then ``json.dumps``. Checked on generated inputs
across the whole range of the law (every 控除, 配偶者・扶養, 障害, ひとり親, 年金, 非課税)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tenants.fields import json_text
from tenants.params.services import param_value
from zeimu.rules.choshu import ChoshuCalendar, choshu_bunkatsu
from zeimu.rules.inputs import (
    Haigusha,
    JuminzeiInput,
    KafuHitorioya,
    SeimeiHokenryo,
    Shinzoku,
    Shogai,
)
from zeimu.rules.juminzei import juminzei_compute
from zeimu.rules.naiyaku import naiyaku_expand, naiyaku_text
from zeimu.services.common import jsonable

pytestmark = pytest.mark.django_db

yen = st.integers(min_value=0, max_value=30_000_000)
shogai = st.sampled_from([Shogai.NASHI, Shogai.FUTSU, Shogai.TOKUBETSU])
inputs = st.builds(
    JuminzeiInput,
    age=st.integers(min_value=16, max_value=99),
    kyuyo_shunyu=yen,
    nenkin_shunyu=st.integers(min_value=0, max_value=5_000_000),
    sonota_shotoku=st.integers(min_value=-1_000_000, max_value=10_000_000),
    shakai_hokenryo=st.integers(min_value=0, max_value=2_000_000),
    shokibo_kyosai=st.integers(min_value=0, max_value=840_000),
    seimei_hokenryo=st.none()
    | st.builds(SeimeiHokenryo, ippan_shin=yen, ippan_kyu=yen, kaigo_iryo=yen),
    jishin_hokenryo=st.integers(min_value=0, max_value=100_000),
    iryohi_kojo=st.integers(min_value=0, max_value=2_000_000),
    haigusha=st.none()
    | st.builds(Haigusha, gokei_shotoku=st.integers(0, 2_000_000), age=st.integers(20, 90)),
    shinzoku=st.lists(
        st.builds(
            Shinzoku,
            age=st.integers(0, 95),
            gokei_shotoku=st.integers(0, 600_000),
            dokyo_roshin=st.booleans(),
            shogai=shogai,
        ),
        max_size=4,
    ).map(tuple),
    shogai=shogai,
    kafu_hitorioya=st.sampled_from(list(KafuHitorioya)),
    kinro_gakusei=st.booleans(),
    miseinen=st.booleans(),
    seikatsu_fujo=st.booleans(),
    kyuchi=st.sampled_from([1, 2, 3]),
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(data=inputs, kyuyo_tokucho=st.booleans(), futsu_kibo=st.booleans())
def test_the_explanation_is_the_json_jsonable_gives(
    params, in_alpha, data: JuminzeiInput, kyuyo_tokucho: bool, futsu_kibo: bool
) -> None:
    try:
        r = juminzei_compute(data, params(2025))
    except ValueError:  # an input the law refuses: no 内訳
        return
    b = choshu_bunkatsu(
        shotokuwari=r.shotokuwari_shichoson + r.shotokuwari_dofuken,
        kintowari=r.kintowari_shichoson + r.kintowari_dofuken + r.shinrin_kankyozei,
        kyuyo_shotoku=r.kyuyo_shotoku_after_chosei, nenkin_shotoku=r.nenkin.shotoku,
        sonota_shotoku=r.sonota_shotoku, kyuyo_tokucho=kyuyo_tokucho,
        nenkin_tokucho=data.age >= 65 and data.nenkin_shunyu > 0, futsu_kibo=futsu_kibo,
        nenkin_prev=None, calendar=ChoshuCalendar.build(2025, param_value),
    )  # fmt: skip
    old = json.dumps(
        {"input": jsonable(data), "result": jsonable(r), "choshu": jsonable(b)},
        ensure_ascii=False,
    )
    new = json_text({"input": data, "result": r, "choshu": b})
    assert json.loads(new) == json.loads(old)
    # the same keys in the same order, all the way down (the screens list some in order)
    assert json.loads(new, object_pairs_hook=list) == json.loads(old, object_pairs_hook=list)
    # the compact form the 当初賦課 stores (no field names) expands to that same JSON, key
    # order included, and is much smaller
    compact = naiyaku_text(data, r, b)
    expanded = naiyaku_expand(json.loads(compact))
    assert json.dumps(expanded, ensure_ascii=False) == old
    assert len(compact.encode()) < 0.65 * len(old.encode())
    # the object form (rows written before, a 更正) reads as it is
    assert naiyaku_expand(json.loads(old)) == json.loads(old)
