"""Synthetic residents: realistic shape, valid numbers, deterministic, COPY-loaded,
refused into a town that has residents, and the registry services still work after."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from juminkiroku.codes import (
    AtenaKubun,
    IdoJiyu,
    IdoStatus,
    JuminJotai,
    JuminShubetsu,
    Sex,
    YokushiLevel,
    YokushiProcess,
    Zokugara,
)
from juminkiroku.models import (
    Atena,
    AtenaRireki,
    Chiku,
    Ido,
    JushoJisho,
    Setai,
    ShienSochi,
    Yokushi,
)
from juminkiroku.rules.kana import kana_key, name_key
from juminkiroku.selectors.asof import household_on, population_on, residents_on
from juminkiroku.synth import data
from juminkiroku.synth.generate import town_generator, town_info
from juminkiroku.synth.load import SynthLoadError, residents_load
from juminkiroku.tests.factories import family, household_tennyu
from tenants.accesslog.models import AccessLog
from tenants.atena_bango import is_valid_number
from tenants.checkdigits import is_valid_juminhyo_code, is_valid_kojin_bango
from tenants.db import connection
from tenants.grants.models import Grant
from tenants.models import Municipality

pytestmark = pytest.mark.django_db

ON = date(2025, 10, 1)
POP = 2000
HAYAMA = "神奈川県三浦郡葉山町"
SAMUKAWA = "神奈川県高座郡寒川町"


def age(birth: date, on: date = ON) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


# --- data files ----------------------------------------------------------------------


def test_data_files_are_big_enough():
    assert len(data.surname_list()) >= 300
    assert data.surname_list()[:5] == [
        data.Name("佐藤", "サトウ"),
        data.Name("鈴木", "スズキ"),
        data.Name("高橋", "タカハシ"),
        data.Name("田中", "タナカ"),
        data.Name("伊藤", "イトウ"),
    ]
    for table in (data.given_male(), data.given_female()):
        distinct = {n for w in table.values() for n in w.items}
        assert len(distinct) >= 150
        assert all(w.items for w in table.values())  # every generation has names
    assert data.Name("清", "キヨシ") in data.given_male()["A"].items
    assert data.Name("蓮", "レン") in data.given_male()["E"].items
    assert data.Name("和子", "カズコ") in data.given_female()["A"].items
    assert data.Name("陽葵", "ヒマリ") in data.given_female()["E"].items
    kokuseki = {n.kokuseki for n in data.nationalities().items}
    assert {"中国", "ベトナム", "韓国", "フィリピン", "ブラジル", "ネパール"} <= kokuseki
    statuses = {s for n in data.nationalities().items for s in n.statuses.items}
    assert {"永住者", "技能実習", "留学", "家族滞在", "特別永住者"} <= statuses


def test_generator_alone_is_deterministic_and_town_only_changes_addresses():
    def rows(seed: int, code: str, name: str) -> list[dict[str, str]]:
        town = town_info(dantai_code=code, prefecture="神奈川県", name=name)
        gen = town_generator(population=500, seed=seed, on=ON, town=town)
        return [
            {k: v for k, v in p.items() if not k.startswith("_")}
            for members in gen.stream()
            for p in members
        ]

    first = rows(3, "143014", "葉山町")
    assert first == rows(3, "143014", "葉山町")
    assert first != rows(4, "143014", "葉山町")
    other = rows(3, "143219", "寒川町")
    assert len(other) == len(first)
    assert [p["shimei"] for p in other] == [p["shimei"] for p in first]
    assert other[0]["jusho"].startswith(SAMUKAWA) and first[0]["jusho"].startswith(HAYAMA)


# Digest of a fixed small town (seed 11, 600 residents), taken before the generator was
# split into layers. A change of it means the draws changed: make it deliberate (the
# benchmarks and demo towns change with it) and update the digest in the same commit.
# Changed once on purpose: 続柄 codes to 標準仕様書 1.1.11 (孫 07 → 子の子 0404, 妻の父 16 →
# 0205, 妻の母 17 → 0206); with those three mapped back the old digest is reproduced.
# Taken since over the items that are filled in only (blank new fields do not count); the
# same value comes out of the code before 転出予定's two postal code fields were added.
# Changed with migration 0010_data_fusho_kana_kisai: the 2.1.2 kana fold (the kana_key of
# every row) and the two new フリガナ確認 flags, drawn as "f"; with those three items left
# out, the digests before and after that change are the same.
PINNED_DIGEST = "01bb08451e28805220503f9d22e392bab3df5600b0303e548f50fc624f8d9b45"


def _filled(person: dict) -> list:
    """The items the generator drew: a blank item the model gained later (a new field of
    the 住民票 the generator does not fill) does not change the digest."""
    return sorted((k, v) for k, v in person.items() if v not in ("", None))


def test_generator_output_is_pinned():
    import hashlib

    town = town_info(dantai_code="143014", prefecture="神奈川県", name="葉山町")
    gen = town_generator(population=600, seed=11, on=date(2025, 1, 1), town=town)
    digest = hashlib.sha256()
    for members in gen.stream():
        for p in members:
            digest.update(repr(_filled(p)).encode())
    for p in gen.jutogai_persons():
        digest.update(repr(_filled(p)).encode())
    digest.update(
        repr([(j.jusho_code, j.postal_code, j.name, j.buildings) for j in gen.jisho]).encode()
    )
    digest.update(repr([(s.person_index, s.start, s.end) for s in gen.shien]).encode())
    assert digest.hexdigest() == PINNED_DIGEST


# --- one load, checked in depth ------------------------------------------------------


@pytest.fixture
def loaded(in_alpha):
    result = residents_load(population=POP, seed=7, on=ON)
    return result


def test_counts_and_as_of_population(loaded):
    r = loaded
    assert r.residents == POP
    residents = Atena.objects.filter(kubun=AtenaKubun.JUTOSHA, jotai=JuminJotai.JUMIN)
    assert residents.count() == POP
    assert population_on(ON) == POP
    assert residents_on(ON).count() == POP
    assert Atena.objects.count() == r.residents + r.johyo + r.jutogai
    assert Setai.objects.count() == r.setai
    assert AtenaRireki.objects.count() == r.rireki == POP + 2 * r.johyo
    # About 1% 除票 and a few 住登外, none of them counted.
    assert 10 <= r.johyo <= 30
    assert Atena.objects.exclude(jotai=JuminJotai.JUMIN).filter(kubun="1").count() == r.johyo
    assert r.jutogai >= 1
    # A household is 2.0–2.6 persons on average (国勢調査 2020: 2.21).
    households = residents.values("setai_id").distinct().count()
    assert 2.0 <= POP / households <= 2.6


def test_numbers_are_valid_and_unique(loaded):
    rows = list(Atena.objects.values_list("atena_no", "juminhyo_code", "kojin_bango", "kubun"))
    assert all(is_valid_number(a) for a, _, _, _ in rows)
    assert all(is_valid_number(s) for s in Setai.objects.values_list("setai_no", flat=True))
    jcodes = [j for _, j, _, k in rows if k == AtenaKubun.JUTOSHA]
    assert all(is_valid_juminhyo_code(j) for j in jcodes)
    assert len(set(jcodes)) == len(jcodes)
    kbangos = [b for _, _, b, _ in rows]
    assert all(is_valid_kojin_bango(b) for b in kbangos)
    assert len(set(kbangos)) == len(kbangos)
    assert len({a for a, _, _, _ in rows}) == len(rows)


def test_households_have_exactly_one_head(loaded):
    heads: Counter[int] = Counter()
    members: Counter[int] = Counter()
    for setai_id, zokugara in residents_on(ON).values_list("setai_id", "zokugara"):
        members[setai_id] += 1
        if zokugara == Zokugara.HONNIN:
            heads[setai_id] += 1
    assert members
    assert all(heads[s] == 1 for s in members), [s for s in members if heads[s] != 1][:5]
    # household_on agrees, head first.
    some = next(iter(members))
    household = household_on(some, ON)
    assert household[0].zokugara == Zokugara.HONNIN
    # Kinds of households: one-person, couples, with children, three generations.
    by_setai: dict[int, set[str]] = defaultdict(set)
    for setai_id, zokugara in residents_on(ON).values_list("setai_id", "zokugara"):
        by_setai[setai_id].add(zokugara)
    shapes = Counter(frozenset(z) for z in by_setai.values())
    assert shapes[frozenset({Zokugara.HONNIN})] > 0.25 * len(by_setai)
    assert any(Zokugara.KO + Zokugara.KO in z or Zokugara.HAHA in z for z in by_setai.values())
    assert any(z == {Zokugara.HONNIN, Zokugara.TSUMA, Zokugara.KO} for z in by_setai.values())


def test_age_pyramid_sex_and_foreign_residents(loaded):
    people = list(
        Atena.objects.filter(kubun=AtenaKubun.JUTOSHA, jotai=JuminJotai.JUMIN).values(
            "birth_date", "sex", "shubetsu", "alpha_name", "kokuseki", "zairyu_shikaku",
            "zairyu_kikan_to", "zairyu_card_no", "honseki", "hittosha", "kyuuji",
        )
    )  # fmt: skip
    ages = [age(p["birth_date"]) for p in people]
    share_65 = sum(a >= 65 for a in ages) / len(ages)
    assert 0.24 <= share_65 <= 0.34
    assert sum(70 <= a <= 79 for a in ages) > 1.4 * sum(a <= 9 for a in ages)
    assert max(ages) >= 90 and min(ages) == 0
    male = sum(p["sex"] == Sex.MALE for p in people) / len(people)
    assert 0.45 <= male <= 0.52
    foreign = [p for p in people if p["shubetsu"] == JuminShubetsu.GAIKOKUJIN]
    assert 0.015 <= len(foreign) / len(people) <= 0.04
    for p in foreign:
        assert p["alpha_name"] and p["kokuseki"] and p["zairyu_shikaku"]
        assert len(p["zairyu_card_no"]) == 12
        permanent = p["zairyu_shikaku"] in ("永住者", "特別永住者")
        assert (p["zairyu_kikan_to"] is None) == permanent
        assert not p["honseki"]
    japanese = [p for p in people if p["shubetsu"] == JuminShubetsu.NIHONJIN]
    assert all(p["honseki"] and p["hittosha"] for p in japanese)
    assert any(p["kyuuji"] for p in japanese)


def test_person_fields_addresses_and_search_keys(loaded):
    jisho = {j.jusho_code: j for j in JushoJisho.objects.select_related("chiku")}
    assert 20 <= len(jisho) <= 60
    assert 3 <= Chiku.objects.count() <= 8
    assert all(len(j.postal_code) == 7 and j.postal_code.isdigit() for j in jisho.values())
    atenas = list(Atena.objects.filter(kubun=AtenaKubun.JUTOSHA))
    for a in atenas:
        entry = jisho[a.jusho_code]
        assert a.jusho == HAYAMA + entry.name
        assert a.postal_code == entry.postal_code
        assert entry.chiku is not None and a.chiku_code == entry.chiku.code
        assert a.banchi and ("番地" in a.banchi or a.banchi.endswith("号"))
        assert a.kana_key == kana_key(a.shimei_kana)
        assert a.name_key == name_key(a.shimei)
        assert a.jumin_date is not None and a.birth_date <= a.jumin_date <= ON
        assert a.jutei_date is not None and a.jumin_date <= a.jutei_date
        assert a.tennyu_mae_jusho or a.jumin_date == a.birth_date
    assert any("号室" in a.katagaki for a in atenas)


def test_one_version_per_resident_from_one_ido(loaded):
    ido = Ido.objects.get()
    assert ido.jiyu == IdoJiyu.IKO and ido.status == IdoStatus.HON
    assert ido.ido_date == ON
    assert set(AtenaRireki.objects.values_list("ido_id", flat=True)) == {ido.pk}
    current = AtenaRireki.objects.filter(valid_to__isnull=True)
    assert current.count() == POP + loaded.johyo
    for a in Atena.objects.filter(jotai=JuminJotai.JUMIN)[:200]:
        (v,) = a.rireki.all()
        assert v.valid_from == a.jumin_date and v.valid_to is None and not v.superseded
        assert (v.shimei, v.setai_id, v.kojin_bango) == (a.shimei, a.setai_id, a.kojin_bango)
    assert AccessLog.objects.filter(record_type="ido", record_id=str(ido.pk)).exists()


def test_johyo_and_jutogai(loaded):
    johyo = list(Atena.objects.filter(kubun=AtenaKubun.JUTOSHA).exclude(jotai=JuminJotai.JUMIN))
    assert {a.jotai for a in johyo} == {JuminJotai.TENSHUTSU, JuminJotai.SHIBO}
    for a in johyo:
        first, second = a.rireki.order_by("valid_from")
        assert a.version == 2
        assert first.jotai == JuminJotai.JUMIN and first.valid_to == a.shojo_date
        assert first.closed_by_id == first.ido_id and not first.shojo_jiyu
        assert second.jotai == a.jotai and second.valid_from == a.shojo_date
        assert second.valid_to is None
        assert a.shojo_jiyu == (IdoJiyu.SHIBO if a.jotai == JuminJotai.SHIBO else IdoJiyu.TENSHUTSU)
        assert a.shojo_date is not None and a.shojo_date < ON
        if a.jotai == JuminJotai.TENSHUTSU:
            assert a.tenshutsu_saki_jusho
        # Counted on the day before it ended, not after.
        assert residents_on(a.shojo_date).filter(atena=a).count() == 0
        assert residents_on(first.valid_from).filter(atena=a).count() == 1
    jutogai = Atena.objects.filter(kubun=AtenaKubun.JUTOGAI)
    assert jutogai.count() == loaded.jutogai
    for a in jutogai:
        assert a.jotai == JuminJotai.JUTOGAI and a.setai_id is None
        assert not a.rireki.exists()
        assert not a.jusho.startswith(HAYAMA)


def test_shien_sochi_with_error_locks(loaded):
    shien = list(ShienSochi.objects.all())
    assert len(shien) == loaded.shien >= 1
    for s in shien:
        locks = Yokushi.objects.filter(shien_sochi=s)
        assert {y.process for y in locks} == {YokushiProcess.HAKKO, YokushiProcess.SHOKAI}
        assert {y.level for y in locks} == {YokushiLevel.ERROR}
        assert all(y.atena_id == s.atena_id for y in locks)
        assert s.start_date <= ON < s.end_date
        assert s.atena.jotai == JuminJotai.JUMIN


# --- loading rules -------------------------------------------------------------------


def test_second_load_is_refused_and_writes_nothing(loaded):
    before = (Atena.objects.count(), Setai.objects.count(), Ido.objects.count())
    with pytest.raises(SynthLoadError, match="既に住民記録があります"):
        residents_load(population=100, seed=1, on=ON)
    assert (Atena.objects.count(), Setai.objects.count(), Ido.objects.count()) == before


def test_ido_service_works_after_a_load(loaded):
    loaded_numbers = set(Atena.objects.values_list("atena_no", flat=True))
    loaded_setai = set(Setai.objects.values_list("setai_no", flat=True))
    _, new = household_tennyu("hayama", members=family("新井", "アライ"), ido_date=date(2025, 9, 1))
    assert len(new) == 3
    for a in new:
        assert is_valid_number(a.atena_no) and a.atena_no not in loaded_numbers
        assert int(a.atena_no[:-1]) > loaded.atena
    setai = new[0].setai
    assert setai is not None
    setai_no = setai.setai_no
    assert setai_no not in loaded_setai and int(setai_no[:-1]) > loaded.setai
    assert population_on(ON) == POP + 3


def test_same_seed_two_towns_same_rows_and_other_seed_differs(in_alpha, beta):
    def snapshot() -> list[tuple[object, ...]]:
        fields = [f.attname for f in Atena._meta.concrete_fields]
        skip = {"id", "setai_id", "updated_at"}
        rows = []
        for a in Atena.objects.select_related("setai").order_by("atena_no"):
            values = [getattr(a, f) for f in fields if f not in skip]
            values.append(a.setai.setai_no if a.setai else None)
            rows.append(tuple(values))
        return rows

    def normalise(rows: list[tuple[object, ...]], prefix: str) -> list[tuple[object, ...]]:
        # The town's own name is in 住所 and 本籍; the postal area differs by town.
        return [
            tuple(v.replace(prefix, "<町>") if isinstance(v, str) else v for v in row)
            for row in rows
        ]

    residents_load(population=POP, seed=5, on=ON)
    hayama = snapshot()
    connection.set_tenant(beta.municipality)
    residents_load(population=POP, seed=5, on=ON)
    samukawa = snapshot()
    kept = [f.attname for f in Atena._meta.concrete_fields]
    postal = [f for f in kept if f not in {"id", "setai_id", "updated_at"}].index("postal_code")

    def without_postal_area(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
        return [(*r[:postal], None, *r[postal + 1 :]) for r in rows]

    assert without_postal_area(normalise(hayama, HAYAMA)) == without_postal_area(
        normalise(samukawa, SAMUKAWA)
    )
    # Replaced with the same seed: byte-identical, numbers included.
    residents_load(population=POP, seed=5, on=ON, replace=True)
    assert snapshot() == samukawa
    residents_load(population=POP, seed=6, on=ON, replace=True)
    other = snapshot()
    assert len(other) > POP
    assert [r[:5] for r in other] != [r[:5] for r in samukawa]


def test_replace_keeps_staff_grants_and_only_touches_this_town(in_alpha, beta):
    grants = Grant.objects.count()
    assert grants > 0
    residents_load(population=500, seed=1, on=ON)
    result = residents_load(population=700, seed=2, on=ON, replace=True)
    assert Atena.objects.filter(jotai=JuminJotai.JUMIN).count() == 700 == result.residents
    assert Ido.objects.count() == 1
    assert Grant.objects.count() == grants
    connection.set_tenant(beta.municipality)
    assert Atena.objects.count() == 0 and Setai.objects.count() == 0


def test_two_town_wall(in_alpha, beta):
    residents_load(population=800, seed=3, on=ON)
    assert population_on(ON) == 800
    connection.set_tenant(beta.municipality)
    assert Atena.objects.count() == 0
    assert Setai.objects.count() == 0
    assert JushoJisho.objects.count() == 0
    assert Ido.objects.count() == 0
    assert ShienSochi.objects.count() == 0
    assert population_on(ON) == 0
    assert not AccessLog.objects.filter(username="load_residents").exists()


def test_command_schema_if_empty_and_all_demo(alpha, beta):
    out = StringIO()
    call_command(
        "load_residents",
        "--schema", alpha.schema, "--population", "400", "--seed", "1", "--on", "2025-10-01",
        stdout=out,
    )  # fmt: skip
    assert "住民 400 人" in out.getvalue()
    with pytest.raises(CommandError, match="既に住民記録があります"):
        call_command("load_residents", "--schema", alpha.schema, "--population", "10")
    Municipality.objects.filter(pk__in=[alpha.municipality.pk, beta.municipality.pk]).update(
        population=300
    )
    out = StringIO()
    call_command("load_residents", "--all-demo", "--if-empty", "--on", "2025-10-01", stdout=out)
    text = out.getvalue()
    assert "葉山町（m143014）: 住民記録があるため飛ばします" in text
    assert "寒川町（m143219）: 住民 300 人" in text
    connection.set_tenant(alpha.municipality)
    assert population_on(ON) == 400
    connection.set_tenant(beta.municipality)
    assert population_on(ON) == 300
    seeds = {i.payload["iko"]["seed"] for i in Ido.objects.all()}
    assert seeds == {int(beta.municipality.dantai_code)}
    with pytest.raises(CommandError, match="見つかりません"):
        call_command("load_residents", "--schema", "m999999")


def test_future_date_and_zero_population_are_refused(in_alpha):
    with pytest.raises(SynthLoadError, match="未来"):
        residents_load(population=10, seed=1, on=date(2999, 1, 1))
    with pytest.raises(SynthLoadError, match="1以上"):
        residents_load(population=0, seed=1, on=ON)
    assert Atena.objects.count() == 0


def test_indexes_and_foreign_keys_come_back_exactly(in_alpha):
    def catalogue() -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT tablename, indexname, indexdef FROM pg_indexes "
                "WHERE schemaname = %s AND tablename LIKE 'juminkiroku%%' ORDER BY 1, 2",
                [in_alpha.schema],
            )
            indexes = cur.fetchall()
            cur.execute(
                "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), "
                "c.convalidated, c.condeferrable, c.condeferred "
                "FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
                "WHERE n.nspname = %s ORDER BY 1, 2",
                [in_alpha.schema],
            )
            return indexes, cur.fetchall()

    before = catalogue()
    assert len(before[0]) > 20 and any("fk" in str(c[1]) for c in before[1])
    residents_load(population=300, seed=1, on=ON)
    assert catalogue() == before


def test_a_load_through_the_generating_child_gives_the_same_rows(in_alpha, monkeypatch):
    """From ``FORK_FROM`` residents a child process generates (issue 23): the rows of
    宛名, 住民票 versions and 世帯 are the same as generated in this process."""
    import juminkiroku.synth.load as load

    def rows() -> list[tuple[object, ...]]:
        out: list[tuple[object, ...]] = []
        for model, skip in (
            (Atena, {"updated_at"}),
            (AtenaRireki, {"recorded_at"}),
            (Setai, {"created_at"}),
        ):
            fields = [f.attname for f in model._meta.concrete_fields if f.attname not in skip]
            out += model.objects.order_by("pk").values_list(*fields)
        return out

    # Both with replace: the identities restart, so the ids are the same too.
    result = residents_load(population=POP, seed=5, on=ON, replace=True)
    assert "generate_cpu" not in result.timings
    here = rows()
    monkeypatch.setattr(load, "FORK_FROM", 1)
    result = residents_load(population=POP, seed=5, on=ON, replace=True)
    assert result.timings["generate_cpu"] > 0
    assert rows() == here
    assert (result.johyo, result.shien) == (
        Atena.objects.exclude(shojo_date=None).count(),
        ShienSochi.objects.count(),
    )
