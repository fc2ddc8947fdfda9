"""転出証明書, 転出証明書に準ずる証明書 and 再交付 (標準仕様書 4.1.3.0.3; 住民基本台帳法施行令
第23条), and the 転入通知未着者一覧 / 照会書 (4.1.3.1.4), each read back from the PDF."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from juminkiroku.codes import IdoJiyu
from juminkiroku.models import Ido, Tenshutsu, TenshutsuShomei
from juminkiroku.selectors.tenshutsu import MITCHAKU_DAYS_DEFAULT, mitchaku_days, mitchaku_list
from juminkiroku.services.ido import PersonChange, ido_cancel_enter, ido_enter
from juminkiroku.services.shomei import ShomeiError, ShomeiNotFound
from juminkiroku.services.tenshutsu import receive_tennyu_tsuchi
from juminkiroku.services.tenshutsu_shomei import (
    mitchaku_shokaisho,
    tenshutsu_shomei_issue,
    tenshutsu_shomei_saikofu,
)
from juminkiroku.tests.certhelpers import NINSHOSHA_NAME, set_ninshosha
from juminkiroku.tests.factories import actor_for, approve, family, household_tennyu, tenkyo
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.params.tenant.models import MunicipalParameter
from tenants.testing.pdf import pdf_pages, squash
from tenants.wareki import format_wareki

pytestmark = pytest.mark.django_db

SAKI = "東京都新宿区西新宿二丁目8番1号"


@pytest.fixture
def yamada(in_alpha):
    set_ninshosha()
    _, atenas = household_tennyu("hayama", members=family())
    return atenas


def today() -> date:
    return timezone.localdate()


def tenshutsu_of(person, *, yotei: date, todoke: date, jiyu: str = IdoJiyu.TENSHUTSU) -> Tenshutsu:
    ido = ido_enter(
        jiyu=jiyu,
        ido_date=yotei,
        todoke_date=todoke,
        changes=[
            PersonChange(
                person.pk, {"tenshutsu_saki_jusho": SAKI, "tenshutsu_saki_postal_code": "1600023"}
            )
        ],
        actor=actor_for("hayama-clerk"),
        setainushi_fuzai_ok=True,
    )
    approve(ido, reviewer="hayama-shinsa")
    return Tenshutsu.objects.get(ido=ido, atena=person)


def test_tenshutsu_shomei_prints_the_items_of_the_law(yamada):
    # given a 転出 of the child, 予定日 in a week, 届出 today
    child = yamada[2]
    yotei = today() + timedelta(days=7)
    t = tenshutsu_of(child, yotei=yotei, todoke=today())
    # when the clerk prints the 転出証明書 the same day
    kofu, pdf = tenshutsu_shomei_issue(tenshutsu_id=t.pk, actor=actor_for("hayama-clerk"))
    # then
    text = "".join(pdf_pages(pdf))
    assert kofu.kind == "shomei" and kofu.saikofu_of_id is None
    for piece in (
        "転出証明書",
        "山田一郎",
        "世帯主山田太郎",
        "続柄子",
        "神奈川県三浦郡葉山町堀内2135番地",
        "本籍神奈川県三浦郡葉山町堀内2135番地",
        "筆頭者山田太郎",
        SAKI + "（〒160-0023）",
        "転出の予定年月日",
        "上記のとおり転出の届出があったことを証明する。",
        "葉山町長" + squash(NINSHOSHA_NAME),
        kofu.hakko_no,
    ):
        assert piece in text, piece
    assert "再交付" not in text and "準ずる" not in text
    log = AccessLog.objects.get(record_type="tenshutsu_shomei", record_id=str(kofu.pk))
    assert log.action == "print" and log.mynumber_viewed is True
    # a second original is refused: it is a 再交付
    with pytest.raises(ShomeiError, match="再交付"):
        tenshutsu_shomei_issue(tenshutsu_id=t.pk, actor=actor_for("hayama-clerk"))


def test_late_todoke_gets_the_junzuru_shomei(yamada):
    # 4.1.3.0.1 / 4.1.3.0.3: 届出 more than 14 days after the 転出 → 職権, 準ずる証明書
    child = yamada[2]
    t = tenshutsu_of(child, yotei=today() - timedelta(days=30), todoke=today())
    assert t.shokken
    kofu, pdf = tenshutsu_shomei_issue(tenshutsu_id=t.pk, actor=actor_for("hayama-clerk"))
    text = "".join(pdf_pages(pdf))
    assert kofu.kind == "junzuru"
    assert "転出証明書に準ずる証明書" in text
    assert "転入届に添付すべき書類として発行したものである" in text
    assert "転出年月日" in text


def test_saikofu_prints_the_state_of_the_first_issue(yamada):
    child = yamada[2]
    t = tenshutsu_of(child, yotei=today() + timedelta(days=7), todoke=today())
    first, _ = tenshutsu_shomei_issue(tenshutsu_id=t.pk, actor=actor_for("hayama-clerk"))
    # the address changes afterwards (a 転居 before leaving)
    tenkyo(
        [child],
        ido_date=today(),
        todoke_date=today(),
        fields={"jusho": "神奈川県三浦郡葉山町一色", "banchi": "1番地"},
    )
    again, pdf = tenshutsu_shomei_saikofu(shomei_id=first.pk, actor=actor_for("hayama-clerk"))
    text = "".join(pdf_pages(pdf))
    assert again.saikofu_of_id == first.pk and again.hakko_no != first.hakko_no
    assert "再交付" in text and first.hakko_no in text and again.hakko_no in text
    assert "神奈川県三浦郡葉山町堀内2135番地" in text
    assert "葉山町一色" not in text
    # a 再交付 of the 再交付 still goes back to the first issue
    third, _ = tenshutsu_shomei_saikofu(shomei_id=again.pk, actor=actor_for("hayama-clerk"))
    assert third.saikofu_of_id == first.pk


def test_refusals_draw_no_number(yamada):
    head, _wife, child = yamada
    kokugai = tenshutsu_of(head, yotei=today(), todoke=today(), jiyu=IdoJiyu.KOKUGAI_TENSHUTSU)
    with pytest.raises(ShomeiError, match="国外転出"):
        tenshutsu_shomei_issue(tenshutsu_id=kokugai.pk, actor=actor_for("hayama-clerk"))
    t = tenshutsu_of(child, yotei=today() + timedelta(days=3), todoke=today())
    cancel = ido_cancel_enter(
        cancels_id=t.ido_id, ido_date=today(), note="取りやめ", actor=actor_for("hayama-clerk")
    )
    approve(cancel, reviewer="hayama-shinsa")
    with pytest.raises(ShomeiError, match="取り消された"):
        tenshutsu_shomei_issue(tenshutsu_id=t.pk, actor=actor_for("hayama-clerk"))
    assert TenshutsuShomei.objects.count() == 0


def test_other_town_cannot_print_it(yamada, beta):
    child = yamada[2]
    t = tenshutsu_of(child, yotei=today() + timedelta(days=3), todoke=today())
    first, _ = tenshutsu_shomei_issue(tenshutsu_id=t.pk, actor=actor_for("hayama-clerk"))
    connection.set_tenant(beta.municipality)
    with pytest.raises(ShomeiNotFound):
        tenshutsu_shomei_issue(tenshutsu_id=t.pk, actor=actor_for("samukawa-clerk"))
    with pytest.raises(ShomeiNotFound):
        tenshutsu_shomei_saikofu(shomei_id=first.pk, actor=actor_for("samukawa-clerk"))
    with pytest.raises(ShomeiNotFound):
        mitchaku_shokaisho(tenshutsu_ids=[t.pk], actor=actor_for("samukawa-clerk"))
    assert mitchaku_list(today=today() + timedelta(days=90), days=0) == []


# --- 転入通知未着 ---------------------------------------------------------------------


def test_mitchaku_list_and_shokaisho(yamada):
    head, wife, child = yamada
    old = tenshutsu_of(
        child, yotei=today() - timedelta(days=40), todoke=today() - timedelta(days=45)
    )
    recent = tenshutsu_of(
        wife, yotei=today() - timedelta(days=5), todoke=today() - timedelta(days=6)
    )
    shokken = ido_enter(
        jiyu=IdoJiyu.SHOKKEN_SHOJO,
        ido_date=today() - timedelta(days=60),
        todoke_date=None,
        changes=[PersonChange(head.pk, {})],
        actor=actor_for("hayama-clerk"),
        setainushi_fuzai_ok=True,
    )
    approve(shokken, reviewer="hayama-shinsa")
    assert mitchaku_days(today()) == MITCHAKU_DAYS_DEFAULT
    rows = mitchaku_list(today=today(), days=30)
    assert [(r.atena.pk, r.kind) for r in rows] == [(head.pk, "職権消除"), (child.pk, "転出")]
    assert rows[1].elapsed_days == 40 and rows[1].tenshutsu == old
    # N is the town's parameter
    MunicipalParameter.objects.create(
        key="juminkiroku.tennyu_tsuchi_mitchaku_days",
        fiscal_year_from=2000,
        value=3,
        source="テスト",
        created_by="test",
    )
    assert mitchaku_days(today()) == 3
    assert recent.pk in [
        r.tenshutsu.pk for r in mitchaku_list(today=today(), days=3) if r.tenshutsu
    ]
    # the 照会書
    pdf = mitchaku_shokaisho(tenshutsu_ids=[old.pk], actor=actor_for("hayama-clerk"))
    text = "".join(pdf_pages(pdf))
    for piece in ("転入通知未着照会書", "山田一郎", SAKI, "転入届あり", "転入届なし", "葉山町"):
        assert piece in text, piece
    # a 転入通知 takes the person off the list
    receive_tennyu_tsuchi(
        atena_id=child.pk,
        tennyu_date=old.yotei_date,
        tennyu_jusho=SAKI,
        tennyu_postal_code="",
        source="paper",
        received_on=today(),
        actor=actor_for("hayama-clerk"),
    )
    assert child.pk not in [r.atena.pk for r in mitchaku_list(today=today(), days=30)]
    with pytest.raises(ShomeiError, match="受理済み"):
        mitchaku_shokaisho(tenshutsu_ids=[old.pk], actor=actor_for("hayama-clerk"))
    assert Ido.objects.filter(pk=old.ido_id).exists()


def test_juminhyo_before_the_yotei_date_shows_the_tenshutsu_yotei(yamada):
    # 1.1.5: until the 除票 the person is certified as a 住民, with the 転出予定
    from juminkiroku.services.shomei import shomei_issue

    child = yamada[2]
    yotei = today() + timedelta(days=7)
    tenshutsu_of(child, yotei=yotei, todoke=today())
    _, pdf = shomei_issue(
        kind="juminhyo",
        layout="kojin",
        atena_ids=[child.pk],
        setai_id=None,
        items=None,
        copies=1,
        seikyusha="honnin",
        actor=actor_for("hayama-clerk"),
    )
    text = "".join(pdf_pages(pdf))
    assert "住民票の写し" in text and "山田一郎" in text
    assert "転出予定年月日" + squash(format_wareki(yotei)) in text
    assert "転出先住所（予定）" + SAKI in text


def test_tenshutsu_shomei_carries_the_towns_koin_or_is_refused_without_one(yamada):
    """標準仕様書 5.6 on the 転出証明書 too: the 公印 valid on the day (1.3.7) is printed;
    with none registered the issue is refused and nothing is recorded."""
    from juminkiroku.models import Koin
    from juminkiroku.tests.test_shomei_standard import image_hashes, koin_hash

    child = yamada[2]
    t = tenshutsu_of(child, yotei=today() + timedelta(days=7), todoke=today())
    koin = Koin.objects.get()
    _, pdf = tenshutsu_shomei_issue(tenshutsu_id=t.pk, actor=actor_for("hayama-clerk"))
    assert koin_hash(koin.pk) in image_hashes(pdf)
    wife = yamada[1]
    other = tenshutsu_of(wife, yotei=today() + timedelta(days=7), todoke=today())
    Koin.objects.all().delete()
    with pytest.raises(ShomeiError, match="公印"):
        tenshutsu_shomei_issue(tenshutsu_id=other.pk, actor=actor_for("hayama-clerk"))
    assert not TenshutsuShomei.objects.filter(tenshutsu=other).exists()
