"""児童扶養手当 screens for the 未支払の手当 and the 過払 in two towns (葉山町 = alpha, 寒川町 =
beta): the 請求 by the child chosen by name, the 決定 (不支給 needs its reason), the 決定通知書
(PDF, read back); the 過払 候補, the 返還金 決定 with its 納期限, the 返還通知書, the payments
(more than the rest refused, nothing written), the list with balances (paged), its CSV
through the platform writer and the read-only API — the other town reaching none of it
(404 / not listed), every read logged, refused input writing nothing.

Figures as fukushi/tests/test_fuyoteate_mishikyu_kabarai.py: 山田花子 一部支給 40,260円 a
month (所得額 1,320,000円, 扶養1人, 令和7年度); 佐藤花子 全部支給 46,690円 (令和7年度の額,
平戸市・新ひだか町 cited in fukushi/params/fuyoteate.yaml). The 納期限 is 決定日 + 30日 (the
既定 of ``fukushi.fuyoteate.kabarai.nouki_nissu``, 未確認): 2025-11-25 → 2025-12-25.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from fukushi.models import (
    FuyoJukyusha,
    FuyoKabarai,
    FuyoKabaraiJotai,
    FuyoMishikyu,
    FuyoMishikyuKettei,
    FuyoRireki,
    FuyoShikkakuJiyu,
)
from fukushi.services.fuyoteate import jukyusha_nintei, shiharai_run
from fukushi.services.fuyoteate_shikkaku import shikkaku_todoke
from fukushi.views import fuyoteate_henkan
from juminkiroku.tests import factories as jk
from juminkiroku.tests.factories import family
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
A_CLERK = Actor(user_id=None, username="hayama-clerk")
B_CLERK = Actor(user_id=None, username="samukawa-clerk")
BASE = "/fukushi/jido-fuyo-teate"
SEP, NOV = date(2025, 9, 1), date(2025, 11, 1)
CLAIM = {
    "seikyu_date": "令和7年11月5日",
    "kinyu_kikan": "0005",
    "shiten": "002",
    "yokin_shumoku": "1",
    "koza_bango": "7777777",
    "meigi_kana": "ﾔﾏﾀﾞ ｲﾁﾛｳ",
}


def _in(town, fn):
    connection.set_tenant(town.municipality)
    try:
        return fn()
    finally:
        connection.set_schema_to_public()


def _run(tsuki: date, actor):
    return shiharai_run(
        shiharai_tsuki=tsuki, shiharai_date=tsuki.replace(day=11), irainin=IRAININ, actor=actor
    ).shiharai


def _logged(town, **kw) -> int:
    return _in(town, lambda: AccessLog.objects.filter(**kw).count())


@pytest.fixture
def towns(world, django_capture_on_commit_callbacks):
    """葉山町: 山田花子 受給者 from 令和7年7月分 with her husband and her son 一郎 (2010-04-01),
    paid 7月分・8月分 by the 9月 run; 寒川町: 佐藤花子 受給者 from 令和7年7月分, paid by the
    9月 and 11月 runs."""
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
    _run(NOV, B_CLERK)
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
    connection.set_schema_to_public()
    return {"j": j, "wife": wife, "child": child, "husband": husband, "sato_j": sato_j}


def test_mishikyu_screens_claim_decide_print_in_two_towns(
    world, login, towns, django_capture_on_commit_callbacks
):
    j, child, husband = towns["j"], towns["child"], towns["husband"]
    connection.set_tenant(world.alpha.municipality)
    # given: 山田花子 dies on 2025-10-20 (9月分・10月分 unpaid); the 11月 run pays her nothing
    with django_capture_on_commit_callbacks(execute=True):
        jk.shibo(towns["wife"], ido_date=date(2025, 10, 20), town_slug="hayama")
    _run(NOV, A_CLERK)
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    detail = clerk.get(f"{BASE}/{j.pk}/").content.decode()
    assert f"{BASE}/{j.pk}/mishikyu/" in detail and "未支払の手当" in detail
    # the page names the child who may claim (not the husband), in 和暦
    page = clerk.get(f"{BASE}/{j.pk}/mishikyu/").content.decode()
    assert "山田　一郎（平成22年4月1日生）" in page
    assert f'<option value="{child.pk}">山田　一郎' in page and "山田　太郎" not in page
    assert "未支払の手当の請求はありません" in page
    assert _logged(world.alpha, username="hayama-clerk",
                   screen="fukushi.fuyoteate_mishikyu_page") == 1  # fmt: skip
    # refused, nothing written: the husband (not offered), a short 口座番号, a control char
    url = f"{BASE}/{j.pk}/mishikyu/"
    page = clerk.post(url, {**CLAIM, "seikyusha": husband.pk}).content.decode()
    assert "正しく選択してください" in page or "選択" in page
    page = clerk.post(url, {**CLAIM, "seikyusha": child.pk, "koza_bango": "77"}).content.decode()
    assert "口座番号" in page
    page = clerk.post(
        url, {**CLAIM, "seikyusha": child.pk, "meigi_kana": "ﾔﾏﾀﾞ\x07"}
    ).content.decode()
    assert "制御文字" in page or "使えない文字" in page
    page = clerk.post(
        url, {**CLAIM, "seikyusha": child.pk, "seikyu_date": "令和7年10月1日"}
    ).content.decode()
    assert "請求日が受給者の死亡日より前です。" in page
    assert _in(world.alpha, lambda: FuyoMishikyu.objects.count()) == 0
    # a 閲覧者 sees the page but may not claim
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert viewer.get(url).status_code == 200
    assert viewer.post(url, {**CLAIM, "seikyusha": child.pk}).status_code == 403
    # when: the son claims: 9月分・10月分, 40,260円 each
    r = clerk.post(url, {**CLAIM, "seikyusha": child.pk})
    assert r.status_code == 302, r.content.decode()
    ms = _in(world.alpha, lambda: FuyoMishikyu.objects.get())
    assert (ms.seikyusha_atena_id, ms.gaku, ms.kettei) == (
        child.pk, 80_520, FuyoMishikyuKettei.SEIKYU,
    )  # fmt: skip
    page = clerk.get(url).content.decode()
    for words in ("令和7年9月分 40,260円", "令和7年10月分 40,260円", "80,520円",
                  "請求受付（未決定）", "決定する"):  # fmt: skip
        assert words in page, words
    # a 不支給 without its reason is refused, nothing changed
    kettei = f"{BASE}/{j.pk}/mishikyu/{ms.pk}/kettei/"
    page = clerk.post(
        kettei, {"kettei": "fushikyu", "kettei_date": "令和7年11月6日"}, follow=True
    ).content.decode()
    assert "不支給の理由を入力してください。" in page
    assert _in(world.alpha, lambda: FuyoMishikyu.objects.get().kettei) == "seikyu"
    assert (
        viewer.post(kettei, {"kettei": "shikyu", "kettei_date": "令和7年11月6日"}).status_code
        == 403
    )
    # 寒川町 reaches none of it: 404 on the claim, its own 受給者's page shows nothing of 山田
    other = login("samukawa-clerk", BETA_HOST)
    assert (
        other.post(kettei, {"kettei": "shikyu", "kettei_date": "令和7年11月6日"}).status_code == 404
    )
    assert other.post(f"{BASE}/{j.pk}/mishikyu/{ms.pk}/tsuchi/").status_code == 404
    sato_page = other.get(f"{BASE}/{towns['sato_j'].pk}/mishikyu/").content.decode()
    assert "山田" not in sato_page and "80,520円" not in sato_page
    assert "死亡により資格を喪失していません" in sato_page
    assert _in(world.alpha, lambda: FuyoMishikyu.objects.get().kettei) == "seikyu"
    # the 支給 決定, then the 決定通知書 (target=_blank), read back
    r = clerk.post(kettei, {"kettei": "shikyu", "kettei_date": "令和7年11月6日"})
    assert r.status_code == 302
    page = clerk.get(url).content.decode()
    assert "支給決定（令和7年11月6日）" in page and 'target="_blank"' in page
    assert "次の支払で支払" in page
    r = clerk.post(f"{BASE}/{j.pk}/mishikyu/{ms.pk}/tsuchi/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    (text,) = pdf_pages(r.content)
    assert "児童扶養手当（未支払の手当）支給決定通知書" in text
    assert "山田一郎様" in text and "合計80,520円" in text
    assert _logged(world.alpha, username="hayama-clerk", action="print",
                   screen="fukushi.fuyoteate_mishikyu_tsuchi") == 1  # fmt: skip
    # the API shows the claim; 寒川町's API has none of it
    body = clerk.get(f"/api/v1/fukushi/jido-fuyo-teate/jukyusha/{j.pk}/").json()
    (c,) = body["mishikyu"]
    assert (c["gaku"], c["kettei"], c["kettei_date"]) == (80_520, "shikyu", "2025-11-06")
    assert c["tsuki"] == [
        {"month": "2025-09-01", "gaku": 40_260},
        {"month": "2025-10-01", "gaku": 40_260},
    ]
    assert body["kabarai"] == []
    beta = other.get(f"/api/v1/fukushi/jido-fuyo-teate/jukyusha/{towns['sato_j'].pk}/").json()
    assert beta["mishikyu"] == [] and _in(world.beta, lambda: FuyoMishikyu.objects.count()) == 0


def test_kabarai_screens_kettei_tsuchi_nofu_list_and_csv_in_two_towns(
    world, login, towns, monkeypatch
):
    sato_j = towns["sato_j"]
    other = login("samukawa-clerk", BETA_HOST)
    # while 受給中 she is no 候補
    assert "過払の候補はありません" in other.get(f"{BASE}/kabarai/").content.decode()
    # given: her 婚姻 on 2025-08-15 reported on 11月20日: 支給 ends with 8月分
    _in(world.beta, lambda: shikkaku_todoke(
        jukyusha=FuyoJukyusha.objects.get(pk=sato_j.pk), jiyu=FuyoShikkakuJiyu.KONIN,
        jiyu_date=date(2025, 8, 15), today=date(2025, 11, 20), actor=B_CLERK,
    ))  # fmt: skip
    # the 候補: 9月分・10月分, 93,380円
    page = other.get(f"{BASE}/kabarai/").content.decode()
    assert sato_j.jukyusha_bango in page and "佐藤　花子" in page
    assert "令和7年9月分〜令和7年10月分（2か月）" in page and "93,380円" in page
    assert _logged(world.beta, username="samukawa-clerk",
                   screen="fukushi.fuyoteate_kabarai_kouho") == 1  # fmt: skip
    # 葉山町 lists none of 寒川町's
    clerk = login("hayama-clerk", ALPHA_HOST)
    alpha_page = clerk.get(f"{BASE}/kabarai/").content.decode()
    assert "佐藤" not in alpha_page and "過払の候補はありません" in alpha_page
    # one 受給者's 過払
    url = f"{BASE}/{sato_j.pk}/kabarai/"
    page = other.get(url).content.decode()
    assert "令和7年9月分" in page and "46,690円" in page and "返還金を決定する" in page
    # refused, nothing written: a 決定日 before the 事由
    page = other.post(
        f"{url}kettei/", {"kettei_date": "令和7年8月1日"}, follow=True
    ).content.decode()
    assert "決定日が喪失事由の日より前です。" in page
    assert _in(world.beta, lambda: FuyoKabarai.objects.count()) == 0
    # when: the 返還金 is decided
    r = other.post(f"{url}kettei/", {"kettei_date": "令和7年11月25日"})
    assert r.status_code == 302
    k = _in(world.beta, lambda: FuyoKabarai.objects.get())
    assert (k.gaku, k.nouki, k.jotai) == (93_380, date(2025, 12, 25), FuyoKabaraiJotai.MINO)
    page = other.get(url).content.decode()
    assert "令和7年12月25日" in page and 'target="_blank"' in page
    assert "返還金を決定していない過払の月はありません" in page
    assert "過払の候補はありません" in other.get(f"{BASE}/kabarai/").content.decode()
    # the 返還通知書, read back
    r = other.post(f"{url}{k.pk}/tsuchi/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    (text,) = pdf_pages(r.content)
    assert "児童扶養手当返還金通知書" in text and "佐藤花子様" in text
    assert "返還金の額93,380円" in text and "納期限令和7年12月25日" in text
    # a payment above the rest: refused with its message, nothing written
    rireki = _in(world.beta, lambda: FuyoRireki.objects.filter(kind="kabarai").count())
    page = other.post(
        f"{url}{k.pk}/nofu/", {"gaku": "100000", "nofu_date": "令和7年12月1日"}, follow=True
    ).content.decode()
    assert "納付額が残額（93,380円）を超えています。" in page
    page = other.post(
        f"{url}{k.pk}/nofu/", {"gaku": "0", "nofu_date": "令和7年12月1日"}, follow=True
    ).content.decode()
    assert "納付額" in page
    assert _in(world.beta, lambda: (
        FuyoKabarai.objects.get().nofu_gaku, FuyoRireki.objects.filter(kind="kabarai").count(),
    )) == (0, rireki)  # fmt: skip
    # 葉山町 reaches none of it (404); a 閲覧者 may not enter a payment
    pay = {"gaku": "1000", "nofu_date": "令和7年12月1日"}
    assert clerk.post(f"{url}{k.pk}/nofu/", pay).status_code == 404
    assert clerk.post(f"{url}{k.pk}/tsuchi/").status_code == 404
    viewer = login("samukawa-viewer", BETA_HOST)
    assert viewer.post(f"{url}{k.pk}/nofu/", pay).status_code == 403
    # a payment of 50,000円
    r = other.post(f"{url}{k.pk}/nofu/", {"gaku": "50000", "nofu_date": "令和7年12月1日"})
    assert r.status_code == 302
    assert _in(world.beta, lambda: FuyoKabarai.objects.get().nofu_gaku) == 50_000
    # the list with its balance; the 未納/完納 filter
    page = other.get(f"{BASE}/henkankin/").content.decode()
    for words in (sato_j.jukyusha_bango, "佐藤　花子", "令和7年11月25日", "93,380円",
                  "50,000円", "43,380円", "令和7年12月25日", "未納"):  # fmt: skip
        assert words in page, words
    assert "返還金はありません" in other.get(f"{BASE}/henkankin/?jotai=kanno").content.decode()
    assert _logged(world.beta, username="samukawa-clerk",
                   screen="fukushi.fuyoteate_kabarai_list") == 1  # fmt: skip
    assert "佐藤" not in clerk.get(f"{BASE}/henkankin/").content.decode()
    # the CSV (the platform writer: UTF-8 with BOM), logged as 抽出
    r = other.get(f"{BASE}/henkankin.csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0] == fuyoteate_henkan.KABARAI_CSV_HEADER
    assert rows[1][0] == sato_j.jukyusha_bango and rows[1][2] == "佐藤　花子"
    assert rows[1][3:] == ["令和7年11月25日", "93380", "50000", "43380", "令和7年12月25日", "未納"]
    assert _logged(world.beta, username="samukawa-clerk", action="export",
                   screen="fukushi.fuyoteate_kabarai_csv") == 1  # fmt: skip
    alpha_csv = list(csv.reader(io.StringIO(
        clerk.get(f"{BASE}/henkankin.csv").content.decode("utf-8-sig"))))  # fmt: skip
    assert alpha_csv == [fuyoteate_henkan.KABARAI_CSV_HEADER]
    # paging: a second 返還金 (a row as a later 決定 would leave), one to a page
    _in(world.beta, lambda: FuyoKabarai.objects.create(
        jukyusha_id=sato_j.pk, kettei_date=date(2025, 12, 1), gaku=1_000,
        nouki=date(2025, 12, 31), created_by="samukawa-clerk",
    ))  # fmt: skip
    monkeypatch.setattr(fuyoteate_henkan, "PAGE_SIZE", 1)
    first = other.get(f"{BASE}/henkankin/").content.decode()
    second = other.get(f"{BASE}/henkankin/?page=2").content.decode()
    assert "1 / 2ページ" in first and "令和7年12月1日" in first and "93,380円" not in first
    assert "2 / 2ページ" in second and "93,380円" in second
    # the rest paid: 完納
    other.post(f"{url}{k.pk}/nofu/", {"gaku": "43380", "nofu_date": "令和7年12月20日"})
    assert _in(world.beta, lambda: FuyoKabarai.objects.get(pk=k.pk).jotai) == "kanno"
    # the API: the 返還金 with its balance; 葉山町's 受給者 has none
    body = other.get(f"/api/v1/fukushi/jido-fuyo-teate/jukyusha/{sato_j.pk}/").json()
    first_k = body["kabarai"][0]
    assert (first_k["gaku"], first_k["nofu_gaku"], first_k["zangaku"], first_k["jotai"]) == (
        93_380, 93_380, 0, "kanno",
    )  # fmt: skip
    assert [t["month"] for t in first_k["tsuki"]] == ["2025-09-01", "2025-10-01"]
    alpha = clerk.get(f"/api/v1/fukushi/jido-fuyo-teate/jukyusha/{towns['j'].pk}/").json()
    assert alpha["kabarai"] == [] and json.dumps(alpha).count("93380") == 0
