"""自立支援給付 services against the database: 申請 → 障害支援区分の認定 → 支給決定 with the
負担上限月額 read from zeimu's public face (市町村民税所得割 of 本人 and 配偶者) and fukushi's
生活保護 records, 変更・更新・取消 kept in the history, refused input writing nothing; 補装具費
and 日常生活用具 decided with 1割 capped by the month's 上限, the 46万円 rule, the payment run
and its 全銀 file; two towns. The factory splits a 所得割 60:40 between 市町村民税 and 道府県民税
(zeimu/tests/factories.py), so a total of 266,665円 is a 市町村民税所得割 of 159,999円."""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.models import (
    JiritsuKettei,
    JiritsuRireki,
    ShienKubunNintei,
    YoguKyufu,
    YoguShiharai,
)
from fukushi.services.jiritsu import (
    JiritsuRefused,
    KetteiInput,
    jiritsu_henko,
    jiritsu_kettei,
    jiritsu_koshin,
    jiritsu_nintei,
    jiritsu_shinsei,
    jiritsu_torikeshi,
)
from fukushi.services.jiritsu_yogu import (
    YoguInput,
    yogu_furikomi_file,
    yogu_kettei,
    yogu_shiharai,
    yogu_shinsei,
)
from fukushi.tests.factories import kaishi as seiho_kaishi
from juminkiroku.tests.factories import household_tennyu, person_fields
from tenants import zengin
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.params.tenant.services import municipal_parameter_set
from zeimu.tests.factories import kazei, kazei_set

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="test-jiritsu")
AUG = date(2025, 8, 1)
WARI_159999 = 266_665  # 市町村民税所得割 159,999円
WARI_160000 = 266_667  # 160,000円
WARI_459999 = 766_665  # 459,999円
WARI_460000 = 766_667  # 460,000円
KOZA = zengin.Account("0005", "001", "1", "1234567", "ﾌｸｼ ﾖｳｸﾞ")
IRAININ = zengin.Irainin("1234567890", "ﾊﾔﾏﾏﾁ", "0009", "123", "1", "7654321")


def person(town: str, shimei: str = "自立　一郎", birth: str = "1970-06-01"):
    _, (a,) = household_tennyu(
        town, members=[person_fields(shimei=shimei, birth_date=birth)], ido_date=date(2020, 4, 1)
    )
    return a


def kettei(k: JiritsuKettei, services: dict[str, int], kaishi: date = AUG) -> JiritsuKettei:
    return jiritsu_kettei(
        pk=k.pk,
        data=KetteiInput(kettei_date=date(2025, 7, 20), kaishi=kaishi,
                         shuryo=date(2026, 7, 31), services=services),
        actor=ACTOR,
    )  # fmt: skip


