"""障害者手帳 (issue 21 item 1): 交付・再交付・等級変更・更新・返還 with history and Japanese
refusals, the 精神 有効期限 (精神保健及び精神障害者福祉に関する法律第45条第4項: 2年ごとの認定;
the month-end reading is unconfirmed, see docs/standard/shogaisha_fukushi.md), the grant wall
(a clerk without it learns nothing: UI, search, counts, API — 404 whether the 手帳 exists or
not), the purpose on every access-log row, the expiring list, and two towns."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from fukushi.models import ShogaiTecho, TechoJotai, TechoKind, TechoRirekiKind
from fukushi.rules.shogai_techo import parse_teido, techo_errors, yuko_kigen
from fukushi.services.shogai import (
    TechoInput,
    TechoRefused,
    techo_henkan,
    techo_kofu,
    techo_koshin,
    techo_saikofu,
    techo_tokyu_henko,
)
from juminkiroku.tests.factories import household_tennyu, person_fields
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.params.tenant.services import municipal_parameter_set

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="test-shogai")
BASE = "/fukushi/shogaisha-fukushi"
API = "/api/v1/fukushi/shogaisha-fukushi"


def person(town: str, birth: str = "1970-06-01", shimei: str = "障害　一郎"):
    _, (a,) = household_tennyu(
        town,
        members=[person_fields(shimei=shimei, birth_date=birth)],
        ido_date=date(2020, 4, 1),
    )
    return a


def shintai(atena_id: int, tokyu: str = "2", day: date = date(2025, 6, 10)) -> ShogaiTecho:
    return techo_kofu(
        TechoInput(
            atena_id=atena_id,
            kind=TechoKind.SHINTAI,
            techo_bango="S-0001",
            tokyu=tokyu,
            kofu_date=day,
            bui=("kashi",),
        ),
        actor=ACTOR,
    )


def seishin(atena_id: int, day: date = date(2025, 4, 15), tokyu: str = "1") -> ShogaiTecho:
    return techo_kofu(
        TechoInput(
            atena_id=atena_id,
            kind=TechoKind.SEISHIN,
            techo_bango="P-0001",
            tokyu=tokyu,
            kofu_date=day,
        ),
        actor=ACTOR,
    )


# --- pure rules -----------------------------------------------------------------------------


def test_yuko_kigen_is_two_years_to_the_month_end():
    """精神保健福祉法第45条第4項 (2年ごと); the 有効期限 at the end of the month the 2 years end."""
    assert yuko_kigen(date(2024, 4, 15), 2) == date(2026, 4, 30)
    assert yuko_kigen(date(2024, 2, 29), 2) == date(2026, 3, 31)
    assert yuko_kigen(date(2026, 5, 1), 2) == date(2028, 5, 31)


def test_techo_errors_speak_japanese():
    kw = {"bui_codes": ["kashi"], "ryoiku_teido": ["A1", "A2", "B1", "B2"], "bui": []}
    day = date(2025, 4, 1)
    kw7 = {**kw, "bui": ["kashi"]}
    assert techo_errors(kind="shintai", tokyu="7", kofu_date=day, yuko_kigen_date=None, **kw7) == [
        ("tokyu", "身体障害者手帳の等級は1級から6級です。")
    ]
    assert ("bui", "身体障害者手帳の障害の部位を一つ以上選んでください。") in techo_errors(
        kind="shintai", tokyu="1", kofu_date=day, yuko_kigen_date=None, **kw
    )
    assert techo_errors(kind="seishin", tokyu="4", kofu_date=day, yuko_kigen_date=day, **kw) == [
        ("tokyu", "精神障害者保健福祉手帳の等級は1級から3級です。")
    ]
    assert techo_errors(
        kind="seishin", tokyu="2", kofu_date=day, yuko_kigen_date=day - timedelta(days=1), **kw
    ) == [("yuko_kigen", "有効期限が交付日より前になっています。")]
    assert techo_errors(kind="ryoiku", tokyu="C", kofu_date=day, yuko_kigen_date=None, **kw) == [
        ("tokyu", "療育手帳の程度は A1・A2・B1・B2 のいずれかです。")
    ]
    assert techo_errors(kind="ryoiku", tokyu="A1", kofu_date=day, yuko_kigen_date=None, **kw) == []
    assert parse_teido("1度、2度,3度 , 4度") == ["1度", "2度", "3度", "4度"]


# --- services -------------------------------------------------------------------------------


def test_kofu_henko_koshin_henkan_keep_history(in_alpha):
    a = person("hayama")
    t = shintai(a.pk)
    with pytest.raises(TechoRefused) as exc:
        shintai(a.pk)
    assert ("kind", "この方にはこの種類の有効な手帳がすでにあります。") in exc.value.errors
    techo_tokyu_henko(
        pk=t.pk, day=date(2025, 9, 1), tokyu="1", bui=None, riyu="再認定", actor=ACTOR
    )
    with pytest.raises(TechoRefused) as exc:
        techo_tokyu_henko(pk=t.pk, day=date(2025, 9, 2), tokyu="9", bui=None, riyu="x", actor=ACTOR)
    assert exc.value.errors == [("tokyu", "身体障害者手帳の等級は1級から6級です。")]
    techo_saikofu(pk=t.pk, day=date(2025, 10, 1), techo_bango="S-0002", riyu="紛失", actor=ACTOR)
    techo_henkan(pk=t.pk, day=date(2026, 1, 5), riyu="本人の申出", actor=ACTOR)
    t.refresh_from_db()
    assert (t.jotai, t.shuryo_date, t.tokyu, t.techo_bango) == (
        TechoJotai.HENKAN, date(2026, 1, 5), "1", "S-0002",
    )  # fmt: skip
    got = [(r.kind, r.tokyu_mae, r.tokyu_ato) for r in t.rireki.all()]
    assert got == [
        (TechoRirekiKind.KOFU, "", "2"),
        (TechoRirekiKind.TOKYU_HENKO, "2", "1"),
        (TechoRirekiKind.SAIKOFU, "1", "1"),
        (TechoRirekiKind.HENKAN, "1", "1"),
    ]
    with pytest.raises(TechoRefused):
        techo_saikofu(pk=t.pk, day=date(2026, 2, 1), techo_bango="", riyu="x", actor=ACTOR)
    # a new 手帳 of the kind may be issued after the 返還
    assert shintai(a.pk, tokyu="3", day=date(2026, 3, 1)).jotai == TechoJotai.YUKO
    # 精神: 有効期限 from the 交付日; the 更新 counts from the day after, history keeps both
    p = seishin(a.pk)
    assert p.yuko_kigen == date(2027, 4, 30)
    techo_koshin(pk=p.pk, day=date(2027, 3, 1), tokyu="2", riyu="更新申請", actor=ACTOR)
    p.refresh_from_db()
    assert (p.yuko_kigen, p.tokyu) == (date(2029, 5, 31), "2")
    last = p.rireki.order_by("-id").first()
    assert last is not None and (last.yuko_kigen_mae, last.yuko_kigen_ato) == (
        date(2027, 4, 30), date(2029, 5, 31),
    )  # fmt: skip
    with pytest.raises(TechoRefused) as exc:
        techo_koshin(pk=t.pk, day=date(2026, 3, 1), tokyu="1", riyu="", actor=ACTOR)
    # a 有効期限 typed before the 交付日 is refused
    b = person("hayama", shimei="障害　二郎")
    with pytest.raises(TechoRefused) as exc:
        techo_kofu(
            TechoInput(
                atena_id=b.pk, kind=TechoKind.SEISHIN, techo_bango="P-9", tokyu="2",
                kofu_date=date(2025, 4, 1), yuko_kigen=date(2025, 3, 31),
            ),
            actor=ACTOR,
        )  # fmt: skip
    assert exc.value.errors == [("yuko_kigen", "有効期限が交付日より前になっています。")]


def test_ryoiku_teido_is_the_towns(alpha, beta):
    """The 程度 list is a town parameter (都道府県 name them differently): 寒川町 set to
    東京都's 愛の手帳 words accepts 「2度」, 葉山町 (the default A1・A2・B1・B2) refuses it."""
    connection.set_tenant(beta.municipality)
    municipal_parameter_set(
        key="fukushi.shogai.techo.ryoiku_teido", fiscal_year=2025, value_text="1度,2度,3度,4度",
        reason="試験", actor=ACTOR,
    )  # fmt: skip
    b = person("samukawa")
    data = TechoInput(
        atena_id=b.pk, kind=TechoKind.RYOIKU, techo_bango="R-1", tokyu="2度",
        kofu_date=date(2025, 6, 1),
    )  # fmt: skip
    assert techo_kofu(data, actor=ACTOR).tokyu == "2度"
    connection.set_tenant(alpha.municipality)
    a = person("hayama")
    with pytest.raises(TechoRefused) as exc:
        techo_kofu(TechoInput(**{**data.__dict__, "atena_id": a.pk}), actor=ACTOR)
    assert exc.value.errors == [("tokyu", "療育手帳の程度は A1・A2・B1・B2 のいずれかです。")]


