"""住民基本台帳の一部の写し（閲覧用） (標準仕様書 9.5): request, decision by another clerk,
the list with 氏名・生年月日・性別・住所 only, 支援措置 persons left out, PDF and CSV read
back, and the other town neither sees nor prints anything."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from juminkiroku.codes import Sex
from juminkiroku.models import EtsuranSeikyu, ShienSochi
from juminkiroku.models.etsuran import EtsuranStatus
from juminkiroku.services.etsuran import (
    EtsuranError,
    EtsuranNotFound,
    etsuran_decide,
    etsuran_output,
    etsuran_request_create,
)
from juminkiroku.tests.factories import actor_for, family, household_tennyu, person_fields
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.testing.pdf import pdf_pages
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db


def request(**overrides: Any) -> EtsuranSeikyu:
    args: dict[str, Any] = {
        "seikyusha_kubun": "kojin_hojin",
        "seikyusha_shimei": "株式会社テスト調査",
        "seikyusha_jusho": "東京都港区芝公園一丁目1番1号",
        "mokuteki": "世論調査（調査票の送付）",
        "jusho_prefix": "神奈川県三浦郡葉山町",
        "birth_from": None,
        "birth_to": None,
        "sex": "",
        "junjo": "jusho",
        "actor": actor_for("hayama-clerk"),
    }
    args.update(overrides)
    return etsuran_request_create(**args)


@pytest.fixture
def residents(in_alpha):
    _, yamada = household_tennyu("hayama", members=family())
    _, sato = household_tennyu(
        "hayama",
        members=[
            person_fields(
                shimei="佐藤　次郎",
                shimei_kana="サトウ　ジロウ",
                birth_date="1950-01-02",
                jusho="神奈川県三浦郡葉山町一色",
                jusho_code="0020001",
                banchi="1番地",
                katagaki="ハイツ一色101",
            )
        ],
    )
    return yamada, sato


def approved(**overrides):
    seikyu = request(**overrides)
    return etsuran_decide(
        seikyu_id=seikyu.pk, approve=True, note="", actor=actor_for("hayama-shinsa")
    )


def test_the_list_holds_the_four_items_in_address_order_without_shien_sochi(residents):
    # given four residents, one of them under a 支援措置, and an approved request
    yamada, sato = residents
    today = timezone.localdate()
    ShienSochi.objects.create(
        atena=yamada[1],
        start_date=today,
        end_date=today + timedelta(days=30),
        moshide_date=today,
        created_by="test",
    )
    seikyu = approved()
    # when the 閲覧用写し is made as PDF
    name, ctype, pdf, count = etsuran_output(
        seikyu_id=seikyu.pk, fmt="pdf", actor=actor_for("hayama-clerk")
    )
    # then it lists the other three: 氏名・生年月日・性別・住所 only, by address code
    (page,) = pdf_pages(pdf)
    assert name == f"etsuran_{seikyu.pk}.pdf" and ctype == "application/pdf" and count == 3
    assert "住民基本台帳の一部の写し（閲覧用）" in page and "支援措置の対象者を除く" in page
    # same address: by フリガナ (not by household), then the next 町 by its address code
    assert page.index("山田一郎") < page.index("山田太郎") < page.index("佐藤次郎")
    assert "山田花子" not in page
    assert "昭和25年1月2日" in page and "葉山町一色1番地" in page
    assert "ハイツ一色" not in page and "世帯主" not in page and yamada[0].atena_no not in page
    row = AccessLog.objects.get(action="print", record_type="etsuran_seikyu")
    assert sorted(row.detail["atena_ids"]) == sorted([yamada[0].pk, yamada[2].pk, sato[0].pk])
    seikyu.refresh_from_db()
    assert seikyu.printed_count == 3


def test_csv_with_conditions(residents):
    seikyu = approved(birth_from=date(1975, 1, 1), birth_to=date(1990, 12, 31), sex=Sex.MALE)
    _, ctype, content, count = etsuran_output(
        seikyu_id=seikyu.pk, fmt="csv", encoding="cp932", actor=actor_for("hayama-clerk")
    )
    rows = list(csv.reader(io.StringIO(content.decode("cp932"))))
    assert ctype.startswith("text/csv") and count == 1
    assert rows == [
        ["番号", "氏名", "生年月日", "性別", "住所"],
        ["1", "山田　太郎", "昭和55年5月5日", "男", "神奈川県三浦郡葉山町堀内2135番地"],
    ]
    assert AccessLog.objects.filter(action="export", record_id=str(seikyu.pk)).count() == 1


def test_random_order_is_the_same_on_a_reprint(residents):
    seikyu = approved(junjo="random")
    clerk = actor_for("hayama-clerk")
    first = etsuran_output(seikyu_id=seikyu.pk, fmt="csv", actor=clerk)[2]
    again = etsuran_output(seikyu_id=seikyu.pk, fmt="csv", actor=clerk)[2]
    assert first == again and len(first.decode("utf-8-sig").splitlines()) == 5


def test_request_decision_and_output_refusals_write_nothing(residents):
    clerk = actor_for("hayama-clerk")
    with pytest.raises(EtsuranError, match="利用の目的を入力"):
        request(mokuteki=" ")
    with pytest.raises(EtsuranError, match="利用の目的"):
        request(mokuteki="調査\x07")
    with pytest.raises(EtsuranError, match="開始日を終了日以前"):
        request(birth_from=date(2000, 1, 1), birth_to=date(1990, 1, 1))
    assert EtsuranSeikyu.objects.count() == 0
    seikyu = request()
    with pytest.raises(EtsuranError, match="承認された請求"):
        etsuran_output(seikyu_id=seikyu.pk, fmt="pdf", actor=clerk)
    with pytest.raises(EtsuranError, match="受け付けた職員"):
        etsuran_decide(seikyu_id=seikyu.pk, approve=True, note="", actor=clerk)
    with pytest.raises(EtsuranError, match="不承認の理由"):
        etsuran_decide(
            seikyu_id=seikyu.pk, approve=False, note="", actor=actor_for("hayama-shinsa")
        )
    etsuran_decide(
        seikyu_id=seikyu.pk,
        approve=False,
        note="目的が公益性を欠く",
        actor=actor_for("hayama-shinsa"),
    )
    seikyu.refresh_from_db()
    assert seikyu.status == EtsuranStatus.KYAKKA and seikyu.decided_by == "hayama-shinsa"
    with pytest.raises(EtsuranError, match="承認された請求"):
        etsuran_output(seikyu_id=seikyu.pk, fmt="csv", actor=clerk)
    empty = approved(jusho_prefix="北海道")
    with pytest.raises(EtsuranError, match="当てはまる住民はいません"):
        etsuran_output(seikyu_id=empty.pk, fmt="pdf", actor=clerk)
    assert not AccessLog.objects.filter(action__in=["print", "export"]).exists()


def test_screens_in_two_towns(alpha, beta, login):
    connection.set_tenant(alpha.municipality)
    household_tennyu("hayama", members=family())
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    r = clerk.post(
        "/juminkiroku/etsuran/",
        {
            "seikyusha_kubun": "kikan",
            "seikyusha_shimei": "神奈川県統計課",
            "seikyusha_jusho": "横浜市中区日本大通1",
            "mokuteki": "統計調査",
            "jusho_prefix": "神奈川県三浦郡葉山町",
            "junjo": "jusho",
        },
    )
    assert r.status_code == 302
    connection.set_tenant(alpha.municipality)
    seikyu = EtsuranSeikyu.objects.get()
    connection.set_schema_to_public()
    page = clerk.get(f"/juminkiroku/etsuran/{seikyu.pk}/").content.decode()
    assert "審査待ち" in page and "承認する" not in page
    shinsa = login("hayama-shinsa", ALPHA_HOST)
    assert "承認する" in shinsa.get(f"/juminkiroku/etsuran/{seikyu.pk}/").content.decode()
    other = login("samukawa-shinsa", BETA_HOST)
    assert other.get(f"/juminkiroku/etsuran/{seikyu.pk}/").status_code == 404
    assert (
        other.post(f"/juminkiroku/etsuran/{seikyu.pk}/decide/", {"approve": "1"}).status_code == 404
    )
    assert (
        other.post(f"/juminkiroku/etsuran/{seikyu.pk}/output/", {"fmt": "pdf"}).status_code == 404
    )
    shinsa.post(f"/juminkiroku/etsuran/{seikyu.pk}/decide/", {"approve": "1"})
    r = clerk.post(f"/juminkiroku/etsuran/{seikyu.pk}/output/", {"fmt": "pdf"})
    assert r["Content-Type"] == "application/pdf" and "山田太郎" in pdf_pages(r.content)[0]
    r = clerk.post(f"/juminkiroku/etsuran/{seikyu.pk}/output/", {"fmt": "xls"})
    assert r.status_code == 400
    connection.set_tenant(beta.municipality)
    assert EtsuranSeikyu.objects.count() == 0
    assert not AccessLog.objects.filter(record_type="etsuran_seikyu").exists()
    with pytest.raises(EtsuranNotFound):
        etsuran_output(seikyu_id=seikyu.pk, fmt="pdf", actor=actor_for("samukawa-clerk"))