def test_shikyu_kettei_henko_koshin_torikeshi_with_history(alpha, beta):
    connection.set_tenant(alpha.municipality)
    a = person("hayama")
    kazei_set(a.pk, 2025, shotokuwari=WARI_159999)
    kazei_set(a.pk, 2026, shotokuwari=WARI_160000)
    k = jiritsu_shinsei(atena_id=a.pk, shinsei_date=date(2025, 6, 10), haigusha_atena_id=None,
                        actor=ACTOR)  # fmt: skip
    # 介護給付 without a 認定: refused, nothing written
    with pytest.raises(JiritsuRefused) as exc:
        kettei(k, {"kyotaku_kaigo": 20})
    assert exc.value.errors == [
        ("services", "介護給付の支給決定には障害支援区分の認定が要ります。")
    ]
    k.refresh_from_db()
    assert (k.jotai, k.services.count(), k.rireki.count()) == ("shinsei", 0, 1)
    jiritsu_nintei(pk=k.pk, kubun="3", nintei_date=date(2025, 7, 1), actor=ACTOR)
    n = ShienKubunNintei.objects.get(atena_id=a.pk)
    assert (n.yuko_kaishi, n.yuko_shuryo) == (date(2025, 7, 1), date(2028, 6, 30))  # 36か月
    k = kettei(k, {"kyotaku_kaigo": 20, "seikatsu_kaigo": 22})
    # 令和7年8月: 令和7年度の市町村民税、所得割 159,999円 → 一般1 9,300円
    assert (k.jotai, k.futan_kubun, k.futan_jogen) == ("yuko", "ippan1", 9300)
    assert k.futan_konkyo == [
        "2025年度の市町村民税",
        "本人: 課税（市町村民税所得割 159,999円）",
        "所得割の合計 159,999円（一般1 は 160,000円未満）",
    ]
    # 変更: a 支給量 over a month's days is refused, nothing written
    with pytest.raises(JiritsuRefused) as exc:
        jiritsu_henko(pk=k.pk, day=date(2025, 10, 1), services={"seikatsu_kaigo": 32},
                      riyu="増", actor=ACTOR)  # fmt: skip
    assert ("services", "生活介護の支給量は1から31までで入力してください。") in exc.value.errors
    assert k.rireki.count() == 3
    # 変更 into a グループホーム: a 課税世帯 becomes 一般2
    k = jiritsu_henko(pk=k.pk, day=date(2025, 10, 1),
                      services={"seikatsu_kaigo": 22, "kyodo_seikatsu_enjo": 31},
                      riyu="グループホームへの入居", actor=ACTOR)  # fmt: skip
    assert (k.futan_kubun, k.futan_jogen) == ("ippan2", 37200)
    # 更新: the next year, 令和8年度 所得割 160,000円 → 一般2 (GH anyway)
    k = jiritsu_koshin(pk=k.pk, day=date(2026, 7, 10), shuryo=date(2027, 7, 31), riyu="更新",
                       actor=ACTOR)  # fmt: skip
    assert (k.kikan_kaishi, k.kikan_shuryo, k.futan_jogen) == (
        date(2026, 8, 1), date(2027, 7, 31), 37200,
    )  # fmt: skip
    assert "所得割の合計 160,000円（一般1 は 160,000円未満）" in k.futan_konkyo
    with pytest.raises(JiritsuRefused):
        jiritsu_torikeshi(pk=k.pk, day=date(2026, 9, 1), riyu=" ", actor=ACTOR)
    jiritsu_torikeshi(pk=k.pk, day=date(2026, 9, 1), riyu="転居", actor=ACTOR)
    rows = list(JiritsuRireki.objects.filter(kettei=k).order_by("id"))
    assert [r.kind for r in rows] == ["shinsei", "nintei", "kettei", "henko", "koshin", "torikeshi"]
    assert rows[3].naiyo == (
        "変更：居宅介護 20時間/月、生活介護 22日/月 → 生活介護 22日/月、共同生活援助 31日/月、"
        "負担上限月額 9,300円 → 37,200円"
    )
    assert (rows[3].riyu, rows[3].created_by) == ("グループホームへの入居", "test-jiritsu")
    assert "令和7年8月1日から令和8年7月31日まで → 令和8年8月1日から令和9年7月31日まで" in (
        rows[4].naiyo
    )
    assert (
        AccessLog.objects.filter(
            username="test-jiritsu", record_type="fukushi.JiritsuKettei", record_id=str(k.pk)
        ).count()
        == 6
    )
    # 寒川町 has none of it
    connection.set_tenant(beta.municipality)
    assert not JiritsuKettei.objects.exists() and not JiritsuRireki.objects.exists()


