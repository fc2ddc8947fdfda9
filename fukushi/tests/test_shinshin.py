"""心身障害者医療 受給者証 (issue 21 item 2): eligibility from the 手帳 facts under each
town's 条例 criteria (parameters: 等級, 療育 程度, 精神 等級, age limit for new applicants,
income limit on 本人's 合計所得金額 read through zeimu.public), the 交付 with the certificate
year (not past a 精神 手帳's 有効期限), the end on a death once, the 試算 (screen and API,
nothing saved), the grant wall, and two towns with different criteria. The criteria values
are test inputs, not any real town's 条例."""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.models import ShinshinJotai, ShinshinJukyusha, TechoKind
from fukushi.services.shinshin import ShinshinRefused, shinshin_check, shinshin_kofu
from fukushi.services.shogai import TechoInput, techo_kofu
from juminkiroku.tests.factories import household_tennyu, person_fields
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.params.tenant.services import municipal_parameter_set
from zeimu.tests.factories import kazei, kazei_set

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="test-shinshin")
AUG = date(2025, 8, 1)
BASE = "/fukushi/shinshin-shogaisha-iryo"
API = "/api/v1/fukushi/shogaisha-fukushi/shinshin/shisan/"

HAYAMA = {
    "shintai_tokyu": "2", "ryoiku_teido": "A1,A2", "seishin_tokyu": "1",
    "shinki_nenrei_seigen": "65", "shotoku_seigen": "3604000",
}  # fmt: skip
SAMUKAWA = {
    "shintai_tokyu": "3", "ryoiku_teido": "A1", "seishin_tokyu": "0",
    "shinki_nenrei_seigen": "0", "shotoku_seigen": "0",
}  # fmt: skip


def criteria(values: dict[str, str]) -> None:
    for name, v in values.items():
        municipal_parameter_set(
            key=f"fukushi.shinshin.{name}", fiscal_year=2025, value_text=v,
            reason="試験（条例）", actor=ACTOR,
        )  # fmt: skip


def person(town: str, birth: str = "1970-06-01", shimei: str = "医療　一郎"):
    _, (a,) = household_tennyu(
        town, members=[person_fields(shimei=shimei, birth_date=birth)], ido_date=date(2020, 4, 1)
    )
    return a


def techo(atena_id: int, kind: str, tokyu: str, day: date = date(2025, 5, 1)):
    return techo_kofu(
        TechoInput(
            atena_id=atena_id, kind=kind, techo_bango=f"{kind}-{atena_id}", tokyu=tokyu,
            kofu_date=day, bui=("shinzo",) if kind == TechoKind.SHINTAI else (),
        ),
        actor=ACTOR,
    )  # fmt: skip


