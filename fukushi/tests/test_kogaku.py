"""高額障害福祉サービス等給付費 (fukushi/rules/kogaku.py, fukushi/services/kogaku.py, SG-87).

No municipality's or ministry's worked example with figures was found (queries in
docs/standard/shogaisha_fukushi.md SG-87): the figures below are ours, and what they prove
is the rule the guides state (基準額 37,200円 for a 課税世帯; 合算額 − 基準額; a 補装具 counts
only beside a 障害福祉サービス of the same person; the 世帯 of an adult is 本人 and 配偶者).

A couple in 葉山町, both 一般2 (上限 37,200円): the husband's month after the 上限額管理
(30,000円 + 10,000円 → 37,200円) + the wife's receipt 9,000円 + the husband's 補装具 10,000円
= 56,200円 − 37,200円 = 19,000円, decided, paid through the 全銀 file, the 決定通知書 read
back; what does not fit is refused in Japanese with nothing written; 寒川町 sees none of it."""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.models import KogakuMeisai, KogakuShinsei
from fukushi.printjobs_kogaku import tsuchi_render
from fukushi.rules.jogen_kanri import Getsugaku
from fukushi.rules.kogaku import HOSOGU, SERVICE, TSUSHO, Futan, kogaku_santei
from fukushi.services.jiritsu import jiritsu_shinsei
from fukushi.services.jiritsu_yogu import yogu_kettei
from fukushi.services.jogen_kanri import jogen_kanri_kakutei, kanri_jigyosho_set
from fukushi.services.kogaku import (
    KogakuRefused,
    ShinseiLine,
    kogaku_furikomi_file,
    kogaku_kettei,
    kogaku_shiharai,
    kogaku_shinsei,
)
from fukushi.tests.test_jiritsu_services import ACTOR, IRAININ, KOZA, WARI_160000, yogu
from fukushi.tests.test_jiritsu_services import kettei as jiritsu_kettei
from juminkiroku.tests.factories import household_tennyu, person_fields
from tenants import zengin
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.testing.pdf import pdf_pages, squash
from zeimu.tests.factories import kazei_set

pytestmark = pytest.mark.django_db

AUG = date(2025, 8, 1)
A, B = "1410000001", "1410000002"


def test_the_rule_sums_and_leaves_a_hosogu_without_service_out():
    rows = [
        Futan(1, SERVICE, 37_200, "夫 障害福祉サービス"),
        Futan(2, SERVICE, 9_000, "妻 障害福祉サービス"),
        Futan(1, HOSOGU, 10_000, "夫 補装具費"),
        Futan(3, HOSOGU, 5_000, "子 補装具費"),  # no service of person 3 that month
    ]
    r = kogaku_santei(kijungaku=37_200, rows=rows)
    assert (r.gassan, r.kijungaku, r.shikyu) == (56_200, 37_200, 19_000)
    assert [f.atena_id for f, _ in r.jogai] == [3]
    assert "支給額 = 合算額 56,200円 − 基準額 37,200円 = 19,000円" in r.riyu
    # within the 基準額: nothing to refund
    low = kogaku_santei(kijungaku=37_200, rows=rows[:2])
    assert (low.gassan, low.shikyu) == (46_200, 9_000)
    assert kogaku_santei(kijungaku=37_200, rows=rows[1:2]).shikyu == 0
    with pytest.raises(ValueError):
        kogaku_santei(kijungaku=37_200, rows=[Futan(1, "kaigo", 1, "")])


