"""保護費からの徴収 (生活保護法第78条の2, SH-64): the 申出 for a 徴収金 (第77条の2・第78条, not a
第63条 返還金), the agreed monthly amount within the town's 上限, taken in the monthly payment
run (the line pays the rest, the 全銀 file carries the rest, the 収納 ledger receives the
amount as payments of the 徴収金's 期別, oldest first), 取下げ, 完納, the history, refusals
that write nothing, the screen behind the grant with the purpose, and two towns.

Sources: the article 第78条の2 as quoted at https://www.kmrysyk.com/entry/2018/10/01/180732 ;
施行規則第22条の4 (申出書; 「当該徴収金の徴収後においても被保護者が最低限度の生活を維持
することができる範囲」) as shown at https://iuris.jp/ (生活保護法施行規則 第二十二条の四).
No published worked example of a deduction was found, and the ministry's 目安 of the monthly
amount was not found (未確認): the 上限 of 10,000円 is this test's town value, not a real
town's. The 保護費 76,880円 is the 65歳単身 1級地-1 of 令和8年4〜9月 that
test_seiho_cases.py::test_monthly_payment_file_and_notice proves."""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.models import ChoseiStatus, HenkanHo, SeihoCase, SeihoChosei, SeihoShikyuLine
from fukushi.services.seiho import SeihoRefused, seiho_furikomi_file, seiho_shikyu_make
from fukushi.services.seiho_chosei import seiho_chosei_moshide, seiho_chosei_shuryo
from fukushi.services.seiho_henkan import seiho_henkan_kettei
from fukushi.tests.factories import ACTOR, kaishi
from fukushi.tests.test_seiho_cases import BASE, JUNE, _irainin, household
from fukushi.tests.test_seiho_henkan import _input
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.params.tenant.services import municipal_parameter_set
from tenants.zengin import read_sogo_furikomi
from zeimu.public import Zeimoku, kibetsu_zan

pytestmark = pytest.mark.django_db

JULY, AUGUST, SEPTEMBER = date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1)


def _jogen(value: int) -> None:
    municipal_parameter_set(
        key="fukushi.seiho.chosei_jogen", fiscal_year=2026, value_text=str(value),
        reason="試験（実施機関の定め）", actor=ACTOR,
    )  # fmt: skip


def _shuno(atena_id: int) -> list[tuple[str, str, int, int]]:
    keep = (Zeimoku.SEIHO_CHOSHU, Zeimoku.SEIHO_HENKAN77, Zeimoku.SEIHO_HENKAN)
    return sorted(
        (z.zeimoku.value, z.ki_label, z.shuno, z.zan)
        for z in kibetsu_zan(atena_id)
        if z.zeimoku in keep
    )


def _run(month: date) -> SeihoShikyuLine:
    run = seiho_shikyu_make(month=month, furikomi_date=month.replace(day=3), actor=ACTOR)
    return SeihoShikyuLine.objects.get(shikyu=run)


def _case(cap, town: str, surname: str):
    (a,) = household(town, [65], JUNE, surname=surname)
    k = kaishi(cap, [a], day=JUNE)
    SeihoCase.objects.filter(pk=k.case_id).update(
        kinyu_kikan="0009", shiten="123", yokin_shumoku="1", koza_bango="7654321",
        meigi_kana="ﾁﾖｳｼﾕｳ ｲﾁ",
    )  # fmt: skip
    return a, k


