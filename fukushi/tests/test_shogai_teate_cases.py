"""特別障害者手当・障害児福祉手当・特別児童扶養手当 cases (issue 21 item 1): 認定請求 → 認定 or
却下, the 所得制限 with the 所得 of the 受給資格者, 配偶者 and 扶養義務者 from zeimu's public face
at its published boundaries, the payment run (支払月, 全銀 file, run twice pays nothing twice),
the 資格喪失 from the registry's events exactly once, the screens behind the grant with the
purpose logged, the 通知書 PDF read back, and two towns on every path.

Published figures used:
- 特別児童扶養手当 本人 limit (扶養0人) 4,596,000円, 配偶者・扶養義務者 6,287,000円, stopped at
  the limit 「以上」: 別海町 https://betsukai.jp/kurashi/birth/teate_1/about_tokujifu/ ;
  堺市 (SAKAI below: 「4,596,000円未満」 paid; 社会保険料控除 8万円 for 特別児童扶養手当's
  本人 and for 配偶者・扶養義務者).
- 特別障害者手当 本人 limit (扶養0人) 3,604,000円, paid at the limit 「以下」: 堺市 (above).
- 月額 令和7年度 特別障害者手当 29,590円 (水戸市
  https://www.city.mito.lg.jp/site/syogai-teate/5083.html ,
  which also gives the 支払月 2月(11〜1月分)・5月・8月・11月), 特別児童扶養手当 2級 37,830円
  (滝川市 https://www.city.takikawa.lg.jp/page/2026.html : 4月(12〜3月分)・8月(4〜7月分)・
  11月(8〜11月分)).
"""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.models import (
    ShogaiTeate,
    ShogaiTeateJotai,
    ShogaiTeateRireki,
    ShogaiTeateShiharai,
    ShogaiTeateShiharaiTsuki,
    ShogaiTeateShotoku,
)
from fukushi.services.shogai_teate import (
    SeikyuInput,
    TeateRefused,
    shiharai_file,
    shiharai_run,
    teate_hantei_of,
    teate_kyakka,
    teate_nintei,
    teate_seikyu,
    teate_soshitsu,
)
from juminkiroku.tests.factories import family, household_tennyu, person_fields
from tenants import zengin
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.testing.pdf import pdf_pages
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.tests.factories import kazei, kazei_set

pytestmark = pytest.mark.django_db

SAKAI = (
    "https://www.city.sakai.lg.jp/kenko/fukushikaigo/shogaifukushi/shiori/shiori/syotokugendo.html"
)
ACTOR = Actor(user_id=None, username="test-shogai-teate")
ACCOUNT = zengin.Account("0001", "001", "1", "1234567", "ﾔﾏﾀﾞ ﾊﾅｺ")
IRAININ = zengin.Irainin("1234567890", "ﾊﾔﾏﾏﾁ", "0009", "123", "1", "7654321")
BASE = "/fukushi/shogaisha-fukushi/teate"


def adult(town: str, shimei: str = "重度　一郎", birth: str = "1970-06-01"):
    _, (a,) = household_tennyu(
        town, members=[person_fields(shimei=shimei, birth_date=birth)], ido_date=date(2020, 4, 1)
    )
    return a


def fam(town: str, surname: str = "山田"):
    _, (taro, hanako, ichiro) = household_tennyu(
        town, members=family(surname), ido_date=date(2020, 4, 1)
    )
    return taro, hanako, ichiro


def tokusho(atena_id: int, seikyu: date = date(2025, 4, 10), **kw) -> ShogaiTeate:
    t = teate_seikyu(
        SeikyuInput(
            teate="tokubetsu_shogaisha", atena_id=atena_id, taisho_atena_id=atena_id,
            seikyu_date=seikyu, account=ACCOUNT, **kw,
        ),
        actor=ACTOR,
    )  # fmt: skip
    return teate_nintei(
        pk=t.pk, kettei_date=seikyu, shogai_teido="別表第2 第1号と第3号の重複",
        shindansho_date=seikyu, sainintei_date=date(2027, 4, 1), actor=ACTOR,
    )  # fmt: skip


