"""医療券・調剤券・介護券 (SH-64〜SH-67): the 指定機関 as data, one 券 per person, 暦月 and
機関 (再発行 marked), the 本人支払額 of a case with income, the bulk issue of a month
(継続, idempotent), the 券 read back, refusals that write nothing, the screens behind the
grant and two towns.

The 券's items follow 「生活保護法による医療券等の記載要領」(平成11年8月27日社援保第41号,
https://www.mhlw.go.jp/web/t_doc?dataId=00ta8480&dataType=1&pageNo=1): 暦月 as the unit,
公費負担者番号 8桁, 受給者番号 6桁＋検証番号1桁.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fukushi.models import Fujo, SeihoKen, SeihoKikan
from fukushi.printjobs_seiho_henkan import ken_render
from fukushi.services.seiho import MemberInput, SeihoRefused, Setai, seiho_henko
from fukushi.services.seiho_ken import (
    check_digit,
    seiho_ken_ikkatsu,
    seiho_ken_issue,
    seiho_kikan_add,
)
from fukushi.tests.factories import ACTOR, haishi, kaishi
from fukushi.tests.test_seiho_cases import BASE, JUNE, household
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.params.tenant.services import municipal_parameter_set
from tenants.testing.pdf import pdf_pages, squash

JULY = date(2026, 7, 1)
AUGUST = date(2026, 8, 1)


def _kohi(no: str) -> None:
    municipal_parameter_set(
        key="fukushi.seiho.kohi_futansha_no",
        fiscal_year=2026,
        value_text=no,
        reason="福祉事務所の公費負担者番号",
        actor=ACTOR,
    )


def test_check_digit():
    # the 保険者番号's rule, on the worked number of papayaku.hatenablog.jp (「12345674」:
    # 1234567 → 検証番号 4) — whether the 受給者番号 uses it is 未確認
    assert check_digit("1234567") == "4"
    assert check_digit("000000") == "0"


@pytest.mark.django_db
def test_issue_once_per_month_and_kikan_with_honnin_shiharai(
    alpha, beta, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(alpha.municipality)
    (a,) = household("hayama", [65], JUNE, surname="医療")
    k = kaishi(cap, [a], day=JUNE)
    clinic = seiho_kikan_add(
        shubetsu="iryo", code="1412345678", name="葉山診療所", jusho="葉山町堀内", actor=ACTOR
    )
    pharmacy = seiho_kikan_add(
        shubetsu="yakkyoku", code="1445678901", name="堀内薬局", jusho="", actor=ACTOR
    )
    with pytest.raises(SeihoRefused, match="すでに登録"):
        seiho_kikan_add(shubetsu="iryo", code="1412345678", name="二重", jusho="", actor=ACTOR)
    with pytest.raises(SeihoRefused, match="10桁"):
        seiho_kikan_add(shubetsu="iryo", code="14123", name="短い", jusho="", actor=ACTOR)
    # no 公費負担者番号 set yet: refused, nothing written
    with pytest.raises(SeihoRefused, match="公費負担者番号"):
        seiho_ken_issue(
            case_id=k.case_id,
            atena_id=a.pk,
            shubetsu="iryo",
            month=JULY,
            kikan_id=clinic.pk,
            kofu_date=JULY,
            actor=ACTOR,
        )
    assert SeihoKen.objects.count() == 0
    _kohi("12146019")
    # a pension above the 最低生活費 from July (76,880円): the rest is the 本人支払額
    with cap(execute=True):
        seiho_henko(
            case_id=k.case_id,
            members=[MemberInput(atena_id=a.pk, sonota_shunyu=80_000)],
            setai=Setai(kyuchi="1-1", toki_ku="6"),
            fujo=[Fujo.IRYO],
            tekiyo_date=JULY,
            kettei_date=date(2026, 6, 25),
            riyu="年金の受給（医療扶助のみ）",
            actor=ACTOR,
        )
    ken = seiho_ken_issue(
        case_id=k.case_id,
        atena_id=a.pk,
        shubetsu="iryo",
        month=JULY,
        kikan_id=clinic.pk,
        kofu_date=date(2026, 7, 2),
        actor=ACTOR,
    )
    assert (ken.honnin_shiharai, ken.kohi_futansha_no) == (80_000 - 76_880, "12146019")
    assert ken.honnin_konkyo == "収入認定額 80,000円 − 最低生活費 76,880円 ＝ 3,120円"
    assert len(ken.jukyusha_no) == 7 and ken.jukyusha_no[6] == check_digit(ken.jukyusha_no[:6])
    # the 調剤券 of the same month: the 本人支払額 was put on the first 券 already
    chozai = seiho_ken_issue(
        case_id=k.case_id,
        atena_id=a.pk,
        shubetsu="chozai",
        month=JULY,
        kikan_id=pharmacy.pk,
        kofu_date=date(2026, 7, 2),
        actor=ACTOR,
    )
    assert chozai.honnin_shiharai == 0
    n, n_log = SeihoKen.objects.count(), AccessLog.objects.count()
    refused: list[tuple[dict[str, Any], str]] = [
        ({}, "すでに発行"),  # the same person, month, 機関 and kind
        ({"saihakko": True}, "再発行の理由"),
        ({"shubetsu": "chozai"}, "指定薬局あて"),  # a 調剤券 goes to a 薬局
        ({"shubetsu": "kaigo"}, "指定介護機関あて"),
        ({"month": date(2026, 5, 1)}, "保護を受けていません"),
        ({"month": date(2026, 7, 2)}, "発行する月"),
        ({"atena_id": a.pk + 10_000}, "世帯員でない"),
        ({"honnin_shiharai": -1, "month": AUGUST}, "負の金額"),
    ]
    for change, words in refused:
        args: dict[str, Any] = {
            "case_id": k.case_id,
            "atena_id": a.pk,
            "shubetsu": "iryo",
            "month": JULY,
            "kikan_id": clinic.pk,
            "kofu_date": JULY,
            "actor": ACTOR,
        } | change
        with pytest.raises(SeihoRefused, match=words):
            seiho_ken_issue(**args)
    assert (SeihoKen.objects.count(), AccessLog.objects.count()) == (n, n_log)
    # 再発行 with its reason: a second 券, marked
    again = seiho_ken_issue(
        case_id=k.case_id,
        atena_id=a.pk,
        shubetsu="iryo",
        month=JULY,
        kikan_id=clinic.pk,
        kofu_date=date(2026, 7, 9),
        saihakko=True,
        saihakko_riyu="紛失",
        actor=ACTOR,
    )
    assert again.saihakko and again.jukyusha_no != ken.jukyusha_no
    assert again.honnin_shiharai == 3_120  # carried from the 券 it replaces
    # the 券, read back
    text = squash(" ".join(pdf_pages(ken_render([ken, again]))))
    for words in (
        "生活保護法 医療券",
        "公費負担者番号12146019",
        f"受給者番号{ken.jukyusha_no}",
        "令和8年7月分",
        "葉山診療所（1412345678）",
        "本人支払額3,120円",
        "再発行紛失",
        "医療　0",
    ):
        assert squash(words) in text, words
    # 寒川町 sees no 券 and no 機関 of 葉山町's; its own 番号 is its own
    connection.set_tenant(beta.municipality)
    assert SeihoKen.objects.count() == 0 and SeihoKikan.objects.count() == 0
    (b,) = household("samukawa", [65], JUNE, surname="寒川")
    kb = kaishi(cap, [b], day=JUNE)
    with pytest.raises(SeihoRefused, match="公費負担者番号"):
        seiho_ken_issue(
            case_id=kb.case_id,
            atena_id=b.pk,
            shubetsu="iryo",
            month=JULY,
            kikan_id=clinic.pk,
            kofu_date=JULY,
            actor=ACTOR,
        )
    _kohi("12146027")
    with pytest.raises(SeihoRefused, match="指定機関を選んで"):  # 葉山町's 機関 id
        seiho_ken_issue(
            case_id=kb.case_id,
            atena_id=b.pk,
            shubetsu="iryo",
            month=JULY,
            kikan_id=clinic.pk,
            kofu_date=JULY,
            actor=ACTOR,
        )


@pytest.mark.django_db
def test_bulk_issue_of_a_month_carries_over_once(alpha, django_capture_on_commit_callbacks):
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(alpha.municipality)
    _kohi("12146019")
    stays = household("hayama", [40, 10], JUNE, surname="継続")
    (ends,) = household("hayama", [70], JUNE, surname="廃止")
    k1 = kaishi(cap, stays, day=JUNE)
    k2 = kaishi(cap, [ends], day=JUNE)
    clinic = seiho_kikan_add(
        shubetsu="iryo", code="1412345678", name="葉山診療所", jusho="", actor=ACTOR
    )
    dental = seiho_kikan_add(
        shubetsu="iryo", code="1413000001", name="堀内歯科", jusho="", actor=ACTOR
    )
    for case_id, atena, kikan in (
        (k1.case_id, stays[0], clinic),
        (k1.case_id, stays[1], clinic),
        (k1.case_id, stays[1], dental),
        (k2.case_id, ends, clinic),
    ):
        seiho_ken_issue(
            case_id=case_id,
            atena_id=atena.pk,
            shubetsu="iryo",
            month=JULY,
            kikan_id=kikan.pk,
            kofu_date=JULY,
            actor=ACTOR,
        )
    haishi(cap, k2.case_id, day=AUGUST)  # no 保護 in August
    r = seiho_ken_ikkatsu(month=AUGUST, kofu_date=AUGUST, actor=ACTOR)
    assert (len(r.issued), r.skipped) == (3, 1)
    got = sorted(
        SeihoKen.objects.filter(month=AUGUST).values_list(
            "case_id", "atena_id", "kikan_id", "ikkatsu"
        )
    )
    assert got == sorted(
        [
            (k1.case_id, stays[0].pk, clinic.pk, True),
            (k1.case_id, stays[1].pk, clinic.pk, True),
            (k1.case_id, stays[1].pk, dental.pk, True),
        ]
    )
    # run again: nothing twice
    r2 = seiho_ken_ikkatsu(month=AUGUST, kofu_date=AUGUST, actor=ACTOR)
    assert (r2.issued, r2.skipped) == ([], 4)
    assert SeihoKen.objects.filter(month=AUGUST).count() == 3


@pytest.mark.django_db
def test_ken_screens_behind_the_grant(alpha, beta, login, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    _kohi("12146019")
    (a,) = household("hayama", [65], JUNE, surname="券画面")
    k = kaishi(django_capture_on_commit_callbacks, [a], day=JUNE)
    connection.set_schema_to_public()
    for who in ("hayama-clerk", "hayama-viewer"):
        c = login(who, alpha.host)
        for url in (f"{BASE}/cases/{k.case_id}/ken/", f"{BASE}/kikan/", f"{BASE}/ken/ikkatsu/"):
            assert c.get(url).status_code in (403, 404), (who, url)
    c = login("hayama-shinsa", alpha.host)
    r = c.post(
        f"{BASE}/kikan/",
        {"shubetsu": "iryo", "code": "1412345678", "name": "葉山診療所", "jusho": "堀内"},
    )
    assert r.status_code == 302
    assert "葉山診療所" in c.get(f"{BASE}/kikan/").content.decode()
    connection.set_tenant(alpha.municipality)
    clinic = SeihoKikan.objects.get()
    connection.set_schema_to_public()
    c.post(f"{BASE}/cases/{k.case_id}/mokuteki/", {"mokuteki": "医療券の発行"})
    form = {
        "shubetsu": "iryo",
        "atena_id": str(a.pk),
        "month": "令和8年7月1日",
        "kikan": str(clinic.pk),
        "kofu_date": "令和8年7月1日",
        "honnin_shiharai": "",
        "saihakko_riyu": "",
    }
    assert c.post(f"{BASE}/cases/{k.case_id}/ken/", form).status_code == 302
    r = c.post(f"{BASE}/cases/{k.case_id}/ken/", form)  # the same 券 again: refused
    assert r.status_code == 200 and "すでに発行" in r.content.decode()
    connection.set_tenant(alpha.municipality)
    ken = SeihoKen.objects.get()
    connection.set_schema_to_public()
    page = c.get(f"{BASE}/cases/{k.case_id}/ken/").content.decode()
    assert ken.jukyusha_no in page and "葉山診療所" in page
    pdf = c.get(f"{BASE}/cases/{k.case_id}/ken/{ken.pk}/ken.pdf")
    assert pdf.status_code == 200 and ken.jukyusha_no in squash(" ".join(pdf_pages(pdf.content)))
    r = c.post(f"{BASE}/ken/ikkatsu/", {"month": "令和8年8月1日", "kofu_date": "令和8年8月1日"})
    assert r.status_code == 200 and "発行 1件" in r.content.decode()
    connection.set_tenant(alpha.municipality)
    got = set(
        AccessLog.objects.filter(
            username="hayama-shinsa", screen__startswith="fukushi.seiho_ken"
        ).values_list("screen", "action", "purpose")
    )
    assert ("fukushi.seiho_ken", "read", "医療券の発行") in got
    assert ("fukushi.seiho_ken_pdf", "print", "医療券の発行") in got
    # 寒川町's caseworker: nothing of 葉山町's
    connection.set_schema_to_public()
    cb = login("samukawa-shinsa", beta.host)
    cb.post(f"{BASE}/cases/{k.case_id}/mokuteki/", {"mokuteki": "確認"})
    assert cb.get(f"{BASE}/cases/{k.case_id}/ken/{ken.pk}/ken.pdf").status_code == 404
    assert "葉山診療所" not in cb.get(f"{BASE}/kikan/").content.decode()
