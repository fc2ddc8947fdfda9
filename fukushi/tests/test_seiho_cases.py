"""生活保護 cases through the case path: the 最低生活費 of the ministry's model households
(資料4, cited in test_seiho_rules.py) as a 保護開始 decides it, the decisions and their
history, a death ending a case once, the monthly payment with its 全銀 file and the
決定通知書, the grant wall (a clerk without it learns nothing: UI, search, counts, files,
PDF, API — 404 whether the case exists or not), the purpose on every access-log row, the
試算 (screen and API), and two towns."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from fukushi.models import CaseStatus, KetteiKind, SeihoCase, SeihoKettei, SeihoShikyuLine
from fukushi.services.seiho import (
    SeihoRefused,
    seiho_furikomi_file,
    seiho_shikyu_make,
)
from fukushi.tests.factories import ACTOR, haishi, kaishi
from fukushi.tests.test_seiho_rules import AGE_OF, MODEL
from juminkiroku.tests.factories import household_tennyu, person_fields
from juminkiroku.tests.factories import shibo as jk_shibo
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.params.tenant.services import municipal_parameter_set
from tenants.testing.pdf import pdf_pages, squash
from tenants.zengin import read_sogo_furikomi

pytestmark = pytest.mark.django_db

JUNE = date(2026, 6, 1)  # 令和8年4〜9月 (特例加算 1,500円); no 冬季加算 in Ⅵ区
OCTOBER = date(2026, 10, 1)  # 令和8年10月から (特例加算 2,500円)
BASE = "/fukushi/seikatsu-hogo"


def born(age: int, on: date) -> str:
    """A birth date giving exactly ``age`` on ``on`` (the birthday far from ``on``)."""
    d = date(on.year - age - 1, 12, 31) if on.month <= 11 else date(on.year - age, 1, 1)
    return d.isoformat()


def household(town: str, ages: list[int], on: date, surname: str = "保護") -> list:
    members = [
        person_fields(
            shimei=f"{surname}　{i}",
            shimei_kana=f"ホゴ　{chr(0x30A2 + 2 * i)}",
            birth_date=born(age, on),
            setai_order=i + 1,
            **({} if i == 0 else {"zokugara": "04" if age < 18 else "02"}),
        )
        for i, age in enumerate(ages)
    ]
    _, atenas = household_tennyu(town, members=members, ido_date=on - timedelta(days=30))
    return atenas


# --- the 最低生活費 through the case path -------------------------------------------------

CASE_MODELS = [
    pytest.param(name, bands, kyuchi, period, expected[kyuchi][i], id=f"{name}-{kyuchi}-{period}")
    for name, bands, expected in MODEL
    if name in ("夫婦子1人（30代夫婦・子3〜5歳）", "高齢単身（65歳）", "母子（30代親・小学生）")
    for kyuchi in ("1-1", "3-2")
    for i, period in enumerate(("r8-4", "r8-10"))
]


@pytest.mark.parametrize(("name", "bands", "kyuchi", "period", "total"), CASE_MODELS)
def test_kaishi_decides_the_ministrys_model_households(
    alpha, django_capture_on_commit_callbacks, name, bands, kyuchi, period, total
):
    """資料4's 生活扶助基準額 (第55回社会保障審議会生活保護基準部会 資料4) as the 保護開始
    decision of a case of registry residents computes it; the 加算 (児童養育加算) on top."""
    connection.set_tenant(alpha.municipality)
    day = JUNE if period == "r8-4" else OCTOBER
    atenas = household("hayama", [AGE_OF[b] for b in bands], day)
    k = kaishi(django_capture_on_commit_callbacks, atenas, day=day, kyuchi=kyuchi)
    seikatsu = sum(int(m["gaku"]) for m in k.meisai if m["fujo"] == "生活扶助")
    assert seikatsu == total
    kasan = sum(int(m["gaku"]) for m in k.meisai if m["fujo"] == "加算")
    assert k.saitei_seikatsuhi == total + kasan
    assert k.hogohi == k.saitei_seikatsuhi  # no income
    assert k.kind == KetteiKind.KAISHI and k.case.status == CaseStatus.HOGO
    assert sorted(k.atena_ids) == sorted(a.pk for a in atenas)


def test_henko_with_income_and_history_and_haishi(alpha, django_capture_on_commit_callbacks):
    from fukushi.services.seiho import MemberInput, Setai, seiho_henko

    connection.set_tenant(alpha.municipality)
    (a,) = household("hayama", [65], JUNE)
    k1 = kaishi(django_capture_on_commit_callbacks, [a], day=JUNE)
    assert k1.saitei_seikatsuhi == 76_880  # 高齢単身（65歳）1級地-1 令和8年4〜9月
    # a pension of 30,000円 a month is recognised from July
    with django_capture_on_commit_callbacks(execute=True):
        k2 = seiho_henko(
            case_id=k1.case_id,
            members=[MemberInput(atena_id=a.pk, sonota_shunyu=30_000)],
            setai=Setai(kyuchi="1-1", toki_ku="6"),
            fujo=["seikatsu", "iryo"],
            tekiyo_date=date(2026, 7, 1),
            kettei_date=date(2026, 6, 20),
            riyu="年金の受給",
            actor=ACTOR,
        )
    assert (k2.saitei_seikatsuhi, k2.shunyu_nintei, k2.hogohi) == (76_880, 30_000, 46_880)
    # a decision dated before the last one is refused, nothing written
    with pytest.raises(SeihoRefused):
        seiho_henko(
            case_id=k1.case_id,
            members=[MemberInput(atena_id=a.pk)],
            setai=Setai(kyuchi="1-1", toki_ku="6"),
            fujo=["seikatsu"],
            tekiyo_date=date(2026, 6, 15),
            kettei_date=date(2026, 6, 20),
            riyu="x",
            actor=ACTOR,
        )
    assert SeihoKettei.objects.filter(case_id=k1.case_id).count() == 2
    k3 = haishi(django_capture_on_commit_callbacks, k1.case_id, day=date(2026, 9, 1))
    case = SeihoCase.objects.get(pk=k1.case_id)
    assert case.status == CaseStatus.HAISHI and case.haishi_date == date(2026, 9, 1)
    # history: every decision kept, in order; the member's periods closed, never deleted
    assert list(case.ketteis.order_by("id").values_list("kind", flat=True)) == [
        KetteiKind.KAISHI,
        KetteiKind.HENKO,
        KetteiKind.HAISHI,
    ]
    assert k3.atena_ids == [a.pk]
    assert list(case.members.order_by("id").values_list("to_date", flat=True)) == [
        date(2026, 7, 1),
        date(2026, 9, 1),
    ]


def test_a_death_ends_the_case_once_with_history(alpha, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    single = household("hayama", [70], JUNE, surname="単身")
    couple = household("hayama", [66, 65], JUNE, surname="夫婦")
    k_single = kaishi(django_capture_on_commit_callbacks, single, day=JUNE)
    k_couple = kaishi(django_capture_on_commit_callbacks, couple, day=JUNE)
    died = date(2026, 8, 10)
    with django_capture_on_commit_callbacks(execute=True):
        ido = jk_shibo(single[0], ido_date=died)
    with django_capture_on_commit_callbacks(execute=True):
        jk_shibo(couple[1], ido_date=died)
    case = SeihoCase.objects.get(pk=k_single.case_id)
    assert case.status == CaseStatus.HAISHI and case.haishi_date == died + timedelta(days=1)
    last = case.ketteis.order_by("-id").first()
    assert last is not None and (last.kind, last.ido_id) == (KetteiKind.HAISHI, ido.pk)
    # the couple's case goes on for the survivor, its 最低生活費 computed again
    couple_case = SeihoCase.objects.get(pk=k_couple.case_id)
    assert couple_case.status == CaseStatus.HOGO
    henko = couple_case.ketteis.order_by("-id").first()
    assert henko is not None and henko.kind == KetteiKind.HENKO
    assert henko.atena_ids == [couple[0].pk]
    assert 0 < henko.saitei_seikatsuhi < k_couple.saitei_seikatsuhi
    # the same event delivered again decides nothing more
    from tenants.events.models import Delivery, DeliveryStatus, DomainEvent
    from tenants.events.tasks import deliver_event

    subscriber = "fukushi.subscribers.seiho.seiho_on_shibo"
    event = DomainEvent.objects.get(name="juminkiroku.shibo", payload__ido_id=ido.pk)
    delivery = Delivery.objects.get(event=event, subscriber=subscriber)
    assert delivery.status == DeliveryStatus.DONE
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.PENDING)
    deliver_event.apply(args=[event.pk, subscriber])
    assert case.ketteis.count() == 2


# --- payment, file, notice ------------------------------------------------------------------


def _irainin(fy: int) -> None:
    actor = Actor(user_id=None, username="test-setup")
    for key, value in {
        "irainin_code": "1234567890",
        "irainin_name": "HAYAMA MACHI",
        "shimuke_ginko": "0001",
        "shimuke_shiten": "001",
        "yokin_shumoku": "1",
        "koza_bango": "1234567",
    }.items():
        municipal_parameter_set(
            key=f"fukushi.furikomi.{key}",
            fiscal_year=fy,
            value_text=value,
            reason="総合振込契約",
            actor=actor,
        )


def test_monthly_payment_file_and_notice(alpha, beta, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    (a,) = household("hayama", [65], JUNE, surname="振込")
    (b,) = household("hayama", [75], JUNE, surname="窓口")
    k1 = kaishi(django_capture_on_commit_callbacks, [a], day=JUNE)
    kaishi(django_capture_on_commit_callbacks, [b], day=JUNE)
    SeihoCase.objects.filter(pk=k1.case_id).update(
        kinyu_kikan="0009",
        shiten="123",
        yokin_shumoku="1",
        koza_bango="7654321",
        meigi_kana="ﾌﾘｺﾐ ｲﾁ",
    )
    run = seiho_shikyu_make(month=date(2026, 7, 1), furikomi_date=date(2026, 7, 3), actor=ACTOR)
    lines = {ln.case_id: ln for ln in SeihoShikyuLine.objects.filter(shikyu=run)}
    assert lines[k1.case_id].amount == 76_880 and lines[k1.case_id].furikomi
    assert not next(ln for cid, ln in lines.items() if cid != k1.case_id).furikomi
    # a month is made once
    with pytest.raises(SeihoRefused):
        seiho_shikyu_make(month=date(2026, 7, 1), furikomi_date=date(2026, 7, 3), actor=ACTOR)
    # the 全銀 file: refused until the town sets its 依頼人, then read back
    with pytest.raises(SeihoRefused, match="依頼人"):
        seiho_furikomi_file(run)
    _irainin(2026)
    data, case_ids = seiho_furikomi_file(run)
    assert case_ids == [k1.case_id]
    recs = read_sogo_furikomi(data)
    body = [r.fields for r in recs if r.kind == "data"]
    assert len(body) == 1 and body[0]["amount"] == 76_880
    assert body[0]["koza_bango"] == "7654321"
    trailer = next(r.fields for r in recs if r.kind == "trailer")
    assert (trailer["count"], trailer["total"]) == (1, 76_880)
    # 寒川町 has no case, no payment, and its run has no line of 葉山町's
    connection.set_tenant(beta.municipality)
    assert not SeihoCase.objects.exists()
    run_b = seiho_shikyu_make(month=date(2026, 7, 1), furikomi_date=date(2026, 7, 3), actor=ACTOR)
    assert not SeihoShikyuLine.objects.filter(shikyu=run_b).exists()
    connection.set_tenant(alpha.municipality)
    from fukushi.printjobs_seiho import tsuchi_render

    text = squash(" ".join(pdf_pages(tsuchi_render([k1]))))
    assert "保護開始決定通知書" in text and "76,880円" in text


# --- the wall, the purpose, two towns ----------------------------------------------------


def _urls(case_id: int, kettei_id: int) -> list[str]:
    return [
        f"{BASE}/cases/{case_id}/",
        f"{BASE}/cases/{case_id}/mokuteki/",
        f"{BASE}/cases/{case_id}/henko/",
        f"{BASE}/cases/{case_id}/kettei/{kettei_id}/tsuchi.pdf",
        f"{BASE}/kaishi/",
        f"{BASE}/shikyu/",
        f"/api/v1/fukushi/seikatsu-hogo/cases/{case_id}/",
    ]


def test_a_clerk_without_the_grant_learns_nothing(alpha, login, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    atenas = household("hayama", [40, 10], JUNE, surname="秘匿")
    k = kaishi(django_capture_on_commit_callbacks, atenas, day=JUNE)
    run = seiho_shikyu_make(month=date(2026, 7, 1), furikomi_date=date(2026, 7, 3), actor=ACTOR)
    case_no = k.case.case_no
    missing = k.case_id + 1000
    connection.set_schema_to_public()
    for who in ("hayama-clerk", "hayama-viewer"):
        c = login(who, alpha.host)
        # the same answer for a case that exists and one that does not: 404, or the
        # role's 403 for a write screen a 閲覧者 may not open whatever the case
        for url in [f"{BASE}/shikyu/{run.pk}/", f"{BASE}/shikyu/{run.pk}/furikomi/"]:
            assert c.get(url).status_code == 404, (who, url)
        for url, other in zip(_urls(k.case_id, k.pk), _urls(missing, k.pk), strict=True):
            got, got_missing = c.get(url), c.get(other)
            assert got.status_code == got_missing.status_code, (who, url)
            assert got.status_code in (403, 404), (who, url)
            assert case_no not in got.content.decode()
        r = c.post(f"{BASE}/cases/{k.case_id}/mokuteki/", {"mokuteki": "x"})
        assert r.status_code in (403, 404)
        # the first screen: no search, no list, no count
        top = c.get(f"{BASE}/")
        assert top.status_code == 200
        html = top.content.decode()
        assert case_no not in html and "検索の結果" not in html and "件" not in html
        r = c.post(f"{BASE}/", {"mokuteki": "確認", "case_no": case_no})
        assert "seiho-results" not in r.content.decode() and "results" not in r.context_data
        # the 住民記録 person page says nothing of 生活保護 (no 他業務 provider)
        connection.set_tenant(alpha.municipality)
    connection.set_tenant(alpha.municipality)
    assert (
        not AccessLog.objects.filter(
            record_type="fukushi.SeihoCase", username__in=["hayama-clerk", "hayama-viewer"]
        )
        .exclude(action="denied")
        .exists()
    )


def test_every_read_is_logged_with_the_clerks_purpose(
    alpha, beta, login, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    atenas = household("hayama", [40, 10], JUNE, surname="目的")
    k = kaishi(django_capture_on_commit_callbacks, atenas, day=JUNE)
    connection.set_schema_to_public()
    c = login("hayama-shinsa", alpha.host)
    # the case does not open before a purpose is entered
    r = c.get(f"{BASE}/cases/{k.case_id}/")
    assert r.status_code == 302 and r["Location"].endswith(f"/cases/{k.case_id}/mokuteki/")
    assert c.post(f"{BASE}/cases/{k.case_id}/mokuteki/", {"mokuteki": ""}).status_code == 200
    r = c.post(f"{BASE}/cases/{k.case_id}/mokuteki/", {"mokuteki": "訪問調査の記録"})
    assert r.status_code == 302
    r = c.get(f"{BASE}/cases/{k.case_id}/")
    assert r.status_code == 200 and k.case.case_no in r.content.decode()
    pdf = c.get(f"{BASE}/cases/{k.case_id}/kettei/{k.pk}/tsuchi.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    # the search asks its own purpose
    r = c.post(f"{BASE}/", {"mokuteki": "ケースの確認", "case_no": k.case.case_no})
    assert k.case.case_no in r.content.decode()
    # the API needs the purpose in X-Purpose
    api = f"/api/v1/fukushi/seikatsu-hogo/cases/{k.case_id}/"
    assert c.get(api).status_code == 400
    r = c.get(api, HTTP_X_PURPOSE="収入申告の確認")
    assert r.status_code == 200 and r.json()["case_no"] == k.case.case_no
    connection.set_tenant(alpha.municipality)
    rows = AccessLog.objects.filter(
        record_type="fukushi.SeihoCase", username="hayama-shinsa"
    ).order_by("id")
    got = [(row.screen, row.action, row.purpose) for row in rows]
    assert got == [
        ("fukushi.seiho_case", "read", "訪問調査の記録"),
        ("fukushi.seiho_tsuchi_pdf", "print", "訪問調査の記録"),
        ("fukushi.seiho_search", "search", "ケースの確認"),
        ("api.fukushi.seiho_case", "read", "収入申告の確認"),
    ]
    assert all(row.record_id == str(k.case_id) for row in rows if row.action != "search")
    # 寒川町's caseworker, with the grant in 寒川町, cannot reach 葉山町's case
    connection.set_schema_to_public()
    cb = login("samukawa-shinsa", beta.host)
    assert cb.get(f"{BASE}/cases/{k.case_id}/mokuteki/").status_code == 404
    assert cb.get(api, HTTP_X_PURPOSE="x").status_code == 404
    r = cb.post(f"{BASE}/", {"mokuteki": "確認", "case_no": k.case.case_no})
    assert r.context_data["results"] == [] and "seiho-results" not in r.content.decode()
    # and 葉山町's caseworker is not a member of 寒川町
    assert c.get(f"{BASE}/", HTTP_HOST=beta.host).status_code in (302, 403, 404)


def test_shisan_screen_and_api_save_nothing(alpha, login):
    connection.set_schema_to_public()
    c = login("hayama-clerk", alpha.host)  # the 試算 needs no grant: it reads no person
    body = {
        "kijunbi": "2026-06-01",
        "kyuchi": "1-1",
        "toki_ku": "6",
        "setaiin": [{"seinengappi": born(65, JUNE)}],
    }
    r = c.post("/api/v1/fukushi/seikatsu-hogo/shisan/", body, content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["saitei_seikatsuhi"] == 76_880  # 資料4 高齢単身（65歳）1級地-1
    bad = {**body, "kijunbi": "2001-06-01"}
    r = c.post("/api/v1/fukushi/seikatsu-hogo/shisan/", bad, content_type="application/json")
    assert r.status_code == 422
    form = {
        "kijunbi": "令和8年6月1日",
        "kyuchi": "1-1",
        "toki_ku": "6",
        "yachin": "0",
        "m-TOTAL_FORMS": "1",
        "m-INITIAL_FORMS": "0",
        "m-0-seinengappi": born(65, JUNE),
    }
    r = c.post(f"{BASE}/shisan/", form)
    assert r.status_code == 200 and "76,880円" in r.content.decode()
    connection.set_tenant(alpha.municipality)
    assert not SeihoCase.objects.exists()


def test_demo_loads_about_16_per_1000_once_in_its_own_town(alpha, beta):
    import io

    from fukushi.demo_seiho import load

    connection.set_tenant(alpha.municipality)
    (old,) = household("hayama", [80], JUNE, surname="高齢")
    household("hayama", [40, 38, 9], JUNE, surname="家族")
    out = io.StringIO()
    load(out)
    # 4 residents: at least one person (the 1.6% rounds up to one), an elderly single first
    case = SeihoCase.objects.get()
    assert case.nushi_atena_id == old.pk and case.status == CaseStatus.HOGO
    assert case.ketteis.get().cause == "iko"
    assert "生活保護のケース 1件" in out.getvalue()
    load(io.StringIO())  # a town that has its data is left alone
    assert SeihoCase.objects.count() == 1
    connection.set_tenant(beta.municipality)
    assert not SeihoCase.objects.exists()


def test_screens_kaishi_henko_kettei_and_payment(alpha, login):
    connection.set_tenant(alpha.municipality)
    atenas = household("hayama", [40, 10], JUNE, surname="画面")
    from juminkiroku.public import person_identities

    atena_no = person_identities([atenas[0].pk])[atenas[0].pk].atena_no
    connection.set_schema_to_public()
    c = login("hayama-shinsa", alpha.host)
    r = c.post(
        f"{BASE}/kaishi/",
        {
            "atena_no": atena_no,
            "kaishi_date": "令和8年6月1日",
            "kettei_date": "令和8年6月1日",
            "riyu": "失業による生活困窮",
            "fujo": ["seikatsu", "iryo"],
            "s-kyuchi": "1-1",
            "s-toki_ku": "6",
            "s-yachin": "0",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    connection.set_tenant(alpha.municipality)
    case = SeihoCase.objects.get()
    assert sorted(case.members.values_list("atena_id", flat=True)) == sorted(a.pk for a in atenas)
    connection.set_schema_to_public()
    page = c.get(r["Location"])  # the 開始 put its own purpose on the case
    assert page.status_code == 200 and case.case_no in page.content.decode()
    r = c.get(f"{BASE}/cases/{case.pk}/henko/")
    assert r.status_code == 200
    form = {
        "tekiyo_date": "令和8年7月1日",
        "kettei_date": "令和8年6月25日",
        "riyu": "就労収入の申告",
        "fujo": ["seikatsu", "iryo"],
        "s-kyuchi": "1-1",
        "s-toki_ku": "6",
        "s-yachin": "0",
        "m-TOTAL_FORMS": "2",
        "m-INITIAL_FORMS": "2",
    }
    for i, a in enumerate(atenas):
        form |= {
            f"m-{i}-atena_id": str(a.pk),
            f"m-{i}-keep": "on",
            f"m-{i}-shuro_shunyu": "100000" if i == 0 else "0",
            f"m-{i}-shuro_keihi": "0",
            f"m-{i}-sonota_shunyu": "0",
        }
    r = c.post(f"{BASE}/cases/{case.pk}/henko/", form)
    assert r.status_code == 302, r.content.decode()[:3000]
    r = c.post(
        f"{BASE}/cases/{case.pk}/kettei/",
        {
            "kind": "teishi",
            "tekiyo_date": "令和8年8月1日",
            "kettei_date": "令和8年7月20日",
            "riyu": "収入増",
        },
    )
    assert r.status_code == 302
    connection.set_tenant(alpha.municipality)
    kinds = list(case.ketteis.order_by("id").values_list("kind", "shunyu_nintei"))
    assert [k for k, _ in kinds] == ["kaishi", "henko", "teishi"]
    assert kinds[1][1] > 0  # 100,000円 of wages less the 基礎控除
    assert SeihoCase.objects.get().status == CaseStatus.TEISHI
    connection.set_schema_to_public()
    r = c.post(
        f"{BASE}/shikyu/",
        {"mokuteki": "定例支給", "month": "令和8年7月1日", "furikomi_date": "令和8年7月3日"},
    )
    assert r.status_code == 302
    r = c.get(r["Location"])
    assert r.status_code == 200 and case.case_no in r.content.decode()