def test_each_towns_criteria_decide(alpha, beta):
    connection.set_tenant(alpha.municipality)
    criteria(HAYAMA)
    a3 = person("hayama", shimei="三級　葉山")
    techo(a3.pk, TechoKind.SHINTAI, "3")
    kazei(a3.pk, 2025, sonota=1_000_000)
    with pytest.raises(ShinshinRefused) as exc:
        shinshin_kofu(atena_id=a3.pk, kaishi=AUG, actor=ACTOR)
    assert exc.value.errors == ["手帳の等級・程度がこの町の対象（条例）に当たりません。"]
    # 精神 1級: qualifies; the certificate ends at the 手帳's 有効期限 when that comes first
    s1 = person("hayama", shimei="精神　葉山")
    t = techo(s1.pk, TechoKind.SEISHIN, "1", day=date(2024, 3, 10))  # 有効期限 令和8年3月31日
    kazei(s1.pk, 2025, sonota=1_000_000)
    j = shinshin_kofu(atena_id=s1.pk, kaishi=AUG, actor=ACTOR)
    assert (j.yuko_kaishi, j.yuko_shuryo, j.techo_id) == (AUG, date(2026, 3, 31), t.pk)
    assert j.konkyo == "精神障害者保健福祉手帳 1級"
    with pytest.raises(ShinshinRefused) as exc:
        shinshin_kofu(atena_id=s1.pk, kaishi=AUG, actor=ACTOR)
    assert "この方の受給者証はすでに交付しています。" in exc.value.errors
    # 療育 A2, aged 66 applying for the first time: the age limit for new applicants
    old = person("hayama", birth="1959-01-10", shimei="高齢　葉山")
    techo(old.pk, TechoKind.RYOIKU, "A2")
    kazei(old.pk, 2025, sonota=500_000)
    c = shinshin_check(atena_id=old.pk, kaishi=AUG)
    assert c.result.reasons == ("65歳以上で新たに申請する方は対象になりません（条例）。",)
    # 身体 1級 with a 合計所得金額 over the limit; and with no assessment at all
    rich = person("hayama", shimei="所得　葉山")
    techo(rich.pk, TechoKind.SHINTAI, "1")
    c = shinshin_check(atena_id=rich.pk, kaishi=AUG)
    assert c.result.reasons == ("本人の所得の資料（住民税の賦課）がありません。",)
    kazei_set(rich.pk, 2025, sonota=3_604_001)
    c = shinshin_check(atena_id=rich.pk, kaishi=AUG)
    assert c.result.reasons == (
        "本人の合計所得金額 3,604,001円が所得制限 3,604,000円を超えています。",
    )
    kazei_set(rich.pk, 2025, sonota=3_604_000)  # at the limit: qualifies
    j2 = shinshin_kofu(atena_id=rich.pk, kaishi=AUG, actor=ACTOR)
    assert j2.yuko_shuryo == date(2026, 7, 31) and j2.konkyo == "身体障害者手帳 1級"
    # a 年度 the town has not set: refused, saying which value is missing
    with pytest.raises(ShinshinRefused) as exc:
        shinshin_check(atena_id=a3.pk, kaishi=date(2025, 3, 1))
    message = exc.value.errors[0]
    assert message.startswith("この団体の「心身障害者医療") and "設定されていません" in message
    assert "fukushi." not in message  # the value's name in words, not its key
    # 寒川町: 身体 up to 3級, no income limit, 精神 not covered
    connection.set_tenant(beta.municipality)
    criteria(SAMUKAWA)
    b3 = person("samukawa", shimei="三級　寒川")
    techo(b3.pk, TechoKind.SHINTAI, "3")
    jb = shinshin_kofu(atena_id=b3.pk, kaishi=AUG, actor=ACTOR)
    assert jb.jotai == ShinshinJotai.YUKO
    bs = person("samukawa", shimei="精神　寒川")
    techo(bs.pk, TechoKind.SEISHIN, "1")
    with pytest.raises(ShinshinRefused):
        shinshin_kofu(atena_id=bs.pk, kaishi=AUG, actor=ACTOR)
    # neither town sees the other's 受給者
    assert list(ShinshinJukyusha.objects.values_list("atena_id", flat=True)) == [b3.pk]
    connection.set_tenant(alpha.municipality)
    assert set(ShinshinJukyusha.objects.values_list("atena_id", flat=True)) == {s1.pk, rich.pk}


def test_death_and_tenshutsu_end_the_certificate_once(alpha, django_capture_on_commit_callbacks):
    from juminkiroku.tests.factories import shibo
    from tenants.events.models import Delivery, DeliveryStatus, DomainEvent
    from tenants.events.tasks import deliver_event

    connection.set_tenant(alpha.municipality)
    criteria(HAYAMA)
    a = person("hayama", shimei="死亡　医療")
    techo(a.pk, TechoKind.SHINTAI, "1")
    kazei(a.pk, 2025, sonota=0)
    j = shinshin_kofu(atena_id=a.pk, kaishi=AUG, actor=ACTOR)
    with django_capture_on_commit_callbacks(execute=True):
        ido = shibo(a, ido_date=date(2025, 11, 3))
    j.refresh_from_db()
    assert (j.jotai, j.yuko_shuryo, j.shikkaku_ido_id) == (
        ShinshinJotai.SHIKKAKU, date(2025, 11, 3), ido.pk,
    )  # fmt: skip
    subscriber = "fukushi.subscribers.shogai.shinshin_on_shibo"
    event = DomainEvent.objects.get(name="juminkiroku.shibo", payload__ido_id=ido.pk)
    Delivery.objects.filter(event=event, subscriber=subscriber).update(
        status=DeliveryStatus.PENDING
    )
    deliver_event.apply(args=[event.pk, subscriber])
    assert j.rireki.count() == 2  # 交付, 資格喪失: nothing more
    # a 転出確定: valid to the 除票 date (the 転出日)
    from juminkiroku.tests.factories import tenshutsu

    m = person("hayama", birth="1971-02-03", shimei="転出　医療")
    techo(m.pk, TechoKind.SHINTAI, "2")
    kazei(m.pk, 2025, sonota=0)
    jm = shinshin_kofu(atena_id=m.pk, kaishi=AUG, actor=ACTOR)
    with django_capture_on_commit_callbacks(execute=True):
        ido2 = tenshutsu(m, ido_date=date(2025, 12, 1), todoke_date=date(2025, 11, 20))
    jm.refresh_from_db()
    assert (jm.jotai, jm.yuko_shuryo, jm.shikkaku_jiyu, jm.shikkaku_ido_id) == (
        ShinshinJotai.SHIKKAKU, date(2025, 12, 1), "tenshutsu", ido2.pk,
    )  # fmt: skip


