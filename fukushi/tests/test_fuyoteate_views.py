"""児童扶養手当 in two towns: the 試算 screen and API (200 / 400 / 422 for a 年度 without
amounts), the 認定 → 現況届 → 支払 (奇数月, the two months before) → 全銀 総合振込 file read
back, the end on a death or a 転出 (the month of the 事由, exactly once, also when the event
is delivered again) — and 寒川町 reaching none of 葉山町's.

Amounts: 令和7年度 全部支給 46,690円 + 第2子 11,030円 (平戸市・新ひだか町, cited in
fukushi/params/fuyoteate.yaml); 平戸市's worked example for the 試算 (see
test_fuyoteate_rules.py)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from fukushi.models import FuyoJotai, FuyoJukyusha, FuyoRireki, FuyoShiharai
from fukushi.services.fuyoteate import jukyusha_nintei
from juminkiroku.tests import factories as jk
from juminkiroku.tests.factories import actor_for, family, tenshutsu
from tenants import zengin
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.events.models import Delivery, DeliveryStatus, DomainEvent
from tenants.events.tasks import deliver_event
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.tests.factories import kazei

pytestmark = pytest.mark.django_db


def tennyu(capture, town="hayama", *, members, day):
    """住民記録's real 転入, its events delivered (the on-commit callbacks run)."""
    with capture(execute=True):
        return jk.household_tennyu(town, members=members, ido_date=day)


def shibo(capture, atena, *, day, town="hayama"):
    with capture(execute=True):
        return jk.shibo(atena, ido_date=day, town_slug=town)


API = "/api/v1/fukushi/jido-fuyo-teate/shisan/"
HIRADO = {
    "year": 2025,
    "month": 6,
    "jido_su": 3,
    "jukyusha": {"kyuyo_shotoku": 2_800_000, "yoikuhi": 300_000, "fuyo_shinzoku": 3},
}
ACCOUNT = zengin.Account("0001", "001", "1", "1234567", "ﾔﾏﾀﾞ ﾊﾅｺ")
SUBSCRIBER = "fukushi.subscribers.fuyoteate.fuyoteate_on_shibo"


def _in(town, fn):
    connection.set_tenant(town.municipality)
    try:
        return fn()
    finally:
        connection.set_schema_to_public()


def test_shisan_api_and_screen_in_both_towns(world, login):
    clerk = login("hayama-clerk", ALPHA_HOST)
    r = clerk.post(API, json.dumps(HIRADO), content_type="application/json")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["hantei"] == "ichibu" and body["shotokugaku"] == 2_860_000
    assert (body["hontai"], body["kasan"], body["getsugaku"]) == (20_250, [6_940, 6_940], 34_130)
    # 400: not what the document allows
    bad = {**HIRADO, "month": 13}
    assert clerk.post(API, json.dumps(bad), content_type="application/json").status_code == 400
    # 422: 令和8年度 amounts were not found — refused with the declared body, never assumed
    r = clerk.post(
        API, json.dumps({**HIRADO, "year": 2026, "month": 5}), content_type="application/json"
    )
    assert r.status_code == 422
    assert isinstance(r.json()["detail"], str) and "令和8年度" in r.json()["detail"]
    # the screen (令和7年度, 6月分), nothing saved
    page = clerk.post(
        "/fukushi/jido-fuyo-teate/shisan/",
        {"nendo": 2025, "month": 6, "jido_su": 3, "fuyo_shinzoku": 3,
         "kyuyo_shotoku": 2800000, "yoikuhi": 300000},
    ).content.decode()  # fmt: skip
    assert "一部支給" in page and "34,130円" in page and "令和7年度" in page
    page = clerk.post(
        "/fukushi/jido-fuyo-teate/shisan/",
        {"nendo": 2026, "month": 5, "jido_su": 1, "fuyo_shinzoku": 1},
    ).content.decode()
    assert "令和8年度の児童扶養手当の月額が登録されていません" in page
    assert _in(world.alpha, lambda: FuyoJukyusha.objects.count()) == 0
    # 寒川町 answers from the same law
    other = login("samukawa-clerk", BETA_HOST)
    r = other.post(API, json.dumps(HIRADO), content_type="application/json")
    assert r.status_code == 200 and r.json()["getsugaku"] == 34_130


