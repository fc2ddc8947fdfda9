"""個人住民税 engine micro-benchmark and differential check, without a database.

``python -m bench.engine`` times, per person, the pure engine
(:func:`zeimu.rules.juminzei.juminzei_compute`), :func:`zeimu.services.common.jsonable` of
the input and the result, and ``json.dumps`` of the 内訳 as the 当初賦課 job writes it.
Target (issue 6): engine + jsonable ≤ 60 µs per person on typical inputs.

``python -m bench.engine --dump PATH`` writes, for a fixed set of random inputs (every
deduction, 非課税 case, 指定都市, 級地 and fiscal years 2024–2026), one line
``json.dumps(jsonable(result), sort_keys=True)`` per input and year: run it before and
after a change to the engine and compare the files byte for byte (``cmp``).

The parameters are read straight from the YAML files (``tenants/params/data/`` and
``zeimu/params/``: the national values), the same rows ``law_parameters_load`` stores.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import json
import math
import pstats
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from zeimu.rules.inputs import (
    Haigusha,
    JuminzeiInput,
    KafuHitorioya,
    SeimeiHokenryo,
    Shinzoku,
    Shogai,
)
from zeimu.rules.juminzei import juminzei_compute
from zeimu.rules.parameters import Parameters, parameters_from_lookup
from zeimu.services.common import jsonable

REPO = Path(__file__).resolve().parent.parent
# The platform's law-parameter files and 税務's own (zeimu/module.py params_dir).
DATA_DIRS = (REPO / "tenants" / "params" / "data", REPO / "zeimu" / "params")
FISCAL_YEARS = (2024, 2025, 2026)
TARGET_MICROSECONDS = 60.0
#: people per chunk, as ``zeimu.jobkinds.ToshoFuka.chunk_rows``
CHUNK = 2000


def yaml_lookup(data_dirs: tuple[Path, ...] = DATA_DIRS) -> Callable[[str, int], Any]:
    """``lookup(key, fiscal_year)`` over the national values in the YAML data files."""
    spans: dict[str, list[tuple[int, int | None, Any]]] = {}
    for path in sorted(p for d in data_dirs for p in d.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for param in doc["parameters"]:
            for v in param["values"]:
                spans.setdefault(param["key"], []).append((v["from"], v.get("to"), v["value"]))

    def lookup(key: str, fiscal_year: int) -> Any:
        for start, end, value in sorted(spans.get(key, []), key=lambda s: -s[0]):
            if start <= fiscal_year and (end is None or fiscal_year <= end):
                return value
        raise LookupError(f"{key} の{fiscal_year}年度の値がありません")

    return lookup


def parameters_by_year() -> dict[int, Parameters]:
    lookup = yaml_lookup()
    return {fy: parameters_from_lookup(fy, lookup) for fy in FISCAL_YEARS}


# --- inputs -------------------------------------------------------------------------


def _pick_shogai(rng: random.Random, *, dokyo: bool) -> Shogai:
    r = rng.random()
    if r < 0.90:
        return Shogai.NASHI
    if r < 0.95:
        return Shogai.FUTSU
    if r < 0.98 or not dokyo:
        return Shogai.TOKUBETSU
    return Shogai.DOKYO_TOKUBETSU


def _income(rng: random.Random) -> int:
    """A relative's or spouse's 合計所得金額, often near the deduction thresholds."""
    r = rng.random()
    if r < 0.5:
        return 0
    if r < 0.8:
        return rng.choice([480_000, 480_001, 580_000, 580_001, 950_000, 1_000_000, 1_330_000])
    if r < 0.95:
        return rng.randrange(0, 1_600_000)
    return rng.randrange(-500_000, 5_000_000)


#: 給与収入 at the edges of 別表第五 and of the 給与所得控除 brackets (both table versions)
_KYUYO_EDGES = (
    *(550_999, 1_619_000, 1_619_999, 1_623_999, 1_627_999, 1_628_000, 1_899_999),
    *(1_900_000, 3_600_000, 6_599_999, 6_600_000, 8_500_000, 8_500_001),
    *(10_000_000, 10_000_001),
)


def random_input(rng: random.Random) -> JuminzeiInput:
    """One person with every field varied, including edges of the tables."""
    age = rng.randrange(15, 100)
    kyuyo = 0
    if rng.random() < 0.7:
        kyuyo = rng.choice(
            [
                rng.randrange(0, 2_000_000),
                rng.randrange(0, 10_000_000),
                int(rng.lognormvariate(15.0, 0.8)),
                rng.choice(_KYUYO_EDGES),
            ]
        )
    nenkin = 0
    if rng.random() < (0.8 if age >= 60 else 0.1):
        nenkin = rng.choice(
            [
                rng.randrange(0, 4_000_000),
                int(rng.lognormvariate(14.2, 0.6)),
                rng.choice([600_000, 1_100_000, 1_300_000, 3_300_000, 4_100_000, 7_700_000]),
            ]
        )
    sonota = 0
    if rng.random() < 0.25:
        sonota = rng.choice(
            [rng.randrange(-3_000_000, 3_000_000), int(rng.lognormvariate(13.5, 1.5))]
        )
    shakai = 0
    if kyuyo or nenkin:
        shakai = (kyuyo * rng.randrange(0, 16)) // 100 + nenkin // rng.choice([8, 10, 12, 1000])
    if rng.random() < 0.1:
        shakai = rng.randrange(0, 2_000_000)
    seimei: SeimeiHokenryo | None = None
    seimei_kojo: int | None = None
    r = rng.random()
    if r < 0.3:

        def paid() -> int:
            return rng.choice([0, 0, rng.randrange(0, 200_000), rng.randrange(0, 20_000)])

        seimei = SeimeiHokenryo(paid(), paid(), paid(), paid(), paid())
    elif r < 0.45:
        seimei_kojo = rng.choice([0, rng.randrange(0, 70_001)])
    haigusha = None
    if rng.random() < 0.4:
        haigusha = Haigusha(
            gokei_shotoku=_income(rng),
            age=rng.randrange(18, 100),
            shogai=_pick_shogai(rng, dokyo=True),
        )
    shinzoku = tuple(
        Shinzoku(
            age=rng.randrange(0, 100),
            gokei_shotoku=_income(rng),
            dokyo_roshin=rng.random() < 0.3,
            shogai=_pick_shogai(rng, dokyo=True),
        )
        for _ in range(rng.choice([0, 0, 0, 1, 1, 2, 3, 5]))
    )
    return JuminzeiInput(
        age=age,
        kyuyo_shunyu=kyuyo,
        nenkin_shunyu=nenkin,
        sonota_shotoku=sonota,
        shakai_hokenryo=shakai,
        shokibo_kyosai=rng.choice([0, 0, 0, 0, rng.randrange(0, 840_001)]),
        seimei_hokenryo=seimei,
        seimei_hoken_kojo=seimei_kojo,
        jishin_hokenryo=rng.choice([0, 0, rng.randrange(0, 100_000)]),
        kyu_choki_songai_hokenryo=rng.choice([0, 0, 0, rng.randrange(0, 30_000)]),
        iryohi_kojo=rng.choice([0, 0, 0, rng.randrange(0, 2_000_000)]),
        haigusha=haigusha,
        shinzoku=shinzoku,
        shogai=_pick_shogai(rng, dokyo=False),
        kafu_hitorioya=rng.choice(
            [KafuHitorioya.NASHI] * 8
            + [KafuHitorioya.KAFU, KafuHitorioya.HITORIOYA_HAHA, KafuHitorioya.HITORIOYA_CHICHI]
        ),
        kinro_gakusei=rng.random() < 0.05,
        kinro_igai_shotoku=rng.choice([0, 0, 100_000, 100_001, rng.randrange(0, 300_000)]),
        miseinen=rng.random() < 0.05,
        seikatsu_fujo=rng.random() < 0.03,
        shitei_toshi=rng.random() < 0.3,
        kyuchi=rng.choice([1, 2, 3]),
    )


def typical_input(rng: random.Random) -> JuminzeiInput:
    """What the 当初賦課 mostly sees: salary only, pension only or both, with 社会保険料,
    sometimes a spouse, children or 生命保険料控除 (mix like bench/fuka.py's town)."""
    kind = rng.random()
    kyuyo = nenkin = 0
    if kind < 0.6:  # salary only
        age = rng.randrange(18, 65)
        kyuyo = int(min(max(rng.lognormvariate(15.0, 0.6), 300_000), 30_000_000))
    elif kind < 0.9:  # pension only
        age = rng.randrange(65, 95)
        nenkin = int(min(max(rng.lognormvariate(14.2, 0.4), 400_000), 6_000_000))
    else:  # both
        age = rng.randrange(60, 75)
        kyuyo = int(min(max(rng.lognormvariate(14.5, 0.6), 300_000), 10_000_000))
        nenkin = int(min(max(rng.lognormvariate(14.2, 0.4), 400_000), 6_000_000))
    with_kojo = rng.random() < 0.3
    return JuminzeiInput(
        age=age,
        kyuyo_shunyu=kyuyo,
        nenkin_shunyu=nenkin,
        shakai_hokenryo=kyuyo * 15 // 100 + nenkin // 10,
        seimei_hoken_kojo=rng.choice([None, 28_000, 56_000, 70_000]) if with_kojo else None,
        haigusha=Haigusha(gokei_shotoku=0, age=age) if with_kojo and rng.random() < 0.5 else None,
        shinzoku=tuple(Shinzoku(age=rng.randrange(0, 22)) for _ in range(rng.choice([0, 1, 2])))
        if with_kojo
        else (),
        miseinen=age < 18,
        kyuchi=1,
    )


# --- dump (differential check) ------------------------------------------------------


def dump(path: Path, count: int, seed: int) -> str:
    params = parameters_by_year()
    rng = random.Random(seed)
    digest = hashlib.sha256()
    lines = 0
    with path.open("w", encoding="utf-8") as out:
        for _ in range(count):
            x = random_input(rng)
            for fy in FISCAL_YEARS:
                line = json.dumps(jsonable(juminzei_compute(x, params[fy])), sort_keys=True)
                out.write(line + "\n")
                digest.update(line.encode() + b"\n")
                lines += 1
    print(f"wrote {lines} lines to {path} (sha256 {digest.hexdigest()})")
    return digest.hexdigest()


# --- timing -------------------------------------------------------------------------


def measure(inputs: list[JuminzeiInput], p: Parameters, repeat: int) -> dict[str, float]:
    """µs per person of each component, best of ``repeat`` passes over ``inputs``.

    Like the 当初賦課 job, the work goes in chunks of :data:`CHUNK` people and only one
    chunk's results are alive at a time (the cyclic GC's cost grows with the live heap:
    holding every result of a 20,000-person pass adds ≈15 µs per person here)."""
    chunks = [inputs[i : i + CHUNK] for i in range(0, len(inputs), CHUNK)]
    best = {"engine": math.inf, "jsonable_result": math.inf, "jsonable_input": math.inf}
    best["json_dumps"] = math.inf
    # CPU time of this process: the machine is shared, and other processes' load would
    # otherwise show up as engine time.
    clock = time.process_time
    for _ in range(repeat):
        spent = dict.fromkeys(best, 0.0)
        for chunk in chunks:
            gc.collect()
            t0 = clock()
            results = [juminzei_compute(x, p) for x in chunk]
            t1 = clock()
            js_results = [jsonable(r) for r in results]
            t2 = clock()
            js_inputs = [jsonable(x) for x in chunk]
            t3 = clock()
            for x, r in zip(js_inputs, js_results, strict=True):
                json.dumps({"input": x, "result": r}, ensure_ascii=False)
            t4 = clock()
            spent["engine"] += t1 - t0
            spent["jsonable_result"] += t2 - t1
            spent["jsonable_input"] += t3 - t2
            spent["json_dumps"] += t4 - t3
            del results, js_results, js_inputs
        best = {k: min(best[k], spent[k]) for k in best}
    us = {k: v * 1e6 / len(inputs) for k, v in best.items()}
    jsonable_us = us["jsonable_result"] + us["jsonable_input"]
    us["engine_plus_jsonable"] = us["engine"] + jsonable_us
    us["total"] = us["engine_plus_jsonable"] + us["json_dumps"]
    return us


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.engine", description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument("--dump", type=Path, help="write the differential-check lines here")
    parser.add_argument("--count", type=int, default=20_000, help="random inputs for --dump")
    parser.add_argument("--seed", type=int, default=20250601)
    parser.add_argument("--people", type=int, default=20_000, help="inputs per timing pass")
    parser.add_argument("--repeat", type=int, default=5, help="timing passes (best is kept)")
    parser.add_argument("--fiscal-year", type=int, default=2025)
    parser.add_argument("--profile", action="store_true", help="cProfile the engine + jsonable")
    args = parser.parse_args(argv)

    if args.dump:
        dump(args.dump, args.count, args.seed)
        return 0

    p = parameters_by_year()[args.fiscal_year]
    rng = random.Random(args.seed)
    typical = [typical_input(rng) for _ in range(args.people)]
    broad = [random_input(rng) for _ in range(args.people)]
    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        for x in typical:
            jsonable(juminzei_compute(x, p))
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
        return 0
    rows = {"typical": measure(typical, p, args.repeat), "broad": measure(broad, p, args.repeat)}
    print(f"CPU µs per person, best of {args.repeat} passes over {args.people} inputs")
    names = list(rows["typical"])
    print(f"{'':<22}" + "".join(f"{k:>10}" for k in rows))
    for name in names:
        print(f"{name:<22}" + "".join(f"{rows[k][name]:>10.1f}" for k in rows))
    ok = rows["typical"]["engine_plus_jsonable"] <= TARGET_MICROSECONDS
    print(
        f"target engine + jsonable ≤ {TARGET_MICROSECONDS:.0f} µs (typical): "
        f"{'met' if ok else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
