"""児童扶養手当 in two towns (葉山町 = alpha, 寒川町 = beta): the 未支払の手当 of a 受給者 who
died (請求 by the child, 決定, paid by the next run to the child's account, 決定通知書 read
back) and the 過払 found after a 資格喪失届 entered late (返還金 決定 with amount and 納期限,
返還通知書 read back, payments until 完納). Neither town sees, changes or pays the other's;
refused input writes nothing.

Figures (as test_fuyoteate_nenkin.py / test_fuyoteate_views.py): 山田花子, 所得額 1,320,000円,
扶養1人 → 一部支給 40,260円 a month in 令和7年度; 佐藤花子 (給与 1,000,000円) → 全部支給
46,690円. Runs pay the two months before their 支払月 (法第7条第3項). The 返還金's 納期限 is
the 決定日 + 30日 (the 既定 of ``fukushi.fuyoteate.kabarai.nouki_nissu``, 未確認):
2025-11-25 + 30 = 2025-12-25 (木).
"""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.models import (
    FuyoJukyusha,
    FuyoKabarai,
    FuyoKabaraiJotai,
    FuyoKabaraiTsuki,
    FuyoMiharai,
    FuyoMishikyu,
    FuyoMishikyuKettei,
    FuyoRireki,
    FuyoShikkakuJiyu,
)
from fukushi.services.fuyoteate import (
    FuyoteateRefused,
    jukyusha_nintei,
    shiharai_file,
    shiharai_run,
)
from fukushi.services.fuyoteate_kabarai import kabarai_kettei, kabarai_nofu, kabarai_tsuchi
from fukushi.services.fuyoteate_mishikyu import (
    is_jido_on,
    mishikyu_kettei,
    mishikyu_seikyu,
    mishikyu_tsuchi,
)
from fukushi.services.fuyoteate_nenkin import miharai_seikyu
from fukushi.services.fuyoteate_shikkaku import shikkaku_todoke
from juminkiroku.tests import factories as jk
from juminkiroku.tests.factories import family
from tenants import zengin
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.testing.pdf import pdf_pages
from zeimu.tests.factories import kazei

pytestmark = pytest.mark.django_db

ACCOUNT = zengin.Account("0001", "001", "1", "1234567", "ﾔﾏﾀﾞ ﾊﾅｺ")
CHILD_ACCOUNT = zengin.Account("0005", "002", "1", "7777777", "ﾔﾏﾀﾞ ｲﾁﾛｳ")
IRAININ = zengin.Irainin("1234567890", "ﾊﾔﾏﾏﾁ", "0009", "123", "1", "7654321")
A_CLERK = Actor(user_id=None, username="hayama-clerk")
B_CLERK = Actor(user_id=None, username="samukawa-clerk")
SEP, NOV = date(2025, 9, 1), date(2025, 11, 1)


def _run(tsuki: date, actor):
    return shiharai_run(
        shiharai_tsuki=tsuki, shiharai_date=tsuki.replace(day=11), irainin=IRAININ, actor=actor
    ).shiharai


@pytest.fixture
def towns(world, django_capture_on_commit_callbacks):
    """葉山町: 山田花子 受給者 from 令和7年7月分 with her son 一郎 (2010-04-01); 寒川町: 佐藤花子
    受給者 from 令和7年7月分. Both paid 7月分・8月分 by the 9月 run."""
    capture = django_capture_on_commit_callbacks
    connection.set_tenant(world.beta.municipality)
    with capture(execute=True):
        _, (_h, sato, _c) = jk.household_tennyu(
            "samukawa", members=family("佐藤", "サトウ"), ido_date=date(2020, 4, 1)
        )
    kazei(sato.pk, 2024, kyuyo=1_000_000)
    kazei(sato.pk, 2025, kyuyo=1_000_000)
    sato_j = jukyusha_nintei(
        atena_id=sato.pk, seikyu_date=date(2025, 6, 1), jido_su=1, fuyo_shinzoku=1,
        account=ACCOUNT, actor=B_CLERK,
    )  # fmt: skip
    _run(SEP, B_CLERK)
    connection.set_tenant(world.alpha.municipality)
    with capture(execute=True):
        _, (husband, wife, child) = jk.household_tennyu(
            "hayama", members=family(), ido_date=date(2020, 4, 1)
        )
    kazei(wife.pk, 2024, kyuyo=1_500_000)
    kazei(wife.pk, 2025, kyuyo=1_500_000)
    j = jukyusha_nintei(
        atena_id=wife.pk, seikyu_date=date(2025, 6, 10), jido_su=1, fuyo_shinzoku=1,
        account=ACCOUNT, actor=A_CLERK,
    )  # fmt: skip
    _run(SEP, A_CLERK)
    return {"j": j, "wife": wife, "child": child, "husband": husband, "sato_j": sato_j}


