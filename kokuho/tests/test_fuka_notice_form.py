"""国保税 納税通知書 on the static form (issue 23 item 4): the mass print and the one-notice
print of the person screen render through the same function on the platform kit's form.

Read back with pdftotext: the figures of the 本算定 test (test_fuka_honsantei: the single
man of 給与 3,000,000 — 年税額 362,700円 in 9 期, 42,700円 then 40,000円, 第1期 on
令和7年7月31日), the 擬制世帯主 wording of a household whose 世帯主 joined 社保, two towns
each printing only its own (and its own form: the issuer), the mass notice and the
reprint reading the same text, and the form changing no word and no place on a page.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from juminkiroku.tests.factories import actor_for, family, person_fields
from kokuho.forms.fuka import TEMPLATE, notices, tsuchi_common
from kokuho.fuka_jobs import HONSANTEI
from kokuho.fuka_printjobs import NOTICE_PRINT
from kokuho.models import KokuhoFuka
from kokuho.services.todoke import shaho_kanyu_todoke
from kokuho.tests.factories import tennyu
from kokuho.tests.fuka_helpers import run_job, set_rates
from tenants.db import connection
from tenants.jobs.models import JobStatus
from tenants.jobs.registry import get_kind
from tenants.printing.engine import render
from tenants.testing.jobs import take_job_pdfs
from tenants.testing.pdf import pdf_layout_pages, pdf_pages, pdf_placed_forms
from tenants.wareki import format_wareki
from tests.personas import ALPHA_HOST
from zeimu.tests.factories import kazei

pytestmark = pytest.mark.django_db

FY = 2025
TENNYU = date(2020, 4, 1)
GISEI = "納税義務者：世帯主擬制世帯主（ご本人は国民健康保険に加入していません）"


@pytest.fixture
def towns(alpha, beta, django_capture_on_commit_callbacks):
    """葉山町: the single man of the 本算定 test and the 山田 household whose 世帯主 joined
    社保 on 令和6年10月1日 (擬制世帯主); 寒川町: the 佐藤 household; both assessed."""
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(beta.municipality)
    set_rates()
    _, (sato, _w, _c) = tennyu(cap, "samukawa", members=family("佐藤", "サトウ"), day=TENNYU)
    kazei(sato.pk, FY, kyuyo=2_400_000)
    run_job(cap, HONSANTEI, fiscal_year=FY, kijun_date="2025-07-01")
    connection.set_tenant(alpha.municipality)
    set_rates()
    _, (single,) = tennyu(
        cap,
        members=[person_fields(shimei="独身　一人", shimei_kana="ドクシン　ヒトリ")],
        day=TENNYU,
    )
    _, (head, wife, _child) = tennyu(cap, members=family(), day=TENNYU)
    shaho_kanyu_todoke(
        atena_id=head.pk,
        kanyu_date=date(2024, 10, 1),
        todoke_date=date(2024, 10, 5),
        actor=actor_for("hayama-clerk"),
    )
    kazei(single.pk, FY, kyuyo=3_000_000)
    kazei(head.pk, FY, kyuyo=4_000_000)
    kazei(wife.pk, FY)
    run_job(cap, HONSANTEI, fiscal_year=FY, kijun_date="2025-07-01")
    one = KokuhoFuka.objects.get(nozei_gimusha_id=single.pk)
    gisei = KokuhoFuka.objects.get(nozei_gimusha_id=head.pk)
    connection.set_schema_to_public()
    return {"single": single, "head": head, "sato": sato, "one": one, "gisei": gisei}


def _mass_print(cap: Any, town: Any, tsuchi_date: date, monkeypatch: Any) -> list[bytes]:
    """The town's 納税通知書 job, one household a chunk: its PDFs in chunk order."""
    kind = get_kind(NOTICE_PRINT)
    monkeypatch.setattr(kind, "chunk_size", 1)
    connection.set_tenant(town.municipality)
    job = run_job(cap, NOTICE_PRINT, fiscal_year=FY, form="tsuchi",
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
    # when: each town prints its 納税通知書
    hayama = _mass_print(cap, world.alpha, tsuchi, monkeypatch)
    samukawa = _mass_print(cap, world.beta, tsuchi, monkeypatch)
    assert (len(hayama), len(samukawa)) == (2, 1)
    by_name = {}
    for pdf in hayama:
        text = "".join(pdf_pages(pdf))
        by_name["独身" if "独身一人様" in text else "山田"] = (pdf, text)
    # then: the single man's notice carries the 本算定 test's figures
    _pdf, text = by_name["独身"]
    assert "令和7年度国民健康保険税納税通知書" in text and "通知日令和7年7月10日葉山町長" in text
    assert "年税額362,700円" in text
    assert "第1期令和7年7月31日42,700円" in text  # 期別, 納期限 in 和暦, 納付額
    one = towns["one"]
    assert [k["amount"] for k in one.kibetsu] == [42_700] + [40_000] * 8
    for i, k in enumerate(one.kibetsu[1:], start=2):
        assert f"第{i}期{format_wareki(date.fromisoformat(k['due']))}40,000円" in text
    assert "第9期令和8年3月31日40,000円" in text
    assert "擬制世帯主" not in text
    # the 山田 household: the 世帯主 is the 納税義務者 though not insured (擬制世帯主)
    _pdf, text = by_name["山田"]
    gisei = towns["gisei"]
    assert gisei.gisei and "山田太郎様" in text and GISEI in text
    assert f"年税額{gisei.nengaku:,}円" in text
    for k in gisei.kibetsu:
        row = f"{k['label']}{format_wareki(date.fromisoformat(k['due']))}{k['amount']:,}円"
        assert row in text
    # each town prints its own only: no name, no issuer of the other (宛名番号 are
    # numbered per town: the same number may stand in both)
    (sato_text,) = ["".join(pdf_pages(p)) for p in samukawa]
    assert "佐藤太郎様" in sato_text and "寒川町長" in sato_text
    for word in ("独身", "山田", "葉山町長"):
        assert word not in sato_text, word
    for _pdf, text in by_name.values():
        assert "佐藤" not in text and "寒川" not in text
    # every page is printed on the static form (its parts placed as form objects)
    assert all(n > 0 for pdf in hayama + samukawa for n in pdf_placed_forms(pdf))


def test_the_mass_notice_and_the_reprint_read_the_same(
    world, login, towns, django_capture_on_commit_callbacks, monkeypatch
):
    # given: the mass print dated today (the reprint is dated the day it is printed)
    today = timezone.localdate()
    mass = _mass_print(django_capture_on_commit_callbacks, world.alpha, today, monkeypatch)
    clerk = login("hayama-clerk", ALPHA_HOST)
    for fuka in (towns["one"], towns["gisei"]):
        # when: the person screen's PDF of the same household
        r = clerk.get(f"/kokuho/fuka/detail/{fuka.pk}/tsuchi.pdf")
        assert r.status_code == 200
        # then: one of the mass print's PDFs reads the same, word for word and place for place
        matches = [p for p in mass if pdf_layout_pages(p) == pdf_layout_pages(r.content)]
        assert len(matches) == 1, fuka.pk
        assert pdf_placed_forms(r.content) == pdf_placed_forms(matches[0])


def test_the_static_form_changes_no_word_and_no_place(alpha, towns):
    # given: both households' notices (one with the 擬制世帯主 line)
    connection.set_tenant(alpha.municipality)
    made = notices(
        list(KokuhoFuka.objects.filter(pk__in=[towns["one"].pk, towns["gisei"].pk])),
        tsuchi_date=date(2025, 7, 10),
    )
    common = tsuchi_common(issuer="葉山町長", tsuchi_date=date(2025, 7, 10))
    items = [n.item for n in made]
    # when: printed on the static form and with every part drawn
    formed = render(TEMPLATE, common=common, items=items, static_form=True)
    drawn = render(TEMPLATE, common=common, items=items)
    # then: pdftotext -layout reads the same pages
    assert pdf_layout_pages(formed) == pdf_layout_pages(drawn)
    assert all(n > 0 for n in pdf_placed_forms(formed)) and pdf_placed_forms(drawn) == [0, 0]
    # a 区分 whose members' texts do not fit the fixed cells flows as a table, same words
    items[0]["kubun"][0]["members"][0]["name"] = "寿限無寿限無五劫の擦り切れ海砂利水魚の"
    items[0]["kubun"][0]["fixed"] = False
    long = "".join(pdf_pages(render(TEMPLATE, common=common, items=items[:1], static_form=True)))
    assert "寿限無寿限無五劫の擦り切れ海砂利水魚の" in long and "年税額362,700円" in long
