"""児童扶養手当 in two towns: a 公的年金等 entered for the 併給調整 (法第13条の2) and the
month's amount reduced by it; a claim for past months unpaid (未払分の請求) paid by the next
run, refused with its reason when the 時効 (法第22条, 2年) has passed, already paid or not
yet due; the 資格喪失 entered by the clerk and its 資格喪失通知書 (PDF on the shared print
path, read back); the read-only API — and 寒川町 reaching none of 葉山町's. Refused input
writes nothing.

Figures: 山田花子, 所得額 1,320,000円 (給与所得 1,500,000 − 100,000 − 80,000), 扶養1人 →
一部支給 40,260円 in 令和7年度 (see test_fuyoteate_views.py); the 子の加算部分 18,916円 a
month is the figure 安来市 publishes (see test_fuyoteate_heikyu_rules.py): 40,260 − 18,916
= 21,344円 (法第13条の2, 猪名川町: 「…子の加算部分との差額」)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from fukushi.models import (
    FuyoJotai,
    FuyoJukyusha,
    FuyoMiharai,
    FuyoNenkin,
    FuyoRireki,
    FuyoShiharaiMeisai,
)
from fukushi.services.fuyoteate import FuyoteateRefused, jukyusha_nintei, month_amount, shiharai_run
from fukushi.services.fuyoteate_nenkin import miharai_seikyu
from juminkiroku.tests import factories as jk
from juminkiroku.tests.factories import actor_for, family
from tenants import zengin
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.testing.pdf import pdf_pages
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.tests.factories import kazei

pytestmark = pytest.mark.django_db

ACCOUNT = zengin.Account("0001", "001", "1", "1234567", "ﾔﾏﾀﾞ ﾊﾅｺ")
IRAININ = zengin.Irainin("1234567890", "ﾊﾔﾏﾏﾁ", "0009", "123", "1", "7654321")
CLERK = Actor(user_id=None, username="hayama-clerk")
BASE = "/fukushi/jido-fuyo-teate"


def _in(town, fn):
    connection.set_tenant(town.municipality)
    try:
        return fn()
    finally:
        connection.set_schema_to_public()


@pytest.fixture
def towns(world, django_capture_on_commit_callbacks):
    """葉山町: 山田花子 受給者 from 令和7年7月分 (1 child); 寒川町: 佐藤花子 受給者 there."""
    capture = django_capture_on_commit_callbacks
    connection.set_tenant(world.beta.municipality)
    with capture(execute=True):
        _, (_h, sato, _c) = jk.household_tennyu(
            "samukawa", members=family("佐藤", "サトウ"), ido_date=date(2020, 4, 1)
        )
    kazei(sato.pk, 2024, kyuyo=1_000_000)
    sato_j = jukyusha_nintei(
        atena_id=sato.pk, seikyu_date=date(2025, 6, 1), jido_su=1, fuyo_shinzoku=1,
        account=ACCOUNT, actor=actor_for("samukawa-clerk"),
    )  # fmt: skip
    connection.set_tenant(world.alpha.municipality)
    with capture(execute=True):
        _, (_head, wife, _child) = jk.household_tennyu(
            "hayama", members=family(), ido_date=date(2020, 4, 1)
        )
    kazei(wife.pk, 2024, kyuyo=1_500_000)
    kazei(wife.pk, 2025, kyuyo=1_500_000)
    j = jukyusha_nintei(
        atena_id=wife.pk, seikyu_date=date(2025, 6, 10), jido_su=1, fuyo_shinzoku=1,
        account=ACCOUNT, actor=CLERK,
    )  # fmt: skip
    connection.set_schema_to_public()
    return {"wife": wife, "j": j, "sato_j": sato_j}


def _messages(response) -> str:
    return response.content.decode()


def test_nenkin_reduces_the_month_and_miharai_within_the_jiko(world, login, towns):
    j = towns["j"]
    clerk = login("hayama-clerk", ALPHA_HOST)
    # refused: a 障害基礎年金等 before 令和3年3月分, then a zero amount: nothing written
    page = _messages(
        clerk.post(
            f"{BASE}/{j.pk}/nenkin/",
            {"shurui": "shogai_kiso", "kaishi": "令和3年2月1日", "getsugaku": "18916"},
            follow=True,
        )
    )
    assert "令和3年3月分からです" in page
    page = _messages(
        clerk.post(
            f"{BASE}/{j.pk}/nenkin/",
            {"shurui": "shogai_kiso", "kaishi": "令和7年7月1日", "getsugaku": "0"},
            follow=True,
        )
    )
    assert "年金の月額" in page
    assert _in(world.alpha, lambda: FuyoNenkin.objects.filter(jukyusha=j).count()) == 0
    # the 子の加算部分 of a 障害基礎年金 from 令和7年7月分
    r = clerk.post(
        f"{BASE}/{j.pk}/nenkin/",
        {"shurui": "shogai_kiso", "kaishi": "令和7年7月1日", "getsugaku": "18916"},
    )
    assert r.status_code == 302
    assert (
        _in(world.alpha, lambda: month_amount(FuyoJukyusha.objects.get(pk=j.pk), date(2025, 7, 1)))
        == 21_344
    )
    # the same kind over the same months again: refused
    page = _messages(
        clerk.post(
            f"{BASE}/{j.pk}/nenkin/",
            {"shurui": "shogai_kiso", "kaishi": "令和7年8月1日", "getsugaku": "100"},
            follow=True,
        )
    )
    assert "重なる月" in page
    assert _in(world.alpha, lambda: FuyoNenkin.objects.filter(jukyusha=j).count()) == 1
    detail = clerk.get(f"{BASE}/{j.pk}/").content.decode()
    assert "障害基礎年金等（子の加算部分と調整）" in detail and "18,916円" in detail

    # 未払分の請求: 7月分・8月分 (支払期月 9月, no run made) claimed on 令和9年10月1日: the
    # right is extinguished (起算日 令和7年10月1日 + 2年): refused with the reason, nothing written
    page = _messages(
        clerk.post(
            f"{BASE}/{j.pk}/miharai/",
            {"month_from": "令和7年7月1日", "month_to": "令和7年8月1日",
             "seikyu_date": "令和9年10月1日"},
            follow=True,
        )
    )  # fmt: skip
    assert "令和7年7月分は時効により請求できません" in page and "法第22条" in page
    assert "令和9年10月1日" in page
    assert _in(world.alpha, lambda: FuyoMiharai.objects.filter(jukyusha=j).count()) == 0
    # the day before, 7月分・8月分 are within the 時効 (the boundary): no reason is given for
    # them; the claim is refused whole for 令和8年4月分 (its amount is not registered)
    connection.set_tenant(world.alpha.municipality)
    with pytest.raises(FuyoteateRefused) as exc:
        miharai_seikyu(
            jukyusha=j, month_from=date(2025, 7, 1), month_to=date(2026, 4, 1),
            seikyu_date=date(2027, 9, 30), actor=CLERK,
        )  # fmt: skip
    messages = [m for _, m in exc.value.errors]
    assert not any("令和7年7月分" in m or "令和7年8月分" in m for m in messages), messages
    assert any("令和8年度" in m for m in messages), messages
    assert FuyoMiharai.objects.filter(jukyusha=j).count() == 0
    connection.set_schema_to_public()
    # claimed in time on 令和7年10月1日: accepted with each month's amount
    r = clerk.post(
        f"{BASE}/{j.pk}/miharai/",
        {
            "month_from": "令和7年7月1日",
            "month_to": "令和7年8月1日",
            "seikyu_date": "令和7年10月1日",
        },
    )
    assert r.status_code == 302
    rows = _in(
        world.alpha,
        lambda: list(
            FuyoMiharai.objects.filter(jukyusha=j).order_by("month").values_list("month", "gaku")
        ),
    )
    assert rows == [(date(2025, 7, 1), 21_344), (date(2025, 8, 1), 21_344)]
    # claimed again, or a month whose 支払期月 has not come: refused
    page = _messages(
        clerk.post(
            f"{BASE}/{j.pk}/miharai/",
            {
                "month_from": "令和7年8月1日",
                "month_to": "令和7年9月1日",
                "seikyu_date": "令和7年10月2日",
            },
            follow=True,
        )
    )
    assert "令和7年8月分はすでに請求を受け付けています" in page
    assert "令和7年9月分の支払期月（令和7年11月）はまだ来ていません" in page
    # the 11月 run pays 9月分・10月分 and the claim
    connection.set_tenant(world.alpha.municipality)
    run = shiharai_run(
        shiharai_tsuki=date(2025, 11, 1), shiharai_date=date(2025, 11, 11),
        irainin=IRAININ, actor=CLERK,
    )  # fmt: skip
    line = FuyoShiharaiMeisai.objects.get(shiharai=run.shiharai, jukyusha=j)
    assert (line.tsuki1, line.tsuki2, line.kaijo, line.gaku) == (21_344, 21_344, 42_688, 85_376)
    assert FuyoMiharai.objects.filter(jukyusha=j, shiharai=run.shiharai).count() == 2
    assert FuyoRireki.objects.filter(jukyusha=j, kind="miharai").count() == 3  # claim + 2 paid
    # a month that run paid cannot be claimed
    with pytest.raises(FuyoteateRefused, match="令和7年9月分はすでに支払っています"):
        miharai_seikyu(
            jukyusha=j, month_from=date(2025, 9, 1), month_to=date(2025, 9, 1),
            seikyu_date=date(2025, 12, 1), actor=CLERK,
        )  # fmt: skip
    # 寒川町's run: 佐藤花子 46,690 × 2 only, nothing of 葉山町's claim
    connection.set_tenant(world.beta.municipality)
    beta = shiharai_run(
        shiharai_tsuki=date(2025, 11, 1), shiharai_date=date(2025, 11, 11),
        irainin=IRAININ, actor=actor_for("samukawa-clerk"),
    )  # fmt: skip
    assert (beta.shiharai.kensu, beta.shiharai.gokei) == (1, 93_380)
    connection.set_schema_to_public()
    # the writes logged, by the 受給者's id
    assert _in(
        world.alpha,
        lambda: AccessLog.objects.filter(
            username="hayama-clerk", screen="fukushi.fuyoteate_miharai",
            record_type="fukushi.FuyoJukyusha", record_id=str(j.pk),
        ).count(),
    ) == 1  # fmt: skip
    # 寒川町 writes nothing into 葉山町's 受給者 (at the same id it finds its own or nothing)
    other = login("samukawa-clerk", BETA_HOST)
    other.post(
        f"{BASE}/{j.pk}/nenkin/",
        {"shurui": "sonota", "kaishi": "令和7年7月1日", "getsugaku": "5000"},
    )
    other.post(
        f"{BASE}/{j.pk}/miharai/",
        {
            "month_from": "令和7年9月1日",
            "month_to": "令和7年9月1日",
            "seikyu_date": "令和7年12月1日",
        },
    )
    assert _in(world.alpha, lambda: FuyoNenkin.objects.filter(jukyusha=j).count()) == 1
    assert _in(world.alpha, lambda: FuyoMiharai.objects.filter(jukyusha=j).count()) == 2
    page = other.get(f"{BASE}/{j.pk}/").content.decode()
    assert "18,916円" not in page and "山田　花子" not in page
    # a 閲覧者 may not enter one
    viewer = login("hayama-viewer", ALPHA_HOST)
    r = viewer.post(
        f"{BASE}/{j.pk}/nenkin/",
        {"shurui": "sonota", "kaishi": "令和7年7月1日", "getsugaku": "5000"},
    )
    assert r.status_code == 403


def test_shikkaku_tsuchi_pdf_and_the_api_in_two_towns(world, login, towns):
    j = towns["j"]
    clerk = login("hayama-clerk", ALPHA_HOST)
    # refused: a 事由 in the future, a 転出 by hand: nothing changed
    page = _messages(
        clerk.post(
            f"{BASE}/{j.pk}/shikkaku/",
            {"jiyu": "konin", "jiyu_date": "令和99年1月1日"},
            follow=True,
        )
    )
    assert "今日より後" in page or "日付" in page
    clerk.post(f"{BASE}/{j.pk}/shikkaku/", {"jiyu": "tenshutsu", "jiyu_date": "令和7年9月20日"})
    assert _in(world.alpha, lambda: FuyoJukyusha.objects.get(pk=j.pk).jotai) == FuyoJotai.JUKYU
    # no 通知書 while 受給中
    page = _messages(clerk.post(f"{BASE}/{j.pk}/shikkaku-tsuchi/", follow=True))
    assert "資格を喪失していない人の通知書は作れません" in page
    # 婚姻 on 令和7年9月20日: 支給 ends with 9月分
    r = clerk.post(f"{BASE}/{j.pk}/shikkaku/", {"jiyu": "konin", "jiyu_date": "令和7年9月20日"})
    assert r.status_code == 302
    row = _in(world.alpha, lambda: FuyoJukyusha.objects.get(pk=j.pk))
    assert (row.jotai, row.shikkaku_jiyu, row.shikyu_shuryo) == (
        FuyoJotai.SHIKKAKU, "konin", date(2025, 9, 1),
    )  # fmt: skip
    assert _in(world.alpha, lambda: month_amount(row, date(2025, 10, 1))) == 0
    # twice: refused
    page = _messages(
        clerk.post(
            f"{BASE}/{j.pk}/shikkaku/",
            {"jiyu": "kango", "jiyu_date": "令和7年10月1日"},
            follow=True,
        )
    )
    assert "すでに資格を喪失しています" in page
    detail = clerk.get(f"{BASE}/{j.pk}/").content.decode()
    assert 'target="_blank"' in detail and "資格喪失通知書を作成する" in detail
    # the 資格喪失通知書, read back
    r = clerk.post(f"{BASE}/{j.pk}/shikkaku-tsuchi/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    (text,) = pdf_pages(r.content)
    for words in ("児童扶養手当資格喪失通知書", "山田", "花子", j.jukyusha_bango,
                  "婚姻", "令和7年9月20日", "令和7年9月分まで"):  # fmt: skip
        assert words in text, words
    assert _in(
        world.alpha,
        lambda: (
            FuyoRireki.objects.filter(jukyusha=j, kind="shikkaku_tsuchi").count(),
            AccessLog.objects.filter(
                username="hayama-clerk", screen="fukushi.fuyoteate_shikkaku_tsuchi",
                record_type="fukushi.FuyoJukyusha", record_id=str(j.pk),
            ).count(),
        ),
    ) == (1, 1)  # fmt: skip
    # the API: the list and the 受給者
    body = clerk.get("/api/v1/fukushi/jido-fuyo-teate/jukyusha/").json()
    assert [x["jukyusha_bango"] for x in body["results"]] == [j.jukyusha_bango]
    assert body["results"][0]["atena_no"] == towns["wife"].atena_no
    detail = clerk.get(f"/api/v1/fukushi/jido-fuyo-teate/jukyusha/{j.pk}/").json()
    assert (detail["jotai"], detail["shikkaku_jiyu"], detail["shikyu_shuryo"]) == (
        "shikkaku", "konin", "2025-09-01",
    )  # fmt: skip
    assert any("資格喪失" in x["naiyo"] for x in detail["rireki"])
    assert detail["kongetsu"]["getsugaku"] is None and detail["kongetsu"]["error"]
    assert clerk.get("/api/v1/fukushi/jido-fuyo-teate/jukyusha/?page=9").status_code == 404
    # the 試算 API with a 年金: 46,690 − 18,916 = 27,774円 (nothing saved); 400 above the cap
    shisan = {"year": 2025, "month": 6, "jido_su": 1, "jukyusha": {"fuyo_shinzoku": 1},
              "nenkin_getsugaku": 18_916}  # fmt: skip
    r = clerk.post(
        "/api/v1/fukushi/jido-fuyo-teate/shisan/",
        json.dumps(shisan),
        content_type="application/json",
    )
    assert (r.json()["heikyu_gaku"], r.json()["getsugaku"]) == (18_916, 27_774)
    r = clerk.post(
        "/api/v1/fukushi/jido-fuyo-teate/shisan/",
        json.dumps({**shisan, "nenkin_getsugaku": 10**7}),
        content_type="application/json",
    )
    assert r.status_code == 400
    assert _in(
        world.alpha,
        lambda: AccessLog.objects.filter(
            username="hayama-clerk", screen="api.fukushi.fuyoteate_detail",
            record_type="atena", record_id=str(towns["wife"].pk),
        ).count(),
    ) == 1  # fmt: skip
    # 寒川町: its own 受給者 only; 葉山町's 通知書 is not printed there
    other = login("samukawa-clerk", BETA_HOST)
    body = other.get("/api/v1/fukushi/jido-fuyo-teate/jukyusha/").json()
    assert [x["jukyusha_bango"] for x in body["results"]] == [towns["sato_j"].jukyusha_bango]
    r = other.get(f"/api/v1/fukushi/jido-fuyo-teate/jukyusha/{j.pk}/")
    # ids are per town: at 葉山町's id 寒川町 finds its own 受給者 (受給中) or nothing
    assert r.status_code == 404 or (r.json()["jotai"], r.json()["rireki"][-1]["kind"]) == (
        "jukyu",
        "nintei",
    )
    r = other.post(f"{BASE}/{j.pk}/shikkaku-tsuchi/")
    assert r.status_code != 200 or "山田" not in pdf_pages(r.content)[0]
    other.post(f"{BASE}/{j.pk}/shikkaku/", {"jiyu": "konin", "jiyu_date": "令和7年8月1日"})
    assert _in(world.alpha, lambda: FuyoJukyusha.objects.get(pk=j.pk).shikyu_shuryo) == date(
        2025, 9, 1
    )
