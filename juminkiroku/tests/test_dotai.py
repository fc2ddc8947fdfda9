"""人口動態 (標準仕様書 6.1): 転入・転出・出生・死亡 counts of a period, by 住民種別 and sex."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection as dj_connection
from django.test.utils import CaptureQueriesContext

from juminkiroku.codes import IdoJiyu, JuminShubetsu, Sex, Zokugara
from juminkiroku.selectors.dotai import dotai_between
from juminkiroku.services.ido import PersonChange, ido_enter
from juminkiroku.tests.factories import (
    actor_for,
    approve,
    family,
    household_tennyu,
    person_fields,
    shibo_then_cancel,
    tenshutsu,
)
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db


def _build() -> None:
    """In 葉山町, 2024: a family of three moves in (2 male, 1 female), a foreign woman comes
    from abroad, a child is born; the head moves out on 2024-12-31 and the wife on
    2025-01-05 (after the period); a 死亡 entered by mistake is cancelled."""
    _, (head, wife, son) = household_tennyu("hayama", members=family(), ido_date=date(2024, 2, 1))
    ido = ido_enter(
        jiyu=IdoJiyu.KOKUGAI_TENNYU,
        ido_date=date(2024, 3, 1),
        todoke_date=date(2024, 3, 1),
        changes=[
            PersonChange(
                None,
                person_fields(
                    shimei="リー　メイ",
                    shimei_kana="リー　メイ",
                    sex=Sex.FEMALE,
                    shubetsu=JuminShubetsu.GAIKOKUJIN,
                    alpha_name="LI MEI",
                    kokuseki="中国",
                    zairyu_shikaku="留学",
                    honseki="",
                    hittosha="",
                    tennyu_mae_jusho="",
                ),
            )
        ],
        setai_mode="new",
        actor=actor_for("hayama-clerk"),
    )
    approve(ido, reviewer="hayama-shinsa")
    birth = ido_enter(
        jiyu=IdoJiyu.SHUSSEI,
        ido_date=date(2024, 5, 5),
        todoke_date=date(2024, 5, 7),
        changes=[
            PersonChange(
                None,
                person_fields(
                    shimei="山田　次郎",
                    shimei_kana="ヤマダ　ジロウ",
                    birth_date="2024-05-05",
                    zokugara=Zokugara.KO,
                    setai_order=4,
                    tennyu_mae_jusho="",
                ),
            )
        ],
        setai_mode="existing",
        setai_id=head.setai_id,
        actor=actor_for("hayama-clerk"),
    )
    approve(birth, reviewer="hayama-shinsa")
    shibo_then_cancel(son)  # 死亡 of 2024-03-03, cancelled: not counted
    tenshutsu(head, ido_date=date(2024, 12, 31), todoke_date=date(2024, 12, 20))
    tenshutsu(wife, ido_date=date(2025, 1, 5), todoke_date=date(2024, 12, 20))


def _cells(table, key):
    row = next(r for r in table.rows if r.key == key or r.label == key)
    return row.male, row.female


def test_counts_by_jiyu_shubetsu_and_sex(in_alpha, beta):
    _build()
    nihon, gaikoku = dotai_between(date(2024, 1, 1), date(2024, 12, 31))
    assert nihon.label == "日本人住民" and gaikoku.label == "外国人住民"
    assert _cells(nihon, IdoJiyu.TENNYU.value) == (2, 1)
    assert _cells(nihon, IdoJiyu.SHUSSEI.value) == (1, 0)
    assert _cells(nihon, "増加計") == (3, 1)
    assert _cells(nihon, IdoJiyu.TENSHUTSU.value) == (1, 0)  # the wife's is in 2025
    assert _cells(nihon, IdoJiyu.SHIBO.value) == (0, 0)  # cancelled
    assert _cells(nihon, "減少計") == (1, 0)
    assert _cells(gaikoku, IdoJiyu.KOKUGAI_TENNYU.value) == (0, 1)
    assert _cells(gaikoku, "増加計") == (0, 1) and _cells(gaikoku, "減少計") == (0, 0)
    # The next period sees only the wife's 転出.
    nihon, _ = dotai_between(date(2025, 1, 1), date(2025, 12, 31))
    assert _cells(nihon, "増加計") == (0, 0) and _cells(nihon, "減少計") == (0, 1)
    # 寒川町 counts nothing of 葉山町's.
    connection.set_tenant(beta.municipality)
    nihon, gaikoku = dotai_between(date(2024, 1, 1), date(2024, 12, 31))
    assert all(r.total == 0 for t in (nihon, gaikoku) for r in t.rows)


def test_counts_are_one_query(in_alpha):
    _build()
    with CaptureQueriesContext(dj_connection) as ctx:
        dotai_between(date(2024, 1, 1), date(2024, 12, 31))
    real = [q for q in ctx.captured_queries if not q["sql"].startswith("SET search_path")]
    assert len(real) == 1


def test_screen_csv_errors_and_walls(alpha, beta, login):
    client = login("hayama-viewer", ALPHA_HOST)
    other = login("samukawa-viewer", BETA_HOST)
    connection.set_tenant(alpha.municipality)
    _build()
    connection.set_schema_to_public()
    r = client.post("/juminkiroku/tokei/dotai/", {"start": "令和6年1月1日", "end": "R6.12.31"})
    html = r.content.decode()
    assert r.status_code == 200
    assert "令和6年1月1日から令和6年12月31日まで" in html
    section = html[html.index('data-testid="dotai-1"') : html.index('data-testid="dotai-2"')]
    assert '<th scope="row">転入</th><td>2</td><td>1</td><td>3</td>' in section
    r = client.post(
        "/juminkiroku/tokei/dotai/", {"start": "2024-01-01", "end": "2024-12-31", "csv": "1"}
    )
    lines = r.content.decode("utf-8").splitlines()
    assert lines[0] == "\ufeff住民種別,区分,男,女,計"
    assert "日本人住民,増加計,3,1,4" in lines and "外国人住民,国外転入,0,1,1" in lines
    # A period that ends before it starts is a Japanese error; nothing is counted.
    r = client.post("/juminkiroku/tokei/dotai/", {"start": "2024-12-31", "end": "2024-01-01"})
    assert "集計期間の末日は初日以後の日にしてください。" in r.content.decode()
    assert 'data-testid="dotai-1"' not in r.content.decode()
    # The read and the CSV are logged, with the period and no person.
    connection.set_tenant(alpha.municipality)
    logs = list(AccessLog.objects.filter(screen="人口動態").order_by("id"))
    assert [row.action for row in logs] == ["read", "export"]
    assert logs[0].record_id == "2024-01-01..2024-12-31"
    connection.set_schema_to_public()
    # 寒川町's staff see their own (empty) town; they cannot read 葉山町's counts.
    r = other.post("/juminkiroku/tokei/dotai/", {"start": "2024-01-01", "end": "2024-12-31"})
    assert '<th scope="row">転入</th><td>0</td><td>0</td><td>0</td>' in r.content.decode()