def tokujifu(parent: int, child: int, seikyu: date = date(2025, 6, 15), **kw) -> ShogaiTeate:
    t = teate_seikyu(
        SeikyuInput(
            teate="tokubetsu_jido_fuyo", atena_id=parent, taisho_atena_id=child,
            seikyu_date=seikyu, account=ACCOUNT, **kw,
        ),
        actor=ACTOR,
    )  # fmt: skip
    return teate_nintei(
        pk=t.pk, kettei_date=seikyu, shogai_teido="知的障害（中度）", shindansho_date=seikyu,
        sainintei_date=None, kyu="2", actor=ACTOR,
    )  # fmt: skip


# --- 請求・認定・却下・喪失 -------------------------------------------------------------------


def test_seikyu_nintei_kyakka_soshitsu_with_history_and_japanese_refusals(in_alpha):
    a = adult("hayama")
    _taro, hanako, ichiro = fam("hayama")
    before = ShogaiTeate.objects.count()
    bad = [
        # a child cannot claim 特別障害者手当; an adult not 障害児福祉手当
        (SeikyuInput("tokubetsu_shogaisha", ichiro.pk, ichiro.pk, date(2025, 4, 1), ACCOUNT),
         "20歳未満の方は特別障害者手当の対象ではありません。"),
        (SeikyuInput("shogaiji_fukushi", a.pk, a.pk, date(2025, 4, 1), ACCOUNT),
         "20歳以上の方は障害児福祉手当の対象ではありません。"),
        # 特別児童扶養手当 is claimed by the parent for the child
        (SeikyuInput("tokubetsu_jido_fuyo", ichiro.pk, ichiro.pk, date(2025, 4, 1), ACCOUNT),
         "特別児童扶養手当は、児童の父母・養育者が請求します。"),
        (SeikyuInput("tokubetsu_shogaisha", a.pk, a.pk, date(2025, 4, 1),
                     zengin.Account("0001", "001", "1", "1234567", "やまだ")),
         None),
        (SeikyuInput("tokubetsu_shogaisha", a.pk, a.pk, date(2025, 4, 1), ACCOUNT,
                     fuyo_su=1, rojin_su=2),
         "老人・特定扶養親族等の数が扶養親族等の数を超えています。"),
    ]  # fmt: skip
    for data, message in bad:
        with pytest.raises(TeateRefused) as exc:
            teate_seikyu(data, actor=ACTOR)
        if message:
            assert message in [m for _, m in exc.value.errors]
        assert all(m for _, m in exc.value.errors)  # every refusal says why, in words
    assert ShogaiTeate.objects.count() == before  # nothing written

    t = teate_seikyu(
        SeikyuInput("tokubetsu_shogaisha", a.pk, a.pk, date(2025, 4, 10), ACCOUNT), actor=ACTOR
    )
    assert t.jotai == ShogaiTeateJotai.SEIKYU and t.shikyu_kaishi is None
    with pytest.raises(TeateRefused) as exc:
        teate_seikyu(
            SeikyuInput("tokubetsu_shogaisha", a.pk, a.pk, date(2025, 4, 11), ACCOUNT), actor=ACTOR
        )
    assert exc.value.errors == [
        ("teate", "この方の特別障害者手当は、すでに請求中か認定されています。")
    ]
    with pytest.raises(TeateRefused) as exc:
        teate_nintei(
            pk=t.pk, kettei_date=date(2025, 4, 1), shogai_teido="",
            shindansho_date=date(2025, 5, 1), sainintei_date=None, actor=ACTOR,
        )  # fmt: skip
    assert [f for f, _ in exc.value.errors] == ["kettei_date", "shogai_teido", "shindansho_date"]
    t.refresh_from_db()
    assert t.jotai == ShogaiTeateJotai.SEIKYU
    t = teate_nintei(
        pk=t.pk, kettei_date=date(2025, 5, 20), shogai_teido="別表第2 第1号と第3号の重複",
        shindansho_date=date(2025, 4, 1), sainintei_date=date(2027, 4, 1), actor=ACTOR,
    )  # fmt: skip
    # 支給 from the month after the 認定請求 (法第5条の2第1項の準用), not after the 認定
    assert (t.jotai, t.shikyu_kaishi, t.shosho_bango) == (
        ShogaiTeateJotai.NINTEI, date(2025, 5, 1), f"{t.pk:08d}",
    )  # fmt: skip
    # 3月を超える入院 is a 特別障害者手当 reason; 支給 ends with the month of the 事由
    teate_soshitsu(pk=t.pk, jiyu="nyuin", day=date(2025, 10, 3), riyu="", actor=ACTOR)
    t.refresh_from_db()
    assert (t.jotai, t.shikkaku_jiyu, t.shikyu_shuryo) == (
        ShogaiTeateJotai.SHIKKAKU, "nyuin", date(2025, 10, 1),
    )  # fmt: skip
    # 特別児童扶養手当: no 入院 reason; a 却下 needs its reason
    c = teate_seikyu(
        SeikyuInput("tokubetsu_jido_fuyo", hanako.pk, ichiro.pk, date(2025, 6, 1), ACCOUNT),
        actor=ACTOR,
    )
    with pytest.raises(TeateRefused) as exc:
        teate_kyakka(pk=c.pk, kettei_date=date(2025, 7, 1), riyu=" ", actor=ACTOR)
    assert exc.value.errors == [("riyu", "却下の理由を入力してください。")]
    teate_kyakka(
        pk=c.pk, kettei_date=date(2025, 7, 1), riyu="障害の程度が2級に該当しない", actor=ACTOR
    )
    with pytest.raises(TeateRefused) as exc:
        teate_nintei(
            pk=c.pk, kettei_date=date(2025, 7, 2), shogai_teido="x",
            shindansho_date=date(2025, 7, 1), sainintei_date=None, kyu="2", actor=ACTOR,
        )  # fmt: skip
    assert exc.value.errors == [("", "この手当は却下のため、この処理はできません。")]
    kinds = [r.kind for r in ShogaiTeateRireki.objects.filter(teate=t)]
    assert kinds == ["seikyu", "nintei", "soshitsu"]
    assert all(
        r.created_by == "test-shogai-teate" for r in ShogaiTeateRireki.objects.filter(teate=t)
    )
    assert [r.kind for r in c.rireki.all()] == ["seikyu", "kyakka"]


