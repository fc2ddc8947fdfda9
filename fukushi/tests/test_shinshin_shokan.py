"""心身障害者医療 償還 (refund) claims: the receipt (医療機関, 診療年月, 自己負担額), the refund
under each town's rule (葉山町 here: 自己負担 less a 一部負担金 of 1,000円 once per 月 per
医療機関; 寒川町: the whole 自己負担), a 診療年月 outside the 有効期間 refused in Japanese, the
決定 or 却下, the payment run with its 全銀 総合振込 file read back, the history and the access
log; two towns. The town values are test inputs, not any real town's 条例."""

from __future__ import annotations

import pytest

from fukushi.models import ShinshinShiharai, ShinshinShokan, TechoKind
from fukushi.rules.shogai_techo import shinshin_shokan_gaku
from fukushi.services.shinshin import shinshin_kofu
from fukushi.tests.test_shinshin import ACTOR, AUG, HAYAMA, SAMUKAWA, criteria, person, techo
from tenants import zengin
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.params.tenant.services import municipal_parameter_set
from zeimu.tests.factories import kazei

pytestmark = pytest.mark.django_db

BASE = "/fukushi/shinshin-shogaisha-iryo"
IRAININ = {"code": "1234567890", "name_kana": "ﾊﾔﾏﾏﾁ", "bank": "0009", "shiten": "123",
           "yokin_shumoku": "1", "koza_bango": "7654321"}  # fmt: skip
KOZA = {"kinyu_kikan": "0005", "shiten": "001", "yokin_shumoku": "1", "koza_bango": "1234567",
        "meigi_kana": "ｼﾖｳｶﾝ ｲﾁﾛｳ"}  # fmt: skip


def rule(hoshiki: str, futan: int | None = None) -> None:
    municipal_parameter_set(
        key="fukushi.shinshin.shokan_hoshiki", fiscal_year=2025, value_text=hoshiki,
        reason="試験（条例）", actor=ACTOR,
    )  # fmt: skip
    if futan is not None:
        municipal_parameter_set(
            key="fukushi.shinshin.ichibu_futan", fiscal_year=2025, value_text=str(futan),
            reason="試験（条例）", actor=ACTOR,
        )  # fmt: skip


def test_shokan_gaku_rules():
    """The two rules a town may set (町村の条例: no national rule; the figures are ours)."""

    def gaku(jiko: int, hoshiki: str, futan: int = 0, sude_ni: int = 0) -> tuple[int, int]:
        return shinshin_shokan_gaku(
            jiko_futan=jiko, hoshiki=hoshiki, ichibu_futan=futan, sude_ni=sude_ni
        )

    assert gaku(3000, "zengaku") == (0, 3000)  # 全額: the whole 自己負担
    # 一部負担金 1,000円 per 月 per 医療機関: the first receipt bears it, the next only the rest
    assert gaku(3000, "ichibu", 1000) == (1000, 2000)
    assert gaku(600, "ichibu", 1000) == (600, 0)
    assert gaku(2000, "ichibu", 1000, sude_ni=600) == (400, 1600)
    assert gaku(2000, "ichibu", 1000, sude_ni=1000) == (0, 2000)
    with pytest.raises(ValueError):
        gaku(1000, "other")


