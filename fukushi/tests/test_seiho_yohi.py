"""医療要否意見書 register (依頼 → 回答 → 決定) that leads to the 医療券: steps in order and
once each, refusals that write nothing, a 要 決定 issuing the first month's 医療券 (read
back), the monthly bulk issue carrying the 医療券 over inside the 決定's months and not past
them (the 継続 意見書 to ask for is listed), a 否, the screen behind the grant with the
purpose, and two towns.

Sources: the steps (依頼 to the 指定医療機関, the doctor's 要否, the 実施機関's 決定, then the
医療券) as the 指定医療機関の手引き of 神戸市 (平成30年10月) and 札幌市 describe them, and
姫路市「生活保護における医療要否意見書の記載」(https://www.city.himeji.lg.jp/kurashi/0000001360.html:
継続 入院 every 3 months, 入院外 every 6); the 医療扶助運営要領 (昭和36年9月30日社発第727号)
itself was not read (未確認). The 決定's months are the 実施機関's entry, not a figure of ours.
"""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.models import SeihoIryoYohi, SeihoKen, YohiKekka
from fukushi.printjobs_seiho_henkan import ken_render
from fukushi.services.seiho import SeihoRefused
from fukushi.services.seiho_iryo import (
    yohi_allows,
    yohi_irai,
    yohi_kaito,
    yohi_keizoku_due,
    yohi_kettei,
)
from fukushi.services.seiho_ken import seiho_ken_ikkatsu, seiho_kikan_add
from fukushi.tests.factories import ACTOR, kaishi
from fukushi.tests.test_seiho_cases import BASE, JUNE, household
from fukushi.tests.test_seiho_ken import _kohi
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.testing.pdf import pdf_pages, squash

pytestmark = pytest.mark.django_db

JULY, AUGUST, SEPTEMBER = date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1)


def _counts() -> tuple[int, int, int]:
    return SeihoIryoYohi.objects.count(), SeihoKen.objects.count(), AccessLog.objects.count()


