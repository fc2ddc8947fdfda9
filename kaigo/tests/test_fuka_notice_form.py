"""介護保険料 決定通知書・納入通知書 on the static form (issue 23 item 4): the mass print and
the person screen's one-notice print render through the same function on the platform
kit's form.

Read back with pdftotext: the figures of the 本算定 test (test_fuka_honsantei, 島田市's
table): the wife 第4段階 54,000円 by 普通徴収 in 9 期 of 6,000円 from 令和7年7月31日 (with the
納入通知書 page), the husband 第8段階 90,000円 by 特別徴収 (本徴収 10月・12月・2月 of 30,000円);
two towns each printing only its own (and its own form: the issuer), the mass notice and
the reprint reading the same text, and the form changing no word and no place on a page.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from kaigo.forms.fuka import TEMPLATE, notices, tsuchi_common
from kaigo.fuka_jobs import HONSANTEI
from kaigo.fuka_printjobs import NOTICE_PRINT
from kaigo.models import KaigoFuka, TokuchoTaisho
from kaigo.tests.factories import elders, tennyu
from kaigo.tests.fuka_helpers import SHIMADA_NENGAKU, hikazei, run_job, set_table
from tenants.db import connection
from tenants.jobs.models import JobStatus
from tenants.jobs.registry import get_kind
from tenants.printing.engine import render
from tenants.testing.jobs import take_job_pdfs
from tenants.testing.pdf import pdf_layout_pages, pdf_pages, pdf_placed_forms
from tenants.wareki import format_wareki
from tests.personas import ALPHA_HOST
from zeimu.tests.factories import kazei_set

pytestmark = pytest.mark.django_db

FY = 2025


@pytest.fixture
def towns(alpha, beta, django_capture_on_commit_callbacks):
    """葉山町: the 高橋 couple of the 本算定 test; 寒川町: the 佐藤 couple; both assessed."""
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(beta.municipality)
    set_table()
    _, (sato, sato_wife, _s) = tennyu(
        cap, "samukawa", members=elders("佐藤", "サトウ"), day=date(2020, 4, 1)
    )
    kazei_set(sato.pk, FY, sonota=2_100_000)
    hikazei(sato_wife.pk, FY, 809_000)
    run_job(cap, HONSANTEI, fiscal_year=FY, kijun_date="2025-07-01")
    connection.set_tenant(alpha.municipality)
    set_table()
    _, (husband, wife, _son) = tennyu(cap, members=elders(), day=date(2020, 4, 1))
    kazei_set(husband.pk, FY, sonota=2_100_000)
    hikazei(wife.pk, FY, 809_000)
    TokuchoTaisho.objects.create(
        fiscal_year=FY, atena_id=husband.pk, nenkin_hokensha="001", kiso_nenkin_no="1234567890",
        nenkin_code="1150", nenkin_gaku=2_400_000, tsuchi_month=5, file_name="t.csv",
        created_by="test",
    )  # fmt: skip
    run_job(cap, HONSANTEI, fiscal_year=FY, kijun_date="2025-07-01")
    rows = {f.atena_id: f for f in KaigoFuka.objects.all()}
    connection.set_schema_to_public()
    return {"husband": husband, "wife": wife, "sato": sato, "h": rows[husband.pk],
            "w": rows[wife.pk]}  # fmt: skip


def _mass_print(cap: Any, town: Any, tsuchi_date: date, monkeypatch: Any) -> list[bytes]:
    """The town's 決定通知書 job, one person a chunk: its PDFs in chunk order."""
    kind = get_kind(NOTICE_PRINT)
    monkeypatch.setattr(kind, "chunk_size", 1)
    connection.set_tenant(town.municipality)
    job = run_job(cap, NOTICE_PRINT, fiscal_year=FY, form="kettei",
                  tsuchi_date=tsuchi_date.isoformat())  # fmt: skip
    assert job.status == JobStatus.SUCCEEDED
    pdfs = take_job_pdfs(job)
    connection.set_schema_to_public()
    return pdfs


