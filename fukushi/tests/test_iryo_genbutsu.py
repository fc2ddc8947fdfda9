"""医療費助成の現物給付 (the 一部負担金 billed by the 医療機関 through the 審査支払機関) in two
towns (葉山町 = alpha, 寒川町 = beta): the month's 請求 file imported (our own layout: no
published 国保連 layout was found, 未確認), each line checked against the 受給者証 (its
受給者番号 in this 業務, valid in the 診療月), the 助成額 = the 一部負担金相当額 less the town's
own 一部負担金 per 件 (葉山町 500円, 寒川町 0円: 条例 values set in the test), the 返戻 with
their reasons, the 支払 list per 医療機関 and the 全銀 file paying the 審査支払機関.

Figures are the test file's own arithmetic: 葉山町's child (受給者証 2025-08-01〜2026-07-31):
9月 葉山こどもクリニック 2,000 − 500 = 1,500円 and 300円 (below the 500円: 0円), 森戸歯科
6,000 − 500 = 5,500円; 7月 (before the 受給者証) and an unknown 受給者番号 返戻 → 3件 7,000円
to pay, 2件 返戻.
"""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.gyomu import HITORIOYA_IRYO, NYUYOJI_IRYO
from fukushi.models import IryoGenbutsu, IryoJukyusha
from fukushi.rules.iryo import yuko_in_month
from fukushi.services.iryo import IryoRefused, jukyushasho_kofu
from fukushi.services.iryo_genbutsu import (
    genbutsu_file,
    genbutsu_kikan,
    genbutsu_shiharai,
    genbutsu_torikomi,
)
from fukushi.tests.test_iryo import ACCOUNT, IRAININ, _params, tennyu
from juminkiroku.tests.factories import family
from tenants import zengin
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.tests.factories import kazei

pytestmark = pytest.mark.django_db

CLERK = Actor(user_id=None, username="clerk")
OCT = date(2025, 10, 1)
KIKAN = zengin.Account("0002", "003", "1", "2222222", "ｶﾅｶﾞﾜｹﾝｺｸﾎﾚﾝ")
HEAD = "診療月,医療機関コード,医療機関名,受給者番号,医療費総額,一部負担金相当額\n"


def _file(bango: str) -> bytes:
    return (
        HEAD
        + f"202509,1410000001,葉山こどもクリニック,{bango},10000,2000\n"
        + f"202509,1410000001,葉山こどもクリニック,{bango},3000,300\n"
        + f"202509,1410000002,森戸歯科,{bango},20000,6000\n"
        + f"202507,1410000002,森戸歯科,{bango},5000,1500\n"
        + "202509,1410000001,葉山こどもクリニック,99999999,4000,800\n"
    ).encode("utf-8-sig")


@pytest.fixture
def towns(world, django_capture_on_commit_callbacks):
    """Each town's 山田一郎 (born 2010-04-01) with a 子ども医療 受給者証 from 2025-08-01;
    寒川町's numbers start at 00000101 so that no number is the other town's."""
    capture = django_capture_on_commit_callbacks
    out = {}
    for town, slug, futan in ((world.beta, "samukawa", 0), (world.alpha, "hayama", 500)):
        connection.set_tenant(town.municipality)
        if slug == "samukawa":
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT setval(pg_get_serial_sequence('fukushi_iryojukyusha', 'id'), 100)"
                )
        _params({"nyuyoji.taisho_nenrei": 18, "nyuyoji.shotoku_seigen": 0,
                 "nyuyoji.ichibu_futan": futan})  # fmt: skip
        _, (head, _wife, child) = tennyu(capture, slug, members=family(), day=date(2020, 4, 1))
        kazei(head.pk, 2024, kyuyo=3_000_000)
        j = jukyushasho_kofu(
            gyomu=NYUYOJI_IRYO, atena_id=child.pk, hogosha_atena_id=head.pk,
            kaishi=date(2025, 8, 1), account=zengin.Account(**ACCOUNT), actor=CLERK,
        )  # fmt: skip
        out[slug] = j.jukyusha_bango
    connection.set_schema_to_public()
    return out


