"""統合記載欄 (標準仕様書 1.1.14: 留意事項 B類型, 備考 C類型) and メモ (1.1.15): author, time,
history of corrections and deletions, never on a certificate, and the wall between towns."""

from __future__ import annotations

import pytest

from juminkiroku.models import Kisai, KisaiRireki, KisaiShurui
from juminkiroku.selectors.kisai import kisai_history, togo_kisai_lines
from juminkiroku.services.kisai import KisaiError, kisai_create, kisai_delete, kisai_update
from juminkiroku.tests.factories import actor_for, family, household_tennyu
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db


@pytest.fixture
def yamada(in_alpha):
    ido, members = household_tennyu("hayama", members=family())
    return ido, members[0]


def test_memo_keeps_author_time_and_every_version(yamada):
    # given a memo written by the clerk
    _, head = yamada
    clerk = actor_for("hayama-clerk")
    memo = kisai_create(
        atena_id=head.pk, shurui=KisaiShurui.MEMO, body="窓口で転居予定と聞いた", actor=clerk
    )
    # when it is corrected and then deleted
    memo = kisai_update(
        kisai_id=memo.pk,
        atena_id=head.pk,
        version=1,
        body="窓口で4月に転居予定と聞いた",
        actor=clerk,
    )
    memo = kisai_delete(kisai_id=memo.pk, atena_id=head.pk, version=2, actor=clerk)
    # then the row stays, marked, and the history has each version with who and when
    assert Kisai.objects.get(pk=memo.pk).deleted is True
    rows = list(KisaiRireki.objects.filter(kisai=memo).order_by("version"))
    assert [(r.version, r.sosa, r.body) for r in rows] == [
        (1, "create", "窓口で転居予定と聞いた"),
        (2, "update", "窓口で4月に転居予定と聞いた"),
        (3, "delete", "窓口で4月に転居予定と聞いた"),
    ]
    assert {r.username for r in rows} == {"hayama-clerk"}
    assert all(r.user_id == clerk.user_id and r.at is not None for r in rows)
    assert len(kisai_history(head.pk, shurui=(KisaiShurui.MEMO,))) == 3
    logs = AccessLog.objects.filter(screen="メモ", record_id=str(head.pk)).order_by("id")
    assert [log.action for log in logs] == ["create", "update", "delete"]
    assert "転居" not in str([log.detail for log in logs])  # the text is never logged


def test_ryui_is_tied_to_a_ido_and_item_and_the_memo_never_reaches_the_certificate(yamada):
    ido, head = yamada
    clerk = actor_for("hayama-clerk")
    kisai_create(
        atena_id=head.pk,
        shurui=KisaiShurui.RYUI,
        body="特別養子縁組",
        ido_id=ido.pk,
        koumoku="tennyu_mae_jusho",
        actor=clerk,
    )
    kisai_create(atena_id=head.pk, shurui=KisaiShurui.BIKO, body="備考の記載", actor=clerk)
    kisai_create(atena_id=head.pk, shurui=KisaiShurui.MEMO, body="内部メモ", actor=clerk)
    lines = togo_kisai_lines(head.pk)
    assert [(x.shurui, x.koumoku, x.body, x.ido_date) for x in lines] == [
        ("留意事項", "tennyu_mae_jusho", "特別養子縁組", ido.ido_date),
        ("備考", "", "備考の記載", None),
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"shurui": "M", "body": "  "}, "内容を入力"),
        ({"shurui": "M", "body": "a\x07b"}, "制御文字"),
        ({"shurui": "M", "body": "あ" * 501}, "500文字以内"),
        ({"shurui": "B", "body": "x"}, "関係する異動を選択"),
        ({"shurui": "Z", "body": "x"}, "種類を選択"),
    ],
)
def test_bad_input_is_refused_in_japanese_and_nothing_is_written(yamada, kwargs, message):
    _, head = yamada
    with pytest.raises(KisaiError, match=message):
        kisai_create(atena_id=head.pk, actor=actor_for("hayama-clerk"), **kwargs)
    assert Kisai.objects.count() == 0 and KisaiRireki.objects.count() == 0


def test_a_stale_version_is_refused(yamada):
    _, head = yamada
    clerk = actor_for("hayama-clerk")
    memo = kisai_create(atena_id=head.pk, shurui=KisaiShurui.MEMO, body="一", actor=clerk)
    kisai_update(kisai_id=memo.pk, atena_id=head.pk, version=1, body="二", actor=clerk)
    with pytest.raises(KisaiError, match="先に更新"):
        kisai_update(kisai_id=memo.pk, atena_id=head.pk, version=1, body="三", actor=clerk)
    assert Kisai.objects.get(pk=memo.pk).body == "二"


def test_screen_reads_and_writes_and_the_viewer_cannot_write(world, login, alpha):
    connection.set_tenant(alpha.municipality)
    _, members = household_tennyu("hayama", members=family())
    head = members[0]
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    url = f"/juminkiroku/persons/{head.pk}/kisai/"
    response = clerk.post(url + "new/", {"shurui": "M", "body": "電話で確認済み"})
    assert response.status_code == 302
    html = clerk.get(url).content.decode()
    assert "電話で確認済み" in html and "証明書には出力されません" in html
    assert "hayama-clerk" in html
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert "電話で確認済み" in viewer.get(url).content.decode()
    refused = viewer.post(url + "new/", {"shurui": "M", "body": "閲覧者のメモ"})
    assert refused.status_code == 403
    connection.set_tenant(alpha.municipality)
    assert list(Kisai.objects.values_list("body", flat=True)) == ["電話で確認済み"]


def test_another_town_neither_sees_nor_writes_the_memos(world, login, alpha, beta):
    connection.set_tenant(alpha.municipality)
    _, members = household_tennyu("hayama", members=family())
    head = members[0]
    kisai_create(
        atena_id=head.pk,
        shurui=KisaiShurui.MEMO,
        body="葉山のメモ",
        actor=actor_for("hayama-clerk"),
    )
    connection.set_tenant(beta.municipality)
    assert Kisai.objects.count() == 0
    with pytest.raises(KisaiError):
        kisai_create(
            atena_id=head.pk, shurui=KisaiShurui.MEMO, body="x", actor=actor_for("samukawa-clerk")
        )
    connection.set_schema_to_public()
    other = login("samukawa-clerk", BETA_HOST)
    url = f"/juminkiroku/persons/{head.pk}/kisai/"
    page = other.get(url)
    assert page.status_code == 404 or "葉山のメモ" not in page.content.decode()
    other.post(url + "new/", {"shurui": "M", "body": "寒川から"})
    connection.set_tenant(alpha.municipality)
    assert list(Kisai.objects.values_list("body", flat=True)) == ["葉山のメモ"]