def test_irai_kaito_kettei_lead_to_the_ken_and_stop_the_carry_over_in_two_towns(
    alpha, beta, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(alpha.municipality)
    a, b = household("hayama", [65, 60], JUNE, surname="要否")
    (other,) = household("hayama", [40], JUNE, surname="他世帯")
    k = kaishi(cap, [a, b], day=JUNE)
    _kohi("12140015")
    clinic = seiho_kikan_add(shubetsu="iryo", code="1412345678", name="葉山診療所",
                             jusho="葉山町堀内", actor=ACTOR)  # fmt: skip
    pharmacy = seiho_kikan_add(shubetsu="yakkyoku", code="1445678901", name="堀内薬局",
                               jusho="", actor=ACTOR)  # fmt: skip

    def irai(atena_id: int, kikan_id: int, day: date, keizoku: bool = False) -> SeihoIryoYohi:
        return yohi_irai(case_id=k.case_id, atena_id=atena_id, kikan_id=kikan_id, nyuin="nyuingai",
                         keizoku=keizoku, irai_date=day, actor=ACTOR)  # fmt: skip

    # refused, writing nothing: a 薬局, a person of another household
    n = _counts()
    with pytest.raises(SeihoRefused, match="指定医療機関を選んで"):
        irai(a.pk, pharmacy.pk, date(2026, 6, 5))
    with pytest.raises(SeihoRefused, match="世帯員でない"):
        irai(other.pk, clinic.pk, date(2026, 6, 5))
    assert _counts() == n
    y = irai(a.pk, clinic.pk, date(2026, 6, 5))
    assert y.jotai == "依頼中（回答待ち）"
    # 決定 before the 回答, a 回答 dated before the 依頼, a control character: refused
    n = _counts()
    with pytest.raises(SeihoRefused, match="回答を受け付けてから"):
        yohi_kettei(case_id=k.case_id, yohi_id=y.pk, kettei_date=date(2026, 6, 15), kettei="yo",
                    kikan_from=JULY, kikan_to=AUGUST, riyu="", actor=ACTOR)  # fmt: skip
    with pytest.raises(SeihoRefused, match="依頼日より前"):
        yohi_kaito(case_id=k.case_id, yohi_id=y.pk, kaito_date=date(2026, 6, 4), iken="yo",
                   shobyo="高血圧症", mikomi_tsuki=6, actor=ACTOR)  # fmt: skip
    with pytest.raises(SeihoRefused, match="制御文字"):
        yohi_kaito(case_id=k.case_id, yohi_id=y.pk, kaito_date=date(2026, 6, 12), iken="yo",
                   shobyo="高血圧\x00症", mikomi_tsuki=6, actor=ACTOR)  # fmt: skip
    assert _counts() == n
    yohi_kaito(case_id=k.case_id, yohi_id=y.pk, kaito_date=date(2026, 6, 12), iken="yo",
               shobyo="高血圧症", mikomi_tsuki=6, actor=ACTOR)  # fmt: skip
    with pytest.raises(SeihoRefused, match="すでに受け付けて"):
        yohi_kaito(case_id=k.case_id, yohi_id=y.pk, kaito_date=date(2026, 6, 13), iken="hi",
                   shobyo="", mikomi_tsuki=None, actor=ACTOR)  # fmt: skip
    with pytest.raises(SeihoRefused, match="終期が始期より前"):
        yohi_kettei(case_id=k.case_id, yohi_id=y.pk, kettei_date=date(2026, 6, 15), kettei="yo",
                    kikan_from=AUGUST, kikan_to=JULY, riyu="", actor=ACTOR)  # fmt: skip
    # 要, 7月〜8月, with the July 医療券 issued in the same transaction
    y = yohi_kettei(case_id=k.case_id, yohi_id=y.pk, kettei_date=date(2026, 6, 15), kettei="yo",
                    kikan_from=date(2026, 7, 10), kikan_to=date(2026, 8, 20), riyu="",
                    ken_kofu_date=date(2026, 6, 28), actor=ACTOR)  # fmt: skip
    assert (y.kettei, y.kikan_from, y.kikan_to, y.jotai) == ("yo", JULY, AUGUST, "決定（要）")
    assert y.ken is not None
    assert (y.ken.shubetsu, y.ken.month, y.ken.atena_id, y.ken.kikan_id) == (
        "iryo", JULY, a.pk, clinic.pk)  # fmt: skip
    with pytest.raises(SeihoRefused, match="すでに決定"):
        yohi_kettei(case_id=k.case_id, yohi_id=y.pk, kettei_date=date(2026, 6, 16), kettei="hi",
                    kikan_from=None, kikan_to=None, riyu="重ねて", actor=ACTOR)  # fmt: skip
    text = squash("".join(pdf_pages(ken_render([y.ken]))))
    assert "医療券" in text and "葉山診療所" in text and "12140015" in text
    # the same person: 否 for another clinic needs a reason and issues nothing
    hospital = seiho_kikan_add(shubetsu="iryo", code="1412340000", name="逗子病院", jusho="",
                               actor=ACTOR)  # fmt: skip
    y2 = irai(b.pk, hospital.pk, date(2026, 6, 5))
    yohi_kaito(case_id=k.case_id, yohi_id=y2.pk, kaito_date=date(2026, 6, 12), iken="hi",
               shobyo="", mikomi_tsuki=None, actor=ACTOR)  # fmt: skip
    with pytest.raises(SeihoRefused, match="否と決定する理由"):
        yohi_kettei(case_id=k.case_id, yohi_id=y2.pk, kettei_date=date(2026, 6, 15), kettei="hi",
                    kikan_from=None, kikan_to=None, riyu=" ", actor=ACTOR)  # fmt: skip
    y2 = yohi_kettei(case_id=k.case_id, yohi_id=y2.pk, kettei_date=date(2026, 6, 15),
                     kettei="hi", kikan_from=JULY, kikan_to=AUGUST, riyu="治療の必要なし",
                     ken_kofu_date=date(2026, 6, 28), actor=ACTOR)  # fmt: skip
    assert (y2.kettei, y2.kikan_from, y2.ken_id) == (YohiKekka.HI, None, None)
    assert yohi_allows(k.case_id, b.pk, hospital.pk, JULY) is False
    assert yohi_allows(k.case_id, b.pk, clinic.pk, JULY) is None  # nothing in the register

    # the bulk issue: August carries the July 医療券 over (inside the 決定); September does not
    aug = seiho_ken_ikkatsu(month=AUGUST, kofu_date=date(2026, 7, 28), actor=ACTOR)
    assert (len(aug.issued), aug.yohi_stopped) == (1, 0)
    assert SeihoKen.objects.get(pk=aug.issued[0]).month == AUGUST
    assert [x.pk for x in yohi_keizoku_due(k.case, AUGUST)] == [y.pk]
    sep = seiho_ken_ikkatsu(month=SEPTEMBER, kofu_date=date(2026, 8, 28), actor=ACTOR)
    assert (sep.issued, sep.skipped, sep.yohi_stopped) == ([], 1, 1)
    # a 継続 依頼 leaves the due list; its 要 決定 for 9月〜2月 lets September be issued
    y3 = irai(a.pk, clinic.pk, date(2026, 8, 3), keizoku=True)
    assert yohi_keizoku_due(k.case, AUGUST) == []
    yohi_kaito(case_id=k.case_id, yohi_id=y3.pk, kaito_date=date(2026, 8, 20), iken="yo",
               shobyo="高血圧症", mikomi_tsuki=6, actor=ACTOR)  # fmt: skip
    yohi_kettei(case_id=k.case_id, yohi_id=y3.pk, kettei_date=date(2026, 8, 25), kettei="yo",
                kikan_from=SEPTEMBER, kikan_to=date(2027, 2, 1), riyu="", actor=ACTOR)  # fmt: skip
    sep = seiho_ken_ikkatsu(month=SEPTEMBER, kofu_date=date(2026, 8, 28), actor=ACTOR)
    assert (len(sep.issued), sep.yohi_stopped) == (1, 0)

    # 寒川町: nothing of 葉山町's register; 葉山町's ids reach nothing
    connection.set_tenant(beta.municipality)
    assert SeihoIryoYohi.objects.count() == 0
    (c,) = household("samukawa", [65], JUNE, surname="寒川")
    kc = kaishi(cap, [c], day=JUNE)
    with pytest.raises(SeihoRefused, match="見つかりません"):
        yohi_kaito(case_id=kc.case_id, yohi_id=y3.pk, kaito_date=date(2026, 8, 20), iken="yo",
                   shobyo="x", mikomi_tsuki=1, actor=ACTOR)  # fmt: skip
    with pytest.raises(SeihoRefused, match="指定医療機関を選んで"):
        yohi_irai(case_id=kc.case_id, atena_id=c.pk, kikan_id=clinic.pk, nyuin="nyuin",
                  keizoku=False, irai_date=date(2026, 6, 5), actor=ACTOR)  # fmt: skip
    assert SeihoIryoYohi.objects.count() == 0


def test_yohi_screen_behind_the_grant_and_the_purpose(
    alpha, beta, login, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(alpha.municipality)
    (a,) = household("hayama", [65], JUNE, surname="画面要否")
    k = kaishi(cap, [a], day=JUNE)
    clinic = seiho_kikan_add(shubetsu="iryo", code="1412345678", name="葉山診療所", jusho="",
                             actor=ACTOR)  # fmt: skip
    y = yohi_irai(case_id=k.case_id, atena_id=a.pk, kikan_id=clinic.pk, nyuin="nyuin",
                  keizoku=False, irai_date=date(2026, 6, 5), actor=ACTOR)  # fmt: skip
    case_no = k.case.case_no
    connection.set_schema_to_public()
    url = f"{BASE}/cases/{k.case_id}/yohi/"
    missing = f"{BASE}/cases/{k.case_id + 999}/yohi/"
    kaito = f"{BASE}/cases/{k.case_id}/yohi/{y.pk}/kaito/"
    for who in ("hayama-clerk", "hayama-viewer"):
        cl = login(who, alpha.host)
        assert cl.get(url).status_code == cl.get(missing).status_code == 404, who
        r = cl.post(kaito, {"kaito_date": "令和8年6月12日", "iken": "yo", "shobyo": "骨折"})
        assert r.status_code in (403, 404), who
    connection.set_tenant(alpha.municipality)
    assert SeihoIryoYohi.objects.get(pk=y.pk).kaito_date is None
    connection.set_schema_to_public()
    w = login("hayama-shinsa", alpha.host)
    r = w.get(url)
    assert r.status_code == 302 and "mokuteki" in r["Location"]
    assert (
        w.post(f"{BASE}/cases/{k.case_id}/mokuteki/", {"mokuteki": "医療扶助の決定"}).status_code
        == 302
    )
    r = w.post(kaito, {"kaito_date": "令和8年6月12日", "iken": "yo", "shobyo": "大腿骨骨折",
                       "mikomi_tsuki": "3"})  # fmt: skip
    assert r.status_code == 302
    r = w.post(f"{BASE}/cases/{k.case_id}/yohi/{y.pk}/kettei/",
               {"kettei_date": "令和8年6月15日", "kettei": "yo", "kikan_from": "令和8年7月1日",
                "kikan_to": "令和8年9月1日"})  # fmt: skip
    assert r.status_code == 302
    page = w.get(url).content.decode()
    assert case_no in page and "大腿骨骨折" in page and "決定（要）" in page
    assert "令和8年7月1日〜令和8年9月1日の月" in page
    # a screen 依頼 with a control character is refused with a Japanese message
    r = w.post(url, {"atena_id": str(a.pk), "kikan": str(clinic.pk), "nyuin": "nyuingai",
                     "irai_date": "令和8年\x076月5日"})  # fmt: skip
    connection.set_tenant(alpha.municipality)
    assert SeihoIryoYohi.objects.count() == 1
    assert AccessLog.objects.filter(
        username="hayama-shinsa", screen="fukushi.seiho_yohi", purpose="医療扶助の決定"
    ).exists()
    # 寒川町's caseworker reaches nothing of it
    connection.set_schema_to_public()
    cb = login("samukawa-shinsa", beta.host)
    cb.post(f"{BASE}/cases/{k.case_id}/mokuteki/", {"mokuteki": "確認"})
    r = cb.get(url)
    assert r.status_code == 404 or "大腿骨骨折" not in r.content.decode()
