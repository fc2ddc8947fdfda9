"""The 更正 of 固定資産税 and 軽自動車税 through the REST API (zeimu/api/kotei.py
``KoteiKoseiView``, zeimu/api/keijidosha.py ``KeiKoseiView``): the screens' services
(``kotei_kosei``, ``kei_kosei``) behind them, so the 納期限 rule of an 増額更正's notice
(``zeimu.services.common.kosei_nouki_problem``, docs/standard/shuno.md S-7c) is the same
rule: required on an increase, refused on a 減額 or before the 更正's day — 422 naming
``kosei_nouki``; a malformed body is 400 naming the field; a refused call writes nothing; a
read-only key or the 閲覧者 gets 403; 寒川町's key reaches none of 葉山町's assessments (404).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from juminkiroku.tests.factories import family, household_tennyu, jutogai
from tenants.accesslog.models import AccessAction, AccessLog
from tenants.api.authentication import apiclient_create
from tenants.db import connection
from tenants.models import Gyomu, Membership, MembershipRole, RoleLevel, Subscription
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.models import Chotei, ChoteiKind, KeiFuka, Kibetsu, KoteiFuka, Zeimoku
from zeimu.services.common import (
    KOSEI_NOUKI_NOT_ZOGAKU,
    KOSEI_NOUKI_PAST,
    KOSEI_NOUKI_REQUIRED,
)
from zeimu.services.keijidosha import NO_LAW_YEAR, kei_ido_record
from zeimu.tests.keijidosha_helpers import run_tosho as kei_tosho
from zeimu.tests.keijidosha_helpers import sharyo
from zeimu.tests.kotei_helpers import ACTOR, kaoku, owner, run_tosho, tochi

pytestmark = pytest.mark.django_db

JSON = "application/json"


def later(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def _key(town: Any, host: str, scopes: list[str]) -> Client:
    name = "連携 " + " ".join(scopes)  # a town's client names are unique
    _, key = apiclient_create(municipality=town.municipality, name=name[:100], scopes=scopes)
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {key}")


def _beta_subscribes(beta: Any, code: str) -> None:
    """寒川町 takes the module and its clerk may write it: a refusal is the wall's."""
    connection.set_schema_to_public()
    gyomu = Gyomu.objects.get(code=code)
    Subscription.objects.get_or_create(
        municipality=beta.municipality, gyomu=gyomu, defaults={"start_month": date(2020, 4, 1)}
    )
    MembershipRole.objects.get_or_create(
        membership=Membership.objects.get(
            user__username="samukawa-clerk", municipality=beta.municipality
        ),
        gyomu=gyomu,
        defaults={"level": RoleLevel.WRITE},
    )


def _fields(r: Any) -> dict[str, Any]:
    body: dict[str, Any] = r.json()
    return body


def _kotei(town: Any, code: str, capture: Any, *, house_after: bool) -> dict[str, Any]:
    """A 納税義務者 with one parcel assessed for 令和7年度; with ``house_after`` a house is
    found after the 賦課 (an increase), else the house assessed is then removed (a 減額)."""
    connection.set_tenant(town.municipality)
    _, (head, *_rest) = household_tennyu(code, members=family(), ido_date=date(2015, 4, 1))
    n = owner(head.pk)
    tochi(n, "100番1", 18_900_600, "150", zennen=(3_119_250, 6_390_750))
    h = None if house_after else kaoku(n, "100番1", 9_000_000, "90")
    run_tosho(capture)
    fuka = KoteiFuka.objects.get(nozeisha=n, is_current=True)
    first = Kibetsu.objects.get(zeimoku=Zeimoku.KOTEIZEI, key__endswith=f":{n.pk}:1")
    if house_after:
        kaoku(n, "100番1", 9_000_000, "90")
    else:
        assert h is not None
        h.kakaku.all().delete()
    connection.set_schema_to_public()
    return {"nozeisha": n, "fuka": fuka, "first": first}


def _kotei_state(town: Any, nozeisha: Any) -> tuple[int, int]:
    """(versions of the 納税義務者's assessment, 増額 entries of the town's ledger)."""
    connection.set_tenant(town.municipality)
    out = (
        KoteiFuka.objects.filter(nozeisha=nozeisha).count(),
        Chotei.objects.filter(kind=ChoteiKind.ZOGAKU).count(),
    )
    connection.set_schema_to_public()
    return out


