"""住所一括変更の仮処理 (標準仕様書 9.7): the CSV is checked and listed; nothing changes."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from juminkiroku.models import Atena, Banchi, JushoJisho
from juminkiroku.selectors.ikkatsu import (
    IkkatsuFileError,
    karishori_honseki,
    karishori_jusho,
)
from juminkiroku.tests.factories import family, household_tennyu, person_fields
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db

HEAD = "世帯番号,変更前住所,変更前番地,変更後住所コード,変更後郵便番号,変更後住所,変更後番地\n"
OLD = "神奈川県三浦郡葉山町堀内,2135番地"
NEW = "0010009,2400112,神奈川県三浦郡葉山町堀内一丁目,2番3号"


def _two_households():
    _i, yamada = household_tennyu("hayama", members=family())
    _i, sato = household_tennyu(
        "hayama", members=[person_fields(shimei="佐藤　花", banchi="2200番地")]
    )
    return yamada, sato


def test_jusho_rows_target_or_left_out_with_reasons(in_alpha):
    yamada, sato = _two_households()
    jisho = JushoJisho.objects.create(
        jusho_code="0010009", postal_code="2400112", name="堀内一丁目"
    )
    Banchi.objects.create(jisho=jisho, kubun="jukyo", hyoki="2番3号", banchi_no=2, edaban_no=3)
    y_no, s_no = yamada[0].setai.setai_no, sato[0].setai.setai_no
    csv_text = (
        HEAD
        + f"{y_no},{OLD},{NEW}\n"
        + f"{s_no},{OLD},{NEW}\n"  # 佐藤 lives at 2200番地
        + f"{y_no},{OLD},{NEW}\n"  # twice
        + f"9999999999,{OLD},{NEW}\n"
        + f"8000000001,{OLD},0010009,2400112,神奈川県三浦郡葉山町堀内一丁目,99番\n"
        + f"8000000002,{OLD},0019999,2400112,x,1番\n"
        + f"8000000003,{OLD},,24-01,x,1番\n"
        + "1,2\n"
    )
    rows = karishori_jusho(csv_text.encode("cp932"))
    assert [r.taisho for r in rows] == [True, False, False, False, False, False, False, False]
    assert sorted(rows[0].atena_ids) == sorted(a.pk for a in yamada)
    reasons = [r.reason for r in rows[1:]]
    assert "住所が異なる世帯員" in reasons[0]
    assert "2回以上" in reasons[1] and "世帯がありません" in reasons[2]
    assert "住居表示・地番のマスタにありません" in reasons[3]
    assert "住所辞書にありません" in reasons[4] and "郵便番号" in reasons[5]
    assert "列の数" in reasons[6]
    # Nothing changed.
    assert set(Atena.objects.values_list("banchi", flat=True)) == {"2135番地", "2200番地"}


def test_honseki_rows_and_file_errors(in_alpha):
    yamada, _sato = _two_households()
    old = yamada[0].honseki
    head = "宛名番号,変更前本籍,変更後本籍\n"
    rows = karishori_honseki(
        (
            head
            + f"{yamada[0].atena_no},{old},神奈川県三浦郡葉山町堀内一丁目2番\n"
            + f"{yamada[1].atena_no},違う本籍,x\n"
            + f"0000000000,{old},x\n"
            + f"{yamada[2].atena_no},{old},\n"
            + f"{yamada[2].atena_no},{old}\x07,x\n"
        ).encode()
    )
    assert [r.taisho for r in rows] == [True, False, False, False, False]
    assert "異なる" in rows[1].reason and "住民がいません" in rows[2].reason
    assert "変更後本籍がありません" in rows[3].reason and rows[4].reason
    with pytest.raises(IkkatsuFileError, match="見出し"):
        karishori_honseki(HEAD.encode())
    with pytest.raises(IkkatsuFileError, match="行がありません"):
        karishori_honseki(head.encode())
    with pytest.raises(IkkatsuFileError, match="文字コード"):
        karishori_honseki(b"\xff\xfe\x00\x81")


def test_screen_lists_logs_and_the_other_town(alpha, beta, login):
    connection.set_tenant(alpha.municipality)
    yamada, _sato = _two_households()
    y_no = yamada[0].setai.setai_no
    connection.set_schema_to_public()
    body = (HEAD + f"{y_no},{OLD},,2400112,神奈川県三浦郡葉山町堀内一丁目,2番3号\n").encode()
    clerk = login("hayama-clerk", ALPHA_HOST)
    r = clerk.post(
        "/juminkiroku/jisho/ikkatsu/",
        {"kind": "jusho", "file": SimpleUploadedFile("a.csv", body, "text/csv")},
    )
    html = r.content.decode()
    assert r.status_code == 200 and "対象 1件、除外 0件" in html and y_no in html
    r = clerk.post(
        "/juminkiroku/jisho/ikkatsu/",
        {"kind": "honseki", "file": SimpleUploadedFile("a.csv", body, "text/csv")},
    )
    assert "1行目の見出しは" in r.content.decode()
    connection.set_tenant(alpha.municipality)
    row = AccessLog.objects.filter(screen="住所一括変更（仮処理）").get()
    assert sorted(row.detail["atena_ids"]) == sorted(a.pk for a in yamada)
    assert Atena.objects.filter(banchi="2番3号").count() == 0
    connection.set_schema_to_public()
    # 寒川町 does not find 葉山町's household.
    other = login("samukawa-clerk", BETA_HOST)
    r = other.post(
        "/juminkiroku/jisho/ikkatsu/",
        {"kind": "jusho", "file": SimpleUploadedFile("a.csv", body, "text/csv")},
    )
    html = r.content.decode()
    assert "対象 0件、除外 1件" in html and "世帯がありません" in html
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert viewer.get("/juminkiroku/jisho/ikkatsu/").status_code == 403