@pytest.fixture
def hanako(world, django_capture_on_commit_callbacks):
    """葉山町: 山田花子 with 前年の給与所得 1,500,000円 (令和6・7年度); 寒川町: another
    family, 佐藤花子, 受給者 there."""
    capture = django_capture_on_commit_callbacks
    connection.set_tenant(world.beta.municipality)
    _, (_h, sato, _c) = tennyu(
        capture, "samukawa", members=family("佐藤", "サトウ"), day=date(2020, 4, 1)
    )
    kazei(sato.pk, 2024, kyuyo=1_000_000)
    jukyusha_nintei(
        atena_id=sato.pk, seikyu_date=date(2025, 6, 1), jido_su=1, fuyo_shinzoku=1,
        account=ACCOUNT, actor=actor_for("samukawa-clerk"),
    )  # fmt: skip
    connection.set_tenant(world.alpha.municipality)
    _, (_head, wife, _child) = tennyu(capture, members=family(), day=date(2020, 4, 1))
    kazei(wife.pk, 2024, kyuyo=1_500_000)
    kazei(wife.pk, 2025, kyuyo=1_500_000)
    connection.set_schema_to_public()
    return {"wife": wife, "sato": sato}


def test_nintei_genkyo_shiharai_and_furikomi_file(world, login, hanako):
    wife = hanako["wife"]
    clerk = login("hayama-clerk", ALPHA_HOST)
    r = clerk.post(
        "/fukushi/jido-fuyo-teate/nintei/",
        {"atena_no": wife.atena_no, "seikyu_date": "令和7年6月10日", "jido_su": 2,
         "fuyo_shinzoku": 2, "rojin": 0, "tokutei": 0, "yoikuhi": 0, "fubo": "on",
         "kinyu_kikan": "0001", "shiten": "001", "yokin_shumoku": "1",
         "koza_bango": "1234567", "meigi_kana": "ﾔﾏﾀﾞ ﾊﾅｺ"},
    )  # fmt: skip
    assert r.status_code == 302, r.content.decode()
    j = _in(world.alpha, lambda: FuyoJukyusha.objects.get(atena_id=wife.pk))
    assert j.shikyu_kaishi == date(2025, 7, 1)  # the month after the 認定請求
    page = clerk.get(f"/fukushi/jido-fuyo-teate/{j.pk}/").content.decode()
    assert "山田　花子" in page and "令和7年7月" in page
    # a bad 名義 is refused with its reason, nothing written
    r = clerk.post(
        "/fukushi/jido-fuyo-teate/nintei/",
        {"atena_no": wife.atena_no, "seikyu_date": "令和7年6月10日", "jido_su": 1,
         "fuyo_shinzoku": 1, "kinyu_kikan": "0001", "shiten": "001", "yokin_shumoku": "1",
         "koza_bango": "1234567", "meigi_kana": "やまだ"},
    )  # fmt: skip
    assert r.status_code == 200 and "受給中" in r.content.decode()
    # 現況届 (8月): 所得 1,500,000 − 100,000 − 80,000 = 1,320,000 < 1,450,000 (2人) → 全部支給
    r = clerk.post(f"/fukushi/jido-fuyo-teate/{j.pk}/genkyo/", {"uketsuke_date": "令和7年8月5日"})
    assert r.status_code == 302
    page = clerk.get(f"/fukushi/jido-fuyo-teate/{j.pk}/").content.decode()
    assert "全部支給" in page and "57,720円" in page and "1,320,000円" in page
    # the 11月 支払: 9月分 and 10月分, 46,690 + 11,030 each
    form = {"shiharai_tsuki": "2025-11", "shiharai_date": "令和7年11月11日",
            "code": "1234567890", "name_kana": "ﾊﾔﾏﾏﾁ", "bank": "0009", "shiten": "123",
            "yokin_shumoku": "1", "koza_bango": "7654321"}  # fmt: skip
    r = clerk.post("/fukushi/jido-fuyo-teate/shiharai/", form)
    assert r.status_code == 302
    run = _in(world.alpha, lambda: FuyoShiharai.objects.get())
    assert (run.kensu, run.gokei) == (1, 115_440)
    # a second run of the same month is refused
    page = clerk.post("/fukushi/jido-fuyo-teate/shiharai/", form, follow=True).content.decode()
    assert "すでに作成しています" in page
    # the 全銀 総合振込 file, read back
    r = clerk.get(f"/fukushi/jido-fuyo-teate/shiharai/{run.pk}/furikomi.txt")
    assert r.status_code == 200
    records = zengin.read_sogo_furikomi(r.content)
    assert [x.kind for x in records] == ["header", "data", "trailer", "end"]
    assert records[1].fields["amount"] == 115_440 and records[1].fields["meigi"] == "ﾔﾏﾀﾞ ﾊﾅｺ"
    assert records[2].fields["count"] == 1 and records[2].fields["total"] == 115_440
    # reads and writes logged, by id
    screens = _in(
        world.alpha,
        lambda: set(
            AccessLog.objects.filter(gyomu="jido_fuyo_teate").values_list("screen", flat=True)
        ),
    )
    assert {"fukushi.fuyoteate_detail", "fukushi.fuyoteate_nintei", "fukushi.fuyoteate_genkyo",
            "fukushi.fuyoteate_shiharai", "fukushi.fuyoteate_furikomi"} <= screens  # fmt: skip
    # 寒川町 sees none of it: not in its list, 404 on the ids, its own run has its own 受給者
    other = login("samukawa-clerk", BETA_HOST)
    listing = other.get("/fukushi/jido-fuyo-teate/").content.decode()
    assert "山田　花子" not in listing and "佐藤　花子" in listing
    # ids are per town: at 葉山町's id 寒川町 finds its own 受給者 (佐藤) or nothing
    page = other.get(f"/fukushi/jido-fuyo-teate/{j.pk}/").content.decode()
    assert "山田　花子" not in page and "57,720円" not in page
    assert other.get(f"/fukushi/jido-fuyo-teate/{j.pk + 1}/").status_code == 404
    assert other.get(f"/fukushi/jido-fuyo-teate/shiharai/{run.pk}/furikomi.txt").status_code == 404
    other.post(f"/fukushi/jido-fuyo-teate/{j.pk}/genkyo/", {"uketsuke_date": "令和7年8月6日"})
    assert _in(world.alpha, lambda: j.genkyo.count()) == 1
    r = other.post("/fukushi/jido-fuyo-teate/shiharai/", form)
    beta_run = _in(world.beta, lambda: FuyoShiharai.objects.get())
    # 佐藤花子: 所得 1,000,000 − 180,000 = 820,000 < 1,070,000 (1人) → 全部 46,690 × 2
    assert (beta_run.kensu, beta_run.gokei) == (1, 93_380)
    assert _in(world.alpha, lambda: FuyoShiharai.objects.count()) == 1
    # a 閲覧者 may not pay
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert viewer.post("/fukushi/jido-fuyo-teate/shiharai/", form).status_code == 403