# --- 所得制限: the published boundaries, through zeimu's public face ---------------------------


def test_income_limit_boundaries_with_published_figures(in_alpha):
    """特別児童扶養手当: 本人 (扶養0人) 4,596,000円 and 配偶者 6,287,000円 stop at the limit,
    after the 社会保険料相当額 8万円 (別海町・堺市). 特別障害者手当: 本人 3,604,000円 is paid at
    the limit and stopped one yen above (堺市「以下」); its 社会保険料 is the real amount
    entered by the clerk (here 0), not 8万円."""
    taro, hanako, ichiro = fam("hayama")
    t = tokujifu(hanako.pk, ichiro.pk)
    sept = date(2025, 9, 1)  # 所得制限年度 2025 (令和7年8月〜): 住民税 2025年度 (令和6年の所得)
    kazei(taro.pk, 2025, kyuyo=6_287_000 + 80_000 - 1)
    kazei(hanako.pk, 2025, kyuyo=4_596_000 + 80_000 - 1)
    ichiro_income = kazei(ichiro.pk, 2025, kyuyo=0)  # the 対象児童 is not a 扶養義務者
    assert ichiro_income.atena_id == ichiro.pk
    h = teate_hantei_of(t, sept)
    assert h.result.kekka == "支給" and h.result.getsugaku == 37_830
    assert [(g.dare, g.shotoku, g.gendogaku) for g in h.result.hikaku] == [
        ("本人", 4_595_999, 4_596_000),
        ("配偶者", 6_286_999, 6_287_000),
    ]
    assert h.labels == ("同居の配偶者",)
    kazei_set(hanako.pk, 2025, kyuyo=4_596_000 + 80_000)
    h = teate_hantei_of(t, sept)
    assert h.result.kekka == "支給停止"
    assert h.result.riyu == ("本人の所得4,596,000円が所得制限限度額4,596,000円以上のため",)
    kazei_set(hanako.pk, 2025, kyuyo=1_000_000)
    kazei_set(taro.pk, 2025, kyuyo=6_287_000 + 80_000)
    h = teate_hantei_of(t, sept)
    assert h.result.riyu == ("配偶者の所得6,287,000円が所得制限限度額6,287,000円以上のため",)

    a = adult("hayama")
    s = tokusho(a.pk)
    july = date(2025, 7, 1)  # 所得制限年度 2024: 住民税 2024年度
    kazei(a.pk, 2024, kyuyo=3_604_000)
    h = teate_hantei_of(s, july)
    assert (h.result.kekka, h.result.getsugaku) == ("支給", 29_590)
    assert h.result.hikaku[0].gendogaku == 3_604_000
    kazei_set(a.pk, 2024, kyuyo=3_604_001)
    h = teate_hantei_of(s, july)
    assert h.result.riyu == ("本人の所得3,604,001円が所得制限限度額3,604,000円を超えるため",)
    # no assessment of the year: refused in words, not judged as 0円
    with pytest.raises(TeateRefused) as exc:
        teate_hantei_of(s, date(2026, 8, 1))
    assert "2026年度の住民税の資料" in str(exc.value)


