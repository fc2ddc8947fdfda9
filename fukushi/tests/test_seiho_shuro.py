"""就労自立給付金 (生活保護法第55条の4, SH-69) and the 徴収金 taken from it on the household's
申出 (第78条の2第2項, SH-70): the 算定 (収入充当額の合計 × 算定率, between the 下限 and the
上限 of 単身・複数世帯), the 支給決定 at a 廃止 by work checked against the case's decisions, the
payment posting the 徴収金 to the 収納 ledger oldest 期 first and paying the rest by 全銀 file,
refusals that write nothing, the screen behind the 生活保護 grant with the purpose, two towns.

Sources (fukushi/params/seiho_shuro.yaml): the 上限 単身10万円・多人数15万円 and the 下限 単身
2万円・複数世帯3万円 from 2024年10月1日 as explained at https://joseikin-insight.com/grants/
(「就労自立給付金とは？最大15万円」). The 算定率 30% and the 6 months are the 平成30年10月 review
as remembered — the 告示・支給要領 text was not read, and no published worked example with
figures was found: the figures below are this rule's arithmetic (未確認), not a town's example.
第78条の2 as quoted at https://www.kmrysyk.com/entry/2018/10/01/180732 (its 第2項 on the
就労自立給付金 is read from the same quotation's summary; 未確認 whether the whole 給付金 may go
to the 徴収金 or only part: ours allows up to the whole)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fukushi.models import (
    Fujo,
    HenkanHo,
    SeihoCase,
    SeihoKettei,
    SeihoShingakuKyufukin,
    SeihoShuroKyufukin,
    ShuroStatus,
)
from fukushi.rules.seiho_shingaku import ShingakuInvalid, nenrei_kigen, shingaku_kyufukin
from fukushi.rules.seiho_shuro import (
    Juto,
    ShuroKyufukinInvalid,
    ShuroSantei,
    santei_of,
    shuro_kyufukin,
)
from fukushi.services.seiho import MemberInput, SeihoRefused, Setai, _haishi, seiho_kaishi
from fukushi.services.seiho_henkan import seiho_henkan_kettei
from fukushi.services.seiho_shingaku import shingaku_kettei, shingaku_shiharai
from fukushi.services.seiho_shuro import (
    shuro_furikomi_file,
    shuro_kyufukin_kettei,
    shuro_kyufukin_shiharai,
)
from fukushi.tests.factories import ACTOR, haishi
from fukushi.tests.test_seiho_cases import BASE, JUNE, _irainin, household
from fukushi.tests.test_seiho_henkan import _input
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.params.services import param_value
from tenants.testing.pdf import pdf_pages, squash
from tenants.zengin import read_sogo_furikomi
from zeimu.public import Zeimoku, kibetsu_zan

pytestmark = pytest.mark.django_db

DECEMBER = date(2026, 12, 1)  # 廃止日: 保護 was last needed in 令和8年11月
MONTHS = [date(2026, m, 1) for m in range(6, 12)]  # 6月〜11月


def _santei(**kw: int) -> ShuroSantei:
    base = dict(santei_ritsu=30, santei_tsukisu=6, jogen_tanshin=100_000,
                jogen_fukusu=150_000, kagen_tanshin=20_000, kagen_fukusu=30_000)  # fmt: skip
    return ShuroSantei(**(base | kw))


def _juto(*gaku: int, last: date = date(2026, 11, 1)) -> list[Juto]:
    n = len(gaku)
    months = [date(2026, m, 1) for m in range(last.month - n + 1, last.month + 1)]
    return [Juto(month=m, gaku=g) for m, g in zip(months, gaku, strict=True)]


def test_santei_cap_floor_and_boundaries():
    last = date(2026, 11, 1)
    s = _santei()
    # 6 × 50,000 = 300,000 × 30% = 90,000 (単身, under the 上限)
    r = shuro_kyufukin(juto=_juto(*[50_000] * 6), last_month=last, tanshin=True, santei=s)
    assert (r.gokei, r.santei, r.amount) == (300_000, 90_000, 90_000)
    assert r.uchiwake == "収入充当額の合計 300,000円（6か月）× 算定率30％ ＝ 90,000円"
    # the 単身 上限 at its boundary: 333,333 → 99,999 (cut to the yen); 333,334 → 100,000
    r = shuro_kyufukin(juto=_juto(333_333), last_month=last, tanshin=True, santei=s)
    assert r.amount == 99_999
    r = shuro_kyufukin(juto=_juto(333_334), last_month=last, tanshin=True, santei=s)
    assert (r.santei, r.amount) == (100_000, 100_000)
    r = shuro_kyufukin(juto=_juto(*[60_000] * 6), last_month=last, tanshin=True, santei=s)
    assert (r.santei, r.amount) == (108_000, 100_000)
    assert r.uchiwake.endswith("単身世帯の上限 100,000円")
    # 複数世帯: the same 108,000 stays; 600,000 × 30% = 180,000 → 150,000
    r = shuro_kyufukin(juto=_juto(*[60_000] * 6), last_month=last, tanshin=False, santei=s)
    assert r.amount == 108_000
    r = shuro_kyufukin(juto=_juto(*[100_000] * 6), last_month=last, tanshin=False, santei=s)
    assert r.amount == 150_000
    # the 下限: 20,000 × 30% = 6,000 → 単身 20,000 / 複数 30,000; none before it existed
    r = shuro_kyufukin(juto=_juto(20_000), last_month=last, tanshin=True, santei=s)
    assert (r.santei, r.amount) == (6_000, 20_000)
    assert r.uchiwake.endswith("単身世帯の下限 20,000円")
    r = shuro_kyufukin(juto=_juto(20_000), last_month=last, tanshin=False, santei=s)
    assert r.amount == 30_000
    r = shuro_kyufukin(
        juto=_juto(20_000), last_month=last, tanshin=True,
        santei=_santei(kagen_tanshin=0, kagen_fukusu=0),
    )  # fmt: skip
    assert r.amount == 6_000
    # refusals: nothing, a 7th month back, a month twice, a month not a 1st
    for juto, words in (
        ([], "1か月以上"),
        ([Juto(month=date(2026, 5, 1), gaku=1)], "前6か月"),
        ([Juto(month=date(2026, 12, 1), gaku=1)], "前6か月"),
        ([Juto(month=last, gaku=1), Juto(month=last, gaku=2)], "重なって"),
        ([Juto(month=date(2026, 11, 2), gaku=1)], "1日"),
    ):
        with pytest.raises(ShuroKyufukinInvalid, match=words):
            shuro_kyufukin(juto=juto, last_month=last, tanshin=True, santei=s)


def test_the_loaded_values_by_month():
    """The 下限 exists from 2024年10月 (令和6年度 has two periods); 平成30年度 has no values."""
    v2024 = param_value("fukushi.seiho.shuro_kyufukin", 2024)
    assert santei_of(v2024, date(2024, 9, 1)).kagen_tanshin == 0
    assert santei_of(v2024, date(2024, 10, 1)).kagen_tanshin == 20_000
    assert santei_of(v2024, date(2025, 3, 1)).kagen_fukusu == 30_000
    s = santei_of(param_value("fukushi.seiho.shuro_kyufukin", 2026), date(2026, 11, 1))
    assert s == _santei()


def _case(cap, town: str, ages: list[int], surname: str, shuro: int) -> tuple[list, SeihoKettei]:
    atenas = household(town, ages, JUNE, surname=surname)
    with cap(execute=True):
        k = seiho_kaishi(
            nushi_atena_id=atenas[0].pk,
            members=[MemberInput(atena_id=atenas[0].pk, shuro_shunyu=shuro)]
            + [MemberInput(atena_id=a.pk) for a in atenas[1:]],
            setai=Setai(kyuchi="1-1", toki_ku="6"),
            fujo=[Fujo.SEIKATSU], kaishi_date=JUNE, kettei_date=JUNE,
            riyu="生活困窮", actor=ACTOR,
        )  # fmt: skip
    SeihoCase.objects.filter(pk=k.case_id).update(
        kinyu_kikan="0009", shiten="123", yokin_shumoku="1", koza_bango="7654321",
        meigi_kana="ｼﾕｳﾛｳ ｲﾁ",
    )  # fmt: skip
    return atenas, k


def _shuno(atena_id: int) -> list[tuple[str, str, int, int]]:
    return sorted(
        (z.zeimoku.value, z.ki_label, z.shuno, z.zan)
        for z in kibetsu_zan(atena_id)
        if z.zeimoku in (Zeimoku.SEIHO_CHOSHU, Zeimoku.SEIHO_HENKAN)
    )


def test_kettei_at_haishi_with_chosei_paid_and_two_towns(
    alpha, beta, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(alpha.municipality)
    (a,), k = _case(cap, "hayama", [35], "就労", shuro=100_000)
    nintei = k.shunyu_nintei
    assert nintei > 60_000  # the 収入認定額 of 100,000円 of work after the 勤労控除
    kettei = {"kettei_date": date(2026, 7, 20), "kikan_from": JUNE, "kikan_to": date(2026, 6, 30)}
    # a 第78条 徴収金 of 30,000 + 40% = 42,000 in 2 期 of 21,000; a 第63条 返還金 of 5,000
    h78 = seiho_henkan_kettei(
        case_id=k.case_id,
        data=_input(ho=HenkanHo.CHOSHU_78, hogo_kingaku=30_000, choshu_gaku=30_000,
                    kasan_ritsu=40, kaisu=2, first_nouki=date(2026, 8, 31), **kettei),
        actor=ACTOR,
    )  # fmt: skip
    h63 = seiho_henkan_kettei(
        case_id=k.case_id,
        data=_input(hogo_kingaku=5_000, kaisu=1, first_nouki=date(2026, 8, 31), **kettei),
        actor=ACTOR,
    )
    juto = [Juto(month=m, gaku=60_000) for m in MONTHS]

    def kettei_(**kw: Any) -> SeihoShuroKyufukin:
        args: dict[str, Any] = dict(case_id=k.case_id, kettei_date=date(2026, 12, 1),
                    shuro_jiyu="常用雇用で就職し就労収入が最低生活費を上回った",
                    juto=juto, actor=ACTOR) | kw  # fmt: skip
        return shuro_kyufukin_kettei(**args)

    n = (SeihoShuroKyufukin.objects.count(), AccessLog.objects.count())
    with pytest.raises(SeihoRefused, match="保護が廃止されていません"):
        kettei_()
    haishi(cap, k.case_id, day=DECEMBER)
    n = (SeihoShuroKyufukin.objects.count(), AccessLog.objects.count())
    for kw, words in (
        ({"juto": [Juto(month=date(2026, 11, 1), gaku=nintei + 1)]}, "収入認定額"),
        ({"juto": [Juto(month=date(2026, 5, 1), gaku=1)]}, "前6か月"),
        ({"shuro_jiyu": "  "}, "事由"),
        ({"chosei_henkan_id": h63.pk, "chosei": 1_000,
          "chosei_moshide_date": date(2026, 11, 20)}, "第63条の返還金は対象になりません"),
        ({"chosei_henkan_id": h78.pk, "chosei": 42_001,
          "chosei_moshide_date": date(2026, 11, 20)}, "未納額（42,000円）"),
        ({"chosei_henkan_id": h78.pk, "chosei": 1_000}, "申出日"),
    ):  # fmt: skip
        with pytest.raises(SeihoRefused, match=words):
            kettei_(**kw)
    assert (SeihoShuroKyufukin.objects.count(), AccessLog.objects.count()) == n

    # 6 × 60,000 = 360,000 × 30% = 108,000 → 単身 上限 100,000; 30,000 goes to the 徴収金
    g = kettei_(chosei_henkan_id=h78.pk, chosei=30_000, chosei_moshide_date=date(2026, 11, 20))
    assert (g.tanshin, g.gokei, g.santei, g.amount, g.chosei, g.shikyu_gaku) == (
        True, 360_000, 108_000, 100_000, 30_000, 70_000,
    )  # fmt: skip
    assert g.status == ShuroStatus.KETTEI
    with pytest.raises(SeihoRefused, match="すでに就労自立給付金の決定"):
        kettei_()
    with pytest.raises(SeihoRefused, match="支払の前"):
        shuro_furikomi_file(g)
    # payment: the 徴収金 posted oldest 期 first, the rest paid by 全銀 file
    with pytest.raises(SeihoRefused, match="決定日より前"):
        shuro_kyufukin_shiharai(case_id=k.case_id, shiharai_date=date(2026, 11, 30), actor=ACTOR)
    g = shuro_kyufukin_shiharai(case_id=k.case_id, shiharai_date=date(2026, 12, 10), actor=ACTOR)
    assert (g.status, g.chosei, g.shikyu_gaku) == (ShuroStatus.SHIHARAI, 30_000, 70_000)
    assert _shuno(a.pk) == [
        ("seiho63", "第1期", 0, 5_000),
        ("seiho78", "第1期", 21_000, 0),
        ("seiho78", "第2期", 9_000, 12_000),
    ]
    with pytest.raises(SeihoRefused, match="すでに支払済"):
        shuro_kyufukin_shiharai(case_id=k.case_id, shiharai_date=date(2026, 12, 11), actor=ACTOR)
    _irainin(2026)
    body = [r.fields for r in read_sogo_furikomi(shuro_furikomi_file(g)) if r.kind == "data"]
    assert [(b["amount"], b["koza_bango"]) for b in body] == [(70_000, "7654321")]

    # a death ends a case without a 給付金
    _d, kd = _case(cap, "hayama", [40], "死亡", shuro=50_000)
    with cap(execute=True):
        case = SeihoCase.objects.get(pk=kd.case_id)
        _haishi(case, haishi_date=DECEMBER, kettei_date=DECEMBER, riyu="死亡", actor=ACTOR,
                cause="shibo", ido_id=None, screen="test")  # fmt: skip
    with pytest.raises(SeihoRefused, match="死亡・転出"):
        shuro_kyufukin_kettei(
            case_id=kd.case_id, kettei_date=DECEMBER, shuro_jiyu="就職", actor=ACTOR,
            juto=[Juto(month=date(2026, 11, 1), gaku=10_000)],
        )  # fmt: skip

    # 寒川町: a 2-person household; 3 months of 30,000 = 27,000 → the 複数世帯 下限 30,000.
    # It sees nothing of 葉山町's and cannot reach its 徴収金
    connection.set_tenant(beta.municipality)
    assert SeihoShuroKyufukin.objects.count() == 0
    _b, kb = _case(cap, "samukawa", [40, 10], "寒川", shuro=80_000)
    haishi(cap, kb.case_id, day=DECEMBER)
    with pytest.raises(SeihoRefused, match="見つかりません"):
        shuro_kyufukin_kettei(
            case_id=kb.case_id, kettei_date=DECEMBER, shuro_jiyu="就職", actor=ACTOR,
            juto=[Juto(month=m, gaku=30_000) for m in MONTHS[3:]],
            chosei_henkan_id=h78.pk, chosei=1_000, chosei_moshide_date=date(2026, 11, 20),
        )  # fmt: skip
    gb = shuro_kyufukin_kettei(
        case_id=kb.case_id, kettei_date=DECEMBER, shuro_jiyu="就職", actor=ACTOR,
        juto=[Juto(month=m, gaku=30_000) for m in MONTHS[3:]],
    )  # fmt: skip
    assert (gb.tanshin, gb.santei, gb.amount, gb.chosei) == (False, 27_000, 30_000, 0)
    assert SeihoShuroKyufukin.objects.count() == 1
    connection.set_tenant(alpha.municipality)
    assert list(SeihoShuroKyufukin.objects.values_list("amount", flat=True)) == [100_000]


def test_shuro_screen_behind_the_grant_and_the_purpose(
    alpha, beta, login, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(alpha.municipality)
    _a, k = _case(cap, "hayama", [35], "画面就労", shuro=100_000)
    haishi(cap, k.case_id, day=DECEMBER)
    connection.set_schema_to_public()
    url = f"{BASE}/cases/{k.case_id}/shuro/"
    for who in ("hayama-clerk", "hayama-viewer"):
        c = login(who, alpha.host)
        assert c.get(url).status_code in (403, 404)
        assert c.post(url, {"shuro_jiyu": "x"}).status_code in (403, 404)
        assert c.post(f"{url}shiharai/", {}).status_code in (403, 404)
        assert c.get(f"{url}furikomi/").status_code in (403, 404)
        assert c.get(f"{url}tsuchi.pdf").status_code in (403, 404)
        assert c.get(f"{BASE}/cases/{k.case_id + 999}/shuro/").status_code in (403, 404)
    c = login("hayama-shinsa", alpha.host)
    r = c.get(url)
    assert r.status_code == 302 and r["Location"].endswith("/mokuteki/")
    c.post(f"{BASE}/cases/{k.case_id}/mokuteki/", {"mokuteki": "就労自立給付金の決定"})
    page = c.get(url).content.decode()
    assert "令和8年6月の収入充当額（円）" in page and "令和8年11月の収入充当額（円）" in page
    form = {"kettei_date": "令和8年12月1日", "shuro_jiyu": "常用雇用で就職",
            "chosei_henkan": "", "chosei_moshide_date": "", "chosei": ""}  # fmt: skip
    form |= {f"juto_{i}": "50000" for i in range(6)}
    # a control character is refused (the platform's 400); a 収入充当額 above the month's
    # 収入認定額 shows the form again with the message; nothing is written
    r = c.post(url, form | {"shuro_jiyu": "就職\x07"})
    assert r.status_code == 400
    r = c.post(url, form | {"juto_5": "999999"})
    assert r.status_code == 200 and "収入認定額" in r.content.decode()
    connection.set_tenant(alpha.municipality)
    assert SeihoShuroKyufukin.objects.count() == 0
    connection.set_schema_to_public()
    r = c.post(url, form)
    assert r.status_code == 302, r.content.decode()[:1500]
    page = c.get(url).content.decode()
    assert "90,000円" in page and "単身世帯" in page and "令和8年11月 50,000円" in page
    r = c.post(f"{url}shiharai/", {"shiharai_date": "令和8年12月10日"})
    assert r.status_code == 302
    page = c.get(url).content.decode()
    assert "支払済（令和8年12月10日）" in page
    # the 支給決定通知書: the figures and the months read back from the PDF
    pdf = c.get(f"{url}tsuchi.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = squash(" ".join(pdf_pages(pdf.content)))
    for words in ("就労自立給付金支給決定通知書", "90,000円", "令和8年11月", "50,000円",
                  "単身世帯", "審査請求"):  # fmt: skip
        assert squash(words) in text, words
    connection.set_tenant(alpha.municipality)
    _irainin(2026)
    connection.set_schema_to_public()
    r = c.get(f"{url}furikomi/")
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    connection.set_tenant(alpha.municipality)
    got = set(
        AccessLog.objects.filter(username="hayama-shinsa", screen="fukushi.seiho_shuro")
        .values_list("action", "purpose")
    )  # fmt: skip
    assert ("read", "就労自立給付金の決定") in got and ("update", "") in got
    assert ("print", "就労自立給付金の決定") in set(
        AccessLog.objects.filter(screen="fukushi.seiho_shuro_pdf").values_list("action", "purpose")
    )
    # 寒川町's caseworker reaches nothing of 葉山町's
    connection.set_schema_to_public()
    cb = login("samukawa-shinsa", beta.host)
    cb.post(f"{BASE}/cases/{k.case_id}/mokuteki/", {"mokuteki": "確認"})
    assert cb.get(url).status_code == 404


# --- 進学・就職準備給付金 (生活保護法第55条の5, SH-71) ----------------------------------------
# Source: 網走市「生活保護世帯における進学・就職準備給付金」
# https://www.city.abashiri.hokkaido.jp/soshiki/12/14856.html (18歳に達する日以後の最初の3月31日
# までの間にある者; 自宅通学・通勤 10万円、自宅外 30万円); 就職 from 2024年4月 as explained at
# https://joseikin-insight.com/grants/ . Reading the age on the 申請日 is ours (未確認).


def test_shingaku_nenrei_kigen_and_amounts():
    # reaching 18 on the day before the 18th birthday: born 4月1日 reaches it on 3月31日
    assert nenrei_kigen(date(2008, 4, 1)) == date(2026, 3, 31)
    assert nenrei_kigen(date(2008, 4, 2)) == date(2027, 3, 31)
    assert nenrei_kigen(date(2008, 2, 29)) == date(2026, 3, 31)  # reaches 18 on 2026-02-28
    v = param_value("fukushi.seiho.shingaku_kyufukin", 2026)

    def calc(**kw: Any):
        args: dict[str, Any] = (
            dict(
                value=v,
                kind="shingaku",
                jitakugai=False,
                birth=date(2008, 4, 1),
                shinsei_date=date(2026, 3, 31),
            )
            | kw
        )
        return shingaku_kyufukin(**args)  # fmt: skip

    assert calc().amount == 100_000
    assert calc(jitakugai=True).amount == 300_000
    assert calc(kind="shushoku").uchiwake == "就職（自宅から通学・通勤）100,000円"
    with pytest.raises(ShingakuInvalid, match="3月31日を過ぎています"):
        calc(shinsei_date=date(2026, 4, 1))
    assert calc(shinsei_date=date(2026, 4, 1), shorei_gaito=True).amount == 100_000
    # before the 2024 改正 a 就職 is not covered
    v2023 = param_value("fukushi.seiho.shingaku_kyufukin", 2023)
    with pytest.raises(ShingakuInvalid, match="就職による支給の対象ではありません"):
        calc(value=v2023, kind="shushoku")


def test_shingaku_kettei_chosei_and_two_towns(alpha, beta, django_capture_on_commit_callbacks):
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(alpha.municipality)
    (oya, ko), k = _case(cap, "hayama", [45, 17], "進学", shuro=0)  # the child born 2008-12-31
    h78 = seiho_henkan_kettei(
        case_id=k.case_id,
        data=_input(ho=HenkanHo.CHOSHU_78, hogo_kingaku=20_000, choshu_gaku=20_000, kaisu=1,
                    kettei_date=date(2026, 7, 20), kikan_from=JUNE, kikan_to=date(2026, 6, 30),
                    first_nouki=date(2026, 8, 31)),
        actor=ACTOR,
    )  # fmt: skip

    def kettei_(**kw: Any) -> SeihoShingakuKyufukin:
        args: dict[str, Any] = dict(case_id=k.case_id, atena_id=ko.pk, kind="shingaku",
                    jitakugai=True, saki="県立大学", shinsei_date=date(2027, 2, 1),
                    kettei_date=date(2027, 2, 10), actor=ACTOR) | kw  # fmt: skip
        return shingaku_kettei(**args)

    (other,) = household("hayama", [18], JUNE, surname="世帯外")
    n = (SeihoShingakuKyufukin.objects.count(), AccessLog.objects.count())
    for kw, words in (
        ({"atena_id": other.pk}, "世帯員ではありません"),
        ({"shinsei_date": date(2027, 4, 1), "kettei_date": date(2027, 4, 2)}, "3月31日を過ぎて"),
        ({"saki": " "}, "進学先"),
        ({"chosei_henkan_id": h78.pk, "chosei": 300_001,
          "chosei_moshide_date": date(2027, 2, 1)}, "給付金の額（300,000円）"),
    ):  # fmt: skip
        with pytest.raises(SeihoRefused, match=words):
            kettei_(**kw)
    assert (SeihoShingakuKyufukin.objects.count(), AccessLog.objects.count()) == n
    # 転居して進学 300,000円; the person asked 20,000円 to go to the 第78条 徴収金
    g = kettei_(chosei_henkan_id=h78.pk, chosei=20_000, chosei_moshide_date=date(2027, 2, 1))
    assert (g.amount, g.chosei, g.shikyu_gaku, g.uchiwake) == (
        300_000, 20_000, 280_000, "進学（転居して通学・通勤）300,000円",
    )  # fmt: skip
    with pytest.raises(SeihoRefused, match="すでに進学・就職準備給付金の決定"):
        kettei_()
    g = shingaku_shiharai(case_id=k.case_id, pk=g.pk, shiharai_date=date(2027, 3, 1), actor=ACTOR)
    assert (g.status, g.shiharai_date) == (ShuroStatus.SHIHARAI, date(2027, 3, 1))
    assert [(z.shuno, z.zan) for z in kibetsu_zan(oya.pk) if z.zeimoku == Zeimoku.SEIHO_CHOSHU] == [
        (20_000, 0)
    ]
    with pytest.raises(SeihoRefused, match="すでに支払済"):
        shingaku_shiharai(case_id=k.case_id, pk=g.pk, shiharai_date=date(2027, 3, 2), actor=ACTOR)

    # 寒川町 sees none of it and cannot reach 葉山町's 徴収金
    connection.set_tenant(beta.municipality)
    assert SeihoShingakuKyufukin.objects.count() == 0
    (_o, kb_child), kb = _case(cap, "samukawa", [45, 17], "寒川進学", shuro=0)
    with pytest.raises(SeihoRefused, match="見つかりません"):
        shingaku_kettei(
            case_id=kb.case_id, atena_id=kb_child.pk, kind="shingaku", jitakugai=False,
            saki="専門学校", shinsei_date=date(2027, 2, 1), kettei_date=date(2027, 2, 1),
            chosei_henkan_id=h78.pk, chosei=1_000, chosei_moshide_date=date(2027, 2, 1),
            actor=ACTOR,
        )  # fmt: skip
    gb = shingaku_kettei(
        case_id=kb.case_id, atena_id=kb_child.pk, kind="shushoku", jitakugai=False,
        saki="町内の事業所", shinsei_date=date(2027, 2, 1), kettei_date=date(2027, 2, 1),
        actor=ACTOR,
    )  # fmt: skip
    assert (gb.amount, gb.chosei) == (100_000, 0)
    connection.set_tenant(alpha.municipality)
    assert list(SeihoShingakuKyufukin.objects.values_list("amount", flat=True)) == [300_000]


def test_shingaku_screen_behind_the_grant(alpha, beta, login, django_capture_on_commit_callbacks):
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(alpha.municipality)
    (_oya, ko), k = _case(cap, "hayama", [45, 17], "画面進学", shuro=0)
    connection.set_schema_to_public()
    url = f"{BASE}/cases/{k.case_id}/shingaku/"
    for who in ("hayama-clerk", "hayama-viewer"):
        c = login(who, alpha.host)
        assert c.get(url).status_code in (403, 404)
        assert c.post(url, {"saki": "x"}).status_code in (403, 404)
        assert c.post(f"{url}1/shiharai/", {}).status_code in (403, 404)
        assert c.get(f"{url}1/tsuchi.pdf").status_code in (403, 404)
    c = login("hayama-shinsa", alpha.host)
    assert c.get(url)["Location"].endswith("/mokuteki/")
    c.post(f"{BASE}/cases/{k.case_id}/mokuteki/", {"mokuteki": "進学の給付金"})
    form = {"atena_id": str(ko.pk), "kind": "shingaku", "jitakugai": "0", "saki": "県立大学",
            "shinsei_date": "令和9年2月1日", "kettei_date": "令和9年2月1日", "shorei_riyu": "",
            "chosei_henkan": "", "chosei_moshide_date": "", "chosei": ""}  # fmt: skip
    assert c.post(url, form | {"saki": "県立\x07大学"}).status_code == 400
    r = c.post(url, form)
    assert r.status_code == 302, r.content.decode()[:1500]
    page = c.get(url).content.decode()
    assert "進学（自宅から通学・通勤）100,000円" in page and "県立大学" in page
    connection.set_tenant(alpha.municipality)
    g = SeihoShingakuKyufukin.objects.get()
    connection.set_schema_to_public()
    r = c.post(f"{url}{g.pk}/shiharai/", {"shiharai_date": "令和9年3月1日"})
    assert r.status_code == 302
    assert "支払済（令和9年3月1日）" in c.get(url).content.decode()
    pdf = c.get(f"{url}{g.pk}/tsuchi.pdf")
    assert pdf.status_code == 200
    text = squash(" ".join(pdf_pages(pdf.content)))
    for words in ("進学・就職準備給付金支給決定通知書", "100,000円", "県立大学", "画面進学"):
        assert squash(words) in text, words
    assert c.get(f"{url}{g.pk + 999}/tsuchi.pdf").status_code == 404
    connection.set_tenant(alpha.municipality)
    got = set(
        AccessLog.objects.filter(username="hayama-shinsa", screen="fukushi.seiho_shingaku")
        .values_list("action", "purpose")
    )  # fmt: skip
    assert ("read", "進学の給付金") in got and ("update", "") in got
    connection.set_schema_to_public()
    cb = login("samukawa-shinsa", beta.host)
    cb.post(f"{BASE}/cases/{k.case_id}/mokuteki/", {"mokuteki": "確認"})
    assert cb.get(url).status_code == 404
