"""A truncating pool in a stored run: the shortfall is kept by the consortium and shown
on the run screen and on each member's statement PDF; the settings go through the
editor. Cited rule: 新潟県市町村総合事務組合「平成31年度開始の新潟県自治会館大規模改修
事業に係る負担金に関する条例」第2条 (均等割・人口割 各100分の50) and 第2条第3項
(1,000円未満の端数は切り捨て), https://ngtsogo.jp/reiki/reiki_honbun/u433RG00000185.html.
"""

from __future__ import annotations

from billing.models import AllocationRun, CostPool
from billing.services.allocation import allocation_run, compute
from billing.tests.test_statements import _text
from tenants.models import StaffUser
from tests.personas import ALPHA_HOST, BETA_HOST, PORTAL_HOST

# 第2条: 均等割 50/100, 人口割 50/100 (the official population).
NIIGATA_RULE = {
    "type": "mix",
    "parts": [[50, {"type": "kintowari"}], [50, {"type": "jinkowari", "figure": "population"}]],
}


def _truncating_run(world) -> AllocationRun:
    CostPool.objects.create(
        consortium=world.consortium,
        fiscal_year=2025,
        name="自治会館改修負担金",
        amount_yen=10_000_000,
        rule=NIIGATA_RULE,
        rounding_unit_yen=1000,
        remainder_method="truncate",
        tie_break="share",
    )
    return allocation_run(
        consortium=world.consortium,
        fiscal_year=2025,
        acting_user=StaffUser.objects.get(username="office"),
    )


def test_truncated_shares_and_the_consortiums_shortfall_in_a_stored_run(world):
    # given: 葉山町 32,823人, 寒川町 47,478人 (official), 10,000,000円
    #   葉山町 2,500,000 + 5,000,000 × 32,823/80,301 = 4,543,747.89… → 4,543,000
    #   寒川町 2,500,000 + 5,000,000 × 47,478/80,301 = 5,456,252.10… → 5,456,000
    # when
    run = _truncating_run(world)
    # then: nothing handed out, 1,000円 carried by the consortium; reproducible
    shares = {s.municipality.dantai_code: s.amount_yen for s in run.shares.all()}
    assert shares == {"143014": 4_543_000, "143219": 5_456_000}
    assert run.total_yen == 9_999_000
    assert run.inputs["pools"][0]["remainder_method"] == "truncate"
    assert [line["amount"] for line in compute(run.inputs)] == [4_543_000, 5_456_000]


def test_run_screen_and_statements_show_the_settings_and_the_shortfall(world, login):
    run = _truncating_run(world)
    office = login("office", PORTAL_HOST)
    # when
    page = office.get(f"/billing/runs/{run.pk}/").content.decode()
    statement = _text(office.get(f"/billing/runs/{run.pk}/143014/statement.pdf"))
    own = _text(login("hayama-admin", ALPHA_HOST).get(f"/billing/{run.pk}/statement.pdf"))
    theirs = _text(login("samukawa-admin", BETA_HOST).get(f"/billing/{run.pk}/statement.pdf"))
    # then: the run screen has the rounding table and the consortium's 1,000円
    assert "端数切り捨てによる不足額（組合負担）" in page
    assert "単位未満を切り捨て（配分しない。不足額は組合が負担）" in page
    assert '<td class="num">1,000円</td>' in page
    # each statement states the truncation and the shortfall, and only its own share
    for text in (statement, own):
        assert "1,000円未満切り捨て、端数は組合負担" in text
        assert "組合負担（切り捨て分）" in text and "合計1,000円" in text
        assert "4,543,000円" in text and "5,456,000円" not in text
    assert "5,456,000円" in theirs and "4,543,000円" not in theirs


def test_largest_remainder_statement_shows_the_tie_break(world, login):
    CostPool.objects.create(
        consortium=world.consortium,
        fiscal_year=2025,
        name="組合運営費",
        amount_yen=10_000_001,
        rule={"type": "kintowari"},
        tie_break="population",
    )
    run = allocation_run(
        consortium=world.consortium,
        fiscal_year=2025,
        acting_user=StaffUser.objects.get(username="office"),
    )
    # 5,000,000.5 each: the odd yen goes to 寒川町 (larger population), not to the
    # smaller 団体コード 葉山町
    shares = {s.municipality.dantai_code: s.amount_yen for s in run.shares.all()}
    assert shares == {"143014": 5_000_000, "143219": 5_000_001}
    text = _text(login("office", PORTAL_HOST).get(f"/billing/runs/{run.pk}/143014/statement.pdf"))
    assert "人口（公表値）の多い団体から（同数なら団体コード順）" in text
    assert "同じ端数は人口の多い団体を優先" in text


def test_pool_editor_stores_and_shows_the_rounding_settings(world, login):
    office = login("office", PORTAL_HOST)
    data = {
        "name": "自治会館改修負担金",
        "amount_yen": "10000000",
        "rounding_unit_yen": "1000",
        "remainder_method": "truncate",
        "tie_break": "dantai_code",
        "kind": "mix",
        "population_figure": "population",
        "weights": "50:50",
        "rounding_point": "combined",
        "metered_figure": "months:juminkiroku",
    }
    # when
    response = office.post("/billing/pools/new/?year=2025", data)
    # then
    assert response.status_code == 302
    pool = CostPool.objects.get(consortium=world.consortium, fiscal_year=2025)
    assert (pool.remainder_method, pool.tie_break, pool.rounding_unit_yen) == (
        "truncate",
        "dantai_code",
        1000,
    )
    edit = office.get(f"/billing/pools/{pool.pk}/").content.decode()
    assert 'value="truncate" selected' in edit and 'value="dantai_code" selected' in edit
    listing = office.get("/billing/pools/?year=2025").content.decode()
    assert "1,000円未満切り捨て、端数は組合負担" in listing
    # an unknown setting is refused and nothing is written
    bad = office.post("/billing/pools/new/?year=2025", {**data, "name": "別", "tie_break": "x"})
    assert bad.status_code == 400
    assert CostPool.objects.filter(consortium=world.consortium).count() == 1