def test_moshide_taken_in_the_run_posted_to_the_ledger_and_two_towns(
    alpha, beta, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(alpha.municipality)
    a, k = _case(cap, "hayama", "徴収")
    kettei = {"kettei_date": date(2026, 6, 20), "kikan_from": JUNE, "kikan_to": date(2026, 6, 15)}
    # 第78条: 100,000円 + 40% = 140,000円 in 2 期 of 70,000円
    h78 = seiho_henkan_kettei(
        case_id=k.case_id,
        data=_input(ho=HenkanHo.CHOSHU_78, hogo_kingaku=100_000, choshu_gaku=100_000,
                    kasan_ritsu=40, kaisu=2, first_nouki=date(2026, 6, 30), **kettei),
        actor=ACTOR,
    )  # fmt: skip
    # 第63条 collected under 第77条の2: 5,000円 in 2 期 of 2,500円
    h77 = seiho_henkan_kettei(
        case_id=k.case_id,
        data=_input(ho=HenkanHo.HENKAN_77, hogo_kingaku=5_000, kaisu=2,
                    first_nouki=date(2026, 6, 30), **kettei),
        actor=ACTOR,
    )  # fmt: skip
    h63 = seiho_henkan_kettei(
        case_id=k.case_id,
        data=_input(hogo_kingaku=3_000, kaisu=1, first_nouki=date(2026, 6, 30), **kettei),
        actor=ACTOR,
    )

    def moshide(henkan_id: int, getsugaku: int, month: date = JULY) -> SeihoChosei:
        return seiho_chosei_moshide(
            case_id=k.case_id, henkan_id=henkan_id, moshide_date=date(2026, 6, 25),
            kaishi_month=month, getsugaku=getsugaku, actor=ACTOR,
        )  # fmt: skip

    # refused, writing nothing: the town has not set its 上限 yet; then above it; a 第63条
    # 返還金; a month before the 申出
    n = (SeihoChosei.objects.count(), AccessLog.objects.count())
    with pytest.raises(SeihoRefused, match="月額の上限（円）」（条例で定める値）が設定されて"):
        moshide(h78.pk, 8_000)
    _jogen(10_000)
    n = (SeihoChosei.objects.count(), AccessLog.objects.count())
    for hid, gaku, month, words in (
        (h78.pk, 10_001, JULY, "上限（月額10,000円）"),
        (h63.pk, 1_000, JULY, "第63条の返還金は対象になりません"),
        (h78.pk, 1_000, JUNE.replace(month=5), "申出日より前"),
        (h78.pk + 999, 1_000, JULY, "見つかりません"),
    ):
        with pytest.raises(SeihoRefused, match=words):
            moshide(hid, gaku, month)
    assert (SeihoChosei.objects.count(), AccessLog.objects.count()) == n
    c78 = moshide(h78.pk, 8_000)
    c77 = moshide(h77.pk, 4_000)
    with pytest.raises(SeihoRefused, match="有効な申出"):
        moshide(h78.pk, 1_000)

    # 7月: 8,000円 + 4,000円 taken; the line pays 76,880 − 12,000 = 64,880円
    line = _run(JULY)
    assert (line.amount, line.chosei, line.furikomi) == (64_880, 12_000, True)
    assert _shuno(a.pk) == [
        ("seiho63", "第1期", 0, 3_000),
        ("seiho77", "第1期", 2_500, 0),  # the 4,000円 paid the oldest 期 first
        ("seiho77", "第2期", 1_500, 1_000),
        ("seiho78", "第1期", 8_000, 62_000),
        ("seiho78", "第2期", 0, 70_000),
    ]
    _irainin(2026)
    data, case_ids = seiho_furikomi_file(line.shikyu)
    assert case_ids == [k.case_id]
    body = [r.fields for r in read_sogo_furikomi(data) if r.kind == "data"]
    assert [b["amount"] for b in body] == [64_880]
    # a month whose run is made cannot be asked for
    with pytest.raises(SeihoRefused, match="すでに支給を作成"):
        moshide(h78.pk, 1_000, JULY)

    # 取下げ of the 第78条 申出: August takes only the 第77条の2 rest (1,000円) → 完納
    seiho_chosei_shuryo(
        case_id=k.case_id, chosei_id=c78.pk, kind="torisage", on=date(2026, 7, 20),
        riyu="本人の申出（生活費の不足）", actor=ACTOR,
    )  # fmt: skip
    with pytest.raises(SeihoRefused, match="すでに取下げ"):
        seiho_chosei_shuryo(
            case_id=k.case_id, chosei_id=c78.pk, kind="shuryo", on=date(2026, 7, 21),
            riyu="重ねて", actor=ACTOR,
        )  # fmt: skip
    line = _run(AUGUST)
    assert (line.amount, line.chosei) == (75_880, 1_000)
    c77.refresh_from_db()
    c78.refresh_from_db()
    assert (c77.status, c77.shuryo_date) == (ChoseiStatus.KANNO, date(2026, 8, 3))
    assert (c78.status, c78.shuryo_riyu) == (ChoseiStatus.TORISAGE, "本人の申出（生活費の不足）")
    assert [(r.kind, r.naiyo) for r in c77.rireki.all()] == [
        ("申出", "令和8年7月1日分から毎月4,000円（未納 5,000円）"),
        ("徴収", "令和8年7月1日分の保護費から4,000円（残 1,000円）"),
        ("徴収", "令和8年8月1日分の保護費から1,000円（残 0円）"),
        ("完納", "徴収金を完納しました"),
    ]
    assert [r.kind for r in c78.rireki.all()] == ["申出", "徴収", "取下げ"]
    # 9月: nothing taken
    line = _run(SEPTEMBER)
    assert (line.amount, line.chosei) == (76_880, 0)
    assert ("seiho78", "第1期", 8_000, 62_000) in _shuno(a.pk)

    # 寒川町: its own run takes nothing; it sees no 申出 and cannot reach 葉山町's 決定
    connection.set_tenant(beta.municipality)
    assert SeihoChosei.objects.count() == 0
    _b, kb = _case(cap, "samukawa", "寒川")
    _jogen(10_000)
    with pytest.raises(SeihoRefused, match="見つかりません"):
        seiho_chosei_moshide(
            case_id=kb.case_id, henkan_id=h78.pk, moshide_date=date(2026, 6, 25),
            kaishi_month=JULY, getsugaku=1_000, actor=ACTOR,
        )  # fmt: skip
    line = _run(JULY)
    assert (line.amount, line.chosei) == (76_880, 0)
    assert SeihoChosei.objects.count() == 0


def test_chosei_screen_behind_the_grant_and_the_purpose(
    alpha, beta, login, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(alpha.municipality)
    _a, k = _case(cap, "hayama", "画面徴収")
    h = seiho_henkan_kettei(
        case_id=k.case_id,
        data=_input(ho=HenkanHo.CHOSHU_78, hogo_kingaku=50_000, choshu_gaku=50_000, kaisu=1,
                    kettei_date=date(2026, 6, 20), kikan_from=JUNE, kikan_to=date(2026, 6, 15),
                    first_nouki=date(2026, 6, 30)),
        actor=ACTOR,
    )  # fmt: skip
    _jogen(10_000)
    connection.set_schema_to_public()
    url = f"{BASE}/cases/{k.case_id}/chosei/"
    for who in ("hayama-clerk", "hayama-viewer"):
        c = login(who, alpha.host)
        assert c.get(url).status_code in (403, 404)
        assert c.post(url, {"henkan": h.pk}).status_code in (403, 404)
        assert c.get(f"{BASE}/cases/{k.case_id + 999}/chosei/").status_code in (403, 404)
    c = login("hayama-shinsa", alpha.host)
    r = c.get(url)
    assert r.status_code == 302 and r["Location"].endswith("/mokuteki/")
    c.post(f"{BASE}/cases/{k.case_id}/mokuteki/", {"mokuteki": "徴収の申出の受付"})
    form = {
        "henkan": str(h.pk),
        "moshide_date": "令和8年6月25日",
        "kaishi_month": "令和8年7月1日",
        "getsugaku": "5000",
    }
    r = c.post(url, form | {"getsugaku": "20000"})
    assert r.status_code == 200 and "上限（月額10,000円）" in r.content.decode()
    r = c.post(url, form)
    assert r.status_code == 302, r.content.decode()[:1500]
    page = c.get(url).content.decode()
    assert "5,000円" in page and "令和8年6月25日" in page and "有効" in page
    connection.set_tenant(alpha.municipality)
    ch = SeihoChosei.objects.get()
    connection.set_schema_to_public()
    r = c.post(
        f"{BASE}/cases/{k.case_id}/chosei/{ch.pk}/shuryo/",
        {"kind": "shuryo", "on": "令和8年7月10日", "riyu": "世帯の状況の変化"},
    )
    assert r.status_code == 302
    assert "終了（令和8年7月10日）" in c.get(url).content.decode()
    # a second 申出 from 8月; the 8月 run shows the amount taken on the payment's line
    assert c.post(url, form | {"kaishi_month": "令和8年8月1日"}).status_code == 302
    connection.set_tenant(alpha.municipality)
    run = seiho_shikyu_make(month=AUGUST, furikomi_date=date(2026, 8, 3), actor=ACTOR)
    connection.set_schema_to_public()
    c.post(f"{BASE}/shikyu/{run.pk}/mokuteki/", {"mokuteki": "支給の確認"})
    page = c.get(f"{BASE}/shikyu/{run.pk}/").content.decode()
    assert "保護費から徴収（第78条の2）" in page
    assert "71,880円" in page and "5,000円" in page  # 76,880円 − 5,000円
    connection.set_tenant(alpha.municipality)
    got = set(
        AccessLog.objects.filter(username="hayama-shinsa", screen="fukushi.seiho_chosei")
        .values_list("action", "purpose")
    )  # fmt: skip
    assert ("read", "徴収の申出の受付") in got and ("update", "") in got
    # 寒川町's caseworker reaches nothing of 葉山町's
    connection.set_schema_to_public()
    cb = login("samukawa-shinsa", beta.host)
    cb.post(f"{BASE}/cases/{k.case_id}/mokuteki/", {"mokuteki": "確認"})
    assert cb.get(url).status_code == 404