# --- the wall, the purpose, two towns -------------------------------------------------------


def test_a_clerk_without_the_grant_learns_nothing(alpha, login):
    connection.set_tenant(alpha.municipality)
    a = person("hayama", shimei="秘匿　花子")
    t = shintai(a.pk)
    missing = t.pk + 1000
    connection.set_schema_to_public()
    for who in ("hayama-clerk", "hayama-viewer"):
        c = login(who, alpha.host)
        for url, other in [
            (f"{BASE}/techo/{t.pk}/", f"{BASE}/techo/{missing}/"),
            (f"{BASE}/techo/{t.pk}/mokuteki/", f"{BASE}/techo/{missing}/mokuteki/"),
            (f"{API}/techo/{t.pk}/", f"{API}/techo/{missing}/"),
            (f"{BASE}/kigen/", f"{BASE}/kigen/"),
        ]:
            got, got_missing = c.get(url, HTTP_X_PURPOSE="x"), c.get(other, HTTP_X_PURPOSE="x")
            assert got.status_code == got_missing.status_code, (who, url)
            assert got.status_code in (403, 404), (who, url)
            assert "秘匿" not in got.content.decode()
        assert c.post(f"{BASE}/techo/{t.pk}/ido/", {"ido": "henkan"}).status_code in (403, 404)
        top = c.get(f"{BASE}/")
        html = top.content.decode()
        assert top.status_code == 200 and "件" not in html and "S-0001" not in html
        r = c.post(f"{BASE}/", {"mokuteki": "確認", "atena_no": a.atena_no})
        assert "shogai-results" not in r.content.decode() and "results" not in r.context_data
    connection.set_tenant(alpha.municipality)
    assert not (
        AccessLog.objects.filter(
            record_type="fukushi.ShogaiTecho", username__in=["hayama-clerk", "hayama-viewer"]
        )
        .exclude(action="denied")
        .exists()
    )