def test_valid_in_the_shinryo_month():
    kaishi, shuryo = date(2025, 8, 15), date(2026, 7, 31)
    assert not yuko_in_month(kaishi, shuryo, date(2025, 7, 1))
    assert yuko_in_month(kaishi, shuryo, date(2025, 8, 1))  # from the 15th: valid in August
    assert yuko_in_month(kaishi, shuryo, date(2026, 7, 1))
    assert not yuko_in_month(kaishi, shuryo, date(2026, 8, 1))
    assert yuko_in_month(date(2025, 1, 1), date(2025, 12, 1), date(2025, 12, 1))


def test_import_check_pay_and_file_in_two_towns(world, towns):
    a_bango, b_bango = towns["hayama"], towns["samukawa"]
    assert a_bango != b_bango  # each town's own numbers (寒川町's from 00000101)
    connection.set_tenant(world.alpha.municipality)
    # a malformed file is refused whole, naming its lines; nothing written
    bad = HEAD + "2025-09,1410000001,,1,10000,2000\n202509,1410000001,森戸,1,100,200\n"
    with pytest.raises(IryoRefused) as exc:
        genbutsu_torikomi(gyomu=NYUYOJI_IRYO, shinsa_kikan="kokuhoren", seikyu_tsuki=OCT,
                          data=bad.encode(), actor=CLERK)  # fmt: skip
    msgs = [m for _, m in exc.value.errors]
    assert msgs[0].startswith("2行目：診療月") and "医療機関名" in msgs[0]
    assert msgs[1] == "3行目：一部負担金相当額（医療費総額以下）が正しくありません。"
    with pytest.raises(IryoRefused, match="1行目は"):
        genbutsu_torikomi(gyomu=NYUYOJI_IRYO, shinsa_kikan="kokuhoren", seikyu_tsuki=OCT,
                          data=b"a,b\n", actor=CLERK)  # fmt: skip
    assert IryoGenbutsu.objects.count() == 0
    g = genbutsu_torikomi(gyomu=NYUYOJI_IRYO, shinsa_kikan="kokuhoren", seikyu_tsuki=OCT,
                          data=_file(a_bango), actor=CLERK)  # fmt: skip
    assert (g.kensu, g.henrei_kensu, g.josei_gokei) == (5, 2, 7_000)
    lines = list(g.meisai.all())
    assert [(m.futan, m.ichibu_futan, m.josei_gaku) for m in lines[:3]] == [
        (2_000, 500, 1_500), (300, 500, 0), (6_000, 500, 5_500)]  # fmt: skip
    assert lines[0].jukyusha == IryoJukyusha.objects.get(jukyusha_bango=a_bango)
    assert [m.henrei_riyu for m in lines[3:]] == [
        "診療月に有効な受給者証ではありません。",
        "受給者番号がこの助成の受給者証にありません。",
    ]
    assert [(k.kikan_code, k.kikan_mei, k.kensu, k.josei) for k in genbutsu_kikan(g)] == [
        ("1410000001", "葉山こどもクリニック", 2, 1_500),
        ("1410000002", "森戸歯科", 1, 5_500),
    ]
    # once a month and 機関; the ひとり親 業務 knows none of the 子ども医療's numbers
    with pytest.raises(IryoRefused, match="取り込み済み"):
        genbutsu_torikomi(gyomu=NYUYOJI_IRYO, shinsa_kikan="kokuhoren", seikyu_tsuki=OCT,
                          data=_file(a_bango), actor=CLERK)  # fmt: skip
    h = genbutsu_torikomi(gyomu=HITORIOYA_IRYO, shinsa_kikan="kokuhoren", seikyu_tsuki=OCT,
                          data=_file(a_bango), actor=CLERK)  # fmt: skip
    assert (h.henrei_kensu, h.josei_gokei) == (5, 0)
    with pytest.raises(IryoRefused, match="支払う助成額はありません"):
        genbutsu_shiharai(genbutsu=h, shiharai_date=date(2025, 10, 20),
                          irainin=zengin.Irainin(**IRAININ), koza=KIKAN, actor=CLERK)  # fmt: skip
    # the payment to the 国保連: one line of 7,000円, read back; paid once
    with pytest.raises(IryoRefused, match="まだ支払っていません"):
        genbutsu_file(g)
    g = genbutsu_shiharai(genbutsu=g, shiharai_date=date(2025, 10, 20),
                          irainin=zengin.Irainin(**IRAININ), koza=KIKAN, actor=CLERK)  # fmt: skip
    # 顧客コード1 = the 請求月 (令和7年10月)
    data = [r for r in zengin.read_sogo_furikomi(genbutsu_file(g)) if r.kind == "data"]
    assert [(r.fields["amount"], r.fields["koza_bango"], str(r.fields["customer1"]).strip())
            for r in data] == [(7_000, "2222222", "0000202510")]  # fmt: skip
    with pytest.raises(IryoRefused, match="支払済み"):
        genbutsu_shiharai(genbutsu=g, shiharai_date=date(2025, 10, 21),
                          irainin=zengin.Irainin(**IRAININ), koza=KIKAN, actor=CLERK)  # fmt: skip
    assert AccessLog.objects.filter(screen="fukushi.iryo_genbutsu").count() == 3
    # 寒川町: 葉山町's numbers are not its 受給者証 (all 返戻); its own child with 0円 負担
    connection.set_tenant(world.beta.municipality)
    assert IryoGenbutsu.objects.count() == 0
    x = genbutsu_torikomi(gyomu=NYUYOJI_IRYO, shinsa_kikan="kokuhoren", seikyu_tsuki=OCT,
                          data=_file(a_bango), actor=CLERK)  # fmt: skip
    assert (x.henrei_kensu, x.josei_gokei) == (5, 0)
    y = genbutsu_torikomi(gyomu=NYUYOJI_IRYO, shinsa_kikan="shiharai_kikin", seikyu_tsuki=OCT,
                          data=_file(b_bango), actor=CLERK)  # fmt: skip
    assert (y.henrei_kensu, y.josei_gokei) == (2, 2_000 + 300 + 6_000)


