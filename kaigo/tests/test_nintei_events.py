"""What ends a 要介護認定 from outside: a death or a 転出 in the registry (the pending 申請
却下, the 認定 stopped from the 喪失日, exactly once; not under 住所地特例), the daily 更新
reminder with the town's own number of days, the 被保険者証's back side, the 他業務 tab and
the code lists — 葉山町 and 寒川町 apart."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from juminkiroku.tests.factories import actor_for
from kaigo.forms.hihokenshasho import cards, cards_render
from kaigo.models import KoshinYokoku, NinteiRireki, NinteiShinsei, Shikaku, ShinseiKubun
from kaigo.public import nintei_code_lists, nintei_on, tagyo_kaigo
from kaigo.services.nintei_shuryo import koshin_yokoku_due, nintei_soshitsu_apply
from kaigo.services.todoke import jutoku_nyusho
from kaigo.tasks import nintei_koshin_yokoku_daily
from kaigo.tests.factories import elders, shibo, tennyu, tenshutsu
from kaigo.tests.nintei_factories import decided, shinsei
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.params.tenant.services import municipal_parameter_set
from tenants.testing.pdf import pdf_pages

pytestmark = pytest.mark.django_db

TENNYU = date(2020, 4, 1)


@pytest.fixture
def people(alpha, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    _, members = tennyu(django_capture_on_commit_callbacks, members=elders(), day=TENNYU)
    return members


def test_death_ends_the_pending_shinsei_and_the_nintei_exactly_once(
    people, beta, django_capture_on_commit_callbacks
):
    husband, wife, _son = people
    clerk = actor_for("hayama-clerk")
    nintei = decided(husband, clerk, day=date(2025, 4, 15))
    pending = shinsei(husband, clerk, day=date(2025, 9, 10), kubun=ShinseiKubun.KOSHIN)
    wifes = shinsei(wife, clerk, day=date(2025, 9, 1))
    # when the husband dies on 20 September 2025 (the registry's 死亡 event)
    ido = shibo(django_capture_on_commit_callbacks, husband, day=date(2025, 9, 20))
    # then his 更新申請 is 却下 and his 認定 stops from the 喪失日, the day after (第11条)
    pending.refresh_from_db()
    nintei.refresh_from_db()
    assert (pending.status, pending.shuryo_riyu, pending.shuryo_ido_id) == (
        "kyakka",
        "資格喪失（死亡）",
        ido.pk,
    )
    assert (nintei.shuryo_date, nintei.shuryo_ido_id) == (date(2025, 9, 21), ido.pk)
    assert Shikaku.objects.get(atena_id=husband.pk).soshitsu_date == date(2025, 9, 21)
    steps = list(
        NinteiRireki.objects.filter(atena_id=husband.pk, step__in=["kyakka", "nintei_shuryo"])
        .order_by("id")
        .values_list("step", "actor")
    )
    assert steps == [("kyakka", "system:kaigo_nintei"), ("nintei_shuryo", "system:kaigo_nintei")]
    # a redelivered event changes nothing
    again = nintei_soshitsu_apply(
        atena_ids=[husband.pk],
        jiyu="shibo",
        jiyu_date=date(2025, 9, 20),
        ido_id=ido.pk,
        actor=Actor(user_id=None, username="system:kaigo_nintei"),
    )
    assert again == (0, 0)
    assert NinteiRireki.objects.filter(atena_id=husband.pk, step="kyakka").count() == 1
    # the wife's own 申請 is untouched
    wifes.refresh_from_db()
    assert wifes.status == "uketsuke"
    # and 寒川町 holds nothing of it
    connection.set_tenant(beta.municipality)
    assert not NinteiShinsei.objects.exists() and not NinteiRireki.objects.exists()


def test_tenshutsu_ends_the_nintei_unless_jushochi_tokurei_keeps_the_shikaku(
    people, django_capture_on_commit_callbacks
):
    husband, wife, _son = people
    clerk = actor_for("hayama-clerk")
    his = decided(husband, clerk, day=date(2025, 4, 15))
    hers = decided(wife, clerk, day=date(2025, 4, 15))
    # the husband enters a 特別養護老人ホーム in 藤沢市 (住所地特例)
    jutoku_nyusho(
        atena_id=husband.pk,
        shisetsu_shurui="kaigo_shisetsu",
        shisetsu_name="特別養護老人ホーム藤沢の里",
        shozai_dantai_code="142051",
        shozai_name="藤沢市",
        nyusho_date=date(2025, 6, 1),
        todoke_date=date(2025, 6, 1),
        actor=clerk,
    )
    tenshutsu(django_capture_on_commit_callbacks, husband, day=date(2025, 6, 1))
    tenshutsu(django_capture_on_commit_callbacks, wife, day=date(2025, 6, 1))
    his.refresh_from_db()
    hers.refresh_from_db()
    assert his.shuryo_date is None  # still insured here: the 認定 goes on
    assert (hers.shuryo_date, hers.shuryo_jiyu) == (date(2025, 6, 2), "資格喪失（転出）")
    on = nintei_on([husband.pk, wife.pk], date(2025, 7, 1))
    assert on[husband.pk].in_effect and not on[wife.pk].in_effect


def test_koshin_reminder_lists_nintei_near_their_end_once_with_the_towns_days(people, beta):
    husband, wife, _son = people
    clerk = actor_for("hayama-clerk")
    his = decided(husband, clerk, day=date(2025, 4, 15))  # ends 31 Oct 2025
    decided(wife, clerk, day=date(2025, 6, 1))  # ends 30 Nov 2025
    # 60 days (the national default) before 31 Oct: only the husband
    assert koshin_yokoku_due(today=date(2025, 9, 1)) == [his.pk]
    assert koshin_yokoku_due(today=date(2025, 9, 1)) == []  # found once
    # an 更新申請 made takes him off the list the screen shows
    shinsei(husband, clerk, day=date(2025, 9, 10), kubun=ShinseiKubun.KOSHIN)
    from kaigo.selectors.nintei import koshin_due

    assert list(koshin_due(date(2025, 10, 5), 60).values_list("atena_id", flat=True)) == [wife.pk]
    # the town sets 20 days: on 5 October the wife (ends 30 Nov) is not yet due
    municipal_parameter_set(
        key="kaigo.nintei.koshin_kansho_nissu",
        fiscal_year=2025,
        value_text="20",
        reason="葉山町介護保険事務取扱要綱第5条",
        actor=Actor(user_id=None, username="hayama-admin"),
    )
    assert koshin_yokoku_due(today=date(2025, 10, 5)) == []
    assert KoshinYokoku.objects.count() == 1
    # 寒川町: nothing, and its own run finds nothing of 葉山町's
    connection.set_tenant(beta.municipality)
    assert nintei_koshin_yokoku_daily() == 0 and not KoshinYokoku.objects.exists()


def test_hihokenshasho_back_side_prints_the_nintei(people):
    husband, wife, _son = people
    clerk = actor_for("hayama-clerk")
    decided(husband, clerk, day=date(2025, 4, 15), hantei="23")
    periods = list(Shikaku.objects.filter(atena_id__in=[husband.pk, wife.pk]).order_by("atena_id"))
    made = cards(periods, kofu_date=date(2025, 6, 1))
    pages = pdf_pages(cards_render(made, issuer="葉山町長", kofu_date=date(2025, 6, 1)))
    his, hers = (pages[0], pages[1]) if made[0].atena_ids == [husband.pk] else (pages[1], pages[0])
    assert "要介護3" in his and "令和7年4月15日から令和7年10月31日まで" in his
    assert "認定なし" in hers and "要介護" not in hers.replace("要介護状態区分", "")
    # after the period: 認定なし again
    made = cards(periods[:1], kofu_date=date(2025, 11, 1))
    assert made[0].item["nintei_kubun"] == "認定なし"


def test_tagyo_tab_and_code_lists(people, beta):
    husband, wife, _son = people
    clerk = actor_for("hayama-clerk")
    decided(husband, clerk, day=date(2025, 4, 15), hantei="12", months=12)  # to 30 Apr 2026
    # the 他業務 tab shows the 認定 in effect today beside the 区分
    with time_machine.travel(date(2025, 5, 1)):
        status = tagyo_kaigo([husband.pk, wife.pk])
    assert status[husband.pk].shutsusho == "介護保険（第1号被保険者・要支援1 令和8年4月30日まで）"
    assert status[wife.pk].shutsusho == "介護保険（第1号被保険者）"
    on = nintei_on([husband.pk], date(2025, 5, 1))[husband.pk]
    assert (on.yokaigo_label, on.yuko_end, on.in_effect) == ("要支援1", date(2026, 4, 30), True)
    assert not nintei_on([husband.pk], date(2026, 5, 1))[husband.pk].in_effect
    lists = {c.name: c for c in nintei_code_lists()}
    yokaigo = dict(lists["要介護状態区分"].codes)
    assert (yokaigo["01"], yokaigo["12"], yokaigo["13"], yokaigo["21"], yokaigo["25"]) == (
        "非該当",
        "要支援1",
        "要支援2",
        "要介護1",
        "要介護5",
    )
    assert dict(lists["認定の異動事由（申請区分（申請時））"].codes)["3"] == "区分変更申請"
    assert len(lists["特定疾病"].codes) == 16 and "施行令第2条" in lists["特定疾病"].source
    connection.set_tenant(beta.municipality)
    assert tagyo_kaigo([husband.pk]) == {} and nintei_on([husband.pk], date(2025, 5, 1)) == {}


def test_demo_cases_in_every_state_once_per_town(people, beta):
    from django.utils import timezone

    from kaigo.services.nintei_demo import nintei_demo_load

    actor = Actor(user_id=None, username="load_kaigo_demo")
    today = timezone.localdate()
    # two 第1号 here (the couple): a 認定 ending soon and one in force
    assert nintei_demo_load(today=today, actor=actor) == 2
    assert sorted(NinteiShinsei.objects.values_list("status", flat=True)) == ["kettei", "kettei"]
    assert nintei_demo_load(today=today, actor=actor) == 0
    connection.set_tenant(beta.municipality)
    assert nintei_demo_load(today=today, actor=actor) == 0 and not NinteiShinsei.objects.exists()
