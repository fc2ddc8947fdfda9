"""Consistency tests for tenants/data/*.json (no Django, no database)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tenants.checkdigits import is_valid_dantai_code

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

ALLOWED_CATEGORIES = [
    "共通",
    "住民情報",
    "税",
    "保険医療・福祉",
    "教育",
    "環境・衛生",
    "農業",
    "公営住宅",
    "公営企業",
    "内部事務",
]
ALLOWED_APPS = {"juminkiroku", "zeimu", "kokuho", "kaigo", "fukushi", None}
REQUIRED_KEYS = {
    "code",
    "name",
    "category",
    "app",
    "implemented",
    "sources",
    "kanagawa_common",
    "chukan_layout_no",
    "sort",
}
OPTIONAL_KEYS = {"note", "abolished"}

# seed 004 「※17業務の内訳」 → catalogue code
KANAGAWA_17 = {
    "住民記録": "juminkiroku",
    "印鑑登録": "inkan_toroku",
    "外国人登録": "gaikokujin_toroku",
    "選挙": "senkyo",
    "住民税": "kojin_juminzei",
    "法人住民税": "hojin_juminzei",
    "固定資産税": "kotei_shisanzei",
    "軽自動車": "kei_jidoshazei",
    "国保資格": "kokuho_shikaku",
    "国保賦課": "kokuho_fuka",
    "国民年金": "kokumin_nenkin",
    "宛名･住登外管理": "atena_kanri",
    "収納管理": "shuno_kanri",
    "滞納管理": "taino_kanri",
    "後期高齢者医療": "koki_koreisha_iryo",
    "介護保険": "kaigo_hoken",
    "住基ネット": "jukinet_renkei",
}

# seed 000 Q8 中間標準レイアウト 22業務 → catalogue code
CHUKAN_LAYOUT = {
    1: "juminkiroku",  # 住民基本台帳
    2: "inkan_toroku",  # 印鑑登録
    3: "atena_kanri",  # 住登外管理
    4: "koseki",  # 戸籍
    5: "gakureibo",  # 就学
    6: "senkyo",  # 選挙人名簿管理
    7: "kotei_shisanzei",  # 固定資産税
    8: "kojin_juminzei",  # 個人住民税
    9: "hojin_juminzei",  # 法人住民税
    10: "kei_jidoshazei",  # 軽自動車税
    11: "shuno_kanri",  # 収滞納管理
    12: "kokuho_shikaku",  # 国民健康保険
    13: "kokumin_nenkin",  # 国民年金
    14: "kaigo_hoken",  # 介護保険
    15: "koki_koreisha_iryo",  # 後期高齢者医療
    16: "kenko_kanri",  # 健康管理
    17: "jido_teate",  # 子ども手当
    18: "seikatsu_hogo",  # 生活保護
    19: "shogaisha_fukushi",  # 障害者福祉
    20: "zaimu_kaikei",  # 財務会計
    21: "jinji_kyuyo",  # 人事給与
    22: "bunsho_kanri",  # 文書管理
}

# 地方公共団体情報システムの標準化に関する法律（令和3年法律第40号）の20業務 → catalogue code
HYOJUNKA_20 = {
    "住民基本台帳": "juminkiroku",
    "戸籍": "koseki",
    "戸籍の附票": "koseki_fuhyo",
    "印鑑登録": "inkan_toroku",
    "選挙人名簿管理": "senkyo",
    "固定資産税": "kotei_shisanzei",
    "個人住民税": "kojin_juminzei",
    "法人住民税": "hojin_juminzei",
    "軽自動車税": "kei_jidoshazei",
    "国民健康保険": "kokuho_shikaku",
    "国民年金": "kokumin_nenkin",
    "障害者福祉": "shogaisha_fukushi",
    "後期高齢者医療": "koki_koreisha_iryo",
    "介護保険": "kaigo_hoken",
    "生活保護": "seikatsu_hogo",
    "健康管理": "kenko_kanri",
    "児童扶養手当": "jido_fuyo_teate",
    "子ども・子育て支援": "kodomo_kosodate",
    "就学": "gakureibo",
    "児童手当": "jido_teate",
}

# seed 004 西多摩 「共同化対象は１９業務」 → catalogue codes
NISHITAMA_19: dict[str, tuple[str, ...]] = {
    "共通（基盤・認証）": ("kyotsu_kiban",),
    "住民記録": ("juminkiroku",),
    "印鑑登録": ("inkan_toroku",),
    "期日前投票": ("kijitsumae_tohyo",),
    "当日投票": ("tojitsu_tohyo",),
    "学齢簿・就学支援": ("gakureibo",),
    "国保（資格・給付）": ("kokuho_shikaku", "kokuho_kyufu"),
    "固定資産税": ("kotei_shisanzei",),
    "国民年金": ("kokumin_nenkin",),
    "住民税": ("kojin_juminzei",),
    "法人住民税": ("hojin_juminzei",),
    "申告支援": ("shinkoku_shien",),
    "軽自動車税": ("kei_jidoshazei",),
    "収納管理": ("shuno_kanri",),
    "滞納管理": ("taino_kanri",),
    "宛名管理": ("atena_kanri",),
    "口座管理": ("koza_kanri",),
    "選挙": ("senkyo",),
    "国保（税・賦課）": ("kokuho_fuka",),
}

DEMO_SUBDOMAINS = {
    "葉山町": "hayama",
    "寒川町": "samukawa",
    "大磯町": "oiso",
    "二宮町": "ninomiya",
    "中井町": "nakai",
    "大井町": "oi",
    "松田町": "matsuda",
    "山北町": "yamakita",
    "開成町": "kaisei",
    "箱根町": "hakone",
    "真鶴町": "manazuru",
    "湯河原町": "yugawara",
    "愛川町": "aikawa",
    "清川村": "kiyokawa",
}


# Modules whose screens ship (issue 4: 住民記録). Extend when a module is built.
IMPLEMENTED = {
    "juminkiroku",
    "atena_kanri",
    "inkan_toroku",
    "jukinet_renkei",
    "senkyo",
    "gakureibo",
    "kojin_juminzei",
    "kotei_shisanzei",
    "kokuho_shikaku",
    "kaigo_hoken",
    "koki_koreisha_iryo",  # the town's part (issue 15 item 5)
    "kokumin_nenkin",  # the town's part (issue 15 item 6)
    "kokuho_kyufu",
    "kokuho_fuka",
    "shuno_kanri",  # the ledger, 窓口収納, 口座振替結果, 延滞金 (issue 18, in part)
    "kei_jidoshazei",  # 種別割 (issue 17 item 5)
    "hojin_juminzei",  # 均等割・法人税割, 申告 (issue 17 item 6)
    "jigyoshozei",  # 資産割・従業者割, where levied (issue 17 item 7)
    # 福祉・子ども (issue 20) and 生活保護 (issue 21)
    "jido_teate",
    "jido_fuyo_teate",
    "kodomo_kosodate",
    "hoikuryo",
    "nyuyoji_iryo",
    "hitorioya_iryo",
    "seikatsu_hogo",
    "shogaisha_fukushi",  # 障害者手帳 (issue 21 item 1, in part)
    "shinshin_shogaisha_iryo",  # 受給者証 from the 手帳 facts (issue 21 item 2, in part)
    "kenko_kanri",  # 健康管理（予防接種, issue 21 item 4）
}


def _load(name: str) -> dict[str, Any]:
    with (DATA_DIR / name).open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


@pytest.fixture(scope="module")
def catalogue() -> dict[str, Any]:
    return _load("gyomu_catalogue.json")


@pytest.fixture(scope="module")
def modules(catalogue: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["code"]: m for m in catalogue["modules"]}


@pytest.fixture(scope="module")
def demo() -> dict[str, Any]:
    return _load("kanagawa_demo.json")


# --- catalogue ----------------------------------------------------------------


def test_catalogue_header(catalogue: dict[str, Any]) -> None:
    # given the catalogue file
    # when / then it has the expected top-level shape
    assert catalogue["version"] == 1
    assert set(catalogue) == {"version", "sources", "modules"}
    assert all(isinstance(v, str) and v for v in catalogue["sources"].values())


def test_catalogue_has_at_least_46_unique_modules(catalogue: dict[str, Any]) -> None:
    # given the module list
    codes = [m["code"] for m in catalogue["modules"]]
    names = [m["name"] for m in catalogue["modules"]]
    # when / then there are ≥ 46 modules with unique codes and names
    assert len(codes) >= 46
    assert len(set(codes)) == len(codes)
    assert len(set(names)) == len(names)


def test_module_fields(catalogue: dict[str, Any]) -> None:
    # given every module
    for m in catalogue["modules"]:
        # when its keys and values are inspected
        keys = set(m)
        # then required keys are present, only known optional keys are added,
        # and values have the allowed types and vocabularies
        assert keys >= REQUIRED_KEYS, m["code"]
        assert keys - REQUIRED_KEYS <= OPTIONAL_KEYS, m["code"]
        assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", m["code"]), m["code"]
        assert m["category"] in ALLOWED_CATEGORIES, m["code"]
        assert m["app"] in ALLOWED_APPS, m["code"]
        # implemented only where the app that builds it is installed and ships it
        assert isinstance(m["implemented"], bool), m["code"]
        if m["implemented"]:
            assert m["code"] in IMPLEMENTED, m["code"]
        assert isinstance(m["kanagawa_common"], bool), m["code"]
        assert m["chukan_layout_no"] is None or 1 <= m["chukan_layout_no"] <= 22, m["code"]
        assert isinstance(m["sort"], int), m["code"]
        assert m["sources"], m["code"]
        assert set(m["sources"]) <= set(catalogue["sources"]), m["code"]
        assert len(set(m["sources"])) == len(m["sources"]), m["code"]
        if "note" in m:
            assert isinstance(m["note"], str) and m["note"], m["code"]
        # and the values fit the Gyomu model columns (code 40, name 50, note 200)
        assert len(m["code"]) <= 40, m["code"]
        assert len(m["name"]) <= 50, m["code"]
        assert len(m.get("note", "")) <= 200, m["code"]


def test_modules_are_ordered_by_category_then_sort(catalogue: dict[str, Any]) -> None:
    # given the module list in file order
    mods = catalogue["modules"]
    # when the category index and sort keys are read
    keys = [(ALLOWED_CATEGORIES.index(m["category"]), m["sort"]) for m in mods]
    sorts = [m["sort"] for m in mods]
    # then the file is ordered by category and sort values strictly increase
    assert keys == sorted(keys)
    assert sorts == sorted(sorts)
    assert len(set(sorts)) == len(sorts)


def test_exactly_17_kanagawa_common(modules: dict[str, dict[str, Any]]) -> None:
    # given the catalogue
    # when the kanagawa_common flags are collected
    common = {code for code, m in modules.items() if m["kanagawa_common"]}
    # then they are exactly the 17 業務 of seed 004
    assert len(common) == 17
    assert common == set(KANAGAWA_17.values())
    for code in common:
        assert "seed004_kanagawa17" in modules[code]["sources"], code


def test_all_22_layout_numbers_present_once(modules: dict[str, dict[str, Any]]) -> None:
    # given the catalogue
    # when the 中間標準レイアウト numbers are collected
    numbers = [m["chukan_layout_no"] for m in modules.values() if m["chukan_layout_no"]]
    by_number = {m["chukan_layout_no"]: code for code, m in modules.items()}
    # then 1..22 appear exactly once each, on the expected modules
    assert sorted(numbers) == list(range(1, 23))
    for number, code in CHUKAN_LAYOUT.items():
        assert by_number[number] == code
        assert "seed000_chukan_layout" in modules[code]["sources"], code


def test_every_hyojunka20_item_present(modules: dict[str, dict[str, Any]]) -> None:
    # given the 20 標準化対象業務
    assert len(HYOJUNKA_20) == 20
    for item, code in HYOJUNKA_20.items():
        # when the mapped module is looked up
        m = modules[code]
        # then it exists and cites hyojunka20
        assert "hyojunka20" in m["sources"], item


def test_hyojunka20_source_cites_law_number(catalogue: dict[str, Any]) -> None:
    # given the hyojunka20 citation
    text = catalogue["sources"]["hyojunka20"]
    # when / then it names the law, its number, and each of the 20 業務
    assert "地方公共団体情報システムの標準化に関する法律" in text
    assert "令和3年法律第40号" in text
    for item in HYOJUNKA_20:
        assert item in text, item


def test_nishitama_19_items_present(modules: dict[str, dict[str, Any]]) -> None:
    # given the 19 西多摩 業務
    assert len(NISHITAMA_19) == 19
    for item, codes in NISHITAMA_19.items():
        for code in codes:
            # when / then each mapped module cites the 西多摩 list
            assert "seed004_nishitama19" in modules[code]["sources"], item


def test_kokuho_is_split_into_three_modules(modules: dict[str, dict[str, Any]]) -> None:
    # given the 国保 modules
    # when / then 資格, 賦課 and 給付 are separate and implemented by the kokuho app
    for code in ("kokuho_shikaku", "kokuho_fuka", "kokuho_kyufu"):
        assert modules[code]["app"] == "kokuho"
    assert modules["kokuho_shikaku"]["kanagawa_common"] is True
    assert modules["kokuho_fuka"]["kanagawa_common"] is True
    assert modules["kokuho_kyufu"]["kanagawa_common"] is False


def test_gaikokujin_toroku_is_marked_abolished(modules: dict[str, dict[str, Any]]) -> None:
    # given the 外国人登録 module
    m = modules["gaikokujin_toroku"]
    # when / then it carries the abolition date and a note, and is the only abolished one
    assert m["abolished"] == "2012-07-09"
    assert date.fromisoformat(m["abolished"]) == date(2012, 7, 9)
    assert "廃止" in m["note"]
    assert [c for c, x in modules.items() if "abolished" in x] == ["gaikokujin_toroku"]


@pytest.mark.parametrize(
    ("code", "app"),
    [
        ("koseki", None),
        ("zaimu_kaikei", None),
        ("jinji_kyuyo", None),
        ("bunsho_kanri", None),
        ("chiken_kanri", None),
        ("noka_daicho", None),
        ("koei_jutaku_kanri", None),
        ("gesuido_juekisha_futan", None),
        ("kyushoku_kanri", None),
        ("juminkiroku", "juminkiroku"),
        ("kojin_juminzei", "zeimu"),
        ("kaigo_hoken", "kaigo"),
        ("seikatsu_hogo", "fukushi"),
    ],
)
def test_app_assignment(modules: dict[str, dict[str, Any]], code: str, app: str | None) -> None:
    # given a module
    # when / then it is assigned to the expected app (None = no core app)
    assert modules[code]["app"] == app


@pytest.mark.parametrize(
    "code",
    [
        "jukinet_renkei",
        "gakureibo",
        "shuno_kanri",
        "taino_kanri",
        "koza_kanri",
        "jigyoshozei",
        "kokuho_kyufu",
        "kaigo_hoken",
        "shogaisha_fukushi",
        "seikatsu_hogo",
        "hoikuryo",
        "nyuyoji_iryo",
        "hitorioya_iryo",
        "shinshin_shogaisha_iryo",
        "kenko_kanri",
        "sogo_madoguchi",
        "kijitsumae_tohyo",
        "tojitsu_tohyo",
        "shinkoku_shien",
        "yochien_hoikuryo",
        "jutaku_shiyoryo",
        "insatsu_hasso",
    ],
)
def test_design_modules_present(modules: dict[str, dict[str, Any]], code: str) -> None:
    # given a module named by the design
    # when / then it is in the catalogue
    assert code in modules


# --- kanagawa demo ----------------------------------------------------------------


def test_demo_consortium(demo: dict[str, Any]) -> None:
    # given the demo file
    consortium = demo["consortium"]
    # when / then the consortium is the 一部事務組合 with its 14 members
    assert consortium["name"] == "神奈川県町村情報システム共同事業組合"
    assert consortium["kind"] == "一部事務組合"
    assert len(demo["members"]) == 14
    assert "デモ用" in demo["note"]
    assert set(consortium["sources"]) <= set(demo["sources"])


def test_demo_members_identity(demo: dict[str, Any]) -> None:
    # given the 14 members
    members = demo["members"]
    # when / then names, subdomains and codes are the expected, unique, valid values
    assert {m["name"]: m["subdomain"] for m in members} == DEMO_SUBDOMAINS
    codes = [m["dantai_code"] for m in members]
    assert len(set(codes)) == 14
    for m in members:
        assert is_valid_dantai_code(m["dantai_code"]), m["name"]
        assert m["dantai_code"].startswith("14"), m["name"]  # 神奈川県 = 14
        assert m["prefecture"] == "神奈川県"
        assert re.fullmatch(r"[ぁ-ゖー]+(まち|むら)", m["kana"]), m["name"]
        assert re.fullmatch(r"[a-z][a-z0-9-]*", m["subdomain"]), m["name"]
        assert m["mayor_title"] == ("村長" if m["name"].endswith("村") else "町長")


def test_demo_populations_match_seed003(demo: dict[str, Any]) -> None:
    # given the member populations
    members = {m["name"]: m for m in demo["members"]}
    # when they are summed
    total = sum(m["population"] for m in members.values())
    # then they reproduce seed 003 exactly (町村計 304,003) with no invented date
    assert total == 304_003
    assert members["葉山町"]["population"] == 32_823
    assert members["清川村"]["population"] == 3_423
    for m in members.values():
        assert m["population_date"] is None
        # shown on the portal's member page: the document by its title, not a seed file
        assert "自治体クラウドの取組事例について" in m["population_source"]
        assert not re.search(r"seed|\.txt|[0-9a-f]{16}", m["population_source"])
        assert len(m["population_source"]) <= 200


@pytest.mark.parametrize(
    ("name", "go_live", "planned"),
    [
        ("葉山町", "2011-10", False),
        ("寒川町", "2016-04", True),
        ("松田町", "2012-02", False),
        ("箱根町", "2014-04", True),
        ("真鶴町", "2011-12", False),
        ("清川村", "2011-11", False),
    ],
)
def test_demo_go_live(demo: dict[str, Any], name: str, go_live: str, planned: bool) -> None:
    # given a member
    member = next(m for m in demo["members"] if m["name"] == name)
    # when / then its go-live month matches the seed 000 table
    assert member["go_live"] == go_live
    assert member["go_live_planned"] is planned


def test_every_demo_member_subscribes_to_all_common_modules(
    demo: dict[str, Any], modules: dict[str, dict[str, Any]]
) -> None:
    # given the 17 common modules
    common = {code for code, m in modules.items() if m["kanagawa_common"]}
    for member in demo["members"]:
        # when a member's subscriptions are read
        subscribed = member["modules"]
        # then they are known, unique, include all 17 common modules
        assert set(subscribed) <= set(modules), member["name"]
        assert len(set(subscribed)) == len(subscribed), member["name"]
        assert common <= set(subscribed), member["name"]


def test_demo_excludes_modules_towns_do_not_run(demo: dict[str, Any]) -> None:
    # given the demo subscriptions
    subscribed = {code for m in demo["members"] for code in m["modules"]}
    # when / then no 町村 subscribes to 事業所税, 生活保護, 児童扶養手当 or 戸籍
    assert subscribed.isdisjoint({"jigyoshozei", "seikatsu_hogo", "jido_fuyo_teate", "koseki"})


def test_demo_naibu_jimu_users_match_seed000_q3(demo: dict[str, Any]) -> None:
    # given seed 000 Q3 表 5-2: 神奈川県町村会(内部事務) 10町1村
    users = [m["name"] for m in demo["members"] if "zaimu_kaikei" in m["modules"]]
    # when / then the demo has 11 内部事務 users, one of them a 村
    assert len(users) == 11
    assert sum(name.endswith("村") for name in users) == 1