# --- 支払 ---------------------------------------------------------------------------------------


def test_payment_run_months_idempotent_file_and_two_towns(alpha, beta):
    connection.set_tenant(beta.municipality)
    b = adult("samukawa", shimei="寒川　三郎")
    kazei(b.pk, 2024, kyuyo=1_000_000)
    tokusho(b.pk, seikyu=date(2025, 3, 5))  # from April
    connection.set_tenant(alpha.municipality)
    a = adult("hayama")
    taro, hanako, ichiro = fam("hayama")
    for fy in (2024, 2025):
        kazei(a.pk, fy, kyuyo=2_000_000)
        kazei(hanako.pk, fy, kyuyo=1_000_000)
        kazei(taro.pk, fy, kyuyo=3_000_000)
    s = tokusho(a.pk, seikyu=date(2025, 4, 10))  # from May
    t = tokujifu(hanako.pk, ichiro.pk, seikyu=date(2025, 6, 15))  # from July, 2級
    with pytest.raises(TeateRefused) as exc:
        shiharai_run(shiharai_tsuki=date(2025, 9, 1), shiharai_date=date(2025, 9, 11),
                     irainin=IRAININ, actor=ACTOR)  # fmt: skip
    assert exc.value.errors == [("shiharai_tsuki", "支払月は2・4・5・8・11月のいずれかです。")]
    out = shiharai_run(
        shiharai_tsuki=date(2025, 8, 1), shiharai_date=date(2025, 8, 11), irainin=IRAININ,
        actor=ACTOR,
    )  # fmt: skip
    run = out.shiharai
    # 8月: 特別障害者手当 5〜7月分 (29,590 × 3); 特別児童扶養手当 4〜7月分 of which 7月分 only
    rows_paid = ShogaiTeateShiharaiTsuki.objects.filter(shiharai=run)
    paid = sorted(rows_paid.values_list("teate_id", "tsuki", "gaku"))
    assert paid == sorted([
        (s.pk, date(2025, 5, 1), 29_590), (s.pk, date(2025, 6, 1), 29_590),
        (s.pk, date(2025, 7, 1), 29_590), (t.pk, date(2025, 7, 1), 37_830),
    ])  # fmt: skip
    assert (run.kensu, run.gokei) == (2, 29_590 * 3 + 37_830)
    # the 所得制限 of the year (令和6年8月〜) recorded with its figures
    rec = ShogaiTeateShotoku.objects.get(teate=s, nen=2024)
    assert rec.kekka == "支給" and rec.hikaku[0]["shotoku"] == 2_000_000
    # run twice: refused, nothing more written
    rows = ShogaiTeateShiharaiTsuki.objects.count()
    with pytest.raises(TeateRefused) as exc:
        shiharai_run(shiharai_tsuki=date(2025, 8, 1), shiharai_date=date(2025, 8, 12),
                     irainin=IRAININ, actor=ACTOR)  # fmt: skip
    assert exc.value.errors == [("shiharai_tsuki", "この支払月の支払はすでに作成しています。")]
    assert ShogaiTeateShiharaiTsuki.objects.count() == rows
    assert ShogaiTeateShiharai.objects.count() == 1
    # 11月: 特別障害者手当 8〜10月分, 特別児童扶養手当 8〜11月分 (11月分まで), none paid twice
    nov = shiharai_run(
        shiharai_tsuki=date(2025, 11, 1), shiharai_date=date(2025, 11, 11), irainin=IRAININ,
        actor=ACTOR,
    ).shiharai  # fmt: skip
    assert (nov.kensu, nov.gokei) == (2, 29_590 * 3 + 37_830 * 4)
    assert ShogaiTeateShotoku.objects.get(teate=s, nen=2025).kekka == "支給"
    # the 全銀 file, read back: one line per case, months summed, 顧客コード = 証書番号
    records = zengin.read_sogo_furikomi(shiharai_file(run))
    assert [r.kind for r in records] == ["header", "data", "data", "trailer", "end"]
    assert sorted(r.fields["amount"] for r in records if r.kind == "data") == [37_830, 88_770]
    assert records[3].fields["total"] == 126_600 and records[3].fields["count"] == 2
    # 寒川町's run pays its own case only (4〜7月 not in its 8月 window: 5〜7月分)
    connection.set_tenant(beta.municipality)
    brun = shiharai_run(
        shiharai_tsuki=date(2025, 8, 1), shiharai_date=date(2025, 8, 11), irainin=IRAININ,
        actor=ACTOR,
    ).shiharai  # fmt: skip
    # 遡及: 4月分 (the first month, before the 8月 window) is paid too
    assert (brun.kensu, brun.gokei) == (1, 29_590 * 4)
    assert not ShogaiTeateShiharaiTsuki.objects.filter(shiharai=brun, teate__atena_id=a.pk).exists()
    connection.set_tenant(alpha.municipality)
    assert ShogaiTeateShiharai.objects.count() == 2
    connection.set_schema_to_public()


