"""障害児通所支援: 就学前の多子軽減 (SG-80) and the 放課後等デイサービス extension to 満20歳
(SG-81).

多子軽減 — worked examples of 台東区
(https://www.city.taito.lg.jp/kenkohukusi/shogai/service/enjo/ji/tashikeigen.html): 第1子 総費用の
10%, 第2子 5%, 第3子以降 0円; 例1 「兄は小学2年生、妹は5歳で障害児通所支援利用、弟は3歳で保育園利用
→ 兄は就学前の子供ではないため人数に数えない、妹は第1子 10%」; 例2 「兄は5歳で保育園利用、4歳の妹と
3歳の弟は共に障害児通所支援利用 → 妹は第2子 5%、弟は第3子 0」. The 所得割合算額 77,101円 and the
counting of every 兄・姉 below it: 吹田市
(https://www.city.suita.osaka.jp/kenko/1018669/1018678/1018679/1034877.html) and 砥部町
(https://www.town.tobe.ehime.jp/soshiki/5/tashikeigen.html: 「以下の表1および表2を比較して、低い方の
額が利用者負担」). No page with a yen figure of a month's 利用者負担 was found: the 総費用 here is
ours; the 上限 4,600円 (一般1) is fukushi/params/tsusho.yaml's.

満20歳 — https://ho-navi.com/ (「引き続きサービスを受けなければその福祉を損なうおそれがあると
認められた場合には、満20歳に達するまで」, 学校教育法第1条の学校に就学していること); the article
number is 未確認."""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.models import TsushoKettei
from fukushi.rules.tsusho import riyosha_futan, tashi_keigen
from fukushi.services.tsusho import TsushoRefused, tsusho_shinsei
from fukushi.services.tsusho_tashi import futan_of, tsusho_enchou, tsusho_tashi_nintei
from fukushi.tests.test_tsusho_services import ACTOR, WARI_240000, family, kettei
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from zeimu.tests.factories import kazei_set

RITSU = {1: 10, 2: 5, 3: 0}


def _t(shugakumae: bool, wari: int, ani_ane: int, shugakumae_n: int) -> tuple[int, int]:
    t = tashi_keigen(
        shugakumae=shugakumae, shotokuwari=wari, ani_ane=ani_ane,
        ani_ane_shugakumae=shugakumae_n, kijun=77_101, ritsu=RITSU,
    )  # fmt: skip
    return t.dai, t.ritsu


def test_tashi_keigen_taito_examples_and_the_77101_boundary() -> None:
    # 台東区 例1 (a 課税 household above the 基準): the 小学2年生 is not counted → 妹 第1子 10%
    assert _t(True, 240_000, ani_ane=1, shugakumae_n=0) == (1, 10)
    # 台東区 例2: 兄 5歳 保育園 → 妹 (4歳) 第2子 5%; 兄と妹 → 弟 (3歳) 第3子 0%
    assert _t(True, 240_000, ani_ane=1, shugakumae_n=1) == (2, 5)
    assert _t(True, 240_000, ani_ane=2, shugakumae_n=2) == (3, 0)
    assert _t(True, 240_000, ani_ane=4, shugakumae_n=4) == (5, 0)  # 第3子以降 0
    # below 77,101円 (吹田市・砥部町 「未満」) every 兄・姉 counts, whatever the age: 例1's 兄
    # in 小学2年生 makes the 妹 第2子
    assert _t(True, 77_100, ani_ane=1, shugakumae_n=0) == (2, 5)
    assert _t(True, 77_101, ani_ane=1, shugakumae_n=0) == (1, 10)  # at the 基準: above
    assert _t(True, 0, ani_ane=2, shugakumae_n=0) == (3, 0)
    # after 就学 no 軽減
    assert _t(False, 0, ani_ane=2, shugakumae_n=2) == (1, 10)
    for bad in ((-1, 0), (1, 2)):
        with pytest.raises(ValueError):
            _t(True, 0, *bad)
    # the month: 総費用 × share, at most the 上限 (砥部町: the lower of the two)
    assert riyosha_futan(sohiyo=80_000, ritsu=10, jogen=4_600) == 4_600
    assert riyosha_futan(sohiyo=80_000, ritsu=5, jogen=4_600) == 4_000
    assert riyosha_futan(sohiyo=80_000, ritsu=0, jogen=4_600) == 0
    assert riyosha_futan(sohiyo=33_333, ritsu=5, jogen=37_200) == 1_666  # 1円未満切捨て