def test_death_ends_the_allowance_with_its_month_exactly_once(
    world, hanako, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    wife = hanako["wife"]
    connection.set_tenant(world.alpha.municipality)
    j = jukyusha_nintei(
        atena_id=wife.pk, seikyu_date=date(2025, 6, 10), jido_su=1, fuyo_shinzoku=1,
        account=ACCOUNT, actor=actor_for("hayama-clerk"),
    )  # fmt: skip
    ido = shibo(capture, wife, day=date(2025, 9, 20))
    j.refresh_from_db()
    assert (j.jotai, j.shikkaku_jiyu, j.shikyu_shuryo) == (
        FuyoJotai.SHIKKAKU,
        "shibo",
        date(2025, 9, 1),
    )
    assert FuyoRireki.objects.filter(jukyusha=j, kind="shikkaku").count() == 1
    # the same event delivered again changes nothing
    event = DomainEvent.objects.get(name="juminkiroku.shibo", payload__ido_id=ido.pk)
    delivery = Delivery.objects.get(event=event, subscriber=SUBSCRIBER)
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.PENDING)
    deliver_event.apply(args=[event.pk, SUBSCRIBER])
    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.DONE
    assert FuyoRireki.objects.filter(jukyusha=j, kind="shikkaku").count() == 1
    # the 11月 支払 pays 9月分 only
    from fukushi.services.fuyoteate import month_amount

    # 所得 1,320,000 ≥ 1,070,000 (扶養1人) → 一部支給: 46,680 − 250,000 × 0.0256619
    # = 40,264.5 → 40,260 (10円未満四捨五入)
    assert month_amount(j, date(2025, 9, 1)) == 40_260
    assert month_amount(j, date(2025, 10, 1)) == 0
    # 寒川町's 受給者 untouched
    connection.set_tenant(world.beta.municipality)
    assert FuyoJukyusha.objects.get(atena_id=hanako["sato"].pk).jotai == FuyoJotai.JUKYU
    connection.set_schema_to_public()


