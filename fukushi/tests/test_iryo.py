"""子ども医療費助成・ひとり親家庭等医療費助成 in two towns with different 条例 values: the
受給者証 (age range and income limit per town), its PDF read back, 償還 → 審査 → 支払 with
the 全銀 総合振込 file, the 一斉更新 (once), the end on a death (once, also when the event
is delivered again) — each 業務 at its own URL prefix, and 寒川町 reaching none of 葉山町's.

The age rule (「N歳に達する日以後の最初の3月31日」) follows 年齢計算ニ関スル法律 (a person
reaches an age the day before the birthday): a child born on 4月1日 belongs to the school
year before. The amounts are the towns' own (set in the test as 条例 values)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pytest

from fukushi.models import IryoJotai, IryoJukyusha, IryoRireki, IryoShiharai
from fukushi.rules.iryo import nenrei_shuryo, shokan_gaku, yuko_kikan
from fukushi.services.fuyoteate import jukyusha_nintei
from juminkiroku.tests import factories as jk
from juminkiroku.tests.factories import actor_for, family
from tenants import zengin
from tenants.db import connection
from tenants.events.models import Delivery, DeliveryStatus, DomainEvent
from tenants.events.tasks import deliver_event
from tenants.params.tenant.models import MunicipalParameter
from tenants.testing.pdf import pdf_pages
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.tests.factories import kazei

pytestmark = pytest.mark.django_db


def tennyu(capture, town="hayama", *, members, day):
    """住民記録's real 転入, its events delivered (the on-commit callbacks run)."""
    with capture(execute=True):
        return jk.household_tennyu(town, members=members, ido_date=day)


def shibo(capture, atena, *, day, town="hayama"):
    with capture(execute=True):
        return jk.shibo(atena, ido_date=day, town_slug=town)


K = "/fukushi/kodomo-iryo/"
H = "/fukushi/hitorioya-iryo/"
ACCOUNT = {"kinyu_kikan": "0001", "shiten": "001", "yokin_shumoku": "1",
           "koza_bango": "1234567", "meigi_kana": "ﾔﾏﾀﾞ ﾀﾛｳ"}  # fmt: skip
IRAININ = {"code": "1234567890", "name_kana": "ﾊﾔﾏﾏﾁ", "bank": "0009", "shiten": "123",
           "yokin_shumoku": "1", "koza_bango": "7654321"}  # fmt: skip


def test_age_end_and_certificate_year():
    assert nenrei_shuryo(date(2010, 4, 2), 15) == date(2026, 3, 31)  # 中学校卒業
    assert nenrei_shuryo(date(2010, 4, 1), 15) == date(2025, 3, 31)  # 早生まれ
    assert nenrei_shuryo(date(2010, 4, 1), 18) == date(2028, 3, 31)
    assert yuko_kikan(date(2025, 8, 1), 8, None) == (date(2025, 8, 1), date(2026, 7, 31))
    assert yuko_kikan(date(2025, 10, 5), 8, date(2026, 3, 31)) == (
        date(2025, 10, 5),
        date(2026, 3, 31),
    )
    assert yuko_kikan(date(2025, 5, 1), 8, None)[1] == date(2025, 7, 31)
    assert shokan_gaku(3000, 500) == 2500 and shokan_gaku(300, 500) == 0


def _params(values: Mapping[str, object]) -> None:
    for key, value in values.items():
        MunicipalParameter.objects.create(
            key=f"fukushi.iryo.{key}", fiscal_year_from=2020, value=value,
            source="テスト条例", created_by="test",
        )  # fmt: skip


@pytest.fixture
def towns(world, django_capture_on_commit_callbacks):
    """葉山町: 18歳年度末, 所得制限なし, 一部負担 500円; ひとり親は児童扶養手当の受給者に限る.
    寒川町: 中学校卒業まで, 所得制限 1,000,000円. Each has the 山田 family (一郎 born
    2010-04-01)."""
    capture = django_capture_on_commit_callbacks
    out = {}
    for town, slug, params in (
        (world.beta, "samukawa", {"nyuyoji.taisho_nenrei": 15,
                                  "nyuyoji.shotoku_seigen": 1_000_000}),
        (world.alpha, "hayama", {"nyuyoji.taisho_nenrei": 18, "nyuyoji.shotoku_seigen": 0,
                                 "nyuyoji.ichibu_futan": 500,
                                 "hitorioya.shotoku_seigen": "fuyoteate"}),
    ):  # fmt: skip
        connection.set_tenant(town.municipality)
        _params(params)
        _, (head, wife, child) = tennyu(capture, slug, members=family(), day=date(2020, 4, 1))
        kazei(head.pk, 2024, kyuyo=3_000_000)
        out[slug] = {"head": head, "wife": wife, "child": child}
    connection.set_schema_to_public()
    return out