def test_every_read_is_logged_with_the_purpose_and_towns_apart(alpha, beta, login):
    connection.set_tenant(alpha.municipality)
    a = person("hayama", shimei="目的　太郎")
    t = shintai(a.pk)
    # issued a year ago: its 有効期限 (about a year ahead) falls within the next 24 months
    kofu = timezone.localdate().replace(day=1) - timedelta(days=365)
    p = seishin(a.pk, day=kofu)
    connection.set_schema_to_public()
    c = login("hayama-shinsa", alpha.host)
    r = c.get(f"{BASE}/techo/{t.pk}/")
    assert r.status_code == 302 and r["Location"].endswith(f"/techo/{t.pk}/mokuteki/")
    c.post(f"{BASE}/techo/{t.pk}/mokuteki/", {"mokuteki": "等級変更の受付"})
    r = c.get(f"{BASE}/techo/{t.pk}/")
    html = r.content.decode()
    assert r.status_code == 200 and "目的　太郎" in html and "2級" in html
    assert "肢体不自由（下肢）" in html and "令和7年6月10日" in html
    r = c.post(f"{BASE}/", {"mokuteki": "窓口の照会", "atena_no": a.atena_no})
    assert {x.pk for x in r.context_data["results"]} == {t.pk, p.pk}
    api = f"{API}/techo/{p.pk}/"
    assert c.get(api).status_code == 400
    r = c.get(api, HTTP_X_PURPOSE="更新の確認")
    assert r.status_code == 200 and r.json()["yuko_kigen"] == yuko_kigen(kofu, 2).isoformat()
    # the expiring list (N months ahead from today) holds 精神 手帳 only, by 有効期限
    r = c.post(f"{BASE}/kigen/", {"mokuteki": "更新の案内", "months": "24"})
    assert [x.pk for x in r.context_data["results"]] == [p.pk]
    connection.set_tenant(alpha.municipality)
    rows = AccessLog.objects.filter(record_type="fukushi.ShogaiTecho", username="hayama-shinsa")
    got = [(row.screen, row.action, row.purpose) for row in rows.order_by("id")]
    assert got == [
        ("fukushi.shogai_techo", "read", "等級変更の受付"),
        ("fukushi.shogai_search", "search", "窓口の照会"),
        ("api.fukushi.shogai_techo", "read", "更新の確認"),
        ("fukushi.shogai_kigen", "search", "更新の案内"),
    ]
    # 寒川町's 審査者 (holding the grant in 寒川町) reaches nothing of 葉山町
    connection.set_schema_to_public()
    cb = login("samukawa-shinsa", beta.host)
    assert cb.get(f"{BASE}/techo/{t.pk}/mokuteki/").status_code == 404
    assert cb.get(api, HTTP_X_PURPOSE="x").status_code == 404
    r = cb.post(f"{BASE}/", {"mokuteki": "確認", "techo_bango": "S-0001"})
    assert list(r.context_data["results"]) == []
    r = cb.post(f"{BASE}/kigen/", {"mokuteki": "更新の案内", "months": "24"})
    assert list(r.context_data["results"]) == []