def test_kotei_kosei_api_increase_needs_the_notices_nouki(
    login: Any, alpha: Any, beta: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given: 葉山町's assessment, a house found after it (the year's tax rises)
    a = _kotei(alpha, "hayama", django_capture_on_commit_callbacks, house_after=True)
    url = f"/api/v1/zeimu/kotei/fuka/{a['fuka'].pk}/kosei/"
    api = _key(alpha, ALPHA_HOST, ["kotei_shisanzei:read", "kotei_shisanzei:write"])
    notice = later(30)
    # when: refused calls — no 納期限, one before today, a malformed date, a control
    # character in the reason, no reason
    r = api.post(url, {"reason": "未評価家屋"}, content_type=JSON)
    assert r.status_code == 422 and _fields(r)["kosei_nouki"] == [KOSEI_NOUKI_REQUIRED]
    r = api.post(
        url, {"reason": "未評価家屋", "kosei_nouki": later(-1).isoformat()}, content_type=JSON
    )
    assert r.status_code == 422 and _fields(r)["kosei_nouki"] == [KOSEI_NOUKI_PAST]
    r = api.post(url, {"reason": "未評価家屋", "kosei_nouki": "2026-13-01"}, content_type=JSON)
    assert r.status_code == 400 and "kosei_nouki" in r.content.decode()
    r = api.post(
        url, {"reason": "未評価\x00家屋", "kosei_nouki": notice.isoformat()}, content_type=JSON
    )
    assert r.status_code == 400 and "reason" in r.content.decode()
    r = api.post(url, {"kosei_nouki": notice.isoformat()}, content_type=JSON)
    assert r.status_code == 400 and "reason" in r.content.decode()
    # the 閲覧者 (session) and a read-only key may not write
    viewer = login("hayama-viewer", ALPHA_HOST)
    body = {"reason": "未評価家屋", "kosei_nouki": notice.isoformat()}
    assert viewer.post(url, body, content_type=JSON).status_code == 403
    reader = _key(alpha, ALPHA_HOST, ["kotei_shisanzei:read"])
    assert reader.post(url, body, content_type=JSON).status_code == 403
    # then: nothing was written by any of them
    assert _kotei_state(alpha, a["nozeisha"]) == (1, 0)
    # when: with the notice's 納期限
    r = api.post(url, body, content_type=JSON)
    # then: the new assessment, its increase posted due by the notice's 納期限
    assert r.status_code == 201, r.content.decode()
    out = _fields(r)
    assert (out["version"], out["kind"], out["kosei_nouki"]) == (2, "kosei", notice.isoformat())
    assert out["previous_id"] == a["fuka"].pk and out["nozeisha_id"] == a["nozeisha"].pk
    assert out["nengaku"] > a["fuka"].nengaku
    connection.set_tenant(alpha.municipality)
    new = KoteiFuka.objects.get(nozeisha=a["nozeisha"], is_current=True)
    assert (new.pk, new.kosei_nouki, new.reason) == (out["id"], notice, "未評価家屋")
    added = new.kibetsu[0]["amount"] - a["fuka"].kibetsu[0]["amount"]
    zogaku = Chotei.objects.get(kibetsu_id=a["first"].pk, kind=ChoteiKind.ZOGAKU)
    assert (zogaku.amount, zogaku.nouki) == (added, notice)
    zogaku_n = Chotei.objects.filter(kind=ChoteiKind.ZOGAKU).count()
    assert zogaku_n >= 1 and all(
        c.nouki == notice for c in Chotei.objects.filter(kind=ChoteiKind.ZOGAKU)
    )
    # the write is in the access log by ids only (the API client is the actor)
    log = AccessLog.objects.get(screen="zeimu.kotei_kosei")
    assert (log.action, log.record_id) == (AccessAction.UPDATE, str(new.pk))
    assert log.detail == {"previous": a["fuka"].pk, "nozeisha_id": a["nozeisha"].pk}
    connection.set_schema_to_public()
    # the same call again (on the superseded assessment, or on the new one) writes nothing
    r = api.post(url, body, content_type=JSON)
    assert r.status_code == 422 and "更正済みの賦課" in _fields(r)["detail"]
    r = api.post(f"/api/v1/zeimu/kotei/fuka/{new.pk}/kosei/", body, content_type=JSON)
    assert r.status_code == 422 and "変わりません" in _fields(r)["detail"]
    assert _kotei_state(alpha, a["nozeisha"]) == (2, zogaku_n)
    # an id that is no assessment: 404
    r = api.post(f"/api/v1/zeimu/kotei/fuka/{new.pk + 1000}/kosei/", body, content_type=JSON)
    assert r.status_code == 404
    # 寒川町, subscribed and holding a writing key, reaches none of 葉山町's assessments
    _beta_subscribes(beta, "kotei_shisanzei")
    other = _key(beta, BETA_HOST, ["kotei_shisanzei:read", "kotei_shisanzei:write"])
    for pk in (a["fuka"].pk, new.pk):
        r = other.post(f"/api/v1/zeimu/kotei/fuka/{pk}/kosei/", body, content_type=JSON)
        assert r.status_code == 404
    assert _kotei_state(alpha, a["nozeisha"]) == (2, zogaku_n)
    connection.set_tenant(beta.municipality)
    assert not KoteiFuka.objects.exists() and not Chotei.objects.exists()
    assert not AccessLog.objects.filter(screen="zeimu.kotei_kosei").exists()
    connection.set_schema_to_public()