def test_shisan_saves_nothing_and_the_wall(alpha, beta, login):
    connection.set_tenant(alpha.municipality)
    criteria(HAYAMA)
    a = person("hayama", shimei="秘匿　医療")
    techo(a.pk, TechoKind.SHINTAI, "1")
    kazei(a.pk, 2025, sonota=0)
    shinshin_kofu(atena_id=a.pk, kaishi=AUG, actor=ACTOR)
    b = person("hayama", shimei="画面　医療")
    techo(b.pk, TechoKind.RYOIKU, "B1")
    connection.set_tenant(beta.municipality)
    criteria(SAMUKAWA)
    connection.set_schema_to_public()
    body = {"day": "2025-09-01", "kind": "shintai", "tokyu": "3", "age": 40, "gokei_shotoku": 0}
    c = login("hayama-clerk", alpha.host)  # the 試算 needs no grant: it reads no person
    r = c.post(API, body, content_type="application/json")
    assert r.status_code == 200 and r.json() == {
        "taisho": False, "riyu": ["手帳の等級・程度がこの町の対象（条例）に当たりません。"],
    }  # fmt: skip
    cb = login("samukawa-clerk", beta.host)
    r = cb.post(API, body, content_type="application/json")
    assert r.status_code == 200 and r.json() == {"taisho": True, "riyu": []}
    r = c.post(API, {**body, "day": "2024-09-01"}, content_type="application/json")
    assert r.status_code == 422
    r = c.post(
        f"{BASE}/shisan/",
        {"day": "令和7年9月1日", "kind": "seishin", "tokyu": "1", "age": "70", "shinki": "on"},
    )
    html = r.content.decode()
    assert "対象になりません。" in html and "65歳以上で新たに申請する方" in html
    # the clerk without the grant: no list, no count; the 交付 answers 404
    top = c.get(f"{BASE}/")
    assert top.status_code == 200 and "shinshin-results" not in top.content.decode()
    r = c.post(f"{BASE}/", {"mokuteki": "確認", "atena_no": a.atena_no})
    assert "results" not in r.context_data
    assert c.get(f"{BASE}/kofu/").status_code in (403, 404)
    # the 審査者 holding the grant sees the 受給者 and the read is logged with its purpose
    s = login("hayama-shinsa", alpha.host)
    r = s.post(f"{BASE}/", {"mokuteki": "受給者の確認", "atena_no": a.atena_no})
    assert "秘匿　医療" in r.content.decode() and "身体障害者手帳 1級" in r.content.decode()
    sb = login("samukawa-shinsa", beta.host)
    r = sb.post(f"{BASE}/", {"mokuteki": "確認"})
    assert r.context_data["results"] == []
    connection.set_tenant(alpha.municipality)
    rows = AccessLog.objects.filter(
        record_type="fukushi.ShinshinJukyusha", username="hayama-shinsa"
    )
    assert [(x.screen, x.purpose) for x in rows] == [("fukushi.shinshin_top", "受給者の確認")]
    assert ShinshinJukyusha.objects.count() == 1
