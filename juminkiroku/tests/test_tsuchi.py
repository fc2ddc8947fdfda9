"""通知書 (標準仕様書 4.1.0.3 受理通知, 4.2.0.1 職権記載等通知書, 9.4 成年被後見人): the PDF is
read back, the 発行履歴 and the access log are written, the other town sees nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from juminkiroku.codes import IdoJiyu
from juminkiroku.models import SeinenHikokennin, ShienSochi, TsuchiHakko
from juminkiroku.models.tsuchi import TsuchiAtesaki
from juminkiroku.services.ido import PersonChange, ido_enter
from juminkiroku.services.tsuchi import (
    TsuchiError,
    TsuchiNotFound,
    juri_tsuchi_issue,
    koken_end,
    koken_set,
    koken_tsuchi_issue,
    shokken_kirokusho_issue,
    shokken_tsuchi_bulk,
    shokken_tsuchi_issue,
)
from juminkiroku.tests.certhelpers import set_ninshosha
from juminkiroku.tests.factories import (
    actor_for,
    approve,
    family,
    household_tennyu,
    person_fields,
    tenkyo,
    tenshutsu,
)
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.testing.pdf import pdf_pages

pytestmark = pytest.mark.django_db


def shokken(
    jiyu: str, changes: list[PersonChange], *, ido_date: date, note: str = "", town="hayama"
):
    ido = ido_enter(
        jiyu=jiyu,
        ido_date=ido_date,
        todoke_date=None,
        changes=changes,
        setai_mode="new" if jiyu == IdoJiyu.SHOKKEN_KISAI else "keep",
        note=note,
        actor=actor_for(f"{town}-clerk"),
    )
    return approve(ido, reviewer=f"{town}-shinsa")


@pytest.fixture
def yamada(in_alpha):
    set_ninshosha()
    ido, atenas = household_tennyu("hayama", members=family())
    return ido, atenas


# --- 4.1.0.3 住民異動届受理通知 ---------------------------------------------------------


def test_juri_tsuchi_of_a_tenkyo_goes_to_the_todokenin_at_the_former_address(yamada):
    # given a 転居 of the household, approved
    _, atenas = yamada
    ido = tenkyo(atenas, ido_date=date(2024, 5, 1), todoke_date=date(2024, 5, 2))
    # when the clerk prints the 受理通知 naming the 届出人
    hakko, pdf = juri_tsuchi_issue(
        ido_id=ido.pk, todokenin_shimei="山田　花子", actor=actor_for("hayama-clerk")
    )
    # then the one page holds 届出日, 事由, 届出人, 異動者 and goes to the old address
    (page,) = pdf_pages(pdf)
    assert "住民異動届受理通知" in page
    assert "令和6年5月2日" in page and "転居" in page and "受理しました" in page
    assert "山田太郎、山田花子、山田一郎" in page
    assert "〒240-0112" in page and "葉山町堀内2135番地" in page and "一色" not in page
    assert "山田花子様" in page and "葉山守" in page
    assert hakko.atesaki == TsuchiAtesaki.TODOKENIN_MAE
    assert hakko.atena_ids == [a.pk for a in atenas] and hakko.todokenin_shimei == "山田　花子"
    row = AccessLog.objects.get(action="print", screen="住民異動届受理通知の発行")
    assert row.record_type == "ido" and row.record_id == str(ido.pk)
    assert row.detail["atena_ids"] == hakko.atena_ids


def test_juri_tsuchi_of_a_tennyu_goes_to_the_address_before_the_tennyu(yamada):
    ido, _ = yamada
    _, pdf = juri_tsuchi_issue(
        ido_id=ido.pk, todokenin_shimei="山田　太郎", actor=actor_for("hayama-clerk")
    )
    (page,) = pdf_pages(pdf)
    assert "東京都千代田区霞が関二丁目1番2号" in page and "転入" in page


def test_juri_tsuchi_of_a_birth_goes_to_the_moved_person_at_the_new_address(yamada):
    _, atenas = yamada
    ido = ido_enter(
        jiyu=IdoJiyu.SHUSSEI,
        ido_date=date(2024, 6, 1),
        todoke_date=date(2024, 6, 3),
        changes=[
            PersonChange(
                None,
                person_fields(
                    shimei="山田　二郎",
                    shimei_kana="ヤマダ　ジロウ",
                    birth_date="2024-06-01",
                    zokugara="04",
                    setai_order=4,
                    tennyu_mae_jusho="",
                ),
            )
        ],
        setai_mode="existing",
        setai_id=atenas[0].setai_id,
        actor=actor_for("hayama-clerk"),
    )
    approve(ido, reviewer="hayama-shinsa")
    hakko, pdf = juri_tsuchi_issue(
        ido_id=ido.pk, todokenin_shimei="山田　太郎", actor=actor_for("hayama-clerk")
    )
    (page,) = pdf_pages(pdf)
    assert hakko.atesaki == TsuchiAtesaki.IDOSHA_GO
    assert "山田二郎様" in page and "葉山町堀内2135番地" in page and "出生" in page


def test_juri_tsuchi_refusals_write_nothing(yamada):
    ido, atenas = yamada
    clerk = actor_for("hayama-clerk")
    with pytest.raises(TsuchiError, match="届出人氏名を入力"):
        juri_tsuchi_issue(ido_id=ido.pk, todokenin_shimei="  ", actor=clerk)
    with pytest.raises(TsuchiError, match="届出人氏名"):
        juri_tsuchi_issue(ido_id=ido.pk, todokenin_shimei="山田\x00", actor=clerk)
    with pytest.raises(TsuchiNotFound):
        juri_tsuchi_issue(ido_id=999999, todokenin_shimei="山田", actor=clerk)
    pending = ido_enter(
        jiyu=IdoJiyu.TENKYO,
        ido_date=date(2024, 5, 1),
        todoke_date=date(2024, 5, 1),
        changes=[PersonChange(atenas[0].pk, {"jusho": "神奈川県三浦郡葉山町一色"})],
        actor=clerk,
    )
    with pytest.raises(TsuchiError, match="本登録"):
        juri_tsuchi_issue(ido_id=pending.pk, todokenin_shimei="山田", actor=clerk)
    today = timezone.localdate()
    ShienSochi.objects.create(
        atena=atenas[1],
        start_date=today,
        end_date=today + timedelta(days=30),
        moshide_date=today,
        created_by="test",
    )
    with pytest.raises(TsuchiError, match="支援措置"):
        juri_tsuchi_issue(ido_id=ido.pk, todokenin_shimei="山田", actor=clerk)
    assert TsuchiHakko.objects.count() == 0
    assert not AccessLog.objects.filter(action="print").exists()


def test_juri_tsuchi_is_not_for_shokken(yamada):
    _, atenas = yamada
    ido = shokken(
        IdoJiyu.SHOKKEN_SHOJO, [PersonChange(atenas[2].pk, {})], ido_date=date(2024, 7, 1)
    )
    with pytest.raises(TsuchiError, match="転入届"):
        juri_tsuchi_issue(ido_id=ido.pk, todokenin_shimei="山田", actor=actor_for("hayama-clerk"))


# --- 4.2.0.1 職権記載等通知書 -----------------------------------------------------------


def test_shokken_tsuchi_one_page_per_person_to_the_person(yamada):
    _, atenas = yamada
    ido = shokken(
        IdoJiyu.SHOKKEN_SHOJO,
        [PersonChange(atenas[2].pk, {})],
        ido_date=date(2024, 7, 1),
        note="実態調査により居住の事実なし",
    )
    (hakko,), pdf = shokken_tsuchi_issue(ido_ids=[ido.pk], actor=actor_for("hayama-clerk"))
    (page,) = pdf_pages(pdf)
    assert "職権記載等通知書" in page and "職権消除" in page and "住民票の消除" in page
    assert "山田一郎様" in page and "令和6年7月1日" in page and "居住の事実なし" in page
    assert hakko.atena_ids == [atenas[2].pk] and hakko.atesaki == TsuchiAtesaki.KISAISHA
    assert (
        AccessLog.objects.filter(action="print", record_type="ido", record_id=str(ido.pk)).count()
        == 1
    )


def test_shokken_tsuchi_bulk_by_period(yamada):
    _, atenas = yamada
    a = shokken(
        IdoJiyu.SHOKKEN_SHUSEI,
        [PersonChange(atenas[0].pk, {"banchi": "2136番地"})],
        ido_date=date(2024, 7, 1),
    )
    b = shokken(IdoJiyu.SHOKKEN_SHOJO, [PersonChange(atenas[2].pk, {})], ido_date=date(2024, 8, 1))
    shokken(IdoJiyu.SHOKKEN_SHOJO, [PersonChange(atenas[1].pk, {})], ido_date=date(2024, 9, 2))
    hakko, pdf = shokken_tsuchi_bulk(
        date_from=date(2024, 7, 1), date_to=date(2024, 8, 31), actor=actor_for("hayama-clerk")
    )
    pages = pdf_pages(pdf)
    assert [h.ido_id for h in hakko] == [a.pk, b.pk]
    assert len(pages) == 2 and "職権修正" in pages[0] and "2136番地" in pages[0]
    assert "山田一郎様" in pages[1] and "山田花子" not in "".join(pages)
    with pytest.raises(TsuchiError, match="期間に職権記載等"):
        shokken_tsuchi_bulk(
            date_from=date(2023, 1, 1), date_to=date(2023, 12, 31), actor=actor_for("hayama-clerk")
        )
    with pytest.raises(TsuchiError, match="1年以内"):
        shokken_tsuchi_bulk(
            date_from=date(2020, 1, 1), date_to=date(2024, 12, 31), actor=actor_for("hayama-clerk")
        )
    assert TsuchiHakko.objects.count() == 2


def test_shokken_tsuchi_refuses_a_todoke(yamada):
    ido, _ = yamada
    with pytest.raises(TsuchiError, match="職権記載・職権消除・職権修正"):
        shokken_tsuchi_issue(ido_ids=[ido.pk], actor=actor_for("hayama-clerk"))
    assert TsuchiHakko.objects.count() == 0


# --- 9.4 成年被後見人 ---------------------------------------------------------------


def test_koken_tenshutsu_notice_to_the_new_town(yamada):
    _, atenas = yamada
    clerk = actor_for("hayama-clerk")
    koken_set(atena_id=atenas[1].pk, kaishi_date=date(2023, 4, 1), note="", actor=clerk)
    with pytest.raises(TsuchiError, match="既に"):
        koken_set(atena_id=atenas[1].pk, kaishi_date=date(2023, 4, 1), note="", actor=clerk)
    ido = tenshutsu(atenas[1], ido_date=date(2024, 10, 1), todoke_date=date(2024, 9, 20))
    hakko, pdf = koken_tsuchi_issue(ido_id=ido.pk, actor=clerk)
    (page,) = pdf_pages(pdf)
    assert "成年被後見人の転出通知書" in page and "山田花子" in page
    assert "東京都新宿区西新宿二丁目8番1号" in page and "転入地の市区町村長様" in page
    assert hakko.atesaki == TsuchiAtesaki.TENNYUCHI and hakko.atena_ids == [atenas[1].pk]


def test_koken_notice_only_for_a_person_set(yamada):
    _, atenas = yamada
    clerk = actor_for("hayama-clerk")
    koken_set(atena_id=atenas[0].pk, kaishi_date=date(2023, 4, 1), note="", actor=clerk)
    koken_end(atena_id=atenas[0].pk, actor=clerk)
    assert SeinenHikokennin.objects.get().ended_by == "hayama-clerk"
    ido = tenshutsu(atenas[0], ido_date=date(2024, 10, 1), todoke_date=date(2024, 9, 20))
    with pytest.raises(TsuchiError, match="設定された方がいません"):
        koken_tsuchi_issue(ido_id=ido.pk, actor=clerk)
    with pytest.raises(TsuchiError, match="未来"):
        koken_set(atena_id=atenas[0].pk, kaishi_date=date(2999, 1, 1), note="", actor=clerk)
    assert TsuchiHakko.objects.count() == 0


# --- two towns -----------------------------------------------------------------------


def test_the_other_town_cannot_print_or_see_the_notices(alpha, beta):
    connection.set_tenant(alpha.municipality)
    set_ninshosha()
    ido, _ = household_tennyu("hayama", members=family())
    juri_tsuchi_issue(ido_id=ido.pk, todokenin_shimei="山田　太郎", actor=actor_for("hayama-clerk"))
    connection.set_tenant(beta.municipality)
    set_ninshosha()
    with pytest.raises(TsuchiNotFound):
        juri_tsuchi_issue(ido_id=ido.pk, todokenin_shimei="山田", actor=actor_for("samukawa-clerk"))
    with pytest.raises(TsuchiNotFound):
        shokken_tsuchi_issue(ido_ids=[ido.pk], actor=actor_for("samukawa-clerk"))
    assert TsuchiHakko.objects.count() == 0
    assert not AccessLog.objects.filter(action="print").exists()
    connection.set_tenant(alpha.municipality)
    assert TsuchiHakko.objects.count() == 1


def test_shokken_kirokusho_lists_the_items_before_and_after(yamada):
    # given a 職権修正 of the head's 番地 with its 事由
    _, atenas = yamada
    ido = shokken(
        IdoJiyu.SHOKKEN_SHUSEI,
        [PersonChange(atenas[0].pk, {"banchi": "2136番地"})],
        ido_date=date(2024, 7, 1),
        note="現地調査により番地を修正",
    )
    # when its 職権記録書 is made
    hakko, pdf = shokken_kirokusho_issue(ido_id=ido.pk, actor=actor_for("hayama-clerk"))
    # then it records the 事由, who entered and approved, and the item before and after
    text = "".join(pdf_pages(pdf))
    assert "職権記録書" in text and ido.ido_no in text and "職権修正" in text
    assert "現地調査により番地を修正" in text and "hayama-clerk" in text and "hayama-shinsa" in text
    assert "番地2135番地2136番地" in text and atenas[0].atena_no in text
    assert "氏名" not in text.split("番地2135番地")[1]
    assert hakko.atesaki == TsuchiAtesaki.CHONAI
    juri = household_tennyu("hayama", members=[person_fields(shimei="別人　一")])[0]
    with pytest.raises(TsuchiError, match="職権記録書は"):
        shokken_kirokusho_issue(ido_id=juri.pk, actor=actor_for("hayama-clerk"))


def test_a_todoke_kind_done_by_shokken_gets_the_shokken_notice(yamada):
    # given a 転居 entered without a 届出 (no 届出日): done by 職権 (4.2.0.2)
    _, atenas = yamada
    ido = ido_enter(
        jiyu=IdoJiyu.TENKYO,
        ido_date=date(2024, 8, 1),
        todoke_date=None,
        changes=[
            PersonChange(atenas[0].pk, {"jusho": "神奈川県三浦郡葉山町一色", "banchi": "5番地"})
        ],
        actor=actor_for("hayama-clerk"),
    )
    approve(ido, reviewer="hayama-shinsa")
    # then it gets the 職権記載等通知書 and the 職権記録書, alone or in the period's batch
    (hakko,), pdf = shokken_tsuchi_issue(ido_ids=[ido.pk], actor=actor_for("hayama-clerk"))
    (page,) = pdf_pages(pdf)
    assert "職権による転居" in page and "住民票の修正" in page and "葉山町一色5番地" in page
    assert hakko.atesaki == TsuchiAtesaki.KISAISHA
    _, kiroku = shokken_kirokusho_issue(ido_id=ido.pk, actor=actor_for("hayama-clerk"))
    assert "職権による転居" in "".join(pdf_pages(kiroku))
    rows, _ = shokken_tsuchi_bulk(
        date_from=date(2024, 8, 1), date_to=date(2024, 8, 1), actor=actor_for("hayama-clerk")
    )
    assert [r.ido_id for r in rows] == [ido.pk]
    # and no 受理通知: there was no 届出
    with pytest.raises(TsuchiError, match="届出日のない"):
        juri_tsuchi_issue(ido_id=ido.pk, todokenin_shimei="山田", actor=actor_for("hayama-clerk"))