def test_screens_kofu_and_ido(alpha, login):
    connection.set_tenant(alpha.municipality)
    a = person("hayama", shimei="画面　三郎")
    connection.set_schema_to_public()
    c = login("hayama-shinsa", alpha.host)
    form = {
        "atena_no": a.atena_no, "kind": "shintai", "techo_bango": "S-77", "tokyu": "7",
        "bui": ["shikaku"], "kofu_date": "令和7年5月1日",
    }  # fmt: skip
    r = c.post(f"{BASE}/kofu/", form)
    assert r.status_code == 200 and "身体障害者手帳の等級は1級から6級です。" in r.content.decode()
    r = c.post(f"{BASE}/kofu/", {**form, "tokyu": "3"})
    assert r.status_code == 302
    connection.set_tenant(alpha.municipality)
    t = ShogaiTecho.objects.get(atena_id=a.pk)
    connection.set_schema_to_public()
    r = c.post(
        f"{BASE}/techo/{t.pk}/ido/",
        {"ido": "tokyu_henko", "jiyu_date": "令和7年8月1日", "tokyu": "2", "riyu": "再認定"},
    )
    assert r.status_code == 302
    html = c.get(f"{BASE}/techo/{t.pk}/").content.decode()
    assert "等級変更" in html and "3 → 2" in html and "令和7年8月1日" in html


# --- events (issue 21 item 2) ----------------------------------------------------------------


def _redeliver(name: str, ido_id: int, subscriber: str) -> None:
    from tenants.events.models import Delivery, DeliveryStatus, DomainEvent
    from tenants.events.tasks import deliver_event

    event = DomainEvent.objects.get(name=name, payload__ido_id=ido_id)
    delivery = Delivery.objects.get(event=event, subscriber=subscriber)
    assert delivery.status == DeliveryStatus.DONE
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.PENDING)
    deliver_event.apply(args=[event.pk, subscriber])


