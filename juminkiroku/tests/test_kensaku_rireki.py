"""検索履歴 (標準仕様書 2.1.1): kept per user and per town, re-searched or put back in the
form, bounded, never holding a 個人番号."""

from __future__ import annotations

import pytest

from juminkiroku.models import KensakuRireki
from juminkiroku.selectors.kensaku import kensaku_rireki_of
from juminkiroku.selectors.search import criteria_from_data
from juminkiroku.services.kensaku import KEEP, kensaku_rireki_record
from juminkiroku.tests.factories import family, household_tennyu
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db


def test_same_criteria_move_to_the_top_and_only_keep_are_kept(in_alpha):
    for i in range(KEEP + 5):
        kensaku_rireki_record(user_id=1, criteria=criteria_from_data({"kana": f"やま{i}"}))
    kensaku_rireki_record(user_id=1, criteria=criteria_from_data({"kana": "やま10"}))
    entries = kensaku_rireki_of(1)
    assert len(entries) == KEEP == KensakuRireki.objects.filter(user_id=1).count()
    assert entries[0].summary == "カナ氏名: やま10"
    assert kensaku_rireki_of(2) == []


def test_kojin_bango_is_never_kept(in_alpha):
    kensaku_rireki_record(
        user_id=1, criteria=criteria_from_data({"kojin_bango": "123456789018", "sex": "1"})
    )
    kensaku_rireki_record(
        user_id=1,
        criteria=criteria_from_data({"kana": "やまだ", "birth_date": "S55.5.5", "sex": "1"}),
    )
    (entry,) = kensaku_rireki_of(1)
    assert entry.summary == "カナ氏名: やまだ、生年月日: 昭和55年5月5日、性別: 男"


def test_screen_history_research_fill_and_walls(world, login, alpha, beta):
    connection.set_tenant(alpha.municipality)
    household_tennyu("hayama", members=family())
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    clerk.post("/juminkiroku/", {"kana": "やまだ"})
    page = clerk.get("/juminkiroku/").content.decode()
    assert "カナ氏名: やまだ" in page and 'data-testid="search-history"' in page
    connection.set_tenant(alpha.municipality)
    entry = KensakuRireki.objects.get()
    connection.set_schema_to_public()
    # re-search by the entry: the same three hits
    again = clerk.post("/juminkiroku/", {"history_id": entry.pk, "history_action": "search"})
    assert 'data-testid="hit-count">3<' in again.content.decode()
    # put back in the form, no search
    filled = clerk.post("/juminkiroku/", {"history_id": entry.pk, "history_action": "fill"})
    html = filled.content.decode()
    assert 'value="やまだ"' in html and "hit-count" not in html
    # another user of the same town neither sees nor uses it
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert "カナ氏名: やまだ" not in viewer.get("/juminkiroku/").content.decode()
    refused = viewer.post("/juminkiroku/", {"history_id": entry.pk, "history_action": "search"})
    assert "選択した検索履歴が見つかりません" in refused.content.decode()
    # nor does a clerk of the other town
    other = login("samukawa-clerk", BETA_HOST)
    assert "カナ氏名: やまだ" not in other.get("/juminkiroku/").content.decode()
    connection.set_tenant(beta.municipality)
    assert KensakuRireki.objects.count() == 0