# --- events -------------------------------------------------------------------------------------


def _redeliver(name: str, ido_id: int, subscriber: str) -> None:
    from tenants.events.models import Delivery, DeliveryStatus, DomainEvent
    from tenants.events.tasks import deliver_event

    event = DomainEvent.objects.get(name=name, payload__ido_id=ido_id)
    delivery = Delivery.objects.get(event=event, subscriber=subscriber)
    assert delivery.status == DeliveryStatus.DONE
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.PENDING)
    deliver_event.apply(args=[event.pk, subscriber])
    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.DONE


def test_death_and_tenshutsu_end_the_case_exactly_once(
    alpha, beta, django_capture_on_commit_callbacks
):
    from juminkiroku.tests.factories import shibo, tenshutsu

    connection.set_tenant(beta.municipality)
    other = adult("samukawa", shimei="寒川　四郎")
    other_t = tokusho(other.pk)
    connection.set_tenant(alpha.municipality)
    a = adult("hayama", shimei="死亡　一")
    s = tokusho(a.pk)
    _taro, hanako, ichiro = fam("hayama")
    t = tokujifu(hanako.pk, ichiro.pk)
    with django_capture_on_commit_callbacks(execute=True):
        ido = shibo(a, ido_date=date(2025, 9, 20))
    # the child's 転出 ends the parent's 特別児童扶養手当
    with django_capture_on_commit_callbacks(execute=True):
        ido2 = tenshutsu(ichiro, ido_date=date(2025, 10, 5), todoke_date=date(2025, 10, 1))
    s.refresh_from_db()
    t.refresh_from_db()
    assert (s.jotai, s.shikkaku_jiyu, s.shikyu_shuryo) == (
        ShogaiTeateJotai.SHIKKAKU, "shibo", date(2025, 9, 1),
    )  # fmt: skip
    assert (t.jotai, t.shikkaku_jiyu, t.shikyu_shuryo) == (
        ShogaiTeateJotai.SHIKKAKU, "tenshutsu", date(2025, 10, 1),
    )  # fmt: skip
    assert s.rireki.get(ido_id=ido.pk).kind == "soshitsu"
    assert "対象の児童の転出" in t.rireki.get(ido_id=ido2.pk).naiyo
    _redeliver("juminkiroku.shibo", ido.pk, "fukushi.subscribers.shogai.shogai_teate_on_shibo")
    _redeliver(
        "juminkiroku.tenshutsu_kakutei",
        ido2.pk,
        "fukushi.subscribers.shogai.shogai_teate_on_tenshutsu",
    )
    assert s.rireki.count() == 3 and t.rireki.count() == 3  # 請求, 認定, 喪失: nothing more
    s.refresh_from_db()
    assert s.shikyu_shuryo == date(2025, 9, 1)
    assert (
        AccessLog.objects.filter(
            record_type="fukushi.ShogaiTeate", screen="fukushi.shogai_teate_renkei"
        )
        .filter(record_id__in=[str(s.pk), str(t.pk)])
        .count()
        == 2
    )
    connection.set_tenant(beta.municipality)
    other_t.refresh_from_db()
    assert other_t.jotai == ShogaiTeateJotai.NINTEI and other_t.rireki.count() == 2
    connection.set_schema_to_public()