def test_notices_read_back_with_the_honsantei_figures_in_each_town_alone(
    world, towns, django_capture_on_commit_callbacks, monkeypatch
):
    cap = django_capture_on_commit_callbacks
    tsuchi = date(2025, 7, 10)
    # when: each town prints its 決定通知書
    hayama = [pdf_pages(p) for p in _mass_print(cap, world.alpha, tsuchi, monkeypatch)]
    samukawa = [pdf_pages(p) for p in _mass_print(cap, world.beta, tsuchi, monkeypatch)]
    assert sorted(len(p) for p in hayama) == [1, 2]  # 特別徴収 1 page; 普通徴収 + 納入通知書
    (tokucho,) = [p for p in hayama if len(p) == 1]
    (kettei, nonyu) = next(p for p in hayama if len(p) == 2)
    # then: the wife (普通徴収) carries the 本算定 test's figures
    assert "令和7年度介護保険料額決定通知書" in kettei and "高橋和子様" in kettei
    assert "通知日令和7年7月10日葉山町長" in kettei
    assert SHIMADA_NENGAKU[4] == 54_000 and "第4段階" in kettei
    assert "基準額（年額）60,000円保険料率0.9" in kettei  # 基準額 × 割合 of 第4段階
    assert "保険料額54,000円（普通徴収）" in kettei
    w = towns["w"]
    assert [k["amount"] for k in w.kibetsu] == [6_000] * 9 and w.kibetsu[0]["due"] == "2025-07-31"
    assert "第1期令和7年7月31日6,000円" in kettei and "第1期令和7年7月31日6,000円" in nonyu
    for k in w.kibetsu:
        row = f"{k['label']}{format_wareki(date.fromisoformat(k['due']))}6,000円"
        assert row in kettei and row in nonyu
    assert "令和7年度介護保険料納入通知書" in nonyu and "合計54,000円" in nonyu
    # the husband (特別徴収, 第8段階 90,000円): 本徴収 in October, December, February
    (page,) = tokucho
    assert "高橋一郎様" in page and "第8段階" in page and "保険料額90,000円（特別徴収）" in page
    for k in towns["h"].kibetsu:
        if k["kind"] == "hon":
            assert f"{k['label']}{format_wareki(date.fromisoformat(k['due']))}30,000円" in page
    assert "納入通知書" not in page
    # each town prints its own only: no name, no issuer of the other (宛名番号 are
    # numbered per town: the same number may stand in both)
    sato = "".join(p for pages in samukawa for p in pages)
    assert "佐藤一郎様" in sato and "寒川町長" in sato
    for word in ("高橋", "葉山町長"):
        assert word not in sato, word
    text = "".join(p for pages in hayama for p in pages)
    assert "佐藤" not in text and "寒川" not in text


def test_the_mass_notice_and_the_reprint_read_the_same(
    world, login, towns, django_capture_on_commit_callbacks, monkeypatch
):
    # given: the mass print dated today (the reprint is dated the day it is printed)
    today = timezone.localdate()
    mass = _mass_print(django_capture_on_commit_callbacks, world.alpha, today, monkeypatch)
    clerk = login("hayama-clerk", ALPHA_HOST)
    for fuka in (towns["h"], towns["w"]):
        # when: the person screen's PDF of the same 賦課
        r = clerk.get(f"/kaigo/fuka/tsuchi/{fuka.pk}/tsuchi.pdf")
        assert r.status_code == 200
        # then: one of the mass print's PDFs reads the same, word for word and place for place
        matches = [p for p in mass if pdf_layout_pages(p) == pdf_layout_pages(r.content)]
        assert len(matches) == 1, fuka.pk
        assert pdf_placed_forms(r.content) == pdf_placed_forms(matches[0])
        assert all(n > 0 for n in pdf_placed_forms(r.content))  # on the static form


def test_the_static_form_changes_no_word_and_no_place(alpha, towns):
    # given: both notices (特別徴収 1 page, 普通徴収 2 pages)
    connection.set_tenant(alpha.municipality)
    made = notices(
        list(KaigoFuka.objects.filter(pk__in=[towns["h"].pk, towns["w"].pk]).order_by("pk")),
        tsuchi_date=date(2025, 7, 10),
    )
    common = tsuchi_common(issuer="葉山町長", tsuchi_date=date(2025, 7, 10))
    items = [n.item for n in made]
    assert all(i["fixed"] for i in items)
    # when: printed on the static form and with every part drawn
    formed = render(TEMPLATE, common=common, items=items, static_form=True)
    drawn = render(TEMPLATE, common=common, items=items)
    # then: pdftotext -layout reads the same pages
    assert pdf_layout_pages(formed) == pdf_layout_pages(drawn)
    assert all(n > 0 for n in pdf_placed_forms(formed)) and set(pdf_placed_forms(drawn)) == {0}
    # values too long for the fixed cells: the grids flow as tables, the same words
    items[0]["months"] = "11か月（5月・6月・7月・8月・9月・10月・11月・12月・1月・2月・3月）"
    items[0]["fixed"] = False
    long = "".join(pdf_pages(render(TEMPLATE, common=common, items=items[:1], static_form=True)))
    assert "11か月（5月・6月・7月・8月・9月・10月・11月・12月・1月・2月・3月）" in long
