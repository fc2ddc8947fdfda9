"""The 納期限 of an 増額更正's notice asked by the 固定資産税 and 軽自動車税 更正 screens
(``zeimu.views.kotei.fuka_kosei``, ``zeimu.views.keijidosha.sharyo_kosei``; the ledger side
is docs/standard/shuno.md S-7c): required when the year's tax rises, refused on a 減額, kept
on the new assessment, printed on the notice, posted with the increase so that its 延滞金
counts from the day after it.

The rule that counts the 延滞金 of an increase from its notice's 納期限 is proven against
豊橋市's published example (65,000円, 納期限 令和3年5月31日, 納付 令和4年1月31日 → 3,400円) in
zeimu/tests/test_rules_entaikin_kosei_nouki.py and through the ledger in
zeimu/tests/test_shuno_kosei_nouki.py. The 固定資産税 law data of this product starts at
令和6年度 for the 負担調整 (zeimu/params/kotei_shisanzei.yaml), so the screens cannot be run
in 令和3年; and a clerk's session is valid on the day it is opened only, so the screens run
today. Here the increase's 延滞金 is checked to start the day after the notice's 納期限 and
to equal, yen for yen, the ledger's count for a 期別 of the same amount due on that day (the
count 豊橋市's example proves), and to be less than counting from the 期別's own 納期限.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from juminkiroku.tests.factories import family, household_tennyu, jutogai
from tenants.db import connection
from tenants.testing.pdf import pdf_pages, squash
from tenants.wareki import format_wareki
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.models import Chotei, ChoteiKind, KeiFuka, Kibetsu, KoteiFuka, Zeimoku
from zeimu.services.keijidosha import kei_ido_record
from zeimu.services.shuno import chotei_post, entaikin_of, madoguchi_nofu
from zeimu.tests.keijidosha_helpers import run_tosho as kei_tosho
from zeimu.tests.keijidosha_helpers import sharyo
from zeimu.tests.kotei_helpers import ACTOR, kaoku, owner, run_tosho, tochi

pytestmark = pytest.mark.django_db


def later(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def twin(atena_id: int, key: str, amount: int, nouki: date) -> int:
    """A 期別 of ``amount`` due on ``nouki``, unpaid: the count the increase must equal."""
    return chotei_post(
        zeimoku=Zeimoku.KOTEIZEI, key=key, atena_id=atena_id, nendo=2025, ki=1,
        ki_label="比較", nouki=nouki, amount=amount, ref=f"{key}:t",
        on=timezone.localdate(), actor=ACTOR,
    ).kibetsu_id  # fmt: skip


def _kotei_town(town: Any, code: str, capture: Any) -> dict[str, Any]:
    """A 納税義務者 with one parcel, assessed for 令和7年度; 第1期 paid on its 納期限."""
    connection.set_tenant(town.municipality)
    _, (head, *_rest) = household_tennyu(code, members=family(), ido_date=date(2015, 4, 1))
    n = owner(head.pk)
    tochi(n, "100番1", 18_900_600, "150", zennen=(3_119_250, 6_390_750))
    run_tosho(capture)
    fuka = KoteiFuka.objects.get(nozeisha=n, is_current=True)
    first = Kibetsu.objects.get(zeimoku=Zeimoku.KOTEIZEI, key__endswith=f":{n.pk}:1")
    madoguchi_nofu(
        nofu_bango=first.nofu_bango,
        amount=fuka.kibetsu[0]["amount"],
        shuno_date=first.nouki,
        actor=ACTOR,
    )
    # a house on the parcel found unassessed (未評価家屋): the year's tax rises
    kaoku(n, "100番1", 9_000_000, "90")
    connection.set_schema_to_public()
    return {"nozeisha": n, "fuka": fuka, "first": first, "head": head}


def test_kotei_kosei_asks_the_notices_nouki_and_the_entaikin_follows_it(
    login: Any, alpha: Any, beta: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given: 葉山町 with a 令和7年度 assessment, 第1期 paid, a house found
    a = _kotei_town(alpha, "hayama", django_capture_on_commit_callbacks)
    url = f"/zeimu/kotei/fuka/{a['fuka'].pk}/kosei/"
    clerk = login("hayama-clerk", ALPHA_HOST)
    notice = later(30)
    # when: the 増額更正 without the notice's 納期限 → refused, nothing written
    page = clerk.post(url, {"reason": "未評価家屋"}, follow=True).content.decode()
    assert "更正通知書の納期限（増えた税額の納期限）を入力してください" in page
    # a 納期限 before the 更正's day, or not a date → refused
    page = clerk.post(
        url, {"reason": "未評価家屋", "kosei_nouki": format_wareki(later(-1))}, follow=True
    ).content.decode()
    assert "更正する日（今日）以後の日" in page
    page = clerk.post(
        url, {"reason": "未評価家屋", "kosei_nouki": "令和7年13月1日"}, follow=True
    ).content.decode()
    assert "更正通知書の納期限は日付" in page
    connection.set_tenant(alpha.municipality)
    assert KoteiFuka.objects.filter(nozeisha=a["nozeisha"]).count() == 1
    assert not Chotei.objects.filter(kind=ChoteiKind.ZOGAKU).exists()
    connection.set_schema_to_public()
    # then: with the 納期限 typed in 和暦 it is made
    page = clerk.post(
        url, {"reason": "未評価家屋", "kosei_nouki": format_wareki(notice)}, follow=True
    ).content.decode()
    assert "更正しました" in page
    assert f"更正通知書の納期限（更正で増えた税額）: {format_wareki(notice)}" in page
    connection.set_tenant(alpha.municipality)
    new = KoteiFuka.objects.get(nozeisha=a["nozeisha"], is_current=True)
    assert (new.version, new.kosei_nouki) == (2, notice)
    added = new.kibetsu[0]["amount"] - a["fuka"].kibetsu[0]["amount"]
    assert added > 0
    zogaku = Chotei.objects.get(kibetsu_id=a["first"].pk, kind=ChoteiKind.ZOGAKU)
    assert (zogaku.amount, zogaku.nouki) == (added, notice)
    # the increase's 延滞金, paid 200 days after the notice's 納期限, counts from the day
    # after it: the count of a 期別 of that amount due that day, less than from the 期別's
    paid = notice + timedelta(days=200)
    r = entaikin_of(a["first"].pk, paid_on=paid)
    assert next(s.start for s in r.segments if s.amount) == notice + timedelta(days=1)
    same = entaikin_of(twin(a["head"].pk, "twin:n", added, notice), paid_on=paid)
    from_own = entaikin_of(twin(a["head"].pk, "twin:o", added, a["first"].nouki), paid_on=paid)
    assert (r.total_raw, r.entaikin) == (same.total_raw, same.entaikin)
    assert r.total_raw > 0 and from_own.total_raw > r.total_raw
    connection.set_schema_to_public()
    # the notice (the current assessment's: 更正) prints the 納期限
    pdf = clerk.get(f"/zeimu/kotei/fuka/{new.pk}/notice.pdf")
    text = squash(" ".join(pdf_pages(pdf.content)))
    assert "更正により増えた税額の納期限" + squash(format_wareki(notice)) in text
    # 寒川町 (no 固定資産税 subscription in the test world) reaches none of it, and its
    # schema holds nothing of 葉山町's 更正
    other = login("samukawa-clerk", BETA_HOST)
    r = other.post(url, {"reason": "x", "kosei_nouki": format_wareki(notice)})
    assert r.status_code == 404
    assert other.get(f"/zeimu/kotei/fuka/{new.pk}/notice.pdf").status_code == 404
    connection.set_tenant(beta.municipality)
    assert not KoteiFuka.objects.exists()
    assert not Chotei.objects.filter(nouki__isnull=False).exists()
    connection.set_tenant(alpha.municipality)
    assert KoteiFuka.objects.filter(nozeisha=a["nozeisha"]).count() == 2
    connection.set_schema_to_public()


def test_kotei_gengaku_refuses_a_nouki(
    login: Any, alpha: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given: an assessment whose ledger then loses the house (a 減額)
    connection.set_tenant(alpha.municipality)
    _, (head, *_rest) = household_tennyu("hayama", members=family(), ido_date=date(2015, 4, 1))
    n = owner(head.pk)
    tochi(n, "300番", 18_900_600, "150", zennen=(3_119_250, 6_390_750))
    h = kaoku(n, "300番", 9_000_000, "90")
    run_tosho(django_capture_on_commit_callbacks)
    fuka = KoteiFuka.objects.get(nozeisha=n, is_current=True)
    h.kakaku.all().delete()
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    url = f"/zeimu/kotei/fuka/{fuka.pk}/kosei/"
    # when: a 納期限 is given with the 減額 → refused, nothing written
    page = clerk.post(
        url, {"reason": "家屋の取壊し", "kosei_nouki": "令和9年1月29日"}, follow=True
    ).content.decode()
    assert "税額が増えない更正（減額など）には、更正通知書の納期限を入力できません" in page
    connection.set_tenant(alpha.municipality)
    assert KoteiFuka.objects.filter(nozeisha=n).count() == 1
    connection.set_schema_to_public()
    # then: without it the 減額 is made, and no entry carries a 納期限
    page = clerk.post(url, {"reason": "家屋の取壊し"}, follow=True).content.decode()
    assert "更正しました" in page
    connection.set_tenant(alpha.municipality)
    new = KoteiFuka.objects.get(nozeisha=n, is_current=True)
    assert new.nengaku < fuka.nengaku and new.kosei_nouki is None
    assert not Chotei.objects.filter(
        kibetsu__key__contains=f":{n.pk}:", nouki__isnull=False
    ).exists()
    connection.set_schema_to_public()


def _kei_town(town: Any, code: str, capture: Any) -> dict[str, Any]:
    """A car assessed for 令和8年度, then found sold before the 賦課期日 to a 住登外 person
    (recorded late)."""
    connection.set_tenant(town.municipality)
    _, (head, *_rest) = household_tennyu(code, members=family(), ido_date=date(2015, 4, 1))
    far = jutogai(shimei="遠方　花子", kana="エンポウ　ハナコ")
    car = sharyo(head.pk, "湘南 580 あ 77-77")
    kei_tosho(capture)
    kei_ido_record(
        sharyo_id=car.pk,
        kind="meigi",
        ido_date=date(2026, 3, 30),
        shoyusha_atena_id=far.pk,
        actor=ACTOR,
    )
    connection.set_schema_to_public()
    return {"car": car, "head": head, "far": far}


def test_kei_kosei_to_another_taxpayer_is_due_by_the_notices_nouki(
    login: Any, alpha: Any, beta: Any, django_capture_on_commit_callbacks: Any
) -> None:
    a = _kei_town(alpha, "hayama", django_capture_on_commit_callbacks)
    url = f"/zeimu/kei/sharyo/{a['car'].pk}/kosei/"
    clerk = login("hayama-clerk", ALPHA_HOST)
    notice = later(31)
    # the new taxpayer's tax rises from nothing: the notice's 納期限 is required
    page = clerk.post(
        url, {"fiscal_year": "2026", "reason": "名義変更の届出遅れ"}, follow=True
    ).content.decode()
    assert "更正通知書の納期限（増えた税額の納期限）を入力してください" in page
    connection.set_tenant(alpha.municipality)
    assert KeiFuka.objects.filter(sharyo=a["car"]).count() == 1
    connection.set_schema_to_public()
    data = {
        "fiscal_year": "2026",
        "reason": "名義変更の届出遅れ",
        "kosei_nouki": notice.isoformat(),
    }
    page = clerk.post(url, data, follow=True).content.decode()
    assert "更正しました" in page
    assert f"（更正による増額分は {format_wareki(notice)}）" in page
    connection.set_tenant(alpha.municipality)
    new = KeiFuka.objects.get(sharyo=a["car"], is_current=True)
    assert (new.nozeisha_id, new.nengaku, new.kosei_nouki) == (a["far"].pk, 10_800, notice)
    # the new taxpayer's 期別 is due by the notice; the former one's stated 0
    kib = Kibetsu.objects.get(nofu_bango=new.nofu_bango)
    assert (kib.atena_id, kib.nouki) == (a["far"].pk, notice)
    former = Kibetsu.objects.get(zeimoku=Zeimoku.KEIJIDOSHA, atena_id=a["head"].pk)
    assert former.nouki == date(2026, 6, 1)  # 5月31日 is a Sunday
    assert sum(c.amount for c in former.chotei.all()) == 0
    # its 延滞金 counts from the day after the notice's 納期限
    r = entaikin_of(kib.pk, paid_on=notice + timedelta(days=100))
    assert r.segments[0].start == notice + timedelta(days=1)
    connection.set_schema_to_public()
    # the notice prints the 納期限
    pdf = clerk.get(f"/zeimu/kei/fuka/{new.pk}/notice.pdf")
    text = squash(" ".join(pdf_pages(pdf.content)))
    assert "更正により増えた税額の納期限" + squash(format_wareki(notice)) in text
    # then the car turns out 廃車 on 3月31日 (recorded late): the new taxpayer's 減額 to 0
    # takes no 納期限 (refused, nothing written), then is made without one
    connection.set_tenant(alpha.municipality)
    kei_ido_record(sharyo_id=a["car"].pk, kind="haisha", ido_date=date(2026, 3, 31), actor=ACTOR)
    connection.set_schema_to_public()
    data = {"fiscal_year": "2026", "reason": "廃車の届出遅れ", "kosei_nouki": notice.isoformat()}
    page = clerk.post(url, data, follow=True).content.decode()
    assert "減額など）には、更正通知書の納期限を入力できません" in page
    connection.set_tenant(alpha.municipality)
    assert KeiFuka.objects.filter(sharyo=a["car"]).count() == 2
    connection.set_schema_to_public()
    del data["kosei_nouki"]
    assert "更正しました" in clerk.post(url, data, follow=True).content.decode()
    connection.set_tenant(alpha.municipality)
    last = KeiFuka.objects.get(sharyo=a["car"], is_current=True)
    assert (last.nengaku, last.kosei_nouki) == (0, None)
    assert sum(c.amount for c in Chotei.objects.filter(kibetsu=kib)) == 0
    connection.set_schema_to_public()
    # 寒川町 (no 軽自動車税 subscription in the test world) reaches none of it
    other = login("samukawa-clerk", BETA_HOST)
    r = other.post(url, {"fiscal_year": "2026", "reason": "x", "kosei_nouki": notice.isoformat()})
    assert r.status_code == 404
    assert other.get(f"/zeimu/kei/fuka/{new.pk}/notice.pdf").status_code == 404
    connection.set_tenant(beta.municipality)
    assert not KeiFuka.objects.exists()
    assert not Kibetsu.objects.filter(zeimoku=Zeimoku.KEIJIDOSHA).exists()
    connection.set_schema_to_public()
