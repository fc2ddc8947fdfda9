"""世帯主変更依頼通知書 and 世帯主変更通知書 (標準仕様書 4.0.5): to the first remaining member in
the household's order, with the 対象者リスト; two towns."""

from __future__ import annotations

from datetime import date

import pytest

from juminkiroku.codes import IdoJiyu
from juminkiroku.models import Atena, TsuchiHakko
from juminkiroku.services.ido import PersonChange, ido_enter
from juminkiroku.services.setainushi_tsuchi import (
    setainushi_fuzai_setai,
    setainushi_henko_tsuchi_issue,
    setainushi_irai_issue,
)
from juminkiroku.services.tsuchi import TsuchiError
from juminkiroku.tests.certhelpers import set_ninshosha
from juminkiroku.tests.factories import actor_for, approve, family, household_tennyu
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.testing.pdf import pdf_pages
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db


def without_head(head: Atena) -> None:
    """The 世帯主 dies and two members remain: 4.0.4 leaves the household without a
    世帯主 once the clerk confirms it."""
    ido = ido_enter(
        jiyu=IdoJiyu.SHIBO,
        ido_date=date(2024, 3, 3),
        todoke_date=date(2024, 3, 4),
        changes=[PersonChange(head.pk, {})],
        setainushi_fuzai_ok=True,
        actor=actor_for("hayama-clerk"),
    )
    approve(ido, reviewer="hayama-shinsa")


@pytest.fixture
def two_households(in_alpha):
    set_ninshosha()
    _, yamada = household_tennyu("hayama", members=family())
    _, suzuki = household_tennyu("hayama", members=family("鈴木", "スズキ"))
    without_head(yamada[0])
    return yamada, suzuki


def test_irai_goes_to_the_first_remaining_member_with_the_list(two_households):
    yamada, _ = two_households
    (fuzai,) = setainushi_fuzai_setai()
    assert [m.pk for m in fuzai.members] == [yamada[1].pk, yamada[2].pk]
    rows, pdf = setainushi_irai_issue(setai_ids=[fuzai.setai_id], actor=actor_for("hayama-clerk"))
    notice, liste = pdf_pages(pdf)
    assert "世帯主変更依頼通知書" in notice and "山田花子様" in notice
    assert "前の世帯主山田太郎" in notice and "令和6年3月3日" in notice
    assert "対象者リスト" in liste and fuzai.setai_no in liste and "2人" in liste
    assert "鈴木" not in notice + liste
    assert rows[0].setai_id == fuzai.setai_id and rows[0].atena_ids == [yamada[1].pk, yamada[2].pk]
    assert AccessLog.objects.filter(
        action="print", record_type="setai", record_id=str(fuzai.setai_id)
    ).exists()


def test_irai_refuses_a_household_with_a_head(two_households):
    _, suzuki = two_households
    with pytest.raises(TsuchiError, match="世帯主のいる世帯"):
        setainushi_irai_issue(setai_ids=[suzuki[0].setai_id], actor=actor_for("hayama-clerk"))
    with pytest.raises(TsuchiError, match="選んで"):
        setainushi_irai_issue(setai_ids=[], actor=actor_for("hayama-clerk"))
    assert TsuchiHakko.objects.count() == 0


def test_henko_tsuchi_after_a_setainushi_henko(two_households):
    yamada, _ = two_households
    ido = ido_enter(
        jiyu=IdoJiyu.SETAINUSHI_HENKO,
        ido_date=date(2024, 4, 1),
        todoke_date=None,
        changes=[PersonChange(yamada[2].pk, {"zokugara": "01"})],
        actor=actor_for("hayama-clerk"),
    )
    approve(ido, reviewer="hayama-shinsa")
    hakko, pdf = setainushi_henko_tsuchi_issue(ido_id=ido.pk, actor=actor_for("hayama-clerk"))
    (page,) = pdf_pages(pdf)
    assert "世帯主変更通知書" in page and "山田花子様" in page
    assert "新しい世帯主山田一郎" in page and "職権により" in page
    assert hakko.ido_id == ido.pk


def test_screen_and_the_other_town(two_households, login, alpha, beta):
    yamada, _ = two_households
    connection.set_tenant(beta.municipality)
    set_ninshosha()
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    page = clerk.get("/juminkiroku/tsuchi/setainushi/").content.decode()
    assert "山田　花子" in page and "鈴木" not in page
    other = login("samukawa-clerk", BETA_HOST)
    page = other.get("/juminkiroku/tsuchi/setainushi/").content.decode()
    assert "山田" not in page and "世帯主が不在の世帯はありません" in page
    r = other.post("/juminkiroku/tsuchi/setainushi/", {"setai": str(yamada[1].setai_id)})
    assert r.status_code == 400 and "世帯主のいる世帯、または見つからない世帯" in r.content.decode()
    r = clerk.post("/juminkiroku/tsuchi/setainushi/", {"setai": str(yamada[1].setai_id)})
    assert r["Content-Type"] == "application/pdf"
    connection.set_tenant(beta.municipality)
    assert TsuchiHakko.objects.count() == 0
    connection.set_tenant(alpha.municipality)
    assert TsuchiHakko.objects.count() == 1