@pytest.mark.django_db
def test_tashi_nintei_on_a_decision_and_two_towns(alpha, beta):
    connection.set_tenant(beta.municipality)
    fb, mb, cb = family("samukawa", "2024-05-01", shimei="寒川")
    kazei_set(fb.pk, 2025, shotokuwari=WARI_240000)
    kazei_set(mb.pk, 2025, status="hikazei")
    kb = kettei(
        tsusho_shinsei(atena_id=cb.pk, hogosha_atena_id=fb.pk, shinsei_date=date(2025, 7, 1),
                       actor=ACTOR),
        {"jido_hattatsu": 10},
    )  # fmt: skip
    connection.set_tenant(alpha.municipality)
    # a child of 1 (before 就学, before the 無償化) in a household with 所得割 240,000円 (一般1)
    father, mother, child = family("hayama", "2024-05-01", shimei="多子")
    kazei_set(father.pk, 2025, shotokuwari=WARI_240000)
    kazei_set(mother.pk, 2025, status="hikazei")
    k = kettei(
        tsusho_shinsei(atena_id=child.pk, hogosha_atena_id=father.pk,
                       shinsei_date=date(2025, 7, 1), actor=ACTOR),
        {"jido_hattatsu": 10},
    )  # fmt: skip
    assert (k.tashi_dai, k.futan_ritsu, k.futan_jogen) == (1, 10, 4_600)
    aug = date(2025, 8, 10)
    assert futan_of(k, aug, 80_000) == 4_600  # 8,000円 > 上限
    n_log = AccessLog.objects.count()
    with pytest.raises(TsushoRefused):
        tsusho_tashi_nintei(pk=k.pk, day=aug, ani_ane=0, ani_ane_shugakumae=1, actor=ACTOR)
    assert AccessLog.objects.count() == n_log
    k = tsusho_tashi_nintei(pk=k.pk, day=aug, ani_ane=2, ani_ane_shugakumae=1, actor=ACTOR)
    assert (k.tashi_dai, k.futan_ritsu) == (2, 5)
    assert futan_of(k, aug, 80_000) == 4_000
    assert k.tashi_konkyo == [
        "2025年度の市町村民税（保護者の属する世帯）",
        "市町村民税所得割の合算額 240,000円（77,101円以上）: "
        "保育所・幼稚園等・障害児通所支援に通う就学前の兄・姉 1人を数える",
        "第2子: 利用者負担は総費用の5％",
    ]
    assert k.rireki.filter(kind="tashi").get().naiyo == (
        "多子軽減：第1子（総費用の10％） → 第2子（総費用の5％）、"
        "兄・姉 2人（うち就学前で通園・通所 1人）"
    )
    assert AccessLog.objects.filter(record_type="fukushi.TsushoKettei", record_id=k.pk,
                                    detail__kind="tashi").count() == 1  # fmt: skip
    # 寒川町's decision is its own: untouched
    connection.set_tenant(beta.municipality)
    kb.refresh_from_db()
    assert (kb.tashi_dai, kb.futan_ritsu) == (1, 10)
    assert not kb.rireki.filter(kind="tashi").exists()