# --- screens: the wall, the purpose, the PDF, two towns ----------------------------------------


def test_screens_wall_purpose_pdf_and_two_towns(alpha, beta, login):
    connection.set_tenant(alpha.municipality)
    _taro, hanako, ichiro = fam("hayama", surname="画面")
    connection.set_schema_to_public()
    c = login("hayama-shinsa", ALPHA_HOST)
    form = {
        "teate": "tokubetsu_jido_fuyo", "atena_no": hanako.atena_no, "taisho_no": ichiro.atena_no,
        "seikyu_date": "令和7年6月15日", "fuyo_su": "1", "rojin_su": "0", "tokutei_su": "0",
        "kojo_gaku": "0", "kinyu_kikan": "0001", "shiten": "001", "yokin_shumoku": "1",
        "koza_bango": "1234567", "meigi_kana": "ｶﾞﾒﾝ ﾊﾅｺ",
    }  # fmt: skip
    r = c.post(f"{BASE}/seikyu/", {**form, "taisho_no": ""})
    assert r.status_code == 200
    assert "特別児童扶養手当では対象の児童の宛名番号を入力してください。" in r.content.decode()
    r = c.post(f"{BASE}/seikyu/", form)
    assert r.status_code == 302, r.content.decode()
    connection.set_tenant(alpha.municipality)
    t = ShogaiTeate.objects.get(atena_id=hanako.pk)
    connection.set_schema_to_public()
    r = c.post(
        f"{BASE}/{t.pk}/nintei/",
        {"kettei_date": "令和7年7月20日", "shogai_teido": "知的障害（中度）",
         "shindansho_date": "令和7年6月1日", "kyu": "2"},
    )  # fmt: skip
    assert r.status_code == 302
    html = c.get(f"{BASE}/{t.pk}/").content.decode()
    assert "画面　花子" in html and "画面　一郎" in html and "令和7年7月分から" in html
    assert "知的障害（中度）（2級）" in html and 'target="_blank"' in html
    pdf = c.get(f"{BASE}/{t.pk}/tsuchi.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    (page,) = pdf_pages(pdf.content)
    assert "特別児童扶養手当認定通知書" in page and "画面花子様" in page
    assert "令和7年7月分から" in page and "37,830円" in page and "2級" in page
    assert f"{t.pk:08d}" in page and "審査請求" in page
    # a purpose is asked before a case opens (the purpose kept in the session has lapsed)
    session = c.session
    session.pop("fukushi_shogai_teate_mokuteki", None)
    session.save()
    r = c.get(f"{BASE}/{t.pk}/")
    assert r.status_code == 302 and r["Location"].endswith(f"/{t.pk}/mokuteki/")
    c.post(f"{BASE}/{t.pk}/mokuteki/", {"mokuteki": "窓口の照会"})
    assert c.get(f"{BASE}/{t.pk}/").status_code == 200
    r = c.post(f"{BASE}/", {"mokuteki": "一覧の確認", "atena_no": ichiro.atena_no})
    assert [x["pk"] for x in r.context_data["results"]] == [t.pk]
    connection.set_tenant(alpha.municipality)
    rows = AccessLog.objects.filter(
        record_type="fukushi.ShogaiTeate", username="hayama-shinsa", record_id=str(t.pk)
    )
    got = {(row.screen, row.action, row.purpose) for row in rows}
    assert {
        ("fukushi.shogai_teate_detail", "read", "認定請求の受付"),
        ("fukushi.shogai_teate_pdf", "print", "認定請求の受付"),
        ("fukushi.shogai_teate_detail", "read", "窓口の照会"),
        ("fukushi.shogai_teate", "create", ""),
        ("fukushi.shogai_teate", "update", ""),
    } <= got
    assert AccessLog.objects.filter(
        screen="fukushi.shogai_teate_search", username="hayama-shinsa", purpose="一覧の確認"
    ).exists()
    connection.set_schema_to_public()
    # 却下: its 通知書 names the reason
    connection.set_tenant(alpha.municipality)
    x = adult("hayama", shimei="却下　五郎")
    k = teate_seikyu(
        SeikyuInput("tokubetsu_shogaisha", x.pk, x.pk, date(2025, 6, 1), ACCOUNT), actor=ACTOR
    )
    connection.set_schema_to_public()
    c.post(f"{BASE}/{k.pk}/mokuteki/", {"mokuteki": "審査"})
    r = c.post(
        f"{BASE}/{k.pk}/kyakka/", {"kyakka_date": "令和7年7月1日", "riyu": "別表第2に該当しない"}
    )
    assert r.status_code == 302
    (page,) = pdf_pages(c.get(f"{BASE}/{k.pk}/tsuchi.pdf").content)
    assert "特別障害者手当認定請求却下通知書" in page and "別表第2に該当しない" in page
    # a clerk without the grant learns nothing: 404 whether the case exists or not
    missing = t.pk + 1000
    for who in ("hayama-clerk", "hayama-viewer"):
        o = login(who, ALPHA_HOST)
        for url in (f"{t.pk}/", f"{t.pk}/mokuteki/", f"{t.pk}/tsuchi.pdf", "seikyu/", "shiharai/"):
            got_r = o.get(f"{BASE}/{url}")
            assert got_r.status_code in (403, 404), (who, url)
            assert "画面" not in got_r.content.decode()
        assert o.get(f"{BASE}/{missing}/").status_code == o.get(f"{BASE}/{t.pk}/").status_code
        assert o.post(f"{BASE}/{t.pk}/soshitsu/", {"jiyu": "shisetsu"}).status_code in (403, 404)
        top = o.post(f"{BASE}/", {"mokuteki": "x", "atena_no": hanako.atena_no})
        assert top.status_code == 200 and "results" not in top.context_data
        assert "件" not in top.content.decode()
    # 寒川町's 審査者 reaches nothing of 葉山町's
    ob = login("samukawa-shinsa", BETA_HOST)
    assert ob.get(f"{BASE}/{t.pk}/mokuteki/").status_code == 404
    assert ob.get(f"{BASE}/{t.pk}/tsuchi.pdf").status_code == 404
    r = ob.post(f"{BASE}/", {"mokuteki": "確認", "teate": "tokubetsu_jido_fuyo"})
    assert list(r.context_data["results"]) == []
    connection.set_tenant(alpha.municipality)
    t.refresh_from_db()
    assert t.jotai == ShogaiTeateJotai.NINTEI


def test_payment_screen_file_and_towns_apart(alpha, beta, login):
    connection.set_tenant(alpha.municipality)
    a = adult("hayama", shimei="支払　六郎")
    kazei(a.pk, 2024, kyuyo=1_000_000)
    tokusho(a.pk, seikyu=date(2025, 4, 10))
    connection.set_schema_to_public()
    c = login("hayama-shinsa", ALPHA_HOST)
    form = {"shiharai_tsuki": "2025-08", "shiharai_date": "令和7年8月11日",
            "code": "1234567890", "name_kana": "ﾊﾔﾏﾏﾁ", "bank": "0009", "shiten": "123",
            "yokin_shumoku": "1", "koza_bango": "7654321"}  # fmt: skip
    r = c.post(f"{BASE}/shiharai/", form)
    assert r.status_code == 302
    page = c.post(f"{BASE}/shiharai/", form).content.decode()
    assert "この支払月の支払はすでに作成しています。" in page
    connection.set_tenant(alpha.municipality)
    run = ShogaiTeateShiharai.objects.get()
    assert (run.kensu, run.gokei) == (1, 88_770)
    connection.set_schema_to_public()
    body = c.get(f"{BASE}/shiharai/{run.pk}/furikomi.txt")
    assert body.status_code == 200
    assert zengin.read_sogo_furikomi(body.content)[1].fields["amount"] == 88_770
    listing = c.get(f"{BASE}/shiharai/").content.decode()
    assert "令和7年8月" in listing and "88,770円" in listing
    ob = login("samukawa-shinsa", BETA_HOST)
    assert ob.get(f"{BASE}/shiharai/{run.pk}/furikomi.txt").status_code == 404
    assert "88,770円" not in ob.get(f"{BASE}/shiharai/").content.decode()
    clerk = login("hayama-clerk", ALPHA_HOST)
    assert clerk.get(f"{BASE}/shiharai/{run.pk}/furikomi.txt").status_code in (403, 404)
    connection.set_tenant(alpha.municipality)
    assert AccessLog.objects.filter(
        screen="fukushi.shogai_teate_furikomi", username="hayama-shinsa", record_id=str(run.pk)
    ).exists()
    connection.set_schema_to_public()


def test_a_month_without_income_data_is_left_out_then_paid_late_once(in_alpha):
    """No 住民税 assessment of the 所得制限年度: the case is left out of the run with its
    reason (never judged as 0円, never paid as 停止); once the assessment is there, the next
    run pays the months left unpaid with its own, and none of them twice."""
    a = adult("hayama", shimei="遅延　七郎")
    s = tokusho(a.pk, seikyu=date(2025, 4, 10))  # from May
    out = shiharai_run(
        shiharai_tsuki=date(2025, 8, 1), shiharai_date=date(2025, 8, 11), irainin=IRAININ,
        actor=ACTOR,
    )  # fmt: skip
    assert [pk for pk, _ in out.refused] == [s.pk]
    assert "2024年度の住民税の資料" in out.refused[0][1]
    assert out.shiharai.kensu == 0 and not s.shiharai.exists() and not s.shotoku.exists()
    kazei(a.pk, 2024, kyuyo=1_500_000)
    kazei(a.pk, 2025, kyuyo=1_500_000)
    nov = shiharai_run(
        shiharai_tsuki=date(2025, 11, 1), shiharai_date=date(2025, 11, 11), irainin=IRAININ,
        actor=ACTOR,
    ).shiharai  # fmt: skip
    months = list(s.shiharai.order_by("tsuki").values_list("tsuki", flat=True))
    assert months == [date(2025, m, 1) for m in range(5, 11)]  # 5〜7月 late, 8〜10月 due
    assert nov.gokei == 29_590 * 6
    assert sorted(s.shotoku.values_list("nen", flat=True)) == [2024, 2025]
    last = s.rireki.filter(kind="shiharai").get()
    assert last.naiyo.startswith("令和7年11月支払 177,540円")