def test_claim_kettei_payment_file_and_two_towns(alpha, beta, login):
    connection.set_tenant(alpha.municipality)
    criteria(HAYAMA)
    rule("2", 1000)
    a = person("hayama", shimei="償還　一郎")
    techo(a.pk, TechoKind.SHINTAI, "1")
    kazei(a.pk, 2025, sonota=0)
    j = shinshin_kofu(atena_id=a.pk, kaishi=AUG, actor=ACTOR)  # 令和7年8月1日〜令和8年7月31日
    connection.set_tenant(beta.municipality)
    criteria(SAMUKAWA)
    b = person("samukawa", shimei="寒川　償還")
    techo(b.pk, TechoKind.SHINTAI, "3")
    jb = shinshin_kofu(atena_id=b.pk, kaishi=AUG, actor=ACTOR)
    connection.set_schema_to_public()

    c = login("hayama-clerk", alpha.host)  # no grant: nothing
    assert c.post(f"{BASE}/{j.pk}/shokan/", {}).status_code == 404
    assert c.get(f"{BASE}/shiharai/").status_code == 404

    s = login("hayama-shinsa", alpha.host)
    s.post(f"{BASE}/{j.pk}/mokuteki/", {"mokuteki": "償還の受付"})
    claim = {"iryo_kikan": "東京大学医学部附属病院", "jiko_futan": 3000, **KOZA}
    # 診療年月 before the 有効期間: refused in Japanese, nothing saved
    r = s.post(f"{BASE}/{j.pk}/shokan/", {**claim, "shinryo_tsuki": "令和7年7月15日"}, follow=True)
    assert "診療年月が受給者証の有効期間（令和7年8月1日から令和8年7月31日まで）の外です。" in (
        r.content.decode()
    )
    # two receipts of the same 月 and 医療機関: the 一部負担金 is borne once
    s.post(f"{BASE}/{j.pk}/shokan/", {**claim, "shinryo_tsuki": "令和7年9月3日"})
    s.post(f"{BASE}/{j.pk}/shokan/", {**claim, "shinryo_tsuki": "令和7年9月20日"})
    # another 医療機関 the same 月 bears its own 一部負担金
    s.post(
        f"{BASE}/{j.pk}/shokan/",
        {**claim, "iryo_kikan": "県立こども医療センター", "jiko_futan": 800,
         "shinryo_tsuki": "令和7年9月5日"},
    )  # fmt: skip
    connection.set_tenant(alpha.municipality)
    rows = list(j.shokan.order_by("pk").values_list("ichibu_futan", "shikyu_gaku", "jotai"))
    assert rows == [(1000, 2000, "uketsuke"), (0, 3000, "uketsuke"), (800, 0, "uketsuke")]
    c1, c2, c3 = j.shokan.order_by("pk")
    connection.set_schema_to_public()
    html = s.get(f"{BASE}/{j.pk}/").content.decode()
    assert "令和7年9月" in html and "2,000円" in html and "受付" in html

    # nothing to pay before the 決定
    page = s.post(f"{BASE}/shiharai/", {"shiharai_date": "令和7年10月15日", **IRAININ})
    assert "支払う償還（支給決定済）がありません。" in page.content.decode()
    s.post(f"{BASE}/{j.pk}/shokan/{c1.pk}/kettei/", {"kekka": "shikyu"})
    s.post(f"{BASE}/{j.pk}/shokan/{c2.pk}/kettei/", {"kekka": "shikyu"})
    r = s.post(f"{BASE}/{j.pk}/shokan/{c3.pk}/kettei/", {"kekka": "kyakka"}, follow=True)
    assert "却下の理由を入力してください。" in r.content.decode()
    s.post(f"{BASE}/{j.pk}/shokan/{c3.pk}/kettei/", {"kekka": "kyakka", "riyu": "保険診療でない"})
    r = s.post(
        f"{BASE}/{j.pk}/shokan/{c1.pk}/kettei/", {"kekka": "kyakka", "riyu": "x"}, follow=True
    )
    assert "この申請はすでに決定しています。" in r.content.decode()
    r = s.post(f"{BASE}/shiharai/", {"shiharai_date": "令和7年10月15日", **IRAININ})
    assert r.status_code == 302
    connection.set_tenant(alpha.municipality)
    run = ShinshinShiharai.objects.get()
    assert (run.kensu, run.gokei) == (1, 5000)
    assert set(j.shokan.values_list("jotai", flat=True)) == {"shiharai", "kyakka"}
    naiyo = list(j.rireki.values_list("kind", flat=True))
    assert naiyo == ["kofu", "shokan", "shokan", "shokan", "kettei", "kettei", "kettei"]
    connection.set_schema_to_public()
    records = zengin.read_sogo_furikomi(s.get(f"{BASE}/shiharai/{run.pk}/furikomi.txt").content)
    data = [x for x in records if x.kind == "data"]
    assert len(data) == 1 and data[0].fields["amount"] == 5000
    assert records[-2].fields["total"] == 5000
    # a second run finds nothing
    page = s.post(f"{BASE}/shiharai/", {"shiharai_date": "令和7年11月15日", **IRAININ})
    assert "支払う償還（支給決定済）がありません。" in page.content.decode()

    # 寒川町: the whole 自己負担; it sees none of 葉山町's runs or claims
    connection.set_tenant(beta.municipality)
    rule("1")
    connection.set_schema_to_public()
    sb = login("samukawa-shinsa", beta.host)
    sb.post(f"{BASE}/{jb.pk}/mokuteki/", {"mokuteki": "償還の受付"})
    sb.post(f"{BASE}/{jb.pk}/shokan/", {**claim, "shinryo_tsuki": "令和7年9月3日"})
    assert "ﾊﾔﾏ" not in sb.get(f"{BASE}/shiharai/").content.decode()
    assert sb.get(f"{BASE}/shiharai/{run.pk}/furikomi.txt").status_code == 404
    connection.set_tenant(beta.municipality)
    assert list(ShinshinShokan.objects.values_list("shikyu_gaku", flat=True)) == [3000]
    assert not ShinshinShiharai.objects.exists()
    connection.set_tenant(alpha.municipality)
    screens = set(
        AccessLog.objects.filter(username="hayama-shinsa").values_list("screen", flat=True)
    )
    assert {
        "fukushi.shinshin_shokan", "fukushi.shinshin_kettei", "fukushi.shinshin_shiharai",
        "fukushi.shinshin_furikomi",
    } <= screens  # fmt: skip
