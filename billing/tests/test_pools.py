"""Editing pools, rules, former costs and office-entered figures (services and screens)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from billing.models import AllocationShare, CostPool, FormerCost, MemberFigure
from billing.services.allocation import allocation_run, member_figures
from billing.services.member_values import formercost_set, member_values_save, memberfigure_set
from billing.services.pools import (
    costpool_create,
    costpool_delete,
    costpool_update,
    costpools_copy_year,
)
from billing.tests.factories import UNEI, unei_pool
from tenants.models import Consortium, StaffUser
from tenants.services.staff import staff_create
from tests.personas import ALPHA_HOST, BETA_HOST, PERSONA_PASSWORD, PORTAL_HOST

STAFF = {"type": "jinkowari", "figure": "staff"}


@pytest.fixture
def office(world):
    return StaffUser.objects.get(username="office")


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(m for ms in exc.value.message_dict.values() for m in ms)


def _create(world, office, **over):
    args = {
        "consortium": world.consortium,
        "fiscal_year": 2025,
        "name": "組合運営費",
        "amount_yen": 1_000_000,
        "rule": UNEI,
        "rounding_unit_yen": 1,
        "acting_user": office,
        **over,
    }
    return costpool_create(**args)


def _staff(world, office, hayama: int, samukawa: int, year: int = 2025) -> None:
    member_values_save(
        consortium=world.consortium,
        fiscal_year=year,
        former_costs={},
        figures={"staff": {"143014": hayama, "143219": samukawa}},
        sources={"staff": "定員管理調査"},
        acting_user=office,
    )


# --- validation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"name": "  "}, "費目を入力してください"),
        ({"amount_yen": -1}, "金額に負の金額は指定できません"),
        ({"rounding_unit_yen": 5}, "端数処理単位は 1円・10円・100円・1,000円 から選んでください"),
        ({"rule": {"type": "hiwari"}}, "按分ルールの種類が不明です"),
        ({"rule": "均等割"}, "JSON のオブジェクトで指定してください"),
        (
            {"rule": {"type": "mix", "parts": [[0.4, {"type": "kintowari"}]]}},
            "小数は数値で指定できません",
        ),
        ({"rule": {"type": "metered"}}, "必要な項目がありません: unit_price_yen"),
        (
            {"rule": {"type": "mix", "parts": [[0, {"type": "kintowari"}]]}},
            "割合の合計が0です",
        ),
        (
            {"amount_yen": None, "rule": {"type": "metered", "unit_price_yen": 1000}},
            "使用月数には業務を指定してください",
        ),
        (
            {
                "amount_yen": None,
                "rule": {"type": "metered", "unit_price_yen": 1000, "figure": "months:nope"},
            },
            "業務コード「nope」は業務一覧にありません",
        ),
        (
            {"rule": {"type": "metered", "unit_price_yen": 1, "figure": "months:juminkiroku"}},
            "従量制の費用区分では金額を空欄にしてください",
        ),
        ({"amount_yen": None}, "金額を入力してください"),
        ({"rule": STAFF}, "令和7年度の「職員数」が登録されていません"),
        ({"rule": {"type": "kobetsu", "member_id": "141003"}}, "団体コード 141003"),
        (
            {"rule": {"type": "teigen", "tiers": [[10000, 500], [5000, 300], [None, 100]]}},
            "料金区分の上限は昇順の正の整数で指定してください",
        ),
    ],
)
def test_invalid_pools_are_refused_in_japanese_and_nothing_is_written(world, office, over, message):
    with pytest.raises(ValidationError) as exc:
        _create(world, office, **over)
    assert message in _errors(exc)
    assert not CostPool.objects.filter(consortium=world.consortium).exists()


def test_figure_entered_for_one_member_only_names_the_other(world, office):
    memberfigure_set(
        consortium=world.consortium,
        fiscal_year=2025,
        municipality=world.alpha.municipality,
        key="staff",
        value=120,
        acting_user=office,
    )
    with pytest.raises(ValidationError) as exc:
        _create(world, office, rule=STAFF)
    assert "入力されていない団体があります: 寒川町" in _errors(exc)


def test_name_is_unique_per_year_but_not_across_years(world, office):
    _create(world, office)
    with pytest.raises(ValidationError) as exc:
        _create(world, office, amount_yen=5)
    assert "令和7年度には同じ費目「組合運営費」が既にあります" in _errors(exc)
    # another year is fine, and the teigen without an amount charges the tiers
    pool = _create(
        world,
        office,
        fiscal_year=2026,
        amount_yen=None,
        rule={"type": "teigen", "tiers": [[10000, 500], [None, 100]]},
    )
    assert pool.fiscal_year == 2026 and pool.amount_yen is None


def test_update_and_delete(world, office):
    first = _create(world, office)
    second = _create(world, office, name="データ移行費", rule={"type": "kintowari"})
    assert second.sort == first.sort + 1
    # renaming onto an existing name is refused; a real change is kept
    with pytest.raises(ValidationError) as exc:
        costpool_update(
            pool=second,
            name="組合運営費",
            amount_yen=1,
            rule={"type": "kintowari"},
            rounding_unit_yen=1,
            acting_user=office,
        )
    assert "既にあります" in _errors(exc)
    costpool_update(
        pool=second,
        name="データ移行費",
        amount_yen=3_000,
        rule={"type": "kobetsu", "member_id": "143219"},
        rounding_unit_yen=1000,
        acting_user=office,
    )
    second.refresh_from_db()
    assert (second.amount_yen, second.rounding_unit_yen) == (3_000, 1000)
    assert second.rule == {"type": "kobetsu", "member_id": "143219"}
    costpool_delete(pool=first, acting_user=office)
    assert list(CostPool.objects.filter(consortium=world.consortium)) == [second]


def test_office_keys_cannot_shadow_counted_figures(world, office):
    for key, message in [
        ("population", "システムが集計する数値"),
        ("Staff", "英小文字で始まる"),
        ("months", "システムが集計する数値"),
    ]:
        with pytest.raises(ValidationError) as exc:
            memberfigure_set(
                consortium=world.consortium,
                fiscal_year=2025,
                municipality=world.alpha.municipality,
                key=key,
                value=1,
                acting_user=office,
            )
        assert message in _errors(exc)
    assert not MemberFigure.objects.exists()


def test_values_for_a_member_of_another_consortium_are_refused(world, office):
    other = Consortium.objects.create(name="別の組合", kind="kyogikai")
    for call in (
        lambda: formercost_set(
            consortium=other,
            fiscal_year=2025,
            municipality=world.alpha.municipality,
            amount_yen=1,
            acting_user=office,
        ),
        lambda: memberfigure_set(
            consortium=other,
            fiscal_year=2025,
            municipality=world.beta.municipality,
            key="staff",
            value=1,
            acting_user=office,
        ),
    ):
        with pytest.raises(ValidationError, match="構成団体ではありません"):
            call()
    with pytest.raises(ValidationError, match="構成団体ではない団体コード"):
        member_values_save(
            consortium=other,
            fiscal_year=2025,
            former_costs={"143014": 1},
            figures={},
            acting_user=office,
        )
    assert not FormerCost.objects.exists() and not MemberFigure.objects.exists()


# --- office-entered figures in a run ------------------------------------------------------


def test_office_entered_staff_splits_a_staff_pool(world, office):
    # given: 職員数 entered by the office, and a 職員数割 pool
    _staff(world, office, hayama=300, samukawa=500)
    _create(world, office, name="文書管理システム利用料", amount_yen=800_001, rule=STAFF)
    # when
    figures = member_figures(consortium=world.consortium, fiscal_year=2025)
    run = allocation_run(consortium=world.consortium, fiscal_year=2025, acting_user=office)
    # then: 800,001 × 300/800 = 300,000.375 and × 500/800 = 500,000.625 → remainder to 寒川町
    assert figures["143014"]["staff"] == 300 and figures["143219"]["staff"] == 500
    assert figures["143014"]["population"] == 32823  # counted figures are untouched
    shares = {
        s.municipality.dantai_code: s
        for s in AllocationShare.objects.filter(run=run).select_related("municipality")
    }
    assert shares["143014"].amount_yen == 300_000
    assert shares["143219"].amount_yen == 500_001
    assert shares["143014"].rule_description == "職員数割（1円単位）"
    assert shares["143014"].basis == {"staff": "300"}
    assert run.inputs["members"]["143219"]["staff"] == 500
    # another year's figures are not used
    assert "staff" not in member_figures(consortium=world.consortium, fiscal_year=2026)["143014"]


def test_figures_keep_who_entered_them_and_clearing_removes(world, office):
    _staff(world, office, hayama=300, samukawa=500)
    row = MemberFigure.objects.get(municipality=world.alpha.municipality, key="staff")
    assert (row.entered_by, row.source, row.value) == (office, "定員管理調査", 300)
    member_values_save(
        consortium=world.consortium,
        fiscal_year=2025,
        former_costs={"143014": 9_000_000, "143219": None},
        figures={"staff": {"143014": None}},
        acting_user=office,
    )
    assert not MemberFigure.objects.filter(municipality=world.alpha.municipality).exists()
    assert MemberFigure.objects.get(municipality=world.beta.municipality).value == 500
    assert list(FormerCost.objects.values_list("municipality__dantai_code", "amount_yen")) == [
        ("143014", 9_000_000)
    ]


# --- copy year --------------------------------------------------------------------------


def test_copy_year_copies_every_pool_and_warns_about_missing_figures(world, office):
    _staff(world, office, hayama=300, samukawa=500)
    _create(world, office)
    _create(world, office, name="職員数割の費用", amount_yen=10, rule=STAFF, rounding_unit_yen=10)
    CostPool.objects.create(
        consortium=world.consortium, fiscal_year=2026, name="組合運営費", amount_yen=1, rule=UNEI
    )
    other = Consortium.objects.create(name="別の組合", kind="kyogikai")
    CostPool.objects.create(consortium=other, fiscal_year=2025, name="X", amount_yen=1, rule=UNEI)
    # when
    result = costpools_copy_year(consortium=world.consortium, from_year=2025, acting_user=office)
    # then: the existing 2026 pool is left alone, the other is copied as is
    assert result.skipped == ["組合運営費"]
    assert [p.name for p in result.copied] == ["職員数割の費用"]
    copied = CostPool.objects.get(
        consortium=world.consortium, fiscal_year=2026, name="職員数割の費用"
    )
    assert (copied.amount_yen, copied.rule, copied.rounding_unit_yen) == (10, STAFF, 10)
    assert (
        CostPool.objects.get(
            consortium=world.consortium, fiscal_year=2026, name="組合運営費"
        ).amount_yen
        == 1
    )
    assert result.warnings == [
        "職員数割の費用: 令和8年度の「職員数」が登録されていません。"
        "先に団体別の数値を入力してください。"
    ]
    assert not CostPool.objects.filter(consortium=other, fiscal_year=2026).exists()


def test_copy_from_an_empty_year_is_refused(world, office):
    with pytest.raises(ValidationError, match="令和元年度の費用区分が登録されていないため"):
        costpools_copy_year(consortium=world.consortium, from_year=2019, acting_user=office)


# --- screens ----------------------------------------------------------------------------


def test_office_lists_pools_with_the_rule_in_japanese(world, login):
    unei_pool(world.consortium, 10_000_000)
    CostPool.objects.create(
        consortium=world.consortium,
        fiscal_year=2025,
        name="システム利用料（住民記録）",
        amount_yen=None,
        rule={"type": "metered", "unit_price_yen": 150_000, "figure": "months:juminkiroku"},
        sort=1,
    )
    office = login("office", PORTAL_HOST)
    page = office.get("/billing/pools/?year=2025").content.decode()
    assert "均等割:人口割 = 4:6（合算比率で端数処理、1円単位）" in page
    assert "従量制（単価 150,000円 × 使用月数" in page
    assert "使用月数（住民基本台帳）" in page
    assert "10,000,000円" in page
    assert "令和8年度に複写する" in page


def _post_pool(client, year: int, **fields):
    data = {
        "name": "組合運営費",
        "amount_yen": "1000000",
        "rounding_unit_yen": "1",
        "kind": "mix",
        "population_figure": "population",
        "weights": "4:6",
        "rounding_point": "combined",
        "metered_figure": "months:juminkiroku",
        **fields,
    }
    return client.post(f"/billing/pools/new/?year={year}", data)


@pytest.mark.parametrize(
    ("fields", "rule"),
    [
        (
            {"weights": "5%：95%", "population_figure": "population_registry"},
            {
                "type": "mix",
                "rounding_point": "combined",
                "parts": [
                    [5, {"type": "kintowari"}],
                    [95, {"type": "jinkowari", "figure": "population_registry"}],
                ],
            },
        ),
        ({"kind": "kintowari"}, {"type": "kintowari"}),
        (
            {"kind": "jinkowari", "population_figure": "population_registry"},
            {"type": "jinkowari", "figure": "population_registry"},
        ),
        (
            {"kind": "metered", "amount_yen": "", "unit_price_yen": "150000"},
            {"type": "metered", "unit_price_yen": 150000, "figure": "months:juminkiroku"},
        ),
        (
            {
                "kind": "metered",
                "amount_yen": "",
                "unit_price_yen": "300",
                "metered_figure": "certificates",
            },
            {"type": "metered", "unit_price_yen": 300, "figure": "certificates"},
        ),
        (
            {"kind": "teigen", "tiers": "10000,500\n30000，300\n上限なし,200"},
            {
                "type": "teigen",
                "figure": "population",
                "tiers": [[10000, 500], [30000, 300], [None, 200]],
            },
        ),
        (
            {"kind": "kobetsu", "kobetsu_member": "143219"},
            {"type": "kobetsu", "member_id": "143219"},
        ),
        (
            {
                "kind": "advanced",
                "rule_json": (
                    '{"type": "mix", "parts": [[0.05, {"type": "kintowari"}],'
                    ' [0.95, {"type": "jinkowari"}]]}'
                ),
            },
            {
                "type": "mix",
                "parts": [["0.05", {"type": "kintowari"}], ["0.95", {"type": "jinkowari"}]],
            },
        ),
    ],
)
def test_rule_builder_stores_the_rule(world, login, fields, rule):
    office = login("office", PORTAL_HOST)
    response = _post_pool(office, 2025, **fields)
    assert response.status_code == 302, response.content.decode()
    pool = CostPool.objects.get(consortium=world.consortium, fiscal_year=2025)
    assert pool.rule == rule
    # the edit screen opens the rule in the same builder
    page = office.get(f"/billing/pools/{pool.pk}/").content.decode()
    kind = fields.get("kind", "mix")
    kind = "mix" if kind == "advanced" else kind  # a common shape typed as JSON opens as 比率
    assert f'value="{kind}" selected' in page


def test_rule_builder_figure_and_errors(world, login, office):
    client = login("office", PORTAL_HOST)
    # 職員数 not entered yet: refused with the reason, nothing stored
    response = _post_pool(client, 2025, kind="figure", figure_key="staff")
    assert response.status_code == 400
    assert "先に団体別の数値を入力してください" in response.content.decode()
    bad = _post_pool(client, 2025, kind="teigen", tiers="10000,500\n20000,300")
    assert "最後の行は上限なしにしてください" in bad.content.decode()
    bad = _post_pool(client, 2025, weights="4対6")
    assert "比率は「均等割:人口割」の形で入力してください" in bad.content.decode()
    bad = _post_pool(client, 2025, kind="advanced", rule_json="{oops")
    assert "按分ルールのJSONを読み取れません" in bad.content.decode()
    assert not CostPool.objects.exists()
    # once entered through the table form, the 職員数割 pool is accepted
    response = client.post(
        "/billing/pools/figures/?year=2025",
        {
            "keys": ["staff"],
            "former__143014": "9000000",
            "former__143219": "",
            "fig__staff__143014": "300",
            "fig__staff__143219": "500",
            "source__staff": "定員管理調査",
        },
    )
    assert response.status_code == 302
    response = _post_pool(client, 2025, kind="figure", figure_key="staff", name="職員数割")
    assert response.status_code == 302
    assert CostPool.objects.get(name="職員数割").rule == STAFF
    assert FormerCost.objects.get().amount_yen == 9_000_000
    assert MemberFigure.objects.get(municipality=world.beta.municipality).entered_by == office
    page = client.get("/billing/pools/figures/?year=2025").content.decode()
    assert 'value="9000000"' in page and "定員管理調査" in page
    # a new column can be added by name, a counted figure cannot
    page = client.get("/billing/pools/figures/?year=2025&add=households").content.decode()
    assert "世帯数" in page
    page = client.get("/billing/pools/figures/?year=2025&add=population", follow=True)
    assert "システムが集計する数値のため入力できません" in page.content.decode()


def test_screen_copy_year_and_delete(world, login):
    pool = unei_pool(world.consortium, 10_000_000)
    client = login("office", PORTAL_HOST)
    response = client.post("/billing/pools/copy/", {"from_year": "2025"}, follow=True)
    assert "令和7年度の費用区分 1件を令和8年度に複写しました" in response.content.decode()
    assert CostPool.objects.filter(fiscal_year=2026, name="組合運営費").exists()
    assert client.post(f"/billing/pools/{pool.pk}/delete/").status_code == 302
    assert not CostPool.objects.filter(pk=pool.pk).exists()


def test_pool_screens_are_for_the_office_of_the_pools_consortium_only(world, login):
    pool = unei_pool(world.consortium, 10_000_000)
    # a town's staff: not on its host at all, refused on the portal
    admin = login("hayama-admin", ALPHA_HOST)
    for url in ("/billing/pools/", f"/billing/pools/{pool.pk}/", "/billing/pools/figures/"):
        assert admin.get(url).status_code == 404
    clerk = login("samukawa-clerk", BETA_HOST)
    assert clerk.get("/billing/pools/").status_code == 404
    # a portal session whose user is no longer in the office
    former = login("office", PORTAL_HOST)
    StaffUser.objects.filter(username="office").update(consortium_office=None)
    assert former.get("/billing/pools/").status_code == 403
    assert former.post("/billing/pools/copy/", {"from_year": "2025"}).status_code == 403
    assert not CostPool.objects.filter(fiscal_year=2026).exists()
    # another consortium's office sees none of it and cannot change it
    other = Consortium.objects.create(name="別組合", kind="kyogikai")
    staff_create(
        username="other-office",
        display_name="別事務局",
        consortium_office=other,
        password=PERSONA_PASSWORD,
        acting_user=None,
    )
    stranger = login("other-office", PORTAL_HOST)
    assert "組合運営費" not in stranger.get("/billing/pools/?year=2025").content.decode()
    assert stranger.get(f"/billing/pools/{pool.pk}/").status_code == 404
    assert stranger.post(f"/billing/pools/{pool.pk}/delete/").status_code == 404
    page = stranger.get("/billing/pools/figures/?year=2025").content.decode()
    assert "葉山町" not in page and "寒川町" not in page
    assert CostPool.objects.get(pk=pool.pk).amount_yen == 10_000_000