@pytest.mark.django_db
def test_hokago_day_extended_to_20_with_reason_and_history(alpha, beta):
    connection.set_tenant(alpha.municipality)
    father, mother, child = family("hayama", "2008-03-15", shimei="延長")
    for nendo in (2025, 2026):
        kazei_set(father.pk, nendo, shotokuwari=WARI_240000)
        kazei_set(mother.pk, nendo, status="hikazei")
    k = kettei(
        tsusho_shinsei(atena_id=child.pk, hogosha_atena_id=father.pk,
                       shinsei_date=date(2025, 7, 1), actor=ACTOR),
        {"hokago_day": 20},
    )  # fmt: skip
    assert k.kikan_shuryo == date(2026, 3, 14)  # cut at 18 (SG-78)
    riyu = "特別支援学校高等部3年に在学。卒業まで引き続き必要と認める"
    day = date(2026, 3, 1)
    n_log = AccessLog.objects.count()
    for kw, words in (
        ({"riyu": " "}, "必要と認める理由"),
        ({"zaigaku": False}, "学校教育法第1条の学校"),
        ({"shuryo": date(2026, 3, 1)}, "終了日が開始日より前"),
    ):
        args = {"riyu": riyu, "zaigaku": True, "shuryo": date(2027, 3, 31)} | kw
        with pytest.raises(TsushoRefused, match=words):
            tsusho_enchou(pk=k.pk, day=day, actor=ACTOR, **args)  # type: ignore[arg-type]
    assert AccessLog.objects.count() == n_log
    k = tsusho_enchou(pk=k.pk, day=day, shuryo=date(2027, 3, 31), riyu=riyu, zaigaku=True,
                      actor=ACTOR)  # fmt: skip
    assert (k.kikan_kaishi, k.kikan_shuryo, k.enchou_riyu) == (
        date(2026, 3, 15), date(2027, 3, 31), riyu,
    )  # fmt: skip
    # asked past 20: cut to the day before the 20th birthday
    k = tsusho_enchou(pk=k.pk, day=date(2027, 3, 1), shuryo=date(2028, 7, 31), riyu=riyu,
                      zaigaku=True, actor=ACTOR)  # fmt: skip
    assert (k.kikan_kaishi, k.kikan_shuryo) == (date(2027, 4, 1), date(2028, 3, 14))
    assert list(k.rireki.filter(kind="enchou").order_by("id").values_list("naiyo", flat=True))[
        -1
    ] == (
        "満20歳までの延長：放課後等デイサービス、給付決定期間 令和8年3月15日から令和9年3月31日まで"
        " → 令和9年4月1日から令和10年3月14日まで"
        "（満20歳に達する日の前日の令和10年3月14日までに短縮。求めた終了日は令和10年7月31日）"
    )
    # at 20 nothing more
    with pytest.raises(TsushoRefused, match="満20歳以上"):
        tsusho_enchou(pk=k.pk, day=date(2028, 3, 1), shuryo=date(2028, 7, 31), riyu=riyu,
                      zaigaku=True, actor=ACTOR)  # fmt: skip
    # a decision with 児童発達支援 is not extended; 寒川町's decision is its own
    connection.set_tenant(beta.municipality)
    fb, mb, cb = family("samukawa", "2008-03-15", shimei="寒川")
    for nendo in (2025, 2026):
        kazei_set(fb.pk, nendo, shotokuwari=WARI_240000)
        kazei_set(mb.pk, nendo, status="hikazei")
    kb = kettei(
        tsusho_shinsei(atena_id=cb.pk, hogosha_atena_id=fb.pk, shinsei_date=date(2025, 7, 1),
                       actor=ACTOR),
        {"jido_hattatsu": 10},
    )  # fmt: skip
    with pytest.raises(TsushoRefused, match="放課後等デイサービスだけ"):
        tsusho_enchou(pk=kb.pk, day=day, shuryo=date(2027, 3, 31), riyu=riyu, zaigaku=True,
                      actor=ACTOR)  # fmt: skip
    assert TsushoKettei.objects.get(pk=kb.pk).enchou_riyu == ""


@pytest.mark.django_db
def test_tashi_and_enchou_screens_behind_the_grant(alpha, beta, login):
    connection.set_tenant(alpha.municipality)
    father, mother, child = family("hayama", "2024-05-01", shimei="画面多子")
    kazei_set(father.pk, 2025, shotokuwari=WARI_240000)
    kazei_set(mother.pk, 2025, status="hikazei")
    k = kettei(
        tsusho_shinsei(atena_id=child.pk, hogosha_atena_id=father.pk,
                       shinsei_date=date(2025, 7, 1), actor=ACTOR),
        {"jido_hattatsu": 10},
    )  # fmt: skip
    connection.set_schema_to_public()
    base = f"/fukushi/jido-tsusho/{k.pk}"
    form = {"jiyu_date": "令和7年8月10日", "ani_ane": "1", "ani_ane_shugakumae": "1"}
    c = login("hayama-clerk", alpha.host)  # 業務 role, no grant
    assert c.post(f"{base}/tashi/", form).status_code == 404
    assert c.post(f"{base}/enchou/", {"riyu": "x"}).status_code == 404
    s = login("hayama-shinsa", alpha.host)
    s.post(f"{base}/mokuteki/", {"mokuteki": "多子軽減の判定"})
    page = s.get(f"{base}/").content.decode()
    assert "第1子（利用者負担は総費用の10％" in page and "多子軽減の判定" in page
    r = s.post(f"{base}/tashi/", form | {"ani_ane": "0"}, follow=True)  # more 就学前 than 兄・姉
    assert "就学前の兄・姉の数が兄・姉の数より多く" in r.content.decode()
    assert s.post(f"{base}/tashi/", form).status_code == 302
    page = s.get(f"{base}/").content.decode()
    assert "第2子（利用者負担は総費用の5％" in page
    assert "兄・姉 1人（うち就学前で通園・通所 1人）" in page
    # a 児童発達支援 decision is not extended: the message, nothing written
    r = s.post(
        f"{base}/enchou/",
        {"jiyu_date": "令和7年8月10日", "shuryo": "令和9年3月31日", "zaigaku": "on",
         "riyu": "必要"},
        follow=True,
    )  # fmt: skip
    assert "放課後等デイサービスだけ" in r.content.decode()
    connection.set_tenant(alpha.municipality)
    k.refresh_from_db()
    assert (k.tashi_dai, k.enchou_riyu) == (2, "")
    # 寒川町's 審査者 reaches nothing
    connection.set_schema_to_public()
    sb = login("samukawa-shinsa", beta.host)
    assert sb.post(f"{base}/tashi/", form).status_code == 404