def test_a_child_is_a_jido_until_the_march_after_turning_18():
    # born 1 April: 18 is reached on 31 March (年齢計算ニ関スル法律), that March ends it
    assert is_jido_on(date(2010, 4, 1), date(2028, 3, 31))
    assert not is_jido_on(date(2010, 4, 1), date(2028, 4, 1))
    # born 2 April: the 31 March after the 18th birthday is the next year's
    assert is_jido_on(date(2010, 4, 2), date(2029, 3, 31))
    assert not is_jido_on(date(2010, 4, 2), date(2029, 4, 1))


def test_mishikyu_claimed_by_the_child_decided_paid_and_printed(
    world, towns, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    j, child, husband = towns["j"], towns["child"], towns["husband"]
    # given: 山田花子 dies on 2025-10-20: 支給 ends with 10月分; 9月分・10月分 unpaid
    with capture(execute=True):
        jk.shibo(towns["wife"], ido_date=date(2025, 10, 20), town_slug="hayama")
    j.refresh_from_db()
    assert (j.shikkaku_jiyu, j.shikyu_shuryo) == (FuyoShikkakuJiyu.SHIBO, date(2025, 10, 1))
    # the 11月 run pays her nothing (she died): nothing goes to her account
    run = _run(NOV, A_CLERK)
    assert (run.kensu, run.gokei) == (0, 0)
    # refused: the husband is no 児童; the claim before the death; nothing written
    with pytest.raises(FuyoteateRefused, match="児童（18歳の年度末まで）ではありません"):
        mishikyu_seikyu(jukyusha=j, seikyusha_atena_id=husband.pk, seikyu_date=date(2025, 11, 5),
                        account=CHILD_ACCOUNT, actor=A_CLERK)  # fmt: skip
    with pytest.raises(FuyoteateRefused, match="死亡日より前"):
        mishikyu_seikyu(jukyusha=j, seikyusha_atena_id=child.pk, seikyu_date=date(2025, 10, 1),
                        account=CHILD_ACCOUNT, actor=A_CLERK)  # fmt: skip
    bad = zengin.Account("0005", "002", "1", "77", "ﾔﾏﾀﾞ ｲﾁﾛｳ")
    with pytest.raises(FuyoteateRefused):
        mishikyu_seikyu(jukyusha=j, seikyusha_atena_id=child.pk, seikyu_date=date(2025, 11, 5),
                        account=bad, actor=A_CLERK)  # fmt: skip
    assert FuyoMishikyu.objects.count() == 0
    # when: the son claims: 9月分・10月分, 40,260円 each
    ms = mishikyu_seikyu(jukyusha=j, seikyusha_atena_id=child.pk, seikyu_date=date(2025, 11, 5),
                         account=CHILD_ACCOUNT, actor=A_CLERK)  # fmt: skip
    assert ms.tsuki == [
        {"month": "2025-09-01", "gaku": 40_260},
        {"month": "2025-10-01", "gaku": 40_260},
    ]
    assert (ms.gaku, ms.kettei) == (80_520, FuyoMishikyuKettei.SEIKYU)
    with pytest.raises(FuyoteateRefused, match="すでに請求を受け付けています"):
        mishikyu_seikyu(jukyusha=j, seikyusha_atena_id=child.pk, seikyu_date=date(2025, 11, 6),
                        account=CHILD_ACCOUNT, actor=A_CLERK)  # fmt: skip
    # no notice before the 決定; a 不支給 needs its reason
    with pytest.raises(FuyoteateRefused, match="決定していない"):
        mishikyu_tsuchi(mishikyu=ms, tsuchi_date=date(2025, 11, 6), actor=A_CLERK)
    with pytest.raises(FuyoteateRefused, match="不支給の理由"):
        mishikyu_kettei(mishikyu=ms, shikyu=False, kettei_date=date(2025, 11, 6), actor=A_CLERK)
    ms = mishikyu_kettei(mishikyu=ms, shikyu=True, kettei_date=date(2025, 11, 6), actor=A_CLERK)
    with pytest.raises(FuyoteateRefused, match="すでに決定しています"):
        mishikyu_kettei(mishikyu=ms, shikyu=True, kettei_date=date(2025, 11, 7), actor=A_CLERK)
    # the 決定通知書, read back
    (page,) = pdf_pages(mishikyu_tsuchi(mishikyu=ms, tsuchi_date=date(2025, 11, 7), actor=A_CLERK))
    assert "児童扶養手当（未支払の手当）支給決定通知書" in page
    assert "山田一郎様" in page and "死亡した受給者山田花子" in page
    assert "令和7年9月分40,260円" in page and "令和7年10月分40,260円" in page
    assert "合計80,520円" in page and "令和7年11月7日" in page
    # then: the 1月 run pays the claim to the son's account (the 全銀 file's line)
    paid = _run(date(2026, 1, 1), A_CLERK)
    assert (paid.kensu, paid.gokei) == (1, 80_520)
    ms.refresh_from_db()
    assert ms.shiharai_id == paid.pk
    data = shiharai_file(paid).decode("cp932")
    assert "7777777" in data and "ﾔﾏﾀﾞ ｲﾁﾛｳ" in data and "0000080520" in data
    kinds = list(FuyoRireki.objects.filter(jukyusha=j, kind__startswith="mishikyu")
                 .order_by("pk").values_list("kind", flat=True))  # fmt: skip
    assert kinds == ["mishikyu", "mishikyu", "mishikyu_tsuchi", "mishikyu"]
    assert AccessLog.objects.filter(screen="fukushi.fuyoteate_mishikyu_tsuchi",
                                    record_id=str(j.pk), action="print").count() == 1  # fmt: skip
    # a paid claim is not claimed again
    with pytest.raises(FuyoteateRefused):
        mishikyu_seikyu(jukyusha=j, seikyusha_atena_id=child.pk, seikyu_date=date(2026, 2, 1),
                        account=CHILD_ACCOUNT, actor=A_CLERK)  # fmt: skip
    # 寒川町: none of 葉山町's claim; its 1月 run pays only its own 受給者
    connection.set_tenant(world.beta.municipality)
    assert FuyoMishikyu.objects.count() == 0
    _run(NOV, B_CLERK)
    beta_jan = _run(date(2026, 1, 1), B_CLERK)
    assert (beta_jan.kensu, beta_jan.gokei) == (1, 93_380)
    assert "7777777" not in shiharai_file(beta_jan).decode("cp932")
    # 寒川町's 受給者 did not die: no claim for her
    with pytest.raises(FuyoteateRefused, match="死亡により資格を喪失した受給者ではありません"):
        mishikyu_seikyu(jukyusha=towns["sato_j"], seikyusha_atena_id=child.pk,
                        seikyu_date=date(2025, 11, 5), account=CHILD_ACCOUNT,
                        actor=B_CLERK)  # fmt: skip
    assert FuyoMishikyu.objects.count() == 0


def test_kabarai_found_from_the_runs_decided_printed_and_paid_back(world, towns):
    sato_j = towns["sato_j"]
    connection.set_tenant(world.beta.municipality)
    _run(NOV, B_CLERK)  # pays 9月分・10月分 (46,690 each)
    # refused while she is 受給中: nothing written
    with pytest.raises(FuyoteateRefused, match="資格を喪失していない"):
        kabarai_kettei(jukyusha=sato_j, kettei_date=date(2025, 11, 25), actor=B_CLERK)
    assert FuyoKabarai.objects.count() == 0
    # given: her 婚姻 on 2025-08-15 reported on 11月20日: 支給 ends with 8月分
    shikkaku_todoke(jukyusha=sato_j, jiyu=FuyoShikkakuJiyu.KONIN, jiyu_date=date(2025, 8, 15),
                    today=date(2025, 11, 20), actor=B_CLERK)  # fmt: skip
    sato_j = FuyoJukyusha.objects.get(pk=sato_j.pk)
    # when: the 返還金 is decided
    k = kabarai_kettei(jukyusha=sato_j, kettei_date=date(2025, 11, 25), actor=B_CLERK)
    # then: 9月分・10月分 paid by the 11月 run, 93,380円, due 令和7年12月25日
    assert (k.gaku, k.nouki, k.jotai) == (93_380, date(2025, 12, 25), FuyoKabaraiJotai.MINO)
    months = list(k.tsuki.order_by("month").values_list("month", "gaku"))
    assert months == [(date(2025, 9, 1), 46_690), (date(2025, 10, 1), 46_690)]
    # the months are owed once: a second 決定 finds nothing
    with pytest.raises(FuyoteateRefused, match="過払の月はありません"):
        kabarai_kettei(jukyusha=sato_j, kettei_date=date(2025, 11, 26), actor=B_CLERK)
    assert FuyoKabarai.objects.count() == 1 and FuyoKabaraiTsuki.objects.count() == 2
    # the 返還通知書, read back
    (page,) = pdf_pages(kabarai_tsuchi(kabarai=k, tsuchi_date=date(2025, 11, 26), actor=B_CLERK))
    assert "児童扶養手当返還金通知書" in page and "佐藤花子様" in page
    assert "令和7年9月分46,690円" in page and "令和7年10月分46,690円" in page
    assert "返還金の額93,380円" in page and "納期限令和7年12月25日" in page
    assert "令和7年8月分まで" in page
    # payments: more than the rest refused (nothing written), then 完納
    with pytest.raises(FuyoteateRefused, match="残額（93,380円）を超えています"):
        kabarai_nofu(kabarai=k, gaku=100_000, nofu_date=date(2025, 12, 1), actor=B_CLERK)
    k.refresh_from_db()
    assert k.nofu_gaku == 0
    k = kabarai_nofu(kabarai=k, gaku=50_000, nofu_date=date(2025, 12, 1), actor=B_CLERK)
    assert (k.nofu_gaku, k.jotai) == (50_000, FuyoKabaraiJotai.MINO)
    k = kabarai_nofu(kabarai=k, gaku=43_380, nofu_date=date(2025, 12, 20), actor=B_CLERK)
    assert (k.nofu_gaku, k.jotai) == (93_380, FuyoKabaraiJotai.KANNO)
    assert FuyoRireki.objects.filter(jukyusha=sato_j, kind="kabarai").count() == 3
    # 葉山町: nothing of 寒川町's; its own 受給者 (受給中) has no 過払
    connection.set_tenant(world.alpha.municipality)
    assert FuyoKabarai.objects.count() == 0 and FuyoKabaraiTsuki.objects.count() == 0
    with pytest.raises(FuyoteateRefused, match="資格を喪失していない"):
        kabarai_kettei(jukyusha=towns["j"], kettei_date=date(2025, 11, 25), actor=A_CLERK)
    assert FuyoKabarai.objects.count() == 0


def test_a_miharai_claim_the_deceased_made_is_owed_to_the_child(
    world, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    connection.set_tenant(world.alpha.municipality)
    with capture(execute=True):
        _, (_husband, wife, child) = jk.household_tennyu(
            "hayama", members=family(), ido_date=date(2020, 4, 1)
        )
    kazei(wife.pk, 2024, kyuyo=1_500_000)
    kazei(wife.pk, 2025, kyuyo=1_500_000)
    j = jukyusha_nintei(
        atena_id=wife.pk, seikyu_date=date(2025, 6, 10), jido_su=1, fuyo_shinzoku=1,
        account=ACCOUNT, actor=A_CLERK,
    )  # fmt: skip
    # given: no 9月 run; she claims 7月分・8月分 on 10月1日 (accepted), then dies on 10月20日
    miharai_seikyu(jukyusha=j, month_from=date(2025, 7, 1), month_to=date(2025, 8, 1),
                   seikyu_date=date(2025, 10, 1), actor=A_CLERK)  # fmt: skip
    with capture(execute=True):
        jk.shibo(wife, ido_date=date(2025, 10, 20), town_slug="hayama")
    j.refresh_from_db()
    # the 11月 run pays neither her claim nor 9月分・10月分 to her account
    run = _run(NOV, A_CLERK)
    assert (run.kensu, run.gokei) == (0, 0)
    assert FuyoMiharai.objects.filter(jukyusha=j, shiharai__isnull=True).count() == 2
    # when: her son claims: her claim's months with their accepted amounts, and 9月・10月
    ms = mishikyu_seikyu(jukyusha=j, seikyusha_atena_id=child.pk, seikyu_date=date(2025, 11, 5),
                         account=CHILD_ACCOUNT, actor=A_CLERK)  # fmt: skip
    assert [t["month"] for t in ms.tsuki] == [
        "2025-07-01",
        "2025-08-01",
        "2025-09-01",
        "2025-10-01",
    ]
    assert ms.gaku == 4 * 40_260
    # 寒川町 has nothing of it
    connection.set_tenant(world.beta.municipality)
    assert FuyoMishikyu.objects.count() == 0 and FuyoMiharai.objects.count() == 0