def test_death_and_tenshutsu_end_the_techo_once(alpha, beta, django_capture_on_commit_callbacks):
    """A death: 失効 from the day after; a 転出確定: 転出 from the day after the 除票 date;
    a second delivery writes nothing; 寒川町's 手帳 of its own resident are untouched."""
    from juminkiroku.tests.factories import shibo, tenshutsu

    connection.set_tenant(beta.municipality)
    other = person("samukawa")
    other_t = shintai(other.pk)
    connection.set_tenant(alpha.municipality)
    died, moved = person("hayama", shimei="死亡　一"), person("hayama", shimei="転出　二")
    t1, t2 = shintai(died.pk), seishin(died.pk)
    t3 = shintai(moved.pk)
    with django_capture_on_commit_callbacks(execute=True):
        ido = shibo(died, ido_date=date(2026, 2, 10))
    with django_capture_on_commit_callbacks(execute=True):
        ido2 = tenshutsu(moved, ido_date=date(2026, 3, 1), todoke_date=date(2026, 2, 20))
    for t in (t1, t2, t3):
        t.refresh_from_db()
    assert (t1.jotai, t1.shuryo_date) == (TechoJotai.SHIKKO, date(2026, 2, 11))
    assert (t2.jotai, t2.shuryo_date) == (TechoJotai.SHIKKO, date(2026, 2, 11))
    assert t3.jotai == TechoJotai.TENSHUTSU and t3.shuryo_date == date(2026, 3, 2)
    last = t1.rireki.order_by("-id").first()
    assert last is not None and (last.kind, last.ido_id) == (TechoRirekiKind.SHIKKO, ido.pk)
    _redeliver("juminkiroku.shibo", ido.pk, "fukushi.subscribers.shogai.shogai_techo_on_shibo")
    _redeliver(
        "juminkiroku.tenshutsu_kakutei",
        ido2.pk,
        "fukushi.subscribers.shogai.shogai_techo_on_tenshutsu",
    )
    assert t1.rireki.count() == 2 and t3.rireki.count() == 2
    assert (
        AccessLog.objects.filter(
            record_type="fukushi.ShogaiTecho", screen="fukushi.shogai_renkei"
        ).count()
        == 3
    )
    connection.set_tenant(beta.municipality)
    other_t.refresh_from_db()
    assert other_t.jotai == TechoJotai.YUKO and other_t.rireki.count() == 1


def test_search_pages_keep_the_criteria(alpha, login, monkeypatch):
    """Paging travels in the POST body with the criteria and the purpose (never in the URL)."""
    monkeypatch.setattr("fukushi.views.shogai.PAGE_SIZE", 1)
    connection.set_tenant(alpha.municipality)
    a = person("hayama", shimei="頁送　一")
    shintai(a.pk)
    seishin(a.pk)
    other = person("hayama", shimei="頁送　二")
    shintai(other.pk)
    connection.set_schema_to_public()
    c = login("hayama-shinsa", alpha.host)
    q = {"mokuteki": "一覧の確認", "atena_no": a.atena_no}
    first = c.post(f"{BASE}/", q)
    html = first.content.decode()
    assert "検索の結果（2件）" in html and "1 / 2ページ" in html and 'value="2"' in html
    second = c.post(f"{BASE}/", {**q, "page": "2"})
    assert "2 / 2ページ" in second.content.decode()
    ids = [first.context_data["results"][0].pk, second.context_data["results"][0].pk]
    connection.set_tenant(alpha.municipality)
    assert set(ids) == set(ShogaiTecho.objects.filter(atena_id=a.pk).values_list("pk", flat=True))
    assert (
        AccessLog.objects.filter(
            screen="fukushi.shogai_search", purpose="一覧の確認", action="search"
        ).count()
        == 2
    )
