"""印鑑登録: registration checks, 廃止・亡失, the 証明書, and 職権抹消 after a 異動."""

from __future__ import annotations

import hashlib
import io
from datetime import date

import pytest
from django.utils import timezone
from pypdf import PdfReader

from juminkiroku.codes import IdoJiyu, InkanStatus, Seikyusha, ShomeiKind
from juminkiroku.models import Atena, InkanToroku, ShomeiKofu
from juminkiroku.services.ido import PersonChange, ido_enter
from juminkiroku.services.inkan import (
    InkanError,
    inkan_boshitsu,
    inkan_haishi,
    inkan_register,
)
from juminkiroku.services.shomei import ShomeiError, shomei_issue
from juminkiroku.tests.certhelpers import png_bytes, set_ninshosha
from juminkiroku.tests.factories import actor_for, approve, family, household_tennyu
from tenants.accesslog.models import AccessLog
from tenants.atena_bango import is_valid_number
from tenants.db import connection
from tenants.events.models import Delivery, DeliveryStatus
from tenants.testing.pdf import pdf_pages

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 1)


def register(atena_id: int, image: bytes | None = None, **kw):
    return inkan_register(
        atena_id=atena_id,
        image_png=png_bytes() if image is None else image,
        actor=kw.pop("actor", actor_for("hayama-clerk")),
        toroku_date=kw.pop("toroku_date", TODAY),
    )


@pytest.fixture
def yamada(in_alpha):
    _, atenas = household_tennyu("hayama", members=family())
    return atenas


def test_register_keeps_the_png_and_a_card_number(yamada):
    head = yamada[0]
    image = png_bytes()
    toroku = register(head.pk, image)
    assert toroku.status == InkanStatus.TOROKU
    assert is_valid_number(toroku.card_no)
    assert bytes(toroku.inei) == image
    assert toroku.inei_sha256 == hashlib.sha256(image).hexdigest()
    assert toroku.created_by == "hayama-clerk"
    log = AccessLog.objects.get(record_type="inkan_toroku", record_id=str(toroku.pk))
    assert log.action == "create" and log.gyomu == "inkan_toroku"


@pytest.mark.parametrize(
    ("image", "message"),
    [
        (b"", "画像を指定"),
        (b"GIF89a" + b"\0" * 100, "PNG形式"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "PNG形式"),
        (png_bytes()[:60], "壊れている"),
        (png_bytes((600, 600), noise=True), "200KB以下"),
        (png_bytes((2100, 10)), "2000ピクセル"),
    ],
)
def test_register_refuses_what_is_not_a_small_png(yamada, image, message):
    with pytest.raises(InkanError, match=message):
        register(yamada[0].pk, image)
    assert InkanToroku.objects.count() == 0


def test_one_active_registration_and_new_one_after_haishi(yamada):
    head = yamada[0]
    first = register(head.pk)
    with pytest.raises(InkanError, match="既に印鑑登録"):
        register(head.pk)
    ended = inkan_haishi(toroku_id=first.pk, actor=actor_for("hayama-clerk"), ended_date=TODAY)
    assert ended.status == InkanStatus.HAISHI and ended.ended_date == TODAY
    with pytest.raises(InkanError, match="既に廃止"):
        inkan_haishi(toroku_id=first.pk, actor=actor_for("hayama-clerk"))
    second = register(head.pk)
    assert second.card_no != first.card_no
    lost = inkan_boshitsu(toroku_id=second.pk, actor=actor_for("hayama-clerk"), reason="紛失")
    assert lost.status == InkanStatus.BOSHITSU and lost.ended_reason == "紛失"
    assert InkanToroku.objects.filter(atena=head).count() == 2


def test_only_residents_of_fifteen_or_more(yamada):
    child = yamada[2]  # born 2010-04-01
    with pytest.raises(InkanError, match="15歳未満"):
        register(child.pk, toroku_date=date(2025, 3, 31))
    assert register(child.pk, toroku_date=date(2025, 4, 1)).pk
    with pytest.raises(InkanError, match="未来"):
        register(yamada[0].pk, toroku_date=timezone.localdate().replace(year=2100))
    with pytest.raises(InkanError, match="見つかりません"):
        register(999_999)


def test_certificate_embeds_the_inei_and_says_so(yamada):
    set_ninshosha()
    head = yamada[0]
    register(head.pk)
    kofu, pdf = shomei_issue(
        kind=ShomeiKind.INKAN,
        layout="",
        atena_ids=[head.pk],
        setai_id=None,
        items=None,
        copies=1,
        seikyusha=Seikyusha.HONNIN,
        actor=actor_for("hayama-clerk"),
    )
    text = "".join(pdf_pages(pdf))
    for expected in (
        "印鑑登録証明書",
        "山田太郎",
        "昭和55年5月5日",
        "神奈川県三浦郡葉山町堀内2135番地",
        "この写しは、登録されている印影と相違ないことを証明する。",
        kofu.hakko_no.split("-")[1],  # the serial of the 発行番号 (5.5)
    ):
        assert expected in text, expected
    assert "本籍" not in text and "個人番号" not in text
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    images = list(page.images)
    assert len(images) == 2  # the 印影, and the 公印 under the 認証文 (5.6)
    assert images[0].image is not None and images[0].image.size == (120, 120)
    assert kofu.kind == ShomeiKind.INKAN and kofu.layout == ""
    log = AccessLog.objects.get(action="print", record_id=str(kofu.pk))
    assert log.gyomu == "inkan_toroku"