def _couple():
    _, (otto, tsuma, ko) = household_tennyu(
        "hayama",
        members=[
            person_fields(shimei="高額　夫", birth_date="1970-06-01"),
            person_fields(shimei="高額　妻", shimei_kana="コウガク　ツマ", birth_date="1972-03-03",
                          sex="2", zokugara="02", setai_order=2),
            person_fields(shimei="高額　子", shimei_kana="コウガク　コ", birth_date="2000-01-01",
                          zokugara="04", setai_order=3),
        ],
    )  # fmt: skip
    kazei_set(otto.pk, 2025, shotokuwari=WARI_160000)  # 一般2
    kazei_set(tsuma.pk, 2025, status="hikazei")
    kazei_set(ko.pk, 2025, status="hikazei")
    ks = []
    for p, h in ((otto, tsuma), (tsuma, otto), (ko, None)):
        k = jiritsu_shinsei(atena_id=p.pk, shinsei_date=date(2025, 6, 10),
                            haigusha_atena_id=h.pk if h else None, actor=ACTOR)  # fmt: skip
        ks.append(jiritsu_kettei(k, {"shuro_keizoku_b": 20}))
    return (otto, tsuma, ko), ks


def test_kogaku_application_decision_payment_notice_and_two_towns(alpha, beta):
    # given: the couple (and their adult child) with their month of 令和7年8月
    connection.set_tenant(alpha.municipality)
    (otto, tsuma, _ko), (k_otto, k_tsuma, k_ko) = _couple()
    assert (k_otto.futan_kubun, k_otto.futan_jogen) == ("ippan2", 37_200)
    assert (k_tsuma.futan_kubun, k_tsuma.futan_jogen) == ("ippan2", 37_200)
    kanri_jigyosho_set(seido="jiritsu", pk=k_otto.pk, kaishi=AUG, bango=A, mei="はやま作業所",
                       actor=ACTOR)  # fmt: skip
    kekka = jogen_kanri_kakutei(
        seido="jiritsu", pk=k_otto.pk, teikyo=AUG, actor=ACTOR,
        rows=[Getsugaku(A, "はやま作業所", 300_000), Getsugaku(B, "みどり", 100_000)],
    )  # fmt: skip
    assert sum(m.futan_kettei for m in kekka.meisai.all()) == 37_200
    y = yogu(otto.pk, "hosogu", "車椅子（普通型）", 100_000, kijun=100_000)
    y = yogu_kettei(pk=y.pk, kettei_date=date(2025, 8, 5), shikyu=True, riyu="", actor=ACTOR)
    assert y.futan_gaku == 10_000
    lines = [
        ShinseiLine(SERVICE, k_otto.pk),  # the 上限額管理結果: 37,200円
        ShinseiLine(SERVICE, k_tsuma.pk, 9_000),  # the receipt (one 事業所, no 管理)
        ShinseiLine(HOSOGU, y.pk),
    ]

    def apply(ls: list[ShinseiLine], shinsei_date: date = date(2025, 9, 10)) -> KogakuShinsei:
        return kogaku_shinsei(shinseisha_atena_id=otto.pk, taisho=AUG, shinsei_date=shinsei_date,
                              lines=ls, account=KOZA, actor=ACTOR)  # fmt: skip

    # refused in Japanese, nothing written
    n_log = AccessLog.objects.count()
    for ls, shinsei_date, message in (
        ([ShinseiLine(SERVICE, k_tsuma.pk, 40_000)], date(2025, 9, 10),
         "1件目：利用者負担額 40,000円が負担上限月額 37,200円を超えています。"),
        ([ShinseiLine(SERVICE, k_otto.pk, 30_000)], date(2025, 9, 10),
         "1件目：利用者負担額 30,000円が令和7年8月の上限額管理結果の合計 37,200円と合いません。"),
        ([ShinseiLine(SERVICE, k_ko.pk, 1_000)], date(2025, 9, 10),
         "1件目：市町村民税課税世帯（一般）でない世帯の基準額は確認できていないため、"
         "この申請は受け付けられません。"),
        ([ShinseiLine(TSUSHO, 1, 1_000)], date(2025, 9, 10),
         "1件目：障害児通所支援を含む世帯の基準額は確認できていないため、"
         "この申請は受け付けられません。"),
        (lines, date(2025, 8, 30), "申請日は対象年月の末日より後の日にしてください。"),
        ([ShinseiLine(HOSOGU, y.pk + 999)], date(2025, 9, 10),
         "1件目：令和7年8月に支給決定した補装具費が見つかりません。"),
    ):  # fmt: skip
        with pytest.raises(KogakuRefused) as exc:
            apply(ls, shinsei_date)
        assert message in [m for _, m in exc.value.errors]
    assert not KogakuShinsei.objects.exists() and AccessLog.objects.count() == n_log

    # when: the application
    s = apply(lines)

    # then: every figure
    assert (s.gassan, s.kijungaku, s.shikyu_gaku, s.jotai) == (56_200, 37_200, 19_000, "uketsuke")
    assert [(m.atena_id, m.kubun, m.gaku, m.gassan) for m in KogakuMeisai.objects.filter(
        shinsei=s).order_by("junban")] == [
        (otto.pk, SERVICE, 37_200, True), (tsuma.pk, SERVICE, 9_000, True),
        (otto.pk, HOSOGU, 10_000, True),
    ]  # fmt: skip
    assert s.konkyo[0] == "対象年月 令和7年8月"
    bango = k_otto.jukyusha_bango
    assert f"障害福祉サービス（受給者証番号 {bango}） 上限額管理結果 37,200円" in s.konkyo
    assert "支給額 = 合算額 56,200円 − 基準額 37,200円 = 19,000円" in s.konkyo

    # the decision, the notice read back, the payment
    with pytest.raises(KogakuRefused) as exc:
        kogaku_kettei(pk=s.pk, shikyu=False, kettei_date=date(2025, 9, 20), riyu=" ", actor=ACTOR)
    assert exc.value.errors == [("riyu", "却下の理由を入力してください。")]
    s = kogaku_kettei(pk=s.pk, shikyu=True, kettei_date=date(2025, 9, 20), riyu="", actor=ACTOR)
    assert (s.jotai, s.kettei_date) == ("kettei", date(2025, 9, 20))
    (page,) = pdf_pages(tsuchi_render(s, tsuchi_date=date(2025, 9, 20)))
    text = squash(page)
    for t in ("高額障害福祉サービス等給付費支給決定通知書", "令和7年8月", "高額夫", "56,200円",
              "37,200円", "19,000円", "車椅子（普通型）", "令和7年9月20日", "審査請求",
              "葉山町長"):  # fmt: skip
        assert squash(t) in text, t
    assert "高額妻" not in text  # the notice goes to the 申請者; the wife appears by her figure
    run = kogaku_shiharai(shiharai_date=date(2025, 10, 10), irainin=IRAININ, actor=ACTOR)
    assert (run.kensu, run.gokei) == (1, 19_000)
    records = zengin.read_sogo_furikomi(kogaku_furikomi_file(run))
    assert [x.fields["amount"] for x in records if x.kind == "data"] == [19_000]
    with pytest.raises(KogakuRefused):
        kogaku_shiharai(shiharai_date=date(2025, 10, 11), irainin=IRAININ, actor=ACTOR)
    logged = AccessLog.objects.filter(record_type="fukushi.KogakuShinsei", record_id=str(s.pk))
    assert sorted(logged.values_list("action", flat=True)) == ["create", "update"]
    assert sorted(logged.get(action="create").detail["atena_ids"]) == sorted([otto.pk, tsuma.pk])

    # 寒川町: 葉山町's records are not there; nothing written, nothing logged
    connection.set_tenant(beta.municipality)
    with pytest.raises(KogakuRefused) as exc:
        kogaku_shinsei(shinseisha_atena_id=otto.pk, taisho=AUG, shinsei_date=date(2025, 9, 10),
                       lines=lines, account=KOZA, actor=ACTOR)  # fmt: skip
    messages = [m for _, m in exc.value.errors]
    assert "1件目：障害福祉サービスの支給決定が見つかりません。" in messages
    assert "3件目：令和7年8月に支給決定した補装具費が見つかりません。" in messages
    assert not KogakuShinsei.objects.exists()
    assert not AccessLog.objects.filter(record_type="fukushi.KogakuShinsei").exists()
    connection.set_schema_to_public()
