"""住民照会 and 世帯照会 screens: every item, masked 個人番号 and its logged reveal, the
history timeline, the household now and as of a date, 抑止 and the two-town wall."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from juminkiroku.codes import IdoJiyu, YokushiLevel, YokushiProcess
from juminkiroku.models import Atena, Setai, ShienSochi, Yokushi
from juminkiroku.selectors.person import history_entries
from juminkiroku.services.ido import PersonChange, ido_enter
from juminkiroku.tests.factories import (
    actor_for,
    approve,
    family,
    household_tennyu,
    shibo_then_cancel,
    tenkyo,
    tenshutsu,
)
from tenants.accesslog.models import AccessLog
from tenants.checkdigits import kojin_bango_check_digit
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db

KOJIN_BANGO = "12345678901" + str(kojin_bango_check_digit("12345678901"))


def logs(town, **filters):
    connection.set_tenant(town.municipality)
    rows = list(AccessLog.objects.filter(gyomu="juminkiroku", **filters).order_by("id"))
    connection.set_schema_to_public()
    return rows


@pytest.fixture
def yamada(in_alpha):
    """山田 family, moved within the town in 2023, the child moved out in 2024."""
    members = family()
    members[0]["kojin_bango"] = KOJIN_BANGO
    _, (head, wife, child) = household_tennyu("hayama", members=members, ido_date=date(2020, 4, 1))
    tenkyo([head, wife, child], ido_date=date(2023, 6, 10), todoke_date=date(2023, 6, 12))
    tenshutsu(child, ido_date=date(2024, 12, 20), todoke_date=date(2024, 12, 10))
    people = [Atena.objects.get(pk=a.pk) for a in (head, wife, child)]
    connection.set_schema_to_public()
    return people


def lock(town, *, atena=None, setai_id=None, level=YokushiLevel.ERROR, process="shokai"):
    connection.set_tenant(town.municipality)
    y = Yokushi.objects.create(
        atena=atena,
        setai_id=setai_id,
        process=process,
        level=level,
        start_date=timezone.localdate() - timedelta(days=1),
        reason="支援措置",
        created_by="hayama-shinsa",
    )
    connection.set_schema_to_public()
    return y


# --- the person screen --------------------------------------------------------------


def test_person_screen_shows_the_record_masks_the_number_and_logs_a_read(world, login, yamada):
    head, _wife, _child = yamada
    client = login("hayama-viewer", ALPHA_HOST)
    response = client.get(f"/juminkiroku/persons/{head.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        "山田　太郎",
        "ヤマダ　タロウ",
        head.atena_no,
        "昭和55年5月5日",
        "神奈川県三浦郡葉山町一色1番地",
        "神奈川県三浦郡葉山町堀内2135番地",  # 本籍
        "〒240-0112",
        "世帯主",
        "令和5年6月10日",  # 住所を定めた日
    ):
        assert text in html, text
    connection.set_tenant(world.alpha.municipality)
    setai_no = Setai.objects.get(pk=head.setai_id).setai_no
    connection.set_schema_to_public()
    assert f"<dt>世帯番号</dt><dd>{setai_no}</dd>" in html
    assert "************" in html and KOJIN_BANGO not in html
    assert "個人番号を表示" not in html  # 閲覧者 holds no 個人番号の表示 grant
    assert "異動入力</a>" not in html.split('class="actions"')[1]  # 閲覧者 cannot write
    assert f'href="/juminkiroku/setai/{head.setai_id}/"' in html
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    )
    (row,) = logs(world.alpha, action="read", record_type="atena")
    assert row.record_id == str(head.pk) and row.username == "hayama-viewer"
    assert not row.mynumber_viewed


def test_clerk_gets_links_to_ido_and_certificates(world, login, yamada):
    head = yamada[0]
    html = (
        login("hayama-clerk", ALPHA_HOST).get(f"/juminkiroku/persons/{head.pk}/").content.decode()
    )
    assert f'href="/juminkiroku/ido/new/?atena={head.pk}"' in html
    form = re.search(r'<form method="post" action="/juminkiroku/shomei/"[^>]*>(.*?)</form>', html)
    assert form and f'name="atena_no" value="{head.atena_no}"' in form.group(1)
    assert not any(head.atena_no in href for href in re.findall(r'href="([^"]*)"', html))


def test_household_panel_lists_current_members_in_order(world, login, yamada):
    head, wife, _child = yamada
    html = (
        login("hayama-clerk", ALPHA_HOST).get(f"/juminkiroku/persons/{wife.pk}/").content.decode()
    )
    panel = html[html.index('id="jk-setai"') : html.index('id="jk-history"')]
    assert panel.index("山田　太郎") < panel.index("山田　花子")
    assert "山田　一郎" not in panel  # moved out in 2024
    assert f'href="/juminkiroku/persons/{head.pk}/"' in panel
    assert "妻" in panel and "世帯主" in panel


def test_history_timeline_shows_each_version_and_what_changed(world, login, yamada):
    head = yamada[0]
    html = (
        login("hayama-clerk", ALPHA_HOST).get(f"/juminkiroku/persons/{head.pk}/").content.decode()
    )
    timeline = html[html.index('id="jk-history"') :]
    assert "転入" in timeline and "転居" in timeline
    assert "令和2年4月1日" in timeline and "令和5年6月12日" in timeline  # 異動日, 届出日
    assert re.search(r"住所: 神奈川県三浦郡葉山町堀内 → 神奈川県三浦郡葉山町一色", timeline)
    assert re.search(r"番地: 2135番地 → 1番地", timeline)
    assert "<s>" not in timeline


def test_cancelled_version_is_struck_through_with_its_mark(world, login, in_alpha):
    _, (head,) = household_tennyu("hayama")
    shibo_then_cancel(head)
    entries = history_entries(head.pk)
    assert [(e.jiyu, e.superseded, e.mark) for e in entries] == [
        (IdoJiyu.TENNYU, True, "取消"),
        (IdoJiyu.TORIKESHI, False, ""),
        (IdoJiyu.SHIBO, True, "取消"),
    ]
    assert any(c.field == "jotai" and c.after == "死亡" for c in entries[2].changes)
    connection.set_schema_to_public()
    html = (
        login("hayama-clerk", ALPHA_HOST).get(f"/juminkiroku/persons/{head.pk}/").content.decode()
    )
    timeline = html[html.index('id="jk-history"') :]
    assert "<s>死亡</s>" in timeline
    assert timeline.count('data-testid="history-mark">取消<') == 2
    assert "異動の取消しにより復元" in timeline


def test_goki_shusei_marks_the_wrong_version_as_corrected(in_alpha):
    _, (head,) = household_tennyu("hayama")
    fix = ido_enter(
        jiyu=IdoJiyu.GOKI_SHUSEI,
        ido_date=date(2024, 1, 5),
        todoke_date=None,
        changes=[PersonChange(head.pk, {"banchi": "2136番地"})],
        actor=actor_for("hayama-clerk"),
    )
    approve(fix, reviewer="hayama-shinsa")
    entries = history_entries(head.pk)
    assert [(e.superseded, e.mark) for e in entries] == [(True, "訂正"), (False, "")]
    assert [(c.label, c.before, c.after) for c in entries[1].changes] == [
        ("番地", "2135番地", "2136番地")
    ]


# --- 個人番号 ---------------------------------------------------------------------


def test_reveal_works_for_the_grant_holder_and_is_logged(world, login, yamada):
    head = yamada[0]
    client = login("hayama-shinsa", ALPHA_HOST)
    page = client.get(f"/juminkiroku/persons/{head.pk}/").content.decode()
    button = re.search(r'<button[^>]*hx-post="([^"]+)"[^>]*>個人番号を表示</button>', page)
    assert button and button.group(1) == f"/juminkiroku/persons/{head.pk}/kojin-bango/"
    assert KOJIN_BANGO not in page
    response = client.post(button.group(1), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert (
        f'data-testid="kojin-bango" aria-live="polite">{KOJIN_BANGO}<' in response.content.decode()
    )
    assert "no-store" in response["Cache-Control"]
    (row,) = logs(world.alpha, mynumber_viewed=True)
    assert row.record_type == "atena" and row.record_id == str(head.pk)
    assert row.username == "hayama-shinsa" and row.action == "read"
    assert KOJIN_BANGO not in str(row.detail)


@pytest.mark.parametrize("username", ["hayama-clerk", "hayama-viewer"])
def test_reveal_is_refused_without_the_grant_and_the_refusal_is_logged(
    world, login, yamada, username
):
    head = yamada[0]
    client = login(username, ALPHA_HOST)
    response = client.post(f"/juminkiroku/persons/{head.pk}/kojin-bango/")
    assert response.status_code == 403
    assert KOJIN_BANGO not in response.content.decode()
    assert "権限がありません" in response.content.decode()
    assert logs(world.alpha, mynumber_viewed=True) == []
    (denied,) = logs(world.alpha, action="denied")
    assert denied.record_id == str(head.pk) and denied.detail == {"reason": "no_kengen"}


def test_reveal_is_post_only(world, login, yamada):
    client = login("hayama-shinsa", ALPHA_HOST)
    response = client.get(f"/juminkiroku/persons/{yamada[0].pk}/kojin-bango/")
    assert response.status_code == 405
    assert logs(world.alpha, mynumber_viewed=True) == []


# --- 抑止 and 支援措置 ----------------------------------------------------------------


def test_shokai_yokushi_refuses_the_screen_and_logs_the_refusal(world, login, yamada):
    head = yamada[0]
    y = lock(world.alpha, atena=head)
    client = login("hayama-shinsa", ALPHA_HOST)
    response = client.get(f"/juminkiroku/persons/{head.pk}/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "照会抑止が設定されています" in html and "山田" not in html
    reveal = client.post(f"/juminkiroku/persons/{head.pk}/kojin-bango/")
    assert reveal.status_code == 403 and KOJIN_BANGO not in reveal.content.decode()
    assert logs(world.alpha, action="read", record_type="atena") == []
    assert len(logs(world.alpha, action="denied", record_id=str(head.pk))) == 2
    # A temporary unlock lets the screen open until it runs out.
    connection.set_tenant(world.alpha.municipality)
    Yokushi.objects.filter(pk=y.pk).update(
        temp_unlock_until=timezone.now() + timedelta(minutes=30), temp_unlock_by="hayama-admin"
    )
    connection.set_schema_to_public()
    assert client.get(f"/juminkiroku/persons/{head.pk}/").status_code == 200


def test_household_lock_refuses_every_member_and_the_household(world, login, yamada):
    head, wife, _ = yamada
    lock(world.alpha, setai_id=head.setai_id)
    client = login("hayama-clerk", ALPHA_HOST)
    assert client.get(f"/juminkiroku/persons/{wife.pk}/").status_code == 403
    assert client.get(f"/juminkiroku/setai/{head.setai_id}/").status_code == 403


def test_alerts_and_shien_sochi_are_badges(world, login, yamada):
    head, wife, _ = yamada
    lock(world.alpha, atena=head, level=YokushiLevel.ALERT)
    lock(world.alpha, atena=head, level=YokushiLevel.ERROR, process=YokushiProcess.HAKKO)
    lock(world.alpha, atena=wife, level=YokushiLevel.ERROR)
    connection.set_tenant(world.alpha.municipality)
    today = timezone.localdate()
    ShienSochi.objects.create(
        atena=head,
        start_date=today - timedelta(days=10),
        end_date=today + timedelta(days=355),
        moshide_date=today - timedelta(days=12),
        created_by="hayama-shinsa",
    )
    connection.set_schema_to_public()
    html = (
        login("hayama-clerk", ALPHA_HOST).get(f"/juminkiroku/persons/{head.pk}/").content.decode()
    )
    badges = re.findall(r'data-testid="yokushi-badge"[^>]*>([^<]+)<', html)
    assert sorted(badges) == ["照会アラート", "発行抑止"]
    assert 'data-testid="shien-badge"' in html
    assert "照会アラートが設定されています" in html
    panel = html[html.index('id="jk-setai"') : html.index('id="jk-history"')]
    assert "山田　花子" not in panel and "照会抑止中" in panel


# --- the household screen -----------------------------------------------------------


def test_household_now_and_as_of_a_date(world, login, yamada):
    head, _wife, _child = yamada
    client = login("hayama-viewer", ALPHA_HOST)
    now = client.get(f"/juminkiroku/setai/{head.setai_id}/").content.decode()
    # 山田一郎 moved out: not a member now, listed among the removed (標準仕様書 3.3).
    current, removed = now.split('data-testid="setai-removed"')
    assert "山田　太郎" in current and "山田　花子" in current and "山田　一郎" not in current
    assert "山田　一郎" in removed
    assert re.search(r'<form method="post" action="/juminkiroku/setai/\d+/"', now)
    before = client.post(f"/juminkiroku/setai/{head.setai_id}/", {"on": "令和6年1月1日"})
    html = before.content.decode()
    assert before.status_code == 200
    assert "令和6年1月1日時点" in html
    assert "山田　一郎" in html and "神奈川県三浦郡葉山町一色1番地" in html
    older = client.post(f"/juminkiroku/setai/{head.setai_id}/", {"on": "2021-01-01"})
    assert "神奈川県三浦郡葉山町堀内2135番地" in older.content.decode()
    bad = client.post(f"/juminkiroku/setai/{head.setai_id}/", {"on": "令和6年13月1日"})
    assert bad.status_code == 200 and "errorlist" in bad.content.decode()
    rows = logs(world.alpha, action="read", record_type="setai")
    assert [r.detail.get("as_of") for r in rows] == [None, "2024-01-01", "2021-01-01", None]
    assert rows[1].record_count == 3 and rows[0].record_count == 2
    assert sorted(rows[1].detail["atena_ids"]) == sorted(a.pk for a in yamada)


# --- two towns ----------------------------------------------------------------------


def test_samukawa_cannot_see_hayama_persons_by_pk_or_host(world, login, yamada):
    head = yamada[0]
    connection.set_tenant(world.beta.municipality)
    assert not Atena.objects.filter(pk=head.pk).exists()
    connection.set_schema_to_public()
    client = login("samukawa-viewer", BETA_HOST)
    for url in (
        f"/juminkiroku/persons/{head.pk}/",
        f"/juminkiroku/setai/{head.setai_id}/",
    ):
        assert client.get(url).status_code == 404
    assert client.post(f"/juminkiroku/persons/{head.pk}/kojin-bango/").status_code == 404
    # The samukawa session is not a session on 葉山町's host.
    other = client.get(f"/juminkiroku/persons/{head.pk}/", HTTP_HOST=ALPHA_HOST)
    assert other.status_code == 302 and other["Location"].startswith("/login/")
    assert logs(world.alpha, action="read") == []
    assert logs(world.beta, action="read") == []


def test_support_staff_reads_are_marked_and_they_cannot_reveal(world, login, yamada):
    # samukawa-clerk helps 葉山町 for a week (応援職員), with no 個人番号 grant there.
    head = yamada[0]
    client = login("samukawa-clerk", ALPHA_HOST)
    assert client.get(f"/juminkiroku/persons/{head.pk}/").status_code == 200
    assert client.post(f"/juminkiroku/persons/{head.pk}/kojin-bango/").status_code == 403
    (row,) = logs(world.alpha, action="read", record_type="atena")
    assert row.is_support and row.username == "samukawa-clerk"
    assert logs(world.beta, action="read") == []


def test_only_active_locks_count(world, login, yamada):
    # The person query is compiled once with stand-in dates: the real ones must be used.
    head = yamada[0]
    today = timezone.localdate()
    connection.set_tenant(world.alpha.municipality)
    base = {"atena": head, "process": "shokai", "level": "error", "created_by": "x", "reason": "r"}
    Yokushi.objects.create(**base, start_date=today + timedelta(days=1))  # not yet
    Yokushi.objects.create(**base, start_date=today - timedelta(days=9), released_at=timezone.now())
    connection.set_schema_to_public()
    client = login("hayama-clerk", ALPHA_HOST)
    assert client.get(f"/juminkiroku/persons/{head.pk}/").status_code == 200
    connection.set_tenant(world.alpha.municipality)
    expired = Yokushi.objects.create(
        **base,
        start_date=today,
        temp_unlock_until=timezone.now() + timedelta(minutes=5),
    )
    connection.set_schema_to_public()
    assert client.get(f"/juminkiroku/persons/{head.pk}/").status_code == 200  # unlocked a while
    connection.set_tenant(world.alpha.municipality)
    Yokushi.objects.filter(pk=expired.pk).update(temp_unlock_until=timezone.now())
    connection.set_schema_to_public()
    assert client.get(f"/juminkiroku/persons/{head.pk}/").status_code == 403  # back by itself
    # 標準仕様書 3.1: a lock whose 終了日 has passed is not ended by itself.
    connection.set_tenant(world.alpha.municipality)
    Yokushi.objects.filter(pk=expired.pk).update(released_at=timezone.now())
    past_end = Yokushi.objects.create(
        **base, start_date=today - timedelta(days=9), end_date=today - timedelta(days=1)
    )
    connection.set_schema_to_public()
    assert client.get(f"/juminkiroku/persons/{head.pk}/").status_code == 403
    connection.set_tenant(world.alpha.municipality)
    Yokushi.objects.filter(pk=past_end.pk).update(released_at=timezone.now())
    connection.set_schema_to_public()
    assert client.get(f"/juminkiroku/persons/{head.pk}/").status_code == 200  # released


def test_foreign_resident_items_are_shown(world, login, in_alpha):
    from juminkiroku.codes import JuminShubetsu
    from juminkiroku.tests.factories import person_fields

    _, (person,) = household_tennyu(
        "hayama",
        members=[
            person_fields(
                shimei="ＳＭＩＴＨ　ＪＯＨＮ",
                shimei_kana="スミス　ジョン",
                shubetsu=JuminShubetsu.GAIKOKUJIN,
                alpha_name="SMITH JOHN",
                kokuseki="アメリカ合衆国",
                zairyu_shikaku="永住者",
                honseki="",
                hittosha="",
            )
        ],
    )
    connection.set_schema_to_public()
    html = login("hayama-clerk", ALPHA_HOST).get(f"/juminkiroku/persons/{person.pk}/")
    text = html.content.decode()
    assert "SMITH JOHN" in text and "アメリカ合衆国" in text and "永住者" in text
    assert "<dt>本籍</dt>" not in text
