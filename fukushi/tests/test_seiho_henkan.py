"""返還金 (生活保護法第63条) and 徴収金 (第78条) (SH-60〜SH-63): the amount (rule), the 決定
with its history and 分割納付 plan, its 調定 on the 収納 ledger (変更 = 更正 of the
difference), the 決定通知書 read back, refusals that write nothing, the screens behind
the grant and the purpose, and two towns.

Worked figures: no ministry page with a worked 徴収金 was found. The 第78条第1項 text
(「その徴収する額に100分の40を乗じて得た額以下の金額を徴収することができる」) is quoted at
https://www.npo-all.jp/0/0/0/husei ; the 不正受給 of 461万円 (さいたま市, as reported at
https://woman.excite.co.jp/article/lifestyle/rid_Suzie_10771/pid_2.html) is used with that
text: 4,610,000円 + 40% = 6,454,000円 (the arithmetic of the article, not a published total).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fukushi.models import HenkanHo, HenkanKind, SeihoHenkan
from fukushi.printjobs_seiho_henkan import henkan_render
from fukushi.rules.seiho_henkan import HO_63, HO_77, HO_78, HenkanInvalid, bunkatsu, henkan_gaku
from fukushi.services.seiho import SeihoRefused
from fukushi.services.seiho_henkan import HenkanInput, seiho_henkan_kettei
from fukushi.tests.factories import ACTOR, kaishi
from fukushi.tests.test_seiho_cases import BASE, JUNE, household
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.testing.pdf import pdf_pages, squash
from zeimu.public import Zeimoku, kibetsu_zan


def test_henkan_gaku_63_and_78():
    # 第63条: the 保護費 received less the 控除 the 実施機関 leaves
    g = henkan_gaku(
        ho=HO_63, hogo_kingaku=300_000, kojo=45_000, choshu_gaku=0, kasan_ritsu=0, jogen=40
    )
    assert (g.honkin, g.kasan, g.amount) == (255_000, 0, 255_000)
    # 第77条の2 collects the same amount (国税徴収の例)
    assert (
        henkan_gaku(
            ho=HO_77, hogo_kingaku=300_000, kojo=45_000, choshu_gaku=0, kasan_ritsu=0, jogen=40
        )
        == g
    )
    assert g.uchiwake == "受けた保護費 300,000円 − 控除 45,000円 ＝ 255,000円"
    # 第78条第1項: 461万円 + 100分の40 (see the module's words)
    g = henkan_gaku(
        ho=HO_78,
        hogo_kingaku=4_610_000,
        kojo=0,
        choshu_gaku=4_610_000,
        kasan_ritsu=40,
        jogen=40,
    )
    assert (g.honkin, g.kasan, g.amount) == (4_610_000, 1_844_000, 6_454_000)
    # the 加算 is cut to the yen (未確認), a part of the 費用 may be collected
    g = henkan_gaku(
        ho=HO_78, hogo_kingaku=100_000, kojo=0, choshu_gaku=33_333, kasan_ritsu=10, jogen=40
    )
    assert (g.kasan, g.amount) == (3_333, 36_666)
    refused: list[dict[str, Any]] = [
        {"ho": HO_78, "choshu_gaku": 100_000, "kasan_ritsu": 41},  # above 100分の40
        {"ho": HO_78, "choshu_gaku": 100_001},  # more than was received
        {"ho": HO_78, "choshu_gaku": 50_000, "kojo": 1},  # no 控除 in a 徴収
        {"ho": HO_63, "kasan_ritsu": 10},  # no 加算 in a 返還
        {"ho": HO_63, "kojo": 100_000},  # nothing left to return
        {"ho": "x"},
    ]
    for bad in refused:
        args: dict[str, Any] = {
            "hogo_kingaku": 100_000,
            "kojo": 0,
            "choshu_gaku": 0,
            "kasan_ritsu": 0,
        } | bad
        with pytest.raises(HenkanInvalid):
            henkan_gaku(jogen=40, **args)
    # before the 加算 existed (jogen 0) any 加算 is refused
    with pytest.raises(HenkanInvalid, match="0〜0％"):
        henkan_gaku(ho=HO_78, hogo_kingaku=10, kojo=0, choshu_gaku=10, kasan_ritsu=1, jogen=0)


def test_bunkatsu_plan():
    plan = bunkatsu(amount=100_000, kaisu=3, first_nouki=date(2027, 1, 31))
    assert [(k.ki, k.nouki, k.amount) for k in plan] == [
        (1, date(2027, 1, 31), 33_334),  # the remainder on the 第1期
        (2, date(2027, 2, 28), 33_333),  # a shorter month: its last day
        (3, date(2027, 3, 31), 33_333),
    ]
    for kaisu in (0, 121):
        with pytest.raises(HenkanInvalid, match="分割の回数"):
            bunkatsu(amount=100_000, kaisu=kaisu, first_nouki=date(2027, 1, 31))
    with pytest.raises(HenkanInvalid):
        bunkatsu(amount=2, kaisu=3, first_nouki=date(2027, 1, 31))


def _input(**kw: object) -> HenkanInput:
    base: dict[str, object] = {
        "ho": HenkanHo.HENKAN_63,
        "kettei_date": date(2026, 9, 10),
        "kikan_from": date(2026, 6, 1),
        "kikan_to": date(2026, 8, 31),
        "hogo_kingaku": 150_000,
        "kojo": 0,
        "choshu_gaku": 0,
        "kasan_ritsu": 0,
        "riyu": "年金の遡及受給（資力の発生）",
        "kaisu": 3,
        "first_nouki": date(2026, 9, 30),
    }
    return HenkanInput(**(base | kw))  # type: ignore[arg-type]


def _ledger(atena_id: int) -> list[tuple[str, int, str, date, int]]:
    return [
        (z.zeimoku.value, z.nendo, z.ki_label, z.nouki, z.chotei)
        for z in kibetsu_zan(atena_id)
        if z.zeimoku in (Zeimoku.SEIHO_HENKAN, Zeimoku.SEIHO_CHOSHU, Zeimoku.SEIHO_HENKAN77)
    ]


@pytest.mark.django_db
def test_kettei_henko_and_the_ledger_in_two_towns(alpha, beta, django_capture_on_commit_callbacks):
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(alpha.municipality)
    (a,) = household("hayama", [65], JUNE, surname="返還")
    k = kaishi(cap, [a], day=JUNE)
    # 第63条: 150,000円 in 3 期, stated to the ledger under its own 税目, owed by the 世帯主
    h1 = seiho_henkan_kettei(case_id=k.case_id, data=_input(), actor=ACTOR)
    assert (h1.amount, h1.kind, h1.root_id) == (150_000, HenkanKind.KETTEI, h1.pk)
    assert _ledger(a.pk) == [
        ("seiho63", 2026, "第1期", date(2026, 9, 30), 50_000),
        ("seiho63", 2026, "第2期", date(2026, 10, 30), 50_000),
        ("seiho63", 2026, "第3期", date(2026, 11, 30), 50_000),
    ]
    assert all(len(b["nofu_bango"]) == 20 and b["nofu_bango"][:2] == "10" for b in h1.bunkatsu)
    # 変更: a 控除 of 30,000円 and 2 期: 第1・2期 更正 to 60,000円, 第3期 brought to 0
    h2 = seiho_henkan_kettei(
        case_id=k.case_id,
        henko_of=h1.pk,
        data=_input(kettei_date=date(2026, 9, 20), kojo=30_000, kaisu=2),
        actor=ACTOR,
    )
    assert (h2.amount, h2.kind, h2.root_id) == (120_000, HenkanKind.HENKO, h1.pk)
    assert _ledger(a.pk) == [
        ("seiho63", 2026, "第1期", date(2026, 9, 30), 60_000),
        ("seiho63", 2026, "第2期", date(2026, 10, 30), 60_000),
        ("seiho63", 2026, "第3期", date(2026, 11, 30), 0),
    ]
    # the first 決定 is kept as it was (history)
    h1.refresh_from_db()
    assert (h1.amount, len(h1.bunkatsu)) == (150_000, 3)
    # the old 決定 cannot be changed again; the 根拠 cannot change
    with pytest.raises(SeihoRefused, match="すでに変更"):
        seiho_henkan_kettei(case_id=k.case_id, henko_of=h1.pk, data=_input(), actor=ACTOR)
    with pytest.raises(SeihoRefused, match="根拠"):
        seiho_henkan_kettei(
            case_id=k.case_id,
            henko_of=h2.pk,
            data=_input(ho=HenkanHo.CHOSHU_78, choshu_gaku=10_000),
            actor=ACTOR,
        )
    # 第78条: 100,000円 + 40% in one 期
    h3 = seiho_henkan_kettei(
        case_id=k.case_id,
        data=_input(
            ho=HenkanHo.CHOSHU_78,
            hogo_kingaku=100_000,
            choshu_gaku=100_000,
            kasan_ritsu=40,
            kaisu=1,
            riyu="就労収入の無申告",
        ),
        actor=ACTOR,
    )
    assert (h3.honkin, h3.kasan, h3.amount) == (100_000, 40_000, 140_000)
    assert ("seiho78", 2026, "第1期", date(2026, 9, 30), 140_000) in _ledger(a.pk)
    # 第63条 collected under 第77条の2 (国税徴収の例): its own 税目; only for 保護費 paid from
    # 平成30年10月1日 (改正法附則第4条)
    h4 = seiho_henkan_kettei(
        case_id=k.case_id, data=_input(ho=HenkanHo.HENKAN_77, kaisu=1), actor=ACTOR
    )
    assert h4.amount == 150_000
    assert ("seiho77", 2026, "第1期", date(2026, 9, 30), 150_000) in _ledger(a.pk)
    # refused input writes nothing: no row, no 期別, no access-log row
    n_rows, n_ledger, n_log = (
        SeihoHenkan.objects.count(),
        len(_ledger(a.pk)),
        AccessLog.objects.count(),
    )
    for bad in (
        _input(ho=HenkanHo.CHOSHU_78, choshu_gaku=100_000, kasan_ritsu=41),
        _input(kikan_from=date(2026, 9, 1), kikan_to=date(2026, 8, 1)),
        _input(kikan_from=date(2026, 5, 1)),  # before the 保護開始
        _input(first_nouki=date(2026, 9, 1)),  # before the 決定日
        _input(riyu="  "),
        _input(ho=HenkanHo.HENKAN_77, kikan_from=date(2018, 9, 1)),
    ):
        with pytest.raises(SeihoRefused):
            seiho_henkan_kettei(case_id=k.case_id, data=bad, actor=ACTOR)
    assert (SeihoHenkan.objects.count(), len(_ledger(a.pk)), AccessLog.objects.count()) == (
        n_rows,
        n_ledger,
        n_log,
    )
    # the 決定通知書, read back
    text = squash(" ".join(pdf_pages(henkan_render([h2, h3]))))
    for words in (
        "生活保護法による返還金変更決定通知書",
        "返還金（生活保護法第63条）",
        "控除額30,000円",
        "返還金の額120,000円",
        "分割納付の計画",
        "令和8年10月30日",
        "60,000円",
        "生活保護法による徴収金決定通知書",
        "加算額40,000円（徴収する額の40％）",
        "徴収金の額140,000円",
        "就労収入の無申告",
        "審査請求",
    ):
        assert squash(words) in text, words
    # 寒川町: its own 決定 and ledger; nothing of 葉山町's
    connection.set_tenant(beta.municipality)
    assert SeihoHenkan.objects.count() == 0
    (b,) = household("samukawa", [65], JUNE, surname="寒川")
    kb = kaishi(cap, [b], day=JUNE)
    seiho_henkan_kettei(case_id=kb.case_id, data=_input(kaisu=1), actor=ACTOR)
    assert _ledger(b.pk) == [("seiho63", 2026, "第1期", date(2026, 9, 30), 150_000)]
    assert SeihoHenkan.objects.count() == 1
    with pytest.raises(SeihoRefused, match="変更する決定が見つかりません"):
        seiho_henkan_kettei(case_id=kb.case_id, henko_of=h2.pk, data=_input(), actor=ACTOR)


@pytest.mark.django_db
def test_screens_behind_the_grant_and_the_purpose(
    alpha, beta, login, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    (a,) = household("hayama", [65], JUNE, surname="画面返還")
    k = kaishi(django_capture_on_commit_callbacks, [a], day=JUNE)
    connection.set_schema_to_public()
    url = f"{BASE}/cases/{k.case_id}/henkan/"
    # a clerk without the grant: 404 for the screen, for a case that exists or not
    for who in ("hayama-clerk", "hayama-viewer"):
        c = login(who, alpha.host)
        assert c.get(url).status_code in (403, 404)
        assert c.get(f"{BASE}/cases/{k.case_id + 999}/henkan/").status_code in (403, 404)
    c = login("hayama-shinsa", alpha.host)
    r = c.get(url)
    assert r.status_code == 302 and r["Location"].endswith("/mokuteki/")
    c.post(f"{BASE}/cases/{k.case_id}/mokuteki/", {"mokuteki": "返還金の決定"})
    form = {
        "ho": "h63",
        "kettei_date": "令和8年9月10日",
        "kikan_from": "令和8年6月1日",
        "kikan_to": "令和8年8月31日",
        "hogo_kingaku": "90000",
        "kojo": "0",
        "choshu_gaku": "0",
        "kasan_ritsu": "0",
        "riyu": "保険金の受領",
        "kaisu": "3",
        "first_nouki": "令和8年9月30日",
    }
    # a control character in the 理由 is refused (the platform's 400); nothing is written
    r = c.post(url, form | {"riyu": "保険金\x07の受領"})
    assert r.status_code == 400
    # a 加算 above 100分の40: the form again with the message; nothing is written
    r = c.post(url, form | {"ho": "c78", "choshu_gaku": "90000", "kasan_ritsu": "41"})
    assert r.status_code == 200 and "0〜40％" in r.content.decode()
    connection.set_tenant(alpha.municipality)
    assert SeihoHenkan.objects.count() == 0
    connection.set_schema_to_public()
    r = c.post(url, form)
    assert r.status_code == 302, r.content.decode()[:1500]
    connection.set_tenant(alpha.municipality)
    h = SeihoHenkan.objects.get()
    assert (h.amount, len(h.bunkatsu)) == (90_000, 3)
    connection.set_schema_to_public()
    page = c.get(url).content.decode()
    assert "保険金の受領" in page and "90,000円" in page and "令和8年9月10日" in page
    pdf = c.get(f"{BASE}/cases/{k.case_id}/henkan/{h.pk}/tsuchi.pdf")
    assert pdf.status_code == 200 and "90,000円" in squash(" ".join(pdf_pages(pdf.content)))
    connection.set_tenant(alpha.municipality)
    got = list(
        AccessLog.objects.filter(
            username="hayama-shinsa", screen__startswith="fukushi.seiho_henkan"
        )
        .order_by("id")
        .values_list("screen", "action", "purpose")
    )
    assert ("fukushi.seiho_henkan", "read", "返還金の決定") in got
    assert ("fukushi.seiho_henkan", "update", "") in got or any(
        s == "fukushi.seiho_henkan" and act == "update" for s, act, _ in got
    )
    assert ("fukushi.seiho_henkan_pdf", "print", "返還金の決定") in got
    # 寒川町's caseworker reaches nothing of 葉山町's 決定
    connection.set_schema_to_public()
    cb = login("samukawa-shinsa", beta.host)
    cb.post(f"{BASE}/cases/{k.case_id}/mokuteki/", {"mokuteki": "確認"})
    r = cb.get(f"{BASE}/cases/{k.case_id}/henkan/{h.pk}/tsuchi.pdf")
    assert r.status_code == 404