def test_no_certificate_without_an_active_registration(yamada):
    set_ninshosha()
    wife = yamada[1]
    toroku = register(wife.pk)
    inkan_haishi(toroku_id=toroku.pk, actor=actor_for("hayama-clerk"))
    with pytest.raises(ShomeiError, match="印鑑登録はありません"):
        shomei_issue(
            kind=ShomeiKind.INKAN,
            layout="",
            atena_ids=[wife.pk],
            setai_id=None,
            items=None,
            copies=1,
            seikyusha=Seikyusha.DAIRININ,
            actor=actor_for("hayama-clerk"),
        )
    assert ShomeiKofu.objects.count() == 0


def _shojo(jiyu: str, person, extra: dict | None = None):
    ido = ido_enter(
        jiyu=jiyu,
        ido_date=date(2025, 5, 10),
        todoke_date=date(2025, 5, 10),
        changes=[PersonChange(person.pk, extra or {})],
        setainushi_fuzai_ok=True,  # 標準仕様書 4.0.4: the 世帯主 may leave two behind
        actor=actor_for("hayama-clerk"),
    )
    return approve(ido, reviewer="hayama-shinsa")


def test_shibo_honroku_ends_the_registration(yamada, django_capture_on_commit_callbacks):
    head, wife, _ = yamada
    mine = register(head.pk, toroku_date=date(2021, 1, 1))
    hers = register(wife.pk, toroku_date=date(2021, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):
        ido = _shojo(IdoJiyu.SHIBO, head)
    mine.refresh_from_db()
    hers.refresh_from_db()
    assert mine.status == InkanStatus.SHOKKEN_MASSHO
    assert mine.ended_by_ido_id == ido.pk and mine.ended_date == date(2025, 5, 10)
    assert "死亡" in mine.ended_reason
    assert hers.status == InkanStatus.TOROKU
    delivery = Delivery.objects.get(
        event__name="juminkiroku.shibo",
        event__payload__ido_id=ido.pk,
        subscriber="juminkiroku.subscribers.end_inkan_after_shojo",
    )
    assert delivery.status == DeliveryStatus.DONE
    log = AccessLog.objects.get(
        record_type="inkan_toroku", record_id=str(mine.pk), screen="印鑑登録の職権抹消"
    )
    assert log.username == "system:ido_honroku"


def test_tenshutsu_ends_it_and_tenkyo_does_not(yamada, django_capture_on_commit_callbacks):
    head, wife, _ = yamada
    mine = register(head.pk, toroku_date=date(2021, 1, 1))
    hers = register(wife.pk, toroku_date=date(2021, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):
        _shojo(IdoJiyu.TENKYO, head, {"jusho": "神奈川県三浦郡葉山町一色", "banchi": "1番地"})
        _shojo(IdoJiyu.TENSHUTSU, wife, {"tenshutsu_saki_jusho": "東京都新宿区西新宿二丁目"})
    mine.refresh_from_db()
    hers.refresh_from_db()
    assert mine.status == InkanStatus.TOROKU
    assert hers.status == InkanStatus.SHOKKEN_MASSHO and "転出" in hers.ended_reason


def test_other_town_cannot_register_or_end(yamada, beta):
    head = yamada[0]
    toroku = register(head.pk)
    connection.set_tenant(beta.municipality)
    samukawa = actor_for("samukawa-clerk")
    with pytest.raises(InkanError, match="見つかりません"):
        register(head.pk, actor=samukawa)
    with pytest.raises(InkanError, match="見つかりません"):
        inkan_haishi(toroku_id=toroku.pk, actor=samukawa)
    assert InkanToroku.objects.count() == 0


def test_shokken_shojo_ends_it_too(yamada, django_capture_on_commit_callbacks):
    child = yamada[2]
    toroku = register(child.pk, toroku_date=date(2025, 4, 2))
    with django_capture_on_commit_callbacks(execute=True):
        ido = _shojo(IdoJiyu.SHOKKEN_SHOJO, child)
    toroku.refresh_from_db()
    assert toroku.status == InkanStatus.SHOKKEN_MASSHO and toroku.ended_by_ido_id == ido.pk


def test_shisso_ends_it_too(yamada, django_capture_on_commit_callbacks):
    """失踪 (S05, 標準仕様書 4.2.2.2) removes the person from the registry: the 印鑑登録 ends
    as for any other 消除."""
    child = yamada[2]
    toroku = register(child.pk, toroku_date=date(2025, 4, 2))
    with django_capture_on_commit_callbacks(execute=True):
        ido = _shojo(IdoJiyu.SHISSO, child)
    toroku.refresh_from_db()
    assert toroku.status == InkanStatus.SHOKKEN_MASSHO and toroku.ended_by_ido_id == ido.pk
    assert "失踪" in toroku.ended_reason


def test_an_overflowing_address_prints_to_the_limit_and_whole_on_a_bessi(yamada):
    """標準仕様書 5.8 on the 印鑑登録証明書 too: no refusal, the 別紙 before the 認証文."""
    set_ninshosha()
    head = yamada[0]
    register(head.pk)
    address = "神奈川県三浦郡葉山町" + "一色" * 30 + "終端"
    Atena.objects.filter(pk=head.pk).update(jusho=address, banchi="")
    _, pdf = shomei_issue(
        kind=ShomeiKind.INKAN,
        layout="",
        atena_ids=[head.pk],
        setai_id=None,
        items=None,
        copies=1,
        seikyusha=Seikyusha.HONNIN,
        actor=actor_for("hayama-clerk"),
    )
    pages = pdf_pages(pdf)
    assert address not in pages[0] and "神奈川県三浦郡葉山町一色" in pages[0]
    assert "別紙" in pages[-1] and address in pages[-1]
    ninsho = "この写しは、登録されている印影と相違ないことを証明する。"
    assert pages[-1].index(address) < pages[-1].index(ninsho)