def test_futan_from_spouse_seiho_and_refusals(alpha, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    a = person("hayama", shimei="夫　一郎")
    b = person("hayama", shimei="妻　花子")
    kazei_set(a.pk, 2025, status="hikazei")
    kazei_set(b.pk, 2025, shotokuwari=WARI_160000)
    k = jiritsu_shinsei(atena_id=a.pk, shinsei_date=date(2025, 7, 1), haigusha_atena_id=b.pk,
                        actor=ACTOR)  # fmt: skip
    k = kettei(k, {"shuro_keizoku_b": 20})  # 訓練等給付: no 認定 needed
    assert (k.futan_kubun, k.futan_jogen) == ("ippan2", 37200)
    assert "配偶者: 課税（市町村民税所得割 160,000円）" in k.futan_konkyo

    # 均等割のみ課税: a 市町村民税課税世帯 with 所得割 0円 → 一般1
    m = person("hayama", shimei="均等　割子")
    kazei(m.pk, 2025, shotokuwari=0, kintowari=5_000)
    km = jiritsu_shinsei(atena_id=m.pk, shinsei_date=date(2025, 7, 1), haigusha_atena_id=None,
                         actor=ACTOR)  # fmt: skip
    km = kettei(km, {"shuro_keizoku_b": 20})
    assert (km.futan_kubun, km.futan_jogen) == ("ippan1", 9300)
    assert "本人: 課税（市町村民税所得割 0円）" in km.futan_konkyo

    # 生活保護の被保護者: 0円 whatever the tax
    s = person("hayama", shimei="保護　三郎")
    kazei_set(s.pk, 2025, shotokuwari=WARI_460000)
    seiho_kaishi(django_capture_on_commit_callbacks, [s], day=date(2025, 4, 1))
    ks = jiritsu_shinsei(atena_id=s.pk, shinsei_date=date(2025, 7, 1), haigusha_atena_id=None,
                         actor=ACTOR)  # fmt: skip
    ks = kettei(ks, {"shuro_keizoku_a": 20})
    assert (ks.futan_kubun, ks.futan_jogen, ks.futan_konkyo) == (
        "seiho", 0, ["本人は生活保護の被保護者"],
    )  # fmt: skip

    # no assessment of the year: refused (an unknown income is not 非課税), nothing written
    u = person("hayama", shimei="未申告　四郎")
    ku = jiritsu_shinsei(atena_id=u.pk, shinsei_date=date(2025, 7, 1), haigusha_atena_id=None,
                         actor=ACTOR)  # fmt: skip
    with pytest.raises(JiritsuRefused) as exc:
        kettei(ku, {"shuro_keizoku_b": 20})
    assert exc.value.errors == [
        ("", "2025年度の本人の市町村民税の課税状況がありません。（税務で確かめてください）")
    ]
    ku.refresh_from_db()
    assert (ku.jotai, ku.futan_jogen, ku.services.count()) == ("shinsei", None, 0)
    # a second open 申請, a child: refused, nothing written
    with pytest.raises(JiritsuRefused):
        jiritsu_shinsei(atena_id=u.pk, shinsei_date=date(2025, 7, 2), haigusha_atena_id=None,
                        actor=ACTOR)  # fmt: skip
    c = person("hayama", shimei="子　五郎", birth="2012-01-01")
    with pytest.raises(JiritsuRefused) as exc:
        jiritsu_shinsei(atena_id=c.pk, shinsei_date=date(2025, 7, 2), haigusha_atena_id=None,
                        actor=ACTOR)  # fmt: skip
    assert "18歳未満" in exc.value.errors[0][1]
    assert JiritsuKettei.objects.filter(atena_id__in=[u.pk, c.pk]).count() == 1


def yogu(atena_id: int, kind: str, hinmoku: str, kakaku: int, kijun: int | None = None,
         hoho: str = "dairi") -> YoguKyufu:  # fmt: skip
    return yogu_shinsei(
        YoguInput(atena_id=atena_id, kind=kind, hinmoku=hinmoku, shinsei_date=date(2025, 8, 1),
                  gyosha="株式会社テスト義肢", kakaku=kakaku, kijun_gaku=kijun, hoho=hoho,
                  account=KOZA),
        actor=ACTOR,
    )  # fmt: skip


def test_hosogu_and_nichijo_kettei_cap_and_payment(alpha, beta):
    connection.set_tenant(alpha.municipality)
    municipal_parameter_set(
        key="fukushi.jiritsu.nichijo_yogu", fiscal_year=2025,
        value_text="特殊寝台=154000、入浴補助用具=90000", reason="要綱（試験）", actor=ACTOR,
    )  # fmt: skip
    a = person("hayama")
    kazei_set(a.pk, 2025, shotokuwari=WARI_459999)
    r = person("hayama", shimei="高額　次郎")
    kazei_set(r.pk, 2025, shotokuwari=WARI_460000)
    # 補装具: 1割 of the 基準額 (見積が高くても基準額まで), the month's 上限 37,200円 shared
    y1 = yogu(a.pk, "hosogu", "車椅子（普通型）", 120_000, kijun=100_000)
    y1 = yogu_kettei(pk=y1.pk, kettei_date=date(2025, 8, 5), shikyu=True, riyu="", actor=ACTOR)
    assert (y1.hiyo, y1.futan_gaku, y1.kyufu_gaku, y1.futan_jogen) == (100_000, 10_000, 90_000,
                                                                        37200)  # fmt: skip
    y2 = yogu(a.pk, "hosogu", "座位保持装置", 400_000, kijun=400_000, hoho="shokan")
    y2 = yogu_kettei(pk=y2.pk, kettei_date=date(2025, 8, 20), shikyu=True, riyu="", actor=ACTOR)
    assert (y2.futan_gaku, y2.kyufu_gaku) == (27_200, 372_800)  # 37,200 − 10,000
    assert "同じ月にすでに負担した額 10,000円（上限の残り 27,200円）" in y2.futan_konkyo
    # 所得割 460,000円: 却下 stating the figure
    y3 = yogu(r.pk, "hosogu", "補聴器", 50_000, kijun=50_000)
    y3 = yogu_kettei(pk=y3.pk, kettei_date=date(2025, 8, 5), shikyu=True, riyu="", actor=ACTOR)
    assert (y3.jotai, y3.kyufu_gaku) == ("kyakka", 0)
    assert y3.kyakka_riyu == "支給対象外（所得割46万円以上の世帯員がいる）"
    assert "所得割の最多納税者の額 460,000円（460,000円以上は対象外）" in y3.futan_konkyo
    # 日常生活用具: the town's list and 基準額, 上限 of the 障害福祉サービス (一般2: 459,999円)
    with pytest.raises(JiritsuRefused) as exc:
        yogu(a.pk, "nichijo", "電気式たん吸引器", 50_000)
    assert exc.value.errors == [("hinmoku", "その品目は町の日常生活用具の要綱にありません。")]
    y4 = yogu(a.pk, "nichijo", "特殊寝台", 160_000)
    y4 = yogu_kettei(pk=y4.pk, kettei_date=date(2025, 8, 6), shikyu=True, riyu="", actor=ACTOR)
    assert (y4.kijun_gaku, y4.futan_kubun, y4.futan_gaku, y4.kyufu_gaku) == (
        154_000, "ippan2", 15_400, 138_600,
    )  # fmt: skip
    with pytest.raises(JiritsuRefused):
        yogu_kettei(pk=y4.pk, kettei_date=date(2025, 8, 6), shikyu=False, riyu="x", actor=ACTOR)
    run = yogu_shiharai(shiharai_date=date(2025, 9, 10), irainin=IRAININ, actor=ACTOR)
    assert (run.kensu, run.gokei) == (3, 90_000 + 372_800 + 138_600)
    records = zengin.read_sogo_furikomi(yogu_furikomi_file(run))
    assert [x.fields["amount"] for x in records if x.kind == "data"] == [90_000, 372_800, 138_600]
    with pytest.raises(JiritsuRefused, match="支払う給付（支給決定済）がありません。"):
        yogu_shiharai(shiharai_date=date(2025, 9, 11), irainin=IRAININ, actor=ACTOR)
    connection.set_tenant(beta.municipality)
    assert not YoguKyufu.objects.exists() and not YoguShiharai.objects.exists()
