"""利用者負担の上限額管理 against the database (fukushi/services/jogen_kanri.py, SG-83〜SG-86):
the 上限額管理事業所 of a decision from a month, a month's 結果 with the decision's 上限 (一般1
4,600円, 一般2 37,200円, 生活保護 and 低所得 0円, 0円 within the 就学前の無償化), the 多子軽減's
share, the 障害福祉サービス (一般1 9,300円), the CSV import (all or nothing, errors by line and
field, no names), the access log and two towns. Households and incomes as in
fukushi/tests/test_tsusho_services.py; the 総費用額 are ours."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fukushi.models import JogenKanriJigyosho, JogenKanriKekka, JogenKanriMeisai, TsushoKettei
from fukushi.rules.jogen_kanri import Getsugaku
from fukushi.services.jiritsu import jiritsu_shinsei
from fukushi.services.jogen_kanri import (
    JogenRefused,
    jogen_kanri_kakutei,
    jogen_kanri_torikomi,
    jukyusha_get,
    kanri_jigyosho_on,
    kanri_jigyosho_set,
)
from fukushi.services.tsusho import tsusho_shinsei
from fukushi.services.tsusho_tashi import tsusho_tashi_nintei
from fukushi.tests.factories import kaishi as seiho_kaishi
from fukushi.tests.test_jiritsu_services import WARI_159999, person
from fukushi.tests.test_jiritsu_services import kettei as jiritsu_kettei
from fukushi.tests.test_tsusho_services import ACTOR, WARI_240000, WARI_280000, family, kettei
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from zeimu.tests.factories import kazei_set

pytestmark = pytest.mark.django_db

A, B, C = "1410000001", "1410000002", "1410000003"
AUG, SEP = date(2025, 8, 1), date(2025, 9, 1)
T = "tsusho"


def _child(town: str, birth: str = "2015-05-01", *, wari: int | None = WARI_240000,
           shimei: str = "上限") -> TsushoKettei:  # fmt: skip
    father, mother, child = family(town, birth, shimei=shimei)
    if wari is None:
        kazei_set(father.pk, 2025, status="hikazei")
    else:
        kazei_set(father.pk, 2025, shotokuwari=wari)
    kazei_set(mother.pk, 2025, status="hikazei")
    k = tsusho_shinsei(atena_id=child.pk, hogosha_atena_id=father.pk,
                       shinsei_date=date(2025, 7, 1), actor=ACTOR)  # fmt: skip
    return kettei(k, {"hokago_day": 20, "jido_hattatsu": 5} if birth < "2019" else
                  {"jido_hattatsu": 10})  # fmt: skip


def _set(k, kanri: str = A, day: date = AUG, seido: str = T):
    return kanri_jigyosho_set(seido=seido, pk=k.pk, kaishi=day, bango=kanri,
                              mei="はやまキッズ", actor=ACTOR)  # fmt: skip


def _month(k, *rows: Getsugaku, day: date = AUG, seido: str = T) -> JogenKanriKekka:
    return jogen_kanri_kakutei(seido=seido, pk=k.pk, teikyo=day, rows=list(rows), actor=ACTOR)


def _meisai(kekka: JogenKanriKekka) -> list[tuple[str, int, int]]:
    return [(m.jigyosho_bango, m.futan_santei, m.futan_kettei) for m in kekka.meisai.all()]


def test_ippan1_4600_each_result_and_the_jigyosho_on_the_month(alpha):
    connection.set_tenant(alpha.municipality)
    k = _child("hayama")
    assert (k.futan_kubun, k.futan_jogen) == ("ippan1", 4_600)
    # no 管理事業所 yet: refused, nothing written
    with pytest.raises(JogenRefused) as exc:
        _month(k, Getsugaku(A, "はやまキッズ", 30_000))
    assert exc.value.errors == [("teikyo_ym", "令和7年8月の上限額管理事業所が登録されていません。")]
    # a 事業所番号 of 9 digits, a control character, a month outside the period: refused
    for kw, field in ((
        {"bango": "141000000"}, "jigyosho_bango"), ({"mei": "はやま\x07"}, "jigyosho_mei"),
        ({"kaishi": date(2025, 7, 31)}, "kaishi"),
    ):  # fmt: skip
        args: dict[str, Any] = {"seido": T, "pk": k.pk, "kaishi": AUG, "bango": A,
                                "mei": "はやま"} | kw  # fmt: skip
        with pytest.raises(JogenRefused) as exc:
            kanri_jigyosho_set(**args, actor=ACTOR)
        assert exc.value.errors[0][0] == field
    assert not JogenKanriJigyosho.objects.exists()
    n_log = AccessLog.objects.count()
    _set(k)
    assert AccessLog.objects.count() == n_log + 1
    _set(k, kanri=B, day=date(2025, 10, 15))  # from 令和7年10月 another 事業所
    j = jukyusha_get(T, k.pk)
    on9, on10 = kanri_jigyosho_on(j, SEP), kanri_jigyosho_on(j, date(2025, 10, 1))
    assert on9 is not None and on9.jigyosho_bango == A
    assert on10 is not None and on10.jigyosho_bango == B

    # 結果2: 2,000 + 1,500 ≤ 4,600
    r = _month(k, Getsugaku(A, "はやまキッズ", 20_000), Getsugaku(B, "みどり", 15_000, 1_500))
    assert (r.kekka, r.jogen, r.futan_ritsu) == (2, 4_600, 10)
    assert _meisai(r) == [(A, 2_000, 2_000), (B, 1_500, 1_500)]
    # 結果3 for 令和7年9月: 3,000 + 4,000 + 1,000 > 4,600
    r9 = _month(k, Getsugaku(C, "さくら", 10_000), Getsugaku(B, "みどり", 40_000),
                Getsugaku(A, "はやまキッズ", 30_000), day=date(2025, 9, 20))  # fmt: skip
    assert (r9.teikyo_ym, r9.kekka) == (SEP, 3)
    assert _meisai(r9) == [(A, 3_000, 3_000), (B, 4_000, 1_600), (C, 1_000, 0)]
    assert r9.konkyo[0] == "給付決定の負担上限月額 4,600円"
    # 結果1 for 令和7年8月 entered again: it replaces the month's result
    r = _month(k, Getsugaku(A, "はやまキッズ", 50_000), Getsugaku(B, "みどり", 15_000))
    assert r.kekka == 1 and _meisai(r) == [(A, 4_600, 4_600), (B, 1_500, 0)]
    assert any(w.startswith("作り直し（前の結果 2、合計 3,500円、") and w.endswith(" test-tsusho）")
               for w in r.konkyo)  # fmt: skip
    assert JogenKanriKekka.objects.filter(kettei_id=k.pk).count() == 2
    assert JogenKanriMeisai.objects.filter(kekka_ref__kettei_id=k.pk).count() == 5
    assert AccessLog.objects.filter(record_type="fukushi.JogenKanriKekka",
                                    detail__kettei_id=k.pk).count() == 3  # fmt: skip
    # 令和7年10月: the 管理事業所 is B: A's row is not enough
    with pytest.raises(JogenRefused) as exc:
        _month(k, Getsugaku(A, "はやまキッズ", 50_000), day=date(2025, 10, 1))
    assert "上限額管理事業所（事業所番号1410000002）の行がありません" in exc.value.errors[0][1]
    # a month outside the 給付決定期間 (令和7年8月1日から)
    with pytest.raises(JogenRefused):
        _month(k, Getsugaku(A, "はやまキッズ", 1_000), day=date(2025, 7, 1))


def test_ippan2_37200_teishotoku_seiho_mushoka_and_tashi(alpha, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    rows = (Getsugaku(A, "はやまキッズ", 400_000), Getsugaku(B, "みどり", 100_000))
    k2 = _child("hayama", wari=WARI_280000, shimei="一般二")
    assert (k2.futan_kubun, k2.futan_jogen) == ("ippan2", 37_200)
    _set(k2)
    r = _month(k2, *rows)
    assert r.kekka == 1 and _meisai(r) == [(A, 37_200, 37_200), (B, 10_000, 0)]
    # 低所得 (世帯全員が非課税): 0円
    k0 = _child("hayama", wari=None, shimei="非課税")
    assert (k0.futan_kubun, k0.futan_jogen) == ("teishotoku", 0)
    _set(k0)
    r = _month(k0, *rows)
    assert (r.jogen, r.kekka) == (0, 2) and _meisai(r) == [(A, 0, 0), (B, 0, 0)]
    # 生活保護: 0円
    f3, _m3, c3 = family("hayama", "2012-06-06", shimei="保護", father_birth="1970-06-01")
    kazei_set(f3.pk, 2025, shotokuwari=WARI_280000)
    seiho_kaishi(django_capture_on_commit_callbacks, [f3], day=date(2025, 4, 1))
    s3 = tsusho_shinsei(atena_id=c3.pk, hogosha_atena_id=f3.pk,
                        shinsei_date=date(2025, 7, 1), actor=ACTOR)  # fmt: skip
    k3 = kettei(s3, {"hokago_day": 20})
    assert (k3.futan_kubun, k3.futan_jogen) == ("seiho", 0)
    _set(k3)
    r = _month(k3, *rows)
    assert (r.jogen, r.kekka) == (0, 2) and _meisai(r) == [(A, 0, 0), (B, 0, 0)]
    # 就学前の無償化 (born 2021-04-01: 令和6年4月1日から令和9年3月31日まで): the 一般1 上限 is 0円
    km = _child("hayama", "2021-04-01", shimei="無償")
    assert (km.futan_jogen, km.mushoka_kaishi) == (4_600, date(2024, 4, 1))
    _set(km)
    r = _month(km, *rows)
    assert (r.jogen, r.kekka) == (0, 2) and _meisai(r) == [(A, 0, 0), (B, 0, 0)]
    assert (
        "就学前の無償化の期間（令和6年4月1日から令和9年3月31日まで）のため負担上限月額は0円"
        in r.konkyo
    )
    # 多子軽減 第2子 (a child of 2, before the 無償化): 5% of 80,000 = 4,000, then B 600
    kt = _child("hayama", "2023-05-01", shimei="多子")
    kt = tsusho_tashi_nintei(pk=kt.pk, day=AUG, ani_ane=1, ani_ane_shugakumae=1, actor=ACTOR)
    assert (kt.tashi_dai, kt.futan_ritsu) == (2, 5)
    _set(kt)
    r = _month(kt, Getsugaku(A, "はやまキッズ", 80_000), Getsugaku(B, "みどり", 20_000))
    assert (r.futan_ritsu, r.kekka) == (5, 3)
    assert _meisai(r) == [(A, 4_000, 4_000), (B, 1_000, 600)]
    assert "多子軽減 第2子: 総費用額の5％" in r.konkyo


def test_jiritsu_ippan1_9300(alpha):
    connection.set_tenant(alpha.municipality)
    a = person("hayama")
    kazei_set(a.pk, 2025, shotokuwari=WARI_159999)
    k = jiritsu_kettei(jiritsu_shinsei(atena_id=a.pk, shinsei_date=date(2025, 6, 10),
                                       haigusha_atena_id=None, actor=ACTOR),
                       {"shuro_keizoku_b": 20})  # fmt: skip
    assert k.futan_jogen == 9_300
    _set(k, seido="jiritsu")
    r = _month(k, Getsugaku(A, "はやま作業所", 80_000), Getsugaku(B, "みどり", 20_000),
               seido="jiritsu")  # fmt: skip
    assert (r.kekka, r.jogen, r.futan_ritsu) == (3, 9_300, 10)
    assert _meisai(r) == [(A, 8_000, 8_000), (B, 2_000, 1_300)]
    assert AccessLog.objects.filter(record_type="fukushi.JiritsuKettei", record_id=str(k.pk),
                                    detail__kind="jogen_kanri_jigyosho").count() == 1  # fmt: skip


def _csv(*lines: str) -> bytes:
    head = "受給者証番号,サービス提供年月,事業所番号,事業所名,総費用額,利用者負担額"
    return ("\ufeff" + "\n".join((head, *lines)) + "\n").encode()


def test_csv_import_all_or_nothing_and_two_towns(alpha, beta):
    connection.set_tenant(beta.municipality)
    kb1 = _child("samukawa", shimei="寒川一")
    kb2 = _child("samukawa", shimei="寒川二")
    _set(kb1)
    _set(kb2)
    _month(kb1, Getsugaku(A, "さむかわ", 30_000))
    connection.set_tenant(alpha.municipality)
    k = _child("hayama")
    k2 = _child("hayama", wari=WARI_280000, shimei="一般二")
    _set(k)
    _set(k2)
    b, b2 = k.jukyusha_bango, k2.jukyusha_bango
    good = _csv(
        f"{b},202508,{A},はやまキッズ,30000,", f"{b},202508,{B},みどり,40000,4000",
        f"{b},202508,{C},さくら,10000,1000", f"{b2},202509,{A},はやまキッズ,400000,",
        f"{b2},202509,{B},みどり,100000,10000",
    )  # fmt: skip
    # bad lines: every line and field named, nothing written
    bad = _csv(
        f"{b},202513,{A},はやまキッズ,30000,", f"{b},202508,14100,みどり,40000,50000",
        f"{b},202508,{C},さくら", f"{b2},202509,{A},はやまキッズ,abc,",
    )  # fmt: skip
    with pytest.raises(JogenRefused) as exc:
        jogen_kanri_torikomi(seido=T, data=bad, filename="bad.csv", actor=ACTOR)
    assert [m for _, m in exc.value.errors] == [
        "2行目：サービス提供年月（YYYYMM）が正しくありません。",
        "3行目：事業所番号（10桁の数字）・利用者負担額（総費用額以下の0以上の整数）が正しくありません。",
        "4行目：項目の数が6ではありません。",
        "5行目：総費用額（0以上の整数）が正しくありません。",
    ]
    with pytest.raises(JogenRefused) as exc:
        jogen_kanri_torikomi(seido=T, data="a,b\n".encode("cp932"), filename="x.csv", actor=ACTOR)
    assert "1行目は「受給者証番号,サービス提供年月" in exc.value.errors[0][1]
    # a good group and a refused group (the 管理事業所's line missing): nothing written
    mixed = _csv(f"{b},202508,{A},はやまキッズ,30000,", f"{b2},202509,{B},みどり,100000,")
    with pytest.raises(JogenRefused) as exc:
        jogen_kanri_torikomi(seido=T, data=mixed, filename="mixed.csv", actor=ACTOR)
    assert exc.value.errors[0][1].startswith("3行目：上限額管理事業所（事業所番号1410000001）の行")
    # 寒川町's number (one not used in 葉山町): not found, named by line only
    used = set(TsushoKettei.objects.values_list("jukyusha_bango", flat=True))
    other = next(x.jukyusha_bango for x in (kb1, kb2) if x.jukyusha_bango not in used)
    with pytest.raises(JogenRefused) as exc:
        jogen_kanri_torikomi(seido=T, data=_csv(f"{other},202508,{A},さむかわ,30000,"),
                             filename="other.csv", actor=ACTOR)  # fmt: skip
    assert exc.value.errors == [("file", "2行目：受給者証番号（障害児通所支援）が見つかりません。")]
    assert not JogenKanriKekka.objects.exists()
    n_log = AccessLog.objects.count()
    out = jogen_kanri_torikomi(seido=T, data=good, filename="2025-08.csv", actor=ACTOR)
    assert [(x.kettei_id, x.teikyo_ym, x.kekka) for x in out] == [(k.pk, AUG, 3), (k2.pk, SEP, 1)]
    assert _meisai(out[0]) == [(A, 3_000, 3_000), (B, 4_000, 1_600), (C, 1_000, 0)]
    assert _meisai(out[1]) == [(A, 37_200, 37_200), (B, 10_000, 0)]
    assert out[0].torikomi == "2025-08.csv"
    assert AccessLog.objects.count() == n_log + 2
    # 寒川町 keeps its own: one result, its own 事業所; 葉山町's import wrote nothing there
    connection.set_tenant(beta.municipality)
    assert list(JogenKanriKekka.objects.values_list("kettei_id", "kekka")) == [(kb1.pk, 2)]
    assert JogenKanriJigyosho.objects.count() == 2
    assert AccessLog.objects.filter(record_type="fukushi.JogenKanriKekka").count() == 1
