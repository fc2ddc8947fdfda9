"""The 異動事由 of 標準仕様書 1.2.2 that had no code: 帰化・国籍取得・国籍喪失 (4.5.3–4.5.5),
住所設定・未届転入 (4.1.1.4, 4.2.1.1), 失踪 (4.2.2.2), 軽微な修正 (4.2.3.2), 個人番号・住民票
コードの変更と職権記載, 改製・再製 (1.1.4). Each through 仮登録 → 本登録, with its event."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from juminkiroku import events
from juminkiroku.codes import (
    STANDARD_KUBUN,
    IdoJiyu,
    JuminJotai,
    JuminShubetsu,
    Sex,
    torikeshi_kubun,
)
from juminkiroku.models import Atena, AtenaRireki, Ido
from juminkiroku.selectors.kaisei import kaisei_history
from juminkiroku.services.ido import IdoError, PersonChange, ido_cancel_enter, ido_enter
from juminkiroku.tests.factories import (
    actor_for,
    approve,
    family,
    household_tennyu,
    person_fields,
)
from tenants.db import connection
from tenants.events.models import DomainEvent

pytestmark = pytest.mark.django_db

D = date(2024, 6, 1)


def enter(jiyu: str, changes: list[PersonChange], **kw: Any) -> Ido:
    kw.setdefault("setai_mode", "keep")
    return ido_enter(
        jiyu=jiyu,
        ido_date=kw.pop("ido_date", D),
        todoke_date=kw.pop("todoke_date", None),
        changes=changes,
        actor=actor_for("hayama-clerk"),
        **kw,
    )


def enter_approve(jiyu: str, changes: list[PersonChange], **kw: Any) -> Ido:
    return approve(enter(jiyu, changes, **kw), reviewer="hayama-shinsa")


def last_event(ido: Ido) -> tuple[str, dict[str, Any]]:
    ev = DomainEvent.objects.filter(payload__ido_id=ido.pk).order_by("id").first()
    assert ev is not None
    return ev.name, ev.payload


FOREIGN = {
    "shimei": "ＳＭＩＴＨ　ＪＯＨＮ",
    "shimei_kana": "スミス　ジョン",
    "alpha_name": "SMITH JOHN",
    "shubetsu": JuminShubetsu.GAIKOKUJIN,
    "kokuseki": "アメリカ合衆国",
    "zairyu_shikaku": "永住者",
    "zairyu_card_no": "AB12345678CD",
    "tsusho": "山本　ジョン",
    "honseki": "",
    "hittosha": "",
}


@pytest.fixture
def foreigner(in_alpha):
    _, (person,) = household_tennyu("hayama", members=[person_fields(**FOREIGN)])
    return person


def test_every_kubun_of_the_standard_is_reached_by_a_code():
    # 標準仕様書 1.2.2 lists these 区分; each must be reachable from our codes.
    standard = {
        "記載": "国内転入 国外転入等 出生 職権記載（帰化等） 職権記載（国籍喪失） 職権記載 "
        "改製 再製 異動の取消し（増）",
        "消除": "国内転出 国外転出 死亡 職権消除（帰化等） 職権消除（国籍喪失） 職権消除 "
        "改製 再製 異動の取消し（減）",
        "修正": "転居 軽微な修正 職権修正 誤記修正 個人番号の変更請求 個人番号の職権修正 "
        "個人番号の職権記載 住民票コードの変更請求 住民票コードの職権記載 世帯分離 世帯合併 "
        "世帯変更 世帯主変更 旧氏の記載 旧氏の変更 旧氏の削除 通称の記載 通称の削除 "
        "異動の取消し（修正）",
    }
    wanted = {f"{g}:{k}" for g, ks in standard.items() for k in ks.split()}
    reached = {k for ks in STANDARD_KUBUN.values() for k in ks}
    assert wanted == reached
    assert set(STANDARD_KUBUN) == set(IdoJiyu.values)
    # 【実装しない機能】: no 「転居取消」 区分.
    assert not any("転居取消" in k for k in reached)
    assert not any("転居取消" in j.label for j in IdoJiyu)
    assert torikeshi_kubun(IdoJiyu.SHIBO) == "記載:異動の取消し（増）"
    assert torikeshi_kubun(IdoJiyu.TENNYU) == "消除:異動の取消し（減）"
    assert torikeshi_kubun(IdoJiyu.TENKYO) == "修正:異動の取消し（修正）"


def test_kika_writes_a_japanese_juminhyo_on_the_same_atena(foreigner):
    before_version = AtenaRireki.objects.get(atena=foreigner, valid_to__isnull=True)
    ido = enter_approve(
        IdoJiyu.KIKA,
        [
            PersonChange(
                foreigner.pk,
                {
                    "shimei": "住井　譲",
                    "shimei_kana": "スミイ　ジョウ",
                    "honseki": "神奈川県三浦郡葉山町堀内2135番地",
                    "hittosha": "住井　譲",
                },
            )
        ],
        todoke_date=D,
    )
    person = Atena.objects.get(pk=foreigner.pk)
    assert person.atena_no == foreigner.atena_no  # 宛名番号 carried over (4.5.3)
    assert person.shubetsu == JuminShubetsu.NIHONJIN
    assert person.jotai == JuminJotai.JUMIN
    assert (person.kokuseki, person.alpha_name, person.zairyu_card_no, person.tsusho) == (
        "",
        "",
        "",
        "",
    )
    assert person.jumin_date == D  # the new 住民票's 住民となった日
    assert person.jutei_date == foreigner.jutei_date  # 住所を定めた日 carried over
    assert person.setai_id == foreigner.setai_id and person.jusho == foreigner.jusho
    # The foreign 住民票 is closed, kept as history.
    before_version.refresh_from_db()
    assert before_version.valid_to == D and before_version.shubetsu == JuminShubetsu.GAIKOKUJIN
    name, payload = last_event(ido)
    assert name == events.KIKA.name
    assert payload["shubetsu"] == JuminShubetsu.NIHONJIN
    assert payload["atena_ids"] == [foreigner.pk]


def test_kika_refused_for_a_japanese_resident_and_needs_the_new_honseki(in_alpha):
    _, (head,) = household_tennyu("hayama")
    with pytest.raises(IdoError, match="外国人住民についてだけ"):
        enter(IdoJiyu.KOKUSEKI_SHUTOKU, [PersonChange(head.pk, {"honseki": "東京都"})])
    _, (f,) = household_tennyu(
        "hayama", members=[person_fields(**FOREIGN, birth_date="1990-01-01")]
    )
    with pytest.raises(IdoError) as exc:
        enter(IdoJiyu.KIKA, [PersonChange(f.pk, {"shimei": "住井　譲"})])
    assert "persons.0.honseki" in exc.value.errors
    with pytest.raises(IdoError, match="世帯は変わりません"):
        enter(
            IdoJiyu.KIKA,
            [PersonChange(f.pk, {"shimei": "住井　譲", "shimei_kana": "スミイ"})],
            setai_mode="new",
        )
    assert Ido.objects.filter(jiyu__in=[IdoJiyu.KIKA, IdoJiyu.KOKUSEKI_SHUTOKU]).count() == 0


def test_kokuseki_soshitsu_writes_a_foreign_juminhyo(in_alpha):
    _, (head,) = household_tennyu("hayama")
    with pytest.raises(IdoError) as exc:
        enter(IdoJiyu.KOKUSEKI_SOSHITSU, [PersonChange(head.pk, {})])
    assert {"persons.0.alpha_name", "persons.0.kokuseki"} <= set(exc.value.errors)
    ido = enter_approve(
        IdoJiyu.KOKUSEKI_SOSHITSU,
        [PersonChange(head.pk, {"alpha_name": "YAMADA TARO", "kokuseki": "カナダ"})],
    )
    person = Atena.objects.get(pk=head.pk)
    assert person.shubetsu == JuminShubetsu.GAIKOKUJIN
    assert (person.honseki, person.hittosha) == ("", "")
    assert person.shimei == head.shimei and person.atena_no == head.atena_no
    assert last_event(ido)[0] == events.KOKUSEKI_SOSHITSU.name


def test_mitodoke_tennyu_marks_the_address_and_keeps_the_last_registered_one(in_alpha):
    ido = ido_enter(
        jiyu=IdoJiyu.MITODOKE_TENNYU,
        ido_date=D,
        todoke_date=None,
        changes=[
            PersonChange(
                None,
                person_fields(tennyu_mae_jusho="東京都港区芝公園一丁目"),
                saishu_toroku_jusho="大阪府大阪市北区中之島一丁目",
            )
        ],
        setai_mode="new",
        actor=actor_for("hayama-clerk"),
    )
    assert ido.payload["persons"][0]["saishu_toroku_jusho"] == "大阪府大阪市北区中之島一丁目"
    approve(ido, reviewer="hayama-shinsa")
    person = Atena.objects.get(rireki__ido=ido)
    assert person.tennyu_mae_jusho == "東京都港区芝公園一丁目（未届）"
    assert last_event(ido)[0] == events.MITODOKE_TENNYU.name


def test_jusho_settei_takes_fumei_or_a_blank_previous_address(in_alpha):
    ido = enter_approve(
        IdoJiyu.JUSHO_SETTEI,
        [PersonChange(None, person_fields(tennyu_mae_jusho="不明"))],
        setai_mode="new",
    )
    assert Atena.objects.get(rireki__ido=ido).tennyu_mae_jusho == "不明"
    assert last_event(ido)[0] == events.JUSHO_SETTEI.name


def test_shisso_is_a_shokken_shojo(in_alpha):
    _, (_, _, child) = household_tennyu("hayama", members=family())
    ido = enter_approve(IdoJiyu.SHISSO, [PersonChange(child.pk, {})])
    child.refresh_from_db()
    assert child.jotai == JuminJotai.SHOKKEN_SHOJO and child.shojo_jiyu == IdoJiyu.SHISSO
    assert child.shojo_date == D
    assert last_event(ido)[0] == events.SHISSO.name


def test_keibi_shusei_corrects_only_name_or_address(in_alpha):
    _, (head,) = household_tennyu("hayama")
    with pytest.raises(IdoError, match="氏名と住所だけ"):
        enter(IdoJiyu.KEIBI_SHUSEI, [PersonChange(head.pk, {"birth_date": "1980-05-06"})])
    with pytest.raises(IdoError, match="修正する氏名または住所"):
        enter(IdoJiyu.KEIBI_SHUSEI, [PersonChange(head.pk, {})])
    ido = enter_approve(IdoJiyu.KEIBI_SHUSEI, [PersonChange(head.pk, {"banchi": "2135番地1"})])
    head.refresh_from_db()
    assert head.banchi == "2135番地1"
    name, payload = last_event(ido)
    assert name == events.KEIBI_SHUSEI.name and payload["items"] == ["banchi"]


def test_bango_changes_need_the_right_kind(in_alpha):
    _, (head,) = household_tennyu("hayama")
    assert head.kojin_bango == ""
    with pytest.raises(IdoError, match="職権記載の事由"):
        enter(IdoJiyu.KOJIN_BANGO_HENKO, [PersonChange(head.pk, {"kojin_bango": "123456789018"})])
    with pytest.raises(IdoError, match="個人番号だけ"):
        enter(
            IdoJiyu.KOJIN_BANGO_SHOKKEN_KISAI,
            [PersonChange(head.pk, {"kojin_bango": "123456789018", "banchi": "1"})],
        )
    ido = enter_approve(
        IdoJiyu.KOJIN_BANGO_SHOKKEN_KISAI, [PersonChange(head.pk, {"kojin_bango": "123456789018"})]
    )
    name, payload = last_event(ido)
    assert name == events.KOJIN_BANGO_HENKO.name and payload["items"] == ["kojin_bango"]
    assert "123456789018" not in str(payload)
    with pytest.raises(IdoError, match="既に個人番号"):
        enter(
            IdoJiyu.KOJIN_BANGO_SHOKKEN_KISAI,
            [PersonChange(head.pk, {"kojin_bango": "100000000005"})],
        )
    with pytest.raises(IdoError, match="変わっていません"):
        enter(IdoJiyu.KOJIN_BANGO_HENKO, [PersonChange(head.pk, {"kojin_bango": "123456789018"})])
    with pytest.raises(IdoError, match="職権記載の事由"):
        enter(
            IdoJiyu.JUMINHYO_CODE_HENKO, [PersonChange(head.pk, {"juminhyo_code": "12345678903"})]
        )


def test_kaisei_keeps_the_kaiseigen_juminhyo_as_history(in_alpha):
    _, (head, _, _) = household_tennyu("hayama", members=family())
    with pytest.raises(IdoError, match="記載事項を変更できません"):
        enter(IdoJiyu.KAISEI, [PersonChange(head.pk, {"banchi": "1"})])
    ido = enter_approve(IdoJiyu.KAISEI, [PersonChange(head.pk, {})])
    versions = list(AtenaRireki.objects.filter(atena=head, superseded=False).order_by("valid_from"))
    assert len(versions) == 2
    gen, new = versions
    assert gen.valid_to == D and new.valid_from == D and new.ido_id == ido.pk
    assert (gen.shimei, gen.jusho) == (new.shimei, new.jusho)
    history = kaisei_history(head.pk)
    assert [(h.ido_id, h.kaisei_date) for h in history] == [(ido.pk, D)]
    assert history[0].genpyo_rireki_ids == (gen.pk,)
    assert last_event(ido)[0] == events.KAISEI.name
    # A 改製 can be cancelled like any 異動.
    cancel = ido_cancel_enter(
        cancels_id=ido.pk, ido_date=D, note="誤って改製", actor=actor_for("hayama-clerk")
    )
    approve(cancel, reviewer="hayama-shinsa")
    assert kaisei_history(head.pk) == []


def test_walls_new_kinds_cannot_reach_another_towns_resident(alpha, beta):
    connection.set_tenant(alpha.municipality)
    _, (f,) = household_tennyu("hayama", members=[person_fields(**FOREIGN, sex=Sex.FEMALE)])
    connection.set_tenant(beta.municipality)
    # samukawa's clerk names hayama's 宛名 id: it does not exist there.
    with pytest.raises(IdoError, match="見つかりません"):
        ido_enter(
            jiyu=IdoJiyu.KIKA,
            ido_date=D,
            todoke_date=None,
            changes=[PersonChange(f.pk, {"shimei": "住井", "shimei_kana": "スミイ"})],
            actor=actor_for("samukawa-clerk"),
        )
    assert Ido.objects.count() == 0
    connection.set_tenant(alpha.municipality)
    assert Atena.objects.get(pk=f.pk).shubetsu == JuminShubetsu.GAIKOKUJIN


def test_screens_enter_kika_on_the_person_and_kaisei_with_no_items(login, alpha):
    from tests.personas import ALPHA_HOST

    connection.set_tenant(alpha.municipality)
    _, (f,) = household_tennyu("hayama", members=[person_fields(**FOREIGN)])
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    menu = clerk.get("/juminkiroku/ido/new/").content.decode()
    # 帰化 is chosen with the person's 宛名番号, not as a new person
    assert 'value="K05"' in menu and 'data-testid="jiyu-K05"' not in menu
    assert clerk.get("/juminkiroku/ido/new/K05/member/?n=2").status_code == 404
    page = clerk.get(f"/juminkiroku/ido/new/K05/?atena={f.pk}").content.decode()
    assert f'name="m{f.pk}-honseki"' in page and 'name="n1-shimei"' not in page
    r = clerk.post(
        f"/juminkiroku/ido/new/K05/?atena={f.pk}",
        {
            "ido_date": "令和6年6月1日",
            f"sel-{f.pk}": "on",
            f"m{f.pk}-shimei": "住井　譲",
            f"m{f.pk}-shimei_kana": "スミイ　ジョウ",
            f"m{f.pk}-honseki": "神奈川県三浦郡葉山町堀内2135番地",
            f"m{f.pk}-hittosha": "住井　譲",
        },
    )
    assert r.status_code == 302, r.content.decode()[-2000:]
    r = clerk.post(
        f"/juminkiroku/ido/new/M15/?atena={f.pk}",
        {"ido_date": "令和6年6月1日", f"sel-{f.pk}": "on"},
    )
    # the person has a 仮登録 pending (the 帰化): one at a time
    assert r.status_code == 200 and "異動入力中" in r.content.decode()
    connection.set_tenant(alpha.municipality)
    ido = Ido.objects.get(jiyu=IdoJiyu.KIKA)
    assert ido.payload["persons"][0]["fields"]["honseki"].startswith("神奈川県")
    assert ido.payload["setai"]["mode"] == "keep"


def test_the_review_screen_shows_the_saishu_toroku_jusho(login, alpha):
    from tests.personas import ALPHA_HOST

    connection.set_tenant(alpha.municipality)
    ido = ido_enter(
        jiyu=IdoJiyu.MITODOKE_TENNYU,
        ido_date=D,
        todoke_date=None,
        changes=[
            PersonChange(
                None,
                person_fields(tennyu_mae_jusho="東京都港区芝公園一丁目"),
                saishu_toroku_jusho="大阪府大阪市北区中之島一丁目",
            )
        ],
        setai_mode="new",
        actor=actor_for("hayama-clerk"),
    )
    connection.set_schema_to_public()
    page = login("hayama-shinsa", ALPHA_HOST).get(f"/juminkiroku/ido/{ido.pk}/").content.decode()
    assert "最終登録住所地" in page and "大阪府大阪市北区中之島一丁目" in page
    assert "東京都港区芝公園一丁目（未届）" in page