def test_kotei_kosei_api_decrease_takes_no_nouki(
    alpha: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given: an assessment whose house is then removed from the ledger (a 減額)
    a = _kotei(alpha, "hayama", django_capture_on_commit_callbacks, house_after=False)
    url = f"/api/v1/zeimu/kotei/fuka/{a['fuka'].pk}/kosei/"
    api = _key(alpha, ALPHA_HOST, ["kotei_shisanzei:write"])
    # when: a 納期限 is given with the 減額 → 422 on the field, nothing written
    body: dict[str, Any] = {"reason": "家屋の取壊し", "kosei_nouki": later(30).isoformat()}
    r = api.post(url, body, content_type=JSON)
    assert r.status_code == 422 and _fields(r)["kosei_nouki"] == [KOSEI_NOUKI_NOT_ZOGAKU]
    assert _kotei_state(alpha, a["nozeisha"]) == (1, 0)
    # then: without it (null) the 減額 is made, and no ledger entry carries a 納期限
    body["kosei_nouki"] = None
    r = api.post(url, body, content_type=JSON)
    assert r.status_code == 201, r.content.decode()
    out = _fields(r)
    assert out["nengaku"] < a["fuka"].nengaku and out["kosei_nouki"] is None
    connection.set_tenant(alpha.municipality)
    new = KoteiFuka.objects.get(nozeisha=a["nozeisha"], is_current=True)
    assert (new.pk, new.version, new.kosei_nouki) == (out["id"], 2, None)
    cut = Chotei.objects.get(kibetsu_id=a["first"].pk, kind=ChoteiKind.GENGAKU)
    assert cut.amount == new.kibetsu[0]["amount"] - a["fuka"].kibetsu[0]["amount"] < 0
    assert not Chotei.objects.filter(nouki__isnull=False).exists()
    connection.set_schema_to_public()


def _kei(town: Any, code: str, capture: Any) -> dict[str, Any]:
    """A car assessed for 令和8年度, then found sold before the 賦課期日 to a 住登外 person
    (recorded late): the new taxpayer's tax rises from nothing."""
    connection.set_tenant(town.municipality)
    _, (head, *_rest) = household_tennyu(code, members=family(), ido_date=date(2015, 4, 1))
    far = jutogai(shimei="遠方　花子", kana="エンポウ　ハナコ")
    car = sharyo(head.pk, "湘南 580 あ 77-77")
    kei_tosho(capture)
    kei_ido_record(sharyo_id=car.pk, kind="meigi", ido_date=date(2026, 3, 30),
                   shoyusha_atena_id=far.pk, actor=ACTOR)  # fmt: skip
    connection.set_schema_to_public()
    return {"car": car, "head": head, "far": far}


def _kei_versions(town: Any, car: Any) -> int:
    connection.set_tenant(town.municipality)
    n = KeiFuka.objects.filter(sharyo=car).count()
    connection.set_schema_to_public()
    return n


def test_kei_kosei_api_increase_decrease_and_the_wall(
    login: Any, alpha: Any, beta: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given: 葉山町's car, sold before the 賦課期日 (recorded late)
    a = _kei(alpha, "hayama", django_capture_on_commit_callbacks)
    url = f"/api/v1/zeimu/kei/sharyo/{a['car'].pk}/kosei/"
    api = _key(alpha, ALPHA_HOST, ["kei_jidoshazei:read", "kei_jidoshazei:write"])
    notice = later(31)
    base = {"fiscal_year": 2026, "reason": "名義変更の届出遅れ"}
    # when: refused calls — no 納期限 for the new taxpayer's increase, a year without law
    # data, a malformed year, the 閲覧者, a read-only key
    r = api.post(url, base, content_type=JSON)
    assert r.status_code == 422 and _fields(r)["kosei_nouki"] == [KOSEI_NOUKI_REQUIRED]
    r = api.post(url, {**base, "fiscal_year": 2001}, content_type=JSON)
    assert r.status_code == 422 and _fields(r)["detail"] == NO_LAW_YEAR
    r = api.post(url, {**base, "fiscal_year": "令和8年"}, content_type=JSON)
    assert r.status_code == 400 and "fiscal_year" in r.content.decode()
    body = {**base, "kosei_nouki": notice.isoformat()}
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert viewer.post(url, body, content_type=JSON).status_code == 403
    reader = _key(alpha, ALPHA_HOST, ["kei_jidoshazei:read"])
    assert reader.post(url, body, content_type=JSON).status_code == 403
    # then: nothing written
    assert _kei_versions(alpha, a["car"]) == 1
    # when: with the notice's 納期限
    r = api.post(url, body, content_type=JSON)
    # then: the year goes to the new taxpayer, due by the notice's 納期限
    assert r.status_code == 201, r.content.decode()
    out = _fields(r)
    assert (out["nozeisha_atena_id"], out["nengaku"], out["kosei_nouki"]) == (
        a["far"].pk, 10_800, notice.isoformat(),
    )  # fmt: skip
    assert "nozeisha_atena_no" not in out and out["sharyo_id"] == a["car"].pk
    connection.set_tenant(alpha.municipality)
    new = KeiFuka.objects.get(sharyo=a["car"], is_current=True)
    assert out["id"] == new.pk and out["previous_id"] is not None
    kib = Kibetsu.objects.get(nofu_bango=new.nofu_bango)
    assert (kib.atena_id, kib.nouki) == (a["far"].pk, notice)
    log = AccessLog.objects.filter(screen="zeimu.kei_kosei").get()
    assert log.record_id == str(new.pk)
    # the car then turns out 廃車 before the 賦課期日 (recorded late): a 減額 to 0
    kei_ido_record(sharyo_id=a["car"].pk, kind="haisha", ido_date=date(2026, 3, 31), actor=ACTOR)
    connection.set_schema_to_public()
    r = api.post(url, {**base, "reason": "廃車の届出遅れ", "kosei_nouki": notice.isoformat()},
                 content_type=JSON)  # fmt: skip
    assert r.status_code == 422 and _fields(r)["kosei_nouki"] == [KOSEI_NOUKI_NOT_ZOGAKU]
    assert _kei_versions(alpha, a["car"]) == 2
    r = api.post(url, {**base, "reason": "廃車の届出遅れ"}, content_type=JSON)
    assert r.status_code == 201 and (_fields(r)["nengaku"], _fields(r)["kosei_nouki"]) == (0, None)
    # the same call again: nothing changes (422), still three versions
    r = api.post(url, {**base, "reason": "廃車の届出遅れ"}, content_type=JSON)
    assert r.status_code == 422 and "変わりません" in _fields(r)["detail"]
    assert _kei_versions(alpha, a["car"]) == 3
    connection.set_tenant(alpha.municipality)
    assert sum(c.amount for c in Chotei.objects.filter(kibetsu=kib)) == 0
    connection.set_schema_to_public()
    # 寒川町, subscribed and holding a writing key, reaches none of 葉山町's vehicles
    _beta_subscribes(beta, "kei_jidoshazei")
    other = _key(beta, BETA_HOST, ["kei_jidoshazei:read", "kei_jidoshazei:write"])
    r = other.post(url, body, content_type=JSON)
    assert r.status_code == 404
    assert _kei_versions(alpha, a["car"]) == 3
    connection.set_tenant(beta.municipality)
    assert not KeiFuka.objects.exists()
    assert not Kibetsu.objects.filter(zeimoku=Zeimoku.KEIJIDOSHA).exists()
    connection.set_schema_to_public()