def _kofu(client, prefix, who, hogosha, kaishi="令和7年8月1日"):
    return client.post(
        prefix + "kofu/",
        {"atena_no": who.atena_no, "hogosha_atena_no": hogosha.atena_no, "kaishi": kaishi,
         **ACCOUNT},
    )  # fmt: skip


def test_kodomo_iryo_certificate_claim_payment_and_renewal(world, login, towns):
    child, head = towns["hayama"]["child"], towns["hayama"]["head"]
    clerk = login("hayama-clerk", ALPHA_HOST)
    r = _kofu(clerk, K, child, head)
    assert r.status_code == 302, r.content.decode()
    connection.set_tenant(world.alpha.municipality)
    j = IryoJukyusha.objects.get(atena_id=child.pk)
    connection.set_schema_to_public()
    assert (j.gyomu, j.yuko_kaishi, j.yuko_shuryo) == (
        "nyuyoji_iryo",
        date(2025, 8, 1),
        date(2026, 7, 31),
    )
    assert "山田　一郎" in clerk.get(K).content.decode()
    # the 受給者証, read back
    pdf = clerk.get(f"{K}{j.pk}/jukyushasho.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "".join(pdf_pages(pdf.content))
    assert "子ども医療費助成受給者証" in text and "山田一郎" in text
    assert "令和7年8月1日から令和8年7月31日まで" in text and "1件500円" in text
    assert "葉山町長" in text
    # 償還: 3,000円 paid at the counter − the town's 500円 → 2,500円; 審査; 支払
    r = clerk.post(
        f"{K}{j.pk}/shokan/",
        {"shinryo_tsuki": "令和7年9月1日", "iryo_kikan": "横浜市立病院", "jiko_futan": 3000},
    )
    page = clerk.get(f"{K}{j.pk}/").content.decode()
    assert "2,500円" in page and "受付" in page
    connection.set_tenant(world.alpha.municipality)
    claim = j.shokan.get()
    connection.set_schema_to_public()
    # nothing to pay before the 審査
    page = clerk.post(K + "shiharai/", {"shiharai_date": "令和7年10月15日", **IRAININ}).content
    assert "支払う償還（審査済）がありません" in page.decode()
    clerk.post(f"{K}{j.pk}/shokan/{claim.pk}/shinsa/", {"kekka": "shonin"})
    r = clerk.post(K + "shiharai/", {"shiharai_date": "令和7年10月15日", **IRAININ})
    assert r.status_code == 302
    connection.set_tenant(world.alpha.municipality)
    run = IryoShiharai.objects.get()
    assert (run.gyomu, run.kensu, run.gokei) == ("nyuyoji_iryo", 1, 2_500)
    connection.set_schema_to_public()
    records = zengin.read_sogo_furikomi(clerk.get(f"{K}shiharai/{run.pk}/furikomi.txt").content)
    assert records[1].fields["amount"] == 2_500 and records[2].fields["total"] == 2_500
    # 一斉更新 of 2026: checked again (18歳年度末 is 2028-03-31) and extended one year, once
    clerk.post(K + "koshin/", {"nen": 2026})
    clerk.post(K + "koshin/", {"nen": 2026})
    connection.set_tenant(world.alpha.municipality)
    j.refresh_from_db()
    assert j.yuko_shuryo == date(2027, 7, 31)
    assert IryoRireki.objects.filter(jukyusha=j, kind="koshin").count() == 1
    connection.set_schema_to_public()
    # the other 業務's prefix does not open this 受給者
    assert clerk.get(f"{H}{j.pk}/").status_code == 404
    # 寒川町: its own age range refuses the same child (中学校卒業 = 2025-03-31)
    other = login("samukawa-clerk", BETA_HOST)
    sam = towns["samukawa"]
    page = _kofu(other, K, sam["child"], sam["head"]).content.decode()
    assert "対象年齢（15歳に達した後の3月31日まで）を過ぎています" in page
    # … and, from 令和6年8月 (still in age), its income limit: 合計所得 3,000,000円 of 令和6年度
    page = _kofu(other, K, sam["child"], sam["head"], kaishi="令和6年8月1日").content.decode()
    assert "保護者の合計所得金額 3,000,000円が所得制限 1,000,000円を超えています" in page
    # and sees nothing of 葉山町's
    assert "山田　一郎" not in other.get(K).content.decode()
    assert other.get(f"{K}{j.pk}/").status_code == 404
    assert other.get(f"{K}shiharai/{run.pk}/furikomi.txt").status_code == 404
    assert other.get(f"{K}{j.pk}/jukyushasho.pdf").status_code == 404


def test_hitorioya_iryo_needs_fuyoteate_in_that_town(world, login, towns):
    wife, child = towns["hayama"]["wife"], towns["hayama"]["child"]
    clerk = login("hayama-clerk", ALPHA_HOST)
    page = _kofu(clerk, H, wife, wife).content.decode()
    assert "児童扶養手当の受給者ではありません" in page
    connection.set_tenant(world.alpha.municipality)
    jukyusha_nintei(
        atena_id=wife.pk, seikyu_date=date(2025, 6, 1), jido_su=1, fuyo_shinzoku=1,
        account=zengin.Account("0001", "001", "1", "1234567", "ﾔﾏﾀﾞ ﾊﾅｺ"),
        actor=actor_for("hayama-clerk"),
    )  # fmt: skip
    connection.set_schema_to_public()
    assert _kofu(clerk, H, wife, wife).status_code == 302
    assert _kofu(clerk, H, child, wife).status_code == 302
    connection.set_tenant(world.alpha.municipality)
    rows = IryoJukyusha.objects.filter(gyomu="hitorioya_iryo")
    assert rows.count() == 2
    connection.set_schema_to_public()
    listing = clerk.get(H).content.decode()
    assert "山田　花子" in listing and "山田　一郎" in listing
    assert "山田　一郎" not in clerk.get(K).content.decode()  # the other 業務's list
    # 寒川町 has not set its ひとり親 所得制限: it says so, and issues nothing
    other = login("samukawa-clerk", BETA_HOST)
    sam = towns["samukawa"]
    page = _kofu(other, H, sam["wife"], sam["wife"]).content.decode()
    assert "「ひとり親家庭等医療費助成の所得制限" in page and "設定されていません" in page
    assert "fukushi.iryo" not in page  # the value's name in words, not its key
    connection.set_tenant(world.beta.municipality)
    assert not IryoJukyusha.objects.exists()
    connection.set_schema_to_public()


def test_death_ends_the_certificate_on_that_day_once(
    world, towns, django_capture_on_commit_callbacks
):
    from fukushi.services.iryo import jukyushasho_kofu

    child, head = towns["hayama"]["child"], towns["hayama"]["head"]
    connection.set_tenant(world.alpha.municipality)
    j = jukyushasho_kofu(
        gyomu="nyuyoji_iryo", atena_id=child.pk, hogosha_atena_id=head.pk,
        kaishi=date(2025, 8, 1), account=zengin.Account("0001", "001", "1", "1234567", "ﾔﾏﾀﾞ"),
        actor=actor_for("hayama-clerk"),
    )  # fmt: skip
    ido = shibo(django_capture_on_commit_callbacks, child, day=date(2025, 11, 3))
    j.refresh_from_db()
    assert (j.jotai, j.shikkaku_jiyu, j.yuko_shuryo) == (
        IryoJotai.SHIKKAKU,
        "shibo",
        date(2025, 11, 3),
    )
    sub = "fukushi.subscribers.iryo.iryo_on_shibo"
    event = DomainEvent.objects.get(name="juminkiroku.shibo", payload__ido_id=ido.pk)
    delivery = Delivery.objects.get(event=event, subscriber=sub)
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.PENDING)
    deliver_event.apply(args=[event.pk, sub])
    assert IryoRireki.objects.filter(jukyusha=j, kind="shikkaku").count() == 1
    connection.set_tenant(world.beta.municipality)
    assert not IryoJukyusha.objects.exists()
    connection.set_schema_to_public()
