"""証明書の発行 (service level): what is printed, what is not, and who may not have it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from juminkiroku.codes import (
    IdoJiyu,
    JuminShubetsu,
    Seikyusha,
    ShomeiKind,
    ShomeiLayout,
    YokushiLevel,
    YokushiProcess,
)
from juminkiroku.forms.fit import TextTooLong, fit_class
from juminkiroku.forms.shomei import SheetOptions, person_rows
from juminkiroku.models import Atena, ShienSochi, ShomeiKofu, Yokushi
from juminkiroku.selectors.kofu import issued_count, kofu_search
from juminkiroku.services.ido import PersonChange, ido_enter
from juminkiroku.services.numbering import hakko_no_text
from juminkiroku.services.shomei import (
    ShomeiError,
    ShomeiNotFound,
    shomei_issue,
    shomei_precheck,
    shomei_void,
)
from juminkiroku.tests.certhelpers import NINSHOSHA_NAME, set_koin, set_ninshosha
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
from tenants.checkdigits import juminhyo_code_check_digit, kojin_bango_check_digit
from tenants.db import connection
from tenants.params.tenant.models import MunicipalParameter
from tenants.pdf import ExternalResourceRefused, png_data_only_fetcher, refuse_external
from tenants.testing.pdf import pdf_pages, squash
from tenants.wareki import format_wareki

pytestmark = pytest.mark.django_db

NINSHO = "この写しは、住民票の原本と相違ないことを証明する。"


def printed_no(key: str, page: int, pages: int) -> str:
    """The 発行番号 as printed on page ``page`` of ``pages`` of one copy (標準仕様書 5.5)."""
    return squash(f"発行番号 {hakko_no_text(key, town_name='葉山町', terminal='T-TEST')}") + (
        f"{page}/{pages}"
    )


JUMINHYO_CODE = "1234567890" + str(juminhyo_code_check_digit("1234567890"))
KOJIN_BANGO = "12345678901" + str(kojin_bango_check_digit("12345678901"))


def issue(**overrides: Any) -> tuple[ShomeiKofu, bytes]:
    args: dict[str, Any] = {
        "kind": ShomeiKind.JUMINHYO,
        "layout": ShomeiLayout.RENKI,
        "atena_ids": None,
        "setai_id": None,
        "items": {},
        "copies": 1,
        "seikyusha": Seikyusha.HONNIN,
        "actor": actor_for("hayama-clerk"),
    }
    args.update(overrides)
    return shomei_issue(**args)


@pytest.fixture
def household(in_alpha):
    set_ninshosha()
    members = family()
    members[0].update(juminhyo_code=JUMINHYO_CODE, kojin_bango=KOJIN_BANGO, kana_kakunin=True)
    _, atenas = household_tennyu("hayama", members=members)
    return atenas


def test_renki_whole_household_prints_the_items_and_nothing_optional(household):
    head, wife, child = household
    kofu, pdf = issue(setai_id=head.setai_id)
    pages = pdf_pages(pdf)
    text = "".join(pages)
    for expected in (
        "住民票の写し",
        "世帯全員",
        "山田太郎",
        "ヤマダタロウ",  # フリガナ: 確認済みの人だけ
        "山田花子",
        "山田一郎",
        "昭和55年5月5日",
        "昭和57年7月7日",
        "平成22年4月1日",
        "神奈川県三浦郡葉山町堀内2135番地",
        "住民となった日",
        "令和2年4月1日",
        "住所を定めた日",
        "令和2年4月1日届出",
        "転入前住所",
        "東京都千代田区霞が関二丁目1番2号",
        "男",
        "女",
        NINSHO,
        format_wareki(timezone.localdate()),
        "葉山町長" + squash(NINSHOSHA_NAME),
        printed_no(kofu.hakko_no, 1, 1),
    ):
        assert squash(expected) in text, expected
    for absent in ("本籍", "筆頭者", "個人番号", KOJIN_BANGO, "住民票コード", JUMINHYO_CODE):
        assert absent not in text, absent
    assert "続柄" not in text and "世帯主" not in text and "妻" not in text
    assert "ヤマダハナコ" not in text  # フリガナ not confirmed: not printed
    # 世帯連記式: members in setai_order
    assert text.index("山田太郎") < text.index("山田花子") < text.index("山田一郎")
    assert kofu.kind == ShomeiKind.JUMINHYO and kofu.layout == ShomeiLayout.RENKI
    assert kofu.atena_ids == [head.pk, wife.pk, child.pk]
    assert kofu.setai_id == head.setai_id
    assert kofu.pages == len(pages) and kofu.copies == 1
    assert kofu.issued_by == "hayama-clerk" and kofu.terminal == "T-TEST"
    assert kofu.kojin_bango_printed is False
    log = AccessLog.objects.get(action="print", record_id=str(kofu.pk))
    assert log.record_type == "shomei_kofu" and log.mynumber_viewed is False
    assert log.detail["pages"] == kofu.pages
    assert log.detail["hakko_no"] == kofu.hakko_no
    assert log.detail["copies"] == 1 and log.detail["kojin_bango_printed"] is False
    assert "山田" not in str(log.detail)


def test_optional_items_are_printed_when_asked(household):
    head, *_ = household
    items = {"setainushi": True, "honseki": True, "juminhyo_code": True, "kojin_bango": True}
    kofu, pdf = issue(setai_id=head.setai_id, items=items)
    text = "".join(pdf_pages(pdf))
    for expected in (
        "世帯主",
        "続柄",
        "妻",
        "子",
        "本籍",
        "神奈川県三浦郡葉山町堀内2135番地",
        "筆頭者",
        "住民票コード",
        JUMINHYO_CODE,
        "個人番号",
        KOJIN_BANGO,
    ):
        assert expected in text, expected
    assert kofu.kojin_bango_printed is True
    assert kofu.items["kojin_bango"] is True and kofu.items["rireki"] is False
    log = AccessLog.objects.get(action="print", record_id=str(kofu.pk))
    assert log.mynumber_viewed is True and log.detail["kojin_bango_printed"] is True


def test_kojin_layout_one_person_a_page_ninsho_and_number_placement(household):
    head, _, child = household
    kofu, pdf = issue(layout=ShomeiLayout.KOJIN, atena_ids=[child.pk, head.pk], copies=1)
    pages = pdf_pages(pdf)
    assert len(pages) == 2 == kofu.pages
    assert "山田太郎" in pages[0] and "山田一郎" not in pages[0]
    assert "山田一郎" in pages[1] and "山田太郎" not in pages[1]
    assert "山田花子" not in "".join(pages)
    assert NINSHO not in pages[0] and NINSHO in pages[1]
    assert printed_no(kofu.hakko_no, 1, 2) in pages[0]
    assert printed_no(kofu.hakko_no, 2, 2) in pages[1]
    # 個人票 carries the address on each person's page
    assert all("神奈川県三浦郡葉山町堀内2135番地" in p for p in pages)


def test_copies_repeat_the_form_each_with_its_own_ninsho(household):
    head, wife, _ = household
    kofu, pdf = issue(layout=ShomeiLayout.KOJIN, atena_ids=[head.pk, wife.pk], copies=3)
    pages = pdf_pages(pdf)
    assert kofu.pages == 2 and len(pages) == 6
    assert [NINSHO in p for p in pages] == [False, True] * 3
    # 標準仕様書 5.5: every copy its own 発行番号, each page "n/N" within its copy
    assert len(kofu.hakko_nos) == 3 == len(set(kofu.hakko_nos))
    assert kofu.hakko_nos[0] == kofu.hakko_no
    for copy, key in enumerate(kofu.hakko_nos):
        assert printed_no(key, 1, 2) in pages[2 * copy]
        assert printed_no(key, 2, 2) in pages[2 * copy + 1]
        others = set(kofu.hakko_nos) - {key}
        assert not any(o.split("-")[1] in pages[2 * copy] for o in others)


def test_kojin_bango_only_for_honnin_and_refusals_write_nothing(household):
    head, *_ = household
    before = AccessLog.objects.count()
    koyo = {"koyo_kikan": "横浜地方裁判所", "koyo_mokuteki": "訴訟手続"}
    for seikyusha, extra in (
        (Seikyusha.DAIRININ, {}),
        (Seikyusha.DAISANSHA, {}),
        (Seikyusha.KOYO, koyo),
    ):
        with pytest.raises(ShomeiError, match="個人番号は本人又は同一世帯"):
            issue(atena_ids=[head.pk], seikyusha=seikyusha, items={"kojin_bango": True}, **extra)
    with pytest.raises(ShomeiError, match="記載事項"):
        issue(atena_ids=[head.pk], items={"shimei_kana": True})
    with pytest.raises(ShomeiError, match="通数"):
        issue(atena_ids=[head.pk], copies=0)
    assert ShomeiKofu.objects.count() == 0
    assert AccessLog.objects.count() == before


def test_shien_sochi_refuses_third_party_and_warns_for_honnin(household):
    head, wife, _ = household
    today = timezone.localdate()
    ShienSochi.objects.create(
        atena=wife,
        start_date=today - timedelta(days=10),
        end_date=today + timedelta(days=300),
        moshide_date=today - timedelta(days=10),
        created_by="test",
    )
    with pytest.raises(ShomeiError, match="第三者からの請求には交付できません"):
        issue(setai_id=head.setai_id, seikyusha=Seikyusha.DAISANSHA)
    assert ShomeiKofu.objects.count() == 0
    # a third party may still have a household member not under the measure
    kofu, _ = issue(atena_ids=[head.pk], seikyusha=Seikyusha.DAISANSHA)
    assert "warnings" not in kofu.items
    check = shomei_precheck(
        kind=ShomeiKind.JUMINHYO, atena_ids=None, setai_id=head.setai_id, seikyusha="honnin"
    )
    assert check.warnings and "支援措置" in check.warnings[0]
    kofu, pdf = issue(setai_id=head.setai_id, seikyusha=Seikyusha.HONNIN)
    assert any("支援措置" in w for w in kofu.items["warnings"])
    assert "山田花子" in "".join(pdf_pages(pdf))


def test_shien_sochi_past_its_end_keeps_refusing_until_a_clerk_ends_it(household):
    """標準仕様書 3.1/3.4: the 終了日 passing does not end a 支援措置; a clerk ends it."""
    head, wife, _ = household
    today = timezone.localdate()
    shien = ShienSochi.objects.create(
        atena=wife,
        start_date=today - timedelta(days=400),
        end_date=today - timedelta(days=1),
        moshide_date=today - timedelta(days=400),
        created_by="test",
    )
    with pytest.raises(ShomeiError, match="第三者"):
        issue(setai_id=head.setai_id, seikyusha=Seikyusha.DAISANSHA)
    ShienSochi.objects.filter(pk=shien.pk).update(ended_at=timezone.now())
    kofu, _ = issue(setai_id=head.setai_id, seikyusha=Seikyusha.DAISANSHA)
    assert kofu.pk


def test_hakko_yokushi_error_refuses_and_alert_warns(household):
    head, wife, _ = household
    today = timezone.localdate()
    lock = Yokushi.objects.create(
        setai_id=head.setai_id,
        process=YokushiProcess.HAKKO,
        level=YokushiLevel.ERROR,
        start_date=today,
        reason="テスト",
        created_by="test",
    )
    with pytest.raises(ShomeiError, match="発行抑止"):
        issue(atena_ids=[wife.pk], layout=ShomeiLayout.KOJIN)
    assert ShomeiKofu.objects.count() == 0
    # an 異動 lock does not stop printing; a released lock neither
    Yokushi.objects.filter(pk=lock.pk).update(process=YokushiProcess.IDO)
    issue(atena_ids=[wife.pk], layout=ShomeiLayout.KOJIN)
    Yokushi.objects.filter(pk=lock.pk).update(
        process=YokushiProcess.HAKKO, level=YokushiLevel.ALERT
    )
    kofu, _ = issue(atena_ids=[wife.pk], layout=ShomeiLayout.KOJIN)
    assert any("発行アラート" in w for w in kofu.items["warnings"])


def _shibo(person: Atena, day: date):
    ido = ido_enter(
        jiyu=IdoJiyu.SHIBO,
        ido_date=day,
        todoke_date=day,
        changes=[PersonChange(person.pk, {})],
        setainushi_fuzai_ok=True,  # 標準仕様書 4.0.4: the 世帯主 may leave two behind
        actor=actor_for("hayama-clerk"),
    )
    return approve(ido, reviewer="hayama-shinsa")


def test_johyo_of_a_deceased_person(household):
    head, wife, child = household
    _shibo(head, date(2024, 3, 3))
    with pytest.raises(ShomeiError, match="除票の写しで発行してください"):
        issue(atena_ids=[head.pk], layout=ShomeiLayout.KOJIN)
    with pytest.raises(ShomeiError, match="住民票の写しで発行してください"):
        issue(kind=ShomeiKind.JOHYO, atena_ids=[wife.pk], layout=ShomeiLayout.KOJIN)
    kofu, pdf = issue(kind=ShomeiKind.JOHYO, atena_ids=[head.pk], layout=ShomeiLayout.KOJIN)
    text = "".join(pdf_pages(pdf))
    for expected in ("除票の写し", "山田太郎", "消除事由", "死亡", "消除日", "令和6年3月3日"):
        assert expected in text, expected
    assert "この写しは、除票の原本と相違ないことを証明する。" in text
    assert "転出先" not in text
    assert kofu.kind == ShomeiKind.JOHYO
    # the whole household now means the two living members
    kofu, pdf = issue(setai_id=head.setai_id)
    assert kofu.atena_ids == [wife.pk, child.pk]
    assert "山田太郎" not in "".join(pdf_pages(pdf))


def test_johyo_after_tenshutsu_shows_the_new_address(household):
    _, _, child = household
    tenshutsu(child, ido_date=date(2025, 3, 31), todoke_date=date(2025, 3, 20))
    _, pdf = issue(kind=ShomeiKind.JOHYO, atena_ids=[child.pk], layout=ShomeiLayout.KOJIN)
    text = "".join(pdf_pages(pdf))
    for expected in ("転出", "令和7年3月31日", "転出先", "東京都新宿区西新宿二丁目8番1号"):
        assert expected in text, expected


def test_history_lists_the_versions_only_when_asked(household):
    head = household[0]
    tenkyo(list(household), ido_date=date(2023, 6, 10), todoke_date=date(2023, 6, 12))
    _, plain = issue(atena_ids=[head.pk], layout=ShomeiLayout.KOJIN)
    plain_text = "".join(pdf_pages(plain))
    assert "神奈川県三浦郡葉山町一色1番地" in plain_text
    assert "堀内" not in plain_text and "履歴" not in plain_text
    kofu, pdf = issue(atena_ids=[head.pk], layout=ShomeiLayout.KOJIN, items={"rireki": True})
    text = "".join(pdf_pages(pdf))
    for expected in ("履歴", "転入", "令和2年4月1日", "堀内2135番地", "転居", "令和5年6月10日"):
        assert expected in text, expected
    assert "令和5年6月12日届出" in text
    assert kofu.items["rireki"] is True


def test_foreign_resident_items(in_alpha):
    set_ninshosha()
    _, (person,) = household_tennyu(
        "hayama",
        members=[
            person_fields(
                shimei="ＳＭＩＴＨ　ＪＯＨＮ",
                shimei_kana="スミス　ジョン",
                shubetsu=JuminShubetsu.GAIKOKUJIN,
                alpha_name="SMITH JOHN",
                tsusho="須美寿　譲",
                kokuseki="アメリカ合衆国",
                zairyu_shikaku="技術・人文知識・国際業務",
                zairyu_kikan_to="2027-03-31",
                zairyu_card_no="AB12345678CD",
                honseki="",
                hittosha="",
            )
        ],
    )
    _, pdf = issue(atena_ids=[person.pk], layout=ShomeiLayout.KOJIN, items={"honseki": True})
    text = "".join(pdf_pages(pdf))
    for expected in (
        "SMITHJOHN",
        "通称",
        "須美寿譲",
        "国籍・地域",
        "アメリカ合衆国",
        "在留資格",
        "技術・人文知識・国際業務",
        "在留期間の満了日",
        "2027年3月31日",  # 標準仕様書 1.1.9: 西暦 for a foreign resident
        "在留カード等番号",
        "AB12345678CD",
        "生年月日1980年5月5日",  # 1.1.9: 西暦
        "住民となった日令和2年4月1日",  # every other date 和暦
    ):
        assert expected in text, expected
    assert "本籍" not in text  # foreign residents have none, even when asked
    assert "令和9年" not in text and "昭和55年" not in text  # 1.1.9 【実装しない機能】


def test_long_text_shrinks_and_too_long_is_refused(in_alpha):
    set_ninshosha()
    long_address = "神奈川県三浦郡葉山町" + "一色" * 15  # 40 characters
    assert fit_class("神奈川県三浦郡葉山町堀内", box="address", label="住所") == ""
    assert fit_class(long_address, box="address", label="住所") == "fs-s"
    assert fit_class("神奈川県" + "長" * 50, box="address", label="住所") == "fs-xs"
    with pytest.raises(TextTooLong, match="文字数が多く印字できません: 住所"):
        fit_class("神" * 57, box="address", label="住所")
    # half-width letters count half
    assert fit_class("A" * 60, box="alpha", label="氏名") == ""
    _, (person,) = household_tennyu(
        "hayama", members=[person_fields(jusho=long_address, banchi="")]
    )
    rows = person_rows(person, SheetOptions(), with_address=True, head_name=None, johyo=False)
    address = next(r for r in rows if r.label == "住所")
    assert "fs-s" in address.css
    _, pdf = issue(atena_ids=[person.pk], layout=ShomeiLayout.KOJIN)
    assert long_address in "".join(pdf_pages(pdf))  # printed whole, smaller


def test_too_long_address_prints_to_the_limit_and_whole_on_a_bessi(in_alpha):
    """標準仕様書 5.8: アラート before issuing; the item printed to the limit (or blank, by
    the town's parameter) and listed whole on a 別紙 before the 認証文 (5.1)."""
    set_ninshosha()
    address = "神奈川県三浦郡葉山町" + "堀内" * 30 + "終端"
    _, (person,) = household_tennyu("hayama", members=[person_fields(jusho=address, banchi="")])
    # given: the screens' precheck warns
    check = shomei_precheck(
        kind=ShomeiKind.JUMINHYO,
        atena_ids=[person.pk],
        setai_id=None,
        seikyusha=Seikyusha.HONNIN,
        layout=ShomeiLayout.KOJIN,
    )
    assert check.codes == ["moji_afure"] and "住所" in check.warnings[0]
    # when
    kofu, pdf = issue(atena_ids=[person.pk], layout=ShomeiLayout.KOJIN)
    # then: 限界まで on the form, the whole on the 別紙, 認証文 after it on the last page
    pages = pdf_pages(pdf)
    assert len(pages) == 2 and address not in pages[0] and "神奈川県三浦郡葉山町堀内" in pages[0]
    assert "別紙" in pages[1] and address in pages[1] and NINSHO in pages[1]
    assert pages[1].index(address) < pages[1].index(NINSHO)
    assert kofu.items["moji_afure"] == ["住所"]
    # the town's parameter: 空白で印字
    MunicipalParameter.objects.create(
        key="juminkiroku.moji_afure",
        fiscal_year_from=2000,
        value="kuhaku",
        source="テスト",
        created_by="test",
    )
    _, pdf = issue(atena_ids=[person.pk], layout=ShomeiLayout.KOJIN)
    pages = pdf_pages(pdf)
    assert "神奈川県三浦郡葉山町堀内" not in pages[0] and address in pages[1]


def test_renki_needs_one_household(in_alpha):
    set_ninshosha()
    _, (a,) = household_tennyu("hayama")
    _, (b,) = household_tennyu("hayama", members=[person_fields(shimei="鈴木　一")])
    with pytest.raises(ShomeiError, match="同じ世帯"):
        issue(atena_ids=[a.pk, b.pk], layout=ShomeiLayout.RENKI)
    with pytest.raises(ShomeiError, match="属していない"):
        issue(setai_id=a.setai_id, atena_ids=[b.pk])
    kofu, _ = issue(atena_ids=[a.pk, b.pk], layout=ShomeiLayout.KOJIN)
    assert kofu.pages == 2


def test_ninshosha_setting(in_alpha):
    set_koin()
    _, (person,) = household_tennyu("hayama")
    with pytest.raises(ShomeiError, match=r"juminkiroku\.ninshosha"):
        issue(atena_ids=[person.pk])
    assert ShomeiKofu.objects.count() == 0
    # the mayor recorded on the municipality is used when no parameter is set
    town = in_alpha.municipality
    town.mayor_name = "葉山　町長"
    town.save(update_fields=["mayor_name"])
    connection.set_tenant(town)
    _, pdf = issue(atena_ids=[person.pk])
    assert "神奈川県葉山町長葉山町長" in "".join(pdf_pages(pdf))  # 5.6: 都道府県名から
    # the parameter wins, and may name a 職務代理者
    set_ninshosha({"shokumei": "葉山町長職務代理者　副町長", "shimei": "代理　次郎"})
    _, pdf = issue(atena_ids=[person.pk])
    assert "葉山町長職務代理者副町長代理次郎" in "".join(pdf_pages(pdf))


def test_a_person_of_another_town_cannot_be_found_or_printed(in_alpha, beta):
    set_ninshosha()
    _, atenas = household_tennyu("hayama", members=family())
    ids = [a.pk for a in atenas]
    setai_id = atenas[0].setai_id
    connection.set_tenant(beta.municipality)
    set_ninshosha()
    assert not Atena.objects.filter(pk__in=ids).exists()
    samukawa = actor_for("samukawa-clerk")
    with pytest.raises(ShomeiNotFound):
        issue(atena_ids=ids, actor=samukawa)
    with pytest.raises(ShomeiNotFound):
        issue(setai_id=setai_id, atena_ids=None, actor=samukawa)
    with pytest.raises(ShomeiNotFound):
        shomei_precheck(kind="juminhyo", atena_ids=ids, setai_id=None, seikyusha="honnin")
    assert ShomeiKofu.objects.count() == 0
    assert not AccessLog.objects.filter(action="print").exists()


def test_void_and_monthly_counts(household):
    head, wife, _ = household
    now = timezone.localdate()
    a, _ = issue(setai_id=head.setai_id, copies=2)
    b, _ = issue(atena_ids=[wife.pk], layout=ShomeiLayout.KOJIN, copies=3)
    assert issued_count(now.year, now.month) == {"juminhyo": 5}
    with pytest.raises(ShomeiError, match="理由"):
        shomei_void(kofu_id=b.pk, reason=" ", actor=actor_for("hayama-clerk"))
    voided = shomei_void(kofu_id=b.pk, reason="記載誤りのため回収", actor=actor_for("hayama-clerk"))
    assert voided.voided_at is not None and voided.voided_by == "hayama-clerk"
    with pytest.raises(ShomeiError, match="既に処分"):
        shomei_void(kofu_id=b.pk, reason="二重", actor=actor_for("hayama-clerk"))
    assert issued_count(now.year, now.month) == {"juminhyo": 2}
    previous = now.replace(day=1) - timedelta(days=1)
    assert issued_count(previous.year, previous.month) == {}
    assert list(kofu_search(atena_id=wife.pk)) == [b, a]
    assert list(kofu_search(atena_id=wife.pk, include_voided=False)) == [a]
    assert list(kofu_search(hakko_no=a.hakko_no)) == [a]
    assert list(kofu_search(date_from=now + timedelta(days=1))) == []
    assert AccessLog.objects.filter(action="update", record_id=str(b.pk)).count() == 1


def test_void_in_another_town_is_not_found(household, beta):
    head, *_ = household
    kofu, _ = issue(atena_ids=[head.pk])
    connection.set_tenant(beta.municipality)
    with pytest.raises(ShomeiNotFound):
        shomei_void(kofu_id=kofu.pk, reason="x", actor=actor_for("samukawa-clerk"))
    assert ShomeiKofu.objects.count() == 0


def test_pdf_fetcher_refuses_everything_but_png_data():
    for url in (
        "file:///etc/hostname",
        "http://127.0.0.1:8000/",
        "https://example.com/x.png",
        "data:text/html;base64,PGgxPng8L2gxPg==",
        "data:image/svg+xml;base64,PHN2Zy8+",
    ):
        with pytest.raises(ExternalResourceRefused):
            refuse_external(url)
    import base64

    from juminkiroku.tests.certhelpers import png_bytes

    image = png_bytes()
    result = refuse_external("data:image/png;base64," + base64.b64encode(image).decode())
    assert result.read() == image and result.content_type == "image/png"
    with pytest.raises(ExternalResourceRefused):
        refuse_external("data:image/png;base64,@@not-base64@@")


def test_pdf_of_a_hostile_template_fetches_nothing(tmp_path):
    from weasyprint import HTML

    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    html = f'<p>x</p><img src="file://{secret}"><link rel="stylesheet" href="file://{secret}">'
    pdf = HTML(string=html, url_fetcher=png_data_only_fetcher()).write_pdf()
    assert "TOPSECRET" not in "".join(pdf_pages(pdf))
    assert b"TOPSECRET" not in pdf


def test_a_name_with_an_ivs_prints_in_the_mj_font_and_reads_back_with_its_selector(in_alpha):
    # given: 葛󠄂 (U+845B U+E0102, MJ022335, the 葛 of 葛城市): Noto Serif CJK JP holds no
    # glyph for this sequence and would print a plain 葛, dropping the selector
    set_ninshosha()
    name = "葛\U000e0102城　一郎"
    assert fit_class(name, box="name", label="氏名") == "mj"
    assert fit_class("葛城　一郎", box="name", label="氏名") == ""
    _, (person,) = household_tennyu("hayama", members=[person_fields(shimei=name)])
    rows = person_rows(person, SheetOptions(), with_address=True, head_name=None, johyo=False)
    assert "mj" in next(r for r in rows if r.label == "氏名").css.split()
    # when
    _, pdf = issue(atena_ids=[person.pk], layout=ShomeiLayout.KOJIN)
    # then: drawn by IPAmj明朝 (fonts-ipamj-mincho), the text read back keeps the IVS
    text = "".join(pdf_pages(pdf))
    assert "葛\U000e0102城一郎" in text