def test_genbutsu_screens_in_two_towns(world, towns, login):
    """葉山町's clerk imports the file on the screen, sees the list per 医療機関 and the 返戻,
    records the payment and downloads the file; 寒川町 reaches none of it (404) and lists
    nothing; a 閲覧者 may not import (403); a bad file writes nothing."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    base = "/fukushi/kodomo-iryo/genbutsu/"
    clerk = login("hayama-clerk", ALPHA_HOST)
    form = {"shinsa_kikan": "kokuhoren", "seikyu_tsuki": "令和7年10月1日"}
    viewer = login("hayama-viewer", ALPHA_HOST)
    up = SimpleUploadedFile("seikyu.csv", _file(towns["hayama"]))
    assert viewer.post(base, {**form, "file": up}).status_code == 403
    up = SimpleUploadedFile("seikyu.csv", b"x,y\n")
    page = clerk.post(base, {**form, "file": up}, follow=True).content.decode()
    assert "1行目は" in page
    up = SimpleUploadedFile("seikyu.csv", _file(towns["hayama"]))
    r = clerk.post(base, {**form, "file": up}, follow=True)
    page = r.content.decode()
    assert "請求を取り込みました：5件（返戻 2件）、助成額 7,000円" in page
    assert (
        "森戸歯科" in page
        and "5,500円" in page
        and "受給者番号がこの助成の受給者証にありません" in page
    )
    connection.set_tenant(world.alpha.municipality)
    g = IryoGenbutsu.objects.get()
    assert AccessLog.objects.filter(screen="fukushi.kodomo_iryo_genbutsu").count() == 1
    connection.set_schema_to_public()
    other = login("samukawa-clerk", BETA_HOST)
    assert other.get(f"{base}{g.pk}/").status_code == 404
    assert "取り込んだ請求はありません" in other.get(base).content.decode()
    pay = {"shiharai_date": "令和7年10月20日", **IRAININ, "kinyu_kikan": "0002",
           "kikan_shiten": "003", "kikan_shumoku": "1", "kikan_koza": "2222222",
           "kikan_meigi": "ｶﾅｶﾞﾜｹﾝｺｸﾎﾚﾝ"}  # fmt: skip
    assert other.post(f"{base}{g.pk}/shiharai/", pay).status_code == 404
    page = clerk.post(f"{base}{g.pk}/shiharai/", pay, follow=True).content.decode()
    assert "支払を記録しました" in page
    r = clerk.get(f"{base}{g.pk}/furikomi.txt")
    data = [x for x in zengin.read_sogo_furikomi(r.content) if x.kind == "data"]
    assert [x.fields["amount"] for x in data] == [7_000]
    assert other.get(f"{base}{g.pk}/furikomi.txt").status_code == 404
