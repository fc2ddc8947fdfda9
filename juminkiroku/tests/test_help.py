"""ヘルプ機能 (標準仕様書 10.5): every 住民記録 screen links its help; the help index
searches the on-screen manual."""

from __future__ import annotations

import pytest
from django.urls import URLPattern

from juminkiroku import urls
from juminkiroku.help import TOPICS, search, topic_for_screen
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST


def _screen_names() -> list[str]:
    return [p.name for p in urls.urlpatterns if isinstance(p, URLPattern) and p.name]


def test_every_screen_has_a_topic_and_every_topic_text():
    names = _screen_names()
    assert len(names) > 50
    missing = [n for n in names if topic_for_screen(n) is None]
    assert missing == [], f"screens without help (add a prefix in juminkiroku/help.py): {missing}"
    assert topic_for_screen("admin_index") is None
    assert topic_for_screen("jk_euc_run") is TOPICS["euc"]
    assert topic_for_screen("juminkiroku_tenshutsu_mitchaku") is TOPICS["tenshutsu"]
    for t in TOPICS.values():
        assert t.title and t.body and all(len(p) > 10 for p in t.body), t.key


def test_search_needs_every_word():
    assert {t.key for t in search("個人番号")} >= {"person", "euc"}
    assert [t.key for t in search("個人番号　宛名シール")] == ["euc"]  # full-width space
    assert search("存在しないことば") == []
    assert len(search("  ")) == len(TOPICS)


@pytest.mark.django_db
def test_help_from_the_screen_header_and_search_in_both_towns(alpha, beta, login):
    clerk = login("hayama-clerk", ALPHA_HOST)
    html = clerk.get("/juminkiroku/").content.decode()
    assert 'href="/juminkiroku/help/screen/jk_search/"' in html and "この画面のヘルプ" in html
    page = clerk.get("/juminkiroku/help/screen/jk_search/").content.decode()
    assert "ヘルプ: 住民検索" in page and "除票・住登外を含む" in page
    html = clerk.get("/juminkiroku/ido/").content.decode()
    assert 'href="/juminkiroku/help/screen/jk_ido_list/"' in html
    # The help page itself links its own help (and the index).
    assert "/juminkiroku/help/screen/jk_help_screen/" in page
    r = clerk.get("/juminkiroku/help/", {"q": "転出"})
    assert 'data-testid="help-hits">' in r.content.decode()
    assert "転出証明書・転入通知" in r.content.decode()
    r = clerk.get("/juminkiroku/help/", {"q": "存在しないことば"})
    assert "見つかりませんでした" in r.content.decode()
    assert clerk.get("/juminkiroku/help/screen/no_such_screen/").status_code == 404
    assert clerk.get("/juminkiroku/help/topic/euc/").status_code == 200
    assert clerk.get("/juminkiroku/help/topic/nothing/").status_code == 404
    # The whole manual (操作方法 and 運用方法) on one page.
    manual = clerk.get("/juminkiroku/help/manual/").content.decode()
    assert manual.count('data-testid="manual-topic"') == len(TOPICS)
    assert (
        "運用: 権限・記録・定期の作業" in manual and "EUC抽出（条件を定めたデータ抽出）" in manual
    )
    # 寒川町 reads the same manual on its own host; a viewer too.
    other = login("samukawa-viewer", BETA_HOST)
    r = other.get("/juminkiroku/help/screen/jk_person/")
    assert r.status_code == 200 and "個人・世帯の照会" in r.content.decode()
    # The manual holds no personal data: reading it writes no access-log row.
    for town in (alpha, beta):
        connection.set_tenant(town.municipality)
        assert not AccessLog.objects.filter(screen__contains="ヘルプ").exists()
        assert not AccessLog.objects.filter(detail__path__contains="help").exists()
    connection.set_schema_to_public()
