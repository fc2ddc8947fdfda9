"""賦課の結果: 徴収方法と期別 stored by the batch, 更正 with history, the staff screens and
the walls between towns."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import pytest
from django.db import connection as dj
from django.test import Client

from juminkiroku.tests.factories import family, household_tennyu, person_fields
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.api.authentication import apiclient_create
from tenants.db import connection
from tenants.jobs.models import JobStatus
from tenants.jobs.services import job_start
from tenants.models import Gyomu, Membership, MembershipRole, RoleLevel, Subscription
from tenants.params.tenant.models import MunicipalParameter
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.models import Fuka, FukaKind, FukaStatus, KyuyoHokoku, NenkinHokoku, Shinkoku
from zeimu.services.fuka import KoseiRefused, kosei

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="tester")


def _kyuchi() -> None:
    MunicipalParameter.objects.create(
        key="zeimu.kojin_juminzei.kyuchi",
        fiscal_year_from=2020,
        value=2,
        source="テスト",
        created_by="test",
    )


def _assess(capture: Any) -> None:
    with capture(execute=True):
        job = job_start(kind="zeimu_tosho_fuka", params={"fiscal_year": 2025}, actor=ACTOR)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, [c.error for c in job.chunks.all()]


@pytest.fixture
def hayama(alpha: Any, django_capture_on_commit_callbacks: Any) -> dict[str, Any]:
    """葉山町: an employee (特別徴収, two employers), a 70-year-old pensioner (年金特徴, first
    year) and a 未申告 child, assessed for 令和7年度."""
    connection.set_tenant(alpha.municipality)
    _kyuchi()
    _, (head, wife, child) = household_tennyu("hayama", members=family(), ido_date=date(2020, 4, 1))
    _, (grandpa,) = household_tennyu(
        "hayama",
        members=[person_fields(shimei="葉山　年金", birth_date=date(1954, 5, 1))],
        ido_date=date(2015, 4, 1),
    )
    for no, name, pay in (("E100", "株式会社葉山", 5_200_000), ("E200", "副業商店", 300_000)):
        KyuyoHokoku.objects.create(
            atena_id=head.pk,
            shotoku_year=2024,
            employer_no=no,
            employer_name=name,
            shiharai_kingaku=pay,
            shakai_hoken=pay * 15 // 100,
            tokubetsu_choshu=True,
        )
    KyuyoHokoku.objects.create(
        atena_id=wife.pk,
        shotoku_year=2024,
        employer_no="E300",
        employer_name="葉山スーパー",
        shiharai_kingaku=1_500_000,
        shakai_hoken=0,
        tokubetsu_choshu=False,  # 普通徴収 (e.g. パート, 特別徴収の例外)
    )
    NenkinHokoku.objects.create(
        atena_id=grandpa.pk,
        shotoku_year=2024,
        payer_no="NP0001",
        payer_name="日本年金機構",
        shiharai_kingaku=3_000_000,
        shakai_hoken=200_000,
        tokubetsu_choshu=True,
    )
    _assess(django_capture_on_commit_callbacks)
    return {"head": head, "wife": wife, "child": child, "grandpa": grandpa}


def _current(atena: Any) -> Fuka:
    return Fuka.objects.get(atena_id=atena.pk, fiscal_year=2025, is_current=True)


def test_batch_stores_collection_methods_and_installments(hayama):
    head, wife = _current(hayama["head"]), _current(hayama["wife"])
    grandpa = _current(hayama["grandpa"])
    # The employer of the largest salary collects everything of the employee.
    assert (head.tokucho_shitei_no, head.tokucho_employer_name) == ("E100", "株式会社葉山")
    assert head.kyuyo_tokucho_gaku == head.gokei_zeigaku > 0 and head.futsu_choshu_gaku == 0
    kyuyo = head.kibetsu["kyuyo"]
    assert len(kyuyo) == 12 and sum(k["amount"] for k in kyuyo) == head.gokei_zeigaku
    assert kyuyo[0]["label"] == "6月分" and kyuyo[-1]["label"] == "5月分"
    assert all(k["amount"] % 100 == 0 for k in kyuyo[1:])
    # No 特別徴収 for the wife: four 期 of 普通徴収.
    assert wife.status == FukaStatus.KAZEI and wife.futsu_choshu_gaku == wife.gokei_zeigaku
    assert [k["label"] for k in wife.kibetsu["futsu"]] == ["第1期", "第2期", "第3期", "第4期"]
    assert wife.kibetsu["futsu"][0]["due"] == "2025-06-30"
    # 70 on 1 April 2025, first year of 年金特別徴収: half by 普通徴収 in 第1・2期.
    assert grandpa.nenkin_tokucho_gaku > 0
    assert grandpa.futsu_choshu_gaku + grandpa.nenkin_tokucho_gaku == grandpa.gokei_zeigaku
    assert grandpa.kibetsu["futsu"][2]["amount"] == grandpa.kibetsu["futsu"][3]["amount"] == 0
    assert [(k["label"], k["kind"]) for k in grandpa.kibetsu["nenkin"]] == [
        ("10月", "本徴収"),
        ("12月", "本徴収"),
        ("2月", "本徴収"),
    ]
    assert _current(hayama["child"]).status == FukaStatus.MISHINKOKU


def test_kosei_keeps_the_history_and_refuses_a_no_change(hayama):
    wife = _current(hayama["wife"])
    with pytest.raises(KoseiRefused, match="変更はありません"):
        kosei(fuka_id=wife.pk, reason="確認", actor=ACTOR)
    with pytest.raises(KoseiRefused, match="理由"):
        kosei(fuka_id=wife.pk, reason="  ", actor=ACTOR)
    # A 申告 arrives: 生命保険料 and a dependent child; she asks nothing else.
    Shinkoku.objects.create(
        atena_id=hayama["wife"].pk,
        shotoku_year=2024,
        kind="juminzei",
        seimei_ippan_shin=80_000,
        shinzoku=[{"age": 17, "gokei_shotoku": 0, "zokugara": "子"}],
    )
    new = kosei(fuka_id=wife.pk, reason="住民税申告の受付", actor=ACTOR)
    assert new.kind == FukaKind.KOSEI and new.is_current and new.reason == "住民税申告の受付"
    assert new.gokei_zeigaku < wife.gokei_zeigaku
    wife.refresh_from_db()
    assert not wife.is_current and wife.superseded_by_id == new.pk
    assert Fuka.objects.filter(atena_id=hayama["wife"].pk, fiscal_year=2025).count() == 2
    assert AccessLog.objects.filter(screen="zeimu.kosei", record_id=str(new.pk)).exists()
    with pytest.raises(KoseiRefused, match="すでに更正"):
        kosei(fuka_id=wife.pk, reason="二重", actor=ACTOR)


def test_screens_list_detail_kosei_and_employer(hayama, world, login):
    head = _current(hayama["head"])
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    page = clerk.get("/zeimu/fuka/?fiscal_year=2025&status=kazei")
    assert page.status_code == 200
    body = page.content.decode()
    assert hayama["head"].atena_no in body and "未申告" in body
    # Looking a person up by 宛名番号 is a POST; the number never goes into the URL.
    found = clerk.post("/zeimu/fuka/", {"atena_no": hayama["head"].atena_no, "fiscal_year": 2025})
    assert found.status_code == 302 and found["Location"] == f"/zeimu/fuka/{head.pk}/"
    detail = clerk.get(f"/zeimu/fuka/{head.pk}/").content.decode()
    assert "計算の説明" in detail and "給与所得" in detail and "株式会社葉山" in detail
    assert "6月分" in detail and "更正の理由" in detail
    employer = clerk.get("/zeimu/tokucho/E100/2025/").content.decode()
    assert hayama["head"].atena_no in employer and "株式会社葉山" in employer
    assert hayama["wife"].atena_no not in employer
    assert "E100" in clerk.get("/zeimu/tokucho/?fiscal_year=2025").content.decode()
    refused = clerk.post(f"/zeimu/fuka/{head.pk}/kosei/", {"reason": "再計算"}, follow=True)
    assert "変更はありません" in refused.content.decode()
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert viewer.get(f"/zeimu/fuka/{head.pk}/").status_code == 200
    assert "更正の理由" not in viewer.get(f"/zeimu/fuka/{head.pk}/").content.decode()
    assert viewer.post(f"/zeimu/fuka/{head.pk}/kosei/", {"reason": "x"}).status_code == 403
    connection.set_tenant(world.alpha.municipality)
    assert AccessLog.objects.filter(screen="zeimu.fuka_detail", record_id=str(head.pk)).exists()


def test_another_town_sees_no_result_or_employer(hayama, world, login):
    connection.set_schema_to_public()
    Subscription.objects.create(
        municipality=world.beta.municipality,
        gyomu=Gyomu.objects.get(code="kojin_juminzei"),
        start_month=date(2020, 4, 1),
    )
    MembershipRole.objects.create(
        membership=Membership.objects.get(
            user__username="samukawa-clerk", municipality=world.beta.municipality
        ),
        gyomu=Gyomu.objects.get(code="kojin_juminzei"),
        level=RoleLevel.WRITE,
    )
    connection.set_tenant(world.alpha.municipality)
    head = _current(hayama["head"])
    connection.set_schema_to_public()
    other = login("samukawa-clerk", BETA_HOST)
    assert other.get(f"/zeimu/fuka/{head.pk}/").status_code == 404
    assert other.post(f"/zeimu/fuka/{head.pk}/kosei/", {"reason": "x"}).status_code == 404
    assert other.get("/zeimu/tokucho/E100/2025/").status_code == 404
    listing = other.get("/zeimu/fuka/?fiscal_year=2025").content.decode()
    assert hayama["head"].atena_no not in listing
    lookup = other.post("/zeimu/fuka/", {"atena_no": hayama["head"].atena_no, "fiscal_year": 2025})
    assert lookup.status_code == 200  # not found there: the page again with a message
    connection.set_tenant(world.beta.municipality)
    assert not Fuka.objects.exists()


# --- API ----------------------------------------------------------------------------


def _key_client(town: Any, host: str, scopes: tuple[str, ...]) -> Client:
    connection.set_schema_to_public()
    _, key = apiclient_create(
        municipality=town.municipality, name="収納システム", scopes=list(scopes)
    )
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {key}")


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_api_results_lookup_kosei_employer_and_wall(hayama, world):
    wife = _current(hayama["wife"])
    api = _key_client(world.alpha, ALPHA_HOST, ("kojin_juminzei:read", "kojin_juminzei:write"))
    listing = api.get("/api/v1/zeimu/fuka/?fiscal_year=2025").json()
    assert listing["count"] == 4 and listing["counts"]["mishinkoku"] == 1
    assert {r["atena_no"] for r in listing["results"]} >= {hayama["wife"].atena_no}
    found = _post(
        api,
        "/api/v1/zeimu/fuka/lookup/",
        {"atena_no": hayama["wife"].atena_no, "fiscal_year": 2025},
    )
    assert found.status_code == 200, found.content
    body = found.json()
    assert body["id"] == wife.pk and body["detail"]["result"]["explanation"]
    assert sum(k["amount"] for k in body["kibetsu"]["futsu"]) == wife.gokei_zeigaku
    refused = _post(api, f"/api/v1/zeimu/fuka/{wife.pk}/kosei/", {"reason": "確認"})
    assert refused.status_code == 400 and "変更はありません" in refused.json()["detail"]
    connection.set_tenant(world.alpha.municipality)
    Shinkoku.objects.create(
        atena_id=hayama["wife"].pk, shotoku_year=2024, kind="juminzei", iryohi_kojo=200_000
    )
    done = _post(api, f"/api/v1/zeimu/fuka/{wife.pk}/kosei/", {"reason": "医療費控除の申告"})
    assert done.status_code == 201, done.content
    assert [h["kind"] for h in done.json()["history"]] == ["tosho", "kosei"]
    employer = api.get("/api/v1/zeimu/tokucho/E100/2025/").json()
    assert [e["atena_no"] for e in employer["employees"]] == [hayama["head"].atena_no]
    assert sum(employer["monthly_totals"]) == employer["employees"][0]["nengaku"]
    assert api.get("/api/v1/zeimu/tokucho/?fiscal_year=2025").json()["results"][0]["n"] == 1
    connection.set_schema_to_public()
    Subscription.objects.create(
        municipality=world.beta.municipality,
        gyomu=Gyomu.objects.get(code="kojin_juminzei"),
        start_month=date(2020, 4, 1),
    )
    other = _key_client(world.beta, BETA_HOST, ("kojin_juminzei:read", "kojin_juminzei:write"))
    assert other.get(f"/api/v1/zeimu/fuka/{wife.pk}/").status_code == 404
    assert _post(other, f"/api/v1/zeimu/fuka/{wife.pk}/kosei/", {"reason": "x"}).status_code == 404
    lookup = _post(
        other,
        "/api/v1/zeimu/fuka/lookup/",
        {"atena_no": hayama["wife"].atena_no, "fiscal_year": 2025},
    )
    assert lookup.status_code == 404
    assert other.get("/api/v1/zeimu/fuka/?fiscal_year=2025").json()["count"] == 0
    assert other.get("/api/v1/zeimu/tokucho/E100/2025/").status_code == 404
    # 葉山町's key is refused on 寒川町's host.
    assert api.get("/api/v1/zeimu/fuka/?fiscal_year=2025", HTTP_HOST=BETA_HOST).status_code == 401


def test_a_pensioner_with_only_nenkin_tokucho_gets_a_notice_with_the_months(
    alpha, login, django_capture_on_commit_callbacks
):
    from tenants.testing.pdf import pdf_pages, squash

    connection.set_tenant(alpha.municipality)
    _kyuchi()
    _, (grandpa,) = household_tennyu(
        "hayama",
        members=[person_fields(shimei="葉山　継続", birth_date=date(1950, 5, 1))],
        ido_date=date(2015, 4, 1),
    )
    NenkinHokoku.objects.create(
        atena_id=grandpa.pk,
        shotoku_year=2024,
        payer_no="NP0001",
        payer_name="日本年金機構",
        shiharai_kingaku=3_000_000,
        shakai_hoken=200_000,
        tokubetsu_choshu=True,
    )
    # last year's 年金特別徴収 (so this year starts with 仮徴収)
    Fuka.objects.create(
        fiscal_year=2024,
        atena_id=grandpa.pk,
        kind=FukaKind.TOSHO,
        status=FukaStatus.KAZEI,
        gokei_zeigaku=60_000,
        nenkin_tokucho_gaku=60_000,
    )
    _assess(django_capture_on_commit_callbacks)
    fuka = _current(grandpa)
    assert fuka.futsu_choshu_gaku == 0 and fuka.nenkin_tokucho_gaku == fuka.gokei_zeigaku
    kari = [k for k in fuka.kibetsu["nenkin"] if k["kind"] == "仮徴収"]
    assert [k["amount"] for k in kari] == [10_000, 10_000, 10_000]
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    assert "納税通知書を再発行" in clerk.get(f"/zeimu/fuka/{fuka.pk}/").content.decode()
    response = clerk.get(f"/zeimu/fuka/{fuka.pk}/notice.pdf")
    assert response.status_code == 200
    text = squash("".join(pdf_pages(response.content)))
    assert "葉山継続" in text and "年金からの特別徴収" in text
    assert "4月（仮徴収）" in text and "10月（本徴収）" in text and "10,000" in text
    assert "各期の納付額と納期限" not in text  # no 普通徴収 part


def test_nenmatsu_chosei_insurance_on_the_report_is_deducted_without_a_shinkoku(
    alpha, django_capture_on_commit_callbacks
):
    # 給与支払報告書 only (no 申告): 「生命保険料の金額の内訳」 新生命 96,000・介護医療 24,000 and
    # 地震保険料の控除額（所得税）30,000. 住民税 (地方税法第314条の2第1項第5号の3・第5号の5):
    #   新生命 56,000超 → 28,000、介護医療 12,001〜32,000 → 24,000×1/2＋6,000 = 18,000
    #   → 生命保険料控除 46,000; 地震保険料控除 30,000×1/2 = 15,000
    connection.set_tenant(alpha.municipality)
    _kyuchi()
    _, (person,) = household_tennyu(
        "hayama", members=[person_fields(shimei="葉山　年調")], ido_date=date(2020, 4, 1)
    )
    KyuyoHokoku.objects.create(
        atena_id=person.pk,
        shotoku_year=2024,
        employer_no="E500",
        employer_name="年末調整商会",
        shiharai_kingaku=4_000_000,
        shakai_hoken=600_000,
        seimei_hoken_kojo=40_000,
        jishin_hoken_kojo=30_000,
        seimei_ippan_shin=96_000,
        seimei_kaigo_iryo=24_000,
    )
    _assess(django_capture_on_commit_callbacks)
    kojo = _current(person).detail["result"]["kojo"]
    assert (kojo["seimei_hoken"], kojo["jishin_hoken"]) == (46_000, 15_000)
    # A 申告 without premiums keeps those of the 年末調整; one with premiums replaces them.
    Shinkoku.objects.create(
        atena_id=person.pk, shotoku_year=2024, kind="juminzei", iryohi_kojo=50_000
    )
    fuka = kosei(fuka_id=_current(person).pk, reason="医療費控除", actor=ACTOR)
    assert fuka.detail["result"]["kojo"]["seimei_hoken"] == 46_000
    Shinkoku.objects.filter(atena_id=person.pk).update(seimei_ippan_shin=30_000)
    fuka = kosei(fuka_id=fuka.pk, reason="保険料の訂正", actor=ACTOR)
    # 新生命 30,000 (12,001〜32,000) → 30,000×1/2＋6,000 = 21,000; 介護医療 from the 申告: 0
    assert fuka.detail["result"]["kojo"]["seimei_hoken"] == 21_000


_CSRF = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')


def test_the_compact_naiyaku_shows_what_the_object_form_showed(hayama, world, login):
    """The 当初賦課 stores the 内訳 compactly (zeimu.rules.naiyaku, issue 23); the screen
    and the API show exactly what the same 内訳 stored in the object form (rows written
    before, a 更正) shows. Its expansion is the object form the calculation gives:
    test_fuka_json_text.py."""
    connection.set_tenant(world.alpha.municipality)
    rows = list(Fuka.objects.filter(fiscal_year=2025).order_by("pk"))
    with dj.cursor() as cur:
        cur.execute("SELECT id, detail FROM zeimu_fuka WHERE fiscal_year = 2025 ORDER BY id")
        stored = dict(cur.fetchall())
    assessed = [f for f in rows if f.status != FukaStatus.MISHINKOKU]
    assert len(assessed) == 3 and all(stored[f.pk].startswith("[1,") for f in assessed)
    assert all(f.detail["result"]["explanation"] for f in assessed)
    clerk = login("hayama-clerk", ALPHA_HOST)
    api = _key_client(world.alpha, ALPHA_HOST, ("kojin_juminzei:read",))

    def shown() -> list[tuple[str, Any]]:
        connection.set_schema_to_public()
        out = [
            (
                _CSRF.sub(r"\1", clerk.get(f"/zeimu/fuka/{f.pk}/").content.decode()),
                api.get(f"/api/v1/zeimu/fuka/{f.pk}/").json(),
            )
            for f in rows
        ]
        connection.set_tenant(world.alpha.municipality)
        return out

    compact = shown()
    assert "計算の説明" in compact[0][0] or "計算の説明" in compact[1][0]
    with dj.cursor() as cur:
        # the 期別 (JSON text since zeimu 0031) is written in jsonb's key order, the order
        # it read back in as jsonb
        cur.execute("SELECT kibetsu, kibetsu::jsonb::text FROM zeimu_fuka WHERE status = 'kazei'")
        for text, as_jsonb in cur.fetchall():
            pairs = json.loads(text, object_pairs_hook=list)
            assert pairs == json.loads(as_jsonb, object_pairs_hook=list) and pairs
        # the same 内訳 stored in the object form, the 期別 as jsonb's text (rows before)
        for f in assessed:
            cur.execute(
                "UPDATE zeimu_fuka SET detail = %s, kibetsu = kibetsu::jsonb::text WHERE id = %s",
                [json.dumps(f.detail, ensure_ascii=False), f.pk],
            )
    assert shown() == compact