def test_tenshutsu_ends_the_allowance_in_its_own_town_only(
    world, hanako, django_capture_on_commit_callbacks
):
    sato = hanako["sato"]
    connection.set_tenant(world.alpha.municipality)
    alpha_j = jukyusha_nintei(
        atena_id=hanako["wife"].pk, seikyu_date=date(2025, 6, 10), jido_su=1, fuyo_shinzoku=1,
        account=ACCOUNT, actor=actor_for("hayama-clerk"),
    )  # fmt: skip
    connection.set_tenant(world.beta.municipality)
    with django_capture_on_commit_callbacks(execute=True):
        tenshutsu(
            sato, ido_date=date(2025, 10, 15), todoke_date=date(2025, 10, 1), town_slug="samukawa"
        )
    j = FuyoJukyusha.objects.get(atena_id=sato.pk)
    assert (j.jotai, j.shikkaku_jiyu, j.shikyu_shuryo) == (
        FuyoJotai.SHIKKAKU,
        "tenshutsu",
        date(2025, 10, 1),
    )
    assert FuyoRireki.objects.filter(jukyusha=j, kind="shikkaku").count() == 1
    connection.set_tenant(world.alpha.municipality)
    alpha_j.refresh_from_db()
    assert alpha_j.jotai == FuyoJotai.JUKYU and alpha_j.shikyu_shuryo is None
    connection.set_schema_to_public()


def test_demo_loads_single_parent_households_once(world, django_capture_on_commit_callbacks):
    from fukushi.demo_fuyoteate import load
    from juminkiroku.tests.factories import Zokugara, person_fields

    connection.set_tenant(world.alpha.municipality)
    members = [
        person_fields(shimei="鈴木　陽子", shimei_kana="スズキ　ヨウコ", birth_date="1985-01-19"),
        person_fields(
            shimei="鈴木　翔",
            shimei_kana="スズキ　ショウ",
            birth_date="2015-06-01",
            zokugara=Zokugara.KO,
            setai_order=2,
        ),
    ]
    _, (mother, _child) = tennyu(
        django_capture_on_commit_callbacks, members=members, day=date(2020, 4, 1)
    )

    class Out:
        lines: list[str] = []

        def write(self, text: str) -> None:
            self.lines.append(text)

    out = Out()
    load(out)
    j = FuyoJukyusha.objects.get(atena_id=mother.pk)
    assert (j.jido_su, j.meigi_kana, j.shikyu_kaishi) == (1, "ｽｽﾞｷ ﾖｳｺ", date(2024, 5, 1))
    load(out)  # a town that has 受給者 is skipped
    assert FuyoJukyusha.objects.count() == 1 and out.lines == ["児童扶養手当の受給者 1人"]
    connection.set_tenant(world.beta.municipality)
    assert not FuyoJukyusha.objects.exists()
    connection.set_schema_to_public()
