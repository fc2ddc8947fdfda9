"""窓口払 and 追給 of the monthly 保護費 (SH-17): a 変更 inside the month (or decided after
the run) raising the 保護費 is paid the difference for its days once, however often the
追給 is made; a month named 窓口払 leaves the 全銀協 file and is listed, with the cases
without an account and the 窓口 追給, on the 窓口払 一覧 (screen, PDF read back, CSV) with
its 受領 recorded once; the grant wall (404 for a clerk without it, whether the run exists
or not) and two towns."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from fukushi.models import SeihoCase, SeihoShikyuLine, SeihoTsuikyu
from fukushi.printjobs_seiho_madoguchi import madoguchi_render
from fukushi.services.seiho import (
    MemberInput,
    SeihoRefused,
    Setai,
    seiho_furikomi_file,
    seiho_henko,
    seiho_kaishi,
    seiho_shikyu_make,
)
from fukushi.services.seiho_madoguchi import (
    juryo_kiroku,
    madoguchi_rows,
    madoguchi_shitei,
    tsuikyu_furikomi_file,
    tsuikyu_make,
)
from fukushi.tests.factories import ACTOR
from fukushi.tests.test_seiho_cases import BASE, JUNE, _irainin, household
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.testing.pdf import pdf_pages, squash
from tenants.zengin import read_sogo_furikomi

pytestmark = pytest.mark.django_db

JULY = date(2026, 7, 1)
RUN_DAY = date(2026, 7, 3)
TSUIKYU_DAY = date(2026, 7, 24)
SETAI = Setai(kyuchi="1-1", toki_ku="6")


def _case(capture, atena, *, income: int, account: bool):
    # 高齢単身（65歳）1級地-1, 令和8年7月: 76,880円 before income (test_seiho_cases)
    with capture(execute=True):
        k = seiho_kaishi(
            nushi_atena_id=atena.pk,
            members=[MemberInput(atena_id=atena.pk, sonota_shunyu=income)],
            setai=SETAI,
            fujo=["seikatsu"],
            kaishi_date=JUNE,
            kettei_date=JUNE,
            riyu="生活困窮",
            actor=ACTOR,
        )
    if account:
        SeihoCase.objects.filter(pk=k.case_id).update(
            kinyu_kikan="0009",
            shiten="123",
            yokin_shumoku="1",
            koza_bango=f"{7000000 + k.case_id:07d}",
            meigi_kana="ﾎｺﾞ ｲﾁ",
        )
    return k


def _henko(capture, k, *, income: int, tekiyo: date, kettei: date):
    with capture(execute=True):
        return seiho_henko(
            case_id=k.case_id,
            members=[MemberInput(atena_id=k.case.nushi_atena_id, sonota_shunyu=income)],
            setai=SETAI,
            fujo=["seikatsu"],
            tekiyo_date=tekiyo,
            kettei_date=kettei,
            riyu="収入の変動",
            actor=ACTOR,
        )


def test_tsuikyu_once_and_madoguchi_list_with_juryo_in_two_towns(
    alpha, beta, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(alpha.municipality)
    (a,) = household("hayama", [65], JUNE, surname="追給")
    (b,) = household("hayama", [65], JUNE, surname="指定")
    (c,) = household("hayama", [65], JUNE, surname="窓口")
    (d,) = household("hayama", [65], JUNE, surname="減額")
    ka = _case(cap, a, income=20_000, account=True)
    kb = _case(cap, b, income=0, account=True)
    kc = _case(cap, c, income=10_000, account=False)
    kd = _case(cap, d, income=0, account=True)
    # 窓口払: only for a case with an account, with a reason, once, before the run
    with pytest.raises(SeihoRefused, match="口座のないケース"):
        madoguchi_shitei(case_id=kc.case_id, month=JULY, riyu="面接", actor=ACTOR)
    with pytest.raises(SeihoRefused, match="理由"):
        madoguchi_shitei(case_id=kb.case_id, month=JULY, riyu="  ", actor=ACTOR)
    madoguchi_shitei(case_id=kb.case_id, month=date(2026, 7, 15), riyu="面接のため", actor=ACTOR)
    with pytest.raises(SeihoRefused, match="すでに窓口払"):
        madoguchi_shitei(case_id=kb.case_id, month=JULY, riyu="面接", actor=ACTOR)
    # a 変更 before the run, from the 17th (the run pays the 1st's decision for the month)
    ha = _henko(cap, ka, income=0, tekiyo=date(2026, 7, 17), kettei=date(2026, 7, 2))
    run = seiho_shikyu_make(month=JULY, furikomi_date=RUN_DAY, actor=ACTOR)
    with pytest.raises(SeihoRefused, match="すでに作成"):
        madoguchi_shitei(case_id=kd.case_id, month=JULY, riyu="面接", actor=ACTOR)
    lines = {ln.case_id: ln for ln in SeihoShikyuLine.objects.filter(shikyu=run)}
    assert {cid: (ln.amount, ln.furikomi) for cid, ln in lines.items()} == {
        ka.case_id: (56_880, True),
        kb.case_id: (76_880, False),  # named 窓口払 for July
        kc.case_id: (66_880, False),  # no account
        kd.case_id: (76_880, True),
    }
    # decided after the run: C's income ends from the 1st (the whole month), D's rises
    hc = _henko(cap, kc, income=0, tekiyo=JULY, kettei=date(2026, 7, 10))
    _henko(cap, kd, income=5_000, tekiyo=date(2026, 7, 20), kettei=date(2026, 7, 10))
    made = tsuikyu_make(run=run, shikyu_date=TSUIKYU_DAY, actor=ACTOR)
    got = {t.case_id: (t.kettei_id, t.amount, t.nissu, t.furikomi) for t in made}
    # A: 20,000円 × 15日（17〜31日）÷ 31日 = 9,677.4… → 9,678円; C: 10,000円 for the month;
    # D's 変更 lowers the 保護費: no 追給
    assert got == {
        ka.case_id: (ha.pk, 9_678, 15, True),
        kc.case_id: (hc.pk, 10_000, 31, False),
    }
    ta = next(t for t in made if t.case_id == ka.case_id)
    assert ta.uchiwake == "（変更後76,880円−変更前56,880円）×15日÷31日＝9,678円"
    # made again: nothing twice
    assert tsuikyu_make(run=run, shikyu_date=date(2026, 7, 27), actor=ACTOR) == []
    assert SeihoTsuikyu.objects.count() == 2
    with pytest.raises(SeihoRefused, match="支給日より前"):
        tsuikyu_make(run=run, shikyu_date=date(2026, 7, 1), actor=ACTOR)
    # the 全銀協 files: the month's without B and C, the 追給's with A only
    _irainin(2026)
    _, ids = seiho_furikomi_file(run)
    assert ids == sorted(
        [ka.case_id, kd.case_id], key=lambda i: SeihoCase.objects.get(pk=i).case_no
    )
    data, ids = tsuikyu_furikomi_file(run, TSUIKYU_DAY)
    body = [r.fields for r in read_sogo_furikomi(data) if r.kind == "data"]
    assert ids == [ka.case_id] and [x["amount"] for x in body] == [9_678]
    with pytest.raises(SeihoRefused, match="口座振込の追給"):
        tsuikyu_furikomi_file(run, date(2026, 7, 27))
    # the 窓口払 一覧: B's and C's lines and C's 追給
    rows = madoguchi_rows(run)
    assert [(r.case_id, r.shubetsu, r.amount) for r in rows] == sorted(
        [
            (kb.case_id, "保護費", 76_880),
            (kc.case_id, "保護費", 66_880),
            (kc.case_id, "追給", 10_000),
        ],
        key=lambda t: (SeihoCase.objects.get(pk=t[0]).case_no, t[1] == "追給"),
    )
    # 受領: not before the day paid, then once
    line_b = lines[kb.case_id]
    with pytest.raises(SeihoRefused, match="支給日より前"):
        juryo_kiroku(
            run=run, kind="line", pk=line_b.pk, juryo_date=JULY, juryo_sha="nushi", actor=ACTOR
        )
    r = juryo_kiroku(
        run=run, kind="line", pk=line_b.pk, juryo_date=RUN_DAY, juryo_sha="dairinin", actor=ACTOR
    )
    assert (r.juryo_date, r.juryo_sha, r.juryo_actor) == (RUN_DAY, "代理人", ACTOR.username)
    with pytest.raises(SeihoRefused, match="すでに記録"):
        juryo_kiroku(
            run=run, kind="line", pk=line_b.pk, juryo_date=RUN_DAY, juryo_sha="nushi", actor=ACTOR
        )
    # an account line is not a 窓口 payment
    with pytest.raises(SeihoRefused, match="見つかりません"):
        juryo_kiroku(
            run=run,
            kind="line",
            pk=lines[ka.case_id].pk,
            juryo_date=RUN_DAY,
            juryo_sha="nushi",
            actor=ACTOR,
        )
    text = squash(" ".join(pdf_pages(madoguchi_render(JULY, madoguchi_rows(run), TSUIKYU_DAY))))
    assert "窓口払一覧（令和8年7月分）" in text and "件数3件合計153,760円" in text
    assert "指定0" in text and "窓口0" in text and "76,880円" in text and "未受領" in text
    assert "代理人" in text and "令和8年7月3日" in text
    # 寒川町: its own run and 追給; nothing of 葉山町's
    connection.set_tenant(beta.municipality)
    (x,) = household("samukawa", [65], JUNE, surname="寒川")
    kx = _case(cap, x, income=20_000, account=False)
    run_x = seiho_shikyu_make(month=JULY, furikomi_date=RUN_DAY, actor=ACTOR)
    _henko(cap, kx, income=0, tekiyo=JULY, kettei=date(2026, 7, 12))
    made_x = tsuikyu_make(run=run_x, shikyu_date=TSUIKYU_DAY, actor=ACTOR)
    assert [(t.case_id, t.amount) for t in made_x] == [(kx.case_id, 20_000)]
    assert [r.case_id for r in madoguchi_rows(run_x)] == [kx.case_id, kx.case_id]
    assert SeihoTsuikyu.objects.count() == 1 and SeihoCase.objects.count() == 1
    connection.set_tenant(alpha.municipality)
    assert SeihoTsuikyu.objects.count() == 2


def test_madoguchi_screens_behind_the_grant_and_the_purpose(
    alpha, beta, login, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(alpha.municipality)
    (c,) = household("hayama", [65], JUNE, surname="窓口")
    (a,) = household("hayama", [65], JUNE, surname="口座")
    kc = _case(cap, c, income=10_000, account=False)
    ka = _case(cap, a, income=0, account=True)
    run = seiho_shikyu_make(month=JULY, furikomi_date=RUN_DAY, actor=ACTOR)
    _henko(cap, kc, income=0, tekiyo=JULY, kettei=date(2026, 7, 10))
    line = SeihoShikyuLine.objects.get(shikyu=run, case_id=kc.case_id)
    case_no = kc.case.case_no
    connection.set_schema_to_public()
    urls = [
        f"{BASE}/shikyu/{run.pk}/madoguchi/",
        f"{BASE}/shikyu/{run.pk}/madoguchi.pdf",
        f"{BASE}/shikyu/{run.pk}/madoguchi.csv",
        f"{BASE}/shikyu/{run.pk}/tsuikyu/",
        f"{BASE}/shikyu/{run.pk}/tsuikyu/furikomi/2026-07-24/",
        f"{BASE}/cases/{ka.case_id}/madoguchi/",
    ]
    missing = [u.replace(f"/{run.pk}/", f"/{run.pk + 999}/").replace(
        f"/{ka.case_id}/", f"/{ka.case_id + 999}/") for u in urls]  # fmt: skip
    # a clerk without the grant: 404 for every URL, existing or not; nothing written
    for who in ("hayama-clerk", "hayama-viewer"):
        cl = login(who, alpha.host)
        for u, m in zip(urls, missing, strict=True):
            got = cl.get(u)
            assert got.status_code == cl.get(m).status_code == 404, (who, u)
            assert case_no not in got.content.decode()
        assert cl.post(
            f"{BASE}/shikyu/{run.pk}/tsuikyu/", {"shikyu_date": "2026-07-24"}
        ).status_code in (403, 404)
        assert cl.post(
            f"{BASE}/shikyu/{run.pk}/madoguchi/line/{line.pk}/juryo/",
            {"juryo_date": "2026-07-03", "juryo_sha": "nushi"},
        ).status_code in (403, 404)
        assert cl.post(
            f"{BASE}/cases/{ka.case_id}/madoguchi/", {"month": "2026-08-01", "riyu": "x"}
        ).status_code in (403, 404)
        # the run's page shows no count of the 窓口払 either
        assert cl.get(f"{BASE}/shikyu/").status_code == 404
    connection.set_tenant(alpha.municipality)
    assert not SeihoTsuikyu.objects.exists()
    assert SeihoShikyuLine.objects.get(pk=line.pk).juryo_date is None
    assert (
        not AccessLog.objects.filter(
            record_type="fukushi.SeihoCase", username__in=["hayama-clerk", "hayama-viewer"]
        )
        .exclude(action="denied")
        .exists()
    )
    # the caseworker: the purpose first, then the 追給, the list, the 受領, the PDF and the CSV
    connection.set_schema_to_public()
    w = login("hayama-shinsa", alpha.host)
    r = w.get(urls[0])
    assert r.status_code == 302 and r["Location"].endswith(f"/shikyu/{run.pk}/mokuteki/")
    assert (
        w.post(f"{BASE}/shikyu/{run.pk}/mokuteki/", {"mokuteki": "窓口支給の準備"}).status_code
        == 302
    )
    r = w.post(f"{BASE}/shikyu/{run.pk}/tsuikyu/", {"shikyu_date": "令和8年7月24日"})
    assert r.status_code == 302
    page = w.get(f"{BASE}/shikyu/{run.pk}/tsuikyu/").content.decode()
    assert case_no in page and "10,000円" in page and "令和8年7月24日" in page
    w.post(f"{BASE}/shikyu/{run.pk}/tsuikyu/", {"shikyu_date": "令和8年7月25日"})
    page = w.get(urls[0]).content.decode()
    assert page.count(case_no) >= 2 and "66,880円" in page and "未受領" in page
    assert 'target="_blank" rel="noopener"' in page
    r = w.post(
        f"{BASE}/shikyu/{run.pk}/madoguchi/line/{line.pk}/juryo/",
        {"juryo_date": "令和8年7月3日", "juryo_sha": "nushi"},
    )
    assert r.status_code == 302
    bad = w.post(
        f"{BASE}/shikyu/{run.pk}/madoguchi/line/{line.pk}/juryo/",
        {"juryo_date": "令和8年7月4日", "juryo_sha": "nushi"},
        follow=True,
    ).content.decode()
    assert "すでに記録しています" in bad
    pdf = w.get(urls[1])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = squash(" ".join(pdf_pages(pdf.content)))
    assert case_no in text and "窓口0" in text and "66,880円" in text and "世帯主" in text
    got_csv = w.get(urls[2])
    rows = list(csv.reader(io.StringIO(got_csv.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["ケース番号", "世帯主", "世帯主（カナ）", "種別", "支給額"]
    assert [(r[0], r[3], r[4], r[6]) for r in rows[1:]] == [
        (case_no, "保護費", "66,880円", "令和8年7月3日"),
        (case_no, "追給", "10,000円", "未受領"),
    ]
    # the case screen: naming a later month 窓口払
    assert (
        w.post(f"{BASE}/cases/{ka.case_id}/mokuteki/", {"mokuteki": "口座凍結"}).status_code == 302
    )
    r = w.post(
        f"{BASE}/cases/{ka.case_id}/madoguchi/", {"month": "令和8年8月1日", "riyu": "口座の凍結"}
    )
    assert r.status_code == 302
    assert "口座の凍結" in w.get(f"{BASE}/cases/{ka.case_id}/madoguchi/").content.decode()
    connection.set_tenant(alpha.municipality)
    assert SeihoTsuikyu.objects.count() == 1
    logs = list(
        AccessLog.objects.filter(username="hayama-shinsa", screen__startswith="fukushi.seiho_")
        .exclude(action="denied")
        .values_list("screen", "action", "purpose")
    )
    assert ("fukushi.seiho_madoguchi", "print", "窓口支給の準備") in logs
    assert ("fukushi.seiho_madoguchi", "export", "窓口支給の準備") in logs
    assert ("fukushi.seiho_tsuikyu", "read", "窓口支給の準備") in logs
    # 寒川町's caseworker reaches nothing of 葉山町's run
    connection.set_schema_to_public()
    cb = login("samukawa-shinsa", beta.host)
    cb.post(f"{BASE}/shikyu/{run.pk}/mokuteki/", {"mokuteki": "確認"})
    for u in urls[:4]:
        r = cb.get(u)
        assert r.status_code == 404 or case_no not in r.content.decode(), u
